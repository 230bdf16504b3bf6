"""The difficulty judge (SPEC §2): exact p("1")/(p("1")+p("0")), batching, bf16 judges, token checks, long prompts,
the score key.

Every number is checked against an independent reference: one row at a time, the full ``model(ids).logits``,
``torch.softmax`` over the whole vocabulary in float64, token ids looked up by the tokenizer. Offline, CPU.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from s2r_hf.errors import S2RError
from s2r_hf.prompts import JUDGE_SYSTEM_PROMPT
from s2r_hf.scoring.cache import ScoreStore
from s2r_hf.scoring.difficulty import plan_batches
from s2r_hf.synthetic import CHATML_TEMPLATE, openr1_rows
from tests.unit.judges import make_judge

PROBLEMS = [
    "1 + 1?",
    "x",
    "Zoë has 3 apples and Łukasz gives her $\\frac{2}{3}$ of his 9 apples. How many apples does Zoë have?",
    "李雷有 12 个苹果，韩梅梅拿走了 $\\frac{1}{4}$。还剩多少个？",
    "Compute $\\sum_{k=1}^{n} k^2$ in closed form and show $\\sqrt{2} \\notin \\mathbb{Q}$: ∑ √2 ∞ ≤ ≥ 🙂",
    "Let $f(x) = \\dfrac{x^2 - 1}{x - 1}$.\n\nFind $\\lim_{x \\to 1} f(x)$.\n\t(Put it in \\boxed{}.)",
    " ".join(["Prove that for every positive integer $n$, the number $n^3 - n$ is divisible by $6$."] * 10),
    *(row["problem"] for row in openr1_rows(5, seed=7)),
]


def reference(judge: Path, problems: list[str], system_prompt: str = JUDGE_SYSTEM_PROMPT) -> dict[str, np.ndarray]:
    """p1/(p1+p0) the slow, obvious way: per row, full logits, full-vocab softmax in float64."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(judge)
    model = AutoModelForCausalLM.from_pretrained(judge, dtype=torch.float32).eval()
    one, zero = tok.convert_tokens_to_ids("1"), tok.convert_tokens_to_ids("0")
    assert tok.convert_ids_to_tokens([one, zero]) == ["1", "0"]
    difficulty, mass, tokens, outside_top2 = [], [], [], []
    for problem in problems:
        messages = [{"role": "system", "content": system_prompt}, {"role": "user", "content": problem}]
        enc = tok.apply_chat_template(messages, add_generation_prompt=True, return_dict=True, return_tensors="pt")
        ids = enc["input_ids"]
        with torch.no_grad():
            logits = model(ids).logits[0, -1].double()
        p = torch.softmax(logits, dim=-1)
        difficulty.append((p[one] / (p[one] + p[zero])).item())
        mass.append((p[one] + p[zero]).item())
        tokens.append(ids.shape[1])
        top2 = set(torch.topk(logits, 2).indices.tolist())
        outside_top2.append(not {one, zero} <= top2)
    return {
        "difficulty": np.array(difficulty),
        "judge_mass": np.array(mass),
        "prompt_tokens": np.array(tokens),
        "outside_top2": np.array(outside_top2),
    }


@pytest.fixture(scope="module")
def sharp_judge(tiny_judge: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny judge with a peaked next-token distribution: lm_head × 8, the rows of "1" and "0" × 60.

    The built-in judge is near-uniform over its 512 tokens (p1 + p0 ≈ 2/512, scores 0.49–0.51). This copy
    spreads the scores over ≈ 0.1–0.7, and "1" or "0" falls outside the top two tokens on some rows, so a
    top-2 renormalisation (the reference code's defect), a wrong position or a wrong token id all fail.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = tmp_path_factory.mktemp("judges") / "sharp"
    shutil.copytree(tiny_judge, path)
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    assert not model.config.tie_word_embeddings
    digits = tok.convert_tokens_to_ids(["1", "0"])
    with torch.no_grad():
        weight = model.lm_head.weight
        original = weight.clone()
        weight.mul_(8.0)
        weight[digits] = original[digits] * 60.0
    model.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def sharp_reference(sharp_judge: Path) -> dict[str, np.ndarray]:
    return reference(sharp_judge, PROBLEMS)


# --------------------------------------------------------------------------------------------------
# Exactness
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["tiny", "sharp"])
def test_score_equals_full_softmax_reference(which, tiny_judge, sharp_judge, sharp_reference, cache_dir):
    judge = tiny_judge if which == "tiny" else sharp_judge
    ref = sharp_reference if which == "sharp" else reference(tiny_judge, PROBLEMS)
    got = make_judge(judge, cache_dir).score(PROBLEMS)

    assert set(got) == {"difficulty", "judge_mass", "prompt_tokens", "judge_cut_tokens"}
    assert got["judge_cut_tokens"] == [0] * len(PROBLEMS)
    assert got["prompt_tokens"] == ref["prompt_tokens"].tolist()
    np.testing.assert_allclose(got["difficulty"], ref["difficulty"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(got["judge_mass"], ref["judge_mass"], rtol=0, atol=1e-5)
    # Not vacuous: the scores differ between rows, and the prompt lengths span padding and batching.
    assert np.ptp(ref["difficulty"]) > 1e-4
    assert ref["prompt_tokens"].max() > 4 * ref["prompt_tokens"].min()
    if which == "sharp":
        assert np.ptp(ref["difficulty"]) > 0.3
        assert np.median(ref["judge_mass"]) < 0.5  # p1 + p0 is mostly far from 1: the renormalisation matters
        assert ref["outside_top2"].any()  # a top-2 renormalisation would give another number here
        assert np.max(np.abs(ref["difficulty"] - ref["judge_mass"])) > 0.1  # d ≠ p1 + p0


def test_judge_reads_the_papers_prompt(tiny_judge, cache_dir):
    scorer = make_judge(tiny_judge, cache_dir)
    ids = scorer.encode(["What is 2 + 3?"])[0]
    text = scorer.tokenizer.decode(ids)
    assert text == (
        f"<|im_start|>system\n{JUDGE_SYSTEM_PROMPT}<|im_end|>\n"
        "<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n"
    )
    assert (
        JUDGE_SYSTEM_PROMPT == "Please judge the difficulty of this instruction and return 1 if difficult or 0 if not."
    )


def test_custom_system_prompt_is_used(sharp_judge, cache_dir):
    prompt = "Rate this question: answer 1 if hard, 0 if easy."
    got = make_judge(sharp_judge, cache_dir, judge_system_prompt=prompt).score(PROBLEMS[:4])
    ref = reference(sharp_judge, PROBLEMS[:4], system_prompt=prompt)
    np.testing.assert_allclose(got["difficulty"], ref["difficulty"], rtol=0, atol=1e-5)
    default = reference(sharp_judge, PROBLEMS[:4])
    assert np.max(np.abs(ref["difficulty"] - default["difficulty"])) > 1e-3


def test_model_is_loaded_on_first_score_only(tiny_judge, cache_dir):
    loads = []
    scorer = make_judge(tiny_judge, cache_dir)
    original = scorer._load_model
    scorer._load_model = lambda: loads.append(1) or original()
    scorer.key()
    scorer.encode(PROBLEMS)
    assert loads == []
    scorer.score(PROBLEMS[:3])
    scorer.score(PROBLEMS[3:5])
    assert loads == [1]


# --------------------------------------------------------------------------------------------------
# Batching
# --------------------------------------------------------------------------------------------------


def test_scores_do_not_depend_on_batching(sharp_judge, sharp_reference, cache_dir):
    results, shapes = {}, {}
    for tokens, rows in [(64, 512), (1024, 512), (100000, 512), (100000, 1)]:
        scorer = make_judge(sharp_judge, cache_dir, judge_batch_tokens=tokens, judge_max_batch_rows=rows)
        seen: list[tuple[int, int]] = []
        forward = scorer.forward
        scorer.forward = lambda batch, forward=forward, seen=seen: (
            seen.append((len(batch), max(map(len, batch)))) or forward(batch)
        )
        results[tokens, rows] = scorer.score(PROBLEMS)
        shapes[tokens, rows] = seen
        np.testing.assert_allclose(results[tokens, rows]["difficulty"], sharp_reference["difficulty"], atol=1e-5)
        np.testing.assert_allclose(results[tokens, rows]["judge_mass"], sharp_reference["judge_mass"], atol=1e-5)
    base = results[1024, 512]
    for config, result in results.items():
        for name in ("difficulty", "judge_mass"):
            np.testing.assert_allclose(result[name], base[name], rtol=0, atol=1e-5, err_msg=str(config))
        assert result["prompt_tokens"] == base["prompt_tokens"]
    # The configurations really batched differently (and padded: rows of unequal length share a batch).
    assert shapes[100000, 512] == [(len(PROBLEMS), max(sharp_reference["prompt_tokens"]))]
    assert [n for n, _ in shapes[100000, 1]] == [1] * len(PROBLEMS)
    assert all(n == 1 or n * longest <= 64 for n, longest in shapes[64, 512])
    assert all(n * longest <= 1024 or n == 1 for n, longest in shapes[1024, 512])
    assert 1 < len(shapes[1024, 512]) < len(PROBLEMS)


PLAN_CASES = [
    # lengths, token budget, max rows, expected batches (indices)
    ([], 100, 10, []),
    ([5], 100, 10, [[0]]),
    ([5, 3, 8, 1], 16, 10, [[2, 0], [1, 3]]),
    ([4, 4, 4, 4], 8, 10, [[0, 1], [2, 3]]),  # ties keep index order
    ([4, 4, 4, 4], 12, 10, [[0, 1, 2], [3]]),
    ([100, 2, 2], 10, 10, [[0], [1, 2]]),  # over-long row: a batch of its own
    ([7, 9], 5, 10, [[1], [0]]),  # every row over budget
    ([1, 1, 1, 1, 1], 100, 2, [[0, 1], [2, 3], [4]]),  # max rows binds
    ([3, 10, 3, 10, 3], 20, 10, [[1, 3], [0, 2, 4]]),
    ([6, 5, 4, 3, 2, 1], 12, 10, [[0, 1], [2, 3, 4], [5]]),
]


@pytest.mark.parametrize(("lengths", "budget", "max_rows", "expected"), PLAN_CASES)
def test_plan_batches_cases(lengths, budget, max_rows, expected):
    batches = plan_batches(np.array(lengths, dtype=np.int64), budget, max_rows)
    assert [b.tolist() for b in batches] == expected


@pytest.mark.parametrize("seed", range(20))
def test_plan_batches_invariants(seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 400, size=int(rng.integers(1, 300)))
    budget, max_rows = int(rng.integers(1, 2000)), int(rng.integers(1, 40))
    batches = plan_batches(lengths, budget, max_rows)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(len(lengths)))  # every index exactly once
    longest = [int(lengths[b].max()) for b in batches]
    assert longest == sorted(longest, reverse=True)  # longest batches first
    assert list(lengths[flat]) == sorted(lengths, reverse=True)  # globally length-sorted
    for b, top in zip(batches, longest, strict=True):
        assert 1 <= len(b) <= max_rows
        assert len(b) * top <= budget or len(b) == 1  # only a lone row may exceed the budget
        assert lengths[b[0]] == top


# --------------------------------------------------------------------------------------------------
# Judges the scorer must refuse
# --------------------------------------------------------------------------------------------------


def _save_judge(path: Path, backend, model_type: str) -> Path:
    """A judge folder: ``backend`` (a ``tokenizers.Tokenizer``) with the ChatML template + a tiny random model."""
    from transformers import MistralConfig, MistralForCausalLM, PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    specials = [t for t in ("<unk>", "<|endoftext|>") if backend.token_to_id(t) is not None]
    tok = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token=specials[0],
        pad_token=specials[0],
        eos_token="<|im_end|>",
        additional_special_tokens=["<|im_start|>", "<|im_end|>"],
    )
    tok.chat_template = CHATML_TEMPLATE
    tok.save_pretrained(path)
    config_cls, model_cls = {"qwen2": (Qwen2Config, Qwen2ForCausalLM), "mistral": (MistralConfig, MistralForCausalLM)}[
        model_type
    ]
    config = config_cls(
        vocab_size=len(tok),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
    )
    torch.manual_seed(0)
    model_cls(config).save_pretrained(path)
    return path


def _metaspace_bpe():
    """Llama-2 style: a "▁" is prepended to each word and there is no "▁1" token, so "1" → ["▁", "1"]."""
    import string

    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab = ["<unk>", "<|im_start|>", "<|im_end|>", "▁", *string.ascii_letters, *string.digits, *string.punctuation]
    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(vocab)}, merges=[], unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    return tok


def _metaspace_with_spaced_digits():
    """Llama-2 style with merged "▁1" / "▁0" tokens: "1" is ONE token, but it is the digit after a space."""
    import string

    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab = ["<unk>", "<|im_start|>", "<|im_end|>", "▁", *string.ascii_letters, *string.digits, *string.punctuation]
    vocab += ["▁1", "▁0"]
    merges = [("▁", "1"), ("▁", "0")]
    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(vocab)}, merges=merges, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    return tok


def _byte_level_with_prefix_space():
    """GPT-2 style with ``add_prefix_space``: "1" is encoded as the single token "Ġ1" (a space, then 1)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", *alphabet, "Ġ1", "Ġ0"]
    merges = [("Ġ", "1"), ("Ġ", "0")]
    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(vocab)}, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tok.decoder = decoders.ByteLevel()
    return tok


def _byte_level_without_digits():
    """Byte-level BPE whose vocabulary lacks "0" and "1" (it has "10" and "01")."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    alphabet = sorted(c for c in pre_tokenizers.ByteLevel.alphabet() if c not in "01")
    vocab = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", *alphabet, "10", "01"]
    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(vocab)}, merges=[], unk_token="<|endoftext|>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return tok


def _word_level_with_unk():
    """Whole words only: "1" and "0" are unknown and both become the single token <unk>."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = ["<unk>", "<|im_start|>", "<|im_end|>", "system", "user", "assistant", "10", "01", "hello"]
    tok = Tokenizer(models.WordLevel(vocab={t: i for i, t in enumerate(vocab)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return tok


# transformers 5 loads a qwen2 folder's tokenizer as Qwen2Tokenizer, which rebuilds the pipeline with
# Qwen2's regex (every digit isolated): there a digit is one token or none. A mistral folder keeps
# tokenizer.json as saved (TokenizersBackend), which is how a Llama-2/Mistral-style judge behaves.
BAD_TOKENIZERS = [
    pytest.param(_metaspace_bpe, "mistral", r"as 2 tokens", id="1-is-two-tokens"),
    pytest.param(_byte_level_without_digits, "qwen2", r"as 0 tokens", id="1-is-no-token"),
    pytest.param(_word_level_with_unk, "mistral", r"no token for '1'", id="1-is-unk"),
    pytest.param(_metaspace_with_spaced_digits, "mistral", r"the token '▁1'", id="1-is-space-1"),
    pytest.param(_byte_level_with_prefix_space, "mistral", r"the token 'Ġ1'", id="1-is-G-1"),
]


@pytest.mark.parametrize(("make_backend", "model_type", "detail"), BAD_TOKENIZERS)
def test_judge_without_single_digit_tokens_is_refused(make_backend, model_type, detail, tmp_path, cache_dir):
    judge = _save_judge(tmp_path / "bad-judge", make_backend(), model_type)
    with pytest.raises(S2RError, match="single tokens") as err:
        make_judge(judge, cache_dir)
    assert str(judge) in str(err.value)
    assert err.match(detail)


def test_judge_without_chat_template_is_refused(tiny_judge, tmp_path, cache_dir):
    judge = tmp_path / "no-template"
    shutil.copytree(tiny_judge, judge)
    (judge / "chat_template.jinja").unlink(missing_ok=True)
    config = json.loads((judge / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (judge / "tokenizer_config.json").write_text(json.dumps(config))
    with pytest.raises(S2RError, match="chat template") as err:
        make_judge(judge, cache_dir)
    assert str(judge) in str(err.value)


# --------------------------------------------------------------------------------------------------
# dtype of the judge (pick_dtype itself: test_scoring_models.py)
# --------------------------------------------------------------------------------------------------


def test_bf16_scores_are_close_to_fp32(tiny_judge, cache_dir):
    # The built-in judge: measured max |dp| ≈ 5e-4 here. (The sharpened copy reaches ≈ 1.6e-2: its "1"/"0"
    # logits are × 60, which amplifies bf16 rounding of the hidden state; too close to the bound to assert.)
    fp32 = make_judge(tiny_judge, cache_dir, judge_dtype="float32")
    bf16 = make_judge(tiny_judge, cache_dir, judge_dtype="bfloat16")
    d32, d16 = fp32.score(PROBLEMS), bf16.score(PROBLEMS)
    assert bf16.model.dtype == torch.bfloat16 and fp32.model.dtype == torch.float32
    delta = np.abs(np.array(d16["difficulty"]) - np.array(d32["difficulty"]))
    assert 0 < delta.max() < 2e-2, f"bf16 vs fp32 |dp| max {delta.max():.2e}"  # > 0: it really ran in bf16
    assert np.all((np.array(d16["difficulty"]) >= 0) & (np.array(d16["difficulty"]) <= 1))
    assert fp32.key()["dtype"] != bf16.key()["dtype"]


def real_problems() -> list[str]:
    """Every benchmark problem of tests/data/real_benchmarks (public AIME/AMC/MATH/olympiad/gaokao texts)."""
    root = Path(__file__).parents[1] / "data" / "real_benchmarks"
    out = []
    for f in sorted(root.glob("*/test.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = row.get("problem") or row.get("question")
            if isinstance(text, str) and text.strip():
                out.append(text)
    return out


def test_bf16_judge_gives_distinct_scores_on_real_problems(tiny_judge, cache_dir):
    # A bf16 LM head rounds the logits to 8 mantissa bits: z1 − z0 then takes few values and rows tie (82 % distinct
    # here with a bf16 head). The head runs in fp32 on the bf16 hidden state: every real problem gets its own score.
    problems = real_problems()
    assert len(problems) >= 80 and len(set(problems)) == len(problems)
    scorer = make_judge(tiny_judge, cache_dir, judge_dtype="bfloat16")
    got = np.array(scorer.score(problems)["difficulty"])
    assert scorer.model.dtype == torch.bfloat16 and scorer.head.weight.dtype == torch.float32
    assert len(np.unique(got)) >= 0.95 * len(problems), f"{len(np.unique(got))} distinct of {len(problems)}"
    fp32 = np.array(make_judge(tiny_judge, cache_dir, judge_dtype="float32").score(problems)["difficulty"])
    assert np.abs(got - fp32).max() < 2e-2


def test_fp32_head_is_in_the_key_only_where_it_changes_scores(tiny_judge, cache_dir):
    fp32 = make_judge(tiny_judge, cache_dir, judge_dtype="float32").key()
    bf16 = make_judge(tiny_judge, cache_dir, judge_dtype="bfloat16").key()
    # an fp32 judge's scores are what they were: its cache key (and so its cached scores) stays the same
    assert fp32["formula"] == "p1/(p1+p0) full-vocab softmax, last prompt position"
    assert bf16["formula"].endswith("lm head in fp32")
    assert "context" not in fp32  # the model's own context is a fact of the weights, already keyed


# --------------------------------------------------------------------------------------------------
# Prompts longer than the judge's context
# --------------------------------------------------------------------------------------------------

LONG_HEAD = "Head: let $x$ be the number of apples."
LONG_TAIL = "Tail: find $x + 1$."


def _long_problem(words: int = 120) -> str:
    return LONG_HEAD + " " + " ".join(f"filler{i % 10}" for i in range(words)) + " " + LONG_TAIL


@pytest.fixture(scope="module")
def short_context_judge(tiny_judge: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny judge with ``max_position_embeddings`` 192: a 120-word question does not fit."""
    path = tmp_path_factory.mktemp("judges") / "short-context"
    shutil.copytree(tiny_judge, path)
    config = json.loads((path / "config.json").read_text())
    config["max_position_embeddings"] = 192
    (path / "config.json").write_text(json.dumps(config))
    return path


def test_long_prompt_keeps_head_and_tail_within_the_models_context(short_context_judge, cache_dir, caplog):
    scorer = make_judge(short_context_judge, cache_dir)
    assert scorer.max_tokens == 192
    problems = ["1 + 1?", _long_problem()]
    full = scorer._render(problems)
    assert len(full[0]) <= 192 < len(full[1])  # the second prompt really overflows
    with caplog.at_level("WARNING", logger="s2r_hf.scoring.difficulty"):
        got = scorer.score(problems)
    assert got["prompt_tokens"][0] == len(full[0]) and got["judge_cut_tokens"][0] == 0
    assert 180 <= got["prompt_tokens"][1] <= 192 and got["judge_cut_tokens"][1] > 0
    assert "1 of 2 prompts exceed the judge's context of 192" in caplog.text
    text = scorer.tokenizer.decode(scorer.encode(problems)[1])
    assert LONG_HEAD in text and LONG_TAIL in text and "middle of the question cut" in text
    assert text.endswith("<|im_start|>assistant\n")  # the template's end (the generation prompt) is intact
    assert 0.0 < got["difficulty"][1] < 1.0


def test_judge_max_tokens_option_sets_the_limit_and_the_key(tiny_judge, cache_dir):
    scorer = make_judge(tiny_judge, cache_dir, judge_max_tokens=160)
    ids, cuts = scorer.encode_with_cuts([_long_problem(), "x"])
    assert len(ids[0]) <= 160 and cuts[0] > 0 and cuts[1] == 0
    assert scorer.key()["context"] == "middle cut to 160 tokens"
    assert make_judge(tiny_judge, cache_dir).key() != scorer.key()


def test_a_system_prompt_longer_than_the_context_is_an_error(tiny_judge, cache_dir):
    scorer = make_judge(tiny_judge, cache_dir, judge_max_tokens=16)
    with pytest.raises(S2RError, match=r"without its question already takes \d+ tokens.*context of 16.*--judge-max"):
        scorer.score(["What is 1 + 1? " * 10])


# --------------------------------------------------------------------------------------------------
# The score cache's key (resume and corrupt parts: test_scoring_cache.py)
# --------------------------------------------------------------------------------------------------


def test_store_key_follows_what_scores_depend_on(tiny_judge, sharp_judge, cache_dir, tmp_path):
    def folder(judge=tiny_judge, **overrides) -> Path:
        return ScoreStore(tmp_path, make_judge(judge, cache_dir, **overrides).key()).dir

    base = folder()
    assert folder() == base  # stable
    assert folder(judge_dtype="bfloat16") != base
    assert folder(judge_system_prompt="Is this hard? Say 1 or 0.") != base
    assert folder(sharp_judge) != base  # other weights
    # Batching changes nothing but ~1e-6 in fp32: the cache is shared.
    assert folder(judge_batch_tokens=64, judge_max_batch_rows=3) == base
    key = json.loads((base / "key.json").read_text())
    assert key == make_judge(tiny_judge, cache_dir).key()
    assert key["dtype"] == "torch.float32" and key["judge"] == str(tiny_judge)
