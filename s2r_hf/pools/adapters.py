"""Pool adapters: one raw row → one canonical row, or a drop reason. Plain callables, picked by name.

Canonical columns: ``id, problem, response, answer, problem_type, source, messages`` plus audit columns
``trace_index`` / ``verified_by`` and the internal ``_drop`` / ``_detail`` (empty when the row is kept).
An adapter never raises on bad data: it returns the reason, so the normaliser can count, skip or fail
with the row named, whatever the executor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

Row = dict[str, Any]

BAD_FIELD = "bad_field"


def text_hash(text: str) -> str:
    """Short content hash: the score cache keys rows by (id, problem hash) so edited problems are re-scored."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def problem_id(problem: str) -> str:
    """Stable id for pools without one: a hash of the problem text."""
    return "sha1-" + hashlib.sha1(problem.encode("utf-8")).hexdigest()[:20]


def _text(row: Row, name: str) -> str | None:
    """The field as a non-empty string, or None when missing, empty or not a string."""
    value = row.get(name)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _describe(row: Row, name: str, expected: type = str) -> str:
    value = row.get(name)
    if name not in row or value is None:
        return f"field {name!r} is missing"
    if isinstance(value, expected):
        return f"field {name!r} is empty" if expected is str else f"field {name!r} is an empty {expected.__name__}"
    kind = "a string" if expected is str else f"a {expected.__name__}"
    return f"field {name!r} is {type(value).__name__}, not {kind}"


def _bad(row: Row, name: str, row_id: str = "", expected: type = str) -> Row:
    return _out(row_id, "", "", drop=BAD_FIELD, detail=_describe(row, name, expected))


def _out(
    row_id: str,
    problem: str,
    response: str,
    *,
    answer: str = "",
    problem_type: str = "",
    source: str = "",
    trace_index: int = -1,
    verified_by: str = "",
    drop: str = "",
    detail: str = "",
) -> Row:
    messages = [{"role": "user", "content": problem}, {"role": "assistant", "content": response}] if not drop else []
    return {
        "id": row_id,
        "problem": problem,
        "problem_hash": text_hash(problem) if problem else "",
        "response": response,
        "answer": answer,
        "problem_type": problem_type,
        "source": source,
        "messages": messages,
        "trace_index": trace_index,
        "verified_by": verified_by,
        "_drop": drop,
        "_detail": detail,
    }


def _opt_text(row: Row, name: str) -> str:
    value = row.get(name)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _row_id(row: Row, problem: str, *names: str) -> str:
    for name in names:
        value = row.get(name)
        if isinstance(value, (str, int)) and str(value).strip():
            return str(value).strip()
    return problem_id(problem)


def _flags(row: Row, name: str, n: int) -> list[bool] | None:
    value = row.get(name)
    if not isinstance(value, list):
        return None
    return [bool(v) for v in value[:n]] + [False] * max(0, n - len(value))


def openr1(row: Row) -> Row:
    """OpenR1-Math-220k: the first math-verify-correct trace, else the first llama-judged one (SPEC §1).

    The chosen trace must have ``is_reasoning_complete``; a row with no verified trace is dropped.
    """
    problem = _text(row, "problem")
    if problem is None:
        return _bad(row, "problem", _opt_text(row, "uuid"))
    row_id = _row_id(row, problem, "uuid")
    gens = row.get("generations")
    if not isinstance(gens, list) or not gens:
        return _out(
            row_id,
            problem,
            "",
            drop=BAD_FIELD,
            detail=_describe(row, "generations", list),
        )
    chosen, verified_by = -1, ""
    for flag_name, label in (("correctness_math_verify", "math_verify"), ("correctness_llama", "llama")):
        flags = _flags(row, flag_name, len(gens)) or []
        hits = [i for i, ok in enumerate(flags) if ok]
        if hits:
            chosen, verified_by = hits[0], label
            break
    if chosen < 0:
        return _out(row_id, problem, "", drop="no_verified_trace", detail="no trace marked correct")
    response = gens[chosen]
    if not isinstance(response, str) or not response.strip():
        return _out(row_id, problem, "", drop=BAD_FIELD, detail=f"generations[{chosen}] is empty or not a string")
    complete = _flags(row, "is_reasoning_complete", len(gens))
    if complete is not None and not complete[chosen]:
        return _out(
            row_id,
            problem,
            "",
            drop="incomplete_reasoning",
            detail=f"chosen trace {chosen} ({verified_by}) has is_reasoning_complete=false",
        )
    return _out(
        row_id,
        problem,
        response,
        answer=_opt_text(row, "answer"),
        problem_type=_opt_text(row, "problem_type"),
        source=_opt_text(row, "source"),
        trace_index=chosen,
        verified_by=verified_by,
    )


def messages(row: Row) -> Row:
    """Any conversational pool: the first user turn is the problem, the last assistant turn the response."""
    conv = row.get("messages")
    if not isinstance(conv, list) or not conv:
        return _bad(row, "messages", _opt_text(row, "id"), list)
    turns = [m for m in conv if isinstance(m, dict)]
    users = [m.get("content") for m in turns if m.get("role") == "user"]
    assistants = [m.get("content") for m in turns if m.get("role") == "assistant"]
    problem = users[0] if users and isinstance(users[0], str) and users[0].strip() else None
    if problem is None:
        return _out(_opt_text(row, "id"), "", "", drop=BAD_FIELD, detail="messages has no non-empty user turn")
    row_id = _row_id(row, problem, "id", "uuid")
    response = assistants[-1] if assistants and isinstance(assistants[-1], str) and assistants[-1].strip() else None
    if response is None:
        return _out(row_id, problem, "", drop=BAD_FIELD, detail="messages has no non-empty assistant turn")
    return _out(
        row_id,
        problem,
        response,
        answer=_opt_text(row, "answer"),
        problem_type=_opt_text(row, "problem_type"),
        source=_opt_text(row, "source"),
    )


def alpaca(row: Row) -> Row:
    """Alpaca-style ``instruction`` (+ optional ``input``) → ``output``."""
    instruction = _text(row, "instruction")
    if instruction is None:
        return _bad(row, "instruction", _opt_text(row, "id"))
    extra = _opt_text(row, "input")
    problem = f"{instruction}\n\n{extra}" if extra else instruction
    row_id = _row_id(row, problem, "id", "uuid")
    output = _text(row, "output")
    if output is None:
        return _bad(row, "output", row_id)
    return _out(row_id, problem, output, answer=_opt_text(row, "answer"), source=_opt_text(row, "source"))


def chinese_r1(row: Row) -> Row:
    """Chinese-DeepSeek-R1-Distill-data-110k: ``input``, ``reasoning_content``, ``content``."""
    problem = _text(row, "input")
    if problem is None:
        return _bad(row, "input", _opt_text(row, "id"))
    row_id = _row_id(row, problem, "id", "uuid")
    reasoning, content = _text(row, "reasoning_content"), _text(row, "content")
    if reasoning is None:
        return _bad(row, "reasoning_content", row_id)
    if content is None:
        return _bad(row, "content", row_id)
    response = f"<think>\n{reasoning.strip()}\n</think>\n\n{content.strip()}"
    return _out(
        row_id,
        problem,
        response,
        answer=_opt_text(row, "answer"),
        problem_type=_opt_text(row, "repo_name"),
        source=_opt_text(row, "source"),
    )


ADAPTERS: dict[str, Callable[[Row], Row]] = {
    "openr1": openr1,
    "messages": messages,
    "alpaca": alpaca,
    "chinese_r1": chinese_r1,
}

# Column sets that identify a format, checked in this order by ``detect_format``.
SIGNATURES: list[tuple[str, frozenset[str]]] = [
    ("openr1", frozenset({"problem", "generations"})),
    ("chinese_r1", frozenset({"input", "reasoning_content", "content"})),
    ("alpaca", frozenset({"instruction", "output"})),
    ("messages", frozenset({"messages"})),
]
