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

from ._model import MLP
from ._model_inputs import _first_bad_row, _ModelInputs
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
class SavedModel(_ModelInputs):
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
        The input columns' names (``x1``, ``x2``... where none were saved).
    meta : dict
        The header's ``meta`` as saved (`save_net`'s): the dataset, classes, task...
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
