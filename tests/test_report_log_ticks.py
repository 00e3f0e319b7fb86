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


@pytest.mark.parametrize("points, expected", [
    ([2, 30], ["2", "3", "4", "6", "10", "20", "30"]),
    ([30000, 400000], ["30,000", "40,000", "60,000", "100,000", "200,000", "300,000",
                       "400,000"]),
])
def test_a_view_of_a_decade_or_more_holding_one_power_of_ten_labels_between(points, expected):
    # QA: on matplotlib 3.8 (which pyproject admits) these read "10" and "100,000" alone:
    # it labelled the powers of ten only on a view of more than a decade, 3.11
    # their 2, 3, 4 and 6 times too where the view holds one
    assert [t.get_text() for t in _labels(points)] == expected
