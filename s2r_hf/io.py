"""Small file helpers: atomic writes (nothing is left half-written). The output-folder guard is outputs.py."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any


def temp_path(path: Path) -> Path:
    """A temp name beside ``path``, unique per process AND thread AND call: writers of the same file (ranks
    sharing a cache, threads in one process) never rename each other's half-written files."""
    return path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{uuid.uuid4().hex[:8]}-{path.name}")


def atomic_write_text(path: str | Path, text: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def atomic_write_json(path: str | Path, obj: Any) -> Path:
    return atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n")


def atomic_to_parquet(ds_or_table, path: str | Path) -> Path:
    """Write a ``datasets.Dataset`` or ``pyarrow.Table`` to parquet through a temp file."""
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    if hasattr(ds_or_table, "to_parquet"):
        ds_or_table.to_parquet(str(tmp))
    else:
        pq.write_table(ds_or_table, tmp)
    os.replace(tmp, path)
    return path


def column(ds, name: str):
    """One column of a ``datasets.Dataset`` as a numpy array, honouring any ``select`` indices mapping.

    (``ds.data`` is the raw Arrow table and ignores the mapping; ``ds[name]`` builds Python objects.)
    """
    import numpy as np

    table = ds.select_columns([name]).with_format("arrow")[:]
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False))


@functools.cache
def source_version(*modules: str) -> str:
    """A hash of these modules' source files (a package: all its ``.py`` files). `datasets` fingerprints a map by
    the mapped function alone, not the code it calls: passing this in ``fn_kwargs`` keeps an upgraded s2r from
    reusing a table its old code cached."""
    import importlib.util

    digest = hashlib.sha1()
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin)
        files = sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
        for path in files:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
