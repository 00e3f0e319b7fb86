"""Drawing the hidden-space figure from the frame of ``_hidden_space``: the training samples
and the input square's lines through the first hidden layer, before and after its
activation, at a few checkpoints (no pyplot)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from . import design
from ._training_draw import LEGEND_MAX_CLASSES, _legend_below


def draw_hidden_space(frame: pd.DataFrame, *, classes: Sequence[str], activation: str
                      ) -> Figure:
    """Rows: after the first linear map, after its activation; columns: snapshots.

    Points of different classes that land on the same spot both stay visible: with one
    neuron each class gets its own row of the panel (the lesson "one neuron fails" is that
    sigmoid puts a point of each class on the same value, and one marker hid the other);
    in a plane or 3-D space each class is drawn smaller than the one before it, on top,
    so the one below shows around it.
    """
    epochs = sorted(frame["epoch"].unique())
    three_d = frame.attrs.get("width") == 3
    one_d = not three_d and frame["h2"].isna().all()
    n = len(epochs)
    fig = design.new_figure(min(design.FULL_WIDTH, 2.3 * n + 0.6), 5.9 if three_d else 4.9)
    # few samples (xor) need big markers to be seen at all
    n_samples = max(1, frame[frame["kind"] == "sample"]["id"].nunique())
    size = float(np.clip(2500 / n_samples, 9, 36))
    colors = design.class_colors(len(classes))
    sizes = hidden_space_marker_sizes(size, len(classes), one_d)
    stages = (("linear", "Z = X·W + b"), ("activation", f"A = {activation}(Z)"))
    for r, (stage, row_label) in enumerate(stages):
        for c, epoch in enumerate(epochs):
            kw = {"projection": "3d"} if three_d else {}
            ax = fig.add_subplot(2, n, r * n + c + 1, **kw)
            part = frame[(frame["epoch"] == epoch) & (frame["stage"] == stage)]
            _draw_grid_lines(ax, part[part["kind"] == "line"], three_d,
                             class_rows=range(len(classes)) if one_d else None)
            pts = part[part["kind"] == "sample"]
            for k, color in enumerate(colors):
                s = pts[pts["label"] == k]
                xyz = [s["h1"], s["h2"] if not one_d else 0 * s["h1"] + hidden_space_row(k)]
                if three_d:
                    xyz.append(s["h3"])
                ax.scatter(*xyz, s=sizes[k], color=color, edgecolors="white", linewidths=0.3,
                           marker=design.series_style(k)["marker"],
                           label=design.literal(classes[k]),
                           **({"depthshade": False} if three_d else {}))
            if not (three_d or one_d):
                _flat_stays_flat(ax)
            ax.tick_params(labelsize=6.5, pad=1)
            # narrow panels: few ticks, short labels (tiny spans read 0.0000 0.0005...)
            for axis in (ax.xaxis, ax.yaxis)[:1 if one_d else 2]:
                axis.set_major_locator(MaxNLocator(nbins=3))
                axis.set_major_formatter(FormatStrFormatter("%.3g"))
            if one_d:  # a row per class, named in the first column
                named = c == 0 and len(classes) <= LEGEND_MAX_CLASSES
                ax.set_yticks([hidden_space_row(k) for k in range(len(classes))],
                              [design.literal(x) for x in classes] if named else [])
                ax.set_ylim(hidden_space_row(len(classes) - 1) - 0.6, 0.6)
            if r == 0:
                ax.set_title(f"epoch {epoch:g}", fontsize=9)
            if c == 0 and not three_d:
                ax.set_ylabel(row_label, fontsize=9)
            elif c == 0:
                ax.text2D(-0.1, 0.5, row_label, transform=ax.transAxes, rotation=90,
                          va="center", ha="center", fontsize=9)
    if len(classes) <= LEGEND_MAX_CLASSES:
        _legend_below(fig, *fig.axes[0].get_legend_handles_labels(), markerscale=1.6)
    return fig


def hidden_space_row(k: int) -> float:
    """The y of class ``k``'s row on a one-neuron panel of :func:`draw_hidden_space`
    (class 0 on top, as the legend reads)."""
    return -float(k)


def hidden_space_marker_sizes(size: float, n_classes: int, one_d: bool) -> list[float]:
    """The marker area of each class in :func:`draw_hidden_space`: ``size`` for all on
    one-neuron panels (each class has its row), else shrinking from ``size`` to 45 % of it,
    so a class drawn on top of another leaves a ring of it showing."""
    if one_d or n_classes < 2:
        return [size] * n_classes
    return [size * (1 - 0.55 * k / (n_classes - 1)) for k in range(n_classes)]


def _draw_grid_lines(ax, lines: pd.DataFrame, three_d: bool,
                     class_rows: Sequence[int] | None = None) -> None:
    """The input grid's lines (rows of one ``id`` each, in order). In 2-D one collection
    (a line artist each cost ~40 % of the figure's time); in 3-D one artist each, which
    mplot3d sorts by depth with the samples (as one collection it hid them).
    ``class_rows``: on a one-neuron panel (no ``h2``), the classes whose rows
    (`hidden_space_row`) each get the lines, which lie on a line there; None otherwise."""
    columns = ["h1", "h2", "h3"] if three_d else ["h1", "h2"]
    points = lines[columns].to_numpy(dtype=float, copy=True)  # a view is read-only
    ids = lines["id"].to_numpy()
    segments = np.split(points, np.flatnonzero(ids[1:] != ids[:-1]) + 1)
    if class_rows is not None:
        segments = [np.column_stack([seg[:, 0], np.full(len(seg), hidden_space_row(k))])
                    for k in class_rows for seg in segments]
    style = {"color": "#9aa0a6", "alpha": 0.8}
    if three_d:
        for segment in segments:
            ax.plot(*segment.T, lw=0.5, **style)
        return
    from matplotlib.collections import LineCollection

    ax.add_collection(LineCollection(segments, linewidths=0.5, **style))
    ax.autoscale_view()


def _flat_stays_flat(ax) -> None:
    """Give an axis whose span is rounding beside the other's (a layer that maps the plane
    onto a line) the other's span: autoscaled, its noise of 1e-7 filled the panel and drew
    the line as a plane."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if x1 - x0 < 1e-3 * (y1 - y0):
        middle, half = (x0 + x1) / 2, (y1 - y0) / 2
        ax.set_xlim(middle - half, middle + half)
    elif y1 - y0 < 1e-3 * (x1 - x0):
        middle, half = (y0 + y1) / 2, (x1 - x0) / 2
        ax.set_ylim(middle - half, middle + half)
