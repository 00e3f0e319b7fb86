"""Capacity sweep: the course's hidden-neuron experiments over widths x depths x seeds.

Every (width, depth, seed) trains one net with ``depth`` hidden layers of ``width``
neurons for the same budget, and records its final train / validation / test loss and
accuracy, the iterations until the validation loss first reached ``eps`` (the course's
stop threshold, measured at checkpoints; training goes on, so every width gets the same
budget) and its wall time. Runs are independent, so they spread over local processes
(`analyses._backend.run_tasks`, BLAS held to one thread per worker).
What the sweep found, and how it reads it, is ``_capacity_result``'s `CapacityResult`.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

import data
import nets

from ._analysis_data import (
    check_validation,
    data_record,
    data_ref,
    data_seeds,
    releasing,
    shown_name,
)
from ._backend import check_backend, release_for_workers, run_tasks, shared_for_workers
from ._capacity_result import CapacityResult
from ._checks import flag, number, seed_count, sequence, train_config, whole, whole_numbers
from ._defaults import CAPACITY_CONFIG as DEFAULT_CONFIG, CAPACITY_SWEEP_DEFAULTS as DEFAULTS
from ._held import held_dataset, held_load
from ._progress import work_callbacks
from ._python_words import errors_in_python_words

RUN_COLUMNS = ("depth", "width", "seed", "n_parameters", "status", "train_loss",
               "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy",
               "val_r2", "test_r2", "iterations_to_eps", "epochs_to_eps", "iterations", "seconds")


@dataclass(frozen=True)
class _Task:
    data: tuple | data.Dataset  # (name, data_seed), loaded once per worker, or a Dataset
    config: nets.TrainConfig
    depth: int
    width: int
    seed: int
    eps: float


def _r2(net, ds, X, y) -> float:
    """R² of ``net`` on ``(X, y)`` in the target's units, as ``hplab train``'s ``test_r2``
    (`study.TrainRun.test_r2`) computes it; NaN for classification."""
    if ds.task != "regression":
        return math.nan
    return nets.net_r2(net, X, ds.inverse_y(y), ds.y_scale, ds.y_shift)


def _run(task: _Task) -> dict:
    """Train one net; one row of `RUN_COLUMNS`."""
    ds = held_load(*task.data) if isinstance(task.data, tuple) else task.data
    t0 = time.perf_counter()  # the run, not the worker's first load of the data
    cfg = task.config
    net, loop_rng = nets.seeded_net(cfg, ds, task.seed)
    res = nets.train(net, cfg, ds.X_train, ds.y_train, ds.X_val, ds.y_val, rng=loop_rng,
                     callbacks=work_callbacks("epoch"))
    h = res.history
    hit = h.index[h["val_loss"] <= task.eps] if task.eps else []
    first = h.loc[hit[0]] if len(hit) else None
    final = res.final_checkpoint()
    test_loss, test_accuracy = nets.evaluate(net, ds.X_test, ds.y_test)
    return {"depth": task.depth, "width": task.width, "seed": task.seed,
            "n_parameters": net.n_parameters, "status": res.status,
            "train_loss": final["train_loss"], "train_accuracy": final["train_accuracy"],
            "val_loss": final["val_loss"], "val_accuracy": final["val_accuracy"],
            "test_loss": test_loss, "test_accuracy": test_accuracy,
            # QA: a regression user reads R² (train, predict, study reports); the sweep
            # keeps no nets, so it is taken here, of the final net as the losses are
            "val_r2": _r2(net, ds, ds.X_val, ds.y_val),
            "test_r2": _r2(net, ds, ds.X_test, ds.y_test),
            "iterations_to_eps": math.nan if first is None else float(first["iteration"]),
            "epochs_to_eps": math.nan if first is None else float(first["epoch"]),
            "iterations": res.iterations, "seconds": time.perf_counter() - t0}


def summarize_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (depth, width): mean and std over seeds, the train - validation gap, the median
    iterations to eps and how many seeds reached it (and the mean R², where ``runs`` has it).

    Parameters
    ----------
    runs : pandas.DataFrame
        A capacity sweep's runs, one row per (depth, width, seed) (``CapacityResult.runs``).
    """
    cols = ["train_accuracy", "val_accuracy", "test_accuracy", "train_loss", "val_loss",
            "test_loss"]
    cols += [c for c in ("val_r2", "test_r2") if c in runs]  # runs of before R² lack them
    # a diverged net's scores (chance accuracy, a huge but finite loss) are no result: they
    # count as missing, so its configuration's means are NaN
    runs = runs.copy()
    # nor is an eps it crossed on the way up to blowing up
    runs.loc[runs["status"] == "diverged",
             [*cols, "iterations_to_eps", "epochs_to_eps"]] = math.nan
    g = runs.groupby(["depth", "width"], sort=True)
    # a diverged seed's NaN loss makes its configuration's mean NaN, not the mean of the
    # seeds that survived (which looked like a fine result)
    table = g[cols].agg(lambda x: x.mean(skipna=False))
    for c in ("val_accuracy", "test_accuracy", "val_loss", "test_loss"):
        table[f"{c}_std"] = (g[c].agg(lambda x: x.std(ddof=1, skipna=False))
                             if runs["seed"].nunique() > 1 else math.nan)
    table["accuracy_gap"] = table["train_accuracy"] - table["val_accuracy"]
    table["loss_gap"] = table["val_loss"] - table["train_loss"]
    table["iterations_to_eps"] = g["iterations_to_eps"].median()
    # the course counts epochs (XOR: 6200); at batch 1 an epoch of XOR is 4 iterations
    table["epochs_to_eps"] = g["epochs_to_eps"].median()
    table["reached_eps"] = g["iterations_to_eps"].count()
    table["n_parameters"] = g["n_parameters"].first()
    table["seconds"] = g["seconds"].mean()
    table["diverged"] = g["status"].agg(lambda x: int((x == "diverged").sum()))
    return table.reset_index()


def _check_sizes(name: str, values) -> tuple[int, ...]:
    if isinstance(values, int | np.integer):  # widths=4: one width, not an iterable
        values = (values,)
    return tuple(sorted(whole_numbers(name, sequence(name, values, "integers", "[2, 4]"))))


@errors_in_python_words("capacity")
@releasing(held_dataset)  # the data loaded by name: dropped when the sweep returns or raises
def capacity_sweep(dataset, *, widths=DEFAULTS["widths"], depths=DEFAULTS["depths"],
                   seeds: int = DEFAULTS["seeds"], config: nets.TrainConfig | None = None,
                   eps: float = DEFAULTS["eps"],
                   workers: int | None = 1, seed: int = 0, data_seed: int | None = None,
                   progress: bool = False) -> CapacityResult:
    """Train every width x depth x seed for the same budget and tabulate the results.

    Parameters
    ----------
    dataset : str or data.Dataset
        A name is loaded with ``data.load(name, seed=data_seed)`` (default ``seed``; in
        each worker, once).
    widths, depths : sequences of int
        Neurons per hidden layer, and hidden layers.
    seeds : int
        Nets per (width, depth), with net seeds ``seed, seed + 1, ...``, all on one data
        split, S's (``data_seed``, default ``seed``). ``study.train_run(dataset,
        config.replace(hidden=(width,) * depth, eps=0), seed=seed + k, data_seed=S)``
        retrains net ``k``; ``hplab train --seed`` splits with its own seed, so it rebuilds
        net 0 only.
    config : nets.TrainConfig, optional
        Activation (one name), optimizer, rate, batch size, epochs... its ``hidden`` is
        replaced, and so is its ``eps``, by 0: no run stops at a loss, so every width gets
        the whole budget (the ``eps`` argument below only measures when the validation loss
        crosses it). The result's ``config`` records what ran (``eps`` 0). Default
        `CAPACITY_CONFIG`: sigmoid, Adam at lr 0.1 on a cosine schedule, full batch, 2000
        epochs, checkpoint every 10.
    eps : float
        Validation-loss threshold for iterations to eps (0: not measured); no run stops at
        it.
    workers : int
        Local processes (-1: every core).
    seed : int
    data_seed : int, optional
        As for `analyses.lr_range_test`: a name's split, if not ``seed``'s; a
        `data.Dataset`'s own is recorded where it differs.
    progress : bool
        A progress bar over the epochs the nets train (stderr), advanced at their
        checkpoints.

    Returns
    -------
    CapacityResult
        In its ``table`` a configuration with a diverged seed has no scores (NaN, its
        other seeds' included; ``diverged`` counts them).

    Raises
    ------
    TypeError
        A ``config`` that is not a nets.TrainConfig, ``widths`` or ``depths`` that are no
        sequence (a string such as "2,4").
    ValueError
        Every configuration has a diverged seed: there is no capacity to read. A set
        without validation rows (``val_fraction=0``), on which every net is scored.
    """
    t0 = time.perf_counter()
    widths, depths = _check_sizes("widths", widths), _check_sizes("depths", depths)
    if depths[-1] > nets.MAX_DEPTH:  # before (w,) * d: 10**30 overflowed it, naming nothing
        raise ValueError(f"depths must be at most {nets.MAX_DEPTH:,} hidden layers, got "
                         f"{depths[-1]:,}")
    seeds = seed_count(seeds)
    seed = whole("seed", seed, 0)  # np.int64 too: the summary's seeds are JSON
    number("eps", eps, lambda v: math.isfinite(v) and v >= 0, "a finite number >= 0")
    progress = flag("progress", progress)
    check_backend("joblib", None, workers)  # before the data is loaded
    train_config(config)
    cfg = config or DEFAULT_CONFIG
    if len(set(cfg.activation)) > 1:
        raise ValueError("a capacity sweep needs one activation for every hidden layer, got "
                         f"{list(cfg.activation)}")
    act = cfg.activation[0] if cfg.activation else DEFAULT_CONFIG.activation[0]
    load_seed, seeds_said = data_seeds(dataset, seed, data_seed)
    ref = data_ref(dataset, load_seed)
    # through the cache the workers=1 runs read: one copy of the data in this process
    ds = held_load(*ref) if isinstance(dataset, str) else dataset
    check_validation(ds, shown_name(dataset, ds), "a capacity sweep scores every net on the "
                     "validation split (its accuracy, loss and iterations to eps)")
    if cfg.batch_size > len(ds.X_train):  # the whole set, as nets.train takes it: said so
        cfg = cfg.replace(batch_size=-1)  # in the config
    seed_list = tuple(seed + k for k in range(seeds))
    # eps only measures here: a run that stopped at it would get a smaller budget
    base = cfg.replace(eps=0.0)
    tasks = [_Task(ref, base.replace(hidden=(w,) * d, activation=act), d, w, s, float(eps))
             for d in depths for w in widths for s in seed_list]
    name, task = shown_name(dataset, ds), ds.task
    # what a net that learned nothing from the inputs scores on validation, in the nets'
    # own units: a constant fitted on the training set (its majority class, its mean), as
    # lr-range's and scaling's floors (validation's own majority was 0.1042 on digits
    # seed 2, the training set's 0.0972)
    one = base.replace(hidden=(widths[0],), activation=act)
    nets.warn_if_units_start_alike(one)  # here, not only `hplab capacity`: Python too
    floor = nets.trivial_baseline(ds, one)
    majority_share = None if task == "regression" else floor["val_accuracy"]
    baseline = floor["val_loss"] if task == "regression" else None
    n_val = len(ds.y_val)
    test_is_train, record = ds.test_is_train, data_record(ds)
    # the runs read the cache here, or load their own copy in each worker; a large set
    # is shared with them instead, mapped from one file
    with shared_for_workers(ds, dataset, len(tasks), workers=workers) as shared:
        del ds
        release_for_workers(held_dataset, dataset, len(tasks), workers=workers)
        if shared is not None:
            tasks = [dataclasses.replace(t, data=shared) for t in tasks]
        # the bar counts epochs, which the nets report at their checkpoints: over nets, it
        # stood still for a whole net's training (7 minutes on MNIST)
        runs = pd.DataFrame(run_tasks(_run, tasks, workers=workers, progress=(
            f"capacity: {len(tasks)} nets" if progress else None),
            amounts=[t.config.max_epochs for t in tasks], unit="epoch"), columns=RUN_COLUMNS)
        del tasks, shared  # the maps, before their folder goes
    diverged = runs.groupby(["depth", "width"])["status"].agg(lambda x: (x == "diverged").any())
    if diverged.all():
        raise ValueError("every configuration has a diverged run (the loss became NaN or "
                         "exploded): there is no capacity to read; lower the learning rate")
    metric = "loss" if task == "regression" else "accuracy"
    return CapacityResult(
        dataset=name, task=task, widths=widths, depths=depths, seeds=seed_list,
        eps=float(eps), metric=metric, runs=runs, table=summarize_runs(runs),
        # what ran: a config's own eps was replaced, and TrainConfig(**config, hidden=...)
        # must rebuild these nets
        config={**base.to_dict(), "hidden": None, "activation": act},
        seconds=time.perf_counter() - t0, majority_share=majority_share, n_val=n_val,
        test_is_train=test_is_train, baseline_val_loss=baseline,
        settings={"widths": list(widths), "depths": list(depths), "seeds": seeds,
                  # its hidden (and eps) replaced in every run, as said above
                  "config": base.to_dict(), "eps": float(eps), "workers": workers,
                  **seeds_said},
        data_record=record)
