"""Pool adapters, the normaliser's drop accounting, and local/Hub loading (s2r_hf.pools, SPEC §1).

Rows are written in the real public schemas (OpenR1-Math-220k, Chinese-DeepSeek-R1-Distill-data-110k,
conversational ``messages``, Alpaca, ShareGPT ``conversations`` pools, LIMO / OpenMathReasoning /
DeepMath-103K, s1K / s1K-1.1); every file is built in ``tmp_path``; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import datasets
import pytest

from s2r_hf.configs import POOL_FORMATS, SYNTHETIC_POOL, PoolArguments
from s2r_hf.errors import S2RError
from s2r_hf.pools import ADAPTERS, DropReport, detect_format, load_pool, normalise
from s2r_hf.pools.adapters import (
    SIGNATURES,
    alpaca,
    chinese_r1,
    conversations,
    messages,
    openr1,
    problem_id,
    problem_solution,
    s1k,
)
from s2r_hf.pools.normalise import KEEP_COLUMNS
from s2r_hf.synthetic import OPENR1_COLUMNS, openr1_features

CHINESE_COLUMNS = (
    "input",
    "content",
    "reasoning_content",
    "repo_name",
    "prompt_tokens_len",
    "content_tokens_len",
    "reasoning_content_tokens_len",
    "score",
)
UNICODE_PROBLEM = "设 $x^2 + \\frac{1}{x} = 3$，求 $\\sqrt[3]{x}$ 的值。 Ünïcödé — ∑_{k=1}^{n} k² ≤ ∞ 🚀\n\t(see §2)"
UNICODE_TRACE = (
    "<think>\nWait — 令 $y = x^{1/3}$ … \\begin{align} a &= b \\\\ c \\end{align}\n</think>\n\n"
    "$\\boxed{\\dfrac{\\pi}{2}}$"
)


def trace(i: int, j: int) -> str:
    return f"<think>\nProblem {i}, trace {j}: 2 + {i} = {2 + i}. Wait, let me check.\n</think>\n\n$\\boxed{{{2 + i}}}$"


def openr1_row(i: int, **overrides) -> dict:
    """One row with every OpenR1-Math-220k column; two traces, the first math-verify-correct and complete."""
    problem = f"Compute $2 + {i}$."
    gens = [trace(i, 0), trace(i, 1)]
    row = {
        "problem": problem,
        "solution": f"$2 + {i} = {2 + i}$.",
        "answer": str(2 + i),
        "problem_type": "Algebra",
        "question_type": "math-word-problem",
        "source": "olympiads",
        "uuid": f"uuid-{i}",
        "is_reasoning_complete": [True, True],
        "generations": gens,
        "correctness_math_verify": [True, False],
        "correctness_llama": [True, True],
        "finish_reasons": ["stop", "stop"],
        "correctness_count": 1,
        "messages": [{"role": "user", "content": problem}, {"role": "assistant", "content": gens[0]}],
    }
    row.update(overrides)
    return row


def openr1_ds(rows: list[dict]) -> datasets.Dataset:
    return datasets.Dataset.from_list(rows, features=openr1_features())


def chinese_row(i: int, **overrides) -> dict:
    row = {
        "input": f"求 {i} 的平方。",
        "content": f"答案是 $\\boxed{{{i * i}}}$。",
        "reasoning_content": f"嗯，{i} 乘以 {i} 等于 {i * i}。",
        "repo_name": "EduChat-Math",
        "prompt_tokens_len": 12,
        "content_tokens_len": 20,
        "reasoning_content_tokens_len": 40,
        "score": 10,
    }
    row.update(overrides)
    return row


def test_row_builders_use_the_real_column_sets():
    assert tuple(openr1_row(0)) == OPENR1_COLUMNS
    assert set(openr1_features()) == set(OPENR1_COLUMNS)
    assert tuple(chinese_row(0)) == CHINESE_COLUMNS


# ---------------------------------------------------------------------------------------- OpenR1 trace choice


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


# ---------------------------------------------------------------------------------------- bad fields (adapter)


def _without(row: dict, key: str) -> dict:
    return {k: v for k, v in row.items() if k != key}


@pytest.mark.parametrize(
    ("row", "detail"),
    [
        (openr1_row(0, problem=None), "field 'problem' is missing"),
        (_without(openr1_row(0), "problem"), "field 'problem' is missing"),
        (openr1_row(0, problem=""), "field 'problem' is empty"),
        (openr1_row(0, problem="   \n"), "field 'problem' is empty"),
        (openr1_row(0, problem=123), "field 'problem' is int, not a string"),
        (openr1_row(0, problem=["Compute"]), "field 'problem' is list, not a string"),
        (openr1_row(0, generations=None), "field 'generations' is missing"),
        (_without(openr1_row(0), "generations"), "field 'generations' is missing"),
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


@pytest.mark.parametrize(
    ("adapter", "row", "detail"),
    [
        (chinese_r1, chinese_row(0, input=None), "field 'input' is missing"),
        (chinese_r1, chinese_row(0, input=42), "field 'input' is int, not a string"),
        (chinese_r1, chinese_row(0, reasoning_content=""), "field 'reasoning_content' is empty"),
        (chinese_r1, _without(chinese_row(0), "content"), "field 'content' is missing"),
        (alpaca, {"instruction": None, "input": "", "output": "x"}, "field 'instruction' is missing"),
        (alpaca, {"instruction": "Add.", "input": "", "output": 3.5}, "field 'output' is float, not a string"),
        (messages, {"messages": None}, "field 'messages' is missing"),
        (messages, {"messages": []}, "field 'messages' is an empty list"),
        (messages, {"messages": "user: hi"}, "field 'messages' is str, not a list"),
        (messages, {"messages": [{"role": "assistant", "content": "x"}]}, "messages has no non-empty user turn"),
        (messages, {"messages": [{"role": "user", "content": "q"}]}, "messages has no non-empty assistant turn"),
        (
            messages,
            {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": None}]},
            "messages has no non-empty assistant turn",
        ),
    ],
)
def test_other_adapters_bad_fields(adapter, row, detail):
    out = adapter(row)
    assert out["_drop"] == "bad_field"
    assert out["_detail"] == detail


# ----------------------------------------------------------------------------------------- other adapters


def test_messages_adapter_first_user_last_assistant():
    row = {
        "id": "conv-1",
        "messages": [
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "What is 1+1?"},
            {"role": "assistant", "content": "3"},
            {"role": "user", "content": "Are you sure?"},
            {"role": "assistant", "content": "<think>\nWait.\n</think>\n\n2"},
        ],
        "source": "chat",
    }
    out = messages(row)
    assert (out["id"], out["problem"], out["response"], out["source"]) == (
        "conv-1",
        "What is 1+1?",
        "<think>\nWait.\n</think>\n\n2",
        "chat",
    )
    assert out["messages"] == [
        {"role": "user", "content": "What is 1+1?"},
        {"role": "assistant", "content": "<think>\nWait.\n</think>\n\n2"},
    ]
    assert messages({"messages": row["messages"]})["id"] == problem_id("What is 1+1?")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"instruction": "Add the numbers.", "input": "2 and 3", "output": "5"}, "Add the numbers.\n\n2 and 3"),
        ({"instruction": "Add 2 and 3.", "input": "", "output": "5"}, "Add 2 and 3."),
        ({"instruction": "Add 2 and 3.", "output": "5"}, "Add 2 and 3."),
    ],
)
def test_alpaca_adapter(row, problem):
    out = alpaca(row)
    assert out["_drop"] == ""
    assert (out["problem"], out["response"], out["id"]) == (problem, "5", problem_id(problem))


def test_chinese_r1_adapter():
    row = chinese_row(3, reasoning_content="  嗯，3 乘以 3 等于 9。\n", content="\n答案是 $\\boxed{9}$。 ")
    out = chinese_r1(row)
    assert out["_drop"] == ""
    assert out["problem"] == "求 3 的平方。"
    assert out["response"] == "<think>\n嗯，3 乘以 3 等于 9。\n</think>\n\n答案是 $\\boxed{9}$。"
    assert out["problem_type"] == "EduChat-Math"
    assert out["id"] == problem_id("求 3 的平方。")


# ------------------------------------------------------------------------------------------------ detect_format


@pytest.mark.parametrize(
    ("columns", "name"),
    [
        (list(OPENR1_COLUMNS), "openr1"),  # has `messages` too, but OpenR1 wins
        (list(CHINESE_COLUMNS), "chinese_r1"),
        (["instruction", "input", "output"], "alpaca"),
        (["instruction", "output", "messages"], "alpaca"),
        (["messages"], "messages"),
        (["id", "messages", "source"], "messages"),
        (["problem", "generations"], "openr1"),
        (["prompt", "completion"], "prompt_completion"),
        (["question", "prompt", "completion", "solution"], "prompt_completion"),
    ],
)
def test_detect_format(columns, name):
    assert detect_format(columns) == name


@pytest.mark.parametrize("columns", [["prompt", "response"], ["problem", "solution"], []])
def test_detect_format_error_lists_the_formats(columns):
    with pytest.raises(S2RError) as err:
        detect_format(columns)
    msg = str(err.value)
    assert "--pool-format" in msg
    for name in ADAPTERS:
        assert name in msg
    assert "openr1: generations, problem" in msg and "alpaca: instruction, output" in msg


# -------------------------------------------------------------------------------------------------- normalise


def mixed_openr1_rows() -> list[dict]:
    return [
        openr1_row(0),  # 0 kept (math_verify, trace 0)
        openr1_row(1, correctness_math_verify=[False, False], correctness_llama=[False, True]),  # 1 kept (llama)
        openr1_row(2, correctness_math_verify=[False, False], correctness_llama=[False, False]),  # 2 no verified
        openr1_row(3, is_reasoning_complete=[False, True]),  # 3 incomplete
        openr1_row(4, problem=None),  # 4 bad: missing
        openr1_row(5, problem=""),  # 5 bad: empty
        openr1_row(6, generations=None),  # 6 bad: generations missing
        openr1_row(7, problem="Another problem", uuid="uuid-0"),  # 7 duplicate of row 0's id
        openr1_row(8, generations=[]),  # 8 bad: empty list
    ]


def test_normalise_counts_every_drop():
    out, report = normalise(openr1_ds(mixed_openr1_rows()))
    assert isinstance(report, DropReport)
    assert out.column_names == KEEP_COLUMNS
    assert out["id"] == ["uuid-0", "uuid-1"]
    assert out["verified_by"] == ["math_verify", "llama"]
    assert out["trace_index"] == [0, 1]
    assert out["pool_row"] == [0, 1]
    assert out["response"] == [trace(0, 0), trace(1, 1)]
    assert (report.rows_in, report.rows_kept) == (9, 2)
    assert report.counts == {"bad_field": 4, "incomplete_reasoning": 1, "no_verified_trace": 1, "duplicate_id": 1}
    by_row = {d["row"]: d for d in report.dropped}
    assert sorted(by_row) == [2, 3, 4, 5, 6, 7, 8]
    assert (by_row[2]["id"], by_row[2]["reason"]) == ("uuid-2", "no_verified_trace")
    assert (by_row[3]["id"], by_row[3]["reason"]) == ("uuid-3", "incomplete_reasoning")
    assert by_row[4] == {"row": 4, "id": "uuid-4", "reason": "bad_field", "detail": "field 'problem' is missing"}
    assert by_row[5]["detail"] == "field 'problem' is empty"
    assert (by_row[6]["id"], by_row[6]["detail"]) == ("uuid-6", "field 'generations' is missing")
    assert (by_row[7]["id"], by_row[7]["reason"]) == ("uuid-0", "duplicate_id")
    assert by_row[8]["detail"] == "field 'generations' is an empty list"
    assert sum(report.counts.values()) == report.rows_in - report.rows_kept


def test_on_bad_row_error_names_the_row_and_field():
    with pytest.raises(S2RError, match=r"pool row 4 \(id uuid-4\): field 'problem' is missing.*--on-bad-row skip"):
        normalise(openr1_ds(mixed_openr1_rows()), on_bad_row="error")


def test_on_bad_row_error_ignores_rows_that_are_dropped_by_design():
    rows = [openr1_row(0), openr1_row(1, correctness_math_verify=[False, False], correctness_llama=[False, False])]
    out, report = normalise(openr1_ds(rows), on_bad_row="error")
    assert out["id"] == ["uuid-0"]
    assert report.counts == {"no_verified_trace": 1}


def test_non_string_problem_column():
    rows = [openr1_row(0, problem=123), openr1_row(1, problem=456)]
    ds = datasets.Dataset.from_list(rows)  # problem is an int64 column
    with pytest.raises(S2RError, match=r"pool row 0 \(id uuid-0\): field 'problem' is int, not a string"):
        normalise(ds, pool_format="openr1", on_bad_row="error")
    with pytest.raises(S2RError, match=r"empty after normalising .*'bad_field': 2.*--pool-format"):
        normalise(ds, pool_format="openr1", on_bad_row="skip")


def test_missing_column_with_explicit_format():
    ds = datasets.Dataset.from_list([_without(openr1_row(i), "generations") for i in range(2)])
    with pytest.raises(S2RError, match=r"pool row 0 \(id uuid-0\): field 'generations' is missing"):
        normalise(ds, pool_format="openr1", on_bad_row="error")


def test_duplicate_ids_keep_the_first_valid_row():
    rows = [
        openr1_row(0, correctness_math_verify=[False, False], correctness_llama=[False, False]),  # dropped: no trace
        openr1_row(1, uuid="uuid-0", problem="Second"),  # first valid "uuid-0": kept
        openr1_row(2, uuid="uuid-0", problem="Third"),  # duplicate
        openr1_row(3),
        openr1_row(4, uuid="uuid-3", problem="Fifth"),  # duplicate
    ]
    out, report = normalise(openr1_ds(rows))
    assert list(zip(out["id"], out["problem"], strict=True)) == [("uuid-0", "Second"), ("uuid-3", "Compute $2 + 3$.")]
    assert out["pool_row"] == [1, 3]  # positions in the raw pool
    assert report.counts["duplicate_id"] == 2
    assert sorted(d["row"] for d in report.dropped if d["reason"] == "duplicate_id") == [2, 4]


def test_distinct_problems_sharing_an_id_are_a_warning(caplog):
    rows = [
        openr1_row(0),
        openr1_row(1, uuid="uuid-0", problem="A different problem"),  # same id, other problem: a conflict
        openr1_row(2, uuid="uuid-0", problem="Compute $2 + 0$."),  # same id, same problem: a plain duplicate
        openr1_row(3, uuid="uuid-x"),
        openr1_row(4, uuid="uuid-x", problem="Yet another"),  # conflict
    ]
    with caplog.at_level("INFO", logger="s2r_hf.pools.normalise"):
        out, report = normalise(openr1_ds(rows))
    assert out["id"] == ["uuid-0", "uuid-x"]
    assert report.counts["duplicate_id"] == 3 and report.id_conflicts == 2
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "2 pool row(s) share an id" in warnings[0].getMessage()
    assert "'uuid-0', rows 0 and 1" in warnings[0].getMessage()
    detail = {d["row"]: d["detail"] for d in report.dropped}
    assert "DIFFERENT problem" in detail[1] and "DIFFERENT problem" in detail[4]
    assert detail[2] == "id seen in row 0"


def test_plain_duplicates_are_not_a_warning(caplog):
    with caplog.at_level("INFO", logger="s2r_hf.pools.normalise"):
        _, report = normalise(openr1_ds([openr1_row(0), openr1_row(0)]))
    assert report.counts == {"duplicate_id": 1} and report.id_conflicts == 0
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_duplicate_problems_without_ids_share_a_hash_id():
    rows = [{"instruction": "Same.", "output": "a"}, {"instruction": "Same.", "output": "b"}]
    out, report = normalise(datasets.Dataset.from_list(rows))
    assert out["response"] == ["a"]
    assert report.counts == {"duplicate_id": 1}


def test_unicode_and_latex_survive_unchanged(tmp_path: Path):
    rows = [openr1_row(0, problem=UNICODE_PROBLEM, generations=[UNICODE_TRACE, "x"])]
    path = tmp_path / "pool.jsonl"
    openr1_ds(rows).to_json(str(path), force_ascii=False)
    out, _ = normalise(load_pool(PoolArguments(pool=str(path)), tmp_path / "cache"))
    assert out["problem"] == [UNICODE_PROBLEM]
    assert out["response"] == [UNICODE_TRACE]
    assert out["messages"][0] == [
        {"role": "user", "content": UNICODE_PROBLEM},
        {"role": "assistant", "content": UNICODE_TRACE},
    ]


@pytest.mark.parametrize(
    ("rows", "fmt", "expected_problems"),
    [
        ([chinese_row(1), chinese_row(2, input=None)], "auto", ["求 1 的平方。"]),
        (
            [
                {"messages": [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "A1"}], "id": "m1"},
                {"messages": [{"role": "user", "content": "Q2"}], "id": "m2"},
            ],
            "auto",
            ["Q1"],
        ),
        (
            [{"instruction": "I1", "input": "", "output": "O1"}, {"instruction": "", "input": "", "output": "O2"}],
            "alpaca",
            ["I1"],
        ),
    ],
)
def test_normalise_other_formats(rows, fmt, expected_problems):
    out, report = normalise(datasets.Dataset.from_list(rows), pool_format=fmt)
    assert out["problem"] == expected_problems
    assert report.counts == {"bad_field": 1}
    assert report.dropped[0]["row"] == 1


def test_unknown_pool_format():
    with pytest.raises(S2RError, match=r"unknown --pool-format 'sharegpt'.*openr1, messages, alpaca, chinese_r1"):
        normalise(openr1_ds([openr1_row(0)]), pool_format="sharegpt")


def test_wrong_explicit_format_empties_the_pool():
    with pytest.raises(S2RError, match=r"empty after normalising.*check --pool-format"):
        normalise(openr1_ds([openr1_row(0)]), pool_format="alpaca")


# ---------------------------------------------------------------------------------------------------- loading


@pytest.fixture
def pool_rows() -> list[dict]:
    return [openr1_row(i) for i in range(6)]


def _load(pool: str | Path, tmp_path: Path, **kw) -> datasets.Dataset:
    return load_pool(PoolArguments(pool=str(pool), **kw), tmp_path / "cache")


def test_load_pool_jsonl_file(tmp_path, pool_rows):
    path = tmp_path / "pool.jsonl"
    openr1_ds(pool_rows).to_json(str(path))
    ds = _load(path, tmp_path)
    assert ds["uuid"] == [f"uuid-{i}" for i in range(6)]
    assert set(ds.column_names) == set(OPENR1_COLUMNS)


def test_load_pool_parquet_file(tmp_path, pool_rows):
    path = tmp_path / "pool.parquet"
    openr1_ds(pool_rows).to_parquet(str(path))
    ds = _load(path, tmp_path)
    assert ds["uuid"] == [f"uuid-{i}" for i in range(6)]
    assert ds.features["generations"] == openr1_features()["generations"]


def test_load_pool_folder_of_jsonl_files(tmp_path, pool_rows):
    folder = tmp_path / "pool"
    folder.mkdir()
    openr1_ds(pool_rows[:4]).to_json(str(folder / "part-0.jsonl"))
    openr1_ds(pool_rows[4:]).to_json(str(folder / "part-1.jsonl"))
    ds = _load(folder, tmp_path)
    assert sorted(ds["uuid"]) == [f"uuid-{i}" for i in range(6)]
    out, report = normalise(ds)
    assert report.rows_kept == 6 and len(out) == 6


def test_load_pool_save_to_disk_folder(tmp_path, pool_rows):
    openr1_ds(pool_rows).save_to_disk(str(tmp_path / "saved"))
    assert _load(tmp_path / "saved", tmp_path)["uuid"] == [f"uuid-{i}" for i in range(6)]


def test_load_pool_save_to_disk_dataset_dict(tmp_path, pool_rows):
    dd = datasets.DatasetDict({"train": openr1_ds(pool_rows), "extended": openr1_ds(pool_rows[:2])})
    dd.save_to_disk(str(tmp_path / "dict"))
    assert len(_load(tmp_path / "dict", tmp_path)) == 6
    assert len(_load(tmp_path / "dict", tmp_path, pool_split="extended")) == 2
    with pytest.raises(S2RError, match=r"no split 'default'; choose --pool-split from train, extended"):
        _load(tmp_path / "dict", tmp_path, pool_split="default")


@pytest.mark.parametrize(("max_rows", "expected"), [(1, 1), (4, 4), (6, 6), (100, 6)])
def test_load_pool_max_rows(tmp_path, pool_rows, max_rows, expected):
    path = tmp_path / "pool.parquet"
    openr1_ds(pool_rows).to_parquet(str(path))
    ds = _load(path, tmp_path, max_rows=max_rows)
    assert ds["uuid"] == [f"uuid-{i}" for i in range(expected)]  # the FIRST rows


def test_load_pool_unknown_file_type(tmp_path):
    path = tmp_path / "pool.txt"
    path.write_text("hello")
    with pytest.raises(S2RError, match=r"unknown type.*\.parquet"):
        _load(path, tmp_path)


def test_load_pool_folder_without_data(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("nothing here")
    with pytest.raises(S2RError, match="holds no"):
        _load(tmp_path / "empty", tmp_path)


def test_load_pool_synthetic(tmp_path):
    ds = _load(SYNTHETIC_POOL, tmp_path, synthetic_rows=12)
    assert len(ds) == 12 and set(ds.column_names) == set(OPENR1_COLUMNS)


def test_load_pool_unknown_builtin(tmp_path):
    with pytest.raises(S2RError, match=rf"unknown built-in pool 's2r:nope'.*{SYNTHETIC_POOL}"):
        _load("s2r:nope", tmp_path)


@pytest.mark.parametrize("pool", ["open-r1/OpenR1-Math-220k", "no-such-user/no-such-pool"])
def test_load_pool_hub_offline_is_a_clear_error(tmp_path, pool):
    with pytest.raises(S2RError) as err:
        _load(pool, tmp_path)
    msg = str(err.value)
    assert f"could not load pool {pool!r}" in msg
    assert "local path" in msg
    assert "\n" not in msg  # one line for the CLI


# ======================================================================= public long-CoT schemas (new adapters)
# Column sets as published (dataset cards / viewer): Bespoke-Stratos-17k and OpenThoughts-114k (default config)
# are `system` + `conversations`; OpenThoughts3-1.2M is `difficulty, source, domain, conversations` with
# human/gpt turns; Light-R1-SFTData rows are `conversations` only; OpenMathReasoning has no `train` split
# (cot/tir/genselect/additional_problems).

STRATOS_COLUMNS = ("system", "conversations")
OPENTHOUGHTS3_COLUMNS = ("difficulty", "source", "domain", "conversations")
LIGHT_R1_COLUMNS = ("conversations",)
OPENTHOUGHTS_MATH_COLUMNS = (
    "source",
    "problem",
    "solution",
    "messages",
    "system",
    "conversations",
    "generated_token_count",
    "correct",
)
LIMO_COLUMNS = ("question", "solution", "answer")
OPENMATHREASONING_COLUMNS = (
    "expected_answer",
    "problem_type",
    "problem_source",
    "generation_model",
    "pass_rate_72b_tir",
    "problem",
    "generated_solution",
    "inference_mode",
    "used_in_kaggle",
)
DEEPMATH_COLUMNS = (
    "question",
    "final_answer",
    "difficulty",
    "topic",
    "r1_solution_1",
    "r1_solution_2",
    "r1_solution_3",
)
S1K_COLUMNS = (
    "solution",
    "question",
    "cot_type",
    "source_type",
    "metadata",
    "cot",
    "thinking_trajectories",
    "attempt",
)
S1K_11_COLUMNS = (
    "solution",
    "question",
    "cot_type",
    "source_type",
    "metadata",
    "gemini_thinking_trajectory",
    "gemini_attempt",
    "deepseek_thinking_trajectory",
    "deepseek_attempt",
    "gemini_grade",
    "gemini_grade_reason",
    "deepseek_grade",
    "deepseek_grade_reason",
)
STRATOS_SYSTEM = (
    "Your role as an assistant involves thoroughly exploring questions through a systematic long thinking process "
    "before providing the final precise and accurate solutions. … Now, try to solve the following question "
    "through the above guidelines:"
)
STRATOS_PROBLEM = (
    "Return your final response within \\boxed{}. Find all real $x$ such that $\\sqrt{x+3} = x - 3$ — "
    "i.e. $x \\in \\mathbb{R}$, $x ≥ 3$."
)
STRATOS_RESPONSE = (
    "<|begin_of_thought|>\n\nOkay, so I need to solve √(x+3) = x − 3. Squaring: $x + 3 = x^2 - 6x + 9$ …\n\n"
    "<|end_of_thought|>\n\n<|begin_of_solution|>\n\nThe only solution is $\\boxed{6}$.\n\n<|end_of_solution|>"
)


def stratos_row(i: int, **overrides) -> dict:
    """Bespoke-Stratos-17k / OpenThoughts-114k (default config): `system` + user/assistant `conversations`."""
    row = {
        "system": STRATOS_SYSTEM,
        "conversations": [
            {"from": "user", "value": f"{STRATOS_PROBLEM} (#{i})"},
            {"from": "assistant", "value": STRATOS_RESPONSE},
        ],
    }
    row.update(overrides)
    return row


def openthoughts3_row(i: int, **overrides) -> dict:
    row = {
        "difficulty": 7,
        "source": "ai2-adapt-dev/openmath-2-math",
        "domain": "math",
        "conversations": [
            {"from": "human", "value": f"Let $f(n) = n^2 + {i}$. Compute $\\gcd(f(1), f(2))$ — ∀ n ∈ ℕ."},
            {
                "from": "gpt",
                "value": f"<think>\nHmm, f(1) = {1 + i}, f(2) = {4 + i} … wait.\n</think>\n\n$\\boxed{{1}}$",
            },
        ],
    }
    row.update(overrides)
    return row


def light_r1_row(i: int, **overrides) -> dict:
    row = {
        "conversations": [
            {
                "from": "user",
                "value": f"Find all primes $p$ with $2p^2 + p + {9 + i} = m^2$ for some $m ∈ \\mathbb{{Z}}$.",
            },
            {"from": "assistant", "value": "<think>\nOkay, so p = 5 gives 64 = 8² …\n</think>\n\n$p = \\boxed{5}$"},
        ]
    }
    row.update(overrides)
    return row


def limo_row(i: int, **overrides) -> dict:
    row = {
        "question": f"Find the remainder when $\\sum_{{k=1}}^{{{100 + i}}} k^3$ is divided by $1000$.",
        "solution": "Okay, so I need to find the remainder … Wait, let me double-check: $(n(n+1)/2)^2$ …\n\n"
        "**Final Answer**\n\\boxed{25}",
        "answer": "25",
    }
    row.update(overrides)
    return row


def omr_row(i: int, solution: int = 0, **overrides) -> dict:
    """nvidia/OpenMathReasoning (`cot` split); several solutions per problem, no id column."""
    row = {
        "expected_answer": "\\dfrac{\\pi}{4}",
        "problem_type": "has_answer_extracted",
        "problem_source": "aops_c7_college_math",
        "generation_model": "DeepSeek-R1",
        "pass_rate_72b_tir": "0.5625",
        "problem": f"Evaluate $\\int_0^1 \\frac{{dx}}{{1+x^2}}$ (variant {i}).",
        "generated_solution": f"<think>\nThe antiderivative is $\\arctan x$ … (solution {solution})\n</think>\n"
        "$\\boxed{\\dfrac{\\pi}{4}}$",
        "inference_mode": "cot",
        "used_in_kaggle": True,
    }
    row.update(overrides)
    return row


def deepmath_row(i: int, **overrides) -> dict:
    row = {
        "question": f"Determine $\\lim_{{n\\to\\infty}} (1 + {i + 1}/n)^n$.",
        "final_answer": f"e^{{{i + 1}}}",
        "difficulty": 4.5,
        "topic": "Mathematics -> Precalculus -> Limits",
        "r1_solution_1": "Okay, so I need to find this limit … \n</think>\n\n**Final Answer**\n$\\boxed{e^{2}}$",
        "r1_solution_2": "Alternatively …",
        "r1_solution_3": "Hmm …",
    }
    row.update(overrides)
    return row


def s1k_row(i: int, **overrides) -> dict:
    """simplescaling/s1K: `thinking_trajectories` is a list of strings (one Gemini trace)."""
    row = {
        "solution": "128",
        "question": f"Given a rational number, write it as a fraction in lowest terms … (#{i}) $20!$ …",
        "cot_type": "math",
        "source_type": "qq8933/AIME_1983_2024",
        "metadata": "{'ID': '1991-5', 'Year': 1991, 'Problem Number': 5, 'Part': None}",
        "cot": None,
        "thinking_trajectories": ["Let's think about this … $20! = 2^{18} \\cdot 3^8 \\cdots$ so 8 primes, $2^7$."],
        "attempt": "The number of such rationals is $2^{8-1} = \\boxed{128}$.",
    }
    row.update(overrides)
    return row


def s1k_11_row(i: int, **overrides) -> dict:
    """simplescaling/s1K-1.1: the s1K Gemini columns plus DeepSeek-R1 trace, attempt and grades."""
    row = {
        "solution": "1. **Rewrite the function** … $f(x) ≤ 1$ … $\\blacksquare$",
        "question": f"Let $a,b,A,B$ be given reals and $f(x) = 1 - a\\cos x - b\\sin x$ (#{i}). Prove $a^2+b^2 ≤ 2$.",
        "cot_type": "math",
        "source_type": "AI-MO/NuminaMath-CoT/aops_forum",
        "metadata": "{'source': 'aops_forum', 'messages': [...]}",
        "gemini_thinking_trajectory": "Let's analyze … (Gemini)",
        "gemini_attempt": "Gemini's proof.",
        "deepseek_thinking_trajectory": "\nOkay, so I need to prove that … Wait, 等一下 — let me check $x = π/4$.\n",
        "deepseek_attempt": "\n**Proof.** By averaging $f(x) + f(x + π) ≥ 0$ … $\\boxed{a^2 + b^2 \\le 2}$ ∎ ",
        "gemini_grade": "No",
        "gemini_grade_reason": "…",
        "deepseek_grade": "Yes",
        "deepseek_grade_reason": "…",
    }
    row.update(overrides)
    return row


def test_new_row_builders_use_the_real_column_sets():
    assert tuple(stratos_row(0)) == STRATOS_COLUMNS
    assert tuple(openthoughts3_row(0)) == OPENTHOUGHTS3_COLUMNS
    assert tuple(light_r1_row(0)) == LIGHT_R1_COLUMNS
    assert tuple(limo_row(0)) == LIMO_COLUMNS
    assert tuple(omr_row(0)) == OPENMATHREASONING_COLUMNS
    assert tuple(deepmath_row(0)) == DEEPMATH_COLUMNS
    assert tuple(s1k_row(0)) == S1K_COLUMNS
    assert tuple(s1k_11_row(0)) == S1K_11_COLUMNS


def test_every_format_is_an_option_and_every_signature_an_adapter():
    assert ("auto", *ADAPTERS) == POOL_FORMATS
    assert {name for name, _ in SIGNATURES} == set(ADAPTERS)


# ---------------------------------------------------------------------------------- detection of the new schemas


@pytest.mark.parametrize(
    ("columns", "name"),
    [
        (list(STRATOS_COLUMNS), "conversations"),
        (list(OPENTHOUGHTS3_COLUMNS), "conversations"),
        (list(LIGHT_R1_COLUMNS), "conversations"),
        # the R1 `conversations`, not the short NuminaMath `messages`
        (list(OPENTHOUGHTS_MATH_COLUMNS), "conversations"),
        (list(LIMO_COLUMNS), "problem_solution"),
        (list(OPENMATHREASONING_COLUMNS), "problem_solution"),
        (list(DEEPMATH_COLUMNS), "problem_solution"),
        (list(S1K_COLUMNS), "s1k"),  # has `question` + `solution` too, but no `answer`
        (list(S1K_11_COLUMNS), "s1k"),
        ([*S1K_COLUMNS, "answer"], "s1k"),  # s1K first even if a copy adds an answer column
        # the existing formats are unchanged
        (list(OPENR1_COLUMNS), "openr1"),  # has problem, solution, answer and messages too
        ([*OPENR1_COLUMNS, "generated_solution", "conversations"], "openr1"),
        (list(CHINESE_COLUMNS), "chinese_r1"),
        (["source", "problem", "solution", "messages"], "messages"),  # NuminaMath-CoT
        (["messages", "question", "solution"], "messages"),
    ],
)
def test_detect_format_real_long_cot_schemas(columns, name):
    assert detect_format(columns) == name


@pytest.mark.parametrize("columns", [["question", "solution"], ["problem", "solution", "level", "type"]])
def test_detect_format_short_reference_solutions_stay_undetected(columns):
    """MATH-style `problem`/`solution` pools hold short reference solutions, not traces: pass --pool-format."""
    with pytest.raises(S2RError, match="--pool-format"):
        detect_format(columns)


# ------------------------------------------------------------------------------------------ conversations


def test_conversations_adapter_stratos_row():
    out = conversations(stratos_row(3))
    assert out["_drop"] == ""
    assert out["problem"] == f"{STRATOS_PROBLEM} (#3)"  # the system column is not part of the problem
    assert out["response"] == STRATOS_RESPONSE  # reasoning markers kept verbatim
    assert out["id"] == problem_id(f"{STRATOS_PROBLEM} (#3)")
    assert out["messages"] == [
        {"role": "user", "content": f"{STRATOS_PROBLEM} (#3)"},
        {"role": "assistant", "content": STRATOS_RESPONSE},
    ]
    assert (out["answer"], out["problem_type"], out["source"], out["trace_index"]) == ("", "", "", -1)


def test_conversations_adapter_human_gpt_roles_and_metadata():
    row = openthoughts3_row(2)
    out = conversations(row)
    assert out["problem"] == row["conversations"][0]["value"]
    assert out["response"] == row["conversations"][1]["value"]
    assert (out["problem_type"], out["source"]) == ("math", "ai2-adapt-dev/openmath-2-math")
    assert conversations(light_r1_row(0))["response"].startswith("<think>\nOkay, so p = 5")


def test_conversations_adapter_skips_system_unknown_and_malformed_turns():
    row = {
        "id": 17,
        "system": "You are helpful.",
        "conversations": [
            {"from": "system", "value": "Think step by step."},
            "not a turn",
            {"from": "tool", "value": "ignored"},
            {"from": "Human", "value": "Compute $\\binom{5}{2}$."},
            {"from": "gpt", "value": "<think>\n5·4/2\n</think>\n\n10"},
            {"from": "human", "value": "And $\\binom{6}{2}$?"},
            {"from": None, "value": "no role"},
            {"from": "gpt", "value": "<think>\n6·5/2\n</think>\n\n15"},
        ],
    }
    out = conversations(row)
    assert (out["id"], out["problem"], out["response"]) == (
        "17",
        "Compute $\\binom{5}{2}$.",
        "<think>\n6·5/2\n</think>\n\n15",
    )


@pytest.mark.parametrize("adapter", [conversations, messages])
def test_from_value_messages_column(adapter):
    """A `messages` column in ShareGPT keys: the messages adapter (auto-detected) and conversations both read it."""
    row = {"messages": [{"from": "human", "value": "Q ∑"}, {"from": "gpt", "value": "<think>x</think> A"}]}
    out = adapter(row)
    assert (out["_drop"], out["problem"], out["response"]) == ("", "Q ∑", "<think>x</think> A")


def test_conversations_column_wins_over_messages_even_when_null():
    row = {"conversations": None, "messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]}
    out = conversations(row)
    assert (out["_drop"], out["_detail"]) == ("bad_field", "field 'conversations' is missing")


@pytest.mark.parametrize(
    ("row", "detail"),
    [
        (stratos_row(0, conversations=None), "field 'conversations' is missing"),
        ({"system": STRATOS_SYSTEM}, "field 'conversations' is missing"),
        (stratos_row(0, conversations=[]), "field 'conversations' is an empty list"),
        (stratos_row(0, conversations='[{"from": "user"}]'), "field 'conversations' is str, not a list"),
        (stratos_row(0, conversations={"from": "user", "value": "x"}), "field 'conversations' is dict, not a list"),
        (
            stratos_row(0, conversations=[{"from": "system", "value": "s"}, {"from": "assistant", "value": "a"}]),
            "conversations has no non-empty user turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": 42}, {"from": "assistant", "value": "a"}]),
            "conversations has no non-empty user turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": "  "}, {"from": "assistant", "value": "a"}]),
            "conversations has no non-empty user turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": "q"}]),
            "conversations has no non-empty assistant turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": "q"}, {"from": "gpt", "value": None}]),
            "conversations has no non-empty assistant turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": "q"}, {"from": "bot", "value": "a"}]),
            "conversations has no non-empty assistant turn",
        ),
    ],
)
def test_conversations_bad_fields(row, detail):
    out = conversations(row)
    assert out["_drop"] == "bad_field"
    assert out["_detail"] == detail
    assert out["response"] == "" and out["messages"] == []


# --------------------------------------------------------------------------------------- problem_solution


def test_problem_solution_limo():
    row = limo_row(1)
    out = problem_solution(row)
    assert out["_drop"] == ""
    assert (out["problem"], out["response"], out["answer"]) == (row["question"], row["solution"], "25")
    assert out["id"] == problem_id(row["question"])


def test_problem_solution_openmathreasoning():
    row = omr_row(2, solution=1)
    out = problem_solution(row)
    assert (out["problem"], out["response"]) == (row["problem"], row["generated_solution"])
    assert (out["answer"], out["problem_type"], out["source"]) == (
        "\\dfrac{\\pi}{4}",
        "has_answer_extracted",
        "aops_c7_college_math",
    )


def test_problem_solution_deepmath():
    row = deepmath_row(1)
    out = problem_solution(row)
    assert (out["problem"], out["response"], out["answer"]) == (row["question"], row["r1_solution_1"], "e^{2}")
    assert out["problem_type"] == "Mathematics -> Precalculus -> Limits"


def test_problem_solution_prefers_the_trace_over_a_reference_solution():
    row = omr_row(0, solution="short reference", id="omr-0")  # a derived pool with both columns and an id
    out = problem_solution(row)
    assert (out["id"], out["response"]) == ("omr-0", row["generated_solution"])
    # the choice is per column, not per row: an empty trace drops the row, it never falls back to `solution`
    out = problem_solution({**row, "generated_solution": None})
    assert (out["_drop"], out["_detail"], out["id"]) == ("bad_field", "field 'generated_solution' is missing", "omr-0")


@pytest.mark.parametrize(
    ("row", "detail"),
    [
        (limo_row(0, question=None), "field 'question' is missing"),
        (limo_row(0, question=""), "field 'question' is empty"),
        (limo_row(0, question=12), "field 'question' is int, not a string"),
        (limo_row(0, solution=None), "field 'solution' is missing"),
        (limo_row(0, solution=" \n"), "field 'solution' is empty"),
        (limo_row(0, solution=["step 1"]), "field 'solution' is list, not a string"),
        (omr_row(0, problem=None), "field 'problem' is missing"),
        (omr_row(0, generated_solution=""), "field 'generated_solution' is empty"),
        ({"prompt": "Q", "solution": "A"}, "no problem field: none of 'problem', 'question'"),
        (
            {"problem": "Q", "answer": "4"},
            "no solution field: none of 'generated_solution', 'r1_solution_1', 'solution'",
        ),
    ],
)
def test_problem_solution_bad_fields(row, detail):
    out = problem_solution(row)
    assert out["_drop"] == "bad_field"
    assert out["_detail"] == detail


def test_problem_solution_answer_may_be_missing_or_not_a_string():
    assert problem_solution(limo_row(0, answer=None))["answer"] == ""
    assert problem_solution(limo_row(0, answer=25))["answer"] == "25"
    assert problem_solution(omr_row(0, expected_answer=None))["_drop"] == ""


def test_openmathreasoning_keeps_one_solution_per_problem():
    rows = [omr_row(0, 0), omr_row(0, 1), omr_row(1, 0), omr_row(0, 2)]
    out, report = normalise(datasets.Dataset.from_list(rows))
    assert out["problem"] == [rows[0]["problem"], rows[2]["problem"]]
    assert out["response"] == [rows[0]["generated_solution"], rows[2]["generated_solution"]]
    assert report.counts == {"duplicate_id": 2}


# -------------------------------------------------------------------------------------------------------- s1k


def test_s1k_adapter_list_trajectory():
    row = s1k_row(0)
    out = s1k(row)
    assert out["_drop"] == ""
    assert out["problem"] == row["question"]
    assert out["response"] == (
        f"<think>\n{row['thinking_trajectories'][0]}\n</think>\n\nThe number of such rationals is "
        "$2^{8-1} = \\boxed{128}$."
    )
    assert (out["problem_type"], out["source"], out["answer"]) == ("math", "qq8933/AIME_1983_2024", "")
    assert out["id"] == problem_id(row["question"])


def test_s1k_11_uses_the_deepseek_trace():
    row = s1k_11_row(0)
    out = s1k(row)
    assert out["response"] == (
        "<think>\nOkay, so I need to prove that … Wait, 等一下 — let me check $x = π/4$.\n</think>\n\n"
        "**Proof.** By averaging $f(x) + f(x + π) ≥ 0$ … $\\boxed{a^2 + b^2 \\le 2}$ ∎"
    )
    assert "Gemini" not in out["response"]
    assert out["source"] == "AI-MO/NuminaMath-CoT/aops_forum"


def test_s1k_list_of_several_trajectories_is_joined():
    out = s1k(s1k_row(0, thinking_trajectories=["Step 1.", "Step 2."]))
    assert out["response"].startswith("<think>\nStep 1.\nStep 2.\n</think>\n\n")


@pytest.mark.parametrize(
    ("row", "detail"),
    [
        (s1k_row(0, question=None), "field 'question' is missing"),
        (s1k_row(0, question=["Q"]), "field 'question' is list, not a string"),
        (s1k_row(0, thinking_trajectories=None), "field 'thinking_trajectories' is missing"),
        (s1k_row(0, thinking_trajectories=[]), "field 'thinking_trajectories' is an empty list"),
        (s1k_row(0, thinking_trajectories=[""]), "field 'thinking_trajectories' is empty"),
        (s1k_row(0, thinking_trajectories=["ok", None]), "thinking_trajectories[1] is NoneType, not a string"),
        (s1k_row(0, thinking_trajectories=3), "field 'thinking_trajectories' is int, not a string or list"),
        (s1k_row(0, attempt=None), "field 'attempt' is missing"),
        (s1k_row(0, attempt="  "), "field 'attempt' is empty"),
        (s1k_11_row(0, deepseek_thinking_trajectory=None), "field 'deepseek_thinking_trajectory' is missing"),
        (s1k_11_row(0, deepseek_attempt=0.5), "field 'deepseek_attempt' is float, not a string"),
        (
            {"question": "Q", "solution": "A"},
            "no thinking trajectory field: none of 'deepseek_thinking_trajectory', 'claude_thinking_trajectory', "
            "'thinking_trajectories', 'gemini_thinking_trajectory'",
        ),
    ],
)
def test_s1k_bad_fields(row, detail):
    out = s1k(row)
    assert out["_drop"] == "bad_field"
    assert out["_detail"] == detail


def test_s1k_string_trajectory_accepted():
    out = s1k(s1k_row(0, thinking_trajectories="  one trace  "))
    assert out["response"].startswith("<think>\none trace\n</think>")


# ---------------------------------------------------------------------------------- normalise, end to end


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_normalise_sharegpt_jsonl_end_to_end(tmp_path):
    rows = [
        stratos_row(0),
        stratos_row(1, conversations=[{"from": "user", "value": "Only a question?"}]),  # no assistant turn
        stratos_row(2, conversations=[]),  # empty list
        stratos_row(
            3,
            conversations=[
                {"from": "system", "value": "Be brief."},
                {"from": "user", "value": UNICODE_PROBLEM},
                {"from": "assistant", "value": UNICODE_TRACE},
            ],
        ),
        stratos_row(0),  # the same problem again → duplicate hash id
    ]
    path = _write_jsonl(tmp_path / "stratos.jsonl", rows)
    raw = load_pool(PoolArguments(pool=str(path)), tmp_path / "cache")
    assert set(raw.column_names) == set(STRATOS_COLUMNS)
    out, report = normalise(raw)
    assert out.column_names == KEEP_COLUMNS
    assert out["problem"] == [f"{STRATOS_PROBLEM} (#0)", UNICODE_PROBLEM]
    assert out["response"] == [STRATOS_RESPONSE, UNICODE_TRACE]
    assert out["pool_row"] == [0, 3]
    assert (report.rows_in, report.rows_kept) == (5, 2)
    assert report.counts == {"bad_field": 2, "duplicate_id": 1}
    by_row = {d["row"]: d for d in report.dropped}
    assert by_row[1]["detail"] == "conversations has no non-empty assistant turn"
    assert by_row[1]["id"] == problem_id("Only a question?")
    assert by_row[2]["detail"] == "field 'conversations' is an empty list"
    assert by_row[4]["reason"] == "duplicate_id"
    with pytest.raises(S2RError, match=r"pool row 1 \(id sha1-.*\): conversations has no non-empty assistant turn"):
        normalise(raw, on_bad_row="error")


@pytest.mark.parametrize(
    ("rows", "name", "kept"),
    [
        ([openthoughts3_row(0), openthoughts3_row(1)], "conversations", 2),
        ([light_r1_row(0), light_r1_row(1, conversations=None)], "conversations", 1),
        ([limo_row(0), limo_row(1, solution=None)], "problem_solution", 1),
        ([omr_row(0), omr_row(1, generated_solution="")], "problem_solution", 1),
        ([deepmath_row(0), deepmath_row(1)], "problem_solution", 2),
        ([s1k_row(0), s1k_row(1, thinking_trajectories=[])], "s1k", 1),
        ([s1k_11_row(0), s1k_11_row(1, deepseek_attempt=None)], "s1k", 1),
    ],
)
def test_normalise_auto_detects_public_schemas_from_parquet(tmp_path, rows, name, kept):
    path = tmp_path / "pool.parquet"
    datasets.Dataset.from_list(rows).to_parquet(str(path))
    raw = load_pool(PoolArguments(pool=str(path)), tmp_path / "cache")
    assert detect_format(raw.column_names) == name
    out, report = normalise(raw)
    assert (report.rows_in, report.rows_kept) == (len(rows), kept)
    first = [r.get("question") or r.get("problem") or r["conversations"][0]["value"] for r in rows[:kept]]
    assert out["problem"] == first  # the bad row, when there is one, is the last
    assert all(out["response"])


# ============================================================= rows of the public pools (tests/data/real_pools)

REAL_POOLS = Path(__file__).resolve().parents[1] / "data" / "real_pools"


@pytest.mark.parametrize(
    ("name", "fmt", "kept", "problem_start", "response_start"),
    [
        ("openr1_math_220k.parquet", "openr1", 3, "## Task B-1.3.", "<think>\nOkay, so I need to find the speed"),
        ("bespoke_stratos_17k.jsonl", "conversations", 2, "Return your final response", "<|begin_of_thought|>"),
        ("bespoke_stratos_17k_h4.parquet", "conversations", 2, "Return your final response", "<|begin_of_thought|>"),
        ("openthoughts2_1m.jsonl", "conversations", 2, "Return your final response", "<think>\nOkay, so I need"),
        ("light_r1_sftdata.jsonl", "conversations", 2, "Find all primes", "<think>\nOkay, so p = 5"),
        ("sky_t1_data_17k.json", "conversations", 2, "Return your final response", "<|begin_of_thought|>"),
        ("am_deepseek_r1_distilled.jsonl", "messages", 2, "What is the remainder", "<think>Powers of 2"),
        ("deepmath_103k.parquet", "problem_solution", 1, "Evaluate the limit", "Okay, so I have this limit"),
        ("openmathreasoning_cot.parquet", "problem_solution", 1, "Given a group of", "<think>\nOkay, so I need"),
        ("limo.jsonl", "problem_solution", 2, "Find the remainder", "Okay, so I need to find"),
        ("s1k.parquet", "s1k", 2, "Given a rational number", "<think>\nLet's think about this"),
        ("s1k_11.parquet", "s1k", 2, "Let $a,b$ be reals", "<think>\nOkay, so I need to prove"),
        ("openo1_sft.jsonl", "alpaca", 2, "How many positive divisors", "<Thought>"),
        ("chinese_deepseek_r1_distill.jsonl", "chinese_r1", 2, "求 3 的平方", "<think>\n嗯，3 乘以 3"),
        ("messy_openr1.jsonl.gz", "openr1", 5, "## Task B-1.3.", "<think>\nOkay, so I need to find the speed"),
    ],
)
def test_real_pool_fixtures(tmp_path, name, fmt, kept, problem_start, response_start):
    raw = load_pool(PoolArguments(pool=str(REAL_POOLS / name)), tmp_path / "cache")
    assert detect_format(raw.column_names) == fmt
    out, report = normalise(raw)
    assert report.rows_kept == kept
    assert out["problem"][0].startswith(problem_start)
    assert out["response"][0].startswith(response_start)
    assert all(m[0]["content"] == p for m, p in zip(out["messages"], out["problem"], strict=True))


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


def test_messy_pool_drop_report_and_log(tmp_path, caplog):
    raw = load_pool(PoolArguments(pool=str(REAL_POOLS / "messy_openr1.jsonl.gz")), tmp_path / "cache")
    with caplog.at_level("WARNING", logger="s2r_hf.pools.normalise"):
        out, report = normalise(raw)
    assert report.counts == {"bad_field": 5, "incomplete_reasoning": 1, "no_verified_trace": 1, "duplicate_id": 2}
    assert max(len(r) for r in out["response"]) >= 200_000
    assert "设 $x^2" in out["problem"][out["id"].index("messy-unicode")]
    message = caplog.text
    assert "dropped 5 malformed pool row(s): row 1 (id messy-no-problem): field 'problem' is missing" in message
    assert "row 4 (id messy-null-trace): generations[0] is empty or not a string" in message
    assert "dropped.parquet" in message


def test_trl_prompt_completion_from_a_real_card(tmp_path):
    raw = load_pool(PoolArguments(pool=str(REAL_POOLS / "mlx_s1k_11_prompt_completion.parquet")), tmp_path / "c")
    out, _ = normalise(raw)
    assert out["problem"] == ["Q?"] and out["response"] == ["<think>…</think> 128"]


@pytest.mark.parametrize(
    ("row", "problem", "response", "detail"),
    [
        ({"prompt": "Q", "completion": "A"}, "Q", "A", ""),
        (
            {
                "prompt": [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}],
                "completion": [{"role": "assistant", "content": "A"}],
            },
            "Q",
            "A",
            "",
        ),
        ({"prompt": "", "completion": "A"}, "", "", "field 'prompt' is empty"),
        ({"prompt": [{"role": "system", "content": "S"}], "completion": "A"}, "", "", "prompt has no non-empty user"),
        ({"prompt": "Q", "completion": None}, "Q", "", "field 'completion' is missing"),
        ({"prompt": "Q", "completion": [{"role": "user", "content": "x"}]}, "Q", "", "completion has no non-empty"),
    ],
)
def test_prompt_completion_adapter(row, problem, response, detail):
    from s2r_hf.pools.adapters import prompt_completion

    out = prompt_completion(row)
    assert (out["problem"], out["response"]) == (problem, response) and detail in out["_detail"]
    assert bool(out["_drop"]) is bool(detail)


# ------------------------------------------------------------------------------------ unusable local files


@pytest.mark.parametrize(
    ("name", "builder"),
    [
        ("a.jsonl", "json"),
        ("a.JSONL", "json"),
        ("a.jsonl.gz", "json"),
        ("a.json.zst", "json"),
        ("a.csv.bz2", "csv"),
        ("a.parquet", "parquet"),
        ("a.parquet.gz", None),
        ("a.txt", None),
        ("a.gz", None),
        ("noext", None),
    ],
)
def test_file_builder(name, builder):
    from s2r_hf.pools.loading import file_builder

    assert file_builder(Path(name)) == builder


def test_load_pool_compressed_jsonl_file_and_folder(tmp_path):
    import gzip

    rows = [{"instruction": f"I{i}", "output": f"O{i}"} for i in range(3)]
    folder = tmp_path / "pool"
    folder.mkdir()
    with gzip.open(folder / "train.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("".join(json.dumps(r) + "\n" for r in rows))
    assert _load(folder / "train.jsonl.gz", tmp_path)["instruction"] == ["I0", "I1", "I2"]
    assert sorted(_load(folder, tmp_path)["output"]) == ["O0", "O1", "O2"]


def test_load_pool_empty_file(tmp_path):
    (tmp_path / "pool.jsonl").write_text("")
    with pytest.raises(S2RError, match=r"pool file .*pool.jsonl is empty"):
        _load(tmp_path / "pool.jsonl", tmp_path)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"instruction": "a", "output": "b"}\n{"instruction": "c", "out', "line 2 is not valid JSON (Unterminated"),
        ("not json at all\n", "line 1 is not valid JSON (Expecting value"),
    ],
)
def test_load_pool_bad_json_line_is_named(tmp_path, text, needle):
    (tmp_path / "pool.jsonl").write_text(text)
    with pytest.raises(S2RError) as err:
        _load(tmp_path / "pool.jsonl", tmp_path)
    msg = str(err.value)
    assert needle in msg and "one JSON object per line" in msg and "\n" not in msg


def test_load_pool_folder_with_different_columns(tmp_path):
    folder = tmp_path / "pool"
    folder.mkdir()
    _write_jsonl(folder / "a.jsonl", [{"instruction": "a", "output": "b"}])
    _write_jsonl(folder / "b.jsonl", [{"conversations": [{"from": "user", "value": "q"}]}])
    with pytest.raises(S2RError, match=r"its files do not all have the same columns; give one file"):
        _load(folder, tmp_path)


def test_load_pool_corrupt_parquet(tmp_path):
    (tmp_path / "pool.parquet").write_bytes(b"PAR1 not really parquet")
    with pytest.raises(S2RError, match=r"could not read pool .*pool.parquet: ArrowInvalid: .*magic bytes") as err:
        _load(tmp_path / "pool.parquet", tmp_path)
    assert ".." not in str(err.value)


@pytest.mark.parametrize(
    ("row", "response", "detail"),
    [
        (
            {"problem": "Q", "deepseek_reasoning": "think", "deepseek_solution": "A", "domain": "math"},
            "<think>\nthink\n</think>\n\nA",
            "",
        ),
        (
            {"problem": "Q", "deepseek_reasoning": "", "deepseek_solution": "A"},
            "",
            "field 'deepseek_reasoning' is empty",
        ),
        ({"problem": "Q", "deepseek_reasoning": "t", "deepseek_solution": None}, "", "'deepseek_solution' is missing"),
        ({"problem": None, "deepseek_reasoning": "t", "deepseek_solution": "A"}, "", "field 'problem' is missing"),
    ],
)
def test_reasoning_solution_adapter(row, response, detail):
    """OpenThoughts-114k `metadata` config (card-built rows): reasoning + solution → an R1-style trace."""
    from s2r_hf.pools.adapters import reasoning_solution

    out = reasoning_solution(row)
    assert out["response"] == response and detail in out["_detail"] and bool(out["_drop"]) is bool(detail)
    if not detail:
        assert out["problem_type"] == "math"
    columns = ["problem", "deepseek_reasoning", "deepseek_solution", "ground_truth_solution", "domain", "source"]
    assert detect_format([*columns, "test_cases", "starter_code"]) == "reasoning_solution"


@pytest.mark.parametrize("pool", ["/nowhere/pool.jsonl", "data/pool.parquet", "./pools", "~/x", "a/b/c"])
def test_missing_local_pool_is_not_looked_up_on_the_hub(pool, tmp_path):
    with pytest.raises(S2RError, match=r"no such file or folder"):
        load_pool(PoolArguments(pool=pool), tmp_path / "c")
