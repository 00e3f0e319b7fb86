"""The best learning rate of a log grid, refined between its neighbours by a parabola
through log steps (or log loss)."""

from __future__ import annotations

import math

import numpy as np


def refine_lr(lrs, steps, best: float | None = None) -> float:
    """The best rate on a log grid, refined by a parabola through log steps.

    Parameters
    ----------
    lrs : array-like
        Increasing rates of the grid.
    steps : array-like
        Steps to target at each rate (inf or NaN = not reached).
    best : float, optional
        The grid rate the caller chose among rates tied at the fewest steps (its own
        tie-break): the parabola is centred there. Default: the first of them.

    Returns
    -------
    float
        The vertex of the parabola through the best grid point and its two neighbours in
        (log lr, log steps), kept between those neighbours; the grid point itself when it
        sits at an edge or a neighbour did not reach; NaN when none reached.

    Raises
    ------
    ValueError
        ``lrs`` and ``steps`` differ in length.
    """
    lr = np.asarray(lrs, dtype=float)
    s = np.asarray(steps, dtype=float)
    if len(lr) != len(s):
        raise ValueError(f"lrs and steps differ in length: {len(lr)} and {len(s)}")
    s = np.where(np.isfinite(s) & (s > 0), s, np.inf)
    if not np.isfinite(s).any():
        return math.nan
    i = int(np.argmin(s))
    tied = np.flatnonzero((s == s[i]) & np.isclose(lr, best if best is not None else lr[i]))
    i = int(tied[0]) if len(tied) else i
    if i == 0 or i == len(s) - 1 or not np.isfinite(s[[i - 1, i + 1]]).all():
        return float(lr[i])
    x, y = np.log(lr[i - 1:i + 2]), np.log(s[i - 1:i + 2])
    a, b_, _ = np.polyfit(x, y, 2)
    if a <= 0:  # flat or concave: no interior minimum to trust
        return float(lr[i])
    return float(np.exp(np.clip(-b_ / (2 * a), x[0], x[2])))
