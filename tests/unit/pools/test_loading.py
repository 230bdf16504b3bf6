"""Loading a pool (s2r_hf.pools.loading): local files, folders and saved datasets, --max-rows, the built-in
synthetic pool, the offline Hub, and one-line errors for unusable local files. Every file is built in tmp_path.
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from s2r_hf.configs import SYNTHETIC_POOL, PoolArguments
from s2r_hf.errors import S2RError
from s2r_hf.pools import load_pool, normalise
from s2r_hf.synthetic import OPENR1_COLUMNS, openr1_features
from tests.unit.pools.rows import (
    openr1_ds,
    openr1_row,
    write_jsonl,
)


@pytest.fixture
def pool_rows() -> list[dict]:
    return [openr1_row(i) for i in range(6)]


def _load(pool: str | Path, tmp_path: Path, **kw) -> datasets.Dataset:
    return load_pool(PoolArguments(pool=str(pool), **kw), tmp_path / "cache")


def test_load_pool_jsonl_file(tmp_path, pool_rows):
    path = tmp_path / "pool.jsonl"
    openr1_ds(pool_rows).to_json(str(path))
    ds = _load(path, tmp_path)
    assert ds["uuid"] == [f"uuid-{i}" for i in range(6)]
    assert set(ds.column_names) == set(OPENR1_COLUMNS)


def test_load_pool_parquet_file(tmp_path, pool_rows):
    path = tmp_path / "pool.parquet"
    openr1_ds(pool_rows).to_parquet(str(path))
    ds = _load(path, tmp_path)
    assert ds["uuid"] == [f"uuid-{i}" for i in range(6)]
    assert ds.features["generations"] == openr1_features()["generations"]


def test_load_pool_folder_of_jsonl_files(tmp_path, pool_rows):
    folder = tmp_path / "pool"
    folder.mkdir()
    openr1_ds(pool_rows[:4]).to_json(str(folder / "part-0.jsonl"))
    openr1_ds(pool_rows[4:]).to_json(str(folder / "part-1.jsonl"))
    ds = _load(folder, tmp_path)
    assert sorted(ds["uuid"]) == [f"uuid-{i}" for i in range(6)]
    out, report = normalise(ds)
    assert report.rows_kept == 6 and len(out) == 6


def test_load_pool_save_to_disk_folder(tmp_path, pool_rows):
    openr1_ds(pool_rows).save_to_disk(str(tmp_path / "saved"))
    assert _load(tmp_path / "saved", tmp_path)["uuid"] == [f"uuid-{i}" for i in range(6)]


def test_load_pool_save_to_disk_dataset_dict(tmp_path, pool_rows):
    dd = datasets.DatasetDict({"train": openr1_ds(pool_rows), "extended": openr1_ds(pool_rows[:2])})
    dd.save_to_disk(str(tmp_path / "dict"))
    assert len(_load(tmp_path / "dict", tmp_path)) == 6
    assert len(_load(tmp_path / "dict", tmp_path, pool_split="extended")) == 2
    with pytest.raises(S2RError, match=r"no split 'default'; choose --pool-split from train, extended"):
        _load(tmp_path / "dict", tmp_path, pool_split="default")


@pytest.mark.parametrize(("max_rows", "expected"), [(1, 1), (4, 4), (6, 6), (100, 6)])
def test_load_pool_max_rows(tmp_path, pool_rows, max_rows, expected):
    path = tmp_path / "pool.parquet"
    openr1_ds(pool_rows).to_parquet(str(path))
    ds = _load(path, tmp_path, max_rows=max_rows)
    assert ds["uuid"] == [f"uuid-{i}" for i in range(expected)]  # the FIRST rows


def test_load_pool_unknown_file_type(tmp_path):
    path = tmp_path / "pool.txt"
    path.write_text("hello")
    with pytest.raises(S2RError, match=r"unknown type.*\.parquet"):
        _load(path, tmp_path)


def test_load_pool_folder_without_data(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("nothing here")
    with pytest.raises(S2RError, match="holds no"):
        _load(tmp_path / "empty", tmp_path)


def test_load_pool_synthetic(tmp_path):
    ds = _load(SYNTHETIC_POOL, tmp_path, synthetic_rows=12)
    assert len(ds) == 12 and set(ds.column_names) == set(OPENR1_COLUMNS)


def test_load_pool_unknown_builtin(tmp_path):
    with pytest.raises(S2RError, match=rf"unknown built-in pool 's2r:nope'.*{SYNTHETIC_POOL}"):
        _load("s2r:nope", tmp_path)


@pytest.mark.parametrize("pool", ["open-r1/OpenR1-Math-220k", "no-such-user/no-such-pool"])
def test_load_pool_hub_offline_is_a_clear_error(tmp_path, pool):
    with pytest.raises(S2RError) as err:
        _load(pool, tmp_path)
    msg = str(err.value)
    assert f"could not load pool {pool!r}" in msg
    assert "local path" in msg
    assert "\n" not in msg  # one line for the CLI


def test_load_pool_compressed_jsonl_file_and_folder(tmp_path):
    import gzip

    rows = [{"instruction": f"I{i}", "output": f"O{i}"} for i in range(3)]
    folder = tmp_path / "pool"
    folder.mkdir()
    with gzip.open(folder / "train.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("".join(json.dumps(r) + "\n" for r in rows))
    assert _load(folder / "train.jsonl.gz", tmp_path)["instruction"] == ["I0", "I1", "I2"]
    assert sorted(_load(folder, tmp_path)["output"]) == ["O0", "O1", "O2"]


def test_load_pool_empty_file(tmp_path):
    (tmp_path / "pool.jsonl").write_text("")
    with pytest.raises(S2RError, match=r"pool file .*pool.jsonl is empty"):
        _load(tmp_path / "pool.jsonl", tmp_path)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"instruction": "a", "output": "b"}\n{"instruction": "c", "out', "line 2 is not valid JSON (Unterminated"),
        ("not json at all\n", "line 1 is not valid JSON (Expecting value"),
    ],
)
def test_load_pool_bad_json_line_is_named(tmp_path, text, needle):
    (tmp_path / "pool.jsonl").write_text(text)
    with pytest.raises(S2RError) as err:
        _load(tmp_path / "pool.jsonl", tmp_path)
    msg = str(err.value)
    assert needle in msg and "one JSON object per line" in msg and "\n" not in msg


def test_load_pool_folder_with_different_columns(tmp_path):
    folder = tmp_path / "pool"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", [{"instruction": "a", "output": "b"}])
    write_jsonl(folder / "b.jsonl", [{"conversations": [{"from": "user", "value": "q"}]}])
    with pytest.raises(S2RError, match=r"its files do not all have the same columns; give one file"):
        _load(folder, tmp_path)


def test_load_pool_corrupt_parquet(tmp_path):
    (tmp_path / "pool.parquet").write_bytes(b"PAR1 not really parquet")
    with pytest.raises(S2RError, match=r"could not read pool .*pool.parquet: ArrowInvalid: .*magic bytes") as err:
        _load(tmp_path / "pool.parquet", tmp_path)
    assert ".." not in str(err.value)


@pytest.mark.parametrize("pool", ["/nowhere/pool.jsonl", "data/pool.parquet", "./pools", "~/x", "a/b/c"])
def test_missing_local_pool_is_not_looked_up_on_the_hub(pool, tmp_path):
    with pytest.raises(S2RError, match=r"no such file or folder"):
        load_pool(PoolArguments(pool=pool), tmp_path / "c")
