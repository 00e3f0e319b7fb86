"""A saved model on a dataset's split: its prediction, its loss.

The rule for datasets: a model always sees inputs scaled by *its own* stored scaling.
A dataset's splits come normalized by the dataset's scaling; when that is the model's
(same dataset, same seed) they are used as they are, otherwise they are mapped back to
raw values (``X * x_scale + x_shift``) and scaled with the model's. nets never imports
``data``: any object with ``X_test``, ``y_test``, ``x_shift``, ``x_scale``, ``task`` and
``inverse_y`` will do.
"""

from __future__ import annotations

import numpy as np

from ._left_out import ignore_option, left_out_hint
from ._load_model import check_model
from ._named_features import made_up_names, named_features
from ._predict import Prediction, SavedModel
from ._predict_scores import _label
from ._printable import count_of
from ._rules import check_dataset
from ._threshold import check_threshold


def predict_dataset(model: SavedModel, ds, split: str = "test",
                    threshold: float | None = None) -> tuple[Prediction, np.ndarray]:
    """Predict one split of a loaded dataset and return ``(prediction, truth)``.

    Parameters
    ----------
    model : SavedModel
    ds : data.Dataset
        Any object with its fields; its split arrays are normalized by its own scaling.
    split : {"test", "val", "train"}
    threshold : float, optional
        A binary model's positive class where its probability is ``>= threshold``
        (`SavedModel.predict_normalized`).

    Returns
    -------
    prediction : Prediction
    truth : ndarray
        Original class labels (classification) or de-normalized targets (regression).

    Raises
    ------
    TypeError
        A ``model`` that is not a SavedModel (a path: load it with `load_model` first), a
        ``ds`` that is no loaded dataset (a name: load it with ``data.load`` first).
    """
    check_model(model)
    check_threshold(model, threshold)  # before a wide split is scaled
    X, _, truth = _split_for_model(model, ds, split)
    return model.predict_normalized(X, threshold), truth


def dataset_loss(model: SavedModel, ds, split: str = "test") -> float:
    """The loss of ``model`` on one split of a loaded dataset, as training scored it.

    Parameters
    ----------
    model : SavedModel
    ds : data.Dataset
        Any object with its fields, as `predict_dataset` takes it.
    split : {"test", "val", "train"}

    Returns
    -------
    float
        The head's unweighted loss (½·MSE of the scaled target for regression): a training
        run's ``test_loss`` for its model on its own data's test split, to the last bit.
        NaN for a split of no rows; inf or NaN for a diverged model (whose predictions
        `predict_dataset` refuses).

    Raises
    ------
    TypeError
        A ``model`` that is not a SavedModel, a ``ds`` that is no loaded dataset.
    ValueError
        An unknown ``split``; a dataset the model cannot score (other features or
        feature count, another task, classes the model does not know).
    """
    from ._evaluate import evaluate  # here: the training checks are not predict's to load

    check_model(model)
    X, y, truth = _split_for_model(model, ds, split)
    # the loss alone, as `evaluate` scores it: a diverged model's is inf or NaN, where its
    # predictions are refused (NaN outputs)
    return evaluate(model.net, X, _net_target(model, ds, y, truth))[0]


def predict_dataset_and_loss(model: SavedModel, ds, split: str = "test",
                             threshold: float | None = None
                             ) -> tuple[Prediction, np.ndarray, float]:
    """`predict_dataset` and `dataset_loss` of one split together: the dataset checked
    and scaled once, the net run over it once (``hplab predict --dataset``).

    Parameters
    ----------
    model : SavedModel
    ds : data.Dataset
    split : {"test", "val", "train"}
    threshold : float, optional
        As `predict_dataset` takes it (the loss does not depend on it).

    Returns
    -------
    prediction : Prediction
    truth : ndarray
        As `predict_dataset` gives them.
    loss : float
        As `dataset_loss` gives it.

    Raises
    ------
    TypeError, ValueError
        As `predict_dataset` and `dataset_loss` raise them.
    """
    from ._evaluate import outputs_and_loss  # here: the training checks are not predict's to load

    check_model(model)
    check_threshold(model, threshold)  # before a wide split is scaled
    X, y, truth = _split_for_model(model, ds, split)
    outputs, loss = outputs_and_loss(model.net, X, _net_target(model, ds, y, truth))
    return model._prediction_of(outputs, threshold), truth, loss


def _net_target(model: SavedModel, ds, y, truth) -> np.ndarray:
    """The targets the net's loss takes for a split: its class indices in the model's
    order, or its target in the model's scaling (the split's own ``y``, as training
    scored it, where that is the dataset's: not rescaled through ``truth``)."""
    if model.task != "regression":
        where = {_label(c): i for i, c in enumerate(model.classes)}
        return np.array([where[_label(t)] for t in truth], dtype=np.int64)
    if np.array_equal(model.y_shift, getattr(ds, "y_shift", None)) \
            and np.array_equal(model.y_scale, getattr(ds, "y_scale", None)):
        return np.asarray(y)
    return (np.asarray(truth, dtype=np.float64) - model.y_shift) / model.y_scale


def _split_for_model(model: SavedModel, ds, split: str
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One split's inputs as the net takes them (in the model's scaling), its targets as
    the dataset holds them and its truth (`predict_dataset`'s), the dataset checked
    against the model."""
    if split not in ("test", "val", "train"):
        raise ValueError(f"split must be test, val or train, got {split!r}")
    # a name failed as "'str' object has no attribute 'X_test'"
    check_dataset(ds, (f"X_{split}", f"y_{split}"))
    X, y = getattr(ds, f"X_{split}"), getattr(ds, f"y_{split}")
    if X.shape[1] != model.n_features:
        # the columns the model's training left out that are still in this data: which
        # option. A name with an ignore= of its own takes them into its list (a second
        # ignore= option is refused as given twice); it may leave out some already
        fix = "add {listed} to the ignore= list of {name}" if ignore_option(ds.name) \
            else "add {option} to {name}"
        hint = left_out_hint(model.meta, fix, present=ds.feature_names, name=repr(ds.name))
        # "has 1 features" (QA)
        raise ValueError(f"dataset {ds.name!r} has {count_of(X.shape[1], 'feature')}, the "
                         "model takes "
                         f"{model.n_features}{hint}")
    ours = tuple(str(f).strip() for f in model.feature_names)
    theirs = tuple(str(f).strip() for f in ds.feature_names)
    # names a loader made up (x1.., px0..) say nothing about what a column holds: compared
    # only where both sides' are their files' own (a CSV's own x1, x2 header counts)
    info = getattr(ds, "info", None) or {}
    own = info["named_features"] if "named_features" in info else not made_up_names(theirs)
    shift, scale = ds.x_shift, ds.x_scale
    by_name = ours and named_features(model.meta) and own
    if by_name and ours != theirs and sorted(ours) == sorted(theirs) \
            and len(set(ours)) == len(ours):
        # the model's columns in another order (as --input and a DataFrame take them)
        order = [theirs.index(name) for name in ours]
        X, shift, scale = X[:, order], shift[order], scale[order]
    elif by_name and ours != theirs:
        differ = [(a, b) for a, b in zip(theirs, ours, strict=True) if a != b]
        raise ValueError(f"dataset {ds.name!r} has other features than the model: "
                         + ", ".join(f"{a!r} where the model has {b!r}" for a, b in differ[:3])
                         + (f" (and {len(differ) - 3} more)" if len(differ) > 3 else ""))
    n_targets = 1 if np.ndim(y) == 1 else np.shape(y)[1]
    if model.task == "regression" and model.net.sizes[-1] != n_targets:
        raise ValueError(f"dataset {ds.name!r} has {n_targets} target(s), the model "
                         f"predicts {model.net.sizes[-1]}")
    if (ds.task == "regression") != (model.task == "regression"):
        raise ValueError(f"dataset {ds.name!r} is a {ds.task} task, the model a "
                         f"{model.task} one")
    codes = None
    if model.task != "regression":
        known = [_label(c) for c in model.classes]
        unknown = [c for c in map(_label, ds.classes) if c not in known]
        # a model saved before a CSV's codes (001, 010) loaded as text knows their numbers
        codes = _codes_as_numbers(ds.classes, known) if unknown else None
        if unknown and codes is None:  # its accuracy would count labels it never predicts
            raise ValueError(f"dataset {ds.name!r} has classes the model does not know "
                             f"({', '.join(map(str, unknown))}); the model predicts "
                             f"{', '.join(map(str, known))}")
    if _same_scaling(model, shift, scale):
        X = X.astype(model.net.dtype, copy=False)
    else:
        X = model.normalize(X.astype(np.float64) * scale + shift)
    truth = np.asarray(ds.inverse_y(y))
    if codes is not None:
        truth = np.array([codes[c] for c in truth])
    return X, y, truth


def _codes_as_numbers(classes, known) -> dict | None:
    """``{"001": 1, ...}`` when every class is text of a number the model predicts, else
    None."""
    if not all(isinstance(c, str) for c in classes):
        return None
    try:
        numbers = {c: _label(float(c)) for c in classes}
    except ValueError:
        return None
    return numbers if set(numbers.values()) <= set(known) else None


def _same_scaling(model: SavedModel, shift, scale) -> bool:
    """Whether the dataset's scaling (``shift``, ``scale``, in the model's column order)
    is the model's: its scaled rows are then the net's inputs as they are."""
    if model.x_shift is None:  # a net saved without scaling took the dataset's arrays
        return True
    return np.array_equal(model.x_shift, shift) and np.array_equal(model.x_scale, scale)
