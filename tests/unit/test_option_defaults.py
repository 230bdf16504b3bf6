"""s2r_hf.option_defaults: the choice lists and shared defaults, re-exported unchanged by s2r_hf.configs."""

from __future__ import annotations

from pathlib import Path

import pytest

from s2r_hf import configs, option_defaults
from s2r_hf.errors import S2RError


def test_configs_re_exports_every_value_as_the_same_object() -> None:
    names = [n for n in vars(option_defaults) if n.isupper() or n == "default_cache_dir"]
    assert len(names) >= 15
    for name in names:
        assert getattr(configs, name) is getattr(option_defaults, name), name


def test_default_cache_dir_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("S2R_HF_CACHE", str(tmp_path))
    assert option_defaults.default_cache_dir() == str(tmp_path)
    monkeypatch.delenv("S2R_HF_CACHE")
    assert option_defaults.default_cache_dir() == str(Path.home() / ".cache" / "s2r_hf")


def test_a_bad_choice_names_the_option_and_the_choices() -> None:
    problems: list[str] = []
    option_defaults.check_choice(problems, "overlong", "keep", option_defaults.OVERLONG_POLICIES)
    option_defaults.check_choice(problems, "overlong", "drop", option_defaults.OVERLONG_POLICIES)
    assert problems == ["--overlong must be one of drop, truncate; got 'keep'"]
    with pytest.raises(S2RError, match="--overlong must be one of drop, truncate; got 'keep'"):
        configs.SubsetArguments(dataset_name="x", overlong="keep")
