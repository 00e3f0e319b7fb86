"""Drawing the study report's Workers chart from `_timeline_data.timeline_frame`'s rows, laid
out by `_timeline_axis` (lanes shared by workers one after another, idle gaps cut)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from . import design
from ._study_draw import outcome_style
from ._timeline_axis import CutAxis, gap_words, idle_cuts

#: The axes' share of the figure's width (the lanes' labels left, the legend right): to
#: turn pixels into seconds before the figure is laid out.
_AXES_SHARE = 0.7
#: Points of small text: a cut's length, a worker's name over its stretch.
_SMALL = 7.0
#: A bar is drawn at least this many pixels wide.
_MIN_PX = 2
#: Past this share of bars drawn over their lane's next one, a lane is drawn in pixel-wide
#: columns instead (`_draw_columns`): a few widened bars hide a pixel each, but 3,000
#: trials on 700 pixels showed the outcome drawn last over two thirds of them.
_MERGE_SHARE = 0.05
#: A bar's height on its lane.
_HEIGHT = 0.7


def _layout(frame: pd.DataFrame):
    """The axis with its cuts, each bar's drawn left and width, and seconds a pixel."""
    axis = CutAxis(idle_cuts(frame), float(frame["start"].min()), float(frame["end"].max()))
    left = axis.position(frame["start"])
    drawn = float(axis.position(frame["end"].max()) - axis.position(frame["start"].min()))
    per_px = max(drawn, 1e-9) / (_AXES_SHARE * design.FULL_WIDTH * design.DPI)
    return axis, left, axis.position(frame["end"]) - left, per_px


def merges_bars(frame: pd.DataFrame) -> bool:
    """Whether the chart of `timeline_frame`'s rows is drawn in pixel-wide columns: more
    than `_MERGE_SHARE` of its bars, widened to `_MIN_PX`, would cover the next trial's on
    their lane."""
    _, left, width, per_px = _layout(frame)
    reach = left + np.maximum(width, _MIN_PX * per_px)
    covered = 0
    for rows in frame.groupby("lane").indices.values():
        order = rows[np.argsort(left[rows], kind="stable")]
        covered += int(np.sum(left[order[1:]] < reach[order[:-1]]))
    return covered > _MERGE_SHARE * len(frame)


def merged_note(frame: pd.DataFrame) -> str:
    """The caption's words when `merges_bars` ('' when each trial is its own bar)."""
    if not merges_bars(frame):
        return ""
    return (f" Too many trials to draw one by one ({len(frame)} on about "
            f"{round(_AXES_SHARE * design.FULL_WIDTH * design.DPI)} pixels): each lane is "
            "drawn in pixel-wide columns, each filled from the foot by its outcomes' shares "
            "of the column's time (the rest idle), so each colour's area is its outcome's "
            "share of the time.")


def draw_timeline(frame: pd.DataFrame) -> Figure:
    """One bar per trial on its worker's lane, coloured and hatched by outcome; long idle
    gaps cut out of the time axis (a grey band each, its length written where it fits).
    Where bars would cover each other (`merges_bars`), pixel-wide columns stacked by the
    outcomes' shares of their time instead."""
    # a readable label where the report gives one (the stored id is a key)
    label = frame.groupby("worker")["worker_label" if "worker_label" in frame
                                    else "worker"].first()
    workers = frame.groupby("lane")["worker"].unique()
    shared = any(len(w) > 1 for w in workers)
    fig = design.new_figure(design.FULL_WIDTH, 1.0 + 0.45 * len(workers) + 0.15 * shared)
    ax = fig.subplots()
    axis, left, width, per_px = _layout(frame)
    if merges_bars(frame):
        _draw_columns(ax, frame, left, left + width, per_px)
    else:
        _draw_bars(ax, frame, left, width, per_px)
    _draw_cuts(ax, frame, axis, per_px)
    if shared:
        _name_stretches(ax, frame, label, axis, per_px)
        ax.set_ylim(-0.6, len(workers) - 0.2)  # room for the top lane's names
    ax.set_yticks(workers.index, [label[w[0]] if len(w) == 1 else f"{len(w)} workers in turn"
                                  for w in workers])
    handles = [Patch(facecolor=outcome_style(status)["color"], edgecolor="white",
                     hatch=outcome_style(status)["hatch"], label=status)
               for status in dict.fromkeys(frame["status"])]
    ax.set(xlabel="seconds since the first trial started" + (
        ", idle gaps (grey) cut out" if axis.cuts else ""), title="Trials per worker")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", visible=False)
    return fig


def _draw_bars(ax, frame: pd.DataFrame, left, width, per_px: float) -> None:
    """One bar per trial: at least `_MIN_PX` wide, and then without its white edge (3000
    trials over a long run were each thinner than a pixel, the edge white over all of it)."""
    thin = width < 2 * _MIN_PX * per_px
    width = np.maximum(width, _MIN_PX * per_px)
    for status in dict.fromkeys(frame["status"]):
        rows = (frame["status"] == status).to_numpy()
        style = outcome_style(status)  # hatched by outcome: white lines on the colour
        ax.barh(frame["lane"][rows], width[rows], left=left[rows], height=_HEIGHT,
                color=style["color"], hatch=style["hatch"], edgecolor="white",
                lw=np.where(thin[rows], 0.0, 0.5))


def _covered(left: np.ndarray, right: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """How much of each column between ``edges`` the spans (left, right) cover in all:
    the differences of sum(max(0, x - left) - max(0, x - right)) at the edges, from sorted
    sums, not a spans x columns array (560 MB at 100,000 trials)."""
    def ramps(points: np.ndarray) -> np.ndarray:  # sum(max(0, x - p)) at each edge x
        points = np.sort(points)
        below = np.searchsorted(points, edges)
        return edges * below - np.concatenate([[0.0], np.cumsum(points)])[below]

    return np.diff(ramps(left) - ramps(right))


def _draw_columns(ax, frame: pd.DataFrame, left, right, per_px: float) -> None:
    """Each lane in columns a pixel wide, filled from the lane's foot by the time each
    outcome took in it, in the legend's order: the areas are the outcomes' times,
    whichever is drawn first."""
    edges = np.arange(float(left.min()), float(right.max()) + per_px, per_px)
    statuses = list(dict.fromkeys(frame["status"]))
    status = frame["status"].to_numpy()
    for lane, rows in frame.groupby("lane").indices.items():
        shares = np.array([_covered(left[rows][status[rows] == s], right[rows][status[rows] == s],
                                    edges) for s in statuses]) / per_px
        # a dead worker's trial, its end estimated, may overlap the next one: a full column
        shares /= np.maximum(shares.sum(axis=0), 1.0)
        foot = lane - _HEIGHT / 2 + _HEIGHT * np.cumsum(shares, axis=0)
        for k, name in enumerate(statuses):
            if not shares[k].any():
                continue
            style = outcome_style(name)
            ax.stairs(foot[k], edges, baseline=foot[k] - _HEIGHT * shares[k], fill=True,
                      facecolor=style["color"], hatch=style["hatch"], edgecolor="white", lw=0)
    # the limits bars would have: a lane's steps, rarely full, stopped short of its top
    lanes = frame["lane"]
    ax.update_datalim([(edges[0], lanes.min() - _HEIGHT / 2),
                       (edges[-1], lanes.max() + _HEIGHT / 2)])
    ax.use_sticky_edges = False
    ax.autoscale_view()
    ax.set_xlim(left=edges[0])  # as bars start the axis at the first one's left


def _draw_cuts(ax, frame: pd.DataFrame, axis: CutAxis, per_px: float) -> None:
    """Each cut gap as a grey band, its length written where it fits, and ticks in the
    time kept."""
    if not axis.cuts:
        return
    for (start, end), (lo, hi) in zip(axis.cuts, axis.bands(), strict=True):
        ax.axvspan(lo, hi, color=design.GRID, lw=0)
        if hi - lo >= 1.6 * _SMALL * per_px:  # a rotated line of text fits
            ax.text((lo + hi) / 2, 0.5, f"{gap_words(end - start)} later", rotation=90,
                    transform=ax.get_xaxis_transform(), ha="center", va="center",
                    fontsize=_SMALL, color=design.INK)
    first = float(frame["start"].min())
    last = float(frame["end"].max()) - sum(b - a for a, b in axis.cuts)
    ticks = MaxNLocator(nbins=8).tick_values(first, last)
    ticks = ticks[(ticks >= first) & (ticks <= last)]
    ax.set_xticks(axis.tick_positions(ticks), [f"{t:g}" for t in ticks])


def _name_stretches(ax, frame: pd.DataFrame, label: pd.Series, axis: CutAxis,
                    per_px: float) -> None:
    """A shared lane's workers named over their first trial, each where its name (or its
    host:pid, without the time) fits before the next one's."""
    spans = frame.groupby("worker").agg(lane=("lane", "first"), first=("start", "min"))
    spans["at"] = axis.position(spans["first"])
    end = float(axis.position(frame["end"].max()))
    for _, lane in spans.sort_values("at").groupby("lane"):
        if len(lane) < 2:
            continue
        nexts = [*lane["at"].iloc[1:], end]
        for (worker, row), room in zip(lane.iterrows(), nexts, strict=True):
            for text in (str(label[worker]), str(label[worker]).split(" (")[0]):
                if len(text) * 0.6 * _SMALL / 72 * design.DPI * per_px < room - row["at"]:
                    ax.text(row["at"], row["lane"] + 0.37, text, fontsize=_SMALL,
                            color=design.MUTED, va="bottom", ha="left")
                    break
