"""The rollout pass-rate scorer (SPEC §2): difficulty = 1 − pass rate, graded on the last \\boxed{} with math-verify."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from s2r_hf.configs import ScoringArguments
from s2r_hf.scoring.cache import ScoreStore
from s2r_hf.scoring.passrate import (
    PassRateScorer,
    build_passrate,
    hf_generate_fn,
    is_correct,
    last_boxed,
    row_seed,
)
from s2r_hf.synthetic import openr1_rows

CPU = torch.device("cpu")

GRADING_CASES = [
    # completion, reference answer, correct?
    ("So $x = \\boxed{\\dfrac{1}{2}}$.", "\\frac{1}{2}", True),  # \dfrac vs \frac
    ("\\boxed{\\frac12}", "1/2", True),
    ("\\boxed{0.5}", "\\frac{1}{2}", True),  # decimal vs fraction
    ("\\boxed{1/2}", "0.5", True),
    ("The answer is $\\boxed{\\frac{3}{4}}$.", "3/4", True),
    ("\\boxed{3}", "3", True),
    ("\\boxed{3.0}", "3", True),
    ("\\boxed{x = 2}", "2", True),
    ("\\boxed{2\\sqrt{3}}", "\\sqrt{12}", True),
    ("\\boxed{(x+1)^2}", "x^2+2x+1", True),
    ("\\boxed{\\{1, 2\\}}", "\\{2, 1\\}", True),
    ("\\boxed{\\textbf{(C)}}", "C", True),  # multiple choice
    ("\\boxed{B}", "C", False),
    ("\\boxed{4}", "3", False),  # wrong answers
    ("\\boxed{-3}", "3", False),
    ("\\boxed{\\frac{1}{3}}", "\\frac{1}{2}", False),
    ("\\boxed{(1, 2]}", "[1, 2)", False),
    ("First \\boxed{3}. No wait, it is \\boxed{4}.", "3", False),  # the LAST box counts
    ("First \\boxed{4}. No wait, it is \\boxed{3}.", "3", True),
    ("The answer is 3", "3", False),  # no \boxed{}: not an answer
    ("The answer is $3$.", "3", False),
    ("\\boxed{4}, then 3 + 0 = 3", "3", False),  # a trailing number is not the answer
    ("Truncated: \\boxed{\\frac{1}{2", "\\frac{1}{2}", False),  # unclosed box
    ("\\boxed{}", "3", False),
    ("", "3", False),
    ("\\boxed{2}", "\\boxed{2}", True),  # a boxed reference
]


@pytest.mark.parametrize(("completion", "answer", "expected"), GRADING_CASES)
def test_is_correct(completion, answer, expected):
    assert is_correct(completion, answer) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no box", None),
        ("\\boxed{1} and \\boxed{\\frac{2}{3}}.", "\\boxed{\\frac{2}{3}}"),
        ("\\boxed{\\{1,2\\}} end", "\\boxed{\\{1,2\\}}"),
        ("\\boxed{1} then \\boxed{2", None),
    ],
)
def test_last_boxed(text, expected):
    assert last_boxed(text) == expected


def canned(table: dict[str, list[str]], calls: list):
    def generate(problems: list[str], k: int, seeds: list[int]) -> list[list[str]]:
        assert len(seeds) == len(problems)
        calls.append((list(problems), k))
        return [table[p][:k] for p in problems]

    return generate


def test_difficulty_is_one_minus_pass_rate():
    table = {
        "p-all": ["\\boxed{7}", "so \\boxed{7.0}", "\\boxed{\\frac{14}{2}}", "\\boxed{7}"],
        "p-none": ["\\boxed{6}", "7", "The answer is 7.", ""],
        "p-three": ["\\boxed{\\dfrac{1}{2}}", "\\boxed{0.5}", "\\boxed{1/3}", "\\boxed{1/2}"],
        "p-one": ["\\boxed{C}", "\\boxed{A}", "\\boxed{B}", "(C)"],
        "p-no-answer": ["\\boxed{1}"] * 4,
        "p-blank-answer": ["\\boxed{1}"] * 4,
    }
    answers = ["7", "7", "\\frac{1}{2}", "C", "", "  "]
    calls, progress = [], []
    scorer = PassRateScorer(canned(table, calls), model="m", identity="local:x", samples=4, settings={"seed": 0})
    out = scorer.score(list(table), answers, progress=progress.append)

    assert calls == [(list(table), 4)]  # one call for the whole chunk, k = samples
    assert progress == [len(table)]
    assert set(out) == {"difficulty", "pass_rate"}
    expected = [0.0, 1.0, 0.25, 0.75, math.nan, math.nan]
    for got, want in zip(out["difficulty"], expected, strict=True):
        assert (math.isnan(got) and math.isnan(want)) or got == want
    for d, r in zip(out["difficulty"], out["pass_rate"], strict=True):
        assert (math.isnan(d) and math.isnan(r)) or d == 1.0 - r


def test_no_answers_means_nan_everywhere():
    scorer = PassRateScorer(
        lambda problems, k, seeds: [["\\boxed{1}"] * k for _ in problems],
        model="m",
        identity="x",
        samples=2,
        settings={},
    )
    out = scorer.score(["a", "b"])
    assert all(math.isnan(v) for v in out["difficulty"] + out["pass_rate"])


def test_key_changes_with_samples_and_settings(tmp_path):
    def folder(samples=8, **settings) -> Path:
        settings = {"max_new_tokens": 64, "temperature": 0.6, "top_p": 0.95, "seed": 0, **settings}
        scorer = PassRateScorer(lambda p, k, s: [], model="m", identity="local:x", samples=samples, settings=settings)
        return ScoreStore(tmp_path, scorer.key()).dir

    base = folder()
    assert folder() == base
    for other in (folder(samples=4), folder(seed=1), folder(temperature=1.0), folder(max_new_tokens=32)):
        assert other != base


def passrate_args(tiny_judge, **overrides) -> ScoringArguments:
    return ScoringArguments(
        difficulty_scorer="passrate",
        judge=str(tiny_judge),
        judge_dtype=overrides.pop("judge_dtype", "float32"),
        passrate_samples=2,
        passrate_max_new_tokens=8,
        **overrides,
    )


def test_real_passrate_run_with_tiny_judge(tiny_judge, cache_dir):
    rows = list(openr1_rows(3, seed=4))
    scorer = build_passrate(passrate_args(tiny_judge), str(cache_dir), CPU, seed=0)
    out = scorer.score([r["problem"] for r in rows], [r["answer"] for r in rows], ids=[r["uuid"] for r in rows])
    assert len(out["difficulty"]) == 3 and len(out["pass_rate"]) == 3
    assert all(0.0 <= d <= 1.0 for d in out["difficulty"])
    assert scorer.key()["samples"] == 2 and scorer.key()["max_new_tokens"] == 8


def test_dtype_is_in_the_key(tiny_judge, cache_dir, tmp_path):
    keys = {
        dtype: build_passrate(passrate_args(tiny_judge, judge_dtype=dtype), str(cache_dir), CPU, seed=0).key()
        for dtype in ("float32", "bfloat16")
    }
    assert keys["float32"]["dtype"] == "torch.float32" and keys["bfloat16"]["dtype"] == "torch.bfloat16"
    assert ScoreStore(tmp_path, keys["float32"]).dir != ScoreStore(tmp_path, keys["bfloat16"]).dir


def test_samples_are_seeded_per_row_id_not_per_chunk(tiny_judge):
    """A row's samples are the same whether it is scored alone, in another chunk, or after a resume."""
    from s2r_hf.scoring.models import load_causal_lm, load_tokenizer

    tok = load_tokenizer(str(tiny_judge))
    model = load_causal_lm(str(tiny_judge), revision=None, dtype=torch.float32, device=CPU)
    generate = hf_generate_fn(model, tok, max_new_tokens=6, temperature=1.0, top_p=1.0)
    seen: list[list[str]] = []

    def recording(problems, k, seeds):
        texts = generate(problems, k, seeds)
        seen.extend(texts)
        return texts

    scorer = PassRateScorer(recording, model="m", identity="x", samples=3, settings={"seed": 5})
    problems, ids = ["What is $1 + 1$?", "Zoë has $\\frac{3}{4}$ of a pie.", "x"], ["id-a", "id-b", "id-c"]
    scorer.score(problems, ["2", "3/4", "1"], ids=ids)
    together = list(seen)
    seen.clear()
    scorer.score(problems[2:], ["1"], ids=ids[2:])  # another chunking: row c alone, first
    scorer.score(problems[:2], ["2", "3/4"], ids=ids[:2])
    assert seen == [together[2], together[0], together[1]]
    assert any(len(set(texts)) > 1 for texts in together)  # really sampled
    seen.clear()
    scorer.score(problems[:1], ["2"], ids=["another-id"])  # the same text under another id: another stream
    assert seen != [together[0]]
    seen.clear()
    PassRateScorer(recording, model="m", identity="x", samples=3, settings={"seed": 6}).score(
        problems[:1], ["2"], ids=ids[:1]
    )
    assert seen != [together[0]]  # the run seed still matters


def test_row_seed_table():
    assert row_seed(0, "a") == row_seed(0, "a")
    assert len({row_seed(0, "a"), row_seed(1, "a"), row_seed(0, "b"), row_seed(0, "0\x00a")}) == 4
    assert all(0 <= row_seed(s, i) < 2**63 for s in (0, 42, 2**40) for i in ("a", "ü", ""))


def test_hf_generate_fn_returns_k_samples_per_problem(tiny_judge):
    from s2r_hf.scoring.models import load_causal_lm, load_tokenizer

    tok = load_tokenizer(str(tiny_judge))
    model = load_causal_lm(str(tiny_judge), revision=None, dtype=torch.float32, device=CPU)
    problems = ["What is $1 + 1$?", "Zoë has $\\frac{3}{4}$ of a pie.", "x"]
    generate = hf_generate_fn(model, tok, max_new_tokens=6, temperature=1.0, top_p=1.0)
    first = generate(problems, 3, [3, 4, 5])
    assert [len(texts) for texts in first] == [3, 3, 3]
    assert all(isinstance(t, str) for texts in first for t in texts)
    assert generate(problems, 3, [3, 4, 5]) == first  # seeded
    assert any(len(set(texts)) > 1 for texts in first)  # sampled, not greedy
