"""The per-batch verdicts of a scaling study, once its law is fitted: why a batch size
missed the target, its tuned rate, its regime and the rule rates, and a fit whose B_crit
was read off the rate grid's edge."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._lr_rule import LR_CAP, rule_rates
from ._refine_lr import refine_lr
from ._scaling_fit import ScalingFit
from ._scaling_regimes import regimes
from ._scaling_runs import median_steps_by_rate

#: Fits after which no one knows which batch sizes lie below B_crit, where the rules hold.
B_CRIT_UNKNOWN = ("poor_fit", "inconclusive")


def _unmeasured_at_the_edge(batches: pd.DataFrame, runs: pd.DataFrame,
                            fit: ScalingFit) -> ScalingFit:
    """``fit``, or "inconclusive" when every batch size that reached the target has its
    best rate at an edge of the rate grid (one rate tried, say): the steps at each one's
    best rate were never measured, and a B_crit read off them was read off the grid."""
    reached = batches[batches["reached"]]
    edges = (runs["lr"].min(), runs["lr"].max())
    if fit.status in ("too_few_points", *B_CRIT_UNKNOWN) or not len(reached) or \
            not reached["best_lr"].isin(edges).all():
        return fit
    sizes = ", ".join(f"{b:g}" for b in reached["batch_size"])
    return ScalingFit(
        "inconclusive", f"the best rate sits at an edge of the rate grid for every batch "
        f"size that reached the target (B = {sizes}): the steps at each one's best rate were "
        f"not measured, so B_crit cannot be placed (widen the grid: --lrs or --lr-range)",
        n_points=fit.n_points)


def why_missed(runs: pd.DataFrame) -> dict[float, str]:
    """Per batch size that never reached the target, why: ``"not reached"`` if any of its
    runs ran out of steps (more steps might reach it), else ``"stalled"``,
    ``"diverged"`` or ``"stalled or diverged"``."""
    out = {}
    for b, grp in runs.groupby("batch_size"):
        if grp["reached"].any():
            continue
        kinds = set(grp["status"])
        out[float(b)] = ("not reached" if "not reached" in kinds else
                         " or ".join(k for k in ("stalled", "diverged") if k in kinds))
    return out


def _verdicts(batches: pd.DataFrame, runs: pd.DataFrame, fit: ScalingFit) -> pd.DataFrame:
    """Add lr_opt, regime, fitted curves and the rule rates to the per-batch table."""
    out = batches.copy()
    lr_opt = []
    for b, ok, grid_best in zip(out["batch_size"], out["reached"], out["best_lr"],
                                strict=True):
        per_rate = median_steps_by_rate(runs, b)
        # centred on best_lr: two rates tied on median steps are told apart by their mean
        # there, and the parabola sat on the other one
        lr_opt.append(refine_lr(per_rate.index.to_numpy(), per_rate.to_numpy(), grid_best)
                      if ok else math.nan)
    out["lr_opt"] = lr_opt
    out["regime"] = regimes(out["batch_size"], fit, out["reached"])
    out["fitted_steps"] = fit.steps(out["batch_size"])
    out["fitted_examples"] = fit.examples(out["batch_size"])
    reached = out[out["reached"]]
    if len(reached):
        lin, sq = rule_rates(out["batch_size"], reached["batch_size"].iloc[0],
                             reached["lr_opt"].iloc[0])
    else:
        lin = sq = np.full(len(out), math.nan)
    out["linear_rule_lr"], out["sqrt_rule_lr"] = lin, sq
    out["above_cap"] = out["linear_rule_lr"] > LR_CAP
    lrs = sorted(runs["lr"].unique())
    out["at_grid_edge"] = out["best_lr"].isin([lrs[0], lrs[-1]]) & out["reached"]
    return out
