"""`s2r card`: put evaluation results into a model's card (model-index) and ``.eval_results/*.yaml``.

    s2r card --model out/Qwen2.5-7B-S2R-10pct --results out/eval [--push me/Qwen2.5-7B-S2R-10pct]
    s2r card --model me/Qwen2.5-7B-S2R-10pct --results out/eval --push     # edit the card on the Hub

Reads every lighteval results file under ``--results`` (newest wins per benchmark × metric), then:

* ``README.md``: the ``model-index`` metadata (``huggingface_hub.EvalResult``) gets one entry per
  benchmark × metric, replacing entries with the same dataset and metric, so re-runs never duplicate;
  the body gets a results table and the published baselines of SPEC §6 between two markers. A model
  trained by `s2r train` (``s2r_train.json`` present) has its card re-rendered by
  :func:`s2r_hf.cards.model.build_model_card`; other models keep their card (or get a minimal one).
* ``.eval_results/<benchmark>.yaml``: pass@1 (%) in huggingface_hub's ``EvalResultEntry`` format
  (``eval_result_entries_to_yaml``), one file per benchmark, rewritten on each run. Only for benchmarks loaded
  from their Hub dataset: that format files a score under a Hub dataset id, which a local copy does not have.
* ``eval_details/<benchmark>.jsonl``: the per-sample details of ``OUTPUT/details/`` (prompt, response, extracted
  answer, verdict, gold), so each number can be audited without re-running.

Each pass@1 carries its 95 % interval over problems, n, the spread across the n sampling runs, the sampling and
protocol settings, the harness and the package versions (table, ``model-index`` ``metric_args``,
``.eval_results`` notes). A run that departs from the paper's settings says so in all three places, and a local
benchmark copy is named ``local: <folder>/<file>`` instead of the Hub dataset it did not come from.

``--push`` uploads all of them in ONE commit through :func:`s2r_hf.hub.push_card` (retries, token never shown),
rather than ``metadata_update`` + a second upload, so the card, ``.eval_results/`` and the details never
disagree on the Hub.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from s2r_hf.errors import S2RError
from s2r_hf.eval.card_figures import card_extras
from s2r_hf.eval.results import ResultRow, collect, markdown_table

logger = logging.getLogger(__name__)

# SPEC §6: published pass@1 (%), lighteval, from the model cards.
BASELINES = {
    "OpenR1-Qwen-7B": {"math_500": 90.6, "aime24": 36.7, "aime25": 40.0},
    "DeepSeek-R1-Distill-Qwen-7B": {"math_500": 91.6, "aime24": 43.3, "aime25": 40.0},
}
START, END = "<!-- s2r-eval:start -->", "<!-- s2r-eval:end -->"
_BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)


def card_value(row: ResultRow) -> float:
    """What the card shows: accuracies in %, token counts as they are."""
    return round(row.value if row.metric == "response_tokens" else 100 * row.value, 2)


DETAILS = "eval_details"
NOT_COMPARABLE = "not comparable with the paper"


def note(row: ResultRow) -> str:
    """The "not comparable" note of a row that departs from the paper's settings, else ""."""
    return f"{NOT_COMPARABLE}: {row.deviation}" if row.deviation else ""


def metric_args(row: ResultRow) -> dict:
    """What a model-index entry records beside its value: interval, n, spread, settings, data, harness."""
    args: dict = {}
    if row.ci95:
        args["ci95"] = [round(100 * row.ci95[0], 2), round(100 * row.ci95[1], 2)]
        args["interval"] = "95 % Wilson score over problems"
    if row.spread:
        args["spread_over_runs"] = {k: round(100 * v, 2) if k != "runs" else v for k, v in row.spread.items()}
    args |= {k: v for k, v in {"n": row.samples, "problems": row.problems}.items() if v is not None}
    if row.metric == "pass@1":  # the run's settings once per benchmark, on its headline number
        args |= {k: v for k, v in (row.settings or {}).items() if v is not None}
        if row.data:
            args["data"] = row.data
        if row.harness:
            args["harness"] = row.harness
        if row.versions:
            args["versions"] = dict(row.versions)
    if row.deviation:
        args["note"] = note(row)
    return args


def eval_results(rows: list[ResultRow]) -> list:
    from huggingface_hub import EvalResult

    return [
        EvalResult(
            task_type="text-generation",
            dataset_type=r.dataset_id,
            dataset_name=r.benchmark,
            metric_type=r.metric,
            metric_name=f"{r.metric} ({note(r)})" if r.deviation else r.metric,
            metric_value=card_value(r),
            metric_args=metric_args(r) or None,
        )
        for r in rows
    ]


def merge_eval_results(old: list | None, new: list) -> list:
    """``old`` without the entries ``new`` replaces (same dataset, name, metric), then ``new``."""

    def key(e):
        return (e.task_type, e.dataset_type, e.dataset_name, e.metric_type)

    replaced = {key(e) for e in new}
    return [e for e in old or [] if key(e) not in replaced] + list(new)


def results_section(rows: list[ResultRow], extras: list[str] = ()) -> str:
    """Markdown between the markers: our numbers, the published baselines on the same benchmarks, ``extras``
    (the bar chart, the budget table: :mod:`s2r_hf.eval.card_figures`)."""
    ours = {r.benchmark: card_value(r) for r in rows if r.metric == "pass@1"}
    lines = [START, "## Evaluation (s2r eval, lighteval)", "", *([markdown_table(rows), ""] if rows else [])]
    off = sorted({r.benchmark for r in rows if r.deviation})
    if off:
        lines += [
            f"**{', '.join(off)}: run with other settings than the paper's (see the run column): these numbers "
            "are not comparable with the baselines.**",
            "",
        ]
    shared = [b for b in ("math_500", "aime24", "aime25") if b in ours]
    if shared:
        lines += ["Published baselines (pass@1 %, lighteval, from their model cards):", ""]
        lines += ["| model | " + " | ".join(shared) + " |", "|---|" + "---:|" * len(shared)]
        lines.append("| **this model** | " + " | ".join(f"{ours[b]:.1f}" for b in shared) + " |")
        for name, scores in BASELINES.items():
            lines.append(f"| {name} | " + " | ".join(f"{scores[b]:.1f}" for b in shared) + " |")
        lines.append("")
    lines += [
        *extras,
        "System prompt = the training one; answer = last `\\boxed{}`, graded with math-verify; pass@1 = mean "
        "over samples, with its 95 % Wilson score interval over problems (n × problems: samples per problem × "
        "problems; spread: pass@1 of each of the n sampling runs, min–max and sd). The paper's settings: AIME/AMC "
        "16 samples, T 0.6, top_p 0.95; the others greedy; up to 16,384 answer tokens; repetition penalty 1.05 and "
        "seed 42 everywhere; the answer is the last box of the FULL response, thinking included (`s2r eval "
        "--protocol paper`, the default). lighteval's published baselines use no repetition penalty and grade "
        "the text after `</think>` (`--protocol lighteval`).",
        "",
        *setup_lines(rows),
        END,
    ]
    return "\n".join(lines)


def setup_lines(rows: list[ResultRow]) -> list[str]:
    """Harness, package versions and the per-sample details files of the runs behind ``rows``."""
    lines = []
    seen: dict[tuple, list[str]] = {}
    for r in rows:
        if r.metric == "pass@1" and (r.harness or r.versions):
            seen.setdefault((r.harness, tuple(sorted((r.versions or {}).items()))), []).append(r.benchmark)
    for (harness, versions), benches in seen.items():
        where = "" if len(seen) == 1 else f" ({', '.join(benches)})"
        text = " · ".join(f"{k} {v}" for k, v in versions)
        lines += [f"Harness{where}: {harness or 'lighteval'}; versions: {text}.", ""]
    details = sorted({r.benchmark for r in rows if r.details})
    if details:
        links = ", ".join(f"[{b}]({DETAILS}/{b}.jsonl)" for b in details)
        lines += [
            f"Per-sample details (prompt, response, extracted answer, verdict, gold): {links}; re-grade them with "
            "`s2r grade`.",
            "",
        ]
    return lines


def _base_card(model_dir: Path, rows: list[ResultRow]):
    from huggingface_hub import ModelCard, ModelCardData

    record_path = model_dir / "s2r_train.json"
    readme = model_dir / "README.md"
    if record_path.is_file():
        from s2r_hf.cards.model import build_model_card

        record = json.loads(record_path.read_text(encoding="utf-8"))
        results = [
            {
                "benchmark": r.benchmark,
                "metric": r.metric,
                "value": card_value(r),
                "dataset_id": r.dataset_id,
                "ci95": metric_args(r).get("ci95"),
            }
            for r in rows
        ]
        card = build_model_card(record, results=results, eval_results=eval_results(rows))
    elif readme.is_file():
        card = ModelCard.load(readme)
    else:
        data = ModelCardData(model_name=model_dir.name, library_name="transformers", pipeline_tag="text-generation")
        card = ModelCard(f"---\n{data.to_yaml()}\n---\n\n# {model_dir.name}\n")
    old = ModelCard.load(readme).data.eval_results if readme.is_file() else None
    return card, old


def update_card(model_dir: str | Path, results_dir: str | Path) -> Path:
    """Write README.md (model-index + results section) and .eval_results/*.yaml; returns the README path."""
    import yaml
    from huggingface_hub import EvalResultEntry, ModelCard, eval_result_entries_to_yaml

    from s2r_hf.io import atomic_write_text

    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise S2RError(f"--model {model_dir} is not a folder; pass the model folder the card belongs to")
    rows = results_rows(results_dir)
    for bench in dict.fromkeys(r.benchmark for r in rows):
        row = next(r for r in rows if r.benchmark == bench)
        note = f"; NOT the paper's setting: {row.deviation}" if row.deviation else ""
        log = logger.warning if row.deviation else logger.info
        log("%s: from %s (%s%s)", bench, Path(row.source).name, row.setting or "setting unknown", note)
    card, old = _base_card(model_dir, rows)
    card.data.model_name = card.data.model_name or model_dir.name
    card.data.eval_results = merge_eval_results(old, eval_results(rows))
    section = results_section(rows, card_extras(model_dir, rows, results_dir))
    body = card.text
    body = _BLOCK.sub(lambda _: section, body) if START in body else body.rstrip() + "\n\n" + section + "\n"
    card = ModelCard(f"---\n{card.data.to_yaml()}\n---\n{body}")
    readme = atomic_write_text(model_dir / "README.md", str(card))

    folder = model_dir / ".eval_results"
    folder.mkdir(exist_ok=True)
    for r in rows:
        if r.metric != "pass@1":
            continue
        stale = folder / f"{r.benchmark}.yaml"
        if r.data.startswith("local:"):  # no Hub dataset to file it under: the card table and model-index only
            stale.unlink(missing_ok=True)
            logger.info("%s: %s, no .eval_results entry (it files scores under a Hub dataset id)", r.benchmark, r.data)
            continue
        entry = EvalResultEntry(dataset_id=r.dataset_id, task_id=r.benchmark, value=card_value(r), notes=entry_notes(r))
        text = yaml.safe_dump(eval_result_entries_to_yaml([entry]), sort_keys=False)
        atomic_write_text(stale, text)
    copy_details(rows, model_dir / DETAILS)
    logger.info("card %s: %d results (%d benchmarks)", readme, len(rows), len({r.benchmark for r in rows}))
    return readme


def results_rows(results_dir: str | Path) -> list[ResultRow]:
    """:func:`~s2r_hf.eval.results.collect`; none (not an error) when the folder holds only a ``--budgets`` run."""
    from s2r_hf.eval.budgets import read_summary

    try:
        return collect(results_dir)
    except S2RError:
        if read_summary(results_dir):
            return []
        raise


def entry_notes(row: ResultRow) -> str:
    """The ``.eval_results`` notes of a pass@1: harness, interval, n, settings, and the "not comparable" note."""
    parts = ["pass@1 %", row.harness or "s2r eval (lighteval)"]
    if row.ci95:
        parts.append(f"95% CI {100 * row.ci95[0]:.1f}-{100 * row.ci95[1]:.1f} (Wilson, over problems)")
    if row.samples:
        parts.append(f"n={row.samples}" + (f" x {row.problems} problems" if row.problems else ""))
    if row.setting:
        parts.append(row.setting)
    if row.deviation:
        parts.append(f"NOT COMPARABLE with the paper: {row.deviation}")
    return "; ".join(parts)


def copy_details(rows: list[ResultRow], folder: Path) -> list[Path]:
    """Copy each benchmark's per-sample details next to the card (atomically), for the same commit."""
    import shutil

    from s2r_hf.io import temp_path

    copied = []
    for bench in sorted({r.benchmark for r in rows if r.details}):
        source = Path(next(r.details for r in rows if r.benchmark == bench and r.details))
        target = folder / f"{bench}.jsonl"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = temp_path(target)
        try:
            shutil.copyfile(source, tmp)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        copied.append(target)
    return copied


REPO_ID = re.compile(r"[\w.-]+/[\w.-]+")


@dataclass
class CardArguments:
    """Options of `s2r card`."""

    model: str = field(
        metadata={
            "help": "The model: a local folder (its README.md is updated in place) or a Hub model repo id (its "
            "README.md, s2r_train.json and .eval_results/ are downloaded into --card-dir, updated there, and "
            "pushed back with --push)."
        }
    )
    results: str = field(metadata={"help": "The --output-dir of `s2r eval` (results_*.json inside)."})
    push: str | None = field(
        default=None,
        metadata={
            "nargs": "?",
            "const": "",
            "metavar": "REPO",
            "help": "Upload README.md, .eval_results/ and eval_details/ (per-sample details) to a model repo in one "
            "commit: REPO, or the --model repo when --model is a Hub id (--push alone; in a --config file "
            "'push: \"\"'). The repo must exist. Token: HF_TOKEN or `hf auth login`.",
        },
    )
    card_dir: str | None = field(
        default=None, metadata={"help": "Where a Hub model's card is edited (default: <results>/card/<owner>__<name>)."}
    )


def make_parser():
    from s2r_hf.config_files import make_command_parser

    return make_command_parser(
        (CardArguments,),
        prog="s2r card",
        description="Add `s2r eval` results to a model card (model-index, results table vs published "
        "baselines) and .eval_results/*.yaml, locally or on the Hub. Re-running replaces, never duplicates; "
        "a re-push of unchanged results makes no commit.",
    )


def parse_card(argv: list[str]) -> CardArguments:
    """argv (+ the ``--config`` YAML) → :class:`CardArguments`; bad input is one :class:`S2RError`."""
    from s2r_hf.config_files import parse_with_config

    (args,) = parse_with_config(make_parser(), argv, command="card", count=1)
    return args


def card_folder(args: CardArguments) -> tuple[Path, str | None]:
    """The folder whose card is edited and the model's Hub id (None for a local folder); a Hub model's card
    files are downloaded first. Every input problem is an :class:`S2RError` before anything is written."""
    from s2r_hf import hub
    from s2r_hf.preflight import offline, writable_problem

    if not args.model.strip():
        raise S2RError("--model is empty; give the model folder the card belongs to, or a Hub repo id (owner/name)")
    if Path(args.results).is_file():
        raise S2RError(f"--results {args.results} is a file; give the --output-dir of `s2r eval` (a folder)")
    local = Path(args.model)
    if local.is_dir():
        problem = writable_problem("--model", local)  # README.md is updated in place
        if problem:
            raise S2RError(f"{problem} (the card is written into the model folder: copy the model to a writable one)")
        return local, None
    if REPO_ID.fullmatch(args.model):
        hub_id = args.model
        model_dir = Path(args.card_dir or Path(args.results) / "card" / hub_id.replace("/", "__"))
        results_rows(args.results)  # no results: fail before any download
        problem = writable_problem("--card-dir", model_dir)
        if problem:
            raise S2RError(problem)
        if offline():
            raise S2RError(
                f"--model {hub_id} is a Hub id but HF_HUB_OFFLINE is set, so its card cannot be downloaded; unset "
                "HF_HUB_OFFLINE, or pass the local model folder as --model"
            )
        hub.download_card(hub_id, model_dir)
        return model_dir, hub_id
    if local.exists():
        raise S2RError(f"--model {args.model} is a file; give the model folder the card belongs to, or a Hub repo id")
    raise S2RError(
        f"--model: no such local folder: {args.model}, and not a Hub repo id (owner/name); give the model "
        "folder the card belongs to, or a Hub id like me/Qwen2.5-7B-S2R-10pct"
    )


def main(argv: list[str]) -> Path:
    """`s2r card ARGS`: resolve the card's folder, write the card files, push them in one commit (``--push``)."""
    import shlex

    from s2r_hf import hub
    from s2r_hf.preflight import offline

    args = parse_card(argv)
    model_dir, hub_id = card_folder(args)
    if args.push is not None and not (args.push or hub_id):
        raise S2RError(f"--push needs a repo id for a local model folder ({model_dir}): --push owner/name")
    if args.push is not None and offline():
        raise S2RError("--push: HF_HUB_OFFLINE is set, so nothing can be pushed; unset it, or drop --push")
    readme = update_card(model_dir, args.results)
    if args.push is not None:
        repo = args.push or hub_id
        retry = " ".join(shlex.quote(a) for a in ["s2r", "card", *argv])
        hub.push_card(model_dir, repo, retry=retry)
    return readme
