"""The public API's docstrings keep their numpydoc structure (QA session 36's docs review):
a Parameters section names only real parameters, in signature order; every public method
says what it does; the functions documented so far keep their Parameters sections; each
package's docstring points a user to the functions to call."""

import dataclasses
import importlib
import inspect

import pytest
from numpydoc.docscrape import NumpyDocString

PACKAGES = ("nets", "data", "study", "analyses", "reports")

#: functions and methods whose Parameters section names every parameter: this list
#: only grows
HAVE_PARAMETERS = (
    "analyses.GradientNoiseScale.measure", "analyses.against_first", "analyses.best_threshold",
    "analyses.capacity_sweep", "analyses.exact_noise_scale", "analyses.failed_runs",
    "analyses.fit_lr_exponent",
    "analyses.fit_scaling_law", "analyses.imbalance_benchmark", "analyses.load_variant",
    "analyses.lr_grid", "analyses.lr_range_test", "analyses.mccandlish_steps",
    "analyses.mean_ci", "analyses.noise_from_norms", "analyses.overlapping_best",
    "analyses.ramp_rates", "analyses.range_test", "analyses.refine_lr", "analyses.regimes",
    "analyses.run_tasks", "analyses.scaling_study", "analyses.suggest",
    "analyses.summarize_suggestions", "analyses.trim_curve", "analyses.tune_threshold",
    "analyses.unsettled_first", "analyses.verify_grid", "analyses.verify_runs",
    "analyses.verify_verdict", "data.describe_dataset", "data.describe_fetch",
    "data.fetch_mnist", "data.load",
    "data.model_data_changed", "data.model_data_paths", "data.model_data_seed", "data.read_idx",
    "nets.Head.delta", "nets.regression_r2", "study.enqueue_points",
    "study.parse_point", "study.point_problem", "nets.print_csv",
    "nets.Head.encode", "nets.Head.loss", "nets.MLP.backward",
    "nets.MLP.loss", "nets.MLP.loss_and_grads", "nets.NetClassifier", "nets.NetClassifier.fit",
    "nets.NetRegressor.fit", "nets.Optimizer.step", "nets.build_net", "nets.count_of",
    "nets.check_threshold", "nets.evaluate", "nets.export_onnx", "nets.finite_count",
    "nets.finite_float", "nets.finite_or_none", "nets.first_names", "nets.seeded_net",
    "nets.gradcheck", "nets.gradcheck_dataset", "nets.gradcheck_line", "nets.imbalance_metrics",
    "nets.learning_rate",
    "nets.load_model", "nets.make_imbalance_pipeline", "nets.make_optimizer", "nets.notice",
    "nets.set_notice_level",
    "nets.nothing_to_resample", "nets.predict_dataset", "nets.read_inputs", "nets.save_net",
    "nets.too_few_for_neighbours", "nets.train", "nets.unread_settings",
    "nets.write_atomically", "reports.Report.add_figure", "reports.Report.add_table",
    "reports.Report.set_provenance", "reports.Report.write", "reports.analysis_commands",
    "reports.balanced_accuracy", "reports.build_parser", "reports.parse_command",
    "reports.run_command",
    "reports.capacity_report",
    "reports.check_out_folder", "reports.check_study_report_folder", "reports.confusion_frame",
    "reports.decision_frame", "reports.find_study_report", "reports.held_results",
    "reports.hidden_space_frame", "reports.holding", "reports.imbalance_report",
    "reports.lr_range_report", "reports.per_class_frame", "reports.predict_lines",
    "nets.predict_summary", "reports.regression_frames",
    "reports.report_lags", "reports.samples_frame", "reports.scaling_report",
    "reports.study_report", "reports.study_report_folder", "reports.table_lines",
    "reports.train_into", "reports.train_lines", "reports.training_report",
    "reports.write_index", "study.TrialSeeded.after_trial",
    "study.TrialSeeded.sample_independent", "study.TrialSeeded.sample_relative",
    "study.build_config", "study.check_output_file", "study.create_or_resume",
    "study.export_csv", "study.files_left_beside", "study.fit_pipeline", "study.join_study",
    "study.load_spec", "study.local_workers",
    "study.open_storage", "study.parse_spec", "study.pipeline_metrics",
    "study.pipeline_train_run", "study.refuse_other_file", "study.resumable_spec",
    "study.run_study", "study.run_worker", "study.save_run_files", "study.searched_readers",
    "study.spec_to_run",
    "study.stop_reason", "study.stored_spec", "study.train_run", "study.trial_info",
    "study.unexplained_fail", "study.unstored_summary",
    "study.warn_if_eps_is_met_by_a_constant", "study.warn_if_start_kept",
    "nets.warn_if_units_start_alike",
    "nets.Activation.forward", "nets.Activation.backward", "nets.Callback.on_step",
    "nets.Callback.on_checkpoint", "nets.ParamSnapshots.on_checkpoint",
    "nets.ParamSnapshots.on_step", "nets.TrainConfig.replace", "nets.Dropout",
    "nets.Dropout.forward", "nets.Dropout.backward", "nets.BatchNorm", "nets.BatchNorm.forward",
    "nets.BatchNorm.backward", "nets.count_column", "nets.settings_from_json", "nets.verdict",
    "nets.Head.n_outputs", "nets.Head.output", "nets.Head.probabilities", "nets.Head.accuracy",
    "nets.load_net", "nets.model_file", "nets.MLP", "nets.MLP.copy", "nets.MLP.weights_of",
    "nets.MLP.forward", "nets.MLP.logits", "nets.MLP.output", "nets.MLP.predict_proba",
    "nets.MLP.predict", "nets.MLP.hidden", "nets.frame_csv", "nets.add_warning_filters",
    "nets.filtered_warnings", "nets.remove_warning_filters", "nets.HeldAttribute",
    "nets.Optimizer", "nets.Optimizer.decay", "nets.Optimizer.load_state_dict",
    "nets.add_penalties", "nets.TrainResult.column", "nets.TrainResult.final",
    "nets.batch_rows", "nets.epoch_steps", "nets.new_optimizer", "nets.train_streams",
    "nets.SavedModel.normalize", "nets.SavedModel.feature_columns", "nets.SavedModel.predict",
    "nets.SavedModel.predict_normalized", "nets.dataset_loss", "nets.predict_dataset_and_loss",
    "nets.got_type", "nets.threads_setting", "nets.check_folder_readable",
    "nets.NetClassifier.decision_function", "nets.NetClassifier.predict_proba",
    "nets.NetClassifier.predict_log_proba", "nets.NetClassifier.predict",
    "nets.NetRegressor.predict", "nets.save_estimator", "nets.AnomalyClassifier",
    "nets.AnomalyClassifier.fit", "nets.AnomalyClassifier.predict_proba",
    "nets.AnomalyClassifier.predict", "data.Dataset.inverse_y", "data.data_home",
    "study.run_record", "study.stage_run_files", "study.Objective",
    "study.ReportToTrial.on_checkpoint", "study.TrialSeeded", "study.TrialSeeded.before_trial",
    "study.TrialSeeded.infer_relative_search_space", "study.Param.suggest",
    "study.Param.grid_values", "study.Param.candidates", "study.Space.get",
    "study.Space.suggest", "study.Space.numeric_ranges", "study.Space.grid",
    "study.StudySpec.with_trials", "study.StorageURL.seen_from", "study.stale_trials",
    "study.open_study", "study.retried_numbers", "study.trial_outcome", "study.pipeline_seed",
    "analyses.CapacityResult.beats_mean", "analyses.CapacityResult.beats_majority",
    "analyses.CapacityResult.best_width", "analyses.unranked",
    "analyses.ImbalanceResult.ranking", "analyses.ImbalanceResult.confusion",
    "analyses.ramp_set", "analyses.GradientNoiseScale", "analyses.GradientNoiseScale.on_step",
    "analyses.ScalingFit.steps", "analyses.ScalingFit.examples", "analyses.rule_verdict",
    "reports.Report", "reports.Report.add_section", "reports.Report.add_text",
    "reports.Report.add_lead", "reports.Report.add_code", "reports.Report.add_links",
    "reports.Report.metadata", "reports.Report.linked_files", "reports.Report.html",
    "reports.unreadable", "reports.note_study_report", "reports.study_show",
    "reports.write_study_report", "reports.read_run", "reports.run_folder",
    "reports.compare_runs", "reports.comparison_report",
    "study.dataset_folder_name", "study.folder_name", "study.study_folder",
    "study.set_run_paths", "study.test_metrics", "study.metric_values", "study.trial_record",
    "study.make_pruner", "study.make_sampler", "study.trial_sampler_seed", "study.grid_points",
    "study.searched_values", "study.find_spec", "study.read_spec_file", "study.mask_url",
    "study.release", "study.list_studies", "study.open_study_storage", "study.show_study",
    "study.state_counts", "study.budget_used", "study.trial_times", "study.retries_of",
    "study.trial_version", "study.trial_checkout", "study.trial_status",
    "study.pipeline_val_scores", "study.positive_scores", "study.val_imbalance_metrics",
    "study.demo_spec",
    "data.class_weights", "data.absolute_name", "data.canonical_name", "data.check_sources",
    "data.expand_home", "data.option_text", "data.parse_name", "data.parse_ratio",
    "data.ratio_text", "data.same_ratio", "data.sha256_file", "data.source_paths",
    "data.with_options", "analyses.summarize_runs", "analyses.config_rmse",
    "analyses.target_scale", "analyses.parse_ratios", "analyses.seed_states",
    "analyses.training_budget", "analyses.default_batch_sizes", "analyses.best_per_batch",
    "analyses.median_steps_by_rate",
    "nets.get_activation", "nets.spread_over_training", "nets.training_progress",
    "nets.trivial_baseline", "nets.trivial_training_loss", "nets.json_file_text",
    "nets.read_json_file", "nets.settings_to_json", "nets.step_note", "nets.get_head",
    "nets.infer_head", "nets.starts_units_alike", "nets.is_model_file", "nets.write_csv",
    "nets.print_csv", "nets.own_defaults", "nets.weight_decay_of", "nets.is_stepwise",
    "nets.setting_readers", "nets.whole_steps", "nets.positive_class_scores",
    "nets.prediction_frame", "nets.prediction_records", "nets.regression_errors",
    "nets.score_prediction", "nets.version_text_of", "nets.worker_processes",
    "nets.compact_repr", "nets.resolve_strategies", "nets.check_sampling_ratio",
    "nets.net_params_from_config", "nets.over_default_net", "nets.binary_labels_and_scores",
    "nets.check_metric", "reports.analysis_outputs", "reports.history_frame",
    "reports.input_bounds", "reports.pick_snapshots", "reports.index_root",
    "reports.index_folder", "reports.remove_report", "reports.read_report_info",
    "reports.find_reports", "reports.scan_reports", "reports.current_study_report",
    "reports.study_report_lines",
    "nets.ParamSnapshots", "study.spec_toml", "study.ready_spec_text", "study.resolve_storage",
    "study.study_summary", "study.trial_versions", "study.library_sets", "study.same_libraries",
    "reports.study_cells_lines", "reports.compare_lines", "reports.comparison_dataset",
    "reports.comparison_name", "reports.capacity_lines", "reports.lr_range_lines",
    "reports.scaling_lines", "reports.imbalance_lines", "reports.spec_list_lines",
    "reports.study_lines", "reports.study_list_lines",
    "study.data_differs", "study.fixed_for_data", "study.keeps_heartbeats",
    "study.run_by_hplab", "study.copied_from_another_study", "study.flat_layout",
    "study.other_checkout", "study.ran_other_code", "study.told_while_running",
    "analyses.width_reach", "analyses.undertrained_words", "analyses.unranked_words",
    "analyses.few_positives_words", "analyses.positives_in_test_sets",
    "analyses.unchanged_runs", "analyses.unchanged_words", "analyses.distinct_runs",
    "analyses.tied_ranks", "analyses.at_ramp_start", "analyses.looper_rise_words",
    "analyses.no_stop_advice", "analyses.no_stop_words", "analyses.no_suggestion_reason",
    "analyses.plain_sgd_valley", "analyses.ramp_set_warning", "analyses.seeds_that_stopped",
    "analyses.shallow_descent", "analyses.smooth_curve", "analyses.in_python_words",
    "analyses.is_hplab_line", "analyses.words_for", "analyses.summary_slope_bound",
    "nets.check_net", "nets.check_config", "nets.check_optimizer", "nets.check_path",
    "nets.check_seed", "nets.check_callbacks", "nets.owner_and_mode", "nets.unreadable_why",
    "nets.user_name", "nets.with_owner", "nets.write_advice", "nets.stage_file",
    "nets.make_folder", "nets.and_list", "nets.error_line", "nets.escaped", "nets.folder_text",
    "nets.os_error_line", "nets.unprintable", "nets.say_above_bars", "nets.say_on_stderr",
    "nets.progress_bar", "nets.shell_line", "nets.shell_split", "nets.shell_word",
    "nets.wide_steps", "nets.is_whole", "nets.check_epochs", "nets.checkout_of",
    "nets.check_report_removable", "nets.files_folder_problem", "nets.is_report_page",
    "nets.remove_report_files", "nets.report_csvs", "nets.is_prediction_header",
    "nets.loadable_name", "reports.two_figures", "reports.enqueue_lines", "reports.text_width",
    "reports.export_queued_lines", "reports.holding_index", "study.grid_next_steps",
    "study.resumes", "study.budget_command", "study.unregistered_names",
    "study.unregistered_words", "study.spec_description", "study.check_storage_writable",
    "study.foreign_run_file", "study.holds_run_record", "study.ended_here",
    "study.ended_on_this_host", "study.running_here", "study.demo_running",
    "study.earlier_demo", "study.queued_point", "study.export_study",
    "nets.check_file_path", "nets.probe_write", "nets.check_writable", "nets.command_words",
    "nets.ask_owner", "analyses.seeds_compared", "analyses.slope_text", "reports.index_entry",
    "nets.check_type", "nets.decay_refusal", "nets.check_net_params", "nets.lines_carried",
    "nets.worker_as_parent", "nets.warn_replaced_built_ins", "nets.interrupt_main_soon",
    "nets.command_lines", "nets.warning_line", "study.resume_command", "study.ClaimLock",
    "study.ReportToTrial", "reports.ReportScan", "reports.IndexListing",
    "nets.unknown_name", "nets.check_dataset", "nets.print_file_text", "nets.check_csv_name",
    "nets.spreadsheet_cell", "nets.spreadsheet_safe", "nets.is_hplab_onnx", "study.join_data",
    "study.load_failure_text",
)

#: dataclasses whose Attributes section (numpydoc's convention for a dataclass) names every
#: field in field order, in place of a Parameters section: this list only grows
HAVE_ATTRIBUTES = (
    "analyses.CapacityResult", "analyses.ImbalanceResult", "analyses.LRRangeResult",
    "analyses.LrExponent", "analyses.RangeCurve", "analyses.ScalingResult",
    "analyses.ScalingFit", "data.Dataset", "nets.Prediction", "nets.SavedModel",
    "nets.Strategy", "nets.TrainConfig", "nets.TrainResult", "nets.TrainState",
    "reports.ComparedRun", "reports.IndexEntry", "reports.ReportInfo",
    "reports.RunComparison", "study.Param", "study.Space", "study.StorageURL",
    "study.StudySpec", "study.TrainRun", "nets.GradCheckResult",
)


def _public_callables():
    """(name as a user writes it, object): the five packages' functions and classes, and
    the classes' public methods; each object once."""
    seen = set()
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{package}.{name}", obj
            if inspect.isclass(obj):
                # its own methods and those its package's bases give it (MLP's loss and
                # backward are _Backprop's), each as the class finds it
                bases = [c for c in obj.__mro__ if c.__module__.split(".")[0] == package]
                for method in dict.fromkeys(m for c in bases for m in vars(c)):
                    member = inspect.getattr_static(obj, method)
                    if not method.startswith("_") and inspect.isfunction(member):
                        yield f"{package}.{name}.{method}", member


PUBLIC = dict(_public_callables())


def _signature_names(obj):
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):  # a class without an inspectable __init__
        return []
    return [p for p in signature.parameters if p not in ("self", "cls")]


def _documented_names(obj):
    # numpydoc lets one entry name several parameters ("X, y") and keeps "*args"'s star
    names = []
    for entry in NumpyDocString(inspect.getdoc(obj) or "")["Parameters"]:
        names += [part.strip().lstrip("*") for part in entry.name.split(",")]
    return names


def test_a_parameters_section_names_real_parameters_in_signature_order():
    # Objective's prose paragraph read as 6 parameters; gradcheck_dataset's init misplaced
    wrong = {}
    for name, obj in PUBLIC.items():
        documented, real = _documented_names(obj), _signature_names(obj)
        if [p for p in documented if p not in real] or \
                documented != sorted(documented, key=real.index):
            wrong[name] = (documented, real)
    assert wrong == {}


def test_every_public_method_has_a_docstring():
    bare = [name for name, obj in PUBLIC.items() if not inspect.getdoc(obj)]
    assert bare == []


def test_documented_functions_keep_every_parameter():
    # verify_verdict documented baseline only, decision_frame left out n_classes...
    partial = {name: (_documented_names(PUBLIC[name]), _signature_names(PUBLIC[name]))
               for name in HAVE_PARAMETERS}
    # each one's parameters its docstring leaves out (or both lists, if only the order is off)
    assert {name: [p for p in real if p not in documented] or (documented, real)
            for name, (documented, real) in partial.items() if documented != real} == {}


def _field_names(obj):
    # a private field (TrainState's _last_batch) is no attribute a user reads
    return [f.name for f in dataclasses.fields(obj) if not f.name.startswith("_")]


def _documented_attributes(obj):
    names = []
    for entry in NumpyDocString(inspect.getdoc(obj) or "")["Attributes"]:
        names += [part.strip() for part in entry.name.split(",")]
    return names


def test_an_attributes_section_of_a_dataclass_names_real_fields_in_field_order():
    # Dataset's named X_train, X_val, X_test before y_train, its fields' order X_train, y_train
    wrong = {}
    for name, obj in PUBLIC.items():
        if not (inspect.isclass(obj) and dataclasses.is_dataclass(obj)):
            continue
        documented, real = _documented_attributes(obj), _field_names(obj)
        if [a for a in documented if a not in real] or \
                documented != sorted(documented, key=real.index):
            wrong[name] = (documented, real)
    assert wrong == {}


def test_documented_dataclasses_keep_every_field():
    # a dataclass's fields are its parameters: its Attributes section names each, in order
    assert [n for n in HAVE_ATTRIBUTES if not dataclasses.is_dataclass(PUBLIC[n])] == []
    partial = {name: (_documented_attributes(PUBLIC[name]), _field_names(PUBLIC[name]))
               for name in HAVE_ATTRIBUTES}
    assert {name: [f for f in real if f not in documented] or (documented, real)
            for name, (documented, real) in partial.items() if documented != real} == {}


@pytest.mark.parametrize("package, entry_points", [
    ("study", ("load_spec", "run_study", "train_run", "open_study", "trial_info")),
    ("analyses", ("lr_range_test", "scaling_study", "capacity_sweep", "imbalance_benchmark")),
])
def test_a_package_docstring_names_the_functions_a_user_calls(package, entry_points):
    doc = importlib.import_module(package).__doc__
    assert [f for f in entry_points if f"`{f}`" not in doc] == []


def test_trial_info_names_every_key_and_status_of_a_record():
    # QA: help(study.trial_info) had no Parameters or Returns, though the README reads its
    # "status" (the keys of a real trial's record, and every status a run can end with)
    import nets
    import study
    from study._objective import trial_record
    from study._record import OWNER_KEYS

    returns = "\n".join(NumpyDocString(inspect.getdoc(study.trial_info))["Returns"][0].desc)
    run = study.train_run("coin", nets.TrainConfig(hidden=(2,), max_epochs=1))
    for key in (*trial_record(run, "pruned"), *OWNER_KEYS):
        assert f"``{key}``" in returns, key
    statuses = ("converged", "max_epochs", "early_stopped", "diverged", "stopped", "pruned",
                "error", "interrupted")
    assert [s for s in statuses if f"``{s}``" not in returns] == []
    assert "`OUTCOMES`" in returns


def test_netregressors_parameters_are_netclassifiers_without_class_weight():
    # as its docstring says, which has no Parameters section of its own (QA: a new
    # optimizer's setting reached both signatures, and neither docstring said it)
    documented = _documented_names(PUBLIC["nets.NetClassifier"])
    assert _signature_names(PUBLIC["nets.NetRegressor"]) == [
        p for p in documented if p != "class_weight"]


def test_make_optimizers_keyword_arguments_name_every_optimizer_setting():
    # its **kwargs entry lists them by hand: the constructors' arguments (nets/_optimizers.py)
    from nets._optimizers import ARGUMENTS

    (kwargs,) = [e for e in NumpyDocString(inspect.getdoc(PUBLIC["nets.make_optimizer"]))[
        "Parameters"] if e.name == "**kwargs"]
    listed = " ".join(kwargs.desc).split("(")[0]
    assert [a for a in ARGUMENTS.values() if a not in listed.replace(",", " ").split()] == []
