"""A regression capacity sweep's loss in words and its RMSE in the data's own units, as
the training and study reports give them (the sweep keeps no nets, only their losses)."""

from __future__ import annotations

from types import SimpleNamespace

from ._head_words import regression_loss, target_scaled


def target_of(result) -> SimpleNamespace | None:
    """The regression target's scaling as the sweep read it (``y_shift``, ``y_scale``,
    ``info`` of its data record's summary), or None (classification, or no record)."""
    summary = (getattr(result, "data_record", None) or {}).get("summary") or {}
    if result.metric != "loss" or summary.get("y_scale") is None:
        return None
    return SimpleNamespace(y_shift=float(summary.get("y_shift") or 0.0),
                           y_scale=float(summary["y_scale"]), info=summary.get("info") or {})


def loss_label(target) -> str:
    """The loss's short name, as the training report's card: "loss (½·MSE, scaled y)"."""
    if target is None:
        return "loss"
    return "loss (½·MSE, scaled y)" if target_scaled(target) else "loss (½·MSE)"


def loss_words(target) -> str:
    """What the loss is, in words (`regression_loss`), and how the RMSE follows from it."""
    if not target_scaled(target):  # ?scaling=none: the loss is in the target's own units
        return (f"Loss: {regression_loss(target)}. The RMSE is in those units too: "
                "√(2 × loss) per run (the head's loss is half the mean squared error), "
                "averaged over seeds.")
    return (f"Loss: {regression_loss(target)}. The RMSE is in the target's own units: "
            f"√(2 × loss) × {target.y_scale:.4g} per run (the head's loss is half the mean "
            "squared error of the scaled target), averaged over seeds.")


def losses_caption(target) -> str:
    """The per-configuration table's word on its losses and its ``test_rmse`` column."""
    if not target_scaled(target):
        return " Losses: ½·MSE in the target's own units; test_rmse: in them too."
    return " Losses: ½·MSE on the scaled target; test_rmse: in the target's own units."
