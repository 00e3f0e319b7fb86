"""A report's figure is freed by Python's young collection once it is drawn (the collector
is held off while it is drawn), and the collector is left as it was found."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pandas as pd
import pytest

import reports
from reports import design


def _add_line(rep: reports.Report, refs: list) -> None:
    def draw(frame):
        fig = design.new_figure(6, 4)
        for ax in fig.subplots(2, 3).ravel():  # thousands of objects: young collections
            ax.plot(frame["x"], frame["y"])
        refs.append(weakref.ref(fig))
        return fig

    frame = pd.DataFrame({"x": np.arange(50.0), "y": np.arange(50.0) ** 2})
    rep.add_figure("line", draw, frame, caption="y against x")


def test_a_drawn_figure_goes_at_the_next_young_collection():
    rep, refs = reports.Report("demo", "Figure"), []
    rep.add_section("Figure")
    gc.collect()
    _add_line(rep, refs)
    assert gc.isenabled()
    gc.collect(0)  # the youngest generation only: a figure moved past it waited for a full one
    assert refs[0]() is None
    assert "data:image/png;base64," in rep.html("report_files")


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(enabled):
    rep, refs = reports.Report("demo", "Figure"), []
    rep.add_section("Figure")
    if not enabled:
        gc.disable()
    try:
        _add_line(rep, refs)
        assert gc.isenabled() is enabled
        with pytest.raises(ZeroDivisionError):  # a failing figure leaves it as it was too
            rep.add_figure("bad", lambda frame: 1 / 0, pd.DataFrame({"x": [1]}), caption="x")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
