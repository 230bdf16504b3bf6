"""The training rows: load a selected subset, put the reasoning system prompt first, count and handle overlong rows.

Rows in, rows out, no trainer: ``train.py`` hands the result to TRL. The system prompt is
:data:`~s2r_hf.prompts.REASONING_SYSTEM_PROMPT`, the one evaluation uses (SPEC §5: the reference code trained
with one prompt and evaluated with another). Token counts use the same chat template and tokenizer TRL will
tokenize with, so "longer than max_length" here means exactly what TRL would truncate.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from s2r_hf.configs import SubsetArguments
from s2r_hf.errors import S2RError
from s2r_hf.io import source_version
from s2r_hf.local_files import is_pattern
from s2r_hf.manifest import Manifest
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT

logger = logging.getLogger(__name__)

MESSAGES = "messages"
_PROBE = "S2R-PROBE-7f3a"  # assistant content used to find what the chat template writes after it


@dataclass
class SubsetSource:
    """Where the subset came from, for the run record and the model card."""

    name: str
    kind: str  # "selection" (an `s2r select` folder), "local" (files / save_to_disk) or "hub"
    manifest: Manifest | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "kind": self.kind}
        if self.manifest:
            sel = self.manifest.selection
            out.update(
                pool=self.manifest.pool.pool,
                strategy=sel.strategy,
                budget=dict([self.manifest.budget]) if self.manifest.budget else {},
                weight=sel.weight,
                signals=getattr(sel, "signals", None),
                max_train_tokens=sel.max_train_tokens,
                selected=self.manifest.counts.get("selected"),
                pool_fingerprint=self.manifest.pool_fingerprint,
            )
            if self.manifest.ablation:  # an `s2r ablate` folder: the card says what was perturbed
                out["ablation"] = self.manifest.ablation
        return out


@dataclass
class DataReport:
    """What happened to the subset's rows before training: kept, dropped (by reason), truncated, tokens."""

    rows_in: int
    rows_kept: int
    max_length: int
    overlong_policy: str
    overlong: int  # rows longer than max_length, whatever the policy
    truncated: int  # rows cut to max_length (policy 'truncate')
    system_replaced: int  # rows whose own system turn was replaced by the reasoning system prompt
    tokens: int  # training tokens per epoch (after dropping / truncating)
    longest: int  # longest row before truncation
    dropped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_subset(args: SubsetArguments):
    """The subset as a ``datasets.Dataset`` plus where it came from (manifest included for a local selection)."""
    from datasets import load_dataset

    path = Path(args.dataset_name).expanduser()
    if path.is_dir() and (path / "data").is_dir():  # an `s2r select` output folder (or any data/ layout)
        files = sorted(str(p) for p in (path / "data").glob("*.parquet"))
        if not files:
            raise S2RError(f"{path}/data holds no parquet files; is {path} a finished `s2r select` output?")
        manifest_file = path / "manifest.json"
        manifest = Manifest.from_json(manifest_file) if manifest_file.exists() else None
        ds = load_dataset("parquet", data_files=files, split="train")
        source = SubsetSource(str(path), "selection" if manifest else "local", manifest)
    elif path.exists() or is_pattern(path):  # a file, a folder, or a pattern such as data/train-*.parquet
        from s2r_hf.local_files import load_local

        ds = load_local(path, args.dataset_split, what="subset", option="--dataset_split")
        source = SubsetSource(str(path), "local")
    else:
        try:
            ds = load_dataset(
                args.dataset_name, args.dataset_config, split=args.dataset_split, revision=args.dataset_revision
            )
        except Exception as err:
            raise S2RError(
                f"could not load the subset {args.dataset_name!r} (config {args.dataset_config!r}, split "
                f"{args.dataset_split!r}): {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}. "
                "Give an `s2r select` output folder, parquet/jsonl files, or a Hub dataset id you can read"
            ) from err
        source = SubsetSource(args.dataset_name, "hub")
    if MESSAGES not in ds.column_names:
        raise S2RError(
            f"the subset {args.dataset_name} has no {MESSAGES!r} column (columns: {', '.join(ds.column_names)}); "
            "train on the output of `s2r select`, whose rows carry messages = [user, assistant]"
        )
    return ds, source


def with_system_prompt(messages: Any) -> tuple[list[dict[str, str]] | None, str | None, bool]:
    """``[system: REASONING_SYSTEM_PROMPT, *turns]`` with any system turn of the row removed.

    Turns are read as the pool adapters read them (:func:`~s2r_hf.pools.chat.chat_turn`): ``role``/``content`` or
    ShareGPT ``from``/``value``, roles in any case, content as a string or a list of text parts. Returns
    (conversation or None, reason it is unusable or None, whether a system turn was replaced).
    """
    from s2r_hf.pools.chat import ASSISTANT_ROLES, USER_ROLES, chat_turn

    if not isinstance(messages, list) or not messages:
        return None, "no_messages", False
    turns, replaced = [], False
    for m in messages:
        role, content = chat_turn(m)
        if not role or not isinstance(content, str):
            return None, "bad_message", False
        if role == "system":
            replaced = True
            continue
        if not content.strip():
            return None, "empty_turn", False
        role = "user" if role in USER_ROLES else "assistant" if role in ASSISTANT_ROLES else role  # ShareGPT names
        turns.append({"role": role, "content": content})
    if not turns or turns[-1]["role"] != "assistant" or turns[0]["role"] != "user":
        return None, "not_user_then_assistant", replaced
    return [{"role": "system", "content": REASONING_SYSTEM_PROMPT}, *turns], None, replaced


def _format_batch(batch: dict[str, list], tokenizer, template: str | None, code: str = "") -> dict[str, list]:
    convs, reasons, replaced = [], [], []
    for messages in batch[MESSAGES]:
        conv, why, rep = with_system_prompt(messages)
        convs.append(conv)
        reasons.append(why or "")
        replaced.append(rep)
    usable = [c for c in convs if c is not None]
    lengths = iter(token_lengths(tokenizer, usable, template) if usable else [])
    return {
        MESSAGES: [c if c is not None else [] for c in convs],
        "n_tokens": [next(lengths) if c is not None else 0 for c in convs],
        "drop_reason": reasons,
        "system_replaced": replaced,
    }


def token_lengths(tokenizer, conversations: list[list[dict]], template: str | None) -> list[int]:
    """Tokens of each rendered conversation, as TRL tokenizes it (template render, then no added specials)."""
    texts = tokenizer.apply_chat_template(conversations, tokenize=False, chat_template=template)
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is not None and hasattr(backend, "encode_batch_fast"):
        return [len(e.ids) for e in backend.encode_batch_fast(texts, add_special_tokens=False)]
    return [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]


def _count_batch(batch: dict[str, list], tokenizer, template: str | None, code: str = "") -> dict[str, list]:
    convs = [with_system_prompt(m)[0] for m in batch[MESSAGES]]
    usable = [c for c in convs if c is not None]
    lengths = iter(token_lengths(tokenizer, usable, template) if usable else [])
    return {"train_tokens": [next(lengths) if c is not None else -1 for c in convs]}


def render_template(tokenizer) -> str | None:
    """The chat template `s2r train` renders rows with: its training variant, else the tokenizer's own.

    The variants differ from the own template by ``{% generation %}`` markers only, which render to nothing.
    """
    try:
        return training_template(tokenizer)[0]
    except S2RError:
        if tokenizer.chat_template is None:
            raise
        return None


def training_token_counts(ds, tokenizer, *, num_proc: int | None = None, batch_size: int = 256) -> np.ndarray:
    """Training tokens of each row exactly as `s2r train` will count them (``prepare_rows``; TRL tokenizes the same):
    reasoning system prompt + the row's turns in the training chat template. -1 for a row train would drop.

    Reads only ``messages`` and writes one integer column (not a copy of the traces) to the ``datasets`` cache.
    """
    from datasets import Features, Value

    counted = ds.select_columns([MESSAGES]).map(
        _count_batch,
        batched=True,
        batch_size=batch_size,
        fn_kwargs={
            "tokenizer": tokenizer,
            "template": render_template(tokenizer),
            "code": source_version(__name__, "s2r_hf.pools"),
        },
        remove_columns=[MESSAGES],
        features=Features({"train_tokens": Value("int64")}),
        num_proc=num_proc if num_proc and num_proc > 1 else None,
        desc="training tokens (rendered rows)",
    )
    return np.asarray(counted.with_format("numpy")["train_tokens"], dtype=np.int64)


OVER_MAX_TRAIN_TOKENS = "over_max_train_tokens"


def drop_untrainable(ds, tokenizer, max_train_tokens: int | None, *, num_proc: int | None = None):
    """Canonical rows → (rows within ``max_train_tokens``, their training tokens, dropped rows for the report).

    `s2r select` calls this before the budget, so a selected subset is trained on whole (``s2r train`` with
    ``max_length`` = the same N drops nothing); ``max_train_tokens`` None keeps every row and only counts.
    """
    counts = training_token_counts(ds, tokenizer, num_proc=num_proc)
    if max_train_tokens is None:
        return ds, counts, []
    over = np.flatnonzero(counts > max_train_tokens)
    if not len(over):
        return ds, counts, []
    hits = ds.select(over.tolist()).select_columns([c for c in ("id", "pool_row") if c in ds.column_names])
    rows = hits["pool_row"] if "pool_row" in hits.column_names else over.tolist()
    dropped = [
        {
            "row": int(row),
            "id": i,
            "reason": OVER_MAX_TRAIN_TOKENS,
            "detail": f"{int(counts[r])} training tokens > --max-train-tokens {max_train_tokens}",
        }
        for r, i, row in zip(over, hits["id"], rows, strict=True)
    ]
    keep = np.flatnonzero(counts <= max_train_tokens)
    logger.info(
        "dropped %d of %d rows longer than --max-train-tokens %d (rendered for training; longest %d)",
        len(over),
        len(ds),
        max_train_tokens,
        int(counts.max()),
    )
    return ds.select(keep.tolist()), counts[keep], dropped


def prepare_rows(ds, tokenizer, *, template: str | None, max_length: int, overlong: str, num_proc: int | None = None):
    """Rows with the reasoning system prompt first, unusable rows dropped, overlong rows dropped or kept.

    Returns ``(dataset with only 'messages', DataReport)``. Kept overlong rows are truncated later by TRL
    (``truncation_mode: keep_start``), which is why they are reported here.
    """
    n_in = len(ds)
    formatted = ds.map(
        _format_batch,
        batched=True,
        batch_size=256,
        fn_kwargs={"tokenizer": tokenizer, "template": template, "code": source_version(__name__, "s2r_hf.pools")},
        remove_columns=ds.column_names,
        num_proc=num_proc,
        desc="System prompt + token counts",
    )
    table = formatted.select_columns(["n_tokens", "drop_reason", "system_replaced"]).with_format("numpy")[:]
    n_tokens, reason = np.asarray(table["n_tokens"], dtype=np.int64), np.asarray(table["drop_reason"]).astype(str)
    replaced = np.asarray(table["system_replaced"], dtype=bool)
    dropped = {str(r): int((reason == r).sum()) for r in sorted(set(reason.tolist()) - {""})}
    _log_unusable(reason)
    usable = reason == ""
    too_long = usable & (n_tokens > max_length)
    keep = usable & ~too_long if overlong == "drop" else usable
    if too_long.any() and overlong == "drop":
        dropped["overlong"] = int(too_long.sum())
    report = DataReport(
        rows_in=n_in,
        rows_kept=int(keep.sum()),
        max_length=max_length,
        overlong_policy=overlong,
        overlong=int(too_long.sum()),
        truncated=int(too_long.sum()) if overlong == "truncate" else 0,
        system_replaced=int((replaced & keep).sum()),
        tokens=int(np.minimum(n_tokens[keep], max_length).sum()),
        longest=int(n_tokens[usable].max()) if usable.any() else 0,
        dropped=dropped,
    )
    if not keep.any():
        hint = (
            f"the longest usable row has {report.longest} tokens: raise max_length or set overlong: truncate"
            if report.overlong
            else "check that the rows hold messages = [user, assistant]"
        )
        raise S2RError(f"no training rows left out of {n_in} (dropped: {dropped}); {hint}")
    kept = formatted if keep.all() else formatted.select(np.flatnonzero(keep).tolist())
    return kept.select_columns([MESSAGES]), report


def _log_unusable(reason: np.ndarray, show: int = 5) -> None:
    """Name the first unusable rows (row number in the subset, from 0) and why; the counts go in the run record."""
    bad = np.flatnonzero(reason != "")
    if len(bad):
        shown = "; ".join(f"row {int(r)}: {reason[r]}" for r in bad[:show])
        more = f"; and {len(bad) - show} more" if len(bad) > show else ""
        logger.warning("dropping %d subset row(s) that cannot be trained on: %s%s", len(bad), shown, more)


def log_report(report: DataReport) -> None:
    logger.info(
        "subset: %d rows in, %d kept, %d training tokens per epoch; dropped %s; %d longer than max_length %d "
        "(longest %d, policy %r); %d own system turns replaced by the reasoning prompt",
        report.rows_in,
        report.rows_kept,
        report.tokens,
        report.dropped or "none",
        report.overlong,
        report.max_length,
        report.longest,
        report.overlong_policy,
        report.system_replaced,
    )
    if report.truncated:
        logger.warning(
            "%d of %d rows are longer than max_length %d and will be TRUNCATED: their trace loses its end, "
            "usually the final \\boxed{} answer and the end-of-turn token, so the model sees solutions that never "
            "finish. Prefer overlong: drop, or raise max_length.",
            report.truncated,
            report.rows_kept,
            report.max_length,
        )


# --------------------------------------------------------------------------------------------------
# Chat template and end-of-turn token
# --------------------------------------------------------------------------------------------------


def training_template(tokenizer) -> tuple[str | None, str]:
    """A chat template with ``{% generation %}`` markers for assistant-only loss, and where it came from.

    Returns ``(None, "tokenizer")`` when the tokenizer's own template has the markers; else TRL's training
    variant of a known template; else the ChatML template with markers, but only if it renders our
    [system, user, assistant] rows exactly as the model's own template does.
    """
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers

    from s2r_hf.chat_templates import CHATML_TEMPLATE

    own = tokenizer.chat_template
    if own is None:
        raise S2RError(
            "the tokenizer has no chat template; train an instruct model (e.g. Qwen/Qwen2.5-7B-Instruct) or set "
            "chat_template_path to a .jinja file with {% generation %} markers"
        )
    if has_generation_markers(own):
        return None, "tokenizer"
    try:
        patched = get_training_chat_template(tokenizer)
    except ValueError:
        patched = None
    if patched is not None:
        return patched, "trl"
    probe = [
        {"role": "system", "content": REASONING_SYSTEM_PROMPT},
        {"role": "user", "content": "What is 1 + 1?"},
        {"role": "assistant", "content": "2"},
    ]
    if tokenizer.apply_chat_template(probe, tokenize=False) != tokenizer.apply_chat_template(
        probe, tokenize=False, chat_template=CHATML_TEMPLATE
    ):
        raise S2RError(
            "the model's chat template has no {% generation %} markers, TRL has no training variant of it, and it "
            "does not render like ChatML; set chat_template_path to a .jinja copy of it with the assistant turn "
            "wrapped in {% generation %}...{% endgeneration %}"
        )
    return CHATML_TEMPLATE, "chatml"


def end_of_turn_token(tokenizer, template: str | None) -> str:
    """The special token the chat template writes right after an assistant message (``<|im_end|>`` for ChatML)."""
    conv = [{"role": "user", "content": "Q"}, {"role": "assistant", "content": _PROBE}]
    text = tokenizer.apply_chat_template(conv, tokenize=False, chat_template=template)
    after = text.split(_PROBE, 1)[1]
    special = {t for t in tokenizer.get_added_vocab() if t in after}
    first = min(special, key=after.index) if special else None
    if first is None or after[: after.index(first)].strip():
        raise S2RError(
            f"the chat template writes {after[:30]!r} after an assistant message, not a special end-of-turn token; "
            "the model could not learn to stop. Use a chat model whose template closes turns with a token such as "
            "<|im_end|>"
        )
    return first
