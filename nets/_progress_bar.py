"""Progress bars and lines on stderr: the one rule every bar hplab draws is made by (a net's
epochs, a gradient check's parameters, a study's trials, an analysis's runs), and the one
every line it says there is printed by."""

from __future__ import annotations

import contextlib
import functools
import sys


def progress_bar(*, enabled: bool = True, **options):
    """A tqdm bar (``tqdm.auto``'s: a widget in a notebook) on stderr, taking tqdm's
    ``options``; a disabled one, which draws nothing, unless ``enabled`` and there is a
    stderr to draw on.

    A process started with stderr closed (``2>&-``, some daemons and cron set-ups,
    pythonw) has ``sys.stderr`` None: the bar's first frame raised there, and a training
    or a study ended with exit code 1 and not a word, before it had run.

    Parameters
    ----------
    enabled : bool, default True
        False: the disabled bar.
    **options
        tqdm's options (``total``, ``desc``, ``leave``...).
    """
    from tqdm.auto import tqdm

    from ._command_lines import release_warnings

    release_warnings()  # the command's work starts: its checks passed
    if options.get("leave", True) is False and not stderr_is_a_terminal() \
            and "notebook" not in tqdm.__module__:  # a notebook's widget has no line
        tqdm = _line_ending(tqdm)
    if sys.stderr is not None and "notebook" not in tqdm.__module__ and "file" not in options:
        options["file"] = _FramesMayFail(sys.stderr)
    return tqdm(disable=not enabled or sys.stderr is None, **options)


class _FramesMayFail:
    """stderr for a bar, whose frames a stderr that cannot take them (``2> log`` on a full
    disk) loses, not the run: tqdm drops only EIO's, and on ENOSPC a training or a study
    ended at its first frame, exit 1 (QA). Equal to the stream, as tqdm's own wrapper is."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        with contextlib.suppress(OSError):
            return self._stream.write(text)

    def flush(self):
        with contextlib.suppress(OSError):
            self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def __eq__(self, other):
        return self._stream == getattr(other, "_stream", other)

    def __hash__(self):
        return hash(self._stream)


def _drawn(bar) -> bool:
    """Whether ``bar`` (open) was drawn: one with a ``delay`` may not be yet (tqdm's test)."""
    return (not bar.disable and hasattr(bar, "last_print_t")
            and bar.last_print_t >= bar.start_t + bar.delay)


@functools.cache
def _line_ending(bar_class):
    """``bar_class`` whose bar, cleared (``leave=False``), ends its line: on a log file the
    clearing spaces and carriage return left the bar's line open, and the next line
    (`make demo > log 2>&1`'s first result) was joined to it."""

    class LineEndingBar(bar_class):
        def close(self):
            cleared = _drawn(self) and not self.pos and getattr(self, "sp", None) is not None
            super().close()
            if cleared:
                with contextlib.suppress(ValueError, OSError):  # a stream closed meanwhile
                    self.fp.write("\n")
                    self.fp.flush()

    return LineEndingBar


def stderr_is_a_terminal() -> bool:
    """Whether stderr is a terminal (a bar redraws in place there); False without one."""
    return sys.stderr is not None and sys.stderr.isatty()


def say_on_stderr(line: str) -> None:
    """Print ``line`` (a warning, a wait, a failure a run goes on after) on stderr, flushed;
    nothing without a stderr (``2>&-``, pythonw), where print writes to stdout, in front of
    what a caller reads there (``--json``'s object), nor where stderr cannot take it.

    Parameters
    ----------
    line : str
        The line, without its newline.
    """
    from ._command_lines import release_warnings

    release_warnings()  # held ones first: in the order they came
    if sys.stderr is not None:
        # a stderr that cannot take it (`2> log` on a full disk) loses the line, as
        # Python's own warnings do (QA: a rerun's "replaced the earlier run" line failed
        # its report, and a warning raised inside the work failed that work, exit 1)
        with contextlib.suppress(OSError):
            print(line, file=sys.stderr, flush=True)


def say_above_bars(line: str) -> None:
    """``line`` on stderr, escaped, on a line of its own above this process's progress bars
    (tqdm's write clears and redraws them: printed, it was glued to a bar's end); nothing
    without a stderr, nor where stderr cannot take it.

    Parameters
    ----------
    line : str
        The line, without its newline.
    """
    from ._command_lines import release_warnings
    from ._printable import escaped

    release_warnings()  # held ones first: in the order they came
    if sys.stderr is None:
        return
    with contextlib.suppress(OSError):  # as `say_on_stderr`: the line is lost, not the work
        _above_bars(escaped(line))


def _above_bars(line: str) -> None:
    """`say_above_bars`' printing of the escaped ``line``."""
    from tqdm.std import tqdm

    bars = list(getattr(tqdm, "_instances", ()))
    terminal = stderr_is_a_terminal()
    if any(map(_drawn, bars)):
        if terminal:
            tqdm.write(line, file=sys.stderr)
        else:
            # a log file: tqdm's write clears the bar with spaces and a carriage return,
            # and the line was joined to them; the bar's frame ends here, and is drawn
            # again below the line (where the next line starts after it)
            print(f"\n{line}", file=sys.stderr)
            for bar in filter(_drawn, bars):
                bar.refresh()
    elif not bars and terminal:
        # a pool worker's: the bar on the terminal is its parent's, which tqdm here cannot
        # clear; the line was glued to its end. Erase that line (the parent redraws its bar
        # below at its next refresh)
        print(f"\r\x1b[K{line}", file=sys.stderr)
    else:
        # no bar drawn yet (one waits its ``delay``): tqdm's write drew it, and, drawn so,
        # it was never cleared
        print(line, file=sys.stderr)
    sys.stderr.flush()
