"""Output helpers: atomic writes, the card's command line, the dataset card."""

from __future__ import annotations

import shlex

import numpy as np
import pytest

from s2r_hf.cli import equivalent_command, parse_select
from s2r_hf.io import atomic_write_json, column


def test_atomic_json_leaves_no_temp_files(tmp_path):
    path = atomic_write_json(tmp_path / "m.json", {"ü": "∑", "n": 1})
    assert path.read_text(encoding="utf-8").startswith("{\n") and "∑" in path.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_column_honours_select_indices():
    from datasets import Dataset

    ds = Dataset.from_dict({"id": ["a", "b", "c", "d"], "x": [1, 2, 3, 4]}).select([3, 1])
    assert column(ds, "id").tolist() == ["d", "b"]  # ds.data would give a, b, c, d
    assert column(ds, "x").tolist() == [4, 2]


@pytest.mark.parametrize(
    "argv",
    [
        ["--output-dir", "o"],
        ["--output-dir", "o", "--strategy", "random", "--count", "7", "--seed", "3", "--no_decontaminate"],
        [
            "--output-dir",
            "o dir",
            "--pool",
            "my pool.jsonl",
            "--weight",
            "0.5",
            "--token-budget",
            "1000",
            "--decontam-benchmarks",
            "aime24=a b.jsonl",
            "math500",
            "--judge-dtype",
            "float32",
        ],
    ],
)
def test_card_command_reproduces_the_options(argv):
    """The command printed in the card parses back to exactly the same options."""
    configs = parse_select(argv)
    command = equivalent_command(*configs).replace("\\\n", " ")
    again = parse_select(shlex.split(command)[2:])
    for a, b in zip(configs, again, strict=True):
        assert a == b


def _manifest(strategy: str = "s2r") -> dict:
    from s2r_hf.manifest import build_manifest, options_dict

    configs = parse_select(["--output-dir", "o", "--strategy", strategy])
    counts = {
        "pool_rows": 10,
        "normalise_dropped": {"no_verified_trace": 2},
        "decontaminated": {"aime24": 1},
        "decontam_ngram": 8,
        "scored": 7,
        "selected": 2,
        "selected_length_sum": 90,
        "pool_length_sum": 200,
    }
    key = {"scorer": "judge", "judge": "Qwen/Qwen2.5-1.5B-Instruct", "dtype": "torch.bfloat16"}
    return build_manifest(
        options=options_dict(*configs),
        pool_fingerprint="abc",
        scorer_key=key,
        counts=counts,
        selected_ids=["r3", "r1"],
        timings={"total": 1.0},
    )


def test_dataset_card_round_trips(tmp_path):
    from huggingface_hub import DatasetCard

    from s2r_hf.cards.dataset import build_dataset_card

    manifest = _manifest()
    selected = np.array([False, True, False, True, False, False, False])
    columns = {
        "difficulty": np.linspace(0, 1, 7),
        "length": np.arange(7) * 10,
        "rethink_count": np.ones(7),
        "judge_mass": None,
    }
    card = build_dataset_card(manifest, command="s2r select --output-dir o", columns=columns, selected=selected)
    card.save(tmp_path / "README.md")
    loaded = DatasetCard.load(tmp_path / "README.md")
    assert loaded.data.source_datasets == ["open-r1/OpenR1-Math-220k"]
    assert loaded.data.size_categories == ["n<1K"]
    assert loaded.data.configs == [
        {"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}]}
    ]
    text = loaded.text
    assert "| dropped while normalising: no_verified_trace | 2 |" in text
    assert "| dropped by decontamination (8-gram overlap with aime24) | 1 |" in text
    assert "**2** (28.57 %)" in text
    assert "Qwen/Qwen2.5-1.5B-Instruct" in text and "Please judge the difficulty" in text
    assert "| difficulty | 0.5 | 0.3333 |" in text  # linspace(0,1,7): mean 0.5; rows 1,3: (1/6+3/6)/2
    assert "| length (tokens) | 30 | 20 |" in text


def test_dataset_card_for_a_baseline_without_difficulty():
    from s2r_hf.cards.dataset import build_dataset_card

    manifest = _manifest("random")
    manifest["scorer"] = None
    card = build_dataset_card(
        manifest,
        command="s2r select --strategy random",
        columns={"difficulty": None, "length": np.arange(7), "rethink_count": None, "judge_mass": None},
        selected=np.zeros(7, dtype=bool),
    )
    assert "not used by this strategy" in card.text and "Joint rank" not in card.text


def test_score_figure_is_a_png(tmp_path):
    from s2r_hf.cards.plots import score_figure

    rng = np.random.default_rng(0)
    sel = np.zeros(200, dtype=bool)
    sel[:20] = True
    for difficulty in (rng.random(200), None):
        path = score_figure(
            tmp_path / "s.png",
            length=rng.integers(10, 5000, 200),
            selected=sel,
            difficulty=difficulty,
            length_unit="tokens",
            title="t",
        )
        assert path.read_bytes()[:4] == b"\x89PNG" and path.stat().st_size > 5000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.png"]


def test_atomic_writes_of_one_file_from_many_threads_never_collide(tmp_path):
    """Ranks sharing a cache may be threads of one process: every writer gets its own temp file."""
    import threading

    from s2r_hf.io import atomic_write_text

    target, errors = tmp_path / "key.json", []

    def write(i: int) -> None:
        try:
            for _ in range(50):
                atomic_write_text(target, f'{{"writer": {i}}}')
        except Exception as err:  # pragma: no cover - what this test exists to catch
            errors.append(err)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and target.read_text().startswith('{"writer": ')
    assert not list(tmp_path.glob(".tmp-*"))
