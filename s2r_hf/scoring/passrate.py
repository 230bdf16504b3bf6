"""Second difficulty scorer (SPEC §2): ``difficulty = 1 − pass rate`` of k sampled solutions.

The paper's later version scores difficulty with a reward model trained on rollout pass rates; this is
the measurable quantity behind it. Each problem is answered k times by a model (same reasoning prompt
as training and evaluation), the last ``\\boxed{}`` is graded against the pool's ``answer`` by the
evaluation's rule (:func:`s2r_hf.grading.is_correct`). Rows without a reference answer get NaN (ranked
last). Slow: it generates.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import numpy as np

from s2r_hf.grading.grader import is_correct, last_boxed
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT, prompt_hash

__all__ = ["GenerateFn", "PassRateScorer", "build_passrate", "hf_generate_fn", "is_correct", "last_boxed", "row_seed"]

logger = logging.getLogger(__name__)

GenerateFn = Callable[[list[str], int, list[int]], list[list[str]]]


def row_seed(seed: int, row_id: str) -> int:
    """The sampling seed of one row: a hash of (run seed, row id), so a row's samples never depend on which
    chunk, process or resumed run scores it."""
    digest = hashlib.blake2b(f"{seed}\0{row_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1  # < 2**63: a valid torch seed


class PassRateScorer:
    """``score(problems, answers, ids=...)`` → {"difficulty", "pass_rate"}.

    ``generate(problems, k, seeds)`` → k texts per problem, sampled with that problem's seed. Rows are seeded by
    id (:func:`row_seed`; by problem text when no id is given), so chunking and resume leave scores unchanged.
    """

    name = "passrate"

    def __init__(self, generate: GenerateFn, *, model: str, identity: str, samples: int, settings: dict):
        self.generate, self.model, self.identity = generate, model, identity
        self.samples, self.settings = samples, settings
        self.seed = int(settings.get("seed", 0))

    def key(self) -> dict:
        return {
            "scorer": self.name,
            "model": self.model,
            "weights": self.identity,
            "samples": self.samples,
            "prompt": prompt_hash(REASONING_SYSTEM_PROMPT),
            "seeding": "per row id",
            **self.settings,
        }

    def score(
        self,
        problems: list[str],
        answers: list[str] | None = None,
        progress: Callable[[int], None] | None = None,
        ids: list[str] | None = None,
    ) -> dict[str, list]:
        answers = answers or [""] * len(problems)
        keys = ids if ids is not None else [prompt_hash(p) for p in problems]
        completions = self.generate(problems, self.samples, [row_seed(self.seed, str(k)) for k in keys])
        rates = []
        for texts, answer in zip(completions, answers, strict=True):
            rates.append(float("nan") if not answer.strip() else float(np.mean([is_correct(t, answer) for t in texts])))
        if progress is not None:
            progress(len(problems))
        return {"difficulty": [1.0 - r for r in rates], "pass_rate": rates}


def hf_generate_fn(model, tokenizer, *, max_new_tokens: int, temperature: float, top_p: float) -> GenerateFn:
    """Sampling with ``transformers.generate``, one problem per call (its k samples batched), seeded per row.

    One problem per call is what makes a row's samples independent of its neighbours: a shared batch would
    share one random stream (and left padding), so the same row would sample differently in another chunk.
    """
    import torch

    def generate(problems: list[str], k: int, seeds: list[int]) -> list[list[str]]:
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        out: list[list[str]] = []
        for problem, seed in zip(problems, seeds, strict=True):
            text = tokenizer.apply_chat_template(
                [{"role": "system", "content": REASONING_SYSTEM_PROMPT}, {"role": "user", "content": problem}],
                tokenize=False,
                add_generation_prompt=True,
            )
            enc = tokenizer([text], return_tensors="pt", add_special_tokens=False).to(model.device)
            torch.manual_seed(seed)
            with torch.inference_mode():
                gen = model.generate(
                    **enc,
                    do_sample=True,
                    temperature=temperature,
                    top_p=top_p,
                    max_new_tokens=max_new_tokens,
                    num_return_sequences=k,
                    pad_token_id=tokenizer.pad_token_id,
                )
            out.append(tokenizer.batch_decode(gen[:, enc["input_ids"].shape[1] :], skip_special_tokens=True))
        return out

    return generate


def build_passrate(args, cache_dir: str, device, seed: int) -> PassRateScorer:
    """A :class:`PassRateScorer` sampling from ``args.judge`` with transformers (model loaded on first use)."""
    from s2r_hf.scoring.models import load_causal_lm, load_tokenizer, pick_dtype, resolve, weights_identity

    path = resolve(args.judge, cache_dir)
    dtype = pick_dtype(args.judge_dtype, device)
    settings = {
        "max_new_tokens": args.passrate_max_new_tokens,
        "temperature": args.passrate_temperature,
        "top_p": args.passrate_top_p,
        "seed": seed,
        "dtype": str(dtype),  # samples (and so pass rates) differ between dtypes
    }
    loaded: dict = {}

    def generate(problems: list[str], k: int, seeds: list[int]) -> list[list[str]]:
        if not loaded:
            tokenizer = load_tokenizer(path, args.judge_revision)
            model = load_causal_lm(
                path,
                revision=args.judge_revision,
                dtype=dtype,
                device=device,
                attn_implementation=args.attn_implementation,
            )
            loaded["fn"] = hf_generate_fn(
                model,
                tokenizer,
                max_new_tokens=args.passrate_max_new_tokens,
                temperature=args.passrate_temperature,
                top_p=args.passrate_top_p,
            )
        return loaded["fn"](problems, k, seeds)

    return PassRateScorer(
        generate,
        model=args.judge,
        identity=weights_identity(path, args.judge_revision),
        samples=args.passrate_samples,
        settings=settings,
    )
