"""hplab: the command line over nets, data, study, analyses and reports.

Thin by design: each command parses its flags, calls one package function and
prints its result (a JSON object with ``--json``; those keys are a contract).
Bad input ends in one line on stderr and exit code 2.

The commands live in reports' command line (``reports/_cli/``: each command's flags
beside what it does); this file is the program around them: what must work before, or
without, a package is imported (its signal handlers, its streams, ``--version``, the
guard against a module standing in for one of hplab's packages).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import logging
import os
import signal
import sys
import types
import warnings
from pathlib import Path


class _VersionAction(argparse.Action):
    """``--version``: hplab's version as the reports say it (`_version`), read only when
    asked (building the parser for another command imports no package, runs no git)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show hplab's version (and the checkout it runs from) and exit"):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        _say_version()


def _say_version() -> None:
    """Print hplab's version and end, as argparse's version action does; a standard
    output that cannot take it ends as a command's does (QA: a traceback, exit 1, on a
    closed pipe or a full disk): quietly with 141 for a closed pipe, else one line, exit 2."""
    try:
        print(f"hplab {_version()}", flush=True)  # on stdout, as argparse's own
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
        sys.exit(141)  # the shell's code for a process ended by SIGPIPE
    except OSError as exc:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"hplab: error: cannot write standard output: {exc.strerror}", file=sys.stderr)
        sys.exit(2)
    sys.exit(0)


def _version() -> str:
    """hplab's version as the reports say it (`nets.version_text`): the installed version,
    and the git checkout it runs from where that is other code (an editable install's
    version stays the commit it was installed at). The installed version alone where
    nets is not hplab's own or fails to import: --version answers whatever is in the way."""
    if _shadowed_package(("nets",)) is None:
        try:
            import nets

            return nets.version_text()
        except Exception:  # a broken environment: the metadata still answers
            pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hplab")
    except PackageNotFoundError:
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    """hplab's parser (`reports.build_parser`), with this program's --version."""
    import reports

    return reports.build_parser(_VersionAction)


def analysis_commands(parser: argparse.ArgumentParser) -> list[str]:
    """The analysis commands of ``parser`` (`reports.analysis_commands`)."""
    import reports

    return reports.analysis_commands(parser)


def _terminate(signum, frame) -> None:
    """SIGTERM (kill, docker stop, a batch system's preemption), or SIGHUP (its terminal
    closed), stops a run as Ctrl-C does: through the SIGINT handler in place (which stops
    workers and records their trials as interrupted), else as a KeyboardInterrupt."""
    _terminated.append(signum)
    # noted first: C code may drop the KeyboardInterrupt delivered below (a Cython module's
    # import does), and a single worker's run went on to its last trial
    if held := _held_interrupts():
        held.note_stop()
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    # SIGINT ignored (a background job): SIGTERM must still stop it, held where Ctrl-C
    # would be (a raise between a trial's creation and its start left it RUNNING forever
    # on a journal file, or broke into optuna's tell with a traceback)
    elif held:
        held.deliver(frame)
    else:
        raise KeyboardInterrupt


_terminated: list[int] = []  # the signals (SIGTERM, SIGHUP) that asked the command to end
# what `_stopped` says for each; Ctrl-C is "interrupted"
_ENDED_BY = {"SIGTERM": "terminated", "SIGHUP": "hung up"}
_ENDING_SIGNALS = [getattr(signal, name) for name in _ENDED_BY if hasattr(signal, name)]


def _held_interrupts():
    """``study.HeldInterrupts`` if study is imported, else None (never imported here, in a
    signal handler; getattr: the module may be half imported when the signal comes)."""
    return getattr(sys.modules.get("study._held_interrupts"), "HeldInterrupts", None)


def _forget_stop() -> None:
    """Forget a stop `_terminate` noted (`HeldInterrupts.note_stop`, and its signal in
    `_terminated`): it stopped its command only."""
    _terminated.clear()
    if held := _held_interrupts():
        held.forget_final()


def _deliver_lost_interrupt(unraisable) -> None:
    """``sys.unraisablehook``: a signal that lands while a weakref callback or a __del__
    runs (tqdm's, numpy's) raises its KeyboardInterrupt in there, where Python prints it
    and carries on (the run went on, to exit 0). It is delivered again instead, to the
    main thread's own code; once the command is done, signals are ignored, and so is it."""
    if not issubclass(unraisable.exc_type, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    from nets import interrupt_main_soon

    # from another thread, a moment later: raised while this hook runs, it would be lost
    interrupt_main_soon(_terminated[-1] if _terminated else signal.SIGINT)


def _warning_line(message, category, filename, lineno, line=None) -> str:
    """A warning as the program prints it: one line, like its errors, opening with the
    running command's name (``hplab`` outside one); `nets.warning_line`, imported once
    a warning comes (--version imports no package)."""
    from nets import warning_line

    return warning_line(message, category, filename, lineno, line)


def main(argv: list[str] | None = None) -> int:
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    _forget_stop()  # an earlier command of this process (a script's, a test's) stopped
    try:
        if as_program:
            for signum in _ENDING_SIGNALS:
                # a hangup nohup (or a shell) set aside stays aside: the run outlives its terminal
                if signal.getsignal(signum) != signal.SIG_IGN or signum == signal.SIGTERM:
                    signal.signal(signum, _terminate)
            sys.unraisablehook = _deliver_lost_interrupt
            # started with stderr closed (`2>&-`, a daemon): Python sets sys.stderr to None,
            # and print(file=None) writes to stdout, so a warning line landed in front of
            # --json's object; the lines meant for stderr go nowhere instead
            if sys.stderr is None:
                sys.stderr = open(os.devnull, "w")  # the process's, open to its end
            # a name the terminal cannot encode (é under PYTHONIOENCODING=ascii) is printed
            # as \xe9: it failed a finished, saved run with exit 2
            for stream in (sys.stdout, sys.stderr):
                if hasattr(stream, "reconfigure"):
                    stream.reconfigure(errors="backslashreplace")
            # loky's resource tracker (a process of its own, started with this environment)
            # warns after a pool torn down by an error, below the command's one-line error;
            # the program's own environment only (a script calling main kept it for good)
            os.environ.setdefault("PYTHONWARNINGS", "ignore:resource_tracker:UserWarning")
            warnings.formatwarning = _warning_line
            # a Ctrl-C that lands while SQLAlchemy's pool resets or closes a connection is
            # logged there with its traceback, above the command's own "interrupted"
            logging.getLogger("sqlalchemy.pool").setLevel(logging.CRITICAL)
        # --version (or its abbreviation, --vers) imports nets only if it is hplab's own,
        # else reads the installed metadata: nothing in the packages' way stops it
        first = str(argv[0]) if argv else ""
        asks_version = len(first) > 2 and "--version".startswith(first)
        if asks_version:  # said before reports, the parser's package, is imported
            _say_version()
        if shadowed := _shadowed_package():
            print(f"hplab: error: {shadowed}", file=sys.stderr)
            return 2
        try:  # a signal while the parser is built (it imports the registries) ends it too
            import reports

            args = reports.parse_command(argv, _VersionAction)
        except KeyboardInterrupt:
            return _stopped()
        return _run_command(args, as_program)
    finally:
        # done, its output written (or its one line): a late Ctrl-C or kill would break
        # into loky's exit join with a traceback, or turn a finished command into 130
        # (a signal pending as it returned runs its handler in signal.signal, which then
        # changes nothing: its KeyboardInterrupt is dropped, the result stands, and the
        # change is made again; inline, as a helper's first line would run it outside a try)
        ignored = not as_program
        while not ignored:
            try:
                for signum in (signal.SIGINT, *_ENDING_SIGNALS):
                    signal.signal(signum, signal.SIG_IGN)
                ignored = True
            except KeyboardInterrupt:
                pass
        _forget_stop()  # the command is over (its signals aside): what runs next is not it


def _run_command(args, as_program: bool = False) -> int:
    """``args.func(args)``, its errors as one line and an exit code (`reports.run_command`,
    handed this process's stop)."""
    try:  # a signal as the command starts ends it too (QA: a traceback from this line)
        import reports

        run = reports.run_command
    except KeyboardInterrupt:
        return _stopped()
    return run(args, _STOPS, as_program)


def _stopped() -> int:
    """One line for a command a signal stopped, and the shell's exit code for it: 128 +
    the signal (SIGTERM 143, SIGHUP 129), 130 for Ctrl-C. The warnings the command held
    come before it: the stop is the last line."""
    from nets import release_warnings

    with contextlib.suppress(OSError):  # a closed terminal's stderr fails (EIO)
        release_warnings()
        print(f"hplab: {_ended_by()}", file=sys.stderr)
    return 128 + _stop_signal()


def _stop_signal() -> int:
    """The signal that stopped the command: the last SIGTERM or SIGHUP, else Ctrl-C's."""
    return _terminated[-1] if _terminated else signal.SIGINT


def _ended_by() -> str:
    """What stopped the command: "interrupted" (Ctrl-C), "terminated" or "hung up"."""
    return _ENDED_BY.get(signal.Signals(_stop_signal()).name, "interrupted")


def _exit_now(code: int) -> None:
    """End the program without the interpreter's last clean-up, after atexit's functions
    (which run before it anyway): an extension module whose initialisation a signal broke
    crashes it ("Fatal Python error: PyThreadState_Get", exit 134, for matplotlib's)."""
    for signum in (signal.SIGINT, *_ENDING_SIGNALS):
        signal.signal(signum, signal.SIG_IGN)  # done: a second signal changes nothing
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)


# hplab's own packages, top-level beside hplab.py: an error raised as one of their modules
# is imported is a bug
_PACKAGE_NAMES = ("nets", "data", "study", "analyses", "reports")
_HERE = Path(__file__).resolve().parent
_OWN_PACKAGES = tuple(str(_HERE / name) + os.sep for name in _PACKAGE_NAMES)


def _shadowed_package(names: tuple[str, ...] = _PACKAGE_NAMES) -> str | None:
    """One line naming what stands in for one of hplab's packages, and its fix; None when
    each is hplab's own.

    The packages' names are generic (data, study, reports...): a user's ``data.py`` or
    ``data/`` in the current folder (``python -m hplab`` looks there first) or on
    PYTHONPATH, or another distribution's ``data`` package installed over hplab's, broke
    every command with an AttributeError traceback that read as hplab's bug. Cheap, for
    every start-up: the packages are found, not imported (in place of ``find_spec``'s, a
    module already imported is its own ``__spec__``). ``names``: those packages only.
    """
    import importlib.util

    recorded = None
    for name in names:
        own = _HERE / name / "__init__.py"
        try:
            spec = importlib.util.find_spec(name)
        except ValueError:  # a module made in memory, with no spec: not hplab's
            found = getattr(sys.modules.get(name), "__file__", None) or "a module in memory"
            return f"{found} shadows hplab's package {name}: {_SHADOW_FIX}"
        origin = spec and spec.origin and Path(spec.origin)
        if spec is not None and origin is None:  # a namespace package: folders, no __init__
            # a user's plain data/ folder of CSVs, found before an editable install's
            # finder: the folder in the way, not hplab's, was named missing
            folders = [Path(f) for f in spec.submodule_search_locations or ()]
            if (_HERE / name).resolve() not in {f.resolve() for f in folders} and folders:
                return f"{folders[0]} (a folder) shadows hplab's package {name}: {_SHADOW_FIX}"
        if spec is None or origin is None:  # none, or hplab's own folder without __init__
            return (f"hplab's {own} is missing (an uninstall of another distribution's "
                    f"{name} package removes it): pip install --force-reinstall hplab")
        if origin.resolve() != own.resolve():
            shown = origin.parent if origin.name == "__init__.py" else origin
            return f"{shown} shadows hplab's package {name}: {_SHADOW_FIX}"
        if recorded is None:
            recorded = _recorded_hashes()
        if name in recorded and _file_hash(own) not in recorded[name]:
            return (f"{own} is not hplab's: another distribution installed a package named "
                    f"{name} over it; uninstall that one, then pip install --force-reinstall "
                    "hplab")
    return None


_SHADOW_FIX = ("rename it, or run hplab where it is not on Python's path (the current "
               "folder, under python -m; PYTHONPATH)")


def _recorded_hashes() -> dict[str, set[str]]:
    """The hashes hplab's installs recorded for each package's ``__init__.py`` (a dist-info
    RECORD beside hplab.py: a wheel's install), by package name; none from a checkout.

    Every hplab RECORD there counts: ``pip install --target DIR --upgrade`` leaves the old
    version's dist-info beside the new one, and the first RECORD in directory order (the
    stale one, at times) called hplab's own file another distribution's.
    """
    found: dict[str, set[str]] = {}
    for record in _HERE.glob("hplab-*.dist-info/RECORD"):
        for line in record.read_text("utf-8", errors="replace").splitlines():
            path, _, rest = line.partition(",")
            package, _, file = path.partition("/")
            if file == "__init__.py" and package in _PACKAGE_NAMES:
                found.setdefault(package, set()).add(rest.partition(",")[0])
    return found


def _file_hash(path: Path) -> str:
    """``path``'s hash as a RECORD writes it (sha256=, URL-safe base64 without padding)."""
    import base64
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _raised_importing(exc: BaseException) -> bool:
    """Whether ``exc`` came from the body of one of hplab's own modules, as it was imported
    (a lazy import). Another library's may read the user's settings there (matplotlib
    checks MPLBACKEND): bad input still."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "<module>" and code.co_filename.startswith(_OWN_PACKAGES):
            return True
        tb = tb.tb_next
    return False


#: The process's stop, as reports' command line reads it (`reports.run_command`): the
#: handlers above are installed before any package is imported, and no package imports
#: hplab.py
_STOPS = types.SimpleNamespace(stopped=_stopped, ended_by=_ended_by, signals=_ENDING_SIGNALS,
                               exit_now=_exit_now, raised_importing=_raised_importing)


if __name__ == "__main__":
    sys.exit(main())
