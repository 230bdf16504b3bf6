"""s2r_hf.hub without a server: what a model push takes, and how failures read (offline: HF_HUB_OFFLINE=1).

The pushes themselves run over HTTP against tests/hub_server.py in tests/e2e/test_hub_push.py and
tests/e2e/test_hub_model.py.
"""

from __future__ import annotations

import pytest

from s2r_hf import hub
from s2r_hf.errors import S2RError


def make_model_folder(root):
    files = [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "README.md",
        "s2r_train.json",
        "training_args.bin",
        "runs/Nov25/events.out",
        ".eval_results/aime24.yaml",
        "checkpoint-4/model.safetensors",
        "checkpoint-4/optimizer.pt",
        "_private.json",
        ".cache/huggingface/download/README.md.metadata",
    ]
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    return root


def test_model_push_takes_the_model_and_leaves_checkpoints_and_private_files(tmp_path):
    folder = make_model_folder(tmp_path / "model")
    assert sorted(hub._model_files(folder)) == [
        ".eval_results/aime24.yaml",
        "README.md",
        "config.json",
        "model.safetensors",
        "runs/Nov25/events.out",
        "s2r_train.json",
        "tokenizer.json",
        "training_args.bin",
    ]


def test_model_push_without_weights_says_train_first(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(S2RError, match=r"no model weights.*s2r train"):
        hub.push_model(tmp_path, "me/model")


def test_offline_push_names_repo_cause_and_retry_and_keeps_token_out(tmp_path, monkeypatch):
    token = "hf_secretSecretSecret123"
    monkeypatch.setenv("HF_TOKEN", token)
    folder = make_model_folder(tmp_path / "model")
    with pytest.raises(S2RError) as err:
        hub.push_model(folder, "me/tiny-s2r")
    text = str(err.value)
    assert "model repo 'me/tiny-s2r' failed" in text and "OfflineModeIsEnabled" in text
    assert f"retry with: s2r push --output-dir {folder} --repo me/tiny-s2r" in text
    assert token not in text
    with pytest.raises(S2RError, match=r"could not read model repo 'me/other'.*local model folder"):
        hub.download_card("me/other", tmp_path / "card")


def test_scrub_and_transient_classification():
    class Response:
        def __init__(self, status):
            self.status_code = status

    class HTTPError(Exception):
        def __init__(self, status):
            super().__init__(f"HTTP {status} for hf_tok123")
            self.response = Response(status)

    assert hub._is_transient(HTTPError(500)) and hub._is_transient(HTTPError(429))
    assert not hub._is_transient(HTTPError(401)) and not hub._is_transient(HTTPError(404))
    assert hub._is_transient(ConnectionError("reset")) and not hub._is_transient(ValueError("bad"))
    assert "HF_TOKEN" in hub.describe_failure(HTTPError(401))
    assert "hf_tok123" not in hub.describe_failure(HTTPError(401), token="hf_tok123")
    assert hub.is_hub_error(HTTPError(403)) and not hub.is_hub_error(ValueError("x"))


@pytest.mark.parametrize("name", ["data", "selection", "../up", "a/b", ""])
def test_config_names_that_would_clash_with_repo_folders_are_refused(tmp_path, name):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train-00000-of-00001.parquet").write_bytes(b"PAR1")
    with pytest.raises(S2RError, match="cannot name a folder of the repo"):
        hub._operations(None, tmp_path, "me/subset", name)
