"""House rules of issue 16, checked on the source: no function over 80 lines, no module over 400 lines and no
copy-pasted block of six or more lines in s2r_hf/.

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
