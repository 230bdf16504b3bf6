"""One drop contract (s2r_hf.drops): every filter returns (rows, DropReport); DropLog alone builds dropped.parquet
and the manifest's drop counts. Run through the real normaliser and decontaminator on tiny pools."""

from __future__ import annotations

import datasets
import pyarrow as pa
import pytest

from s2r_hf.decontam import OverlapIndex, decontaminate
from s2r_hf.drops import DECONTAMINATE, MAX_TRAIN_TOKENS, NORMALISE, DropLog, DropReport, dropped_schema
from s2r_hf.pools import normalise

BENCH = "Find the number of ordered pairs of positive integers (m, n) such that m^2 n = 20^{20}."
DROPPED_COLUMNS = ["row", "id", "reason", "detail", "benchmark", "benchmark_index", "method", "score", "matched_text"]


def alpaca(rows: list[tuple[str, str | None]]) -> datasets.Dataset:
    return datasets.Dataset.from_list(
        [{"id": i, "instruction": p, "output": "<think>so</think> \\boxed{1}"} for i, p in rows]
    )


@pytest.fixture
def index() -> OverlapIndex:
    idx = OverlapIndex(n=8, threshold=0.4)
    idx.add("bench", BENCH, 0)
    return idx


def test_every_filter_returns_rows_and_a_drop_report(index):
    raw = alpaca([("a", "Compute 2+2 ∑ é."), ("a", "Compute 2+2 ∑ é."), ("b", BENCH), ("c", None), ("d", "Say 3.")])
    log = DropLog()
    rows = log.record(NORMALISE, normalise(raw, "alpaca"))
    rows = log.record(DECONTAMINATE, decontaminate(rows, index))
    assert rows["id"] == ["a", "d"]
    norm, contam = log.steps[NORMALISE], log.steps[DECONTAMINATE]
    assert isinstance(norm, DropReport) and isinstance(contam, DropReport)
    assert (norm.rows_in, norm.rows_kept, contam.rows_in, contam.rows_kept) == (5, 3, 3, 2)
    assert norm.counts["duplicate_id"] == 1 and norm.total == 2
    assert contam.counts == {"contaminated": 1} and contam.breakdown == {"bench": 1}
    assert contam.summary["dropped"] == {"bench": 1} and contam.summary["rows_in"] == 3

    # the one place: records in pipeline order, one schema, manifest counts with the keys manifests always had
    assert [r["reason"] for r in log.records()][-1] == "contaminated"
    table = log.table()
    assert table.column_names == DROPPED_COLUMNS and table.schema == dropped_schema()
    last = table.slice(table.num_rows - 1).to_pylist()[0]
    assert (last["id"], last["row"], last["benchmark"], last["benchmark_index"]) == ("b", 2, "bench", 0)
    assert table.column("benchmark").null_count == table.num_rows - 1  # other drops: no evidence
    counts = log.manifest_counts(decontam_ngram=8)
    assert counts == {
        "pool_rows": 5,
        "normalise_dropped": norm.counts,
        "normalise_notes": norm.notes,
        "id_conflicts": 0,
        "decontaminated": {"bench": 1},
        "decontam_ngram": 8,
        "decontamination": contam.summary,
        "over_max_train_tokens": 0,
    }


def test_steps_that_did_not_run_count_as_nothing():
    log = DropLog()
    log.record(NORMALISE, (None, DropReport(rows_in=4, rows_kept=4)))
    over = DropReport(rows_in=4, rows_kept=3)
    over.add("over_max_train_tokens", [{"row": 7, "id": "x", "reason": "over_max_train_tokens", "detail": "9 > 8"}])
    log.record(MAX_TRAIN_TOKENS, ([1, 2, 3], over))
    counts = log.manifest_counts(decontam_ngram=13)
    assert (counts["decontaminated"], counts["decontamination"], counts["over_max_train_tokens"]) == ({}, None, 1)
    assert log.table().to_pylist()[0]["matched_text"] is None
    assert DropLog().table().num_rows == 0 and DropLog().table().schema == dropped_schema()
    assert isinstance(dropped_schema().field("score").type, pa.DataType)


def test_drop_summary_is_one_console_line(index, caplog):
    log = DropLog()
    rows = log.record(NORMALISE, normalise(alpaca([("a", "Say 1."), ("b", BENCH)]), "alpaca"))
    log.record(DECONTAMINATE, decontaminate(rows, index))
    caplog.clear()
    with caplog.at_level("INFO", logger="s2r_hf.drops"):
        log.log_summary()
    assert caplog.messages == ["rows: 2 in → 1 to score (dropped: normalise 0; decontaminate 1)"]
