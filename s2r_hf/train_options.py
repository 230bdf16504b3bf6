"""The options of `s2r train` beyond parsing: cross-option checks, hardware fallbacks, RoPE/context checks,
the resolved config written next to the weights, and where to resume.

Kept apart from ``train.py`` (the entry point) so each reads on its own; nothing here trains.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import importlib.util
import json
import logging
import os
import platform
from pathlib import Path
from typing import Any

from s2r_hf.configs import SubsetArguments, default_cache_dir
from s2r_hf.errors import S2RError, collect
from s2r_hf.preflight import train_problems

logger = logging.getLogger(__name__)

LEGACY_ROPE_KEYS = ("rope_theta", "rope_scaling")
CONFIG_FILE = "s2r_train_config.yaml"


def check_options(subset: SubsetArguments, training, model) -> None:
    """Options that the paper's setup or TRL cannot honour together, all reported at once."""
    problems: list[str] = []
    if training.max_length is None:
        problems.append("max_length must be set (the paper cuts at 16384): overlong rows are counted against it")
    if training.padding_free and not training.packing:
        problems.append(
            "padding_free: true without packing: true leaves max_length unenforced in TRL; "
            "set packing: true (packing_strategy: bfd) or padding_free: false"
        )
    if model.use_peft or model.load_in_4bit or model.load_in_8bit:
        problems.append("use_peft / load_in_4bit / load_in_8bit: s2r train does full fine-tuning only (SPEC §5)")
    if str(getattr(training.eval_strategy, "value", training.eval_strategy)) != "no":
        problems.append("eval_strategy must be 'no': the subset has no eval split; evaluate the saved model instead")
    legacy = [k for k in LEGACY_ROPE_KEYS if k in (training.model_init_kwargs or {})]
    if legacy:
        problems.append(
            f"model_init_kwargs.{legacy[0]}: transformers 5 takes RoPE settings as "
            "rope_parameters: {rope_type: default, rope_theta: 300000.0} (plus max_position_embeddings)"
        )
    if not model.model_name_or_path:
        problems.append("model_name_or_path is required: a Hub id (Qwen/Qwen2.5-7B-Instruct) or a local folder")
    problems += train_problems(subset, training, model)  # sizes, a missing model, a folder that is no subset
    collect(problems)
    if not training.assistant_only_loss:
        logger.warning("assistant_only_loss is false: the loss also covers the system prompt and the question")


def resolve_model(name: str) -> str:
    """A loadable model path: the built-in tiny model (``s2r:tiny-judge``) is built offline on first use."""
    from s2r_hf.scoring.models import resolve

    return resolve(name, default_cache_dir())


def fit_to_hardware(training, model) -> list[str]:
    """Drop speed-ups this machine cannot run (Hub kernels, flash-attention), returning what was changed and why."""
    import torch

    notes = []
    cuda = torch.cuda.is_available() and not training.use_cpu
    kwargs = dict(training.model_init_kwargs or {})
    if kwargs.get("use_kernels") and not (cuda and importlib.util.find_spec("kernels")):
        kwargs.pop("use_kernels")
        why = "no CUDA device" if not cuda else "the `kernels` package is missing (pip install 's2r_hf[train]')"
        notes.append(f"model_init_kwargs.use_kernels: true ignored ({why}); training with the stock PyTorch layers")
    attn = kwargs.get("attn_implementation") or model.attn_implementation
    if attn and attn.startswith("flash_attention"):
        module = "flash_attn_interface" if attn == "flash_attention_3" else "flash_attn"
        if not (cuda and importlib.util.find_spec(module)):
            why = "no CUDA device" if not cuda else f"the `{module}` package is missing"
            notes.append(f"attn_implementation {attn} unavailable ({why}); using sdpa")
            model.attn_implementation = "sdpa"
            kwargs.pop("attn_implementation", None)
            attn = "sdpa"
    if (training.padding_free or training.packing) and not (attn or "").startswith("flash_attention"):
        notes.append(
            f"padding-free / packed batches on {attn or 'the default attention'}: correct (transformers masks each "
            "packed sequence from its position_ids) but attention is computed over the whole packed length, so it "
            "can be SLOWER than padding (measured 0.8x tokens/s on CPU, benchmarks/bench_train.py); it pays off "
            "with flash-attention (attn_implementation: flash_attention_2)"
        )
    if not cuda and training.bf16:
        notes.append("bf16 on CPU runs through autocast: fast only with AVX512-BF16/AMX; set bf16: false for fp32")
    training.model_init_kwargs = kwargs
    return notes


def model_init_kwargs(training, model) -> dict[str, Any]:
    """``from_pretrained`` kwargs: the ModelConfig options, then the recipe's ``model_init_kwargs`` on top."""
    kwargs = {
        "revision": model.model_revision,
        "attn_implementation": model.attn_implementation,
        "dtype": model.dtype,
    }
    kwargs.update(training.model_init_kwargs or {})
    return {k: v for k, v in kwargs.items() if v is not None}


def check_context(model_id: str, training, kwargs: dict[str, Any]) -> int | None:
    """max_length must fit the model's positions (after a RoPE / max_position_embeddings override)."""
    from s2r_hf.preflight import load_config

    overrides = {k: kwargs[k] for k in ("max_position_embeddings", "rope_parameters") if k in kwargs}
    config = load_config(model_id, revision=kwargs.get("revision"), **overrides)  # no network: one line
    limit = getattr(config.get_text_config(), "max_position_embeddings", None)
    if limit is not None and training.max_length is not None and training.max_length > limit:
        raise S2RError(
            f"max_length {training.max_length} exceeds the model's max_position_embeddings {limit}; extend the "
            "context in the recipe, e.g. model_init_kwargs: {max_position_embeddings: 32768, rope_parameters: "
            "{rope_type: default, rope_theta: 300000.0}} (as OpenR1-Qwen-7B did for Qwen2.5-Math-7B)"
        )
    return limit


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


# secrets, and deprecated aliases that mirror their new names (gradient_checkpointing → activation_checkpointing)
SKIPPED_OPTIONS = {
    "hub_token",
    "push_to_hub_token",
    "logging_dir",
    "gradient_checkpointing",
    "gradient_checkpointing_kwargs",
}
# values that __post_init__ normalises into a form the parser does not take back
REPARSABLE = {"include_num_input_tokens_seen": {"all": True, "no": False}}


# options naming local paths: written (and pushed) relative to the working folder or by file name only
TRAIN_PATH_OPTIONS = ("dataset_name", "output_dir", "model_name_or_path", "resume_from_checkpoint")


def resolved_config(*configs) -> dict[str, Any]:
    """Every option that differs from its default, flat: a valid recipe for ``--config`` (no secrets, no absolute
    local paths: see :func:`s2r_hf.manifest.public_path`)."""
    from s2r_hf.manifest import public_path

    out: dict[str, Any] = {}
    for cfg in configs:
        for f in dataclasses.fields(cfg):
            if f.name in SKIPPED_OPTIONS or not f.init or f.name.startswith("_"):
                continue
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            value = plain(getattr(cfg, f.name))
            if value != plain(default):
                out[f.name] = REPARSABLE.get(f.name, {}).get(value, value) if isinstance(value, str) else value
                if f.name in TRAIN_PATH_OPTIONS:
                    out[f.name] = public_path(out[f.name])
    return out


def take_hub_token(training) -> None:
    """Move ``--hub_token`` into ``HF_TOKEN`` for this process and blank it in the arguments.

    The Trainer pickles its arguments into ``training_args.bin`` (output folder, every checkpoint, and the pushed
    repo); a token kept there would be written to disk and uploaded. huggingface_hub reads ``HF_TOKEN`` at each
    call, so repo creation, checkpoint pushes and the final push still use it.
    """
    token = getattr(training, "hub_token", None)
    if token:
        os.environ["HF_TOKEN"] = token
        training.hub_token = None
        logger.info("hub_token moved to HF_TOKEN for this process (never saved with the training arguments)")


def pickle_without_local_paths(training) -> None:
    """Make ``training`` pickle (``torch.save`` → ``training_args.bin``) with every absolute local path made public.

    The Trainer writes its arguments into the output folder, every checkpoint, and every push it makes during
    training; as-is they name ``output_dir`` (and any other path option) as this machine's absolute path. The
    object's class becomes a subclass whose pickle is a plain instance of the original class with those values
    replaced by :func:`s2r_hf.manifest.public_path` (``runs/x``, ``~/x`` or ``local:x``); in-process copies keep
    the real paths, so saving and resuming are unchanged.
    """
    import copy
    import copyreg

    from s2r_hf.manifest import public_path

    base = type(training)
    if getattr(base, "_s2r_public_pickle", False):
        return

    class PublicPickle(base):
        _s2r_public_pickle = True

        def __copy__(self):
            new = object.__new__(type(self))
            new.__dict__.update(self.__dict__)
            return new

        def __deepcopy__(self, memo):
            new = object.__new__(type(self))
            memo[id(self)] = new
            new.__dict__.update({key: copy.deepcopy(value, memo) for key, value in self.__dict__.items()})
            return new

        def __reduce_ex__(self, protocol):
            state = {
                key: public_path(value) if isinstance(value, str) and value.startswith(("/", "~")) else value
                for key, value in self.__dict__.items()
            }
            state["hub_token"] = None
            # stdlib-only reconstruction as the original class: loading needs transformers/trl, not s2r_hf
            return copyreg._reconstructor, (base, object, None), state

    PublicPickle.__name__, PublicPickle.__qualname__ = base.__name__, base.__qualname__
    training.__class__ = PublicPickle


def prepare_output(subset: SubsetArguments, training, model, state) -> Path:
    """Guard ``output_dir`` as `s2r select` does (own files only, apart from the inputs, writable), then claim it.

    s2r train's own files (checkpoints, weights, run record) are kept for resuming; ``overwrite`` removes them.
    """
    from s2r_hf.outputs import TRAIN, prepare

    inputs = {
        "--dataset_name": subset.dataset_name,
        "--model_name_or_path": model.model_name_or_path,
        "the s2r cache": Path(default_cache_dir()),
    }
    return prepare(training.output_dir, TRAIN, overwrite=subset.overwrite, state=state, inputs=inputs, resume=True)


WEIGHT_FILES = (
    "model.safetensors",
    "pytorch_model.bin",
    "adapter_model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin.index.json",
)


def checkpoint_problem(path: Path) -> str | None:
    """Why ``path`` cannot be resumed from (a save cut short by a kill), or None when it is complete.

    The Trainer writes ``trainer_state.json`` last, after weights, optimizer and RNG state: a checkpoint without a
    readable one was interrupted. Weights must be there too (a single file, every shard of an index, or the
    sharded FSDP / DeepSpeed folders).
    """
    try:
        json.loads((path / "trainer_state.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no trainer_state.json"
    except (OSError, ValueError):
        return "trainer_state.json is cut short"
    for index in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        if (path / index).is_file():
            try:
                shards = set(json.loads((path / index).read_text(encoding="utf-8"))["weight_map"].values())
            except (OSError, ValueError, KeyError, AttributeError):
                return f"{index} is cut short"
            missing = sorted(s for s in shards if not (path / s).is_file())
            return f"weight shard {missing[0]} is missing" if missing else None
    if any((path / name).is_file() for name in WEIGHT_FILES):
        return None
    if any(path.glob("pytorch_model_fsdp_*")) or any(path.glob("global_step*")):
        return None
    return "no model weights"


def set_aside_incomplete(out: Path) -> list[str]:
    """Rename every incomplete ``checkpoint-N`` to ``_checkpoint-N.incomplete-<time>`` (kept, never deleted).

    The leading ``_`` keeps it out of the Trainer's checkpoint rotation (which globs ``checkpoint-*``) and out of
    every push (``_*`` stays local)."""
    import re
    import time

    moved = []
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    for path in sorted(out.glob("checkpoint-*")):
        if not (path.is_dir() and re.fullmatch(r"checkpoint-\d+", path.name)):
            continue
        problem = checkpoint_problem(path)
        if problem:
            target = path.with_name(f"_{path.name}.incomplete-{stamp}")
            path.rename(target)
            logger.warning(
                "skipping %s: incomplete (%s; a save was interrupted); moved aside to %s", path, problem, target.name
            )
            moved.append(target.name)
    return moved


def resume_checkpoint(training, overwrite: bool, state) -> str | None:
    """The checkpoint to resume from: an explicit one, else the last complete one in output_dir (unless
    ``overwrite``, whose checkpoints :func:`prepare_output` removed). Incomplete ones are moved aside first."""
    from transformers.trainer_utils import get_last_checkpoint

    if training.resume_from_checkpoint:
        path = Path(training.resume_from_checkpoint)
        if not path.is_dir():
            raise S2RError(f"resume_from_checkpoint {path} is not a checkpoint folder")
        problem = checkpoint_problem(path)
        if problem:
            raise S2RError(
                f"resume_from_checkpoint {path} is incomplete ({problem}: its save was interrupted); "
                "pass an earlier checkpoint, or leave resume_from_checkpoint out to use the last complete one"
            )
        return str(path)
    out = Path(training.output_dir)
    if overwrite or not out.is_dir():
        return None
    state.wait_for_everyone()
    if state.is_main_process:
        set_aside_incomplete(out)
    state.wait_for_everyone()
    return get_last_checkpoint(str(out))


def hardware(state) -> str:
    import torch

    if state.device.type == "cuda":
        return f"{state.num_processes} × {torch.cuda.get_device_name(state.device)}"
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):  # Linux names the CPU model there
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return f"{state.num_processes} CPU process(es) on {cpu} ({os.cpu_count()} cores)"
