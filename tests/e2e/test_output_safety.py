"""The real `s2r` CLI against the folders a hostile (or careless) user points it at.

s2r deletes only what it wrote: the pool, a project folder, a user's notes survive every command here (the whole
folder tree is snapshotted, paths + content hashes, before and after). Failures are one line, exit 2, before any
model loads. Written files name local inputs without the user's absolute paths, and no token reaches any file.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, S2R, without_launcher_vars
from tests.unit.test_output_safety import snapshot

DEMO = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_10pct.yaml"
TRAIN_DEMO = ROOT / "recipes" / "tiny-qwen2" / "sft" / "config_demo.yaml"


def run(args: list[str], cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([*S2R, *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


def one_line_failure(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    for needle in needles:
        assert needle in last, last
    return last


def write_pool(path: Path, n: int = 12) -> Path:
    from s2r_hf.synthetic import openr1_rows

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in openr1_rows(n, seed=7)), encoding="utf-8")
    return path


def test_pool_folder_as_output_is_refused_before_reading(tmp_path):
    """`--pool D --output-dir D --overwrite` once deleted the pool before reading it."""
    pool = tmp_path / "pool"
    write_pool(pool / "part-0.jsonl")
    before = snapshot(tmp_path)
    proc = run(["select", "--pool", str(pool), "--judge", "s2r:tiny-judge", "--output-dir", str(pool), "--overwrite"])
    one_line_failure(proc, f"--output-dir {pool} is --pool {pool}", "choose an output folder apart from it")
    assert snapshot(tmp_path) == before


def test_dot_output_inside_a_project_deletes_nothing(tmp_path):
    """`--output-dir . --overwrite` inside a project once deleted the project's data/ and README.md."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "train-00000-of-00001.parquet").write_bytes(b"the project's own data")
    (project / "README.md").write_text("# my project\n")
    before = snapshot(tmp_path)
    proc = run(["select", "--config", str(DEMO), "--output-dir", ".", "--overwrite"], cwd=project)
    one_line_failure(proc, "--output-dir . holds files s2r select did not write", "README.md", "nothing was deleted")
    assert "difficulty:" not in proc.stderr  # refused before the pool was read or a model loaded
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_readme_command_twice_then_a_user_file(tmp_path):
    """The README's first command (recipe output_dir out/demo, relative to the working folder) on a fresh checkout,
    twice: the rerun replaces its own outputs. A file the user adds afterwards stops the third run and survives."""
    cmd = ["select", "--config", str(DEMO), "--synthetic-rows", "300"]
    first = run(cmd, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    out = tmp_path / "out" / "demo"
    manifest = json.loads((out / "manifest.json").read_text())
    second = run(cmd, cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert json.loads((out / "manifest.json").read_text())["selected_ids"] == manifest["selected_ids"]

    (out / "my_analysis.ipynb").write_text("{}")
    before = snapshot(tmp_path)
    for extra in ([], ["--overwrite"], ["--weight", "0.5", "--overwrite"]):
        proc = run([*cmd, *extra], cwd=tmp_path)
        one_line_failure(proc, "did not write: my_analysis.ipynb", "move those files out of it")
    assert snapshot(tmp_path) == before
    (out / "my_analysis.ipynb").unlink()
    proc = run([*cmd, "--weight", "0.5"], cwd=tmp_path)
    one_line_failure(proc, "finished s2r select run with other options; pass --overwrite")


def test_written_files_name_local_inputs_without_absolute_paths(tmp_path):
    pool = write_pool(tmp_path / "private" / "my pool.jsonl", n=16)
    out = tmp_path / "out"
    args = ["select", "--pool", str(pool), "--judge", "s2r:tiny-judge", "--no_decontaminate", "--count", "4"]
    proc = run([*args, "--output-dir", str(out)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    written = [p for p in out.rglob("*") if p.is_file()]
    assert {"manifest.json", "config.yaml", "README.md", "scores.png"} <= {p.name for p in written}
    with_path = [p.name for p in written if str(tmp_path).encode() in p.read_bytes() or b"/private/" in p.read_bytes()]
    assert not with_path, with_path  # every file, parquet and png included
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["PoolArguments"]["pool"] == "local:my pool.jsonl"
    assert manifest["options"]["OutputArguments"]["output_dir"] == "local:out"
    from s2r_hf.errors import S2RError
    from s2r_hf.manifest import materialise

    with pytest.raises(S2RError, match="pass its path"):
        materialise(manifest)
    assert list(materialise(manifest, pool=str(pool))["id"]) == manifest["selected_ids"]


@pytest.mark.parametrize("command", ["select", "train"])
def test_unwritable_output_fails_in_one_line_before_any_model(tmp_path, command):
    (tmp_path / "a_file").write_text("x")
    under_file = tmp_path / "a_file" / "out"
    if command == "select":
        args = ["select", "--config", str(DEMO), "--output-dir", str(under_file)]
        option = "--output-dir"
    else:
        subset = write_pool(tmp_path / "unused.jsonl", 2)
        args = ["train", "--config", str(TRAIN_DEMO), "--dataset_name", str(subset), "--output_dir", str(under_file)]
        option = "--output_dir"
    before = snapshot(tmp_path)
    proc = run(args)
    one_line_failure(proc, f"{option} {under_file} cannot be written", "choose a folder you can write to")
    assert "difficulty:" not in proc.stderr and "chat template for training" not in proc.stderr
    assert snapshot(tmp_path) == before
    proc = run([*args[:-1], "/proc/1/s2r-out"])
    one_line_failure(proc, f"{option} /proc/1/s2r-out cannot be written")


@pytest.mark.slow
def test_hub_token_reaches_no_file_written_or_pushed(hub_server, tmp_path):
    """`s2r train --hub_token hf_… --push_to_hub`: the token once sat in training_args.bin (output folder, every
    checkpoint) and in the pushed repo. Now every byte written locally and stored by the Hub is scanned."""
    from tests.e2e.test_hub_push import assert_token_hidden, hub_env

    subset = tmp_path / "subset"
    select = ["select", "--config", str(DEMO), "--synthetic-rows", "300", "--count", "8"]
    proc = run([*select, "--output-dir", str(subset)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    env = without_launcher_vars(hub_env(hub_server, tmp_path, TOKENIZERS_PARALLELISM="false"))
    env.pop("HF_TOKEN")  # the token only on the command line, as the user typed it
    out = tmp_path / "model"
    args = ["train", "--config", str(TRAIN_DEMO), "--dataset_name", str(subset), "--output_dir", str(out)]
    args += ["--max_steps", "2", "--save_steps", "1", "--push_to_hub", "true", "--hub_model_id", "ns/token-check"]
    proc = subprocess.run(
        [*S2R, *args, "--hub_token", hub_server.token], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert len(list(out.rglob("training_args.bin"))) == 3  # the folder and both checkpoints: all scanned below
    assert_token_hidden(hub_server, proc, folders=(tmp_path,))
    stored = hub_server.files("ns/token-check", "model")
    assert (stored / "training_args.bin").is_file()
    texts = [p for p in stored.rglob("*") if p.suffix in (".json", ".yaml", ".md", ".jinja", ".txt")]
    assert {"s2r_train.json", "s2r_train_config.yaml", "README.md"} <= {p.name for p in texts}
    pickles = [stored / "training_args.bin", *out.rglob("training_args.bin")]
    with_path = [p.name for p in texts + pickles if str(tmp_path).encode() in p.read_bytes()]
    assert not with_path, with_path  # training_args.bin (the Trainer's pickle) says output_dir: local:model


def _kill_when(cmd: list[str], ready, cwd: Path = ROOT, env: dict | None = None, timeout: float = 300) -> bool:
    """Start ``cmd`` and SIGKILL it once ``ready()`` is true; returns whether it was killed (not finished first)."""
    import time

    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", **(env or {})}
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if ready():
                proc.kill()
                proc.wait()
                return True
            time.sleep(0.05)
        return False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_select_killed_while_writing_then_rerun_without_overwrite(tmp_path):
    """A run killed mid-way leaves only s2r's own files (the record came first): the same command finishes them."""
    out = tmp_path / "out"
    cmd = ["select", "--config", str(DEMO), "--synthetic-rows", "150", "--cache-dir", str(tmp_path / "cache")]
    killed = _kill_when([*S2R, *cmd, "--output-dir", str(out)], lambda: (out / "data").exists())
    assert killed and (out / "_s2r_files.json").is_file() and not (out / "manifest.json").exists()
    proc = run([*cmd, "--output-dir", str(out)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    fresh = run([*cmd, "--output-dir", str(tmp_path / "fresh")])
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    for name in ("data/train-00000-of-00001.parquet", "scores.parquet"):
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


@pytest.mark.slow
def test_train_killed_at_any_moment_resumes(tmp_path):
    """SIGKILLs while checkpoints are written: every rerun starts (incomplete checkpoints moved aside) and the
    last one finishes all steps."""
    subset = tmp_path / "subset"
    select = ["select", "--config", str(DEMO), "--synthetic-rows", "300", "--count", "8"]
    assert run([*select, "--output-dir", str(subset)]).returncode == 0
    out = tmp_path / "model"
    args = ["train", "--config", str(TRAIN_DEMO), "--dataset_name", str(subset), "--output_dir", str(out)]
    args += ["--max_steps", "5", "--save_steps", "1", "--max_length", "128"]
    env = {"TOKENIZERS_PARALLELISM": "false"}
    kills = 0
    for step in (2, 4):  # killed just as checkpoint-<step> appears: mid-save
        kills += _kill_when([*S2R, *args], lambda s=step: (out / f"checkpoint-{s}").exists(), env=env)
    proc = run(args, env=env)
    assert proc.returncode == 0, proc.stderr[-4000:]
    record = json.loads((out / "s2r_train.json").read_text())["compute"]
    assert kills == 2 and record["global_step"] == 5 and record["resumed_from"] is not None
    print(
        f"\n{kills} kills; resumed from {record['resumed_from']}; set aside: "
        f"{sorted(p.name for p in out.glob('_checkpoint-*.incomplete-*'))}"
    )
