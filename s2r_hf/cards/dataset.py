"""Dataset card for a selection, from its manifest, rendered with ``huggingface_hub.DatasetCard``."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

import numpy as np

from s2r_hf.manifest import Manifest


def template_path(name: str) -> str:
    """A template under ``model_cards/`` (source checkout) or the copy packaged as ``s2r_hf._model_cards``."""
    source = Path(__file__).resolve().parents[2] / "model_cards" / name
    if source.exists():
        return str(source)
    return str(importlib.resources.files("s2r_hf._model_cards") / name)


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M"


def _mean(values: np.ndarray | None, mask: np.ndarray | None = None) -> str:
    if values is None:
        return "–"
    v = np.asarray(values, dtype=np.float64)
    v = v[mask] if mask is not None else v
    return f"{np.nanmean(v):.4g}" if len(v) else "–"


FOLDER_CONFIG = {"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}  # a folder's


def split_info(parquet_path: str | Path, features) -> dict[str, Any]:
    """``dataset_info`` card metadata for one parquet train split (from the file's footer; no data read).

    Besides informing the Hub viewer, it makes ``load_dataset(<output folder>)`` safe: datasets 5.2 keys its
    cache for a folder with a ``configs`` card only on the folder name and this metadata, so without it two
    selections in folders of the same name (``a/out``, ``b/out``) load as the same cached dataset.
    """
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(parquet_path).metadata
    num_bytes = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return {
        "features": features._to_yaml_list(),
        "splits": [{"name": "train", "num_bytes": int(num_bytes), "num_examples": int(meta.num_rows)}],
        "download_size": int(Path(parquet_path).stat().st_size),
        "dataset_size": int(num_bytes),
    }


def decontam_view(summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """The card's decontamination block from the manifest's ``counts.decontamination`` (None: not run, or a
    manifest written before it was recorded)."""
    if not summary:
        return None
    rows_in = summary.get("rows_in") or 0
    dropped = summary.get("dropped", {})
    total = sum(dropped.values())
    if summary.get("method") == "ngram8":
        rule = f"one shared word {summary.get('ngram')}-gram, as open-r1 and s1"
    else:
        rule = (
            f"holds ≥ {summary.get('threshold', 0):.0%} of one problem's informative {summary.get('ngram')}-grams, "
            "or equals it with digits removed"
        )
    warn_above = summary.get("warn_above", 0.05)
    return {
        "method": summary.get("method"),
        "rule": rule,
        "dropped": dropped,
        "total": total,
        "rows_in": rows_in,
        "percent": f"{100 * total / rows_in:.2f}" if rows_in else "0.00",
        "warn": bool(rows_in) and total / rows_in > warn_above,
        "warn_percent": f"{100 * warn_above:g}",
        "rows": [
            {
                "name": name,
                "problems": summary.get("benchmark_problems", {}).get(name, "–"),
                "dropped": n,
                "percent": f"{100 * n / rows_in:.2f}" if rows_in else "0.00",
            }
            for name, n in dropped.items()
        ],
    }


def signals_view(sel, record: dict | None = None) -> dict[str, Any]:
    """The recipe's ``--signals`` for the card: the weights, the joint-rank formula, the signals beyond the paper's
    two, and the nll model (from the manifest's ``signals`` record); all None without ``--signals``."""
    from s2r_hf.signals import HIGHER_FIRST, format_signals

    weights = sel.signal_weights() if getattr(sel, "signals", None) else None
    if not weights:
        return {"signals_text": None, "joint_formula": None, "extra_signals": [], "nll_model": None}
    nll_model = ((record or {}).get("nll_scorer") or {}).get("model")
    extra = [name for name in weights if name in ("rethink", "nll")]
    terms = " + ".join(
        f"{w:.4g} · rank({name}{'' if HIGHER_FIRST[name] else ', lowest first'})" for name, w in weights.items()
    )
    return {
        "signals_text": format_signals(weights),
        "joint_formula": terms,
        "extra_signals": extra,
        "nll_model": nll_model,
    }


def build_dataset_card(
    manifest: Manifest | dict[str, Any],
    *,
    command: str,
    columns: dict[str, np.ndarray | None],
    selected: np.ndarray,
    dataset_info: dict[str, Any] | None = None,
):
    """A ``DatasetCard`` with YAML metadata (configs for load_dataset, tags, size) and the recipe body."""
    from huggingface_hub import DatasetCard, DatasetCardData

    manifest = Manifest.from_json(manifest)
    sel, pool, scoring = manifest.selection, manifest.pool, manifest.scoring
    counts = manifest.counts
    budget = " ".join(map(str, manifest.budget)) if manifest.budget else "all rows"
    name = f"{Path(pool.pool).name or pool.pool} · Select2Reason {sel.strategy} ({budget})"
    data = DatasetCardData(
        pretty_name=name,
        language=["en"],
        task_categories=["text-generation"],
        size_categories=[_size_category(counts["selected"])],
        source_datasets=[pool.pool] if "/" in pool.pool and not Path(pool.pool).exists() else None,
        tags=["select2reason", "data-selection", "long-cot", "reasoning", "math", "sft"],
        configs=[dict(FOLDER_CONFIG)],
        **({"dataset_info": dataset_info} if dataset_info else {}),
    )
    mask = np.asarray(selected, dtype=bool)
    stats = [
        {"name": label, "pool": _mean(columns.get(key)), "selected": _mean(columns.get(key), mask)}
        for key, label in (
            ("difficulty", "difficulty"),
            ("length", f"length ({scoring.length_unit})"),
            ("rethink_count", "rethinking markers"),
            ("judge_mass", 'judge p("0")+p("1")'),
            ("rethink_density", f"rethinking markers per {scoring.length_unit[:-1]}"),
            ("nll", "response NLL (mean per token)"),
        )
        if columns.get(key) is not None
    ]
    card = DatasetCard.from_template(
        data,
        template_path=template_path("dataset_card.md"),
        pretty_name=name,
        pool=pool.pool,
        strategy=sel.strategy,
        weight=sel.weight,
        rethink_markers=scoring.rethink_markers,
        **signals_view(sel, manifest.extra.get("signals")),
        budget=budget,
        selected=counts["selected"],
        scorer=manifest.scorer,
        judge_prompt=scoring.judge_system_prompt,
        length_unit=scoring.length_unit,
        length_tokenizer=scoring.length_tokenizer or scoring.judge,
        counts=counts,
        decontam=decontam_view(counts.get("decontamination")),
        stats=stats,
        command=command,
        versions=manifest.versions,
        synthetic=manifest.extra.get("synthetic_difficulty"),
        truncation=manifest.extra.get("difficulty_truncation"),
    )
    card.text = card.text.replace("\n## Reproduce", f"\n{scores_note(manifest.scores_from)}\n## Reproduce", 1)
    return card


def ablation_card(source_card: str | None, manifest: Manifest, *, description: str, command: str, dataset_info=None):
    """The card of an `s2r ablate` folder: the source selection's card (or a fresh one) marked as an ablation.

    The metadata gets the ``ablation`` tag, a pretty name saying which perturbation, and ``dataset_info`` of the
    new shard; an "Ablation" block under the title says what was changed, how many rows, and the command.
    """
    from huggingface_hub import DatasetCard

    record = manifest.ablation or {}
    counts = record.get("counts", {})
    if source_card:
        card = DatasetCard(source_card)
    else:
        card = build_dataset_card(manifest, command="", columns={}, selected=np.ones(0, dtype=bool))
    base = card.data.get("pretty_name") or Path(str(record.get("source", ""))).name
    card.data.pretty_name = f"{base} · ablation {record.get('transform')}"
    card.data.tags = [*(card.data.tags or []), *[t for t in ("ablation", "sky-t1") if t not in (card.data.tags or [])]]
    if dataset_info:
        card.data.dataset_info = dataset_info
    unchanged = ", ".join(f"{k}: {v}" for k, v in counts.get("unchanged_reasons", {}).items()) or "none"
    fraction = f", fraction {record['fraction']}" if record.get("fraction") is not None else ""
    block = (
        f"> [!IMPORTANT]\n> **Ablation.** This is the selection `{record.get('source')}` with its reasoning traces "
        f"perturbed by `{record.get('transform')}` (seed {record.get('seed')}{fraction}): {description} "
        f"{counts.get('changed')} of {counts.get('rows')} rows were changed; {counts.get('unchanged')} left as they "
        f"were ({unchanged}). The score columns describe the original traces. Made for a structure-vs-content study "
        "as in Sky-T1 (*LLMs can easily learn to reason from demonstrations*), not as a training set of its own.\n"
        f">\n> ```bash\n> {command}\n> ```\n"
    )
    lines = card.text.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    if at:
        lines[at - 1] += f" · ablation {record.get('transform')}"
    card.text = "\n".join([*lines[:at], "", *block.rstrip("\n").split("\n"), *lines[at:]])
    return card


def scores_note(scores_from: dict[str, Any] | None) -> str:
    """The card's per-row-scores section: where they are published, and where re-used ones came from."""
    text = (
        "## Per-row scores\n\n"
        "Every scored pool row's scores, ranks and `selected` flag are in `scores.parquet` (in the Hub repo: "
        '`load_dataset(repo, "scores", split="train")`). `s2r select --scores-from <repo or folder>` re-selects '
        "from them with another strategy, weight or budget, without loading a model.\n"
    )
    if scores_from:
        revision = f" at revision `{scores_from['revision']}`" if scores_from.get("revision") else ""
        config = f" (config `{scores_from['config']}`)" if scores_from.get("config") else ""
        text += (
            f"\nThis selection's scores were not computed here: they were read from the {scores_from.get('kind')} "
            f"`{scores_from.get('source')}`{config}{revision} (`s2r select --scores-from`); no model was loaded.\n"
        )
    return text
