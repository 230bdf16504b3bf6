"""The open-r1 / s1 rule (``--decontam-method ngram8``): drop a row sharing ONE word n-gram with any problem.

Lower-case, split on whitespace, compare word n-grams (n = 8); a benchmark problem shorter than n words is
matched as a whole. Kept for comparison with open-r1 and s1: on real competition pools it also drops rows
that share only boilerplate ("where $m$ and $n$ are relatively prime positive integers. Find $m+n$.").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from s2r_hf.decontam.match import Match


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
    """Every benchmark n-gram → the first (benchmark, problem index) it came from, in benchmark name order;
    ``sizes`` are the gram lengths to probe; ``problems`` counts problems per benchmark."""

    n: int
    grams: dict[str, str] = field(default_factory=dict)
    sizes: set[int] = field(default_factory=set)
    problems: dict[str, int] = field(default_factory=dict)
    owner: dict[str, tuple[str, int]] = field(default_factory=dict)
    texts: dict[tuple[str, int], str] = field(default_factory=dict)
    method = "ngram8"

    def add(self, benchmark: str, problem: str, index: int | None = None) -> None:
        index = self.problems.get(benchmark, 0) if index is None else index
        self.problems[benchmark] = self.problems.get(benchmark, 0) + 1
        self.texts[(benchmark, index)] = problem
        for gram in ngrams(problem, self.n):
            # a gram shared by several benchmarks belongs to the first by name (as ``match`` promises)
            current = self.grams.get(gram)
            if current is None or benchmark < current:
                self.grams[gram] = benchmark
                self.owner[gram] = (benchmark, index)
            self.sizes.add(min(self.n, len(gram.split())))

    def params(self) -> dict:
        return {"method": self.method, "ngram": self.n, "rule": f"one shared word {self.n}-gram (open-r1, s1)"}

    def fingerprint(self) -> str:
        h = hashlib.sha256(str(self.n).encode())
        for gram in sorted(self.grams):
            h.update(gram.encode() + b"\0" + self.grams[gram].encode() + b"\n")
        return h.hexdigest()[:16]

    def find(self, text: str) -> Match | None:
        """The shared gram of the first benchmark (in name order) sharing one with ``text``, else None."""
        w = words(text) if isinstance(text, str) else []
        best: str | None = None
        for size in sorted(self.sizes):
            for i in range(max(0, len(w) - size + 1)):
                gram = " ".join(w[i : i + size])
                bench = self.grams.get(gram)
                if bench is not None and (best is None or bench < self.grams[best]):
                    best = gram
        if best is None:
            return None
        bench, index = self.owner[best]
        return Match(bench, index, self.texts[(bench, index)], "ngram8", 1.0, f"shares the word {self.n}-gram {best!r}")

    def match(self, text: str) -> str:
        """The first benchmark (in name order) sharing a gram with ``text``, else ""."""
        found = self.find(text)
        return found.benchmark if found else ""

    def match_batch(self, problems: list) -> list[Match | None]:
        return [self.find(p) for p in problems]
