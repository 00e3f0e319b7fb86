"""The weight penalties' gradients: L2 (weight decay) and L1, on the weights, not the
biases. They shape the steps only: the losses the history records are the data's."""

from __future__ import annotations

import numpy as np


def add_penalties(grads, weights, *, l2: float = 0.0, l1: float = 0.0,
                  scale: float = 1.0) -> None:
    """Add ``l2 * W`` and ``l1 * sign(W)`` (times ``scale``) to each weight gradient, in place.

    Parameters
    ----------
    grads : list of arrays
        The weight gradients, layer by layer (``grads[0::2]`` of a net's gradients).
    weights : list of arrays
        The weights, shaped alike.
    l2, l1 : float
        The penalties' factors: ``l2 / 2 * |W|^2`` and ``l1 * |W|_1`` in the objective
        (at 0, L1's subgradient is taken as 0).
    scale : float
        Multiplies both, as a training step that folded its rate into the gradients does.
    """
    for g, W in zip(grads, weights, strict=True):
        if l2:
            g += (scale * l2) * W
        if l1:
            g += (scale * l1) * np.sign(W)
