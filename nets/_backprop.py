"""The MLP's loss and backpropagation: the gradients of every parameter (a base of `MLP`)."""

from __future__ import annotations

import numpy as np

from ._batch_norm import BatchNorm
from ._dropout import Dropout


class _Backprop:
    """`nets.MLP`'s loss and gradients, on its layers, head and forward pass."""

    # -- loss and gradients -------------------------------------------------------
    def loss(self, X, T, w=None) -> float:
        """Mean loss of ``X`` on encoded targets ``T``, in evaluation mode: no dropout, and
        batch norm on its running statistics, as checkpoints score (`loss_and_grads`' loss
        is the batch's, on the batch's statistics). Shapes are checked, values not: the
        range test calls it at every step.

        Parameters
        ----------
        X : array of shape (n, inputs)
        T : array of shape (n, outputs)
            Targets encoded for the head, not class labels: one-hot rows (multiclass),
            a column of 0/1 (binary) or of values (regression). Encode labels ``y`` with
            ``nets.get_head(net.head).encode(y, net.sizes[-1], net.dtype)``.
        w : array of shape (n,), optional
            Per-sample loss weights.
        """
        X = np.asarray(X, dtype=self.dtype)
        self._check_batch(X, T, w)
        return self._head.loss(self._forward(X)[-1], T, w)

    def loss_and_grads(self, X, T, w=None, grads=None):
        """Batch loss and the gradient of every parameter (a batch-normed net's on the
        batch's statistics, as a training step; its running ones are left as they are).

        Parameters
        ----------
        X, T, w
            As for :meth:`loss` (``T`` encoded targets).
        grads : list of arrays, optional
            Buffers shaped as `params` to write the gradients into (`gradient_buffers`);
            default new ones.

        Returns
        -------
        (loss, grads) : tuple
            The mean loss and ``[dW0, db0, dW1, ...]``.
        """
        self._check_batch(X, T, w)
        norm = BatchNorm(update=False) if self.batch_norm else None
        outs = self._forward(X, None, norm)
        loss = self._head.loss(outs[-1], T, w)
        return loss, self._backward(outs, T, w, grads, norm=norm)

    def _check_batch(self, X, T, w) -> None:
        # labels in place of encoded targets broadcast to an n x n loss without a word
        # (binary: any n; multiclass: n = classes); a wrong width failed inside matmul
        shape = np.shape(X)
        if len(shape) != 2 or shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n, {self.sizes[0]}), got {shape}")
        self._check_targets(shape[0], T, w)

    def _check_targets(self, n: int, T, w) -> None:
        k = self.sizes[-1]
        if np.shape(T) != (n, k):
            raise ValueError(
                f"T must be encoded targets of shape ({n}, {k}), got shape {np.shape(T)}; "
                f"encode labels y with nets.get_head({self.head!r}).encode(y, {k}, "
                f"net.dtype)")
        if w is not None and np.shape(w) != (n,):
            raise ValueError(f"w must be one weight per sample, shape ({n},), got shape "
                             f"{np.shape(w)}")

    def backward(self, outs, T, w=None, grads=None, scale=1.0,
                 dropout: Dropout | None = None, norm: BatchNorm | None = None
                 ) -> list[np.ndarray]:
        """Backprop from the head's delta ``(p - t) / m`` down to the first layer.

        Backprop is linear in the delta: ``scale`` multiplies every gradient for the
        price of scaling the (small) output delta.

        Parameters
        ----------
        outs : list of arrays
            The layer outputs of a forward pass, as :meth:`forward` returns them.
        T : array of shape (n, outputs)
            Encoded targets (see :meth:`loss`).
        w : array of shape (n,), optional
            Per-sample loss weights.
        grads : list of arrays, optional
            Filled in place and returned (from :meth:`gradient_buffers`); new if None.
        scale : float
        dropout : nets.Dropout, optional
            The one the forward pass of ``outs`` dropped with.
        norm : nets.BatchNorm, optional
            The one the forward pass of ``outs`` normalised with (a batch-normed net's
            backward needs it).

        Returns
        -------
        list of arrays
            ``[dW0, db0, dW1, ...]`` (then ``dgamma0, dbeta0, ...``), shaped like
            :attr:`params`.
        """
        self._check_targets(len(outs[-1]), T, w)
        if self.batch_norm and (norm is None or len(norm.z_hat) != self.n_layers - 1):
            raise ValueError("a batch-normed net's backward needs the nets.BatchNorm its "
                             "forward pass normalised with: net.forward(X, norm=norm), then "
                             "net.backward(outs, T, norm=norm)")
        return self._backward(outs, T, w, grads, scale, dropout, norm)

    def _backward(self, outs, T, w=None, grads=None, scale=1.0,
                  dropout: Dropout | None = None, norm: BatchNorm | None = None
                  ) -> list[np.ndarray]:
        """:meth:`backward` unchecked: the training loop's step (its targets checked once)."""
        if grads is None:
            grads = self.gradient_buffers()[1]
        delta = self._head.delta(outs[-1], T, w, scale)
        ones = self._ones(len(delta))
        L = self.n_layers
        for i in range(L - 1, -1, -1):
            np.matmul(outs[i].T, delta, out=grads[2 * i])
            if norm is None or i == L - 1:  # a batch-normed layer's b is unused (beta
                # shifts it): its gradient stays 0
                np.matmul(ones, delta, out=grads[2 * i + 1])  # column sums, 4x faster than sum
            if i:
                delta = delta @ self.params[2 * i].T
                if dropout is None:
                    delta = self._acts[i - 1].backward(outs[i], delta)
                else:  # through the mask, then the activation at its undropped output
                    delta = self._acts[i - 1].backward(dropout.kept[i - 1],
                                                       dropout.backward(i - 1, delta))
                if norm is not None:
                    k = self._gamma_index(i - 1)
                    delta = norm.backward(i - 1, delta, self.params[k], ones, grads[k],
                                          grads[k + 1])
        return grads
