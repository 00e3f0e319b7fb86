"""Per-class loss weights for training on a loaded set, as ``hplab train --class-weight``
takes them: ``"balanced"`` or one weight per class."""

from __future__ import annotations

import numpy as np

from ._dataset import Dataset


def class_weights(dataset: Dataset, weights) -> tuple[float, ...]:
    """``weights`` for ``dataset``'s classes: ``"balanced"`` is scikit-learn's
    ``n / (k * count)`` over the training split; a sequence is checked to hold one weight per
    class (values are the training config's to check).

    Raises
    ------
    ValueError
        For a regression set, or a count of weights other than the classes' (a training
        setting's error, not a DataError: the command line names its flag).
    """
    if not dataset.classes:  # training's own words, said before it starts
        raise ValueError("class_weight weighs classes: it applies to binary and multiclass "
                         "heads, not regression")
    if isinstance(weights, str) and weights == "balanced":
        from sklearn.utils.class_weight import compute_class_weight  # lazy: slow to import

        # (the split is stratified: every class has training examples)
        return tuple(float(w) for w in compute_class_weight(
            "balanced", classes=np.arange(len(dataset.classes)), y=dataset.y_train))
    weights = tuple(weights)
    if len(weights) != len(dataset.classes):
        raise ValueError(f"class_weight needs {len(dataset.classes)} values, got "
                         f"{len(weights)}")
    return weights
