"""hplab's reports: self-contained HTML reports and the index that lists them.

A new report (study, lr-range, scaling...) is a data function, a drawing function and a
few builder calls::

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
of the report folder's parent), see :func:`index_root`; ``hplab report index DIR`` rebuilds
any index by hand.
"""

from . import design
from ._capacity_report import capacity_report
from ._core import Report, remove_report
from ._imbalance_report import imbalance_report
from ._index import (
    ReportInfo,
    find_reports,
    held_results,
    index_root,
    read_report_info,
    write_index,
)
from ._lr_range_report import lr_range_report
from ._scaling_report import scaling_report
from ._study_folder import find_study_report, study_report_folder
from ._study_report import report_lags, study_report
from ._training import training_report
from ._training_data import (
    confusion_frame,
    decision_frame,
    hidden_space_frame,
    history_frame,
    input_bounds,
    per_class_frame,
    pick_snapshots,
    regression_frames,
    samples_frame,
)

__all__ = [
    "Report", "ReportInfo", "confusion_frame", "decision_frame", "design", "find_reports",
    "hidden_space_frame", "history_frame", "index_root", "input_bounds", "per_class_frame",
    "held_results", "pick_snapshots", "read_report_info", "regression_frames", "samples_frame",
    "scaling_report", "study_report", "training_report", "write_index", "remove_report",
]
__all__ += ["imbalance_report"]  # hplab imbalance
__all__ += ["capacity_report", "lr_range_report"]  # hplab capacity, hplab lr-range
# a study's report per storage, and whether it lags the study
__all__ += ["find_study_report", "report_lags", "study_report_folder"]
