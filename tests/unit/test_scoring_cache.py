"""The score cache (s2r_hf.scoring.cache.ScoreStore) as selection uses it: a killed run resumes scoring only the
missing rows, stray temp files and damaged parts are survived, a late rank gets a consistent share, and a second
`s2r select` with another weight or budget reuses every cached score without loading the judge. Offline, CPU.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from s2r_hf.scoring.cache import ScoreStore
from s2r_hf.scoring.difficulty import JudgeScorer, score_in_chunks
from s2r_hf.synthetic import openr1_rows
from tests.unit.judges import make_judge

N_ROWS, CHUNK = 23, 5


@pytest.fixture(scope="module")
def canon():
    """Canonical rows as `s2r select` hands them to the scorer (id, problem, problem_hash, answer)."""
    from datasets import Dataset

    rows = list(openr1_rows(N_ROWS, seed=11))
    problems = [r["problem"] for r in rows]
    return Dataset.from_dict(
        {
            "id": [r["uuid"] for r in rows],
            "problem": problems,
            "problem_hash": [hashlib.sha256(p.encode()).hexdigest()[:16] for p in problems],
            "answer": [r["answer"] for r in rows],
        }
    )


def one_process() -> SimpleNamespace:
    return SimpleNamespace(
        num_processes=1,
        process_index=0,
        is_main_process=True,
        is_local_main_process=False,
        wait_for_everyone=lambda: None,
    )


class CrashAfter:
    """A scorer that dies (like a killed job) when asked for chunk number ``chunks + 1``."""

    def __init__(self, scorer, chunks: int):
        self.scorer, self.left, self.name = scorer, chunks, scorer.name

    def score(self, problems, answers=None, progress=None, ids=None):
        if self.left == 0:
            raise RuntimeError("killed")
        self.left -= 1
        return self.scorer.score(problems, answers, progress, ids=ids)


@pytest.fixture
def model_calls(monkeypatch) -> dict[str, list]:
    """Record every problem scored and every row that reaches the model's forward pass."""
    calls: dict[str, list] = {"problems": [], "forward_rows": [], "loads": []}
    score, forward, model = JudgeScorer.score, JudgeScorer.forward, JudgeScorer.model.fget

    def counting_score(self, problems, answers=None, progress=None, ids=None):
        calls["problems"].extend(problems)
        return score(self, problems, answers, progress, ids=ids)

    def counting_forward(self, batch):
        calls["forward_rows"].append(len(batch))
        return forward(self, batch)

    def counting_model(self):
        if self._model is None:
            calls["loads"].append(1)
        return model(self)

    monkeypatch.setattr(JudgeScorer, "score", counting_score)
    monkeypatch.setattr(JudgeScorer, "forward", counting_forward)
    monkeypatch.setattr(JudgeScorer, "model", property(counting_model))
    return calls


def test_resume_after_crash_scores_only_missing_rows(canon, tiny_judge, cache_dir, tmp_path, model_calls):
    from s2r_hf.cli import score_difficulty

    scorer = make_judge(tiny_judge, cache_dir)
    full = score_difficulty(canon, scorer, ScoreStore(tmp_path / "a", scorer.key()), one_process(), CHUNK)
    assert len(model_calls["problems"]) == N_ROWS

    # A run killed after two chunks: two complete parts, nothing else.
    store = ScoreStore(tmp_path / "b", make_judge(tiny_judge, cache_dir).key())
    rows = canon.select_columns(["id", "problem", "problem_hash", "answer"]).iter(batch_size=CHUNK)
    with pytest.raises(RuntimeError, match="killed"):
        score_in_chunks(CrashAfter(make_judge(tiny_judge, cache_dir), 2), rows, store, total=N_ROWS, chunk=CHUNK)
    assert len(store.parts()) == 2
    assert store.load().num_rows == 2 * CHUNK
    ids, hashes, problems = list(canon["id"]), list(canon["problem_hash"]), list(canon["problem"])
    assert store.done_keys() == set(zip(ids[: 2 * CHUNK], hashes[: 2 * CHUNK], strict=True))

    # The same command again scores only the rest.
    for name in model_calls:
        model_calls[name].clear()
    resumed = score_difficulty(canon, make_judge(tiny_judge, cache_dir), store, one_process(), CHUNK)
    assert model_calls["problems"] == problems[2 * CHUNK :]
    assert sum(model_calls["forward_rows"]) == N_ROWS - 2 * CHUNK
    assert model_calls["loads"] == [1]
    assert len(store.parts()) == 2 + -(-(N_ROWS - 2 * CHUNK) // CHUNK)
    assert set(resumed) == set(full) == {"difficulty", "judge_mass", "prompt_tokens", "judge_cut_tokens"}
    for name in full:
        np.testing.assert_allclose(resumed[name], full[name], rtol=0, atol=1e-6)

    # And once more: everything is cached, the model is never loaded.
    for name in model_calls:
        model_calls[name].clear()
    again = score_difficulty(canon, make_judge(tiny_judge, cache_dir), store, one_process(), CHUNK)
    assert model_calls == {"problems": [], "forward_rows": [], "loads": []}
    np.testing.assert_array_equal(again["difficulty"], resumed["difficulty"])


def test_stray_temp_and_corrupt_parts(canon, tiny_judge, cache_dir, tmp_path, model_calls, caplog):
    import pyarrow.parquet as pq

    from s2r_hf.cli import score_difficulty

    scorer = make_judge(tiny_judge, cache_dir)
    store = ScoreStore(tmp_path, scorer.key())
    full = score_difficulty(canon, scorer, store, one_process(), CHUNK)
    parts = store.parts()
    assert len(parts) == -(-N_ROWS // CHUNK)

    # A write killed before its os.replace leaves a temp file: ignored.
    (store.dir / f".tmp-{parts[0].name}").write_bytes(b"PAR1 half a parquet file")
    (store.dir / ".tmp-123-key.json").write_text("{")
    assert store.load().num_rows == N_ROWS

    # A damaged part: load() warns and skips it; exactly its rows are scored again.
    lost = pq.read_table(parts[1]).column("id").to_pylist()
    parts[1].write_bytes(parts[1].read_bytes()[:100])
    with caplog.at_level("WARNING", logger="s2r_hf.scoring.cache"):
        table = store.load()
    assert table.num_rows == N_ROWS - len(lost)
    assert parts[1].name in caplog.text
    assert {k[0] for k in store.done_keys()} == set(canon["id"]) - set(lost)

    for name in model_calls:
        model_calls[name].clear()
    repaired = score_difficulty(canon, make_judge(tiny_judge, cache_dir), store, one_process(), CHUNK)
    scored = dict(zip(list(canon["problem"]), list(canon["id"]), strict=True))
    assert [scored[p] for p in model_calls["problems"]] == lost
    assert sum(model_calls["forward_rows"]) == len(lost)
    for name in full:
        np.testing.assert_allclose(repaired[name], full[name], rtol=0, atol=1e-6)


def test_a_late_rank_still_gets_a_consistent_share(canon, tiny_judge, cache_dir, tmp_path):
    """Two ranks as threads with a real barrier; rank 1 starts once rank 0 has written a part or waits."""
    import threading

    from s2r_hf.cli import score_difficulty

    scorers = [make_judge(tiny_judge, cache_dir) for _ in range(2)]
    for scorer in scorers:
        scorer.model  # noqa: B018 - load in this thread (transformers' lazy imports are not thread-safe)
    barrier, rank0_busy = threading.Barrier(2, timeout=60), threading.Event()
    results, errors = {}, {}

    def rank(i: int) -> None:
        store = ScoreStore(tmp_path, scorers[i].key())
        if i == 0:
            write = store.write
            store.write = lambda *a, **k: (write(*a, **k), rank0_busy.set())[0]
        else:
            assert rank0_busy.wait(timeout=60)  # the slower rank (e.g. still loading the pool) arrives

        def wait_for_everyone() -> None:
            rank0_busy.set()
            barrier.wait()

        state = SimpleNamespace(
            num_processes=2,
            process_index=i,
            is_main_process=i == 0,
            is_local_main_process=False,
            wait_for_everyone=wait_for_everyone if i == 0 else barrier.wait,
        )
        try:
            results[i] = score_difficulty(canon, scorers[i], store, state, CHUNK)
        except Exception as err:
            errors[i] = err
            barrier.abort()

    threads = [threading.Thread(target=rank, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if 0 in errors:
        raise errors[0]
    assert not errors, errors
    assert results[1] is None and len(results[0]["difficulty"]) == N_ROWS
    stored = ScoreStore(tmp_path, scorers[0].key()).load()
    assert sorted(stored.column("id").to_pylist()) == sorted(canon["id"])  # each row scored once


def test_cli_reselect_uses_cached_scores(tiny_judge, fresh_cache, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from s2r_hf import cli
    from s2r_hf.scoring import models

    shutil.copytree(tiny_judge, fresh_cache / "builtin" / "tiny-qwen2-judge")  # skip the 7 s rebuild

    def select(out: Path, *extra: str) -> tuple[dict, object]:
        argv = [
            "select",
            "--pool",
            "s2r:synthetic-openr1",
            "--synthetic-rows",
            "300",
            "--judge",
            "s2r:tiny-judge",
            "--decontam-benchmarks",
            "s2r:synthetic-benchmark",
            "--cache-dir",
            str(fresh_cache),
            "--output-dir",
            str(out),
            *extra,
        ]
        assert cli.main(argv) == 0
        return json.loads((out / "manifest.json").read_text()), pq.read_table(out / "scores.parquet")

    loads = []
    load = models.load_causal_lm
    monkeypatch.setattr(models, "load_causal_lm", lambda *a, **k: loads.append(1) or load(*a, **k))
    first, scores1 = select(tmp_path / "first", "--weight", "0.25", "--ratio", "0.1")
    assert loads == [1]
    parts = sorted(p.name for p in (fresh_cache / "scores").rglob("part-*.parquet"))
    assert parts

    def no_model(*args, **kwargs):
        raise AssertionError("the second selection loaded the judge")

    monkeypatch.setattr(models, "load_causal_lm", no_model)
    second, scores2 = select(tmp_path / "second", "--weight", "1.0", "--ratio", "0.2")

    assert sorted(p.name for p in (fresh_cache / "scores").rglob("part-*.parquet")) == parts
    assert second["scorer"] == first["scorer"]
    n = scores1.num_rows
    assert abs(len(first["selected_ids"]) - 0.1 * n) <= 1 and abs(len(second["selected_ids"]) - 0.2 * n) <= 1
    assert second["selected_ids"][: len(first["selected_ids"])] != first["selected_ids"]
    assert scores2.column("id").to_pylist() == scores1.column("id").to_pylist()
    np.testing.assert_array_equal(scores2.column("difficulty").to_numpy(), scores1.column("difficulty").to_numpy())
    # weight 1.0 ranks by difficulty alone: the kept rows are the hardest ones.
    difficulty = dict(zip(scores2.column("id").to_pylist(), scores2.column("difficulty").to_numpy(), strict=True))
    kept = [difficulty[i] for i in second["selected_ids"]]
    rest = [d for i, d in difficulty.items() if i not in set(second["selected_ids"])]
    assert kept == sorted(kept, reverse=True) and min(kept) >= max(rest)
