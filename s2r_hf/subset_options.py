"""`s2r train`'s own option group: which selected subset to train on, and what to do with overlong rows.

Kept apart from :mod:`s2r_hf.configs` (the selection's options) by job; ``from s2r_hf.configs import
SubsetArguments`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from s2r_hf.errors import collect
from s2r_hf.option_defaults import OVERLONG_POLICIES
from s2r_hf.option_defaults import check_choice as _choice


@dataclass
class SubsetArguments:
    """What `s2r train` trains on: a selected subset, and what to do with rows longer than ``max_length``.

    The other training options are TRL's ``SFTConfig`` and ``ModelConfig``; all three are parsed together
    (``s2r train --config recipe.yaml --learning_rate 1e-5``).
    """

    dataset_name: str | None = field(
        default=None,
        metadata={
            "help": "The subset: an `s2r select` output folder, parquet/jsonl file(s) or a folder of them, a "
            "save_to_disk folder, or a Hub dataset id. Rows need a `messages` column [user, assistant]."
        },
    )
    dataset_config: str | None = field(default=None, metadata={"help": "Hub config name of the subset."})
    dataset_split: str = field(default="train", metadata={"help": "Split to train on."})
    dataset_revision: str | None = field(default=None, metadata={"help": "Hub revision of the subset."})
    overlong: str = field(
        default="drop",
        metadata={
            "help": "Rows longer than max_length (counted and reported before training either way): 'drop' them, "
            "or 'truncate' them to max_length, which cuts off the end of the trace and its final answer."
        },
    )
    overwrite: bool = field(
        default=False,
        metadata={
            "help": "Delete s2r train's earlier outputs in output_dir (checkpoints, weights, card; never other "
            "files) and train from step 0. Without it a run resumes from the last complete checkpoint there."
        },
    )

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not self.dataset_name:
            problems.append(
                "--dataset_name is required: the subset written by `s2r select` (e.g. data/openr1-s2r-10pct) "
                "or its Hub id"
            )
        _choice(problems, "overlong", self.overlong, OVERLONG_POLICIES)
        collect(problems)
