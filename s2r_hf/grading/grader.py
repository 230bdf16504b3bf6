"""Grade one completion against a reference answer (SPEC §6: last ``\\boxed{}``, math-verify).

Free-form answers: :func:`s2r_hf.grading.answers.answers_equal` (math-verify, with the normalisation and
structure benchmark keys need: escaped currency, inner ``$`` of multi-answer keys, lists in any order,
equations only as the authors' grader reads them; see that module).

Multiple choice compares SETS of letters: gold ``AD``, ``A B D`` or ``A,D`` is answered by ``\\boxed{DA}``
or ``\\boxed{A, D}``; gold ``A`` rejects ``\\boxed{A C}``. A letter is read from a box holding only letters
(``B``, ``(B)``, ``\\text{B}``, ``A, D``) or one letter marked as a label before an option's text
(``B. 12``, ``(B) 12``, ``B: 12``); a box that merely starts with a capital (``A = HCl, …``,
``C is a flammable gas``: GPQA option texts) is no letter.

A model may box the option's *text* instead of its letter. Select2Reason's own evaluation
(``utils/grader.py`` ``check_is_correct``) accepts the letter or a prediction math-equal to the gold
option's text (``parse_ground_truth`` gives GaokaoMathQA's ``options[label]`` and Gaokao2024-Mix's
``answer`` column); so when the caller passes ``options`` ({letter: text}), a box whose content equals
the text of exactly one option (verbatim first, else math-equal) counts as that option's letter.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from s2r_hf.grading.answers import answers_equal, clean, compact, gold_problem, is_relation

__all__ = [
    "answer_key",
    "boxed_content",
    "choice_letter",
    "extract_answer",
    "gold_letters",
    "gold_problem",
    "grade",
    "is_correct",
    "last_boxed",
    "majority_correct",
]

_TEXT = re.compile(r"\\(?:text|textbf|textrm|mathrm|mathbf|mbox)\{([^{}]*)\}")
_LETTERS = re.compile(r"\(?[A-J]\)?(?:\s*(?:,|;|、|，|和|&|\\&|and|\\text\{and\}|\\quad)?\s*\(?[A-J]\)?)*")
_LABELLED = re.compile(r"(?:\(([A-J])\)|([A-J])\s*[.:：、)．])")  # "(B) text", "B. text", "B: text", "B) text"


def last_boxed(text: str) -> str | None:
    """The last ``\\boxed{...}`` of ``text`` (braces balanced), or None when there is none or it is unclosed."""
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    depth = 0
    for end in range(start + len("\\boxed"), len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            return text[start : end + 1]
    return None


def boxed_content(completion: str) -> str | None:
    """The inside of the completion's last ``\\boxed{…}``, or None."""
    boxed = last_boxed(completion)
    return None if boxed is None else boxed[len("\\boxed{") : -1].strip()


def _letter_set(text: str, *, labelled: bool) -> str | None:
    """Sorted distinct letters of a letters-only text (``A, D`` → ``AD``); with ``labelled``, also the one
    letter a text opens with as a label (``B. 12`` → ``B``). None for anything else."""
    text = unicodedata.normalize("NFKC", text)  # full-width （B） and Ｂ, as Chinese answers write them
    text = _TEXT.sub(r"\1", _TEXT.sub(r"\1", text))  # \text{\textbf{B}}
    text = text.replace("$", "").strip().rstrip(".").strip()
    if _LETTERS.fullmatch(text):
        return "".join(sorted(set(re.findall(r"[A-J]", text))))
    if re.fullmatch(r"\(?[a-j]\)?", text):  # one lower-case letter, as the authors' grader upper-cases it
        return text.strip("()").upper()
    if labelled:
        match = _LABELLED.match(text)
        if match:
            return match.group(1) or match.group(2)
    return None


def gold_letters(gold: str) -> str | None:
    """A multiple-choice gold as sorted letters (``ACD``, ``A B D``, ``A,D``, ``(A)``, ``["A", "D"]``), or None
    when it holds no letters."""
    if isinstance(gold, (list, tuple)):  # a label list as some copies store it (["A", "D"])
        gold = ",".join(map(str, gold))
    text = re.sub(r"[\[\]'\"]", "", unicodedata.normalize("NFKC", str(gold))).strip().upper()  # or "['A', 'D']"
    if _LETTERS.fullmatch(text):
        return "".join(sorted(set(re.findall(r"[A-J]", text))))
    return None


def choice_letter(completion: str) -> str | None:
    """The option letters in the last box, sorted (``B`` from ``\\boxed{(B)}`` or ``\\boxed{\\text{B. 12}}``,
    ``AD`` from ``\\boxed{D, A}``), or None (no box, or a box that holds no letter)."""
    content = boxed_content(completion)
    return None if content is None else _letter_set(content, labelled=True)


def _option_letter(completion: str, options: dict[str, str] | None) -> str | None:
    """The letter of the one option whose text the box holds (verbatim, else math-equal), or None."""
    content = boxed_content(completion)
    if not options or content is None:
        return None
    texts = {str(letter).strip().upper(): str(text).strip() for letter, text in options.items() if str(text).strip()}
    box = compact(clean(content))
    hits = [letter for letter, text in texts.items() if box and compact(clean(text)) == box]
    if not hits:  # math-equal, but whole: "4" is not the option "D = 4" (no equation's right side here)
        hits = [
            letter
            for letter, text in texts.items()
            if is_relation(clean(text)) == is_relation(clean(content)) and answers_equal(content, text)
        ]
    return hits[0] if len(hits) == 1 else None


def extract_answer(
    completion: str, multiple_choice: bool = False, *, options: dict[str, str] | None = None
) -> str | None:
    """The answer the grader reads: the letters (sorted; also for a boxed option text) for multiple choice,
    else the last box's content. None when there is none (graded wrong)."""
    if multiple_choice:
        return choice_letter(completion) or _option_letter(completion, options)
    return boxed_content(completion)


def grade(completion: str, gold: str, multiple_choice: bool = False, *, options: dict[str, str] | None = None) -> bool:
    """Is the completion's final (boxed) answer the reference? No box, or an ungradable gold
    (:func:`gold_problem`): wrong.

    Multiple choice: the set of boxed letters (or, with ``options``, the letter of the one option whose text
    is boxed) must be the gold's set of letters.
    """
    if gold_problem(gold) is not None:
        return False
    if multiple_choice:
        letters = extract_answer(completion, True, options=options)
        expected = gold_letters(gold)
        if letters is None:
            return False
        return letters == expected if expected is not None else letters == str(gold).strip().upper()
    content = boxed_content(completion)
    return content is not None and answers_equal(content, str(gold))


def answer_key(completion: str, multiple_choice: bool = False, *, options: dict[str, str] | None = None) -> str | None:
    """What majority voting counts: the option letters (also for a boxed option text), or the box content
    cleaned and without spaces (``\\dfrac12`` and ``\\frac12`` vote together)."""
    answer = extract_answer(completion, multiple_choice, options=options)
    if answer is None or multiple_choice:
        return answer
    return compact(clean(answer))


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


def is_correct(completion: str, answer: str) -> bool:
    """Does the completion's last ``\\boxed{}`` equal the reference? No box: wrong (the pass-rate scorer's rule).

    Only the box is read: math-verify on the whole text would also take a trailing number or ``$x$`` of
    an unfinished or unformatted completion as its answer. The comparison is the evaluation's
    (:func:`s2r_hf.grading.answers.answers_equal`: math-verify with the normalisation answer keys need), so
    a pool row's difficulty is measured by the same rule its benchmark score is.
    """
    boxed = last_boxed(completion)
    if boxed is None:
        return False
    return answers_equal(boxed[len("\\boxed{") : -1], str(answer))
