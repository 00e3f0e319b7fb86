"""The rates a learning-rate range test reports, as the decimals they stand for.

A looper's rates are ``np.linspace`` within each decade (0.00039999999999999996 for
4e-4), a one-seed median is ``10 ** log10(rate)`` (0.004999999999999999 beside the
seed's own 0.005) and the verification's grid is the suggestion times its factors: the
``--json``, the CSVs and the result's frames said those floats. Each rate within ~1e-14
of a short decimal is said as that decimal (`decimal_rates`, as a scaling grid's); the
nets trained at the floats as computed, which stay as they were (same seed, same bits).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._lr_grid import decimal_rates

# the columns of `LRRangeResult.runs` that hold rates, beside one per suggestion
_RUN_RATES = ("stop_lr", "divergence_lr", "rise_lr")
# the keys of `verify_verdict` that hold rates
_VERDICT_RATES = ("suggested_lr", "best_grid_lr", "best_lr", "best_range_low",
                  "best_range_high")


def said_rate(rate):
    """``rate`` as the decimal it stands for (within ~1e-14 of one of up to 8 digits);
    None, NaN and infinities as they are.

    Parameters
    ----------
    rate : float or None
        A rate a test reports.
    """
    if rate is None or not math.isfinite(rate):
        return rate
    return float(decimal_rates([rate])[0])


def said_column(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """A copy of ``frame`` with its ``columns`` of rates (those it has) `said_rate`'s.

    Parameters
    ----------
    frame : DataFrame
        A result's table.
    columns : iterable of str
        The names of its rate columns.
    """
    frame = frame.copy()
    for name in columns:
        if name in frame:
            rates = frame[name].to_numpy(dtype=np.float64, copy=True)
            finite = np.isfinite(rates)  # inf - inf warned in `decimal_rates`
            rates[finite] = decimal_rates(rates[finite])
            frame[name] = rates
    return frame


def said_verdict(verdict: dict | None) -> dict | None:
    """``verdict`` (`verify_verdict`'s) with its rates `said_rate`'s; None as it is.

    Parameters
    ----------
    verdict : dict or None
        A verification's verdict.
    """
    if verdict is None:
        return None
    return {k: said_rate(v) if k in _VERDICT_RATES else v for k, v in verdict.items()}


def said_runs(runs: pd.DataFrame, names) -> pd.DataFrame:
    """``runs`` (one row per seed) with its stop, divergence and rise rates and each
    suggestion's rate (``names``) `said_rate`'s.

    Parameters
    ----------
    runs : DataFrame
        `LRRangeResult.runs`.
    names : iterable of str
        The suggestions' names, each a column.
    """
    return said_column(runs, (*_RUN_RATES, *names))
