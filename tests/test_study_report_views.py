"""The study report's views of categorical and integer parameters, from real small studies:
categories stay categories, integers get whole ticks, colours stay within the values."""

from __future__ import annotations

import gc
import html
import itertools
import json
import re

import numpy as np
import optuna
import pandas as pd
import pytest
from conftest import ready_spec_header, report_table
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

import study
from reports import (
    _study_cells as sc,
    _study_curves as curves_view,
    _study_data as sd,
    _study_draw as sw,
    _study_importance as si,
    _study_lines as sl,
    _study_points as sd_points,
    _study_text as study_text,
    design,
)
from reports._timeline_draw import draw_timeline

pytestmark = pytest.mark.rasterized  # every view drawn into its PNG

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


@pytest.mark.slow
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
    assert np.allclose(par["imbalance_strategy_position"], expected)
    # the data are the trials' values (it held only the positions); every choice is named
    # at its place, not only the two ends (random_over, smote were unlabelled)
    assert list(par["imbalance_strategy"]) == list(table["imbalance_strategy"])
    assert list(par["lr"]) == list(table["lr"])
    assert par.attrs["ticks"]["imbalance_strategy"] == [
        (0.0, "none"), (0.25, "class_weight"), (0.5, "random_over"), (0.75, "smote"),
        (1.0, "random_under")]
    lr = np.log10(table["lr"])
    assert np.allclose(par["lr_position"], (lr - lr.min()) / (lr.max() - lr.min()))
    fig = _drawn(sl.draw_parallel, par, maximize=True)
    labels = {t.get_text(): t.get_position() for t in fig.axes[0].texts}
    assert set(STRATEGIES) <= set(labels)
    assert labels["random_over"][1] == 0.5 and labels["none"][1] < 0 < 1 < \
        labels["random_under"][1]  # the ends below and above the lines, as every axis's
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


def _cell_trials(cells, values):
    """`_trials` of (activation, optimizer) ``cells`` scoring ``values``."""
    return _trials([(v, {"activation": a, "optimizer": o, "lr": 0.01 * (i + 1)})
                    for i, ((a, o), v) in enumerate(zip(cells, values, strict=True))],
                   activation=CategoricalDistribution(["tanh", "relu"]),
                   optimizer=CategoricalDistribution(["sgd", "adam", "momentum"]),
                   lr=FloatDistribution(0.001, 1.0, log=True))


def test_two_categorical_parameters_are_a_table_of_cells_each_its_best_written():
    # QA 45: a grid study of lr x batch_size (both choices) drew twelve dots, their values
    # only colours; the course's table of them is what a reader looks for. Earlier QA: 27
    # of 34 trials ran tanh and sgd and were drawn as one dot, their best: a cell says
    # how many trials it holds now
    cells = [("tanh", "sgd")] * 5 + [("relu", "adam")] * 2 + [("tanh", "momentum")]
    values = [0.5, 0.7, 0.55, 0.7, 0.6, 0.9, 0.85, 0.3]
    table = sd.param_table(_cell_trials(cells, values))
    frame = sd.contour_frame(table, "activation", "optimizer")
    best = sc.category_cells(frame, maximize=True)
    assert best[["activation", "optimizer", "value", "trials", "best_trial"]].values.tolist(
        ) == [["tanh", "sgd", 0.7, 5, 1], ["relu", "adam", 0.9, 2, 5],
              ["tanh", "momentum", 0.3, 1, 7]]  # y slower; a tie: its first trial
    lowest = sc.category_cells(frame, maximize=False)
    assert lowest["value"].tolist() == [0.5, 0.85, 0.3]
    assert lowest["best_trial"].tolist() == [0, 6, 7]
    fig = _drawn(sc.draw_cells, best, metric="val_accuracy", maximize=True)
    ax = fig.axes[0]
    written = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text()
               for t in ax.texts if t.get_text()}
    assert written == {(0, 0): "0.7\nbest of 5", (1, 1): "0.9\nbest of 2", (0, 2): "0.3"}
    image = ax.images[0].get_array()
    assert image.mask.tolist() == [[False, True], [True, False], [False, True]]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["tanh", "relu"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sgd", "adam", "momentum"]
    assert ax.yaxis_inverted()  # sgd, the first row, on top: as the table below lists them
    assert _colorbar_range(fig) == pytest.approx((0.3, 0.9))
    assert sc.cells_table(best).values.tolist() == [
        ["sgd", "0.7 (best of 5)", "–"], ["adam", "–", "0.9 (best of 2)"],
        ["momentum", "0.3", "–"]]
    assert list(sc.cells_table(best).columns) == ["optimizer \\ activation", "tanh", "relu"]
    assert sc.cells_table(best, "-").values.tolist()[0] == ["sgd", "0.7 (best of 5)", "-"]
    # a trial's value is its final net's: "best" alone read as its best epoch's
    assert ax.get_title() == "best final val_accuracy over activation and optimizer"
    assert fig.axes[-1].get_ylabel() == "best final val_accuracy"
    assert sc.final_word(sc.category_cells(sd.contour_frame(
        table.iloc[[0, 5, 7]], "activation", "optimizer"), maximize=True)) == "final"


def test_cells_whose_curves_moved_more_than_the_best_two_apart_get_a_note():
    # QA: lr-batch's lr 0.5 beat 0.8 at batch 128 on the last checkpoint, and lost on the
    # mean of the last 5 (its curve spanned 0.27 there): one seed, a noisy end
    cells = [("tanh", "sgd")] * 5 + [("relu", "adam")] * 2 + [("tanh", "momentum")]
    values = [0.5, 0.7, 0.55, 0.7, 0.6, 0.9, 0.85, 0.3]
    table = sd.param_table(_cell_trials(cells, values))
    best = sc.category_cells(sd.contour_frame(table, "activation", "optimizer"),
                             maximize=True)  # trials 1, 5 and 7: 0.7, 0.9 and 0.3

    def curves(ends: dict[int, list[float]], metric="val_accuracy"):
        # epoch 0 far off: only the last END_CHECKPOINTS count
        frame = pd.DataFrame([{"number": n, "epoch": e, "value": v}
                              for n, tail in ends.items()
                              for e, v in enumerate([0.0, *tail])])
        frame.attrs["metric"] = metric
        return frame

    assert sc.END_CHECKPOINTS == 5
    noisy = {1: [0.7] * 5, 5: [0.9, 0.6, 0.9, 0.9, 0.9], 7: [0.2, 0.3, 0.25, 0.3, 0.3]}
    note = sc.end_moves_note(best, curves(noisy), "val_accuracy", maximize=True)
    assert note == (
        "Each cell holds its best trial's val_accuracy at the last checkpoint, and the curves "
        "still moved there: over the last 5 checkpoints each recorded, by up to 0.3 "
        "(activation relu, optimizer adam; a median 0.1 over the cells), more than the 0.2 "
        "between the two best cells. Which of close cells is ahead may be that checkpoint's "
        "chance; other seeds would tell.")
    steady = {**noisy, 5: [0.9, 0.75, 0.9, 0.9, 0.9]}  # 0.15 < 0.2: the order holds
    assert sc.end_moves_note(best, curves(steady), "val_accuracy", maximize=True) == ""
    # the curves of another metric than the cells' say nothing of them
    assert sc.end_moves_note(best, curves(noisy, "val_loss"), "val_accuracy",
                             maximize=True) == ""


def test_trials_sharing_a_category_are_spread_along_its_axis_in_the_contour():
    # QA: 27 of 34 trials ran tanh (at one lr); the contour drew them as one dot, their
    # best, under a caption saying "each trial a point"
    cells = [("tanh", "sgd")] * 5 + [("relu", "adam")] * 2 + [("tanh", "momentum")]
    table = sd.param_table(_cell_trials(cells, [0.5 + 0.05 * i for i in range(8)]))
    one = sd.contour_frame(table.assign(lr=0.05), "lr", "optimizer")
    assert list(one["x_point"]) == pytest.approx(list(one["x_position"]))
    assert list(one["y_point"][:5]) == pytest.approx([-0.3, -0.15, 0.0, 0.15, 0.3])
    assert list(one["y_point"][5:]) == pytest.approx([0.925, 1.075, 2.0])
    fig = _drawn(sw.draw_contour, one, metric="val_accuracy", maximize=True)
    drawn = next(c for c in fig.axes[0].collections if isinstance(c, PathCollection))
    assert sorted(map(tuple, drawn.get_offsets().data.round(6))) == sorted(
        (round(x, 6), round(y, 6)) for x, y in zip(one["x_point"], one["y_point"],
                                                    strict=True))


def test_the_slices_spread_a_categorys_trials_over_its_cell_as_the_contour_does():
    # QA: 3000 trials drew as 4 dots a category (and an int of 3 values), how many at
    # each unseen; the contour spread them. The same rule, in trial order: no randomness
    cells = [("tanh", "sgd")] * 5 + [("relu", "adam")] * 2 + [("tanh", "momentum")]
    trials = _cell_trials(cells, [0.5 + 0.05 * i for i in range(8)])
    for t, depth in zip(trials, [1, 1, 3, 3, 3, 1, 2, 5], strict=True):
        t.params["depth"], t.distributions["depth"] = depth, IntDistribution(1, 5)
        t.params["width"], t.distributions["width"] = 2 ** depth, IntDistribution(2, 64,
                                                                                  log=True)
    table = sd.param_table(trials)
    axes = table.attrs["axes"]
    x, spread = sd_points.slice_points(table["activation"], table["number"],
                                       axes["activation"])
    assert spread and list(x) == pytest.approx(  # tanh: 0-4 and 7; relu: 5, 6
        [-0.3, -0.18, -0.06, 0.06, 0.18, 0.925, 1.075, 0.3])
    x, spread = sd_points.slice_points(table["depth"], table["number"], axes["depth"])
    assert spread and list(x) == pytest.approx([0.85, 1.0, 2.85, 3.0, 3.15, 1.15, 2.0, 5.0])
    for p in ("lr", "width"):  # a float; an int on a log axis: as they are
        x, spread = sd_points.slice_points(table[p], table["number"], axes[p])
        assert not spread and list(x) == list(table[p])
    # the contour's spread of the same trials is the same function's
    one = sd.contour_frame(table.assign(lr=0.05), "lr", "activation")
    assert list(one["y_point"]) == pytest.approx(
        [-0.3, -0.18, -0.06, 0.06, 0.18, 0.925, 1.075, 0.3])
    fig = _drawn(sw.draw_slices, table[["number", "value", "activation", "depth", "lr"]],
                 metric="val_accuracy")
    drawn = [next(c for c in ax.collections if isinstance(c, PathCollection))
             for ax in fig.axes[:3]]
    assert list(drawn[0].get_offsets().data[:, 0]) == pytest.approx(
        [-0.3, -0.18, -0.06, 0.06, 0.18, 0.925, 1.075, 0.3])
    assert list(drawn[1].get_offsets().data[:, 0]) == pytest.approx(
        [0.85, 1.0, 2.85, 3.0, 3.15, 1.15, 2.0, 5.0])
    assert _ticks_in_view(fig.axes[1]) == [1.0, 2.0, 3.0, 4.0, 5.0]  # whole ones still
    assert list(drawn[2].get_offsets().data[:, 0]) == pytest.approx(list(table["lr"]))


@pytest.mark.slow
def test_a_real_grid_studys_report_writes_its_cells_and_learning_curves(spec_file, tmp_path):
    # the cells of a grid study as it stored them: every pair of choices once, in the
    # figure's CSV and in the table under it, the best trial's cell the best value
    import reports

    spec, trials = _run(spec_file, tmp_path, "cells", sampler="grid", n_trials=6,
                        max_epochs=8, space={"lr": [0.05, 0.5, 2.0],
                                             "activation": ["tanh", "relu"]},
                        fixed={"batch_size": 2, "checkpoint": 4})
    path = reports.study_report("cells", storage=str(tmp_path / "cells.db"),
                                out=tmp_path / "report")
    files = path.parent / "report_files"
    cells = pd.read_csv(files / "contour.csv")
    assert len(cells) == 6 and (cells["trials"] == 1).all()
    by_trial = {t.number: t.value for t in trials}
    assert [by_trial[n] for n in cells["best_trial"]] == cells["value"].tolist()
    best = min(trials, key=lambda t: t.value)  # val_loss
    assert cells["value"].min() == best.value
    text = path.read_text()
    head, rows = report_table(text, "table-cells")  # as the page shows it
    assert head[0] in ("lr \\ activation", "activation \\ lr")
    assert sorted([len(rows), len(head) - 1]) == [2, 3]  # 3 x 2, either way round
    assert f"{best.value:.4g}" in [cell for row in rows for cell in row[1:]]
    assert (files / "cells.csv").is_file()
    assert "Heatmap of the final val_loss in each cell of" in text
    assert "a white cell was not tried" not in text  # the grid is full
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    # QA: "each cell the best of its trials" read as the trial's best epoch, where the
    # value is the net's at the end of training
    assert ("each cell its trial's val_loss at the end of training (the last checkpoint's, "
            "not the best checkpoint's).") in words
    assert "Final val_loss by " in words
    # QA: a spent grid's report gave a --trials past its points (refused, exit 2) and
    # called its ranking one "which more trials may change"
    assert ("From only 6 complete trials, with all 6 points of the grid run: a rough "
            "ranking, which no more trials can change; other seeds or a finer grid may.") in words
    assert ("More trials would change nothing: all 6 points of the grid ran, and hplab study "
            "run takes no --trials past them. Other seeds or a finer grid would firm up the "
            "ranking: copy spec.toml beside this report") in words
    assert "hplab study run cells" not in text and "says more trials would pay off" not in words
    assert ("The grid sampler takes its points in a shuffled order, so the line's shape says "
            "nothing of what more trials would find; all 6 of its points ran, so there are "
            "no more to try.") in words
    # QA 45: with no pruner the report drew no trial's curve, though each records ~50
    # checkpoints: the course compares rates by their curves, a panel per batch size
    curves = pd.read_csv(files / "curves.csv")
    for t in trials:
        history = study.trial_info(t)["history"]
        mine = curves[curves["number"] == t.number]
        assert mine["epoch"].tolist() == history["epoch"]
        assert mine["value"].tolist() == pytest.approx(history["val_loss"])
        assert set(mine["lr"]) == {t.params["lr"]}
        assert set(mine["activation"]) == {t.params["activation"]}
    caption = re.search(r'alt="Chart: Learning curves: val_loss, a panel per activation — '
                        r'val_loss against epoch"'
                        r'.*?<figcaption>([^<]*)', text, re.S).group(1)
    assert caption.startswith("val_loss at the checkpoints each complete trial recorded, "
                              "coloured by lr, a panel per activation.")
    frame = curves_view.curves_frame(trials, "val_loss", ["activation", "lr"],
                                     sd.param_table(trials).attrs["axes"])
    assert frame.attrs["color"] == "activation" and frame.attrs["panel"] == "lr"
    frame = curves_view.curves_frame(trials, "val_loss", ["lr", "activation"],
                                     sd.param_table(trials).attrs["axes"])
    fig = _drawn(curves_view.draw_curves, frame)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == ["activation = tanh", "activation = relu"]
    assert [len(ax.lines) for ax in shown] == [3, 3]  # a curve per rate in each
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["0.05", "0.5", "2.0"]
    colour = {float(t.get_text()): h.get_color() for t, h in
              zip(legend.get_texts(), legend.legend_handles, strict=True)}
    for ax, activation in zip(shown, ["tanh", "relu"], strict=True):
        # each curve (the panel's trials in number order) in its rate's colour
        mine = sorted((t for t in trials if t.params["activation"] == activation),
                      key=lambda t: t.number)
        assert [tuple(line.get_color()) for line in ax.lines] == [
            tuple(colour[t.params["lr"]]) for t in mine]
        assert [list(line.get_ydata()) for line in ax.lines] == [
            pytest.approx(study.trial_info(t)["history"]["val_loss"]) for t in mine]


def test_learning_curves_draw_the_validation_loss_for_a_metric_no_trial_records():
    # a study of val_pr_auc, n_parameters or train_seconds: the curves are val_loss's
    trial = optuna.trial.create_trial(
        params={"lr": 0.1}, distributions={"lr": FloatDistribution(0.01, 1.0, log=True)},
        value=0.5, user_attrs={"record": {"worker": "h:1@0", "run": "r", "history": {
            "epoch": [0.0, 1.0, 2.0], "val_loss": [1.0, 0.5, None],
            "val_accuracy": [0.1, 0.5, 0.6]}}})
    trial.number = 0
    table = sd.param_table([trial])
    frame = curves_view.curves_frame([trial], "n_parameters", ["lr"], table.attrs["axes"])
    assert frame.attrs["metric"] == "val_loss"
    assert frame[["epoch", "value"]].values.tolist() == [[0.0, 1.0], [1.0, 0.5]]  # no None
    assert curves_view.curves_frame([trial], "val_accuracy", ["lr"], table.attrs["axes"])[
        "value"].tolist() == [0.1, 0.5, 0.6]
    # an imbalance trial's pipeline trains without a validation split: its training loss
    trial.user_attrs["record"]["history"] = {"epoch": [0.0, 1.0], "val_loss": [None, None],
                                             "train_loss": [0.7, 0.2]}
    frame = curves_view.curves_frame([trial], "val_pr_auc", ["lr"], table.attrs["axes"])
    assert frame.attrs["metric"] == "train_loss" and frame["value"].tolist() == [0.7, 0.2]


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


def _trials(rows, **dists):
    """Complete trials numbered in order: ``rows`` of (value, params)."""
    trials = []
    for number, (value, params) in enumerate(rows):
        t = optuna.trial.create_trial(params=params, distributions=dists, value=value)
        t.number = number
        trials.append(t)
    return trials


def _ticks_in_view(ax, which="x"):
    lo, hi = sorted(getattr(ax, f"get_{which}lim")())
    return [float(t) for t in getattr(ax, f"get_{which}ticks")() if lo <= t <= hi]


@pytest.mark.parametrize("numbers", [[0], [2], [0, 1], [2, 3], [0, 4, 9]])
def test_trial_numbers_are_whole_ticks_one_for_one_trial(numbers):
    values = np.linspace(0.4, 0.6, len(numbers))
    frame = pd.DataFrame({"number": numbers, "value": values,
                          "best": np.maximum.accumulate(values)})
    ticks = _ticks_in_view(_drawn(sw.draw_history, frame, metric="val_accuracy").axes[0])
    assert ticks and all(t.is_integer() for t in ticks), ticks
    if len(numbers) == 1:  # not -0.04 .. 0.04 around it
        assert ticks == [numbers[0]]


@pytest.mark.parametrize("counts", [[3], [2, 1], [1, 1, 1], [40, 7]])
def test_trials_by_outcome_count_in_whole_trials(counts):
    # 3 trials had ticks at 0.5, 1.5 and 2.5 trials
    frame = pd.DataFrame({"outcome": ["complete", "pruned", "failed", "diverged"][:len(counts)],
                          "trials": counts})
    ticks = _ticks_in_view(_drawn(sw.draw_state_counts, frame).axes[0], "x")
    assert ticks and all(t.is_integer() for t in ticks), ticks


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (0.003, 0.3, [0.005, 0.01, 0.02, 0.05, 0.1, 0.2]),  # 1-2-5 over two decades
    (1e-4, 30, [1e-4, 1e-3, 0.01, 0.1, 1, 10]),  # 16 labels ran together: decades
    (1e-8, 1e8, [1e-8, 1e-5, 0.01, 10, 1e4, 1e7]),  # every third decade
    (0.3, 0.4, [0.3, 0.4]),  # no 1-2-5 value inside: the ends
])
def test_log_axes_keep_few_readable_ticks(lo, hi, expected):
    ticks = sd._log_ticks(lo, hi, integer=False)
    assert ticks == pytest.approx(expected) and len(ticks) <= sd.MAX_LOG_TICKS


@pytest.mark.slow
def test_importances_read_a_grid_of_numbers_as_numbers():
    # 28 rates as 28 categories kept fANOVA busy for over five minutes; as numbers on
    # their range, the rate that decides the value is found at once
    rng = np.random.default_rng(0)

    def objective(t):
        lr = t.suggest_categorical("lr", [0.01 * (i + 1) for i in range(28)])
        batch_size = t.suggest_categorical("batch_size", [8, 16, 32, 64, 128])
        t.suggest_categorical("act", ["tanh", "relu"])  # no effect
        return (lr - 0.15) ** 2 * 100 + batch_size / 1000 + 0.01 * rng.normal()

    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(objective, n_trials=60)
    frame = si.importance_frame(s).pivot(index="param", columns="method", values="importance")
    assert frame.loc["lr", "fANOVA"] > 0.9 and frame["fANOVA"].idxmax() == "lr"
    assert frame["PED-ANOVA"].idxmax() == "lr"
    assert set(frame.index) == {"lr", "batch_size", "act"}
    # optuna's fANOVA tree caches its methods on the class: each report's 64 trees stayed
    # alive (25 MB a report of 500 trials, for the life of a notebook)
    from optuna.importance._fanova._tree import _FanovaTree

    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, _FanovaTree)]
    ordered = si._numeric_choices_as_numbers(s, s.trials)
    assert isinstance(ordered.trials[0].distributions["lr"], FloatDistribution)
    assert ordered.trials[0].distributions["lr"].log  # 0.01 to 0.28: over a decade
    # a batch size of -1 (full batch) has no place on the number line below 8: a category
    full = optuna.create_study()
    for i, b in enumerate([-1, 8, 32, -1]):
        full.add_trial(optuna.trial.create_trial(
            params={"batch_size": b}, value=float(i),
            distributions={"batch_size": CategoricalDistribution([-1, 8, 32])}))
    assert si._numeric_choices_as_numbers(full, full.trials) is full


def test_fanova_is_left_out_over_a_category_of_many_choices():
    # 13 strategies (or 17 batch sizes with -1) kept fANOVA busy for minutes per report
    rng = np.random.default_rng(0)
    names = [f"strategy_{i}" for i in range(13)]

    def objective(t):
        return (float(names.index(t.suggest_categorical("strategy", names)))
                + t.suggest_float("lr", 1e-3, 1.0, log=True) + 0.1 * rng.normal())

    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(objective, n_trials=40)
    frame = si.importance_frame(s)
    assert set(frame["method"]) == {"PED-ANOVA"} and set(frame["param"]) == {"strategy", "lr"}
    assert frame.attrs["fanova_skipped"] == "strategy (13 choices)"
    assert frame.set_index("param").loc["strategy", "importance"] > 0.5


def test_fanova_is_fitted_on_a_seeded_sample_of_many_trials(monkeypatch):
    # 3000 trials kept fANOVA busy 26 s of a 40 s report; PED-ANOVA still takes them all
    rng = np.random.default_rng(0)
    dists = {"lr": FloatDistribution(1e-3, 1.0, log=True), "width": IntDistribution(2, 8)}
    s = optuna.create_study()
    s.add_trials([optuna.trial.create_trial(
        params={"lr": lr, "width": int(w)}, distributions=dists, value=float(np.log(lr) ** 2))
        for lr, w in zip(np.exp(rng.uniform(np.log(1e-3), 0, 40)), rng.integers(2, 9, 40),
                         strict=True)])
    fitted = []
    real = optuna.importance.FanovaImportanceEvaluator.evaluate

    def evaluate(self, study, *args, **kwargs):
        fitted.append(len(study.get_trials(deepcopy=False)))
        return real(self, study, *args, **kwargs)

    monkeypatch.setattr(si, "FANOVA_MAX_TRIALS", 25, raising=False)
    monkeypatch.setattr(optuna.importance.FanovaImportanceEvaluator, "evaluate", evaluate)
    frame = si.importance_frame(s)
    assert fitted == [25] and frame.attrs["fanova_sample"] == (25, 40)
    assert set(frame["method"]) == {"PED-ANOVA", "fANOVA"}
    assert frame.set_index(["method", "param"]).loc[("fANOVA", "lr"), "importance"] > 0.9
    again = si.importance_frame(s)  # the same sample: the same report
    pd.testing.assert_frame_equal(frame, again)
    monkeypatch.setattr(si, "FANOVA_MAX_TRIALS", 40, raising=False)
    assert si.importance_frame(s).attrs["fanova_sample"] is None and fitted[-1] == 40


def test_a_few_outliers_leave_the_colour_scale_to_the_usual_values():
    # 1000 trials, val_loss up to 6.07 among 0.68-0.82: 95 % of them in the lightest tenth
    rng = np.random.default_rng(0)
    lr, width = np.exp(rng.uniform(np.log(1e-3), 0, 60)), rng.integers(2, 17, 60)
    loss = np.r_[rng.uniform(0.68, 0.82, 57), 6.07, 4.2, 3.9]
    trials = _trials([(float(v), {"lr": float(a), "width": int(b)})
                      for v, a, b in zip(loss, lr, width, strict=True)],
                     lr=FloatDistribution(1e-3, 1.0, log=True), width=IntDistribution(2, 16))
    table = sd.param_table(trials)
    par = sd.parallel_frame(table, ["lr", "width"])
    (low, high), extend = par.attrs["color_range"], par.attrs["color_extend"]
    assert extend == "max" and low == loss.min() and 0.82 < high < 1.0
    # each axis's ends say its real values (the value's: past the fence where cut)
    assert par.attrs["ticks"]["lr"] == [(0.0, f"{lr.min():.3g}"), (1.0, f"{lr.max():.3g}")]
    assert par.attrs["ticks"]["width"] == [(0.0, str(width.min())), (1.0, str(width.max()))]
    assert par.attrs["ticks"]["value"] == [(0.0, f"{low:.3g}"), (1.0, f"\u2265{high:.3g}")]
    fig = _drawn(sl.draw_parallel, par, maximize=False)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {f"{lr.min():.3g}", str(width.max()), f"\u2265{high:.3g}"} <= texts
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["lr (log)", "width",
                                                                     "value"]
    assert _colorbar_range(fig) == pytest.approx((low, high))
    contour = sd.contour_frame(table, "lr", "width")
    assert contour.attrs["color_range"] == (low, high)
    fig = _drawn(sw.draw_contour, contour, metric="val_loss", maximize=False)
    assert _colorbar_range(fig) == pytest.approx((low, high))
    assert fig.axes[0].collections[-1].colorbar.extend == "max"  # the trials' points


def test_an_integer_parameter_of_one_value_gets_one_tick():
    trials = _trials([(0.5 + 0.1 * i, {"lr": 0.01 * (i + 1), "depth": 2}) for i in range(4)],
                     lr=FloatDistribution(0.001, 0.1, log=True), depth=IntDistribution(1, 3))
    table = sd.param_table(trials)
    fig = _drawn(sw.draw_slices, table[["number", "value", "lr", "depth"]],
                 metric="val_accuracy")
    assert _ticks_in_view(fig.axes[1]) == [2.0]  # not 1.900 1.925 ... 2.100 run together
    fig = _drawn(sw.draw_contour, sd.contour_frame(table, "lr", "depth"),
                 metric="val_accuracy", maximize=True)
    assert _ticks_in_view(fig.axes[0], "y") == [2.0]


def test_the_slices_draw_the_first_trial_as_a_visible_filled_dot():
    # QA: c=number on "Blues" put trial 0 at Blues(0), near white: a 2-trial study's best
    # trial #0 was a pale ring on white, which reads as a hollow (pruned) point
    dist = {"lr": FloatDistribution(0.001, 0.1, log=True)}
    for rows in ([(0.2, {"lr": 0.01}), (0.5, {"lr": 0.05})], [(0.2, {"lr": 0.01})]):
        table = sd.param_table(_trials(rows, **dist))
        fig = _drawn(sw.draw_slices, table[["number", "value", "lr"]], metric="val_loss")
        (points,) = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
        faces = points.get_facecolors()
        assert len(faces) == len(rows)
        first = faces[0][:3]
        # Blues at 0.35 at least (0.65, 0.81, 0.89; white is 1, 1, 1, Blues(0) 0.97, 0.98, 1)
        assert first.min() < 0.7 and first.mean() < 0.8, first
        assert (faces[-1][:3] <= first).all()  # darker = later trial, still
    assert faces.tolist() == [list(sw.LATER_TRIAL_CMAP(0.0))]


def test_numeric_categories_sit_in_value_order_and_the_axis_says_so():
    choices = [0.00001, 5000.0, 0.05, 0.00002]  # search order, as in a grid spec
    trials = _trials([(v, {"lr": lr}) for v, lr in zip([0.3, 0.1, 0.9, 0.4], choices,
                                                       strict=True)],
                     lr=CategoricalDistribution(choices))
    table = sd.param_table(trials)
    axis = table.attrs["axes"]["lr"]
    assert axis["choices"] == sorted(choices)
    par = sd.parallel_frame(table, ["lr"])
    # the ends name the least and the greatest value, and every value lies between them
    assert par.attrs["ticks"]["lr"] == [(0.0, "1e-05"), (1 / 3, "2e-05"), (2 / 3, "0.05"),
                                        (1.0, "5000.0")]
    assert list(par.sort_values("lr_position")["number"]) == \
        list(table.sort_values("lr")["number"])
    assert par["lr_position"].min() == 0 and par["lr_position"].max() == 1
    fig = _drawn(sw.draw_slices, table[["number", "value", "lr"]], metric="val_accuracy")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == \
        ["1e-05", "2e-05", "0.05", "5000.0"]


def test_a_categorical_axis_of_many_choices_names_as_many_as_fit():
    choices = [f"c{i}" for i in range(17)]
    trials = _trials([(0.1 * i, {"kind": c}) for i, c in enumerate(choices[::4])],
                     kind=CategoricalDistribution(choices))
    ticks = sd.parallel_frame(sd.param_table(trials), ["kind"]).attrs["ticks"]["kind"]
    assert len(ticks) == sd.MAX_CHOICE_LABELS == 9
    assert [text for _, text in ticks] == choices[::2]  # both ends among them
    assert [y for y, _ in ticks] == [i / 16 for i in range(0, 17, 2)]


@pytest.mark.parametrize("maximize", [True, False])
def test_the_best_of_trials_with_the_same_parameters_is_drawn_on_top(maximize):
    best, worse = (0.9, 0.2) if maximize else (0.2, 0.9)
    same = {"lr": 0.01, "width": 4}
    rows = [(best, same), (worse, same), (0.5, {"lr": 0.05, "width": 8}),
            (0.6, {"lr": 0.002, "width": 2})]  # the best first: drawn in order, it is hidden
    trials = _trials(rows, lr=FloatDistribution(0.001, 0.1, log=True),
                     width=IntDistribution(2, 8))
    table = sd.param_table(trials)
    fig = _drawn(sw.draw_contour, sd.contour_frame(table, "lr", "width"), metric="v",
                 maximize=maximize)
    points = next(c for c in fig.axes[0].collections if isinstance(c, PathCollection))
    assert points.get_array()[-1] == best
    fig = _drawn(sl.draw_parallel, sd.parallel_frame(table, ["lr", "width"]),
                 maximize=maximize)
    last = fig.axes[0].lines[-1].get_ydata()[-1]  # the value axis, scaled to [0, 1]
    assert last == (1.0 if maximize else 0.0)


def test_values_spanning_decades_are_drawn_on_a_log_axis():
    # QA: val_loss from 7e-4 to 0.7 put the three best trials on the zero line
    values = np.array([0.7, 0.2, 0.06, 0.02, 7e-4])
    frame = pd.DataFrame({"number": range(5), "value": values,
                          "best": np.minimum.accumulate(values)})
    ax = _drawn(sw.draw_history, frame, metric="val_loss").axes[0]
    assert ax.get_yscale() == "log" and ax.get_title().endswith("(log scale)")
    ax = _drawn(sw.draw_history, frame.assign(value=values + 1, best=values + 1),
                metric="val_loss").axes[0]
    assert ax.get_yscale() == "linear"


def test_accuracy_like_metrics_stay_on_a_linear_axis_losses_go_log():
    # QA: val_accuracy on a log axis (1e-2 to 1) squashed every curve between 0.9 and 1
    # into a line; one pruned trial had started at 0.012
    rows = [(n, status, e, v) for n, status, curve in
            ((0, "complete", [0.90, 0.95, 0.97, 0.98]), (1, "complete", [0.91, 0.93, 0.96, 0.97]),
             (2, "pruned", [0.012, 0.4]))
            for e, v in enumerate(curve, start=1)]
    frame = pd.DataFrame(rows, columns=["number", "status", "epoch", "value"])
    for metric in sorted(sw.BOUNDED_SCORES):
        ax = _drawn(sl.draw_intermediate, frame, metric=metric).axes[0]
        assert ax.get_yscale() == "linear" and "log" not in ax.get_title(), metric
    ax = _drawn(sl.draw_intermediate, frame, metric="val_loss").axes[0]
    assert ax.get_yscale() == "log" and ax.get_title().endswith("log scale")
    values = frame["value"]
    history = pd.DataFrame({"number": range(len(values)), "value": values,
                            "best": values.cummax()})
    ax = _drawn(sw.draw_history, history, metric="val_accuracy").axes[0]
    assert ax.get_yscale() == "linear" and "log" not in ax.get_title()
    # the scores bounded in [0, 1] are every metric a study maximizes
    import study

    assert sw.BOUNDED_SCORES == {m for m, d in study.METRICS.items() if d == "maximize"}


def test_a_diverged_curve_leaves_the_axis_to_the_others():
    # QA: a diverged trial's loss of 11 flattened every complete curve into the 1-2 band
    rows = [(n, status, e, v) for n, status, curve in
            ((0, "complete", [1.9, 1.5, 1.2, 1.0]), (1, "pruned", [2.0, 1.7]),
             (2, "diverged", [1.8, 3.0, 11.0]))
            for e, v in enumerate(curve, start=1)]
    frame = pd.DataFrame(rows, columns=["number", "status", "epoch", "value"])
    ax = _drawn(sl.draw_intermediate, frame, metric="val_loss").axes[0]
    low, high = ax.get_ylim()
    assert low < 1.0 and 2.0 < high < 3.0 and "diverged curves leave the axis" in ax.get_title()
    calm = frame.assign(value=np.where(frame["value"] > 2.5, 2.2, frame["value"]))
    ax = _drawn(sl.draw_intermediate, calm, metric="val_loss").axes[0]
    assert ax.get_ylim()[1] > 2.2 and "leave" not in ax.get_title()
    # one blowing up to 1e6 chose a log axis for all, the others in 5 % of its height
    far = frame.assign(value=np.where(frame["value"] > 10, 1e6, frame["value"]))
    ax = _drawn(sl.draw_intermediate, far, metric="val_loss").axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylim()[1] < 3.0
    # curves spanning decades of their own: a log axis, the diverged one still off it
    wide = frame.assign(value=np.where(frame["number"] == 2, frame["value"] * 1e6,
                                       frame["value"] / 10 ** (3 * frame["epoch"])))
    ax = _drawn(sl.draw_intermediate, wide, metric="val_loss").axes[0]
    assert ax.get_yscale() == "log" and ax.get_ylim()[1] < 1e3
    assert ax.get_title().endswith("log scale; diverged curves leave the axis")


def test_the_importances_legend_covers_no_bar():
    # QA: with one parameter both bars reach 1.0, under a legend in the lower right
    frame = pd.DataFrame({"param": ["lr", "lr"], "method": ["PED-ANOVA", "fANOVA"],
                          "importance": [1.0, 1.0]})
    fig = _drawn(sw.draw_importances, frame)
    (legend,) = fig.legends
    assert not legend.get_window_extent().overlaps(fig.axes[0].get_window_extent())
    assert [t.get_text() for t in legend.get_texts()] == ["PED-ANOVA", "fANOVA"]


def test_complete_and_pruned_trials_differ_by_more_than_colour():
    # QA (colour-blind): "Trials per worker", "Intermediate values" and the importance bars
    # told complete from pruned trials (and PED-ANOVA from fANOVA) by colour alone
    from matplotlib.patches import Rectangle

    rows = [(n, status, e, v) for n, status, curve in
            ((0, "complete", [1.9, 1.5, 1.2, 1.0]), (1, "pruned", [2.0, 1.7]),
             (2, "complete", [1.8, 1.4, 1.1, 0.9]), (3, "diverged", [1.8, 3.0]))
            for e, v in enumerate(curve, start=1)]
    frame = pd.DataFrame(rows, columns=["number", "status", "epoch", "value"])
    ax = _drawn(sl.draw_intermediate, frame, metric="val_loss").axes[0]
    styles = {}
    for line in ax.lines:
        if len(line.get_xdata()) > 1:  # the curves (their stopping x aside)
            styles.setdefault(line.get_color(), set()).add(line.get_linestyle())
    assert all(len(s) == 1 for s in styles.values()) and len(styles) == 3
    assert len({s.pop() for s in styles.values()}) == 3  # a line style per outcome
    legend = {t.get_text(): (h.get_linestyle(), h.get_marker())
              for t, h in zip(ax.get_legend().get_texts(), ax.get_legend().legend_handles,
                              strict=True)}
    assert legend["complete"][0] != legend["pruned"][0] and legend["pruned"][1] == "x"

    timeline = pd.DataFrame({"number": range(4), "worker": ["w1", "w1", "w2", "w2"],
                             "lane": [0, 0, 1, 1], "start": [0.0, 2.0, 0.5, 3.0],
                             "end": [2.0, 2.5, 3.0, 3.2],
                             "status": ["complete", "pruned", "complete", "pruned"]})
    fig = _drawn(draw_timeline, timeline)
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    hatch = {tuple(b.get_facecolor()): b.get_hatch() or "" for b in bars}
    assert len(hatch) == 2 and len(set(hatch.values())) == 2  # hatched by outcome
    handles = fig.axes[0].get_legend().legend_handles
    assert len({h.get_hatch() or "" for h in handles}) == 2  # and the legend shows it

    imp = pd.DataFrame({"param": ["lr", "width"] * 2, "method": ["PED-ANOVA"] * 2 +
                        ["fANOVA"] * 2, "importance": [0.7, 0.3, 0.6, 0.4]})
    fig = _drawn(sw.draw_importances, imp)
    assert {b.get_hatch() or "" for b in fig.axes[0].patches} == {
        h.get_hatch() or "" for h in fig.legends[0].legend_handles} and len(
        {b.get_hatch() or "" for b in fig.axes[0].patches}) == 2


def test_learning_curves_of_many_choices_name_them_on_a_colour_bar():
    # past ten choices a legend would run long: a colour bar, its ticks the choices
    # (they are coloured by their index among them), not 0..11
    widths = [2 ** k for k in range(12)]
    trials = _trials([(0.1, {"width": w}) for w in widths],
                     width=CategoricalDistribution(widths))
    for t, w in zip(trials, widths, strict=True):
        t.set_user_attr("record", {"worker": "h:1@0", "run": "r", "history": {
            "epoch": [0.0, 1.0], "val_loss": [1.0, 1.0 / w]}})
    frame = curves_view.curves_frame(trials, "val_loss", ["width"],
                                     sd.param_table(trials).attrs["axes"])
    fig = _drawn(curves_view.draw_curves, frame)
    assert not fig.legends
    bar = fig.axes[-1]
    assert [t.get_text() for t in bar.get_yticklabels()] == ["1", "4", "16", "64", "256",
                                                            "1024"]
    lines = fig.axes[0].lines
    assert len(lines) == 12 and lines[0].get_color() != lines[-1].get_color()


@pytest.mark.slow
def test_the_lr_batch_spec_finds_the_courses_rate_at_batch_128_and_reports_its_grid(
        tmp_path, capsys):
    # the ready spec of the course's rate x batch experiment: every pair once, and what
    # its header says: at batch 128, 0.5 beats 0.2, 0.3 and 0.8 (as on the course's MNIST)
    import reports

    header = ready_spec_header("lr-batch")
    said = re.search(r"at batch 128 a rate of 0\.5 ends best \(validation accuracy ([0-9.]+) "
                     r"against ([0-9.]+), ([0-9.]+) and ([0-9.]+) for 0\.2, 0\.3 and 0\.8\), "
                     r"but on this seed's last checkpoint only: .*? At batch 16 every rate "
                     r"scores ([0-9.]+)-([0-9.]+)\.", header)
    db = tmp_path / "lr.db"
    summary = study.run_study("lr-batch", storage=str(db), progress=False)
    assert (summary["n_complete"], summary["n_trials"]) == (15, 15)
    trials = optuna.load_study(study_name="lr-batch", storage=f"sqlite:///{db}").get_trials()
    value = {(t.params["batch_size"], t.params["lr"]): t.value for t in trials}
    assert sorted(value) == sorted(itertools.product([16, 32, 128], [0.1, 0.2, 0.3, 0.5, 0.8]))
    at_128 = [f"{value[128, lr]:.3f}" for lr in (0.5, 0.2, 0.3, 0.8)]
    assert at_128 == list(said.groups()[:4])
    assert max(value[128, lr] for lr in (0.1, 0.2, 0.3, 0.8)) < value[128, 0.5]
    at_16 = [value[16, lr] for lr in (0.1, 0.2, 0.3, 0.5, 0.8)]
    assert [f"{min(at_16):.3f}", f"{max(at_16):.3f}"] == list(said.groups()[4:])
    # QA: the header left batch 32 out, where these digits part from the course's MNIST
    at_32 = re.search(r"at\s+batch 32, 0\.1 leads \(([0-9.]+) against ([0-9.]+) for 0\.5\)",
                      header)
    assert [f"{value[32, 0.1]:.3f}", f"{value[32, 0.5]:.3f}"] == list(at_32.groups())
    assert value[32, 0.1] == max(value[32, lr] for lr in (0.1, 0.2, 0.3, 0.5, 0.8))
    path = reports.study_report("lr-batch", storage=str(db), out=tmp_path / "report")
    text = path.read_text()
    head, rows = report_table(text, "table-cells")
    assert head == ["batch_size \\ lr", "0.1", "0.2", "0.3", "0.5", "0.8"]
    assert [row[0] for row in rows] == ["16", "32", "128"]
    assert rows[2][4] == f"{value[128, 0.5]:.4g}"
    assert ("val_accuracy at the checkpoints each complete trial recorded, coloured by lr, a "
            "panel per batch_size.") in text
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    # QA: the report said `hplab study run lr-batch --trials 41 ...`, refused ("--trials 41
    # exceeds the grid's 15 points", exit 2)
    assert "--trials 41" not in text and ("More trials would change nothing: all 15 points "
                                          "of the grid ran") in words
    # QA: 0.5 against 0.8 at batch 128 flips on the mean of the last 5 checkpoints: the
    # cells' curves moved there by more than the two best cells are apart
    moved = {k: np.ptp(study.trial_info(t)["history"]["val_accuracy"][-5:])
             for k, t in zip(value, trials, strict=True)}
    (bs, lr), widest = max(moved.items(), key=lambda kv: kv[1])
    assert (bs, lr) == (128, 0.5) and widest > 0.2  # the QA's cell
    top = sorted(value.values(), reverse=True)
    assert (f"over the last 5 checkpoints each recorded, by up to {widest:.2g} (lr {lr}, "
            f"batch_size {bs}; a median {np.median(list(moved.values())):.2g} over the "
            f"cells), more than the {top[0] - top[1]:.2g} between the two best cells.") in words
    # and in the terminal: `study show` prints the table (its --json keeps its keys)
    from cli_helpers import run_cli

    code, out, _ = run_cli(["study", "show", "lr-batch", "--storage", db], capsys)
    table = out.split("final val_accuracy by lr (rows) and batch_size (columns):\n")[1]
    rows = [line.split() for line in table.splitlines()]
    assert code == 0 and rows[0] == ["lr", "\\", "batch_size", "16", "32", "128"]
    assert [row[0] for row in rows[1:]] == ["0.1", "0.2", "0.3", "0.5", "0.8"]
    assert rows[4][3] == f"{value[128, 0.5]:.4g}"  # lr 0.5, batch 128
    code, out, _ = run_cli(["study", "show", "lr-batch", "--storage", db, "--json"], capsys)
    assert code == 0 and "val_accuracy by" not in out
    assert set(json.loads(out)) == set(summary) - {"seconds"} | {"report_stale",
                                                                  "best_told_while_running"}


def test_the_history_runs_to_the_last_trial_and_marks_the_stopped_ones():
    # QA: a study of 12 trials whose last 5 were pruned drew its history up to trial 6,
    # the last complete one; history.csv listed only the complete trials
    from optuna.trial import TrialState

    dist = {"lr": FloatDistribution(0.001, 0.1, log=True)}
    trials = []
    for number, (state, value, reports) in enumerate([
            (TrialState.COMPLETE, 0.6, {}), (TrialState.COMPLETE, 0.8, {}),
            (TrialState.PRUNED, None, {1: 0.3, 2: 0.45}), (TrialState.FAIL, None, {}),
            (TrialState.PRUNED, None, {1: 0.5})]):
        t = optuna.trial.create_trial(params={"lr": 0.01}, distributions=dist, state=state,
                                      value=value, intermediate_values=reports)
        t.number = number
        trials.append(t)
    frame = sd.history_frame(trials, maximize=True)
    # the earlier columns first, and as they were on the complete trials
    assert list(frame.columns) == ["number", "value", "best", "state"]
    assert frame["number"].tolist() == [0, 1, 2, 3, 4]
    assert frame["state"].tolist() == ["complete", "complete", "pruned", "fail", "pruned"]
    assert frame["value"].tolist()[:3] == [0.6, 0.8, 0.45] and np.isnan(frame["value"][3])
    assert frame["best"].tolist() == [0.6, 0.8, 0.8, 0.8, 0.8]
    ax = _drawn(sw.draw_history, frame, metric="val_accuracy").axes[0]
    assert ax.get_xlim()[1] >= 4 and 4 in _ticks_in_view(ax)
    marks = {line.get_label(): line for line in ax.lines}
    hollow = marks["pruned (last value reported)"]
    assert hollow.get_markerfacecolor() == "none"
    assert list(hollow.get_xdata()) == [2, 4] and list(hollow.get_ydata()) == [0.45, 0.5]
    assert list(marks["diverged or failed"].get_xdata()) == [3]
    caption = study_text.history_caption(frame, "val_accuracy", maximize=True)
    assert "up to the last (#4)" in caption and "2 pruned trials hollow" in caption
    assert "1 that diverged or failed as x marks" in caption
