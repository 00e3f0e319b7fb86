"""Batch-size / learning-rate scaling: steps to a target per batch size, the law, the rates.

Shallue et al. 2018 ("Measuring the effects of data parallelism"): for each batch size
B, tune the rate (a log grid, several seeds) and count the fewest steps to reach a
fixed validation target. McCandlish et al. 2018 then give B_crit from those counts
(`fit_scaling_law`), and the gradient noise scale B_simple, measured during training,
predicts it.

Default target (``target=None``): reference runs at ``reference_batch`` (32, or the
set size if smaller) over the whole rate grid, each for the full step budget; the best
of them sets the bar: 0.95 x its best validation accuracy, or for the loss
``best + 0.05 (first - best)`` (95 % of the way down). The best reference run (of runs
tied at the best value, the one that reached it first) also carries the noise-scale
measurements.

What the runs say once they are in (the law, the verdicts, the rates) is
``_scaling_readout``'s; the per-batch verdicts ``_scaling_verdicts``'s.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd

import nets

from ._analysis_data import (
    check_validation,
    data_record,
    data_ref,
    data_seeds,
    releasing,
    shown_name,
)
from ._backend import (
    check_backend,
    release_for_workers,
    run_tasks,
    scheduler_record,
    shared_for_workers,
)
from ._checks import flag, sequence, train_config, whole
from ._held import held_dataset
from ._lr_grid import lr_grid
from ._noise_scale import (
    BATCH_NORM_NOISE,
    NOISE_COLUMNS,
    noise_batches,
)
from ._python_words import errors_in_python_words
from ._scaling_checks import (
    check_against_data,
    check_epoch_budget,
    check_settings,
    default_batch_sizes,
    full_batch_sizes,
)
from ._scaling_readout import read_runs
from ._scaling_reference import _noise_at_target, _reference_table
from ._scaling_result import ScalingResult
from ._scaling_runs import (
    EVAL_SIZE,
    RUN_COLUMNS,
    RUN_SETTINGS,
    RunTask,
    dataset_of,
    run_task,
    work_of,
)
from ._scaling_target import (
    REFERENCE_FRACTION,
    budget_flag,
    default_target,
    refuse_constant_target,
    refuse_majority_target,
    refuse_met_at_start,
    refuse_met_by_reference,
)

REFERENCE_BATCH = 32
NOISE_MEASUREMENTS = 100  # per reference run

# SeedSequence((seed, 2)): the noise-scale bootstrap's own stream (a run's weights and
# batches are spawned from (seed, k), so it shares no stream with run k = 2)
BOOTSTRAP_STREAM = 2


@errors_in_python_words("scaling")
@releasing(held_dataset)  # the data loaded by name: dropped when it returns or raises
def scaling_study(dataset, *, batch_sizes=None, lrs=None, seeds: int = 3,
                  target_metric: str | None = None, target: float | None = None,
                  max_steps: int = 10_000, max_epochs: float | None = None,
                  config: nets.TrainConfig | None = None, reference_batch: int = REFERENCE_BATCH,
                  noise: bool = True, workers: int | None = 1, backend: str = "joblib",
                  scheduler=None, seed: int = 0, data_seed: int | None = None,
                  progress: bool = False) -> ScalingResult:
    """Steps to target per batch size with a tuned rate, the scaling law and the noise scale.

    Parameters
    ----------
    dataset : str or data.Dataset
        A name is loaded with ``data.load(name, seed=data_seed)`` (default ``seed``; in
        each worker, once, but a set over `data.SHARE_BYTES`, which local
        workers share, mapped from one file).
    batch_sizes : sequence of int, optional
        Default `default_batch_sizes` (powers of 2 and the full batch; from 2 with batch
        norm, which one row cannot train). -1 is the full batch (the training set's size).
    lrs : sequence of float, optional
        The rate grid tried at every batch size; default ``lr_grid()`` (1e-3..10).
    seeds : int
        Runs per (batch size, rate); combined by the median (see `best_per_batch`).
    target_metric : {"val_accuracy", "val_loss"}, optional
        Default val_accuracy for classification, val_loss for regression.
    target : float, optional
        The bar to reach. Default: reference runs at ``reference_batch`` over the whole
        rate grid for the full budget; 0.95 x their best validation accuracy, or for the
        loss ``best + 0.05 (first - best)`` (95 % of the way down).
    max_steps, max_epochs : int, float
        Budget per run: steps, and optionally epochs (whichever ends first).
    config : nets.TrainConfig, optional
        Architecture and optimizer. Each run sets its own lr and batch_size (the grids),
        its length and its checkpoints (every ``max_steps // 20`` steps: they only guard
        against divergence); every run trains with a constant schedule, eps and patience 0
        (the target or the budget ends a run) and checkpoints scored on at most 512
        training examples, which the result's ``config`` records (with ``max_epochs`` as
        given here).
    reference_batch : int
        Batch size of the reference runs (clipped to the set size).
    noise : bool
        Measure the gradient noise scale during the reference runs (which then run even
        with a given target); refused with a batch-normed ``config``.
    workers, backend, scheduler
        Where the runs execute; see `analyses.run_tasks`.
    seed : int
        Seeds the data split (unless ``data_seed`` is given) and every run (through
        ``SeedSequence``).
    data_seed : int, optional
        As for `lr_range_test`: a name's split, if not ``seed``'s; a `data.Dataset`'s
        own is recorded where it differs.
    progress : bool
        Progress bars over the reference runs and the runs per batch size (stderr),
        counting the examples of their step budgets as the runs train.

    Returns
    -------
    ScalingResult

    Raises
    ------
    TypeError
        A ``config`` that is not a nets.TrainConfig, ``batch_sizes`` or ``lrs`` that are
        no sequence (a string such as "1,2,4").
    ValueError
        Batch sizes above the set size or below 1, non-positive rates, target, seeds
        or budget, an unknown metric or backend, a set without validation rows (the
        target is a validation score); a target met before any step, or a
        val_loss target not `BASELINE_MARGIN` below what a constant prediction of the
        training set's mean (or prior) scores, or a val_accuracy one not above its
        majority class's share (`refuse_constant_target`, `refuse_majority_target`).
    """
    t0 = time.perf_counter()
    check_backend(backend, scheduler, workers)
    if batch_sizes is not None:
        batch_sizes = sequence("batch_sizes", batch_sizes, "integers", "[1, 4, 16]")
    if lrs is not None:
        lrs = sequence("lrs", lrs, "numbers", "[0.01, 0.1, 1]")
    train_config(config)
    # before the data: a str failed as "must be real number, not str", True was 1 row
    noise, progress = flag("noise", noise), flag("progress", progress)
    if max_epochs is not None:
        nets.check_epochs("max_epochs", max_epochs)
    reference_batch = whole("reference_batch", reference_batch, 1)
    if noise and config is not None and config.batch_norm:
        raise ValueError(BATCH_NORM_NOISE + " (hplab scaling: --no-noise)")
    seed = whole("seed", seed, 0)  # before the data: np.int64 too, as the settings are JSON
    rates = lr_grid() if lrs is None else tuple(lrs)
    # every number and name before the data: a bad one said "file not found" first
    check_settings(batch_sizes, rates, seeds, target_metric, target, max_steps,
                    config is not None and config.batch_norm)
    if config is not None:
        # the top rate is the one the decay limits (the config's lr is unused)
        refused = nets.decay_refusal(config.optimizer, config.weight_decay, max(rates),
                                     f"the top rate of --lrs or --lr-range ({max(rates):g})",
                                     "the rates of --lrs or --lr-range")
        if refused:
            raise ValueError(refused)
        nets.warn_if_units_start_alike(config)  # here, not only `hplab scaling`: Python too
    load_seed, seeds_said = data_seeds(dataset, seed, data_seed)
    ref = data_ref(dataset, load_seed)
    ds = dataset_of(ref)  # also primes the in-process cache the workers=1 runs use
    check_validation(ds, shown_name(dataset, ds), "a scaling study's target is a validation "
                     "score (val_accuracy or val_loss)")
    n = len(ds.X_train)
    metric = target_metric or ("val_loss" if ds.task == "regression" else "val_accuracy")
    # checked whole above: 32.0 is 32, as in a width
    sizes = default_batch_sizes(n) if batch_sizes is None else full_batch_sizes(batch_sizes, n)
    if batch_sizes is None and config is not None and config.batch_norm:
        sizes = tuple(b for b in sizes if b > 1) or sizes  # batch norm needs two rows
    check_against_data(ds, sizes, metric, target)
    sizes = tuple(sorted({int(b) for b in sizes}))
    rates = tuple(sorted({float(r) for r in rates}))
    # what every run trains with (run_task sets the same): the result's config records it
    base = (config or nets.TrainConfig()).replace(schedule="constant",
                                                  eval_size=min(n, EVAL_SIZE), **RUN_SETTINGS)
    name, test_is_train, kind = shown_name(dataset, ds), ds.test_is_train, ds.task
    # what always predicting the training set's mean, prior or majority class scores: a
    # target no better is met without learning from the inputs (sine: 0.0544)
    constant = nets.trivial_baseline(ds, base)[metric]
    record = data_record(ds)
    settings = {"batch_sizes": list(sizes), "lrs": list(rates), "seeds": seeds,
                "target_metric": metric, "target": target, "max_steps": max_steps,
                # what every run trains with, but its own rate and batch size
                "max_epochs": max_epochs, "config": base.to_dict(),
                "reference_batch": reference_batch, "noise": noise, "workers": workers,
                "backend": backend, "scheduler": scheduler_record(scheduler), **seeds_said}
    def budget(b: int) -> int:
        if max_epochs is None:
            return max_steps
        # as train counts them (0.28 x 25 steps is 7, not 8)
        return min(max_steps, nets.whole_steps(max_epochs,
                                               nets.epoch_steps(n, b, base.batch_norm)))

    def task(b, lr, k, tgt, noise_every=0):
        small, big, draws = noise_batches(n, b) if noise_every else (0, 0, 1)
        return RunTask(ref, base.replace(batch_size=b, lr=lr), (seed, k), metric, tgt,
                       budget(b), noise_every=noise_every, noise_batches=(small, big),
                       noise_draws=draws)

    reference = pd.DataFrame()
    noise_df = pd.DataFrame(columns=NOISE_COLUMNS)
    b_simple = {"b_simple": math.nan, "low": math.nan, "high": math.nan, "measurements": 0}
    b_simple_step = math.nan
    source = "user"
    b_ref = min(reference_batch, n)
    for b in (*sizes, b_ref):  # refused before any run
        check_epoch_budget(budget(b), b, nets.epoch_steps(n, b, base.batch_norm),
                            max_steps, max_epochs)
    ref_rows = []
    best = None
    set_by = budget_flag(budget(b_ref), max_steps, max_epochs)  # the reference runs' budget
    if target is not None:  # refused before any run
        refuse_constant_target(target, metric, source, constant, kind)
        refuse_majority_target(target, metric, source, constant, best)
    # the runs read the cache here, or load their own copy in each worker; a large set is
    # shared with both pools' workers instead, mapped from one file (each loaded its own)
    n_runs = len(sizes) * len(rates) * seeds  # the reference runs are fewer
    with shared_for_workers(ds, dataset, n_runs, backend=backend, workers=workers) as shared:
        del ds
        ref = ref if shared is None else shared  # what task() hands the runs
        if target is None or (noise and n >= 2):
            every = max(1, budget(b_ref) // NOISE_MEASUREMENTS) if noise and n >= 2 else 0
            ref_tasks = [task(b_ref, lr, 0, None, every) for lr in rates]
            release_for_workers(held_dataset, dataset, len(ref_tasks), backend=backend,
                                workers=workers)
            ref_rows = run_tasks(run_task, ref_tasks, backend=backend, workers=workers,
                                 scheduler=scheduler,
                                 progress="scaling: reference runs" if progress else None,
                                 **work_of(ref_tasks, n))
            reference, best = _reference_table(ref_rows, metric, for_target=target is None)
            if target is None:
                target, source = default_target(best, metric), (
                    f"reference: {REFERENCE_FRACTION:g} x best {metric} at B={b_ref}"
                    if metric == "val_accuracy" else
                    f"reference: {REFERENCE_FRACTION:.0%} of the val_loss drop at B={b_ref}")
                refuse_constant_target(target, metric, source, constant, kind, set_by)
            # before the study's runs (QA: a refusal after every run, minutes in): the reference
            # runs' untrained net is the study's first seed's, and the majority share the data's
            refuse_met_by_reference(reference, best, metric, target, source, sizes[0],
                                    budget(b_ref), set_by)
            refuse_majority_target(target, metric, source, constant, best, set_by)
            if every and best is not None:  # its own stream: the bootstrap draws nothing from
                # the runs' seeds; with every reference run diverged there is no noise to read
                noise_df, b_simple, b_simple_step = _noise_at_target(
                    best, metric, target,
                    np.random.default_rng(np.random.SeedSequence((seed, BOOTSTRAP_STREAM))))
        tasks = [task(b, lr, k, target) for b in sizes for lr in rates for k in range(seeds)]
        release_for_workers(held_dataset, dataset, len(tasks), backend=backend, workers=workers)
        rows = run_tasks(run_task, tasks, backend=backend, workers=workers, scheduler=scheduler,
                         progress="scaling: runs" if progress else None, **work_of(tasks, n))
        ref = ref_tasks = tasks = shared = None  # the maps, before their folder goes
    runs = pd.DataFrame([{c: r[c] for c in RUN_COLUMNS} for r in rows], columns=RUN_COLUMNS)
    # steps to a target the untrained net meets measure nothing
    refuse_met_at_start(runs, best, metric, target, source, budget(b_ref), set_by)
    batches, fit, exponent, cap = read_runs(runs, n, rates)
    return ScalingResult(
        dataset=name, n_train=n, target_metric=metric, target=float(target),
        target_source=source, batch_sizes=sizes, lrs=rates, seeds=seeds, max_steps=max_steps,
        runs=runs, batches=batches, fit=fit, exponent=exponent, lr_cap_batch=cap,
        noise=noise_df, b_simple=b_simple["b_simple"], b_simple_step=b_simple_step,
        b_simple_low=b_simple["low"], b_simple_high=b_simple["high"],
        b_simple_measurements=b_simple["measurements"], reference=reference,
        config={**base.to_dict(), "max_epochs": max_epochs, "reference_batch": b_ref},
        seed=seed, seconds=time.perf_counter() - t0, test_is_train=test_is_train,
        settings={**settings, "reference_batch": b_ref}, data_record=record)
