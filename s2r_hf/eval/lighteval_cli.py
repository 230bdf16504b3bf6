"""`s2r-lighteval`: lighteval's own command line, with :mod:`s2r_hf.eval.compat` applied first.

The plain ``lighteval`` executable cannot run with the installed stack (huggingface-hub 2.x breaks its task
registry; xxhash 4 breaks its details logger; offline it downloads at import), so this is the "plain
lighteval" entry point: same sub-commands, same arguments, our fixes in place::

    s2r-lighteval vllm evals/lighteval/sampled.yaml "s2r_aime24|0,s2r_amc23|0" \\
        --custom-tasks s2r_hf/eval/tasks.py --output-dir evals/

`s2r eval --export-lighteval DIR` writes the model-config YAMLs (system prompt, sampling) and these commands.
The custom-task module reads ``S2R_EVAL_DATA_DIR`` (local benchmark folders), ``S2R_EVAL_MAX_NEW_TOKENS`` and
``S2R_EVAL_GREEDY`` from the environment, since lighteval passes it no arguments.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from s2r_hf.eval import compat

    compat.apply()
    from lighteval.__main__ import app

    try:
        app(args=list(sys.argv[1:] if argv is None else argv), prog_name="s2r-lighteval")
    except SystemExit as done:  # typer/click always exit; hand the status back
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
