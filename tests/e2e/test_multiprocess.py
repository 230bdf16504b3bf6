"""`accelerate launch` with two real CPU ranks: the judge's work is split, and the selection is unchanged.

accelerate 1.15 on CPU (ENVIRONMENT.md): `--cpu`/MULTI_CPU launch ONE process; `--multi_gpu` starts two,
and our `PartialState(cpu=True)` makes them ranks 0 and 1 of a MULTI_CPU group. Without that flag both
processes would each score everything as "rank 0 of 1" and a green run would prove nothing, so this test
checks the score parts each rank wrote, not just the exit code.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, S2R, without_launcher_vars

pytestmark = pytest.mark.slow

POOL_ROWS = 400


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def select_args(cache: Path, out: Path) -> list[str]:
    return [
        "select",
        "--pool",
        "s2r:synthetic-openr1",
        "--synthetic-rows",
        str(POOL_ROWS),
        "--judge",
        "s2r:tiny-judge",
        "--decontam-benchmarks",
        "s2r:synthetic-benchmark",
        "--judge-dtype",
        "float32",
        "--checkpoint-every",
        "50",
        "--cache-dir",
        str(cache),
        "--output-dir",
        str(out),
    ]


def fresh_cache(tmp: Path, name: str, tiny_judge: Path) -> Path:
    """An empty score cache holding a copy of the session's tiny judge (saves rebuilding it per run)."""
    cache = tmp / name
    shutil.copytree(tiny_judge, cache / "builtin" / "tiny-qwen2-judge")
    return cache


def run(cmd: list[str], cache: Path, **env: str) -> subprocess.CompletedProcess:
    environ = without_launcher_vars(
        {
            **os.environ,
            "S2R_HF_CACHE": str(cache),
            "HF_HUB_OFFLINE": "1",
            "HF_DATASETS_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
            **env,
        }
    )
    proc = subprocess.run(cmd, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"{' '.join(cmd[:8])} … failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


def test_two_cpu_ranks_split_the_judge_and_select_the_same_rows(tiny_judge, tmp_path):
    import pyarrow.parquet as pq

    launch = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--multi_gpu",
        "--num_processes",
        "2",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "--main_process_port",
        str(free_port()),
        "-m",
        "s2r_hf.cli",
    ]
    multi_cache, single_cache = (
        fresh_cache(tmp_path, "cache-2", tiny_judge),
        fresh_cache(tmp_path, "cache-1", tiny_judge),
    )
    multi_out, single_out = tmp_path / "out-2", tmp_path / "out-1"
    # One thread per rank: two ranks share this machine's cores.
    multi = run([*launch, *select_args(multi_cache, multi_out)], multi_cache, OMP_NUM_THREADS="1")
    run([*S2R, *select_args(single_cache, single_out)], single_cache)

    assert "over 2 process(es)" in multi.stderr

    # (a) Two distinct ranks wrote score parts, and between them scored every row exactly once.
    stores = [d for d in (multi_cache / "scores").iterdir() if d.is_dir()]
    assert len(stores) == 1
    parts = sorted(stores[0].glob("part-*.parquet"))
    by_rank: dict[str, list[str]] = {}
    for part in parts:
        rank = part.name.rsplit("-", 1)[1]
        by_rank.setdefault(rank, []).extend(pq.read_table(part).column("id").to_pylist())
    assert sorted(by_rank) == ["r000.parquet", "r001.parquet"], [p.name for p in parts]
    rank0, rank1 = set(by_rank["r000.parquet"]), set(by_rank["r001.parquet"])
    assert rank0 and rank1 and not rank0 & rank1
    assert len(by_rank["r000.parquet"]) + len(by_rank["r001.parquet"]) == len(rank0 | rank1)
    manifest = json.loads((multi_out / "manifest.json").read_text())
    assert len(rank0 | rank1) == manifest["counts"]["scored"]
    assert all(len(pq.read_table(p)) <= 50 for p in parts)  # --checkpoint-every 50: one part per chunk
    assert len(parts) >= 2 * 3

    # (b) The same selection, in the same order, and the same scores as one process.
    single = json.loads((single_out / "manifest.json").read_text())
    assert manifest["selected_ids"] == single["selected_ids"]
    assert len(manifest["selected_ids"]) > 0
    scores_multi, scores_single = (
        pq.read_table(multi_out / "scores.parquet"),
        pq.read_table(single_out / "scores.parquet"),
    )
    assert scores_multi.column("id").to_pylist() == scores_single.column("id").to_pylist()
    for name in ("difficulty", "judge_mass"):
        np.testing.assert_allclose(
            scores_multi.column(name).to_numpy(), scores_single.column(name).to_numpy(), rtol=0, atol=1e-5
        )
    single_parts = sorted((single_cache / "scores").rglob("part-*.parquet"))
    assert single_parts and all(p.name.endswith("-r000.parquet") for p in single_parts)
