"""Budgets and strategies → the ordered row indices to keep (SPEC §4). Pure numpy: no torch, no I/O.

Every strategy is order-independent: shuffling or sharding the pool never changes which ids are chosen
nor their order, because ties break by id and the seeded "random" order is a keyed hash of each id.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from s2r_hf.configs import DEFAULT_WEIGHT, STRATEGIES
from s2r_hf.errors import S2RError
from s2r_hf.rank import order_by, ordinal_rank, weighted_rank
from s2r_hf.signals import HIGHER_FIRST, weight_signals

NEEDS_DIFFICULTY = frozenset({"s2r", "difficulty"})


@dataclass
class Selection:
    """The outcome: ``order`` indexes the kept rows, best first; the rank arrays cover the whole pool."""

    order: np.ndarray
    rank_difficulty: np.ndarray | None
    rank_length: np.ndarray | None
    joint: np.ndarray | None
    signals: dict[str, float] | None = None  # s2r: the weights the joint rank used (``--signals`` or ``--weight``)
    ranks: dict[str, np.ndarray] = field(default_factory=dict)  # s2r: every weighted signal's rank (0 = first)


def budget_count(n: int, ratio: float | None, count: int | None) -> int:
    """Rows a ratio or count budget keeps out of ``n``: ``floor(n · ratio)``, at least one row.

    The floor is the authors' rule (Select2Reason ``selection.py``: ``max(1, int(total * pct / 100))``), so
    the paper's 10 % of the 196k verified OpenR1 pool is the same row count here. The product is taken in
    exact decimal arithmetic: ``0.29 * 100`` is 29, not the float 28.999999999999996 (→ 28).
    """
    if count is not None:
        return min(count, n)
    assert ratio is not None
    return min(n, max(1, math.floor(Fraction(str(ratio)) * n)))


def hash_keys(ids: np.ndarray, seed: int) -> np.ndarray:
    """A seeded pseudo-random key per id, independent of row position (used by random/stratified)."""
    salt = str(seed).encode()
    return np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(str(i).encode(), digest_size=8, salt=salt[:16]).digest(), "big") >> 11
            for i in ids
        ),
        dtype=np.float64,
        count=len(ids),
    )


def _stratified(ids: np.ndarray, strata: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Proportional allocation per stratum (largest remainder, ties by name), random within each."""
    keys = hash_keys(ids, seed)
    names, inverse = np.unique(strata, return_inverse=True)
    sizes = np.bincount(inverse, minlength=len(names))
    share = sizes.astype(np.int64) * k  # stratum g's exact share is share[g] / n: integer maths, no float ties
    alloc = share // len(ids)
    leftover = k - int(alloc.sum())
    by_remainder = sorted(range(len(names)), key=lambda g: (-int(share[g] % len(ids)), str(names[g])))
    for g in by_remainder[:leftover]:
        alloc[g] += 1
    kept = []
    for g in range(len(names)):
        members = np.flatnonzero(inverse == g)
        kept.append(members[order_by(keys[members], ids[members])][: alloc[g]])
    chosen = np.concatenate(kept) if kept else np.empty(0, dtype=np.int64)
    return chosen[order_by(keys[chosen], ids[chosen])]


def _stratified_order(ids: np.ndarray, strata: np.ndarray, seed: int) -> np.ndarray:
    """Every row, ordered so that each prefix is proportional per stratum (within one row of its share).

    The j-th row (random order) of a stratum of size s gets the key (j + ½) / s (Webster's divisor rule):
    a token budget cuts this order anywhere and every stratum keeps ≈ its share of the rows taken.
    """
    keys = hash_keys(ids, seed)
    _, inverse = np.unique(strata, return_inverse=True)
    position = np.empty(len(ids), dtype=np.float64)
    for g in range(int(inverse.max()) + 1 if len(ids) else 0):
        members = np.flatnonzero(inverse == g)
        ranked = members[order_by(keys[members], ids[members])]
        position[ranked] = (np.arange(len(ranked)) + 0.5) / len(ranked)
    return np.lexsort((ids, keys, position))


def _cut_by_tokens(order: np.ndarray, length: np.ndarray, token_budget: int) -> np.ndarray:
    """Rows in rank order while their summed length stays within the budget."""
    total = np.cumsum(np.asarray(length, dtype=np.int64)[order])
    return order[: int(np.searchsorted(total, token_budget, side="right"))]


def select(
    strategy: str,
    ids: np.ndarray,
    *,
    length: np.ndarray,
    difficulty: np.ndarray | None = None,
    strata: np.ndarray | None = None,
    weight: float | None = DEFAULT_WEIGHT,
    ratio: float | None = None,
    count: int | None = None,
    token_budget: int | None = None,
    seed: int = 0,
    cost: np.ndarray | None = None,
    signals: dict[str, float] | None = None,
    measures: dict[str, np.ndarray] | None = None,
) -> Selection:
    """Rank the pool by ``strategy`` and cut it to the budget (exactly one of ratio/count/token_budget).

    ``cost``: what a row costs against ``token_budget`` (its training tokens, rendered); default ``length``.
    ``signals`` (s2r): weights of the joint rank, default ``{difficulty: weight, length: 1 − weight}``;
    ``measures``: the values of signals other than difficulty and length (``rethink``, ``nll``).
    """
    if strategy not in STRATEGIES:
        raise S2RError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    budgets = sum(b is not None for b in (ratio, count, token_budget))
    if budgets > 1 or (budgets == 0 and strategy != "full"):  # full keeps every row: it needs no budget
        raise S2RError("give exactly one budget: --ratio, --count or --token-budget")
    ids = np.asarray(ids)
    n = len(ids)
    if n == 0:
        raise S2RError("the pool is empty after filtering; nothing to select (see the drop report above)")
    if strategy == "s2r":
        signals = signals or weight_signals(DEFAULT_WEIGHT if weight is None else weight)
    if (strategy == "difficulty" or "difficulty" in (signals or {})) and difficulty is None:
        raise S2RError(f"strategy {strategy!r} needs difficulty scores, but none were computed")
    r_len = ordinal_rank(length, ids, descending=True)
    r_dif = ordinal_rank(difficulty, ids, descending=True) if difficulty is not None else None
    joint, ranks = None, {}
    if strategy == "s2r":
        ranks = signal_ranks(signals, ids, {**(measures or {}), "difficulty": difficulty, "length": length})
        ranks.update({"difficulty": r_dif, "length": r_len} if r_dif is not None else {"length": r_len})
        joint = weighted_rank([ranks[name] for name in signals], list(signals.values()))
        order = order_by(joint, ids)
    elif strategy == "difficulty":
        order = order_by(r_dif, ids)
    elif strategy == "length":
        order = order_by(r_len, ids)
    elif strategy == "full":
        order = order_by(np.zeros(n), ids)
    elif strategy == "random":
        order = order_by(hash_keys(ids, seed), ids)
    else:  # stratified
        if strata is None:
            raise S2RError("strategy 'stratified' needs a problem_type column in the pool")
        groups = np.asarray(strata, dtype=object).astype(str)
        if token_budget is not None:  # cut a proportional interleaving, not a random order, by tokens
            order = _stratified_order(ids, groups, seed)
        else:
            order = _stratified(ids, groups, budget_count(n, ratio, count), seed)
    ranked = order
    cost = np.asarray(length if cost is None else cost)
    if strategy != "full" and token_budget is not None:
        order = _cut_by_tokens(order, cost, token_budget)
    elif strategy != "full":
        order = order[: budget_count(n, ratio, count)]
    if len(order) == 0:
        raise S2RError(
            f"the budget keeps no rows (token budget {token_budget} is below the first row's length "
            f"{int(cost[ranked[0]])}); raise --token-budget"
        )
    ranks = {name: ranks[name] for name in (signals or {})}
    return Selection(order=order, rank_difficulty=r_dif, rank_length=r_len, joint=joint, signals=signals, ranks=ranks)


def signal_ranks(signals: dict[str, float], ids: np.ndarray, values: dict[str, np.ndarray | None]) -> dict:
    """Each signal's ordinal rank, in its direction (:data:`s2r_hf.signals.HIGHER_FIRST`); a missing measure is
    an error naming it."""
    ranks = {}
    for name in signals:
        if values.get(name) is None:
            raise S2RError(f"--signals names {name!r}, but no {name} scores were computed")
        if name not in ("difficulty", "length"):  # those two are ranked once, above, for every strategy
            ranks[name] = ordinal_rank(values[name], ids, descending=HIGHER_FIRST[name])
    return ranks
