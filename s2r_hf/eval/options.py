"""Options of `s2r eval`: :class:`EvalArguments` (help, defaults, every check at once), its parser and ``--config``.

    s2r eval --config recipes/eval/paper.yaml --model out/Qwen2.5-7B-S2R-10pct --output-dir out/eval

Parsed like every command (:func:`s2r_hf.config_files.parse_with_config`): dataclass → flags, a YAML recipe's
values as defaults, the command line over them, an unknown key named with the valid ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from s2r_hf.errors import S2RError

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "vllm", "transformers")
# Prompt tokens reserved beside the answer budget: the system prompt plus the longest benchmark question
# (OlympiadBench and GPQA questions stay under 1k tokens with Qwen2.5's tokenizer).
PROMPT_BUDGET = 2048


@dataclass
class EvalArguments:
    """Options of `s2r eval`."""

    model: str = field(metadata={"help": "Model folder or Hub id to evaluate."})
    output_dir: str = field(metadata={"help": "Where lighteval writes results/ (and details/)."})
    tasks: str = field(
        default="aime24,aime25,amc23,math_500",
        metadata={
            "help": "Comma-separated benchmark keys, or 'all': aime24, aime25, amc23, math_500, olympiadbench, "
            "gaokao2023en, gaokao2024_mix, kaoyan, gaokao_math_qa, gpqa_diamond. gaokao2024_mix and kaoyan have "
            "no Hub copy: they need --data-dir (and 'all' includes them only when their folder is there; with "
            "HF_HUB_OFFLINE=1 'all' is the local folders only); "
            "gpqa_diamond is gated (accept its terms, set HF_TOKEN)."
        },
    )
    data_dir: str | None = field(
        default=None, metadata={"help": "Folder of <key>/ subfolders (jsonl/parquet) that replace the Hub data."}
    )
    max_new_tokens: int = field(default=16384, metadata={"help": "Generation budget per answer (the paper: 16384)."})
    greedy: bool = field(default=False, metadata={"help": "Greedy, 1 sample, for every task (smoke tests)."})
    backend: str = field(
        default="auto", metadata={"help": "auto (vllm on GPU, else transformers), vllm, transformers."}
    )
    max_samples: int | None = field(
        default=None,
        metadata={
            "help": "Evaluate only this many problems per task: lighteval's fixed random sample (seed 42), not the "
            "first rows. Partial results are marked as such on the model card."
        },
    )
    batch_size: int | None = field(default=None, metadata={"help": "transformers backend batch size."})
    dtype: str | None = field(default=None, metadata={"help": "Model dtype, e.g. bfloat16 (default: backend's)."})
    tensor_parallel_size: int = field(default=1, metadata={"help": "vLLM tensor parallelism (GPUs per model copy)."})
    data_parallel_size: int = field(
        default=1,
        metadata={
            "help": "vLLM data parallelism: model copies, each on its own GPU(s) (e.g. 8 for a 7B model on 8 GPUs)."
        },
    )
    max_model_length: int | None = field(
        default=None,
        metadata={
            "help": f"vLLM context length (prompt + answer). Default: --max-new-tokens + {PROMPT_BUDGET} prompt "
            "tokens, checked against the model's max_position_embeddings before loading it."
        },
    )
    gpu_memory_utilization: float = field(
        default=0.9, metadata={"help": "vLLM: fraction of GPU memory for weights + KV cache (lower it on OOM)."}
    )
    protocol: str | None = field(
        default=None,
        metadata={
            "choices": ["paper", "lighteval"],
            "help": "paper (the default) or lighteval: the settings beside sampling that change a number. paper = "
            "the Select2Reason authors' eval.py: --repetition-penalty 1.05, --seed 42, --answer-from full, so the "
            "numbers compare with the paper's; lighteval = its defaults and published baselines: no penalty (1.0), "
            "seed 1234, --answer-from final. Sampling (16 samples at T 0.6, top_p 0.95 on AIME/AMC, greedy "
            "elsewhere) and --max-new-tokens are SPEC's under both. Without --protocol the options below override "
            "paper's values one by one (the card then marks the run as not the paper's); with it, an option that "
            "contradicts it is an error.",
        },
    )
    repetition_penalty: float | None = field(
        default=None,
        metadata={
            "help": "Repetition penalty of every generation, both backends (1.0 = none). Default: the "
            "protocol's (paper 1.05, lighteval 1.0)."
        },
    )
    seed: int | None = field(
        default=None,
        metadata={
            "help": "Sampling seed (vLLM's per-request seed; torch's for transformers). Greedy tasks do not "
            "read it. Default: the protocol's (paper 42, lighteval 1234)."
        },
    )
    answer_from: str | None = field(
        default=None,
        metadata={
            "choices": ["full", "final"],
            "help": "full: grade the last \\boxed{} of the whole response, thinking included (the authors' "
            "eval.py); final: only the text after </think> (lighteval strips <think>...</think> first: an answer "
            "boxed in the thinking and restated in words after it is wrong). Only grading changes: cached answers "
            "are re-graded, not generated again. Default: the protocol's (paper full, lighteval final).",
        },
    )
    save_details: bool = field(
        default=False,
        metadata={
            "help": "Also write lighteval's own per-sample parquet. s2r's details "
            "(OUTPUT/details/<task>.jsonl: prompt, response, extracted answer, verdict, gold) are always written."
        },
    )
    resume: bool = field(
        default=True,
        metadata={
            "help": "Reuse the answers an earlier run of the same evaluation cached in OUTPUT_DIR/.lighteval_cache "
            "(same weights, benchmark data, prompts, sampling, budget) and generate only the missing ones: re-run "
            "the command after a crash, or to re-grade. --no-resume discards them and generates everything."
        },
    )
    chunk_size: int = field(
        default=512,
        metadata={
            "help": "Problems generated per call; the answers are cached after each, so a crash loses at most one "
            "chunk. Each chunk ends with a tail of a few long answers that leaves vLLM's batch half empty: modelled "
            "cost on one H100 vs one call, 14%% at 256, 7%% at 512, 4%% at 1024 (benchmarks/bench_eval.py). "
            "0 = each sampling group in one call (no resume within it)."
        },
    )
    budgets: str | None = field(
        default=None,
        metadata={
            "help": "Comma-separated answer budgets (tokens), e.g. 1024,2048,4096,8192,16384: the same model at each "
            "budget (inference scaling, as T1), each an ordinary run into OUTPUT_DIR/budgets/<budget>/ (replacing "
            "--max-new-tokens). An answer cut inside <think> gets its thinking closed and a short final answer "
            "forced (budget forcing, as s1). Writes OUTPUT_DIR/budgets/budgets.json (accuracy and mean tokens per "
            "budget) and the curve s2r_budgets.png; `s2r card` shows them. Resumable like the plain run."
        },
    )
    forced_answer_tokens: int = field(
        default=64, metadata={"help": "--budgets: tokens generated for a forced final answer (greedy)."}
    )
    export_lighteval: str | None = field(
        default=None,
        metadata={
            "help": "Instead of evaluating, write into this folder the lighteval model configs (one YAML per "
            "sampling group: system prompt, temperature, top_p, max new tokens) and run.sh with the plain "
            "`s2r-lighteval vllm|accelerate ...` commands that evaluate exactly what `s2r eval` would."
        },
    )

    def __post_init__(self):
        from s2r_hf.eval.tasks import BENCHMARKS, missing_data

        problems = []
        keys = self.task_keys()
        unknown = [k for k in keys if k not in BENCHMARKS]
        if unknown:
            problems.append(f"unknown task(s) {', '.join(unknown)}; valid: {', '.join(BENCHMARKS)}")
        if self.backend not in BACKENDS:
            problems.append(f"--backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if self.max_new_tokens < 1:
            problems.append(f"--max-new-tokens must be >= 1, got {self.max_new_tokens}")
        if self.chunk_size < 0:
            problems.append(f"--chunk-size must be >= 0 (0 = no chunks), got {self.chunk_size}")
        for name in ("tensor_parallel_size", "data_parallel_size"):
            if getattr(self, name) < 1:
                problems.append(f"--{name.replace('_', '-')} must be >= 1, got {getattr(self, name)}")
        if self.max_model_length is not None and self.max_model_length <= self.max_new_tokens:
            problems.append(
                f"--max-model-length {self.max_model_length} leaves no room for the prompt beside "
                f"--max-new-tokens {self.max_new_tokens}"
            )
        if not 0 < self.gpu_memory_utilization <= 1:
            problems.append(f"--gpu-memory-utilization must be in (0, 1], got {self.gpu_memory_utilization}")
        if self.max_samples is not None and self.max_samples < 1:
            problems.append(f"--max-samples must be >= 1, got {self.max_samples}")
        if self.data_dir is not None and not Path(self.data_dir).is_dir():
            problems.append(f"--data-dir {self.data_dir} is not a folder")
        else:  # benchmarks without a Hub copy need local files: fail now, not after hours of other tasks
            problems += missing_data([k for k in keys if k in BENCHMARKS], self.data_dir)
        if isinstance(self.budgets, (list, tuple)):  # a YAML recipe's `budgets: [1024, 4096]`
            self.budgets = ",".join(map(str, self.budgets))
        elif isinstance(self.budgets, int):
            self.budgets = str(self.budgets)
        problems += self.budget_problems()
        if problems:
            raise S2RError("; ".join(problems))
        self.resolve_protocol()

    def budget_list(self) -> list[int]:
        """``--budgets`` as ascending ints ([] without it); :meth:`budget_problems` has checked them."""
        return sorted(int(b) for b in (self.budgets or "").split(",") if b.strip())

    def budget_problems(self) -> list[str]:
        """What is wrong with ``--budgets`` (non-integers, values < 1, repeats) and ``--forced-answer-tokens``."""
        if self.budgets is None:
            return []
        parts = [b.strip() for b in str(self.budgets).split(",")]
        fix = "give comma-separated whole numbers of tokens >= 1, e.g. --budgets 1024,4096,16384"
        bad = [b for b in parts if not b.lstrip("-").isdigit()]
        if bad:
            return [f"--budgets: {', '.join(repr(b) for b in bad)} is not a whole number; {fix}"]
        values = [int(b) for b in parts]
        if any(v < 1 for v in values):
            return [f"--budgets: {', '.join(str(v) for v in values if v < 1)} < 1; {fix}"]
        if len(set(values)) != len(values):
            repeated = sorted({v for v in values if values.count(v) > 1})
            return [f"--budgets: {', '.join(map(str, repeated))} given twice; {fix}"]
        problems = []
        if self.forced_answer_tokens < 1:
            problems.append(f"--forced-answer-tokens must be >= 1, got {self.forced_answer_tokens}")
        if self.export_lighteval:
            problems.append("--budgets and --export-lighteval do not combine: export one --max-new-tokens at a time")
        return problems

    def resolve_protocol(self):
        """Fill repetition_penalty / seed / answer_from from ``--protocol`` (conflicts named); the resolved
        :class:`~s2r_hf.eval.protocol.Protocol`."""
        from s2r_hf.eval.protocol import resolve

        resolved = resolve(
            self.protocol, repetition_penalty=self.repetition_penalty, seed=self.seed, answer_from=self.answer_from
        )
        self.repetition_penalty, self.seed, self.answer_from = (
            resolved.repetition_penalty,
            resolved.seed,
            resolved.answer_from,
        )
        return resolved

    def task_keys(self) -> list[str]:
        if self.tasks.strip() == "all":  # every benchmark that can be loaded: Hub copies + local folders given
            from huggingface_hub import constants

            from s2r_hf.eval.tasks import BENCHMARKS, available_keys

            keys = available_keys(self.data_dir, offline=constants.HF_HUB_OFFLINE)
            if constants.HF_HUB_OFFLINE and len(keys) < len(BENCHMARKS):
                skipped = ", ".join(k for k in BENCHMARKS if k not in keys)
                logger.info("offline (HF_HUB_OFFLINE): 'all' skips %s (no folder in --data-dir)", skipped)
            return keys
        from s2r_hf.eval.tasks import task_key

        return [task_key(k.strip().removeprefix("s2r_").split("|")[0]) for k in self.tasks.split(",") if k.strip()]


def make_parser():
    """``s2r eval``'s parser: the :class:`EvalArguments` flags plus ``--config``."""
    from s2r_hf.config_files import make_command_parser

    return make_command_parser(
        (EvalArguments,),
        prog="s2r eval",
        description="Evaluate a model on the Select2Reason benchmarks with lighteval, in the paper's settings.",
        recipe="recipes/eval/paper.yaml",
    )


def parse_eval(argv: list[str]) -> EvalArguments:
    """argv (+ the ``--config`` YAML) → :class:`EvalArguments`; a bad flag, value or key is one :class:`S2RError`."""
    from s2r_hf.config_files import parse_with_config

    (args,) = parse_with_config(make_parser(), argv, command="eval", count=1)
    return args


def sampling_groups(args: EvalArguments) -> dict[tuple, list[str]]:
    """Task keys grouped by (num_samples, temperature, top_p)."""
    from s2r_hf.eval.tasks import BENCHMARKS, GREEDY

    groups: dict[tuple, list[str]] = {}
    for key in args.task_keys():
        s = GREEDY if args.greedy else BENCHMARKS[key].sampling
        groups.setdefault((s["num_samples"], s["temperature"], s["top_p"]), []).append(key)
    return groups
