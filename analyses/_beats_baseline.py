"""What "learned" means for a run: a validation loss `BASELINE_MARGIN` below a constant
prediction's (the training set's prior or mean), or an accuracy that much above the majority
share; the verification runs that did not."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: A grid rate "learned" when its mean validation loss is this fraction below the
#: baseline's, or its accuracy this much above the baseline's (the majority share).
BASELINE_MARGIN = 0.05


def beats_baseline(val_loss, baseline_loss):
    """Whether a validation loss (a number, or per rate a Series) is `BASELINE_MARGIN`
    below a constant prediction's, ``baseline_loss``: what "learned" means here (False
    against a NaN baseline)."""
    return val_loss < (1 - BASELINE_MARGIN) * baseline_loss


def failed_runs(runs: pd.DataFrame, baseline: dict | None = None) -> pd.Series:
    """Per verification run: whether it failed, diverged or ended no better than a
    constant prediction: its validation loss above the baseline's, or not `BASELINE_MARGIN`
    below it with its accuracy not that much above the majority share either.

    Parameters
    ----------
    runs : DataFrame
        `verify_runs`' or `verify_grid`'s rows (`VERIFY_COLUMNS`).
    baseline : dict, optional
        ``val_loss`` and ``val_accuracy`` of a constant prediction
        (`nets.trivial_baseline`), or a `verify_verdict` (its ``baseline_val_loss`` and
        ``baseline_val_accuracy``); without a finite loss in it only divergence fails.

    Returns
    -------
    Series of bool
        Indexed as ``runs``.
    """
    base = baseline or {}

    def number(*keys) -> float:
        found = next((base[k] for k in keys if base.get(k) is not None), math.nan)
        return float(found)

    b_loss = number("val_loss", "baseline_val_loss")
    b_acc = number("val_accuracy", "baseline_val_accuracy")
    loss = runs["val_loss"].astype(float)
    failed = (runs["status"] == "diverged") | ~np.isfinite(loss)
    if math.isfinite(b_loss):
        learned = beats_baseline(loss, b_loss)
        if math.isfinite(b_acc):
            # a loss above the constant prediction's is a failure whatever the accuracy:
            # digits at lr 2 ended at 2.4x its loss with 22 % accuracy (the majority's 10 %)
            learned |= ((runs["val_accuracy"].astype(float) > b_acc + BASELINE_MARGIN)
                        & (loss <= b_loss))
        failed |= ~learned
    return failed


def _learned(runs: pd.DataFrame, loss: pd.Series, base: dict) -> pd.Series:
    """Per rate: its mean validation loss `BASELINE_MARGIN` below the baseline's, or its
    accuracy that much above the majority share (all False without a baseline loss)."""
    b_loss, b_acc = base.get("val_loss", math.nan), base.get("val_accuracy", math.nan)
    learned = beats_baseline(loss, b_loss)
    if math.isfinite(b_acc):
        acc = runs.groupby("lr")["val_accuracy"].mean()
        learned |= acc.reindex(loss.index) > b_acc + BASELINE_MARGIN
    return learned
