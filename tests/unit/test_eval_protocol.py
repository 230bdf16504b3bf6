"""`s2r eval`'s protocol options: preset values, conflicts named, what the resume key covers, and how
``--answer-from`` reaches the metric through lighteval's own post-processing."""

from __future__ import annotations

import re
import types

import pytest

from s2r_hf.errors import S2RError
from s2r_hf.eval.protocol import PROTOCOLS, departures, resolve

# (protocol, options) -> (name, repetition_penalty, seed, answer_from)
RESOLVED = [
    (None, {}, ("paper", 1.05, 42, "full")),  # the default is the authors' protocol
    ("paper", {}, ("paper", 1.05, 42, "full")),
    ("lighteval", {}, ("lighteval", 1.0, 1234, "final")),
    ("paper", {"seed": 42, "answer_from": "full"}, ("paper", 1.05, 42, "full")),  # restating is no conflict
    (None, {"repetition_penalty": 1.0}, ("custom", 1.0, 42, "full")),
    (None, {"answer_from": "final"}, ("custom", 1.05, 42, "final")),
    (None, {"repetition_penalty": 1, "seed": 1234, "answer_from": "final"}, ("lighteval", 1.0, 1234, "final")),
]


@pytest.mark.parametrize(("protocol", "options", "want"), RESOLVED)
def test_protocol_resolution(protocol, options, want):
    got = resolve(protocol, **options)
    assert (got.name, got.repetition_penalty, got.seed, got.answer_from) == want


@pytest.mark.parametrize(
    ("protocol", "options", "named"),
    [
        (
            "paper",
            {"repetition_penalty": 1.0},
            "paper conflicts with --repetition-penalty 1.0 (it sets 1.05)",
        ),
        (
            "lighteval",
            {"answer_from": "full"},
            "lighteval conflicts with --answer-from full (it sets final)",
        ),
        ("paper", {"seed": 7, "answer_from": "final"}, "--seed 7 (it sets 42); --answer-from final (it sets full)"),
        ("vllm", {}, "--protocol must be one of paper, lighteval, got 'vllm'"),
        (None, {"answer_from": "think"}, "--answer-from must be one of full, final"),
        (None, {"repetition_penalty": 0.0}, "--repetition-penalty must be > 0"),
        (None, {"seed": -1}, "--seed must be >= 0"),
    ],
)
def test_protocol_conflicts_and_bad_values_are_named(protocol, options, named):
    with pytest.raises(S2RError, match=re.escape(named)):
        resolve(protocol, **options)


def test_departures_from_the_paper():
    assert departures(PROTOCOLS["paper"].as_dict(), sampled=True) == []
    lighteval = departures(PROTOCOLS["lighteval"].as_dict(), sampled=True)
    assert lighteval == [
        "repetition penalty 1, the paper 1.05",
        "seed 1234, the paper 42",
        "answer after `</think>` (--answer-from final), the paper the full response",
    ]
    assert "seed 1234, the paper 42" not in departures(PROTOCOLS["lighteval"].as_dict(), sampled=False)  # greedy
    assert departures({"seed": None, "answer_from": None}, sampled=True) == []  # unknown is not claimed


def test_cli_options_resolve_through_the_parser(tmp_path):
    from s2r_hf.eval.run import make_parser

    def parse(*argv):
        (args,) = make_parser().parse_args_into_dataclasses(
            args=["--model", "m", "--output-dir", str(tmp_path), "--tasks", "aime24", *argv]
        )
        return args

    args = parse()
    assert (args.repetition_penalty, args.seed, args.answer_from) == (1.05, 42, "full")
    args = parse("--protocol", "lighteval")
    assert (args.repetition_penalty, args.seed, args.answer_from) == (1.0, 1234, "final")
    args = parse("--repetition-penalty", "1.1", "--answer-from", "final")
    assert (args.repetition_penalty, args.seed, args.answer_from) == (1.1, 42, "final")
    assert args.resolve_protocol().name == "custom"
    with pytest.raises(S2RError, match=re.escape("--protocol paper conflicts with --seed 7 (it sets 42)")):
        parse("--protocol", "paper", "--seed", "7")


def test_generation_settings_reach_both_backends(tmp_path):
    from s2r_hf.eval.run import EvalArguments, _model_config

    args = EvalArguments(model="me/m", output_dir=str(tmp_path), tasks="aime24", repetition_penalty=1.1, seed=3)
    for backend in ("vllm", "transformers"):
        config = _model_config(args, backend, 0.6, 0.95, tmp_path / "cache")
        gen = config.generation_parameters
        assert (gen.repetition_penalty, gen.seed) == (1.1, 3)
        assert gen.to_transformers_dict()["repetition_penalty"] == 1.1
        vllm = gen.to_vllm_dict()
        assert (vllm["repetition_penalty"], vllm["seed"]) == (1.1, 3)
    assert _model_config(args, "vllm", 0.6, 0.95, tmp_path).seed == 3


def test_resume_key_covers_every_generation_setting_and_not_answer_from(tmp_path, monkeypatch):
    """Each setting that changes the generated answers changes the cache folder; --answer-from only re-grades
    the cached raw answers (lighteval caches ``text`` before stripping), so it keeps the folder."""
    from dataclasses import replace

    from s2r_hf.eval import resume
    from s2r_hf.eval.run import EvalArguments, group_cache_key

    monkeypatch.setattr(resume, "model_identity", lambda model: {"hub_id": model})
    base = EvalArguments(model="me/m", output_dir=str(tmp_path), tasks="aime24")
    sampling = {"num_samples": 16, "temperature": 0.6, "top_p": 0.95}

    def key(args, backend="vllm", sampling=sampling):
        return group_cache_key(args, backend, ["aime24"], sampling)

    first = key(base)
    assert key(base) == first
    changed = {
        "repetition_penalty": replace(base, repetition_penalty=1.0),
        "seed": replace(base, seed=1234),
        "max_new_tokens": replace(base, max_new_tokens=8192),
        "dtype": replace(base, dtype="float16"),
    }
    for name, args in changed.items():
        assert key(args) != first, name
    assert key(base, backend="transformers") != first
    assert key(base, sampling={**sampling, "top_p": 1.0}) != first
    assert key(replace(base, answer_from="final")) == first


THINK = "<think>\nSo the sum is \\boxed{12}.\n</think>\nThe answer is twelve."


@pytest.mark.parametrize(("answer_from", "correct"), [("full", 1.0), ("final", 0.0)])
def test_answer_from_reaches_the_metric_through_lightevals_post_processing(answer_from, correct):
    """The switch `s2r eval` sets (PipelineParameters.remove_reasoning_tags) drives lighteval's own
    post-processing; the metric reads final_text: the full text, or the text after </think>."""
    from lighteval.models.model_output import ModelResponse
    from lighteval.pipeline import Pipeline, PipelineParameters
    from lighteval.tasks.requests import Doc

    from s2r_hf.eval.metrics import response_metric

    params = PipelineParameters(launcher_type="none", remove_reasoning_tags=answer_from == "final")
    response = ModelResponse(text=[THINK], output_tokens=[[1, 2, 3]])
    Pipeline._post_process_outputs(types.SimpleNamespace(pipeline_parameters=params), {"GENERATIVE": [response]})
    assert response.text == [THINK]  # the raw text stays on the response
    doc = Doc(query="q", choices=["12"], gold_index=0, specific={"multiple_choice": False})
    scores = response_metric(1).sample_level_fn.compute(doc=doc, model_response=response)
    assert scores["pass@1"] == correct


def test_export_passes_answer_from_to_plain_lighteval(tmp_path):
    from s2r_hf.eval.run import EvalArguments, export_lighteval

    for answer_from, flag in (("full", "--no-remove-reasoning-tags"), ("final", "--remove-reasoning-tags")):
        args = EvalArguments(
            model="me/m",
            output_dir=str(tmp_path / "o"),
            tasks="math_500",
            answer_from=answer_from,
            greedy=True,
            export_lighteval=str(tmp_path / answer_from),
        )
        script = export_lighteval(args, "transformers").read_text()
        assert f" {flag}\n" in script
        assert f"repetition penalty 1.05, seed 42, answer from the {answer_from} response" in script
