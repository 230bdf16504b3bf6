"""Problem templates, part 1: arithmetic, algebra, number theory and word problems.

Each ``_t_*`` draws a problem from ``rng`` and computes its answer exactly (``Fraction`` / ``math``), with the
worked steps and checks its traces are written from. :data:`ARITHMETIC_TEMPLATES` gives their weights in the
mix; its order is part of the data (the draw picks by position), so append, never reorder.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from fractions import Fraction

from s2r_hf.synthetic.problem import Problem, frac_plain, frac_tex, poly, signed

_NAMES = (
    "Zoë", "李雷", "韩梅梅", "José", "Amélie", "Łukasz", "Siobhán", "Ørjan", "Nguyễn", "Müller",
    "Ana", "Tom", "Priya", "Kofi", "Ingrid", "Ahmed",
)  # fmt: skip
_ITEMS = (  # (English, Chinese measure word, Chinese noun)
    ("apples", "个", "苹果"), ("marbles", "颗", "弹珠"), ("stickers", "张", "贴纸"), ("books", "本", "书"),
    ("pencils", "支", "铅笔"), ("coins", "枚", "硬币"),
)  # fmt: skip


def _t_expression(rng: random.Random) -> Problem:
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
    return Problem(
        text=f"{lead} ${expr}$.",
        answer=str(value),
        steps=steps,
        checks=checks,
        difficulty=n_ops,
        problem_type=rng.choice(("Algebra", "Algebra", "Other")),
        task="evaluate this expression, working from the innermost parentheses outwards",
    )


def _t_linear(rng: random.Random) -> Problem:
    a = rng.randint(2, 12)
    b = rng.choice([v for v in range(-50, 51) if v])
    if rng.random() < 0.7:
        x = Fraction(rng.randint(-20, 20))
        c = int(a * x + b)
    else:
        c = rng.randint(-50, 50)
        x = Fraction(c - b, a)
    lhs = f"{a}x{signed(b)}"
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
        + ("." if frac_plain(x) == f"{c - b}/{a}" else f" = {frac_plain(x)}."),
    ]
    checks = [f"{c} − ({b}) = {c - b}", f"{a} · {frac_plain(x)} = {frac_plain(a * x)}"]
    ans = frac_tex(x)
    return Problem(
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


def _t_series(rng: random.Random) -> Problem:
    a, d, n = rng.randint(1, 20), rng.choice((-3, -2, -1, 1, 2, 3, 4, 5, 6, 7)), rng.randint(5, 40)
    last = a + (n - 1) * d
    total = n * (a + last) // 2
    if rng.random() < 0.5:
        text = f"Add the first ${n}$ terms of ${a},{a + d},{a + 2 * d},\\ldots$, an arithmetic sequence."
    else:
        term = poly([d, a - d], "k").replace(" ", "")
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
    return Problem(text, str(total), steps, checks, 3, "Algebra", "sum an arithmetic progression")


def _euclid(a: int, b: int) -> tuple[int, list[str]]:
    lines = []
    while b:
        q, r = divmod(a, b)
        lines.append(f"{a} = {q}·{b} + {r}")
        a, b = b, r
    return a, lines


def _t_gcd_lcm(rng: random.Random) -> Problem:
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
    return Problem(
        text=text,
        answer=ans,
        steps=steps,
        checks=list(lines),
        difficulty=min(5, 1 + (len(lines) + 1) // 2 + int(want_lcm)),
        problem_type="Number Theory",
        task="find the " + ("least common multiple" if want_lcm else "greatest common divisor"),
        source=rng.choice(("number_theory", "olympiads")),
    )


def _t_word(rng: random.Random) -> Problem:
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
    return Problem(
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


def _t_fraction(rng: random.Random) -> Problem:
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
        f"So the result is ({na} {op} {nc})/{den} = {nr}/{den} = {frac_plain(x)} in lowest terms.",
    ]
    checks = [f"{a}·{den // b} = {na}", f"{c}·{den // d} = {nc}", f"{na} {op} {nc} = {nr}"]
    ans = frac_tex(x)
    return Problem(
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


def _t_sqrt(rng: random.Random) -> Problem:
    m = rng.choice((2, 3, 5, 6, 7, 10, 11, 13, 14, 15))
    k = rng.randint(2, 30)
    n = k * k * m
    steps = [
        f"Factor out the largest square: {n} = {k * k}·{m} = {k}²·{m}.",
        f"So √{n} = {k}√{m}, and {m} has no square factor left.",
    ]
    checks = [f"{k}² = {k * k}", f"{k * k}·{m} = {n}"]
    ans = f"{k}\\sqrt{{{m}}}"
    return Problem(
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


ARITHMETIC_TEMPLATES: tuple[tuple[Callable[[random.Random], Problem], float], ...] = (
    (_t_expression, 4.0),
    (_t_linear, 2.0),
    (_t_series, 1.0),
    (_t_gcd_lcm, 1.5),
    (_t_word, 2.0),
    (_t_fraction, 1.0),
    (_t_sqrt, 0.7),
)
