"""How far a run's difficulty agrees with the built-in pool's own difficulty (the embedded default only).

The synthetic pool (``s2r:synthetic-openr1``) draws each problem from a template with a difficulty level; that
level, as ``1 − the generator's per-trace pass rate``, is the pool's true difficulty — synthetic by construction.
A selection on it records the Spearman correlation between its difficulty scores and that truth over every
scored row, so the card can say plainly whether the difficulty meant anything: the randomly initialised tiny
judge of the default recipe gives ρ ≈ 0, a model fitted by `s2r fit-difficulty` on the pool's labels gives a
high ρ. Real pools have no such truth: nothing is recorded for them.
"""

from __future__ import annotations

import numpy as np

from s2r_hf.option_defaults import SYNTHETIC_POOL

TRUTH = "1 − the generator's per-trace pass rate of the row's template difficulty level"


def synthetic_truth(rows: int) -> dict[str, float]:
    """uuid → true difficulty of the first ``rows`` rows of the built-in pool (seed 0, as `s2r select` reads it)."""
    from s2r_hf.synthetic.openr1_pool import row_difficulty, trace_pass_rate

    truth = {}
    for index in range(rows):
        row_uuid, level = row_difficulty(0, index)
        truth[row_uuid] = 1.0 - trace_pass_rate(level)
    return truth


def synthetic_agreement(pool, ids: np.ndarray, difficulty: np.ndarray | None) -> dict | None:
    """``{"spearman", "rows", "truth"}`` for a run on the built-in pool that scored difficulty, else None."""
    if pool.pool != SYNTHETIC_POOL or difficulty is None:
        return None
    from scipy.stats import spearmanr

    truth = synthetic_truth(pool.synthetic_rows)
    pairs = [(float(d), truth[str(i)]) for i, d in zip(ids, difficulty, strict=True) if str(i) in truth]
    pairs = [(d, t) for d, t in pairs if np.isfinite(d)]
    if len(pairs) < 3:
        return None
    scores, labels = np.array(pairs).T
    rho = spearmanr(scores, labels).statistic if np.ptp(scores) > 0 else 0.0
    return {"spearman": round(float(rho), 4), "rows": len(pairs), "truth": TRUTH}
