"""The fitted difficulty model as a scorer (`--difficulty-scorer model`): exact scores, cache key, one-line errors.

The model is a tiny random ``Qwen2ForSequenceClassification`` (num_labels=1) with the tiny judge's tokenizer, saved
as `s2r fit-difficulty` saves one; the reference is the model's own forward, one row at a time, in fp32.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from s2r_hf.configs import ScoringArguments
from s2r_hf.difficulty_input import DIFFICULTY_CONFIG_FILE, INPUT_FORMAT, difficulty_text
from s2r_hf.errors import S2RError
from s2r_hf.scoring.difficulty_model import ModelScorer, build_difficulty_model

CPU = torch.device("cpu")
MAX_LENGTH = 48
PROBLEMS = [
    "What is $1+1$?",
    "Find all real $x$ with $\\frac{x^2-1}{x-1} = 2$.",
    "Soit $n \\geq 2$ un entier. Montrer que $\\sum_{k=1}^{n} \\frac{1}{k^2} < 2$ — élégamment.",
    "求所有正整数 $n$，使得 $n^2+1$ 整除 $n!$。",
    "  padded   question with spaces  ",
    "A long one: " + " ".join(f"term {i} of $a_{{{i}}} = {i}^2$" for i in range(60)),
    "x",
]


def build_model_folder(path: Path, tokenizer_from: Path, *, seed: int = 0, num_labels: int = 1, **info) -> Path:
    """A `s2r fit-difficulty`-shaped folder: random Qwen2ForSequenceClassification + tokenizer + s2r_difficulty.json."""
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForSequenceClassification

    AutoTokenizer.from_pretrained(tokenizer_from).save_pretrained(path)
    config = Qwen2Config.from_pretrained(tokenizer_from)
    config.num_labels, config.problem_type = num_labels, "regression"
    torch.manual_seed(seed)
    model = Qwen2ForSequenceClassification(config)
    torch.nn.init.normal_(model.score.weight, std=0.5)  # a visible spread of scores, not ~0 everywhere
    model.save_pretrained(path)
    meta = {"input_format": INPUT_FORMAT, "max_length": MAX_LENGTH, "higher_is_harder": True, **info}
    (path / DIFFICULTY_CONFIG_FILE).write_text(json.dumps(meta))
    return path


@pytest.fixture(scope="module")
def difficulty_model(tiny_judge: Path, tmp_path_factory) -> Path:
    return build_model_folder(tmp_path_factory.mktemp("dmodel") / "model", tiny_judge)


def make_scorer(folder: Path, cache_dir: Path, **overrides) -> ModelScorer:
    args = ScoringArguments(
        difficulty_scorer="model",
        difficulty_model=str(folder),
        judge_dtype=overrides.pop("judge_dtype", "float32"),
        **overrides,
    )
    return build_difficulty_model(args, str(cache_dir), CPU)


def per_row_reference(folder: Path, problems: list[str], max_length: int = MAX_LENGTH) -> list[float]:
    """The model's own forward on one row at a time (no padding), fp32: ``logits[0, 0]``."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder, dtype=torch.float32).eval()
    out = []
    for p in problems:
        enc = tokenizer(
            difficulty_text(p, tokenizer),
            return_tensors="pt",
            add_special_tokens=False,
            truncation=True,
            max_length=max_length,
        )
        with torch.inference_mode():
            out.append(float(model(**enc).logits[0, 0]))
    return out


def test_scores_equal_the_models_own_per_row_forward(difficulty_model, cache_dir):
    scorer = make_scorer(difficulty_model, cache_dir, judge_batch_tokens=120)  # several padded rows per batch
    got = scorer.score(PROBLEMS)
    assert set(got) == {"difficulty", "prompt_tokens", "input_cut_tokens"}
    want = per_row_reference(difficulty_model, PROBLEMS)
    np.testing.assert_allclose(got["difficulty"], want, rtol=0, atol=1e-5)
    assert np.std(want) > 0.05  # the rows really differ: equality is not trivially 0 == 0
    # a question longer than max_length is cut to it (right truncation, as at fit time) and counted
    full = [
        len(scorer.tokenizer(difficulty_text(p, scorer.tokenizer), add_special_tokens=False)["input_ids"])
        for p in PROBLEMS
    ]
    assert got["prompt_tokens"] == [min(n, MAX_LENGTH) for n in full]
    assert got["input_cut_tokens"] == [max(0, n - MAX_LENGTH) for n in full]
    assert 0 < sum(c > 0 for c in got["input_cut_tokens"]) < len(PROBLEMS)
    # batching does not change a score: one row per batch gives the same numbers
    alone = make_scorer(difficulty_model, cache_dir, judge_max_batch_rows=1).score(PROBLEMS)
    np.testing.assert_allclose(alone["difficulty"], got["difficulty"], rtol=0, atol=1e-5)


def test_lower_is_harder_models_are_negated(difficulty_model, cache_dir, tmp_path):
    flipped = tmp_path / "flipped"
    shutil.copytree(difficulty_model, flipped)
    meta = json.loads((flipped / DIFFICULTY_CONFIG_FILE).read_text())
    (flipped / DIFFICULTY_CONFIG_FILE).write_text(json.dumps({**meta, "higher_is_harder": False}))
    up = make_scorer(difficulty_model, cache_dir).score(PROBLEMS[:3])["difficulty"]
    down = make_scorer(flipped, cache_dir)
    np.testing.assert_allclose(down.score(PROBLEMS[:3])["difficulty"], -np.array(up), atol=1e-6)
    assert "negated" in down.key()["formula"]


def test_cache_key_names_weights_dtype_and_input_format(difficulty_model, cache_dir, tiny_judge, tmp_path):
    key = make_scorer(difficulty_model, cache_dir).key()
    assert key["scorer"] == "model" and key["weights"].startswith("local:")
    assert key["model"] == "local:model"  # a local folder's path never enters the key (nor the manifest)
    assert key["dtype"] == "torch.float32" and key["input_format"] == INPUT_FORMAT and key["max_length"] == MAX_LENGTH
    assert make_scorer(difficulty_model, cache_dir, judge_dtype="bfloat16").key() != key
    other = build_model_folder(tmp_path / "model", tiny_judge, seed=1)  # same name, other weights
    assert make_scorer(other, cache_dir).key()["weights"] != key["weights"]
    longer = build_model_folder(tmp_path / "longer", tiny_judge, max_length=96)
    assert make_scorer(longer, cache_dir).key()["max_length"] == 96


def test_a_revision_enters_the_cache_key_only_when_given(difficulty_model, cache_dir):
    """--difficulty-model-revision: another revision is another score-cache folder; none keeps older keys valid."""
    from s2r_hf.scoring.cache import key_hash

    plain = make_scorer(difficulty_model, cache_dir).key()
    assert "revision" not in plain
    v1 = make_scorer(difficulty_model, cache_dir, difficulty_model_revision="v1").key()
    v2 = make_scorer(difficulty_model, cache_dir, difficulty_model_revision="v2").key()
    assert v1["revision"] == "v1" and v2["revision"] == "v2"
    assert len({key_hash(plain), key_hash(v1), key_hash(v2)}) == 3


def _rewrite_meta(folder: Path, **changes) -> None:
    meta = json.loads((folder / DIFFICULTY_CONFIG_FILE).read_text())
    meta.update(changes)
    (folder / DIFFICULTY_CONFIG_FILE).write_text(json.dumps({k: v for k, v in meta.items() if v is not None}))


BAD_FOLDERS = {
    "no config file": (lambda f: (f / DIFFICULTY_CONFIG_FILE).unlink(), r"no s2r_difficulty\.json in the folder"),
    "not json": (lambda f: (f / DIFFICULTY_CONFIG_FILE).write_text("{oops"), r"s2r_difficulty\.json is not readable"),
    "other format": (lambda f: _rewrite_meta(f, input_format="raw-v0"), r"input_format is 'raw-v0'"),
    "no max_length": (lambda f: _rewrite_meta(f, max_length=None), r"max_length must be a positive integer"),
    "bad direction": (lambda f: _rewrite_meta(f, higher_is_harder="yes"), r"higher_is_harder must be true or false"),
}


@pytest.mark.parametrize("case", sorted(BAD_FOLDERS))
def test_a_bad_difficulty_config_is_one_line_naming_the_file_and_field(case, difficulty_model, cache_dir, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(difficulty_model, folder)
    damage, message = BAD_FOLDERS[case]
    damage(folder)
    with pytest.raises(S2RError, match=message) as err:
        make_scorer(folder, cache_dir)
    assert "\n" not in str(err.value) and DIFFICULTY_CONFIG_FILE in str(err.value)


def test_a_model_that_is_not_a_one_label_classifier_is_refused(tiny_judge, difficulty_model, cache_dir, tmp_path):
    causal = tmp_path / "causal"
    shutil.copytree(tiny_judge, causal)
    shutil.copy(difficulty_model / DIFFICULTY_CONFIG_FILE, causal / DIFFICULTY_CONFIG_FILE)
    with pytest.raises(S2RError, match=r"architectures \['Qwen2ForCausalLM'\].*num_labels=1") as err:
        make_scorer(causal, cache_dir)
    assert "\n" not in str(err.value)
    two = build_model_folder(tmp_path / "two", tiny_judge, num_labels=2)
    with pytest.raises(S2RError, match=r"num_labels 2; a difficulty model .* num_labels=1"):
        make_scorer(two, cache_dir)


def test_the_options_require_and_refuse_difficulty_model():
    with pytest.raises(S2RError, match=r"--difficulty-scorer model needs --difficulty-model"):
        ScoringArguments(difficulty_scorer="model")
    with pytest.raises(S2RError, match=r"--difficulty-model is read by --difficulty-scorer model only, not 'judge'"):
        ScoringArguments(difficulty_model="models/d")
    assert ScoringArguments(difficulty_scorer="model", difficulty_model="models/d").difficulty_model == "models/d"
    with pytest.raises(S2RError, match=r"--difficulty-model-revision needs --difficulty-model"):
        ScoringArguments(difficulty_model_revision="v1")


def test_an_encoder_classifier_is_refused_when_loaded(difficulty_model, cache_dir, tmp_path):
    """A BERT-style classifier pools its first token through a pooler, not the last token: refused in one line."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    folder = tmp_path / "bert"
    tokenizer = AutoTokenizer.from_pretrained(difficulty_model)
    tokenizer.save_pretrained(folder)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2)
    config.intermediate_size, config.num_labels = 64, 1
    BertForSequenceClassification(config).save_pretrained(folder)
    shutil.copy(difficulty_model / DIFFICULTY_CONFIG_FILE, folder / DIFFICULTY_CONFIG_FILE)
    scorer = make_scorer(folder, cache_dir)
    with pytest.raises(S2RError, match=r"\(BertForSequenceClassification\) has no 1-output linear head `score`"):
        scorer.score(PROBLEMS[:2])
