"""The real `s2r select` CLI on rows of the public long-CoT pools (tests/data/real_pools, see SOURCES.md).

Each run uses the tiny judge and `--count 1`; the checks read the selected rows, scores.parquet and
dropped.parquet back, so they cover detection, trace choice and drop reporting as a user would see them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.e2e.test_cli import run

POOLS = Path(__file__).resolve().parents[1] / "data" / "real_pools"


def select(pool: Path, out: Path, *extra: str):
    args = ["select", "--pool", str(pool), "--judge", "s2r:tiny-judge", "--no_decontaminate", "--num-threads", "1"]
    return run([*args, "--count", "1", "--output-dir", str(out), *extra])


def outputs(out: Path) -> tuple[list[dict], list[dict], list[dict], dict]:
    subset = pq.read_table(next((out / "data").glob("train-*.parquet"))).to_pylist()
    scores = pq.read_table(out / "scores.parquet").to_pylist()
    dropped = pq.read_table(out / "dropped.parquet").to_pylist()
    return subset, scores, dropped, json.loads((out / "manifest.json").read_text())


def test_openr1_parquet_real_rows(tmp_path):
    proc = select(POOLS / "openr1_math_220k.parquet", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "pool format: openr1" in proc.stderr
    subset, scores, dropped, manifest = outputs(tmp_path / "out")
    assert manifest["counts"]["normalise_dropped"] == {} and dropped == []
    by_id = {r["id"]: r for r in scores}
    real = by_id["586fd646-76d6-5070-8c81-9993ab9d8559"]  # correctness_llama and finish_reasons are null
    assert (real["trace_index"], real["verified_by"], real["problem_type"], real["source"]) == (
        0,
        "math_verify",
        "Algebra",
        "olympiads",
    )
    assert (by_id["card-built-openr1-row-2"]["trace_index"], by_id["card-built-openr1-row-2"]["verified_by"]) == (
        1,
        "llama",
    )
    row = subset[0]
    assert row["problem"].startswith("## Task B-1.3.\n\nA ship traveling along a river")  # the longest trace wins
    assert row["response"].startswith("<think>\nOkay, so I need to find the speed of the ship")
    assert row["response"].endswith("\\(\\boxed{4}\\) km/h.")
    assert row["messages"] == [
        {"role": "user", "content": row["problem"]},
        {"role": "assistant", "content": row["response"]},
    ]


def test_messy_gzipped_pool_drops_and_names_bad_rows(tmp_path):
    proc = select(POOLS / "messy_openr1.jsonl.gz", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "dropped 5 malformed pool row(s): row 1 (id messy-no-problem): field 'problem' is missing" in proc.stderr
    subset, scores, dropped, manifest = outputs(tmp_path / "out")
    assert manifest["counts"]["normalise_dropped"] == {
        "bad_field": 5,
        "incomplete_reasoning": 1,
        "no_verified_trace": 1,
        "duplicate_id": 2,
    }
    why = {d["row"]: (d["id"], d["reason"], d["detail"]) for d in dropped}
    assert why[2] == ("messy-no-generations", "bad_field", "field 'generations' is missing")
    assert why[3] == ("messy-empty-trace", "bad_field", "generations[0] is empty or not a string")
    assert why[12] == ("messy-empty-problem", "bad_field", "field 'problem' is empty")
    assert why[7][1] == why[9][1] == "duplicate_id"  # same uuid; same problem without a uuid
    kept = {r["id"]: r for r in scores}
    assert set(kept) >= {"messy-unicode", "messy-huge", "messy-llama", "586fd646-76d6-5070-8c81-9993ab9d8559"}
    assert subset[0]["id"] == "messy-huge" and len(subset[0]["response"]) > 200_000  # kept whole, ranked longest
    assert kept["messy-unicode"]["length"] > 0
    stop = select(POOLS / "messy_openr1.jsonl.gz", tmp_path / "stop", "--on-bad-row", "error")
    assert stop.returncode == 2
    assert "pool row 1 (id messy-no-problem): field 'problem' is missing" in stop.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("pool", "problem_start", "response_start"),
    [
        ("bespoke_stratos_17k_h4.parquet", "Return your final response within \\boxed{}. Ms. Blackwell", "<|begin_of"),
        ("s1k_11.parquet", "Let $a,b$ be reals", "<think>\nOkay, so I need to prove that"),
    ],
)
def test_chat_and_s1k_pools(tmp_path, pool, problem_start, response_start):
    proc = select(POOLS / pool, tmp_path / "out", "--strategy", "length")
    assert proc.returncode == 0, proc.stderr[-2000:]
    subset, _, _, _ = outputs(tmp_path / "out")
    assert subset[0]["problem"].startswith(problem_start)
    assert subset[0]["response"].startswith(response_start)


def test_trl_prompt_completion_pool(tmp_path):
    """mlx-community/s1K-1.1 stores TRL's prompt + completion columns (card-built row): auto-detected."""
    proc = select(POOLS / "mlx_s1k_11_prompt_completion.parquet", tmp_path / "out", "--strategy", "length")
    assert proc.returncode == 0, proc.stderr[-2000:]
    subset, _, _, _ = outputs(tmp_path / "out")
    assert subset[0]["problem"] == "Q?" and subset[0]["response"] == "<think>…</think> 128"


def test_unknown_schema_says_what_to_do(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pool = tmp_path / "pool.parquet"
    pq.write_table(pa.Table.from_pylist([{"query": "Q?", "reply": "A"}]), pool)
    proc = select(pool, tmp_path / "out")
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert "cannot tell the pool format from its columns (query, reply" in last and "pass --pool-format" in last
    assert "Traceback" not in proc.stderr


def test_a_budget_that_keeps_every_row_says_so(tmp_path):
    proc = select(POOLS / "limo.jsonl", tmp_path / "out", "--count", "50")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "the budget keeps all 2 scored rows: nothing was selected out" in proc.stderr
