"""The manifest: everything needed to audit a selection and re-materialise the exact subset.

It records the resolved options, the pool (name, revision, fingerprint), the scorer key, the counts
dropped at each step, the selected ids in order, the package versions and the seed. ``materialise``
reloads the pool the same way and returns the same rows, in the same order.
"""

from __future__ import annotations

import importlib.metadata
import logging
import platform
from dataclasses import asdict
from pathlib import Path
from typing import Any

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1
PACKAGES = (
    "s2r_hf",
    "datasets",
    "huggingface_hub",
    "transformers",
    "trl",
    "accelerate",
    "torch",
    "tokenizers",
    "numpy",
    "pyarrow",
    "math_verify",
)


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def build_manifest(
    *,
    options: dict[str, Any],
    pool_fingerprint: str,
    scorer_key: dict | None,
    counts: dict[str, Any],
    selected_ids: list[str],
    timings: dict[str, float],
) -> dict[str, Any]:
    return {
        "manifest_version": MANIFEST_VERSION,
        "method": "Select2Reason (arXiv 2505.17266)",
        "options": options,
        "pool_fingerprint": pool_fingerprint,
        "scorer": scorer_key,
        "counts": counts,
        "versions": package_versions(),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "selected_ids": selected_ids,
    }


def options_dict(*configs) -> dict[str, Any]:
    """The resolved dataclass options, grouped by dataclass name (tokens and secrets are never here)."""
    return {type(c).__name__: asdict(c) for c in configs}


def materialise(manifest: dict[str, Any]):
    """Re-build the selected subset (canonical columns, manifest order) from the pool the manifest names."""
    import json

    from s2r_hf.configs import PoolArguments
    from s2r_hf.pools import load_pool, normalise

    if isinstance(manifest, (str, Path)):
        manifest = json.loads(Path(manifest).read_text(encoding="utf-8"))
    pool_args = PoolArguments(**manifest["options"]["PoolArguments"])
    cache_dir = manifest["options"]["OutputArguments"]["cache_dir"]
    canon, _ = normalise(
        load_pool(pool_args, cache_dir),
        pool_args.pool_format,
        "skip",
        desc="re-materialise",
        openr1_trace=pool_args.openr1_trace,
    )
    position = {row_id: i for i, row_id in enumerate(canon["id"])}
    missing = [i for i in manifest["selected_ids"] if i not in position]
    if missing:
        raise S2RError(
            f"{len(missing)} selected ids are not in pool {pool_args.pool!r} any more (first: "
            f"{missing[0]!r}); pin --pool-revision to the manifest's pool revision"
        )
    return canon.select([position[i] for i in manifest["selected_ids"]])
