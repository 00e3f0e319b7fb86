"""What `NetClassifier` does with class labels: per-class loss weights from its
``class_weight``, and predictions as labels, probabilities, log-probabilities and logits
(a base of `NetClassifier`)."""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax
from sklearn.utils.class_weight import compute_class_weight

from ._validation import _relative_weights


class _ClassifierLabels:
    """`nets.NetClassifier`'s class weights and predictions, on its fitted net and
    ``classes_``."""

    def _class_weights(self, classes, y, sample_weight=None) -> tuple[float, ...] | None:
        cw = self.class_weight
        if cw is None:
            return None
        if isinstance(cw, str) and cw == "balanced":
            # from the weighted class counts, as scikit-learn's estimators count them: a
            # weight of 2 is a repeated row (from y alone, it was not). Checked first, for
            # our one-line errors; a class whose samples all weigh 0 counts for nothing
            sw = None if sample_weight is None else _relative_weights(sample_weight, len(y),
                                                                      "training")
            with np.errstate(divide="ignore"):
                w = compute_class_weight("balanced", classes=classes, y=y, sample_weight=sw)
            return tuple(float(v) if np.isfinite(v) else 0.0 for v in w)
        if isinstance(cw, dict):
            labels = set(classes.tolist())
            unknown = [k for k in cw if k not in labels]
            # scikit-learn's rule: a dict that weights every class may name more (a CV
            # fold without a rare class); one that does not is a typo's likely sign
            if unknown and not labels <= set(cw):
                raise ValueError(f"class_weight names classes {unknown!r} not in the "
                                 f"labels {classes.tolist()!r}")
            try:
                return tuple(float(cw.get(c, 1.0)) for c in classes.tolist())
            except (TypeError, ValueError):  # float("a") named no argument
                raise ValueError(f"class_weight must map classes to numbers, got {cw!r}"
                                 ) from None
        raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {cw!r}")

    def decision_function(self, X) -> np.ndarray:
        """Logits: ``(n,)`` for two classes (> 0 means ``classes_[1]``), else ``(n, k)``.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Raw features, as given to `fit`.
        """
        X = self._check_X(X)
        z = self.net_.logits(X)
        return z[:, 0] if len(self.classes_) == 2 else z

    def predict_proba(self, X) -> np.ndarray:
        """``(n, k)`` class probabilities in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Raw features, as given to `fit`.
        """
        X = self._check_X(X)
        return self.net_._head.probabilities(self.net_.logits(X))

    def predict_log_proba(self, X) -> np.ndarray:
        """Log-probabilities from the logits: finite where a probability rounds to 0.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Raw features, as given to `fit`.
        """
        X = self._check_X(X)  # first: an unfitted estimator raises NotFittedError there
        z = self.net_.logits(X)
        if len(self.classes_) == 2:  # one logit, the log-odds of classes_[1] against [0]
            z = np.hstack([np.zeros_like(z), z])
        return log_softmax(z, axis=1)

    def predict(self, X) -> np.ndarray:
        """``(n,)`` predicted labels, from ``classes_``: the most probable class (binary:
        probability above 0.5).

        Parameters
        ----------
        X : array-like of shape (n, d)
            Raw features, as given to `fit`.
        """
        X = self._check_X(X)
        return self.classes_[self.net_.predict(X)]
