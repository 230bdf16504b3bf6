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
        builder = FILE_BUILDERS.get(path.suffix.lower())
        if builder is None:
            raise S2RError(f"pool file {path} has an unknown type; use one of {', '.join(FILE_BUILDERS)}")
        return load_dataset(builder, data_files=str(path), split="train")
    files = [p for p in sorted(path.rglob("*")) if p.suffix.lower() in FILE_BUILDERS and p.is_file()]
    if not files:
        raise S2RError(f"pool folder {path} holds no {'/'.join(FILE_BUILDERS)} files and no save_to_disk dataset")
    try:
        return _pick_split(load_dataset(str(path)), split, str(path))
    except ValueError as err:
        raise S2RError(f"could not read pool folder {path}: {err}") from err


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
            raise S2RError(
                f"could not read pool {path}: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}. "
                "Check that it is valid parquet / JSON lines and that each column holds one type in every row"
            ) from err
    else:
        try:
            ds = load_dataset(args.pool, args.pool_config, split=args.pool_split, revision=args.pool_revision)
        except Exception as err:
            raise S2RError(
                f"could not load pool {args.pool!r} (config {args.pool_config!r}, split {args.pool_split!r}) from "
                f"the Hub: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}. Check the id, "
                "network and HF_TOKEN, or pass a local path (save_to_disk dir, parquet/jsonl files)"
            ) from err
    if args.max_rows is not None and args.max_rows < len(ds):
        ds = ds.select(range(args.max_rows))
    logger.info("pool %s: %d rows, columns %s", args.pool, len(ds), ", ".join(ds.column_names))
    return ds
