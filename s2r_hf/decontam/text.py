"""Text → comparable tokens for decontamination: the same problem written two ways gives the same tokens.

Why: a benchmark problem reaches a pool re-typed: other spacing and case, ``\\dfrac`` for ``\\frac``,
``\\(…\\)`` for ``$…$``, ``\\left(`` for ``(``, thin spaces ``\\,``, a diagram left out. Tokens are letter
runs, digit runs (``2b`` and ``2 b`` agree), LaTeX command names (``\\begin{…}``/``\\end{…}`` dropped) and the
operators ``+ - = < >``; punctuation, braces and math delimiters are dropped, so none of those differences
survives. Chinese/Japanese/Korean characters are one token each (no spaces there).
"""

from __future__ import annotations

import re
import unicodedata

# One LaTeX spelling per meaning (longest names first so ``\dfrac`` is not read as ``\d`` + ``frac``).
_COMMANDS = {
    "dfrac": "frac",
    "tfrac": "frac",
    "cfrac": "frac",
    "dbinom": "binom",
    "tbinom": "binom",
    "leq": "le",
    "leqslant": "le",
    "geq": "ge",
    "geqslant": "ge",
    "neq": "ne",
    "lvert": "",
    "rvert": "",
    "lVert": "",
    "rVert": "",
    "vert": "",
    # sizing, spacing and font commands carry no content
    "left": "",
    "right": "",
    "bigl": "",
    "bigr": "",
    "Bigl": "",
    "Bigr": "",
    "big": "",
    "Big": "",
    "bigg": "",
    "Bigg": "",
    "displaystyle": "",
    "textstyle": "",
    "quad": "",
    "qquad": "",
    "text": "",
    "textbf": "",
    "textit": "",
    "textrm": "",
    "mathrm": "",
    "mathbf": "",
    "mathit": "",
    "mbox": "",
    "operatorname": "",
    "allowbreak": "",
}
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_ASY = re.compile(r"\[asy\].*?(\[/asy\]|$)", re.DOTALL | re.IGNORECASE)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+|\d+|[+\-=<>]")
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\s*\{[^{}]*\}")
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})  # minus sign and dashes → "-"


def _command(match: re.Match) -> str:
    name = match.group(1)
    return " " + _COMMANDS.get(name, name) + " "


def normalise(text: str) -> str:
    """Unicode NFKC, Asymptote diagrams removed, LaTeX commands unified; case is kept (``tokens`` lowers)."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = _ENVIRONMENT.sub(" ", _ASY.sub(" ", text))
    return _COMMAND.sub(_command, text)


def tokens(text: str) -> list[str]:
    """Comparable tokens of ``text`` (see the module docstring)."""
    if not isinstance(text, str):
        return []
    return _TOKEN.findall(normalise(text).lower())


def digitless(toks: list[str]) -> list[str]:
    """The tokens without the digit runs: a number-changed copy of a problem has the same digitless tokens as the
    problem. (Digit runs are tokens of their own, so no other token holds a digit.)"""
    return [tok for tok in toks if not tok.isdecimal()]
