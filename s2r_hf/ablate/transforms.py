"""Sky-T1's structure-vs-content perturbations of one reasoning trace, as pure functions on strings.

Every transform takes ``(text, rng, fraction)`` and returns ``(new_text, reason)``: ``reason`` is None when the
text was transformed, else why it was left as it was (``no_think_block``, ``too_few_steps``, ``no_boxed_answer``,
...), so the command can count both. ``rng`` is a ``random.Random`` seeded per row, so a row's result never depends
on batching or ``num_proc``; one trace held twice (``response`` and the assistant turn of ``messages``) is
transformed identically when both are given a fresh rng of the same seed.

Definitions (the card and README say the same):

- a *step* is a paragraph of the ``<think>`` block (split on blank lines); text outside the block (the final
  solution after ``</think>``) is never moved or cut. A trace without ``<think>`` is left unchanged.
- ``shuffle_steps``: ``fraction`` (default 1) of the steps, the first one included, are chosen at random and
  permuted among their own positions (never the identity); the separators stay in place, so the multiset of
  paragraphs is preserved exactly.
- ``delete_steps``: ``⌊fraction · n⌉`` steps (at least one) are deleted at random, with their separator.
- ``truncate``: the last ``⌊fraction · n⌉`` steps (at least one, at most n − 1) are cut; the think block is
  closed and the final solution kept, as a model stopped early by a budget would be made to answer.
- ``wrong_answers``: the last ``\\boxed{…}`` of the trace gets another row's different final answer.
- ``remove_keywords``: rethinking markers removed case-insensitively at word boundaries, in the whole trace.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
BOXED = "\\boxed{"
_BLANK = re.compile(r"\n[ \t]*\n\s*")  # a blank line (and any further whitespace) separates two steps

Result = tuple[str, str | None]


def split_think(text: str) -> tuple[str, str, str] | None:
    """(head up to and including ``<think>`` + leading whitespace, body, tail from trailing whitespace + ``</think>``),
    or None without a ``<think>`` tag. An unclosed block runs to the end of the text (tail empty)."""
    start = text.find(THINK_OPEN)
    if start < 0:
        return None
    body_start = start + len(THINK_OPEN)
    end = text.find(THINK_CLOSE, body_start)
    end = len(text) if end < 0 else end
    body = text[body_start:end]
    lead = len(body) - len(body.lstrip())
    trail = len(body.rstrip())
    if trail <= lead:  # an empty block
        return text[:end], "", text[end:]
    return text[: body_start + lead], body[lead:trail], body[trail:] + text[end:]


def split_steps(body: str) -> tuple[list[str], list[str]]:
    """(steps, separators) with ``len(separators) == len(steps) - 1``: ``body`` is their interleaving."""
    steps, seps, at = [], [], 0
    for m in _BLANK.finditer(body):
        steps.append(body[at : m.start()])
        seps.append(m.group(0))
        at = m.end()
    steps.append(body[at:])
    return steps, seps


def join_steps(steps: Sequence[str], seps: Sequence[str], default: str = "\n\n") -> str:
    out = []
    for i, step in enumerate(steps):
        if i:
            out.append(seps[i - 1] if i - 1 < len(seps) else default)
        out.append(step)
    return "".join(out)


def _steps_of(text: str, minimum: int) -> tuple[tuple[str, str, str], list[str], list[str]] | str:
    """The trace's parts and steps, or the reason it cannot be transformed."""
    parts = split_think(text)
    if parts is None:
        return "no_think_block"
    steps, seps = split_steps(parts[1])
    if not parts[1] or len(steps) < minimum:
        return "too_few_steps"
    return parts, steps, seps


def _count(fraction: float, n: int, low: int, high: int) -> int:
    """``fraction · n`` rounded half up (not Python's half-to-even), clipped to [low, high]."""
    return max(low, min(high, math.floor(fraction * n + 0.5)))


def shuffle_steps(text: str, rng: random.Random, fraction: float = 1.0) -> Result:
    """Permute ``fraction`` of the think block's steps among their positions (at least two; never the identity)."""
    found = _steps_of(text, 2)
    if isinstance(found, str):
        return text, found
    (head, _, tail), steps, seps = found
    if len(set(steps)) < 2:
        return text, "identical_steps"
    k = _count(fraction, len(steps), 2, len(steps))
    positions = sorted(rng.sample(range(len(steps)), k))
    chosen = [steps[p] for p in positions]
    if len(set(chosen)) < 2:  # the chosen steps are all alike: widen to every step so the order really changes
        positions, chosen = list(range(len(steps))), list(steps)
    order = list(chosen)
    while order == chosen:
        rng.shuffle(order)
    new = list(steps)
    for p, step in zip(positions, order, strict=True):
        new[p] = step
    return head + join_steps(new, seps) + tail, None


def delete_steps(text: str, rng: random.Random, fraction: float = 0.5) -> Result:
    """Delete ``⌊fraction · n⌉`` random steps (at least one), each with the separator before it."""
    found = _steps_of(text, 1)
    if isinstance(found, str):
        return text, found
    (head, _, tail), steps, seps = found
    k = _count(fraction, len(steps), 1, len(steps))
    gone = set(rng.sample(range(len(steps)), k))
    kept = [i for i in range(len(steps)) if i not in gone]
    new_seps = [seps[i - 1] for i in kept[1:]]  # each kept step keeps the separator in front of it
    body = join_steps([steps[i] for i in kept], new_seps)
    return head + body + (tail if body else tail.lstrip()), None


def truncate(text: str, rng: random.Random, fraction: float = 0.5) -> Result:
    """Cut the last ``⌊fraction · n⌉`` steps (1 … n − 1) of the think block; close it and keep the solution.
    ``rng`` is unused: the cut is deterministic."""
    del rng
    found = _steps_of(text, 2)
    if isinstance(found, str):
        return text, found
    (head, _, tail), steps, seps = found
    keep = len(steps) - _count(fraction, len(steps), 1, len(steps) - 1)
    if THINK_CLOSE not in tail:  # an unclosed block: close it, as budget forcing does
        tail = tail.rstrip() + "\n" + THINK_CLOSE
    return head + join_steps(steps[:keep], seps) + tail, None


# ------------------------------------------------------------------------------------------ answers


def last_boxed_span(text: str) -> tuple[int, int] | None:
    """(start, end) of the inside of the last closed ``\\boxed{…}`` (braces balanced), or None."""
    start = text.rfind(BOXED)
    while start >= 0:
        depth, i = 1, start + len(BOXED)
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            return start + len(BOXED), i - 1
        start = text.rfind(BOXED, 0, start)
    return None


def final_answer(text: str) -> str | None:
    """The inside of the trace's last ``\\boxed{}``, stripped; None when there is none (or it is empty)."""
    span = last_boxed_span(text)
    answer = text[span[0] : span[1]].strip() if span else ""
    return answer or None


def answer_key(answer: str) -> str:
    """What makes two answers "the same" here: their text without whitespace (``1/2`` = ``1 / 2``)."""
    return "".join(answer.split())


def answer_pool(answers: Sequence[str | None]) -> list[str]:
    """The distinct final answers (one spelling per :func:`answer_key`, the first met), sorted: the replacements
    ``wrong_answers`` draws from. Sorted so the pool, hence every draw, is the same however rows are batched."""
    seen: dict[str, str] = {}
    for a in answers:
        if a:
            seen.setdefault(answer_key(a), a.strip())
    return [seen[k] for k in sorted(seen)]


def wrong_answer(text: str, rng: random.Random, fraction: float = 1.0, *, pool: Sequence[str] = ()) -> Result:
    """Replace the last ``\\boxed{}`` answer with an answer of ``pool`` (another row's) that differs from it."""
    del fraction
    span = last_boxed_span(text)
    own = text[span[0] : span[1]].strip() if span else ""
    if not own:
        return text, "no_boxed_answer"
    own_key = answer_key(own)
    others = len(pool) - (1 if _index(pool, own_key) is not None else 0)
    if others < 1:
        return text, "no_other_answer"
    pick = rng.randrange(others)
    at = _index(pool, own_key)
    if at is not None and pick >= at:
        pick += 1  # skip the row's own answer: uniform over the others, O(log n)
    return text[: span[0]] + pool[pick] + text[span[1] :], None


def _index(pool: Sequence[str], key: str) -> int | None:
    """Position of the answer with ``key`` in the sorted-by-key ``pool`` (binary search), or None."""
    lo, hi = 0, len(pool)
    while lo < hi:
        mid = (lo + hi) // 2
        if answer_key(pool[mid]) < key:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(pool) and answer_key(pool[lo]) == key else None


# ------------------------------------------------------------------------------------------ keywords

_SENTENCE_END = ".!?…:\n"


def marker_pattern(markers: Sequence[str]) -> re.Pattern:
    """A run of markers (``Wait, hmm, let me check``) with the punctuation and spaces after each: words of a
    multi-word marker may be separated by any spaces; longest markers first so ``let me check`` beats ``let``."""
    words = sorted({m.strip().lower() for m in markers if m.strip()}, key=len, reverse=True)
    alts = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    one = rf"\b(?:{alts})\b(?:[ \t]*(?:\.\.\.|…|[,;:!?.](?![0-9])))?[ \t]*"
    return re.compile(rf"(?:{one})+", re.IGNORECASE)


def remove_keywords(text: str, rng: random.Random, fraction: float = 1.0, *, pattern: re.Pattern) -> Result:
    """Remove the markers ``pattern`` matches; a removed sentence opener capitalises what follows, and a marker
    inside a sentence leaves its sentence-closing punctuation (``so, wait.`` → ``so.``). Linear in the text."""
    del rng, fraction
    out: list[str] = []
    at, upper_next, found = 0, False, False
    for m in pattern.finditer(text):
        found = True
        before = text[at : m.start()]
        out.append(_capitalise(before) if upper_next else before)
        last = _last_char(out)
        matched = m.group(0).rstrip()
        if not last or last in _SENTENCE_END:  # the marker opened a sentence: drop it with its punctuation
            upper_next = matched[:1].isupper()
        else:
            upper_next = False
            closing = matched[-1] if matched[-1] in ".!?…" and not matched.endswith("...") else ""
            if closing or m.end() == len(text) or text[m.end()] == "\n":
                _strip_end(out, " \t,;")  # "so, wait." → "so." (no dangling comma)
            out.append(closing + (" " if closing and m.group(0) != matched else ""))
        at = m.end()
    if not found:
        return text, "no_marker"
    rest = text[at:]
    return "".join(out) + (_capitalise(rest) if upper_next else rest), None


def _last_char(pieces: list[str]) -> str:
    """The last character of ``"".join(pieces)`` that is not a space or tab ("" when none), without joining."""
    for piece in reversed(pieces):
        piece = piece.rstrip(" \t")
        if piece:
            return piece[-1]
    return ""


def _strip_end(pieces: list[str], chars: str) -> None:
    """``"".join(pieces).rstrip(chars)``, in place, touching only the last pieces."""
    while pieces:
        pieces[-1] = pieces[-1].rstrip(chars)
        if pieces[-1]:
            return
        pieces.pop()


def _capitalise(text: str) -> str:
    """Upper-case the first character when it is a lower-case letter (LaTeX, digits and symbols stay)."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text


TRANSFORMS: dict[str, Callable[..., Result]] = {
    "shuffle_steps": shuffle_steps,
    "delete_steps": delete_steps,
    "truncate": truncate,
    "wrong_answers": wrong_answer,
    "remove_keywords": remove_keywords,
}
DEFAULT_FRACTION = {"shuffle_steps": 1.0, "delete_steps": 0.5, "truncate": 0.5}  # the others take none
