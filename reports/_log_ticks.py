"""Tick labels of a log axis as plain numbers (1650, 0.6) where they fit, not matplotlib's
scientific notation (1.65 × 10³, 6 × 10⁻¹), which it also gives the minor ticks it labels
on an axis spanning about a decade or less."""

from __future__ import annotations

from matplotlib.ticker import LogFormatterSciNotation

#: The view a log axis's labels are plain numbers within: "0.001" to "900000" are as short
#: as their scientific notation; beyond, 10⁻⁵ reads better than 1e-05.
PLAIN = (1e-3, 1e6)


class PlainLogFormatter(LogFormatterSciNotation):
    """matplotlib's choice of the ticks to label (the decades; between them, on an axis of
    about a decade or less, a thinned set so that labels do not collide), each label a
    plain number (``%g``) while the whole view lies within `PLAIN`, else matplotlib's own:
    one notation down an axis."""

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        low, high = sorted(self.axis.get_view_interval())
        if not label or not PLAIN[0] <= low <= high < PLAIN[1]:
            return label
        return f"{x:g}"


def plain_log_ticks(*axes) -> None:
    """Label each of ``axes`` (``ax.xaxis``, ``ax.yaxis``) that is on a log scale with
    `PlainLogFormatter`, its major ticks and its minor ones as matplotlib labels them. Call
    after `set_xscale` / `set_yscale` (which set the formatters again) and before any fixed
    tick labels of the axis (which this would replace)."""
    for axis in axes:
        if axis.get_scale() != "log":
            continue
        base = axis.get_transform().base
        axis.set_major_formatter(PlainLogFormatter(base))
        # as matplotlib's LogScale sets its minor formatter for the default ticks
        axis.set_minor_formatter(PlainLogFormatter(base, labelOnlyBase=False))
