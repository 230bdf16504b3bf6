"""`s2r select` decontamination end to end: both methods, manifest, dropped.parquet evidence, card block."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from tests.e2e.test_cli import run, small


@pytest.mark.slow
def test_select_records_method_evidence_and_card_for_both_methods(tmp_path):
    results = {}
    for method in ("overlap", "ngram8"):
        out = tmp_path / method
        proc = run(small(out, "--strategy", "random", "--decontam-method", method, "--num-threads", "1"))
        assert proc.returncode == 0, proc.stderr[-3000:]
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["options"]["SelectionArguments"]["decontam_method"] == method
        block = manifest["counts"]["decontamination"]
        assert block["method"] == method and block["ngram"] == 8
        assert block["benchmark_problems"] == {"synthetic": 8}
        dropped = pq.read_table(out / "dropped.parquet").to_pylist()
        contaminated = [d for d in dropped if d["reason"] == "contaminated"]
        assert {3, 17, 42} <= {d["row"] for d in contaminated}  # the planted benchmark problems
        assert block["dropped"] == manifest["counts"]["decontaminated"] == {"synthetic": len(contaminated)}
        for d in contaminated:
            assert d["benchmark"] == "synthetic" and d["method"] in (
                "ngram8",
                "containment",
                "full-containment",
                "digits-removed",
            )
            assert d["matched_text"] and json.loads(d["detail"])["benchmark_index"] == d["benchmark_index"]
        others = [d for d in dropped if d["reason"] != "contaminated"]
        assert all(d["benchmark"] is None and d["score"] is None for d in others)
        card = (out / "README.md").read_text()
        assert "## Decontamination" in card and f"method `{method}`" in card
        assert ("[!WARNING]" in card) == (block["fraction_dropped"] > 0.05)
        results[method] = {d["row"] for d in contaminated}
    # on the synthetic pool the planted copies are verbatim: both rules find exactly the same rows
    assert results["overlap"] == results["ngram8"]
