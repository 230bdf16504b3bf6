"""`s2r train` in one process, in-process: recipes, options, data preparation, loss, resume, EOS.

The tiny Qwen2 built offline stands in for the base model. Torch runs on one thread here: on these 2-core
machines two threads make the tiny model's small matmuls ~10x slower (thread handoff dominates).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from s2r_hf.errors import S2RError
from s2r_hf.prompts import REASONING_SYSTEM_PROMPT
from tests.conftest import ROOT

DEMO = ROOT / "recipes" / "tiny-qwen2" / "sft" / "config_demo.yaml"
TRAINING = sorted(ROOT.glob("recipes/*/sft/config_*.yaml"))
MODEL_FOLDERS = ("Qwen2.5-Math-7B-Instruct", "Qwen2.5-7B-Instruct", "Qwen2.5-1.5B-Instruct")
ANSWER = "<think>\n2 + 3 = 5.\n</think>\nThe answer is \\boxed{5}."


@pytest.fixture(autouse=True)
def one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def row(question: str, answer: str, system: str | None = None) -> dict:
    turns = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    return {"messages": ([{"role": "system", "content": system}] if system else []) + turns}


def parse(*extra: str, config: Path = DEMO):
    from s2r_hf.train import parse_train

    return parse_train(["--config", str(config), "--disable_tqdm", "true", *extra])


def cpu_args() -> list[str]:
    import torch

    return [] if torch.cuda.is_available() else ["--use_cpu", "true"]


# --------------------------------------------------------------------------------------------------
# Recipes: every training config parses with the real parser and carries the paper's setup
# --------------------------------------------------------------------------------------------------


def test_training_recipes_are_collected():
    assert len(TRAINING) >= 10  # 3 models x 3 subsets + the tiny demo; a moved folder fails here
    for model in MODEL_FOLDERS:
        names = {p.name for p in (ROOT / "recipes" / model / "sft").glob("config_*.yaml")}
        assert names == {"config_s2r_10pct.yaml", "config_random_10pct.yaml", "config_full.yaml"}, model


@pytest.mark.parametrize("path", TRAINING, ids=lambda p: str(p.relative_to(ROOT)))
def test_training_recipe_parses(path: Path):
    subset, training, model = parse(*cpu_args(), config=path)
    rel = path.relative_to(ROOT).as_posix()
    text = path.read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert text.startswith("#") and any(f"-m s2r_hf.train --config {rel}" in line for line in header)
    assert any(re.search(rf"--config {re.escape(rel)} --\w+", line) for line in header), "no override example"
    assert subset.overlong in ("drop", "truncate") and "overlong:" in text  # chosen explicitly
    assert training.assistant_only_loss and training.eos_token == "<|im_end|>"
    if path.parts[-3] == "tiny-qwen2":
        return
    assert model.model_name_or_path == f"Qwen/{path.parts[-3]}"
    assert (training.learning_rate, training.num_train_epochs, training.max_length) == (5e-5, 3, 16384)
    assert str(training.lr_scheduler_type.value) == "cosine" and training.warmup_steps == 0.1
    assert training.per_device_train_batch_size == 1 and training.gradient_accumulation_steps == 4
    assert training.activation_checkpointing and subset.overlong == "drop"
    assert "bf16: true" in text and "Global batch = 8 GPUs × 1 per device × 4 gradient accumulation = 32" in text
    # the subset is the output of a selection recipe
    selection = {
        yaml.safe_load(p.read_text())["output_dir"]: p for p in (ROOT / "recipes" / "selection").rglob("config_*.yaml")
    }
    assert subset.dataset_name in selection, subset.dataset_name
    assert f"s2r select --config {selection[subset.dataset_name].relative_to(ROOT).as_posix()}" in text
    kwargs = training.model_init_kwargs
    assert kwargs.get("use_kernels") is True and model.attn_implementation == "flash_attention_2"
    if "Math" in path.parts[-3]:  # 4k → 32k context, RoPE theta 300k (OpenR1-Qwen-7B), transformers 5 spelling
        assert kwargs["max_position_embeddings"] == 32768
        assert kwargs["rope_parameters"] == {"rope_type": "default", "rope_theta": 300000.0}


def test_accelerate_configs():
    from accelerate.commands.config.config_args import load_config_from_file

    folder = ROOT / "recipes" / "accelerate_configs"
    assert {p.stem for p in folder.glob("*.yaml")} >= {"ddp", "fsdp", "zero3", "cpu"}
    configs = {p.stem: load_config_from_file(str(p)) for p in folder.glob("*.yaml")}
    # accelerate 1.15 starts one process for MULTI_CPU: the CPU config must be MULTI_GPU + use_cpu
    assert (configs["cpu"].distributed_type.value, configs["cpu"].use_cpu, configs["cpu"].num_processes) == (
        "MULTI_GPU",
        True,
        2,
    )
    assert configs["ddp"].distributed_type.value == "MULTI_GPU" and not configs["ddp"].use_cpu
    assert configs["fsdp"].distributed_type.value == "FSDP" and configs["fsdp"].fsdp_config["fsdp_version"] == 2
    assert configs["fsdp"].fsdp_config["fsdp_activation_checkpointing"] is False  # recipes checkpoint in the trainer
    assert configs["zero3"].distributed_type.value == "DEEPSPEED"
    assert configs["zero3"].deepspeed_config["zero_stage"] == 3
    for name, cfg in configs.items():
        assert (folder / f"{name}.yaml").read_text().startswith("#"), name
        if name != "cpu":
            assert cfg.mixed_precision == "bf16" and cfg.num_processes == 8, name


@pytest.mark.parametrize("model", MODEL_FOLDERS)
def test_model_readme_commands_and_wall_time(model: str):
    text = (ROOT / "recipes" / model / "README.md").read_text()
    commands = re.findall(r"--config (recipes/\S+\.yaml)", text)
    for path in commands:
        assert (ROOT / path).is_file(), f"README names a missing file {path}"
    for config in (ROOT / "recipes" / model / "sft").glob("config_*.yaml"):
        assert config.relative_to(ROOT).as_posix() in commands, config.name
    assert "8 × H100" in text and "8 GPUs (global batch 32)" in text
    params = 1.54e9 if "1.5B" in model else 7.62e9
    rows = re.findall(
        r"\| `(config_\w+\.yaml)` \| [^|]+ \| ([\d,]+) \| ([\d,]+) \| [^|]+ \| [^|]+ \| \*\*([\d.]+) (h|min)\*\* \|",
        text,
    )
    assert len(rows) == 3
    for _, n, mean, value, unit in rows:
        tokens = int(n.replace(",", "")) * int(mean.replace(",", ""))
        hours = 6 * params * tokens * 3 / (8 * 989e12 * 0.4) / 3600
        stated = float(value) / (60 if unit == "min" else 1)
        assert stated == pytest.approx(hours, rel=0.05, abs=0.01)


# --------------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------------


def test_unknown_yaml_key_is_named(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEMO.read_text() + "warmup_ratio: 0.1\n")  # transformers 4 name
    with pytest.raises(S2RError, match=r"unknown option.*warmup_ratio"):
        parse(config=bad)
    with pytest.raises(S2RError, match="--lerning_rate"):
        parse("--lerning_rate", "1e-5")
    with pytest.raises(S2RError, match="--overlong must be one of drop, truncate"):
        parse("--overlong", "cut")


def test_incompatible_options_are_reported_together(tmp_path):
    from s2r_hf.train_options import check_options

    subset, training, model = parse(
        "--padding_free", "true", "--use_peft", "true", "--eval_strategy", "steps", "--eval_steps", "1"
    )
    training.model_init_kwargs = {"rope_theta": 300000.0}
    with pytest.raises(S2RError) as err:
        check_options(subset, training, model)
    message = str(err.value)
    assert message.startswith("4 problems")
    for needle in ("padding_free", "use_peft", "eval_strategy", "rope_parameters"):
        assert needle in message


def test_context_must_fit_the_model(tiny_judge):
    from s2r_hf.train_options import check_context

    _, training, _ = parse("--max_length", "8192")  # the tiny model has 4096 positions
    with pytest.raises(S2RError, match=r"max_position_embeddings 4096.*rope_parameters"):
        check_context(str(tiny_judge), training, {})
    extended = {"max_position_embeddings": 32768, "rope_parameters": {"rope_type": "default", "rope_theta": 3e5}}
    assert check_context(str(tiny_judge), training, extended) == 32768


def test_cpu_fallbacks_are_announced():
    from s2r_hf.train_options import fit_to_hardware

    _, training, model = parse(
        "--attn_implementation", "flash_attention_2", "--model_init_kwargs", '{"use_kernels": true}', "--bf16", "true"
    )
    notes = fit_to_hardware(training, model)
    assert "use_kernels" not in training.model_init_kwargs and model.attn_implementation == "sdpa"
    joined = " ".join(notes)
    assert "use_kernels: true ignored" in joined and "flash_attention_2 unavailable" in joined and "bf16" in joined


# --------------------------------------------------------------------------------------------------
# Data: system prompt, overlong rows, assistant-only labels
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "reason", "replaced"),
    [
        (row("Q", "A")["messages"], None, False),
        (row("Q", "A", system="You are a pirate.")["messages"], None, True),
        ([{"role": "user", "content": "Q"}], "not_user_then_assistant", False),
        ([{"role": "assistant", "content": "A"}], "not_user_then_assistant", False),
        ([{"role": "user", "content": None}, {"role": "assistant", "content": "A"}], "bad_message", False),
        ([], "no_messages", False),
        (None, "no_messages", False),
    ],
)
def test_with_system_prompt(messages, reason, replaced):
    from s2r_hf.sft_data import with_system_prompt

    conv, why, rep = with_system_prompt(messages)
    assert (why, rep) == (reason, replaced)
    if reason is None:
        assert conv[0] == {"role": "system", "content": REASONING_SYSTEM_PROMPT}
        assert [m["role"] for m in conv] == ["system", "user", "assistant"]


def test_overlong_rows_are_counted_then_dropped_or_kept(tiny_judge, tmp_path):
    from datasets import load_dataset
    from transformers import AutoTokenizer

    from s2r_hf.sft_data import prepare_rows

    tokenizer = AutoTokenizer.from_pretrained(tiny_judge)
    rows = [row(f"What is {i} + {i}?", "Short answer " * (1 + 12 * i), system="old") for i in range(6)]
    rows.append({"messages": [{"role": "user", "content": "no answer"}]})
    ds = load_dataset("json", data_files=str(write_jsonl(tmp_path / "rows.jsonl", rows)), split="train")
    # TRL's own tokenisation of each row, with the system prompt swapped in
    exact = []
    for r in rows[:6]:
        conv = [{"role": "system", "content": REASONING_SYSTEM_PROMPT}, *r["messages"][1:]]
        exact.append(len(tokenizer.apply_chat_template(conv, tokenize=True, return_dict=True)["input_ids"]))
    limit = sorted(exact)[3]  # rows 4 and 5 are longer
    kept, report = prepare_rows(ds, tokenizer, template=None, max_length=limit, overlong="drop")
    assert report.rows_in == 7 and report.overlong == 2 and report.rows_kept == 4
    assert report.dropped == {"not_user_then_assistant": 1, "overlong": 2} and report.truncated == 0
    assert report.system_replaced == 4 and report.longest == max(exact)
    assert report.tokens == sum(n for n in exact if n <= limit)
    assert kept.column_names == ["messages"] and len(kept) == 4
    assert all(m[0]["content"] == REASONING_SYSTEM_PROMPT for m in kept["messages"])
    kept, report = prepare_rows(ds, tokenizer, template=None, max_length=limit, overlong="truncate")
    assert report.rows_kept == 6 and report.truncated == 2 and report.dropped == {"not_user_then_assistant": 1}
    assert report.tokens == sum(min(n, limit) for n in exact)
    with pytest.raises(S2RError, match=r"no training rows left.*longest usable row"):
        prepare_rows(ds, tokenizer, template=None, max_length=5, overlong="drop")


def test_training_text_has_the_reasoning_prompt_and_labels_only_the_assistant(tiny_judge, tmp_path):
    from accelerate import PartialState

    from s2r_hf.train import setup

    data = write_jsonl(tmp_path / "d.jsonl", [row("What is 2 + 3?", ANSWER, system="Be brief.")] * 2)
    subset, training, model = parse("--dataset_name", str(data), "--output_dir", str(tmp_path / "out"))
    run = setup(subset, training, model, PartialState())
    tokenizer, example = run.tokenizer, run.trainer.train_dataset[0]
    text = tokenizer.decode(example["input_ids"])
    assert text.startswith(f"<|im_start|>system\n{REASONING_SYSTEM_PROMPT}<|im_end|>\n<|im_start|>user\n")
    assert "Be brief." not in text
    labels = example["labels"]
    first = next(i for i, v in enumerate(labels) if v != -100)
    assert all(v == -100 for v in labels[:first])  # system prompt, question, assistant header: masked
    assert tokenizer.decode(example["input_ids"][:first]).endswith("<|im_start|>assistant\n")
    trained = [t for t, v in zip(example["input_ids"], labels, strict=True) if v != -100]
    assert tokenizer.decode(trained) == ANSWER + "<|im_end|>"  # the answer and the end-of-turn token
    assert run.report.system_replaced == 2 and training.eos_token == "<|im_end|>"
    written = yaml.safe_load((tmp_path / "out" / "s2r_train_config.yaml").read_text())
    assert written["dataset_name"] == "local:d.jsonl"  # by file name: the absolute path stays on this machine


# --------------------------------------------------------------------------------------------------
# Training: loss falls, EOS stops generation, resume, and a 7B recipe shrunk to the tiny model
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def base_like_model(tiny_judge, tmp_path) -> Path:
    """The tiny model with a *base* model's EOS (<|endoftext|>), as Qwen2.5-Math-7B ships: training must fix it."""
    path = tmp_path / "base"
    shutil.copytree(tiny_judge, path)
    for name, key in (("tokenizer_config.json", "eos_token"), ("config.json", "eos_token_id")):
        cfg = json.loads((path / name).read_text())
        cfg[key] = "<|endoftext|>" if key == "eos_token" else 0
        (path / name).write_text(json.dumps(cfg))
    gen = json.loads((path / "generation_config.json").read_text())
    gen["eos_token_id"] = 0
    (path / "generation_config.json").write_text(json.dumps(gen))
    return path


def test_loss_falls_and_the_saved_model_stops_at_end_of_turn(base_like_model, tmp_path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from s2r_hf.train import main

    assert AutoTokenizer.from_pretrained(base_like_model).eos_token == "<|endoftext|>"
    data = write_jsonl(tmp_path / "one.jsonl", [row("What is 2 + 3?", ANSWER)] * 4)
    out = tmp_path / "out"
    args = parse(
        *("--model_name_or_path", str(base_like_model), "--eos_token", "<|im_end|>"),
        *("--dataset_name", str(data), "--output_dir", str(out), "--save_strategy", "no"),
        *("--max_steps", "40", "--per_device_train_batch_size", "4", "--gradient_accumulation_steps", "1"),
        *("--learning_rate", "1e-2", "--lr_scheduler_type", "constant", "--warmup_steps", "0"),
        *("--logging_steps", "5", "--overlong", "drop"),
    )
    assert main(*args) == out
    losses = [h["loss"] for h in json.loads((out / "trainer_state.json").read_text())["log_history"] if "loss" in h]
    assert len(losses) == 8 and all(math.isfinite(v) for v in losses)
    assert losses[-1] < 0.25 * losses[0], losses  # one batch, 40 steps: memorised

    tokenizer = AutoTokenizer.from_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out)
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    assert tokenizer.eos_token == "<|im_end|>"
    eos = model.generation_config.eos_token_id
    assert im_end in (eos if isinstance(eos, list) else [eos])
    prompt = [{"role": "system", "content": REASONING_SYSTEM_PROMPT}, {"role": "user", "content": "What is 2 + 3?"}]
    inputs = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    with torch.no_grad():
        generated = model.generate(**inputs, max_new_tokens=80, do_sample=False)[0, inputs["input_ids"].shape[1] :]
    assert generated[-1].item() == im_end and len(generated) < 80  # stopped by EOS, not by the length limit
    assert tokenizer.decode(generated) == ANSWER + "<|im_end|>"

    record = json.loads((out / "s2r_train.json").read_text())
    assert record["data"]["rows_kept"] == 4 and record["compute"]["global_step"] == 40
    assert record["compute"]["ranks"] == [record["compute"]["ranks"][0]] and record["eos_token"] == "<|im_end|>"


def test_resume_continues_from_the_last_checkpoint(tmp_path):
    from s2r_hf.train import main

    data = write_jsonl(tmp_path / "d.jsonl", [row(f"What is {i} + 1?", f"It is {i + 1}.") for i in range(8)])
    out = tmp_path / "out"
    common = ("--dataset_name", str(data), "--output_dir", str(out), "--save_steps", "2", "--logging_steps", "1")
    main(*parse(*common, "--max_steps", "2"))
    assert (out / "checkpoint-2").is_dir()
    main(*parse(*common, "--max_steps", "4"))
    record = json.loads((out / "s2r_train.json").read_text())["compute"]
    assert (record["resumed_from"], record["resumed_from_step"], record["global_step"]) == ("checkpoint-2", 2, 4)
    assert record["steps_this_run"] == 2
    steps = [h["step"] for h in json.loads((out / "trainer_state.json").read_text())["log_history"] if "loss" in h]
    assert steps == [1, 2, 3, 4]  # continued, not restarted
    main(*parse(*common, "--max_steps", "2", "--overwrite"))  # --overwrite starts from step 0 again
    record = json.loads((out / "s2r_train.json").read_text())["compute"]
    assert record["resumed_from"] is None and record["global_step"] == 2


def test_rerunning_a_finished_run_trains_no_extra_step(tmp_path):
    """The Trainer checks max_steps only after a step: resuming a checkpoint already at the end trained one more
    (checkpoint-4 of a 3-step run). Now a rerun trains nothing and the final model is the last checkpoint's."""
    from safetensors.torch import load_file

    from s2r_hf.train import main

    data = write_jsonl(tmp_path / "d.jsonl", [row(f"What is {i} + 1?", f"It is {i + 1}.") for i in range(8)])
    out = tmp_path / "out"
    common = ("--dataset_name", str(data), "--output_dir", str(out), "--save_steps", "1", "--max_steps", "3")
    main(*parse(*common))
    first = json.loads((out / "s2r_train.json").read_text())["compute"]
    weights = (out / "model.safetensors").read_bytes()
    main(*parse(*common))  # the same command again
    again = json.loads((out / "s2r_train.json").read_text())["compute"]
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-1", "checkpoint-2", "checkpoint-3"]
    assert (again["global_step"], again["steps_this_run"], again["resumed_from"]) == (3, 0, "checkpoint-3")
    assert again["train_loss"] == first["train_loss"] and (out / "model.safetensors").read_bytes() == weights
    # killed after checkpoint-3 was saved but before the final save: the rerun saves checkpoint-3's weights
    (out / "model.safetensors").unlink()
    (out / "s2r_train.json").unlink()
    main(*parse(*common))
    record = json.loads((out / "s2r_train.json").read_text())["compute"]
    assert (record["global_step"], record["steps_this_run"], record["train_loss"]) == (3, 0, None)
    final, last = load_file(out / "model.safetensors"), load_file(out / "checkpoint-3" / "model.safetensors")
    assert final.keys() == last.keys() and all(final[k].equal(last[k]) for k in final)
    assert not (out / "checkpoint-4").exists()


def test_paper_recipe_runs_shrunk_to_the_tiny_model(tiny_judge, tmp_path):
    """The Qwen2.5-Math-7B recipe, unchanged but for sizes: RoPE override applied, GPU speed-ups fall back."""
    from transformers import AutoConfig

    from s2r_hf.train import main

    data = write_jsonl(tmp_path / "d.jsonl", [row(f"What is {i} * 2?", f"It is {2 * i}.") for i in range(4)])
    out = tmp_path / "out"
    recipe = ROOT / "recipes" / "Qwen2.5-Math-7B-Instruct" / "sft" / "config_s2r_10pct.yaml"
    args = parse(
        *cpu_args(),
        *("--model_name_or_path", str(tiny_judge), "--dtype", "float32", "--bf16", "false"),
        *("--dataset_name", str(data), "--output_dir", str(out), "--dataset_num_proc", "1"),
        *("--max_length", "256", "--max_steps", "2", "--save_strategy", "no"),
        config=recipe,
    )
    main(*args)
    saved = AutoConfig.from_pretrained(out)
    assert saved.max_position_embeddings == 32768 and saved.rope_parameters["rope_theta"] == 300000.0
    record = json.loads((out / "s2r_train.json").read_text())
    notes = " ".join(record["notes"])
    assert "use_kernels: true ignored" in notes and "flash_attention_2 unavailable" in notes
    assert record["hyperparameters"]["activation_checkpointing"] is True
    assert record["hyperparameters"]["learning_rate"] == 5e-5 and record["compute"]["global_step"] == 2
    # the resolved config written next to the weights is itself a valid recipe (local paths outside the working
    # folder by file name only: it is pushed with the model)
    reparsed = parse(*cpu_args(), config=out / "s2r_train_config.yaml")
    assert reparsed[0].dataset_name == "local:d.jsonl" and reparsed[1].max_length == 256
    assert reparsed[1].model_init_kwargs["rope_parameters"]["rope_theta"] == 300000.0


def test_training_template_for_models_without_generation_markers(tiny_judge):
    """Qwen2.5 templates lack {% generation %}: TRL's variant when it knows the template, else verified ChatML."""
    import importlib.resources

    from transformers import AutoTokenizer

    from s2r_hf.sft_data import end_of_turn_token, training_template
    from s2r_hf.synthetic import CHATML_TEMPLATE

    tokenizer = AutoTokenizer.from_pretrained(tiny_judge)
    assert training_template(tokenizer) == (None, "tokenizer")  # the tiny model's own has the markers
    qwen = (importlib.resources.files("trl") / "chat_templates" / "qwen2_5.jinja").read_text()
    tokenizer.chat_template = qwen
    template, source = training_template(tokenizer)
    assert source == "trl" and "generation" in template and end_of_turn_token(tokenizer, template) == "<|im_end|>"
    # a Qwen2.5 template with another default system prompt (as Qwen2.5-Math-Instruct ships): unknown to TRL
    tokenizer.chat_template = qwen.replace("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", "X")
    assert training_template(tokenizer) == (CHATML_TEMPLATE, "chatml")
    tokenizer.chat_template = "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
    with pytest.raises(S2RError, match="does not render like ChatML"):
        training_template(tokenizer)
    with pytest.raises(S2RError, match="not a special end-of-turn token"):
        end_of_turn_token(tokenizer, None)


def test_no_token_written_foreign_files_refused_incomplete_checkpoint_skipped(tmp_path, monkeypatch, caplog):
    """--hub_token reaches no file (training_args.bin included); a user's file stops the run before anything is
    written; a checkpoint cut short by a kill is named, moved aside, and the last complete one is resumed."""
    from s2r_hf.train import main
    from tests.unit.test_output_safety import snapshot

    token = "hf_s2rNeverWritten" + "0123456789abcdef"
    monkeypatch.setenv("HF_TOKEN", "placeholder")  # restored after the test: take_hub_token sets it
    data = write_jsonl(tmp_path / "d.jsonl", [row(f"What is {i} + 1?", f"It is {i + 1}.") for i in range(8)])
    out = tmp_path / "out"
    common = ("--dataset_name", str(data), "--output_dir", str(out), "--save_steps", "1", "--logging_steps", "1")
    main(*parse(*common, "--max_steps", "3", "--hub_token", token))
    assert os.environ["HF_TOKEN"] == token  # moved to the environment for this process
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert sum(p.name == "training_args.bin" for p in files) == 4  # output folder + 3 checkpoints
    leaked = [str(p) for p in files if token.encode() in p.read_bytes()]
    assert not leaked, leaked
    written = (out / "s2r_train.json").read_text() + (out / "s2r_train_config.yaml").read_text()
    assert str(tmp_path) not in written and "local:d.jsonl" in written  # no absolute local path

    (out / "my_notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    with pytest.raises(S2RError, match=r"did not write: my_notes\.txt"):
        main(*parse(*common, "--max_steps", "4"))
    assert snapshot(tmp_path) == before
    (out / "my_notes.txt").unlink()

    (out / "checkpoint-3" / "trainer_state.json").unlink()  # a kill while checkpoint-3 was being saved
    with caplog.at_level("WARNING"):
        main(*parse(*common, "--max_steps", "4"))
    record = json.loads((out / "s2r_train.json").read_text())["compute"]
    assert (record["resumed_from"], record["global_step"]) == ("checkpoint-2", 4)
    aside = [p.name for p in out.glob("_checkpoint-3.incomplete-*")]
    assert len(aside) == 1 and "checkpoint-3" in caplog.text and "no trainer_state.json" in caplog.text


def test_saved_training_arguments_hold_no_local_path_or_token():
    """training_args.bin is torch.save(args): its pickle names output_dir publicly and holds no token, loads as
    the plain TRL class without s2r_hf, while the live arguments (and their copies) keep the real path."""
    import copy
    import dataclasses
    import io
    import pickle

    import torch
    from trl import SFTConfig

    from s2r_hf.train_options import pickle_without_local_paths

    args = SFTConfig(output_dir="/srv/someone/run1", use_cpu=True, bf16=False, report_to=[], hub_token="hf_secret")
    pickle_without_local_paths(args)
    pickle_without_local_paths(args)  # idempotent
    buffer = io.BytesIO()
    torch.save(args, buffer)
    assert b"/srv/someone" not in buffer.getvalue() and b"hf_secret" not in buffer.getvalue()
    assert b"s2r_hf" not in buffer.getvalue()
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=False)
    assert type(loaded) is SFTConfig and loaded.output_dir == "local:run1" and loaded.hub_token is None
    assert loaded.learning_rate == args.learning_rate
    assert pickle.loads(pickle.dumps(args)).output_dir == "local:run1"
    for twin in (copy.copy(args), copy.deepcopy(args), dataclasses.replace(args, learning_rate=1e-3)):
        assert twin.output_dir == "/srv/someone/run1" and isinstance(twin, SFTConfig)
    assert args.output_dir == "/srv/someone/run1" and args.to_dict()["output_dir"] == "/srv/someone/run1"
