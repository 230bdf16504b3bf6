"""`s2r eval --budgets` pieces without a model: the option's checks, budget forcing's text handling and grading,
the summary, and what `s2r card` makes of it (budget table, curve, the bar chart against the baselines)."""

from __future__ import annotations

import json

import pytest

from s2r_hf.benchdata.problems import Problem
from s2r_hf.errors import S2RError
from s2r_hf.eval import budgets
from s2r_hf.eval.options import EvalArguments
from tests.unit.test_eval_results import AIME, MATH, write_results

PNG = b"\x89PNG\r\n\x1a\n"


def _args(tmp_path, **kw) -> EvalArguments:
    return EvalArguments(model="m", output_dir=str(tmp_path / "out"), tasks="aime24,math_500", **kw)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0", "--budgets: 0 < 1"),
        ("8,-16", "--budgets: -16 < 1"),
        ("8,x", "--budgets: 'x' is not a whole number"),
        ("1.5", "--budgets: '1.5' is not a whole number"),
        ("8,,16", "--budgets: '' is not a whole number"),
        ("16,8,16", "--budgets: 16 given twice"),
    ],
)
def test_bad_budgets_are_one_line_naming_the_option(tmp_path, value, says):
    with pytest.raises(S2RError) as err:
        _args(tmp_path, budgets=value)
    assert says in str(err.value) and "\n" not in str(err.value) and "e.g. --budgets" in str(err.value)


def test_budgets_parse_sorted_and_from_a_yaml_list(tmp_path):
    assert _args(tmp_path, budgets=" 16, 8 ").budget_list() == [8, 16]
    assert _args(tmp_path, budgets=[4096, 1024]).budget_list() == [1024, 4096]  # `budgets: [4096, 1024]` in YAML
    assert _args(tmp_path).budget_list() == []
    with pytest.raises(S2RError, match="--forced-answer-tokens must be >= 1"):
        _args(tmp_path, budgets="8", forced_answer_tokens=0)
    with pytest.raises(S2RError, match="--budgets and --export-lighteval do not combine"):
        _args(tmp_path, budgets="8", export_lighteval=str(tmp_path / "x"))


@pytest.mark.parametrize(
    ("continuation", "box"),
    [
        ("12} and more text \\boxed{99}", "12}"),  # cut at the brace closing the cue's box
        ("\\frac{1}{2}}\nthen", "\\frac{1}{2}}"),  # nested braces kept
        ("42  ", "42}"),  # left open: closed where the continuation ends
        ("{a", "{a}}"),
    ],
)
def test_forced_box_is_read_up_to_its_closing_brace(continuation, box):
    assert budgets._closed_box(continuation) == box


def test_cut_answers_are_forced_and_graded_on_the_forced_box():
    problem = Problem(question="1+1?", gold="2", multiple_choice=False)
    row = {
        "task": "math_500",
        "index": 0,
        "sample": 0,
        "response": "<think>\nfirst 1+1, so \\boxed{3}",
        "correct": False,
    }
    assert budgets.cut_inside_thinking(row["response"])
    graded = budgets.grade_row(8, row, "2} done", problem, "full")
    assert graded["forced"] and graded["forced_text"] == budgets.CUE + "2}"
    assert "</think>" in graded["forced_text"] and graded["extracted"] == "2" and graded["correct"]
    assert graded["correct_unforced"] is False and graded["text"] == row["response"] + "2} done"
    wrong = budgets.grade_row(8, row, "5}", problem, "final")  # lighteval's protocol grades after </think>
    assert wrong["extracted"] == "5" and not wrong["correct"]

    done = {**row, "response": "<think>ok</think>\n\\boxed{2}", "correct": True}
    assert not budgets.cut_inside_thinking(done["response"])
    kept = budgets.grade_row(8, done, None, problem, "full")
    assert not kept["forced"] and kept["forced_text"] is None and kept["correct"]


def test_an_ungradable_problem_stays_wrong_when_forced():
    problem = Problem(question="q", gold="", multiple_choice=False, ungradable="empty gold")
    row = {"task": "math_500", "index": 0, "sample": 0, "response": "<think>x", "correct": False}
    assert not budgets.grade_row(8, row, "}", problem, "full")["correct"]


def test_forced_key_changes_with_the_group_the_settings_and_the_text():
    from s2r_hf.eval.resume import forced_key

    base = forced_key("g", {"cue": budgets.CUE, "tokens": 64}, "text")
    assert base == forced_key("g", {"cue": budgets.CUE, "tokens": 64}, "text")
    others = {
        forced_key("h", {"cue": budgets.CUE, "tokens": 64}, "text"),
        forced_key("g", {"cue": budgets.CUE, "tokens": 32}, "text"),
        forced_key("g", {"cue": budgets.CUE, "tokens": 64}, "text2"),
    }
    assert base not in others and len(others) == 3


def _graded(budget, task, index, sample, correct, forced, tokens, unforced=False):
    return {
        "budget": budget,
        "task": task,
        "index": index,
        "sample": sample,
        "correct": correct,
        "correct_unforced": unforced,
        "forced": forced,
        "tokens": tokens,
    }


ROWS = [  # aime24: 2 problems x 2 samples at budget 8; 1 problem x 2 samples at 16
    _graded(8, "aime24", 0, 0, True, True, 10),
    _graded(8, "aime24", 0, 1, False, True, 20),
    _graded(8, "aime24", 1, 0, False, False, 6, unforced=False),
    _graded(8, "aime24", 1, 1, True, False, 4, unforced=True),
    _graded(16, "aime24", 0, 0, True, False, 12, unforced=True),
    _graded(16, "aime24", 0, 1, True, False, 14, unforced=True),
]


def test_summary_per_budget_and_task():
    table = budgets.summarise_budgets(ROWS)
    assert [(r["budget"], r["task"]) for r in table] == [(8, "aime24"), (16, "aime24")]
    low, high = table
    assert low["accuracy"] == 0.5 and low["accuracy_unforced"] == 0.25 and low["mean_tokens"] == 10.0
    assert (low["answers"], low["forced"], low["problems"], low["samples"]) == (4, 2, 2, 2)
    assert 0 < low["ci95"][0] < 0.5 < low["ci95"][1] < 1
    assert high["accuracy"] == 1.0 and high["forced"] == 0 and "max_new_tokens=16" in high["produced"]


def test_results_of_budget_runs_stay_out_of_the_main_table(tmp_path):
    from s2r_hf.eval.results import collect, find_results

    main = write_results(tmp_path, "2026-01-01T00-00-00", {"s2r_aime24|0": AIME})
    write_results(tmp_path / "budgets" / "8", "2026-01-02T00-00-00", {"s2r_aime24|0": {**AIME, "pass@1": 0.1}})
    assert find_results(tmp_path) == [main]
    assert next(r for r in collect(tmp_path) if r.metric == "pass@1").value == 0.4
    assert len(find_results(tmp_path / "budgets" / "8")) == 1  # the budget run's own folder still finds its file


def _budget_run(folder, tmp_path):
    """What `s2r eval --budgets 8,16` leaves in ``folder``: budgets.json and the curve."""
    args = _args(tmp_path, budgets="8,16")
    args.output_dir = str(folder)
    return budgets.write_summary(args, [dict(r) for r in ROWS])


def test_summary_and_curve_are_written(tmp_path):
    path = _budget_run(tmp_path / "eval", tmp_path)
    record = json.loads(path.read_text())
    assert record["budgets"] == [8, 16] and record["forcing"]["cue"] == budgets.CUE and len(record["rows"]) == 2
    curve = path.parent / budgets.CURVE
    assert curve.read_bytes().startswith(PNG)


def _png_size(path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        return image.size


def test_card_shows_the_bar_chart_and_the_budget_rows_and_round_trips(tmp_path):
    from huggingface_hub import ModelCard

    from s2r_hf.eval.card import update_card

    results = tmp_path / "eval"
    write_results(results, "2026-01-01T00-00-00", {"s2r_aime24|0": AIME, "s2r_math_500|0": MATH})
    _budget_run(results, tmp_path)
    model = tmp_path / "model"
    model.mkdir()
    readme = update_card(model, results)
    card = ModelCard.load(readme)
    assert "![pass@1 per benchmark vs published baselines" in card.text and "(s2r_eval.png)" in card.text
    assert (
        "(s2r_budgets.png)" in card.text
        and "| 8 | aime24 | 50.0 |" in card.text
        and "| 16 | aime24 | 100.0 |" in card.text
    )
    width, height = _png_size(model / "s2r_eval.png")
    assert width > 300 and height > 200
    assert _png_size(model / "s2r_budgets.png")[0] > 300
    assert len(card.data.eval_results) == 6  # the model-index is unchanged by the pictures
    first = (model / "s2r_eval.png").read_bytes()
    update_card(model, results)  # same results: same bytes, so a re-push makes no commit
    assert (model / "s2r_eval.png").read_bytes() == first
    assert ModelCard.load(readme).text.count("s2r_eval.png") == 1


def test_card_of_a_budgets_only_folder(tmp_path):
    from huggingface_hub import ModelCard

    from s2r_hf.eval.card import update_card

    results = tmp_path / "eval"
    _budget_run(results, tmp_path)
    model = tmp_path / "model"
    model.mkdir()
    (model / "s2r_eval.png").write_bytes(PNG)  # stale from an earlier card: no pass@1 rows now
    card = ModelCard.load(update_card(model, results))
    assert "Accuracy vs answer budget" in card.text and "s2r_eval.png" not in card.text
    assert not (model / "s2r_eval.png").exists() and (model / "s2r_budgets.png").is_file()
    with pytest.raises(S2RError, match="no lighteval results"):
        update_card(model, tmp_path / "empty")


def test_bar_chart_error_bars_only_where_an_interval_is_known(tmp_path):
    from s2r_hf.cards.plots import benchmark_figure

    ours = {"aime24": (40.0, (25.0, 56.0)), "gpqa_diamond": (30.0, None)}
    path = benchmark_figure(tmp_path / "bars.png", ours, {"A": {"aime24": 36.7}}, title="t")
    assert path.read_bytes().startswith(PNG) and not list(tmp_path.glob(".tmp-*"))


def test_forcing_killed_mid_way_resumes_with_only_the_missing_answers(tmp_path, tiny_judge, monkeypatch):
    """The forcing pass caches each chunk: after a crash in the second chunk, the re-run continues only the texts
    not cached; answers that closed their thinking are never continued."""
    from s2r_hf.eval import continuation
    from tests.eval_data import write_rows

    problems = [{"problem": f"Compute ${i} + {i}$.", "answer": str(2 * i)} for i in range(3)]
    write_rows(tmp_path / "data", "math_500", "test.jsonl", problems)
    args = EvalArguments(
        model=str(tiny_judge),
        output_dir=str(tmp_path / "out"),
        tasks="math_500",
        data_dir=str(tmp_path / "data"),
        greedy=True,
        budgets="8",
        chunk_size=1,
    )
    runs = budgets.budget_runs(args)
    details = budgets.budget_dir(args.output_dir, 8) / "details" / "math_500.jsonl"
    details.parent.mkdir(parents=True)
    responses = ["<think>\nso far", "<think>\nhmm", "<think>done</think> \\boxed{4}"]
    lines = [
        {"task": "math_500", "index": i, "sample": 0, "response": r, "correct": i == 2} for i, r in enumerate(responses)
    ]
    details.write_text("".join(json.dumps(line) + "\n" for line in lines))
    continued: list[str] = []

    def fake_continuer(args, backend, context):
        def generate(texts, tokens):
            assert tokens == args.forced_answer_tokens and context > 8
            if crash and continued:
                raise RuntimeError("killed")
            continued.extend(texts)
            return ["0} the end" if "0 + 0" in t else "3}" for t in texts]

        return generate

    monkeypatch.setattr(continuation, "continuer", fake_continuer)
    crash = True
    with pytest.raises(RuntimeError, match="killed"):
        budgets.force_all(runs, args, "transformers")
    assert len(continued) == 1
    first = continued[0]
    assert first.endswith(budgets.CUE) and "<|im_start|>system" in first  # lighteval's chat prompt + answer + cue

    crash = False
    rows = budgets.force_all(runs, args, "transformers")
    assert len(continued) == 2 and continued[1] != first  # only the missing one
    assert [(r["index"], r["forced"], r["extracted"], r["correct"]) for r in rows] == [
        (0, True, "0", True),
        (1, True, "3", False),
        (2, False, "4", True),
    ]
    written = [json.loads(x) for x in (details.parent.parent / "forced" / "math_500.jsonl").open()]
    assert [r["forced_text"] for r in written] == [budgets.CUE + "0}", budgets.CUE + "3}", None]
    rows_again = budgets.force_all(runs, args, "transformers")  # everything cached now: nothing continued
    assert len(continued) == 2 and rows_again == rows
