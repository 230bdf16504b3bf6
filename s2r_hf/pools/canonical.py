"""The canonical row every pool adapter emits, and the field readers the adapters share.

Canonical columns: ``id, problem, response, answer, problem_type, source, messages`` plus audit columns
``trace_index`` / ``verified_by`` and the internal ``_drop`` / ``_detail`` (empty when the row is kept) and
``_note`` (a counted remark on a kept or dropped row, e.g. which OpenR1 trace was taken). The readers never
raise on bad data: a missing, empty or mistyped field becomes a drop reason naming the field.
"""

from __future__ import annotations

import hashlib
from typing import Any

Row = dict[str, Any]

BAD_FIELD = "bad_field"


def text_hash(text: str) -> str:
    """Short content hash: the score cache keys rows by (id, problem hash) so edited problems are re-scored."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def problem_id(problem: str) -> str:
    """Stable id for pools without one: a hash of the problem text."""
    return "sha1-" + hashlib.sha1(problem.encode("utf-8")).hexdigest()[:20]


def field_text(row: Row, name: str) -> str | None:
    """The field as a non-empty string, or None when missing, empty or not a string."""
    value = row.get(name)
    if isinstance(value, str) and value.strip():
        return value
    return None


def describe_field(row: Row, name: str, expected: type = str) -> str:
    """Why ``name`` is unusable (missing, empty, or the wrong type), as a drop detail."""
    value = row.get(name)
    if name not in row or value is None:
        return f"field {name!r} is missing"
    if isinstance(value, expected):
        return f"field {name!r} is empty" if expected is str else f"field {name!r} is an empty {expected.__name__}"
    kind = "a string" if expected is str else f"a {expected.__name__}"
    return f"field {name!r} is {type(value).__name__}, not {kind}"


def drop_bad_field(row: Row, name: str, row_id: str = "", expected: type = str) -> Row:
    """A ``bad_field`` drop naming the field and what is wrong with it."""
    return canonical_row(row_id, "", "", drop=BAD_FIELD, detail=describe_field(row, name, expected))


def canonical_row(
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
    """The canonical row (kept when ``drop`` is empty; a dropped row carries no messages)."""
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


def opt_text(row: Row, name: str) -> str:
    """An optional metadata field as stripped text (``""`` when missing)."""
    value = row.get(name)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def resolve_id(row: Row, problem: str, *names: str) -> str:
    """The first non-empty id column of ``names``, else the problem hash (:func:`problem_id`)."""
    for name in names:
        value = row.get(name)
        if isinstance(value, (str, int)) and str(value).strip():
            return str(value).strip()
    return problem_id(problem)


def own_id(row: Row) -> str:
    """The pool's own ``id``/``uuid`` for naming a dropped row (before the problem is known), else ``""``."""
    return next((v for v in (opt_text(row, "id"), opt_text(row, "uuid")) if v), "")


def first_text(row: Row, *names: str) -> str:
    """The first of ``names`` with a non-empty value, as text (optional metadata columns)."""
    return next((v for v in (opt_text(row, n) for n in names) if v), "")


def present_column(row: Row, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` the row has a column for (even if null): the choice is per pool, not per row."""
    return next((n for n in names if n in row), None)
