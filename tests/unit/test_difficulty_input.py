"""The one question → model input format shared by `s2r fit-difficulty` and the learned-difficulty scorer."""

from __future__ import annotations


def test_difficulty_text_uses_the_chat_template_or_the_raw_question(tiny_judge):
    from transformers import AutoTokenizer

    from s2r_hf.difficulty_input import difficulty_ids, difficulty_text, uses_special_tokens

    tok = AutoTokenizer.from_pretrained(tiny_judge)
    q = "Find $\\frac{1}{2}+x$ — ünïcode"
    assert difficulty_text(q, tok) == f"<|im_start|>user\n{q}<|im_end|>\n" and not uses_special_tokens(tok)
    short, long = difficulty_ids([q, q * 50], tok, 64)
    assert short == tok(difficulty_text(q, tok))["input_ids"] and len(short) < 64
    assert long == tok(difficulty_text(q * 50, tok))["input_ids"][:64]  # right truncation: the head is kept
    tok.chat_template = None
    assert difficulty_text(q, tok) == q and uses_special_tokens(tok)
