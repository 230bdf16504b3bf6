"""`s2r eval`: evaluate a model on the Select2Reason benchmarks with lighteval, in the paper's settings.

    s2r eval --model out/Qwen2.5-7B-S2R-10pct --tasks aime24,aime25,amc23,math_500 --output-dir out/eval
    s2r eval --model out/tiny --tasks math_500,gaokao2023en --data-dir data/evals --greedy --max-new-tokens 16

vLLM on GPU (when installed), transformers otherwise (``--backend`` forces one). lighteval keeps the
system prompt and sampling settings per model, not per task, so the tasks are run in groups of equal
sampling (AIME/AMC: 16 samples, T 0.6, top_p 0.95; the rest greedy), one lighteval pipeline each; every
group writes ``OUTPUT/results/<model>/results_<timestamp>.json``. Answers are cached per chunk of problems
under ``OUTPUT/.lighteval_cache/<key of weights, data, prompts, sampling>``: re-running the same command
after a crash generates only what is missing (:mod:`s2r_hf.eval.resume`).

Protocol (:mod:`s2r_hf.eval.protocol`): by default the authors' (``--protocol paper``: repetition penalty 1.05,
seed 42, answer = last box of the full response); ``--protocol lighteval`` for lighteval's (no penalty, seed 1234,
answer after ``</think>``). Per-sample details (prompt, response, extracted answer, verdict, gold) and each task's
run record (protocol, versions, 95 % interval) land in ``OUTPUT/details/<task>.jsonl|.json``
(:mod:`s2r_hf.eval.details`); `s2r card` reads them.
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
# Prompt tokens reserved beside the answer budget: the system prompt plus the longest benchmark question
# (OlympiadBench and GPQA questions stay under 1k tokens with Qwen2.5's tokenizer).
PROMPT_BUDGET = 2048


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
            "no Hub copy: they need --data-dir (and 'all' includes them only when their folder is there; with "
            "HF_HUB_OFFLINE=1 'all' is the local folders only); "
            "gpqa_diamond is gated (accept its terms, set HF_TOKEN)."
        },
    )
    data_dir: str | None = field(
        default=None, metadata={"help": "Folder of <key>/ subfolders (jsonl/parquet) that replace the Hub data."}
    )
    max_new_tokens: int = field(default=16384, metadata={"help": "Generation budget per answer (the paper: 16384)."})
    greedy: bool = field(default=False, metadata={"help": "Greedy, 1 sample, for every task (smoke tests)."})
    backend: str = field(
        default="auto", metadata={"help": "auto (vllm on GPU, else transformers), vllm, transformers."}
    )
    max_samples: int | None = field(
        default=None,
        metadata={
            "help": "Evaluate only this many problems per task: lighteval's fixed random sample (seed 42), not the "
            "first rows. Partial results are marked as such on the model card."
        },
    )
    batch_size: int | None = field(default=None, metadata={"help": "transformers backend batch size."})
    dtype: str | None = field(default=None, metadata={"help": "Model dtype, e.g. bfloat16 (default: backend's)."})
    tensor_parallel_size: int = field(default=1, metadata={"help": "vLLM tensor parallelism (GPUs per model copy)."})
    data_parallel_size: int = field(
        default=1,
        metadata={
            "help": "vLLM data parallelism: model copies, each on its own GPU(s) (e.g. 8 for a 7B model on 8 GPUs)."
        },
    )
    max_model_length: int | None = field(
        default=None,
        metadata={
            "help": f"vLLM context length (prompt + answer). Default: --max-new-tokens + {PROMPT_BUDGET} prompt "
            "tokens, checked against the model's max_position_embeddings before loading it."
        },
    )
    gpu_memory_utilization: float = field(
        default=0.9, metadata={"help": "vLLM: fraction of GPU memory for weights + KV cache (lower it on OOM)."}
    )
    protocol: str | None = field(
        default=None,
        metadata={
            "choices": ["paper", "lighteval"],
            "help": "paper (the default) or lighteval: the settings beside sampling that change a number. paper = "
            "the Select2Reason authors' eval.py: --repetition-penalty 1.05, --seed 42, --answer-from full, so the "
            "numbers compare with the paper's; lighteval = its defaults and published baselines: no penalty (1.0), "
            "seed 1234, --answer-from final. Sampling (16 samples at T 0.6, top_p 0.95 on AIME/AMC, greedy "
            "elsewhere) and --max-new-tokens are SPEC's under both. Without --protocol the options below override "
            "paper's values one by one (the card then marks the run as not the paper's); with it, an option that "
            "contradicts it is an error.",
        },
    )
    repetition_penalty: float | None = field(
        default=None,
        metadata={
            "help": "Repetition penalty of every generation, both backends (1.0 = none). Default: the "
            "protocol's (paper 1.05, lighteval 1.0)."
        },
    )
    seed: int | None = field(
        default=None,
        metadata={
            "help": "Sampling seed (vLLM's per-request seed; torch's for transformers). Greedy tasks do not "
            "read it. Default: the protocol's (paper 42, lighteval 1234)."
        },
    )
    answer_from: str | None = field(
        default=None,
        metadata={
            "choices": ["full", "final"],
            "help": "full: grade the last \\boxed{} of the whole response, thinking included (the authors' "
            "eval.py); final: only the text after </think> (lighteval strips <think>...</think> first: an answer "
            "boxed in the thinking and restated in words after it is wrong). Only grading changes: cached answers "
            "are re-graded, not generated again. Default: the protocol's (paper full, lighteval final).",
        },
    )
    save_details: bool = field(
        default=False,
        metadata={
            "help": "Also write lighteval's own per-sample parquet. s2r's details "
            "(OUTPUT/details/<task>.jsonl: prompt, response, extracted answer, verdict, gold) are always written."
        },
    )
    resume: bool = field(
        default=True,
        metadata={
            "help": "Reuse the answers an earlier run of the same evaluation cached in OUTPUT_DIR/.lighteval_cache "
            "(same weights, benchmark data, prompts, sampling, budget) and generate only the missing ones: re-run "
            "the command after a crash, or to re-grade. --no-resume discards them and generates everything."
        },
    )
    chunk_size: int = field(
        default=512,
        metadata={
            "help": "Problems generated per call; the answers are cached after each, so a crash loses at most one "
            "chunk. Each chunk ends with a tail of a few long answers that leaves vLLM's batch half empty: modelled "
            "cost on one H100 vs one call, 14%% at 256, 7%% at 512, 4%% at 1024 (benchmarks/bench_eval.py). "
            "0 = each sampling group in one call (no resume within it)."
        },
    )
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
        if self.chunk_size < 0:
            problems.append(f"--chunk-size must be >= 0 (0 = no chunks), got {self.chunk_size}")
        for name in ("tensor_parallel_size", "data_parallel_size"):
            if getattr(self, name) < 1:
                problems.append(f"--{name.replace('_', '-')} must be >= 1, got {getattr(self, name)}")
        if self.max_model_length is not None and self.max_model_length <= self.max_new_tokens:
            problems.append(
                f"--max-model-length {self.max_model_length} leaves no room for the prompt beside "
                f"--max-new-tokens {self.max_new_tokens}"
            )
        if not 0 < self.gpu_memory_utilization <= 1:
            problems.append(f"--gpu-memory-utilization must be in (0, 1], got {self.gpu_memory_utilization}")
        if self.max_samples is not None and self.max_samples < 1:
            problems.append(f"--max-samples must be >= 1, got {self.max_samples}")
        if self.data_dir is not None and not Path(self.data_dir).is_dir():
            problems.append(f"--data-dir {self.data_dir} is not a folder")
        else:  # benchmarks without a Hub copy need local files: fail now, not after hours of other tasks
            problems += missing_data([k for k in keys if k in BENCHMARKS], self.data_dir)
        if problems:
            raise S2RError("; ".join(problems))
        self.resolve_protocol()

    def resolve_protocol(self):
        """Fill repetition_penalty / seed / answer_from from ``--protocol`` (conflicts named); the resolved
        :class:`~s2r_hf.eval.protocol.Protocol`."""
        from s2r_hf.eval.protocol import resolve

        resolved = resolve(
            self.protocol, repetition_penalty=self.repetition_penalty, seed=self.seed, answer_from=self.answer_from
        )
        self.repetition_penalty, self.seed, self.answer_from = (
            resolved.repetition_penalty,
            resolved.seed,
            resolved.answer_from,
        )
        return resolved

    def task_keys(self) -> list[str]:
        if self.tasks.strip() == "all":  # every benchmark that can be loaded: Hub copies + local folders given
            from huggingface_hub import constants

            from s2r_hf.eval.tasks import BENCHMARKS, available_keys

            keys = available_keys(self.data_dir, offline=constants.HF_HUB_OFFLINE)
            if constants.HF_HUB_OFFLINE and len(keys) < len(BENCHMARKS):
                skipped = ", ".join(k for k in BENCHMARKS if k not in keys)
                logger.info("offline (HF_HUB_OFFLINE): 'all' skips %s (no folder in --data-dir)", skipped)
            return keys
        from s2r_hf.eval.tasks import task_key

        return [task_key(k.strip().removeprefix("s2r_").split("|")[0]) for k in self.tasks.split(",") if k.strip()]


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


def model_positions(model: str) -> int | None:
    """The model's ``max_position_embeddings`` (its config.json, local or from the Hub), or None if unreadable."""
    try:
        from transformers import AutoConfig

        config = AutoConfig.from_pretrained(model)
    except (OSError, ValueError) as err:
        logger.debug("could not read %s's config (%s): context length not checked", model, err)
        return None
    config = getattr(config, "text_config", None) or config
    return getattr(config, "max_position_embeddings", None)


def vllm_context_length(args: EvalArguments) -> int:
    """``--max-model-length``, or the answer budget + :data:`PROMPT_BUDGET`; an error when the model has fewer
    positions (vLLM would refuse it after minutes of loading)."""
    length = args.max_model_length or args.max_new_tokens + PROMPT_BUDGET
    positions = model_positions(args.model)
    if positions is not None and length > positions:
        raise S2RError(
            f"{args.model} has {positions} positions (max_position_embeddings) but the evaluation needs {length} "
            f"(--max-new-tokens {args.max_new_tokens} + prompt): lower --max-new-tokens (e.g. "
            f"{max(positions - PROMPT_BUDGET, 1)}) or --max-model-length, or evaluate a model trained with a longer "
            "context (the Qwen2.5-Math recipes raise it to 32768)"
        )
    return length


def _model_config(args: EvalArguments, backend: str, temperature: float, top_p: float, cache_dir: Path):
    from lighteval.models.model_input import GenerationParameters

    from s2r_hf.eval.tasks import SYSTEM_PROMPT

    # The answer budget reaches the transformers backend as the tasks' generation_size only: given as a model
    # setting, lighteval 0.13 also truncates every PROMPT to that many tokens (left side: the system prompt and
    # the start of the question go). vLLM reads it from either place and truncates nothing.
    budget = {"max_new_tokens": args.max_new_tokens} if backend == "vllm" else {}
    generation = GenerationParameters(
        temperature=temperature, top_p=top_p, seed=args.seed, repetition_penalty=args.repetition_penalty, **budget
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
        return VLLMModelConfig(
            **common,
            tensor_parallel_size=args.tensor_parallel_size,
            data_parallel_size=args.data_parallel_size,
            # lighteval's default (None) takes vLLM's CUDA-graph capture length (8192) as the context length,
            # and a 16k answer budget then fails with "Context size is less than 0"
            max_model_length=vllm_context_length(args),
            gpu_memory_utilization=args.gpu_memory_utilization,
            seed=args.seed,
            **extra,
        )
    import torch
    from lighteval.models.transformers.transformers_model import TransformersModelConfig

    extra = {k: v for k, v in {"dtype": args.dtype, "batch_size": args.batch_size}.items() if v is not None}
    return TransformersModelConfig(**common, device="cuda" if torch.cuda.is_available() else "cpu", **extra)


def group_cache_key(args: EvalArguments, backend: str, keys: list[str], sampling: dict) -> str:
    """The cache folder name of one sampling group: see :mod:`s2r_hf.eval.resume`."""
    from s2r_hf.eval.resume import cache_key, data_identity
    from s2r_hf.eval.tasks import BENCHMARKS, local_folder

    data = {}
    for key in keys:
        b = BENCHMARKS[key]
        data[key] = data_identity(local_folder(key, args.data_dir), (b.hf_repo, b.hf_subset, b.split))
    return cache_key(args.model, data, {**generation_options(args, backend), **sampling})


def generation_options(args: EvalArguments, backend: str) -> dict:
    """Every option that changes the generated answers (beside sampling): the resume cache is keyed on them.
    ``answer_from`` is not one: it only changes grading, so changing it re-grades the cached raw answers."""
    return {
        "backend": backend,
        "dtype": args.dtype,
        "max_new_tokens": args.max_new_tokens,
        "seed": args.seed,
        "repetition_penalty": args.repetition_penalty,
    }


def data_source(key: str, data_dir: str | None) -> str:
    """Where a benchmark's problems came from, for the card: ``local: <folder>/<file>`` (names, not absolute
    paths) or the Hub dataset id."""
    from s2r_hf.eval.details import local_data_name
    from s2r_hf.eval.tasks import BENCHMARKS, local_folder

    folder = local_folder(key, data_dir)
    return BENCHMARKS[key].hf_repo if folder is None else local_data_name(folder, BENCHMARKS[key].split)


def local_file_problem(folder: Path) -> str | None:
    """What makes a benchmark folder unreadable (an empty file, a line that is not one JSON object), or None."""
    from s2r_hf.pools.loading import first_bad_json_line

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.stat().st_size == 0:
            return f"{path} is empty"
        bad = first_bad_json_line(path)
        if bad:
            return f"{path}: {bad}"
    return None


def loading_error(err: Exception, args: EvalArguments, keys: list[str]) -> S2RError | None:
    """An S2RError naming what could not be loaded (a local benchmark file, a benchmark's Hub copy, or the model)
    and what to do; None for any other error."""
    from s2r_hf.eval.tasks import BENCHMARKS, local_folder

    text = f"{type(err).__name__}: {err}"
    first = text.splitlines()[0] if text.strip() else type(err).__name__
    for key in keys:
        folder = local_folder(key, args.data_dir)
        problem = local_file_problem(folder) if folder is not None else None
        if problem:
            return S2RError(f"cannot read {key}'s data: {problem}; fix or remove it (one JSON object per line)")
    hub = [k for k in keys if BENCHMARKS[k].hf_repo in text]
    if hub:
        key = hub[0]
        where = Path(args.data_dir or "<data-dir>") / key
        return S2RError(
            f"could not load {key}'s data from {BENCHMARKS[key].hf_repo} ({first}). Offline, or a gated dataset "
            f"(accept its terms on the Hub and set HF_TOKEN)? Or put its jsonl/parquet in {where}/ and pass --data-dir"
        )
    if args.model in text or isinstance(err, OSError):  # the data loaded (it comes first): the model did not
        return S2RError(
            f"could not load the model {args.model} ({first}); give a local model folder or a Hub id you can reach"
        )
    return None


def main(args: EvalArguments) -> list[Path]:
    """Run every sampling group; returns the results files written."""
    import torch
    from lighteval.logging.evaluation_tracker import EvaluationTracker
    from lighteval.pipeline import ParallelismManager, Pipeline, PipelineParameters

    from s2r_hf.eval import compat
    from s2r_hf.eval.details import package_versions, write_pipeline_details
    from s2r_hf.eval.results import find_results
    from s2r_hf.eval.resume import generate_in_chunks
    from s2r_hf.eval.tasks import make_task

    backend = pick_backend(args.backend)
    if args.export_lighteval:
        export_lighteval(args, backend)
        return []
    compat.apply()
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    protocol = args.resolve_protocol()
    logger.info("s2r eval with the %s backend; options: %s", backend, asdict(args))
    if protocol.name != "paper":
        logger.warning("protocol %s, not the paper's: %s", protocol.name, protocol.as_dict())
    versions = package_versions(backend)
    before = set(find_results(out))
    tables = {  # every task built first: each local benchmark file is read and checked before any group generates
        group: [
            make_task(k, data_dir=args.data_dir, max_new_tokens=args.max_new_tokens, sampling={"num_samples": group[0]})
            for k in keys
        ]
        for group, keys in sampling_groups(args).items()
    }
    for (n, temperature, top_p), keys in sampling_groups(args).items():
        t0 = time.perf_counter()
        sampling = {"num_samples": n, "temperature": temperature, "top_p": top_p}
        module = types.ModuleType("s2r_eval_tasks")
        module.TASKS_TABLE = tables[(n, temperature, top_p)]
        cache_dir = out / ".lighteval_cache" / group_cache_key(args, backend, keys, sampling)
        if not args.resume:
            shutil.rmtree(cache_dir, ignore_errors=True)
        logger.info("answers of %s cached in %s (re-run the same command to resume)", ",".join(keys), cache_dir)
        try:
            pipeline = Pipeline(
                tasks=",".join(f"s2r_{k}|0" for k in keys),
                pipeline_parameters=PipelineParameters(
                    launcher_type=ParallelismManager.VLLM if backend == "vllm" else ParallelismManager.ACCELERATE,
                    custom_tasks_directory=module,
                    max_samples=args.max_samples,
                    # lighteval strips <think>…</think> into final_text, which the metric reads; `full` keeps it
                    remove_reasoning_tags=args.answer_from == "final",
                ),
                evaluation_tracker=EvaluationTracker(output_dir=str(out), save_details=args.save_details),
                model_config=_model_config(args, backend, temperature, top_p, cache_dir),
            )
        except S2RError:
            raise
        except Exception as err:  # unreadable files, unreachable Hub copies or model: one line saying what to do
            problem = loading_error(err, args, keys)
            if problem is None:
                raise
            raise problem from err
        if args.chunk_size:
            pipeline.model.greedy_until = generate_in_chunks(pipeline.model.greedy_until, args.chunk_size)
        torch.manual_seed(args.seed)  # after loading: the transformers backend samples with torch's generator
        group_before = set(find_results(out))
        pipeline.evaluate()
        pipeline.save_and_push_results()
        new = [p for p in find_results(out) if p not in group_before]
        run = {
            "results_file": new[-1].name if new else None,
            "model": args.model,
            "protocol": protocol.as_dict(),
            "sampling": sampling,
            "max_new_tokens": args.max_new_tokens,
            "max_samples": args.max_samples,
            "backend": backend,
            "harness": f"lighteval {versions.get('lighteval', '?')} (s2r eval)",
            "versions": versions,
        }
        for key in keys if pipeline.is_main_process() else []:  # other ranks hold no graded answers
            write_pipeline_details(pipeline, out, [key], {**run, "data": data_source(key, args.data_dir)}, n)
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


def cli(argv: list[str]) -> None:
    from s2r_hf.config_files import one_line_errors, parse_problem
    from s2r_hf.errors import collect
    from s2r_hf.preflight import eval_problems

    parser = one_line_errors(make_parser(), "eval")
    try:
        (args,) = parser.parse_args_into_dataclasses(args=argv)
    except ValueError as err:
        raise S2RError(f"{parse_problem(err)}; see `s2r eval --help`") from None
    collect(eval_problems(args))  # model, backend package, output folders: before lighteval starts
    main(args)
