"""Grade one completion against a reference answer (SPEC §6: last ``\\boxed{}``, math-verify).

Free-form answers go through :func:`s2r_hf.scoring.passrate.is_correct` (the same grader as the
pass-rate difficulty scorer), with one addition: a percentage equals its bare number (``50\\%`` vs
``50``), as the benchmarks' answer keys write either. Multiple-choice answers (a letter A–J) are
compared as letters taken from the box (``\\boxed{B}``, ``\\boxed{(B)}``, ``\\boxed{\\text{B. 5}}``).
"""

from __future__ import annotations

import re
from collections import Counter

from s2r_hf.scoring.passrate import is_correct, last_boxed

_LETTER = re.compile(r"^\(?([A-J])\)?(?:$|[\s.:,)])")
_TEXT = re.compile(r"\\(?:text|textbf|mathrm|mathbf)\{([^{}]*)\}")
_PERCENT = re.compile(r"\\?%")


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


def grade(completion: str, gold: str, multiple_choice: bool = False) -> bool:
    """Is the completion's final (boxed) answer the reference? No box: wrong."""
    if multiple_choice:
        return choice_letter(completion) == gold.strip().strip("()").upper()
    if is_correct(completion, gold):
        return True
    if _PERCENT.search(gold) or _PERCENT.search(boxed_content(completion) or ""):
        content = boxed_content(completion)
        return content is not None and is_correct(f"\\boxed{{{_PERCENT.sub('', content)}}}", _PERCENT.sub("", gold))
    return False


def answer_key(completion: str, multiple_choice: bool = False) -> str | None:
    """What majority voting counts: the option letter, or the box content without spaces."""
    if multiple_choice:
        return choice_letter(completion)
    content = boxed_content(completion)
    return None if content is None else re.sub(r"\s+", "", content)


def majority_correct(completions: list[str], gold: str, multiple_choice: bool = False) -> bool:
    """maj@n: grade the most frequent final answer (ties: the first seen); no boxed answer at all → wrong."""
    keys = [(answer_key(c, multiple_choice), c) for c in completions]
    counts = Counter(k for k, _ in keys if k is not None)
    if not counts:
        return False
    top = counts.most_common(1)[0][0]
    return grade(next(c for k, c in keys if k == top), gold, multiple_choice)
