"""A gradient check's verdict: the course's bands of a relative difference and its range
of steps h (a step outside it judges the step, not backprop)."""

from __future__ import annotations

# (upper bound, verdict), from the course
VERDICTS = ((1e-7, "excellent"), (1e-4, "acceptable"), (1e-2, "suspicious"))
#: The course's steps h, from the smallest to the largest: below, rounding swamps the
#: difference of the two losses; above, the loss's curvature biases it. A verdict at a step
#: outside them judges the step, not backprop (`step_note`).
STEP_RANGE = (1e-7, 1e-4)


def step_note(h: float, name: str = "h") -> str | None:
    """Why a check's verdict at step ``h`` may be the step's, not backprop's: ``h`` lies
    outside the course's `STEP_RANGE`; None within it. ``name``: the step as the reader
    set it (``hplab gradcheck``: ``--h``).

    Parameters
    ----------
    h : float
        The difference step.
    name : str, default "h"
        As above.
    """
    low, high = STEP_RANGE
    if low <= h <= high:
        return None
    return (f"{name} {h:g} lies outside the course's {_exponent(low)} to {_exponent(high)}: "
            + ("rounding swamps so small a difference" if h < low else
               "the curvature biases so large a difference")
            + ", so a poor verdict may be the step's, not backprop's")


def _exponent(value: float) -> str:
    """``1e-7``, ``1e-4``: a power of ten as the course writes it (``%g``: ``1e-07``,
    ``0.0001``)."""
    return f"{value:.0e}".replace("e-0", "e-")


def verdict(diff: float) -> str:
    """The course's band of a relative difference: excellent (< 1e-7), acceptable
    (< 1e-4), suspicious (< 1e-2), else wrong (NaN too).

    Parameters
    ----------
    diff : float
        A relative difference, as `gradcheck` returns.

    Returns
    -------
    str
        ``"excellent"``, ``"acceptable"``, ``"suspicious"`` or ``"wrong"``.
    """
    for bound, name in VERDICTS:
        if diff < bound:
            return name
    return "wrong"
