"""A finished training run as its trial keeps it: the record, the checkpoints kept, the
objective values."""

from __future__ import annotations

import numpy as np

import nets
from nets import finite_float

from ._pipeline_run import val_imbalance_metrics
from ._registry import IMBALANCE_METRICS
from ._train_run import val_scores

HISTORY_POINTS = 50  # checkpoints kept per trial in its user attributes
HISTORY_KEYS = ("epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy")


def metric_values(run, metrics) -> list[float]:
    """The objective values of a finished run, in ``metrics`` order.

    Parameters
    ----------
    run : TrainRun
        A finished run; its net is scored on its dataset's validation split.
    metrics : sequence of str
        The study's metrics (``"val_loss"``, ``"val_accuracy"``, ``"n_parameters"``...).
    """
    val_loss, val_accuracy = val_scores(run.net, run.dataset)
    known = {"val_loss": val_loss, "val_accuracy": val_accuracy,
             "train_loss": run.result.final("train_loss"),
             "train_accuracy": run.result.final("train_accuracy"),
             "n_parameters": float(run.net.n_parameters),
             "train_seconds": float(run.result.seconds), "epochs": float(run.result.epochs)}
    if set(metrics) & set(IMBALANCE_METRICS):
        known.update(val_imbalance_metrics(run.dataset, run.net.output(run.dataset.X_val)))
    return [known[m] for m in metrics]


def compress_history(result: nets.TrainResult) -> dict:
    """At most HISTORY_POINTS evenly spaced checkpoints (first and last kept), as lists."""
    n = len(result.records)
    idx = np.unique(np.linspace(0, n - 1, min(n, HISTORY_POINTS)).round().astype(int)) \
        if n else np.array([], dtype=int)
    return {k: [finite_float(float(f"{v:.6g}")) for v in result.column(k)[idx]]
            for k in HISTORY_KEYS}


def trial_record(run, status: str) -> dict:
    """The record a finished training run leaves on its trial.

    Parameters
    ----------
    run : TrainRun
        A finished run (its ``result``, ``net`` and ``config`` are read).
    status : str
        Its outcome, one of `OUTCOMES` (``"converged"``, ``"pruned"``...).
    """
    r = run.result
    return {
        "status": status,
        "reason": r.reason,
        "epochs": finite_float(r.epochs),
        "iterations": int(r.iterations),
        "seconds": finite_float(r.seconds),
        "n_parameters": int(run.net.n_parameters),
        "train_loss": finite_float(r.final("train_loss")),
        "val_loss": finite_float(r.final("val_loss")),
        "val_accuracy": finite_float(r.final("val_accuracy")),
        "hidden": list(run.config.hidden),
        "history": compress_history(r),
    }
