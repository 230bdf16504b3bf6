"""The OpenR1-Math-220k adapter (s2r_hf.pools.openr1, SPEC §1): which trace is kept (math-verify first, then
llama), the --openr1-trace policy, canonical rows, ids and bad fields.
"""

from __future__ import annotations

import hashlib

import pytest

from s2r_hf.configs import PoolArguments
from s2r_hf.errors import S2RError
from s2r_hf.pools import load_pool, normalise
from s2r_hf.pools.canonical import problem_id
from s2r_hf.pools.openr1 import openr1
from s2r_hf.synthetic import openr1_features
from tests.unit.pools.rows import (
    REAL_POOLS,
    openr1_ds,
    openr1_row,
    trace,
    without,
)


@pytest.mark.parametrize(
    ("flags", "trace_index", "verified_by", "drop"),
    [
        # first math-verify-true trace, even when llama marks an earlier one correct
        (
            {"correctness_math_verify": [False, True, True], "correctness_llama": [True, True, True]},
            1,
            "math_verify",
            "",
        ),
        ({"correctness_math_verify": [True, True, False]}, 0, "math_verify", ""),
        # no math-verify hit → first llama-true trace
        ({"correctness_math_verify": [False, False, False], "correctness_llama": [False, False, True]}, 2, "llama", ""),
        ({"correctness_math_verify": None, "correctness_llama": [False, True, False]}, 1, "llama", ""),
        # neither → dropped
        ({"correctness_math_verify": [False, False, False], "correctness_llama": [False, False, False]}, -1, "", "no"),
        ({"correctness_math_verify": [False, False, False], "correctness_llama": None}, -1, "", "no"),
        ({"correctness_math_verify": None, "correctness_llama": None}, -1, "", "no"),
        # the chosen trace is incomplete → dropped, even though a later verified trace is complete
        (
            {"correctness_math_verify": [True, True, False], "is_reasoning_complete": [False, True, True]},
            -1,
            "",
            "incomplete",
        ),
        (
            {
                "correctness_math_verify": [False, False, False],
                "correctness_llama": [False, True, True],
                "is_reasoning_complete": [True, False, True],
            },
            -1,
            "",
            "incomplete",
        ),
        # an incomplete trace that is NOT chosen does not matter
        ({"correctness_math_verify": [False, True, False], "is_reasoning_complete": [False, True, False]}, 1, "", ""),
    ],
)
def test_openr1_trace_choice(flags, trace_index, verified_by, drop):
    gens = [trace(7, j) for j in range(3)]
    base = {
        "generations": gens,
        "is_reasoning_complete": [True, True, True],
        "correctness_math_verify": [False, False, False],
        "correctness_llama": [False, False, False],
        "finish_reasons": ["stop"] * 3,
    }
    out = openr1(openr1_row(7, **{**base, **flags}))
    if drop == "no":
        assert out["_drop"] == "no_verified_trace"
    elif drop == "incomplete":
        assert out["_drop"] == "incomplete_reasoning"
        assert "is_reasoning_complete=false" in out["_detail"]
    else:
        assert out["_drop"] == ""
        assert out["trace_index"] == trace_index
        if verified_by:
            assert out["verified_by"] == verified_by
        assert out["response"] == gens[trace_index]
    if drop:
        assert out["response"] == "" and out["messages"] == []
        assert out["id"] == "uuid-7"  # the drop report can still name the row


@pytest.mark.parametrize(
    ("flags", "first_verified", "first_verified_complete"),
    [
        # (trace_index or drop reason, note) under each policy
        # first verified trace incomplete, a later verified one complete: dropped vs kept with the later one
        (
            {"correctness_math_verify": [True, True, False], "is_reasoning_complete": [False, True, True]},
            ("incomplete_reasoning", "later_complete_trace_available"),
            (1, "later_complete_trace_taken"),
        ),
        # the same through llama's verdicts
        (
            {"correctness_llama": [False, True, True], "is_reasoning_complete": [True, False, True]},
            ("incomplete_reasoning", "later_complete_trace_available"),
            (2, "later_complete_trace_taken"),
        ),
        # no verified trace is complete: dropped under both, no note
        (
            {"correctness_math_verify": [True, True, False], "is_reasoning_complete": [False, False, True]},
            ("incomplete_reasoning", ""),
            ("incomplete_reasoning", ""),
        ),
        # the first verified trace is complete: the same row under both
        ({"correctness_math_verify": [False, True, True]}, (1, ""), (1, "")),
        # a complete but unverified trace is never taken
        (
            {"correctness_math_verify": [True, False, False], "is_reasoning_complete": [False, True, True]},
            ("incomplete_reasoning", ""),
            ("incomplete_reasoning", ""),
        ),
    ],
)
def test_openr1_trace_policy(flags, first_verified, first_verified_complete):
    gens = [trace(7, j) for j in range(3)]
    base = {
        "generations": gens,
        "is_reasoning_complete": [True, True, True],
        "correctness_math_verify": [False, False, False],
        "correctness_llama": [False, False, False],
        "finish_reasons": ["stop"] * 3,
    }
    for policy, (expected, note) in (
        ("first-verified", first_verified),
        ("first-verified-complete", first_verified_complete),
    ):
        out = openr1(openr1_row(7, **{**base, **flags}), trace=policy)
        assert out["_note"] == note, policy
        if isinstance(expected, int):
            assert (out["_drop"], out["trace_index"], out["response"]) == ("", expected, gens[expected]), policy
        else:
            assert out["_drop"] == expected, policy
    if first_verified[1]:  # the drop names the trace the other policy would take
        dropped = openr1(openr1_row(7, **{**base, **flags}))
        assert f"trace {first_verified_complete[0]} is verified and complete" in dropped["_detail"]
        assert "--openr1-trace first-verified-complete" in dropped["_detail"]


def test_openr1_trace_policy_counts_in_the_report():
    rows = [
        openr1_row(0),
        openr1_row(1, is_reasoning_complete=[False, True], correctness_math_verify=[True, True]),  # rescuable
        openr1_row(2, is_reasoning_complete=[False, True], correctness_math_verify=[True, False]),  # not rescuable
        openr1_row(3, is_reasoning_complete=[False, True], correctness_llama=[True, True]),  # rescuable
    ]
    rows[3]["correctness_math_verify"] = [False, False]
    out, report = normalise(openr1_ds(rows))
    assert out["id"] == ["uuid-0"]
    assert report.counts == {"incomplete_reasoning": 3}
    assert report.notes == {"later_complete_trace_available": 2}
    out, report = normalise(openr1_ds(rows), openr1_trace="first-verified-complete")
    assert out["id"] == ["uuid-0", "uuid-1", "uuid-3"] and out["trace_index"] == [0, 1, 1]
    assert report.counts == {"incomplete_reasoning": 1}
    assert report.notes == {"later_complete_trace_taken": 2}
    with pytest.raises(S2RError, match="--openr1-trace must be one of first-verified, first-verified-complete"):
        normalise(openr1_ds(rows), openr1_trace="any")


def test_openr1_canonical_row():
    row = openr1_row(3, correctness_math_verify=[False, True])
    out = openr1(row)
    assert out["id"] == "uuid-3"
    assert out["problem"] == "Compute $2 + 3$."
    assert out["response"] == trace(3, 1)
    assert out["answer"] == "5"
    assert out["problem_type"] == "Algebra"
    assert out["source"] == "olympiads"
    assert out["messages"] == [
        {"role": "user", "content": "Compute $2 + 3$."},
        {"role": "assistant", "content": trace(3, 1)},
    ]
    assert out["problem_hash"] == hashlib.sha1(b"Compute $2 + 3$.").hexdigest()[:16]
    assert (out["trace_index"], out["verified_by"], out["_drop"], out["_detail"]) == (1, "math_verify", "", "")


def test_openr1_without_uuid_gets_a_problem_hash_id():
    out = openr1(openr1_row(4, uuid=None))
    assert out["id"] == problem_id("Compute $2 + 4$.") == "sha1-" + hashlib.sha1(b"Compute $2 + 4$.").hexdigest()[:20]


@pytest.mark.parametrize(
    ("row", "detail"),
    [
        (openr1_row(0, problem=None), "field 'problem' is missing"),
        (without(openr1_row(0), "problem"), "field 'problem' is missing"),
        (openr1_row(0, problem=""), "field 'problem' is empty"),
        (openr1_row(0, problem="   \n"), "field 'problem' is empty"),
        (openr1_row(0, problem=123), "field 'problem' is int, not a string"),
        (openr1_row(0, problem=["Compute"]), "field 'problem' is list, not a string"),
        (openr1_row(0, generations=None), "field 'generations' is missing"),
        (without(openr1_row(0), "generations"), "field 'generations' is missing"),
        (openr1_row(0, generations=[]), "field 'generations' is an empty list"),
        (openr1_row(0, generations="<think>one trace</think>"), "field 'generations' is str, not a list"),
        (openr1_row(0, generations=5), "field 'generations' is int, not a list"),
        (openr1_row(0, generations=[None, "x"]), "generations[0] is empty or not a string"),
        (openr1_row(0, generations=["  ", "x"]), "generations[0] is empty or not a string"),
    ],
)
def test_openr1_bad_fields(row, detail):
    out = openr1(row)
    assert out["_drop"] == "bad_field"
    assert out["_detail"] == detail


def test_real_openr1_row_with_null_llama_and_finish_reasons(tmp_path):
    raw = load_pool(PoolArguments(pool=str(REAL_POOLS / "openr1_math_220k.parquet")), tmp_path / "cache")
    assert raw[0]["correctness_llama"] is None and raw[0]["finish_reasons"] is None
    assert raw.features["generations"] == openr1_features()["generations"]
    out, _ = normalise(raw)
    assert (out["id"][0], out["trace_index"][0], out["verified_by"][0]) == (
        "586fd646-76d6-5070-8c81-9993ab9d8559",
        0,
        "math_verify",
    )
    assert out["response"][0] == raw[0]["generations"][0] == raw[0]["messages"][1]["content"]
    assert out["answer"][0] == "v_{R}=4\\mathrm{~}/\\mathrm{},v_{B}=10\\mathrm{~}/\\mathrm{}"
