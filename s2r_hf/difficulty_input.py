"""What a learned difficulty model reads: one question → one input text, shared by fitting and scoring.

Why a module of its own: ``s2r fit-difficulty`` trains a regression head on these texts and
``s2r select --difficulty-scorer model`` scores the pool with them; if the two ever built the input
differently, the scores would silently mean something else. Both import :func:`difficulty_text`, and the
fitted folder records :data:`INPUT_FORMAT` in ``s2r_difficulty.json`` so a scorer can refuse a folder
written for another format.

The format (``"chat-user-v1"``): the question alone (no answer, no trace, no system prompt of ours) as ONE
user turn through the tokenizer's own chat template, without the generation prompt; the raw question when
the tokenizer has no chat template. The model's tokenizer is saved with the weights, so the text is the
same at fit and score time. Tokenize with ``truncation=True, max_length=<s2r_difficulty.json max_length>``
(right truncation: the question's head is kept) and ``add_special_tokens=uses_special_tokens(tokenizer)``
(False with a chat template, which already holds its BOS; True for a raw-text encoder, whose [CLS]/[SEP] the
head expects). :func:`difficulty_ids` does exactly this.

The fitted folder (a standard ``save_pretrained`` folder) holds:
``config.json`` + ``model.safetensors`` (``AutoModelForSequenceClassification``, ``num_labels=1``,
``problem_type="regression"``), the tokenizer files, and ``s2r_difficulty.json`` with at least
``{"input_format": "chat-user-v1", "max_length": int, "higher_is_harder": true}`` (plus the label source and
the held-out metrics). The head's raw output (``logits[:, 0]``) is the difficulty: higher = harder, on the
scale of ``1 − pass rate`` for ``--labels openr1`` / ``passrate``.
"""

from __future__ import annotations

INPUT_FORMAT = "chat-user-v1"
"""The name of the input format :func:`difficulty_text` builds; stored in ``s2r_difficulty.json``."""
DIFFICULTY_CONFIG_FILE = "s2r_difficulty.json"
"""The file beside the weights that says how the model reads a question and what its output means."""


def difficulty_text(problem: str, tokenizer) -> str:
    """The text a difficulty model reads for ``problem``: one user turn in the tokenizer's chat template.

    Falls back to the raw question when the tokenizer has no chat template (plain encoder models).
    """
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(
            [{"role": "user", "content": problem}], tokenize=False, add_generation_prompt=False
        )
    return problem


def uses_special_tokens(tokenizer) -> bool:
    """Whether the tokenizer adds its special tokens: only when there is no chat template (which holds them)."""
    return not getattr(tokenizer, "chat_template", None)


def difficulty_ids(problems: list[str], tokenizer, max_length: int) -> list[list[int]]:
    """Token ids a difficulty model reads for each problem: :func:`difficulty_text`, cut to ``max_length``."""
    texts = [difficulty_text(p, tokenizer) for p in problems]
    enc = tokenizer(texts, truncation=True, max_length=max_length, add_special_tokens=uses_special_tokens(tokenizer))
    return enc["input_ids"]
