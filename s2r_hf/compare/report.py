"""Write a comparison: ``compare.json`` (every number), ``compare.md`` (tables to read) and ``compare.png``
(distributions side by side, in the style of the dataset card's plot: grey pool, one colour per selection)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from s2r_hf.compare.stats import POOL

COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
POOL_COLOUR = "#b0b0b0"
STATS = ("n", "mean", "p10", "median", "p90", "min", "max")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]


def _numeric_section(title: str, part: dict | None, unit: str = "") -> list[str]:
    if part is None:
        return [f"## {title}", "", f"No selection has {title.lower()} scores.", ""]
    labels = list(part["summary"])
    rows = [[stat, *(part["summary"][label][stat] for label in labels)] for stat in STATS]
    note = [f"Not available for: {', '.join(part['missing'])}.", ""] if part["missing"] else []
    return [f"## {title}{unit}", "", *_table(["", *labels], rows), "", *note]


def _category_section(title: str, part: dict | None) -> list[str]:
    if part is None:
        return [f"## {title}", "", f"No selection has a `{title}` column.", ""]
    labels = list(part["counts"])
    totals = {label: sum(part["counts"][label].values()) or 1 for label in labels}
    rows = [
        [
            value,
            *(f"{part['counts'][lb][value]:,} ({100 * part['counts'][lb][value] / totals[lb]:.1f} %)" for lb in labels),
        ]
        for value in part["values"]
    ]
    return [f"## {title}", "", "Rows (share of the column).", "", *_table([title, *labels], rows), ""]


def markdown(result: dict[str, Any], png_name: str) -> str:
    """``compare.md``: the selections, their overlap, token totals and each distribution as tables."""
    sels = result["selections"]
    lines = ["# s2r compare", "", f"![distributions]({png_name})", ""]
    lines += [f"> **Warning:** {w}" for w in result["warnings"]] + ([""] if result["warnings"] else [])
    keys = ("label", "source", "strategy", "signals", "difficulty scorer", "budget", "rows", "scored", "pool")
    shown = [{**s, "difficulty scorer": _scorer(s), "strategy": _strategy(s)} for s in sels]
    lines += ["## Selections", "", *_table(list(keys), [[s.get(k) for k in keys] for s in shown]), ""]
    prints = ", ".join(f"{_cell(s['label'])}: `{s['pool_fingerprint']}`" for s in sels)
    lines += [f"Pool fingerprints: {prints}.", ""]
    pairs = [[p["a"], p["b"], p["a_rows"], p["b_rows"], p["shared"], p["jaccard"]] for p in result["overlap"]]
    lines += ["## Overlap of the selected ids", "", *_table(["A", "B", "rows A", "rows B", "shared", "Jaccard"], pairs)]
    tok = result["tokens"]
    rows = [
        [lb, t["rows"], t["length_sum"], t["length_unit"], t["length_mean"], t["train_tokens_sum"]]
        for lb, t in tok.items()
    ]
    lines += ["", "## Token totals (selected rows)", ""]
    lines += [*_table(["selection", "rows", "length sum", "unit", "mean length", "train tokens"], rows), ""]
    lines += _numeric_section("Difficulty", result["difficulty"], f" — {result['difficulty_axis']}")
    lines += _numeric_section("Length", result["length"], " (response length)")
    lines += _category_section("problem_type", result["problem_type"])
    lines += _category_section("source", result["source"])
    return "\n".join(lines).rstrip() + "\n"


def _strategy(sel: dict[str, Any]) -> str:
    """``s2r``, or ``s2r (ablation truncate)`` for an `s2r ablate` output (same rows, perturbed traces)."""
    return f"{sel['strategy']} (ablation {sel['ablation']})" if sel.get("ablation") else str(sel["strategy"])


def _scorer(sel: dict[str, Any]) -> str | None:
    """``judge (Qwen/Qwen2.5-1.5B-Instruct)``; None when the selection scored no difficulty."""
    kind, model = sel.get("difficulty_scorer"), sel.get("difficulty_model")
    return f"{kind} ({model})" if kind and model else kind


def _colour(label: str, labels: list[str]) -> str:
    return POOL_COLOUR if label == POOL else COLOURS[labels.index(label) % len(COLOURS)]


def _hist_panel(ax, part: dict | None, xlabel: str, labels: list[str]) -> None:
    """Each column's histogram as a share of its rows (selections differ in size), pool filled grey."""
    if part is None:
        ax.text(0.5, 0.5, f"no {xlabel.split()[0]} scores", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    hist = part["histogram"]
    edges = np.asarray(hist["edges"])
    for label, counts in hist["counts"].items():
        share = np.asarray(counts, dtype=np.float64) / max(sum(counts), 1)
        if label == POOL:
            ax.stairs(share, edges, fill=True, color=POOL_COLOUR, label=POOL)
        else:
            ax.stairs(share, edges, color=_colour(label, labels), linewidth=1.6, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of rows")
    ax.legend(fontsize=8)


def _bar_panel(ax, part: dict | None, name: str, labels: list[str]) -> None:
    """Grouped horizontal bars: each value's share of the rows, one bar per column."""
    if part is None:
        ax.text(0.5, 0.5, f"no {name} column", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    columns = list(part["counts"])
    values = part["values"]
    height = 0.8 / len(columns)
    y = np.arange(len(values))
    for i, label in enumerate(columns):
        counts = np.asarray([part["counts"][label][v] for v in values], dtype=np.float64)
        share = counts / max(counts.sum(), 1)
        ax.barh(y + i * height, share, height=height, color=_colour(label, labels), label=label)
    ax.set_yticks(y + 0.4 - height / 2, [str(v)[:28] for v in values], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"share of rows ({name})")
    ax.legend(fontsize=8)


def figure(path: Path, result: dict[str, Any]) -> Path:
    """``compare.png``: difficulty and log-length histograms, problem_type and source shares, side by side."""
    from s2r_hf.cards.plots import pyplot, save_png

    plt = pyplot()
    labels = [s["label"] for s in result["selections"]]
    units = sorted({t["length_unit"] for t in result["tokens"].values()})
    unit = units[0] if len(units) == 1 else f"mixed units: {', '.join(units)}"
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    _hist_panel(axes[0][0], result["difficulty"], result["difficulty_axis"], labels)
    _hist_panel(axes[0][1], result["length"], f"log10 response length ({unit})", labels)
    _bar_panel(axes[1][0], result["problem_type"], "problem_type", labels)
    _bar_panel(axes[1][1], result["source"], "source", labels)
    fig.suptitle(f"s2r compare: {len(labels)} selections")
    return save_png(fig, path, dpi=100)
