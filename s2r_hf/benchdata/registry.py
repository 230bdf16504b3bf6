"""The benchmark registry: the ONE table of every benchmark `s2r eval`, ``s2r grade`` and decontamination know.

A key (``math_500``), its folder aliases (``math500``, ``MATH-500``), its Hub copy (repo, config, split), its row
reader (:mod:`.rows`), its sampling and its local-only download hint live here and nowhere else, so a key means
the same benchmark, the same rows and the same problem text in every stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from s2r_hf.benchdata import rows

EXPERT_SAMPLING = {"num_samples": 16, "temperature": 0.6, "top_p": 0.95}
GREEDY = {"num_samples": 1, "temperature": 0.0, "top_p": 1.0}


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: where its data is, how a row reads, how it is sampled.

    ``hf_repo``/``hf_subset``/``split`` name the Hub copy lighteval loads (``hf_repo`` is also the dataset id on
    the model card). ``download`` is set when no Hub copy can be loaded by config name: then the data must be
    a local ``<data_dir>/<key>/`` folder, and ``download`` says where to get the file. ``options`` gives a
    multiple-choice row's option texts, so a model that boxes the right option's text (not its letter) is
    graded correct, as in Select2Reason's evaluation.
    """

    key: str
    hf_repo: str
    hf_subset: str
    split: str
    row: Callable[[dict], tuple[str, str, bool]]
    sampling: dict
    size: int  # problems in the paper's copy (SPEC §6)
    download: str | None = None
    options: Callable[[dict], dict[str, str] | None] | None = None  # multiple choice: {letter: text} for the grader


# Evidence for every id / config / split / column (checked against public copies, not downloaded here):
# aime24   HuggingFaceH4/aime_2024 card: default/train, 30 rows; id int64, problem, solution, answer (str), url, year.
# aime25   yentinglin/aime_2025: default/train, 30 rows (lighteval's and open-r1's aime25 task; problem, answer).
# amc23    math-ai/amc23: default/test (test-00000-of-00001.parquet), 40 rows; id, question, answer (a float such
#          as 27.0 per its copies' cards), url; lighteval's amc23 task reads question + str(answer).
# math_500 HuggingFaceH4/MATH-500: default/test, 500 rows; problem, solution, answer, subject, level, unique_id.
# olympiadbench math-ai/olympiadbench: default/test (test.jsonl), 675 rows like the paper's copy (Qwen2.5-Math's
#          olympiadbench/test.jsonl); question, final_answer (list of "$…$" strings), solution, unit, answer_type, …
#          Hothan/OlympiadBench (config OE_TO_maths_en_COMP, split train) has the same columns but 674 rows.
# gaokao2023en MARIO-Math-Reasoning/Gaokao2023-Math-En: one Gaokao2023-Math-En.jsonl → default/train,
#          385 rows; question, answer (Qwen2.5-Math strips its $…$), source, lang, sourcename, id.
# gaokao2024_mix Qwen2.5-Math evaluation/data/gaokao2024_mix/test.jsonl, 91 rows; idx, question, answer,
#          choice_answer ("" unless multiple choice). Its only Hub copy is a file inside HuggingFaceTB/math_tasks,
#          whose card declares just the math and gsm8k configs, so `datasets` cannot load it by name.
# kaoyan   no public copy found: Select2Reason's eval.py reads eval_data/kaoyan/test.jsonl (problem, answer) but
#          the repository does not ship it; "kaoyan" below is the card's dataset id, not a Hub id.
# gaokao_math_qa hails/agieval-gaokao-mathqa (lm-eval-harness's AGIEval copy): default/test, 351 rows; query,
#          choices (list), gold (list of int). Qwen2.5-Math's gaokao_math_qa/test.jsonl holds the same 351
#          questions as question, options (dict), label.
# gpqa_diamond Idavidrein/gpqa (gated: accept its terms, set HF_TOKEN): config gpqa_diamond, split train,
#          198 rows; Question, Correct Answer, Incorrect Answer 1-3, Explanation, … (csv).
QWEN_DATA = "https://github.com/QwenLM/Qwen2.5-Math/blob/main/evaluation/data"
BENCHMARKS: dict[str, Benchmark] = {
    b.key: b
    for b in [
        Benchmark("aime24", "HuggingFaceH4/aime_2024", "default", "train", rows.problem_answer, EXPERT_SAMPLING, 30),
        Benchmark("aime25", "yentinglin/aime_2025", "default", "train", rows.problem_answer, EXPERT_SAMPLING, 30),
        Benchmark("amc23", "math-ai/amc23", "default", "test", rows.problem_answer, EXPERT_SAMPLING, 40),
        Benchmark("math_500", "HuggingFaceH4/MATH-500", "default", "test", rows.problem_answer, GREEDY, 500),
        Benchmark("olympiadbench", "math-ai/olympiadbench", "default", "test", rows.olympiadbench, GREEDY, 675),
        Benchmark(
            "gaokao2023en",
            "MARIO-Math-Reasoning/Gaokao2023-Math-En",
            "default",
            "train",
            rows.question_answer,
            GREEDY,
            385,
        ),
        Benchmark(
            "gaokao2024_mix",
            "HuggingFaceTB/math_tasks",
            "default",
            "test",
            rows.gaokao2024_mix,
            GREEDY,
            91,
            options=rows.gaokao2024_mix_options,
            download=f"get it from {QWEN_DATA}/gaokao2024_mix/test.jsonl (a copy: https://huggingface.co/datasets/"
            "HuggingFaceTB/math_tasks/blob/main/data/gaokao2024_mix/test.jsonl)",
        ),
        Benchmark(
            "kaoyan",
            "kaoyan",
            "default",
            "test",
            rows.problem_answer,
            GREEDY,
            199,
            download="no public copy is known: Select2Reason's eval.py (https://github.com/IDEA-FinAI/"
            "Select2Reason) reads eval_data/kaoyan/test.jsonl (columns problem, answer; 199 rows) but does not ship it",
        ),
        Benchmark(
            *("gaokao_math_qa", "hails/agieval-gaokao-mathqa", "default", "test", rows.gaokao_math_qa, GREEDY, 351),
            options=rows.gaokao_math_qa_options,
        ),
        Benchmark(
            "gpqa_diamond",
            "Idavidrein/gpqa",
            "gpqa_diamond",
            "train",
            rows.gpqa,
            GREEDY,
            198,
            options=rows.gpqa_options,
        ),
    ]
}

# Other folder names of a benchmark in evaluation data trees people copy whole (Qwen2.5-Math's evaluation/data,
# Select2Reason's eval_data, math-evaluation-harness's data): `math500/test.jsonl`, `gpqa/`, …
FOLDER_ALIASES = {
    "aime24": ("aime_2024", "aime2024"),
    "aime25": ("aime_2025", "aime2025"),
    "amc23": ("amc_2023", "amc2023"),
    "math_500": ("math500", "MATH-500", "math-500"),
    "gpqa_diamond": ("gpqa", "gpqa-diamond"),
}


def task_key(name: str) -> str:
    """A benchmark key from a key or one of its :data:`FOLDER_ALIASES` (``math500`` → ``math_500``)."""
    return next((key for key, names in FOLDER_ALIASES.items() if name in names), name)


def local_folder(key: str, data_dir: str | Path | None) -> Path | None:
    """``<data_dir>/<key>/`` (or a folder of one of the key's :data:`FOLDER_ALIASES`), if there is one."""
    if data_dir is None:
        return None
    for name in (key, *FOLDER_ALIASES.get(key, ())):
        if (Path(data_dir) / name).is_dir():
            return Path(data_dir) / name
    return None


def available_keys(data_dir: str | Path | None = None, *, offline: bool = False) -> list[str]:
    """Every benchmark whose data can be found: a ``<data_dir>/<key>/`` folder, or (unless ``offline``) a
    loadable Hub copy."""
    local = [k for k in BENCHMARKS if local_folder(k, data_dir) is not None]
    if offline:
        return local
    return [k for k, b in BENCHMARKS.items() if b.download is None or k in local]


def missing_data(keys: list[str], data_dir: str | Path | None = None) -> list[str]:
    """One "what is missing; where to get it" line per benchmark of ``keys`` that has neither a loadable Hub
    copy nor a ``<data_dir>/<key>/`` folder (check before loading a model)."""
    problems = []
    for key in keys:
        b = BENCHMARKS[key]
        if b.download is not None and local_folder(key, data_dir) is None:
            where = Path(data_dir) / key if data_dir is not None else Path("<data-dir>") / key
            problems.append(
                f"{key} has no Hub copy `datasets` can load: put its test.jsonl in {where}/ and pass --data-dir; "
                + b.download
            )
    return problems


def hub_config(benchmark: Benchmark) -> str | None:
    """The config name to pass ``datasets.load_dataset``: None for the default one."""
    return None if benchmark.hf_subset == "default" else benchmark.hf_subset
