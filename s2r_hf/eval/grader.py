"""Moved to :mod:`s2r_hf.grading.grader` (shared with the pass-rate scorer); these names stay importable here."""

from s2r_hf.grading.grader import (
    answer_key,
    boxed_content,
    choice_letter,
    extract_answer,
    gold_letters,
    gold_problem,
    grade,
    majority_correct,
)

__all__ = [
    "answer_key",
    "boxed_content",
    "choice_letter",
    "extract_answer",
    "gold_letters",
    "gold_problem",
    "grade",
    "majority_correct",
]
