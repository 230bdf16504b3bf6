"""Model repos over real HTTP (tests/hub_server.py): `s2r train --push_to_hub` uploads the trained model with our
card, a fresh interpreter loads it back from the server, and `s2r card --model <repo> --push` adds evaluation
results to the card (model-index + .eval_results/) on the existing repo, twice, without duplicates. Failures
(500 on commit, rejected token) exit 2 with one line naming the repo and the retry, and the retry works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, S2R, without_launcher_vars
from tests.e2e.test_hub_push import assert_token_hidden, hub_env
from tests.unit.test_eval_results import AIME, MATH, write_results

pytestmark = pytest.mark.usefixtures("healthy_hub")  # no fault left on between tests

DEMO = ROOT / "recipes" / "tiny-qwen2" / "sft" / "config_demo.yaml"
SELECT_DEMO = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_10pct.yaml"
REPO = "ns/tiny-s2r"

# Runs in a fresh interpreter pointed at the server: what a user of the pushed model does.
LOAD = """
import json, sys
import torch
from huggingface_hub import HfApi, ModelCard
from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig
repo = sys.argv[1]
model = AutoModelForCausalLM.from_pretrained(repo)
tok = AutoTokenizer.from_pretrained(repo)
gen = GenerationConfig.from_pretrained(repo)
card = ModelCard.load(repo)
print(json.dumps({"params": sum(p.numel() for p in model.parameters()), "eos": tok.eos_token,
                  "gen_eos": gen.eos_token_id, "tags": card.data.tags, "base_model": card.data.base_model,
                  "files": sorted(HfApi().list_repo_files(repo))}))
"""


def run(args: list[str], env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def train_env(hub, home: Path) -> dict[str, str]:
    return without_launcher_vars(hub_env(hub, home, OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false"))


def train_args(subset: Path, out: Path, repo: str) -> list[str]:
    args = ["train", "--config", str(DEMO), "--dataset_name", str(subset), "--output_dir", str(out)]
    return [*S2R, *args, "--max_steps", "4", "--save_steps", "2", "--push_to_hub", "true", "--hub_model_id", repo]


def card_args(results: Path, *extra: str) -> list[str]:
    return [*S2R, "card", "--model", REPO, "--results", str(results), *extra]


def last_line(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def subset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("subset") / "out"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    args = ["select", "--config", str(SELECT_DEMO), "--synthetic-rows", "300", "--count", "8", "--output-dir", str(out)]
    proc = run([*S2R, *args], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def trained(hub_server, subset, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess, dict[str, str]]:
    """`s2r train ... --push_to_hub true --hub_model_id ns/tiny-s2r`: checkpoint pushes, then one final push."""
    home = tmp_path_factory.mktemp("trained")
    env = train_env(hub_server, home)
    proc = run(train_args(subset, home / "model", REPO), env)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return home / "model", proc, env


@pytest.mark.slow
def test_trained_model_is_pushed_with_our_card_and_loads_back(hub_server, trained, tmp_path):
    from huggingface_hub import ModelCard

    out, proc, _ = trained
    stored = hub_server.files(REPO, "model")
    for name in ("model.safetensors", "config.json", "generation_config.json", "tokenizer.json", "s2r_train.json"):
        assert (stored / name).read_bytes() == (out / name).read_bytes(), name
    assert (stored / "README.md").read_text() == (out / "README.md").read_text()  # our card, not the Trainer's
    assert not list(stored.glob("checkpoint-*"))
    titles = [c["title"] for c in hub_server.commits(REPO, "model")]
    assert titles[0] == "initial commit" and titles[-1] == f"Select2Reason SFT: {out.name}"
    assert any(t.startswith("Training in progress") for t in titles)  # the Trainer's pushes at each save

    loaded = run([sys.executable, "-c", LOAD, REPO], hub_env(hub_server, tmp_path))  # fresh caches
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    got = json.loads(loaded.stdout.strip().splitlines()[-1])
    local_card = ModelCard.load(out / "README.md")
    assert got["eos"] == "<|im_end|>" and got["gen_eos"] in (2, [2])  # stops at the end of its turn
    assert "select2reason" in got["tags"] and got["tags"] == local_card.data.tags
    assert "model.safetensors" in got["files"] and not any(f.startswith("checkpoint-") for f in got["files"])
    assert not hub_server.unhandled, hub_server.unhandled
    assert_token_hidden(hub_server, proc, folders=(out,))


@pytest.mark.slow
def test_card_push_updates_model_index_and_eval_results_twice_without_duplicates(hub_server, trained, tmp_path):
    from huggingface_hub import ModelCard

    _, _, env = trained
    results = tmp_path / "eval"
    write_results(results, "2026-01-01T00-00-00", {"s2r_aime24|0": AIME, "s2r_math_500|0": MATH})
    stored = hub_server.files(REPO, "model")
    before = len(hub_server.commits(REPO, "model"))

    first = run(card_args(results, "--push"), env)
    assert first.returncode == 0, first.stderr[-3000:]
    assert len(hub_server.commits(REPO, "model")) == before + 1  # README + .eval_results in ONE commit
    card = ModelCard.load(stored / "README.md")
    assert len(card.data.eval_results) == 6  # 2 benchmarks x (pass@1, maj@n, response tokens)
    assert "select2reason" in card.data.tags  # still the training card, re-rendered from s2r_train.json
    assert sorted(p.name for p in (stored / ".eval_results").iterdir()) == ["aime24.yaml", "math_500.yaml"]
    entry = yaml.safe_load((stored / ".eval_results" / "aime24.yaml").read_text())
    assert entry[0]["dataset"]["id"] == "HuggingFaceH4/aime_2024" and entry[0]["value"] == 40.0

    second = run(card_args(results, "--push"), env)  # same results: nothing changes, no empty commit
    assert second.returncode == 0, second.stderr[-3000:]
    assert len(hub_server.commits(REPO, "model")) == before + 1
    assert len(ModelCard.load(stored / "README.md").data.eval_results) == 6

    write_results(results, "2026-01-02T00-00-00", {"s2r_math_500|0": {**MATH, "pass@1": 0.8}})
    third = run(card_args(results, "--push"), env)  # a newer result replaces the old entry
    assert third.returncode == 0, third.stderr[-3000:]
    card = ModelCard.load(stored / "README.md")
    values = {(e.dataset_name, e.metric_type): e.metric_value for e in card.data.eval_results}
    assert len(card.data.eval_results) == 6 and values[("math_500", "pass@1")] == 80.0
    assert card.text.count("<!-- s2r-eval:start -->") == 1
    assert yaml.safe_load((stored / ".eval_results" / "math_500.yaml").read_text())[0]["value"] == 80.0
    assert not hub_server.unhandled, hub_server.unhandled
    assert_token_hidden(hub_server, first, second, third)


@pytest.mark.slow
def test_card_push_500_fails_clearly_then_the_same_command_succeeds(hub_server, trained, tmp_path):
    _, _, env = trained
    results = tmp_path / "eval"
    write_results(results, "2026-01-03T00-00-00", {"s2r_amc23|0": AIME})
    hub_server.fail_commit_with = 500
    failed = run(card_args(results, "--push"), env)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    line = last_line(failed)
    assert f"model repo '{REPO}' failed after 3 attempts" in line and "HTTPError" in line
    assert f"retry with: s2r card --model {REPO} --results {results} --push" in line
    assert not (hub_server.files(REPO, "model") / ".eval_results" / "amc23.yaml").exists()
    hub_server.clear_faults()
    retried = run(card_args(results, "--push"), env)
    assert retried.returncode == 0, retried.stderr[-3000:]
    assert (hub_server.files(REPO, "model") / ".eval_results" / "amc23.yaml").is_file()
    assert_token_hidden(hub_server, failed, retried)


@pytest.mark.slow
def test_card_of_a_missing_repo_or_without_results_fails_before_anything(hub_server, trained, tmp_path):
    _, _, env = trained
    results = tmp_path / "eval"
    write_results(results, "2026-01-01T00-00-00", {"s2r_aime24|0": AIME})
    missing = run([*S2R, "card", "--model", "ns/no-such-model", "--results", str(results), "--push"], env)
    assert missing.returncode == 2 and "could not read model repo 'ns/no-such-model'" in last_line(missing)
    assert not hub_server.repo_dir("ns/no-such-model", "model").exists()  # a card push never creates a repo
    empty = run(card_args(tmp_path / "nothing", "--push"), env)
    assert empty.returncode == 2 and "no lighteval results" in last_line(empty)


@pytest.mark.slow
def test_rejected_token_fails_training_before_it_starts_and_model_push_retry_works(
    hub_server, trained, subset, tmp_path
):
    out, _, _ = trained
    env = train_env(hub_server, tmp_path)
    hub_server.reject_token = True
    rejected = run(train_args(subset, tmp_path / "model", "ns/tiny-s2r-denied"), env)
    assert rejected.returncode == 2 and "Traceback" not in rejected.stderr
    line = last_line(rejected)
    assert "model repo 'ns/tiny-s2r-denied'" in line and "nothing was trained" in line and "HF_TOKEN" in line
    assert not (tmp_path / "model" / "model.safetensors").exists()

    push = [*S2R, "push", "--output-dir", str(out), "--repo", "ns/tiny-s2r-copy"]
    failed = run(push, env)
    assert failed.returncode == 2 and f"retry with: s2r push --output-dir {out} --repo ns/tiny-s2r-copy" in (
        last_line(failed)
    )
    hub_server.clear_faults()
    retried = run(push, env)
    assert retried.returncode == 0, retried.stderr[-3000:]
    copy = hub_server.files("ns/tiny-s2r-copy", "model")
    assert (copy / "model.safetensors").read_bytes() == (out / "model.safetensors").read_bytes()
    assert_token_hidden(hub_server, rejected, failed, retried, folders=(out,))
