"""Output heads with their matched losses.

regression = identity + half MSE, binary = logistic + binary cross-entropy,
multiclass = softmax + cross-entropy. Each pairing makes the loss gradient
with respect to the pre-activation ``z`` the plain ``(p - y) / m``, so the
backward pass starts from that delta. Losses are computed from ``z``
(log-sum-exp forms) so they stay finite where ``p`` rounds to 0 or 1.
"""

from __future__ import annotations

import numpy as np

from ._activations import ACTIVATIONS, logistic
from ._rules import look_up
from ._validation import check_class_indices


class Head:
    """Base class: encode targets, map logits to outputs, loss and delta."""

    name = "head"
    classifier = True

    def n_outputs(self, y: np.ndarray, n_classes: int | None = None) -> int:
        """Units of the output layer for targets ``y`` (classes: ``n_classes`` if given;
        ValueError when ``y`` has labels past it).

        Parameters
        ----------
        y : ndarray
            Training targets.
        n_classes : int, optional
            Classes to make room for (labels 0..n_classes-1); None: read from ``y``.
        """
        raise NotImplementedError

    def encode(self, y: np.ndarray, n_outputs: int, dtype) -> np.ndarray:
        """Targets in the shape of the output layer.

        Parameters
        ----------
        y : array (n,) or (n, k)
            Class indices (0..k-1), or regression targets.
        n_outputs : int
            Width of the output layer.
        dtype : numpy dtype
            The net's.

        Returns
        -------
        ndarray
            ``(n, n_outputs)``: one-hot rows (multiclass), a column of 0/1 (binary) or the
            values (regression).
        """
        raise NotImplementedError

    def output(self, z: np.ndarray) -> np.ndarray:
        """The net's output from logits ``z``: probabilities, or values for regression.

        Parameters
        ----------
        z : ndarray
            Logits, ``(n, outputs)``.
        """
        raise NotImplementedError

    def probabilities(self, z: np.ndarray) -> np.ndarray:
        """``(n, k)`` class probabilities from logits ``z``, two columns for binary.

        Parameters
        ----------
        z : ndarray
            Logits, ``(n, outputs)``.
        """
        return self.output(z)

    def loss(self, z, t, w=None) -> float:
        """Mean loss over the batch.

        Parameters
        ----------
        z : array (n, outputs)
            Logits (the output layer before the head's output function).
        t : array (n, outputs)
            Encoded targets (`encode`).
        w : array (n,), optional
            Per-sample weights.

        Returns
        -------
        float
        """
        raise NotImplementedError

    def delta(self, z, t, w=None, scale=1.0) -> np.ndarray:
        """dL/dz for the batch mean loss, times ``scale``: ``scale w (output(z) - t) / m``.

        Parameters
        ----------
        z, t, w
            As in `loss`.
        scale : float
            Multiplies the result, so every gradient backprop makes from it (`MLP.backward`).

        Returns
        -------
        ndarray
            ``(n, outputs)``, the gradient at the logits.
        """
        d = self._training_output(z)
        d -= t
        if w is not None:
            d *= w[:, None]
        d *= scale / len(z)
        return d

    def _training_output(self, z):
        """`output` as the gradient reads it (a new array)."""
        return self.output(z)

    def accuracy(self, z, t) -> float:
        """Share of rows whose prediction from ``z`` matches ``t``; NaN if any logit is NaN
        or infinite: a diverged net predicts nothing (a NaN row's argmax is class 0).

        Parameters
        ----------
        z : ndarray
            Logits, ``(n, outputs)``.
        t : ndarray
            Targets: class indices.
        """
        if not np.isfinite(z).all():
            return float("nan")
        return float(np.mean(self._correct(z, t)))

    def _correct(self, z, t) -> np.ndarray:
        """Per row: whether the prediction from finite logits ``z`` matches ``t``."""
        raise NotImplementedError


class Regression(Head):
    name = "regression"
    classifier = False

    def n_outputs(self, y, n_classes=None):
        return 1 if np.ndim(y) == 1 else np.shape(y)[1]  # one per target column

    def encode(self, y, n_outputs, dtype):
        return np.asarray(y, dtype=dtype).reshape(len(y), n_outputs)

    def output(self, z):
        return z.copy()

    def loss(self, z, t, w=None):
        per = 0.5 * np.sum((z - t) ** 2, axis=1)
        return float(np.mean(per if w is None else w * per))

    def accuracy(self, z, t):
        return float("nan")


class Binary(Head):
    name = "binary"

    def n_outputs(self, y, n_classes=None):
        _check_labels(y, n_classes)
        return 1

    def encode(self, y, n_outputs, dtype):
        return np.asarray(y, dtype=dtype).reshape(len(y), 1)

    def output(self, z):
        return logistic(z)  # keeps relative precision where p is tiny (metrics rank it)

    def probabilities(self, z):
        # P(class 0) as logistic(-z), not 1 - p: that zeroed it for large positive logits
        return np.hstack([logistic(-z), logistic(z)])

    def _training_output(self, z):
        # the tanh form training has always used: runs reproduce bit for bit by seed
        return ACTIVATIONS["sigmoid"].forward(z)

    def loss(self, z, t, w=None):
        # BCE with logits: log(1 + e^z) - t z
        per = (np.logaddexp(0, z) - t * z)[:, 0]
        return float(np.mean(per if w is None else w * per))

    def _correct(self, z, t):
        return (z[:, 0] > 0) == (t[:, 0] > 0.5)


class Multiclass(Head):
    name = "multiclass"

    def n_outputs(self, y, n_classes=None):
        # every class of the data, not only those in y (a sample may miss the last one)
        _check_labels(y, n_classes)
        return n_classes or int(np.max(y)) + 1

    def encode(self, y, n_outputs, dtype):
        y = np.asarray(y)
        t = np.zeros((len(y), n_outputs), dtype=dtype)
        t[np.arange(len(y)), y.astype(np.intp)] = 1
        return t

    def output(self, z):
        # by hand (scipy's softmax costs ~4x more on a 128 x 10 batch); the row max by
        # argmax and a gather, the row sum as a product with ones: NumPy's max and sum
        # along a short axis cost 2-3x more (a NaN row stays NaN either way)
        p = z - z[np.arange(len(z)), z.argmax(axis=1)][:, None]
        np.exp(p, out=p)
        p /= (p @ np.ones(z.shape[1], z.dtype))[:, None]
        return p

    def loss(self, z, t, w=None):
        # here, not at the top: scipy.special costs every `import nets` ~0.15 s
        from scipy.special import log_softmax

        per = -np.sum(t * log_softmax(z, axis=1), axis=1)
        return float(np.mean(per if w is None else w * per))

    def _correct(self, z, t):
        return np.argmax(z, axis=1) == np.argmax(t, axis=1)


HEADS: dict[str, Head] = {h.name: h for h in (Regression(), Binary(), Multiclass())}


def get_head(name: str) -> Head:
    """The `Head` registered as ``name`` (a key of `HEADS`); ValueError lists them.

    Parameters
    ----------
    name : str
        ``"binary"``, ``"multiclass"`` or ``"regression"`` (or a head registered since).
    """
    return look_up("head", HEADS, name)


def infer_head(y: np.ndarray, n_classes: int | None = None) -> str:
    """Regression for targets with a fractional part, else classes (whole-number floats
    too): binary for 2, multiclass beyond, counting ``n_classes`` when given, else the
    labels in ``y``.

    Parameters
    ----------
    y : ndarray
        Training targets.
    n_classes : int, optional
        The classes there are (a split may lack some).

    Returns
    -------
    str
        ``"binary"``, ``"multiclass"`` or ``"regression"``.
    """
    y = np.asarray(y)
    if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0):
        return "regression"
    return "binary" if (n_classes or len(np.unique(y))) <= 2 else "multiclass"


def _check_labels(y, n_classes: int | None) -> None:
    """ValueError when ``y`` holds a label past ``n_classes`` (a net too small for it), in
    train's words (`check_class_indices`)."""
    y = np.asarray(y)
    # labels that are no numbers get their message from train's checks
    if not n_classes or not y.size or y.dtype.kind not in "biuf":
        return
    if np.max(y) >= n_classes:
        check_class_indices(y, n_classes, "y", f" (n_classes={n_classes} must count every "
                                               "class)")
