"""A regression capacity sweep's RMSE in the target's own units, from its nets' losses (the
sweep keeps no nets): one source for its ``--json`` (``test_rmse``) and its report's cards
and tables."""

from __future__ import annotations

import math

import pandas as pd


def target_scale(result) -> float | None:
    """The regression target's scale as the sweep read it (its data record's ``y_scale``),
    or None (classification, or a result without a record).

    Parameters
    ----------
    result : CapacityResult
    """
    summary = (getattr(result, "data_record", None) or {}).get("summary") or {}
    if result.metric != "loss" or summary.get("y_scale") is None:
        return None
    return float(summary["y_scale"])


def run_rmse(runs: pd.DataFrame, y_scale: float, column: str = "test_loss") -> pd.Series:
    """Each run's RMSE in the target's own units from its ½·MSE loss on the scaled target,
    √(2 × loss) × ``y_scale`` (NaN where the loss is, a diverged run's included, as the
    table leaves its scores out)."""
    loss = runs[column].where(runs["status"] != "diverged")
    return loss.map(lambda v: y_scale * math.sqrt(2 * v)
                    if pd.notna(v) and math.isfinite(v) and v >= 0 else math.nan)


def config_rmse(result, column: str = "test_loss") -> pd.Series:
    """Per row of ``result.table``: its seeds' mean RMSE in the target's units from the
    loss ``column`` (default the test loss); NaN for classification and where a seed
    diverged, as its mean loss is.

    Parameters
    ----------
    result : CapacityResult
    column : str, default "test_loss"
        A loss column of ``result.table`` (``"val_loss"``...).
    """
    scale = target_scale(result)
    if scale is None:
        return pd.Series(math.nan, index=result.table.index, dtype=float)
    runs = result.runs.assign(_rmse=run_rmse(result.runs, scale, column))
    means = runs.groupby(["depth", "width"])["_rmse"].agg(lambda x: x.mean(skipna=False))
    return pd.Series([means.get((d, w), math.nan) for d, w in
                      zip(result.table["depth"], result.table["width"], strict=True)],
                     index=result.table.index, dtype=float)
