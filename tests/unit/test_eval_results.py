"""lighteval results JSON → tidy rows → model card (model-index, .eval_results), without running lighteval."""

from __future__ import annotations

import json

import pytest

from s2r_hf.errors import S2RError
from s2r_hf.eval.card import update_card
from s2r_hf.eval.results import collect, markdown_table, parse_results
from tests.unit.test_model_card import RECORD


def write_results(folder, stamp: str, results: dict):
    path = folder / "results" / "abs" / "model" / f"results_{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"config_general": {"model_name": "/abs/model"}, "results": results}))
    return path


AIME = {"pass@1": 0.4, "pass@1_stderr": 0.05, "maj@16": 0.5, "maj@16_stderr": 0.1, "response_tokens": 9000.0}
MATH = {"pass@1": 0.9, "maj@1": 0.9, "response_tokens": 4000.0}


def test_parse_keeps_s2r_metrics_only(tmp_path):
    path = write_results(tmp_path, "2026-01-01T00-00-00", {"s2r_aime24|0": AIME, "all": AIME, "gsm8k|0": MATH})
    rows = parse_results(path)
    assert {(r.benchmark, r.metric, r.value) for r in rows} == {
        ("aime24", "pass@1", 0.4),
        ("aime24", "maj@16", 0.5),
        ("aime24", "response_tokens", 9000.0),
    }
    assert next(r for r in rows if r.metric == "pass@1").stderr == 0.05
    assert all(r.dataset_id == "HuggingFaceH4/aime_2024" for r in rows)


def test_collect_newest_file_wins_and_table(tmp_path):
    write_results(tmp_path, "2026-01-01T00-00-00", {"s2r_aime24|0": AIME, "s2r_math_500|0": MATH})
    write_results(tmp_path, "2026-01-02T00-00-00", {"s2r_math_500|0": {**MATH, "pass@1": 0.8}})
    rows = collect(tmp_path)
    assert [r.benchmark for r in rows][:3] == ["aime24"] * 3  # benchmark order of the task table
    assert next(r for r in rows if (r.benchmark, r.metric) == ("math_500", "pass@1")).value == 0.8
    table = markdown_table(rows)
    # no s2r details record beside these files: no interval, n from the metric name
    assert "| aime24 | 40.0 | – | 16 | – | 50.0 (maj@16) | 9000 |" in table
    assert "| math_500 | 80.0 | – | 1 | – | 90.0 (maj@1) | 4000 |" in table


def test_no_results_is_an_s2r_error(tmp_path):
    with pytest.raises(S2RError, match="no lighteval results"):
        collect(tmp_path)


def test_card_of_a_trained_model_is_rerendered_without_duplicates(tmp_path):
    from huggingface_hub import ModelCard

    model = tmp_path / "model"
    model.mkdir()
    (model / "s2r_train.json").write_text(json.dumps(RECORD))
    results = tmp_path / "eval"
    write_results(results, "2026-01-01T00-00-00", {"s2r_aime24|0": AIME, "s2r_math_500|0": MATH})
    update_card(model, results)
    write_results(results, "2026-01-02T00-00-00", {"s2r_math_500|0": {**MATH, "pass@1": 0.8}})
    readme = update_card(model, results)
    card = ModelCard.load(readme)
    got = {(e.dataset_name, e.metric_type): e.metric_value for e in card.data.eval_results}
    assert len(card.data.eval_results) == 6
    assert got[("aime24", "pass@1")] == 40.0 and got[("math_500", "pass@1")] == 80.0
    assert card.data.base_model == RECORD["base_model"]  # still the training card
    assert "| aime24 | pass@1 | 40.0 |" in card.text  # the template's results table
    assert card.text.count("<!-- s2r-eval:start -->") == 1
    assert "| **this model** | 80.0 | 40.0 |" in card.text and "| OpenR1-Qwen-7B | 90.6 | 36.7 |" in card.text
    assert sorted(p.name for p in (model / ".eval_results").iterdir()) == ["aime24.yaml", "math_500.yaml"]


def _results_with_settings(folder, stamp, task, metrics, *, temperature, budget, max_samples=None, repo=None):
    path = folder / "results" / "m" / f"results_{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    general = {
        "model_name": "m",
        "max_samples": max_samples,
        "model_config": {"generation_parameters": {"temperature": temperature, "max_new_tokens": None}},
    }
    tasks = {f"s2r_{task}|0": {"generation_size": budget, "hf_repo": repo or "HuggingFaceH4/aime_2024"}}
    path.write_text(
        json.dumps({"config_general": general, "config_tasks": tasks, "results": {f"s2r_{task}|0": metrics}})
    )
    return path


def test_smoke_runs_are_marked_on_the_card(tmp_path):
    """A greedy 2-problem, 32-token run of AIME24 must not pass for the paper's number next to the baselines."""
    from s2r_hf.eval.card import results_section
    from s2r_hf.eval.details import write_task
    from s2r_hf.eval.protocol import resolve

    path = _results_with_settings(
        tmp_path / "paper", "2026-01-01T00-00-00", "aime24", AIME, temperature=0.6, budget=16384
    )
    run = {
        "results_file": path.name,
        "protocol": resolve().as_dict(),
        "sampling": {"num_samples": 16, "temperature": 0.6, "top_p": 0.95},
        "max_new_tokens": 16384,
    }
    write_task(tmp_path / "paper" / "details", "aime24", [], run)
    (row, *_) = collect(tmp_path / "paper")
    assert row.setting == (
        "16 samples, T 0.6, top_p 0.95, rep. penalty 1.05, seed 42, answer: last box of the full response, "
        "≤16,384 tokens"
    )
    assert row.deviation == ""
    assert "not comparable" not in results_section(collect(tmp_path / "paper"))

    smoke = {"pass@1": 1.0, "maj@1": 1.0, "response_tokens": 32.0}
    _results_with_settings(
        tmp_path / "smoke",
        "2026-01-01T00-00-00",
        "aime24",
        smoke,
        temperature=0.0,
        budget=32,
        max_samples=2,
        repo="d/a",
    )
    rows = collect(tmp_path / "smoke")
    assert rows[0].setting == (
        "1 sample, greedy, rep. penalty 1, answer extraction not recorded, ≤32 tokens, 2 problems (--max-samples), "
        "local data"
    )
    assert rows[0].deviation == (
        "1 sample(s), the paper 16; answer extraction not recorded (no s2r eval details record for this results "
        "file); repetition penalty 1, the paper 1.05; ≤32 answer tokens, the paper 16,384; only 2 problems"
    )
    section = results_section(rows)
    assert "**not the paper's setting: 1 sample(s), the paper 16;" in markdown_table(rows)
    assert "**aime24: run with other settings than the paper's" in section and "not comparable" in section
