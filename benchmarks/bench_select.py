#!/usr/bin/env python
"""Performance benchmark of `s2r select`, always as ratios to a naive baseline timed in the same process.

Sections (``--sections``, default all):

judge   The difficulty judge engine (``JudgeScorer.score``: length-sorted batches under a token budget,
        LM head on each row's last position only) against a NAIVE loop calling
        ``model.generate(max_new_tokens=1, output_scores=True, return_dict_in_generate=True)`` one row at a
        time, same model, same rows, same process. The model is a RANDOMLY INITIALISED Qwen2 with
        Qwen2.5-0.5B/1.5B-Instruct's shapes (built from ``Qwen2Config``; nothing is downloaded) or the
        built-in tiny judge; the tokenizer is the tiny judge's (the model's vocab covers its ids). Reports
        rows/s, prompt tokens/s, engine/naive ratio, max |dp| engine vs naive (fp32), model FLOP utilisation
        against a matmul peak measured here, the bf16 engine, and a batch-token budget sweep. The timed rows
        are a near-median-length window of 5000 length-sorted synthetic problems: what one batch of a large
        sorted pool holds (padding at pool scale is reported too).
length  Trace-length scoring (``measure_lengths``: batched ``Dataset.map`` over the backend tokenizer)
        with num_proc 1 and 2 against a per-row Python loop over the ``PreTrainedTokenizerFast``. Every
        measurement reads a fresh copy of the pool, so the datasets map cache cannot hide work.
e2e     ``python -m s2r_hf.cli select`` on a large synthetic pool with the tiny judge (the data path): wall
        time and peak RSS (kernel ``ru_maxrss`` of the CLI process, plus sampled RssAnon/RssFile), against
        the on-disk size of the pool's Arrow files; then a re-rank with another ``--weight`` (scores from
        the cache, no model call).
gpu     FLOP arithmetic for a GPU run (no GPU here): Qwen2.5-1.5B-Instruct judging the OpenR1 questions at
        the mean judge-prompt length measured on the synthetic pool; time on one H100 and on N GPUs at an
        assumed MFU.

Absolute numbers move a lot between hosts and with background load (two cores; another process halves
them); read the ratios. Every timed block records the process's CPU share and the load average.

Run time on the 2-core reference host: --quick ~1.5 min idle (~3 min under load); the full default ~35 min,
of which the 220k-row end-to-end section is ~25 min (pass --e2e-rows 20000 for a ~15 min run).

    python benchmarks/bench_select.py --quick                  # tiny judge, small sizes
    python benchmarks/bench_select.py --out benchmarks/results.json
    python benchmarks/bench_select.py --sections judge --judge-size 1.5b --judge-rows 16
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from common import (  # noqa: E402  (timing / host / table / CLI helpers of the benchmarks folder)
    JUDGE_SHAPES,
    Timer,
    add_gpu_hardware_args,
    dur,
    finish_args,
    make_parser,
    matmul_peak,
    meta_non_embedding_params,
    non_embedding_params,
    prepare_run,
    print_results,
    print_table,
    require_positive,
    run_sections,
    start_results,
)

SECTIONS = ("judge", "length", "e2e", "gpu")
SWEEP_DEFAULT = (256, 512, 1024, 2048, 4096)

# Sizes: (full default, --quick). An option given explicitly always wins.
PROFILES = {
    "judge_size": ("0.5b", "tiny"),
    "judge_rows": (32, 64),
    "bf16_rows": (4, 16),
    "sweep_rows": (32, 64),
    "sweep_rounds": (2, 1),
    "length_rows": (2000, 200),
    "max_think_words": (6000, 3000),
    "length_repeats": (2, 1),
    "e2e_rows": (220000, 2000),
}

# Runs in a fresh interpreter between the benchmark and the CLI: the CLI is forked from this small process,
# so its ru_maxrss is its own (a child forked straight from the benchmark would start with the benchmark's
# RSS, since Linux carries the high-water mark across fork + exec).
RSS_WRAPPER = r"""
import json, resource, subprocess, sys, time
out, log, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
peak = {"VmHWM": 0, "VmRSS": 0, "RssAnon": 0, "RssFile": 0}
t0 = time.perf_counter()
with open(log, "w") as fh:
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as st:
                for line in st:
                    key, _, rest = line.partition(":")
                    if key in peak:
                        peak[key] = max(peak[key], int(rest.split()[0]))
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
res = {"rc": proc.returncode, "wall_s": wall, "ru_maxrss_kb": ru.ru_maxrss, "user_s": ru.ru_utime,
       "sys_s": ru.ru_stime}
res.update({"sampled_max_" + k + "_kb": v for k, v in peak.items()})
with open(out, "w") as fh:
    json.dump(res, fh)
"""


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------


def qwen2_config(size: str, tiny_path: Path):
    """The judge's config: a Qwen2.5-Instruct shape (JUDGE_SHAPES), or "tiny" = the built-in tiny judge's."""
    from transformers import Qwen2Config

    if size == "tiny":
        return Qwen2Config.from_pretrained(tiny_path)
    return Qwen2Config(
        **JUDGE_SHAPES[size],
        max_position_embeddings=32768,
        rms_norm_eps=1e-6,
        rope_theta=1000000.0,
        use_sliding_window=False,
        bos_token_id=151643,
        eos_token_id=151645,
    )


# --------------------------------------------------------------------------------------------------
# (a) judge
# --------------------------------------------------------------------------------------------------


def naive_judge(model, tokenizer, problems: list[str], one_id: int, zero_id: int, system_prompt: str):
    """The obvious loop: chat template, ``generate`` one new token per row, softmax of its scores."""
    import torch

    from s2r_hf.prompts import judge_messages

    out, ids_all = [], []
    for problem in problems:
        text = tokenizer.apply_chat_template(
            judge_messages(problem, system_prompt), tokenize=False, add_generation_prompt=True
        )
        ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"]
        with torch.inference_mode():
            gen = model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=1,
                output_scores=True,
                return_dict_in_generate=True,
                do_sample=False,
            )
        probs = torch.softmax(gen.scores[0][0].float(), dim=-1)
        p1, p0 = float(probs[one_id]), float(probs[zero_id])
        out.append(p1 / (p1 + p0))
        ids_all.append(ids[0].tolist())
    return out, ids_all


def make_scorer(tokenizer, model, dtype, budget: int, system_prompt: str):
    from s2r_hf.scoring.difficulty import JudgeScorer

    return JudgeScorer(
        tokenizer,
        lambda: model,
        judge="bench-random-qwen2",
        identity="random",
        dtype=dtype,
        system_prompt=system_prompt,
        batch_tokens=budget,
        max_batch_rows=512,
    )


def padded_tokens(lengths, budget: int) -> tuple[int, int]:
    from s2r_hf.scoring.difficulty import plan_batches

    batches = plan_batches(lengths, budget, 512)
    return sum(len(b) * int(lengths[b].max()) for b in batches), len(batches)


def bench_judge(args, work: Path, results: dict) -> None:
    import numpy as np
    import torch
    from transformers import AutoTokenizer, Qwen2ForCausalLM

    from s2r_hf.prompts import JUDGE_SYSTEM_PROMPT
    from s2r_hf.synthetic import build_tiny_judge, openr1_rows

    tiny_path = build_tiny_judge(work / "tiny-judge")
    tokenizer = AutoTokenizer.from_pretrained(tiny_path)
    size = args.judge_size
    config = qwen2_config(size, tiny_path)
    assert config.vocab_size >= len(tokenizer), "model vocab must cover the tokenizer's ids"

    n_rows = max(args.judge_rows, args.bf16_rows, args.sweep_rows, args.pool_sample_rows)
    sample = [r["problem"] for r in openr1_rows(n_rows, seed=args.seed)]
    # Padding at pool scale: a large pool sorted by length gives near-equal lengths in every batch.
    encoder = make_scorer(tokenizer, None, torch.float32, args.batch_tokens, JUDGE_SYSTEM_PROMPT)
    sample_lengths = np.array([len(x) for x in encoder.encode(sample)])
    pad_pool, nb_pool = padded_tokens(sample_lengths, args.batch_tokens)
    by_length = np.argsort(sample_lengths, kind="stable")

    def pick(n: int) -> list[int]:
        """n rows: a window around the median of the length-sorted sample (what a batch of a large sorted pool
        holds), or the first n rows of the pool (--judge-rows-from first: too few to sort, so padded)."""
        if args.judge_rows_from == "first":
            return list(range(n))
        lo = max(0, len(by_length) // 2 - n // 2)
        return by_length[lo : lo + n].tolist()

    rows = [sample[i] for i in pick(args.judge_rows)]

    shape = JUDGE_SHAPES["0.5b"] if size == "tiny" else JUDGE_SHAPES[size]
    peak_shape = (shape["hidden_size"], shape["intermediate_size"])
    threads = torch.get_num_threads()
    peak_samples: list[float] = []  # fp32 peak, sampled before every timed block: the max is the least disturbed

    def sample_peak() -> None:
        peak_samples.append(matmul_peak(*peak_shape, torch.float32, reps=2, iters=4))

    print(f"[judge] matmul peak, F.linear 1024x{peak_shape[0]}x{peak_shape[1]}, {threads} threads ...", flush=True)
    peak_samples.append(matmul_peak(*peak_shape, torch.float32))
    peak16 = matmul_peak(*peak_shape, torch.bfloat16, reps=3, iters=3)
    print(f"[judge] peak fp32 {peak_samples[0]:.1f} GFLOP/s, bf16 {peak16:.1f} GFLOP/s", flush=True)

    t = time.perf_counter()
    torch.manual_seed(args.seed)
    model = Qwen2ForCausalLM(config).eval()
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.bos_token_id = None
    init_s = time.perf_counter() - t
    n_params = sum(p.numel() for p in model.parameters())
    n_nonemb = non_embedding_params(model)
    print(f"[judge] random Qwen2 {size}: {n_params / 1e6:.1f}M params ({n_nonemb / 1e6:.1f}M non-embedding), "
          f"init {init_s:.1f}s", flush=True)  # fmt: skip

    engine = make_scorer(tokenizer, model, torch.float32, args.batch_tokens, JUDGE_SYSTEM_PROMPT)
    one_id, zero_id = engine.one_id, engine.zero_id
    # Warm-up (oneDNN/MKL primitive creation, first-call allocations): untimed.
    engine.score(rows[:2])
    naive_judge(model, tokenizer, rows[:1], one_id, zero_id, JUDGE_SYSTEM_PROMPT)

    def flop_rate(tokens: int, seconds: float) -> float:
        return 2.0 * n_nonemb * tokens / seconds / 1e9

    # Engine and naive interleaved in blocks (order alternating) so background load hits both alike.
    blocks = np.array_split(np.arange(len(rows)), max(1, min(args.rounds, len(rows))))
    eng = {"wall": 0.0, "cpu": 0.0, "tokens": 0, "p": np.empty(len(rows)), "load": 0.0}
    nai = {"wall": 0.0, "cpu": 0.0, "tokens": 0, "p": np.empty(len(rows)), "load": 0.0}
    same_ids = True
    block_ratios = []  # engine/naive speed per block: their median shrugs off a burst of background load
    for k, block in enumerate(blocks):
        part = [rows[i] for i in block]
        walls = {}
        for which in ("engine", "naive") if k % 2 == 0 else ("naive", "engine"):
            sample_peak()
            print(f"[judge] block {k + 1}/{len(blocks)}: {which} fp32 on {len(part)} rows ...", flush=True)
            with Timer(threads) as tm:
                if which == "engine":
                    got = engine.score(part)
                else:
                    p_naive, naive_ids = naive_judge(model, tokenizer, part, one_id, zero_id, JUDGE_SYSTEM_PROMPT)
            acc = eng if which == "engine" else nai
            walls[which] = tm.wall
            acc["wall"] += tm.wall
            acc["cpu"] += tm.cpu
            acc["load"] = max(acc["load"], tm.load)
            if which == "engine":
                acc["p"][block] = got["difficulty"]
                acc["tokens"] += int(sum(got["prompt_tokens"]))
                eng_ids = engine.encode(part)
            else:
                acc["p"][block] = p_naive
                acc["tokens"] += sum(len(x) for x in naive_ids)
        same_ids = same_ids and eng_ids == naive_ids
        block_ratios.append(walls["naive"] / walls["engine"])
    lengths = np.array([len(x) for x in engine.encode(rows)])
    pad_tokens = sum(padded_tokens(lengths[b], args.batch_tokens)[0] for b in blocks)
    n_batches = sum(padded_tokens(lengths[b], args.batch_tokens)[1] for b in blocks)
    max_dp = float(np.max(np.abs(eng["p"] - nai["p"])))

    def entry(name, acc, n):
        return {
            "name": name,
            "rows": n,
            "prompt_tokens": acc["tokens"],
            "seconds": acc["wall"],
            "rows_per_s": n / acc["wall"],
            "tokens_per_s": acc["tokens"] / acc["wall"],
            "gflop_per_s": flop_rate(acc["tokens"], acc["wall"]),
            "cpu_share": acc["cpu"] / acc["wall"] / threads,
            "max_loadavg": acc["load"],
        }

    res_engine = entry("engine fp32", eng, len(rows))
    res_naive = entry("naive generate fp32", nai, len(rows))
    res_engine["padding_waste"] = 1 - lengths.sum() / pad_tokens
    res_engine["batches"] = n_batches

    # bf16 engine on the first bf16_rows rows, next to the fp32 engine on the same rows.
    bf_rows = [sample[i] for i in pick(args.bf16_rows)]
    res_bf16 = res_fp32_same = res_1thread = None
    if args.bf16_rows > 0:
        model16 = copy.deepcopy(model).to(torch.bfloat16).eval()
        engine16 = make_scorer(tokenizer, model16, torch.bfloat16, args.batch_tokens, JUDGE_SYSTEM_PROMPT)
        engine16.score(bf_rows[:1])  # warm-up
        print(f"[judge] fp32 engine then bf16 engine on {len(bf_rows)} rows (bf16 is slow without AVX512-BF16/AMX)",
              flush=True)  # fmt: skip
        sample_peak()
        with Timer(threads) as t32:
            got32 = engine.score(bf_rows)
        with Timer(threads) as t16:
            got16 = engine16.score(bf_rows)
        toks = int(sum(got16["prompt_tokens"]))
        acc32 = {"wall": t32.wall, "cpu": t32.cpu, "tokens": toks, "load": t32.load}
        acc16 = {"wall": t16.wall, "cpu": t16.cpu, "tokens": toks, "load": t16.load}
        res_fp32_same = entry("engine fp32 (bf16 rows)", acc32, len(bf_rows))
        res_bf16 = entry("engine bf16", acc16, len(bf_rows))
        res_bf16["mfu_vs_measured_bf16_peak"] = res_bf16["gflop_per_s"] / peak16
        res_bf16["bf16_over_fp32_speed"] = t32.wall / t16.wall
        d16, d32 = np.array(got16["difficulty"]), np.array(got32["difficulty"])
        res_bf16["max_abs_dp_vs_fp32_engine"] = float(np.max(np.abs(d16 - d32)))
        # issue 14: the LM head runs in fp32 for a bf16 judge too, so bf16 scores do not collapse into ties
        res_bf16["mean_abs_dp_vs_fp32_engine"] = float(np.mean(np.abs(d16 - d32)))
        res_bf16["distinct_fraction"] = len(np.unique(d16)) / len(d16)
        res_fp32_same["distinct_fraction"] = len(np.unique(d32)) / len(d32)
        if threads > 1:  # the same fp32 engine on one thread: what do torch's intra-op threads give here?
            torch.set_num_threads(1)
            try:
                with Timer(1) as t1:
                    engine.score(bf_rows)
            finally:
                torch.set_num_threads(threads)
            acc1 = {"wall": t1.wall, "cpu": t1.cpu * threads, "tokens": toks, "load": t1.load}
            res_1thread = entry("engine fp32, 1 thread (bf16 rows)", acc1, len(bf_rows))
            res_1thread["cpu_share"] = t1.cpu_share
        del model16, engine16
        gc.collect()

    # Token-budget sweep of the fp32 engine (rows as above: with near-median lengths, padding does not
    # confound the budget). Best of --sweep-rounds.
    window = pick(args.sweep_rows)
    sweep_rows = [sample[i] for i in window]
    sweep_lengths = sample_lengths[window]
    best: dict[int, dict] = {}
    for rnd in range(args.sweep_rounds):
        for budget in args.sweep_budgets if rnd % 2 == 0 else args.sweep_budgets[::-1]:
            scorer = make_scorer(tokenizer, model, torch.float32, budget, JUDGE_SYSTEM_PROMPT)
            sample_peak()
            print(f"[judge] sweep round {rnd + 1}/{args.sweep_rounds}: budget {budget} on {len(sweep_rows)} rows ...",
                  flush=True)  # fmt: skip
            with Timer(threads) as tm:
                got = scorer.score(sweep_rows)
            toks = int(sum(got["prompt_tokens"]))
            pad, nb = padded_tokens(sweep_lengths, budget)
            point = {
                "batch_tokens": budget,
                "rows": len(sweep_rows),
                "mean_prompt_tokens": float(sweep_lengths.mean()),
                "batches": nb,
                "mean_rows_per_batch": len(sweep_rows) / nb,
                "padding_waste": 1 - sweep_lengths.sum() / pad,
                "seconds": tm.wall,
                "rows_per_s": len(sweep_rows) / tm.wall,
                "tokens_per_s": toks / tm.wall,
                "gflop_per_s": flop_rate(toks, tm.wall),
                "over_naive_tokens_per_s": toks / tm.wall / res_naive["tokens_per_s"],
                "cpu_share": tm.cpu_share,
                "max_loadavg": tm.load,
            }
            if budget not in best or point["seconds"] < best[budget]["seconds"]:
                best[budget] = point
    sweep = [best[b] for b in args.sweep_budgets]

    sample_peak()
    torch.set_num_threads(1)
    try:
        peak32_1t = matmul_peak(*peak_shape, torch.float32)
    finally:
        torch.set_num_threads(threads)
    peak32 = max(peak_samples)
    for item in (res_engine, res_naive, res_fp32_same, res_bf16, res_1thread, *sweep):
        if item is not None:
            item["mfu_vs_measured_fp32_peak"] = item["gflop_per_s"] / peak32
    results["judge"] = {
        "model": f"random Qwen2 with {'the tiny judge' if size == 'tiny' else 'Qwen2.5-' + size.upper()}'s shapes",
        "judge_size": size,
        "config": {k: getattr(config, k) for k in JUDGE_SHAPES["0.5b"]},
        "params": n_params,
        "non_embedding_params": n_nonemb,
        "tokenizer": f"tiny judge BPE (vocab {len(tokenizer)})",
        "torch_threads": threads,
        "batch_tokens": args.batch_tokens,
        "matmul_peak_shape": [1024, *peak_shape],
        "matmul_peak_gflops_fp32": peak32,
        "matmul_peak_gflops_fp32_samples": peak_samples,
        "matmul_peak_gflops_fp32_1thread": peak32_1t,
        "matmul_peak_gflops_bf16": peak16,
        "bf16_over_fp32_matmul": peak16 / peak32,
        "mean_prompt_tokens": float(lengths.mean()),
        "rows_from": args.judge_rows_from,
        "padding_waste_at_pool_scale": {
            "rows": len(sample_lengths),
            "batch_tokens": args.batch_tokens,
            "batches": nb_pool,
            "padding_waste": 1 - sample_lengths.sum() / pad_pool,
        },
        "engine_fp32": res_engine,
        "naive_fp32": res_naive,
        "engine_over_naive_rows_per_s": res_engine["rows_per_s"] / res_naive["rows_per_s"],
        "engine_over_naive_per_block": block_ratios,
        "engine_over_naive_median_of_blocks": float(np.median(block_ratios)),
        "max_abs_dp_engine_vs_naive_fp32": max_dp,
        "same_token_ids": same_ids,
        "engine_fp32_on_bf16_rows": res_fp32_same,
        "engine_bf16": res_bf16,
        "engine_fp32_1thread_on_bf16_rows": res_1thread,
        "sweep_rounds": args.sweep_rounds,
        "budget_sweep_fp32": sweep,
    }
    del model, engine
    gc.collect()


def print_judge(r: dict) -> None:
    rows = []
    keys = ("engine_fp32", "naive_fp32", "engine_fp32_on_bf16_rows", "engine_bf16", "engine_fp32_1thread_on_bf16_rows")
    for key in keys:
        e = r.get(key)
        if not e:
            continue
        ratio = e["tokens_per_s"] / r["naive_fp32"]["tokens_per_s"]
        rows.append(
            [
                e["name"],
                e["rows"],
                e["prompt_tokens"],
                e["seconds"],
                e["rows_per_s"],
                e["tokens_per_s"],
                ratio,
                e["gflop_per_s"],
                f"{100 * e['mfu_vs_measured_fp32_peak']:.1f}%",
                f"{100 * e['cpu_share']:.0f}%",
                e["max_loadavg"],
            ]
        )
    print_table(
        f"(a) judge: {r['model']}, {r['non_embedding_params'] / 1e6:.0f}M non-emb params, "
        f"{r['torch_threads']} threads, budget {r['batch_tokens']} tokens, tokenizer {r['tokenizer']}",
        ["run", "rows", "tokens", "s", "rows/s", "tok/s", "x naive (tok/s)", "GFLOP/s", "MFU fp32pk", "cpu", "load"],
        rows,
    )
    print(
        f"  engine/naive rows/s = {r['engine_over_naive_rows_per_s']:.2f}x overall"
        + (
            f", {r['engine_over_naive_median_of_blocks']:.2f}x median of {len(r['engine_over_naive_per_block'])} "
            f"interleaved blocks ({', '.join(f'{x:.2f}' for x in r['engine_over_naive_per_block'])})"
            if "engine_over_naive_per_block" in r
            else ""
        )
        + "; "
        f"max |dp| engine vs naive (fp32) = "
        f"{r['max_abs_dp_engine_vs_naive_fp32']:.2e}; same token ids: {r['same_token_ids']}; "
        f"padding waste {100 * r['engine_fp32']['padding_waste']:.2f}% in {r['engine_fp32']['batches']} batches"
    )
    pp = r["padding_waste_at_pool_scale"]
    print(
        f"  padding at pool scale: {100 * pp['padding_waste']:.2f}% over {pp['rows']} problems in {pp['batches']} "
        f"batches of <= {pp['batch_tokens']} tokens; timed rows: "
        + (
            "the pool's first rows (too few to sort well)"
            if r.get("rows_from") == "first"
            else f"a near-median-length window of the sorted sample ({r['mean_prompt_tokens']:.0f} tokens on average)"
        )
    )
    print(
        f"  matmul peak (F.linear {'x'.join(map(str, r['matmul_peak_shape']))}): fp32 "
        f"{r['matmul_peak_gflops_fp32']:.1f} GFLOP/s (max of {len(r['matmul_peak_gflops_fp32_samples'])} samples, "
        f"min {min(r['matmul_peak_gflops_fp32_samples']):.1f}; 1 thread: {r['matmul_peak_gflops_fp32_1thread']:.1f}), "
        f"bf16 {r['matmul_peak_gflops_bf16']:.1f} GFLOP/s = {r['bf16_over_fp32_matmul']:.2f}x fp32"
    )
    if r.get("engine_bf16"):
        b = r["engine_bf16"]
        print(
            f"  bf16 engine = {b['bf16_over_fp32_speed']:.2f}x the fp32 engine's speed on the same rows"
            f" (|dp| vs fp32: max {b['max_abs_dp_vs_fp32_engine']:.1e}, mean "
            f"{b.get('mean_abs_dp_vs_fp32_engine', float('nan')):.1e}; distinct scores "
            f"{100 * b.get('distinct_fraction', float('nan')):.1f} % bf16 vs "
            f"{100 * r['engine_fp32_on_bf16_rows'].get('distinct_fraction', float('nan')):.1f} % fp32); "
            + (
                "bf16 is SLOWER here: no native bf16 on this CPU, judge_dtype=auto picks float32"
                if b["bf16_over_fp32_speed"] < 1
                else "bf16 is faster here"
            )
        )
    rows = [
        [
            s["batch_tokens"],
            s["rows"],
            s["batches"],
            s["mean_rows_per_batch"],
            f"{100 * s['padding_waste']:.2f}%",
            s["seconds"],
            s["rows_per_s"],
            s["tokens_per_s"],
            s["over_naive_tokens_per_s"],
            f"{100 * s['mfu_vs_measured_fp32_peak']:.1f}%",
            f"{100 * s['cpu_share']:.0f}%",
            s["max_loadavg"],
        ]
        for s in r["budget_sweep_fp32"]
    ]
    print_table(
        f"(a) judge fp32 engine: batch-token budget sweep, {r['budget_sweep_fp32'][0]['rows']} rows "
        f"({r['budget_sweep_fp32'][0]['mean_prompt_tokens']:.0f} tokens on average), "
        f"best of {r['sweep_rounds']} round(s)",
        ["budget", "rows", "batches", "rows/batch", "pad", "s", "rows/s", "tok/s", "x naive", "MFU", "cpu", "load"],
        rows,
    )


# --------------------------------------------------------------------------------------------------
# (b) length
# --------------------------------------------------------------------------------------------------


def bench_length(args, work: Path, results: dict) -> None:
    import datasets
    import numpy as np
    from transformers import AutoTokenizer

    from s2r_hf.configs import DEFAULT_RETHINK_MARKERS
    from s2r_hf.io import column
    from s2r_hf.pools import normalise
    from s2r_hf.scoring.length import load_length_tokenizer, measure_lengths
    from s2r_hf.synthetic import build_tiny_judge, openr1_dataset

    tiny_path = build_tiny_judge(work / "tiny-judge")
    root = work / "length"
    print(f"[length] building a {args.length_rows}-row pool (max_think_words={args.max_think_words}) ...", flush=True)
    raw = openr1_dataset(
        args.length_rows, seed=args.seed, cache_dir=str(root / "gen"), max_think_words=args.max_think_words
    )
    canon, _ = normalise(raw)
    base = root / "base"
    canon.save_to_disk(str(base))
    del raw, canon
    backend = load_length_tokenizer(str(tiny_path))  # what the CLI uses: the fast backend
    fast = AutoTokenizer.from_pretrained(tiny_path)  # a PreTrainedTokenizerFast (TokenizersBackend)

    def fresh(tag: str):
        target = root / f"run-{tag}"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(base, target)
        return datasets.load_from_disk(str(target)), target

    def naive(ds):
        return [len(fast(text)["input_ids"]) for text in ds["response"]]

    def engine(ds, num_proc):
        out = measure_lengths(
            ds, unit="tokens", markers=list(DEFAULT_RETHINK_MARKERS), tokenizer=backend, num_proc=num_proc
        )
        return column(out, "length")

    methods = [("naive loop (PreTrainedTokenizerFast per row)", None), ("map num_proc=1", 1), ("map num_proc=2", 2)]
    best: dict[str, dict] = {}
    totals: dict[str, int] = {}
    runs = 0
    for rep in range(args.length_repeats):
        for name, num_proc in methods if rep % 2 == 0 else methods[::-1]:
            ds, target = fresh(f"{runs}")
            runs += 1
            print(f"[length] {name}, repeat {rep + 1}/{args.length_repeats} ...", flush=True)
            before = {p.name for p in target.glob("cache-*.arrow")}
            with Timer(2 if num_proc else 1) as tm:
                lengths = naive(ds) if num_proc is None else engine(ds, num_proc)
            wrote = sorted({p.name for p in target.glob("cache-*.arrow")} - before)
            total = int(np.sum(lengths))
            totals[name] = total
            row = {
                "name": name,
                "num_proc": num_proc,
                "rows": len(ds),
                "tokens": total,
                "seconds": tm.wall,
                "rows_per_s": len(ds) / tm.wall,
                "tokens_per_s": total / tm.wall,
                "cpu_share_of_2_cores": tm.cpu / tm.wall / 2,
                "max_loadavg": tm.load,
                "map_cache_files_written": len(wrote),
            }
            if name not in best or row["seconds"] < best[name]["seconds"]:
                best[name] = row
            del ds
            shutil.rmtree(target, ignore_errors=True)
    base_rate = best[methods[0][0]]["rows_per_s"]
    for row in best.values():
        row["over_naive"] = row["rows_per_s"] / base_rate
    chars = datasets.load_from_disk(str(base)).with_format("arrow")["response"]
    mean_chars = float(np.mean([len(s) for s in chars.to_pylist()]))
    n = best[methods[0][0]]["rows"]
    results["length"] = {
        "rows": n,
        "max_think_words": args.max_think_words,
        "tokenizer": f"tiny judge BPE (vocab {len(fast)}); its tiny vocab gives more tokens per row than Qwen's",
        "mean_tokens_per_row": totals[methods[0][0]] / n,
        "mean_chars_per_row": mean_chars,
        "token_counts_agree": len(set(totals.values())) == 1,
        "repeats": args.length_repeats,
        "TOKENIZERS_PARALLELISM": os.environ.get("TOKENIZERS_PARALLELISM"),
        "runs_best_of_repeats": list(best.values()),
    }


def print_length(r: dict) -> None:
    rows = [
        [
            x["name"],
            x["rows"],
            x["seconds"],
            x["rows_per_s"],
            x["tokens_per_s"],
            x["over_naive"],
            f"{100 * x['cpu_share_of_2_cores']:.0f}%",
            x["max_loadavg"],
            x["map_cache_files_written"],
        ]
        for x in r["runs_best_of_repeats"]
    ]
    print_table(
        f"(b) length scoring: {r['rows']} traces, mean {r['mean_tokens_per_row']:.0f} tokens "
        f"({r['mean_chars_per_row']:.0f} chars) per row, best of {r['repeats']}",
        ["method", "rows", "s", "rows/s", "tok/s", "x naive", "cpu (this proc)", "load", "cache files"],
        rows,
    )
    print(f"  token counts agree across methods: {r['token_counts_agree']}; tokenizer: {r['tokenizer']}")


# --------------------------------------------------------------------------------------------------
# (c) end to end
# --------------------------------------------------------------------------------------------------


def run_measured(cmd: list[str], env: dict, log: Path, tag: str) -> dict:
    out = log.with_suffix(".json")
    subprocess.run([sys.executable, "-c", RSS_WRAPPER, str(out), str(log), *cmd], env=env, check=True, cwd=REPO)
    res = json.loads(out.read_text())
    if res["rc"] != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"[e2e] {tag} failed (rc {res['rc']}); log {log}:\n{tail}")
    return res


def dir_bytes(path: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in path.rglob(pattern) if p.is_file())


def bench_e2e(args, work: Path, results: dict) -> None:
    root = work / "e2e"
    cache, hf_cache = root / "cache", root / "hf-datasets-cache"
    root.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_CACHE": str(hf_cache),
        "TQDM_MININTERVAL": "10",
        "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    if args.e2e_threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(args.e2e_threads)
    n = args.e2e_rows
    # 1) Build the synthetic pool once, exactly as load_pool does (same cache folder and generator
    # arguments, so the CLI finds it): a real pool is downloaded once too; this is not part of `select`.
    build = (
        "import sys; from s2r_hf.synthetic import openr1_dataset; "
        f"ds = openr1_dataset({n}, seed=0, cache_dir={str(cache / 'datasets')!r}); print(len(ds))"
    )
    print(f"[e2e] building the {n}-row synthetic pool (one-off, not part of select) ...", flush=True)
    pool_build = run_measured([sys.executable, "-c", build], env, root / "pool-build.log", "pool build")
    pool_arrow = dir_bytes(cache / "datasets", "generator-*.arrow")

    base = [
        sys.executable,
        "-m",
        "s2r_hf.cli",
        "select",
        "--pool",
        "s2r:synthetic-openr1",
        "--synthetic-rows",
        str(n),
        "--judge",
        "s2r:tiny-judge",
        "--decontam-benchmarks",
        "s2r:synthetic-benchmark",
        "--cache-dir",
        str(cache),
        *args.e2e_extra_args,
    ]
    runs = {}
    for tag, extra in (("first", []), ("rerank", ["--weight", str(args.rerank_weight)])):
        out_dir = root / f"out-{tag}"
        cmd = [*base, "--output-dir", str(out_dir), *extra]
        what = "scores everything" if tag == "first" else f"--weight {args.rerank_weight}, scores from the cache"
        print(f"[e2e] s2r select, {tag} run ({what}) ...", flush=True)
        res = run_measured(cmd, env, root / f"select-{tag}.log", tag)
        manifest = json.loads((out_dir / "manifest.json").read_text())
        res["stage_timings_s"] = manifest.get("timings_s")
        res["counts"] = {k: manifest["counts"].get(k) for k in ("pool_rows", "scored", "selected", "pool_length_sum")}
        stages, scored = res["stage_timings_s"] or {}, res["counts"]["scored"]
        for stage in ("difficulty", "length"):
            if stages.get(stage):
                res[f"{stage}_rows_per_s"] = scored / stages[stage]
        res["command"] = " ".join(cmd[1:])
        log_text = (root / f"select-{tag}.log").read_text(errors="replace")
        res["pool_regenerated"] = "Generating train split" in log_text
        runs[tag] = res
    derived = dir_bytes(cache / "datasets", "cache-*.arrow")
    peak = runs["first"]["ru_maxrss_kb"] * 1024
    results["e2e"] = {
        "rows": n,
        "omp_num_threads": env.get("OMP_NUM_THREADS"),
        "pool_arrow_bytes": pool_arrow,
        "derived_map_cache_arrow_bytes": derived,
        "score_cache_bytes": dir_bytes(cache / "scores"),
        "pool_build": pool_build,
        "first": runs["first"],
        "rerank": runs["rerank"],
        "mean_length_tokens_per_row": runs["first"]["counts"]["pool_length_sum"] / runs["first"]["counts"]["scored"],
        "peak_rss_over_pool_arrow": peak / max(pool_arrow, 1),
        "peak_rss_anon_over_pool_arrow": runs["first"]["sampled_max_RssAnon_kb"] * 1024 / max(pool_arrow, 1),
        "rerank_over_first_wall": runs["rerank"]["wall_s"] / runs["first"]["wall_s"],
    }


def print_e2e(r: dict) -> None:
    gib = 2**30
    rows = []
    for tag in ("first", "rerank"):
        x = r[tag]
        st = x.get("stage_timings_s") or {}
        rows.append(
            [
                tag,
                x["wall_s"],
                st.get("load_normalise_decontaminate"),
                st.get("difficulty"),
                st.get("length"),
                st.get("total"),
                x["ru_maxrss_kb"] / 2**20,
                x["sampled_max_RssAnon_kb"] / 2**20,
                x["sampled_max_RssFile_kb"] / 2**20,
                x["counts"]["scored"],
                x["counts"]["selected"],
            ]
        )
    print_table(
        f"(c) end to end: s2r select on {r['rows']} synthetic rows, tiny judge (wall includes interpreter start)",
        [
            "run",
            "wall s",
            "load+norm+decontam s",
            "difficulty s",
            "length s",
            "in-CLI total s",
            "peak RSS GiB",
            "RssAnon GiB",
            "RssFile GiB",
            "scored",
            "selected",
        ],
        rows,
    )
    pb = r["pool_build"]
    print(
        f"  pool Arrow on disk {r['pool_arrow_bytes'] / gib:.2f} GiB (+ {r['derived_map_cache_arrow_bytes'] / gib:.2f}"
        f" GiB of map caches); first run: peak RSS = {100 * r['peak_rss_over_pool_arrow']:.0f}% of the pool, of which"
        f" anonymous memory = {100 * r['peak_rss_anon_over_pool_arrow']:.0f}% (the rest is memory-mapped Arrow pages,"
        " page cache the kernel can drop)"
    )
    f = r["first"]
    print(
        f"  first run: judge {f.get('difficulty_rows_per_s', 0):.0f} rows/s (tiny judge, OMP_NUM_THREADS="
        f"{r['omp_num_threads']}), length {f.get('length_rows_per_s', 0):.0f} rows/s at "
        f"{r['mean_length_tokens_per_row']:.0f} tokens/row; re-rank wall = {100 * r['rerank_over_first_wall']:.1f}%"
        " of the first run"
    )
    print(
        f"  one-off pool build (synthetic generation): {pb['wall_s']:.0f}s, peak RSS {pb['ru_maxrss_kb'] / 2**20:.2f}"
        f" GiB; pool regenerated by select: first={r['first']['pool_regenerated']}, "
        f"rerank={r['rerank']['pool_regenerated']}"
    )


# --------------------------------------------------------------------------------------------------
# (d) GPU arithmetic
# --------------------------------------------------------------------------------------------------


def bench_gpu(args, work: Path, results: dict) -> None:
    import numpy as np
    from transformers import AutoTokenizer

    from s2r_hf.prompts import JUDGE_SYSTEM_PROMPT
    from s2r_hf.synthetic import build_tiny_judge, openr1_rows

    if args.gpu_prompt_tokens:
        mean_tokens, source = float(args.gpu_prompt_tokens), "given (--gpu-prompt-tokens)"
    else:
        tiny_path = build_tiny_judge(work / "tiny-judge")
        tokenizer = AutoTokenizer.from_pretrained(tiny_path)
        scorer = make_scorer(tokenizer, None, None, 1024, JUDGE_SYSTEM_PROMPT)
        problems = [r["problem"] for r in openr1_rows(args.gpu_sample_rows, seed=args.seed)]
        mean_tokens = float(np.mean([len(x) for x in scorer.encode(problems)]))
        source = (
            f"measured: judge chat prompt of {args.gpu_sample_rows} synthetic problems, tiny-judge tokenizer "
            "(vocab 512: more tokens per word than Qwen's; real OpenR1 problems are longer: pass "
            "--gpu-prompt-tokens to override)"
        )
    nonemb, config = meta_non_embedding_params(args.gpu_model)
    q = args.gpu_questions
    tokens = q * mean_tokens
    body = 2.0 * nonemb * tokens
    head = 2.0 * config.hidden_size * config.vocab_size * q
    # causal attention scores + values: 2 matmuls x 2 FLOP x L x T^2/2 x (heads x head_dim = hidden), per row
    attn = 2.0 * config.num_hidden_layers * mean_tokens**2 * config.hidden_size * q
    total = body + head
    rate = args.gpu_peak_tflops * 1e12 * args.gpu_mfu
    out = {
        "model": f"Qwen2.5-{args.gpu_model.upper()}-Instruct",
        "non_embedding_params": nonemb,
        "questions": q,
        "mean_prompt_tokens": mean_tokens,
        "prompt_tokens_source": source,
        "prompt_tokens_total": tokens,
        "flops_non_embedding": body,
        "flops_lm_head_last_position": head,
        "flops_total": total,
        "flops_attention_extra_not_in_total": attn,
        "gpu_name": args.gpu_name,
        "gpu_peak_tflops_dense_bf16": args.gpu_peak_tflops,
        "assumed_mfu": args.gpu_mfu,
        "seconds_1_gpu": total / rate,
        "gpus": args.gpu_count,
        f"seconds_{args.gpu_count}_gpus": total / rate / args.gpu_count,
    }
    judge = results.get("judge")
    if judge and judge["judge_size"] != "tiny":  # a 64-wide model's FLOP rate says nothing about a 1.5B one
        achieved = judge["engine_fp32"]["gflop_per_s"] * 1e9
        out["cpu_this_host_seconds_at_measured_engine_rate"] = total / achieved
        out["cpu_rate_source"] = (
            f"fp32 engine, {judge['engine_fp32']['gflop_per_s']:.1f} GFLOP/s measured on the "
            f"{judge['judge_size']} shape"
        )
    results["gpu"] = out


def print_gpu(r: dict) -> None:
    n, peak = r["gpus"], r["gpu_peak_tflops_dense_bf16"]
    rows = [
        ["mean judge prompt tokens", f"{r['mean_prompt_tokens']:.1f}"],
        ["non-embedding params", f"{r['non_embedding_params'] / 1e9:.3f} B"],
        ["prefill FLOPs 2*N*tokens", f"{r['flops_non_embedding']:.3e}"],
        ["LM head, one position/row", f"{r['flops_lm_head_last_position']:.3e}"],
        ["total FLOPs", f"{r['flops_total']:.3e}"],
        ["(attention, not in total)", f"{r['flops_attention_extra_not_in_total']:.3e}"],
        [f"1 {r['gpu_name']} @ {peak:.0f} TF x {100 * r['assumed_mfu']:.0f}% MFU", dur(r["seconds_1_gpu"])],
        [f"{n} {r['gpu_name']}s", dur(r[f"seconds_{n}_gpus"])],
    ]
    if "cpu_this_host_seconds_at_measured_engine_rate" in r:
        rows.append(["this CPU at the measured engine rate", dur(r["cpu_this_host_seconds_at_measured_engine_rate"])])
    print_table(f"(d) GPU arithmetic: {r['model']} judging {r['questions']:,} questions", ["quantity", "value"], rows)
    print(f"  prompt length: {r['prompt_tokens_source']}")


# --------------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    p = make_parser(
        "bench_select.py",
        __doc__,
        SECTIONS,
        "benchmarks/results.json",
        "Small sizes (~1.5 min): tiny judge, few rows, 2000-row e2e.",
    )
    p.add_argument("--seed", type=int, default=0, help="Seed of the synthetic rows and the random model.")
    p.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's, = cores here).")
    g = p.add_argument_group("judge (a)")
    g.add_argument(
        "--judge-size",
        choices=("tiny", "0.5b", "1.5b"),
        default=None,
        help="Random Qwen2 shape: Qwen2.5-0.5B (hidden 896, 24 layers), 1.5B (1536, 28) or the tiny judge. "
        "[0.5b | tiny]",
    )
    g.add_argument("--judge-rows", type=int, default=None, help="Rows for fp32 engine vs naive. [32 | 64]")
    g.add_argument(
        "--judge-rows-from",
        choices=("median", "first"),
        default="median",
        help="median: rows around the median length of the length-sorted --pool-sample-rows problems, as a "
        "batch of a large sorted pool holds them (padding ~0, as in production); first: the pool's first rows "
        "(a few dozen rows sort badly: 10-20%% padding).",
    )
    g.add_argument("--bf16-rows", type=int, default=None, help="Rows for the bf16 engine (0: skip). [4 | 16]")
    g.add_argument("--sweep-rows", type=int, default=None, help="Rows per budget in the sweep. [32 | 64]")
    g.add_argument(
        "--sweep-budgets",
        default=",".join(map(str, SWEEP_DEFAULT)),
        help="Comma-separated judge batch-token budgets to sweep.",
    )
    g.add_argument("--sweep-rounds", type=int, default=None, help="Sweep rounds (order reversed); best kept. [2 | 1]")
    g.add_argument(
        "--pool-sample-rows",
        type=int,
        default=5000,
        help="Problems encoded to measure padding at pool scale and to pick the near-median-length rows.",
    )
    g.add_argument("--batch-tokens", type=int, default=1024, help="Engine budget for engine-vs-naive (CPU default).")
    g.add_argument("--rounds", type=int, default=4, help="Blocks that interleave engine and naive (alternating order).")
    g = p.add_argument_group("length (b)")
    g.add_argument("--length-rows", type=int, default=None, help="Traces to score. [2000 | 200]")
    g.add_argument(
        "--max-think-words", type=int, default=None, help="openr1_dataset trace length cap, words. [6000 | 3000]"
    )
    g.add_argument("--length-repeats", type=int, default=None, help="Repeats per method; best is kept. [2 | 1]")
    g = p.add_argument_group("end to end (c)")
    g.add_argument("--e2e-rows", type=int, default=None, help="Synthetic pool rows for `s2r select`. [220000 | 2000]")
    g.add_argument(
        "--e2e-threads",
        type=int,
        default=1,
        help="OMP_NUM_THREADS/MKL_NUM_THREADS for the CLI runs; 0 leaves them unset (torch then uses every core). "
        "1 by default: the tiny judge's 64-wide ops gain nothing from threads and, on a loaded 2-core host, "
        "2 threads made it 10-28x slower (OpenMP barriers), which would bury the data path this section measures.",
    )
    g.add_argument("--rerank-weight", type=float, default=0.5, help="--weight of the second (re-rank) run.")
    g.add_argument(
        "--e2e-extra-args",
        nargs=argparse.REMAINDER,
        default=[],
        help="Everything after this goes to both `s2r select` runs (must come last).",
    )
    g = p.add_argument_group("GPU arithmetic (d)")
    g.add_argument("--gpu-model", choices=("0.5b", "1.5b"), default="1.5b", help="Qwen2.5-Instruct judge size.")
    g.add_argument("--gpu-questions", type=int, default=196000, help="Questions to judge (OpenR1-Math).")
    g.add_argument(
        "--gpu-prompt-tokens",
        type=float,
        default=None,
        help="Mean judge prompt tokens (default: measured on the synthetic pool with the tiny tokenizer).",
    )
    g.add_argument("--gpu-sample-rows", type=int, default=5000, help="Problems to measure the prompt length on.")
    add_gpu_hardware_args(g, mfu_help="Assumed model FLOP utilisation on the GPU.")
    args = p.parse_args(argv)
    finish_args(p, args, PROFILES, SECTIONS)
    args.sweep_budgets = [int(x) for x in args.sweep_budgets.split(",") if x.strip()]
    require_positive(
        p, args, ("judge_rows", "sweep_rows", "sweep_rounds", "length_rows", "e2e_rows", "length_repeats", "rounds")
    )
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    work = prepare_run(args, "s2r-bench-")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)

    out, results = start_results(args, SECTIONS, keep_seconds=True)
    h = results["host"]
    print(
        f"host: {h.get('cpu_model')} ({h['cpu_count']} cores, flags {' '.join(h.get('cpu_flags', []))}), "
        f"torch {h['versions'].get('torch')} {h['torch_threads']} threads, native bf16: {h['mkldnn_bf16_supported']}; "
        f"load average {results['loadavg_start']}",
        flush=True,
    )
    steps = {"judge": bench_judge, "length": bench_length, "e2e": bench_e2e, "gpu": bench_gpu}
    run_sections(args, work, out, results, SECTIONS, steps, run_extra={"torch_threads": h["torch_threads"]})
    printers = {"judge": print_judge, "length": print_length, "e2e": print_e2e, "gpu": print_gpu}
    print_results(results, out, SECTIONS, printers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
