"""study: training runs and Optuna searches over their hyperparameters.

One run: `train_run` loads a dataset (a name `data.load` takes, or a `data.Dataset`),
trains a net of a `nets.TrainConfig` on it, scores the test set and, given ``out``, saves
``model.npz``, ``history.csv`` and ``config.json`` there.

A search: a spec names the dataset, the space searched, the metrics, the sampler and the
pruner (`load_spec` reads a ready one, ``"coin"``, or a TOML file; `parse_spec` a dict).
`run_study` creates or resumes its study in a storage (default ``runs/hplab.db``; every
form `resolve_storage` takes) and returns its `study_summary`; `join_study` adds workers
to a stored study from another shell or machine; `enqueue_points` queues chosen points
as a study's next trials (creating the study of a spec first).

Reading a stored study: `open_study` (Optuna's ``Study``: writes through it are stored),
`show_study`, `list_studies`, `trial_info` (one trial's record: ``status``, ``reason``,
metrics...), `trial_outcome` (what hplab calls the trial: diverged, retried...) and
`export_csv`. A study's HTML report is the reports package's (``hplab
study report``)::

    import nets, study
    run = study.train_run("coin", nets.TrainConfig(hidden=(16,), lr=0.5), seed=0)
    run.test_metrics                          # {'test_loss': ..., 'test_accuracy': ...}
    summary = study.run_study("coin")         # the ready spec, into runs/hplab.db
    optuna_study, where = study.open_study("coin")
    [study.trial_info(t)["status"] for t in optuna_study.trials]
"""

import data
import nets
from nets import (
    train_streams,  # re-exported: the streams of a run, and of trial k
    warn_if_units_start_alike,  # re-exported: study named it first
)

from . import _registry
from ._budget import budget_used, retried_numbers
from ._claim_lock import ClaimLock
from ._create import create_or_resume
from ._demo import DEMO, demo_spec, earlier_demo
from ._demo_lock import demo_running
from ._enqueue import ENQUEUED_ATTR, enqueue_points
from ._errors import SpecError, StorageAbsent, StorageError
from ._export import export_csv, export_study
from ._folders import (
    MAX_NAME_BYTES,
    RESULT_FILES,
    RESULT_FOLDERS,
    RUNS,
    dataset_folder_name,
    files_left_beside,
    folder_name,
    foreign_run_file,
    holds_run_record,
    study_folder,
)
from ._grid_points import grid_next_steps, grid_points
from ._objective import Objective
from ._open_study import open_study, open_study_storage
from ._outcome import OUTCOMES, trial_outcome
from ._output_file import check_output_file, refuse_other_file
from ._pipeline_run import (
    fit_pipeline,
    pipeline_metrics,
    pipeline_seed,
    pipeline_train_run,
    pipeline_val_scores,
    positive_scores,
    val_imbalance_metrics,
)
from ._points import POINT_ATTR, parse_point, point_problem, queued_point
from ._pruner_budget import startup_budget
from ._ready_name import resume_command
from ._record import (
    CREATED_ATTR,
    RECORD_ATTR,
    SPARE_RECORD_ATTR,
    copied_from_another_study,
    flat_layout,
    run_by_hplab,
    told_while_running,
    trial_info,
    trial_status,
)
from ._registry import (
    METRICS,
    PRUNERS,
    SAMPLERS,
    PrunerEntry,
    SamplerEntry,
    make_pruner,
    make_sampler,
    quiet_optuna,
)
from ._report_to_trial import ReportToTrial
from ._resumes import RESUMES_KEPT, budget_command, resumes
from ._run import join_study, local_workers, run_study
from ._run_data import data_differs, join_data, load_failure_text
from ._run_files import run_record, save_run_files, set_run_paths, stage_run_files
from ._run_record import metric_values, trial_record
from ._space import Param, Space
from ._space_parse import fixed_for_data, unregistered_names, unregistered_words
from ._space_reads import searched_readers
from ._spec import StudySpec, parse_spec
from ._spec_files import SPECS_DIR, find_spec, load_spec, read_spec_file, spec_names
from ._spec_list import ready_spec_text, ready_specs
from ._spec_study_table import MAX_TRIALS, spec_description
from ._spec_to_run import resumable_spec, spec_to_run
from ._spec_toml import spec_toml
from ._stale_trials import stale_trials
from ._stop_reason import retries_of, stop_reason, unexplained_fail
from ._storage import open_storage, release
from ._storage_files import check_storage_writable
from ._storage_url import DEFAULT_STORAGE, StorageURL, resolve_storage
from ._stored_spec import stored_spec
from ._stored_studies import list_studies, show_study
from ._study_versions import (
    VERSIONS_ATTR,
    library_sets,
    other_checkout,
    ran_other_code,
    same_libraries,
    trial_checkout,
    trial_version,
    trial_versions,
)
from ._summary import (
    keeps_heartbeats,
    state_counts,
    study_summary,
    unstored_summary,
)
from ._train_advice import warn_if_eps_is_met_by_a_constant, warn_if_start_kept
from ._train_run import TrainRun, test_metrics, train_run
from ._trial_config import build_config, searched_values
from ._trial_seeded import TrialSeeded, trial_sampler_seed
from ._trial_times import trial_times
from ._url_masking import mask_url
from ._who import trial_people, trial_who
from ._worker import (
    COMMAND_ATTR,
    RESUMED_ATTR,
    SPEC_ATTR,
    STOPPED_ATTR,
    HeldInterrupts,
    run_worker,
)
from ._worker_identity import ended_here, ended_on_this_host, running_here, worker_id

# a set a script registered (data.register_dataset) goes to the pool's workers with its tasks
nets.carry_registry("data.DATASETS", data.DATASETS, data.BUILT_IN_DATASETS)
# ... and a sampler or pruner it added to study.SAMPLERS or study.PRUNERS
nets.carry_registry("study.SAMPLERS", SAMPLERS, _registry.BUILT_IN_SAMPLERS)
nets.carry_registry("study.PRUNERS", PRUNERS, _registry.BUILT_IN_PRUNERS)

__all__ = [
    "MAX_NAME_BYTES", "MAX_TRIALS", "spec_description", "RESULT_FILES", "RESULT_FOLDERS",
    "RUNS", "dataset_folder_name", "folder_name",
    "foreign_run_file",
    "study_folder", "files_left_beside", "holds_run_record",
    "TrainRun", "run_record", "save_run_files", "set_run_paths", "stage_run_files",
    "test_metrics", "train_run", "train_streams",
    # training advice: what a run's settings against its data, or its end, warn of
    "warn_if_eps_is_met_by_a_constant", "warn_if_start_kept", "warn_if_units_start_alike",
    "SpecError", "StorageError", "Objective", "ReportToTrial", "metric_values", "trial_record",
    "METRICS", "PRUNERS", "SAMPLERS", "PrunerEntry", "SamplerEntry", "make_pruner",
    "make_sampler", "quiet_optuna",
    "TrialSeeded", "trial_sampler_seed",
    "create_or_resume", "resumable_spec", "resume_command", "spec_to_run",
    "data_differs",
    "join_data",
    "load_failure_text",
    "join_study", "local_workers", "run_study", "enqueue_points", "POINT_ATTR", "parse_point",
    "queued_point", "point_problem", "stored_spec", "unregistered_names", "Param",
    "Space",
    "unregistered_words",
    "build_config", "fixed_for_data",
    "grid_points", "grid_next_steps",
    "searched_readers", "searched_values", "SPECS_DIR",
    "StudySpec", "find_spec", "load_spec", "parse_spec", "read_spec_file", "spec_names",
    "ready_specs", "spec_toml",
    "ready_spec_text",
    "DEFAULT_STORAGE",
    "ClaimLock", "StorageURL", "check_storage_writable",
    "mask_url", "open_storage", "release", "resolve_storage",
    "check_output_file", "export_csv", "export_study", "keeps_heartbeats", "list_studies",
    "stale_trials",
    "open_study", "open_study_storage",
    "refuse_other_file",
    "show_study",
    "state_counts", "study_summary", "unstored_summary", "StorageAbsent", "SPEC_ATTR",
    "COMMAND_ATTR", "CREATED_ATTR", "ENQUEUED_ATTR", "RESUMED_ATTR", "STOPPED_ATTR",
    "HeldInterrupts",
    "RESUMES_KEPT", "budget_command", "resumes",
    "budget_used", "retried_numbers", "startup_budget", "run_worker", "RECORD_ATTR", "run_by_hplab",
    "SPARE_RECORD_ATTR", "copied_from_another_study", "flat_layout", "trial_info", "trial_times",
    "retries_of", "stop_reason", "unexplained_fail", "VERSIONS_ATTR", "trial_version",
    "trial_versions", "trial_checkout", "other_checkout", "ran_other_code", "library_sets",
    "same_libraries",
    "trial_status", "told_while_running", "OUTCOMES", "trial_outcome", "ended_here",
    "ended_on_this_host",
    "running_here",
    "worker_id",
    "trial_who",
    "trial_people",
    "fit_pipeline", "pipeline_metrics", "pipeline_seed", "pipeline_train_run",
    "pipeline_val_scores", "positive_scores",
    "val_imbalance_metrics",
    "DEMO", "demo_running", "demo_spec", "earlier_demo",
]
