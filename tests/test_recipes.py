"""Every recipe is parsed by the real parser; a moved folder or a stale key fails here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from s2r_hf.cli import parse_select
from s2r_hf.errors import S2RError
from tests.conftest import ROOT

SELECTION = sorted((ROOT / "recipes" / "selection").rglob("config_*.yaml"))


def test_recipes_are_collected():
    assert len(SELECTION) >= 10


@pytest.mark.parametrize("path", SELECTION, ids=lambda p: str(p.relative_to(ROOT)))
def test_selection_recipe_parses(path: Path):
    pool, scoring, sel, out = parse_select(["--config", str(path)])
    text = path.read_text()
    assert text.startswith("#") and "s2r select --config " + str(path.relative_to(ROOT)) in text
    assert out.output_dir
    if "openr1" in path.parts:
        assert pool.pool == "open-r1/OpenR1-Math-220k" and pool.pool_config == "all"
        assert scoring.judge == "Qwen/Qwen2.5-1.5B-Instruct"
        strategy, budget = path.stem.removeprefix("config_").split("_", 1)
        assert sel.strategy == strategy
        if budget.endswith("pct"):
            assert sel.ratio == pytest.approx(int(budget.removesuffix("pct")) / 100)
        assert sel.decontaminate


EVAL = sorted((ROOT / "recipes" / "eval").glob("*.yaml"))


def test_eval_recipes_are_collected():
    assert {p.stem for p in EVAL} >= {"paper", "lighteval"}


def _eval_data(folder: Path) -> Path:
    """A --data-dir with the two benchmarks that have no Hub copy (the others load from the Hub when run)."""
    for key in ("gaokao2024_mix", "kaoyan"):
        (folder / key).mkdir(parents=True)
        (folder / key / "test.jsonl").write_text('{"problem": "1+1?", "answer": "2"}\n')
    return folder


@pytest.mark.parametrize("path", EVAL, ids=lambda p: str(p.relative_to(ROOT)))
def test_eval_recipe_parses(path: Path, tmp_path: Path):
    from s2r_hf.eval.options import parse_eval
    from s2r_hf.eval.protocol import PROTOCOLS
    from s2r_hf.eval.tasks import BENCHMARKS

    text = path.read_text()
    assert text.startswith("#") and "s2r eval --config " + str(path.relative_to(ROOT)) in text
    data = _eval_data(tmp_path / "data")
    args = parse_eval(["--config", str(path), "--model", "m", "--output-dir", str(tmp_path), "--data-dir", str(data)])
    protocol = args.resolve_protocol()
    assert protocol == PROTOCOLS[path.stem]  # the recipe IS the preset: nothing departs from it
    assert args.max_new_tokens == 16384 and not args.greedy  # SPEC §6's budget; each benchmark's own sampling
    if path.stem == "paper":  # the ten benchmarks of the authors' eval_data, in their settings
        assert args.task_keys() == list(BENCHMARKS)
        assert (protocol.repetition_penalty, protocol.seed, protocol.answer_from) == (1.05, 42, "full")
    if path.stem == "lighteval":  # the benchmarks of lighteval's published baselines (SPEC §6)
        assert args.task_keys() == ["aime24", "aime25", "math_500"]


def test_eval_recipe_values_are_overridden_on_the_command_line(tmp_path: Path):
    from s2r_hf.eval.options import parse_eval

    recipe = ROOT / "recipes" / "eval" / "paper.yaml"
    common = ["--config", str(recipe), "--model", "m", "--output-dir", str(tmp_path)]
    args = parse_eval([*common, "--tasks", "amc23"])
    assert args.task_keys() == ["amc23"] and args.data_dir is None  # a Hub benchmark needs no --data-dir
    args = parse_eval([*common, "--tasks", "amc23", "--repetition-penalty", "1.0"])
    assert args.resolve_protocol().name == "custom"  # the card will say how it departs from the paper
    with pytest.raises(S2RError, match=r"gaokao2024_mix has no Hub copy.*--data-dir"):  # the recipe's ten need it
        parse_eval(common)


def test_workflows_are_valid():
    """GitHub workflow files validate against the vendored schema (offline)."""
    import shutil

    exe = shutil.which("check-jsonschema") or str(Path(__import__("sys").executable).parent / "check-jsonschema")
    files = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert files
    proc = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert "bash .ci/run" in ci
    release = (ROOT / ".github" / "workflows" / "release-eval.yml").read_text()
    assert "secrets.HF_TOKEN" in release and "s2r eval " in release and "s2r card " in release
    assert "hf_" not in release.lower().replace("hf_token", "")  # secrets by name only, never a value


def _actionlint(*files: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    import shutil
    import sys

    exe = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    config = ROOT / ".github" / "actionlint.yaml"
    cmd = [exe, "-no-color", "-config-file", str(config), *map(str, files)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)


def test_workflows_pass_actionlint():
    """actionlint (expressions, job needs, runner labels) accepts every workflow, with the self-hosted `gpu`
    label declared in .github/actionlint.yaml; ci.yml runs the same lint."""
    files = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    proc = _actionlint(*files)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "actionlint .github/workflows/" in (ROOT / ".github" / "workflows" / "ci.yml").read_text()


RELEASE = ROOT / ".github" / "workflows" / "release-eval.yml"
BROKEN = {  # what a careless edit does -> what actionlint must say
    "expression": ("${{ inputs.model || vars.S2R_MODEL_REPO }}", "${{ inputs.model || }}", "expression"),
    "label": ("runs-on: [self-hosted, gpu]", "runs-on: [self-hosted, gpu-h100]", "runner-label"),
    "needs": ("    timeout-minutes: 720", "    needs: [build]\n    timeout-minutes: 720", "job-needs"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_actionlint_rejects_broken_workflows(tmp_path: Path, kind: str):
    """The lint can fail: a broken expression, an unknown label or a `needs:` on a missing job is reported."""
    old, new, rule = BROKEN[kind]
    text = RELEASE.read_text()
    assert old in text
    broken = tmp_path / ".github" / "workflows" / "release-eval.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(old, new, 1))
    proc = _actionlint(broken, cwd=tmp_path)
    assert proc.returncode != 0 and f"[{rule}]" in proc.stdout, proc.stdout + proc.stderr
