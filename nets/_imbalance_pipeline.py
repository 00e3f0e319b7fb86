"""The pipeline `make_imbalance_pipeline` builds; apart because it imports imbalanced-learn,
which ``import nets`` does not load."""

from __future__ import annotations

import functools

import numpy as np
from imblearn.over_sampling import SMOTE as _ImblearnSMOTE, RandomOverSampler as _ImblearnROS
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import EditedNearestNeighbours as _ImblearnENN
from sklearn.utils import _safe_indexing

from ._imbalance_defaults import DEFAULT_SAMPLING_RATIO
from ._imbalance_registry import STRATEGIES
from ._imbalance_strategies import AnomalyClassifier, minority_class
from ._sampler_checks import ratio_reached, too_few_for_neighbours


class ImbalancePipeline(Pipeline):
    """imbalanced-learn's Pipeline whose ``fit`` refuses training data too small for its
    sampler's nearest neighbours, or already as balanced as its sampler's ratio, saying so
    (imbalanced-learn's own errors name neither the data nor the ratio).

    Any two labels fit, as imbalanced-learn takes them: the minority is the scarcer class
    (``"fraud"`` of ``"fraud"``/``"ok"``, 0 of 0/1 when 0 is scarcer, -1/+1, 1/2...).
    More are refused, whatever the strategy: each is one class against the rest (on more,
    a cleaning sampler removed whole rare classes, and the ratio samplers' float refused).
    """

    def fit(self, X, y=None, **params):
        sampler = dict(self.steps).get("sampler")
        why = "" if y is None else _not_binary(self, y)
        if sampler is not None and y is not None and not why:
            ratio = getattr(sampler, "sampling_strategy", None)  # a float: a target ratio
            under = getattr(sampler, "_sampling_type", "") == "under-sampling"
            why = too_few_for_neighbours(sampler, y) or (
                _minority_ratio_reached(y, ratio, under) if isinstance(ratio, float) else "")
        if why:
            raise ValueError(why)
        return super().fit(X, y, **params)


class EditedNearestNeighbours(_ImblearnENN):
    """imbalanced-learn's EditedNearestNeighbours, whose ``fit_resample`` returns the rows
    it keeps in their original order (``sample_indices_`` sorted).

    imbalanced-learn's returns them grouped by class (every negative, then every
    positive), which TomekLinks does not: an ENN that removed nothing handed the net the
    same rows in another order, so its mini-batches and scores differed from the plain
    net's (moons at 1:100 ranked it first, 0.265 against 0.183), though it had changed
    nothing. The net shuffles its rows every epoch, so the order carries nothing; kept in
    their order, the rows ENN keeps train the net as the same rows would without it.
    """

    def _fit_resample(self, X, y):
        super()._fit_resample(X, y)
        self.sample_indices_ = np.sort(self.sample_indices_)
        return _safe_indexing(X, self.sample_indices_), _safe_indexing(y, self.sample_indices_)


# imbalanced-learn's over-samplers copy the training rows whole before stacking them with the
# new ones, and the stack copies them again: on MNIST-sized data (51,000 x 784 float32) that
# spare copy, 152 MiB, was the imbalance benchmark's peak. The two below let the library
# choose or make the new rows and stack them once: the same arrays, bit for bit.


class RandomOverSampler(_ImblearnROS):
    """imbalanced-learn's RandomOverSampler, stacking the training rows once (see above)."""

    def _fit_resample(self, X, y):
        if self.shrinkage is not None or not isinstance(X, np.ndarray):
            return super()._fit_resample(X, y)
        # the rows it repeats depend on y and the seed alone: chosen on no columns
        _, y_resampled = super()._fit_resample(X[:, :0], y)
        return _safe_indexing(X, self.sample_indices_), y_resampled


class SMOTE(_ImblearnSMOTE):
    """imbalanced-learn's SMOTE, stacking the training rows once (see above)."""

    def _fit_resample(self, X, y):
        if not isinstance(X, np.ndarray):
            return super()._fit_resample(X, y)
        # it interpolates within each class it adds to: given those rows alone (in their
        # order) it makes the same new rows, after a copy of them only
        grown = [c for c, n in self.sampling_strategy_.items() if n]
        rows = np.flatnonzero(np.isin(y, grown))
        X_part, y_part = super()._fit_resample(X[rows], y[rows])
        return np.vstack([X, X_part[len(rows):]]), np.hstack([y, y_part[len(rows):]])


def _not_binary(pipeline: ImbalancePipeline, y) -> str:
    """Why ``pipeline`` cannot fit labels ``y`` of more than two classes, or ``""``: the
    classes, and how to get one against the rest."""
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    if len(labels) <= 2:
        return ""
    shown = ", ".join(str(c) for c in labels[:10]) + (", ..." if len(labels) > 10 else "")
    scarcest = labels[np.argmin(counts)]
    return (f"make_imbalance_pipeline's {_strategy(pipeline)!r} pipeline takes two classes "
            f"(one against the rest); got {len(labels)}: {shown}. Make one class the "
            f"positive and the others its negatives: load the dataset with "
            f"?positive=CLASS (data.load('NAME?positive={scarcest}')), or fit y == CLASS")


@functools.cache
def _strategy_of_sampler() -> dict[type, str]:
    """`STRATEGIES` keys by their sampler's class (each maker called once to see it)."""
    return {type(s.sampler(DEFAULT_SAMPLING_RATIO, None)): s.name
            for s in STRATEGIES.values() if s.sampler is not None}


def _strategy(pipeline: ImbalancePipeline) -> str:
    """The `STRATEGIES` key ``pipeline`` was made for (by its sampler, or its model); a
    sampler no strategy makes (one set by hand) by its class name."""
    steps = dict(pipeline.steps)
    if "sampler" in steps:
        sampler = type(steps["sampler"])
        return _strategy_of_sampler().get(sampler, sampler.__name__)
    model = steps.get("model")
    if isinstance(model, AnomalyClassifier):
        return "isolation_forest"
    return "class_weight" if getattr(model, "class_weight", None) is not None else "none"


def _minority_ratio_reached(y, ratio: float, under: bool) -> str:
    """`ratio_reached` on any binary labels ``y``: their minority counted as the positives
    (it counted ``y == 1`` against ``y == 0``, so "fraud"/"ok" was "0:0"). Other label
    counts are left to imbalanced-learn, whose float ratio refuses them in its words."""
    y = np.asarray(y)
    minority = minority_class(y)
    if minority is None:
        return ""
    flag = "make_imbalance_pipeline's ratio"
    if set(np.unique(y).tolist()) == {0, 1} and minority == 1:
        return ratio_reached(y, ratio, flag=flag, under=under)  # its words as they were
    is_minority = (y == minority).astype(np.int64)
    what = (f"the training data (its minority class {minority!r} counted as the positives)"
            if 2 * is_minority.sum() < len(y) else "the training data (two classes as large)")
    return ratio_reached(is_minority, ratio, flag=flag, under=under, what=what)
