"""Chat-shaped pools (s2r_hf.pools.chat): `messages`, ShareGPT `conversations` (Bespoke-Stratos, OpenThoughts,
Light-R1) and TRL prompt/completion rows; first user turn, last assistant turn, malformed turns skipped.
"""

from __future__ import annotations

import pytest

from s2r_hf.configs import PoolArguments
from s2r_hf.pools import load_pool, normalise
from s2r_hf.pools.canonical import problem_id
from s2r_hf.pools.chat import conversations, messages
from tests.unit.pools.rows import (
    REAL_POOLS,
    STRATOS_PROBLEM,
    STRATOS_RESPONSE,
    STRATOS_SYSTEM,
    light_r1_row,
    openthoughts3_row,
    stratos_row,
)


def test_messages_adapter_first_user_last_assistant():
    row = {
        "id": "conv-1",
        "messages": [
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "What is 1+1?"},
            {"role": "assistant", "content": "3"},
            {"role": "user", "content": "Are you sure?"},
            {"role": "assistant", "content": "<think>\nWait.\n</think>\n\n2"},
        ],
        "source": "chat",
    }
    out = messages(row)
    assert (out["id"], out["problem"], out["response"], out["source"]) == (
        "conv-1",
        "What is 1+1?",
        "<think>\nWait.\n</think>\n\n2",
        "chat",
    )
    assert out["messages"] == [
        {"role": "user", "content": "What is 1+1?"},
        {"role": "assistant", "content": "<think>\nWait.\n</think>\n\n2"},
    ]
    assert messages({"messages": row["messages"]})["id"] == problem_id("What is 1+1?")


def test_conversations_adapter_stratos_row():
    out = conversations(stratos_row(3))
    assert out["_drop"] == ""
    assert out["problem"] == f"{STRATOS_PROBLEM} (#3)"  # the system column is not part of the problem
    assert out["response"] == STRATOS_RESPONSE  # reasoning markers kept verbatim
    assert out["id"] == problem_id(f"{STRATOS_PROBLEM} (#3)")
    assert out["messages"] == [
        {"role": "user", "content": f"{STRATOS_PROBLEM} (#3)"},
        {"role": "assistant", "content": STRATOS_RESPONSE},
    ]
    assert (out["answer"], out["problem_type"], out["source"], out["trace_index"]) == ("", "", "", -1)


def test_conversations_adapter_human_gpt_roles_and_metadata():
    row = openthoughts3_row(2)
    out = conversations(row)
    assert out["problem"] == row["conversations"][0]["value"]
    assert out["response"] == row["conversations"][1]["value"]
    assert (out["problem_type"], out["source"]) == ("math", "ai2-adapt-dev/openmath-2-math")
    assert conversations(light_r1_row(0))["response"].startswith("<think>\nOkay, so p = 5")


def test_conversations_adapter_skips_system_unknown_and_malformed_turns():
    row = {
        "id": 17,
        "system": "You are helpful.",
        "conversations": [
            {"from": "system", "value": "Think step by step."},
            "not a turn",
            {"from": "tool", "value": "ignored"},
            {"from": "Human", "value": "Compute $\\binom{5}{2}$."},
            {"from": "gpt", "value": "<think>\n5·4/2\n</think>\n\n10"},
            {"from": "human", "value": "And $\\binom{6}{2}$?"},
            {"from": None, "value": "no role"},
            {"from": "gpt", "value": "<think>\n6·5/2\n</think>\n\n15"},
        ],
    }
    out = conversations(row)
    assert (out["id"], out["problem"], out["response"]) == (
        "17",
        "Compute $\\binom{5}{2}$.",
        "<think>\n6·5/2\n</think>\n\n15",
    )


@pytest.mark.parametrize("adapter", [conversations, messages])
def test_from_value_messages_column(adapter):
    """A `messages` column in ShareGPT keys: the messages adapter (auto-detected) and conversations both read it."""
    row = {"messages": [{"from": "human", "value": "Q ∑"}, {"from": "gpt", "value": "<think>x</think> A"}]}
    out = adapter(row)
    assert (out["_drop"], out["problem"], out["response"]) == ("", "Q ∑", "<think>x</think> A")


def test_conversations_column_wins_over_messages_even_when_null():
    row = {"conversations": None, "messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]}
    out = conversations(row)
    assert (out["_drop"], out["_detail"]) == ("bad_field", "field 'conversations' is missing")


@pytest.mark.parametrize(
    ("row", "detail"),
    [
        (stratos_row(0, conversations=None), "field 'conversations' is missing"),
        ({"system": STRATOS_SYSTEM}, "field 'conversations' is missing"),
        (stratos_row(0, conversations=[]), "field 'conversations' is an empty list"),
        (stratos_row(0, conversations='[{"from": "user"}]'), "field 'conversations' is str, not a list"),
        (stratos_row(0, conversations={"from": "user", "value": "x"}), "field 'conversations' is dict, not a list"),
        (
            stratos_row(0, conversations=[{"from": "system", "value": "s"}, {"from": "assistant", "value": "a"}]),
            "conversations has no non-empty user turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": 42}, {"from": "assistant", "value": "a"}]),
            "conversations: the user turn's content is int, not text",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": "  "}, {"from": "assistant", "value": "a"}]),
            "conversations has no non-empty user turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": "q"}]),
            "conversations has no non-empty assistant turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": "q"}, {"from": "gpt", "value": None}]),
            "conversations has no non-empty assistant turn",
        ),
        (
            stratos_row(0, conversations=[{"from": "user", "value": "q"}, {"from": "bot", "value": "a"}]),
            "conversations has no non-empty assistant turn",
        ),
    ],
)
def test_conversations_bad_fields(row, detail):
    out = conversations(row)
    assert out["_drop"] == "bad_field"
    assert out["_detail"] == detail
    assert out["response"] == "" and out["messages"] == []


@pytest.mark.parametrize(
    ("row", "problem", "response", "detail"),
    [
        ({"prompt": "Q", "completion": "A"}, "Q", "A", ""),
        (
            {
                "prompt": [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}],
                "completion": [{"role": "assistant", "content": "A"}],
            },
            "Q",
            "A",
            "",
        ),
        ({"prompt": "", "completion": "A"}, "", "", "field 'prompt' is empty"),
        ({"prompt": [{"role": "system", "content": "S"}], "completion": "A"}, "", "", "prompt has no non-empty user"),
        ({"prompt": "Q", "completion": None}, "Q", "", "field 'completion' is missing"),
        ({"prompt": "Q", "completion": [{"role": "user", "content": "x"}]}, "Q", "", "completion has no non-empty"),
    ],
)
def test_prompt_completion_adapter(row, problem, response, detail):
    from s2r_hf.pools.chat import prompt_completion

    out = prompt_completion(row)
    assert (out["problem"], out["response"]) == (problem, response) and detail in out["_detail"]
    assert bool(out["_drop"]) is bool(detail)


def test_trl_prompt_completion_from_a_real_card(tmp_path):
    raw = load_pool(PoolArguments(pool=str(REAL_POOLS / "mlx_s1k_11_prompt_completion.parquet")), tmp_path / "c")
    out, _ = normalise(raw)
    assert out["problem"] == ["Q?"] and out["response"] == ["<think>…</think> 128"]
