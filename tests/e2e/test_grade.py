"""`s2r grade` end to end: the real CLI on a data folder in the authors' layout (verbatim MATH-500 and
OlympiadBench rows, OlympiadBench as test.json + test.jsonl, an empty Gaokao2023en gold, Kaoyan's mixed string /
dict answer column with "4e"), and `s2r eval --tasks all` over the same folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from s2r_hf.errors import S2RError
from s2r_hf.eval.grade import GradeArguments, main
from tests.conftest import ROOT, S2R
from tests.eval_data import GAOKAO2023EN_ROWS, KAOYAN_ROWS, real_rows, write_authors_tree


def run(args: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*S2R, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=os.environ)


def write_jsonl(path, rows) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def boxed(answer: str) -> str:
    return f"Some reasoning. The answer is $\\boxed{{{answer}}}$."


def test_help_explains_every_option():
    proc = run(["grade", "--help"], timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for option in ("--predictions", "--data-dir", "--output-dir", "--answer-from"):
        assert option in proc.stdout
    assert '"index": <0-based row' in proc.stdout and "pass@1" in proc.stdout and "<think>" in proc.stdout


def test_grade_predictions_on_the_authors_layout(tmp_path):
    data = write_authors_tree(tmp_path / "eval_data")
    math, olympiad = real_rows("math_500"), real_rows("olympiadbench")
    predictions = [
        # MATH-500 under its folder name; row 2 twice (pass@1 = 0.5), row 3 wrong, the other rows missing
        {"task": "math500", "index": 0, "response": boxed(math[0]["answer"])},
        {"task": "math_500", "index": 2, "response": boxed(math[2]["answer"]), "id": "extra fields are ignored"},
        {"task": "s2r_math_500|0", "index": 2, "response": boxed("8")},
        {"task": "math_500", "index": 3, "response": boxed("-1")},
        # OlympiadBench (test.json + test.jsonl): its rows once, so index 11 is the last row
        {"task": "olympiadbench", "index": 11, "response": boxed(olympiad[11]["final_answer"][0].strip("$"))},
        # Kaoyan: "4e" stays "4e" (read as 4.0, \boxed{4} would pass); the dict gold is wrong whatever is boxed
        {"task": "kaoyan", "index": 1, "response": boxed("4e")},
        {"task": "kaoyan", "index": 1, "response": boxed("4")},
        {"task": "kaoyan", "index": 2, "response": boxed("|A|=2, r(A)=3")},
        # --answer-from final (lighteval's protocol): a box inside <think> is not the answer
        {"task": "kaoyan", "index": 3, "response": "<think>so $\\boxed{2}$</think> The limit is 2."},
        # Gaokao2023en: the empty gold is kept (denominator 3), graded wrong
        {"task": "gaokao2023en", "index": 1, "response": boxed("")},
        {"task": "gaokao2023en", "index": 0, "response": boxed("-i")},
        {"task": "gaokao2023en", "index": 2, "response": boxed("2")},
    ]
    out = tmp_path / "graded"
    pred = write_jsonl(tmp_path / "predictions.jsonl", predictions)
    proc = run(
        ["grade", "--predictions", pred, "--data-dir", str(data), "--output-dir", str(out), "--answer-from", "final"]
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "test.json and test.jsonl hold the same split: reading test.jsonl only" in proc.stderr
    assert f"math_500: {len(math) - 3} of {len(math)} rows have no prediction" in proc.stderr

    verdicts = [json.loads(line) for line in (out / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(verdicts) == len(predictions)
    assert [v["correct"] for v in verdicts] == [
        True,
        True,
        False,
        False,
        True,
        True,
        False,
        False,
        False,
        False,
        True,
        True,
    ]
    assert verdicts[0] == {
        "task": "math_500",
        "index": 0,
        "sample": 0,
        "extracted": math[0]["answer"],
        "gold": math[0]["answer"],
        "correct": True,
    }
    assert [v["sample"] for v in verdicts[1:3]] == [0, 1]
    assert verdicts[5]["gold"] == "4e" and verdicts[6]["extracted"] == "4"
    assert verdicts[7]["gold"] == json.dumps(KAOYAN_ROWS[2]["answer"], ensure_ascii=False)
    assert verdicts[7]["ungradable"].startswith("the gold is a dict of sub-answers")
    assert verdicts[8]["extracted"] is None
    assert verdicts[9]["ungradable"] == "the gold answer is empty" and GAOKAO2023EN_ROWS[1]["answer"] == ""

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))["tasks"]
    assert set(summary) == {"math_500", "olympiadbench", "kaoyan", "gaokao2023en"}
    m = summary["math_500"]
    assert (m["rows"], m["predicted"], m["samples"], m["correct"]) == (len(math), 3, 4, 1.5)
    assert m["accuracy"] == pytest.approx(1.5 / len(math)) and m["accuracy_predicted"] == pytest.approx(0.5)
    assert m["missing"] == [1, *range(4, len(math))]
    assert summary["olympiadbench"]["rows"] == len(olympiad) == 12 and summary["olympiadbench"]["correct"] == 1
    k = summary["kaoyan"]
    assert (k["rows"], k["correct"], k["missing"]) == (4, 0.5, [0])
    assert [u["index"] for u in k["ungradable"]] == [2]
    g = summary["gaokao2023en"]
    assert (g["rows"], g["correct"], g["accuracy"]) == (3, 2, pytest.approx(2 / 3))
    assert g["ungradable"] == [{"index": 1, "reason": "the gold answer is empty"}]

    # the default (paper protocol, --answer-from full) grades the last box of the whole text, as Select2Reason's
    # eval.py: the box in <think> counts
    main(GradeArguments(predictions=pred, output_dir=str(out / "full"), data_dir=str(data)))
    assert json.loads((out / "full" / "summary.json").read_text())["tasks"]["kaoyan"]["correct"] == 1.5


def test_bad_prediction_lines_are_one_line_errors_naming_the_line(tmp_path):
    data = write_authors_tree(tmp_path / "eval_data")
    good = {"task": "kaoyan", "index": 0, "response": boxed("3e")}
    pred = tmp_path / "p.jsonl"
    pred.write_text(json.dumps(good) + "\n\n" + '{"task": "kaoyan", "index": 1, "response": "\\boxed{4e}\n')
    proc = run(["grade", "--predictions", str(pred), "--data-dir", str(data), "--output-dir", str(tmp_path / "g")])
    assert proc.returncode == 2 and not (tmp_path / "g").exists()
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith(f"s2r grade: error: {pred} line 3 is not valid JSON")
    write_jsonl(pred, [good, {**good, "index": 4}])
    proc = run(["grade", "--predictions", str(pred), "--data-dir", str(data), "--output-dir", str(tmp_path / "g")])
    assert proc.returncode == 2 and not (tmp_path / "g").exists()
    assert f"{pred} line 2: index 4 is out of range for kaoyan (4 rows: 0 to 3" in proc.stderr.strip().splitlines()[-1]

    cases = [
        ({"task": "kaoyan2", "index": 0, "response": "x"}, "line 2: unknown task 'kaoyan2'; valid: aime24, aime25"),
        ({"task": "kaoyan", "response": "x"}, "line 2 has no 'index' field"),
        ({"task": "kaoyan", "index": "1", "response": "x"}, "line 2: 'index' must be a int, got str '1'"),
        ({"task": "kaoyan", "index": True, "response": "x"}, "line 2: 'index' must be a int, got bool"),
        ({"task": "kaoyan", "index": 0, "response": None}, "line 2: 'response' must be a str, got NoneType"),
        (["kaoyan", 0, "x"], "line 2 is a JSON list, not an object"),
        (
            {"task": "math_500", "index": -1, "response": "x"},
            f"line 2: index -1 is out of range for math_500 ({len(real_rows('math_500'))} rows",
        ),
    ]
    for row, named in cases:
        write_jsonl(pred, [good, row])
        with pytest.raises(S2RError) as err:
            main(GradeArguments(predictions=str(pred), output_dir=str(tmp_path / "g"), data_dir=str(data)))
        assert named in str(err.value) and "\n" not in str(err.value), row
    with pytest.raises(S2RError, match=r"--answer-from must be one of full, final, got 'last'"):
        GradeArguments(predictions=str(pred), output_dir=str(tmp_path / "g"), answer_from="last")
    with pytest.raises(S2RError, match=r"kaoyan has no Hub copy.*pass --data-dir"):
        write_jsonl(pred, [good])
        main(GradeArguments(predictions=str(pred), output_dir=str(tmp_path / "g"), data_dir=str(tmp_path)))
    with pytest.raises(S2RError, match=r"could not load aime24's data from HuggingFaceH4/aime_2024 .*pass --data-dir"):
        write_jsonl(pred, [{"task": "aime24", "index": 0, "response": "x"}])  # offline, no aime24/ folder
        main(GradeArguments(predictions=str(pred), output_dir=str(tmp_path / "g"), data_dir=str(data)))
    assert not (tmp_path / "g").exists()


@pytest.mark.slow
def test_eval_all_over_the_authors_layout_loads_every_row_once(tmp_path, tiny_judge):
    """`s2r eval --tasks all` (offline: the local folders) runs every benchmark of the tree: Gaokao2023en with its
    empty gold (3 rows, not an abort), OlympiadBench once (12 problems, not 24), Kaoyan's 4 rows."""
    import pyarrow.parquet as pq

    data = write_authors_tree(tmp_path / "eval_data")
    model = tmp_path / "model"
    shutil.copytree(tiny_judge, model)
    out = tmp_path / "eval"
    proc = run(
        [
            *("eval", "--model", str(model), "--tasks", "all", "--data-dir", str(data), "--output-dir", str(out)),
            *("--greedy", "--max-new-tokens", "4", "--save-details"),
        ],
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    (results,) = out.rglob("results_*.json")
    scores = json.loads(results.read_text())["results"]
    assert {t.split("|")[0] for t in scores if t.startswith("s2r_")} == {
        "s2r_math_500",
        "s2r_olympiadbench",
        "s2r_gaokao2023en",
        "s2r_kaoyan",
    }
    rows = {}
    for path in out.rglob("details_*.parquet"):
        key = next(k for k in ("math_500", "olympiadbench", "gaokao2023en", "kaoyan") if f"s2r_{k}" in path.name)
        rows[key] = pq.read_table(path).to_pylist()
    assert {k: len(v) for k, v in rows.items()} == {
        "math_500": len(real_rows("math_500")),
        "olympiadbench": 12,
        "gaokao2023en": 3,
        "kaoyan": 4,
    }
    golds = {int(r["doc"]["id"]): r["doc"]["choices"][0] for r in rows["kaoyan"]}
    assert golds == {0: "3e", 1: "4e", 2: "", 3: "2"}
    empty = next(r for r in rows["gaokao2023en"] if r["doc"]["id"] == "1")
    assert empty["doc"]["specific"]["ungradable"] == "the gold answer is empty" and empty["metric"]["pass@1"] == 0


def test_grade_agrees_with_the_eval_metric_on_every_row(tmp_path):
    """Same code: for every row of the verbatim public rows, the authors' Gaokao2023en/Kaoyan and one folder per
    benchmark:
    the row's own gold and the next row's gold, boxed, get the verdict the lighteval metric gives the Doc that
    `s2r eval` builds from that row."""
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.lighteval_task import LightevalTask

    from s2r_hf.eval import tasks
    from s2r_hf.eval.metrics import response_metric
    from tests.conftest import ROOT as root
    from tests.eval_data import BENCHMARK_ROWS, write_benchmark

    schemas = tmp_path / "schemas"
    for key in BENCHMARK_ROWS:
        write_benchmark(schemas, key)
    trees = [root / "tests" / "data" / "real_benchmarks", write_authors_tree(tmp_path / "authors"), schemas]
    metric = response_metric(1)
    checked = 0
    for data in trees:
        keys = [
            k for k in tasks.available_keys(data, offline=True) if data != trees[1] or k in ("gaokao2023en", "kaoyan")
        ]
        docs = {
            k: sorted(LightevalTask(tasks.make_task(k, data_dir=data)).get_docs(), key=lambda d: int(d.id))
            for k in keys
        }
        predictions = []
        for key, rows in docs.items():
            golds = [d.specific.get("raw_answer") or d.get_golds()[0] for d in rows]
            for i in range(len(rows)):
                predictions += [{"task": key, "index": i, "response": boxed(golds[j % len(rows)])} for j in (i, i + 1)]
        pred = write_jsonl(tmp_path / "p.jsonl", predictions)
        main(GradeArguments(predictions=pred, output_dir=str(tmp_path / "g"), data_dir=str(data)))
        verdicts = [json.loads(line) for line in (tmp_path / "g" / "verdicts.jsonl").read_text().splitlines()]
        for p, v in zip(predictions, verdicts, strict=True):
            doc = docs[p["task"]][p["index"]]
            scores = metric.compute_sample(
                doc=doc, model_response=ModelResponse(text=[p["response"]], output_tokens=[[0]])
            )
            assert scores["pass@1"] == float(v["correct"]), (p, v)
        checked += len(predictions)
        assert any(v["correct"] for v in verdicts)
    assert checked > 250
