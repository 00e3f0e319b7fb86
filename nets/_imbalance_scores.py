"""Scores of imbalanced binary classification for one set of predictions.

Every number comes from scikit-learn or imbalanced-learn (imported when scoring). A
prediction is positive when its probability is ``>= threshold``. Studies score trials with
it, the imbalance benchmark (``analyses``) every run.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ._rules import unknown_name

#: Metric -> (direction, needs a threshold). Accuracy is kept to show how it misleads.
IMBALANCE_METRICS = {
    "roc_auc": ("maximize", False),
    "pr_auc": ("maximize", False),
    "brier": ("minimize", False),
    "precision": ("maximize", True),
    "recall": ("maximize", True),
    "f1": ("maximize", True),
    "balanced_accuracy": ("maximize", True),
    "g_mean": ("maximize", True),
    "mcc": ("maximize", True),
    "accuracy": ("maximize", True),
}
#: Confusion-matrix cells, in scikit-learn's ``ravel()`` order.
CONFUSION = ("tn", "fp", "fn", "tp")


#: Other names of `IMBALANCE_METRICS`' metrics, for the hint of `check_metric` only (runs,
#: reports and --json know each by one name): --metric average_precision was told "did you
#: mean 'precision'?", though pr_auc is average precision. Plain "auc" is both: scikit-learn
#: users mostly mean ROC AUC, difflib offered pr_auc alone.
METRIC_SPELLINGS = {"average_precision": "pr_auc", "average_precision_score": "pr_auc",
                    "ap": "pr_auc", "auprc": "pr_auc", "auc_pr": "pr_auc",
                    "auroc": "roc_auc", "roc_auc_score": "roc_auc",
                    "auc": ("roc_auc", "pr_auc"), "brier_score": "brier",
                    "brier_score_loss": "brier"}


def check_metric(metric: str) -> str:
    """``metric`` if it is a key of `IMBALANCE_METRICS`, else a ValueError naming them.

    Parameters
    ----------
    metric : str
    """
    if metric not in IMBALANCE_METRICS:
        meant = None
        if isinstance(metric, str):
            # "average-precision", "Average Precision": looked up as average_precision
            key = re.sub(r"[\s_-]+", "_", metric.strip().lower())
            meant = key if key in IMBALANCE_METRICS else METRIC_SPELLINGS.get(key)
        raise ValueError(unknown_name("metric", metric, IMBALANCE_METRICS, meant))
    return metric


def imbalance_metrics(y_true, proba, threshold: float = 0.5) -> dict[str, float]:
    """Every metric of `IMBALANCE_METRICS` and the confusion cells for one set of scores.

    Parameters
    ----------
    y_true : array-like of {0, 1}
        1 is the positive (minority) class.
    proba : array-like of float
        Positive-class probabilities (or scores in [0, 1]).
    threshold : float
        Predict positive when ``proba >= threshold``.

    Returns
    -------
    dict
        ``roc_auc``, ``pr_auc`` (average precision), ``brier``, ``precision``, ``recall``,
        ``f1``, ``balanced_accuracy``, ``g_mean``, ``mcc``, ``accuracy`` and ``tn``, ``fp``,
        ``fn``, ``tp``. Scores undefined on these labels (one class only) are NaN: the
        areas, balanced accuracy, g-mean and MCC, recall without a positive label, F1
        without a positive label or prediction. Precision with no positive prediction
        is 0, as scikit-learn's ``zero_division=0`` scores a classifier that never names
        the minority.
    """
    from imblearn.metrics import geometric_mean_score
    from sklearn import metrics as skm

    y, p = binary_labels_and_scores(y_true, proba)
    if not np.isfinite(p).all():  # scores of any range rank (brier needs [0, 1])
        raise ValueError("proba must be finite scores (probabilities for brier)")
    pred = (p >= threshold).astype(np.int64)
    both = len(np.unique(y)) == 2
    scores = positive_class_metrics(y, pred, p)
    out = {
        "roc_auc": scores["roc_auc"],
        "pr_auc": scores["pr_auc"],
        "brier": skm.brier_score_loss(y, np.clip(p, 0.0, 1.0), pos_label=1),
        "precision": scores["precision"],
        "recall": scores["recall"],
        "f1": scores["f1"],
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred) if both else math.nan,
        "g_mean": geometric_mean_score(y, pred, average="binary") if both else math.nan,
        "mcc": skm.matthews_corrcoef(y, pred) if both else math.nan,
        "accuracy": skm.accuracy_score(y, pred),
    }
    cells = skm.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    out = {k: float(v) for k, v in out.items()}
    out.update({k: int(v) for k, v in zip(CONFUSION, cells, strict=True)})
    return out


def binary_labels_and_scores(y_true, proba) -> tuple[np.ndarray, np.ndarray]:
    """``y_true`` as int64 0/1 labels and ``proba`` as float64 scores, one per example.

    ValueError for labels other than 0 and 1 (1.9 was cut to 1, and labels 1/2 gave a
    threshold from a negative count of negatives), for scores that are not one per
    label, and for ``predict_proba``'s two columns (whose column 1 is the one meant).
    The values count, not the array's dtype: ints, floats 0.0/1.0 and booleans are
    labels, held in an object array (a pandas Series of dtype object) too; text is not.
    Whether the scores must be finite is the caller's to say.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Labels 0 and 1.
    proba : array-like
        Scores of class 1, one per example (``predict_proba(X)[:, 1]``; both columns
        are refused).
    """
    raw = _as_values(np.asarray(y_true).ravel())
    # 0.6 and 1.9 were cut to 0 and 1 and scored without a word; text raised from int()
    if raw.dtype.kind not in "biuf" or not np.isin(raw, (0, 1)).all():
        try:
            labels = sorted(set(np.unique(raw).tolist()))[:5]
        except TypeError:  # labels of mixed types do not sort, a list is no key
            labels = list(dict.fromkeys(map(repr, raw.tolist())))[:5]
            labels = f"[{', '.join(labels)}]"
        raise ValueError(f"y_true must be 0 (negative) and 1 (positive), got labels {labels}")
    try:
        p = np.asarray(proba, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("proba must be numbers, one score per example") from None
    if p.ndim == 2 and p.shape[1] == 2 and p.shape[0] == raw.size:
        raise ValueError("proba has two columns (predict_proba's output?): pass its column "
                         "1, the positive class's probabilities (proba[:, 1])")
    if p.ndim > 1 and p.size != max(p.shape):
        raise ValueError(f"proba must be one score per example, got shape {p.shape}")
    p = p.ravel()
    if raw.size != p.size:
        raise ValueError(f"y_true and proba differ in length: {raw.size} and {p.size}")
    return raw.astype(np.int64), p


def _as_values(raw: np.ndarray) -> np.ndarray:
    """An object array of numbers as the array they make (ints as int64, floats as
    float64): an object Series of 0s and 1s was refused as "got labels [0, 1]"."""
    if raw.dtype.kind != "O":
        return raw
    try:
        values = np.asarray(raw.tolist())
    except (TypeError, ValueError):  # values no array holds side by side
        return raw
    # [0, 'a'] made text would be listed as ['0', 'a']: a mix stays as given
    return values if values.shape == raw.shape and values.dtype.kind in "biuf" else raw


def positive_class_metrics(y, pred, p) -> dict[str, float]:
    """Precision, recall and F1 of the 0/1 predictions ``pred``, ROC-AUC and PR-AUC
    (average precision) of the scores ``p``, against the 0/1 labels ``y``, by
    scikit-learn: NaN where undefined, as `imbalance_metrics` documents (the areas with
    one class, recall without a positive label, F1 without a positive label or
    prediction); precision with no positive prediction is 0."""
    from sklearn import metrics as skm

    both = len(np.unique(y)) == 2
    positives = bool(y.any())
    return {
        "roc_auc": float(skm.roc_auc_score(y, p)) if both else math.nan,
        "pr_auc": float(skm.average_precision_score(y, p)) if both else math.nan,
        "precision": float(skm.precision_score(y, pred, zero_division=0)),
        # 0 / 0 on labels without a positive: no recall to have (zero_division=0 said 0)
        "recall": float(skm.recall_score(y, pred)) if positives else math.nan,
        "f1": float(skm.f1_score(y, pred, zero_division=0)) if positives or pred.any()
        else math.nan,
    }
