"""Ordinal ranks and the weighted joint rank (SPEC §4) of two signals or k (``--signals``). Pure numpy, no I/O.

Ranks, not raw scores, are combined, so the two signals' scales never matter. Every tie is broken by
row id (ascending), never by file order, so the same pool gives the same ranking however it was read,
sharded or shuffled.
"""

from __future__ import annotations

import numpy as np


def ordinal_rank(values: np.ndarray, ids: np.ndarray, descending: bool = True) -> np.ndarray:
    """Rank 0 for the largest value (``descending``) or the smallest; ties go to the smaller id first.

    Returns an int64 array aligned with ``values``: ``rank[i]`` is row i's position in the ordering.
    NaN values are ranked last whatever the direction.
    """
    values = np.asarray(values, dtype=np.float64)
    ids = np.asarray(ids)
    if values.shape != ids.shape:
        raise ValueError(f"values and ids differ in shape: {values.shape} vs {ids.shape}")
    missing = np.isnan(values)
    key = -values if descending else values.copy()
    key[missing] = 0.0  # placed by ``missing`` below, so ±inf values still rank before NaN
    order = np.lexsort((ids, key, missing))  # last key is primary: NaN last, then value, then id
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values), dtype=np.int64)
    return rank


def weighted_rank(ranks: list[np.ndarray], weights: list[float]) -> np.ndarray:
    """``Σ_k weights[k] · ranks[k]``, summed left to right: smaller is better (the joint rank over k signals).

    Weights must be ≥ 0 and sum to 1 (see :func:`s2r_hf.signals.parse_signals`). With two signals it is, operation
    for operation, :func:`joint_rank`'s ``w · r_d + (1 − w) · r_l``, so the same weights give the same floats.
    """
    if len(ranks) != len(weights) or not ranks:
        raise ValueError(f"need one weight per rank array, got {len(weights)} weights for {len(ranks)} arrays")
    if any(not w >= 0.0 for w in weights) or abs(sum(weights) - 1.0) > 1e-9:
        raise ValueError(f"weights must be >= 0 and sum to 1, got {list(weights)}")
    total = weights[0] * np.asarray(ranks[0], dtype=np.float64)
    for rank, weight in zip(ranks[1:], weights[1:], strict=True):
        total = total + weight * np.asarray(rank, dtype=np.float64)
    return total


def joint_rank(rank_difficulty: np.ndarray, rank_length: np.ndarray, weight: float) -> np.ndarray:
    """``weight · r_d + (1 − weight) · r_l``: smaller is better. ``weight`` = 1 is difficulty alone."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be in [0, 1], got {weight}")
    return weighted_rank([rank_difficulty, rank_length], [weight, 1.0 - weight])


def order_by(key: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Row indices sorted by ``key`` ascending, ties by id ascending: the selection order."""
    return np.lexsort((np.asarray(ids), np.asarray(key, dtype=np.float64)))
