"""Backend set-up of `s2r eval`: which backend, the lighteval model config, the context length, the pipeline.

vLLM on GPU (when installed), transformers otherwise (``--backend`` forces one). lighteval keeps the system
prompt and sampling settings per model, not per task, so each sampling group gets its own model config and
pipeline. A pipeline that fails while loading its benchmarks or its model says which (:mod:`s2r_hf.eval.diagnosis`).
"""

from __future__ import annotations

import logging
import types
from pathlib import Path

from s2r_hf.errors import S2RError
from s2r_hf.eval.options import PROMPT_BUDGET, EvalArguments

logger = logging.getLogger(__name__)


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


def model_config(args: EvalArguments, backend: str, temperature: float, top_p: float, cache_dir: Path):
    """lighteval's model config for one sampling group: system prompt, sampling, penalty, seed, answer cache."""
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


def build_pipeline(args: EvalArguments, backend: str, keys: list[str], table: list, sampling: dict, cache_dir: Path):
    """One lighteval pipeline for a sampling group (its tasks built already: ``table``). A failure while loading
    the benchmarks or the model becomes one :class:`S2RError` saying which and what to do."""
    from lighteval.logging.evaluation_tracker import EvaluationTracker
    from lighteval.pipeline import ParallelismManager, PipelineParameters

    from s2r_hf.eval.diagnosis import loading_error, tracked_pipeline

    module = types.ModuleType("s2r_eval_tasks")
    module.TASKS_TABLE = table
    try:
        return tracked_pipeline()(
            tasks=",".join(f"s2r_{k}|0" for k in keys),
            pipeline_parameters=PipelineParameters(
                launcher_type=ParallelismManager.VLLM if backend == "vllm" else ParallelismManager.ACCELERATE,
                custom_tasks_directory=module,
                max_samples=args.max_samples,
                # lighteval strips <think>…</think> into final_text, which the metric reads; `full` keeps it
                remove_reasoning_tags=args.answer_from == "final",
            ),
            evaluation_tracker=EvaluationTracker(output_dir=args.output_dir, save_details=args.save_details),
            model_config=model_config(args, backend, sampling["temperature"], sampling["top_p"], cache_dir),
        )
    except S2RError:
        raise
    except Exception as err:  # unreadable files, unreachable Hub copies or model: one line saying what to do
        problem = loading_error(err, args, keys)
        if problem is None:
            raise
        raise problem from err
