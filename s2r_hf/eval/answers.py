"""Moved to :mod:`s2r_hf.grading.answers` (shared with the pass-rate scorer); these names stay importable here."""

from s2r_hf.grading.answers import (
    MAX_ANSWER_CHARS,
    MAX_PARTS,
    TIMEOUT_S,
    answers_equal,
    clean,
    compact,
    gold_problem,
    is_relation,
    readings,
    single_equal,
    split_parts,
)

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_PARTS",
    "TIMEOUT_S",
    "answers_equal",
    "clean",
    "compact",
    "gold_problem",
    "is_relation",
    "readings",
    "single_equal",
    "split_parts",
]
