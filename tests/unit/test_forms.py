"""s2r_hf.grading.forms: the answer forms math-verify misreads, rewritten (intervals from inequalities and
set-builder sets, unicode math, plain units, answers joined by words). Graded end to end in test_hostile_golds."""

from __future__ import annotations

import pytest

from s2r_hf.grading.forms import (
    as_interval,
    drop_plain_unit,
    e_notation,
    is_set_builder,
    list_separators,
    system_as_list,
    unicode_to_latex,
)


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("-3<x<4", "(-3, 4)"),
        ("x \\geq 2", "[2, +\\infty)"),
        ("3 > x", "(-\\infty, 3)"),
        ("5 \\ge y > 1", "(1, 5]"),
        ("\\{x \\mid 1 \\le x<2\\}", "[1, 2)"),
        ("{x | x<-1 \\text{ or } x>2}", "(-\\infty, -1) \\cup (2, +\\infty)"),
        ("\\{x \\mid x \\in R, x > \\frac{1}{2}\\}", "(\\frac{1}{2}, +\\infty)"),
        ("1 < x > 3", None),  # no interval
        ("4 < x < 0", None),  # empty: not the point (4, 0)
        ("x < y", None),  # two variables
        ("x < 2x", None),  # a bound that holds the variable
        ("\\{x \\mid x^2 > 1\\}", None),  # not a one-variable chain: left to text comparison
        ("\\{y \\mid x > 1\\}", None),  # another variable than the set's
        ("(1, 2)", None),
    ],
)
def test_inequalities_become_intervals(text, interval):
    assert as_interval(text) == interval


def test_unicode_units_and_words():
    assert unicode_to_latex("√(2x)+√3−∞≤π×2") == "\\sqrt{2x}+\\sqrt{3}-\\infty \\le \\pi \\times 2"
    assert [drop_plain_unit(t) for t in ("12 inches", "8 km/h", "10 square feet", "2 pi", "3ab", "5m")] == [
        *("12", "8", "10", "2 pi", "3ab", "5m")
    ]
    assert list_separators("x=1 \\text{ or } x=2") == "x=1, x=2"
    assert list_separators("1或2") == "1, 2"
    assert list_separators("\\text{Oregon}") == "\\text{Oregon}"  # a word that holds "or" is no separator


def test_set_builder_sets_are_recognised():
    assert is_set_builder("\\{x \\mid x^2 > 1\\}") and is_set_builder("{x | x<4}") and is_set_builder("\\{x: x>0\\}")
    assert not is_set_builder("\\{1, 2\\}") and not is_set_builder("(1, 2)")


def test_e_notation_with_a_decimal_mantissa_or_a_signed_exponent():
    texts = ("1e-05", "1.1e-17", "2E+8", "4e", "2e3", "e-5")
    assert [e_notation(t) for t in texts] == [
        *("1 \\times 10^{-5}", "1.1 \\times 10^{-17}", "2 \\times 10^{8}", "4e", "2e3", "e-5")
    ]


def test_systems_become_lists_and_matrices_stay():
    assert system_as_list("\\begin{cases} x=1, \\\\ y=2 \\end{cases}") == "x=1, y=2"
    assert system_as_list("\\begin{align*} a &= 3 \\\\[2pt] b &= 4 \\end{align*}") == "a = 3, b = 4"
    matrix = "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"
    assert system_as_list(matrix) == matrix
