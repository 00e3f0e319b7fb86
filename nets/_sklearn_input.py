"""scikit-learn's input check for hplab's estimators, naming a DataFrame's column that is
not numbers (NumPy's "could not convert string to float: 'x'" named none)."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import validate_data


def validated(estimator, X, *args, **kwargs):
    """``validate_data(estimator, X, *args, **kwargs)``; a DataFrame ``X`` with a column
    that is not numbers (text, dates) fails with the same error, that column named."""
    try:
        return validate_data(estimator, X, *args, **kwargs)
    except (TypeError, ValueError) as exc:
        # columns other than those fit on are refused before any is converted: said so
        column = None if "feature names" in str(exc) else _column_of_no_numbers(X)
        if column is None:
            raise
        kind = ValueError if isinstance(exc, ValueError) else TypeError
        raise kind(f"{exc} (column {column!r} of X is not numbers: encode it as numbers "
                   "first, e.g. text with sklearn's OneHotEncoder, or leave it out)") from None


def _column_of_no_numbers(X):
    """The name of a DataFrame's first column that does not convert to floats, or None
    (not a DataFrame, or every column converts: the error was another)."""
    if not (hasattr(X, "columns") and hasattr(X, "iloc")):
        return None
    for i, name in enumerate(X.columns):  # by position: names may repeat
        # dates and durations convert alone, and fail only beside other columns
        if getattr(X.dtypes.iloc[i], "kind", "O") in ("m", "M"):
            return name
        try:
            np.asarray(X.iloc[:, i], dtype=np.float64)
        except (TypeError, ValueError):
            return name
    return None
