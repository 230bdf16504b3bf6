"""`s2r eval`: evaluate a model on the Select2Reason benchmarks with lighteval (SPEC §6).

    s2r eval --model out/Qwen2.5-7B-S2R-10pct --tasks aime24,aime25,amc23,math_500 --output-dir out/eval
    s2r eval --model out/tiny --tasks math_500,gaokao2023en --data-dir data/evals --greedy --max-new-tokens 16

vLLM on GPU (when installed), transformers otherwise (``--backend`` forces one). lighteval keeps the
system prompt and sampling settings per model, not per task, so the tasks are run in groups of equal
sampling (AIME/AMC: 16 samples, T 0.6, top_p 0.95; the rest greedy), one lighteval pipeline each; every
group writes ``OUTPUT/results/<model>/results_<timestamp>.json``. lighteval's sample cache is keyed on the
model config, not the weights, so each run gets a fresh cache dir under OUTPUT/.lighteval_cache.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import time
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "vllm", "transformers")


@dataclass
class EvalArguments:
    """Options of `s2r eval`."""

    model: str = field(metadata={"help": "Model folder or Hub id to evaluate."})
    output_dir: str = field(metadata={"help": "Where lighteval writes results/ (and details/)."})
    tasks: str = field(
        default="aime24,aime25,amc23,math_500",
        metadata={
            "help": "Comma-separated benchmark keys, or 'all': aime24, aime25, amc23, math_500, olympiadbench, "
            "gaokao2023en, gaokao2024_mix, kaoyan, gaokao_math_qa, gpqa_diamond. gaokao2024_mix and kaoyan have "
            "no Hub copy: they need --data-dir (and 'all' includes them only when their folder is there); "
            "gpqa_diamond is gated (accept its terms, set HF_TOKEN)."
        },
    )
    data_dir: str | None = field(
        default=None, metadata={"help": "Folder of <key>/ subfolders (jsonl/parquet) that replace the Hub data."}
    )
    max_new_tokens: int = field(default=16384, metadata={"help": "Generation budget per answer (SPEC: 16384)."})
    greedy: bool = field(default=False, metadata={"help": "Greedy, 1 sample, for every task (smoke tests)."})
    backend: str = field(
        default="auto", metadata={"help": "auto (vllm on GPU, else transformers), vllm, transformers."}
    )
    max_samples: int | None = field(default=None, metadata={"help": "Evaluate only this many problems per task."})
    batch_size: int | None = field(default=None, metadata={"help": "transformers backend batch size."})
    dtype: str | None = field(default=None, metadata={"help": "Model dtype, e.g. bfloat16 (default: backend's)."})
    tensor_parallel_size: int = field(default=1, metadata={"help": "vLLM tensor parallelism."})
    seed: int = field(default=1234, metadata={"help": "Sampling seed."})
    save_details: bool = field(default=False, metadata={"help": "Also write per-sample details (parquet)."})
    export_lighteval: str | None = field(
        default=None,
        metadata={
            "help": "Instead of evaluating, write into this folder the lighteval model configs (one YAML per "
            "sampling group: system prompt, temperature, top_p, max new tokens) and run.sh with the plain "
            "`s2r-lighteval vllm|accelerate ...` commands that evaluate exactly what `s2r eval` would."
        },
    )

    def __post_init__(self):
        from s2r_hf.eval.tasks import BENCHMARKS, missing_data

        problems = []
        keys = self.task_keys()
        unknown = [k for k in keys if k not in BENCHMARKS]
        if unknown:
            problems.append(f"unknown task(s) {', '.join(unknown)}; valid: {', '.join(BENCHMARKS)}")
        if self.backend not in BACKENDS:
            problems.append(f"--backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if self.max_new_tokens < 1:
            problems.append(f"--max-new-tokens must be >= 1, got {self.max_new_tokens}")
        if self.max_samples is not None and self.max_samples < 1:
            problems.append(f"--max-samples must be >= 1, got {self.max_samples}")
        if self.data_dir is not None and not Path(self.data_dir).is_dir():
            problems.append(f"--data-dir {self.data_dir} is not a folder")
        else:  # benchmarks without a Hub copy need local files: fail now, not after hours of other tasks
            problems += missing_data([k for k in keys if k in BENCHMARKS], self.data_dir)
        if problems:
            raise S2RError("; ".join(problems))

    def task_keys(self) -> list[str]:
        if self.tasks.strip() == "all":  # every benchmark that can be loaded: Hub copies + local folders given
            from s2r_hf.eval.tasks import available_keys

            return available_keys(self.data_dir)
        return [k.strip().removeprefix("s2r_").split("|")[0] for k in self.tasks.split(",") if k.strip()]


def make_parser() -> argparse.ArgumentParser:
    from transformers import HfArgumentParser

    parser = HfArgumentParser(EvalArguments, prog="s2r eval", description=__doc__.split("\n\n")[0])
    return parser


def sampling_groups(args: EvalArguments) -> dict[tuple, list[str]]:
    """Task keys grouped by (num_samples, temperature, top_p)."""
    from s2r_hf.eval.tasks import BENCHMARKS, GREEDY

    groups: dict[tuple, list[str]] = {}
    for key in args.task_keys():
        s = GREEDY if args.greedy else BENCHMARKS[key].sampling
        groups.setdefault((s["num_samples"], s["temperature"], s["top_p"]), []).append(key)
    return groups


def pick_backend(requested: str) -> str:
    import importlib.util

    import torch

    if requested != "auto":
        return requested
    return "vllm" if torch.cuda.is_available() and importlib.util.find_spec("vllm") else "transformers"


def _model_config(args: EvalArguments, backend: str, temperature: float, top_p: float, cache_dir: Path):
    from lighteval.models.model_input import GenerationParameters

    from s2r_hf.eval.tasks import SYSTEM_PROMPT

    generation = GenerationParameters(
        temperature=temperature, top_p=top_p, max_new_tokens=args.max_new_tokens, seed=args.seed
    )
    common = {
        "model_name": args.model,
        "system_prompt": SYSTEM_PROMPT,
        "generation_parameters": generation,
        "cache_dir": str(cache_dir),
    }
    if backend == "vllm":
        from lighteval.models.vllm.vllm_model import VLLMModelConfig

        extra = {"dtype": args.dtype} if args.dtype else {}
        return VLLMModelConfig(**common, tensor_parallel_size=args.tensor_parallel_size, seed=args.seed, **extra)
    import torch
    from lighteval.models.transformers.transformers_model import TransformersModelConfig

    extra = {k: v for k, v in {"dtype": args.dtype, "batch_size": args.batch_size}.items() if v is not None}
    return TransformersModelConfig(**common, device="cuda" if torch.cuda.is_available() else "cpu", **extra)


def main(args: EvalArguments) -> list[Path]:
    """Run every sampling group; returns the results files written."""
    import torch
    from lighteval.logging.evaluation_tracker import EvaluationTracker
    from lighteval.pipeline import ParallelismManager, Pipeline, PipelineParameters

    from s2r_hf.eval import compat
    from s2r_hf.eval.results import find_results
    from s2r_hf.eval.tasks import make_task

    backend = pick_backend(args.backend)
    if args.export_lighteval:
        export_lighteval(args, backend)
        return []
    compat.apply()
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    logger.info("s2r eval with the %s backend; options: %s", backend, asdict(args))
    before = set(find_results(out))
    for (n, temperature, top_p), keys in sampling_groups(args).items():
        t0 = time.perf_counter()
        sampling = {"num_samples": n, "temperature": temperature, "top_p": top_p}
        module = types.ModuleType("s2r_eval_tasks")
        module.TASKS_TABLE = [
            make_task(k, data_dir=args.data_dir, max_new_tokens=args.max_new_tokens, sampling=sampling) for k in keys
        ]
        cache_dir = out / ".lighteval_cache" / f"{time.strftime('%Y%m%dT%H%M%S')}-{n}-{temperature}"
        shutil.rmtree(cache_dir, ignore_errors=True)
        torch.manual_seed(args.seed)
        pipeline = Pipeline(
            tasks=",".join(f"s2r_{k}|0" for k in keys),
            pipeline_parameters=PipelineParameters(
                launcher_type=ParallelismManager.VLLM if backend == "vllm" else ParallelismManager.ACCELERATE,
                custom_tasks_directory=module,
                max_samples=args.max_samples,
            ),
            evaluation_tracker=EvaluationTracker(output_dir=str(out), save_details=args.save_details),
            model_config=_model_config(args, backend, temperature, top_p, cache_dir),
        )
        pipeline.evaluate()
        pipeline.save_and_push_results()
        shutil.rmtree(cache_dir, ignore_errors=True)
        logger.info("evaluated %s (n=%d, T=%g) in %.1f s", ",".join(keys), n, temperature, time.perf_counter() - t0)
    written = [p for p in find_results(out) if p not in before]
    logger.info("results: %s", ", ".join(str(p) for p in written))
    return written


def export_lighteval(args: EvalArguments, backend: str) -> Path:
    """Model-config YAMLs + ``run.sh`` for plain lighteval (through ``s2r-lighteval``); returns run.sh."""
    import shlex

    import yaml

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
        config = _model_config(args, backend, temperature, top_p, cache).model_dump(mode="json", exclude_unset=True)
        path = atomic_write_text(
            folder / f"{name}.yaml",
            yaml.safe_dump({"model_parameters": config}, sort_keys=False, allow_unicode=True),
        )
        command = ["s2r-lighteval", "vllm" if backend == "vllm" else "accelerate", str(path)]
        command += [",".join(f"s2r_{k}|0" for k in keys), "--custom-tasks", str(Path(__file__).with_name("tasks.py"))]
        command += ["--output-dir", str(Path(args.output_dir).resolve())]
        command += ["--max-samples", str(args.max_samples)] if args.max_samples else []
        command += ["--save-details"] if args.save_details else []
        lines += [
            f"# {','.join(keys)}: {n} sample(s), temperature {temperature}, top_p {top_p}",
            f"rm -rf {shlex.quote(str(cache))}  # lighteval's sample cache is keyed on the config, not the weights",
            f"{prefix} {' '.join(shlex.quote(c) for c in command)}",
        ]
    script = atomic_write_text(folder / "run.sh", "\n".join(lines) + "\n")
    script.chmod(0o755)
    logger.info("wrote lighteval configs and %s; run it with: bash %s", script, script)
    return script


def cli(argv: list[str]) -> None:
    parser = make_parser()
    try:
        (args,) = parser.parse_args_into_dataclasses(args=argv)
    except ValueError as err:
        raise S2RError(f"{err}; see `s2r eval --help`") from None
    main(args)
