"""The ``nll`` signal: mean token negative log-likelihood of a row's RESPONSE under a model (the perplexity filter).

One prefill pass per row, nothing generated. The model reads the row as `s2r train` renders it: the reasoning
system prompt and the question in its chat template (generation prompt appended), then the response's tokens.
The loss is over the response tokens only: ``nll = −mean_t log p(r_t | prompt, r_<t)``, i.e. the SFT loss this
row gives the model at step 0; ``exp(nll)`` is the response's perplexity. The prompt is context, never scored.

Engine, as the judge's (:mod:`s2r_hf.scoring.difficulty`): rows sorted by length and packed into right-padded
batches under a token budget (``plan_batches``), no attention mask (causal attention never looks right, so right
padding is exact for every real token); the LM head runs only on the response positions, gathered 2-D and in
chunks, in fp32 (an fp32 copy of the head weight made once), so a bf16 model still gets fp32 log-softmaxes.

Very long responses: a response is scored on its first ``max_tokens`` tokens (``--nll-max-tokens``), and on fewer
when the prompt plus that would pass the model's context (``max_position_embeddings``); a prompt longer than
the context keeps its end. The response tokens not scored are returned per row (``nll_cut_tokens``) and counted
in the manifest (``signals.nll_truncated``). An empty response has no token to score: its ``nll`` is NaN (ranked
last).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import numpy as np

from s2r_hf.errors import S2RError
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT, prompt_hash
from s2r_hf.scoring.prefill import Fp32Head, plan_batches

logger = logging.getLogger(__name__)

FORMULA = "mean NLL of response tokens | reasoning system prompt + question in chat template; fp32 head"
HEAD_CHUNK = 1024  # response positions per fp32 head call: bounds the [chunk, vocab] logits (0.6 GB at 151k vocab)


def row_hash(problem: str, response: str) -> str:
    """The score cache's row key for nll (stored in its ``problem_hash`` column): the NLL depends on both texts."""
    return hashlib.sha1(f"{problem}\0{response}".encode()).hexdigest()[:16]


class NllScorer:
    """``score(problems, responses)`` → {"nll", "nll_tokens", "nll_cut_tokens"} per row. The model loads on first
    use, so a run whose rows are all cached never loads it."""

    name = "nll"

    def __init__(
        self,
        tokenizer,
        load_model: Callable[[], object],
        *,
        model_name: str,
        identity: str,
        dtype,
        batch_tokens: int,
        max_batch_rows: int,
        max_tokens: int,
        context: int | None,
    ):
        if getattr(tokenizer, "chat_template", None) is None:
            raise S2RError(f"--nll-model {model_name!r} has no chat template; give a chat/instruct model")
        self.tokenizer, self._load_model, self._model = tokenizer, load_model, None
        self.model_name, self.identity, self.dtype = model_name, identity, dtype
        self.batch_tokens, self.max_batch_rows = batch_tokens, max_batch_rows
        self.max_tokens, self.context = max_tokens, context
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (tokenizer.eos_token_id or 0)

    def key(self) -> dict:
        """What the scores depend on (the score cache's key): weights, dtype, template, formula, token limit."""
        template = self.tokenizer.chat_template
        return {
            "scorer": self.name,
            "model": self.model_name,
            "weights": self.identity,
            "dtype": str(self.dtype),
            "prompt": prompt_hash(REASONING_SYSTEM_PROMPT + "\0" + str(template)),
            "formula": FORMULA,
            "max_tokens": self.max_tokens,
        }

    def _load(self) -> None:
        """Load the model once; keep its decoder body, an fp32 copy of its head, and the head's logit transforms."""
        if self._model is not None:
            return
        self._model = self._load_model()
        self.body = self._model.base_model
        self.head = Fp32Head(self._model.get_output_embeddings(), self._model.config)
        self.device = next(self._model.parameters()).device

    def encode(self, problems: list[str], responses: list[str]) -> tuple[list[list[int]], list[int], list[int]]:
        """Per row: token ids (prompt + scored response), the prompt's length, and response tokens not scored."""
        prompts = [
            self.tokenizer.apply_chat_template(
                [{"role": "system", "content": REASONING_SYSTEM_PROMPT}, {"role": "user", "content": p}],
                tokenize=False,
                add_generation_prompt=True,
            )
            for p in problems
        ]
        prompt_ids = self.tokenizer(prompts, add_special_tokens=False)["input_ids"]
        response_ids = self.tokenizer(list(responses), add_special_tokens=False)["input_ids"]
        rows, starts, cuts = [], [], []
        for prompt, response in zip(prompt_ids, response_ids, strict=True):
            keep = min(len(response), self.max_tokens)
            if self.context is not None:
                keep = min(keep, max(1, self.context - len(prompt)), self.context - 1)
                prompt = prompt[max(0, len(prompt) - (self.context - keep)) :]
            rows.append(list(prompt) + list(response[:keep]))
            starts.append(len(prompt))
            cuts.append(len(response) - keep)
        return rows, starts, cuts

    def _head_nll(self, hidden, targets):
        """−log p(target) of each gathered position ``[N, H]``, fp32 head in chunks of :data:`HEAD_CHUNK`."""
        import torch

        out = []
        for at in range(0, len(targets), HEAD_CHUNK):
            logits = self.head(hidden[at : at + HEAD_CHUNK])
            picked = logits.gather(1, targets[at : at + HEAD_CHUNK, None])[:, 0]
            out.append(torch.logsumexp(logits, dim=-1) - picked)
        return torch.cat(out) if out else torch.zeros(0)

    def forward(self, batch: list[list[int]], starts: list[int]) -> np.ndarray:
        """One right-padded batch → the mean response-token NLL per row (NaN for a row with no response token)."""
        import torch

        self._load()
        ids = torch.full((len(batch), max(len(r) for r in batch)), self.pad_id, dtype=torch.long)
        rows, positions = [], []
        for i, (row, start) in enumerate(zip(batch, starts, strict=True)):
            ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
            predictors = range(max(start - 1, 0), len(row) - 1)  # position p predicts token p + 1
            rows += [i] * len(predictors)
            positions += list(predictors)
        rows_t, pos_t = torch.tensor(rows, dtype=torch.long), torch.tensor(positions, dtype=torch.long)
        with torch.inference_mode():
            hidden = self.body(input_ids=ids.to(self.device), use_cache=False).last_hidden_state
            gathered = hidden[rows_t.to(self.device), pos_t.to(self.device)]  # [N, H], response positions only
            token_nll = self._head_nll(gathered, ids[rows_t, pos_t + 1].to(self.device)).double().cpu()
        total = torch.zeros(len(batch), dtype=torch.float64).index_add_(0, rows_t, token_nll)
        count = torch.bincount(rows_t, minlength=len(batch)).double()
        return (total / count).numpy()  # 0 / 0 = NaN for an empty response

    def score(
        self,
        problems: list[str],
        answers: list[str] | None = None,
        progress: Callable[[int], None] | None = None,
        ids: list[str] | None = None,
    ) -> dict[str, list]:
        """Scores of rows ``problems`` + responses (``answers``: the scoring loop's text slot carries the response)."""
        if answers is None:
            raise S2RError("the nll scorer needs each row's response")
        encoded, starts, cuts = self.encode(problems, answers)
        lengths = np.array([len(r) for r in encoded])
        nll = np.empty(len(encoded))
        for idx in plan_batches(lengths, self.batch_tokens, self.max_batch_rows):
            nll[idx] = self.forward([encoded[i] for i in idx], [starts[i] for i in idx])
            if progress is not None:
                progress(len(idx))
        scored = [len(r) - s for r, s in zip(encoded, starts, strict=True)]
        return {"nll": nll.tolist(), "nll_tokens": scored, "nll_cut_tokens": cuts}


def build_nll_scorer(args, cache_dir: str, device) -> NllScorer:
    """An :class:`NllScorer` from ``ScoringArguments``: ``--nll-model`` (default ``--judge``), dtype, limits."""
    from s2r_hf.scoring.difficulty import judge_context
    from s2r_hf.scoring.models import load_causal_lm, load_tokenizer, pick_dtype, resolve, weights_identity

    name = args.nll_model or args.judge
    revision = args.nll_revision if args.nll_model else args.judge_revision
    path = resolve(name, cache_dir)
    dtype = pick_dtype(args.nll_dtype, device)
    budget = args.judge_batch_tokens or (65536 if device.type == "cuda" else 1024)

    def load():
        logger.info("loading nll model %s on %s in %s, batch budget %d tokens", name, device, dtype, budget)
        return load_causal_lm(
            path, revision=revision, dtype=dtype, device=device, attn_implementation=args.attn_implementation
        )

    context = judge_context(path, _ContextArgs(revision, name))
    return NllScorer(
        load_tokenizer(path, revision),
        load,
        model_name=name,
        identity=weights_identity(path, revision),
        dtype=dtype,
        batch_tokens=budget,
        max_batch_rows=args.judge_max_batch_rows,
        max_tokens=args.nll_max_tokens,
        context=context,
    )


class _ContextArgs:
    """What :func:`~s2r_hf.scoring.difficulty.judge_context` reads, for the nll model (no explicit prompt limit)."""

    judge_max_tokens = None

    def __init__(self, revision: str | None, name: str):
        self.judge_revision, self.judge = revision, name
