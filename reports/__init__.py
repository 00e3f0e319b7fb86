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

reports also holds the command line that ends in them (``_cli``: each ``hplab`` command's
flags beside what it does): hplab.py's main reads a command with `parse_command` (its
parser: `build_parser`) and runs it with `run_command`; `analysis_commands` names the
analyses among them.
"""

import importlib
import typing

if typing.TYPE_CHECKING:  # the names __getattr__ imports on first use, for type checkers
    from ._type_names import *  # noqa: F403

#: Where each name lives, imported with its first use (see __getattr__): what draws or
#: tabulates brings matplotlib, pandas and scikit-learn (~1.3 s), the rest nets and jinja2,
#: which a --help or a bad flag needs none of
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
    # the reports a folder holds, and its index
    **dict.fromkeys(("held_results", "unreadable"), "_held_results"),
    **dict.fromkeys(("holding_index", "index_root", "write_index"), "_index"),
    **dict.fromkeys(("IndexListing", "index_folder"), "_index_folder"),
    **dict.fromkeys(("IndexEntry", "index_entry"), "_index_record"),
    "remove_report": "_report_files",
    **dict.fromkeys(("ReportInfo", "read_report_info"), "_report_info"),
    **dict.fromkeys(("ReportScan", "find_reports", "scan_reports"), "_report_scan"),
    # a study's report per storage, and whether it lags the study
    **dict.fromkeys(("find_study_report", "study_report_folder"), "_study_folder"),
    **dict.fromkeys(("current_study_report", "report_lags"), "_study_lag"),
    # what the study commands read of a study's report, and write
    **dict.fromkeys(("note_study_report", "study_report_lines", "study_show",
                     "write_study_report"), "_study_commands"),
    # several training runs side by side (`hplab report compare`)
    **dict.fromkeys(("ComparedRun", "read_run", "run_folder"), "_compare_read"),
    **dict.fromkeys(("RunComparison", "compare_runs"), "_compare_data"),
    **dict.fromkeys(("compare_lines", "comparison_dataset", "comparison_name",
                     "comparison_report"),
                    "_compare_report"),
    # `hplab predict`'s lines
    "predict_lines": "_terminal_predict",
    # `hplab train`'s run, saved in place of an earlier one
    "train_into": "_train_command",
    # the folders commands write into: checked before the work, held while writing
    **dict.fromkeys(("check_out_folder", "check_study_report_folder", "holding"),
                    "_out_folder"),
    # what each command prints for people (its --json summary as lines)
    **dict.fromkeys(("capacity_lines", "lr_range_lines", "scaling_lines"),
                    "_terminal_analyses"),
    "imbalance_lines": "_terminal_imbalance",
    "export_queued_lines": "_outcome_words",
    **dict.fromkeys(("enqueue_lines", "spec_list_lines", "study_lines", "study_list_lines",
                     "train_lines", "two_figures"),
                    "_terminal"),
    **dict.fromkeys(("table_lines", "text_width"), "_text_columns"),
    # the command line over them all, hplab.py's (`_cli`: each command's flags beside what
    # it does); building its parser imports none of the packages
    **dict.fromkeys(("analysis_commands", "build_parser", "parse_command", "run_command"),
                    "_cli"),
}


def _on_first_call(name: str):
    """``reports.<name>`` (a report writer or lines of `_LAZY`), imported when first
    called."""

    def call(*args, **kwargs):
        return __getattr__(name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


#: Each analysis command's outputs: its report writer (``KIND_report``, loaded when a report
#: is written) and its printed lines (``KIND_lines``). The command line ends every analysis
#: with them.
ANALYSIS_OUTPUTS = {
    "capacity": (_on_first_call("capacity_report"), _on_first_call("capacity_lines")),
    "imbalance": (_on_first_call("imbalance_report"), _on_first_call("imbalance_lines")),
    "lr-range": (_on_first_call("lr_range_report"), _on_first_call("lr_range_lines")),
    "scaling": (_on_first_call("scaling_report"), _on_first_call("scaling_lines")),
}


def analysis_outputs(command: str):
    """``(report, lines)`` of analysis ``command`` (`ANALYSIS_OUTPUTS`); ValueError naming
    the analyses for any other.

    Parameters
    ----------
    command : str
        ``"lr-range"``, ``"scaling"``, ``"capacity"`` or ``"imbalance"``.
    """
    from nets import unknown_name

    if command not in ANALYSIS_OUTPUTS:
        raise ValueError(unknown_name("analysis", command, ANALYSIS_OUTPUTS))
    return ANALYSIS_OUTPUTS[command]


# each analysis command's report writer and lines, then the names imported on first use
# (_LAZY's, written out: pyright, VS Code's Pylance, reads only an __all__ of string
# literals; tests/test_typed.py keeps the two equal)
__all__ = [
    "ANALYSIS_OUTPUTS", "analysis_outputs", "design", "Report", "capacity_report",
    "imbalance_report", "lr_range_report", "scaling_report", "study_report", "study_cells_lines",
    "training_report", "decision_frame", "history_frame", "input_bounds", "regression_frames",
    "samples_frame", "balanced_accuracy", "confusion_frame", "per_class_frame",
    "hidden_space_frame", "pick_snapshots", "held_results", "unreadable", "holding_index",
    "index_root", "write_index", "IndexListing", "index_folder", "IndexEntry", "index_entry",
    "remove_report", "ReportInfo", "read_report_info", "ReportScan", "find_reports",
    "scan_reports", "find_study_report", "study_report_folder", "current_study_report",
    "report_lags", "note_study_report", "study_report_lines", "study_show", "write_study_report",
    "ComparedRun", "read_run", "run_folder", "RunComparison", "compare_runs", "compare_lines",
    "comparison_dataset", "comparison_name", "comparison_report", "predict_lines", "train_into",
    "check_out_folder", "check_study_report_folder", "holding", "capacity_lines", "lr_range_lines",
    "scaling_lines", "imbalance_lines", "export_queued_lines", "enqueue_lines", "spec_list_lines",
    "study_lines", "study_list_lines", "train_lines", "two_figures", "table_lines", "text_width",
    "analysis_commands", "build_parser", "parse_command", "run_command"
]


def __getattr__(name):
    # only writing a report needs matplotlib and friends: `hplab report index`, `study
    # show` and `train --no-report` import the modules of the names they use and skip it
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        value = globals()[name] = module if name == "design" else getattr(module, name)
        return value
    raise AttributeError(f"module 'reports' has no attribute {name!r}")


def __dir__():
    # the names imported on first use too: dir(), help() and a notebook's completion list
    # them (a module's own dir() holds only what is imported so far)
    return sorted({*globals(), *__all__})
