"""Tick labels of a log axis as plain numbers (1650, 0.6) where they fit, not matplotlib's
scientific notation (1.65 × 10³, 6 × 10⁻¹), which it also gives the minor ticks it labels
on an axis spanning about a decade or less; on a view too short for three of the log
ticks (1, 2, ..., 9 times a power of ten), evenly spaced round ones instead."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import LogFormatterSciNotation, LogLocator, MaxNLocator

#: The view a log axis's labels are plain numbers within: "0.001" to "900000" are as short
#: as their scientific notation; beyond, 10⁻⁵ reads better than 1e-05.
PLAIN = (1e-3, 1e6)
#: Fewer log ticks than this in the view: round ticks replace them.
FEWEST_LOG_TICKS = 3
#: A view spanning fewer decades than this: round ticks too. matplotlib labels only some of
#: its log ticks there (2, 3, 4, 6 times a power of ten), and a view of 63,000 to 188,000
#: showed "100000" alone (QA: two points of 66,278 and 179,000 could not be read off it)
FEWEST_DECADES = 0.5
#: A view spanning fewer decades than this, yet holding two powers of ten or more, labels
#: 2 and 5 times them too: matplotlib labels the powers alone there, and a Pareto front's
#: sizes of 15 to 2000 read against "100" and "1000" alone (QA: the small trials' sizes
#: could not be read off it)
FEWEST_DECADES_1_2_5 = 2.5
#: The share of a widened view's log span left past the round tick it was widened to
EDGE_ROOM = 0.03


def round_ticks(vmin: float, vmax: float, base: float = 10) -> list[float] | None:
    """Evenly spaced round ticks (800, 1000, 1200, 1400) for a base-10 view holding fewer
    than `FEWEST_LOG_TICKS` log ticks (QA: steps of 823 to 1365 read against 900 and 1000
    alone) or spanning fewer than `FEWEST_DECADES`, else None (the log ticks label it)."""
    low, high = sorted((vmin, vmax))
    if base != 10 or not (0 < low < high) or not math.isfinite(high):
        return None
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    logs = [m * 10.0 ** k for k in range(first, last + 1) for m in range(1, 10)]
    if (sum(low <= t * (1 + 1e-9) and t <= high * (1 + 1e-9) for t in logs) >= FEWEST_LOG_TICKS
            and math.log10(high / low) >= FEWEST_DECADES):
        return None
    return _even_ticks(low, high)


def _even_ticks(low: float, high: float) -> list[float]:
    """Evenly spaced round ticks within ``low`` to ``high`` (at least three where any
    count of bins up to 12 gives them)."""
    for nbins in (5, 8, 12):  # at least three in the view (800-1400 at 5 bins: 1000, 1200)
        ticks = [float(t) for t in MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10])
                 .tick_values(low, high) if low * (1 - 1e-9) <= t <= high * (1 + 1e-9) and t > 0]
        if len(ticks) >= FEWEST_LOG_TICKS:
            break
    return ticks


def tick_bounded(low: float, high: float, data: tuple[float, float]) -> tuple[float, float,
                                                                              list[float]]:
    """The view ``low`` to ``high`` of a short log axis (`round_ticks`) widened where its
    ``data`` (their lowest and highest values) reach past its outermost round ticks, to
    the round ticks beyond them; with those ticks (QA: a point at 66,278 below the lowest
    label, 80,000)."""
    ticks = round_ticks(low, high) or []
    for _ in range(4):  # a wider view may choose a longer step: a few settle it
        if len(ticks) < 2 or (ticks[0] <= data[0] * (1 + 1e-9)
                              and ticks[-1] >= data[1] * (1 - 1e-9)):
            break
        step = ticks[1] - ticks[0]
        low = min(low, math.floor(data[0] / step * (1 + 1e-9)) * step or low)
        high = max(high, math.ceil(data[1] / step * (1 - 1e-9)) * step)
        ticks = _even_ticks(low, high)
    return low, high, ticks


class PlainLogLocator(LogLocator):
    """matplotlib's log ticks, or on a view too short for them `round_ticks` (as the
    major ones; the minor ones then none); an autoscaled view of round ticks is widened
    to a round tick at or beyond each end of its data (`tick_bounded`)."""

    def __init__(self, base: float = 10, *, minor: bool = False):
        super().__init__(base, subs="auto" if minor else (1.0,))
        self.minor = minor
        self.bounded = None  # (low, high, ticks) of the view `view_limits` widened

    def tick_values(self, vmin, vmax):
        ticks = shown_round_ticks(self.axis, vmin, vmax, self._base)
        if ticks is None:
            return super().tick_values(vmin, vmax)
        return [] if self.minor else ticks

    def view_limits(self, vmin, vmax):
        low, high = super().view_limits(vmin, vmax)
        self.bounded = None
        if self.minor or self.axis is None or round_ticks(low, high, self._base) is None:
            return low, high
        data = sorted(self.axis.get_data_interval())
        if not (0 < data[0] and math.isfinite(data[1])):
            return low, high
        wide_low, wide_high, ticks = tick_bounded(low, high, (data[0], data[1]))
        # a little room past a tick the view was widened to: a marker pinned to the edge
        # ("not reached" at the top) must not read as that tick's value
        pad = (wide_high / wide_low) ** EDGE_ROOM
        self.bounded = (wide_low / pad if wide_low < low else wide_low,
                        wide_high * pad if wide_high > high else wide_high, ticks)
        return self.bounded[:2]


def shown_round_ticks(axis, vmin, vmax, base: float = 10) -> list[float] | None:
    """The round ticks an axis's view shows: those its major `PlainLogLocator` chose as
    it widened the view to them, else `round_ticks`."""
    low, high = sorted((vmin, vmax))
    major = axis.get_major_locator() if axis is not None else None
    bounded = getattr(major, "bounded", None)
    if bounded and math.isclose(bounded[0], low) and math.isclose(bounded[1], high):
        return bounded[2]
    return round_ticks(low, high, base)


class PlainLogFormatter(LogFormatterSciNotation):
    """matplotlib's choice of the ticks to label (the decades; between them, on an axis of
    about a decade or less, a thinned set so that labels do not collide), each label a
    plain number (`_plain`) while the whole view lies within `PLAIN`, else matplotlib's own:
    one notation down an axis. Every one of `round_ticks` is labelled. ``decades_1_2_5``:
    the span under which 2 and 5 times the powers are labelled too (`FEWEST_DECADES_1_2_5`).
    """

    def __init__(self, *args, decades_1_2_5: float = FEWEST_DECADES_1_2_5, **kwargs):
        super().__init__(*args, **kwargs)
        self.decades_1_2_5 = decades_1_2_5

    def set_locs(self, locs=None):
        super().set_locs(locs)
        # matplotlib 3.8 labels the powers only on a view of more than a decade, even one
        # holding one power (2 to 30: "10" alone); later ones (3.11) label 2, 3, 4 and 6
        # times them too on such a view, as set here on 3.8
        low, high = sorted(self.axis.get_view_interval())
        if self._sublabels == {1} and 0 < low and self._linthresh is None:
            b = self._base
            powers = math.floor(math.log(high, b)) - math.floor(
                math.nextafter(math.log(low, b), -math.inf))
            if powers <= self.minor_thresholds[0]:
                self._sublabels = set(np.round(np.geomspace(1, b, int(b) // 2 + 1)))
            elif b == 10 and math.log10(high / low) < self.decades_1_2_5:
                self._sublabels = {1, 2, 5}

    def __call__(self, x, pos=None):
        low, high = sorted(self.axis.get_view_interval())
        if shown_round_ticks(self.axis, low, high, self._base) is not None:
            return _plain(x, high)
        label = super().__call__(x, pos)
        if not label or not PLAIN[0] <= low <= high < PLAIN[1]:
            return label
        return _plain(x, high)


def _plain(x: float, high: float) -> str:
    """``x`` as ``%g``, grouped by thousands on an axis reaching five digits (``high``:
    80,000 and 100,000; 6,000 beside 12,000), else as the axes' other numbers (1650)."""
    return f"{x:,g}" if abs(high) >= 1e4 else f"{x:g}"


def plain_log_ticks(*axes, decades_1_2_5: float = FEWEST_DECADES_1_2_5) -> None:
    """Label each of ``axes`` (``ax.xaxis``, ``ax.yaxis``) that is on a log scale with
    `PlainLogFormatter`, its major ticks and its minor ones as matplotlib labels them (on a
    short view `PlainLogLocator`'s round ticks). Call after `set_xscale` / `set_yscale`
    (which set the formatters again) and before any fixed tick labels of the axis (which
    this would replace). ``decades_1_2_5``: as `PlainLogFormatter` takes it (a tall axis
    can label more)."""
    for axis in axes:
        if axis.get_scale() != "log":
            continue
        base = axis.get_transform().base
        axis.set_major_locator(PlainLogLocator(base))
        axis.set_minor_locator(PlainLogLocator(base, minor=True))
        axis.set_major_formatter(PlainLogFormatter(base, decades_1_2_5=decades_1_2_5))
        # as matplotlib's LogScale sets its minor formatter for the default ticks
        axis.set_minor_formatter(PlainLogFormatter(base, labelOnlyBase=False,
                                                   decades_1_2_5=decades_1_2_5))
