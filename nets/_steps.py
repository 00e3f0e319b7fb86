"""A run's length in steps: the rows of a batch, the steps of an epoch and of a run."""

from __future__ import annotations

import math


def batch_rows(n: int, batch_size: int) -> int:
    """The rows of one batch over ``n`` rows: ``batch_size``, all of them for -1, at most
    ``n`` (a batch larger than the data is all of it).

    Parameters
    ----------
    n : int
    batch_size : int

    Returns
    -------
    int
    """
    return n if batch_size == -1 else min(batch_size, n)


def epoch_steps(n: int, batch_size: int, batch_norm: bool = False) -> int:
    """The steps of one epoch over ``n`` rows: one per batch of ``batch_size`` (-1: all
    rows), the last one short. With batch norm a last batch of at most half a batch joins
    the one before it: a few rows' statistics are noise, and the step on them jolts the
    net and its running statistics (coin's 900 rows at batch 32 left 4).

    Parameters
    ----------
    n : int
        Training rows.
    batch_size : int
        Rows per batch; -1 (or more than ``n``): all of them, one step.
    batch_norm : bool, default False
        Whether the net has batch norm (which folds a short last batch in).

    Returns
    -------
    int
        Optimizer steps in one epoch.
    """
    bs = batch_rows(n, batch_size)
    steps, rest = divmod(n, bs)
    return steps if batch_norm and steps and 0 < rest <= bs // 2 else steps + (rest > 0)


def whole_steps(max_epochs: float, steps_per_epoch: int) -> int:
    """The steps a run of ``max_epochs`` takes: whole steps, rounded up, at least one; a
    product a rounding above a whole number is that number (0.28 x 25 is
    7.000000000000001: 7 steps, not 8).

    Parameters
    ----------
    max_epochs : float
        The run's length in epochs (fractions allowed).
    steps_per_epoch : int
        As `epoch_steps` counts them.
    """
    steps = max_epochs * steps_per_epoch
    return max(1, round(steps) if _whole(steps) else math.ceil(steps))


def _whole(x: float) -> bool:
    return math.isclose(x, round(x), rel_tol=1e-12, abs_tol=1e-12)
