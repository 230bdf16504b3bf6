"""Options of `s2r compare`: a dataclass with help (``--config`` YAML + flags) plus the selections as positionals."""

from __future__ import annotations

from dataclasses import dataclass, field

from s2r_hf.errors import S2RError

EXAMPLE = "s2r compare out/s2r10 out/random10 me/OpenR1-Math-S2R-10pct --output-dir out/compare"


@dataclass
class CompareArguments:
    """What `s2r compare` reads and where it writes."""

    output_dir: str = field(
        metadata={"help": "Folder for compare.md, compare.json and compare.png (s2r writes only those there)."}
    )
    selections: list[str] = field(
        default_factory=list,
        metadata={
            "help": "Selections to compare (also accepted as positional arguments before the options): folders "
            "written by `s2r select`, or Hub dataset repos it pushed (owner/name, or owner/name:CONFIG for a "
            "config pushed with --hub-config-name)."
        },
    )
    bins: int = field(default=30, metadata={"help": "Histogram bins for the difficulty and length distributions."})
    top_categories: int = field(
        default=12,
        metadata={"help": "problem_type / source values shown by name; the rest are summed as (other)."},
    )
    overwrite: bool = field(
        default=False, metadata={"help": "Replace an earlier `s2r compare` output with other selections."}
    )

    def __post_init__(self) -> None:
        problems = []
        if self.bins < 2:
            problems.append(f"--bins must be at least 2, got {self.bins}")
        if self.top_categories < 1:
            problems.append(f"--top-categories must be at least 1, got {self.top_categories}")
        if problems:
            from s2r_hf.errors import collect

            collect(problems)


def make_parser():
    from s2r_hf.config_files import make_command_parser

    parser = make_command_parser(
        (CompareArguments,),
        prog="s2r compare",
        description="Compare two or more selections: pairwise overlap of the selected ids (count, Jaccard), the "
        "difficulty, length, problem_type and source distributions side by side, and token totals. Writes "
        f"compare.md, compare.json and compare.png. Example: {EXAMPLE}",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="SELECTION",
        default=[],
        help="A selection folder or Hub dataset repo (owner/name[:CONFIG]); two or more, with --selections.",
    )
    return parser


def parse_compare(argv: list[str]) -> CompareArguments:
    """argv (+ ``--config`` YAML) → options; positional selections come first, then ``--selections``."""
    from s2r_hf.config_files import parse_with_config

    parsed = parse_with_config(make_parser(), argv, command="compare", count=2)
    args = parsed[0]
    positional = list(getattr(parsed[1], "paths", None) or []) if len(parsed) > 1 else []
    args.selections = [*positional, *(args.selections or [])]
    if len(args.selections) < 2:
        given = f" (got {len(args.selections)}: {', '.join(args.selections)})" if args.selections else " (got none)"
        raise S2RError(f"s2r compare needs at least two selections{given}; e.g. {EXAMPLE}")
    return args
