"""Strategies and budgets (s2r_hf.selection, SPEC §4): hand-computed tables, determinism, clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from s2r_hf.errors import S2RError
from s2r_hf.selection import STRATEGIES, budget_count, hash_keys, select
from tests.conftest import ROOT

# Same five rows as tests/unit/test_rank.py:
#   id   difficulty  length   r_d  r_l   joint (w = 0.25)
#   a    0.9         300      0    3     2.25
#   b    0.2         900      3    0     0.75
#   c    0.8         500      1    2     1.75
#   d    0.1         700      4    1     1.75
#   e    0.5         100      2    4     3.50
IDS = np.array(["a", "b", "c", "d", "e"])
DIFFICULTY = np.array([0.9, 0.2, 0.8, 0.1, 0.5])
LENGTH = np.array([300, 900, 500, 700, 100])


def chosen(strategy: str, ids=IDS, difficulty=DIFFICULTY, length=LENGTH, **kw) -> list[str]:
    sel = select(strategy, ids, length=length, difficulty=difficulty, **kw)
    return np.asarray(ids)[sel.order].tolist()


# -------------------------------------------------------------------------------------------------- budgets


@pytest.mark.parametrize(
    ("n", "ratio", "count", "expected"),
    [
        # floor(n · ratio), at least one row: the authors' max(1, int(total * pct / 100))
        (10, 0.25, None, 2),  # 2.5 → 2
        (10, 0.1, None, 1),  # 1.0
        (10, 0.01, None, 1),  # 0.1 → 0, but at least one row
        (10, 1.0, None, 10),  # everything
        (7, 0.5, None, 3),  # 3.5 → 3
        (7, 0.3, None, 2),  # 2.1 → 2
        (9, 0.99, None, 8),  # 8.91 → 8
        (90, 0.35, None, 31),  # exactly 31.5 → 31
        (100, 0.29, None, 29),  # exactly 29 (the float product is 28.999999999999996, whose int() is 28)
        (100, 0.57, None, 57),  # exactly 57 (float: 56.99999999999999)
        (196_000, 0.10, None, 19_600),  # the paper's ~196k verified pool at 10 %
        (225_129, 0.10, None, 22_512),  # OpenR1 "all": 22512.9 → 22512
        (225_129, 0.05, None, 11_256),  # 11256.45 → 11256
        (225_129, 0.02, None, 4_502),  # 4502.58 → 4502
        (10, None, 3, 3),
        (10, None, 10, 10),
        (10, None, 50, 10),  # a count is capped at the pool size
        (1, 0.1, None, 1),
    ],
)
def test_budget_count_table(n, ratio, count, expected):
    assert budget_count(n, ratio, count) == expected


@pytest.mark.parametrize("n", [1, 7, 99, 100, 101, 1_000, 196_000, 225_129])
@pytest.mark.parametrize("pct", [1, 2, 5, 10, 29, 57, 100])
def test_ratio_budget_matches_the_authors_rule(n, pct):
    authors = max(1, int(n * pct / 100))  # Select2Reason selection.py, integer percentages
    assert budget_count(n, pct / 100, None) == authors


@pytest.mark.parametrize(
    ("strategy", "token_budget", "expected"),
    [
        # s2r order b, c, d, a, e; lengths 900, 500, 700, 300, 100; cumulative 900, 1400, 2100, 2400, 2500
        ("s2r", 2100, ["b", "c", "d"]),  # ≤ budget, equality included
        ("s2r", 2099, ["b", "c"]),
        ("s2r", 900, ["b"]),
        ("s2r", 2500, ["b", "c", "d", "a", "e"]),
        ("s2r", 10**9, ["b", "c", "d", "a", "e"]),
        # length order b, d, c, a, e: cumulative 900, 1600, 2100, 2400, 2500
        ("length", 1600, ["b", "d"]),
        # difficulty order a, c, e, b, d: cumulative 300, 800, 900, 1800, 2500
        ("difficulty", 900, ["a", "c", "e"]),
        ("difficulty", 1799, ["a", "c", "e"]),
        ("difficulty", 1800, ["a", "c", "e", "b"]),
    ],
)
def test_token_budget_table(strategy, token_budget, expected):
    assert chosen(strategy, token_budget=token_budget) == expected


def test_token_budget_stops_at_the_first_row_that_does_not_fit():
    # s2r order b (900), c (500), d (700), a (300), e (100): budget 1500 keeps b, c (1400); d would make 2100.
    # Rows after d (a, e) would still fit in what is left, but the cut is a prefix of the rank order.
    assert chosen("s2r", token_budget=1500) == ["b", "c"]


@pytest.mark.parametrize(
    ("strategy", "budget", "first_length"),
    [
        ("s2r", 899, 900),  # first row b has 900
        ("difficulty", 299, 300),  # first row a has 300, although the longest row has 900
    ],
)
def test_token_budget_below_first_row_is_an_error(strategy, budget, first_length):
    with pytest.raises(S2RError, match=rf"token budget {budget} .*first row's length {first_length}\b.*--token-budget"):
        select(strategy, IDS, length=LENGTH, difficulty=DIFFICULTY, token_budget=budget)


# ----------------------------------------------------------------------------------------------- strategies


@pytest.mark.parametrize(
    ("strategy", "kw", "expected"),
    [
        ("s2r", {"weight": 0.25, "count": 5}, ["b", "c", "d", "a", "e"]),
        ("s2r", {"weight": 0.25, "count": 2}, ["b", "c"]),
        ("s2r", {"weight": 0.25, "ratio": 0.5}, ["b", "c"]),  # 2.5 → 2
        ("s2r", {"weight": 0.0, "count": 3}, ["b", "d", "c"]),  # = length
        ("s2r", {"weight": 1.0, "count": 3}, ["a", "c", "e"]),  # = difficulty
        ("s2r", {"weight": 0.5, "count": 4}, ["a", "b", "c", "d"]),  # joint 1.5, 1.5, 1.5, 2.5, 3.0
        ("difficulty", {"count": 5}, ["a", "c", "e", "b", "d"]),
        ("length", {"count": 5}, ["b", "d", "c", "a", "e"]),
        ("full", {"count": 1}, ["a", "b", "c", "d", "e"]),  # full ignores the budget; id order
        ("full", {"ratio": 0.1}, ["a", "b", "c", "d", "e"]),
    ],
)
def test_strategy_table(strategy, kw, expected):
    assert chosen(strategy, **kw) == expected


def test_selection_ranks_cover_the_whole_pool():
    sel = select("s2r", IDS, length=LENGTH, difficulty=DIFFICULTY, weight=0.25, count=2)
    assert sel.rank_difficulty.tolist() == [0, 3, 1, 4, 2]
    assert sel.rank_length.tolist() == [3, 0, 2, 1, 4]
    np.testing.assert_allclose(sel.joint, [2.25, 0.75, 1.75, 1.75, 3.5])
    assert sel.order.tolist() == [1, 2]


def test_strategies_without_difficulty():
    for strategy in ("length", "random", "full"):
        sel = select(strategy, IDS, length=LENGTH, count=2, seed=0)
        assert sel.rank_difficulty is None and sel.joint is None
        assert len(sel.order) == (5 if strategy == "full" else 2)


def test_nan_difficulty_is_selected_last():
    diff = DIFFICULTY.copy()
    diff[0] = np.nan  # a was the hardest; now unknown → last by difficulty
    assert chosen("difficulty", difficulty=diff, count=5) == ["c", "e", "b", "d", "a"]


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("budget", [{"count": 7}, {"ratio": 0.3}, {"token_budget": 20_000}])
def test_every_strategy_is_invariant_to_row_order(strategy, budget):
    rng = np.random.default_rng(3)
    n = 40
    ids = np.array([f"q{i:03d}" for i in range(n)])
    diff = rng.integers(0, 5, n) / 4.0  # ties on purpose
    length = rng.integers(50, 1000, n)
    strata = np.array(["Algebra", "Geometry", "Other", "Number Theory"])[rng.integers(0, 4, n)]
    kw = dict(length=length, difficulty=diff, seed=11, **budget)
    reference = ids[select(strategy, ids, strata=strata, **kw).order].tolist()
    for _ in range(3):
        perm = rng.permutation(n)
        kw_p = dict(length=length[perm], difficulty=diff[perm], seed=11, **budget)
        again = ids[perm][select(strategy, ids[perm], strata=strata[perm], **kw_p).order].tolist()
        assert again == reference


# ------------------------------------------------------------------------------------------ random, seeded

POOL_IDS = np.array([f"id-{i:03d}" for i in range(60)])
POOL_LEN = np.arange(60) + 10


def test_random_is_seeded_and_deterministic():
    a = chosen("random", ids=POOL_IDS, difficulty=None, length=POOL_LEN, count=10, seed=5)
    b = chosen("random", ids=POOL_IDS, difficulty=None, length=POOL_LEN, count=10, seed=5)
    assert a == b and len(set(a)) == 10


def test_random_differs_across_seeds():
    picks = {
        tuple(chosen("random", ids=POOL_IDS, difficulty=None, length=POOL_LEN, count=10, seed=s)) for s in range(5)
    }
    assert len(picks) == 5


def test_random_is_not_the_id_order_nor_a_signal_order():
    got = chosen("random", ids=POOL_IDS, difficulty=None, length=POOL_LEN, count=60, seed=0)
    assert sorted(got) == POOL_IDS.tolist()  # a permutation of the pool
    assert got != POOL_IDS.tolist()
    assert got != POOL_IDS[::-1].tolist()  # not the length order either (length increases with id)


def test_random_order_follows_the_hash_keys():
    keys = hash_keys(POOL_IDS, 9)
    expected = POOL_IDS[np.lexsort((POOL_IDS, keys))][:8].tolist()
    assert chosen("random", ids=POOL_IDS, difficulty=None, length=POOL_LEN, count=8, seed=9) == expected


def test_hash_keys_depend_on_id_and_seed_only():
    keys = hash_keys(np.array(["x", "y", "x"]), 1)
    assert keys[0] == keys[2] != keys[1]
    assert hash_keys(np.array(["x"]), 1)[0] != hash_keys(np.array(["x"]), 2)[0]
    assert np.all(keys >= 0) and np.all(keys < 2**53)  # exact in float64


# ------------------------------------------------------------------------------------------------ stratified

# 10 rows: 6 Algebra, 3 Geometry, 1 Other.
STRAT_IDS = np.array([f"s{i}" for i in range(10)])
STRATA = np.array(["Algebra"] * 6 + ["Geometry"] * 3 + ["Other"])
STRAT_LEN = np.full(10, 100)


@pytest.mark.parametrize(
    ("budget", "counts"),
    [
        # k = 5: exact shares 6·5/10 = 3.0, 3·5/10 = 1.5, 1·5/10 = 0.5 → floors 3, 1, 0, one left over;
        # remainders Geometry .5 = Other .5, tie by name → Geometry. → 3, 2, 0
        ({"count": 5}, {"Algebra": 3, "Geometry": 2, "Other": 0}),
        ({"ratio": 0.5}, {"Algebra": 3, "Geometry": 2, "Other": 0}),
        # k = 4: shares 2.4, 1.2, 0.4 → floors 2, 1, 0, one left; remainders .4, .2, .4: Algebra = Other, by name
        # → Algebra. → 3, 1, 0
        ({"count": 4}, {"Algebra": 3, "Geometry": 1, "Other": 0}),
        # k = 7: shares 4.2, 2.1, 0.7 → floors 4, 2, 0, one left; largest remainder .7 → Other. → 4, 2, 1
        ({"count": 7}, {"Algebra": 4, "Geometry": 2, "Other": 1}),
        # k = 1: shares .6, .3, .1 → floors 0, 0, 0; the one row goes to Algebra (.6)
        ({"count": 1}, {"Algebra": 1, "Geometry": 0, "Other": 0}),
        # k = 10: everything
        ({"count": 10}, {"Algebra": 6, "Geometry": 3, "Other": 1}),
    ],
)
def test_stratified_allocates_proportionally(budget, counts):
    sel = select("stratified", STRAT_IDS, length=STRAT_LEN, strata=STRATA, seed=0, **budget)
    got = {name: int((STRATA[sel.order] == name).sum()) for name in ("Algebra", "Geometry", "Other")}
    assert got == counts
    assert len(set(sel.order.tolist())) == len(sel.order)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stratified_is_random_within_each_stratum(seed):
    sel = select("stratified", STRAT_IDS, length=STRAT_LEN, strata=STRATA, count=5, seed=seed)
    # the random strategy's order with the same seed, restricted to each stratum, gives the picks
    full_random = select("random", STRAT_IDS, length=STRAT_LEN, count=10, seed=seed).order
    expected = []
    for name, k in (("Algebra", 3), ("Geometry", 2)):
        expected += [i for i in full_random if STRATA[i] == name][:k]
    assert sorted(sel.order.tolist()) == sorted(expected)
    # and the kept rows come out in the random order
    assert sel.order.tolist() == [i for i in full_random if i in set(expected)]


def test_stratified_differs_across_seeds_and_repeats_within_one():
    ids = np.array([f"p{i:03d}" for i in range(80)])
    strata = np.array(["A", "B", "C", "D"])[np.arange(80) % 4]
    runs = {
        seed: tuple(select("stratified", ids, length=np.ones(80), strata=strata, count=8, seed=seed).order.tolist())
        for seed in range(4)
    }
    assert len(set(runs.values())) == 4
    again = select("stratified", ids, length=np.ones(80), strata=strata, count=8, seed=2).order.tolist()
    assert tuple(again) == runs[2]
    # 20 rows per stratum, k = 8 → 2 each
    assert sorted(np.unique(strata[list(runs[0])], return_counts=True)[1].tolist()) == [2, 2, 2, 2]


def test_stratified_with_token_budget_keeps_a_prefix_of_its_order():
    sel = select("stratified", STRAT_IDS, length=STRAT_LEN, strata=STRATA, token_budget=350, seed=0)
    assert len(sel.order) == 3  # 100 + 100 + 100 ≤ 350 < 400


def _shares(strata: np.ndarray, order: np.ndarray) -> dict[str, int]:
    return {str(g): int((strata[order] == g).sum()) for g in np.unique(strata)}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("budget_share", [0.05, 0.2, 0.5])
def test_stratified_token_budget_stays_proportional(seed, budget_share):
    # 200 rows: A 100, B 60, C 30, D 10; A's rows are long, D's short, so a budget cut by tokens from a random
    # order would not keep the row shares; the stratified order keeps every stratum within one row of its share.
    n = 200
    ids = np.array([f"q{i:04d}" for i in range(n)])
    strata = np.array(["A"] * 100 + ["B"] * 60 + ["C"] * 30 + ["D"] * 10)
    length = np.array([900] * 100 + [400] * 60 + [200] * 30 + [50] * 10) + np.arange(n) % 7
    budget = int(length.sum() * budget_share)
    sel = select("stratified", ids, length=length, strata=strata, token_budget=budget, seed=seed)
    k = len(sel.order)
    assert 0 < k < n and int(length[sel.order].sum()) <= budget < int(length[sel.order].sum()) + 1000
    sizes = {"A": 100, "B": 60, "C": 30, "D": 10}
    got = _shares(strata, sel.order)
    for g, size in sizes.items():
        assert abs(got.get(g, 0) - k * size / n) <= 1, (got, k)
    # not the random baseline (which the token budget used to reduce stratified to)
    rand = select("random", ids, length=length, token_budget=budget, seed=seed).order
    assert sel.order.tolist() != rand.tolist()


def test_random_token_budget_is_not_proportional_on_the_same_pool():
    # What the test above rules out: on this pool the random order's token cut drifts from the shares.
    n = 200
    ids = np.array([f"q{i:04d}" for i in range(n)])
    strata = np.array(["A"] * 100 + ["B"] * 60 + ["C"] * 30 + ["D"] * 10)
    length = np.array([900] * 100 + [400] * 60 + [200] * 30 + [50] * 10) + np.arange(n) % 7
    drift = []
    for seed in range(4):
        order = select("random", ids, length=length, token_budget=int(length.sum() * 0.2), seed=seed).order
        got = _shares(strata, order)
        drift.append(max(abs(got.get(g, 0) - len(order) * s / n) for g, s in (("A", 100), ("B", 60), ("C", 30))))
    assert max(drift) > 1


def test_stratified_needs_strata():
    with pytest.raises(S2RError, match="problem_type"):
        select("stratified", STRAT_IDS, length=STRAT_LEN, count=3)


# ---------------------------------------------------------------------------------------------------- errors


def test_unknown_strategy_names_the_choices():
    with pytest.raises(S2RError, match=r"unknown strategy 'best'.*s2r, difficulty, length, random, stratified, full"):
        select("best", IDS, length=LENGTH, difficulty=DIFFICULTY, count=1)


@pytest.mark.parametrize(
    "budget",
    [
        {"ratio": 0.1, "count": 3},
        {"ratio": 0.1, "token_budget": 100},
        {"count": 3, "token_budget": 100},
        {"ratio": 0.1, "count": 3, "token_budget": 100},
        {},
    ],
)
def test_exactly_one_budget(budget):
    with pytest.raises(S2RError, match=r"--ratio, --count or --token-budget"):
        select("s2r", IDS, length=LENGTH, difficulty=DIFFICULTY, **budget)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_empty_pool(strategy):
    empty = np.array([], dtype=str)
    with pytest.raises(S2RError, match="pool is empty"):
        select(strategy, empty, length=np.array([]), difficulty=np.array([]), strata=empty, count=1)


@pytest.mark.parametrize("strategy", ["s2r", "difficulty"])
def test_missing_difficulty(strategy):
    with pytest.raises(S2RError, match=rf"strategy '{strategy}' needs difficulty scores"):
        select(strategy, IDS, length=LENGTH, difficulty=None, count=1)


# ------------------------------------------------------------------------- through `s2r select`: trainable rows


def _select(cache: Path, out: Path, *extra: str) -> tuple[dict, object]:
    import pyarrow.parquet as pq

    from s2r_hf import cli

    argv = [
        "select",
        "--pool",
        "s2r:synthetic-openr1",
        "--synthetic-rows",
        "40",
        "--judge",
        "s2r:tiny-judge",
        "--decontam-benchmarks",
        "s2r:synthetic-benchmark",
        "--cache-dir",
        str(cache),
        "--output-dir",
        str(out),
        *extra,
    ]
    assert cli.main(argv) == 0
    return json.loads((out / "manifest.json").read_text()), pq.read_table(out / "scores.parquet")


@pytest.fixture
def select_cache(tiny_judge, fresh_cache) -> Path:
    shutil.copytree(tiny_judge, fresh_cache / "builtin" / "tiny-qwen2-judge")  # skip the rebuild
    return fresh_cache


def test_max_train_tokens_drops_rows_before_the_budget_and_counts_as_trl(select_cache, tiny_judge, tmp_path):
    import pyarrow.parquet as pq
    from accelerate import PartialState

    from s2r_hf.train import parse_train, setup

    # every row counted (a limit above every row drops nothing)
    _, everything = _select(select_cache, tmp_path / "all", "--strategy", "length", "--max-train-tokens", "1000000")
    tokens = everything.column("train_tokens").to_numpy()
    assert (tokens > everything.column("length").to_numpy()).all()  # system prompt + question + template + trace
    limit = int(np.median(tokens))
    manifest, scores = _select(
        select_cache, tmp_path / "cut", "--strategy", "length", "--ratio", "0.5", "--max-train-tokens", str(limit)
    )
    over = int((tokens > limit).sum())
    assert 0 < over < len(tokens)
    counts = manifest["counts"]
    assert counts["over_max_train_tokens"] == over and counts["scored"] == len(tokens) - over
    assert manifest["options"]["SelectionArguments"]["max_train_tokens"] == limit
    dropped = pq.read_table(tmp_path / "cut" / "dropped.parquet").to_pylist()
    mine = [d for d in dropped if d["reason"] == "over_max_train_tokens"]
    assert len(mine) == over and all(f"> --max-train-tokens {limit}" in d["detail"] for d in mine)
    assert (scores.column("train_tokens").to_numpy() <= limit).all()
    assert len(manifest["selected_ids"]) == (len(tokens) - over) // 2  # the ratio of the rows left
    assert "--max-train-tokens" in (tmp_path / "cut" / "README.md").read_text()

    # `s2r train` at max_length = the limit: TRL's own tokenisation of every selected row has exactly the
    # counted length, and nothing is overlong.
    subset, training, model = parse_train(
        [
            "--config",
            str(ROOT / "recipes" / "tiny-qwen2" / "sft" / "config_demo.yaml"),
            "--model_name_or_path",
            str(tiny_judge),
            "--dataset_name",
            str(tmp_path / "cut"),
            "--output_dir",
            str(tmp_path / "train"),
            "--max_length",
            str(limit),
            "--overlong",
            "drop",
            "--disable_tqdm",
            "true",
        ]
    )
    run = setup(subset, training, model, PartialState())
    assert run.report.overlong == 0 and run.report.rows_kept == len(manifest["selected_ids"])
    trl_lengths = [len(ids) for ids in run.trainer.train_dataset["input_ids"]]
    by_id = dict(zip(scores.column("id").to_pylist(), scores.column("train_tokens").to_pylist(), strict=True))
    assert trl_lengths == [by_id[i] for i in manifest["selected_ids"]]
    assert manifest["counts"]["selected_train_tokens"] == sum(trl_lengths) == run.report.tokens


def test_token_budget_counts_rendered_training_tokens(select_cache, tmp_path):
    _, everything = _select(select_cache, tmp_path / "all", "--strategy", "length", "--max-train-tokens", "1000000")
    budget = int(everything.column("train_tokens").to_numpy().sum() // 4)
    manifest, scores = _select(select_cache, tmp_path / "tb", "--strategy", "length", "--token-budget", str(budget))
    by_id = dict(zip(scores.column("id").to_pylist(), scores.column("train_tokens").to_pylist(), strict=True))
    length = dict(zip(scores.column("id").to_pylist(), scores.column("length").to_pylist(), strict=True))
    picked = manifest["selected_ids"]
    spent = sum(by_id[i] for i in picked)
    assert spent == manifest["counts"]["selected_train_tokens"] <= budget
    order = sorted(length, key=lambda i: (-length[i], i))  # the length strategy's rank order
    assert picked == order[: len(picked)]
    assert spent + by_id[order[len(picked)]] > budget  # the next row in rank order did not fit
    assert sum(length[i] for i in picked) < spent  # the trace alone would have let more rows in


# ----------------------------------------------------------------------------- --weight with other strategies


@pytest.mark.parametrize("strategy", ["random", "stratified", "full", "length", "difficulty"])
def test_weight_with_a_strategy_that_ignores_it_is_refused(strategy, tmp_path):
    from s2r_hf.cli import parse_select
    from s2r_hf.configs import check_compatible

    pool, scoring, sel, _ = parse_select(["--strategy", strategy, "--weight", "0.5", "--output-dir", str(tmp_path)])
    with pytest.raises(S2RError, match=rf"--weight 0.5 has no effect with --strategy {strategy}\b.*drop --weight"):
        check_compatible(pool, scoring, sel)


def test_weight_defaults_only_for_s2r(tmp_path):
    from s2r_hf.cli import parse_select
    from s2r_hf.configs import check_compatible

    for strategy, weight in (("s2r", 0.25), ("random", None), ("length", None)):
        pool, scoring, sel, _ = parse_select(["--strategy", strategy, "--output-dir", str(tmp_path)])
        assert sel.weight == weight
        check_compatible(pool, scoring, sel)


def test_recipe_weight_under_another_strategy_is_warned_and_dropped(tmp_path, caplog):
    from s2r_hf.cli import parse_select
    from s2r_hf.configs import check_compatible

    recipe = ROOT / "recipes" / "selection" / "synthetic" / "config_s2r_10pct.yaml"
    with caplog.at_level("WARNING", logger="s2r_hf"):
        pool, scoring, sel, _ = parse_select(["--config", str(recipe), "--strategy", "random"])
    assert sel.weight is None
    assert "ignoring weight 0.25 from the --config file: --strategy random does not use it" in caplog.text
    check_compatible(pool, scoring, sel)
    # the same recipe as written keeps its weight
    assert parse_select(["--config", str(recipe)])[2].weight == 0.25


def test_judge_prompts_over_the_context_are_cut_and_counted(select_cache, tmp_path):
    manifest, scores = _select(select_cache, tmp_path / "ctx", "--judge-max-tokens", "150", "--judge-dtype", "float32")
    cut = scores.column("judge_cut_tokens").to_numpy()
    assert 0 < manifest["counts"]["judge_truncated"] == int((cut > 0).sum()) < len(cut)
    assert scores.column("prompt_tokens").to_numpy().max() <= 150
    assert manifest["options"]["ScoringArguments"]["judge_max_tokens"] == 150
    assert manifest["scorer"]["context"] == "middle cut to 150 tokens"
    truncated = manifest["difficulty_truncation"]  # how many rows, by how much: in the manifest and the card
    assert truncated["column"] == "judge_cut_tokens" and truncated["rows"] == manifest["counts"]["judge_truncated"]
    assert truncated["tokens_cut"] == int(cut.sum()) and truncated["max_tokens_cut"] == int(cut.max())
    card = (tmp_path / "ctx" / "README.md").read_text()
    assert f"{truncated['tokens_cut']} tokens cut in all, at most {truncated['max_tokens_cut']} from one row" in card
    assert f"(column `judge_cut_tokens` in scores.parquet) | {truncated['rows']} |" in card


def test_full_needs_no_budget_and_others_do():
    """`s2r select --strategy full` refuses a budget (configs), so select() must run without one."""
    assert len(select("full", IDS, length=LENGTH).order) == len(IDS)
    with pytest.raises(S2RError, match="give exactly one budget"):
        select("length", IDS, length=LENGTH)
