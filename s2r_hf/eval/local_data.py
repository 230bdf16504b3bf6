"""Read a benchmark's local folder exactly as its files hold it, and hand lighteval a copy it cannot retype.

Why not let `datasets` read the folder (what lighteval does with a local ``hf_repo``): a JSON column whose rows
mix strings and objects (Kaoyan's ``answer``: 196 strings, 3 dicts of sub-answers) is typed as JSON, and every
string in it is decoded (``"4e"`` comes back as ``4.0``, ``"1/2"`` fails). So the files are read here with
``json`` (parquet with pyarrow, whose columns are typed by the file), and lighteval gets a parquet of ONE string
column :data:`ROW_COLUMN`, each cell the JSON text of one row, which the prompt function decodes: every value
reaches the row function as ``json.loads`` gave it.

Which files form the split: those ``datasets`` would put in it (train*/test*/validation*, any other name is
train); the same split stored as ``X.json`` and ``X.jsonl`` (Select2Reason's OlympiadBench ships both), or
``X.parquet`` beside either, is read once (``.jsonl`` first, then ``.json``), with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

SUFFIXES = (".jsonl", ".json", ".parquet")
SPLITS = ("train", "test", "validation")
ROW_COLUMN = "s2r_row"  # the one column of the normalised copy: a row's JSON text


def split_files(folder: Path, split: str) -> tuple[str, list[Path]]:
    """The split `datasets` gives ``folder`` and its files (sorted). The benchmark's own split wins when
    present, else the only one there is. Files left out, and ``.json`` twins of ``.jsonl`` files, are logged."""
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix in SUFFIXES)
    found = [s for s in SPLITS if any(n.startswith(s) for n in names)]
    chosen = split if split in found else (found[0] if len(found) == 1 else "train")
    read = [n for n in names if n.startswith(chosen) or (chosen == "train" and not n.startswith(SPLITS))]
    ignored = [n for n in names if n not in read]
    kept = {}  # one file per name stem: .jsonl before .json before .parquet
    for name in sorted(read, key=lambda n: SUFFIXES.index(Path(n).suffix)):
        kept.setdefault(Path(name).stem, name)
    twins = [(n, kept[Path(n).stem]) for n in read if n not in kept.values()]
    read = [n for n in read if n in kept.values()]
    logger.info("%s: reading %s (split %s)", folder, ", ".join(read), chosen)
    if ignored:
        logger.warning(
            "%s: ignoring %s: `datasets` puts it in another split than %s; merge it into %s or rename it",
            *(folder, ", ".join(ignored), ", ".join(read), read[0] if read else chosen),
        )
    for name, chosen_twin in twins:
        logger.warning(
            "%s: %s and %s hold the same split: reading %s only (each problem once); remove %s to silence this",
            *(folder, name, chosen_twin, chosen_twin, name),
        )
    if not read:
        raise S2RError(f"{folder} holds no .jsonl, .json or .parquet file; put the benchmark's test.jsonl there")
    return chosen, [folder / n for n in read]


def _json_rows(path: Path) -> list[dict]:
    """Rows of a ``.jsonl`` file, or of a ``.json`` file holding a list of objects or JSON lines."""
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise S2RError(f"{path} is empty; fix or remove it (one JSON object per line)")
    if path.suffix == ".json":
        try:
            whole = json.loads(text)
        except ValueError:
            whole = None  # JSON lines under a .json name: read line by line below
        if isinstance(whole, list):
            bad = next((i for i, row in enumerate(whole) if not isinstance(row, dict)), None)
            if bad is not None:
                raise S2RError(f"{path}: item {bad} (from 0) is a JSON {type(whole[bad]).__name__}, not an object")
            return whole
        if isinstance(whole, dict):
            raise S2RError(f"{path} holds one JSON object, not rows: write it as a list of objects or as JSON lines")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as err:
            raise S2RError(f"cannot read {path}: line {number} is not valid JSON ({err}); fix or remove it") from None
        if not isinstance(row, dict):
            raise S2RError(f"cannot read {path}: line {number} is a JSON {type(row).__name__}, not an object")
        rows.append(row)
    return rows


def read_rows(folder: str | Path, split: str) -> list[dict]:
    """Every row of ``folder``'s ``split`` in file order, values as the files hold them (strings verbatim)."""
    import pyarrow.parquet as pq

    rows: list[dict] = []
    for path in split_files(Path(folder), split)[1]:
        if path.suffix == ".parquet":
            try:
                rows += pq.read_table(path).to_pylist()
            except Exception as err:  # pyarrow raises several types for a damaged file
                raise S2RError(f"cannot read {path} ({type(err).__name__}: {err}); replace it") from None
        else:
            rows += _json_rows(path)
    return rows


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
