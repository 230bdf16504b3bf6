"""A selection to compare, from a local `s2r select` folder or a Hub dataset repo it pushed, read as Arrow.

Only the measure columns are read (never the problem/response text): on a 220k-row pool the tables stay a few MB.
The selected rows' measures come from ``scores.parquet`` (every scored pool row) filtered by the manifest's ids;
a selection without it (or whose ids it lacks) is read from its subset shards ``data/*.parquet`` instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from s2r_hf.errors import S2RError
from s2r_hf.manifest import Manifest
from s2r_hf.selection_files import Layout, locate, parquet_schema, read_manifest

logger = logging.getLogger(__name__)

MEASURES = ("id", "difficulty", "length", "train_tokens", "rethink_count", "problem_type", "source")


@dataclass
class Selection:
    """One selection: its record, its selected ids, the measures of its selected rows and (when written) of
    every scored pool row. Tables hold only :data:`MEASURES` columns."""

    label: str
    source: str
    manifest: Manifest
    ids: Any  # pyarrow string Array: the selected ids, unique
    chosen: Any  # pyarrow Table: measures of the selected rows
    pool: Any | None = None  # pyarrow Table: measures of every scored pool row (scores.parquet), if present
    borrowed: dict[str, str] = field(default_factory=dict)  # measure → label of the selection it was looked up in

    @property
    def length_unit(self) -> str:
        return self.manifest.scoring.length_unit or "tokens"


def _read_columns(files: list[Path]):
    """The :data:`MEASURES` columns of parquet ``files`` (text columns are never read), as one Arrow table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for file in files:
        names = parquet_schema(file).names
        try:
            tables.append(pq.read_table(file, columns=[c for c in MEASURES if c in names]))
        except (pa.ArrowException, OSError) as err:
            first = (str(err).splitlines() or [type(err).__name__])[0]
            raise S2RError(f"{file} is no readable parquet file ({first}); run `s2r select` again") from None
    try:
        return pa.concat_tables(tables, promote_options="default") if tables else None
    except pa.ArrowException as err:
        raise S2RError(
            f"the subset shards {files[0].parent} disagree on their columns ({err}); run `s2r select` again"
        ) from None


def _subset(layout: Layout):
    """The selected rows' measures from the subset shards (downloaded first for a Hub repo)."""
    files = layout.shards()
    return _read_columns(files) if files else None


def load_selection(spec: str, label: str, source: str | None = None) -> Selection:
    """Read one selection (see the module docstring); ``source``: how written files name it (default ``spec``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    layout = locate(spec)
    manifest = read_manifest(layout)
    ids = pc.unique(pa.array(manifest.selected_ids, type=pa.string()))
    scores = layout.root / layout.scores
    pool = _read_columns([scores]) if scores.is_file() else None
    chosen = None
    if pool is not None and "id" in pool.column_names:
        chosen = pool.filter(pc.is_in(pool["id"], value_set=ids))
        if chosen.num_rows != len(ids):
            logger.warning(
                "%s: %s holds %d of the %d selected ids; reading the subset",
                spec,
                layout.scores,
                chosen.num_rows,
                len(ids),
            )
            chosen = None
    if chosen is None:
        chosen = _subset(layout)
    if chosen is None or "id" not in chosen.column_names:
        logger.warning(
            "%s: neither %s nor the subset shards could be read: only its ids are compared", spec, layout.scores
        )
        chosen = pa.table({"id": ids})
    return Selection(label=label, source=source or spec, manifest=manifest, ids=ids, chosen=chosen, pool=pool)


def labels_for(specs: list[str]) -> list[str]:
    """A short, unique label per selection: the path or repo id as given (``#2`` added to a repeat)."""
    out: list[str] = []
    for spec in specs:
        base = spec.rstrip("/") or spec
        label, n = base, 1
        while label in out:
            n += 1
            label = f"{base}#{n}"
        out.append(label)
    return out


def borrow_measures(selections: list[Selection]) -> None:
    """Fill a measure a selection lacks (``random`` has no difficulty) from another selection of the SAME pool
    (equal ``pool_fingerprint``), looked up by id; recorded in ``borrowed``. Arrow take, no Python rows."""
    import pyarrow.compute as pc

    for sel in selections:
        for name in MEASURES[1:]:
            if name in sel.chosen.column_names:
                continue
            donor = next(
                (
                    other
                    for other in selections
                    if other is not sel
                    and other.manifest.pool_fingerprint == sel.manifest.pool_fingerprint
                    and other.pool is not None
                    and name in other.pool.column_names
                ),
                None,
            )
            if donor is None or not sel.manifest.pool_fingerprint:
                continue
            index = pc.index_in(sel.chosen["id"], value_set=donor.pool["id"])
            sel.chosen = sel.chosen.append_column(name, pc.take(donor.pool[name], index))
            if sel.pool is not None and name not in sel.pool.column_names:
                index = pc.index_in(sel.pool["id"], value_set=donor.pool["id"])
                sel.pool = sel.pool.append_column(name, pc.take(donor.pool[name], index))
            sel.borrowed[name] = donor.label
