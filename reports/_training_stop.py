"""How a training run stopped, in its report's words: the badge's detail in the flags of
the command that ran it, and a note when the run used all its epochs while its loss was
still falling (the opposite case, a flat high loss, is `_training_captions.stuck_text`)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from nets import count_of

from ._training_captions import stuck_text

#: A run that used all its epochs was still improving when its last checkpoint's watched
#: loss (validation, else training) is its lowest and fell by more than this share from
#: the checkpoint before
STILL_FALLING_SHARE = 0.01

#: ...or, whatever the checkpoints' spacing, when it fell by more than `WINDOW_SHARE` over
#: the last `WINDOW` of the run's epochs (QA: digits at lr 0.01, a checkpoint an epoch,
#: 0.304 -> 0.277 over its last 15 of 150 epochs but under 1 % a checkpoint, said nothing;
#: xor 2-2-1 nearing its 0.5 plateau, -1.2 % over its last tenth, is not "still falling")
WINDOW = 0.1
WINDOW_SHARE = 0.05


def epochs_word(run) -> str:
    """What sets the run's epochs for its reader: ``--epochs`` for a run an hplab command
    started (`analyses.is_hplab_line`), else the config's ``max_epochs`` (a run from
    Python: the stuck note names no flag for that reason)."""
    from analyses import is_hplab_line

    return "--epochs" if is_hplab_line(run.command) else "max_epochs"


def stop_reason(run) -> str:
    """``run``'s stop reason (`nets.TrainResult.reason`), its ``max_epochs=`` as
    `epochs_word` says it: the terminal says "reached --epochs=15", and so does the page."""
    return re.sub(r"\bmax_epochs=", f"{epochs_word(run)}=", run.result.reason or "")


def still_falling(run, hist: pd.DataFrame) -> dict | None:
    """Of a run that used all its epochs and is not stuck, the watched loss's last fall
    where it was still improving, ending at its lowest: by more than `STILL_FALLING_SHARE`
    from the checkpoint before, else by more than `WINDOW_SHARE` over the last `WINDOW` of
    the epochs. ``loss`` (its name), ``before`` and ``after``, their ``epochs``, ``share``
    (the fall) and ``where`` (its span in words); else None."""
    if run.result.status != "max_epochs" or len(hist) < 3 or stuck_text(run, hist):
        return None
    watched = ("val_loss" if "val_loss" in hist and hist["val_loss"].notna().all()
               else "train_loss")
    loss = hist[watched].to_numpy(float)
    epochs = hist["epoch"].to_numpy(float)
    if not np.isfinite(loss).all() or loss[-2] <= 0 or loss[-1] > loss.min():
        return None
    start, where = len(loss) - 2, "at the last checkpoint"
    if 1 - loss[-1] / loss[start] <= STILL_FALLING_SHARE:
        # the last checkpoint at or before the window's start, further back than the one
        # before the last (which the test above read)
        start = int(np.searchsorted(epochs, epochs[-1] * (1 - WINDOW), side="right")) - 1
        if not 0 <= start < len(loss) - 2 or loss[start] <= 0 \
                or 1 - loss[-1] / loss[start] <= WINDOW_SHARE:
            return None
        where = f"over the last {count_of(epochs[-1] - epochs[start], 'epoch', fmt=',g')}"
    return {"loss": "validation loss" if watched == "val_loss" else "training loss",
            "before": float(loss[start]), "after": float(loss[-1]),
            "share": float(1 - loss[-1] / loss[start]), "where": where,
            "epochs": epochs[[start, -1]]}


def stop_detail(run, hist: pd.DataFrame) -> str:
    """The badge's detail: `stop_reason`, and that the loss was still falling where it was
    (`still_falling`), with the setting to raise."""
    reason = stop_reason(run)
    fall = still_falling(run, hist)
    if fall is None:
        return reason
    return (f"{reason}; the {fall['loss']} was still falling ({_fall_words(fall)} "
            f"{fall['where']}): raise {epochs_word(run)}")


def falling_text(run, hist: pd.DataFrame) -> str:
    """The note under the curves of a run that used all its epochs while its loss was
    still falling (`still_falling`), and the setting to raise ("" for any other run; QA:
    such a run showed a warning badge and nothing in words)."""
    fall = still_falling(run, hist)
    if fall is None:
        return ""
    first, last = fall["epochs"]
    return (f"Training stopped while the {fall['loss']} was still falling: "
            f"{fall['before']:.3g} at epoch {first:,g}, {fall['after']:.3g} at {last:,g} "
            f"({_fall_words(fall)}), its lowest yet. The net had not converged: train "
            f"again with a larger {epochs_word(run)} than this run's "
            f"{float(run.config.max_epochs):g}.")


def _fall_words(fall: dict) -> str:
    """The fall as a percentage ("−8 %"), as the report writes a share."""
    return f"−{100 * fall['share']:.0f} %"


def _epoch_text(epochs: float) -> str:
    """An epoch count as the cards give it: 77, or 12.5 for a fraction of one."""
    from .design import format_value

    epochs = float(epochs)
    return format_value(int(epochs)) if epochs.is_integer() else f"{epochs:.4g}"


def kept_epoch(result) -> float | None:
    """The epoch whose weights the run kept where that is not its last checkpoint's
    (early stopping put back an earlier one), else None."""
    rows = len(result.history)
    if result.final_row in (rows - 1, -1):
        return None
    return float(result.history["epoch"].iloc[result.final_row])


def epochs_card(result) -> str:
    """The "Epochs" card: the epochs trained, and the epoch of the weights kept where
    early stopping put back an earlier one (QA: "77" read as the model's epoch while its
    weights were epoch 67's, said only by a ring on the curve)."""
    text = _epoch_text(result.epochs)
    kept = kept_epoch(result)
    return text if kept is None else f"{text} (weights of epoch {_epoch_text(kept)})"
