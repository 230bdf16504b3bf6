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

Every row is read by :func:`read_problem` (the lighteval prompt function, ``s2r grade`` and decontamination
use it): a row whose gold is empty or a dict of sub-answers is kept and graded wrong, with its reason.

The row functions accept the columns of the Hub copy *and* of the local files the paper's own evaluation
reads (github.com/IDEA-FinAI/Select2Reason ``eval.py`` + ``utils/parser.py``: ``eval_data/<key>/test.jsonl``,
mostly Qwen2.5-Math's ``evaluation/data/<key>/test.jsonl``), which name some columns differently (AMC23 and
Kaoyan: ``problem``; AIME25: ``question``; GaokaoMathQA: ``options`` dict + ``label``).
"""

# No `from __future__ import annotations`: lighteval loads this file by path (--custom-tasks s2r_hf/eval/tasks.py)
# without registering it in sys.modules, and dataclasses cannot resolve string annotations then.

import ast
import contextlib
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from s2r_hf.errors import S2RError
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT

logger = logging.getLogger(__name__)
SYSTEM_PROMPT = REASONING_SYSTEM_PROMPT  # `s2r eval` passes it to lighteval as the model's system prompt
PREFIX = "s2r_"
DEFAULT_MAX_NEW_TOKENS = 16384
EXPERT_SAMPLING = {"num_samples": 16, "temperature": 0.6, "top_p": 0.95}
GREEDY = {"num_samples": 1, "temperature": 0.0, "top_p": 1.0}
LETTERS = "ABCDEFGH"


# --- prompt functions: one per answer format (row → question, gold, multiple choice?) ---------------


def _text(row: dict, *columns: str) -> str:
    """The first of ``columns`` the row has (copies of one benchmark name the question column differently)."""
    for column in columns:
        value = row.get(column)
        if value is not None and str(value).strip():
            return str(value).strip()
    raise KeyError(f"none of the columns {', '.join(columns)} in a row with columns {', '.join(row)}")


def _required(row: dict, *columns: str):
    """The value of the first of ``columns`` the row fills; "" when the row has such a column but leaves it empty
    (null, blank: Gaokao2023en has two such golds, kept and graded wrong); KeyError when it has none of them
    (another layout)."""
    for column in columns:
        value = row.get(column)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return value
    if any(column in row for column in columns):
        return ""
    raise KeyError(f"no {' or '.join(repr(c) for c in columns)} value")


def _first(value):
    """``value[0]`` for a list-like value (list, tuple, numpy array), else ``value`` itself."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        return value
    return value[0] if len(value) else ""


def _number(value):
    """A gold answer as text: 27.0 / "27.0" → "27" (AMC23 copies store floats), other values unchanged. A dict
    or list (Kaoyan's sub-answers) stays one: :func:`read_problem` lists it as ungradable."""
    if isinstance(value, (dict, list)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text


def _problem_answer(row: dict) -> tuple[str, str, bool]:  # AIME24, AIME25, AMC23, MATH-500, Kaoyan
    return _text(row, "problem", "question", "Problem", "Question"), _number(_required(row, "answer", "Answer")), False


def _question_answer(row: dict) -> tuple[str, str, bool]:  # Gaokao2023en (answers in $…$)
    gold = _number(_required(row, "answer"))
    return _text(row, "question", "problem"), gold.replace("$", "").strip() if isinstance(gold, str) else gold, False


def _olympiadbench(row: dict) -> tuple[str, str, bool]:
    """Gold = the first final answer (as Qwen2.5-Math and Select2Reason grade), its outer $ stripped."""
    final = _required(row, "final_answer")
    if isinstance(final, str) and final.strip().startswith("["):  # a list stored as its repr
        with contextlib.suppress(ValueError, SyntaxError):
            final = ast.literal_eval(final.strip())
    return _text(row, "question", "problem"), str(_first(final)).strip().strip("$").strip(), False


def _gaokao2024_mix(row: dict) -> tuple[str, str, bool]:
    """Multiple-choice rows carry the letter in ``choice_answer`` ("" otherwise); gold = the letter if any."""
    choice = str(row.get("choice_answer") or "").strip()
    return _text(row, "question", "problem"), choice or _number(_required(row, "answer")), bool(choice)


def _gaokao2024_mix_options(row: dict) -> dict[str, str] | None:
    """The gold option's text (``answer``, e.g. "C. {x | -3<x<4}" → "{x | -3<x<4}"): what Select2Reason also
    accepts in the box; the other options' texts are only in the question."""
    choice = str(row.get("choice_answer") or "").strip()
    if not choice:
        return None
    letter = re.escape(choice)
    text = re.sub(rf"^(?:\({letter}\)|{letter}\s*[.:：、])\s*", "", str(row.get("answer") or "").strip())
    return {choice: text} if text else None


def _option(text, index: int) -> tuple[str, str]:
    """ "(A)$x$" / "A. x" → ("A", "$x$"); an unlabelled option gets the letter of its position."""
    text = str(text).strip()
    m = re.match(r"^\(([A-H])\)\s*(.*)$", text, re.DOTALL) or re.match(r"^([A-H])\s*[.:：、]\s*(.*)$", text, re.DOTALL)
    return (m.group(1), m.group(2).strip()) if m else (LETTERS[index], text)


def _gaokao_math_qa_parts(row: dict) -> tuple[str, dict[str, str], str]:
    """GaokaoMathQA (AGIEval gaokao-mathqa, 351 four-option questions) in any of its three layouts →
    (question, {letter: option text}, gold letter).

    * Qwen2.5-Math / Select2Reason ``test.jsonl``: ``question``, ``options`` {"A": text, …}, ``label`` "B" (or ["B"]);
    * AGIEval's raw jsonl: ``passage``, ``question``, ``options`` ["(A)text", …], ``label`` "B";
    * ``hails/agieval-gaokao-mathqa`` (lm-eval's copy): ``choices`` ["(A)text", …], ``gold`` [1], ``query`` =
      "问题：… 选项：(A)… (B)…\\n答案：从A到D, 我们应选择" (AGIEval's zero-shot prompt).
    """
    if "query" in row and "choices" in row:
        query = str(row["query"])
        query = query.split("\n答案：")[0]
        cut = query.rfind("选项：")
        question = query[:cut] if cut >= 0 else query
        question = question.replace("问题：", "", 1)
        options = dict(_option(text, i) for i, text in enumerate(row["choices"]))
        golds = _required(row, "gold")
        golds = [golds] if isinstance(golds, (str, int)) or not hasattr(golds, "__len__") else list(golds)
        label = "".join(LETTERS[int(g)] if str(g).isdigit() else str(g) for g in golds)  # several = multi-select
    else:
        question = (str(row.get("passage") or "") + str(row["question"])).strip()
        raw = row["options"]
        if isinstance(raw, dict):
            # `datasets` gives every row the union of keys (a 4-option row gets "E": None)
            options = {str(k).strip(): str(v).strip() for k, v in raw.items() if v is not None}
        else:
            options = dict(_option(text, i) for i, text in enumerate(raw))
        label = _required(row, "label")
        if not isinstance(label, str) and hasattr(label, "__len__"):  # ["A", "D"]: a multi-select key
            label = "".join(str(letter).strip().strip("()") for letter in label)
    return question.strip(), options, str(label).strip().strip("()").upper()


def _gaokao_math_qa(row: dict) -> tuple[str, str, bool]:
    """Prompt as Select2Reason's ``parse_question``: the question, then one "A: text" line per option."""
    question, options, label = _gaokao_math_qa_parts(row)
    listed = "\n".join(f"{key}: {text}" for key, text in options.items())
    return f"{question}\n{listed}", label, True


def _gaokao_math_qa_options(row: dict) -> dict[str, str]:
    return _gaokao_math_qa_parts(row)[1]


def _gpqa_order(row: dict) -> list[str]:
    """The four answers in an order fixed by the question text (GPQA stores the correct answer first)."""
    options = [row["Correct Answer"], row["Incorrect Answer 1"], row["Incorrect Answer 2"], row["Incorrect Answer 3"]]
    shift = int(hashlib.sha256(row["Question"].encode("utf-8")).hexdigest(), 16) % 4
    return [str(text).strip() for text in options[shift:] + options[:shift]]


def _gpqa(row: dict) -> tuple[str, str, bool]:
    """Options in :func:`_gpqa_order`. Select2Reason's own GPQA file instead has ``question`` (options inside)
    and ``choice_answer`` (the letter)."""
    if "Question" not in row:
        return _text(row, "question", "problem"), str(_required(row, "choice_answer")).strip(), True
    order = _gpqa_order(row)
    listed = "\n".join(f"({LETTERS[i]}) {text}" for i, text in enumerate(order))
    return f"{row['Question'].strip()}\n\n{listed}", LETTERS[order.index(str(row["Correct Answer"]).strip())], True


def _gpqa_options(row: dict) -> dict[str, str] | None:
    return dict(zip(LETTERS, _gpqa_order(row), strict=False)) if "Question" in row else None


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
        Benchmark("aime24", "HuggingFaceH4/aime_2024", "default", "train", _problem_answer, EXPERT_SAMPLING, 30),
        Benchmark("aime25", "yentinglin/aime_2025", "default", "train", _problem_answer, EXPERT_SAMPLING, 30),
        Benchmark("amc23", "math-ai/amc23", "default", "test", _problem_answer, EXPERT_SAMPLING, 40),
        Benchmark("math_500", "HuggingFaceH4/MATH-500", "default", "test", _problem_answer, GREEDY, 500),
        Benchmark("olympiadbench", "math-ai/olympiadbench", "default", "test", _olympiadbench, GREEDY, 675),
        Benchmark(
            "gaokao2023en", "MARIO-Math-Reasoning/Gaokao2023-Math-En", "default", "train", _question_answer, GREEDY, 385
        ),
        Benchmark(
            "gaokao2024_mix",
            "HuggingFaceTB/math_tasks",
            "default",
            "test",
            _gaokao2024_mix,
            GREEDY,
            91,
            options=_gaokao2024_mix_options,
            download=f"get it from {QWEN_DATA}/gaokao2024_mix/test.jsonl (a copy: https://huggingface.co/datasets/"
            "HuggingFaceTB/math_tasks/blob/main/data/gaokao2024_mix/test.jsonl)",
        ),
        Benchmark(
            "kaoyan",
            "kaoyan",
            "default",
            "test",
            _problem_answer,
            GREEDY,
            199,
            download="no public copy is known: Select2Reason's eval.py (https://github.com/IDEA-FinAI/"
            "Select2Reason) reads eval_data/kaoyan/test.jsonl (columns problem, answer; 199 rows) but does not ship it",
        ),
        Benchmark(
            *("gaokao_math_qa", "hails/agieval-gaokao-mathqa", "default", "test", _gaokao_math_qa, GREEDY, 351),
            options=_gaokao_math_qa_options,
        ),
        Benchmark(
            "gpqa_diamond", "Idavidrein/gpqa", "gpqa_diamond", "train", _gpqa, GREEDY, 198, options=_gpqa_options
        ),
    ]
}


@dataclass(frozen=True)
class Problem:
    """One benchmark row as eval and ``s2r grade`` both read it: the user turn, the gold the grader gets,
    multiple choice?, the option texts ({letter: text}) for a multiple-choice row, and why the row cannot be
    graded (``None`` when it can). An ungradable row is kept (the paper's denominators count it) with gold "",
    which no completion equals; ``raw_gold`` is its gold as the file holds it, for the record."""

    question: str
    gold: str
    multiple_choice: bool
    options: dict[str, str] | None = None
    ungradable: str | None = None
    raw_gold: str = ""


def read_problem(benchmark: Benchmark, line: dict) -> Problem:
    """``line`` (a row of the benchmark's file, or of its normalised copy) → :class:`Problem`.

    A gold that is empty or a dict/list of sub-answers makes the row ungradable, never an error. A row the
    layout cannot read at all (no question, no answer column) raises :class:`S2RError` naming the row and its
    columns."""
    from s2r_hf.eval.local_data import decoded

    line = decoded(line)
    try:
        question, gold, multiple_choice = benchmark.row(line)
        ungradable = None
        if isinstance(gold, (dict, list)):
            raw = json.dumps(gold, ensure_ascii=False)
            ungradable = f"the gold is a {type(gold).__name__} of sub-answers ({_clip(raw)}); no grader reads it"
        elif not str(gold).strip():
            raw, ungradable = "", "the gold answer is empty"
        else:
            raw = gold = str(gold).strip()
        options = benchmark.options(line) if multiple_choice and benchmark.options and not ungradable else None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
        columns = ", ".join(k for k in line if not k.startswith("__"))
        raise S2RError(
            f"{benchmark.key}: row {line.get('__index', '?')} (from 0) cannot be read "
            f"({type(err).__name__}: {err}); its columns: {columns}. Expected the columns of "
            f"{benchmark.hf_repo} or of Qwen2.5-Math's "
            f"evaluation/data/{benchmark.key}/test.jsonl; fix or drop that row in --data-dir"
        ) from None
    return Problem(question, "" if ungradable else gold, multiple_choice, options, ungradable, raw)


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


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


def load_benchmark_rows(key: str, data_dir: str | Path | None = None) -> list[dict]:
    """Every row of benchmark ``key`` in file order, as eval reads it: ``<data_dir>/<key>/`` (or an alias folder)
    through :func:`s2r_hf.eval.local_data.read_rows` (strings verbatim), else its Hub copy through `datasets`.
    Row ``i`` here is row ``i`` of lighteval's docs (``Doc.id``) and ``index`` ``i`` of ``s2r grade``."""
    from s2r_hf.eval.local_data import read_rows

    b = BENCHMARKS[task_key(key)]
    local = local_folder(b.key, data_dir)
    if local is not None:
        return read_rows(local, b.split)
    if b.download is not None:
        raise S2RError(missing_data([b.key], data_dir)[0])
    from datasets import load_dataset

    return list(load_dataset(b.hf_repo, b.hf_subset, split=b.split))


def read_problems(key: str, rows: list[dict]) -> list[Problem]:
    """:func:`read_problem` of every row (a row no layout reads stops here, naming it); ungradable rows are
    logged with their reasons, and kept."""
    b = BENCHMARKS[key]
    problems = [read_problem(b, {**row, "__index": i}) for i, row in enumerate(rows)]
    bad = [(i, p.ungradable) for i, p in enumerate(problems) if p.ungradable]
    if bad:
        listed = "; ".join(f"row {i}: {reason}" for i, reason in bad[:5]) + ("; …" if len(bad) > 5 else "")
        logger.warning(
            "%s: %d of %d rows have no gradable gold: kept, graded wrong, counted (%s)",
            key,
            len(bad),
            len(rows),
            listed,
        )
    return problems


def benchmark_problems(key: str, data_dir: str | Path | None = None) -> list[str]:
    """The question of every row of benchmark ``key`` as eval prompts it (the user turn), e.g. for decontamination."""
    return [p.question for p in read_problems(task_key(key), load_benchmark_rows(key, data_dir))]


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
