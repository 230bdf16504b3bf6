"""Output folders: s2r deletes only what it wrote, never its inputs, and fails early on an unwritable place.

Every test snapshots the folder tree (paths + content hashes) and asserts that nothing but s2r's own files changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from s2r_hf.errors import S2RError
from s2r_hf.outputs import RECORD, SELECT, TRAIN, _match, check_output_dir, claim, clear_own, prepare


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root``: relative path → sha256 of its bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def finished_selection(out: Path, fingerprint: str = "f1") -> None:
    """The files of a finished `s2r select` run, with its record."""
    (out / "data").mkdir(parents=True)
    (out / "data" / "train-00000-of-00001.parquet").write_bytes(b"PAR1 subset")
    for name in ("scores.parquet", "dropped.parquet", "config.yaml", "scores.png", "README.md"):
        (out / name).write_text(name)
    (out / "manifest.json").write_text('{"method": "Select2Reason"}')
    (out / RECORD).write_text(json.dumps({"command": "s2r select", "fingerprint": fingerprint, "patterns": []}))


@pytest.mark.parametrize(
    ("rel", "pattern", "hit"),
    [
        ("README.md", "README.md", True),
        ("sub/README.md", "README.md", False),
        ("data/train-00000-of-00001.parquet", "data/train-*.parquet", True),
        ("data/mine.csv", "data/train-*.parquet", False),
        ("model.safetensors", "*.safetensors", True),
        ("user/model.safetensors", "*.safetensors", False),  # * never crosses a folder
        ("checkpoint-4/optimizer.pt", "checkpoint-*/**", True),
        ("_checkpoint-4.incomplete-20260101T000000/a/b", "_checkpoint-*.incomplete-*/**", True),
        ("_checkpoint-4.incomplete-20260101T000000/a/b", "checkpoint-*/**", False),
        ("checkpoint-4", "checkpoint-*/**", False),
        ("notes.txt", ".tmp-*", False),
    ],
)
def test_pattern_match(rel, pattern, hit):
    assert _match(rel, pattern) is hit


def test_fresh_folder_gets_the_record_first(tmp_path):
    out = tmp_path / "a" / "b"
    assert prepare(out, SELECT, overwrite=False, fingerprint="f1") == out
    assert sorted(p.name for p in out.iterdir()) == [RECORD]  # the probe file is gone again
    assert json.loads((out / RECORD).read_text())["command"] == "s2r select"


def test_another_ranks_probe_is_not_a_foreign_file(tmp_path):
    """Every rank probes the folder while the others list it: a probe seen mid-flight must not make the main
    process refuse the folder (a 2-rank `accelerate launch` failed so, once in a while, under load)."""
    from s2r_hf.io import temp_path
    from s2r_hf.outputs import PROBE

    out = tmp_path / "out"
    finished_selection(out)
    temp_path(out / PROBE).write_bytes(b"s2r")  # the other rank's probe, caught between write and unlink
    assert prepare(out, SELECT, overwrite=False, fingerprint="f1") == out
    (out / "notes-s2r-write-probe.txt").write_text("user file")  # only s2r's own probe names are skipped
    with pytest.raises(S2RError, match=r"notes-s2r-write-probe\.txt"):
        prepare(out, SELECT, overwrite=False, fingerprint="f1")


@pytest.mark.parametrize("overwrite", [False, True])
def test_foreign_files_are_refused_and_named(tmp_path, overwrite):
    out = tmp_path / "out"
    finished_selection(out)
    (out / "notes.txt").write_text("user file")
    (out / "data" / "mine.csv").write_text("user data")
    before = snapshot(tmp_path)
    with pytest.raises(S2RError) as err:
        prepare(out, SELECT, overwrite=overwrite, fingerprint="f1")
    message = str(err.value)
    assert "\n" not in message and "data/mine.csv" in message and "notes.txt" in message
    assert "nothing was deleted" in message and "move those files" in message
    assert snapshot(tmp_path) == before


def test_a_user_folder_without_a_record_is_never_cleared(tmp_path):
    """`--output-dir . --overwrite` inside a project: data/ and README.md are the project's, not s2r's."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "train-00000-of-00001.parquet").write_bytes(b"the user's own")
    (project / "README.md").write_text("# my project")
    for n in range(8):
        (project / f"f{n}.py").write_text("x")
    before = snapshot(tmp_path)
    with pytest.raises(S2RError, match=r"did not write: .* and more; nothing was deleted"):
        prepare(project, SELECT, overwrite=True, fingerprint="f1")
    assert snapshot(tmp_path) == before


def test_overwrite_removes_only_the_recorded_files_manifest_first(tmp_path, monkeypatch):
    out = tmp_path / "out"
    finished_selection(out)
    outside = tmp_path / "pool.jsonl"
    outside.write_text("{}\n")
    plan = check_output_dir(out, SELECT, overwrite=True, fingerprint="f2")
    assert plan.clear and "manifest.json" in plan.own

    removed: list[str] = []
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        removed.append(self.relative_to(out).as_posix())
        if len(removed) == 2:
            raise KeyboardInterrupt  # a kill in the middle of clearing
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(KeyboardInterrupt):
        claim(plan)
    monkeypatch.undo()
    assert removed[0] == "manifest.json" and not (out / "manifest.json").exists()  # never looks finished
    assert (out / "data" / "train-00000-of-00001.parquet").exists()
    # the rerun after the kill: an unfinished folder of our own files is cleared without --overwrite
    prepare(out, SELECT, overwrite=False, fingerprint="f3")
    assert sorted(snapshot(out)) == [RECORD] and outside.read_text() == "{}\n"


def test_rerun_with_the_same_options_replaces_its_own_outputs(tmp_path):
    """The README's first command run twice: same options → its own outputs are replaced without --overwrite."""
    out = tmp_path / "out"
    finished_selection(out, fingerprint="same")
    prepare(out, SELECT, overwrite=False, fingerprint="same")
    assert sorted(snapshot(out)) == [RECORD]
    finished_selection(out.with_name("other"), fingerprint="old")
    before = snapshot(tmp_path)
    with pytest.raises(S2RError, match="finished s2r select run with other options; pass --overwrite"):
        prepare(out.with_name("other"), SELECT, overwrite=False, fingerprint="new")
    assert snapshot(tmp_path) == before


def test_legacy_selection_folder_without_record(tmp_path):
    """A folder an older s2r wrote (manifest.json, no record): its known outputs are s2r's, the rest is not."""
    out = tmp_path / "out"
    finished_selection(out)
    (out / RECORD).unlink()
    with pytest.raises(S2RError, match="other options"):
        prepare(out, SELECT, overwrite=False, fingerprint="f1")
    prepare(out, SELECT, overwrite=True, fingerprint="f1")
    assert sorted(snapshot(out)) == [RECORD]


def test_another_commands_folder_is_refused(tmp_path):
    out = tmp_path / "sel"
    finished_selection(out)
    before = snapshot(tmp_path)
    with pytest.raises(S2RError, match=r"--output_dir .* holds the outputs of `s2r select`: README.md"):
        prepare(out, TRAIN, overwrite=True, resume=True)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("where", ["is", "contains", "inside"])
def test_output_overlapping_an_input_is_refused(tmp_path, where):
    pool = tmp_path / "pool"
    pool.mkdir()
    (pool / "part.jsonl").write_text('{"problem": "1+1"}\n')
    out = {"is": pool, "contains": tmp_path, "inside": pool / "out"}[where]
    before = snapshot(tmp_path)
    with pytest.raises(S2RError, match=f"{where} --pool .*choose an output folder apart from it"):
        prepare(out, SELECT, overwrite=True, inputs={"--pool": str(pool), "--judge": "Qwen/Qwen2.5-1.5B-Instruct"})
    assert snapshot(tmp_path) == before
    with pytest.raises(S2RError, match="contains --cache-dir"):  # the cache is checked before it exists
        prepare(tmp_path / "x", SELECT, overwrite=False, inputs={"--cache-dir": tmp_path / "x" / "cache"})
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("kind", ["under_a_file", "proc", "is_a_file"])
def test_unwritable_output_is_one_line(tmp_path, kind):
    (tmp_path / "f").write_text("x")
    path = {"under_a_file": tmp_path / "f" / "out", "proc": Path("/proc/1/s2r-out"), "is_a_file": tmp_path / "f"}[kind]
    with pytest.raises(S2RError) as err:
        prepare(path, SELECT, overwrite=False)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
    assert ("is a file" if kind == "is_a_file" else "cannot be written") in str(err.value)
    assert (tmp_path / "f").read_text() == "x"


def test_train_resumes_its_own_folder_and_overwrite_clears_it(tmp_path):
    out = tmp_path / "model"
    (out / "checkpoint-2").mkdir(parents=True)
    (out / "checkpoint-2" / "trainer_state.json").write_text("{}")
    for name in ("model.safetensors", "config.json", "s2r_train.json", "s2r_train_config.yaml", "training_args.bin"):
        (out / name).write_text(name)
    before = snapshot(out)
    prepare(out, TRAIN, overwrite=False, resume=True)  # legacy (no record): resumed, nothing removed
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k != RECORD} == before
    (out / "my_notes.md").write_text("mine")
    with pytest.raises(S2RError, match=r"my_notes\.md"):
        prepare(out, TRAIN, overwrite=True, resume=True)
    (out / "my_notes.md").unlink()
    prepare(out, TRAIN, overwrite=True, resume=True)
    assert sorted(snapshot(out)) == [RECORD] and not (out / "checkpoint-2").exists()


def test_clear_keeps_folders_that_still_hold_files(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train-0.parquet").write_text("x")
    (tmp_path / "manifest.json").write_text("{}")
    clear_own(tmp_path, ["data/train-0.parquet", "manifest.json"], "manifest.json")
    assert not (tmp_path / "data").exists() and not (tmp_path / "manifest.json").exists()


def test_a_torn_score_part_is_skipped_and_its_rows_rescored(tmp_path, caplog):
    """A part cut short (power loss; a kill leaves only a ``.tmp-*`` file, which is never read) is ignored."""
    from s2r_hf.scoring.cache import ScoreStore

    store = ScoreStore(tmp_path, {"scorer": "judge", "judge": "tiny"})
    store.write({"id": ["a", "b"], "problem_hash": ["h1", "h2"], "difficulty": [0.1, 0.9]})
    whole = store.write({"id": ["c"], "problem_hash": ["h3"], "difficulty": [0.5]})
    torn = whole.with_name("part-99999999999999999999-r000.parquet")
    torn.write_bytes(whole.read_bytes()[:40])
    (store.dir / ".tmp-1-2-abc-part-x.parquet").write_bytes(b"PAR1")  # a write killed before its rename
    with caplog.at_level("WARNING"):
        assert store.done_keys() == {("a", "h1"), ("b", "h2"), ("c", "h3")}
    assert "ignoring unreadable score part" in caplog.text and torn.name in caplog.text


@pytest.mark.parametrize(
    ("given", "published"),
    [
        ("open-r1/OpenR1-Math-220k", "open-r1/OpenR1-Math-220k"),  # Hub ids unchanged
        ("s2r:synthetic-openr1", "s2r:synthetic-openr1"),
        ("data/pool.jsonl", "data/pool.jsonl"),  # relative, inside the working folder
        ("{cwd}/data/pool.jsonl", "data/pool.jsonl"),
        ("{cwd}", "."),
        ("{home}/pools/p.parquet", "~/pools/p.parquet"),
        ("~/pools/p.parquet", "~/pools/p.parquet"),
        ("/elsewhere/private/pool ü.jsonl", "local:pool ü.jsonl"),
        ("../outside/pool.jsonl", "local:pool.jsonl"),
        ("aime24=/elsewhere/aime24.jsonl", "aime24=local:aime24.jsonl"),
        (None, None),
    ],
)
def test_public_path(tmp_path, monkeypatch, given, published):
    from s2r_hf.manifest import public_path

    cwd, home = tmp_path / "project", tmp_path / "home"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("HOME", str(home))
    if isinstance(given, str):
        given = given.format(cwd=cwd, home=home)
    assert public_path(given) == published
    assert public_path([given]) == [published]


def test_no_recipe_sets_overwrite():
    """A recipe with `overwrite: true` deletes files for whoever runs it with their own --output-dir."""
    import yaml

    from tests.conftest import ROOT

    recipes = sorted((ROOT / "recipes").rglob("config_*.yaml"))
    assert len(recipes) >= 12
    setting = [str(p.relative_to(ROOT)) for p in recipes if "overwrite" in (yaml.safe_load(p.read_text()) or {})]
    assert not setting, setting
