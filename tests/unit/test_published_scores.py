"""`s2r select --scores-from` on a hand-made published selection (synthetic pool, known scores): every strategy and
budget gives what :func:`s2r_hf.selection.select` gives on the same scores, no model or tokenizer loads, and
mismatches are refused in one line. Also: the reserved scores config names and the manifest's ``scores_from``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from s2r_hf.cli import main
from s2r_hf.configs import OutputArguments, PoolArguments, ScoringArguments, SelectionArguments
from s2r_hf.errors import S2RError
from s2r_hf.manifest import Manifest, options_dict
from s2r_hf.option_defaults import SYNTHETIC_POOL, config_name_problem
from s2r_hf.selection import select

ROWS = 80


def _refuse(*args, **kwargs):
    raise AssertionError("a model or tokenizer was loaded")


@pytest.fixture(autouse=True)
def no_model(monkeypatch):
    import s2r_hf.scoring.models as models

    for name in ("resolve", "load_tokenizer", "load_causal_lm"):
        monkeypatch.setattr(models, name, _refuse)


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A selection folder as `s2r select` publishes it: scores.parquet (known difficulty/length), manifest, drops."""
    from s2r_hf.configs import default_cache_dir
    from s2r_hf.drops import NORMALISE, DropLog
    from s2r_hf.pools import load_pool, normalise

    folder = tmp_path_factory.mktemp("published")
    pool = PoolArguments(pool=SYNTHETIC_POOL, synthetic_rows=ROWS)
    drops = DropLog()
    rows = drops.record(NORMALISE, normalise(load_pool(pool, default_cache_dir()), "auto", "skip"))
    table = rows.remove_columns(["problem", "response", "messages"]).with_format("arrow")[:]
    rng = np.random.default_rng(0)
    n = table.num_rows
    extra = {
        "length": rng.integers(100, 5000, n),
        "rethink_count": rng.integers(0, 9, n).astype(np.int32),
        "difficulty": np.round(rng.random(n), 2),  # rounded: ties, broken by id
        "judge_mass": rng.random(n),
        "selected": np.zeros(n, dtype=bool),
    }
    for name, values in extra.items():
        table = table.append_column(name, pa.array(values))
    pq.write_table(table, folder / "scores.parquet")
    pq.write_table(drops.table(), folder / "dropped.parquet")
    options = options_dict(
        pool,
        ScoringArguments(judge="s2r:tiny-judge"),
        SelectionArguments(decontaminate=False),
        OutputArguments(output_dir="out"),
    )
    counts = {**drops.manifest_counts(8), "scored": n, "selected": 0}
    Manifest.build(
        options=options,
        pool_fingerprint="x",
        scorer_key={"scorer": "judge"},
        counts=counts,
        selected_ids=[],
        timings={},
    ).save(folder / "manifest.json")
    return folder


def reselect(source: Path, out: Path, *args: str) -> dict:
    assert main(["select", "--scores-from", str(source), "--output-dir", str(out), *args]) == 0
    return json.loads((out / "manifest.json").read_text())


def expected(source: Path, strategy: str, **budget) -> list[str]:
    table = pq.read_table(source / "scores.parquet").to_pydict()
    ids = np.asarray(table["id"])
    result = select(
        strategy,
        ids,
        length=np.asarray(table["length"]),
        difficulty=np.asarray(table["difficulty"]),
        strata=np.asarray(table["problem_type"]),
        **budget,
    )
    return ids[result.order].tolist()


@pytest.mark.parametrize(
    ("args", "strategy", "budget"),
    [
        ([], "s2r", {"weight": 0.25, "ratio": 0.1}),
        (["--weight", "0.7", "--count", "9"], "s2r", {"weight": 0.7, "count": 9}),
        (["--strategy", "difficulty", "--ratio", "0.2"], "difficulty", {"ratio": 0.2}),
        (["--strategy", "stratified", "--count", "11", "--seed", "3"], "stratified", {"count": 11, "seed": 3}),
    ],
)
def test_reselection_is_what_select_gives_on_the_published_scores(source, tmp_path, args, strategy, budget):
    manifest = reselect(source, tmp_path / "out", *args)
    assert manifest["selected_ids"] == expected(source, strategy, **budget)
    assert manifest["scores_from"]["kind"] == "local folder"
    assert manifest["options"]["ScoringArguments"]["judge"] == "s2r:tiny-judge"  # what made the scores
    assert manifest["options"]["SelectionArguments"]["decontaminate"] is False  # the scores' row filters
    assert (
        manifest["counts"]["pool_rows"] == ROWS
        and manifest["counts"]["scored"] == pq.read_metadata(source / "scores.parquet").num_rows
    )
    written = pq.read_table(tmp_path / "out" / "scores.parquet").to_pydict()
    flagged = sorted((i for i, s in zip(written["id"], written["selected"], strict=True) if s))
    assert flagged == sorted(manifest["selected_ids"]) and "judge_mass" in written  # scorer columns carried over
    assert "no model was loaded" in (tmp_path / "out" / "README.md").read_text()


def fails(capsys, source: Path, out: Path, *args: str) -> str:
    assert main(["select", "--scores-from", str(source), "--output-dir", str(out), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1]


def test_options_that_change_the_scores_or_rows_are_refused(source, tmp_path, capsys):
    line = fails(capsys, source, tmp_path / "o", "--judge", "Qwen/Qwen2.5-7B-Instruct")
    assert "--judge 'Qwen/Qwen2.5-7B-Instruct' changes the scores" in line and "'s2r:tiny-judge'" in line
    line = fails(capsys, source, tmp_path / "o", "--max-train-tokens", "4096")
    assert "--max-train-tokens 4096 changes" in line
    assert "lies inside or contains the --scores-from folder" in fails(capsys, source, source)
    assert "lies inside or contains the --scores-from folder" in fails(capsys, source, source / "sub")
    assert "training tokens, which the scores" in fails(capsys, source, tmp_path / "o", "--token-budget", "9000")


def test_scores_that_do_not_cover_the_pool_are_refused(source, tmp_path, capsys):
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(source, partial)
    table = pq.read_table(partial / "scores.parquet")
    pq.write_table(table.slice(0, table.num_rows - 5), partial / "scores.parquet")
    missing = table.column("id").to_pylist()[-5:]
    line = fails(capsys, partial, tmp_path / "o")
    assert f"5 of {table.num_rows} pool rows have no score" in line and repr(missing[0]) in line
    line = fails(capsys, source, tmp_path / "o", "--max-rows", "40")  # fewer pool rows than were scored
    assert "scored ids are not in the pool" in line and "--max-rows" in line
    # scores without difficulty (a random run's) cannot drive s2r, but can drive length
    pq.write_table(table.drop_columns(["difficulty", "judge_mass"]), partial / "scores.parquet")
    assert "needs difficulty, but the scores" in fails(capsys, partial, tmp_path / "o")
    manifest = reselect(partial, tmp_path / "len", "--strategy", "length", "--count", "5")
    assert manifest["selected_ids"] == expected(source, "length", count=5) and manifest["scorer"] is None


@pytest.mark.parametrize("name", ["scores", "pct10-scores"])
def test_scores_config_names_are_reserved(name):
    assert "cannot name a folder" in config_name_problem(name)
    with pytest.raises(S2RError, match="--hub-config-name"):
        OutputArguments(output_dir="out", hub_config_name=name)
    assert config_name_problem("pct10") is None and config_name_problem("myscores") is None


def test_manifest_scores_from_is_additive():
    old = Manifest.build(options={}, pool_fingerprint="f", scorer_key=None, counts={}, selected_ids=["a"], timings={})
    assert "scores_from" not in old.to_dict() and Manifest.from_json(old.to_json()).scores_from is None
    origin = {"source": "me/repo", "kind": "hub dataset", "config": "scores", "revision": "0" * 40}
    new = Manifest.from_json(old.to_dict() | {"scores_from": origin})
    assert new.scores_from == origin and Manifest.from_json(new.to_json()).to_dict() == new.to_dict()
    assert new.extra == {}


def test_coverage_and_a_folder_without_scores_are_named_in_one_line(tmp_path):
    """The published-scores reader itself: a folder that holds no scores, and scores that miss or exceed the pool."""
    from s2r_hf.selection import published

    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(S2RError, match=r"--scores-from .*: no scores.parquet there; give an `s2r select` output"):
        published.fetch(str(tmp_path))
    pool = np.array(["a", "b", "c", "d"], dtype=object)
    published._coverage(pool, np.array(["a", "b", "c"], dtype=object), {"d"}, "src")  # d dropped by the run: fine
    with pytest.raises(S2RError, match=r"1 of 4 pool rows have no score; 1 of 4 scored ids are not in the pool"):
        published._coverage(pool, np.array(["a", "b", "c", "z"], dtype=object), set(), "src")


def _snapshot(source: Path, folder: Path) -> Path:
    """A local copy of a repo pushed twice (`hf download`): config default = ``source``; config ``pct05`` = the same
    rows with their difficulty reversed, so the two configs select differently."""
    import shutil

    for prefix in ("", "pct05/"):
        (folder / prefix / "selection").mkdir(parents=True)
        shutil.copy(source / "manifest.json", folder / f"{prefix}manifest.json")
        shutil.copy(source / "dropped.parquet", folder / f"{prefix}selection/dropped.parquet")
    table = pq.read_table(source / "scores.parquet")
    pq.write_table(table, folder / "selection" / "scores.parquet")
    at = table.column_names.index("difficulty")
    flipped = table.set_column(at, "difficulty", pa.array(1.0 - table.column("difficulty").to_numpy()))
    pq.write_table(flipped, folder / "pct05" / "selection" / "scores.parquet")
    return folder


def test_scores_from_a_named_config_of_a_local_repo_copy(source, tmp_path, capsys):
    """`--scores-from FOLDER:CONFIG` reads that config's scores (by its subset or scores config name), records the
    config in the manifest and card; a config that is not there is one line listing those that are."""
    snap = _snapshot(source, tmp_path / "snap")
    flipped = pq.read_table(snap / "pct05" / "selection" / "scores.parquet").column("difficulty").to_numpy()
    table = pq.read_table(source / "scores.parquet").to_pydict()
    ids = np.asarray(table["id"])
    want = ids[select("s2r", ids, length=np.asarray(table["length"]), difficulty=flipped, weight=0.25, ratio=0.1).order]
    for spec in (f"{snap}:pct05", f"{snap}:pct05-scores"):
        out = tmp_path / spec.rpartition(":")[2]
        manifest = reselect(spec, out)
        assert manifest["selected_ids"] == want.tolist() != expected(source, "s2r", weight=0.25, ratio=0.1)
        origin = manifest["scores_from"]
        assert origin["config"] == "pct05-scores" and origin["file"] == "pct05/selection/scores.parquet"
        assert manifest["options"]["SelectionArguments"]["scores_from"] == f"local:{spec.rpartition('/')[2]}"
        assert "(config `pct05-scores`)" in (out / "README.md").read_text()
    default = reselect(snap, tmp_path / "default")  # no config: the default one's scores
    assert default["selected_ids"] == expected(source, "s2r", weight=0.25, ratio=0.1)
    assert default["scores_from"]["config"] == "scores"
    line = fails(capsys, Path(f"{snap}:pct02"), tmp_path / "o")
    assert f"--scores-from {snap}:pct02: no scores config 'pct02-scores' there; it has 'pct05-scores', 'scores'" in line
    line = fails(capsys, Path(f"{source}:pct05"), tmp_path / "o")  # an `s2r select` folder: one selection
    assert "no scores config 'pct05-scores' there; it has 'scores'" in line


def test_split_source_reads_owner_name_config():
    from s2r_hf.selection.published import scores_configs, split_source

    assert split_source("me/repo") == ("me/repo", "default")
    assert split_source("me/repo:pct05") == split_source("me/repo:pct05-scores") == ("me/repo", "pct05")
    assert split_source("me/repo:scores") == split_source("me/repo:default") == ("me/repo", "default")
    files = ["README.md", "selection/scores.parquet", "pct05/selection/scores.parquet", "pct05/train-0.parquet"]
    assert scores_configs(files) == ["pct05-scores", "scores"]
