"""`imbalance_benchmark`: every imbalance remedy on every ratio and seed, scored on test data.

For each ratio and seed the dataset is loaded (``data.load(..., imbalance=ratio,
positive=K)``: the training pool and the test set are subsampled separately, so the test
set has the real, imbalanced distribution), checked, and dropped before the next; its runs
load it again by reference where they execute, so no process holds two variants (local
pool workers map a large one from a file the benchmark writes once: `SharedVariants`). Every
strategy then trains on the training split only, tunes its threshold on the validation
split and is scored once on the test split. Runs go to joblib workers; a run that fails
is kept as ``failed`` with its reason, and so is a sampler with too few minority samples
for its nearest neighbours (SMOTE's 5 need 6), found before training. A sampler with
nothing to resample (the data already at least as balanced as the sampling ratio) is not
trained: its runs are kept as ``skipped``, with the reason.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from nets import (
    DEFAULT_SAMPLING_RATIO,
    STRATEGIES,
    check_metric,
    check_net_params,
    check_sampling_ratio,
    imbalance_metrics,
    nothing_to_resample,
    over_default_net,
    resolve_strategies,
    too_few_for_neighbours,
    user_stacklevel,
)

from ._analysis_data import check_dataset, releasing
from ._backend import check_backend, run_tasks, runs_elsewhere, scheduler_record
from ._checks import flag, seed_count, whole
from ._held import held_dataset
from ._imbalance_metrics import check_tune_for, unranked
from ._imbalance_ratios import _name_ratio_labels
from ._imbalance_result import ImbalanceResult
from ._imbalance_runs import Task, failed_run, run_task, skip_unchanged, skipped_run
from ._imbalance_shared import SharedVariants
from ._imbalance_slow import slow_strategies_warning
from ._imbalance_variants import Variant, held_variant
from ._python_words import errors_in_python_words


def seed_states(seed: int, n: int) -> list[tuple[int, int]]:
    """``n`` (data seed, model random_state) pairs from ``SeedSequence(seed)``.

    Parameters
    ----------
    seed : int
        The benchmark's seed, >= 0.
    n : int
        How many pairs (its seeds), >= 1.
    """
    seed, n = whole("seed", seed, 0), seed_count(n)
    return [tuple(int(v) for v in child.generate_state(2, dtype=np.uint32))
            for child in np.random.SeedSequence(int(seed)).spawn(int(n))]


@errors_in_python_words("imbalance")
@releasing(held_dataset)  # the last variant loaded: dropped when the benchmark returns or raises
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
        ratio the dataset's name sets (``digits?imbalance=1:20``), else the data's own
        balance (``"own"``).
    strategies : sequence of str, optional
        Keys of `STRATEGIES` (default: all of them).
    sampling_ratio : float or str
        Minority/majority ratio the samplers aim for (0.2, or "1:5" as ``ratios`` write
        theirs: the course's advice).
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
        :class:`nets.NetClassifier` parameters over `DEFAULT_NET` (a TrainConfig's:
        ``net_params_from_config(cfg)``).
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
        Bad ratio, strategy, metric (brier with isolation_forest alone: its score is no
        probability), sampling ratio, seed, net parameter, data that cannot
        be made binary with at least 2 training positives, or no run left to train (every
        strategy a sampler with nothing to resample or too few samples to run).
    """
    import data

    start = time.perf_counter()
    check_dataset(dataset, by_name=True)
    leakage_demo, progress = flag("leakage_demo", leakage_demo), flag("progress", progress)
    check_backend(backend, scheduler, workers)  # before the data's variants are loaded
    names = resolve_strategies(strategies)
    labels = _name_ratio_labels(dataset, ratios)
    check_metric(metric)
    if len(unranked(metric, names)) == len(names):  # a ranking of nothing
        raise ValueError(f"metric {metric!r} reads scores as probabilities, and "
                         f"{', '.join(names)} scores none (an anomaly score): add a strategy "
                         "that does (none, class_weight, ...) or rank by another metric")
    check_tune_for(tune_for)
    sampling_ratio = check_sampling_ratio(sampling_ratio)
    states = seed_states(seed, seeds)
    params = over_default_net(net_params)
    check_net_params(params)
    data.check_sources(dataset)  # a missing file said as typed, not as made absolute
    where = data.absolute_name(dataset)  # the workers load it too, from their own folder
    modes = ["proper"] + (["leaky"] if leakage_demo else [])
    # runs in local workers read each large variant from one mapped file
    share = backend == "joblib" and runs_elsewhere(
        len(labels) * len(states) * len(names) * len(modes), backend=backend, workers=workers)
    with SharedVariants(share) as shared:
        tasks, skips, majority, info, test_is_train, prints = [], [], [], [], [], []
        searches = []  # each run's (strategy, negatives, positives, ratio): the slow ones said
        for label in labels:
            for i, (data_seed, rs) in enumerate(states):
                variant = Variant(where, label, positive, data_seed)
                # one variant in memory at a time: the runs load theirs again by reference,
                # or map the copy `shared` wrote of it
                facts = _variant_facts(variant, i, names, modes, sampling_ratio,
                                       params if not tasks else None)
                mapped = shared(held_variant(variant))  # the one just loaded
                majority.append(facts["majority"])
                info.append(facts["info"])
                test_is_train.append(facts["test_is_train"])
                prints.append({"ratio": label, "seed": i, "data_seed": data_seed,
                               "fingerprint": facts["fingerprint"]})
                if len(prints) == 1:  # the first variant's description stands for all
                    first = facts["summary"]
                for name, mode, skip in facts["runs"]:
                    tasks.append(Task(label, name, mode, i, rs, variant, sampling_ratio,
                                      params, tune_for, mapped))
                    skips.append(skip)
                    if not skip[1]:
                        searches.append((name, *facts["counts"][mode], sampling_ratio))
        todo = [t for t, skip in zip(tasks, skips, strict=True) if not skip[1]]
        if not todo:
            statuses = {s for s, _ in skips}
            why = ("resamples toward the sampling ratio" if statuses == {"skipped"} else
                   "is a sampler that cannot run on this data" if statuses == {"failed"} else
                   "is a sampler with nothing to resample or too few samples to run")
            raise ValueError(f"nothing to run: every strategy given ({', '.join(names)}) "
                             f"{why}, and at ratio {tasks[0].ratio} {skips[0][1]}")
        if said := slow_strategies_warning(searches, facts["n_features"]):  # before minutes
            warnings.warn(said, UserWarning, stacklevel=user_stacklevel())
        if runs_elsewhere(len(todo), backend=backend, workers=workers):
            held_dataset.cache_clear()  # each worker loads or maps its own: this would idle
        done = iter(run_tasks(run_task, todo, backend=backend, workers=workers,
                              scheduler=scheduler, progress="imbalance" if progress else None))
        not_run = {"skipped": skipped_run, "failed": failed_run}
        outputs = skip_unchanged(tasks, [
            not_run[status](t, why) if why else next(done)
            for t, (status, why) in zip(tasks, skips, strict=True)])
    rows = [row for out in outputs for row in out["rows"]]
    # float64, as the metrics read them: a float32 net's scores alone (no isolation_forest
    # beside them) were written to scores.csv at float32's shortest text, which reads back
    # as other numbers (its Brier scores 1e-9 off the runs'); a float32 is one float64
    scores = [pd.DataFrame({"ratio": t.ratio, "strategy": t.strategy, "mode": t.mode,
                            "seed": t.seed, "y_true": out["y_true"],
                            "proba": np.asarray(out["proba"], dtype=np.float64)})
              for t, out in zip(tasks, outputs, strict=True) if out["status"] == "ok"]
    timings = pd.DataFrame([{"ratio": t.ratio, "strategy": t.strategy, "mode": t.mode,
                             "seed": t.seed, "seconds": out["seconds"]}
                            for t, out, (_, why) in zip(tasks, outputs, skips, strict=True)
                            if not why])  # runs made
    return ImbalanceResult(
        dataset=dataset, positive=info[0]["positive"], ratios=labels, strategies=names,
        metric=metric, tune_for=tune_for, sampling_ratio=sampling_ratio, seeds=int(seeds),
        seed=int(seed), leakage_demo=bool(leakage_demo), net_params=params,
        runs=pd.DataFrame(rows), scores=pd.concat(scores, ignore_index=True) if scores
        else pd.DataFrame(columns=["ratio", "strategy", "mode", "seed", "y_true", "proba"]),
        majority=pd.DataFrame(majority), data=pd.DataFrame(info), timings=timings,
        seconds=time.perf_counter() - start, test_is_train=any(test_is_train),
        settings={"positive": positive, "ratios": list(labels), "strategies": list(names),
                  "sampling_ratio": sampling_ratio, "seeds": int(seeds), "metric": metric,
                  "tune_for": tune_for, "leakage_demo": bool(leakage_demo),
                  "net_params": params, "workers": workers, "backend": backend,
                  "scheduler": scheduler_record(scheduler), "seed": int(seed)},
        data_record={"fingerprint": prints, "summary": first, "data_seed": None})


def _variant_facts(variant: Variant, seed: int, names, modes, sampling_ratio: float,
                   check_params: dict | None) -> dict:
    """What the benchmark keeps of one variant before its runs: the majority-class
    baseline, its class counts, whether its test set is its training set, and each
    (strategy, mode) run with `_why_not_run`'s (status, reason). ``check_params``: net
    settings to check against its features."""
    ds = held_variant(variant)
    if check_params is not None:
        check_net_params(check_params, ds.n_features)
    # the useless model accuracy flatters: always the training majority class
    always = np.full(len(ds.y_test), float(ds.y_train.mean() > 0.5))
    merged = np.concatenate([ds.y_train, ds.y_val, ds.y_test])
    runs = []
    for name in names:
        for mode in modes:
            if mode == "leaky" and STRATEGIES[name].sampler is None:
                continue  # nothing is resampled, so nothing can leak
            # the leaky sampler runs on every split merged, the proper one on training
            runs.append((name, mode, _why_not_run(name, ds.y_train, sampling_ratio,
                                                   "the training data") if mode == "proper"
                         else _why_not_run(name, merged, sampling_ratio,
                                           "the data (train, validation and test merged)")))
    pos, merged_pos = int(ds.y_train.sum()), int(merged.sum())
    return {"counts": {"proper": (len(ds.y_train) - pos, pos),  # (negatives, positives)
                       "leaky": (len(merged) - merged_pos, merged_pos)},
            "n_features": ds.n_features,
            "majority": {"ratio": variant.ratio, "seed": seed,
                         **imbalance_metrics(ds.y_test, always, 0.5)},
            "info": {"ratio": variant.ratio, "seed": seed, "data_seed": variant.seed,
                     "positive": ds.classes[1], **_split_counts(ds)},
            "runs": runs, "test_is_train": ds.test_is_train,
            "fingerprint": ds.fingerprint(), "summary": ds.summary() if seed == 0 else None}


def _why_not_run(strategy: str, y, sampling_ratio: float, what: str) -> tuple[str, str]:
    """(status, reason) when ``strategy``'s sampler is not to run on labels ``y``, else
    ``("", "")``: ``skipped`` with nothing to resample (not a failure: there was nothing
    to do), ``failed`` with too few samples for its nearest neighbours."""
    make = STRATEGIES[strategy].sampler
    if why := nothing_to_resample(strategy, y, sampling_ratio, what):
        return "skipped", why
    why = too_few_for_neighbours(make(sampling_ratio, None), y, what) if make else ""
    return ("failed", why) if why else ("", "")


def _split_counts(ds) -> dict:
    out = {}
    for part, y in (("train", ds.y_train), ("val", ds.y_val), ("test", ds.y_test)):
        out[f"{part}_pos"], out[f"{part}_neg"] = int(y.sum()), int(len(y) - y.sum())
    return out
