"""The difficulty judge (SPEC §2): one prefill pass per question, nothing generated.

``difficulty = p("1") / (p("1") + p("0"))`` from the full-vocabulary softmax at the last prompt position,
looked up by token id. Equal to ``sigmoid(z1 − z0)`` of the logits, computed that way for stability; the
mass ``p("1") + p("0")`` is kept as ``judge_mass`` to show how much the judge obeys the prompt.

Speed comes from the shared prefill engine (:mod:`s2r_hf.scoring.prefill`: length-sorted right-padded batches
under a token budget, the LM head on each row's last real position only; numbers in benchmarks/bench_select.py);
dtype 'auto': bf16 where the hardware has it, fp32 elsewhere. This module is the judge's part: the prompt and
the p("1") readout.

Exactness where it is cheap: the LM head always runs in fp32 (the hidden state and a copy of the head
weight made once, upcast), because only B rows go through it. A bf16 head rounds the logits to 8 bits of
mantissa, so z1 − z0 takes few values and thousands of rows tie (122 distinct scores on 244 real rows).

Prompts longer than the judge's context (``max_position_embeddings``, or ``--judge-max-tokens``) are never
fed as they are: the question's middle is cut (its head and tail kept, joined by :data:`CUT_MARKER`), and
the number of question tokens cut is returned per row (``judge_cut_tokens``) and counted in the manifest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from s2r_hf.errors import S2RError
from s2r_hf.prompts import judge_messages, prompt_hash
from s2r_hf.scoring.prefill import Fp32Head, PrefillScorer, plan_batches, score_in_chunks

__all__ = ["CUT_MARKER", "JudgeScorer", "build_judge", "judge_context", "plan_batches", "score_in_chunks"]

logger = logging.getLogger(__name__)

CUT_MARKER = "\n[… middle of the question cut to fit the judge's context …]\n"
FP32_HEAD = "lm head in fp32"


def single_token_id(tokenizer, text: str, judge: str) -> int:
    """The id of ``text`` as ONE token that is exactly ``text`` (not ``▁1`` / ``Ġ1``, a digit after a space)."""
    ids = tokenizer.encode(text, add_special_tokens=False)
    unk = getattr(tokenizer, "unk_token_id", None)
    if len(ids) == 1 and unk is not None and ids[0] == unk:
        raise S2RError(
            f"judge {judge!r} has no token for {text!r} (it becomes the unknown token {ids[0]}); the judge score "
            "needs '0' and '1' to be single tokens. Pick another --judge (Qwen2.5/Llama-3 instruct models work)"
        )
    if len(ids) != 1:
        raise S2RError(
            f"judge {judge!r} tokenizes {text!r} as {len(ids)} tokens {ids}; the judge score needs '0' and '1' to be "
            "single tokens. Pick another --judge (Qwen2.5/Llama-3 instruct models work)"
        )
    token = tokenizer.convert_ids_to_tokens(ids[0])
    if token != text:
        raise S2RError(
            f"judge {judge!r} tokenizes {text!r} as the token {token!r} (the digit with a leading space or prefix "
            f"marker); the judge score needs '0' and '1' to be single tokens that are exactly the digit. Pick another "
            "--judge (Qwen2.5/Llama-3 instruct models work)"
        )
    return ids[0]


class JudgeScorer(PrefillScorer):
    """Prompted difficulty judge on the prefill engine. ``score(problems)`` → {"difficulty", "judge_mass",
    "prompt_tokens", "judge_cut_tokens"}.

    The model is loaded by ``load_model`` on first use, so a run whose scores are all cached (a new weight
    or budget) never loads it.
    """

    name = "judge"
    score_columns = ("difficulty", "judge_mass")
    cut_column = "judge_cut_tokens"

    def __init__(
        self,
        tokenizer,
        load_model: Callable[[], object],
        *,
        judge: str,
        identity: str,
        dtype,
        system_prompt: str,
        batch_tokens: int,
        max_batch_rows: int,
        max_tokens: int | None = None,
        max_tokens_in_key: bool = False,
    ):
        super().__init__(tokenizer, load_model, dtype=dtype, batch_tokens=batch_tokens, max_batch_rows=max_batch_rows)
        self.max_tokens, self.max_tokens_in_key = max_tokens, max_tokens_in_key
        self.judge, self.identity, self.system_prompt = judge, identity, system_prompt
        if getattr(tokenizer, "chat_template", None) is None:
            raise S2RError(f"judge {judge!r} has no chat template; the judge must be an instruct/chat model")
        self.one_id = single_token_id(tokenizer, "1", judge)
        self.zero_id = single_token_id(tokenizer, "0", judge)

    def prepare(self, model) -> None:
        """An fp32 copy of the LM head, made once (none when the model already is fp32): B rows per batch use it."""
        self.head = Fp32Head(model.get_output_embeddings(), model.config)

    def key(self) -> dict:
        """What the scores depend on: the score cache's key."""
        template = (
            self.tokenizer.chat_template
            if isinstance(self.tokenizer.chat_template, str)
            else str(self.tokenizer.chat_template)
        )
        formula = "p1/(p1+p0) full-vocab softmax, last prompt position"
        if str(self.dtype) != "torch.float32":  # an fp32 judge's head always was fp32: its cached scores stand
            formula += ", " + FP32_HEAD
        key = {
            "scorer": self.name,
            "judge": self.judge,
            "weights": self.identity,
            "prompt": prompt_hash(self.system_prompt + "\0" + template),
            "dtype": str(self.dtype),
            "formula": formula,
        }
        # The model's own context is a fact of its weights (already keyed); only an explicit limit is added,
        # so caches of runs that never hit the limit stay valid.
        if self.max_tokens is not None and self.max_tokens_in_key:
            key["context"] = f"middle cut to {self.max_tokens} tokens"
        return key

    def _render(self, problems: list[str]) -> list[list[int]]:
        texts = [
            self.tokenizer.apply_chat_template(
                judge_messages(p, self.system_prompt), tokenize=False, add_generation_prompt=True
            )
            for p in problems
        ]
        return self.tokenizer(texts, add_special_tokens=False)["input_ids"]

    def encode_with_cuts(self, problems: list[str]) -> tuple[list[list[int]], list[int]]:
        """Token ids per problem and the question tokens cut from each (0 when it fits ``max_tokens``)."""
        ids = self._render(problems)
        cuts = [0] * len(problems)
        if self.max_tokens is None:
            return ids, cuts
        for i, row in enumerate(ids):
            if len(row) > self.max_tokens:
                ids[i], cuts[i] = self._cut_middle(problems[i], len(row))
        return ids, cuts

    def _cut_middle(self, problem: str, rendered: int) -> tuple[list[int], int]:
        """The prompt of ``problem`` with the question's middle replaced by :data:`CUT_MARKER`, within the limit.

        Tokens are cut from the question only (the instruction and the template stay whole); the head and the
        tail each keep half of what fits. Re-tokenising the joined text can merge tokens differently at the
        seams, so the cut grows until the rendered prompt fits.
        """
        q = self.tokenizer(problem, add_special_tokens=False)["input_ids"]
        overhead = rendered - len(q)
        marker = len(self.tokenizer(CUT_MARKER, add_special_tokens=False)["input_ids"])
        keep = self.max_tokens - overhead - marker
        while keep > 0:
            head, tail = keep - keep // 2, keep // 2
            text = self.tokenizer.decode(q[:head]) + CUT_MARKER + (self.tokenizer.decode(q[-tail:]) if tail else "")
            row = self._render([text])[0]
            if len(row) <= self.max_tokens:
                return row, len(q) - keep
            keep -= max(1, len(row) - self.max_tokens)
        raise S2RError(
            f"judge {self.judge!r}: the judge prompt without its question already takes {overhead} tokens (+{marker} "
            f"for the cut marker), no room in the judge's context of {self.max_tokens}; raise --judge-max-tokens or "
            "shorten --judge-system-prompt"
        )

    def readout(self, last) -> dict[str, object]:
        """p1/(p1+p0) = sigmoid(log p1 − log p0) of the full-vocabulary softmax, and the mass p1 + p0."""
        import torch

        logits = self.head(last)  # 2-D, fp32
        logp = torch.log_softmax(logits, dim=-1)
        l1, l0 = logp[:, self.one_id], logp[:, self.zero_id]
        return {"difficulty": torch.sigmoid(l1 - l0), "judge_mass": l1.exp() + l0.exp()}

    def warn_cuts(self, cut: int, rows: int) -> None:
        logger.warning(
            "judge: %d of %d prompts exceed the judge's context of %d tokens; their question's middle was cut "
            "(head and tail kept), counted as judge_cut_tokens",
            cut,
            rows,
            self.max_tokens,
        )


def build_judge(args, cache_dir: str, device) -> JudgeScorer:
    """A :class:`JudgeScorer` from ``ScoringArguments`` (tokenizer now, model on first use)."""
    from s2r_hf.scoring.models import load_causal_lm, load_tokenizer, pick_dtype, resolve, weights_identity

    path = resolve(args.judge, cache_dir)
    dtype = pick_dtype(args.judge_dtype, device)
    tokenizer = load_tokenizer(path, args.judge_revision)
    budget = args.judge_batch_tokens or (65536 if device.type == "cuda" else 1024)
    max_tokens = judge_context(path, args)

    def load():
        logger.info("loading judge %s on %s in %s, batch budget %d tokens", args.judge, device, dtype, budget)
        return load_causal_lm(
            path, revision=args.judge_revision, dtype=dtype, device=device, attn_implementation=args.attn_implementation
        )

    return JudgeScorer(
        tokenizer,
        load,
        judge=args.judge,
        identity=weights_identity(path, args.judge_revision),
        dtype=dtype,
        system_prompt=args.judge_system_prompt,
        batch_tokens=budget,
        max_batch_rows=args.judge_max_batch_rows,
        max_tokens=max_tokens,
        max_tokens_in_key=args.judge_max_tokens is not None,
    )


def judge_context(path: str, args) -> int | None:
    """The judge's prompt limit: ``--judge-max-tokens``, else the model's ``max_position_embeddings``."""
    if args.judge_max_tokens is not None:
        return args.judge_max_tokens
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(path, revision=args.judge_revision)
    except Exception as err:  # the model load reports it properly; without a config, no limit is known
        logger.warning("judge %s: no config to read the context length from (%s); no prompt limit", args.judge, err)
        return None
    limit = getattr(config, "max_position_embeddings", None)
    return int(limit) if limit else None
