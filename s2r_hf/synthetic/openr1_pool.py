"""A synthetic pool in the REAL OpenR1-Math-220k schema, generated offline from a seed.

Why: the Hub (``open-r1/OpenR1-Math-220k``) is unreachable in CI and on many clusters, yet normalisation,
scoring, selection and SFT must run on rows with exactly the real columns and types and the same awkward
cases. So this module generates such rows: 2-4 ``<think>`` traces per problem with math-verify / llama
correctness flags and truncated traces; arithmetic/algebra problems (the ``_t_*`` templates) whose answers
are really correct; traces whose length varies over two orders of magnitude and correlates with
difficulty, with "rethinking" passages; and the row kinds a normaliser must drop (no verified trace,
llama-only, first verified trace incomplete).

Row ``i`` is a pure function of ``(seed, i)`` via ``random.Random`` seeded with the string
``"s2r_hf.synthetic/openr1/{seed}/{i}"``. That string is part of the data (dataset caches and tests depend
on it), not a module path: keep it verbatim even though this code now lives in ``s2r_hf.synthetic.openr1_pool``.
"""

from __future__ import annotations

import logging
import math
import random
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import datasets

logger = logging.getLogger(__name__)

__all__ = [
    "OPENR1_COLUMNS",
    "PROBLEM_TYPES",
    "QUESTION_TYPES",
    "SOURCES",
    "openr1_dataset",
    "openr1_features",
    "openr1_rows",
]

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

# Row-kind mix (fractions of rows) -- what a normaliser has to drop.
_P_NO_CORRECT = 0.08  # no trace correct under either grader
_P_LLAMA_ONLY = 0.04  # math-verify rejects every trace, llama accepts one
_P_FIRST_INCOMPLETE = 0.03  # the first math-verify-correct trace is truncated
_P_LLAMA_NONE = 0.05  # correctness_llama is None
_P_TRACE_TRUNCATED = 0.04  # per trace, in ordinary rows
_P_FINISH_NONE = 0.02  # per complete trace, finish_reasons is None

# --------------------------------------------------------------------------------------------------
# Problem templates
# --------------------------------------------------------------------------------------------------

_NAMES = (
    "Zoë", "李雷", "韩梅梅", "José", "Amélie", "Łukasz", "Siobhán", "Ørjan", "Nguyễn", "Müller",
    "Ana", "Tom", "Priya", "Kofi", "Ingrid", "Ahmed",
)  # fmt: skip
_ITEMS = (  # (English, Chinese measure word, Chinese noun)
    ("apples", "个", "苹果"), ("marbles", "颗", "弹珠"), ("stickers", "张", "贴纸"), ("books", "本", "书"),
    ("pencils", "支", "铅笔"), ("coins", "枚", "硬币"),
)  # fmt: skip


@dataclass
class _Problem:
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


def _frac_tex(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    sign = "-" if x < 0 else ""
    return f"{sign}\\frac{{{abs(x.numerator)}}}{{{x.denominator}}}"


def _frac_plain(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _signed(v: int) -> str:
    """`` + 5`` / `` - 5`` for use after a leading term."""
    return f" + {v}" if v >= 0 else f" - {-v}"


def _poly(coeffs: Sequence[int], var: str = "x") -> str:
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


def _t_expression(rng: random.Random) -> _Problem:
    n_ops = rng.randint(2, 5)
    value = rng.randint(2, 30)
    expr = str(value)
    steps: list[str] = []
    checks: list[str] = []
    ordinals = ("First", "Next", "Then", "After that", "Finally")
    for k in range(n_ops):
        op = rng.choices("+-*/", weights=(4, 3, 3, 1))[0]
        if op == "/":
            divisors = [d for d in range(2, 10) if value != 0 and value % d == 0]
            if divisors:
                b = rng.choice(divisors)
                new, tex, sym = value // b, "\\div", "÷"
            else:
                op = "*"
        if op == "+":
            b = rng.randint(1, 40)
            new, tex, sym = value + b, "+", "+"
        elif op == "-":
            b = rng.randint(1, 40)
            new, tex, sym = value - b, "-", "−"
        elif op == "*":
            b = rng.randint(2, 9)
            new, tex, sym = value * b, "\\times", "×"
        left = expr if k == 0 else f"({expr})"
        expr = f"{left} {tex} {b}"
        word = ordinals[min(k, 3)] if k < n_ops - 1 else "Finally"
        steps.append(f"{word}, {value} {sym} {b} = {new}.")
        checks.append(f"{value} {sym} {b} = {new}")
        value = new
    lead = rng.choice(
        (
            "Evaluate the expression",
            "Compute the value of",
            "Find the value of",
            "Calculate the exact value of",
        )
    )
    return _Problem(
        text=f"{lead} ${expr}$.",
        answer=str(value),
        steps=steps,
        checks=checks,
        difficulty=n_ops,
        problem_type=rng.choice(("Algebra", "Algebra", "Other")),
        task="evaluate this expression, working from the innermost parentheses outwards",
    )


def _t_linear(rng: random.Random) -> _Problem:
    a = rng.randint(2, 12)
    b = rng.choice([v for v in range(-50, 51) if v])
    if rng.random() < 0.7:
        x = Fraction(rng.randint(-20, 20))
        c = int(a * x + b)
    else:
        c = rng.randint(-50, 50)
        x = Fraction(c - b, a)
    lhs = f"{a}x{_signed(b)}"
    text = rng.choice(
        (
            f"Solve for $x$: ${lhs} = {c}$.",
            f"Find the real $x$ with ${lhs} = {c}$.",
            f"If ${lhs} = {c}$, what is $x$?",
        )
    )
    steps = [
        f"Move the constant: {a}x = {c} − ({b}) = {c - b}.",
        f"Divide both sides by {a}: x = {c - b}/{a}"
        + ("." if _frac_plain(x) == f"{c - b}/{a}" else f" = {_frac_plain(x)}."),
    ]
    checks = [f"{c} − ({b}) = {c - b}", f"{a} · {_frac_plain(x)} = {_frac_plain(a * x)}"]
    ans = _frac_tex(x)
    return _Problem(
        text=text,
        answer=ans,
        steps=steps,
        checks=checks,
        difficulty=2 if x.denominator == 1 else 3,
        problem_type="Algebra",
        task="solve a linear equation for x",
        mcq_ok=x.denominator == 1,
        alt_answers=[f"x={ans}", f"x = {ans}"],
    )


def _t_series(rng: random.Random) -> _Problem:
    a, d, n = rng.randint(1, 20), rng.choice((-3, -2, -1, 1, 2, 3, 4, 5, 6, 7)), rng.randint(5, 40)
    last = a + (n - 1) * d
    total = n * (a + last) // 2
    if rng.random() < 0.5:
        text = f"Add the first ${n}$ terms of ${a},{a + d},{a + 2 * d},\\ldots$, an arithmetic sequence."
    else:
        term = _poly([d, a - d], "k").replace(" ", "")
        text = f"Evaluate the finite sum $\\sum_{{k=1}}^{{{n}}}({term})$ and simplify the result."
    steps = [
        f"The first term is {a} and the common difference is {d}.",
        f"The {n}-th term is {a} + ({n} − 1)·({d}) = {last}.",
        f"The sum is {n}·({a} + {last})/2 = {n}·{a + last}/2 = {total}.",
    ]
    checks = [
        f"({n} − 1)·({d}) = {(n - 1) * d}",
        f"{n}·{a + last} = {n * (a + last)}",
        f"{n * (a + last)}/2 = {total}",
    ]
    return _Problem(text, str(total), steps, checks, 3, "Algebra", "sum an arithmetic progression")


def _euclid(a: int, b: int) -> tuple[int, list[str]]:
    lines = []
    while b:
        q, r = divmod(a, b)
        lines.append(f"{a} = {q}·{b} + {r}")
        a, b = b, r
    return a, lines


def _t_gcd_lcm(rng: random.Random) -> _Problem:
    g = rng.randint(2, 30)
    while True:
        m, n = rng.randint(2, 40), rng.randint(2, 40)
        if m != n and math.gcd(m, n) == 1:
            break
    a, b = g * max(m, n), g * min(m, n)
    g2, lines = _euclid(a, b)
    steps = [f"Use the Euclidean algorithm: {line}." for line in lines]
    steps.append(f"The last nonzero remainder is {g2}, so gcd({a}, {b}) = {g2}.")
    want_lcm = rng.random() < 0.4
    if want_lcm:
        lcm = a * b // g2
        steps.append(f"Then lcm({a}, {b}) = {a}·{b}/{g2} = {a * b}/{g2} = {lcm}.")
        text = rng.choice(
            (
                f"Find the least common multiple of ${a}$ and ${b}$.",
                f"Compute $\\operatorname{{lcm}}({a}, {b})$, the least common multiple of ${a}$ and ${b}$.",
            )
        )
        ans = str(lcm)
    else:
        text = rng.choice(
            (
                f"Find $\\gcd({a}, {b})$, the greatest common divisor of ${a}$ and ${b}$.",
                f"What is the greatest common divisor of ${a}$ and ${b}$?",
            )
        )
        ans = str(g2)
    return _Problem(
        text=text,
        answer=ans,
        steps=steps,
        checks=list(lines),
        difficulty=min(5, 1 + (len(lines) + 1) // 2 + int(want_lcm)),
        problem_type="Number Theory",
        task="find the " + ("least common multiple" if want_lcm else "greatest common divisor"),
        source=rng.choice(("number_theory", "olympiads")),
    )


def _t_word(rng: random.Random) -> _Problem:
    name, other = rng.sample(_NAMES, 2)
    items, unit, noun = rng.choice(_ITEMS)
    a, k, p = rng.randint(3, 60), rng.randint(2, 12), rng.randint(2, 25)
    q = rng.randint(1, a + k * p - 1)
    ans = a + k * p - q
    steps = [
        f"{name} starts with {a} {items}.",
        f"{k} bags of {p} add {k}·{p} = {k * p} {items}, giving {a} + {k * p} = {a + k * p}.",
        f"Giving {q} to {other} leaves {a + k * p} − {q} = {ans}.",
    ]
    checks = [f"{k}·{p} = {k * p}", f"{a} + {k * p} = {a + k * p}", f"{a + k * p} − {q} = {ans}"]
    source = None
    if rng.random() < 0.3:
        text = (
            f"{name} 有 {a} {unit}{noun}，又买了 {k} 袋，每袋 {p} {unit}，然后给了 {other} {q} {unit}。"
            f"{name} 现在有多少{unit}{noun}？"
        )
        source = "cn_contest"
    else:
        text = f"{name} has {a} {items}, buys {k} bags of {p} {items}, then gives {q} to {other}. How many {items} now?"
    return _Problem(
        text=text,
        answer=str(ans),
        steps=steps,
        checks=checks,
        difficulty=3,
        problem_type=rng.choice(("Logic and Puzzles", "Other", "Algebra")),
        task=f"count how many {items} {name} ends up with",
        source=source,
        alt_answers=[f"{ans}\\text{{ {items}}}", f"{ans}.0"],
    )


def _t_fraction(rng: random.Random) -> _Problem:
    b, d = rng.randint(2, 12), rng.randint(2, 12)
    a, c = rng.randint(1, 2 * b), rng.randint(1, 2 * d)
    minus = rng.random() < 0.4
    x = Fraction(a, b) - Fraction(c, d) if minus else Fraction(a, b) + Fraction(c, d)
    den = b * d // math.gcd(b, d)
    na, nc = a * (den // b), c * (den // d)
    nr = na - nc if minus else na + nc
    op = "-" if minus else "+"
    expr = f"\\frac{{{a}}}{{{b}}} {op} \\frac{{{c}}}{{{d}}}"
    text = rng.choice(
        (
            f"Simplify the {'difference' if minus else 'sum'} ${expr}$ to lowest terms.",
            f"Write ${expr}$ as one reduced fraction.",
        )
    )
    steps = [
        f"The common denominator is lcm({b}, {d}) = {den}.",
        f"{a}/{b} = {na}/{den} and {c}/{d} = {nc}/{den}.",
        f"So the result is ({na} {op} {nc})/{den} = {nr}/{den} = {_frac_plain(x)} in lowest terms.",
    ]
    checks = [f"{a}·{den // b} = {na}", f"{c}·{den // d} = {nc}", f"{na} {op} {nc} = {nr}"]
    ans = _frac_tex(x)
    return _Problem(
        text,
        ans,
        steps,
        checks,
        2,
        "Algebra",
        "add two fractions",
        mcq_ok=x.denominator == 1,
        alt_answers=[ans.replace("\\frac", "\\dfrac")] if "\\frac" in ans else [f"{ans}.0"],
    )


def _t_sqrt(rng: random.Random) -> _Problem:
    m = rng.choice((2, 3, 5, 6, 7, 10, 11, 13, 14, 15))
    k = rng.randint(2, 30)
    n = k * k * m
    steps = [
        f"Factor out the largest square: {n} = {k * k}·{m} = {k}²·{m}.",
        f"So √{n} = {k}√{m}, and {m} has no square factor left.",
    ]
    checks = [f"{k}² = {k * k}", f"{k * k}·{m} = {n}"]
    ans = f"{k}\\sqrt{{{m}}}"
    return _Problem(
        f"Simplify $\\sqrt{{{n}}}$, that is, write $\\sqrt{{{n}}}$ in simplest radical form.",
        ans,
        steps,
        checks,
        2,
        rng.choice(("Algebra", "Other")),
        "simplify a square root",
        mcq_ok=False,
        alt_answers=[f"{k} \\cdot \\sqrt{{{m}}}", f"\\sqrt{{{k * k}}}\\sqrt{{{m}}}"],
    )


def _t_binomial(rng: random.Random) -> _Problem:
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
    return _Problem(text, str(ans), steps, checks, 3 + int(k >= 4), "Combinatorics", "count the selections")


def _t_geometry(rng: random.Random) -> _Problem:
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
        return _Problem(text, str(c), steps, checks, 2, "Geometry", "find the hypotenuse")
    s, t = rng.randint(2, 30), rng.randint(2, 30)
    per = 2 * (s + t)
    steps = [
        f"Half the perimeter is {per}/2 = {s + t}, so the other side is {s + t} − {s} = {t}.",
        f"The area is {s}·{t} = {s * t}.",
    ]
    checks = [f"{per}/2 = {s + t}", f"{s}·{t} = {s * t}"]
    text = f"A rectangle: perimeter ${per}$, one side ${s}$. Find its area."
    return _Problem(text, str(s * t), steps, checks, 3, "Geometry", "find the area of the rectangle")


def _t_quadratic(rng: random.Random) -> _Problem:
    r1, r2 = rng.sample(range(-12, 13), 2)
    s, p = r1 + r2, r1 * r2
    eq = _poly([1, -s, p]).replace(" ", "") + "=0"
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
    return _Problem(text, str(ans), steps, checks, 4, "Algebra", "work with the roots of a quadratic")


def _t_modpow(rng: random.Random) -> _Problem:
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
    return _Problem(
        text, str(ans), steps, checks, 4 + int(order > 6), "Number Theory", "find a remainder", source=source
    )


def _t_derivative(rng: random.Random) -> _Problem:
    a = rng.choice([v for v in range(-6, 7) if v])
    b, c, d = rng.randint(-9, 9), rng.randint(-9, 9), rng.randint(-9, 9)
    t = rng.randint(-4, 4)
    ans = 3 * a * t * t + 2 * b * t + c
    steps = [
        f"Differentiate term by term: f'(x) = {3 * a}x² + ({2 * b})x + ({c}).",
        (f"At x = {t}: {3 * a}·{t * t} + ({2 * b})·({t}) + ({c}) = {3 * a * t * t} + ({2 * b * t}) + ({c}) = {ans}."),
    ]
    checks = [f"{3 * a}·{t * t} = {3 * a * t * t}", f"({2 * b})·({t}) = {2 * b * t}"]
    text = f"Let $f(x) = {_poly([a, b, c, d])}$. Compute $f'({t})$."
    return _Problem(text, str(ans), steps, checks, 3, "Calculus", "evaluate a derivative")


def _t_inequality(rng: random.Random) -> _Problem:
    a, b, c = rng.randint(2, 9), rng.randint(-40, 40), rng.randint(-40, 40)
    q = c - b
    ans = -((-q) // a) - 1
    lhs = (f"{a}x" + (_signed(b) if b else "")).replace(" ", "")
    steps = [
        f"Subtract {b}: {a}x < {c} − ({b}) = {q}.",
        f"Divide by {a} > 0: x < {_frac_plain(Fraction(q, a))}.",
        f"The largest integer strictly below that is {ans}.",
    ]
    checks = [
        f"{a}·{ans}{_signed(b)} = {a * ans + b} < {c}",
        f"{a}·{ans + 1}{_signed(b)} = {a * (ans + 1) + b} ≥ {c}",
    ]
    text = f"Find the largest integer $x$ such that ${lhs} < {c}$."
    task = "find the largest integer solution of an inequality"
    source = rng.choice(("inequalities", "olympiads"))
    return _Problem(text, str(ans), steps, checks, 3, "Inequalities", task, source=source)


_TEMPLATES: tuple[tuple[Callable[[random.Random], _Problem], float], ...] = (
    (_t_expression, 4.0),
    (_t_linear, 2.0),
    (_t_series, 1.0),
    (_t_gcd_lcm, 1.5),
    (_t_word, 2.0),
    (_t_fraction, 1.0),
    (_t_sqrt, 0.7),
    (_t_binomial, 1.0),
    (_t_geometry, 1.0),
    (_t_quadratic, 1.0),
    (_t_modpow, 0.8),
    (_t_derivative, 0.7),
    (_t_inequality, 0.7),
)
_SOURCE_WEIGHTS = (0.45, 0.15, 0.12, 0.08, 0.1, 0.1)


def _make_problem(rng: random.Random) -> tuple[_Problem, str, str]:
    """Draw a problem; returns it with its question_type and source."""
    fns, weights = zip(*_TEMPLATES, strict=True)
    prob = rng.choices(fns, weights=weights)[0](rng)
    source = prob.source or rng.choices(SOURCES, weights=_SOURCE_WEIGHTS)[0]
    qtype = rng.choices(QUESTION_TYPES, weights=(0.86, 0.10, 0.04))[0]
    if rng.random() < 0.05:
        prob.problem_type = "Other"
    if qtype == "MCQ" and not (prob.mcq_ok and re.fullmatch(r"-?\d+", prob.answer)):
        qtype = "math-word-problem"
    if qtype == "MCQ":
        value = int(prob.answer)
        options = {value}
        while len(options) < 5:
            options.add(value + rng.choice((-1, 1)) * rng.randint(1, max(3, abs(value) // 3 + 1)))
        ordered = sorted(options)
        letter = "ABCDE"[ordered.index(value)]
        prob.text += "\n" + " \\qquad ".join(
            f"$\\textbf{{({L})}}\\ {v}$" for L, v in zip("ABCDE", ordered, strict=True)
        )
        prob.steps.append(f"The value {value} is option ({letter}).")
        prob.answer = letter
        prob.alt_answers = [f"\\text{{({letter})}}", f"\\textbf{{({letter})}}"]
        source = "amc_aime"
    return prob, qtype, source


def _wrong_answer(ans: str, rng: random.Random) -> str:
    """A plausible but wrong final answer."""
    if re.fullmatch(r"[A-E]", ans):
        return rng.choice([L for L in "ABCDE" if ans != L])
    if re.fullmatch(r"-?\d+", ans) and ans not in ("0", "-0") and rng.random() < 0.25:
        return ans[1:] if ans.startswith("-") else "-" + ans
    m = re.search(r"\d+", ans)
    if m is None:  # pragma: no cover - every template answer has a digit
        return ans + "+1"
    bumped = str(int(m.group()) + rng.choice((1, 1, 2, 3, 5, 10)))
    return ans[: m.start()] + bumped + ans[m.end() :]


def _alt_answer(prob: _Problem, rng: random.Random) -> str:
    """Same value, different surface form: math-verify (string match here) rejects, a judge LLM accepts."""
    options = [a for a in prob.alt_answers if a != prob.answer]
    if not options:
        options = [f"\\text{{{prob.answer}}}"]
    return rng.choice(options)


# --------------------------------------------------------------------------------------------------
# Reasoning traces
# --------------------------------------------------------------------------------------------------

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


def _filler(rng: random.Random, prob: _Problem, rethink: float) -> str:
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


def _target_words(rng: random.Random, difficulty: int, lo: int, hi: int, wrong: bool) -> int:
    """Log-normal trace length in [lo, hi]; harder problems and wrong traces run longer on average."""
    llo, lhi = math.log(lo), math.log(hi)
    span = max(lhi - llo, 1e-9)
    mu = llo + span * (0.12 + 0.12 * difficulty) + (0.3 if wrong else 0.0)
    return int(min(hi, max(lo, rng.lognormvariate(mu, 0.2 * span))))


def _trace(
    rng: random.Random,
    prob: _Problem,
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
    # Truncate mid-sentence at the target length ("length" finish reason).
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
    return "<think>\n" + "\n\n".join(out)


# --------------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------------


def _row_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"s2r_hf.synthetic/openr1/{seed}/{index}")


def _row(seed: int, index: int, min_think_words: int, max_think_words: int) -> dict[str, Any]:
    rng = _row_rng(seed, index)
    row_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    prob, qtype, source = _make_problem(rng)  # drawn first: independent of the length parameters
    n_gen = rng.choices((2, 3, 4), weights=(0.55, 0.2, 0.25))[0]

    u = rng.random()
    if u < _P_NO_CORRECT:
        kind = "none"
    elif u < _P_NO_CORRECT + _P_LLAMA_ONLY:
        kind = "llama_only"
    elif u < _P_NO_CORRECT + _P_LLAMA_ONLY + _P_FIRST_INCOMPLETE:
        kind = "first_incomplete"
    else:
        kind = "normal"

    # Per trace: "correct" | "wrong" | "truncated" (no boxed answer) | "alt" | "correct_truncated".
    p_correct = max(0.35, 0.9 - 0.1 * prob.difficulty)
    plan: list[str] = []
    if kind == "normal":
        for _ in range(n_gen):
            if rng.random() < _P_TRACE_TRUNCATED:
                plan.append("truncated")
            else:
                plan.append("correct" if rng.random() < p_correct else "wrong")
        if "correct" not in plan:
            plan[rng.randrange(n_gen)] = "correct"
    elif kind == "none":
        plan = ["truncated" if rng.random() < _P_TRACE_TRUNCATED else "wrong" for _ in range(n_gen)]
    elif kind == "llama_only":
        plan = ["wrong"] * n_gen
        plan[rng.randrange(n_gen)] = "alt"
    else:
        plan = ["wrong"] * n_gen
        plan[rng.choices(range(n_gen), weights=[4] + [1] * (n_gen - 1))[0]] = "correct_truncated"

    generations: list[str] = []
    complete: list[bool] = []
    verify: list[bool] = []
    llama: list[bool] = []
    finish: list[str | None] = []
    for p in plan:
        final = {
            "correct": prob.answer,
            "correct_truncated": prob.answer,
            "alt": _alt_answer(prob, rng),
        }.get(p) or _wrong_answer(prob.answer, rng)
        is_complete = p not in ("truncated", "correct_truncated")
        target = _target_words(rng, prob.difficulty, min_think_words, max_think_words, wrong=p != "correct")
        generations.append(
            _trace(
                rng,
                prob,
                target,
                final,
                complete=is_complete,
                boxed_in_think=p == "correct_truncated",
                slip=p in ("wrong", "truncated"),
            )
        )
        complete.append(is_complete)
        verify.append(p in ("correct", "correct_truncated"))
        llama.append(p in ("correct", "correct_truncated", "alt"))
        if not is_complete:
            finish.append("length")
        else:
            finish.append(None if rng.random() < _P_FINISH_NONE else "stop")

    if kind == "normal":
        llama = [(not v) if rng.random() < 0.05 else v for v in llama]
    llama_col: list[bool] | None = llama
    if kind != "llama_only" and rng.random() < _P_LLAMA_NONE:
        llama_col = None

    solution = " ".join(prob.steps) + f" The answer is $\\boxed{{{prob.answer}}}$."
    return {
        "problem": prob.text,
        "solution": solution,
        "answer": prob.answer,
        "problem_type": prob.problem_type,
        "question_type": qtype,
        "source": source,
        "uuid": row_uuid,
        "is_reasoning_complete": complete,
        "generations": generations,
        "correctness_math_verify": verify,
        "correctness_llama": llama_col,
        "finish_reasons": finish,
        "correctness_count": sum(verify),
        "messages": [
            {"role": "user", "content": prob.text},
            {"role": "assistant", "content": generations[0]},
        ],
    }


def openr1_rows(n: int, seed: int = 0, min_think_words: int = 60, max_think_words: int = 3000) -> Iterator[dict]:
    """Yield ``n`` synthetic rows in the OpenR1-Math-220k schema (see SPEC §1).

    Row ``i`` depends only on ``(seed, i)`` (and its traces on the length bounds), so a prefix of a larger
    pool equals a smaller pool. Problem, answer and uuid do not depend on the length bounds.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not 1 <= min_think_words <= max_think_words:
        raise ValueError(f"need 1 <= min_think_words <= max_think_words, got {min_think_words}, {max_think_words}")
    for i in range(n):
        yield _row(seed, i, min_think_words, max_think_words)


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


def openr1_dataset(n: int, seed: int = 0, cache_dir: str | None = None, **kw: Any) -> datasets.Dataset:
    """The synthetic pool as a ``datasets.Dataset``, streamed to Arrow on disk (never a list in RAM).

    ``kw`` goes to :func:`openr1_rows` (``min_think_words``, ``max_think_words``).
    """
    import datasets

    gen_kwargs = {"n": n, "seed": seed, **kw}
    logger.info("Building synthetic OpenR1 pool: %s", gen_kwargs)
    return datasets.Dataset.from_generator(
        openr1_rows, gen_kwargs=gen_kwargs, features=openr1_features(), cache_dir=cache_dir
    )
