"""The pipeline each imbalance remedy (`STRATEGIES`, see ``_imbalance_registry``) builds
around a net (what its sampler would refuse is checked in ``_sampler_checks``).

Every strategy becomes an :class:`imblearn.pipeline.Pipeline` ending in a classifier with
``predict_proba``: imbalanced-learn runs the samplers only in ``fit``, so whatever the
pipeline later predicts on (validation, test) keeps its real class distribution.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._build import build_net
from ._config import TrainConfig
from ._imbalance_defaults import DEFAULT_NET, DEFAULT_SAMPLING_RATIO
from ._imbalance_registry import STRATEGIES, resolve_strategies
from ._rules import check_type
from ._sklearn import NetClassifier
from ._sklearn_args import _dtype_name
from ._sklearn_input import validated


def check_sampling_ratio(value) -> float:
    """The minority/majority ratio samplers aim for, in (0, 1]: a number (0.2) or, in the
    P:N form --ratio reads, minority:majority ("1:5" is 0.2).

    Parameters
    ----------
    value : float or str
    """
    try:
        if isinstance(value, str) and ":" in value:  # --sampling-ratio 1:5 failed in argparse
            minority, majority = (float(side) for side in value.split(":"))
            ratio = minority / majority if minority > 0 and majority > 0 else math.nan
        else:
            ratio = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"sampling ratio must be a number in (0, 1] such as 0.2, or "
                         f"minority:majority such as 1:5, got {value!r}") from None
    if not 0 < ratio <= 1:
        raise ValueError(f"sampling ratio must be in (0, 1] (minority/majority after "
                         f"resampling, 0.2 = 1:5), got {value!r}")
    return ratio


def minority_class(y):
    """The scarcer of binary labels ``y`` (a plain Python value), or None when ``y`` has
    not two classes. On a tie, the larger label: the one imbalanced-learn's float ratio
    treats as the minority (it takes the first of the sorted classes as the majority)."""
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    if len(labels) != 2:
        return None
    scarcer = labels[0] if counts[0] < counts[1] else labels[1]
    return scarcer.item() if isinstance(scarcer, np.generic) else scarcer


#: What AnomalyClassifier keeps of its input's floats: IsolationForest works in float32
#: whatever it is given, so float32 features made float64 first were a copy twice their
#: size for nothing (MNIST-sized at 1:20: 305 MiB, the imbalance benchmark's peak), the
#: same values either way; other types become float64, as before.
_FOREST_DTYPES = [np.float64, np.float32]


class AnomalyClassifier(ClassifierMixin, BaseEstimator):
    """IsolationForest as a binary classifier: the anomaly score is the probability of the
    minority class (the rare one, fraud among transactions), whatever its label.

    The forest is fitted on the features alone (labels only name the classes and which
    of them is scarcer: ``anomaly_class_``; on a tie, the larger label). Its score
    ``-score_samples(X)`` is the original paper's ``s = 2^(-E[h(x)] / c(n))`` in (0, 1]:
    about 0.5 for ordinary points and near 1 for clear anomalies, so the usual 0.5
    threshold keeps its meaning. It is a ranking score, not a calibrated probability.

    Parameters
    ----------
    n_estimators : int, default 200
    random_state : int, optional

    Attributes
    ----------
    classes_ : ndarray
        The two labels, sorted: ``predict_proba``'s columns.
    anomaly_class_ : object
        The label anomalies get: the scarcer class of ``y``.
    """

    def __init__(self, n_estimators=200, random_state=None):
        self.n_estimators = n_estimators
        self.random_state = random_state

    def fit(self, X, y):
        """Fit the forest on ``X``; ``y`` gives ``classes_`` and ``anomaly_class_`` (its
        scarcer class: the larger label was taken, so "fraud" of "fraud"/"ok" was the
        normal class and 97 % of transactions were called fraud).

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of shape (n,)
            Labels of two classes.
        """
        from sklearn.ensemble import IsolationForest

        X, y = validated(self, X, y, dtype=_FOREST_DTYPES)
        check_classification_targets(y)  # a continuous y: "Unknown label type", not "20 classes"
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:  # scikit-learn's words, which its checks look for
            n = len(self.classes_)
            raise ValueError(f"Only binary classification is supported: AnomalyClassifier "
                             f"needs 2 classes, got {n} class{'es' if n != 1 else ''}")
        self.anomaly_class_ = minority_class(y)
        self.forest_ = IsolationForest(n_estimators=self.n_estimators,
                                       random_state=self.random_state).fit(X)
        return self

    def _anomaly_column(self) -> int:
        """Index of `anomaly_class_` in ``classes_``: 1 when the larger label is scarcer
        (0/1 with 1 rare, the benchmark's)."""
        return int(self.classes_.tolist().index(self.anomaly_class_))

    def predict_proba(self, X) -> np.ndarray:
        """``(n, 2)`` in the order of ``classes_``: ``s`` for `anomaly_class_`, ``1 - s``
        for the other, with ``s`` the anomaly score.

        Parameters
        ----------
        X : array-like of shape (n, d)
        """
        check_is_fitted(self)
        X = validated(self, X, reset=False, dtype=_FOREST_DTYPES)
        s = np.clip(-self.forest_.score_samples(X), 0.0, 1.0)
        return np.column_stack([1 - s, s] if self._anomaly_column() == 1 else [s, 1 - s])

    def predict(self, X) -> np.ndarray:
        """`anomaly_class_` where the anomaly score is at least 0.5, else the other class.

        Parameters
        ----------
        X : array-like of shape (n, d)
        """
        proba = self.predict_proba(X)  # first: NotFittedError before classes_
        k = self._anomaly_column()
        return self.classes_[np.where(proba[:, k] >= 0.5, k, 1 - k)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # two classes: normal and anomalous
        # an anomaly score ranks outliers of the features alone: it does not learn the
        # classes of scikit-learn's check data (blobs) to their 83 % accuracy
        tags.classifier_tags.poor_score = True
        return tags


def make_imbalance_pipeline(strategy: str, ratio: float = DEFAULT_SAMPLING_RATIO,
                            net_params: Mapping | None = None, random_state: int | None = None):
    """The imbalanced-learn pipeline of one strategy: ``[sampler,] model``.

    Parameters
    ----------
    strategy : str
        A key (or alias) of `STRATEGIES`.
    ratio : float or str
        Sampling ratio, minority/majority after resampling (0.2, or "1:5"); ignored by
        strategies whose ``uses_ratio`` is False.
    net_params : mapping, optional
        :class:`nets.NetClassifier` parameters, over `DEFAULT_NET` (a partial mapping
        keeps its float32 dtype and epochs); a TrainConfig's: `net_params_from_config`.
    random_state : int, optional
        Seeds the net, the sampler and the forest.

    Returns
    -------
    imblearn.pipeline.Pipeline
        Fit it on training data only; ``predict_proba`` never resamples. Any two labels
        fit: the minority (what samplers add to or aim at) is the scarcer class, as in
        imbalanced-learn. ``fit`` raises ValueError on more than two classes (one against
        the rest: a dataset's ``?positive=``), and when the training data is too small for
        the sampler's neighbours or already at its ratio.
    """
    from ._imbalance_pipeline import ImbalancePipeline as Pipeline

    (name,) = resolve_strategies([strategy])
    entry = STRATEGIES[name]
    ratio = check_sampling_ratio(ratio)
    if entry.kind == "anomaly":
        return Pipeline([("model", AnomalyClassifier(random_state=random_state))])
    params = over_default_net(net_params)
    if "class_weight" in params:  # dropping it silently trained without weights
        raise ValueError(_NOT_NET_PARAMS["class_weight"])
    if "random_state" in params:  # one seed for the net, the sampler and the forest
        raise ValueError("give random_state as make_imbalance_pipeline's own argument, not in "
                         "net_params (it seeds the sampler too)")
    check_net_params(params)  # an unknown one named with the valid ones, not a TypeError
    net = NetClassifier(**params, random_state=random_state,
                        class_weight="balanced" if entry.kind == "loss" else None)
    steps = [("model", net)]
    if entry.sampler is not None:
        steps.insert(0, ("sampler", entry.sampler(ratio, random_state)))
    return Pipeline(steps)


#: NetClassifier parameters the benchmark sets itself, and what to do instead.
_NOT_NET_PARAMS = {
    "class_weight": "class_weight is not a net parameter here: class weights come from the "
                    "class_weight strategy (add it to the strategies); the others train "
                    "without weights",
    "random_state": "random_state is not a net parameter here: every run's net, sampler and "
                    "forest are seeded from the benchmark's seed (seed=, --seed)",
}


def check_net_params(params: Mapping, n_features: int | None = None) -> None:
    """Raise ValueError for net settings every run would fail on (before any run starts).

    :class:`nets.NetClassifier` takes `nets.TrainConfig`'s names; it checks them in
    ``fit``, where a benchmark would record each run as failed instead. ``class_weight``
    and ``random_state`` are the benchmark's own (the strategy, the seed). With
    ``n_features``, one net is built too: widths too large to allocate fail here.

    Parameters
    ----------
    params : Mapping
        The net settings (`nets.TrainConfig`'s names).
    n_features : int, optional
        As above.
    """
    for name, message in _NOT_NET_PARAMS.items():
        if name in params:
            raise ValueError(message)
    unknown = sorted(set(params) - set(PIPELINE_NET_PARAMS))
    if unknown:
        raise ValueError(f"unknown net parameter {unknown[0]!r}; "
                         f"valid: {', '.join(PIPELINE_NET_PARAMS)}")
    # dtype as the estimator reads it (np.float32, 'f4'...), which its fit would take
    cfg = TrainConfig(**{**params, **({"dtype": _dtype_name(params["dtype"])}
                                      if "dtype" in params else {})})
    if n_features is not None:
        build_net(cfg, n_features, np.array([0, 1]), rng=np.random.default_rng(0))


#: The parameters a pipeline's nets.NetClassifier takes from its caller (a study refuses the
#: other TrainConfig fields): read off the class, so that none it gains is refused as ignored.
PIPELINE_NET_PARAMS = tuple(n for n in NetClassifier().get_params()
                            if n not in _NOT_NET_PARAMS)


def over_default_net(net_params: Mapping | None) -> dict:
    """`DEFAULT_NET` updated by ``net_params``; TypeError for what is no mapping, a
    TrainConfig too ("'TrainConfig' object is not iterable"): it is every setting, not
    the changes to `DEFAULT_NET`, and holds some a pipeline's net does not take.

    Parameters
    ----------
    net_params : mapping, optional
        NetClassifier parameters that change `DEFAULT_NET`'s; None: none.
    """
    if isinstance(net_params, TrainConfig):
        raise TypeError("net_params must be a mapping of NetClassifier parameters, got a "
                        "TrainConfig: pass nets.net_params_from_config(cfg)")
    if net_params is not None and not isinstance(net_params, Mapping):
        raise TypeError("net_params must be a mapping of NetClassifier parameters, got "
                        f"{type(net_params).__name__}")
    return {**DEFAULT_NET, **(net_params or {})}


def net_params_from_config(cfg) -> dict:
    """:class:`nets.NetClassifier` parameters from a :class:`nets.TrainConfig` (for studies):
    the `PIPELINE_NET_PARAMS` fields, every one of them (`DEFAULT_NET` gives none). The
    others (``class_weight``, ``head``, ``checkpoint``, ``eval_size``,
    ``divergence_factor``, ``extra``) are left out: a pipeline's strategy weighs classes,
    its net is a classifier and keeps no checkpoints.

    Parameters
    ----------
    cfg : TrainConfig
    """
    check_type("cfg", cfg, TrainConfig, "a nets.TrainConfig")
    out = {n: getattr(cfg, n) for n in PIPELINE_NET_PARAMS}
    out["activation"] = tuple(a if isinstance(a, str) else a.name for a in cfg.activation)
    return out
