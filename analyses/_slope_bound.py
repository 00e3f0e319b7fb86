"""Which batch sizes the best rates' slope is fitted over, and whether that slope is only a
bound: a best rate at an edge of the rate grid is the edge's, the true one lies beyond it,
and that moves a least-squares slope one way or the other (pure functions)."""

from __future__ import annotations

import math

import numpy as np

from ._scaling_law import MIN_POINTS

#: `slope_bound`'s answers: the fitted slope is a lower bound (the true one is steeper), an
#: upper bound, or moved both ways by edges on both sides (no bound at all).
LOWER, UPPER, EITHER = "at least", "at most", "either way"
#: What is said of a slope that edges pull both ways (`EITHER`).
NO_SLOPE_MEASURED = "no slope measured (best rates at both edges of the grid pull it opposite ways)"


def fitted_points(batch_sizes, lrs, max_batch: float | None = None, bound: bool = False):
    """The sizes and best rates `fit_lr_exponent` fits: those with a positive rate, sorted,
    up to ``max_batch`` (below it when ``bound``) but at least `MIN_POINTS` of them.

    Returns
    -------
    tuple
        ``(b, lr, below, n_all)``: the fitted sizes and rates, how many lie within
        ``max_batch``, and how many had a rate at all.
    """
    b = np.asarray(batch_sizes, dtype=float)
    lr = np.asarray([math.nan if v is None else v for v in lrs], dtype=float)
    keep = np.isfinite(lr) & (lr > 0)
    b, lr = b[keep], lr[keep]
    order = np.argsort(b)
    b, lr = b[order], lr[order]
    below = n_all = len(b)
    if max_batch is not None and math.isfinite(max_batch):
        below = int(np.sum(b < max_batch if bound else b <= max_batch))
        n_small = max(below, MIN_POINTS)
        b, lr = b[:n_small], lr[:n_small]
    return b, lr, below, n_all


def small_batches(status: str, b_crit, batch_sizes, reached) -> tuple[float | None, bool]:
    """The ``max_batch`` and ``bound`` a scaling study fits the slope with: B_crit where the
    law placed one, the smallest size that reached the target after ``below_range`` (an
    upper bound on B_crit), else every size."""
    if status == "fitted":
        return float(b_crit), False
    if status == "below_range":
        return float(min(b for b, ok in zip(batch_sizes, reached, strict=True) if ok)), True
    return None, False


def slope_bound(b, lr, grid) -> str:
    """What the grid's edges make of a slope fitted to ``(b, lr)`` (`fitted_points`).

    A best rate at the grid's top lies higher, at its bottom lower; in the least-squares
    slope each size weighs ``log b - mean(log b)``, so a top-edge rate at a size above the
    mean, or a bottom-edge one below it, makes the slope a lower bound (`LOWER`), the
    opposite an upper one (`UPPER`); edges pulling both ways leave none (`EITHER`). "" when
    no edge rate moves the slope (none, or one at the mean size).
    """
    if grid is None or len(b) < 2:
        return ""
    g = np.unique(np.asarray(grid, dtype=float))
    x = np.log(np.asarray(b, dtype=float))
    w = x - x.mean()
    w[np.isclose(w, 0, atol=1e-9)] = 0  # the middle of 1, 2, 4: round-off, not a weight
    lr = np.asarray(lr, dtype=float)
    pulls = {*np.sign(w[np.isclose(lr, g[-1])]), *-np.sign(w[np.isclose(lr, g[0])])} - {0}
    if not pulls:
        return ""
    return LOWER if pulls == {1} else UPPER if pulls == {-1} else EITHER


def slope_text(alpha: float, se, bound: str) -> str | None:
    """The slope as the verdicts say it: ``"0.52 ± 0.20"`` measured (no error where ``se``
    is None or NaN), ``"≥ 0.52"`` or ``"≤ 0.52"`` a bound (`slope_bound`'s answer; no
    error), None where edges pull it both ways (`EITHER`). Two decimals, -0.00 as 0.00.

    Parameters
    ----------
    alpha : float
        The slope.
    se : float or None
        Its standard error.
    bound : str
        `slope_bound`'s answer ("" when measured).
    """
    if bound == EITHER:
        return None
    text = f"{round(alpha, 2) + 0.0:.2f}"  # + 0.0: -1e-18 prints 0.00, not -0.00
    if bound:
        return f"{'≥' if bound == LOWER else '≤'} {text}"
    return text + (f" ± {se:.2f}" if se is not None and math.isfinite(se) else "")


def summary_slope_bound(summary: dict) -> str:
    """`slope_bound` of a scaling study's summary (``--json``'s object).

    Parameters
    ----------
    summary : dict
        `ScalingResult.summary` (``hplab scaling --json``'s object).
    """
    max_batch, bound = small_batches(summary["fit_status"], summary["b_crit"],
                                     summary["batch_sizes"], summary["reached"])
    b, lr, _, _ = fitted_points(summary["batch_sizes"], summary["lr_opt"], max_batch, bound)
    return slope_bound(b, lr, summary["lrs"])
