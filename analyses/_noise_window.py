"""B_simple over a window of a run's noise-scale measurements (`GradientNoiseScale`'s
frame): the ratio of the window's mean estimates, with a bootstrap interval."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

#: `window_noise_scale` averages over the last this fraction of the steps up to a step.
NOISE_WINDOW = 0.5
#: Its interval: the central 95 % of bootstrap ratios, as wide as the tool's other
#: intervals (68 %, about ± one standard error, read narrow beside their 95 %).
NOISE_INTERVAL = 0.95


def window_noise_scale(frame: pd.DataFrame, until: float, *, rng: np.random.Generator,
                       fraction: float = NOISE_WINDOW) -> dict:
    """B_simple over the measurements in the last ``fraction`` of the steps up to ``until``.

    The ratio of the window's mean tr(Sigma) and mean |G|^2 estimates (each unbiased,
    so their means are too), with the central `NOISE_INTERVAL` of bootstrap ratios
    over its measurements (the sampling noise and the true ups and downs along the
    run both widen it).

    Returns
    -------
    dict
        ``b_simple`` (NaN when a mean comes out <= 0, or no measurement lies in the
        window), ``low`` and ``high`` (NaN with fewer than 3 measurements),
        ``measurements``, ``from_step``, ``to_step``.
    """
    at = frame[frame["step"] <= until].dropna(subset=["g2_raw", "trace_raw"])
    # none in the window, none taken from before it: the last one there may be step 0's,
    # the untrained net's (QA: digits, target at step 89, measured every 100 steps)
    window = at[at["step"] >= fraction * until]
    out = {"b_simple": math.nan, "low": math.nan, "high": math.nan,
           "measurements": len(window),
           "from_step": float(window["step"].min()) if len(window) else math.nan,
           "to_step": float(window["step"].max()) if len(window) else math.nan}
    if window.empty:
        return out
    g2, tr = window["g2_raw"].to_numpy(float), window["trace_raw"].to_numpy(float)
    if g2.mean() > 0 and tr.mean() >= 0:
        out["b_simple"] = float(tr.mean() / g2.mean())
    if len(window) >= 3 and math.isfinite(out["b_simple"]):
        res = stats.bootstrap((tr, g2), lambda t, g, axis: t.mean(axis) / g.mean(axis),
                              paired=True, vectorized=True, method="percentile",
                              confidence_level=NOISE_INTERVAL, n_resamples=2000, rng=rng)
        low, high = res.confidence_interval
        # a resample whose mean |G|^2 is <= 0 has no ratio: then the interval is open
        out["low"] = float(low) if low > 0 else math.nan
        out["high"] = float(high) if low > 0 else math.nan
    return out
