"""`s2r eval --budgets` end to end: the real CLI, lighteval's transformers backend and budget forcing on the tiny
local model (whose answers never close a `<think>`, so every answer is cut and forced), resumed after a partial
run, then `s2r card` on the output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from s2r_hf.eval.budgets import CUE
from tests.conftest import ROOT, S2R
from tests.eval_data import write_rows
from tests.unit.test_eval_results import AIME, MATH, write_results


def run(args: list[str], timeout: int = 400) -> subprocess.CompletedProcess:
    return subprocess.run([*S2R, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=os.environ)


def test_bad_budgets_are_one_line_errors(tmp_path):
    for value, says in (("8,8", "8 given twice"), ("0", "0 < 1"), ("eight", "'eight' is not a whole number")):
        proc = run(["eval", "--model", "x", "--output-dir", str(tmp_path), "--budgets", value], timeout=120)
        assert proc.returncode == 2, proc.stderr[-2000:]
        assert len(proc.stderr.strip().splitlines()) == 1 and says in proc.stderr and "--budgets" in proc.stderr


@pytest.mark.slow
def test_budgets_force_answers_resume_and_reach_the_card(tmp_path, tiny_judge):
    from huggingface_hub import ModelCard

    rows = [{"problem": f"Compute ${i} + {i}$.", "answer": str(2 * i)} for i in range(3)]
    write_rows(tmp_path / "data", "math_500", "test.jsonl", rows)
    out = tmp_path / "eval"
    common = ["eval", "--model", str(tiny_judge), "--tasks", "math_500", "--data-dir", str(tmp_path / "data")]
    common += ["--greedy", "--output-dir", str(out), "--forced-answer-tokens", "12"]

    partial = run([*common, "--budgets", "8", "--save-details"])  # a run that stopped after the first budget
    assert partial.returncode == 0, partial.stderr[-4000:]
    _assert_forcing_prompts_are_lightevals(out / "budgets" / "8", tiny_judge, tmp_path / "data")
    assert "3 of 3 answers cut inside the thinking; 3 to force" in partial.stderr
    cache_8 = (out / "budgets" / "8" / "forced_cache.jsonl").read_bytes()
    assert len(cache_8.splitlines()) == 3

    proc = run([*common, "--budgets", "8,16"])
    assert proc.returncode == 0, proc.stderr[-4000:]
    # budget 8: every answer and every forced answer from the cache; only budget 16 generates
    assert proc.stderr.count("Cache: 3/3 samples are cached") == 1
    assert proc.stderr.count("Cache: Starting to process 3/3 samples") == 1
    assert "6 of 6 answers cut inside the thinking; 3 to force" in proc.stderr  # budget 16's only
    assert (out / "budgets" / "8" / "forced_cache.jsonl").read_bytes() == cache_8

    summary = json.loads((out / "budgets" / "budgets.json").read_text())
    assert [(r["budget"], r["task"], r["answers"], r["forced"]) for r in summary["rows"]] == [
        (8, "math_500", 3, 3),
        (16, "math_500", 3, 3),
    ]
    assert all("max_new_tokens=" in r["produced"] and r["mean_tokens"] > 0 for r in summary["rows"])
    for budget in (8, 16):
        record = json.loads((out / "budgets" / str(budget) / "details" / "math_500.json").read_text())
        assert record["max_new_tokens"] == budget
        forced = [json.loads(line) for line in (out / "budgets" / str(budget) / "forced" / "math_500.jsonl").open()]
        assert len(forced) == 3 and all(r["forced"] and r["forced_text"].startswith(CUE) for r in forced)
        assert all(r["extracted"] is not None and r["forced_text"].endswith("}") for r in forced)
    assert (out / "budgets" / "s2r_budgets.png").read_bytes().startswith(b"\x89PNG")

    model = tmp_path / "model"
    shutil.copytree(tiny_judge, model)
    card = run(["card", "--model", str(model), "--results", str(out)], timeout=120)
    assert card.returncode == 0, card.stderr[-3000:]
    text = ModelCard.load(model / "README.md").text
    assert "| 8 | math_500 |" in text and "| 16 | math_500 |" in text and "(s2r_budgets.png)" in text
    assert (model / "s2r_budgets.png").read_bytes() == (out / "budgets" / "s2r_budgets.png").read_bytes()


def _assert_forcing_prompts_are_lightevals(out, model, data_dir) -> None:
    """The prompt a forced answer continues is, token for token, the one lighteval gave the model."""
    import pyarrow.parquet as pq
    from transformers import AutoTokenizer

    from s2r_hf.eval.budgets import PromptBuilder
    from s2r_hf.eval.grade import _problems

    tokenizer, builder = AutoTokenizer.from_pretrained(model), PromptBuilder(str(model))
    problems = _problems("math_500", str(data_dir))
    rows = [row for path in out.rglob("details_*.parquet") for row in pq.read_table(path).to_pylist()]
    assert len(rows) == 3
    for row in rows:
        given = list(row["model_response"]["input_tokens"])
        while given and given[0] in (tokenizer.pad_token_id, tokenizer.eos_token_id):  # left padding of the batch
            given.pop(0)
        ours = builder.prompt(problems[int(row["doc"]["id"])].question)
        assert tokenizer(ours, add_special_tokens=False)["input_ids"] == given


@pytest.mark.usefixtures("healthy_hub")
def test_card_push_uploads_the_pictures_in_the_card_commit(hub_server, tmp_path):
    """`s2r card --push` over HTTP (tests/hub_server.py): README, the bar chart and the budget curve in ONE commit,
    the pictures byte for byte; the same push again makes no commit (the pictures are drawn identically)."""
    from huggingface_hub import ModelCard

    from tests.e2e.test_hub_push import hub_env
    from tests.unit.test_eval_budgets import _budget_run

    results = tmp_path / "eval"
    write_results(results, "2026-01-01T00-00-00", {"s2r_aime24|0": AIME, "s2r_math_500|0": MATH})
    _budget_run(results, tmp_path)
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    hub_server.create_repo("ns/budgets", private=False, repo_type="model")
    before = len(hub_server.commits("ns/budgets", "model"))
    env = hub_env(hub_server, tmp_path)
    command = [*S2R, "card", "--model", str(model), "--results", str(results), "--push", "ns/budgets"]
    for _ in range(2):
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert len(hub_server.commits("ns/budgets", "model")) == before + 1
    stored = hub_server.files("ns/budgets", "model")
    for name in ("s2r_eval.png", "s2r_budgets.png"):
        assert (stored / name).read_bytes() == (model / name).read_bytes(), name
    text = ModelCard.load(stored / "README.md").text
    assert "(s2r_eval.png)" in text and "(s2r_budgets.png)" in text
