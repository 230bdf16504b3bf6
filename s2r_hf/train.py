"""`s2r train`: TRL SFT on a selected subset, one process or many under `accelerate launch` (DDP, FSDP, ZeRO-3).

    accelerate launch --config_file recipes/accelerate_configs/zero3.yaml -m s2r_hf.train \\
        --config recipes/Qwen2.5-Math-7B-Instruct/sft/config_s2r_10pct.yaml --learning_rate 1e-5
    s2r train --config recipes/tiny-qwen2/sft/config_demo.yaml      # offline CPU demo on `s2r select`'s out/demo

Flow of ``main``: checks → seed → resolved config (logged, written to output_dir) → tokenizer (training chat
template, end-of-turn token as EOS) → subset (reasoning system prompt first; overlong rows counted, then dropped
or truncated) → SFTTrainer, resuming from the last checkpoint in output_dir → save model, tokenizer and
generation config → run record ``s2r_train.json`` → model card → Hub (when ``push_to_hub``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from s2r_hf.configs import SubsetArguments
from s2r_hf.errors import S2RError, exit_status
from s2r_hf.train_options import (
    CONFIG_FILE,
    check_context,
    check_options,
    fit_to_hardware,
    hardware,
    model_init_kwargs,
    pickle_without_local_paths,
    plain,
    prepare_output,
    resolve_model,
    resolved_config,
    resume_checkpoint,
    take_hub_token,
)

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
RECORD_FILE = "s2r_train.json"


def make_parser():
    from trl import ModelConfig, SFTConfig, TrlParser

    parser = TrlParser(
        (SubsetArguments, SFTConfig, ModelConfig),
        prog="s2r train",
        description="Supervised fine-tuning (TRL SFTTrainer) on a subset chosen by `s2r select`, with the "
        "reasoning system prompt of evaluation on every example and the loss on the assistant turn only. "
        "Run it under `accelerate launch` for DDP, FSDP or ZeRO-3.",
        exit_on_error=False,  # bad values raise, and become one S2RError line
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="YAML recipe (keys = option names); command-line options override it. See recipes/<model>/sft/.",
    )
    return parser


def parse_train(argv: list[str] | None = None) -> tuple:
    """argv (+ the ``--config`` YAML) → (SubsetArguments, SFTConfig, ModelConfig). An unknown key is an error."""
    from s2r_hf.config_files import parse_with_config

    try:
        subset, training, model = parse_with_config(
            make_parser(), list(sys.argv[1:] if argv is None else argv), command="train", count=3
        )
        take_hub_token(training)  # before anything can save the arguments
        pickle_without_local_paths(training)
        return subset, training, model
    except S2RError as err:
        if "bf16/gpu" in str(err):
            raise S2RError(f"{err} (on a machine without a GPU add --use_cpu true --bf16 false)") from None
        raise


def make_trainer(model_id: str, training, rows, tokenizer):
    """TRL's SFTTrainer. With ``push_to_hub`` it creates the model repo first (a bad token fails before training)
    and pushes at each save (``hub_strategy``); the final push is ours (:func:`s2r_hf.hub.push_model`)."""
    from trl import SFTTrainer

    try:
        return SFTTrainer(model=model_id, args=training, train_dataset=rows, processing_class=tokenizer)
    except Exception as err:
        from s2r_hf.hub import describe_failure, is_hub_error

        if not (training.push_to_hub and is_hub_error(err)):
            raise
        repo = training.hub_model_id or Path(training.output_dir).name
        raise S2RError(
            f"push_to_hub is set but model repo {repo!r} cannot be created or written ({describe_failure(err)}); "
            "nothing was trained. Fix HF_TOKEN / hub_model_id, or train without --push_to_hub and run "
            f"`s2r push --output-dir {training.output_dir} --repo <id>` afterwards"
        ) from None


@dataclasses.dataclass
class Setup:
    """Everything ``main`` needs after the checks: the trainer, the data report, and what to record."""

    trainer: Any
    tokenizer: Any
    own_template: str | None
    template_source: str
    report: Any
    source: Any
    notes: list[str]
    context: int | None
    checkpoint: str | None


def setup(subset: SubsetArguments, training, model, state) -> Setup:
    """Checks → seed → resolved config → tokenizer (training template, EOS) → rows → trainer. No training."""
    import transformers
    import yaml
    from transformers import AutoTokenizer

    from s2r_hf.io import atomic_write_text
    from s2r_hf.sft_data import end_of_turn_token, load_subset, log_report, prepare_rows, training_template

    take_hub_token(training)  # HF_TOKEN only: training_args.bin (saved and pushed) never holds it
    pickle_without_local_paths(training)  # nor this machine's absolute paths
    check_options(subset, training, model)
    out = prepare_output(subset, training, model, state)  # own files only, writable: before any model loads
    transformers.set_seed(training.seed)
    resolved = resolved_config(subset, training, model)
    with state.main_process_first():  # the subset first: a wrong path fails before any model is loaded
        raw, source = load_subset(subset)
        model_id = resolve_model(model.model_name_or_path)
    notes = fit_to_hardware(training, model)
    training.model_init_kwargs = model_init_kwargs(training, model)
    context = check_context(model_id, training, training.model_init_kwargs)
    if state.is_main_process:
        text = yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True)
        atomic_write_text(out / CONFIG_FILE, text)
        logger.info(
            "s2r train on %d process(es) (%s); resolved options:\n%s", state.num_processes, state.distributed_type, text
        )
        for note in notes:
            logger.warning("%s", note)

    tokenizer = AutoTokenizer.from_pretrained(
        model_id, revision=model.model_revision, trust_remote_code=training.trust_remote_code
    )
    own_template = tokenizer.chat_template
    template, template_source = training_template(tokenizer)
    if template is not None:
        tokenizer.chat_template = template  # for training only: the saved tokenizer gets the model's own back
    eot = end_of_turn_token(tokenizer, None)
    if training.eos_token is None:
        training.eos_token = eot
    elif training.eos_token != eot:
        raise S2RError(
            f"eos_token {training.eos_token!r} is not the token that ends an assistant turn in the chat template "
            f"({eot!r}); the trained model would not stop. Set eos_token: {eot!r} or leave it out"
        )

    with state.main_process_first():
        rows, report = prepare_rows(
            raw,
            tokenizer,
            template=None,
            max_length=training.max_length,
            overlong=subset.overlong,
            num_proc=training.dataset_num_proc,
        )
    if state.is_main_process:
        log_report(report)
        logger.info("chat template for training: %s; end of turn = EOS: %s", template_source, eot)
    checkpoint = resume_checkpoint(training, subset.overwrite, state)
    trainer = make_trainer(model_id, training, rows, tokenizer)
    return Setup(trainer, tokenizer, own_template, template_source, report, source, notes, context, checkpoint)


def main(subset: SubsetArguments, training, model) -> Path | None:
    """Train; returns the output folder on the main process (None on the others)."""
    import torch
    from accelerate import PartialState
    from accelerate.utils import gather_object

    from s2r_hf.cards.model import build_model_card
    from s2r_hf.io import atomic_write_json

    # Gradients on: importing lighteval's transformers backend turns them off process-wide
    # (torch.set_grad_enabled(False) at module level), which would break training in the same process.
    torch.set_grad_enabled(True)
    state = PartialState()
    run = setup(subset, training, model, state)
    trainer, out = run.trainer, Path(training.output_dir)
    resumed_step = 0
    if run.checkpoint:
        resumed_step = json.loads((Path(run.checkpoint) / "trainer_state.json").read_text())["global_step"]
        if state.is_main_process:
            logger.info("resuming from %s (step %d)", run.checkpoint, resumed_step)
    t0 = time.perf_counter()
    metrics = train_unless_finished(trainer, run.checkpoint, out, state)
    wall = time.perf_counter() - t0

    run.tokenizer.chat_template = run.own_template
    # weights, tokenizer (EOS = end of turn), generation_config (its eos ids). _internal_call: no push from
    # the Trainer here (it would upload its own card first); the one final push is below, with our card.
    trainer.save_model(str(out), _internal_call=True)
    trainer.save_state()
    ranks = gather_object([{"rank": state.process_index, "pid": os.getpid(), "host": socket.gethostname()}])
    record = run_record(subset, training, model, run, state, metrics, wall, resumed_step, ranks)
    card = build_model_card(record)
    if state.is_main_process:
        atomic_write_json(out / RECORD_FILE, record)
        card.save(out / "README.md")
        c = record["compute"]
        logger.info(
            "trained %d steps (%d this run) in %.1f s on %s: %.3g steps/s, %.4g tokens/s → %s",
            c["global_step"],
            c["steps_this_run"],
            wall,
            c["hardware"],
            c["steps_per_second"],
            c["tokens_per_second"],
            out,
        )
    failure = None
    if training.push_to_hub and state.is_main_process:
        failure = push_trained(trainer, training, out)
    state.wait_for_everyone()  # every rank reaches here, also when the push failed, so none hangs
    if failure is not None:
        raise failure
    return out if state.is_main_process else None


class _Finished(Exception):
    """Raised by :class:`StopIfFinished` to leave ``Trainer.train`` before its first step."""


def stop_if_finished():
    """A callback that ends ``Trainer.train`` before any step when the resumed state is already at its last step.

    Why: the Trainer checks ``global_step >= max_steps`` only after a step, so resuming a checkpoint that is
    already at the end trains one extra step (checkpoint-6 of a 5-step run). ``on_train_begin`` runs after the
    checkpoint's weights and state are loaded on every backend (DDP, FSDP, ZeRO-3 load theirs in ``prepare``),
    so leaving there keeps exactly the checkpoint's model, ready for the final save.
    """
    from transformers import TrainerCallback

    class StopIfFinished(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            if state.max_steps > 0 and state.global_step >= state.max_steps:
                raise _Finished

    return StopIfFinished()


def train_unless_finished(trainer, checkpoint: str | None, out: Path, state) -> dict[str, Any]:
    """``trainer.train`` resuming ``checkpoint``; its metrics. A checkpoint already at the last step trains
    nothing: the loss is the previous record's for that step (when there is one)."""
    guard = stop_if_finished()
    trainer.add_callback(guard)
    try:
        return trainer.train(resume_from_checkpoint=checkpoint).metrics
    except _Finished:
        trainer.control = trainer.callback_handler.on_train_end(trainer.args, trainer.state, trainer.control)
        step = trainer.state.global_step
        if state.is_main_process:
            logger.info(
                "%s is already at the last step (%d): nothing to train; saving it as the final model",
                Path(checkpoint).name,
                step,
            )
        try:
            previous = json.loads((out / RECORD_FILE).read_text())["compute"]
        except (OSError, ValueError, KeyError, TypeError):
            previous = {}
        return {"train_loss": previous.get("train_loss") if previous.get("global_step") == step else None}
    finally:
        trainer.remove_callback(guard)


def run_record(subset, training, model, run: Setup, state, metrics, wall, resumed_step, ranks) -> dict[str, Any]:
    """``s2r_train.json``: what was trained on what, how, and how fast; the model card is rendered from it."""
    from s2r_hf.cards.model import find_selection_recipe
    from s2r_hf.manifest import package_versions, public_path

    trainer_state = run.trainer.state
    seen = int(trainer_state.num_input_tokens_seen or 0)
    epochs = float(trainer_state.epoch or 0.0)
    tokens_seen = seen or int(run.report.tokens * epochs)
    steps_done = trainer_state.global_step - resumed_step
    tokens_this_run = tokens_seen * steps_done / max(trainer_state.global_step, 1)
    world = state.num_processes
    out = Path(training.output_dir)
    return {
        "model_name": training.hub_model_id.split("/")[-1] if training.hub_model_id else out.name,
        "base_model": public_path(model.model_name_or_path),  # no absolute local paths in pushed files
        "dataset": {
            **{k: public_path(v) if k in ("name", "pool") else v for k, v in run.source.as_dict().items()},
            "selection_recipe": find_selection_recipe(subset.dataset_name, ROOT),
        },
        "data": run.report.as_dict(),
        "chat_template": run.template_source,
        "eos_token": training.eos_token,
        "max_position_embeddings": run.context,
        "hyperparameters": {
            "learning_rate": training.learning_rate,
            "lr_scheduler": plain(training.lr_scheduler_type),
            "warmup_steps": training.warmup_steps,
            "epochs": training.num_train_epochs,
            "max_steps": training.max_steps,
            "per_device_batch": training.per_device_train_batch_size,
            "gradient_accumulation": training.gradient_accumulation_steps,
            "processes": world,
            "global_batch": training.per_device_train_batch_size * training.gradient_accumulation_steps * world,
            "max_length": training.max_length,
            "overlong": subset.overlong,
            "precision": "bf16" if training.bf16 else "fp16" if training.fp16 else "fp32",
            "activation_checkpointing": training.activation_checkpointing,
            "packing": training.packing,
            "assistant_only_loss": training.assistant_only_loss,
            "seed": training.seed,
            "distributed": plain(state.distributed_type),
        },
        "compute": {
            "global_step": trainer_state.global_step,
            "resumed_from": run.checkpoint and Path(run.checkpoint).name,
            "resumed_from_step": resumed_step,
            "steps_this_run": steps_done,
            "epochs": epochs,
            "tokens_seen": tokens_seen,
            "tokens_seen_source": "trainer" if seen else "estimate: epochs × tokens per epoch",
            "train_loss": metrics.get("train_loss"),
            "wall_time_s": wall,
            "steps_per_second": steps_done / wall if wall else 0.0,
            "tokens_per_second": tokens_this_run / wall if wall else 0.0,
            "hardware": hardware(state),
            "ranks": ranks,
        },
        "notes": run.notes,
        "command": (f"accelerate launch --num_processes {world} -m s2r_hf.train" if world > 1 else "s2r train")
        + f" --config {CONFIG_FILE}",
        "versions": package_versions(),
    }


def push_trained(trainer, training, out: Path) -> S2RError | None:
    """After the Trainer's in-flight checkpoint uploads, push the final folder (one commit, with our card)."""
    from s2r_hf.hub import push_model

    pending = getattr(trainer, "push_in_progress", None)
    if pending is not None:
        pending.wait_until_done()
    try:
        push_model(
            out,
            trainer.hub_model_id or training.hub_model_id or out.name,
            private=bool(training.hub_private_repo),
            token=training.hub_token,
        )
    except S2RError as err:
        return err
    return None


def run(argv: list[str] | None = None) -> int:
    """``python -m s2r_hf.train`` (what ``accelerate launch`` runs): errors as one line, exit status 2."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return exit_status("s2r train", lambda: main(*parse_train(argv)))


if __name__ == "__main__":
    sys.exit(run())
