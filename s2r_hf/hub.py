"""The only module that writes to the Hugging Face Hub.

Pushes happen after the local output is complete, so a failed push loses nothing: the error names the
repo, the failure and the command that retries. A push is ONE commit (card, subset, manifest, scores, plot,
and the deletion of stale shards), so the repo never holds a card that describes other data than it serves;
the parquet files pushed are the local ones, byte for byte, and the card's ``dataset_info`` (written from
them) stays exact. Transient failures (HTTP 5xx/429, a dropped connection) are retried a few times.

The token comes from the environment (``HF_TOKEN``) or the stored login and never appears in logs, cards,
manifests or error messages.
"""

from __future__ import annotations

import logging
import os
import shlex
import time
from pathlib import Path

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

# local file → path in the repo; parquet side tables live under selection/ so they never look like data splits
SIDE_FILES = {
    "manifest.json": "manifest.json",
    "scores.png": "scores.png",
    "config.yaml": "config.yaml",
    "scores.parquet": "selection/scores.parquet",
    "dropped.parquet": "selection/dropped.parquet",
}
ATTEMPTS = 3  # a push is idempotent (unchanged files are skipped), so retrying a whole attempt is safe
RETRY_WAIT_S = 1.0  # doubled after each failed attempt


def _scrub(text: str, token: str | None) -> str:
    for secret in filter(None, {token, os.environ.get("HF_TOKEN"), os.environ.get("HUGGING_FACE_HUB_TOKEN")}):
        text = text.replace(secret, "***")
    return text


def _status(err: Exception) -> int | None:
    response = getattr(err, "response", None)
    return getattr(response, "status_code", None)


def _is_transient(err: Exception) -> bool:
    """A server error, rate limit or network failure (worth retrying), not a client error such as 401/404."""
    status = _status(err)
    if status is not None:
        return status >= 500 or status == 429
    names = {cls.__name__ for cls in type(err).__mro__}  # httpx/httpx2 transport errors, socket errors
    return "OfflineModeIsEnabled" not in names and bool(names & {"TransportError", "ConnectionError", "TimeoutError"})


def _describe(err: Exception) -> str:
    first = str(err).splitlines()[0] if str(err) else ""
    text = f"{type(err).__name__}: {first}".rstrip(": ")
    if _status(err) in (401, 403):
        text += "; the Hub rejected the credentials: set a valid write token in HF_TOKEN or run `hf auth login`"
    return text


def _operations(api, out: Path, repo_id: str, config_name: str) -> list:
    """Card + subset shards + side files, and deletions of repo files a previous push left behind."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, DatasetCard

    data_dir = "data" if config_name == "default" else config_name
    card_text = (out / "README.md").read_text(encoding="utf-8")
    if config_name != "default":  # the local card describes config "default" in data/
        card = DatasetCard(card_text)
        card.data.configs = [
            {"config_name": config_name, "data_files": [{"split": "train", "path": f"{data_dir}/train-*"}]}
        ]
        if isinstance(card.data.get("dataset_info"), dict):
            card.data.dataset_info = {"config_name": config_name, **card.data.dataset_info}
        card_text = str(card)
    shards = sorted((out / "data").glob("*.parquet"))
    if not shards:
        raise S2RError(f"{out / 'data'} holds no parquet shard; run `s2r select` again")
    adds = {"README.md": card_text.encode("utf-8")}
    adds |= {f"{data_dir}/{shard.name}": str(shard) for shard in shards}
    adds |= {dest: str(out / src) for src, dest in SIDE_FILES.items() if (out / src).exists()}
    stale = [
        path
        for path in api.list_repo_files(repo_id, repo_type="dataset")
        if path not in adds and (path.startswith(f"{data_dir}/train-") or path in SIDE_FILES.values())
    ]
    return [CommitOperationAdd(path_in_repo=p, path_or_fileobj=src) for p, src in adds.items()] + [
        CommitOperationDelete(path_in_repo=p) for p in stale
    ]


def push_selection(
    output_dir: str | Path,
    repo_id: str,
    *,
    config_name: str = "default",
    private: bool = False,
    commit_message: str | None = None,
    token: str | None = None,
) -> str:
    """Push a finished selection folder to a dataset repo in one commit; returns the repo URL."""
    from huggingface_hub import HfApi

    out = Path(output_dir)
    message = commit_message or f"Select2Reason subset from {out.name}"
    retry = f"s2r push --output-dir {shlex.quote(str(out))} --repo {shlex.quote(repo_id)}"
    wait = RETRY_WAIT_S
    for attempt in range(1, ATTEMPTS + 1):
        try:
            api = HfApi(token=token)
            url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
            info = api.create_commit(
                repo_id, _operations(api, out, repo_id, config_name), commit_message=message, repo_type="dataset"
            )
            break
        except S2RError:
            raise
        except Exception as err:
            detail = _scrub(_describe(err), token)
            if attempt < ATTEMPTS and _is_transient(err):
                logger.warning("push to %s failed (%s); retrying in %.0f s", repo_id, detail, wait)
                time.sleep(wait)
                wait *= 2
                continue
            tries = f" after {attempt} attempts" if attempt > 1 else ""
            raise S2RError(
                f"push to dataset repo {repo_id!r} failed{tries} ({detail}). The local output in {out} is complete; "
                f"fix the cause (network, HF_TOKEN, repo permissions) and retry with: {retry}"
            ) from None
    logger.info("pushed %s to %s (commit %s)", out, url, info.oid)
    return str(url)
