"""Batch normalisation of the hidden layers (Ioffe and Szegedy 2015), forward and backward
side by side.

A batch-normed hidden layer standardises its linear map ``z = a W`` over the batch, then
scales and shifts it by its own parameters before the activation::

    z_hat = (z - mean(z)) / sqrt(var(z) + EPS)      y = gamma * z_hat + beta

``beta`` is the layer's shift, so its bias ``b`` is not used (it stays 0: a constant
added before the standardisation would be subtracted again). A training step uses the
batch's mean and (biased) variance and moves the net's running ones towards them: by
``1 / t`` at a run's step ``t`` up to the 10th (their average over the steps so far, so
the first step sets them to its batch's), then by ``MOMENTUM``. Evaluation uses the running
ones, so a prediction depends on its row only, and the layer is then an affine map that
folds into ``W`` and ``b`` (`MLP.folded`).
"""

from __future__ import annotations

import numbers

import numpy as np

EPS = 1e-5  # added to the variance (as PyTorch and Keras): a constant unit divides by ~0
# running = (1 - MOMENTUM) * running + MOMENTUM * batch's: PyTorch's 0.1, on the batch's
# biased variance (Keras's; PyTorch tracks the unbiased one). A run's first steps move
# them by 1 / t instead (a cumulative average, PyTorch's momentum=None): from their start
# at 0 and 1 at 10 % a step they lagged the batches' for tens of epochs, evaluation scored
# the net at the wrong statistics, and early stopping (patience 10 watching that score)
# put back the untrained epoch-0 weights of iris with one step an epoch
MOMENTUM = 0.1


class BatchNorm:
    """One training step's batch statistics and their backward.

    Parameters
    ----------
    update : bool
        Move the net's running mean and variance towards each forward pass's batch
        statistics (a training step), or leave them (the gradient check, which calls the
        forward pass thousands of times at nudged weights).
    steps : int, default 0
        The training steps the running statistics have followed already (a run resumed
        at step ``s`` passes ``s``). The ``t``-th update moves them by
        ``max(MOMENTUM, 1 / t)``: the first sets them to its batch's, the first 10 average
        their batches'. Keep one `BatchNorm` for a run's steps: it counts them.

    Attributes
    ----------
    z_hat, inv_std : list of arrays
        Each batch-normed layer's standardised ``z`` and ``1 / sqrt(var + EPS)`` of the
        last forward pass: its backward reads them.
    """

    def __init__(self, update: bool = True, steps: int = 0):
        self.update = bool(update)
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
            raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
        self.steps = int(steps)
        self.z_hat: list[np.ndarray] = []
        self.inv_std: list[np.ndarray] = []

    def forward(self, layer: int, z: np.ndarray, gamma, beta, mean, var,
                ones: np.ndarray) -> np.ndarray:
        """``gamma * z_hat + beta`` of hidden layer ``layer`` on the batch's statistics
        (``z`` is overwritten); ``mean`` and ``var`` are the layer's running ones.

        Parameters
        ----------
        layer : int
            The hidden layer's index, from 0 (0 starts a new forward pass).
        z : ndarray
            The batch's pre-activations, ``(m, units)``; overwritten with the result.
        gamma, beta : ndarray
            The layer's scale and shift, ``(units,)``.
        mean, var : ndarray
            The layer's running statistics, ``(units,)``, updated in place when ``update``.
        ones : ndarray
            ``(m,)`` ones, for column sums as a product.
        """
        m = len(z)
        moves = self.update and m > 1  # one row's variance (0) estimates nothing
        if layer == 0:  # a new forward pass: the previous one's caches are done with
            self.z_hat.clear()
            self.inv_std.clear()
            self.steps += moves  # (a step's layers share its count)
        mu = (ones @ z) / m  # column sums as a product: 4x faster than sum(axis=0)
        z -= mu
        batch_var = (ones @ (z * z)) / m
        inv_std = 1 / np.sqrt(batch_var + z.dtype.type(EPS))
        z_hat = z * inv_std  # kept for backward; y is written over z (no copy of z_hat)
        self.z_hat.append(z_hat)
        self.inv_std.append(inv_std)
        if moves and self.steps == 1:  # the first step's are its batch's, exactly
            mean[...] = mu
            var[...] = batch_var
        elif moves:
            rate = MOMENTUM if self.steps >= 10 else 1 / self.steps
            mean += rate * (mu - mean)
            var += rate * (batch_var - var)
        np.multiply(z_hat, gamma, out=z)
        z += beta
        return z

    def backward(self, layer: int, dy: np.ndarray, gamma, ones: np.ndarray,
                 d_gamma: np.ndarray, d_beta: np.ndarray) -> np.ndarray:
        """dL/dz of hidden layer ``layer`` from ``dy`` (dL/dy, overwritten); its
        ``gamma`` and ``beta`` gradients are written into ``d_gamma`` and ``d_beta``.

        With ``g = gamma * dy``: dL/dz = inv_std * (g - mean(g) - z_hat * mean(g * z_hat)),
        the means over the batch (the statistics depend on every row).

        Parameters
        ----------
        layer : int
            The hidden layer's index, from 0.
        dy : ndarray
            dL/dy of the batch, ``(m, units)``; overwritten with the result.
        gamma : ndarray
            The layer's scale, ``(units,)``.
        ones : ndarray
            ``(m,)`` ones, for column sums as a product.
        d_gamma, d_beta : ndarray
            ``(units,)`` arrays the scale's and shift's gradients are written into.
        """
        z_hat, inv_std = self.z_hat[layer], self.inv_std[layer]
        m = len(dy)
        np.matmul(ones, dy, out=d_beta)
        np.matmul(ones, dy * z_hat, out=d_gamma)
        dy *= gamma
        # mean(g) = gamma * d_beta / m and mean(g * z_hat) = gamma * d_gamma / m
        dy -= (gamma * d_beta) / m
        dy -= z_hat * ((gamma * d_gamma) / m)
        dy *= inv_std
        return dy


def normalize_running(z: np.ndarray, gamma, beta, mean, var) -> np.ndarray:
    """Evaluation's batch norm of ``z`` (overwritten): the running statistics, so each
    row's output is its own."""
    scale, shift = _running_affine(gamma, beta, mean, var)
    z *= scale
    z += shift
    return z


def fold_running(W: np.ndarray, gamma, beta, mean, var) -> tuple[np.ndarray, np.ndarray]:
    """``(W', b')`` with ``a W' + b'`` equal to evaluation's batch norm of ``a W``."""
    scale, shift = _running_affine(gamma, beta, mean, var)
    return W * scale, shift


def _running_affine(gamma, beta, mean, var) -> tuple[np.ndarray, np.ndarray]:
    """Evaluation's batch norm as ``z * scale + shift``."""
    scale = gamma / np.sqrt(var + var.dtype.type(EPS))
    return scale, beta - mean * scale
