"""Registries of metrics, samplers and pruners: plain dicts from name to maker.

A maker takes the parsed spec and the ``[sampler]``/``[pruner]`` options and returns the
optuna object. Every name is checked (and every option against the constructor's
signature) when the spec loads, before any storage is touched.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import warnings

import optuna

import nets

from ._cmaes_state import CmaEsSampler
from ._errors import SpecError
from ._patience import wrap_patience
from ._registry_entries import PrunerEntry, SamplerEntry
from ._trial_seeded import TrialSeeded

# Metric -> direction. Test metrics are absent on purpose: the test set is used once.
METRICS = {
    "val_accuracy": "maximize",
    "val_loss": "minimize",
    "train_accuracy": "maximize",
    "train_loss": "minimize",
    "n_parameters": "minimize",
    "train_seconds": "minimize",
    "epochs": "minimize",
}
# Imbalanced binary classification, on the validation set at threshold 0.5: the study
# name -> direction of nets.IMBALANCE_METRICS (kept here so `import study` stays light;
# a test checks they agree). They need a binary dataset (e.g. digits?positive=8).
IMBALANCE_METRICS = {
    "val_roc_auc": "maximize", "val_pr_auc": "maximize", "val_precision": "maximize",
    "val_recall": "maximize", "val_f1": "maximize", "val_balanced_accuracy": "maximize",
    "val_g_mean": "maximize", "val_mcc": "maximize", "val_brier": "minimize",
}
METRICS.update(IMBALANCE_METRICS)
# what an imbalance_strategy trial measures on its net alone: NaN for a strategy that
# trains none (the anomaly-detection baseline)
PIPELINE_NET_METRICS = ("val_loss", "train_loss", "n_parameters", "epochs")


class _FailedTrialInOneLine(logging.Filter):
    """Optuna logs a failed trial with its traceback, then again with its value: left out,
    as the worker says it in one line of hplab's own (`_worker._say_failed`; QA: optuna's
    "[W 2026-12-05 15:26:56,595] Trial 7 failed: ..." among hplab's lines), and nothing for
    Ctrl-C (the command says it was interrupted). The trial's record keeps the reason
    (``hplab study show``, the report, ``--json``'s ``problems``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.endswith(("failed with value None.", "error: KeyboardInterrupt().")):
            return False
        return record.exc_info is None  # another of optuna's lines: as its handlers write it


_ONE_LINE = _FailedTrialInOneLine()


class _Quiet:
    """The state `quiet_optuna` changes, held while any call (of any thread) is inside:
    the first to enter changes it, the last to leave undoes its own changes, and only those
    still as it made them (a snapshot per call restored INFO while another thread's run went
    on, and left WARNING for good when the calls ended in the other order; a snapshot of
    all the warning filters and the verbosity undid what a notebook's next cell set while
    a study ran in a thread)."""

    lock = threading.Lock()
    inside = 0
    verbosity = (optuna.logging.WARNING, optuna.logging.WARNING)  # (before, set here)
    filters_added: list = []  # the warning filters added here (told by identity)

    @classmethod
    def enter(cls) -> None:
        with cls.lock:
            if cls.inside == 0:
                before = optuna.logging.get_verbosity()
                cls.verbosity = (before, max(before, optuna.logging.WARNING))
                optuna.logging.set_verbosity(cls.verbosity[1])
                logging.getLogger("optuna.study._optimize").addFilter(_ONE_LINE)  # failed trials
                cls.filters_added = nets.add_warning_filters(
                    ("ignore", Warning, ".*RetryFailedTrialCallback.*"),
                    ("ignore", optuna.exceptions.ExperimentalWarning))
            cls.inside += 1
        _SHOW.enter()

    @classmethod
    def leave(cls) -> None:
        _SHOW.leave()
        with cls.lock:
            cls.inside -= 1
            if cls.inside == 0:
                nets.remove_warning_filters(cls.filters_added)
                cls.filters_added = []
                logging.getLogger("optuna.study._optimize").removeFilter(_ONE_LINE)
                if optuna.logging.get_verbosity() == cls.verbosity[1]:
                    optuna.logging.set_verbosity(cls.verbosity[0])


# optuna's deprecation warnings already shown by this process
_DEPRECATIONS_SHOWN: set[str] = set()


def _deprecations_once(show):
    """``show`` (a ``warnings.showwarning``) passing each of optuna's deprecation warnings
    once a process: a spec's deprecated sampler option (cmaes x0, tpe prior_weight) printed
    it at each of the 3 times a command builds the sampler. A "once" filter cannot: the
    warning filters are reset whenever they change."""

    def showwarning(message, category, *args, **kwargs):
        text = str(message)
        if issubclass(category, FutureWarning) and "has been deprecated in v" in text:
            if text in _DEPRECATIONS_SHOWN:
                return
            _DEPRECATIONS_SHOWN.add(text)
        show(message, category, *args, **kwargs)

    return showwarning


# hplab's warnings.showwarning while any quiet_optuna call is inside
_SHOW = nets.HeldAttribute(warnings, "showwarning", _deprecations_once)


@contextlib.contextmanager
def quiet_optuna():
    """Hide optuna's per-trial INFO lines, failed trials' tracebacks and the
    experimental-feature warnings (heartbeats, grouped TPE) that hplab uses on purpose;
    show a deprecation warning (of a spec's option) once.
    All of it only while some call is inside: a script's own optuna studies went on
    without their INFO lines and failed trials' tracebacks after any hplab call."""
    _Quiet.enter()
    try:
        yield
    finally:
        _Quiet.leave()


def _tpe(spec, opts, seed):
    # multivariate TPE models the joint density; group splits conditional spaces
    # (per-layer widths exist only up to the sampled depth).
    # group needs multivariate: a spec turning that off gets no group (optuna refused it,
    # naming "group", which the spec never set)
    multivariate = opts.get("multivariate", True)
    opts = {"multivariate": True, "group": spec.space.per_layer and multivariate, **opts}
    return optuna.samplers.TPESampler(seed=seed, **opts)


def _grid(spec, opts, seed):
    return optuna.samplers.GridSampler(spec.space.grid(), seed=seed, **opts)


SAMPLERS = {
    "tpe": SamplerEntry(_tpe, optuna.samplers.TPESampler, None, True, False),
    "random": SamplerEntry(lambda spec, o, s: optuna.samplers.RandomSampler(seed=s, **o),
                           optuna.samplers.RandomSampler, None, True, False),
    # per-layer widths beyond the first trial's depth are sampled at random: optuna warned
    # so in raw log lines, trial after trial (as cmaes below)
    "qmc": SamplerEntry(
        lambda spec, o, s: optuna.samplers.QMCSampler(
            seed=s, **{"scramble": True, "warn_independent_sampling": False, **o}),
        optuna.samplers.QMCSampler, None, True, True),
    # categorical parameters (activation...) are sampled at random: optuna warned so at
    # every trial (twenty multi-line warnings for twenty trials); the README says it once.
    # Optuna's own unpickled the optimizer stored in a trial, running whatever code the
    # storage's writer put there: this one loads only a CMA-ES optimizer (_cmaes_state)
    "cmaes": SamplerEntry(lambda spec, o, s: CmaEsSampler(
        seed=s, **{"warn_independent_sampling": False, **o}),
        CmaEsSampler, "cmaes", False, False, extra="cmaes"),
    "gp": SamplerEntry(lambda spec, o, s: optuna.samplers.GPSampler(seed=s, **o),
                       optuna.samplers.GPSampler, "torch", True, False, extra="gp"),
    "grid": SamplerEntry(_grid, optuna.samplers.GridSampler, None, True, True,
                         finite_space=True),
    "nsga2": SamplerEntry(lambda spec, o, s: optuna.samplers.NSGAIISampler(seed=s, **o),
                          optuna.samplers.NSGAIISampler, None, True, False),
}
# Options a spec may not set: the study decides them.
_RESERVED = {"seed", "search_space", "constraints_func", "independent_sampler", "mutation",
             "crossover", "gamma", "weights", "source_trials"}


def _checkpoints(spec) -> int:
    """Checkpoints after the start of a full-length run: the pruners' resource unit."""
    return max(1, math.ceil(spec.max_epochs / spec.checkpoint))


def _threshold(spec, opts):
    if "lower" not in opts and "upper" not in opts:
        raise SpecError("pruner.lower or pruner.upper is needed by the threshold pruner")
    return optuna.pruners.ThresholdPruner(**opts)


def _percentile(spec, opts):
    return optuna.pruners.PercentilePruner(**{"percentile": 25.0, **opts})


def _hyperband(spec, opts):
    return optuna.pruners.HyperbandPruner(**{"min_resource": 1,
                                             "max_resource": _checkpoints(spec), **opts})


MEDIAN_WARMUP = 2  # checkpoints the median pruner waits (Optuna: 0): early curves cross

PRUNERS = {
    "median": PrunerEntry(
        lambda spec, o: optuna.pruners.MedianPruner(**{"n_warmup_steps": MEDIAN_WARMUP, **o}),
        optuna.pruners.MedianPruner),
    "percentile": PrunerEntry(_percentile, optuna.pruners.PercentilePruner),
    "successive_halving": PrunerEntry(
        lambda spec, o: optuna.pruners.SuccessiveHalvingPruner(**o),
        optuna.pruners.SuccessiveHalvingPruner, rungs=True),
    "hyperband": PrunerEntry(_hyperband, optuna.pruners.HyperbandPruner, rungs=True),
    "threshold": PrunerEntry(_threshold, optuna.pruners.ThresholdPruner),
    "none": PrunerEntry(lambda spec, o: optuna.pruners.NopPruner(), optuna.pruners.NopPruner),
}

#: hplab's own samplers and pruners: a script's entry is any other (its workers take those)
BUILT_IN_SAMPLERS, BUILT_IN_PRUNERS = dict(SAMPLERS), dict(PRUNERS)


def walks_sequence(sampler: str) -> bool:
    """Whether ``sampler`` (grid, qmc) walks one sequence that its workers share through the
    storage: a point handed to a trial is spent, even if the trial is interrupted."""
    return SAMPLERS[sampler].shared_seed


def _check_spec(spec, caller: str) -> None:
    """TypeError for a spec's name or path where its loaded form belongs ("'str' object has
    no attribute 'sampler'")."""
    if isinstance(spec, str | bytes | os.PathLike):
        raise TypeError(f"{caller} takes a loaded spec, study.load_spec({spec!r:.60}), not its "
                        "name or path")


def make_sampler(spec) -> optuna.samplers.BaseSampler:
    """The spec's sampler: seeded with the study seed where every worker walks one shared
    sequence (grid, qmc), else a `TrialSeeded` one (each trial's draws from the study seed
    and the trial's number).

    Parameters
    ----------
    spec : StudySpec
        Its ``sampler``, ``sampler_options`` and ``seed`` are read.
    """
    _check_spec(spec, "make_sampler")
    entry, options = SAMPLERS[spec.sampler], dict(spec.sampler_options)
    try:
        if entry.shared_seed:
            return entry.make(spec, options, spec.seed)
        return TrialSeeded(lambda seed: entry.make(spec, dict(options), seed), spec.seed,
                           spec.repeatable_workers)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"sampler: {exc}") from None


def make_pruner(spec) -> optuna.pruners.BasePruner:
    """``spec``'s pruner (a key of `PRUNERS`) with its ``[pruner]`` options, in Optuna's
    PatientPruner where they set ``patience`` (`study._patience`); a bad option is a
    SpecError naming it.

    Parameters
    ----------
    spec : StudySpec

    Returns
    -------
    optuna.pruners.BasePruner
    """
    _check_spec(spec, "make_pruner")
    entry = PRUNERS[spec.pruner]
    try:
        with quiet_optuna():  # PatientPruner is experimental: used on purpose
            return wrap_patience(entry.make, spec, entry.cls, dict(spec.pruner_options))
    except SpecError:
        raise
    except (TypeError, ValueError) as exc:
        raise SpecError(f"pruner: {exc}") from None
