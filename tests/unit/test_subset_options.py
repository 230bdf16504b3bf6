"""`s2r train`'s SubsetArguments, now in s2r_hf/subset_options.py: still importable from s2r_hf.configs, same checks."""

from __future__ import annotations

import pytest

from s2r_hf import configs
from s2r_hf.errors import S2RError
from s2r_hf.subset_options import SubsetArguments


def test_the_old_import_path_is_the_same_class():
    assert configs.SubsetArguments is SubsetArguments and configs.OVERLONG_POLICIES == ("drop", "truncate")


def test_every_problem_is_reported_at_once():
    with pytest.raises(S2RError, match=r"--dataset_name is required.*--overlong must be one of drop, truncate"):
        SubsetArguments(overlong="cut")
    assert SubsetArguments(dataset_name="data/sel", overlong="truncate").overlong == "truncate"
