"""One decontamination match: the benchmark problem a pool row copies, and the evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass

EXCERPT_CHARS = 200
CONTAMINATED = "contaminated"  # the drop reason of every decontamination record


@dataclass(frozen=True)
class Match:
    benchmark: str
    index: int  # row of the benchmark's data (from 0)
    text: str  # the benchmark problem
    method: str  # ngram8 | containment | full-containment | digits-removed
    score: float  # share of the problem's (informative) n-grams found in the row; 1.0 for exact rules
    why: str  # one sentence

    def excerpt(self) -> str:
        flat = " ".join(self.text.split())
        return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"

    def record(self, row: int, row_id) -> dict:
        """A ``dropped.parquet`` row: the typed evidence columns plus ``detail`` (JSON of the same)."""
        evidence = {
            "benchmark": self.benchmark,
            "benchmark_index": self.index,
            "method": self.method,
            "score": round(float(self.score), 4),
            "matched_text": self.excerpt(),
        }
        detail = json.dumps({**evidence, "why": self.why}, ensure_ascii=False)
        return {"row": int(row), "id": row_id, "reason": CONTAMINATED, "detail": detail, **evidence}


def evidence_fields() -> list:
    """The ``dropped.parquet`` columns a decontamination drop fills (null on rows dropped for other reasons)."""
    import pyarrow as pa

    return [
        ("benchmark", pa.string()),
        ("benchmark_index", pa.int64()),
        ("method", pa.string()),
        ("score", pa.float64()),
        ("matched_text", pa.string()),
    ]
