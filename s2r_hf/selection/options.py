"""`s2r select`'s options: the parser, ``--config`` YAML + command-line parsing, and the equivalent command line,
e.g. ``s2r select --config recipes/selection/synthetic/config_s2r_10pct.yaml --ratio 0.05``.
"""

from __future__ import annotations

import dataclasses
import logging

from s2r_hf.configs import OutputArguments, PoolArguments, ScoringArguments, SelectionArguments

logger = logging.getLogger("s2r_hf")

SELECT_CONFIGS = (PoolArguments, ScoringArguments, SelectionArguments, OutputArguments)
BUDGET_KEYS = ("ratio", "count", "token_budget")


def make_select_parser():
    from trl import TrlParser

    parser = TrlParser(
        SELECT_CONFIGS,
        prog="s2r select",
        description="Select2Reason data selection: rank a long-CoT SFT pool by question difficulty "
        "and reasoning-trace length, keep the best-ranked rows. Every option may also be "
        "written with dashes (--output-dir).",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="YAML file of options (keys = option names with underscores); command-line options override it.",
    )
    return parser


def parse_select(argv: list[str]) -> tuple:
    """argv (+ YAML from ``--config``) → the four option dataclasses. Command-line values win over YAML.

    A budget given on the command line replaces the YAML's budget (they are exclusive), so
    ``--config recipe.yaml --count 500`` works on a recipe that sets ``ratio``.
    """
    from s2r_hf.config_files import parse_with_config

    parsed = parse_with_config(
        make_select_parser(), argv, command="select", count=len(SELECT_CONFIGS), exclusive=BUDGET_KEYS
    )
    _drop_recipe_weight(parsed[2], argv)
    return parsed


def _drop_recipe_weight(sel: SelectionArguments, argv: list[str]) -> None:
    """A recipe's ``weight`` under a strategy that ignores it (``--strategy random`` on an s2r recipe): warn, drop.

    The same pair from the command line is refused by ``check_compatible``.
    """
    from s2r_hf.configs import WEIGHTED_STRATEGIES

    on_cli = any(a.split("=")[0] in ("--weight",) for a in argv)
    if sel.weight is not None and sel.strategy not in WEIGHTED_STRATEGIES and not on_cli:
        logger.warning(
            "ignoring weight %s from the --config file: --strategy %s does not use it", sel.weight, sel.strategy
        )
        sel.weight = None


def equivalent_command(*configs) -> str:
    """The shortest `s2r select` command line giving these options (non-default values only)."""
    parts = ["s2r select"]
    for cfg in configs:
        for f in dataclasses.fields(cfg):
            if f.name in ("cache_dir", "overwrite"):
                continue
            value = getattr(cfg, f.name)
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            if value == default:
                continue
            flag = "--" + f.name.replace("_", "-")
            if isinstance(value, bool):
                parts.append(flag if value else f"--no_{f.name}")
            elif isinstance(value, list):
                parts.append(flag + " " + " ".join(_quote(v) for v in value))
            else:
                parts.append(f"{flag} {_quote(value)}")
    return " \\\n    ".join(parts)


def _quote(value) -> str:
    import shlex

    return shlex.quote(str(value))
