"""The picture on the dataset card: where the selected rows sit in the score distributions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from s2r_hf.io import temp_path


def score_figure(
    path: str | Path,
    *,
    length: np.ndarray,
    selected: np.ndarray,
    difficulty: np.ndarray | None,
    length_unit: str,
    title: str,
) -> Path:
    """Histograms of difficulty and length (pool vs selected) and their scatter, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

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
        axes[0].set_xlabel('difficulty  p("1") / (p("1") + p("0"))')
        axes[0].set_ylabel("rows")
        axes[0].legend()
        axes[1].scatter(log_len[~selected], d[~selected], s=3, color="#b0b0b0", label="not selected", rasterized=True)
        axes[1].scatter(log_len[selected], d[selected], s=4, color="#d62728", label="selected", rasterized=True)
        axes[1].set_xlabel(f"log10 response length ({length_unit})")
        axes[1].set_ylabel("difficulty")
        axes[1].legend(markerscale=3)
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    tmp = temp_path(path)
    fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    tmp.replace(path)
    return path
