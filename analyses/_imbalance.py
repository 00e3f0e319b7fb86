"""`imbalance_benchmark`: every imbalance remedy on every ratio and seed, scored on test data.

For each ratio and seed the dataset is loaded once (``data.load(..., imbalance=ratio,
positive=K)``: the training pool and the test set are subsampled separately, so the test
set has the real, imbalanced distribution). Every strategy then trains on the training
split only, tunes its threshold on the validation split and is scored once on the test
split. Runs go to joblib workers; a run that fails is kept with its reason. A sampler
with nothing to resample (the data already at least as balanced as the sampling ratio)
or too few minority samples for its nearest neighbours (SMOTE's 5 need 6) is not
trained: its runs are kept as ``skipped``, with the reason.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pandas as pd

from ._backend import run_tasks
from ._checks import seed_count, whole
from ._imbalance_metrics import TUNE_METRICS, check_metric, imbalance_metrics
from ._imbalance_result import ImbalanceResult
from ._imbalance_runs import Split, Task, run_task, skipped_run
from ._imbalance_strategies import (
    DEFAULT_NET,
    DEFAULT_SAMPLING_RATIO,
    STRATEGIES,
    check_net_params,
    check_sampling_ratio,
    nothing_to_resample,
    resolve_strategies,
    too_few_for_neighbours,
)

#: Ratio label for "the data's own class balance" (no subsampling).
OWN = "own"


def parse_ratios(ratios) -> tuple[str, ...]:
    """Normalized ratio labels: ``"1:50,1:10"`` or a list -> ``("1:50", "1:10")``.

    ``None``, ``"own"`` or ``"none"`` mean the data's own balance.

    Raises
    ------
    ValueError
        Bad syntax (``50``, ``1/50``), a side <= 0, or positives not the minority.
    """
    import data

    if ratios is None:
        return (OWN,)
    if isinstance(ratios, str):
        ratios = ratios.split(",")
        if not all(r.strip() for r in ratios):  # "1:5,,1:10" is a typo
            raise ValueError(f"ratio list {','.join(ratios)!r} has an empty item")
    elif not np.iterable(ratios):  # 5: one number is no ratio
        raise ValueError(f"ratios must be a string such as '1:50,1:10' or a list of "
                         f"ratios, got {ratios!r}")
    out = []
    for text in ratios:
        if str(text).strip().lower() in (OWN, "none"):
            label = OWN
        else:
            p, n = data.parse_ratio(text)  # DataError (a ValueError) names the syntax
            if p >= n:
                raise ValueError(f"ratio {text!r} does not make the positive class the "
                                 "minority; write positives:negatives, e.g. 1:50")
            label = f"{_num(p)}:{_num(n)}"
        if label not in out:
            out.append(label)
    if not out:
        raise ValueError("no ratio given; e.g. --ratio 1:50 or --ratio 1:10,1:50")
    return tuple(out)


def _num(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{float(f):g}"


def load_variant(dataset: str, ratio: str, positive, seed: int):
    """The binary dataset of one ratio and seed, checked for enough positives per split.

    Raises
    ------
    ValueError
        Multi-class data without a positive class, regression data, a ratio leaving
        fewer than 2 training positives or no validation positive.
    """
    import data

    kwargs = {"seed": seed, "positive": positive}
    if ratio != OWN:
        kwargs["imbalance"] = ratio
    try:
        ds = data.load(dataset, **kwargs)
    except data.DataError:
        if positive is None and ratio != OWN:  # say what to do on multi-class data
            _require_binary(data.load(dataset, seed=seed), dataset)
        raise
    _require_binary(ds, dataset)
    where = f"{dataset} at ratio {ratio}"
    n_train, n_val = int(ds.y_train.sum()), int(ds.y_val.sum())
    if 2 * n_train > len(ds.y_train):  # the remedies would treat the other class
        other = ds.classes[0]
        hint = ("choose a scarcer class" if other == f"not {ds.classes[1]}" else
                f"the minority is {other!r}: pass it as the positive class")
        raise ValueError(f"{where}: the positive class {ds.classes[1]!r} is the majority "
                         f"({n_train} of {len(ds.y_train)} training examples); the "
                         f"benchmark studies a scarce positive class: {hint}")
    if n_train < 2:
        raise ValueError(f"{where} leaves {n_train} positive training example(s); "
                         "needs at least 2: use a milder ratio")
    if int(ds.y_test.sum()) < 1:  # every score would be undefined
        raise ValueError(f"{where} leaves no positive example in the test set, so nothing "
                         "can be scored: use another test file or a milder ratio")
    if n_val < 1:
        raise ValueError(f"{where} leaves no positive example in the validation split, so "
                         "no threshold can be tuned: use a milder ratio")
    return ds


def _require_binary(ds, name: str) -> None:
    if ds.task == "multiclass":
        raise ValueError(f"{name} has {ds.n_classes} classes: choose the positive class "
                         f"(--positive K, one of {', '.join(map(str, ds.classes))}) for a "
                         "one-vs-rest task")
    if ds.task != "binary":
        raise ValueError(f"{name} is a {ds.task} dataset; the imbalance benchmark needs "
                         "classification data")


def seed_states(seed: int, n: int) -> list[tuple[int, int]]:
    """``n`` (data seed, model random_state) pairs from ``SeedSequence(seed)``."""
    seed, n = whole("seed", seed, 0), seed_count(n)
    return [tuple(int(v) for v in child.generate_state(2, dtype=np.uint32))
            for child in np.random.SeedSequence(int(seed)).spawn(int(n))]


def imbalance_benchmark(dataset: str, *, positive=None, ratios=None, strategies=None,
                        sampling_ratio: float = DEFAULT_SAMPLING_RATIO, seeds: int = 3,
                        metric: str = "pr_auc", tune_for: str = "f1",
                        leakage_demo: bool = False, net_params: dict | None = None,
                        workers: int | None = 1, backend: str = "joblib", scheduler=None,
                        seed: int = 0, progress: bool = False) -> ImbalanceResult:
    """Benchmark imbalance remedies on one dataset.

    Parameters
    ----------
    dataset : str
        A classification dataset name (`data.list_datasets`).
    positive : optional
        Positive class; required for multi-class data (one-vs-rest).
    ratios : str or sequence of str, optional
        Positives:negatives such as ``"1:50"`` or ``["1:10", "1:50"]``; default the
        data's own balance (``"own"``).
    strategies : sequence of str, optional
        Keys of `STRATEGIES` (default: all of them).
    sampling_ratio : float
        Minority/majority ratio the samplers aim for (0.2 = 1:5, the course's advice).
    seeds : int
        Repetitions; each draws its own data subsample, split and model seed.
    metric : str
        Ranking metric, a key of `IMBALANCE_METRICS`.
    tune_for : str
        Validation metric the tuned threshold maximizes (f1, balanced_accuracy, mcc,
        g_mean).
    leakage_demo : bool
        Also run every sampler the wrong way (resampled before the split), labelled
        ``mode="leaky"``.
    net_params : dict, optional
        :class:`nets.NetClassifier` parameters (default `DEFAULT_NET`).
    workers, backend, scheduler
        Where runs execute (see `run_tasks`); results do not depend on them.
    seed : int
        Root of every seed: same seed, same table.
    progress : bool
        A progress bar over the runs (stderr).

    Returns
    -------
    ImbalanceResult

    Raises
    ------
    ValueError
        Bad ratio, strategy, metric, sampling ratio, seed, net parameter, data that cannot
        be made binary with at least 2 training positives, or no run left to train (every
        strategy a sampler with nothing to resample or too few samples to run).
    """
    start = time.perf_counter()
    names = resolve_strategies(strategies)
    labels = parse_ratios(ratios)
    check_metric(metric)
    if tune_for not in TUNE_METRICS:
        raise ValueError(f"unknown tune_for {tune_for!r}; valid: {', '.join(TUNE_METRICS)}")
    sampling_ratio = check_sampling_ratio(sampling_ratio)
    states = seed_states(seed, seeds)
    params = {**DEFAULT_NET, **dict(net_params or {})}
    check_net_params(params)
    tasks, skips, majority, info = [], [], [], []
    for label in labels:
        for i, (data_seed, rs) in enumerate(states):
            ds = load_variant(dataset, label, positive, data_seed)
            if not tasks:
                check_net_params(params, ds.n_features)
            split = Split(ds.X_train, ds.y_train, ds.X_val, ds.y_val, ds.X_test, ds.y_test)
            # the useless model accuracy flatters: always the training majority class
            always = np.full(len(ds.y_test), float(ds.y_train.mean() > 0.5))
            majority.append({"ratio": label, "seed": i,
                             **imbalance_metrics(ds.y_test, always, 0.5)})
            info.append({"ratio": label, "seed": i, "data_seed": data_seed,
                         "positive": ds.classes[1], **_split_counts(ds)})
            modes = ["proper"] + (["leaky"] if leakage_demo else [])
            merged = np.concatenate([ds.y_train, ds.y_val, ds.y_test])
            for name in names:
                for mode in modes:
                    if mode == "leaky" and STRATEGIES[name].sampler is None:
                        continue  # nothing is resampled, so nothing can leak
                    tasks.append(Task(label, name, mode, i, rs, split, sampling_ratio,
                                      params, tune_for))
                    # the leaky sampler runs on every split merged, the proper one on training
                    skips.append(_why_skip(name, ds.y_train, sampling_ratio, "the training data")
                                 if mode == "proper" else _why_skip(
                                     name, merged, sampling_ratio,
                                     "the data (train, validation and test merged)"))
    todo = [t for t, skip in zip(tasks, skips, strict=True) if not skip]
    if not todo:
        why = ("resamples toward the sampling ratio" if all("nothing to resample" in s
                                                             for s in skips)
               else "is a sampler that cannot run on this data")
        raise ValueError(f"nothing to run: every strategy given ({', '.join(names)}) {why}, "
                         f"and at ratio {tasks[0].ratio} {skips[0]}")
    done = iter(run_tasks(run_task, todo, backend=backend, workers=workers,
                          scheduler=scheduler, progress="imbalance" if progress else None))
    outputs = [skipped_run(t, skip) if skip else next(done)
               for t, skip in zip(tasks, skips, strict=True)]
    rows = [row for out in outputs for row in out["rows"]]
    scores = [pd.DataFrame({"ratio": t.ratio, "strategy": t.strategy, "mode": t.mode,
                            "seed": t.seed, "y_true": out["y_true"], "proba": out["proba"]})
              for t, out in zip(tasks, outputs, strict=True) if out["status"] == "ok"]
    timings = pd.DataFrame([{"ratio": t.ratio, "strategy": t.strategy, "mode": t.mode,
                             "seed": t.seed, "seconds": out["seconds"]}
                            for t, out in zip(tasks, outputs, strict=True)
                            if out["status"] != "skipped"])  # runs made
    return ImbalanceResult(
        dataset=dataset, positive=info[0]["positive"], ratios=labels, strategies=names,
        metric=metric, tune_for=tune_for, sampling_ratio=sampling_ratio, seeds=int(seeds),
        seed=int(seed), leakage_demo=bool(leakage_demo), net_params=params,
        runs=pd.DataFrame(rows), scores=pd.concat(scores, ignore_index=True) if scores
        else pd.DataFrame(columns=["ratio", "strategy", "mode", "seed", "y_true", "proba"]),
        majority=pd.DataFrame(majority), data=pd.DataFrame(info), timings=timings,
        seconds=time.perf_counter() - start)


def _why_skip(strategy: str, y, sampling_ratio: float, what: str) -> str:
    """Why ``strategy``'s sampler cannot run on labels ``y`` (``""`` when it can): nothing
    to resample, or too few samples for its nearest neighbours."""
    make = STRATEGIES[strategy].sampler
    return nothing_to_resample(strategy, y, sampling_ratio, what) or (
        too_few_for_neighbours(make(sampling_ratio, None), y, what) if make else "")


def _split_counts(ds) -> dict:
    out = {}
    for part, y in (("train", ds.y_train), ("val", ds.y_val), ("test", ds.y_test)):
        out[f"{part}_pos"], out[f"{part}_neg"] = int(y.sum()), int(len(y) - y.sum())
    return out
