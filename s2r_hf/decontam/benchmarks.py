"""Benchmark problems to decontaminate against, read from the one benchmark registry (:mod:`s2r_hf.benchdata`).

Why one registry: decontamination must remove exactly the problems the evaluation will ask, so a benchmark
key, its aliases (``math500`` = ``math_500``), its Hub copy and its local ``<data_dir>/<key>/`` folder mean the
same here as in `s2r eval`: the rows come from :func:`s2r_hf.benchdata.load_benchmark_rows` (the files `s2r eval`
reads, read the same way) and the problem text from the same row reader (``Benchmark.row``). Any other spec is a
local file or folder (:func:`s2r_hf.local_files.load_local`) or a Hub id, whose problem column is detected.
"""

from __future__ import annotations

from pathlib import Path

from s2r_hf.benchdata.rows import QUESTION_COLUMNS
from s2r_hf.configs import SYNTHETIC_BENCHMARK
from s2r_hf.errors import S2RError

PROBLEM_COLUMNS = (*QUESTION_COLUMNS, "prompt", "input")


def known_name(name: str) -> str:
    """A benchmark key of :data:`s2r_hf.benchdata.BENCHMARKS` from a key or an alias (``math500``, ``MATH-500``,
    ``gpqa``, ``aime_2024`` …); any other name unchanged."""
    from s2r_hf.benchdata import task_key

    return task_key(name)


def _problem_column(columns: list[str], where: str) -> str:
    for name in PROBLEM_COLUMNS:
        if name in columns:
            return name
    raise S2RError(
        f"benchmark {where} has no problem column ({', '.join(PROBLEM_COLUMNS)}); its columns are {', '.join(columns)}"
    )


def _texts(rows, columns: list[str], spec: str, benchmark=None) -> list[tuple[int, str]]:
    """(row index in the benchmark, problem text) for every row with a non-blank problem: the registry's
    question (:func:`s2r_hf.benchdata.bare_question`) when the benchmark is known and its reader reads the row,
    else the detected problem column."""
    from s2r_hf.benchdata import bare_question

    column = None
    out = []
    for i, row in enumerate(rows):
        text = bare_question(benchmark, row) if benchmark is not None else None
        if text is None:
            column = column or _problem_column(columns, spec)
            text = row.get(column)
        if isinstance(text, str) and text.strip():
            out.append((i, text))
    return out


def _registry_rows(key: str, data_dir: str | Path | None) -> list[dict]:
    """The rows `s2r eval` reads for registry key ``key`` (local folder, else Hub copy)."""
    from s2r_hf.benchdata import BENCHMARKS, load_benchmark_rows, local_folder

    benchmark = BENCHMARKS[key]
    if benchmark.download is not None and local_folder(key, data_dir) is None:
        raise S2RError(
            f"decontamination benchmark {key} has no Hub copy `datasets` can load: put its test.jsonl "
            f"in <dir>/{key}/ and pass --decontam-data-dir <dir>; {benchmark.download}"
        )
    return load_benchmark_rows(key, data_dir)


def _columns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def load_benchmark_rows(spec: str, data_dir: str | Path | None = None) -> tuple[str, list[tuple[int, str]]]:
    """``spec`` (registry key or alias, ``name=path``, local path or Hub id) → (name, [(row index, problem)]).

    A registry key reads ``<data_dir>/<key>/`` when that folder exists (as ``s2r eval --data-dir`` does),
    else the registry's Hub copy."""
    if spec == SYNTHETIC_BENCHMARK:
        from s2r_hf.synthetic import benchmark_rows

        return "synthetic", [(i, r["problem"]) for i, r in enumerate(benchmark_rows())]
    from s2r_hf.benchdata import BENCHMARKS

    name, _, target = spec.partition("=") if "=" in spec else ("", "", spec)
    path = Path(target).expanduser()
    try:
        if path.exists():
            from s2r_hf.local_files import load_local

            name = name or path.stem
            ds = load_local(path, None, what="decontamination benchmark")
            return name, _texts(ds, ds.column_names, spec)
        key = known_name(target)
        benchmark = BENCHMARKS.get(key)
        if benchmark is None and "/" not in target:
            raise S2RError(
                f"unknown decontamination benchmark {spec!r}: not a file or folder, not a Hub id (namespace/name), "
                f"not one of {', '.join(BENCHMARKS)}; pass name=path.jsonl for local files"
            )
        name = name or key
        if benchmark is not None:
            rows = _registry_rows(key, data_dir)
            return name, _texts(rows, _columns(rows), spec, benchmark)
        from datasets import load_dataset

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
    return name, _texts(ds, ds.column_names, spec)


def load_benchmark(spec: str, data_dir: str | Path | None = None) -> tuple[str, list[str]]:
    """``spec`` → (name, problem texts); see :func:`load_benchmark_rows`."""
    name, rows = load_benchmark_rows(spec, data_dir)
    return name, [text for _, text in rows]
