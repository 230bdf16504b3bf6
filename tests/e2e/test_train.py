"""`s2r train` from the command line, and under `accelerate launch` with two real CPU ranks.

accelerate 1.15 on CPU (ENVIRONMENT.md): only a MULTI_GPU launch with use_cpu starts two ranks, and only when
the code asks for CPU (the recipe's `use_cpu: true`) do they form one MULTI_CPU group; otherwise each process
trains alone as "rank 0 of 1" and exits green. So the two-rank test checks which ranks reported back and how
many optimizer steps one epoch took, not only the exit code.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, S2R, without_launcher_vars

DEMO = ROOT / "recipes" / "tiny-qwen2" / "sft" / "config_demo.yaml"
SELECT_DEMO = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_10pct.yaml"
CPU_LAUNCH = ROOT / "recipes" / "accelerate_configs" / "cpu.yaml"


def run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([*S2R, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_train_help_lists_every_option():
    from s2r_hf.configs import SubsetArguments

    top = run(["--help"])
    assert top.returncode == 0 and "train" in top.stdout
    proc = run(["train", "--help"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    for f in dataclasses.fields(SubsetArguments):
        assert f"--{f.name}" in proc.stdout, f.name
        assert f.metadata.get("help"), f"option {f.name} has no help text"
    for flag in ("--config", "--learning_rate", "--max_length", "--model_name_or_path", "--assistant_only_loss"):
        assert flag in proc.stdout, flag


def test_bad_recipe_fails_with_one_line_naming_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEMO.read_text() + "warmup_ratio: 0.1\n")
    proc = run(["train", "--config", str(bad)])
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("s2r train: error:") and "warmup_ratio" in last and "Traceback" not in proc.stderr
    proc = run(["train", "--config", str(DEMO), "--dataset_name", str(tmp_path / "missing")])
    assert proc.returncode == 2 and "could not load the subset" in proc.stderr.strip().splitlines()[-1]


@pytest.mark.slow
def test_two_cpu_ranks_train_on_a_fresh_selection(tmp_path):
    env = without_launcher_vars({**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"})
    subset = tmp_path / "subset"
    select = [*S2R, "select", "--config", str(SELECT_DEMO), "--synthetic-rows", "300", "--count", "16"]
    proc = subprocess.run(
        [*select, "--output-dir", str(subset)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]

    out = tmp_path / "model"
    launch = [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(CPU_LAUNCH)]
    launch += ["--num_processes", "2", "--main_process_port", str(free_port()), "-m", "s2r_hf.train"]
    train = ["--config", str(DEMO), "--dataset_name", str(subset), "--output_dir", str(out), "--max_steps", "-1"]
    proc = subprocess.run([*launch, *train], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]

    record = json.loads((out / "s2r_train.json").read_text())
    compute, hyper = record["compute"], record["hyperparameters"]
    # two distinct processes joined one MULTI_CPU group and reported back through a collective
    assert [r["rank"] for r in compute["ranks"]] == [0, 1]
    assert len({r["pid"] for r in compute["ranks"]}) == 2
    assert hyper["distributed"] == "MULTI_CPU" and hyper["processes"] == 2 and hyper["global_batch"] == 4
    # 16 rows, 1 per device x 2 accumulation: one epoch is 4 steps on 2 ranks (it would be 8 on one)
    assert compute["epochs"] == 1.0 and compute["global_step"] == 4
    log = json.loads((out / "trainer_state.json").read_text())["log_history"]
    losses = [h["loss"] for h in log if "loss" in h]
    assert len(losses) == 4 and all(0 < v < 20 for v in losses)
    assert record["data"]["rows_in"] == 16 and record["data"]["truncated"] == 16  # the demo truncates, and says so
    assert "will be TRUNCATED" in proc.stderr
    assert record["dataset"]["kind"] == "selection" and record["dataset"]["strategy"] == "s2r"
    assert compute["steps_per_second"] > 0 and compute["tokens_per_second"] > 0
    from huggingface_hub import ModelCard

    card = ModelCard.load(out / "README.md")
    assert "select2reason" in card.data.tags and "2 CPU process(es)" in card.text
    gen = json.loads((out / "generation_config.json").read_text())
    tok = json.loads((out / "tokenizer_config.json").read_text())
    assert tok["eos_token"] == "<|im_end|>" and gen["eos_token_id"] in (2, [2])
    print(
        f"\n2 CPU ranks: {compute['global_step']} steps in {compute['wall_time_s']:.2f} s = "
        f"{compute['steps_per_second']:.2f} steps/s, {compute['tokens_per_second']:.0f} tokens/s"
    )
    assert Path(out / "model.safetensors").is_file()
