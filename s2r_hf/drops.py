"""One contract for every filter: ``rows → (kept rows, DropReport)``, and the one place their reports meet.

Normalising (:func:`s2r_hf.pools.normalise`), decontamination (:func:`s2r_hf.decontam.decontaminate`) and the
training-token cutoff (``--max-train-tokens``) each return the rows they keep plus a :class:`DropReport`.
`s2r select` records them in a :class:`DropLog`, which alone builds the console summary, ``dropped.parquet``
and the manifest's drop counts, so no caller merges drop lists by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

NORMALISE, DECONTAMINATE, MAX_TRAIN_TOKENS = "normalise", "decontaminate", "max_train_tokens"


@dataclass
class DropReport:
    """Rows in, rows kept, and why the others went.

    ``dropped`` holds one record per dropped row (``row``, ``id``, ``reason``, ``detail``, plus a filter's own
    evidence columns); ``counts`` counts them per reason. ``breakdown`` counts a filter's drops by its own key
    (decontamination: per benchmark, zeros included) and ``summary`` is its manifest block, when it has one.
    """

    rows_in: int = 0
    rows_kept: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)  # counted remarks, e.g. which OpenR1 trace was taken
    id_conflicts: int = 0  # rows dropped as duplicate_id although their problem differs from the kept one
    breakdown: dict[str, int] = field(default_factory=dict)
    summary: dict[str, Any] | None = None

    def add(self, reason: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.counts[reason] = self.counts.get(reason, 0) + len(rows)
            self.dropped.extend(rows)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def dropped_schema():
    """``dropped.parquet``'s columns: the common four, then decontamination's evidence (null for other drops)."""
    import pyarrow as pa

    from s2r_hf.decontam.match import evidence_fields

    base = [("row", pa.int64()), ("id", pa.string()), ("reason", pa.string()), ("detail", pa.string())]
    return pa.schema([*base, *evidence_fields()])


@dataclass
class DropLog:
    """Every filter's report, in pipeline order, keyed by step (:data:`NORMALISE`, :data:`DECONTAMINATE`, …)."""

    steps: dict[str, DropReport] = field(default_factory=dict)

    def record(self, step: str, result: tuple[Any, DropReport]):
        """Keep ``result``'s report under ``step`` and return its rows, so a filter reads ``rows = log.record(…)``."""
        rows, report = result
        self.steps[step] = report
        return rows

    def records(self) -> list[dict[str, Any]]:
        return [row for report in self.steps.values() for row in report.dropped]

    def table(self):
        """``dropped.parquet`` as an Arrow table (every step's records, in pipeline order)."""
        import pyarrow as pa

        return pa.Table.from_pylist(self.records(), schema=dropped_schema())

    def manifest_counts(self, decontam_ngram: int) -> dict[str, Any]:
        """The manifest's drop counts (same keys as ever; a step that did not run counts as nothing)."""
        norm = self.steps.get(NORMALISE, DropReport())
        contam = self.steps.get(DECONTAMINATE)
        over = self.steps.get(MAX_TRAIN_TOKENS)
        return {
            "pool_rows": norm.rows_in,
            "normalise_dropped": norm.counts,
            "normalise_notes": norm.notes,
            "id_conflicts": norm.id_conflicts,
            "decontaminated": contam.breakdown if contam else {},
            "decontam_ngram": decontam_ngram,
            "decontamination": contam.summary if contam else None,
            "over_max_train_tokens": over.total if over else 0,
        }

    def log_summary(self) -> None:
        """One console line: rows in, each step's drops, rows left for scoring."""
        if not self.steps:
            return
        first, last = next(iter(self.steps.values())), list(self.steps.values())[-1]
        parts = "; ".join(f"{step} {report.total}" for step, report in self.steps.items())
        logger.info("rows: %d in → %d to score (dropped: %s)", first.rows_in, last.rows_kept, parts)
