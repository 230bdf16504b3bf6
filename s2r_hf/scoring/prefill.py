"""The prefill engine shared by the prompt-free scorers: one forward per batch, nothing generated.

A scorer on this engine says only how a problem becomes token ids (:meth:`PrefillScorer.encode_with_cuts`),
what to set up once the model is loaded (:meth:`PrefillScorer.prepare`), and how the last real position's hidden
state becomes score columns (:meth:`PrefillScorer.readout`): the judge's p("1") readout
(:mod:`s2r_hf.scoring.difficulty`), a fitted difficulty model's regression head
(:mod:`s2r_hf.scoring.difficulty_model`). The engine owns the rest:

- rows sorted by length and packed into right-padded batches under a token budget (padding < 1 %); right
  padding with no attention mask is exact for every real token (causal attention never looks right);
- only each row's last real position is gathered, into a 2-D ``[B, hidden]`` tensor, before any head (never the
  full ``[B, T, vocab]`` logits, and not the 3-D slow path torch 2.13 has in bf16);
- the model is loaded on first use, so a run whose scores are all cached never loads it;
- :func:`score_in_chunks` writes each chunk to the score cache before the next starts (resume after a kill).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import numpy as np

logger = logging.getLogger(__name__)


class Fp32Head:
    """An fp32 copy of a model's output head (linear weight and bias), with the logit transforms its config
    declares (``logit_scale``, ``final_logit_softcapping``): a bf16 model's scores are then not rounded to bf16.
    Shared by the judge (LM head, last position), the nll scorer (LM head, response positions) and the fitted
    difficulty model (1-row regression head, no config transforms)."""

    def __init__(self, linear, config=None):
        bias = getattr(linear, "bias", None)
        self.weight = linear.weight.detach().float()
        self.bias = bias.detach().float() if bias is not None else None
        self.scale = getattr(config, "logit_scale", None)
        self.softcap = getattr(config, "final_logit_softcapping", None)

    def __call__(self, hidden):
        """Logits ``[N, out]`` in fp32 for hidden states ``[N, H]``."""
        import torch

        logits = torch.nn.functional.linear(hidden.float(), self.weight, self.bias)
        if self.scale:
            logits = logits * self.scale
        if self.softcap:
            logits = torch.tanh(logits / self.softcap) * self.softcap
        return logits


def plan_batches(lengths: np.ndarray, token_budget: int, max_rows: int) -> list[np.ndarray]:
    """Indices grouped into batches, longest first, each ``rows × longest ≤ token_budget``.

    A row longer than the budget is a batch of its own. Ties in length keep index order (deterministic).
    """
    order = np.argsort(-np.asarray(lengths), kind="stable")
    batches, start = [], 0
    while start < len(order):
        longest = int(lengths[order[start]])
        rows = max(1, min(max_rows, token_budget // max(1, longest)))
        batches.append(order[start : start + rows])
        start += rows
    return batches


class PrefillScorer:
    """Length-sorted batched prefill. ``score(problems)`` → the readout's columns + ``prompt_tokens`` + cuts.

    Subclasses set ``name`` and ``cut_column`` and implement ``encode_with_cuts``, ``prepare``, ``readout``, ``key``.
    """

    name = "prefill"
    score_columns: tuple[str, ...] = ("difficulty",)  # what ``readout`` returns
    cut_column = "cut_tokens"  # per row: input tokens cut to fit the model's context

    def __init__(self, tokenizer, load_model: Callable[[], object], *, dtype, batch_tokens: int, max_batch_rows: int):
        self.tokenizer, self._load_model, self._model = tokenizer, load_model, None
        self.dtype, self.batch_tokens, self.max_batch_rows = dtype, batch_tokens, max_batch_rows
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (tokenizer.eos_token_id or 0)

    @property
    def model(self):
        if self._model is None:
            self._model = self._load_model()
            self.base = self._model.base_model
            self.device = next(self._model.parameters()).device
            self.prepare(self._model)
        return self._model

    def prepare(self, model) -> None:
        """Set up the readout once the model is loaded (e.g. an fp32 copy of a head)."""

    def encode_with_cuts(self, problems: list[str]) -> tuple[list[list[int]], list[int]]:
        """Token ids per problem, within the context, and the input tokens cut from each."""
        raise NotImplementedError

    def encode(self, problems: list[str]) -> list[list[int]]:
        """Token ids per problem, as the model reads them."""
        return self.encode_with_cuts(problems)[0]

    def readout(self, last) -> dict[str, object]:
        """``[B, hidden]`` hidden states at each row's last real position → score tensors of shape ``[B]``."""
        raise NotImplementedError

    def key(self) -> dict:
        """What the scores depend on: the score cache's key."""
        raise NotImplementedError

    def forward(self, batch: list[list[int]]) -> dict[str, np.ndarray]:
        """One right-padded batch → the readout's columns per row."""
        import torch

        self.model  # noqa: B018 - loads on first use
        lengths = torch.tensor([len(x) for x in batch])
        ids = torch.full((len(batch), int(lengths.max())), self.pad_id, dtype=torch.long)
        for i, row in enumerate(batch):
            ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        with torch.inference_mode():
            hidden = self.base(input_ids=ids.to(self.device), use_cache=False).last_hidden_state
            last = hidden[torch.arange(len(batch), device=self.device), (lengths - 1).to(self.device)]  # [B, H]
            out = self.readout(last)
        return {name: value.cpu().double().numpy() for name, value in out.items()}

    def score(
        self,
        problems: list[str],
        answers: list[str] | None = None,
        progress: Callable[[int], None] | None = None,
        ids: list[str] | None = None,
    ) -> dict[str, list]:
        """Scores for ``problems`` (``answers`` and ``ids`` do not change a prefill score; they unify scorers)."""
        if not problems:
            return {name: [] for name in (*self.score_columns, "prompt_tokens", self.cut_column)}
        ids, cuts = self.encode_with_cuts(problems)
        if any(cuts):
            self.warn_cuts(sum(c > 0 for c in cuts), len(cuts))
        lengths = np.array([len(x) for x in ids])
        columns = {name: np.empty(len(ids)) for name in self.score_columns}
        for idx in plan_batches(lengths, self.batch_tokens, self.max_batch_rows):
            for name, values in self.forward([ids[i] for i in idx]).items():
                columns[name][idx] = values
            if progress is not None:
                progress(len(idx))
        return {
            **{name: values.tolist() for name, values in columns.items()},
            "prompt_tokens": lengths.tolist(),
            self.cut_column: cuts,
        }

    def warn_cuts(self, cut: int, rows: int) -> None:
        logger.warning(
            "%s: %d of %d inputs were cut to fit its context (column %s)", self.name, cut, rows, self.cut_column
        )


def score_in_chunks(
    scorer, rows: Iterable[dict], store, *, total: int, chunk: int, rank: int = 0, show_progress: bool = True
) -> int:
    """Score row batches (``id``, ``problem``, ``problem_hash``, ``answer``) and append each to ``store``.

    Each chunk is written before the next starts, so a killed run loses at most one chunk of work.
    """
    from tqdm.auto import tqdm

    done = 0
    with tqdm(
        total=total, desc=f"difficulty ({scorer.name}, rank {rank})", unit="row", disable=not show_progress
    ) as bar:
        for batch in rows:
            scores = scorer.score(batch["problem"], batch["answer"], progress=bar.update, ids=batch["id"])
            store.write({"id": batch["id"], "problem_hash": batch["problem_hash"], **scores}, rank=rank)
            done += len(batch["id"])
    return done
