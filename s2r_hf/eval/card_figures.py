"""The pictures (and the budget table) `s2r card` puts on a model card, beside README.md so they travel with it.

* ``s2r_eval.png``: pass@1 per benchmark, this model against the published baselines
  (:data:`~s2r_hf.eval.card.BASELINES`), with its 95 % interval over problems as error bars where recorded;
* ``s2r_budgets.png`` and the accuracy-vs-budget table, when the results folder holds an `s2r eval --budgets` run
  (:mod:`s2r_hf.eval.budgets`).

:func:`s2r_hf.hub.push_card` uploads every ``s2r_*.png`` of the card's folder in the card's commit.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from s2r_hf.eval.results import ResultRow

logger = logging.getLogger(__name__)

BARS = "s2r_eval.png"


def card_extras(model_dir: Path, rows: list[ResultRow], results_dir: str | Path) -> list[str]:
    """Write the card's pictures into ``model_dir`` (a stale one is removed) and return the markdown lines that show
    them: the bar chart, then the budget section."""
    from s2r_hf.cards.plots import benchmark_figure
    from s2r_hf.eval.budgets import CURVE, FOLDER, card_section
    from s2r_hf.eval.card import BASELINES, card_value

    lines: list[str] = []
    ours = {
        r.benchmark: (card_value(r), (100 * r.ci95[0], 100 * r.ci95[1]) if r.ci95 else None)
        for r in rows
        if r.metric == "pass@1"
    }
    bars = model_dir / BARS
    if ours:
        off = any(r.deviation for r in rows if r.metric == "pass@1")
        title = f"{model_dir.name}: pass@1" + (" (not the paper's settings)" if off else "")
        benchmark_figure(bars, ours, BASELINES, title=title)
        lines += [f"![pass@1 per benchmark vs published baselines, 95 % interval as error bars]({BARS})", ""]
    else:
        bars.unlink(missing_ok=True)
    curve, target = Path(results_dir) / FOLDER / CURVE, model_dir / CURVE
    if curve.is_file():
        shutil.copyfile(curve, target)
    else:
        target.unlink(missing_ok=True)
    lines += card_section(results_dir, CURVE if curve.is_file() else None)
    return lines
