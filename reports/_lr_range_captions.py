"""The lr-range report's words for its loss curves and its verification runs: what the
curve records and how it is smoothed, how each suggestion is read off it, and which
verification runs the verdict counts as failed."""

from __future__ import annotations

import math

import numpy as np

from ._run_files import result_task


def curves_caption(result) -> str:
    """The caption of the loss-against-rate figure: the curves, the suggestions' lines and
    the rule of each suggestion (QA: only minimum's was said, not valley's, the default)."""
    recorded = _recorded(result)
    if result.beta:
        curves = (f"Faint: {recorded}; solid: its debiased moving average, one line per "
                  f"seed{_smoothing(result.beta)}.")
    else:
        curves = (f"Solid: {recorded}, one line per seed (not smoothed: " + (
            "the looper holds each rate, so each point is already an average)."
            if result.mode == "looper" else "beta 0)."))
    return (curves + " Vertical lines: each suggestion's median over seeds (the chosen one "
            "solid), each with its shape at the top, shaded over its interquartile range. "
            + _rules_text(result))


def _recorded(result) -> str:
    """What the range test recorded at each point: with ``val`` a validation loss, which
    the curve's caption must say (the suggestions are read off it)."""
    if not result.val:
        return "the recorded loss"
    if result.mode == "looper":
        return "the loss on the whole validation set after each rate's epochs"
    n_val = result.data_record.get("summary", {}).get("sizes", {}).get("val")
    batch = result.config.get("val_batch")
    size = (f"{min(batch, n_val)} " if batch and n_val else
            f"up to {batch} " if batch else "")
    return f"the loss on a fixed batch of {size}validation examples after each step"


def _smoothing(beta: float) -> str:
    """What "debiased moving average" means, with the test's ``beta`` (`_lr_ramp`'s
    recorder)."""
    return (f": each point's average is {beta:g} times the one before plus {1 - beta:g} "
            f"times its own loss (an exponential moving average), divided by 1 − {beta:g}^k "
            "at the k-th point so that the first points are not pulled toward the 0 it "
            "starts from")


def _rules_text(result) -> str:
    """How each seed's suggestions are read off its curve: what is cut first, then each
    rule in a clause (`analyses.SUGGESTION_RULES`), the default named."""
    from analyses import (
        DEFAULT_SUGGESTION,
        LOOPER_RISE,
        SKIP_END,
        SKIP_START_FRACTION,
        SUGGESTION_RULES,
    )

    rise = min(LOOPER_RISE, result.config.get("diverge", math.inf))
    end = (f"the segments from the first whose loss rose past {rise:g}x its best before on "
           "(the blow-up; at least the one it stopped on)" if result.mode == "looper" else
           f"its last {SKIP_END} (the blow-up)")
    shown = set(result.suggestions["name"])
    rules = "; ".join(f"{name}{' (the default)' if name == DEFAULT_SUGGESTION else ''} "
                      f"{rule}" for name, rule in SUGGESTION_RULES.items() if name in shown)
    return (f"Each seed's suggestions are read off its solid curve without its first "
            f"{SKIP_START_FRACTION:.0%} of the planned points (the loss has not moved yet) "
            f"and {end}: {rules}.")


def verify_runs_table(result):
    """The "Every verification run" table and its caption: with a constant prediction's
    loss to beat, a ``beats_constant`` column (yes / no) by the rule the verdict counts
    failures with (`analyses.failed_runs`). QA: the verdict said runs failed at rates whose
    rows read only ``max_epochs``, their losses above the constant's by a rule not shown."""
    from analyses import BASELINE_MARGIN, failed_runs

    runs, v = result.verify, result.verdict or {}
    regression = result_task(result) == "regression"
    if regression:  # regression nets have no accuracy: its column would be dashes
        runs = runs.drop(columns=["val_accuracy"], errors="ignore")
    base = v.get("baseline_val_loss")
    if base is None or not math.isfinite(base):  # an older result: no baseline recorded
        return runs, "Every verification run."
    runs = runs.copy()
    at = list(runs.columns).index("status") + 1
    runs.insert(at, "beats_constant", np.where(failed_runs(result.verify, v), "no", "yes"))
    acc = v.get("baseline_val_accuracy")
    rule = (f"its validation loss ended more than {BASELINE_MARGIN:.0%} below the "
            f"{base:.4g} of always predicting the training set's "
            + ("mean" if regression else "class shares"))
    if not regression and acc is not None and math.isfinite(acc):
        rule += (f", or, with a loss not above {base:.4g}, its accuracy more than "
                 f"{BASELINE_MARGIN:g} above the {acc:.3g} of always predicting the "
                 "majority class")
    return runs, (f"Every verification run. beats_constant: yes where the run learned: "
                  f"{rule}. The verdict counts the others, and diverged runs, as failed.")
