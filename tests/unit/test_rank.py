"""Ordinal ranks and the weighted joint rank (s2r_hf.rank, SPEC §4), checked against hand-computed tables."""

from __future__ import annotations

import numpy as np
import pytest

from s2r_hf.rank import joint_rank, order_by, ordinal_rank

# The five-row pool used by the joint-rank table below.
#   id   difficulty  length   r_d (0 = hardest)   r_l (0 = longest)
#   a    0.9         300      0                   3
#   b    0.2         900      3                   0
#   c    0.8         500      1                   2
#   d    0.1         700      4                   1
#   e    0.5         100      2                   4
IDS = np.array(["a", "b", "c", "d", "e"])
DIFFICULTY = np.array([0.9, 0.2, 0.8, 0.1, 0.5])
LENGTH = np.array([300, 900, 500, 700, 100])
R_D = [0, 3, 1, 4, 2]
R_L = [3, 0, 2, 1, 4]


# ---------------------------------------------------------------------------------------------- ordinal_rank


@pytest.mark.parametrize(
    ("values", "ids", "descending", "expected"),
    [
        # distinct values, descending: 0.9 (a) > 0.5 (c) > 0.1 (b)
        ([0.9, 0.1, 0.5], ["a", "b", "c"], True, [0, 2, 1]),
        # same, ascending: 0.1 (b) < 0.5 (c) < 0.9 (a)
        ([0.9, 0.1, 0.5], ["a", "b", "c"], False, [2, 0, 1]),
        # tie 0.5/0.5 between ids "z" and "m": "m" < "z" so m ranks first, whatever the row order
        ([0.5, 0.7, 0.5], ["z", "x", "m"], True, [2, 0, 1]),
        ([0.5, 0.7, 0.5], ["z", "x", "m"], False, [1, 2, 0]),
        # all equal: rank = position of the id in sorted order (b, c, d, q)
        ([1.0, 1.0, 1.0, 1.0], ["q", "c", "d", "b"], True, [3, 1, 2, 0]),
        # ids are compared as strings: "10" < "9"
        ([3.0, 3.0], ["9", "10"], True, [1, 0]),
        # NaN ranks last in either direction; 2.0 > 1.0 first when descending
        ([np.nan, 1.0, 2.0], ["a", "b", "c"], True, [2, 1, 0]),
        ([np.nan, 1.0, 2.0], ["a", "b", "c"], False, [2, 0, 1]),
        # two NaNs: last, and among themselves by id (a before d)
        ([np.nan, 5.0, 4.0, np.nan], ["d", "b", "c", "a"], True, [3, 0, 1, 2]),
        # NaN after -inf when descending and after +inf when ascending (still "last whatever the direction")
        ([np.nan, -np.inf, 1.0], ["a", "b", "c"], True, [2, 1, 0]),
        ([np.nan, np.inf, 1.0], ["a", "b", "c"], False, [2, 1, 0]),
        # integer lengths, descending: 900 > 700 > 500 > 300 > 100
        (LENGTH, IDS, True, R_L),
        (DIFFICULTY, IDS, True, R_D),
        # single row
        ([0.3], ["only"], True, [0]),
    ],
)
def test_ordinal_rank_table(values, ids, descending, expected):
    rank = ordinal_rank(np.asarray(values, dtype=float), np.asarray(ids), descending=descending)
    assert rank.dtype == np.int64
    assert rank.tolist() == expected


def test_ordinal_rank_is_a_permutation():
    rng = np.random.default_rng(0)
    values = rng.integers(0, 5, size=200).astype(float)  # many ties
    values[rng.choice(200, 20, replace=False)] = np.nan
    ids = np.array([f"id{i:04d}" for i in rng.permutation(200)])
    rank = ordinal_rank(values, ids)
    assert sorted(rank.tolist()) == list(range(200))
    # every NaN comes after every number
    assert rank[np.isnan(values)].min() > rank[~np.isnan(values)].max()


def test_ordinal_rank_object_ids_work_like_strings():
    values = [1.0, 1.0, 2.0]
    as_object = ordinal_rank(values, np.array(["b", "a", "c"], dtype=object))
    as_str = ordinal_rank(values, np.array(["b", "a", "c"]))
    assert as_object.tolist() == as_str.tolist() == [2, 1, 0]


def test_ordinal_rank_shape_mismatch():
    with pytest.raises(ValueError, match="differ in shape"):
        ordinal_rank(np.array([1.0, 2.0]), np.array(["a"]))


def test_ordinal_rank_does_not_modify_its_input():
    values = np.array([np.nan, 1.0, 2.0])
    ordinal_rank(values, np.array(["a", "b", "c"]), descending=False)
    assert np.isnan(values[0]) and values[1:].tolist() == [1.0, 2.0]


# ------------------------------------------------------------------------------------------------ joint_rank


@pytest.mark.parametrize(
    ("weight", "joint", "order"),
    [
        # w = 0.25: joint = 0.25·r_d + 0.75·r_l
        #   a: 0.25·0 + 0.75·3 = 2.25   b: 0.25·3 + 0.75·0 = 0.75   c: 0.25·1 + 0.75·2 = 1.75
        #   d: 0.25·4 + 0.75·1 = 1.75   e: 0.25·2 + 0.75·4 = 3.50
        #   order: b (0.75), c (1.75, id c < d), d (1.75), a (2.25), e (3.50)
        (0.25, [2.25, 0.75, 1.75, 1.75, 3.5], ["b", "c", "d", "a", "e"]),
        # w = 0: length only, joint = r_l → b (0), d (1), c (2), a (3), e (4)
        (0.0, [3.0, 0.0, 2.0, 1.0, 4.0], ["b", "d", "c", "a", "e"]),
        # w = 1: difficulty only, joint = r_d → a (0), c (1), e (2), b (3), d (4)
        (1.0, [0.0, 3.0, 1.0, 4.0, 2.0], ["a", "c", "e", "b", "d"]),
        # w = 0.5: a 1.5, b 1.5, c 1.5, d 2.5, e 3.0 → three-way tie broken by id: a, b, c, then d, e
        (0.5, [1.5, 1.5, 1.5, 2.5, 3.0], ["a", "b", "c", "d", "e"]),
        # w = 0.75: a 0.75, b 2.25, c 1.25, d 3.25, e 2.5 → a, c, b, e, d
        (0.75, [0.75, 2.25, 1.25, 3.25, 2.5], ["a", "c", "b", "e", "d"]),
    ],
)
def test_joint_rank_table(weight, joint, order):
    r_d = ordinal_rank(DIFFICULTY, IDS, descending=True)
    r_l = ordinal_rank(LENGTH, IDS, descending=True)
    assert r_d.tolist() == R_D
    assert r_l.tolist() == R_L
    got = joint_rank(r_d, r_l, weight)
    np.testing.assert_allclose(got, joint, rtol=0, atol=1e-12)
    assert IDS[order_by(got, IDS)].tolist() == order


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("weight", [0.0, 0.25, 0.5, 1.0])
def test_joint_selection_is_invariant_to_row_order(seed, weight):
    perm = np.random.default_rng(seed).permutation(len(IDS))
    ids, diff, length = IDS[perm], DIFFICULTY[perm], LENGTH[perm]
    joint = joint_rank(ordinal_rank(diff, ids), ordinal_rank(length, ids), weight)
    reference = joint_rank(ordinal_rank(DIFFICULTY, IDS), ordinal_rank(LENGTH, IDS), weight)
    assert ids[order_by(joint, ids)].tolist() == IDS[order_by(reference, IDS)].tolist()


def test_invariance_to_row_order_with_many_ties():
    rng = np.random.default_rng(7)
    n = 300
    ids = np.array([f"r{i}" for i in range(n)])
    diff = rng.integers(0, 4, n) / 4.0  # heavy ties
    length = rng.integers(0, 10, n)
    chosen = ids[order_by(joint_rank(ordinal_rank(diff, ids), ordinal_rank(length, ids), 0.25), ids)]
    perm = rng.permutation(n)
    p_ids, p_diff, p_len = ids[perm], diff[perm], length[perm]
    p_chosen = p_ids[order_by(joint_rank(ordinal_rank(p_diff, p_ids), ordinal_rank(p_len, p_ids), 0.25), p_ids)]
    assert p_chosen.tolist() == chosen.tolist()


@pytest.mark.parametrize("weight", [-0.01, 1.01, float("nan")])
def test_joint_rank_rejects_weight_outside_unit_interval(weight):
    with pytest.raises(ValueError, match="weight"):
        joint_rank(np.array([0]), np.array([0]), weight)


@pytest.mark.parametrize(
    ("key", "ids", "expected"),
    [
        ([2.0, 1.0, 3.0], ["a", "b", "c"], [1, 0, 2]),
        # equal keys: by id ascending, not by position
        ([1.0, 1.0, 0.0], ["y", "x", "z"], [2, 1, 0]),
    ],
)
def test_order_by_table(key, ids, expected):
    assert order_by(np.array(key), np.array(ids)).tolist() == expected
