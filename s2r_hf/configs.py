"""Every option of `s2r select` (and `s2r train`'s subset) as dataclasses: the one source of truth for defaults
and checks; choice lists and defaults other stages share are in :mod:`s2r_hf.option_defaults` (re-exported here).
Parsed by TRL's ``TrlParser`` (``--config`` YAML + CLI overrides, unknown keys are an error): ``--length-tokenizer``,
``--length_tokenizer`` and ``length_tokenizer:`` are one option. ``__post_init__`` reports every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from s2r_hf.errors import S2RError, collect
from s2r_hf.option_defaults import (  # re-exported: `from s2r_hf.configs import X` keeps working
    DECONTAM_METHODS,
    DEFAULT_BENCHMARKS,
    DEFAULT_RETHINK_MARKERS,
    DEFAULT_WEIGHT,
    DIFFICULTY_SCORERS,
    JUDGE_DTYPES,
    OPENR1_TRACES,
    OVERLONG_POLICIES,  # noqa: F401 - re-exported (used by s2r_hf.subset_options)
    POOL_FORMATS,
    STRATEGIES,
    SYNTHETIC_POOL,
    TINY_JUDGE,
    WEIGHTED_STRATEGIES,
    ScoresFromOption,
    config_name_problem,
    default_cache_dir,
)
from s2r_hf.option_defaults import RESERVED_CONFIG_NAMES as RESERVED_CONFIG_NAMES
from s2r_hf.option_defaults import SYNTHETIC_BENCHMARK as SYNTHETIC_BENCHMARK
from s2r_hf.option_defaults import check_choice as _choice
from s2r_hf.prompts import JUDGE_SYSTEM_PROMPT
from s2r_hf.signals import NllOptions, SignalsOption, signals_conflicts
from s2r_hf.subset_options import SubsetArguments as SubsetArguments  # `s2r train`'s, kept apart by job


@dataclass
class PoolArguments:
    """Where the SFT pool comes from and how its rows become canonical (id, problem, response, ...)."""

    pool: str = field(
        default="open-r1/OpenR1-Math-220k",
        metadata={
            "help": "Hub dataset id, a local save_to_disk dir, parquet/jsonl file(s) or a folder of them, "
            f"or {SYNTHETIC_POOL!r} (a synthetic pool in the OpenR1 schema, built offline)."
        },
    )
    pool_config: str | None = field(
        default="all", metadata={"help": "Hub config name (OpenR1: default, extended, all)."}
    )
    pool_split: str = field(default="train", metadata={"help": "Split to read."})
    pool_revision: str | None = field(
        default=None, metadata={"help": "Hub revision (branch, tag or commit) of the pool."}
    )
    pool_format: str = field(
        default="auto",
        metadata={
            "help": f"Row adapter: {', '.join(POOL_FORMATS)}. 'auto' picks from the column names: openr1 "
            "(problem + generations), chinese_r1 (input + reasoning_content + content), alpaca (instruction + "
            "output), s1k (question + thinking trajectory + attempt: s1K, s1K-1.1), problem_solution (problem + "
            "generated_solution: OpenMathReasoning; question + r1_solution_1: DeepMath-103K; question + solution + "
            "answer: LIMO), "
            "conversations (ShareGPT from/value turns: Bespoke-Stratos, OpenThoughts, Light-R1), prompt_completion "
            "(TRL's prompt + completion, strings or turns), reasoning_solution (problem + deepseek_reasoning + "
            "deepseek_solution: OpenThoughts-114k metadata), messages (role/content or from/value turns)."
        },
    )
    on_bad_row: str = field(
        default="skip",
        metadata={
            "help": "A row with a missing, empty or non-string field: 'skip' it (counted in the drop report, "
            "ids in dropped.parquet) or 'error' (stop and name the row)."
        },
    )
    openr1_trace: str = field(
        default="first-verified",
        metadata={
            "help": "openr1 pools: which trace a row keeps. 'first-verified' (SPEC §1): the first verified trace, "
            "and the row is dropped when that trace is incomplete (is_reasoning_complete false). "
            "'first-verified-complete': the first trace both verified and complete, so such rows are kept."
        },
    )
    max_rows: int | None = field(default=None, metadata={"help": "Read only the first N pool rows (quick trials)."})
    synthetic_rows: int = field(default=2000, metadata={"help": f"Rows of {SYNTHETIC_POOL!r} (ignored otherwise)."})

    def __post_init__(self) -> None:
        problems: list[str] = []
        _choice(problems, "pool-format", self.pool_format, POOL_FORMATS)
        _choice(problems, "on-bad-row", self.on_bad_row, ("skip", "error"))
        _choice(problems, "openr1-trace", self.openr1_trace, OPENR1_TRACES)
        if self.max_rows is not None and self.max_rows < 1:
            problems.append(f"--max-rows must be >= 1, got {self.max_rows}")
        if self.synthetic_rows < 1:
            problems.append(f"--synthetic-rows must be >= 1, got {self.synthetic_rows}")
        collect(problems)


@dataclass
class ScoringArguments(NllOptions):
    """The two signals: difficulty (a judge LLM, or rollout pass rate) and reasoning-trace length."""

    difficulty_scorer: str = field(
        default="judge",
        metadata={
            "help": "'judge': p('1')/(p('1')+p('0')) of an instruct LLM asked if the question is difficult "
            "(one prefill pass per row). 'passrate': 1 - pass rate of --passrate-samples sampled solutions "
            "graded with math-verify (slow: generates). 'model': a fitted difficulty model (--difficulty-model, from "
            "`s2r fit-difficulty`): its regression head's output, one prefill pass per row like the judge."
        },
    )
    difficulty_model: str | None = field(
        default=None,
        metadata={
            "help": "--difficulty-scorer model: the fitted model's folder or Hub id "
            "(AutoModelForSequenceClassification, num_labels=1, with s2r_difficulty.json). Runs with "
            "--judge-dtype, --judge-batch-tokens, --judge-max-batch-rows."
        },
    )
    difficulty_model_revision: str | None = field(
        default=None, metadata={"help": "Hub revision of --difficulty-model (recorded; part of the score-cache key)."}
    )
    judge: str = field(
        default="Qwen/Qwen2.5-1.5B-Instruct",
        metadata={"help": f"Judge model: Hub id or local dir, or {TINY_JUDGE!r} (tiny random model built offline)."},
    )
    judge_revision: str | None = field(default=None, metadata={"help": "Hub revision of the judge."})
    judge_dtype: str = field(
        default="auto",
        metadata={
            "help": "Judge weights dtype. 'auto' = bfloat16 on GPU and on CPUs with native bf16 "
            "(AVX512-BF16/AMX), else float32. bfloat16 is faster; float32 is exact (|dp| ~1e-6 between "
            "batch sizes vs ~5e-3 in bf16)."
        },
    )
    judge_system_prompt: str = field(default=JUDGE_SYSTEM_PROMPT, metadata={"help": "Judge system message."})
    judge_batch_tokens: int | None = field(
        default=None,
        metadata={
            "help": "Padded tokens per judge batch (rows are length-sorted). Default: 1024 on CPU "
            "(fastest measured), 65536 on GPU."
        },
    )
    judge_max_batch_rows: int = field(default=512, metadata={"help": "Upper bound on rows per judge batch."})
    judge_max_tokens: int | None = field(
        default=None,
        metadata={
            "help": "Longest judge prompt in tokens. Default: the judge's max_position_embeddings. A longer prompt "
            "keeps the question's head and tail and cuts its middle (marked in the text); such rows are counted "
            "(judge_cut_tokens in scores.parquet, counts.judge_truncated in the manifest)."
        },
    )
    attn_implementation: str | None = field(
        default=None, metadata={"help": "Attention kernel passed to from_pretrained (sdpa, flash_attention_2, eager)."}
    )
    checkpoint_every: int = field(
        default=4096, metadata={"help": "Write judge scores to the cache every N rows (a killed run resumes there)."}
    )
    passrate_samples: int = field(default=8, metadata={"help": "passrate: solutions sampled per problem."})
    passrate_max_new_tokens: int = field(default=4096, metadata={"help": "passrate: max new tokens per solution."})
    passrate_temperature: float = field(default=0.6, metadata={"help": "passrate: sampling temperature."})
    passrate_top_p: float = field(default=0.95, metadata={"help": "passrate: nucleus sampling top_p."})
    length_tokenizer: str | None = field(
        default=None,
        metadata={"help": "Tokenizer that counts trace length; use the model you will train. Default: the judge's."},
    )
    train_tokenizer: str | None = field(
        default=None,
        metadata={
            "help": "Tokenizer (with chat template) of the model you will train, for --max-train-tokens and "
            "--token-budget: rows are counted as `s2r train` renders them (reasoning system prompt + question + "
            "response in the chat template). Default: --length-tokenizer, else the judge's."
        },
    )
    length_unit: str = field(
        default="tokens",
        metadata={"help": "'tokens' (the paper's measure) or 'chars' (what the authors' released code counts)."},
    )
    rethink_markers: list[str] = field(
        default_factory=lambda: list(DEFAULT_RETHINK_MARKERS),
        metadata={"help": "Case-insensitive phrases counted per response as 'rethinking' (column rethink_count)."},
    )
    num_proc: int = field(
        default=1,
        metadata={
            "help": "Processes for length counting. 1 is usually fastest: the fast tokenizer already uses every core."
        },
    )
    num_threads: int | None = field(
        default=None,
        metadata={
            "help": "torch threads per process for scoring on CPU (default: torch's choice, one per core). On a "
            "small or shared CPU 1 can be several times faster: torch's OpenMP threads stall when a core is busy. "
            "Under `accelerate launch` with N CPU processes, use cores / N."
        },
    )

    def __post_init__(self) -> None:
        problems: list[str] = []
        _choice(problems, "difficulty-scorer", self.difficulty_scorer, DIFFICULTY_SCORERS)
        _choice(problems, "judge-dtype", self.judge_dtype, JUDGE_DTYPES)
        _choice(problems, "length-unit", self.length_unit, ("tokens", "chars"))
        for name in (
            "judge_max_batch_rows",
            "checkpoint_every",
            "passrate_samples",
            "passrate_max_new_tokens",
            "num_proc",
        ):
            if getattr(self, name) < 1:
                problems.append(f"--{name.replace('_', '-')} must be >= 1, got {getattr(self, name)}")
        if self.judge_max_tokens is not None and self.judge_max_tokens < 16:
            problems.append(f"--judge-max-tokens must be >= 16 (room for the prompt), got {self.judge_max_tokens}")
        if self.judge_batch_tokens is not None and self.judge_batch_tokens < 1:
            problems.append(f"--judge-batch-tokens must be >= 1, got {self.judge_batch_tokens}")
        if self.num_threads is not None and self.num_threads < 1:
            problems.append(f"--num-threads must be >= 1, got {self.num_threads}")
        if not self.judge_system_prompt.strip():
            problems.append("--judge-system-prompt is empty; leave it out to use the paper's prompt")
        if self.difficulty_scorer == "model" and not self.difficulty_model:
            problems.append(
                "--difficulty-scorer model needs --difficulty-model PATH_OR_HUB_ID (from s2r fit-difficulty)"
            )
        if self.difficulty_model_revision and not self.difficulty_model:
            problems.append("--difficulty-model-revision needs --difficulty-model (the Hub id it is a revision of)")
        if self.difficulty_model and self.difficulty_scorer != "model":
            problems.append(
                f"--difficulty-model is read by --difficulty-scorer model only, not {self.difficulty_scorer!r}; add "
                "--difficulty-scorer model or leave --difficulty-model out"
            )
        collect(problems + self.nll_problems())


@dataclass
class SelectionArguments(ScoresFromOption, SignalsOption):
    """How rows are ranked and how many are kept; decontamination runs before ranking."""

    strategy: str = field(
        default="s2r",
        metadata={
            "help": "s2r: weighted joint rank of difficulty and length (the method). Baselines: "
            "difficulty, length, random (seeded), stratified (random within each problem_type, "
            "proportional), full (everything)."
        },
    )
    weight: float | None = field(
        default=None,
        metadata={
            "help": f"s2r only: joint = weight * rank_difficulty + (1 - weight) * rank_length (= --signals "
            f"difficulty:w,length:1-w). Default {DEFAULT_WEIGHT} (the paper's best). Refused with another strategy."
        },
    )
    ratio: float | None = field(
        default=None,
        metadata={"help": "Keep this fraction of the pool, in (0, 1]. Default 0.10 when no budget is given."},
    )
    count: int | None = field(default=None, metadata={"help": "Keep this many rows."})
    token_budget: int | None = field(
        default=None,
        metadata={
            "help": "Keep rows in rank order until their summed training tokens reach N (each row counted as "
            "rendered for `s2r train`: system prompt + question + chat template + response, --train-tokenizer)."
        },
    )
    max_train_tokens: int | None = field(
        default=None,
        metadata={
            "help": "Drop rows longer than N training tokens (rendered as `s2r train` does, --train-tokenizer) "
            "BEFORE the budget, so the selected subset is all trainable at max_length N (the paper's recipes: "
            "16384). Counted in the manifest, listed in dropped.parquet. Default: off."
        },
    )
    seed: int = field(default=42, metadata={"help": "Seed of the random and stratified baselines."})
    decontaminate: bool = field(
        default=True, metadata={"help": "Drop pool rows that copy a benchmark problem (see --decontam-method)."}
    )
    decontam_method: str = field(
        default="overlap",
        metadata={
            "help": "overlap: a row must hold most of ONE benchmark problem (containment of its informative "
            "n-grams after LaTeX/whitespace normalisation; boilerplate shared by several problems or many rows "
            "never decides) or equal it with digits removed (number-changed copies). ngram8: open-r1/s1's rule, "
            "one shared word n-gram (drops rows sharing only boilerplate; for comparison)."
        },
    )
    decontam_benchmarks: list[str] = field(
        default_factory=lambda: list(DEFAULT_BENCHMARKS),
        metadata={
            "help": "Benchmarks to decontaminate against: known names (aime24, aime25, amc23, math500, "
            "olympiadbench, gpqa_diamond), Hub dataset ids, or local jsonl/parquet/json files or folders "
            "(column problem/question/Problem), optionally named as name=path."
        },
    )
    decontam_ngram: int = field(
        default=8,
        metadata={"help": "n-gram size: word n-grams for ngram8 (open-r1, s1: 8), normalised tokens for overlap."},
    )
    decontam_threshold: float = field(
        default=0.4,
        metadata={"help": "overlap: share of a benchmark problem's informative n-grams a row must hold, in (0, 1]."},
    )
    decontam_data_dir: str | None = field(
        default=None,
        metadata={
            "help": "Read benchmark keys from DIR/<key>/ (jsonl/parquet), as `s2r eval --data-dir` does; "
            "keys without a folder come from the Hub."
        },
    )

    def __post_init__(self) -> None:
        problems: list[str] = []
        _choice(problems, "strategy", self.strategy, STRATEGIES)
        if self.weight is None and self.strategy in WEIGHTED_STRATEGIES and self.signals is None:
            self.weight = DEFAULT_WEIGHT
        if self.weight is not None and not 0.0 <= self.weight <= 1.0:
            problems.append(f"--weight must be in [0, 1], got {self.weight}; the paper's best is 0.25")
        if self.max_train_tokens is not None and self.max_train_tokens < 1:
            problems.append(f"--max-train-tokens must be >= 1, got {self.max_train_tokens}; e.g. 16384")
        given = [n for n in ("ratio", "count", "token_budget") if getattr(self, n) is not None]
        if len(given) > 1:
            problems.append(f"give one budget, not {' and '.join('--' + g.replace('_', '-') for g in given)}")
        if not given and self.strategy != "full":
            self.ratio = 0.10
        if self.ratio is not None and not 0.0 < self.ratio <= 1.0:
            problems.append(f"--ratio must be in (0, 1], got {self.ratio}; use e.g. --ratio 0.1, or --count N")
        if self.count is not None and self.count < 1:
            problems.append(f"--count must be >= 1, got {self.count}")
        if self.token_budget is not None and self.token_budget < 1:
            problems.append(f"--token-budget must be >= 1, got {self.token_budget}")
        if self.decontam_ngram < 1:
            problems.append(f"--decontam-ngram must be >= 1, got {self.decontam_ngram}")
        _choice(problems, "decontam-method", self.decontam_method, DECONTAM_METHODS)
        if not 0.0 < self.decontam_threshold <= 1.0:
            problems.append(f"--decontam-threshold must be in (0, 1], got {self.decontam_threshold}; default 0.4")
        collect(problems + self.signals_problems())


@dataclass
class OutputArguments:
    """Where results go: the local output folder (always complete first), then optionally the Hub."""

    output_dir: str | None = field(default=None, metadata={"help": "Folder for subset, manifest, card (required)."})
    overwrite: bool = field(
        default=False,
        metadata={
            "help": "Replace the outputs of an earlier run with other options in --output-dir (only the files s2r "
            "wrote; a folder holding other files is refused). A rerun with the same options needs no --overwrite."
        },
    )
    cache_dir: str = field(
        default_factory=default_cache_dir,
        metadata={
            "help": "Score cache shared between runs (resume; re-rank without model calls) and built-in "
            "models. Default: $S2R_HF_CACHE or ~/.cache/s2r_hf."
        },
    )
    push_to_hub: str | None = field(default=None, metadata={"help": "Also push subset + card to this dataset repo."})
    hub_config_name: str = field(default="default", metadata={"help": "Config name of the pushed subset."})
    hub_private: bool = field(default=False, metadata={"help": "Create the Hub repo as private."})
    hub_commit_message: str | None = field(default=None, metadata={"help": "Commit message for the push."})

    def __post_init__(self) -> None:
        if not self.output_dir:
            raise S2RError("--output-dir is required: the folder where the subset, manifest and card are written")
        if problem := config_name_problem(self.hub_config_name):
            raise S2RError(f"--hub-config-name: {problem}")


def check_compatible(pool: PoolArguments, scoring: ScoringArguments, sel: SelectionArguments) -> None:
    """Options that are fine alone but not together, named in pairs, all reported at once."""
    problems: list[str] = []
    if sel.token_budget is not None and scoring.length_unit != "tokens":
        problems.append("--token-budget counts tokens but --length-unit is 'chars'; use --length-unit tokens")
    if sel.strategy == "full" and any(getattr(sel, n) is not None for n in ("ratio", "count", "token_budget")):
        problems.append("--strategy full keeps every row; drop --ratio/--count/--token-budget")
    collect(problems + signals_conflicts(sel))
