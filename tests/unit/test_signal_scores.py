"""The nll signal in `s2r select` (s2r_hf.selection.signal_scores): scored only when --signals names it, through
the score cache (a rerun scores nothing; an edited response is scored again, alone). Offline, CPU."""

from __future__ import annotations

import numpy as np
import torch

from s2r_hf.configs import ScoringArguments, SelectionArguments
from s2r_hf.scoring.nll import NllScorer, row_hash
from tests.unit.test_nll import ROWS


def test_cached_rows_are_not_rescored(tiny_judge, fresh_cache, monkeypatch):
    short = [*ROWS[:3], ROWS[-1]]
    from accelerate import PartialState
    from datasets import Dataset

    from s2r_hf.selection.prepare import Stopwatch
    from s2r_hf.selection.signal_scores import nll_signal

    rows = Dataset.from_dict(
        {
            "id": [f"r{i}" for i in range(len(short))],
            "problem": [p for p, _ in short],
            "response": [r for _, r in short],
            "problem_hash": ["x"] * len(short),
            "answer": ["9"] * len(short),
        }
    )
    scored_rows: list[int] = []
    forward = NllScorer.forward

    def counting(self, batch, starts):
        scored_rows.append(len(batch))
        return forward(self, batch, starts)

    monkeypatch.setattr(NllScorer, "forward", counting)
    scoring = ScoringArguments(nll_model=str(tiny_judge), nll_dtype="float32", checkpoint_every=3)
    sel = SelectionArguments(signals="nll:1")
    state = PartialState(cpu=True)
    first, key = nll_signal(rows, scoring, sel, str(fresh_cache), state, Stopwatch())
    assert sum(scored_rows) == len(short) and key["scorer"] == "nll"
    scored_rows.clear()
    again, _ = nll_signal(rows, scoring, sel, str(fresh_cache), state, Stopwatch())
    assert scored_rows == []  # every row came from the cache
    np.testing.assert_array_equal(again["nll"], first["nll"])
    # an edited response is a new row: only it is scored again
    edited = rows.map(
        lambda r, i: {"response": r["response"] + " Wait." if i == 2 else r["response"]}, with_indices=True
    )
    third, _ = nll_signal(edited, scoring, sel, str(fresh_cache), state, Stopwatch())
    assert sum(scored_rows) == 1
    assert third["nll"][2] != first["nll"][2] and np.array_equal(np.delete(third["nll"], 2), np.delete(first["nll"], 2))
    assert row_hash("a", "b") != row_hash("a", "c") != row_hash("ab", "")
    assert nll_signal(rows, scoring, SelectionArguments(), str(fresh_cache), state, Stopwatch()) == (None, None)


def test_num_threads_applies_to_nll_scoring(tiny_judge, fresh_cache):
    from accelerate import PartialState
    from datasets import Dataset

    from s2r_hf.selection.prepare import Stopwatch
    from s2r_hf.selection.signal_scores import nll_signal

    rows = Dataset.from_dict({"id": ["a"], "problem": ["1 + 1?"], "response": ["2"]})
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        scoring = ScoringArguments(nll_model=str(tiny_judge), nll_dtype="float32", num_threads=1)
        nll_signal(
            rows, scoring, SelectionArguments(signals="nll:1"), str(fresh_cache), PartialState(cpu=True), Stopwatch()
        )
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
