"""What a scaling study's runs say, once they are in: the best rate per batch size, the
scaling law fitted to their steps, each batch size's verdicts, the learning-rate exponent
over the batch sizes below B_crit and the batch size at which the rate reaches its cap."""

from __future__ import annotations

import math

import pandas as pd

from ._lr_rule import LrExponent, fit_lr_exponent, lr_cap_batch
from ._scaling_fit import ScalingFit
from ._scaling_law import fit_scaling_law
from ._scaling_runs import best_per_batch
from ._scaling_verdicts import B_CRIT_UNKNOWN, _unmeasured_at_the_edge, _verdicts, why_missed
from ._slope_bound import small_batches


def read_runs(runs: pd.DataFrame, n_train: int,
              rates: tuple[float, ...]) -> tuple[pd.DataFrame, ScalingFit, LrExponent, float]:
    """The per-batch table, the fitted law, the rate exponent (`fit_lr_exponent`'s) and
    the cap's batch size (`lr_cap_batch`, NaN where no batch anchors it) of ``runs`` (one
    row per batch size, rate and seed) over the rate grid ``rates``."""
    batches = best_per_batch(runs)
    fit = fit_scaling_law(batches["batch_size"], batches["steps"], n_train=n_train,
                          why_missed=why_missed(runs))
    fit = _unmeasured_at_the_edge(batches, runs, fit)
    batches = _verdicts(batches, runs, fit)
    lr_col = batches["lr_opt"]
    # the rules hold below B_crit; below_range bounds it by the smallest batch that reached
    # the target (no B_crit to quote), so every batch size that did lies above it
    small, bound = small_batches(fit.status, fit.b_crit, batches["batch_size"],
                                 batches["reached"])
    exponent = fit_lr_exponent(batches["batch_size"], lr_col, max_batch=small, grid=rates,
                               bound=bound, b_crit_unknown=fit.status in B_CRIT_UNKNOWN)
    anchor = batches[batches["reached"]]
    # an anchor rate at the grid's edge is a bound, not the best rate: no cap from it
    cap = lr_cap_batch(anchor["batch_size"].iloc[0], anchor["lr_opt"].iloc[0]) \
        if len(anchor) and not anchor["at_grid_edge"].iloc[0] else math.nan
    return batches, fit, exponent, cap
