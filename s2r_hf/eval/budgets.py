"""`s2r eval --budgets`: the same model at several answer budgets (inference scaling, as T1), with budget forcing.

    s2r eval --model M --tasks aime24,math_500 --budgets 1024,2048,4096,8192,16384 --output-dir evals/

Each budget is an ordinary `s2r eval` run at ``--max-new-tokens <budget>`` into ``OUTPUT/budgets/<budget>/``
(its own results, details and answer cache: the cache key holds the budget, so a killed run resumes at the missing
budget and chunk). Every budget is GENERATED at its own limit, never derived by truncating a longer budget's
answers (that equals a real run only under greedy decoding with identical batching); the run record says so
(``produced``).

Budget forcing (s1, Muennighoff et al. 2025, arXiv 2501.19393, §3.1: past the thinking limit the end-of-thinking
delimiter is appended, optionally with "Final Answer:", so the model answers from what it has thought): an answer
whose text has no ``</think>`` was cut inside its thinking. Its prompt + answer + :data:`CUE` (closing the thinking
and opening a box) is continued greedily for ``--forced-answer-tokens`` with the same weights and graded as the
whole answer; the forced continuations are cached per budget (:func:`s2r_hf.eval.resume.forced_key`). The forced
box is read up to its closing brace; one the model leaves open is closed where the continuation ends.

Writes ``OUTPUT/budgets/<budget>/forced/<task>.jsonl`` (every answer: forced or not, the forced text, verdict,
tokens), ``OUTPUT/budgets/budgets.json`` (per budget × task: accuracy with its 95 % interval, accuracy before
forcing, mean tokens, answers forced) and the curve ``OUTPUT/budgets/s2r_budgets.png``; `s2r card` shows them.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from pathlib import Path

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

FOLDER = "budgets"
SUMMARY = "budgets.json"
CURVE = "s2r_budgets.png"
END_THINK = "</think>"
# s1's cue is the end-of-thinking delimiter + "Final Answer:"; the graders here read the last \boxed{}, so the cue
# opens one: the forced text is then an answer the grader can read, in the training data's final-answer form.
CUE = "\n</think>\n\n**Final Answer**\n\\boxed{"
PRODUCED = "generated at max_new_tokens={budget} (its own run; not truncated from a longer budget)"


def budget_dir(output_dir: str | Path, budget: int) -> Path:
    return Path(output_dir) / FOLDER / str(budget)


def run_budgets(args) -> list[Path]:
    """Every budget's ordinary run (smallest first), then one forcing pass over all of them (the model loaded once,
    only if some cut answer is not forced yet), then the summary and the curve. Returns the results files."""
    from s2r_hf.eval.backends import pick_backend
    from s2r_hf.eval.run import main

    backend = pick_backend(args.backend)
    runs = budget_runs(args)
    written: list[Path] = []
    for budget, sub in runs.items():
        if not args.resume:  # --no-resume: forced answers are generated again too
            _cache_path(Path(sub.output_dir)).unlink(missing_ok=True)
        logger.info("budget %d: %s", budget, sub.output_dir)
        written += main(sub)
    if int(os.environ.get("RANK", "0")) != 0:  # several processes (accelerate): the main one forces and summarises
        return written
    rows = force_all(runs, args, backend)
    summary = write_summary(args, rows)
    logger.info("budget curve: %s", summary.parent / CURVE)
    return written


def budget_runs(args) -> dict:
    """budget → the options of its ordinary run: ``--max-new-tokens <budget>`` into ``OUTPUT/budgets/<budget>/``."""
    return {
        b: replace(args, budgets=None, max_new_tokens=b, output_dir=str(budget_dir(args.output_dir, b)))
        for b in args.budget_list()
    }


def _closed_box(continuation: str) -> str:
    """The forced continuation up to the brace that closes the box the cue opened; closed at its end if left open."""
    depth = 1
    for i, ch in enumerate(continuation):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return continuation[: i + 1]
    return continuation.rstrip() + "}" * depth


def cut_inside_thinking(response: str) -> bool:
    """The budget ran out inside the thinking: no ``</think>`` in the generated text."""
    return END_THINK not in response


def force_all(runs: dict, args, backend: str) -> list[dict]:
    """Read each budget's details, force the answers cut inside the thinking, grade; returns the per-answer rows."""
    from s2r_hf.eval.grade import _problems

    problems = {k: _problems(k, args.data_dir) for k in args.task_keys()}
    prompts = PromptBuilder(args.model)
    caches = {b: _read_cache(budget_dir(args.output_dir, b)) for b in runs}
    pending: list[tuple[int, dict]] = []
    todo: list[tuple[int, str, str]] = []  # (budget, cache key, text to continue)
    queued: set[str] = set()
    for budget, sub in runs.items():
        for row, text in _cut_answers(sub, backend, args, problems, prompts):
            pending.append((budget, row))
            if text is not None and row["forced_key"] not in caches[budget] and row["forced_key"] not in queued:
                queued.add(row["forced_key"])  # identical answers (greedy samples) are forced once
                todo.append((budget, row["forced_key"], text))
    cut = sum(1 for _, row in pending if "forced_key" in row)
    logger.info("%d of %d answers cut inside the thinking; %d to force, the rest cached", cut, len(pending), len(todo))
    if todo:
        _generate_forced(todo, caches, args, backend)
    rows = []
    for budget, row in pending:
        continuation = caches[budget].get(row.get("forced_key"))
        rows.append(grade_row(budget, row, continuation, problems[row["task"]][row["index"]], args.answer_from))
    prompts.count_tokens(rows)
    for budget in runs:
        _write_forced(budget_dir(args.output_dir, budget), [r for r in rows if r["budget"] == budget])
    return rows


def _cut_answers(sub, backend: str, args, problems: dict, prompts: PromptBuilder):
    """(details row, text to continue or None) of every answer of one budget's run; a cut one gets its
    ``forced_key``: the budget's group cache key (weights, data, prompts, sampling, budget) + forcing settings."""
    from s2r_hf.eval.options import sampling_groups
    from s2r_hf.eval.resume import forced_key, group_cache_key

    settings = {"cue": CUE, "tokens": args.forced_answer_tokens, "repetition_penalty": args.repetition_penalty}
    for (n, t, p), keys in sampling_groups(sub).items():
        group = group_cache_key(sub, backend, keys, {"num_samples": n, "temperature": t, "top_p": p})
        for key in keys:
            for row in _details(sub.output_dir, key):
                text = None
                if cut_inside_thinking(row["response"]):
                    text = prompts.prompt(problems[key][row["index"]].question) + row["response"] + CUE
                    row["forced_key"] = forced_key(group, settings, text)
                yield row, text


def _details(output_dir: str, key: str) -> list[dict]:
    from s2r_hf.eval.details import FOLDER as DETAILS

    path = Path(output_dir) / DETAILS / f"{key}.jsonl"
    if not path.is_file():
        raise S2RError(f"{path} is missing: the budget run wrote no details for {key}; re-run the same command")
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def grade_row(budget: int, row: dict, continuation: str | None, problem, answer_from: str) -> dict:
    """One answer graded as the metric grades it, with the forced text appended when it was cut."""
    from lighteval.utils.utils import remove_reasoning_tags

    from s2r_hf.eval.details import extracted_answer
    from s2r_hf.eval.grade import REASONING_TAGS
    from s2r_hf.eval.grader import grade

    forced = None if continuation is None else CUE + _closed_box(continuation)
    text = row["response"] + (forced or "")
    graded = remove_reasoning_tags(text, REASONING_TAGS) if answer_from == "final" else text
    correct = not problem.ungradable and bool(
        grade(graded, problem.gold, problem.multiple_choice, options=problem.options)
    )
    return {
        "budget": budget,
        "task": row["task"],
        "index": row["index"],
        "sample": row["sample"],
        "forced": forced is not None,
        "forced_text": forced,
        "extracted": extracted_answer(graded, problem.multiple_choice),
        "correct": correct,
        "correct_unforced": bool(row["correct"]),
        "text": row["response"] + (continuation or ""),  # what the model generated, for the token count
    }


class PromptBuilder:
    """The prompt lighteval built for a question (its own PromptManager: system prompt + user turn, chat template),
    and token counts, from the model's tokenizer."""

    def __init__(self, model: str):
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model)

    def prompt(self, question: str) -> str:
        from lighteval.tasks.prompt_manager import PromptManager
        from lighteval.tasks.requests import Doc

        from s2r_hf.eval.tasks import SYSTEM_PROMPT

        chat = getattr(self.tokenizer, "chat_template", None) is not None
        manager = PromptManager(use_chat_template=chat, tokenizer=self.tokenizer, system_prompt=SYSTEM_PROMPT)
        return manager.prepare_prompt(Doc(query=question, choices=[""], gold_index=0))

    def count_tokens(self, rows: list[dict]) -> None:
        """``tokens`` of each row: what the model generated (answer + forced continuation, not the cue),
        re-tokenized; ``text`` dropped."""
        texts = [r.pop("text") for r in rows]
        ids = self.tokenizer(texts, add_special_tokens=False)["input_ids"] if texts else []
        for r, i in zip(rows, ids, strict=True):
            r["tokens"] = len(i)


def _cache_path(folder: Path) -> Path:
    return folder / "forced_cache.jsonl"


def _read_cache(folder: Path) -> dict[str, str]:
    path = _cache_path(folder)
    if not path.is_file():
        return {}
    cache = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                entry = json.loads(line)
                cache[entry["key"]] = entry["continuation"]
            except (ValueError, KeyError, TypeError):  # a line cut by a kill: that answer is forced again
                continue
    return cache


def _generate_forced(todo: list[tuple[int, str, str]], caches: dict, args, backend: str) -> None:
    """Continue every text of ``todo``, ``--chunk-size`` at a time (similar lengths together), appending each chunk's
    answers to the cache file of the budget each belongs to, and to ``caches``: a kill loses one chunk at most."""
    from s2r_hf.eval.continuation import continuer

    generate = continuer(args, backend, max(caches) + args.forced_answer_tokens + len(CUE))
    todo = sorted(todo, key=lambda item: len(item[2]))
    size = args.chunk_size or len(todo)
    for start in range(0, len(todo), size):
        chunk = todo[start : start + size]
        answers = generate([text for _, _, text in chunk], args.forced_answer_tokens)
        lines: dict[int, str] = {}
        for (budget, key, _), answer in zip(chunk, answers, strict=True):
            caches[budget][key] = answer
            lines[budget] = (
                lines.get(budget, "") + json.dumps({"key": key, "continuation": answer}, ensure_ascii=False) + "\n"
            )
        for budget, text in lines.items():
            with open(_cache_path(budget_dir(args.output_dir, budget)), "a", encoding="utf-8") as f:
                f.write(text)
        logger.info("forced answers: %d/%d", min(start + size, len(todo)), len(todo))


def _write_forced(folder: Path, rows: list[dict]) -> None:
    """``<budget>/forced/<task>.jsonl``: every answer of the budget, forced or not (audit trail of the curve)."""
    from s2r_hf.io import atomic_write_text

    for task in dict.fromkeys(r["task"] for r in rows):
        mine = [r for r in rows if r["task"] == task]
        atomic_write_text(
            folder / "forced" / f"{task}.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in mine)
        )


def summarise_budgets(rows: list[dict]) -> list[dict]:
    """Per budget × task: accuracy (forced; mean over problems of the mean over samples) with its 95 % interval,
    accuracy before forcing, mean tokens per answer, answers forced."""
    from s2r_hf.eval.intervals import summarise

    table = []
    for budget, task in dict.fromkeys((r["budget"], r["task"]) for r in rows):
        mine = [r for r in rows if r["budget"] == budget and r["task"] == task]
        by_problem: dict = {}
        unforced: dict = {}
        for r in mine:
            by_problem.setdefault(r["index"], []).append(r["correct"])
            unforced.setdefault(r["index"], []).append(r["correct_unforced"])
        s = summarise(list(by_problem.values()))
        table.append(
            {
                "budget": budget,
                "task": task,
                "accuracy": s["pass@1"],
                "ci95": s["ci95"],
                "accuracy_unforced": summarise(list(unforced.values()))["pass@1"],
                "mean_tokens": sum(r["tokens"] for r in mine) / len(mine),
                "answers": len(mine),
                "forced": sum(r["forced"] for r in mine),
                "problems": s["problems"],
                "samples": s["samples"],
                "produced": PRODUCED.format(budget=budget),
            }
        )
    return table


def write_summary(args, rows: list[dict]) -> Path:
    """``budgets/budgets.json`` (the table + how it was made) and the curve beside it; returns the JSON's path."""
    from s2r_hf.cards.plots import budget_figure
    from s2r_hf.io import atomic_write_json

    folder = Path(args.output_dir) / FOLDER
    table = summarise_budgets(rows)
    record = {
        "model": args.model,
        "budgets": args.budget_list(),
        "tasks": args.task_keys(),
        "forcing": {
            "cue": CUE,
            "forced_answer_tokens": args.forced_answer_tokens,
            "decoding": "greedy",
            "when": "no </think> in the generated answer",
            "after": "s1 (arXiv 2501.19393) budget forcing",
        },
        "protocol": args.resolve_protocol().as_dict(),
        "rows": table,
    }
    path = atomic_write_json(folder / SUMMARY, record)
    budget_figure(folder / CURVE, table, title=f"{Path(args.model).name}: accuracy vs answer budget")
    for r in table:
        logger.info(
            "budget %d %s: accuracy %.1f%% (before forcing %.1f%%), %.0f tokens, %d/%d forced",
            *(r["budget"], r["task"], 100 * (r["accuracy"] or 0), 100 * (r["accuracy_unforced"] or 0)),
            *(r["mean_tokens"], r["forced"], r["answers"]),
        )
    return path


def read_summary(results_dir: str | Path) -> dict | None:
    """``budgets/budgets.json`` of an `s2r eval` output folder, or None."""
    path = Path(results_dir) / FOLDER / SUMMARY
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise S2RError(f"{path} is not valid JSON ({err}); re-run `s2r eval --budgets ...` or delete it") from None


def card_section(results_dir: str | Path, figure: str | None) -> list[str]:
    """Markdown lines of the budget table (and the curve, when copied next to the card) for `s2r card`; [] without
    a ``--budgets`` run."""
    summary = read_summary(results_dir)
    if not summary or not summary.get("rows"):
        return []
    lines = [
        "### Accuracy vs answer budget (`s2r eval --budgets`, budget forcing)",
        "",
        "| budget | benchmark | accuracy (%) | 95 % CI (%) | before forcing (%) | mean tokens | forced |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in summary["rows"]:
        ci = f"{100 * r['ci95'][0]:.1f}–{100 * r['ci95'][1]:.1f}" if r.get("ci95") else "–"
        acc = "–" if r.get("accuracy") is None else f"{100 * r['accuracy']:.1f}"
        before = "–" if r.get("accuracy_unforced") is None else f"{100 * r['accuracy_unforced']:.1f}"
        lines.append(
            f"| {r['budget']:,} | {r['task']} | {acc} | {ci} | {before} | {r['mean_tokens']:.0f} | "
            f"{r['forced']}/{r['answers']} |"
        )
    lines += [
        "",
        "Each budget is its own run at that many answer tokens (not truncated from a longer one). An answer cut "
        "inside its thinking (no `</think>`) gets `</think>` and a final-answer cue with an opened `\\boxed{` "
        f"appended and is continued greedily for {summary.get('forcing', {}).get('forced_answer_tokens', '?')} "
        "tokens (budget forcing, as s1); mean tokens = the answer's + the forced continuation's.",
        "",
    ]
    if figure:
        lines += [f"![accuracy vs answer budget]({figure})", ""]
    return lines
