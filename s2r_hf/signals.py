"""The ranking signals of `s2r select --signals` (``difficulty:0.25,length:0.75``): names, directions, parsing.

A signal is a per-row measure turned into an ordinal rank (rank 0 = ranked first, ties by id); the joint rank is
the weighted sum of the ranks (:func:`s2r_hf.rank.weighted_rank`). Which end of each measure ranks first is fixed
here, one table, so a weight never has to carry a sign:

============  ============================================  ====================================================
signal        measure                                       ranked first
============  ============================================  ====================================================
difficulty    judge p("1")/(p("1")+p("0")) (or 1 − pass      higher (harder), as the paper
              rate, or the difficulty model's output)
length        reasoning-trace length (--length-unit)         higher (longer), as the paper
rethink       rethinking markers per length unit             higher (more rethinking per token): the paper's
                                                             finding that rethinking-rich traces teach more
nll           mean token NLL of the response under           LOWER (fits the model): the perplexity filter keeps
              --nll-model, question in its chat template     low-perplexity text (CCNet; GRAPE, arXiv
                                                             2502.04194, picks the lowest-NLL response under the
                                                             model to be tuned)
============  ============================================  ====================================================

Also the option fields (bases of the option dataclasses in :mod:`s2r_hf.configs`, kept here so that module stays
within its size): ``--signals`` and the ``--nll-*`` options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from s2r_hf.errors import S2RError
from s2r_hf.option_defaults import DEFAULT_WEIGHT, JUDGE_DTYPES, WEIGHTED_STRATEGIES, check_choice

SIGNALS = ("difficulty", "length", "rethink", "nll")
HIGHER_FIRST = {"difficulty": True, "length": True, "rethink": True, "nll": False}
_ITEM = re.compile(r"\s*([A-Za-z_]+)\s*:\s*([^,]*?)\s*")
EXAMPLE = "e.g. --signals difficulty:0.25,length:0.75"


def parse_signals(text: str) -> dict[str, float]:
    """``"difficulty:1,length:3"`` → ``{"difficulty": 0.25, "length": 0.75}``: weights ≥ 0, normalised to sum 1.

    Weights that already sum to exactly 1 are kept bit for bit (no division), so ``difficulty:w,length:1-w`` ranks
    exactly as ``--weight w``. Bad input is one :class:`S2RError` line naming ``--signals`` and the fix.
    """
    if not isinstance(text, str) or not text.strip():
        raise S2RError(f"--signals is empty; give name:weight pairs, {EXAMPLE}")
    weights: dict[str, float] = {}
    for item in text.split(","):
        match = _ITEM.fullmatch(item)
        if not match:
            raise S2RError(f"--signals: {item.strip()!r} is not name:weight; {EXAMPLE}")
        name, raw = match.group(1).lower(), match.group(2)
        if name not in SIGNALS:
            raise S2RError(f"--signals: unknown signal {name!r}; choose from {', '.join(SIGNALS)} ({EXAMPLE})")
        if name in weights:
            raise S2RError(f"--signals names {name!r} twice; give each signal once ({EXAMPLE})")
        try:
            value = float(raw)
        except ValueError:
            raise S2RError(f"--signals: weight {raw!r} of {name!r} is not a number; {EXAMPLE}") from None
        if not value >= 0.0 or value == float("inf"):  # also refuses NaN
            raise S2RError(
                f"--signals: weight of {name!r} must be a finite number >= 0, got {raw}; directions are fixed per "
                "signal (nll: lower ranks first; the others: higher), see `s2r select --help`"
            )
        weights[name] = value
    total = sum(weights.values())
    if total <= 0.0:
        raise S2RError(f"--signals: every weight is 0; give at least one positive weight ({EXAMPLE})")
    return weights if total == 1.0 else {name: w / total for name, w in weights.items()}


def weight_signals(weight: float) -> dict[str, float]:
    """``--weight w`` as signals: ``{"difficulty": w, "length": 1 − w}`` (the paper's joint rank)."""
    return {"difficulty": weight, "length": 1.0 - weight}


def format_signals(weights: dict[str, float]) -> str:
    """``{"difficulty": 0.25, "length": 0.75}`` → ``"difficulty:0.25,length:0.75"`` (cards, logs)."""
    return ",".join(f"{name}:{w:.6g}" for name, w in weights.items())


def signals_conflicts(sel) -> list[str]:
    """The joint-rank options against the strategy (``SelectionArguments``): --weight or --signals with a strategy
    that ranks by one fixed signal, or both given (--weight w IS --signals difficulty:w,length:1-w)."""
    problems = []
    if sel.weight is not None and sel.strategy not in WEIGHTED_STRATEGIES:
        problems.append(
            f"--weight {sel.weight} has no effect with --strategy {sel.strategy} (only s2r combines two ranks); "
            "drop --weight or use --strategy s2r"
        )
    if sel.signals is not None and sel.strategy not in WEIGHTED_STRATEGIES:
        problems.append(
            f"--signals has no effect with --strategy {sel.strategy} (only s2r combines weighted signals); drop "
            "--signals, or use --strategy s2r (e.g. --signals rethink:1 ranks by rethink alone)"
        )
    elif sel.signals is not None and sel.weight is not None:
        problems.append(
            f"give --signals or --weight, not both (--weight {sel.weight} is --signals "
            f"difficulty:{sel.weight},length:{1 - sel.weight:g}); drop one"
        )
    return problems


@dataclass
class SignalsOption:
    """`s2r select --signals`: a base of ``SelectionArguments``."""

    signals: str | None = field(
        default=None,
        metadata={
            "help": "s2r only: the joint rank over weighted signals, name:weight pairs, e.g. "
            "'difficulty:0.25,length:0.75' (= --weight 0.25) or 'rethink:1' (one signal alone). Signals: difficulty "
            "and length (higher first), rethink (rethinking markers per length unit, higher first), nll (mean token "
            "NLL of the response under --nll-model, LOWER first: the perplexity filter). Weights >= 0, normalised to "
            "sum 1. Exclusive with --weight."
        },
    )

    def signal_weights(self) -> dict[str, float] | None:
        """The joint rank's weights under strategy s2r (``--signals``, else ``--weight``); None for other strategies.

        Reads ``strategy`` and ``weight`` of the ``SelectionArguments`` this is a base of.
        """
        if getattr(self, "strategy", None) != "s2r":
            return None
        if self.signals:
            return parse_signals(self.signals)
        weight = getattr(self, "weight", None)
        return weight_signals(DEFAULT_WEIGHT if weight is None else weight)

    def signals_problems(self) -> list[str]:
        """A bad ``--signals`` string (for ``__post_init__``'s one report)."""
        if self.signals is None:
            return []
        try:
            parse_signals(self.signals)
        except S2RError as err:
            return [str(err)]
        return []


@dataclass
class NllOptions:
    """The ``nll`` signal's model and limits: a base of ``ScoringArguments``."""

    nll_model: str | None = field(
        default=None,
        metadata={
            "help": "nll signal: the model whose mean token NLL of each response ranks it (use the model you will "
            "train). Hub id, local dir or 's2r:tiny-judge'. Default: --judge."
        },
    )
    nll_revision: str | None = field(default=None, metadata={"help": "nll signal: Hub revision of --nll-model."})
    nll_dtype: str = field(
        default="auto",
        metadata={"help": "nll signal: weights dtype, as --judge-dtype (float32 is exact; bf16 faster)."},
    )
    nll_max_tokens: int = field(
        default=16384,
        metadata={
            "help": "nll signal: response tokens scored per row. A longer response is scored on its first N tokens "
            "(or fewer, to fit the model's context with the question), counted in the manifest (signals.nll_truncated)."
        },
    )

    def nll_problems(self) -> list[str]:
        """What is wrong with the nll options (for ``__post_init__``'s one report)."""
        problems: list[str] = []
        check_choice(problems, "nll-dtype", self.nll_dtype, JUDGE_DTYPES)
        if self.nll_max_tokens < 1:
            problems.append(f"--nll-max-tokens must be >= 1, got {self.nll_max_tokens}")
        return problems
