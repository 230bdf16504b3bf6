"""Rows in the real public schemas, shared by the pool tests in this folder (SPEC §1).

OpenR1-Math-220k, Chinese-DeepSeek-R1-Distill-data-110k, conversational ``messages``, Alpaca, ShareGPT
``conversations`` pools, LIMO / OpenMathReasoning / DeepMath-103K, s1K / s1K-1.1. Column sets as published (dataset
cards / viewer): Bespoke-Stratos-17k and OpenThoughts-114k (default config) are `system` + `conversations`;
OpenThoughts3-1.2M is `difficulty, source, domain, conversations` with human/gpt turns; Light-R1-SFTData rows are
`conversations` only; OpenMathReasoning has no `train` split (cot/tir/genselect/additional_problems).
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets

from s2r_hf.synthetic import openr1_features

CHINESE_COLUMNS = (
    "input",
    "content",
    "reasoning_content",
    "repo_name",
    "prompt_tokens_len",
    "content_tokens_len",
    "reasoning_content_tokens_len",
    "score",
)


UNICODE_PROBLEM = "设 $x^2 + \\frac{1}{x} = 3$，求 $\\sqrt[3]{x}$ 的值。 Ünïcödé — ∑_{k=1}^{n} k² ≤ ∞ 🚀\n\t(see §2)"


UNICODE_TRACE = (
    "<think>\nWait — 令 $y = x^{1/3}$ … \\begin{align} a &= b \\\\ c \\end{align}\n</think>\n\n"
    "$\\boxed{\\dfrac{\\pi}{2}}$"
)


def trace(i: int, j: int) -> str:
    return f"<think>\nProblem {i}, trace {j}: 2 + {i} = {2 + i}. Wait, let me check.\n</think>\n\n$\\boxed{{{2 + i}}}$"


def openr1_row(i: int, **overrides) -> dict:
    """One row with every OpenR1-Math-220k column; two traces, the first math-verify-correct and complete."""
    problem = f"Compute $2 + {i}$."
    gens = [trace(i, 0), trace(i, 1)]
    row = {
        "problem": problem,
        "solution": f"$2 + {i} = {2 + i}$.",
        "answer": str(2 + i),
        "problem_type": "Algebra",
        "question_type": "math-word-problem",
        "source": "olympiads",
        "uuid": f"uuid-{i}",
        "is_reasoning_complete": [True, True],
        "generations": gens,
        "correctness_math_verify": [True, False],
        "correctness_llama": [True, True],
        "finish_reasons": ["stop", "stop"],
        "correctness_count": 1,
        "messages": [{"role": "user", "content": problem}, {"role": "assistant", "content": gens[0]}],
    }
    row.update(overrides)
    return row


def openr1_ds(rows: list[dict]) -> datasets.Dataset:
    return datasets.Dataset.from_list(rows, features=openr1_features())


def chinese_row(i: int, **overrides) -> dict:
    row = {
        "input": f"求 {i} 的平方。",
        "content": f"答案是 $\\boxed{{{i * i}}}$。",
        "reasoning_content": f"嗯，{i} 乘以 {i} 等于 {i * i}。",
        "repo_name": "EduChat-Math",
        "prompt_tokens_len": 12,
        "content_tokens_len": 20,
        "reasoning_content_tokens_len": 40,
        "score": 10,
    }
    row.update(overrides)
    return row


def without(row: dict, key: str) -> dict:
    return {k: v for k, v in row.items() if k != key}


STRATOS_COLUMNS = ("system", "conversations")


OPENTHOUGHTS3_COLUMNS = ("difficulty", "source", "domain", "conversations")


LIGHT_R1_COLUMNS = ("conversations",)


OPENTHOUGHTS_MATH_COLUMNS = (
    "source",
    "problem",
    "solution",
    "messages",
    "system",
    "conversations",
    "generated_token_count",
    "correct",
)


LIMO_COLUMNS = ("question", "solution", "answer")


OPENMATHREASONING_COLUMNS = (
    "expected_answer",
    "problem_type",
    "problem_source",
    "generation_model",
    "pass_rate_72b_tir",
    "problem",
    "generated_solution",
    "inference_mode",
    "used_in_kaggle",
)


DEEPMATH_COLUMNS = (
    "question",
    "final_answer",
    "difficulty",
    "topic",
    "r1_solution_1",
    "r1_solution_2",
    "r1_solution_3",
)


S1K_COLUMNS = (
    "solution",
    "question",
    "cot_type",
    "source_type",
    "metadata",
    "cot",
    "thinking_trajectories",
    "attempt",
)


S1K_11_COLUMNS = (
    "solution",
    "question",
    "cot_type",
    "source_type",
    "metadata",
    "gemini_thinking_trajectory",
    "gemini_attempt",
    "deepseek_thinking_trajectory",
    "deepseek_attempt",
    "gemini_grade",
    "gemini_grade_reason",
    "deepseek_grade",
    "deepseek_grade_reason",
)


STRATOS_SYSTEM = (
    "Your role as an assistant involves thoroughly exploring questions through a systematic long thinking process "
    "before providing the final precise and accurate solutions. … Now, try to solve the following question "
    "through the above guidelines:"
)


STRATOS_PROBLEM = (
    "Return your final response within \\boxed{}. Find all real $x$ such that $\\sqrt{x+3} = x - 3$ — "
    "i.e. $x \\in \\mathbb{R}$, $x ≥ 3$."
)


STRATOS_RESPONSE = (
    "<|begin_of_thought|>\n\nOkay, so I need to solve √(x+3) = x − 3. Squaring: $x + 3 = x^2 - 6x + 9$ …\n\n"
    "<|end_of_thought|>\n\n<|begin_of_solution|>\n\nThe only solution is $\\boxed{6}$.\n\n<|end_of_solution|>"
)


def stratos_row(i: int, **overrides) -> dict:
    """Bespoke-Stratos-17k / OpenThoughts-114k (default config): `system` + user/assistant `conversations`."""
    row = {
        "system": STRATOS_SYSTEM,
        "conversations": [
            {"from": "user", "value": f"{STRATOS_PROBLEM} (#{i})"},
            {"from": "assistant", "value": STRATOS_RESPONSE},
        ],
    }
    row.update(overrides)
    return row


def openthoughts3_row(i: int, **overrides) -> dict:
    row = {
        "difficulty": 7,
        "source": "ai2-adapt-dev/openmath-2-math",
        "domain": "math",
        "conversations": [
            {"from": "human", "value": f"Let $f(n) = n^2 + {i}$. Compute $\\gcd(f(1), f(2))$ — ∀ n ∈ ℕ."},
            {
                "from": "gpt",
                "value": f"<think>\nHmm, f(1) = {1 + i}, f(2) = {4 + i} … wait.\n</think>\n\n$\\boxed{{1}}$",
            },
        ],
    }
    row.update(overrides)
    return row


def light_r1_row(i: int, **overrides) -> dict:
    row = {
        "conversations": [
            {
                "from": "user",
                "value": f"Find all primes $p$ with $2p^2 + p + {9 + i} = m^2$ for some $m ∈ \\mathbb{{Z}}$.",
            },
            {"from": "assistant", "value": "<think>\nOkay, so p = 5 gives 64 = 8² …\n</think>\n\n$p = \\boxed{5}$"},
        ]
    }
    row.update(overrides)
    return row


def limo_row(i: int, **overrides) -> dict:
    row = {
        "question": f"Find the remainder when $\\sum_{{k=1}}^{{{100 + i}}} k^3$ is divided by $1000$.",
        "solution": "Okay, so I need to find the remainder … Wait, let me double-check: $(n(n+1)/2)^2$ …\n\n"
        "**Final Answer**\n\\boxed{25}",
        "answer": "25",
    }
    row.update(overrides)
    return row


def omr_row(i: int, solution: int = 0, **overrides) -> dict:
    """nvidia/OpenMathReasoning (`cot` split); several solutions per problem, no id column."""
    row = {
        "expected_answer": "\\dfrac{\\pi}{4}",
        "problem_type": "has_answer_extracted",
        "problem_source": "aops_c7_college_math",
        "generation_model": "DeepSeek-R1",
        "pass_rate_72b_tir": "0.5625",
        "problem": f"Evaluate $\\int_0^1 \\frac{{dx}}{{1+x^2}}$ (variant {i}).",
        "generated_solution": f"<think>\nThe antiderivative is $\\arctan x$ … (solution {solution})\n</think>\n"
        "$\\boxed{\\dfrac{\\pi}{4}}$",
        "inference_mode": "cot",
        "used_in_kaggle": True,
    }
    row.update(overrides)
    return row


def deepmath_row(i: int, **overrides) -> dict:
    row = {
        "question": f"Determine $\\lim_{{n\\to\\infty}} (1 + {i + 1}/n)^n$.",
        "final_answer": f"e^{{{i + 1}}}",
        "difficulty": 4.5,
        "topic": "Mathematics -> Precalculus -> Limits",
        "r1_solution_1": "Okay, so I need to find this limit … \n</think>\n\n**Final Answer**\n$\\boxed{e^{2}}$",
        "r1_solution_2": "Alternatively …",
        "r1_solution_3": "Hmm …",
    }
    row.update(overrides)
    return row


def s1k_row(i: int, **overrides) -> dict:
    """simplescaling/s1K: `thinking_trajectories` is a list of strings (one Gemini trace)."""
    row = {
        "solution": "128",
        "question": f"Given a rational number, write it as a fraction in lowest terms … (#{i}) $20!$ …",
        "cot_type": "math",
        "source_type": "qq8933/AIME_1983_2024",
        "metadata": "{'ID': '1991-5', 'Year': 1991, 'Problem Number': 5, 'Part': None}",
        "cot": None,
        "thinking_trajectories": ["Let's think about this … $20! = 2^{18} \\cdot 3^8 \\cdots$ so 8 primes, $2^7$."],
        "attempt": "The number of such rationals is $2^{8-1} = \\boxed{128}$.",
    }
    row.update(overrides)
    return row


def s1k_11_row(i: int, **overrides) -> dict:
    """simplescaling/s1K-1.1: the s1K Gemini columns plus DeepSeek-R1 trace, attempt and grades."""
    row = {
        "solution": "1. **Rewrite the function** … $f(x) ≤ 1$ … $\\blacksquare$",
        "question": f"Let $a,b,A,B$ be given reals and $f(x) = 1 - a\\cos x - b\\sin x$ (#{i}). Prove $a^2+b^2 ≤ 2$.",
        "cot_type": "math",
        "source_type": "AI-MO/NuminaMath-CoT/aops_forum",
        "metadata": "{'source': 'aops_forum', 'messages': [...]}",
        "gemini_thinking_trajectory": "Let's analyze … (Gemini)",
        "gemini_attempt": "Gemini's proof.",
        "deepseek_thinking_trajectory": "\nOkay, so I need to prove that … Wait, 等一下 — let me check $x = π/4$.\n",
        "deepseek_attempt": "\n**Proof.** By averaging $f(x) + f(x + π) ≥ 0$ … $\\boxed{a^2 + b^2 \\le 2}$ ∎ ",
        "gemini_grade": "No",
        "gemini_grade_reason": "…",
        "deepseek_grade": "Yes",
        "deepseek_grade_reason": "…",
    }
    row.update(overrides)
    return row


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


REAL_POOLS = Path(__file__).resolve().parents[2] / "data" / "real_pools"
