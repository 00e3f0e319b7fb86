"""One trial: suggest, build the TrainConfig, train through ``train_run``, report, record.

A trial ends as

- COMPLETE: its value(s) are the metrics of the final net (validation set, never test);
- PRUNED: the pruner stopped it (``status = "pruned"``), or it diverged (``status =
  "diverged"``). Divergence is pruning by the loop itself: the run is hopeless, samplers
  rank it below every complete trial, and the study goes on;
- FAIL: an exception in training (``status = "error"``, the reason in ``reason``), or an
  interrupt (``status = "interrupted"``: not counted, a resume runs it again). A storage
  that fails mid-trial interrupts it too: with ``stop_on_storage_failure`` the objective
  raises `TrialStorageLost`, the worker closes the trial and reports the storage's error.

Every trial stores its summary in one user attribute, ``record`` (see ``_record``), so
``study show``, ``optuna trials``, the dashboard and the report read the same record.
Its ``worker`` (who runs it) is a `worker_id` (see ``_worker_identity``).

A trial with an ``imbalance_strategy`` fits that strategy's imbalanced-learn pipeline
(sampler, then the net as a ``NetClassifier``) on the training split instead, and is
scored on the untouched validation split; a sampler that fails on the data is an error
trial like any training error. On binary data every trial also records the imbalance
metrics (``val_pr_auc``, ...) in ``imbalance_metrics``.
"""

from __future__ import annotations

import contextlib
import math

import optuna

import nets

from ._errors import TrialFailed
from ._held_interrupts import HeldInterrupts
from ._history_view import wait_for_history
from ._patience import prunes
from ._pipeline_run import val_imbalance_metrics
from ._pipeline_trial import _finite_dict, _PipelineTrial
from ._preset_check import outside_space, unread_values
from ._pruner_steps import rung_steps, warmup_steps
from ._record import (
    CHECKOUT_KEY,
    CREATED_ATTR,
    INTERRUPTED,
    ORPHANED,
    RECORD_ATTR,
    STUDY_KEY,
    VERSION_KEY,
    ParentDied,
    error_record,
    record_attr,
)
from ._report_to_trial import ReportToTrial
from ._run_record import metric_values, trial_record
from ._space_parse import fixed_for_data
from ._spec_data import check_binary
from ._storage_errors import storage_failure, study_deleted
from ._study_versions import note_versions
from ._train_run import train_run
from ._trial_config import build_config, decay_refusal
from ._who import DB_ROLE_KEY, OS_USER_KEY, db_role, os_user
from ._worker_identity import worker_id


class _RaiseFinal(nets.Callback):
    """At every checkpoint, the interrupt ending this process if C code dropped it where
    it came (`HeldInterrupts.deliver`): the trial records it rather than train on."""

    def on_checkpoint(self, state, record):
        HeldInterrupts.raise_final()


class TrialStorageLost(BaseException):
    """The storage failed during a trial (the error is its ``__cause__``).

    Not an Exception: optuna's trial loop stores any Exception as the trial's FAIL, which
    counts against the budget, runs no more and has no record (its writes failed). This
    passes through the loop without storing anything, leaving the trial RUNNING for its
    worker to close as interrupted (or, if the storage still fails, for a later run:
    heartbeats turn it stale and retry it, a journal's dead worker is closed). Not
    ``study._errors.StorageFailed``: that is the worker's error the command around ends on.
    """


class Objective(_PipelineTrial):
    """The callable ``study.optimize`` runs: one training run per trial.

    Parameters
    ----------
    spec : StudySpec
        The study's spec: its space, fixed settings, metrics, seed and pruner.
    dataset : data.Dataset
        Loaded once per worker with the study seed: every trial sees the same split.
    run_id : str
        Marks the trials of one ``hplab study run`` so an interrupt can close them.
    on_enter : callable, optional
        Called first, with the trial: the worker records its first heartbeat there, so a
        trial whose record is stored always has one (a worker lost right after the record
        leaves a trial that turns stale, rather than one that holds its slot for good).
    on_start, on_end : callable, optional
        Called once the trial's record is stored (with the trial) and last thing in each
        trial: the worker releases its claim lock and lets Ctrl-C through only while a
        trial can record it.
    on_sampled : callable, optional
        Called once the trial's hyperparameters are drawn (the worker's storage reads
        afresh from then on).
    stop_on_storage_failure : bool
        Raise ``study._objective.TrialStorageLost`` (a BaseException, so Optuna does not
        catch it) when the storage fails in a trial, or the study was deleted from it (the
        worker closes it, and says so), instead of ending it as an error trial as any other
        exception.

    Notes
    -----
    A trial another worker finished meanwhile (failed as stale: this worker was paused or
    cut off past the heartbeat grace) refuses every write; the objective then stops and
    returns None, writing nothing more. Optuna's tell fails on that trial, and the worker
    drops it (`trial` and `interrupted` tell it which trial and whether Ctrl-C came too).
    """

    def __init__(self, spec, dataset, *, run_id: str = "", on_enter=None, on_start=None,
                 on_end=None, on_sampled=None, stop_on_storage_failure: bool = False):
        self.spec, self.dataset = spec, dataset
        self.stop_on_storage_failure = stop_on_storage_failure
        self.on_enter, self.on_start = on_enter, on_start
        self.on_end, self.on_sampled = on_end, on_sampled
        # in every write of a trial's record: who runs it, from its start on, and in
        # which study (its stamp, read at its first trial)
        self.owner = {"worker": worker_id(), "run": run_id, VERSION_KEY: nets.hplab_version(),
                      CHECKOUT_KEY: nets.hplab_checkout(), OS_USER_KEY: os_user()}
        self._study: str | None = None
        self._attr = RECORD_ATTR  # the trial's record attribute (`record_attr`)
        self._waited = None  # seconds a repeatable study's trial waited before it sampled
        self.trial: optuna.Trial | None = None  # the trial entered last
        self.interrupted: KeyboardInterrupt | None = None  # ... and the interrupt it got
        self.failed: Exception | None = None  # ... and the error it failed of, if any
        check_binary(spec, dataset)
        self._fixed = fixed_for_data(spec.fixed, dataset)  # "balanced" weighed once

    def __call__(self, trial: optuna.Trial):
        self.trial, self.interrupted, self.failed, self._waited = trial, None, None, None
        try:
            return self._call(trial)
        except Exception as exc:  # also a failed write of an interrupt's or error's record
            if self._storage_failed(exc):
                raise TrialStorageLost() from exc
            if not isinstance(exc, optuna.TrialPruned):  # the worker says it (`run_worker`)
                self.failed = exc
            raise

    def _storage_failed(self, exc: Exception) -> bool:
        # a study deleted meanwhile refuses every write too: stopped, not logged by optuna
        # as a failed trial above the worker's one line
        return self.stop_on_storage_failure and (
            storage_failure(exc) is not None
            or (self.trial is not None
                and study_deleted(exc, self.trial.study._storage,
                                   self.trial.study.study_name, self.trial.study._study_id)))

    def _call(self, trial: optuna.Trial):
        # an enqueued point's own ``record`` is kept (read off optuna's copy of the trial)
        self._attr = record_attr(trial)
        try:
            if self.on_enter is not None:
                self.on_enter(trial)
            if self._study != trial.study.study_name:  # read once per study it runs in
                # names the study in the record: add_trials copies another study's trial
                self._study = trial.study.study_name
                attrs = trial.study.user_attrs
                self.owner[STUDY_KEY] = attrs.get(CREATED_ATTR)
                # the person, on a shared server: one query per study a worker runs in
                self.owner[DB_ROLE_KEY] = db_role(trial.study._storage)
                note_versions(trial.study, attrs)  # this version's libraries, once
            # who runs it, stored before on_start releases the claim lock: a worker
            # deciding its next claim never sees a live trial without a record
            self._write_record(trial, {})
            if self.on_start is not None:
                self.on_start(trial)
            return self._run(trial)
        except KeyboardInterrupt as exc:
            self.interrupted = exc
            with contextlib.suppress(optuna.exceptions.UpdateFinishedTrialError):  # taken over
                self._write_record(trial, ORPHANED if isinstance(exc, ParentDied)
                                   else INTERRUPTED)
            raise
        except (optuna.TrialPruned, TrialFailed):  # their records (the run's figures) written
            raise
        except optuna.exceptions.UpdateFinishedTrialError:
            # taken over (see the class doc): no record of this worker's is stored, and
            # none of optuna's "failed" lines is logged (it logs one for an exception)
            return None
        except Exception as exc:  # in sampling, training or scoring: this trial only
            if self._storage_failed(exc):
                # no more writes: a journal's next one could follow a line the failed one
                # cut short, where that line would break the whole file
                raise TrialStorageLost() from exc
            self._write_record(trial, error_record(exc))
            raise
        finally:
            if self.on_end is not None:
                self.on_end()

    def _write_record(self, trial: optuna.Trial, record: dict) -> None:
        # one attribute, overwritten at the end: a finished trial stores a single record
        waited = {} if self._waited is None else {"waited": self._waited}
        trial.set_user_attr(self._attr, {**self.owner, **waited, **record})

    def _run(self, trial: optuna.Trial):
        spec = self.spec
        # optuna only warns of an enqueued value outside the space, and trains it; a trial
        # queued with its parameters already set (optuna's retry of a trial another client
        # asked with distributions of its own, an add_trial of a WAITING one) it trains
        # without a word. The values are optuna's own copies, read when it made the trial
        # (private, but a storage read here would cost every trial a query)
        preset = {**trial.params, **(getattr(trial, "_fixed_params", None) or {})}
        outside = outside_space(spec.space, preset, spec.fixed)
        if outside:
            self._write_record(trial, {"status": "error", "reason": outside})
            raise TrialFailed(outside)
        if spec.repeatable_workers:
            if self.on_sampled is not None:
                self.on_sampled()  # the claim's read of the trials is stale by now
            # kept in its record: the report's timeline draws the trial from its end
            self._waited = round(wait_for_history(trial.study, trial.number,
                                                  spec.repeatable_workers), 3)
        values = spec.space.suggest(trial, spec.fixed)
        if self.on_sampled is not None:
            self.on_sampled()
        # a given value the trial does not read (momentum with sgd), which it would train
        # without: failed too, also where the sampler chose the optimizer (the schedule, the
        # strategy, the depth) that leaves it unread. A trial of another point than the one
        # given is no answer to it, and to try the reader instead would be a second way of
        # sampling; the reason says to give that choice in the point too
        unread = unread_values(spec.space, preset, values, spec.fixed)
        if unread:
            self._write_record(trial, {"status": "error", "reason": unread})
            raise TrialFailed(unread)
        refused = decay_refusal(values, spec.fixed)
        if refused:  # a point the space allows that cannot train: no crash, as diverged
            self._write_record(trial, {"status": "diverged", "reason": refused})
            raise optuna.TrialPruned(refused)
        cfg = build_config(values, self._fixed, spec.max_epochs)
        strategy = values.get("imbalance_strategy", spec.fixed.get("imbalance_strategy"))
        if strategy is not None:
            return self._run_pipeline(trial, cfg, strategy, values.get(
                "sampling_ratio", spec.fixed.get("sampling_ratio")))
        prune = None
        if prunes(spec):  # a pruner, or "none" with a patience (early stopping)
            prune = ReportToTrial(trial, spec.metrics[0], spec.checkpoint, rung_steps(spec),
                                  spec.repeatable_workers, warmup=warmup_steps(spec),
                                  max_epochs=spec.max_epochs)
        run = train_run(self.dataset, cfg, seed=[spec.seed, trial.number],
                        callbacks=[_RaiseFinal(), *([prune] if prune else [])], advice=False)
        result = run.result
        status = "pruned" if prune is not None and prune.pruned else result.status
        record = trial_record(run, status)
        stopped = status in ("pruned", "diverged")
        if spec.imbalance and not stopped:
            record["imbalance_metrics"] = _finite_dict(
                val_imbalance_metrics(run.dataset, run.net.output(run.dataset.X_val)))
        if stopped:
            self._write_record(trial, record)
            raise optuna.TrialPruned(result.reason)
        return self._values(trial, record, metric_values(run, spec.metrics))

    def _values(self, trial, record: dict, values: list[float]):
        """Store the record and return the objective value(s); a value that is not a finite
        number fails the trial with the record saying which (optuna would say only NaN)."""
        bad = [m for m, v in zip(self.spec.metrics, values, strict=True)
               if not math.isfinite(v)]
        if bad:
            record = {**record, "status": "error",
                      "reason": f"objective {bad[0]} has no finite value"}
            self._write_record(trial, record)
            raise TrialFailed(record["reason"])
        self._write_record(trial, record)
        return values[0] if len(values) == 1 else values
