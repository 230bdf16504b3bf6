"""One way to read options for every command: dataclass parser + optional ``--config`` YAML + CLI overrides.

YAML values become the parser's defaults, so anything on the command line wins. An unknown YAML key or
flag is an :class:`S2RError` naming it (TRL's own ``parse_args_and_config`` can be told to ignore them,
and it writes a YAML ``env:`` block into ``os.environ``; we do neither).
"""

from __future__ import annotations

import argparse
import re
import types
from pathlib import Path

from s2r_hf.errors import S2RError, collect


def one_line_errors(parser, command: str):
    """Make argparse report a bad flag or value as an :class:`S2RError` (one line, exit 2) instead of printing
    the usage block and exiting itself. Returns ``parser``."""

    def error(message: str):
        raise S2RError(f"{message}; see `s2r {command} --help` for the valid options")

    parser.error = error
    return parser


def read_yaml_mapping(path: Path, option: str = "--config") -> dict:
    """A YAML file holding ``option: value`` pairs; anything else (missing, a folder, not text, not YAML, not a
    mapping) is an :class:`S2RError` naming the file and what to give instead."""
    import yaml

    if path.is_dir():
        raise S2RError(f"{option} {path} is a folder; give a YAML file of option: value lines")
    if not path.is_file():
        raise S2RError(f"{option} file not found: {path}; give the path of a YAML file (e.g. one under recipes/)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise S2RError(
            f"{option} {path} is not UTF-8 text (byte {err.start}); give a YAML file of option: value lines"
        ) from None
    except OSError as err:
        raise S2RError(f"{option} {path} cannot be read ({err.strerror or err}); check the file") from None
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise S2RError(
            f"{option} {path} is not valid YAML{where} ({problem}); fix the file: one option: value per line"
        ) from None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise S2RError(
            f"{option} {path} must hold a YAML mapping of option: value (it holds a {type(config).__name__}); "
            "e.g. 'ratio: 0.1'"
        )
    return config


UNUSED = re.compile(r"Some specified arguments are not used by the HfArgumentParser: \[(.*)\]")


def parse_problem(err: Exception) -> str:
    """The first line of a parser error, with HfArgumentParser's "arguments not used" said as unknown options."""
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    unused = UNUSED.fullmatch(first)
    if unused:
        return "unknown option(s): " + " ".join(a.strip().strip("'\"") for a in unused.group(1).split(","))
    return first


def _numeric(convert) -> bool:
    """Whether an argparse ``type`` converter takes numbers only (int, float, or TRL's None-accepting wrappers),
    not booleans ("1" and "true") nor text."""

    def takes(text: str) -> bool:
        try:
            convert(text)
        except Exception:  # argparse converters raise ValueError, TypeError or ArgumentTypeError
            return False
        return True

    return takes("1") and not takes("true")


LIST_OK = {"fsdp"}  # typed str, but transformers also takes a list of its options


def _text_fields(parser) -> set[str]:
    """Options typed plain ``str`` / ``str | None`` in the parser's dataclasses (not dict-or-str ones)."""
    import dataclasses
    import typing

    names = set()
    for cls in getattr(parser, "dataclass_types", ()):
        try:
            hints = typing.get_type_hints(cls)
        except Exception:  # an unresolvable annotation in a dependency's class: check what can be checked
            continue
        for f in dataclasses.fields(cls):
            hint = hints.get(f.name)
            if hint is str or (
                typing.get_origin(hint) in (typing.Union, types.UnionType)
                and set(typing.get_args(hint)) <= {str, type(None)}
            ):
                names.add(f.name)
    return names


def check_yaml_types(parser, config: dict, path: Path) -> dict:
    """YAML values argparse would pass through unchecked (it converts only strings): a number option given a
    list, mapping or boolean, or a text option given a list or mapping, named; a number for a text option
    becomes its text (``pool_config: 2024``). Returns the config to use."""
    problems = []
    config = dict(config)
    text = _text_fields(parser)
    for action in parser._actions:
        value = config.get(action.dest)
        if value is None or action.nargs is not None:
            continue
        if action.type is not None and _numeric(action.type):
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                problems.append(f"{action.dest} in {path} must be a number, got {value!r}; e.g. '{action.dest}: 1'")
        elif action.dest in text and action.dest not in LIST_OK:
            if isinstance(value, list | dict):
                problems.append(f"{action.dest} in {path} must be one text value, got {value!r}")
            elif not isinstance(value, str) and not isinstance(value, bool):
                config[action.dest] = str(value)
    collect(problems)
    return config


MAX_LISTED = 60  # a command with more options (train: TRL's ~200) names close matches and points at --help


def option_names(parser) -> list[str]:
    """Every key a ``--config`` YAML may hold for ``parser`` (its options' ``dest``), in help order."""
    skip = {"help", "config"}
    return list(dict.fromkeys(a.dest for a in parser._actions if a.dest not in skip and a.option_strings))


def apply_config(parser, config: dict) -> list[str]:
    """Make ``config``'s values the parser's defaults (a required option given there is no longer required);
    returns the keys no option takes. Works on any argparse parser (TRL's ``set_defaults_with_config`` too)."""
    used = set()
    for action in parser._actions:
        if action.dest in config and action.option_strings:
            action.default = config[action.dest]
            action.required = False
            used.add(action.dest)
    return [k for k in config if k not in used]


def unknown_keys_message(parser, unknown: list[str], path: Path, command: str) -> str:
    """One line naming the unknown keys, the close matches, and the valid keys (all of them when few)."""
    import difflib

    valid = option_names(parser)
    named = []
    for key in unknown:
        close = difflib.get_close_matches(str(key), valid, n=1)
        named.append(f"{key} (did you mean {close[0]}?)" if close else str(key))
    listed = f"valid: {', '.join(valid)}; " if len(valid) <= MAX_LISTED else ""
    return f"unknown option(s) in {path}: {', '.join(named)}; {listed}see `s2r {command} --help` for what each does"


def make_command_parser(dataclass_types: tuple, *, prog: str, description: str, recipe: str | None = None):
    """A command's parser: one flag per dataclass field (help from its metadata, dashes or underscores), plus
    ``--config FILE`` (a YAML of ``option: value``; the command line overrides it). Bad input raises, never exits."""
    from transformers import HfArgumentParser

    parser = HfArgumentParser(dataclass_types, prog=prog, description=description, exit_on_error=False)
    example = f" (e.g. {recipe})" if recipe else ""
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,  # no Namespace beside the dataclasses: `(args,) = parse_args_into_dataclasses()`
        help=f"YAML file of options{example} (keys = option names with underscores); command-line options "
        "override it. An unknown key is an error naming the valid ones.",
    )
    return parser


def parse_with_config(parser, argv: list[str], *, command: str, count: int, exclusive: tuple[str, ...] = ()) -> tuple:
    """argv → the first ``count`` dataclasses of ``parser``.

    ``exclusive``: option names of which the command line may set one to replace the YAML's (budgets).
    """
    one_line_errors(parser, command)
    args = []
    for a in argv:  # --config=FILE is --config FILE (argparse would take it into a namespace nobody reads)
        args += ["--config", a.split("=", 1)[1]] if a.startswith("--config=") else [a]
    if args.count("--config") > 1:
        raise S2RError("--config is given more than once; give one YAML file and override its values with options")
    if "--config" in args:
        at = args.index("--config")
        if at + 1 >= len(args) or args[at + 1].startswith("--"):
            raise S2RError(
                "--config needs a YAML file path, e.g. --config recipes/selection/synthetic/config_s2r_10pct.yaml"
            )
        path = Path(args[at + 1])
        del args[at : at + 2]
        config = read_yaml_mapping(path)
        given = {a.lstrip("-").split("=")[0].replace("-", "_") for a in args if a.startswith("--")}
        if given & set(exclusive):
            config = {k: v for k, v in config.items() if k not in exclusive}
        config = check_yaml_types(parser, config, path)
        unknown = apply_config(parser, config)
        if unknown:
            raise S2RError(unknown_keys_message(parser, unknown, path, command))
    try:
        parsed = parser.parse_args_into_dataclasses(args=args)
    except (ValueError, TypeError, argparse.ArgumentError) as err:  # unknown flags, bad values, bad combinations
        raise S2RError(f"{parse_problem(err)}; see `s2r {command} --help` for the valid options") from None
    except ImportError as err:  # an option that needs an optional package (deepspeed: TrainingArguments checks it)
        from s2r_hf.preflight import EXTRAS

        missing = next((m for m in EXTRAS if m in str(err)), getattr(err, "name", None) or "the package")
        install = EXTRAS.get(missing, f"pip install {missing}")
        raise S2RError(f"an option needs the `{missing}` package, which is not installed: {install}") from None
    return tuple(parsed[:count])  # the rest is the Namespace holding --config
