"""`s2r eval` → `s2r card` end to end: the real CLI, lighteval's transformers backend, the tiny local model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from s2r_hf.eval.tasks import BENCHMARKS
from tests.conftest import ROOT, S2R
from tests.eval_data import BENCHMARK_ROWS, write_benchmark

TASKS = tuple(BENCHMARKS)  # every benchmark, 3 local problems each
BENCHMARK_FILES = {key: name for key, (name, _) in BENCHMARK_ROWS.items()}


def run(args: list[str], timeout: int = 400) -> subprocess.CompletedProcess:
    return subprocess.run([*S2R, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=os.environ)


@pytest.mark.parametrize("command", ["eval", "card"])
def test_help(command):
    proc = run([command, "--help"], timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "--model" in proc.stdout
    assert ("--push" if command == "card" else "--data-dir") in proc.stdout


def test_eval_rejects_unknown_task(tmp_path):
    proc = run(["eval", "--model", "x", "--output-dir", str(tmp_path), "--tasks", "aime24,nope"], timeout=120)
    assert proc.returncode == 2 and "unknown task(s) nope" in proc.stderr


def _assert_whole_prompts(out, model) -> None:
    """Every prompt reached the model whole (system turn first), though the answer budget (16) is far shorter
    than the prompts: lighteval 0.13 cut prompts to the budget when it came as a model setting."""
    import pyarrow.parquet as pq
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    details = list(out.rglob("details_*.parquet"))
    assert details
    for path in details:
        for row in pq.read_table(path).to_pylist():
            tokens = list(row["model_response"]["input_tokens"])
            while tokens and tokens[0] in (tokenizer.pad_token_id, tokenizer.eos_token_id):  # left padding of the batch
                tokens.pop(0)
            assert len(tokens) > 16 and tokenizer.decode(tokens).startswith("<|im_start|>system\n"), path


@pytest.mark.slow
def test_eval_then_card(tmp_path, tiny_judge):
    from huggingface_hub import ModelCard

    from s2r_hf.eval.results import collect

    for key in TASKS:
        write_benchmark(tmp_path / "data", key)
    model = tmp_path / "model"
    shutil.copytree(tiny_judge, model)
    out = tmp_path / "eval"
    command = [
        *("eval", "--model", str(model), "--tasks", ",".join(TASKS), "--data-dir", str(tmp_path / "data")),
        *("--output-dir", str(out), "--greedy", "--max-new-tokens", "16", "--save-details"),
    ]
    proc = run(command)
    assert proc.returncode == 0, proc.stderr[-4000:]
    _assert_whole_prompts(out, model)
    files = list(out.rglob("results_*.json"))
    assert len(files) == 1
    results = json.loads(files[0].read_text())["results"]
    generation = json.loads(files[0].read_text())["config_general"]["model_config"]["generation_parameters"]
    assert (generation["repetition_penalty"], generation["seed"]) == (1.05, 42)  # the paper's protocol by default
    for key in TASKS:
        scores = results[f"s2r_{key}|0"]
        assert 0.0 <= scores["pass@1"] <= 1.0 and "maj@1" in scores
        assert 0 < scores["response_tokens"] <= 16
    assert set(os.listdir(model)) == set(os.listdir(tiny_judge))  # no lighteval cache inside the model folder
    _assert_details(out, results)

    for _ in range(2):  # the second run must replace, not duplicate
        proc = run(["card", "--model", str(model), "--results", str(out)], timeout=120)
        assert proc.returncode == 0, proc.stderr[-3000:]
    card = ModelCard.load(model / "README.md")
    entries = card.data.eval_results
    assert len(entries) == len(TASKS) * 3
    assert {(e.dataset_name, e.metric_type) for e in entries} == {
        (k, m) for k in TASKS for m in ("pass@1", "maj@1", "response_tokens")
    }
    again = ModelCard(str(card))  # model-index round-trips
    assert again.data.eval_results == entries
    assert card.text.count("<!-- s2r-eval:start -->") == 1 and "DeepSeek-R1-Distill-Qwen-7B" in card.text
    versions = ("lighteval 0.13", "math-verify ", "latex2sympy2_extended ", "transformers ", "torch ")
    assert all(v in card.text for v in versions), card.text[-1500:]
    for key in TASKS:
        pass1 = next(e for e in entries if e.dataset_name == key and e.metric_type == "pass@1")
        record = json.loads((out / "details" / f"{key}.json").read_text())
        low, high = record["summary"]["ci95"]
        assert pass1.metric_args["ci95"] == [round(100 * low, 2), round(100 * high, 2)]
        assert pass1.metric_args["protocol"] == "paper" and pass1.metric_args["repetition_penalty"] == 1.05
        assert pass1.metric_args["n"] == 1 and pass1.metric_args["problems"] == 3
        # the local copies are named as such, never as the Hub dataset; the smoke settings are flagged
        assert pass1.dataset_type == f"local: {key}/{BENCHMARK_FILES[key]}"
        assert pass1.metric_name.startswith("pass@1 (not comparable with the paper: ")
        assert "≤16 answer tokens" in pass1.metric_name
        assert f"| {key} | {pass1.metric_value:.1f} | {100 * low:.1f}–{100 * high:.1f} | 1 × 3 |" in card.text
        assert (model / "eval_details" / f"{key}.jsonl").read_bytes() == (out / "details" / f"{key}.jsonl").read_bytes()
    assert not (model / ".eval_results").exists() or not list((model / ".eval_results").iterdir())

    # --answer-from changes grading only: the same command with it generates nothing, re-grades, and says so
    proc = run([*command, "--answer-from", "final"])
    assert proc.returncode == 0, proc.stderr[-4000:]
    cached = f"Cache: {3 * len(TASKS)}/{3 * len(TASKS)} samples are cached"
    assert "Starting to process" not in proc.stderr and cached in proc.stderr
    record = json.loads((out / "details" / "math_500.json").read_text())
    assert record["protocol"] == {"name": "custom", "repetition_penalty": 1.05, "seed": 42, "answer_from": "final"}
    row = next(r for r in collect(out) if (r.benchmark, r.metric) == ("math_500", "pass@1"))
    assert "answer: after `</think>`" in row.setting and "--answer-from final" in row.deviation


def _assert_details(out, results) -> None:
    """OUTPUT/details/<task>.jsonl: one line per answer, graded as the metric graded it; <task>.json: the run."""
    for key in TASKS:
        lines = [json.loads(line) for line in (out / "details" / f"{key}.jsonl").read_text().splitlines()]
        assert sorted(r["index"] for r in lines) == [0, 1, 2] and {r["sample"] for r in lines} == {0}
        assert all(r["task"] == key and r["prompt"] and isinstance(r["correct"], bool) for r in lines)
        assert all("response" in r and "extracted" in r and "gold" in r for r in lines)
        assert sum(r["correct"] for r in lines) / 3 == results[f"s2r_{key}|0"]["pass@1"]
        record = json.loads((out / "details" / f"{key}.json").read_text())
        assert record["protocol"] == {"name": "paper", "repetition_penalty": 1.05, "seed": 42, "answer_from": "full"}
        assert record["results_file"] == next(out.rglob("results_*.json")).name
        assert record["summary"]["problems"] == 3 and record["max_new_tokens"] == 16
        assert record["data"] == f"local: {key}/{BENCHMARK_FILES[key]}"  # a name, not a path
        assert {"lighteval", "math-verify", "latex2sympy2_extended", "transformers", "torch"} <= set(record["versions"])


@pytest.mark.slow
def test_plain_lighteval_runs_the_exported_configs(tmp_path, tiny_judge):
    """`s2r eval --export-lighteval` → run.sh → `s2r-lighteval accelerate <yaml> ... --custom-tasks tasks.py`."""
    import sys

    import yaml

    from s2r_hf.eval.results import collect
    from s2r_hf.prompts import REASONING_SYSTEM_PROMPT

    write_benchmark(tmp_path / "data", "math_500")
    out, export = tmp_path / "eval", tmp_path / "lighteval"
    proc = run(
        [
            *("eval", "--model", str(tiny_judge), "--tasks", "math_500", "--data-dir", str(tmp_path / "data")),
            *("--output-dir", str(out), "--greedy", "--max-new-tokens", "8", "--export-lighteval", str(export)),
        ]
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not out.exists()  # exported, not evaluated
    config = yaml.safe_load((export / "greedy.yaml").read_text())["model_parameters"]
    assert config["system_prompt"] == REASONING_SYSTEM_PROMPT and config["model_name"] == str(tiny_judge)
    # the transformers backend gets the budget through the tasks (S2R_EVAL_MAX_NEW_TOKENS), never as a model
    # setting, which lighteval would also apply to the prompts
    assert "max_new_tokens" not in config["generation_parameters"] and config["device"] == "cpu"
    script = (export / "run.sh").read_text()
    assert "s2r-lighteval accelerate" in script and "'s2r_math_500|0'" in script and "--custom-tasks" in script
    assert "S2R_EVAL_MAX_NEW_TOKENS=8 " in script

    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    ran = subprocess.run(["bash", str(export / "run.sh")], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-4000:]
    rows = {(r.benchmark, r.metric): r.value for r in collect(out)}
    assert 0.0 <= rows[("math_500", "pass@1")] <= 1.0 and 0 < rows[("math_500", "response_tokens")] <= 8


def _cached_answers(out) -> dict[str, list[str]]:
    """sample id → generated texts, from lighteval's answer cache under ``out``."""
    import pyarrow.parquet as pq

    answers = {}
    for path in out.joinpath(".lighteval_cache").rglob("GENERATIVE.parquet"):
        answers.update({r["sample_id"]: r["sample"]["text"] for r in pq.read_table(path).to_pylist()})
    return answers


@pytest.mark.slow
def test_killed_eval_resumes_where_it_stopped(tmp_path, tiny_judge):
    """SIGKILL mid-run, re-run the same command: only the missing problems are generated, and every answer
    and score equals an uninterrupted run's."""
    import signal
    import time

    from s2r_hf.eval.results import collect
    from tests.eval_data import write_rows

    rows = [{"problem": f"Compute ${i} + {i}$.", "answer": str(2 * i)} for i in range(12)]
    write_rows(tmp_path / "data", "math_500", "test.jsonl", rows)
    common = ["eval", "--model", str(tiny_judge), "--tasks", "math_500", "--data-dir", str(tmp_path / "data")]
    common += ["--greedy", "--max-new-tokens", "48", "--chunk-size", "2"]
    out = tmp_path / "eval"
    command = [*S2R, *common, "--output-dir", str(out)]
    killed = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ)
    deadline = time.monotonic() + 300
    while not _cached_answers(out) and time.monotonic() < deadline and killed.poll() is None:
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    assert killed.wait(timeout=60) == -signal.SIGKILL, "finished before it could be killed: make it slower"
    done = len(_cached_answers(out))
    assert 2 <= done < len(rows) and not list(out.rglob("results_*.json"))

    proc = run([*common, "--output-dir", str(out)])
    assert proc.returncode == 0, proc.stderr[-4000:]
    generated = proc.stderr.count("Cache: Starting to process 2/2 samples")
    assert generated == (len(rows) - done) // 2 and proc.stderr.count("Cache: 2/2 samples are cached") == done // 2

    clean = tmp_path / "clean"
    proc = run([*common, "--output-dir", str(clean), "--no-resume"])
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert _cached_answers(out) == _cached_answers(clean) and len(_cached_answers(clean)) == len(rows)
    assert [(r.metric, r.value) for r in collect(out)] == [(r.metric, r.value) for r in collect(clean)]


def test_unreachable_benchmark_data_is_one_line_naming_the_fix(tmp_path, tiny_judge):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [*S2R, "eval", "--model", str(tiny_judge), "--tasks", "aime24", "--output-dir", str(tmp_path), "--greedy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert "could not load aime24's data from HuggingFaceH4/aime_2024" in last and "--data-dir" in last


@pytest.mark.slow
def test_paper_recipe_through_the_cli_exports_its_settings(tmp_path, tiny_judge):
    """`s2r eval --config recipes/eval/paper.yaml` with size overrides: the real CLI resolves the recipe into the
    commands plain lighteval would run (no generation: fast)."""
    write_benchmark(tmp_path / "data", "math_500")
    export = tmp_path / "lighteval"
    proc = run(
        [
            *("eval", "--config", "recipes/eval/paper.yaml", "--model", str(tiny_judge), "--tasks", "math_500"),
            *("--data-dir", str(tmp_path / "data"), "--output-dir", str(tmp_path / "eval"), "--greedy"),
            *("--max-new-tokens", "8", "--export-lighteval", str(export)),
        ],
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    script = (export / "run.sh").read_text()
    assert "repetition penalty 1.05, seed 42, answer from the full response" in script
    assert "S2R_EVAL_MAX_NEW_TOKENS=8 " in script and "--no-remove-reasoning-tags" in script


@pytest.mark.slow
def test_lighteval_recipe_runs_on_the_tiny_model(tmp_path, tiny_judge):
    """`s2r eval --config recipes/eval/lighteval.yaml` end to end (tiny model, 1 problem, 4 tokens): the run
    record says lighteval's protocol, and the generation used its settings."""
    write_benchmark(tmp_path / "data", "math_500")
    out = tmp_path / "eval"
    proc = run(
        [
            *("eval", "--config", "recipes/eval/lighteval.yaml", "--model", str(tiny_judge), "--tasks", "math_500"),
            *("--data-dir", str(tmp_path / "data"), "--output-dir", str(out), "--greedy"),
            *("--max-new-tokens", "4", "--max-samples", "1"),
        ]
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    record = json.loads((out / "details" / "math_500.json").read_text())
    assert record["protocol"] == {"name": "lighteval", "repetition_penalty": 1.0, "seed": 1234, "answer_from": "final"}
    assert record["max_new_tokens"] == 4 and record["max_samples"] == 1
    generation = json.loads(next(out.rglob("results_*.json")).read_text())["config_general"]["model_config"]
    assert generation["generation_parameters"]["repetition_penalty"] == 1.0
