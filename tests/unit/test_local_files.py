"""The one loader of local data files (s2r_hf.local_files), as pools, the training subset, decontamination and
eval use it: datasets for pools/subsets, verbatim json rows for benchmarks, one-line errors naming the input."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import datasets
import pytest

from s2r_hf.errors import S2RError
from s2r_hf.local_files import file_builder, load_local, pick_split, read_json_rows, read_rows, split_files


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------- datasets (pools, subsets)


def test_load_local_reads_files_folders_and_saved_datasets(tmp_path):
    assert load_local(_jsonl(tmp_path / "a.jsonl", [{"x": "½ ∑ \\frac{1}{2}"}]), "train")["x"] == ["½ ∑ \\frac{1}{2}"]
    datasets.Dataset.from_list([{"x": 1}, {"x": 2}]).to_parquet(str(tmp_path / "b.parquet"))
    assert len(load_local(tmp_path / "b.parquet", "train")) == 2
    folder = tmp_path / "files"
    folder.mkdir()
    _jsonl(folder / "train.jsonl", [{"x": "tr"}])
    _jsonl(folder / "test.jsonl", [{"x": "te"}])
    assert load_local(folder, "train")["x"] == ["tr"]
    assert load_local(folder, None)["x"] == ["te"]  # no split asked (a benchmark file): test first
    saved = datasets.DatasetDict({"extended": datasets.Dataset.from_list([{"x": "e"}])})
    saved.save_to_disk(str(tmp_path / "saved"))
    assert load_local(tmp_path / "saved", None)["x"] == ["e"]  # neither test nor train: the first split


def test_a_missing_split_names_the_callers_option_and_the_splits():
    dd = datasets.DatasetDict({"train": datasets.Dataset.from_list([{"x": 1}])})
    with pytest.raises(S2RError, match=r"^d has no split 'test'; choose --dataset_split from train$"):
        pick_split(dd, "test", "d", "--dataset_split")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.jsonl", "", r"^subset file .*p.jsonl is empty$"),
        ("p.txt", "{}", r"^subset file .*p.txt has an unknown type; use one of .parquet, .jsonl"),
        ("p.jsonl", '{"a": 1}\n{"a": \n', r"^could not read subset .*p.jsonl: line 2 is not valid JSON"),
        ("p.parquet", "not parquet", r"^could not read subset .*p.parquet: ArrowInvalid: .*magic bytes"),
    ],
)
def test_errors_are_one_line_naming_the_input(tmp_path, name, content, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(S2RError, match=message) as err:
        load_local(tmp_path / name, "train", what="subset")
    assert "\n" not in str(err.value)


def test_pool_and_subset_read_the_same_file_the_same_way(tmp_path):
    """Pools and the training subset share the loader: same rows, same error, each naming its own input."""
    from s2r_hf.configs import PoolArguments, SubsetArguments
    from s2r_hf.pools.loading import load_pool
    from s2r_hf.sft_data import load_subset

    good = _jsonl(tmp_path / "good.jsonl", [{"messages": [{"role": "user", "content": "hi"}], "problem": "p"}])
    pool = load_pool(PoolArguments(pool=str(good)), tmp_path / "cache")
    subset, source = load_subset(SubsetArguments(dataset_name=str(good)))
    assert pool.to_list() == subset.to_list() and source.kind == "local"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(S2RError, match=r"^pool file .*empty.jsonl is empty$"):
        load_pool(PoolArguments(pool=str(empty)), tmp_path / "cache")
    with pytest.raises(S2RError, match=r"^subset file .*empty.jsonl is empty$"):
        load_subset(SubsetArguments(dataset_name=str(empty)))


@pytest.mark.parametrize(
    ("name", "builder"),
    [
        ("a.jsonl", "json"),
        ("a.JSONL", "json"),
        ("a.jsonl.gz", "json"),
        ("a.json.zst", "json"),
        ("a.csv.bz2", "csv"),
        ("a.parquet", "parquet"),
        ("a.parquet.gz", None),
        ("a.txt", None),
        ("a.gz", None),
        ("noext", None),
    ],
)
def test_file_builder(name, builder):
    assert file_builder(Path(name)) == builder


# ----------------------------------------------------------------------------------- verbatim rows (benchmarks)


def test_read_rows_keeps_strings_verbatim_where_datasets_would_retype_them(tmp_path):
    rows = [{"answer": "4e"}, {"answer": "1/2"}, {"answer": {"(1)": "2", "(2)": "3"}}, {"answer": "007"}]
    folder = tmp_path / "kaoyan"
    folder.mkdir()
    _jsonl(folder / "test.jsonl", rows)
    assert read_rows(folder, "test") == rows


def test_json_and_jsonl_twins_are_read_once_with_a_warning(tmp_path, caplog):
    folder = tmp_path / "olympiadbench"
    folder.mkdir()
    rows = [{"question": f"q{i}"} for i in range(3)]
    _jsonl(folder / "test.jsonl", rows)
    (folder / "test.json").write_text(json.dumps(rows), encoding="utf-8")
    datasets.Dataset.from_list(rows).to_parquet(str(folder / "test.parquet"))
    with caplog.at_level(logging.WARNING, logger="s2r_hf.local_files"):
        assert read_rows(folder, "test") == rows
    assert sum("hold the same split: reading test.jsonl only" in r.getMessage() for r in caplog.records) == 2


def test_split_files_follows_datasets_split_rule(tmp_path):
    for name in ("train.jsonl", "test.jsonl", "notes.jsonl"):
        _jsonl(tmp_path / name, [{"q": name}])
    assert split_files(tmp_path, "test") == ("test", [tmp_path / "test.jsonl"])
    assert split_files(tmp_path, "train") == ("train", [tmp_path / "notes.jsonl", tmp_path / "train.jsonl"])
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("q\n1\n")
    with pytest.raises(S2RError, match=r"holds no .jsonl, .json, .parquet or .csv file"):
        split_files(empty, "test")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.jsonl", "   \n", r"a.jsonl is empty; fix or remove it"),
        ("a.jsonl", '{"q": 1}\n[1, 2]\n', r"cannot read .*a.jsonl: line 2 is a JSON list, not an object"),
        ("a.jsonl", '{"q": 1}\n{"q": \n', r"cannot read .*a.jsonl: line 2 is not valid JSON"),
        ("a.json", '{"q": 1, "r": 2}', r"a.json holds one JSON object, not rows"),
        ("a.json", '[{"q": 1}, "x"]', r"a.json: item 1 \(from 0\) is a JSON str, not an object"),
    ],
)
def test_bad_json_files_are_one_line_errors(tmp_path, name, content, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(S2RError, match=message) as err:
        read_json_rows(tmp_path / name)
    assert "\n" not in str(err.value)


def test_json_lines_under_a_json_name_and_a_list_of_objects(tmp_path):
    (tmp_path / "lines.json").write_text('{"q": "a"}\n{"q": "b"}\n', encoding="utf-8")
    (tmp_path / "list.json").write_text('[{"q": "a"}, {"q": "b"}]', encoding="utf-8")
    assert read_json_rows(tmp_path / "lines.json") == read_json_rows(tmp_path / "list.json") == [{"q": "a"}, {"q": "b"}]


def test_a_byte_order_mark_is_read_and_another_encoding_is_one_line(tmp_path):
    """Windows editors start UTF-8 files with a BOM (json.loads rejects it); a Latin-1 file names its bad byte."""
    (tmp_path / "bom.jsonl").write_bytes('\ufeff{"q": "é"}\n'.encode())
    assert read_json_rows(tmp_path / "bom.jsonl") == [{"q": "é"}]
    (tmp_path / "latin.jsonl").write_bytes('{"q": "café"}\n'.encode("latin-1"))
    with pytest.raises(S2RError, match=r"latin.jsonl: byte 10 is not UTF-8 .*re-save it as UTF-8") as err:
        read_json_rows(tmp_path / "latin.jsonl")
    assert "\n" not in str(err.value)


def test_csv_rows_are_read_verbatim(tmp_path):
    """GPQA ships as CSV: quoted fields with commas, newlines and a field over csv's default 128 KB limit."""
    long = "x" * 200_000
    text = f'Question,Correct Answer\n"a, b\nc",4e\n{long},"1,000"\n'
    (tmp_path / "gpqa_diamond.csv").write_text(text, encoding="utf-8")
    rows = read_rows(tmp_path, "train")
    assert rows == [{"Question": "a, b\nc", "Correct Answer": "4e"}, {"Question": long, "Correct Answer": "1,000"}]
    (tmp_path / "h" / "x").mkdir(parents=True)
    (tmp_path / "h" / "x" / "train.csv").write_text("Question,Correct Answer\n", encoding="utf-8")
    with pytest.raises(S2RError, match=r"train.csv holds no rows"):
        read_rows(tmp_path / "h" / "x", "train")
