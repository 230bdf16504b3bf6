"""lighteval 0.13 compatibility (s2r_hf/eval/compat.py): each defect reproduced unpatched, then fixed."""

from __future__ import annotations

import importlib
import sys

import pytest


@pytest.fixture
def unpatched():
    from s2r_hf.eval import compat

    compat.undo()
    yield compat
    compat.undo()


@pytest.fixture
def offline(monkeypatch):
    """Network calls through requests fail at once, as they do with no network (never hangs)."""
    import requests

    calls = []

    def refuse(url, *args, **kwargs):
        calls.append(url)
        raise requests.exceptions.ConnectionError(f"offline: {url}")

    monkeypatch.setattr(requests, "get", refuse)
    return calls


def _fresh_import(name: str):
    sys.modules.pop(name, None)
    return importlib.import_module(name)


def test_importing_s2r_patches_nothing():
    """Importing the package, the CLI and every eval module does not even import lighteval."""
    import subprocess

    code = (
        "import sys\n"
        "import s2r_hf, s2r_hf.cli, s2r_hf.eval.compat, s2r_hf.eval.tasks, s2r_hf.eval.run, s2r_hf.eval.card\n"
        "import s2r_hf.eval.results, s2r_hf.eval.metrics, s2r_hf.eval.grader\n"
        "assert 'lighteval' not in sys.modules, 'an s2r_hf import pulled in lighteval'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_defects_1_2_registry_loads_offline_with_hub_2(unpatched, offline):
    from lighteval.tasks.registry import Registry

    with pytest.raises(Exception, match="offline") as err:  # 1: tiny_benchmarks downloads at import
        _fresh_import("lighteval.tasks.tasks.tiny_benchmarks")
    assert "ConnectionError" in type(err.value).__name__
    with pytest.raises(TypeError, match="model_name"):  # 2: list_models(model_name=...) gone in hub 2.x
        _fresh_import("lighteval.tasks.tasks.mt_bench.main")
    with pytest.raises((TypeError, Exception)):
        Registry.load_all_task_configs()

    unpatched.apply()
    unpatched.apply()  # idempotent
    configs = Registry.load_all_task_configs(custom_tasks="s2r_hf.eval.tasks")
    assert "s2r_aime24" in configs and "math_500" in configs  # ours beside the built-ins, no clash
    assert not any(name.startswith("tiny") or name.startswith("mt_bench") for name in configs)


def test_defect_3_details_logger_hashes_str(unpatched):
    from lighteval.logging.info_loggers import DetailsLogger
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc

    doc = Doc(query="What is 1+1?", choices=["2"], gold_index=0)
    response = ModelResponse(text=["\\boxed{2}"], input_tokens=[1, 2], output_tokens=[[3]])
    with pytest.raises(TypeError, match="encoded"):
        DetailsLogger().log("s2r_x|0", doc, response, {"pass@1": 1.0})

    unpatched.apply()
    logger = DetailsLogger()
    logger.log("s2r_x|0", doc, response, {"pass@1": 1.0})
    logger.aggregate()
    import xxhash

    assert logger.hashes["s2r_x|0"][0].example == xxhash.xxh64(b"What is 1+1?").hexdigest()


def test_defect_4_sample_cache_stays_under_cache_dir(unpatched, tmp_path, tiny_judge):
    from lighteval.models.transformers.transformers_model import TransformersModelConfig
    from lighteval.utils.cache_management import SampleCache

    model = tmp_path / "model"
    model.mkdir()
    config = TransformersModelConfig(model_name=str(model), cache_dir=str(tmp_path / "cache"), device="cpu")
    assert not SampleCache(config).cache_dir.is_relative_to(tmp_path / "cache")  # lands inside the model folder

    unpatched.apply()
    cache = SampleCache(config)
    assert cache.cache_dir.is_relative_to(tmp_path / "cache")
    assert cache.model_config is config


def test_defect_5_transformers_backend_samples_when_temperature_is_set(unpatched, tiny_judge):
    from lighteval.models.model_input import GenerationParameters
    from lighteval.models.transformers.transformers_model import TransformersModel, TransformersModelConfig

    def model(temperature: float):
        params = GenerationParameters(temperature=temperature, max_new_tokens=4)
        return TransformersModel(
            TransformersModelConfig(model_name=str(tiny_judge), device="cpu", generation_parameters=params)
        )

    assert "do_sample" not in model(0.6).generation_config_dict  # lighteval alone: greedy "samples"
    unpatched.apply()
    assert model(0.6).generation_config_dict["do_sample"] is True
    assert "do_sample" not in model(0.0).generation_config_dict


def test_defect_6_answer_cache_survives_a_crash_while_it_is_rewritten(unpatched, tmp_path, monkeypatch):
    """A write that dies half-way must leave the cached answers as they were (lighteval writes in place)."""
    import datasets
    from lighteval.utils import cache_management

    path = tmp_path / "GENERATIVE.parquet"
    cache_management.Dataset.from_list([{"sample_id": "0", "text": "first answer"}]).to_parquet(str(path))
    before = path.read_bytes()

    def dies_half_way(self, target, *args, **kwargs):
        with open(target, "wb") as f:
            f.write(before[: len(before) // 2])
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr(datasets.Dataset, "to_parquet", dies_half_way)
    rows = [{"sample_id": str(i), "text": f"answer {i}"} for i in range(2)]
    with pytest.raises(KeyboardInterrupt):
        cache_management.Dataset.from_list(rows).to_parquet(str(path))
    assert path.read_bytes() != before  # lighteval alone: the cache file is truncated

    path.write_bytes(before)
    unpatched.apply()
    with pytest.raises(KeyboardInterrupt):
        cache_management.Dataset.from_list(rows).to_parquet(str(path))
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp left
    monkeypatch.undo()
    cache_management.Dataset.from_list(rows).to_parquet(str(path))
    assert datasets.Dataset.from_parquet(str(path))["text"] == ["answer 0", "answer 1"]
    unpatched.undo()
    assert cache_management.Dataset is datasets.Dataset
