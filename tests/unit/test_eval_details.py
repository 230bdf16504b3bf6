"""Per-sample details, the 95 % interval over problems, and the card that carries both (without running lighteval)."""

from __future__ import annotations

import json
import math

import pytest

from s2r_hf.eval import details as details_mod
from s2r_hf.eval.intervals import run_spread, summarise, wilson

# (correct problems, problems) -> Wilson 95 % interval; reference values from scipy.stats.binomtest(k, n)
# .proportion_ci(0.95, "wilson"). The normal approximation would give [0, 0] for 0/30 and [1, 1] for 30/30.
WILSON = [
    (0, 30, 0.0, 0.1135),
    (15, 30, 0.3315, 0.6685),
    (30, 30, 0.8865, 1.0),
    (12, 40, 0.1807, 0.4543),
    (450, 500, 0.8706, 0.9233),
    (1, 1, 0.2065, 1.0),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), WILSON)
def test_wilson_interval_case_table(k, n, low, high):
    got = wilson(k / n, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_no_problems_no_interval():
    assert all(math.isnan(x) for x in wilson(0.5, 0))
    assert summarise([]) == {"pass@1": None, "ci95": None, "problems": 0, "samples": [], "spread": None}


def test_sampled_task_summary_interval_over_problems_and_spread_over_runs():
    # 4 problems × 3 samples; run j = sample j of every problem: runs score 3/4, 1/4, 2/4
    verdicts = [[True, False, True], [True, False, False], [False, False, False], [True, True, True]]
    got = summarise(verdicts)
    assert got["pass@1"] == pytest.approx(0.5) and got["problems"] == 4 and got["samples"] == 3
    assert got["ci95"] == pytest.approx(list(wilson(0.5, 4)))  # N = problems, not 12 answers
    assert got["spread"] == pytest.approx({"runs": 3, "min": 0.25, "max": 0.75, "sd": 0.25})
    assert run_spread([[True], [False]]) is None  # greedy: one run, no spread
    assert run_spread([[True, False], [True]]) is None  # unequal sample counts (partial)


def _doc(index, gold, **specific):
    from lighteval.tasks.requests import Doc

    doc = Doc(query=f"question {index}", choices=[gold], gold_index=0, specific={"multiple_choice": False, **specific})
    doc.id = str(index)
    return doc


def test_sample_rows_grade_as_the_metric_and_keep_the_raw_response():
    from lighteval.models.model_output import ModelResponse

    raw = "<think>\\boxed{3}</think> so \\boxed{4}"
    response = ModelResponse(
        input="<|im_start|>system…", text=[raw, "no box"], text_post_processed=[" so \\boxed{4}", "x"]
    )
    rows = details_mod.sample_rows("math_500", _doc(7, "4"), response, 2)
    assert [(r["index"], r["sample"], r["extracted"], r["correct"]) for r in rows] == [
        (7, 0, "4", True),
        (7, 1, None, False),
    ]
    assert rows[0]["response"] == raw and rows[0]["prompt"] == "<|im_start|>system…" and rows[0]["gold"] == "4"

    ungradable = details_mod.sample_rows("kaoyan", _doc(2, "4", ungradable="dict gold"), response, 1)
    assert ungradable[0]["correct"] is False and ungradable[0]["ungradable"] == "dict gold"

    choice = ModelResponse(text=["\\boxed{(B)}"])
    (row,) = details_mod.sample_rows("gpqa_diamond", _doc(0, "B", multiple_choice=True), choice, 1)
    assert (row["extracted"], row["correct"]) == ("B", True)


def test_versions_name_the_backend_in_use():
    assert {"lighteval", "math-verify", "latex2sympy2_extended", "transformers", "torch"} <= set(
        details_mod.package_versions("transformers")
    )
    vllm = details_mod.package_versions("vllm")
    assert "vllm" in vllm and "transformers" not in vllm


# --- the card ---------------------------------------------------------------------------------------------


def write_run(out, key, *, stamp, verdicts, protocol, sampling, data, results_extra=None):
    """A lighteval results file and the s2r details + run record of it, as `s2r eval` writes them."""
    from s2r_hf.eval.protocol import resolve

    results = out / "results" / "m" / f"results_{stamp}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    p1 = sum(sum(v) / len(v) for v in verdicts) / len(verdicts)
    n = len(verdicts[0])
    general = {"model_name": "m", "model_config": {"generation_parameters": {"temperature": sampling["temperature"]}}}
    metrics = {"pass@1": p1, f"maj@{n}": p1, "response_tokens": 100.0}
    results.write_text(json.dumps({"config_general": general, "results": {f"s2r_{key}|0": metrics}}))
    rows = [
        {
            "task": key,
            "index": i,
            "sample": j,
            "prompt": "p",
            "response": "r",
            "extracted": "1",
            "correct": c,
            "gold": "1",
        }
        for i, v in enumerate(verdicts)
        for j, c in enumerate(v)
    ]
    run = {
        "results_file": results.name,
        "protocol": resolve(**protocol).as_dict(),
        "sampling": sampling,
        "max_new_tokens": 16384,
        "max_samples": None,
        "backend": "vllm",
        "harness": "lighteval 0.13.0 (s2r eval)",
        "versions": {"lighteval": "0.13.0", "math-verify": "0.5.2", "latex2sympy2_extended": "1.0.6", "vllm": "0.11"}
        | {"torch": "2.8"},
        "data": data,
    }
    details_mod.write_task(out / "details", key, rows, run)
    return results


SAMPLED = {"num_samples": 16, "temperature": 0.6, "top_p": 0.95}
# 3 problems × 16 samples: 12/16, 0/16, 8/16 right → pass@1 = 5/12; run j scores 0/3 (odd j ≥ 12) … 2/3 (even j < 12)
AIME = [[j < 12 for j in range(16)], [False] * 16, [j % 2 == 0 for j in range(16)]]
AIME_P1 = 5 / 12
GREEDY = {"num_samples": 1, "temperature": 0.0, "top_p": 1.0}


@pytest.fixture
def evaluated(tmp_path):
    out = tmp_path / "eval"
    write_run(
        out,
        "aime24",
        stamp="2026-01-01T00-00-00",
        verdicts=AIME,
        protocol={},
        sampling=SAMPLED,
        data="HuggingFaceH4/aime_2024",
    )
    gaokao = [[True], [False], [True], [True], [True]]
    write_run(
        out,
        "gaokao2023en",
        stamp="2026-01-01T00-00-01",
        verdicts=gaokao,
        protocol={"protocol": "lighteval"},
        sampling=GREEDY,
        data="local: gaokao2023en/test.jsonl",
    )
    return out


def test_rows_carry_interval_settings_versions_and_data(evaluated):
    from s2r_hf.eval.results import collect, markdown_table

    rows = {(r.benchmark, r.metric): r for r in collect(evaluated)}
    aime = rows[("aime24", "pass@1")]
    assert aime.ci95 == pytest.approx(tuple(wilson(AIME_P1, 3))) and (aime.problems, aime.samples) == (3, 16)
    assert aime.spread == pytest.approx({"runs": 16, "min": 0.0, "max": 2 / 3, "sd": aime.spread["sd"]})
    assert aime.settings["repetition_penalty"] == 1.05 and aime.settings["answer_from"] == "full" and not aime.deviation
    assert aime.versions["math-verify"] == "0.5.2" and aime.details.endswith("details/aime24.jsonl")
    gaokao = rows[("gaokao2023en", "pass@1")]
    assert gaokao.dataset_id == "local: gaokao2023en/test.jsonl"
    assert gaokao.deviation == (
        "repetition penalty 1, the paper 1.05; answer after `</think>` (--answer-from final), the paper the full "
        "response"
    )
    table = markdown_table(list(rows.values()))
    low, high = wilson(AIME_P1, 3)
    assert f"| aime24 | 41.7 | {100 * low:.1f}–{100 * high:.1f} | 16 × 3 | 0.0–66.7 (sd " in table
    assert "rep. penalty 1.05, seed 42, answer: last box of the full response" in table


def test_card_round_trips_with_intervals_versions_notes_and_details(evaluated, tmp_path):
    import yaml
    from huggingface_hub import ModelCard, parse_eval_result_entries

    from s2r_hf.eval.card import update_card

    model = tmp_path / "model"
    model.mkdir()
    readme = update_card(model, evaluated)
    card = ModelCard.load(readme)
    entries = {(e.dataset_name, e.metric_type): e for e in card.data.eval_results}
    assert ModelCard(str(card)).data.eval_results == card.data.eval_results  # model-index intact
    aime = entries[("aime24", "pass@1")]
    low, high = wilson(AIME_P1, 3)
    assert aime.metric_args["ci95"] == [round(100 * low, 2), round(100 * high, 2)]
    assert aime.metric_args["n"] == 16 and aime.metric_args["problems"] == 3
    assert aime.metric_args["versions"]["latex2sympy2_extended"] == "1.0.6" and aime.metric_name == "pass@1"
    gaokao = entries[("gaokao2023en", "pass@1")]
    assert gaokao.dataset_type == "local: gaokao2023en/test.jsonl"  # not the Hub dataset it did not come from
    assert gaokao.metric_name.startswith("pass@1 (not comparable with the paper: repetition penalty 1")
    assert gaokao.metric_args["note"].startswith("not comparable with the paper")
    for text in ("lighteval 0.13.0", "math-verify 0.5.2", "latex2sympy2_extended 1.0.6", "vllm 0.11", "torch 2.8"):
        assert text in card.text
    assert "[aime24](eval_details/aime24.jsonl)" in card.text and "**gaokao2023en: run with other settings" in card.text
    # .eval_results: a Hub dataset id only; the note travels with the entry
    (entry,) = parse_eval_result_entries(yaml.safe_load((model / ".eval_results" / "aime24.yaml").read_text()))
    assert (
        entry.dataset_id == "HuggingFaceH4/aime_2024"
        and "95% CI" in entry.notes
        and "NOT COMPARABLE" not in entry.notes
    )
    assert not (model / ".eval_results" / "gaokao2023en.yaml").exists()
    copied = sorted(p.name for p in (model / "eval_details").iterdir())
    assert copied == ["aime24.jsonl", "gaokao2023en.jsonl"]
    assert (model / "eval_details" / "aime24.jsonl").read_text() == (evaluated / "details" / "aime24.jsonl").read_text()


def test_a_stale_record_is_not_attached_to_a_newer_results_file(evaluated):
    """A newer results file without its own record (a plain lighteval run) must not borrow the older interval."""
    from s2r_hf.eval.results import collect

    newer = evaluated / "results" / "m" / "results_2026-02-01T00-00-00.json"
    newer.write_text(json.dumps({"results": {"s2r_aime24|0": {"pass@1": 0.9, "maj@16": 0.9}}}))
    row = next(r for r in collect(evaluated) if (r.benchmark, r.metric) == ("aime24", "pass@1"))
    assert row.value == 0.9 and row.ci95 is None and row.details == ""
    assert "answer extraction not recorded" in row.deviation


def test_push_card_uploads_the_details_in_the_same_commit(evaluated, tmp_path, monkeypatch):
    from s2r_hf import hub
    from s2r_hf.eval.card import update_card

    model = tmp_path / "model"
    model.mkdir()
    update_card(model, evaluated)
    commits = []

    def fake_commit(repo_id, kind, operations, **kwargs):
        commits.append(sorted(op.path_in_repo for op in operations(None)))
        return "url"

    monkeypatch.setattr(hub, "_commit", fake_commit)
    hub.push_card(model, "me/m", retry="s2r card")
    assert commits == [  # the card's bar chart (s2r_eval.png) travels in the same commit
        [
            ".eval_results/aime24.yaml",
            "README.md",
            "eval_details/aime24.jsonl",
            "eval_details/gaokao2023en.jsonl",
            "s2r_eval.png",
        ]
    ]


def test_an_ungradable_row_scores_zero_in_the_metric_and_is_still_counted():
    """evaldata keeps a row without a usable gold with ``specific["ungradable"]``: wrong for every answer."""
    from lighteval.models.model_output import ModelResponse

    from s2r_hf.eval.metrics import response_metric

    doc = _doc(3, "", ungradable="empty gold")
    scores = response_metric(2).sample_level_fn.compute(doc=doc, model_response=ModelResponse(text=["\\boxed{}"] * 2))
    assert scores["pass@1"] == 0.0 and scores["maj@2"] == 0.0
