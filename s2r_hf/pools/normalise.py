"""Apply a pool adapter with ``datasets.map`` and account for every dropped row.

Returns the canonical dataset plus a :class:`~s2r_hf.drops.DropReport` (every filter's contract: counts per
reason, and the dropped ids with their reason for ``dropped.parquet``). Duplicate ids keep their first
occurrence, so ids are unique keys for the score cache and the manifest.
"""

from __future__ import annotations

import logging

import numpy as np

from s2r_hf.configs import OPENR1_TRACES
from s2r_hf.drops import DropReport
from s2r_hf.errors import S2RError
from s2r_hf.io import column, source_version
from s2r_hf.pools.adapters import ADAPTERS, BAD_FIELD, SIGNATURES

logger = logging.getLogger(__name__)
__all__ = ["KEEP_COLUMNS", "DropReport", "detect_format", "normalise"]  # DropReport lives in s2r_hf.drops

KEEP_COLUMNS = [
    "id",
    "pool_row",
    "problem",
    "problem_hash",
    "response",
    "answer",
    "problem_type",
    "source",
    "messages",
    "trace_index",
    "verified_by",
]


def detect_format(columns: list[str]) -> str:
    """The adapter name whose signature columns the pool has, or an error listing the choices."""
    have = set(columns)
    for name, needed in SIGNATURES:
        if needed <= have:
            return name
    raise S2RError(
        f"cannot tell the pool format from its columns ({', '.join(sorted(have))}); pass --pool-format "
        f"({', '.join(ADAPTERS)}) or rename columns to one of: "
        + "; ".join(f"{n}: {', '.join(sorted(c))}" for n, c in SIGNATURES)
    )


SHOW_BAD_ROWS = 5


def _log_bad_rows(rows: list[dict]) -> None:
    """Name the first malformed rows (row, id, field) on the console; every one is in ``dropped.parquet``."""
    if not rows:
        return
    shown = "; ".join(f"row {r['row']} (id {r['id'] or '?'}): {r['detail']}" for r in rows[:SHOW_BAD_ROWS])
    more = f"; and {len(rows) - SHOW_BAD_ROWS} more" if len(rows) > SHOW_BAD_ROWS else ""
    logger.warning(
        "dropped %d malformed pool row(s): %s%s (all listed in dropped.parquet; --on-bad-row error stops at the first)",
        len(rows),
        shown,
        more,
    )


def _features():
    from datasets import Features, List, Value

    text = Value("string")
    return Features(
        {
            "id": text,
            "pool_row": Value("int64"),
            "problem": text,
            "problem_hash": text,
            "response": text,
            "answer": text,
            "problem_type": text,
            "source": text,
            "messages": List({"role": text, "content": text}),
            "trace_index": Value("int32"),
            "verified_by": text,
            "_drop": text,
            "_detail": text,
            "_note": text,
        }
    )


def _apply(row: dict, index: int, adapter_name: str, options: dict, code: str = "") -> dict:
    """One row through its adapter. ``code`` (unused) puts the adapters' source hash in the map's fingerprint
    (:func:`~s2r_hf.io.source_version`)."""
    return {**ADAPTERS[adapter_name](row, **options), "pool_row": index}


def _drop_bad_rows(mapped, drop: np.ndarray, on_bad_row: str, report: DropReport) -> None:
    """Rows the adapter refused (reason in ``_drop``) into ``report``; under ``--on-bad-row error``, an error."""
    bad = np.flatnonzero(drop != "")
    if not len(bad):
        return
    details = mapped.select(bad.tolist()).select_columns(["id", "_drop", "_detail"])
    rows = [
        {"row": int(r), "id": i, "reason": d, "detail": t}
        for r, i, d, t in zip(bad, details["id"], details["_drop"], details["_detail"], strict=True)
    ]
    if on_bad_row == "error":
        first = next((r for r in rows if r["reason"] == BAD_FIELD), None)
        if first is not None:
            raise S2RError(
                f"pool row {first['row']} (id {first['id'] or '?'}): {first['detail']}; fix the pool or pass "
                "--on-bad-row skip to drop such rows"
            )
    for reason in sorted({r["reason"] for r in rows}):
        report.add(reason, [r for r in rows if r["reason"] == reason])
    _log_bad_rows([r for r in rows if r["reason"] == BAD_FIELD])


def _drop_duplicate_ids(mapped, kept: np.ndarray, report: DropReport) -> np.ndarray:
    """Keep the first row of each id among ``kept``; the others go to ``report`` as duplicate_id. Returns the
    positions kept, in order."""
    ids = column(mapped, "id").astype(object)
    _, first_seen, owner = np.unique(ids[kept], return_index=True, return_inverse=True)
    unique = np.sort(kept[first_seen])
    dup = np.setdiff1d(kept, unique)
    hashes = column(mapped, "problem_hash").astype(object) if len(dup) else None
    conflicts = []
    rows = []
    for r in dup:
        first = kept[first_seen[owner[np.searchsorted(kept, r)]]]
        differs = hashes[r] != hashes[first]
        if differs:
            conflicts.append((ids[r], int(first), int(r)))
        detail = f"id seen in row {first}" + (" with a DIFFERENT problem; only that one is kept" if differs else "")
        rows.append({"row": int(r), "id": ids[r], "reason": "duplicate_id", "detail": detail})
    report.add("duplicate_id", rows)
    report.id_conflicts = len(conflicts)
    if conflicts:
        example, a, b = conflicts[0]
        logger.warning(
            "%d pool row(s) share an id with an earlier row but hold a different problem (e.g. id %r, rows %d and "
            "%d); only the first row of each id is kept, the others are in dropped.parquet (duplicate_id). Give "
            "the pool unique ids, or drop its id column so ids are hashes of the problems",
            len(conflicts),
            example,
            a,
            b,
        )
    return unique


REPEATED_PROBLEM = "repeated_problem_kept"


def _note_repeated_problems(mapped, kept: np.ndarray, report: DropReport) -> None:
    """Count kept rows whose problem text repeats an earlier kept row's under another id (a note, not a drop: the
    method ranks rows, and a pool may hold one problem with several traces), and say so: both can be selected."""
    hashes = column(mapped, "problem_hash").astype(object)[kept] if len(kept) else np.array([], dtype=object)
    repeats = len(hashes) - len(set(hashes.tolist()))
    if repeats:
        report.notes[REPEATED_PROBLEM] = repeats
        logger.warning(
            "%d kept pool row(s) repeat an earlier row's problem under another id; both may be selected (counted "
            "as %s in the manifest's normalise_notes); dedupe the pool first if you want each problem once",
            repeats,
            REPEATED_PROBLEM,
        )


def normalise(
    raw,
    pool_format: str = "auto",
    on_bad_row: str = "skip",
    desc: str = "normalise",
    openr1_trace: str = "first-verified",
):
    """``raw`` → (canonical dataset, :class:`DropReport`). ``openr1_trace``: the openr1 adapter's trace choice."""
    name = detect_format(raw.column_names) if pool_format == "auto" else pool_format
    if name not in ADAPTERS:
        raise S2RError(f"unknown --pool-format {name!r}; choose one of auto, {', '.join(ADAPTERS)}")
    if openr1_trace not in OPENR1_TRACES:
        raise S2RError(f"--openr1-trace must be one of {', '.join(OPENR1_TRACES)}; got {openr1_trace!r}")
    options = {"trace": openr1_trace} if name == "openr1" else {}
    logger.info("pool format: %s%s", name, f" (trace: {openr1_trace})" if options else "")
    mapped = raw.map(
        _apply,
        with_indices=True,
        fn_kwargs={"adapter_name": name, "options": options, "code": source_version("s2r_hf.pools")},
        remove_columns=raw.column_names,
        features=_features(),
        desc=f"{desc} ({name})",
    )
    drop = column(mapped, "_drop").astype(object)
    report = DropReport(rows_in=len(raw))
    _drop_bad_rows(mapped, drop, on_bad_row, report)
    notes = column(mapped, "_note").astype(object)
    for note in sorted(set(notes.tolist()) - {""}):
        report.notes[note] = int((notes == note).sum())
    unique = _drop_duplicate_ids(mapped, np.flatnonzero(drop == ""), report)
    _note_repeated_problems(mapped, unique, report)
    out = mapped.select(unique.tolist()) if len(unique) < len(mapped) else mapped
    out = out.select_columns(KEEP_COLUMNS)
    report.rows_kept = len(out)
    logger.info(
        "normalised %d → %d rows; dropped %s%s",
        report.rows_in,
        report.rows_kept,
        report.counts or "none",
        f"; notes {report.notes}" if report.notes else "",
    )
    if report.rows_kept == 0:
        raise S2RError(_all_dropped(report))
    return out, report


EMPTY_POOL_HINTS = {
    "no_verified_trace": "the openr1 format keeps only traces marked true in correctness_math_verify or "
    "correctness_llama (one bool per generation): check those columns",
    "incomplete_reasoning": "pass --openr1-trace first-verified-complete to take a later verified, complete trace",
}


def _all_dropped(report: DropReport) -> str:
    """The one-line error for a pool with no row left: counts, the first row's reason, and the fix for it."""
    first = report.dropped[0] if report.dropped else None
    example = f"; e.g. row {first['row']} (id {first['id'] or '?'}): {first['detail']}" if first else ""
    hint = EMPTY_POOL_HINTS.get(first["reason"] if first else "", "check --pool-format and the pool's columns")
    return f"the pool is empty after normalising ({report.rows_in} rows in, dropped: {report.counts}){example}; {hint}"
