"""Resumable score store: parquet parts under one folder per scorer configuration.

The folder name is a hash of the scorer key (judge name + revision or weight fingerprint, prompt hash,
dtype, ...). Rows are keyed by (id, problem hash), so a changed problem text is re-scored, and any pool
that shares rows shares scores. Parts are written atomically (temp file, then ``os.replace``): a run
killed mid-write leaves at most a stray temp file, never a half part. Re-ranking with another weight
or budget reads this store and makes no model call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

from s2r_hf.io import atomic_to_parquet, atomic_write_text

logger = logging.getLogger(__name__)


def key_hash(key: dict) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]


class ScoreStore:
    """Append-only parquet parts of ``{id, problem_hash, <score columns>}`` for one scorer key."""

    def __init__(self, root: str | Path, key: dict):
        self.key = key
        self.dir = Path(root) / "scores" / key_hash(key)
        self.dir.mkdir(parents=True, exist_ok=True)
        key_file = self.dir / "key.json"
        if not key_file.exists():
            atomic_write_text(key_file, json.dumps(key, indent=2, sort_keys=True))

    def parts(self) -> list[Path]:
        return sorted(self.dir.glob("part-*.parquet"))

    def load(self):
        """All stored rows as one ``pyarrow.Table`` (last write wins per key), or None when empty."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        tables = []
        for part in self.parts():
            try:
                tables.append(pq.read_table(part))
            except Exception as err:
                logger.warning("ignoring unreadable score part %s (%s); its rows will be re-scored", part, err)
        if not tables:
            return None
        return pa.concat_tables(tables, promote_options="default")

    def done_keys(self) -> set[tuple[str, str]]:
        table = self.load()
        if table is None:
            return set()
        return set(zip(table.column("id").to_pylist(), table.column("problem_hash").to_pylist(), strict=True))

    def write(self, columns: dict[str, list], rank: int = 0) -> Path:
        """Append one part atomically; returns its path."""
        import pyarrow as pa

        path = self.dir / f"part-{time.time_ns():020d}-r{rank:03d}.parquet"
        return atomic_to_parquet(pa.table(columns), path)
