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


# options that may hold a local path; published files name those by a cwd-relative path or file name only
PATH_OPTIONS = {
    "pool": "PoolArguments",
    "judge": "ScoringArguments",
    "length_tokenizer": "ScoringArguments",
    "decontam_benchmarks": "SelectionArguments",
    "output_dir": "OutputArguments",
    "cache_dir": "OutputArguments",
}
LOCAL_PREFIX = "local:"


def public_path(value: Any, cwd: Path | None = None) -> Any:
    """A path as published files may name it: relative to the working folder when inside it, ``~/…`` when
    under the home folder, else ``local:<file name>``. Hub ids, built-in names (``s2r:…``) and relative paths
    that stay inside the working folder are returned unchanged; ``name=path`` keeps its ``name=``."""
    if isinstance(value, list):
        return [public_path(v, cwd) for v in value]
    if not isinstance(value, str) or not value or value.startswith(("s2r:", LOCAL_PREFIX)):
        return value
    if "=" in value and not Path(value).exists():
        name, path = value.split("=", 1)
        return f"{name}={public_path(path, cwd)}"
    path = Path(value).expanduser()
    if not path.is_absolute() and ".." not in path.parts and not value.startswith("~"):
        return value  # already relative to the working folder (or a Hub id)
    full = path.resolve() if path.exists() or not path.is_absolute() else path
    for base, prefix in ((Path(cwd or Path.cwd()).resolve(), ""), (Path.home().resolve(), "~/")):
        if full == base or base in full.parents:
            rel = full.relative_to(base).as_posix()
            return prefix + rel if rel != "." else (prefix.rstrip("/") or ".")
    return LOCAL_PREFIX + (full.name or str(full))


def public_configs(*configs) -> tuple:
    """Copies of option dataclasses with every local path made public (:func:`public_path`); no checks re-run."""
    import copy

    out = []
    for cfg in configs:
        clone = copy.copy(cfg)
        for name, owner in PATH_OPTIONS.items():
            if type(cfg).__name__ == owner and getattr(cfg, name, None) is not None:
                setattr(clone, name, public_path(getattr(cfg, name)))
        out.append(clone)
    return tuple(out)


def materialise(manifest: dict[str, Any], pool: str | None = None):
    """Re-build the selected subset (canonical columns, manifest order) from the pool the manifest names.

    A local pool is named in the manifest by a path relative to the folder the selection ran in, or by its file
    name only (``local:pool.jsonl``): pass ``pool`` (its path now) for the latter, or when it has moved.
    """
    import json

    from s2r_hf.configs import PoolArguments, default_cache_dir
    from s2r_hf.pools import load_pool, normalise

    if isinstance(manifest, (str, Path)):
        manifest = json.loads(Path(manifest).read_text(encoding="utf-8"))
    options = dict(manifest["options"]["PoolArguments"])
    if pool is not None:
        options["pool"] = pool
    elif str(options.get("pool", "")).startswith(LOCAL_PREFIX):
        raise S2RError(
            f"the manifest names a local pool by file name only ({options['pool']!r}); pass its path: "
            "materialise(manifest, pool='path/to/pool')"
        )
    pool_args = PoolArguments(**options)
    cache_dir = manifest["options"]["OutputArguments"].get("cache_dir", "")
    if not cache_dir or cache_dir.startswith(LOCAL_PREFIX):
        cache_dir = default_cache_dir()
    cache_dir = str(Path(cache_dir).expanduser())
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
