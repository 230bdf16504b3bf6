"""The difficulty judge as the scorer tests build it: float32 on CPU unless a test asks otherwise."""

from __future__ import annotations

from pathlib import Path

import torch

from s2r_hf.configs import ScoringArguments
from s2r_hf.scoring.difficulty import JudgeScorer, build_judge

CPU = torch.device("cpu")


def scoring_args(judge: Path | str, **overrides) -> ScoringArguments:
    return ScoringArguments(judge=str(judge), judge_dtype=overrides.pop("judge_dtype", "float32"), **overrides)


def make_judge(judge: Path, cache_dir: Path, **overrides) -> JudgeScorer:
    return build_judge(scoring_args(judge, **overrides), str(cache_dir), CPU)
