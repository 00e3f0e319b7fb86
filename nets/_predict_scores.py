"""A saved model's predictions as scores (`score_prediction`, `regression_r2`,
`positive_class_scores`), table rows (`prediction_frame`) and JSON (`prediction_records`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ._imbalance_scores import positive_class_metrics
from ._predict import Prediction

if TYPE_CHECKING:
    import pandas as pd


def _label(c):
    """A class label comparable across JSON and NumPy: 2, 2.0 and np.int64(2) are 2."""
    c = c.item() if hasattr(c, "item") else c
    return int(c) if isinstance(c, float) and c.is_integer() else c


def regression_errors(err) -> tuple[float, float]:
    """RMSE and MAE of the errors ``err``, finite whenever the errors are.

    Targets of 1e200 square past float64 (RMSE inf, "overflow encountered in square"):
    then the one that overflowed is computed on ``err`` over its largest size and scaled
    back. Only then: every other run keeps its figures to the last bit.

    Parameters
    ----------
    err : array-like
        Predictions minus targets, in the targets' units.
    """
    err = np.asarray(err, dtype=np.float64)
    with np.errstate(over="ignore"):
        rmse, mae = float(np.sqrt(np.mean(err ** 2))), float(np.mean(np.abs(err)))
    if math.isfinite(rmse) and math.isfinite(mae) or not np.isfinite(err).all():
        return rmse, mae
    size = float(np.max(np.abs(err)))
    with np.errstate(over="ignore"):  # a mean past 1.8e308 is inf: it is that large
        if not math.isfinite(rmse):
            rmse = size * float(np.sqrt(np.mean((err / size) ** 2)))
        if not math.isfinite(mae):
            mae = size * float(np.mean(np.abs(err / size)))
    return rmse, mae


def net_r2(net, X, truth, y_scale, y_shift) -> float:
    """`regression_r2` of ``net``'s predictions of ``X`` back in the target's units (``*
    y_scale + y_shift``, as a saved model predicts) against ``truth`` in those units: a
    training's ``test_r2`` and a capacity run's R² alike.

    Parameters
    ----------
    net : MLP
        A regression net (its outputs are the scaled targets).
    X : ndarray
        The inputs, as the net takes them.
    truth : array-like
        The true targets in their own units.
    y_scale, y_shift : float or ndarray
        The targets' scaling (the dataset's).
    """
    values = net.logits(X).astype(np.float64) * y_scale + y_shift
    return regression_r2(values, np.asarray(truth).reshape(values.shape))


def regression_r2(values, truth) -> float:
    """The coefficient of determination R² of predictions ``values`` of targets ``truth``
    (scikit-learn's ``r2_score``; several targets: their mean). NaN where undefined: fewer
    than two rows, a target constant over them, or a non-finite prediction (as the RMSE
    is then).

    1 is a perfect fit, 0 no better than predicting the mean of the targets, below 0 worse.
    Targets of 1e200 square past float64: then both sides are scaled by a power of two
    (exact), as R² does not depend on the units.

    Parameters
    ----------
    values : array-like
        The predictions, one per row of ``truth`` (any shape that reshapes to it).
    truth : array-like
        The true targets: one column, or one per target.

    Returns
    -------
    float
    """
    from sklearn.metrics import r2_score  # here: `import nets` stays without its import

    truth = np.asarray(truth, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64).reshape(truth.shape)
    if len(truth) < 2 or not (np.isfinite(values).all() and np.isfinite(truth).all()):
        return math.nan
    if (np.ptp(truth, axis=0) == 0).any():  # a constant target: no variance to explain
        return math.nan
    with np.errstate(over="ignore", invalid="ignore"):
        r2 = float(r2_score(truth, values))
        if not math.isfinite(r2):  # squares past 1.8e308
            scale = 2.0 ** np.frexp(max(np.max(np.abs(truth)), np.max(np.abs(values))))[1]
            r2 = float(r2_score(truth / scale, values / scale))
    return r2


def score_prediction(pred: Prediction, truth) -> dict:
    """``accuracy`` (classification) or ``rmse`` and ``mae`` in original units and ``r2``
    (regression; None where undefined: `regression_r2`); the other keys are None.

    Parameters
    ----------
    pred : Prediction
        A saved model's prediction (`SavedModel.predict`).
    truth : array-like
        The true labels (in the model's own labels) or targets (original units), one per
        example.
    """
    truth = np.asarray(truth)
    if len(truth) != len(pred):
        raise ValueError(f"{len(truth)} true labels for {len(pred)} predictions")
    if pred.task == "regression":
        err = pred.values - truth.astype(np.float64).reshape(pred.values.shape)
        rmse, mae = regression_errors(err)
        r2 = regression_r2(pred.values, truth.astype(np.float64).reshape(pred.values.shape))
        return {"accuracy": None, "rmse": rmse, "mae": mae,
                "r2": r2 if math.isfinite(r2) else None}
    hits = np.asarray(pred.labels, dtype=object) == np.asarray(truth, dtype=object)
    return {"accuracy": float(np.mean(hits)), "rmse": None, "mae": None, "r2": None}


#: What `positive_class_scores` gives: the class, then its scores (None where undefined).
POSITIVE_SCORES = ("positive", "precision", "recall", "f1", "roc_auc", "pr_auc")


def positive_class_scores(pred: Prediction, truth) -> dict:
    """A two-class model's scores of its positive class, ``classes[1]``, by scikit-learn.

    ``precision``, ``recall`` and ``f1`` of the predicted labels (at the threshold they
    were predicted with); ``roc_auc`` and ``pr_auc`` (average precision: the step-wise
    area under the precision-recall curve) of its probability. Undefined ones are None:
    the areas with one class in ``truth``, recall with no positive, F1 with neither a
    positive nor a positive prediction; precision with no positive prediction is 0
    (``zero_division=0``), as the imbalance benchmark scores it. Every key is None for
    regression and for more than two classes.

    Parameters
    ----------
    pred : Prediction
    truth : array-like
        The true labels, one per example.
    """
    if pred.task == "regression" or len(pred.classes) != 2:
        return dict.fromkeys(POSITIVE_SCORES)
    truth = np.asarray(truth, dtype=object)
    if len(truth) != len(pred):
        raise ValueError(f"{len(truth)} true labels for {len(pred)} predictions")
    positive = _label(pred.classes[1])
    y = np.array([_label(t) == positive for t in truth], dtype=np.int64)
    scores = positive_class_metrics(y, pred.index.astype(np.int64),
                                    pred.probabilities[:, 1].astype(np.float64))
    return {"positive": _plain(pred.classes[1]),
            **{k: None if math.isnan(scores[k]) else scores[k] for k in POSITIVE_SCORES[1:]}}


def prediction_frame(pred: Prediction, truth=None) -> pd.DataFrame:
    """One row per example: ``prediction``, then ``p_<class>`` per class (classification)
    or ``prediction_<j>`` per target (several regression targets), then ``label`` /
    ``target`` with the true value when known.

    Parameters
    ----------
    pred : Prediction
    truth : array-like, optional
        True labels or targets, one per example (or row); None: no such column.
    """
    import pandas as pd  # here: `import nets` would cost pandas' import (~0.3 s)

    if pred.task == "regression":
        v = pred.values
        cols = {"prediction": v} if v.ndim == 1 else \
            {f"prediction_{j}": v[:, j] for j in range(v.shape[1])}
        if truth is not None:
            truth = np.asarray(truth, dtype=np.float64)
            if truth.ndim == 2:  # several targets: one column each, as the predictions
                cols.update({f"target_{j}": truth[:, j] for j in range(truth.shape[1])})
            else:
                cols["target"] = truth
        return pd.DataFrame(cols)
    # every column at once: one insert per class fragmented the frame (pandas warned
    # PerformanceWarning past 100 classes)
    frame = pd.DataFrame({"prediction": pred.labels, **{
        f"p_{c}": pred.probabilities[:, j] for j, c in enumerate(pred.classes)}})
    if truth is not None:
        frame["label"] = truth
    return frame


def is_prediction_header(header: list[str]) -> bool:
    """Whether ``header`` has the shape of a `prediction_frame`: ``prediction`` and
    ``p_<class>`` columns (then ``label``), ``prediction`` (then ``target``), or
    ``prediction_<j>`` columns (then as many ``target_<j>``). ``prediction,notes`` is a
    user's file, not one (QA: `predict --out` replaced it).

    Parameters
    ----------
    header : list of str
        A CSV file's column names.
    """
    if header[:1] == ["prediction"]:
        rest = header[1:-1] if header[-1:] == ["label"] else header[1:]
        if header[1:] in ([], ["target"]):
            return True
        return bool(rest) and all(c.startswith("p_") for c in rest)
    k = sum(1 for c in header if c.startswith("prediction_"))
    many = [f"prediction_{j}" for j in range(k)]
    return k > 0 and header in (many, many + [f"target_{j}" for j in range(k)])


def prediction_records(pred: Prediction, limit: int | None = None, truth=None) -> dict:
    """JSON-ready ``predictions`` (labels or values), ``probabilities`` (classification,
    else None) and ``labels`` (``truth``'s: true labels or targets; None without it) of the
    first ``limit`` examples (all if None or negative).

    Parameters
    ----------
    pred : Prediction
    limit : int, optional
        How many examples; None or negative: all.
    truth : array-like, optional
        True labels or targets, one per example.
    """
    n = len(pred) if limit is None or limit < 0 else min(limit, len(pred))  # -1: all
    labels = None if truth is None else [_plain(v) for v in np.asarray(truth)[:n].tolist()]
    if pred.task == "regression":
        return {"predictions": pred.values[:n].tolist(), "probabilities": None,
                "labels": labels}
    return {"predictions": [_plain(v) for v in pred.labels[:n]],
            "probabilities": pred.probabilities[:n].astype(np.float64).tolist(),
            "labels": labels}


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v
