"""Pools: load a raw SFT pool and turn its rows into canonical rows (see ``adapters``)."""

from s2r_hf.pools.adapters import ADAPTERS
from s2r_hf.pools.loading import load_pool
from s2r_hf.pools.normalise import DropReport, detect_format, normalise

__all__ = ["ADAPTERS", "DropReport", "detect_format", "load_pool", "normalise"]
