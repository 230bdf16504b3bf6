"""The nll signal (s2r_hf.scoring.nll): batched, length-sorted, cached mean response-token NLL, checked against an
independent per-row computation (the model's own loss with the prompt masked, fp32), on the tiny random Qwen2.
Offline, CPU."""

from __future__ import annotations

import math

import numpy as np
import torch

from s2r_hf.configs import ScoringArguments
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT
from s2r_hf.scoring.nll import NllScorer, build_nll_scorer
from s2r_hf.synthetic import openr1_rows

ROWS = [
    ("1 + 1?", "2"),
    ("Zoë has 3 apples; Łukasz gives her $\\frac{2}{3}$ of 9.", "Wait, 2/3 of 9 is 6. So 3 + 6 = \\boxed{9}. 🙂"),
    ("李雷有 12 个苹果，韩梅梅拿走了 $\\frac{1}{4}$。还剩多少个？", "12 × 3/4 = 9，答案 \\boxed{9}。∑ √2 ∞ ≤ ≥"),
    *((r["problem"], r["generations"][0]) for r in openr1_rows(4, seed=3)),
    ("Long one.", " ".join(["Hmm, let me check the sum once more: 1 + 2 + 3 = 6."] * 40)),  # ~800 tokens
]


def reference_nll(model_dir, problem: str, response: str, first: int | None = None) -> tuple[float, int, int]:
    """Mean NLL of the response's (first ``first``) tokens, one row, fp32: the model's own loss, prompt masked.

    Returns (nll, tokens scored, tokens left out); the tiny model's context (4096) bounds prompt + response."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    messages = [{"role": "system", "content": REASONING_SYSTEM_PROMPT}, {"role": "user", "content": problem}]
    prompt = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)
    prompt_ids = list(prompt["input_ids"])
    full = tok(response, add_special_tokens=False)["input_ids"]
    response_ids = full[: min(first or len(full), model.config.max_position_embeddings - len(prompt_ids))]
    ids = torch.tensor([prompt_ids + response_ids])
    labels = ids.clone()
    labels[0, : len(prompt_ids)] = -100
    with torch.no_grad():
        loss = model(input_ids=ids, labels=labels).loss
    return float(loss), len(response_ids), len(full) - len(response_ids)


def scorer_for(model_dir, cache_dir, **kw) -> NllScorer:
    args = ScoringArguments(nll_model=str(model_dir), nll_dtype="float32", judge_batch_tokens=256, **kw)
    return build_nll_scorer(args, str(cache_dir), torch.device("cpu"))


def test_nll_equals_an_independent_per_row_computation(tiny_judge, cache_dir):
    scorer = scorer_for(tiny_judge, cache_dir)
    problems, responses = [p for p, _ in ROWS], [r for _, r in ROWS]
    got = scorer.score(problems, responses)
    expected = [reference_nll(tiny_judge, p, r) for p, r in ROWS]
    np.testing.assert_allclose(got["nll"], [e[0] for e in expected], rtol=0, atol=1e-5)
    assert got["nll_tokens"] == [e[1] for e in expected]
    assert got["nll_cut_tokens"] == [e[2] for e in expected]
    assert sum(c > 0 for c in got["nll_cut_tokens"]) == 1  # one synthetic trace is over the context (4096)
    assert max(got["nll_tokens"]) > 256  # the long row is a batch of its own, over the token budget
    assert len({round(x, 6) for x in got["nll"]}) == len(ROWS)  # a real per-row measure, not a constant


def test_long_responses_are_scored_on_their_first_tokens(tiny_judge, cache_dir):
    scorer = scorer_for(tiny_judge, cache_dir, nll_max_tokens=16)
    problems, responses = [p for p, _ in ROWS], [r for _, r in ROWS]
    got = scorer.score(problems, responses)
    for (p, r), nll, n, cut in zip(ROWS, got["nll"], got["nll_tokens"], got["nll_cut_tokens"], strict=True):
        full = len(scorer.tokenizer(r, add_special_tokens=False)["input_ids"])
        ref, kept, _ = reference_nll(tiny_judge, p, r, first=16)
        assert (n, cut) == (kept, full - kept) == (min(full, 16), max(0, full - 16))
        assert abs(nll - ref) < 1e-5
    assert scorer.key()["max_tokens"] == 16 != scorer_for(tiny_judge, cache_dir).key()["max_tokens"]


def test_the_model_context_bounds_prompt_plus_response(tiny_judge, cache_dir):
    scorer = scorer_for(tiny_judge, cache_dir)
    short_prompt = scorer.encode(["Short?"], [""])[1][0]
    scorer.context = short_prompt + 10
    rows, starts, cuts = scorer.encode(["A question " * 30, "Short?", "Short?"], ["word " * 100, "ok", "word " * 100])
    assert all(len(r) <= scorer.context for r in rows) and len(rows[0]) == len(rows[2]) == scorer.context
    words = len(scorer.tokenizer("word " * 100, add_special_tokens=False)["input_ids"])
    assert len(rows[0]) - starts[0] == 1 and cuts[0] == words - 1  # prompt over the context: 1 response token
    assert cuts[1] == 0 and starts[1] == starts[2] == short_prompt  # a prompt that fits is whole
    assert cuts[2] == words - 10  # the response fills the rest of the context


def test_empty_response_is_nan_and_ranked_last(tiny_judge, cache_dir):
    got = scorer_for(tiny_judge, cache_dir).score(["1 + 1?", "2 + 2?"], ["", "4"])
    assert math.isnan(got["nll"][0]) and not math.isnan(got["nll"][1])
    assert got["nll_tokens"] == [0, 1]


def test_bf16_model_is_close_and_keyed_apart(tiny_judge, cache_dir):
    fp32 = scorer_for(tiny_judge, cache_dir)
    args = ScoringArguments(nll_model=str(tiny_judge), nll_dtype="bfloat16", judge_batch_tokens=256)
    bf16 = build_nll_scorer(args, str(cache_dir), torch.device("cpu"))
    problems, responses = [p for p, _ in ROWS[:3]], [r for _, r in ROWS[:3]]
    np.testing.assert_allclose(
        bf16.score(problems, responses)["nll"], fp32.score(problems, responses)["nll"], atol=0.05
    )
    assert bf16.key() != fp32.key() and bf16.key()["dtype"] == "torch.bfloat16"
