"""`s2r ablate`: perturb a selected subset's reasoning traces into a new selection folder.

    s2r ablate out/s2r10 --transform shuffle_steps --seed 0 --output-dir out/s2r10-shuffled
    s2r train --config recipes/tiny-qwen2/sft/config_demo.yaml --dataset_name out/s2r10-shuffled

Reads a finished `s2r select` folder, applies one transform of :mod:`s2r_hf.ablate.transforms` to every trace
column (``response`` and the assistant turns of ``messages``, identically) with ``datasets.map``, and writes the
same layout: ``data/`` shard, the source's side files (scores, dropped rows, plot, config) copied as they are, a
card saying it is an ablation, and ``manifest.json`` = the source manifest + an ``ablation`` record (last: its
presence marks a complete output). Rows a transform cannot change (no ``<think>`` block, no boxed answer, ...) are
kept unchanged and counted by reason, so the ablated set keeps the selection's rows and ids.
"""

from __future__ import annotations

import logging
import random
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from s2r_hf.ablate.options import AblateArguments, parse_ablate
from s2r_hf.ablate.transforms import TRANSFORMS, answer_pool, final_answer, marker_pattern
from s2r_hf.errors import S2RError
from s2r_hf.io import source_version
from s2r_hf.manifest import Manifest
from s2r_hf.selection_files import Layout

logger = logging.getLogger("s2r_hf")

STATUS = "_ablation"  # per row: "" when changed, else why not (dropped before writing)
TRACE_COLUMNS = ("response", "messages")
SIDE_FILES = ("scores.parquet", "dropped.parquet", "scores.png", "config.yaml")
DESCRIPTIONS = {
    "shuffle_steps": "the chosen paragraphs of each <think> block were permuted among their positions (the final "
    "solution after </think> untouched).",
    "delete_steps": "the chosen paragraphs of each <think> block were deleted (the final solution untouched).",
    "truncate": "the last paragraphs of each <think> block were cut, the block closed, the final solution kept.",
    "wrong_answers": "the final \\boxed{} answer of each trace was replaced by another row's different answer "
    "(the `answer` column still holds the reference answer).",
    "remove_keywords": "the rethinking markers were removed from each trace.",
}


def load_source(source: str):
    """(rows, manifest, layout) of a finished `s2r select` folder or a Hub dataset repo it pushed
    (``owner/name[:CONFIG]``: the config's manifest, shards, side files and the card are downloaded, nothing else)."""
    from datasets import load_dataset

    from s2r_hf.selection_files import locate, parquet_schema, read_manifest

    layout = locate(source, "--source")  # a folder with manifest.json, or a repo's manifest; else one line
    where = f"dataset repo {source!r}" if layout.repo else f"--source {source}"
    manifest = read_manifest(layout, "--source")
    if manifest.ablation:
        raise S2RError(
            f"{where} is already an ablation ({manifest.ablation.get('transform')} of "
            f"{manifest.ablation.get('source')}); ablate the original selection"
        )
    if layout.repo is not None:
        layout.fetch([layout.data, *layout.side.values(), "README.md"])
    shards = [str(p) for p in layout.shards()]
    if not shards:
        raise S2RError(
            f"{where} holds {layout.manifest} but no subset shard ({layout.data}), so it is no finished `s2r select` "
            "output; run `s2r select` (or the push) again"
        )
    for shard in shards:  # footers only: a broken file is one line, before datasets builds anything
        parquet_schema(shard)
    rows = load_dataset("parquet", data_files=shards, split="train")
    if not any(c in rows.column_names for c in TRACE_COLUMNS):
        raise S2RError(f"{where} has no trace column ({' or '.join(TRACE_COLUMNS)}); nothing to ablate")
    return rows, manifest, layout


def transform_kwargs(args: AblateArguments, rows) -> dict[str, Any]:
    """Extra inputs of a transform: the answer pool of ``wrong_answers`` (from every row, so a row's draw does
    not depend on its batch), the compiled markers of ``remove_keywords``."""
    if args.transform == "wrong_answers":
        column = "response" if "response" in rows.column_names else "messages"
        texts = (t if isinstance(t, str) else _assistant_text(t) for t in rows[column])
        return {"pool": answer_pool([final_answer(t) if isinstance(t, str) else None for t in texts])}
    if args.transform == "remove_keywords":
        return {"pattern": marker_pattern(args.markers)}
    return {}


def _assistant_text(messages) -> str | None:
    turns = [m.get("content") for m in messages or [] if isinstance(m, dict) and m.get("role") == "assistant"]
    return turns[-1] if turns and isinstance(turns[-1], str) else None


def _ablate_batch(batch: dict[str, list], indices: list[int], *, transform: str, seed: int, fraction, kwargs, code=""):
    """One ``datasets.map`` batch: each row's traces through the transform with an rng seeded by (seed, row id)."""
    from s2r_hf.scoring.passrate import row_seed

    fn = TRANSFORMS[transform]
    out: dict[str, list] = {c: [] for c in TRACE_COLUMNS if c in batch}
    out[STATUS] = []
    ids = batch.get("id") or [f"row-{i}" for i in indices]

    def apply(text, row_seed_value):
        if not isinstance(text, str):
            return text, "no_text"
        return fn(text, random.Random(row_seed_value), fraction, **kwargs)

    for i, row_id in enumerate(ids):
        value = row_seed(seed, str(row_id))
        status = None
        if "messages" in batch:
            turns = batch["messages"][i]
            if isinstance(turns, list):  # anything else (None) is written back as it was
                turns = list(turns)
                for t, m in enumerate(turns):
                    if isinstance(m, dict) and m.get("role") == "assistant":
                        content, status = apply(m.get("content"), value)
                        turns[t] = {**m, "content": content}
            out["messages"].append(turns)
        if "response" in batch:  # the reason of the response wins: it is the trace the card counts
            new, status = apply(batch["response"][i], value)
            out["response"].append(new)
        out[STATUS].append(status or "")
    return out


def ablate_rows(rows, args: AblateArguments, kwargs: dict[str, Any]):
    """(ablated rows without the status column, counts): ``changed``, ``unchanged`` and why, ``rows``."""
    from datasets import Features, Value

    features = Features({**rows.features, STATUS: Value("string")})
    mapped = rows.map(
        _ablate_batch,
        batched=True,
        batch_size=256,
        with_indices=True,
        fn_kwargs={
            "transform": args.transform,
            "seed": args.seed,
            "fraction": args.fraction,
            "kwargs": kwargs,
            "code": source_version("s2r_hf.ablate", "s2r_hf.scoring.passrate"),  # not only this function
        },
        features=features,
        num_proc=args.num_proc if args.num_proc and args.num_proc > 1 else None,
        desc=f"ablate: {args.transform}",
    )
    reasons = Counter(str(s) for s in mapped.data.column(STATUS).to_pylist())
    changed = reasons.pop("", 0)
    counts = {
        "rows": len(mapped),
        "changed": changed,
        "unchanged": sum(reasons.values()),
        "unchanged_reasons": dict(sorted(reasons.items())),
    }
    return mapped.remove_columns([STATUS]), counts


def equivalent_command(args: AblateArguments) -> str:
    from s2r_hf.manifest import public_path

    parts = ["s2r ablate", str(public_path(args.source)), "--transform", args.transform, "--seed", str(args.seed)]
    if args.fraction is not None:
        parts += ["--fraction", str(args.fraction)]
    if args.markers is not None and args.transform == "remove_keywords":
        from s2r_hf.option_defaults import DEFAULT_RETHINK_MARKERS

        if list(args.markers) != list(DEFAULT_RETHINK_MARKERS):
            parts += ["--markers", *(f"'{m}'" for m in args.markers)]
    return " ".join([*parts, "--output-dir", str(public_path(args.output_dir))])


def write_ablation(out: Path, ablated, source: Layout, manifest: Manifest, args: AblateArguments, counts) -> Manifest:
    """Every output file; ``manifest.json`` last. ``source``: where the selection's side files and card lie."""
    from s2r_hf.cards.dataset import ablation_card, split_info
    from s2r_hf.io import atomic_to_parquet, atomic_write_text, temp_path
    from s2r_hf.manifest import public_path
    from s2r_hf.selection.write import DATA_FILE
    from s2r_hf.selection_files import card_text

    data_file = atomic_to_parquet(ablated, out / DATA_FILE)
    for name in SIDE_FILES:
        if (source.root / source.side[name]).is_file():
            tmp = temp_path(out / name)
            shutil.copyfile(source.root / source.side[name], tmp)
            tmp.replace(out / name)
    manifest.ablation = {
        **args.record(),
        "source": public_path(args.source),
        **({"source_revision": source.revision} if source.revision else {}),  # the repo commit read
        "columns": [c for c in TRACE_COLUMNS if c in ablated.column_names],
        "counts": counts,
    }
    card = ablation_card(
        card_text(source),
        manifest,
        description=DESCRIPTIONS[args.transform],
        command=equivalent_command(args),
        dataset_info=split_info(data_file, ablated.features),
    )
    atomic_write_text(out / "README.md", str(card))
    manifest.save(out / "manifest.json")  # last: its presence marks a complete output
    return manifest


def check_push_target(args: AblateArguments) -> None:
    """Refuse a ``--push-to-hub`` that cannot happen (malformed id, offline), or onto the repo config read (an
    ablation has no config name: it goes to ``default``), which would replace the selection with its ablation."""
    from s2r_hf.preflight import push_problem

    problem = push_problem("--push-to-hub", args.push_to_hub)  # a malformed id, or offline: before the work
    if problem:
        raise S2RError(problem)
    if not args.push_to_hub or Path(args.source).expanduser().exists():
        return
    repo, _, config = args.source.partition(":")
    if repo == args.push_to_hub and config in ("", "default"):
        raise S2RError(
            f"--push-to-hub {args.push_to_hub} is the repo --source {args.source} is read from: the push would replace "
            "that selection with its ablation; push to another repo, e.g. --push-to-hub "
            f"{args.push_to_hub}-{args.transform.replace('_', '-')}"
        )


def main(args: AblateArguments) -> Manifest:
    """Load → guard the output folder → transform → write → push. Returns the written manifest."""
    from s2r_hf import outputs

    logger.info("s2r ablate: %s", args.record() | {"source": args.source, "output_dir": args.output_dir})
    check_push_target(args)
    rows, manifest, source = load_source(args.source)
    read_at = f"{source.repo}@{source.revision}" if source.repo else str(source.root.resolve())
    fingerprint = outputs.options_fingerprint({**args.record(), "source": read_at})
    out = outputs.prepare(
        args.output_dir,
        outputs.ABLATE,
        overwrite=args.overwrite,
        fingerprint=fingerprint,
        inputs={"--source": args.source} if source.repo is None else {},
    )
    ablated, counts = ablate_rows(rows, args, transform_kwargs(args, rows))
    written = write_ablation(out, ablated, source, manifest, args, counts)
    logger.info(
        "%s: %d of %d rows changed, %d unchanged %s → %s",
        args.transform,
        counts["changed"],
        counts["rows"],
        counts["unchanged"],
        counts["unchanged_reasons"] or "",
        out,
    )
    if counts["changed"] == 0:
        logger.warning("no row was changed by %s: the ablated set equals its source", args.transform)
    if args.push_to_hub:
        from s2r_hf.hub import push_selection

        name = source.spec if source.repo else source.root.name
        push_selection(out, args.push_to_hub, commit_message=f"Ablation ({args.transform}) of {name}")
    return written


def cli(argv: list[str]) -> None:
    main(parse_ablate(argv))
