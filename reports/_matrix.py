"""Annotated matrices in plain matplotlib: a text in each cell in the colour its own shade
needs, and names on the cells' ticks that fit without drawing the figure to find out."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.font_manager import FontProperties

from . import design


def write_cells(ax, mappable, shades, texts, *, offset: float = 0.0, **kw) -> None:
    """Write ``texts[i][j]`` centred on cell (i, j) of ``ax``, black or white by
    `design.text_color_on` of the colour ``mappable`` gives ``shades[i][j]`` (a NaN shade:
    an empty, white cell, in ink). ``offset``: where a cell's centre is past its index
    (0 for ``imshow``, 0.5 for ``pcolormesh``); ``kw`` go to ``Axes.text``."""
    shades = np.asarray(shades, dtype=float)
    faces = mappable.to_rgba(shades)  # one call for the whole matrix
    on = {}  # many cells share a shade (the zeros): each one's text colour worked out once
    for (i, j), shade in np.ndenumerate(shades):
        face = tuple(faces[i, j])
        if face not in on:
            on[face] = design.text_color_on(face)
        color = on[face] if math.isfinite(shade) else design.INK
        # inside its cell, so inside the axes: the layout need not measure it
        ax.text(j + offset, i + offset, texts[i][j], ha="center", va="center", color=color,
                in_layout=False, **kw)


def label_cells(ax, names: Sequence[str], *, side: float) -> None:
    """Name the rows and columns of a ``k x k`` matrix drawn on cells 0..k of ``ax``
    (rows top to bottom), each name at its cell's centre, through `design.literal`.

    Every n-th name when they would not fit in ``side`` inches (the axes' side before the
    layout) at one font size each; the column names turned upright when two neighbours
    would not fit side by side, measured (not drawn), so long names never run together.
    """
    k = len(names)
    font = FontProperties(size=matplotlib.rcParams["xtick.labelsize"])
    size = font.get_size_in_points()
    most = int(side // (size / 72))  # as many names as fit, each a font size tall
    every = k // most + 1 if most >= 1 else 0
    shown = list(range(0, k, every)) if every else []
    ticks = [i + 0.5 for i in shown]
    labels = [design.literal(names[i]) for i in shown]
    ax.set_xticks(ticks, labels)
    ax.set_yticks(ticks, labels, rotation=0, va="center")
    renderer = ax.figure.canvas.get_renderer()
    inch = renderer.points_to_pixels(72)
    widths = [renderer.get_text_width_height_descent(str(names[i]), font, ismath=False)[0]
              / inch for i in shown]
    # two neighbours' halves and half a font size between them: names closer read as one
    need = max(((a + b) / 2 for a, b in zip(widths[:-1], widths[1:], strict=True)),
               default=0.0)
    if need + 0.5 * size / 72 > every * side / max(k, 1):
        ax.tick_params(axis="x", labelrotation=90)
