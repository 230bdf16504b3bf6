"""`s2r select` as a stage package: options → prepare (load, normalise, filters) → score → rank/select → write.

The strategies and budgets (pure numpy) live in :mod:`.strategies` and are re-exported here, so
``from s2r_hf.selection import select, STRATEGIES`` keeps working. The command's entry point is
:func:`s2r_hf.selection.main.main`; its modules import heavy libraries inside functions.
"""

from s2r_hf.selection.strategies import (
    NEEDS_DIFFICULTY,
    STRATEGIES,
    Selection,
    budget_count,
    hash_keys,
    select,
)

__all__ = ["NEEDS_DIFFICULTY", "STRATEGIES", "Selection", "budget_count", "hash_keys", "select"]
