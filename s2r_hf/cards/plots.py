"""The pictures on the cards: where the selected rows sit in the score distributions (dataset card), the model's
benchmark scores against the published baselines and its accuracy against the answer budget (model card)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from s2r_hf.io import temp_path

DIFFICULTY_AXIS = {  # what a difficulty axis measures, per --difficulty-scorer (scores.png, compare.png)
    "judge": 'difficulty  p("1") / (p("1") + p("0"))',
    "passrate": "difficulty  1 − pass rate",
    "model": "difficulty  (fitted model's output)",
}
NEUTRAL_DIFFICULTY = "difficulty score (higher = harder)"  # scorers mixed or unknown


def score_figure(
    path: str | Path,
    *,
    length: np.ndarray,
    selected: np.ndarray,
    difficulty: np.ndarray | None,
    length_unit: str,
    title: str,
    difficulty_label: str = DIFFICULTY_AXIS["judge"],
) -> Path:
    """Histograms of difficulty and length (pool vs selected) and their scatter, as a PNG."""
    plt = pyplot()
    panels = 3 if difficulty is not None else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.2), squeeze=False)
    axes = axes[0]
    length = np.asarray(length, dtype=np.float64)
    log_len = np.log10(np.maximum(length, 1))
    bins = np.linspace(log_len.min(), log_len.max() + 1e-9, 40)
    ax = axes[-1] if difficulty is not None else axes[0]
    ax.hist(log_len, bins=bins, color="#b0b0b0", label="pool")
    ax.hist(log_len[selected], bins=bins, color="#d62728", alpha=0.85, label="selected")
    ax.set_xlabel(f"log10 response length ({length_unit})")
    ax.set_ylabel("rows")
    ax.legend()
    if difficulty is not None:
        d = np.asarray(difficulty, dtype=np.float64)
        dbins = np.linspace(np.nanmin(d), np.nanmax(d) + 1e-9, 40)
        axes[0].hist(d, bins=dbins, color="#b0b0b0", label="pool")
        axes[0].hist(d[selected], bins=dbins, color="#d62728", alpha=0.85, label="selected")
        axes[0].set_xlabel(difficulty_label)
        axes[0].set_ylabel("rows")
        axes[0].legend()
        axes[1].scatter(log_len[~selected], d[~selected], s=3, color="#b0b0b0", label="not selected", rasterized=True)
        axes[1].scatter(log_len[selected], d[selected], s=4, color="#d62728", label="selected", rasterized=True)
        axes[1].set_xlabel(f"log10 response length ({length_unit})")
        axes[1].set_ylabel("difficulty")
        axes[1].legend(markerscale=3)
    fig.suptitle(title)
    return save_png(fig, path)


def pyplot():
    """matplotlib's pyplot on the Agg backend (no display needed), for every figure s2r draws."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_png(fig, path: str | Path, dpi: int = 110) -> Path:
    """Write ``fig`` as a PNG atomically (a reader never sees half a file) and close it."""
    plt = pyplot()
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        fig.savefig(tmp, dpi=dpi, format="png")
        tmp.replace(path)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
    return path


def benchmark_figure(path: str | Path, ours: dict[str, tuple], baselines: dict[str, dict[str, float]], *, title: str):
    """Grouped bars per benchmark: this model (``ours``: benchmark → (pass@1 %, (low %, high %) or None), its 95 %
    interval as error bars) and each published baseline that reports that benchmark."""
    plt = pyplot()
    benches = list(ours)
    series = [("this model", {b: v for b, (v, _) in ours.items()})]
    series += [(name, scores) for name, scores in baselines.items() if any(b in scores for b in benches)]
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(4.5, 1.6 * len(benches) * len(series) ** 0.5), 4.2))
    x = np.arange(len(benches))
    for i, (name, scores) in enumerate(series):
        values = np.array([scores.get(b, np.nan) for b in benches], dtype=np.float64)
        errors = None
        if i == 0:
            ci = [ours[b][1] for b in benches]
            low = [v - c[0] if c else 0.0 for v, c in zip(values, ci, strict=True)]
            high = [c[1] - v if c else 0.0 for v, c in zip(values, ci, strict=True)]
            errors = np.clip(np.array([low, high]), 0, None) if any(ci) else None
        ax.bar(
            x + (i - (len(series) - 1) / 2) * width,
            values,
            width,
            yerr=errors,
            capsize=3,
            label=name,
            color="#d62728" if i == 0 else None,
        )
    ax.set_xticks(x, benches)
    ax.set_ylabel("pass@1 (%)")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return save_png(fig, path)


def budget_figure(path: str | Path, rows: list[dict], *, title: str) -> Path:
    """Accuracy (%, the 95 % interval shaded) and mean tokens per answer against the answer budget (log2 axis), one
    line per benchmark."""
    plt = pyplot()
    fig, (acc, tokens) = plt.subplots(1, 2, figsize=(10.4, 4.2))
    budgets = sorted({r["budget"] for r in rows})
    for task in dict.fromkeys(r["task"] for r in rows):
        mine = sorted((r for r in rows if r["task"] == task and r["accuracy"] is not None), key=lambda r: r["budget"])
        x = [r["budget"] for r in mine]
        acc.plot(x, [100 * r["accuracy"] for r in mine], marker="o", label=task)
        if mine and all(r.get("ci95") for r in mine):
            acc.fill_between(x, [100 * r["ci95"][0] for r in mine], [100 * r["ci95"][1] for r in mine], alpha=0.15)
        tokens.plot(x, [r["mean_tokens"] for r in mine], marker="o", label=task)
    for ax, label in ((acc, "accuracy (%, budget forcing)"), (tokens, "mean tokens per answer")):
        ax.set_xscale("log", base=2)
        ax.set_xticks(budgets, [f"{b:,}" for b in budgets])
        ax.minorticks_off()
        ax.set_xlabel("answer budget (tokens)")
        ax.set_ylabel(label)
        ax.legend(fontsize=8)
    acc.set_ylim(0, 100)
    fig.suptitle(title)
    return save_png(fig, path)
