"""How a study run ends (``study run``, ``study worker``, ``demo``): its report, its results
printed, and the JSON of a run a signal stopped."""

import contextlib
import time
import warnings

from ._output import USER_ERRORS, after_report, command_line, emit, write_report
from ._signals import ended_by


def study_end(args, name: str, summary: dict, *, report: bool,
               description: str | None = None) -> int:
    """A study run's end (run, demo): its report, its results printed, then the line of a
    report that could not be written. ``description``: the study's, as the run stored it
    (a report showing another is rewritten)."""
    import data
    import reports

    failed = summary["report_error"] = report_seconds = None
    # a report written at the study's finished trials and budget (the run added no trial
    # the budget counts: mostly it started none) is left as it is: its rewrite retrained
    # the best trial and drew every figure again, for the same page
    out = getattr(args, "out", None)  # the demo has no --out
    current = (reports.current_study_report(name, args.storage, summary, folder=out,
                                            description=description) if report else None)
    if current is not None:
        from nets import say_on_stderr

        summary["report_path"] = str(current)
        say_on_stderr(f"{args.said_as}: the report {current} is up to date with the study's "
                      f"{summary['n_finished']} finished trials: left as it is")
    elif report:
        def write() -> str | None:
            folder = out or reports.study_report_folder(name, args.storage, summary["created"])
            with warnings.catch_warnings():
                # the report retrains the best trial on the data the run loaded and warned
                # of (a class missing from validation): said once, not again below its
                # progress bar
                warnings.simplefilter("ignore", data.DataWarning)
                # the report refreshes the runs index too; best_model/config.json
                # records the command
                return write_report(summary, folder, lambda: reports.study_report(
                    # a run that started no trial has no wall time of its own to show
                    name, storage=args.storage, out=out, seconds=summary["seconds"] or None,
                    command=command_line(args.argv),
                    dataset=getattr(args, "data", None),  # the demo has no --data
                    progress=not args.json))

        # stopped while it is written: the JSON of a stop, as during the trials
        started = time.perf_counter()
        failed = study_stops(args, name, write, seconds=summary["seconds"])
        # said beside the trials' time (--json's seconds): retraining the best trial on
        # MNIST took as long again, outside the "took" line a reader timed the run by
        report_seconds = time.perf_counter() - started
    emit(args, summary, reports.study_lines(summary, report_seconds=report_seconds))
    return after_report(args, failed)


def study_stops(args, name: str, run, seconds: float = 0.0, *, writes_report: bool = True,
                 spec=None):
    """``run()``'s result (a study run's, a worker's joining one, the demo's summary; the
    report written after them). Stopped by a signal, it prints with --json the study as
    the stop left it, ``stopped`` saying why (a script reading the JSON learns what was
    kept; no report is written), and stops; where no such study is stored (stopped before
    the run stored it), the same keys saying none ran (`study.unstored_summary`: counts 0,
    created null). ``seconds``: the run's time before ``run`` began (its trials', when
    ``run`` writes its report). ``writes_report``: the command writes one (run, demo; not a
    worker), and its JSON has ``report_error``. ``spec``: the study's, where known."""
    import reports
    import study

    started = time.perf_counter() - seconds
    try:
        return run()
    except KeyboardInterrupt:
        if args.json:
            # a storage that cannot be read now: nothing to print but the stop's line
            with contextlib.suppress(*USER_ERRORS):
                stored = True
                try:
                    summary = study.show_study(name, args.storage)
                except study.StorageAbsent:  # nothing stored: this command ran no trial
                    summary, stored = study.unstored_summary(name, args.storage, spec), False
                took = time.perf_counter() - started if stored else 0.0
                stopped = {**summary, "seconds": took, "stopped": ended_by(),
                           "report_path": None}
                if writes_report:
                    stopped["report_error"] = None
                else:  # a worker's keys: the report `study show` finds, and its lag
                    stopped["report_stale"] = None
                    with contextlib.suppress(*USER_ERRORS):  # not found: the rest printed
                        if stored:  # a report of an earlier study of the name is not its
                            reports.note_study_report(name, args.storage, stopped)
                emit(args, stopped, [])
        raise
