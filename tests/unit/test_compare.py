"""`s2r compare` on selection folders built here (manifest + scores.parquet + subset shard, as `s2r select` writes
them), with overlaps and distributions known by construction and recomputed here with Python sets / numpy."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from s2r_hf.compare.main import main
from s2r_hf.compare.options import CompareArguments, make_parser, parse_compare
from s2r_hf.errors import S2RError
from s2r_hf.manifest import Manifest

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TYPES = np.array(["Algebra", "Geometry", "Number Theory", "Combinatorics"])
SOURCES = np.array(["olympiads", "amc_aime", "cn_contest"])


def pool_table(n: int, seed: int = 0, difficulty: bool = True) -> pa.Table:
    """Every scored row of a pool, in scores.parquet's columns (unicode and LaTeX in the text-like columns)."""
    rng = np.random.default_rng(seed)
    cols = {
        "id": pa.array([f"row-{i:07d}" for i in range(n)]),
        "pool_row": pa.array(np.arange(n)),
        "answer": pa.array([f"\\frac{{{i}}}{{2}} ∑" for i in range(n)]),
        "problem_type": pa.array(TYPES[rng.integers(0, len(TYPES), n)]),
        "source": pa.array(SOURCES[rng.integers(0, len(SOURCES), n)]),
        "length": pa.array(rng.integers(50, 16000, n)),
        "rethink_count": pa.array(rng.integers(0, 30, n).astype(np.int32)),
    }
    if difficulty:
        cols["difficulty"] = pa.array(rng.random(n))
    return pa.table(cols)


def write_selection(
    folder: Path,
    table: pa.Table,
    picked: np.ndarray,
    *,
    strategy: str = "s2r",
    fingerprint: str = "fp-pool-a",
    scores_file: bool = True,
    scorer: dict | None = None,
    unit: str = "tokens",
    extra: dict | None = None,
) -> Path:
    """A finished selection folder: ``picked`` = row positions in selection order."""
    selected = np.zeros(table.num_rows, dtype=bool)
    selected[picked] = True
    scores = table.append_column("selected", pa.array(selected))
    subset = scores.take(pa.array(picked)).append_column(
        "response", pa.array(["<think>…</think> \\boxed{1}"] * len(picked))
    )
    (folder / "data").mkdir(parents=True)
    pq.write_table(subset, folder / "data" / "train-00000-of-00001.parquet")
    if scores_file:
        pq.write_table(scores, folder / "scores.parquet")
    manifest = Manifest(
        options={
            "PoolArguments": {"pool": "open-r1/OpenR1-Math-220k"},
            "ScoringArguments": {"length_unit": unit},
            "SelectionArguments": {
                "strategy": strategy,
                "weight": 0.25 if strategy == "s2r" else None,
                "count": len(picked),
            },
        },
        pool_fingerprint=fingerprint,
        scorer=scorer,
        counts={"scored": table.num_rows, "selected": len(picked)},
        selected_ids=[table["id"][int(i)].as_py() for i in picked],
        extra=extra or {},
    )
    manifest.save(folder / "manifest.json")
    return folder


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Run in ``tmp_path``: selections are named by relative paths, as written files name them."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def three(tmp_path: Path) -> tuple[pa.Table, dict[str, np.ndarray], list[str]]:
    """Three selections of one 200-row pool: a = rows 0-59, b = rows 40-99 (random: no difficulty of its own),
    c = every third row."""
    table = pool_table(200)
    picks = {"a": np.arange(0, 60), "b": np.arange(99, 39, -1), "c": np.arange(0, 200, 3)}
    specs = []
    for name, picked in picks.items():
        src = table if name != "b" else table.drop_columns(["difficulty"])
        write_selection(tmp_path / name, src, picked, strategy="random" if name == "b" else "s2r")
        specs.append(name)
    return table, picks, specs


def test_overlap_tokens_and_distributions_match_independent_counts(three, tmp_path):
    table, picks, specs = three
    result = main(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=specs))
    written = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert written == json.loads(json.dumps(result))
    ids = {name: {f"row-{i:07d}" for i in p} for name, p in picks.items()}
    for pair in written["overlap"]:
        a, b = Path(pair["a"]).name, Path(pair["b"]).name
        shared = len(ids[a] & ids[b])
        assert pair["shared"] == shared and pair["a_rows"] == len(ids[a])
        assert pair["jaccard"] == pytest.approx(shared / len(ids[a] | ids[b]), abs=1e-6)
    assert [p["shared"] for p in written["overlap"]] == [20, 20, 20]  # a∩b 40-59, a∩c 0..57 step 3, b∩c
    length = table["length"].to_numpy()
    for name, picked in picks.items():
        tok = written["tokens"][specs[list(picks).index(name)]]
        assert tok["rows"] == len(picked) and tok["length_sum"] == int(length[picked].sum())
    diff = written["difficulty"]["summary"]
    assert diff["pool"]["n"] == 200 and diff["pool"]["mean"] == pytest.approx(table["difficulty"].to_numpy().mean())
    # b (random) has no difficulty: looked up by id in a same-pool selection, so its numbers are its own rows'
    assert diff[specs[1]]["mean"] == pytest.approx(table["difficulty"].to_numpy()[picks["b"]].mean())
    assert written["selections"][1]["borrowed"] == {"difficulty": specs[0]}
    assert any("has no difficulty of its own" in w for w in written["warnings"])
    hist = written["length"]["histogram"]
    assert hist["scale"] == "log10" and len(hist["edges"]) == 31
    assert all(sum(c) == len(picks[Path(k).name]) for k, c in hist["counts"].items() if k != "pool")
    types = table["problem_type"].to_numpy(zero_copy_only=False)
    for value in set(types[picks["c"]]):
        assert written["problem_type"]["counts"][specs[2]][value] == int((types[picks["c"]] == value).sum())
    assert sum(written["source"]["counts"]["pool"].values()) == 200
    md = (tmp_path / "cmp" / "compare.md").read_text()
    assert f"| {specs[0]} | {specs[1]} | 60 | 60 | 20 |" in md and "![distributions](compare.png)" in md
    assert (tmp_path / "cmp" / "compare.png").read_bytes()[:8] == PNG_MAGIC


def test_other_categories_are_summed(three, tmp_path):
    _, _, specs = three
    absolute = [str(tmp_path / spec) for spec in specs[:2]]
    result = main(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=absolute, top_categories=2))
    assert [s["source"] for s in result["selections"]] == ["a", "b"]  # named relative to the working folder
    assert not any(str(tmp_path) in (tmp_path / "cmp" / f).read_text() for f in ("compare.json", "compare.md"))
    part = result["problem_type"]
    assert part["values"][-1] == "(other)" and len(part["values"]) == 3
    assert all(sum(row.values()) == 60 for label, row in part["counts"].items() if label != "pool")


def test_different_pools_warn_and_still_compare_ids(tmp_path, caplog):
    one, two = pool_table(100, seed=1), pool_table(100, seed=2)
    write_selection(tmp_path / "x", one, np.arange(0, 30), fingerprint="fp-one")
    write_selection(tmp_path / "y", two.drop_columns(["difficulty"]), np.arange(20, 50), fingerprint="fp-two")
    with caplog.at_level(logging.WARNING):
        result = main(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=["x", "y"]))
    assert result["overlap"][0]["shared"] == 10 and not result["same_pool"]
    assert "different pools" in caplog.text
    assert "pool" not in result["difficulty"]["summary"] and result["difficulty"]["missing"] == ["y"]
    assert result["selections"][1]["borrowed"] == {}  # never looked up in another pool


def drawn_xlabels(monkeypatch) -> list[list[str]]:
    """The x labels of every figure compare.png is drawn from, one list per figure (read when it is saved)."""
    from s2r_hf.cards import plots

    drawn, original = [], plots.save_png

    def save(fig, *args, **kwargs):
        drawn.append([ax.get_xlabel() for ax in fig.axes])
        return original(fig, *args, **kwargs)

    monkeypatch.setattr(plots, "save_png", save)
    return drawn


def test_other_judges_and_length_units_are_named(tmp_path, monkeypatch):
    drawn = drawn_xlabels(monkeypatch)
    table = pool_table(50)
    judge = {"scorer": "judge", "judge": "Qwen/Qwen2.5-1.5B-Instruct", "weights": "abc", "prompt": "p1"}
    write_selection(tmp_path / "x", table, np.arange(10), scorer=judge)
    write_selection(tmp_path / "y", table, np.arange(10), scorer={**judge, "weights": "def"}, unit="chars")
    result = main(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=["x", "y"]))
    warnings = " ".join(result["warnings"])
    assert "different scorers" in warnings and "y: chars" in warnings
    assert result["overlap"][0]["jaccard"] == 1.0
    assert "different kinds" not in warnings and result["difficulty_axis"] == 'difficulty  p("1") / (p("1") + p("0"))'
    assert drawn[0][:2] == [
        'difficulty  p("1") / (p("1") + p("0"))',
        "log10 response length (mixed units: chars, tokens)",
    ]


def test_signals_and_difficulty_scorers_tell_the_selections_apart(tmp_path, monkeypatch):
    """Each selection's signals and scorer in the JSON and the markdown; mixed scorer kinds get a neutral axis
    (read back from the drawn figure) and a warning naming each kind."""
    drawn = drawn_xlabels(monkeypatch)
    table = pool_table(60)
    judge = {"scorer": "judge", "judge": "s2r:tiny-judge", "weights": "abc", "prompt": "p1"}
    passrate = {"scorer": "passrate", "model": "Qwen/Qwen2.5-Math-1.5B", "weights": "w", "samples": 4}
    nll = {"signals": {"weights": {"difficulty": 0.5, "nll": 0.5}, "higher_first": {"difficulty": True, "nll": False}}}
    write_selection(tmp_path / "x", table, np.arange(10), scorer=judge, extra=nll)
    write_selection(tmp_path / "y", table, np.arange(5, 15), scorer=passrate)  # no signals record: --weight
    write_selection(tmp_path / "z", table.drop_columns(["difficulty"]), np.arange(20, 30), strategy="length")
    write_selection(tmp_path / "w", table.drop_columns(["difficulty"]), np.arange(30, 40), strategy="random")
    result = main(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=["x", "y", "z", "w"]))
    shown = {s["label"]: (s["signals"], s["difficulty_scorer"], s["difficulty_model"]) for s in result["selections"]}
    assert shown == {
        "x": ("difficulty:0.5,nll:0.5", "judge", "s2r:tiny-judge"),
        "y": ("difficulty:0.25,length:0.75", "passrate", "Qwen/Qwen2.5-Math-1.5B"),
        "z": ("length:1", None, None),
        "w": (None, None, None),
    }
    assert result["difficulty_axis"] == drawn[0][0] == "difficulty score (higher = harder)"
    (kinds,) = [w for w in result["warnings"] if "different kinds" in w]
    assert "x: judge, y: passrate, z: judge, w: judge" in kinds  # z and w: looked up in x
    md = (tmp_path / "cmp" / "compare.md").read_text()
    assert "| x | x | s2r | difficulty:0.5,nll:0.5 | judge (s2r:tiny-judge) |" in md
    assert "| w | w | random | – | – |" in md and "## Difficulty — difficulty score (higher = harder)" in md


def test_subset_shards_are_read_without_scores_file(tmp_path):
    table = pool_table(80)
    write_selection(tmp_path / "x", table, np.arange(0, 40))
    write_selection(tmp_path / "y", table, np.arange(30, 50), scores_file=False, strategy="random")
    result = main(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=["x", "y"]))
    assert result["tokens"]["y"]["length_sum"] == int(table["length"].to_numpy()[30:50].sum())
    assert result["selections"][1]["has_scores_file"] is False and result["overlap"][0]["shared"] == 10


def test_parser_takes_positional_and_listed_selections_and_help_names_every_option(tmp_path):
    args = parse_compare(["a", "b", "--selections", "c", "--output-dir", "o", "--bins", "12"])
    assert args.selections == ["a", "b", "c"] and args.bins == 12 and args.output_dir == "o"
    text = make_parser().format_help()
    for option in (
        "--selections",
        "--output-dir",
        "--bins",
        "--top-categories",
        "--overwrite",
        "--config",
        "SELECTION",
    ):
        assert option in text, option
    config = tmp_path / "c.yaml"
    config.write_text("selections: [a, b]\noutput_dir: o\n")
    assert parse_compare(["--config", str(config)]).selections == ["a", "b"]
    config.write_text("selection: [a, b]\noutput_dir: o\n")
    with pytest.raises(S2RError, match=r"selection \(did you mean selections\?\)"):
        parse_compare(["--config", str(config)])


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda t: ["only-one"], "at least two selections (got 1: only-one)"),
        (lambda t: [str(t / "x"), str(t / "empty")], "holds no manifest.json"),
        (lambda t: [str(t / "x"), str(t / "x" / "manifest.json")], "is a file"),
        (lambda t: [str(t / "x"), "./not/here"], "no such folder, and not a Hub repo id"),
        (lambda t: [str(t / "x"), "ns/never-pushed"], "could not read dataset repo 'ns/never-pushed'"),
    ],
)
def test_bad_selections_fail_in_one_line(tmp_path, capsys, make, needle):
    from s2r_hf.cli import main as cli_main

    write_selection(tmp_path / "x", pool_table(20), np.arange(5))
    (tmp_path / "empty").mkdir()
    code = cli_main(["compare", *make(tmp_path), "--output-dir", str(tmp_path / "cmp")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("s2r compare: error:") and needle in err[-1], err
    assert "Traceback" not in "\n".join(err)


def test_odd_columns_and_broken_files(tmp_path):
    """Nulls in measures and categories, a list-typed source column; then a scores file that is no parquet."""
    table = pool_table(40)
    table = table.set_column(
        table.column_names.index("difficulty"), "difficulty", pa.array([None, *np.linspace(0, 1, 39)])
    )
    table = table.set_column(
        table.column_names.index("problem_type"), "problem_type", pa.array([None] * 5 + ["Å∑"] * 35)
    )
    write_selection(tmp_path / "x", table, np.arange(0, 20))
    write_selection(
        tmp_path / "y",
        table.set_column(table.column_names.index("source"), "source", pa.array([["a"]] * 40)),
        np.arange(10, 30),
    )
    result = main(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=["x", "y"]))
    assert result["difficulty"]["summary"]["x"]["n"] == 19  # the null row is left out
    assert result["problem_type"]["counts"]["x"] == {"Å∑": 15, "(missing)": 5}
    assert result["source"]["missing"] == ["y"]
    (tmp_path / "y" / "scores.parquet").write_text("not parquet")
    with pytest.raises(S2RError, match=r"scores\.parquet is no readable parquet file"):
        main(CompareArguments(output_dir=str(tmp_path / "cmp2"), selections=["x", "y"]))


def test_output_folder_is_guarded(three, tmp_path):
    _, _, specs = three
    out = tmp_path / "cmp"
    main(CompareArguments(output_dir=str(out), selections=specs[:2]))
    main(CompareArguments(output_dir=str(out), selections=specs[:2]))  # same options: replaced
    with pytest.raises(S2RError, match="finished s2r compare run with other options"):
        main(CompareArguments(output_dir=str(out), selections=specs))
    main(CompareArguments(output_dir=str(out), selections=specs, overwrite=True))
    (out / "notes.txt").write_text("mine")
    with pytest.raises(S2RError, match=r"notes\.txt"):
        main(CompareArguments(output_dir=str(out), selections=specs, overwrite=True))
    with pytest.raises(S2RError, match="lies inside selections"):
        main(CompareArguments(output_dir=str(Path(specs[0]) / "cmp"), selections=specs))


def test_220k_row_pool(tmp_path, caplog):
    """The OpenR1-Math-220k size: two selections of 22k rows with a known overlap, through Arrow/numpy only."""
    n = 220_000
    table = pool_table(n, seed=3)
    write_selection(tmp_path / "s2r", table, np.arange(0, 22_000))
    write_selection(tmp_path / "rand", table.drop_columns(["difficulty"]), np.arange(11_000, 33_000), strategy="random")
    start = time.perf_counter()
    result = main(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=["s2r", "rand"]))
    seconds = time.perf_counter() - start
    logging.getLogger(__name__).warning("s2r compare, 2 × 220k-row scores tables: %.2f s", seconds)
    assert result["overlap"][0]["shared"] == 11_000 and result["difficulty"]["summary"]["pool"]["n"] == n
    assert seconds < 120  # a Python-rows implementation takes minutes here; Arrow/numpy takes seconds
