"""`s2r select --signals` through the real CLI on the embedded default (synthetic pool, tiny judge): `--weight w` and
`--signals difficulty:w,length:1-w` select the same ids; rethink + nll alone rank without the judge and are recorded
in the manifest, scores.parquet and the card; bad `--signals` are one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.test_cli import run, small


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_weight_equals_the_same_signals(tmp_path):
    by_weight = run(small(tmp_path / "w", "--weight", "0.3"))
    assert by_weight.returncode == 0, by_weight.stderr[-3000:]
    by_signals = run(small(tmp_path / "s", "--signals", "difficulty:0.3,length:0.7"))
    assert by_signals.returncode == 0, by_signals.stderr[-3000:]
    a, b = manifest(tmp_path / "w"), manifest(tmp_path / "s")
    assert a["selected_ids"] == b["selected_ids"] and len(a["selected_ids"]) == a["counts"]["selected"] > 20
    assert a["signals"]["weights"] == b["signals"]["weights"] == {"difficulty": 0.3, "length": 0.7}
    assert b["options"]["SelectionArguments"]["signals"] == "difficulty:0.3,length:0.7"
    assert b["options"]["SelectionArguments"]["weight"] is None  # the recipe's weight gave way to --signals
    assert "signals `difficulty:0.3,length:0.7`" in (tmp_path / "s" / "README.md").read_text(encoding="utf-8")
    # the other order of the same weights is another float sum but the same ranking here
    swapped = run(small(tmp_path / "r", "--signals", "length:7,difficulty:3"))
    assert swapped.returncode == 0 and manifest(tmp_path / "r")["selected_ids"] == a["selected_ids"]


@pytest.mark.slow
def test_rethink_and_nll_rank_without_the_judge(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    args = ["--signals", "rethink:1,nll:1", "--nll-model", "s2r:tiny-judge", "--nll-dtype", "float32"]
    proc = run(small(out, *args, "--nll-max-tokens", "64"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    m = manifest(out)
    assert m["scorer"] is None and "difficulty" not in m["timings_s"]  # no judge call: difficulty is not a signal
    assert m["signals"]["weights"] == {"rethink": 0.5, "nll": 0.5}
    assert m["signals"]["higher_first"] == {"rethink": True, "nll": False}
    assert m["signals"]["nll_scorer"]["scorer"] == "nll" and m["signals"]["nll_scorer"]["max_tokens"] == 64
    scores = pq.read_table(out / "scores.parquet").to_pandas()
    assert {"nll", "nll_tokens", "nll_cut_tokens", "rethink_density", "rank_rethink", "rank_nll"} <= set(scores)
    assert m["signals"]["nll_truncated"] == int((scores["nll_cut_tokens"] > 0).sum()) > 0  # traces are > 64 tokens
    assert (scores["nll_tokens"] <= 64).all()
    expected = scores["rethink_count"] / scores["length"]
    np.testing.assert_allclose(scores["rethink_density"], expected)
    joint = 0.5 * scores["rank_rethink"] + 0.5 * scores["rank_nll"]
    np.testing.assert_allclose(scores["joint_rank"], joint)
    chosen = scores.sort_values(["joint_rank", "id"]).head(m["counts"]["selected"])["id"].tolist()
    assert chosen == m["selected_ids"]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "signals `rethink:0.5,nll:0.5`" in card and "rank(nll, lowest first)" in card
    assert "4. **Response NLL**: mean token negative log-likelihood of the response under `s2r:tiny-judge`" in card
    # a second run reads every nll score from the cache
    again = run(small(tmp_path / "again", *args, "--nll-max-tokens", "64"))
    assert again.returncode == 0 and manifest(tmp_path / "again")["selected_ids"] == m["selected_ids"]
    assert "0 to score" in again.stderr


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--signals", "perplexity:1"], "--signals: unknown signal 'perplexity'"),
        (["--signals", "length:-1"], "--signals: weight of 'length' must be a finite number >= 0"),
        (["--signals", "difficulty:0,length:0"], "--signals: every weight is 0"),
        (["--signals", "difficulty=1"], "--signals: 'difficulty=1' is not name:weight"),
        (["--signals", "rethink:1", "--strategy", "length"], "--signals has no effect with --strategy length"),
        (["--signals", "rethink:1", "--weight", "0.5"], "give --signals or --weight, not both"),
        (["--nll-max-tokens", "0"], "--nll-max-tokens must be >= 1"),
        (["--signals", "nll:1", "--nll-model", "/no/such/model"], "--nll-model: no such local folder: /no/such/model"),
    ],
)
def test_bad_signals_fail_with_one_line(tmp_path, extra, needle):
    proc = run(small(tmp_path / "out", *extra))
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("s2r select: error:") and needle in last, proc.stderr[-1500:]
    assert "Traceback" not in proc.stderr
