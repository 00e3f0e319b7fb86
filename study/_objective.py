"""One trial: suggest, build the TrainConfig, train through ``train_run``, report, record.

A trial ends as

- COMPLETE: its value(s) are the metrics of the final net (validation set, never test);
- PRUNED: the pruner stopped it (``status = "pruned"``), or it diverged (``status =
  "diverged"``). Divergence is pruning by the loop itself: the run is hopeless, samplers
  rank it below every complete trial, and the study goes on;
- FAIL: an exception in training (``status = "error"``, the reason in ``reason``), or an
  interrupt (``status = "interrupted"``: not counted, a resume runs it again).

Every trial stores its summary in user attributes, so ``study show``, ``optuna trials``,
the dashboard and the report read the same record.
"""

from __future__ import annotations

import math
import os
import socket

import numpy as np
import optuna

import nets

from ._space import build_config
from ._train_run import train_run

HISTORY_POINTS = 50  # checkpoints kept per trial in its user attributes
HISTORY_KEYS = ("epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy")


def worker_id() -> str:
    """``host:pid``: the timeline's lane, and who ran a trial."""
    return f"{socket.gethostname()}:{os.getpid()}"


class ReportToTrial(nets.Callback):
    """Report the watched metric at every checkpoint; stop when the pruner says so.

    Steps are checkpoint counts (0 = before training), so trials with different batch
    sizes share one resource axis for the pruners.
    """

    def __init__(self, trial: optuna.Trial, metric: str):
        self.trial, self.metric = trial, metric
        self.step = 0
        self.pruned = False

    def on_checkpoint(self, state, record):
        value = float(record[self.metric])
        step, self.step = self.step, self.step + 1
        if not math.isfinite(value):
            return None  # divergence is the loop's call; NaN would confuse the pruners
        self.trial.report(value, step)
        if self.trial.should_prune():
            self.pruned = True
            self.stop_reason = f"pruned at checkpoint {step} (epoch {record['epoch']:.4g})"
            return True
        return None


class Objective:
    """The callable ``study.optimize`` runs: one training run per trial.

    Parameters
    ----------
    spec : StudySpec
    dataset : data.Dataset
        Loaded once per worker with the study seed: every trial sees the same split.
    run_id : str
        Marks the trials of one ``hplab study run`` so an interrupt can close them.
    on_start, on_end : callable, optional
        Called first and last thing in each trial: the worker releases its claim lock and
        lets Ctrl-C through only while a trial can record it.
    """

    def __init__(self, spec, dataset, *, run_id: str = "", on_start=None, on_end=None):
        self.spec, self.dataset = spec, dataset
        self.run_id, self.on_start, self.on_end = run_id, on_start, on_end
        self.worker = worker_id()

    def __call__(self, trial: optuna.Trial):
        try:
            if self.on_start is not None:
                self.on_start()
            return self._run(trial)
        except KeyboardInterrupt:
            trial.set_user_attr("status", "interrupted")
            trial.set_user_attr("reason", "interrupted by the user")
            raise
        finally:
            if self.on_end is not None:
                self.on_end()

    def _run(self, trial: optuna.Trial):
        spec = self.spec
        trial.set_user_attr("worker", self.worker)
        if self.run_id:
            trial.set_user_attr("run", self.run_id)
        values = spec.space.suggest(trial, spec.fixed)
        cfg = build_config(values, spec.fixed, spec.max_epochs)
        prune = None
        if spec.pruner != "none" and not spec.multi_objective:
            prune = ReportToTrial(trial, spec.metrics[0])
        try:
            run = train_run(self.dataset, cfg, seed=[spec.seed, trial.number],
                            callbacks=[prune] if prune else [])
        except Exception as exc:
            trial.set_user_attr("status", "error")
            trial.set_user_attr("reason", f"{type(exc).__name__}: {exc}"[:500])
            raise
        result = run.result
        status = "pruned" if prune is not None and prune.pruned else result.status
        for key, value in trial_record(run, status).items():
            trial.set_user_attr(key, value)
        if status in ("pruned", "diverged"):
            raise optuna.TrialPruned(result.reason)
        scores = metric_values(run, spec.metrics)
        return scores[0] if len(scores) == 1 else scores


def _val_scores(net, ds) -> tuple[float, float]:
    """Loss and accuracy of the final net on the validation set (after any restore)."""
    T = net._head.encode(ds.y_val, net.sizes[-1], net.dtype)
    z = net.logits(ds.X_val)
    return float(net._head.loss(z, T)), float(net._head.accuracy(z, T))


def metric_values(run, metrics) -> list[float]:
    """The objective values of a finished run, in ``metrics`` order."""
    val_loss, val_accuracy = _val_scores(run.net, run.dataset)
    known = {"val_loss": val_loss, "val_accuracy": val_accuracy,
             "train_loss": run.result.final("train_loss"),
             "train_accuracy": run.result.final("train_accuracy"),
             "n_parameters": float(run.net.n_parameters),
             "train_seconds": float(run.result.seconds), "epochs": float(run.result.epochs)}
    return [known[m] for m in metrics]


def _plain(value):
    value = float(value)
    return value if math.isfinite(value) else None  # JSON has no NaN


def compress_history(history) -> dict:
    """At most HISTORY_POINTS evenly spaced checkpoints (first and last kept), as lists."""
    n = len(history)
    idx = np.unique(np.linspace(0, n - 1, min(n, HISTORY_POINTS)).round().astype(int)) \
        if n else np.array([], dtype=int)
    return {k: [_plain(float(f"{v:.6g}")) for v in history[k].to_numpy()[idx]]
            for k in HISTORY_KEYS if k in history}


def trial_record(run, status: str) -> dict:
    """The user attributes a finished training run leaves on its trial."""
    r = run.result
    return {
        "status": status,
        "reason": r.reason,
        "epochs": _plain(r.epochs),
        "iterations": int(r.iterations),
        "seconds": _plain(r.seconds),
        "n_parameters": int(run.net.n_parameters),
        "train_loss": _plain(r.final("train_loss")),
        "val_loss": _plain(r.final("val_loss")),
        "val_accuracy": _plain(r.final("val_accuracy")),
        "hidden": list(run.config.hidden),
        "history": compress_history(r.history),
    }
