"""A scaling study's target: the default one, set by the reference runs, and the targets
it refuses, which a net meets without learning from the inputs (an untrained net, or one
that predicts a constant): steps to them say nothing of the batch size."""

from __future__ import annotations

import pandas as pd

from ._beats_baseline import BASELINE_MARGIN, beats_baseline

#: Default target: this fraction of the reference's best accuracy, or of its loss's drop.
REFERENCE_FRACTION = 0.95


def default_target(best: dict, metric: str) -> float:
    """``REFERENCE_FRACTION`` x the best reference run's best accuracy, or for the loss
    ``best + (1 - REFERENCE_FRACTION) (first - best)``: 95 % of the way down."""
    if metric == "val_accuracy":
        return REFERENCE_FRACTION * best["best_value"]
    first, low = best["first_value"], best["best_value"]
    return low + (1 - REFERENCE_FRACTION) * max(first - low, 0.0)


def budget_flag(steps: int, max_steps: int, max_epochs) -> str:
    """The flag that set a run's ``steps``: ``--max-epochs`` when its epochs come to fewer
    steps than ``--max-steps`` (12 steps of double-arc at batch 32, with --max-steps 10000
    unreached), else ``--max-steps``. The flags are the command's; `run_scaling`'s errors
    name its arguments instead from Python (`errors_in_python_words`)."""
    return "--max-epochs" if max_epochs is not None and steps < max_steps else "--max-steps"


def refuse_constant_target(target: float, metric: str, source: str, baseline: float,
                           task: str, budget_flag: str = "--max-steps") -> None:
    """Refuse a val_loss ``target`` that is not `BASELINE_MARGIN` below ``baseline``,
    the loss of a constant prediction (`trivial_baseline`), as ``lr-range --verify``
    calls a grid rate that did not beat it no learning (`beats_baseline`).

    Parameters
    ----------
    target : float
    metric : str
        The target's metric; a val_accuracy target is left to `refuse_met_at_start`
        and `refuse_majority_target`.
    source : str
        ``"user"`` for a given target, else what set it (the reference runs).
    baseline : float
        The validation loss of predicting the training set's mean (regression) or prior.
    task : str
        The dataset's task, which names the constant.
    budget_flag : str
        The flag that set the reference runs' steps: ``--max-epochs`` where its steps are
        fewer than ``--max-steps``' (`budget_flag`).

    Raises
    ------
    ValueError
        The target is no better than that constant's loss.
    """
    if metric != "val_loss" or beats_baseline(target, baseline):
        return
    what = "mean" if task == "regression" else "prior"
    why = ("a net that learned nothing from the inputs reaches it; set a lower --target"
           if source == "user" else "the reference runs learned nothing beyond a constant; "
           f"raise {budget_flag} or the rates, or set --target")
    raise ValueError(f"the val_loss target {target:.4g}"
                     + ("" if source == "user" else f" ({source})")
                     + f" is not {BASELINE_MARGIN:.0%} below the {baseline:.4g} that a "
                     f"constant prediction of the training set's {what} scores: {why}")


def refuse_met_at_start(runs: pd.DataFrame, best: dict | None, metric: str, target: float,
                        source: str, budget: int | None = None,
                        budget_flag: str = "--max-steps") -> None:
    """Refuse a ``target`` that a run met at step 0, untrained: its steps measure nothing.

    Parameters
    ----------
    runs : DataFrame
        The study's runs (``reached``, ``steps``, ``batch_size``).
    best : dict or None
        The best reference run (`_reference_table`), when the target is the default one.
    metric : str
    target : float
    source : str
        ``"user"`` for a given target.
    budget : int, optional
        The reference runs' steps, named where they learned nothing.
    budget_flag : str
        The flag that set them (`budget_flag`), named to raise.

    Raises
    ------
    ValueError
        A run reached the target before any step, with what to change.
    """
    at_start = runs[runs["reached"] & (runs["steps"] == 0)]
    if not len(at_start):
        return
    if source == "user":
        why = "set a harder --target"
    elif best["best_value"] > best["first_value"] and metric == "val_accuracy":
        # imbalanced data: the untrained net scores the majority share already
        why = (f"the reference run learned (from {best['first_value']:.4g} to "
               f"{best['best_value']:.4g}), but {REFERENCE_FRACTION:g} x its best is "
               "below where an untrained net starts, as on imbalanced data: use "
               "--target-metric val_loss, or set --target")
    else:
        # QA: it never named the budget, which 5 steps had not been enough to learn in
        steps = "" if budget is None else f" in {budget} steps"
        why = (f"the reference runs learned nothing better{steps} (diverged or stuck): "
               f"raise {budget_flag}, try lower or more learning rates, or set --target")
    raise ValueError(f"the untrained net already reaches the {metric} target "
                     f"{target:.4g} (batch {int(at_start['batch_size'].iloc[0])}); {why}")


def refuse_met_by_reference(reference: pd.DataFrame, best: dict | None, metric: str,
                            target: float, source: str, batch: int, budget: int | None = None,
                            budget_flag: str = "--max-steps") -> None:
    """Refuse, before the study's runs, a ``target`` the reference runs' untrained net met
    (their ``first_value``): it is the study's first seed's untrained net at every batch
    size (seed ``(seed, 0)``, ``batch`` the smallest), which `refuse_met_at_start` would
    refuse once they ran. Its words, its arguments."""
    first = reference["first_value"]
    met = first >= target if metric == "val_accuracy" else first <= target  # NaN: not met
    refuse_met_at_start(pd.DataFrame({"reached": met, "steps": 0, "batch_size": batch}),
                        best, metric, target, source, budget, budget_flag)


def refuse_majority_target(target: float, metric: str, source: str, majority: float,
                           best: dict | None, budget_flag: str = "--max-steps") -> None:
    """Refuse a val_accuracy ``target`` at or below ``majority``, what always predicting
    the training set's majority class scores on validation: a run that turned constant met
    it. Called before the study's runs (a given target: before any run; the default one:
    once the reference runs set it), as both the target and the share are known then.

    QA: digits' eights at 1:20, default target 0.929 against 0.956: every batch size
    "reached" it in 1 step, and the fit put B_crit below the range, every batch past it.
    """
    if metric != "val_accuracy" or not target <= majority:  # NaN: nothing to compare
        return
    if source == "user":
        why = ("a net that learned nothing from the inputs reaches it; set a higher --target, "
               "or use --target-metric val_loss")
    elif best["best_value"] > majority:
        why = (f"the reference run learned (to {best['best_value']:.4g}), but "
               f"{REFERENCE_FRACTION:g} x its best is not above it, as on imbalanced data: use "
               "--target-metric val_loss, or set --target")
    else:
        why = (f"the reference runs learned nothing beyond that constant: raise {budget_flag} "
               "or the rates, or set --target")
    raise ValueError(f"the val_accuracy target {target:.4g}"
                     + ("" if source == "user" else f" ({source})")
                     + f" is not above the {majority:.4g} that always predicting the training "
                     f"set's majority class scores: {why}")
