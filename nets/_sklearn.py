"""scikit-learn estimators over :mod:`nets`: ``NetClassifier`` and ``NetRegressor``.

They follow scikit-learn's conventions: ``__init__`` only stores its arguments,
everything learned ends in ``_``, inputs are checked with ``validate_data``,
``random_state`` is resolved once per ``fit`` into the ``np.random.Generator``
streams nets uses, and a bad hyperparameter raises ``ValueError`` at ``fit``
(from :class:`TrainConfig`'s validation). They work inside
``sklearn.pipeline.Pipeline`` and ``imblearn.pipeline.Pipeline``.

Early stopping (``patience``) and the ``eps`` threshold watch the training loss
(no data is held out), as scikit-learn's ``n_iter_no_change`` and ``tol`` do, with one
difference: patience counts from the last gain of more than ``min_delta`` (Keras's rule),
where scikit-learn moves its reference on every gain. A loss that keeps falling by less
than ``min_delta`` an epoch stops there and trains on here (digits at the defaults: 200
epochs and a ``ConvergenceWarning``, against its ~146); raise ``min_delta`` to stop sooner.
"""

from __future__ import annotations

from typing import Self

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets

from ._classifier_labels import _ClassifierLabels
from ._net_estimator import _D, _FLOATS, _fit_or_keep, _NetEstimator, _store
from ._sklearn_input import validated


class NetClassifier(ClassifierMixin, _ClassifierLabels, _NetEstimator):
    """A nets MLP as a scikit-learn classifier.

    Two classes get a logistic output with binary cross-entropy, more a softmax
    with cross-entropy. Labels may be any values; ``classes_`` keeps them sorted.
    Training stops with status "diverged" (and a ConvergenceWarning) when the training
    loss exceeds 10x its first value or becomes NaN or infinite; early stopping that puts
    back the starting weights (no epoch scored a lower loss: the net is untrained) warns too.

    Parameters
    ----------
    hidden : int or tuple of int, default (100,)
        Width of each hidden layer (one int: one layer; 4.0 counts as 4); ``()`` gives a
        linear (logistic / softmax) model.
    activation : str or tuple of str, default "relu"
        One activation for all hidden layers or one per layer: identity, sigmoid,
        tanh, relu, leaky_relu.
    optimizer : str, default "adam"
        sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam or adamw.
    lr : float, default 0.001
        Base learning rate (adadelta: a multiplier of its rate-free step, 1 = the paper).
    batch_size : int, default 200
        Mini-batch size (capped at the number of samples); -1 = full batch.
    max_epochs : float, default 200
    eps : float, default 0.0
        Stop once the training loss <= eps (0 = off).
    patience : int, default 10
        Stop after this many epochs without the training loss improving by
        ``min_delta`` and restore the weights of the lowest training loss seen (0 = off).
    min_delta : float, default 1e-4
        Improvement that resets ``patience``; smaller gains still count as the best weights.
    l2 : float, default 0.0
        L2 penalty on the weights (not the biases): ``l2 * W`` added to their gradients
        (coupled weight decay: adam divides it by its denominator too).
    init : str, default "xavier"
        zero, normal, xavier or he (msra).
    schedule : str, default "constant"
        Learning-rate schedule (see ``nets.SCHEDULES``).
    lr_milestones : tuple of int, default ()
        Optimizer steps where ``schedule="multistep"`` multiplies the rate by ``lr_gamma``
        (it needs them).
    lr_gamma : float, default 0.9
        Decay factor: "step" multiplies the rate by it every ``lr_decay_steps`` optimizer
        steps, "exponential" by ``lr_gamma ** (t / lr_decay_steps)`` after t steps (the
        same, smoothly), "multistep" at each of ``lr_milestones``.
    lr_decay_steps : int or float, default 50
        Optimizer steps (mini-batches) per decay of "step" and "exponential"; "inverse"
        divides the rate by ``1 + t / lr_decay_steps`` after t steps (halved at
        ``lr_decay_steps``). A fraction for "exponential" and "inverse" only.
    class_weight : None, "balanced" or dict, default None
        Per-class loss weights; a dict maps class labels to weights (missing = 1). It
        may name classes the data lacks only when it names every class the data has,
        as in scikit-learn (a CV fold without a rare class).
    dtype : {"float64", "float32"} or numpy dtype, default "float64"
        Float type of the net; anything ``np.dtype`` maps to one of them (``np.float32``).
    random_state : None, int, RandomState or Generator
        Seeds initialization and shuffling. None draws fresh OS entropy on each fit, not
        NumPy's global ``RandomState``: ``np.random.seed`` neither fixes nor is moved by it.
    momentum, beta1, beta2, rho, opt_eps, lr_power, lr_min, warmup_steps : keyword-only
        The finer settings of :class:`nets.TrainConfig`, with its defaults (rho and opt_eps
        None: each optimizer's own); ``nets.setting_readers`` names the optimizers or
        schedules that read each (warmup_steps: every schedule).
    l1 : float, default 0.0, keyword-only
        L1 penalty on the weights (not the biases): ``l1 * sign(W)`` added to their
        gradients.
    weight_decay : float or None, default None, keyword-only
        Decoupled weight decay of the weights (not the biases): ``W -= lr * weight_decay *
        W`` before each step, at the schedule's rate (PyTorch's AdamW); None: the
        optimizer's own, 0 but for adamw's 0.01.
    dropout : float, default 0.0, keyword-only
        The chance of dropping each hidden unit's output in a training step (inverted
        dropout); prediction drops nothing.
    batch_norm : bool, default False, keyword-only
        Batch-normalise each hidden layer's linear map before its activation (see
        `nets.BatchNorm`); prediction uses the running statistics.

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        The columns' names, where fit took a DataFrame with string column names (saved
        with the model: `save_estimator`).
    coefs_, intercepts_ : list of ndarray
        Weight matrices and bias vectors, layer by layer (views of the net's own arrays:
        ``coefs_[i] = W`` or ``coefs_ = [...]`` copies into the net, keeping each
        layer's shape and dtype, as it changes scikit-learn's MLP). With batch norm,
        copies of the affine layers it predicts with (each batch norm folded in at its
        running statistics), which cannot be assigned.
    loss_curve_ : list of float
        Training loss at each checkpoint (one per epoch), the starting loss first;
        above 10,000 samples, on 10,000 training rows drawn once per fit.
    loss_ : float
        Training loss of the fitted weights: the last entry of ``loss_curve_``, or
        after early stopping the entry of the checkpoint whose weights were restored.
    n_iter_ : int
        Epochs run, a started one counting whole (``max_epochs=2.5`` gives 3), as
        scikit-learn's MLP counts its iterations.
    t_ : int
        Optimizer steps taken.
    net_ : nets.MLP
    config_ : nets.TrainConfig
    history_ : pandas.DataFrame
        The full training history (see ``nets.HISTORY_COLUMNS``).
    result_ : nets.TrainResult
        How training ended, with the history and the row of the fitted weights.
    status_ : str
        How training ended: converged, max_epochs, early_stopped or diverged.
    reason_ : str
        Why, in words (``"reached max_epochs=200"``).
    """

    # declared for type checkers, as _NetEstimator's (`_estimator_attributes`)
    class_weight: str | dict | None
    classes_: np.ndarray

    # _NetEstimator's parameters (their defaults: see there), with class_weight
    def __init__(self, hidden=(100,), activation="relu", optimizer="adam", lr=0.001,
                 batch_size=200, max_epochs=200, eps=_D.eps, patience=10, min_delta=1e-4,
                 l2=_D.l2, init=_D.init, schedule=_D.schedule, lr_milestones=_D.lr_milestones,
                 lr_gamma=_D.lr_gamma, lr_decay_steps=_D.lr_decay_steps, class_weight=None,
                 dtype="float64", random_state=None, *, momentum=_D.momentum, beta1=_D.beta1,
                 beta2=_D.beta2, rho=_D.rho, opt_eps=_D.opt_eps, lr_power=_D.lr_power,
                 lr_min=_D.lr_min, warmup_steps=_D.warmup_steps, l1=_D.l1,
                 weight_decay=_D.weight_decay,
                 dropout=_D.dropout, batch_norm=_D.batch_norm) -> None:
        _store(self, locals())

    @_fit_or_keep
    def fit(self, X, y, sample_weight=None) -> Self:
        """Train a fresh net on ``(X, y)``; returns ``self``.

        Parameters
        ----------
        X : array-like (n, d)
        y : array-like (n,)
            Class labels, of any type (``classes_`` holds them sorted).
        sample_weight : array-like (n,), optional
            Non-negative, one per sample: multiplies each sample's loss, on top of
            ``class_weight``; it is rescaled to mean 1, so a weight of 2 counts a sample
            twice, as a repeated row would in a full batch.

        Returns
        -------
        NetClassifier
        """
        X, y = validated(self, X, y, dtype=_FLOATS)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes, "
                             f"got {len(classes)} class ({classes.tolist()[0]!r})")
        y_idx = encoder.transform(y)
        head = "binary" if len(classes) == 2 else "multiclass"
        cfg = self._config(head, self._class_weights(classes, y, sample_weight))
        self._fit_net(X, y_idx, cfg, n_classes=len(classes), sample_weight=sample_weight)
        self.classes_ = classes
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


class NetRegressor(RegressorMixin, _NetEstimator):
    """A nets MLP as a scikit-learn regressor: identity output with (half) MSE.

    The loss is half the squared error summed over the outputs, averaged over the
    samples (with k outputs, k times scikit-learn's ``MLPRegressor`` loss, which
    also averages over the outputs). Targets may be ``(n,)`` or ``(n, k)`` (k outputs).
    They are used as given; scale them (e.g. ``TransformedTargetRegressor``) when they
    are large, or small: ``min_delta`` (1e-4) is an absolute loss, and on targets spread by
    about 0.01 or less (the loss of predicting their mean below ``min_delta``) no improvement
    counts and early stopping ends the fit after ``patience`` epochs, with a
    ConvergenceWarning; scale them or give a smaller ``min_delta``.

    Parameters and attributes are those of :class:`NetClassifier` without
    ``class_weight`` and ``classes_``; training diverges (status "diverged", a
    ConvergenceWarning) as there: a training loss above 10x its first value, or NaN or inf,
    and early stopping that keeps the starting weights warns as there.
    """

    @_fit_or_keep
    def fit(self, X, y, sample_weight=None) -> Self:
        """Train a fresh net on ``(X, y)``; returns ``self``.

        Parameters
        ----------
        X : array-like (n, d)
        y : array-like (n,) or (n, k)
            One target, or k.
        sample_weight : array-like (n,), optional
            As in :meth:`NetClassifier.fit`.

        Returns
        -------
        NetRegressor
        """
        X, y = validated(self, X, y, dtype=_FLOATS, y_numeric=True, multi_output=True)
        y = np.asarray(y, dtype=np.float64)
        return self._fit_net(X, y, self._config("regression"), sample_weight=sample_weight)

    def predict(self, X) -> np.ndarray:
        """``(n,)`` for one target, ``(n, k)`` for k.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Raw features, as given to `fit`.
        """
        X = self._check_X(X)
        return self.net_.predict(X).astype(np.float64, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
