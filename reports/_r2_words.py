"""A regression's R² in plain words: RMSE and MAE alone never said a fit was a flat line
(QA: a curve study's best trial predicted only the mean, and its report did not say so)."""

from __future__ import annotations

import math

from ._numbers import format_value

#: Below this R² a fit is read out as poor; at or above it nothing is said beside the value.
POOR_R2 = 0.5
#: Within this of 0 (or below 0) a fit is no better than a constant.
FLAT_R2 = 0.05


def r2_value(r2) -> str:
    """R² for a card or a sentence: three decimals, "undefined" where it is (None, NaN)."""
    if r2 is None or not math.isfinite(r2):
        return "undefined"
    return f"{r2:.3f}" if abs(r2) < 1e3 else format_value(float(r2))


def r2_reading(r2, net: str = "the net") -> str:
    """A sentence reading R² of the test set where the fit is poor or R² undefined; empty
    for a fit that explains at least half of the test targets' variance. ``net``: the
    sentence's subject, "the best net (1 × 2)" (QA: "best net: R² 0.080: the net..." read
    as two colons in one line).

    R² compares the squared errors with those of predicting the test targets' mean: 0 is
    no better than a flat line at the mean, below 0 worse than it.
    """
    if r2 is None or not math.isfinite(r2):
        return ("R² is undefined: the test targets are all the same value, or the "
                "predictions are not finite numbers.")
    if r2 < -FLAT_R2:
        return (f"R² {r2_value(r2)} is below 0: {net} predicts worse than a flat line at "
                "the mean of the test targets would.")
    if r2 < FLAT_R2:
        return (f"R² {r2_value(r2)} is near 0: {net} is no better than predicting the mean "
                "of the targets (a flat line); it has not learned how the target varies.")
    if r2 < POOR_R2:
        return (f"R² {r2_value(r2)}: {net} explains only {r2:.0%} of the test targets' "
                "variance, a poor fit.")
    return ""
