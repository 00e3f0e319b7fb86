"""What a net that learned nothing from the inputs scores: a constant prediction fitted on
the training set (the scale every "did it learn anything?" check reads against)."""

from __future__ import annotations

import math

import numpy as np

from ._build import build_net
from ._config import TrainConfig
from ._rules import check_dataset
from ._validation import check_training_data


def trivial_baseline(ds, cfg: TrainConfig) -> dict:
    """Validation loss and accuracy of a constant prediction fitted on the training set.

    The class prior (the majority class for accuracy) for a classifier, the targets'
    mean for regression: what a net that learned nothing from the inputs scores.

    Parameters
    ----------
    ds : data.Dataset
        Its training split fits the constant; its validation split scores it.
    cfg : TrainConfig
        The run's settings: its head (``"auto"``: the data's task) and dtype make the loss.

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


def trivial_training_loss(ds, cfg: TrainConfig) -> float:
    """The training loss a constant prediction fitted on ``ds``'s training set trains to,
    weighted as training weighs its loss (``cfg.class_weight``): the floor a training
    curve that learned nothing from the inputs sits on (`constant_training_loss`).

    Parameters
    ----------
    ds : data.Dataset
    cfg : TrainConfig
        The run's settings: its head, dtype and ``class_weight`` make the loss.
    """
    check_dataset(ds)
    net = build_net(cfg, ds.n_features, ds.y_train, rng=np.random.default_rng(0),
                    n_classes=ds.n_classes or None, task=ds.task)
    _, _, w = check_training_data(net, cfg, ds.X_train, ds.y_train)
    return constant_training_loss(net, ds.y_train, w)


def constant_training_loss(net, y, w=None) -> float:
    """The training loss of the best constant prediction: ``net``'s head always predicting
    the mean or class shares of the training targets ``y`` (as `build_net` took them),
    weighted per sample by ``w`` as training weighs its loss (class weights times sample
    weights, `check_training_data`'s), and scored with those weights: the loss a net that
    learned nothing from the inputs trains to. 0 for regression targets all of one value
    (their variance is rounding noise)."""
    head = net._head
    t = head.encode(y, net.sizes[-1], np.float64)
    if not head.classifier and not np.ptp(t, axis=0).any():
        return 0.0
    z = np.broadcast_to(_constant_logits(head, t, w), t.shape).copy()
    return float(head.loss(z, t, w))


def _constant_logits(head, t_train: np.ndarray, w=None) -> np.ndarray:
    """The logits whose output is the encoded training targets' mean (weighted by ``w``,
    the constant that minimises the weighted loss): log prior (softmax), logit (sigmoid),
    the mean itself (identity)."""
    mean = np.average(t_train, axis=0, weights=w)
    p = np.clip(mean, 1e-12, 1 - 1e-12)
    return (np.log(p) if head.name == "multiclass" else np.log(p / (1 - p))
            if head.name == "binary" else mean)
