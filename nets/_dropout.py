"""Inverted dropout on the hidden layers' outputs (Srivastava et al. 2014), forward and
backward side by side.

In a training step each hidden unit's output is dropped (set to 0) with chance ``p`` and
the kept ones are scaled by ``1 / (1 - p)``, so that every unit's expected output is the
one the whole net gives at evaluation, which drops nothing and needs no rescaling. The
backward pass lets the gradient through the kept units only, times the same scale.
"""

from __future__ import annotations

import numpy as np

from ._rules import check_setting, unit
from ._validation import check_rng


class Dropout:
    """The masks of one forward pass and their backward.

    Parameters
    ----------
    p : float
        The chance of dropping each hidden unit's output, in [0, 1).
    rng : numpy.random.Generator
        Draws the masks: each `forward` of a hidden layer draws one new mask.

    Attributes
    ----------
    masks : list of arrays
        Each hidden layer's mask of the last forward pass: 0 where dropped, ``1 / (1 - p)``
        where kept.
    kept : list of arrays
        Each hidden layer's output before the drop: its activation's backward reads it.
    """

    def __init__(self, p: float, rng: np.random.Generator):
        # as TrainConfig's dropout: -0.5 scaled the kept units by 2/3 and 1.0 divided by 0
        check_setting("p", p, unit)
        self.p, self.rng = float(p), check_rng(rng)  # a str failed only at the first forward
        self.masks: list[np.ndarray] = []
        self.kept: list[np.ndarray] = []

    def forward(self, layer: int, a: np.ndarray) -> np.ndarray:
        """Hidden layer ``layer``'s output ``a`` with a new mask applied (``a`` is kept as
        it is, for the backward pass).

        Parameters
        ----------
        layer : int
            The hidden layer's index, from 0 (0 starts a new forward pass and its masks).
        a : ndarray
            The layer's activations, ``(m, units)``.
        """
        if layer == 0:  # a new forward pass: the previous one's masks are done with
            self.masks.clear()
            self.kept.clear()
        mask = self.rng.random(a.shape, dtype=a.dtype) >= self.p
        scaled = np.multiply(mask, 1 / (1 - self.p), dtype=a.dtype)
        self.masks.append(scaled)
        self.kept.append(a)
        return a * scaled

    def backward(self, layer: int, grad: np.ndarray) -> np.ndarray:
        """dL/da of hidden layer ``layer`` (before the drop) from ``grad``, dL/d(dropped
        a): the same mask, applied in place.

        Parameters
        ----------
        layer : int
            The hidden layer's index, from 0.
        grad : ndarray
            The gradient after the drop; overwritten with the result.
        """
        grad *= self.masks[layer]
        return grad
