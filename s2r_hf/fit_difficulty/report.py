"""What a fitted difficulty model says about itself: held-out metrics, a calibration plot, the scorer's config
file (``s2r_difficulty.json``) and a model card."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

CALIBRATION_FILE = "calibration.png"


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def correlations(predicted: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Spearman and Pearson of predictions against labels (None where undefined: a constant side)."""
    from scipy.stats import pearsonr, spearmanr

    predicted, labels = np.asarray(predicted, np.float64), np.asarray(labels, np.float64)
    if len(labels) < 2 or np.ptp(predicted) == 0 or np.ptp(labels) == 0:
        return {"spearman": None, "pearson": None, "rows": len(labels)}
    return {
        "spearman": _finite(spearmanr(predicted, labels).statistic),
        "pearson": _finite(pearsonr(predicted, labels).statistic),
        "rows": len(labels),
    }


def calibration_bins(predicted: np.ndarray, labels: np.ndarray, bins: int) -> list[dict[str, float]]:
    """Held-out rows in ``bins`` equal-count bins by prediction: mean prediction vs mean label per bin."""
    order = np.argsort(predicted, kind="stable")
    out = []
    for part in np.array_split(order, min(bins, len(order))):
        if len(part):
            out.append(
                {"predicted": float(predicted[part].mean()), "label": float(labels[part].mean()), "rows": len(part)}
            )
    return out


def calibration_plot(path: Path, predicted: np.ndarray, labels: np.ndarray, bins: list[dict], title: str) -> Path:
    """Scatter of held-out predictions vs labels with the binned means and the diagonal, as a PNG."""
    from s2r_hf.cards.plots import pyplot, save_png

    fig, ax = pyplot().subplots(figsize=(5.2, 4.6))
    ax.scatter(predicted, labels, s=6, color="#b0b0b0", label="held-out rows", rasterized=True)
    ax.plot([b["predicted"] for b in bins], [b["label"] for b in bins], "o-", color="#d62728", label="bin means")
    lo = float(min(predicted.min(), labels.min()))
    hi = float(max(predicted.max(), labels.max()))
    ax.plot([lo, hi], [lo, hi], "--", color="#555555", linewidth=1, label="predicted = label")
    ax.set_xlabel("predicted difficulty")
    ax.set_ylabel("label (higher = harder)")
    ax.set_title(title)
    ax.legend()
    return save_png(fig, path)


def difficulty_config(args, labels_report: dict, metrics: dict, base_model: str, add_special: bool) -> dict[str, Any]:
    """``s2r_difficulty.json``: how a scorer must feed the model and read its output (see s2r_hf.difficulty_input)."""
    from s2r_hf.difficulty_input import INPUT_FORMAT
    from s2r_hf.manifest import public_path

    return {
        "input_format": INPUT_FORMAT,
        "max_length": args.max_length,
        "truncation": "right",
        "add_special_tokens": add_special,
        "higher_is_harder": True,
        "output": "logits[:, 0] (regression head, num_labels=1)",
        "label_source": args.labels,
        "labels": labels_report,
        "base_model": public_path(base_model),
        "metrics": metrics,
    }


CARD_BODY = """
# {name}

A **learned question-difficulty model** for [Select2Reason](https://arxiv.org/abs/2505.17266) data selection,
fitted by `s2r fit-difficulty`: `{base}` with a one-output regression head (`AutoModelForSequenceClassification`,
`num_labels=1`) trained on the question text alone. Higher output = harder. Use it with
`s2r select --difficulty-scorer model --difficulty-model <this repo>`: one prefill pass per question, as cheap as
the prompted judge.

## Labels

{label_source}: {rows_labelled} labelled rows of {rows_read} read (skipped: {skipped}); label mean {mean}.
{note}
## Held-out metrics ({heldout_rows} rows, seeded split)

| model | Spearman | Pearson |
|---|---|---|
| fitted | {spearman} | {pearson} |
| untrained head (same base, random head) | {spearman0} | {pearson0} |

![calibration](calibration.png)

## Input

`{input_format}` (see `s2r_hf/difficulty_input.py`): the question as one user turn of the tokenizer's chat
template, at most {max_length} tokens. `s2r_difficulty.json` beside the weights records this for the scorer.

## Training

{hyper}

Command: `{command}`
"""


SYNTHETIC_NOTE = """
**The synthetic pool's difficulty is synthetic.** These labels are the built-in generator's own per-problem
failure rate (set by each template's level); the pool's `correctness_math_verify` flags are 2–4 coin flips of it,
so even the true level predicts those flags with a Spearman of only about 0.16. A high Spearman here shows the
pipeline learns what the text carries, not that it measures real reasoning difficulty.
"""


def model_card(config: dict, args, hyper: dict, command: str, pool: str | None = None):
    """A ``huggingface_hub.ModelCard`` with the held-out metrics in the body and the metadata."""
    from huggingface_hub import ModelCard, ModelCardData

    from s2r_hf.cards.model import hub_id

    name = Path(args.output_dir).name if not args.push_to_hub else args.push_to_hub.split("/")[-1]
    metrics, labels = config["metrics"], config["labels"]

    def fmt(v) -> str:
        return "–" if v is None else f"{v:.3f}"

    data = ModelCardData(
        model_name=name,
        base_model=hub_id(config["base_model"]),
        datasets=[hub_id(pool)] if hub_id(pool) else None,
        library_name="transformers",
        pipeline_tag="text-classification",
        tags=["select2reason", "difficulty", "regression", "reasoning", "math"],
    )
    body = CARD_BODY.format(
        name=name,
        base=config["base_model"],
        label_source=labels["source"],
        rows_labelled=labels["rows_labelled"],
        rows_read=labels["rows_read"],
        skipped=labels["skipped"] or "none",
        mean=fmt(labels["mean"]),
        note=SYNTHETIC_NOTE if args.label_kind == "synthetic" else "",
        heldout_rows=metrics["heldout"]["rows"],
        spearman=fmt(metrics["heldout"]["spearman"]),
        pearson=fmt(metrics["heldout"]["pearson"]),
        spearman0=fmt(metrics["untrained_head"]["spearman"]),
        pearson0=fmt(metrics["untrained_head"]["pearson"]),
        input_format=config["input_format"],
        max_length=config["max_length"],
        hyper="\n".join(f"- {k}: {v}" for k, v in hyper.items()),
        command=command,
    )
    return ModelCard(f"---\n{data.to_yaml()}\n---\n{body}")
