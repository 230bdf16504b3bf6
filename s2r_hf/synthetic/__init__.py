"""Embedded default data and judge model, built offline and deterministically.

The Hugging Face Hub is unreachable in CI (and on many clusters), so the README demo and the test-suite
cannot download ``open-r1/OpenR1-Math-220k`` or ``Qwen/Qwen2.5-1.5B-Instruct``. This package provides
stand-ins that exercise exactly the same code paths, one module per job:

* :mod:`~s2r_hf.synthetic.openr1_pool` -- :func:`openr1_rows` / :func:`openr1_dataset`, a synthetic pool in
  the REAL OpenR1-Math-220k schema (:mod:`~s2r_hf.synthetic.schema`): each row a problem drawn by
  :mod:`~s2r_hf.synthetic.problems` from the templates (:mod:`~s2r_hf.synthetic.problem`,
  :mod:`~s2r_hf.synthetic.templates_arithmetic`, :mod:`~s2r_hf.synthetic.templates_contest`), with
  ``<think>`` traces written by :mod:`~s2r_hf.synthetic.traces` and correctness flags.
* :mod:`~s2r_hf.synthetic.benchmark` -- :func:`benchmark_rows`, a tiny benchmark with some problems planted
  from the pool (for decontamination) and some fresh ones.
* :mod:`~s2r_hf.synthetic.tiny_judge` -- :func:`build_tiny_judge` / :func:`ensure_tiny_judge`, a tiny
  randomly initialised Qwen2 causal LM with a locally trained byte-level BPE tokenizer and the ChatML chat
  template (:data:`~s2r_hf.chat_templates.CHATML_TEMPLATE`), saved like a Hub checkpoint.

Everything is a pure function of its seed: only ``random.Random`` / ``torch.manual_seed`` are used. The
public names are re-exported here, so ``from s2r_hf.synthetic import X`` is the import to use; patch a name
in the submodule that uses it (e.g. ``s2r_hf.synthetic.tiny_judge.build_tiny_judge``).
"""

from s2r_hf.chat_templates import CHATML_TEMPLATE  # re-export: its home is s2r_hf.chat_templates
from s2r_hf.synthetic.benchmark import benchmark_rows
from s2r_hf.synthetic.openr1_pool import (
    OPENR1_COLUMNS,
    PROBLEM_TYPES,
    QUESTION_TYPES,
    SOURCES,
    openr1_dataset,
    openr1_features,
    openr1_rows,
)
from s2r_hf.synthetic.tiny_judge import build_tiny_judge, ensure_tiny_judge

__all__ = [
    "CHATML_TEMPLATE",
    "OPENR1_COLUMNS",
    "PROBLEM_TYPES",
    "QUESTION_TYPES",
    "SOURCES",
    "benchmark_rows",
    "build_tiny_judge",
    "ensure_tiny_judge",
    "openr1_dataset",
    "openr1_features",
    "openr1_rows",
]
