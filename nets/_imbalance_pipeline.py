"""The pipeline `make_imbalance_pipeline` builds; apart because it imports imbalanced-learn,
which ``import nets`` does not load."""

from __future__ import annotations

from imblearn.pipeline import Pipeline

from ._imbalance_strategies import ratio_reached, too_few_for_neighbours


class ImbalancePipeline(Pipeline):
    """imbalanced-learn's Pipeline whose ``fit`` refuses training data too small for its
    sampler's nearest neighbours, or already as balanced as its sampler's ratio, saying so
    (imbalanced-learn's own errors name neither the data nor the ratio)."""

    def fit(self, X, y=None, **params):
        sampler = dict(self.steps).get("sampler")
        why = ""
        if sampler is not None and y is not None:
            ratio = getattr(sampler, "sampling_strategy", None)  # a float: a target ratio
            why = too_few_for_neighbours(sampler, y) or (
                ratio_reached(y, ratio, flag="make_imbalance_pipeline's ratio",
                              under=getattr(sampler, "_sampling_type", "") == "under-sampling")
                if isinstance(ratio, float) else "")
        if why:
            raise ValueError(why)
        return super().fit(X, y, **params)
