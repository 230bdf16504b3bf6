"""Reasoning-trace length and rethinking markers (s2r_hf.scoring.length, SPEC §3): chars or tokens of the trace,
row-aligned with the pool, and whole-word, case-insensitive marker counts; on unicode, LaTeX and empty traces."""

from __future__ import annotations

import datasets
import pytest

from s2r_hf.errors import S2RError
from s2r_hf.option_defaults import DEFAULT_RETHINK_MARKERS
from s2r_hf.scoring.length import count_markers, load_length_tokenizer, measure_lengths

TRACES = [
    "<think>\nWait, 令 $y = x^{1/3}$ … \\begin{align} a &= b \\end{align}\n</think>\n\n$\\boxed{\\dfrac{\\pi}{2}}$",
    "",
    "Hmm. WAIT — let me re-check. But wait, await the answer: $\\sum_{k=1}^{n} k^2$ 🚀",
    "Alternatively, we could ... alternatively! Actually no.",
]


@pytest.mark.parametrize(
    ("text", "markers", "expected"),
    [
        ("Wait, wait. WAIT!", ("wait",), 3),  # case-insensitive
        ("await awaiting waiter", ("wait",), 0),  # whole words only
        ("But wait, wait a minute", ("wait", "wait a minute"), 2),  # the longer phrase wins where both match
        ("re-check (re-check)", ("re-check",), 2),  # regex characters are escaped
        ("wait", ("  wait  ", " "), 1),  # markers are stripped; blank ones ignored
        ("wait", (), 0),  # no markers: nothing matches
        ("", ("wait",), 0),
    ],
)
def test_count_markers(text, markers, expected):
    assert count_markers(text, markers) == expected


def test_measure_lengths_in_chars_is_row_aligned_and_narrow():
    ds = datasets.Dataset.from_dict({"id": ["a", "b", "c", "d"], "problem": ["p"] * 4, "response": TRACES})
    out = measure_lengths(ds, unit="chars", markers=["wait", "alternatively"], batch_size=3)
    assert out.column_names == ["length", "rethink_count"]  # only the two result columns are written
    assert out["length"] == [len(t) for t in TRACES]  # code points, not bytes: 令, …, 🚀 count once
    assert out["rethink_count"] == [1, 0, 2, 2]
    assert (out.features["length"].dtype, out.features["rethink_count"].dtype) == ("int64", "int32")
    other = measure_lengths(ds.rename_column("problem", "text"), unit="chars", markers=[], field="text")
    assert other["length"] == [1] * 4 and other["rethink_count"] == [0] * 4


def test_measure_lengths_in_tokens_matches_the_tokenizer(tiny_judge):
    from transformers import AutoTokenizer

    full = AutoTokenizer.from_pretrained(tiny_judge)
    expected = [len(full(t, add_special_tokens=False)["input_ids"]) for t in TRACES]
    assert expected[1] == 0 and max(expected) > len(TRACES[2]) // 4  # not vacuous: real, differing counts
    ds = datasets.Dataset.from_dict({"response": TRACES})
    backend = load_length_tokenizer(str(tiny_judge))
    assert hasattr(backend, "encode_batch_fast")  # the fast path: the tokenizers backend, no offsets
    fast = measure_lengths(ds, unit="tokens", markers=list(DEFAULT_RETHINK_MARKERS), tokenizer=backend)
    slow = measure_lengths(ds, unit="tokens", markers=list(DEFAULT_RETHINK_MARKERS), tokenizer=full)
    assert fast["length"] == slow["length"] == expected


def test_an_unloadable_length_tokenizer_is_one_line_naming_the_fix(tmp_path):
    with pytest.raises(S2RError, match=r"could not load length tokenizer .*--length-unit chars") as err:
        load_length_tokenizer(str(tmp_path / "no-such-tokenizer"))
    assert "\n" not in str(err.value)


def test_a_changed_length_module_does_not_reuse_the_cached_table(tmp_path, monkeypatch):
    """`datasets` fingerprints the map by ``_measure`` alone, not the helpers it calls (``marker_pattern``): the
    module's source hash is in the fingerprint, so an upgraded s2r never serves lengths its old code cached."""
    import json
    import re

    from s2r_hf.scoring import length

    pool = tmp_path / "pool.jsonl"
    pool.write_text("".join(json.dumps({"response": t}) + "\n" for t in TRACES), encoding="utf-8")
    ds = datasets.load_dataset("json", data_files=str(pool), split="train", cache_dir=str(tmp_path / "cache"))
    first = measure_lengths(ds, unit="chars", markers=["wait"])["rethink_count"]
    monkeypatch.setattr(length, "marker_pattern", lambda markers: re.compile(".", re.S))  # a new helper
    assert measure_lengths(ds, unit="chars", markers=["wait"])["rethink_count"] == first  # same code hash: cached
    monkeypatch.setattr(length, "source_version", lambda *names: "another-version")
    assert measure_lengths(ds, unit="chars", markers=["wait"])["rethink_count"] == [len(t) for t in TRACES]
