"""Read a benchmark's local folder exactly as its files hold it, and hand lighteval a copy it cannot retype.

Why not let `datasets` read the folder (what lighteval does with a local ``hf_repo``): a JSON column whose rows
mix strings and objects (Kaoyan's ``answer``: 196 strings, 3 dicts of sub-answers) is typed as JSON, and every
string in it is decoded (``"4e"`` comes back as ``4.0``, ``"1/2"`` fails). So the files are read here with
``json`` (parquet with pyarrow, whose columns are typed by the file), and lighteval gets a parquet of ONE string
column :data:`ROW_COLUMN`, each cell the JSON text of one row, which the prompt function decodes: every value
reaches the row function as ``json.loads`` gave it.

Reading the folder is :func:`s2r_hf.local_files.read_rows` (shared with ``s2r grade`` and decontamination):
which files form the split follows `datasets`; the same split stored as ``X.json`` and ``X.jsonl``
(Select2Reason's OlympiadBench ships both), or ``X.parquet`` beside either, is read once, with a warning.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from s2r_hf.errors import S2RError
from s2r_hf.local_files import SPLITS, SUFFIXES, read_rows, split_files

__all__ = ["ROW_COLUMN", "SPLITS", "SUFFIXES", "decoded", "normalised_copy", "read_rows", "split_files"]

ROW_COLUMN = "s2r_row"  # the one column of the normalised copy: a row's JSON text


def normalised_copy(key: str, rows: list[dict], cache_dir: str | Path | None = None) -> Path:
    """A folder holding ``test.parquet`` with the one string column :data:`ROW_COLUMN` (see the module doc).

    Under ``cache_dir`` (default: the `datasets` cache), named by the key and a hash of the rows, so the same
    data always gets the same folder (lighteval keys its answer cache on the task config, path included)."""
    import pyarrow as pa

    from s2r_hf.io import atomic_to_parquet

    lines = [json.dumps(row, ensure_ascii=False, sort_keys=False, default=str) for row in rows]
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
    if cache_dir is None:
        import datasets

        cache_dir = datasets.config.HF_DATASETS_CACHE
    folder = Path(cache_dir) / "s2r_benchmarks" / f"{key}-{digest}"
    if not (folder / "test.parquet").is_file():
        try:
            atomic_to_parquet(pa.table({ROW_COLUMN: pa.array(lines, type=pa.string())}), folder / "test.parquet")
        except OSError as err:
            raise S2RError(
                f"cannot write {key}'s read copy under {cache_dir} ({type(err).__name__}: {err}); point "
                "HF_DATASETS_CACHE at a writable folder"
            ) from None
    return folder


def decoded(line: dict) -> dict:
    """The original row of a normalised copy's line (lighteval adds ``__index`` / ``__few_shots``); other
    lines (Hub copies) unchanged."""
    if ROW_COLUMN not in line:
        return line
    row = json.loads(line[ROW_COLUMN])
    row.update({k: v for k, v in line.items() if k.startswith("__")})
    return row
