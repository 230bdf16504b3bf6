"""lighteval results JSON → a tidy table (one row per benchmark × metric) for model cards.

lighteval writes ``OUTPUT/results/<model path>/results_<timestamp>.json`` with
``results[<task>|<fewshot>][<metric>]`` (and ``<metric>_stderr``), plus ``config_general`` (model name,
time). ``collect`` reads every results file under a folder; for a benchmark × metric seen in several
files the newest file wins, so re-running one benchmark replaces its numbers.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from s2r_hf.errors import S2RError

PREFIX = "s2r_"
METRICS = ("pass@1", "maj@", "response_tokens")


@dataclass(frozen=True)
class ResultRow:
    benchmark: str  # key without prefix, e.g. "aime24"
    metric: str  # "pass@1", "maj@16", "response_tokens"
    value: float
    stderr: float | None
    dataset_id: str  # the Hub dataset the benchmark comes from
    source: str  # results file
    setting: str = ""  # how it was run: samples, temperature, answer budget, problems, data
    deviation: str = ""  # how that departs from the paper's settings (SPEC §6); "" = as in the paper

    def as_dict(self) -> dict:
        return asdict(self)


def find_results(folder: str | Path) -> list[Path]:
    """Every lighteval results file under ``folder``, oldest first (the timestamp is in the name)."""
    return sorted(Path(folder).rglob("results_*.json"), key=lambda p: p.name)


def run_setting(data: dict, task: str, key: str, n: int | None) -> tuple[str, str]:
    """(how ``task`` was run, how that departs from the paper's settings — "" when it does not), from the
    results file's configs: samples (the metric's maj@n), temperature, answer budget, --max-samples, data."""
    from s2r_hf.eval.tasks import BENCHMARKS, DEFAULT_MAX_NEW_TOKENS

    general = data.get("config_general") or {}
    generation = (general.get("model_config") or {}).get("generation_parameters") or {}
    task_config = (data.get("config_tasks") or {}).get(task) or {}
    budget = generation.get("max_new_tokens") or task_config.get("generation_size")
    temperature = generation.get("temperature")
    max_samples = general.get("max_samples")
    setting, deviation = [], []
    if n is not None:
        setting.append(f"{n} sample{'s' if n != 1 else ''}" + (f", T {temperature:g}" if temperature else ", greedy"))
        paper = BENCHMARKS[key].sampling["num_samples"] if key in BENCHMARKS else n
        if n != paper:
            deviation.append(f"{n} sample(s), the paper {paper}")
    if budget:
        setting.append(f"≤{int(budget):,} tokens")
        if int(budget) < DEFAULT_MAX_NEW_TOKENS:
            deviation.append(f"≤{int(budget):,} answer tokens, the paper {DEFAULT_MAX_NEW_TOKENS:,}")
    if max_samples:
        setting.append(f"{max_samples} problems (--max-samples)")
        deviation.append(f"only {max_samples} problems")
    repo = task_config.get("hf_repo")
    if repo and key in BENCHMARKS and repo != BENCHMARKS[key].hf_repo:
        setting.append("local data")
    return ", ".join(setting), "; ".join(deviation)


def parse_results(path: str | Path) -> list[ResultRow]:
    """The s2r task metrics of one results file."""
    from s2r_hf.eval.tasks import BENCHMARKS

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        results = data["results"]
        if not isinstance(data, dict) or not isinstance(results, dict):
            raise ValueError("'results' is not a mapping of task to metrics")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise S2RError(f"{path} is not a lighteval results file ({err}); pass the --output-dir of `s2r eval`") from None
    rows = []
    for task, metrics in results.items():
        name = task.split("|")[0]
        if not name.startswith(PREFIX):
            continue  # "all" and built-in tasks
        key = name[len(PREFIX) :]
        n = next((int(m.split("@")[1]) for m in metrics if m.startswith("maj@") and m.split("@")[1].isdigit()), None)
        setting, deviation = run_setting(data, task, key, n)
        for metric, value in metrics.items():
            if metric.endswith("_stderr") or not metric.startswith(METRICS) or value is None:
                continue
            stderr = metrics.get(f"{metric}_stderr")
            rows.append(
                ResultRow(
                    benchmark=key,
                    metric=metric,
                    value=float(value),
                    stderr=float(stderr) if isinstance(stderr, (int, float)) else None,
                    dataset_id=BENCHMARKS[key].hf_repo if key in BENCHMARKS else key,
                    source=str(path),
                    setting=setting,
                    deviation=deviation,
                )
            )
    return rows


def collect(folder: str | Path) -> list[ResultRow]:
    """All rows under ``folder``; the newest file wins per benchmark × metric; sorted by benchmark order."""
    from s2r_hf.eval.tasks import BENCHMARKS

    files = find_results(folder)
    if not files:
        raise S2RError(f"no lighteval results_*.json under {folder}; run `s2r eval --output-dir {folder}` first")
    latest: dict[tuple[str, str], ResultRow] = {}
    for path in files:
        for row in parse_results(path):
            latest[(row.benchmark, row.metric)] = row
    order = {k: i for i, k in enumerate(BENCHMARKS)}
    return sorted(latest.values(), key=lambda r: (order.get(r.benchmark, len(order)), r.benchmark, r.metric))


def markdown_table(rows: list[ResultRow]) -> str:
    """benchmark | pass@1 (%) | maj@n (%) | response tokens | run, one line per benchmark; a run that departs
    from the paper's settings says how, in bold."""
    by_bench: dict[str, dict[str, ResultRow]] = {}
    for r in rows:
        by_bench.setdefault(r.benchmark, {})[r.metric] = r
    lines = ["| benchmark | pass@1 (%) | maj@n (%) | mean response tokens | run |", "|---|---:|---:|---:|---|"]
    for bench, metrics in by_bench.items():
        maj = next((m for name, m in metrics.items() if name.startswith("maj@")), None)
        p1, tok = metrics.get("pass@1"), metrics.get("response_tokens")
        first = p1 or maj or tok
        run = first.setting if first else ""
        if first and first.deviation:
            run = f"{run}; **not the paper's setting: {first.deviation}**"
        lines.append(
            f"| {bench} | {_pct(p1)} | {_pct(maj)}{f' ({maj.metric})' if maj else ''} | "
            f"{f'{tok.value:.0f}' if tok else '–'} | {run} |"
        )
    return "\n".join(lines)


def _pct(row: ResultRow | None) -> str:
    return "–" if row is None else f"{100 * row.value:.1f}"
