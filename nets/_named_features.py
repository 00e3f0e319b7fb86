"""Whether a saved model takes a table's columns by name or by position: its feature names
are its data's own (a CSV header's, a caller's) or made up by a loader (x1, x2...), and
what a table without usable names is told."""

from __future__ import annotations

import re
import warnings

from ._column_names import name_key
from ._printable import first_names
from ._user_line import user_stacklevel


def _warn_by_position(columns, n_features: int) -> None:
    """Warn that a table's text column names (a CSV header's, a DataFrame's) are not read:
    the model's names were made up (x1, x2...), its columns are taken by position, and a
    table in another order is predicted wrong without a word. Numbers (0, 1...) are
    positions already; a count that differs is refused, not warned of."""
    if (n_features and len(columns) != n_features) \
            or all(isinstance(name_key(c), float) for c in columns):
        return
    shown = first_names((str(c).strip() for c in columns), 5, total=False, quote_commas=True)
    warnings.warn(f"input columns ({shown}) are read by position: the model was trained "
                  "without column names", UserWarning, stacklevel=user_stacklevel())


def _check_series_row(row, model) -> None:
    """Refuse a Series that is no example: a column of a table (``df["a"]``: its name a
    feature, its index rows), or values by position for a model whose features are its
    data's own names (in any order, a CSV's columns): read as one row, they were
    predicted as a wrong example."""
    if all(isinstance(k, str) for k in row.index) and len(row):
        return  # names: `feature_columns` matches them
    if row.name in model.feature_names:
        raise ValueError(f"a Series is one example, indexed by feature names (df.iloc[0]); "
                         f"this one is column {row.name!r} of a table: give the rows as a "
                         "DataFrame of the model's columns")
    if named_features(model.meta):
        raise ValueError("a Series is one example, indexed by the model's feature names "
                         "(df.iloc[0]); this one's index holds no names, and this model "
                         "takes its features by name: index it by them, or give a DataFrame")


def named_features(meta: dict) -> bool:
    """Whether a model's feature names are its data's own (a CSV header, a caller's), not
    made up by a loader or `load_model` (x1.., px0..): only those are matched by name."""
    if "named_features" in meta:
        return bool(meta["named_features"])
    # saved before the flag, or by nets.save_net with names of the caller's own: a CSV
    # header names them, and so do names that do not look made up
    dataset, names = str(meta.get("dataset") or ""), meta.get("feature_names") or []
    if dataset.startswith("csv:") and "header=no" not in dataset:
        return True
    return bool(names) and not made_up_names(names)


def made_up_names(names) -> bool:
    """Feature names made up by a loader (npz's x1, x2..., IDX's px0, px1...), not a file's
    own."""
    return all(re.fullmatch(r"(x|px)\d+", str(n).strip()) for n in names)


def _some(names) -> str:
    """The first five column names, "..." and their count for the rest (`first_names`)."""
    return first_names(names, 5, quote_commas=True)
