"""Where a finished selection's files lie: a local `s2r select` folder, or a Hub dataset repo it pushed.

One reader for every command that takes a selection (`s2r compare`, `s2r ablate`): ``owner/name`` is the repo's
``default`` config, ``owner/name:CONFIG`` a config pushed with ``--hub-config-name`` (its files in a folder of its
name, see :mod:`s2r_hf.hub`). Only the files a command asks for are downloaded (``allow_patterns``), all from the
commit the manifest came from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

HOW_TO = "give a folder `s2r select` wrote, or a Hub dataset repo it pushed (owner/name[:CONFIG])"
SHA = re.compile(r"[0-9a-f]{40}")


def _local_side() -> dict[str, str]:
    from s2r_hf.hub import SIDE_FILES

    return {name: name for name in SIDE_FILES}


@dataclass
class Layout:
    """Where a selection's files lie under ``root``: a local output folder, or a pushed repo's (config) files.

    ``side`` maps a local side file's name (``scores.parquet``, ``config.yaml``, ...) to its path under ``root``.
    """

    root: Path
    repo: str | None = None  # the Hub repo the files came from; None for a local folder
    manifest: str = "manifest.json"
    scores: str = "scores.parquet"
    data: str = "data/*.parquet"
    side: dict[str, str] = field(default_factory=_local_side)
    spec: str = ""  # as the user gave it
    revision: str | None = None  # the repo commit the files were read at

    def fetch(self, patterns: list[str]) -> Path:
        """``root`` with ``patterns`` present too: downloaded (at :attr:`revision`) for a Hub repo."""
        if self.repo is not None:
            self.root = download(self.repo, patterns, self.revision)
        return self.root

    @property
    def config(self) -> str:
        """The repo config the files belong to (``default`` for a local folder)."""
        return (self.spec.partition(":")[2] or "default") if self.repo else "default"

    def shards(self) -> list[Path]:
        """The subset's parquet shards (downloaded first for a Hub repo)."""
        files = sorted(self.root.glob(self.data))
        if not files and self.repo is not None:
            files = sorted(self.fetch([self.data]).glob(self.data))
        return files


def hub_layout(spec: str) -> tuple[str, Layout]:
    """``owner/name[:CONFIG]`` → (repo id, where that config's files lie in the repo; see s2r_hf.hub)."""
    from s2r_hf.hub import SIDE_FILES

    repo, _, config = spec.partition(":")
    if not config or config == "default":
        return repo, Layout(Path(), repo, scores=SIDE_FILES["scores.parquet"], data="data/train-*.parquet", spec=spec)
    side = {name: f"{config}/{path}" for name, path in SIDE_FILES.items()}
    return repo, Layout(
        Path(), repo, side["manifest.json"], side["scores.parquet"], f"{config}/train-*.parquet", side, spec
    )


def download(repo: str, patterns: list[str], revision: str | None = None) -> Path:
    """The repo's files matching ``patterns`` (the Hugging Face cache; offline: what is cached there)."""
    from huggingface_hub import snapshot_download

    from s2r_hf.hub import describe_failure
    from s2r_hf.preflight import offline

    try:
        return Path(snapshot_download(repo, repo_type="dataset", allow_patterns=patterns, revision=revision))
    except Exception as err:
        why = "HF_HUB_OFFLINE is set and it is not in the local cache" if offline() else describe_failure(err)
        raise S2RError(
            f"could not read dataset repo {repo!r} ({why}); check the repo id, HF_TOKEN, the network and "
            f"HF_HUB_OFFLINE, or {HOW_TO}"
        ) from None


def _configs_in(repo: str, revision: str | None) -> str:
    """`` (its selections: owner/name, owner/name:pct10)`` from the repo's file list; empty when unknown."""
    try:
        from huggingface_hub import HfApi

        files = HfApi().list_repo_files(repo, repo_type="dataset", revision=revision)
    except Exception:  # offline, or no listing: the message stays without the hint
        return ""
    found = sorted(
        repo if f == "manifest.json" else f"{repo}:{f.split('/')[0]}"
        for f in files
        if f == "manifest.json" or (f.count("/") == 1 and f.endswith("/manifest.json"))
    )
    return f" (its selections: {', '.join(found)})" if found else " (nor any CONFIG/manifest.json)"


def locate(spec: str, what: str = "selection") -> Layout:
    """A local folder as given, or the downloaded manifest + scores of a Hub repo; refused: neither.
    ``what``: how an error names the spec (``selection``, ``--source``)."""
    from s2r_hf.preflight import looks_local

    path = Path(spec).expanduser()
    if path.exists():
        if not path.is_dir():
            raise S2RError(f"{what} {spec} is a file; {HOW_TO}")
        if not (path / "manifest.json").is_file():
            raise S2RError(f"{what} {spec} holds no manifest.json, so it is no finished `s2r select` output; {HOW_TO}")
        return Layout(path, spec=spec)
    repo = spec.partition(":")[0]
    if looks_local(repo) or spec.count(":") > 1:
        raise S2RError(f"{what} {spec}: no such folder, and not a Hub repo id; {HOW_TO}")
    config = spec.partition(":")[2]
    if config and config != "default":
        from s2r_hf.option_defaults import config_name_problem

        problem = config_name_problem(config)
        if problem:
            raise S2RError(f"{what} {spec}: no such folder, and {problem}; {HOW_TO}")
    repo, layout = hub_layout(spec)
    try:
        layout.root = download(repo, [layout.manifest, layout.scores])
    except S2RError as err:  # a mistyped relative folder reads as a repo id too: say both
        raise S2RError(f"{what} {spec}: no such folder here, and {err}") from None
    layout.revision = layout.root.name if SHA.fullmatch(layout.root.name) else None
    if not (layout.root / layout.manifest).is_file():
        raise S2RError(
            f"dataset repo {spec!r} holds no {layout.manifest}{_configs_in(repo, layout.revision)}, so it is no "
            f"selection pushed by s2r; {HOW_TO}"
        )
    return layout


def read_manifest(layout: Layout, what: str = "selection"):
    """The selection's :class:`~s2r_hf.manifest.Manifest`. Unreadable JSON, or a record without the options and the
    list of selected ids `s2r select` writes, is one :class:`S2RError` line naming the selection and what is missing."""
    import json

    from s2r_hf.manifest import Manifest

    name = f"dataset repo {layout.spec!r}" if layout.repo else f"{what} {layout.spec}"
    try:
        data = json.loads((layout.root / layout.manifest).read_text(encoding="utf-8"))
    except (ValueError, OSError) as err:
        first = (str(err).splitlines() or [type(err).__name__])[0]
        raise S2RError(f"{name}: {layout.manifest} is unreadable ({first}); run `s2r select` again") from None
    missing = []
    if not isinstance(data, dict) or not isinstance(data.get("options"), dict):
        missing.append("options")
    elif not all(isinstance(group, dict) for group in data["options"].values()):
        missing.append("options (one record per option group)")
    ids = data.get("selected_ids") if isinstance(data, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        missing.append("selected_ids (a list of string ids)")
    if missing:
        raise S2RError(
            f"{name}: {layout.manifest} lacks {' and '.join(missing)}, so it is no `s2r select` manifest; {HOW_TO}"
        )
    return Manifest.from_json(data)  # a newer manifest_version is its own one line


def parquet_schema(file: Path):
    """The schema of one parquet file (its footer only); a file that is not parquet is one :class:`S2RError` line."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(file)
    except (pa.ArrowException, OSError) as err:
        first = (str(err).splitlines() or [type(err).__name__])[0]
        raise S2RError(f"{file} is no readable parquet file ({first}); run `s2r select` (or the push) again") from None


def card_text(layout: Layout) -> str | None:
    """The selection's own card as `s2r select` wrote it, or None when there is none to recover.

    A pushed repo's README is that card plus the repo's ``configs`` metadata and, with several configs, a table of
    them; its text describes the config pushed last only. So it is taken back for that config alone, without the
    repo's additions; another config's card is None (the caller builds a fresh one from the manifest).
    """
    readme = layout.root / "README.md"
    if not readme.is_file():
        return None
    text = readme.read_text(encoding="utf-8")
    if layout.repo is None:
        return text
    from huggingface_hub import DatasetCard

    from s2r_hf.cards.dataset import FOLDER_CONFIG
    from s2r_hf.hub import CONFIGS_END, CONFIGS_START
    from s2r_hf.option_defaults import scores_config_name

    config = layout.config
    card = DatasetCard(text)
    if CONFIGS_START in card.text:
        described = re.search(r"describes `([^`]+)`", card.text.split(CONFIGS_START, 1)[1])
        if not described or described.group(1) != config:
            return None
        head, rest = card.text.split(CONFIGS_START, 1)
        card.text = head.rstrip("\n") + "\n" + rest.split(CONFIGS_END, 1)[-1].lstrip("\n")
    elif config != "default":
        return None
    card.text = card.text.replace(f"]({config}/scores.png)", "](scores.png)")
    card.text = card.text.replace(f'"{scores_config_name(config)}", split=', '"scores", split=')
    card.data.configs = [dict(FOLDER_CONFIG)]  # the folder's one config, not the repo's
    card.data.pop("dataset_info", None)  # the repo's configs'; the caller sets its new shard's
    return str(card)
