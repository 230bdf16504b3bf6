"""A trained model's card: metadata round-trips through ``ModelCard.load``; the body says what was trained."""

from __future__ import annotations

import copy

import pytest

from s2r_hf.cards.model import build_model_card, find_selection_recipe, hub_id
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT
from tests.conftest import ROOT

RECORD = {
    "model_name": "Qwen2.5-Math-7B-Instruct-s2r-10pct",
    "base_model": "Qwen/Qwen2.5-Math-7B-Instruct",
    "dataset": {
        "name": "me/OpenR1-Math-s2r-10pct",
        "kind": "hub",
        "pool": "open-r1/OpenR1-Math-220k",
        "strategy": "s2r",
        "budget": {"ratio": 0.1},
        "weight": 0.25,
        "selected": 19_600,
        "selection_recipe": "recipes/selection/openr1/config_s2r_10pct.yaml",
    },
    "data": {
        "rows_in": 19_600,
        "rows_kept": 19_412,
        "max_length": 16384,
        "overlong_policy": "drop",
        "overlong": 188,
        "truncated": 0,
        "system_replaced": 0,
        "tokens": 151_234_567,
        "longest": 31_002,
        "dropped": {"overlong": 188},
    },
    "hyperparameters": {"learning_rate": 5e-5, "lr_scheduler": "cosine", "epochs": 3, "global_batch": 32},
    "compute": {
        "global_step": 1820,
        "tokens_seen": 453_703_701,
        "wall_time_s": 7_200.0,
        "hardware": "8 × NVIDIA H100 80GB HBM3",
        "steps_per_second": 0.2528,
        "tokens_per_second": 63014.4,
        "train_loss": 0.4321,
    },
    "command": "accelerate launch --num_processes 8 -m s2r_hf.train --config s2r_train_config.yaml",
    "versions": {"s2r_hf": "0.1.0", "trl": "1.16.0"},
}


def test_metadata_round_trips_through_modelcard_load(tmp_path):
    from huggingface_hub import ModelCard

    path = tmp_path / "README.md"
    build_model_card(RECORD).save(path)
    card = ModelCard.load(path)
    assert card.data.base_model == "Qwen/Qwen2.5-Math-7B-Instruct"
    assert card.data.datasets == ["me/OpenR1-Math-s2r-10pct", "open-r1/OpenR1-Math-220k"]
    assert card.data.library_name == "transformers" and card.data.pipeline_tag == "text-generation"
    assert {"select2reason", "sft", "trl"} <= set(card.data.tags)
    assert card.data.eval_results is None  # nothing evaluated yet
    text = card.text
    for needle in (
        "https://huggingface.co/datasets/me/OpenR1-Math-s2r-10pct/blob/main/manifest.json",
        "s2r select --config recipes/selection/openr1/config_s2r_10pct.yaml",
        "10 % of `open-r1/OpenR1-Math-220k`",
        REASONING_SYSTEM_PROMPT,
        "| dropped: overlong | 188 |",
        "| tokens seen | 453703701 |",
        "| wall time | 2.00 h |",
        "8 × NVIDIA H100 80GB HBM3",
        "| learning_rate | 5e-05 |",
        "Not evaluated yet",
        RECORD["command"],
    ):
        assert needle in text, needle


def test_results_fill_the_table_and_model_index(tmp_path):
    from huggingface_hub import ModelCard

    results = [
        {"benchmark": "aime24", "metric": "pass@1", "value": 0.367},
        {"benchmark": "math_500", "metric": "accuracy", "value": 0.906},
    ]
    path = tmp_path / "README.md"
    build_model_card(RECORD, results=results).save(path)
    card = ModelCard.load(path)
    got = {(r.dataset_name, r.metric_type): r.metric_value for r in card.data.eval_results}
    assert got == {("aime24", "pass@1"): 0.367, ("math_500", "accuracy"): 0.906}
    assert "| aime24 | pass@1 | 0.367 |" in card.text and "Not evaluated yet" not in card.text


def test_local_subset_and_base_model_stay_out_of_metadata(tmp_path):
    from huggingface_hub import ModelCard

    record = copy.deepcopy(RECORD)
    local = tmp_path / "openr1-s2r-10pct"
    local.mkdir()
    record["base_model"] = str(tmp_path)  # a local folder is not a Hub id
    record["dataset"].update(name=str(local), kind="selection")
    path = tmp_path / "README.md"
    build_model_card(record).save(path)
    card = ModelCard.load(path)
    assert card.data.base_model is None and card.data.datasets == ["open-r1/OpenR1-Math-220k"]
    assert f"manifest `{local / 'manifest.json'}`" in card.text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct"),
        ("s2r:tiny-judge", None),
        ("data/openr1-s2r-10pct/extra", None),
        ("just-a-name", None),
        (None, None),
    ],
)
def test_hub_id(name, expected):
    assert hub_id(name) == expected


def test_selection_recipe_is_found_by_output_dir():
    assert find_selection_recipe("data/openr1-s2r-10pct", ROOT) == "recipes/selection/openr1/config_s2r_10pct.yaml"
    assert find_selection_recipe("data/openr1-s2r-10pct/", ROOT) == "recipes/selection/openr1/config_s2r_10pct.yaml"
    assert find_selection_recipe("somewhere/else", ROOT) is None


def test_a_model_trained_on_an_ablation_says_what_was_perturbed(tmp_path):
    from huggingface_hub import ModelCard

    from s2r_hf.manifest import Manifest
    from s2r_hf.sft_data import SubsetSource

    manifest = Manifest.from_json(ROOT / "tests" / "data" / "manifests" / "select_synthetic_s2r_10pct_v1.json")
    assert "ablation" not in SubsetSource("sel", "selection", manifest).as_dict()
    build_model_card(RECORD).save(tmp_path / "plain.md")
    assert "Ablation" not in ModelCard.load(tmp_path / "plain.md").text

    manifest.ablation = {"transform": "shuffle_steps", "seed": 3, "fraction": 1.0, "changed": 10}
    source = SubsetSource("sel", "selection", manifest).as_dict()
    assert source["ablation"]["transform"] == "shuffle_steps"
    record = copy.deepcopy(RECORD)
    record["dataset"]["ablation"] = source["ablation"]
    build_model_card(record).save(tmp_path / "README.md")
    text = " ".join(ModelCard.load(tmp_path / "README.md").text.split())
    assert "**Ablation** (`s2r ablate`): the traces were perturbed with `shuffle_steps` (seed 3, fraction 1.0)" in text
