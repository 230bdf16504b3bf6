"""Where a selection's files lie (s2r_hf.selection_files): a folder, a pushed repo's default or named config; the
one-line refusals; the repo card taken back as the folder's own card only for the config it describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from s2r_hf.errors import S2RError
from s2r_hf.hub import CONFIGS_END, CONFIGS_START
from s2r_hf.selection_files import Layout, card_text, hub_layout, locate

CARD = """---
pretty_name: Démo ∑ S2R
configs:
- config_name: {config}
  data_files:
  - split: train
    path: {folder}/train-*
- config_name: {scores}
  data_files:
  - split: train
    path: {folder}/selection/scores.parquet
dataset_info:
  config_name: {config}
---

# Démo ∑ S2R

![plot]({plot})

`load_dataset(repo, "{scores}", split="train")`
{table}
## Citation
"""


def card(config: str, described: str | None) -> str:
    folder = "data" if config == "default" else config
    table = ""
    if described is not None:
        about = f"## Configs in this repository\n\nThe text above describes `{described}`."
        table = f"{CONFIGS_START}\n{about}\n{CONFIGS_END}\n"
    scores = "scores" if config == "default" else f"{config}-scores"
    plot = "scores.png" if config == "default" else f"{config}/scores.png"
    return CARD.format(config=config, folder=folder, scores=scores, plot=plot, table=table)


def test_hub_layout_of_default_and_named_configs():
    repo, default = hub_layout("ns/sel")
    assert (repo, default.manifest, default.scores, default.data) == (
        "ns/sel",
        "manifest.json",
        "selection/scores.parquet",
        "data/train-*.parquet",
    )
    assert default.side["config.yaml"] == "config.yaml" and default.config == "default"
    repo, named = hub_layout("ns/sel:pct10")
    assert (named.manifest, named.scores, named.data, named.config) == (
        "pct10/manifest.json",
        "pct10/selection/scores.parquet",
        "pct10/train-*.parquet",
        "pct10",
    )
    assert named.side["scores.png"] == "pct10/scores.png" and named.side["dropped.parquet"].startswith("pct10/")
    assert Layout(Path("x")).side["scores.parquet"] == "scores.parquet"  # a local folder: the names as written


def test_refusals_are_one_line_naming_the_spec(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    cases = {
        str(tmp_path / "file.txt"): "is a file",
        str(tmp_path / "empty"): "holds no manifest.json",
        str(tmp_path / "missing"): "no such folder, and not a Hub repo id",
        "ns/a:b:c": "not a Hub repo id",
        "ns/a:scores": "config name 'scores' cannot name a folder of the repo",  # the per-row scores, no selection
        "ns/a:x/y": "config name 'x/y' cannot name a folder",
    }
    for spec, why in cases.items():
        with pytest.raises(S2RError) as err:
            locate(spec, "--source")
        assert str(err.value).startswith(f"--source {spec}") and why in str(err.value) and "\n" not in str(err.value)


def test_an_unreachable_repo_names_the_folder_too(monkeypatch):
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)
    with pytest.raises(S2RError, match=r"selection out/s2r10: no such folder here, and could not read dataset repo "):
        locate("out/s2r10")


def test_local_card_is_kept_as_written(tmp_path):
    (tmp_path / "README.md").write_text("anything ∑", encoding="utf-8")
    assert card_text(Layout(tmp_path)) == "anything ∑"
    assert card_text(Layout(tmp_path / "none")) is None


@pytest.mark.parametrize(
    ("spec", "readme", "kept"),
    [
        ("ns/s", card("default", None), True),  # one default config: the folder's card as pushed
        ("ns/s:pct10", card("pct10", "pct10"), True),  # the config pushed last: its card, back to folder paths
        ("ns/s", card("pct10", "pct10"), False),  # the card describes another config
        ("ns/s:pct10", card("default", None), False),
    ],
)
def test_repo_card_back_to_the_folders_card(tmp_path, spec, readme, kept):
    _, layout = hub_layout(spec)
    layout.root = tmp_path
    (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    text = card_text(layout)
    if not kept:
        assert text is None
        return
    meta = yaml.safe_load(text.split("---")[1])
    assert meta["configs"] == [{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}]
    assert "dataset_info" not in meta and meta["pretty_name"] == "Démo ∑ S2R"
    assert "](scores.png)" in text and '"scores", split=' in text and "## Citation" in text
    assert CONFIGS_START not in text and "Configs in this repository" not in text


@pytest.mark.parametrize(
    ("record", "missing"),
    [
        ({"model": "x"}, "lacks options and selected_ids (a list of string ids)"),
        ([1, 2], "lacks options and selected_ids"),
        ({"options": {"SelectionArguments": 3}, "selected_ids": []}, "lacks options (one record per option group)"),
        ({"options": {}, "selected_ids": ["a", 2]}, "lacks selected_ids (a list of string ids)"),
    ],
)
def test_a_manifest_of_another_tool_is_one_line_naming_what_is_missing(tmp_path, record, missing):
    import json

    from s2r_hf.selection_files import read_manifest

    (tmp_path / "manifest.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(S2RError) as err:
        read_manifest(Layout(tmp_path, spec="sel"))
    assert str(err.value).startswith(f"selection sel: manifest.json {missing}") and "no `s2r select` manifest" in str(
        err.value
    )
    (tmp_path / "manifest.json").write_text(json.dumps({"options": {}, "selected_ids": ["a", "b"]}), encoding="utf-8")
    assert read_manifest(Layout(tmp_path, spec="sel")).selected_ids == ["a", "b"]
