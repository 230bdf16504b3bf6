"""Tiny problems per benchmark, each in a real column schema of that benchmark (for the eval tests).

``BENCHMARK_ROWS``: three rows per benchmark in the columns (and file layout) of its default source, see the
evidence table above ``s2r_hf.benchdata.registry.BENCHMARKS``. ``VARIANT_ROWS``: single rows in the other layouts
the row functions accept — the paper's own ``eval_data/<key>/test.jsonl`` (Select2Reason / Qwen2.5-Math),
AGIEval's raw jsonl, answers stored as numbers or "27.0", final answers as a scalar or a list repr.
"""

from __future__ import annotations

import json
from pathlib import Path

# key -> (file name, rows)
BENCHMARK_ROWS: dict[str, tuple[str, list[dict]]] = {
    "aime24": (  # HuggingFaceH4/aime_2024 (train)
        "train.jsonl",
        [
            {
                "id": 60 + i,
                "problem": f"Find {i} + 7.",
                "solution": "...",
                "answer": str(i + 7),
                "url": "u",
                "year": "2024",
            }
            for i in range(3)
        ],
    ),
    "aime25": (  # yentinglin/aime_2025 (train)
        "train.jsonl",
        [{"id": i, "problem": f"Find {i} * 3.", "answer": str(3 * i), "url": "u", "year": "2025"} for i in range(3)],
    ),
    "amc23": (  # math-ai/amc23 (test): answers are floats
        "test.jsonl",
        [{"id": i, "question": f"What is {i} squared?", "answer": float(i * i), "url": "u"} for i in range(3)],
    ),
    "math_500": (  # HuggingFaceH4/MATH-500 (test)
        "test.jsonl",
        [
            {
                "problem": f"Simplify $\\frac{{{2 * (i + 1)}}}{{4}}$.",
                "solution": "...",
                "answer": f"\\frac{{{i + 1}}}{{2}}",
                "subject": "Algebra",
                "level": 1,
                "unique_id": f"test/algebra/{i}.json",
            }
            for i in range(3)
        ],
    ),
    "olympiadbench": (  # math-ai/olympiadbench test.jsonl (= Qwen2.5-Math's olympiadbench/test.jsonl)
        "test.jsonl",
        [
            {
                "id": 1600 + i,
                "subfield": "Algebra",
                "context": None,
                "question": f"Compute the sum of the first {i + 2} positive integers.",
                "solution": ["..."],
                "final_answer": [f"${(i + 2) * (i + 3) // 2}$"],
                "is_multiple_answer": False,
                "unit": None,
                "answer_type": "Numerical",
                "error": None,
                "question_type": "Open-ended",
                "subject": "Math",
                "language": "English",
                "modality": "Text-only",
                "difficulty": "Competition",
            }
            for i in range(3)
        ],
    ),
    "gaokao2023en": (  # MARIO-Math-Reasoning/Gaokao2023-Math-En: one file not named by split → train
        "Gaokao2023-Math-En.jsonl",
        [
            {
                "question": f"Solve $x + {i} = 5$.",
                "answer": f"${5 - i}$",
                "source": "gaokao2023",
                "lang": "en",
                "sourcename": "2023 paper",
                "id": i,
            }
            for i in range(3)
        ],
    ),
    "gaokao2024_mix": (  # Qwen2.5-Math evaluation/data/gaokao2024_mix/test.jsonl
        "test.jsonl",
        [
            {
                "idx": 0,
                "question": "已知集合 A={1,2}, B={2,3}, 则 A∩B=(\\quad) A. {2} B. {1} C. {3} D. \\emptyset",
                "answer": "A. {2}",
                "choice_answer": "A",
            },
            {"idx": 1, "question": "求 1+2 的值 \\qquad .", "answer": "3", "choice_answer": ""},
            {"idx": 2, "question": "抛物线 y^{2}=16 x 的焦点坐标为 \\qquad .", "answer": "(4,0)", "choice_answer": ""},
        ],
    ),
    "kaoyan": (  # the paper's eval_data/kaoyan/test.jsonl (Select2Reason's parser reads problem, answer)
        "test.jsonl",
        [{"problem": f"计算极限 lim_(x->0) sin({i + 1}x)/x。", "answer": str(i + 1)} for i in range(3)],
    ),
    "gaokao_math_qa": (  # hails/agieval-gaokao-mathqa data/test-00000-of-00001.parquet: query, choices, gold
        "test-00000-of-00001.parquet",
        [
            {
                "query": f"问题：{i}+1 等于多少？ 选项：(A){i} (B){i + 1} (C){i + 2} (D){i + 3}\n"
                "答案：从A到D, 我们应选择",
                "choices": [f"(A){i}", f"(B){i + 1}", f"(C){i + 2}", f"(D){i + 3}"],
                "gold": [1],
            }
            for i in range(3)
        ],
    ),
    "gpqa_diamond": (  # Idavidrein/gpqa gpqa_diamond (train; csv on the Hub)
        "train.jsonl",
        [
            {
                "Pre-Revision Question": "...",
                "Question": f"Which particle carries charge {q}?",
                "Correct Answer": name,
                "Incorrect Answer 1": "neutron",
                "Incorrect Answer 2": "photon",
                "Incorrect Answer 3": "neutrino",
                "Explanation": "...",
                "Subdomain": "Particle physics",
                "High-level domain": "Physics",
                "Record ID": f"rec{i}",
            }
            for i, (q, name) in enumerate([("-1", "electron"), ("+1", "positron"), ("+2/3", "up quark")])
        ],
    ),
}

# (benchmark key, one row in another real layout, (substring of the question, gold, multiple choice?))
VARIANT_ROWS: list[tuple[str, dict, tuple[str, str, bool]]] = [
    # Select2Reason's own copies: AIME25 asks in `question`, AMC23 (and LIMR's amc23.jsonl) answer "27.0"
    ("aime25", {"question": "Find 2 + 5.", "answer": 7}, ("Find 2 + 5.", "7", False)),
    # Maxwell-Jia/AIME_2024 (a much-used AIME24 copy): capitalised columns, integer answers
    (
        "aime24",
        {"ID": "2024-I-1", "Problem": "Every morning Aya walks.", "Solution": "s", "Answer": 204},
        ("Aya walks", "204", False),
    ),
    ("amc23", {"problem": "Cities A and B are 45 miles apart.", "answer": "27.0"}, ("45 miles", "27", False)),
    ("amc23", {"question": "Negative?", "answer": -1.0}, ("Negative?", "-1", False)),
    # OlympiadBench final answer as a scalar string, as the repr of a list, or several answers (first graded)
    ("olympiadbench", {"question": "Find k.", "final_answer": "$\\frac{1}{2}$"}, ("Find k.", "\\frac{1}{2}", False)),
    ("olympiadbench", {"question": "Find the degree.", "final_answer": "['$2n$']"}, ("degree", "2n", False)),
    ("olympiadbench", {"question": "Find all n.", "final_answer": ["$69$", "$84$"]}, ("all n", "69", False)),
    ("gaokao2023en", {"question": "Find $|z|$.", "answer": "5"}, ("|z|", "5", False)),
    # Gaokao2024_mix: numeric answer, no or null choice_answer
    ("gaokao2024_mix", {"question": "已知 a>1, 则 a= \\qquad .", "answer": 64}, ("a>1", "64", False)),
    ("gaokao2024_mix", {"question": "焦点坐标", "answer": "(4,0)", "choice_answer": None}, ("焦点", "(4,0)", False)),
    ("kaoyan", {"question": "求 lim_(x->0) x/x。", "answer": 1.0}, ("lim", "1", False)),
    # GaokaoMathQA: Qwen2.5-Math / Select2Reason test.jsonl (options dict, label "B" or ["C"]) and AGIEval raw
    (
        "gaokao_math_qa",
        {"question": "1+1 等于多少？", "options": {"A": "1", "B": "2", "C": "3", "D": "4"}, "label": "B"},
        ("1+1 等于多少？\nA: 1\nB: 2\nC: 3\nD: 4", "B", True),
    ),
    (
        "gaokao_math_qa",
        {"question": "2+1 等于多少？", "options": {"A": "1", "B": "2", "C": "3", "D": "4"}, "label": ["C"]},
        ("2+1 等于多少？\nA: 1", "C", True),
    ),
    (  # a multi-select key stored as a label list keeps every letter
        "gaokao_math_qa",
        {"question": "哪些是偶数？", "options": {"A": "2", "B": "3", "C": "5", "D": "4"}, "label": ["A", "D"]},
        ("哪些是偶数？\nA: 2", "AD", True),
    ),
    (
        "gaokao_math_qa",
        {
            "passage": None,
            "question": "已知 $x=2$, 则 $x^2=$ ($\\quad$)\\\\\n",
            "options": ["(A)$2$", "(B)$3$", "(C)$4$", "(D)$5$"],
            "label": "C",
            "answer": None,
            "other": {"source": "2021年浙江卷—数学"},
        },
        ("则 $x^2=$ ($\\quad$)\\\\\nA: $2$\nB: $3$\nC: $4$\nD: $5$", "C", True),
    ),
    # Select2Reason's GPQA file: options inside the question, the letter in choice_answer
    (
        "gpqa_diamond",
        {"question": "Which is a lepton? (A) proton (B) electron", "answer": "electron", "choice_answer": "B"},
        ("Which is a lepton?", "B", True),
    ),
]


def write_rows(root: Path, key: str, name: str, rows: list[dict]) -> Path:
    """``root/<key>/<name>`` (jsonl, or parquet by suffix) holding ``rows``; returns ``root``."""
    folder = root / key
    folder.mkdir(parents=True, exist_ok=True)
    if name.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), folder / name)
    else:
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return root


def write_benchmark(root: Path, key: str) -> Path:
    """``root/<key>/<file>`` with the key's three rows; returns ``root``."""
    name, rows = BENCHMARK_ROWS[key]
    return write_rows(root, key, name, rows)


REAL_BENCHMARKS = Path(__file__).parent / "data" / "real_benchmarks"  # verbatim public rows (see its SOURCES.md)

# Rows written here in the columns of the authors' files (not verbatim: no public copy of either was found), each
# holding what broke the evaluation: Gaokao2023en's empty golds (2 of its 385 rows); Kaoyan's answer column, whose
# 3 dict-of-sub-answers rows make `datasets` type it as JSON and decode "4e" to 4.0.
GAOKAO2023EN_ROWS = [
    {"question": "已知复数 $z=\\frac{1-i}{2+2 i}$, 则 $z-\\bar{z}=$ ( )", "answer": "$-i$", "source": "gaokao2023"},
    {"question": "Given the sequence $\\{a_n\\}$, find $a_5$ and prove it is arithmetic.", "answer": "", "source": "g"},
    {"question": "Find the minimum value of $f(x)=x^{2}-2x+3$.", "answer": "$2$", "source": "gaokao2023"},
]
KAOYAN_ROWS = [
    {"problem": "设 $f(x)=x^{2} e^{x}$，求 $f^{\\prime}(1)$。", "answer": "3e"},
    {"problem": "计算 $\\int_{0}^{2} 2 x e^{x^{2}/2} \\, d x$ 再除以 $\\frac{e^{2}-1}{2e}$。", "answer": "4e"},
    {
        "problem": "设 $A$ 为 3 阶矩阵，(1) 求 $|A|$；(2) 求 $A$ 的秩。",
        "answer": {"(1)": "$|A|=2$", "(2)": "$r(A)=3$"},
    },
    {"problem": "求极限 $\\lim_{x \\to 0} \\frac{\\sin 2x}{x}$。", "answer": "2"},
]


def real_rows(key: str) -> list[dict]:
    """The verbatim rows of ``tests/data/real_benchmarks/<key>/test.jsonl``."""
    text = (REAL_BENCHMARKS / key / "test.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write_authors_tree(root: Path) -> Path:
    """``root`` laid out like Select2Reason's ``eval_data/`` (Qwen2.5-Math's ``evaluation/data``): ``math500/`` and
    ``olympiadbench/`` hold verbatim public rows, olympiadbench both as ``test.jsonl`` and as ``test.json`` (a
    list, as the authors ship it); ``gaokao2023en/`` has an empty gold; ``kaoyan/`` mixes string and dict golds
    ("4e" among them). Returns ``root``."""
    for folder, key in (("math500", "math_500"), ("olympiadbench", "olympiadbench")):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "test.jsonl").write_bytes((REAL_BENCHMARKS / key / "test.jsonl").read_bytes())
    (root / "olympiadbench" / "test.json").write_text(
        json.dumps(real_rows("olympiadbench"), ensure_ascii=False, indent=4), encoding="utf-8"
    )
    write_rows(root, "gaokao2023en", "test.jsonl", GAOKAO2023EN_ROWS)
    write_rows(root, "kaoyan", "test.jsonl", KAOYAN_ROWS)
    return root
