"""The typed manifest (s2r_hf.manifest.Manifest): manifests written before it still load, round-trip byte for byte,
and are read through the option dataclasses rather than string keys.

The fixture ``tests/data/manifests/select_synthetic_s2r_10pct_v1.json`` is the ``manifest.json`` that `s2r select`
wrote BEFORE the Manifest class existed (commit 9976662, untouched checkout):
``s2r select --config recipes/selection/synthetic/config_s2r_10pct.yaml --output-dir /tmp/stage-before``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from s2r_hf.configs import PoolArguments, ScoringArguments, SelectionArguments
from s2r_hf.errors import S2RError
from s2r_hf.manifest import COUNT_KEYS, MANIFEST_VERSION, Manifest, build_manifest, materialise

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "manifests" / "select_synthetic_s2r_10pct_v1.json"


@pytest.fixture
def written() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def test_a_manifest_written_before_the_class_loads_typed(written):
    m = Manifest.from_json(FIXTURE)
    assert m.version == 1 == MANIFEST_VERSION
    assert isinstance(m.pool, PoolArguments) and m.pool.pool == "s2r:synthetic-openr1"
    assert m.pool.synthetic_rows == 2000
    assert isinstance(m.selection, SelectionArguments)
    assert (m.selection.strategy, m.selection.weight, m.budget) == ("s2r", 0.25, ("ratio", 0.1))
    assert isinstance(m.scoring, ScoringArguments) and m.scoring.length_unit == "tokens"
    assert m.output.output_dir == "local:stage-before"
    assert len(m.selected_ids) == m.counts["selected"] == 176
    assert tuple(m.counts) == COUNT_KEYS  # today's writer keeps the keys, in the same order
    assert m.scorer["judge"] == "s2r:tiny-judge" and m.extra == {}
    assert Manifest.from_json(written) == m == Manifest.from_json(json.loads(written))


def test_round_trip_is_byte_identical(written, tmp_path):
    m = Manifest.from_json(written)
    assert m.to_json() == written
    assert m.save(tmp_path / "manifest.json").read_text(encoding="utf-8") == written
    assert (
        build_manifest(
            options=m.options,
            pool_fingerprint=m.pool_fingerprint,
            scorer_key=m.scorer,
            counts=m.counts,
            selected_ids=m.selected_ids,
            timings=m.timings_s,
        ).keys()
        == json.loads(written).keys()
    )


def test_versions_missing_old_and_newer(written):
    data = json.loads(written)
    del data["manifest_version"]  # the earliest manifests had no version key
    assert Manifest.from_json(data).version == 1
    assert Manifest.from_json(data).to_dict()["manifest_version"] == 1
    data["manifest_version"] = MANIFEST_VERSION + 1
    with pytest.raises(S2RError, match=r"manifest_version 2 is newer .* upgrade s2r_hf"):
        Manifest.from_json(data)
    data["manifest_version"] = "1"
    with pytest.raises(S2RError, match="manifest_version '1'"):
        Manifest.from_json(data)


def test_unknown_keys_are_kept_and_missing_options_take_defaults(written):
    data = json.loads(written)
    data["written_by_a_later_tool"] = {"note": "é ∑ \\boxed{1}"}
    del data["options"]["PoolArguments"]["openr1_trace"]  # an option added after this manifest was written
    data["options"]["PoolArguments"]["retired_option"] = 3  # one removed since
    data["options"]["PoolArguments"]["pool"] = "local:pool.jsonl"  # no validation when reading a record back
    m = Manifest.from_json(data)
    assert m.pool.openr1_trace == "first-verified" and not hasattr(m.pool, "retired_option")
    assert m.pool.pool == "local:pool.jsonl"
    assert json.loads(m.to_json())["written_by_a_later_tool"] == {"note": "é ∑ \\boxed{1}"}
    assert "retired_option" in m.to_dict()["options"]["PoolArguments"]  # the record is re-written as read
    with pytest.raises(S2RError, match="local pool by file name only"):
        materialise(m)


def test_materialise_the_fixture_gives_the_selected_rows_in_order(written, cache_dir):
    data = json.loads(written)
    data["options"]["OutputArguments"]["cache_dir"] = str(cache_dir)
    rows = materialise(Manifest.from_json(data))
    assert list(rows["id"]) == data["selected_ids"]
    assert {"problem", "response", "messages"} <= set(rows.column_names)


def test_dataset_card_reads_a_manifest_or_its_dict_alike(written):
    from s2r_hf.cards.dataset import build_dataset_card

    m = Manifest.from_json(written)
    n = m.counts["scored"]
    selected = np.zeros(n, dtype=bool)
    selected[:176] = True
    kwargs = dict(command="s2r select", columns={"length": np.arange(n)}, selected=selected)
    card = str(build_dataset_card(m, **kwargs))
    assert card == str(build_dataset_card(json.loads(written), **kwargs))
    assert "Select2Reason s2r (ratio 0.1)" in card and "s2r:synthetic-openr1" in card
