"""Apply a pool adapter with ``datasets.map`` and account for every dropped row.

Returns the canonical dataset plus a :class:`DropReport` (counts per reason, and the dropped ids with
their reason for ``dropped.parquet``). Duplicate ids keep their first occurrence, so ids are unique
keys for the score cache and the manifest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from s2r_hf.errors import S2RError
from s2r_hf.io import column
from s2r_hf.pools.adapters import ADAPTERS, BAD_FIELD, SIGNATURES

logger = logging.getLogger(__name__)

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


@dataclass
class DropReport:
    """Rows in, rows kept, and why the others went."""

    rows_in: int = 0
    rows_kept: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    dropped: list[dict[str, str]] = field(default_factory=list)  # {"row", "id", "reason", "detail"}

    def add(self, reason: str, rows: list[dict[str, str]]) -> None:
        if rows:
            self.counts[reason] = self.counts.get(reason, 0) + len(rows)
            self.dropped.extend(rows)


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
        }
    )


def _apply(row: dict, index: int, adapter_name: str) -> dict:
    return {**ADAPTERS[adapter_name](row), "pool_row": index}


def normalise(raw, pool_format: str = "auto", on_bad_row: str = "skip", desc: str = "normalise"):
    """``raw`` → (canonical dataset, :class:`DropReport`)."""
    name = detect_format(raw.column_names) if pool_format == "auto" else pool_format
    if name not in ADAPTERS:
        raise S2RError(f"unknown --pool-format {name!r}; choose one of auto, {', '.join(ADAPTERS)}")
    logger.info("pool format: %s", name)
    mapped = raw.map(
        _apply,
        with_indices=True,
        fn_kwargs={"adapter_name": name},
        remove_columns=raw.column_names,
        features=_features(),
        desc=f"{desc} ({name})",
    )
    drop = column(mapped, "_drop").astype(object)
    ids = column(mapped, "id").astype(object)
    report = DropReport(rows_in=len(raw))
    bad = np.flatnonzero(drop != "")
    if len(bad):
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
    kept = np.flatnonzero(drop == "")
    _, first_seen = np.unique(ids[kept], return_index=True)
    unique = np.sort(kept[first_seen])
    dup = np.setdiff1d(kept, unique)
    report.add(
        "duplicate_id",
        [{"row": int(r), "id": ids[r], "reason": "duplicate_id", "detail": "id seen in an earlier row"} for r in dup],
    )
    out = mapped.select(unique.tolist()) if len(unique) < len(mapped) else mapped
    out = out.select_columns(KEEP_COLUMNS)
    report.rows_kept = len(out)
    logger.info("normalised %d → %d rows; dropped %s", report.rows_in, report.rows_kept, report.counts or "none")
    if report.rows_kept == 0:
        raise S2RError(
            f"the pool is empty after normalising ({report.rows_in} rows in, dropped: {report.counts}); check "
            "--pool-format and the pool's columns"
        )
    return out, report
