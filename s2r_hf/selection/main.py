"""`s2r select`: rank a long-CoT SFT pool by question difficulty and trace length, keep the top (Select2Reason).

    s2r select --config recipes/selection/synthetic/config_s2r_10pct.yaml      # embedded default, offline
    accelerate launch --num_processes 8 -m s2r_hf.cli select ...        # judge data-parallel over 8 GPUs

Stages, one module each: options (:mod:`.options`) → prepare: load, normalise, filters (:mod:`.prepare`) →
score: difficulty sharded over processes and cached, length; rank and cut to the budget (:mod:`.score`) →
write: subset, side tables, manifest, plot, card (:mod:`.write`) → push (:mod:`s2r_hf.hub`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from s2r_hf.configs import OutputArguments, PoolArguments, ScoringArguments, SelectionArguments

logger = logging.getLogger("s2r_hf")


def main(pool: PoolArguments, scoring: ScoringArguments, sel: SelectionArguments, out: OutputArguments) -> Path | None:
    """Run a selection; returns the output folder on the main process (None on the others)."""
    import torch
    import yaml
    from accelerate import PartialState

    from s2r_hf.configs import check_compatible
    from s2r_hf.errors import collect
    from s2r_hf.manifest import options_dict, public_configs
    from s2r_hf.outputs import prepare_selection
    from s2r_hf.preflight import select_problems
    from s2r_hf.selection.prepare import Stopwatch, prepare
    from s2r_hf.selection.score import difficulty, rank
    from s2r_hf.selection.signal_scores import nll_signal
    from s2r_hf.selection.write import log_outcome, write_selection

    check_compatible(pool, scoring, sel)
    published = None
    if sel.scores_from:  # re-select from published scores: the options that made them, and no model
        from s2r_hf.selection.published import published_options

        published, pool, scoring, sel = published_options(pool, scoring, sel, out)
    else:
        collect(select_problems(pool, scoring, sel, out))  # a missing judge, a push that cannot be: before any work
    state = PartialState(cpu=not torch.cuda.is_available())
    out_dir = prepare_selection(pool, scoring, sel, out, state)  # own files only; before any model loads
    public = public_configs(pool, scoring, sel, out)  # what written files name: no absolute local paths
    options = options_dict(*public)
    if state.is_main_process:
        resolved = yaml.safe_dump(options, sort_keys=False, allow_unicode=True)
        logger.info("s2r select on %d process(es); resolved options:\n%s", state.num_processes, resolved)
    clock = Stopwatch()

    nll_key = None
    if published is not None:
        if not state.is_main_process:
            return None
        prepared, ranked, scorer_key = published.rank(pool, sel, out.cache_dir, clock)
    else:
        prepared = prepare(pool, scoring, sel, out, state, clock)
        scores, scorer_key = difficulty(prepared.rows, scoring, sel, out.cache_dir, state, clock)
        nll, nll_key = nll_signal(prepared.rows, scoring, sel, out.cache_dir, state, clock)  # when --signals names nll
        if not state.is_main_process:
            return None
        ranked = rank(prepared, scores, scoring, sel, out.cache_dir, clock, nll=nll)
    origin = published.origin if published is not None else None
    manifest = write_selection(
        out_dir,
        prepared,
        ranked,
        options=options,
        public=public,
        scorer_key=scorer_key,
        clock=clock,
        scores_from=origin,
        nll_key=nll_key,
    )
    log_outcome(manifest, out_dir, scoring.length_unit, sel.strategy)

    if out.push_to_hub:
        from s2r_hf.hub import push_selection

        push_selection(
            out_dir,
            out.push_to_hub,
            config_name=out.hub_config_name,
            private=out.hub_private,
            commit_message=out.hub_commit_message,
        )
    return out_dir
