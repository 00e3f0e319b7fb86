"""``hplab report compare``: what it does beside the flags it takes."""

import argparse
from pathlib import Path

from ._converters import folder_path, path
from ._output import (
    after_report,
    command_line,
    emit,
    report_wanted,
    say_replaced,
    write_report,
)


def cmd_report_compare(args) -> int:
    import reports

    comparison = reports.compare_runs(args.runs)  # read before the folder is held
    out = _compare_out(args, comparison)
    if out is not None:
        reports.check_out_folder(out, "compare")
    summary = {**comparison.summary(), "report_path": None, "report_error": None}

    def write():
        if out is None:
            return None
        earlier = (out / "report.html").is_file()
        with reports.holding(out, other="--out"):
            path = reports.comparison_report(comparison, out, command=command_line(args.argv))
        if earlier:  # a re-run into the same folder: the earlier comparison is gone
            say_replaced("report compare", "report", out, "another --out")
        return path

    failed = write_report(summary, out, write)
    emit(args, summary, reports.compare_lines(summary, comparison))
    return after_report(args, failed)


def _compare_out(args, comparison) -> Path | None:
    """--out, else runs/compare/DATASET (the runs' dataset, else "several-datasets"); None
    with --no-report."""
    if not report_wanted(args):
        return None
    if args.out:
        return Path(args.out)
    import reports
    from study import RUNS, dataset_folder_name  # here: study imports optuna

    dataset = reports.comparison_dataset(comparison)
    return RUNS / "compare" / (dataset_folder_name(dataset) if dataset else "several-datasets")


def add_compare(rsub) -> None:
    q = rsub.add_parser(
        "compare", help="several training runs side by side: what sets them apart, their "
                        "scores and curves",
        description="read training runs' folders (config.json and history.csv; a model "
                    "file names its folder, a study report's folder its best_model/) and "
                    "write one report: the settings that differ, each run's scores, and "
                    "every run's validation and training curves on one figure. Nothing is "
                    "trained again")
    q.add_argument("runs", metavar="RUN", nargs="+", type=path,
                   help="a training run's folder (runs/train/coin), its model.npz, or a "
                        "study report's folder (its best model); two or more")
    q.add_argument("--out", type=folder_path, default=None,
                   help="the report's folder (default runs/compare/DATASET, or runs/compare/"
                        "several-datasets)")
    # --report too, as every other command that writes one takes it (QA: refused here)
    q.add_argument("--report", action=argparse.BooleanOptionalAction, default=True,
                   help="write the report and refresh the runs index (--no-report: print "
                        "the comparison without writing a report)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_report_compare)
