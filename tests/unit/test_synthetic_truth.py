"""The built-in pool's true difficulty and a run's agreement with it (what the dataset card reports)."""

from __future__ import annotations

import numpy as np
import pytest

from s2r_hf.configs import PoolArguments
from s2r_hf.selection.synthetic_truth import synthetic_agreement, synthetic_truth
from s2r_hf.synthetic.openr1_pool import openr1_rows, trace_pass_rate


def test_truth_names_every_row_of_the_built_in_pool_by_its_uuid():
    truth = synthetic_truth(60)
    rows = list(openr1_rows(60))
    assert list(truth) == [row["uuid"] for row in rows]
    levels = {round(1 - trace_pass_rate(level), 6) for level in range(10)}
    assert {round(v, 6) for v in truth.values()} <= levels and len(set(truth.values())) > 1


def test_agreement_is_one_for_the_truth_near_zero_for_noise_and_absent_elsewhere():
    pool = PoolArguments(pool="s2r:synthetic-openr1", synthetic_rows=400)
    truth = synthetic_truth(400)
    ids = np.array(list(truth), dtype=object)
    exact = np.array([truth[i] for i in ids])  # the truth itself, ties included
    assert synthetic_agreement(pool, ids, exact)["spearman"] == pytest.approx(1.0, abs=1e-3)
    noise = np.random.default_rng(0).random(len(ids))
    record = synthetic_agreement(pool, ids, noise)
    assert abs(record["spearman"]) < 0.15 and record["rows"] == 400 and "template difficulty" in record["truth"]
    reversed_ = synthetic_agreement(pool, ids, -exact)
    assert reversed_["spearman"] == pytest.approx(-1.0, abs=1e-3)
    assert synthetic_agreement(pool, ids, np.full(len(ids), 0.5))["spearman"] == 0.0  # constant scores: no order
    assert synthetic_agreement(pool, ids, None) is None  # no difficulty scored (e.g. --strategy length)
    assert synthetic_agreement(PoolArguments(pool="open-r1/OpenR1-Math-220k"), ids, noise) is None
