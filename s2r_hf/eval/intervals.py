"""Uncertainty of pass@1: a 95 % interval over problems, and the spread across the n sampling runs.

Why Wilson, over problems: the benchmarks are small (AIME: 30 problems) and scores sit near 0 or 100 %, where
the normal approximation p ± 1.96·sqrt(p(1-p)/N) leaves [0, 1] or shrinks to zero width (0/30 → [0, 0]);
the Wilson score interval stays inside [0, 1] and keeps a width there (0/30 → [0, 11.4 %]). N is the number of
problems, the unit the benchmark samples: the n answers to one problem are not independent draws of the
benchmark. For sampled tasks a problem's score is its mean over n samples, a value in [0, 1] whose variance is at
most p(1-p), so the same interval is conservative there. The spread across runs (run j = the j-th sample of
every problem) shows the sampling noise alone, with the problems fixed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959963984540054  # two-sided 95 % normal quantile


def wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``p`` over ``n`` problems; (nan, nan) for n = 0."""
    if n <= 0:
        return (math.nan, math.nan)
    p = min(max(float(p), 0.0), 1.0)
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def run_spread(verdicts: Sequence[Sequence[bool]]) -> dict | None:
    """pass@1 of each sampling run (run j = sample j of every problem): min, max, sample sd; None for n < 2 or
    when problems have unequal sample counts (a partial run)."""
    counts = {len(v) for v in verdicts}
    if len(counts) != 1 or next(iter(counts)) < 2:
        return None
    n = next(iter(counts))
    runs = [sum(bool(v[j]) for v in verdicts) / len(verdicts) for j in range(n)]
    mean = sum(runs) / n
    sd = math.sqrt(sum((r - mean) ** 2 for r in runs) / (n - 1))
    return {"runs": n, "min": min(runs), "max": max(runs), "sd": sd}


def summarise(verdicts: Sequence[Sequence[bool]]) -> dict:
    """pass@1 (mean over problems of the mean over samples), its 95 % Wilson interval over problems, problems,
    samples per problem, and the run spread; pass@1 and the interval are None without problems (JSON has no NaN)."""
    scores = [sum(map(bool, v)) / len(v) for v in verdicts if len(v)]
    problems = len(scores)
    p = sum(scores) / problems if problems else None
    samples = sorted({len(v) for v in verdicts})
    return {
        "pass@1": p,
        "ci95": list(wilson(p, problems)) if problems else None,
        "problems": problems,
        "samples": samples[0] if len(samples) == 1 else samples,
        "spread": run_spread(verdicts),
    }
