"""Make lighteval 0.13 run offline and with huggingface-hub 2.x / xxhash 4 (ENVIRONMENT.md: three defects; three more
found here).

1. ``Registry`` imports every built-in task module; ``tiny_benchmarks`` downloads a pickle at import
   (``ConnectionError`` offline, or a hang behind a firewall).
2. ``mt_bench`` and ``mix_eval`` build an LLM-judge metric at import, whose constructor calls
   ``HfApi.list_models(model_name=…)``, an argument huggingface-hub 2.x removed (``TypeError``).
3. The details logger hashes ``str`` with ``xxhash.xxh64``; xxhash 4 wants bytes (``TypeError``).
4. (found here) The sample cache lives at ``cache_dir / model_name / hash``; with an absolute model path
   (``/…/my-model``) the join drops ``cache_dir`` and the cache lands inside the model folder, where
   a retrained model at the same path would read stale answers.
5. (found here) The transformers backend never sets ``do_sample``: with temperature > 0 the "samples" are
   greedy copies (or transformers 5 rejects ``num_return_sequences > 1``).
6. (found here) The sample cache rewrites a task's answers with ``Dataset.to_parquet`` straight onto the
   file: a crash mid-write leaves it truncated, and the next run silently drops every answer in it (it
   logs "Error loading" and overwrites the file with the new answers only) — what resuming must not do.

Fixes: the registry skips those three built-in modules (we never run them; our tasks are prefixed ``s2r_``
so the name-clash check still holds); the details logger gets an ``xxh64`` that encodes ``str`` as UTF-8
first; the sample cache is keyed on the model path made relative, so it stays under ``cache_dir``; the
transformers backend samples when its temperature is above 0; the cache writes through a temp file and
``os.replace``. Nothing is patched at import: :func:`apply`
is called by ``s2r eval`` and ``s2r-lighteval`` (:mod:`s2r_hf.eval.lighteval_cli`) just before lighteval
runs, is idempotent, and :func:`undo` restores the originals.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import SimpleNamespace

logger = logging.getLogger(__name__)

SKIPPED_BUILTIN_MODULES = frozenset({"tiny_benchmarks", "mt_bench", "mix_eval"})
_ORIGINALS: dict[str, object] = {}


def _xxhash_shim():
    import xxhash

    def xxh64(data=b"", *args, **kwargs):
        if isinstance(data, str):
            data = data.encode("utf-8")
        return xxhash.xxh64(data, *args, **kwargs)

    return SimpleNamespace(xxh64=xxh64)


def _relative_model_name(model_name: str) -> str:
    """The model name as a path that stays under lighteval's cache_dir when joined to it."""
    return Path(model_name).as_posix().lstrip("/").replace("..", "__")


def _atomic_parquet_dataset(base):
    """``base`` (datasets.Dataset) whose ``to_parquet(path)`` writes a temp file beside ``path``, then renames."""
    from s2r_hf.io import temp_path

    class AtomicParquetDataset(base):
        def to_parquet(self, path_or_buf, *args, **kwargs):
            if not isinstance(path_or_buf, (str, os.PathLike)):
                return super().to_parquet(path_or_buf, *args, **kwargs)
            path = Path(path_or_buf)
            tmp = temp_path(path)
            try:
                written = super().to_parquet(str(tmp), *args, **kwargs)
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            return written

    return AtomicParquetDataset


def apply() -> None:
    """Patch lighteval in this process (idempotent)."""
    if _ORIGINALS:
        return
    from lighteval.logging import info_loggers
    from lighteval.models.transformers.transformers_model import TransformersModel
    from lighteval.tasks.registry import Registry
    from lighteval.utils import cache_management
    from lighteval.utils.cache_management import SampleCache

    load_files = Registry._load_from_files
    load_subdirs = Registry._load_from_subdirs

    def _load_from_files(files: list[Path], module_prefix: str):
        kept = [f for f in files if Path(f).stem not in SKIPPED_BUILTIN_MODULES]
        return load_files(kept, module_prefix)

    def _load_from_subdirs(subdirs: list[Path]):
        kept = [d for d in subdirs if Path(d).name not in SKIPPED_BUILTIN_MODULES]
        return load_subdirs(kept)

    cache_init = SampleCache.__init__

    def _cache_init(self, model_config):
        relative = _relative_model_name(model_config.model_name)
        if relative == model_config.model_name:
            return cache_init(self, model_config)
        cache_init(self, model_config.model_copy(update={"model_name": relative}))
        self.model_config = model_config

    model_init = TransformersModel.__init__

    def _model_init(self, config, *args, **kwargs):
        model_init(self, config, *args, **kwargs)
        if (config.generation_parameters.temperature or 0) > 0:
            self.generation_config_dict["do_sample"] = True

    _ORIGINALS.update(
        load_files=load_files,
        load_subdirs=load_subdirs,
        xxhash=info_loggers.xxhash,
        cache_init=cache_init,
        model_init=model_init,
        cache_dataset=cache_management.Dataset,
    )
    cache_management.Dataset = _atomic_parquet_dataset(cache_management.Dataset)
    TransformersModel.__init__ = _model_init
    SampleCache.__init__ = _cache_init
    Registry._load_from_files = staticmethod(_load_from_files)
    Registry._load_from_subdirs = staticmethod(_load_from_subdirs)
    info_loggers.xxhash = _xxhash_shim()
    logger.debug("lighteval compat applied: skipping %s; xxh64 accepts str", sorted(SKIPPED_BUILTIN_MODULES))


def undo() -> None:
    """Restore lighteval's originals (for tests)."""
    if not _ORIGINALS:
        return
    from lighteval.logging import info_loggers
    from lighteval.models.transformers.transformers_model import TransformersModel
    from lighteval.tasks.registry import Registry
    from lighteval.utils import cache_management
    from lighteval.utils.cache_management import SampleCache

    cache_management.Dataset = _ORIGINALS["cache_dataset"]
    TransformersModel.__init__ = _ORIGINALS["model_init"]
    Registry._load_from_files = staticmethod(_ORIGINALS["load_files"])
    Registry._load_from_subdirs = staticmethod(_ORIGINALS["load_subdirs"])
    SampleCache.__init__ = _ORIGINALS["cache_init"]
    info_loggers.xxhash = _ORIGINALS["xxhash"]
    _ORIGINALS.clear()
