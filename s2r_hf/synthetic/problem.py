"""The record a problem template returns, and the LaTeX / plain-text formatting the templates share.

Why: each template (:mod:`~s2r_hf.synthetic.templates_arithmetic`, :mod:`~s2r_hf.synthetic.templates_contest`)
builds a problem whose answer is really correct, plus the worked steps and checks the reasoning traces
(:mod:`~s2r_hf.synthetic.traces`) are written from; they all speak this one record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass
class Problem:
    """A templated problem: statement, correct answer, worked steps, spot checks and metadata."""

    text: str
    answer: str
    steps: list[str]
    checks: list[str]
    difficulty: int
    problem_type: str
    task: str
    source: str | None = None
    mcq_ok: bool = True
    alt_answers: list[str] = field(default_factory=list)


def frac_tex(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    sign = "-" if x < 0 else ""
    return f"{sign}\\frac{{{abs(x.numerator)}}}{{{x.denominator}}}"


def frac_plain(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def signed(v: int) -> str:
    """`` + 5`` / `` - 5`` for use after a leading term."""
    return f" + {v}" if v >= 0 else f" - {-v}"


def poly(coeffs: Sequence[int], var: str = "x") -> str:
    """LaTeX polynomial from coefficients, highest degree first."""
    deg = len(coeffs) - 1
    out = ""
    for i, c in enumerate(coeffs):
        p = deg - i
        if c == 0:
            continue
        mag = abs(c)
        body = ("" if mag == 1 and p > 0 else str(mag)) + (var if p >= 1 else "") + (f"^{p}" if p > 1 else "")
        if not out:
            out = ("-" if c < 0 else "") + body
        else:
            out += (" - " if c < 0 else " + ") + body
    return out or "0"
