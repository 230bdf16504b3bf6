"""Hub pushes for real: the `s2r` CLI in a subprocess pushes to a local Hub look-alike (tests/hub_server.py) and
another subprocess loads the repo back with `datasets` / `huggingface_hub`. Faults (HTTP 500 on commit, a
connection dropped mid-upload, a rejected token) must fail with one clear line, keep the local output, and be
fixed by `s2r push` once the server is healthy. The token must never leak into output, files or the repo."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, S2R

pytestmark = pytest.mark.usefixtures("healthy_hub")  # no fault left on between tests

DEMO = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_10pct.yaml"
SHARD = "data/train-00000-of-00001.parquet"

# Runs in a fresh interpreter pointed at the server: loads the pushed repo the way a user would.
LOAD = """
import json, sys
from datasets import load_dataset
from huggingface_hub import DatasetCard, HfApi
repo, name = sys.argv[1], (sys.argv[2:] or [None])[0]
rows = load_dataset(repo, name, split="train").to_list()
card = DatasetCard.load(repo)
print(json.dumps({"rows": json.dumps(rows, sort_keys=True, default=str), "ids": [r["id"] for r in rows],
                  "text": card.text, "configs": card.data.configs, "dataset_info": card.data.dataset_info,
                  "files": sorted(HfApi().list_repo_files(repo, repo_type="dataset"))}))
"""


def hub_env(hub, home: Path, **extra: str) -> dict[str, str]:
    """Online, but only to the test server; private caches so nothing is read from an earlier download."""
    return {
        **os.environ,
        "HF_ENDPOINT": hub.url,
        "HF_TOKEN": hub.token,
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_OFFLINE": "0",
        "HF_DATASETS_OFFLINE": "0",
        "HF_HOME": str(home / "hf_home"),
        "HF_DATASETS_CACHE": str(home / "hf_datasets"),
        **extra,
    }


def run(args: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def select(out: Path, repo: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    args = ["select", "--config", str(DEMO), "--synthetic-rows", "400", "--output-dir", str(out)]
    return run([*S2R, *args, "--push-to-hub", repo], env)


def push(out: Path, repo: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return run([*S2R, "push", "--output-dir", str(out), "--repo", repo], env)


def load_from_hub(repo: str, env: dict[str, str], config: str | None = None) -> dict:
    proc = run([sys.executable, "-c", LOAD, repo, *([config] if config else [])], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def local_rows(out: Path) -> str:
    from datasets import load_dataset

    return json.dumps(load_dataset(str(out), split="train").to_list(), sort_keys=True, default=str)


def assert_round_trip(hub, repo: str, out: Path, env: dict[str, str]) -> None:
    """The repo serves the local subset row for row, with the recipe card and the side files."""
    from huggingface_hub import DatasetCard

    loaded = load_from_hub(repo, env)
    manifest = json.loads((out / "manifest.json").read_text())
    assert loaded["ids"] == manifest["selected_ids"]  # same rows, same order
    assert loaded["rows"] == local_rows(out)  # every column of every row
    assert loaded["configs"] == [
        {"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]},
        {"config_name": "scores", "data_files": [{"split": "train", "path": "selection/scores.parquet"}]},
    ]
    assert "Joint rank" in loaded["text"] and loaded["text"] == DatasetCard.load(out / "README.md").text
    stored = hub.files(repo)
    info = {e["config_name"]: e for e in loaded["dataset_info"]}
    assert info["default"]["download_size"] == (stored / SHARD).stat().st_size  # exact, not doubled
    assert info["default"]["splits"][0]["num_examples"] == len(manifest["selected_ids"])
    assert info["scores"]["splits"][0]["num_examples"] == manifest["counts"]["scored"]
    for name in ("README.md", SHARD, "manifest.json", "scores.png", "config.yaml", "selection/scores.parquet"):
        assert name in loaded["files"], name
    assert (stored / "manifest.json").read_bytes() == (out / "manifest.json").read_bytes()
    assert (stored / SHARD).read_bytes() == (out / SHARD).read_bytes()
    assert (stored / "scores.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not hub.unhandled, f"the client used endpoints the test server lacks: {hub.unhandled}"


def assert_token_hidden(hub, *procs: subprocess.CompletedProcess, folders: tuple[Path, ...] = ()) -> None:
    secret = hub.token.encode()
    for proc in procs:
        assert hub.token not in proc.stdout + proc.stderr
    for folder in (*folders, hub.root):  # the local output and everything the server stored (repos, LFS objects)
        leaked = [p for p in folder.rglob("*") if p.is_file() and secret in p.read_bytes()]
        assert not leaked, leaked


def assert_clear_failure(proc: subprocess.CompletedProcess, out: Path, repo: str, *needles: str) -> None:
    """Exit 2 and one last line naming the repo, the failure and the exact retry command; no traceback."""
    assert proc.returncode == 2, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert f"'{repo}'" in last and f"retry with: s2r push --output-dir {out} --repo {repo}" in last, last
    for needle in needles:
        assert needle in last, (needle, last)
    assert "Traceback" not in proc.stderr


def assert_local_output_complete(out: Path) -> None:
    from datasets import load_dataset

    manifest = json.loads((out / "manifest.json").read_text())
    assert list(load_dataset(str(out), split="train")["id"]) == manifest["selected_ids"]
    for name in ("README.md", "scores.png", "scores.parquet", "config.yaml", SHARD):
        assert (out / name).is_file(), name


def assert_retry_succeeds(hub, failed: subprocess.CompletedProcess, out: Path, repo: str, env: dict) -> None:
    """Once the server is healthy, `s2r push` completes the failed push; no token anywhere, either time."""
    hub.clear_faults()
    retried = push(out, repo, env)
    assert retried.returncode == 0, retried.stderr[-3000:]
    assert_round_trip(hub, repo, out, env)
    assert_token_hidden(hub, failed, retried, folders=(out,))


@pytest.fixture(scope="module")
def pushed(hub_server, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess, dict[str, str]]:
    """`s2r select ... --push-to-hub ns/s2r-subset`, the documented one-command flow."""
    home = tmp_path_factory.mktemp("pushed")
    env = hub_env(hub_server, home)
    proc = select(home / "out", "ns/s2r-subset", env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return home / "out", proc, env


@pytest.fixture
def finished_output(pushed, tmp_path) -> Path:
    """A copy of a finished local selection, to push somewhere else."""
    out = tmp_path / "out"
    shutil.copytree(pushed[0], out)
    return out


def test_select_pushes_and_load_dataset_gets_the_same_rows(hub_server, pushed, tmp_path):
    out, proc, env = pushed
    assert "pushed" in proc.stderr and "ns/s2r-subset" in proc.stderr
    assert_round_trip(hub_server, "ns/s2r-subset", out, hub_env(hub_server, tmp_path))  # fresh caches
    assert_token_hidden(hub_server, proc, folders=(out,))
    # a second push of the same output changes nothing: no new commit
    commits = len(hub_server.commits("ns/s2r-subset"))
    again = push(out, "ns/s2r-subset", env)
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(hub_server.commits("ns/s2r-subset")) == commits


def test_commit_500_fails_clearly_then_push_succeeds(hub_server, pushed, tmp_path):
    """The server answers every commit with 500: `select --push-to-hub` retries a bounded number of times, exits 2
    with the retry command, and leaves the local output complete; `s2r push` works once the server is healthy."""
    repo, out, env = "ns/s2r-500", tmp_path / "out", hub_env(hub_server, tmp_path)
    hub_server.fail_commit_with = 500
    failed = select(out, repo, env)
    assert_clear_failure(failed, out, repo, "500", "after 3 attempts")
    commits = [entry for entry in hub_server.log if entry[1] == f"/api/datasets/{repo}/commit/main"]
    assert [status for *_, status in commits] == [500, 500, 500]  # retried, but bounded
    assert_local_output_complete(out)

    assert_retry_succeeds(hub_server, failed, out, repo, env)


def test_connection_dropped_mid_upload_fails_clearly_then_push_succeeds(hub_server, finished_output, tmp_path):
    repo, out, env = "ns/s2r-drop", finished_output, hub_env(hub_server, tmp_path)
    hub_server.drop_connection_on_upload = "commit"  # every commit loses its connection half-way through the body
    failed = push(out, repo, env)
    assert_clear_failure(failed, out, repo, "after 3 attempts")
    assert [e for e in hub_server.log if e[1] == f"/api/datasets/{repo}/commit/main"] == [
        ("POST", f"/api/datasets/{repo}/commit/main", "dropped")
    ] * 3
    assert not hub_server.files(repo).joinpath(SHARD).exists()  # nothing half-committed
    assert_local_output_complete(out)

    assert_retry_succeeds(hub_server, failed, out, repo, env)


def test_one_dropped_lfs_upload_is_retried_transparently(hub_server, finished_output, tmp_path):
    repo, out, env = "ns/s2r-flaky", finished_output, hub_env(hub_server, tmp_path)
    hub_server.drop_connection_on_upload, hub_server.fault_times = "lfs", 1
    start = len(hub_server.log)
    proc = push(out, repo, env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    puts = [(path, status) for method, path, status in hub_server.log[start:] if method == "PUT"]
    dropped = [path for path, status in puts if status == "dropped"]
    assert len(dropped) == 1 and (dropped[0], 200) in puts  # huggingface_hub sent that object again
    assert (hub_server.files(repo) / SHARD).read_bytes() == (out / SHARD).read_bytes()
    assert_token_hidden(hub_server, proc, folders=(out,))


def test_rejected_token_fails_clearly_then_push_succeeds(hub_server, finished_output, tmp_path):
    repo, out, env = "ns/s2r-401", finished_output, hub_env(hub_server, tmp_path)
    hub_server.reject_token = True
    failed = push(out, repo, env)
    assert_clear_failure(failed, out, repo, "401", "rejected the credentials")
    # a client error is not retried
    assert "attempts" not in failed.stderr.strip().splitlines()[-1], failed.stderr[-4000:]
    assert not hub_server.repo_dir(repo).exists()
    assert_local_output_complete(out)

    assert_retry_succeeds(hub_server, failed, out, repo, env)


def test_unreachable_hub_fails_clearly(hub_server, finished_output, tmp_path):
    """Nothing listens at the endpoint (a closed port on 127.0.0.1): same clear failure, token hidden."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    env = hub_env(hub_server, tmp_path, HF_ENDPOINT=closed)
    failed = push(finished_output, "ns/s2r-down", env)
    assert_clear_failure(failed, finished_output, "ns/s2r-down", "ConnectError")
    assert_local_output_complete(finished_output)
    assert_token_hidden(hub_server, failed, folders=(finished_output,))


def test_repush_removes_stale_shards(hub_server, finished_output, tmp_path):
    """Shards an earlier push left (another shard count) are deleted in the same commit, so no row is served twice."""
    repo, out, env = "ns/s2r-reshard", finished_output, hub_env(hub_server, tmp_path)
    assert push(out, repo, env).returncode == 0
    stale = hub_server.files(repo) / "data" / "train-00001-of-00002.parquet"
    shutil.copyfile(out / SHARD, stale)  # as if an older, bigger selection had been pushed in two shards
    proc = push(out, repo, env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not stale.exists()
    assert_round_trip(hub_server, repo, out, env)


def test_config_name_points_the_card_at_its_own_folder(hub_server, finished_output, tmp_path):
    repo, out, env = "ns/s2r-configs", finished_output, hub_env(hub_server, tmp_path)
    proc = run([*S2R, "push", "--output-dir", str(out), "--repo", repo, "--config-name", "pct10"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = load_from_hub(repo, env, config="pct10")
    assert loaded["ids"] == json.loads((out / "manifest.json").read_text())["selected_ids"]
    assert loaded["configs"] == [
        {"config_name": "pct10", "data_files": [{"split": "train", "path": "pct10/train-*"}]},
        {"config_name": "pct10-scores", "data_files": [{"split": "train", "path": "pct10/selection/scores.parquet"}]},
    ]
    assert [e["config_name"] for e in loaded["dataset_info"]] == ["pct10", "pct10-scores"]
    assert 'load_dataset(repo, "pct10-scores", split="train")' in loaded["text"]
    assert "pct10/train-00000-of-00001.parquet" in loaded["files"] and SHARD not in loaded["files"]
    assert "pct10/manifest.json" in loaded["files"] and "manifest.json" not in loaded["files"]


def test_configs_pushed_to_one_repo_live_side_by_side(hub_server, finished_output, tmp_path):
    """The paper's grid in one repo: each config keeps its data, manifest and plot; the card lists them all."""
    repo, out, env = "ns/s2r-grid", finished_output, hub_env(hub_server, tmp_path)
    ids = json.loads((out / "manifest.json").read_text())["selected_ids"]
    for config in ("pct10", "pct05", "default", "pct05"):  # the last re-push replaces pct05, never duplicates it
        proc = run([*S2R, "push", "--output-dir", str(out), "--repo", repo, "--config-name", config], env)
        assert proc.returncode == 0, proc.stderr[-3000:]
    stored = hub_server.files(repo)
    for config in ("pct10", "pct05"):
        loaded = load_from_hub(repo, env, config=config)
        assert loaded["ids"] == ids
        assert (stored / config / "manifest.json").read_bytes() == (out / "manifest.json").read_bytes()
        assert (stored / config / "selection" / "scores.parquet").is_file()
    loaded = load_from_hub(repo, env, config="default")
    assert loaded["ids"] == ids and (stored / "manifest.json").is_file()
    names = ["default", "pct05", "pct05-scores", "pct10", "pct10-scores", "scores"]
    assert [c["config_name"] for c in loaded["configs"]] == names
    assert [e["config_name"] for e in loaded["dataset_info"]] == names
    assert all(
        e["splits"][0]["num_examples"] == len(ids) for e in loaded["dataset_info"] if "scores" not in e["config_name"]
    )
    card = (stored / "README.md").read_text()
    assert "](pct05/scores.png)" in card  # the last push's plot, in its folder
    assert card.count("## Configs in this repository") == 1 and "describes `pct05`, the config pushed last" in card
    n = f"{len(ids):,}"
    for row in (
        f"| `default` | {n} | [manifest.json](manifest.json) | [scores.png](scores.png) |",
        f"| `pct05` | {n} | [pct05/manifest.json](pct05/manifest.json) | [pct05/scores.png](pct05/scores.png) |",
        f"| `pct10` | {n} | [pct10/manifest.json](pct10/manifest.json) | [pct10/scores.png](pct10/scores.png) |",
    ):
        assert row in card, row
    assert card.index("## Configs in this repository") < card.index("## Citation")
    assert not hub_server.unhandled, hub_server.unhandled
