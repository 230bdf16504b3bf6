"""`s2r eval`: evaluate a model on the Select2Reason benchmarks with lighteval, in the paper's settings.

    s2r eval --model out/Qwen2.5-7B-S2R-10pct --tasks aime24,aime25,amc23,math_500 --output-dir out/eval
    s2r eval --config recipes/eval/paper.yaml --model out/Qwen2.5-7B-S2R-10pct --output-dir out/eval
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

The jobs live apart: options (:mod:`~s2r_hf.eval.options`), backends and pipelines (:mod:`~s2r_hf.eval.backends`),
the answer cache and chunking (:mod:`~s2r_hf.eval.resume`), loading failures (:mod:`~s2r_hf.eval.diagnosis`),
results, details and the lighteval export (:mod:`~s2r_hf.eval.export`). This module runs them in order.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from pathlib import Path

# Re-exported: the names `s2r_hf.eval.run` offered before the split (tests, benchmarks, users' scripts).
from s2r_hf.eval.backends import model_config as _model_config  # noqa: F401
from s2r_hf.eval.backends import model_positions, pick_backend, vllm_context_length  # noqa: F401
from s2r_hf.eval.diagnosis import loading_error, local_file_problem  # noqa: F401
from s2r_hf.eval.export import data_source, export_lighteval  # noqa: F401
from s2r_hf.eval.options import BACKENDS, PROMPT_BUDGET, EvalArguments, make_parser, sampling_groups  # noqa: F401
from s2r_hf.eval.resume import generation_options, group_cache_key  # noqa: F401

logger = logging.getLogger(__name__)


def main(args: EvalArguments) -> list[Path]:
    """Run every sampling group; returns the results files written."""
    from s2r_hf.eval import compat
    from s2r_hf.eval.details import package_versions
    from s2r_hf.eval.results import find_results
    from s2r_hf.eval.tasks import make_task

    backend = pick_backend(args.backend)
    if args.export_lighteval:
        export_lighteval(args, backend)
        return []
    if args.budgets:  # one ordinary run per budget, then budget forcing (:mod:`s2r_hf.eval.budgets`)
        from s2r_hf.eval.budgets import run_budgets

        return run_budgets(args)
    compat.apply()
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    protocol = args.resolve_protocol()
    logger.info("s2r eval with the %s backend; options: %s", backend, asdict(args))
    if protocol.name != "paper":
        logger.warning("protocol %s, not the paper's: %s", protocol.name, protocol.as_dict())
    versions = package_versions(backend)
    before = set(find_results(out))
    groups = sampling_groups(args)
    tables = {  # every task built first: each local benchmark file is read and checked before any group generates
        group: [
            make_task(k, data_dir=args.data_dir, max_new_tokens=args.max_new_tokens, sampling={"num_samples": group[0]})
            for k in keys
        ]
        for group, keys in groups.items()
    }
    for (n, temperature, top_p), keys in groups.items():
        sampling = {"num_samples": n, "temperature": temperature, "top_p": top_p}
        run_group(args, backend, keys, tables[(n, temperature, top_p)], sampling, protocol, versions)
    written = [p for p in find_results(out) if p not in before]
    logger.info("results: %s", ", ".join(str(p) for p in written))
    return written


def run_group(args: EvalArguments, backend: str, keys: list[str], table: list, sampling: dict, protocol, versions):
    """One sampling group: pipeline (answers cached per chunk) → generate → grade → results and details."""
    import torch

    from s2r_hf.eval.backends import build_pipeline
    from s2r_hf.eval.export import run_record, save_group
    from s2r_hf.eval.resume import generate_in_chunks, group_cache

    t0 = time.perf_counter()
    cache_dir = group_cache(args, backend, keys, sampling)
    pipeline = build_pipeline(args, backend, keys, table, sampling, cache_dir)
    if args.chunk_size:
        pipeline.model.greedy_until = generate_in_chunks(pipeline.model.greedy_until, args.chunk_size)
    torch.manual_seed(args.seed)  # after loading: the transformers backend samples with torch's generator
    pipeline.evaluate()
    save_group(pipeline, args, keys, run_record(args, backend, protocol, sampling, versions))
    elapsed = time.perf_counter() - t0
    logger.info(
        "evaluated %s (n=%d, T=%g) in %.1f s", ",".join(keys), sampling["num_samples"], sampling["temperature"], elapsed
    )


def cli(argv: list[str]) -> None:
    """`s2r eval ARGS`: options (``--config`` recipe + flags) → checks of model, backend, folders → :func:`main`."""
    from s2r_hf.errors import collect
    from s2r_hf.eval.options import parse_eval
    from s2r_hf.preflight import eval_problems

    args = parse_eval(argv)
    collect(eval_problems(args))  # model, backend package, output folders: before lighteval starts
    main(args)
