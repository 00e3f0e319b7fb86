"""Plain data behind the training-run figures: pure functions of arrays, no drawing.

Each function returns a pandas DataFrame (or a dict of them) that is both what gets
drawn and what is written as CSV beside the report; the hidden-space figure's are in
:mod:`reports._hidden_space`, the per-class scores in :mod:`reports._class_scores`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

HISTORY_COLUMNS = ("epoch", "iteration", "lr", "train_loss", "val_loss",
                   "train_accuracy", "val_accuracy")


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """The learning curves: one row per checkpoint, the standard history columns.

    Parameters
    ----------
    history : pandas.DataFrame
        A run's history (``history.csv``, `TrainResult.history`).
    """
    cols = [c for c in HISTORY_COLUMNS if c in history.columns]
    return history[cols].reset_index(drop=True).astype(float)


def input_bounds(*arrays: np.ndarray, pad: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature (low, high) covering every sample, padded by ``pad`` of the range.

    Normalized features mostly live in [0, 1]; the square always includes it so maps of
    different runs on one dataset share their frame.

    Parameters
    ----------
    *arrays : ndarray
        Normalized inputs ``(n, d)`` of one dataset (its splits), all of one ``d``.
    pad : float, default 0.05
        Added at each end, as a share of the range.
    """
    X = np.concatenate([np.asarray(a, dtype=float) for a in arrays])
    lo = np.minimum(X.min(axis=0), 0.0)
    hi = np.maximum(X.max(axis=0), 1.0)
    span = hi - lo
    return lo - pad * span, hi + pad * span


def input_axes(ds) -> tuple[str, str]:
    """Labels of the two input axes: the dataset's feature names (x1, x2 where it has
    none), "(normalized)" when the features were scaled."""
    names = tuple(ds.feature_names) or ("x1", "x2")
    suffix = " (normalized)" if inputs_scaled(ds) else ""
    return f"{names[0]}{suffix}", f"{names[1]}{suffix}"


def fit_names(ds) -> tuple[str, str]:
    """The fitted-curve figure's names of the feature and the target, as its CSVs' headers
    and its axes give them: a CSV's columns (``temp_c``, ``yield_kg``), else ``x`` and ``y``
    (generated sets; the feature of a set of several). Both ``x`` and ``y`` where a name
    would take another column's (``split``, ``prediction``, the other name)."""
    named = tuple(ds.feature_names)
    names = (str(named[0]) if len(named) == 1 else "x",
             str(ds.info.get("target") or "y"))
    return names if len({*names, "split", "prediction"}) == 4 else ("x", "y")


def training_test_set_note(ds) -> str:
    """What to say of a test set that is the training set itself (XOR's 4 points serve
    as all three splits): no held-out score; "" for a held-out test set."""
    if not ds.test_is_train:
        return ""
    return (f"on {ds.name} the test set is the training set itself, as the validation set "
            "is, so its score is no held-out score")


def clean_test_note(ds) -> str:
    """What to say of a test set whose targets are noise-free while the training pool's
    carry noise (a generated curve's): its loss has no noise floor; "" otherwise."""
    if not ds.test_targets_clean:
        return ""
    return (f" On {ds.name} the test targets lie on the clean curve (only the training and "
            "validation targets carry noise), so the test loss measures the fit without the "
            "noise floor and can sit well below the other two.")


def inputs_scaled(ds) -> bool:
    """Whether the dataset's features were scaled (``scaling`` other than none)."""
    return ds.info.get("scaling") != "none"


def decision_frame(proba: Callable[[np.ndarray], np.ndarray], bounds, n_classes: int,
                   resolution: int = 100) -> pd.DataFrame:
    """The net's output over a ``resolution`` x ``resolution`` grid of the input square.

    Parameters
    ----------
    proba : callable
        ``X -> (n,)`` P(class 1) for binary or ``(n, k)`` probabilities for multiclass.
    bounds : (low, high)
        Per-feature limits from :func:`input_bounds`.
    n_classes : int
        The dataset's number of classes (2 for a binary head's single output).
    resolution : int
        Grid points per axis.

    Returns
    -------
    DataFrame
        ``x1, x2``, one ``p_<class index>`` column per class, the predicted ``label`` and
        its ``confidence`` (the winning probability); rows in ``x2``-major grid order.
    """
    (lo1, lo2), (hi1, hi2) = bounds
    g1, g2 = np.meshgrid(np.linspace(lo1, hi1, resolution), np.linspace(lo2, hi2, resolution))
    X = np.column_stack([g1.ravel(), g2.ravel()]).astype(np.float32)
    P = np.asarray(proba(X), dtype=float)
    if P.ndim == 1:  # binary head: P(class 1)
        P = np.column_stack([1 - P, P])
    frame = pd.DataFrame({"x1": X[:, 0].astype(float), "x2": X[:, 1].astype(float)})
    for k in range(max(n_classes, P.shape[1])):
        frame[f"p_{k}"] = P[:, k]
    frame["label"] = np.argmax(P, axis=1)
    frame["confidence"] = P.max(axis=1)
    return frame


#: Decimals of the probabilities a report keeps: 0.001 is far below what a figure shows,
#: and full float precision made the grid's CSV 2 MB for 3 classes, 9 MB for 40.
GRID_DECIMALS = 3


def grid_resolution(n_classes: int) -> int:
    """Points per side of a report's decision grid: 100, fewer beyond 10 classes (down to
    50) so that its CSV, a probability per class and point, stays near a megabyte."""
    return int(np.clip(100 * np.sqrt(10 / max(n_classes, 1)), 50, 100))


def rounded_grid(frame: pd.DataFrame) -> pd.DataFrame:
    """A `decision_frame` as a report keeps it: probabilities to `GRID_DECIMALS` places,
    coordinates to 5 (the float32 grid's digits beyond are noise); ``label`` unchanged."""
    out = frame.copy()
    probabilities = [c for c in out.columns if c.startswith("p_")] + ["confidence"]
    out[probabilities] = out[probabilities].round(GRID_DECIMALS)
    out[["x1", "x2"]] = out[["x1", "x2"]].round(5)
    return out


def samples_frame(X: np.ndarray, y: np.ndarray, split: str, max_samples: int = 500
                  ) -> pd.DataFrame:
    """Two-feature samples with their label; evenly thinned to at most ``max_samples``.

    Parameters
    ----------
    X : array (n, 2)
    y : array (n,)
    split : str
        The ``split`` column's value (``train``, ``test``...).
    max_samples : int

    Returns
    -------
    DataFrame
        ``x1, x2, label, split``.
    """
    idx = _thin(len(X), max_samples)
    return pd.DataFrame({"x1": X[idx, 0].astype(float), "x2": X[idx, 1].astype(float),
                         "label": np.asarray(y)[idx], "split": split})


def with_class_names(frame: pd.DataFrame, classes: Sequence) -> pd.DataFrame:
    """``frame`` with a ``class`` column beside its ``label`` (a class index): the
    dataset's own label, as the figures show it (empty where ``label`` is NaN)."""
    names = np.asarray([str(c) for c in classes], dtype=object)
    index = pd.to_numeric(frame["label"])
    known = index.notna()
    column = pd.Series("", index=frame.index, dtype=object)
    column[known] = names[index[known].astype(int).to_numpy()]
    out = frame.copy()
    out.insert(out.columns.get_loc("label") + 1, "class", column)
    out.attrs = dict(frame.attrs)
    return out


def regression_frames(predict: Callable[[np.ndarray], np.ndarray],
                      inverse_y: Callable[[np.ndarray], np.ndarray],
                      splits: dict[str, tuple[np.ndarray, np.ndarray]],
                      n_curve: int = 300, max_samples: int = 600,
                      inverse_x: Callable[[np.ndarray], np.ndarray] | None = None,
                      names: tuple[str, str] = ("x", "y")) -> dict[str, pd.DataFrame]:
    """Data for the fitted-curve figure, targets and predictions in original units.

    One feature: ``samples`` (x, y, split) and ``curve`` (x, prediction over a fine grid),
    x mapped back by ``inverse_x`` when given. More features: ``samples`` (y, prediction,
    split) for a predicted-against-actual plot. ``x`` and ``y`` are the columns ``names``
    gives (`fit_names`), which the figure's axes say.

    Parameters
    ----------
    predict : callable
        The net's prediction, ``X -> (n,)`` in scaled units.
    inverse_y : callable
        Maps targets and predictions back to original units.
    splits : dict of str to (X, y)
        The splits shown (``train``, ``test``...), inputs scaled as the net saw them.
    n_curve : int
        Points of the curve (one feature).
    max_samples : int
        Samples kept per split, evenly thinned.
    inverse_x : callable, optional
        Maps the one feature back to original units.
    names : (str, str)
        The feature's and the target's columns, neither ``split`` nor ``prediction``.

    Returns
    -------
    dict of str to DataFrame
    """
    one_d = next(iter(splits.values()))[0].shape[1] == 1

    def raw_x(X):
        X = np.asarray(X, dtype=float)
        return (np.asarray(inverse_x(X), dtype=float) if inverse_x else X)[:, 0]

    def inv(v):
        return np.asarray(inverse_y(np.asarray(v, dtype=np.float32)), dtype=float).reshape(-1)

    x_name, y_name = names
    rows = []
    for split, (X, y) in splits.items():
        i = _thin(len(X), max_samples)
        cols = {y_name: inv(np.asarray(y)[i]), "split": split}
        if one_d:
            cols = {x_name: raw_x(np.asarray(X)[i]), **cols}
        else:
            cols["prediction"] = inv(predict(X[i]))
        rows.append(pd.DataFrame(cols))
    out = {"samples": pd.concat(rows, ignore_index=True)}
    if one_d:
        lo, hi = input_bounds(*(X for X, _ in splits.values()), pad=0.0)
        x = np.linspace(min(lo[0], 0.0), max(hi[0], 1.0), n_curve)
        grid = x[:, None].astype(np.float32)
        out["curve"] = pd.DataFrame({x_name: raw_x(grid), "prediction": inv(predict(grid))})
    return out


# ----------------------------------------------------------------------------- helpers
def thinned_note(shown: dict[str, tuple[int, int]], subject: str) -> str:
    """The sentence a figure's text adds when it shows fewer samples than a split holds.

    Parameters
    ----------
    shown : dict of str to (int, int)
        Per split's name (``training``, ``test``), the samples shown and the split's size.
    subject : str
        What shows them (``The figure shows``).

    Returns
    -------
    str
        ``" The figure shows 500 of the 900 training samples, taken evenly through the
        set."``; empty when every sample is shown.
    """
    parts = [f"{k:,} of the {n:,} {split} samples" for split, (k, n) in shown.items() if k < n]
    if not parts:
        return ""
    return (f" {subject} {' and '.join(parts)}, taken evenly through the "
            f"set{'s' * (len(parts) > 1)}.")


def _thin(n: int, cap: int) -> np.ndarray:
    """Evenly spaced indices, at most ``cap`` (deterministic: reports must be reproducible)."""
    if n <= cap:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, cap).round().astype(int))
