"""Drawing the study report's Workers chart from `_study_data.timeline_frame`'s rows, laid
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


def draw_timeline(frame: pd.DataFrame) -> Figure:
    """One bar per trial on its worker's lane, coloured and hatched by outcome; long idle
    gaps cut out of the time axis (a grey band each, its length written where it fits)."""
    # a readable label where the report gives one (the stored id is a key)
    label = frame.groupby("worker")["worker_label" if "worker_label" in frame
                                    else "worker"].first()
    workers = frame.groupby("lane")["worker"].unique()
    shared = any(len(w) > 1 for w in workers)
    fig = design.new_figure(design.FULL_WIDTH, 1.0 + 0.45 * len(workers) + 0.15 * shared)
    ax = fig.subplots()
    axis = CutAxis(idle_cuts(frame), float(frame["start"].min()), float(frame["end"].max()))
    left = axis.position(frame["start"])
    drawn = float(axis.position(frame["end"].max()) - axis.position(frame["start"].min()))
    per_px = max(drawn, 1e-9) / (_AXES_SHARE * design.FULL_WIDTH * design.DPI)
    # at least 2 px, and then without its white edge: 3000 trials over a long run were
    # each thinner than a pixel, the edge white over all of it
    width = axis.position(frame["end"]) - left
    thin = width < 4 * per_px
    width = np.maximum(width, 2 * per_px)
    for status in dict.fromkeys(frame["status"]):
        rows = (frame["status"] == status).to_numpy()
        style = outcome_style(status)  # hatched by outcome: white lines on the colour
        ax.barh(frame["lane"][rows], width[rows], left=left[rows], height=0.7,
                color=style["color"], hatch=style["hatch"], edgecolor="white",
                lw=np.where(thin[rows], 0.0, 0.5))
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
