"""The rate grid of a scaling study: log-spaced rates between two bounds (`lr_grid`), and
the decimals such rates stand for (`decimal_rates`). Of numpy alone, so that `hplab
scaling --help` reads its defaults (the flags' --lr-grid and --lr-range) without the
seconds pandas and scipy cost. Its messages name its arguments, which hplab's errors say
as the flags that set them."""

from __future__ import annotations

import math

import numpy as np

#: Learning rates beyond this are a typo, not a grid: each rate trains a net per batch size
#: and seed (``--lr-grid 100000`` spent minutes checking its list before the first run).
MAX_RATES = 1000

# A rate this close (relative) to a decimal of at most _DECIMAL_DIGITS significant digits
# is that decimal: np.geomspace misses them by an ulp or two (NumPy 1.26's 0.001..10 in 3
# gave 0.09999999999999999, NumPy 2's 0.1; NumPy 2's 0.003..3 in 4 gives
# 0.03000000000000001). With 12 digits, 1 rate in ~70 of other ramps lay that close to
# one by chance, and moved; with 8, none of 260,000.
_DECIMAL_TOLERANCE = 1e-14
_DECIMAL_DIGITS = 8


def decimal_rates(rates) -> np.ndarray:
    """``rates`` with each one within ~1e-14 of a short decimal made that decimal.

    So log-spaced rates are the same on every NumPy version where they stand for a
    decimal (a run's rate, the ``--json`` and the CSVs); the others are left to the bit.

    Parameters
    ----------
    rates : array_like of float
        Finite rates.

    Returns
    -------
    ndarray
    """
    rates = np.asarray(rates, dtype=float)
    near = np.array([float(f"{r:.{_DECIMAL_DIGITS}g}") for r in rates.ravel()]
                    ).reshape(rates.shape)
    return np.where(np.abs(near - rates) <= _DECIMAL_TOLERANCE * np.abs(near), near, rates)


def lr_grid(num: int = 9, low: float = 1e-3, high: float = 10.0) -> tuple[float, ...]:
    """``num`` log-spaced rates over [low, high] (default: half a decade apart).

    Parameters
    ----------
    num : int
        From 1 to `MAX_RATES`.
    low, high : float
        The first and the last rate: finite, 0 < low <= high (low == high with num 1).

    Returns
    -------
    tuple of float
    """
    if num < 1:
        raise ValueError(f"num must be at least 1 rate, got {num}")
    if num > MAX_RATES:  # each rate: a run per batch size and seed
        raise ValueError(f"num must be at most {MAX_RATES} rates, got {num}")
    if not 0 < low <= high or not math.isfinite(high):
        raise ValueError(f"low,high must be finite bounds 0 < low <= high, got "
                         f"{low:g},{high:g}")
    if low == high and num > 1:  # one rate num times: the same runs over
        raise ValueError(f"low,high {low:g},{high:g} is one rate, not {num} (num={num}): "
                         "give two bounds, or one rate (num=1)")
    return tuple(float(v) for v in decimal_rates(np.geomspace(low, high, num)))
