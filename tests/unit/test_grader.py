"""Grader case table: tricky answer pairs (SPEC §6: last \\boxed{}, math-verify) and maj@n."""

from __future__ import annotations

import pytest

from s2r_hf.eval.grader import choice_letter, grade, majority_correct

# (completion, gold, multiple choice, correct?)
GRADE_CASES = [
    ("so \\boxed{\\dfrac{1}{2}}", "\\frac{1}{2}", False, True),  # \dfrac vs \frac
    ("\\boxed{\\frac12}", "0.5", False, True),  # fraction vs decimal
    ("\\boxed{1/2}", "\\frac{1}{2}", False, True),
    ("\\boxed{2/3}", "\\frac{1}{2}", False, False),
    ("\\boxed{50\\%}", "50", False, True),  # percentage vs bare number
    ("\\boxed{50}", "50\\%", False, True),
    ("\\boxed{0.5}", "50\\%", False, True),
    ("\\boxed{40\\%}", "50", False, False),
    ("\\boxed{(1, 2]}", "(1,2]", False, True),  # intervals: open/closed ends matter
    ("\\boxed{[1,2)}", "(1,2]", False, False),
    ("\\boxed{(-\\infty, 3)}", "(-\\infty,3)", False, True),
    ("\\boxed{x = 5}", "5", False, True),
    ("\\boxed{072}", "72", False, True),  # AIME leading zeros
    ("\\boxed{\\sqrt{2}/2}", "\\frac{\\sqrt{2}}{2}", False, True),
    ("The answer is 5.", "5", False, False),  # no \boxed{}: wrong, even if the number is there
    ("\\boxed{5", "5", False, False),  # unclosed box
    ("first \\boxed{3} then \\boxed{5}", "5", False, True),  # the LAST box counts
    ("first \\boxed{5} then \\boxed{3}", "5", False, False),
    ("\\boxed{5}", "$5$", False, True),  # gold with $…$
    ("\\boxed{B}", "B", True, True),  # multiple-choice letters
    ("\\boxed{(B)}", "B", True, True),
    ("\\boxed{\\text{B}}", "B", True, True),
    ("\\boxed{B. 12}", "B", True, True),
    ("\\boxed{C}", "B", True, False),
    ("The answer is B", "B", True, False),
    ("\\boxed{12}", "B", True, False),
]


@pytest.mark.parametrize(("completion", "gold", "choice", "expected"), GRADE_CASES)
def test_grade(completion, gold, choice, expected):
    assert grade(completion, gold, choice) is expected


@pytest.mark.parametrize(
    ("completion", "letter"),
    [
        ("\\boxed{A}", "A"),
        ("\\boxed{ (D) }", "D"),
        ("\\boxed{$C$}", "C"),
        ("\\boxed{AB}", "AB"),
        ("\\boxed{D, A}", "AD"),
        ("no box", None),
    ],
)
def test_choice_letter(completion, letter):
    assert choice_letter(completion) == letter


# (completions, gold, choice, maj correct?)
MAJORITY_CASES = [
    (["\\boxed{4}", "\\boxed{4}", "\\boxed{5}"], "4", False, True),
    (["\\boxed{5}", "\\boxed{4}", "\\boxed{5}"], "4", False, False),
    (["\\boxed{1/2}", "\\boxed{1 / 2}", "\\boxed{3}"], "\\frac{1}{2}", False, True),  # spaces don't split votes
    (["\\boxed{3}", "\\boxed{4}"], "4", False, False),  # tie: the first seen wins
    (["no answer", "still none", "\\boxed{4}"], "4", False, True),  # unboxed samples don't vote
    (["no answer", "none"], "4", False, False),
    (["\\boxed{(B)}", "\\boxed{B}", "\\boxed{A}"], "B", True, True),  # letters vote as letters
]


@pytest.mark.parametrize(("completions", "gold", "choice", "expected"), MAJORITY_CASES)
def test_majority(completions, gold, choice, expected):
    assert majority_correct(completions, gold, choice) is expected
