"""The rates of a learning-rate range test: the modes (`MODES`), each one's ramp from
``min_lr`` to ``max_lr`` (`ramp_rates`, `looper_rates`), and the checks of its bounds."""

from __future__ import annotations

import math

import numpy as np

import nets

from ._checks import positive, whole
from ._lr_grid import decimal_rates

#: Ramp points beyond this are a typo, not a test: ``--steps 10000000000`` filled the
#: memory with its rates before the first step (the course's tests take 30 to 100 points).
MAX_STEPS = 100_000

#: Mode name -> how the rates advance; errors list these names.
MODES = {
    "exp": "rate multiplied by a constant factor every step (default)",
    "linear": "rate increased by a constant amount every step",
    "looper": "the course's segments: rates linear within each decade, each held for "
              "epochs_per_rate epochs, full-set loss",
}


def ramp_rates(mode: str, min_lr: float, max_lr: float, num: int) -> np.ndarray:
    """The ``num`` rates of a test, ``min_lr`` first and ``max_lr`` last.

    Parameters
    ----------
    mode : {"exp", "linear", "looper"}
        Evenly spaced in log (``exp``) or linearly, or `looper_rates`.
    min_lr, max_lr : float
        The first and the last rate.
    num : int
        How many rates.

    Returns
    -------
    ndarray
    """
    num = check_ramp(mode, min_lr, max_lr, num)
    if mode == "linear":
        return np.linspace(min_lr, max_lr, num)
    if mode == "looper":
        return looper_rates(min_lr, max_lr, num)
    return decimal_rates(np.geomspace(min_lr, max_lr, num))


def looper_rates(min_lr: float, max_lr: float, num: int) -> np.ndarray:
    """The course's range-test rates: linear within each decade from ``min_lr`` to ``max_lr``.

    The powers of ten between the two bounds cut the range into segments (1e-4..1e-3, ...,
    0.1..1 for 1e-4 to 1); after ``min_lr``, the other ``num - 1`` rates are spread over
    the segments as evenly as possible (the later segments take the remainder, so
    ``max_lr`` is always the last rate), evenly spaced within each and ending on its upper
    bound, so no rate repeats where two segments meet: ``(1e-4, 1, 37)`` gives 1e-4, 2e-4,
    ..., 1e-3, 2e-3, ..., 0.9, 1.
    """
    num = check_ramp("looper", min_lr, max_lr, num)
    # a power of ten within rounding of a bound is that bound, not a segment of its own
    low, high = math.floor(math.log10(min_lr)) - 1, math.ceil(math.log10(max_lr)) + 1
    inner = [10.0 ** d for d in range(low, high + 1)
             if min_lr * (1 + 1e-9) < 10.0 ** d < max_lr * (1 - 1e-9)]
    bounds = [min_lr, *inner, max_lr]
    segments = len(bounds) - 1
    base, extra = divmod(num - 1, segments)
    rates = [np.array([float(min_lr)])]
    for k in range(segments):
        count = base + (k >= segments - extra)
        if count:
            rates.append(np.linspace(bounds[k], bounds[k + 1], count + 1)[1:])
    return np.concatenate(rates)


def check_ramp(mode: str, min_lr: float, max_lr: float, num: int) -> int:
    """``num`` as an int; ValueError for an unknown mode, bad bounds, too few steps or more
    than `MAX_STEPS`."""
    if mode not in MODES:
        raise ValueError(nets.unknown_name("mode", mode, MODES))
    positive("min_lr", min_lr)
    positive("max_lr", max_lr)
    if min_lr >= max_lr:
        raise ValueError(f"min_lr must be below max_lr, got {min_lr:g} >= {max_lr:g}")
    return whole("num_steps", num, 2, MAX_STEPS)  # 20.0 too, as TrainConfig's whole numbers
