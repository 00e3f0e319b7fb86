"""The Pareto chart of a study of several objectives: every complete trial in the plane of
the first two, the front marked (matplotlib, no pyplot)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from . import design
from ._log_ticks import plain_log_ticks

#: The span of a log y axis (decades) under which its 2 and 5 times the powers of ten are
#: labelled too: the front's small nets lie between two powers, and the chart is tall
SIZE_DECADES_1_2_5 = 4.0


def draw_pareto(frame: pd.DataFrame, directions=()) -> Figure:
    """Every complete trial in the plane of the first two objectives (`pareto_frame`'s
    second and third columns); the front joined, or with more objectives only marked. With
    the study's ``directions``, the title says which way is better."""
    fig = design.new_figure(6.5, 4.4)
    ax = fig.subplots()
    x, y = frame.columns[1], frame.columns[2]
    rest, front = frame[~frame["pareto"]], frame[frame["pareto"]].sort_values(x)
    ax.scatter(rest[x], rest[y], s=18, color=design.GRID,
               edgecolors=design.MUTED, linewidths=0.5, label="dominated")
    # with a third objective the front is not a curve in this plane: a line through it
    # would join points one of which beats the other here
    joined = len(frame.columns) == 4  # number, two objectives, pareto
    ax.plot(front[x], front[y], "o-" if joined else "o", color=design.VALIDATION, ms=5,
            label="Pareto front" if joined else "Pareto front (all objectives)")
    # each front point named by its trials, as the text names them (#0, #6...); trials at
    # one point share a label (theirs were drawn over each other)
    for (px, py), at in front.groupby([x, y], sort=False)["number"]:
        ax.annotate(", ".join(f"#{n}" for n in at), (px, py), xytext=(4, 4),
                    textcoords="offset points", fontsize=8, color=design.INK)
    # parameter counts span decades; their ticks plain (1677, not 10³), as other charts'
    log = design.log_y_if_wide(ax, frame[y], span=20)
    if log:  # QA (multiobj): coin-pareto's sizes, 15 to 7000, read against 100 and 1000
        plain_log_ticks(ax.yaxis, decades_1_2_5=SIZE_DECADES_1_2_5)
    better = pareto_better(directions)
    ax.set(xlabel=x, ylabel=f"{y} (log scale)" if log else y,
           title="Pareto front (#: trial number" + (f"; better: {better})" if better else ")"))
    ax.legend(loc="best")
    return fig


def pareto_better(directions) -> str:
    """Which way the Pareto chart's corner of better trials lies ("right, down": the first
    objective maximized, the second minimized); "" without the two directions."""
    if len(directions) < 2:
        return ""
    return (f"{'right' if directions[0] == 'maximize' else 'left'}, "
            f"{'up' if directions[1] == 'maximize' else 'down'}")
