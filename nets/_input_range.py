"""A saved model given inputs far outside the range it was trained on: said in a warning,
as ``data`` warns of a test split scaled far past its training split (a column in other
units, images of 0-255 for a model of 0-16 pixels: confident, wrong predictions)."""

from __future__ import annotations

import warnings

import numpy as np

from ._printable import first_names
from ._user_line import user_stacklevel

# As data's FAR_RANGES: values this many training ranges past that range are "far"
FAR_RANGES = 10.0


def warn_far_inputs(X: np.ndarray, model) -> None:
    """Warn when a column of ``X``, scaled as ``model``'s training data were, lies
    `FAR_RANGES` training ranges past them: min-max and image scaling put the training
    rows in [0, 1] (a standard scaling keeps no range: no warning)."""
    options = str(model.meta.get("dataset") or "").partition("?")[2]
    if not len(X) or not model.scales_inputs or "scaling=standard" in options:
        return
    low, high = X.min(axis=0), X.max(axis=0)
    far = np.flatnonzero((low < -FAR_RANGES) | (high > 1 + FAR_RANGES))
    if not len(far):
        return
    names = model.feature_names or tuple(f"x{i + 1}" for i in range(X.shape[1]))
    shown = first_names([names[i] for i in far], 5, total=False)
    verb = "lies" if len(far) == 1 else "lie"
    warnings.warn(f"{len(far)} of {X.shape[1]} input features ({shown}) {verb} far outside the "
                  f"range the model was trained on (0 to 1 once scaled as its training data "
                  f"were; here {float(low.min()):.3g} to {float(high.max()):.3g}): its "
                  "predictions extrapolate; check the inputs' units", UserWarning,
                  stacklevel=user_stacklevel())
