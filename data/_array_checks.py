"""The checks `load` makes of a source's raw arrays (shapes, numbers, finiteness, labels)
and of its scaled splits (values past float32, classes a split lacks, features scaled far
past the training split's range), each naming where a bad value is in the source (a CSV's
line and cell)."""

from __future__ import annotations

import multiprocessing
import warnings

import numpy as np

from ._csv_checks import cell_of_row, where_row
from ._dataset import DataError, DataWarning, Source, cut
from ._home import expand_home


def where_in_source(src: Source, key: str, part: str, row: int) -> str:
    """Where raw row ``row`` of ``part`` is: a CSV's line in its file (as every other CSV
    error says), else the row's index."""
    if key != "csv":
        return f"row {row}"
    path = expand_home(src.info["files"][1 if part == "test" else 0])
    # named_features is the CSV's header option: its first line names the columns
    return where_row(path, row, src.info["named_features"])


def _cell_said(src: Source, key: str, part: str, row: int, column: str) -> str:
    """``": an empty cell"`` (or the cell's text, ``": 'nan'"``) for a CSV's cell, else
    ``""``: NaN is an empty cell or the text nan, which the array cannot tell apart."""
    if key != "csv":
        return ""
    path = expand_home(src.info["files"][1 if part == "test" else 0])
    try:
        cell = cell_of_row(path, row, src.info["named_features"], str(column))
    except ValueError:  # a record csv cannot read: left unsaid
        return ""
    if cell is None:
        return ""
    return ": an empty cell" if not cell else f": {cut(cell)!r}"


def _missing(y: np.ndarray) -> np.ndarray:
    """Where labels are missing (None, NaN, NaT...), as pandas reads them."""
    if y.dtype.kind == "f":
        return np.isnan(y)
    if y.dtype.kind != "O":
        return np.zeros(len(y), bool)
    import pandas as pd  # here: only labels read as text need it

    return pd.isna(y)


def check_arrays(src: Source, name: str, key: str) -> None:
    """Shapes, lengths and finiteness of the raw arrays (before any split: rows in the
    source's order)."""
    parts = [("train", src.X, src.y)]
    if src.X_test is not None:
        parts.append(("test", src.X_test, src.y_test))
    for part, X, y in parts:
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
            raise DataError(f"{name}: {part} features must be a non-empty 2-D array, "
                            f"got shape {X.shape}")
        if X.dtype.kind not in "uifb":
            raise DataError(f"{name}: {part} features are not numeric ({X.dtype})")
        if y is None or y.ndim != 1 or len(y) != len(X):
            got = "no labels" if y is None else f"labels of shape {y.shape}"
            raise DataError(f"{name}: {got} for {len(X)} {part} rows (labels of wrong length)")
        if X.dtype.kind == "f":
            bad = ~np.isfinite(X)
            if bad.any():
                row, col = np.argwhere(bad)[0]
                column = src.feature_names[col]
                # a CSV's empty cell is missing (as the README says), not "NaN"
                said = "missing, NaN or infinite" if key == "csv" else "NaN or infinite"
                at = where_in_source(src, key, part, row)
                raise DataError(f"{name}: {int(bad.sum())} {said} value(s) in the {part} "
                                f"features (first at {at}, column "
                                f"{column!r}{_cell_said(src, key, part, row, column)})")
        missing = _missing(y)
        if src.task == "regression" and y.dtype.kind not in "uif":
            raise DataError(f"{name}: regression targets must be numeric")
        if missing.any() or (y.dtype.kind == "f" and not np.isfinite(y).all()):
            row = int(np.argmax(missing | ~_finite(y)))
            raise DataError(f"{name}: missing, NaN or infinite {part} label(s) "
                            f"(first at {where_in_source(src, key, part, row)})")
    if src.X_test is not None and src.X_test.shape[1] != src.X.shape[1]:
        raise DataError(f"{name}: test has {src.X_test.shape[1]} features, train "
                        f"{src.X.shape[1]}")


def warn_constant(src: Source, name: str) -> None:
    """DataWarning for a regression target, or every feature, constant in the training
    rows (the source's, before any split): a net then learns one value whatever it is
    shown, and says nothing of it (a single class is refused, but a constant target trains
    and scales). Not in a pool's worker process (the parent said so first)."""
    if multiprocessing.parent_process() is not None or not len(src.y):
        return
    if src.task == "regression" and src.y.min() == src.y.max():
        target = src.info.get("target", "target")
        warnings.warn(f"{name}: the target {target!r} is {float(src.y[0]):g} in every "
                      "training row: a net learns only that value; is it the column to "
                      "predict?", DataWarning, stacklevel=3)
    if (src.X.min(axis=0) == src.X.max(axis=0)).all():  # per column: no MNIST-sized copy
        count = src.X.shape[1]
        said = "the feature is" if count == 1 else f"all {count} features are"
        warnings.warn(f"{name}: {said} constant in the training rows: a net sees one input "
                      "for every example, and predicts one value for all", DataWarning,
                      stacklevel=3)


def _finite(y: np.ndarray) -> np.ndarray:
    return np.isfinite(y) if y.dtype.kind == "f" else np.ones(len(y), bool)


def check_fit(name: str, scaling: str, what: str, scale: np.ndarray, columns) -> None:
    """Refuse a scaling whose statistics overflowed float64 (a range or spread past 1.8e308)."""
    bad = ~np.isfinite(scale)
    if bad.any():
        column = columns[int(np.argmax(bad))]
        raise DataError(f"{name}: {what} {column!r} has values too large to scale "
                        f"(scaling={scaling}: their spread overflows float64); rescale the "
                        "raw values first")


def check_float32(name: str, scaling: str, part: str, what: str, values: np.ndarray,
                   columns, rows: np.ndarray, where) -> None:
    """Refuse scaled values past float32's range (3.4e38), which would train on inf.

    A `Dataset` holds float32 whatever dtype a net later trains in (``--dtype float64``
    too), so the limit is float32's. ``rows`` are the rows of ``values`` in the source, which
    ``where(row)`` names (a CSV's line): not the shuffled split's row.
    """
    # min and max see any inf or NaN without a full-size boolean copy (MNIST)
    if values.size == 0 or np.isfinite(values.min()) and np.isfinite(values.max()):
        return
    bad = ~np.isfinite(values)
    # the first in the source's order, as the raw checks name theirs
    candidates = np.flatnonzero(bad.any(axis=1))
    row = candidates[np.argmin(rows[candidates])]
    col = int(np.argmax(bad[row]))
    raise DataError(f"{name}: {part} {what} {columns[col]!r} has values too large for "
                    f"float32 after scaling={scaling} (first at {where(int(rows[row]))}; "
                    "hplab keeps data in float32 whatever --dtype a net trains in); rescale "
                    "the raw values first")


def warn_missing_classes(name: str, classes: tuple, y_train: np.ndarray, parts: dict) -> None:
    """DataWarning naming each class of the training split that a non-empty validation or
    test split lacks: the scores that need every class (ROC AUC, balanced accuracy) have
    no value there, and nothing else would say why; another naming each class of a single
    training row (with its rows in ``parts``). Not in a pool's worker process: the
    parent loaded the same split first and said so (each worker repeated it)."""
    if multiprocessing.parent_process() is not None:
        return
    held = np.bincount(y_train, minlength=len(classes))
    gaps = []
    for i in np.flatnonzero(held):
        lacking = [f"{part} split ({len(y)} examples)" for part, y in parts.items()
                   if len(y) and not (y == i).any()]
        if lacking:
            gaps.append(f"no example of class {classes[i]} in the {' nor in the '.join(lacking)}"
                        f", against {held[i]} in training")
    if gaps:
        warnings.warn(f"{name}: {'; '.join(gaps)}: scores that need every class (ROC AUC, "
                      "balanced accuracy) are undefined there", DataWarning, stacklevel=3)
    # a class of one training row loaded without a word (a CSV's 3 rows of it split 1/1/1)
    alone = [(classes[i], ", ".join(f"{int((y == i).sum())} in {part}"
                                    for part, y in parts.items()))
             for i in np.flatnonzero(held == 1)]
    if alone:
        which = (f"class {alone[0][0]} has a single training row ({alone[0][1]})"
                 if len(alone) == 1 else
                 f"classes {', '.join(f'{c} ({rows})' for c, rows in alone[:5])}"
                 f"{', ...' if len(alone) > 5 else ''} have a single training row each")
        warnings.warn(f"{name}: {which}: a net learns next to nothing of a class from one "
                      "example; add rows of it, or leave it out", DataWarning, stacklevel=3)


# A feature's validation or test values this many training ranges past that range are
# "far": a pixel nearly always 0 in train (a 3 at most) reaches 85 there, while the test
# values of a measured column (even a skewed one: incomes, counts) seldom pass its
# training range by more than that range, and 10 times it only with a few training rows.
FAR_RANGES = 10.0


def warn_scaled_past_training(name: str, parts: dict, columns, *, scaling: str,
                              fix: str) -> None:
    """DataWarning counting the features that per-feature scaling fitted on the training
    split leaves far outside that split's range in the validation or test split: constant
    in training (scale 1: a pixel always 0 there is 255 in test) or `FAR_RANGES` training
    ranges past it. ``parts``: the scaled splits by name; ``fix``: how to mend it, said in
    the warning. Not in a pool's worker process (the parent said so first)."""
    if multiprocessing.parent_process() is not None or not len(parts["train"]):
        return
    # per-column extremes only: no (n, d) temporary over MNIST-sized splits
    low, high = parts["train"].min(axis=0), parts["train"].max(axis=0)
    reach = (high - low) * FAR_RANGES
    far = np.zeros(len(low), bool)
    where, value = [], 0.0
    for part in ("val", "test"):
        X = parts[part]
        if not len(X):
            continue
        least, most = X.min(axis=0), X.max(axis=0)
        past = (least < low - reach) | (most > high + reach)
        if past.any():
            where.append({"val": "validation", "test": "test"}[part])
            extremes = np.where(np.abs(most) >= np.abs(least), most, least)[past]
            value = max(value, float(extremes[np.argmax(np.abs(extremes))]), key=abs)
        far |= past
    count = int(far.sum())
    if not count:
        return
    constant = int((far & (high == low)).sum())
    names = [str(columns[i]) for i in np.flatnonzero(far)[:3]]
    listed = ", ".join(names) + (", ..." if count > 3 else "")
    one = count == 1
    what = f"{count} of {len(low)} feature{'' if len(low) == 1 else 's'} ({listed})"
    splits = " and ".join(where) + (" split" if len(where) == 1 else " splits")
    if constant == count:
        said = f"{'is' if one else 'are'} constant in the training split but var" \
               f"{'ies' if one else 'y'} in the {splits}"
    else:
        said = (f"var{'ies' if one else 'y'} in the {splits} far past {'its' if one else 'their'}"
                " range in the training split"
                + (f" ({constant} constant there)" if constant else ""))
    within = " (the training split's lie within [0, 1])" if scaling == "minmax" else ""
    warnings.warn(f"{name}: {what} {said}: scaled per feature, {'its' if one else 'their'} "
                  f"values there reach {value:g}{within}; {fix}",
                  DataWarning, stacklevel=3)
