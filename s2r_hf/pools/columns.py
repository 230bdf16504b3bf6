"""Adapters for pools that keep problem, reasoning and answer in named columns: Alpaca, Chinese-R1,
OpenThoughts metadata, problem + long solution (LIMO, OpenMathReasoning, DeepMath) and s1K."""

from __future__ import annotations

from s2r_hf.pools.canonical import (
    BAD_FIELD,
    Row,
    canonical_row,
    describe_field,
    drop_bad_field,
    field_text,
    first_text,
    opt_text,
    own_id,
    present_column,
    resolve_id,
)


def alpaca(row: Row) -> Row:
    """Alpaca-style ``instruction`` (+ optional ``input``) → ``output``."""
    instruction = field_text(row, "instruction")
    if instruction is None:
        return drop_bad_field(row, "instruction", opt_text(row, "id"))
    extra = opt_text(row, "input")
    problem = f"{instruction}\n\n{extra}" if extra else instruction
    row_id = resolve_id(row, problem, "id", "uuid")
    output = field_text(row, "output")
    if output is None:
        return drop_bad_field(row, "output", row_id)
    return canonical_row(row_id, problem, output, answer=opt_text(row, "answer"), source=opt_text(row, "source"))


def think_response(reasoning: str, answer: str) -> str:
    """A trace stored as reasoning + answer columns, written the way R1 emits it (``<think>`` block, then answer)."""
    return f"<think>\n{reasoning.strip()}\n</think>\n\n{answer.strip()}"


def _reasoning_columns(row: Row, problem_col: str, reasoning_col: str, answer_col: str, type_col: str) -> Row:
    """A pool that stores the question, the reasoning and the final answer in three columns: the trace is
    written as R1 emits it (:func:`think_response`)."""
    problem = field_text(row, problem_col)
    if problem is None:
        return drop_bad_field(row, problem_col, own_id(row))
    row_id = resolve_id(row, problem, "id", "uuid")
    reasoning, answer = field_text(row, reasoning_col), field_text(row, answer_col)
    if reasoning is None:
        return drop_bad_field(row, reasoning_col, row_id)
    if answer is None:
        return drop_bad_field(row, answer_col, row_id)
    return canonical_row(
        row_id,
        problem,
        think_response(reasoning, answer),
        answer=opt_text(row, "answer"),
        problem_type=opt_text(row, type_col),
        source=opt_text(row, "source"),
    )


def chinese_r1(row: Row) -> Row:
    """Chinese-DeepSeek-R1-Distill-data-110k: ``input``, ``reasoning_content``, ``content``."""
    return _reasoning_columns(row, "input", "reasoning_content", "content", "repo_name")


def reasoning_solution(row: Row) -> Row:
    """OpenThoughts-114k's ``metadata`` config (and pools shaped like it): ``problem``, ``deepseek_reasoning``,
    ``deepseek_solution``, ``domain`` (math / code / science / puzzle), ``source``. ``ground_truth_solution``
    is a reference, not the trace."""
    return _reasoning_columns(row, "problem", "deepseek_reasoning", "deepseek_solution", "domain")


# problem_solution: the problem column, then the long-solution column, each the first the pool has.
PROBLEM_COLUMNS = ("problem", "question")
SOLUTION_COLUMNS = (
    "generated_solution",  # nvidia/OpenMathReasoning: the R1 / QwQ-32B long CoT (or TIR) solution
    "r1_solution_1",  # zwhe99/DeepMath-103K: the first of its three R1 traces
    "solution",  # GAIR/LIMO (and LIMO-v2): the long reasoning chain itself
)
ANSWER_COLUMNS = ("answer", "expected_answer", "final_answer")


def problem_solution(row: Row) -> Row:
    """Problem + one long-solution column: GAIR/LIMO, nvidia/OpenMathReasoning, zwhe99/DeepMath-103K.

    The problem is ``problem`` or ``question``, the response the first of :data:`SOLUTION_COLUMNS` the pool has
    (kept verbatim), the answer ``answer``/``expected_answer``/``final_answer``. A trace column is preferred to
    ``solution`` because where both exist ``solution`` is the short reference (e.g. NuminaMath-derived pools).
    Pools with several solutions per problem (OpenMathReasoning) keep the first one: rows without an id
    column get the problem hash, so later solutions drop as ``duplicate_id``.
    """
    given_id = own_id(row)
    problem_name = present_column(row, PROBLEM_COLUMNS)
    if problem_name is None:
        return canonical_row(given_id, "", "", drop=BAD_FIELD, detail="no problem field: none of 'problem', 'question'")
    problem = field_text(row, problem_name)
    if problem is None:
        return drop_bad_field(row, problem_name, given_id)
    row_id = resolve_id(row, problem, "id", "uuid")
    solution_name = present_column(row, SOLUTION_COLUMNS)
    if solution_name is None:
        names = ", ".join(repr(n) for n in SOLUTION_COLUMNS)
        return canonical_row(row_id, problem, "", drop=BAD_FIELD, detail=f"no solution field: none of {names}")
    response = field_text(row, solution_name)
    if response is None:
        return drop_bad_field(row, solution_name, row_id)
    return canonical_row(
        row_id,
        problem,
        response,
        answer=first_text(row, *ANSWER_COLUMNS),
        problem_type=first_text(row, "problem_type", "topic", "domain"),
        source=first_text(row, "source", "problem_source"),
    )


# s1k: (thinking trajectory, attempt) column pairs, the first whose trajectory column the pool has.
S1_TRACES = (
    ("deepseek_thinking_trajectory", "deepseek_attempt"),  # simplescaling/s1K-1.1 (the R1 traces s1.1 trains on)
    ("claude_thinking_trajectory", "claude_attempt"),  # simplescaling/s1K-claude-3-7-sonnet
    ("thinking_trajectories", "attempt"),  # simplescaling/s1K: a list of strings (one Gemini trace)
    ("gemini_thinking_trajectory", "gemini_attempt"),  # s1K-1.1 / s1K-claude keep the Gemini trace too
)


def _trajectory(row: Row, name: str) -> tuple[str | None, str]:
    """(text, "") for a non-empty string or list of strings (joined by newlines, as s1's tokenizer does),
    else (None, drop detail)."""
    value = row.get(name)
    if isinstance(value, list):
        if not value:
            return None, describe_field(row, name, list)
        for i, part in enumerate(value):
            if not isinstance(part, str):
                return None, f"{name}[{i}] is {type(part).__name__}, not a string"
        value = "\n".join(value)
    if isinstance(value, str):
        return (value.strip(), "") if value.strip() else (None, f"field {name!r} is empty")
    if name not in row or value is None:
        return None, f"field {name!r} is missing"
    return None, f"field {name!r} is {type(value).__name__}, not a string or list"


def s1k(row: Row) -> Row:
    """simplescaling/s1K and s1K-1.1: ``question`` + a thinking trajectory + the attempt after it.

    Response = ``<think>\\n{trajectory}\\n</think>\\n\\n{attempt}`` (as :func:`chinese_r1`), from the first pair of
    :data:`S1_TRACES` the pool has: DeepSeek-R1 for s1K-1.1, ``thinking_trajectories`` + ``attempt`` for s1K.
    ``cot_type`` and ``source_type`` become ``problem_type`` and ``source``. ``solution`` is not taken as the
    answer: it is a bare number for some sources and a whole worked solution (or none) for others.
    """
    given_id = own_id(row)
    problem = field_text(row, "question")
    if problem is None:
        return drop_bad_field(row, "question", given_id)
    row_id = resolve_id(row, problem, "id", "uuid")
    pair = next((p for p in S1_TRACES if p[0] in row), None)
    if pair is None:
        names = ", ".join(repr(t) for t, _ in S1_TRACES)
        return canonical_row(
            row_id, problem, "", drop=BAD_FIELD, detail=f"no thinking trajectory field: none of {names}"
        )
    trajectory, detail = _trajectory(row, pair[0])
    if trajectory is None:
        return canonical_row(row_id, problem, "", drop=BAD_FIELD, detail=detail)
    attempt = field_text(row, pair[1])
    if attempt is None:
        return drop_bad_field(row, pair[1], row_id)
    return canonical_row(
        row_id,
        problem,
        think_response(trajectory, attempt),
        answer=opt_text(row, "answer"),
        problem_type=opt_text(row, "cot_type"),
        source=opt_text(row, "source_type"),
    )
