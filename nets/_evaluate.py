"""Scoring a net on rows: its loss and accuracy, as the training loop's checkpoints score."""

from __future__ import annotations

import math

import numpy as np

from ._arg_types import check_net
from ._config import TrainConfig
from ._model import MLP
from ._validation import check_training_data


def evaluate(net: MLP, X, y) -> tuple[float, float]:
    """Loss and accuracy of ``net`` on ``(X, y)``, scored as the checkpoints score.

    Parameters
    ----------
    net : MLP
    X : array (n, d)
        Inputs, as the net was trained on them (scaled alike).
    y : array (n,) or (n, k)
        Labels (class indices) or regression targets.

    Returns
    -------
    (loss, accuracy) : tuple of float
        The head's loss (unweighted) and the share of correct labels (NaN for
        regression). A diverged net's overflow is not warned about: its loss (inf or
        nan) says so. No rows (a set loaded with ``val_fraction=0``) score NaN.
    """
    loss, accuracy, _ = _evaluated(net, X, y)
    return loss, accuracy


def outputs_and_loss(net: MLP, X, y) -> tuple[np.ndarray, float]:
    """``net``'s outputs on ``X`` (`MLP.logits`) and their loss on ``y`` as `evaluate`
    scores it, from one forward pass: a saved model's predictions of a split and its
    loss (`nets.predict_dataset_and_loss`)."""
    loss, _, outputs = _evaluated(net, X, y, keep=True)
    return outputs, loss


def _evaluated(net: MLP, X, y, keep: bool = False):
    """`evaluate`'s loss and accuracy, and with ``keep`` the outputs they scored (else
    None)."""
    check_net(net)
    X = net._checked(X)  # as its predictions check it
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"y has {len(y)} labels, X has {len(X)} samples")
    if not len(X):
        return math.nan, math.nan, net._forward(X)[-1] if keep else None
    # labels as training checks them: -1 was scored as the last class, 2 by a binary head
    _, T, _ = check_training_data(net, TrainConfig(), X, y, name="evaluated",
                                  loss_weights=False)
    outputs = [] if keep else None
    # as the training loop's: under too, which np.seterr(all="raise") made a
    # FloatingPointError for a diverged net's exp (no number changes)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        loss, accuracy = _score(net, X, T, None, outputs=outputs)
    if keep:
        outputs = outputs[0] if len(outputs) == 1 else np.concatenate(outputs)
    return float(loss), float(accuracy), outputs


def _score(net, X, T, w, chunk=8192, outputs: list | None = None):
    """Loss and accuracy over ``X`` (in chunks, so memory stays flat); each chunk's
    outputs appended to ``outputs`` if given."""
    head = net._head
    if len(X) <= chunk:
        z = net._forward(X)[-1]
        if outputs is not None:
            outputs.append(z)
        return head.loss(z, T, w), head.accuracy(z, T)
    loss = acc = 0.0
    for s in range(0, len(X), chunk):
        z = net._forward(X[s:s + chunk])[-1]
        if outputs is not None:
            outputs.append(z)
        m = len(z)
        loss += head.loss(z, T[s:s + chunk], None if w is None else w[s:s + chunk]) * m
        acc += head.accuracy(z, T[s:s + chunk]) * m
    return loss / len(X), acc / len(X)
