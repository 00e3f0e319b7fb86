"""Drawing the study figures from the frames of ``_study_data`` (matplotlib, no pyplot)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from study import METRICS

from . import design
from ._outcome_words import outcome_of
from ._study_points import slice_points

#: Outcome (`study.trial_outcome`) -> colour, shared by every study figure.
OUTCOME_COLORS = {"complete": design.PALETTE[0], "pruned": design.PALETTE[3],
                  "diverged": design.PALETTE[1], "error": design.PALETTE[-1],
                  "fail": design.PALETTE[-1], "interrupted": design.MUTED,
                  "retried": design.PALETTE[4], "running": design.PALETTE[2],
                  "waiting": design.MUTED}
#: Trial number -> colour in the slices ("darker = later trial"): Blues without its palest
#: 35 %, where the first trial was a near-white ring on white, read as a hollow (pruned) one
LATER_TRIAL_CMAP = ListedColormap(colormaps["Blues"](np.linspace(0.35, 1.0, 256)),
                                  name="later_trial")
#: Outcomes in the order their line styles and hatches are given: complete trials solid
#: and plain, pruned ones dashed and hatched, so they differ by more than colour.
_OUTCOMES = ("complete", "pruned", "diverged", "error", "interrupted", "retried", "running",
             "waiting")


def outcome_style(status: str) -> dict[str, str]:
    """An outcome's ``color``, line style ``ls`` and bars' ``hatch``, the same in every
    study figure (a "fail" drawn as an error; an unknown one after them all)."""
    status = "error" if status == "fail" else status
    i = _OUTCOMES.index(status) if status in _OUTCOMES else len(_OUTCOMES)
    return {"color": OUTCOME_COLORS.get(status, design.MUTED),
            "ls": design.series_style(i)["ls"], "hatch": design.series_hatch(i)}


#: The study metrics it maximizes, every one bounded in [0, 1] (val_mcc in [-1, 1]): drawn
#: on a linear axis, where a log one (a curve from 0.01) squashed every curve between 0.9
#: and 1 into a line. Losses (val_brier too) go on a log axis where they span decades.
BOUNDED_SCORES = frozenset(m for m, way in METRICS.items() if way == "maximize")


#: Characters of category labels that fit side by side under a slice panel (a third of
#: the width); more and they are slanted.
_CATEGORY_CHARS = 36


def _whole_ticks(axis) -> None:
    """Whole-number ticks on ``axis`` (trial numbers, int parameters). One tick for a
    single value: with the default two, the locator falls back to fractions around it."""
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def _best_last(values: np.ndarray, maximize: bool) -> np.ndarray:
    """Drawing order with the best value last (on top); ties keep the trials' order."""
    return np.argsort(values if maximize else -values, kind="stable")


def draw_history(frame: pd.DataFrame, *, metric: str) -> Figure:
    """Each trial's value by trial number (`history_frame`), and the best so far as a step
    line. Complete trials are filled dots; pruned ones hollow, at the last value they
    reported; diverged and failed ones (their values mean nothing) x marks on the axis's
    foot. The axis runs to the last trial, stopped or not."""
    fig = design.new_figure(design.FULL_WIDTH, 3.4)
    ax = fig.subplots()
    state = frame["state"] if "state" in frame else pd.Series("complete", frame.index)
    done, pruned = frame[state == "complete"], frame[state == "pruned"]
    broke = frame[~state.isin(["complete", "pruned"])]
    ax.plot(done["number"], done["value"], "o", ms=4, color=design.PALETTE[0], alpha=0.7,
            label="complete trial")
    if len(pruned):
        ax.plot(pruned["number"], pruned["value"], "o", ms=5, mfc="none", mew=1.0,
                color=outcome_style("pruned")["color"], label="pruned (last value reported)")
    if len(broke):  # on the axis's foot, whatever the y scale: x in data, y in axes units
        ax.plot(broke["number"], np.zeros(len(broke)), "x", ms=6, mew=1.2, clip_on=False,
                color=outcome_style("error")["color"], transform=ax.get_xaxis_transform(),
                label="diverged or failed")
    ax.step(frame["number"], frame["best"], where="post", color=design.VALIDATION,
            label="best so far")
    _whole_ticks(ax.xaxis)
    if len(frame):  # every trial in view, the last included
        lo, hi = frame["number"].min(), frame["number"].max()
        ax.set_xlim(lo - 0.5, hi + 0.5)
    # val_loss from 7e-4 to 0.7: the best trials all sat on the zero line
    shown = pd.concat([done["value"], pruned["value"]]).dropna()
    log = metric not in BOUNDED_SCORES and design.log_y_if_wide(ax, shown)
    ax.set(xlabel="trial number", ylabel=metric,
           title=f"Optimization history: {metric}" + (" (log scale)" if log else ""))
    ax.legend(loc="best", fontsize=8)
    return fig


def draw_importances(frame: pd.DataFrame) -> Figure:
    """Horizontal bars, one group per parameter, one bar per method."""
    order = frame.groupby("param")["importance"].mean().sort_values().index.tolist()
    methods = list(dict.fromkeys(frame["method"]))
    fig = design.new_figure(7.0, 0.5 + 0.45 * len(order) * max(1, len(methods)) / 1.5)
    ax = fig.subplots()
    height = 0.8 / max(1, len(methods))
    for i, method in enumerate(methods):
        sub = frame[frame["method"] == method].set_index("param").reindex(order)
        # hatched as well as coloured: the methods told apart without colour (the hatch
        # takes the edge's colour, white, which the zero width keeps off the outline)
        ax.barh(np.arange(len(order)) + (i - (len(methods) - 1) / 2) * height,
                sub["importance"].fillna(0), height=height, label=method,
                color=design.series_style(i)["color"], hatch=design.series_hatch(i),
                edgecolor="white", lw=0)
    ax.set_yticks(np.arange(len(order)), order)
    ax.set(xlabel="share of importance", title="Parameter importances")
    # below the axes: inside, it covered the bars' ends (one parameter's reach 1.0)
    fig.legend(loc="outside lower center", ncols=max(1, len(methods)), fontsize=8)
    return fig


def _set_category_ticks(ax, which: str, categories: list[str]) -> None:
    """Category labels on an axis, broken after underscores and slanted when still too
    wide for their slots (side by side, long names run together)."""
    labels = [c if len(c) <= 24 else c[:23] + "…" for c in categories]
    labels = [c.replace("_", "_\n") for c in labels] if which == "x" else labels
    getattr(ax, f"set_{which}ticks")(range(len(labels)), labels)
    getattr(ax, f"set_{which}lim")(-0.5, len(labels) - 0.5)
    widest = max(len(line) for c in labels for line in c.split("\n"))
    if which == "x" and widest * len(labels) > _CATEGORY_CHARS:
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set(ha="right", rotation_mode="anchor")


def _set_numeric_ticks(ax, which: str, axis: dict) -> None:
    """Round values on log axes (drawn at log10 positions), whole numbers for ints."""
    target = ax.xaxis if which == "x" else ax.yaxis
    if axis["log"] and axis["ticks"]:
        getattr(ax, f"set_{which}ticks")(np.log10(axis["ticks"]),
                                         [f"{t:g}" for t in axis["ticks"]])
    elif axis["kind"] == "int":
        _whole_ticks(target)


def _n_125_ticks(values: pd.Series) -> int:
    """How many 1-2-5 ticks (0.1, 0.2, 0.5, 1...) fall within the positive values' range."""
    lo, hi = values[values > 0].min(), values.max()
    if not lo < hi:
        return 0
    return sum(lo <= m * 10.0**k <= hi for k in range(math.floor(math.log10(lo)),
                                                       math.ceil(math.log10(hi)) + 1)
               for m in (1, 2, 5))


def draw_slices(frame: pd.DataFrame, *, metric: str) -> Figure:
    """The value against each parameter, one panel per parameter (log axes where searched
    on a log scale, categories side by side)."""
    params = [c for c in frame.columns if c not in ("number", "value")]
    cols = min(3, len(params))
    rows = math.ceil(len(params) / cols)
    fig = design.new_figure(design.FULL_WIDTH, 2.8 * rows + 0.3)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    kinds = frame.attrs.get("axes", {})
    for ax, p in zip(axes, params, strict=False):
        axis = kinds[p]
        # categories at their index (as in the contour), their trials spread over its
        # cell (an integer's of a few values too); numbers as they are, on a log x scale
        # where searched so
        x, _ = slice_points(frame[p], frame["number"], axis)
        ax.scatter(x, frame["value"], c=frame["number"], cmap=LATER_TRIAL_CMAP, s=18,
                   edgecolors=design.INK, linewidths=0.3)
        if axis["kind"] == "categorical":
            _set_category_ticks(ax, "x", axis["categories"])
        elif axis["log"]:
            ax.set_xscale("log")
            # ticks as plain numbers (the default 2x10^1, 3x10^1... labels overlap): 1-2-5
            # while there are at most five of them, else powers of ten (a third of the
            # figure's width holds about five labels)
            subs = (1.0, 2.0, 5.0) if _n_125_ticks(frame[p]) <= 5 else (1.0,)
            ax.xaxis.set_major_locator(LogLocator(subs=subs, numticks=6))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        elif axis["kind"] == "int":
            _whole_ticks(ax.xaxis)
        ax.set(xlabel=p, ylabel=metric)
    for ax in axes[len(params):]:
        ax.set_visible(False)
    fig.suptitle("Slices (darker = later trial)")
    return fig


def draw_contour(frame: pd.DataFrame, *, metric: str, maximize: bool) -> Figure:
    """The value over two parameters (``contour_frame``): filled contours between trials
    when ``attrs['interpolate']``, else the trials alone, coloured by value."""
    x, y, axes = frame.attrs["x"], frame.attrs["y"], frame.attrs["axes"]
    lo, hi = frame.attrs["value_range"]
    (low, high), extend = frame.attrs["color_range"], frame.attrs["color_extend"]
    fig = design.new_figure(6.5, 4.6)
    ax = fig.subplots()
    xs, ys = frame["x_position"].to_numpy(float), frame["y_position"].to_numpy(float)
    z = frame["value"].to_numpy(float)
    cmap = "viridis" if maximize else "viridis_r"
    # colours span the observed values only (a level past them, PR-AUC 1.005, means
    # nothing), cut at the fences of `color_range`: outliers take the end colours
    norm = Normalize(low, high) if high > low else None
    if frame.attrs["interpolate"] and norm is not None:
        try:
            ax.tricontourf(xs, ys, z, levels=np.linspace(low, high, 11), cmap=cmap,
                           norm=norm, alpha=0.8, extend=extend)
        except (ValueError, RuntimeError):  # collinear points: no triangulation
            pass
    # each trial where `contour_frame` puts it (trials of one category pair spread over
    # its cell); best last, on top: numeric duplicates still share a point, and the best
    # of them is the one to see
    top = _best_last(z, maximize)
    px, py = frame["x_point"].to_numpy(float), frame["y_point"].to_numpy(float)
    points = ax.scatter(px[top], py[top], c=z[top], cmap=cmap, norm=norm, s=34,
                        edgecolors=design.INK, linewidths=0.5, zorder=3)
    if norm is not None:
        fig.colorbar(points, ax=ax, label=metric, extend=extend)
    ax.use_sticky_edges = False  # contours stick to their hull and clip the edge trials
    ax.margins(0.06)
    for which, p in (("x", x), ("y", y)):
        if axes[p]["kind"] == "categorical":
            _set_category_ticks(ax, which, axes[p]["categories"])
        else:
            _set_numeric_ticks(ax, which, axes[p])
    how = "" if frame.attrs["interpolate"] else " (trials)"
    ax.set(xlabel=f"{x} (log scale)" if axes[x]["log"] else x,
           ylabel=f"{y} (log scale)" if axes[y]["log"] else y,
           title=f"{metric} over {x} and {y}{how}" + ("" if norm else f": all {lo:.4g}"))
    ax.grid(False)
    return fig


def draw_state_counts(frame: pd.DataFrame) -> Figure:
    fig = design.new_figure(6.0, 0.6 + 0.4 * len(frame))
    ax = fig.subplots()
    colors = [OUTCOME_COLORS.get(outcome_of(o), design.MUTED) for o in frame["outcome"]]
    ax.barh(frame["outcome"][::-1], frame["trials"][::-1], color=colors[::-1])
    for y, n in enumerate(frame["trials"][::-1]):
        ax.annotate(str(n), (n, y), xytext=(3, 0), textcoords="offset points", va="center")
    ax.set(xlabel="trials", title="Trials by outcome")
    _whole_ticks(ax.xaxis)  # 3 trials had ticks at 0.5, 1.5 and 2.5
    ax.grid(axis="y", visible=False)
    return fig
