"""Read a pool from the Hub, a local path, or the built-in synthetic generator, as a ``datasets.Dataset``.

Everything goes through ``datasets`` so large pools stay memory-mapped Arrow and map results are cached
by fingerprint: a second run over the same pool re-uses the normalised and length-scored tables.
"""

from __future__ import annotations

import logging
from pathlib import Path

from s2r_hf.configs import SYNTHETIC_POOL, PoolArguments
from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

FILE_BUILDERS = {".parquet": "parquet", ".jsonl": "json", ".json": "json", ".csv": "csv", ".arrow": "arrow"}
# Compressed text files, as the Hub stores some pools (``train.jsonl.gz``, ``data.json.zst``); datasets
# decompresses them.
COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst", ".lz4")
TEXT_BUILDERS = ("json", "csv")


def file_builder(path: Path) -> str | None:
    """The ``datasets`` builder for a pool file from its suffix (``.jsonl``, ``.jsonl.gz`` …), or None."""
    suffixes = [x.lower() for x in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] in COMPRESSIONS:
        builder = FILE_BUILDERS.get(suffixes[-2])
        return builder if builder in TEXT_BUILDERS else None
    return FILE_BUILDERS.get(suffixes[-1]) if suffixes else None


def _kinds() -> str:
    return ", ".join(FILE_BUILDERS) + " (json/jsonl/csv also " + "/".join(COMPRESSIONS) + " compressed)"


def first_bad_json_line(path: Path) -> str:
    """``"line N is not valid JSON (…)"`` for the first line of a JSON-lines file that is not one JSON object,
    else ``""``."""
    import json

    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return ""
    with path.open(encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as err:
                return f"line {number} is not valid JSON ({err})"
            if not isinstance(value, dict):
                return f"line {number} is a JSON {type(value).__name__}, not an object"
    return ""


def _root_cause(err: BaseException) -> str:
    """The most specific message in an exception chain (datasets wraps the Arrow error that says what is wrong)."""
    chain, seen = [], set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        chain.append(err)
        err = err.__cause__ or err.__context__
    for e in chain:
        text = str(e)
        if "column names don't match" in text:
            return "its files do not all have the same columns; give one file, or a folder whose files share columns"
    for e in chain:
        if type(e).__name__ in ("ArrowInvalid", "ArrowTypeError", "CastError", "JSONDecodeError"):
            return f"{type(e).__name__}: {str(e).splitlines()[0].rstrip('.') if str(e) else ''}"
    last = chain[0]
    return f"{type(last).__name__}: {str(last).splitlines()[0].rstrip('.') if str(last) else ''}"


def describe_read_error(path: Path, err: BaseException) -> str:
    """One actionable line for a local pool that ``datasets`` could not read."""
    where = first_bad_json_line(path)
    cause = where or _root_cause(err)
    return (
        f"could not read pool {path}: {cause}. Check that it is valid parquet / JSON lines (one JSON object per line) "
        "and that each column holds one type in every row"
    )


def _pick_split(obj, split: str, where: str):
    from datasets import DatasetDict

    if isinstance(obj, DatasetDict):
        if split not in obj:
            raise S2RError(f"{where} has no split {split!r}; choose --pool-split from {', '.join(obj)}")
        return obj[split]
    return obj


def _load_local(path: Path, split: str):
    from datasets import load_dataset, load_from_disk

    if path.is_dir() and ((path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists()):
        return _pick_split(load_from_disk(str(path)), split, str(path))
    if path.is_file():
        builder = file_builder(path)
        if builder is None:
            raise S2RError(f"pool file {path} has an unknown type; use one of {_kinds()}")
        if path.stat().st_size == 0:
            raise S2RError(f"pool file {path} is empty")
        return load_dataset(builder, data_files=str(path), split="train")
    files = [p for p in sorted(path.rglob("*")) if p.is_file() and file_builder(p) is not None]
    if not files:
        raise S2RError(f"pool folder {path} holds no {_kinds()} files and no save_to_disk dataset")
    try:
        return _pick_split(load_dataset(str(path)), split, str(path))
    except ValueError as err:
        raise S2RError(f"could not read pool folder {path}: {err}") from err


def _looks_like_a_path(pool: str) -> bool:
    """A local path (absolute, ./ or ~/, or a file suffix), never a Hub id (``namespace/name``)."""
    return pool.startswith(("/", "./", "../", "~")) or file_builder(Path(pool)) is not None or pool.count("/") > 1


def load_pool(args: PoolArguments, cache_dir: str | Path):
    """The raw pool named by ``args``, cut to ``max_rows`` when set."""
    from datasets import load_dataset

    if args.pool == SYNTHETIC_POOL:
        from s2r_hf.synthetic import openr1_dataset

        ds = openr1_dataset(args.synthetic_rows, seed=0, cache_dir=str(Path(cache_dir) / "datasets"))
    elif args.pool.startswith("s2r:"):
        raise S2RError(f"unknown built-in pool {args.pool!r}; the built-in pool is {SYNTHETIC_POOL!r}")
    elif Path(args.pool).expanduser().exists():
        path = Path(args.pool).expanduser()
        try:
            ds = _load_local(path, args.pool_split)
        except S2RError:
            raise
        except Exception as err:  # malformed files become one actionable line
            raise S2RError(describe_read_error(path, err)) from err
    elif _looks_like_a_path(args.pool):
        raise S2RError(f"pool {args.pool}: no such file or folder (a Hub id is namespace/name, without a suffix)")
    else:
        from s2r_hf.preflight import hub_hint

        try:
            ds = load_dataset(args.pool, args.pool_config, split=args.pool_split, revision=args.pool_revision)
        except Exception as err:
            raise S2RError(
                f"could not load pool {args.pool!r} (config {args.pool_config!r}, split {args.pool_split!r}) from "
                f"the Hub: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}; "
                f"{hub_hint(args.pool)}; a local path may be a save_to_disk dir or parquet/jsonl files"
            ) from err
    if args.max_rows is not None and args.max_rows < len(ds):
        ds = ds.select(range(args.max_rows))
    logger.info("pool %s: %d rows, columns %s", args.pool, len(ds), ", ".join(ds.column_names))
    return ds
