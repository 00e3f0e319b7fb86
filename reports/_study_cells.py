"""The value over two categorical parameters as a table of cells: a grid study of rate x
batch size reads as the course's table of them, each cell its best value, written in it.

`category_cells` is the data (one row per pair of categories tried), `draw_cells` the
figure and `cells_table` the same numbers as a table, for readers who do not see it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from . import _matrix, design
from ._study_data import axis_positions, color_range
from ._study_draw import _set_category_ticks

#: Cells the figure writes a second line in ("best of 3"); more and only the value fits.
_MAX_TWO_LINE_CELLS = 48


def category_cells(frame: pd.DataFrame, *, maximize: bool) -> pd.DataFrame:
    """The trials of a `contour_frame` over two categorical parameters, by cell: each pair
    of categories tried (the frame's ``x`` and ``y`` columns), its best ``value``, the
    ``trials`` it holds and the ``best_trial``'s number (the first of a tie). Cells in the
    categories' order, ``y`` slower; ``attrs``: ``x``, ``y``, ``axes`` as the frame's,
    and the ``color_range`` and ``color_extend`` of the cells' values."""
    x, y, axes = frame.attrs["x"], frame.attrs["y"], frame.attrs["axes"]
    ranked = frame.sort_values(["value", "number"], ascending=[not maximize, True])
    keys = ["y_position", "x_position"]
    best = ranked.drop_duplicates(keys).set_index(keys)
    counts = frame.groupby(keys).size()
    cells = pd.DataFrame({x: best[x], y: best[y], "value": best["value"],
                          "trials": counts.reindex(best.index),
                          "best_trial": best["number"]}).sort_index()
    cells = cells.reset_index(drop=True).astype({"trials": int, "best_trial": int})
    cells.attrs = {"x": x, "y": y, "axes": axes}
    cells.attrs["color_range"], cells.attrs["color_extend"] = color_range(cells["value"])
    return cells


def _grid(cells: pd.DataFrame, column: str) -> np.ndarray:
    """``column`` of ``cells`` as a (y categories x x categories) array, NaN where no trial
    ran: row i, column j is cell (y's i-th category, x's j-th)."""
    x, y, axes = cells.attrs["x"], cells.attrs["y"], cells.attrs["axes"]
    grid = np.full((len(axes[y]["choices"]), len(axes[x]["choices"])), np.nan)
    rows, cols = (axis_positions(cells[p], axes[p]).astype(int) for p in (y, x))
    grid[rows, cols] = cells[column].to_numpy(float)
    return grid


def draw_cells(cells: pd.DataFrame, *, metric: str, maximize: bool) -> Figure:
    """Each cell of `category_cells` coloured by its best value and written with it (and
    "best of N" where N trials share it); an empty cell (no trial) left white."""
    x, y, axes = cells.attrs["x"], cells.attrs["y"], cells.attrs["axes"]
    (low, high), extend = cells.attrs["color_range"], cells.attrs["color_extend"]
    best, count = _grid(cells, "value"), _grid(cells, "trials")
    fig = design.new_figure(6.5, 4.6)
    ax = fig.subplots()
    # colours span the cells' values, cut at the fences of `color_range` (as the contour's)
    norm = Normalize(low, high) if high > low else Normalize(low - 1, low + 1)
    image = ax.imshow(np.ma.masked_invalid(best), cmap="viridis" if maximize else "viridis_r",
                      norm=norm, aspect="auto", interpolation="nearest")
    two_lines = best.size <= _MAX_TWO_LINE_CELLS
    texts = [["" if math.isnan(v) else f"{v:.4g}" + (f"\nbest of {n:.0f}" if n > 1 and
                                                     two_lines else "")
              for v, n in zip(row_best, row_count, strict=True)]
             for row_best, row_count in zip(best, count, strict=True)]
    _matrix.write_cells(ax, image, best, texts, fontsize=8 if two_lines else 6.5)
    if high > low:
        fig.colorbar(image, ax=ax, label=f"best {metric}", extend=extend)
    _set_category_ticks(ax, "x", axes[x]["categories"])
    _set_category_ticks(ax, "y", axes[y]["categories"])
    ax.invert_yaxis()  # the first row on top, as in `cells_table` (and the course's tables)
    ax.set(xlabel=x, ylabel=y, title=f"best {metric} over {x} and {y}"
           + ("" if high > low else f": all {low:.4g}"))
    ax.grid(False)
    return fig


def cells_table(cells: pd.DataFrame, missing: str = "–") -> pd.DataFrame:
    """The cells as a table: a row per category of ``y``, a column per category of ``x``,
    each cell its best value ("best of N" where N trials share it), ``missing`` where none
    ran."""
    x, y, axes = cells.attrs["x"], cells.attrs["y"], cells.attrs["axes"]
    best, count = _grid(cells, "value"), _grid(cells, "trials")
    rows = []
    for i, name in enumerate(axes[y]["categories"]):
        said = [missing if math.isnan(v) else f"{v:.4g}" + (f" (best of {n:.0f})" if n > 1 else "")
                for v, n in zip(best[i], count[i], strict=True)]
        rows.append({f"{y} \\ {x}": name, **dict(zip(axes[x]["categories"], said,
                                                    strict=True))})
    return pd.DataFrame(rows)

