"""An imbalance-strategy trial's pipeline: fitted as the trial fits it, and again for the report.

A trial with an ``imbalance_strategy`` trains its net inside an imbalanced-learn pipeline
(sampler, then a ``NetClassifier``). The study report retrains the best trial through
the same pipeline and seed, so the model it shows and saves is the one the trial scored.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

import nets

from ._registry import IMBALANCE_METRICS, PIPELINE_NET_METRICS
from ._run_files import save_run_files
from ._train_run import TrainRun, test_metrics, val_scores


def pipeline_seed(study_seed: int, number: int) -> int:
    """The pipeline's ``random_state`` of trial ``number`` (net, sampler and forest).

    Parameters
    ----------
    study_seed : int
        The study's seed (its spec's ``seed``).
    number : int
        The trial's number.

    Returns
    -------
    int
        ``SeedSequence([study_seed, number])``'s first 32-bit word.
    """
    return int(np.random.SeedSequence([study_seed, number]).generate_state(1)[0])


def fit_pipeline(ds, cfg, strategy: str, ratio, random_state: int):
    """``strategy``'s pipeline fitted on ``ds``'s training split.

    A sampler may fail on the data (too few minority samples): its error propagates.

    Parameters
    ----------
    ds : data.Dataset
    cfg : nets.TrainConfig
        The pipeline net's settings.
    strategy : str
        A name `nets.resolve_strategies` takes.
    ratio : float or None
        The sampling ratio (None: `nets.DEFAULT_SAMPLING_RATIO`).
    random_state : int
        Seeds the net, the sampler and the forest (`pipeline_seed`).

    Returns
    -------
    (pipeline, seconds) : tuple
    """
    ratio = nets.DEFAULT_SAMPLING_RATIO if ratio is None else ratio
    t0 = time.perf_counter()
    pipe = nets.make_imbalance_pipeline(
        strategy, ratio, nets.net_params_from_config(cfg), random_state=random_state)
    from sklearn.exceptions import ConvergenceWarning  # loaded with the pipeline

    # the net's word on how its fit ended (max_epochs reached, the spec's setting; diverged):
    # the trial records that status, as a plain trial does, which warns of none of it. Only
    # that: a sampler's warning, a one_cycle too short, the host's other threads' are seen
    with nets.filtered_warnings(("ignore", ConvergenceWarning, r"NetClassifier: ")):
        pipe.fit(ds.X_train, ds.y_train)
    return pipe, time.perf_counter() - t0


def pipeline_train_run(ds, cfg, strategy: str, ratio, *, study_seed: int, number: int,
                       name: str | None = None, out=None):
    """Trial ``number``'s pipeline fitted again; ``(pipeline, run)``.

    ``run`` is the :class:`TrainRun` of the pipeline's net (saved under ``out`` like any
    run: resampling only shapes training, so the net alone predicts as the pipeline
    does), or None for a strategy without a net (the anomaly-detection baseline). Its
    ``seed`` is the pipeline's random_state (`pipeline_seed`); its config.json records
    that, the strategy and the sampling ratio it used (None when the strategy takes none).

    Parameters
    ----------
    ds : data.Dataset
        The study's data, loaded with its seed (binary).
    cfg : nets.TrainConfig
        The trial's net and training settings.
    strategy : str
        The trial's imbalance strategy, a name `nets.resolve_strategies` takes.
    ratio : float or None
        Its sampling ratio (None: `nets.DEFAULT_SAMPLING_RATIO`).
    study_seed, number : int
        The study's seed and the trial's number: they seed the pipeline as the trial did.
    name : str, optional
        The run's name in its files (default: the dataset's).
    out : path, optional
        Folder for the net's files; nothing written if None.

    Returns
    -------
    tuple
        ``(pipeline, run)``: the fitted imbalanced-learn pipeline and its `TrainRun`.
    """
    seed = pipeline_seed(study_seed, number)
    pipe, seconds = fit_pipeline(ds, cfg, strategy, ratio, seed)
    model = pipe.named_steps["model"]
    net = getattr(model, "net_", None)
    if net is None:
        return pipe, None
    (strategy,) = nets.resolve_strategies([strategy])
    used = nets.DEFAULT_SAMPLING_RATIO if ratio is None else float(ratio)
    run = TrainRun(name=name or ds.name, dataset=ds, config=model.config_, net=net,
                   result=model.result_, seed=seed, seconds=seconds,
                   test_metrics=test_metrics(net, ds), imbalance_strategy=strategy,
                   sampling_ratio=used if nets.STRATEGIES[strategy].uses_ratio else None,
                   trial_seed=(int(study_seed), int(number)))
    if out is not None:
        save_run_files(run, Path(out))
    return pipe, run


def pipeline_metrics(ds, pipe, seconds: float) -> dict[str, float]:
    """Every metric a pipeline trial can optimize (`pipeline_val_scores`, val_loss,
    train_loss, n_parameters, epochs, train_seconds); NaN where the strategy has no net,
    and `pipeline_val_scores` NaN where its net diverged.

    Parameters
    ----------
    ds : data.Dataset
    pipe : imblearn.pipeline.Pipeline
        A fitted pipeline (`fit_pipeline`).
    seconds : float
        Its fit's time, the ``train_seconds``.

    Returns
    -------
    dict
    """
    model = pipe.named_steps["model"]
    net = getattr(model, "net_", None)
    # a diverged net may predict nothing (NetClassifier refuses NaN outputs): the trial
    # records "diverged", as one without a pipeline does, not a scoring error
    scores = (dict.fromkeys((*IMBALANCE_METRICS, "val_accuracy"), math.nan)
              if getattr(model, "status_", None) == "diverged"
              else pipeline_val_scores(ds, pipe))
    known = {**scores, "train_seconds": seconds,
             **dict.fromkeys(PIPELINE_NET_METRICS, math.nan)}
    if net is not None:
        known.update(val_loss=val_scores(net, ds)[0], n_parameters=float(net.n_parameters),
                     epochs=float(model.n_iter_), train_loss=float(model.loss_))
    return known


def pipeline_val_scores(ds, pipe) -> dict[str, float]:
    """What a pipeline trial measures on the validation split: `val_imbalance_metrics`
    and ``val_accuracy``, at threshold 0.5.

    Parameters
    ----------
    ds : data.Dataset
        Binary data; its validation split is scored.
    pipe : imblearn pipeline
        A fitted `fit_pipeline` pipeline.
    """
    proba = pipe.predict_proba(ds.X_val)[:, 1]
    scores = val_imbalance_metrics(ds, proba)
    scores["val_accuracy"] = float(np.mean((proba >= 0.5) == (ds.y_val == 1)))
    return scores


def positive_scores(proba) -> np.ndarray:
    """P(positive class) of binary data from a net's output: a logistic head's one column,
    or column 1 of a 2-way softmax head.

    Parameters
    ----------
    proba : ndarray
        ``(n, 1)`` or ``(n, 2)`` probabilities.
    """
    proba = np.asarray(proba)
    return (proba[:, 1] if proba.ndim == 2 and proba.shape[1] == 2 else proba).ravel()


def val_imbalance_metrics(ds, proba) -> dict[str, float]:
    """``val_roc_auc``, ``val_pr_auc``, ... of positive-class scores on the validation set
    (threshold 0.5).

    Parameters
    ----------
    ds : data.Dataset
        Binary data; its validation targets are read.
    proba : ndarray
        A net's output on ``ds.X_val`` (one column, or two).
    """
    m = nets.imbalance_metrics(ds.y_val, positive_scores(proba), 0.5)
    return {name: float(m[name.removeprefix("val_")]) for name in IMBALANCE_METRICS}
