"""hplab's reports: self-contained HTML reports and the index that lists them.

A new report (study, lr-range, scaling...) is a data function, a drawing function and a
few builder calls (an analysis's kind is its command's name: see analyses' "Adding an
analysis")::

    rep = Report("lr-range", f"LR range test: {name}", {"Suggested lr": 0.25}, name=name,
                 status="complete", subtitle="digits · 784-64-16-10")
    rep.add_section("Loss against learning rate", "One sentence of context.")
    rep.add_figure("loss-vs-lr", draw_loss_vs_lr, frame, caption="What to look for.")
    rep.add_table(frame, name="steps", caption="...")
    rep.set_provenance(command=..., dataset=..., seed=..., params={...}, seconds=...)
    path = rep.write(out_dir)  # out_dir/report.html + out_dir/report_files/*.csv

Drawing functions take the data and return a :class:`matplotlib.figure.Figure` made with
:func:`reports.design.new_figure` (never pyplot), coloured from :mod:`reports.design`.
``Report.write`` refreshes the index of the nearest ``runs`` folder above the report (else
the one ``hplab report index DIR`` started in the report folder's parent, if any), see
:func:`index_root`; ``hplab report index DIR`` writes or rebuilds any index by hand.
"""

import importlib

from ._held_results import held_results, unreadable
from ._index import holding_index, index_root, write_index
from ._index_folder import IndexListing, index_folder
from ._index_record import IndexEntry, index_entry
from ._out_folder import check_out_folder, check_study_report_folder, holding
from ._report_files import remove_report
from ._report_info import ReportInfo, read_report_info
from ._report_scan import ReportScan, find_reports, scan_reports
from ._study_commands import (
    note_study_report,
    study_report_lines,
    study_show,
    write_study_report,
)
from ._study_folder import find_study_report, study_report_folder
from ._study_lag import current_study_report, report_lags
from ._terminal import (
    spec_list_lines,
    study_lines,
    study_list_lines,
    table_lines,
    text_width,
    train_lines,
    two_figures,
    value_text,
)
from ._terminal_analyses import capacity_lines, lr_range_lines, scaling_lines
from ._terminal_imbalance import imbalance_lines
from ._terminal_predict import predict_lines
from ._train_command import train_into

#: Where each name that draws or tabulates lives: matplotlib, pandas and scikit-learn cost
#: ~1.3 s to import, so they come with the first use of one of these (see __getattr__).
_LAZY = {
    "design": "design",
    "Report": "_core",
    "capacity_report": "_capacity_report",
    "imbalance_report": "_imbalance_report",
    "lr_range_report": "_lr_range_report",
    "scaling_report": "_scaling_report",
    "study_report": "_study_report",
    "study_cells_lines": "_study_cells_text",
    "training_report": "_training",
    **dict.fromkeys(("decision_frame", "history_frame", "input_bounds", "regression_frames",
                     "samples_frame"), "_training_data"),
    **dict.fromkeys(("balanced_accuracy", "confusion_frame", "per_class_frame"),
                    "_class_scores"),
    **dict.fromkeys(("hidden_space_frame", "pick_snapshots"), "_hidden_space"),
}



def _on_first_call(name: str):
    """``reports.<name>`` (a report writer of `_LAZY`), imported when first called."""

    def call(*args, **kwargs):
        return __getattr__(name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


#: Each analysis command's outputs: its report writer (``KIND_report``, loaded when a report
#: is written) and its printed lines (``KIND_lines``). hplab.py ends every analysis with them.
ANALYSIS_OUTPUTS = {
    "capacity": (_on_first_call("capacity_report"), capacity_lines),
    "imbalance": (_on_first_call("imbalance_report"), imbalance_lines),
    "lr-range": (_on_first_call("lr_range_report"), lr_range_lines),
    "scaling": (_on_first_call("scaling_report"), scaling_lines),
}


def analysis_outputs(command: str):
    """``(report, lines)`` of analysis ``command`` (`ANALYSIS_OUTPUTS`); ValueError naming
    the analyses for any other."""
    from nets import unknown_name

    if command not in ANALYSIS_OUTPUTS:
        raise ValueError(unknown_name("analysis", command, ANALYSIS_OUTPUTS))
    return ANALYSIS_OUTPUTS[command]


# the names imported above, then those imported on first use
__all__ = [
    "IndexEntry", "IndexListing", "ReportInfo", "ReportScan", "index_entry",
    "find_reports", "held_results", "holding_index", "index_folder", "index_root",
    "scan_reports",
    "read_report_info", "remove_report", "unreadable", "write_index",
    # a study's report per storage, and whether it lags the study
    "current_study_report", "find_study_report", "report_lags", "study_report_folder",
    # what the study commands read of a study's report, and write
    "note_study_report", "study_report_lines", "study_show", "write_study_report",
    # `hplab predict`'s lines
    "predict_lines",
    # `hplab train`'s run, saved in place of an earlier one
    "train_into",
    # the folders commands write into: checked before the work, held while writing
    "check_out_folder", "check_study_report_folder", "holding",
    # what each command prints for people (its --json summary as lines)
    "capacity_lines", "imbalance_lines", "lr_range_lines", "scaling_lines", "spec_list_lines",
    "study_lines", "study_list_lines", "train_lines",
    "table_lines", "text_width", "two_figures", "value_text",
    # each analysis command's report writer and lines
    "ANALYSIS_OUTPUTS", "analysis_outputs",
    *_LAZY,
]


def __getattr__(name):
    # only writing a report needs matplotlib and friends: `hplab report index`, `study
    # show` and `train --no-report` use the names imported above and skip their cost
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return module if name == "design" else getattr(module, name)
    raise AttributeError(f"module 'reports' has no attribute {name!r}")


def __dir__():
    # the names imported on first use too: dir(), help() and a notebook's completion list
    # them (a module's own dir() holds only what is imported so far)
    return sorted({*globals(), *__all__})
