"""The one harness of the benchmark scripts in this folder (``bench_select.py``, ``bench_train.py``, ``bench_eval.py``).

A script declares a :class:`Benchmark`: its sections (each a ``run`` that returns a JSON-able record, the
``tables`` printed from that record, the ``summary`` rows of the README and the ``checks`` a run must pass), its
sizes (``PROFILES``: full default and ``--quick``) and its own options. The harness owns the rest, once: the
command line (run options, ``[full | quick]`` size defaults, comma lists, minimums), the host record, timing
helpers (a matmul peak, FLOP counts of Qwen2.5 shapes), the scratch folder (offline, caches inside it), the
results JSON (rewritten after every section so partial results survive; ``--merge``), the printed tables, and
the markdown table of ``benchmarks/README.md`` regenerated between its markers from the committed results files.

Every speed is a ratio to a baseline timed in the same process: absolute numbers move between hosts and with
background load. A run fails (exit 1) when a correctness check fails (e.g. the fast path's scores differ from
the naive loop's), never on a speed ratio. This is a sibling module, not part of ``s2r_hf``: the scripts put this
folder on ``sys.path``.

    python benchmarks/harness.py readme          # regenerate README.md's tables from benchmarks/results*.json
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.metadata
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
README = HERE / "README.md"
SCRIPTS = ("bench_select", "bench_train", "bench_eval")

# Qwen2.5-Instruct shapes (config.json of the Hub models).
_QWEN_COMMON = {"num_key_value_heads": 2, "vocab_size": 151936, "tie_word_embeddings": True}
JUDGE_SHAPES = {
    "0.5b": {"hidden_size": 896, "num_hidden_layers": 24, "num_attention_heads": 14, "intermediate_size": 4864},
    "1.5b": {"hidden_size": 1536, "num_hidden_layers": 28, "num_attention_heads": 12, "intermediate_size": 8960},
}
for _shape in JUDGE_SHAPES.values():
    _shape.update(_QWEN_COMMON)


# --------------------------------------------------------------------------------------------------
# Timing, host, FLOPs
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
    """CPU model and the flags that decide bf16 speed, memory, torch threads and library versions."""
    import torch

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
    }
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu_model"] = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
        flags = next((ln.split(":", 1)[1].split() for ln in lines if ln.startswith("flags")), [])
        wanted = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "avx512_vnni")
        info["cpu_flags"] = sorted(f for f in flags if f in wanted)
        mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
        info["mem_total_gib"] = round(int(mem) / 2**20, 1)
    except (OSError, IndexError, ValueError):
        pass
    try:
        info["mkldnn_bf16_supported"] = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        info["mkldnn_bf16_supported"] = None
    versions = {}
    for name in ("torch", "transformers", "datasets", "tokenizers", "numpy", "pyarrow", "trl", "lighteval"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
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
# Tables (printed as text, written as markdown)
# --------------------------------------------------------------------------------------------------


def fmt(x, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        if x != x:
            return "nan"
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.{digits}g}"
    return str(x)


def dur(s: float) -> str:
    """A duration in seconds as s / min / h / days."""
    if s < 120:
        return f"{s:.1f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h" if s < 3 * 86400 else f"{s / 86400:.1f} days"


def pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None or x != x else f"{100 * x:.{digits}f}%"


def ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, title: str, items: Sequence[Mapping], columns: Mapping[str, str | Callable], notes=()) -> Table:
        """One row per item; a column is an item key or a function of the item."""
        rows = [[c(x) if callable(c) else x.get(c) for c in columns.values()] for x in items]
        return cls(title, list(columns), rows, list(notes))

    def text(self) -> str:
        cells = [[fmt(c) for c in r] for r in self.rows]
        widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(self.header)]
        lines = [f"\n== {self.title}", "  ".join(h.ljust(w) for h, w in zip(self.header, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
        return "\n".join(lines + [f"  {n}" for n in self.notes])

    def markdown(self) -> str:
        def row(cells) -> str:
            return "| " + " | ".join(fmt(c).replace("|", "\\|") for c in cells) + " |"

        return "\n".join([row(self.header), "|" + "---|" * len(self.header), *map(row, self.rows)])


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------


def csv(kind: Callable = str, choices: Sequence | None = None) -> Callable[[str], list]:
    """An argparse ``type`` for a comma-separated list (of ``kind``, from ``choices`` when given)."""

    def parse(text: str) -> list:
        try:
            items = [kind(x.strip()) for x in text.split(",") if x.strip()]
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None
        bad = [x for x in items if choices is not None and x not in choices]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {bad}; choose from {', '.join(map(str, choices))}")
        return items

    return parse


# The GPU the FLOP arithmetic divides by (bench_select, bench_train).
GPU_HARDWARE = {
    "--gpu-name": (str, "H100", "Label of the GPU whose peak --gpu-peak-tflops is."),
    "--gpu-peak-tflops": (float, 989.0, "Dense bf16 peak of one GPU (H100 SXM)."),
    "--gpu-mfu": (float, 0.40, "Assumed model FLOP utilisation."),
    "--gpu-count": (int, 8, "GPUs for the data-parallel figure."),
}


def add_option_table(p: argparse.ArgumentParser, table: Mapping[str, Mapping[str, tuple]]) -> None:
    """Options from a table, group -> flag -> (kind, default, help). kind: a type (or :func:`csv` parser), a tuple
    of choices, "flag" (store_true) or "rest" (every later argument). A size in PROFILES gets its default there."""
    for title, options in table.items():
        g = p.add_argument_group(title)
        for flag, (kind, default, text) in options.items():
            if kind == "flag":
                g.add_argument(flag, action="store_true", help=text)
            elif kind == "rest":
                g.add_argument(flag, nargs=argparse.REMAINDER, default=[], help=text)
            elif isinstance(kind, tuple):
                g.add_argument(flag, choices=kind, default=default, help=text)
            else:
                g.add_argument(flag, type=kind, default=default, help=text)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows a default only where there is one (sizes show [full | --quick] in their help instead)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default not in (None, False, [], argparse.SUPPRESS) and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


@dataclass
class Section:
    """One measurement: ``run(args, work, results)`` returns its record (``results`` holds the earlier sections)."""

    name: str
    run: Callable[[argparse.Namespace, Path, dict], dict]
    tables: Callable[[dict], list[Table]]
    summary: Callable[[dict], list[list]] = lambda record: []  # [measurement, result] rows for the README
    checks: Callable[[dict], dict[str, bool]] = lambda record: {}  # correctness only, never speed


@dataclass
class Benchmark:
    name: str  # the README block and the scratch-folder prefix
    doc: str  # the script's docstring: the --help description
    out: str  # the committed results file (repository-relative)
    sections: list[Section]
    profiles: Mapping[str, tuple]  # option dest -> (full default, --quick)
    options: Mapping[str, Mapping[str, tuple]]  # see add_option_table
    minimums: Mapping[str, int] = field(default_factory=dict)  # option dest -> smallest accepted value
    threads_default: int | None = 1  # None: torch's own (every core)
    validate: Callable[[argparse.ArgumentParser, argparse.Namespace], None] | None = None

    @property
    def section_names(self) -> list[str]:
        return [s.name for s in self.sections]

    def parser(self) -> argparse.ArgumentParser:
        names = self.section_names
        p = argparse.ArgumentParser(
            prog=f"bench_{self.name}.py",
            description=self.doc.rsplit("\n\n", 1)[0] + "\n\nSizes in option help: [full default | --quick].",
            formatter_class=HelpFormatter,
        )
        p.add_argument("--quick", action="store_true", help="Tiny sizes: a smoke run of every section (CI).")
        p.add_argument("--out", default=self.out, help="Write the results (and host info) here as JSON.")
        p.add_argument("--sections", type=csv(str, names), default=names, help=f"Comma-separated subset of {names}.")
        p.add_argument("--work-dir", default=None, help="Scratch folder (default: a new temp folder, then removed).")
        p.add_argument("--keep-work-dir", action="store_true", help="Keep the scratch folder (logs, outputs).")
        p.add_argument("--merge", action="store_true", help="Keep the other sections of an existing --out file.")
        p.add_argument("--seed", type=int, default=0, help="Seed of the synthetic rows and the random models.")
        p.add_argument(
            "--threads",
            type=int,
            default=self.threads_default,
            help="torch intra-op threads (and OMP/MKL_NUM_THREADS, set before torch loads); on a loaded 2-core "
            "host two OpenMP threads can collapse.",
        )
        add_option_table(p, self.options)
        for action in p._actions:
            if action.dest in self.profiles:
                full, quick = self.profiles[action.dest]
                action.default, action.help = None, f"{action.help} [{full} | {quick}]"
        return p

    def parse(self, argv: Sequence[str] | None = None) -> argparse.Namespace:
        p = self.parser()
        args = p.parse_args(argv)
        for name, (full, quick) in self.profiles.items():
            if getattr(args, name) is None:
                setattr(args, name, quick if args.quick else full)
        for name, low in self.minimums.items():
            if getattr(args, name) is not None and getattr(args, name) < low:
                p.error(f"--{name.replace('_', '-')} must be >= {low}")
        if self.validate:
            self.validate(p, args)
        return args

    def main(self, argv: Sequence[str] | None = None) -> int:
        args = self.parse(argv)
        if args.threads:  # before torch (and its OpenMP runtime) loads
            os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(args.threads)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        work = prepare_run(args, f"s2r-bench-{self.name}-")
        import torch

        if args.threads:
            torch.set_num_threads(args.threads)
        out, results = self.start_results(args)
        h = results["host"]
        print(
            f"host: {h.get('cpu_model')} ({h['cpu_count']} cores, flags {' '.join(h.get('cpu_flags', []))}), "
            f"torch {h['versions'].get('torch')}, {h['torch_threads']} thread(s), native bf16: "
            f"{h['mkldnn_bf16_supported']}; load average {results['loadavg_start']}",
            flush=True,
        )
        self.run_sections(args, work, out, results)
        failed = []
        for section in self.sections:
            if section.name in results:
                for table in section.tables(results[section.name]):
                    print(table.text())
                if section.name in args.sections:
                    checks = section.checks(results[section.name])
                    failed += [f"{section.name}: {k}" for k, ok in checks.items() if not ok]
        print(
            f"\ntotal {results['total_seconds']:.0f}s; load average {results['loadavg_start']} -> "
            f"{results['loadavg_end']}\nresults: {out}"
        )
        if out.resolve().parent == HERE:  # a committed results file: its README table follows it
            update_readme(self, results)
            print(f"table regenerated in {README}")
        if failed:
            print("FAILED checks (correctness, not speed):\n  " + "\n  ".join(failed), file=sys.stderr)
            return 1
        return 0

    def start_results(self, args: argparse.Namespace) -> tuple[Path, dict]:
        """--out and a new results dict; with --merge, the sections of --out this run does not redo."""
        out = Path(args.out)
        previous = json.loads(out.read_text()) if args.merge and out.exists() else {}
        env = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TOKENIZERS_PARALLELISM")}
        results: dict = {
            "host": host_info(),
            "options": dict(vars(args)),
            "env": env,
            "loadavg_start": loadavg(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        for name in self.section_names:
            if name in previous and name not in args.sections:
                results[name] = previous[name]
                results.setdefault("section_seconds", {})[name] = previous.get("section_seconds", {}).get(name)
        return out, results

    def run_sections(self, args: argparse.Namespace, work: Path, out: Path, results: dict) -> None:
        """The chosen sections in order; after each, its "run" record and time, and --out rewritten."""
        t0 = time.perf_counter()
        try:
            for section in self.sections:
                if section.name not in args.sections:
                    continue
                ts, started = time.perf_counter(), time.strftime("%Y-%m-%d %H:%M:%S")
                record = section.run(args, work, results)
                record["run"] = {"started": started, "options": results["options"], "torch_threads": threads()}
                results[section.name] = record
                results.setdefault("section_seconds", {})[section.name] = time.perf_counter() - ts
                write_json(out, results)  # partial results survive
        finally:
            if not args.keep_work_dir and not args.work_dir:
                shutil.rmtree(work, ignore_errors=True)
        results["total_seconds"] = time.perf_counter() - t0
        results["loadavg_end"] = loadavg()
        write_json(out, results)


def threads() -> int:
    import torch

    return torch.get_num_threads()


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")


def prepare_run(args: argparse.Namespace, prefix: str) -> Path:
    """The scratch folder, created; offline; every datasets cache inside it (never ~/.cache); the repository
    importable; datasets / transformers quiet."""
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    for key in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(key, "1")
    os.environ["HF_DATASETS_CACHE"] = str(work / "hf-datasets-cache")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import datasets
    import transformers

    datasets.logging.set_verbosity_error()
    datasets.disable_progress_bars()
    transformers.logging.set_verbosity_error()
    return work


# --------------------------------------------------------------------------------------------------
# README: one table per benchmark, between markers
# --------------------------------------------------------------------------------------------------


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def readme_block(bench: Benchmark, results: dict) -> str:
    """The markdown of one results file: where and how it ran, then every section's summary rows."""
    h = results["host"]
    rows = [[s.name, *row] for s in bench.sections if s.name in results for row in s.summary(results[s.name])]
    quick = " (--quick)" if results["options"].get("quick") else ""
    head = (
        f"`{bench.out}`{quick}, started {results['started']}: {h.get('cpu_model') or '?'}, {h['cpu_count']} cores "
        f"({', '.join(h.get('cpu_flags', []))}), torch {h['versions'].get('torch')}."
    )
    return head + "\n\n" + Table("", ["section", "measurement", "result"], rows).markdown()


def replace_block(text: str, name: str, block: str) -> str:
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise SystemExit(f"{README}: needs exactly one {start} ... {end} pair")
    before, rest = text.split(start)
    return before + start + "\n" + block + "\n" + end + rest.split(end, 1)[1]


def update_readme(bench: Benchmark, results: dict, path: Path = README) -> None:
    path.write_text(replace_block(path.read_text(encoding="utf-8"), bench.name, readme_block(bench, results)))


def committed_blocks() -> dict[str, str]:
    """Each script's README block as rendered from its committed results file."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    blocks = {}
    for script in SCRIPTS:
        bench = importlib.import_module(script).BENCH
        blocks[bench.name] = readme_block(bench, json.loads((REPO / bench.out).read_text()))
    return blocks


def regenerate_readme(path: Path = README) -> str:
    text = path.read_text(encoding="utf-8")
    for name, block in committed_blocks().items():
        text = replace_block(text, name, block)
    return text


if __name__ == "__main__":
    if sys.argv[1:] != ["readme"]:
        sys.exit(f"usage: python {Path(__file__).name} readme   (regenerates {README} from results*.json)")
    README.write_text(regenerate_readme(), encoding="utf-8")
    print(f"regenerated {README}")
