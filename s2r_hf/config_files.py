"""One way to read options for every command: dataclass parser + optional ``--config`` YAML + CLI overrides.

YAML values become the parser's defaults, so anything on the command line wins. An unknown YAML key or
flag is an :class:`S2RError` naming it (TRL's own ``parse_args_and_config`` can be told to ignore them,
and it writes a YAML ``env:`` block into ``os.environ``; we do neither).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from s2r_hf.errors import S2RError


def parse_with_config(parser, argv: list[str], *, command: str, count: int, exclusive: tuple[str, ...] = ()) -> tuple:
    """argv → the first ``count`` dataclasses of ``parser``.

    ``exclusive``: option names of which the command line may set one to replace the YAML's (budgets).
    """
    import yaml

    args = list(argv)
    if "--config" in args:
        at = args.index("--config")
        if at + 1 >= len(args):
            raise S2RError("--config needs a YAML file path")
        path = Path(args[at + 1])
        del args[at : at + 2]
        if not path.is_file():
            raise S2RError(f"config file not found: {path}")
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(config, dict):
            raise S2RError(f"config file {path} must hold a YAML mapping of option: value")
        given = {a.lstrip("-").split("=")[0].replace("-", "_") for a in args if a.startswith("--")}
        if given & set(exclusive):
            config = {k: v for k, v in config.items() if k not in exclusive}
        unknown = parser.set_defaults_with_config(**config)
        if unknown:
            keys = ", ".join(u.lstrip("-") for u in unknown[::2])
            raise S2RError(f"unknown option(s) in {path}: {keys}; see `s2r {command} --help` for the valid names")
    try:
        parsed = parser.parse_args_into_dataclasses(args=args)
    except (ValueError, argparse.ArgumentError) as err:  # unknown flags, bad values, bad combinations
        raise S2RError(f"{err}; see `s2r {command} --help` for the valid options") from None
    return tuple(parsed[:count])  # the rest is the Namespace holding --config
