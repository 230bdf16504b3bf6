"""Read a pool from the Hub, a local path, or the built-in synthetic generator, as a ``datasets.Dataset``.

Everything goes through ``datasets`` so large pools stay memory-mapped Arrow and map results are cached
by fingerprint: a second run over the same pool re-uses the normalised and length-scored tables.
"""

from __future__ import annotations

import logging
from pathlib import Path

from s2r_hf.configs import SYNTHETIC_POOL, PoolArguments
from s2r_hf.errors import S2RError
from s2r_hf.local_files import describe_read_error, file_builder, first_bad_json_line, is_pattern, load_local

logger = logging.getLogger(__name__)

# The local-file loader is shared with the training subset and decontamination (s2r_hf.local_files); its
# helpers stay importable from here.
__all__ = ["describe_read_error", "file_builder", "first_bad_json_line", "load_pool"]


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
    elif Path(args.pool).expanduser().exists() or is_pattern(Path(args.pool).expanduser()):
        ds = load_local(Path(args.pool).expanduser(), args.pool_split)
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
