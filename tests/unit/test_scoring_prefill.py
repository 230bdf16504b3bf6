"""The shared prefill engine (s2r_hf.scoring.prefill): both scorers run on it, old import paths still reach it, and a
killed difficulty-model run resumes from the score cache scoring only the rows it lacks. Offline, CPU.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from s2r_hf.scoring import difficulty
from s2r_hf.scoring.cache import ScoreStore
from s2r_hf.scoring.difficulty_model import ModelScorer
from s2r_hf.scoring.prefill import PrefillScorer, plan_batches, score_in_chunks
from s2r_hf.selection.score import score_difficulty
from tests.unit import test_scoring_cache
from tests.unit.test_difficulty_model import build_model_folder, make_scorer
from tests.unit.test_scoring_cache import CHUNK, N_ROWS, CrashAfter, one_process

canon = test_scoring_cache.canon  # the same fixture: canonical rows as `s2r select` hands them over
COLUMNS = {"difficulty", "prompt_tokens", "input_cut_tokens"}


@pytest.fixture(scope="module")
def model_folder(tiny_judge: Path, tmp_path_factory) -> Path:
    return build_model_folder(tmp_path_factory.mktemp("prefill") / "model", tiny_judge, seed=3)


def test_both_scorers_share_one_engine_and_the_old_imports_reach_it():
    assert difficulty.plan_batches is plan_batches and difficulty.score_in_chunks is score_in_chunks
    assert issubclass(difficulty.JudgeScorer, PrefillScorer) and issubclass(ModelScorer, PrefillScorer)
    for own in ("encode_with_cuts", "readout", "prepare", "key"):  # each strategy brings only its own part
        assert own in vars(difficulty.JudgeScorer) and own in vars(ModelScorer)
    for engine in ("forward", "score", "model"):
        assert engine not in vars(difficulty.JudgeScorer) and engine not in vars(ModelScorer)


def test_no_rows_give_empty_columns_without_loading(model_folder, cache_dir):
    scorer = make_scorer(model_folder, cache_dir)
    assert scorer.score([]) == {name: [] for name in COLUMNS}
    assert scorer._model is None


def test_a_killed_model_run_resumes_scoring_only_the_missing_rows(
    canon, model_folder, cache_dir, tmp_path, monkeypatch
):
    forwarded: list[int] = []
    forward = PrefillScorer.forward
    monkeypatch.setattr(
        PrefillScorer, "forward", lambda self, batch: forwarded.append(len(batch)) or forward(self, batch)
    )
    scorer = make_scorer(model_folder, cache_dir)
    full = score_difficulty(canon, scorer, ScoreStore(tmp_path / "a", scorer.key()), one_process(), CHUNK)
    assert set(full) == COLUMNS and sum(forwarded) == N_ROWS

    # killed after two chunks: two parts on disk, then the same command again
    store = ScoreStore(tmp_path / "b", scorer.key())
    rows = canon.select_columns(["id", "problem", "problem_hash", "answer"]).iter(batch_size=CHUNK)
    with pytest.raises(RuntimeError, match="killed"):
        score_in_chunks(CrashAfter(make_scorer(model_folder, cache_dir), 2), rows, store, total=N_ROWS, chunk=CHUNK)
    assert store.load().num_rows == 2 * CHUNK
    forwarded.clear()
    resumed = score_difficulty(canon, make_scorer(model_folder, cache_dir), store, one_process(), CHUNK)
    assert sum(forwarded) == N_ROWS - 2 * CHUNK
    for name in COLUMNS:
        np.testing.assert_allclose(resumed[name], full[name], rtol=0, atol=1e-6)

    # everything cached: no forward, the weights are never loaded
    forwarded.clear()
    again_scorer = make_scorer(model_folder, cache_dir)
    again = score_difficulty(canon, again_scorer, store, one_process(), CHUNK)
    assert forwarded == [] and again_scorer._model is None
    np.testing.assert_array_equal(again["difficulty"], resumed["difficulty"])
