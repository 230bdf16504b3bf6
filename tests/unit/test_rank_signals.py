"""The joint rank over k weighted signals (s2r_hf.rank.weighted_rank): hand-computed tables, and the 2-signal case
against today's formula, bit for bit, on random data with heavy ties."""

from __future__ import annotations

import numpy as np
import pytest

from s2r_hf.rank import joint_rank, order_by, ordinal_rank, weighted_rank


def reference_joint_rank(r_d: np.ndarray, r_l: np.ndarray, weight: float) -> np.ndarray:
    """joint_rank as it was written before the k-signal generalisation (kept here as the reference)."""
    return weight * np.asarray(r_d, dtype=np.float64) + (1.0 - weight) * np.asarray(r_l, dtype=np.float64)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weight", [0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 1.0])
def test_two_signals_equal_the_old_joint_rank_bit_for_bit(seed, weight):
    rng = np.random.default_rng(seed)
    n = 400
    ids = np.array([f"r{i:05d}" for i in rng.permutation(n)])
    difficulty = rng.integers(0, 5, n) / 4.0  # heavy ties in both signals
    length = rng.integers(0, 8, n)
    difficulty[rng.choice(n, 10, replace=False)] = np.nan
    r_d, r_l = ordinal_rank(difficulty, ids), ordinal_rank(length, ids)
    old = reference_joint_rank(r_d, r_l, weight)
    new = weighted_rank([r_d, r_l], [weight, 1.0 - weight])
    assert np.array_equal(old, new)  # the same floats, not close ones
    assert np.array_equal(joint_rank(r_d, r_l, weight), old)
    assert ids[order_by(new, ids)].tolist() == ids[order_by(old, ids)].tolist()


# ids a..e; three signals' ranks (0 = first):   r1 = [0, 3, 1, 4, 2], r2 = [3, 0, 2, 1, 4], r3 = [4, 2, 0, 1, 3]
IDS = np.array(["a", "b", "c", "d", "e"])
R1, R2, R3 = [0, 3, 1, 4, 2], [3, 0, 2, 1, 4], [4, 2, 0, 1, 3]


@pytest.mark.parametrize(
    ("weights", "joint", "order"),
    [
        # 0.5·r1 + 0.25·r2 + 0.25·r3:  a 1.75, b 2.0, c 1.0, d 2.5, e 2.75 → c, a, b, d, e
        ([0.5, 0.25, 0.25], [1.75, 2.0, 1.0, 2.5, 2.75], ["c", "a", "b", "d", "e"]),
        # one signal alone: the order of its rank
        ([0.0, 0.0, 1.0], [4.0, 2.0, 0.0, 1.0, 3.0], ["c", "d", "b", "e", "a"]),
        # equal thirds: sums a 7, b 5, c 3, d 6, e 9 (/3) → c, b, d, a, e
        ([1 / 3, 1 / 3, 1 / 3], [7 / 3, 5 / 3, 1.0, 2.0, 3.0], ["c", "b", "d", "a", "e"]),
    ],
)
def test_three_signals_table(weights, joint, order):
    got = weighted_rank([np.array(R1), np.array(R2), np.array(R3)], weights)
    np.testing.assert_allclose(got, joint, rtol=0, atol=1e-12)
    assert IDS[order_by(got, IDS)].tolist() == order


@pytest.mark.parametrize(
    ("ranks", "weights", "needle"),
    [
        ([np.zeros(2)], [0.5, 0.5], "one weight per rank"),
        ([], [], "one weight per rank"),
        ([np.zeros(2), np.zeros(2)], [-0.5, 1.5], "sum to 1"),
        ([np.zeros(2), np.zeros(2)], [0.5, 0.6], "sum to 1"),
        ([np.zeros(2), np.zeros(2)], [float("nan"), 1.0], ">= 0"),
    ],
)
def test_weighted_rank_rejects_bad_weights(ranks, weights, needle):
    with pytest.raises(ValueError, match=needle):
        weighted_rank(ranks, weights)
