"""The real `s2r` CLI in a subprocess, end to end on the embedded default (synthetic pool, tiny judge)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, S2R

DEMO = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_10pct.yaml"


def run(args: list[str], env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*S2R, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


def small(out: Path, *extra: str) -> list[str]:
    """A fast selection on 400 synthetic rows."""
    return ["select", "--config", str(DEMO), "--synthetic-rows", "400", "--output-dir", str(out), *extra]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The README's main command, unchanged but for the output folder."""
    out = tmp_path_factory.mktemp("demo") / "out"
    proc = run(["select", "--config", str(DEMO), "--output-dir", str(out)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc


def test_help_lists_every_option():
    from s2r_hf.cli import SELECT_CONFIGS

    top = run(["--help"])
    assert top.returncode == 0 and "select" in top.stdout and "push" in top.stdout
    sel = run(["select", "--help"])
    assert sel.returncode == 0
    for cfg in SELECT_CONFIGS:
        for f in dataclasses.fields(cfg):
            assert f"--{f.name}" in sel.stdout, f"--{f.name} missing from `s2r select --help`"
            assert f.metadata.get("help"), f"option {f.name} has no help text"
    assert "--config" in sel.stdout
    push = run(["push", "--help"])
    assert push.returncode == 0 and "--repo" in push.stdout


def test_demo_outputs_are_complete_and_consistent(demo_run):
    from datasets import load_dataset
    from huggingface_hub import DatasetCard

    out, _ = demo_run
    manifest = json.loads((out / "manifest.json").read_text())
    subset = load_dataset(str(out), split="train")
    counts = manifest["counts"]
    assert len(subset) == counts["selected"] == len(manifest["selected_ids"])
    assert subset["id"] == manifest["selected_ids"]  # same rows, same order
    assert counts["selected"] == round(0.10 * counts["scored"])
    # the random tiny judge's difficulty is noise, and the card says so with the number
    agreement = manifest["synthetic_difficulty"]
    assert abs(agreement["spearman"]) < 0.2 and agreement["rows"] == counts["scored"]
    card_text = " ".join((out / "README.md").read_text().split())
    assert "The synthetic pool's difficulty is synthetic" in card_text
    assert f"Spearman ρ = {agreement['spearman']:.3f} over {counts['scored']} scored rows" in card_text
    # the three planted benchmark problems (pool rows 3, 17, 42), plus any pool row repeating one of them
    import pyarrow.parquet as pq

    dropped = pq.read_table(out / "dropped.parquet").to_pydict()
    contaminated_rows = {r for r, why in zip(dropped["row"], dropped["reason"], strict=True) if why == "contaminated"}
    assert {3, 17, 42} <= contaminated_rows
    assert counts["decontaminated"] == {"synthetic": len(contaminated_rows)}
    assert set(counts["normalise_dropped"]) <= {"no_verified_trace", "incomplete_reasoning", "bad_field"}
    row = subset[0]
    assert [m["role"] for m in row["messages"]] == ["user", "assistant"]
    assert row["messages"][1]["content"] == row["response"] and row["messages"][0]["content"] == row["problem"]
    assert subset["selection_rank"] == list(range(len(subset)))
    joint = subset["joint_rank"]
    assert joint == sorted(joint)  # best first
    # the subset really is the top of the joint ranking over the whole scored pool
    scores = pq.read_table(out / "scores.parquet").to_pydict()
    cutoff = max(joint)
    assert sum(j <= cutoff for j in scores["joint_rank"]) >= len(subset)
    assert sum(scores["selected"]) == len(subset)
    assert len(dropped["id"]) == counts["pool_rows"] - counts["scored"]
    card = DatasetCard.load(out / "README.md")
    assert card.data.configs[0]["data_files"][0]["path"] == "data/train-*"
    assert "select2reason" in card.data.tags
    assert "Joint rank = 0.25" in card.text and "scores.png" in card.text
    assert (out / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_manifest_rematerialises_identical_subset(demo_run):
    from datasets import load_dataset

    from s2r_hf.manifest import materialise

    out, _ = demo_run
    saved = load_dataset(str(out), split="train")
    rebuilt = materialise(out / "manifest.json")
    assert len(rebuilt) == len(saved)
    for name in ("id", "problem", "response", "answer", "messages"):
        assert rebuilt[name] == saved[name], name


def test_rerank_from_cache_and_other_strategies(demo_run, tmp_path):
    """A new weight re-ranks from the cache (no judge rows to score) and picks a different subset."""
    out, _ = demo_run
    first = json.loads((out / "manifest.json").read_text())["selected_ids"]
    proc = run(["select", "--config", str(DEMO), "--weight", "1.0", "--output-dir", str(tmp_path / "w1")])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert re.search(r"difficulty: \d+ rows cached, 0 to score", proc.stderr)
    assert "loading judge" not in proc.stderr
    second = json.loads((tmp_path / "w1" / "manifest.json").read_text())["selected_ids"]
    assert len(second) == len(first) and second != first
    for strategy in ("random", "length", "stratified"):
        proc = run(small(tmp_path / strategy, "--strategy", strategy))
        assert proc.returncode == 0, (strategy, proc.stderr[-2000:])
        assert "difficulty:" not in proc.stderr  # baselines without difficulty never touch the judge


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--ratio", "1.5"], "--ratio must be in (0, 1]"),
        (["--strategy", "best"], "--strategy must be one of"),
        (["--ratio", "0.1", "--count", "5"], "give one budget"),
        (["--weight", "2"], "--weight must be in [0, 1]"),
        (["--token-budget", "100", "--length-unit", "chars"], "--length-unit"),
        (["--pool-format", "sharegpt"], "--pool-format must be one of"),
    ],
)
def test_bad_options_fail_with_one_line(tmp_path, extra, needle):
    proc = run(small(tmp_path / "out", *extra))
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("s2r select: error:") and needle in last, proc.stderr[-1500:]
    assert "Traceback" not in proc.stderr


def test_output_dir_not_empty_needs_overwrite(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    args = [
        "select",
        "--pool",
        "s2r:synthetic-openr1",
        "--synthetic-rows",
        "50",
        "--judge",
        "s2r:tiny-judge",
        "--decontam-benchmarks",
        "s2r:synthetic-benchmark",
        "--output-dir",
        str(out),
    ]
    proc = run(args)
    assert proc.returncode == 2 and "did not write: keep.txt" in proc.stderr
    assert (out / "keep.txt").read_text() == "mine"


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_empty_pool_after_filters_and_bad_rows(tmp_path):
    from s2r_hf.synthetic import openr1_rows

    rows = list(openr1_rows(6, seed=3))
    for r in rows:
        r["correctness_math_verify"] = [False] * len(r["generations"])
        r["correctness_llama"] = [False] * len(r["generations"])
    pool = _write_jsonl(tmp_path / "none_verified.jsonl", rows)
    proc = run(
        [
            "select",
            "--pool",
            str(pool),
            "--judge",
            "s2r:tiny-judge",
            "--no_decontaminate",
            "--output-dir",
            str(tmp_path / "o1"),
        ]
    )
    assert proc.returncode == 2 and "empty after normalising" in proc.stderr and "no_verified_trace" in proc.stderr

    good = list(openr1_rows(20, seed=4))
    good[5]["problem"] = None
    pool = _write_jsonl(tmp_path / "bad_row.jsonl", good)
    base = ["select", "--pool", str(pool), "--judge", "s2r:tiny-judge", "--no_decontaminate", "--count", "3"]
    proc = run([*base, "--on-bad-row", "error", "--output-dir", str(tmp_path / "o2")])
    assert proc.returncode == 2 and "pool row 5" in proc.stderr and "'problem'" in proc.stderr
    proc = run([*base, "--output-dir", str(tmp_path / "o3")])
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = json.loads((tmp_path / "o3" / "manifest.json").read_text())
    assert manifest["counts"]["normalise_dropped"].get("bad_field") == 1


def test_unknown_yaml_key_is_named(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(DEMO.read_text() + "wieght: 0.3\n")
    proc = run(["select", "--config", str(cfg), "--output-dir", str(tmp_path / "o")])
    assert proc.returncode == 2 and "wieght" in proc.stderr


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    block = re.search(r"# 2\. run the tests\n(.+)\n", readme).group(1)
    assert block.split("&& ")[-1].strip() in ci
    demo_cmd = re.search(r"# 1\..*\n(.+)\n", readme).group(1)
    assert str(DEMO.relative_to(ROOT)) in demo_cmd
    assert sys.executable  # the suite itself runs under the interpreter .ci/run installed


def test_two_outputs_in_same_named_folders_load_their_own_rows(demo_run, tmp_path):
    """datasets 5.2 caches a carded folder by its name; our card's dataset_info keeps them apart."""
    from datasets import load_dataset

    out, _ = demo_run
    other = tmp_path / "elsewhere" / out.name
    proc = run(small(other, "--count", "7"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(load_dataset(str(other), split="train")) == 7
    assert (
        len(load_dataset(str(out), split="train"))
        == json.loads((out / "manifest.json").read_text())["counts"]["selected"]
    )


def test_sharegpt_jsonl_pool_auto_format(tmp_path):
    """A ShareGPT `system` + `conversations` pool (Bespoke-Stratos / OpenThoughts schema) from a jsonl file."""
    from datasets import load_dataset

    rows = [
        {
            "system": "Your role as an assistant involves thoroughly exploring questions … long thinking process.",
            "conversations": [
                {
                    "from": "user",
                    "value": f"Return your final response within \\boxed{{}}. Compute ${i} \\times 7$ — ∑?",
                },
                {
                    "from": "assistant",
                    "value": f"<|begin_of_thought|>\n\n{i}·7 … wait, check: {7 * i}.\n\n<|end_of_thought|>\n\n"
                    f"<|begin_of_solution|>\n\n$\\boxed{{{7 * i}}}$\n\n<|end_of_solution|>",
                },
            ],
        }
        for i in range(12)
    ]
    rows[4]["conversations"] = rows[4]["conversations"][:1]  # no assistant turn: dropped, counted
    pool = _write_jsonl(tmp_path / "stratos.jsonl", rows)
    out = tmp_path / "out"
    args = ["select", "--pool", str(pool), "--pool-format", "auto", "--judge", "s2r:tiny-judge"]
    proc = run([*args, "--no_decontaminate", "--count", "3", "--num-threads", "1", "--output-dir", str(out)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    assert (counts["pool_rows"], counts["normalise_dropped"], counts["selected"]) == (12, {"bad_field": 1}, 3)
    subset = load_dataset(str(out), split="train")
    assert len(subset) == 3
    assert all(r.startswith("<|begin_of_thought|>") for r in subset["response"])
