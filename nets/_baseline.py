"""What a net that learned nothing from the inputs scores: a constant prediction fitted on
the training set (the scale every "did it learn anything?" check reads against)."""

from __future__ import annotations

import math

import numpy as np

from ._build import build_net
from ._config import TrainConfig
from ._rules import check_dataset


def trivial_baseline(ds, cfg: TrainConfig) -> dict:
    """Validation loss and accuracy of a constant prediction fitted on the training set.

    The class prior (the majority class for accuracy) for a classifier, the targets'
    mean for regression: what a net that learned nothing from the inputs scores.

    Returns
    -------
    dict
        ``val_loss``, ``val_accuracy`` (NaN for regression).
    """
    check_dataset(ds)
    net = build_net(cfg, ds.n_features, ds.y_train, rng=np.random.default_rng(0),
                    n_classes=ds.n_classes or None, task=ds.task)
    head, k = net._head, net.sizes[-1]
    z = _constant_logits(head, head.encode(ds.y_train, k, np.float64))
    t = head.encode(ds.y_val, k, np.float64)
    zv = np.broadcast_to(z, t.shape).copy()
    return {"val_loss": float(head.loss(zv, t)),
            "val_accuracy": float(head.accuracy(zv, t)) if head.classifier else math.nan}


def constant_training_loss(net, y) -> float:
    """The loss on the training targets ``y`` (as `build_net` took them) of ``net``'s
    head always predicting their mean or class shares (unweighted)."""
    head = net._head
    t = head.encode(y, net.sizes[-1], np.float64)
    return float(head.loss(np.broadcast_to(_constant_logits(head, t), t.shape).copy(), t))


def _constant_logits(head, t_train: np.ndarray) -> np.ndarray:
    """The logits whose output is the encoded training targets' mean: log prior
    (softmax), logit (sigmoid), the mean itself (identity)."""
    mean = t_train.mean(axis=0)
    p = np.clip(mean, 1e-12, 1 - 1e-12)
    return (np.log(p) if head.name == "multiclass" else np.log(p / (1 - p))
            if head.name == "binary" else mean)
