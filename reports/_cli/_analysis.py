"""What every analysis command shares: the mark that makes it one (`analysis_command`,
which `analysis_commands` reads), its report folder, held from its start, and its end
(report, results printed, the line of a report that could not be written)."""

import argparse
import contextlib
import functools
from pathlib import Path

from ._output import (
    after_report,
    command_line,
    emit,
    report_wanted,
    say_replaced,
    write_report,
)


def analysis_end(args, result) -> int:
    """An analysis command's end: its report (unless --no-report), its results printed (or
    --json), then the line of a report that could not be written. Both are reports', found
    by the command in `reports.ANALYSIS_OUTPUTS`."""
    import reports  # the lines only: what draws loads with the report's writer

    summary = result.summary()
    failed = write_report(summary, _analysis_out(args), lambda: _analysis_report(args, result))
    emit(args, summary, reports.analysis_outputs(args.command)[1](summary))
    return after_report(args, failed)


def _analysis_report(args, result) -> str | None:
    """Write an analysis report unless --no-report: to --out, else runs/COMMAND/DATASET.
    Its Report's kind must be the command (`reports.check_out_folder` compares a re-run's
    with the kind its folder holds): any other fails here, at its first run."""
    if not args.report:
        return None
    import reports

    write = reports.analysis_outputs(args.command)[0]
    out = _analysis_out(args)
    earlier = (out / "report.html").is_file()
    path = str(write(result, out, command=command_line(args.argv)))  # matplotlib loads here
    kind = reports.read_report_info(path).kind
    if kind != args.command:  # every re-run into this folder would be refused
        raise RuntimeError(f"reports.{write.__name__} wrote a report of kind {kind!r}: an "
                           f"analysis's Report kind is its command, {args.command!r}")
    if earlier:  # a re-run into the same folder: its results are gone
        say_replaced(args.command, "report", out, "another --out")
    return path


def analysis_command(command):
    """The analysis ``command`` (it ends in `analysis_end`), marked as one (`analysis`),
    run holding its report folder (`_analysis_out`; none with --no-report) from its start,
    checked first: one that cannot be written fails before the analysis runs, and a second
    analysis writing there at the same time is refused at once, as a second train is (both
    ran, and the last report replaced the other's unsaid)."""

    @functools.wraps(command)
    def run(args) -> int:
        import analyses
        import reports

        out = _analysis_out(args)
        reports.check_out_folder(out, args.command)
        with (reports.holding(out, other="--out") if out else contextlib.nullcontext(),
              analyses.flags_in_errors()):  # its errors' advice in the flags given
            return command(args)

    run.analysis = True
    return run


def analysis_commands(parser: argparse.ArgumentParser) -> list[str]:
    """The analysis commands of ``parser``: those `analysis_command` made.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        hplab's (`build_parser`).
    """
    sub = parser._subparsers._group_actions[0].choices
    return [name for name, p in sub.items() if getattr(p.get_default("func"), "analysis", False)]


def _analysis_out(args) -> Path | None:
    """Where an analysis's report goes (--out, else runs/COMMAND/DATASET); None with
    --no-report, where an --out is refused: it would be dropped without a word."""
    if not report_wanted(args):
        return None
    # here: study imports optuna, --no-report skips it
    from study import RUNS, dataset_folder_name

    return Path(args.out) if args.out else RUNS / args.command / dataset_folder_name(
        args.dataset)
