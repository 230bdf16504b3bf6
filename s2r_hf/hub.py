"""The only module that writes to the Hugging Face Hub.

Pushes happen after the local output is complete, so a failed push loses nothing: the error names the
repo, the failure and the command that retries. The token comes from the environment (``HF_TOKEN``) or
the stored login and never appears in logs, cards, manifests or error messages.
"""

from __future__ import annotations

import logging
import os
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


def _scrub(text: str, token: str | None) -> str:
    for secret in filter(None, {token, os.environ.get("HF_TOKEN"), os.environ.get("HUGGING_FACE_HUB_TOKEN")}):
        text = text.replace(secret, "***")
    return text


def push_selection(
    output_dir: str | Path,
    repo_id: str,
    *,
    config_name: str = "default",
    private: bool = False,
    commit_message: str | None = None,
    token: str | None = None,
) -> str:
    """Push card + side files, then the subset (``Dataset.push_to_hub`` merges its metadata into the card)."""
    from datasets import load_dataset
    from huggingface_hub import CommitOperationAdd, DatasetCard, HfApi

    out = Path(output_dir)
    message = commit_message or f"Select2Reason subset from {out.name}"
    retry = f"s2r push --output-dir {out} --repo {repo_id}"
    try:
        api = HfApi(token=token)
        url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        DatasetCard((out / "README.md").read_text(encoding="utf-8")).push_to_hub(
            repo_id, token=token, commit_message=f"{message}: card"
        )
        ops = [
            CommitOperationAdd(path_in_repo=dest, path_or_fileobj=str(out / src))
            for src, dest in SIDE_FILES.items()
            if (out / src).exists()
        ]
        api.create_commit(
            repo_id=repo_id, repo_type="dataset", operations=ops, commit_message=f"{message}: manifest and scores"
        )
        subset = load_dataset("parquet", data_files=str(out / "data" / "*.parquet"), split="train")
        subset.push_to_hub(repo_id, config_name=config_name, private=private, commit_message=message, token=token)
    except Exception as err:
        detail = _scrub(f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}", token)
        raise S2RError(
            f"push to dataset repo {repo_id!r} failed ({detail}). The local output in {out} is complete; "
            f"fix the cause (network, HF_TOKEN, repo permissions) and retry with: {retry}"
        ) from None
    logger.info("pushed %s to %s", out, url)
    return str(url)
