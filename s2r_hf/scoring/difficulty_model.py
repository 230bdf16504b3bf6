"""A fitted difficulty model as the difficulty scorer (``--difficulty-scorer model``): a learned scale, judge's cost.

The model is what ``s2r fit-difficulty`` writes: a ``save_pretrained`` folder (or Hub repo) of
``AutoModelForSequenceClassification`` with ``num_labels=1`` + its tokenizer + ``s2r_difficulty.json``
(``input_format``, ``max_length``, ``higher_is_harder``). Scoring runs on the judge's prefill engine
(:mod:`s2r_hf.scoring.prefill`): one forward per length-sorted batch, the regression head applied (in fp32) to
each row's last real token, exactly what the sequence classifier pools. Its output is the ``difficulty`` column:
higher = harder, ranked and joint-ranked like the judge's p("1"). The input text is
:func:`s2r_hf.difficulty_input.difficulty_text`, right-truncated to ``max_length`` tokens as at fit time; rows cut
are counted per row in ``input_cut_tokens``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from s2r_hf.difficulty_input import DIFFICULTY_CONFIG_FILE, INPUT_FORMAT, difficulty_text, uses_special_tokens
from s2r_hf.errors import S2RError
from s2r_hf.scoring.prefill import Fp32Head, PrefillScorer

logger = logging.getLogger(__name__)

HEAD = "score"  # the regression head of decoder-only ...ForSequenceClassification models (Qwen2, Llama, Mistral …)


class ModelScorer(PrefillScorer):
    """Fitted regression head on the prefill engine. ``score(problems)`` → {"difficulty", "prompt_tokens",
    "input_cut_tokens"}."""

    name = "model"
    score_columns = ("difficulty",)
    cut_column = "input_cut_tokens"

    def __init__(
        self,
        tokenizer,
        load_model: Callable[[], object],
        *,
        model: str,
        identity: str,
        dtype,
        info: dict,
        batch_tokens: int,
        max_batch_rows: int,
        revision: str | None = None,
    ):
        super().__init__(tokenizer, load_model, dtype=dtype, batch_tokens=batch_tokens, max_batch_rows=max_batch_rows)
        self.model_name, self.identity, self.revision = model, identity, revision
        self.input_format, self.max_length = info["input_format"], int(info["max_length"])
        self.sign = 1.0 if info["higher_is_harder"] else -1.0
        self.fit = info.get("metrics") or {}

    def facts(self) -> dict:
        """What the manifest and card say beside the cache key: the model's held-out fit (from s2r_difficulty.json)."""
        heldout, untrained = self.fit.get("heldout") or {}, self.fit.get("untrained_head") or {}
        return {"fit_heldout_spearman": heldout.get("spearman"), "fit_untrained_spearman": untrained.get("spearman")}

    def key(self) -> dict:
        name = self.model_name if not Path(self.model_name).exists() else "local:" + Path(self.model_name).name
        formula = "regression head logits[:, 0] at the last input token, head in fp32"
        revision = {"revision": self.revision} if self.revision else {}  # absent when unset: older caches stay valid
        return {
            "scorer": self.name,
            "model": name,
            **revision,
            "weights": self.identity,
            "dtype": str(self.dtype),
            "input_format": self.input_format,
            "max_length": self.max_length,
            "formula": formula if self.sign > 0 else formula + ", negated (higher_is_harder false)",
        }

    def encode_with_cuts(self, problems: list[str]) -> tuple[list[list[int]], list[int]]:
        """:func:`difficulty_text` token ids, truncated to ``max_length`` by the tokenizer exactly as at fit time."""
        texts = [difficulty_text(p, self.tokenizer) for p in problems]
        special = uses_special_tokens(self.tokenizer)  # as at fit time: a chat template already holds its BOS
        full = self.tokenizer(texts, add_special_tokens=special)["input_ids"]
        cuts = [max(0, len(row) - self.max_length) for row in full]
        if any(cuts):
            full = self.tokenizer(texts, add_special_tokens=special, truncation=True, max_length=self.max_length)
            full = full["input_ids"]
        return [row or [self.pad_id] for row in full], cuts

    def prepare(self, model) -> None:
        """An fp32 copy of the 1-row head: the logit is not rounded to the model's dtype."""
        import torch

        head = getattr(model, HEAD, None)
        if not isinstance(head, torch.nn.Linear) or head.out_features != 1:
            raise S2RError(
                f"difficulty model {self.model_name!r} ({type(model).__name__}) has no 1-output linear head "
                f"`{HEAD}` on its last token; use a decoder-only base model (Qwen2.5, Llama) with "
                "`s2r fit-difficulty`"
            )
        self.head = Fp32Head(head)  # a regression head: no LM logit transforms

    def readout(self, last) -> dict[str, object]:
        return {"difficulty": self.sign * self.head(last)[:, 0]}

    def warn_cuts(self, cut: int, rows: int) -> None:
        logger.warning(
            "difficulty model: %d of %d questions are longer than its max_length %d tokens; cut on the right as "
            "at fit time (column input_cut_tokens)",
            cut,
            rows,
            self.max_length,
        )


def read_difficulty_config(path: str, revision: str | None = None) -> dict:
    """``s2r_difficulty.json`` of a fitted model (folder or Hub repo), checked: one S2RError line naming the field."""
    where = f"{path}/{DIFFICULTY_CONFIG_FILE}"
    if Path(path).is_dir():
        file = Path(path) / DIFFICULTY_CONFIG_FILE
        if not file.is_file():
            raise S2RError(
                f"--difficulty-model {path}: no {DIFFICULTY_CONFIG_FILE} in the folder; it is not a difficulty "
                "model written by `s2r fit-difficulty` (fit one, or use --difficulty-scorer judge)"
            )
    else:
        file = _hub_file(path, revision)
    try:
        info = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise S2RError(
            f"{where} is not readable JSON ({type(err).__name__}: {err}); re-run s2r fit-difficulty"
        ) from err
    problems = _config_problems(info)
    if problems:
        raise S2RError(f"{where}: {'; '.join(problems)}")
    return info


def _config_problems(info) -> list[str]:
    if not isinstance(info, dict):
        return ["must be a JSON object with input_format, max_length, higher_is_harder"]
    problems = []
    if info.get("input_format") != INPUT_FORMAT:
        problems.append(
            f"input_format is {info.get('input_format')!r}, this s2r builds {INPUT_FORMAT!r} inputs; re-fit the "
            "model with this version's `s2r fit-difficulty`"
        )
    length = info.get("max_length")
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        problems.append(f"max_length must be a positive integer, got {length!r}")
    if not isinstance(info.get("higher_is_harder"), bool):
        problems.append(f"higher_is_harder must be true or false, got {info.get('higher_is_harder')!r}")
    return problems


def _hub_file(repo: str, revision: str | None) -> str:
    from huggingface_hub import hf_hub_download

    from s2r_hf.preflight import hub_hint

    try:
        return hf_hub_download(repo, DIFFICULTY_CONFIG_FILE, revision=revision)
    except Exception as err:
        first = str(err).splitlines()[0] if str(err) else ""
        at = f" at revision {revision!r} (--difficulty-model-revision)" if revision else ""
        raise S2RError(
            f"--difficulty-model {repo}: could not read {DIFFICULTY_CONFIG_FILE}{at} from the Hub "
            f"({type(err).__name__}: {first}); {hub_hint(repo)}"
        ) from err


def check_classifier(path: str, revision: str | None = None) -> None:
    """The model's config must be a 1-label sequence classifier (read before any weight is loaded)."""
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(path, revision=revision)
    except Exception as err:
        raise S2RError(f"--difficulty-model {path}: no readable config.json ({type(err).__name__}: {err})") from err
    arch = list(getattr(config, "architectures", None) or [])
    if not any(a.endswith("ForSequenceClassification") for a in arch) or config.num_labels != 1:
        raise S2RError(
            f"--difficulty-model {path}: config.json has architectures {arch} and num_labels {config.num_labels}; a "
            "difficulty model is an AutoModelForSequenceClassification with num_labels=1 (`s2r fit-difficulty`)"
        )


def build_difficulty_model(args, cache_dir: str, device) -> ModelScorer:
    """A :class:`ModelScorer` from ``ScoringArguments`` (config and tokenizer now, weights on first use)."""
    from s2r_hf.scoring.models import load_pretrained, load_tokenizer, pick_dtype, weights_identity

    path, revision = args.difficulty_model, args.difficulty_model_revision
    info = read_difficulty_config(path, revision)
    check_classifier(path, revision)
    dtype = pick_dtype(args.judge_dtype, device)
    budget = args.judge_batch_tokens or (65536 if device.type == "cuda" else 1024)

    def load():
        logger.info("loading difficulty model %s on %s in %s, batch budget %d tokens", path, device, dtype, budget)
        return load_pretrained(
            "AutoModelForSequenceClassification",
            path,
            revision=revision,
            dtype=dtype,
            device=device,
            attn_implementation=args.attn_implementation,
        )

    return ModelScorer(
        load_tokenizer(path, revision),
        load,
        model=path,
        identity=weights_identity(path, revision),
        dtype=dtype,
        info=info,
        batch_tokens=budget,
        max_batch_rows=args.judge_max_batch_rows,
        revision=revision,
    )
