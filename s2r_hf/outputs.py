"""Output-folder ownership: s2r deletes only what s2r wrote, and never writes over its own inputs.

Before any other file, a command writes ``_s2r_files.json`` into its output folder: which command owns the folder
and the patterns of every file it writes there. A later run (``--overwrite``, a rerun, a resume) treats the files
matching those patterns as s2r's own and anything else as the user's: a folder holding a file s2r did not write is
refused, naming it, and clearing removes only matched files. Because the record comes first, the leftovers of a run
killed at any moment are still recognised. Clearing removes the "finished" marker (``manifest.json``,
``s2r_train.json``) first, so a kill mid-clear never leaves a folder that looks finished with its data gone.

An output folder that is, contains, or lies inside one of the run's inputs (pool, subset, local model, cache) is
refused outright: clearing it would delete the input. Writability is probed (one small file, removed again) before
any model loads, so an unwritable folder fails in seconds, not after the scoring.

Folders written by s2r before the record existed are recognised by their marker files (``legacy``).
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from s2r_hf.errors import S2RError
from s2r_hf.io import atomic_write_json, temp_path

logger = logging.getLogger(__name__)

RECORD = "_s2r_files.json"  # leading "_": never pushed (hub.py skips "_*" and pushes selections by name)
SHOWN = 5  # foreign files named in an error message
PROBE = "-s2r-write-probe"  # suffix of the temp file probe() writes (io.temp_path adds a unique prefix)


@dataclass(frozen=True)
class Owner:
    """What one command writes into its output folder.

    ``patterns`` are slash-separated paths relative to the folder, each part an ``fnmatch`` pattern; a pattern
    ending in ``/**`` also owns everything beneath the folders it matches. ``finished`` is the file whose presence
    marks a complete output (removed first when clearing); ``legacy`` the files that mark a folder written by an
    s2r version without the record.
    """

    command: str
    option: str  # the option naming the folder, for messages
    patterns: tuple[str, ...]
    finished: str
    legacy: tuple[str, ...]

    def owns(self, rel: str, patterns: Iterable[str] | None = None) -> bool:
        return rel == RECORD or any(_match(rel, p) for p in (self.patterns if patterns is None else patterns))


SELECT = Owner(
    command="s2r select",
    option="--output-dir",
    patterns=(
        "data/train-*.parquet",
        "data/.tmp-*",
        "scores.parquet",
        "dropped.parquet",
        "manifest.json",
        "config.yaml",
        "scores.png",
        "README.md",
        ".tmp-*",
    ),
    finished="manifest.json",
    legacy=("manifest.json",),
)

ABLATE = Owner(  # `s2r ablate`: a selection folder (perturbed subset, the source's side files, card, manifest)
    command="s2r ablate",
    option="--output-dir",
    patterns=SELECT.patterns,
    finished="manifest.json",
    legacy=(),
)

TRAIN = Owner(
    command="s2r train",
    option="--output_dir",
    patterns=(
        "checkpoint-*/**",  # Trainer checkpoints
        "_checkpoint-*.incomplete-*/**",  # incomplete ones moved aside (train_options.set_aside_incomplete)
        "runs/**",
        "global_step*/**",
        "pytorch_model_fsdp_*/**",
        ".eval_results/**",
        "*.safetensors",
        "*.safetensors.index.json",
        "*.bin",
        "*.bin.index.json",
        "*.pt",
        "*.pth",
        "latest",
        "config.json",
        "generation_config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "added_tokens.json",
        "chat_template.jinja",
        "chat_template.json",
        "vocab.json",
        "vocab.txt",
        "merges.txt",
        "tokenizer.model",
        "*.tiktoken",
        "trainer_state.json",
        "all_results.json",
        "train_results.json",
        "README.md",
        "s2r_train.json",
        "s2r_train_config.yaml",
        ".tmp-*",
    ),
    finished="s2r_train.json",
    legacy=("s2r_train.json", "s2r_train_config.yaml"),
)


FIT_DIFFICULTY = Owner(  # `s2r fit-difficulty`: a model folder (weights, tokenizer, checkpoints) + its report
    command="s2r fit-difficulty",
    option="--output-dir",
    patterns=(
        *(p for p in TRAIN.patterns if not p.startswith("s2r_train")),
        "s2r_difficulty.json",
        "s2r_fit_config.yaml",
        "calibration.png",
    ),
    finished="s2r_difficulty.json",
    legacy=(),
)


COMPARE = Owner(
    command="s2r compare",
    option="--output-dir",
    patterns=("compare.json", "compare.md", "compare.png", ".tmp-*"),
    finished="compare.json",
    legacy=(),
)


def _match(rel: str, pattern: str) -> bool:
    """``fnmatch`` part by part, so ``*`` never crosses a ``/``; ``dir/**`` matches everything under ``dir``."""
    parts, pats = rel.split("/"), pattern.split("/")
    if pats[-1] == "**":
        pats = pats[:-1]
        if len(parts) <= len(pats):
            return False
        parts = parts[: len(pats)]
    return len(parts) == len(pats) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, pats, strict=True))


def options_fingerprint(options: Any) -> str:
    """A short hash of the options that decide a command's result: equal hashes, same outputs."""
    text = json.dumps(options, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class OutputPlan:
    """What :func:`claim` does: write the record, and remove the previous run's files when ``clear``."""

    path: Path
    owner: Owner
    fingerprint: str | None
    clear: bool
    own: list[str]  # the previous run's files, relative paths
    patterns: tuple[str, ...]


def _files(root: Path) -> Iterator[str]:
    """Every file (and symlink) under ``root`` as a relative posix path; symlinked folders are not entered."""
    for dirpath, dirnames, filenames in os.walk(root, onerror=_raise):
        base = Path(dirpath)
        for name in sorted(filenames) + sorted(d for d in dirnames if (base / d).is_symlink()):
            if base == root and name.startswith(".tmp-") and name.endswith(PROBE):
                continue  # another rank's writability probe, there for an instant: never foreign, never ours
            yield (base / name).relative_to(root).as_posix()
        dirnames.sort()


def _raise(err: OSError) -> None:
    raise err


def _read_record(path: Path) -> dict | None:
    try:
        record = json.loads((path / RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _within(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def check_inputs(path: str | Path, owner: Owner, inputs: dict[str, Any]) -> None:
    """Refuse an output folder that is, contains or lies inside a local input (``{option: path}``)."""
    out = Path(path).expanduser().resolve()
    for option, value in inputs.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, Path):  # a place s2r writes to (the cache): checked even before it exists
                local = item.expanduser().resolve()
            elif isinstance(item, str) and item:  # a Hub id or a local path: checked when it is local
                name = item.split("=", 1)[-1] if "=" in item and not Path(item).exists() else item
                local = Path(name).expanduser()
                if not local.exists():
                    continue
                local = local.resolve()
            else:
                continue
            if _within(local, out) or _within(out, local):
                where = "is" if local == out else "contains" if _within(local, out) else "lies inside"
                raise S2RError(
                    f"{owner.option} {path} {where} {option} {item}: clearing or writing it could destroy that "
                    f"input; choose an output folder apart from it (e.g. {owner.option} out/<run-name>)"
                )


def check_output_dir(
    path: str | Path,
    owner: Owner,
    *,
    overwrite: bool,
    fingerprint: str | None = None,
    inputs: dict[str, Any] | None = None,
    resume: bool = False,
) -> OutputPlan:
    """Decide what may happen to ``path``, changing nothing but creating the folder and probing it (every rank).

    - missing or empty: fine.
    - files s2r's ``owner`` did not write (no record, or not matching its patterns): refused, naming them.
    - only the owner's files: ``resume`` (train) keeps them; ``overwrite``, an unfinished (killed) run, or a
      rerun with the same options (same ``fingerprint``) clears them; otherwise refused (pass --overwrite).
    """
    check_inputs(path, owner, inputs or {})
    out = Path(path).expanduser()
    if out.exists() and not out.is_dir():
        raise S2RError(f"{owner.option} {path} is a file; pass a folder (a new one, or one s2r wrote)")
    own: list[str] = []
    record: dict | None = None
    if out.is_dir():
        try:
            record = _read_record(out)
            own, foreign, patterns = _classify(out, owner, record)
        except OSError as err:
            raise S2RError(
                f"{owner.option} {path} cannot be read ({err.strerror or err}); choose another folder"
            ) from None
        if foreign:
            if record and record.get("command") not in (None, owner.command):
                whose = f"the outputs of `{record.get('command')}`"
            else:
                whose = f"files {owner.command} did not write"
            shown = ", ".join(foreign[:SHOWN]) + (" and more" if len(foreign) > SHOWN else "")
            raise S2RError(
                f"{owner.option} {path} holds {whose}: {shown}; nothing was deleted. Choose another "
                f"{owner.option}, or move those files out of it"
            )
    else:
        patterns = owner.patterns
    clear = False
    if own:
        same = fingerprint is not None and record is not None and record.get("fingerprint") == fingerprint
        if resume:
            clear = overwrite  # train: its own checkpoints are resumed unless --overwrite
        elif overwrite or owner.finished not in own or same:
            clear = True  # asked to, a killed run's leftovers, or a rerun that writes the same outputs again
        else:
            raise S2RError(
                f"{owner.option} {path} holds a finished {owner.command} run with other options; pass --overwrite "
                f"to replace it (only the files s2r wrote there are removed), or choose another {owner.option}"
            )
    probe(out, owner, path)
    return OutputPlan(out, owner, fingerprint, clear, own, tuple(patterns))


def _classify(out: Path, owner: Owner, record: dict | None) -> tuple[list[str], list[str], tuple[str, ...]]:
    """(own files, foreign files, patterns) of an existing folder; stops early once enough foreign files are named."""
    if record is not None and record.get("command") == owner.command:
        patterns = tuple(dict.fromkeys([*record.get("patterns", []), *owner.patterns]))  # old run's + this run's
        mine = True
    else:
        patterns = owner.patterns
        mine = record is None and any((out / name).is_file() for name in owner.legacy)
    own, foreign = [], []
    for rel in _files(out):
        if mine and owner.owns(rel, patterns):
            own.append(rel)
        else:
            foreign.append(rel)
            if not mine and len(foreign) > SHOWN:
                break
    return own, foreign, patterns


def probe(out: Path, owner: Owner, shown: str | Path) -> None:
    """Create the folder and write + remove one small file: an unwritable place fails now, in one line."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = temp_path(out / PROBE)
        tmp.write_bytes(b"s2r")
        tmp.unlink()
    except OSError as err:
        raise S2RError(
            f"{owner.option} {shown} cannot be written ({err.strerror or type(err).__name__}: "
            f"{err.filename or shown}); choose a folder you can write to"
        ) from None


def claim(plan: OutputPlan) -> Path:
    """Main process only: write the record first, then clear the previous run's files (finished marker first)."""
    out, owner = plan.path, plan.owner
    record = {"command": owner.command, "fingerprint": plan.fingerprint, "patterns": list(plan.patterns)}
    try:
        atomic_write_json(out / RECORD, record)
    except OSError as err:
        raise S2RError(
            f"{owner.option} {out} cannot be written ({err.strerror or err}); choose another folder"
        ) from None
    if plan.clear:
        clear_own(out, plan.own, owner.finished)
        logger.info("%s: removed %d file(s) an earlier run wrote in %s", owner.command, len(plan.own), out)
    return out


def clear_own(out: Path, files: list[str], finished: str) -> None:
    """Remove ``files`` (relative to ``out``), ``finished`` first, then the folders they leave empty."""
    ordered = sorted(files, key=lambda rel: (rel != finished, rel))
    folders: set[Path] = set()
    for rel in ordered:
        if rel == RECORD:
            continue
        target = out / rel
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        folders.update(p for p in (out / rel).parents if _within(p, out) and p != out)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty: a folder still holding files stays


def prepare(
    path: str | Path,
    owner: Owner,
    *,
    overwrite: bool,
    state=None,
    fingerprint: str | None = None,
    inputs: dict[str, Any] | None = None,
    resume: bool = False,
) -> Path:
    """:func:`check_output_dir` on every process, then :func:`claim` on the main one (others wait)."""
    plan = check_output_dir(
        path, owner, overwrite=overwrite, fingerprint=fingerprint, inputs=inputs or {}, resume=resume
    )
    if state is not None:
        state.wait_for_everyone()
    if state is None or state.is_main_process:
        claim(plan)
    if state is not None:
        state.wait_for_everyone()
    return plan.path


def prepare_selection(pool, scoring, sel, out, state) -> Path:
    """`s2r select`'s output folder: guarded against foreign files and its own inputs, probed, claimed."""
    from s2r_hf.manifest import options_dict

    inputs = {
        "--pool": pool.pool,
        "--judge": scoring.judge,
        "--length-tokenizer": scoring.length_tokenizer,
        "--train-tokenizer": scoring.train_tokenizer,
        "--decontam-benchmarks": list(sel.decontam_benchmarks or []),
        "--decontam-data-dir": sel.decontam_data_dir,
        "--cache-dir": Path(out.cache_dir),
    }
    fingerprint = options_fingerprint(options_dict(pool, scoring, sel))
    return prepare(out.output_dir, SELECT, overwrite=out.overwrite, state=state, fingerprint=fingerprint, inputs=inputs)
