"""Scores per class of a classifier's test predictions, and its data's class balance.

The confusion counts and the precision/recall table a training report shows and writes as
CSV, the balanced accuracy it headlines on imbalanced data, and the rule of what is
imbalanced (`is_imbalanced`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

#: Minority share below which binary data counts as imbalanced: always answering the
#: majority class then scores over 80 % accuracy, which reads as a good net. With k classes
#: the rarest counts against an even share, 1/k: under 2 x 20 % of it (4 % of ten classes).
IMBALANCED_BELOW = 0.2


def is_imbalanced(y, n_classes: int) -> bool:
    """True for class labels ``y`` (indices ``0..n_classes-1``) whose rarest class holds
    under `IMBALANCED_BELOW` x 2 of an even share: a binary minority under 20 % of ``y``,
    the rarest of four classes under 10 %."""
    y = np.asarray(y)
    if n_classes < 2 or y.size == 0:
        return False
    counts = np.bincount(y.astype(np.int64), minlength=n_classes)
    # n_classes / 2 is 1.0 for two: the binary rule's float as it was
    return counts.min() / y.size * (n_classes / 2) < IMBALANCED_BELOW


def absent_from_test(ds) -> list:
    """The classes of dataset ``ds`` with training examples but none in its test set."""
    held = np.bincount(np.asarray(ds.y_train), minlength=len(ds.classes))
    tested = np.bincount(np.asarray(ds.y_test), minlength=len(ds.classes))
    return [ds.classes[i] for i in np.flatnonzero((held > 0) & (tested == 0))]


def balanced_accuracy(ds, y_pred) -> float:
    """Test balanced accuracy: the mean recall over the classes (the per-class table's
    macro recall), the first headline card of a run or study on imbalanced data.

    Parameters
    ----------
    ds : data.Dataset
        A classification dataset; its ``y_test`` are the true classes.
    y_pred : array-like of int
        Predicted class indices of ``ds.X_test``.

    Returns
    -------
    float
        scikit-learn's ``balanced_accuracy_score``; NaN when a class with training
        examples has none in the test set (scikit-learn would average the others' recall:
        100 % for a net that finds no positive where the test set holds none).
    """
    from sklearn.metrics import balanced_accuracy_score

    if absent_from_test(ds):
        return float("nan")
    return float(balanced_accuracy_score(ds.y_test, np.asarray(y_pred)))


def _indices(y, classes: Sequence, what: str) -> np.ndarray:
    """``y`` as class indices 0..k-1 (what nets predict); labels are refused, not miscounted.
    Ints held as objects (a pandas Series of dtype object) are indices too: they were
    refused as "not the labels themselves"."""
    y = np.asarray(y)
    if y.dtype.kind == "O":
        try:
            values = np.asarray(y.tolist())
        except (TypeError, ValueError):  # values no array holds side by side
            values = y
        y = values if values.shape == y.shape and values.dtype.kind in "iu" else y
    if y.dtype.kind not in "iu" or (len(y) and (y.min() < 0 or y.max() >= len(classes))):
        raise ValueError(f"{what} must be class indices 0..{len(classes) - 1} (the positions "
                         "of the labels in classes), not the labels themselves")
    return y


def confusion_frame(y_true, y_pred, classes: Sequence) -> pd.DataFrame:
    """Counts: one row per true class (column ``true``), one column per predicted class.

    Parameters
    ----------
    y_true, y_pred : array (n,)
        Class indices into ``classes`` (labels themselves are refused).
    classes : sequence
        The dataset's labels, named in the rows and columns.

    Returns
    -------
    DataFrame
    """
    names = [str(c) for c in classes]
    y_true, y_pred = _indices(y_true, names, "y_true"), _indices(y_pred, names, "y_pred")
    cm = confusion_matrix(y_true, y_pred, labels=np.arange(len(names)))
    frame = pd.DataFrame(cm, columns=names)
    frame.insert(0, "true", names)
    return frame


def per_class_frame(y_true, y_pred, classes: Sequence) -> pd.DataFrame:
    """Precision, recall, F1 and support per class, then their macro average.

    Parameters
    ----------
    y_true, y_pred : array (n,)
        Class indices into ``classes`` (labels themselves are refused).
    classes : sequence
        The dataset's labels, one row each.

    Returns
    -------
    DataFrame
    """
    names = [str(c) for c in classes]
    y_true, y_pred = _indices(y_true, names, "y_true"), _indices(y_pred, names, "y_pred")
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=np.arange(len(names)), zero_division=0)
    frame = pd.DataFrame({"class": names, "precision": p, "recall": r, "f1": f,
                          "support": s.astype(int)})
    macro = pd.DataFrame({"class": ["macro average"], "precision": [p.mean()],
                          "recall": [r.mean()], "f1": [f.mean()], "support": [int(s.sum())]})
    return pd.concat([frame, macro], ignore_index=True)
