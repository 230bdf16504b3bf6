"""One error type for everything a user can fix.

Library code raises :class:`S2RError` with a message that says what is wrong and how to fix it; the CLI
prints it as a single line and exits with status 2, so users never read a traceback for a bad option.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


class S2RError(Exception):
    """A problem with the user's input, config or environment, phrased as "what is wrong; how to fix it"."""


def collect(problems: list[str]) -> None:
    """Raise one :class:`S2RError` listing every problem at once (config checks report all, not the first)."""
    if len(problems) == 1:
        raise S2RError(problems[0])
    if problems:
        raise S2RError(f"{len(problems)} problems: " + " | ".join(problems))


def exit_status(prog: str, command: Callable[[], object]) -> int:
    """Run a command line's work: 0 on success; an :class:`S2RError` becomes ``<prog>: error: ...`` and 2."""
    try:
        command()
    except S2RError as err:
        message = " ".join(line.strip() for line in str(err).splitlines() if line.strip())  # always ONE line
        print(f"{prog}: error: {message}", file=sys.stderr)
        return 2
    return 0
