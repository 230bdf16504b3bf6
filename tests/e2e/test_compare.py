"""`s2r compare` end to end: two selections made by the real `s2r select` (s2r and random, 30 rows each of the
synthetic pool), compared through the CLI; then one of them pushed to the loopback Hub (tests/hub_server.py) and
read back from the repo (default config and a named one) beside the local folders."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, S2R
from tests.e2e.test_hub_push import hub_env

DEMO = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_10pct.yaml"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*S2R, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


def label(folder: Path) -> str:
    """How the report names a local selection: relative to the CLI's working folder, else ``local:<name>``."""
    from s2r_hf.manifest import public_path

    return public_path(str(folder), ROOT)


def ids(folder: Path) -> set[str]:
    return set(json.loads((folder / "manifest.json").read_text())["selected_ids"])


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> tuple[Path, Path]:
    """`s2r select --strategy s2r --count 30` and `--strategy random --count 30` on 200 synthetic rows."""
    home = tmp_path_factory.mktemp("compare")
    base = ["select", "--config", str(DEMO), "--synthetic-rows", "200", "--count", "30"]
    for name, extra in (("s2r", []), ("random", ["--strategy", "random", "--weight", "null"])):
        proc = run([*base, *extra, "--output-dir", str(home / name)])
        assert proc.returncode == 0, proc.stderr[-3000:]
    return home / "s2r", home / "random"


def test_compare_two_selections_through_the_cli(two, tmp_path):
    s2r, rand = two
    out = tmp_path / "cmp"
    proc = run(["compare", str(s2r), str(rand), "--output-dir", str(out)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((out / "compare.json").read_text())
    shared = len(ids(s2r) & ids(rand))  # computed here, from the manifests, with Python sets
    (pair,) = result["overlap"]
    assert (pair["a_rows"], pair["b_rows"], pair["shared"]) == (30, 30, shared)
    assert pair["jaccard"] == pytest.approx(shared / len(ids(s2r) | ids(rand)), abs=1e-6)
    assert f"∩ {label(rand)}: {shared} shared ids" in proc.stderr
    assert f"{label(s2r)}: s2r (difficulty:0.25,length:0.75, judge), 30 rows" in proc.stderr
    manifest = json.loads((s2r / "manifest.json").read_text())
    assert result["tokens"][label(s2r)]["length_sum"] == manifest["counts"]["selected_length_sum"]
    assert result["selections"][1]["strategy"] == "random" and result["same_pool"]
    assert result["selections"][1]["borrowed"] == {"difficulty": label(s2r)}  # random has no judge scores
    told = [(s["signals"], s["difficulty_scorer"], s["difficulty_model"]) for s in result["selections"]]
    assert told == [("difficulty:0.25,length:0.75", "judge", "s2r:tiny-judge"), (None, None, None)]
    assert result["difficulty_axis"] == 'difficulty  p("1") / (p("1") + p("0"))'  # every difficulty: the judge's
    assert result["difficulty"]["summary"]["pool"]["n"] == manifest["counts"]["scored"]
    assert (out / "compare.png").read_bytes()[:8] == PNG_MAGIC
    from PIL import Image

    with Image.open(out / "compare.png") as image:
        image.verify()
    assert f"| {label(s2r)} | {label(rand)} | 30 | 30 | {shared} |" in (out / "compare.md").read_text()


def test_compare_local_folders_with_a_pushed_repo(two, hub_server, tmp_path):
    s2r, rand = two
    env = hub_env(hub_server, tmp_path)
    for config in ("default", "pct10"):
        push = run(["push", "--output-dir", str(s2r), "--repo", "ns/cmp-s2r", "--config-name", config], env)
        assert push.returncode == 0, push.stderr[-3000:]
    out = tmp_path / "cmp"
    proc = run(
        ["compare", str(rand), "ns/cmp-s2r", "--selections", "ns/cmp-s2r:pct10", str(s2r), "--output-dir", str(out)],
        env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((out / "compare.json").read_text())
    pairs = {(p["a"], p["b"]): p for p in result["overlap"]}
    shared = len(ids(s2r) & ids(rand))
    assert pairs[(label(rand), "ns/cmp-s2r")]["shared"] == shared
    assert pairs[(label(rand), "ns/cmp-s2r:pct10")]["shared"] == shared
    assert pairs[("ns/cmp-s2r", "ns/cmp-s2r:pct10")]["jaccard"] == 1.0
    assert pairs[("ns/cmp-s2r", label(s2r))]["jaccard"] == 1.0
    repo = result["tokens"]["ns/cmp-s2r"]
    assert repo == result["tokens"]["ns/cmp-s2r:pct10"] == result["tokens"][label(s2r)]
    assert result["selections"][1]["has_scores_file"]  # selection/scores.parquet came down from the repo
    assert not hub_server.unhandled, hub_server.unhandled

    missing = run(["compare", str(s2r), "ns/not-there", "--output-dir", str(tmp_path / "cmp2")], env)
    last = missing.stderr.strip().splitlines()[-1]
    assert missing.returncode == 2 and "could not read dataset repo 'ns/not-there'" in last, missing.stderr[-2000:]
    assert "Traceback" not in missing.stderr


def test_help_and_usage_name_compare():
    top = run(["--help"])
    assert "compare  compare selections side by side" in top.stdout
    help_ = run(["compare", "--help"])
    assert help_.returncode == 0 and "--selections" in help_.stdout and "SELECTION" in help_.stdout
