"""Evaluation benchmarks as data: the one registry (:mod:`.registry`), the row readers (:mod:`.rows`) and the
rows/problems every stage reads (:mod:`.problems`). Evaluation (lighteval tasks), ``s2r grade`` and
decontamination all import from here, so none of them needs another's module.
"""

from s2r_hf.benchdata.problems import (
    Problem,
    bare_question,
    benchmark_problems,
    load_benchmark_rows,
    read_problem,
    read_problems,
)
from s2r_hf.benchdata.registry import (
    BENCHMARKS,
    EXPERT_SAMPLING,
    FOLDER_ALIASES,
    GREEDY,
    Benchmark,
    available_keys,
    local_folder,
    missing_data,
    task_key,
)

__all__ = [
    "BENCHMARKS",
    "EXPERT_SAMPLING",
    "FOLDER_ALIASES",
    "GREEDY",
    "Benchmark",
    "Problem",
    "available_keys",
    "bare_question",
    "benchmark_problems",
    "load_benchmark_rows",
    "local_folder",
    "missing_data",
    "read_problem",
    "read_problems",
    "task_key",
]
