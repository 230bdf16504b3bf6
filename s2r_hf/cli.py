"""`s2r` — Select2Reason from the command line. The only module that wires the stages together.

    s2r select --config recipes/selection/synthetic/config_s2r_10pct.yaml      # embedded default, offline
    s2r select --pool open-r1/OpenR1-Math-220k --pool-config all \\
               --judge Qwen/Qwen2.5-1.5B-Instruct --length-tokenizer Qwen/Qwen2.5-Math-7B-Instruct \\
               --ratio 0.10 --output-dir out/openr1-s2r-10pct
    accelerate launch --num_processes 8 -m s2r_hf.cli select ...        # judge data-parallel over 8 GPUs
    s2r push --output-dir out/openr1-s2r-10pct --repo me/OpenR1-Math-S2R-10pct   # (re)try a push

Flow of `select`: pool → normalise → decontaminate → difficulty (sharded over processes, cached) →
length → joint rank → budget → subset + scores + manifest + card (→ Hub).
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
from pathlib import Path

import numpy as np

from s2r_hf.configs import OutputArguments, PoolArguments, ScoringArguments, SelectionArguments, check_compatible
from s2r_hf.errors import S2RError, collect, exit_status
from s2r_hf.io import column

logger = logging.getLogger("s2r_hf")

SELECT_CONFIGS = (PoolArguments, ScoringArguments, SelectionArguments, OutputArguments)
USAGE = """usage: s2r <command> [options]

commands:
  select   rank an SFT pool by question difficulty and trace length, keep the top (Select2Reason)
  train    fine-tune a model on a selected subset (TRL SFT; run under `accelerate launch` for many GPUs)
  push     push a finished selection or model folder to the Hub (retry after a failed push)
  eval     evaluate a model on AIME/AMC/MATH-500/... with lighteval
  grade    grade answers generated elsewhere against the benchmark files (the eval's grader, no model)
  card     put evaluation results into a model card (model-index, .eval_results/, comparison table)

`s2r <command> --help` lists every option of a command."""


def make_select_parser():
    from trl import TrlParser

    parser = TrlParser(
        SELECT_CONFIGS,
        prog="s2r select",
        description="Select2Reason data selection: rank a long-CoT SFT pool by question difficulty "
        "and reasoning-trace length, keep the best-ranked rows. Every option may also be "
        "written with dashes (--output-dir).",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="YAML file of options (keys = option names with underscores); command-line options override it.",
    )
    return parser


BUDGET_KEYS = ("ratio", "count", "token_budget")


def parse_select(argv: list[str]) -> tuple:
    """argv (+ YAML from ``--config``) → the four option dataclasses. Command-line values win over YAML.

    A budget given on the command line replaces the YAML's budget (they are exclusive), so
    ``--config recipe.yaml --count 500`` works on a recipe that sets ``ratio``.
    """
    from s2r_hf.config_files import parse_with_config

    parsed = parse_with_config(
        make_select_parser(), argv, command="select", count=len(SELECT_CONFIGS), exclusive=BUDGET_KEYS
    )
    _drop_recipe_weight(parsed[2], argv)
    return parsed


def _drop_recipe_weight(sel: SelectionArguments, argv: list[str]) -> None:
    """A recipe's ``weight`` under a strategy that ignores it (``--strategy random`` on an s2r recipe): warn, drop.

    The same pair from the command line is refused by ``check_compatible``.
    """
    from s2r_hf.configs import WEIGHTED_STRATEGIES

    on_cli = any(a.split("=")[0] in ("--weight",) for a in argv)
    if sel.weight is not None and sel.strategy not in WEIGHTED_STRATEGIES and not on_cli:
        logger.warning(
            "ignoring weight %s from the --config file: --strategy %s does not use it", sel.weight, sel.strategy
        )
        sel.weight = None


def equivalent_command(*configs) -> str:
    """The shortest `s2r select` command line giving these options (non-default values only)."""
    parts = ["s2r select"]
    for cfg in configs:
        for f in dataclasses.fields(cfg):
            if f.name in ("cache_dir", "overwrite"):
                continue
            value = getattr(cfg, f.name)
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            if value == default:
                continue
            flag = "--" + f.name.replace("_", "-")
            if isinstance(value, bool):
                parts.append(flag if value else f"--no_{f.name}")
            elif isinstance(value, list):
                parts.append(flag + " " + " ".join(_quote(v) for v in value))
            else:
                parts.append(f"{flag} {_quote(value)}")
    return " \\\n    ".join(parts)


def _quote(value) -> str:
    import shlex

    return shlex.quote(str(value))


def _build_scorer(scoring: ScoringArguments, cache_dir: str, device, seed: int):
    if scoring.num_threads is not None:
        import torch

        torch.set_num_threads(scoring.num_threads)
    if scoring.difficulty_scorer == "passrate":
        from s2r_hf.scoring.passrate import build_passrate

        return build_passrate(scoring, cache_dir, device, seed)
    from s2r_hf.scoring.difficulty import build_judge

    return build_judge(scoring, cache_dir, device)


def _trainable_rows(canon, scoring: ScoringArguments, sel: SelectionArguments, cache_dir: str):
    """Rows as `s2r train` renders them (--train-tokenizer): drop those over --max-train-tokens, count the rest.

    Returns (rows, training tokens per row or None, dropped rows). Without a chat template, --token-budget
    falls back to the trace length (warned); --max-train-tokens is refused.
    """
    from s2r_hf.scoring.models import load_tokenizer, resolve
    from s2r_hf.sft_data import drop_untrainable

    name = scoring.train_tokenizer or scoring.length_tokenizer or scoring.judge
    tokenizer = load_tokenizer(resolve(name, cache_dir))
    if tokenizer.chat_template is None:
        if sel.max_train_tokens is not None:
            raise S2RError(
                f"--max-train-tokens counts rows in the training chat template, but tokenizer {name!r} has none; "
                "pass --train-tokenizer with the (instruct) model you will train"
            )
        logger.warning("tokenizer %s has no chat template: --token-budget counts trace tokens only", name)
        return canon, None, []
    kept, counts, dropped = drop_untrainable(canon, tokenizer, sel.max_train_tokens, num_proc=scoring.num_proc)
    if len(kept) == 0:
        raise S2RError(
            f"every row is longer than --max-train-tokens {sel.max_train_tokens} (rendered with {name}); raise it"
        )
    return kept, counts, dropped


def score_difficulty(canon, scorer, store, state, chunk: int) -> dict[str, np.ndarray] | None:
    """Score the rows the cache lacks, split over processes; the main process returns aligned arrays."""
    from s2r_hf.scoring.difficulty import score_in_chunks

    done = store.done_keys()
    state.wait_for_everyone()  # every rank reads the same cache before any rank writes to it
    keys = list(zip(column(canon, "id").tolist(), column(canon, "problem_hash").tolist(), strict=True))
    todo = np.array([i for i, k in enumerate(keys) if k not in done], dtype=np.int64)
    mine = np.array_split(todo, state.num_processes)[state.process_index]
    if state.is_main_process:
        logger.info(
            "difficulty: %d rows cached, %d to score over %d process(es)",
            len(keys) - len(todo),
            len(todo),
            state.num_processes,
        )
    if len(mine):
        rows = canon.select(mine.tolist()).select_columns(["id", "problem", "problem_hash", "answer"])
        score_in_chunks(
            scorer,
            rows.iter(batch_size=chunk),
            store,
            total=len(mine),
            chunk=chunk,
            rank=state.process_index,
            show_progress=state.is_local_main_process,
        )
    state.wait_for_everyone()
    if not state.is_main_process:
        return None
    table = store.load()
    position = {
        k: i
        for i, k in enumerate(
            zip(table.column("id").to_pylist(), table.column("problem_hash").to_pylist(), strict=True)
        )
    }
    missing = [k[0] for k in keys if k not in position]
    if missing:
        raise S2RError(
            f"{len(missing)} rows have no difficulty score after scoring (first id {missing[0]!r}); "
            f"a process may have died: re-run the same command to score only those"
        )
    take = np.array([position[k] for k in keys], dtype=np.int64)
    return {
        name: table.column(name).to_numpy()[take] for name in table.column_names if name not in ("id", "problem_hash")
    }


def select_main(
    pool: PoolArguments, scoring: ScoringArguments, sel: SelectionArguments, out: OutputArguments
) -> Path | None:
    """Run a selection; returns the output folder on the main process (None on the others)."""
    import pyarrow as pa
    import torch
    import yaml
    from accelerate import PartialState

    from s2r_hf.cards.dataset import build_dataset_card, split_info
    from s2r_hf.cards.plots import score_figure
    from s2r_hf.decontam import build_index, decontaminate, evidence_fields, summary
    from s2r_hf.io import atomic_to_parquet, atomic_write_json, atomic_write_text
    from s2r_hf.manifest import build_manifest, options_dict, public_configs
    from s2r_hf.outputs import prepare_selection
    from s2r_hf.pools import load_pool, normalise
    from s2r_hf.preflight import select_problems
    from s2r_hf.scoring.cache import ScoreStore
    from s2r_hf.scoring.length import load_length_tokenizer, measure_lengths
    from s2r_hf.scoring.models import resolve
    from s2r_hf.selection import NEEDS_DIFFICULTY, select

    check_compatible(pool, scoring, sel)
    collect(select_problems(pool, scoring, sel, out))  # a missing judge, a push that cannot be: before any work
    state = PartialState(cpu=not torch.cuda.is_available())
    out_dir = prepare_selection(pool, scoring, sel, out, state)  # own files only; before any model loads
    public = public_configs(pool, scoring, sel, out)  # what written files name: no absolute local paths
    options = options_dict(*public)
    if state.is_main_process:
        logger.info(
            "s2r select on %d process(es); resolved options:\n%s",
            state.num_processes,
            yaml.safe_dump(options, sort_keys=False, allow_unicode=True),
        )
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    with state.main_process_first():
        raw = load_pool(pool, out.cache_dir)
        canon, report = normalise(raw, pool.pool_format, pool.on_bad_row, openr1_trace=pool.openr1_trace)
        contam_counts: dict[str, int] = {}
        contam_dropped: list[dict] = []
        contam_summary: dict | None = None
        if sel.decontaminate:
            index = build_index(
                sel.decontam_benchmarks,
                sel.decontam_ngram,
                method=sel.decontam_method,
                threshold=sel.decontam_threshold,
                data_dir=sel.decontam_data_dir,
            )
            rows_before = len(canon)
            canon, contam_counts, contam_dropped = decontaminate(canon, index)
            contam_summary = summary(index, contam_counts, rows_before)
            if len(canon) == 0:
                raise S2RError("decontamination dropped every pool row; check --decontam-benchmarks")
    timings["load_normalise_decontaminate"] = time.perf_counter() - t0
    train_tokens, over_max_train = None, []
    if sel.max_train_tokens is not None or sel.token_budget is not None:
        t = time.perf_counter()
        with state.main_process_first():
            canon, train_tokens, over_max_train = _trainable_rows(canon, scoring, sel, out.cache_dir)
        timings["train_tokens"] = time.perf_counter() - t

    scores, scorer_key = None, None
    if sel.strategy in NEEDS_DIFFICULTY:
        t = time.perf_counter()
        scorer = _build_scorer(scoring, out.cache_dir, state.device, sel.seed)
        scorer_key = scorer.key()
        store = ScoreStore(out.cache_dir, scorer_key)
        scores = score_difficulty(canon, scorer, store, state, scoring.checkpoint_every)
        timings["difficulty"] = time.perf_counter() - t
    if not state.is_main_process:
        return None

    t = time.perf_counter()
    tokenizer = None
    if scoring.length_unit == "tokens":
        tokenizer = load_length_tokenizer(resolve(scoring.length_tokenizer or scoring.judge, out.cache_dir))
    measured = measure_lengths(
        canon, unit=scoring.length_unit, markers=scoring.rethink_markers, tokenizer=tokenizer, num_proc=scoring.num_proc
    )
    timings["length"] = time.perf_counter() - t

    ids = column(canon, "id").astype(str)
    length = column(measured, "length").astype(np.int64)
    rethink_count = column(measured, "rethink_count").astype(np.int32)
    difficulty = scores["difficulty"] if scores is not None else None
    result = select(
        sel.strategy,
        ids,
        length=length,
        difficulty=difficulty,
        strata=column(canon, "problem_type"),
        weight=sel.weight,
        ratio=sel.ratio,
        count=sel.count,
        token_budget=sel.token_budget,
        seed=sel.seed,
        cost=train_tokens,
    )
    selected = np.zeros(len(ids), dtype=bool)
    selected[result.order] = True
    selection_rank = np.full(len(ids), -1, dtype=np.int64)
    selection_rank[result.order] = np.arange(len(result.order))
    extra = {  # appended in memory (add_column), not rewritten into the datasets cache
        "length": length,
        "rethink_count": rethink_count,
        "train_tokens": train_tokens,
        **(scores or {}),
        "rank_difficulty": result.rank_difficulty,
        "rank_length": result.rank_length,
        "joint_rank": result.joint,
        "selected": selected,
        "selection_rank": selection_rank,
    }
    scored = canon
    for name, values in extra.items():
        if values is not None:
            scored = scored.add_column(name, pa.array(values))
    subset = scored.select(result.order.tolist())

    data_file = atomic_to_parquet(subset, out_dir / "data" / "train-00000-of-00001.parquet")
    atomic_to_parquet(scored.remove_columns(["problem", "response", "messages"]), out_dir / "scores.parquet")
    dropped = report.dropped + contam_dropped + over_max_train
    atomic_to_parquet(
        pa.Table.from_pylist(
            dropped,
            schema=pa.schema(
                [
                    *[("row", pa.int64()), ("id", pa.string()), ("reason", pa.string()), ("detail", pa.string())],
                    *evidence_fields(),
                ]
            ),
        ),
        out_dir / "dropped.parquet",
    )
    atomic_write_text(
        out_dir / "config.yaml",
        yaml.safe_dump(
            {k: v for group in options.values() for k, v in group.items()}, sort_keys=False, allow_unicode=True
        ),
    )
    counts = {
        "pool_rows": report.rows_in,
        "normalise_dropped": report.counts,
        "normalise_notes": report.notes,
        "id_conflicts": report.id_conflicts,
        "decontaminated": contam_counts,
        "decontam_ngram": sel.decontam_ngram,
        "decontamination": contam_summary,
        "judge_truncated": int((np.asarray(scores["judge_cut_tokens"]) > 0).sum())
        if scores is not None and "judge_cut_tokens" in scores
        else 0,
        "over_max_train_tokens": len(over_max_train),
        "selected_train_tokens": int(train_tokens[result.order].sum()) if train_tokens is not None else None,
        "scored": len(ids),
        "selected": len(result.order),
        "selected_length_sum": int(length[result.order].sum()),
        "pool_length_sum": int(length.sum()),
    }
    timings["total"] = time.perf_counter() - t0
    manifest = build_manifest(
        options=options,
        pool_fingerprint=raw._fingerprint,
        scorer_key=scorer_key,
        counts=counts,
        selected_ids=ids[result.order].tolist(),
        timings=timings,
    )
    columns = {
        "difficulty": difficulty,
        "length": length,
        "rethink_count": rethink_count,
        "judge_mass": (scores or {}).get("judge_mass"),
    }
    score_figure(
        out_dir / "scores.png",
        length=length,
        selected=selected,
        difficulty=difficulty,
        length_unit=scoring.length_unit,
        title=f"{public[0].pool}: {counts['selected']} of {len(ids)} selected ({sel.strategy})",
    )
    card = build_dataset_card(
        manifest,
        command=equivalent_command(*public),
        columns=columns,
        selected=selected,
        dataset_info=split_info(data_file, subset.features),
    )
    atomic_write_text(out_dir / "README.md", str(card))
    atomic_write_json(out_dir / "manifest.json", manifest)  # last: its presence marks a complete output
    logger.info(
        "selected %d of %d rows (%d %s) → %s",
        counts["selected"],
        len(ids),
        counts["selected_length_sum"],
        scoring.length_unit,
        out_dir,
    )
    if counts["judge_truncated"]:
        logger.warning(
            "%d rows' judge prompts were longer than the judge's context: scored with the question's middle cut "
            "(column judge_cut_tokens in scores.parquet)",
            counts["judge_truncated"],
        )
    if sel.strategy != "full" and counts["selected"] == len(ids) and len(ids) > 1:
        logger.warning(
            "the budget keeps all %d scored rows: nothing was selected out (a smaller --ratio/--count/--token-budget, "
            "or a bigger pool, makes the ranking matter)",
            len(ids),
        )
    if out.push_to_hub:
        from s2r_hf.hub import push_selection

        push_selection(
            out_dir,
            out.push_to_hub,
            config_name=out.hub_config_name,
            private=out.hub_private,
            commit_message=out.hub_commit_message,
        )
    return out_dir


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    return exit_status(f"s2r {command}", lambda: dispatch(command, rest))


def dispatch(command: str, rest: list[str]) -> None:
    if command == "select":
        select_main(*parse_select(rest))
    elif command == "push":
        from s2r_hf.push import push_main

        push_main(rest)
    elif command == "train":
        from s2r_hf.train import main as train_main
        from s2r_hf.train import parse_train

        train_main(*parse_train(rest))
    elif command == "eval":
        from s2r_hf.eval.run import cli as eval_cli

        eval_cli(rest)
    elif command == "grade":
        from s2r_hf.eval.grade import cli as grade_cli

        grade_cli(rest)
    elif command == "card":
        from s2r_hf.eval.card import main as card_main

        card_main(rest)
    else:
        raise S2RError(f"unknown command {command!r}; run `s2r --help` for the commands")


if __name__ == "__main__":
    sys.exit(main())
