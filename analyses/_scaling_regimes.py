"""Each batch size's regime under the fitted law: perfect scaling, diminishing returns,
maximal parallelism."""

from __future__ import annotations

import numpy as np

from ._scaling_fit import ScalingFit

#: B / B_crit below which a batch is "perfect scaling": E <= 1.5 E_min there.
PERFECT_BELOW = 0.5
#: B / B_crit above which a batch is "maximal parallelism": S <= 1.5 S_min there.
PARALLEL_ABOVE = 2.0
REGIMES = ("perfect scaling", "diminishing returns", "maximal parallelism")
#: The regime of a batch size that missed the target: its steps are unknown.
NOT_REACHED = "not reached"


def regimes(batch_sizes, fit: ScalingFit, reached=None) -> tuple[str, ...]:
    """Each batch size's regime: perfect scaling, diminishing returns, maximal parallelism.

    Thresholds at B / B_crit = 1/2 and 2, where E / E_min resp. S / S_min reach 1.5.
    Without a fitted B_crit the same thresholds hold on its bound: all "perfect scaling"
    when it lies above `EXTRAPOLATE` x the largest batch (B / B_crit < 1/2), all
    "maximal parallelism" when below the smallest / `EXTRAPOLATE` (> 2), "perfect scaling"
    below half the bound when B_crit is at least ``b_crit_at_least`` (dataset_too_small)
    and "unknown" from there, else "unknown" (a poor fit, an inconclusive one, too few
    points). A batch size
    whose entry in ``reached`` is false is `NOT_REACHED`: the regimes describe how steps
    to the target scale, and a batch that never got there within its budget was not
    measured, so no verdict is drawn.

    Parameters
    ----------
    batch_sizes : array-like
    fit : ScalingFit
        `fit_scaling_law`'s.
    reached : sequence of bool, optional
        Per batch size, whether it reached the target (default: all did).

    Returns
    -------
    tuple of str
    """
    b = np.asarray(batch_sizes, dtype=float)
    if fit.status == "no_critical_batch":
        verdicts = [REGIMES[0] for _ in b]
    elif fit.status == "below_range":
        verdicts = [REGIMES[2] for _ in b]
    elif fit.status == "dataset_too_small":  # B / B_crit <= B / n: a bound from above only
        verdicts = [REGIMES[0] if r < PERFECT_BELOW else "unknown"
                    for r in b / fit.b_crit_at_least]
    elif fit.status != "fitted":
        verdicts = ["unknown" for _ in b]
    else:
        verdicts = [REGIMES[0] if r < PERFECT_BELOW else REGIMES[2] if r > PARALLEL_ABOVE
                    else REGIMES[1] for r in b / fit.b_crit]
    if reached is not None:
        ok = np.asarray(reached, dtype=bool)
        if ok.shape != b.shape:
            raise ValueError(f"reached has {ok.size} entries for {b.size} batch sizes")
        verdicts = [v if hit else NOT_REACHED for v, hit in zip(verdicts, ok, strict=True)]
    return tuple(verdicts)
