"""`s2r` — Select2Reason from the command line: the dispatcher that hands each command to its stage module.

    s2r select --config recipes/selection/synthetic/config_s2r_10pct.yaml      # embedded default, offline
    s2r select --pool open-r1/OpenR1-Math-220k --pool-config all \\
               --judge Qwen/Qwen2.5-1.5B-Instruct --length-tokenizer Qwen/Qwen2.5-Math-7B-Instruct \\
               --ratio 0.10 --output-dir out/openr1-s2r-10pct
    accelerate launch --num_processes 8 -m s2r_hf.cli select ...        # judge data-parallel over 8 GPUs
    s2r push --output-dir out/openr1-s2r-10pct --repo me/OpenR1-Math-S2R-10pct   # (re)try a push

`select` lives in the stage package :mod:`s2r_hf.selection` (options → prepare → score → write → push; see
:mod:`s2r_hf.selection.main`); this module only dispatches.
"""

from __future__ import annotations

import logging
import sys

from s2r_hf.errors import S2RError, exit_status
from s2r_hf.selection.main import main as select_main
from s2r_hf.selection.options import (  # noqa: F401  (re-exported: `s2r_hf.cli` names tests and tools import)
    BUDGET_KEYS,
    SELECT_CONFIGS,
    equivalent_command,
    make_select_parser,
    parse_select,
)
from s2r_hf.selection.score import score_difficulty  # noqa: F401  (re-exported)

logger = logging.getLogger("s2r_hf")
USAGE = """usage: s2r <command> [options]

commands:
  select   rank an SFT pool by question difficulty and trace length, keep the top (Select2Reason)
  train    fine-tune a model on a selected subset (TRL SFT; run under `accelerate launch` for many GPUs)
  push     push a finished selection or model folder to the Hub (retry after a failed push)
  eval     evaluate a model on AIME/AMC/MATH-500/... with lighteval
  grade    grade answers generated elsewhere against the benchmark files (the eval's grader, no model)
  card     put evaluation results into a model card (model-index, .eval_results/, comparison table)
  compare  compare selections side by side: id overlap, difficulty/length/problem_type/source, token totals
  ablate   perturb a selection's reasoning traces (shuffle/delete steps, wrong answers, ...) for Sky-T1 ablations
  fit-difficulty  fit a learned difficulty model (regression head on pass-rate labels) for --difficulty-scorer model

`s2r <command> --help` lists every option of a command."""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    return exit_status(f"s2r {command}", lambda: dispatch(command, rest))


def dispatch(command: str, rest: list[str]) -> None:
    if command == "select":
        select_main(*parse_select(rest))
    elif command == "push":
        from s2r_hf.push import push_main

        push_main(rest)
    elif command == "train":
        from s2r_hf.train import main as train_main
        from s2r_hf.train import parse_train

        train_main(*parse_train(rest))
    elif command == "eval":
        from s2r_hf.eval.run import cli as eval_cli

        eval_cli(rest)
    elif command == "grade":
        from s2r_hf.eval.grade import cli as grade_cli

        grade_cli(rest)
    elif command == "card":
        from s2r_hf.eval.card import main as card_main

        card_main(rest)
    elif command == "compare":
        from s2r_hf.compare.main import cli as compare_cli

        compare_cli(rest)
    elif command == "ablate":
        from s2r_hf.ablate.main import cli as ablate_cli

        ablate_cli(rest)
    elif command == "fit-difficulty":
        from s2r_hf.fit_difficulty.main import cli as fit_difficulty_cli

        fit_difficulty_cli(rest)
    else:
        raise S2RError(f"unknown command {command!r}; run `s2r --help` for the commands")


if __name__ == "__main__":
    sys.exit(main())
