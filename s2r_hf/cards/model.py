"""Model card for a model trained by `s2r train`, from its run record, rendered with ``huggingface_hub.ModelCard``.

The record (``s2r_train.json``) holds the base model, the subset and its selection, the data report,
hyper-parameters, tokens seen, wall time and hardware. Results stay empty until the model is evaluated;
``results`` (benchmark, metric, value) then fill both the table and the ``model-index`` metadata.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from s2r_hf.cards.dataset import template_path
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT

TAGS = ["select2reason", "sft", "trl", "long-cot", "reasoning", "math"]
_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


def hub_id(name: str | None) -> str | None:
    """``name`` when it looks like a Hub repo id and is not a local path, else None (metadata must be Hub ids)."""
    if not name or Path(name).expanduser().exists() or not _HUB_ID.match(name):
        return None
    return name


def find_selection_recipe(dataset_name: str, root: str | Path) -> str | None:
    """The selection recipe under ``root/recipes/selection`` whose ``output_dir`` is ``dataset_name``, if any."""
    import yaml

    folder = Path(root) / "recipes" / "selection"
    want = Path(dataset_name).as_posix().rstrip("/")
    for path in sorted(folder.rglob("config_*.yaml")) if folder.is_dir() else []:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if str(config.get("output_dir", "")).rstrip("/") == want:
            return path.relative_to(root).as_posix()
    return None


def _fmt_seconds(seconds: float) -> str:
    seconds = float(seconds)
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"


def _dataset_view(dataset: dict[str, Any]) -> dict[str, Any]:
    view = dict(dataset)
    repo = hub_id(dataset.get("name"))
    if repo:
        view["url"] = f"https://huggingface.co/datasets/{repo}"
        view["manifest_url"] = f"{view['url']}/blob/main/manifest.json"
    elif dataset.get("kind") == "selection":
        view["manifest_path"] = str(Path(dataset["name"]) / "manifest.json")
    budget = dataset.get("budget") or {}
    if "ratio" in budget:
        view["budget_text"] = f"{100 * float(budget['ratio']):g} %"
    elif "count" in budget:
        view["budget_text"] = f"{budget['count']} rows"
    elif "token_budget" in budget:
        view["budget_text"] = f"{budget['token_budget']} tokens"
    else:
        view["budget_text"] = "whole"
    return view


def build_model_card(
    record: dict[str, Any], *, results: list[dict[str, Any]] | None = None, eval_results: list | None = None
):
    """A ``ModelCard`` (YAML metadata + body) from an `s2r train` run record.

    ``results`` (benchmark, metric, value, optional ``ci95`` [low, high] in %) fill the body's table;
    ``eval_results`` (``huggingface_hub.EvalResult``, as `s2r card` builds them with intervals, settings and the
    "not comparable" note) the ``model-index``; without them the index is built from ``results``.
    """
    from huggingface_hub import EvalResult, ModelCard, ModelCardData

    name = record["model_name"]
    dataset = record["dataset"]
    if eval_results is None:
        eval_results = [
            EvalResult(
                task_type="text-generation",
                dataset_type=r.get("dataset_id", r["benchmark"]),
                dataset_name=r["benchmark"],
                metric_type=r["metric"],
                metric_value=r["value"],
            )
            for r in results or []
        ]
    data = ModelCardData(
        model_name=name,
        base_model=hub_id(record["base_model"]),
        datasets=[d for d in [hub_id(dataset.get("name")), hub_id(dataset.get("pool"))] if d] or None,
        library_name="transformers",
        pipeline_tag="text-generation",
        tags=list(TAGS),
        eval_results=eval_results or None,
    )
    compute = record["compute"]
    return ModelCard.from_template(
        data,
        template_path=template_path("model_card.md"),
        model_name=name,
        base_model=record["base_model"],
        dataset=_dataset_view(dataset),
        data=record["data"],
        system_prompt=REASONING_SYSTEM_PROMPT,
        hyperparameters=record["hyperparameters"],
        compute={
            **compute,
            "wall_time": _fmt_seconds(compute["wall_time_s"]),
            "steps_per_second": f"{compute['steps_per_second']:.3g}",
            "tokens_per_second": f"{compute['tokens_per_second']:.4g}",
            "train_loss": f"{compute['train_loss']:.4f}" if compute.get("train_loss") is not None else "–",
        },
        results=results,
        command=record["command"],
        versions=record["versions"],
    )
