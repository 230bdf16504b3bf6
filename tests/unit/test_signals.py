"""`--signals`: parsing (s2r_hf.signals), the option checks, the k-signal s2r strategy, and rethink density."""

from __future__ import annotations

import numpy as np
import pytest

from s2r_hf.configs import PoolArguments, ScoringArguments, SelectionArguments, check_compatible
from s2r_hf.errors import S2RError
from s2r_hf.scoring.length import measure_lengths, rethink_density
from s2r_hf.selection import select
from s2r_hf.signals import HIGHER_FIRST, SIGNALS, format_signals, parse_signals, weight_signals

# ------------------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("difficulty:0.25,length:0.75", {"difficulty": 0.25, "length": 0.75}),
        ("difficulty:1,length:3", {"difficulty": 0.25, "length": 0.75}),  # normalised to sum 1
        (" rethink : 1 ", {"rethink": 1.0}),
        ("NLL:2", {"nll": 1.0}),  # names are case-insensitive
        ("nll:1,rethink:1,length:2", {"nll": 0.25, "rethink": 0.25, "length": 0.5}),
        ("difficulty:0,length:1", {"difficulty": 0.0, "length": 1.0}),  # a zero weight is kept (still ranked)
        ("length:1e-3", {"length": 1.0}),
    ],
)
def test_parse_signals_table(text, expected):
    got = parse_signals(text)
    assert list(got) == list(expected)  # order as written: the joint rank sums in this order
    assert got == pytest.approx(expected, abs=1e-15)


def test_weights_summing_to_one_are_kept_bit_for_bit():
    for w in (0.1, 0.25, 0.3, 0.7):
        assert parse_signals(f"difficulty:{w},length:{1 - w!r}") == weight_signals(w)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "--signals is empty"),
        ("   ", "--signals is empty"),
        ("perplexity:1", "--signals: unknown signal 'perplexity'; choose from difficulty, length, rethink, nll"),
        ("length:-0.5", "--signals: weight of 'length' must be a finite number >= 0, got -0.5"),
        ("nll:-1,length:1", "--signals: weight of 'nll' must be a finite number >= 0"),
        ("length:nan", "must be a finite number >= 0"),
        ("length:inf", "must be a finite number >= 0"),
        ("difficulty:0,length:0", "--signals: every weight is 0"),
        ("difficulty", "--signals: 'difficulty' is not name:weight"),
        ("difficulty=0.25", "is not name:weight"),
        ("difficulty:0.25;length:0.75", "is not a number"),
        ("difficulty:0.25,,length:0.75", "--signals: '' is not name:weight"),
        ("length:abc", "--signals: weight 'abc' of 'length' is not a number"),
        ("length:1,length:2", "--signals names 'length' twice"),
    ],
)
def test_bad_signals_are_one_line_errors_naming_the_option(text, needle):
    with pytest.raises(S2RError) as err:
        parse_signals(text)
    message = str(err.value)
    assert needle in message and "--signals" in message and "\n" not in message
    with pytest.raises(S2RError, match="--signals"):  # the same through the option dataclass
        SelectionArguments(signals=text)


def test_direction_table_covers_every_signal_and_nll_ranks_low_first():
    assert set(HIGHER_FIRST) == set(SIGNALS)
    assert HIGHER_FIRST == {"difficulty": True, "length": True, "rethink": True, "nll": False}
    assert format_signals({"difficulty": 0.25, "length": 0.75}) == "difficulty:0.25,length:0.75"


# ------------------------------------------------------------------------------------------ option checks


def test_signals_leave_weight_unset_and_weight_still_defaults():
    assert SelectionArguments(signals="rethink:1").weight is None
    assert SelectionArguments(signals="rethink:1").signal_weights() == {"rethink": 1.0}
    assert SelectionArguments().signal_weights() == {"difficulty": 0.25, "length": 0.75}
    assert SelectionArguments(weight=0.4).signal_weights() == {"difficulty": 0.4, "length": 0.6}
    assert SelectionArguments(strategy="length").signal_weights() is None


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"signals": "rethink:1", "weight": 0.5}, "give --signals or --weight, not both"),
        ({"signals": "rethink:1", "strategy": "length"}, "--signals has no effect with --strategy length"),
        ({"signals": "rethink:1", "strategy": "random"}, "use --strategy s2r"),
    ],
)
def test_contradictory_combinations_are_refused(kw, needle):
    sel = SelectionArguments(**kw)
    with pytest.raises(S2RError, match=needle) as err:
        check_compatible(PoolArguments(), ScoringArguments(), sel)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("kw", "needle"), [({"nll_max_tokens": 0}, "--nll-max-tokens must be >= 1"), ({"nll_dtype": "fp8"}, "--nll-dtype")]
)
def test_bad_nll_options(kw, needle):
    with pytest.raises(S2RError, match=needle):
        ScoringArguments(**kw)


# ------------------------------------------------------------------------------------ the s2r strategy, k signals

IDS = np.array(["a", "b", "c", "d", "e"])
DIFFICULTY = np.array([0.9, 0.2, 0.8, 0.1, 0.5])
LENGTH = np.array([300, 900, 500, 700, 100])
RETHINK = np.array([0.01, 0.0, 0.05, 0.02, 0.05])  # rank (higher first, ties by id): c 0, e 1, d 2, a 3, b 4
NLL = np.array([1.5, 0.5, 2.0, 1.0, 0.7])  # rank (LOWER first): b 0, e 1, d 2, a 3, c 4


def test_weight_and_equivalent_signals_select_the_same_rows():
    for w in (0.0, 0.25, 0.5, 1.0):
        by_weight = select("s2r", IDS, length=LENGTH, difficulty=DIFFICULTY, weight=w, count=5)
        by_signals = select(
            "s2r",
            IDS,
            length=LENGTH,
            difficulty=DIFFICULTY,
            signals=parse_signals(f"difficulty:{w},length:{1 - w}"),
            count=5,
        )
        assert by_weight.order.tolist() == by_signals.order.tolist()
        assert np.array_equal(by_weight.joint, by_signals.joint)
        assert by_weight.signals == {"difficulty": w, "length": 1 - w}


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        ({"rethink": 1.0}, ["c", "e", "d", "a", "b"]),
        ({"nll": 1.0}, ["b", "e", "d", "a", "c"]),  # lowest NLL first
        # 0.5·r_rethink + 0.5·r_nll: a 3, b 2, c 2, d 2, e 1 → e, then b, c, d by id, then a
        ({"rethink": 0.5, "nll": 0.5}, ["e", "b", "c", "d", "a"]),
        # difficulty 0.5 + nll 0.5: r_d = [0,3,1,4,2]; r_nll = [3,0,4,2,1] → a 1.5, b 1.5, c 2.5, d 3, e 1.5
        ({"difficulty": 0.5, "nll": 0.5}, ["a", "b", "e", "c", "d"]),
    ],
)
def test_signals_table(signals, expected):
    result = select(
        "s2r",
        IDS,
        length=LENGTH,
        difficulty=DIFFICULTY,
        signals=signals,
        measures={"rethink": RETHINK, "nll": NLL},
        count=5,
    )
    assert IDS[result.order].tolist() == expected
    assert list(result.ranks) == list(signals)


def test_a_signal_without_scores_is_an_error():
    with pytest.raises(S2RError, match="--signals names 'nll', but no nll scores were computed"):
        select("s2r", IDS, length=LENGTH, signals={"nll": 1.0}, count=2)
    with pytest.raises(S2RError, match="needs difficulty scores, but none were computed"):
        select("s2r", IDS, length=LENGTH, signals={"difficulty": 0.5, "length": 0.5}, count=2)
    # a signal set without difficulty needs no difficulty scores
    assert len(select("s2r", IDS, length=LENGTH, signals={"length": 1.0}, count=2).order) == 2


# --------------------------------------------------------------------------------------------- rethink density


def test_rethink_density_table():
    counts = [0, 2, 3, 5, 0]
    lengths = [10, 8, 0, 5, 0]  # a 0-length row has density 0 (never NaN / inf)
    assert rethink_density(counts, lengths).tolist() == [0.0, 0.25, 0.0, 1.0, 0.0]


def test_rethink_density_on_hand_made_texts():
    from datasets import Dataset

    texts = [
        "Wait, that is wrong. Hmm, let me check: wait.",  # wait, hmm, let me check, wait → 4 markers in 9 words
        "So x = 2, thus the answer is 2.",  # none
        "Ünïcödé 𝔁² — but wait… 答案 alternatively",  # but, wait, alternatively → 3 in 7 words
        "",  # empty: 0 / 0 → 0
        "awaiting the butler",  # markers inside words do not count
    ]
    measured = measure_lengths(
        Dataset.from_dict({"response": texts}),
        unit="chars",
        markers=["wait", "hmm", "let me check", "but", "alternatively"],
    )
    counts = measured["rethink_count"]
    assert list(counts) == [4, 0, 3, 0, 0]
    density = rethink_density(counts, measured["length"])
    expected = [4 / len(texts[0]), 0.0, 3 / len(texts[2]), 0.0, 0.0]
    assert density.tolist() == pytest.approx(expected, abs=1e-15)


# ------------------------------------------------------------------------------------ cards name the signals


def test_dataset_and_model_cards_name_the_signals(tmp_path):
    from huggingface_hub import ModelCard

    from s2r_hf.cards.dataset import signals_view
    from s2r_hf.cards.model import build_model_card
    from s2r_hf.manifest import Manifest
    from s2r_hf.sft_data import SubsetSource
    from tests.conftest import ROOT
    from tests.unit.test_model_card import RECORD

    manifest = Manifest.from_json(ROOT / "tests" / "data" / "manifests" / "select_synthetic_s2r_10pct_v1.json")
    assert signals_view(manifest.selection)["signals_text"] is None  # an older manifest
    assert SubsetSource("sel", "selection", manifest).as_dict()["signals"] is None
    manifest.options["SelectionArguments"].update(signals="rethink:1,nll:3", weight=None)
    view = signals_view(manifest.selection)
    assert view["signals_text"] == "rethink:0.25,nll:0.75"
    assert view["joint_formula"] == "0.25 · rank(rethink) + 0.75 · rank(nll, lowest first)"
    record = {**RECORD, "dataset": {**RECORD["dataset"], **SubsetSource("sel", "selection", manifest).as_dict()}}
    build_model_card(record).save(tmp_path / "README.md")
    text = ModelCard.load(tmp_path / "README.md").text
    assert "signals `rethink:1,nll:3`" in text and "weight None" not in text


def test_one_signal_alone_equals_its_baseline_strategy():
    for signal, baseline in (("length", "length"), ("difficulty", "difficulty")):
        alone = select("s2r", IDS, length=LENGTH, difficulty=DIFFICULTY, signals={signal: 1.0}, count=5)
        assert (
            alone.order.tolist() == select(baseline, IDS, length=LENGTH, difficulty=DIFFICULTY, count=5).order.tolist()
        )


def test_command_line_joint_rank_option_replaces_the_recipes_other(tmp_path):
    from s2r_hf.selection.options import parse_select

    recipe = tmp_path / "r.yaml"
    recipe.write_text("pool: s2r:synthetic-openr1\nsignals: rethink:1\noutput_dir: out\n", encoding="utf-8")
    sel = parse_select(["--config", str(recipe), "--weight", "0.5"])[2]
    assert (sel.signals, sel.weight) == (None, 0.5)
    sel = parse_select(["--config", str(recipe)])[2]
    assert (sel.signals, sel.weight) == ("rethink:1", None)
    sel = parse_select(["--config", str(recipe), "--strategy", "random"])[2]  # a recipe's signals, dropped (warned)
    assert (sel.signals, sel.weight) == (None, None)
    recipe.write_text("pool: s2r:synthetic-openr1\nweight: 0.3\noutput_dir: out\n", encoding="utf-8")
    sel = parse_select(["--config", str(recipe), "--signals", "nll:1"])[2]
    assert (sel.signals, sel.weight) == ("nll:1", None)
    recipe.write_text("pool: s2r:synthetic-openr1\nweight: 0.3\nsignals: nll:1\noutput_dir: out\n", encoding="utf-8")
    pool, scoring, sel, _ = parse_select(["--config", str(recipe)])
    with pytest.raises(S2RError, match="give --signals or --weight, not both"):  # both in one place: refused
        check_compatible(pool, scoring, sel)


def test_plot_title_names_the_signals():
    from types import SimpleNamespace

    from s2r_hf.selection.write import plot_strategy

    ranked = SimpleNamespace(result=SimpleNamespace(signals={"rethink": 0.5, "nll": 0.5}))
    assert plot_strategy(ranked, SelectionArguments(signals="rethink:1,nll:1")) == "s2r: rethink:0.5,nll:0.5"
    default = SimpleNamespace(result=SimpleNamespace(signals={"difficulty": 0.25, "length": 0.75}))
    assert plot_strategy(default, SelectionArguments()) == "s2r"  # the paper's recipe keeps today's title
