"""Hostile rows in each real long-CoT schema through load → normalise (SPEC §1): the question, trace, answer and
token count are the ones the row holds, byte for byte; unusable rows are dropped with a reason naming the field.

Schemas: OpenR1-Math-220k, Bespoke-Stratos / OpenThoughts ``conversations``, LIMO, s1K, NuminaMath-CoT
(problem/solution/messages) and plain ``messages``; rows are written to jsonl and read as a user's file is.
"""

from __future__ import annotations

import importlib
import logging

import pytest

from s2r_hf.configs import PoolArguments
from s2r_hf.errors import S2RError
from s2r_hf.pools import load_pool, normalise
from s2r_hf.pools.adapters import ADAPTERS, think_response
from s2r_hf.pools.chat import content_text
from s2r_hf.pools.normalise import REPEATED_PROBLEM
from tests.unit.pools.rows import limo_row, openr1_row, s1k_row, stratos_row, write_jsonl

# right-to-left text with an override, emoji, zero-width joiner/space, a BOM inside, `$`, an escaped `\$`, nested
# \boxed{} and a trailing tab: nothing may be stripped, normalised or re-encoded
PROBLEM = (
    "מהו $x$ אם \u202e3x = 6\u202c? 🚀👩\u200d👩\u200d👧 zero\u200bwidth \ufeff — "
    "costs \\$5; $\\boxed{\\frac{\\boxed{1}}{2}}$\t"
)
LONG = (
    "<think>\n" + "Wait, 等一下 — $\\sqrt{2}$ ≈ 1.414… " * 6_000 + "\n</think>\n\n$\\boxed{\\boxed{2}}$"
)  # ~200k chars


def numina_row(problem: str, solution: str) -> dict:
    """AI-MO/NuminaMath-CoT: source, problem, solution, messages = [user problem, assistant solution]."""
    messages = [{"role": "user", "content": problem}, {"role": "assistant", "content": solution}]
    return {"source": "cn_k12", "problem": problem, "solution": solution, "messages": messages}


def chat_row(problem: str, response: str) -> dict:
    system = {"role": "system", "content": "Reason step by step."}
    return {"messages": [system, {"role": "user", "content": problem}, {"role": "assistant", "content": response}]}


SCHEMAS = {  # name: (row holding PROBLEM and LONG, the format detected, the response the row must yield, answer)
    "openr1": (openr1_row(0, problem=PROBLEM, generations=[LONG, "x"], answer="2"), "openr1", LONG, "2"),
    "conversations": (
        stratos_row(0, conversations=[{"from": "user", "value": PROBLEM}, {"from": "assistant", "value": LONG}]),
        "conversations",
        LONG,
        "",
    ),
    "limo": (limo_row(0, question=PROBLEM, solution=LONG, answer="2"), "problem_solution", LONG, "2"),
    "s1k": (
        s1k_row(0, question=PROBLEM, thinking_trajectories=[LONG], attempt="$\\boxed{2}$"),
        "s1k",
        think_response(LONG, "$\\boxed{2}$"),
        "",
    ),
    "numina": (numina_row(PROBLEM, LONG), "messages", LONG, ""),
    "messages": (chat_row(PROBLEM, LONG), "messages", LONG, ""),
}


def _normalised(tmp_path, rows: list[dict], **kw):
    tmp_path.mkdir(parents=True, exist_ok=True)
    pool = write_jsonl(tmp_path / "pool.jsonl", rows)
    raw = load_pool(PoolArguments(pool=str(pool)), tmp_path / "cache")
    return normalise(raw, **kw)


@pytest.mark.parametrize("schema", list(SCHEMAS))
def test_hostile_text_survives_every_schema(tmp_path, schema, caplog):
    row, fmt, response, answer = SCHEMAS[schema]
    with caplog.at_level(logging.INFO, logger="s2r_hf.pools.normalise"):
        out, report = _normalised(tmp_path, [row])
    assert f"pool format: {fmt}" in caplog.text
    assert report.counts == {} and len(out) == 1
    got = out[0]
    assert got["problem"] == PROBLEM and got["response"] == response and got["answer"] == answer
    assert got["messages"] == [{"role": "user", "content": PROBLEM}, {"role": "assistant", "content": response}]


def test_token_counts_of_hostile_traces_are_the_tokenizers(tmp_path, tiny_judge):
    from transformers import AutoTokenizer

    from s2r_hf.scoring.length import load_length_tokenizer, measure_lengths

    rows = [SCHEMAS["messages"][0], chat_row("q", PROBLEM), chat_row("r", "\u200b"), chat_row("s", "🚀" * 3)]
    out, _ = _normalised(tmp_path, rows)
    lengths = measure_lengths(out, unit="tokens", markers=["wait"], tokenizer=load_length_tokenizer(str(tiny_judge)))
    tok = AutoTokenizer.from_pretrained(tiny_judge)
    expected = [len(tok(r, add_special_tokens=False)["input_ids"]) for r in out["response"]]
    assert lengths["length"] == expected and expected[0] > 100_000 and min(expected) >= 1
    assert lengths["rethink_count"][0] == 6_000  # "Wait" once per repeat, case-insensitively


@pytest.mark.parametrize(
    ("flags", "chosen"),
    [
        (["false", "true"], 1),  # a str-typed export: "false" must not count as correct
        (["False", "TRUE"], 1),
        ([0, 1], 1),
        ([None, True], 1),
        ([float("nan"), 1.0], 1),  # pandas' missing value is not a True flag
        (["true", "false"], 0),
    ],
)
def test_openr1_flags_written_as_text_or_numbers(flags, chosen):
    out = ADAPTERS["openr1"](openr1_row(0, correctness_math_verify=flags, correctness_llama=None))
    assert (out["_drop"], out["trace_index"]) == ("", chosen)
    assert out["response"] == openr1_row(0)["generations"][chosen]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (
            {"generations": ["g0"], "correctness_math_verify": [False, True], "correctness_llama": None},
            "correctness_math_verify has 2 flags for 1",
        ),
        ({"correctness_math_verify": [False], "correctness_llama": None}, "correctness_math_verify has 1 flags for 2"),
        ({"correctness_math_verify": "yes", "correctness_llama": None}, "correctness_math_verify is str, not a list"),
        ({"correctness_math_verify": ["maybe", "no"], "correctness_llama": None}, "holds text that is not true/false"),
    ],
)
def test_unverified_rows_name_mismatched_flags(overrides, named):
    out = ADAPTERS["openr1"](openr1_row(0, **overrides))
    assert out["_drop"] == "no_verified_trace" and named in out["_detail"]
    assert out["_detail"].startswith("no trace marked correct")


def test_chat_content_as_text_parts():
    parts = [{"type": "text", "text": "Solve "}, {"type": "text", "text": PROBLEM}]
    row = {"messages": [{"role": "User", "content": parts}, {"role": "assistant", "content": [{"text": LONG}]}]}
    out = ADAPTERS["messages"](row)
    assert out["_drop"] == "" and out["problem"] == "Solve " + PROBLEM and out["response"] == LONG
    assert content_text([{"type": "image", "url": "x.png"}]) is None and content_text(7) is None


@pytest.mark.parametrize(
    ("turns", "detail"),
    [
        (
            [{"role": "user", "content": {"text": "q"}}, {"role": "assistant", "content": "a"}],
            "user turn's content is dict",
        ),
        ([{"role": "user", "content": "q"}, {"role": "assistant", "content": 7}], "assistant turn's content is int"),
        ([{"role": "user", "content": "q"}, {"role": "assistant", "content": [{"type": "image"}]}], "content is list"),
        ([{"role": "system", "content": "s"}], "no non-empty user turn"),
        ([{"role": "user", "content": "q"}], "no non-empty assistant turn"),
    ],
)
def test_non_text_turns_name_their_type(turns, detail):
    out = ADAPTERS["messages"]({"messages": turns})
    assert out["_drop"] == "bad_field" and detail in out["_detail"]


def test_every_row_dropped_names_the_first_and_the_fix(tmp_path):
    wrong = [openr1_row(i, correctness_math_verify=[False, False], correctness_llama=[False, False]) for i in range(3)]
    with pytest.raises(S2RError, match=r"row 0 \(id uuid-0\): no trace marked correct; .*correctness_math_verify"):
        _normalised(tmp_path / "a", wrong)
    incomplete = [
        openr1_row(i, is_reasoning_complete=[False, True], correctness_math_verify=[True, True]) for i in range(2)
    ]
    with pytest.raises(S2RError, match=r"is_reasoning_complete=false.*to take a later verified, complete trace$"):
        _normalised(tmp_path / "b", incomplete)
    with pytest.raises(S2RError, match=r"row 0 \(id uuid-0\): field 'problem' is dict, not a string; check --pool"):
        _normalised(tmp_path / "c", [openr1_row(0, problem={"text": "q"})])


def test_repeated_problems_under_other_ids_are_counted(tmp_path, caplog):
    rows = [openr1_row(0), openr1_row(0, uuid="again"), openr1_row(1), openr1_row(1, uuid="uuid-1")]
    with caplog.at_level(logging.WARNING):
        out, report = _normalised(tmp_path, rows)
    assert len(out) == 3 and report.counts == {"duplicate_id": 1} and report.notes == {REPEATED_PROBLEM: 1}
    assert "1 kept pool row(s) repeat an earlier row's problem" in caplog.text


def test_a_changed_adapter_does_not_reuse_the_cached_table(tmp_path, monkeypatch):
    """`datasets` fingerprints the map by ``_apply`` alone: the adapters' source hash must be in it."""
    module = importlib.import_module("s2r_hf.pools.normalise")  # the package re-exports the function's name

    pool = write_jsonl(tmp_path / "pool.jsonl", [openr1_row(i) for i in range(3)])
    raw = load_pool(PoolArguments(pool=str(pool)), tmp_path / "cache")
    first, _ = normalise(raw)
    original = ADAPTERS["openr1"]
    monkeypatch.setitem(ADAPTERS, "openr1", lambda row, **kw: {**original(row, **kw), "answer": "changed"})
    monkeypatch.setattr(module, "source_version", lambda *names: "another-version")
    second, _ = normalise(raw)
    assert set(first["answer"]) != {"changed"} and set(second["answer"]) == {"changed"}


def test_multi_turn_rows_are_counted(tmp_path):
    """First question + last answer (the documented pairing) is visible in the notes, not silent."""
    from s2r_hf.pools.chat import MULTI_TURN

    multi = chat_row("q1", "a1")
    multi["messages"] += [{"role": "user", "content": "Are you sure?"}, {"role": "assistant", "content": "a2"}]
    out, report = _normalised(tmp_path, [multi, chat_row("q2", "b")])
    assert list(out["response"]) == ["a2", "b"] and report.notes == {MULTI_TURN: 1}
