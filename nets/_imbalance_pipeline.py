"""The pipeline `make_imbalance_pipeline` builds; apart because it imports imbalanced-learn,
which ``import nets`` does not load."""

from __future__ import annotations

from imblearn.pipeline import Pipeline

from ._imbalance_strategies import too_few_for_neighbours


class ImbalancePipeline(Pipeline):
    """imbalanced-learn's Pipeline whose ``fit`` refuses training data too small for its
    sampler's nearest neighbours, saying so (scikit-learn's own error names neither)."""

    def fit(self, X, y=None, **params):
        sampler = dict(self.steps).get("sampler")
        why = too_few_for_neighbours(sampler, y) if sampler is not None and y is not None else ""
        if why:
            raise ValueError(why)
        return super().fit(X, y, **params)
