"""Difficulty labels for `s2r fit-difficulty`: one number per question, higher = harder.

Every source ends as ``(questions, labels)`` plus a report of how many rows were read, labelled and skipped
(by reason). Pass-rate sources are turned into ``1 − pass rate`` so the fitted model ranks the same way as
the judge's p("1"): a harder question scores higher.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

NUMERIC_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32")
NUMERIC_DTYPES += ("float64", "double", "float")


@dataclass
class Labelled:
    """The questions and labels to fit on, and where they came from."""

    questions: list[str]
    labels: np.ndarray
    source: str
    rows_read: int
    skipped: dict[str, int] = field(default_factory=dict)

    def report(self) -> dict:
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_labelled": len(self.labels),
            "skipped": dict(sorted(self.skipped.items())),
            "higher_is_harder": True,
            "mean": float(np.mean(self.labels)) if len(self.labels) else None,
        }


def numeric_columns(features) -> list[str]:
    """Columns of plain numbers (ints or floats) among ``features``."""
    return [n for n, f in features.items() if getattr(f, "dtype", None) in NUMERIC_DTYPES]


def _values(ds, column: str) -> list:
    """A column as Python values, through any row selection (``ds.data`` is the table before ``select``)."""
    return ds.with_format("arrow")[column].to_pylist()


def _questions(raw, column: str) -> list:
    if column not in raw.column_names:
        raise S2RError(
            f"the pool has no question column {column!r} (columns: {', '.join(raw.column_names)}); "
            "name it with --question-column"
        )
    return _values(raw, column)


def _keep(questions: list, values: list, source: str) -> Labelled:
    """Pair questions with label values, skipping (and counting) rows without a question or a finite label."""
    kept_q, kept_v, skipped = [], [], Counter()
    for q, v in zip(questions, values, strict=True):
        if not isinstance(q, str) or not q.strip():
            skipped["no question text"] += 1
        elif v is None or (isinstance(v, float) and not math.isfinite(v)):
            skipped["no label"] += 1
        else:
            kept_q.append(q)
            kept_v.append(float(v))
    return Labelled(kept_q, np.asarray(kept_v, dtype=np.float64), source, len(questions), dict(skipped))


def openr1_labels(raw, question_column: str) -> Labelled:
    """1 − the share of the row's generations that math-verify accepts (``correctness_math_verify``)."""
    if "correctness_math_verify" not in raw.column_names:
        raise S2RError(
            "--labels openr1 needs the OpenR1 column correctness_math_verify (a list of booleans per row); the pool "
            f"has {', '.join(raw.column_names)}. Use --labels column:NAME or --labels passrate --sample N"
        )
    flags = _values(raw, "correctness_math_verify")
    values = [None if not f else 1.0 - sum(bool(x) for x in f) / len(f) for f in flags]
    return _keep(_questions(raw, question_column), values, "openr1: 1 - fraction of correct_math_verify traces")


def column_labels(raw, name: str, question_column: str) -> Labelled:
    """A numeric column as it is (its direction is the user's: higher must mean harder)."""
    numeric = numeric_columns(raw.features)
    if name not in numeric:
        what = "has no column" if name not in raw.column_names else "has a non-numeric column"
        raise S2RError(
            f"--labels column:{name}: the pool {what} {name!r}; its numeric columns: {', '.join(numeric) or '(none)'}"
        )
    return _keep(_questions(raw, question_column), _values(raw, name), f"column {name}")


def synthetic_labels(raw, question_column: str) -> Labelled:
    """The built-in pool's generator difficulty: 1 − the per-trace pass rate its template level was drawn with.

    Synthetic by construction: the traces' ``correctness_math_verify`` are 2-4 coin flips with this chance, so
    they carry the same signal with far more noise.
    """
    from s2r_hf.synthetic.openr1_pool import row_difficulty, trace_pass_rate

    ids = _values(raw, "uuid") if "uuid" in raw.column_names else []
    values = []
    for i, row_uuid in enumerate(ids):
        expected_uuid, level = row_difficulty(0, i)
        if row_uuid != expected_uuid:
            raise S2RError(
                f"--labels synthetic: row {i} is not row {i} of the built-in pool (uuid {row_uuid!r}); these labels "
                "exist only for --pool s2r:synthetic-openr1. Use --labels openr1 or column:NAME"
            )
        values.append(1.0 - trace_pass_rate(level))
    if not ids:
        raise S2RError("--labels synthetic exists only for the built-in pool (--pool s2r:synthetic-openr1)")
    return _keep(_questions(raw, question_column), values, "synthetic: 1 - the generator's per-trace pass rate")


def passrate_labels(raw, args, cache_dir: str, device) -> Labelled:
    """1 − pass rate of ``--passrate-samples`` sampled solutions on a seeded sample of ``--sample`` rows.

    Every process scores the same rows with the same per-row seeds (identical labels on every rank).
    """
    from s2r_hf.configs import ScoringArguments
    from s2r_hf.scoring.passrate import build_passrate

    if "answer" not in raw.column_names:
        raise S2RError(
            f"--labels passrate grades against an 'answer' column; the pool has {', '.join(raw.column_names)}"
        )
    rows = sample_indices(len(raw), args.sample, args.seed)
    part = raw.select(rows)
    questions = _questions(part, args.question_column)
    answers = [a if isinstance(a, str) else "" for a in _values(part, "answer")]
    scoring = ScoringArguments(
        judge=args.passrate_model,
        passrate_samples=args.passrate_samples,
        passrate_max_new_tokens=args.passrate_max_new_tokens,
        passrate_temperature=args.passrate_temperature,
        passrate_top_p=args.passrate_top_p,
    )
    scorer = build_passrate(scoring, cache_dir, device, args.seed)
    has_text = [i for i, q in enumerate(questions) if isinstance(q, str) and q.strip()]
    values: list = [None] * len(questions)
    if has_text:
        scored = scorer.score([questions[i] for i in has_text], [answers[i] for i in has_text])
        for i, d in zip(has_text, scored["difficulty"], strict=True):
            values[i] = d
    labelled = _keep(questions, values, f"passrate: 1 - pass rate of {args.passrate_samples} samples")
    labelled.rows_read = len(raw)
    labelled.skipped["not sampled"] = len(raw) - len(rows)
    return labelled


def sample_indices(n: int, k: int | None, seed: int) -> list[int]:
    """A seeded sample of ``k`` of ``n`` indices, in index order (all of them when ``k`` is None or ≥ n)."""
    if k is None or k >= n:
        return list(range(n))
    return sorted(np.random.default_rng(seed).choice(n, size=k, replace=False).tolist())


def make_labels(raw, args, cache_dir: str, device) -> Labelled:
    """The labels ``--labels`` names, cut to ``--sample`` rows (passrate samples before it scores)."""
    kind = args.label_kind
    if kind == "passrate":
        labelled = passrate_labels(raw, args, cache_dir, device)
    elif kind == "openr1":
        labelled = openr1_labels(raw, args.question_column)
    elif kind == "synthetic":
        labelled = synthetic_labels(raw, args.question_column)
    else:
        labelled = column_labels(raw, args.label_column, args.question_column)
    if kind != "passrate" and args.sample is not None and args.sample < len(labelled.labels):
        keep = sample_indices(len(labelled.labels), args.sample, args.seed)
        labelled.skipped["not sampled"] = len(labelled.labels) - len(keep)
        labelled.questions = [labelled.questions[i] for i in keep]
        labelled.labels = labelled.labels[keep]
    if len(labelled.labels) < 4:
        raise S2RError(
            f"only {len(labelled.labels)} labelled rows (skipped: {labelled.skipped}); a fit needs at least 4 "
            "(check --labels and --question-column)"
        )
    if np.ptp(labelled.labels) == 0:
        logger.warning(
            "every label is %g: there is nothing to learn, and Spearman/Pearson are undefined (reported as null)",
            labelled.labels[0],
        )
    logger.info("labels: %s", labelled.report())
    return labelled


def split(n: int, eval_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train, held-out) index arrays; at least one row on each side."""
    order = np.random.default_rng(seed).permutation(n)
    n_eval = min(n - 1, max(1, round(eval_fraction * n)))
    return np.sort(order[n_eval:]), np.sort(order[:n_eval])
