"""Drawing a problem for a row: which template, question type (MCQ options included) and source; and the
wrong or differently written answers that failed or llama-only traces conclude with.
"""

from __future__ import annotations

import random
import re

from s2r_hf.synthetic.problem import Problem
from s2r_hf.synthetic.schema import QUESTION_TYPES, SOURCES
from s2r_hf.synthetic.templates_arithmetic import ARITHMETIC_TEMPLATES
from s2r_hf.synthetic.templates_contest import CONTEST_TEMPLATES

TEMPLATES = ARITHMETIC_TEMPLATES + CONTEST_TEMPLATES
_SOURCE_WEIGHTS = (0.45, 0.15, 0.12, 0.08, 0.1, 0.1)


def draw_problem(rng: random.Random) -> tuple[Problem, str, str]:
    """Draw a problem; returns it with its question_type and source."""
    fns, weights = zip(*TEMPLATES, strict=True)
    prob = rng.choices(fns, weights=weights)[0](rng)
    source = prob.source or rng.choices(SOURCES, weights=_SOURCE_WEIGHTS)[0]
    qtype = rng.choices(QUESTION_TYPES, weights=(0.86, 0.10, 0.04))[0]
    if rng.random() < 0.05:
        prob.problem_type = "Other"
    if qtype == "MCQ" and not (prob.mcq_ok and re.fullmatch(r"-?\d+", prob.answer)):
        qtype = "math-word-problem"
    if qtype == "MCQ":
        value = int(prob.answer)
        options = {value}
        while len(options) < 5:
            options.add(value + rng.choice((-1, 1)) * rng.randint(1, max(3, abs(value) // 3 + 1)))
        ordered = sorted(options)
        letter = "ABCDE"[ordered.index(value)]
        prob.text += "\n" + " \\qquad ".join(
            f"$\\textbf{{({L})}}\\ {v}$" for L, v in zip("ABCDE", ordered, strict=True)
        )
        prob.steps.append(f"The value {value} is option ({letter}).")
        prob.answer = letter
        prob.alt_answers = [f"\\text{{({letter})}}", f"\\textbf{{({letter})}}"]
        source = "amc_aime"
    return prob, qtype, source


def wrong_answer(ans: str, rng: random.Random) -> str:
    """A plausible but wrong final answer."""
    if re.fullmatch(r"[A-E]", ans):
        return rng.choice([L for L in "ABCDE" if ans != L])
    if re.fullmatch(r"-?\d+", ans) and ans not in ("0", "-0") and rng.random() < 0.25:
        return ans[1:] if ans.startswith("-") else "-" + ans
    m = re.search(r"\d+", ans)
    if m is None:  # pragma: no cover - every template answer has a digit
        return ans + "+1"
    bumped = str(int(m.group()) + rng.choice((1, 1, 2, 3, 5, 10)))
    return ans[: m.start()] + bumped + ans[m.end() :]


def alt_answer(prob: Problem, rng: random.Random) -> str:
    """Same value, different surface form: math-verify (string match here) rejects, a judge LLM accepts."""
    options = [a for a in prob.alt_answers if a != prob.answer]
    if not options:
        options = [f"\\text{{{prob.answer}}}"]
    return rng.choice(options)
