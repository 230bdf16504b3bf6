"""Grade one completion against a reference answer (SPEC §6: last ``\\boxed{}``, math-verify).

Free-form answers go through :func:`s2r_hf.scoring.passrate.is_correct` (the same grader as the
pass-rate difficulty scorer), with one addition: a percentage equals its bare number (``50\\%`` vs
``50``), as the benchmarks' answer keys write either. Multiple-choice answers (a letter A–J) are
compared as letters taken from the box (``\\boxed{B}``, ``\\boxed{(B)}``, ``\\boxed{\\text{B. 5}}``).

A model may box the option's *text* instead of its letter. Select2Reason's own evaluation
(``utils/grader.py`` ``check_is_correct``) accepts the letter or a prediction math-equal to the gold
option's text (``parse_ground_truth`` gives GaokaoMathQA's ``options[label]`` and Gaokao2024-Mix's
``answer`` column); so when the caller passes ``options`` ({letter: text}), a box whose content equals
the text of exactly one option counts as that option's letter (exactly one: a text two options share
picks no letter).
"""

from __future__ import annotations

import re
from collections import Counter

from s2r_hf.scoring.passrate import is_correct, last_boxed

_LETTER = re.compile(r"^\(?([A-J])\)?(?:$|[\s.:,)])")
_TEXT = re.compile(r"\\(?:text|textbf|mathrm|mathbf)\{([^{}]*)\}")
_PERCENT = re.compile(r"\\?%")
_SPACING = re.compile(r"\s+|\$|\\left|\\right|\\[,;!]|\\q?quad")


def _same_text(a: str, b: str) -> bool:
    """Equal up to $, spacing and sizing macros: option texts such as ``\\{x \\mid 1 \\leq x<2\\}`` (sets,
    conditions, Chinese words) that math-verify cannot parse still match their own text."""
    a, b = (
        _SPACING.sub("", t).replace("dfrac", "frac").replace("leqslant", "leq").replace("geqslant", "geq")
        for t in (a, b)
    )
    return bool(a) and a == b


def boxed_content(completion: str) -> str | None:
    """The inside of the completion's last ``\\boxed{…}``, or None."""
    boxed = last_boxed(completion)
    return None if boxed is None else boxed[len("\\boxed{") : -1].strip()


def choice_letter(completion: str) -> str | None:
    """The option letter in the last box (``B`` from ``\\boxed{(B)}`` or ``\\boxed{\\text{B. 12}}``), or None."""
    content = boxed_content(completion)
    if content is None:
        return None
    content = _TEXT.sub(r"\1", content).replace("$", "").strip()
    match = _LETTER.match(content)
    return match.group(1) if match else None


def _option_letter(completion: str, options: dict[str, str] | None) -> str | None:
    """The letter of the one option whose text the box equals (math-verify), or None (no box, none, several)."""
    content = boxed_content(completion)
    if not options or content is None:
        return None
    box = f"\\boxed{{{content}}}"
    texts = {letter: str(text).strip() for letter, text in options.items() if str(text).strip()}
    hits = [letter for letter, text in texts.items() if _same_text(content, text)]  # verbatim text first:
    if not hits:  # math-verify reads some texts (sets, conditions) loosely enough to match several options
        hits = [letter for letter, text in texts.items() if is_correct(box, text)]
    return hits[0].strip().upper() if len(hits) == 1 else None


def grade(completion: str, gold: str, multiple_choice: bool = False, *, options: dict[str, str] | None = None) -> bool:
    """Is the completion's final (boxed) answer the reference? No box: wrong.

    Multiple choice: the boxed letter, or (with ``options``) the boxed text of exactly one option, must be
    ``gold``'s letter.
    """
    if multiple_choice:
        letter = choice_letter(completion) or _option_letter(completion, options)
        return letter == gold.strip().strip("()").upper()
    if is_correct(completion, gold):
        return True
    if _PERCENT.search(gold) or _PERCENT.search(boxed_content(completion) or ""):
        content = boxed_content(completion)
        return content is not None and is_correct(f"\\boxed{{{_PERCENT.sub('', content)}}}", _PERCENT.sub("", gold))
    return False


def answer_key(completion: str, multiple_choice: bool = False, *, options: dict[str, str] | None = None) -> str | None:
    """What majority voting counts: the option letter (also for a boxed option text), or the box content
    without spaces."""
    if multiple_choice:
        return choice_letter(completion) or _option_letter(completion, options)
    content = boxed_content(completion)
    return None if content is None else re.sub(r"\s+", "", content)


def majority_correct(
    completions: list[str], gold: str, multiple_choice: bool = False, *, options: dict[str, str] | None = None
) -> bool:
    """maj@n: grade the most frequent final answer (ties: the first seen); no boxed answer at all → wrong."""
    keys = [(answer_key(c, multiple_choice, options=options), c) for c in completions]
    counts = Counter(k for k, _ in keys if k is not None)
    if not counts:
        return False
    top = counts.most_common(1)[0][0]
    return grade(next(c for k, c in keys if k == top), gold, multiple_choice, options=options)
