"""`s2r fit-difficulty` pieces on tiny inputs: labels (openr1 / column / synthetic), split, sample, metrics,
options, the shared input format, and one small in-process fit whose saved folder a scorer can read."""

from __future__ import annotations

import json

import numpy as np
import pytest

from s2r_hf.errors import S2RError
from s2r_hf.fit_difficulty import labels as L
from s2r_hf.fit_difficulty.options import FitDifficultyArguments, parse_fit_difficulty
from s2r_hf.fit_difficulty.report import calibration_bins, correlations


def _pool(**extra):
    from datasets import Dataset

    return Dataset.from_dict(
        {
            "problem": ["What is $1+1$?", "Find $x$: \\(x^2=4\\)", "", "Σ of 1..n?", "Prove it."],
            "correctness_math_verify": [[True, False], [False, False, False, True], [True], None, []],
            "source": ["a", "b", "c", "d", "e"],
            **extra,
        }
    )


def test_openr1_labels_are_one_minus_verified_share_and_skips_are_counted():
    got = L.openr1_labels(_pool(), "problem")
    assert got.questions == ["What is $1+1$?", "Find $x$: \\(x^2=4\\)"]
    np.testing.assert_allclose(got.labels, [0.5, 0.75])
    assert got.skipped == {"no question text": 1, "no label": 2} and got.rows_read == 5
    assert got.report()["higher_is_harder"] is True


def test_openr1_labels_need_the_openr1_column():
    with pytest.raises(S2RError, match="correctness_math_verify"):
        L.openr1_labels(_pool().remove_columns("correctness_math_verify"), "problem")


def test_column_labels_take_numbers_and_name_the_numeric_columns_otherwise():
    pool = _pool(rating=[3, 1.5, 2, None, 9], level=[1, 2, 3, 4, 5])
    got = L.column_labels(pool, "rating", "problem")
    np.testing.assert_allclose(got.labels, [3.0, 1.5, 9.0])
    assert got.skipped == {"no question text": 1, "no label": 1}
    with pytest.raises(S2RError, match=r"no column 'ratin'; its numeric columns: rating, level$"):
        L.column_labels(pool, "ratin", "problem")
    with pytest.raises(S2RError, match=r"non-numeric column 'source'; its numeric columns: rating, level$"):
        L.column_labels(pool, "source", "problem")
    with pytest.raises(S2RError, match=r"no question column 'question'.*--question-column"):
        L.column_labels(pool, "rating", "question")


def test_synthetic_labels_follow_the_generator_and_refuse_other_rows():
    from s2r_hf.synthetic import openr1_dataset
    from s2r_hf.synthetic.openr1_pool import row_difficulty, trace_pass_rate

    pool = openr1_dataset(30, seed=0)
    got = L.synthetic_labels(pool, "problem")
    expected = [1 - trace_pass_rate(row_difficulty(0, i)[1]) for i in range(30)]
    np.testing.assert_allclose(got.labels, expected)
    assert len(set(expected)) > 1
    with pytest.raises(S2RError, match="row 0 is not row 0 of the built-in pool"):
        L.synthetic_labels(pool.select(range(5, 30)), "problem")


def test_split_and_sample_are_seeded_disjoint_and_complete():
    train, held = L.split(50, 0.1, seed=3)
    assert len(held) == 5 and len(train) == 45 and not set(train) & set(held)
    assert sorted([*train, *held]) == list(range(50))
    again = L.split(50, 0.1, seed=3)
    assert (again[0] == train).all() and not (L.split(50, 0.1, seed=4)[1] == held).all()
    assert L.split(2, 0.01, 0)[1].size == 1  # at least one row each side
    assert L.sample_indices(10, 4, 0) == L.sample_indices(10, 4, 0) and len(L.sample_indices(10, 4, 0)) == 4
    assert L.sample_indices(3, 10, 0) == [0, 1, 2]


@pytest.mark.parametrize(
    ("pred", "label", "spearman"),
    [([1, 2, 3, 4], [10, 20, 30, 40], 1.0), ([1, 2, 3, 4], [4, 3, 2, 1], -1.0), ([1, 1, 1, 1], [1, 2, 3, 4], None)],
)
def test_correlations(pred, label, spearman):
    got = correlations(np.array(pred, float), np.array(label, float))
    assert got["rows"] == 4
    assert got["spearman"] == (pytest.approx(spearman) if spearman is not None else None)


def test_calibration_bins_cover_every_row_in_prediction_order():
    pred, label = np.arange(10.0), np.arange(10.0) * 2
    bins = calibration_bins(pred, label, 3)
    assert [b["rows"] for b in bins] == [4, 3, 3] and bins[0]["predicted"] < bins[-1]["predicted"]
    assert bins[0]["label"] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"labels": "pass"}, "--labels must be one of"),
        ({"labels": "column:"}, "needs a column name"),
        ({"labels": "passrate"}, "give --sample N"),
        ({"eval_fraction": 1.0}, "--eval-fraction must be in"),
        ({"push_to_hub": "noslash"}, "owner/name"),
    ],
)
def test_bad_options_are_one_line_errors(kw, message):
    with pytest.raises(S2RError, match=message):
        FitDifficultyArguments(output_dir="o", **kw)


def test_options_parse_from_the_recipe_with_overrides():
    from tests.conftest import ROOT

    recipe = ROOT / "recipes" / "difficulty" / "synthetic" / "config_fit_tiny.yaml"
    pool, args = parse_fit_difficulty(["--config", str(recipe), "--labels", "column:correctness_count"])
    assert pool.pool == "s2r:synthetic-openr1" and args.labels == "column:correctness_count"
    assert args.label_kind == "column" and args.label_column == "correctness_count" and args.use_cpu
    with pytest.raises(S2RError, match="lables"):
        parse_fit_difficulty(["--config", str(recipe), "--lables", "openr1"])


def test_a_small_fit_writes_a_folder_the_scorer_can_read(tmp_path, tiny_judge):
    """In process, 120 rows, a few steps: the saved folder loads as a 1-output regression model, its config file
    says how to feed it, and feeding it that way reproduces the recorded held-out predictions' metrics."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from s2r_hf.difficulty_input import DIFFICULTY_CONFIG_FILE, INPUT_FORMAT, difficulty_text
    from s2r_hf.fit_difficulty.main import main
    from s2r_hf.synthetic import openr1_dataset

    out = tmp_path / "model"
    argv = ["--pool", "s2r:synthetic-openr1", "--synthetic-rows", "120", "--labels", "openr1", "--use-cpu", "true"]
    argv += ["--base-model", str(tiny_judge), "--output-dir", str(out), "--max-length", "64", "--eval-fraction", "0.25"]
    argv += ["--num-train-epochs", "1", "--per-device-train-batch-size", "30", "--learning-rate", "1e-3"]
    assert main(*parse_fit_difficulty(argv)) == out
    config = json.loads((out / DIFFICULTY_CONFIG_FILE).read_text())
    assert config["input_format"] == INPUT_FORMAT and config["max_length"] == 64 and config["higher_is_harder"]
    assert config["metrics"]["heldout"]["rows"] == 30 and config["metrics"]["global_step"] == 3
    assert (out / "calibration.png").stat().st_size > 1000
    _, again_args = parse_fit_difficulty(["--config", str(out / "s2r_fit_config.yaml")])  # the card's command
    assert again_args.labels == "openr1" and again_args.max_length == 64
    card = (out / "README.md").read_text()
    assert "pipeline_tag: text-classification" in card and "Spearman" in card and "is synthetic" not in card

    model = AutoModelForSequenceClassification.from_pretrained(out).eval()
    tok = AutoTokenizer.from_pretrained(out)
    assert model.config.num_labels == 1 and model.config.problem_type == "regression"
    labelled = L.openr1_labels(openr1_dataset(120, seed=0), "problem")
    _, held = L.split(len(labelled.labels), 0.25, 0)
    texts = [difficulty_text(labelled.questions[i], tok) for i in held]
    pad = {"padding": True, "return_tensors": "pt"}
    enc = tok(
        texts, truncation=True, max_length=config["max_length"], add_special_tokens=config["add_special_tokens"], **pad
    )
    with torch.no_grad():
        pred = model(**enc).logits[:, 0].numpy()
    again = correlations(pred, labelled.labels[held])
    assert again["spearman"] == pytest.approx(config["metrics"]["heldout"]["spearman"], abs=1e-6)


def test_encode_cuts_long_questions_and_counts_them(tiny_judge):
    from s2r_hf.fit_difficulty.fit import encode, load_tokenizer

    tok = load_tokenizer(str(tiny_judge), None)
    rows, cut = encode(tok, ["Short?", "Long " * 400 + "question?"], np.array([0.25, 0.75]), max_length=32)
    assert cut == 1 and len(rows[1]["input_ids"]) == 32 and len(rows[0]["input_ids"]) < 32
    assert rows["labels"] == [0.25, 0.75]
    unlabelled, _ = encode(tok, ["Short?"], None, max_length=32)
    assert "labels" not in unlabelled.column_names


def _recipes():
    from tests.conftest import ROOT

    return sorted((ROOT / "recipes" / "difficulty").rglob("config_*.yaml"))


def test_difficulty_recipes_are_collected():
    assert len(_recipes()) >= 2


@pytest.mark.parametrize("path", _recipes(), ids=lambda p: p.parent.name + "/" + p.name)
def test_difficulty_recipe_parses_and_names_its_launch_command(path):
    from tests.conftest import ROOT

    pool, args = parse_fit_difficulty(["--config", str(path)])
    text = path.read_text()
    assert text.startswith("#") and f"fit-difficulty --config {path.relative_to(ROOT)}" in text
    assert args.output_dir and pool.pool and not args.overwrite


def test_passrate_labels_grade_sampled_solutions_on_a_seeded_sample(monkeypatch):
    """The pass-rate scorer's real grading on a fake solver that gets 3 of 4 samples right: 1 − 3/4 per scored row,
    the row without a reference answer is skipped, and only --sample rows are scored."""
    from datasets import Dataset

    from s2r_hf.scoring import passrate

    calls = []
    questions = [f"What is {i}+{i}? ∑ $x^{i}$" for i in range(6)]
    reference = {q: str(2 * i) for i, q in enumerate(questions)}

    def fake_build(scoring, cache_dir, device, seed):
        assert scoring.judge == "solver" and scoring.passrate_samples == 4 and seed == 1

        def generate(problems, k, seeds):
            calls.append(list(problems))
            return [[f"so \\boxed{{{reference[p]}}}"] * 3 + ["\\boxed{-1}"] for p in problems]

        return passrate.PassRateScorer(generate, model="solver", identity="fake", samples=k_samples, settings={})

    k_samples = 4
    monkeypatch.setattr(passrate, "build_passrate", fake_build)
    pool = Dataset.from_dict({"problem": questions, "answer": [reference[q] for q in questions[:5]] + [None]})
    args = FitDifficultyArguments(
        output_dir="o", labels="passrate", sample=5, passrate_model="solver", passrate_samples=4, seed=1
    )
    got = L.make_labels(pool, args, cache_dir="unused", device="cpu")
    sampled = L.sample_indices(6, 5, 1)
    assert calls == [[questions[i] for i in sampled]]
    answered = [i for i in sampled if i < 5]
    assert got.labels.tolist() == [0.25] * len(answered)
    assert got.questions == [questions[i] for i in answered]
    assert got.skipped["not sampled"] == 1 and got.skipped.get("no label", 0) == 5 - len(answered)


def test_labels_read_through_a_row_selection():
    """``Dataset.data`` is the table before ``select``: labels must follow the selected rows."""
    pool = _pool(rating=[3, 1.5, 2, 7, 9]).select([4, 0, 1])
    got = L.column_labels(pool, "rating", "problem")
    assert got.questions == ["Prove it.", "What is $1+1$?", "Find $x$: \\(x^2=4\\)"]
    assert got.labels.tolist() == [9.0, 3.0, 1.5]


def test_a_folder_holding_a_foreign_file_is_refused_before_any_work(tmp_path):
    from s2r_hf.fit_difficulty.main import main

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    argv = ["--pool", str(tmp_path / "no-such-pool.jsonl"), "--output-dir", str(out), "--use-cpu", "true"]
    with pytest.raises(S2RError, match=r"notes\.txt"):
        main(*parse_fit_difficulty(argv))
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
