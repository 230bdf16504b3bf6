"""Helpers shared by the benchmark scripts of this folder (``bench_select.py``, ``bench_train.py``).

The scripts measure different things but report them the same way: timed blocks with their CPU share and the load
average, a host record (CPU model and flags, library versions), an fp32/bf16 matmul peak to turn FLOP rates into a
utilisation, FLOP counts of Qwen2.5 shapes, plain-text tables, one CLI shape (full sizes vs ``--quick``,
``--sections``, the GPU-arithmetic options) and one run loop (offline caches in a scratch folder, one JSON file
rewritten after every section, ``--merge`` with an earlier file). They live here once so the two scripts cannot
drift apart; this is a sibling module, not part of the ``s2r_hf`` package: the scripts put this folder on
``sys.path`` and import it as ``common``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Qwen2.5-Instruct shapes (config.json of the Hub models).
JUDGE_SHAPES = {
    "0.5b": {
        "hidden_size": 896,
        "num_hidden_layers": 24,
        "num_attention_heads": 14,
        "num_key_value_heads": 2,
        "intermediate_size": 4864,
        "vocab_size": 151936,
        "tie_word_embeddings": True,
    },
    "1.5b": {
        "hidden_size": 1536,
        "num_hidden_layers": 28,
        "num_attention_heads": 12,
        "num_key_value_heads": 2,
        "intermediate_size": 8960,
        "vocab_size": 151936,
        "tie_word_embeddings": True,
    },
}


# --------------------------------------------------------------------------------------------------
# Timing and host
# --------------------------------------------------------------------------------------------------


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return float("nan")


class Timer:
    """Wall time, process CPU time and the CPU share (CPU time / wall / threads) of one block."""

    def __init__(self, threads: int = 1):
        self.threads = threads

    def __enter__(self):
        self.load0 = loadavg()
        self.w0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.w0
        self.cpu = time.process_time() - self.c0
        self.cpu_share = self.cpu / max(self.wall, 1e-9) / max(self.threads, 1)
        self.load = max(self.load0, loadavg())
        return False


def host_info() -> dict:
    import torch

    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), "")
        flags = next((ln.split(":", 1)[1].split() for ln in cpuinfo.splitlines() if ln.startswith("flags")), [])
        info["cpu_model"] = model
        info["cpu_flags"] = sorted(
            f for f in flags if f in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "avx512_vnni")
        )
    except OSError:
        pass
    try:
        mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
        info["mem_total_gib"] = round(int(mem) / 2**20, 1)
    except (OSError, IndexError, ValueError):
        pass
    try:
        info["mkldnn_bf16_supported"] = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        info["mkldnn_bf16_supported"] = None
    versions = {}
    for name in ("torch", "transformers", "datasets", "tokenizers", "numpy", "pyarrow"):
        with contextlib.suppress(Exception):
            versions[name] = __import__(name).__version__
    info["versions"] = versions
    return info


def matmul_peak(hidden: int, intermediate: int, dtype, reps: int = 5, iters: int = 6) -> float:
    """Best F.linear GFLOP/s of a [1024, hidden] x [intermediate, hidden]^T product."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    x = torch.randn(1024, hidden, dtype=dtype)
    w = torch.randn(intermediate, hidden, dtype=dtype) * 0.02
    for _ in range(2):
        F.linear(x, w)
    best = 0.0
    flops = 2.0 * 1024 * hidden * intermediate * iters
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(iters):
            F.linear(x, w)
        best = max(best, flops / (time.perf_counter() - t) / 1e9)
    return best


# --------------------------------------------------------------------------------------------------
# Model sizes
# --------------------------------------------------------------------------------------------------


def non_embedding_params(model) -> int:
    """Parameters outside the token embedding and LM head (a tied head is the embedding)."""
    emb = model.get_input_embeddings().weight
    head = model.get_output_embeddings().weight
    total = sum(p.numel() for p in model.parameters())
    return total - emb.numel() - (0 if head is emb else head.numel())


def meta_non_embedding_params(size: str) -> tuple[int, object]:
    """Non-embedding params of a Qwen2.5 shape without allocating it (meta device)."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(**JUDGE_SHAPES[size])
    with torch.device("meta"):
        model = Qwen2ForCausalLM(config)
    return non_embedding_params(model), config


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------


def fmt(x, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        if x != x:
            return "nan"
        if abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:.{digits}g}"
    return str(x)


def dur(s: float) -> str:
    """A duration in seconds as s / min / h / days."""
    if s < 120:
        return f"{s:.1f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    if s < 3 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    cells = [[fmt(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    print(f"\n== {title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows a default only where there is one (sizes show [full | --quick] in their help instead)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default not in (None, False, [], argparse.SUPPRESS) and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


def add_gpu_hardware_args(group, mfu_help: str = "Assumed model FLOP utilisation.") -> None:
    """--gpu-name, --gpu-peak-tflops, --gpu-mfu, --gpu-count: the GPU the FLOP arithmetic divides by."""
    group.add_argument("--gpu-name", default="H100", help="Label of the GPU whose peak --gpu-peak-tflops is.")
    group.add_argument("--gpu-peak-tflops", type=float, default=989.0, help="Dense bf16 peak of one GPU (H100 SXM).")
    group.add_argument("--gpu-mfu", type=float, default=0.40, help=mfu_help)
    group.add_argument("--gpu-count", type=int, default=8, help="GPUs for the data-parallel figure.")


def make_parser(prog: str, doc: str, sections: tuple[str, ...], out: str, quick_help: str) -> argparse.ArgumentParser:
    """The parser every benchmark script starts from: its docstring as description, and the run options
    (--quick, --out, --sections, --work-dir, --keep-work-dir, --merge) that :func:`prepare_run`,
    :func:`start_results` and :func:`run_sections` read."""
    p = argparse.ArgumentParser(
        prog=prog,
        description=doc.rsplit("\n\n", 1)[0] + "\n\nSizes in option help: [full default | --quick].",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help=quick_help)
    p.add_argument("--out", default=out, help="Write the results (and host info) here as JSON.")
    p.add_argument("--sections", default=",".join(sections), help=f"Comma-separated subset of {', '.join(sections)}.")
    p.add_argument(
        "--work-dir",
        default=None,
        help="Scratch folder for pools, caches and logs (default: a new temp folder, removed at the end).",
    )
    p.add_argument("--keep-work-dir", action="store_true", help="Keep the scratch folder (logs, outputs).")
    p.add_argument(
        "--merge",
        action="store_true",
        help="Keep the other sections of an existing --out file (re-run one section); each section records the "
        "options and host it ran with.",
    )
    return p


def finish_args(
    parser: argparse.ArgumentParser, args: argparse.Namespace, profiles: Mapping, sections: tuple[str, ...]
) -> None:
    """Sizes left unset take their profile value (full default, or --quick's); --sections becomes a checked list."""
    for name, (full, quick) in profiles.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    bad = [s for s in args.sections if s not in sections]
    if bad:
        parser.error(f"unknown section(s) {bad}; choose from {', '.join(sections)}")


def require_positive(parser: argparse.ArgumentParser, args: argparse.Namespace, names: tuple[str, ...]) -> None:
    """A parser error for the first of ``names`` (attribute names) below 1."""
    for name in names:
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")


# --------------------------------------------------------------------------------------------------
# Run: scratch folder, results file, sections
# --------------------------------------------------------------------------------------------------


def prepare_run(args: argparse.Namespace, prefix: str) -> Path:
    """The scratch folder (--work-dir, or a new temp folder named ``prefix``...), created and returned; offline,
    every datasets cache inside the scratch folder (never the user's ~/.cache), the repository importable, and
    datasets / transformers quiet (no progress bars). Thread settings that must precede torch go before this."""
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    for key in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(key, "1")
    os.environ["HF_DATASETS_CACHE"] = str(work / "hf-datasets-cache")
    sys.path.insert(0, str(REPO))
    import datasets
    import transformers

    datasets.logging.set_verbosity_error()
    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    return work


def start_results(
    args: argparse.Namespace, sections: tuple[str, ...], extra: dict | None = None, keep_seconds: bool = False
) -> tuple[Path, dict]:
    """--out and a new results dict (host, options, ``extra``, load average, start time); with --merge, the
    sections of the existing --out file that this run does not redo (and their section_seconds if
    ``keep_seconds``)."""
    out = Path(args.out)
    previous = json.loads(out.read_text()) if args.merge and out.exists() else {}
    results: dict = {
        "host": host_info(),
        "options": dict(vars(args)),
        **(extra or {}),
        "loadavg_start": loadavg(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    for section in sections:
        if section in previous and section not in args.sections:
            results[section] = previous[section]
            if keep_seconds:
                results.setdefault("section_seconds", {})[section] = previous.get("section_seconds", {}).get(section)
    return out, results


def run_sections(
    args: argparse.Namespace,
    work: Path,
    out: Path,
    results: dict,
    sections: tuple[str, ...],
    steps: Mapping[str, Callable],
    run_extra: dict | None = None,
) -> None:
    """Runs the chosen sections in ``sections`` order; after each, its "run" record and time, and --out rewritten
    (partial results survive); the scratch folder removed unless kept or given; then the totals, written."""
    t0 = time.perf_counter()
    try:
        for section in sections:
            if section in args.sections:
                ts, started = time.perf_counter(), time.strftime("%Y-%m-%d %H:%M:%S")
                steps[section](args, work, results)
                results[section]["run"] = {"started": started, "options": results["options"], **(run_extra or {})}
                results.setdefault("section_seconds", {})[section] = time.perf_counter() - ts
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps(results, indent=2, default=str) + "\n")  # partial results survive
    finally:
        if not args.keep_work_dir and not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    results["total_seconds"] = time.perf_counter() - t0
    results["loadavg_end"] = loadavg()
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")


def print_results(results: dict, out: Path, sections: tuple[str, ...], printers: Mapping[str, Callable]) -> None:
    """Every section's tables, the total time and load average, and where the results are."""
    for section in sections:
        if section in results:
            printers[section](results[section])
    load = f"{results['loadavg_start']} -> {results['loadavg_end']}"
    print(f"\ntotal {results['total_seconds']:.0f}s; load average {load}")
    print(f"results: {out}")
