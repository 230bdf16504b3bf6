"""The lighteval metric of every s2r task: pass@1 over n samples, maj@n, mean response tokens (SPEC §6).

One sample-level computation returns all three, so each completion is graded once. ``pass@1`` is the
mean correctness over the n samples (n = 1 for greedy tasks), ``maj@n`` grades the most frequent boxed
answer, ``response_tokens`` is the mean generated length in tokens (the paper claims selected-data
models think shorter). Grading: :func:`s2r_hf.grading.grade`, through :func:`verdicts` (the per-sample
details grade with it too). The metric reads ``final_text``: the raw response, or (``--answer-from final``)
the text after ``</think>`` (:mod:`s2r_hf.eval.protocol`).
"""

from __future__ import annotations

import numpy as np


class Mean:
    """``np.mean`` with a stable repr: lighteval keys its answer cache on the task config's text, in which a
    plain function shows its memory address (a new cache key in every process: nothing would ever resume).
    ``__name__`` is read by lighteval to pick the analytic standard error of a mean."""

    __name__ = "mean"

    def __call__(self, values) -> float:
        return float(np.mean(values))

    def __repr__(self) -> str:
        return "mean"


def verdicts(texts: list[str], gold: str, specific: dict | None) -> list[bool]:
    """Each text graded against ``gold``; a row the loader marked ungradable (``specific["ungradable"]``: an empty
    gold, a dict of sub-answers) is wrong for every text, and still counted."""
    from s2r_hf.grading import grade

    specific = specific or {}
    if specific.get("ungradable"):
        return [False] * len(texts)
    choice, options = bool(specific.get("multiple_choice", False)), specific.get("options")
    return [bool(grade(t, gold, choice, options=options)) for t in texts]


def response_metric(n: int):
    """A lighteval ``SampleLevelMetricGrouping`` asking the backend for ``n`` samples per problem."""
    from lighteval.metrics.metrics_sample import SampleLevelComputation, SamplingMetric
    from lighteval.metrics.utils.metric_utils import SampleLevelMetricGrouping
    from lighteval.tasks.requests import SamplingMethod

    from s2r_hf.grading import majority_correct

    names = ["pass@1", f"maj@{n}", "response_tokens"]

    class ReasoningScores(SamplingMetric, SampleLevelComputation):
        def __init__(self):
            super().__init__()
            self.n = n

        def num_samples(self) -> int:
            return self.n

        def compute(self, doc, model_response, **kwargs) -> dict[str, float]:
            texts = list(model_response.final_text)[: self.n]
            gold = doc.get_golds()[0]
            specific = doc.specific or {}
            choice, options = bool(specific.get("multiple_choice", False)), specific.get("options")
            correct = verdicts(texts, gold, specific)
            tokens = [len(t) for t in (model_response.output_tokens or [])[: self.n]]
            return {
                names[0]: float(np.mean(correct)) if correct else 0.0,
                names[1]: 0.0
                if specific.get("ungradable")
                else float(majority_correct(texts, gold, choice, options=options)),
                names[2]: float(np.mean(tokens)) if tokens else float("nan"),
            }

    return SampleLevelMetricGrouping(
        metric_name=names,
        higher_is_better={names[0]: True, names[1]: True, names[2]: False},
        category=SamplingMethod.GENERATIVE,
        sample_level_fn=ReasoningScores(),
        corpus_level_fn=dict.fromkeys(names, Mean()),
    )
