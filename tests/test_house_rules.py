"""House rules of issue 16, checked on the source: no function over 80 lines, no module over 400 lines and no
copy-pasted block of six or more lines in s2r_hf/; and tests/unit mirrors the package: every module with logic has a
test file named for it (see TESTED_ELSEWHERE for the listed exceptions).

Why: a long function or module is where a new maintainer gets lost, and size creeps back one small change at a
time; a test names every offender the moment it appears. The check reads the source with ``ast`` (nothing is
imported), so it takes well under a second.

Function length is counted from the ``def`` line to its last line (decorators excluded, docstring included);
a nested function counts inside its parent too. Module length is the file's line count. A copy-pasted block is
six consecutive code lines (stripped; blank lines and comments skipped) found in two places; import statements and
``def`` headers are left out, since the same imports and the same signature of a shared interface are not copies.
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "s2r_hf"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 400
MIN_COPY_LINES = 6

# Exceptions to the limits (none today); test_allow_list_has_no_stale_entry fails for an entry that is no longer
# over, so the list cannot outlive its reason.
ALLOWED_MODULES: set[str] = set()
ALLOWED_FUNCTIONS: set[str] = set()


def package_files() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 40, files  # a moved package fails here, not as a vacuous pass
    return files


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, int, int]]:
    """(qualified name, first line, length) of every function and method, nested ones included."""
    out: list[tuple[str, int, int]] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = f"{prefix}{node.name}"
            if not isinstance(node, ast.ClassDef):
                out.append((name, node.lineno, node.end_lineno - node.lineno + 1))
            out += functions(node, name + ".")
        else:
            out += functions(node, prefix)
    return out


def long_modules() -> dict[str, int]:
    sizes = {rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in package_files()}
    return {path: n for path, n in sizes.items() if n > MAX_MODULE_LINES}


def long_functions() -> dict[str, str]:
    found = {}
    for path in package_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, line, length in functions(tree):
            if length > MAX_FUNCTION_LINES:
                found[f"{rel(path)}::{name}"] = f"{rel(path)}:{line} {name}: {length} lines"
    return found


def code_lines(source: str) -> list[tuple[int, str]]:
    """(line number, stripped text) of the lines a copy is looked for in: not blank, comment, import or def header."""
    skip: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skip.update(range(node.lineno, node.end_lineno + 1))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            skip.update(range(first, node.body[0].lineno))
    lines = enumerate(source.splitlines(), 1)
    return [(i, s) for i, line in lines if (s := line.strip()) and not s.startswith("#") and i not in skip]


def copied_blocks(sources: dict[str, str]) -> list[list[str]]:
    """Places ("path:line") sharing a run of MIN_COPY_LINES code lines; runs of closing brackets are ignored."""
    seen: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path, source in sources.items():
        lines = code_lines(source)
        for k in range(len(lines) - MIN_COPY_LINES + 1):
            window = tuple(s for _, s in lines[k : k + MIN_COPY_LINES])
            if sum(map(len, window)) >= 120:
                seen[window].append(f"{path}:{lines[k][0]}")
    return sorted(places for places in seen.values() if len(places) > 1)


def test_no_module_over_the_limit() -> None:
    over = {path: n for path, n in long_modules().items() if path not in ALLOWED_MODULES}
    assert not over, f"modules over {MAX_MODULE_LINES} lines (split by job): " + "; ".join(
        f"{path}: {n} lines" for path, n in sorted(over.items())
    )


def test_no_function_over_the_limit() -> None:
    over = {key: text for key, text in long_functions().items() if key not in ALLOWED_FUNCTIONS}
    assert not over, f"functions over {MAX_FUNCTION_LINES} lines: " + "; ".join(sorted(over.values()))


def test_allow_list_has_no_stale_entry() -> None:
    """An entry whose file or function is back under the limit (or gone) must leave the allow-list."""
    stale = sorted(ALLOWED_MODULES - set(long_modules())) + sorted(ALLOWED_FUNCTIONS - set(long_functions()))
    assert not stale, f"no longer over the limit, remove from the allow-list in {rel(Path(__file__))}: {stale}"


def test_no_copy_pasted_block() -> None:
    copies = copied_blocks({rel(p): p.read_text(encoding="utf-8") for p in package_files()})
    assert not copies, f"blocks of {MIN_COPY_LINES}+ lines found twice (factor them out): " + "; ".join(
        " = ".join(places) for places in copies
    )


def test_the_copy_finder_sees_a_pasted_block_but_not_shared_imports_or_signatures() -> None:
    block = "".join(f"    total = total + value_{i} * weight_{i}  # step {i}\n" for i in range(MIN_COPY_LINES))
    header = "import math\nimport random\nfrom collections.abc import Callable\nfrom fractions import Fraction\n"
    signature = "def score(\n    self,\n    problems: list[str],\n    answers: list[str] | None = None,\n) -> dict:\n"
    one = f"{header}\n\n{signature}    total = 0\n{block}    return total\n"
    other = f"{header}\n\n{signature}    return {{}}\n\n\ndef g():\n    total = 1\n{block}    return -total\n"
    assert copied_blocks({"a.py": one, "b.py": other}) == [["a.py:13", "b.py:17"]]
    shorter = block.rsplit("    total", 1)[0]
    assert copied_blocks({"a.py": one, "b.py": other.replace(block, shorter)}) == []


@pytest.mark.parametrize(("length", "flagged"), [(MAX_FUNCTION_LINES, False), (MAX_FUNCTION_LINES + 1, True)])
def test_the_counter_sees_a_long_method(length: int, flagged: bool) -> None:
    """The counter is not blind: a method (inside a class, as a nested def) of 81 lines is found, 80 is not."""
    body = "\n".join(f"            x{i} = {i}" for i in range(length - 1))
    tree = ast.parse(f"class A:\n    def outer(self):\n        def inner():\n{body}\n        return inner\n")
    lengths = {name: n for name, _, n in functions(tree)}
    assert lengths["A.outer.inner"] == length
    assert (lengths["A.outer.inner"] > MAX_FUNCTION_LINES) is flagged


# ------------------------------------------------------------------------------ tests/unit mirrors the package
# Every module with logic (over MIN_TESTED_LINES lines) has a test file named for it, or for its package, that
# imports it (directly, or through a package ``__init__`` that re-exports it); a module of a subpackage may instead
# have its test file in the mirrored folder (s2r_hf/pools/chat.py: tests/unit/pools/test_chat.py). An end-to-end
# test named for the module itself (tests/e2e/test_cli.py for s2r_hf/cli.py) runs it through the CLI and counts too.
# Why: a maintainer looks for a module's tests by its name; a module without such a file is where an untested
# change slips in. The import is required because a name alone misleads (tests/unit/test_outputs.py checks the
# files `s2r select` writes; s2r_hf/outputs.py is tested by tests/unit/test_output_safety.py).

MIN_TESTED_LINES = 40
TEST_FOLDERS = ("unit", "e2e")

# Modules tested where their name does not say so: module -> the test file that exercises it. Each file must
# exist; an entry whose module gets a test file of its own, shrinks to MIN_TESTED_LINES lines or goes away fails
# test_tested_elsewhere_has_no_stale_entry, so the list only shrinks.
TESTED_ELSEWHERE: dict[str, str] = {
    # the model card's bar chart and budget curve, drawn and round-tripped through the card in the budgets tests
    "s2r_hf/eval/card_figures.py": "tests/unit/test_eval_budgets.py",
    # `s2r compare`'s reader, statistics and report, through the package on built selections (and e2e/test_compare.py)
    "s2r_hf/compare/read.py": "tests/unit/test_compare.py",
    "s2r_hf/compare/report.py": "tests/unit/test_compare.py",
    "s2r_hf/compare/stats.py": "tests/unit/test_compare.py",
    # the row readers of every benchmark, on the public rows of tests/data/real_benchmarks (and test_benchdata.py)
    "s2r_hf/benchdata/rows.py": "tests/unit/test_real_benchmarks.py",
    # the dataset card and its plots, built from what `s2r select` writes (the card also in test_manifest.py)
    "s2r_hf/cards/dataset.py": "tests/unit/test_outputs.py",
    "s2r_hf/cards/plots.py": "tests/unit/test_outputs.py",
    # --export-lighteval (imported through s2r_hf.eval.run); the eval e2e tests run it too
    "s2r_hf/eval/export.py": "tests/unit/test_eval_protocol.py",
    # --config YAML + flags + unknown keys named, through every command's parser
    "s2r_hf/config_files.py": "tests/unit/test_command_options.py",
    # the atomic writers and the column reader, on select's output files
    "s2r_hf/io.py": "tests/unit/test_outputs.py",
    # "s2r deletes only what it wrote": unit and end to end (tests/e2e/test_output_safety.py)
    "s2r_hf/outputs.py": "tests/unit/test_output_safety.py",
    # every pre-flight check, as the table of bad inputs run through the real CLI
    "s2r_hf/preflight.py": "tests/e2e/test_bad_inputs.py",
    # the subset, side tables and manifest, only as `s2r select` writes them end to end
    "s2r_hf/selection/write.py": "tests/e2e/test_cli.py",
    # the training subset (loading, chat formatting, the token cutoff) and the train options
    "s2r_hf/sft_data.py": "tests/unit/test_train.py",
    "s2r_hf/train_options.py": "tests/unit/test_train.py",
    # the synthetic pool's parts, through s2r_hf.synthetic.openr1_rows (and a byte digest in test_synthetic_regression)
    "s2r_hf/synthetic/problem.py": "tests/unit/test_synthetic.py",
    "s2r_hf/synthetic/problems.py": "tests/unit/test_synthetic.py",
    "s2r_hf/synthetic/schema.py": "tests/unit/test_synthetic.py",
    "s2r_hf/synthetic/templates_arithmetic.py": "tests/unit/test_synthetic.py",
    "s2r_hf/synthetic/templates_contest.py": "tests/unit/test_synthetic.py",
    "s2r_hf/synthetic/traces.py": "tests/unit/test_synthetic.py",
}


def dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str) -> set[str]:
    """Every absolute module a source imports, anywhere in it; ``from a import b`` gives both ``a`` and ``a.b``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules_with_logic() -> list[Path]:
    return [p for p in package_files() if len(p.read_text(encoding="utf-8").splitlines()) > MIN_TESTED_LINES]


@functools.cache
def package_imports() -> dict[str, set[str]]:
    """What each package ``__init__`` imports: a test importing the package reaches the modules it re-exports."""
    inits = [p for p in package_files() if p.name == "__init__.py"]
    return {dotted(p): imported_modules(p.read_text(encoding="utf-8")) for p in inits}


def unit_and_e2e_tests() -> dict[Path, set[str]]:
    """Each test file under tests/unit and tests/e2e, with the modules it imports."""
    files = [p for folder in TEST_FOLDERS for p in sorted((ROOT / "tests" / folder).rglob("test_*.py"))]
    assert len(files) >= 30, files  # a moved test tree fails here, not as a vacuous pass
    return {p: imported_modules(p.read_text(encoding="utf-8")) for p in files}


def names(path: Path, words: str) -> bool:
    """Does the test file's name hold ``words`` whole ("test_scoring_models" holds "models", not "model")?"""
    have, want = path.stem.removeprefix("test_").split("_"), words.split("_")
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def own_test_files(module: Path, tests: dict[Path, set[str]]) -> list[Path]:
    """The test files named for (or mirroring) ``module`` that exercise it, by the rule above."""
    name = module.parent.name if module.name == "__init__.py" else module.stem
    package = module.parent.name if module.parent != PACKAGE else ""
    reexported_by = {init for init, imports in package_imports().items() if dotted(module) in imports}
    mirror = ROOT / "tests" / "unit" / module.parent.relative_to(PACKAGE) / f"test_{module.stem}.py"
    found = []
    for path, imports in tests.items():
        mirrored = bool(package) and path == mirror
        end_to_end = path.parent.name == "e2e" and names(path, name)
        named = names(path, name) or (bool(package) and names(path, package))
        imports_it = dotted(module) in imports or bool(reexported_by & imports)
        if mirrored or end_to_end or (named and imports_it):
            found.append(path)
    return found


def test_every_module_has_a_test_file() -> None:
    tests = unit_and_e2e_tests()
    missing = [rel(m) for m in modules_with_logic() if rel(m) not in TESTED_ELSEWHERE and not own_test_files(m, tests)]
    assert not missing, (
        f"modules over {MIN_TESTED_LINES} lines without a test file named for them that imports them (add "
        f"tests/unit/test_<name>.py, or tests/unit/<package>/test_<name>.py beside its siblings): {missing}"
    )


def test_tested_elsewhere_has_no_stale_entry() -> None:
    tests = unit_and_e2e_tests()
    modules = {rel(m): m for m in modules_with_logic()}
    stale = [m for m in TESTED_ELSEWHERE if m not in modules or own_test_files(modules[m], tests)]
    assert not stale, f"now tested by a file of their own (or gone, or small); remove from TESTED_ELSEWHERE: {stale}"
    absent = {m: f for m, f in TESTED_ELSEWHERE.items() if not (ROOT / f).is_file()}
    assert not absent, f"TESTED_ELSEWHERE names test files that do not exist: {absent}"


def test_the_test_file_finder_needs_the_name_and_the_import() -> None:
    """Not vacuous: a file named for a module that never imports it does not count; a mirrored one does."""
    tests = unit_and_e2e_tests()
    unit = ROOT / "tests" / "unit"
    assert "s2r_hf.outputs" not in tests[unit / "test_outputs.py"]  # named for s2r_hf/outputs.py, never imports it
    assert unit / "test_outputs.py" not in own_test_files(PACKAGE / "outputs.py", tests)
    assert own_test_files(PACKAGE / "pools" / "chat.py", tests) == [unit / "pools" / "test_chat.py"]
    length = PACKAGE / "scoring" / "length.py"
    assert own_test_files(length, {unit / "test_scoring_length.py": {"s2r_hf.scoring.length"}}) == [
        unit / "test_scoring_length.py"
    ]
    assert own_test_files(length, {unit / "test_lengthy.py": {"s2r_hf.scoring.length"}}) == []
    assert own_test_files(length, {unit / "test_length.py": {"s2r_hf.scoring.models"}}) == []
