"""Per-sample details of an `s2r eval` run, kept beside the results so anyone can audit a number without re-running.

``OUTPUT/details/<task>.jsonl``: one line per answer (problem × sample) with the row index in the benchmark
file, the prompt, the raw response, the extracted answer, the verdict and the gold — the same ``task``/``index``/
``response`` fields ``s2r grade`` reads, so saved details can be re-graded after a grader upgrade.
``OUTPUT/details/<task>.json``: the run (results file, protocol, sampling, budget, backend, data source, package
versions) and the summary the card shows (pass@1, its 95 % interval over problems, the spread across runs).
Both are written atomically and replaced by the next run of that task, as its results are.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
from pathlib import Path
from typing import Any

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

FOLDER = "details"
PREFIX = "s2r_"
VERSIONED = ("lighteval", "math-verify", "latex2sympy2_extended", "transformers", "vllm", "torch", "s2r_hf")


def package_versions(backend: str) -> dict[str, str]:
    """Versions of what decides the numbers: harness, grader and its LaTeX parser, the backend, torch, s2r_hf."""
    skip = "transformers" if backend == "vllm" else "vllm"
    out = {}
    for name in VERSIONED:
        if name == skip:
            continue
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def extracted_answer(text: str, multiple_choice: bool) -> str | None:
    """What the grader reads from ``text``: the option letter or the last box's content. The one call site to
    switch when the grader offers its own extraction."""
    from s2r_hf.eval.grader import boxed_content, choice_letter

    if multiple_choice:
        return choice_letter(text) or boxed_content(text)
    return boxed_content(text)


def _prompt(response, doc) -> str:
    value = getattr(response, "input", None)
    if isinstance(value, str) and value:
        return value
    if value:
        return json.dumps(value, ensure_ascii=False, default=str)
    return doc.query


def sample_rows(key: str, doc, response, n: int) -> list[dict[str, Any]]:
    """The detail lines of one problem: its first ``n`` answers, graded as the metric grades them."""
    from s2r_hf.eval.metrics import verdicts

    specific = doc.specific or {}
    gold = doc.get_golds()[0]
    graded = list(response.final_text)[:n]
    correct = verdicts(graded, gold, specific)
    multiple_choice = bool(specific.get("multiple_choice", False))
    rows = []
    for j, (raw, text, ok) in enumerate(zip(list(response.text)[:n], graded, correct, strict=False)):
        row = {
            "task": key,
            "index": int(doc.id) if str(doc.id).isdigit() else doc.id,
            "sample": j,
            "prompt": _prompt(response, doc),
            "response": raw,
            "extracted": extracted_answer(text, multiple_choice),
            "correct": bool(ok),
            "gold": gold,
        }
        if specific.get("ungradable"):
            row["ungradable"] = specific["ungradable"]
        rows.append(row)
    return rows


def write_task(folder: Path, key: str, rows: list[dict], run: dict) -> tuple[Path, Path]:
    """``<key>.jsonl`` (the rows, sorted by index and sample) and ``<key>.json`` (``run`` + the summary)."""
    from s2r_hf.eval.intervals import summarise
    from s2r_hf.io import atomic_write_json, atomic_write_text

    rows = sorted(rows, key=lambda r: (str(type(r["index"])), r["index"], r["sample"]))
    by_problem: dict[Any, list[bool]] = {}
    for r in rows:
        by_problem.setdefault(r["index"], []).append(r["correct"])
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    details = atomic_write_text(folder / f"{key}.jsonl", lines)
    meta = {**run, "task": key, "details": details.name, "summary": summarise(list(by_problem.values()))}
    return details, atomic_write_json(folder / f"{key}.json", meta)


def write_pipeline_details(pipeline, out: Path, keys: list[str], run: dict, num_samples: int) -> dict[str, Path]:
    """Write the details of every task of a finished lighteval ``pipeline``; ``run`` names the results file,
    protocol, sampling… Returns key → metadata path."""
    details = pipeline.evaluation_tracker.details_logger.details
    written = {}
    for key in keys:
        entries = next((v for task, v in details.items() if task.split("|")[0] == PREFIX + key), None)
        if entries is None:
            logger.warning("%s: lighteval logged no per-sample details; none written", key)
            continue
        rows = []
        for entry in entries:
            lines = sample_rows(key, entry.doc, entry.model_response, num_samples)
            metric = (entry.metric or {}).get("pass@1")
            mine = sum(r["correct"] for r in lines) / len(lines) if lines else 0.0
            if metric is not None and abs(metric - mine) > 1e-9:
                logger.warning("%s row %s: details grade %.3f, the metric %.3f", key, entry.doc.id, mine, metric)
            rows += lines
        _, meta = write_task(out / FOLDER, key, rows, run)
        written[key] = meta
    return written


def read_run(results_dir: str | Path, key: str) -> dict | None:
    """The ``<key>.json`` of a results folder, or None."""
    path = Path(results_dir) / FOLDER / f"{key}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise S2RError(f"{path} is not valid JSON ({err}); re-run `s2r eval` for {key} or delete it") from None
