"""The training report's learning-curve captions: what the curves score and show, in
words; the study report's best-trial curves take `lr_caption` too."""

from __future__ import annotations

import pandas as pd

import nets

from . import _training_draw as tw


def history_caption(run, hist: pd.DataFrame, schedule: str) -> str:
    """The caption of ``run``'s learning curves, `draw_history`'s figure of ``hist``."""
    ds, scored = run.dataset, _train_scored(run)
    if ds.task in ("binary", "multiclass"):
        text = _HISTORY_CAPTION.format(
            accuracy="middle" if tw.has_lr_panel(hist) else "right", scored=scored)
    else:
        text = _LOSS_CAPTION.format(loss=regression_loss(ds), scored=scored)
    return text + _same_curves(ds) + lr_caption(hist, schedule)


_HISTORY_CAPTION = (
    "Loss (left) and accuracy ({accuracy}) at every checkpoint, on the training set (solid "
    "blue; {scored}) and on the validation set (dashed orange); the ring marks the lowest "
    "validation loss. A gap that keeps widening means overfitting; a loss that stays high "
    "and flat means too little capacity or too small a learning rate. A jagged validation "
    "curve beside a smooth training one comes from a small validation set; both jagged, "
    "from too large a rate.")
_LOSS_CAPTION = (
    "Loss: {loss}, at every checkpoint, on the training set (solid blue; {scored}) and on "
    "the validation set (dashed orange); the ring marks the lowest validation loss. A gap "
    "that keeps widening means overfitting; a long flat stretch means the net is stuck on "
    "a plateau.")


def _train_scored(run) -> str:
    """What the training curve scores at a checkpoint: the training set (up to the config's
    ``eval_size`` rows), where the course scored the current mini-batch, whose noise made
    its training curve jagged with small batches."""
    n, most = len(run.dataset.X_train), getattr(run.config, "eval_size", None)
    rows = f"a fixed random {most} of its {n} rows" if most and n > most else "all of it"
    return f"{rows}, not the last mini-batch as in the course"


def _same_curves(ds) -> str:
    """What the learning curves' caption says when the validation set is the training set
    (XOR): the two lines are one, the dashed one drawn on the other ("" otherwise)."""
    if not getattr(ds, "test_is_train", False):  # (a test's stand-in has no such fact)
        return ""
    return (f" On {ds.name} the validation set is the training set itself, so the two "
            "curves are the same: the dashed validation line lies on the training line, "
            "which shows between its dashes.")


def lr_caption(hist: pd.DataFrame, schedule: str) -> str:
    """What the learning-rate panel of a history figure shows ("" when it has none)."""
    if not tw.has_lr_panel(hist):
        return ""
    text = " Right: the learning rate at each checkpoint, the rate the steps after it use"
    if nets.is_stepwise(schedule):
        return (text + ", held until the next checkpoint; the history records the rate only "
                "at checkpoints, so a drop between two of them shows at the later one.")
    return text + " (straight lines between checkpoints)."


def regression_loss(ds) -> str:
    """What the regression head's loss is, in words: the report must not call it the MSE.

    The head minimizes ½·mean(e²) on the target as the net sees it; data.load min-max
    scales that target by the training range (y_scale; with merge_scaling the range over
    train, validation and test), so the loss is ½·MSE / y_scale² in original units, not
    comparable with the RMSE card.
    """
    if not target_scaled(ds):  # --scaling none: the target's own units
        return "½·MSE in the target's original units"
    sign = "−" if ds.y_shift >= 0 else "+"
    # data.load scales the target as it scales the features: merged on request
    over = ("over train, validation and test merged (merge_scaling)"
            if (getattr(ds, "info", None) or {}).get("merge_scaling") else
            "over its training range")
    return (f"½·MSE on the target min-max scaled to [0, 1] {over}, "
            f"(y {sign} {abs(ds.y_shift):.4g}) / {ds.y_scale:.4g}")


def target_scaled(ds) -> bool:
    """Whether data.load scaled the regression target (its loss is then not in its units)."""
    return not (ds.y_scale == 1.0 and ds.y_shift == 0.0)
