"""Checks that run before any model loads: does the model exist, is the optional package there, can we write.

Each returns problems as one-line strings ("what is wrong; how to fix it") or raises :class:`S2RError`, so a
mistyped path or a missing package is reported in a second, not after minutes of loading or scoring, and
never as "Repo id must be in the form ..." for a folder that simply does not exist.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from pathlib import Path

from s2r_hf.errors import S2RError

REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")
EXAMPLE_MODEL = "Qwen/Qwen2.5-1.5B-Instruct"
MODEL_FILES = ("config.json",)
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.json", "tokenizer.model")
EVAL_DTYPES = ("auto", "bfloat16", "float16", "float32", "4bit", "8bit")  # what lighteval's backends take
EXTRAS = {  # module → the pip command that installs it with the versions s2r_hf was tested with
    "vllm": 'pip install "s2r_hf[eval-gpu]" (lighteval[vllm])',
    "deepspeed": 'pip install "s2r_hf[train]" (trl[deepspeed])',
}


def offline() -> bool:
    """HF_HUB_OFFLINE as huggingface_hub read it at import."""
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def looks_local(name: str) -> bool:
    """A path rather than a Hub id: absolute, ``./``/``~``-relative, 3+ parts, or characters no repo id has."""
    return (
        name.startswith(("/", ".", "~"))
        or os.sep in name.replace("/", "", 1)
        or (os.altsep is not None and os.altsep in name)
        or not REPO_ID.fullmatch(name)
    )


def hub_hint(name: str) -> str:
    """The fix for a model that did not load: a local folder's files; offline the cache; online id/token/network."""
    if Path(name).expanduser().exists():
        return (
            f"{name} exists but does not load: check it holds what `save_pretrained` wrote (config, tokenizer, weights)"
        )
    if offline():
        return (
            f"HF_HUB_OFFLINE is set and {name} is not in the local Hugging Face cache: unset HF_HUB_OFFLINE "
            "to download it, or give a local folder"
        )
    return "check the network and the id (and HF_TOKEN for a gated or private repo), or give a local folder"


def model_problem(option: str, name: str | None, *, revision: str | None = None, tokenizer: bool = False) -> str | None:
    """Why ``name`` cannot be loaded as a model (``tokenizer``: as a tokenizer), found without loading it; or None.

    Built-in ``s2r:`` names are checked by their resolver. A Hub id is checked only offline (in the cache);
    online, the loader's own error is mapped to one line by the caller.
    """
    kind = "tokenizer" if tokenizer else "model"
    if name is None or not str(name).strip():
        return f"{option} is empty; give a Hub id like {EXAMPLE_MODEL} or a local model folder"
    if name.startswith("s2r:"):
        return None
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir():
            return f"{option} {name} is a file, not a {kind} folder; give the folder `save_pretrained` wrote"
        wanted = TOKENIZER_FILES if tokenizer else MODEL_FILES
        if not any((path / f).is_file() for f in wanted):
            return (
                f"{option} {name} holds no {' / '.join(wanted)}: not a {kind} folder; give the folder "
                f"`save_pretrained` wrote, or a Hub id like {EXAMPLE_MODEL}"
            )
        return None
    if looks_local(name):
        return f"{option}: no such local folder: {name}; give a Hub id like {EXAMPLE_MODEL} or an existing folder"
    if offline():
        from huggingface_hub import try_to_load_from_cache

        wanted = TOKENIZER_FILES if tokenizer else MODEL_FILES
        if not any(isinstance(try_to_load_from_cache(name, f, revision=revision), str) for f in wanted):
            return (
                f"{option} {name}: HF_HUB_OFFLINE is set and this {kind} is not in the local Hugging Face cache "
                f"(nor is there a local folder {name}); unset HF_HUB_OFFLINE to download it, or give a local folder"
            )
    return None


def load_config(name: str, **kwargs):
    """``AutoConfig.from_pretrained`` whose failure (no network, gated, wrong id) is one :class:`S2RError` line."""
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(name, **kwargs)
    except (OSError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise S2RError(
            f"could not load the config of model {name} ({type(err).__name__}: {first}); {hub_hint(name)}"
        ) from None


def dependency_problem(module: str, needed_for: str) -> str | None:
    """``module`` missing → the pip command that installs it; None when it is importable."""
    if importlib.util.find_spec(module) is not None:
        return None
    install = EXTRAS.get(module, f"pip install {module}")
    return f"{needed_for} needs the `{module}` package, which is not installed: {install}"


def writable_problem(option: str, folder: str | Path) -> str | None:
    """Why ``folder`` (existing or to be created) cannot hold our outputs, or None. Creates nothing.

    Tested by creating (and removing) a temp file in the deepest existing folder: permission bits say nothing
    for root or on a read-only filesystem.
    """
    path = Path(folder).expanduser()
    if path.exists() and not path.is_dir():
        return f"{option} {folder} is a file; give a folder path"
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return f"{option} {folder} lies under a file ({existing}); give a folder path that is not inside a file"
    try:
        with tempfile.TemporaryFile(dir=existing, prefix=".s2r-write-test-"):
            pass
    except OSError as err:
        return f"{option} {folder} is not writable ({existing}: {err.strerror or err}); choose a writable folder"
    return None


def subset_problem(name: str | None) -> str | None:
    """`s2r train --dataset_name` that is a local folder but no subset: a model folder, or a folder of other files."""
    from s2r_hf.local_files import is_pattern

    if not name:
        return None
    path = Path(name).expanduser()
    if not path.exists() and looks_local(name) and not is_pattern(path):  # a pattern's matches: load_local checks
        return (
            f"--dataset_name: could not load the subset {name}: no such local file or folder; give the output "
            "folder of `s2r select` or a Hub dataset id (owner/name)"
        )
    if not path.is_dir() or (path / "data").is_dir():
        return None
    if (path / "config.json").is_file() and not (path / "manifest.json").exists():
        return (
            f"--dataset_name {name} is a model folder (config.json), not a subset; give the output folder of "
            "`s2r select` (its data/ holds the rows), and the model as --model_name_or_path"
        )
    data = [p for p in path.rglob("*") if p.suffix in (".parquet", ".jsonl", ".json", ".arrow", ".csv", ".gz")]
    if not data:
        return (
            f"--dataset_name {name} holds no data files (no data/*.parquet, *.jsonl, save_to_disk arrow); give the "
            "output folder of `s2r select`"
        )
    return None


def train_problems(subset, training, model) -> list[str]:
    """`s2r train` inputs found wrong before any file is read or model loaded: sizes, the model, the subset."""
    problems = []
    for name in ("per_device_train_batch_size", "gradient_accumulation_steps"):
        if getattr(training, name) < 1:
            problems.append(f"{name} must be >= 1, got {getattr(training, name)}")
    if training.learning_rate <= 0:
        problems.append(f"learning_rate must be > 0, got {training.learning_rate} (the paper: 1e-5)")
    if training.max_steps <= 0 and training.num_train_epochs <= 0:
        problems.append(
            f"num_train_epochs {training.num_train_epochs} with no max_steps trains nothing; set num_train_epochs "
            "(the paper: 3) or max_steps"
        )
    if training.max_length is not None and training.max_length < 1:
        problems.append(f"max_length must be >= 1, got {training.max_length} (the paper uses 16384)")
    if model.model_name_or_path:
        problems.append(model_problem("--model_name_or_path", model.model_name_or_path, revision=model.model_revision))
    if (model.model_name_or_path or "").startswith("s2r:"):  # built into the cache on first use
        from s2r_hf.configs import default_cache_dir

        problems.append(writable_problem("S2R_HF_CACHE (where built-in models are built)", default_cache_dir()))
    problems.append(subset_problem(subset.dataset_name))
    if training.hub_model_id:
        problems.append(repo_problem("hub_model_id", training.hub_model_id))
    if training.push_to_hub and offline():
        problems.append("push_to_hub: HF_HUB_OFFLINE is set, so nothing can be pushed; unset it, or drop push_to_hub")
    return [p for p in problems if p]


def repo_problem(option: str, repo: str | None) -> str | None:
    """Why ``repo`` is no Hub repo id (owner/name, or a bare name for the token's own namespace), or None."""
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(repo)
    except HFValidationError:
        return f"{option} {repo!r} is not a repo id; give owner/name, e.g. me/OpenR1-Math-S2R-10pct"
    return None


def push_problem(option: str, repo: str | None) -> str | None:
    """A push asked for that cannot happen: a malformed repo id, or HF_HUB_OFFLINE set (found before the work)."""
    if repo is None:
        return None
    problem = repo_problem(option, repo)
    if problem is None and offline():
        problem = f"{option} {repo}: HF_HUB_OFFLINE is set, so nothing can be pushed; unset it, or drop {option}"
    return problem


def select_problems(pool, scoring, sel, out) -> list[str]:
    """`s2r select` inputs found wrong before the pool is read: an empty pool name, a judge or tokenizer that
    cannot exist (only those the strategy uses), a push that cannot happen."""
    from s2r_hf.selection import NEEDS_DIFFICULTY

    problems = [push_problem("--push-to-hub", out.push_to_hub)]
    if not pool.pool.strip():
        problems.append("--pool is empty; give a Hub dataset id, a local file or folder, or s2r:synthetic-openr1")
    by_model = scoring.difficulty_scorer == "model"  # the judge then only counts lengths: a tokenizer
    if sel.strategy in NEEDS_DIFFICULTY:
        name, option = (scoring.difficulty_model, "--difficulty-model") if by_model else (scoring.judge, "--judge")
        revision = scoring.difficulty_model_revision if by_model else scoring.judge_revision
        problems.append(model_problem(option, name, revision=revision))
        if by_model and not problems[-1] and Path(name).is_dir():
            problems.append(difficulty_config_problem(name))
    if scoring.nll_model and "nll" in (sel.signal_weights() or {}):
        problems.append(model_problem("--nll-model", scoring.nll_model, revision=scoring.nll_revision))
    if scoring.length_unit == "tokens":
        if scoring.length_tokenizer:
            problems.append(model_problem("--length-tokenizer", scoring.length_tokenizer, tokenizer=True))
        elif sel.strategy not in NEEDS_DIFFICULTY or by_model:
            problems.append(model_problem("--judge", scoring.judge, revision=scoring.judge_revision, tokenizer=True))
    return [p for p in problems if p]


def difficulty_config_problem(folder: str) -> str | None:
    """Why a local ``--difficulty-model`` folder's ``s2r_difficulty.json`` is missing or wrong (found early)."""
    from s2r_hf.scoring.difficulty_model import read_difficulty_config

    try:
        read_difficulty_config(folder)
    except S2RError as err:
        return str(err)
    return None


def eval_problems(args) -> list[str]:
    """`s2r eval` inputs found wrong before lighteval starts: model, backend package, batch size, output folders."""
    problems = [model_problem("--model", args.model)]
    if not args.task_keys():
        problems.append(
            f"--tasks {args.tasks!r} names no benchmark to run; give comma-separated keys (e.g. aime24,math_500), "
            "or 'all' (offline: with --data-dir)"
        )
    if args.backend == "vllm":
        problems.append(dependency_problem("vllm", "--backend vllm"))
    if args.dtype is not None and args.dtype not in EVAL_DTYPES:
        problems.append(f"--dtype must be one of {', '.join(EVAL_DTYPES)}, got {args.dtype!r}")
    if args.batch_size is not None and args.batch_size < 1:
        problems.append(f"--batch-size must be >= 1, got {args.batch_size}")
    problems.append(writable_problem("--output-dir", args.output_dir))
    from huggingface_hub import constants

    problems.append(writable_problem("HF_HOME (the Hugging Face cache)", constants.HF_HOME))
    if args.export_lighteval:
        problems.append(writable_problem("--export-lighteval", args.export_lighteval))
    return [p for p in problems if p]
