"""lighteval results JSON → a tidy table (one row per benchmark × metric) for model cards.

lighteval writes ``OUTPUT/results/<model path>/results_<timestamp>.json`` with
``results[<task>|<fewshot>][<metric>]`` (and ``<metric>_stderr``), plus ``config_general`` (model name,
time). ``collect`` reads every results file under a folder; for a benchmark × metric seen in several
files the newest file wins, so re-running one benchmark replaces its numbers.

Beside them, `s2r eval` writes ``OUTPUT/details/<task>.json`` (:mod:`s2r_hf.eval.details`): the protocol
(repetition penalty, seed, answer-from), data source, package versions and the pass@1 summary (95 % Wilson
interval over problems, spread across sampling runs). A row takes them when that record names its results
file; otherwise the settings come from the results file alone and the answer extraction is unknown.
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
    ci95: tuple[float, float] | None = None  # pass@1 only: 95 % Wilson interval over problems (fractions)
    problems: int | None = None  # problems graded
    samples: int | None = None  # samples per problem (n)
    spread: dict | None = None  # pass@1 only, n > 1: {"runs", "min", "max", "sd"} across the n sampling runs
    settings: dict | None = None  # T, top_p, repetition_penalty, seed, answer_from, max_new_tokens, protocol
    data: str = ""  # where the problems came from: a Hub dataset id, or "local: <folder>/<file>"
    versions: dict | None = None  # lighteval, math-verify, latex2sympy2_extended, transformers|vllm, torch, s2r_hf
    harness: str = ""
    details: str = ""  # the per-sample details file (path), "" when none

    def as_dict(self) -> dict:
        return asdict(self)


def find_results(folder: str | Path) -> list[Path]:
    """Every lighteval results file under ``folder``, oldest first (the timestamp is in the name); not those of the
    ``--budgets`` runs under ``folder/budgets/`` (their table is their own: :mod:`s2r_hf.eval.budgets`)."""
    folder = Path(folder)
    found = [p for p in folder.rglob("results_*.json") if p.relative_to(folder).parts[0] != "budgets"]
    return sorted(found, key=lambda p: p.name)


def run_settings(data: dict, task: str, record: dict | None) -> dict:
    """What the numbers of ``task`` depend on beside the model and data: from the s2r run ``record`` when there
    is one, else from the results file (answer_from then unknown: None)."""
    general = data.get("config_general") or {}
    generation = (general.get("model_config") or {}).get("generation_parameters") or {}
    task_config = (data.get("config_tasks") or {}).get(task) or {}
    if record:
        protocol, sampling = record.get("protocol") or {}, record.get("sampling") or {}
        return {
            "temperature": sampling.get("temperature"),
            "top_p": sampling.get("top_p"),
            "repetition_penalty": protocol.get("repetition_penalty"),
            "seed": protocol.get("seed"),
            "answer_from": protocol.get("answer_from"),
            "max_new_tokens": record.get("max_new_tokens"),
            "protocol": protocol.get("name"),
        }
    rp = generation.get("repetition_penalty")
    return {
        "temperature": generation.get("temperature"),
        "top_p": generation.get("top_p"),
        "repetition_penalty": 1.0 if rp is None else float(rp),  # lighteval passes none: the backends' 1.0
        "seed": generation.get("seed"),
        "answer_from": None,
        "max_new_tokens": generation.get("max_new_tokens") or task_config.get("generation_size"),
        "protocol": None,
    }


def run_setting(data: dict, task: str, key: str, n: int | None, record: dict | None = None) -> tuple[str, str]:
    """(how ``task`` was run, how that departs from the paper's settings — "" when it does not), from the
    results file's configs and the s2r run ``record``: samples (the metric's maj@n), temperature, top_p,
    repetition penalty, seed, answer extraction, answer budget, --max-samples, data."""
    from s2r_hf.eval.protocol import departures
    from s2r_hf.eval.tasks import BENCHMARKS, DEFAULT_MAX_NEW_TOKENS

    general = data.get("config_general") or {}
    task_config = (data.get("config_tasks") or {}).get(task) or {}
    values = run_settings(data, task, record)
    budget, temperature = values["max_new_tokens"], values["temperature"]
    max_samples = general.get("max_samples") or (record or {}).get("max_samples")
    setting, deviation = [], []
    if n is not None:
        top_p = f", top_p {values['top_p']:g}" if values["top_p"] is not None else ""
        sampled = f", T {temperature:g}{top_p}" if temperature else ", greedy"
        setting.append(f"{n} sample{'s' if n != 1 else ''}{sampled if temperature is not None else ''}")
        paper = BENCHMARKS[key].sampling["num_samples"] if key in BENCHMARKS else n
        if n != paper:
            deviation.append(f"{n} sample(s), the paper {paper}")
    if values["repetition_penalty"] is not None:
        setting.append(f"rep. penalty {float(values['repetition_penalty']):g}")
    if values["seed"] is not None and temperature:
        setting.append(f"seed {values['seed']}")
    if values["answer_from"]:
        setting.append(
            "answer: last box of the full response" if values["answer_from"] == "full" else "answer: after `</think>`"
        )
    else:
        setting.append("answer extraction not recorded")
        deviation.append("answer extraction not recorded (no s2r eval details record for this results file)")
    deviation += departures(values, sampled=bool(temperature))
    if budget:
        setting.append(f"≤{int(budget):,} tokens")
        if int(budget) < DEFAULT_MAX_NEW_TOKENS:
            deviation.append(f"≤{int(budget):,} answer tokens, the paper {DEFAULT_MAX_NEW_TOKENS:,}")
    if max_samples:
        setting.append(f"{max_samples} problems (--max-samples)")
        deviation.append(f"only {max_samples} problems")
    repo = task_config.get("hf_repo")
    source = (record or {}).get("data") or ""
    if source.startswith("local:"):
        setting.append(source)
    elif repo and key in BENCHMARKS and repo != BENCHMARKS[key].hf_repo:
        setting.append("local data")
    return ", ".join(setting), "; ".join(deviation)


def _output_root(path: Path) -> Path:
    """The `s2r eval` --output-dir of a results file: the folder above its ``results/`` ancestor."""
    for parent in path.parents:
        if parent.name == "results":
            return parent.parent
    return path.parent


def _record(path: Path, key: str) -> dict | None:
    """The s2r run record of ``key`` when it belongs to the results file ``path`` (a newer run of only some tasks
    rewrites their records; an older results file keeps none)."""
    from s2r_hf.eval.details import read_run

    record = read_run(_output_root(path), key)
    return record if record and record.get("results_file") == path.name else None


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
        record = _record(Path(path), key)
        setting, deviation = run_setting(data, task, key, n, record)
        summary = (record or {}).get("summary") or {}
        details = _output_root(Path(path)) / "details" / (record or {}).get("details", "")
        data_source = (record or {}).get("data") or ""
        common = {
            "dataset_id": data_source or (BENCHMARKS[key].hf_repo if key in BENCHMARKS else key),
            "source": str(path),
            "setting": setting,
            "deviation": deviation,
            "problems": summary.get("problems"),
            "samples": summary.get("samples") if isinstance(summary.get("samples"), int) else n,
            "settings": run_settings(data, task, record),
            "data": data_source,
            "versions": (record or {}).get("versions"),
            "harness": (record or {}).get("harness", ""),
            "details": str(details) if record and details.is_file() else "",
        }
        for metric, value in metrics.items():
            if metric.endswith("_stderr") or not metric.startswith(METRICS) or value is None:
                continue
            stderr = metrics.get(f"{metric}_stderr")
            ci = summary.get("ci95") if metric == "pass@1" else None
            rows.append(
                ResultRow(
                    benchmark=key,
                    metric=metric,
                    value=float(value),
                    stderr=float(stderr) if isinstance(stderr, (int, float)) else None,
                    ci95=(float(ci[0]), float(ci[1])) if ci else None,
                    spread=summary.get("spread") if metric == "pass@1" else None,
                    **common,
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
    lines = [
        "| benchmark | pass@1 (%) | 95 % CI (%) | n × problems | spread over runs (%) | maj@n (%) "
        "| mean response tokens | run |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for bench, metrics in by_bench.items():
        maj = next((m for name, m in metrics.items() if name.startswith("maj@")), None)
        p1, tok = metrics.get("pass@1"), metrics.get("response_tokens")
        first = p1 or maj or tok
        run = first.setting if first else ""
        if first and first.deviation:
            run = f"{run}; **not the paper's setting: {first.deviation}**"
        ci = f"{100 * p1.ci95[0]:.1f}–{100 * p1.ci95[1]:.1f}" if p1 and p1.ci95 else "–"
        spread = p1.spread if p1 else None
        spread_text = (
            f"{100 * spread['min']:.1f}–{100 * spread['max']:.1f} (sd {100 * spread['sd']:.1f})" if spread else "–"
        )
        n = first.samples if first and first.samples else "–"
        problems = f" × {first.problems}" if first and first.problems else ""
        lines.append(
            f"| {bench} | {_pct(p1)} | {ci} | {n}{problems} | {spread_text} | "
            f"{_pct(maj)}{f' ({maj.metric})' if maj else ''} | {f'{tok.value:.0f}' if tok else '–'} | {run} |"
        )
    return "\n".join(lines)


def _pct(row: ResultRow | None) -> str:
    return "–" if row is None else f"{100 * row.value:.1f}"
