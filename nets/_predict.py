"""A saved model with its input and target scaling: raw inputs in, original labels out.

``hplab train`` saves ``model.npz`` with the arrays ``x_shift`` and ``x_scale``
(``X_norm = (X_raw - x_shift) / x_scale``) and, in its header's meta, ``y_shift``,
``y_scale`` (regression: ``y_raw = y_norm * y_scale + y_shift``), ``classes`` and
``task``. `load_model` checks all of them (``_model_meta.py``, as `save_net` does before
writing), so a prediction is either right or refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._column_names import first_positions, key_for
from ._input_range import warn_far_inputs
from ._left_out import left_out_hint
from ._model import MLP
from ._named_features import _check_series_row, _some, _warn_by_position, named_features
from ._printable import first_names
from ._repr import compact_repr
from ._threshold import check_threshold


@dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value
class Prediction:
    """What a saved model says about ``n`` examples, in the original units.

    Attributes
    ----------
    task : {"binary", "multiclass", "regression"}
    classes : tuple
        Class labels in index order; ``()`` for regression.
    index : ndarray or None
        int64 (n,) class indices (classification).
    labels : ndarray or None
        (n,) class labels ``classes[index]`` (classification).
    probabilities : ndarray or None
        (n, k) class probabilities, binary included (``[1 - p, p]``).
    values : ndarray or None
        float64 (n,) de-normalized regression outputs, (n, t) for t > 1 targets.
    """

    task: str
    classes: tuple
    index: np.ndarray | None = None
    labels: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    values: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.values if self.values is not None else self.index)

    def __repr__(self) -> str:  # the arrays as their shapes: whole, a screenful of numbers
        return compact_repr(self)


@dataclass(frozen=True, eq=False)
class SavedModel:
    """A net loaded from ``.npz`` with everything needed to use it on raw data.

    Attributes
    ----------
    path : Path
    net : MLP
    header : dict
        ``{"format", "spec", "config", "meta"}`` as saved.
    x_shift, x_scale : ndarray or None
        float64 (d,) input scaling; None for a net saved without one (inputs used as is).
    y_shift, y_scale : float
        Regression target scaling (0 and 1 otherwise).
    classes : tuple
        Original class labels in index order (``0..k-1`` if none were saved).
    feature_names : tuple of str
    """

    path: Path
    net: MLP
    header: dict
    x_shift: np.ndarray | None
    x_scale: np.ndarray | None
    y_shift: float = 0.0
    y_scale: float = 1.0
    classes: tuple = ()
    feature_names: tuple = ()
    meta: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        # the dataclass repr printed the whole header (3,991 characters for a digits model,
        # 35,951 with 784 named features), the last line of many a notebook cell
        classes = (repr(self.classes) if len(self.classes) <= 10
                   else f"<{len(self.classes)} classes>")
        shown = f", classes={classes}" if self.classes else ""
        return (f"SavedModel(path={str(self.path)!r}, net={self.net!r}, task={self.task!r}"
                f"{shown}, n_features={self.n_features})")

    @property
    def task(self) -> str:
        """The head: ``"binary"``, ``"multiclass"`` or ``"regression"``."""
        return self.net.head

    @property
    def n_features(self) -> int:
        return self.net.sizes[0]

    @property
    def scales_inputs(self) -> bool:
        """Whether inputs are rescaled before the net: not for a net saved without an input
        scaling, nor for a saved estimator's identity one (inputs taken as they are)."""
        return self.x_shift is not None and not (np.all(self.x_shift == 0)
                                                 and np.all(self.x_scale == 1))

    def normalize(self, X_raw) -> np.ndarray:
        """Raw inputs (n, d), or one example (d,), scaled as in training, in the net's dtype.

        Computed in float64 and rounded once to float32, as ``data`` scales the training
        data (then cast to the net's dtype), so a dataset's rows give the same bits either
        way. A table with text column names (a pandas DataFrame) gives its columns by
        `feature_columns`' rule; one with other names (0, 1, 2...) is taken by position,
        as an array. Nullable columns (``df.convert_dtypes()``: Float64, Int64) are numbers;
        their missing values are refused.

        Parameters
        ----------
        X_raw : array-like or pandas DataFrame or Series
            Inputs in the data's own units.
        """
        import pandas as pd  # here: `import nets` would cost pandas' import (~0.3 s)

        if isinstance(X_raw, pd.Series):  # one example (df.iloc[0]): its index names features
            _check_series_row(X_raw, self)
            # a row of a table with a text column is all objects: numbers again per column
            X_raw = X_raw.to_frame().T.infer_objects()
        columns = list(getattr(X_raw, "columns", ()))
        # by name only when both sides have names (scikit-learn's rule): 0, 1... are positions
        if columns and all(isinstance(c, str) for c in columns):
            positions = self.feature_columns(columns)
            if positions is not None and positions != list(range(len(columns))):
                X_raw = X_raw.iloc[:, positions]
        if isinstance(X_raw, pd.DataFrame) and all(
                pd.api.types.is_numeric_dtype(t) for t in X_raw.dtypes) and any(
                isinstance(t, pd.api.extensions.ExtensionDtype) for t in X_raw.dtypes):
            # np.asarray made nullable (Float64, Int64) columns objects; pd.NA -> NaN is
            # then refused below as missing
            X_raw = X_raw.to_numpy(dtype=np.float64, na_value=np.nan)
        X = np.asarray(X_raw)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            # what they should hold (`read_inputs`'s words), not a column to remove
            hint = left_out_hint(self.meta, "the inputs should hold the model's columns "
                                 "only, without {columns} or the target") \
                if X.ndim == 2 and X.shape[1] > self.n_features else ""
            if np.ndim(X_raw) == 1 and self.n_features == 1:  # (n,): n examples meant
                hint = "; examples of one feature are a column: X.reshape(-1, 1)"
            raise ValueError(f"the model takes {self.n_features} features per example, "
                             f"got an array of shape {np.shape(X_raw)}{hint}")
        if X.dtype.kind not in "uifb":
            raise ValueError(f"inputs must be numbers, got dtype {X.dtype}")
        # C order: a DataFrame's (or a CSV's) Fortran-ordered array took another BLAS path
        # and differed from the same rows as a plain array in the last bits
        X = np.ascontiguousarray(X, dtype=np.float64)
        if (row := _first_bad_row(X)) is not None:
            raise ValueError(f"inputs contain NaN or infinite values (first in row {row})")
        with np.errstate(over="ignore"):  # overflow is found below, in one line
            if self.scales_inputs:  # float32: the dtype of every data.Dataset
                X = _scaled(X, self.x_shift, self.x_scale, self.net.dtype)
            else:
                X = X.astype(self.net.dtype)
        if (row := _first_bad_row(X)) is not None:  # only float32 overflows: scaled
            # inputs are rounded to it for a float64 net too (its training data were)
            where = ("float32 after the model's scaling, which rounds them to float32 as its "
                     "training data were" if self.scales_inputs else
                     "float32, the model's dtype")
            raise ValueError(f"inputs overflow {where} (first in row {row}); they are far "
                             "outside the training data")
        warn_far_inputs(X, self)
        return X

    def feature_columns(self, columns, where: str = "the table") -> list[int] | None:
        """Where the model's features are among a table's text column names (a DataFrame's,
        a CSV header's): the one rule of `normalize` and `read_inputs`.

        Names that name every feature give those columns in the model's order, whatever
        their order and whatever other columns there are (made-up names x1, x2... too).
        Names that name none of them: None, the table is taken by position, for a model
        whose names were made up by a loader (`named_features`); refused for one with
        its data's own names (the table's columns could be in any order). Naming only
        some features, or a feature twice, is refused. Names match stripped, and numbers
        as numbers (``400.0`` names the feature ``400``).

        Parameters
        ----------
        columns : sequence of str
            The table's column names.
        where : str, default "the table"
            What the errors call the table (``"the header of FILE"``).

        Returns
        -------
        list of int or None
            The columns of the model's features, in its order; None: by position.
        """
        if not self.feature_names:  # nothing to match: by position ([] took no column)
            _warn_by_position(columns, 0)
            return None
        # dicts and sets, not list searches: a 4096-column header took 48 s
        key = key_for(self.feature_names)
        keys = [key(c) for c in columns]
        wanted = [key(f) for f in self.feature_names]
        wanted_set, at = set(wanted), first_positions(keys)
        twice = [c for i, (c, k) in enumerate(zip(columns, keys, strict=True))
                 if k in wanted_set and at.get(k, i) < i]
        if twice:  # which of the two is meant? (other columns may repeat: they are ignored)
            raise ValueError(f"column {str(twice[0]).strip()} appears twice in {where}")
        if wanted_set.issubset(at):
            return [at[k] for k in wanted]
        named = [str(c).strip() for c, k in zip(columns, keys, strict=True) if k in wanted_set]
        takes = _some(self.feature_names)
        if named:  # positions would feed one feature's values into another
            missing = [str(f) for f, k in zip(self.feature_names, wanted, strict=True)
                       if k not in at]
            # 1,999 of 2,000 named: what is missing, and what is there instead, not a list
            # of what is right
            others = [str(c).strip() for c, k in zip(columns, keys, strict=True)
                      if k not in wanted_set]
            raise ValueError(f"{where} names {_some(named)} but not {_some(missing)}; the "
                             f"model takes {takes}: name every one"
                             + (f" (not the model's: {_some(others)})" if others else ""))
        if named_features(self.meta):
            shown = first_names((str(c).strip() for c in columns), 5, total=False,
                                quote_commas=True)
            raise ValueError(f"{where} names none of the model's features ({shown}); the "
                             f"model takes {takes}: name them, or give the values without "
                             "column names, in that order")
        _warn_by_position(columns, len(self.feature_names))
        return None

    def predict(self, X_raw, threshold: float | None = None) -> Prediction:
        """Predict raw inputs: applies the stored input scaling first; ``threshold`` as in
        `predict_normalized`.

        Parameters
        ----------
        X_raw : array-like or pandas DataFrame or Series
            Inputs in the data's own units, as `normalize` takes them.
        threshold : float, optional
            Binary models only: the probability from which an example is ``classes[1]``.

        Returns
        -------
        Prediction
        """
        return self.predict_normalized(self.normalize(X_raw), threshold)

    def predict_normalized(self, X: np.ndarray, threshold: float | None = None) -> Prediction:
        """Predict inputs that are already scaled as the training data was.

        ``threshold`` (a model of two classes only): the second class, ``classes[1]`` (the
        positive one), where its probability is ``>= threshold``, as a threshold tuned on
        validation data is applied; None: the more probable class (the second above 0.5).

        Parameters
        ----------
        X : ndarray
            Scaled inputs, ``(n, d)``.
        threshold : float, optional
            As above.

        Returns
        -------
        Prediction
        """
        check_threshold(self, threshold)
        with np.errstate(over="ignore", invalid="ignore"):  # refused in one line
            z = self.net.logits(X)
        return self._prediction_of(z, threshold)

    def _prediction_of(self, z: np.ndarray, threshold: float | None = None) -> Prediction:
        """`predict_normalized`'s prediction from the net's outputs ``z`` (`MLP.logits`
        of the scaled inputs) computed already; ``threshold`` checked already."""
        if (row := _first_bad_row(z)) is not None:  # NaN logits would all name class 0
            raise ValueError(f"the model's outputs are NaN or infinite (first in row {row}): "
                             "its weights overflow on these inputs (a diverged run?)")
        if self.task == "regression":
            values = z.astype(np.float64) * self.y_scale + self.y_shift
            return Prediction(self.task, (), values=values[:, 0] if z.shape[1] == 1 else values)
        proba = self.net._head.probabilities(z)
        index = ((z[:, 0] > 0) if self.task == "binary" else np.argmax(z, axis=1)
                 ).astype(np.int64)
        if threshold is not None:
            index = (proba[:, 1] >= threshold).astype(np.int64)
        labels = np.asarray(self.classes, dtype=object)[index]
        if labels.size and int_labels(self.classes):
            labels = labels.astype(np.int64)
        elif labels.size and all(isinstance(c, bool) for c in self.classes):
            labels = labels.astype(bool)
        return Prediction(self.task, self.classes, index=index, labels=labels,
                          probabilities=proba)


def int_labels(classes) -> bool:
    """Whether class labels are integers an int64 array holds (not bools, not 10**19)."""
    return all(isinstance(c, int) and not isinstance(c, bool) and -2**63 <= c < 2**63
               for c in classes)


def _first_bad_row(X: np.ndarray) -> int | None:
    """The first row holding NaN or an infinity, or None if every value is finite."""
    bad = ~np.isfinite(X)
    return int(np.argwhere(bad)[0, 0]) if bad.any() else None


_SCALED_ROWS = 8192  # rows per float64 pass: a few MB, however many rows the input has


def _scaled(X: np.ndarray, shift: np.ndarray, scale: np.ndarray, dtype) -> np.ndarray:
    """``(X - shift) / scale`` in float64, rounded once to float32, as a new array of
    ``dtype``, row chunk by row chunk: the bits of ``data``'s ``apply_scaler`` (the same
    loop; nets may not import data), without the one-line formula's two input-sized
    float64 temporaries nor a float32 copy beside a float64 net's result."""
    out = np.empty(X.shape, dtype=dtype)
    for start in range(0, len(X), _SCALED_ROWS):
        part = X[start:start + _SCALED_ROWS].astype(np.float64)
        part -= shift
        part /= scale
        out[start:start + _SCALED_ROWS] = part.astype(np.float32)
    return out
