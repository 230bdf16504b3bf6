"""Resumable evaluation: generations are cached per problem, in chunks, under a key of everything they depend on.

A long-CoT evaluation is hours of GPU time (AIME at 16 samples × 16k tokens), and lighteval generates a
whole pipeline's problems in ONE call, writing its sample cache only at the end: a crash loses all of it.
``s2r eval`` therefore

* keys lighteval's sample cache on what the generations depend on that lighteval's own key (the model
  *config*) misses: the weights (file names, sizes and mtimes of a local folder; the blob ids of a Hub
  model's files — never the card), the contents of local benchmark files, and the code that builds the prompts
  (:func:`cache_key`) — so a re-trained model or an edited data file never reuses old answers;
* makes the model generate in chunks of ``chunk_size`` problems
  (:func:`generate_in_chunks`); after each chunk lighteval's cache holds its answers, so re-running the
  same command generates only what is missing, and re-grading finished answers takes seconds.

The options in the key (:func:`generation_options` + sampling) are those that change the generated
text: backend, dtype, answer budget, seed, repetition penalty, n, temperature, top_p. What only changes grading —
the grader's code, ``--answer-from`` (lighteval caches the raw ``ModelResponse.text``; the ``</think>`` stripping
runs after loading) — is deliberately left out, so changing it re-grades the cached answers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

# Files whose code decides the prompts (and so the cached answers); the grader is not one of them:
# re-grading cached answers with a fixed grader is the point of the cache.
PROMPT_CODE = ("tasks.py", "../prompts.py", "../benchdata/rows.py", "../benchdata/problems.py")  # what builds a prompt


def model_identity(model: str) -> dict:
    """What identifies the weights ``model`` names: a local folder's top-level files (name, size, mtime), or a Hub
    model's top-level files (name, blob id; asked from the Hub, else the locally cached snapshot's commit) —
    never the card, which `s2r card` rewrites after every evaluation."""
    path = Path(model)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not _card_file(p.name))
        return {"path": str(path.resolve()), "files": [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in files]}
    return {"hub_id": model, **_hub_identity(model)}


def _card_file(name: str) -> bool:
    """Files that describe the model without changing its answers: `s2r card` rewrites README.md (and
    .eval_results/) after every evaluation, which must not make the next run regenerate everything."""
    return name.startswith(".") or name.lower().endswith((".md", ".png"))


def _hub_identity(repo_id: str) -> dict:
    from huggingface_hub import HfApi, try_to_load_from_cache

    try:
        info = HfApi().model_info(repo_id, files_metadata=True)
        files = sorted([s.rfilename, s.blob_id] for s in info.siblings or [] if "/" not in s.rfilename)
        return {"files": [f for f in files if not _card_file(f[0])]}
    except Exception as err:  # offline, gated, unknown: the locally cached snapshot is what would be loaded
        logger.debug("could not ask the Hub for %s's files (%s); using the local cache", repo_id, err)
    cached = try_to_load_from_cache(repo_id, "config.json")
    if isinstance(cached, str):  # …/models--ns--name/snapshots/<commit>/config.json
        return {"commit": Path(cached).parent.name}
    logger.warning("commit of %s unknown (Hub unreachable, not cached): cached answers keyed on its name", repo_id)
    return {"commit": None}


def data_identity(folder: Path | None, hub: tuple[str, str, str]) -> dict:
    """A benchmark's data: the sha256 of every file in its local folder, or the Hub (repo, config, split)."""
    if folder is None:
        return {"hub": list(hub)}
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def cache_key(model: str, data: dict[str, dict], options: dict) -> str:
    """16 hex digits over the weights, the benchmarks' data, the prompt code and ``options``."""
    here = Path(__file__).parent
    code = {name: hashlib.sha256((here / name).read_bytes()).hexdigest() for name in PROMPT_CODE}
    blob = json.dumps(
        {"model": model_identity(model), "data": data, "code": code, "options": options}, sort_keys=True, default=str
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def generate_in_chunks(generate: Callable[[list], list], chunk_size: int) -> Callable[[list], list]:
    """Wrap a lighteval model's cached ``greedy_until``: call it on ``chunk_size`` problems at a time (in the
    given order, tasks mixed: lighteval files each answer under its task), so its sample cache is written after
    every chunk."""

    def chunked(docs: list) -> list:
        chunks = [docs[s : s + chunk_size] for s in range(0, len(docs), chunk_size)]
        results: list = []
        start = time.perf_counter()
        for n, chunk in enumerate(chunks, 1):
            answers = generate(chunk)
            if len(answers) != len(chunk):
                raise ValueError(f"the model returned {len(answers)} answers for {len(chunk)} problems")
            results += answers
            elapsed = time.perf_counter() - start
            logger.info(
                "answers cached: chunk %d/%d (%d problems); %.0f s so far",
                *(n, len(chunks), len(chunk), elapsed),
            )
        return results

    return chunked


def generation_options(args, backend: str) -> dict:
    """Every option of ``args`` (:class:`~s2r_hf.eval.options.EvalArguments`) that changes the generated answers
    (beside sampling): the cache is keyed on them. ``answer_from`` is not one: it only changes grading, so
    changing it re-grades the cached raw answers."""
    return {
        "backend": backend,
        "dtype": args.dtype,
        "max_new_tokens": args.max_new_tokens,
        "seed": args.seed,
        "repetition_penalty": args.repetition_penalty,
    }


def group_cache_key(args, backend: str, keys: list[str], sampling: dict) -> str:
    """The cache folder name of one sampling group: its model, benchmarks' data, generation options, sampling."""
    from s2r_hf.eval.tasks import BENCHMARKS, local_folder

    data = {}
    for key in keys:
        b = BENCHMARKS[key]
        data[key] = data_identity(local_folder(key, args.data_dir), (b.hf_repo, b.hf_subset, b.split))
    return cache_key(args.model, data, {**generation_options(args, backend), **sampling})


def group_cache(args, backend: str, keys: list[str], sampling: dict) -> Path:
    """``OUTPUT/.lighteval_cache/<key>`` of one sampling group; emptied first under ``--no-resume``."""
    import shutil

    folder = Path(args.output_dir) / ".lighteval_cache" / group_cache_key(args, backend, keys, sampling)
    if not args.resume:
        shutil.rmtree(folder, ignore_errors=True)
    logger.info("answers of %s cached in %s (re-run the same command to resume)", ",".join(keys), folder)
    return folder


def forced_key(group_key: str, settings: dict, text: str) -> str:
    """The cache key of one forced final answer (``--budgets``): the budget run's group key (weights, data, prompt
    code, sampling, budget), the forcing settings (cue, tokens, penalty) and the exact text continued — a
    regenerated response never reuses the forced answer of an older one."""
    blob = json.dumps({"group": group_key, "forcing": settings, "text": text}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]
