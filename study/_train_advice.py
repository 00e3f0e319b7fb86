"""Training advice: what a run's configuration, against its data, or its end says that
its status alone does not, as warnings (worded in ``hplab train``'s flags in a command, in
`nets.TrainConfig`'s fields from Python).

Each warns at the user's line (`nets.user_stacklevel`): the code that chose the settings.
"""

from __future__ import annotations

import math
import warnings

import nets


def warn_if_eps_is_met_by_a_constant(cfg: nets.TrainConfig, dataset) -> None:
    """Warn when ``cfg.eps`` is at or above the validation loss of a constant prediction
    (the training set's mean or class prior): the run may stop "converged" having learned
    nothing (sine at --eps 0.06 stopped at epoch 2 with the mean's loss).

    Parameters
    ----------
    cfg : nets.TrainConfig
        The run's settings (no eps, 0: nothing to say).
    dataset : data.Dataset
        The data it trains on (no validation set: nothing to say).
    """
    if not cfg.eps or dataset.y_val is None or not len(dataset.y_val):
        return
    what = "mean" if dataset.task == "regression" else "class shares"
    base = nets.trivial_baseline(dataset, cfg)["val_loss"]
    if cfg.eps >= base:
        eps = "--eps" if nets.in_command() else "eps"
        warnings.warn(f"{eps} {cfg.eps:g} is at or above {base:.4g}, the validation loss of "
                      f"always predicting the training set's {what}: the run may stop as "
                      f"converged having learned nothing from the inputs (set a lower {eps})",
                      stacklevel=nets.user_stacklevel())


def warn_if_start_kept(run) -> None:
    """Warn when early stopping put back the net's starting weights: the saved net is
    untrained, which a status of early_stopped alone did not say (a batch-normed iris net
    ended so at 0.17).

    Parameters
    ----------
    run : TrainRun
        A finished run (`train_run`).
    """
    if not run.result.kept_start:
        return
    watched = "validation" if math.isfinite(run.result.records[0]["val_loss"]) else "training"
    after = len(run.result.records) - 1
    lr, patience = ("--lr", "--patience") if nets.in_command() else ("lr", "patience")
    warnings.warn(f"early stopping kept the starting weights: none of the {after} checkpoint"
                  f"{'s' * (after != 1)} after the start scored a lower {watched} loss, so "
                  f"the saved net is untrained; change {lr}, or raise {patience}",
                  stacklevel=nets.user_stacklevel())
