"""scikit-learn estimators over :mod:`nets`: ``NetClassifier`` and ``NetRegressor``.

They follow scikit-learn's conventions: ``__init__`` only stores its arguments,
everything learned ends in ``_``, inputs are checked with ``validate_data``,
``random_state`` is resolved once per ``fit`` into the ``np.random.Generator``
streams nets uses, and a bad hyperparameter raises ``ValueError`` at ``fit``
(from :class:`TrainConfig`'s validation). They work inside
``sklearn.pipeline.Pipeline`` and ``imblearn.pipeline.Pipeline``.

Early stopping (``patience``) and the ``eps`` threshold watch the training loss
(no data is held out), like scikit-learn's ``n_iter_no_change`` with ``tol``.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings

import numpy as np
from scipy.special import log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._config import TrainConfig
from ._train import build_net, train, train_streams
from ._validation import check_features

# float32 inputs stay float32 (the net casts them to its dtype once); others become float64:
# a float64 copy of MNIST-sized float32 data was 3x the data in extra memory
_FLOATS = (np.float64, np.float32)


# warnings point at the user's `fit` call: past _fit_net, fit and _fit_or_keep's wrapper
_CALLER = 4


def _mean_prediction_loss(y: np.ndarray) -> float:
    """The regression loss (half the squared error summed over the outputs) of predicting
    each target's mean: the scale of all a net can improve on (0 for constant targets,
    whose variance is rounding noise)."""
    y = y.reshape(len(y), -1)
    return 0.5 * float(np.sum(np.var(y, axis=0))) if np.ptp(y, axis=0).any() else 0.0


def _fit_or_keep(fit):
    """``fit`` that leaves the estimator as it was when it raises: scikit-learn's
    validate_data resets n_features_in_ (and the feature names) before training can fail,
    which left a fitted net behind attributes of the failed call's data."""

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        before = dict(vars(self))
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise

    return wrapper


def _generators(random_state) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent (init, loop) generators from a scikit-learn ``random_state``.

    An int seeds a ``SeedSequence`` directly; None or a ``RandomState`` gives one draw
    (so a shared ``RandomState`` advances, as scikit-learn expects); a
    ``np.random.Generator`` is drawn from the same way.
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        seed = int(random_state)
        if seed < 0:  # as scikit-learn's own estimators refuse it, by name
            raise ValueError(f"random_state must be a non-negative integer, None, a "
                             f"RandomState or a Generator, got {seed}")
    elif isinstance(random_state, np.random.Generator):
        seed = int(random_state.integers(2**63))
    else:
        seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    return train_streams(seed)


def _dtype_name(dtype):
    """"float32" or "float64" for anything ``np.dtype`` maps to them (np.float32, "f4",
    np.dtype("float64")), as scikit-learn users pass; anything else as given, for
    TrainConfig to refuse by name."""
    if dtype is None:  # np.dtype(None) is float64: a default nobody chose
        return dtype
    try:
        name = np.dtype(dtype).name
    except (TypeError, ValueError):
        return dtype
    return name if name in ("float32", "float64") else dtype


class _NetEstimator(BaseEstimator):
    """Shared parameters, fitting and learned attributes."""

    def __init__(self, hidden=(100,), activation="relu", optimizer="adam", lr=0.001,
                 batch_size=200, max_epochs=200, eps=0.0, patience=10, min_delta=1e-4,
                 l2=0.0, init="xavier", schedule="constant", lr_milestones=(), lr_gamma=0.9,
                 lr_decay_steps=50, dtype="float64", random_state=None, *, momentum=0.9,
                 beta1=0.9, beta2=0.999, rho=None, opt_eps=None, lr_power=1.0, lr_min=0.0,
                 warmup_steps=0):
        self.hidden = hidden
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.eps = eps
        self.patience = patience
        self.min_delta = min_delta
        self.l2 = l2
        self.init = init
        self.schedule = schedule
        self.lr_milestones = lr_milestones
        self.lr_gamma = lr_gamma
        self.lr_decay_steps = lr_decay_steps
        self.dtype = dtype
        self.random_state = random_state
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.rho = rho
        self.opt_eps = opt_eps
        self.lr_power = lr_power
        self.lr_min = lr_min
        self.warmup_steps = warmup_steps

    def _config(self, head: str, class_weight=None) -> TrainConfig:
        return TrainConfig(  # it reads hidden=16, 16.0, (16, 8) and names a bad one
            hidden=self.hidden, activation=self.activation, head=head, init=self.init,
            optimizer=self.optimizer, lr=self.lr, l2=self.l2, class_weight=class_weight,
            schedule=self.schedule, lr_milestones=self.lr_milestones,
            lr_gamma=self.lr_gamma, lr_decay_steps=self.lr_decay_steps,
            batch_size=self.batch_size, max_epochs=self.max_epochs,
            checkpoint=1.0, eps=self.eps, patience=self.patience, min_delta=self.min_delta,
            dtype=_dtype_name(self.dtype), momentum=self.momentum, beta1=self.beta1,
            beta2=self.beta2, rho=self.rho, opt_eps=self.opt_eps, lr_power=self.lr_power,
            lr_min=self.lr_min, warmup_steps=self.warmup_steps,
        )

    def _fit_net(self, X, y, cfg: TrainConfig, n_classes: int | None = None,
                 sample_weight=None):
        init_rng, loop_rng = _generators(self.random_state)
        net = build_net(cfg, X.shape[1], y, rng=init_rng, n_classes=n_classes)
        result = train(net, cfg, X, y, rng=loop_rng, sample_weight=sample_weight)
        self.net_ = net
        self.config_ = cfg
        self.history_ = result.history
        self.result_ = result
        self.loss_curve_ = result.history["train_loss"].tolist()
        self.loss_ = result.final("train_loss")  # early stopping: the restored weights'
        self.status_ = result.status
        self.reason_ = result.reason
        self.n_iter_ = math.ceil(result.epochs)  # epochs run (started ones count)
        self.t_ = result.iterations  # optimizer steps
        if result.status == "diverged":
            warnings.warn(f"{type(self).__name__}: training diverged ({result.reason}); "
                          "lower lr", ConvergenceWarning, stacklevel=_CALLER)
        elif result.status == "max_epochs" and (cfg.patience or cfg.eps):
            warnings.warn(f"{type(self).__name__}: max_epochs={cfg.max_epochs:g} reached "
                          "before the loss stopped improving", ConvergenceWarning,
                          stacklevel=_CALLER)
        elif result.status == "early_stopped" and cfg.head == "regression" and \
                0 < (floor := _mean_prediction_loss(y)) < cfg.min_delta:
            # min_delta is absolute: all a net can learn past the targets' mean is less
            # than it, so patience ran out whatever the net was learning (constant
            # targets, one sample: nothing past the mean to learn, no warning)
            warnings.warn(f"{type(self).__name__}: stopped early after {self.n_iter_} "
                          f"epochs, but predicting the targets' mean already scores a loss "
                          f"of {floor:.3g}, below min_delta={cfg.min_delta:g}: no "
                          "improvement could count; scale the targets (e.g. "
                          "TransformedTargetRegressor) or lower min_delta",
                          ConvergenceWarning, stacklevel=_CALLER)
        return self

    # views of the net's parameters, not copies stored beside it: they stay the arrays
    # the net predicts with after pickle or deepcopy (which rebuild the net's views)
    @property
    def coefs_(self) -> list[np.ndarray]:
        return self.net_.weights

    @property
    def intercepts_(self) -> list[np.ndarray]:
        return self.net_.biases

    def _check_X(self, X) -> np.ndarray:
        """``X`` checked and cast to the net's dtype: float64 values beyond a float32 net's
        range are refused here, where the net's cast made them inf and its outputs NaN. A
        net whose fit diverged to a NaN or infinite loss is refused first, like
        scikit-learn's MLP refuses non-finite weights (at fit; here fit reports the status)."""
        check_is_fitted(self)
        # a fit whose loss went NaN or inf left weights that are NaN or inf, or so large
        # that the outputs overflow: NaN logits would all name classes_[0] (argmax)
        if not math.isfinite(self.loss_):
            raise ValueError(f"{type(self).__name__}: the fit diverged ({self.reason_}): its "
                             "weights give NaN or infinite outputs, nothing to predict with; "
                             "fit again with a lower lr")
        X = validate_data(self, X, reset=False, dtype=_FLOATS)
        return check_features(X, self.n_features_in_, self.net_.dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


class NetClassifier(ClassifierMixin, _NetEstimator):
    """A nets MLP as a scikit-learn classifier.

    Two classes get a logistic output with binary cross-entropy, more a softmax
    with cross-entropy. Labels may be any values; ``classes_`` keeps them sorted.
    Training stops with status "diverged" (and a ConvergenceWarning) when the training
    loss exceeds 10x its first value or becomes NaN or infinite.

    Parameters
    ----------
    hidden : int or tuple of int, default (100,)
        Width of each hidden layer (one int: one layer; 4.0 counts as 4); ``()`` gives a
        linear (logistic / softmax) model.
    activation : str or tuple of str, default "relu"
        One activation for all hidden layers or one per layer: identity, sigmoid,
        tanh, relu, leaky_relu.
    optimizer : str, default "adam"
        sgd, momentum, nesterov, adagrad, adadelta, rmsprop or adam.
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
        Weight decay on the weights (not the biases).
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
    lr_decay_steps : int, default 50
        Optimizer steps (mini-batches) per decay of "step" and "exponential"; "inverse"
        divides the rate by ``1 + t / lr_decay_steps`` after t steps (halved at
        ``lr_decay_steps``).
    class_weight : None, "balanced" or dict, default None
        Per-class loss weights; a dict maps class labels to weights (missing = 1).
    dtype : {"float64", "float32"} or numpy dtype, default "float64"
        Float type of the net; anything ``np.dtype`` maps to one of them (``np.float32``).
    random_state : None, int, RandomState or Generator
        Seeds initialization and shuffling.
    momentum, beta1, beta2, rho, opt_eps, lr_power, lr_min, warmup_steps : keyword-only
        The finer settings of :class:`nets.TrainConfig`, with its defaults (rho and opt_eps
        None: each optimizer's own): momentum 0.9 (momentum, nesterov), beta1 0.9 and
        beta2 0.999 (adam), lr_power 1.0 (inverse, polynomial), lr_min 0.0 (polynomial,
        cosine), warmup_steps 0 (linear warm-up on any schedule).

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    coefs_, intercepts_ : list of ndarray
        Weight matrices and bias vectors, layer by layer (the net's own arrays).
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

    def __init__(self, hidden=(100,), activation="relu", optimizer="adam", lr=0.001,
                 batch_size=200, max_epochs=200, eps=0.0, patience=10, min_delta=1e-4,
                 l2=0.0, init="xavier", schedule="constant", lr_milestones=(), lr_gamma=0.9,
                 lr_decay_steps=50, class_weight=None, dtype="float64", random_state=None,
                 *, momentum=0.9, beta1=0.9, beta2=0.999, rho=None, opt_eps=None,
                 lr_power=1.0, lr_min=0.0, warmup_steps=0):
        super().__init__(hidden=hidden, activation=activation, optimizer=optimizer, lr=lr,
                         batch_size=batch_size, max_epochs=max_epochs, eps=eps,
                         patience=patience, min_delta=min_delta, l2=l2, init=init,
                         schedule=schedule, lr_milestones=lr_milestones, lr_gamma=lr_gamma,
                         lr_decay_steps=lr_decay_steps, dtype=dtype,
                         random_state=random_state, momentum=momentum, beta1=beta1,
                         beta2=beta2, rho=rho, opt_eps=opt_eps, lr_power=lr_power,
                         lr_min=lr_min, warmup_steps=warmup_steps)
        self.class_weight = class_weight

    @_fit_or_keep
    def fit(self, X, y, sample_weight=None):
        """Train a fresh net on ``(X, y)``; returns ``self``.

        ``sample_weight`` (non-negative, one per sample) multiplies each sample's loss,
        on top of ``class_weight``; it is rescaled to mean 1, so a weight of 2 counts a
        sample twice, as a repeated row would in a full batch.
        """
        X, y = validate_data(self, X, y, dtype=_FLOATS)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes, "
                             f"got {len(classes)} class ({classes[0]!r})")
        y_idx = encoder.transform(y)
        head = "binary" if len(classes) == 2 else "multiclass"
        cfg = self._config(head, self._class_weights(classes, y))
        self._fit_net(X, y_idx, cfg, n_classes=len(classes), sample_weight=sample_weight)
        self.classes_ = classes
        return self

    def _class_weights(self, classes, y) -> tuple[float, ...] | None:
        cw = self.class_weight
        if cw is None:
            return None
        if isinstance(cw, str) and cw == "balanced":
            return tuple(compute_class_weight("balanced", classes=classes, y=y))
        if isinstance(cw, dict):
            unknown = [k for k in cw if k not in set(classes.tolist())]
            if unknown:
                raise ValueError(f"class_weight names classes {unknown!r} not in the "
                                 f"labels {classes.tolist()!r}")
            try:
                return tuple(float(cw.get(c, 1.0)) for c in classes.tolist())
            except (TypeError, ValueError):  # float("a") named no argument
                raise ValueError(f"class_weight must map classes to numbers, got {cw!r}"
                                 ) from None
        raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {cw!r}")

    def decision_function(self, X) -> np.ndarray:
        """Logits: ``(n,)`` for two classes (> 0 means ``classes_[1]``), else ``(n, k)``."""
        X = self._check_X(X)
        z = self.net_.logits(X)
        return z[:, 0] if len(self.classes_) == 2 else z

    def predict_proba(self, X) -> np.ndarray:
        """``(n, k)`` class probabilities in the order of ``classes_``."""
        X = self._check_X(X)
        p = self.net_.output(X)
        if len(self.classes_) == 2:
            p = np.hstack([1 - p, p])
        return p

    def predict_log_proba(self, X) -> np.ndarray:
        """Log-probabilities from the logits: finite where a probability rounds to 0."""
        X = self._check_X(X)  # first: an unfitted estimator raises NotFittedError there
        z = self.net_.logits(X)
        if len(self.classes_) == 2:  # one logit, the log-odds of classes_[1] against [0]
            z = np.hstack([np.zeros_like(z), z])
        return log_softmax(z, axis=1)

    def predict(self, X) -> np.ndarray:
        X = self._check_X(X)
        return self.classes_[self.net_.predict(X)]

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
    ConvergenceWarning) as there: a training loss above 10x its first value, or NaN or inf.
    """

    @_fit_or_keep
    def fit(self, X, y, sample_weight=None):
        """Train a fresh net on ``(X, y)``; returns ``self``.

        ``sample_weight`` as in :meth:`NetClassifier.fit`.
        """
        X, y = validate_data(self, X, y, dtype=_FLOATS, y_numeric=True, multi_output=True)
        y = np.asarray(y, dtype=np.float64)
        return self._fit_net(X, y, self._config("regression"), sample_weight=sample_weight)

    def predict(self, X) -> np.ndarray:
        """``(n,)`` for one target, ``(n, k)`` for k."""
        X = self._check_X(X)
        return self.net_.predict(X).astype(np.float64, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
