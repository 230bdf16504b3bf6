"""The evaluation protocol: the settings beside sampling that change a number, resolved from ``--protocol``.

The Select2Reason authors' ``eval.py`` (vLLM) runs every benchmark with ``repetition_penalty=1.05`` and seed 42
and grades the last ``\\boxed{}`` of the FULL response, thinking included (SPEC §6). lighteval's defaults (and
its published baselines) use no repetition penalty, seed 1234, and strip ``<think>…</think>`` before the
metric reads ``ModelResponse.final_text``: an answer boxed inside the thinking and restated in words after it
is right there and wrong here. ``paper`` is the default, so a number is comparable with the paper unless the
card says otherwise; ``lighteval`` reproduces lighteval's behaviour. Sampling (T, top_p, n) and the answer
budget are SPEC §6's under both.

How ``answer_from`` reaches the metric: lighteval keeps the raw generations on ``ModelResponse.text`` and, when
``PipelineParameters.remove_reasoning_tags`` is on (its default), the stripped copy in ``text_post_processed``,
which ``final_text`` returns. ``s2r eval`` turns that switch on for ``final`` and off for ``full``; the metric
always reads ``final_text``. The answer cache holds the raw generations, so changing ``answer_from`` re-grades
cached answers instead of generating them again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from s2r_hf.errors import S2RError

ANSWER_FROM = ("full", "final")


@dataclass(frozen=True)
class Protocol:
    """Resolved settings; ``name`` is ``paper``/``lighteval`` when they equal that preset, else ``custom``."""

    name: str
    repetition_penalty: float
    seed: int
    answer_from: str

    def as_dict(self) -> dict:
        return asdict(self)


PROTOCOLS = {
    "paper": Protocol("paper", repetition_penalty=1.05, seed=42, answer_from="full"),
    "lighteval": Protocol("lighteval", repetition_penalty=1.0, seed=1234, answer_from="final"),
}
DEFAULT_PROTOCOL = "paper"
SETTINGS = ("repetition_penalty", "seed", "answer_from")


def resolve(
    protocol: str | None = None,
    *,
    repetition_penalty: float | None = None,
    seed: int | None = None,
    answer_from: str | None = None,
) -> Protocol:
    """The settings of ``protocol`` (default :data:`DEFAULT_PROTOCOL`) with the options given.

    Without ``--protocol`` an option overrides the default preset (the run is then ``custom`` and the card says
    how it departs from the paper). With ``--protocol`` an option that contradicts the preset is an error naming
    both: asking for a preset by name and changing it is more likely a slip than a wish.
    """
    if protocol is not None and protocol not in PROTOCOLS:
        raise S2RError(f"--protocol must be one of {', '.join(PROTOCOLS)}, got {protocol!r}")
    if answer_from is not None and answer_from not in ANSWER_FROM:
        raise S2RError(f"--answer-from must be one of {', '.join(ANSWER_FROM)}, got {answer_from!r}")
    if repetition_penalty is not None and not repetition_penalty > 0:
        raise S2RError(f"--repetition-penalty must be > 0 (1.0 = none), got {repetition_penalty}")
    if seed is not None and seed < 0:
        raise S2RError(f"--seed must be >= 0, got {seed}")
    base = PROTOCOLS[protocol or DEFAULT_PROTOCOL]
    given = {"repetition_penalty": repetition_penalty, "seed": seed, "answer_from": answer_from}
    given = {k: v for k, v in given.items() if v is not None}
    if protocol is not None:
        clashes = [
            f"--{k.replace('_', '-')} {v} (it sets {getattr(base, k)})"
            for k, v in given.items()
            if v != getattr(base, k)
        ]
        if clashes:
            raise S2RError(
                f"--protocol {protocol} conflicts with {'; '.join(clashes)}: drop --protocol to run custom settings, "
                "or drop the option"
            )
    values = {k: given.get(k, getattr(base, k)) for k in SETTINGS}
    values["repetition_penalty"] = float(values["repetition_penalty"])
    return Protocol(name=preset_name(values), **values)


def preset_name(values: dict) -> str:
    """``paper`` / ``lighteval`` when ``values`` equal that preset's settings, else ``custom``."""
    for name, preset in PROTOCOLS.items():
        if all(values.get(k) == getattr(preset, k) for k in SETTINGS):
            return name
    return "custom"


def departures(values: dict, *, sampled: bool) -> list[str]:
    """How ``values`` (repetition_penalty, seed, answer_from; missing = unknown, not listed) depart from the
    paper's protocol. The seed counts only for sampled tasks: greedy decoding does not read it."""
    paper = PROTOCOLS["paper"]
    out = []
    rp = values.get("repetition_penalty")
    if rp is not None and float(rp) != paper.repetition_penalty:
        out.append(f"repetition penalty {float(rp):g}, the paper {paper.repetition_penalty:g}")
    if sampled and values.get("seed") is not None and int(values["seed"]) != paper.seed:
        out.append(f"seed {values['seed']}, the paper {paper.seed}")
    if values.get("answer_from") not in (None, paper.answer_from):
        out.append(f"answer after `</think>` (--answer-from {values['answer_from']}), the paper the full response")
    return out
