"""The normaliser (s2r_hf.pools.normalise): format detection, the drop accounting of every row, duplicate ids,
--on-bad-row, and load → normalise end to end on public schemas and the real-pool fixtures.
"""

from __future__ import annotations

from pathlib import Path

import datasets
import pytest

from s2r_hf.configs import PoolArguments
from s2r_hf.errors import S2RError
from s2r_hf.pools import ADAPTERS, DropReport, detect_format, load_pool, normalise
from s2r_hf.pools.adapters import (
    problem_id,
)
from s2r_hf.pools.normalise import KEEP_COLUMNS
from s2r_hf.synthetic import OPENR1_COLUMNS
from tests.unit.pools.rows import (
    CHINESE_COLUMNS,
    DEEPMATH_COLUMNS,
    LIGHT_R1_COLUMNS,
    LIMO_COLUMNS,
    OPENMATHREASONING_COLUMNS,
    OPENTHOUGHTS3_COLUMNS,
    OPENTHOUGHTS_MATH_COLUMNS,
    REAL_POOLS,
    S1K_11_COLUMNS,
    S1K_COLUMNS,
    STRATOS_COLUMNS,
    STRATOS_PROBLEM,
    STRATOS_RESPONSE,
    UNICODE_PROBLEM,
    UNICODE_TRACE,
    chinese_row,
    deepmath_row,
    light_r1_row,
    limo_row,
    omr_row,
    openr1_ds,
    openr1_row,
    openthoughts3_row,
    s1k_11_row,
    s1k_row,
    stratos_row,
    trace,
    without,
    write_jsonl,
)


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
    ds = datasets.Dataset.from_list([without(openr1_row(i), "generations") for i in range(2)])
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
    path = write_jsonl(tmp_path / "stratos.jsonl", rows)
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
