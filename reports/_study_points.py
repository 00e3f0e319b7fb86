"""Where a study figure draws each trial along a parameter's axis: a category at its
index, a log axis in decades, and trials that would share a point spread over its cell
(the contour's, the slices')."""

from __future__ import annotations

import numpy as np
import pandas as pd


def axis_positions(col: pd.Series, axis: dict) -> np.ndarray:
    """Where each value sits on its axis: a category's index, log10 on a log axis."""
    if axis["kind"] == "categorical":
        # by value, not text: a numeric choice in a column with gaps reads 16.0, not 16
        index = {c: i for i, c in enumerate(axis["choices"])}
        return col.map(index).to_numpy(float)
    x = col.astype(float).to_numpy()
    return np.log10(x) if axis["log"] else x


#: Half the width of a category's cell that trials sharing a point are spread over, and
#: the most space between two of them (in category widths).
_SPREAD, _SPREAD_STEP = 0.3, 0.15


def spread_in_categories(frame: pd.DataFrame, categorical: list[bool]) -> pd.DataFrame:
    """``frame`` with ``x_point`` and ``y_point``: its positions, but where one axis is
    categorical, trials sharing a point (27 trials of tanh at one depth) spread along it
    over their category's cell, in trial order, so each is a point. (Over two categorical
    axes the report draws cells instead: `reports._study_cells`.)"""
    points = frame[["x_position", "y_position"]].to_numpy(float).copy()
    if sum(categorical) == 1:
        axis = categorical.index(True)
        points[:, axis] = spread_in_cells(points[:, axis], frame[["x_position", "y_position"]],
                                          frame["number"])
    return frame.assign(x_point=points[:, 0], y_point=points[:, 1])


def spread_in_cells(positions, keys: pd.DataFrame, numbers, width: float = 1.0) -> np.ndarray:
    """``positions`` with the trials that share a row of ``keys`` (a point, or a category)
    spread over their cell (``width`` wide) around it, in trial order (``numbers``): no
    randomness, so the same trials are drawn the same way every time."""
    points = np.asarray(positions, float).copy()
    numbers = np.asarray(numbers)
    for rows in keys.groupby(list(keys.columns), sort=False).indices.values():
        if len(rows) < 2:
            continue
        rows = rows[np.argsort(numbers[rows], kind="stable")]
        k = len(rows)
        step = min(_SPREAD_STEP, 2 * _SPREAD / (k - 1)) * width
        points[rows] += (np.arange(k) - (k - 1) / 2) * step
    return points


#: Integer parameters with at most this many values among the trials (depth 1-3) have
#: their slice's trials spread over each value's cell, as a category's are
_FEW_INTS = 10


def slice_points(col: pd.Series, numbers, axis: dict) -> tuple[np.ndarray, bool]:
    """Where a slice panel draws each trial along parameter ``col`` (``axis``: its
    `_axis`), and whether any were spread: a category's trials (and an integer's of a few
    values) spread over its cell in trial order, as the contour's (`spread_in_cells`):
    3000 trials drew as 4 dots. Other parameters' values as they are."""
    categorical = axis["kind"] == "categorical"
    x = axis_positions(col, axis) if categorical else col.astype(float).to_numpy()
    values = np.unique(x[np.isfinite(x)])
    if not categorical and (axis["kind"] != "int" or axis["log"] or len(values) > _FEW_INTS):
        return x, False
    gaps = np.diff(values)
    width = 1.0 if categorical or not len(gaps) else float(gaps.min())
    spread = spread_in_cells(x, pd.DataFrame({"x": x}), numbers, width)
    return spread, bool(np.any(spread[np.isfinite(x)] != x[np.isfinite(x)]))
