"""Drawing the study figures from the frames of ``_study_data`` (matplotlib, no pyplot)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from . import design

#: Outcome -> colour, shared by every study figure.
OUTCOME_COLORS = {"complete": design.PALETTE[0], "pruned": design.PALETTE[1],
                  "diverged": design.PALETTE[3], "error": design.PALETTE[7],
                  "fail": design.PALETTE[7], "interrupted": design.MUTED,
                  "retried (worker died)": design.PALETTE[4], "running": design.PALETTE[2],
                  "waiting": design.PALETTE[5]}


def draw_history(frame: pd.DataFrame, *, metric: str) -> Figure:
    """Each complete trial's value by trial number, and the best so far as a step line."""
    fig = design.new_figure(design.FULL_WIDTH, 3.4)
    ax = fig.subplots()
    ax.plot(frame["number"], frame["value"], "o", ms=4, color=design.PALETTE[0], alpha=0.7,
            label="trial")
    ax.step(frame["number"], frame["best"], where="post", color=design.VALIDATION,
            label="best so far")
    ax.set(xlabel="trial number", ylabel=metric, title=f"Optimization history: {metric}")
    ax.legend(loc="best")
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
        ax.barh(np.arange(len(order)) + (i - (len(methods) - 1) / 2) * height,
                sub["importance"].fillna(0), height=height, label=method,
                color=design.PALETTE[i % len(design.PALETTE)])
    ax.set_yticks(np.arange(len(order)), order)
    ax.set(xlabel="share of importance", title="Parameter importances")
    ax.legend(loc="lower right")
    return fig


def draw_parallel(frame: pd.DataFrame, *, maximize: bool) -> Figure:
    """One line per complete trial across the scaled parameter axes, coloured by value."""
    params = [c for c in frame.columns if c not in ("number", "value")]
    fig = design.new_figure(design.FULL_WIDTH, 3.8)
    ax = fig.subplots()
    values = frame["value"].to_numpy(float)
    lo, hi = np.nanmin(values), np.nanmax(values)
    norm = (values - lo) / (hi - lo) if hi > lo else np.full_like(values, 0.5)
    cmap = colormaps["viridis"]
    xs = np.arange(len(params) + 1)
    for k in np.argsort(norm if maximize else -norm):  # best drawn last, on top
        ys = [*frame.iloc[k][params].to_numpy(float), norm[k]]
        ax.plot(xs, ys, color=cmap(norm[k] if maximize else 1 - norm[k]), alpha=0.75, lw=1.1)
    ticks = frame.attrs.get("ticks", {})
    labels = [f"{p}\n{ticks.get(p, ('', ''))[0]} .. {ticks.get(p, ('', ''))[1]}"
              for p in params] + [f"value\n{lo:.3g} .. {hi:.3g}"]
    ax.set_xticks(xs, labels)
    ax.set_yticks([0, 1], ["low", "high"])
    ax.set_xlim(-0.2, len(params) + 0.2)
    ax.set_title("Parallel coordinates (lighter = better)")
    ax.grid(axis="y", visible=False)
    return fig


def _axis_values(col: pd.Series):
    """Numbers for a parameter column, and category labels when it is categorical."""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.astype(float).to_numpy(), None
    cats = sorted(col.astype(str).unique())
    return col.astype(str).map({c: i for i, c in enumerate(cats)}).to_numpy(float), cats


def draw_slices(frame: pd.DataFrame, *, metric: str) -> Figure:
    """The value against each parameter, one panel per parameter (log axes where searched
    on a log scale)."""
    params = [c for c in frame.columns if c not in ("number", "value")]
    cols = min(3, len(params))
    rows = math.ceil(len(params) / cols)
    fig = design.new_figure(design.FULL_WIDTH, 2.8 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    logs = frame.attrs.get("log", {})
    for ax, p in zip(axes, params, strict=False):
        x, cats = _axis_values(frame[p])
        ax.scatter(x, frame["value"], c=frame["number"], cmap="Blues", s=18,
                   edgecolors=design.INK, linewidths=0.3)
        if cats:
            ax.set_xticks(range(len(cats)), cats)
        elif logs.get(p):
            ax.set_xscale("log")
            # 1-2-5 ticks as plain numbers: the default 2x10^1, 3x10^1... labels overlap
            ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set(xlabel=p, ylabel=metric)
    for ax in axes[len(params):]:
        ax.set_visible(False)
    fig.suptitle("Slices (darker = later trial)")
    return fig


def draw_contour(frame: pd.DataFrame, *, x: str, y: str, metric: str, maximize: bool) -> Figure:
    """The value over the two most important parameters: interpolated where trials are
    dense enough, with every trial as a point."""
    fig = design.new_figure(6.5, 4.6)
    ax = fig.subplots()
    xv, xc = _axis_values(frame[x])
    yv, yc = _axis_values(frame[y])
    logs = frame.attrs.get("log", {})
    xs = np.log10(xv) if logs.get(x) and xc is None else xv
    ys = np.log10(yv) if logs.get(y) and yc is None else yv
    z = frame["value"].to_numpy(float)
    cmap = "viridis" if maximize else "viridis_r"
    drawn = None
    unique = len({(a, b) for a, b in zip(xs, ys, strict=True)})
    if unique >= 4 and np.ptp(xs) > 0 and np.ptp(ys) > 0:
        try:
            drawn = ax.tricontourf(xs, ys, z, levels=12, cmap=cmap, alpha=0.8)
        except (ValueError, RuntimeError):  # collinear points: no triangulation
            drawn = None
    points = ax.scatter(xs, ys, c=z, cmap=cmap, s=26, edgecolors="white", linewidths=0.7)
    fig.colorbar(drawn or points, ax=ax, label=metric)
    for cats, setter in ((xc, ax.set_xticks), (yc, ax.set_yticks)):
        if cats:
            setter(range(len(cats)), cats)
    ax.set(xlabel=f"log10 {x}" if logs.get(x) and xc is None else x,
           ylabel=f"log10 {y}" if logs.get(y) and yc is None else y,
           title=f"{metric} over {x} and {y}")
    ax.grid(False)
    return fig


def draw_intermediate(frame: pd.DataFrame, *, metric: str) -> Figure:
    """Learning curves of every trial as the pruner saw them; pruned ones end in an x."""
    fig = design.new_figure(design.FULL_WIDTH, 3.6)
    ax = fig.subplots()
    for (_, status), curve in frame.groupby(["number", "status"], sort=False):
        color = OUTCOME_COLORS.get(status, design.MUTED)
        ax.plot(curve["epoch"], curve["value"], color=color, lw=0.9,
                alpha=0.9 if status == "complete" else 0.6)
        if status in ("pruned", "diverged"):
            ax.plot(curve["epoch"].iloc[-1], curve["value"].iloc[-1], "x", color=color, ms=5)
    for status in dict.fromkeys(frame["status"]):
        ax.plot([], [], color=OUTCOME_COLORS.get(status, design.MUTED), label=status)
    ax.set(xlabel="epoch", ylabel=metric, title="Intermediate values (x = stopped)")
    ax.legend(loc="best")
    return fig


def draw_timeline(frame: pd.DataFrame) -> Figure:
    """One bar per trial on its worker's lane, coloured by outcome."""
    lanes = frame.groupby("lane")["worker"].first()
    fig = design.new_figure(design.FULL_WIDTH, 1.0 + 0.45 * len(lanes))
    ax = fig.subplots()
    for row in frame.itertuples():
        ax.barh(row.lane, max(row.end - row.start, 1e-3), left=row.start, height=0.7,
                color=OUTCOME_COLORS.get(row.status, design.MUTED), edgecolor="white", lw=0.5)
    ax.set_yticks(lanes.index, lanes.to_numpy())
    handles = [Patch(color=OUTCOME_COLORS.get(status, design.MUTED), label=status)
               for status in dict.fromkeys(frame["status"])]
    ax.set(xlabel="seconds since the first trial started", title="Trials per worker")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", visible=False)
    return fig


def draw_state_counts(frame: pd.DataFrame) -> Figure:
    fig = design.new_figure(6.0, 0.6 + 0.4 * len(frame))
    ax = fig.subplots()
    colors = [OUTCOME_COLORS.get(o, design.MUTED) for o in frame["outcome"]]
    ax.barh(frame["outcome"][::-1], frame["trials"][::-1], color=colors[::-1])
    for y, n in enumerate(frame["trials"][::-1]):
        ax.annotate(str(n), (n, y), xytext=(3, 0), textcoords="offset points", va="center")
    ax.set(xlabel="trials", title="Trials by outcome")
    ax.grid(axis="y", visible=False)
    return fig


def draw_pareto(frame: pd.DataFrame, *, metrics: Mapping[int, str]) -> Figure:
    """Every complete trial in the plane of the first two objectives; the front joined."""
    fig = design.new_figure(6.5, 4.4)
    ax = fig.subplots()
    rest, front = frame[~frame["pareto"]], frame[frame["pareto"]].sort_values("objective_0")
    ax.scatter(rest["objective_0"], rest["objective_1"], s=18, color=design.GRID,
               edgecolors=design.MUTED, linewidths=0.5, label="dominated")
    ax.plot(front["objective_0"], front["objective_1"], "o-", color=design.VALIDATION, ms=5,
            label="Pareto front")
    ax.set(xlabel=metrics[0], ylabel=metrics[1], title="Pareto front")
    if (frame["objective_1"] > 0).all() and frame["objective_1"].max() > 20 * max(
            frame["objective_1"].min(), 1e-12):
        ax.set_yscale("log")
    ax.legend(loc="best")
    return fig
