"""Column-shaped pools (s2r_hf.pools.columns): Alpaca, Chinese-DeepSeek-R1-Distill, problem/solution pools
(LIMO, OpenMathReasoning, DeepMath-103K), s1K / s1K-1.1 and OpenThoughts' reasoning + solution rows.
"""

from __future__ import annotations

import datasets
import pytest

from s2r_hf.pools import detect_format, normalise
from s2r_hf.pools.canonical import problem_id
from s2r_hf.pools.columns import alpaca, chinese_r1, problem_solution, s1k
from tests.unit.pools.rows import (
    chinese_row,
    deepmath_row,
    limo_row,
    omr_row,
    s1k_11_row,
    s1k_row,
)


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
    from s2r_hf.pools.columns import reasoning_solution

    out = reasoning_solution(row)
    assert out["response"] == response and detail in out["_detail"] and bool(out["_drop"]) is bool(detail)
    if not detail:
        assert out["problem_type"] == "math"
    columns = ["problem", "deepseek_reasoning", "deepseek_solution", "ground_truth_solution", "domain", "source"]
    assert detect_format([*columns, "test_cases", "starter_code"]) == "reasoning_solution"
