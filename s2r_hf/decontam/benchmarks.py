"""Benchmark problems to decontaminate against, read from the registry `s2r eval` runs (s2r_hf.eval.tasks).

Why one registry: decontamination must remove exactly the problems the evaluation will ask, so a benchmark
key, its aliases (``math500`` = ``math_500``), its Hub copy and its local ``<data_dir>/<key>/`` folder mean the
same here as in `s2r eval`, and the problem text comes from the same row function (``Benchmark.row``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from s2r_hf.configs import SYNTHETIC_BENCHMARK
from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

PROBLEM_COLUMNS = ("problem", "question", "Problem", "Question", "prompt", "input")


def known_name(name: str) -> str:
    """A benchmark key of :data:`s2r_hf.eval.tasks.BENCHMARKS` from a key or an alias (``math500``, ``MATH-500``,
    ``gpqa``, ``aime_2024`` …); any other name unchanged."""
    from s2r_hf.eval.tasks import task_key

    return task_key(name)


def _problem_column(columns: list[str], where: str) -> str:
    for name in PROBLEM_COLUMNS:
        if name in columns:
            return name
    raise S2RError(
        f"benchmark {where} has no problem column ({', '.join(PROBLEM_COLUMNS)}); its columns are {', '.join(columns)}"
    )


def _one_split(obj, prefer: str | None = None):
    """A Dataset as is; of a DatasetDict: the ``prefer`` split, else test, else train, else the first."""
    from datasets import DatasetDict

    if not isinstance(obj, DatasetDict):
        return obj
    for split in (prefer, "test", "train"):
        if split and split in obj:
            return obj[split]
    return obj[next(iter(obj))]


def _registry_text(benchmark, row: dict) -> str | None:
    """The question as `s2r eval` asks it, without a multiple-choice row's option list (a pool copy of the
    question rarely lists the options the same way); None when the row function cannot read the row."""
    try:
        question, _, multiple_choice = benchmark.row(row)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    if multiple_choice:
        for column in ("Question", "question", "problem", "Problem"):
            value = row.get(column)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return question


def _texts(ds, spec: str, benchmark=None) -> list[tuple[int, str]]:
    """(row index in the benchmark, problem text) for every row with a non-blank problem."""
    column = None
    out = []
    for i, row in enumerate(ds):
        text = _registry_text(benchmark, row) if benchmark is not None else None
        if text is None:
            column = column or _problem_column(ds.column_names, spec)
            text = row.get(column)
        if isinstance(text, str) and text.strip():
            out.append((i, text))
    return out


def load_benchmark_rows(spec: str, data_dir: str | Path | None = None) -> tuple[str, list[tuple[int, str]]]:
    """``spec`` (registry key or alias, ``name=path``, local path or Hub id) → (name, [(row index, problem)]).

    A registry key reads ``<data_dir>/<key>/`` when that folder exists (as ``s2r eval --data-dir`` does),
    else the registry's Hub copy."""
    from datasets import load_dataset

    if spec == SYNTHETIC_BENCHMARK:
        from s2r_hf.synthetic import benchmark_rows

        return "synthetic", [(i, r["problem"]) for i, r in enumerate(benchmark_rows())]
    from s2r_hf.eval.tasks import BENCHMARKS, local_folder

    name, _, target = spec.partition("=") if "=" in spec else ("", "", spec)
    path = Path(target).expanduser()
    benchmark = None
    try:
        if path.exists():
            name = name or path.stem
            ds = _load_path(path)
        else:
            key = known_name(target)
            benchmark = BENCHMARKS.get(key)
            if benchmark is None and "/" not in target:
                raise S2RError(
                    f"unknown decontamination benchmark {spec!r}: not a file or folder, not a Hub id (namespace/name), "
                    f"not one of {', '.join(BENCHMARKS)}; pass name=path.jsonl for local files"
                )
            name = name or key
            folder = local_folder(key, data_dir) if benchmark is not None else None
            if folder is not None:
                ds = _one_split(load_dataset(str(folder)), benchmark.split)
            elif benchmark is not None:
                if benchmark.download is not None:
                    raise S2RError(
                        f"decontamination benchmark {key} has no Hub copy `datasets` can load: put its test.jsonl "
                        f"in <dir>/{key}/ and pass --decontam-data-dir <dir>; {benchmark.download}"
                    )
                subset = None if benchmark.hf_subset == "default" else benchmark.hf_subset
                ds = load_dataset(benchmark.hf_repo, subset, split=benchmark.split)
            else:
                ds = load_dataset(target, None, split="test")
    except S2RError:
        raise
    except Exception as err:
        raise S2RError(
            f"could not load decontamination benchmark {spec!r}: {type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}. Offline? Pass local files with "
            "--decontam-benchmarks name=path.jsonl ... (or --decontam-data-dir DIR with DIR/<key>/test.jsonl), "
            "or --no-decontaminate (not recommended)"
        ) from err
    return name, _texts(ds, spec, benchmark)


def _load_path(path: Path):
    from datasets import load_dataset, load_from_disk

    if path.is_dir():
        saved = (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists()
        return _one_split(load_from_disk(str(path)) if saved else load_dataset(str(path)))
    builder = {".parquet": "parquet", ".csv": "csv"}.get(path.suffix.lower(), "json")
    return load_dataset(builder, data_files=str(path), split="train")


def load_benchmark(spec: str, data_dir: str | Path | None = None) -> tuple[str, list[str]]:
    """``spec`` → (name, problem texts); see :func:`load_benchmark_rows`."""
    name, rows = load_benchmark_rows(spec, data_dir)
    return name, [text for _, text in rows]
