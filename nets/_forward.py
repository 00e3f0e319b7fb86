"""The MLP's forward pass and what it predicts from it (a base of `MLP`)."""

from __future__ import annotations

import numpy as np

from ._batch_norm import BatchNorm, normalize_running
from ._dropout import Dropout
from ._validation import check_features


class _Forward:
    """`nets.MLP`'s forward pass and predictions, on its layers, head and batch norms."""

    def _forward(self, X: np.ndarray, dropout: Dropout | None = None,
                 norm: BatchNorm | None = None) -> list[np.ndarray]:
        """Layer outputs ``[X, A1, ..., Z_out]``; the last entry are the logits. With
        ``dropout`` (a training step's) the hidden outputs are its dropped ones; with
        ``norm`` batch norm uses the batch's statistics (else the running ones)."""
        outs = [X]
        W, b = self.weights, self.biases
        for i, act in enumerate(self._acts):
            z = outs[-1] @ W[i]
            if not self.batch_norm:
                z += b[i]
            elif norm is None:
                normalize_running(z, *self._norm(i))
            else:
                gamma, beta, mean, var = self._norm(i)
                norm.forward(i, z, gamma, beta, mean, var, self._ones(len(z)))
            a = act.forward(z, out=z)
            outs.append(a if dropout is None else dropout.forward(i, a))
        z = outs[-1] @ W[-1]
        z += b[-1]
        outs.append(z)
        return outs

    def forward(self, X: np.ndarray, dropout: Dropout | None = None,
                norm: BatchNorm | None = None) -> list[np.ndarray]:
        """Every layer's output for ``X``, the input of :meth:`backward`.

        Parameters
        ----------
        X : array of shape (n, inputs)
        dropout : nets.Dropout, optional
            Drops hidden outputs as a training step does (pass the same one to
            :meth:`backward`); evaluation drops nothing.
        norm : nets.BatchNorm, optional
            A batch-normed net's training step: the batch's statistics (pass the same
            one to :meth:`backward`); without it, the running ones (evaluation).

        Returns
        -------
        list of arrays
            ``[X, A1, ..., A_h, Z_out]``: ``X`` (checked and cast to the net's dtype),
            each hidden layer's activation output and the output layer's logits (before
            the head; :meth:`hidden` gives a hidden layer's pre-activation ``Z`` too).
        """
        return self._forward(self._checked(X), dropout, norm)

    def logits(self, X: np.ndarray) -> np.ndarray:
        """``(n, outputs)`` pre-head values of ``X`` (checked: its shape, finite values).

        Parameters
        ----------
        X : ndarray
            Normalized inputs, ``(n, d)``.
        """
        return self._forward(self._checked(X))[-1]

    def _checked(self, X) -> np.ndarray:
        # a wrong width failed inside matmul, a 1-D row in the head, and a NaN row came out
        # as class 0: the public forward passes check X as training does
        return check_features(X, self.sizes[0], self.dtype, empty=True,
                              beyond=f"a {self.dtype.name} net cannot take them (a net "
                                     "trained with dtype float64 can)")

    def output(self, X: np.ndarray) -> np.ndarray:
        """Head output: probabilities (classification) or values (regression).

        Parameters
        ----------
        X : ndarray
            Normalized inputs, ``(n, d)``.
        """
        return self._head.output(self.logits(X))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """``(n, k)`` class probabilities (multiclass), ``(n,)`` P(class 1) (binary).

        Parameters
        ----------
        X : ndarray
            Normalized inputs, ``(n, d)``.
        """
        p = self.output(X)
        return p[:, 0] if self.head == "binary" else p

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class indices (classification) or values, ``(n,)`` for one target.

        Parameters
        ----------
        X : ndarray
            Normalized inputs, ``(n, d)``.
        """
        z = self.logits(X)
        if self.head == "multiclass":
            return np.argmax(z, axis=1)
        if self.head == "binary":
            return (z[:, 0] > 0).astype(np.int64)
        return z[:, 0] if z.shape[1] == 1 else z

    def hidden(self, X: np.ndarray, layer: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """``(Z, A)`` of hidden ``layer``: after its linear map (and batch norm, at the
        running statistics) and after its activation.

        Parameters
        ----------
        X : ndarray
            Normalized inputs, ``(n, d)``.
        layer : int, default 0
            The hidden layer's index, from 0 (ValueError past the last).
        """
        n_hidden = len(self.sizes) - 2
        if isinstance(layer, bool) or not isinstance(layer, int | np.integer) or not (
                0 <= layer < n_hidden):
            raise ValueError(f"layer must be a hidden layer's index, 0..{n_hidden - 1}, "
                             f"got {layer!r}" if n_hidden else "this net has no hidden layer")
        outs = self._forward(self._checked(X))
        folded = self.folded() if self.batch_norm else self.params
        Z = outs[layer] @ folded[2 * layer] + folded[2 * layer + 1]
        return Z, outs[layer + 1]
