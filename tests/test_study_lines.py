"""The study figures of one line per trial at thousands of trials: the pruner's curves and
the parallel coordinates stay readable, and a study of a few dozen trials is drawn as
before."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
import pytest
from matplotlib import colormaps
from matplotlib.colors import to_hex, to_rgba
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from reports import _study_data as sd, _study_lines as sl, design
from reports._study_draw import outcome_style

pytestmark = pytest.mark.rasterized


def _drawn(draw, frame, **keys):
    with design.style():
        fig = draw(frame, **keys)
        fig.canvas.draw()
    return fig


def _curves(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` trials' checkpoints as `intermediate_frame` gives them: a fifth pruned at
    epoch 2, the others complete at epoch 4, accuracies near 0.9 as a long TPE study's."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(n):
        pruned = rng.random() < 0.2
        top = rng.uniform(0.80, 0.95) - (0.1 if pruned else 0.0)
        for epoch in range(1, 3 if pruned else 5):
            rows.append((number, epoch, top - 0.2 / epoch + rng.normal(0, 0.01),
                         "pruned" if pruned else "complete"))
    return pd.DataFrame(rows, columns=["number", "epoch", "value", "status"])


def _curve_lines(ax, status: str) -> list:
    """(place among the axes' lines, line) of each curve of ``status``'s colour."""
    colour = to_rgba(outcome_style(status)["color"])
    return [(k, line) for k, line in enumerate(ax.lines)
            if len(line.get_xdata()) > 1 and to_rgba(line.get_color()) == colour]


def test_a_few_dozen_curves_are_drawn_as_before():
    frame = _curves(60)
    ax = _drawn(sl.draw_intermediate, frame, metric="val_accuracy").axes[0]
    complete, pruned = _curve_lines(ax, "complete"), _curve_lines(ax, "pruned")
    assert {line.get_alpha() for _, line in complete} == {0.9}
    assert {line.get_alpha() for _, line in pruned} == {0.6}
    assert {line.get_linewidth() for _, line in complete + pruned} == {0.9}
    # every curve, in trial order: the outcomes interleaved
    assert len(complete) + len(pruned) == 60
    assert min(k for k, _ in pruned) < max(k for k, _ in complete)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["complete", "pruned"]
    assert sl.many_curves_note(60) == ""


def test_thousands_of_curves_are_faint_the_stopped_on_top_and_the_best_bold():
    # QA: 2354 complete curves at 0.9 opaque made a solid band over the 646 pruned ones
    # and their stops at epoch 2
    frame = _curves(3000)
    ax = _drawn(sl.draw_intermediate, frame, metric="val_accuracy").axes[0]
    n = frame.groupby("status")["number"].nunique()
    complete, pruned = ax.collections  # in this order: the stopped ones drawn over
    assert [len(complete.get_segments()), len(pruned.get_segments())] == [
        n["complete"], n["pruned"]]
    assert to_rgba(complete.get_edgecolor()[0])[:3] == to_rgba(
        outcome_style("complete")["color"])[:3]
    assert complete.get_alpha() == pytest.approx(0.9 * 150 / n["complete"])
    assert pruned.get_alpha() == pytest.approx(0.6 * 150 / n["pruned"])
    (stops,) = [line for line in ax.lines if line.get_marker() == "x" and len(
        line.get_xdata())]
    assert len(stops.get_xdata()) == n["pruned"] and set(stops.get_xdata()) == {2.0}
    bold = [line for line in ax.lines if line.get_linewidth() == 1.3]
    last = frame[frame["status"] == "complete"].groupby("number")["value"].last()
    assert sorted(line.get_ydata()[-1] for line in bold) == sorted(last.nlargest(10))
    assert ax.lines.index(bold[0]) > ax.lines.index(stops)  # on top of all
    assert "best 10 complete" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert sl.many_curves_note(3000).startswith(" With 3000 curves each is drawn faint")


def _parallel(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    trials = []
    for number in range(n):
        params = {"lr": float(10 ** rng.uniform(-3, -1)), "width": int(rng.integers(2, 65)),
                  "activation": str(rng.choice(["relu", "tanh"]))}
        # as a long TPE study: most trials near the best
        t = optuna.trial.create_trial(params=params, value=float(0.95 - rng.exponential(0.02)),
                                      distributions={
                                          "lr": FloatDistribution(1e-3, 0.1, log=True),
                                          "width": IntDistribution(2, 64),
                                          "activation": CategoricalDistribution(
                                              ["relu", "tanh"])})
        t.number = number
        trials.append(t)
    return sd.parallel_frame(sd.param_table(trials), ["lr", "width", "activation"])


def test_parallel_coordinates_of_thousands_colour_the_best_tenth_on_its_own_scale():
    # QA: at 3000 trials nearly every line was the same yellow: most lie near the best
    frame = _parallel(3000)
    fig = _drawn(sl.draw_parallel, frame, maximize=True)
    grey, coloured = fig.axes[0].collections  # in this order: the best tenth on top
    assert len(grey.get_segments()) == 2700 and len(coloured.get_segments()) == 300
    assert {to_hex(c) for c in grey.get_edgecolor()} == {to_hex(design.MUTED)}
    # the best tenth spans the whole colour map: the worst of them darkest, the best
    # lightest, drawn last (on top)
    cmap, colours = colormaps["viridis"], coloured.get_edgecolor()
    assert to_hex(colours[0]) == to_hex(cmap(0.0)) and to_hex(colours[-1]) == to_hex(cmap(1.0))
    assert coloured.get_segments()[-1][-1, 1] == 1.0  # the best's value, axis top
    assert fig.axes[-1].get_ylabel() == "value, best tenth"
    assert "best tenth" in fig.axes[0].get_title()
    assert sl.parallel_note(3000).startswith(" With 3000 trials only the best tenth")


def test_parallel_coordinates_of_a_few_dozen_colour_every_trial_as_before():
    frame = _parallel(60)
    fig = _drawn(sl.draw_parallel, frame, maximize=True)
    lines = fig.axes[0].lines
    assert len(lines) == 60 and {line.get_alpha() for line in lines} == {0.75}
    assert not any(to_hex(line.get_color()) == to_hex(design.MUTED) for line in lines)
    assert fig.axes[0].get_title() == "Parallel coordinates (lighter = better)"
    assert sl.parallel_note(60) == ""


def test_a_real_studys_stops_are_marked_over_the_curves_with_their_count(spec_file,
                                                                        tmp_path):
    # QA: the pruned trials' x marks were small, later complete curves drawn over them,
    # and three trials pruned at one point read as one mark
    import study

    spec = study.load_spec(spec_file("stops", n_trials=16, metric="val_accuracy"))
    db = tmp_path / "stops.db"
    summary = study.run_study(spec, storage=str(db), progress=False)
    trials = optuna.load_study(study_name="stops", storage=f"sqlite:///{db}").trials
    frame = sd.intermediate_frame(trials, spec.checkpoint)
    ends = frame.groupby("number").last()
    ends = ends[ends["status"] == "pruned"]
    assert summary["n_pruned"] == len(ends) == 4
    assert ends.groupby(["epoch", "value"]).size().to_dict() == {(8.0, 0.5): 4}
    ax = _drawn(sl.draw_intermediate, frame, metric="val_accuracy").axes[0]
    stops = [line for line in ax.lines if line.get_marker() == "x" and len(line.get_xdata())]
    curves = [line for line in ax.lines if len(line.get_xdata()) > 1]
    assert [(float(s.get_xdata()[0]), float(s.get_ydata()[0])) for s in stops] == [(8.0, 0.5)]
    assert min(s.get_zorder() for s in stops) > max(c.get_zorder() for c in curves)
    assert {s.get_markersize() for s in stops} == {sl.STOP_SIZE} and sl.STOP_SIZE >= 8
    # the four stopped at one point say so beside their one mark
    assert [(t.get_text(), t.xy) for t in ax.texts] == [("×4", (8.0, 0.5))]
    # a11y audit: the count was in pruned's pink, 3.06:1 on white, under WCAG AA's 4.5:1
    # for its 9 pt; now a darker shade of that pink
    (count,) = ax.texts
    pink = outcome_style("pruned")["color"]
    assert round(design.contrast_ratio(pink, "white"), 2) == 3.06
    assert design.contrast_ratio(count.get_color(), "white") >= 4.5
    assert count.get_color() == design.text_shade(pink) == "#a36186"
