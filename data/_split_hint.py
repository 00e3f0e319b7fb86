"""What an error adds when a classification set's split fails for want of rows: how to
read the target as a number (a count, a price), or to add rows."""

from __future__ import annotations

import numpy as np

from ._files import MAX_CLASSES
from ._split import TEST_FRACTION, holdout_sizes

# A split of a target with this many distinct values or fewer failed for want of rows: it
# is not hinted to be a count to predict as a number (0/1 is no count).
_FEW_VALUES = 10


def split_hint(src, classify: bool, typed: dict, key: str) -> str:
    """The hint a failed split of source ``src`` adds ("" for regression): its target
    read as class labels, though a number may be meant, or too few rows of a class.

    Parameters
    ----------
    src : Source
        The set's raw arrays, its ``y`` the target as read.
    classify : bool
        Whether the set is a classification set.
    typed : dict
        The set's own options (``task``, when given).
    key : str
        The set's kind of name (``csv``, ``npz``, ``coin``...).

    Returns
    -------
    str
        ``"; ..."``, to end an error's sentence; "" for a regression set.
    """
    # a few whole numbers count as class labels: a count or a price may be meant otherwise
    # (a CSV keeps codes as text: 007, +1)
    hint = ""
    if classify and typed.get("task") is None and key in ("csv", "npz"):
        import pandas as pd  # here: the generated and bundled sets load without it

        labels = pd.Series(src.y)
        if labels.nunique() > _FEW_VALUES and (src.y.dtype.kind in "uif" or key == "csv"
                and pd.to_numeric(labels, errors="coerce").notna().all()):
            hint = (f"; a target of at most {MAX_CLASSES} distinct whole numbers is read as "
                    "class labels: add ?task=regression to predict it as a number")
    if classify and not hint:  # a few labels are classes: the split failed for want of rows
        hint = "; add rows, or drop the classes with too few"
        if key in ("csv", "npz") and src.X_test is None and _too_small(src.y):
            hint = ("; add rows, drop the classes with too few, or add ?holdout=no to "
                    "validate and test on the training rows knowingly, as the course's XOR "
                    "does")
    if classify and src.y.dtype.kind == "f" and np.any(np.mod(src.y[np.isfinite(src.y)], 1)):
        hint = (f"; task=classification makes each of the target's {len(np.unique(src.y))} "
                "distinct values a class, and it has fractions: task=regression predicts it "
                "as a number")
    return hint


def _too_small(y: np.ndarray) -> bool:
    """Whether a file given alone is too small for any stratified split: its test set, or
    the default validation set of the rest, has fewer rows than it has classes (the course's
    XOR saved to a file), as ``holdout=no`` is for."""
    classes = len(np.unique(y))
    kept, out = holdout_sizes(len(y), TEST_FRACTION)
    return classes > 1 and min(kept, out, holdout_sizes(kept, 0.1)[1]) < classes
