"""Three tiny problems per benchmark, each in that benchmark's real column schema (for the eval tests)."""

from __future__ import annotations

import json
from pathlib import Path

# key -> (file name, rows, expected (question substring, gold, multiple choice) of the first row)
BENCHMARK_ROWS: dict[str, tuple[str, list[dict]]] = {
    "aime24": (
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
    "aime25": (
        "train.jsonl",
        [{"id": i, "problem": f"Find {i} * 3.", "answer": str(3 * i), "url": "u", "year": "2025"} for i in range(3)],
    ),
    "amc23": (
        "test.jsonl",
        [{"id": i, "question": f"What is {i} squared?", "answer": float(i * i), "url": "u"} for i in range(3)],
    ),
    "math_500": (
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
    "olympiadbench": (
        "train.parquet",
        [
            {
                "id": 1600 + i,
                "question": f"Compute the sum of the first {i + 2} positive integers.",
                "solution": ["..."],
                "final_answer": [f"${(i + 2) * (i + 3) // 2}$"],
                "context": None,
                "is_multiple_answer": False,
                "unit": None,
                "answer_type": "Numerical",
                "question_type": "Open-ended",
                "subfield": "Algebra",
                "subject": "Math",
                "language": "English",
            }
            for i in range(3)
        ],
    ),
    "gaokao2023en": (
        "test.jsonl",
        [{"question": f"Solve $x + {i} = 5$.", "answer": f"${5 - i}$"} for i in range(3)],
    ),
    "gaokao2024_mix": (
        "test.jsonl",
        [
            {
                "question": "已知集合 A={1,2}，B={2,3}，则 A∩B=\nA. {2} B. {1} C. {3} D. ∅",
                "answer": "",
                "choice_answer": "A",
            },
            {"question": "求 1+2 的值。", "answer": "3", "choice_answer": ""},
            {"question": "求 2+2 的值。", "answer": "4", "choice_answer": ""},
        ],
    ),
    "kaoyan": (
        "test.jsonl",
        [{"question": f"计算极限 lim_(x->0) sin({i + 1}x)/x。", "answer": str(i + 1)} for i in range(3)],
    ),
    "gaokao_math_qa": (
        "test.jsonl",
        [
            {"question": f"{i}+1 等于多少？", "options": {"A": str(i), "B": str(i + 1), "C": str(i + 2)}, "label": "B"}
            for i in range(3)
        ],
    ),
    "gpqa_diamond": (
        "train.jsonl",
        [
            {
                "Question": f"Which particle carries charge {q}?",
                "Correct Answer": name,
                "Incorrect Answer 1": "neutron",
                "Incorrect Answer 2": "photon",
                "Incorrect Answer 3": "neutrino",
            }
            for q, name in [("-1", "electron"), ("+1", "positron"), ("+2/3", "up quark")]
        ],
    ),
}


def write_benchmark(root: Path, key: str) -> Path:
    """``root/<key>/<file>`` with the key's three rows; returns ``root``."""
    name, rows = BENCHMARK_ROWS[key]
    folder = root / key
    folder.mkdir(parents=True, exist_ok=True)
    if name.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), folder / name)
    else:
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return root
