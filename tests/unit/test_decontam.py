"""Decontamination (s2r_hf.decontam, SPEC §7), part 1: the ngram8 rule (open-r1/s1), benchmark loading, records.

The overlap rule (the default) on real benchmark and competition problems is in test_decontam_overlap.py."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from s2r_hf.decontam import NgramIndex, build_index, decontaminate, load_benchmark, load_benchmark_rows, ngrams, words
from s2r_hf.errors import S2RError

# A 20-word benchmark problem of distinct words w01 … w20, and pool problems built around it.
BENCH_WORDS = [f"w{i:02d}" for i in range(1, 21)]
BENCH = " ".join(BENCH_WORDS)
AIME_PROBLEM = (
    "Find the number of ordered pairs (m, n) of positive integers such that m^2 n = 20^20 and "
    "both m and n are less than one thousand."
)


# ---------------------------------------------------------------------------------------------- n-gram maths


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A b  C\td\ne", ["a", "b", "c", "d", "e"]),
        ("  Leading and TRAILING  ", ["leading", "and", "trailing"]),
        ("x^2+1=0,", ["x^2+1=0,"]),  # punctuation stays attached: whitespace words only
        ("", []),
        ("ÄÖÜ Σ", ["äöü", "σ"]),
    ],
)
def test_words(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        # 5 words, n = 3: windows 1-3, 2-4, 3-5
        ("A b  C\td e", 3, {"a b c", "b c d", "c d e"}),
        # exactly n words: one gram
        ("one two three", 3, {"one two three"}),
        # shorter than n: the whole text, normalised, is one gram
        ("Two   WORDS", 8, {"two words"}),
        ("", 8, set()),
        ("   ", 8, set()),
        # repeated windows collapse: "a a a a" has one distinct 2-gram
        ("a a a a", 2, {"a a"}),
    ],
)
def test_ngrams_table(text, n, expected):
    assert ngrams(text, n) == expected


def test_ngram_count_of_a_long_text():
    # 20 distinct words → 20 − 8 + 1 = 13 distinct 8-grams
    grams = ngrams(BENCH, 8)
    assert len(grams) == 13
    assert "w01 w02 w03 w04 w05 w06 w07 w08" in grams
    assert "w13 w14 w15 w16 w17 w18 w19 w20" in grams


# ----------------------------------------------------------------------------------------------- the index


def index_of(**benchmarks: list[str]) -> NgramIndex:
    index = NgramIndex(n=8)
    for name, problems in benchmarks.items():
        for problem in problems:
            index.add(name, problem)
    return index


@pytest.mark.parametrize(
    ("pool_problem", "hit"),
    [
        (BENCH, "bench"),  # verbatim
        (BENCH.upper(), "bench"),  # different case
        ("  " + "\n\t ".join(BENCH_WORDS) + "  ", "bench"),  # different whitespace
        ("Preamble text here. " + " ".join(BENCH_WORDS[4:12]) + " and more.", "bench"),  # 8 words w05..w12
        ("Preamble text here. " + " ".join(BENCH_WORDS[4:11]) + " and more.", ""),  # only 7 words w05..w11
        (" ".join(BENCH_WORDS[:7]) + " x " + " ".join(BENCH_WORDS[7:14]), ""),  # 7 + 7 words, broken by "x"
        (" ".join(BENCH_WORDS[12:]), "bench"),  # the last 8 words
        (" ".join(BENCH_WORDS[13:]), ""),  # the last 7 words: a short pool problem cannot share an 8-gram
        ("Something entirely different about triangles.", ""),
    ],
)
def test_match_long_benchmark_problem(pool_problem, hit):
    assert index_of(bench=[BENCH]).match(pool_problem) == hit


@pytest.mark.parametrize(
    ("pool_problem", "hit"),
    [
        ("Compute 2+2.", "short"),  # the whole 2-word problem
        ("Please   COMPUTE 2+2. quickly", "short"),  # contained, as words, anywhere
        ("Compute 2+3.", ""),
        ("Compute", ""),  # only part of the short problem
        ("compute2+2.", ""),  # words, not characters
    ],
)
def test_short_benchmark_problem_is_matched_whole(pool_problem, hit):
    assert index_of(short=["Compute 2+2."]).match(pool_problem) == hit


def test_match_names_the_first_benchmark_in_name_order():
    index = index_of(zeta=[BENCH], alpha=[BENCH])
    assert index.match(BENCH) == "alpha"
    assert index.problems == {"zeta": 1, "alpha": 1}


def test_fingerprint_depends_on_grams_and_n():
    a, b = index_of(x=[BENCH]), index_of(x=[BENCH])
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != index_of(x=[BENCH + " w21"]).fingerprint()
    assert a.fingerprint() != index_of(y=[BENCH]).fingerprint()
    c = NgramIndex(n=7)
    c.add("x", BENCH)
    assert a.fingerprint() != c.fingerprint()


# --------------------------------------------------------------------------------------------- decontaminate


def pool_ds(problems: list[str]) -> datasets.Dataset:
    return datasets.Dataset.from_list(
        [{"id": f"r{i}", "problem": p, "response": f"resp {i}"} for i, p in enumerate(problems)]
    )


def test_decontaminate_drops_and_counts_per_benchmark():
    index = index_of(aime24=[AIME_PROBLEM], bench=[BENCH, "Compute 2+2."], math500=["Never in the pool at all."])
    pool = pool_ds(
        [
            "A clean problem about primes and squares and cubes and more.",  # r0 kept
            AIME_PROBLEM,  # r1 aime24
            "  " + AIME_PROBLEM.upper().replace(" ", "   ") + "  ",  # r2 aime24 (case + spacing)
            BENCH,  # r3 bench
            "Now compute 2+2. please",  # r4 bench (short problem)
            " ".join(BENCH_WORDS[:7]) + " plus seven other words that are all new here",  # r5 kept: 7 words
            "Another clean one: evaluate the integral of x from zero to one.",  # r6 kept
        ]
    )
    kept, report = decontaminate(pool, index)
    counts, dropped = report.breakdown, report.dropped
    assert kept["id"] == ["r0", "r5", "r6"]
    assert kept.column_names == pool.column_names
    assert counts == {"aime24": 2, "bench": 2, "math500": 0}
    assert [(d["row"], d["id"]) for d in dropped] == [(1, "r1"), (2, "r2"), (3, "r3"), (4, "r4")]
    assert {d["reason"] for d in dropped} == {"contaminated"}
    # every drop names the benchmark problem and the evidence, as columns and as JSON in `detail`
    assert [(d["benchmark"], d["benchmark_index"]) for d in dropped] == [
        ("aime24", 0),
        ("aime24", 0),
        ("bench", 0),
        ("bench", 1),
    ]
    assert {d["method"] for d in dropped} == {"ngram8"} and {d["score"] for d in dropped} == {1.0}
    assert dropped[0]["matched_text"] == AIME_PROBLEM and dropped[3]["matched_text"] == "Compute 2+2."
    detail = json.loads(dropped[0]["detail"])
    assert detail["benchmark"] == "aime24" and detail["method"] == "ngram8"
    assert detail["why"] == "shares the word 8-gram 'find the number of ordered pairs (m, n)'"


def test_decontaminate_clean_pool_is_unchanged():
    pool = pool_ds(["nothing to see here at all", "a second perfectly clean problem"])
    kept, report = decontaminate(pool, index_of(bench=[BENCH]))
    counts, dropped = report.breakdown, report.dropped
    assert kept["id"] == ["r0", "r1"] and counts == {"bench": 0} and dropped == []


def test_decontaminate_runs_on_a_filtered_view():
    pool = pool_ds(["clean one", BENCH, "clean two", BENCH]).select([3, 2, 1])  # an indices mapping
    kept, report = decontaminate(pool, index_of(bench=[BENCH]))
    counts, dropped = report.breakdown, report.dropped
    assert kept["id"] == ["r2"]
    assert counts == {"bench": 2}
    assert [d["id"] for d in dropped] == ["r3", "r1"]


def test_decontaminate_reports_the_raw_pool_row_when_known():
    rows = [{"id": "r0", "pool_row": 5, "problem": "clean"}, {"id": "r1", "pool_row": 9, "problem": BENCH}]
    _, report = decontaminate(datasets.Dataset.from_list(rows), index_of(bench=[BENCH]))
    counts, dropped = report.breakdown, report.dropped
    assert counts == {"bench": 1}
    assert [(d["row"], d["id"]) for d in dropped] == [(9, "r1")]


# ---------------------------------------------------------------------------------------- benchmark loading


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    datasets.Dataset.from_list(rows).to_json(str(path))
    return path


@pytest.mark.parametrize("column", ["problem", "question", "Problem", "Question", "prompt", "input"])
def test_load_benchmark_detects_the_problem_column(tmp_path, column):
    path = _write_jsonl(tmp_path / "bench.jsonl", [{column: AIME_PROBLEM, "answer": "42"}, {column: "  "}])
    name, problems = load_benchmark(str(path))
    assert name == "bench"  # the file stem
    assert problems == [AIME_PROBLEM]  # blank problems are skipped


def test_load_benchmark_named_spec(tmp_path):
    path = _write_jsonl(tmp_path / "aime.jsonl", [{"question": AIME_PROBLEM}])
    assert load_benchmark(f"my_aime={path}") == ("my_aime", [AIME_PROBLEM])


def test_load_benchmark_parquet_and_folders(tmp_path):
    datasets.Dataset.from_list([{"problem": "p one two"}]).to_parquet(str(tmp_path / "b.parquet"))
    assert load_benchmark(f"pq={tmp_path / 'b.parquet'}") == ("pq", ["p one two"])
    datasets.Dataset.from_list([{"problem": "saved"}]).save_to_disk(str(tmp_path / "saved"))
    assert load_benchmark(str(tmp_path / "saved")) == ("saved", ["saved"])
    folder = tmp_path / "files"
    folder.mkdir()
    _write_jsonl(folder / "data.jsonl", [{"problem": "from a folder"}])
    assert load_benchmark(f"f={folder}") == ("f", ["from a folder"])


def test_load_benchmark_saved_dataset_dict_with_only_a_test_split(tmp_path):
    dd = datasets.DatasetDict({"test": datasets.Dataset.from_list([{"problem": "only in test"}])})
    dd.save_to_disk(str(tmp_path / "math500"))
    assert load_benchmark(str(tmp_path / "math500")) == ("math500", ["only in test"])


def test_load_benchmark_without_problem_column(tmp_path):
    path = _write_jsonl(tmp_path / "bad.jsonl", [{"text": "x", "label": 1}])
    with pytest.raises(S2RError, match=r"no problem column \(problem, question.*its columns are text, label"):
        load_benchmark(str(path))


@pytest.mark.parametrize("spec", ["aime24", "math500", "someone/unknown-benchmark", "x=/no/such/file.jsonl"])
def test_unloadable_benchmark_is_a_clear_error(spec):
    with pytest.raises(S2RError) as err:
        load_benchmark(spec)
    msg = str(err.value)
    assert f"could not load decontamination benchmark {spec!r}" in msg
    assert "--decontam-benchmarks name=path.jsonl" in msg
    assert "--no-decontaminate" in msg


def test_build_index_from_local_specs(tmp_path):
    a = _write_jsonl(tmp_path / "a.jsonl", [{"problem": AIME_PROBLEM}, {"problem": "Compute 2+2."}])
    b = _write_jsonl(tmp_path / "b.jsonl", [{"question": BENCH}])
    index = build_index([f"aime={a}", f"olymp={b}"], n=8, method="ngram8")
    assert index.problems == {"aime": 2, "olymp": 1}
    assert index.sizes == {8, 2}  # 8-grams, plus the whole 2-word problem
    assert index.match(AIME_PROBLEM) == "aime"
    assert index.match(BENCH.upper()) == "olymp"
    kept, report = decontaminate(pool_ds([AIME_PROBLEM, BENCH, "compute 2+2.", "clean"]), index)
    counts = report.breakdown
    assert counts == {"aime": 2, "olymp": 1}
    assert kept["id"] == ["r3"]


def test_build_index_fails_on_the_first_unloadable_spec(tmp_path):
    a = _write_jsonl(tmp_path / "a.jsonl", [{"problem": AIME_PROBLEM}])
    with pytest.raises(S2RError, match="'aime25'"):
        build_index([f"aime={a}", "aime25"])


def test_benchmark_aliases_and_unknown_bare_names(monkeypatch):
    """`math_500` (s2r eval's key) means MATH-500; a bare unknown name never reaches `load_dataset`, where an
    offline cache could answer it with some other dataset of that name."""
    import datasets

    from s2r_hf.decontam import load_benchmark
    from s2r_hf.errors import S2RError

    asked = []

    def fake_load(repo, config=None, split=None):
        asked.append((repo, config, split))
        return datasets.Dataset.from_list([{"problem": "What is 1+1?"}])

    monkeypatch.setattr(datasets, "load_dataset", fake_load)
    assert load_benchmark("math_500") == ("math_500", ["What is 1+1?"])
    assert load_benchmark("math500") == ("math_500", ["What is 1+1?"])  # the key `s2r eval` uses, from an alias
    assert asked == [("HuggingFaceH4/MATH-500", None, "test")] * 2
    with pytest.raises(S2RError, match=r"unknown decontamination benchmark 'math_5000'.*name=path.jsonl"):
        load_benchmark("math_5000")
    assert len(asked) == 2
    assert load_benchmark("ns/my-bench")[0] == "ns/my-bench"  # a Hub id still goes to the Hub


# ------------------------------------------------------------------------------ the registry of `s2r eval`

REAL = Path(__file__).resolve().parents[1] / "data" / "real_benchmarks"


def test_registry_keys_read_local_folders_like_s2r_eval():
    """A registry key (or alias) reads <data_dir>/<key>/ through the row function `s2r eval` uses; each problem
    keeps its row number in the benchmark (reported as benchmark_index)."""
    name, rows = load_benchmark_rows("amc23", REAL)
    assert name == "amc23" and len(rows) == 10 and [i for i, _ in rows] == list(range(10))
    assert rows[0][1].startswith("Cities $A$ and $B$ are $45$ miles apart.")
    # olympiadbench's layout names the column `question`; the registry's row function reads it
    name, rows = load_benchmark_rows("olympiadbench", REAL)
    assert name == "olympiadbench" and len(rows) == 12
    # multiple choice (AGIEval layout: passage + question + options): the question, without the option list
    name, rows = load_benchmark_rows("gaokao_math_qa", REAL)
    raw = [json.loads(line) for line in (REAL / "gaokao_math_qa" / "test.jsonl").read_text().splitlines()]
    assert rows[0][1] == raw[0]["question"].strip()


def test_local_only_benchmark_without_its_folder_says_where_to_put_it(tmp_path):
    with pytest.raises(S2RError, match=r"gaokao2024_mix has no Hub copy.*--decontam-data-dir"):
        load_benchmark_rows("gaokao2024_mix", tmp_path)
    assert load_benchmark_rows("gaokao2024_mix", REAL)[0] == "gaokao2024_mix"


def test_build_index_rejects_an_unknown_method():
    with pytest.raises(S2RError, match=r"--decontam-method must be one of overlap, ngram8; got 'fuzzy'"):
        build_index([], method="fuzzy")


# ---------------------------------------------------------------------------------------------- options


def test_decontamination_options_defaults_and_checks():
    from s2r_hf.cli import parse_select
    from s2r_hf.configs import SelectionArguments

    sel = SelectionArguments()
    assert (sel.decontam_method, sel.decontam_ngram, sel.decontam_threshold, sel.decontam_data_dir) == (
        "overlap",
        8,
        0.4,
        None,
    )
    sel = parse_select(
        ["--output-dir", "o", "--decontam-method", "ngram8", "--decontam_threshold", "0.6", "--decontam-data-dir", "d"]
    )[2]
    assert (sel.decontam_method, sel.decontam_threshold, sel.decontam_data_dir) == ("ngram8", 0.6, "d")
    with pytest.raises(S2RError) as err:
        SelectionArguments(decontam_method="fuzzy", decontam_threshold=0.0)
    assert "--decontam-method must be one of overlap, ngram8; got 'fuzzy'" in str(err.value)
    assert "--decontam-threshold must be in (0, 1], got 0.0" in str(err.value)
