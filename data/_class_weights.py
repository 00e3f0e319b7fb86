"""Per-class loss weights for training on a loaded set, as ``hplab train --class-weight``
takes them: ``"balanced"`` or one weight per class."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._dataset import Dataset


def class_weights(dataset: Dataset, weights) -> tuple[float, ...]:
    """``weights`` for ``dataset``'s classes: ``"balanced"`` (any case, as
    ``--class-weight`` takes it) is scikit-learn's ``n / (k * count)`` over the training
    split; a sequence is checked to hold one weight per class (values are the training
    config's to check).

    Parameters
    ----------
    dataset : Dataset
        A loaded classification set (`load`).
    weights : str or sequence of float
        ``"balanced"``, or one weight per class in index order.

    Raises
    ------
    TypeError
        A ``dataset`` that is not a loaded Dataset (its labels: give the Dataset).
    ValueError
        For a regression set, another string, a mapping (refused as ``nets.TrainConfig``
        refuses it: its keys could be labels or indices), or a count of weights other
        than the classes' (a training setting's error, not a DataError: the command line
        names its flag).
    """
    if not isinstance(dataset, Dataset):  # its labels failed as "no attribute 'classes'"
        raise TypeError("dataset must be a data.Dataset (what data.load returns), got "
                        f"{type(dataset).__name__}")
    if not dataset.classes:  # training's own words, said before it starts
        raise ValueError("class_weight weighs classes: it applies to binary and multiclass "
                         "heads, not regression")
    if isinstance(weights, str) and weights.strip().lower() == "balanced":
        from sklearn.utils.class_weight import compute_class_weight  # lazy: slow to import

        # (the split is stratified: every class has training examples)
        return tuple(float(w) for w in compute_class_weight(
            "balanced", classes=np.arange(len(dataset.classes)), y=dataset.y_train))
    order = f"one weight per class, in the order of {dataset.classes}"
    if isinstance(weights, str | bytes):  # taken letter by letter: "needs 3 values, got 8"
        raise ValueError(f"class_weight must be 'balanced' or {order}, got {weights!r}")
    if isinstance(weights, Mapping):  # tuple() would take its keys
        raise ValueError(f"class_weight must be {order}, got a mapping {dict(weights)!r}")
    try:
        weights = tuple(weights)
    except TypeError:  # one number
        raise ValueError(f"class_weight must be 'balanced' or {order}, got {weights!r}"
                         ) from None
    if len(weights) != len(dataset.classes):
        raise ValueError(f"class_weight needs {len(dataset.classes)} values, got "
                         f"{len(weights)}")
    return weights
