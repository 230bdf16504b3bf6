"""Small file helpers: atomic writes and the output-folder guard. Nothing is left half-written."""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

from s2r_hf.errors import S2RError

OUTPUT_FILES = ("data", "scores.parquet", "dropped.parquet", "manifest.json", "config.yaml", "scores.png", "README.md")


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


def prepare_output_dir(path: str | Path, overwrite: bool, *, clear: bool) -> Path:
    """Refuse a folder holding anything unless ``overwrite``; with ``clear``, remove our earlier outputs."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise S2RError(f"--output-dir {path} is a file; pass a folder")
    if path.exists() and any(path.iterdir()) and not overwrite:
        raise S2RError(
            f"--output-dir {path} is not empty; pass --overwrite to replace its outputs, or choose another folder"
        )
    if clear:
        path.mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_FILES:
            target = path / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    return path


def column(ds, name: str):
    """One column of a ``datasets.Dataset`` as a numpy array, honouring any ``select`` indices mapping.

    (``ds.data`` is the raw Arrow table and ignores the mapping; ``ds[name]`` builds Python objects.)
    """
    import numpy as np

    table = ds.select_columns([name]).with_format("arrow")[:]
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False))
