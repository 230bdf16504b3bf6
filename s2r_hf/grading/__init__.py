"""Grading, shared by evaluation (metrics, ``s2r grade``) and the pass-rate difficulty scorer: is a completion's
final (boxed) answer the reference? :mod:`.answers` compares two answers (math-verify with the normalisation
benchmark keys need); :mod:`.grader` reads the answer out of a completion (last box, option letters) and grades.
"""

from s2r_hf.grading.answers import answers_equal, gold_problem
from s2r_hf.grading.grader import (
    answer_key,
    boxed_content,
    choice_letter,
    extract_answer,
    gold_letters,
    grade,
    is_correct,
    last_boxed,
    majority_correct,
)

__all__ = [
    "answer_key",
    "answers_equal",
    "boxed_content",
    "choice_letter",
    "extract_answer",
    "gold_letters",
    "gold_problem",
    "grade",
    "is_correct",
    "last_boxed",
    "majority_correct",
]
