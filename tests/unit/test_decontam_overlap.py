"""Decontamination, part 2: the overlap rule (the default) on real benchmark and competition problems.

Benchmarks: AIME24 (30) and AIME25 (26) verbatim rows in tests/data/real_pools/decontam/benchmarks/, AMC23 and
MATH-500 rows in tests/data/real_benchmarks/. Pool: 91 verbatim AIME 2021-2024 problems
(tests/data/real_pools/decontam/aime_2021_2024.jsonl); its 14 AIME 2024 II rows are real copies of AIME24
problems as another site typed them, the other 77 share only competition boilerplate with the benchmarks.
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import numpy as np
import pytest

from s2r_hf.decontam import OverlapIndex, build_index, decontaminate, summary
from s2r_hf.decontam.text import digitless, tokens

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURE = DATA / "real_pools" / "decontam"
SPECS = [
    "aime24",
    "aime25",
    f"amc23={DATA / 'real_benchmarks' / 'amc23'}",
    f"math_500={DATA / 'real_benchmarks' / 'math_500'}",
]


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


AIME24 = [r["problem"] for r in _jsonl(FIXTURE / "benchmarks" / "aime24" / "test.jsonl")]
AIME25 = [r["problem"] for r in _jsonl(FIXTURE / "benchmarks" / "aime25" / "test.jsonl")]
POOL = _jsonl(FIXTURE / "aime_2021_2024.jsonl")


def pool_ds(problems: list[str]) -> datasets.Dataset:
    return datasets.Dataset.from_list([{"id": f"r{i}", "problem": p, "response": "…"} for i, p in enumerate(problems)])


@pytest.fixture(scope="module")
def index():
    return build_index(SPECS, method="overlap", data_dir=FIXTURE / "benchmarks")


@pytest.fixture(scope="module")
def old_index():
    return build_index(SPECS, method="ngram8", data_dir=FIXTURE / "benchmarks")


# ---------------------------------------------------------------------------------------------- normalising


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (r"Find $\dfrac{m}{n}$.", r"find \(\frac{m}{n}\)"),  # \dfrac vs \frac, $…$ vs \(…\), case
        (r"$\left(x+1\right)^2$", r"$(x + 1)^2$"),  # \left/\right, spacing around operators
        (r"$a\!\cdot\,b$", r"$a \cdot b$"),  # thin spaces
        (r"$a^2b$", r"$a^2 b$"),  # digit and letter runs split the same way
        ("Two   WORDS\n\there", "two words here"),
        (r"\begin{equation*} x \end{equation*}", r"\[ x \]"),
        ("A square. [asy] draw((0,0)--(1,1)); [/asy] Find its area.", "A square. Find its area."),
        ("x − 3", "x - 3"),  # unicode minus
    ],
)
def test_spellings_of_one_problem_give_one_token_list(a, b):
    assert tokens(a) == tokens(b)


def test_tokens_of_odd_inputs():
    assert tokens("") == [] and tokens(None) == []
    assert tokens("求$x$的值") == ["求", "x", "的", "值"]  # CJK: one token per character
    assert digitless(tokens("Compute $12x + 7$.")) == ["compute", "x", "+"]


# ---------------------------------------------------------------------------------- planted real copies

BASE = AIME24[17]  # the (a, b, c) triples with a + b + c = 300 problem, \( … \) and \begin{equation*}
LONG = AIME25[2]  # the baseball team / ice-cream flavours problem: $…$ maths, no fractions
FRACTION = AIME24[1]  # ... $\frac{m}{n}$, where $m$ and $n$ are relatively prime integers. Find $m + n$.
EDITS = {
    "verbatim": LONG,
    "re-spaced": "  ".join(LONG.split()).replace("$9$", "$ 9 $"),
    "upper case": LONG.upper(),
    "sentence before": "Solve the following competition problem carefully. " + LONG,
    "sentence after": LONG + " Put your final answer within \\boxed{}.",
    "dfrac": FRACTION.replace("\\frac", "\\dfrac"),
    "paren delimiters": BASE.replace("\\(", "$").replace("\\)", "$"),
    "left/right and thin spaces": FRACTION.replace("$\\frac{m}{n}$", "$\\left(\\frac{m}{n}\\right)$").replace(
        "$AP$", "$A\\,P$"
    ),
    "numbers changed": LONG.replace("$9$", "$11$").replace("$1000.$", "$500.$"),
    "numbers changed, long AIME": AIME25[3].replace("$-100$", "$-50$").replace("$100$", "$50$"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_planted_real_benchmark_problems_are_caught_with_each_edit(index, edit):
    kept, report = decontaminate(
        pool_ds(["A clean warm-up: what is the sum of the angles of a triangle?", EDITS[edit]]), index
    )
    counts, dropped = report.breakdown, report.dropped
    assert kept["id"] == ["r0"]
    assert len(dropped) == 1
    d = dropped[0]
    expected = {"dfrac": ("aime24", 1), "left/right and thin spaces": ("aime24", 1), "paren delimiters": ("aime24", 17)}
    bench, row = expected.get(edit, ("aime25", 3 if "long AIME" in edit else 2))
    assert (d["benchmark"], d["benchmark_index"]) == (bench, row)
    assert counts[bench] == 1
    # a copy with a few numbers changed still holds most of the problem's grams; see the next test for one
    # where only the digits-removed rule can tell
    assert d["method"] == "containment" and d["score"] >= 0.4


def test_number_changed_copy_found_by_digits_removed_rule():
    problem = (
        "Let $a_1 = 3$, $a_2 = 5$, and $a_{n+2} = 2a_{n+1} + 7a_n$ for $n \\ge 1$. "
        "Find the remainder when $a_{20}$ is divided by $11$."
    )
    changed = (
        problem.replace("3$", "4$").replace("5$", "9$").replace("2a", "6a").replace("7a", "8a").replace("20", "30")
    )
    idx = OverlapIndex()
    idx.add("b", problem, 0)
    kept, report = decontaminate(pool_ds([changed, "clean"]), idx)
    dropped = report.dropped
    assert kept["id"] == ["r1"] and dropped[0]["method"] == "digits-removed" and dropped[0]["score"] == 1.0


def test_short_texts_do_not_collide_once_digits_are_removed():
    idx = OverlapIndex()
    idx.add("b", "Compute $2+3$.", 0)
    kept, report = decontaminate(pool_ds(["Compute $7+1$.", "Compute $2+3$."]), idx)
    dropped = report.dropped
    assert kept["id"] == ["r0"]  # too short for the digits-removed rule; the exact copy still matches whole
    assert dropped[0]["method"] == "containment"


def test_a_short_problem_matches_whole_not_inside_a_long_row():
    idx = OverlapIndex()
    idx.add("math_500", "Simplify $\\sqrt{242}$.", 12)
    long_row = "Let $x$ be a real number with many conditions stated here; simplify $\\sqrt{242}$ " * 3
    kept, report = decontaminate(pool_ds(["Simplify   $\\sqrt{242}$", long_row]), idx)
    dropped = report.dropped
    assert kept["id"] == ["r1"] and dropped[0]["benchmark_index"] == 12
    assert json.loads(dropped[0]["detail"])["why"].startswith("holds the whole problem (under 8 tokens)")


# ----------------------------------------------------------------------------------- boilerplate survives

BOILERPLATE_ROWS = [
    # invented problems made of the phrases open-r1's rule drops on (each shares a word 8-gram with AIME24/25)
    "A coin is tossed until two heads appear in a row. The expected number of tosses is $\\frac{m}{n}$, "
    "where $m$ and $n$ are relatively prime positive integers. Find $m+n$.",
    "The area of the region is $m\\sqrt{n}$, where $m$ and $n$ are positive integers and $n$ is not divisible "
    "by the square of any prime. Find $m+n$.",
    "Let $N$ be the number of lattice paths of length 12 avoiding the origin. Find the remainder when $N$ is "
    "divided by $1000$.",
]


def test_rows_sharing_only_boilerplate_survive(index, old_index):
    pool = pool_ds(BOILERPLATE_ROWS)
    kept, report = decontaminate(pool, index)
    counts, dropped = report.breakdown, report.dropped
    assert len(kept) == 3 and dropped == [] and sum(counts.values()) == 0
    old = decontaminate(pool, old_index)[1].dropped  # the open-r1/s1 rule drops all three
    assert len(old) == 3


def test_phrases_common_in_the_pool_never_decide_alone():
    """A benchmark problem's opening that 30 pool rows share is pool boilerplate: rows holding only it survive.
    The same row alone in a small pool holds over 40 % of the problem's grams and is dropped."""
    problem = " ".join(f"w{i}" for i in range(40))  # 33 8-grams, none shared with another benchmark problem
    head = " ".join(f"w{i}" for i in range(24))  # 17 of the 33 grams: 52 %
    idx = OverlapIndex()
    idx.add("b", problem, 0)
    crowded = pool_ds([f"{head} then case {i} differs" for i in range(30)] + [problem])
    kept, report = decontaminate(crowded, idx)
    dropped = report.dropped
    assert len(kept) == 30 and [d["id"] for d in dropped] == ["r30"]  # the full copy still goes
    assert dropped[0]["method"] == "containment" and dropped[0]["score"] == 1.0
    kept, report = decontaminate(pool_ds([f"{head} then case 0 differs", "unrelated"]), idx)
    dropped = report.dropped
    assert [d["id"] for d in dropped] == ["r0"] and dropped[0]["method"] == "containment"


def test_a_problem_made_of_shared_phrases_matches_only_a_near_full_copy():
    """Two benchmark problems sharing a 24-word opening: its grams are benchmark boilerplate, so each problem has
    one informative gram; a row must then hold 80 % of all the problem's grams (full-containment)."""
    head = " ".join(f"w{i}" for i in range(24))
    idx = OverlapIndex()
    idx.add("b", head + " zz", 0)
    idx.add("b", head + " yy", 1)
    half = " ".join(f"w{i}" for i in range(12, 24)) + " zz"
    kept, report = decontaminate(pool_ds([head + " zz", half, "unrelated"]), idx)
    dropped = report.dropped
    assert kept["id"] == ["r1", "r2"]
    assert (dropped[0]["benchmark_index"], dropped[0]["method"], dropped[0]["score"]) == (0, "full-containment", 1.0)


# ------------------------------------------------------------------------- a real competition pool


def test_real_competition_pool_old_rule_over_20_percent_new_under_3(index, old_index):
    pool = pool_ds([r["problem"] for r in POOL])
    copies = {f"r{i}" for i, r in enumerate(POOL) if r["id"].startswith("2024-II")}
    assert len(pool) == 91 and len(copies) == 14
    others = len(pool) - len(copies)

    old = decontaminate(pool, old_index)[1].dropped
    old_false = [d for d in old if d["id"] not in copies]
    assert len(old_false) / others > 0.20  # 25 of 77: shared "relatively prime positive integers" etc.

    _kept, report = decontaminate(pool, index)
    counts, new = report.breakdown, report.dropped
    new_false = [d for d in new if d["id"] not in copies]
    assert len(new_false) / others < 0.03  # in fact none
    assert {d["id"] for d in new} == copies  # every real copy, as typed by another site, is dropped
    assert counts == {"aime24": 14, "aime25": 0, "amc23": 0, "math_500": 0}
    # each drop names the right AIME24 problem: its answer is the pool row's answer
    aime24_answers = [r["answer"] for r in _jsonl(FIXTURE / "benchmarks" / "aime24" / "test.jsonl")]
    for d in new:
        row = POOL[int(d["id"][1:])]
        assert aime24_answers[d["benchmark_index"]] == row["answer"], row["id"]
        assert d["matched_text"][:40] == " ".join(AIME24[d["benchmark_index"]].split())[:40]

    block = summary(index, counts, len(pool))
    assert block["method"] == "overlap" and block["ngram"] == 8 and block["threshold"] == 0.4
    assert block["fraction_dropped"] == pytest.approx(14 / 91, abs=1e-6)
    math_500 = sum(1 for line in (DATA / "real_benchmarks" / "math_500" / "test.jsonl").open() if line.strip())
    assert block["benchmark_problems"] == {"aime24": 30, "aime25": 26, "amc23": 10, "math_500": math_500}
    assert block["boilerplate_pool_min_rows"] == 20  # max(20 rows, 0.1 % of 91 rows)


def test_evidence_columns_of_dropped_rows(index):
    _kept, report = decontaminate(pool_ds(["clean", AIME24[4]]), index)
    dropped = report.dropped
    d = dropped[0]
    assert set(d) == {
        "row",
        "id",
        "reason",
        "detail",
        "benchmark",
        "benchmark_index",
        "method",
        "score",
        "matched_text",
    }
    assert (d["row"], d["id"], d["reason"]) == (1, "r1", "contaminated")
    detail = json.loads(d["detail"])
    assert {k: detail[k] for k in ("benchmark", "benchmark_index", "method", "score")} == {
        "benchmark": "aime24",
        "benchmark_index": 4,
        "method": "containment",
        "score": 1.0,
    }
    assert detail["matched_text"].startswith("Let $p$ be the least prime number") and "why" in detail
    assert len(d["matched_text"]) <= 200


def test_runs_on_a_filtered_view_and_reports_pool_rows(index):
    rows = [{"id": f"r{i}", "pool_row": 100 + i, "problem": p} for i, p in enumerate(["clean", AIME24[0], "x"])]
    view = datasets.Dataset.from_list(rows).select([2, 1, 0])
    kept, report = decontaminate(view, index)
    dropped = report.dropped
    assert kept["id"] == ["r2", "r0"] and [(d["row"], d["id"]) for d in dropped] == [(101, "r1")]


def test_warns_above_five_percent(index, caplog):
    with caplog.at_level("WARNING", logger="s2r_hf.decontam"):
        decontaminate(pool_ds([AIME24[0]] + ["clean"] * 19), index)  # exactly 5 %: no warning
    assert not caplog.records
    with caplog.at_level("WARNING", logger="s2r_hf.decontam"):
        decontaminate(pool_ds([AIME24[0], AIME24[2]] + ["clean"] * 18), index)
    assert "dropped 10.0 % of the pool (over 5 %)" in caplog.text


def test_card_reports_the_fraction_and_warns_above_five_percent(index):
    from s2r_hf.cards.dataset import decontam_view

    low = decontam_view(summary(index, {"aime24": 2, "aime25": 1, "amc23": 0, "math_500": 0}, 100))
    assert low["percent"] == "3.00" and not low["warn"]
    assert low["rows"][0] == {"name": "aime24", "problems": 30, "dropped": 2, "percent": "2.00"}
    high = decontam_view(summary(index, {"aime24": 6, "aime25": 0, "amc23": 0, "math_500": 0}, 100))
    assert high["warn"] and high["percent"] == "6.00"
    assert decontam_view(None) is None


def test_rows_per_second_on_a_synthetic_pool(index):
    """Scales: 2,000 rows of real-looking problems in a few seconds even on a shared CPU (20k rows: ~3,000
    rows/s measured, so a 220k-row pool takes about a minute)."""
    import time

    rng = np.random.default_rng(0)
    problems = [POOL[i]["problem"] + f" Variant {i}." for i in rng.integers(0, len(POOL), 2000)]
    start = time.perf_counter()
    kept, report = decontaminate(pool_ds(problems), index)
    dropped = report.dropped
    assert time.perf_counter() - start < 60
    assert len(kept) + len(dropped) == 2000


@pytest.mark.parametrize(("dropped", "warns"), [(3, False), (6, True)])
def test_rendered_card_has_the_decontamination_block(index, dropped, warns):
    from s2r_hf.cards.dataset import build_dataset_card
    from s2r_hf.cli import parse_select
    from s2r_hf.manifest import build_manifest, options_dict

    counts = {"aime24": dropped, "aime25": 0, "amc23": 0, "math_500": 0}
    manifest = build_manifest(
        options=options_dict(*parse_select(["--output-dir", "o", "--strategy", "random"])),
        pool_fingerprint="abc",
        scorer_key=None,
        counts={
            "pool_rows": 100,
            "normalise_dropped": {},
            "decontaminated": counts,
            "decontam_ngram": 8,
            "decontamination": summary(index, counts, 100),
            "scored": 100 - dropped,
            "selected": 9,
            "selected_length_sum": 9,
            "pool_length_sum": 90,
        },
        selected_ids=[],
        timings={},
    )
    mask = np.zeros(100 - dropped, dtype=bool)
    card = build_dataset_card(manifest, command="s2r select", columns={"length": np.ones(100 - dropped)}, selected=mask)
    text = card.text
    rule = "holds ≥ 40% of one problem's informative 8-grams, or equals it with digits removed"
    assert f"| dropped by decontamination against aime24 ({rule}) | {dropped} |" in text
    assert f"| aime24 | 30 | {dropped} | {dropped:.2f} |" in text
    assert f"{dropped} of the 100 rows left after normalising ({dropped:.2f} %)" in " ".join(text.split())
    assert ("[!WARNING]" in text) == warns
    if warns:
        assert "dropped **6.00 %** of the pool (more than 5 %)" in " ".join(text.split())


def test_odd_rows_empty_pools_and_a_problem_in_two_benchmarks():
    """One problem in two benchmarks counts for the first by name (and is not boilerplate of itself); a null
    or huge problem is read, an empty pool gives no drops."""
    idx = OverlapIndex()
    idx.add("zeta", AIME24[4], 7)
    idx.add("alpha", AIME24[4], 2)
    empty = datasets.Dataset.from_dict({"id": [], "problem": []})
    report = decontaminate(empty, idx)[1]
    assert (report.breakdown, report.dropped, report.rows_in, report.rows_kept) == ({"alpha": 0, "zeta": 0}, [], 0, 0)
    pool = datasets.Dataset.from_list(
        [{"id": "x", "problem": None}, {"id": "y", "problem": "ÄÖ " * 100_000}, {"id": "z", "problem": AIME24[4]}]
    )
    kept, report = decontaminate(pool, idx)
    counts, dropped = report.breakdown, report.dropped
    assert kept["id"] == ["x", "y"] and counts == {"alpha": 1, "zeta": 0}
    assert (dropped[0]["benchmark"], dropped[0]["benchmark_index"], dropped[0]["method"]) == ("alpha", 2, "containment")
