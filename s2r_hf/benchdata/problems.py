"""A benchmark's rows and problems, as every stage reads them: `s2r eval` (its prompt function), ``s2r grade``
and decontamination.

Rows come from ``<data_dir>/<key>/`` (or an alias folder) through :func:`s2r_hf.local_files.read_rows` (values
verbatim), else from the registry's Hub copy. Every row is read by :func:`read_problem`: a row whose gold is empty
or a dict of sub-answers is kept and graded wrong, with its reason; a row no layout reads is one error naming it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from s2r_hf.benchdata.registry import BENCHMARKS, Benchmark, hub_config, local_folder, missing_data, task_key
from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)
ROW_ERRORS = (KeyError, TypeError, ValueError, IndexError, AttributeError)  # what a reader raises on another layout


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
    """``line`` (a row of the benchmark's file) → :class:`Problem`.

    A gold that is empty or a dict/list of sub-answers makes the row ungradable, never an error. A row the
    layout cannot read at all (no question, no answer column) raises :class:`S2RError` naming the row and its
    columns."""
    try:
        question, gold, multiple_choice = benchmark.row(line)
        ungradable = None
        if isinstance(gold, (dict, list)):
            raw = json.dumps(gold, ensure_ascii=False)
            ungradable = f"the gold is a {type(gold).__name__} of sub-answers ({_clip(raw)}); no grader reads it"
        elif isinstance(gold, bool):  # JSON true/false: a broken export, no answer
            raw, ungradable = str(gold).lower(), f"the gold is a JSON {str(gold).lower()}, not an answer"
        elif not str(gold).strip():
            raw, ungradable = "", "the gold answer is empty"
        else:
            raw = gold = str(gold).strip()
        options = benchmark.options(line) if multiple_choice and benchmark.options and not ungradable else None
    except ROW_ERRORS as err:
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


def bare_question(benchmark: Benchmark, row: dict) -> str | None:
    """The question as `s2r eval` asks it, without a multiple-choice row's option list (a pool's copy of the
    question rarely lists the options the same way); None when the row reader cannot read the row."""
    try:
        question, _, multiple_choice = benchmark.row(row)
    except ROW_ERRORS:
        return None
    if multiple_choice:
        for column in ("Question", "question", "problem", "Problem"):
            value = row.get(column)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return question


def hub_rows(benchmark: Benchmark) -> list[dict]:
    """Every row of the benchmark's Hub copy, through `datasets`."""
    from datasets import load_dataset

    return list(load_dataset(benchmark.hf_repo, hub_config(benchmark), split=benchmark.split))


def load_benchmark_rows(key: str, data_dir: str | Path | None = None) -> list[dict]:
    """Every row of benchmark ``key`` (or an alias) in file order: ``<data_dir>/<key>/`` (or an alias folder)
    through :func:`s2r_hf.local_files.read_rows` (strings verbatim), else its Hub copy through `datasets`.
    Row ``i`` here is row ``i`` of lighteval's docs (``Doc.id``) and ``index`` ``i`` of ``s2r grade``."""
    from s2r_hf.local_files import read_file_rows

    b = BENCHMARKS[task_key(key)]
    files = local_files(b.key, data_dir)
    if files is not None:
        return [row for path in files for row in read_file_rows(path)]
    if b.download is not None:
        raise S2RError(missing_data([b.key], data_dir)[0])
    return hub_rows(b)


def local_files(key: str, data_dir: str | Path | None) -> list[Path] | None:
    """The files of ``<data_dir>/<key>/`` that :func:`load_benchmark_rows` reads, in order (None: no such folder):
    the one file named for the benchmark if there is one, else the split's files by `datasets`' rule, in the folder
    or in its ``data/`` subfolder (a Hub download)."""
    from s2r_hf.local_files import split_files

    b = BENCHMARKS[task_key(key)]
    local = local_folder(b.key, data_dir)
    if local is None:
        return None
    named = _named_file(b, local)
    return [named] if named is not None else split_files(_hub_snapshot(local), b.split)[1]


def _named_file(benchmark: Benchmark, folder: Path) -> Path | None:
    """The one file named for the benchmark, if the folder has one: a download of GPQA's repository holds
    gpqa_diamond.csv beside gpqa_main.csv and gpqa_extended.csv, all "train" by `datasets`' file-name rule."""
    from s2r_hf.local_files import SUFFIXES

    names = {benchmark.key, benchmark.hf_subset}
    found = [p for p in folder.iterdir() if p.is_file() and p.stem in names and p.suffix in SUFFIXES]
    found.sort(key=lambda p: SUFFIXES.index(p.suffix))  # .jsonl before its .json twin
    if found and len([p for p in folder.iterdir() if p.is_file() and p.suffix in SUFFIXES]) > 1:
        logger.info("%s: reading %s, the file named for %s", folder, found[0].name, benchmark.key)
    return found[0] if found else None


def _hub_snapshot(folder: Path) -> Path:
    """``folder/data`` when the data files are there (a Hub download: data/test-00000-of-00001.parquet)."""
    from s2r_hf.local_files import SUFFIXES

    if not any(p.is_file() and p.suffix in SUFFIXES for p in folder.iterdir()) and (folder / "data").is_dir():
        return folder / "data"
    return folder


def read_problems(key: str, rows: list[dict]) -> list[Problem]:
    """:func:`read_problem` of every row (a row no layout reads stops here, naming it); ungradable rows are
    logged with their reasons, and kept."""
    b = BENCHMARKS[key]
    problems = [read_problem(b, {**row, "__index": i}) for i, row in enumerate(rows)]
    _warn_repeats(key, problems)
    bad = [(i, p.ungradable) for i, p in enumerate(problems) if p.ungradable]
    if bad:
        listed = "; ".join(f"row {i}: {reason}" for i, reason in bad[:5]) + ("; …" if len(bad) > 5 else "")
        logger.warning(
            "%s: %d of %d rows have no gradable gold: kept, graded wrong, counted (%s)",
            *(key, len(bad), len(rows), listed),
        )
    return problems


def _warn_repeats(key: str, problems: list[Problem]) -> None:
    """Log rows that repeat an earlier row's question (a file pasted twice, two copies merged): each is graded
    and counted again, so the score's denominator is not the benchmark's."""
    first: dict[str, int] = {}
    repeats = []  # (earlier row, this row)
    for i, problem in enumerate(problems):
        if first.setdefault(problem.question, i) != i:
            repeats.append((first[problem.question], i))
    if repeats:
        shown = ", ".join(f"row {i} = row {j}" for j, i in repeats[:5]) + (", …" if len(repeats) > 5 else "")
        logger.warning(
            "%s: %d of %d rows repeat an earlier row's question (%s): each is graded and counted; remove them "
            "if the file holds copies",
            *(key, len(repeats), len(problems), shown),
        )


def benchmark_problems(key: str, data_dir: str | Path | None = None) -> list[str]:
    """The question of every row of benchmark ``key`` as eval prompts it (the user turn)."""
    return [p.question for p in read_problems(task_key(key), load_benchmark_rows(key, data_dir))]


__all__ = [
    "Problem",
    "bare_question",
    "benchmark_problems",
    "hub_rows",
    "load_benchmark_rows",
    "local_files",
    "read_problem",
    "read_problems",
]
