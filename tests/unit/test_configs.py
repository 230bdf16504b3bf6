"""Option dataclasses (s2r_hf.configs) and the `s2r select` parser: defaults, validation, YAML, flag spellings."""

from __future__ import annotations

from pathlib import Path

import pytest

from s2r_hf.cli import parse_select
from s2r_hf.configs import (
    DEFAULT_BENCHMARKS,
    OutputArguments,
    PoolArguments,
    ScoringArguments,
    SelectionArguments,
    check_compatible,
)
from s2r_hf.errors import S2RError


def select_args(*argv: str, out: str = "out"):
    """(pool, scoring, selection, output) parsed from ``argv`` plus an output folder."""
    return parse_select(["--output-dir", out, *argv])


# ---------------------------------------------------------------------------------------------------- defaults


def test_defaults():
    pool, scoring, sel, output = select_args()
    assert (pool.pool, pool.pool_config, pool.pool_split, pool.pool_format) == (
        "open-r1/OpenR1-Math-220k",
        "all",
        "train",
        "auto",
    )
    assert pool.on_bad_row == "skip" and pool.max_rows is None
    assert scoring.difficulty_scorer == "judge" and scoring.judge == "Qwen/Qwen2.5-1.5B-Instruct"
    assert scoring.judge_system_prompt == (
        "Please judge the difficulty of this instruction and return 1 if difficult or 0 if not."
    )
    assert scoring.length_unit == "tokens"
    assert (sel.strategy, sel.weight) == ("s2r", 0.25)
    assert (sel.ratio, sel.count, sel.token_budget) == (0.1, None, None)  # default budget: 10 %
    assert sel.decontaminate is True and sel.decontam_benchmarks == DEFAULT_BENCHMARKS and sel.decontam_ngram == 8
    assert output.output_dir == "out" and output.overwrite is False


@pytest.mark.parametrize(
    ("argv", "budget"),
    [
        ([], (0.1, None, None)),
        (["--count", "500"], (None, 500, None)),
        (["--token-budget", "1000000"], (None, None, 1_000_000)),
        (["--ratio", "0.05"], (0.05, None, None)),
        (["--ratio", "1"], (1.0, None, None)),
        (["--strategy", "full"], (None, None, None)),  # full keeps everything: no default ratio
    ],
)
def test_budget_defaults(argv, budget):
    sel = select_args(*argv)[2]
    assert (sel.ratio, sel.count, sel.token_budget) == budget


def test_dataclass_default_budget_is_ratio_one_tenth():
    sel = SelectionArguments()
    assert (sel.ratio, sel.count, sel.token_budget) == (0.1, None, None)


# ------------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ratio", "1.5"], r"--ratio must be in \(0, 1\], got 1\.5"),
        (["--ratio", "0"], r"--ratio must be in \(0, 1\], got 0\.0"),
        (["--ratio", "-0.1"], r"--ratio must be in \(0, 1\]"),
        (["--ratio", "0.1", "--count", "5"], r"give one budget, not --ratio and --count"),
        (["--ratio", "0.1", "--token-budget", "5"], r"give one budget, not --ratio and --token-budget"),
        (["--count", "3", "--token-budget", "5"], r"give one budget, not --count and --token-budget"),
        (["--count", "0"], r"--count must be >= 1, got 0"),
        (["--token-budget", "0"], r"--token-budget must be >= 1"),
        (
            ["--strategy", "best"],
            r"--strategy must be one of s2r, difficulty, length, random, stratified, full; got 'best'",
        ),
        (["--weight", "1.5"], r"--weight must be in \[0, 1\], got 1\.5"),
        (["--weight", "-0.25"], r"--weight must be in \[0, 1\]"),
        (["--weight", "nan"], r"--weight must be in \[0, 1\], got nan"),
        (["--pool-format", "sharegpt"], r"--pool-format must be one of auto, openr1, messages, alpaca, chinese_r1"),
        (["--on-bad-row", "warn"], r"--on-bad-row must be one of skip, error; got 'warn'"),
        (["--max-rows", "0"], r"--max-rows must be >= 1"),
        (["--length-unit", "words"], r"--length-unit must be one of tokens, chars; got 'words'"),
        (["--difficulty-scorer", "oracle"], r"--difficulty-scorer must be one of judge, passrate"),
        (["--judge-dtype", "int8"], r"--judge-dtype must be one of auto, bfloat16, float16, float32"),
        (["--passrate-samples", "0"], r"--passrate-samples must be >= 1"),
        (["--judge-system-prompt", "  "], r"--judge-system-prompt is empty"),
        (["--decontam-ngram", "0"], r"--decontam-ngram must be >= 1"),
        (["--num-threads", "0"], r"--num-threads must be >= 1, got 0"),
        (["--hub-config-name", "data"], r"--hub-config-name: config name .data. cannot name a folder"),
    ],
)
def test_validation_errors_name_the_option(argv, message):
    with pytest.raises(S2RError, match=message):
        select_args(*argv)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ratio": 1.5}, r"--ratio must be in \(0, 1\]"),
        ({"ratio": 0.0}, r"--ratio must be in \(0, 1\]"),
        ({"ratio": 0.1, "count": 3}, r"give one budget"),
        ({"strategy": "best"}, r"--strategy must be one of"),
        ({"weight": 2.0}, r"--weight must be in \[0, 1\]"),
    ],
)
def test_selection_dataclass_validates(kwargs, message):
    with pytest.raises(S2RError, match=message):
        SelectionArguments(**kwargs)


def test_several_problems_are_reported_at_once():
    with pytest.raises(S2RError) as err:
        SelectionArguments(strategy="best", weight=2.0, ratio=0.0, count=3)
    msg = str(err.value)
    assert msg.startswith("4 problems: ")
    for option in ("--strategy", "--weight", "give one budget", "--ratio"):
        assert option in msg


def test_several_problems_are_reported_at_once_from_the_command_line():
    with pytest.raises(S2RError) as err:
        select_args("--pool-format", "sharegpt", "--on-bad-row", "warn", "--max-rows", "0")
    msg = str(err.value)
    assert msg.startswith("3 problems: ")
    assert "--pool-format" in msg and "--on-bad-row" in msg and "--max-rows" in msg


def test_pool_and_scoring_dataclasses_validate():
    with pytest.raises(S2RError, match=r"2 problems: --pool-format .* \| --on-bad-row"):
        PoolArguments(pool_format="csv", on_bad_row="ignore")
    with pytest.raises(S2RError, match=r"--length-unit"):
        ScoringArguments(length_unit="bytes")


def test_output_dir_is_required():
    with pytest.raises(S2RError, match=r"--output-dir is required"):
        parse_select([])
    with pytest.raises(S2RError, match=r"--output-dir is required"):
        OutputArguments()


# ---------------------------------------------------------------------------------------------- compatibility


def test_token_budget_needs_token_lengths():
    pool, scoring, sel, _ = select_args("--token-budget", "1000", "--length-unit", "chars")
    with pytest.raises(S2RError, match=r"--token-budget counts tokens but --length-unit is 'chars'"):
        check_compatible(pool, scoring, sel)


def test_full_strategy_takes_no_budget():
    pool, scoring, sel, _ = select_args("--strategy", "full", "--count", "3")
    with pytest.raises(S2RError, match=r"--strategy full keeps every row; drop --ratio/--count/--token-budget"):
        check_compatible(pool, scoring, sel)


def test_compatibility_problems_are_reported_together():
    pool, scoring, sel, _ = select_args("--strategy", "full", "--token-budget", "9", "--length-unit", "chars")
    with pytest.raises(S2RError, match=r"^2 problems: .*--length-unit.* \| .*--strategy full"):
        check_compatible(pool, scoring, sel)


@pytest.mark.parametrize(
    "argv",
    [[], ["--token-budget", "1000"], ["--length-unit", "chars", "--count", "5"], ["--strategy", "full"]],
)
def test_compatible_options_pass(argv):
    check_compatible(*select_args(*argv)[:3])


# ----------------------------------------------------------------------------------------------------- YAML


def write_yaml(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return str(path)


def test_yaml_config(tmp_path):
    cfg = write_yaml(
        tmp_path,
        "pool: /data/pool.parquet\npool_format: openr1\nstrategy: length\nweight: 0.5\ncount: 7\n"
        f"output_dir: {tmp_path / 'run'}\ndecontam_benchmarks:\n  - aime=/data/aime.jsonl\n  - math500\n",
    )
    pool, _, sel, output = parse_select(["--config", cfg])
    assert (pool.pool, pool.pool_format) == ("/data/pool.parquet", "openr1")
    assert (sel.strategy, sel.weight, sel.count, sel.ratio) == ("length", None, 7, None)  # weight: s2r only
    assert sel.decontam_benchmarks == ["aime=/data/aime.jsonl", "math500"]
    assert output.output_dir == str(tmp_path / "run")


def test_command_line_overrides_yaml(tmp_path):
    cfg = write_yaml(tmp_path, "strategy: length\nweight: 0.5\ncount: 7\noutput_dir: from-yaml\n")
    _, _, sel, output = parse_select(["--config", cfg, "--strategy", "random", "--count", "9", "--output-dir", "cli"])
    assert (sel.strategy, sel.count, sel.weight) == ("random", 9, None)  # the YAML weight is dropped (warned)
    assert output.output_dir == "cli"


def test_command_line_budget_replaces_the_yaml_budget(tmp_path):
    cfg = write_yaml(tmp_path, "ratio: 0.2\noutput_dir: x\n")
    sel = parse_select(["--config", cfg, "--count", "500"])[2]
    assert (sel.ratio, sel.count, sel.token_budget) == (None, 500, None)
    sel = parse_select(["--config", cfg, "--token_budget", "9000"])[2]
    assert (sel.ratio, sel.count, sel.token_budget) == (None, None, 9000)
    assert parse_select(["--config", cfg])[2].ratio == 0.2


def test_yaml_values_are_validated(tmp_path):
    cfg = write_yaml(tmp_path, "ratio: 1.5\noutput_dir: x\n")
    with pytest.raises(S2RError, match=r"--ratio must be in \(0, 1\], got 1\.5"):
        parse_select(["--config", cfg])


def test_unknown_yaml_key_is_named(tmp_path):
    cfg = write_yaml(tmp_path, "strategy: length\nbudget_ratio: 0.2\noutput_dir: x\n")
    with pytest.raises(S2RError, match=r"budget_ratio"):
        parse_select(["--config", cfg])


def test_missing_config_file(tmp_path):
    with pytest.raises(S2RError, match=r"config file not found: .*nope\.yaml"):
        parse_select(["--config", str(tmp_path / "nope.yaml")])


# ------------------------------------------------------------------------------------------- flag spellings


@pytest.mark.parametrize(
    ("dashed", "underscored", "attr", "value"),
    [
        (["--output-dir", "o1"], ["--output_dir", "o1"], (3, "output_dir"), "o1"),
        (["--token-budget", "77"], ["--token_budget", "77"], (2, "token_budget"), 77),
        (["--pool-format", "alpaca"], ["--pool_format", "alpaca"], (0, "pool_format"), "alpaca"),
        (["--on-bad-row", "error"], ["--on_bad_row", "error"], (0, "on_bad_row"), "error"),
        (["--length-unit", "chars"], ["--length_unit", "chars"], (1, "length_unit"), "chars"),
        (["--no-decontaminate"], ["--no_decontaminate"], (2, "decontaminate"), False),
        (
            ["--decontam-benchmarks", "a=x.jsonl", "b"],
            ["--decontam_benchmarks", "a=x.jsonl", "b"],
            (2, "decontam_benchmarks"),
            ["a=x.jsonl", "b"],
        ),
    ],
)
def test_dashed_and_underscored_flags(dashed, underscored, attr, value):
    index, name = attr
    base = [] if "output" in dashed[0] else ["--output-dir", "o"]
    a = parse_select([*base, *dashed])
    b = parse_select([*base, *underscored])
    assert getattr(a[index], name) == getattr(b[index], name) == value


def test_unknown_flag_is_a_clear_error(capsys):
    with pytest.raises((S2RError, SystemExit)) as err:
        select_args("--ratioo", "0.2")
    if isinstance(err.value, SystemExit):  # argparse's own usage error
        assert err.value.code == 2
        assert "--ratioo" in capsys.readouterr().err
    else:
        assert "--ratioo" in str(err.value)


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as err:
        parse_select(["--help"])
    assert err.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--pool", "--strategy", "--weight", "--ratio", "--token_budget", "--output_dir", "--config"):
        assert flag in text
