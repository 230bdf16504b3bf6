"""`s2r select` as a stage package (s2r_hf.selection): old import paths still work, the score cache re-aligns to
the rows by (id, problem_hash), and the stage stays readable (issue 16)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from s2r_hf.errors import S2RError

PACKAGE = Path(__file__).resolve().parents[2] / "s2r_hf" / "selection"


def test_old_import_paths_name_the_moved_objects():
    from s2r_hf import cli, selection
    from s2r_hf.selection import main, options, score, strategies

    assert cli.select_main is main.main and cli.parse_select is options.parse_select
    assert cli.equivalent_command is options.equivalent_command and cli.SELECT_CONFIGS is options.SELECT_CONFIGS
    assert cli.make_select_parser is options.make_select_parser and cli.BUDGET_KEYS == (
        "ratio",
        "count",
        "token_budget",
    )
    assert cli.score_difficulty is score.score_difficulty
    for name in ("STRATEGIES", "NEEDS_DIFFICULTY", "Selection", "budget_count", "hash_keys", "select"):
        assert getattr(selection, name) is getattr(strategies, name), name


def test_cached_scores_are_realigned_to_the_rows():
    from s2r_hf.selection.score import _aligned

    table = pa.table(
        {
            "id": ["c", "a", "b", "a"],
            "problem_hash": ["h3", "h1", "h2", "OLD"],  # "a" was also scored under an older problem text
            "difficulty": [0.3, 0.1, 0.2, 0.9],
            "judge_mass": [1.0, 0.5, 0.75, 0.0],
        }
    )
    got = _aligned(table, [("a", "h1"), ("b", "h2"), ("c", "h3")])
    assert set(got) == {"difficulty", "judge_mass"}
    np.testing.assert_array_equal(got["difficulty"], [0.1, 0.2, 0.3])
    np.testing.assert_array_equal(got["judge_mass"], [0.5, 0.75, 1.0])
    with pytest.raises(S2RError, match=r"1 rows have no difficulty score .*first id 'é'.*re-run the same command"):
        _aligned(table, [("a", "h1"), ("é", "h9")])


def test_stopwatch_times_stages_and_total():
    from s2r_hf.selection.prepare import Stopwatch

    clock = Stopwatch()
    with clock("load"):
        sum(range(1000))
    times = clock.total()
    assert list(times) == ["load", "total"] and 0 <= times["load"] <= times["total"]


def test_every_function_of_the_stage_is_short():
    """main() reads top to bottom in at most ~80 lines, and so does every helper of the package."""
    sizes = {}
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                sizes[f"{path.name}:{node.name}"] = node.end_lineno - node.lineno + 1
    assert sizes["main.py:main"] <= 80
    assert max(sizes.values()) <= 80, max(sizes, key=sizes.get)
