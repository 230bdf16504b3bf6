#!/usr/bin/env python
"""Training-throughput benchmark of `s2r train` (TRL SFTTrainer), as ratios to a padding baseline timed in the same
process.

Sections (``--sections``, default all):

train   Real ``trl.SFTTrainer`` training (fp32, CPU) on the same rows in every variant. The rows are the first
        ``--rows`` usable problems of the synthetic OpenR1-schema pool (long traces of very different lengths),
        made training rows by OUR code path (``normalise`` → ``sft_data.prepare_rows``: reasoning system prompt
        first, the training chat template with generation markers, end-of-turn token as EOS, rows longer than
        ``--max-length`` dropped) and tokenised ONCE by SFTTrainer's own preparation (assistant-only labels);
        packing re-uses those tokens (TRL's ``pack_dataset``, through a second SFTTrainer). Every timed trainer
        gets the prepared dataset (``skip_prepare_dataset``), a copy of one seeded random-init Qwen2 and the same
        optimizer settings, and trains ONE EPOCH, so every variant sees exactly the same tokens. Variants:
          padding        packing=False, padding_free=False: --batch-size rows per step, padded to the longest;
          padding_free   padding_free=True, no packing: the same batches flattened into one sequence with
                         position_ids (TRL 1.16 requires max_length=None then: prepare_rows already cut the rows);
          packing        packing=True with TRL 1.16's default strategy "bfd" (best-fit decreasing), which turns
                         padding-free on by itself; one bin of --pack-length tokens per step (auto: about one
                         padding step's real tokens);
          grouped        as padding, with train_sampling_strategy=group_by_length (length-sorted batches).
        Variants run in interleaved blocks (A,B,C,D, D,C,B,A, A,B,C,D, ...). A TrainerCallback stamps wall and CPU
        time at every step end; "steady" skips the first --warmup-steps steps, "epoch" counts them all. Reported per
        variant: real (non-pad) and total (incl. pad) tokens/s, padding fraction, steps/s, tokens per step,
        attention-score elements computed per real token and attention's share of the executed FLOPs, model
        FLOP/s and MFU against an fp32 matmul peak measured here, the CPU share and load average of every block,
        and the median over repeats of each block's tokens/s ratio to the padding block of the same repeat.
        Losses: the initial model's NLL on identical label tokens through each variant's batch layout (equal to
        fp32 rounding, so the flattened rows do not attend to each other), each variant's mean training loss, and
        padding_free's step losses against padding's (same batches).
gpu     FLOP arithmetic, not measurement (no GPU here): training FLOPs per token (6·N + LM head + causal
        attention) for Qwen2.5-0.5B/1.5B at 8k and 16k tokens, tokens/s on one H100 at an assumed MFU, and the
        time of the paper's run (~10 % of the verified OpenR1 pool: 19,600 rows × 8,000 tokens × 3 epochs, the
        assumption of recipes/*/README.md; the synthetic pool's rows are NOT representative).

Why padding-free/packing can LOSE on CPU: without flash-attention's varlen kernels (CUDA only), transformers runs
the flattened rows through SDPA/eager with a block-diagonal 4-D mask, so attention costs (sum of row lengths)²
per step instead of rows x longest² (padding) or sum(row length²) (varlen); the "attn elems/tok" column shows it.
They save the padded tokens' dense work and pay that: a net gain where the dense layers dominate (Qwen2.5 widths,
--model-size 0.5b), a loss where attention does (the narrow default models at 1-2k tokens). On a GPU with
flash-attention 2/3 the same batches cost only the per-row attention.

Absolute numbers move a lot between hosts and with background load (two cores; another process halves them):
read the ratios. Runs on --threads torch threads (default 1: on a loaded 2-core host 2 OpenMP threads collapse).

Run time on the 2-core reference host (1 thread): the full default ~7.5 min; --quick well under a minute.
--model-size 0.5b is ~15 s per 3k-token step per layer; --full-vocab makes the LM head (151,936 rows)
dominate: ~100x slower.

    python benchmarks/bench_train.py --quick --out /tmp/results_train.json
    python benchmarks/bench_train.py                    # writes benchmarks/results_train.json + README table
    python benchmarks/bench_train.py --sections train --model-size 0.5b --layers 1 --rows 8 --max-length 1024
"""

from __future__ import annotations

import argparse
import copy
import gc
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # sibling module: the benchmarks' shared harness
    GPU_HARDWARE,
    JUDGE_SHAPES,
    Benchmark,
    Section,
    Table,
    csv,
    dur,
    loadavg,
    matmul_peak,
    meta_non_embedding_params,
    non_embedding_params,
    pct,
    ratio,
)

VARIANTS = ("padding", "padding_free", "packing", "grouped")
QWEN_VOCAB = 151936

# CPU model shapes. "tiny" = the built-in tiny judge; "small" = a few M params (a few steps/s on one core at
# ~2k tokens per step); 0.5b/1.5b = Qwen2.5's layer shapes (config.json of the Hub models), fewer layers on CPU.
SMALL_SHAPE = {
    "hidden_size": 256,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "intermediate_size": 1024,
}
CPU_LAYERS = {"0.5b": 2, "1.5b": 2}  # default --layers for the Qwen shapes (24 / 28 in the real models)

# Sizes: (full default, --quick). An option given explicitly always wins.
PROFILES = {
    "model_size": ("small", "tiny"),
    "rows": (24, 12),
    "max_think_words": (3000, 600),
    "max_length": (2048, 512),
    "batch_size": (4, 4),
    "warmup_steps": (1, 1),
    "repeats": (3, 3),
    "check_rows": (8, 4),
}


# --------------------------------------------------------------------------------------------------
# Model, rows and trainers
# --------------------------------------------------------------------------------------------------


def model_config(args, tiny_path: Path, vocab: int):
    """A Qwen2Config for --model-size (vocab: the tokenizer's, or Qwen's with --full-vocab)."""
    from transformers import Qwen2Config

    if args.model_size == "tiny":
        config = Qwen2Config.from_pretrained(tiny_path)
        shape = {k: getattr(config, k) for k in SMALL_SHAPE}
    elif args.model_size == "small":
        shape = dict(SMALL_SHAPE)
    else:
        shape = {k: JUDGE_SHAPES[args.model_size][k] for k in SMALL_SHAPE}
        shape["num_hidden_layers"] = CPU_LAYERS[args.model_size]
    if args.layers:
        shape["num_hidden_layers"] = args.layers
    return Qwen2Config(
        **shape,
        vocab_size=QWEN_VOCAB if args.full_vocab else vocab,
        tie_word_embeddings=args.model_size in ("0.5b", "1.5b"),
        max_position_embeddings=max(32768, args.max_length, args.pack_length or 0),
        rms_norm_eps=1e-6,
        use_sliding_window=False,
    )


def build_rows(args, work: Path):
    """Tokenizer set up as ``s2r_hf.train.setup`` does it, and the training rows from ``prepare_rows``."""
    from transformers import AutoTokenizer

    from s2r_hf.pools import normalise
    from s2r_hf.sft_data import end_of_turn_token, prepare_rows, training_template
    from s2r_hf.synthetic import build_tiny_judge, openr1_dataset

    tiny_path = build_tiny_judge(work / "tiny-judge")
    tokenizer = AutoTokenizer.from_pretrained(tiny_path)
    template, template_source = training_template(tokenizer)
    if template is not None:
        tokenizer.chat_template = template
    eot = end_of_turn_token(tokenizer, None)
    pool_rows = args.pool_rows or 3 * args.rows + 16
    raw = openr1_dataset(pool_rows, seed=args.seed, cache_dir=str(work / "pool"), max_think_words=args.max_think_words)
    canon, drops = normalise(raw)
    rows, report = prepare_rows(canon, tokenizer, template=None, max_length=args.max_length, overlong="drop")
    if len(rows) < args.rows:
        raise SystemExit(
            f"only {len(rows)} of {pool_rows} pool rows are usable at --max-length {args.max_length}; "
            f"pass --pool-rows {2 * pool_rows} or fewer --rows"
        )
    rows = rows.select(range(args.rows))  # the first --rows usable rows, in pool order
    info = {
        "pool_rows": pool_rows,
        "normalised_rows": len(canon),
        "normalise_drops": dict(drops.counts),
        "max_think_words": args.max_think_words,
        "chat_template": template_source,
        "eos_token": eot,
        "data_report": report.as_dict(),
    }
    return tiny_path, tokenizer, rows, eot, info


def sft_config(args, variant: str, work: Path, eot: str, prepared: bool, pack_length: int):
    """SFTConfig of one variant: one epoch; every optimizer / seed setting is shared."""
    from trl import SFTConfig

    per_variant = {
        "padding": {"packing": False, "padding_free": False, "max_length": args.max_length},
        # TRL 1.16 raises ValueError for padding_free without packing unless max_length is None (it would not be
        # enforced); prepare_rows already dropped the rows over --max-length, so nothing changes.
        "padding_free": {"packing": False, "padding_free": True, "max_length": None},
        "packing": {"packing": True, "packing_strategy": "bfd", "max_length": pack_length},
        "grouped": {
            "packing": False,
            "padding_free": False,
            "max_length": args.max_length,
            "train_sampling_strategy": "group_by_length",
        },
    }[variant]
    return SFTConfig(
        output_dir=str(work / "runs" / variant),
        use_cpu=True,
        bf16=False,
        fp16=False,
        per_device_train_batch_size=1 if variant == "packing" else args.batch_size,
        gradient_accumulation_steps=1,
        num_train_epochs=1,
        max_steps=-1,
        learning_rate=args.lr,
        lr_scheduler_type="constant",
        warmup_steps=0,
        weight_decay=0.0,
        max_grad_norm=1.0,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
        seed=args.seed,
        data_seed=args.seed,
        # The assistant-only labels are made once, in preparation; a prepared (tokenised) dataset is no longer
        # "conversational" and TRL rejects the flag with it, while its labels already carry the mask.
        assistant_only_loss=not prepared,
        eos_token=eot,
        dataset_kwargs={"skip_prepare_dataset": True} if prepared else None,
        **per_variant,
    )


class BatchRecorder:
    """Wraps the trainer's collator: records real/total tokens and attention work of every batch, in order."""

    def __init__(self, inner):
        self.inner = inner
        self.batches: list[dict[str, float]] = []

    def __call__(self, examples):
        out = self.inner(examples)
        self.batches.append(batch_stats(out))
        return out


def batch_stats(batch: dict[str, Any]) -> dict[str, float]:
    """Tokens and attention-score elements of a collated batch (padded, or flattened with position_ids)."""
    ids = batch["input_ids"]
    if "attention_mask" in batch:
        lengths = batch["attention_mask"].sum(1).tolist()
        computed = ids.shape[0] * ids.shape[1] ** 2  # sdpa/eager: every row is padded to the longest
    else:
        lengths = batch["cu_seq_lens_q"].diff().tolist()
        computed = ids.shape[1] ** 2  # one flattened sequence under a block-diagonal mask (no varlen kernel)
    return {
        "total": int(ids.numel()),
        "real": int(sum(lengths)),
        "labels": int((batch["labels"] != -100).sum()),
        "docs": len(lengths),
        "attn_computed": float(computed),
        "attn_varlen": float(sum(n * n for n in lengths)),  # what a varlen (flash-attention) kernel computes
    }


def make_clock():
    from transformers import TrainerCallback

    class StepClock(TrainerCallback):
        """Wall and process-CPU time and load average at train begin and every step end; every step's loss."""

        def __init__(self):
            self.begin: tuple[float, float, float] | None = None
            self.marks: list[tuple[float, float, float]] = []
            self.losses: list[float] = []

        def on_train_begin(self, args, state, control, **kwargs):
            self.begin = (time.perf_counter(), time.process_time(), loadavg())

        def on_step_end(self, args, state, control, **kwargs):
            self.marks.append((time.perf_counter(), time.process_time(), loadavg()))

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.losses.append(float(logs["loss"]))

    return StepClock()


def new_trainer(model, config, dataset, tokenizer):
    from transformers import PrinterCallback
    from trl import SFTTrainer

    trainer = SFTTrainer(model=model, args=config, train_dataset=dataset, processing_class=tokenizer)
    trainer.remove_callback(PrinterCallback)  # disable_tqdm prints every log dict otherwise
    return trainer


# --------------------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------------------


def layout_loss(model, collator, groups: list[list[dict]]) -> tuple[float, int]:
    """Token-weighted NLL of ``model`` over every label token of ``groups`` (each collated as one batch)."""
    import torch

    total, count = 0.0, 0
    with torch.no_grad():
        for group in groups:
            batch = collator(group)
            n = int((batch["labels"][:, 1:] != -100).sum())
            out = model(**batch)
            total += float(out.loss) * n
            count += n
    return total / max(count, 1), count


def loss_check(args, template, tok_ds, collators: dict, pack_length: int) -> dict[str, Any]:
    """The initial model's NLL on the first --check-rows rows through each variant's batch layout."""
    from trl.data_utils import pack_dataset

    sub = tok_ds.select(range(min(args.check_rows, len(tok_ds)))).select_columns(["input_ids", "labels"])
    examples = [dict(x) for x in sub]
    chunks = [examples[i : i + args.batch_size] for i in range(0, len(examples), args.batch_size)]
    packed = [dict(x) for x in pack_dataset(sub, pack_length, "bfd")]
    model = copy.deepcopy(template).eval()
    out: dict[str, Any] = {"rows": len(examples)}
    for variant, collator in collators.items():
        groups = [[p] for p in packed] if variant == "packing" else chunks
        loss, n = layout_loss(model, collator, groups)
        out[variant] = {"nll": loss, "label_tokens": n, "batches": len(groups)}
    base = out["padding"]["nll"]
    others = [v for v in collators if v != "padding"]
    out["max_rel_diff_vs_padding"] = max((abs(out[v]["nll"] - base) / base for v in others), default=0.0)
    out["same_label_tokens"] = len({out[v]["label_tokens"] for v in collators}) == 1
    del model
    return out


def run_block(args, variant, template, config, dataset, tokenizer) -> dict[str, Any]:
    """One epoch of trainer.train(); steady = after --warmup-steps step ends, whole = from train begin."""
    model = copy.deepcopy(template)
    trainer = new_trainer(model, config, dataset, tokenizer)
    recorder = BatchRecorder(trainer.data_collator)
    trainer.data_collator = recorder
    clock = make_clock()
    trainer.add_callback(clock)
    trainer.train()
    n, w = len(clock.marks), args.warmup_steps
    if n <= w:
        raise SystemExit(f"{variant}: one epoch is {n} steps, not more than --warmup-steps {w}; pass more --rows")
    batches = recorder.batches[:n]  # batch k feeds step k + 1 (the loader may collate one batch ahead)
    out: dict[str, Any] = {"variant": variant, "steps": n - w, "losses": clock.losses[:n]}
    for tag, (w0, c0, l0), part in (
        ("steady", clock.marks[w - 1], batches[w:]),
        ("epoch", clock.begin, batches),
    ):
        w1, c1, l1 = clock.marks[-1]
        wall = w1 - w0
        tot = {k: sum(b[k] for b in part) for k in part[0]}
        out[tag] = {
            "steps": len(part),
            "seconds": wall,
            "steps_per_s": len(part) / wall,
            "real_tokens": tot["real"],
            "total_tokens": tot["total"],
            "label_tokens": tot["labels"],
            "rows": tot["docs"],
            "real_tokens_per_s": tot["real"] / wall,
            "total_tokens_per_s": tot["total"] / wall,
            "padding_fraction": 1 - tot["real"] / tot["total"],
            "attn_computed": tot["attn_computed"],
            "attn_varlen": tot["attn_varlen"],
            "cpu_share": (c1 - c0) / wall / max(args.threads, 1),
            "max_loadavg": max(l0, l1, *(m[2] for m in clock.marks)),
        }
    del trainer, model, recorder
    gc.collect()
    return out


def flops_of(nonemb: int, config, tokens: float, attn_elems: float, per_elem: float) -> float:
    """Training FLOPs: 6·N and the LM head (6·h·V) per token, plus ``per_elem``·layers·hidden per attention element.

    Useful (model) FLOPs: real tokens, and causal attention within each row: per row of n tokens and per layer,
    QK^T and AV over n²/2 pairs at 2·h FLOP each, ×3 for fwd + bwd = 6·h·n² → ``per_elem`` 6 on Σ n².
    Executed (estimate): padded tokens too, and SDPA with an explicit mask computing every score of the padded /
    flattened matrix: 2 matmuls × 2·h × 3 = 12·h per element.
    """
    per_token = 6.0 * nonemb + 6.0 * config.hidden_size * config.vocab_size
    return per_token * tokens + per_elem * config.num_hidden_layers * config.hidden_size * attn_elems


def prepare_data(args, work: Path, template, tokenizer, rows, eot):
    """Tokenise once (SFTTrainer's own preparation: chat template, assistant-only labels); pack those tokens."""
    t = time.perf_counter()
    tok_ds = new_trainer(template, sft_config(args, "padding", work, eot, False, 0), rows, tokenizer).train_dataset
    lengths = [len(x) for x in tok_ds.with_format("arrow")["input_ids"].to_pylist()]
    mean_len = sum(lengths) / len(lengths)
    pack_length = args.pack_length or max(args.max_length, int(math.ceil(args.batch_size * mean_len / 64) * 64))
    pack_cfg = sft_config(args, "packing", work, eot, False, pack_length)
    packed = new_trainer(template, pack_cfg, tok_ds, tokenizer).train_dataset
    packed_tokens = sum(len(x) for x in packed.with_format("arrow")["input_ids"].to_pylist())
    if packed_tokens != sum(lengths):
        raise SystemExit(f"packing kept {packed_tokens} of {sum(lengths)} tokens: is --pack-length < --max-length?")
    return tok_ds, packed, lengths, pack_length, time.perf_counter() - t


def summarise(args, blocks: list[dict], nonemb: int, config, peak: float) -> dict[str, dict]:
    """Per variant: medians over its blocks, and the median of its per-repeat ratios to the padding block."""
    out = {}
    for v in args.variants:
        mine = [b for b in blocks if b["variant"] == v]
        entry: dict[str, Any] = {}
        for tag in ("steady", "epoch"):
            ratios = []
            for b in mine:
                base = next(x for x in blocks if x["variant"] == "padding" and x["repeat"] == b["repeat"])
                ratios.append(b[tag]["real_tokens_per_s"] / base[tag]["real_tokens_per_s"])
            entry[tag] = {
                "real_tokens_per_s_median": statistics.median(b[tag]["real_tokens_per_s"] for b in mine),
                "total_tokens_per_s_median": statistics.median(b[tag]["total_tokens_per_s"] for b in mine),
                "steps_per_s_median": statistics.median(b[tag]["steps_per_s"] for b in mine),
                "real_tokens_per_s_over_padding_per_repeat": ratios,
                "real_tokens_per_s_over_padding_median": statistics.median(ratios),
            }
        s = mine[0]["steady"]  # every repeat of a variant trains the same batches
        e = mine[0]["epoch"]
        useful = flops_of(nonemb, config, s["real_tokens"], s["attn_varlen"], 6.0)
        executed = flops_of(nonemb, config, s["total_tokens"], s["attn_computed"], 12.0)
        attn_executed = 12.0 * config.num_hidden_layers * config.hidden_size * s["attn_computed"]
        gflops = useful / 1e9 * entry["steady"]["real_tokens_per_s_median"] / s["real_tokens"]
        losses = [x for b in mine for x in b["losses"]]
        out[v] = {
            **entry,
            "padding_fraction": s["padding_fraction"],
            "padding_fraction_epoch": e["padding_fraction"],
            "steady_steps": s["steps"],
            "steady_real_tokens": s["real_tokens"],
            "epoch_steps": e["steps"],
            "epoch_real_tokens": e["real_tokens"],
            "epoch_label_tokens": e["label_tokens"],
            "real_tokens_per_step": s["real_tokens"] / s["steps"],
            "rows_per_step": s["rows"] / s["steps"],
            "attn_elems_computed_per_real_token": s["attn_computed"] / s["real_tokens"],
            "attn_elems_varlen_per_real_token": s["attn_varlen"] / s["real_tokens"],
            "attention_share_of_executed_flops": attn_executed / executed,
            "useful_over_executed_flops": useful / executed,
            "model_gflop_per_s": gflops,
            "mfu_vs_measured_fp32_peak": gflops / peak,
            "mean_train_loss": statistics.mean(losses),
            "first_step_loss": mine[0]["losses"][0],
            "losses_finite": all(math.isfinite(x) for x in losses),
            "cpu_share_min": min(b["steady"]["cpu_share"] for b in mine),
            "max_loadavg": max(b["steady"]["max_loadavg"] for b in mine),
        }
    return out


def bench_train(args, work: Path, results: dict) -> dict:
    import numpy as np
    import torch
    from transformers import AutoModelForCausalLM

    threads = torch.get_num_threads()
    print(f"[train] building {args.rows} training rows (max_think_words={args.max_think_words}) ...", flush=True)
    tiny_path, tokenizer, rows, eot, data_info = build_rows(args, work)
    config = model_config(args, tiny_path, len(tokenizer))
    assert config.vocab_size >= len(tokenizer), "model vocab must cover the tokenizer's ids"
    torch.manual_seed(args.seed)
    template = AutoModelForCausalLM.from_config(config, attn_implementation=args.attn, dtype=torch.float32)
    nonemb = non_embedding_params(template)
    n_params = sum(p.numel() for p in template.parameters())
    tok_ds, packed, lengths, pack_length, prepare_s = prepare_data(args, work, template, tokenizer, rows, eot)
    datasets_of = {"padding": tok_ds, "padding_free": tok_ds, "packing": packed, "grouped": tok_ds}
    configs = {v: sft_config(args, v, work, eot, True, pack_length) for v in args.variants}

    # The initial model's loss on identical label tokens through each variant's collator ("grouped" = padding's).
    collators = {
        v: new_trainer(template, configs[v], datasets_of[v], tokenizer).data_collator
        for v in args.variants
        if v != "grouped"
    }
    check = loss_check(args, template, tok_ds, collators, pack_length)

    peak_shape = (config.hidden_size, config.intermediate_size)
    peaks = [matmul_peak(*peak_shape, torch.float32, reps=3, iters=4)]
    blocks: list[dict] = []
    for rep in range(args.repeats):
        for v in args.variants if rep % 2 == 0 else args.variants[::-1]:
            b = run_block(args, v, template, configs[v], datasets_of[v], tokenizer)
            blocks.append({**b, "repeat": rep})
            print(f"[train] repeat {rep + 1}/{args.repeats}: {v} {b['steady']['real_tokens_per_s']:.0f} real tok/s",
                  flush=True)  # fmt: skip
        peaks.append(matmul_peak(*peak_shape, torch.float32, reps=2, iters=4))
    peak = max(peaks)
    variants = summarise(args, blocks, nonemb, config, peak)
    extra = {}
    if "padding_free" in variants:  # same sampler order, batches and init: the step losses must match padding's
        diffs = []
        for rep in range(args.repeats):
            a, c = (
                next(b for b in blocks if b["variant"] == v and b["repeat"] == rep)["losses"]
                for v in ("padding", "padding_free")
            )
            diffs += [abs(x - y) for x, y in zip(a, c, strict=True)]
        extra["padding_free_vs_padding_max_abs_step_loss_diff"] = max(diffs)

    layers = config.num_hidden_layers
    return {
        "model": f"random-init Qwen2, {args.model_size} shape, {layers} layer(s)",
        "model_size": args.model_size,
        "config": {k: getattr(config, k) for k in (*SMALL_SHAPE, "vocab_size", "tie_word_embeddings")},
        "attn_implementation": args.attn,
        "dtype": "float32",
        "params": n_params,
        "non_embedding_params": nonemb,
        "tokenizer": f"tiny judge BPE (vocab {len(tokenizer)})",
        "torch_threads": threads,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "data": {
            **data_info,
            "rows": len(tok_ds),
            "tokens": sum(lengths),
            "mean_tokens_per_row": float(np.mean(lengths)),
            "tokens_per_row_p10_p50_p90_max": [int(x) for x in np.percentile(lengths, [10, 50, 90, 100])],
            "packed_bins": len(packed),
            "pack_length": pack_length,
            "prepare_seconds": prepare_s,
        },
        "trainer": {
            "batch_size_rows": args.batch_size,
            "packing_batch_size_bins": 1,
            "max_length": args.max_length,
            "epochs_per_block": 1,
            "warmup_steps_untimed": args.warmup_steps,
            "repeats": args.repeats,
            "learning_rate": args.lr,
            "optim": str(getattr(configs["padding"].optim, "value", configs["padding"].optim)),
            "lr_scheduler": "constant",
            "gradient_accumulation_steps": 1,
            "seed": args.seed,
        },
        "trl_requirements": TRL_NOTES,
        "initial_model_loss_check": check,
        "matmul_peak_shape": [1024, *peak_shape],
        "matmul_peak_gflops_fp32": peak,
        "matmul_peak_gflops_fp32_samples": peaks,
        "variants": variants,
        **extra,
        "blocks": blocks,
    }


TRL_NOTES = {
    "padding_free_without_packing": "TRL 1.16 raises ValueError unless max_length=None (it would not be enforced); "
    "the rows here are pre-cut by prepare_rows. s2r train's check_options rejects padding_free without packing",
    "packing_default_strategy": "bfd (best-fit decreasing; a row longer than max_length is truncated), which turns "
    "padding-free on by itself (SFTTrainer: padding_free = args.padding_free or packing with bfd/bfd_split)",
    "attention": "TRL 1.16 does not check attn_implementation. Padding-free batches carry position_ids and "
    "cu_seq_lens but no attention_mask; with sdpa/eager, transformers finds the row boundaries from position_ids and "
    "builds a block-diagonal 4-D mask: exact, but the scores of the whole flattened sequence are computed. "
    "flash_attention_2/3 (CUDA + flash-attn) run varlen on cu_seq_lens instead: not available on CPU",
    "assistant_only_loss": "applied once, when the rows are tokenised; the timed trainers get the tokenised rows "
    "(skip_prepare_dataset) whose labels carry the mask, and TRL rejects the flag for a non-conversational dataset",
}


def train_tables(r: dict) -> list[Table]:
    t, d = r["trainer"], r["data"]
    title = (
        f"train: {r['model']} ({r['non_embedding_params'] / 1e6:.2f}M non-emb params), fp32, {r['torch_threads']} "
        f"thread(s), {r['attn_implementation']}; {d['rows']} rows x 1 epoch per block, {t['batch_size_rows']} "
        f"rows/batch, packed bins of {d['pack_length']}; median of {t['repeats']} interleaved blocks"
    )
    items = [{**x, "variant": v} for v, x in r["variants"].items()]
    columns = {
        "variant": "variant",
        "real tok/s": lambda x: x["steady"]["real_tokens_per_s_median"],
        "total tok/s": lambda x: x["steady"]["total_tokens_per_s_median"],
        "x padding": lambda x: ratio(x["steady"]["real_tokens_per_s_over_padding_median"]),
        "x pad (epoch)": lambda x: ratio(x["epoch"]["real_tokens_per_s_over_padding_median"]),
        "pad": lambda x: pct(x["padding_fraction"]),
        "steps/s": lambda x: x["steady"]["steps_per_s_median"],
        "real tok/step": "real_tokens_per_step",
        "attn elems/tok": "attn_elems_computed_per_real_token",
        "attn % exec": lambda x: pct(x["attention_share_of_executed_flops"], 0),
        "GFLOP/s": "model_gflop_per_s",
        "MFU fp32pk": lambda x: pct(x["mfu_vs_measured_fp32_peak"]),
        "mean loss": lambda x: f"{x['mean_train_loss']:.4f}",
        "cpu min": lambda x: pct(x["cpu_share_min"], 0),
        "load": "max_loadavg",
    }
    c = r["initial_model_loss_check"]
    notes = [
        f"initial-model NLL on the same {c['rows']} rows / {c['padding']['label_tokens']} label tokens: "
        + ", ".join(f"{k} {v['nll']:.6f}" for k, v in c.items() if isinstance(v, dict))
        + f" (max rel diff {c['max_rel_diff_vs_padding']:.1e}; same label tokens: {c['same_label_tokens']})",
        f"padding_free vs padding max |step loss diff| {r.get('padding_free_vs_padding_max_abs_step_loss_diff', 0):.1e}"
        f"; steady = after {t['warmup_steps_untimed']} untimed step(s); rows: tokens p10/p50/p90/max "
        f"{d['tokens_per_row_p10_p50_p90_max']}; fp32 matmul peak {r['matmul_peak_gflops_fp32']:.1f} GFLOP/s",
    ]
    return [Table.of(title, items, columns, notes)]


def train_summary(r: dict) -> list[list]:
    nll = r["initial_model_loss_check"]["max_rel_diff_vs_padding"]
    rows = [
        [
            f"{v} / padding, real tokens/s ({r['model_size']} model, {r['data']['rows']} rows)",
            f"{ratio(x['steady']['real_tokens_per_s_over_padding_median'])} (padding {pct(x['padding_fraction'])})",
        ]
        for v, x in r["variants"].items()
        if v != "padding"
    ]
    return [*rows, ["initial-model NLL, max rel diff of the layouts", f"{nll:.1e}"]]


def train_checks(r: dict) -> dict[str, bool]:
    c = r["initial_model_loss_check"]
    return {
        "every layout gives the initial model's NLL (rel diff < 1e-4)": c["max_rel_diff_vs_padding"] < 1e-4,
        "every layout sees the same label tokens": c["same_label_tokens"],
        "padding_free steps match padding's (|loss diff| < 1e-3)": r.get(
            "padding_free_vs_padding_max_abs_step_loss_diff", 0.0
        )
        < 1e-3,
        "losses finite": all(x["losses_finite"] for x in r["variants"].values()),
    }


# --------------------------------------------------------------------------------------------------
# GPU arithmetic
# --------------------------------------------------------------------------------------------------


def train_flops_per_token(size: str, seq: float) -> dict[str, float]:
    """Training (fwd + bwd) model FLOPs per token of a Qwen2.5 shape at causal context ``seq``."""
    nonemb, config = meta_non_embedding_params(size)
    dense = 6.0 * nonemb
    head = 6.0 * config.hidden_size * config.vocab_size
    attn = 6.0 * config.num_hidden_layers * config.hidden_size * seq  # causal: half of PaLM's 12·L·h·T
    total = dense + head + attn
    return {"non_embedding_params": nonemb, "dense": dense, "lm_head": head, "attention": attn, "total": total}


def bench_gpu(args, work: Path, results: dict) -> dict:
    rate = args.gpu_peak_tflops * 1e12 * args.gpu_mfu
    run_tokens = args.gpu_rows * args.gpu_tokens_per_row * args.gpu_epochs
    table = []
    for size in args.gpu_models:
        for seq in args.gpu_seq_lens:
            f = train_flops_per_token(size, seq)
            table.append(
                {
                    "model": f"Qwen2.5-{size.upper()}",
                    "seq_len": seq,
                    **{f"flops_per_token_{k}": v for k, v in f.items() if k != "non_embedding_params"},
                    "non_embedding_params": f["non_embedding_params"],
                    "attention_share": f["attention"] / f["total"],
                    "tokens_per_s_1_gpu": rate / f["total"],
                    "sequences_per_s_1_gpu": rate / f["total"] / seq,
                }
            )
        f = train_flops_per_token(size, args.gpu_tokens_per_row)
        seconds = run_tokens * f["total"] / rate
        table.append(
            {
                "model": f"Qwen2.5-{size.upper()}",
                "paper_run": True,
                "seq_len": args.gpu_tokens_per_row,
                "flops_per_token_total": f["total"],
                "run_tokens": run_tokens,
                "run_flops": run_tokens * f["total"],
                "tokens_per_s_1_gpu": rate / f["total"],
                "seconds_1_gpu": seconds,
                f"seconds_{args.gpu_count}_gpus": seconds / args.gpu_count,
            }
        )
    return {
        "kind": "FLOP arithmetic, not a measurement (no GPU was lent)",
        "gpu_name": args.gpu_name,
        "gpu_peak_tflops_dense_bf16": args.gpu_peak_tflops,
        "assumed_mfu": args.gpu_mfu,
        "gpus": args.gpu_count,
        "flops_formula": "per token: 6·N_non-embedding + 6·hidden·vocab (LM head) + 6·layers·hidden·T (causal "
        "attention at context T: QK^T and AV over T/2 keys on average, fwd + bwd = 3x fwd). Model FLOPs: "
        "activation-checkpointing recompute (SPEC: on) is not counted, so hardware FLOPs are ~4/3 of these",
        "paper_run": {
            "rows": args.gpu_rows,
            "tokens_per_row": args.gpu_tokens_per_row,
            "epochs": args.gpu_epochs,
            "tokens": run_tokens,
            "source": "rows: ~10% of the ~196k verified OpenR1-Math pool (SPEC §1, §4); tokens per row: the "
            "assumption of recipes/Qwen2.5-1.5B-Instruct/README.md for the Select2Reason 10% subset (ranked mostly "
            "by length; a random OpenR1 trace ~4,000), not measured; epochs: 3 (SPEC §5: 3-5). Attention at "
            "context = tokens per row (batch 1 or varlen packing: each row attends to itself only). The synthetic "
            "pool's rows (tiny 512-token vocab, capped generator lengths) are not representative",
        },
        "table": table,
    }


def gpu_tables(r: dict) -> list[Table]:
    n, p = r["gpus"], r["paper_run"]
    title = (
        f"GPU ARITHMETIC (not measured): bf16 training on 1 {r['gpu_name']} @ {r['gpu_peak_tflops_dense_bf16']:.0f} "
        f"TFLOP/s x {pct(r['assumed_mfu'], 0)} assumed MFU"
    )
    per_len = [x for x in r["table"] if not x.get("paper_run")]
    runs = [x for x in r["table"] if x.get("paper_run")]
    columns = {
        "model": "model",
        "seq len": "seq_len",
        "non-emb": lambda x: f"{x['non_embedding_params'] / 1e6:.0f}M",
        "GFLOP/token": lambda x: f"{x['flops_per_token_total'] / 1e9:.2f}",
        "attn share": lambda x: pct(x["attention_share"], 0),
        "tokens/s": "tokens_per_s_1_gpu",
        "seqs/s": "sequences_per_s_1_gpu",
    }
    run_columns = {
        "model": "model",
        "tokens": lambda x: f"{x['run_tokens'] / 1e6:.0f}M",
        "FLOPs": lambda x: f"{x['run_flops']:.2e}",
        "tokens/s 1 GPU": "tokens_per_s_1_gpu",
        "1 GPU": lambda x: dur(x["seconds_1_gpu"]),
        f"{n} GPUs": lambda x: dur(x[f"seconds_{n}_gpus"]),
    }
    run_title = (
        f"GPU ARITHMETIC: the paper's run, {p['rows']:,} rows x {p['tokens_per_row']:,} tokens x {p['epochs']} epochs"
    )
    notes = [r["flops_formula"], f"token count: {p['source']}"]
    return [Table.of(title, per_len, columns), Table.of(run_title, runs, run_columns, notes)]


def gpu_summary(r: dict) -> list[list]:
    n = r["gpus"]
    return [
        [
            f"paper's SFT run, {x['model']} (FLOP arithmetic, {pct(r['assumed_mfu'], 0)} MFU)",
            f"{dur(x['seconds_1_gpu'])} on 1 {r['gpu_name']}, {dur(x[f'seconds_{n}_gpus'])} on {n}",
        ]
        for x in r["table"]
        if x.get("paper_run")
    ]


# --------------------------------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------------------------------


OPTIONS = {
    "train": {
        "--variants": (csv(str, VARIANTS), ",".join(VARIANTS), "Comma-separated; padding (the baseline) always runs."),
        "--model-size": (("tiny", "small", "0.5b", "1.5b"), None, "Random Qwen2: tiny judge (hidden 64, 2 layers), "
                         "small (256, 2), or Qwen2.5-0.5B (896) / 1.5B (1536) layer shapes with --layers (default 2)."),
        "--layers": (int, None, "Override the number of layers."),
        "--full-vocab": ("flag", None, f"Embedding / LM head of Qwen's {QWEN_VOCAB:,} rows (default: the tokenizer's "
                         "512, same ids); ~100x slower."),
        "--attn": (("sdpa", "eager"), "sdpa", "attn_implementation (flash-attn: CUDA)."),
        "--rows": (int, None, "Training rows (one epoch per block): the first usable ones."),
        "--pool-rows": (int, 0, "Synthetic pool rows to draw them from (0: 3 x --rows + 16)."),
        "--max-think-words": (int, None, "Synthetic trace length cap, words."),
        "--max-length": (int, None, "max_length; prepare_rows drops longer rows."),
        "--batch-size": (int, None, "Rows per step (padding, padding_free)."),
        "--pack-length": (int, 0, "Packed bin length (packing's max_length, one bin per step); 0: max(--max-length, "
                          "batch-size x mean row tokens, rounded up to 64): about one padding step's real tokens."),
        "--warmup-steps": (int, None, "Untimed steps at the start of each block."),
        "--repeats": (int, None, "Interleaved blocks per variant (>= 3: the ratios are medians)."),
        "--check-rows": (int, None, "Rows of the initial-model loss check."),
        "--lr": (float, 1e-4, "Learning rate (AdamW, constant, same for every variant)."),
    },
    "GPU arithmetic": {
        "--gpu-models": (csv(str, tuple(JUDGE_SHAPES)), "0.5b,1.5b", "Comma-separated Qwen2.5 sizes."),
        "--gpu-seq-lens": (csv(int), "8192,16384", "Comma-separated sequence lengths."),
        "--gpu-rows": (int, 19600, "Rows of the paper's run (10%% of ~196k)."),
        "--gpu-tokens-per-row": (int, 8000, "Mean tokens per row of that subset."),
        "--gpu-epochs": (int, 3, "Epochs of the paper's run."),
        **GPU_HARDWARE,
    },
}  # fmt: skip


def always_padding(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    args.variants = ["padding", *[v for v in args.variants if v != "padding"]]


BENCH = Benchmark(
    name="train",
    doc=__doc__,
    out="benchmarks/results_train.json",
    sections=[
        Section("train", bench_train, train_tables, train_summary, train_checks),
        Section("gpu", bench_gpu, gpu_tables, gpu_summary),
    ],
    profiles=PROFILES,
    options=OPTIONS,
    minimums={
        **dict.fromkeys(("rows", "max_length", "batch_size", "warmup_steps", "check_rows", "threads"), 1),
        "repeats": 3,
    },
    validate=always_padding,
)

if __name__ == "__main__":
    sys.exit(BENCH.main())
