"""The benchmark scripts (benchmarks/): options, README tables, the harness's run loop. The measurements
themselves run in `.ci/run` (`--quick`, after the suite): too slow for a unit test."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH_DIR))

import bench_eval  # noqa: E402
import bench_select  # noqa: E402
import bench_train  # noqa: E402
import harness  # noqa: E402

BENCHES = [bench_select.BENCH, bench_train.BENCH, bench_eval.BENCH]
IDS = [b.name for b in BENCHES]


def test_every_script_is_a_harness_benchmark():
    scripts = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    assert scripts == sorted(harness.SCRIPTS) == sorted(f"bench_{b.name}" for b in BENCHES)


@pytest.mark.parametrize("script", harness.SCRIPTS)
def test_help_runs_without_heavy_imports(script):
    out = subprocess.run(
        [sys.executable, str(BENCH_DIR / f"{script}.py"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "--quick" in out.stdout and "--sections" in out.stdout and "[full default | --quick]" in out.stdout


@pytest.mark.parametrize("bench", BENCHES, ids=IDS)
def test_quick_and_full_sizes_come_from_one_profile(bench):
    full, quick = bench.parse([]), bench.parse(["--quick"])
    for name, (full_value, quick_value) in bench.profiles.items():
        assert getattr(full, name) == full_value, name
        assert getattr(quick, name) == quick_value, name
    assert full.sections == quick.sections == bench.section_names
    assert full.out == bench.out and (harness.REPO / bench.out).is_file()


def test_explicit_options_win_and_lists_are_parsed():
    args = bench_select.BENCH.parse(
        ["--quick", "--judge-rows", "3", "--sweep-budgets", "128, 256", "--sections", "gpu"]
    )
    assert (args.judge_rows, args.sweep_budgets, args.sections, args.length_rows) == (3, [128, 256], ["gpu"], 40)
    args = bench_train.BENCH.parse(["--variants", "packing"])
    assert args.variants == ["padding", "packing"]  # the baseline always runs


@pytest.mark.parametrize(
    ("bench", "argv", "message"),
    [
        (bench_select.BENCH, ["--sections", "judge,nope"], "unknown ['nope']; choose from judge, length, e2e, gpu"),
        (bench_select.BENCH, ["--judge-rows", "0"], "--judge-rows must be >= 1"),
        (bench_train.BENCH, ["--repeats", "2"], "--repeats must be >= 3"),
        (bench_train.BENCH, ["--variants", "padding,fast"], "unknown ['fast']"),
        (bench_eval.BENCH, ["--gpu-chunks", "64,x"], "--gpu-chunks"),
    ],
)
def test_bad_options_fail_naming_the_option(bench, argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        bench.parse(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_readme_has_one_marker_pair_per_benchmark_and_matches_the_results_files():
    text = harness.README.read_text(encoding="utf-8")
    for bench in BENCHES:
        start, end = harness.markers(bench.name)
        assert text.count(start) == 1 and text.count(end) == 1 and text.index(start) < text.index(end)
    assert harness.regenerate_readme() == text, "README tables are stale: run python benchmarks/harness.py readme"


@pytest.mark.parametrize("bench", BENCHES, ids=IDS)
def test_tables_and_checks_of_the_committed_results(bench):
    results = json.loads((harness.REPO / bench.out).read_text())
    for section in bench.sections:
        tables = section.tables(results[section.name])
        assert tables and all(t.rows and len(t.header) == len(t.rows[0]) for t in tables)
        assert "\n== " in tables[0].text() and tables[0].markdown().count("\n") == len(tables[0].rows) + 1
        assert all(section.checks(results[section.name]).values()), section.name


def test_checks_fail_on_wrong_results():
    judge = json.loads((harness.REPO / bench_select.BENCH.out).read_text())["judge"]
    assert not all(bench_select.judge_checks({**judge, "max_abs_dp_engine_vs_naive_fp32": 0.02}).values())
    train = json.loads((harness.REPO / bench_train.BENCH.out).read_text())["train"]
    check = {**train["initial_model_loss_check"], "max_rel_diff_vs_padding": 0.01}
    assert not all(bench_train.train_checks({**train, "initial_model_loss_check": check}).values())


def test_replace_block_keeps_the_prose_around_it():
    text = "intro\n<!-- bench:x:start -->\nold\n<!-- bench:x:end -->\noutro | kept\n"
    assert (
        harness.replace_block(text, "x", "new")
        == "intro\n<!-- bench:x:start -->\nnew\n<!-- bench:x:end -->\noutro | kept\n"
    )
    with pytest.raises(SystemExit, match="bench:y:start"):
        harness.replace_block(text, "y", "new")


def test_a_run_writes_json_and_fails_on_a_failed_check_only(tmp_path, monkeypatch, capsys, request):
    """The harness's real run loop on two toy sections: JSON with host and options, tables printed, the README
    untouched for an --out outside benchmarks/, exit 1 naming the failed correctness check."""
    import datasets
    import transformers

    monkeypatch.setattr(harness, "README", tmp_path / "must-not-be-written.md")
    for key in ("HF_DATASETS_CACHE", "TOKENIZERS_PARALLELISM", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.setenv(key, os.environ.get(key, ""))  # restored after the test: the run sets them
    verbosity = datasets.logging.get_verbosity(), transformers.logging.get_verbosity()
    bars = datasets.is_progress_bar_enabled()
    request.addfinalizer(lambda: datasets.logging.set_verbosity(verbosity[0]))
    request.addfinalizer(lambda: transformers.logging.set_verbosity(verbosity[1]))
    request.addfinalizer(datasets.enable_progress_bars if bars else datasets.disable_progress_bars)

    def run(args, work, results):
        return {"ratio": 2.0 if args.quick else 1.0, "ok": args.size != 3}

    def tables(r):
        return [harness.Table("toy", ["ratio"], [[r["ratio"]]])]

    toy = harness.Benchmark(
        name="toy",
        doc="Toy.\n\nend",
        out="benchmarks/results_toy.json",
        sections=[
            harness.Section("a", run, tables, checks=lambda r: {"ok": r["ok"]}),
            harness.Section("b", run, tables),
        ],
        profiles={"size": (5, 2)},
        options={"toy": {"--size": (int, None, "Size.")}},
        threads_default=None,  # leaves this process's torch threads and OMP_NUM_THREADS alone
    )
    out = tmp_path / "r.json"
    assert toy.main(["--quick", "--out", str(out), "--work-dir", str(tmp_path / "w")]) == 0
    data = json.loads(out.read_text())
    assert data["a"]["ratio"] == 2.0 and data["options"]["size"] == 2 and "cpu_count" in data["host"]
    assert set(data["section_seconds"]) == {"a", "b"} and "== toy" in capsys.readouterr().out
    assert toy.main(["--size", "3", "--sections", "a", "--merge", "--out", str(out)]) == 1
    assert "a: ok" in capsys.readouterr().err
    data = json.loads(out.read_text())
    assert data["a"]["ratio"] == 1.0 and data["b"]["ratio"] == 2.0  # --merge kept section b
    assert not harness.README.exists()


def test_ci_runs_every_benchmark_quick_after_the_tests_into_a_temp_folder():
    ci = (harness.REPO / ".ci" / "run").read_text()
    loop = re.search(r"for bench in ([\w ]+); do\n(.+?)\ndone", ci, re.S)
    assert loop and sorted(f"bench_{n}" for n in loop.group(1).split()) == sorted(harness.SCRIPTS)
    assert '--quick --out "$bench_out/' in loop.group(2) and 'bench_out="$(mktemp -d)"' in ci
    assert ci.index(".venv/bin/python -m pytest -q") < loop.start()
