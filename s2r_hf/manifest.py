"""The manifest: everything needed to audit a selection and re-materialise the exact subset.

It records the resolved options, the pool (name, revision, fingerprint), the scorer key, the counts
dropped at each step, the selected ids in order, the package versions and the seed. ``materialise``
reloads the pool the same way and returns the same rows, in the same order.

:class:`Manifest` is the typed record (``to_json`` / ``from_json``, ``manifest_version``); its options are read
through the option dataclasses (``manifest.pool.pool``, ``manifest.selection.strategy``), never by string key.
"""

from __future__ import annotations

import importlib.metadata
import logging
import platform
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1
PACKAGES = (
    "s2r_hf",
    "datasets",
    "huggingface_hub",
    "transformers",
    "trl",
    "accelerate",
    "torch",
    "tokenizers",
    "numpy",
    "pyarrow",
    "math_verify",
)


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


METHOD = "Select2Reason (arXiv 2505.17266)"
COUNT_KEYS = (  # the manifest's ``counts``, in the order written (drops first: see s2r_hf.drops.DropLog)
    "pool_rows",
    "normalise_dropped",
    "normalise_notes",
    "id_conflicts",
    "decontaminated",
    "decontam_ngram",
    "decontamination",
    "judge_truncated",
    "over_max_train_tokens",
    "selected_train_tokens",
    "scored",
    "selected",
    "selected_length_sum",
    "pool_length_sum",
)


def _option_view(cls, values: dict[str, Any]):
    """``cls`` holding ``values`` as recorded (defaults for fields an older manifest lacks, unknown keys ignored),
    built without ``__post_init__``: a record is read back as written, not re-validated against today's checks."""
    from dataclasses import MISSING, fields

    view = object.__new__(cls)
    for f in fields(cls):
        default = f.default_factory() if f.default_factory is not MISSING else f.default
        setattr(view, f.name, values.get(f.name, None if default is MISSING else default))
    return view


@dataclass
class Manifest:
    """A selection's record (``manifest.json``), typed. ``to_json`` writes the same keys as ever; ``from_json``
    reads every manifest written since version 1 (a missing ``manifest_version`` counts as 1) and refuses a newer
    version. Option groups are read through :attr:`pool`, :attr:`scoring`, :attr:`selection` and :attr:`output`
    (the option dataclasses), not by string key."""

    options: dict[str, dict[str, Any]]  # resolved options grouped by dataclass name, as written to disk
    pool_fingerprint: str | None = None
    scorer: dict[str, Any] | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    selected_ids: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    method: str = METHOD
    version: int = MANIFEST_VERSION
    ablation: dict[str, Any] | None = None  # `s2r ablate`: how the traces were perturbed (absent from a selection)
    extra: dict[str, Any] = field(default_factory=dict)  # top-level keys this version does not know, kept as read

    @classmethod
    def build(
        cls,
        *,
        options: dict[str, Any],
        pool_fingerprint: str,
        scorer_key: dict | None,
        counts: dict[str, Any],
        selected_ids: list[str],
        timings: dict[str, float],
    ) -> Manifest:
        """A new manifest of this run, with the installed package versions."""
        return cls(
            options=options,
            pool_fingerprint=pool_fingerprint,
            scorer=scorer_key,
            counts=counts,
            selected_ids=selected_ids,
            versions=package_versions(),
            timings_s={k: round(v, 3) for k, v in timings.items()},
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object, keys in the order ``manifest.json`` has always had."""
        return {
            "manifest_version": self.version,
            "method": self.method,
            "options": self.options,
            "pool_fingerprint": self.pool_fingerprint,
            "scorer": self.scorer,
            "counts": self.counts,
            "versions": self.versions,
            "timings_s": self.timings_s,
            "selected_ids": self.selected_ids,
            **({"ablation": self.ablation} if self.ablation is not None else {}),
            **self.extra,
        }

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"

    @classmethod
    def from_json(cls, source: str | Path | dict[str, Any] | Manifest) -> Manifest:
        """A manifest from JSON text, a ``manifest.json`` path, or the parsed object."""
        import json

        if isinstance(source, Manifest):
            return source
        if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("{")):
            source = Path(source).read_text(encoding="utf-8")
        data = dict(json.loads(source) if isinstance(source, str) else source)
        version = data.pop("manifest_version", 1)
        if not isinstance(version, int) or version > MANIFEST_VERSION:
            raise S2RError(
                f"manifest_version {version!r} is newer than this s2r_hf reads ({MANIFEST_VERSION}); upgrade s2r_hf"
            )
        known = {f.name for f in fields(cls)} - {"version", "extra"}
        return cls(
            version=version,
            extra={k: v for k, v in data.items() if k not in known},
            **{k: v for k, v in data.items() if k in known},
        )

    def save(self, path: str | Path) -> Path:
        from s2r_hf.io import atomic_write_text

        return atomic_write_text(path, self.to_json())

    def _group(self, cls):
        return _option_view(cls, self.options.get(cls.__name__, {}))

    @property
    def pool(self):
        """The recorded :class:`~s2r_hf.configs.PoolArguments` (public paths, as written)."""
        from s2r_hf.configs import PoolArguments

        return self._group(PoolArguments)

    @property
    def scoring(self):
        from s2r_hf.configs import ScoringArguments

        return self._group(ScoringArguments)

    @property
    def selection(self):
        from s2r_hf.configs import SelectionArguments

        return self._group(SelectionArguments)

    @property
    def output(self):
        from s2r_hf.configs import OutputArguments

        return self._group(OutputArguments)

    @property
    def budget(self) -> tuple[str, Any] | None:
        """The budget option the selection used, e.g. ``("ratio", 0.1)``; None for none (strategy ``full``)."""
        sel = self.selection
        return next(
            ((k, getattr(sel, k)) for k in ("ratio", "count", "token_budget") if getattr(sel, k) is not None), None
        )


def build_manifest(**fields: Any) -> dict[str, Any]:
    """The manifest as its JSON object; takes :meth:`Manifest.build`'s keywords (kept for callers of the dict)."""
    return Manifest.build(**fields).to_dict()


def options_dict(*configs) -> dict[str, Any]:
    """The resolved dataclass options, grouped by dataclass name (tokens and secrets are never here)."""
    return {type(c).__name__: asdict(c) for c in configs}


# options that may hold a local path; published files name those by a cwd-relative path or file name only
PATH_OPTIONS = {
    "pool": "PoolArguments",
    "judge": "ScoringArguments",
    "length_tokenizer": "ScoringArguments",
    "decontam_benchmarks": "SelectionArguments",
    "output_dir": "OutputArguments",
    "cache_dir": "OutputArguments",
}
LOCAL_PREFIX = "local:"


def public_path(value: Any, cwd: Path | None = None) -> Any:
    """A path as published files may name it: relative to the working folder when inside it, ``~/…`` when
    under the home folder, else ``local:<file name>``. Hub ids, built-in names (``s2r:…``) and relative paths
    that stay inside the working folder are returned unchanged; ``name=path`` keeps its ``name=``."""
    if isinstance(value, list):
        return [public_path(v, cwd) for v in value]
    if not isinstance(value, str) or not value or value.startswith(("s2r:", LOCAL_PREFIX)):
        return value
    if "=" in value and not Path(value).exists():
        name, path = value.split("=", 1)
        return f"{name}={public_path(path, cwd)}"
    path = Path(value).expanduser()
    if not path.is_absolute() and ".." not in path.parts and not value.startswith("~"):
        return value  # already relative to the working folder (or a Hub id)
    full = path.resolve() if path.exists() or not path.is_absolute() else path
    for base, prefix in ((Path(cwd or Path.cwd()).resolve(), ""), (Path.home().resolve(), "~/")):
        if full == base or base in full.parents:
            rel = full.relative_to(base).as_posix()
            return prefix + rel if rel != "." else (prefix.rstrip("/") or ".")
    return LOCAL_PREFIX + (full.name or str(full))


def public_configs(*configs) -> tuple:
    """Copies of option dataclasses with every local path made public (:func:`public_path`); no checks re-run."""
    import copy

    out = []
    for cfg in configs:
        clone = copy.copy(cfg)
        for name, owner in PATH_OPTIONS.items():
            if type(cfg).__name__ == owner and getattr(cfg, name, None) is not None:
                setattr(clone, name, public_path(getattr(cfg, name)))
        out.append(clone)
    return tuple(out)


def materialise(manifest: Manifest | dict[str, Any] | str | Path, pool: str | None = None):
    """Re-build the selected subset (canonical columns, manifest order) from the pool the manifest names.

    A local pool is named in the manifest by a path relative to the folder the selection ran in, or by its file
    name only (``local:pool.jsonl``): pass ``pool`` (its path now) for the latter, or when it has moved.
    """
    from s2r_hf.configs import PoolArguments, default_cache_dir
    from s2r_hf.pools import load_pool, normalise

    manifest = Manifest.from_json(manifest)
    recorded = manifest.pool
    if pool is None and str(recorded.pool or "").startswith(LOCAL_PREFIX):
        raise S2RError(
            f"the manifest names a local pool by file name only ({recorded.pool!r}); pass its path: "
            "materialise(manifest, pool='path/to/pool')"
        )
    pool_args = PoolArguments(**{**asdict(recorded), **({"pool": pool} if pool is not None else {})})
    cache_dir = manifest.output.cache_dir or ""
    if not cache_dir or cache_dir.startswith(LOCAL_PREFIX):
        cache_dir = default_cache_dir()
    cache_dir = str(Path(cache_dir).expanduser())
    canon, _ = normalise(
        load_pool(pool_args, cache_dir),
        pool_args.pool_format,
        "skip",
        desc="re-materialise",
        openr1_trace=pool_args.openr1_trace,
    )
    position = {row_id: i for i, row_id in enumerate(canon["id"])}
    missing = [i for i in manifest.selected_ids if i not in position]
    if missing:
        raise S2RError(
            f"{len(missing)} selected ids are not in pool {pool_args.pool!r} any more (first: "
            f"{missing[0]!r}); pin --pool-revision to the manifest's pool revision"
        )
    return canon.select([position[i] for i in manifest.selected_ids])
