#!/usr/bin/env python
"""Performance benchmark of `s2r select`, always as ratios to a naive baseline timed in the same process.

Sections (``--sections``, default all):

judge   The difficulty judge engine (``JudgeScorer.score``: length-sorted batches under a token budget,
        LM head on each row's last position only) against a NAIVE loop calling
        ``model.generate(max_new_tokens=1, output_scores=True, return_dict_in_generate=True)`` one row at a
        time, same model, same rows, same process, in interleaved blocks (alternating order). The model is a
        RANDOMLY INITIALISED Qwen2 with Qwen2.5-0.5B/1.5B-Instruct's shapes (nothing is downloaded) or the
        built-in tiny judge; the tokenizer is the tiny judge's. Reports rows/s, prompt tokens/s, engine/naive
        ratio, max |dp| engine vs naive (fp32), model FLOP utilisation against a matmul peak measured here,
        the bf16 engine next to the fp32 one on the same rows, fp32 on one thread, and a batch-token budget
        sweep. The timed rows are a near-median-length window of --pool-sample-rows length-sorted synthetic
        problems: what one batch of a large sorted pool holds (padding at pool scale is reported too).
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

Run time on the 2-core reference host: the full default ~35 min, of which the 220k-row end-to-end section is
~25 min (pass --e2e-rows 20000 for a ~15 min run); --quick well under a minute.

    python benchmarks/bench_select.py --quick --out /tmp/results.json
    python benchmarks/bench_select.py                        # writes benchmarks/results.json + README table
    python benchmarks/bench_select.py --sections judge --judge-size 1.5b --judge-rows 16 --merge
"""

from __future__ import annotations

import copy
import gc
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # sibling module: the benchmarks' shared harness
    GPU_HARDWARE,
    JUDGE_SHAPES,
    REPO,
    Benchmark,
    Section,
    Table,
    Timer,
    csv,
    dur,
    matmul_peak,
    meta_non_embedding_params,
    non_embedding_params,
    pct,
    ratio,
)

# Sizes: (full default, --quick). An option given explicitly always wins.
PROFILES = {
    "judge_size": ("0.5b", "tiny"),
    "judge_rows": (32, 8),
    "bf16_rows": (4, 4),
    "sweep_rows": (32, 8),
    "sweep_rounds": (2, 1),
    "sweep_budgets": ([256, 512, 1024, 2048, 4096], [256, 1024]),
    "rounds": (4, 2),
    "pool_sample_rows": (5000, 300),
    "length_rows": (2000, 40),
    "max_think_words": (6000, 1000),
    "length_repeats": (2, 1),
    "e2e_rows": (220000, 150),
    "gpu_sample_rows": (5000, 300),
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
# judge
# --------------------------------------------------------------------------------------------------


def qwen2_config(size: str, tiny_path: Path):
    """The judge's config: a Qwen2.5-Instruct shape (JUDGE_SHAPES), or "tiny" = the built-in tiny judge's."""
    from transformers import Qwen2Config

    if size == "tiny":
        return Qwen2Config.from_pretrained(tiny_path)
    extra = {"max_position_embeddings": 32768, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0}
    return Qwen2Config(
        **JUDGE_SHAPES[size], **extra, use_sliding_window=False, bos_token_id=151643, eos_token_id=151645
    )


def naive_judge(model, tokenizer, problems: list[str], one_id: int, zero_id: int):
    """The obvious loop: chat template, ``generate`` one new token per row, softmax of its scores."""
    import torch

    from s2r_hf.prompts import JUDGE_SYSTEM_PROMPT, judge_messages

    out, ids_all = [], []
    for problem in problems:
        messages = judge_messages(problem, JUDGE_SYSTEM_PROMPT)
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
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


def make_scorer(tokenizer, model, dtype, budget: int):
    from s2r_hf.prompts import JUDGE_SYSTEM_PROMPT
    from s2r_hf.scoring.difficulty import JudgeScorer

    return JudgeScorer(
        tokenizer,
        lambda: model,
        judge="bench-random-qwen2",
        identity="random",
        dtype=dtype,
        system_prompt=JUDGE_SYSTEM_PROMPT,
        batch_tokens=budget,
        max_batch_rows=512,
    )


def padded_tokens(lengths, budget: int) -> tuple[int, int]:
    from s2r_hf.scoring.difficulty import plan_batches

    batches = plan_batches(lengths, budget, 512)
    return sum(len(b) * int(lengths[b].max()) for b in batches), len(batches)


class JudgeBench:
    """The model, the rows and the rates shared by the judge measurements."""

    def __init__(self, args, work: Path):
        import numpy as np
        import torch
        from transformers import AutoTokenizer, Qwen2ForCausalLM

        from s2r_hf.synthetic import build_tiny_judge, openr1_rows

        self.args, self.threads = args, torch.get_num_threads()
        tiny_path = build_tiny_judge(work / "tiny-judge")
        self.tokenizer = AutoTokenizer.from_pretrained(tiny_path)
        self.config = qwen2_config(args.judge_size, tiny_path)
        assert self.config.vocab_size >= len(self.tokenizer), "model vocab must cover the tokenizer's ids"
        n = max(args.judge_rows, args.bf16_rows, args.sweep_rows, args.pool_sample_rows)
        self.sample = [r["problem"] for r in openr1_rows(n, seed=args.seed)]
        encoder = make_scorer(self.tokenizer, None, torch.float32, args.batch_tokens)
        self.lengths = np.array([len(x) for x in encoder.encode(self.sample)])
        self.by_length = np.argsort(self.lengths, kind="stable")
        self.peak_shape = (self.config.hidden_size, self.config.intermediate_size)
        self.peaks = [matmul_peak(*self.peak_shape, torch.float32)]  # sampled again before every timed block
        self.peak16 = matmul_peak(*self.peak_shape, torch.bfloat16, reps=3, iters=3)
        torch.manual_seed(args.seed)
        t = time.perf_counter()
        self.model = Qwen2ForCausalLM(self.config).eval()
        gen, tok = self.model.generation_config, self.tokenizer
        gen.pad_token_id, gen.eos_token_id, gen.bos_token_id = tok.pad_token_id, tok.eos_token_id, None
        self.init_s = time.perf_counter() - t
        self.nonemb = non_embedding_params(self.model)
        self.engine = make_scorer(self.tokenizer, self.model, torch.float32, args.batch_tokens)
        print(
            f"[judge] random Qwen2 {args.judge_size}: {self.nonemb / 1e6:.1f}M non-embedding params; peak fp32 "
            f"{self.peaks[0]:.1f}, bf16 {self.peak16:.1f} GFLOP/s",
            flush=True,
        )

    def pick(self, n: int) -> list[int]:
        """n rows around the median of the length-sorted sample (a batch of a large sorted pool), or the first n."""
        if self.args.judge_rows_from == "first":
            return list(range(n))
        lo = max(0, len(self.by_length) // 2 - n // 2)
        return self.by_length[lo : lo + n].tolist()

    def sample_peak(self) -> None:
        import torch

        self.peaks.append(matmul_peak(*self.peak_shape, torch.float32, reps=2, iters=4))

    def entry(self, name: str, rows: int, tokens: int, wall: float, cpu: float, load: float) -> dict:
        return {
            "name": name,
            "rows": rows,
            "prompt_tokens": tokens,
            "seconds": wall,
            "rows_per_s": rows / wall,
            "tokens_per_s": tokens / wall,
            "gflop_per_s": 2.0 * self.nonemb * tokens / wall / 1e9,
            "cpu_share": cpu / wall / self.threads,
            "max_loadavg": load,
        }


def engine_vs_naive(jb: JudgeBench, idx: list[int]) -> dict:
    """fp32 engine and naive loop on the same rows, interleaved in blocks (order alternating)."""
    import numpy as np

    rows = [jb.sample[i] for i in idx]
    jb.engine.score(rows[:2])  # warm-up (oneDNN primitives, first allocations): untimed
    naive_judge(jb.model, jb.tokenizer, rows[:1], jb.engine.one_id, jb.engine.zero_id)
    blocks = np.array_split(np.arange(len(rows)), max(1, min(jb.args.rounds, len(rows))))
    acc = {w: {"wall": 0.0, "cpu": 0.0, "tokens": 0, "load": 0.0, "p": np.empty(len(rows))} for w in ("e", "n")}
    same_ids, block_ratios = True, []
    for k, block in enumerate(blocks):
        part, walls, ids = [rows[i] for i in block], {}, {}
        for which in ("e", "n") if k % 2 == 0 else ("n", "e"):
            jb.sample_peak()
            with Timer(jb.threads) as tm:
                if which == "e":
                    got = jb.engine.score(part)
                    p, tokens, ids[which] = got["difficulty"], int(sum(got["prompt_tokens"])), None
                else:
                    p, ids[which] = naive_judge(jb.model, jb.tokenizer, part, jb.engine.one_id, jb.engine.zero_id)
                    tokens = sum(len(x) for x in ids[which])
            a, walls[which] = acc[which], tm.wall
            a["wall"], a["cpu"], a["tokens"] = a["wall"] + tm.wall, a["cpu"] + tm.cpu, a["tokens"] + tokens
            a["load"], a["p"][block] = max(a["load"], tm.load), p
        same_ids = same_ids and jb.engine.encode(part) == ids["n"]
        block_ratios.append(walls["n"] / walls["e"])
        print(f"[judge] block {k + 1}/{len(blocks)}: engine/naive {block_ratios[-1]:.2f}x", flush=True)
    lengths = jb.lengths[idx]
    pads = [padded_tokens(lengths[b], jb.args.batch_tokens) for b in blocks]
    e, n = (
        jb.entry(name, len(rows), **{k: acc[w][k] for k in ("tokens", "wall", "cpu", "load")})
        for w, name in (("e", "engine fp32"), ("n", "naive generate fp32"))
    )
    e["padding_waste"], e["batches"] = 1 - lengths.sum() / sum(p for p, _ in pads), sum(b for _, b in pads)
    return {
        "engine_fp32": e,
        "naive_fp32": n,
        "engine_over_naive_rows_per_s": e["rows_per_s"] / n["rows_per_s"],
        "engine_over_naive_per_block": block_ratios,
        "engine_over_naive_median_of_blocks": float(np.median(block_ratios)),
        "max_abs_dp_engine_vs_naive_fp32": float(np.max(np.abs(acc["e"]["p"] - acc["n"]["p"]))),
        "same_token_ids": same_ids,
        "mean_prompt_tokens": float(lengths.mean()),
    }


def bf16_and_threads(jb: JudgeBench) -> dict:
    """The bf16 engine next to the fp32 engine on the same rows; the fp32 engine on one thread."""
    import numpy as np
    import torch

    rows = [jb.sample[i] for i in jb.pick(jb.args.bf16_rows)]
    model16 = copy.deepcopy(jb.model).to(torch.bfloat16).eval()
    engine16 = make_scorer(jb.tokenizer, model16, torch.bfloat16, jb.args.batch_tokens)
    engine16.score(rows[:1])  # warm-up
    jb.sample_peak()
    with Timer(jb.threads) as t32:
        got32 = jb.engine.score(rows)
    with Timer(jb.threads) as t16:
        got16 = engine16.score(rows)
    toks = int(sum(got16["prompt_tokens"]))
    fp32 = jb.entry("engine fp32 (bf16 rows)", len(rows), toks, t32.wall, t32.cpu, t32.load)
    bf16 = jb.entry("engine bf16", len(rows), toks, t16.wall, t16.cpu, t16.load)
    d16, d32 = np.array(got16["difficulty"]), np.array(got32["difficulty"])
    bf16.update(
        mfu_vs_measured_bf16_peak=bf16["gflop_per_s"] / jb.peak16,
        bf16_over_fp32_speed=t32.wall / t16.wall,
        max_abs_dp_vs_fp32_engine=float(np.max(np.abs(d16 - d32))),
        # issue 14: the LM head runs in fp32 for a bf16 judge too, so bf16 scores do not collapse into ties
        mean_abs_dp_vs_fp32_engine=float(np.mean(np.abs(d16 - d32))),
        distinct_fraction=len(np.unique(d16)) / len(d16),
    )
    fp32["distinct_fraction"] = len(np.unique(d32)) / len(d32)
    one = None
    if jb.threads > 1:  # what do torch's intra-op threads give here?
        torch.set_num_threads(1)
        try:
            with Timer(1) as t1:
                jb.engine.score(rows)
        finally:
            torch.set_num_threads(jb.threads)
        one = jb.entry("engine fp32, 1 thread (bf16 rows)", len(rows), toks, t1.wall, t1.cpu * jb.threads, t1.load)
        one["cpu_share"] = t1.cpu_share
    del model16, engine16
    gc.collect()
    return {"engine_fp32_on_bf16_rows": fp32, "engine_bf16": bf16, "engine_fp32_1thread_on_bf16_rows": one}


def budget_sweep(jb: JudgeBench, naive_tokens_per_s: float) -> list[dict]:
    """The fp32 engine at each batch-token budget on near-median rows (padding does not confound); best of rounds."""
    import torch

    window = jb.pick(jb.args.sweep_rows)
    rows, lengths = [jb.sample[i] for i in window], jb.lengths[window]
    best: dict[int, dict] = {}
    for rnd in range(jb.args.sweep_rounds):
        for budget in jb.args.sweep_budgets if rnd % 2 == 0 else jb.args.sweep_budgets[::-1]:
            scorer = make_scorer(jb.tokenizer, jb.model, torch.float32, budget)
            jb.sample_peak()
            with Timer(jb.threads) as tm:
                got = scorer.score(rows)
            toks = int(sum(got["prompt_tokens"]))
            pad, nb = padded_tokens(lengths, budget)
            point = jb.entry(f"budget {budget}", len(rows), toks, tm.wall, tm.cpu, tm.load)
            point.update(
                batch_tokens=budget,
                mean_prompt_tokens=float(lengths.mean()),
                batches=nb,
                mean_rows_per_batch=len(rows) / nb,
                padding_waste=1 - lengths.sum() / pad,
                over_naive_tokens_per_s=toks / tm.wall / naive_tokens_per_s,
            )
            if budget not in best or point["seconds"] < best[budget]["seconds"]:
                best[budget] = point
    return [best[b] for b in jb.args.sweep_budgets]


def bench_judge(args, work: Path, results: dict) -> dict:
    import torch

    jb = JudgeBench(args, work)
    pad_pool, nb_pool = padded_tokens(jb.lengths, args.batch_tokens)
    record = engine_vs_naive(jb, jb.pick(args.judge_rows))
    if args.bf16_rows > 0:
        record.update(bf16_and_threads(jb))
    sweep = budget_sweep(jb, record["naive_fp32"]["tokens_per_s"])
    jb.sample_peak()
    torch.set_num_threads(1)
    try:
        peak32_1t = matmul_peak(*jb.peak_shape, torch.float32)
    finally:
        torch.set_num_threads(jb.threads)
    peak32 = max(jb.peaks)
    timed = ("engine_fp32", "naive_fp32", "engine_fp32_on_bf16_rows", "engine_bf16", "engine_fp32_1thread_on_bf16_rows")
    for item in [record.get(k) for k in timed] + sweep:
        if item is not None:
            item["mfu_vs_measured_fp32_peak"] = item["gflop_per_s"] / peak32
    size = args.judge_size
    return {
        "model": f"random Qwen2 with {'the tiny judge' if size == 'tiny' else 'Qwen2.5-' + size.upper()}'s shapes",
        "judge_size": size,
        "config": {k: getattr(jb.config, k) for k in JUDGE_SHAPES["0.5b"]},
        "params": sum(p.numel() for p in jb.model.parameters()),
        "non_embedding_params": jb.nonemb,
        "init_seconds": jb.init_s,
        "tokenizer": f"tiny judge BPE (vocab {len(jb.tokenizer)})",
        "torch_threads": jb.threads,
        "batch_tokens": args.batch_tokens,
        "matmul_peak_shape": [1024, *jb.peak_shape],
        "matmul_peak_gflops_fp32": peak32,
        "matmul_peak_gflops_fp32_samples": jb.peaks,
        "matmul_peak_gflops_fp32_1thread": peak32_1t,
        "matmul_peak_gflops_bf16": jb.peak16,
        "bf16_over_fp32_matmul": jb.peak16 / peak32,
        "rows_from": args.judge_rows_from,
        "padding_waste_at_pool_scale": {
            "rows": len(jb.lengths),
            "batch_tokens": args.batch_tokens,
            "batches": nb_pool,
            "padding_waste": 1 - jb.lengths.sum() / pad_pool,
        },
        **record,
        "sweep_rounds": args.sweep_rounds,
        "budget_sweep_fp32": sweep,
    }


def judge_tables(r: dict) -> list[Table]:
    naive = r["naive_fp32"]["tokens_per_s"]
    keys = ("engine_fp32", "naive_fp32", "engine_fp32_on_bf16_rows", "engine_bf16", "engine_fp32_1thread_on_bf16_rows")
    runs = [r[k] for k in keys if r.get(k)]
    common = {"s": "seconds", "rows/s": "rows_per_s", "tok/s": "tokens_per_s"}
    loads = {"MFU fp32pk": lambda e: pct(e["mfu_vs_measured_fp32_peak"]), "cpu": lambda e: pct(e["cpu_share"], 0)}
    b = r.get("engine_bf16") or {}
    pool = r["padding_waste_at_pool_scale"]
    notes = [
        f"engine/naive rows/s {ratio(r['engine_over_naive_rows_per_s'])} overall, "
        f"{ratio(r.get('engine_over_naive_median_of_blocks'))} median of blocks; max |dp| engine vs naive (fp32) "
        f"{r['max_abs_dp_engine_vs_naive_fp32']:.2e}; same token ids: {r['same_token_ids']}",
        f"padding: {pct(r['engine_fp32']['padding_waste'], 2)} timed rows, {pct(pool['padding_waste'], 2)} over "
        f"{pool['rows']} sorted problems; matmul peak fp32 {r['matmul_peak_gflops_fp32']:.1f} (1 thread "
        f"{r['matmul_peak_gflops_fp32_1thread']:.1f}), bf16 {r['matmul_peak_gflops_bf16']:.1f} GFLOP/s",
    ]
    if b:
        notes.append(
            f"bf16 engine = {ratio(b['bf16_over_fp32_speed'])} the fp32 engine (|dp| max "
            f"{b['max_abs_dp_vs_fp32_engine']:.1e}, mean {b.get('mean_abs_dp_vs_fp32_engine', float('nan')):.1e}; "
            f"distinct scores {pct(b.get('distinct_fraction'))})"
        )
    title = (
        f"judge: {r['model']}, {r['non_embedding_params'] / 1e6:.0f}M non-emb params, {r['torch_threads']} "
        f"threads, budget {r['batch_tokens']} tokens"
    )
    over = {"x naive": lambda e: ratio(e["tokens_per_s"] / naive)}
    sweep_cols = {"budget": "batch_tokens", "batches": "batches", "pad": lambda s: pct(s["padding_waste"], 2)}
    sweep_cols.update({**common, "x naive": lambda s: ratio(s["over_naive_tokens_per_s"]), **loads})
    return [
        Table.of(
            title, runs, {"run": "name", "rows": "rows", "tokens": "prompt_tokens", **common, **over, **loads}, notes
        ),
        Table.of(
            f"judge fp32 engine: batch-token budget sweep, best of {r['sweep_rounds']}",
            r["budget_sweep_fp32"],
            sweep_cols,
        ),
    ]


def judge_summary(r: dict) -> list[list]:
    rows = [
        [f"engine / naive fp32 generate, rows/s ({r['model']})", ratio(r["engine_over_naive_rows_per_s"])],
        ["max |dp| engine vs naive (fp32)", f"{r['max_abs_dp_engine_vs_naive_fp32']:.1e}"],
    ]
    if r.get("engine_bf16"):
        rows.append(["bf16 engine / fp32 engine, same rows", ratio(r["engine_bf16"]["bf16_over_fp32_speed"])])
    best = max(r["budget_sweep_fp32"], key=lambda s: s["tokens_per_s"])
    rows.append(
        ["fastest batch-token budget", f"{best['batch_tokens']} ({ratio(best['over_naive_tokens_per_s'])} naive)"]
    )
    return rows


def judge_checks(r: dict) -> dict[str, bool]:
    return {
        "engine and naive scores agree in fp32 (|dp| < 1e-4)": r["max_abs_dp_engine_vs_naive_fp32"] < 1e-4,
        "engine and naive tokenise alike": r["same_token_ids"],
    }


# --------------------------------------------------------------------------------------------------
# length
# --------------------------------------------------------------------------------------------------


def bench_length(args, work: Path, results: dict) -> dict:
    import datasets
    import numpy as np
    from transformers import AutoTokenizer

    from s2r_hf.configs import DEFAULT_RETHINK_MARKERS
    from s2r_hf.io import column
    from s2r_hf.pools import normalise
    from s2r_hf.scoring.length import load_length_tokenizer, measure_lengths
    from s2r_hf.synthetic import build_tiny_judge, openr1_dataset

    tiny_path, root = build_tiny_judge(work / "tiny-judge"), work / "length"
    raw = openr1_dataset(
        args.length_rows, seed=args.seed, cache_dir=str(root / "gen"), max_think_words=args.max_think_words
    )
    base = root / "base"
    normalise(raw)[0].save_to_disk(str(base))
    backend = load_length_tokenizer(str(tiny_path))  # what the CLI uses: the fast backend
    fast = AutoTokenizer.from_pretrained(tiny_path)  # a PreTrainedTokenizerFast

    def measure(ds, num_proc):
        if num_proc is None:
            return [len(fast(text)["input_ids"]) for text in ds["response"]]
        markers = list(DEFAULT_RETHINK_MARKERS)
        out = measure_lengths(ds, unit="tokens", markers=markers, tokenizer=backend, num_proc=num_proc)
        return column(out, "length")

    methods = [("naive loop (PreTrainedTokenizerFast per row)", None), ("map num_proc=1", 1), ("map num_proc=2", 2)]
    best, totals = {}, {}
    for rep in range(args.length_repeats):
        for name, num_proc in methods if rep % 2 == 0 else methods[::-1]:
            target = root / "run"  # a fresh copy: the map cache cannot hide work
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(base, target)
            ds = datasets.load_from_disk(str(target))
            with Timer(2 if num_proc else 1) as tm:
                total = totals[name] = int(np.sum(measure(ds, num_proc)))
            row = {"name": name, "num_proc": num_proc, "rows": len(ds), "tokens": total, "seconds": tm.wall}
            row.update(rows_per_s=len(ds) / tm.wall, tokens_per_s=total / tm.wall, max_loadavg=tm.load)
            row.update(cpu_share_of_2_cores=tm.cpu / tm.wall / 2)
            row["map_cache_files_written"] = len(list(target.glob("cache-*.arrow")))
            if name not in best or row["seconds"] < best[name]["seconds"]:
                best[name] = row
            del ds
    for row in best.values():
        row["over_naive"] = row["rows_per_s"] / best[methods[0][0]]["rows_per_s"]
    chars = datasets.load_from_disk(str(base)).with_format("arrow")["response"].to_pylist()
    n = best[methods[0][0]]["rows"]
    return {
        "rows": n,
        "max_think_words": args.max_think_words,
        "tokenizer": f"tiny judge BPE (vocab {len(fast)}); its tiny vocab gives more tokens per row than Qwen's",
        "mean_tokens_per_row": totals[methods[0][0]] / n,
        "mean_chars_per_row": float(np.mean([len(s) for s in chars])),
        "token_counts_agree": len(set(totals.values())) == 1,
        "repeats": args.length_repeats,
        "TOKENIZERS_PARALLELISM": os.environ.get("TOKENIZERS_PARALLELISM"),
        "runs_best_of_repeats": list(best.values()),
    }


def length_tables(r: dict) -> list[Table]:
    title = (
        f"length scoring: {r['rows']} traces, mean {r['mean_tokens_per_row']:.0f} tokens "
        f"({r['mean_chars_per_row']:.0f} chars) per row, best of {r['repeats']}"
    )
    columns = {"method": "name", "rows": "rows", "s": "seconds", "rows/s": "rows_per_s", "tok/s": "tokens_per_s"}
    columns.update({"x naive": lambda x: ratio(x["over_naive"]), "cpu": lambda x: pct(x["cpu_share_of_2_cores"], 0)})
    note = f"token counts agree across methods: {r['token_counts_agree']}; tokenizer: {r['tokenizer']}"
    return [Table.of(title, r["runs_best_of_repeats"], {**columns, "load": "max_loadavg"}, [note])]


def length_summary(r: dict) -> list[list]:
    return [
        [f"{x['name']} / naive per-row loop, rows/s", ratio(x["over_naive"])] for x in r["runs_best_of_repeats"][1:]
    ]


# --------------------------------------------------------------------------------------------------
# e2e
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


def select_run(cmd: list[str], env: dict, root: Path, tag: str) -> dict:
    """One `s2r select` run, measured; its stage timings and counts from the manifest."""
    res = run_measured(cmd, env, root / f"select-{tag}.log", tag)
    manifest = json.loads((root / f"out-{tag}" / "manifest.json").read_text())
    res["stage_timings_s"] = stages = manifest.get("timings_s") or {}
    res["counts"] = {k: manifest["counts"].get(k) for k in ("pool_rows", "scored", "selected", "pool_length_sum")}
    for stage in ("difficulty", "length"):
        if stages.get(stage):
            res[f"{stage}_rows_per_s"] = res["counts"]["scored"] / stages[stage]
    res["command"] = " ".join(cmd[1:])
    res["pool_regenerated"] = "Generating train split" in (root / f"select-{tag}.log").read_text(errors="replace")
    return res


def bench_e2e(args, work: Path, results: dict) -> dict:
    root = work / "e2e"
    cache = root / "cache"
    root.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HF_DATASETS_CACHE": str(root / "hf-datasets-cache"), "TQDM_MININTERVAL": "10"}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
    if args.e2e_threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(args.e2e_threads)
    n = args.e2e_rows
    # The synthetic pool, built once as load_pool builds it (a real pool is downloaded once too): not part of select.
    build = (
        "from s2r_hf.synthetic import openr1_dataset; "
        f"print(len(openr1_dataset({n}, seed=0, cache_dir={str(cache / 'datasets')!r})))"
    )
    print(f"[e2e] building the {n}-row synthetic pool (one-off, not part of select) ...", flush=True)
    pool_build = run_measured([sys.executable, "-c", build], env, root / "pool-build.log", "pool build")
    pool_arrow = dir_bytes(cache / "datasets", "generator-*.arrow")
    base = [sys.executable, "-m", "s2r_hf.cli", "select", "--pool", "s2r:synthetic-openr1", "--synthetic-rows", str(n)]
    base += ["--judge", "s2r:tiny-judge", "--decontam-benchmarks", "s2r:synthetic-benchmark", "--cache-dir", str(cache)]
    runs = {}
    for tag, extra in (("first", []), ("rerank", ["--weight", str(args.rerank_weight)])):
        print(f"[e2e] s2r select, {tag} run ...", flush=True)
        cmd = [*base, *args.e2e_extra_args, "--output-dir", str(root / f"out-{tag}"), *extra]
        runs[tag] = select_run(cmd, env, root, tag)
    first = runs["first"]
    return {
        "rows": n,
        "omp_num_threads": env.get("OMP_NUM_THREADS"),
        "pool_arrow_bytes": pool_arrow,
        "derived_map_cache_arrow_bytes": dir_bytes(cache / "datasets", "cache-*.arrow"),
        "score_cache_bytes": dir_bytes(cache / "scores"),
        "pool_build": pool_build,
        **runs,
        "mean_length_tokens_per_row": first["counts"]["pool_length_sum"] / first["counts"]["scored"],
        "peak_rss_over_pool_arrow": first["ru_maxrss_kb"] * 1024 / max(pool_arrow, 1),
        "peak_rss_anon_over_pool_arrow": first["sampled_max_RssAnon_kb"] * 1024 / max(pool_arrow, 1),
        "rerank_over_first_wall": runs["rerank"]["wall_s"] / first["wall_s"],
    }


def e2e_tables(r: dict) -> list[Table]:
    def stage(name):
        return lambda x: (x.get("stage_timings_s") or {}).get(name)

    def gib(key):
        return lambda x: x[key] / 2**20

    columns = {
        "run": lambda x: x["tag"],
        "wall s": "wall_s",
        "load+norm+decontam s": stage("load_normalise_decontaminate"),
    }
    columns.update({"difficulty s": stage("difficulty"), "length s": stage("length"), "in-CLI s": stage("total")})
    columns.update({"peak RSS GiB": gib("ru_maxrss_kb"), "RssAnon GiB": gib("sampled_max_RssAnon_kb")})
    columns.update({"RssFile GiB": gib("sampled_max_RssFile_kb"), "selected": lambda x: x["counts"]["selected"]})
    f = r["first"]
    notes = [
        f"pool Arrow {r['pool_arrow_bytes'] / 2**30:.2f} GiB; first run peak RSS = "
        f"{pct(r['peak_rss_over_pool_arrow'], 0)} of it, anonymous {pct(r['peak_rss_anon_over_pool_arrow'], 0)} "
        "(the rest is page cache of mapped Arrow)",
        f"judge {f.get('difficulty_rows_per_s', 0):.0f} rows/s (tiny judge, OMP_NUM_THREADS={r['omp_num_threads']}), "
        f"length {f.get('length_rows_per_s', 0):.0f} rows/s; re-rank wall = {pct(r['rerank_over_first_wall'])} of the "
        f"first; pool regenerated by select: {f['pool_regenerated']}, {r['rerank']['pool_regenerated']}",
    ]
    items = [{**r[tag], "tag": tag} for tag in ("first", "rerank")]
    return [Table.of(f"end to end: s2r select on {r['rows']} synthetic rows, tiny judge", items, columns, notes)]


def e2e_summary(r: dict) -> list[list]:
    return [
        [
            f"`s2r select` on {r['rows']:,} rows: wall, peak RSS",
            f"{dur(r['first']['wall_s'])}, {r['first']['ru_maxrss_kb'] / 2**20:.2f} GiB "
            f"({pct(r['peak_rss_over_pool_arrow'], 0)} of the pool's Arrow)",
        ],
        ["re-rank with another --weight (scores cached) / first run, wall", pct(r["rerank_over_first_wall"])],
    ]


def e2e_checks(r: dict) -> dict[str, bool]:
    return {
        "select kept rows": bool(r["first"]["counts"]["selected"]),
        "re-rank re-used the pool": not r["rerank"]["pool_regenerated"],
    }


# --------------------------------------------------------------------------------------------------
# gpu
# --------------------------------------------------------------------------------------------------


def bench_gpu(args, work: Path, results: dict) -> dict:
    import numpy as np
    import torch
    from transformers import AutoTokenizer

    from s2r_hf.synthetic import build_tiny_judge, openr1_rows

    if args.gpu_prompt_tokens:
        mean_tokens, source = float(args.gpu_prompt_tokens), "given (--gpu-prompt-tokens)"
    else:
        tokenizer = AutoTokenizer.from_pretrained(build_tiny_judge(work / "tiny-judge"))
        scorer = make_scorer(tokenizer, None, torch.float32, 1024)
        problems = [r["problem"] for r in openr1_rows(args.gpu_sample_rows, seed=args.seed)]
        mean_tokens = float(np.mean([len(x) for x in scorer.encode(problems)]))
        source = (
            f"measured: judge chat prompt of {args.gpu_sample_rows} synthetic problems, tiny-judge tokenizer (vocab "
            "512: more tokens per word than Qwen's; real OpenR1 problems are longer: pass --gpu-prompt-tokens)"
        )
    nonemb, config = meta_non_embedding_params(args.gpu_model)
    q = args.gpu_questions
    body = 2.0 * nonemb * q * mean_tokens
    head = 2.0 * config.hidden_size * config.vocab_size * q
    rate = args.gpu_peak_tflops * 1e12 * args.gpu_mfu
    out = {
        "model": f"Qwen2.5-{args.gpu_model.upper()}-Instruct",
        "non_embedding_params": nonemb,
        "questions": q,
        "mean_prompt_tokens": mean_tokens,
        "prompt_tokens_source": source,
        "prompt_tokens_total": q * mean_tokens,
        "flops_non_embedding": body,
        "flops_lm_head_last_position": head,
        "flops_total": body + head,
        # causal attention scores + values: 2 matmuls x 2 FLOP x L x T^2/2 x hidden, per row
        "flops_attention_extra_not_in_total": 2.0 * config.num_hidden_layers * mean_tokens**2 * config.hidden_size * q,
        "gpu_name": args.gpu_name,
        "gpu_peak_tflops_dense_bf16": args.gpu_peak_tflops,
        "assumed_mfu": args.gpu_mfu,
        "seconds_1_gpu": (body + head) / rate,
        "gpus": args.gpu_count,
        f"seconds_{args.gpu_count}_gpus": (body + head) / rate / args.gpu_count,
    }
    judge = results.get("judge")
    if judge and judge["judge_size"] != "tiny":  # a 64-wide model's FLOP rate says nothing about a 1.5B one
        achieved = judge["engine_fp32"]["gflop_per_s"]
        out["cpu_this_host_seconds_at_measured_engine_rate"] = (body + head) / achieved / 1e9
        out["cpu_rate_source"] = f"fp32 engine, {achieved:.1f} GFLOP/s measured on the {judge['judge_size']} shape"
    return out


def gpu_tables(r: dict) -> list[Table]:
    n, peak = r["gpus"], r["gpu_peak_tflops_dense_bf16"]
    rows = [
        ["mean judge prompt tokens", f"{r['mean_prompt_tokens']:.1f}"],
        ["non-embedding params", f"{r['non_embedding_params'] / 1e9:.3f} B"],
        ["prefill FLOPs 2*N*tokens", f"{r['flops_non_embedding']:.3e}"],
        ["LM head, one position/row", f"{r['flops_lm_head_last_position']:.3e}"],
        [
            "total FLOPs (attention not in it)",
            f"{r['flops_total']:.3e} ({r['flops_attention_extra_not_in_total']:.1e})",
        ],
        [f"1 {r['gpu_name']} @ {peak:.0f} TF x {pct(r['assumed_mfu'], 0)} MFU", dur(r["seconds_1_gpu"])],
        [f"{n} {r['gpu_name']}s", dur(r[f"seconds_{n}_gpus"])],
    ]
    if "cpu_this_host_seconds_at_measured_engine_rate" in r:
        rows.append(["this CPU at the measured engine rate", dur(r["cpu_this_host_seconds_at_measured_engine_rate"])])
    title = f"GPU arithmetic (not measured): {r['model']} judging {r['questions']:,} questions"
    return [Table(title, ["quantity", "value"], rows, [f"prompt length: {r['prompt_tokens_source']}"])]


def gpu_summary(r: dict) -> list[list]:
    n = r["gpus"]
    what = f"{r['model']} judging {r['questions']:,} questions (FLOP arithmetic, {pct(r['assumed_mfu'], 0)} MFU)"
    return [[what, f"{dur(r['seconds_1_gpu'])} on 1 {r['gpu_name']}, {dur(r[f'seconds_{n}_gpus'])} on {n}"]]


# --------------------------------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------------------------------


OPTIONS = {
    "judge": {
        "--judge-size": (("tiny", "0.5b", "1.5b"), None, "Random Qwen2 shape: Qwen2.5-0.5B, 1.5B or the tiny judge."),
        "--judge-rows": (int, None, "Rows for fp32 engine vs naive."),
        "--judge-rows-from": (("median", "first"), "median", "median: a near-median-length window of the sorted "
                              "sample (padding ~0, as in production); first: the pool's first rows (10-20%% padding)."),
        "--bf16-rows": (int, None, "Rows for the bf16 engine (0: skip)."),
        "--sweep-rows": (int, None, "Rows per budget in the sweep."),
        "--sweep-budgets": (csv(int), None, "Comma-separated judge batch-token budgets to sweep."),
        "--sweep-rounds": (int, None, "Sweep rounds (order reversed); best kept."),
        "--pool-sample-rows": (int, None, "Problems encoded for padding at pool scale and the median window."),
        "--batch-tokens": (int, 1024, "Engine budget for engine-vs-naive (CPU default)."),
        "--rounds": (int, None, "Blocks that interleave engine and naive (alternating order)."),
    },
    "length": {
        "--length-rows": (int, None, "Traces to score."),
        "--max-think-words": (int, None, "openr1_dataset trace length cap, words."),
        "--length-repeats": (int, None, "Repeats per method; best is kept."),
    },
    "end to end": {
        "--e2e-rows": (int, None, "Synthetic pool rows for `s2r select`."),
        "--e2e-threads": (int, 1, "OMP/MKL_NUM_THREADS of the CLI runs (0: unset). 1: the tiny judge gains nothing "
                          "from threads, and 2 on a loaded 2-core host were 10-28x slower, burying the data path."),
        "--rerank-weight": (float, 0.5, "--weight of the second (re-rank) run."),
        "--e2e-extra-args": ("rest", None, "Passed to both `s2r select` runs (must come last)."),
    },
    "GPU arithmetic": {
        "--gpu-model": (("0.5b", "1.5b"), "1.5b", "Qwen2.5-Instruct judge size."),
        "--gpu-questions": (int, 196000, "Questions to judge (OpenR1-Math)."),
        "--gpu-prompt-tokens": (float, None, "Mean judge prompt tokens (default: measured, tiny tokenizer)."),
        "--gpu-sample-rows": (int, None, "Problems to measure the prompt length on."),
        **GPU_HARDWARE,
    },
}  # fmt: skip


BENCH = Benchmark(
    name="select",
    doc=__doc__,
    out="benchmarks/results.json",
    sections=[
        Section("judge", bench_judge, judge_tables, judge_summary, judge_checks),
        Section(
            "length",
            bench_length,
            length_tables,
            length_summary,
            lambda r: {"token counts agree across methods": r["token_counts_agree"]},
        ),
        Section("e2e", bench_e2e, e2e_tables, e2e_summary, e2e_checks),
        Section("gpu", bench_gpu, gpu_tables, gpu_summary),
    ],
    profiles=PROFILES,
    options=OPTIONS,
    minimums=dict.fromkeys(("judge_rows", "sweep_rows", "sweep_rounds", "length_rows", "e2e_rows", "rounds"), 1)
    | {"length_repeats": 1},
    threads_default=None,
)

if __name__ == "__main__":
    sys.exit(BENCH.main())
