"""The one grading module (s2r_hf.grading): the pass-rate scorer grades a pool row by the rule evaluation grades a
benchmark row with, and the old import paths (s2r_hf.eval.grader / answers, s2r_hf.scoring.passrate) still work."""

from __future__ import annotations

import importlib

import pytest

from s2r_hf import grading
from s2r_hf.grading import grade, is_correct, last_boxed
from tests.unit.test_passrate import GRADING_CASES


@pytest.mark.parametrize(("completion", "answer", "expected"), GRADING_CASES)
def test_pass_rate_and_evaluation_grade_free_form_answers_alike(completion, answer, expected):
    assert is_correct(completion, answer) is grade(completion, answer) is expected


@pytest.mark.parametrize(
    ("text", "box"),
    [
        ("a \\boxed{1} b \\boxed{\\frac{1}{2}} c", "\\boxed{\\frac{1}{2}}"),
        ("\\boxed{\\{x \\mid x > 0\\}}", "\\boxed{\\{x \\mid x > 0\\}}"),  # escaped braces: not nesting
        ("\\boxed{{1, 2}}", "\\boxed{{1, 2}}"),
        ("\\boxed{1} then \\boxed{2", None),  # the last box is unclosed: no answer
        ("答案是 $\\boxed{\\text{北京}}$。", "\\boxed{\\text{北京}}"),
    ],
)
def test_last_boxed(text, box):
    assert last_boxed(text) == box


OLD_PATHS = {
    "s2r_hf.eval.grader": ["grade", "majority_correct", "boxed_content", "choice_letter", "gold_problem", "answer_key"],
    "s2r_hf.eval.answers": ["answers_equal", "clean", "compact", "gold_problem", "is_relation", "single_equal"],
    "s2r_hf.scoring.passrate": ["is_correct", "last_boxed"],
}


def test_old_import_paths_name_the_moved_objects():
    for module, names in OLD_PATHS.items():
        old = importlib.import_module(module)
        new = importlib.import_module("s2r_hf.grading.answers" if module.endswith("answers") else "s2r_hf.grading")
        for name in names:
            assert getattr(old, name) is getattr(new, name), f"{module}.{name}"
    assert set(grading.__all__) <= set(dir(grading))
