"""The OpenR1-Math-220k adapter: which of a row's several traces becomes the response (SPEC §1)."""

from __future__ import annotations

from s2r_hf.pools.canonical import (
    BAD_FIELD,
    Row,
    canonical_row,
    describe_field,
    drop_bad_field,
    field_text,
    opt_text,
    resolve_id,
)

_TRUE_TEXT, _FALSE_TEXT = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no", ""})


def _flag(value) -> bool:
    """One per-trace flag: a bool or 0/1, or its text (``"false"`` is False: a csv/str-typed export); else False."""
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_TEXT
    return bool(value) and value == value if isinstance(value, (bool, int, float)) else False  # NaN: missing


def _flags(row: Row, name: str, n: int) -> list[bool] | None:
    """A per-trace flag column as ``n`` bools (missing entries False), or None when it is not a list."""
    value = row.get(name)
    if not isinstance(value, list):
        return None
    return [_flag(v) for v in value[:n]] + [False] * max(0, n - len(value))


def _unverified_detail(row: Row, n: int) -> str:
    """Why no trace counts as correct; names flag columns whose length differs from ``generations`` (only the
    first ``n`` flags are read), and flags written as text that is neither true nor false."""
    problems = []
    for name in ("correctness_math_verify", "correctness_llama", "is_reasoning_complete"):
        value = row.get(name)
        if isinstance(value, list) and len(value) != n:
            problems.append(f"{name} has {len(value)} flags for {n} generations")
        elif value is not None and not isinstance(value, list):
            problems.append(f"{name} is {type(value).__name__}, not a list of bools")
        if isinstance(value, list) and any(
            isinstance(v, str) and v.strip().lower() not in _TRUE_TEXT | _FALSE_TEXT for v in value
        ):
            problems.append(f"{name} holds text that is not true/false")
    return "no trace marked correct" + (f" ({'; '.join(problems)})" if problems else "")


LATER_TRACE_TAKEN = "later_complete_trace_taken"
LATER_TRACE_AVAILABLE = "later_complete_trace_available"


def _verified_trace(row: Row, n: int, complete: list[bool] | None) -> tuple[int, str, int]:
    """(first verified trace, its grader, first later trace that is verified and complete) by math-verify, else
    by the llama judge; -1 where there is none."""
    for flag_name, label in (("correctness_math_verify", "math_verify"), ("correctness_llama", "llama")):
        hits = [i for i, ok in enumerate(_flags(row, flag_name, n) or []) if ok]
        if hits:
            ok_hits = [i for i in hits if complete is None or complete[i]]
            return hits[0], label, ok_hits[0] if ok_hits and ok_hits[0] != hits[0] else -1
    return -1, "", -1


def openr1(row: Row, trace: str = "first-verified") -> Row:
    """OpenR1-Math-220k: the first math-verify-correct trace, else the first llama-judged one (SPEC §1).

    ``trace='first-verified'`` (SPEC §1): that trace must have ``is_reasoning_complete``, else the row is dropped
    (noted when a later verified trace is complete). ``'first-verified-complete'``: the first trace that is both
    verified and complete, so such a row keeps a later trace (noted). A row with no verified trace is dropped.
    """
    problem = field_text(row, "problem")
    if problem is None:
        return drop_bad_field(row, "problem", opt_text(row, "uuid"))
    row_id = resolve_id(row, problem, "uuid")
    gens = row.get("generations")
    if not isinstance(gens, list) or not gens:
        return canonical_row(
            row_id,
            problem,
            "",
            drop=BAD_FIELD,
            detail=describe_field(row, "generations", list),
        )
    complete = _flags(row, "is_reasoning_complete", len(gens))
    chosen, verified_by, later = _verified_trace(row, len(gens), complete)
    if chosen < 0:
        return canonical_row(row_id, problem, "", drop="no_verified_trace", detail=_unverified_detail(row, len(gens)))
    note = ""
    if later >= 0 and trace == "first-verified-complete":
        chosen, note = later, LATER_TRACE_TAKEN
    response = gens[chosen]
    if not isinstance(response, str) or not response.strip():
        return canonical_row(
            row_id, problem, "", drop=BAD_FIELD, detail=f"generations[{chosen}] is empty or not a string"
        )
    if complete is not None and not complete[chosen]:
        hint = (
            f"; trace {later} is verified and complete (--openr1-trace first-verified-complete keeps it)"
            if later >= 0
            else ""
        )
        return canonical_row(
            row_id,
            problem,
            "",
            drop="incomplete_reasoning",
            detail=f"chosen trace {chosen} ({verified_by}) has is_reasoning_complete=false{hint}",
            note=LATER_TRACE_AVAILABLE if later >= 0 else "",
        )
    return canonical_row(
        row_id,
        problem,
        response,
        answer=opt_text(row, "answer"),
        problem_type=opt_text(row, "problem_type"),
        source=opt_text(row, "source"),
        trace_index=chosen,
        verified_by=verified_by,
        note=note,
    )
