"""The lighteval custom tasks: local data in each benchmark's schema → docs, prompt, gold, samples; metric."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from s2r_hf.errors import S2RError
from s2r_hf.eval import tasks
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT
from tests.eval_data import BENCHMARK_ROWS, VARIANT_ROWS, write_benchmark, write_rows

# key -> (substring of the first row's question, its gold answer, multiple choice?)
EXPECTED_FIRST = {
    "aime24": ("Find 0 + 7.", "7", False),
    "aime25": ("Find 0 * 3.", "0", False),
    "amc23": ("What is 0 squared?", "0", False),
    "math_500": ("Simplify $\\frac{2}{4}$.", "\\frac{1}{2}", False),
    "olympiadbench": ("first 2 positive integers", "3", False),
    "gaokao2023en": ("Solve $x + 0 = 5$.", "5", False),
    "gaokao2024_mix": ("A∩B", "A", True),
    "kaoyan": ("sin(1x)", "1", False),
    "gaokao_math_qa": ("0+1 等于多少？\nA: 0\nB: 1\nC: 2\nD: 3", "B", True),
    "gpqa_diamond": ("Which particle carries charge -1?", None, True),
}
LOCAL_ONLY = {"gaokao2024_mix", "kaoyan"}  # no Hub copy `datasets` can load by config name

# key -> (Hub repo, config, split, paper size): the defaults checked against public copies (see tasks.py)
HUB = {
    "aime24": ("HuggingFaceH4/aime_2024", "default", "train", 30),
    "aime25": ("yentinglin/aime_2025", "default", "train", 30),
    "amc23": ("math-ai/amc23", "default", "test", 40),
    "math_500": ("HuggingFaceH4/MATH-500", "default", "test", 500),
    "olympiadbench": ("math-ai/olympiadbench", "default", "test", 675),
    "gaokao2023en": ("MARIO-Math-Reasoning/Gaokao2023-Math-En", "default", "train", 385),
    "gaokao_math_qa": ("hails/agieval-gaokao-mathqa", "default", "test", 351),
    "gpqa_diamond": ("Idavidrein/gpqa", "gpqa_diamond", "train", 198),
}


def is_local_copy(config, key: str) -> bool:
    """lighteval reads a local folder through its normalised copy (s2r_hf.eval.local_data), not the folder."""
    path = Path(config.hf_repo)
    return path.parent.name == "s2r_benchmarks" and path.name.startswith(f"{key}-") and config.hf_subset is None


def test_table_covers_every_benchmark_with_prefixed_names():
    assert set(BENCHMARK_ROWS) == set(tasks.BENCHMARKS) == set(EXPECTED_FIRST) == set(HUB) | LOCAL_ONLY
    assert {k for k, b in tasks.BENCHMARKS.items() if b.download} == LOCAL_ONLY
    assert [b.size for b in tasks.BENCHMARKS.values()] == [30, 30, 40, 500, 675, 385, 91, 199, 351, 198]  # SPEC §6
    table = tasks.TASKS_TABLE  # without a data folder: every benchmark with a Hub copy
    assert [c.name for c in table] == [f"s2r_{k}" for k in tasks.BENCHMARKS if k not in LOCAL_ONLY]
    by_name = {c.name: c for c in table}
    for key, (repo, subset, split, size) in HUB.items():
        config = by_name[f"s2r_{key}"]
        assert (config.hf_repo, config.hf_subset, tuple(config.evaluation_splits)) == (repo, subset, (split,))
        assert tasks.BENCHMARKS[key].size == size
    assert all(c.generation_size == tasks.DEFAULT_MAX_NEW_TOKENS for c in table)
    assert tasks.SYSTEM_PROMPT is REASONING_SYSTEM_PROMPT


def test_local_only_benchmarks_say_where_to_get_the_file(tmp_path):

    with pytest.raises(S2RError, match=r"gaokao2024_mix has no Hub copy.*QwenLM/Qwen2\.5-Math.*gaokao2024_mix/test"):
        tasks.make_task("gaokao2024_mix")
    where = re.escape(f"in {tmp_path}/kaoyan/ and pass --data-dir; no public copy")
    with pytest.raises(S2RError, match=rf"kaoyan has no Hub copy.*{where}.*IDEA-FinAI/Select2Reason"):
        tasks.make_task("kaoyan", data_dir=tmp_path)
    assert tasks.missing_data(["aime24", "kaoyan"]) == [tasks.missing_data(["kaoyan"])[0]]
    write_benchmark(tmp_path, "kaoyan")
    assert tasks.missing_data(list(tasks.BENCHMARKS), tmp_path) == [tasks.missing_data(["gaokao2024_mix"], tmp_path)[0]]
    names = [c.name for c in tasks.make_tasks(data_dir=tmp_path)]
    assert "s2r_kaoyan" in names and "s2r_gaokao2024_mix" not in names


def test_sampling_per_spec():
    for key in ("aime24", "aime25", "amc23"):
        assert tasks.BENCHMARKS[key].sampling == {"num_samples": 16, "temperature": 0.6, "top_p": 0.95}
    for key in set(tasks.BENCHMARKS) - {"aime24", "aime25", "amc23"}:
        assert tasks.BENCHMARKS[key].sampling["num_samples"] == 1
        assert tasks.BENCHMARKS[key].sampling["temperature"] == 0.0


@pytest.fixture(scope="module")
def chat_tokenizer(tiny_judge):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_judge)


@pytest.mark.parametrize("key", list(EXPECTED_FIRST))
def test_task_loads_local_files_and_builds_prompt(key, tmp_path, chat_tokenizer):
    from lighteval.tasks.lighteval_task import LightevalTask
    from lighteval.tasks.prompt_manager import PromptManager

    write_benchmark(tmp_path, key)
    config = tasks.make_task(key, data_dir=tmp_path, max_new_tokens=64)
    assert is_local_copy(config, key) and config.generation_size == 64
    task = LightevalTask(config)
    docs = sorted(task.get_docs(), key=lambda d: int(d.id))
    assert len(docs) == 3
    assert all(d.num_samples == tasks.BENCHMARKS[key].sampling["num_samples"] for d in docs)
    question, gold, choice = EXPECTED_FIRST[key]
    first = docs[0]
    assert question in first.query
    assert first.specific["multiple_choice"] is choice
    if key == "gpqa_diamond":  # options shuffled by a hash of the question: the gold letter names "electron"
        assert f"({first.get_golds()[0]}) electron" in first.query
    else:
        assert first.get_golds() == [gold]
    prompt = PromptManager(use_chat_template=True, tokenizer=chat_tokenizer, system_prompt=tasks.SYSTEM_PROMPT)
    text = prompt.prepare_prompt(first)
    assert text.index(REASONING_SYSTEM_PROMPT) < text.index(first.query)  # system turn, then the question alone
    assert "<|im_start|>system\n" + REASONING_SYSTEM_PROMPT in text
    assert "<|im_start|>user\n" + first.query + "<|im_end|>" in text


def test_missing_local_folder_falls_back_to_hub(tmp_path):
    assert tasks.make_task("aime24", data_dir=tmp_path).hf_repo == "HuggingFaceH4/aime_2024"


@pytest.mark.parametrize(("key", "row", "expected"), VARIANT_ROWS)
def test_row_functions_accept_other_real_layouts(key, row, expected, tmp_path):
    """Each variant row, written as a one-row jsonl and read back through lighteval as `s2r eval` reads it."""
    from lighteval.tasks.lighteval_task import LightevalTask

    question, gold, choice = expected
    assert tasks.BENCHMARKS[key].row(row)[1:] == (gold, choice)
    write_rows(tmp_path, key, "test.jsonl", [row])
    (doc,) = LightevalTask(tasks.make_task(key, data_dir=tmp_path)).get_docs()
    assert question in doc.query
    assert doc.get_golds() == [gold] and doc.specific["multiple_choice"] is choice


# metric case table: (completions, output token counts, gold, choice) -> pass@1, maj@n, response_tokens
METRIC_CASES = [
    (["\\boxed{4}", "\\boxed{4}", "\\boxed{5}", "no box"], [10, 20, 30, 40], "4", False, (0.5, 1.0, 25.0)),
    (["\\boxed{5}", "\\boxed{5}", "\\boxed{4}", "\\boxed{3}"], [1, 1, 1, 1], "4", False, (0.25, 0.0, 1.0)),
    (["\\boxed{\\dfrac{1}{2}}"], [7], "\\frac{1}{2}", False, (1.0, 1.0, 7.0)),
    (["\\boxed{(C)}"], [3], "C", True, (1.0, 1.0, 3.0)),
]


@pytest.mark.parametrize(("texts", "lengths", "gold", "choice", "expected"), METRIC_CASES)
def test_metric(texts, lengths, gold, choice, expected):
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc

    from s2r_hf.eval.metrics import response_metric

    metric = response_metric(len(texts))
    assert metric.sample_level_fn.num_samples() == len(texts)
    doc = Doc(query="q", choices=[gold], gold_index=0, specific={"multiple_choice": choice})
    response = ModelResponse(text=texts, output_tokens=[[0] * n for n in lengths])
    scores = metric.compute_sample(doc=doc, model_response=response)
    assert scores == {"pass@1": expected[0], f"maj@{len(texts)}": expected[1], "response_tokens": expected[2]}


def test_tasks_run_in_groups_of_equal_sampling(tmp_path, monkeypatch):
    from s2r_hf.eval.run import EvalArguments, sampling_groups

    args = EvalArguments(model="m", output_dir=str(tmp_path), tasks="s2r_aime24|0,math_500,amc23")
    assert sampling_groups(args) == {(16, 0.6, 0.95): ["aime24", "amc23"], (1, 0.0, 1.0): ["math_500"]}
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", False)
    args = EvalArguments(model="m", output_dir=str(tmp_path), tasks="all", greedy=True)
    hub_only = [k for k, b in tasks.BENCHMARKS.items() if b.download is None]  # 'all' without --data-dir
    assert sampling_groups(args) == {(1, 0.0, 1.0): hub_only} and "kaoyan" not in hub_only
    (tmp_path / "data" / "kaoyan").mkdir(parents=True)
    (tmp_path / "data" / "kaoyan" / "test.jsonl").write_text('{"problem": "1+1?", "answer": "2"}\n')
    args = EvalArguments(model="m", output_dir=str(tmp_path), tasks="all", greedy=True, data_dir=str(tmp_path / "data"))
    assert "kaoyan" in sampling_groups(args)[(1, 0.0, 1.0)]
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)  # offline: the local folders only
    assert args.task_keys() == ["kaoyan"]
    with pytest.raises(S2RError, match=r"gaokao2024_mix has no Hub copy.*--data-dir"):
        EvalArguments(model="m", output_dir=str(tmp_path), tasks="aime24,gaokao2024_mix")


def test_bad_eval_options_are_reported_together(tmp_path):
    from s2r_hf.eval.run import EvalArguments

    with pytest.raises(S2RError, match=r"unknown task\(s\) nope.*--backend.*--max-new-tokens"):
        EvalArguments(model="m", output_dir=str(tmp_path), tasks="nope", backend="tgi", max_new_tokens=0)


def test_eval_help_names_every_benchmark():
    from s2r_hf.eval.run import make_parser

    text = make_parser().format_help()
    assert all(key in text for key in tasks.BENCHMARKS)


def test_vllm_backend_config_carries_the_task_sampling_and_the_training_system_prompt(tmp_path):
    """The GPU path cannot run here (no GPU, no vllm); its lighteval model config is built and checked."""
    from s2r_hf.eval.run import EvalArguments, _model_config, pick_backend

    args = EvalArguments(
        model="me/Qwen2.5-Math-7B-S2R-10pct",
        output_dir=str(tmp_path),
        backend="vllm",
        dtype="bfloat16",
        tensor_parallel_size=2,
        data_parallel_size=4,
        max_new_tokens=32768,
    )
    config = _model_config(args, pick_backend(args.backend), 0.6, 0.95, tmp_path / "cache")
    assert type(config).__name__ == "VLLMModelConfig"
    assert config.model_name == "me/Qwen2.5-Math-7B-S2R-10pct" and config.dtype == "bfloat16"
    assert config.tensor_parallel_size == 2 and config.data_parallel_size == 4 and config.seed == args.seed
    assert config.max_model_length == 32768 + 2048  # lighteval's default would be vLLM's 8192 capture length
    assert config.system_prompt == REASONING_SYSTEM_PROMPT
    gen = config.generation_parameters
    assert (gen.temperature, gen.top_p, gen.max_new_tokens) == (0.6, 0.95, 32768)
    assert pick_backend("auto") == "transformers"  # no CUDA here


def test_task_file_loads_by_path_as_lighteval_custom_tasks_does(tmp_path, monkeypatch):
    """`--custom-tasks s2r_hf/eval/tasks.py`: loaded from the file, unregistered in sys.modules; env options."""
    import importlib.util

    write_benchmark(tmp_path, "kaoyan")
    monkeypatch.setenv("S2R_EVAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("S2R_EVAL_GREEDY", "1")
    monkeypatch.setenv("S2R_EVAL_MAX_NEW_TOKENS", "64")
    spec = importlib.util.spec_from_file_location("custom_tasks_by_path", tasks.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = {t.name: t for t in module.TASKS_TABLE}
    assert "s2r_kaoyan" in table and "s2r_gaokao2024_mix" not in table  # local-only: only when its folder is there
    assert table["s2r_aime24"].generation_size == 64
    assert table["s2r_aime24"].metrics[0].metric_name == ["pass@1", "maj@1", "response_tokens"]  # greedy: 1 sample


def test_metric_grades_a_boxed_option_text_through_the_docs_options(tmp_path):
    """GaokaoMathQA: the prompt function hands the option texts to the metric, so the right option's text in the
    box is right (as in Select2Reason's evaluation) and another option's text is wrong."""
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.lighteval_task import LightevalTask

    from s2r_hf.eval.metrics import response_metric

    write_benchmark(tmp_path, "gaokao_math_qa")
    doc = sorted(LightevalTask(tasks.make_task("gaokao_math_qa", data_dir=tmp_path)).get_docs(), key=lambda d: d.id)[0]
    assert doc.get_golds() == ["B"] and doc.specific["options"] == {"A": "0", "B": "1", "C": "2", "D": "3"}
    metric = response_metric(2)
    response = ModelResponse(text=["\\boxed{1}", "\\boxed{2}"], output_tokens=[[0], [0, 0]])
    scores = metric.compute_sample(doc=doc, model_response=response)
    assert scores["pass@1"] == 0.5


@pytest.mark.parametrize(
    ("row", "options"),
    [
        ({"question": "q", "answer": "C. $\\{x \\mid-3<x<4\\}$", "choice_answer": "C"}, {"C": "$\\{x \\mid-3<x<4\\}$"}),
        ({"question": "q", "answer": "(B) 12", "choice_answer": "B"}, {"B": "12"}),
        ({"question": "q", "answer": "64", "choice_answer": ""}, None),
    ],
)
def test_gaokao2024_mix_options_are_the_gold_text(row, options):
    b = tasks.BENCHMARKS["gaokao2024_mix"]
    assert (b.options(row) if b.row(row)[2] else None) == options


@pytest.mark.parametrize(
    ("key", "row", "named"),
    [
        ("math_500", {"problem": "1+1?", "solution": "2"}, "no 'answer' or 'Answer' value"),
        ("aime24", {"answer": "3"}, "none of the columns problem"),
        ("gaokao_math_qa", {"question": "q", "options": {"A": "1"}}, "no 'label' value"),
    ],
)
def test_unreadable_row_is_named_with_its_columns(key, row, named, tmp_path):
    """A row the layout cannot read (no question, no answer column: another file) stops the run when the task is
    built, before any model loads, with the benchmark, row number and columns."""
    from lighteval.tasks.lighteval_task import LightevalTask

    good = {"math_500": {"problem": "2+2?", "answer": "4"}, "aime24": {"problem": "3?", "answer": "3"}}
    rows = [good.get(key, row), row] if key in good else [row]
    write_rows(tmp_path, key, "test.jsonl", rows)
    with pytest.raises(S2RError) as err:
        LightevalTask(tasks.make_task(key, data_dir=tmp_path)).get_docs()
    message = str(err.value)
    assert message.startswith(f"{key}: row {len(rows) - 1} (from 0) cannot be read") and named in message
    assert "its columns:" in message and "--data-dir" in message


def test_loading_errors_say_what_could_not_load_and_what_to_do(tmp_path):
    from s2r_hf.eval.run import EvalArguments, loading_error

    args = EvalArguments(model="me/m", output_dir=str(tmp_path), tasks="aime24,gpqa_diamond")
    offline = ConnectionError("Couldn't reach 'Idavidrein/gpqa' on the Hub (OfflineModeIsEnabled)")
    message = str(loading_error(offline, args, ["aime24", "gpqa_diamond"]))
    assert message.startswith("could not load gpqa_diamond's data from Idavidrein/gpqa (ConnectionError: Couldn't")
    assert "HF_TOKEN" in message and "<data-dir>/gpqa_diamond/" in message and "--data-dir" in message
    model = str(loading_error(OSError("We couldn't connect to 'https://huggingface.co'"), args, ["aime24"]))
    assert model.startswith("could not load the model me/m (OSError: We couldn't connect")
    other = ValueError("something else")
    assert loading_error(other, args, ["aime24"]) is None


def test_vllm_context_length_fits_the_answer_budget_and_the_model(tiny_judge, tmp_path):
    """The tiny judge has 4096 positions: a 16k answer budget is refused before any model loads."""
    from s2r_hf.eval.run import PROMPT_BUDGET, EvalArguments, vllm_context_length

    args = EvalArguments(model=str(tiny_judge), output_dir=str(tmp_path), backend="vllm", max_new_tokens=1000)
    assert vllm_context_length(args) == 1000 + PROMPT_BUDGET
    args.max_model_length = 4096
    assert vllm_context_length(args) == 4096
    with pytest.raises(S2RError, match=r"has 4096 positions .* needs 18432 \(--max-new-tokens 16384 \+ prompt\)"):
        vllm_context_length(EvalArguments(model=str(tiny_judge), output_dir=str(tmp_path), backend="vllm"))


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"max_model_length": 100, "max_new_tokens": 100}, "--max-model-length 100 leaves no room"),
        ({"data_parallel_size": 0}, "--data-parallel-size must be >= 1"),
        ({"gpu_memory_utilization": 1.5}, "--gpu-memory-utilization must be in (0, 1]"),
        ({"chunk_size": -1}, "--chunk-size must be >= 0"),
    ],
)
def test_bad_vllm_and_resume_options_are_named(options, named, tmp_path):
    from s2r_hf.eval.run import EvalArguments

    with pytest.raises(S2RError, match=re.escape(named)):
        EvalArguments(model="m", output_dir=str(tmp_path), **options)


def test_folder_names_of_copied_evaluation_trees_are_found(tmp_path, caplog):
    """Qwen2.5-Math / Select2Reason trees name MATH-500's folder `math500`; a --data-dir without a benchmark's
    folder loads the Hub copy and says so."""
    import logging

    name, rows = BENCHMARK_ROWS["math_500"]
    write_rows(tmp_path, "math500", name, rows)
    assert is_local_copy(tasks.make_task("math_500", data_dir=tmp_path), "math_500")
    assert "math_500" in tasks.available_keys(tmp_path)
    with caplog.at_level(logging.INFO):
        assert tasks.make_task("aime24", data_dir=tmp_path).hf_repo == "HuggingFaceH4/aime_2024"
    assert (
        f"aime24: no aime24/, aime_2024/, aime2024/ folder in {tmp_path}: loading HuggingFaceH4/aime_2024"
        in caplog.text
    )


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("", "test.jsonl is empty"),
        ('{"problem": "1+1?", "answer": "2"}\n{"problem": "x", "answer": \n', "line 2 is not"),
    ],
)
def test_unreadable_local_file_is_named(content, named, tmp_path):
    """An empty file or a broken jsonl line (datasets raises StopIteration / DatasetGenerationError) → one line."""
    from s2r_hf.eval.run import EvalArguments, loading_error

    (tmp_path / "amc23").mkdir()
    (tmp_path / "amc23" / "test.jsonl").write_text(content)
    args = EvalArguments(model="m", output_dir=str(tmp_path / "out"), tasks="amc23", data_dir=str(tmp_path))
    message = str(loading_error(StopIteration(), args, ["amc23"]))
    assert message.startswith("cannot read amc23's data: ") and named in message and "fix or remove it" in message


def test_task_names_accept_the_folder_aliases(tmp_path):
    from s2r_hf.eval.run import EvalArguments

    args = EvalArguments(model="m", output_dir=str(tmp_path), tasks="math500,s2r_gpqa,aime_2024|0")
    assert args.task_keys() == ["math_500", "gpqa_diamond", "aime24"]


def test_files_a_split_leaves_out_are_named(tmp_path, caplog):
    """`test.jsonl` + `extra.jsonl`: datasets reads extra.jsonl as another split; the run says so."""
    import logging

    from lighteval.tasks.lighteval_task import LightevalTask

    write_rows(tmp_path, "amc23", "test.jsonl", [{"problem": "1+1?", "answer": "2"}])
    write_rows(tmp_path, "amc23", "extra.jsonl", [{"problem": "2+2?", "answer": "4"}])
    with caplog.at_level(logging.INFO):
        config = tasks.make_task("amc23", data_dir=tmp_path)
    assert len(LightevalTask(config).get_docs()) == 1
    assert "reading test.jsonl (split test)" in caplog.text
    assert "ignoring extra.jsonl: `datasets` puts it in another split than test.jsonl" in caplog.text


# (key, row, reason substring): golds no grader can use; the row is kept, graded wrong, and says why
UNGRADABLE = [
    ("math_500", {"problem": "1+1?", "answer": None}, "the gold answer is empty"),
    ("gaokao2023en", {"question": "Find $x$.", "answer": ""}, "the gold answer is empty"),
    ("olympiadbench", {"question": "q", "final_answer": "  "}, "the gold answer is empty"),
    ("olympiadbench", {"question": "q", "final_answer": []}, "the gold answer is empty"),
    ("gaokao_math_qa", {"question": "q", "options": {"A": "1"}, "label": None}, "the gold answer is empty"),
    ("kaoyan", {"problem": "求极值。", "answer": {"(1)": "$f(1)=2$", "(2)": "$a>1$"}}, "the gold is a dict of sub"),
]


@pytest.mark.parametrize(("key", "row", "reason"), UNGRADABLE)
def test_a_row_without_a_usable_gold_is_kept_graded_wrong_and_named(key, row, reason, tmp_path, caplog):
    """Gaokao2023en's two empty golds and Kaoyan's dict golds: the task still loads every row (the paper's
    denominators), the metric scores the row 0 whatever the model boxes, and the Doc carries the reason."""
    import logging

    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.lighteval_task import LightevalTask

    from s2r_hf.eval.metrics import response_metric

    good = {"kaoyan": {"problem": "求 1+1。", "answer": "2"}}.get(key) or BENCHMARK_ROWS[key][1][0]
    write_rows(tmp_path, key, "test.jsonl", [good, row])
    with caplog.at_level(logging.WARNING):
        docs = sorted(LightevalTask(tasks.make_task(key, data_dir=tmp_path)).get_docs(), key=lambda d: int(d.id))
    assert len(docs) == 2 and "ungradable" not in docs[0].specific
    bad = docs[1]
    assert reason in bad.specific["ungradable"] and bad.get_golds() == [""]
    assert f"{key}: 1 of 2 rows have no gradable gold: kept, graded wrong, counted (row 1: {reason}" in caplog.text
    boxes = ["\\boxed{}", "no box", "\\boxed{1}", "\\boxed{A}", f"\\boxed{{{bad.specific['raw_answer']}}}"]
    response = ModelResponse(text=boxes, output_tokens=[[0]] * len(boxes))
    scores = response_metric(len(boxes)).compute_sample(doc=bad, model_response=response)
    assert scores["pass@1"] == 0.0 and scores[f"maj@{len(boxes)}"] == 0.0


def test_a_mixed_string_and_dict_column_keeps_its_strings_verbatim(tmp_path):
    """Kaoyan's answer column mixes strings and dicts: `datasets` would type it JSON and decode "4e" to 4.0."""
    from lighteval.tasks.lighteval_task import LightevalTask

    answers = ["4e", {"(1)": "$2$", "(2)": "$-1$"}, "1/2", "0.50", "e^{2}", "-3"]
    write_rows(tmp_path, "kaoyan", "test.jsonl", [{"problem": f"第{i}题", "answer": a} for i, a in enumerate(answers)])
    docs = sorted(LightevalTask(tasks.make_task("kaoyan", data_dir=tmp_path)).get_docs(), key=lambda d: int(d.id))
    assert [d.get_golds()[0] for d in docs] == ["4e", "", "1/2", "0.50", "e^{2}", "-3"]
    assert [d.query for d in docs] == [f"第{i}题" for i in range(len(answers))]
    assert tasks.load_benchmark_rows("kaoyan", tmp_path)[0]["answer"] == "4e"
    assert tasks.benchmark_problems("kaoyan", tmp_path) == [f"第{i}题" for i in range(len(answers))]


def test_a_split_stored_as_json_and_jsonl_is_read_once(tmp_path, caplog):
    """Select2Reason's eval_data/olympiadbench holds test.json (a list) and test.jsonl: each problem once."""
    import json
    import logging

    from lighteval.tasks.lighteval_task import LightevalTask

    rows = BENCHMARK_ROWS["olympiadbench"][1]
    write_rows(tmp_path, "olympiadbench", "test.jsonl", rows)
    (tmp_path / "olympiadbench" / "test.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    with caplog.at_level(logging.INFO):
        docs = LightevalTask(tasks.make_task("olympiadbench", data_dir=tmp_path)).get_docs()
    assert len(docs) == len(rows) == 3
    assert "test.json and test.jsonl hold the same split: reading test.jsonl only" in caplog.text
    write_rows(tmp_path, "olympiadbench", "test.parquet", rows)
    with caplog.at_level(logging.INFO):
        assert len(tasks.load_benchmark_rows("olympiadbench", tmp_path)) == 3
    assert "test.parquet and test.jsonl hold the same split: reading test.jsonl only" in caplog.text
    (tmp_path / "olympiadbench" / "test.parquet").unlink()
    (tmp_path / "olympiadbench" / "test.jsonl").unlink()  # a .json alone (a list, or JSON lines) is read
    assert len(tasks.load_benchmark_rows("olympiadbench", tmp_path)) == 3
    write_rows(tmp_path, "olympiadbench", "test.json", rows)
    assert tasks.load_benchmark_rows("olympiadbench", tmp_path) == rows


def test_eval_stops_on_a_bad_file_before_any_group_generates(tmp_path):
    """aime24 (sampled group, runs first) is fine, kaoyan (greedy group) has a row no layout reads: the run
    stops naming that row before lighteval starts the first group (no answer cache, no results)."""
    from s2r_hf.eval.run import EvalArguments, main

    write_benchmark(tmp_path / "data", "aime24")
    write_rows(tmp_path / "data", "kaoyan", "test.jsonl", [{"problem": "1+1?", "answer": "2"}, {"answer": "3"}])
    out = tmp_path / "out"
    args = EvalArguments(
        model="no/such-model", output_dir=str(out), tasks="aime24,kaoyan", data_dir=str(tmp_path / "data")
    )
    assert list(args.task_keys()) == ["aime24", "kaoyan"]
    with pytest.raises(S2RError, match=r"^kaoyan: row 1 \(from 0\) cannot be read"):
        main(args)
    assert not (out / ".lighteval_cache").exists() and not list(out.rglob("results_*.json"))


def test_an_unwritable_cache_for_the_read_copy_is_one_line(tmp_path):
    from s2r_hf.eval.local_data import normalised_copy

    (tmp_path / "file").write_text("x")
    with pytest.raises(S2RError, match=r"cannot write kaoyan's read copy under .*HF_DATASETS_CACHE"):
        normalised_copy("kaoyan", [{"problem": "p", "answer": "4e"}], cache_dir=tmp_path / "file")
    folder = normalised_copy("kaoyan", [{"problem": "p", "answer": "4e"}], cache_dir=tmp_path)
    assert folder == normalised_copy("kaoyan", [{"problem": "p", "answer": "4e"}], cache_dir=tmp_path)  # by content
    assert folder != normalised_copy("kaoyan", [{"problem": "p", "answer": "4"}], cache_dir=tmp_path)
