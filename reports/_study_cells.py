"""The value over two categorical parameters as a table of cells: a grid study of rate x
batch size reads as the course's table of them, each cell its best value, written in it.

`category_cells` is the data (one row per pair of categories tried), `draw_cells` the
figure, `cells_table` the same numbers as a table, for readers who do not see it, and
`end_moves_note` how far the cells' curves still moved where their values were read.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from . import _matrix, design
from ._study_data import color_range
from ._study_draw import _set_category_ticks
from ._study_points import axis_positions

#: Cells the figure writes a second line in ("best of 3"); more and only the value fits.
_MAX_TWO_LINE_CELLS = 48
#: A curve's last recorded checkpoints over which `end_moves_note` measures its spread.
END_CHECKPOINTS = 5


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
    word = final_word(cells)
    if high > low:
        fig.colorbar(image, ax=ax, label=f"{word} {metric}", extend=extend)
    _set_category_ticks(ax, "x", axes[x]["categories"])
    _set_category_ticks(ax, "y", axes[y]["categories"])
    ax.invert_yaxis()  # the first row on top, as in `cells_table` (and the course's tables)
    ax.set(xlabel=x, ylabel=y, title=f"{word} {metric} over {x} and {y}"
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


def final_word(cells: pd.DataFrame) -> str:
    """"final" (each cell one trial's value at its end) or "best final" (the best of
    several trials' final values): a trial's value is its net's at the end of training."""
    return "best final" if (cells["trials"] > 1).any() else "final"


def end_moves_note(cells: pd.DataFrame, curves: pd.DataFrame, metric: str, *,
                   maximize: bool) -> str:
    """A note when the curves of the cells' trials (``curves``: `curves_frame`) moved over
    their last `END_CHECKPOINTS` checkpoints by more than the gap between the two best
    cells: the cells hold values at the last checkpoint, and the best's lead is then within
    that checkpoint's chance (QA: lr 0.5 against 0.8 at batch 128 flipped when the last 5
    checkpoints were averaged). "" when it is not, or the curves are another metric's."""
    if curves.empty or curves.attrs.get("metric") != metric or len(cells) < 2:
        return ""
    ends = curves.sort_values("epoch", kind="stable").groupby("number").tail(END_CHECKPOINTS)
    moved = ends.groupby("number")["value"].agg(lambda v: v.max() - v.min() if len(v) > 1
                                                else math.nan)
    moves = cells.assign(moved=cells["best_trial"].map(moved)).dropna(subset=["moved"])
    if moves.empty:
        return ""
    top = cells["value"].sort_values(ascending=not maximize).to_numpy()
    gap = abs(top[0] - top[1])
    widest = moves.loc[moves["moved"].idxmax()]
    if widest["moved"] <= gap:
        return ""
    x, y = cells.attrs["x"], cells.attrs["y"]
    against = (", where the two best cells tie" if gap == 0
               else f", more than the {gap:.2g} between the two best cells")
    whose = "its best trial's" if (cells["trials"] > 1).any() else "its trial's"
    return (f"Each cell holds {whose} {metric} at the last checkpoint, and the curves still "
            f"moved there: over the last {END_CHECKPOINTS} checkpoints each recorded, by up "
            f"to {widest['moved']:.2g} ({x} {design.format_value(widest[x])}, {y} "
            f"{design.format_value(widest[y])}; a median {moves['moved'].median():.2g} over "
            f"the cells){against}. Which of close cells is ahead may be that checkpoint's "
            "chance; other seeds would tell.")
