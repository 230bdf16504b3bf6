"""Options of `s2r fit-difficulty`: where the labels come from, the model, and how it is trained.

The pool options are `s2r select`'s :class:`~s2r_hf.configs.PoolArguments`; everything else is
:class:`FitDifficultyArguments` (a short list: the Trainer's hundreds of flags are built from it, so
``--help`` stays readable and a recipe stays a dozen lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from s2r_hf.errors import collect
from s2r_hf.option_defaults import TINY_JUDGE

LABEL_KINDS = ("openr1", "passrate", "synthetic", "column:NAME")
EXAMPLE = (
    "s2r fit-difficulty --pool open-r1/OpenR1-Math-220k --labels openr1 "
    "--base-model Qwen/Qwen2.5-1.5B-Instruct --output-dir models/difficulty-1.5b"
)


@dataclass
class FitDifficultyArguments:
    """What `s2r fit-difficulty` learns from, and how.

    Label sources trade cost for fidelity: ``openr1`` is free (the pool's own 2–4 verified R1 traces per
    problem, so each label is a coarse, noisy pass rate), ``passrate`` samples ``--passrate-samples``
    solutions for ``--sample`` rows (costly, but any pool and any solver), ``column:NAME`` takes a numeric
    column as is, and ``synthetic`` is the built-in pool's own generator difficulty (its expected failure rate).
    """

    output_dir: str = field(
        metadata={"help": "Folder for the fitted model (save_pretrained + s2r_difficulty.json), card and plot."}
    )
    labels: str = field(
        default="openr1",
        metadata={
            "help": "Label source: 'openr1' (1 - fraction of the row's generations with correctness_math_verify "
            "true), 'passrate' (1 - pass rate of sampled solutions on --sample rows), 'column:NAME' (a numeric "
            "column, higher = harder), 'synthetic' (the built-in pool's generator difficulty: 1 - its expected "
            "per-trace pass rate)."
        },
    )
    base_model: str = field(
        default=TINY_JUDGE,
        metadata={"help": f"Model to fine-tune with a 1-output regression head: Hub id, local dir or {TINY_JUDGE!r}."},
    )
    base_model_revision: str | None = field(default=None, metadata={"help": "Hub revision of --base-model."})
    question_column: str = field(default="problem", metadata={"help": "Column holding the question text."})
    sample: int | None = field(
        default=None, metadata={"help": "Fit on a seeded random sample of N labelled rows (passrate: rows scored)."}
    )
    eval_fraction: float = field(default=0.1, metadata={"help": "Seeded share of rows held out for the metrics."})
    max_length: int = field(default=512, metadata={"help": "Question tokens the model reads (longer: cut at the end)."})
    learning_rate: float = field(default=2e-5, metadata={"help": "Peak learning rate (linear decay)."})
    num_train_epochs: float = field(default=2.0, metadata={"help": "Passes over the training rows."})
    per_device_train_batch_size: int = field(default=16, metadata={"help": "Rows per step per process."})
    gradient_accumulation_steps: int = field(default=1, metadata={"help": "Steps accumulated per update."})
    warmup_steps: float = field(default=0.05, metadata={"help": "Warmup: steps, or a ratio of all steps if < 1."})
    weight_decay: float = field(default=0.0, metadata={"help": "AdamW weight decay."})
    save_steps: int = field(default=200, metadata={"help": "Checkpoint every N steps (a killed run resumes there)."})
    save_total_limit: int = field(default=2, metadata={"help": "Checkpoints kept."})
    seed: int = field(default=0, metadata={"help": "Seed of the split, the sample, the head's init and shuffling."})
    bf16: bool = field(default=False, metadata={"help": "Train in bf16 mixed precision (GPUs that have it)."})
    use_cpu: bool = field(default=False, metadata={"help": "Train on CPU even where a GPU is visible."})
    passrate_model: str = field(default=TINY_JUDGE, metadata={"help": "passrate: the model that samples solutions."})
    passrate_samples: int = field(default=8, metadata={"help": "passrate: solutions sampled per problem."})
    passrate_max_new_tokens: int = field(default=4096, metadata={"help": "passrate: max new tokens per solution."})
    passrate_temperature: float = field(default=0.6, metadata={"help": "passrate: sampling temperature."})
    passrate_top_p: float = field(default=0.95, metadata={"help": "passrate: nucleus sampling top_p."})
    calibration_bins: int = field(default=10, metadata={"help": "Bins of the calibration plot (by prediction)."})
    push_to_hub: str | None = field(default=None, metadata={"help": "Hub model repo to push to (token: HF_TOKEN)."})
    private: bool = field(default=False, metadata={"help": "Create the Hub repo private."})
    overwrite: bool = field(default=False, metadata={"help": "Start over: remove an earlier fit's checkpoints."})

    def __post_init__(self) -> None:
        problems: list[str] = []
        kind = self.labels.split(":", 1)[0]
        if kind not in ("openr1", "passrate", "synthetic", "column") or (kind == "column") != (":" in self.labels):
            problems.append(f"--labels must be one of {', '.join(LABEL_KINDS)}; got {self.labels!r}")
        elif kind == "column" and not self.labels.split(":", 1)[1].strip():
            problems.append("--labels column:NAME needs a column name, e.g. --labels column:difficulty")
        if kind == "passrate" and not self.sample:
            problems.append("--labels passrate samples solutions: give --sample N (rows to score), e.g. --sample 2000")
        if self.sample is not None and self.sample < 2:
            problems.append(f"--sample must be at least 2, got {self.sample}")
        if not 0.0 < self.eval_fraction < 1.0:
            problems.append(f"--eval-fraction must be in (0, 1), got {self.eval_fraction}")
        for name in ("max_length", "per_device_train_batch_size", "gradient_accumulation_steps", "save_steps"):
            if getattr(self, name) < 1:
                problems.append(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.calibration_bins < 2:
            problems.append(f"--calibration-bins must be at least 2, got {self.calibration_bins}")
        if self.push_to_hub is not None and self.push_to_hub.count("/") != 1:
            problems.append(f"--push-to-hub takes a repo id owner/name, got {self.push_to_hub!r}")
        if problems:
            collect(problems)

    @property
    def label_kind(self) -> str:
        return self.labels.split(":", 1)[0]

    @property
    def label_column(self) -> str | None:
        return self.labels.split(":", 1)[1].strip() if self.label_kind == "column" else None


def make_parser():
    from s2r_hf.config_files import make_command_parser
    from s2r_hf.configs import PoolArguments

    return make_command_parser(
        (PoolArguments, FitDifficultyArguments),
        prog="s2r fit-difficulty",
        description="Fit a learned difficulty model: a 1-output regression head (AutoModelForSequenceClassification) "
        "on the question text, trained on pass-rate labels (higher = harder), with held-out Spearman/Pearson, a "
        "calibration plot and a model card. Run under `accelerate launch` for data parallelism; a killed run "
        f"resumes from its last checkpoint. Example: {EXAMPLE}",
        recipe="recipes/difficulty/synthetic/config_fit_tiny.yaml",
    )


def parse_fit_difficulty(argv: list[str]) -> tuple:
    """argv (+ ``--config`` YAML) → (PoolArguments, FitDifficultyArguments)."""
    from s2r_hf.config_files import parse_with_config

    return parse_with_config(make_parser(), argv, command="fit-difficulty", count=2)
