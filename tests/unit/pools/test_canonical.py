"""Bad-field details (s2r_hf.pools.canonical): every adapter drops a missing, empty or mistyped field with the
one-line detail that names it, so the drop report says what to fix.
"""

from __future__ import annotations

import pytest

from s2r_hf.pools.adapters import (
    alpaca,
    chinese_r1,
    messages,
)
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
