"""`--difficulty-model` from the (loopback) Hub at a pinned `--difficulty-model-revision`: the revision reaches every
loader, is recorded in the manifest's scorer key and the card, and keys the score cache (another revision never
reuses its scores); a revision the repo lacks is one line naming it."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import S2R
from tests.e2e.test_hub_push import hub_env, run
from tests.unit.test_difficulty_model import build_model_folder

pytestmark = [pytest.mark.usefixtures("healthy_hub"), pytest.mark.slow]

REPO = "ns/difficulty-tiny"
SHA = "from huggingface_hub import HfApi; import sys; print(HfApi().model_info(sys.argv[1]).sha)"


def select(env: dict, cache: Path, out: Path, revision: str):
    args = ["select", "--pool", "s2r:synthetic-openr1", "--synthetic-rows", "60", "--judge", "s2r:tiny-judge"]
    args += ["--difficulty-scorer", "model", "--difficulty-model", REPO, "--difficulty-model-revision", revision]
    args += ["--judge-dtype", "float32", "--decontam-benchmarks", "s2r:synthetic-benchmark"]
    return run([*S2R, *args, "--cache-dir", str(cache), "--output-dir", str(out)], env)


def test_a_pinned_revision_is_loaded_recorded_and_keyed(hub_server, tiny_judge, tmp_path):
    env = hub_env(hub_server, tmp_path)
    model = build_model_folder(tmp_path / "difficulty-tiny", tiny_judge, seed=3)
    proc = run([*S2R, "push", "--output-dir", str(model), "--repo", REPO], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    sha = run([sys.executable, "-c", SHA, REPO], env).stdout.strip()
    assert len(sha) == 40
    cache = tmp_path / "cache"
    shutil.copytree(tiny_judge, cache / "builtin" / "tiny-qwen2-judge")
    proc = select(env, cache, tmp_path / "pinned", sha)
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = json.loads((tmp_path / "pinned" / "manifest.json").read_text())
    assert manifest["options"]["ScoringArguments"]["difficulty_model_revision"] == sha
    scorer = manifest["scorer"]
    assert scorer["model"] == REPO and scorer["revision"] == sha and scorer["weights"] == f"hub:{sha}"
    card = (tmp_path / "pinned" / "README.md").read_text()
    assert f"fitted difficulty model `{REPO}` at revision `{sha}` (weights `hub:{sha}`)" in card
    # the same weights named by another revision are scored again, in their own cache folder
    proc = select(env, cache, tmp_path / "main", "main")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "difficulty: 0 rows cached" in proc.stderr
    keys = [json.loads(k.read_text()) for k in sorted((cache / "scores").glob("*/key.json"))]
    assert sorted(k.get("revision") for k in keys if k["scorer"] == "model") == sorted(["main", sha])
    # a revision the repo does not have: one line naming it, before any model loads
    proc = select(env, cache, tmp_path / "bad", "v9")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert f"--difficulty-model {REPO}: could not read s2r_difficulty.json at revision 'v9'" in last
