"""Tests of the embedded synthetic OpenR1 pool, benchmark and tiny judge (offline, CPU, fast)."""

from __future__ import annotations

import ast
import math
import operator
import re
import statistics
from fractions import Fraction
from pathlib import Path

import pytest

from s2r_hf.synthetic import (
    OPENR1_COLUMNS,
    PROBLEM_TYPES,
    QUESTION_TYPES,
    SOURCES,
    benchmark_rows,
    build_tiny_judge,
    ensure_tiny_judge,
    openr1_dataset,
    openr1_rows,
    tiny_judge,
)

RETHINK_MARKERS = ("Wait, let me check", "Alternatively, we could", "But hold on", "Let me check:", "Hmm, ")


def last_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed{...}`` (balanced braces), or None."""
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    i = start + len("\\boxed{")
    depth = 1
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i:j]
    return None


def row_kind(row: dict) -> str:
    verify, llama = row["correctness_math_verify"], row["correctness_llama"]
    if not any(verify):
        return "llama_only" if llama and any(llama) else "no_correct"
    first = verify.index(True)
    return "ok" if row["is_reasoning_complete"][first] else "first_incomplete"


def word_grams(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return list(openr1_rows(500, seed=0))


# --------------------------------------------------------------------------------------------------
# Pool rows
# --------------------------------------------------------------------------------------------------


def test_schema_and_types(rows: list[dict]) -> None:
    for row in rows[:200]:
        assert tuple(row) == OPENR1_COLUMNS
        for col in ("problem", "solution", "answer", "problem_type", "question_type", "source", "uuid"):
            assert isinstance(row[col], str) and row[col], col
        assert row["problem_type"] in PROBLEM_TYPES
        assert row["question_type"] in QUESTION_TYPES
        assert row["source"] in SOURCES
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", row["uuid"])
        n = len(row["generations"])
        assert 2 <= n <= 4
        assert all(isinstance(g, str) and g.startswith("<think>\n") for g in row["generations"])
        for col in ("is_reasoning_complete", "correctness_math_verify", "finish_reasons"):
            assert isinstance(row[col], list) and len(row[col]) == n, col
        assert all(isinstance(v, bool) for v in row["is_reasoning_complete"] + row["correctness_math_verify"])
        assert row["correctness_llama"] is None or (
            len(row["correctness_llama"]) == n and all(isinstance(v, bool) for v in row["correctness_llama"])
        )
        assert all(f in ("stop", "length", None) for f in row["finish_reasons"])
        assert type(row["correctness_count"]) is int
        assert row["correctness_count"] == sum(row["correctness_math_verify"])
        assert row["messages"] == [
            {"role": "user", "content": row["problem"]},
            {"role": "assistant", "content": row["generations"][0]},
        ]
    assert len({r["uuid"] for r in rows}) == len(rows)
    assert {r["question_type"] for r in rows} == set(QUESTION_TYPES)
    assert len({r["problem_type"] for r in rows}) == len(PROBLEM_TYPES)
    assert {r["source"] for r in rows} == set(SOURCES)
    assert sum(r["question_type"] == "math-word-problem" for r in rows) > 0.7 * len(rows)


def test_deterministic_and_prefix_stable(rows: list[dict]) -> None:
    assert list(openr1_rows(50, seed=0)) == rows[:50]
    assert list(openr1_rows(10, seed=0)) == list(openr1_rows(50, seed=0))[:10]
    other = list(openr1_rows(10, seed=1))
    assert [r["uuid"] for r in other] != [r["uuid"] for r in rows[:10]]
    assert [r["problem"] for r in other] != [r["problem"] for r in rows[:10]]
    # Problems do not depend on the trace-length bounds; traces do.
    short = list(openr1_rows(10, seed=0, min_think_words=5, max_think_words=20))
    assert [r["problem"] for r in short] == [r["problem"] for r in rows[:10]]
    assert [r["answer"] for r in short] == [r["answer"] for r in rows[:10]]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        list(openr1_rows(-1))
    with pytest.raises(ValueError):
        list(openr1_rows(1, min_think_words=100, max_think_words=10))


def test_trace_structure_and_correctness_flags(rows: list[dict]) -> None:
    for row in rows:
        for i, gen in enumerate(row["generations"]):
            boxed = last_boxed(gen)
            assert row["correctness_math_verify"][i] == (boxed == row["answer"]), (row["uuid"], i)
            if row["is_reasoning_complete"][i]:
                assert gen.count("\n</think>\n\n") == 1
                assert boxed is not None
                assert gen.endswith(f" The answer is $\\boxed{{{boxed}}}$.")
                assert row["finish_reasons"][i] in ("stop", None)
            else:
                assert "</think>" not in gen
                assert row["finish_reasons"][i] == "length"
        assert last_boxed(row["solution"]) == row["answer"]
    flat_llama = [
        (v, ll)
        for r in rows
        if r["correctness_llama"] is not None
        for v, ll in zip(r["correctness_math_verify"], r["correctness_llama"], strict=True)
    ]
    agree = sum(v == ll for v, ll in flat_llama) / len(flat_llama)
    assert 0.85 < agree < 1.0  # mostly the same grader verdict, occasionally not
    assert 0.01 < sum(r["correctness_llama"] is None for r in rows) / len(rows) < 0.1
    n_traces = sum(len(r["generations"]) for r in rows)
    n_wrong_complete = sum(
        c and not v for r in rows for c, v in zip(r["is_reasoning_complete"], r["correctness_math_verify"], strict=True)
    )
    assert n_wrong_complete > 0.1 * n_traces  # some traces reach a wrong boxed answer
    assert 0.85 < sum(c for r in rows for c in r["is_reasoning_complete"]) / n_traces < 0.99
    assert any(None in r["finish_reasons"] for r in rows)


def _check_answer(problem: str, answer: str) -> bool | None:
    """Recompute the answer of the templates we can parse; None when not parsed."""
    if "\\textbf{(A)}" in problem:
        return None
    m = re.fullmatch(r"(?:Evaluate the expression|Compute the value of|Find the value of|"
                     r"Calculate the exact value of) \$(.+)\$\.", problem)  # fmt: skip
    if m:
        expr = m.group(1).replace("\\times", "*").replace("\\div", "/")
        return _arith(ast.parse(expr, mode="eval").body) == int(answer)
    m = re.fullmatch(r"Solve for \$x\$: \$(\d+)x ([+-]) (\d+) = (-?\d+)\$\.", problem)
    if m:
        a, b, c = int(m[1]), int(m[3]) * (1 if m[2] == "+" else -1), int(m[4])
        x = _tex_frac(answer)
        return a * x + b == c and answer == (str(x) if x.denominator == 1 else answer)
    m = re.search(r"greatest common divisor of \$(\d+)\$ and \$(\d+)\$", problem)
    if m:
        return int(answer) == math.gcd(int(m[1]), int(m[2]))
    m = re.fullmatch(r"Find the least common multiple of \$(\d+)\$ and \$(\d+)\$\.", problem)
    if m:
        return int(answer) == math.lcm(int(m[1]), int(m[2]))
    m = re.fullmatch(r"A set has \$(\d+)\$ elements\. How many \$(\d+)\$-element subsets\?", problem)
    if m:
        return int(answer) == math.comb(int(m[1]), int(m[2]))
    m = re.match(r"Find the remainder when \$(\d+)\^\{(\d+)\}\$ is divided by \$(\d+)\$\.", problem)
    if m:
        return int(answer) == pow(int(m[1]), int(m[2]), int(m[3]))
    m = re.match(r"Simplify \$\\sqrt\{(\d+)\}\$", problem)
    if m:
        k, rad = re.fullmatch(r"(\d+)\\sqrt\{(\d+)\}", answer).groups()
        squarefree = all(int(rad) % (p * p) for p in range(2, int(rad)))
        return int(k) ** 2 * int(rad) == int(m[1]) and squarefree
    return None


def _arith(node: ast.expr) -> Fraction:
    """Exact value of an integer +, -, *, / expression tree."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return Fraction(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_arith(node.operand)
    assert isinstance(node, ast.BinOp), ast.dump(node)
    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
    return ops[type(node.op)](_arith(node.left), _arith(node.right))


def _tex_frac(ans: str) -> Fraction:
    m = re.fullmatch(r"(-?)\\frac\{(\d+)\}\{(\d+)\}", ans)
    if m:
        return Fraction(int(m[2]), int(m[3])) * (-1 if m[1] else 1)
    return Fraction(int(ans))


def test_answers_are_really_correct(rows: list[dict]) -> None:
    results = [_check_answer(r["problem"], r["answer"]) for r in rows]
    checked = [ok for ok in results if ok is not None]
    assert len(checked) > 150  # the parsers cover a good share of the templates
    assert all(checked)


def test_drop_worthy_mix(rows: list[dict]) -> None:
    kinds = [row_kind(r) for r in rows]
    frac = {k: kinds.count(k) / len(rows) for k in ("no_correct", "llama_only", "first_incomplete")}
    assert 0.04 < frac["no_correct"] < 0.14, frac
    assert 0.015 < frac["llama_only"] < 0.08, frac
    assert 0.01 < frac["first_incomplete"] < 0.06, frac
    for r, kind in zip(rows, kinds, strict=True):
        if kind == "llama_only":  # a correct value in another surface form
            i = r["correctness_llama"].index(True)
            assert last_boxed(r["generations"][i]) not in (None, r["answer"])
        if kind == "first_incomplete":
            i = r["correctness_math_verify"].index(True)
            assert r["finish_reasons"][i] == "length" and "</think>" not in r["generations"][i]


def _think_words(gen: str) -> int:
    return len(gen.split("</think>")[0].split())


def test_trace_lengths_vary_and_track_difficulty(rows: list[dict]) -> None:
    lengths = [_think_words(g) for r in rows for g in r["generations"]]
    assert max(lengths) >= 10 * min(lengths)
    assert max(lengths) > 1500 and min(lengths) < 150
    by_ops: dict[int, list[int]] = {}
    for r in rows:
        if r["problem"].startswith(("Evaluate the expression", "Compute the value of", "Find the value of")):
            n_ops = len(re.findall(r" (?:\+|-|\\times|\\div) ", r["problem"]))
            by_ops.setdefault(n_ops, []).extend(_think_words(g) for g in r["generations"])
    assert statistics.median(by_ops[5]) > statistics.median(by_ops[2])
    rethinks = [sum(g.count(m) for m in RETHINK_MARKERS) for r in rows for g in r["generations"]]
    assert statistics.mean(rethinks) > 3
    short = [_think_words(g) for r in openr1_rows(30, min_think_words=20, max_think_words=60) for g in r["generations"]]
    assert statistics.median(short) < 120


def test_unicode_and_latex_present(rows: list[dict]) -> None:
    text = "\n".join(r["problem"] for r in rows)
    for needle in ("\\frac{", "\\sqrt{", "\\times", "$", "\\boxed"):
        assert needle in text or needle in "\n".join(r["solution"] for r in rows), needle
    assert any(ch in text for ch in ("Zoë", "李雷", "韩梅梅", "Łukasz"))
    assert any(not r["problem"].isascii() for r in rows)
    assert any(re.search(r"[\u4e00-\u9fff]", r["problem"]) and r["source"] == "cn_contest" for r in rows)


def test_mcq_rows_answer_with_an_option_letter(rows: list[dict]) -> None:
    mcq = [r for r in rows if r["question_type"] == "MCQ"]
    assert mcq
    for r in mcq:
        assert r["answer"] in "ABCDE" and f"\\textbf{{({r['answer']})}}" in r["problem"]


def test_openr1_dataset(tmp_path: Path) -> None:
    import datasets

    ds = openr1_dataset(50, seed=0, cache_dir=str(tmp_path))
    assert isinstance(ds, datasets.Dataset)
    assert ds.num_rows == 50
    assert tuple(ds.column_names) == OPENR1_COLUMNS
    assert ds.features["correctness_count"].dtype == "int64"
    first = ds[0]
    expected = next(openr1_rows(1, seed=0))
    assert first == expected
    llama = list(ds["correctness_llama"])
    assert llama == [r["correctness_llama"] for r in openr1_rows(50, seed=0)]
    ds_short = openr1_dataset(5, seed=0, cache_dir=str(tmp_path), max_think_words=100)
    assert max(len(g.split()) for r in ds_short for g in r["generations"]) < 400


# --------------------------------------------------------------------------------------------------
# Benchmark
# --------------------------------------------------------------------------------------------------


def test_benchmark_planted_and_fresh() -> None:
    bench = benchmark_rows(pool_seed=0)
    assert len(bench) == 8 and all(set(b) == {"problem", "answer"} for b in bench)
    pool = list(openr1_rows(300, seed=0))
    pool_problems = {r["problem"] for r in pool}
    for b, i in zip(bench[:3], (3, 17, 42), strict=True):
        assert b == {"problem": pool[i]["problem"], "answer": pool[i]["answer"]}
    for b in bench[3:]:
        assert b["problem"] not in pool_problems
    # Word 8-gram decontamination finds exactly the planted rows.
    bench_grams = set().union(*(word_grams(b["problem"]) for b in bench))
    hits = [i for i, r in enumerate(pool) if word_grams(r["problem"]) & bench_grams]
    assert hits == [3, 17, 42]
    assert all(len(r["problem"].split()) >= 8 for r in pool)  # every pool problem has an 8-gram


def test_benchmark_options() -> None:
    bench = benchmark_rows(pool_seed=2, planted_indices=(0, 5), n_fresh=3)
    pool = list(openr1_rows(6, seed=2))
    assert [b["problem"] for b in bench[:2]] == [pool[0]["problem"], pool[5]["problem"]]
    assert len(bench) == 5
    assert benchmark_rows(pool_seed=2, planted_indices=(0, 5), n_fresh=3) == bench
    assert len(benchmark_rows(planted_indices=(), n_fresh=4)) == 4


# --------------------------------------------------------------------------------------------------
# Tiny judge
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def judge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_judge(tmp_path_factory.mktemp("judge") / "tiny")


@pytest.fixture(scope="module")
def judge_tokenizer(judge_dir: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(judge_dir, local_files_only=True)


def test_judge_files(judge_dir: Path) -> None:
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"):
        assert (judge_dir / name).is_file(), name
    assert (judge_dir / "generation_config.json").is_file()
    leftovers = [p.name for p in judge_dir.parent.iterdir() if p != judge_dir]
    assert leftovers == []  # the temporary build dir was moved, not left behind


def test_judge_tokenizer(judge_tokenizer, judge_dir: Path) -> None:
    from tokenizers import Tokenizer

    tok = judge_tokenizer
    one, zero = tok.encode("1", add_special_tokens=False), tok.encode("0", add_special_tokens=False)
    assert len(one) == 1 and len(zero) == 1 and one != zero
    assert tok.convert_ids_to_tokens(one + zero) == ["1", "0"]
    assert len(tok) == 512
    assert tok.eos_token == "<|im_end|>" and tok.pad_token == "<|endoftext|>"
    text = "Zoë 李雷 ∑ √2"
    ids = tok.encode(text, add_special_tokens=False)
    assert tok.unk_token_id not in ids
    assert tok.decode(ids) == text
    # AutoTokenizer (Qwen2Tokenizer in transformers 5) and the raw tokenizer.json agree.
    raw = Tokenizer.from_file(str(judge_dir / "tokenizer.json"))
    samples = [r["problem"] for r in openr1_rows(20, seed=5)] + [next(openr1_rows(1, seed=6))["generations"][0]]
    for s in [*samples, text, "x  \n\n y\t1234567890"]:
        assert tok.encode(s, add_special_tokens=False) == raw.encode(s, add_special_tokens=False).ids


def test_judge_chat_template(judge_tokenizer) -> None:
    tok = judge_tokenizer
    messages = [
        {"role": "system", "content": "Please judge the difficulty of this instruction and return 1 or 0."},
        {"role": "user", "content": "What is $\\frac{1}{2} + 3$?"},
    ]
    prompt = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert prompt.startswith("<|im_start|>system\nPlease judge")
    assert "<|im_start|>user\nWhat is $\\frac{1}{2} + 3$?<|im_end|>\n" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")
    no_gen = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=False)
    assert not no_gen.endswith("<|im_start|>assistant\n")
    # {% generation %} marks the assistant reply for assistant-only loss.
    out = tok.apply_chat_template(
        [*messages, {"role": "assistant", "content": "1"}],
        return_dict=True,
        return_assistant_tokens_mask=True,
    )
    masked = [i for i, m in zip(out["input_ids"], out["assistant_masks"], strict=True) if m]
    assert tok.decode(masked) == "1<|im_end|>"


def test_judge_forward(judge_dir: Path, judge_tokenizer) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(judge_dir, local_files_only=True, dtype=torch.float32)
    assert model.config.model_type == "qwen2"
    assert model.config.vocab_size == len(judge_tokenizer)
    assert model.generation_config.eos_token_id == judge_tokenizer.convert_tokens_to_ids("<|im_end|>")
    enc = judge_tokenizer.apply_chat_template(
        [{"role": "system", "content": "Judge."}, {"role": "user", "content": "Zoë: 1 + 1?"}],
        add_generation_prompt=True,
        return_dict=True,
        return_tensors="pt",
    )
    with torch.no_grad():
        logits = model(**enc).logits
    assert logits.shape == (1, enc["input_ids"].shape[1], model.config.vocab_size)
    assert torch.isfinite(logits).all()


def test_judge_is_deterministic_and_cached(judge_dir: Path, tmp_path: Path) -> None:
    other = build_tiny_judge(tmp_path / "again")
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        assert (other / name).read_bytes() == (judge_dir / name).read_bytes(), name
    stamp = {p.name: p.stat().st_mtime_ns for p in judge_dir.iterdir()}
    assert build_tiny_judge(judge_dir) == judge_dir
    assert {p.name: p.stat().st_mtime_ns for p in judge_dir.iterdir()} == stamp
    different = build_tiny_judge(tmp_path / "seed1", seed=1)
    assert (different / "model.safetensors").read_bytes() != (judge_dir / "model.safetensors").read_bytes()


def test_ensure_tiny_judge_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(tiny_judge, "build_tiny_judge", lambda path, **kw: calls.append(Path(path)) or Path(path))
    assert ensure_tiny_judge(tmp_path) == tmp_path / "builtin" / "tiny-qwen2-judge"
    assert calls == [tmp_path / "builtin" / "tiny-qwen2-judge"]
