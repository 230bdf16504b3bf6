"""Answer forms math-verify misreads, rewritten before it sees them: unicode math, solution sets written as
inequalities, and answers joined by words.

* Unicode: models and Chinese answer keys write ``√3``, ``∞``, ``≤``, ``×``, ``−``, ``∅``; math-verify 0.5.2
  parses none of them (``√2`` stays text, so ``\\sqrt{2}`` is graded wrong against it). They become LaTeX.
* Solution sets: a Gaokao key writes ``\\{x \\mid -3<x<4\\}`` or ``x \\geq 2`` where a model writes ``(-3,4)``
  or ``[2,+\\infty)``; math-verify reads ``\\{x \\mid x > 1\\}`` as the NUMBER 1 (a false accept of ``\\boxed{1}``)
  and ``1 \\le x \\le 2`` as a relation no interval equals. A one-variable inequality (chained, or several joined
  by "or") with variable-free bounds becomes its interval (union); a set-builder set it cannot rewrite is
  compared as text only (:func:`is_set_builder`).
* E notation: a float gold stored in JSON (``1e-05``) or a Minerva-style ``1.1e-17``; math-verify reads it as
  ``1·e - 5``. With a decimal mantissa or a signed exponent it becomes ``1.1 \\times 10^{-17}`` (:func:`e_notation`);
  Kaoyan's ``4e`` (4 times e) and a bare ``2e3`` stay as they are.
* Units without ``\\text``: ``12 inches``, ``8 km/h``, ``5 cm^2`` after a number (:func:`drop_plain_unit`);
  math-verify reads ``5 cm`` as the product 5·c·m.
* Systems: ``\\begin{cases} x=1 \\\\ y=2 \\end{cases}`` (also aligned, gathered, …) is the list ``x=1, y=2``
  (:func:`system_as_list`); math-verify cannot read the environment. A matrix's ``array`` is left alone.
* Words: ``x=1 \\text{ or } x=2``, ``3 and 5``, ``1或2`` list answers (:func:`list_separators`); math-verify
  reads ``x=1 or x=2`` as a set of equations that it then calls equal to ``x \\in (1,2)``.
"""

from __future__ import annotations

import re

MAX_CHARS = 1000  # longer answers are compared as text (as in answers.py): no rewriting, no regex over them
UNICODE = {
    "−": "-",
    "–": "-",
    "∞": "\\infty ",
    "≤": "\\le ",
    "≥": "\\ge ",
    "≠": "\\ne ",
    "×": "\\times ",
    "·": "\\cdot ",
    "÷": "\\div ",
    "π": "\\pi ",
    "∅": "\\emptyset ",
    "∈": "\\in ",
    "∪": "\\cup ",
    "∩": "\\cap ",
    "±": "\\pm ",
    "\\varnothing": "\\emptyset ",
}
_UNICODE = re.compile("|".join(re.escape(k) for k in sorted(UNICODE, key=len, reverse=True)))
_ROOT = re.compile(r"√\s*(?:\(([^()]*)\)|\{([^{}]*)\}|(\d+(?:\.\d+)?|[A-Za-z]))")
_E_NOTATION = re.compile(r"([+-]?\d+\.\d*|[+-]?\d+(?=[eE][+-]))[eE]([+-]?\d+)")
_SYSTEM = re.compile(r"\\begin\{(cases|aligned|align\*?|gathered|split|eqnarray\*?)\}(.*)\\end\{\1\}", re.DOTALL)
_WORDS = re.compile(r"\s*(?:\\text\{\s*(?:or|and|或)\s*\}|(?<![A-Za-z\\])(?:or|and)(?![A-Za-z])|或|\\lor|\\vee)\s*")
# units a number's answer carries in answer keys and model boxes; one letter (m, g, s) is never read as a unit:
# "5m" or "2 x^2" are algebra
UNITS = (
    "mm|cm|km|kg|mg|ml|mL|mph|ft|sq|yd|"
    "meters?|metres?|inch(?:es)?|feet|foot|miles?|yards?|hours?|hrs?|minutes?|mins?|seconds?|secs?|days?|weeks?|"
    "months?|years?|dollars?|cents?|degrees?|units?|liters?|litres?|grams?|kilograms?|pounds?|lbs?|ounces?|oz|"
    "gallons?|cups?|people|students|ways|times|percent"
)
_PLAIN_UNIT = re.compile(
    rf"([+-]?\d+(?:[.,]\d+)*)\s*(?:(?:square|cubic|sq\.?)\s+)?(?:{UNITS})(?:\s*\^\s*\{{?[23]\}}?)?"
    rf"(?:\s*(?:/|per)\s*(?:{UNITS}|h|s))?"
)
_SET_BUILDER = re.compile(r"\\?\{\s*([A-Za-z])\s*(?:\\mid|\||:)(.+?)\\?\}", re.DOTALL)  # fullmatch
_INEQ = re.compile(r"\\(?:leq?|geq?|lt|gt)(?![A-Za-z])|<|>")
_LOWER_FIRST = {"<": False, "\\lt": False, "\\le": True, "\\leq": True}  # a < x: is a included?
_UPPER_FIRST = {">": False, "\\gt": False, "\\ge": True, "\\geq": True}  # a > x: is a included?


def unicode_to_latex(text: str) -> str:
    """``√(2x)`` → ``\\sqrt{2x}``, ``∞`` → ``\\infty``, ``≤`` → ``\\le``, … (math-verify reads only LaTeX)."""
    if len(text) > MAX_CHARS:
        return text
    text = _ROOT.sub(lambda m: "\\sqrt{" + next(g for g in m.groups() if g is not None) + "}", text)
    return _UNICODE.sub(lambda m: UNICODE[m.group(0)], text).replace("√", "\\sqrt")


def e_notation(text: str) -> str:
    """``1.1e-17`` / ``1e-05`` / ``2E+8`` → ``1.1 \\times 10^{-17}``; anything else unchanged."""
    match = _E_NOTATION.fullmatch(text.strip())
    return f"{match.group(1)} \\times 10^{{{int(match.group(2))}}}" if match else text


def system_as_list(text: str) -> str:
    """The rows of a cases/aligned/gathered/split environment as a comma-separated list; else ``text``."""
    match = _SYSTEM.fullmatch(text.strip().rstrip(".").strip()) if len(text) <= MAX_CHARS else None
    if match is None:
        return text
    rows = [row.replace("&", "").strip() for row in re.split(r"\\\\(?:\[[^\]]*\])?", match.group(2))]
    return ", ".join(row.rstrip(",;.").strip() for row in rows if row.strip())


def drop_plain_unit(text: str) -> str:
    """A number's trailing unit of :data:`UNITS` written without ``\\text`` (``12 inches``, ``8 km/h``,
    ``5 cm^2``) dropped; nothing else is (``2 pi``, ``3ab``, ``5m`` stay algebra)."""
    match = _PLAIN_UNIT.fullmatch(text.strip()) if len(text) <= MAX_CHARS else None
    return text if match is None else match.group(1)


def list_separators(text: str) -> str:
    """Answers joined by "or" / "and" (``\\text{ or }``, 或, ``\\lor``) as a comma-separated list."""
    return text if len(text) > MAX_CHARS else _WORDS.sub(", ", text).strip(", ")


def is_set_builder(text: str) -> bool:
    """``\\{x \\mid …\\}`` / ``{x | …}``: math-verify reads the condition's last number as the answer."""
    return len(text) <= MAX_CHARS and bool(_SET_BUILDER.fullmatch(text.strip()))


def _mentions(text: str, variable: str) -> bool:
    return bool(re.search(rf"(?<![A-Za-z\\]){variable}(?![A-Za-z])", text))


def _one_interval(condition: str, variable: str | None) -> tuple[str, str | None] | None:
    """(interval, variable) of ``a < x \\le b`` / ``x \\geq a`` / ``b > x``; None for anything else."""
    tokens = [t.strip() for t in _INEQ.split(condition)]
    ops = [op.strip() for op in _INEQ.findall(condition)]
    if len(tokens) not in (2, 3) or not all(tokens):
        return None
    names = [i for i, t in enumerate(tokens) if re.fullmatch(r"[A-Za-z]", t) and (variable in (None, t))]
    if len(names) != 1 or (len(tokens) == 3 and names != [1]):
        return None
    at, name = names[0], tokens[names[0]]
    bounds = [t for i, t in enumerate(tokens) if i != at]
    if any(_mentions(b, name) or re.search(r"[<>=]", b) for b in bounds):
        return None
    lower, upper = ("-\\infty", False), ("+\\infty", False)
    for i, op in enumerate(ops):
        bound = tokens[i] if i + 1 == at else tokens[i + 1]  # the side of this operator that is not x
        bound_first = i + 1 == at
        if op in _LOWER_FIRST:  # a < x (bound first) or x < b (bound second)
            (lower, upper) = ((bound, _LOWER_FIRST[op]), upper) if bound_first else (lower, (bound, _LOWER_FIRST[op]))
        else:
            (lower, upper) = (lower, (bound, _UPPER_FIRST[op])) if bound_first else ((bound, _UPPER_FIRST[op]), upper)
    if len(ops) == 2 and (ops[0] in _LOWER_FIRST) != (ops[1] in _LOWER_FIRST):
        return None  # "1 < x > 3": not an interval
    if _number(lower[0]) is not None and _number(upper[0]) is not None and _number(lower[0]) >= _number(upper[0]):
        return None  # "4 < x < 0" is empty, not the point (4, 0)
    text = f"{'[' if lower[1] else '('}{lower[0]}, {upper[0]}{']' if upper[1] else ')'}"
    return text, name


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def as_interval(text: str) -> str | None:
    """The interval (or union) a one-variable inequality or set-builder set stands for, in LaTeX; None when
    ``text`` is neither (or not that simple)."""
    text = text.strip()
    if len(text) > MAX_CHARS:
        return None
    variable = None
    builder = _SET_BUILDER.fullmatch(text)
    if builder:
        variable, text = builder.group(1), builder.group(2).strip()
        text = re.sub(rf"^{variable}\s*\\in\s*(?:\\mathbb\{{R\}}|R)\s*[,;]\s*", "", text)  # "x ∈ R, …"
    pieces = [p for p in _WORDS.split(text) if p.strip()]
    if not pieces or not _INEQ.search(text):
        return None
    intervals = []
    for piece in pieces:
        found = _one_interval(piece, variable)
        if found is None:
            return None
        interval, variable = found
        intervals.append(interval)
    return " \\cup ".join(intervals)
