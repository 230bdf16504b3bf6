"""`s2r ablate` in process on a hand-made selection folder: options, recipes, the map (seeded per row, independent
of batching and processes), the written folder (layout, manifest record, card), the output guard."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from s2r_hf.ablate.main import _ablate_batch, ablate_rows, main, transform_kwargs
from s2r_hf.ablate.options import AblateArguments, make_parser, parse_ablate
from s2r_hf.ablate.transforms import TRANSFORMS, final_answer, split_steps, split_think
from s2r_hf.errors import S2RError
from s2r_hf.manifest import Manifest
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "data" / "manifests" / "select_synthetic_s2r_10pct_v1.json"
RECIPES = sorted((ROOT / "recipes" / "ablation").glob("config_*.yaml"))


def trace(i: int) -> str:
    steps = [f"Étape {i}.{k}: $x_{k} = \\frac{{{k}}}{{{i + 1}}}$ — wait, ∑ ok." for k in range(5)]
    return "<think>\n" + "\n\n".join(steps) + f"\n</think>\n\nSo $\\boxed{{{i % 4}}}$."


def rows(n: int = 10) -> list[dict]:
    out = []
    for i in range(n):
        text = trace(i) if i < n - 1 else "no think block and no box"  # the last row: nothing to transform
        messages = [{"role": "user", "content": f"Problem {i}"}, {"role": "assistant", "content": text}]
        out.append(
            {"id": f"id-{i}", "problem": f"Problem {i}", "response": text, "answer": str(i % 4), "messages": messages}
        )
    return out


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A finished selection folder: one shard, the v1 manifest, a card, a side file."""
    from datasets import Dataset

    folder = tmp_path / "sel"
    (folder / "data").mkdir(parents=True)
    Dataset.from_list(rows()).to_parquet(str(folder / "data" / "train-00000-of-00001.parquet"))
    (folder / "manifest.json").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "README.md").write_text(
        "---\npretty_name: Demo S2R\ntags:\n- select2reason\n---\n\n# Demo S2R\n\nBody.\n"
    )
    (folder / "config.yaml").write_text("ratio: 0.1\n")
    return folder


def ablate(source: Path, out: Path, *extra: str) -> Manifest:
    return main(parse_ablate([str(source), "--output-dir", str(out), *extra]))


def test_help_lists_every_option():
    text = make_parser().format_help()
    for f in dataclasses.fields(AblateArguments):
        assert f"--{f.name}" in text and f.metadata.get("help"), f.name
    assert "--config" in text


def test_options_are_checked_all_at_once():
    args = parse_ablate(["sel", "--transform", "delete_steps", "--output-dir", "o"])
    assert (args.source, args.fraction, args.seed) == ("sel", 0.5, 0)  # the transform's default fraction
    assert parse_ablate(["--source", "s", "--transform", "remove_keywords", "--output-dir", "o"]).markers[0] == "wait"
    with pytest.raises(S2RError, match=r"3 problems: .*--transform must be one of shuffle_steps.*--output-dir"):
        parse_ablate(["sel", "--transform", "nope", "--fraction", "2"])
    with pytest.raises(S2RError, match="--fraction is not taken by --transform wrong_answers"):
        parse_ablate(["sel", "--transform", "wrong_answers", "--fraction", "0.5", "--output-dir", "o"])
    with pytest.raises(S2RError, match=r"--fraction must be in \(0, 1\]"):
        parse_ablate(["sel", "--transform", "truncate", "--fraction", "0", "--output-dir", "o"])
    with pytest.raises(S2RError, match="--markers is taken by --transform remove_keywords only"):
        parse_ablate(["sel", "--transform", "truncate", "--markers", "wait", "--output-dir", "o"])
    with pytest.raises(S2RError, match="unknown option"):
        parse_ablate(["sel", "--transform", "truncate", "--output-dir", "o", "--fractoin", "0.5"])


def test_recipes_are_collected():
    assert {p.stem.removeprefix("config_") for p in RECIPES} == set(TRANSFORMS)


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_recipe_parses(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#") and f"s2r ablate --config {path.relative_to(ROOT)}" in text
    args = parse_ablate(["--config", str(path)])
    assert args.transform == path.stem.removeprefix("config_") and args.output_dir.endswith(args.transform)
    assert args.source == "data/openr1-s2r-10pct"  # what recipes/selection/openr1/config_s2r_10pct.yaml writes
    override = parse_ablate(["--config", str(path), "--seed", "3"])
    assert override.seed == 3 and override.transform == args.transform


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
def test_map_is_seeded_per_row_whatever_the_batches(transform):
    from datasets import Dataset

    ds = Dataset.from_list(rows())
    args = parse_ablate(["s", "--transform", transform, "--output-dir", "o", "--seed", "5"])
    kwargs = transform_kwargs(args, ds)
    whole, counts = ablate_rows(ds, args, kwargs)
    assert counts["rows"] == 10 and counts["changed"] == 9
    assert counts["unchanged_reasons"] == {
        "no_boxed_answer"
        if transform == "wrong_answers"
        else "no_marker"
        if transform == "remove_keywords"
        else "no_think_block": 1
    }
    batch = ds[:]  # the same rows one at a time: same result
    one = {"transform": transform, "seed": 5, "fraction": args.fraction, "kwargs": kwargs}
    for i in range(len(ds)):
        single = _ablate_batch({k: v[i : i + 1] for k, v in batch.items()}, [i], **one)
        assert single["response"][0] == whole[i]["response"]
    for row in whole:  # both trace columns, transformed alike
        assert row["messages"][1]["content"] == row["response"] and row["messages"][0]["content"] == row["problem"]
    again, _ = ablate_rows(ds, args, kwargs)
    assert again["response"] == whole["response"]
    other = parse_ablate(["s", "--transform", transform, "--output-dir", "o", "--seed", "6"])
    if transform in ("shuffle_steps", "delete_steps", "wrong_answers"):  # seeded transforms: another seed differs
        assert ablate_rows(ds, other, transform_kwargs(other, ds))[0]["response"] != whole["response"]


def test_two_processes_give_the_same_rows():
    from datasets import Dataset

    ds = Dataset.from_list(rows(40))
    args = parse_ablate(["s", "--transform", "shuffle_steps", "--output-dir", "o", "--num-proc", "2"])
    parallel, _ = ablate_rows(ds, args, {})
    serial, _ = ablate_rows(ds, dataclasses.replace(args, num_proc=None), {})
    assert parallel["response"] == serial["response"]


def test_wrong_answers_take_another_rows_answer(source, tmp_path):
    ablate(source, tmp_path / "out", "--transform", "wrong_answers")
    from datasets import load_dataset

    before = load_dataset("parquet", data_files=str(source / "data" / "*.parquet"), split="train")
    after = load_dataset("parquet", data_files=str(tmp_path / "out" / "data" / "*.parquet"), split="train")
    answers = {final_answer(t) for t in before["response"]} - {None}
    for old, new in zip(before["response"], after["response"], strict=True):
        if final_answer(old) is None:
            assert new == old
            continue
        assert final_answer(new) in answers and final_answer(new) != final_answer(old)
        assert split_think(new)[1] == split_think(old)[1]  # the thinking untouched
    assert after["answer"] == before["answer"]  # the reference answers stay


def test_output_is_a_selection_folder(source, tmp_path):
    out = tmp_path / "out"
    written = ablate(source, out, "--transform", "shuffle_steps", "--seed", "2")
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "_s2r_files.json",
        "config.yaml",
        "data",
        "manifest.json",
    ]
    manifest = Manifest.from_json(out / "manifest.json")
    src = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert manifest.selected_ids == src["selected_ids"] and manifest.options == src["options"]
    assert manifest.ablation == written.ablation
    assert manifest.ablation["transform"] == "shuffle_steps" and manifest.ablation["seed"] == 2
    assert manifest.ablation["fraction"] == 1.0 and manifest.ablation["columns"] == ["response", "messages"]
    assert manifest.ablation["counts"] == {
        "rows": 10,
        "changed": 9,
        "unchanged": 1,
        "unchanged_reasons": {"no_think_block": 1},
    }
    assert json.loads((out / "manifest.json").read_text())["ablation"]["source"].endswith("sel")
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "pretty_name: Demo S2R · ablation shuffle_steps" in card and "- ablation" in card
    assert "# Demo S2R · ablation shuffle_steps" in card and "**Ablation.**" in card and "9 of 10 rows" in card
    assert "num_examples: 10" in card and "Body." in card
    from datasets import load_dataset

    ds = load_dataset("parquet", data_files=str(out / "data" / "*.parquet"), split="train")
    steps = [split_steps(split_think(t)[1])[0] for t in ds["response"][:9]]
    assert all(s != sorted(s, key=lambda x: int(x.split(".")[1][0])) for s in steps)  # every order changed


def test_output_guard(source, tmp_path):
    out = tmp_path / "out"
    ablate(source, out, "--transform", "truncate")
    ablate(source, out, "--transform", "truncate")  # a rerun with the same options replaces its own files
    with pytest.raises(S2RError, match="finished s2r ablate run with other options; pass --overwrite"):
        ablate(source, out, "--transform", "truncate", "--fraction", "0.2")
    assert Manifest.from_json(out / "manifest.json").ablation["fraction"] == 0.5
    ablate(source, out, "--transform", "truncate", "--fraction", "0.2", "--overwrite")
    assert Manifest.from_json(out / "manifest.json").ablation["fraction"] == 0.2
    with pytest.raises(S2RError, match="lies inside --source"):
        ablate(source, source / "inside", "--transform", "truncate")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(S2RError, match=r"notes\.txt"):
        ablate(source, tmp_path / "mine", "--transform", "truncate")
    with pytest.raises(S2RError, match="is already an ablation"):
        ablate(out, tmp_path / "twice", "--transform", "truncate")
    with pytest.raises(S2RError, match="no such folder"):
        ablate(tmp_path / "missing", tmp_path / "x", "--transform", "truncate")


def test_manifest_without_ablation_round_trips_and_with_it_loads(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    manifest = Manifest.from_json(text)
    assert manifest.ablation is None and manifest.to_json() == text  # an old manifest: byte for byte
    manifest.ablation = {"transform": "truncate", "seed": 0}
    again = Manifest.from_json(manifest.to_json())
    assert again.ablation == {"transform": "truncate", "seed": 0} and again.extra == {}


def test_odd_rows_are_kept_and_counted():
    from datasets import Dataset

    good = rows(2)[0]
    odd = [
        good,
        {**good, "id": "none", "response": None, "messages": None},
        {**good, "id": "sys", "messages": [{"role": "system", "content": "Wait."}, *good["messages"]]},
    ]
    ds = Dataset.from_list(odd)
    args = parse_ablate(["s", "--transform", "remove_keywords", "--output-dir", "o"])
    out, counts = ablate_rows(ds, args, transform_kwargs(args, ds))
    assert counts == {"rows": 3, "changed": 2, "unchanged": 1, "unchanged_reasons": {"no_text": 1}}
    assert out[1]["response"] is None and out[1]["messages"] is None
    assert out[2]["messages"][0]["content"] == "Wait."  # only assistant turns are traces
    assert "wait" not in out[2]["messages"][2]["content"].lower() and out[2]["messages"][1] == good["messages"][0]


def test_a_source_without_card_gets_a_fresh_one(source, tmp_path):
    (source / "README.md").unlink()
    ablate(source, tmp_path / "out", "--transform", "delete_steps", "--fraction", "0.4")
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "· ablation delete_steps" in card and "fraction 0.4" in card and "Select2Reason" in card
    assert "s2r ablate local:sel --transform delete_steps --seed 0 --fraction 0.4 --output-dir local:out" in card


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "manifest.json").write_text("{not json"), r"--source .*sel: manifest.json is unreadable \("),
        (
            lambda f: (f / "manifest.json").write_text(
                json.dumps({**json.loads(FIXTURE.read_text()), "selected_ids": 5})
            ),
            r"--source .*sel: manifest.json lacks selected_ids \(a list of string ids\), so it is no `s2r select`",
        ),
        (
            lambda f: (f / "data" / "train-00000-of-00001.parquet").write_bytes(b"not parquet" * 9),
            r"train-00000-of-00001.parquet is no readable parquet file \(",
        ),
        (lambda f: shutil.rmtree(f / "data"), r"holds manifest.json but no subset shard \(data/\*.parquet\)"),
    ],
)
def test_a_damaged_source_is_one_line(source, tmp_path, damage, message):
    damage(source)
    with pytest.raises(S2RError, match=message) as err:
        ablate(source, tmp_path / "out", "--transform", "truncate")
    assert "\n" not in str(err.value) and not (tmp_path / "out").exists()  # refused before the folder is claimed


def test_compare_refuses_ids_that_are_no_list(source, tmp_path):
    from s2r_hf.compare.main import main as compare
    from s2r_hf.compare.options import CompareArguments

    (source / "manifest.json").write_text(json.dumps({**json.loads(FIXTURE.read_text()), "selected_ids": {"a": 1}}))
    with pytest.raises(S2RError, match=r"manifest.json lacks selected_ids \(a list of string ids\)"):
        compare(CompareArguments(output_dir=str(tmp_path / "cmp"), selections=[str(source), str(source)]))


def test_a_push_that_cannot_happen_is_refused_before_any_work(source, tmp_path, monkeypatch):
    def refused(src: str, repo: str, match: str) -> None:
        args = parse_ablate(
            [src, "--transform", "truncate", "--output-dir", str(tmp_path / "o"), "--push-to-hub", repo]
        )
        with pytest.raises(S2RError, match=match):
            main(args)
        assert not (tmp_path / "o").exists()

    refused(str(source), "ns/x", "HF_HUB_OFFLINE is set, so nothing can be pushed")  # the tests run offline
    monkeypatch.setattr("s2r_hf.preflight.offline", lambda: False)
    refused(str(source), "bad..name", r"--push-to-hub 'bad..name' is not a repo id")
    for src in ("ns/sel", "ns/sel:default"):  # would replace the selection read with its ablation
        refused(src, "ns/sel", r"--push-to-hub ns/sel is the repo --source .* e.g. --push-to-hub ns/sel-truncate$")


def test_compare_names_an_ablation(source, tmp_path):
    from s2r_hf.compare.main import main as compare
    from s2r_hf.compare.options import CompareArguments

    ablate(source, tmp_path / "cut", "--transform", "truncate")
    out = tmp_path / "cmp"
    result = compare(CompareArguments(output_dir=str(out), selections=[str(source), str(tmp_path / "cut")]))
    assert [s["ablation"] for s in result["selections"]] == [None, "truncate"]
    assert result["overlap"][0]["jaccard"] == 1.0  # the same rows
    assert "| s2r (ablation truncate) |" in (out / "compare.md").read_text()
