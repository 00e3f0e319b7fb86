"""The checks of `scaling_study`'s arguments: those the data has no part in, made before it
is loaded, those that need it, and the runs' epoch budget."""

from __future__ import annotations

import collections
import math
import numbers

import data
import nets

from ._checks import positive, seed_count, whole, whole_numbers
from ._lr_grid import MAX_RATES
from ._scaling_runs import TARGET_METRICS


def check_settings(batch_sizes, lrs, seeds, metric, target, max_steps, batch_norm=False):
    """The checks of every number and name the data has no part in, made before it is
    loaded (a bad --seeds said "MNIST folder not found"): ``batch_sizes`` and ``metric``
    as given (None: the data's defaults, checked by `check_against_data`)."""
    if batch_sizes is not None:
        full = sum(map(is_full_batch, batch_sizes))
        if full > 1:
            raise ValueError("batch sizes list -1 twice")
        if full < len(batch_sizes) or not batch_sizes:
            whole_numbers("batch sizes", [b for b in batch_sizes if not is_full_batch(b)])
        if batch_norm and 1 in batch_sizes:  # refused here, not after the reference runs
            raise ValueError("--batch-norm needs batches of 2 rows or more (one row's batch "
                             "statistics standardise it to 0): leave 1 out of --batch-sizes")
    if not lrs or any(isinstance(r, bool) or not isinstance(r, numbers.Real)
                      or not (math.isfinite(r) and r > 0) for r in lrs):
        raise ValueError(f"learning rates must be finite and > 0, got {list(lrs)}")
    if len(lrs) > MAX_RATES:  # each one a run per batch size and seed
        raise ValueError(f"at most {MAX_RATES} learning rates, got {len(lrs)}")
    counts = collections.Counter(lrs)  # lrs.count(r) each: minutes for 100000
    twice = [r for r in lrs if counts[r] > 1]
    if twice:  # a typo more likely than a wish for the same runs twice
        raise ValueError(f"learning rates list {twice[0]:g} twice")
    seed_count(seeds)
    whole("max_steps", max_steps, 1)
    if metric is not None and metric not in TARGET_METRICS:
        raise ValueError(nets.unknown_name("target metric", metric, TARGET_METRICS))
    if target is not None:
        positive("target", target)
    _check_target(metric, target)


def is_full_batch(size) -> bool:
    """Whether ``size`` is -1, the full batch (train's ``--batch-size -1``): a scaling
    study's list takes it for the training set's size, known once the data is read."""
    return nets.is_whole(size) and int(size) == -1


def full_batch_sizes(batch_sizes, n: int) -> tuple[int, ...]:
    """``batch_sizes`` as ints, -1 (`is_full_batch`) as ``n``, the training set's size."""
    return tuple(n if is_full_batch(b) else int(b) for b in batch_sizes)


def _check_target(metric, target) -> None:
    if metric == "val_accuracy" and target is not None and target > 1:
        raise ValueError(f"a val_accuracy target must be in (0, 1], got {target!r}")


def check_against_data(ds: data.Dataset, batch_sizes, metric, target) -> None:
    """The checks that need the data: the batch sizes fit its training set, the target
    metric (the default one too) suits its task."""
    n = len(ds.X_train)
    big = [b for b in batch_sizes if b > n]
    if big:
        raise ValueError(f"batch size {big[0]} is larger than the training set of "
                         f"{ds.name} ({n} examples)")
    if metric == "val_accuracy" and ds.task == "regression":
        raise ValueError(f"{ds.name} is a regression set: use target metric val_loss")
    _check_target(metric, target)


#: the most epochs a budget may be: each run trains one epoch past it (`run_task`: the
#: step budget, not the loop, ends it) and no run trains more than `nets.MAX_EPOCHS`
MAX_BUDGET_EPOCHS = nets.MAX_EPOCHS - 1


def check_epoch_budget(steps: int, b: int, per_epoch: int, max_steps: int,
                        max_epochs) -> None:
    """ValueError when the ``steps`` budget of a run at batch size ``b`` is more than
    `MAX_BUDGET_EPOCHS` epochs, naming the setting that sets it (``max_epochs`` when its
    steps are fewer than ``max_steps``) and the most each may be: "max_steps 1000000 is
    1,000,000 epochs ... a run trains at most 1,000,000 epochs" left the run's extra epoch
    unsaid, and blamed max_steps for a max_epochs of 1,000,000 that had been accepted."""
    if steps / per_epoch <= MAX_BUDGET_EPOCHS:
        return
    most = f"{math.floor(MAX_BUDGET_EPOCHS * per_epoch):,}"
    at = f"at batch size {b}, {nets.count_of(per_epoch, 'step')} an epoch"
    why = (f"over the {MAX_BUDGET_EPOCHS:,} epochs a scaling run's budget may be (each run "
           f"trains one epoch past it, and a run at most {nets.MAX_EPOCHS:,} epochs)")
    if max_epochs is not None and steps < max_steps:  # max_epochs sets the budget
        raise ValueError(f"max_epochs {max_epochs:.10g} is {why}; lower max_epochs to at "
                         f"most {MAX_BUDGET_EPOCHS:,} (or max_steps to at most {most} {at})")
    other = "set" if max_epochs is None else "lower"
    raise ValueError(f"max_steps {max_steps} is {steps / per_epoch:,.10g} epochs {at}: {why}; "
                     f"lower max_steps to at most {most} (or {other} max_epochs to at most "
                     f"{MAX_BUDGET_EPOCHS:,})")


def default_batch_sizes(n: int) -> tuple[int, ...]:
    """1, 2, 4, ... up to ``n``, plus ``n`` itself (the full batch).

    Parameters
    ----------
    n : int
        Training rows, >= 1.
    """
    if n < 1:
        raise ValueError(f"batch sizes need a training set, got n = {n}")
    sizes = [2 ** k for k in range(int(math.log2(n)) + 1)]
    return tuple(sizes if sizes[-1] == n else [*sizes, n])
