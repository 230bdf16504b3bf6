"""A tiny offline benchmark for decontamination: problems planted from the synthetic pool plus fresh ones.

Why: decontamination must be exercised without downloading a real benchmark. :func:`benchmark_rows` copies
a few pool problems verbatim (decontamination must find and drop them from the pool) and adds problems in
wording the pool templates never use (decontamination must keep them). The fresh problems are drawn from
``random.Random("s2r_hf.synthetic/benchmark/{pool_seed}")``; that seed string is part of the data, keep it
verbatim.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from s2r_hf.synthetic.openr1_pool import openr1_rows

__all__ = ["benchmark_rows"]


def _fresh_problem(rng: random.Random) -> dict[str, str]:
    """Benchmark-only wording: shares no word 8-gram with the pool templates."""
    kind = rng.randrange(4)
    if kind == 0:
        a, b, c = rng.randint(10, 90), rng.randint(10, 90), rng.randint(2, 9)
        text = (
            f"A bakery sold {a} loaves on Monday and {b} loaves on Tuesday, charging {c} coins per loaf. "
            "How many coins did the bakery earn over those two days?"
        )
        return {"problem": text, "answer": str((a + b) * c)}
    if kind == 1:
        v, t = rng.randint(40, 120), rng.randint(2, 9)
        text = f"A train moves at a steady {v} km/h for {t} hours. How far, in kilometres, does it travel?"
        return {"problem": text, "answer": str(v * t)}
    if kind == 2:
        num = rng.randint(1000, 99999)
        text = f"What do we obtain when multiplying together all decimal digits of {num}?"
        return {"problem": text, "answer": str(math.prod(int(ch) for ch in str(num)))}
    num = rng.randint(12, 400)
    text = f"How many positive integers divide {num} exactly, leaving no remainder?"
    return {"problem": text, "answer": str(sum(1 for d in range(1, num + 1) if num % d == 0))}


def benchmark_rows(pool_seed: int = 0, planted_indices: Sequence[int] = (3, 17, 42), n_fresh: int = 5) -> list[dict]:
    """A tiny benchmark of ``{"problem", "answer"}`` rows.

    The pool rows at ``planted_indices`` of ``openr1_rows(max(planted_indices) + 1, pool_seed)`` are copied
    verbatim (decontamination must find them), followed by ``n_fresh`` problems in wording the pool never
    uses (decontamination must keep them).
    """
    if any(i < 0 for i in planted_indices):
        raise ValueError(f"planted_indices must be >= 0, got {list(planted_indices)}")
    out: list[dict] = []
    if planted_indices:
        wanted = set(planted_indices)
        pool = {i: r for i, r in enumerate(openr1_rows(max(planted_indices) + 1, pool_seed)) if i in wanted}
        out = [{"problem": pool[i]["problem"], "answer": pool[i]["answer"]} for i in planted_indices]
    seen = {r["problem"] for r in out}
    rng = random.Random(f"s2r_hf.synthetic/benchmark/{pool_seed}")
    while len(out) < len(planted_indices) + n_fresh:
        row = _fresh_problem(rng)
        if row["problem"] not in seen:
            seen.add(row["problem"])
            out.append(row)
    return out
