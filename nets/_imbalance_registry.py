"""The registry of imbalance remedies (`STRATEGIES`) and how a name finds its entry.

The standard library only: a command's --help lists the names without importing
scikit-learn or imbalanced-learn (each sampler's class is imported when it is made).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass

from ._rules import unknown_name


@dataclass(frozen=True)
class Strategy:
    """One remedy: how to build its sampler (if any) and what it does.

    Attributes
    ----------
    name : str
        Registry key (``smote``).
    label : str
        Name shown in reports (the imbalanced-learn class name for samplers).
    kind : str
        ``baseline``, ``loss``, ``over``, ``under``, ``clean``, ``combined`` or ``anomaly``.
    sampler : callable or None
        ``sampler(sampling_ratio, random_state)`` -> an imbalanced-learn sampler.
    uses_ratio : bool
        Whether the sampling ratio (minority/majority after resampling) applies.
    description : str
    """

    name: str
    label: str
    kind: str
    sampler: Callable | None
    uses_ratio: bool
    description: str


def _sampler(module: str, cls: str, *, ratio: bool = True, **fixed) -> Callable:
    """A maker passing only what ``module.cls`` accepts (cleaning samplers have no seed)."""

    def make(sampling_ratio: float, random_state: int | None):
        klass = getattr(importlib.import_module(module), cls)
        accepted = inspect.signature(klass).parameters
        kwargs = dict(fixed)
        if ratio:
            kwargs["sampling_strategy"] = float(sampling_ratio)
        if "random_state" in accepted:
            kwargs["random_state"] = random_state
        return klass(**kwargs)

    return make


_OVER, _UNDER, _COMBINE = ("imblearn.over_sampling", "imblearn.under_sampling",
                           "imblearn.combine")
_LEAN = "nets._imbalance_pipeline"  # imbalanced-learn's classes, copying less (same output)

STRATEGIES: dict[str, Strategy] = {s.name: s for s in (
    Strategy("none", "none", "baseline", None, False, "the net on the data as it is"),
    Strategy("class_weight", "class weights", "loss", None, False,
             "balanced class weights in the loss (n / (2 n_class)); no resampling"),
    Strategy("random_over", "RandomOverSampler", "over",
             _sampler(_LEAN, "RandomOverSampler"), True, "repeat minority examples"),
    Strategy("smote", "SMOTE", "over", _sampler(_LEAN, "SMOTE"), True,
             "interpolate new minority examples between 5 nearest minority neighbours"),
    Strategy("adasyn", "ADASYN", "over", _sampler(_OVER, "ADASYN"), True,
             "SMOTE weighted toward minority examples surrounded by the majority"),
    Strategy("borderline_smote", "BorderlineSMOTE", "over",
             _sampler(_OVER, "BorderlineSMOTE"), True,
             "SMOTE from minority examples near the class border only"),
    Strategy("random_under", "RandomUnderSampler", "under",
             _sampler(_UNDER, "RandomUnderSampler"), True, "drop random majority examples"),
    Strategy("near_miss", "NearMiss", "under", _sampler(_UNDER, "NearMiss"), True,
             "keep the majority examples closest to the minority (version 1)"),
    Strategy("tomek_links", "TomekLinks", "clean", _sampler(_UNDER, "TomekLinks", ratio=False),
             False, "remove majority members of Tomek links (cleaning, no target ratio)"),
    Strategy("enn", "EditedNearestNeighbours", "clean",
             # imbalanced-learn's, returning the rows it keeps in their order
             _sampler("nets._imbalance_pipeline", "EditedNearestNeighbours", ratio=False),
             False,
             "remove majority examples their 3 neighbours disagree with (cleaning)"),
    Strategy("smote_enn", "SMOTEENN", "combined", _sampler(_COMBINE, "SMOTEENN"), True,
             "SMOTE to the ratio, then ENN cleaning"),
    Strategy("smote_tomek", "SMOTETomek", "combined", _sampler(_COMBINE, "SMOTETomek"), True,
             "SMOTE to the ratio, then Tomek-link cleaning"),
    Strategy("isolation_forest", "IsolationForest", "anomaly", None, False,
             "anomaly-detection baseline: no labels used, the positive class as anomalies"),
)}

#: the strategies hplab itself defines: a script's (`register_strategy`) is any other
BUILT_IN_STRATEGIES = dict(STRATEGIES)

# imbalanced-learn class names and a few spellings, so `--strategies SMOTE,ROS` works too.
_ALIASES = {**{s.label.lower(): s.name for s in BUILT_IN_STRATEGIES.values()},
            "ros": "random_over", "rus": "random_under", "balanced": "class_weight",
            "iforest": "isolation_forest", "tomek": "tomek_links", "smoteenn": "smote_enn",
            "smotetomek": "smote_tomek", "nearmiss": "near_miss"}


def resolve_strategies(names) -> tuple[str, ...]:
    """Registry keys for ``names`` (keys or aliases, any case), in the order given.

    Parameters
    ----------
    names : str or iterable of str
        Strategy keys or aliases; a str is one comma-separated list.

    Raises
    ------
    ValueError
        An unknown name; the message lists every valid one.
    """
    if names is None:
        return tuple(STRATEGIES)
    if isinstance(names, str):
        names = names.split(",")  # an empty item ("none,,smote") is an unknown name
    out: list[str] = []
    for raw in names:
        if not isinstance(raw, str):  # str(None) is "none", a strategy's name
            raise ValueError(f"strategy names are strings, e.g. 'smote'; got {raw!r}")
        key = raw.strip().lower().replace("-", "_")
        key = key if key in STRATEGIES else _ALIASES.get(key.replace("_", ""),
                                                          _ALIASES.get(key))
        if key is None:
            raise ValueError(unknown_name("strategy", raw, STRATEGIES))
        if key not in out:
            out.append(key)
    if not out:
        raise ValueError(f"no strategy given; valid: {', '.join(STRATEGIES)}")
    return tuple(out)
