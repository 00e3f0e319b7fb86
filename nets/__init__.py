"""nets: multi-layer perceptrons from scratch in NumPy.

Dense layers with per-layer activations, heads with matched losses,
initializers, optimizers, learning-rate schedules, dropout, batch norm and weight penalties, a
training loop with checkpoints and callbacks, a gradient check, ``.npz`` persistence,
scikit-learn estimators and the imbalance strategies' imbalanced-learn pipelines around
them (with their scores), prediction from saved models and ONNX export (``onnx``
imported only when exporting), and hplab's notices on stderr through ``logging``'s
``"hplab"`` logger (`set_notice_level`, `disable_default_notice_handler`,
`enable_notice_propagation`). Imports neither optuna nor matplotlib.
"""

import importlib
import typing

from ._activations import ACTIVATIONS, Activation, get_activation
from ._arg_types import check_config, check_net, check_optimizer, check_path
from ._baseline import trivial_baseline, trivial_training_loss
from ._batch_norm import BatchNorm
from ._blas_settings import threads_setting
from ._build import build_net, check_seed, new_optimizer, seeded_net, train_streams
from ._callbacks import (
    Callback,
    ParamSnapshots,
    TrainState,
    check_callbacks,
    spread_over_training,
    training_progress,
)
from ._carried import (
    USER_REGISTRIES,
    carried_to_workers,
    carry_registry,
    warn_replaced_built_ins,
    worker_as_parent,
)
from ._command_lines import (
    carried_lines,
    command_lines,
    command_name,
    drop_held_warnings,
    in_command,
    lines_carried,
    release_warnings,
    warning_line,
)
from ._config import TrainConfig
from ._dropout import Dropout
from ._evaluate import evaluate
from ._file_access import (
    ask_owner,
    check_folder_readable,
    owner_and_mode,
    unreadable_why,
    user_name,
    with_owner,
    write_advice,
)
from ._files import print_file_text, stage_file, write_atomically, writing_standard_output
from ._finite import (
    count_column,
    finite_count,
    finite_float,
    finite_or_none,
    json_file_text,
    parse_number,
    read_json_file,
    settings_from_json,
    settings_to_json,
)
from ._gradcheck import GradCheckResult, gradcheck, gradcheck_dataset, gradcheck_line
from ._gradcheck_verdict import STEP_RANGE, step_note, verdict
from ._heads import HEADS, Head, get_head, infer_head
from ._held_attribute import HeldAttribute
from ._imbalance_registry import BUILT_IN_STRATEGIES, STRATEGIES, Strategy, resolve_strategies
from ._init import (
    DRAWS as INIT_DRAWS,
    INITIALIZERS,
    SAME_UNITS_TEXT,
    starts_units_alike,
    warn_if_units_start_alike,
)
from ._io import is_model_file, load_net, model_file, save_net
from ._load_model import load_model
from ._model import MLP
from ._notices import (
    NOTICE_LOGGER,
    disable_default_notice_handler,
    disable_notice_propagation,
    enable_default_notice_handler,
    enable_notice_propagation,
    get_notice_level,
    notice,
    set_notice_level,
)
from ._onnx import ONNX_OUTPUTS, export_onnx, is_hplab_onnx
from ._optimizers import (
    OPTIMIZERS,
    OWN_DEFAULTS,
    Optimizer,
    decay_refusal,
    make_optimizer,
    own_defaults,
    weight_decay_of,
)
from ._penalties import add_penalties
from ._predict import Prediction, SavedModel
from ._predict_dataset import dataset_loss, predict_dataset, predict_dataset_and_loss
from ._predict_io import read_inputs
from ._predict_scores import (
    POSITIVE_SCORES,
    is_prediction_header,
    net_r2,
    positive_class_scores,
    prediction_frame,
    prediction_records,
    regression_errors,
    regression_r2,
    score_prediction,
)
from ._predict_summary import predict_summary
from ._printable import (
    and_list,
    count_of,
    error_line,
    escaped,
    first_names,
    folder_text,
    os_error_line,
    unprintable,
)
from ._progress_bar import progress_bar, say_above_bars, say_on_stderr, stderr_is_a_terminal
from ._report_files import (
    REPORT_MARK,
    check_report_removable,
    files_folder_problem,
    is_report_page,
    remove_report_files,
    report_csvs,
)
from ._repr import compact_repr
from ._rules import (
    MAX_DEPTH,
    MAX_EPOCHS,
    check_dataset,
    check_epochs,
    check_type,
    got_type,
    loadable_name,
    unknown_name,
)
from ._safe_cells import spreadsheet_cell, spreadsheet_safe
from ._schedules import RATES as SCHEDULE_RATES, SCHEDULES, is_stepwise, learning_rate
from ._settings_read import SETTINGS_READ, setting_readers, unread_settings
from ._shell_words import command_words, shell_line, shell_split, shell_word
from ._steps import batch_rows, epoch_steps, whole_steps
from ._strategy_register import SAMPLER_KINDS, register_strategy
from ._threads import SMALL_STEP_FLOPS, blas_threads, cores, wide_steps, worker_processes
from ._threshold import check_threshold
from ._train import train
from ._train_result import HISTORY_COLUMNS, TrainResult
from ._user_line import user_stacklevel
from ._validation import is_whole
from ._versions import (
    checkout_of,
    hplab_checkout,
    hplab_version,
    library_versions,
    version_text,
    version_text_of,
    versions,
)
from ._warning_filters import add_warning_filters, filtered_warnings, remove_warning_filters
from ._write_csv import check_csv_name, csv_endings, frame_csv, print_csv, write_csv
from ._write_paths import check_file_path, check_writable, make_folder, probe_write

if typing.TYPE_CHECKING:  # the names __getattr__ imports on first use, for type checkers
    from ._type_names import *  # noqa: F403

# INIT_DRAWS and SCHEDULE_RATES: the words of what each initializer draws and each
# schedule's rate, keyed by the registries' entries (`hplab --init` and `--schedule` say
# them after each name)

#: module -> the names the package takes from it when first asked (scikit-learn's users,
#: and joblib's: the local pools of a study's workers and the analyses' runs)
_LAZY = {
    "_pool": ("HeldStartLoky", "interrupt_main_soon", "release_interrupts"),
    "_sklearn": ("NetClassifier", "NetRegressor"),
    "_net_estimator": ("save_estimator",),
    # imbalanced data: the remedies as imbalanced-learn pipelines, and their scores (the
    # imbalance benchmark of analyses and the studies that search strategies share them);
    # their defaults apart, read without scikit-learn (`hplab imbalance --help` shows them)
    "_imbalance_defaults": ("DEFAULT_NET", "DEFAULT_SAMPLING_RATIO"),
    "_imbalance_strategies": ("PIPELINE_NET_PARAMS", "AnomalyClassifier", "check_net_params",
                              "check_sampling_ratio", "make_imbalance_pipeline",
                              "net_params_from_config", "over_default_net"),
    # what a sampler would refuse (numpy alone, but asked only where the pipelines are)
    "_sampler_checks": ("nothing_to_resample", "too_few_for_neighbours"),
    "_imbalance_scores": ("CONFUSION", "IMBALANCE_METRICS", "binary_labels_and_scores",
                          "check_metric", "imbalance_metrics"),
}

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation", "Callback", "ParamSnapshots", "TrainState",
    "spread_over_training", "training_progress",
    "TrainConfig", "Dropout", "BatchNorm", "count_column", "finite_count", "finite_float",
    "trivial_baseline", "trivial_training_loss",
    "finite_or_none", "json_file_text", "parse_number", "read_json_file", "settings_from_json",
    "settings_to_json",
    "progress_bar",
    "say_on_stderr",
    "say_above_bars", "stderr_is_a_terminal", "NOTICE_LOGGER", "notice", "set_notice_level",
    "get_notice_level", "disable_default_notice_handler", "enable_default_notice_handler",
    "enable_notice_propagation", "disable_notice_propagation", "carried_lines", "command_lines",
    "command_name",
    "in_command", "drop_held_warnings", "release_warnings",
    "lines_carried", "USER_REGISTRIES", "carried_to_workers", "carry_registry", "worker_as_parent",
    "warn_replaced_built_ins",
    "warning_line", "GradCheckResult", "gradcheck",
    "gradcheck_dataset", "gradcheck_line", "STEP_RANGE", "step_note", "verdict", "HEADS",
    "Head", "get_head", "infer_head", "INITIALIZERS", "INIT_DRAWS", "SAME_UNITS_TEXT",
    "starts_units_alike", "warn_if_units_start_alike",
    "is_model_file", "load_net", "model_file", "save_net",
    "MLP", "check_file_path", "check_writable", "make_folder", "print_file_text", "probe_write",
    "stage_file", "write_atomically", "write_csv", "writing_standard_output",
    "check_csv_name", "csv_endings", "frame_csv", "spreadsheet_cell", "spreadsheet_safe",
    "print_csv",
    "add_warning_filters", "filtered_warnings", "remove_warning_filters", "HeldAttribute",
    "OPTIMIZERS", "OWN_DEFAULTS", "Optimizer", "make_optimizer", "own_defaults", "add_penalties",
    "decay_refusal", "weight_decay_of",
    "SCHEDULES", "SCHEDULE_RATES", "is_stepwise", "learning_rate", "SETTINGS_READ",
    "setting_readers", "unread_settings",
    "HISTORY_COLUMNS", "TrainResult", "build_net", "batch_rows", "epoch_steps", "evaluate",
    "new_optimizer",
    "seeded_net", "train",
    "check_callbacks", "check_seed", "train_streams", "whole_steps",
    "Prediction", "SavedModel", "check_threshold", "load_model", "ONNX_OUTPUTS", "export_onnx",
    "is_hplab_onnx",
    "predict_dataset", "dataset_loss", "predict_dataset_and_loss", "predict_summary",
    "POSITIVE_SCORES", "positive_class_scores",
    "is_prediction_header", "prediction_frame", "prediction_records", "read_inputs",
    "regression_errors", "regression_r2", "net_r2",
    "score_prediction",
    "checkout_of", "hplab_checkout", "hplab_version", "version_text", "version_text_of",
    "versions", "library_versions",
    "is_whole", "MAX_DEPTH", "MAX_EPOCHS", "check_dataset", "check_epochs", "check_type",
    "got_type",
    "loadable_name",
    "check_config", "check_net", "check_optimizer", "check_path",
    "unknown_name",
    "blas_threads", "threads_setting", "wide_steps",
    "cores", "worker_processes",
    "SMALL_STEP_FLOPS", "compact_repr", "user_stacklevel",
    "REPORT_MARK", "check_report_removable", "files_folder_problem", "is_report_page",
    "remove_report_files", "report_csvs",
    "and_list", "command_words", "count_of", "error_line", "escaped", "shell_line",
    "shell_split", "shell_word",
    "first_names", "folder_text", "os_error_line", "unprintable",
    "owner_and_mode", "user_name", "unreadable_why", "with_owner", "write_advice",
    "check_folder_readable", "ask_owner",
    "STRATEGIES", "BUILT_IN_STRATEGIES", "SAMPLER_KINDS", "Strategy", "register_strategy",
    "resolve_strategies",
    # _LAZY's names, written out: pyright (VS Code's Pylance) reads only an __all__ of
    # string literals (tests/test_typed.py keeps the two equal)
    "HeldStartLoky", "interrupt_main_soon", "release_interrupts", "NetClassifier", "NetRegressor",
    "save_estimator", "DEFAULT_NET", "DEFAULT_SAMPLING_RATIO", "PIPELINE_NET_PARAMS",
    "AnomalyClassifier", "check_net_params", "check_sampling_ratio", "make_imbalance_pipeline",
    "net_params_from_config", "over_default_net", "nothing_to_resample", "too_few_for_neighbours",
    "CONFUSION", "IMBALANCE_METRICS", "binary_labels_and_scores", "check_metric",
    "imbalance_metrics"
]


def __getattr__(name):
    # scikit-learn costs ~1.5 s to import; of nets, only the estimators, the imbalance
    # pipelines and their scores need it, so `import nets` (every command, a --help too)
    # skips it. A training run mostly pays it anyway: data holds out a validation split
    # with scikit-learn's train_test_split (coin, digits, a CSV...; not xor, whose
    # validation set is its training set). joblib (~0.05 s) only a pool needs.
    for module, names in _LAZY.items():
        if name in names:
            return getattr(importlib.import_module(f"{__name__}.{module}"), name)
    raise AttributeError(f"module 'nets' has no attribute {name!r}")


def __dir__():
    # the names imported on first use too: dir(), help() and a notebook's completion list
    # them (a module's own dir() holds only what is imported so far)
    return sorted({*globals(), *__all__})
