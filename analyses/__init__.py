"""analyses: experiments beyond one training run, each an ``hplab`` command.

The four a user calls, each on a dataset (a name `data.load` takes) and returning a
result whose ``summary()`` is its command's ``--json`` and whose ``reports.KIND_report``
writes its HTML report:

- `lr_range_test` (``hplab lr-range``): the loss against a rising learning rate, a
  suggested rate, and with ``verify=True`` brief runs around it (`LRRangeResult`);
- `scaling_study` (``hplab scaling``): steps to a target per batch size with a tuned rate,
  the scaling law fitted to them and the gradient noise scale (`ScalingResult`);
- `capacity_sweep` (``hplab capacity``): every width x depth x seed for one budget
  (`CapacityResult`);
- `imbalance_benchmark` (``hplab imbalance``): the imbalance remedies (`STRATEGIES`) on
  one dataset across imbalance ratios and seeds (`ImbalanceResult`).

For example::

    import analyses, reports
    result = analyses.lr_range_test("digits", seeds=3, verify=True)
    result.summary()["suggested_lr"]
    reports.lr_range_report(result, "runs/lr-range/digits")

The rest are their parts, public for notebooks: `range_test` (one net), `verify_grid`,
`fit_scaling_law`, `GradientNoiseScale` (a `nets.Callback`), `best_threshold`...

Its names are imported on first use (see ``__getattr__``): most analyses bring pandas,
scipy or scikit-learn (~1.5 s of CPU), and a command's --help lists the imbalance
strategies (`STRATEGIES`, of the standard library only) without them.

Adding an analysis, for contributors (``hplab weight-decay``, say; KIND its command in
snake_case, ``weight_decay``):

1. here, ``_KIND.py``: the function, decorated ``@errors_in_python_words("weight-decay")``
   (its errors' advice in flags reaches a Python caller as its arguments; the command
   line runs it within `flags_in_errors`), and a result whose ``summary()`` is the ``--json``
   contract (`nets.finite_or_none` / `nets.finite_float`: NaN as null); its names in
   `_MODULES` (and `_RENAMED` for one its module calls otherwise). ``__all__`` follows.
2. in reports: ``_KIND_report.py`` with ``KIND_report(result, out, *, command="", ...)``,
   whose ``Report``'s kind is the command, ``"weight-decay"`` (a re-run into its folder
   compares the two; another kind fails at the first run), as is the kind its name in
   the index takes (``analysis_name(dataset, out, "weight-decay")``); its ``_LAZY`` entry;
   ``KIND_lines(summary)`` in ``_terminal_analyses.py``, with a ``_LAZY`` entry too; both
   in ``ANALYSIS_OUTPUTS`` under the command's name. Advice that names the command's
   flags goes through ``words_for("weight-decay", command)``, and a flag not named as
   the argument it sets into ``_python_words.ARGUMENTS``: a report written from Python
   names the arguments.
3. in the command line, ``reports/_cli/``: ``_KIND.py`` with ``cmd_KIND`` under
   ``@analysis_command``, ending in ``return analysis_end(args, result)`` (both of
   ``_analysis.py``; it finds the two above in ``reports.ANALYSIS_OUTPUTS``), beside
   ``add_KIND``, in ``COMMANDS`` (``__init__.py``): --dataset, --seed, --out, --report,
   --json, the ``--json`` keys in its description; its --seed's words in ``SEED_HELP``
   (``_help_texts.py``); in ``FIELD_FLAGS`` (``_in_flags.py``) only a flag not named as the
   parameter it sets (--steps for num_steps; --epochs is max_epochs' in every command,
   ``RENAMED_FLAGS``): errors name the others by their dests.
4. tests: a cheap run of it in ``ANALYSES`` (tests/cli_helpers.py), which the tests of
   every analysis run (twice into one folder, --out without a report, no optuna without
   one; one fails until it is there); its --json keys checked against its help (in
   ``test_every_json_key_a_command_prints_is_in_its_help``, or a test of its own); and
   README's Analyses section.
"""

import importlib
import typing

import data
import nets

# -- imbalanced data (hplab imbalance): the registry of remedies, their pipelines and
# scores are nets' (studies search them too), named here as well
from nets import STRATEGIES, Strategy, resolve_strategies

if typing.TYPE_CHECKING:  # the names __getattr__ imports on first use, for type checkers
    from ._type_names import *  # noqa: F403

# a set a script registered (data.register_dataset) goes to the pools' workers with each task
nets.carry_registry("data.DATASETS", data.DATASETS, data.BUILT_IN_DATASETS)

_FROM_NETS = ("DEFAULT_NET", "DEFAULT_SAMPLING_RATIO", "PIPELINE_NET_PARAMS",
              "AnomalyClassifier", "make_imbalance_pipeline", "net_params_from_config",
              "nothing_to_resample", "too_few_for_neighbours", "IMBALANCE_METRICS",
              "imbalance_metrics")

#: module -> the names the package takes from it
_MODULES = {
    # -- batch-size / learning-rate scaling (hplab scaling)
    "_backend": ("BACKENDS", "run_tasks"),
    # -- capacity sweeps (hplab capacity)
    "_capacity": ("capacity_sweep", "summarize_runs"),
    "_capacity_result": ("CapacityResult", "width_reach"),
    "_capacity_rmse": ("config_rmse", "target_scale"),
    # -- imbalanced data (hplab imbalance)
    "_imbalance": ("imbalance_benchmark", "seed_states"),
    "_imbalance_ratios": ("parse_ratios",),
    "_imbalance_budget": ("training_budget", "undertrained_words"),
    "_imbalance_metrics": ("METRIC_RANGE", "PROBABILITY_METRICS", "TUNE_METRICS", "unranked",
                           "unranked_words", "best_threshold", "mean_ci",
                           "tune_threshold"),
    "_imbalance_positives": ("FEW_TEST_POSITIVES", "few_positives_words",
                             "positives_in_test_sets"),
    "_imbalance_result": ("ImbalanceResult",),
    "_imbalance_runs": ("THRESHOLDS",),
    "_imbalance_slow": ("SLOW_STRATEGIES",),
    "_imbalance_unchanged": ("unchanged_runs", "unchanged_words"),
    "_imbalance_verdict": ("VERDICTS", "against_first", "distinct_runs", "overlapping_best",
                           "seeds_compared", "tied_ranks", "unsettled_first"),
    "_imbalance_variants": ("OWN", "load_variant"),
    # -- learning-rate range test (hplab lr-range)
    "_lr_ramp": ("LOOPER_RISE", "RangeCurve", "range_test"),
    "_lr_ramp_rates": ("LR_RANGE_MODES", "ramp_rates"),
    "_lr_range": ("RAMP_REPLACES", "lr_range_test"),
    "_lr_range_result": ("LRRangeResult", "summarize_suggestions"),
    "_lr_advice": ("RAMP_SET", "ramp_set", "ramp_set_warning", "smooth_curve",
                   "at_ramp_start", "looper_rise_words", "no_stop_advice", "no_stop_words",
                   "no_suggestion_reason",
                   "plain_sgd_valley", "seeds_that_stopped", "shallow_descent"),
    "_lr_verify": ("NOISE_SE", "VERIFY_FACTORS", "VERIFY_GROWTH", "verify_grid", "verify_runs",
                   "verify_verdict"),
    "_beats_baseline": ("BASELINE_MARGIN", "failed_runs"),
    # -- scaling (continued)
    "_noise_scale": ("GradientNoiseScale", "exact_noise_scale", "noise_from_norms"),
    "_noise_window": ("NOISE_INTERVAL", "NOISE_WINDOW"),
    "_scaling": ("scaling_study",),
    "_scaling_checks": ("default_batch_sizes",),
    "_lr_grid": ("MAX_RATES", "lr_grid"),
    "_scaling_law": ("EXTRAPOLATE", "SCALING_MIN_POINTS", "fit_scaling_law"),
    "_scaling_fit": ("ScalingFit", "mccandlish_steps"),
    "_scaling_regimes": ("regimes",),
    "_lr_rule": ("COARSE_GRID", "LR_CAP", "LrExponent", "fit_lr_exponent", "rule_verdict"),
    "_slope_bound": ("NO_SLOPE_MEASURED", "slope_text", "summary_slope_bound"),
    "_refine_lr": ("refine_lr",),
    "_scaling_result": ("ScalingResult",),
    "_scaling_runs": ("TARGET_METRICS", "best_per_batch", "median_steps_by_rate"),
    # -- the capacity sweep's and the range test's defaults, without pandas and scipy
    # (`hplab capacity --help`, `hplab lr-range --help` show them)
    "_defaults": ("CAPACITY_CONFIG", "CAPACITY_SWEEP_DEFAULTS", "LR_RANGE_CONFIG",
                  "LR_RANGE_TEST_DEFAULTS"),
    # -- every analysis: its advice in its function's arguments, for a Python caller
    "_python_words": ("flags_in_errors", "in_python_words", "is_hplab_line", "words_for"),
    # -- learning-rate suggestions (hplab lr-range)
    "_suggest": ("DEFAULT_SUGGESTION", "SKIP_END", "SKIP_START_FRACTION", "SUGGESTIONS",
                 "SUGGESTION_RULES", "suggest", "trim_curve"),
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}
#: the package's names for what its module calls otherwise
_RENAMED = {"LR_RANGE_MODES": "MODES", "SCALING_MIN_POINTS": "MIN_POINTS"}

# what the tables above name, written out: pyright (VS Code's Pylance) reads only an
# __all__ of string literals (tests/test_typed.py keeps the two equal)
__all__ = [
    "STRATEGIES", "Strategy", "resolve_strategies", "DEFAULT_NET", "DEFAULT_SAMPLING_RATIO",
    "PIPELINE_NET_PARAMS", "AnomalyClassifier", "make_imbalance_pipeline",
    "net_params_from_config", "nothing_to_resample", "too_few_for_neighbours", "SLOW_STRATEGIES",
    "IMBALANCE_METRICS",
    "imbalance_metrics", "BACKENDS", "run_tasks", "capacity_sweep", "summarize_runs",
    "CapacityResult", "width_reach", "config_rmse", "target_scale", "imbalance_benchmark",
    "seed_states", "parse_ratios", "training_budget", "undertrained_words", "METRIC_RANGE",
    "PROBABILITY_METRICS", "TUNE_METRICS", "unranked", "unranked_words", "best_threshold",
    "mean_ci", "tune_threshold", "FEW_TEST_POSITIVES", "few_positives_words",
    "positives_in_test_sets", "ImbalanceResult", "THRESHOLDS", "unchanged_runs", "unchanged_words",
    "VERDICTS", "against_first", "distinct_runs", "overlapping_best", "seeds_compared",
    "tied_ranks", "unsettled_first", "OWN", "load_variant", "LOOPER_RISE", "RangeCurve",
    "range_test", "LR_RANGE_MODES", "ramp_rates", "RAMP_REPLACES", "lr_range_test",
    "LRRangeResult", "summarize_suggestions", "RAMP_SET", "ramp_set", "ramp_set_warning",
    "smooth_curve", "at_ramp_start", "looper_rise_words", "no_stop_advice", "no_stop_words",
    "no_suggestion_reason", "plain_sgd_valley", "seeds_that_stopped", "shallow_descent",
    "NOISE_SE", "VERIFY_FACTORS", "VERIFY_GROWTH", "verify_grid", "verify_runs", "verify_verdict",
    "BASELINE_MARGIN", "failed_runs", "GradientNoiseScale", "exact_noise_scale",
    "noise_from_norms", "NOISE_INTERVAL", "NOISE_WINDOW", "scaling_study", "default_batch_sizes",
    "MAX_RATES", "lr_grid", "EXTRAPOLATE", "SCALING_MIN_POINTS", "fit_scaling_law", "ScalingFit",
    "mccandlish_steps", "regimes", "COARSE_GRID", "LR_CAP", "LrExponent", "fit_lr_exponent",
    "rule_verdict", "NO_SLOPE_MEASURED", "slope_text", "summary_slope_bound", "refine_lr",
    "ScalingResult", "TARGET_METRICS", "best_per_batch", "median_steps_by_rate", "CAPACITY_CONFIG",
    "CAPACITY_SWEEP_DEFAULTS", "LR_RANGE_CONFIG", "LR_RANGE_TEST_DEFAULTS", "flags_in_errors",
    "in_python_words", "is_hplab_line", "words_for", "DEFAULT_SUGGESTION", "SKIP_END",
    "SKIP_START_FRACTION", "SUGGESTIONS", "SUGGESTION_RULES", "suggest", "trim_curve"
]


def __getattr__(name):
    # imported here, on first use: `hplab imbalance --help` reads STRATEGIES without the
    # seconds scikit-learn, imbalanced-learn, scipy and pandas cost
    if name in _FROM_NETS:
        return getattr(nets, name)
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, _RENAMED.get(name, name))
    raise AttributeError(f"module 'analyses' has no attribute {name!r}")


def __dir__():
    # the names imported on first use too: dir(), help() and a notebook's completion list
    # them (a module's own dir() holds only what is imported so far)
    return sorted({*globals(), *__all__})
