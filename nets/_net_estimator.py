"""The base of nets' scikit-learn estimators: their shared parameters, fitting and learned
attributes (:class:`_NetEstimator`), and `save_estimator`."""


from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from ._baseline import constant_training_loss
from ._build import build_net
from ._carried import entries_named, register_missing
from ._config import TrainConfig
from ._estimator_attributes import _Declared
from ._io import save_net, training_run_of
from ._layer_views import _Layers
from ._printable import count_of, folder_text, short_repr
from ._sklearn_args import _dtype_name, _generators
from ._sklearn_input import validated
from ._train import train
from ._user_line import user_stacklevel
from ._validation import check_features, check_training_data

# float32 inputs stay float32 (the net casts them to its dtype once); others become float64:
# a float64 copy of MNIST-sized float32 data was 3x the data in extra memory
_FLOATS = (np.float64, np.float32)


_Fit = TypeVar("_Fit", bound=Callable[..., Any])


def _fit_or_keep(fit: _Fit) -> _Fit:
    """``fit`` that leaves the estimator as it was when it raises: scikit-learn's
    validate_data resets n_features_in_ (and the feature names) before training can fail,
    which left a fitted net behind attributes of the failed call's data. Typed as ``fit``
    itself: a type checker saw the estimators' ``fit`` as ``Any``."""

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        before = dict(vars(self))
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise

    return cast(_Fit, wrapper)


# the defaults the estimators share with TrainConfig, read from it (`_D.lr`): written once
_D = TrainConfig()


def _store(estimator, params: dict) -> None:
    """Set each of ``params`` (an ``__init__``'s ``locals()``) on ``estimator`` as given:
    scikit-learn's ``__init__`` stores its arguments and does nothing else."""
    for name, value in params.items():
        if name != "self":
            setattr(estimator, name, value)


class _NetEstimator(BaseEstimator, _Declared):
    """Shared parameters, fitting and learned attributes.

    The defaults that differ from TrainConfig's are scikit-learn's MLP's (hidden (100,),
    relu, adam, lr 0.001, batch_size 200, max_epochs 200, patience 10, min_delta 1e-4),
    so that it can stand in for one (early stopping counts patience as Keras does: see
    the module's docstring), and float64 (scikit-learn's float type); the others
    are TrainConfig's own."""

    def __init__(self, hidden=(100,), activation="relu", optimizer="adam", lr=0.001,
                 batch_size=200, max_epochs=200, eps=_D.eps, patience=10, min_delta=1e-4,
                 l2=_D.l2, init=_D.init, schedule=_D.schedule, lr_milestones=_D.lr_milestones,
                 lr_gamma=_D.lr_gamma, lr_decay_steps=_D.lr_decay_steps, dtype="float64",
                 random_state=None, *, momentum=_D.momentum, beta1=_D.beta1, beta2=_D.beta2,
                 rho=_D.rho, opt_eps=_D.opt_eps, lr_power=_D.lr_power, lr_min=_D.lr_min,
                 warmup_steps=_D.warmup_steps, l1=_D.l1,
                 weight_decay=_D.weight_decay,
                 dropout=_D.dropout, batch_norm=_D.batch_norm) -> None:
        _store(self, locals())

    def _config(self, head: str, class_weight=None) -> TrainConfig:
        # every parameter that is a TrainConfig field passes as given (TrainConfig reads
        # hidden=16, 16.0, (16, 8) and names a bad one); dtype as a name, one checkpoint
        # an epoch (the loss curve's points)
        given = {name: getattr(self, name) for name in _CONFIG_PARAMS}
        return TrainConfig(**given, head=head, class_weight=class_weight, checkpoint=1.0,
                           dtype=_dtype_name(self.dtype))

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

        def constant_loss() -> float:  # weighted as the training loss the run watched
            _, _, w = check_training_data(net, cfg, X, y, sample_weight=sample_weight)
            return constant_training_loss(net, y, w)

        if result.status == "diverged":
            warnings.warn(f"{type(self).__name__}: training diverged ({result.reason}); "
                          "lower lr", ConvergenceWarning, stacklevel=user_stacklevel())
        elif result.status == "converged" and cfg.eps >= (base := constant_loss()):
            # as `hplab train` warns before training: a stop at an eps a constant meets
            # says nothing (NetRegressor(eps=0.6) on scaled targets stopped at epoch 0).
            # Weighted as the loss eps stopped on: a balanced net that learned was told
            # it had not, against the unweighted class shares' loss
            epochs = count_of(self.n_iter_, "epoch")
            weighted = "weighted " if cfg.class_weight is not None or \
                sample_weight is not None else ""
            warnings.warn(f"{type(self).__name__}: converged after {epochs} at "
                          f"eps={cfg.eps:g}, at or above {base:.4g}, the {weighted}training "
                          f"loss of always predicting the targets' {weighted}"
                          f"{'mean' if cfg.head == 'regression' else 'class shares'}: the "
                          "net may have learned nothing from the inputs; lower eps",
                          ConvergenceWarning, stacklevel=user_stacklevel())
        elif result.status == "max_epochs" and (cfg.patience or cfg.eps):
            warnings.warn(f"{type(self).__name__}: max_epochs={cfg.max_epochs:g} reached "
                          "before the loss stopped improving", ConvergenceWarning,
                          stacklevel=user_stacklevel())
        elif result.status == "early_stopped" and cfg.head == "regression" and \
                0 < (floor := constant_loss()) < cfg.min_delta:
            # min_delta is absolute: all a net can learn past the targets' mean is less
            # than it, so patience ran out whatever the net was learning (constant
            # targets, one sample: nothing past the mean to learn, no warning)
            warnings.warn(f"{type(self).__name__}: stopped early after {self.n_iter_} "
                          f"epochs, but predicting the targets' mean already scores a loss "
                          f"of {floor:.3g}, below min_delta={cfg.min_delta:g}: no "
                          "improvement could count; scale the targets (e.g. "
                          "TransformedTargetRegressor) or lower min_delta",
                          ConvergenceWarning, stacklevel=user_stacklevel())
        elif result.kept_start:  # an untrained net must not pass as a fit without a word
            warnings.warn(f"{type(self).__name__}: early stopping kept the starting "
                          f"weights: none of the {cfg.patience} epochs after the start "
                          "scored a lower training loss, so the net is untrained; change "
                          "lr, or raise patience",
                          ConvergenceWarning, stacklevel=user_stacklevel())
        return self

    # views of the net's parameters, not copies stored beside it: they stay the arrays
    # the net predicts with after pickle or deepcopy (which rebuild the net's views)
    # (a batch-normed net's are its layers with their batch norms folded in: copies, the
    # affine maps it predicts with, and not assignable)
    @property
    def coefs_(self) -> list[np.ndarray]:
        return self._layers(0, "coefs_")

    @coefs_.setter
    def coefs_(self, arrays) -> None:
        check_is_fitted(self)
        self._layers(0, "coefs_").assign_all(arrays)

    @property
    def intercepts_(self) -> list[np.ndarray]:
        return self._layers(1, "intercepts_")

    @intercepts_.setter
    def intercepts_(self, arrays) -> None:
        check_is_fitted(self)
        self._layers(1, "intercepts_").assign_all(arrays)

    def _layers(self, which: int, name: str) -> _Layers:
        net = self.net_
        if net.batch_norm:
            return _Layers(net.folded()[which::2], name, folded=True)
        return _Layers(net.weights if which == 0 else net.biases, name)

    # the entries a script registered that this estimator names travel with it: joblib's
    # workers (GridSearchCV(n_jobs=2)) import nets afresh and knew none of them
    def __getstate__(self) -> dict:
        state = super().__getstate__()
        entries = entries_named(vars(self))
        return state if entries is None else {**state, "_registered": entries}

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        register_missing(state.pop("_registered", None))
        super().__setstate__(state)

    def _check_X(self, X) -> np.ndarray:
        """``X`` checked and cast to the net's dtype: float64 values beyond a float32 net's
        range are refused here, where the net's cast made them inf and its outputs NaN. A
        net whose fit diverged to a NaN or infinite loss is refused first, like
        scikit-learn's MLP refuses non-finite weights (at fit; here fit reports the status)."""
        self._check_predicts()
        X = validated(self, X, reset=False, dtype=_FLOATS)
        return check_features(X, self.n_features_in_, self.net_.dtype)

    def _check_predicts(self) -> None:
        """Refuse an unfitted estimator, or one whose fit diverged."""
        check_is_fitted(self)
        # a fit whose loss went NaN or inf left weights that are NaN or inf, or so large
        # that the outputs overflow: NaN logits would all name classes_[0] (argmax)
        if not math.isfinite(self.loss_):
            raise ValueError(f"{type(self).__name__}: the fit diverged ({self.reason_}): its "
                             "weights give NaN or infinite outputs, nothing to predict with; "
                             "fit again with a lower lr")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


#: the estimators' parameters that are TrainConfig fields, passed on by name
_CONFIG_PARAMS = tuple(
    name for name in inspect.signature(_NetEstimator.__init__).parameters
    if name in {f.name for f in dataclasses.fields(TrainConfig)} and name != "dtype")


def save_estimator(path, estimator) -> Path:
    """Write a fitted `NetClassifier` or `NetRegressor` as a ``model.npz`` that
    `load_model`, ``hplab predict`` and `export_onnx` read, with the labels it predicts.

    The file holds its net, its ``classes_`` (the labels ``hplab predict`` and the ONNX
    graph give, not indices) and, fit on a DataFrame, its feature names; no input
    scaling but the identity: inputs are taken as the estimator takes them.

    Parameters
    ----------
    path : str or Path
        The ``.npz`` file written (as named: no suffix is added). An existing file is
        replaced only when it is empty or a model file (`is_model_file`), and never a
        training run's model (`training_run_of`): its record describes that one.
    estimator : NetClassifier or NetRegressor
        Fitted, and not diverged.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        An estimator not fitted yet.
    ValueError
        A fit that diverged (``status_`` "diverged", its loss finite or not), classes
        that are not numbers, bools or text, or a ``path`` that holds another file than a
        model (a study's storage, a CSV, an ONNX graph) or is a training run's model.
    """
    if not isinstance(estimator, _NetEstimator):
        raise TypeError(f"save_estimator takes a fitted nets.NetClassifier or NetRegressor, "
                        f"got {type(estimator).__name__}")
    run = training_run_of(path)
    if run is not None:  # as predict --out and export-onnx refuse one
        raise ValueError(f"{path} is the model of the training run in {folder_text(run)}, "
                         "whose config.json, history.csv and report describe it; give "
                         "save_estimator another path")
    estimator._check_predicts()
    # its status, not its loss alone: a loss can blow up 10x (what `train` calls diverged,
    # as the CLI reports it) and stay finite, and predict with weights that learned nothing
    if estimator.status_ == "diverged":
        raise ValueError(f"{type(estimator).__name__}: the fit diverged ({estimator.reason_}): "
                         "its weights are no trained net, nothing to save; fit again with a "
                         "lower lr")
    net = estimator.net_
    meta = {"task": net.head}
    if hasattr(estimator, "classes_"):
        classes = estimator.classes_.tolist()
        if not all(isinstance(c, str | int | float) for c in classes):  # bool is an int
            raise ValueError("classes must be numbers, bools or text to be saved, got "
                             f"{short_repr(classes)}")
        meta["classes"] = classes
    if hasattr(estimator, "feature_names_in_"):
        meta["feature_names"] = [str(n) for n in estimator.feature_names_in_]
    # its input scaling is the identity, said as one: `hplab predict --dataset` then gives
    # it the set's rows in their own units, where a net saved without one takes the set's
    # scaled arrays (an iris estimator scored 0.43 on them against its 0.67)
    d = net.sizes[0]
    return save_net(path, net, config=estimator.config_, meta=meta,
                    arrays={"x_shift": np.zeros(d), "x_scale": np.ones(d)})
