"""`s2r grade`: grade answers generated elsewhere (vLLM/SGLang scripts, other harnesses, saved details) against
the benchmark files, with the code `s2r eval`'s metric uses, and no model.

    s2r grade --predictions answers.jsonl --data-dir eval_data --output-dir graded

Each line of ``--predictions`` is ``{"task": "math_500", "index": 17, "response": "…\\boxed{3}"}``: ``task`` as in
``s2r eval --tasks`` (folder names such as ``math500`` too), ``index`` the 0-based row of that task's file (the
order `s2r eval` reads it: ``Doc.id`` in lighteval's details). Several lines for one task and index are samples
of one problem: its score is their mean (pass@1). Writes ``verdicts.jsonl`` (one line per prediction: task,
index, sample, extracted answer, gold, correct) and ``summary.json`` (per task: rows of the file, problems with a
prediction, correct, accuracy over all rows, the rows without a prediction, the rows whose gold no grader reads).

Same code as eval: each row is read by :func:`s2r_hf.eval.tasks.read_problem` (the task's row function, as the
lighteval prompt function does) and graded by :func:`s2r_hf.eval.grader.grade` with the arguments the metric
passes. ``--answer-from`` defaults to the paper protocol's (``full``: the last box of the whole response, as the
authors' ``eval.py``); with ``final`` (lighteval's protocol) ``<think>…</think>`` is removed first by lighteval's
own ``remove_reasoning_tags``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from s2r_hf.errors import S2RError
from s2r_hf.eval.protocol import ANSWER_FROM, DEFAULT_PROTOCOL, PROTOCOLS

logger = logging.getLogger(__name__)

REASONING_TAGS = [("<think>", "</think>")]  # lighteval 0.13's default ``reasoning_tags``
FIELDS = {"task": str, "index": int, "response": str}


@dataclass
class GradeArguments:
    """Options of `s2r grade`."""

    predictions: str = field(
        metadata={
            "help": 'JSON-lines file, one prediction per line: {"task": <benchmark key as in `s2r eval --tasks`, or '
            'its folder name>, "index": <0-based row of that task\'s file>, "response": <the model\'s text>}; other '
            "fields are ignored. Several lines for the same task and index are samples, averaged (pass@1)."
        }
    )
    output_dir: str = field(
        metadata={"help": "Folder to write verdicts.jsonl (one verdict per prediction) and summary.json (per task)."}
    )
    data_dir: str | None = field(
        default=None,
        metadata={
            "help": "Folder of <key>/ benchmark folders (jsonl/json/parquet), as for `s2r eval --data-dir` (e.g. "
            "Select2Reason's eval_data or Qwen2.5-Math's evaluation/data). A task without a folder there is read "
            "from its Hub copy; gaokao2024_mix and kaoyan have none."
        },
    )
    answer_from: str = field(
        default=PROTOCOLS[DEFAULT_PROTOCOL].answer_from,
        metadata={
            "help": "full (default, the paper protocol, as `s2r eval`): grade the last \\boxed{} of the whole "
            "response, thinking included (Select2Reason's eval.py); final (`s2r eval --protocol lighteval`): grade "
            "the text after removing <think>...</think>."
        },
    )

    def __post_init__(self):
        problems = []
        if not Path(self.predictions).is_file():
            problems.append(f"--predictions {self.predictions} is not a file")
        if self.data_dir is not None and not Path(self.data_dir).is_dir():
            problems.append(f"--data-dir {self.data_dir} is not a folder")
        if Path(self.output_dir).exists() and not Path(self.output_dir).is_dir():
            problems.append(f"--output-dir {self.output_dir} is a file; pass a folder")
        if self.answer_from not in ANSWER_FROM:
            problems.append(f"--answer-from must be one of {', '.join(ANSWER_FROM)}, got {self.answer_from!r}")
        if problems:
            raise S2RError("; ".join(problems))


@dataclass(frozen=True)
class Prediction:
    line: int  # 1-based line of the predictions file
    task: str
    index: int
    response: str


def make_parser():
    from s2r_hf.config_files import make_command_parser

    return make_command_parser(
        (GradeArguments,), prog="s2r grade", description=__doc__.split("\n\n")[0].replace("`s2r grade`: ", "")
    )


def parse_grade(argv: list[str]) -> GradeArguments:
    """argv (+ the ``--config`` YAML) → :class:`GradeArguments`; bad input is one :class:`S2RError`."""
    from s2r_hf.config_files import parse_with_config

    (args,) = parse_with_config(make_parser(), argv, command="grade", count=1)
    return args


def _task(name: str) -> str | None:
    """A benchmark key from what ``--tasks`` accepts (``s2r_math_500|0``, ``math500``), or None."""
    from s2r_hf.eval.tasks import BENCHMARKS, task_key

    key = task_key(name.strip().removeprefix("s2r_").split("|")[0])
    return key if key in BENCHMARKS else None


def _lines(f, path):
    """(number, text) of every non-blank line; a file that is not UTF-8 is one :class:`S2RError`."""
    number = 0
    try:
        for number, text in enumerate(f, start=1):
            if text.strip():
                yield number, text
    except UnicodeDecodeError as err:
        raise S2RError(
            f"{path} is not UTF-8 after line {number} ({err.reason}); re-save it as UTF-8 (json.dumps writes ASCII)"
        ) from None


def read_predictions(path: str | Path) -> list[Prediction]:
    """Every prediction of ``path``; the first bad line (broken JSON, not an object, a missing or mistyped field,
    an unknown task) raises :class:`S2RError` naming it."""
    from s2r_hf.eval.tasks import BENCHMARKS

    shape = 'each line must be {"task": …, "index": <0-based row>, "response": "…"}'
    predictions = []
    with open(path, encoding="utf-8-sig") as f:  # -sig: a leading byte-order mark (Windows editors) is dropped
        for number, text in _lines(f, path):
            where = f"{path} line {number}"
            try:
                row = json.loads(text)
            except ValueError as err:
                raise S2RError(f"{where} is not valid JSON ({err}); {shape}") from None
            if not isinstance(row, dict):
                raise S2RError(f"{where} is a JSON {type(row).__name__}, not an object; {shape}")
            for name, kind in FIELDS.items():
                if name not in row:
                    raise S2RError(f"{where} has no {name!r} field; {shape}")
                if not isinstance(row[name], kind) or isinstance(row[name], bool):
                    got = type(row[name]).__name__
                    raise S2RError(f"{where}: {name!r} must be a {kind.__name__}, got {got} {row[name]!r:.40}; {shape}")
            key = _task(row["task"])
            if key is None:
                raise S2RError(f"{where}: unknown task {row['task']!r}; valid: {', '.join(BENCHMARKS)}")
            predictions.append(Prediction(number, key, row["index"], row["response"]))
    if not predictions:
        raise S2RError(f"{path} holds no predictions; {shape}")
    return predictions


def _problems(key: str, data_dir: str | None) -> list:
    """The task's rows read as eval reads them (:func:`s2r_hf.eval.tasks.read_problems`)."""
    from s2r_hf.eval.tasks import BENCHMARKS, load_benchmark_rows, read_problems

    try:
        rows = load_benchmark_rows(key, data_dir)
    except S2RError:
        raise
    except Exception as err:  # the Hub copy: offline, gated, unreachable
        where = Path(data_dir or "<data-dir>") / key
        raise S2RError(
            f"could not load {key}'s data from {BENCHMARKS[key].hf_repo} ({type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}); put its test.jsonl in {where}/ and pass --data-dir"
        ) from None
    return read_problems(key, rows)


def main(args: GradeArguments) -> dict:
    """Grade every prediction; writes verdicts.jsonl and summary.json; returns the summary."""
    from lighteval.utils.utils import remove_reasoning_tags

    from s2r_hf.eval.grader import boxed_content, choice_letter, grade
    from s2r_hf.io import atomic_write_json, atomic_write_text

    logger.info("s2r grade; options: %s", asdict(args))
    predictions = read_predictions(args.predictions)
    problems = {key: _problems(key, args.data_dir) for key in dict.fromkeys(p.task for p in predictions)}
    for p in predictions:  # all checked before anything is graded or written
        if not 0 <= p.index < len(problems[p.task]):
            raise S2RError(
                f"{args.predictions} line {p.line}: index {p.index} is out of range for {p.task} "
                f"({len(problems[p.task])} rows: 0 to {len(problems[p.task]) - 1}, in file order)"
            )
    verdicts, scores, samples = [], {}, {}
    for p in predictions:
        problem = problems[p.task][p.index]
        text = remove_reasoning_tags(p.response, REASONING_TAGS) if args.answer_from == "final" else p.response
        correct = grade(text, problem.gold, problem.multiple_choice, options=problem.options)  # as the metric
        sample = samples.setdefault((p.task, p.index), 0)
        samples[(p.task, p.index)] += 1
        scores.setdefault(p.task, {}).setdefault(p.index, []).append(correct)
        verdict = {"task": p.task, "index": p.index, "sample": sample, "extracted": boxed_content(text)}
        if problem.multiple_choice:
            verdict["letter"] = choice_letter(text)
        verdict.update(gold=problem.raw_gold if problem.ungradable else problem.gold, correct=bool(correct))
        if problem.ungradable:
            verdict["ungradable"] = problem.ungradable
        verdicts.append(verdict)
    summary = {"tasks": {}, "options": asdict(args)}
    for key, by_index in scores.items():
        rows = len(problems[key])
        correct = sum(sum(v) / len(v) for v in by_index.values())  # pass@1 per problem, summed
        missing = [i for i in range(rows) if i not in by_index]
        summary["tasks"][key] = {
            "rows": rows,
            "predicted": len(by_index),
            "samples": sum(len(v) for v in by_index.values()),
            "correct": correct,
            "accuracy": correct / rows,  # over every row of the file: a row without a prediction counts wrong
            "accuracy_predicted": correct / len(by_index),
            "missing": missing,
            "ungradable": [{"index": i, "reason": q.ungradable} for i, q in enumerate(problems[key]) if q.ungradable],
        }
        logger.info("%s: %.4g / %d correct (%.1f%%)", key, correct, rows, 100 * correct / rows)
        if missing:
            logger.warning(
                "%s: %d of %d rows have no prediction (counted wrong in accuracy): %s",
                *(key, len(missing), rows, ", ".join(map(str, missing[:10])) + (", …" if len(missing) > 10 else "")),
            )
    out = Path(args.output_dir)
    atomic_write_text(out / "verdicts.jsonl", "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in verdicts))
    atomic_write_json(out / "summary.json", summary)
    logger.info("wrote %s and %s", out / "verdicts.jsonl", out / "summary.json")
    return summary


def cli(argv: list[str]) -> None:
    main(parse_grade(argv))
