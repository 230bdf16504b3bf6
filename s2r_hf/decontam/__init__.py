"""Decontamination (SPEC §7): drop pool rows that copy an evaluation problem, naming the problem and evidence.

The pool descends from NuminaMath-1.5, which holds past AIME/AMC/olympiad problems, so this runs by default and
its counts go into the manifest and card. Two methods:

* ``overlap`` (default, :mod:`.overlap`): a match is real overlap with ONE benchmark problem (containment of
  its informative n-grams after LaTeX/whitespace normalisation, or the problem with digits removed);
* ``ngram8`` (:mod:`.ngram8`): open-r1's and s1's rule, one shared word 8-gram; kept for comparison (on real
  competition pools it drops a quarter of the rows for shared boilerplate).

Benchmarks are read from the registry `s2r eval` uses (:mod:`s2r_hf.benchdata`, through :mod:`.benchmarks`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from s2r_hf.decontam.benchmarks import PROBLEM_COLUMNS, known_name, load_benchmark, load_benchmark_rows
from s2r_hf.decontam.match import CONTAMINATED, Match, evidence_fields
from s2r_hf.decontam.ngram8 import NgramIndex, ngrams, words
from s2r_hf.decontam.overlap import OverlapIndex
from s2r_hf.drops import DropReport
from s2r_hf.errors import S2RError

__all__ = [
    "METHODS",
    "PROBLEM_COLUMNS",
    "Match",
    "NgramIndex",
    "OverlapIndex",
    "build_index",
    "decontaminate",
    "evidence_fields",
    "known_name",
    "load_benchmark",
    "load_benchmark_rows",
    "ngrams",
    "summary",
    "words",
]
logger = logging.getLogger(__name__)
METHODS = ("overlap", "ngram8")
WARN_FRACTION = 0.05  # above this share of the pool dropped, the log and the card warn
BATCH_SIZE = 2000


def build_index(
    specs: list[str],
    n: int = 8,
    *,
    method: str = "overlap",
    threshold: float = 0.4,
    data_dir: str | Path | None = None,
) -> NgramIndex | OverlapIndex:
    """Index every problem of ``specs`` (see :func:`load_benchmark_rows`) for ``method``."""
    if method not in METHODS:
        raise S2RError(f"--decontam-method must be one of {', '.join(METHODS)}; got {method!r}")
    index = NgramIndex(n=n) if method == "ngram8" else OverlapIndex(n=n, threshold=threshold)
    for spec in specs:
        name, rows = load_benchmark_rows(spec, data_dir)
        for i, problem in rows:
            index.add(name, problem, i)
        logger.info("decontamination: %s — %d problems", name, len(rows))
    return index


def _scan(ds, index: NgramIndex | OverlapIndex, batch_size: int) -> list[Match | None]:
    """Every row's match. Streams the ``problem`` column alone through ``datasets.map`` (batched, in memory):
    the pool's other columns are never read or rewritten."""
    from datasets import Features, Sequence, Value

    if len(ds) == 0:
        return []
    problems = ds.select_columns(["problem"])
    if isinstance(index, NgramIndex):
        batches = (problems[start : start + batch_size]["problem"] for start in range(0, len(ds), batch_size))
        return [m for batch in batches for m in index.match_batch(batch)]
    scanned = problems.map(
        index.scan,
        input_columns="problem",
        batched=True,
        batch_size=batch_size,
        remove_columns=["problem"],
        keep_in_memory=True,
        features=Features({"hits": Sequence(Value("int32")), "exact": Value("int32"), "ntok": Value("int32")}),
        new_fingerprint=f"{ds._fingerprint}-decontam-{index.fingerprint()}",
        desc="decontaminate",
    )
    hits = scanned["hits"]
    return index.decide(hits, scanned["exact"], scanned["ntok"], len(ds))


def decontaminate(ds, index: NgramIndex | OverlapIndex, batch_size: int = BATCH_SIZE):
    """Drop contaminated rows → (kept dataset, :class:`~s2r_hf.drops.DropReport`), every filter's contract.

    The report counts the drops per benchmark (``breakdown``, zeros included), carries the manifest's
    ``decontamination`` block (``summary``), and holds one record per dropped row naming the row (its raw pool
    row when the normaliser recorded ``pool_row``), the id, the benchmark problem it copies (benchmark,
    benchmark_index, matched_text) and the evidence (method, score).
    """
    import numpy as np

    matches = _scan(ds, index, batch_size)
    hit = [r for r, m in enumerate(matches) if m is not None]
    counts = {name: 0 for name in sorted(index.problems)}
    for r in hit:
        counts[matches[r].benchmark] += 1
    report = DropReport(rows_in=len(ds), rows_kept=len(ds) - len(hit), breakdown=counts)
    if hit:
        hits = ds.select(hit)
        ids = hits["id"]
        rows = hits["pool_row"] if "pool_row" in hits.column_names else hit
        report.add(CONTAMINATED, [matches[r].record(row, i) for r, i, row in zip(hit, ids, rows, strict=True)])
    report.summary = summary(index, counts, len(ds))
    keep = np.ones(len(ds), dtype=bool)
    keep[hit] = False
    kept = ds.select(np.flatnonzero(keep).tolist()) if hit else ds
    share = len(hit) / len(ds) if len(ds) else 0.0
    logger.info("decontamination (%s) dropped %d rows (%.2f %%): %s", index.method, len(hit), 100 * share, counts)
    if share > WARN_FRACTION:
        logger.warning(
            "decontamination dropped %.1f %% of the pool (over %.0f %%): check dropped.parquet (benchmark, "
            "matched_text, method, score) before training on the rest",
            100 * share,
            100 * WARN_FRACTION,
        )
    return kept, report


def summary(index: NgramIndex | OverlapIndex, counts: dict[str, int], rows_in: int) -> dict:
    """The manifest's ``decontamination`` block: method, parameters, problems and drops per benchmark."""
    dropped = sum(counts.values())
    return {
        **index.params(),
        "benchmark_problems": dict(sorted(index.problems.items())),
        "dropped": dict(counts),
        "rows_in": rows_in,
        "fraction_dropped": round(dropped / rows_in, 6) if rows_in else 0.0,
        "warn_above": WARN_FRACTION,
    }
