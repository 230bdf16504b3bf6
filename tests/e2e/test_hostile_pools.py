"""A hostile OpenR1-schema pool through the real CLI, `s2r select` then `s2r train`: shards named by a quoted
pattern (one with a BOM and CRLF line ends, one gzip-compressed), correctness flags written as text, RTL / emoji /
zero-width / LaTeX problems, a 200k-character trace. The subset must hold the right trace of each row verbatim,
and train must run on it."""

from __future__ import annotations

import gzip
import json

import pyarrow.parquet as pq

from tests.conftest import ROOT
from tests.e2e.test_cli import run

DEMO = ROOT / "recipes" / "tiny-qwen2" / "sft" / "config_demo.yaml"
PROBLEMS = ["מהו \u202e$x$\u202c? 🚀", "zero\u200bwidth \\$5", "$\\boxed{\\frac{\\boxed{1}}{2}}$", "Ünï 等一下"]


def _row(i: int) -> dict:
    wrong, right = (
        f"<think>wrong {i}</think> 0",
        f"<think>right {i}" + (" Wait." * 40_000 if i == 0 else "") + "</think> 1",
    )
    return {
        "problem": PROBLEMS[i],
        "answer": "1",
        "uuid": f"hostile-{i}",
        "generations": [wrong, right],
        "correctness_math_verify": ["false", "true"],  # a str-typed export: trace 1 is the verified one
        "correctness_llama": None,
        "is_reasoning_complete": [True, True],
        "messages": [{"role": "user", "content": PROBLEMS[i]}, {"role": "assistant", "content": wrong}],
    }


def test_hostile_pool_select_then_train(tmp_path):
    shards = tmp_path / "pool"
    shards.mkdir()
    lines = [json.dumps(_row(i), ensure_ascii=False) for i in range(4)]
    (shards / "train-0.jsonl").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines[:2]).encode() + b"\r\n\r\n")
    (shards / "train-1.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines[2:]) + "\n").encode()))
    out = tmp_path / "sel"
    common = ["--judge", "s2r:tiny-judge", "--no_decontaminate", "--num-threads", "1", "--strategy", "length"]
    proc = run(["select", "--pool", str(shards / "train-*"), *common, "--count", "2", "--output-dir", str(out)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    scores = {r["id"]: r for r in pq.read_table(out / "scores.parquet").to_pylist()}
    assert sorted(scores) == [f"hostile-{i}" for i in range(4)]
    assert {r["trace_index"] for r in scores.values()} == {1}
    subset = pq.read_table(next((out / "data").glob("train-*.parquet"))).to_pylist()
    assert subset[0]["id"] == "hostile-0" and len(subset[0]["response"]) > 200_000  # longest first, whole
    for row in subset:
        i = int(row["id"].split("-")[1])
        assert row["problem"] == PROBLEMS[i] and row["response"] == _row(i)["generations"][1]
    train = ["--config", str(DEMO), "--dataset_name", str(out), "--output_dir", str(tmp_path / "model")]
    proc = run(["train", *train, "--max_steps", "1", "--save_strategy", "no"], env={"OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads((tmp_path / "model" / "s2r_train.json").read_text())["data"]
    assert data["rows_in"] == data["rows_kept"] == 2 and data["truncated"] == 1 and data["dropped"] == {}
