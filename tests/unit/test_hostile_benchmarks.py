"""Hostile benchmark files and prediction files through `s2r grade`'s code path (in process): each file either
grades with the rows it holds, or stops at one line naming the file/row/field and the fix (never a traceback)."""

from __future__ import annotations

import json
import logging

import pytest

from s2r_hf.benchdata import BENCHMARKS, read_problem
from s2r_hf.errors import S2RError
from s2r_hf.eval.grade import GradeArguments, main, read_predictions


def _jsonl(rows: list) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _grade(tmp_path, files: dict[str, str | bytes], predictions: list[dict]) -> dict:
    data = tmp_path / "data"
    for name, content in files.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (tmp_path / "p.jsonl").write_text(_jsonl(predictions), encoding="utf-8")
    args = GradeArguments(predictions=str(tmp_path / "p.jsonl"), output_dir=str(tmp_path / "out"), data_dir=str(data))
    return main(args)["tasks"]


def test_hostile_files_that_still_hold_rows_grade(tmp_path, caplog):
    """BOM, CRLF, a json array, duplicate rows, extra columns, unicode, a 1 MB problem, int/float/NaN/bool/list
    golds, GPQA's CSV: every file is read, every row kept, odd golds listed as ungradable."""
    aime = [
        {"id": 1, "problem": "√2 × −3 ≤ ∞ 😀", "answer": "−3√2", "extra": [1, {"a": None}]},
        {"problem": "x" * 2**20, "answer": 204},
    ]
    amc = [
        {"question": "q", "answer": 27.0},
        {"question": "q", "answer": float("nan")},
        {"question": "q", "answer": True},
    ]
    gpqa = 'Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3\n"a, b\nc",4e,1,2,3\n'
    files = {
        "aime24/test.jsonl": "\ufeff" + _jsonl(aime + aime).replace("\n", "\r\n"),
        "amc23/test.json": json.dumps(amc, allow_nan=True),
        "kaoyan/test.jsonl": _jsonl(
            [{"problem": "p", "answer": ["3", "5"]}, {"problem": "p", "answer": {"(1)": "4e"}}]
        ),
        "gpqa_diamond/gpqa_diamond.csv": gpqa,
    }
    boxed = [("aime24", 0, "\\boxed{-3\\sqrt{2}}"), ("aime24", 3, "\\boxed{204}"), ("amc23", 0, "\\boxed{27}")]
    boxed += [("amc23", 1, "\\boxed{nan}"), ("amc23", 2, "\\boxed{True}"), ("kaoyan", 0, "\\boxed{3, 5}")]
    boxed += [("gpqa_diamond", 0, "\\boxed{B}")]
    with caplog.at_level(logging.WARNING, logger="s2r_hf.benchdata.problems"):
        tasks = _grade(tmp_path, files, [{"task": t, "index": i, "response": r} for t, i, r in boxed])
    assert "aime24: 2 of 4 rows repeat an earlier row's question (row 2 = row 0, row 3 = row 1)" in caplog.text
    assert {k: (v["rows"], v["correct"]) for k, v in tasks.items()} == {
        **{"aime24": (4, 2), "amc23": (3, 1), "kaoyan": (2, 0), "gpqa_diamond": (1, 0)}
    }
    reasons = {k: [u["reason"] for u in v["ungradable"]] for k, v in tasks.items()}
    assert reasons["amc23"] == ["the gold answer is empty", "the gold is a JSON true, not an answer"]
    assert [r.split(" (")[0] for r in reasons["kaoyan"]] == [
        "the gold is a list of sub-answers",
        "the gold is a dict of sub-answers",
    ]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"aime24/test.jsonl": '{"problem": "café", "answer": "3"}\n'.encode("latin-1")},
            r"test.jsonl: byte 16 is not UTF-8 .*re-save it as UTF-8",
        ),
        (
            {"aime24/test.jsonl": _jsonl([{"problem": {"en": "p"}, "answer": "3"}])},
            r"aime24: row 0 .*column 'problem' holds a dict, not the question's text",
        ),
        (
            {"aime24/test.jsonl": _jsonl([{"problem": "p", "solution": "s"}])},
            r"aime24: row 0 .*no 'answer' or 'Answer' value.*fix or drop that row",
        ),
        (
            {"gaokao_math_qa/test.jsonl": _jsonl([{"question": "q", "options": "(A)1 (B)2", "label": "A"}])},
            r"row 0 .*'options' must be a list or a dict of option texts, got str",
        ),
        (
            {"gaokao_math_qa/test.jsonl": _jsonl([{"question": "q", "options": list("ABCDEFGHIJK"), "label": "A"}])},
            r"'options' holds 11 options; the grader reads at most 10 \(A to J\)",
        ),
        (
            {"gaokao_math_qa/test.jsonl": _jsonl([{"query": "q", "choices": ["(A)1", "(B)2"], "gold": [9]}])},
            r"gold \[9\] names no option: 'choices' has 2 \(gold counts from 0\)",
        ),
        ({"gpqa_diamond/train.csv": "Question,Correct Answer\n"}, r"train.csv holds no rows; it needs a header line"),
        (
            {"gaokao_math_qa/test.jsonl": _jsonl([{"question": "q", "options": ["(A)1", "(B)2"], "label": 1}])},
            r"label 1 is no option letter \(options A, B\); write the letter of the right option",
        ),
        (
            {"gaokao_math_qa/test.jsonl": _jsonl([{"question": "q", "options": ["(A)1", "(B)2"], "label": "C"}])},
            r"label 'C' is no option letter \(options A, B\)",
        ),
        (
            {"gaokao2024_mix/test.jsonl": _jsonl([{"idx": 0, "question": "q", "answer": "3", "choice_answer": 3}])},
            r"gaokao2024_mix: row 0 .*choice_answer 3 is no option letter",
        ),
        (
            {"aime24/test.json": json.dumps({"data": [{"problem": "p", "answer": "1"}]})},
            r"holds one JSON object, not rows",
        ),
    ],
)
def test_a_bad_benchmark_file_is_one_line_naming_it(tmp_path, files, message):
    task = next(iter(files)).split("/")[0]
    with pytest.raises(S2RError, match=message) as err:
        _grade(tmp_path, files, [{"task": task, "index": 0, "response": "\\boxed{A}"}])
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_a_ten_option_question_reads_every_letter():
    row = {"question": "q", "options": [f"({letter}){i}" for i, letter in enumerate("ABCDEFGHIJ")], "label": "J"}
    problem = read_problem(BENCHMARKS["gaokao_math_qa"], row)
    assert problem.gold == "J" and problem.options["J"] == "9" and "J: 9" in problem.question


def test_predictions_with_a_byte_order_mark_or_another_encoding(tmp_path):
    line = {"task": "aime24", "index": 0, "response": "café \\boxed{3}"}
    (tmp_path / "bom.jsonl").write_bytes(("\ufeff" + json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
    assert read_predictions(tmp_path / "bom.jsonl")[0].response == line["response"]
    text = json.dumps(line) + "\n" + json.dumps(line, ensure_ascii=False) + "\n"
    (tmp_path / "latin.jsonl").write_bytes(text.encode("latin-1"))
    with pytest.raises(S2RError, match=r"latin.jsonl is not UTF-8 after line \d .*re-save it as UTF-8") as err:
        read_predictions(tmp_path / "latin.jsonl")  # was a UnicodeDecodeError traceback
    assert "\n" not in str(err.value)


def test_hub_downloads_of_a_benchmark_repository(tmp_path):
    """`huggingface-cli download <repo> --local-dir D/<key>` layouts: GPQA's repository holds four CSVs (only
    gpqa_diamond.csv is the benchmark), HuggingFaceH4/aime_2024 keeps its parquet under data/ beside a README."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from s2r_hf.benchdata import load_benchmark_rows
    from s2r_hf.eval.export import data_source

    header = "Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3\n"
    gpqa = tmp_path / "gpqa"
    gpqa.mkdir()
    for name, rows in (("gpqa_diamond", 2), ("gpqa_main", 3), ("gpqa_extended", 4), ("gpqa_experts", 1)):
        (gpqa / f"{name}.csv").write_text(header + "".join(f"{name} {i},a,b,c,d\n" for i in range(rows)))
    (gpqa / "README.md").write_text("# GPQA")
    rows = load_benchmark_rows("gpqa_diamond", tmp_path)
    assert [r["Question"] for r in rows] == ["gpqa_diamond 0", "gpqa_diamond 1"]
    assert data_source("gpqa_diamond", str(tmp_path)) == "local: gpqa/gpqa_diamond.csv"

    (tmp_path / "aime24" / "data").mkdir(parents=True)
    (tmp_path / "aime24" / "README.md").write_text("---\nconfigs: …\n---")
    table = pa.table({"id": [60, 61], "problem": ["p", "q"], "answer": ["033", "204"]})
    pq.write_table(table, tmp_path / "aime24" / "data" / "train-00000-of-00001.parquet")
    assert [r["answer"] for r in load_benchmark_rows("aime24", tmp_path)] == ["033", "204"]
    assert data_source("aime24", str(tmp_path)) == "local: aime24/data/train-00000-of-00001.parquet"


def test_an_olympiadbench_final_answer_that_is_no_text_is_ungradable():
    for final, kind in (([["3"]], "list"), ([{"a": 1}], "dict")):
        problem = read_problem(BENCHMARKS["olympiadbench"], {"question": "q", "final_answer": final})
        assert problem.gold == "" and problem.ungradable.startswith(f"the gold is a {kind} of sub-answers")
