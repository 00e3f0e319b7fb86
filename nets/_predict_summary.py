"""`hplab predict`'s summary (its ``--json``): a saved model's predictions listed and,
on a dataset's split, scored against the true labels.
"""

from __future__ import annotations

import math

from ._predict_scores import (
    POSITIVE_SCORES,
    positive_class_scores,
    prediction_records,
    score_prediction,
)


def predict_summary(model, pred, truth=None, *, limit: int, threshold: float | None = None,
                    dataset: str | None = None, data_seed: int | None = None,
                    data_changed: bool | None = None, input=None, out_path=None,
                    loss: float | None = None) -> dict:
    """The summary ``hplab predict --json`` prints.

    Parameters
    ----------
    model : SavedModel
        The model that predicted.
    pred : Prediction
        Its predictions.
    truth : array, optional
        The true labels or targets (a dataset's split), which the scores need.
    limit : int
        Predictions listed (-1: all).
    threshold : float, optional
        The positive class's probability threshold asked for (None: the more probable
        class).
    dataset, data_seed, data_changed : optional
        The dataset predicted on, the seed of its split, whether it is not the data the
        model was trained on.
    input, out_path : optional
        The raw inputs' file predicted on; the predictions' CSV written.
    loss : float, optional
        The model's loss on the split (`dataset_loss`), as a training run's ``test_loss``.

    Returns
    -------
    dict
    """
    scores = score_prediction(pred, truth) if truth is not None else \
        {"accuracy": None, "rmse": None, "mae": None, "r2": None}
    # a binary model's positive class: what accuracy hides on imbalanced data
    positive = positive_class_scores(pred, truth) if truth is not None else \
        dict.fromkeys(POSITIVE_SCORES)
    shown = len(pred) if limit < 0 else min(limit, len(pred))
    # the threshold in effect: a two-class model's more probable class is its positive one
    # from 0.5 (null, as if none applied, misread the scores at 0.5 as at no threshold)
    if threshold is None and model.task != "regression" and len(model.classes) == 2:
        threshold = 0.5
    return {"model": str(model.path), "task": model.task, "classes": list(model.classes),
            "dataset": dataset, "split": "test" if dataset else None, "data_seed": data_seed,
            "data_changed": data_changed,
            "input": input, "n": len(pred), "n_shown": shown,
            **prediction_records(pred, shown, truth), **scores,
            "loss": None if loss is None or not math.isfinite(loss) else loss,
            "out_path": out_path,
            "threshold": threshold, **positive}
