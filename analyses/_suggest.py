"""Learning-rate suggestions read off a range-test curve: pure functions of (lrs, losses).

Each suggestion takes the rates and the (smoothed) losses of one range test, already
cleaned by `trim_curve`, and returns one rate (NaN when the curve is too short to say).
They follow fastai's ``lr_find`` suggestion functions (valley, steep, minimum, slide),
re-derived here on NumPy arrays:

* ``valley``: the longest stretch over which the loss keeps falling (a longest decreasing
  subsequence), at index ``start + s + s // 2`` with ``s = length / 3`` (fastai's choice:
  half-way along, past the flat start, before the steep end).
* ``steepest``: the rate where the loss falls fastest against ``log(lr)``, its slope
  taken over half a decade of rates (`STEEPEST_SPAN`), not between neighbouring points.
* ``minimum``: the rate of the lowest loss, divided by 10 (the lowest loss sits close to
  where training turns unstable).
* ``slide``: walk back from the end of the curve until the loss's slope stops changing
  within ``thresh`` over ``lr_diff`` points (fastai's interval slide rule).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nets import unknown_name

#: Points dropped from the end of every curve: the last steps show the blow-up itself.
SKIP_END = 5
#: Fraction of the ramp's planned steps dropped from the start: the loss has not moved yet.
SKIP_START_FRACTION = 0.1
#: Points a cleaned curve needs before any suggestion is made.
MIN_POINTS = 5


def trim_curve(lrs, losses, *, skip_start: int = 0, skip_end: int = SKIP_END
               ) -> tuple[np.ndarray, np.ndarray]:
    """Drop the first ``skip_start`` and last ``skip_end`` points, then everything from the
    first non-finite loss on (fastai's order: a NaN ends the useful part of a test).

    Parameters
    ----------
    lrs, losses : array-like
        A range test's curve, point by point.
    skip_start, skip_end : int
        Points dropped at each end.

    Returns
    -------
    (ndarray, ndarray)
        float64 rates and losses of equal length (possibly empty).
    """
    lrs = np.asarray(lrs, dtype=np.float64)
    losses = np.asarray(losses, dtype=np.float64)
    if len(lrs) != len(losses):
        raise ValueError(f"lrs and losses differ in length: {len(lrs)} and {len(losses)}")
    end = max(len(losses) - max(skip_end, 0), 0)
    start = min(max(skip_start, 0), end)
    lrs, losses = lrs[start:end], losses[start:end]
    bad = np.flatnonzero(~np.isfinite(losses))
    if bad.size:
        lrs, losses = lrs[:bad[0]], losses[:bad[0]]
    return lrs, losses


def valley(lrs: np.ndarray, losses: np.ndarray) -> float:
    """fastai's valley: inside the longest decreasing run of the loss, a third of the way
    plus a sixth (its index arithmetic, kept as is, so numbers match fastai's)."""
    n = len(losses)
    if n < MIN_POINTS:
        return math.nan
    # Longest decreasing subsequence ending at each point, O(n^2) but vectorized per point.
    lds = np.ones(n, dtype=np.int64)
    for i in range(1, n):
        higher = losses[:i] > losses[i]
        if higher.any():
            lds[i] = lds[:i][higher].max() + 1
    max_end = int(np.argmax(lds))  # first index holding the longest run, like fastai's scan
    max_start = max_end - int(lds[max_end])
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return float(lrs[min(max(idx, 0), n - 1)])


#: Decades of rates ``steepest`` takes each slope over. Between neighbouring points the
#: noise's slope grows as ``--steps`` packs them closer, the fall's does not: coin's flat
#: start at 1.78e-05 won on 200 points, at 1.33e-06 on 400 (benchmarks/README.md).
STEEPEST_SPAN = 0.5


def steepest(lrs: np.ndarray, losses: np.ndarray) -> float:
    """The rate tested nearest the middle of the steepest fall of the loss per unit of
    ``log(lr)`` over `STEEPEST_SPAN` decades (from each point to the first that far on; of
    two as near, the lower). A curve spanning less is read point to point: the rate at the
    start of its steepest segment."""
    if len(losses) < MIN_POINTS:
        return math.nan
    lx = np.log10(lrs)
    if np.all(np.diff(lx) > 0):
        # 1e-9: a point SPAN decades on in exact arithmetic is that point after rounding
        end = np.searchsorted(lx, lx + STEEPEST_SPAN - 1e-9)
        start = np.flatnonzero(end < len(lx))
        if start.size:
            end = end[start]
            k = int(np.argmin((losses[end] - losses[start]) / (lx[end] - lx[start])))
            inside = np.arange(start[k], end[k] + 1)
            middle = (lx[start[k]] + lx[end[k]]) / 2
            return float(lrs[inside[np.argmin(np.abs(lx[inside] - middle))]])
    dlog = np.diff(np.log(lrs))
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(dlog > 0, np.diff(losses) / dlog, np.inf)
    if not np.isfinite(slope).any():
        return math.nan
    return float(lrs[int(np.argmin(slope))])


#: ``minimum`` suggests the lowest loss's rate divided by this
MINIMUM_DIVISOR = 10


def minimum(lrs: np.ndarray, losses: np.ndarray) -> float:
    """The rate of the lowest loss divided by `MINIMUM_DIVISOR` (10)."""
    if len(losses) < MIN_POINTS:
        return math.nan
    return float(lrs[int(np.argmin(losses))]) / MINIMUM_DIVISOR


#: ``slide``'s window, in points, and the largest change of slope it takes as steady
SLIDE_POINTS = 15
SLIDE_THRESH = 0.005


def slide(lrs: np.ndarray, losses: np.ndarray, *, lr_diff: int = SLIDE_POINTS,
          thresh: float = SLIDE_THRESH, adjust_value: float = 1.0) -> float:
    """fastai's interval slide rule: from the end, step back while the loss gradient at the
    right end and ``lr_diff`` points to its left differ by more than ``thresh``."""
    n = len(losses)
    if n < MIN_POINTS:
        return math.nan
    lr_diff = min(lr_diff, n - 1)  # fastai fails on curves shorter than lr_diff
    grad = np.gradient(losses)
    r_idx, l_idx = n - 1, n - 1 - lr_diff
    local_min_lr = lrs[l_idx]
    while l_idx >= 0 and abs(grad[r_idx] - grad[l_idx]) > thresh:
        local_min_lr = lrs[l_idx]
        r_idx -= 1
        l_idx -= 1
    return float(local_min_lr) * adjust_value


#: Suggestion name -> function ``(lrs, losses) -> lr``; ``valley`` is the default.
SUGGESTIONS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "valley": valley,
    "steepest": steepest,
    "minimum": minimum,
    "slide": slide,
}
DEFAULT_SUGGESTION = "valley"
#: Suggestion name -> how it picks its rate, in plain words (the lr-range report's caption
#: says "<name> <words>"): each beside its function, so the words change with the rule
SUGGESTION_RULES = {
    "valley": "takes the longest sequence of points each lower than the one before (others "
              "may lie between them) and picks the rate about half its length before its "
              "last point (fastai's rule: past the flat start, before the steep end)",
    "steepest": "picks the rate nearest the middle of the steepest fall of the loss against "
                f"log lr, each fall measured over {STEEPEST_SPAN:g} decade of rates (point "
                "to point on a curve spanning less)",
    "minimum": f"picks the rate of the lowest loss divided by {MINIMUM_DIVISOR} (fastai's "
               "rule: a rate at the bottom is already about to diverge), so it sits a factor "
               f"of {MINIMUM_DIVISOR} left of the curve's lowest point",
    "slide": "(fastai's interval slide rule) steps a window whose ends lie "
             f"{SLIDE_POINTS} points apart (fewer on a shorter curve) back from the curve's "
             "end while the loss's slopes (per point) at those ends "
             f"differ by more than {SLIDE_THRESH:g}, and picks the rate at its left end "
             "before its last step (the first window's, if it never steps)",
}


def check_suggestions(names) -> tuple[str, ...]:
    """Validated suggestion names (a single name or a sequence), in the order given."""
    names = (names,) if isinstance(names, str) or not np.iterable(names) else tuple(names)
    if not names:
        raise ValueError(f"no suggestion named; valid: {', '.join(SUGGESTIONS)}")
    for name in names:
        if not isinstance(name, str) or name not in SUGGESTIONS:
            raise ValueError(unknown_name("suggestion", name, SUGGESTIONS))
    return names


def suggest(lrs, losses, names=tuple(SUGGESTIONS), *, skip_start: int | None = None,
            skip_end: int = SKIP_END, num_steps: int | None = None) -> dict[str, float]:
    """Every named suggestion for one curve, after `trim_curve`; by default read as
    `lr_range_test` reads a ramp's curve (its ``runs`` give the same rates).

    Parameters
    ----------
    lrs, losses : array_like
        The curve in step order (smoothed losses, as fastai suggests from).
    names : str or sequence of str
        Keys of `SUGGESTIONS`.
    skip_start : int, optional
        Points dropped from the start first. Default: as `lr_range_test` drops them,
        the first `SKIP_START_FRACTION` (a tenth) of the ramp's ``num_steps`` points,
        where the loss has not moved yet; 0 keeps every point.
    skip_end : int
        Points dropped from the end first (the blow-up). `lr_range_test` drops these
        `SKIP_END` from a ramp's curve; a looper's it cuts where its loss rose instead.
    num_steps : int, optional
        The points the ramp planned (`range_test`'s ``num_steps``), for the default
        ``skip_start``; default the points given, which a ramp that ran to ``max_lr``
        recorded (one that stopped early recorded fewer: give its ``num_steps``).

    Returns
    -------
    dict
        ``{name: lr}``; NaN where the cleaned curve has fewer than `MIN_POINTS` points.
    """
    names = check_suggestions(names)
    x, y = read_curve(lrs, losses, skip_start=skip_start, skip_end=skip_end,
                      num_steps=num_steps)
    return {name: SUGGESTIONS[name](x, y) for name in names}


def read_curve(lrs, losses, *, skip_start: int | None = None, skip_end: int = SKIP_END,
               num_steps: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The part of a curve `suggest` reads its suggestions off: `trim_curve` with
    `suggest`'s defaults (the same arguments)."""
    if skip_start is None:
        planned = len(lrs) if num_steps is None else num_steps
        skip_start = int(planned * SKIP_START_FRACTION)
    return trim_curve(lrs, losses, skip_start=skip_start, skip_end=skip_end)


def lowest_at_end(losses) -> bool:
    """Whether a read curve (`read_curve`) of at least `MIN_POINTS` points is lowest at
    its last point: the loss was still falling where the reading stopped, so ``valley``
    (its longest fall runs to that point) and ``minimum`` (that point's rate / 10) are
    placed by the ramp's bounds and points, not by the data."""
    losses = np.asarray(losses, dtype=np.float64)
    return bool(len(losses) >= MIN_POINTS and np.argmin(losses) == len(losses) - 1)
