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

    flags = {a.split("=")[0].replace("_", "-") for a in argv}
    on_cli = {"weight": "--weight" in flags, "signals": "--signals" in flags}
    for name in ("weight", "signals"):
        value = getattr(sel, name)
        if value is not None and sel.strategy not in WEIGHTED_STRATEGIES and not on_cli[name]:
            logger.warning(
                "ignoring %s %s from the --config file: --strategy %s does not use it", name, value, sel.strategy
            )
            setattr(sel, name, None)
    _cli_wins_joint_rank(sel, on_cli["weight"], on_cli["signals"])


def _cli_wins_joint_rank(sel: SelectionArguments, weight_on_cli: bool, signals_on_cli: bool) -> None:
    """``--weight`` and ``--signals`` both set the joint rank's weights: the one on the command line replaces the
    recipe's other (``--config recipe.yaml --signals rethink:1`` on a recipe with ``weight: 0.25``)."""
    if sel.weight is None or sel.signals is None or weight_on_cli == signals_on_cli:
        return  # not both, or both from the same place: check_compatible refuses that
    dropped = ("weight", sel.weight) if signals_on_cli else ("signals", sel.signals)
    logger.info(
        "the command line's --%s replaces %s %s from the --config file",
        "signals" if signals_on_cli else "weight",
        *dropped,
    )
    setattr(sel, dropped[0], None)


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
