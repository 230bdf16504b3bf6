"""Score the ``nll`` signal when ``--signals`` names it: sharded over processes and cached, as difficulty is.

The rows go through the judge's scoring loop (:func:`s2r_hf.selection.score.score_difficulty`: only the rows the
score cache lacks are scored, split over the ``accelerate`` ranks, each chunk written before the next): the
store's ``problem_hash`` key column holds a hash of problem + response (:func:`s2r_hf.scoring.nll.row_hash`), and
the loop's text slot (``answer``) carries the response.
"""

from __future__ import annotations

import logging

import numpy as np

from s2r_hf.configs import ScoringArguments, SelectionArguments
from s2r_hf.selection.prepare import Stopwatch

logger = logging.getLogger("s2r_hf")


def nll_rows(rows):
    """The rows as the scoring loop reads them: ``id``, ``problem``, ``problem_hash`` (= row hash), ``answer``
    (= the response). Built in memory (``add_column``): nothing is rewritten into the ``datasets`` cache."""
    import pyarrow as pa

    from s2r_hf.scoring.nll import row_hash

    hashes = [
        row_hash(p, r)
        for batch in rows.select_columns(["problem", "response"]).iter(batch_size=1024)
        for p, r in zip(batch["problem"], batch["response"], strict=True)
    ]
    view = rows.select_columns(["id", "problem", "response"]).rename_column("response", "answer")
    return view.add_column("problem_hash", pa.array(hashes, type=pa.string()))


def nll_signal(
    rows, scoring: ScoringArguments, sel: SelectionArguments, cache_dir: str, state, clock: Stopwatch
) -> tuple[dict[str, np.ndarray] | None, dict | None]:
    """(nll columns on the main process, the nll scorer's key); (None, None) when ``--signals`` has no nll."""
    if "nll" not in (sel.signal_weights() or {}):
        return None, None
    from s2r_hf.scoring.cache import ScoreStore
    from s2r_hf.scoring.nll import build_nll_scorer
    from s2r_hf.selection.score import score_difficulty

    with clock("nll"):
        if scoring.num_threads is not None:  # as for the judge (--num-threads); set here too when it did not run
            import torch

            torch.set_num_threads(scoring.num_threads)
        scorer = build_nll_scorer(scoring, cache_dir, state.device)
        key = scorer.key()
        scores = score_difficulty(nll_rows(rows), scorer, ScoreStore(cache_dir, key), state, scoring.checkpoint_every)
    if scores is not None:
        cut = int((np.asarray(scores["nll_cut_tokens"]) > 0).sum())
        if cut:
            logger.warning(
                "nll: %d responses were longer than --nll-max-tokens %d (or the model's context): scored on their "
                "first tokens (column nll_cut_tokens)",
                cut,
                scoring.nll_max_tokens,
            )
    return scores, key
