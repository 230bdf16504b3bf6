"""Score and rank the prepared rows: difficulty (sharded over processes, cached), length, then the strategy.

Difficulty scoring splits only the rows the score cache lacks over the processes (``accelerate`` ranks); the
main process then re-aligns the cache to the rows' order by ``(id, problem_hash)``. Lengths and the ranking
run on the main process alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from s2r_hf.configs import ScoringArguments, SelectionArguments
from s2r_hf.errors import S2RError
from s2r_hf.io import column
from s2r_hf.selection.prepare import Prepared, Stopwatch
from s2r_hf.selection.strategies import NEEDS_DIFFICULTY, Selection, select

logger = logging.getLogger("s2r_hf")


def build_scorer(scoring: ScoringArguments, cache_dir: str, device, seed: int):
    """The difficulty scorer ``--difficulty-scorer`` names (the LLM judge, the rollout pass rate, a fitted model)."""
    if scoring.num_threads is not None:
        import torch

        torch.set_num_threads(scoring.num_threads)
    if scoring.difficulty_scorer == "passrate":
        from s2r_hf.scoring.passrate import build_passrate

        return build_passrate(scoring, cache_dir, device, seed)
    if scoring.difficulty_scorer == "model":
        from s2r_hf.scoring.difficulty_model import build_difficulty_model

        return build_difficulty_model(scoring, cache_dir, device)
    from s2r_hf.scoring.difficulty import build_judge

    return build_judge(scoring, cache_dir, device)


def score_difficulty(canon, scorer, store, state, chunk: int) -> dict[str, np.ndarray] | None:
    """Score the rows the cache lacks, split over processes; the main process returns aligned arrays."""
    from s2r_hf.scoring.difficulty import score_in_chunks

    done = store.done_keys()
    state.wait_for_everyone()  # every rank reads the same cache before any rank writes to it
    keys = list(zip(column(canon, "id").tolist(), column(canon, "problem_hash").tolist(), strict=True))
    todo = np.array([i for i, k in enumerate(keys) if k not in done], dtype=np.int64)
    mine = np.array_split(todo, state.num_processes)[state.process_index]
    if state.is_main_process:
        logger.info(
            "difficulty: %d rows cached, %d to score over %d process(es)",
            len(keys) - len(todo),
            len(todo),
            state.num_processes,
        )
    if len(mine):
        rows = canon.select(mine.tolist()).select_columns(["id", "problem", "problem_hash", "answer"])
        score_in_chunks(
            scorer,
            rows.iter(batch_size=chunk),
            store,
            total=len(mine),
            chunk=chunk,
            rank=state.process_index,
            show_progress=state.is_local_main_process,
        )
    state.wait_for_everyone()
    if not state.is_main_process:
        return None
    return _aligned(store.load(), keys)


def _aligned(table, keys: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    """The cached score columns in the order of ``keys``; every key must have a score."""
    position = {
        k: i
        for i, k in enumerate(
            zip(table.column("id").to_pylist(), table.column("problem_hash").to_pylist(), strict=True)
        )
    }
    missing = [k[0] for k in keys if k not in position]
    if missing:
        raise S2RError(
            f"{len(missing)} rows have no difficulty score after scoring (first id {missing[0]!r}); "
            f"a process may have died: re-run the same command to score only those"
        )
    take = np.array([position[k] for k in keys], dtype=np.int64)
    return {
        name: table.column(name).to_numpy()[take] for name in table.column_names if name not in ("id", "problem_hash")
    }


def difficulty(
    rows, scoring: ScoringArguments, sel: SelectionArguments, cache_dir: str, state, clock: Stopwatch
) -> tuple[dict[str, np.ndarray] | None, dict | None]:
    """(score columns on the main process, scorer key) — (None, None) for a strategy that needs no difficulty."""
    if sel.strategy not in NEEDS_DIFFICULTY or "difficulty" not in (sel.signal_weights() or {"difficulty": 1}):
        return None, None
    from s2r_hf.scoring.cache import ScoreStore

    with clock("difficulty"):
        scorer = build_scorer(scoring, cache_dir, state.device, sel.seed)
        key = scorer.key()
        scores = score_difficulty(rows, scorer, ScoreStore(cache_dir, key), state, scoring.checkpoint_every)
    return scores, {**key, **(scorer.facts() if hasattr(scorer, "facts") else {})}  # facts: recorded, not keyed


@dataclass
class Ranked:
    """Every scored row's measures and the strategy's outcome, in the prepared rows' order."""

    ids: np.ndarray
    length: np.ndarray
    rethink_count: np.ndarray
    train_tokens: np.ndarray | None
    scores: dict[str, np.ndarray] | None
    result: Selection
    nll: dict[str, np.ndarray] | None = None  # the nll signal's columns (nll, nll_tokens, nll_cut_tokens), if ranked

    @property
    def difficulty(self) -> np.ndarray | None:
        return self.scores["difficulty"] if self.scores is not None else None

    @property
    def selected(self) -> np.ndarray:
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[self.result.order] = True
        return mask

    @property
    def selection_rank(self) -> np.ndarray:
        rank = np.full(len(self.ids), -1, dtype=np.int64)
        rank[self.result.order] = np.arange(len(self.result.order))
        return rank


def rank(
    prepared: Prepared,
    scores: dict[str, np.ndarray] | None,
    scoring: ScoringArguments,
    sel: SelectionArguments,
    cache_dir: str,
    clock: Stopwatch,
    nll: dict[str, np.ndarray] | None = None,
) -> Ranked:
    """Measure lengths (and rethinking markers), then rank by ``--strategy`` and cut to the budget.

    ``nll``: the nll signal's columns (:func:`s2r_hf.selection.signal_scores.nll_signal`) when ``--signals`` names it.
    """
    from s2r_hf.scoring.length import load_length_tokenizer, measure_lengths
    from s2r_hf.scoring.models import resolve

    canon = prepared.rows
    with clock("length"):
        tokenizer = None
        if scoring.length_unit == "tokens":
            tokenizer = load_length_tokenizer(resolve(scoring.length_tokenizer or scoring.judge, cache_dir))
        measured = measure_lengths(
            canon,
            unit=scoring.length_unit,
            markers=scoring.rethink_markers,
            tokenizer=tokenizer,
            num_proc=scoring.num_proc,
        )
    length = column(measured, "length").astype(np.int64)
    rethink = column(measured, "rethink_count").astype(np.int32)
    return rank_measured(prepared, scores, sel, length, rethink, nll=nll)


def rank_measured(
    prepared: Prepared,
    scores: dict[str, np.ndarray] | None,
    sel: SelectionArguments,
    length: np.ndarray,
    rethink: np.ndarray,
    nll: dict[str, np.ndarray] | None = None,
) -> Ranked:
    """Rank rows whose measures are known (just measured, or published: ``--scores-from``) and cut to the budget."""
    from s2r_hf.scoring.length import rethink_density

    canon = prepared.rows
    ids = column(canon, "id").astype(str)
    result = select(
        sel.strategy,
        ids,
        length=length,
        difficulty=scores["difficulty"] if scores is not None else None,
        strata=column(canon, "problem_type"),
        weight=sel.weight,
        ratio=sel.ratio,
        count=sel.count,
        token_budget=sel.token_budget,
        seed=sel.seed,
        cost=prepared.train_tokens,
        signals=sel.signal_weights(),
        measures={"rethink": rethink_density(rethink, length), **({"nll": nll["nll"]} if nll else {})},
    )
    return Ranked(ids, length, rethink, prepared.train_tokens, scores, result, nll)
