"""Local data files: the one loader for jsonl / json / parquet (csv, arrow, compressed text, ``save_to_disk``).

Two ways to read, because two kinds of caller need different things:

* :func:`load_local` → a ``datasets.Dataset`` (pools, the training subset, decontamination files): memory-mapped
  Arrow, fingerprinted, so a big pool is never held in memory and map results are cached.
* :func:`read_rows` → plain ``dict`` rows read with ``json`` (parquet with pyarrow), values exactly as the files
  hold them (benchmarks: `datasets` types a JSON column whose rows mix strings and objects as JSON and decodes
  every string in it, ``"4e"`` → ``4.0``). Which files form a split follows `datasets`' rule (train*/test*/
  validation*, any other name is train); ``X.json`` beside ``X.jsonl`` (or ``X.parquet``) is read once.

Errors are one :class:`S2RError` line naming the file (and line) and the fix; ``what`` names the input in it
("pool", "subset", …).
"""

from __future__ import annotations

import glob
import json
import logging
import os
from pathlib import Path

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

FILE_BUILDERS = {".parquet": "parquet", ".jsonl": "json", ".json": "json", ".csv": "csv", ".arrow": "arrow"}
# Compressed text files, as the Hub stores some pools (``train.jsonl.gz``, ``data.json.zst``); datasets
# decompresses them.
COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst", ".lz4")
TEXT_BUILDERS = ("json", "csv")
SUFFIXES = (".jsonl", ".json", ".parquet", ".csv")  # what read_rows reads, in the order twins are preferred
SPLITS = ("train", "test", "validation")


def file_builder(path: Path) -> str | None:
    """The ``datasets`` builder for a data file from its suffix (``.jsonl``, ``.jsonl.gz`` …), or None."""
    suffixes = [x.lower() for x in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] in COMPRESSIONS:
        builder = FILE_BUILDERS.get(suffixes[-2])
        return builder if builder in TEXT_BUILDERS else None
    return FILE_BUILDERS.get(suffixes[-1]) if suffixes else None


def kinds() -> str:
    """The file kinds :func:`load_local` reads, for error messages."""
    return ", ".join(FILE_BUILDERS) + " (json/jsonl/csv also " + "/".join(COMPRESSIONS) + " compressed)"


def is_saved_dataset(path: Path) -> bool:
    """A ``save_to_disk`` folder (a Dataset or a DatasetDict)?"""
    return path.is_dir() and ((path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists())


# --- datasets: a Dataset from a local file or folder ---------------------------------------------------------


def first_bad_json_line(path: Path) -> str:
    """``"line N is not valid JSON (…)"`` for the first line of a JSON-lines file that is not one JSON object,
    else ``""``."""
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
            try:  # Python's json accepts a lone UTF-16 surrogate escape ("\ud800"); Arrow does not
                json.dumps(value, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError as err:
                return f"line {number} holds a lone UTF-16 surrogate escape ({err.object[err.start]!r}), not text"
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
        if "corresponds to no data" in text or "BatchSize must be greater than 0" in text:
            return "it holds no rows (only blank lines, empty objects or a table of 0 rows); give a pool with rows"
    for e in chain:
        if type(e).__name__ in ("ArrowInvalid", "ArrowTypeError", "CastError", "JSONDecodeError"):
            return f"{type(e).__name__}: {str(e).splitlines()[0].rstrip('.') if str(e) else ''}"
    last = chain[0]
    return f"{type(last).__name__}: {str(last).splitlines()[0].rstrip('.') if str(last) else ''}"


def describe_read_error(path: Path, err: BaseException, what: str = "pool") -> str:
    """One actionable line for a local file or folder that ``datasets`` could not read."""
    cause = first_bad_json_line(path) or _root_cause(err)
    return (
        f"could not read {what} {path}: {cause}. Check that it is valid parquet / JSON lines (one JSON object per "
        "line) and that each column holds one type in every row"
    )


def pick_split(obj, split: str | None, where: str, option: str = "--pool-split"):
    """A Dataset as is; of a DatasetDict: ``split`` (an error naming ``option`` and the splits when it is
    missing), or with ``split=None`` the test split, else train, else the first (a benchmark file's rows)."""
    from datasets import DatasetDict

    if not isinstance(obj, DatasetDict):
        return obj
    if split is None:
        return obj[next((s for s in ("test", "train") if s in obj), next(iter(obj)))]
    if split not in obj:
        raise S2RError(f"{where} has no split {split!r}; choose {option} from {', '.join(obj)}")
    return obj[split]


def _load(path: Path, split: str | None, what: str, option: str):
    from datasets import load_dataset, load_from_disk

    if is_saved_dataset(path):
        return pick_split(load_from_disk(str(path)), split, str(path), option)
    if is_pattern(path):
        return _load_pattern(path, what)
    if path.is_file():
        builder = file_builder(path)
        if builder is None:
            raise S2RError(f"{what} file {path} has an unknown type; use one of {kinds()}")
        if path.stat().st_size == 0:
            raise S2RError(f"{what} file {path} is empty")
        ds = load_dataset(builder, data_files=str(path), split="train")
        ds = _utf8_checked(ds, [path], what) if builder in TEXT_BUILDERS else ds
        return _one_json_object(path, ds, what) if builder == "json" and len(ds) == 1 else ds
    files = [p for p in sorted(path.rglob("*")) if p.is_file() and file_builder(p) is not None]
    if not files:
        raise S2RError(f"{what} folder {path} holds no {kinds()} files and no save_to_disk dataset")
    _one_file_kind(path, files, what)
    try:
        ds = pick_split(load_dataset(str(path)), split, str(path), option)
    except ValueError as err:
        raise S2RError(f"could not read {what} folder {path}: {err}") from err
    return _utf8_checked(ds, files, what) if file_builder(files[0]) in TEXT_BUILDERS else ds


def is_pattern(path: str | Path) -> bool:
    """A shell pattern such as ``data/train-*.parquet`` (that is not itself an existing path)."""
    return any(c in str(path) for c in "*?[") and not Path(path).exists()


def _load_pattern(pattern: Path, what: str):
    """The files a pattern names (``**`` recursive), all of one kind, as one Dataset in sorted order."""
    from datasets import load_dataset

    files = sorted(Path(f) for f in glob.glob(str(pattern), recursive=True) if file_builder(Path(f)) is not None)
    if not files:
        raise S2RError(f"{what} {pattern}: the pattern matches no {kinds()} file")
    _one_file_kind(Path(os.path.commonpath([f.parent for f in files])), files, what)
    builder = file_builder(files[0])
    ds = load_dataset(builder, data_files=[str(f) for f in files], split="train")
    return _utf8_checked(ds, files, what) if builder in TEXT_BUILDERS else ds


def _utf8_checked(ds, files: list[Path], what: str):
    """``ds`` once its text is valid UTF-8. `datasets` reads a latin-1 JSON/CSV file without complaint and the
    first row read later fails with a UnicodeDecodeError; Arrow's full validation finds it now (C++ scan)."""
    import pyarrow as pa

    try:
        ds.data.table.validate(full=True)
    except pa.ArrowInvalid as err:
        for f in files:
            where = _first_non_utf8_line(f)
            if where:
                raise S2RError(
                    f"{what} file {f}: {where}; re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)"
                ) from None
        raise S2RError(
            f"{what} {', '.join(map(str, files[:3]))} holds invalid text ({err}); re-save it as UTF-8"
        ) from None
    return ds


def _first_non_utf8_line(path: Path) -> str:
    """``"line N is not UTF-8 (…)"`` for the first such line of an uncompressed text file, else ``""``."""
    if file_builder(path) not in TEXT_BUILDERS or path.suffix.lower() in COMPRESSIONS:
        return ""
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as err:
                return f"line {number} is not UTF-8 text (byte {line[err.start]:#04x} at column {err.start + 1})"
    return ""


def _one_file_kind(folder: Path, files: list[Path], what: str) -> None:
    """A folder of data files must hold one kind: `datasets` reads only the commonest kind and silently leaves the
    other files' rows out."""
    by_kind: dict[str, list[str]] = {}
    for f in files:
        by_kind.setdefault(file_builder(f) or "", []).append(str(f.relative_to(folder)))
    if len(by_kind) > 1:
        listed = "; ".join(
            f"{kind}: {', '.join(names[:3])}{' …' if len(names) > 3 else ''}" for kind, names in by_kind.items()
        )
        raise S2RError(
            f"{what} folder {folder} mixes file kinds ({listed}); `datasets` would read one kind and skip the other "
            "files' rows: convert them to one kind, or pass one file"
        )


CHAT_COLUMNS = ("messages", "conversations", "prompt", "completion")  # a list of dicts that is one row's chat


def _one_json_object(path: Path, ds, what: str):
    """A ``.json`` file that is ONE object, not rows: `datasets` reads it as a single row. Columns
    (``{"problem": [...], "generations": [...]}``, equal-length lists) become rows; rows wrapped under one key
    (``{"data": [{...}, ...]}``, scalar metadata beside it allowed) are read from that key; else it is one row."""
    from datasets import Dataset, load_dataset

    if path.suffix.lower() != ".json":
        return ds
    with path.open(encoding="utf-8-sig") as f:
        whole = json.load(f)  # one row's worth: `datasets` found a single row in it
    if not isinstance(whole, dict):  # a list holding one row
        return ds
    lists = {k: v for k, v in whole.items() if isinstance(v, list)}
    if len(lists) == 1:
        ((key, items),) = lists.items()
        if key not in CHAT_COLUMNS and items and all(isinstance(x, dict) for x in items):
            logger.info("%s %s holds its rows under key %r: reading them from there", what, path, key)
            return load_dataset("json", data_files=str(path), field=key, split="train")
    sizes = {len(v) for v in lists.values()}
    if len(lists) == len(whole) and len(sizes) == 1 and sizes != {1}:
        logger.info("%s %s is one JSON object of columns: reading its %d rows", what, path, sizes.pop())
        return Dataset.from_dict(whole)
    return ds


def load_local(path: str | Path, split: str | None, *, what: str = "pool", option: str = "--pool-split"):
    """A ``datasets.Dataset`` from a local file, a folder of files or a ``save_to_disk`` folder.

    ``split`` picks a DatasetDict's split (see :func:`pick_split`; ``option`` is the flag the error names).
    Whatever goes wrong becomes one :class:`S2RError` line naming ``what`` and the file."""
    path = Path(path)
    try:
        return _load(path, split, what, option)
    except S2RError:
        raise
    except Exception as err:  # malformed files become one actionable line
        raise S2RError(describe_read_error(path, err, what)) from err


# --- json: rows exactly as the files hold them ------------------------------------------------------------


def split_files(folder: Path, split: str) -> tuple[str, list[Path]]:
    """The split `datasets` gives ``folder`` and its files (sorted). ``split`` wins when present, else the only
    one there is. Files left out, and ``.json`` twins of ``.jsonl`` files, are logged."""
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
        raise S2RError(f"{folder} holds no .jsonl, .json, .parquet or .csv file; put the benchmark's test.jsonl there")
    return chosen, [folder / n for n in read]


def _json_lines(path: Path, text: str) -> list[dict]:
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


def read_text(path: Path) -> str:
    """A text file as UTF-8, a leading byte-order mark (Windows editors write one) dropped; another encoding is
    one :class:`S2RError` naming the file and the first bad byte."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise S2RError(
            f"cannot read {path}: byte {err.start} is not UTF-8 ({err.reason}); re-save it as UTF-8"
        ) from None


def read_csv_rows(path: Path) -> list[dict]:
    """Rows of a ``.csv`` file with a header line (GPQA's release), every value the file's text."""
    import csv
    import io

    csv.field_size_limit(2**31 - 1)  # a long question or explanation is one field (default limit: 128 KB)
    try:
        rows = list(csv.DictReader(io.StringIO(read_text(path), newline="")))
    except csv.Error as err:
        raise S2RError(f"cannot read {path} as CSV ({err}); fix it, or write it as JSON lines") from None
    if not rows:
        raise S2RError(f"{path} holds no rows; it needs a header line and one line per row")
    return rows


def read_json_rows(path: Path) -> list[dict]:
    """Rows of a ``.jsonl`` file, or of a ``.json`` file holding a list of objects or JSON lines."""
    text = read_text(path)
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
    return _json_lines(path, text)


def read_file_rows(path: Path) -> list[dict]:
    """Every row of one .jsonl / .json / .parquet / .csv file, values as the file holds them (strings verbatim)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            return pq.read_table(path).to_pylist()
        except Exception as err:  # pyarrow raises several types for a damaged file
            raise S2RError(f"cannot read {path} ({type(err).__name__}: {err}); replace it") from None
    return read_csv_rows(path) if path.suffix == ".csv" else read_json_rows(path)


def read_rows(folder: str | Path, split: str) -> list[dict]:
    """Every row of ``folder``'s ``split`` in file order, values as the files hold them (strings verbatim)."""
    return [row for path in split_files(Path(folder), split)[1] for row in read_file_rows(path)]
