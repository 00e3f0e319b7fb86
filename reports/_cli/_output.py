"""A command's output: its lines or --json on stdout, its notes on stderr, the command
line its reports show, the report written after the work (its failure said last), and
the outputs refused before it: a path that is one of its inputs (`refuse_overwrite`).
Which errors are bad input, said in one line (`USER_ERRORS`), is here too: a report that
fails with one is said after the results, not as the command's error."""

import contextlib
import json
import os
import sys
from pathlib import Path

from ._signals import SignalsSeen, interrupt_in

# Errors that mean "the user asked for something impossible": one line, exit 2.
# (OverflowError: a number too large for a C call, e.g. a timeout of 1e300 seconds.)
USER_ERRORS = (ValueError, OSError, OverflowError)


def say_error(said_as: str, text: str) -> None:
    """The command's one error line, ``{said_as}: error: {text}``, on stderr; one that
    stderr cannot take (``2> log`` on a full disk) is lost, and the exit code still says
    it (QA: the failed print made every error exit 1, the code of a bug)."""
    with contextlib.suppress(OSError):
        print(f"{said_as}: error: {text}", file=sys.stderr, flush=True)


def say(line: str) -> None:
    """A line of the command's on stderr (`nets.say_on_stderr`): after the warnings it
    held (`nets.release_warnings`), in the order they came."""
    from nets import say_on_stderr

    say_on_stderr(line)


def emit(args, summary: dict, lines: list[str]) -> None:
    """Print the JSON contract with --json, else human lines (after the warnings the
    command held: they qualify what it prints)."""
    from nets import release_warnings

    release_warnings()
    if getattr(args, "json", False):
        from nets import finite_or_none  # JSON has no NaN: null instead

        # allow_nan=False: a NaN that slipped through fails here, not in the user's parser
        text = json.dumps(finite_or_none(summary), default=_json_default, allow_nan=False)
    else:  # names read from a storage or a file, whoever made them, print as text
        text = "\n".join(map(escaped, lines))
    from nets import writing_standard_output

    with writing_standard_output():
        print(text)


def escaped(text: str) -> str:
    """``text`` with each control character written as its escape (``\\x1b``): a name read
    from a storage or a file, printed raw, could clear the screen or rewrite the lines
    around it (`nets.escaped`)."""
    if text.isascii() and text.isprintable():  # most lines: without importing nets
        return text
    import nets

    return nets.escaped(text)


def _json_default(obj):
    if isinstance(obj, Path):  # numpy values were made plain by finite_or_none
        return str(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def command_line(argv) -> str:
    """The command as typed, for reports: passwords in URLs (``--storage``) masked."""
    if any("://" in a or "@" in a for a in argv):  # postgresql:/u:pw@h too
        from study import mask_url

        argv = [mask_url(a) for a in argv]
    import nets

    return nets.shell_line(["hplab", *argv])


def study_command(argv) -> str:
    """The command a study stores for its report, which is written later, maybe elsewhere:
    with the folder the spec path and the default storage are relative to (``cd DIR &&
    hplab ...``), as every report shows its command."""
    import nets

    return f"cd {nets.shell_word(os.getcwd())} && {command_line(argv)}"


def refuse_overwrite(out, *inputs) -> None:
    """Stop before an output path destroys one of the command's input files (or a file of
    an input folder), a study storage or a saved model; an empty path or a folder is named."""
    if out is None:
        return
    import study

    # realpath, not Path.resolve: a link loop is then the write's one-line OSError, where
    # resolve raised RuntimeError (a traceback)
    target = Path(os.path.realpath(out))
    for src in filter(None, inputs):
        src = Path(os.path.realpath(src))
        if target == src or (src.is_dir() and target.parent == src and target.exists()):
            raise ValueError(f"{out} is an input of this command; write the output elsewhere")
    study.check_output_file(out)


def write_report(summary: dict, folder, write) -> str | None:
    """``summary["report_path"]`` from ``write()`` (a path, or None: no report wanted).

    The work is done and saved by then: a report that cannot be written in ``folder`` (a
    full disk) leaves the path None and returns the line that says so, which
    `after_report` prints after the results; ``summary["report_error"]`` is that line
    (else None): --json's object, printed with exit code 2 then, says why.
    """
    with SignalsSeen() as signals:
        try:
            path = write()
        except USER_ERRORS as exc:
            error = exc
        else:
            error = None
        # Ctrl-C inside a C extension, out as its ValueError: a stop. Its cause is lost at
        # times (matplotlib's "Invalid affine transformation matrix"), the signal is seen
        if error is not None and (interrupt_in(error) or signals.stopping()):
            raise KeyboardInterrupt from error
    if error is not None:
        from nets import error_line, folder_text, os_error_line

        # an OSError as every command says one: its file named where it has one
        why = os_error_line(error) if isinstance(error, OSError) else error_line(error)
        summary["report_path"] = None

        summary["report_error"] = (f"the report could not be written in "
                                   f"{folder_text(folder)} ({why})")
        return summary["report_error"]
    summary["report_path"] = None if path is None else str(path)
    summary["report_error"] = None
    return None


def report_wanted(args) -> bool:
    """Whether the command writes its report (not --no-report); an --out given with
    --no-report is refused: it would be dropped without a word."""
    if not args.report and args.out is not None:
        raise ValueError("--out is the report's folder: it has no use with --no-report")
    return args.report


def after_report(args, failed: str | None) -> int:
    """The exit code once the results are printed: 0, or 2 with `write_report`'s line
    when the report could not be written."""
    if failed is None:
        return 0
    say_error(args.said_as, failed)
    return 2


def say_replaced(command: str, what: str, out: Path, keep: str) -> None:
    """A re-run replaced the earlier ``what`` (run or report) in ``out``: say so, and how
    to keep both."""
    from nets import folder_text

    say(f"hplab {command}: replaced the earlier {what} in {folder_text(out)} ({keep} keeps "
         "both)")
