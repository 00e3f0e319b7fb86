"""A decision threshold on a saved model's positive-class probability, checked before use."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

from ._printable import short_repr

if TYPE_CHECKING:  # _predict imports this module: SavedModel is an annotation only
    from ._predict import SavedModel


def check_threshold(model: SavedModel, threshold, name: str = "threshold") -> None:
    """Refuse a ``threshold`` that is no probability, or one for a model that has no single
    positive-class probability to compare it with (regression, more than two classes).

    Parameters
    ----------
    model : SavedModel
        The model the threshold is for.
    threshold : float or None
        A probability of the positive class, ``classes[1]``; None passes.
    name : str
        What the message calls it (``"--threshold"`` for the command line's flag).

    Raises
    ------
    ValueError
        No number in [0, 1] (NaN, a bool), or a model of no two classes.
    """
    if threshold is None:
        return
    number = isinstance(threshold, numbers.Real) and not isinstance(threshold, bool)
    if not number or not 0 <= threshold <= 1:  # NaN too: no comparison holds
        try:
            shown = f"{float(threshold):g}" if number else short_repr(threshold)
        except OverflowError:  # an int past a float's range (10**400) refused in one line
            shown = "an integer past a float's range"
        raise ValueError(f"{name} must be a probability in [0, 1], got {shown}")
    if model.task == "regression" or len(model.classes) != 2:
        what = "a regression model" if model.task == "regression" else \
            f"a {model.task} model of {len(model.classes)} classes"
        raise ValueError(f"{name} applies to binary models (the positive class's "
                         f"probability); {model.path} is {what}")
