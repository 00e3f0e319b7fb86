"""The lines hplab says on stderr while a command runs open with the command's name
("hplab study run: warning: ...", "hplab train: replaced ..."), as its errors do; ``hplab``
outside one. The CLI names the command (`command_lines`); a pool's task carries it to
its worker processes (`carried_lines`), whose warnings then print the same way."""

from __future__ import annotations

import contextlib
import sys
import warnings

#: the running commands' names ("hplab predict"), innermost last
_names: list[str] = []
#: the warnings (their text) each running command printed, innermost last
_shown: list[set[str]] = []
#: the warnings each running command holds until its work starts (None: said at once)
_held: list[list[str] | None] = []


def command_name() -> str:
    """The running command as its lines name it (``hplab study run``), ``hplab`` outside
    one (a script's call)."""
    return _names[-1] if _names else "hplab"


def in_command() -> bool:
    """Whether an hplab command is running (its errors may name its flags); False for a
    script's call, whose errors name the function's arguments."""
    return bool(_names)


def warning_line(message, category, filename, lineno, line=None) -> str:
    """A warning as the program prints it (a ``warnings.formatwarning``): one line, like its
    errors, opening with `command_name`; Python's format adds the file, the category and
    the source line that warned, which tell a user nothing.

    Parameters
    ----------
    message, category, filename, lineno, line
        As `warnings.formatwarning` takes them.
    """
    return f"{command_name()}: warning: {message}\n"


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A ``warnings.showwarning`` printing `warning_line` on a line of its own, above any
    progress bar (`say_above_bars`: printed as it is, it was glued to the bar's end); once
    a command, its pool's workers included: the same warning came again as the command
    checked its spec, at each worker's trials and as its report trained the best again
    (Python's once a place is forgotten when the warning filters change, which each
    trial does)."""
    text = warnings.formatwarning(message, category, filename, lineno, line)
    if _shown:
        if text in _shown[-1]:
            return
        _shown[-1].add(text)
    if file is not None and file is not sys.stderr:  # a caller's own stream
        with contextlib.suppress(OSError):
            file.write(text)
        return
    if _held and _held[-1] is not None:
        _held[-1].append(text.removesuffix("\n"))
        return
    from ._progress_bar import say_above_bars

    say_above_bars(text.removesuffix("\n"))


def release_warnings() -> None:
    """Say the warnings the running command held (`command_lines`' ``hold``), and the next
    ones at once: its work started (a bar, a line of its own) or it ended without an
    error."""
    if not _held or _held[-1] is None:
        return
    held, _held[-1] = _held[-1], None
    from ._progress_bar import say_above_bars

    for text in held:
        say_above_bars(text)


def drop_held_warnings() -> None:
    """Forget the warnings the running command holds: it ends in an error, said in one
    line (QA: a data warning came before the error its data led to, two lines)."""
    if _held and _held[-1] is not None:
        _held[-1].clear()


@contextlib.contextmanager
def command_lines(name: str, *, warnings_as_lines: bool = False, shown=(),
                  hold: bool = False):
    """While inside, `command_name` is ``name``; with ``warnings_as_lines`` (the program's
    own process, or a worker of its pool) the warnings raised print as `warning_line`,
    above any progress bar, each once (``shown``: those its parent printed already). What
    they printed as before is put back after. With ``hold`` as well, they are held until
    the command's first bar or line, or its end (`release_warnings`), unless an error
    ends it first (`drop_held_warnings`).

    Parameters
    ----------
    name : str
        The command's name (``"hplab train"``).
    warnings_as_lines : bool, default False
        As above.
    shown : iterable, default ()
        As above.
    hold : bool, default False
        As above.
    """
    _names.append(name)
    _shown.append(set(shown))
    _held.append([] if hold and warnings_as_lines else None)
    shown = (warnings.formatwarning, warnings.showwarning)
    if warnings_as_lines:
        warnings.formatwarning, warnings.showwarning = warning_line, show_warning
    try:
        yield
    finally:
        release_warnings()  # a traceback's or a stop's too: they may tell why
        _names.pop()
        _shown.pop()
        _held.pop()
        if warnings_as_lines:
            # each only if still this call's (a notebook may have set its own meanwhile)
            if warnings.formatwarning is warning_line:
                warnings.formatwarning = shown[0]
            if warnings.showwarning is show_warning:
                warnings.showwarning = shown[1]


def carried_lines() -> tuple[str, bool, tuple[str, ...]] | None:
    """What a pool's task carries to its worker process for `command_lines`: the running
    command's name, whether its warnings print as lines (data: a worker cannot be given
    this process's functions) and those it printed; None outside a command."""
    if not _names:
        return None
    return _names[-1], warnings.formatwarning is warning_line, tuple(sorted(_shown[-1]))


@contextlib.contextmanager
def lines_carried(carried: tuple[str, bool] | None):
    """In a pool's worker process, `command_lines` as `carried_lines` gave them in its
    parent; nothing changed for None.

    Parameters
    ----------
    carried : tuple or None
        `carried_lines`' answer in the parent.
    """
    if carried is None:
        yield
        return
    name, as_lines, shown = carried
    with command_lines(name, warnings_as_lines=as_lines, shown=shown):
        yield
