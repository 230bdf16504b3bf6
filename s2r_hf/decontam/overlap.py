"""The default rule (``--decontam-method overlap``): a row is a copy of ONE benchmark problem, not a phrase-mate.

A pool row matches benchmark problem P when, after :mod:`s2r_hf.decontam.text` normalisation,

* **containment**: the row holds at least ``threshold`` of P's *informative* token n-grams. A gram is boilerplate,
  never informative, when it occurs in ``bench_common`` or more distinct benchmark problems or in many pool
  rows (``pool_common_rows``, at least ``pool_common_fraction`` of the pool): "where m and n are relatively prime
  positive integers find m + n" then decides nothing by itself;
* **full-containment**: the row holds at least ``full_threshold`` of all P's n-grams, boilerplate included
  (a near-verbatim copy of a problem made mostly of common phrases);
* **digits-removed**: the row's tokens without digits equal P's (a number-changed copy, Light-R1's rule), for
  problems of at least ``min_digitless_tokens`` such tokens (short texts collide: "Compute $2+3$." and
  "Compute $7+1$." are different problems with equal digitless tokens);
* a problem shorter than n tokens (at least 3) matches when its whole token sequence is in a row at most
  4 times its length.

The benchmark side (a few thousand problems) is indexed by n-gram → problems; pool rows are streamed through it
once (:meth:`OverlapIndex.scan`), then pool frequencies are known and :meth:`OverlapIndex.decide` scores only
the rows that share a gram with some problem.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np

from s2r_hf.decontam.match import Match
from s2r_hf.decontam.text import digitless, tokens

SHORT_MIN_TOKENS = 3
MIN_INFORMATIVE_GRAMS = 3  # fewer: the problem is mostly boilerplate and only full-containment can match it
SHORT_MAX_ROW_RATIO = 4


@dataclass
class _Problem:
    occurrences: list[tuple[str, int, str]]  # (benchmark, row index, text); the first by benchmark name reports
    length: int  # tokens
    grams: list[int] = field(default_factory=list)


@dataclass
class OverlapIndex:
    n: int = 8
    threshold: float = 0.4
    full_threshold: float = 0.8
    min_digitless_tokens: int = 12
    bench_common: int = 2
    pool_common_rows: int = 20
    pool_common_fraction: float = 0.001
    problems: dict[str, int] = field(default_factory=dict)
    method = "overlap"

    def __post_init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._gram_ids: dict[tuple[int, ...], int] = {}
        self._postings: list[list[int]] = []  # gram id → problem ids
        self._items: list[_Problem] = []
        self._by_tokens: dict[tuple[str, ...], int] = {}
        self._digitless: dict[tuple[str, ...], int] = {}
        self._short_sizes: set[int] = set()

    # ------------------------------------------------------------------------------------------- building
    def add(self, benchmark: str, problem: str, index: int | None = None) -> None:
        index = self.problems.get(benchmark, 0) if index is None else index
        self.problems[benchmark] = self.problems.get(benchmark, 0) + 1
        toks = tokens(problem)
        if not toks:
            return
        key = tuple(toks)
        pid = self._by_tokens.get(key)
        if pid is not None:  # the same problem in two benchmarks (or twice): one entry, every occurrence
            self._items[pid].occurrences.append((benchmark, index, problem))
            self._items[pid].occurrences.sort(key=lambda o: (o[0], o[1]))
            return
        pid = len(self._items)
        self._by_tokens[key] = pid
        item = _Problem([(benchmark, index, problem)], len(toks))
        self._items.append(item)
        ids = [self._vocab.setdefault(t, len(self._vocab)) for t in toks]
        size = min(self.n, len(ids))
        if size < self.n:
            if size < SHORT_MIN_TOKENS:
                item.length = 0  # too short to match by containment; only by exact digitless tokens (if long)
            else:
                self._short_sizes.add(size)
        if item.length:
            grams = {tuple(ids[i : i + size]) for i in range(len(ids) - size + 1)}
            for gram in grams:
                gid = self._gram_ids.setdefault(gram, len(self._gram_ids))
                if gid == len(self._postings):
                    self._postings.append([])
                self._postings[gid].append(pid)
                item.grams.append(gid)
        bare = tuple(digitless(toks))
        if len(bare) >= self.min_digitless_tokens:
            self._digitless.setdefault(bare, pid)

    def params(self) -> dict:
        found = {"boilerplate_pool_min_rows": self.pool_common_min} if hasattr(self, "pool_common_min") else {}
        return {
            **found,
            "method": self.method,
            "ngram": self.n,
            "threshold": self.threshold,
            "full_threshold": self.full_threshold,
            "min_digitless_tokens": self.min_digitless_tokens,
            "boilerplate_benchmark_problems": self.bench_common,
            "boilerplate_pool_rows": self.pool_common_rows,
            "boilerplate_pool_fraction": self.pool_common_fraction,
        }

    def fingerprint(self) -> str:
        static = {k: v for k, v in self.params().items() if k != "boilerplate_pool_min_rows"}  # set by decide()
        h = hashlib.sha256(repr(sorted(static.items())).encode())
        for item in self._items:
            for bench, index, text in item.occurrences:
                h.update(f"{bench}\0{index}\0{text}\n".encode())
        return h.hexdigest()[:16]

    # ------------------------------------------------------------------------------------------ the pool
    def scan(self, problems: list) -> dict[str, list]:
        """Pass 1 over a batch of pool problems: the benchmark grams each row holds, its digitless-copy
        candidate (-1: none) and its token count. Pure function of the text (safe in ``datasets.map``)."""
        vocab, gram_ids, n = self._vocab, self._gram_ids, self.n
        sizes = sorted({n, *self._short_sizes})
        hits, exact, ntok = [], [], []
        for text in problems:
            toks = tokens(text) if isinstance(text, str) else []
            ids = [vocab.get(t, -1) for t in toks]
            found: set[int] = set()
            start = 0
            for end in range(len(ids) + 1):  # runs of tokens the benchmarks know; grams lie inside them
                if end == len(ids) or ids[end] < 0:
                    run = ids[start:end]
                    for size in sizes:
                        for i in range(len(run) - size + 1):
                            gid = gram_ids.get(tuple(run[i : i + size]))
                            if gid is not None:
                                found.add(gid)
                    start = end + 1
            bare = tuple(digitless(toks))
            pid = self._digitless.get(bare, -1) if len(bare) >= self.min_digitless_tokens else -1
            hits.append(sorted(found))
            exact.append(pid)
            ntok.append(len(toks))
        return {"hits": hits, "exact": exact, "ntok": ntok}

    def common_grams(self, hits: list[list[int]], n_rows: int) -> np.ndarray:
        """Boilerplate mask over gram ids: in ``bench_common``+ benchmark problems or in many pool rows."""
        bench_df = np.array([len(p) for p in self._postings], dtype=np.int64)
        flat = np.fromiter((g for row in hits for g in row), dtype=np.int64)
        pool_df = np.bincount(flat, minlength=len(self._postings))
        self.pool_common_min = max(self.pool_common_rows, math.ceil(self.pool_common_fraction * n_rows))
        return (bench_df >= self.bench_common) | (pool_df >= self.pool_common_min)

    def decide(self, hits: list[list[int]], exact: list[int], ntok: list[int], n_rows: int) -> list[Match | None]:
        """Pass 2: the match (or None) of every scanned row, now that pool gram frequencies are known."""
        common = self.common_grams(hits, n_rows)
        n_all = [len(item.grams) for item in self._items]
        n_inf = [sum(1 for g in item.grams if not common[g]) for item in self._items]
        out: list[Match | None] = []
        for row_hits, pid_exact, length in zip(hits, exact, ntok, strict=True):
            best: tuple | None = None
            if row_hits:
                all_count: dict[int, int] = {}
                inf_count: dict[int, int] = {}
                for g in row_hits:
                    informative = not common[g]
                    for pid in self._postings[g]:
                        all_count[pid] = all_count.get(pid, 0) + 1
                        if informative:
                            inf_count[pid] = inf_count.get(pid, 0) + 1
                for pid, a in all_count.items():
                    found = self._judge(pid, a, inf_count.get(pid, 0), n_all[pid], n_inf[pid], length)
                    if found and (best is None or (found[1], -pid) > (best[1], -best[2])):
                        best = (*found, pid)
            if best is None and pid_exact >= 0:
                best = ("digits-removed", 1.0, pid_exact)
            out.append(self._match(*best) if best else None)
        return out

    def _judge(self, pid: int, hit_all: int, hit_inf: int, n_all: int, n_inf: int, row_tokens: int):
        item = self._items[pid]
        if item.length < self.n:  # a short problem: its one gram is all of it
            if hit_all and row_tokens <= SHORT_MAX_ROW_RATIO * item.length:
                return ("containment", 1.0)
            return None
        if n_inf >= MIN_INFORMATIVE_GRAMS and hit_inf / n_inf >= self.threshold:
            return ("containment", hit_inf / n_inf)
        if n_all and hit_all / n_all >= self.full_threshold:
            return ("full-containment", hit_all / n_all)
        return None

    def _match(self, method: str, score: float, pid: int) -> Match:
        bench, index, text = self._items[pid].occurrences[0]
        if method == "containment" and self._items[pid].length < self.n:
            why = f"holds the whole problem (under {self.n} tokens) in a row at most {SHORT_MAX_ROW_RATIO}x its length"
            return Match(bench, index, text, method, score, why)
        why = {
            "containment": f"holds {score:.0%} of the problem's informative {self.n}-grams",
            "full-containment": f"holds {score:.0%} of all the problem's {self.n}-grams",
            "digits-removed": "equals the problem with every digit removed (a number-changed copy)",
        }[method]
        return Match(bench, index, text, method, score, why)

    def match_batch(self, problems: list) -> list[Match | None]:
        """Scan + decide on ``problems`` alone (pool frequencies from these rows only)."""
        scanned = self.scan(problems)
        return self.decide(scanned["hits"], scanned["exact"], scanned["ntok"], len(problems))
