"""The real `s2r select --difficulty-scorer model` CLI on the synthetic pool and a tiny fitted-shape difficulty model:
it selects, the manifest and the card name the scorer, the scores are the model's own, two CPU ranks give the same
scores as one, and bad inputs are one line (exit 2).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from s2r_hf.rank import ordinal_rank
from tests.conftest import S2R
from tests.e2e.test_multiprocess import free_port, fresh_cache, run
from tests.unit.test_difficulty_model import MAX_LENGTH, build_model_folder, per_row_reference

ROWS = 200


@pytest.fixture(scope="module")
def model_folder(tiny_judge: Path, tmp_path_factory) -> Path:
    return build_model_folder(tmp_path_factory.mktemp("e2e-dmodel") / "difficulty-tiny", tiny_judge, seed=5)


def select_args(model: Path, cache: Path, out: Path, *extra: str) -> list[str]:
    return [
        "select",
        *("--pool", "s2r:synthetic-openr1", "--synthetic-rows", str(ROWS)),
        *("--difficulty-scorer", "model", "--difficulty-model", str(model)),
        *("--judge", "s2r:tiny-judge", "--judge-dtype", "float32", "--checkpoint-every", "40"),
        *("--decontam-benchmarks", "s2r:synthetic-benchmark", "--cache-dir", str(cache), "--output-dir", str(out)),
        *extra,
    ]


def test_select_with_a_difficulty_model_end_to_end(model_folder, tiny_judge, tmp_path):
    import pyarrow.parquet as pq

    cache, out = fresh_cache(tmp_path, "cache", tiny_judge), tmp_path / "out"
    run([*S2R, *select_args(model_folder, cache, out)], cache)
    manifest = json.loads((out / "manifest.json").read_text())
    scorer = manifest["scorer"]
    assert scorer["scorer"] == "model" and scorer["model"] == "local:difficulty-tiny"
    assert scorer["weights"].startswith("local:") and scorer["input_format"] and scorer["max_length"] == MAX_LENGTH
    assert manifest["options"]["ScoringArguments"]["difficulty_scorer"] == "model"
    assert manifest["options"]["ScoringArguments"]["difficulty_model"] == "local:difficulty-tiny"
    assert str(tmp_path) not in (out / "manifest.json").read_text()  # the local folder is named, not its path
    card = (out / "README.md").read_text()
    assert "fitted difficulty model `local:difficulty-tiny`" in card and "higher = harder" in card
    assert 0 < manifest["counts"]["selected"] < manifest["counts"]["scored"]

    scores = pq.read_table(out / "scores.parquet").to_pydict()
    difficulty, ids = np.array(scores["difficulty"]), np.array(scores["id"])
    assert "judge_mass" not in scores and "input_cut_tokens" in scores
    cut = np.array(scores["input_cut_tokens"])  # questions over max_length: counted as the judge's cuts are
    assert 0 < manifest["counts"]["judge_truncated"] == int((cut > 0).sum()) < len(cut)
    truncated = manifest["difficulty_truncation"]
    assert truncated["column"] == "input_cut_tokens" and truncated["scorer"] == "difficulty model"
    assert truncated["tokens_cut"] == int(cut.sum()) and truncated["max_tokens_cut"] == int(cut.max())
    assert "scored with the difficulty model's input cut to fit (on the right, to its max_length" in card
    assert f"{truncated['tokens_cut']} tokens cut in all" in card and "`input_cut_tokens` in scores.parquet) | " in card
    # the scores are the model's own output (higher = harder), ranked as the judge's p("1") would be
    from datasets import load_dataset

    subset = load_dataset(str(out), split="train")
    want = per_row_reference(model_folder, subset["problem"][:8])
    got = dict(zip(ids.tolist(), difficulty.tolist(), strict=True))
    np.testing.assert_allclose([got[i] for i in subset["id"][:8]], want, rtol=0, atol=1e-5)
    np.testing.assert_array_equal(scores["rank_difficulty"], ordinal_rank(difficulty, ids))
    rank_d, rank_l = np.array(scores["rank_difficulty"]), np.array(scores["rank_length"])
    np.testing.assert_allclose(scores["joint_rank"], 0.25 * rank_d + 0.75 * rank_l)  # the paper's weight, as for p("1")


BAD = {
    "no model": ([], r"--difficulty-scorer model needs --difficulty-model"),
    "no s2r_difficulty.json": (
        ["--difficulty-model", "{judge}"],
        r"no s2r_difficulty\.json in the folder",
    ),
    "no such folder": (["--difficulty-model", "./models/nowhere"], r"--difficulty-model: no such local folder"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_difficulty_model_inputs_are_one_line(case, tiny_judge, tmp_path):
    extra, message = BAD[case]
    args = ["select", "--pool", "s2r:synthetic-openr1", "--synthetic-rows", "20", "--judge", "s2r:tiny-judge"]
    args += ["--difficulty-scorer", "model"]
    args += [a.format(judge=tiny_judge) for a in extra] + ["--output-dir", str(tmp_path / "out")]
    proc = subprocess.run([*S2R, *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and re.search(message, errors[0]), proc.stderr[-2000:]


@pytest.mark.slow
def test_two_cpu_ranks_give_the_same_model_scores_as_one(model_folder, tiny_judge, tmp_path):
    import pyarrow.parquet as pq

    launch = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2"]
    launch += ["--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]
    launch += ["--main_process_port", str(free_port()), "-m", "s2r_hf.cli"]
    multi_cache, single_cache = fresh_cache(tmp_path, "c2", tiny_judge), fresh_cache(tmp_path, "c1", tiny_judge)
    multi = run([*launch, *select_args(model_folder, multi_cache, tmp_path / "o2")], multi_cache, OMP_NUM_THREADS="1")
    run([*S2R, *select_args(model_folder, single_cache, tmp_path / "o1")], single_cache)
    assert "over 2 process(es)" in multi.stderr
    parts = sorted((multi_cache / "scores").rglob("part-*.parquet"))
    assert {p.name.rsplit("-", 1)[1] for p in parts} == {"r000.parquet", "r001.parquet"}  # two ranks really scored
    two, one = (pq.read_table(tmp_path / o / "scores.parquet").to_pydict() for o in ("o2", "o1"))
    assert two["id"] == one["id"]
    np.testing.assert_allclose(two["difficulty"], one["difficulty"], rtol=0, atol=1e-5)
    manifests = [json.loads((tmp_path / o / "manifest.json").read_text()) for o in ("o2", "o1")]
    assert manifests[0]["selected_ids"] == manifests[1]["selected_ids"]
    # a second run (another budget) reuses every cached score: no row is scored again
    again = run([*S2R, *select_args(model_folder, single_cache, tmp_path / "again", "--ratio", "0.2")], single_cache)
    assert f"difficulty: {manifests[1]['counts']['scored']} rows cached, 0 to score" in again.stderr
