"""A hostile user's table: bad options, files, folders and environments across every `s2r` command.

Each case must end as ONE line ``s2r <cmd>: error: ...`` naming what is wrong and the fix (a substring per case),
exit status 2, no traceback, and leave the user's folder exactly as it was (paths and content hashes).

Speed: the bulk runs in this process through ``s2r_hf.cli.main`` (the real CLI entry, with stderr captured);
a few run as real subprocesses (in parallel) to prove the same from the outside, ``python -m s2r_hf.train``
included. Almost every case fails before any model loads.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT, S2R


@dataclass
class Case:
    id: str
    argv: list[str]  # placeholders: {W} the user's folder, {OUT} a fresh path in it, {SEL} a finished selection,
    # {MODEL} the tiny model folder, {DATA} local benchmark data
    needles: list[str]  # substrings the error line must hold (the field/option and the fix)
    env: dict[str, str] = field(default_factory=dict)  # read at import by huggingface_hub: subprocess only


SELECT = [
    "select",
    "--pool",
    "s2r:synthetic-openr1",
    "--synthetic-rows",
    "40",
    "--judge",
    "s2r:tiny-judge",
    "--no_decontaminate",
    "--count",
    "4",
    "--output-dir",
    "{OUT}",
]
TRAIN = [
    "train",
    "--dataset_name",
    "{SEL}",
    "--model_name_or_path",
    "{MODEL}",
    "--output_dir",
    "{OUT}",
    "--max_length",
    "64",
    "--use_cpu",
    "true",
    "--bf16",
    "false",
    "--max_steps",
    "1",
    "--report_to",
    "none",
    "--overlong",
    "truncate",
]
EVAL = [
    "eval",
    "--model",
    "{MODEL}",
    "--output-dir",
    "{OUT}",
    "--tasks",
    "math_500",
    "--data-dir",
    "{DATA}",
    "--greedy",
    "--max-new-tokens",
    "4",
    "--max-samples",
    "1",
]
CARD = ["card", "--model", "{MODEL}", "--results", "{W}/results_empty"]
PUSH = ["push", "--output-dir", "{SEL}", "--repo", "me/s2r-test"]


def _with(base: list[str], *extra: str, drop: tuple[str, ...] = ()) -> list[str]:
    """``base`` with options ``drop`` (and their values) removed and ``extra`` appended (later ones win)."""
    out, skip = [], False
    for i, a in enumerate(base):
        if skip:
            skip = False
            continue
        if a in drop:
            skip = i + 1 < len(base) and not base[i + 1].startswith("--")
            continue
        out.append(a)
    return out + list(extra)


def _replace(base: list[str], option: str, value: str) -> list[str]:
    out = list(base)
    out[out.index(option) + 1] = value
    return out


def _pool(name: str, pool: str, expect: list[str]) -> Case:
    """`s2r select` on a hostile pool file ``{W}/<pool>``: a one-line error naming ``expect``."""
    return Case(f"select-pool-{name}", _replace(SELECT, "--pool", "{W}/" + pool), expect)


CASES: list[Case] = [
    # ---------------- s2r select ----------------
    Case(
        "select-yaml-syntax",
        ["select", "--config", "{W}/syntax.yaml", "--output-dir", "{OUT}"],
        ["syntax.yaml", "YAML"],
    ),
    Case("select-yaml-random-bytes", ["select", "--config", "{W}/random.yaml"], ["random.yaml", "YAML"]),
    Case("select-yaml-list", ["select", "--config", "{W}/list.yaml"], ["list.yaml", "mapping"]),
    Case("select-yaml-scalar", ["select", "--config", "{W}/scalar.yaml"], ["scalar.yaml", "mapping"]),
    Case("select-yaml-unknown-key", ["select", "--config", "{W}/unknown.yaml"], ["wieght", "--help"]),
    Case("select-yaml-wrong-type", ["select", "--config", "{W}/wrongtype.yaml", "--output-dir", "{OUT}"], ["ratio"]),
    Case("select-yaml-missing", ["select", "--config", "{W}/nope.yaml"], ["nope.yaml", "not found"]),
    Case("select-yaml-is-dir", ["select", "--config", "{W}/empty"], ["empty", "YAML file"]),
    Case("select-yaml-no-value", ["select", "--config"], ["--config", "YAML file"]),
    Case("select-ratio-big", _with(SELECT, "--ratio", "1.5", drop=("--count",)), ["--ratio", "(0, 1]"]),
    Case("select-ratio-zero", _with(SELECT, "--ratio", "0", drop=("--count",)), ["--ratio", "(0, 1]"]),
    Case("select-ratio-negative", _with(SELECT, "--ratio", "-0.1", drop=("--count",)), ["--ratio", "(0, 1]"]),
    Case("select-ratio-not-number", _with(SELECT, "--ratio", "lots", drop=("--count",)), ["--ratio", "lots", "--help"]),
    Case("select-count-zero", _replace(SELECT, "--count", "0"), ["--count", ">= 1"]),
    Case("select-count-negative", _replace(SELECT, "--count", "-3"), ["--count", ">= 1"]),
    Case("select-count-float", _replace(SELECT, "--count", "2.5"), ["--count", "2.5", "--help"]),
    Case("select-token-budget-zero", _with(SELECT, "--token-budget", "0", drop=("--count",)), ["--token-budget"]),
    Case("select-two-budgets", _with(SELECT, "--ratio", "0.1"), ["one budget", "--ratio", "--count"]),
    Case("select-weight-big", _with(SELECT, "--weight", "2"), ["--weight", "[0, 1]"]),
    Case("select-weight-negative", _with(SELECT, "--weight", "-1"), ["--weight", "[0, 1]"]),
    Case("select-strategy", _with(SELECT, "--strategy", "best"), ["--strategy", "s2r, difficulty"]),
    Case("select-full-with-budget", _with(SELECT, "--strategy", "full"), ["--strategy full", "--count"]),
    Case("select-pool-format", _with(SELECT, "--pool-format", "sharegpt"), ["--pool-format", "openr1"]),
    Case("select-on-bad-row", _with(SELECT, "--on-bad-row", "maybe"), ["--on-bad-row", "skip, error"]),
    Case("select-max-rows-zero", _with(SELECT, "--max-rows", "0"), ["--max-rows", ">= 1"]),
    Case("select-synthetic-rows-zero", _replace(SELECT, "--synthetic-rows", "0"), ["--synthetic-rows", ">= 1"]),
    Case("select-judge-dtype", _with(SELECT, "--judge-dtype", "int8"), ["--judge-dtype", "bfloat16"]),
    Case("select-length-unit", _with(SELECT, "--length-unit", "words"), ["--length-unit", "tokens, chars"]),
    Case(
        "select-token-budget-chars",
        _with(SELECT, "--token-budget", "9", "--length-unit", "chars", drop=("--count",)),
        ["--length-unit tokens"],
    ),
    Case("select-scorer", _with(SELECT, "--difficulty-scorer", "oracle"), ["--difficulty-scorer", "judge, passrate"]),
    Case("select-num-proc-zero", _with(SELECT, "--num-proc", "0"), ["--num-proc", ">= 1"]),
    Case("select-num-threads-zero", _with(SELECT, "--num-threads", "0"), ["--num-threads", ">= 1"]),
    Case("select-batch-tokens-zero", _with(SELECT, "--judge-batch-tokens", "0"), ["--judge-batch-tokens", ">= 1"]),
    Case("select-checkpoint-every-zero", _with(SELECT, "--checkpoint-every", "0"), ["--checkpoint-every", ">= 1"]),
    Case("select-passrate-samples-zero", _with(SELECT, "--passrate-samples", "0"), ["--passrate-samples", ">= 1"]),
    Case("select-ngram-zero", _with(SELECT, "--decontam-ngram", "0"), ["--decontam-ngram", ">= 1"]),
    Case(
        "select-empty-system-prompt",
        _with(SELECT, "--judge-system-prompt", "  "),
        ["--judge-system-prompt", "leave it out"],
    ),
    Case("select-unknown-option", _with(SELECT, "--wieght", "0.3"), ["--wieght", "--help"]),
    Case("select-no-output-dir", _with(SELECT, drop=("--output-dir",)), ["--output-dir is required"]),
    Case("select-empty-output-dir", _replace(SELECT, "--output-dir", ""), ["--output-dir is required"]),
    Case("select-output-dir-is-file", _replace(SELECT, "--output-dir", "{W}/file.txt"), ["file.txt", "folder"]),
    Case("select-hub-config-name", _with(SELECT, "--hub-config-name", "bad name!"), ["--hub-config-name"]),
    _pool("missing-file", "nope.jsonl", ["nope.jsonl"]),
    _pool("unicode-missing", "dätä ü/pool.jsonl", ["dätä ü"]),
    _pool("empty-file", "pool_empty.jsonl", ["pool_empty.jsonl"]),
    _pool("not-json", "pool_bad.jsonl", ["pool_bad.jsonl"]),
    _pool("no-columns", "pool_nocols.jsonl", ["--pool-format"]),
    _pool("empty-dir", "empty", ["empty"]),
    Case("select-pool-empty-string", _replace(SELECT, "--pool", ""), ["--pool"]),
    Case("select-judge-missing-folder", _replace(SELECT, "--judge", "{W}/no_model"), ["no such local folder", "Qwen/"]),
    Case("select-judge-not-a-model", _replace(SELECT, "--judge", "{W}/empty"), ["empty", "config.json"]),
    Case("select-judge-unknown-builtin", _replace(SELECT, "--judge", "s2r:huge-judge"), ["s2r:tiny-judge"]),
    Case("select-judge-offline", _replace(SELECT, "--judge", "nobody/no-such-model"), ["HF_HUB_OFFLINE"]),
    Case(
        "select-length-tokenizer-missing", _with(SELECT, "--length-tokenizer", "{W}/no_tok"), ["no such local folder"]
    ),
    Case(
        "select-decontam-file-missing",
        _with(SELECT, "--decontaminate", "--decontam-benchmarks", "{W}/nope_bench.jsonl"),
        ["nope_bench.jsonl"],
    ),
    Case(
        "select-yaml-count-list",
        ["select", "--config", "{W}/count_list.yaml", "--output-dir", "{OUT}"],
        ["count", "number"],
    ),
    Case("select-yaml-equals-form", ["select", "--config={W}/syntax.yaml"], ["syntax.yaml", "YAML"]),
    Case(
        "select-yaml-twice",
        ["select", "--config", "{W}/empty.yaml", "--config", "{W}/unknown.yaml"],
        ["--config", "once"],
    ),
    Case("select-yaml-pool-list", ["select", "--config", "{W}/pool_list.yaml"], ["pool", "one text value"]),
    Case("select-yaml-unicode-missing", ["select", "--config", "{W}/réçipé ü.yaml"], ["réçipé ü.yaml", "not found"]),
    Case("select-yaml-empty-then-no-output", ["select", "--config", "{W}/empty.yaml"], ["--output-dir is required"]),
    Case("select-ratio-nan", _with(SELECT, "--ratio", "nan", drop=("--count",)), ["--ratio", "(0, 1]"]),
    Case("select-weight-inf", _with(SELECT, "--weight", "inf"), ["--weight", "[0, 1]"]),
    Case("select-count-exponent", _replace(SELECT, "--count", "1e3"), ["--count", "1e3"]),
    Case("select-seed-text", _with(SELECT, "--seed", "abc"), ["--seed", "abc"]),
    _pool("text-file", "file.txt", ["file.txt"]),
    Case("select-judge-is-file", _replace(SELECT, "--judge", "{W}/file.txt"), ["file.txt", "not a model folder"]),
    Case("select-judge-empty", _replace(SELECT, "--judge", ""), ["--judge is empty"]),
    Case("select-length-tokenizer-not-tokenizer", _with(SELECT, "--length-tokenizer", "{W}/empty"), ["tokenizer.json"]),
    Case("select-push-bad-repo", _with(SELECT, "--push-to-hub", "not a repo!"), ["--push-to-hub", "owner/name"]),
    Case("select-push-offline", _with(SELECT, "--push-to-hub", "me/s2r-subset"), ["--push-to-hub", "HF_HUB_OFFLINE"]),
    _pool("corrupt-parquet", "corrupt.parquet", ["corrupt.parquet"]),
    Case(
        "select-decontam-unknown-name",
        _with(SELECT, "--decontaminate", "--decontam-benchmarks", "nosuchbench"),
        ["nosuchbench"],
    ),
    Case(
        "select-pool-hub-offline", _replace(SELECT, "--pool", "nobody/no-such-pool"), ["no-such-pool", "HF_HUB_OFFLINE"]
    ),
    Case("select-judge-corrupt-config", _replace(SELECT, "--judge", "{W}/badmodel"), ["badmodel"]),
    # hostile pools in the real schemas (built in `world`)
    _pool("pattern-no-match", "shards/train-*.parquet", ["matches no"]),
    _pool("latin1", "pool_latin1.jsonl", ["line 1 is not UTF-8", "iconv"]),
    _pool("mixed-kinds", "pool_mixed", ["pool_mixed", "mixes file kinds"]),
    _pool("truncated-line", "pool_cut.jsonl", ["pool_cut.jsonl", "line 7"]),
    _pool("array-line", "pool_array.jsonl", ["line 3", "not an object"]),
    _pool(
        "all-incorrect",
        "pool_wrong.jsonl",
        ["no_verified_trace", "row 0", "no trace marked correct", "correctness_math_verify"],
    ),
    _pool(
        "all-incomplete",
        "pool_incomplete.jsonl",
        ["is_reasoning_complete=false", "--openr1-trace first-verified-complete"],
    ),
    _pool("flags-mismatch", "pool_flags.jsonl", ["correctness_math_verify has 1 flags for 2 generations"]),
    _pool("problem-dict", "pool_dict.jsonl", ["field 'problem' is dict, not a string", "--pool-format"]),
    _pool("messages-text", "pool_msgtext.jsonl", ["field 'messages' is str, not a list"]),
    _pool("conversations-no-text", "pool_convnum.jsonl", ["assistant turn's content is int, not text"]),
    Case("select-judge-config-only", _replace(SELECT, "--judge", "{W}/cfgonly"), ["cfgonly"]),
    # ---------------- s2r train (and python -m s2r_hf.train, below) ----------------
    Case("train-yaml-syntax", ["train", "--config", "{W}/syntax.yaml"], ["syntax.yaml", "YAML"]),
    Case("train-yaml-random-bytes", ["train", "--config", "{W}/random.yaml"], ["random.yaml", "YAML"]),
    Case("train-yaml-unknown-key", ["train", "--config", "{W}/unknown.yaml"], ["wieght", "--help"]),
    Case("train-no-dataset", _with(TRAIN, drop=("--dataset_name",)), ["--dataset_name is required"]),
    Case("train-empty-dataset", _replace(TRAIN, "--dataset_name", ""), ["--dataset_name is required"]),
    Case("train-dataset-missing", _replace(TRAIN, "--dataset_name", "{W}/nope_sel"), ["nope_sel"]),
    Case("train-dataset-not-selection", _replace(TRAIN, "--dataset_name", "{W}/notsel"), ["notsel", "s2r select"]),
    Case("train-dataset-is-model", _replace(TRAIN, "--dataset_name", "{MODEL}"), ["s2r select"]),
    Case("train-dataset-empty-dir", _replace(TRAIN, "--dataset_name", "{W}/empty"), ["empty", "s2r select"]),
    Case("train-dataset-no-messages", _replace(TRAIN, "--dataset_name", "{W}/pool_nocols.jsonl"), ["messages"]),
    Case("train-model-missing", _replace(TRAIN, "--model_name_or_path", "{W}/no_model"), ["no such local folder"]),
    Case("train-model-not-a-model", _replace(TRAIN, "--model_name_or_path", "{W}/empty"), ["config.json"]),
    Case("train-model-unknown-builtin", _replace(TRAIN, "--model_name_or_path", "s2r:nope"), ["s2r:tiny-judge"]),
    Case("train-model-offline", _replace(TRAIN, "--model_name_or_path", "nobody/no-such-model"), ["HF_HUB_OFFLINE"]),
    Case("train-no-model", _with(TRAIN, drop=("--model_name_or_path",)), ["model_name_or_path is required"]),
    Case(
        "train-batch-size-zero",
        _with(TRAIN, "--per_device_train_batch_size", "0"),
        ["per_device_train_batch_size", ">= 1"],
    ),
    Case(
        "train-grad-accum-zero",
        _with(TRAIN, "--gradient_accumulation_steps", "0"),
        ["gradient_accumulation_steps", ">= 1"],
    ),
    Case("train-max-length-negative", _replace(TRAIN, "--max_length", "-1"), ["max_length", ">= 1"]),
    Case("train-max-length-zero", _replace(TRAIN, "--max_length", "0"), ["max_length", ">= 1"]),
    Case("train-max-length-too-long", _replace(TRAIN, "--max_length", "100000"), ["max_position_embeddings"]),
    Case("train-learning-rate-text", _with(TRAIN, "--learning_rate", "fast"), ["--learning_rate", "fast"]),
    Case("train-overlong-choice", _with(TRAIN, "--overlong", "cut"), ["--overlong", "drop, truncate"]),
    Case("train-peft", _with(TRAIN, "--use_peft", "true"), ["use_peft", "full fine-tuning"]),
    Case("train-eval-strategy", _with(TRAIN, "--eval_strategy", "steps"), ["eval_strategy", "'no'"]),
    Case("train-unknown-option", _with(TRAIN, "--wieght", "1"), ["--wieght", "--help"]),
    Case("train-resume-missing", _with(TRAIN, "--resume_from_checkpoint", "{W}/no_ckpt"), ["no_ckpt", "checkpoint"]),
    Case("train-eos-token", _with(TRAIN, "--eos_token", "<bad>"), ["eos_token", "<|im_end|>"]),
    Case(
        "train-yaml-dataset-mapping", ["train", "--config", "{W}/dataset_map.yaml"], ["dataset_name", "one text value"]
    ),
    Case("train-yaml-batch-text", ["train", "--config", "{W}/batch_text.yaml"], ["per_device_train_batch_size", "big"]),
    Case("train-yaml-list", ["train", "--config", "{W}/list.yaml"], ["list.yaml", "mapping"]),
    Case("train-yaml-missing", ["train", "--config", "{W}/nope.yaml"], ["nope.yaml", "not found"]),
    Case("train-dataset-text-file", _replace(TRAIN, "--dataset_name", "{W}/file.txt"), ["file.txt"]),
    Case("train-dataset-unicode-missing", _replace(TRAIN, "--dataset_name", "{W}/sélection ü"), ["sélection ü"]),
    Case(
        "train-model-is-file",
        _replace(TRAIN, "--model_name_or_path", "{W}/file.txt"),
        ["file.txt", "not a model folder"],
    ),
    Case("train-seed-text", _with(TRAIN, "--seed", "abc"), ["--seed", "abc"]),
    Case("train-deepspeed-missing", _with(TRAIN, "--deepspeed", "{W}/ds.json"), ["deepspeed", "pip install"]),
    Case(
        "train-push-offline",
        _with(TRAIN, "--push_to_hub", "true", "--hub_model_id", "me/m"),
        ["push_to_hub", "HF_HUB_OFFLINE"],
    ),
    Case("train-hub-model-id-bad", _with(TRAIN, "--hub_model_id", "not a repo!"), ["hub_model_id", "owner/name"]),
    Case("train-learning-rate-negative", _with(TRAIN, "--learning_rate", "-1"), ["learning_rate"]),
    Case(
        "train-epochs-zero", _with(_with(TRAIN, drop=("--max_steps",)), "--num_train_epochs", "0"), ["num_train_epochs"]
    ),
    Case("train-scheduler", _with(TRAIN, "--lr_scheduler_type", "bogus"), ["lr_scheduler_type", "bogus"]),
    Case("train-warmup-big", _with(TRAIN, "--warmup_steps", "-2"), ["warmup_steps"]),
    Case(
        "train-dataset-corrupt-parquet", _replace(TRAIN, "--dataset_name", "{W}/corrupt.parquet"), ["corrupt.parquet"]
    ),
    Case("train-model-corrupt-config", _replace(TRAIN, "--model_name_or_path", "{W}/badmodel"), ["badmodel"]),
    Case(
        "train-dataset-empty-answers",
        _replace(TRAIN, "--dataset_name", "{W}/sub_empty.jsonl"),
        ["no training rows left", "empty_turn"],
    ),
    Case(
        "train-dataset-system-only",
        _replace(TRAIN, "--dataset_name", "{W}/sub_system.jsonl"),
        ["no training rows left", "not_user_then_assistant"],
    ),
    Case("train-dataset-pattern-no-match", _replace(TRAIN, "--dataset_name", "{W}/sel_*/*.parquet"), ["matches no"]),
    Case("train-dataset-latin1", _replace(TRAIN, "--dataset_name", "{W}/pool_latin1.jsonl"), ["subset", "not UTF-8"]),
    Case("train-dataset-mixed-kinds", _replace(TRAIN, "--dataset_name", "{W}/pool_mixed"), ["mixes file kinds"]),
    Case("train-model-config-only", _replace(TRAIN, "--model_name_or_path", "{W}/cfgonly"), ["chat template"]),
    Case(
        "train-builtin-cache-under-file",
        _replace(TRAIN, "--model_name_or_path", "s2r:tiny-judge"),
        ["S2R_HF_CACHE", "file.txt"],
        env={"S2R_HF_CACHE": "{W}/file.txt/cache"},
    ),
    # ---------------- s2r eval ----------------
    Case("eval-no-model", _with(EVAL, drop=("--model",)), ["--model"]),
    Case("eval-no-output-dir", _with(EVAL, drop=("--output-dir",)), ["--output-dir"]),
    Case("eval-model-missing", _replace(EVAL, "--model", "{W}/no_model"), ["no such local folder", "Qwen/"]),
    Case("eval-model-unicode-missing", _replace(EVAL, "--model", "{W}/mödel ü"), ["mödel ü", "no such local folder"]),
    Case("eval-model-not-a-model", _replace(EVAL, "--model", "{W}/empty"), ["config.json"]),
    Case("eval-model-offline", _replace(EVAL, "--model", "nobody/no-such-model"), ["HF_HUB_OFFLINE"]),
    Case("eval-model-empty", _replace(EVAL, "--model", ""), ["--model"]),
    Case("eval-unknown-task", _replace(EVAL, "--tasks", "math_500,nope"), ["nope", "valid"]),
    Case("eval-backend", _with(EVAL, "--backend", "tpu"), ["--backend", "vllm"]),
    Case("eval-vllm-missing", _with(EVAL, "--backend", "vllm"), ["pip install", "eval-gpu"]),
    Case("eval-max-new-tokens-zero", _replace(EVAL, "--max-new-tokens", "0"), ["--max-new-tokens", ">= 1"]),
    Case("eval-max-new-tokens-text", _replace(EVAL, "--max-new-tokens", "many"), ["--max-new-tokens", "many"]),
    Case("eval-chunk-size-negative", _with(EVAL, "--chunk-size", "-1"), ["--chunk-size", ">= 0"]),
    Case("eval-tp-zero", _with(EVAL, "--tensor-parallel-size", "0"), ["--tensor-parallel-size", ">= 1"]),
    Case("eval-gpu-memory", _with(EVAL, "--gpu-memory-utilization", "1.5"), ["--gpu-memory-utilization"]),
    Case("eval-max-samples-zero", _replace(EVAL, "--max-samples", "0"), ["--max-samples", ">= 1"]),
    Case("eval-max-model-length", _with(EVAL, "--max-model-length", "3"), ["--max-model-length", "prompt"]),
    Case("eval-batch-size-zero", _with(EVAL, "--batch-size", "0"), ["--batch-size", ">= 1"]),
    Case("eval-data-dir-missing", _replace(EVAL, "--data-dir", "{W}/no_data"), ["--data-dir", "no_data"]),
    Case("eval-data-dir-is-file", _replace(EVAL, "--data-dir", "{W}/file.txt"), ["--data-dir", "file.txt"]),
    Case(
        "eval-needs-data-dir",
        _with(_replace(EVAL, "--tasks", "kaoyan"), drop=("--data-dir",)),
        ["kaoyan", "--data-dir"],
    ),
    Case("eval-output-is-file", _replace(EVAL, "--output-dir", "{W}/file.txt"), ["--output-dir", "file.txt"]),
    Case("eval-output-under-file", _replace(EVAL, "--output-dir", "{W}/file.txt/out"), ["--output-dir", "file.txt"]),
    Case("eval-output-read-only", _replace(EVAL, "--output-dir", "/proc/1/s2r-eval"), ["--output-dir", "writ"]),
    Case(
        "eval-export-under-file",
        _with(EVAL, "--export-lighteval", "{W}/file.txt/x"),
        ["--export-lighteval", "file.txt"],
    ),
    Case("eval-unknown-option", _with(EVAL, "--temperature", "0.7"), ["--temperature", "--help"]),
    Case("eval-model-is-file", _replace(EVAL, "--model", "{W}/file.txt"), ["file.txt", "not a model folder"]),
    Case("eval-tasks-empty", _replace(EVAL, "--tasks", ""), ["--tasks"]),
    Case("eval-max-new-tokens-negative", _replace(EVAL, "--max-new-tokens", "-5"), ["--max-new-tokens", ">= 1"]),
    Case("eval-data-dir-unicode-missing", _replace(EVAL, "--data-dir", "{W}/dätä ü"), ["--data-dir", "dätä ü"]),
    Case("eval-dp-zero", _with(EVAL, "--data-parallel-size", "0"), ["--data-parallel-size", ">= 1"]),
    Case("eval-tasks-all-offline-no-data", _with(_replace(EVAL, "--tasks", "all"), drop=("--data-dir",)), ["--tasks"]),
    Case("eval-dtype", _with(EVAL, "--dtype", "float64x"), ["--dtype", "bfloat16"]),
    Case("eval-model-corrupt-config", _replace(EVAL, "--model", "{W}/badmodel"), ["badmodel"]),
    Case("eval-hf-home-under-file", EVAL, ["HF_HOME", "file.txt"], env={"HF_HOME": "{W}/file.txt/hf"}),
    Case("eval-data-not-json", _replace(EVAL, "--data-dir", "{W}/baddata"), ["math_500", "test.jsonl", "JSON"]),
    Case("eval-data-empty-file", _replace(EVAL, "--data-dir", "{W}/emptydata"), ["math_500", "empty"]),
    # ---------------- s2r card ----------------
    Case("card-no-model", ["card", "--results", "{W}/results_empty"], ["--model"]),
    Case("card-no-results", ["card", "--model", "{MODEL}"], ["--results"]),
    Case("card-model-missing", _replace(CARD, "--model", "{W}/no_model"), ["no_model", "folder"]),
    Case("card-model-is-file", _replace(CARD, "--model", "{W}/file.txt"), ["file.txt"]),
    Case("card-results-missing", _replace(CARD, "--results", "{W}/no_results"), ["no_results", "s2r eval"]),
    Case("card-results-empty", CARD, ["results_empty", "s2r eval"]),
    Case("card-results-is-file", _replace(CARD, "--results", "{W}/file.txt"), ["file.txt", "s2r eval"]),
    Case("card-push-no-repo", _with(_replace(CARD, "--results", "{W}/results"), "--push"), ["--push", "owner/name"]),
    Case(
        "card-hub-model-offline",
        _replace(_replace(CARD, "--results", "{W}/results"), "--model", "nobody/no-such-model"),
        ["HF_HUB_OFFLINE"],
    ),
    Case("card-unknown-option", _with(CARD, "--force"), ["--force", "--help"]),
    Case("card-model-read-only", _replace(CARD, "--model", "/sys/kernel"), ["/sys/kernel", "writable"]),
    Case(
        "card-card-dir-under-file",
        _with(
            _replace(_replace(CARD, "--results", "{W}/results"), "--model", "nobody/m"), "--card-dir", "{W}/file.txt/c"
        ),
        ["--card-dir", "file.txt"],
    ),
    Case("card-results-unicode-missing", _replace(CARD, "--results", "{W}/résultats ü"), ["résultats ü", "s2r eval"]),
    Case("card-model-empty", _replace(CARD, "--model", ""), ["--model"]),
    Case(
        "card-push-offline",
        _with(_replace(CARD, "--results", "{W}/results"), "--push", "me/m"),
        ["--push", "HF_HUB_OFFLINE"],
    ),
    Case("card-results-corrupt-json", _replace(CARD, "--results", "{W}/results_bad"), ["results_bad", "results_"]),
    Case("card-results-wrong-shape", _replace(CARD, "--results", "{W}/results_shape"), ["results_shape"]),
    # ---------------- s2r push ----------------
    Case("push-no-output-dir", ["push", "--repo", "me/x"], ["--output-dir"]),
    Case("push-no-repo", ["push", "--output-dir", "{SEL}"], ["--repo"]),
    Case("push-output-missing", _replace(PUSH, "--output-dir", "{W}/no_out"), ["no_out", "s2r select"]),
    Case("push-output-empty-dir", _replace(PUSH, "--output-dir", "{W}/empty"), ["empty", "s2r select"]),
    Case("push-output-is-file", _replace(PUSH, "--output-dir", "{W}/file.txt"), ["file.txt"]),
    Case("push-bad-repo-id", _replace(PUSH, "--repo", "not a repo!"), ["--repo", "owner/name"]),
    Case("push-empty-repo-id", _replace(PUSH, "--repo", ""), ["--repo", "owner/name"]),
    Case("push-bad-config-name", _with(PUSH, "--config-name", "bad name!"), ["--config-name"]),
    Case("push-offline", PUSH, ["HF_HUB_OFFLINE"]),
    Case("push-unknown-option", _with(PUSH, "--force"), ["--force", "--help"]),
    Case("push-model-folder-offline", _replace(PUSH, "--output-dir", "{MODEL}"), ["HF_HUB_OFFLINE"]),
    Case("push-output-unicode-missing", _replace(PUSH, "--output-dir", "{W}/sörtie ü"), ["sörtie ü", "no such folder"]),
    # ---------------- the command itself ----------------
    Case("select-no-args", ["select"], ["--output-dir is required"]),
    Case("train-no-args", ["train"], ["--dataset_name is required"]),
    Case("eval-no-args", ["eval"], ["--model", "--output-dir"]),
    Case("card-no-args", ["card"], ["--model", "--results"]),
    Case("push-no-args", ["push"], ["--output-dir", "--repo"]),
    Case("unknown-command", ["selekt", "--ratio", "0.1"], ["selekt", "s2r --help"]),
]

# Run again as real subprocesses: (case id, use `python -m s2r_hf.train` instead of `s2r train`)
SUBPROCESS = [
    ("select-yaml-random-bytes", False),
    ("train-yaml-syntax", True),
    ("train-dataset-is-model", True),
    ("eval-vllm-missing", False),
    ("card-results-missing", False),
    ("push-no-repo", False),
    ("eval-hf-home-under-file", False),
    ("train-builtin-cache-under-file", True),
]


def _bytes(seed: int, n: int) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.fixture(scope="module")
def world(tmp_path_factory, tiny_judge) -> dict[str, str]:
    """The user's folder (files that must survive every case) plus a finished selection and local eval data."""
    from tests.eval_data import write_benchmark

    w = tmp_path_factory.mktemp("user")
    (w / "file.txt").write_text("the user's notes\n")
    (w / "empty").mkdir()
    (w / "syntax.yaml").write_text("pool: [unclosed\nratio: 0.1\n")
    (w / "random.yaml").write_bytes(_bytes(0, 512))
    (w / "list.yaml").write_text("- ratio\n- 0.1\n")
    (w / "scalar.yaml").write_text("just text\n")
    (w / "unknown.yaml").write_text("wieght: 0.3\n")
    (w / "wrongtype.yaml").write_text("ratio: lots\n")
    (w / "count_list.yaml").write_text("count: [1, 2]\n")
    (w / "empty.yaml").write_text("")
    for name, text in (("baddata", "{not json\n"), ("emptydata", "")):
        (w / name / "math_500").mkdir(parents=True)
        (w / name / "math_500" / "test.jsonl").write_text(text)
    (w / "badmodel").mkdir()
    (w / "badmodel" / "config.json").write_text("{not json")
    (w / "cfgonly").mkdir()
    (w / "cfgonly" / "config.json").write_bytes((tiny_judge / "config.json").read_bytes())
    from s2r_hf.synthetic import openr1_rows

    rows = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in openr1_rows(6, seed=1))
    (w / "pool_ok.jsonl").write_text(rows, encoding="utf-8")
    _hostile_pools(w, [dict(r) for r in openr1_rows(6, seed=1)])
    (w / "corrupt.parquet").write_bytes(b"PAR1" + _bytes(1, 300))
    (w / "results_bad").mkdir()
    (w / "results_bad" / "results_2026-01-01T00-00-00.json").write_text("{not json")
    (w / "results_shape").mkdir()
    (w / "results_shape" / "results_2026-01-01T00-00-00.json").write_text('{"results": [1, 2]}')
    (w / "pool_list.yaml").write_text("pool: [a.jsonl, b.jsonl]\noutput_dir: x\n")
    (w / "dataset_map.yaml").write_text("dataset_name: {path: x}\n")
    (w / "batch_text.yaml").write_text("per_device_train_batch_size: big\n")
    (w / "ds.json").write_text('{"zero_optimization": {"stage": 3}}\n')
    (w / "pool_empty.jsonl").write_text("")
    (w / "pool_bad.jsonl").write_text("this is not json\n")
    (w / "pool_nocols.jsonl").write_text('{"x": 1}\n{"x": 2}\n')
    (w / "notsel").mkdir()
    (w / "notsel" / "README.md").write_text("# my notes\n")
    (w / "results_empty").mkdir()
    results = w / "results" / "results" / "m"
    results.mkdir(parents=True)
    (results / "results_2026-01-01T00-00-00.json").write_text(json.dumps(_results_json()))
    write_benchmark(w / "data", "math_500")
    sel = tmp_path_factory.mktemp("sel") / "sel"
    argv = _fill(_with(SELECT, "--no-decontaminate"), {"OUT": str(sel)})
    from s2r_hf.cli import main

    assert main(argv) == 0
    return {"W": str(w), "SEL": str(sel), "MODEL": str(tiny_judge), "DATA": str(w / "data")}


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _hostile_pools(w: Path, rows: list[dict]) -> None:
    """Pools in the OpenR1 / chat schemas that no row survives, or that cannot be read, for the select-pool-* and
    train-dataset-* cases."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def each(**change) -> str:
        return _jsonl([{**r, **change} for r in rows])

    latin = [{"problem": f"Café {i}", "generations": ["é"], "correctness_math_verify": [True]} for i in range(2)]
    (w / "pool_latin1.jsonl").write_bytes(_jsonl(latin).encode("latin-1"))
    (w / "pool_mixed").mkdir()
    pq.write_table(pa.Table.from_pylist(rows[:3]), w / "pool_mixed" / "train-0.parquet")
    (w / "pool_mixed" / "train-1.jsonl").write_text(_jsonl(rows[3:]), encoding="utf-8")
    (w / "pool_cut.jsonl").write_text(_jsonl(rows) + json.dumps(rows[0])[:60], encoding="utf-8")
    (w / "pool_array.jsonl").write_text(_jsonl(rows[:2]) + "[1, 2]\n", encoding="utf-8")
    (w / "pool_wrong.jsonl").write_text(each(correctness_math_verify=[False, False], correctness_llama=[False, False]))
    (w / "pool_incomplete.jsonl").write_text(each(is_reasoning_complete=[False, False]))
    (w / "pool_flags.jsonl").write_text(each(correctness_math_verify=[False], correctness_llama=None))
    (w / "pool_dict.jsonl").write_text(each(problem={"text": "What is 1 + 1?"}))
    chat = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
    (w / "pool_msgtext.jsonl").write_text(_jsonl([{"messages": json.dumps(chat)}] * 2))
    convs = [[{"from": "user", "value": f"q{i}"}, {"from": "assistant", "value": i}] for i in range(2)]
    (w / "pool_convnum.jsonl").write_text(_jsonl([{"conversations": c} for c in convs]))
    empty = [{"role": "user", "content": "q"}, {"role": "assistant", "content": " "}]
    (w / "sub_empty.jsonl").write_text(_jsonl([{"messages": empty}] * 2))
    (w / "sub_system.jsonl").write_text(_jsonl([{"messages": [{"role": "system", "content": "s"}]}] * 2))


def _results_json() -> dict:
    """The smallest lighteval results file `s2r card` reads: one math_500 pass@1."""
    return {
        "config_general": {"model_name": "m"},
        "results": {"s2r_math_500|0": {"pass@1": 0.5}},
        "config_tasks": {},
    }


def _fill(argv: list[str], values: dict[str, str]) -> list[str]:
    out = []
    for a in argv:
        for k, v in values.items():
            a = a.replace("{" + k + "}", v)
        out.append(a)
    return out


def snapshot(world: dict[str, str], own: set[str]) -> dict[str, str]:
    """Every path under the user's folder, the selection and the model, with its content hash (folders as
    'dir'), except the output folders ``own`` in the user's folder that the case itself names (s2r's to write)."""
    out = {}
    for label in ("W", "SEL", "MODEL"):
        folder = Path(world[label])
        for p in sorted(folder.rglob("*")):
            rel = p.relative_to(folder)
            if label == "W" and rel.parts[0] in own:
                continue
            out[f"{label}/{rel}"] = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def run_in_process(argv: list[str]) -> tuple[int, str]:
    """``s2r_hf.cli.main(argv)`` with stderr captured; an escaping exception is rendered as a traceback."""
    import traceback

    from s2r_hf.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's own exit: not the one-line path
            code = exit_.code if isinstance(exit_.code, int) else 1
        except BaseException:  # the point of the test: nothing may escape
            traceback.print_exc()
            code = 1
    return code, err.getvalue()


def check(case: Case, code: int, stderr: str, before: dict, after: dict) -> None:
    prog = f"s2r {case.argv[0]}"
    assert "Traceback" not in stderr, f"{case.id}: traceback\n{stderr[-3000:]}"
    assert code == 2, f"{case.id}: exit {code}\n{stderr[-2000:]}"
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith(f"{prog}: error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], f"{case.id}: not one error line\n{stderr[-2000:]}"
    assert not any(ln.startswith("usage:") for ln in lines), f"{case.id}: argparse usage block\n{stderr[-2000:]}"
    for needle in case.needles:
        assert needle in errors[0], f"{case.id}: {needle!r} not in {errors[0]!r}"
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, f"{case.id}: the user's files changed: {changed}"


def test_table_is_big_enough():
    assert len(CASES) >= 190  # a dropped case fails here
    assert len({c.id for c in CASES}) == len(CASES)


def test_bad_inputs_in_process(world):
    """Every case through the real `s2r` entry point, one process; all failures reported together."""
    w = Path(world["W"])
    failures = []
    for n, case in enumerate(CASES):
        if case.env:
            continue  # environment read at import: in test_bad_inputs_in_subprocesses
        argv = _fill(case.argv, {**world, "OUT": str(w / f"out_{n}")})
        before = snapshot(world, {f"out_{n}"})
        code, stderr = run_in_process(argv)
        try:
            check(case, code, stderr, before, snapshot(world, {f"out_{n}"}))
        except AssertionError as err:
            failures.append(str(err))
    assert not failures, f"{len(failures)} of {len(CASES)} cases failed:\n\n" + "\n\n".join(failures)


def test_bad_inputs_in_subprocesses(world):
    """A few cases as real processes (the `s2r` entry and `python -m s2r_hf.train`), run in parallel; every case
    with its own environment runs here."""
    assert {c.id for c in CASES if c.env} <= {cid for cid, _ in SUBPROCESS}
    w = Path(world["W"])
    by_id = {c.id: c for c in CASES}
    own = {f"sub_{n}" for n in range(len(SUBPROCESS))}
    before = snapshot(world, own)
    procs = []
    for n, (cid, module_train) in enumerate(SUBPROCESS):
        case = by_id[cid]
        argv = _fill(case.argv, {**world, "OUT": str(w / f"sub_{n}")})
        cmd = [sys.executable, "-m", "s2r_hf.train", *argv[1:]] if module_train else [*S2R, *argv]
        env = {**os.environ, **{k: _fill([v], world)[0] for k, v in case.env.items()}, "HF_HUB_OFFLINE": "1"}
        procs.append((case, subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    for case, proc in procs:
        _, stderr = proc.communicate(timeout=300)
        check(case, proc.returncode, stderr.decode("utf-8", "replace"), before, snapshot(world, own))
