"""The shared canonical-row helpers (s2r_hf.pools.canonical): the one-line detail of a missing, empty or mistyped
field, which every adapter drops with so the drop report says what to fix; hash ids for rows without one.
"""

from __future__ import annotations

import hashlib

import pytest

from s2r_hf.pools.canonical import BAD_FIELD, describe_field, drop_bad_field, field_text, problem_id, text_hash
from s2r_hf.pools.chat import messages
from s2r_hf.pools.columns import alpaca, chinese_r1
from tests.unit.pools.rows import (
    chinese_row,
    without,
)


@pytest.mark.parametrize(
    ("adapter", "row", "detail"),
    [
        (chinese_r1, chinese_row(0, input=None), "field 'input' is missing"),
        (chinese_r1, chinese_row(0, input=42), "field 'input' is int, not a string"),
        (chinese_r1, chinese_row(0, reasoning_content=""), "field 'reasoning_content' is empty"),
        (chinese_r1, without(chinese_row(0), "content"), "field 'content' is missing"),
        (alpaca, {"instruction": None, "input": "", "output": "x"}, "field 'instruction' is missing"),
        (alpaca, {"instruction": "Add.", "input": "", "output": 3.5}, "field 'output' is float, not a string"),
        (messages, {"messages": None}, "field 'messages' is missing"),
        (messages, {"messages": []}, "field 'messages' is an empty list"),
        (messages, {"messages": "user: hi"}, "field 'messages' is str, not a list"),
        (messages, {"messages": [{"role": "assistant", "content": "x"}]}, "messages has no non-empty user turn"),
        (messages, {"messages": [{"role": "user", "content": "q"}]}, "messages has no non-empty assistant turn"),
        (
            messages,
            {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": None}]},
            "messages has no non-empty assistant turn",
        ),
    ],
)
def test_other_adapters_bad_fields(adapter, row, detail):
    out = adapter(row)
    assert out["_drop"] == "bad_field"
    assert out["_detail"] == detail


def test_describe_field_text_and_ids_directly():
    """The shared helpers themselves, on unicode and LaTeX: what every adapter's detail and hash id come from."""
    assert describe_field({}, "problem") == describe_field({"problem": None}, "problem") == "field 'problem' is missing"
    assert describe_field({"problem": " \n\t"}, "problem") == "field 'problem' is empty"
    assert describe_field({"problem": 3}, "problem") == "field 'problem' is int, not a string"
    assert describe_field({"generations": []}, "generations", list) == "field 'generations' is an empty list"
    assert describe_field({"generations": "x"}, "generations", list) == "field 'generations' is str, not a list"
    assert field_text({"problem": " \n"}, "problem") is None and field_text({"problem": 1}, "problem") is None
    assert field_text({"problem": "设 $\\frac{1}{2}$ ∑"}, "problem") == "设 $\\frac{1}{2}$ ∑"
    problem = "求 $\\sqrt[3]{x}$ — Ünïcödé"
    assert problem_id(problem) == "sha1-" + hashlib.sha1(problem.encode("utf-8")).hexdigest()[:20]
    assert len(text_hash(problem)) == 16 and text_hash(problem) != text_hash(problem + " ")  # an edit re-scores
    dropped = drop_bad_field({"problem": ["Q"]}, "problem", "row-7")
    assert (dropped["id"], dropped["_drop"]) == ("row-7", BAD_FIELD)
    assert dropped["_detail"] == "field 'problem' is list, not a string"
    assert dropped["problem"] == dropped["response"] == ""
