"""Pool adapters: one raw row → one canonical row, or a drop reason. Plain callables, picked by name.

The canonical row is :mod:`~s2r_hf.pools.canonical`; the adapters live by kind in :mod:`~s2r_hf.pools.openr1`,
:mod:`~s2r_hf.pools.chat` and :mod:`~s2r_hf.pools.columns`. This module is their registry (:data:`ADAPTERS`)
and the column signatures ``detect_format`` reads (:data:`SIGNATURES`); their names are re-exported here.
An adapter never raises on bad data: it returns the reason, so the normaliser can count, skip or fail
with the row named, whatever the executor.
"""

from __future__ import annotations

from collections.abc import Callable

from s2r_hf.pools.canonical import BAD_FIELD, Row, problem_id, text_hash
from s2r_hf.pools.chat import ASSISTANT_ROLES, USER_ROLES, conversations, messages, prompt_completion
from s2r_hf.pools.columns import (
    ANSWER_COLUMNS,
    PROBLEM_COLUMNS,
    S1_TRACES,
    SOLUTION_COLUMNS,
    alpaca,
    chinese_r1,
    problem_solution,
    reasoning_solution,
    s1k,
    think_response,
)
from s2r_hf.pools.openr1 import LATER_TRACE_AVAILABLE, LATER_TRACE_TAKEN, openr1

__all__ = [
    "ADAPTERS",
    "ANSWER_COLUMNS",
    "ASSISTANT_ROLES",
    "BAD_FIELD",
    "LATER_TRACE_AVAILABLE",
    "LATER_TRACE_TAKEN",
    "PROBLEM_COLUMNS",
    "S1_TRACES",
    "SIGNATURES",
    "SOLUTION_COLUMNS",
    "USER_ROLES",
    "Row",
    "alpaca",
    "chinese_r1",
    "conversations",
    "messages",
    "openr1",
    "problem_id",
    "problem_solution",
    "prompt_completion",
    "reasoning_solution",
    "s1k",
    "text_hash",
    "think_response",
]

ADAPTERS: dict[str, Callable[[Row], Row]] = {
    "openr1": openr1,
    "messages": messages,
    "alpaca": alpaca,
    "chinese_r1": chinese_r1,
    "conversations": conversations,
    "problem_solution": problem_solution,
    "s1k": s1k,
    "prompt_completion": prompt_completion,
    "reasoning_solution": reasoning_solution,
}

# Column sets that identify a format, checked in this order by ``detect_format``: the first subset wins, so
# the many-column signatures come before the one-column chat ones (OpenR1 rows also have ``messages``,
# ``problem`` and ``solution``; OpenThoughts-114k-math has both ``conversations`` and a short ``messages``).
SIGNATURES: list[tuple[str, frozenset[str]]] = [
    ("openr1", frozenset({"problem", "generations"})),
    ("chinese_r1", frozenset({"input", "reasoning_content", "content"})),
    ("reasoning_solution", frozenset({"problem", "deepseek_reasoning", "deepseek_solution"})),
    ("alpaca", frozenset({"instruction", "output"})),
    *(("s1k", frozenset({"question", trace, attempt})) for trace, attempt in S1_TRACES),
    ("problem_solution", frozenset({"problem", "generated_solution"})),  # OpenMathReasoning
    ("problem_solution", frozenset({"question", "r1_solution_1"})),  # DeepMath-103K
    ("problem_solution", frozenset({"question", "solution", "answer"})),  # LIMO
    ("prompt_completion", frozenset({"prompt", "completion"})),
    ("conversations", frozenset({"conversations"})),
    ("messages", frozenset({"messages"})),
]
