"""Why an evaluation could not start: the failing phase is told by type, local files by reading them."""

from __future__ import annotations

import pytest

from s2r_hf.errors import S2RError
from s2r_hf.eval.diagnosis import BenchmarkLoadError, ModelLoadError, loading_error
from s2r_hf.eval.options import EvalArguments
from tests.eval_data import write_benchmark, write_rows


def _tagged(kind, cause: Exception) -> Exception:
    try:
        raise kind(str(cause)) from cause
    except kind as err:
        return err


def test_the_phase_type_decides_not_the_text(tmp_path):
    args = EvalArguments(model="me/m", output_dir=str(tmp_path), tasks="aime24,gpqa_diamond")
    # the model phase failed, though its text names a benchmark's repo: the model is named
    model = loading_error(_tagged(ModelLoadError, OSError("HuggingFaceH4/aime_2024 tokenizer?")), args, ["aime24"])
    assert str(model).startswith("could not load the model me/m (OSError: HuggingFaceH4/aime_2024")
    # the data phase failed with a text naming no repo: the group's Hub benchmark is named, not the model
    data = loading_error(_tagged(BenchmarkLoadError, ConnectionError("offline")), args, ["aime24"])
    assert str(data).startswith("could not load aime24's data from HuggingFaceH4/aime_2024 (ConnectionError: offline)")
    # several Hub benchmarks in the group: the one the text names
    text = ConnectionError("Couldn't reach 'Idavidrein/gpqa'")
    data = loading_error(_tagged(BenchmarkLoadError, text), args, ["aime24", "gpqa_diamond"])
    assert str(data).startswith("could not load gpqa_diamond's data from Idavidrein/gpqa")


def test_a_broken_local_file_is_named_in_the_data_phase(tmp_path):
    write_rows(tmp_path / "data", "amc23", "test.jsonl", [{"problem": "1+1?", "answer": "2"}])
    (tmp_path / "data" / "amc23" / "test.jsonl").write_text('{"problem": "1+1?", "answer": "2"}\n{"problem": \n')
    args = EvalArguments(model="m", output_dir=str(tmp_path / "o"), tasks="amc23", data_dir=str(tmp_path / "data"))
    message = str(loading_error(_tagged(BenchmarkLoadError, StopIteration()), args, ["amc23"]))
    assert message.startswith("cannot read amc23's data: ") and "line 2" in message
    # every local file loads and no Hub copy is in the group: not a loading problem this module can name
    write_benchmark(tmp_path / "ok", "amc23")
    args = EvalArguments(model="m", output_dir=str(tmp_path / "o"), tasks="amc23", data_dir=str(tmp_path / "ok"))
    assert loading_error(_tagged(BenchmarkLoadError, RuntimeError("?")), args, ["amc23"]) is None


def test_a_model_that_does_not_load_is_named_by_the_real_pipeline(tmp_path):
    """lighteval's own pipeline: the benchmark (local) loads, the model folder holds no model → ModelLoadError,
    said as one line naming the model."""
    from s2r_hf.eval import compat
    from s2r_hf.eval.backends import build_pipeline
    from s2r_hf.eval.tasks import make_task

    compat.apply()
    write_benchmark(tmp_path / "data", "math_500")
    (tmp_path / "model").mkdir()
    args = EvalArguments(
        model=str(tmp_path / "model"), output_dir=str(tmp_path / "o"), tasks="math_500", data_dir=str(tmp_path / "data")
    )
    table = [make_task("math_500", data_dir=args.data_dir, max_new_tokens=4, sampling={"num_samples": 1})]
    sampling = {"num_samples": 1, "temperature": 0.0, "top_p": 1.0}
    with pytest.raises(S2RError, match=r"^could not load the model .*model \(") as err:
        build_pipeline(args, "transformers", ["math_500"], table, sampling, tmp_path / "cache")
    assert isinstance(err.value.__cause__, ModelLoadError)
