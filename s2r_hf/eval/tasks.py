"""
name:
Select2Reason reference evaluation (SPEC §6)

dataset:
HuggingFaceH4/aime_2024, yentinglin/aime_2025, math-ai/amc23, HuggingFaceH4/MATH-500, Hothan/OlympiadBench,
MARIO-Math-Reasoning/Gaokao2023-Math-En, Gaokao2024_mix, Kaoyan, GaokaoMathQA, Idavidrein/gpqa

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
holds both per model, not per task). ``make_tasks(data_dir=…)`` reads ``<data_dir>/<key>/`` (jsonl or
parquet in the benchmark's own columns) instead of the Hub. Importing this module does nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from s2r_hf.prompts import REASONING_SYSTEM_PROMPT

SYSTEM_PROMPT = REASONING_SYSTEM_PROMPT  # `s2r eval` passes it to lighteval as the model's system prompt
PREFIX = "s2r_"
DEFAULT_MAX_NEW_TOKENS = 16384
EXPERT_SAMPLING = {"num_samples": 16, "temperature": 0.6, "top_p": 0.95}
GREEDY = {"num_samples": 1, "temperature": 0.0, "top_p": 1.0}


# --- prompt functions: one per answer format (row → question, gold, multiple choice?) ---------------


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _problem_answer(row: dict) -> tuple[str, str, bool]:  # AIME24, AIME25, MATH-500
    return row["problem"], _number(row["answer"]), False


def _question_answer(row: dict) -> tuple[str, str, bool]:  # AMC23, Kaoyan, Gaokao2023en
    return row["question"], _number(row["answer"]).replace("$", "").strip(), False


def _olympiadbench(row: dict) -> tuple[str, str, bool]:
    final = row["final_answer"]
    answer = final[0] if isinstance(final, list) else final
    return row["question"], str(answer).strip().strip("$"), False


def _gaokao2024_mix(row: dict) -> tuple[str, str, bool]:
    choice = str(row.get("choice_answer") or "").strip()
    return row["question"], choice or _number(row["answer"]), bool(choice)


def _gaokao_math_qa(row: dict) -> tuple[str, str, bool]:
    options = " ".join(f"({key}) {text}" for key, text in row["options"].items())
    return f"{row['question'].strip()}\n选项: {options}", str(row["label"]).strip(), True


def _gpqa(row: dict) -> tuple[str, str, bool]:
    """Options in an order fixed by the question text (GPQA stores the correct answer first)."""
    options = [row["Correct Answer"], row["Incorrect Answer 1"], row["Incorrect Answer 2"], row["Incorrect Answer 3"]]
    shift = int(hashlib.sha256(row["Question"].encode("utf-8")).hexdigest(), 16) % 4
    order = options[shift:] + options[:shift]
    letters = "ABCD"
    listed = "\n".join(f"({letters[i]}) {str(text).strip()}" for i, text in enumerate(order))
    return f"{row['Question'].strip()}\n\n{listed}", letters[order.index(options[0])], True


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: where its data is, how a row reads, how it is sampled."""

    key: str
    hf_repo: str
    hf_subset: str
    split: str
    row: Callable[[dict], tuple[str, str, bool]]
    sampling: dict
    size: int


BENCHMARKS: dict[str, Benchmark] = {
    b.key: b
    for b in [
        Benchmark("aime24", "HuggingFaceH4/aime_2024", "default", "train", _problem_answer, EXPERT_SAMPLING, 30),
        Benchmark("aime25", "yentinglin/aime_2025", "default", "train", _problem_answer, EXPERT_SAMPLING, 30),
        Benchmark("amc23", "math-ai/amc23", "default", "test", _question_answer, EXPERT_SAMPLING, 40),
        Benchmark("math_500", "HuggingFaceH4/MATH-500", "default", "test", _problem_answer, GREEDY, 500),
        Benchmark("olympiadbench", "Hothan/OlympiadBench", "OE_TO_maths_en_COMP", "train", _olympiadbench, GREEDY, 675),
        Benchmark(
            "gaokao2023en", "MARIO-Math-Reasoning/Gaokao2023-Math-En", "default", "train", _question_answer, GREEDY, 385
        ),
        # No Hub copy known for these three: Qwen2.5-Math's evaluation/data/<name>/test.jsonl; use data_dir.
        Benchmark("gaokao2024_mix", "s2r-data/gaokao2024_mix", "default", "test", _gaokao2024_mix, GREEDY, 91),
        Benchmark("kaoyan", "s2r-data/kaoyan", "default", "test", _question_answer, GREEDY, 199),
        Benchmark("gaokao_math_qa", "s2r-data/gaokao_math_qa", "default", "test", _gaokao_math_qa, GREEDY, 351),
        Benchmark("gpqa_diamond", "Idavidrein/gpqa", "gpqa_diamond", "train", _gpqa, GREEDY, 198),
    ]
}


def make_prompt_fn(benchmark: Benchmark):
    """lighteval prompt function: user turn = the question; gold = the reference answer."""

    def prompt(line: dict, task_name: str | None = None):
        from lighteval.tasks.requests import Doc

        question, gold, multiple_choice = benchmark.row(line)
        return Doc(
            task_name=task_name,
            query=question,
            choices=[gold],
            gold_index=0,
            specific={"answer": gold, "multiple_choice": multiple_choice, "benchmark": benchmark.key},
        )

    prompt.__name__ = f"{benchmark.key}_prompt"
    return prompt


def _local_split(folder: Path, split: str) -> str:
    """The split `datasets` gives a local folder: files named train*/test*/validation* keep that name, any
    other name is train. The benchmark's own split wins when present, else the only one there is."""
    names = [p.name for p in folder.iterdir() if p.suffix in (".jsonl", ".json", ".parquet")]
    found = [s for s in ("train", "test", "validation") if any(n.startswith(s) for n in names)]
    if split in found:
        return split
    return found[0] if len(found) == 1 else "train"


def make_task(
    key: str,
    *,
    data_dir: str | Path | None = None,
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
    sampling: dict | None = None,
):
    """The ``LightevalTaskConfig`` of one benchmark; ``data_dir/<key>/`` (if given and present) replaces the Hub.

    ``sampling`` overrides the benchmark's (only its ``num_samples`` matters here; temperature and top_p
    are model settings in lighteval, set by `s2r eval`).
    """
    from lighteval.tasks.lighteval_task import LightevalTaskConfig

    from s2r_hf.eval.metrics import response_metric

    b = BENCHMARKS[key]
    repo, subset, split = b.hf_repo, b.hf_subset, b.split
    local = Path(data_dir) / key if data_dir is not None else None
    if local is not None and local.is_dir():
        repo, subset, split = str(local), None, _local_split(local, b.split)
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
) -> list:
    """Task configs for ``keys`` (default: all benchmarks)."""
    return [make_task(k, data_dir=data_dir, max_new_tokens=max_new_tokens) for k in keys or list(BENCHMARKS)]


def __getattr__(name: str):
    # TASKS_TABLE is built when lighteval reads it, not at import (it imports lighteval).
    if name == "TASKS_TABLE":
        return make_tasks()
    raise AttributeError(name)
