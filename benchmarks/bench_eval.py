#!/usr/bin/env python
"""Evaluation benchmark of `s2r eval`: what resumability costs and saves, as ratios to a one-call baseline timed in
the same process, plus the GPU-side cost of chunking from a model of vLLM's continuous batching.

Sections (``--sections``, default all):

resume  Real ``s2r eval`` runs (``s2r_hf.eval.run.main``: lighteval's pipeline, transformers backend, the tiny local
        Qwen2 judge model, greedy, --max-new-tokens tokens) on --problems local MATH-500-layout problems, in
        interleaved blocks (A,B,C, C,B,A, ...):
          one_call   --chunk-size 0, fresh cache: the group's problems in ONE generation call (lighteval's way);
          chunked    --chunk-size --chunk, fresh cache: answers cached after every chunk (s2r's default way);
          regrade    the chunked run again with its cache: nothing generated, every answer re-graded.
        Reported: wall seconds per block, CPU share, and each block's median ratio to one_call over the repeats;
        whether one_call and chunked produced the same answers (greedy: they must); the fixed cost per chunk
        ((chunked - one_call) / chunks: lighteval's cache I/O). The tiny model generates in milliseconds, so
        the ratios here show fixed costs, not what chunking costs a GPU run (that is the gpu section).
gpu     A model, not a measurement (no GPU here): vLLM-style continuous batching of the paper's evaluation (AIME24/25
        and AMC23 at 16 samples, the six greedy benchmarks once) on one GPU, decode steps priced by memory traffic
        (weights + the KV cache of the running sequences, over HBM bandwidth at an efficiency), concurrency capped
        by max_num_seqs and by the KV budget; answer lengths drawn from a capped log-normal per benchmark group
        (means are assumptions, see --gpu-*-mean-tokens). Reported: hours for one call per sampling group (no
        resume) and for chunks of several sizes (problems, tasks of a group mixed as s2r eval does), and the
        ratio; chunks run back to back, so each chunk's tail (few long answers left) is paid once per chunk.

    python benchmarks/bench_eval.py --quick --out /tmp/results_eval.json
    python benchmarks/bench_eval.py                     # writes benchmarks/results_eval.json + README table
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Benchmark, Section, Table, Timer, csv, ratio  # sibling module: the shared harness

BLOCKS = ("one_call", "chunked", "regrade")
# Sizes: (full default, --quick). An option given explicitly always wins.
PROFILES = {
    "problems": (24, 8),
    "max_new_tokens": (64, 16),
    "repeats": (3, 3),
    "chunk": (4, 4),
    "gpu_chunks": ([64, 128, 256, 512], [256, 512]),
}
# Qwen2.5-7B: 28 layers × 4 KV heads × 128 dims × (K, V) × 2 bytes per token; 7.6B bf16 weights.
KV_BYTES_PER_TOKEN = 28 * 4 * 128 * 2 * 2
WEIGHT_BYTES = 7.6e9 * 2
# The paper's benchmarks: (problems, samples per problem, length group).
PAPER_EVAL = {
    "aime24": (30, 16, "hard"),
    "aime25": (30, 16, "hard"),
    "amc23": (40, 16, "hard"),
    "math_500": (500, 1, "easy"),
    "olympiadbench": (675, 1, "hard"),
    "gaokao2023en": (385, 1, "easy"),
    "gaokao2024_mix": (91, 1, "easy"),
    "kaoyan": (199, 1, "easy"),
    "gaokao_math_qa": (351, 1, "easy"),
}


# --------------------------------------------------------------------------------------------------
# resume: real runs on CPU
# --------------------------------------------------------------------------------------------------


def _answers(out: Path) -> dict[str, list[str]]:
    import pyarrow.parquet as pq

    found = {}
    for path in out.joinpath(".lighteval_cache").rglob("GENERATIVE.parquet"):
        found.update({r["sample_id"]: list(r["sample"]["text"]) for r in pq.read_table(path).to_pylist()})
    return found


def bench_resume(args: argparse.Namespace, work: Path, results: dict) -> dict:
    import logging
    import shutil

    from s2r_hf.eval.run import EvalArguments, main
    from s2r_hf.synthetic import ensure_tiny_judge

    logging.getLogger("lighteval").setLevel(logging.WARNING)
    model = ensure_tiny_judge(work / "cache")
    data = work / "data" / "math_500"
    data.mkdir(parents=True, exist_ok=True)
    rows = [
        f'{{"problem": "Compute ${i} \\\\times {i + 3}$.", "answer": "{i * (i + 3)}"}}' for i in range(args.problems)
    ]
    (data / "test.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")

    def run(block: str, out: Path) -> float:
        chunk = 0 if block == "one_call" else args.chunk
        if block != "regrade":
            shutil.rmtree(out, ignore_errors=True)
        options = EvalArguments(
            model=str(model),
            output_dir=str(out),
            tasks="math_500",
            data_dir=str(work / "data"),
            greedy=True,
            max_new_tokens=args.max_new_tokens,
            backend="transformers",
            chunk_size=chunk,
        )
        with Timer(args.threads) as t:
            main(options)
        times.setdefault(block, []).append({"wall": t.wall, "cpu_share": t.cpu_share, "load": t.load})
        return t.wall

    times: dict[str, list[dict]] = {}
    ratios: dict[str, list[float]] = {b: [] for b in BLOCKS}
    same = []
    for r in range(args.repeats):
        order = BLOCKS if r % 2 == 0 else (BLOCKS[1], BLOCKS[0], BLOCKS[2])  # regrade needs chunked first
        walls = {block: run(block, work / f"out-{block if block != 'regrade' else 'chunked'}") for block in order}
        same.append(_answers(work / "out-one_call") == _answers(work / "out-chunked"))
        for block in BLOCKS:
            ratios[block].append(walls[block] / walls["one_call"])
        print(f"  repeat {r + 1}: " + ", ".join(f"{b} {walls[b]:.1f}s" for b in BLOCKS), flush=True)
    return {
        "problems": args.problems,
        "max_new_tokens": args.max_new_tokens,
        "chunk": args.chunk,
        "blocks": times,
        "median_ratio_to_one_call": {b: statistics.median(v) for b, v in ratios.items()},
        # lighteval's cache I/O per chunk (it re-reads and rewrites the task's parquet through `datasets`): a fixed
        # cost per chunk, whatever the model; minutes-long GPU chunks hide it
        "overhead_per_chunk_s": statistics.median(
            (c["wall"] - o["wall"]) / -(-args.problems // args.chunk)
            for c, o in zip(times["chunked"], times["one_call"], strict=True)
        ),
        "ratios": ratios,
        "same_answers": all(same),
    }


def resume_tables(res: dict) -> list[Table]:
    title = (
        f"resume: {res['problems']} problems, {res['max_new_tokens']} new tokens, chunk {res['chunk']}; "
        f"same answers one_call vs chunked: {res['same_answers']}; cache I/O per chunk "
        f"{res['overhead_per_chunk_s']:.2f} s"
    )
    columns = {
        "block": lambda b: b,
        "median wall s": lambda b: statistics.median(x["wall"] for x in res["blocks"][b]),
        "min CPU share": lambda b: min(x["cpu_share"] for x in res["blocks"][b]),
        "ratio to one_call": lambda b: res["median_ratio_to_one_call"][b],
    }
    return [Table.of(title, BLOCKS, columns)]


def resume_summary(res: dict) -> list[list]:
    what = f"{res['problems']} problems, tiny model"
    return [
        [
            f"chunked (chunk {res['chunk']}) / one call, wall ({what})",
            ratio(res["median_ratio_to_one_call"]["chunked"]),
        ],
        [f"re-grade from the cache / one call, wall ({what})", ratio(res["median_ratio_to_one_call"]["regrade"])],
    ]


# --------------------------------------------------------------------------------------------------
# gpu: continuous-batching model
# --------------------------------------------------------------------------------------------------


def _lengths(rng, n: int, mean: float, cap: int, sigma: float = 0.8):
    import numpy as np

    mu = np.log(mean) - sigma**2 / 2  # log-normal with this mean before the cap
    return np.minimum(rng.lognormal(mu, sigma, n).astype(int) + 1, cap)


def simulate(lengths, args: argparse.Namespace, prompt_tokens: int = 200) -> float:
    """Seconds to decode ``lengths`` (one answer each) with continuous batching, as vLLM schedules it: answers join
    while max_num_seqs and the KV budget allow; when the running contexts outgrow the budget, the newest are
    preempted back to the queue (their recomputation is not charged: a lower bound)."""
    import numpy as np

    bandwidth = args.gpu_hbm_tbs * 1e12 * args.gpu_bandwidth_efficiency
    kv_budget = (args.gpu_memory_gb * 1e9 * args.gpu_memory_utilization - WEIGHT_BYTES) / KV_BYTES_PER_TOKEN
    queue = [(int(n), 0) for n in reversed(lengths)]  # (tokens left, tokens done); pop() takes the first
    left = np.zeros(0, dtype=np.int64)
    done = np.zeros(0, dtype=np.int64)
    seconds = 0.0
    while queue or left.size:
        while queue and left.size < args.gpu_max_num_seqs:
            if (done + prompt_tokens).sum() + prompt_tokens + queue[-1][1] + 1 > kv_budget and left.size:
                break
            n, d = queue.pop()
            left, done = np.append(left, n), np.append(done, d)
        # Advance to the next event: an answer finishes, or the contexts reach the KV budget.
        room = (kv_budget - (done + prompt_tokens).sum()) / left.size
        steps = max(1, min(int(left.min()), int(room)))
        context = (done + prompt_tokens).sum() * steps + left.size * steps * (steps + 1) / 2
        seconds += (steps * WEIGHT_BYTES + context * KV_BYTES_PER_TOKEN) / bandwidth
        left, done = left - steps, done + steps
        keep = left > 0
        left, done = left[keep], done[keep]
        while left.size > 1 and (done + prompt_tokens).sum() > kv_budget:  # preempt the newest
            queue.append((int(left[-1]), int(done[-1])))
            left, done = left[:-1], done[:-1]
    return seconds


def bench_gpu(args: argparse.Namespace, work: Path, results: dict) -> dict:
    import numpy as np

    rng = np.random.default_rng(args.seed)
    means = {"hard": args.gpu_hard_mean_tokens, "easy": args.gpu_easy_mean_tokens}
    tasks = {
        key: _lengths(rng, n * samples, means[group], args.gpu_max_new_tokens)
        for key, (n, samples, group) in PAPER_EVAL.items()
    }
    groups: dict[int, list[str]] = {}
    for key, (_, samples, _) in PAPER_EVAL.items():
        groups.setdefault(samples, []).append(key)
    one_call = sum(simulate(np.concatenate([tasks[k] for k in keys]), args) for keys in groups.values())
    by_chunk = {}
    for chunk in args.gpu_chunks:
        total = 0.0
        for samples, keys in groups.items():
            answers = np.concatenate([tasks[k] for k in keys])
            step = chunk * samples  # a chunk is `chunk` problems, each with all its samples
            total += sum(simulate(answers[s : s + step], args) for s in range(0, len(answers), step))
        by_chunk[chunk] = total
    return {
        "answers": int(sum(len(v) for v in tasks.values())),
        "answer_tokens": int(sum(int(v.sum()) for v in tasks.values())),
        "one_call_hours": one_call / 3600,
        "chunked_hours": {str(c): s / 3600 for c, s in by_chunk.items()},
        "ratio_to_one_call": {str(c): s / one_call for c, s in by_chunk.items()},
        "assumptions": {
            "model": "Qwen2.5-7B shapes (7.6B bf16 weights, 57,344 KV bytes/token)",
            "hbm_tbs": args.gpu_hbm_tbs,
            "bandwidth_efficiency": args.gpu_bandwidth_efficiency,
            "memory_gb": args.gpu_memory_gb,
            "gpu_memory_utilization": args.gpu_memory_utilization,
            "max_num_seqs": args.gpu_max_num_seqs,
            "mean_answer_tokens": means,
            "max_new_tokens": args.gpu_max_new_tokens,
        },
    }


def gpu_tables(res: dict) -> list[Table]:
    title = (
        f"gpu model (not measured): {res['answers']:,} answers, {res['answer_tokens'] / 1e6:.1f}M answer tokens, "
        f"{res['assumptions']['model']}, one GPU"
    )
    rows = [["one call per sampling group", res["one_call_hours"], "1.000"]]
    rows += [[f"chunks of {c} problems", h, res["ratio_to_one_call"][c]] for c, h in res["chunked_hours"].items()]
    return [Table(title, ["schedule", "hours", "ratio"], rows)]


def gpu_summary(res: dict) -> list[list]:
    return [
        [f"modelled vLLM GPU time (paper's protocol, 7B), chunks of {c} problems / one call", ratio(x)]
        for c, x in res["ratio_to_one_call"].items()
    ]


OPTIONS = {
    "resume": {
        "--problems": (int, None, "Local problems evaluated."),
        "--max-new-tokens": (int, None, "Answer budget."),
        "--chunk": (int, None, "--chunk-size of the chunked block."),
        "--repeats": (int, None, "Interleaved repeats (>= 3: the ratios are medians)."),
    },
    "GPU model": {
        "--gpu-chunks": (csv(int), None, "Comma-separated chunk sizes (problems)."),
        "--gpu-hbm-tbs": (float, 3.35, "HBM bandwidth, TB/s (H100 SXM)."),
        "--gpu-bandwidth-efficiency": (float, 0.6, "Achieved share of that bandwidth."),
        "--gpu-memory-gb": (float, 80.0, "GPU memory, GB."),
        "--gpu-memory-utilization": (float, 0.9, "vLLM gpu_memory_utilization."),
        "--gpu-max-num-seqs": (int, 128, "vLLM max_num_seqs (lighteval's default)."),
        "--gpu-max-new-tokens": (int, 16384, "Answer cap (SPEC §6)."),
        "--gpu-hard-mean-tokens": (float, 9000, "Mean answer, AIME/AMC/OlympiadBench."),
        "--gpu-easy-mean-tokens": (float, 4000, "Mean answer, the other benchmarks."),
    },
}


BENCH = Benchmark(
    name="eval",
    doc=__doc__,
    out="benchmarks/results_eval.json",
    sections=[
        Section(
            "resume",
            bench_resume,
            resume_tables,
            resume_summary,
            lambda r: {"one_call and chunked give the same greedy answers": r["same_answers"]},
        ),
        Section("gpu", bench_gpu, gpu_tables, gpu_summary),
    ],
    profiles=PROFILES,
    options=OPTIONS,
    minimums={**dict.fromkeys(("problems", "max_new_tokens", "chunk", "threads", "gpu_max_num_seqs"), 1), "repeats": 3},
)

if __name__ == "__main__":
    sys.exit(BENCH.main())
