"""A command's run: ``args.func(args)``, its errors as one line and an exit code (2 for
bad input, 128 + the signal for a stop)."""

import os
import select
import sys

from ._in_flags import LEADING, in_flags, refuse_no_effect
from ._output import USER_ERRORS, escaped, say_error
from ._signals import SignalsSeen, hand, interrupt_in


def run_command(args, stops, as_program: bool = False) -> int:
    """Run a parsed command: ``args.func(args)``, its errors as one line on stderr and an
    exit code (2: bad input; 128 + the signal that stopped it).

    Parameters
    ----------
    args : argparse.Namespace
        The command as `parse_command` read it (``func``, ``said_as``...).
    stops : object
        The process's stop, kept by hplab.py, whose signal handlers are installed before
        any package is imported: ``stopped()`` prints a stop's line and returns its exit
        code, ``ended_by()`` names what stopped the command, ``signals`` are the signals
        beside Ctrl-C that end one, ``exit_now(code)`` ends the program at once, and
        ``raised_importing(exc)`` says whether ``exc`` came from importing one of hplab's
        own modules (a bug, not bad input).
    as_program : bool
        The command is the process's own (hplab's ``main`` reading ``sys.argv``): its
        warnings print as lines, held until its work starts.
    """
    hand(stops)
    # before a report imports matplotlib: its lines about a folder it cannot write are one
    # warning of the command's (stderr holds only those)
    from .._matplotlib_log import install

    install()
    try:  # a signal as the command starts ends it too (QA: a traceback from this line)
        from nets import command_lines
    except KeyboardInterrupt:
        return stops.stopped()

    # its lines and warnings name it, in its pool's workers too; the program's own process
    # prints its warnings as lines (a script's keep the format it chose)
    # held until its work starts: an error of bad input is its one line, without the
    # warnings its data led to first
    with command_lines(getattr(args, "said_as", "hplab"), warnings_as_lines=as_program,
                       hold=as_program):
        return _run_signalled(args, stops, as_program)


def _run_signalled(args, stops, as_program: bool) -> int:
    signals = SignalsSeen()
    try:
        try:
            signals.open()
        except KeyboardInterrupt:  # a signal as the command starts: it stops it
            return stops.stopped()
        return _run_checked(args, signals, stops, as_program)
    finally:
        # done: a signal pending as the command returned runs its handler in here; its
        # KeyboardInterrupt is dropped, the result stands (as in hplab.py's main, which then
        # sets the signals aside)
        while True:
            try:
                signals.close()
                break
            except KeyboardInterrupt:
                pass


def _run_checked(args, signals: SignalsSeen, stops, as_program: bool) -> int:
    try:
        refuse_no_effect(args)
        return args.func(args) or 0
    except KeyboardInterrupt:
        return stops.stopped()
    except USER_ERRORS as exc:
        # `hplab ... | head` closed the pipe: stop quietly. Only then: a helper's pipe that
        # broke (loky's resource tracker failing to start) ended in 141 and no word (QA)
        if isinstance(exc, BrokenPipeError) and (closed := _closed_standard_streams()):
            for fd in closed:
                os.dup2(os.open(os.devnull, os.O_WRONLY), fd)  # no flush error at exit
            return 141  # the shell's code for a process ended by SIGPIPE
        # a signal that came out as an extension's ValueError (its cause kept, or not)
        if interrupt_in(exc) or signals.stopping():
            return stops.stopped()
        # a bug's ValueError too; and one raised importing a module (no input of the
        # user's is read there: Python 3.13 refusing a docstring said "bad input", exit 2)
        if os.environ.get("HPLAB_DEBUG", "0") not in ("", "0") or stops.raised_importing(exc):
            raise
        # escaped: a message may quote a stored name (studies there: ...) that holds one
        from nets import drop_held_warnings, error_line, os_error_line

        drop_held_warnings()  # bad input: one line

        # an OSError in words, naming its file: "[Errno 28] ...: 'a.csv'" read as a crash
        message = escaped(os_error_line(exc) if isinstance(exc, OSError)
                           else error_line(exc))
        if isinstance(exc, BrokenPipeError) and exc.filename is None:  # a bare "Broken pipe"
            message += (" (not standard output's: a pipe to a helper process or worker that "
                        "failed or ended early)")
        # files' and data's errors name what the data holds (a column batch_size, a file
        # named warmup_steps), never a parameter: they stay as they are (a DataError comes
        # only from data, so only once it was imported)
        data_module = sys.modules.get("data")
        if data_module and isinstance(exc, data_module.DataError):
            # but data's own arguments open its messages ("seed must be ..."; a name's
            # options are "option seed=..."): said as the flags that set them
            message = LEADING.sub(lambda m: args.dest_flags.get(m[1]) or m[0], message)
        elif not isinstance(exc, OSError):
            message = in_flags(message, args)
        say_error(args.said_as, message)
        return 2
    except MemoryError as exc:  # sizes asked for beyond this machine (--steps 1e9...)
        from nets import drop_held_warnings

        drop_held_warnings()
        detail = " ".join(str(exc).split())
        say_error(args.said_as, f"out of memory{f' ({detail})' if detail else ''}; ask for "
                  "fewer or smaller runs")
        return 2
    except Exception as exc:
        # a signal while a C extension initialises (matplotlib's ft2font, in a lazy import)
        # comes out as that import's error, the KeyboardInterrupt only its cause
        if not interrupt_in(exc):
            raise
        if as_program and isinstance(exc, ImportError):
            stops.exit_now(stops.stopped())
        return stops.stopped()


def _closed_standard_streams() -> list[int]:
    """The file descriptors of standard output and standard error whose reader has gone:
    a pipe's write end polls POLLERR once its reader closed, a socket's POLLHUP (Linux);
    a file, a terminal or an open pipe neither. Without ``select.poll`` (Windows),
    standard output's, as any broken pipe was read before."""
    if not hasattr(select, "poll"):
        return [1]
    closed = []
    for stream in (sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
        except (AttributeError, ValueError, OSError):  # None, a capture, closed: no pipe
            continue
        poll = select.poll()
        poll.register(fd, select.POLLOUT)
        if any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0)):
            closed.append(fd)
    return closed
