"""Hostile local pool files (s2r_hf.local_files through load_pool): BOM, CRLF, blank lines, gzip, a truncated or
non-object line, latin-1 bytes, a folder mixing kinds, a .json that is one object, unusual parquet types. Each
either reads every row exactly as a clean file would, or is one S2RError naming the file (and line) and the fix.
"""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from s2r_hf.configs import PoolArguments
from s2r_hf.errors import S2RError
from s2r_hf.pools import load_pool, normalise
from tests.unit.pools.rows import openr1_row

ROWS = [openr1_row(i, problem=f"Ünï {i}: $\\$5$ 🚀") for i in range(4)]
LINES = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS)


def _load(path, tmp_path):
    return load_pool(PoolArguments(pool=str(path)), tmp_path / "cache")


def _problems(ds) -> list[str]:
    return list(normalise(ds)[0]["problem"])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bom.jsonl", b"\xef\xbb\xbf" + LINES.encode()),
        ("crlf.jsonl", LINES.replace("\n", "\r\n").encode()),
        ("blank.jsonl", LINES.replace("\n", "\n\n  \n").encode()),
        ("pool.jsonl.gz", gzip.compress(LINES.encode())),
        ("list.json", json.dumps(ROWS, ensure_ascii=False).encode()),
        ("columns.json", json.dumps({k: [r[k] for r in ROWS] for k in ROWS[0]}).encode()),
        ("wrapped.json", json.dumps({"version": "1.0", "data": ROWS}).encode()),
    ],
)
def test_odd_but_valid_files_read_every_row(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    assert _problems(_load(tmp_path / name, tmp_path)) == [r["problem"] for r in ROWS]


@pytest.mark.parametrize(
    ("name", "data", "needles"),
    [
        ("cut.jsonl", LINES + json.dumps(ROWS[0])[:40], ["cut.jsonl", "line 5 is not valid JSON"]),
        ("array.jsonl", LINES + "[1, 2]\n", ["array.jsonl", "line 5 is a JSON list, not an object"]),
        ("surrogate.jsonl", LINES + '{"problem": "lone \\ud800"}\n', ["line 5", "lone UTF-16 surrogate"]),
        (
            "latin1.jsonl",
            LINES.replace("Ünï", "Caf\xe9").replace("🚀", ""),
            ["latin1.jsonl", "line 1 is not UTF-8", "iconv"],
        ),
    ],
)
def test_broken_files_are_one_line_naming_the_line(tmp_path, name, data, needles):
    (tmp_path / name).write_bytes(data.encode("latin-1" if "latin1" in name else "utf-8"))
    with pytest.raises(S2RError) as err:
        _load(tmp_path / name, tmp_path)
    message = str(err.value)
    assert "\n" not in message and all(n in message for n in needles), message


def test_a_folder_mixing_parquet_and_jsonl_is_refused(tmp_path):
    """`datasets` would read the commonest kind only and silently leave the other files' rows out."""
    folder = tmp_path / "shards"
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(ROWS[:2]), folder / "train-0.parquet")
    (folder / "train-1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS[2:]))
    with pytest.raises(S2RError, match=r"mixes file kinds \(parquet: train-0.parquet; json: train-1.jsonl\)"):
        _load(folder, tmp_path)


def test_parquet_with_dictionary_and_large_types(tmp_path):
    table = pa.Table.from_pylist(ROWS)
    problems = pa.array([r["problem"] for r in ROWS]).dictionary_encode()
    gens = pa.array([r["generations"] for r in ROWS], type=pa.large_list(pa.large_string()))
    table = table.set_column(table.schema.get_field_index("problem"), "problem", problems)
    table = table.set_column(table.schema.get_field_index("generations"), "generations", gens)
    pq.write_table(table, tmp_path / "pool.parquet")
    out, report = normalise(_load(tmp_path / "pool.parquet", tmp_path))
    assert list(out["problem"]) == [r["problem"] for r in ROWS] and report.counts == {}
    assert list(out["response"]) == [r["generations"][0] for r in ROWS]


def test_files_without_rows_say_so(tmp_path):
    pq.write_table(pa.Table.from_pylist(ROWS).slice(0, 0), tmp_path / "zero.parquet")
    (tmp_path / "blank.jsonl").write_text("\n  \n\n")
    (tmp_path / "objects.jsonl").write_text("{}\n{}\n")
    for name in ("zero.parquet", "blank.jsonl", "objects.jsonl"):
        with pytest.raises(S2RError, match=rf"could not read pool .*{name}: it holds no rows"):
            _load(tmp_path / name, tmp_path)


@pytest.mark.parametrize(
    "row",
    [
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
        {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
        {"generations": ["a", "b"], "correctness_math_verify": [True, False]},
    ],
)
def test_a_one_row_json_list_stays_one_row(tmp_path, row):
    """``[{...}]`` is one row even when every value is a list (not a .json of columns, not rows under a key)."""
    (tmp_path / "one.json").write_text(json.dumps([row]))
    ds = _load(tmp_path / "one.json", tmp_path)
    assert len(ds) == 1 and ds.column_names == list(row)


def test_a_pattern_reads_its_files_in_order(tmp_path):
    """`--pool 'data/train-*.parquet'`, as the Hub lays pools out; a pattern matching nothing is one line."""
    data = tmp_path / "data"
    data.mkdir()
    for k in range(2):
        pq.write_table(pa.Table.from_pylist(ROWS[2 * k : 2 * k + 2]), data / f"train-0000{k}-of-00002.parquet")
    (data / "README.md").write_text("# not data\n")
    assert _problems(_load(data / "train-*.parquet", tmp_path)) == [r["problem"] for r in ROWS]
    assert _problems(_load(tmp_path / "**" / "*.parquet", tmp_path)) == [r["problem"] for r in ROWS]
    with pytest.raises(S2RError, match=r"pool .*test-\*\.parquet: the pattern matches no \.parquet"):
        _load(data / "test-*.parquet", tmp_path)


def test_a_one_row_list_with_a_list_of_objects_is_not_unwrapped(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps([{"turns": [{"a": 1}, {"a": 2}], "id": "x"}]))
    assert len(_load(tmp_path / "one.json", tmp_path)) == 1
