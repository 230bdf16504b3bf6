"""`s2r push`: push a finished output folder to the Hub in one commit (retry a failed ``--push-to-hub``).

    s2r push --output-dir out/openr1-s2r-10pct --repo me/OpenR1-Math-S2R-10pct
    s2r push --config push.yaml --private          # output_dir, repo, ... from a YAML file

An `s2r select` folder (subset, card, manifest, scores) goes to a dataset repo, an `s2r train` folder (weights,
tokenizer, card, run record; no checkpoints) to a model repo. Everything that can be told wrong before talking
to the Hub is reported at once (:func:`check_push`). Token: ``HF_TOKEN`` or ``hf auth login``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from s2r_hf.errors import collect


@dataclass
class PushArguments:
    """Options of `s2r push`."""

    output_dir: str = field(metadata={"help": "Folder written by `s2r select` or `s2r train`."})
    repo: str = field(metadata={"help": "Repo id, e.g. me/OpenR1-Math-S2R-10pct."})
    config_name: str = field(default="default", metadata={"help": "Selections only: config name of the pushed subset."})
    private: bool = field(default=False, metadata={"help": "Create the repo as private."})
    commit_message: str | None = field(default=None, metadata={"help": "Commit message."})


def make_parser():
    from s2r_hf.config_files import make_command_parser

    return make_command_parser(
        (PushArguments,),
        prog="s2r push",
        description="Push a finished output folder to the Hub in one commit: an `s2r select` folder (subset, "
        "card, manifest, scores) to a dataset repo, or an `s2r train` folder (weights, tokenizer, card, run "
        "record; no checkpoints) to a model repo. Use it to retry a failed --push-to-hub / push_to_hub. "
        "Token: HF_TOKEN or `hf auth login`.",
    )


def parse_push(argv: list[str]) -> PushArguments:
    """argv (+ the ``--config`` YAML) → :class:`PushArguments`; bad input is one :class:`S2RError`."""
    from s2r_hf.config_files import parse_with_config

    (args,) = parse_with_config(make_parser(), argv, command="push", count=1)
    return args


def push_main(argv: list[str]) -> None:
    """`s2r push ARGS`: checks, then one commit to a dataset repo (selection) or a model repo (trained model)."""
    from s2r_hf import hub

    args = parse_push(argv)
    out = Path(args.output_dir)
    check_push(out, args.repo, args.config_name)
    if (out / "manifest.json").exists():
        hub.push_selection(
            out, args.repo, config_name=args.config_name, private=args.private, commit_message=args.commit_message
        )
    else:
        hub.push_model(out, args.repo, private=args.private, commit_message=args.commit_message)


def check_push(out: Path, repo: str, config_name: str) -> None:
    """Everything `s2r push` can tell is wrong before it talks to the Hub, all at once."""
    from s2r_hf.hub import config_name_problem
    from s2r_hf.preflight import offline, repo_problem

    problems = []
    if not out.exists():
        problems.append(f"--output-dir: no such folder: {out}; give the folder `s2r select` or `s2r train` wrote")
    elif not out.is_dir():
        problems.append(f"--output-dir {out} is a file; give the folder `s2r select` or `s2r train` wrote")
    elif not (out / "manifest.json").exists() and not (out / "config.json").exists():
        problems.append(
            f"--output-dir {out} holds neither a finished selection (manifest.json) nor a trained model "
            "(config.json); run `s2r select` or `s2r train` first"
        )
    problems.append(repo_problem("--repo", repo))
    if (out / "manifest.json").exists() and config_name_problem(config_name):
        problems.append(f"--config-name: {config_name_problem(config_name)}")
    problems = [p for p in problems if p]
    if offline() and not problems:
        problems.append("HF_HUB_OFFLINE is set, so nothing can be pushed; unset it (HF_HUB_OFFLINE=0) and run again")
    collect(problems)
