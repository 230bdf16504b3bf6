"""Pool adapters: one raw row → one canonical row, or a drop reason. Plain callables, picked by name.

Canonical columns: ``id, problem, response, answer, problem_type, source, messages`` plus audit columns
``trace_index`` / ``verified_by`` and the internal ``_drop`` / ``_detail`` (empty when the row is kept) and
``_note`` (a counted remark on a kept or dropped row, e.g. which OpenR1 trace was taken).
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
    note: str = "",
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
        "_note": note,
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


def _given_id(row: Row) -> str:
    """The pool's own ``id``/``uuid`` for naming a dropped row (before the problem is known), else ``""``."""
    return next((v for v in (_opt_text(row, "id"), _opt_text(row, "uuid")) if v), "")


def _first_text(row: Row, *names: str) -> str:
    """The first of ``names`` with a non-empty value, as text (optional metadata columns)."""
    return next((v for v in (_opt_text(row, n) for n in names) if v), "")


def _present(row: Row, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` the row has a column for (even if null): the choice is per pool, not per row."""
    return next((n for n in names if n in row), None)


def _flags(row: Row, name: str, n: int) -> list[bool] | None:
    value = row.get(name)
    if not isinstance(value, list):
        return None
    return [bool(v) for v in value[:n]] + [False] * max(0, n - len(value))


LATER_TRACE_TAKEN = "later_complete_trace_taken"
LATER_TRACE_AVAILABLE = "later_complete_trace_available"


def openr1(row: Row, trace: str = "first-verified") -> Row:
    """OpenR1-Math-220k: the first math-verify-correct trace, else the first llama-judged one (SPEC §1).

    ``trace='first-verified'`` (SPEC §1): that trace must have ``is_reasoning_complete``, else the row is dropped
    (noted when a later verified trace is complete). ``'first-verified-complete'``: the first trace that is both
    verified and complete, so such a row keeps a later trace (noted). A row with no verified trace is dropped.
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
    complete = _flags(row, "is_reasoning_complete", len(gens))
    chosen, verified_by, first, later = -1, "", -1, -1
    for flag_name, label in (("correctness_math_verify", "math_verify"), ("correctness_llama", "llama")):
        flags = _flags(row, flag_name, len(gens)) or []
        hits = [i for i, ok in enumerate(flags) if ok]
        if hits:
            first = hits[0]
            ok_hits = [i for i in hits if complete is None or complete[i]]
            later = ok_hits[0] if ok_hits and ok_hits[0] != first else -1
            chosen, verified_by = first, label
            break
    if chosen < 0:
        return _out(row_id, problem, "", drop="no_verified_trace", detail="no trace marked correct")
    note = ""
    if later >= 0 and trace == "first-verified-complete":
        chosen, note = later, LATER_TRACE_TAKEN
    response = gens[chosen]
    if not isinstance(response, str) or not response.strip():
        return _out(row_id, problem, "", drop=BAD_FIELD, detail=f"generations[{chosen}] is empty or not a string")
    if complete is not None and not complete[chosen]:
        hint = (
            f"; trace {later} is verified and complete (--openr1-trace first-verified-complete keeps it)"
            if later >= 0
            else ""
        )
        return _out(
            row_id,
            problem,
            "",
            drop="incomplete_reasoning",
            detail=f"chosen trace {chosen} ({verified_by}) has is_reasoning_complete=false{hint}",
            note=LATER_TRACE_AVAILABLE if later >= 0 else "",
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
        note=note,
    )


USER_ROLES = frozenset({"user", "human"})
ASSISTANT_ROLES = frozenset({"assistant", "gpt"})


def _turn(turn: Any) -> tuple[str, Any]:
    """(role, text) of one chat turn in either key style: ``role``/``content`` or ShareGPT ``from``/``value``.

    The role is lower-cased; a turn that is not a dict, or has no role, gets role ``""`` (ignored, like
    ``system`` and unknown roles such as ``tool``).
    """
    if not isinstance(turn, dict):
        return "", None
    role = turn.get("role") if turn.get("role") is not None else turn.get("from")
    text = turn.get("content") if turn.get("content") is not None else turn.get("value")
    return (role.strip().lower() if isinstance(role, str) else ""), text


def _chat(row: Row, names: tuple[str, ...]) -> Row:
    """First user turn → problem, last assistant turn → response, from the first of ``names`` the row has.

    Both key styles and role names are accepted (``user``/``human``, ``assistant``/``gpt``); ``system`` and
    unknown roles are skipped. A top-level ``system`` column (ShareGPT pools) is not part of the problem.
    """
    name = _present(row, names) or names[0]
    given_id = _given_id(row)
    conv = row.get(name)
    if not isinstance(conv, list) or not conv:
        return _bad(row, name, given_id, list)
    turns = [_turn(t) for t in conv]
    users = [text for role, text in turns if role in USER_ROLES]
    assistants = [text for role, text in turns if role in ASSISTANT_ROLES]
    problem = users[0] if users and isinstance(users[0], str) and users[0].strip() else None
    if problem is None:
        return _out(given_id, "", "", drop=BAD_FIELD, detail=f"{name} has no non-empty user turn")
    row_id = _row_id(row, problem, "id", "uuid")
    response = assistants[-1] if assistants and isinstance(assistants[-1], str) and assistants[-1].strip() else None
    if response is None:
        return _out(row_id, problem, "", drop=BAD_FIELD, detail=f"{name} has no non-empty assistant turn")
    return _out(
        row_id,
        problem,
        response,
        answer=_opt_text(row, "answer"),
        problem_type=_first_text(row, "problem_type", "domain"),
        source=_opt_text(row, "source"),
    )


def messages(row: Row) -> Row:
    """Any conversational pool: the first user turn is the problem, the last assistant turn the response.

    Turns are ``role``/``content`` dicts, or ShareGPT ``from``/``value`` ones (``human``/``gpt`` roles too).
    """
    return _chat(row, ("messages",))


def conversations(row: Row) -> Row:
    """ShareGPT-style pools: ``conversations`` of ``{"from", "value"}`` turns, plus an optional ``system`` column.

    Bespoke-Stratos-17k, OpenThoughts-114k (default config), OpenThoughts3-1.2M, Light-R1-SFTData.
    The first user (``user``/``human``) turn is the problem and the last assistant (``assistant``/``gpt``) turn
    the response, kept verbatim with its reasoning (``<|begin_of_thought|>…`` or ``<think>…``); ``system`` turns,
    the ``system`` column and unknown roles are ignored. A row without ``conversations`` falls back to a
    ``messages`` column in either key style.
    """
    return _chat(row, ("conversations", "messages"))


def _side(value: Any, roles: frozenset[str], pick: int) -> str | None:
    """A prompt/completion side as text: the string itself, or the ``pick`` (0 first, -1 last) turn of ``roles``
    in a conversational list."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, list):
        texts = [text for role, text in map(_turn, value) if role in roles]
        if texts and isinstance(texts[pick], str) and texts[pick].strip():
            return texts[pick]
    return None


def prompt_completion(row: Row) -> Row:
    """TRL's prompt-completion format (e.g. mlx-community/s1K-1.1): ``prompt`` → ``completion``, each a string or,
    in TRL's conversational form, a list of turns (the first user turn of the prompt is the problem; the last
    assistant turn of the completion the response)."""
    given_id = _given_id(row)
    problem = _side(row.get("prompt"), USER_ROLES, 0)
    if problem is None:
        return _out(given_id, "", "", drop=BAD_FIELD, detail=_describe_side(row, "prompt", "user"))
    row_id = _row_id(row, problem, "id", "uuid")
    response = _side(row.get("completion"), ASSISTANT_ROLES, -1)
    if response is None:
        return _out(row_id, problem, "", drop=BAD_FIELD, detail=_describe_side(row, "completion", "assistant"))
    return _out(row_id, problem, response, answer=_opt_text(row, "answer"), source=_opt_text(row, "source"))


def _describe_side(row: Row, name: str, role: str) -> str:
    if isinstance(row.get(name), list):
        return f"{name} has no non-empty {role} turn"
    return _describe(row, name)


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


def think_response(reasoning: str, answer: str) -> str:
    """A trace stored as reasoning + answer columns, written the way R1 emits it (``<think>`` block, then answer)."""
    return f"<think>\n{reasoning.strip()}\n</think>\n\n{answer.strip()}"


def _reasoning_columns(row: Row, problem_col: str, reasoning_col: str, answer_col: str, type_col: str) -> Row:
    """A pool that stores the question, the reasoning and the final answer in three columns: the trace is
    written as R1 emits it (:func:`think_response`)."""
    problem = _text(row, problem_col)
    if problem is None:
        return _bad(row, problem_col, _given_id(row))
    row_id = _row_id(row, problem, "id", "uuid")
    reasoning, answer = _text(row, reasoning_col), _text(row, answer_col)
    if reasoning is None:
        return _bad(row, reasoning_col, row_id)
    if answer is None:
        return _bad(row, answer_col, row_id)
    return _out(
        row_id,
        problem,
        think_response(reasoning, answer),
        answer=_opt_text(row, "answer"),
        problem_type=_opt_text(row, type_col),
        source=_opt_text(row, "source"),
    )


def chinese_r1(row: Row) -> Row:
    """Chinese-DeepSeek-R1-Distill-data-110k: ``input``, ``reasoning_content``, ``content``."""
    return _reasoning_columns(row, "input", "reasoning_content", "content", "repo_name")


def reasoning_solution(row: Row) -> Row:
    """OpenThoughts-114k's ``metadata`` config (and pools shaped like it): ``problem``, ``deepseek_reasoning``,
    ``deepseek_solution``, ``domain`` (math / code / science / puzzle), ``source``. ``ground_truth_solution``
    is a reference, not the trace."""
    return _reasoning_columns(row, "problem", "deepseek_reasoning", "deepseek_solution", "domain")


# problem_solution: the problem column, then the long-solution column, each the first the pool has.
PROBLEM_COLUMNS = ("problem", "question")
SOLUTION_COLUMNS = (
    "generated_solution",  # nvidia/OpenMathReasoning: the R1 / QwQ-32B long CoT (or TIR) solution
    "r1_solution_1",  # zwhe99/DeepMath-103K: the first of its three R1 traces
    "solution",  # GAIR/LIMO (and LIMO-v2): the long reasoning chain itself
)
ANSWER_COLUMNS = ("answer", "expected_answer", "final_answer")


def problem_solution(row: Row) -> Row:
    """Problem + one long-solution column: GAIR/LIMO, nvidia/OpenMathReasoning, zwhe99/DeepMath-103K.

    The problem is ``problem`` or ``question``, the response the first of :data:`SOLUTION_COLUMNS` the pool has
    (kept verbatim), the answer ``answer``/``expected_answer``/``final_answer``. A trace column is preferred to
    ``solution`` because where both exist ``solution`` is the short reference (e.g. NuminaMath-derived pools).
    Pools with several solutions per problem (OpenMathReasoning) keep the first one: rows without an id
    column get the problem hash, so later solutions drop as ``duplicate_id``.
    """
    given_id = _given_id(row)
    problem_name = _present(row, PROBLEM_COLUMNS)
    if problem_name is None:
        return _out(given_id, "", "", drop=BAD_FIELD, detail="no problem field: none of 'problem', 'question'")
    problem = _text(row, problem_name)
    if problem is None:
        return _bad(row, problem_name, given_id)
    row_id = _row_id(row, problem, "id", "uuid")
    solution_name = _present(row, SOLUTION_COLUMNS)
    if solution_name is None:
        names = ", ".join(repr(n) for n in SOLUTION_COLUMNS)
        return _out(row_id, problem, "", drop=BAD_FIELD, detail=f"no solution field: none of {names}")
    response = _text(row, solution_name)
    if response is None:
        return _bad(row, solution_name, row_id)
    return _out(
        row_id,
        problem,
        response,
        answer=_first_text(row, *ANSWER_COLUMNS),
        problem_type=_first_text(row, "problem_type", "topic", "domain"),
        source=_first_text(row, "source", "problem_source"),
    )


# s1k: (thinking trajectory, attempt) column pairs, the first whose trajectory column the pool has.
S1_TRACES = (
    ("deepseek_thinking_trajectory", "deepseek_attempt"),  # simplescaling/s1K-1.1 (the R1 traces s1.1 trains on)
    ("claude_thinking_trajectory", "claude_attempt"),  # simplescaling/s1K-claude-3-7-sonnet
    ("thinking_trajectories", "attempt"),  # simplescaling/s1K: a list of strings (one Gemini trace)
    ("gemini_thinking_trajectory", "gemini_attempt"),  # s1K-1.1 / s1K-claude keep the Gemini trace too
)


def _trajectory(row: Row, name: str) -> tuple[str | None, str]:
    """(text, "") for a non-empty string or list of strings (joined by newlines, as s1's tokenizer does),
    else (None, drop detail)."""
    value = row.get(name)
    if isinstance(value, list):
        if not value:
            return None, _describe(row, name, list)
        for i, part in enumerate(value):
            if not isinstance(part, str):
                return None, f"{name}[{i}] is {type(part).__name__}, not a string"
        value = "\n".join(value)
    if isinstance(value, str):
        return (value.strip(), "") if value.strip() else (None, f"field {name!r} is empty")
    if name not in row or value is None:
        return None, f"field {name!r} is missing"
    return None, f"field {name!r} is {type(value).__name__}, not a string or list"


def s1k(row: Row) -> Row:
    """simplescaling/s1K and s1K-1.1: ``question`` + a thinking trajectory + the attempt after it.

    Response = ``<think>\\n{trajectory}\\n</think>\\n\\n{attempt}`` (as :func:`chinese_r1`), from the first pair of
    :data:`S1_TRACES` the pool has: DeepSeek-R1 for s1K-1.1, ``thinking_trajectories`` + ``attempt`` for s1K.
    ``cot_type`` and ``source_type`` become ``problem_type`` and ``source``. ``solution`` is not taken as the
    answer: it is a bare number for some sources and a whole worked solution (or none) for others.
    """
    given_id = _given_id(row)
    problem = _text(row, "question")
    if problem is None:
        return _bad(row, "question", given_id)
    row_id = _row_id(row, problem, "id", "uuid")
    pair = next((p for p in S1_TRACES if p[0] in row), None)
    if pair is None:
        names = ", ".join(repr(t) for t, _ in S1_TRACES)
        return _out(row_id, problem, "", drop=BAD_FIELD, detail=f"no thinking trajectory field: none of {names}")
    trajectory, detail = _trajectory(row, pair[0])
    if trajectory is None:
        return _out(row_id, problem, "", drop=BAD_FIELD, detail=detail)
    attempt = _text(row, pair[1])
    if attempt is None:
        return _bad(row, pair[1], row_id)
    return _out(
        row_id,
        problem,
        think_response(trajectory, attempt),
        answer=_opt_text(row, "answer"),
        problem_type=_opt_text(row, "cot_type"),
        source=_opt_text(row, "source_type"),
    )


ADAPTERS: dict[str, Callable[[Row], Row]] = {
    "openr1": openr1,
    "messages": messages,
    "alpaca": alpaca,
    "chinese_r1": chinese_r1,
    "conversations": conversations,
    "problem_solution": problem_solution,
    "s1k": s1k,
    "prompt_completion": prompt_completion,
    "reasoning_solution": reasoning_solution,
}

# Column sets that identify a format, checked in this order by ``detect_format``: the first subset wins, so
# the many-column signatures come before the one-column chat ones (OpenR1 rows also have ``messages``,
# ``problem`` and ``solution``; OpenThoughts-114k-math has both ``conversations`` and a short ``messages``).
SIGNATURES: list[tuple[str, frozenset[str]]] = [
    ("openr1", frozenset({"problem", "generations"})),
    ("chinese_r1", frozenset({"input", "reasoning_content", "content"})),
    ("reasoning_solution", frozenset({"problem", "deepseek_reasoning", "deepseek_solution"})),
    ("alpaca", frozenset({"instruction", "output"})),
    *(("s1k", frozenset({"question", trace, attempt})) for trace, attempt in S1_TRACES),
    ("problem_solution", frozenset({"problem", "generated_solution"})),  # OpenMathReasoning
    ("problem_solution", frozenset({"question", "r1_solution_1"})),  # DeepMath-103K
    ("problem_solution", frozenset({"question", "solution", "answer"})),  # LIMO
    ("prompt_completion", frozenset({"prompt", "completion"})),
    ("conversations", frozenset({"conversations"})),
    ("messages", frozenset({"messages"})),
]
