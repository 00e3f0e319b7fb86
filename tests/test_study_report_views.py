"""The study report's views of categorical and integer parameters, from real small studies:
categories stay categories, integers get whole ticks, colours stay within the values."""

from __future__ import annotations

import itertools

import numpy as np
import optuna
import pytest
from matplotlib.contour import ContourSet

import study
from reports import _study_data as sd
from reports import _study_draw as sw
from reports import design

STRATEGIES = ["none", "class_weight", "random_over", "smote", "random_under"]


def _run(spec_file, tmp_path, name, **keys):
    spec = study.load_spec(spec_file(name, pruner="none", **keys))
    db = tmp_path / f"{name}.db"
    study.run_study(spec, storage=str(db), progress=False)
    trials = optuna.load_study(study_name=name, storage=f"sqlite:///{db}").get_trials()
    return spec, trials


def _drawn(draw, frame, **keys):
    with design.style():
        fig = draw(frame, **keys)
        fig.canvas.draw()  # lays out the tick labels, so their extents are real
    return fig


def _colorbar_range(fig):
    return fig.axes[-1].get_ylim()


def test_categorical_axis_is_drawn_as_categories(spec_file, tmp_path):
    spec, trials = _run(spec_file, tmp_path, "imb", dataset="digits?imbalance=1:20&positive=8",
                        metric="val_pr_auc", n_trials=8, max_epochs=5,
                        space={"imbalance_strategy": STRATEGIES,
                               "lr": {"low": 0.003, "high": 0.03, "log": True}},
                        fixed={"width": 8, "batch_size": 64})
    values = [t.values[0] for t in trials]
    table = sd.param_table(trials)
    frame = sd.contour_frame(table, "lr", "imbalance_strategy")

    axis = frame.attrs["axes"]["imbalance_strategy"]
    assert axis["kind"] == "categorical" and axis["categories"] == STRATEGIES  # search order
    assert not frame.attrs["interpolate"]  # no colour between categories
    assert [STRATEGIES[int(p)] for p in frame["y_position"]] == \
        list(frame["imbalance_strategy"])
    assert np.allclose(frame["x_position"], np.log10(frame["lr"]))
    # parallel coordinates put each strategy where the slices do: its place in the search
    par = sd.parallel_frame(table, ["imbalance_strategy", "lr"])
    expected = [STRATEGIES.index(v) / (len(STRATEGIES) - 1) for v in table["imbalance_strategy"]]
    assert np.allclose(par["imbalance_strategy"], expected)
    assert par.attrs["ticks"]["imbalance_strategy"] == ("none", "random_under")
    lr = np.log10(table["lr"])
    assert np.allclose(par["lr"], (lr - lr.min()) / (lr.max() - lr.min()))
    lo, hi = frame.attrs["value_range"]
    assert (lo, hi) == (min(values), max(values)) and 0 < lo < hi <= 1

    fig = _drawn(sw.draw_contour, frame, metric="val_pr_auc", maximize=True)
    ax = fig.axes[0]
    assert not any(isinstance(c, ContourSet) for c in ax.collections)
    assert [t.get_text() for t in ax.get_yticklabels()] == STRATEGIES
    assert _colorbar_range(fig) == pytest.approx((lo, hi))  # PR-AUC's scale ends at its max

    slices = table[["number", "value", "imbalance_strategy", "lr"]]
    fig = _drawn(sw.draw_slices, slices, metric="val_pr_auc")
    labels = fig.axes[0].get_xticklabels()
    assert [t.get_text().replace("\n", "") for t in labels] == STRATEGIES  # broken after _
    boxes = [t.get_window_extent() for t in labels]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))

    columns = sd.trials_frame(trials, spec.metrics).columns
    assert "val_pr_auc" in columns and "value_0" not in columns


def test_integer_axes_get_whole_ticks_and_contours_need_a_spread(spec_file, tmp_path):
    _, trials = _run(spec_file, tmp_path, "ints", n_trials=12, max_epochs=10,
                     space={"lr": {"low": 0.002, "high": 2.0, "log": True},
                            "width": {"low": 2, "high": 16, "log": True},
                            "depth": {"low": 1, "high": 3}})
    table = sd.param_table(trials)

    depth = sd.contour_frame(table, "lr", "depth")
    assert depth.attrs["axes"]["depth"]["kind"] == "int"
    assert not depth.attrs["interpolate"]  # three depths: nothing to interpolate across
    fig = _drawn(sw.draw_contour, depth, metric="val_loss", maximize=False)
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) >= 2 and np.allclose(ticks, np.round(ticks))

    width = sd.contour_frame(table, "lr", "width")
    axis = width.attrs["axes"]["width"]
    assert axis["kind"] == "int" and axis["log"]
    assert all(t.is_integer() and table["width"].min() <= t <= table["width"].max()
               for t in axis["ticks"])
    assert width["width"].nunique() >= 4 and len(width) == 12
    assert width.attrs["interpolate"]
    fig = _drawn(sw.draw_contour, width, metric="val_loss", maximize=False)
    assert any(isinstance(c, ContourSet) for c in fig.axes[0].collections)
    assert _colorbar_range(fig) == pytest.approx(width.attrs["value_range"])
    assert width.attrs["value_range"] == (table["value"].min(), table["value"].max())

    # slices over three decades of lr: powers of ten, no labels run together
    fig = _drawn(sw.draw_slices, table[["number", "value", "lr", "width", "depth"]],
                 metric="val_loss")
    for ax in fig.axes[:3]:
        shown = [t for t in ax.get_xticklabels() if t.get_text()
                 and ax.get_xlim()[0] <= t.get_position()[0] <= ax.get_xlim()[1]]
        assert len(shown) >= 2
        boxes = [t.get_window_extent() for t in shown]
        assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2)), \
            [t.get_text() for t in shown]
