"""The study figures of one line per trial, the pruner's curves and the parallel
coordinates: as they were up to `MANY_CURVES` lines, and past that faint lines under the
ones to see (matplotlib, no pyplot)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from . import design
from ._study_draw import BOUNDED_SCORES, _best_last, outcome_style

#: Past this many lines a chart draws each one fainter: at 3,000 trials (2,354 complete
#: curves at 0.9 opaque) the pruner's chart was a solid band, its pruned curves and their
#: stops hidden under it, and the parallel coordinates one colour. The demo's 60 trials
#: and any study up to this are drawn as before.
MANY_CURVES = 150
#: The best complete trials drawn bold over the faint rest.
BEST_SHOWN = 10
#: The share of complete trials the parallel coordinates colour past `MANY_CURVES`.
BEST_SHARE = 0.1
_STOPPED = ("pruned", "diverged")
#: The size of a stopped curve's x, in points: 5 was lost under the lines crossing it
STOP_SIZE = 8


def faint_alpha(n: int, alpha: float) -> float:
    """Each of ``n`` overlapping lines' opacity: ``alpha`` up to `MANY_CURVES` lines, then
    falling as 1 / n, so where many run together the colour deepens with their number (at
    1 / sqrt(n), 2,354 curves still made a solid band)."""
    return alpha if n <= MANY_CURVES else max(0.02, alpha * MANY_CURVES / n)


def many_curves_note(n: int) -> str:
    """The pruning chart's caption's words on drawing ``n`` curves ('' up to
    `MANY_CURVES`)."""
    if n <= MANY_CURVES:
        return ""
    return (f" With {n} curves each is drawn faint (the deeper the colour, the more curves "
            "run there), the stopped ones over the complete ones, and the "
            f"{BEST_SHOWN} best complete trials bold on top.")


def parallel_note(n: int) -> str:
    """The parallel coordinates' caption's words on ``n`` trials ('' up to
    `MANY_CURVES`)."""
    if n <= MANY_CURVES:
        return ""
    return (f" With {n} trials only the best tenth is coloured, on a scale of its own "
            "(lighter = better); the rest are faint grey.")


def draw_intermediate(frame: pd.DataFrame, *, metric: str) -> Figure:
    """Learning curves of every trial as the pruner saw them; pruned ones end in an x
    drawn over every curve, with the count of those stopped at one point (`_mark_stops`).
    Past `MANY_CURVES` curves, each is faint (`faint_alpha`), the stopped ones are drawn
    over the complete ones, and the `BEST_SHOWN` best complete trials bold on top."""
    fig = design.new_figure(design.FULL_WIDTH, 3.6)
    ax = fig.subplots()
    curves = list(frame.groupby(["number", "status"], sort=False))
    many = len(curves) > MANY_CURVES
    if many:
        _draw_many(ax, curves)
    else:  # one line each, in trial order
        for (_, status), curve in curves:
            style = outcome_style(status)
            ax.plot(curve["epoch"], curve["value"], color=style["color"], ls=style["ls"],
                    lw=0.9, alpha=0.9 if status == "complete" else 0.6)
        _mark_stops(ax, [(s, c) for (_, s), c in curves if s in _STOPPED])
    for status in dict.fromkeys(frame["status"]):  # the legend shows each line style
        style = outcome_style(status)
        ax.plot([], [], color=style["color"], ls=style["ls"], label=status,
                marker="x" if status in _STOPPED else None)
    if many:
        _draw_best(ax, [c for (_, s), c in curves if s == "complete"],
                   metric in BOUNDED_SCORES)
    # the scale and the range follow the curves that did not diverge: a diverged loss of
    # 11 (or 1e6, on a log axis) flattened every other one into a sliver
    diverged = (frame["status"] == "diverged").to_numpy()
    values = frame["value"].to_numpy(float)
    rest, out = values[~diverged], values[diverged]
    rest, out = rest[np.isfinite(rest)], out[np.isfinite(out)]
    log = metric not in BOUNDED_SCORES and design.log_y_if_wide(
        ax, rest if rest.size else values)
    title = "Intermediate values (x = stopped)" + (", log scale" if log else "")
    title += _fit_all_but_diverged(ax, rest, out, log)
    ax.set(xlabel="epoch", ylabel=metric, title=title)
    ax.legend(loc="best")
    return fig


def _mark_stops(ax, stopped: list) -> None:
    """Each stopped curve's end (``stopped``: (status, curve) pairs) an x over every
    line, and where several stop at one point their count beside it (QA: small marks
    under later complete curves, three trials pruned at one point read as one)."""
    ends = pd.DataFrame([(status, c["epoch"].iloc[-1], c["value"].iloc[-1])
                         for status, c in stopped], columns=["status", "epoch", "value"])
    for (status, epoch, value), group in ends.groupby(["status", "epoch", "value"],
                                                      sort=False):
        color = outcome_style(status)["color"]
        ax.plot(epoch, value, "x", color=color, ms=STOP_SIZE, mew=1.6, zorder=4)
        if len(group) > 1:
            ax.annotate(f"×{len(group)}", (epoch, value), xytext=(6, 5), fontsize=9,
                        textcoords="offset points", color=design.text_shade(color),
                        weight="bold", zorder=5,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none",
                                  alpha=0.85))


def _draw_many(ax, curves: list) -> None:
    """Each outcome's curves as one faint collection (3,000 lines one by one took a
    second to build and another to draw), the complete ones first; the stopped ones'
    ends marked x, twice as opaque as their lines."""
    by_status: dict[str, list[np.ndarray]] = {}
    for (_, status), curve in curves:
        by_status.setdefault(status, []).append(curve[["epoch", "value"]].to_numpy(float))
    for status in sorted(by_status, key=lambda s: s != "complete"):  # stable: as they came
        group, style = by_status[status], outcome_style(status)
        alpha = faint_alpha(len(group), 0.9 if status == "complete" else 0.6)
        ax.add_collection(LineCollection(group, colors=style["color"], linestyles=style["ls"],
                                         linewidths=0.7, alpha=alpha))
        if status in _STOPPED:
            ends = np.array([points[-1] for points in group])
            ax.plot(ends[:, 0], ends[:, 1], "x", ls="none", color=style["color"], ms=5,
                    alpha=min(1.0, 2 * alpha))
    ax.autoscale_view()


def _draw_best(ax, complete: list[pd.DataFrame], maximize: bool) -> None:
    """The `BEST_SHOWN` complete curves of the best last values, bold, best on top."""
    if not complete:
        return
    last = np.array([c["value"].iloc[-1] for c in complete], float)
    order = _best_last(np.nan_to_num(last, nan=-np.inf if maximize else np.inf), maximize)
    best = order[-BEST_SHOWN:]
    color = outcome_style("complete")["color"]
    for k in best:
        ax.plot(complete[k]["epoch"], complete[k]["value"], color=design.INK, lw=2.2,
                alpha=0.9)
        ax.plot(complete[k]["epoch"], complete[k]["value"], color=color, lw=1.3)
    ax.plot([], [], color=color, lw=1.6, label=f"best {len(best)} complete")


def _fit_all_but_diverged(ax, rest: np.ndarray, out: np.ndarray, log: bool) -> str:
    """Limit the y-axis to the values ``rest`` of the curves that did not diverge, when the
    diverged ones' ``out`` would take most of it; the words saying so for the title (''
    when left as it was)."""
    if not rest.size or not out.size:
        return ""
    # the same rule in decades on a log axis: within twice the others' range, they stay
    scale = np.log10 if log else (lambda v: v)
    with np.errstate(divide="ignore", invalid="ignore"):  # a loss <= 0 on a log axis: off
        lo, hi, out_lo, out_hi = (float(scale(v)) for v in (rest.min(), rest.max(),
                                                             out.min(), out.max()))
    span = max(hi - lo, 1e-12)
    if out_lo >= lo - span and out_hi <= hi + span:
        return ""
    limits = (lo - 0.08 * span, hi + 0.15 * span)
    ax.set_ylim(*(10 ** v for v in limits) if log else limits)
    return "; diverged curves leave the axis"


def draw_parallel(frame: pd.DataFrame, *, maximize: bool, metric: str = "value") -> Figure:
    """One line per complete trial across the parameter axes (``<param>_position``), then
    the value's, named ``metric`` (of several, the one drawn), coloured by value on
    ``attrs['color_range']`` (values past it at the ends); each axis is labelled by
    ``attrs['ticks']``: its ends, and every choice of a categorical axis.
    Past `MANY_CURVES` trials only the best `BEST_SHARE` is coloured, on its own range,
    over the rest in faint grey: most of a long TPE study lies near the best, one colour."""
    params = frame.attrs["params"]
    fig = design.new_figure(design.FULL_WIDTH, 3.8)
    ax = fig.subplots()
    values = frame["value"].to_numpy(float)
    (lo, hi), extend = frame.attrs["color_range"], frame.attrs["color_extend"]
    norm = Normalize(lo, hi) if hi > lo else None
    scaled = np.clip(norm(values), 0, 1) if norm else np.full_like(values, 0.5)
    cmap = colormaps["viridis" if maximize else "viridis_r"]
    xs = np.arange(len(params) + 1)
    positions = frame[[f"{p}_position" for p in params]].to_numpy(float)
    order = _best_last(values, maximize)  # on top where same-parameter trials overlap
    lines = np.column_stack([positions, scaled])
    many = len(values) > MANY_CURVES
    if many:  # the rest faint grey, the best tenth in colour on its own range; collections
        shown = max(BEST_SHOWN, math.ceil(BEST_SHARE * len(values)))
        rest, order = order[:-shown], order[-shown:]
        ax.add_collection(LineCollection([np.column_stack([xs, lines[k]]) for k in rest],
                                         colors=design.MUTED, linewidths=0.6,
                                         alpha=faint_alpha(len(rest), 0.5)))
        low, high = float(np.nanmin(values[order])), float(np.nanmax(values[order]))
        norm, extend = (Normalize(low, high), "neither") if high > low else (None, extend)
        colour = np.clip(norm(values), 0, 1) if norm else np.full_like(values, 0.5)
        ax.add_collection(LineCollection([np.column_stack([xs, lines[k]]) for k in order],
                                         colors=[cmap(colour[k]) for k in order],
                                         linewidths=1.1, alpha=faint_alpha(len(order), 0.75)))
    else:
        for k in order:
            ax.plot(xs, lines[k], color=cmap(scaled[k]), alpha=0.75, lw=1.1)
    ticks, log = frame.attrs.get("ticks", {}), frame.attrs.get("log", [])
    for x, p in zip(xs, [*params, "value"], strict=True):
        for y, text in ticks.get(p, []):
            if y in (0.0, 1.0):  # the ends: below and above the lines
                ax.text(x, -0.04 if y == 0 else 1.04, text, ha="center",
                        va="top" if y == 0 else "bottom", fontsize="small")
            else:  # a choice between them: beside its axis, over the lines crossing it
                ax.text(x + 0.04, y, text, ha="left", va="center", fontsize="small",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.8})
    ax.set_xticks(xs, [f"{p} (log)" if p in log else p for p in params] + [metric])
    ax.set_yticks([])
    ax.set_ylim(-0.16, 1.16)
    ax.set_xlim(-0.3, len(params) + 0.3)
    if norm is not None:
        fig.colorbar(ScalarMappable(norm, cmap), ax=ax, extend=extend,
                     label=f"{metric}, best tenth" if many else metric)
    ax.set_title("Parallel coordinates (" + (
        "colour: the best tenth, lighter = better; grey: the rest)" if many
        else "lighter = better)"))
    ax.grid(axis="y", visible=False)
    return fig
