"""Reasoning traces: a ``<think>`` block worked from a problem's steps, padded with "rethinking" to a target
length, concluding with a given (right or wrong) answer, or truncated mid-sentence.

Why: the length scorer, the rethinking-marker counts and the normaliser's incomplete-trace handling need
traces whose length spans two orders of magnitude and correlates with difficulty, as in the real pool.
"""

from __future__ import annotations

import math
import random

from s2r_hf.synthetic.problem import Problem

_OPENERS = (
    "Okay, let's see. I need to {task}.",
    "Alright, so the problem is asking me to {task}.",
    "Okay, so I have this problem here: {problem} Let me think about how to approach it.",
    "Let me try to figure this out. The question: {problem}",
    "Hmm, so we need to {task}. Let me start by reading the problem carefully.",
)
_HMM = (
    "is there a trick here? I don't think so, the numbers are small enough to handle directly.",
    "maybe I should write everything out more carefully so I don't make an arithmetic slip.",
    "that seems reasonable, but I want to be sure about every step before moving on.",
    "let me think about whether the answer has the right size. It seems plausible.",
    "this is a standard kind of problem, but standard problems are where careless mistakes happen.",
)
_ALTS = (
    "redo the whole computation in one pass",
    "verify the result by working backwards from the answer",
    "estimate the size of the answer first and compare",
    "organise the computation differently to cross-check it",
)
_HOLDS = (
    "did I copy the numbers from the problem correctly? Reading the statement again, yes, I did.",
    "maybe I misread the question. No, it asks exactly for what I am computing.",
    "I should double-check the signs. They look right to me.",
    "is the problem perhaps asking for something slightly different? No, I think my reading is correct.",
)
_NEUTRAL = (
    "So far so good.",
    "Let me write down what we have so far.",
    "Okay, that part is settled.",
    "Let me go step by step to be safe.",
    "Right.",
)


def _filler(rng: random.Random, prob: Problem, rethink: float) -> str:
    if rng.random() > rethink:
        if rng.random() < 0.5:
            return rng.choice(_NEUTRAL)
        return "Let me recompute that step. " + rng.choice(prob.steps)
    kind = rng.randrange(5)
    if kind == 0:
        return f"Wait, let me check that again. {rng.choice(prob.checks)}. Yes, that's right."
    if kind == 1:
        return f"Let me check: {rng.choice(prob.checks)}. Okay, that holds."
    if kind == 2:
        return "Hmm, " + rng.choice(_HMM)
    if kind == 3:
        k = rng.randint(1, len(prob.steps))
        redo = " ".join(rng.sample(prob.steps, k))
        return f"Alternatively, we could {rng.choice(_ALTS)}. Going through it again: {redo}"
    return "But hold on, " + rng.choice(_HOLDS)


def _n_words(text: str) -> int:
    return len(text.split())


def target_words(rng: random.Random, difficulty: int, lo: int, hi: int, wrong: bool) -> int:
    """Log-normal trace length in [lo, hi]; harder problems and wrong traces run longer on average."""
    llo, lhi = math.log(lo), math.log(hi)
    span = max(lhi - llo, 1e-9)
    mu = llo + span * (0.12 + 0.12 * difficulty) + (0.3 if wrong else 0.0)
    return int(min(hi, max(lo, rng.lognormvariate(mu, 0.2 * span))))


def write_trace(
    rng: random.Random,
    prob: Problem,
    target: int,
    final: str,
    *,
    complete: bool = True,
    boxed_in_think: bool = False,
    slip: bool = False,
) -> str:
    """One ``<think>`` trace concluding ``final`` (truncated, without ``</think>``, if not complete).

    ``slip``: the trace goes wrong at the last step (``final`` is a wrong answer).
    """
    opener = rng.choice(_OPENERS).format(task=prob.task, problem=prob.text.replace("\n", " "))
    steps = list(prob.steps)
    if slip:
        steps.append(f"Putting it together, I get {final}.")
    pieces = [opener, *steps]
    if boxed_in_think:
        pieces.append(f"So the answer should be $\\boxed{{{final}}}$. Wait, let me check that again.")
    closing = f"So the final answer is {final}."
    used = sum(_n_words(p) for p in pieces) + (_n_words(closing) if complete else 0)
    rethink = rng.uniform(0.2, 0.8)
    fillers: list[str] = []
    budget = target - used if complete else target - used + 1
    while budget > 0:
        f = _filler(rng, prob, rethink)
        fillers.append(f)
        budget -= _n_words(f)
    if complete or not boxed_in_think:
        # Interleave rethinking with the steps, in order, weighted towards the later steps.
        gaps: list[list[str]] = [[] for _ in steps]
        for f in fillers:
            gaps[max(rng.randrange(len(steps)), rng.randrange(len(steps)))].append(f)
        pieces = [opener]
        for step, gap in zip(steps, gaps, strict=True):
            pieces += [step, *gap]
    else:
        pieces.extend(fillers)
    if complete:
        pieces.append(closing)
        if slip:
            summary = " ".join(prob.steps[:-1]) + f" Hence the result is ${final}$."
        else:
            summary = " ".join(prob.steps)
        return "<think>\n" + "\n\n".join(pieces) + "\n</think>\n\n" + summary + f" The answer is $\\boxed{{{final}}}$."
    return "<think>\n" + "\n\n".join(_truncated(pieces, target, boxed_in_think))


def _truncated(pieces: list[str], target: int, boxed_in_think: bool) -> list[str]:
    """``pieces`` cut mid-sentence at about ``target`` words (a "length" finish reason), never before the
    boxed answer when ``boxed_in_think``."""
    out: list[str] = []
    words = 0
    for p in pieces:
        w = p.split()
        if words + len(w) >= target and out and (not boxed_in_think or "\\boxed" in "".join(out)):
            keep = max(1, target - words)
            out.append(" ".join(w[:keep]))
            break
        out.append(p)
        words += len(w)
    return out
