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

    partial = run([*common, "--budgets", "8"])  # a run that stopped after the first budget
    assert partial.returncode == 0, partial.stderr[-4000:]
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
