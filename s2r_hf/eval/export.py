"""What `s2r eval` leaves behind for `s2r card` and for anyone re-running it elsewhere.

* Per sampling group: lighteval's ``OUTPUT/results/<model>/results_<timestamp>.json`` (written by the pipeline),
  and per task s2r's ``OUTPUT/details/<task>.jsonl|.json`` (per-sample details + the run record: results file,
  protocol, sampling, budget, backend, data source, versions; :mod:`s2r_hf.eval.details`). `s2r card` reads both.
* ``--export-lighteval DIR``: the lighteval model configs and ``run.sh`` with the plain ``s2r-lighteval``
  commands that evaluate exactly what `s2r eval` would (:func:`export_lighteval`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from s2r_hf.eval.options import EvalArguments, sampling_groups

logger = logging.getLogger(__name__)


def data_source(key: str, data_dir: str | None) -> str:
    """Where a benchmark's problems came from, for the card: ``local: <folder>/<file>`` (names, not absolute
    paths) or the Hub dataset id."""
    from s2r_hf.benchdata.problems import local_files
    from s2r_hf.eval.tasks import BENCHMARKS

    files = local_files(key, data_dir)
    if files is None:
        return BENCHMARKS[key].hf_repo
    return "local: " + ", ".join(path.relative_to(Path(data_dir)).as_posix() for path in files)


def run_record(args: EvalArguments, backend: str, protocol, sampling: dict, versions: dict) -> dict:
    """The record of one sampling group's run that the card shows beside each of its numbers (:func:`save_group`
    adds the results file's name once lighteval has written it)."""
    return {
        "model": args.model,
        "protocol": protocol.as_dict(),
        "sampling": sampling,
        "max_new_tokens": args.max_new_tokens,
        "max_samples": args.max_samples,
        "backend": backend,
        "harness": f"lighteval {versions.get('lighteval', '?')} (s2r eval)",
        "versions": versions,
    }


def save_group(pipeline, args: EvalArguments, keys: list[str], run: dict) -> None:
    """Write lighteval's results file, then each task's details and run record (main process only: the other
    ranks hold no graded answers)."""
    from s2r_hf.eval.details import write_pipeline_details
    from s2r_hf.eval.results import find_results

    out = Path(args.output_dir)
    before = set(find_results(out))
    pipeline.save_and_push_results()
    new = [p for p in find_results(out) if p not in before]
    run = {"results_file": new[-1].name if new else None, **run}
    for key in keys if pipeline.is_main_process() else []:
        record = {**run, "data": data_source(key, args.data_dir)}
        write_pipeline_details(pipeline, out, [key], record, run["sampling"]["num_samples"])


def export_lighteval(args: EvalArguments, backend: str) -> Path:
    """Model-config YAMLs + ``run.sh`` for plain lighteval (through ``s2r-lighteval``); returns run.sh."""
    import shlex

    from s2r_hf.io import atomic_write_text

    folder = Path(args.export_lighteval).resolve()
    env = {"S2R_EVAL_MAX_NEW_TOKENS": str(args.max_new_tokens)}
    if args.data_dir:
        env["S2R_EVAL_DATA_DIR"] = str(Path(args.data_dir).resolve())
    if args.greedy:
        env["S2R_EVAL_GREEDY"] = "1"
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    lines = [
        "#!/usr/bin/env bash",
        f"# Written by `s2r eval --export-lighteval {args.export_lighteval}`: plain lighteval (with s2r_hf's",
        "# compatibility fixes) evaluating what `s2r eval` would. One command per sampling group.",
        "set -euo pipefail",
    ]
    for (n, temperature, top_p), keys in sampling_groups(args).items():
        name = "greedy" if n == 1 and temperature == 0 else f"sampled-n{n}"
        cache = folder / ".lighteval_cache" / name
        path = _write_model_config(args, backend, (temperature, top_p), cache, folder / f"{name}.yaml")
        command = ["s2r-lighteval", "vllm" if backend == "vllm" else "accelerate", str(path)]
        command += [",".join(f"s2r_{k}|0" for k in keys), "--custom-tasks", str(Path(__file__).with_name("tasks.py"))]
        command += ["--output-dir", str(Path(args.output_dir).resolve())]
        command += ["--max-samples", str(args.max_samples)] if args.max_samples else []
        command += ["--save-details"] if args.save_details else []
        command += ["--remove-reasoning-tags" if args.answer_from == "final" else "--no-remove-reasoning-tags"]
        lines += [
            f"# {','.join(keys)}: {n} sample(s), temperature {temperature}, top_p {top_p}, repetition penalty "
            f"{args.repetition_penalty:g}, seed {args.seed}, answer from the {args.answer_from} response",
            f"rm -rf {shlex.quote(str(cache))}  # lighteval's sample cache is keyed on the config, not the weights",
            f"{prefix} {' '.join(shlex.quote(c) for c in command)}",
        ]
    script = atomic_write_text(folder / "run.sh", "\n".join(lines) + "\n")
    script.chmod(0o755)
    logger.info("wrote lighteval configs and %s; run it with: bash %s", script, script)
    return script


def _write_model_config(args: EvalArguments, backend: str, sampling: tuple, cache: Path, path: Path) -> Path:
    """One lighteval model-config YAML (``model_parameters``: the backend's config, set fields only)."""
    import yaml

    from s2r_hf.eval.backends import model_config
    from s2r_hf.io import atomic_write_text

    config = model_config(args, backend, *sampling, cache).model_dump(mode="json", exclude_unset=True)
    return atomic_write_text(path, yaml.safe_dump({"model_parameters": config}, sort_keys=False, allow_unicode=True))
