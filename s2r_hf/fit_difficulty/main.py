"""`s2r fit-difficulty`: fit a learned question-difficulty model (the paper's later "difficulty-aware" quantifier).

    s2r fit-difficulty --config recipes/difficulty/synthetic/config_fit_tiny.yaml      # offline, ~1 min on CPU
    s2r fit-difficulty --pool open-r1/OpenR1-Math-220k --labels openr1 \\
                       --base-model Qwen/Qwen2.5-1.5B-Instruct --output-dir models/difficulty-1.5b
    accelerate launch --num_processes 8 -m s2r_hf.cli fit-difficulty ...       # data-parallel training

Flow: output folder guarded (s2r_hf.outputs.FIT_DIFFICULTY) → pool (s2r_hf.pools.loading.load_pool, raw, so the
label columns are there) → labels (:mod:`.labels`, higher = harder) → seeded held-out split → Trainer, resuming
from the last complete checkpoint (:mod:`.fit`) → ``save_pretrained`` folder + ``s2r_difficulty.json`` +
calibration plot + model card (:mod:`.report`) → Hub (``--push-to-hub``, token from HF_TOKEN only).

The saved folder is what ``s2r select --difficulty-scorer model --difficulty-model DIR`` reads: an
``AutoModelForSequenceClassification`` (``num_labels=1``) with its tokenizer, and ``s2r_difficulty.json`` =
``{"input_format": "chat-user-v1", "max_length": N, "truncation": "right", "add_special_tokens": bool,
"higher_is_harder": true,
"label_source", "labels", "base_model", "metrics"}``; inputs are built by
:func:`s2r_hf.difficulty_input.difficulty_text`, the score is ``logits[:, 0]``.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from s2r_hf.difficulty_input import DIFFICULTY_CONFIG_FILE
from s2r_hf.fit_difficulty.options import FitDifficultyArguments

logger = logging.getLogger(__name__)

CONFIG_FILE = "s2r_fit_config.yaml"


def prepare_output(pool, args: FitDifficultyArguments, state) -> Path:
    """Own files only, not inside an input, writable; a rerun keeps the checkpoints to resume from."""
    from s2r_hf.option_defaults import default_cache_dir
    from s2r_hf.outputs import FIT_DIFFICULTY, prepare

    inputs = {"--pool": pool.pool, "--base-model": args.base_model, "the s2r cache": Path(default_cache_dir())}
    return prepare(args.output_dir, FIT_DIFFICULTY, overwrite=args.overwrite, state=state, inputs=inputs, resume=True)


def options_record(pool, args: FitDifficultyArguments) -> dict:
    """Every option as given, with local paths made public (the file is pushed with the model)."""
    from s2r_hf.manifest import public_path

    record = {**dataclasses.asdict(pool), **dataclasses.asdict(args)}
    for key in ("pool", "base_model", "output_dir", "passrate_model"):
        record[key] = public_path(record[key])
    return record


def main(pool, args: FitDifficultyArguments) -> Path | None:
    """Fit; returns the output folder on the main process (None on the others)."""
    import yaml
    from accelerate import PartialState

    from s2r_hf.fit_difficulty.fit import fit
    from s2r_hf.fit_difficulty.labels import make_labels, split
    from s2r_hf.io import atomic_write_text
    from s2r_hf.option_defaults import default_cache_dir
    from s2r_hf.pools.loading import load_pool
    from s2r_hf.train_options import resolve_model

    state = PartialState(cpu=args.use_cpu)
    out = prepare_output(pool, args, state)
    record = options_record(pool, args)
    cache = default_cache_dir()
    with state.main_process_first():  # the pool first: a wrong path fails before any model is built
        raw = load_pool(pool, cache)
        model_path = resolve_model(args.base_model)
    if state.is_main_process:
        atomic_write_text(out / CONFIG_FILE, yaml.safe_dump(record, sort_keys=False, allow_unicode=True))
        logger.info("s2r fit-difficulty on %d process(es); options: %s", state.num_processes, record)
    labelled = make_labels(raw, args, cache, state.device)
    train_idx, held_idx = split(len(labelled.labels), args.eval_fraction, args.seed)
    q = labelled.questions
    fitted = fit(
        args,
        model_path,
        [q[i] for i in train_idx],
        labelled.labels[train_idx],
        [q[i] for i in held_idx],
        state,
        args.overwrite,
    )
    fitted.trainer.save_model(str(out))  # weights + tokenizer (rank 0 writes; every rank must call)
    if state.is_main_process:
        write_report(out, args, labelled, fitted, labelled.labels[held_idx], len(train_idx), pool.pool, state)
    failure = None
    if args.push_to_hub and state.is_main_process:
        failure = push(out, args)
    state.wait_for_everyone()
    if failure is not None:
        raise failure
    return out if state.is_main_process else None


def write_report(out: Path, args, labelled, fitted, heldout_labels, train_rows: int, pool: str, state) -> None:
    """Metrics, calibration plot, model card, then ``s2r_difficulty.json`` last (it marks a finished fit)."""
    from s2r_hf.difficulty_input import uses_special_tokens
    from s2r_hf.fit_difficulty import report
    from s2r_hf.io import atomic_write_json

    bins = report.calibration_bins(fitted.heldout_after, heldout_labels, args.calibration_bins)
    metrics = {
        "heldout": report.correlations(fitted.heldout_after, heldout_labels),
        "untrained_head": report.correlations(fitted.heldout_before, heldout_labels),
        "calibration": bins,
        "train_rows": train_rows,
        "train_loss": fitted.train_loss,
        "global_step": fitted.trainer.state.global_step,
        "resumed_from_step": fitted.resumed_step,
        "rows_at_max_length": fitted.truncated_rows,  # cut (or exactly that long)
        "processes": state.num_processes,
    }
    add_special = uses_special_tokens(fitted.tokenizer)
    config = report.difficulty_config(args, labelled.report(), metrics, args.base_model, add_special)
    title = f"held-out: Spearman {metrics['heldout']['spearman'] or float('nan'):.3f}"
    report.calibration_plot(out / report.CALIBRATION_FILE, fitted.heldout_after, heldout_labels, bins, title)
    hyper = {
        k: getattr(args, k)
        for k in ("learning_rate", "num_train_epochs", "per_device_train_batch_size", "max_length", "seed")
    }
    hyper["processes"] = state.num_processes
    card = report.model_card(config, args, hyper, f"s2r fit-difficulty --config {CONFIG_FILE}", pool)
    card.save(str(out / "README.md"))
    atomic_write_json(out / DIFFICULTY_CONFIG_FILE, config)
    logger.info(
        "fitted difficulty model → %s: held-out Spearman %s, Pearson %s (untrained head: Spearman %s) on %d rows",
        out,
        metrics["heldout"]["spearman"],
        metrics["heldout"]["pearson"],
        metrics["untrained_head"]["spearman"],
        metrics["heldout"]["rows"],
    )


def push(out: Path, args):
    """Push the folder (weights, tokenizer, card, s2r_difficulty.json; not checkpoints) in one commit."""
    from s2r_hf.errors import S2RError
    from s2r_hf.hub import push_model

    try:
        push_model(out, args.push_to_hub, private=args.private, commit_message=f"s2r fit-difficulty: {out.name}")
    except S2RError as err:
        return err
    return None


def cli(argv: list[str]) -> None:
    from s2r_hf.fit_difficulty.options import parse_fit_difficulty

    main(*parse_fit_difficulty(argv))
