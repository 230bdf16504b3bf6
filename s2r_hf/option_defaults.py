"""The values options choose from, and the defaults several stages share: the ground floor under
:mod:`s2r_hf.configs`.

Why: stages that only need a name (the synthetic pool's, the tiny judge's), a choice list or a default (the
s2r weight, the cache folder) import it from here without importing the option dataclasses. Every name is
re-exported by :mod:`s2r_hf.configs`, so ``from s2r_hf.configs import X`` keeps working.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

POOL_FORMATS = (
    "auto",
    "openr1",
    "messages",
    "alpaca",
    "chinese_r1",
    "conversations",
    "problem_solution",
    "s1k",
    "prompt_completion",
    "reasoning_solution",
)
STRATEGIES = ("s2r", "difficulty", "length", "random", "stratified", "full")
WEIGHTED_STRATEGIES = ("s2r",)  # the only strategy that reads --weight
DEFAULT_WEIGHT = 0.25
OPENR1_TRACES = ("first-verified", "first-verified-complete")
DIFFICULTY_SCORERS = ("judge", "passrate", "model")
JUDGE_DTYPES = ("auto", "bfloat16", "float16", "float32")
DEFAULT_BENCHMARKS = ["aime24", "aime25", "amc23", "math500"]
DECONTAM_METHODS = ("overlap", "ngram8")
DEFAULT_RETHINK_MARKERS = [
    "wait",
    "alternatively",
    "but",
    "let me check",
    "let me verify",
    "double-check",
    "hmm",
    "on second thought",
]
SYNTHETIC_POOL = "s2r:synthetic-openr1"
TINY_JUDGE = "s2r:tiny-judge"
SYNTHETIC_BENCHMARK = "s2r:synthetic-benchmark"


def default_cache_dir() -> str:
    """Score cache shared by runs: ``$S2R_HF_CACHE`` or ``~/.cache/s2r_hf`` (read, never written)."""
    return os.environ.get("S2R_HF_CACHE") or str(Path.home() / ".cache" / "s2r_hf")


def check_choice(problems: list[str], option: str, value: str, choices: tuple[str, ...]) -> None:
    """Append to ``problems`` when ``value`` is not one of ``choices``, naming the option and the choices."""
    if value not in choices:
        problems.append(f"--{option} must be one of {', '.join(choices)}; got {value!r}")


OVERLONG_POLICIES = ("drop", "truncate")
RESERVED_CONFIG_NAMES = {"data", "selection"}  # folders of a pushed subset's default config


def scores_config_name(config_name: str) -> str:
    """The config serving pushed config ``config_name``'s per-row scores (scores.parquet): ``scores`` for default."""
    return "scores" if config_name == "default" else f"{config_name}-scores"


def is_scores_config(name: str) -> bool:
    return name == "scores" or name.endswith("-scores")


def config_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a dataset config of ours (it names the config's folder in the repo, or a scores
    config), or None."""
    if re.fullmatch(r"[A-Za-z0-9][\w.-]*", name) and name not in RESERVED_CONFIG_NAMES and not is_scores_config(name):
        return None
    return (
        f"config name {name!r} cannot name a folder of the repo: use letters, digits, '_', '.', '-' "
        f"(not {', '.join(sorted(RESERVED_CONFIG_NAMES))}, nor scores or *-scores: the per-row scores configs)"
    )


@dataclass
class ScoresFromOption:
    """`s2r select --scores-from`: a base of ``SelectionArguments`` (kept here, so configs.py stays within its size)."""

    scores_from: str | None = field(
        default=None,
        metadata={
            "help": "Re-select from published per-row scores instead of scoring: an `s2r select` output folder, or a "
            "Hub dataset repo pushed by s2r (or its local copy): owner/name reads its `scores` config, "
            "owner/name:CONFIG the scores of pushed config CONFIG (`CONFIG-scores`; either name works). No model "
            "loads; the pool is re-read from the scores' manifest (or --pool). Options that change the scores or "
            "the rows scored (--judge, --length-unit, --decontam-*, ...) are refused."
        },
    )
