"""The names `reports.__getattr__` imports on first use (`_LAZY`), imported at once for type
checkers only: ``reports/__init__.py`` star-imports this module under ``TYPE_CHECKING``, so
a user's mypy or pyright sees their signatures, not the ``Any`` of a module
``__getattr__``. tests/test_typed.py keeps it equal to `_LAZY`."""

from . import design as design
from ._capacity_report import capacity_report as capacity_report
from ._class_scores import (
    balanced_accuracy as balanced_accuracy,
    confusion_frame as confusion_frame,
    per_class_frame as per_class_frame,
)
from ._cli import (
    analysis_commands as analysis_commands,
    build_parser as build_parser,
    parse_command as parse_command,
    run_command as run_command,
)
from ._compare_data import RunComparison as RunComparison, compare_runs as compare_runs
from ._compare_read import (
    ComparedRun as ComparedRun,
    read_run as read_run,
    run_folder as run_folder,
)
from ._compare_report import (
    compare_lines as compare_lines,
    comparison_dataset as comparison_dataset,
    comparison_name as comparison_name,
    comparison_report as comparison_report,
)
from ._core import Report as Report
from ._held_results import held_results as held_results, unreadable as unreadable
from ._hidden_space import (
    hidden_space_frame as hidden_space_frame,
    pick_snapshots as pick_snapshots,
)
from ._imbalance_report import imbalance_report as imbalance_report
from ._index import (
    holding_index as holding_index,
    index_root as index_root,
    write_index as write_index,
)
from ._index_folder import IndexListing as IndexListing, index_folder as index_folder
from ._index_record import IndexEntry as IndexEntry, index_entry as index_entry
from ._lr_range_report import lr_range_report as lr_range_report
from ._out_folder import (
    check_out_folder as check_out_folder,
    check_study_report_folder as check_study_report_folder,
    holding as holding,
)
from ._outcome_words import export_queued_lines as export_queued_lines
from ._report_files import remove_report as remove_report
from ._report_info import ReportInfo as ReportInfo, read_report_info as read_report_info
from ._report_scan import (
    ReportScan as ReportScan,
    find_reports as find_reports,
    scan_reports as scan_reports,
)
from ._scaling_report import scaling_report as scaling_report
from ._study_cells_text import study_cells_lines as study_cells_lines
from ._study_commands import (
    note_study_report as note_study_report,
    study_report_lines as study_report_lines,
    study_show as study_show,
    write_study_report as write_study_report,
)
from ._study_folder import (
    find_study_report as find_study_report,
    study_report_folder as study_report_folder,
)
from ._study_lag import current_study_report as current_study_report, report_lags as report_lags
from ._study_report import study_report as study_report
from ._terminal import (
    enqueue_lines as enqueue_lines,
    spec_list_lines as spec_list_lines,
    study_lines as study_lines,
    study_list_lines as study_list_lines,
    train_lines as train_lines,
    two_figures as two_figures,
)
from ._terminal_analyses import (
    capacity_lines as capacity_lines,
    lr_range_lines as lr_range_lines,
    scaling_lines as scaling_lines,
)
from ._terminal_imbalance import imbalance_lines as imbalance_lines
from ._terminal_predict import predict_lines as predict_lines
from ._text_columns import table_lines as table_lines, text_width as text_width
from ._train_command import train_into as train_into
from ._training import training_report as training_report
from ._training_data import (
    decision_frame as decision_frame,
    history_frame as history_frame,
    input_bounds as input_bounds,
    regression_frames as regression_frames,
    samples_frame as samples_frame,
)
