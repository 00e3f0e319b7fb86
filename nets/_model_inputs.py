"""How a saved model takes raw inputs: a table's columns matched to its features by name,
then checked and scaled as its training data were (a base of `SavedModel`)."""

from __future__ import annotations

import numpy as np

from ._column_names import first_positions, key_for
from ._input_range import warn_far_inputs
from ._left_out import left_out_hint
from ._named_features import _check_series_row, _some, _warn_by_position, named_features
from ._printable import first_names


class _ModelInputs:
    """`nets.SavedModel`'s reading of raw inputs, on its features, scaling and net."""

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
