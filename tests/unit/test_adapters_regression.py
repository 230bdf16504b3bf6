"""Regression digest of every pool adapter over every real-pool fixture and some synthetic OpenR1 rows.

Why: the adapters were split out of one module (issue 16); the canonical rows they emit (kept or dropped,
with their drop details and notes) feed score-cache keys and manifests, so they must stay byte-identical.
Every adapter is applied to every row, whatever its format, so the drop paths (missing / empty / mistyped
fields) are covered as well as the kept rows. The expected digest was computed on the code BEFORE the split.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq

from s2r_hf.pools.adapters import ADAPTERS, openr1
from s2r_hf.synthetic import openr1_rows

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "real_pools"
EXPECTED = "af184197c1ceea8d90c416792af4393306f517cb15f2fbb525d8d1c4e567164b"


def fixture_rows(path: Path) -> list[dict]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def all_rows() -> list[dict]:
    files = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.suffix in (".parquet", ".jsonl", ".json", ".gz"))
    assert len(files) >= 16, files  # a moved fixture folder fails here, not as a silently smaller digest
    rows = [row for path in files for row in fixture_rows(path)]
    return rows + list(openr1_rows(40, seed=3))


def test_every_adapter_on_every_fixture_row_is_unchanged() -> None:
    adapters = {**ADAPTERS, "openr1/complete": functools.partial(openr1, trace="first-verified-complete")}
    h = hashlib.sha256()
    kept = 0
    for row in all_rows():
        for name in sorted(adapters):
            out = adapters[name](row)
            kept += not out["_drop"]
            h.update(json.dumps(out, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
            h.update(b"\n")
    assert kept >= 200  # the digest covers kept rows, not only drops
    assert h.hexdigest() == EXPECTED
