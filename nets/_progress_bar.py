"""Progress bars and lines on stderr: the one rule every bar hplab draws is made by (a net's
epochs, a gradient check's parameters, a study's trials, an analysis's runs), and the one
every line it says there is printed by."""

from __future__ import annotations

import sys


def progress_bar(*, enabled: bool = True, **options):
    """A tqdm bar (``tqdm.auto``'s: a widget in a notebook) on stderr, taking tqdm's
    ``options``; a disabled one, which draws nothing, unless ``enabled`` and there is a
    stderr to draw on.

    A process started with stderr closed (``2>&-``, some daemons and cron set-ups,
    pythonw) has ``sys.stderr`` None: the bar's first frame raised there, and a training
    or a study ended with exit code 1 and not a word, before it had run.
    """
    from tqdm.auto import tqdm

    return tqdm(disable=not enabled or sys.stderr is None, **options)


def stderr_is_a_terminal() -> bool:
    """Whether stderr is a terminal (a bar redraws in place there); False without one."""
    return sys.stderr is not None and sys.stderr.isatty()


def say_on_stderr(line: str) -> None:
    """Print ``line`` (a warning, a wait, a failure a run goes on after) on stderr, flushed;
    nothing without a stderr (``2>&-``, pythonw), where print writes to stdout, in front of
    what a caller reads there (``--json``'s object)."""
    if sys.stderr is not None:
        print(line, file=sys.stderr, flush=True)
