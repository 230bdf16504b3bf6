"""
name:
Select2Reason reference evaluation (SPEC §6)

dataset:
HuggingFaceH4/aime_2024, yentinglin/aime_2025, math-ai/amc23, HuggingFaceH4/MATH-500, math-ai/olympiadbench,
MARIO-Math-Reasoning/Gaokao2023-Math-En, hails/agieval-gaokao-mathqa, Idavidrein/gpqa (gated); Gaokao2024_mix
and Kaoyan have no Hub copy `datasets` can load: local files only (see ``Benchmark.download``)

abstract:
Long-CoT math (and GPQA-Diamond) with one prompt: system = the reasoning system prompt of
``s2r_hf.prompts`` (the one training used), user = the question. Answer = last ``\\boxed{}``, graded with
math-verify. AIME24/AIME25/AMC23: 16 samples at temperature 0.6, top_p 0.95 (pass@1 = mean over
samples, maj@16); the others greedy. Every task also reports mean response tokens.

languages:
english, chinese

tags:
math, reasoning

paper:
https://arxiv.org/abs/2505.17266

Use with ``s2r eval`` (it sets the system prompt and the sampling settings of each task; lighteval
holds both per model, not per task). ``make_tasks(data_dir=…)`` reads ``<data_dir>/<key>/`` (jsonl, json or
parquet in the benchmark's own columns) instead of the Hub, through :mod:`s2r_hf.eval.local_data` (values
verbatim, each row checked when the task is built). Importing this module does nothing else.

This module only builds lighteval tasks. The benchmarks themselves (keys, aliases, Hub copies, row readers,
problems) are :mod:`s2r_hf.benchdata`, shared with ``s2r grade`` and decontamination; their names are
re-exported here for callers of this module.
"""

# No `from __future__ import annotations`: lighteval loads this file by path (--custom-tasks s2r_hf/eval/tasks.py)
# without registering it in sys.modules.

import logging
from pathlib import Path

from s2r_hf.benchdata import problems as _problems
from s2r_hf.benchdata.problems import Problem, benchmark_problems, load_benchmark_rows, read_problems
from s2r_hf.benchdata.registry import (
    BENCHMARKS,
    EXPERT_SAMPLING,
    FOLDER_ALIASES,
    GREEDY,
    QWEN_DATA,
    Benchmark,
    available_keys,
    local_folder,
    missing_data,
    task_key,
)
from s2r_hf.benchdata.rows import LETTERS
from s2r_hf.errors import S2RError
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT

__all__ = [  # the benchmark names are re-exported from s2r_hf.benchdata
    "BENCHMARKS",
    "DEFAULT_MAX_NEW_TOKENS",
    "EXPERT_SAMPLING",
    "FOLDER_ALIASES",
    "GREEDY",
    "LETTERS",
    "PREFIX",
    "QWEN_DATA",
    "SYSTEM_PROMPT",
    "Benchmark",
    "Problem",
    "available_keys",
    "benchmark_problems",
    "load_benchmark_rows",
    "local_folder",
    "make_prompt_fn",
    "make_task",
    "make_tasks",
    "missing_data",
    "read_problem",
    "read_problems",
    "task_key",
]

logger = logging.getLogger(__name__)
SYSTEM_PROMPT = REASONING_SYSTEM_PROMPT  # `s2r eval` passes it to lighteval as the model's system prompt
PREFIX = "s2r_"
DEFAULT_MAX_NEW_TOKENS = 16384


def read_problem(benchmark: Benchmark, line: dict) -> Problem:
    """:func:`s2r_hf.benchdata.read_problem` of a row of the benchmark's file or of its normalised copy (the
    one-column parquet lighteval reads, :mod:`s2r_hf.eval.local_data`)."""
    from s2r_hf.eval.local_data import decoded

    return _problems.read_problem(benchmark, decoded(line))


def make_prompt_fn(benchmark: Benchmark):
    """lighteval prompt function: user turn = the question; gold = the reference answer (see :func:`read_problem`:
    the metric grades an ungradable row wrong, and ``specific["ungradable"]`` says why)."""

    def prompt(line: dict, task_name: str | None = None):
        from lighteval.tasks.requests import Doc

        problem = read_problem(benchmark, line)
        specific = {
            "answer": problem.gold,
            "multiple_choice": problem.multiple_choice,
            "options": problem.options,
            "benchmark": benchmark.key,
        }
        if problem.ungradable:
            specific.update(ungradable=problem.ungradable, raw_answer=problem.raw_gold)
        return Doc(task_name=task_name, query=problem.question, choices=[problem.gold], gold_index=0, specific=specific)

    prompt.__name__ = f"{benchmark.key}_prompt"
    return prompt


def make_task(
    key: str,
    *,
    data_dir: str | Path | None = None,
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
    sampling: dict | None = None,
):
    """The ``LightevalTaskConfig`` of one benchmark; ``data_dir/<key>/`` (if given and present) replaces the Hub.

    ``sampling`` overrides the benchmark's (only its ``num_samples`` matters here; temperature and top_p
    are model settings in lighteval, set by `s2r eval`). Raises :class:`S2RError` for a local-only benchmark
    (``download`` set) without its folder.
    """
    from lighteval.tasks.lighteval_task import LightevalTaskConfig

    from s2r_hf.eval.local_data import normalised_copy
    from s2r_hf.eval.metrics import response_metric

    b = BENCHMARKS[key]
    repo, subset, split = b.hf_repo, b.hf_subset, b.split
    local = local_folder(key, data_dir)
    if local is not None:  # every row read and checked now, before any model loads (see local_data's doc)
        rows = load_benchmark_rows(key, data_dir)
        read_problems(key, rows)
        repo, subset, split = str(normalised_copy(key, rows)), None, "test"
    elif b.download is not None:
        raise S2RError(missing_data([key], data_dir)[0])
    elif data_dir is not None:
        names = "/, ".join((key, *FOLDER_ALIASES.get(key, ())))
        logger.info("%s: no %s/ folder in %s: loading %s from the Hub", key, names, data_dir, b.hf_repo)
    return LightevalTaskConfig(
        name=PREFIX + key,
        prompt_function=make_prompt_fn(b),
        hf_repo=repo,
        hf_subset=subset,
        hf_avail_splits=[split],
        evaluation_splits=[split],
        few_shots_split=None,
        few_shots_select=None,
        generation_size=max_new_tokens,
        metrics=[response_metric((sampling or b.sampling)["num_samples"])],
        version=1,
    )


def make_tasks(
    keys: list[str] | None = None,
    *,
    data_dir: str | Path | None = None,
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
    sampling: dict | None = None,
) -> list:
    """Task configs for ``keys`` (default: :func:`available_keys`); ``sampling`` as in :func:`make_task`."""
    keys = available_keys(data_dir) if keys is None else keys
    return [make_task(k, data_dir=data_dir, max_new_tokens=max_new_tokens, sampling=sampling) for k in keys]


def __getattr__(name: str):
    # TASKS_TABLE is built when lighteval reads it, not at import (it imports lighteval).
    if name == "TASKS_TABLE":  # as plain lighteval (`s2r-lighteval`) reads it: options from the environment
        import os

        data_dir = os.environ.get("S2R_EVAL_DATA_DIR") or None
        max_new_tokens = int(os.environ.get("S2R_EVAL_MAX_NEW_TOKENS") or DEFAULT_MAX_NEW_TOKENS)
        greedy = os.environ.get("S2R_EVAL_GREEDY", "").lower() not in ("", "0", "false", "no")
        return make_tasks(data_dir=data_dir, max_new_tokens=max_new_tokens, sampling=GREEDY if greedy else None)
    raise AttributeError(name)
