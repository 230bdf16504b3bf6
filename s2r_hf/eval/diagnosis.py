"""Why an evaluation could not start, in one line: a local benchmark file, a benchmark's Hub copy, or the model.

lighteval's pipeline loads the benchmarks, then the model, and raises whatever datasets/transformers raise.
:func:`tracked_pipeline` tags the phase that failed with a type (:class:`BenchmarkLoadError`,
:class:`ModelLoadError`), and local files are checked by reading them (:func:`local_file_problem`), so the message
depends on the exception's text only to pick WHICH Hub benchmark of a group failed.
"""

from __future__ import annotations

from pathlib import Path

from s2r_hf.errors import S2RError
from s2r_hf.eval.options import EvalArguments


class BenchmarkLoadError(Exception):
    """lighteval failed while loading a group's benchmarks (the original error is ``__cause__``)."""


class ModelLoadError(Exception):
    """lighteval failed while loading the model (the original error is ``__cause__``)."""


def tracked_pipeline():
    """lighteval's ``Pipeline`` with each loading phase's failure re-raised as its own type. Built on call: importing
    this module must not import lighteval (whose import needs :mod:`s2r_hf.eval.compat` applied first)."""
    from lighteval.pipeline import Pipeline

    class TrackedPipeline(Pipeline):
        def _init_tasks_and_requests(self, tasks):
            try:
                return super()._init_tasks_and_requests(tasks)
            except S2RError:  # our task module's own one-line errors (a bad row) pass as they are
                raise
            except Exception as err:
                raise BenchmarkLoadError(str(err)) from err

        def _init_model(self, model_config, model):
            try:
                return super()._init_model(model_config, model)
            except S2RError:
                raise
            except Exception as err:
                raise ModelLoadError(str(err)) from err

    return TrackedPipeline


def local_file_problem(folder: Path) -> str | None:
    """What makes a benchmark folder unreadable (an empty file, a line that is not one JSON object), or None."""
    from s2r_hf.pools.loading import first_bad_json_line

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.stat().st_size == 0:
            return f"{path} is empty"
        bad = first_bad_json_line(path)
        if bad:
            return f"{path}: {bad}"
    return None


def _first_line(err: BaseException) -> str:
    text = f"{type(err).__name__}: {err}"
    return text.splitlines()[0] if text.strip() else type(err).__name__


def _hub_data_error(key: str, args: EvalArguments, first: str) -> S2RError:
    from s2r_hf.eval.tasks import BENCHMARKS

    where = Path(args.data_dir or "<data-dir>") / key
    return S2RError(
        f"could not load {key}'s data from {BENCHMARKS[key].hf_repo} ({first}). Offline, or a gated dataset "
        f"(accept its terms on the Hub and set HF_TOKEN)? Or put its jsonl/parquet in {where}/ and pass --data-dir"
    )


def _model_error(args: EvalArguments, first: str) -> S2RError:
    return S2RError(
        f"could not load the model {args.model} ({first}); give a local model folder or a Hub id you can reach"
    )


def loading_error(err: Exception, args: EvalArguments, keys: list[str]) -> S2RError | None:
    """An S2RError naming what could not be loaded (a local benchmark file, a benchmark's Hub copy, or the model)
    and what to do; None for any other error. ``err`` tagged by :func:`tracked_pipeline` is told by its type; an
    untagged one (another caller) by its type and text, as before."""
    from s2r_hf.eval.tasks import BENCHMARKS, local_folder

    phase = "data" if isinstance(err, BenchmarkLoadError) else "model" if isinstance(err, ModelLoadError) else None
    cause = err.__cause__ if phase and err.__cause__ is not None else err
    first = _first_line(cause)
    if phase == "model":
        return _model_error(args, first)
    folders = {key: local_folder(key, args.data_dir) for key in keys}
    for key, folder in folders.items():
        problem = local_file_problem(folder) if folder is not None else None
        if problem:
            return S2RError(f"cannot read {key}'s data: {problem}; fix or remove it (one JSON object per line)")
    text = f"{type(cause).__name__}: {cause}"
    named = [k for k in keys if BENCHMARKS[k].hf_repo in text]  # which of the group's Hub copies failed
    if phase == "data":
        hub = named or [k for k in keys if folders[k] is None]
        return _hub_data_error(hub[0], args, first) if hub else None
    if named:
        return _hub_data_error(named[0], args, first)
    if args.model in text or isinstance(cause, OSError):  # the data loaded (it comes first): the model did not
        return _model_error(args, first)
    return None
