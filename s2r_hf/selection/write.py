"""Write a selection's output folder: subset, side tables (scores, dropped rows, config), manifest, plot, card.

``manifest.json`` is written last: its presence marks a complete output.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from s2r_hf.configs import ScoringArguments, SelectionArguments
from s2r_hf.manifest import COUNT_KEYS, Manifest
from s2r_hf.selection.prepare import Prepared, Stopwatch
from s2r_hf.selection.score import Ranked

logger = logging.getLogger("s2r_hf")

DATA_FILE = Path("data") / "train-00000-of-00001.parquet"
TEXT_COLUMNS = ["problem", "response", "messages"]  # in the subset, not in scores.parquet


def scored_rows(rows, ranked: Ranked):
    """The prepared rows plus every measure, rank and the selection flags (appended in memory with
    ``add_column``, not rewritten into the ``datasets`` cache)."""
    import pyarrow as pa

    result = ranked.result
    extra = {
        "length": ranked.length,
        "rethink_count": ranked.rethink_count,
        "train_tokens": ranked.train_tokens,
        **(ranked.scores or {}),
        **signal_columns(ranked),
        "rank_difficulty": result.rank_difficulty,
        "rank_length": result.rank_length,
        "joint_rank": result.joint,
        "selected": ranked.selected,
        "selection_rank": ranked.selection_rank,
    }
    for name, values in extra.items():
        if values is not None:
            rows = rows.add_column(name, pa.array(values))
    return rows


def signal_columns(ranked: Ranked) -> dict[str, np.ndarray]:
    """The measures and ranks of the ``--signals`` beyond difficulty and length (rethink density, nll)."""
    result, out = ranked.result, dict(ranked.nll or {})
    if "rethink" in result.ranks:
        out["rethink_density"] = rethink_measure(ranked)
    out.update({f"rank_{name}": r for name, r in result.ranks.items() if name not in ("difficulty", "length")})
    return out


def rethink_measure(ranked: Ranked) -> np.ndarray:
    from s2r_hf.scoring.length import rethink_density

    return rethink_density(ranked.rethink_count, ranked.length)


# per row, the difficulty scorer's input tokens cut to fit its context: (scorer, column, where the cut is)
DIFFICULTY_CUTS = (
    ("judge", "judge_cut_tokens", "the question's middle, head and tail kept"),
    ("difficulty model", "input_cut_tokens", "on the right, to its max_length, as at fit time"),
)


def truncation_record(scores: dict[str, np.ndarray] | None) -> dict[str, Any] | None:
    """The manifest's ``difficulty_truncation`` (and the card's): how many rows the difficulty scorer read cut, and
    by how many tokens; None when none was (so a run without cuts writes what it always wrote)."""
    for scorer, name, how in DIFFICULTY_CUTS:
        if scores is not None and name in scores:
            cut = np.asarray(scores[name], dtype=np.int64)
            if not (cut > 0).any():
                return None
            rows, total, most = int((cut > 0).sum()), int(cut.sum()), int(cut.max())
            return {
                "scorer": scorer,
                "column": name,
                "how": how,
                "rows": rows,
                "tokens_cut": total,
                "max_tokens_cut": most,
            }
    return None


def selection_counts(
    prepared: Prepared, ranked: Ranked, sel: SelectionArguments, truncated: dict[str, Any] | None
) -> dict[str, Any]:
    """The manifest's ``counts``: every filter's drops (from the one drop log), then scoring and the budget.
    ``judge_truncated``: rows whose difficulty input was cut (the judge's or the fitted model's;
    ``truncated`` is :func:`truncation_record`'s)."""
    order, tokens = ranked.result.order, ranked.train_tokens
    counts = {
        **prepared.drops.manifest_counts(sel.decontam_ngram),
        "judge_truncated": truncated["rows"] if truncated else 0,
        "selected_train_tokens": int(tokens[order].sum()) if tokens is not None else None,
        "scored": len(ranked.ids),
        "selected": len(order),
        "selected_length_sum": int(ranked.length[order].sum()),
        "pool_length_sum": int(ranked.length.sum()),
    }
    return {key: counts[key] for key in COUNT_KEYS}


def write_selection(
    out_dir: Path,
    prepared: Prepared,
    ranked: Ranked,
    *,
    options: dict[str, dict[str, Any]],
    public: tuple,
    scorer_key: dict | None,
    clock: Stopwatch,
    scores_from: dict[str, Any] | None = None,
    nll_key: dict | None = None,
) -> Manifest:
    """Every output file of a selection; returns the manifest written. ``public``: the option dataclasses with
    local paths made public (what written files name)."""
    import yaml

    from s2r_hf.cards.dataset import build_dataset_card, split_info
    from s2r_hf.io import atomic_to_parquet, atomic_write_text
    from s2r_hf.selection.options import equivalent_command
    from s2r_hf.selection.synthetic_truth import synthetic_agreement

    scoring, sel = public[1], public[2]
    scored = scored_rows(prepared.rows, ranked)
    subset = scored.select(ranked.result.order.tolist())
    data_file = atomic_to_parquet(subset, out_dir / DATA_FILE)
    atomic_to_parquet(scored.remove_columns(TEXT_COLUMNS), out_dir / "scores.parquet")
    atomic_to_parquet(prepared.drops.table(), out_dir / "dropped.parquet")
    flat = {k: v for group in options.values() for k, v in group.items()}
    atomic_write_text(out_dir / "config.yaml", yaml.safe_dump(flat, sort_keys=False, allow_unicode=True))
    truncated = truncation_record(ranked.scores)
    manifest = Manifest.build(
        options=options,
        pool_fingerprint=prepared.pool_fingerprint,
        scorer_key=scorer_key,
        counts=selection_counts(prepared, ranked, sel, truncated),
        selected_ids=ranked.ids[ranked.result.order].tolist(),
        timings=clock.total(),
        scores_from=scores_from,
    )
    if truncated:  # the difficulty scorer read some rows cut: how many, by how much
        manifest.extra["difficulty_truncation"] = truncated
    if ranked.result.signals is not None:  # s2r: the joint rank's weights, directions and the nll scorer
        manifest.extra["signals"] = signals_record(ranked.result.signals, nll_key, ranked.nll)
    agreement = synthetic_agreement(public[0], ranked.ids, ranked.difficulty)
    if agreement is not None:  # the built-in pool only: does this run's difficulty mean anything?
        manifest.extra["synthetic_difficulty"] = agreement
    _plot(out_dir, ranked, scoring, sel, pool_name=public[0].pool)
    columns = {
        "difficulty": ranked.difficulty,
        "length": ranked.length,
        "rethink_count": ranked.rethink_count,
        "judge_mass": (ranked.scores or {}).get("judge_mass"),
        **{k: v for k, v in signal_columns(ranked).items() if k in ("rethink_density", "nll")},
    }
    card = build_dataset_card(
        manifest,
        command=equivalent_command(*public),
        columns=columns,
        selected=ranked.selected,
        dataset_info=split_info(data_file, subset.features),
    )
    atomic_write_text(out_dir / "README.md", str(card))
    manifest.save(out_dir / "manifest.json")  # last: its presence marks a complete output
    return manifest


def signals_record(weights: dict[str, float], nll_key: dict | None, nll: dict | None) -> dict:
    """The manifest's ``signals``: weights (summing to 1), which end ranks first; with nll, its scorer's key and
    ``nll_truncated``, the rows scored on their first --nll-max-tokens response tokens (or fewer, for the context)."""
    from s2r_hf.signals import HIGHER_FIRST

    record = {"weights": weights, "higher_first": {name: HIGHER_FIRST[name] for name in weights}}
    if nll_key and nll:
        record.update(nll_scorer=nll_key, nll_truncated=int((np.asarray(nll["nll_cut_tokens"]) > 0).sum()))
    return record


def _plot(out_dir: Path, ranked: Ranked, scoring: ScoringArguments, sel: SelectionArguments, pool_name: str) -> None:
    from s2r_hf.cards.plots import DIFFICULTY_AXIS, score_figure

    score_figure(
        out_dir / "scores.png",
        length=ranked.length,
        selected=ranked.selected,
        difficulty=ranked.difficulty,
        length_unit=scoring.length_unit,
        title=f"{pool_name}: {len(ranked.result.order)} of {len(ranked.ids)} selected ({plot_strategy(ranked, sel)})",
        difficulty_label=DIFFICULTY_AXIS.get(scoring.difficulty_scorer, "difficulty"),
    )


def plot_strategy(ranked: Ranked, sel: SelectionArguments) -> str:
    """The plot title's strategy: ``s2r`` with its signals when --signals set them, e.g. ``s2r: rethink:1``."""
    from s2r_hf.signals import format_signals

    if sel.signals is None or ranked.result.signals is None:
        return sel.strategy
    return f"{sel.strategy}: {format_signals(ranked.result.signals)}"


def log_outcome(manifest: Manifest, out_dir: Path, length_unit: str, strategy: str) -> None:
    """The closing console lines: what was selected, and warnings a reader must see."""
    counts = manifest.counts
    scored = counts["scored"]
    logger.info(
        "selected %d of %d rows (%d %s) → %s",
        counts["selected"],
        scored,
        counts["selected_length_sum"],
        length_unit,
        out_dir,
    )
    truncated = manifest.extra.get("difficulty_truncation")
    if truncated:
        logger.warning(
            "%d rows were longer than the %s reads: scored with their input cut (%s; %d tokens in all, at most %d "
            "from one row; column %s in scores.parquet)",
            truncated["rows"],
            truncated["scorer"],
            truncated["how"],
            truncated["tokens_cut"],
            truncated["max_tokens_cut"],
            truncated["column"],
        )
    if strategy != "full" and counts["selected"] == scored and scored > 1:
        logger.warning(
            "the budget keeps all %d scored rows: nothing was selected out (a smaller --ratio/--count/--token-budget, "
            "or a bigger pool, makes the ranking matter)",
            scored,
        )
