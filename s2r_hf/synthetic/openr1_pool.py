"""A synthetic pool in the REAL OpenR1-Math-220k schema, generated offline from a seed.

Why: the Hub (``open-r1/OpenR1-Math-220k``) is unreachable in CI and on many clusters, yet normalisation,
scoring, selection and SFT must run on rows with exactly the real columns and types and the same awkward
cases. So this module generates such rows: 2-4 ``<think>`` traces per problem with math-verify / llama
correctness flags and truncated traces; arithmetic/algebra problems (the ``_t_*`` templates) whose answers
are really correct; traces whose length varies over two orders of magnitude and correlates with
difficulty, with "rethinking" passages; and the row kinds a normaliser must drop (no verified trace,
llama-only, first verified trace incomplete).

One module per job: :mod:`~s2r_hf.synthetic.schema` (columns, features), :mod:`~s2r_hf.synthetic.problems`
(templates in :mod:`~s2r_hf.synthetic.templates_arithmetic` / :mod:`~s2r_hf.synthetic.templates_contest`),
:mod:`~s2r_hf.synthetic.traces`; this module decides each row's kind and trace plan and assembles the row.

Row ``i`` is a pure function of ``(seed, i)`` via ``random.Random`` seeded with the string
``"s2r_hf.synthetic/openr1/{seed}/{i}"``. That string is part of the data (dataset caches and tests depend
on it), not a module path: keep it verbatim even though this code now lives in ``s2r_hf.synthetic.openr1_pool``.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from s2r_hf.synthetic.problem import Problem
from s2r_hf.synthetic.problems import alt_answer, draw_problem, wrong_answer
from s2r_hf.synthetic.schema import OPENR1_COLUMNS, PROBLEM_TYPES, QUESTION_TYPES, SOURCES, openr1_features
from s2r_hf.synthetic.traces import target_words, write_trace

if TYPE_CHECKING:  # pragma: no cover
    import datasets

logger = logging.getLogger(__name__)

__all__ = [
    "OPENR1_COLUMNS",
    "PROBLEM_TYPES",
    "QUESTION_TYPES",
    "SOURCES",
    "openr1_dataset",
    "openr1_features",
    "openr1_rows",
]

# Row-kind mix (fractions of rows) -- what a normaliser has to drop.
_P_NO_CORRECT = 0.08  # no trace correct under either grader
_P_LLAMA_ONLY = 0.04  # math-verify rejects every trace, llama accepts one
_P_FIRST_INCOMPLETE = 0.03  # the first math-verify-correct trace is truncated
_P_LLAMA_NONE = 0.05  # correctness_llama is None
_P_TRACE_TRUNCATED = 0.04  # per trace, in ordinary rows
_P_FINISH_NONE = 0.02  # per complete trace, finish_reasons is None


def _row_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"s2r_hf.synthetic/openr1/{seed}/{index}")


def trace_pass_rate(difficulty: int) -> float:
    """The chance that an ordinary row's trace is correct, for a template difficulty level: the generator's own
    notion of difficulty, of which ``correctness_math_verify`` (2-4 traces) is a coarse, noisy draw."""
    return max(0.35, 0.9 - 0.1 * difficulty)


def row_difficulty(seed: int, index: int) -> tuple[str, int]:
    """``(uuid, template difficulty level)`` of row ``index``, without writing its traces (same draws as the row)."""
    rng = _row_rng(seed, index)
    row_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    prob, _, _ = draw_problem(rng)
    return row_uuid, prob.difficulty


def _row_kind(u: float) -> str:
    """The row kind for a uniform draw ``u``: what, if anything, a normaliser must drop it for."""
    if u < _P_NO_CORRECT:
        return "none"
    if u < _P_NO_CORRECT + _P_LLAMA_ONLY:
        return "llama_only"
    if u < _P_NO_CORRECT + _P_LLAMA_ONLY + _P_FIRST_INCOMPLETE:
        return "first_incomplete"
    return "normal"


def _plan(rng: random.Random, kind: str, n_gen: int, difficulty: int) -> list[str]:
    """Per trace: "correct" | "wrong" | "truncated" (no boxed answer) | "alt" | "correct_truncated"."""
    p_correct = trace_pass_rate(difficulty)
    plan: list[str] = []
    if kind == "normal":
        for _ in range(n_gen):
            if rng.random() < _P_TRACE_TRUNCATED:
                plan.append("truncated")
            else:
                plan.append("correct" if rng.random() < p_correct else "wrong")
        if "correct" not in plan:
            plan[rng.randrange(n_gen)] = "correct"
    elif kind == "none":
        plan = ["truncated" if rng.random() < _P_TRACE_TRUNCATED else "wrong" for _ in range(n_gen)]
    elif kind == "llama_only":
        plan = ["wrong"] * n_gen
        plan[rng.randrange(n_gen)] = "alt"
    else:
        plan = ["wrong"] * n_gen
        plan[rng.choices(range(n_gen), weights=[4] + [1] * (n_gen - 1))[0]] = "correct_truncated"
    return plan


def _traces(rng: random.Random, prob: Problem, plan: list[str], lo: int, hi: int) -> dict[str, list]:
    """The per-trace columns for ``plan``: generations, completeness, both graders' flags, finish reasons."""
    cols: dict[str, list] = {"generations": [], "complete": [], "verify": [], "llama": [], "finish": []}
    for p in plan:
        # The alternative answer is drawn for every trace (it consumes rng): part of the data, keep it eager.
        final = {
            "correct": prob.answer,
            "correct_truncated": prob.answer,
            "alt": alt_answer(prob, rng),
        }.get(p) or wrong_answer(prob.answer, rng)
        is_complete = p not in ("truncated", "correct_truncated")
        target = target_words(rng, prob.difficulty, lo, hi, wrong=p != "correct")
        cols["generations"].append(
            write_trace(
                rng,
                prob,
                target,
                final,
                complete=is_complete,
                boxed_in_think=p == "correct_truncated",
                slip=p in ("wrong", "truncated"),
            )
        )
        cols["complete"].append(is_complete)
        cols["verify"].append(p in ("correct", "correct_truncated"))
        cols["llama"].append(p in ("correct", "correct_truncated", "alt"))
        if not is_complete:
            cols["finish"].append("length")
        else:
            cols["finish"].append(None if rng.random() < _P_FINISH_NONE else "stop")
    return cols


def _llama_column(rng: random.Random, kind: str, llama: list[bool]) -> list[bool] | None:
    """The llama judge's flags as published: a few flipped on ordinary rows, sometimes missing altogether."""
    if kind == "normal":
        llama = [(not v) if rng.random() < 0.05 else v for v in llama]
    if kind != "llama_only" and rng.random() < _P_LLAMA_NONE:
        return None
    return llama


def _row(seed: int, index: int, min_think_words: int, max_think_words: int) -> dict[str, Any]:
    rng = _row_rng(seed, index)
    row_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    prob, qtype, source = draw_problem(rng)  # drawn first: independent of the length parameters
    n_gen = rng.choices((2, 3, 4), weights=(0.55, 0.2, 0.25))[0]
    kind = _row_kind(rng.random())
    plan = _plan(rng, kind, n_gen, prob.difficulty)
    cols = _traces(rng, prob, plan, min_think_words, max_think_words)
    generations, verify = cols["generations"], cols["verify"]
    solution = " ".join(prob.steps) + f" The answer is $\\boxed{{{prob.answer}}}$."
    return {
        "problem": prob.text,
        "solution": solution,
        "answer": prob.answer,
        "problem_type": prob.problem_type,
        "question_type": qtype,
        "source": source,
        "uuid": row_uuid,
        "is_reasoning_complete": cols["complete"],
        "generations": generations,
        "correctness_math_verify": verify,
        "correctness_llama": _llama_column(rng, kind, cols["llama"]),
        "finish_reasons": cols["finish"],
        "correctness_count": sum(verify),
        "messages": [
            {"role": "user", "content": prob.text},
            {"role": "assistant", "content": generations[0]},
        ],
    }


def openr1_rows(n: int, seed: int = 0, min_think_words: int = 60, max_think_words: int = 3000) -> Iterator[dict]:
    """Yield ``n`` synthetic rows in the OpenR1-Math-220k schema (see SPEC §1).

    Row ``i`` depends only on ``(seed, i)`` (and its traces on the length bounds), so a prefix of a larger
    pool equals a smaller pool. Problem, answer and uuid do not depend on the length bounds.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not 1 <= min_think_words <= max_think_words:
        raise ValueError(f"need 1 <= min_think_words <= max_think_words, got {min_think_words}, {max_think_words}")
    for i in range(n):
        yield _row(seed, i, min_think_words, max_think_words)


def openr1_dataset(n: int, seed: int = 0, cache_dir: str | None = None, **kw: Any) -> datasets.Dataset:
    """The synthetic pool as a ``datasets.Dataset``, streamed to Arrow on disk (never a list in RAM).

    ``kw`` goes to :func:`openr1_rows` (``min_think_words``, ``max_think_words``).
    """
    import datasets

    gen_kwargs = {"n": n, "seed": seed, **kw}
    logger.info("Building synthetic OpenR1 pool: %s", gen_kwargs)
    return datasets.Dataset.from_generator(
        openr1_rows, gen_kwargs=gen_kwargs, features=openr1_features(), cache_dir=cache_dir
    )
