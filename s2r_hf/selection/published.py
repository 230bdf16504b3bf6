"""`s2r select --scores-from`: re-select from published per-row scores, loading no model.

Why: scoring is the expensive step (a judge pass over 200k rows); the ranking is cheap. A selection's
``scores.parquet`` (pushed as the repo's ``scores`` config) holds every scored row's difficulty, length and
ranks, so another strategy, weight or budget is pure numpy over it. The pool rows are still read (the subset
needs their text): from the scores' manifest's pool options, or ``--pool`` when given. Rows the source run
dropped (decontamination, ``--max-train-tokens``) stay dropped, as its ``dropped.parquet`` records.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from s2r_hf.configs import OutputArguments, PoolArguments, ScoringArguments, SelectionArguments
from s2r_hf.drops import DECONTAMINATE, MAX_TRAIN_TOKENS, NORMALISE, DropLog, DropReport
from s2r_hf.errors import S2RError, collect
from s2r_hf.hub import SIDE_FILES
from s2r_hf.io import column
from s2r_hf.manifest import PATH_OPTIONS, Manifest, public_path
from s2r_hf.option_defaults import scores_config_name
from s2r_hf.selection.prepare import Prepared, Stopwatch
from s2r_hf.selection.score import Ranked, rank_measured
from s2r_hf.selection.strategies import NEEDS_DIFFICULTY

logger = logging.getLogger("s2r_hf")

# scores.parquet columns that the selection derives (measures, ranks, flags): everything else beyond the pool
# rows' own columns came from the difficulty scorer (difficulty, judge_mass, prompt_tokens, ...)
DERIVED = ("length", "rethink_count", "train_tokens", "rank_difficulty", "rank_length", "joint_rank")
SIGNAL_COLUMNS = ("rethink_density", "rank_rethink", "rank_nll")  # recomputed from the measures when re-ranked
NLL_COLUMNS = ("nll", "nll_tokens", "nll_cut_tokens")  # a published nll signal, re-used as measured
FLAGS = ("selected", "selection_rank")
# options that do not change a score (speed, batching): free to differ from the scores' run
SPEED_OPTIONS = {"num_proc", "num_threads", "checkpoint_every", "judge_batch_tokens", "judge_max_batch_rows"}
# selection options that decide which rows were scored: fixed by the scores' run
ROW_OPTIONS = (
    "max_train_tokens",
    "decontaminate",
    "decontam_method",
    "decontam_benchmarks",
    "decontam_ngram",
    "decontam_threshold",
    "decontam_data_dir",
)


@dataclass
class Published:
    """Scores read back: the table (one row per scored pool row), its run's manifest, the ids that run dropped
    after normalising, and where it all came from (recorded in the new manifest and card)."""

    table: Any  # pyarrow.Table of scores.parquet
    manifest: Manifest
    dropped: Any  # pyarrow.Table of dropped.parquet (or None: not published)
    origin: dict[str, Any]

    def rank(
        self, pool: PoolArguments, sel: SelectionArguments, cache_dir: str, clock: Stopwatch
    ) -> tuple[Prepared, Ranked, dict | None]:
        """The rows, their ranking, and the scorer key of the scores (None when no difficulty is used)."""
        prepared, ranked = rank_published(self, pool, sel, cache_dir, clock)
        return prepared, ranked, self.manifest.scorer if ranked.scores is not None else None


SCORES_FILE = SIDE_FILES["scores.parquet"]  # where a pushed config's scores lie (under its folder unless default)


def split_source(spec: str) -> tuple[str, str]:
    """``SOURCE[:CONFIG]`` (as `s2r compare` reads selections) → (folder or repo id, pushed config name).

    CONFIG names the pushed subset (``pct05``) or its scores config (``pct05-scores``); none, ``default`` or
    ``scores``: the default config. An existing folder is taken whole, even with a ``:`` in its name."""
    source, _, config = spec.rpartition(":")
    if Path(spec).expanduser().is_dir() or not source or not config or "/" in config:
        return spec, "default"
    return source, "default" if config in ("default", "scores") else config.removesuffix("-scores")


def scores_configs(files: list[str]) -> list[str]:
    """The scores configs a pushed repo (its file list) serves: ``scores`` and ``<config>-scores``."""
    names = []
    for f in files:
        if f == SCORES_FILE:
            names.append("scores")
        elif f.count("/") == 2 and f.endswith(f"/{SCORES_FILE}"):
            names.append(scores_config_name(f.split("/")[0]))
    return sorted(names)


def _files_of(config: str) -> tuple[str, str, str]:
    """A pushed config's manifest, scores and drop list, as paths in its repo (see s2r_hf.hub)."""
    prefix = "" if config == "default" else f"{config}/"
    return tuple(prefix + SIDE_FILES[name] for name in ("manifest.json", "scores.parquet", "dropped.parquet"))


def _check_config(spec: str, config: str, files: list[str]) -> None:
    """The named config's scores are there, or one line listing the scores configs that are."""
    if _files_of(config)[1] not in files:
        have = scores_configs(files)
        raise S2RError(
            f"--scores-from {spec}: no scores config {scores_config_name(config)!r} there; it has "
            f"{', '.join(repr(n) for n in have) if have else 'none'} (give SOURCE:CONFIG, e.g. "
            f"{split_source(spec)[0]}:{(have or ['scores'])[0]})"
        )


def _read_local(folder: Path, spec: str, config: str) -> Published:
    """An `s2r select` output folder (one selection: scores.parquet at the top), or a local copy of a pushed repo
    (``hf download --repo-type dataset``: each config's files where the push put them)."""
    import pyarrow.parquet as pq

    copied = [p.relative_to(folder).as_posix() for p in [*folder.glob(SCORES_FILE), *folder.glob(f"*/{SCORES_FILE}")]]
    if (folder / "scores.parquet").is_file() or not copied:  # `s2r select` wrote it: one selection
        if (folder / "scores.parquet").is_file():
            _check_config(spec, config, [SCORES_FILE])  # served as `scores` once pushed
        manifest, scores, dropped = "manifest.json", "scores.parquet", "dropped.parquet"
        origin = {"source": public_path(str(folder)), "kind": "local folder", "file": scores}
    else:
        _check_config(spec, config, copied)
        manifest, scores, dropped = _files_of(config)
        name = scores_config_name(config)
        origin = {"source": public_path(str(folder)), "kind": "local folder", "config": name, "file": scores}
    missing = [n for n in (scores, manifest) if not (folder / n).is_file()]
    if missing:
        raise S2RError(
            f"--scores-from {spec}: no {' or '.join(missing)} there; give an `s2r select` output folder or a "
            "Hub dataset repo pushed by s2r (or its local copy)"
        )
    read_dropped = pq.read_table(folder / dropped) if (folder / dropped).is_file() else None
    return Published(pq.read_table(folder / scores), Manifest.from_json(folder / manifest), read_dropped, origin)


def _read_hub(repo: str, spec: str, config: str) -> Published:
    """The repo's scores config ``config`` names (through ``datasets``, as a user loads it), manifest and drop
    list, all at one commit, which is recorded."""
    import pyarrow.parquet as pq
    from datasets import load_dataset
    from huggingface_hub import HfApi, hf_hub_download

    from s2r_hf.hub import describe_failure

    name = scores_config_name(config)
    manifest_file, _, dropped_file = _files_of(config)
    try:
        sha = HfApi().dataset_info(repo).sha
        files = HfApi().list_repo_files(repo, repo_type="dataset", revision=sha)
        _check_config(spec, config, files)
        table = load_dataset(repo, name, split="train", revision=sha).with_format("arrow")[:]
        manifest = Manifest.from_json(Path(hf_hub_download(repo, manifest_file, repo_type="dataset", revision=sha)))
        dropped = None
        if dropped_file in files:
            dropped = pq.read_table(hf_hub_download(repo, dropped_file, repo_type="dataset", revision=sha))
    except S2RError:
        raise
    except Exception as err:
        raise S2RError(
            f"--scores-from {spec}: could not read its {name!r} config and {manifest_file} "
            f"({describe_failure(err)}); give a dataset repo pushed by `s2r select --push-to-hub` (owner/name, or "
            "owner/name:CONFIG for a named config), or a local selection folder"
        ) from None
    origin = {"source": repo, "kind": "hub dataset", "config": name, "revision": sha}
    return Published(table, manifest, dropped, origin)


def fetch(spec: str) -> Published:
    """Published scores from a local selection folder or a Hub dataset repo (``SOURCE[:CONFIG]``)."""
    source, config = split_source(spec)
    folder = Path(source).expanduser()
    published = _read_local(folder, spec, config) if folder.is_dir() else _read_hub(source, spec, config)
    if "id" not in published.table.column_names or "length" not in published.table.column_names:
        raise S2RError(f"--scores-from {spec}: the scores have no id/length column; not an s2r scores table")
    logger.info("scores: %d rows from %s (%s)", published.table.num_rows, spec, published.origin["kind"])
    return published


def published_options(
    pool: PoolArguments, scoring: ScoringArguments, sel: SelectionArguments, out: OutputArguments
) -> tuple[Published, PoolArguments, ScoringArguments, SelectionArguments]:
    """`s2r select --scores-from`'s first step: the scores, and the options they fix (:func:`resolve_options`);
    a push that cannot happen is refused now, as `s2r select` does (no model checks: none will load)."""
    from s2r_hf.preflight import push_problem

    collect([p for p in [push_problem("--push-to-hub", out.push_to_hub)] if p])
    published = fetch(sel.scores_from)
    return (published, *resolve_options(published, pool, scoring, sel, out))


def _default(cls, name: str) -> Any:
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


def _clashes(given, recorded, names, source: str) -> list[str]:
    """Options set (not default) to another value than the run that made the scores used."""
    problems = []
    for name in names:
        value, was = getattr(given, name), getattr(recorded, name)
        shown = public_path(value) if name in PATH_OPTIONS else value  # paths are recorded in their public form
        if value != _default(type(given), name) and value != was and shown != was:
            problems.append(
                f"--{name.replace('_', '-')} {value!r} changes the scores or the rows scored, but --scores-from "
                f"{source} was made with {was!r}; drop it, or run a full `s2r select`"
            )
    return problems


def resolve_options(
    published: Published, pool: PoolArguments, scoring: ScoringArguments, sel: SelectionArguments, out: OutputArguments
) -> tuple[PoolArguments, ScoringArguments, SelectionArguments]:
    """The pool options (the scores' run's, overridden by any set here), the scoring options that made the
    scores and the selection options with the scores' run's row filters (all recorded as such); refuses options
    that would change the scores or the rows scored."""
    recorded = published.manifest
    scoring_names = [f.name for f in dataclasses.fields(scoring) if f.name not in SPEED_OPTIONS]
    problems = _clashes(scoring, recorded.scoring, scoring_names, sel.scores_from)
    problems += _clashes(sel, recorded.selection, ROW_OPTIONS, sel.scores_from)
    here, there = Path(out.output_dir).resolve(), Path(split_source(sel.scores_from)[0]).expanduser().resolve()
    if there.is_dir() and (here == there or there in here.parents or here in there.parents):
        problems.append(
            f"--output-dir {out.output_dir} is, lies inside or contains the --scores-from folder; write elsewhere"
        )
    collect(problems)
    merged = {
        f.name: getattr(pool, f.name)
        if getattr(pool, f.name) != _default(PoolArguments, f.name)
        else getattr(recorded.pool, f.name)
        for f in dataclasses.fields(pool)
    }
    if str(merged["pool"]).startswith("local:"):
        raise S2RError(
            f"--scores-from {sel.scores_from}: its pool was a local file named {merged['pool']!r}; pass its path now "
            "with --pool"
        )
    kept = {f.name: getattr(scoring, f.name) for f in dataclasses.fields(scoring) if f.name in SPEED_OPTIONS}
    scores_scoring = {f.name: getattr(recorded.scoring, f.name) for f in dataclasses.fields(scoring)}
    rows_scored = {name: getattr(recorded.selection, name) for name in ROW_OPTIONS}
    return (
        PoolArguments(**merged),
        ScoringArguments(**{**scores_scoring, **kept}),
        dataclasses.replace(sel, **rows_scored),
    )


def _ids(values) -> np.ndarray:
    return np.asarray(values.to_pylist() if hasattr(values, "to_pylist") else values, dtype=object).astype(str)


def _coverage(pool_ids: np.ndarray, scored_ids: np.ndarray, dropped_ids: set[str], source: str) -> None:
    """Every pool row has a score (or was dropped by the scores' run), every score names a pool row."""
    scored = set(scored_ids.tolist())
    present = set(pool_ids.tolist())
    unscored = [i for i in pool_ids.tolist() if i not in scored and i not in dropped_ids]
    stray = [i for i in scored_ids.tolist() if i not in present]
    if unscored or stray:
        first = ", ".join(repr(i) for i in (unscored or stray)[:3])
        what = f"{len(unscored)} of {len(pool_ids)} pool rows have no score" if unscored else ""
        other = f"{len(stray)} of {len(scored_ids)} scored ids are not in the pool" if stray else ""
        raise S2RError(
            f"--scores-from {source} does not cover the pool: {'; '.join(filter(None, (what, other)))} (e.g. {first}); "
            "read the same pool (--pool, --pool-revision, --max-rows as the scores' manifest) or run a full "
            "`s2r select`"
        )


def _source_drops(published: Published, kept_ids: set[str], normalised_ids: set[str]) -> dict[str, DropReport]:
    """The scores' run's drops after normalising (decontamination, --max-train-tokens), as its reports were."""
    from s2r_hf.sft_data import OVER_MAX_TRAIN_TOKENS

    recorded, counts = published.manifest.selection, published.manifest.counts
    records = [] if published.dropped is None else published.dropped.to_pylist()
    later = [r for r in records if r.get("id") in normalised_ids and r.get("id") not in kept_ids]
    over = [r for r in later if r.get("reason") == OVER_MAX_TRAIN_TOKENS]
    contam = [r for r in later if r.get("reason") != OVER_MAX_TRAIN_TOKENS]
    reports = {}
    rows_in = len(normalised_ids)
    if recorded.decontaminate:
        report = DropReport(rows_in=rows_in, rows_kept=rows_in - len(contam), summary=counts.get("decontamination"))
        for r in contam:
            report.add(r.get("reason") or "decontaminated", [r])
        report.breakdown = dict(counts.get("decontaminated") or {})
        reports[DECONTAMINATE] = report
        rows_in -= len(contam)
    if recorded.max_train_tokens is not None:
        report = DropReport(rows_in=rows_in, rows_kept=rows_in - len(over))
        report.add(OVER_MAX_TRAIN_TOKENS, over)
        reports[MAX_TRAIN_TOKENS] = report
    return reports


def _column(table, name: str, dtype) -> np.ndarray | None:
    return table.column(name).to_numpy(zero_copy_only=False).astype(dtype) if name in table.column_names else None


def _check_measures(published: Published, sel: SelectionArguments, table) -> None:
    source = sel.scores_from
    signals = sel.signal_weights() or {"difficulty": 1.0}
    if "nll" in signals and "nll" not in table.column_names:
        raise S2RError(
            f"--signals names nll, but the scores from {source} hold no nll column (their run had no nll signal); "
            "drop nll from --signals, or run a full `s2r select` with it"
        )
    if sel.strategy in NEEDS_DIFFICULTY and "difficulty" in signals and "difficulty" not in table.column_names:
        raise S2RError(
            f"--strategy {sel.strategy} needs difficulty, but the scores from {source} hold none (made with "
            f"--strategy {published.manifest.selection.strategy}); use length, random, stratified or full"
        )
    if (sel.token_budget is not None) and "train_tokens" not in table.column_names:
        raise S2RError(
            f"--token-budget counts training tokens, which the scores from {source} lack (their run had no "
            "--token-budget or --max-train-tokens); use --ratio or --count, or run a full `s2r select`"
        )


def rank_published(
    published: Published, pool: PoolArguments, sel: SelectionArguments, cache_dir: str, clock: Stopwatch
) -> tuple[Prepared, Ranked]:
    """Read and normalise the pool, align the published scores to its rows, rank and cut (no model)."""
    import pyarrow as pa

    from s2r_hf.pools import load_pool, normalise

    drops = DropLog()
    with clock("load_normalise"):
        raw = load_pool(pool, cache_dir)
        rows = drops.record(
            NORMALISE, normalise(raw, pool.pool_format, pool.on_bad_row, openr1_trace=pool.openr1_trace)
        )
    recorded = published.manifest.pool_fingerprint
    if recorded and recorded != raw._fingerprint:  # same ids may still carry other text: say so, do not refuse
        logger.warning(
            "the pool's fingerprint %s differs from the one the scores were made on (%s): if its rows changed, "
            "the published lengths and difficulties may not describe them",
            raw._fingerprint,
            recorded,
        )
    pool_ids = column(rows, "id").astype(str)
    scored_ids = _ids(published.table.column("id"))
    dropped_ids = set() if published.dropped is None else set(_ids(published.dropped.column("id")).tolist())
    _coverage(pool_ids, scored_ids, dropped_ids, sel.scores_from)
    scored = set(scored_ids.tolist())
    keep = [i for i, row_id in enumerate(pool_ids.tolist()) if row_id in scored]
    for step, report in _source_drops(published, scored, set(pool_ids.tolist())).items():
        drops.steps[step] = report
    rows = rows.select(keep)
    position = {row_id: i for i, row_id in enumerate(scored_ids.tolist())}
    table = published.table.take(pa.array([position[i] for i in pool_ids[keep].tolist()], type=pa.int64()))
    _check_measures(published, sel, table)
    own = set(rows.column_names) | set(DERIVED) | set(FLAGS) | set(SIGNAL_COLUMNS) | set(NLL_COLUMNS)
    scores = {c: table.column(c).to_numpy(zero_copy_only=False) for c in table.column_names if c not in own}
    nll = {c: table.column(c).to_numpy(zero_copy_only=False) for c in NLL_COLUMNS if c in table.column_names}
    prepared = Prepared(rows, raw._fingerprint, drops, _column(table, "train_tokens", np.int64))
    drops.log_summary()
    with clock("rank"):
        rethink = _column(table, "rethink_count", np.int32)
        ranked = rank_measured(
            prepared,
            scores if "difficulty" in scores else None,
            sel,
            _column(table, "length", np.int64),
            rethink if rethink is not None else np.zeros(len(keep), dtype=np.int32),
            nll=nll if "nll" in nll else None,
        )
    return prepared, ranked
