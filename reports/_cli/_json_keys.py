"""What each command's --json prints, said in its --help: the keys are a contract, kept
from version to version."""


# A key's type is one type in every command that prints it; where a name means another
# thing elsewhere (seeds, classes), or a value holds one number or a list (best_value), its
# description says which
_BEST_VALUE = ("best_value (the best trial's value, a number; with several metrics a list, "
               "the values on every metric of the front's member best on the first)")
_STUDY_SUMMARY = (
    "study, storage (password masked), heartbeats (true when the storage keeps trial "
    "heartbeats, a database: a stopped worker's trials are failed and run again; false on "
    "a journal, which closes them as interrupted), dataset, metrics, directions, "
    "n_trials (the budget), "
    "the counts n_finished, n_complete, n_pruned, n_diverged, n_fail, n_error, "
    "n_interrupted, n_retried, n_running, n_stale (of the n_running, those whose worker "
    "stopped: no heartbeat for study.grace_period, or a process of this machine that ended; "
    "the next run or worker closes them: failed and run again where heartbeats is true, "
    "closed as interrupted on a journal (failed, one no worker entered), a new trial in "
    "each one's place), "
    f"n_waiting, {_BEST_VALUE}, "
    "best_params, best_trial, "
    "pareto_front (a study of several metrics only: the trials on its front, by "
    "number, values in the metrics' order) [{number, values, params}], "
    "problems [{number, state, status, reason}], "
    "created (when the study was made, and a tag telling it from a later study of the same "
    "name), report_path, hplab_versions [{version, checkout, n_trials}] (the hplab "
    "versions that ran its trials, in the order of their first trial, version null for "
    "those of an hplab before trials recorded it, with the git "
    "checkout each ran from where that is other code than the version names: 12 hex "
    "digits, -dirty added for uncommitted changes, else null; two or more when it was "
    "resumed after an upgrade or from another checkout), library_versions [{python, numpy, "
    "scikit-learn, optuna, scipy, imbalanced-learn, BLAS kernels}] (the Python and library "
    "versions its trials ran on, and the processor kernels NumPy's BLAS chose, as the study "
    "stored them, oldest first, each named where recorded: a record from before scipy, "
    "imbalanced-learn and the kernels were recorded lacks them; empty for "
    "a study from before hplab stored them; two or more when it was resumed with other "
    "libraries)")
_STOPPED = ('stopped (null, "timeout", or what stopped the run: "interrupted", "terminated", '
            '"hung up"; then no report is written and the exit code is 130, 143 or 129; '
            'seconds is then the time until the stop, waits for a lock included; stopped '
            'before the study was stored, the same keys say that none ran: every count 0, '
            'created null, seconds 0; stopped as the command starts, before it has loaded '
            'its modules and read its spec, nothing is printed)')
# a study run's time: its trials' (the report's, retraining the best trial, is said apart)
_TRIALS_SECONDS = ("seconds (the time its trials took, 0 when it started none; the report's "
                   "is not in it)")
# every command that writes a report (exit code 2 when it could not: the work is done, stored
# and printed all the same)
REPORT_ERROR = ("report_error (null, or why the report could not be written: the exit code "
                 "is then 2, with this JSON printed all the same)")
# What each command's --json prints, said in its --help (lr-range, scaling and capacity
# say it in their own descriptions): the keys are a contract, kept from version to version
JSON_KEYS = {
    ("train",): "dataset (the name as typed; the model file and config.json hold it with "
                "absolute paths), name, seed, data_seed (the split's and a generated set's; "
                "--data-seed, else --seed), status (converged, max_epochs, early_stopped, "
                "diverged, stopped), reason, epochs, iterations, n_parameters, train_loss, "
                "train_accuracy, val_loss, val_accuracy, test_loss, test_accuracy, test_rmse "
                "and test_mae (regression, in the target's units; else null), seconds, "
                f"model_path, history_path, report_path, {REPORT_ERROR}",
    ("gradcheck",): "dataset, relative_difference, verdict (excellent, acceptable, "
                    "suspicious or wrong: exit code 0 whatever it is), n_parameters, note "
                    "(null, or why the verdict may be the step's: --h outside 1e-7 to 1e-4; "
                    "also on stderr), and the settings checked: hidden, activation, init, "
                    "seed, n_samples (the rows checked: --samples, at most the training "
                    "split's), h, dropout, batch_norm, l2, l1",
    ("data", "list"): "a list, one object per dataset: name, kind, task, description, "
                      "features (a count), classes (a count: data show's n_classes, 0 for "
                      "regression), n_train, n_val, n_test (null where a path form's are "
                      "unknown)",
    ("data", "show"): "name, task, n_features, n_classes, classes (the labels, a list; "
                      "empty for regression), sizes {train, val, test}, "
                      "class_counts {train, val, test: a count per class, in classes' order; "
                      "null for regression}, "
                      "y_shift and y_scale (a regression target's scaling; null for "
                      "classification), info {source, "
                      "scaling, merge_scaling, pixel_max, pixel_min, test_from (where the test "
                      "split comes from: \"held out 0.2\" of the set, its own test \"file\", "
                      "\"generated\" apart by a generated set, or \"train\", the training "
                      "set itself: xor), ...; files: for csv: and npz: a list of paths "
                      "(the training file, then the test file if given), for idx: and mnist "
                      "an object {train_images, train_labels, test_images, test_labels} of "
                      "the file names read in folder (the folder's path); a CSV's ignored: "
                      "the columns ?ignore= left out}, feature_names (the columns a model "
                      "of it takes, in order)",
    ("data", "fetch"): "dataset, dest, url, verified, files [{name, bytes, sha256}]",
    ("report", "index"): "index_path, n_reports, reports [{path, kind, name, title, created, "
                         "status, headline [{label, text}] (its cards), detail (the line "
                         "under its row's headline: a "
                         "training run's settings, a study's best parameters, a comparison's "
                         "best validation score and the settings its runs differ in, an "
                         "lr-range test's verified best rate where its suggestion was off "
                         "target; else null), run (the training run it shows, a study's its "
                         "best model: record, "
                         "its config.json, and from it dataset, seed, data_seed, status, "
                         "epochs, train_loss, train_accuracy, val_loss, val_accuracy, "
                         "test_loss, test_accuracy, test_rmse, test_mae, config and hplab, "
                         "the version that trained it; null for other reports), missing "
                         "(the files it links to that are not there, as named from its "
                         "folder: model.npz, report_files/...; empty when none)}], "
                         "index_error (null, or why index.html could not be written: "
                         "index_path is then null and the exit code 2, with this JSON "
                         "printed all the same; --no-write: both null, exit code 0), "
                         "unreadable (the folders and pages under DIR this user cannot read, "
                         "each named as DIR is joined to its path there, as the warning "
                         "names them: runs/bob-private, "
                         "whose reports are not listed: index.html keeps the rows it had of "
                         "them; then the config.json of listed reports this user cannot "
                         "read, or a study's best_model folder, whose run is then null)",
    ("report", "compare"): "n_runs, best (the label of the run with the highest validation "
                           "accuracy, a regression's lowest validation loss; null when none "
                           "was scored), differing (the settings whose values differ), "
                           "shared {setting: value}, runs [{label, folder, dataset, settings "
                           "(the differing ones), status, epochs, best_val_loss, best_epoch, "
                           "val_loss, val_accuracy, test_loss, test_accuracy, test_rmse, "
                           "seconds}], notes (why the scores may not be of one test set: "
                           "other data, another split; or may not tell the best apart: runs "
                           f"that stopped on reaching one eps), report_path, {REPORT_ERROR}",
    ("study", "run"): f"{_STUDY_SUMMARY}, {_TRIALS_SECONDS}, {_STOPPED}, {REPORT_ERROR}",
    ("study", "worker"): f"{_STUDY_SUMMARY}, seconds (the time its trials took, 0 when it "
                         f"started none), {_STOPPED}, report_stale (a worker "
                         "writes no report: report_path is the one study show finds, null "
                         "if none, and report_stale whether it lags the study; hplab study "
                         "report NAME rewrites it)",
    ("study", "enqueue"): "study, storage (password masked), created (true when this command "
                          "created the study from the spec; false for a stored one), enqueued "
                          "(the points queued, in the order given, each a WAITING trial that "
                          "the next study run or worker runs before any sampled trial, even "
                          "past the budget, which it counts in) [{number (its trial number), "
                          "params (the point's values as stored: the parameters it leaves "
                          "out are the sampler's)}], n_waiting (the study's queued trials "
                          "now, these included), run_command (the hplab study run line that "
                          "runs them, --storage as given)",
    ("study", "show"): f"{_STUDY_SUMMARY}, report_stale, stopped (null, or \"timeout\": the "
                       "last run stopped at study.timeout with trials of the budget left and "
                       "none running; a study run resumes it), best_told_while_running (true "
                       "when another program told the best trial's value while hplab still "
                       "trained it: best_value is then that program's, not the training's "
                       "score; null without a best trial)",
    ("study", "list"): "a list, one object per study: study, dataset, metrics, n_trials, "
                       "n_finished, n_complete, n_pruned, n_fail, n_running, n_stale (as "
                       f"study show's), {_BEST_VALUE}",
    ("study", "export"): "study, csv_path",
    ("study", "report"): "study, report_path",
    ("study", "spec"): "without NAME, specs [{name, dataset, n_trials, description, path}] "
                       "(the ready specs); with one, name, path, text",
    ("demo",): f"{_STUDY_SUMMARY}, {_TRIALS_SECONDS}, {_STOPPED}, {REPORT_ERROR}",
    ("predict",): "model, task, classes (the labels, a list; empty for regression), dataset "
                  "(--dataset NAME as typed; --dataset alone: the model's own, with "
                  "absolute paths; null with --input), split, data_seed, data_changed, "
                  "input, n, n_shown, predictions, probabilities, labels (the truth of each "
                  "row shown: its label, or a "
                  "regression's target; null without --dataset), accuracy, rmse, mae, "
                  "loss (the split's loss as training scored it, a run's test_loss: "
                  "½·MSE of the scaled target for regression; null without --dataset), "
                  "out_path, threshold (a two-class model's: --threshold, else 0.5, its more "
                  "probable class; null for other "
                  "models), positive (a binary model's positive class, the second of "
                  "classes, with --dataset; else null) and its precision, recall, f1, "
                  "roc_auc and pr_auc (average precision; null where undefined: one class "
                  "in the split)",
    ("export-onnx",): "model, onnx_path, task, n_features, outputs, opset, dtype, input, bytes",
    ("imbalance",): "dataset, positive, ratio, ratios, metric, tune_for, sampling_ratio, "
                    "seeds (a count: the repeats, seeded from seed), seed, strategies, "
                    "net_params, ranking (no row for isolation_forest by brier: its score "
                    "is no probability) [{strategy, ratio, rank (null for a strategy that failed "
                    "or was skipped on every seed: listed after the ranked ones; exact ties, "
                    "the same mean, share the first one's rank: 1, 2, 2, 4), "
                    "metric, mean, ci_low, ci_high (a threshold metric's at 0.5: what the "
                    "rank and verdict read), tuned_mean (the same metric's mean at the tuned "
                    "threshold; a threshold-free metric's, roc_auc, pr_auc or brier, equals "
                    "mean), tuned_threshold (the mean over seeds of "
                    "each seed's validation-tuned threshold, each for its own net), status, "
                    "reason, same_as (null, or the strategy whose runs these are: the same "
                    "test probabilities on every seed, as smote_tomek's when its Tomek step "
                    "removed nothing are smote's; the printed verdicts leave it out: its twin's "
                    "speak for it), "
                    "paired_diff, paired_diff_ci_low, paired_diff_ci_high, paired_seeds (the "
                    "difference from the first ranked, seed by seed: its mean, 95 % t-interval "
                    "clipped to the differences the metric allows, and seeds), verdict "
                    "(null for the first ranked and an unranked one; else, from those: "
                    "\"not_told_apart\" (the interval includes 0), \"worse\", \"better\" "
                    "(it beat the first on the seeds both ran: a partial strategy, ranked "
                    "after it) or \"too_few_seeds\" (fewer than two shared: no interval); "
                    "without a paired interval, by its own interval against the first's), "
                    "epochs, steps (each net's epochs and optimizer steps, means over seeds: "
                    "a strategy fitting on fewer rows takes fewer steps an epoch; null "
                    "without a net), undertrained (true when a net stopped at --epochs with "
                    "its training loss still falling: raise --epochs; null where no stop "
                    "condition watched it, --patience 0, or no net)}], "
                    "metrics "
                    "(every metric per strategy and ratio, at 0.5 and at "
                    "the tuned threshold) [{strategy, ratio, threshold (\"0.5\" or "
                    "\"tuned\"), threshold_value (0.5, or the mean over seeds of the tuned "
                    "ones), and each metric by its name (as --metric names them) "
                    "{mean, ci_low, ci_high}}], "
                    "failed and skipped (a strategy's runs that failed: an error, or too few "
                    "samples for its sampler; that were not trained: its sampler had nothing "
                    "to resample) [{strategy, ratio, mode (proper, or leaky: --leakage-demo's "
                    "run), status (failed or skipped on every seed, else partial), reason}], "
                    "unchanged (the strategies whose sampler left the training data as it was, "
                    "finding nothing to remove or act on, on some of the seeds they ran but "
                    "not all: still ranked, with those runs, on the untreated data, in their "
                    "mean) [{ratio, strategy, seeds (a count: the seeds it did so on), "
                    "n_seeds (the seeds it ran)}], "
                    "majority (always predicting the training set's majority class, per "
                    "ratio) [{ratio, accuracy, recall, prevalence (the test set's positive "
                    "share), misleading, message}], accuracy_misleading, "
                    "leakage (null without --leakage-demo) [{ratio, strategy, kind (the "
                    "sampler's: over, under, clean or combined), metric, proper, leaky, "
                    "inflation (leaky - proper: means over the seeds both ways ran), "
                    "test_prevalence_proper, test_prevalence_leaky, n_seeds_paired}], "
                    "n_runs, seconds, test_is_train (true on XOR, whose test set is "
                    "its training set: no score is then held out), "
                    f"report_path, {REPORT_ERROR}",
}
