"""`s2r ablate` through the real CLI on a tiny `s2r select` output: the ablated folder is a selection that
`s2r train` trains on unchanged, and `--push-to-hub` publishes it (loopback Hub) with its card and manifest."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, S2R
from tests.e2e.test_hub_push import LOAD, hub_env

SELECT_DEMO = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_10pct.yaml"
TRAIN_DEMO = ROOT / "recipes" / "tiny-qwen2" / "sft" / "config_demo.yaml"
SHARD = Path("data") / "train-00000-of-00001.parquet"


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = env or {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def selection(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ablate") / "sel"
    args = ["select", "--config", str(SELECT_DEMO), "--synthetic-rows", "200", "--count", "12"]
    proc = run([*S2R, *args, "--output-dir", str(out)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def rows(folder: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(folder / SHARD).to_pylist()


def test_a_missing_source_is_one_line(tmp_path):
    proc = run([*S2R, "ablate", str(tmp_path / "nope"), "--transform", "truncate", "--output-dir", str(tmp_path / "o")])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (
        proc.stderr.strip().splitlines()[-1].startswith("s2r ablate: error: --source")
        and "no such folder" in proc.stderr
    )
    top = run([*S2R, "--help"])
    assert "ablate" in top.stdout


@pytest.mark.slow
def test_ablated_selection_trains_unchanged(selection, tmp_path):
    out = tmp_path / "shuffled"
    proc = run(
        [*S2R, "ablate", str(selection), "--transform", "shuffle_steps", "--seed", "0", "--output-dir", str(out)]
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    before, after = rows(selection), rows(out)
    assert [r["id"] for r in after] == [r["id"] for r in before]  # same rows, same order
    assert all(a["response"] != b["response"] for a, b in zip(after, before, strict=True))
    assert all(a["messages"][-1]["content"] == a["response"] for a in after)
    manifest, source = (
        json.loads((out / "manifest.json").read_text()),
        json.loads((selection / "manifest.json").read_text()),
    )
    assert {k: v for k, v in manifest.items() if k != "ablation"} == source
    assert manifest["ablation"]["counts"] == {"rows": 12, "changed": 12, "unchanged": 0, "unchanged_reasons": {}}
    assert "**Ablation.**" in (out / "README.md").read_text(encoding="utf-8")
    # the same seed gives the same bytes of data; the training recipe reads the folder unchanged
    again = tmp_path / "again"
    proc = run([*S2R, "ablate", str(selection), "--transform", "shuffle_steps", "--output-dir", str(again)])
    assert proc.returncode == 0 and rows(again) == after
    model = tmp_path / "model"
    train = ["train", "--config", str(TRAIN_DEMO), "--dataset_name", str(out), "--output_dir", str(model)]
    proc = run([*S2R, *train, "--max_steps", "1", "--save_strategy", "no"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    record = json.loads((model / "s2r_train.json").read_text())
    assert record["data"]["rows_in"] == 12 and record["data"]["rows_kept"] == 12


@pytest.mark.slow
def test_push_to_hub_publishes_the_ablation(selection, tmp_path, healthy_hub):
    env = hub_env(healthy_hub, tmp_path)
    out = tmp_path / "no-wait"
    args = ["ablate", str(selection), "--transform", "remove_keywords", "--output-dir", str(out)]
    proc = run([*S2R, *args, "--push-to-hub", "ns/ablated"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = run([os.sys.executable, "-c", LOAD, "ns/ablated"], env)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    repo = json.loads(loaded.stdout.strip().splitlines()[-1])
    assert repo["ids"] == [r["id"] for r in rows(out)]
    assert "**Ablation.**" in repo["text"] and "remove_keywords" in repo["text"]
    assert "manifest.json" in repo["files"] and "data/train-00000-of-00001.parquet" in repo["files"]
    pushed = json.loads((healthy_hub.files("ns/ablated") / "manifest.json").read_text(encoding="utf-8"))
    assert pushed["ablation"]["transform"] == "remove_keywords"


@pytest.mark.slow
def test_ablate_reads_a_pushed_selection(selection, tmp_path, healthy_hub):
    """`s2r ablate owner/name[:CONFIG]`: the same rows as the local folder, perturbed the same way; side files,
    source and commit recorded; a repo (or config) that is no selection is one line naming it and what is missing."""
    env = hub_env(healthy_hub, tmp_path)
    for config in ("default", "pct10"):
        push = run([*S2R, "push", "--output-dir", str(selection), "--repo", "ns/abl-src", "--config-name", config], env)
        assert push.returncode == 0, push.stderr[-3000:]
    local, remote = tmp_path / "local", tmp_path / "remote"
    args = ["--transform", "truncate", "--seed", "3"]
    assert run([*S2R, "ablate", str(selection), *args, "--output-dir", str(local)]).returncode == 0
    proc = run([*S2R, "ablate", "ns/abl-src:pct10", *args, "--output-dir", str(remote)], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert rows(remote) == rows(local) and rows(remote) != rows(selection)
    record = json.loads((remote / "manifest.json").read_text())["ablation"]
    assert record["source"] == "ns/abl-src:pct10" and len(record["source_revision"]) == 40
    for name in ("scores.parquet", "dropped.parquet", "config.yaml", "scores.png"):
        assert (remote / name).read_bytes() == (selection / name).read_bytes(), name
    card = (remote / "README.md").read_text(encoding="utf-8")
    assert "**Ablation.**" in card and "s2r ablate ns/abl-src:pct10 --transform truncate" in card
    assert "Configs in this repository" not in card and "](scores.png)" in card  # the folder's own card, as made
    meta = yaml.safe_load(card.split("---")[1])
    assert meta["configs"] == [{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}]
    assert [e.get("config_name") for e in _list(meta["dataset_info"])] == [None]  # the new shard's, not the repo's

    healthy_hub.create_repo("ns/plain", private=False)  # a dataset repo s2r never pushed to
    for spec, missing in (("ns/plain", "no manifest.json"), ("ns/abl-src:pct5", "no pct5/manifest.json")):
        bad = run([*S2R, "ablate", spec, *args, "--output-dir", str(tmp_path / "bad")], env)
        last = bad.stderr.strip().splitlines()[-1]
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr[-2000:]
        assert f"dataset repo '{spec}' holds {missing}" in last and "no selection pushed by s2r" in last, last
    assert "(its selections: ns/abl-src, ns/abl-src:pct10)" in last
    assert not healthy_hub.unhandled, healthy_hub.unhandled


def _list(value) -> list:
    return value if isinstance(value, list) else [value]
