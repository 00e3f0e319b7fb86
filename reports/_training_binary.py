"""The training report's scores of a two-class net's positive class on the test split:
ROC-AUC, PR-AUC, precision and recall, as ``hplab predict --dataset`` computes them
(`nets.positive_class_scores`), with the ROC and precision-recall curves behind them."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pandas as pd

import nets

from ._core import Report
from ._imbalance_draw import draw_curves
from ._imbalance_tables import PR_AUC_NOTE


def test_prediction(net, ds) -> tuple[nets.Prediction, np.ndarray]:
    """The net's prediction of ``ds``'s test split and its true labels, as
    `nets.predict_dataset` gives them for the saved model: classes by the sign of the
    logit (the net's own ``predict``), probabilities ``[1 - p, p]`` of a binary head."""
    index = np.asarray(net.predict(ds.X_test)).astype(np.int64)
    proba = np.asarray(net.predict_proba(ds.X_test))
    if proba.ndim == 1:  # binary head: P(class 1) only
        proba = np.column_stack([1 - proba, proba])
    classes = tuple(ds.classes)
    labels = np.asarray(classes, dtype=object)[index]
    truth = np.asarray(classes, dtype=object)[np.asarray(ds.y_test).astype(np.int64)]
    return nets.Prediction(ds.task, classes, index=index, labels=labels,
                           probabilities=proba), truth


def positive_class_frame(pred: nets.Prediction, truth) -> pd.DataFrame:
    """`nets.positive_class_scores` of ``pred`` as the report's table: ``score``,
    ``value`` (NaN where undefined) and ``chance`` (what a net without skill scores: the
    prevalence for PR-AUC and precision, 0.5 for ROC-AUC), then the prevalence itself."""
    scores = nets.positive_class_scores(pred, truth)
    prevalence = _prevalence(pred, truth)
    # QA: a net that never predicts the positive class read "precision at 0.5: 0" (0/0,
    # zero_division=0) under a caption saying a dash is undefined: a dash
    if not (np.asarray(pred.index) == 1).any():
        scores = {**scores, "precision": None}
    rows = [("roc_auc", scores["roc_auc"], 0.5),
            ("pr_auc (average precision)", scores["pr_auc"], prevalence),
            ("precision at 0.5", scores["precision"], prevalence),
            ("recall at 0.5", scores["recall"], math.nan),
            ("f1 at 0.5", scores["f1"], math.nan),
            ("prevalence (positive share)", prevalence, math.nan)]
    return pd.DataFrame({"score": [r[0] for r in rows],
                         "value": [math.nan if r[1] is None else float(r[1]) for r in rows],
                         "chance": [float(r[2]) for r in rows]})


def curves_frames(pred: nets.Prediction, truth, label: str) -> dict[str, pd.DataFrame]:
    """scikit-learn's ROC and precision-recall curves of the positive class, in the
    frames `draw_curves` draws (one ``strategy``, named ``label``)."""
    from sklearn.metrics import precision_recall_curve, roc_curve

    y, p = _positives(pred, truth), pred.probabilities[:, 1].astype(np.float64)
    fpr, tpr, _ = roc_curve(y, p)
    precision, recall, _ = precision_recall_curve(y, p)
    return {"roc": pd.DataFrame({"strategy": label, "fpr": fpr, "tpr": tpr}),
            "pr": pd.DataFrame({"strategy": label, "recall": recall, "precision": precision,
                                "prevalence": float(y.mean())})}


def add_positive_class(rep: Report, net, ds) -> None:
    """The test set's positive-class scores and curves of a two-class run's report."""
    pred, truth = test_prediction(net, ds)
    positive = ds.classes[1]
    y = _positives(pred, truth)
    heading = f"Positive class {positive}: ranking and threshold scores"
    rep.add_section(heading, (
        f"Scores of class {positive} (the second class, the positive one) on the test set "
        f"of {len(y):,} examples, {int(y.sum()):,} of them positive, computed as hplab "
        "predict --dataset computes them. On imbalanced data accuracy mostly counts the "
        "majority class: read precision, recall and ROC-AUC together."))
    if len(np.unique(y)) < 2:
        rep.add_text(f"The test set holds only class {ds.classes[int(y[0]) if len(y) else 0]}"
                     ": ROC-AUC and PR-AUC need both classes and are undefined, and so are "
                     "the curves" + ("" if y.any() else " and the recall") + ".", note=True)
    rep.add_table(positive_class_frame(pred, truth), name="positive-class", title=heading,
                  caption=(
        "ROC-AUC and PR-AUC rank the test examples by the net's probability of class "
        f"{positive}, whatever the threshold; precision, recall and F1 are those of its "
        "predictions at 0.5. Chance is what a net without skill scores: 0.5 for ROC-AUC, the "
        f"prevalence (the share of positives) for PR-AUC and precision. {PR_AUC_NOTE} "
        "A dash: undefined on this test set."))
    if len(np.unique(y)) < 2:
        return
    label = f"class {positive}"
    rep.add_figure("roc-pr", partial(draw_curves, among=[label]),
                   curves_frames(pred, truth, label),
                   alt=f"ROC and precision-recall curves of class {positive} on the test set",
                   caption="ROC (left): the true-positive rate against the false-positive "
                   "rate as the threshold falls; its area is the ROC-AUC. Precision-recall "
                   "(right), drawn in steps as average precision reads it: its step-wise area "
                   "is the PR-AUC. The PR chance line sits at the prevalence: on imbalanced "
                   "data a ROC curve can look good while precision stays low.")


def _positives(pred: nets.Prediction, truth) -> np.ndarray:
    """0/1 of ``truth`` against the positive class, as `nets.positive_class_scores` reads
    it."""
    positive = pred.classes[1]
    return np.array([t == positive for t in np.asarray(truth, dtype=object)], dtype=np.int64)


def _prevalence(pred, truth) -> float:
    y = _positives(pred, truth)
    return float(y.mean()) if len(y) else math.nan
