"""One option path for every command: dataclasses with help, ``--config`` YAML, CLI overrides, unknown keys named.

`s2r select|train|eval|grade|card|push` all parse through :func:`s2r_hf.config_files.parse_with_config`."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from s2r_hf.errors import S2RError


def _parsers() -> dict:
    """command → (parser, its option dataclasses)."""
    from trl import ModelConfig, SFTConfig

    from s2r_hf import push, train
    from s2r_hf.ablate import options as ablate_options
    from s2r_hf.cli import SELECT_CONFIGS, make_select_parser
    from s2r_hf.compare import options as compare_options
    from s2r_hf.configs import PoolArguments, SubsetArguments
    from s2r_hf.eval import card, grade, options
    from s2r_hf.fit_difficulty import options as fit_difficulty_options

    return {
        "select": (make_select_parser(), SELECT_CONFIGS),
        "train": (train.make_parser(), (SubsetArguments, SFTConfig, ModelConfig)),
        "eval": (options.make_parser(), (options.EvalArguments,)),
        "grade": (grade.make_parser(), (grade.GradeArguments,)),
        "card": (card.make_parser(), (card.CardArguments,)),
        "push": (push.make_parser(), (push.PushArguments,)),
        "compare": (compare_options.make_parser(), (compare_options.CompareArguments,)),
        "ablate": (ablate_options.make_parser(), (ablate_options.AblateArguments,)),
        "fit-difficulty": (
            fit_difficulty_options.make_parser(),
            (PoolArguments, fit_difficulty_options.FitDifficultyArguments),
        ),
    }


@pytest.fixture(scope="module")
def parsers() -> dict:
    return _parsers()


@pytest.mark.parametrize(
    "command", ["select", "train", "eval", "grade", "card", "push", "compare", "ablate", "fit-difficulty"]
)
def test_help_names_every_option_and_config(parsers, command):
    parser, classes = parsers[command]
    text = parser.format_help()
    assert parser.prog == f"s2r {command}" and "--config" in text
    for cls in classes:
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            assert re.search(rf"--{re.escape(f.name)}\b", text), f"--{f.name} missing from `s2r {command} --help`"
            if cls.__module__.startswith("s2r_hf"):
                assert f.metadata.get("help"), f"{command} option {f.name} has no help text"


def _yaml(tmp_path: Path, text: str) -> str:
    path = tmp_path / "options.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "pred.jsonl").write_text('{"task": "aime24", "index": 0, "response": "1"}\n')
    (tmp_path / "model").mkdir()
    return {"pred": str(tmp_path / "pred.jsonl"), "model": str(tmp_path / "model"), "out": str(tmp_path / "out")}


PARSE = {  # command → (parse function, YAML of its required options, a misspelt key and what it meant)
    "eval": ("s2r_hf.eval.options:parse_eval", "model: m\noutput_dir: {out}\ntasks: aime24\n", "taks", "tasks"),
    "grade": ("s2r_hf.eval.grade:parse_grade", "predictions: {pred}\noutput_dir: {out}\n", "anser_from", "answer_from"),
    "card": ("s2r_hf.eval.card:parse_card", "model: {model}\nresults: {out}\n", "card-dir", "card_dir"),
    "push": ("s2r_hf.push:parse_push", "output_dir: {out}\nrepo: me/x\n", "privat", "private"),
}


def _parse(command: str):
    import importlib

    module, name = PARSE[command][0].split(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("command", sorted(PARSE))
def test_required_options_come_from_the_yaml(tmp_path, command):
    files = _files(tmp_path)
    args = _parse(command)(["--config", _yaml(tmp_path, PARSE[command][1].format(**files))])
    assert type(args).__name__.endswith("Arguments")
    assert files["out"] in dataclasses.asdict(args).values() or getattr(args, "results", None) == files["out"]


@pytest.mark.parametrize("command", sorted(PARSE))
def test_unknown_yaml_key_is_named_with_the_valid_ones(tmp_path, command):
    files = _files(tmp_path)
    _, required, typo, meant = PARSE[command]
    path = _yaml(tmp_path, required.format(**files) + f"{typo}: x\nfrobnicate: 1\n")
    with pytest.raises(S2RError) as err:
        _parse(command)(["--config", path])
    message = str(err.value)
    assert message.startswith(f"unknown option(s) in {path}: {typo} (did you mean {meant}?), frobnicate; valid: ")
    valid = message.split("valid: ")[1].split(";")[0].split(", ")
    parser = _parse(command).__globals__["make_parser"]()
    fields = {f.name for cls in parser.dataclass_types for f in dataclasses.fields(cls)}
    assert set(valid) == fields and meant in valid and f"s2r {command} --help" in message
    assert "\n" not in message


def test_command_line_overrides_the_yaml(tmp_path):
    from s2r_hf.eval.options import parse_eval

    path = _yaml(tmp_path, f"model: m\noutput_dir: {tmp_path}\ntasks: math_500\nseed: 7\nmax_new_tokens: 64\n")
    args = parse_eval(["--config", path, "--tasks", "aime24", "--max-new-tokens", "32"])
    assert (args.tasks, args.max_new_tokens, args.seed) == ("aime24", 32, 7)
    assert args.resolve_protocol().name == "custom"  # seed 7 departs from the paper: the card will say so
    args = parse_eval([f"--config={path}", "--model", "other"])
    assert args.model == "other" and args.tasks == "math_500"


def test_eval_yaml_values_are_checked_like_flags(tmp_path):
    from s2r_hf.eval.options import parse_eval

    path = _yaml(tmp_path, f"model: m\noutput_dir: {tmp_path}\nmax_new_tokens: [1, 2]\n")
    with pytest.raises(S2RError, match=r"max_new_tokens in .* must be a number"):
        parse_eval(["--config", path])
    path = _yaml(tmp_path, f"model: m\noutput_dir: {tmp_path}\nprotocol: paper\nseed: 7\n")
    with pytest.raises(S2RError, match=re.escape("--protocol paper conflicts with --seed 7")):
        parse_eval(["--config", path])
    with pytest.raises(S2RError, match=r"unknown option\(s\): --temperature 0\.7; see `s2r eval --help`"):
        parse_eval(["--model", "m", "--output-dir", str(tmp_path), "--temperature", "0.7"])


def test_card_push_takes_an_optional_repo(tmp_path):
    from s2r_hf.eval.card import parse_card

    files = _files(tmp_path)
    base = ["--model", files["model"], "--results", files["out"]]
    assert parse_card(base).push is None
    assert parse_card([*base, "--push"]).push == ""  # the --model repo
    assert parse_card([*base, "--push", "me/m"]).push == "me/m"
    assert parse_card(["--config", _yaml(tmp_path, 'push: ""\n'), *base]).push == ""


def test_push_flags_and_yaml(tmp_path):
    from s2r_hf.push import parse_push

    args = parse_push(["--output-dir", "o", "--repo", "me/x", "--private", "--config-name", "pct10"])
    assert (args.output_dir, args.repo, args.private, args.config_name) == ("o", "me/x", True, "pct10")
    args = parse_push(["--config", _yaml(tmp_path, "output_dir: o\nrepo: me/x\nprivate: true\n")])
    assert args.private is True and args.commit_message is None
    with pytest.raises(S2RError, match=r"required: .*--output-dir.*--repo"):
        parse_push([])


def test_check_push_reports_every_problem_at_once(tmp_path):
    from s2r_hf.push import check_push

    with pytest.raises(S2RError) as err:
        check_push(tmp_path / "nope", "not a repo!", "default")
    message = str(err.value)
    assert message.startswith("2 problems: --output-dir: no such folder") and "--repo" in message
    (tmp_path / "sel").mkdir()
    (tmp_path / "sel" / "manifest.json").write_text("{}")
    with pytest.raises(S2RError, match="HF_HUB_OFFLINE is set"):  # the suite runs offline
        check_push(tmp_path / "sel", "me/x", "default")


def test_yaml_booleans_and_their_command_line_overrides(tmp_path):
    from s2r_hf.eval.options import parse_eval

    path = _yaml(tmp_path, f"model: m\noutput_dir: {tmp_path}\nresume: false\ngreedy: true\n")
    args = parse_eval(["--config", path])
    assert (args.resume, args.greedy) == (False, True)
    args = parse_eval(["--config", path, "--resume", "--greedy", "false"])
    assert (args.resume, args.greedy) == (True, False)
