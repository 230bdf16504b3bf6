"""The one benchmark registry (s2r_hf.benchdata): evaluation and decontamination read the same rows and the same
problems from it, selection does not import the lighteval task module, and the old import paths still work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import datasets
import pytest

from s2r_hf import benchdata
from s2r_hf.benchdata import registry
from s2r_hf.decontam import load_benchmark_rows as decontam_rows
from s2r_hf.eval import tasks
from tests.eval_data import BENCHMARK_ROWS, REAL_BENCHMARKS, write_authors_tree, write_benchmark

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("key", list(BENCHMARK_ROWS))
def test_decontamination_indexes_the_questions_eval_asks(tmp_path, key):
    """Every benchmark, in its default layout: decontamination's problems are eval's rows, each by its row number,
    and (but for the option list eval adds to a multiple-choice row) eval's user turns."""
    write_benchmark(tmp_path, key)
    rows = benchdata.load_benchmark_rows(key, tmp_path)
    problems = benchdata.read_problems(key, rows)
    name, indexed = decontam_rows(key, tmp_path)
    assert name == key and [i for i, _ in indexed] == list(range(len(rows))) == list(range(3))
    for (_, text), problem in zip(indexed, problems, strict=True):
        if problem.multiple_choice:
            assert text in problem.question  # without the option list eval appends, where the row has it apart
        else:
            assert text == problem.question


def test_an_alias_folder_with_json_twins_is_read_once_by_both(tmp_path):
    """Select2Reason's tree: `math500/` (an alias folder), olympiadbench as test.jsonl AND test.json. Before the
    shared loader decontamination read the twins through `datasets` (each problem twice)."""
    write_authors_tree(tmp_path)
    for alias, key in (("math500", "math_500"), ("olympiadbench", "olympiadbench")):
        eval_questions = [
            p.question for p in benchdata.read_problems(key, benchdata.load_benchmark_rows(alias, tmp_path))
        ]
        name, indexed = decontam_rows(alias, tmp_path)
        assert name == key and [text for _, text in indexed] == eval_questions
        expected = (REAL_BENCHMARKS / key / "test.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(indexed) == len(expected)


def test_both_ask_the_hub_for_the_same_copy(monkeypatch):
    asked = []

    def fake_load(repo, config=None, split=None):
        asked.append((repo, config, split))
        return datasets.Dataset.from_list([{"Question": "Q?", "Correct Answer": "a"} | _wrong()])

    monkeypatch.setattr(datasets, "load_dataset", fake_load)
    assert len(benchdata.load_benchmark_rows("gpqa")) == 1 and len(decontam_rows("gpqa")[1]) == 1
    assert len(tasks.load_benchmark_rows("math500")) == 1 and len(decontam_rows("MATH-500")[1]) == 1
    assert asked == [("Idavidrein/gpqa", "gpqa_diamond", "train")] * 2 + [("HuggingFaceH4/MATH-500", None, "test")] * 2


def _wrong() -> dict:
    return {f"Incorrect Answer {i}": f"w{i}" for i in (1, 2, 3)}


def test_eval_prompt_reads_the_normalised_copy_like_the_raw_row():
    """lighteval reads a local folder through a one-column copy (s2r_hf.eval.local_data); eval's read_problem
    decodes it and then reads the row exactly as benchdata does."""
    from s2r_hf.eval.local_data import ROW_COLUMN

    b = benchdata.BENCHMARKS["gaokao_math_qa"]
    row = json.loads((REAL_BENCHMARKS / "gaokao_math_qa" / "test.jsonl").read_text(encoding="utf-8").splitlines()[0])
    line = {ROW_COLUMN: json.dumps(row, ensure_ascii=False), "__index": 0}
    assert tasks.read_problem(b, line) == benchdata.read_problem(b, row) == tasks.read_problem(b, row)
    assert benchdata.read_problem(b, row).options  # multiple choice: the option texts for the grader


def test_aliases_resolve_to_registry_keys():
    for key, aliases in registry.FOLDER_ALIASES.items():
        assert key in registry.BENCHMARKS
        assert {registry.task_key(a) for a in aliases} == {key}
    assert registry.task_key("not_a_benchmark") == "not_a_benchmark"
    assert registry.hub_config(registry.BENCHMARKS["aime24"]) is None
    assert registry.hub_config(registry.BENCHMARKS["gpqa_diamond"]) == "gpqa_diamond"


OLD_PATHS = {
    "s2r_hf.eval.tasks": [
        "BENCHMARKS",
        "Benchmark",
        "Problem",
        "GREEDY",
        "EXPERT_SAMPLING",
        "FOLDER_ALIASES",
        "task_key",
        "local_folder",
        "available_keys",
        "missing_data",
        "load_benchmark_rows",
        "read_problems",
        "benchmark_problems",
    ],
    "s2r_hf.eval.local_data": ["read_rows", "split_files"],
    "s2r_hf.pools.loading": ["file_builder", "first_bad_json_line", "describe_read_error"],
}


def test_old_import_paths_name_the_moved_objects():
    import importlib

    from s2r_hf import local_files

    for module, names in OLD_PATHS.items():
        old = importlib.import_module(module)
        for name in names:
            new = getattr(benchdata, name, None) or getattr(local_files, name)
            assert getattr(old, name) is new, f"{module}.{name}"


def test_decontamination_and_grading_import_no_eval_module():
    """Selection (decontamination) and the pass-rate scorer sit below evaluation: importing and running them
    loads neither s2r_hf.eval nor lighteval."""
    code = (
        "import sys\n"
        "from s2r_hf.decontam import load_benchmark_rows\n"
        "import s2r_hf.scoring.passrate as p\n"
        f"assert len(load_benchmark_rows('amc23', {str(REAL_BENCHMARKS)!r})[1]) == 10\n"
        "assert p.is_correct('so \\\\boxed{\\\\frac{1}{2}}', '0.5')\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('s2r_hf.eval', 'lighteval')))\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
