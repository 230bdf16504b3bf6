"""Prepare the rows to score: load the pool → normalise → filters (decontamination, training-token cutoff).

Every filter returns ``(rows, DropReport)`` (:mod:`s2r_hf.drops`); they are recorded in one
:class:`~s2r_hf.drops.DropLog`, which alone writes ``dropped.parquet`` and the manifest's drop counts.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from s2r_hf.configs import OutputArguments, PoolArguments, ScoringArguments, SelectionArguments
from s2r_hf.drops import DECONTAMINATE, MAX_TRAIN_TOKENS, NORMALISE, DropLog, DropReport
from s2r_hf.errors import S2RError

logger = logging.getLogger("s2r_hf")


class Stopwatch:
    """Seconds per stage, for the manifest's ``timings_s``; ``total`` runs from construction."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, stage: str):
        t = time.perf_counter()
        yield
        self.seconds[stage] = time.perf_counter() - t

    def total(self) -> dict[str, float]:
        return {**self.seconds, "total": time.perf_counter() - self.start}


@dataclass
class Prepared:
    """The rows to score, the pool's fingerprint, every filter's report, and training tokens per row (or None)."""

    rows: Any  # datasets.Dataset of canonical rows
    pool_fingerprint: str
    drops: DropLog
    train_tokens: np.ndarray | None = None


class TrainTokenCut:
    """``--max-train-tokens`` as a filter: rows as `s2r train` renders them (--train-tokenizer), those over the cap
    dropped. After a call, ``tokens`` holds the kept rows' training tokens (what ``--token-budget`` counts), or
    None when the tokenizer has no chat template (then --token-budget falls back to trace length, warned, and
    --max-train-tokens is refused)."""

    def __init__(self, scoring: ScoringArguments, sel: SelectionArguments, cache_dir: str) -> None:
        self.scoring, self.max_tokens, self.cache_dir = scoring, sel.max_train_tokens, cache_dir
        self.tokens: np.ndarray | None = None

    def __call__(self, rows) -> tuple[Any, DropReport]:
        from s2r_hf.scoring.models import load_tokenizer, resolve
        from s2r_hf.sft_data import OVER_MAX_TRAIN_TOKENS, drop_untrainable

        name = self.scoring.train_tokenizer or self.scoring.length_tokenizer or self.scoring.judge
        tokenizer = load_tokenizer(resolve(name, self.cache_dir))
        report = DropReport(rows_in=len(rows), rows_kept=len(rows))
        if tokenizer.chat_template is None:
            if self.max_tokens is not None:
                raise S2RError(
                    f"--max-train-tokens counts rows in the training chat template, but tokenizer {name!r} has "
                    "none; pass --train-tokenizer with the (instruct) model you will train"
                )
            logger.warning("tokenizer %s has no chat template: --token-budget counts trace tokens only", name)
            return rows, report
        kept, self.tokens, dropped = drop_untrainable(rows, tokenizer, self.max_tokens, num_proc=self.scoring.num_proc)
        if len(kept) == 0:
            raise S2RError(
                f"every row is longer than --max-train-tokens {self.max_tokens} (rendered with {name}); raise it"
            )
        report.rows_kept = len(kept)
        report.add(OVER_MAX_TRAIN_TOKENS, dropped)
        return kept, report


def decontaminated(rows, sel: SelectionArguments) -> tuple[Any, DropReport]:
    """Rows that copy no problem of ``--decontam-benchmarks`` (SPEC §7), and the report."""
    from s2r_hf.decontam import build_index, decontaminate

    index = build_index(
        sel.decontam_benchmarks,
        sel.decontam_ngram,
        method=sel.decontam_method,
        threshold=sel.decontam_threshold,
        data_dir=sel.decontam_data_dir,
    )
    kept, report = decontaminate(rows, index)
    if len(kept) == 0:
        raise S2RError("decontamination dropped every pool row; check --decontam-benchmarks")
    return kept, report


def prepare(
    pool: PoolArguments,
    scoring: ScoringArguments,
    sel: SelectionArguments,
    out: OutputArguments,
    state,
    clock: Stopwatch,
) -> Prepared:
    """Load → normalise → decontaminate → training-token cutoff. The main process goes first (it fills the
    ``datasets`` cache the others then read); every process returns the same rows."""
    from s2r_hf.pools import load_pool, normalise

    drops = DropLog()
    with clock("load_normalise_decontaminate"), state.main_process_first():
        raw = load_pool(pool, out.cache_dir)
        rows = drops.record(
            NORMALISE, normalise(raw, pool.pool_format, pool.on_bad_row, openr1_trace=pool.openr1_trace)
        )
        if sel.decontaminate:
            rows = drops.record(DECONTAMINATE, decontaminated(rows, sel))
    prepared = Prepared(rows, raw._fingerprint, drops)
    if sel.max_train_tokens is not None or sel.token_budget is not None:
        cut = TrainTokenCut(scoring, sel, out.cache_dir)
        with clock("train_tokens"), state.main_process_first():
            prepared.rows = drops.record(MAX_TRAIN_TOKENS, cut(prepared.rows))
        prepared.train_tokens = cut.tokens
    if state.is_main_process:
        drops.log_summary()
    return prepared
