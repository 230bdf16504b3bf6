"""Decontamination (SPEC §7): drop pool rows that share a word n-gram with any evaluation problem.

Same method as open-r1 and s1: lower-case, split on whitespace, compare word 8-grams. A benchmark
problem shorter than n words is matched as a whole. The pool descends from NuminaMath-1.5, which holds
past AIME/AMC/olympiad problems, so this runs by default and its counts go into the manifest and card.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from s2r_hf.configs import SYNTHETIC_BENCHMARK
from s2r_hf.errors import S2RError
from s2r_hf.io import column

logger = logging.getLogger(__name__)

# name → (Hub repo, config, split); the problem column is detected (see PROBLEM_COLUMNS).
KNOWN_BENCHMARKS: dict[str, tuple[str, str | None, str]] = {
    "aime24": ("HuggingFaceH4/aime_2024", None, "train"),
    "aime25": ("yentinglin/aime_2025", None, "train"),
    "amc23": ("math-ai/amc23", None, "test"),
    "math500": ("HuggingFaceH4/MATH-500", None, "test"),
    "olympiadbench": ("math-ai/olympiadbench", None, "test"),  # the 675-problem set (s2r_hf/eval/tasks.py)
    "gpqa_diamond": ("Idavidrein/gpqa", "gpqa_diamond", "train"),
}
PROBLEM_COLUMNS = ("problem", "question", "Problem", "Question", "prompt", "input")


def known_name(name: str) -> str:
    """A :data:`KNOWN_BENCHMARKS` name from the other spellings `s2r eval` accepts (its task keys and their
    folder aliases: ``math_500``, ``MATH-500``, ``gpqa``, ``aime_2024`` …); any other name unchanged."""
    from s2r_hf.eval.tasks import task_key

    key = task_key(name)
    return "math500" if key == "math_500" else key


def words(text: str) -> list[str]:
    """Lower-cased, whitespace-normalised words."""
    return text.lower().split()


def ngrams(text: str, n: int) -> set[str]:
    """Word n-grams of ``text``; a text shorter than n words is one gram of all its words."""
    w = words(text)
    if len(w) < n:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


@dataclass
class NgramIndex:
    """Every benchmark n-gram → the benchmark it came from; ``sizes`` are the gram lengths to probe."""

    n: int
    grams: dict[str, str] = field(default_factory=dict)
    sizes: set[int] = field(default_factory=set)
    problems: dict[str, int] = field(default_factory=dict)

    def add(self, benchmark: str, problem: str) -> None:
        self.problems[benchmark] = self.problems.get(benchmark, 0) + 1
        for gram in ngrams(problem, self.n):
            # a gram shared by several benchmarks belongs to the first by name (as ``match`` promises)
            current = self.grams.get(gram)
            if current is None or benchmark < current:
                self.grams[gram] = benchmark
            self.sizes.add(min(self.n, len(gram.split())))

    def fingerprint(self) -> str:
        h = hashlib.sha256(str(self.n).encode())
        for gram in sorted(self.grams):
            h.update(gram.encode() + b"\0" + self.grams[gram].encode() + b"\n")
        return h.hexdigest()[:16]

    def match(self, text: str) -> str:
        """The first benchmark (in name order) sharing a gram with ``text``, else ""."""
        w = words(text)
        hits = set()
        for size in self.sizes:
            for i in range(max(0, len(w) - size + 1)):
                bench = self.grams.get(" ".join(w[i : i + size]))
                if bench is not None:
                    hits.add(bench)
        return min(hits) if hits else ""


def _problem_column(columns: list[str], where: str) -> str:
    for name in PROBLEM_COLUMNS:
        if name in columns:
            return name
    raise S2RError(
        f"benchmark {where} has no problem column ({', '.join(PROBLEM_COLUMNS)}); its columns are {', '.join(columns)}"
    )


def _one_split(obj):
    """A Dataset as is; of a DatasetDict (folder of files, saved dict): its test split, else train, else the first."""
    from datasets import DatasetDict

    if not isinstance(obj, DatasetDict):
        return obj
    for split in ("test", "train"):
        if split in obj:
            return obj[split]
    return obj[next(iter(obj))]


def load_benchmark(spec: str) -> tuple[str, list[str]]:
    """``spec`` (known name, ``name=path``, local path or Hub id) → (name, problem texts)."""
    from datasets import load_dataset

    if spec == SYNTHETIC_BENCHMARK:
        from s2r_hf.synthetic import benchmark_rows

        return "synthetic", [r["problem"] for r in benchmark_rows()]
    name, _, target = spec.partition("=") if "=" in spec else ("", "", spec)
    path = Path(target).expanduser()
    try:
        if path.exists():
            name = name or path.stem
            if path.is_dir():
                from datasets import load_from_disk

                saved = (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists()
                ds = _one_split(load_from_disk(str(path)) if saved else load_dataset(str(path)))
            else:
                builder = {".parquet": "parquet", ".csv": "csv"}.get(path.suffix.lower(), "json")
                ds = load_dataset(builder, data_files=str(path), split="train")
        else:
            target = known_name(target)
            if target not in KNOWN_BENCHMARKS and "/" not in target:
                raise S2RError(
                    f"unknown decontamination benchmark {spec!r}: not a file or folder, not a Hub id (namespace/name), "
                    f"not one of {', '.join(KNOWN_BENCHMARKS)}; pass name=path.jsonl for local files"
                )
            repo, config, split = KNOWN_BENCHMARKS.get(target, (target, None, "test"))
            name = name or target
            ds = load_dataset(repo, config, split=split)
    except S2RError:
        raise
    except Exception as err:
        raise S2RError(
            f"could not load decontamination benchmark {spec!r}: {type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}. Offline? Pass local files with "
            "--decontam-benchmarks name=path.jsonl ..., or --no-decontaminate (not recommended)"
        ) from err
    column = _problem_column(ds.column_names, spec)
    return name, [p for p in ds[column] if isinstance(p, str) and p.strip()]


def build_index(specs: list[str], n: int = 8) -> NgramIndex:
    index = NgramIndex(n=n)
    for spec in specs:
        name, problems = load_benchmark(spec)
        for problem in problems:
            index.add(name, problem)
        logger.info("decontamination: %s — %d problems", name, len(problems))
    return index


def decontaminate(ds, index: NgramIndex):
    """Drop contaminated rows → (kept dataset, counts per benchmark, dropped [{id, reason, detail}]).

    Reads only the ``problem`` column (no ``map``): a map would rewrite every column of the pool to add one
    flag, which cost 57 s and 1.3 GB of cache on a 220k-row pool; this takes seconds.
    """
    from tqdm.auto import tqdm

    problems = column(ds, "problem")
    flags = np.array([index.match(p) for p in tqdm(problems, desc="decontaminate", unit="row")], dtype=object)
    hit = np.flatnonzero(flags != "")
    counts = {name: int((flags == name).sum()) for name in sorted(index.problems)}
    hits = ds.select(hit.tolist()) if len(hit) else None
    ids = hits["id"] if hits is not None else []
    # report the row's position in the raw pool when the normaliser recorded it
    rows = hits["pool_row"] if hits is not None and "pool_row" in hits.column_names else hit.tolist()
    dropped = [
        {"row": int(row), "id": i, "reason": "contaminated", "detail": f"shares a {index.n}-gram with {flags[r]}"}
        for r, i, row in zip(hit, ids, rows, strict=True)
    ]
    kept = ds.select(np.flatnonzero(flags == "").tolist()) if len(hit) else ds
    logger.info("decontamination dropped %d rows: %s", len(hit), counts)
    return kept, counts, dropped
