"""The numbers of a comparison, from Arrow columns and numpy arrays only (no Python row dicts): pairwise overlap of
the selected ids, difficulty / length / problem_type / source distributions side by side, token totals.

Every function returns JSON-ready values (lists, floats, ints), so :mod:`.report` writes them unchanged.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from s2r_hf.compare.read import Selection

POOL = "pool"  # the reference column: every scored row of the (shared) pool
OTHER, MISSING = "(other)", "(missing)"


def overlap(selections: list[Selection]) -> list[dict[str, Any]]:
    """Every pair: rows of each, ids in both (hash membership in Arrow), Jaccard = shared / union."""
    import pyarrow.compute as pc

    pairs = []
    for a, b in combinations(selections, 2):
        shared = int(pc.sum(pc.is_in(a.ids, value_set=b.ids)).as_py() or 0)
        union = len(a.ids) + len(b.ids) - shared
        pairs.append(
            {
                "a": a.label,
                "b": b.label,
                "a_rows": len(a.ids),
                "b_rows": len(b.ids),
                "shared": shared,
                "only_a": len(a.ids) - shared,
                "only_b": len(b.ids) - shared,
                "jaccard": round(shared / union, 6) if union else 1.0,
            }
        )
    return pairs


def _values(table, name: str) -> np.ndarray | None:
    """A numeric column as float64 with nulls/NaN removed; None when the table lacks it."""
    if table is None or name not in table.column_names:
        return None
    values = table[name].to_numpy().astype(np.float64, copy=False)
    return values[np.isfinite(values)]


def summary(values: np.ndarray) -> dict[str, float | int | None]:
    """n, mean and quantiles of one column."""
    if values.size == 0:
        return {"n": 0, "mean": None, "p10": None, "median": None, "p90": None, "min": None, "max": None}
    p10, median, p90 = np.quantile(values, [0.1, 0.5, 0.9])
    out = {"mean": values.mean(), "p10": p10, "median": median, "p90": p90, "min": values.min(), "max": values.max()}
    return {"n": int(values.size), **{k: round(float(v), 6) for k, v in out.items()}}


def numeric(columns: dict[str, np.ndarray | None], bins: int, log10: bool = False) -> dict[str, Any] | None:
    """Summaries and histograms on shared edges (over every column, the pool's included) of one measure."""
    present = {label: v for label, v in columns.items() if v is not None}
    if not present or not any(v.size for v in present.values()):
        return None
    shown = {label: np.log10(np.maximum(v, 1.0)) if log10 else v for label, v in present.items()}
    joined = np.concatenate([v for v in shown.values() if v.size])
    low, high = float(joined.min()), float(joined.max())
    edges = np.linspace(low, high if high > low else low + 1.0, bins + 1)
    return {
        "summary": {label: summary(v) for label, v in present.items()},
        "histogram": {
            "scale": "log10" if log10 else "linear",
            "edges": [round(float(e), 6) for e in edges],
            "counts": {label: np.histogram(v, bins=edges)[0].tolist() for label, v in shown.items()},
        },
        "missing": sorted(label for label, v in columns.items() if v is None),
    }


def categorical(tables: dict[str, Any], name: str, top: int) -> dict[str, Any] | None:
    """Row counts per value of a text column (``problem_type``, ``source``) for each table: the ``top`` values
    most frequent over all tables by name, the rest summed as (other), nulls as (missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    counts: dict[str, dict[str, int]] = {}
    for label, table in tables.items():
        if table is None or name not in table.column_names:
            continue
        try:
            column = pc.fill_null(table[name].cast("string"), MISSING)
        except pa.ArrowException:  # a list or struct column: no categories to count
            continue
        pairs = pc.value_counts(column)
        keys = pairs.field("values").to_pylist()  # distinct values only: a handful of names, not rows
        counts[label] = dict(zip(keys, pairs.field("counts").to_pylist(), strict=True))
    if not counts:
        return None
    total: dict[str, int] = {}
    for per in counts.values():
        for key, n in per.items():
            total[key] = total.get(key, 0) + n
    ranked = sorted(total, key=lambda k: (-total[k], k))
    named, rest = ranked[:top], set(ranked[top:])
    values = named + ([OTHER] if rest else [])
    table = {}
    for label, per in counts.items():
        row = {key: per.get(key, 0) for key in named}
        if rest:
            row[OTHER] = sum(n for key, n in per.items() if key in rest)
        table[label] = row
    return {"values": values, "counts": table, "missing": sorted(set(tables) - set(counts))}


def tokens(sel: Selection) -> dict[str, Any]:
    """Rows and token totals of the selected rows (``length`` in the selection's unit; ``train_tokens`` when
    written), with the manifest's own totals for a cross-check."""
    length, train = _values(sel.chosen, "length"), _values(sel.chosen, "train_tokens")
    counts = sel.manifest.counts or {}
    return {
        "rows": len(sel.ids),
        "length_unit": sel.length_unit,
        "length_sum": int(length.sum()) if length is not None and length.size else None,
        "length_mean": round(float(length.mean()), 3) if length is not None and length.size else None,
        "train_tokens_sum": int(train.sum()) if train is not None and train.size else None,
        "manifest_selected_length_sum": counts.get("selected_length_sum"),
        "manifest_selected_train_tokens": counts.get("selected_train_tokens"),
    }


def reference_pool(selections: list[Selection]):
    """The shared pool's scored rows (the one with the most measures), or None when the pools differ."""
    fingerprints = {s.manifest.pool_fingerprint for s in selections}
    pools = [s.pool for s in selections if s.pool is not None]
    if len(fingerprints) != 1 or None in fingerprints or not pools:
        return None
    return max(pools, key=lambda t: len(t.column_names))


def signals_of(manifest) -> str | None:
    """What the selection ranked by, as ``--signals`` writes it (``difficulty:0.25,length:0.75``): the manifest's
    ``signals`` record; for a manifest without one, s2r's ``--weight`` or a one-signal strategy; None for a
    strategy that ranks by no signal (random, stratified, full)."""
    from s2r_hf.option_defaults import DEFAULT_WEIGHT
    from s2r_hf.signals import format_signals, weight_signals

    weights = (manifest.extra.get("signals") or {}).get("weights") if isinstance(manifest.extra, dict) else None
    if isinstance(weights, dict) and weights and all(isinstance(w, int | float) for w in weights.values()):
        return format_signals(weights)
    strategy = manifest.selection.strategy
    if strategy == "s2r":  # written before --signals existed: the paper's joint rank
        weight = manifest.selection.weight
        return format_signals(weight_signals(DEFAULT_WEIGHT if weight is None else weight))
    return f"{strategy}:1" if strategy in ("difficulty", "length") else None


def scorer_of(manifest) -> tuple[str | None, str | None]:
    """(kind, model) of the difficulty scorer the selection ran: judge / passrate / model and the judge or model
    it loaded; (None, None) when it scored no difficulty."""
    key = manifest.scorer
    if not isinstance(key, dict) or not key:
        return None, None
    kind = key.get("scorer") or ("judge" if "judge" in key else manifest.scoring.difficulty_scorer)
    model = key.get("judge") or key.get("model")
    return str(kind), str(model) if model is not None else None


def difficulty_kinds(selections: list[Selection]) -> dict[str, str]:
    """label → the scorer kind of the difficulty shown for it (its own, or that of the selection it was looked up
    in); selections without difficulty are absent, one whose scorer is unrecorded is ``unknown``."""
    own = {s.label: scorer_of(s.manifest)[0] for s in selections}
    kinds = {}
    for s in selections:
        if "difficulty" in s.chosen.column_names:
            kinds[s.label] = own.get(s.borrowed.get("difficulty", s.label)) or "unknown"
    return kinds


def difficulty_axis(kinds: dict[str, str]) -> str:
    """The difficulty axis's name: the scorer's measure when every shown difficulty comes from one kind, else a
    neutral one (scales of different kinds are not comparable)."""
    from s2r_hf.cards.plots import DIFFICULTY_AXIS, NEUTRAL_DIFFICULTY

    found = set(kinds.values())
    return DIFFICULTY_AXIS.get(found.pop(), NEUTRAL_DIFFICULTY) if len(found) == 1 else NEUTRAL_DIFFICULTY


def describe(sel: Selection) -> dict[str, Any]:
    """What a reader needs to tell the selections apart (from the manifest, read through its option views)."""
    options = sel.manifest.selection
    budget = sel.manifest.budget
    kind, model = scorer_of(sel.manifest)
    return {
        "label": sel.label,
        "source": sel.source,
        "strategy": options.strategy,
        "ablation": (sel.manifest.ablation or {}).get("transform"),  # an `s2r ablate` output: its traces perturbed
        "weight": options.weight,
        "signals": signals_of(sel.manifest),
        "difficulty_scorer": kind,
        "difficulty_model": model,
        "budget": f"{budget[0]}={budget[1]}" if budget else None,
        "pool": sel.manifest.pool.pool,
        "pool_fingerprint": sel.manifest.pool_fingerprint,
        "rows": len(sel.ids),
        "scored": (sel.manifest.counts or {}).get("scored"),
        "has_scores_file": sel.pool is not None,
        "borrowed": dict(sel.borrowed),
    }


SCORER_KEYS = ("scorer", "judge", "weights", "prompt")  # what puts two difficulty columns on one scale


def consistency_warnings(selections: list[Selection]) -> list[str]:
    """What makes the side-by-side numbers not comparable: other pools, other length units, other judges."""
    warnings = []
    if len({s.manifest.pool_fingerprint for s in selections}) > 1:
        warnings.append(
            "the selections come from different pools (pool_fingerprint differs): ids are compared as they are, "
            "and no pool column is shown"
        )
    units = {s.label: s.length_unit for s in selections}
    if len(set(units.values())) > 1:
        warnings.append("length is counted in different units: " + ", ".join(f"{k}: {v}" for k, v in units.items()))
    judged = {
        s.label: tuple((s.manifest.scorer or {}).get(k) for k in SCORER_KEYS)
        for s in selections
        if s.manifest.scorer and "difficulty" in s.chosen.column_names and "difficulty" not in s.borrowed
    }
    kinds = difficulty_kinds(selections)
    if len(set(kinds.values())) > 1:
        warnings.append(
            "difficulty comes from scorers of different kinds ("
            + ", ".join(f"{label}: {kind}" for label, kind in kinds.items())
            + "): a judge's p(\"1\"), 1 − pass rate and a fitted model's output are on different scales, so their "
            "difficulty distributions are not comparable (the figure's axis says only: higher = harder)"
        )
    elif len(set(judged.values())) > 1:
        warnings.append(
            "difficulty comes from different scorers (judge, weights or prompt differ) in "
            + ", ".join(judged)
            + ": its scales need not agree"
        )
    for s in selections:
        for name, donor in s.borrowed.items():
            warnings.append(f"{s.label} has no {name} of its own: its rows' {name} is looked up in {donor}")
    return warnings


def compare(selections: list[Selection], *, bins: int, top: int) -> dict[str, Any]:
    """The whole comparison as one JSON-ready dict."""
    pool = reference_pool(selections)
    tables = {s.label: s.chosen for s in selections} | ({POOL: pool} if pool is not None else {})
    warnings = consistency_warnings(selections)
    return {
        "selections": [describe(s) for s in selections],
        "same_pool": pool is not None,
        "warnings": warnings,
        "overlap": overlap(selections),
        "tokens": {s.label: tokens(s) for s in selections},
        "difficulty": numeric({k: _values(t, "difficulty") for k, t in tables.items()}, bins),
        "difficulty_axis": difficulty_axis(difficulty_kinds(selections)),
        "length": numeric({k: _values(t, "length") for k, t in tables.items()}, bins, log10=True),
        "problem_type": categorical(tables, "problem_type", top),
        "source": categorical(tables, "source", top),
    }
