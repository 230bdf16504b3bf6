"""`s2r ablate`'s options: one dataclass, parsed with ``--config`` YAML + flags (``s2r_hf.config_files``).

s2r ablate out/s2r10 --transform shuffle_steps --seed 0 --output-dir out/s2r10-shuffled
s2r ablate --config recipes/ablation/config_delete_steps.yaml --fraction 0.33
"""

from __future__ import annotations

from dataclasses import dataclass, field

from s2r_hf.errors import collect

FRACTION_TRANSFORMS = ("shuffle_steps", "delete_steps", "truncate")


@dataclass
class AblateArguments:
    """What to perturb, how, and where the perturbed selection goes.

    ``fraction`` trades how much structure is destroyed: the share of the think block's steps shuffled, deleted,
    or cut from the end (defaults 1.0, 0.5, 0.5); Sky-T1's grid uses 0.33 / 0.67 / 1.0.
    """

    source: str = field(
        default=None,
        metadata={
            "help": "The selection to ablate: a finished `s2r select` output folder, or a Hub dataset repo it pushed "
            "(owner/name, or owner/name:CONFIG for a config pushed with --hub-config-name). May also be given "
            "first, without --source."
        },
    )
    transform: str = field(
        default=None,
        metadata={
            "help": "shuffle_steps | delete_steps | truncate | wrong_answers | remove_keywords. Steps = paragraphs "
            "(blank-line separated) of the <think> block; the text after </think> is never moved or cut."
        },
    )
    output_dir: str = field(default=None, metadata={"help": "Folder for the ablated selection (a new one)."})
    seed: int = field(default=0, metadata={"help": "Run seed; each row is seeded by hash(seed, row id)."})
    fraction: float | None = field(
        default=None,
        metadata={
            "help": "shuffle_steps / delete_steps / truncate: share of the think block's steps shuffled, deleted, "
            "or cut from the end, in (0, 1] (defaults 1.0 / 0.5 / 0.5). Not taken by the other transforms."
        },
    )
    markers: list[str] | None = field(
        default=None,
        metadata={
            "help": "remove_keywords: the rethinking markers to remove (default: the length scorer's "
            "rethink_markers list, option_defaults.DEFAULT_RETHINK_MARKERS)."
        },
    )
    overwrite: bool = field(
        default=False,
        metadata={"help": "Replace a finished ablation in --output-dir (only the files s2r wrote are removed)."},
    )
    push_to_hub: str | None = field(default=None, metadata={"help": "Also push the ablated selection to this repo."})
    num_proc: int | None = field(
        default=None, metadata={"help": "datasets.map processes (results do not depend on it)."}
    )

    def __post_init__(self):
        from s2r_hf.ablate.transforms import DEFAULT_FRACTION, TRANSFORMS

        problems = []
        if not self.source:
            problems.append(
                "give the selection to ablate (a folder or owner/name[:CONFIG]): s2r ablate out/s2r10 --transform ... "
                "(or --source)"
            )
        if self.transform not in TRANSFORMS:
            problems.append(f"--transform must be one of {', '.join(TRANSFORMS)}, got {self.transform!r}")
        if not self.output_dir:
            problems.append("--output-dir is required, e.g. --output-dir out/s2r10-shuffled")
        if self.fraction is not None and self.transform not in FRACTION_TRANSFORMS and self.transform in TRANSFORMS:
            problems.append(f"--fraction is not taken by --transform {self.transform}; drop it")
        elif self.fraction is not None and not 0 < self.fraction <= 1:
            problems.append(f"--fraction must be in (0, 1], got {self.fraction}; e.g. --fraction 0.5")
        if self.markers is not None and self.transform != "remove_keywords":
            problems.append(f"--markers is taken by --transform remove_keywords only, not {self.transform}")
        if self.markers is not None and not any(m.strip() for m in self.markers):
            problems.append("--markers is empty; give words, e.g. --markers wait alternatively")
        if self.num_proc is not None and self.num_proc < 1:
            problems.append(f"--num-proc must be ≥ 1, got {self.num_proc}")
        collect(problems)
        if self.fraction is None and self.transform in DEFAULT_FRACTION:
            self.fraction = DEFAULT_FRACTION[self.transform]
        if self.transform == "remove_keywords" and self.markers is None:
            from s2r_hf.option_defaults import DEFAULT_RETHINK_MARKERS

            self.markers = list(DEFAULT_RETHINK_MARKERS)

    def record(self) -> dict:
        """The options that decide the ablated rows (the manifest's ``ablation`` record and the fingerprint)."""
        return {"transform": self.transform, "seed": self.seed, "fraction": self.fraction, "markers": self.markers}


def make_parser():
    from s2r_hf.config_files import make_command_parser

    return make_command_parser(
        (AblateArguments,),
        prog="s2r ablate",
        description="Perturb a selected subset's reasoning traces (Sky-T1's structure-vs-content ablations) into a "
        "new selection folder that `s2r train --dataset_name` reads unchanged. Usage: s2r ablate SOURCE "
        "--transform T --seed S --output-dir OUT. Each row is seeded by (seed, row id).",
        recipe="recipes/ablation/config_shuffle_steps.yaml",
    )


def parse_ablate(argv: list[str]) -> AblateArguments:
    """argv (the source folder may come first, without --source) + ``--config`` YAML → :class:`AblateArguments`."""
    from s2r_hf.config_files import parse_with_config

    argv = list(argv)
    if argv and not argv[0].startswith("-"):
        argv = ["--source", argv[0], *argv[1:]]
    (args,) = parse_with_config(make_parser(), argv, command="ablate", count=1)
    return args
