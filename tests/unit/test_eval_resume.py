"""Resumable evaluation (s2r_hf.eval.resume): what the answer cache is keyed on, and chunked generation."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest

from s2r_hf.eval import resume
from tests.conftest import ROOT


def _key(model, data=None, **options):
    return resume.cache_key(str(model), data or {"aime24": {"hub": ["r", "default", "train"]}}, options)


@pytest.fixture
def model_dir(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"w" * 10)
    return folder


def test_key_is_stable_and_follows_weights_data_and_options(model_dir, tmp_path):
    base = _key(model_dir, temperature=0.6)
    assert base == _key(model_dir, temperature=0.6) and len(base) == 16
    assert _key(model_dir, temperature=0.0) != base  # sampling
    data = tmp_path / "data" / "aime24"
    data.mkdir(parents=True)
    (data / "test.jsonl").write_text('{"problem": "p", "answer": "1"}\n')
    local = _key(model_dir, {"aime24": resume.data_identity(data, ("r", "default", "train"))}, temperature=0.6)
    assert local != base
    (data / "test.jsonl").write_text('{"problem": "p", "answer": "2"}\n')  # an edited answer key
    assert _key(model_dir, {"aime24": resume.data_identity(data, ("r", "default", "train"))}, temperature=0.6) != local
    (model_dir / "README.md").write_text("card")  # `s2r card` writes the card: same answers, same key
    (model_dir / ".eval_results").mkdir()
    assert _key(model_dir, temperature=0.6) == base
    (model_dir / "model.safetensors").write_bytes(b"w" * 11)  # re-trained weights in the same folder
    assert _key(model_dir, temperature=0.6) != base


def test_hub_model_is_keyed_on_its_weight_files_not_its_card(monkeypatch):
    """Online: the blob ids of the repo's top-level files, minus the card (a card push changes the commit)."""
    from types import SimpleNamespace

    def info(blobs):
        siblings = [SimpleNamespace(rfilename=name, blob_id=blob) for name, blob in blobs.items()]
        return lambda self, repo, files_metadata: SimpleNamespace(siblings=siblings)

    weights = {"config.json": "c1", "model.safetensors": "w1", "sub/x.bin": "s"}
    monkeypatch.setattr("huggingface_hub.HfApi.model_info", info({**weights, "README.md": "r1"}))
    first = resume.model_identity("me/m")
    assert first == {"hub_id": "me/m", "files": [["config.json", "c1"], ["model.safetensors", "w1"]]}
    monkeypatch.setattr("huggingface_hub.HfApi.model_info", info({**weights, "README.md": "r2"}))
    assert resume.model_identity("me/m") == first
    monkeypatch.setattr("huggingface_hub.HfApi.model_info", info({**weights, "model.safetensors": "w2"}))
    assert resume.model_identity("me/m") != first


def test_hub_model_is_keyed_on_its_cached_commit(monkeypatch, tmp_path):
    """Offline, the commit of the locally cached snapshot (what would be loaded) identifies a Hub model."""
    snapshot = tmp_path / "hub" / "models--me--m" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    monkeypatch.setattr("huggingface_hub.try_to_load_from_cache", lambda repo, name: str(snapshot / name))
    assert resume.model_identity("me/m") == {"hub_id": "me/m", "commit": "abc123"}
    monkeypatch.setattr("huggingface_hub.try_to_load_from_cache", lambda repo, name: None)
    assert resume.model_identity("me/m") == {"hub_id": "me/m", "commit": None}


def test_generate_in_chunks_keeps_order():
    docs = [types.SimpleNamespace(task_name=t, id=str(i)) for i, t in enumerate("aabababbb")]
    calls = []

    def generate(chunk):
        calls.append([d.id for d in chunk])
        return [f"answer {d.id}" for d in chunk]

    out = resume.generate_in_chunks(generate, 2)(docs)
    assert out == [f"answer {i}" for i in range(len(docs))]
    assert calls == [["0", "1"], ["2", "3"], ["4", "5"], ["6", "7"], ["8"]]


def test_a_wrong_number_of_answers_is_an_error():
    docs = [types.SimpleNamespace(task_name="a", id="0")]
    with pytest.raises(ValueError, match="returned 0 answers for 1 problems"):
        resume.generate_in_chunks(lambda chunk: [], 4)(docs)


def test_task_cache_hash_is_the_same_in_every_process(tmp_path):
    """lighteval keys cached answers on the task config's text; a memory address in it (a plain function's
    repr) would change in every process and no run would ever resume."""
    from s2r_hf.eval.tasks import make_tasks

    keys = ["aime24", "math_500", "gaokao_math_qa"]
    code = (
        f"from s2r_hf.eval.tasks import make_tasks\nprint('\\n'.join(t.__str__(lite=True) for t in make_tasks({keys})))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    here = "\n".join(t.__str__(lite=True) for t in make_tasks(keys)) + "\n"
    assert other.stdout == here and " at 0x" not in here
