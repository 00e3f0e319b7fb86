"""Scores for imbalanced binary classification, the tuned threshold and seed intervals.

The scores reported come from scikit-learn or imbalanced-learn; this module decides which
ones, at which threshold, and how they are averaged over seeds. The one exception is the
threshold search (`best_threshold`): it scores every candidate threshold at once from
cumulative true and false positive counts (`_from_counts`: F1, balanced accuracy, g-mean
and MCC by the libraries' definitions, 0 where undefined), one sort where a library call
per threshold would cost a pass over the split each; tests/test_imbalance.py checks them
against scikit-learn's and imbalanced-learn's at every cut. A prediction is positive when
its probability is ``>= threshold`` (scikit-learn's convention for tuned thresholds).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nets import IMBALANCE_METRICS, STRATEGIES, and_list, binary_labels_and_scores, unknown_name

#: What the threshold can be tuned for on the validation split.
TUNE_METRICS = ("f1", "balanced_accuracy", "mcc", "g_mean")
#: The metrics that read a score as a probability. A strategy whose score is none
#: (isolation_forest's anomaly score in (0, 1]) is left out of their rankings, as the
#: report's calibration section leaves it out: QA, its Brier score, ~0.22 by construction,
#: ranked it "3." beside the nets as if it were the worst calibrated.
PROBABILITY_METRICS = ("brier",)


def unranked(metric: str, strategies) -> list[str]:
    """The ``strategies`` a ranking by ``metric`` leaves out: those whose score is no
    probability (`nets.STRATEGIES`' kind "anomaly") when ``metric`` reads one
    (`PROBABILITY_METRICS`).

    Parameters
    ----------
    metric : str
        A key of `IMBALANCE_METRICS`.
    strategies : iterable of str
        Keys of `nets.STRATEGIES`.

    Returns
    -------
    list of str
        In the order given; empty for a metric that reads no probability.
    """
    if metric not in PROBABILITY_METRICS:
        return []
    return [s for s in strategies if STRATEGIES[s].kind == "anomaly"]


def unranked_words(metric: str, names) -> str:
    """Why a ranking by ``metric`` leaves ``names`` (`unranked`'s) out: a sentence, or "".

    Parameters
    ----------
    metric : str
        The ranking metric.
    names : list of str
        The strategies `unranked` leaves out.
    """
    if not names:
        return ""
    one = len(names) == 1
    return (f"{and_list(names)} {'is' if one else 'are'} left out of the {metric} ranking: "
            + ("its score is an anomaly score in (0, 1], not a probability, so its "
               f"{metric} score means nothing." if one else
               "their scores are anomaly scores in (0, 1], not probabilities, so their "
               f"{metric} scores mean nothing."))


def check_tune_for(tune_for) -> None:
    """ValueError for a ``tune_for`` that is none of `TUNE_METRICS`."""
    if tune_for not in TUNE_METRICS:
        raise ValueError(unknown_name("tune_for", tune_for, TUNE_METRICS))


def _from_counts(tp, fp, P: int, N: int, tune_for: str) -> np.ndarray:
    """``tune_for`` at every candidate threshold from its true/false positive counts
    (the definitions scikit-learn and imbalanced-learn use, 0 where undefined)."""
    fn, tn = P - tp, N - fp
    tpr, tnr = tp / max(P, 1), tn / max(N, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if tune_for == "f1":
            out = 2 * tp / (2 * tp + fp + fn)
        elif tune_for == "balanced_accuracy":
            out = (tpr + tnr) / 2
        elif tune_for == "g_mean":
            out = np.sqrt(tpr * tnr)
        else:  # mcc
            out = (tp * tn - fp * fn) / np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return np.nan_to_num(out, nan=0.0)


def best_threshold(y_true, proba, tune_for: str = "f1") -> float:
    """The threshold maximizing ``tune_for`` over every distinct score (exact search).

    What :class:`sklearn.model_selection.TunedThresholdClassifierCV` does with
    ``cv="prefit", refit=False`` on the validation split, without its grid: each distinct
    score is a candidate cut (``proba >= cut`` is positive), so the optimum is exact and
    the search costs one sort. The threshold returned sits halfway between the best cut
    and the next lower score, the middle of the interval that gives the same predictions.

    Parameters
    ----------
    y_true : array (n,)
        1 for the positive class, 0 for the other.
    proba : array (n,)
        Each sample's score for the positive class.
    tune_for : str
        The metric maximized, one of `TUNE_METRICS`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Unknown ``tune_for``, labels other than 0 and 1, scores not one per label (two
        columns of ``predict_proba``: pass column 1), one class only in ``y_true``,
        constant or non-finite scores.
    """
    check_tune_for(tune_for)
    y, p = binary_labels_and_scores(y_true, proba)  # labels 1/2 gave P=6, N=-2
    P, N = int(y.sum()), int(len(y) - y.sum())
    if P == 0 or N == 0:
        raise ValueError("threshold tuning needs both classes in the validation split")
    if not np.isfinite(p).all():  # a NaN cut would call every example negative
        raise ValueError("threshold tuning needs finite scores; some are NaN or infinite")
    order = np.argsort(-p, kind="stable")
    p, y = p[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(p) != 0), len(p) - 1]  # end of each tie group
    if len(last) < 2:
        raise ValueError("validation scores are constant: no threshold separates them")
    tp = np.cumsum(y)[last]
    fp = (last + 1) - tp
    score = _from_counts(tp, fp, P, N, tune_for)
    k = int(np.argmax(score))  # highest cut among equals: the fewest false positives
    cut = p[last[k]]
    if k + 1 < len(last):
        return float((cut + p[last[k + 1]]) / 2)
    # every example positive: halfway to 0 for probabilities; a score below 0 is the cut
    return float(cut / 2) if cut > 0 else float(cut)


def tune_threshold(fitted, X_val, y_val, tune_for: str = "f1") -> float:
    """`best_threshold` of a fitted classifier's positive probabilities on ``X_val``.

    The model is not retrained: the validation split, never seen in training, is the
    only data the threshold is chosen on.

    Parameters
    ----------
    fitted : classifier
        Fitted, with ``predict_proba`` (a pipeline's too).
    X_val, y_val : arrays
        The validation split; ``y_val`` 1 for the positive class.
    tune_for : str
        One of `TUNE_METRICS`.

    Returns
    -------
    float
    """
    return best_threshold(y_val, fitted.predict_proba(X_val)[:, 1], tune_for)


#: Where each metric lives; intervals are clipped to it (few seeds give wide t intervals).
METRIC_RANGE = {m: (-1.0, 1.0) if m == "mcc" else (0.0, 1.0) for m in IMBALANCE_METRICS}


def mean_ci(values, confidence: float = 0.95, bounds: tuple[float, float] | None = None
            ) -> tuple[float, float, float]:
    """Mean and Student-t interval of the mean over seeds; NaN bounds for one value.

    Parameters
    ----------
    values : array-like
        One value per seed; NaN values (failed runs) are left out.
    confidence : float in (0, 1)
        The interval's level.
    bounds : (low, high), optional
        Clip the interval to these (a recall interval past 1 says nothing more than 1).

    Returns
    -------
    (mean, low, high) : tuple of float
        All NaN without a value.
    """
    from scipy import stats

    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(v.mean())
    if v.size < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + confidence / 2, v.size - 1) * v.std(ddof=1)
                 / math.sqrt(v.size))
    lo, hi = mean - half, mean + half
    if bounds is not None:
        lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
    return mean, lo, hi


def _roc_on_grid(fpr, tpr, grid) -> tuple[np.ndarray, np.ndarray]:
    """One ROC curve's true-positive rate at each false-positive rate of ``grid``: the
    lowest and highest (they differ where the curve rises vertically). Exact wherever
    ``grid`` holds every corner of the curve, which is linear in between."""
    inside = np.interp(grid, fpr, tpr)  # right between corners, whatever the duplicates
    first = np.minimum(np.searchsorted(fpr, grid, side="left"), len(fpr) - 1)
    last = np.searchsorted(fpr, grid, side="right") - 1
    corner = fpr[first] == grid
    return (np.where(corner, tpr[first], inside),
            np.where(corner, tpr[np.maximum(last, 0)], inside))


def _precision_on_grid(recall, precision, grid) -> np.ndarray:
    """One PR curve's precision at each recall of ``grid``, read the way average precision
    reads it: at the first threshold (from the top) reaching that recall. The step-wise
    area under the result is the curve's average precision when ``grid`` holds every
    recall of the curve."""
    up_r, up_p = recall[::-1], precision[::-1]  # recall rising as the threshold falls
    return up_p[np.minimum(np.searchsorted(up_r, grid, side="left"), len(up_r) - 1)]


def curve_frames(scores: pd.DataFrame, n_bins: int = 10) -> dict[str, pd.DataFrame]:
    """ROC, precision-recall and calibration curves per group of test scores.

    ``scores`` has columns ``ratio, strategy, mode, seed, y_true, proba``. The ROC and PR
    curves of a group (ratio, strategy, mode) are the mean of its seeds' curves: the
    true-positive rate averaged at each false-positive rate (vertical averaging), the
    precision at each recall. Every seed's corners are on the common grid, so the area
    under a mean curve is its seeds' mean ROC-AUC (trapezoid) and mean PR-AUC (average
    precision, step-wise), the numbers the tables show. Pooling the seeds' scores into
    one curve mixed differently calibrated models and could contradict those tables.
    ``prevalence`` is the seeds' mean; ``n_seeds`` counts the seeds averaged (a failed
    run has no scores). Calibration pools the seeds (reliability of every test
    prediction made).
    """
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import precision_recall_curve, roc_curve

    roc, pr, cal = [], [], []
    keys = ["ratio", "strategy", "mode"]
    for key, g in scores.groupby(keys, sort=False):
        tag = dict(zip(keys, key, strict=True))
        seeds = [(s["y_true"].to_numpy().astype(np.int64), s["proba"].to_numpy(float))
                 for _, s in g.groupby("seed", sort=True)]
        seeds = [(y, p) for y, p in seeds if len(np.unique(y)) == 2]  # a curve needs both
        if not seeds:
            continue
        rocs = [roc_curve(y, p)[:2] for y, p in seeds]
        prs = [precision_recall_curve(y, p)[:2] for y, p in seeds]
        grid = np.unique(np.concatenate([f for f, _ in rocs]))
        low, high = np.mean([_roc_on_grid(f, t, grid) for f, t in rocs], axis=0)
        roc.append(pd.DataFrame({**tag, "fpr": np.repeat(grid, 2),
                                 "tpr": np.column_stack([low, high]).ravel(),
                                 "n_seeds": len(seeds)}))
        grid = np.unique(np.concatenate([r for _, r in prs]))[::-1]  # sklearn's order
        prec = np.mean([_precision_on_grid(r, p, grid) for p, r in prs], axis=0)
        pr.append(pd.DataFrame({**tag, "recall": grid, "precision": prec,
                                "prevalence": float(np.mean([y.mean() for y, _ in seeds])),
                                "n_seeds": len(seeds)}))
        y, p = np.concatenate([y for y, _ in seeds]), np.concatenate([p for _, p in seeds])
        frac, mean_p = calibration_curve(y, np.clip(p, 0, 1), n_bins=n_bins,
                                         strategy="uniform")
        cal.append(pd.DataFrame({**tag, "mean_predicted": mean_p, "fraction_positive": frac}))

    def cat(parts, cols):
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)

    return {"roc": cat(roc, [*keys, "fpr", "tpr", "n_seeds"]),
            "pr": cat(pr, [*keys, "recall", "precision", "prevalence", "n_seeds"]),
            "calibration": cat(cal, [*keys, "mean_predicted", "fraction_positive"])}
