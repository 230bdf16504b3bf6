"""Are two final answers the same? Normalisation and structure around math-verify (SPEC §6).

math-verify compares one expression with another well, but benchmark answer keys and models write
answers in forms it misreads, and it is generous where a grader must not be:

* presentation: escaped currency ``\\$36`` (read as a math delimiter), ``\\!`` / ``\\,`` spacing and
  ``{,}`` inside numbers, ``\\dfrac``, ``\\left``/``\\right``, degrees, a trailing unit ``5\\text{ cm}``;
* several answers: OlympiadBench keys like ``$69$,$84$`` (inner ``$``) and bare lists ``24, 112`` are
  compared part by part, in any order, and never read as one number (``24,112`` without a space is read
  either way, as a thousands-separated number or as two answers, whichever the other side is);
* equations: math-verify accepts the right side of any equation; here, as in the authors' ``math_equal``
  (Qwen2.5-Math / Select2Reason ``utils/grader.py``), an equation's right side stands for it only when its
  left side is at most two characters (``x=5`` for ``5``; not ``x^2+y^2=1`` for ``1``);
  ``x \\in (1,2)`` is read the same way.

Speed and bounds: parses are cached per text; two constants are compared by value, and formulas that differ
at two generic points, tuples/sets of different sizes and a number against an interval are ruled out before
math-verify's symbolic simplification (~0.1 s a pair). Answers over ``MAX_ANSWER_CHARS`` and constants whose
value Python cannot compute in bounded time (``10^{10^{10^{10}}}``) are compared as text only: big-integer
arithmetic cannot be interrupted by math-verify's timeout. That timeout (SIGALRM) works on the main thread
only; on other threads math-verify is called without it instead of failing every parse (see ``_math_verify``).
"""

from __future__ import annotations

import ast
import cmath
import json
import re
import threading
from functools import lru_cache

from s2r_hf.grading.forms import (
    as_interval,
    drop_plain_unit,
    e_notation,
    is_set_builder,
    list_separators,
    system_as_list,
    unicode_to_latex,
)

MAX_ANSWER_CHARS = 1000  # a longer answer is compared as text only (math-verify on huge LaTeX is slow)
MAX_PARTS = 12  # more comma-separated parts than this: compared as text only
TIMEOUT_S = 2  # math-verify parse/verify timeout (signal based: main thread only)

_INNER_DOLLAR_LIST = re.compile(r"\$\s*[,;]\s*\$")
_SPACING = re.compile(r"(?<!\\)\\[!,;:> ]|\\q?quad\b|~")  # not the "\\\\ " ending a matrix row
_SIZING = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])|\\displaystyle|\\mathrm(?=\{[^{}]*\})")
_DEGREE = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|°|\\degree")
# a unit: a word (two letters or more) or text after a space; "\\mathrm{i}" and "\\text{(C)}" are no units
_TRAILING_UNIT = re.compile(
    r"\s*\\(?:text|mbox|textrm|mathrm)\{(?:\s[^{}]*|[^{}]*[A-Za-z]{2}[^{}]*)\}(?:\s*\^\s*\{?\d\}?)?\s*$"
)
_TEXT_WRAP = re.compile(r"\\(?:text|textbf|textrm|mathrm|mathbf|mbox)\{([^{}]*)\}")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PERCENT = re.compile(r"\\?%")
_IN = re.compile(r"\\in(?![A-Za-z])")
_EQUALS = re.compile(r"(?<![<>!:=\\])=(?!=)")


def clean(text: str) -> str:
    """Presentation removed, meaning kept: currency and spacing macros, ``$``, sizing, ``\\dfrac``, degrees,
    a trailing ``\\text{unit}`` after something else, a final period."""
    text = system_as_list(unicode_to_latex(str(text).strip()))
    text = text.replace("\\$", "").replace("{,}", ",")
    text = re.sub(r",\\!\s*", ",", text)  # "11,\\! 111,\\! 100": thousands groups, whatever the spacing
    text = _INNER_DOLLAR_LIST.sub(", ", text)  # "$69$,$84$" (its outer $ maybe already stripped): two answers
    text = text.replace("$", "").replace("\\(", "").replace("\\)", "")
    text = _SPACING.sub("", text)
    text = _DEGREE.sub("", text)
    if len(text) <= MAX_ANSWER_CHARS:  # longer: compared as text; the unit pattern backtracks over long blank runs
        stripped = drop_plain_unit(_TRAILING_UNIT.sub("", text))
        text = stripped if stripped.strip() else text
    text = _SIZING.sub("", text)
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    text = text.replace("\\leqslant", "\\leq").replace("\\geqslant", "\\geq")
    return e_notation(text.strip().rstrip(".").strip())


def compact(text: str) -> str:
    """The cleaned answer without spaces and ``\\text{}`` wrappers: what a verbatim match compares."""
    return re.sub(r"\s+", "", _TEXT_WRAP.sub(r"\1", text)).replace("\\{", "{").replace("\\}", "}")


def split_parts(text: str) -> list[str]:
    """Top-level comma/semicolon-separated parts (commas inside brackets, braces or ``\\{…\\}`` are kept)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        elif ch in ",;" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def readings(text: str) -> list[list[str]]:
    """The ways to read a cleaned answer as a list of answers: ``24, 112`` → [[24, 112]]; ``24,112`` (digit
    groups of three after the first) → [[24,112], [24, 112]] — a thousands-separated number or two answers."""
    if _THOUSANDS.fullmatch(text):
        parts = text.split(",")  # two answers only if no group has a leading zero ("1,000,000" is one number)
        return [[text], parts] if not any(part.startswith("0") for part in parts[1:]) else [[text]]
    interval = as_interval(text)  # "x \\geq 2", "\\{x \\mid -3<x<4\\}": one answer, an interval
    if interval is not None:
        return [[interval]]
    return [split_parts(list_separators(text)) or [text]]


def gold_problem(gold) -> str | None:
    """Why ``gold`` cannot be graded (None when it can): an empty gold, or a dict of sub-answers (Kaoyan rows
    hold some; no single boxed answer can equal several labelled ones)."""
    if isinstance(gold, dict):
        return "the gold answer is a dict of sub-answers; no single boxed answer can match it"
    text = "" if gold is None else str(gold).strip()
    if not text:
        return "the gold answer is empty"
    if text.startswith("{") and text.endswith("}") and ":" in text:
        for load in (json.loads, ast.literal_eval):
            try:
                value = load(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(value, dict):
                return "the gold answer is a dict of sub-answers; no single boxed answer can match it"
    return None


def _relation(text: str) -> tuple[str, str] | None:
    """(left, right) of a text with exactly one top-level ``=`` or ``\\in``; None otherwise."""
    sides = _EQUALS.split(text)
    if len(sides) == 2:
        return sides[0].strip(), sides[1].strip()
    if len(sides) == 1:
        sides = _IN.split(text)
        if len(sides) == 2:
            return sides[0].strip(), sides[1].strip()
    return None


def is_relation(text: str) -> bool:
    """Does the cleaned answer state an equation or membership (``y = 2x + 3``, ``x \\in [1, 2]``)?"""
    return bool(_EQUALS.search(text) or _IN.search(text))


def _short_name(lhs: str) -> bool:
    """The authors' rule: an equation's left side of at most two characters names the answer (``x``, ``k``, ``AB``)."""
    return 0 < len(re.sub(r"\s+", "", lhs)) <= 2


@lru_cache(maxsize=1)
def _math_verify():
    """math-verify's (parse, verify), made usable off the main thread.

    Its timeout sets a SIGALRM handler, which Python allows only in the main thread: elsewhere every parse
    fails silently and every answer grades wrong. Its two modules' ``timeout`` decorator is wrapped to keep
    the alarm on the main thread and run without it on others (where the length bounds here still hold).
    """
    import math_verify.grader
    import math_verify.parser
    from math_verify import parse, verify

    original = math_verify.parser.timeout

    def timeout(timeout_seconds: int = 10):
        def decorator(func):
            guarded = original(timeout_seconds)(func)

            def wrapper(*args, **kwargs):
                if threading.current_thread() is threading.main_thread():
                    return guarded(*args, **kwargs)
                return func(*args, **kwargs)

            return wrapper

        return decorator

    if getattr(original, "__module__", "") != __name__:
        math_verify.parser.timeout = timeout
        math_verify.grader.timeout = timeout
    return parse, verify


@lru_cache(maxsize=65536)
def _parsed(text: str) -> tuple:
    if len(text) > MAX_ANSWER_CHARS or is_set_builder(text):
        return ()  # a set-builder set math-verify would read as its condition's last number
    parse, _ = _math_verify()
    try:
        result = parse(f"\\boxed{{{text}}}", parsing_timeout=TIMEOUT_S)
        if not all(_tame(expr) for expr in result):
            return ()  # graded by text only
    except Exception:  # math-verify raises on LaTeX it cannot read; such an answer matches by text only
        return ()
    return tuple(result)


def _small(exponent) -> bool:
    """A power's numeric exponent that is safe to evaluate: a rational of at most 10^4, or a constant whose own
    powers are roots (``2^{\\sqrt 2}``, ``e^{\\pi}``)."""
    from sympy import Pow

    if exponent.is_Rational:
        return abs(exponent) <= 10**4
    return all(p.exp.is_Rational and abs(p.exp) <= 1 for p in exponent.atoms(Pow))


def _tame(expr) -> bool:
    """False for a constant whose value would take unbounded time to compute (``10^{10^{10^{10}}}``,
    ``100000!``): Python's big-integer arithmetic cannot be interrupted by math-verify's timeout."""
    from sympy import Basic, Pow, factorial, preorder_traversal

    if not isinstance(expr, Basic):
        return True
    for node in preorder_traversal(expr):
        if isinstance(node, Pow) and node.exp.is_number and not _small(node.exp):
            return False
        if (
            isinstance(node, factorial)
            and node.args[0].is_number
            and not (node.args[0].is_Rational and abs(node.args[0]) <= 10**4)
        ):
            return False
    return True


def _several(expr) -> bool:
    """An interval, a union, or a tuple/set of more than one element."""
    from sympy import FiniteSet, Interval, Tuple, Union

    return isinstance(expr, (Interval, Union)) or (isinstance(expr, (Tuple, FiniteSet)) and len(expr) > 1)


@lru_cache(maxsize=65536)
def _constant(text: str) -> complex | None:
    """The value of an answer that parses to a constant, or None (computed once per text)."""
    parsed = _parsed(text)
    return _value(parsed[0]) if parsed else None


def _value(expr) -> complex | None:
    """The value of a constant expression (no symbols, no set/tuple/relation), or None."""
    if not getattr(expr, "is_number", False):
        return None
    try:
        value = complex(expr.evalf(30))
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return None
    return value if cmath.isfinite(value) else None


def _different_sizes(a, b) -> bool:
    """Two tuples, or two sets, of different lengths (sympy's set algebra is slow to say they differ)."""
    from sympy import FiniteSet, Tuple

    return any(isinstance(a, kind) and isinstance(b, kind) and len(a) != len(b) for kind in (FiniteSet, Tuple))


def _letters(expr) -> bool:
    return bool(expr.is_Symbol or (expr.is_Mul and all(arg.is_Symbol for arg in expr.args)))


def _differ_at_two_points(a, b) -> bool:
    """Do two formulas in the same variables take different values at two generic points? Equal formulas
    never do; None of this decides equality (math-verify does), it only rules it out quickly."""
    from sympy import Expr

    if not (isinstance(a, Expr) and isinstance(b, Expr)):
        return False
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    if not symbols:
        return False
    if a.free_symbols != b.free_symbols and (_letters(a) or _letters(b)):
        return False  # a word read as a product of letters: math-verify compares those as text
    for start in (0.5377, 1.8339):
        point = {symbol: start + 0.1234 * i for i, symbol in enumerate(symbols)}
        try:
            va, vb = complex(a.evalf(20, subs=point)), complex(b.evalf(20, subs=point))
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            return False
        if not (cmath.isfinite(va) and cmath.isfinite(vb)) or abs(va - vb) <= 1e-6 * max(1.0, abs(va)):
            return False
    return True


def _tolerance(gold: complex) -> float:
    """1e-6, relative above 1 (math-verify's 6 decimals); relative below 1e-3, where 6 decimals would call every
    small constant equal (``1.1 \\times 10^{-17}`` and ``5 \\times 10^{-17}``, ``10^{-7}`` and 0)."""
    size = abs(gold)
    return 1e-6 * max(1.0, size) if size >= 1e-3 else 1e-6 * size


@lru_cache(maxsize=65536)
def _verified(pred: str, gold: str) -> bool:
    g, p = _parsed(gold), _parsed(pred)
    if not g or not p:
        return False
    gold_value, pred_value = _constant(gold), _constant(pred)
    if gold_value is not None and pred_value is not None:
        # two constants (most answer keys: 72, \\frac{3}{56}, 3\\sqrt{13}, \\pi/2): compare their values, as
        # math-verify's numeric check would, without its symbolic simplification (~100x slower on a mismatch)
        return abs(gold_value - pred_value) <= _tolerance(gold_value)
    if (gold_value is not None and _several(p[0])) or (pred_value is not None and _several(g[0])):
        return False  # a number is no interval or list of several (sympy's set algebra is slow to say so)
    if _different_sizes(g[0], p[0]) or _differ_at_two_points(g[0], p[0]):
        return False  # two formulas that disagree numerically: skip sympy's simplify (~0.1 s a pair)
    _, verify = _math_verify()
    try:
        return bool(verify(list(g), list(p), timeout_seconds=TIMEOUT_S))
    except Exception:
        return False


def _math_equal(pred: str, gold: str) -> bool:
    """math-verify; a percentage also equals its bare number (``50\\%`` vs ``50``): answer keys write either."""
    if _verified(pred, gold):
        return True
    if _PERCENT.search(pred) or _PERCENT.search(gold):
        return _verified(_PERCENT.sub("", pred).strip(), _PERCENT.sub("", gold).strip())
    return False


def single_equal(pred: str, gold: str) -> bool:
    """One cleaned answer against one cleaned gold part."""
    if not pred or not gold:
        return False
    if compact(pred) == compact(gold) or compact(pred).casefold() == compact(gold).casefold():
        return True
    if len(pred) > MAX_ANSWER_CHARS or len(gold) > MAX_ANSWER_CHARS:
        return False
    pred_rel, gold_rel = is_relation(pred), is_relation(gold)
    if pred_rel and not gold_rel:
        sides = _relation(pred)
        return bool(sides and _short_name(sides[0]) and single_equal(sides[1], gold))
    if gold_rel and not pred_rel:
        sides = _relation(gold)
        return bool(sides and _short_name(sides[0]) and single_equal(pred, sides[1]))
    return _math_equal(pred, gold)


def _parts_equal(pred: list[str], gold: list[str]) -> bool:
    """Same number of answers and a one-to-one match, in any order."""
    if len(pred) != len(gold):
        return False
    if len(pred) == 1:
        return single_equal(pred[0], gold[0])
    if len(pred) > MAX_PARTS:
        return sorted(map(compact, pred)) == sorted(map(compact, gold))
    left = list(gold)
    for part in pred:
        hit = next((i for i, g in enumerate(left) if single_equal(part, g)), None)
        if hit is None:
            return False
        left.pop(hit)
    return True


def answers_equal(pred: str, gold: str) -> bool:
    """Is the answer ``pred`` (a box's content) the reference ``gold``? Both raw; cleaned here."""
    pred, gold = clean(pred), clean(gold)
    if not pred or not gold:
        return False
    if compact(pred) == compact(gold):
        return True
    pred_readings, gold_readings = readings(pred), readings(gold)
    if any(_parts_equal(p, g) for p in pred_readings for g in gold_readings):
        return True
    # a list on one side only (``1 \\pm \\sqrt{19}`` vs ``1+\\sqrt{19}, 1-\\sqrt{19}``): math-verify reads both
    # as sets; equations are excluded (a list of equations against one answer is not that answer)
    if {len(p) for p in pred_readings} != {len(g) for g in gold_readings} and not (
        is_relation(pred) or is_relation(gold)
    ):
        return max(len(pred), len(gold)) <= MAX_ANSWER_CHARS and _math_equal(pred, gold)
    return False
