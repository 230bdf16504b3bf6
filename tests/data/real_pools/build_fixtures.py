"""Rebuild the real-pool fixtures in this folder (see SOURCES.md for where every value comes from).

Run from the repository root: ``.venv/bin/python tests/data/real_pools/build_fixtures.py``. Texts quoted from
public rows are kept verbatim up to a ``[...]`` cut; the rows marked CARD-BUILT follow the dataset card's schema.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
CUT = " [...]"

# ------------------------------------------------------------------------------------------------ OpenR1-Math-220k
OPENR1_PROBLEM_0 = (
    "## Task B-1.3.\n\nA ship traveling along a river has covered $24 \\mathrm{~km}$ upstream and $28 \\mathrm{~km}$ "
    "downstream. For this journey, it took half an hour less than for traveling $30 \\mathrm{~km}$ upstream and "
    "$21 \\mathrm{~km}$ downstream, or half an hour more than for traveling $15 \\mathrm{~km}$ upstream and "
    "$42 \\mathrm{~km}$ downstream, assuming that both the ship and the river move uniformly.\n\n"
    "Determine the speed of the ship in still water and the speed of the river."
)
OPENR1_TRACE_0 = (
    "<think>\nOkay, so I need to find the speed of the ship in still water and the speed of the river. Let me start "
    "by recalling that when a ship is moving upstream, its effective speed is the speed of the ship minus the speed "
    "of the river. Conversely, when moving downstream, its effective speed is the ship's speed plus the river's "
    "speed. \n\nLet me denote the speed of the ship in still water as \\( v \\) (in km/h) and the speed of the river "
    "as \\( r \\) (also in km/h). Then, the upstream speed would be \\( v - r \\), and the downstream speed would be "
    "\\( v + r \\).\n\nThe problem mentions three different journeys:\n\n1. 24 km upstream and 28 km downstream, "
    "taking half an hour less than the second journey.\n2. 30 km upstream and 21 km downstream, which takes half an "
    "hour more than the first journey.\n3. 15 km upstream and 42 km downstream, which takes half an hour less than "
    "the first journey.\n\nWait, actually, the problem states:" + CUT + "\n\n"
    "1. \\( -6x + 7y + 0.5 = 0 \\) ⇒ \\( -6x + 7y = -0.5 \\)\n2. \\( 9x - 14y - 0.5 = 0 \\) ⇒ \\( 9x - 14y = 0.5 \\)"
    + CUT
    + "\n\nThus, \\( x = (-0.5)/(-3) = 0.5/3 ≈ 0.1667 \\)\n\nBut exact value is \\( x = 1/6 \\)"
    + CUT
    + "\n\n"
    "Therefore, the solution is correct.\n\n**Final Answer**\nThe speed of the ship in still water is \\boxed{10} "
    "km/h and the speed of the river is \\boxed{4} km/h.\n</think>\n\nLet \\( v \\) be the speed of the ship in "
    "still water (in km/h) and \\( r \\) be the speed of the river (in km/h). The effective speeds of the ship "
    "upstream and downstream are \\( v - r \\) and \\( v + r \\), respectively." + CUT + "\n\n"
    "The speed of the ship in still water is \\(\\boxed{10}\\) km/h and the speed of the river is "
    "\\(\\boxed{4}\\) km/h."
)
OPENR1_PROBLEM_1 = (
    "3. (6 points) A construction company was building a tunnel. When $\\frac{1}{3}$ of the tunnel was completed at "
    "the original speed, they started using new equipment, which increased the construction speed by $20 \\%$ and "
    "reduced the working hours to $80 \\%$ of the original. As a result, it took a total of 185 days to complete "
    "the tunnel. If they had not used the new equipment and continued at the original speed, it would have taken "
    "$\\qquad$ days to complete the tunnel."
)
OPENR1_TRACE_1 = (
    "<think>\nOkay, let me try to figure out this problem. So, a construction company was building a tunnel. When "
    "1/3 of the tunnel was completed at the original speed, they started using new equipment. This new equipment "
    "increased their construction speed by 20% and reduced their working hours to 80% of the original. The total "
    "time taken with the new equipment was 185 days. We need to find out how many days it would have taken if they "
    "hadn't used the new equipment and continued at the original speed.\n\nHmm. Let me break this down." + CUT + "\n\n"
    "Wait, 60 days + 125 days = 185 days, which matches the given total time. Therefore, the original time T is "
    "indeed 180 days. So the answer is 180.\n\nTherefore, if they had not used the new equipment, it would have "
    "taken 180 days.\n\n**Final Answer**\n\\boxed{180}\n</think>\n\nLet \\( T \\) be the original number of days "
    "required to complete the tunnel. The original construction speed is \\( \\frac{1}{T} \\) tunnels per day."
    + CUT
    + "\n\n\\[\n\\boxed{180}\n\\]"
)


def openr1_rows() -> list[dict]:
    return [
        {  # REAL (datasets-server /first-rows, config default, row 0); trace 0 cut, trace 1 elided as in the quote
            "problem": OPENR1_PROBLEM_0,
            "solution": "## Solution.\n\nLet $t$ be the time required for the boat to travel 24 km upstream and 28 km "
            "downstream" + CUT + " The speed of the river is $v_{R}=4$ km/h, and the speed of the boat is "
            "$v_{B}=10$ km/h.",
            "answer": "v_{R}=4\\mathrm{~}/\\mathrm{},v_{B}=10\\mathrm{~}/\\mathrm{}",
            "problem_type": "Algebra",
            "question_type": "math-word-problem",
            "source": "olympiads",
            "uuid": "586fd646-76d6-5070-8c81-9993ab9d8559",
            "is_reasoning_complete": [True, True],
            "generations": [OPENR1_TRACE_0, "..."],
            "correctness_math_verify": [True, False],
            "correctness_llama": None,
            "finish_reasons": None,
            "correctness_count": 1,
            "messages": [
                {"role": "user", "content": OPENR1_PROBLEM_0},
                {"role": "assistant", "content": OPENR1_TRACE_0},
            ],
        },
        {  # problem + trace REAL (row 1 as dumped by a training-examples file); metadata CARD-BUILT
            "problem": OPENR1_PROBLEM_1,
            "solution": "Answer: 180." + CUT,
            "answer": "180",
            "problem_type": "Algebra",
            "question_type": "math-word-problem",
            "source": "olympiads",
            "uuid": "card-built-openr1-row-1",
            "is_reasoning_complete": [True, True],
            "generations": [OPENR1_TRACE_1, "<think>\n..." + CUT],
            "correctness_math_verify": [True, True],
            "correctness_llama": None,
            "finish_reasons": None,
            "correctness_count": 2,
            "messages": [
                {"role": "user", "content": OPENR1_PROBLEM_1},
                {"role": "assistant", "content": OPENR1_TRACE_1},
            ],
        },
        {  # CARD-BUILT: a row judged by Llama only (the 12 % of the pool), with finish_reasons filled in
            "problem": "Find all real $x$ with $\\sqrt{x+3} = x - 3$.",
            "solution": "Squaring gives $x^2 - 7x + 6 = 0$, so $x \\in \\{1, 6\\}$; only $x = 6$ works.",
            "answer": "6",
            "problem_type": "Algebra",
            "question_type": "math-word-problem",
            "source": "cn_contest",
            "uuid": "card-built-openr1-row-2",
            "is_reasoning_complete": [True, True],
            "generations": [
                "<think>\nSquare both sides: x + 3 = x² − 6x + 9 … wait, x = 1 fails.\n</think>\n\n$x = 1$ or $6$",
                "<think>\nSquare: x² − 7x + 6 = 0, roots 1 and 6; check x = 1: √4 = 2 ≠ −2.\n</think>\n\n$\\boxed{6}$",
            ],
            "correctness_math_verify": [False, False],
            "correctness_llama": [False, True],
            "finish_reasons": ["stop", "stop"],
            "correctness_count": 1,
            "messages": [],
        },
    ]


def openr1_features() -> datasets.Features:
    """The synthetic pool's OpenR1 features, with ``messages`` keys in the Hub's order (content, role)."""
    from s2r_hf.synthetic.openr1_pool import openr1_features as synthetic_features

    features = synthetic_features()
    s = datasets.Value("string")
    features["messages"] = datasets.List({"content": s, "role": s})
    return features


# ------------------------------------------------------------------------------------- Bespoke-Stratos / OpenThoughts
STRATOS_SYSTEM = (
    "Your role as an assistant involves thoroughly exploring questions through a systematic long thinking process "
    "before providing the final precise and accurate solutions. This requires engaging in a comprehensive cycle of "
    "analysis, summarizing, exploration, reassessment, reflection, backtracing, and iteration to develop "
    "well-considered thinking process." + CUT
)
STRATOS_USER_0 = (
    "Return your final response within \\boxed{}. Ms. Blackwell gives an exam to two classes. The mean of the scores "
    "of the students in the morning class is $84$, and the afternoon class's mean score is $70$. The ratio of the "
    "number of students in the morning class to the number of students in the afternoon class is $\\frac{3}{4}$. "
    "What is the mean of the scores of all the students?\n$\\textbf{(A)} ~74 \\qquad\\textbf{(B)} ~75 "
    "\\qquad\\textbf{(C)} ~76 \\qquad\\textbf{(D)} ~77 \\qquad\\textbf{(E)} ~78$"
)
STRATOS_ASSISTANT_0 = (
    "<|begin_of_thought|>\n\nOkay, let's see. I need to find the mean score of all the students combined from both "
    "the morning and afternoon classes. Hmm, the problem gives me the means of each class and the ratio of the "
    "number of students." + CUT
)
OT2_USER = (
    "Return your final response within \\boxed{}. Find [the decimal form of] the largest prime divisor of "
    "$100111011_6$.\n"
)
OT2_ASSISTANT = (
    "<think>\nOkay, so I need to find the largest prime divisor of the number 100111011 in base 6, converted to "
    "decimal form. Hmm, let me start by understanding the steps involved here. First, I need to convert the base 6 "
    "number to base 10 (decimal), right? Once I have the decimal number, I can then find its prime divisors and "
    "determine which one is the largest. \n\nLet me start with the conversion process. The number given is "
    "100111011_6. To convert this to decimal, I should expand each digit multiplied by 6 raised to the power of its "
    "position, starting fr" + CUT
)


def card_stratos(i: int) -> dict:
    """CARD-BUILT second row of the Stratos / OpenThoughts-114k schema (system + user/assistant conversations)."""
    return {
        "system": STRATOS_SYSTEM,
        "conversations": [
            {
                "from": "user",
                "value": f"Return your final response within \\boxed{{}}. Compute $\\binom{{{6 + i}}}{{2}}$.",
            },
            {
                "from": "assistant",
                "value": f"<|begin_of_thought|>\n\n{6 + i}·{5 + i}/2 … wait, let me double-check.\n\n"
                f"<|end_of_thought|>\n\n<|begin_of_solution|>\n\n$\\boxed{{{(6 + i) * (5 + i) // 2}}}$\n\n"
                "<|end_of_solution|>",
            },
        ],
    }


# --------------------------------------------------------------------------------------------------- DeepMath / OMR
DEEPMATH_ROW_0 = {  # REAL head of row 0 (three r1 traces cut after their first words)
    "question": "Evaluate the limit: \\[ \\lim_{x \\to \\infty} \\sqrt{x} "
    "\\left( \\sqrt[3]{x+1} - \\sqrt[3]{x-1} \\right) \\]",
    "final_answer": "0",
    "difficulty": 4.5,
    "topic": "Mathematics -> Precalculus -> Limits",
    "r1_solution_1": "Okay, so I have this limit to evaluate the limit as x approaches" + CUT,
    "r1_solution_2": "Okay, so I need to evaluate the limit as x approaches infinity" + CUT,
    "r1_solution_3": "Okay, so I need to evaluate the limit as x approaches infinity" + CUT,
}
OMR_ROW = {  # REAL head of a `cot` row (problem and trace cut)
    "expected_answer": "\\(\\frac{C_{n_1}^{a_1} \\cdot C_{n_2}^{a_2} \\cdot \\ldots \\cdot C_{n_C}^{a_C}}{C_N^A}\\)",
    "problem_type": "has_answer_extracted",
    "problem_source": "aops_c6_high_school_olympiads",
    "generation_model": "DeepSeek-R1",
    "pass_rate_72b_tir": "0.65625",
    "problem": "Given a group of \\( N \\) balls consisting of \\( C \\) colors" + CUT,
    "generated_solution": "<think>\nOkay, so I need to find the probability that"
    + CUT
    + "\n</think>\n\nTo solve this problem"
    + CUT,
    "inference_mode": "cot",
    "used_in_kaggle": True,
}


# ------------------------------------------------------------------------------------------- CARD-BUILT schemas
def limo_rows() -> list[dict]:
    """GAIR/LIMO: question, solution (the long R1-style chain itself), answer."""
    return [
        {
            "question": f"Find the remainder when $\\sum_{{k=1}}^{{{100 + i}}} k^3$ is divided by $1000$.",
            "solution": "Okay, so I need to find the remainder … Wait, let me double-check: $(n(n+1)/2)^2$ …\n\n"
            f"**Final Answer**\n\\boxed{{{i}}}",
            "answer": str(i),
        }
        for i in range(2)
    ]


def light_r1_rows() -> list[dict]:
    """qihoo360/Light-R1-SFTData: `conversations` only, user/assistant turns, R1 `<think>` traces."""
    return [
        {
            "conversations": [
                {
                    "from": "user",
                    "value": f"Find all primes $p$ with $2p^2 + p + {9 + i} = m^2$ for some $m ∈ \\mathbb{{Z}}$.",
                },
                {"from": "assistant", "value": "<think>\nOkay, so p = 5 gives 64 = 8² …\n</think>\n\n$p = \\boxed{5}$"},
            ]
        }
        for i in range(2)
    ]


S1K_COMMON = {
    "solution": "128",
    "cot_type": "math",
    "source_type": "qq8933/AIME_1983_2024",
    "metadata": "{'ID': '1991-5', 'Year': 1991, 'Problem Number': 5, 'Part': None}",
}


def s1k_rows() -> list[dict]:
    """simplescaling/s1K: `thinking_trajectories` is a list of strings, `attempt` the answer after it."""
    return [
        {
            **S1K_COMMON,
            "question": f"Given a rational number, write it as a fraction in lowest terms … (#{i}) $20!$ …",
            "cot": None,
            "thinking_trajectories": ["Let's think about this … $20! = 2^{18} \\cdot 3^8 \\cdots$ so 8 primes, $2^7$."],
            "attempt": "The number of such rationals is $2^{8-1} = \\boxed{128}$.",
        }
        for i in range(2)
    ]


def s1k_11_rows() -> list[dict]:
    """simplescaling/s1K-1.1: Gemini and DeepSeek-R1 trajectories + attempts + grades (one string each)."""
    return [
        {
            **S1K_COMMON,
            "question": f"Let $a,b$ be reals and $f(x) = 1 - a\\cos x - b\\sin x ≥ 0$ (#{i}). Prove $a^2+b^2 ≤ 2$.",
            "gemini_thinking_trajectory": "Let's analyze … (Gemini)",
            "gemini_attempt": "Gemini's proof.",
            "deepseek_thinking_trajectory": "\nOkay, so I need to prove that … Wait, 等一下 — let me check "
            "$x = π/4$.\n",
            "deepseek_attempt": "\n**Proof.** By averaging $f(x) + f(x + π) ≥ 0$ … $\\boxed{a^2 + b^2 \\le 2}$ ∎ ",
            "gemini_grade": "No",
            "gemini_grade_reason": "…",
            "deepseek_grade": "Yes",
            "deepseek_grade_reason": "…",
        }
        for i in range(2)
    ]


def am_rows() -> list[dict]:
    """a-m-team/AM-DeepSeek-R1-Distilled-1.4M: `messages` turns carry an extra `info` struct; the assistant
    content is `<think>…</think> <answer>…</answer>`."""
    info_user = {
        "source": "natural_reasoning",
        "reference_answer": "4",
        "test_case": None,
        "think_content": None,
        "answer_content": None,
    }
    return [
        {
            "messages": [
                {
                    "role": "user",
                    "content": f"What is the remainder of $2^{{{10 + i}}}$ divided by 7?",
                    "info": info_user,
                },
                {
                    "role": "assistant",
                    "content": "<think>Powers of 2 mod 7 cycle 2, 4, 1 … wait, 10 mod 3 = 1.</think>\n<answer>"
                    "The remainder is $\\boxed{2}$.</answer>",
                    "info": {
                        **info_user,
                        "reference_answer": None,
                        "think_content": "Powers of 2 mod 7 cycle …",
                        "answer_content": "The remainder is $\\boxed{2}$.",
                    },
                },
            ]
        }
        for i in range(2)
    ]


def sky_t1_rows() -> list[dict]:
    """NovaSky-AI/Sky-T1_data_17k: one JSON array (not JSON lines) of `system` + human/gpt-less user/assistant
    `conversations`."""
    return [
        {
            "system": "Your role as an assistant involves thoroughly exploring questions through a systematic long "
            "thinking process" + CUT,
            "conversations": [
                {"from": "user", "value": f"Return your final response within \\boxed{{}}. What is ${i + 2}^{{10}}$?"},
                {
                    "from": "assistant",
                    "value": "<|begin_of_thought|>\n\nOkay …\n\n<|end_of_thought|>\n\n"
                    f"<|begin_of_solution|>\n\n$\\boxed{{{(i + 2) ** 10}}}$\n\n<|end_of_solution|>",
                },
            ],
        }
        for i in range(2)
    ]


def openo1_rows() -> list[dict]:
    """O1-OPEN/OpenO1-SFT: Alpaca-style `instruction` / `output` with <Thought> … <Output> markup."""
    return [
        {
            "instruction": f"How many positive divisors does ${12 * (i + 1)}$ have?",
            "output": "<Thought>\nAlright, factor it first … wait, include 1 and itself.\n</Thought>\n<Output>\n"
            f"{6 + i * 2}\n</Output>",
        }
        for i in range(2)
    ]


def mlx_prompt_completion_rows() -> list[dict]:
    """mlx-community/s1K-1.1: `prompt` / `completion` strings plus the s1K metadata (no format we know)."""
    return [
        {
            "solution": "128",
            "question": "Q?",
            "prompt": "Q?",
            "completion": "<think>…</think> 128",
            "cot_type": "math",
            "source_type": "x",
            "metadata": "{}",
        }
    ]


def chinese_r1_rows() -> list[dict]:
    """Congliu/Chinese-DeepSeek-R1-Distill-data-110k: input, content, reasoning_content, repo_name + lengths."""
    return [
        {
            "input": f"求 {i + 3} 的平方。",
            "content": f"答案是 $\\boxed{{{(i + 3) ** 2}}}$。",
            "reasoning_content": f"嗯，{i + 3} 乘以 {i + 3} 等于 {(i + 3) ** 2}。",
            "repo_name": "EduChat-Math",
            "prompt_tokens_len": 12,
            "content_tokens_len": 20,
            "reasoning_content_tokens_len": 40,
            "score": 10,
        }
        for i in range(2)
    ]


def messy_rows() -> list[dict]:
    """OpenR1 schema, the problems a real pool has: missing / null / wrong-type fields, empty traces, unicode and
    LaTeX, a 200k-character trace, duplicate problems and ids."""
    good = openr1_rows()
    huge = (
        "<think>\n"
        + ("Wait, let me recompute $\\int_0^1 x^2\\,dx = \\tfrac13$ — ∑ ok. " * 3400)[:200_000]
        + "\n</think>\n\n$\\boxed{6}$"
    )
    rows = [
        good[0],  # 0 kept
        {**good[2], "uuid": "messy-no-problem", "problem": None},  # 1 problem null
        {k: v for k, v in good[2].items() if k != "generations"} | {"uuid": "messy-no-generations"},  # 2 key absent
        {**good[2], "uuid": "messy-empty-trace", "generations": ["", "   "], "correctness_llama": [True, True]},  # 3
        {
            **good[2],
            "uuid": "messy-null-trace",
            "generations": [None, "x"],
            "correctness_math_verify": [True, False],
        },  # 4
        {
            **good[2],
            "uuid": "messy-unicode",
            "problem": "设 $x^2 + \\frac{1}{x} = 3$，求 $\\sqrt[3]{x}$。Ünïcödé ∑ 🚀",
            "generations": [
                "<think>\n令 $y = x^{1/3}$ … \\begin{align} a &= b \\\\ c \\end{align}\n</think>\n\n"
                "$\\boxed{\\dfrac{\\pi}{2}}$",
                "x",
            ],
            "correctness_math_verify": [True, False],
        },  # 5 kept
        {
            **good[2],
            "uuid": "messy-huge",
            "problem": "A problem with a 200k-character trace: find $x$.",
            "generations": [huge, "x"],
            "correctness_math_verify": [True, False],
        },  # 6 kept
        {**good[0]},  # 7 duplicate of row 0 (same uuid)
        {**good[1], "uuid": None},  # 8 no uuid → problem hash id
        {**good[1], "uuid": None},  # 9 duplicate problem, no uuid → duplicate hash id
        {**good[2], "uuid": "messy-no-flags", "correctness_math_verify": None, "correctness_llama": None},  # 10
        {**good[2], "uuid": "messy-incomplete", "is_reasoning_complete": [True, False]},  # 11 chosen trace incomplete
        {**good[2], "uuid": "messy-empty-problem", "problem": "  \n"},  # 12
        {**good[2], "uuid": "messy-llama"},  # 13 kept (llama)
    ]
    return rows


def main() -> None:
    # OpenR1: parquet with the Hub's features (nested lists, null list columns)
    datasets.Dataset.from_list(openr1_rows(), features=openr1_features()).to_parquet(
        str(HERE / "openr1_math_220k.parquet")
    )

    stratos = [
        {
            "system": STRATOS_SYSTEM,
            "conversations": [
                {"from": "user", "value": STRATOS_USER_0},
                {"from": "assistant", "value": STRATOS_ASSISTANT_0},
            ],
        },
        card_stratos(1),
    ]
    _jsonl(HERE / "bespoke_stratos_17k.jsonl", stratos)
    # HuggingFaceH4 mirror: the same rows plus a TRL `messages` column (no system turn), stored as parquet
    h4 = [
        {
            **r,
            "messages": [
                {"role": "user" if t["from"] == "user" else "assistant", "content": t["value"]}
                for t in r["conversations"]
            ],
        }
        for r in stratos
    ]
    pq.write_table(pa.Table.from_pylist(h4), HERE / "bespoke_stratos_17k_h4.parquet")

    ot2 = [
        {
            "conversations": [{"from": "user", "value": OT2_USER}, {"from": "assistant", "value": OT2_ASSISTANT}],
            "source": None,
        },
        {"conversations": card_stratos(2)["conversations"], "source": "ai2-adapt-dev/openmath-2-math"},
    ]
    _jsonl(HERE / "openthoughts2_1m.jsonl", ot2)

    pq.write_table(pa.Table.from_pylist([DEEPMATH_ROW_0]), HERE / "deepmath_103k.parquet")
    pq.write_table(pa.Table.from_pylist([OMR_ROW]), HERE / "openmathreasoning_cot.parquet")

    _jsonl(HERE / "limo.jsonl", limo_rows())
    _jsonl(HERE / "light_r1_sftdata.jsonl", light_r1_rows())
    pq.write_table(pa.Table.from_pylist(s1k_rows()), HERE / "s1k.parquet")
    pq.write_table(pa.Table.from_pylist(s1k_11_rows()), HERE / "s1k_11.parquet")
    _jsonl(HERE / "am_deepseek_r1_distilled.jsonl", am_rows())
    (HERE / "sky_t1_data_17k.json").write_text(
        json.dumps(sky_t1_rows(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    _jsonl(HERE / "openo1_sft.jsonl", openo1_rows())
    pq.write_table(pa.Table.from_pylist(mlx_prompt_completion_rows()), HERE / "mlx_s1k_11_prompt_completion.parquet")
    _jsonl(HERE / "chinese_deepseek_r1_distill.jsonl", chinese_r1_rows())
    # gzip: the 200k-character trace compresses to a few KB (and .jsonl.gz is a format the Hub serves)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in messy_rows())
    (HERE / "messy_openr1.jsonl.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))  # byte-identical


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
