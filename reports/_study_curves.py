"""The learning curves of a study's complete trials, from the history each trial records:
the course's comparison of rates (0.8 rises faster, 0.5 overtakes by epoch 10) on a grid
of rates x batch sizes, a panel per batch size and a colour per rate.

`curves_frame` is the data, `draw_curves` the figure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from . import design
from ._study_points import axis_positions

#: The curves a trial records (`study.HISTORY_KEYS` but the epoch): a study's metric among
#: them is drawn, any other (val_pr_auc, n_parameters...) as the validation loss.
CURVE_METRICS = ("val_accuracy", "val_loss", "train_accuracy", "train_loss")
#: Choices of the second parameter that get a panel each; more and all share one.
MAX_PANELS = 6
#: Choices of the colouring parameter that get a colour and a legend entry each.
MAX_LEGEND = 10
#: Characters of "param = choice" a panel's title has room for (a third of the width).
_TITLE_CHARS = 26


def curves_frame(trials, metric: str, params, axes: dict, *, flat: bool = True
                 ) -> pd.DataFrame:
    """Every recorded checkpoint of the complete trials: ``number``, ``epoch``, ``value``
    (``metric`` if the trials record it, else the validation loss, else the training loss:
    ``attrs['metric']``) and
    the trial's values of ``params`` (the most important first, at most two: the colour
    and, when `MAX_PANELS` choices or fewer, the panels). ``axes``: `param_table`'s."""
    from study import trial_info  # reports reads study's records (as the layout allows)

    params = list(params)[:2]
    done = [t for t in trials if t.state.name == "COMPLETE" and all(p in t.params
                                                                   for p in params)]
    histories = {t.number: trial_info(t, flat=flat).get("history") or {} for t in done}
    # an imbalance trial's pipeline trains without a validation split: its train loss
    candidates = dict.fromkeys([metric, "val_loss", "train_loss"] if metric in CURVE_METRICS
                               else ["val_loss", "train_loss"])
    rows, shown = [], "val_loss"
    for shown in candidates:
        rows = [{"number": t.number, "epoch": epoch, "value": float(value),
                 **{p: t.params[p] for p in params}}
                for t in done
                for epoch, value in zip(histories[t.number].get("epoch", ()),
                                        histories[t.number].get(shown, ()), strict=False)
                if value is not None and math.isfinite(value)]
        if rows:
            break
    frame = pd.DataFrame(rows, columns=["number", "epoch", "value", *params])
    panels = None
    if len(params) == 2 and axes[params[1]]["kind"] == "categorical":
        tried = [c for c in axes[params[1]]["choices"] if (frame[params[1]] == c).any()]
        panels = tried if 2 <= len(tried) <= MAX_PANELS else None
    frame.attrs = {"metric": shown, "color": params[0] if params else None,
                   "color_axis": axes[params[0]] if params else None,
                   "panel": params[1] if panels else None, "panels": panels}
    return frame


#: viridis without its last, palest fifth: yellow lines vanish on white
_CMAP = ListedColormap(colormaps["viridis"](np.linspace(0.0, 0.8, 256)), name="curves")


def _colors(frame: pd.DataFrame):
    """(the colour of each trial by number, the legend's (label, colour) pairs or None,
    the colour bar's mappable or None)."""
    p, axis = frame.attrs["color"], frame.attrs["color_axis"]
    if p is None:
        return {n: design.PALETTE[0] for n in frame["number"].unique()}, None, None
    values = frame.groupby("number")[p].first()
    if axis["kind"] == "categorical" and len(axis["choices"]) <= MAX_LEGEND:
        tried = [c for c in axis["choices"] if (values == c).any()]
        shades = dict(zip(tried, _CMAP(np.linspace(0.0, 1.0, len(tried))), strict=True))
        return ({n: shades[v] for n, v in values.items()},
                [(design.literal(c), shades[c]) for c in tried], None)
    # many choices: coloured by their index among them, as their axes place them
    x = pd.Series(axis_positions(values, axis), index=values.index) \
        if axis["kind"] == "categorical" else values.astype(float)
    lo, hi = float(x.min()), float(x.max())
    norm = (LogNorm(lo, hi) if axis["log"] and lo > 0 and hi > lo
            else Normalize(lo, hi if hi > lo else lo + 1))
    return {n: _CMAP(norm(v)) for n, v in x.items()}, None, ScalarMappable(norm, _CMAP)


def draw_curves(frame: pd.DataFrame) -> Figure:
    """Each complete trial's curve, coloured by ``attrs['color']`` (a legend for a few
    choices, else a colour bar), a panel per choice of ``attrs['panel']``."""
    metric, p, panel = frame.attrs["metric"], frame.attrs["color"], frame.attrs["panel"]
    panels = frame.attrs["panels"] or [None]
    colors, legend, mappable = _colors(frame)
    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig = design.new_figure(design.FULL_WIDTH, 2.9 * rows + 0.5)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False, sharey=True)).ravel()
    # a third of the width holds ~26 characters of a title: past that, the choices alone
    # (the suptitle names the parameter)
    titles = [f"{panel} = {c}" for c in panels] if panel else [""]
    if max(map(len, titles)) > _TITLE_CHARS:
        titles = [str(c) for c in panels]
    for ax, choice, title in zip(axes, panels, titles, strict=False):
        part = frame if choice is None else frame[frame[panel] == choice]
        for number, curve in part.groupby("number", sort=True):
            ax.plot(curve["epoch"], curve["value"], color=colors[number], lw=1.1, alpha=0.85)
        ax.set(xlabel="epoch", title=design.literal(title))
    for ax in axes[:len(panels)][::cols]:
        ax.set_ylabel(metric)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    if legend:
        fig.legend([Line2D([], [], color=c) for _, c in legend],
                   [label for label, _ in legend], title=p, loc="outside right upper")
    elif mappable is not None:
        bar = fig.colorbar(mappable, ax=list(axes[:len(panels)]), label=p)
        axis = frame.attrs["color_axis"]
        if axis["kind"] == "categorical":  # positions are the choices' indices: name them
            every = math.ceil(len(axis["categories"]) / MAX_LEGEND)
            shown = range(0, len(axis["categories"]), every)
            bar.set_ticks(list(shown), labels=[axis["categories"][i] for i in shown])
        elif isinstance(mappable.norm, LogNorm):  # 0.005, 0.01, 0.02: not 5x10^-3
            bar.ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
            bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            bar.ax.yaxis.set_minor_locator(NullLocator())
    fig.suptitle(f"Learning curves: {metric}" + (f", a panel per {panel}" if panel else ""))
    return fig
