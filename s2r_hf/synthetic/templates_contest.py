"""Problem templates, part 2: combinatorics, geometry, quadratics, modular powers, calculus, inequalities.

Same contract as :mod:`~s2r_hf.synthetic.templates_arithmetic`; :data:`CONTEST_TEMPLATES` follows
:data:`~s2r_hf.synthetic.templates_arithmetic.ARITHMETIC_TEMPLATES` in the mix, in this order.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from fractions import Fraction

from s2r_hf.synthetic.problem import Problem, frac_plain, poly, signed


def _t_binomial(rng: random.Random) -> Problem:
    n = rng.randint(5, 20)
    k = rng.randint(2, min(6, n - 2))
    num = math.prod(range(n - k + 1, n + 1))
    den = math.factorial(k)
    ans = math.comb(n, k)
    steps = [
        f"We need C({n}, {k}) = {n}!/({k}!·{n - k}!).",
        f"The numerator product is {'·'.join(str(i) for i in range(n, n - k, -1))} = {num}.",
        f"And {k}! = {den}, so C({n}, {k}) = {num}/{den} = {ans}.",
    ]
    checks = [f"{num}/{den} = {ans}", f"{k}! = {den}"]
    text = rng.choice(
        (
            f"Choose a ${k}$-person committee from ${n}$ people: how many ways?",
            f"A set has ${n}$ elements. How many ${k}$-element subsets?",
            f"Compute the binomial coefficient $\\binom{{{n}}}{{{k}}}$, i.e. choose ${k}$ out of ${n}$.",
        )
    )
    return Problem(text, str(ans), steps, checks, 3 + int(k >= 4), "Combinatorics", "count the selections")


def _t_geometry(rng: random.Random) -> Problem:
    if rng.random() < 0.5:
        base = rng.choice(((3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29)))
        s = rng.randint(1, 6)
        a, b, c = (s * v for v in base)
        steps = [
            f"By the Pythagorean theorem c² = {a}² + {b}² = {a * a} + {b * b} = {c * c}.",
            f"So c = √{c * c} = {c}.",
        ]
        checks = [f"{a}² = {a * a}", f"{b}² = {b * b}", f"{c}² = {c * c}"]
        text = f"A right triangle has legs ${a}$ and ${b}$. How long is its hypotenuse?"
        return Problem(text, str(c), steps, checks, 2, "Geometry", "find the hypotenuse")
    s, t = rng.randint(2, 30), rng.randint(2, 30)
    per = 2 * (s + t)
    steps = [
        f"Half the perimeter is {per}/2 = {s + t}, so the other side is {s + t} − {s} = {t}.",
        f"The area is {s}·{t} = {s * t}.",
    ]
    checks = [f"{per}/2 = {s + t}", f"{s}·{t} = {s * t}"]
    text = f"A rectangle: perimeter ${per}$, one side ${s}$. Find its area."
    return Problem(text, str(s * t), steps, checks, 3, "Geometry", "find the area of the rectangle")


def _t_quadratic(rng: random.Random) -> Problem:
    r1, r2 = rng.sample(range(-12, 13), 2)
    s, p = r1 + r2, r1 * r2
    eq = poly([1, -s, p]).replace(" ", "") + "=0"
    if rng.random() < 0.5:
        ans = abs(r1 - r2)
        text = f"The roots $r>s$ of ${eq}$ are real. Compute $r-s$."
        steps = [
            f"By Vieta, the roots sum to {s} and multiply to {p}.",
            f"The discriminant is {s}² − 4·({p}) = {s * s} − ({4 * p}) = {s * s - 4 * p}.",
            f"The difference of the roots is √{s * s - 4 * p} = {ans}.",
        ]
    else:
        ans = s * s - 2 * p
        text = f"The roots $r, s$ of ${eq}$ are real. Compute $r^2+s^2$."
        steps = [
            f"By Vieta, r + s = {s} and rs = {p}.",
            f"Then r² + s² = (r + s)² − 2rs = {s * s} − 2·({p}) = {ans}.",
        ]
    checks = [f"{s}² = {s * s}", f"4·({p}) = {4 * p}", f"the roots are {r1} and {r2}"]
    return Problem(text, str(ans), steps, checks, 4, "Algebra", "work with the roots of a quadratic")


def _t_modpow(rng: random.Random) -> Problem:
    m = rng.choice((5, 7, 11, 13, 17))
    a = rng.choice([v for v in range(2, 20) if v % m])
    n = rng.randint(20, 400)
    powers, v = [], 1
    while True:
        v = v * a % m
        powers.append(v)
        if v == 1:
            break
    order = len(powers)
    r = n % order
    ans = pow(a, n, m)
    steps = [f"Powers of {a} mod {m}: " + ", ".join(f"{a}^{i + 1} ≡ {w}" for i, w in enumerate(powers)) + "."]
    steps.append(f"So the order of {a} modulo {m} is {order}.")
    steps.append(f"{n} = {n // order}·{order} + {r}, so {a}^{n} ≡ {a}^{r} ≡ {ans} (mod {m}).")
    checks = [f"{n} mod {order} = {r}"] + [f"{a}^{i + 1} ≡ {w} (mod {m})" for i, w in enumerate(powers[:4])]
    text = rng.choice(
        (
            f"Find the remainder when ${a}^{{{n}}}$ is divided by ${m}$.",
            f"Compute the remainder of ${a}^{{{n}}}$ upon division by ${m}$.",
        )
    )
    source = rng.choice(("number_theory", "olympiads", "aops_forum"))
    return Problem(
        text, str(ans), steps, checks, 4 + int(order > 6), "Number Theory", "find a remainder", source=source
    )


def _t_derivative(rng: random.Random) -> Problem:
    a = rng.choice([v for v in range(-6, 7) if v])
    b, c, d = rng.randint(-9, 9), rng.randint(-9, 9), rng.randint(-9, 9)
    t = rng.randint(-4, 4)
    ans = 3 * a * t * t + 2 * b * t + c
    steps = [
        f"Differentiate term by term: f'(x) = {3 * a}x² + ({2 * b})x + ({c}).",
        (f"At x = {t}: {3 * a}·{t * t} + ({2 * b})·({t}) + ({c}) = {3 * a * t * t} + ({2 * b * t}) + ({c}) = {ans}."),
    ]
    checks = [f"{3 * a}·{t * t} = {3 * a * t * t}", f"({2 * b})·({t}) = {2 * b * t}"]
    text = f"Let $f(x) = {poly([a, b, c, d])}$. Compute $f'({t})$."
    return Problem(text, str(ans), steps, checks, 3, "Calculus", "evaluate a derivative")


def _t_inequality(rng: random.Random) -> Problem:
    a, b, c = rng.randint(2, 9), rng.randint(-40, 40), rng.randint(-40, 40)
    q = c - b
    ans = -((-q) // a) - 1
    lhs = (f"{a}x" + (signed(b) if b else "")).replace(" ", "")
    steps = [
        f"Subtract {b}: {a}x < {c} − ({b}) = {q}.",
        f"Divide by {a} > 0: x < {frac_plain(Fraction(q, a))}.",
        f"The largest integer strictly below that is {ans}.",
    ]
    checks = [
        f"{a}·{ans}{signed(b)} = {a * ans + b} < {c}",
        f"{a}·{ans + 1}{signed(b)} = {a * (ans + 1) + b} ≥ {c}",
    ]
    text = f"Find the largest integer $x$ such that ${lhs} < {c}$."
    task = "find the largest integer solution of an inequality"
    source = rng.choice(("inequalities", "olympiads"))
    return Problem(text, str(ans), steps, checks, 3, "Inequalities", task, source=source)


CONTEST_TEMPLATES: tuple[tuple[Callable[[random.Random], Problem], float], ...] = (
    (_t_binomial, 1.0),
    (_t_geometry, 1.0),
    (_t_quadratic, 1.0),
    (_t_modpow, 0.8),
    (_t_derivative, 0.7),
    (_t_inequality, 0.7),
)
