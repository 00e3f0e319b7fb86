"""The fitted batch-size scaling law, S(B) = S_min (1 + B_crit / B), or why there is none."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScalingFit:
    """The fitted law, or why there is none.

    ``status`` is ``"fitted"`` (B_crit within `EXTRAPOLATE` x the tested batch sizes and
    the law holding there; the message says when it lies outside them),
    ``"no_critical_batch"`` (B_crit beyond that above the largest batch, and the steps fall
    as 1/B with R² >= `R2_MIN`; ``b_crit_at_least`` is that bound, 4 x the largest batch
    that reached the target),
    ``"below_range"`` (beyond it below the smallest batch, and the steps hardly fall; or
    below 1, the smallest batch there is, within that factor or not),
    ``"inconclusive"`` (the steps hardly fall over the batches that reached the target, but
    a smaller batch missed it within its budget, so they do fall down there: B_crit cannot
    be placed below the range), ``"poor_fit"`` (the steps do not follow the law: R² <
    `R2_MIN`, steps spread widely where the law puts B_crit below the range, or a batch
    took clearly fewer steps than the fitted S_min, the law's floor (`FLOOR_SE`): no B_crit
    can be read), ``"dataset_too_small"`` (the law puts B_crit at or above the training-set
    size, which no batch can exceed: the full batch still scales and B_crit cannot be
    measured on this set; ``b_crit_at_least`` bounds it: the set's size, or 4 x the largest
    batch that reached the target when the steps fall as 1/B up to it) or
    ``"too_few_points"``. The
    bounds count only the batch sizes that reached the target. S_min, E_min and B_crit are
    NaN unless fitted; R² is NaN for below_range, inconclusive, too_few_points and a
    poor_fit that puts B_crit below the range (a nearly flat line's R² is its noise).

    Attributes
    ----------
    status : str
        As above.
    message : str
        The verdict in words.
    s_min, e_min : float
        The law's fewest steps and fewest examples (`steps`, `examples`).
    b_crit : float
        The critical batch size B_crit.
    r2 : float
        R² of the fit of log S.
    n_points : int
        The runs that reached the target (each seed's its own point).
    b_crit_at_least : float
        A lower bound on B_crit (no_critical_batch, dataset_too_small), else NaN.
    """

    status: str
    message: str
    s_min: float = math.nan
    e_min: float = math.nan
    b_crit: float = math.nan
    r2: float = math.nan  # of log S
    n_points: int = 0
    b_crit_at_least: float = math.nan  # a lower bound on B_crit (no_critical_batch,
    # dataset_too_small)

    def steps(self, batch_sizes) -> np.ndarray:
        """S(B) = S_min (1 + B_crit / B) on the fitted law (NaN when not fitted).

        Parameters
        ----------
        batch_sizes : array-like of int
        """
        return mccandlish_steps(batch_sizes, self.s_min, self.b_crit)

    def examples(self, batch_sizes) -> np.ndarray:
        """E(B) = E_min (1 + B / B_crit) on the fitted law (NaN when not fitted).

        Parameters
        ----------
        batch_sizes : array-like of int
        """
        b = np.asarray(batch_sizes, dtype=float)
        return self.e_min * (1 + b / self.b_crit)


def mccandlish_steps(batch_sizes, s_min: float, b_crit: float) -> np.ndarray:
    """Steps to target under the law, S(B) = S_min (1 + B_crit / B).

    Parameters
    ----------
    batch_sizes : array-like
    s_min, b_crit : float
        The law's constants (`ScalingFit`'s).

    Returns
    -------
    ndarray
    """
    return s_min * (1 + b_crit / np.asarray(batch_sizes, dtype=float))
