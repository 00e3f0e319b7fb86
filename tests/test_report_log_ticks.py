"""Log axes labelled in plain numbers a reader can read the points off (real drawings)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from reports._log_ticks import plain_log_ticks  # noqa: E402


def _labels(points) -> list[str]:
    """The tick labels matplotlib draws inside the view of a log y axis through ``points``."""
    fig, ax = plt.subplots(figsize=(4, 3.8))
    try:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
        ax.plot(range(len(points)), points, "o")
        fig.canvas.draw()
        low, high = ax.get_ylim()
        ticks = ax.get_yticklabels() + ax.get_yticklabels(minor=True)
        return sorted((t for t in ticks if t.get_text() and low <= t.get_position()[1] <= high),
                      key=lambda t: t.get_position()[1])
    finally:
        plt.close(fig)


@pytest.mark.parametrize("points, expected", [
    # QA: scaling's examples to target, 66,278 and 179,000, against "100000" alone
    ([66278, 179000], ["80,000", "100,000", "120,000", "140,000", "160,000", "180,000"]),
    ([5000, 12000], ["6,000", "8,000", "10,000", "12,000"]),  # was 6000 and 10000 alone
    ([823, 1365], ["900", "1000", "1100", "1200", "1300"]),  # four digits ungrouped
    ([1650, 9000], ["2000", "3000", "4000", "6000"]),  # most of a decade: log ticks
])
def test_a_short_log_view_is_labelled_in_round_numbers(points, expected):
    assert [t.get_text() for t in _labels(points)] == expected
