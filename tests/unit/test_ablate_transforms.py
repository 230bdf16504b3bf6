"""The ablation transforms (s2r_hf.ablate.transforms) on hand-made traces with unicode and LaTeX."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from s2r_hf.ablate.transforms import (
    answer_pool,
    delete_steps,
    final_answer,
    marker_pattern,
    remove_keywords,
    shuffle_steps,
    split_steps,
    split_think,
    truncate,
    wrong_answer,
)
from s2r_hf.option_defaults import DEFAULT_RETHINK_MARKERS

STEPS = [
    "Soit $f(x) = x^2 - 4x + 4$ — on cherche le minimum.",
    "Complete the square: $f(x) = (x-2)^2$, so $f \\ge 0$.",
    "Wait, is $\\frac{d}{dx}(x-2)^2 = 2(x-2)$? Yes: zero at $x=2$.",
    "数学: the minimum value is $f(2) = 0$ ✓.",
    "Hmm, check the edge: $\\lim_{x\\to\\infty} f(x) = \\infty$.",
    "So the answer is $\\boxed{0}$ (à vérifier).",
]
SOLUTION = "\n</think>\n\nThe minimum is $f(2)=0$, hence $\\boxed{0}$."
TRACE = "<think>\n" + "\n\n".join(STEPS) + SOLUTION


def steps_of(text: str) -> list[str]:
    return split_steps(split_think(text)[1])[0]


def rng(seed: int = 0) -> random.Random:
    return random.Random(seed)


def test_split_think_and_steps_round_trip():
    head, body, tail = split_think(TRACE)
    assert head + body + tail == TRACE
    assert head == "<think>\n" and tail == SOLUTION
    steps, seps = split_steps(body)
    assert steps == STEPS and seps == ["\n\n"] * 5
    assert split_think("no tags here") is None
    head, body, tail = split_think("<think>\na\n\n  \n\tb")  # unclosed; a blank line with spaces separates too
    assert split_steps(body)[0] == ["a", "b"] and tail == ""


def test_shuffle_permutes_the_steps_and_keeps_the_solution():
    new, reason = shuffle_steps(TRACE, rng())
    assert reason is None and new != TRACE
    assert Counter(steps_of(new)) == Counter(STEPS)  # the multiset of paragraphs is preserved
    assert steps_of(new) != STEPS
    assert new.endswith(SOLUTION) and new.startswith("<think>\n") and len(new) == len(TRACE)


def test_shuffle_is_seeded():
    outs = {seed: shuffle_steps(TRACE, rng(seed))[0] for seed in range(6)}
    assert shuffle_steps(TRACE, rng(3))[0] == outs[3]  # same seed, same output
    assert len(set(outs.values())) > 1  # different seeds differ


def test_shuffle_fraction_moves_only_some_steps():
    moved = [
        sum(a != b for a, b in zip(steps_of(shuffle_steps(TRACE, rng(s), 0.34)[0]), STEPS, strict=True))
        for s in range(20)
    ]
    assert all(m == 2 for m in moved)  # round(0.34 · 6) = 2 positions chosen, swapped (never the identity)


def test_shuffle_leaves_what_it_cannot_change():
    assert shuffle_steps("plain text, no think block", rng()) == ("plain text, no think block", "no_think_block")
    one = "<think>\nonly one step\n</think>\n\\boxed{1}"
    assert shuffle_steps(one, rng()) == (one, "too_few_steps")
    same = "<think>\nx\n\nx\n</think>"
    assert shuffle_steps(same, rng()) == (same, "identical_steps")


@pytest.mark.parametrize(("fraction", "deleted"), [(0.5, 3), (0.01, 1), (0.34, 2), (1.0, 6)])
def test_delete_removes_that_many_steps(fraction, deleted):
    new, reason = delete_steps(TRACE, rng(1), fraction)
    assert reason is None and new.endswith(SOLUTION)
    left = steps_of(new) if deleted < 6 else []
    assert len(left) == 6 - deleted
    assert [s for s in STEPS if s in left] == left  # the survivors keep their order and text
    if deleted == 6:
        assert new == "<think>\n" + SOLUTION.lstrip()
    assert delete_steps(TRACE, rng(1), fraction)[0] == new


def test_delete_differs_by_seed():
    assert len({delete_steps(TRACE, rng(s), 0.5)[0] for s in range(6)}) > 1


@pytest.mark.parametrize(("fraction", "kept"), [(0.5, 3), (0.1, 5), (1.0, 1), (0.67, 2)])
def test_truncate_keeps_the_first_steps_and_the_solution(fraction, kept):
    new, reason = truncate(TRACE, rng(), fraction)
    assert reason is None
    assert steps_of(new) == STEPS[:kept] and new.endswith(SOLUTION)


def test_truncate_closes_an_unclosed_block():
    new, _ = truncate("<think>\nA é.\n\nB ∑.\n\nC ∫.", rng(), 0.5)  # 1.5 steps cut, rounded half up: 2
    assert new == "<think>\nA é.\n</think>"


def test_final_answer_reads_nested_latex_braces():
    assert final_answer("x \\boxed{\\frac{1}{2}} y") == "\\frac{1}{2}"
    assert final_answer("\\boxed{1} then \\boxed{\\sqrt{2}}") == "\\sqrt{2}"
    assert final_answer("\\boxed{1} then \\boxed{unclosed") == "1"
    assert final_answer("no box") is None and final_answer("\\boxed{ }") is None


def test_wrong_answer_takes_another_rows_different_answer():
    pool = answer_pool(["0", "\\frac{1}{2}", "3 + 4", "3+4", None, "π/2"])
    assert pool == sorted(pool, key=lambda a: a.replace(" ", "")) and len(pool) == 4  # "3 + 4" = "3+4"
    seen = set()
    for seed in range(40):
        new, reason = wrong_answer(TRACE, rng(seed), pool=pool)
        assert reason is None
        answer = final_answer(new)
        assert answer in pool and answer != "0"
        assert new == TRACE[: TRACE.rfind("\\boxed{0}")] + f"\\boxed{{{answer}}}$."  # only the last box changed
        seen.add(answer)
    assert seen == set(pool) - {"0"}  # every other answer can be drawn
    assert wrong_answer(TRACE, rng(7), pool=pool) == wrong_answer(TRACE, rng(7), pool=pool)


def test_wrong_answer_counts_rows_it_cannot_change():
    assert wrong_answer("<think>\nno box\n</think>", rng(), pool=["1", "2"])[1] == "no_boxed_answer"
    assert wrong_answer("\\boxed{1}", rng(), pool=["1"]) == ("\\boxed{1}", "no_other_answer")
    assert final_answer(wrong_answer("\\boxed{ 1 }", rng(), pool=["1", "2"])[0]) == "2"


PATTERN = marker_pattern(DEFAULT_RETHINK_MARKERS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wait, is $x^2 = 4$? Yes.", "Is $x^2 = 4$? Yes."),
        ("So $x=2$. Hmm, let me check: $2^2 = 4$ ✓.", "So $x=2$. $2^2 = 4$ ✓."),
        ("Alternatively, use Vieta: $x_1 x_2 = c$.", "Use Vieta: $x_1 x_2 = c$."),
        ("It is small but positive.", "It is small positive."),
        ("The sum is 5, wait.", "The sum is 5."),
        ("First line.\nWAIT... déjà vu: $\\alpha$.", "First line.\nDéjà vu: $\\alpha$."),
        ("Let me   verify \\boxed{3}.", "\\boxed{3}."),
        ("I double-check the value; done.", "I the value; done."),
        ("await the button, waiter: doublecheck", "await the button, waiter: doublecheck"),  # words, not parts
        ("On second thought, $\\sqrt{2}$ is irrational.", "$\\sqrt{2}$ is irrational."),
    ],
)
def test_remove_keywords(text, expected):
    new, reason = remove_keywords(text, rng(), pattern=PATTERN)
    assert new == expected
    assert reason == (None if new != text else "no_marker")


def test_remove_keywords_removes_every_marker_and_touches_nothing_else():
    new, _ = remove_keywords(TRACE, rng(), pattern=PATTERN)
    assert not PATTERN.search(new)
    assert steps_of(new)[0:2] == STEPS[0:2] and steps_of(new)[3] == STEPS[3] and new.endswith(SOLUTION)
    assert steps_of(new)[2] == "Is $\\frac{d}{dx}(x-2)^2 = 2(x-2)$? Yes: zero at $x=2$."
    assert steps_of(new)[4] == "Check the edge: $\\lim_{x\\to\\infty} f(x) = \\infty$."
    custom = marker_pattern(["wait"])
    assert remove_keywords("Hmm, wait, 1.", rng(), pattern=custom)[0] == "Hmm, 1."
