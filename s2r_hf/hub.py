"""The only module that writes to the Hugging Face Hub: selected datasets, trained models, evaluated cards.

Pushes happen after the local output is complete, so a failed push loses nothing: the error names the
repo, the failure and the command that retries. A push is ONE commit (a selection: card, subset, manifest,
scores, plot and the deletion of stale shards; a model: weights, tokenizer, card, run record; a card: README
and ``.eval_results/``), so a repo never holds a card that describes other data than it serves; the files
pushed are the local ones, byte for byte, and a selection card's ``dataset_info`` (written from them) stays
exact. Transient failures (HTTP 5xx/429, a dropped connection) are retried a few times.

The token comes from the environment (``HF_TOKEN``) or the stored login and never appears in logs, cards,
manifests or error messages.
"""

from __future__ import annotations

import logging
import os
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from s2r_hf.configs import config_name_problem  # the check lives with the options; re-exported for cli
from s2r_hf.errors import S2RError
from s2r_hf.option_defaults import is_scores_config, scores_config_name

logger = logging.getLogger(__name__)

# local file → path in the repo; parquet side tables live under selection/ so they never look like data splits
SIDE_FILES = {
    "manifest.json": "manifest.json",
    "scores.png": "scores.png",
    "config.yaml": "config.yaml",
    "scores.parquet": "selection/scores.parquet",
    "dropped.parquet": "selection/dropped.parquet",
}
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".safetensors.index.json", ".bin.index.json", ".pt", ".pth")
MODEL_SKIP_PREFIXES = ("checkpoint-", "_")  # what Trainer.push_to_hub leaves out
MODEL_SKIP_DIRS = {".cache", ".git"}  # huggingface_hub's local_dir metadata, a git checkout
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


def _add_and_delete(adds: dict, stale: list[str]) -> list:
    """Commit operations: add (or replace) every ``adds`` path from its bytes or local file, delete ``stale``."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete

    return [CommitOperationAdd(path_in_repo=p, path_or_fileobj=src) for p, src in adds.items()] + [
        CommitOperationDelete(path_in_repo=p) for p in stale
    ]


def _push_retry(out: Path, repo_id: str) -> str:
    """The command that retries a push of an output folder (selection or model)."""
    return f"s2r push --output-dir {shlex.quote(str(out))} --repo {shlex.quote(repo_id)}"


def _info_list(info) -> list[dict]:
    """A card's ``dataset_info`` as a list of per-config dicts (one config may be written as a bare dict)."""
    if isinstance(info, dict):
        return [{"config_name": "default", **info}] if "config_name" not in info else [info]
    return [dict(entry) for entry in info or [] if isinstance(entry, dict)]


def _scores_config(out: Path, config_name: str, side: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """The scores config (every scored pool row: scores, ranks, ``selected``) and its ``dataset_info``, so
    ``load_dataset(repo, "scores")`` serves them; nothing when the folder has no scores.parquet."""
    import pyarrow.parquet as pq
    from datasets import Features

    from s2r_hf.cards.dataset import split_info

    local = out / "scores.parquet"
    if not local.exists():
        return [], []
    name = scores_config_name(config_name)
    config = {"config_name": name, "data_files": [{"split": "train", "path": side["scores.parquet"]}]}
    info = {"config_name": name, **split_info(local, Features.from_arrow_schema(pq.read_schema(local)))}
    return [config], [info]


def _repo_card(api, out: Path, repo_id: str, config_name: str, side: dict[str, str], repo_files: list[str]) -> str:
    """The local card, as config ``config_name`` of the repo, with its scores config: the configs (and their
    ``dataset_info``) that other pushes put there are kept, so one repo can hold the paper's grid (10 %, 5 %, 2 %,
    baselines)."""
    from huggingface_hub import DatasetCard

    data_dir = "data" if config_name == "default" else config_name
    card = DatasetCard((out / "README.md").read_text(encoding="utf-8"))
    ours = {"config_name": config_name, "data_files": [{"split": "train", "path": f"{data_dir}/train-*"}]}
    scores, scores_info = _scores_config(out, config_name, side)
    info = [*({**e, "config_name": config_name} for e in _info_list(card.data.get("dataset_info"))), *scores_info]
    mine = {config_name, scores_config_name(config_name)}
    others, other_info = [], []
    if "README.md" in repo_files:
        remote = DatasetCard.load(repo_id, repo_type="dataset", token=api.token)
        listed = [c for c in remote.data.get("configs") or [] if isinstance(c, dict) and c.get("config_name")]
        others = [c for c in listed if c["config_name"] not in mine]
        names = {c.get("config_name") for c in others}
        other_info = [e for e in _info_list(remote.data.get("dataset_info")) if e.get("config_name") in names]
    configs = sorted([*others, ours, *scores], key=lambda c: (c.get("config_name") != "default", c.get("config_name")))
    card.data.configs = configs
    infos = [*other_info, *info]
    card.data.dataset_info = sorted(infos, key=lambda e: [c["config_name"] for c in configs].index(e["config_name"]))
    if config_name == "default" and not others:
        return str(card)  # the local card's text as written (a single default config and its scores)
    if config_name != "default":  # the plot of this config lives in its folder; so do its scores
        card.text = card.text.replace("](scores.png)", f"]({data_dir}/scores.png)")
        card.text = card.text.replace('"scores", split=', f'"{scores_config_name(config_name)}", split=')
    card.text = _with_configs_table(card.text, configs, card.data.dataset_info, config_name)
    return str(card)


CONFIGS_START, CONFIGS_END = "<!-- s2r-configs:start -->", "<!-- s2r-configs:end -->"


def _with_configs_table(text: str, configs: list[dict], infos: list[dict], described: str) -> str:
    """The local card's body (freshly rendered by `s2r select`, so it holds no such table yet) plus a table of
    every config in the repo: the body describes only the config pushed last, and each config's recipe lives in
    its own manifest."""
    rows = {e.get("config_name"): (e.get("splits") or [{}])[0].get("num_examples") for e in infos}
    lines = [
        CONFIGS_START,
        "## Configs in this repository",
        "",
        f"The text above describes `{described}`, the config pushed last; every config's recipe (options, scorer, "
        "selected ids in order) is in its `manifest.json`. Load one with "
        '`load_dataset(repo, "<config>", split="train")`; its per-row scores (every scored pool row: scores, ranks, '
        "`selected`) are config `<config>-scores` (`scores` for `default`).",
        "",
        "| config | rows | recipe | plot |",
        "|---|---:|---|---|",
    ]
    for c in [c for c in configs if not is_scores_config(c["config_name"])]:
        name = c["config_name"]
        folder = "" if name == "default" else f"{name}/"
        count = rows.get(name)
        shown = f"{count:,}" if isinstance(count, int) else "?"
        manifest, plot = f"{folder}manifest.json", f"{folder}scores.png"
        lines.append(f"| `{name}` | {shown} | [{manifest}]({manifest}) | [{plot}]({plot}) |")
    lines.append(CONFIGS_END)
    marker = "\n## Citation"
    block = "\n".join(lines) + "\n"
    return text.replace(marker, f"\n{block}{marker}", 1) if marker in text else f"{text.rstrip()}\n\n{block}"


def _operations(api, out: Path, repo_id: str, config_name: str) -> list:
    """Card + subset shards + side files, and deletions of this config's files a previous push left behind.

    Config ``default`` keeps its shards in ``data/`` and its side files at the top; a named config keeps both in
    a folder of its name, so configs never overwrite each other's manifest or plot.
    """
    problem = config_name_problem(config_name)
    if problem:
        raise S2RError(problem)
    data_dir = "data" if config_name == "default" else config_name
    side = SIDE_FILES if config_name == "default" else {k: f"{data_dir}/{v}" for k, v in SIDE_FILES.items()}
    shards = sorted((out / "data").glob("*.parquet"))
    if not shards:
        raise S2RError(f"{out / 'data'} holds no parquet shard; run `s2r select` again")
    repo_files = api.list_repo_files(repo_id, repo_type="dataset")
    card_text = _repo_card(api, out, repo_id, config_name, side, repo_files)
    adds = {"README.md": card_text.encode("utf-8")}
    adds |= {f"{data_dir}/{shard.name}": str(shard) for shard in shards}
    adds |= {dest: str(out / src) for src, dest in side.items() if (out / src).exists()}
    stale = [
        path
        for path in repo_files
        if path not in adds and (path.startswith(f"{data_dir}/train-") or path in side.values())
    ]
    return _add_and_delete(adds, stale)


def _commit(
    repo_id: str,
    repo_type: str,
    operations: Callable[[Any], list],
    *,
    local: Path,
    retry: str,
    message: str,
    private: bool = False,
    create: bool = True,
    token: str | None = None,
) -> str:
    """Create the repo if asked, then ONE commit of ``operations(api)``, retrying transient failures.

    Every failure ends as an :class:`S2RError` naming the repo, the cause (token scrubbed), that ``local`` is
    complete, and the ``retry`` command. Returns the repo URL.
    """
    from huggingface_hub import HfApi

    wait = RETRY_WAIT_S
    for attempt in range(1, ATTEMPTS + 1):
        try:
            api = HfApi(token=token)
            if create:
                url = str(api.create_repo(repo_id, repo_type=repo_type, private=private, exist_ok=True))
            else:  # must exist: a typo'd repo id fails (404) instead of getting a repo with only a card
                api.repo_info(repo_id, repo_type=repo_type)
                url = f"{api.endpoint}/{repo_id}"
            info = api.create_commit(repo_id, operations(api), commit_message=message, repo_type=repo_type)
            break
        except S2RError:
            raise
        except Exception as err:
            detail = describe_failure(err, token)
            if attempt < ATTEMPTS and _is_transient(err):
                logger.warning("push to %s failed (%s); retrying in %.0f s", repo_id, detail, wait)
                time.sleep(wait)
                wait *= 2
                continue
            tries = f" after {attempt} attempts" if attempt > 1 else ""
            raise S2RError(
                f"push to {repo_type} repo {repo_id!r} failed{tries} ({detail}). The local output in {local} is "
                f"complete; fix the cause (network, HF_TOKEN, repo permissions) and retry with: {retry}"
            ) from None
    logger.info("pushed %s to %s (%s)", local, url, f"commit {info.oid}" if info else "no change")
    return url


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
    out = Path(output_dir)
    return _commit(
        repo_id,
        "dataset",
        lambda api: _operations(api, out, repo_id, config_name),
        local=out,
        retry=_push_retry(out, repo_id),
        message=commit_message or f"Select2Reason subset from {out.name}",
        private=private,
        token=token,
    )


def _model_files(out: Path) -> dict[str, str]:
    """Repo path → local file of a trained model folder, without checkpoints and private files (as Trainer)."""
    files = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        top = rel.split("/")[0]
        if path.is_file() and not top.startswith(MODEL_SKIP_PREFIXES) and top not in MODEL_SKIP_DIRS:
            files[rel] = str(path)
    return files


def push_model(
    output_dir: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    commit_message: str | None = None,
    token: str | None = None,
) -> str:
    """Push a trained model folder (weights, tokenizer, generation config, card, run record) in one commit.

    Checkpoints (``checkpoint-*``) and ``_*`` files stay local, as with ``Trainer.push_to_hub``. Weight files of
    an earlier push that the new model does not have (other shard counts) are deleted in the same commit, so
    the repo never mixes two models' shards.
    """
    out = Path(output_dir)
    files = _model_files(out)
    if not any(name.endswith(WEIGHT_SUFFIXES) for name in files):
        raise S2RError(f"{out} holds no model weights (*.safetensors / *.bin); train first (`s2r train`)")

    def operations(api) -> list:
        stale = [p for p in api.list_repo_files(repo_id) if p not in files and "/" not in p]
        return _add_and_delete(files, [p for p in stale if p.endswith(WEIGHT_SUFFIXES)])

    return _commit(
        repo_id,
        "model",
        operations,
        local=out,
        retry=_push_retry(out, repo_id),
        message=commit_message or f"Select2Reason SFT: {out.name}",
        private=private,
        token=token,
    )


def push_card(model_dir: str | Path, repo_id: str, *, retry: str, token: str | None = None) -> str:
    """Push a model card, its ``.eval_results/*.yaml``, the per-sample ``eval_details/*.jsonl`` and the pictures
    (``s2r_*.png``) the card links to, to an EXISTING model repo in one commit.

    Unchanged files are skipped by huggingface_hub, so re-pushing the same results makes no commit.
    """
    folder = Path(model_dir)
    files = {"README.md": str(folder / "README.md")}
    files |= {f".eval_results/{p.name}": str(p) for p in sorted((folder / ".eval_results").glob("*.yaml"))}
    files |= {f"eval_details/{p.name}": str(p) for p in sorted((folder / "eval_details").glob("*.jsonl"))}
    files |= {
        p.name: str(p) for p in sorted(folder.glob("s2r_*.png"))
    }  # the card's pictures (s2r_hf.eval.card_figures)
    return _commit(
        repo_id,
        "model",
        lambda api: _add_and_delete(files, []),
        local=folder,
        retry=retry,
        message="Add s2r eval results",
        create=False,
        token=token,
    )


def download_card(repo_id: str, folder: str | Path, *, token: str | None = None) -> Path:
    """Fetch a model repo's card, run record and eval results into ``folder`` (for `s2r card --model <repo>`)."""
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(
            repo_id,
            local_dir=str(folder),
            allow_patterns=["README.md", "s2r_train.json", ".eval_results/*.yaml"],
            token=token,
        )
    except Exception as err:
        raise S2RError(
            f"could not read model repo {repo_id!r} ({describe_failure(err, token)}); check the repo id, "
            "HF_TOKEN and the network, or pass a local model folder as --model"
        ) from None
    return Path(path)


def is_hub_error(err: BaseException) -> bool:
    """An HTTP/network failure talking to the Hub (as opposed to a bug or a bad argument)."""
    names = {cls.__name__ for cls in type(err).__mro__}
    return _status(err) is not None or bool(names & {"HfHubHTTPError", "TransportError", "ConnectionError"})


def describe_failure(err: BaseException, token: str | None = None) -> str:
    """One line for an error message: the exception, its first line, a hint for 401/403; no token."""
    return _scrub(_describe(err), token)
