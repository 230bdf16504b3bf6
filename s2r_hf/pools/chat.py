"""Adapters for conversational pools: ``messages`` / ``conversations`` turns in either key style, and TRL's
prompt-completion format. The first user turn is the problem, the last assistant turn the response."""

from __future__ import annotations

from typing import Any

from s2r_hf.pools.canonical import (
    BAD_FIELD,
    Row,
    canonical_row,
    describe_field,
    drop_bad_field,
    first_text,
    opt_text,
    own_id,
    present_column,
    resolve_id,
)

USER_ROLES = frozenset({"user", "human"})
ASSISTANT_ROLES = frozenset({"assistant", "gpt"})
# A row with several user turns keeps the first question and the LAST answer (which may answer a follow-up):
# counted in the manifest's normalise_notes so a multi-turn pool is visible.
MULTI_TURN = "multi_turn_first_user_last_assistant"


def content_text(content: Any) -> str | None:
    """A turn's content as text: a string, or a list of text parts (``[{"type": "text", "text": …}]``, the
    OpenAI / multimodal chat form) joined; None for anything else (a number, a dict, an image part)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and content:
        parts = [p.get("text") if isinstance(p, dict) and p.get("type", "text") == "text" else p for p in content]
        if all(isinstance(p, str) for p in parts):
            return "".join(parts)
    return None


def chat_turn(turn: Any) -> tuple[str, Any]:
    """(role, content) of one chat turn in either key style: ``role``/``content`` or ShareGPT ``from``/``value``.

    The role is lower-cased; a turn that is not a dict, or has no role, gets role ``""`` (ignored, like
    ``system`` and unknown roles such as ``tool``). Text content (:func:`content_text`) comes back as a string;
    other content as it is, so a drop can name its type.
    """
    if not isinstance(turn, dict):
        return "", None
    role = turn.get("role") if turn.get("role") is not None else turn.get("from")
    raw = turn.get("content") if turn.get("content") is not None else turn.get("value")
    text = content_text(raw)
    return (role.strip().lower() if isinstance(role, str) else ""), (raw if text is None else text)


def _no_text(name: str, role: str, texts: list[Any]) -> str:
    """Why a conversation has no usable ``role`` turn: none or an empty one, or one whose content is not text."""
    if not texts or texts[0] is None or isinstance(texts[0], str):
        return f"{name} has no non-empty {role} turn"
    return f"{name}: the {role} turn's content is {type(texts[0]).__name__}, not text"


def _chat(row: Row, names: tuple[str, ...]) -> Row:
    """First user turn → problem, last assistant turn → response, from the first of ``names`` the row has.

    Both key styles and role names are accepted (``user``/``human``, ``assistant``/``gpt``); ``system`` and
    unknown roles are skipped. A top-level ``system`` column (ShareGPT pools) is not part of the problem.
    """
    name = present_column(row, names) or names[0]
    given_id = own_id(row)
    conv = row.get(name)
    if not isinstance(conv, list) or not conv:
        return drop_bad_field(row, name, given_id, list)
    turns = [chat_turn(t) for t in conv]
    users = [text for role, text in turns if role in USER_ROLES]
    assistants = [text for role, text in turns if role in ASSISTANT_ROLES]
    problem = users[0] if users and isinstance(users[0], str) and users[0].strip() else None
    if problem is None:
        return canonical_row(given_id, "", "", drop=BAD_FIELD, detail=_no_text(name, "user", users[:1]))
    row_id = resolve_id(row, problem, "id", "uuid")
    response = assistants[-1] if assistants and isinstance(assistants[-1], str) and assistants[-1].strip() else None
    if response is None:
        return canonical_row(row_id, problem, "", drop=BAD_FIELD, detail=_no_text(name, "assistant", assistants[-1:]))
    return canonical_row(
        row_id,
        problem,
        response,
        answer=opt_text(row, "answer"),
        problem_type=first_text(row, "problem_type", "domain"),
        source=opt_text(row, "source"),
        note=MULTI_TURN if len(users) > 1 else "",
    )


def messages(row: Row) -> Row:
    """Any conversational pool: the first user turn is the problem, the last assistant turn the response.

    Turns are ``role``/``content`` dicts, or ShareGPT ``from``/``value`` ones (``human``/``gpt`` roles too).
    """
    return _chat(row, ("messages",))


def conversations(row: Row) -> Row:
    """ShareGPT-style pools: ``conversations`` of ``{"from", "value"}`` turns, plus an optional ``system`` column.

    Bespoke-Stratos-17k, OpenThoughts-114k (default config), OpenThoughts3-1.2M, Light-R1-SFTData.
    The first user (``user``/``human``) turn is the problem and the last assistant (``assistant``/``gpt``) turn
    the response, kept verbatim with its reasoning (``<|begin_of_thought|>…`` or ``<think>…``); ``system`` turns,
    the ``system`` column and unknown roles are ignored. A row without ``conversations`` falls back to a
    ``messages`` column in either key style.
    """
    return _chat(row, ("conversations", "messages"))


def _side(value: Any, roles: frozenset[str], pick: int) -> str | None:
    """A prompt/completion side as text: the string itself, or the ``pick`` (0 first, -1 last) turn of ``roles``
    in a conversational list."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, list):
        texts = [text for role, text in map(chat_turn, value) if role in roles]
        if texts and isinstance(texts[pick], str) and texts[pick].strip():
            return texts[pick]
    return None


def prompt_completion(row: Row) -> Row:
    """TRL's prompt-completion format (e.g. mlx-community/s1K-1.1): ``prompt`` → ``completion``, each a string or,
    in TRL's conversational form, a list of turns (the first user turn of the prompt is the problem; the last
    assistant turn of the completion the response)."""
    given_id = own_id(row)
    problem = _side(row.get("prompt"), USER_ROLES, 0)
    if problem is None:
        return canonical_row(given_id, "", "", drop=BAD_FIELD, detail=_describe_side(row, "prompt", "user"))
    row_id = resolve_id(row, problem, "id", "uuid")
    response = _side(row.get("completion"), ASSISTANT_ROLES, -1)
    if response is None:
        return canonical_row(row_id, problem, "", drop=BAD_FIELD, detail=_describe_side(row, "completion", "assistant"))
    return canonical_row(row_id, problem, response, answer=opt_text(row, "answer"), source=opt_text(row, "source"))


def _describe_side(row: Row, name: str, role: str) -> str:
    if isinstance(row.get(name), list):
        return f"{name} has no non-empty {role} turn"
    return describe_field(row, name)
