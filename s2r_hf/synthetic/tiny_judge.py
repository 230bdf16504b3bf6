"""A tiny judge model built offline: a random Qwen2 causal LM with a locally trained BPE tokenizer.

Why: ``Qwen/Qwen2.5-1.5B-Instruct`` cannot be downloaded in CI, but scoring and SFT must still load a real
Hub-style checkpoint through ``AutoTokenizer`` / ``AutoModelForCausalLM``. :func:`build_tiny_judge` trains a
byte-level BPE (the Qwen2 normalizer and pre-tokenizer, ChatML special tokens and the production
:data:`~s2r_hf.chat_templates.CHATML_TEMPLATE`, re-exported here) on text from the synthetic pool and saves
it with a randomly initialised tiny Qwen2, deterministically in its arguments (``random.Random`` /
``torch.manual_seed`` only), so ``model.safetensors`` and ``tokenizer.json`` are byte-identical on every
build. :func:`ensure_tiny_judge` is the cached built-in copy.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from s2r_hf.chat_templates import CHATML_END, CHATML_START, CHATML_TEMPLATE
from s2r_hf.prompts import JUDGE_SYSTEM_PROMPT, REASONING_SYSTEM_PROMPT
from s2r_hf.synthetic.openr1_pool import openr1_rows

logger = logging.getLogger(__name__)

__all__ = ["CHATML_TEMPLATE", "build_tiny_judge", "ensure_tiny_judge"]

_SPECIAL_TOKENS = ("<|endoftext|>", CHATML_START, CHATML_END)


_MODEL_FILES = ("config.json", "tokenizer.json", "model.safetensors")
# transformers.models.qwen2.tokenization_qwen2.PRETOKENIZE_REGEX (digits are split one by one).
_QWEN2_PRETOKENIZE_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)


def _is_built(path: Path) -> bool:
    return all((path / f).is_file() for f in _MODEL_FILES)


def _tokenizer_corpus(seed: int) -> Iterator[str]:
    for row in openr1_rows(300, seed):
        yield row["problem"]
        yield from row["generations"]
    yield f"{CHATML_START}system\n{JUDGE_SYSTEM_PROMPT}{CHATML_END}"
    yield f"{CHATML_END}\n{CHATML_START}user\nWhat is 1 + 1?{CHATML_END}\n{CHATML_START}assistant\n0{CHATML_END}"
    yield REASONING_SYSTEM_PROMPT
    yield "".join(chr(c) for c in range(32, 127))


def _build_tokenizer(seed: int, vocab_size: int) -> Any:
    """Byte-level BPE with exactly the Qwen2 normalizer and pre-tokenizer.

    transformers 5 forces ``AutoTokenizer`` to ``Qwen2Tokenizer`` for ``model_type == "qwen2"`` whatever
    ``tokenizer_config.json`` says, and ``Qwen2Tokenizer`` rebuilds the pipeline (NFC + Qwen2 split regex +
    ByteLevel) around the saved vocab/merges. Training with that same pipeline keeps ``tokenizer.json``,
    ``PreTrainedTokenizerFast`` and ``AutoTokenizer`` in agreement. Its regex isolates every digit
    (``\\p{N}``), so "0" and "1" are single tokens; ByteLevel encodes any text without unk.
    """
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import PreTrainedTokenizerFast

    eot, im_start, im_end = _SPECIAL_TOKENS
    tok = Tokenizer(models.BPE(unk_token=eot))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(_QWEN2_PRETOKENIZE_REGEX), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=list(_SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_tokenizer_corpus(seed), trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=im_end,
        pad_token=eot,
        unk_token=eot,
        additional_special_tokens=[im_start, im_end],
        clean_up_tokenization_spaces=False,
        model_max_length=131072,
    )
    fast.chat_template = CHATML_TEMPLATE
    return fast


def build_tiny_judge(
    path: str | Path, seed: int = 0, vocab_size: int = 512, hidden_size: int = 64, num_layers: int = 2
) -> Path:
    """Build (once) a tiny random Qwen2 causal LM + BPE tokenizer at ``path`` and return ``path``.

    Deterministic in its arguments (byte-identical ``model.safetensors`` and ``tokenizer.json``). Built in a
    temporary directory beside ``path`` and moved into place with ``os.replace``; if ``path`` already holds
    a built model, it is returned untouched.
    """
    path = Path(path)
    if _is_built(path):
        logger.debug("Tiny judge already built at %s", path)
        return path
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        tokenizer = _build_tokenizer(seed, vocab_size)
        tokenizer.save_pretrained(tmp)
        eot_id = tokenizer.convert_tokens_to_ids(_SPECIAL_TOKENS[0])
        eos_id = tokenizer.convert_tokens_to_ids(_SPECIAL_TOKENS[2])
        config = Qwen2Config(
            vocab_size=len(tokenizer),
            hidden_size=hidden_size,
            intermediate_size=2 * hidden_size,
            num_hidden_layers=num_layers,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=4096,
            tie_word_embeddings=False,
            bos_token_id=eot_id,
            eos_token_id=eos_id,
            pad_token_id=eot_id,
        )
        torch.manual_seed(seed)
        model = Qwen2ForCausalLM(config)
        model.generation_config = GenerationConfig(bos_token_id=eot_id, eos_token_id=eos_id, pad_token_id=eot_id)
        model.save_pretrained(tmp)
        try:
            os.replace(tmp, path)
        except OSError:
            if _is_built(path):  # another process won the race
                shutil.rmtree(tmp, ignore_errors=True)
                return path
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info(
        "Built tiny judge (vocab %d, hidden %d, %d layers) at %s",
        len(tokenizer),
        hidden_size,
        num_layers,
        path,
    )
    return path


def ensure_tiny_judge(cache_dir: str | Path) -> Path:
    """The built-in tiny judge under ``cache_dir`` (built on first use)."""
    return build_tiny_judge(Path(cache_dir) / "builtin" / "tiny-qwen2-judge")
