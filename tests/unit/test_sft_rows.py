"""Training rows from hostile subsets (s2r_hf.sft_data): turns are read the way the pool adapters read them, and
a row that cannot be trained on is dropped with a reason (counted in the run record, named in a warning), never
trained on with an empty answer."""

from __future__ import annotations

import json
import logging

import pytest

from s2r_hf.prompts import REASONING_SYSTEM_PROMPT
from s2r_hf.sft_data import prepare_rows, with_system_prompt

QA = [{"role": "user", "content": "Q 🚀 $\\$5$"}, {"role": "assistant", "content": "<think>…</think> \\boxed{5}"}]


@pytest.mark.parametrize(
    ("messages", "reason"),
    [
        ([{"from": "human", "value": QA[0]["content"]}, {"from": "gpt", "value": QA[1]["content"]}], None),
        ([{"role": "User", "content": QA[0]["content"]}, {"role": "ASSISTANT", "content": QA[1]["content"]}], None),
        ([{"role": "user", "content": [{"type": "text", "text": QA[0]["content"]}]}, QA[1]], None),
        ([QA[0], {"role": "assistant", "content": ""}], "empty_turn"),
        ([{"role": "user", "content": " \n"}, QA[1]], "empty_turn"),
        ([QA[0], {"role": "assistant", "content": 5}], "bad_message"),
        ([QA[0], {"role": "assistant", "content": [{"type": "image"}]}], "bad_message"),
        ([{"content": "no role"}, QA[1]], "bad_message"),
        ([{"role": "system", "content": "only a system turn"}], "not_user_then_assistant"),
        ([QA[0]], "not_user_then_assistant"),
        ("[not, a, list]", "no_messages"),
    ],
)
def test_turns_read_like_the_pool_adapters(messages, reason):
    conv, why, _ = with_system_prompt(messages)
    assert why == reason
    if reason is None:
        assert conv == [{"role": "system", "content": REASONING_SYSTEM_PROMPT}, *QA]


def test_unusable_rows_are_named_and_counted(tiny_judge, tmp_path, caplog):
    from datasets import load_dataset
    from transformers import AutoTokenizer

    rows = [
        {"messages": [QA[0], {"role": "assistant", "content": "  "}]},
        {"messages": QA},
        {"messages": [{"role": "system", "content": "s"}]},
        {"messages": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
    ]
    path = tmp_path / "subset.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    ds = load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache"))
    with caplog.at_level(logging.WARNING, logger="s2r_hf.sft_data"):
        kept, report = prepare_rows(
            ds, AutoTokenizer.from_pretrained(tiny_judge), template=None, max_length=512, overlong="drop"
        )
    assert report.rows_kept == 2 and report.dropped == {"empty_turn": 1, "not_user_then_assistant": 1}
    assert "row 0: empty_turn; row 2: not_user_then_assistant" in caplog.text
    assert kept["messages"][1][1:] == [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
