"""The OpenR1-Math-220k schema: its columns, their ``datasets.Features``, and the category values rows take.

Why: the synthetic pool must have exactly the real columns and types, and one place must say what they are,
for the generator, the fixtures (``tests/data/real_pools/build_fixtures.py``) and the tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import datasets

__all__ = ["OPENR1_COLUMNS", "PROBLEM_TYPES", "QUESTION_TYPES", "SOURCES", "openr1_features"]

PROBLEM_TYPES = (
    "Algebra",
    "Number Theory",
    "Combinatorics",
    "Geometry",
    "Calculus",
    "Inequalities",
    "Logic and Puzzles",
    "Other",
)
QUESTION_TYPES = ("math-word-problem", "MCQ", "proof")
SOURCES = ("olympiads", "cn_contest", "aops_forum", "amc_aime", "number_theory", "inequalities")
OPENR1_COLUMNS = (
    "problem",
    "solution",
    "answer",
    "problem_type",
    "question_type",
    "source",
    "uuid",
    "is_reasoning_complete",
    "generations",
    "correctness_math_verify",
    "correctness_llama",
    "finish_reasons",
    "correctness_count",
    "messages",
)


def openr1_features() -> datasets.Features:
    """Explicit ``datasets.Features`` of the OpenR1-Math-220k columns."""
    import datasets

    s, b = datasets.Value("string"), datasets.Value("bool")
    return datasets.Features(
        {
            "problem": s,
            "solution": s,
            "answer": s,
            "problem_type": s,
            "question_type": s,
            "source": s,
            "uuid": s,
            "is_reasoning_complete": datasets.List(b),
            "generations": datasets.List(s),
            "correctness_math_verify": datasets.List(b),
            "correctness_llama": datasets.List(b),
            "finish_reasons": datasets.List(s),
            "correctness_count": datasets.Value("int64"),
            "messages": datasets.List({"role": s, "content": s}),
        }
    )
