"""`s2r fit-difficulty` through the real CLI: the embedded recipe's tiny model learns the synthetic pool's difficulty
(held-out Spearman ≥ 0.5 while the untrained head's is near 0), a SIGKILL after a checkpoint resumes from it, and
bad label columns are one-line errors."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import ROOT, S2R
from tests.e2e.test_hub_push import hub_env
from tests.e2e.test_hub_push import run as run_online
from tests.e2e.test_output_safety import _kill_when, run

RECIPE = ROOT / "recipes" / "difficulty" / "synthetic" / "config_fit_tiny.yaml"
# The recipe cut to ~20 s on 2 cores: 1000 rows, 3 epochs of 25 steps, checkpoints every 20 steps.
SMALL = ["--synthetic-rows", "1000", "--num-train-epochs", "3", "--max-length", "96", "--eval-fraction", "0.2"]
SMALL += ["--save-steps", "20"]


def test_help_and_bad_label_column_are_one_line(tmp_path):
    proc = run(["fit-difficulty", "--help"])
    assert proc.returncode == 0 and "--labels" in proc.stdout and "--eval-fraction" in proc.stdout
    top = run(["--help"])
    assert "fit-difficulty" in top.stdout
    args = ["fit-difficulty", "--config", str(RECIPE), "--synthetic-rows", "20", "--output-dir", str(tmp_path / "o")]
    bad = run([*args, "--labels", "column:problem"])
    assert bad.returncode == 2, bad.stderr[-2000:]
    last = bad.stderr.strip().splitlines()[-1]
    assert "column:problem" in last and "numeric columns: correctness_count" in last


@pytest.mark.slow
def test_fit_learns_synthetic_difficulty_and_resumes_after_a_kill(tmp_path):
    out = tmp_path / "difficulty"
    args = ["fit-difficulty", "--config", str(RECIPE), *SMALL, "--output-dir", str(out)]
    env = {"TOKENIZERS_PARALLELISM": "false"}
    killed = _kill_when([*S2R, *args], lambda: (out / "checkpoint-20" / "trainer_state.json").exists(), env=env)
    assert killed and not (out / "s2r_difficulty.json").exists()
    # Killed again as checkpoint-40 appears (mostly mid-save): the rerun sets an incomplete one aside.
    killed_again = _kill_when([*S2R, *args], lambda: (out / "checkpoint-40").exists(), env=env)
    proc = run(args, env=env)
    assert proc.returncode == 0, proc.stderr[-4000:]
    config = json.loads((out / "s2r_difficulty.json").read_text())
    metrics = config["metrics"]
    aside = sorted(p.name for p in out.glob("_checkpoint-*.incomplete-*"))
    assert killed_again and metrics["resumed_from_step"] in (20, 40), (metrics["resumed_from_step"], aside)
    assert metrics["global_step"] == 3 * 25  # 800 training rows, batches of 32
    fitted, untrained = metrics["heldout"]["spearman"], metrics["untrained_head"]["spearman"]
    print(
        f"\nheld-out Spearman {fitted:.3f} (untrained head {untrained:.3f}) on {metrics['heldout']['rows']} rows; "
        f"resumed from step {metrics['resumed_from_step']}, set aside: {aside}"
    )
    assert fitted >= 0.5 and abs(untrained) < 0.3
    assert config["labels"]["source"].startswith("synthetic") and config["higher_is_harder"] is True
    for name in ("model.safetensors", "config.json", "tokenizer.json", "README.md", "calibration.png"):
        assert (out / name).is_file(), name
    card = (out / "README.md").read_text()
    assert "The synthetic pool's difficulty is synthetic" in card and f"| fitted | {fitted:.3f} |" in card

    # the sibling of the README's first command selects with it: its difficulty agrees with the pool's truth
    fitted_recipe = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_fitted_10pct.yaml"
    select = ["select", "--config", str(fitted_recipe), "--synthetic-rows", "1000", "--difficulty-model", str(out)]
    proc = run([*select, "--output-dir", str(tmp_path / "selected")], env=env)
    assert proc.returncode == 0, proc.stderr[-4000:]
    manifest = json.loads((tmp_path / "selected" / "manifest.json").read_text())
    assert manifest["synthetic_difficulty"]["spearman"] >= 0.5 and manifest["synthetic_difficulty"]["rows"] > 800
    assert manifest["scorer"]["fit_heldout_spearman"] == pytest.approx(fitted)
    card = " ".join((tmp_path / "selected" / "README.md").read_text().split())
    assert f"held-out Spearman at fit time {fitted:.3f}" in card
    assert f"Spearman ρ = {manifest['synthetic_difficulty']['spearman']:.3f} over" in card


@pytest.mark.slow
def test_push_to_hub_publishes_the_model_without_checkpoints_token_or_local_paths(tmp_path, healthy_hub):
    out = tmp_path / "pushed"
    args = [*S2R, "fit-difficulty", "--config", str(RECIPE), "--synthetic-rows", "40", "--max-length", "48"]
    args += ["--num-train-epochs", "1", "--save-steps", "1", "--output-dir", str(out), "--push-to-hub", "ns/difficulty"]
    proc = run_online(args, hub_env(healthy_hub, tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    repo = healthy_hub.files("ns/difficulty", "model")
    names = {p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "s2r_difficulty.json", "README.md"} <= names
    assert {"calibration.png", "training_args.bin"} <= names and not any(
        n.startswith(("checkpoint-", "_")) for n in names
    )
    for name in names:
        data = (repo / name).read_bytes()
        assert healthy_hub.token.encode() not in data and str(tmp_path).encode() not in data, name


@pytest.mark.slow
def test_two_cpu_ranks_split_the_batches(tmp_path):
    """Under `accelerate launch` with two real CPU ranks each step takes a batch per rank: half the steps of one
    process, both ranks in the record, and every held-out row predicted once (gathered, no duplicates)."""
    import sys

    from tests.conftest import without_launcher_vars
    from tests.e2e.test_multiprocess import free_port

    launch = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2"]
    launch += ["--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]
    launch += ["--main_process_port", str(free_port()), "-m", "s2r_hf.cli"]
    out = tmp_path / "ddp"
    args = ["fit-difficulty", "--config", str(RECIPE), "--synthetic-rows", "150", "--max-length", "48"]
    args += ["--num-train-epochs", "1", "--per-device-train-batch-size", "5", "--output-dir", str(out)]
    env = without_launcher_vars({**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"})
    env["TOKENIZERS_PARALLELISM"] = "false"
    proc = subprocess.run([*launch, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    metrics = json.loads((out / "s2r_difficulty.json").read_text())["metrics"]
    assert metrics["processes"] == 2 and "on 2 process(es)" in proc.stderr
    assert metrics["train_rows"] == 135 and metrics["global_step"] == 14  # ceil(135 / (5 × 2 ranks))
    assert metrics["heldout"]["rows"] == 15 and len(metrics["calibration"]) == 10


@pytest.mark.slow
def test_passrate_labels_sample_with_the_real_scorer(tmp_path):
    """--labels passrate through the real pass-rate scorer (the tiny judge sampling 2 short solutions per row)."""
    out = tmp_path / "passrate"
    args = ["fit-difficulty", "--config", str(RECIPE), "--labels", "passrate", "--sample", "8"]
    args += [
        "--passrate-samples",
        "2",
        "--passrate-max-new-tokens",
        "4",
        "--max-length",
        "48",
        "--output-dir",
        str(out),
    ]
    proc = run(args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    labels = json.loads((out / "s2r_difficulty.json").read_text())["labels"]
    assert labels["source"].startswith("passrate") and labels["rows_labelled"] == 8
    assert labels["skipped"] == {"not sampled": 1992} and 0.0 <= labels["mean"] <= 1.0
