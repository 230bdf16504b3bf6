"""Raw-text continuation for budget forcing (:mod:`s2r_hf.eval.budgets`): the same weights and backend as the
evaluation, greedy, on texts that already hold the chat-templated prompt, the cut answer and the forcing cue.

lighteval cannot do this: it wraps every request in the chat template again. So the texts go to the backend
directly: vLLM's ``LLM.generate`` on GPU, ``transformers`` ``generate`` (left-padded batches) otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

BATCH = 8  # transformers: texts per generate call (sorted by length beforehand, so padding stays small)


def continuer(args, backend: str, context: int) -> Callable[[list[str], int], list[str]]:
    """A function texts, max_new_tokens → continuations (special tokens dropped), for ``args.model``.
    ``context``: the longest answer + forced tokens the texts may need (vLLM's context length beside the prompt)."""
    penalty = args.repetition_penalty or 1.0
    if backend == "vllm":
        return _vllm(args, context, penalty)
    return _transformers(args, penalty)


def _vllm(args, context: int, penalty: float):
    import gc

    import torch
    from vllm import LLM, SamplingParams

    from s2r_hf.eval.options import PROMPT_BUDGET

    gc.collect()  # the evaluation's engine is gone; give its GPU memory back before a new one starts
    torch.cuda.empty_cache()
    extra = {"dtype": args.dtype} if args.dtype else {}
    llm = LLM(
        model=args.model,
        tensor_parallel_size=args.tensor_parallel_size,
        max_model_len=args.max_model_length or context + PROMPT_BUDGET,
        gpu_memory_utilization=args.gpu_memory_utilization,
        seed=args.seed or 0,
        **extra,
    )

    def generate(texts: list[str], max_new_tokens: int) -> list[str]:
        params = SamplingParams(temperature=0.0, max_tokens=max_new_tokens, repetition_penalty=penalty)
        outputs = llm.generate(texts, params)
        return [o.outputs[0].text for o in outputs]

    return generate


def _transformers(args, penalty: float):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = "cuda" if torch.cuda.is_available() else "cpu"
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=args.dtype or "auto").to(device).eval()

    def generate(texts: list[str], max_new_tokens: int) -> list[str]:
        out = []
        for start in range(0, len(texts), args.batch_size or BATCH):
            batch = tokenizer(
                texts[start : start + (args.batch_size or BATCH)],
                return_tensors="pt",
                padding=True,
                add_special_tokens=False,  # the chat template's tokens are in the text already
            ).to(device)
            with torch.no_grad():
                ids = model.generate(
                    **batch,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    repetition_penalty=penalty,
                    pad_token_id=tokenizer.pad_token_id,
                )
            new = ids[:, batch["input_ids"].shape[1] :]
            out += tokenizer.batch_decode(new, skip_special_tokens=True)
        return out

    return generate
