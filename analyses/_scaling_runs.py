"""One scaling run (train until a validation target, count the steps) and the tables of many.

A run is a picklable `RunTask` executed by `run_task` in any worker process. The target
is checked by a callback on a geometric schedule of steps (every step at first, then
every ``resolution`` x the steps so far): steps to target are then known within that
relative error whatever the batch size, while a run at batch 1 and one at the full batch
spend about the same few hundred evaluations on it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

import data
import nets

from ._held import held_load
from ._noise_scale import GradientNoiseScale
from ._progress import work_callbacks

#: Target metric -> the direction that is better; errors list these names.
TARGET_METRICS = {"val_accuracy": "max", "val_loss": "min"}
#: A validation loss above this multiple of its first value counts as diverged.
DIVERGED_FACTOR = 1e3
#: A targeted run is abandoned ("stalled") once its validation loss has not improved
#: since 1 / STALL_FACTOR of its steps and it used half its budget: dead ReLU nets and
#: rates too large to settle would otherwise burn all of it. Deliberately late and
#: strict, so a run on a plateau (sigmoid nets on coin or XOR) is never cut short: its
#: loss still creeps down, and its steps to target are the quantity measured.
STALL_FACTOR = 10
STALL_MIN_STEPS = 100
RUN_COLUMNS = ("batch_size", "lr", "seed", "reached", "status", "steps", "examples",
               "final_value", "seconds")

#: Settings every run trains with, whatever its config says: the target, the stall rule or
#: the step budget ends a run, never the loop's eps or patience.
RUN_SETTINGS = {"eps": 0.0, "patience": 0}
#: Training examples scored at the loop's checkpoints (which only guard against divergence).
EVAL_SIZE = 512

# SeedSequence((*run_seed, 1)): a run's gradient-noise draws, apart from the streams
# nets.train_streams spawns from the run's seed itself
NOISE_STREAM = 1


#: `early_steps`' growth per measurement: about ln 2 / ln 1.2 = 3.8 in the last half of the
#: way to any step, enough for `window_noise_scale`'s interval (3).
EARLY_RATIO = 1.2


def early_steps(every: int, ratio: float = EARLY_RATIO) -> tuple[int, ...]:
    """Steps 1, 2, ... growing by ``ratio`` up to 10 x ``every``, where a measurement every
    ``every`` steps puts fewer than 5 in the last half of the way to a step: with both, a
    target reached early still has measurements near it."""
    out, s = [], 1
    while s < 10 * every:
        out.append(s)
        s = max(s + 1, math.ceil(s * ratio))
    return tuple(out)


@dataclass(frozen=True)
class RunTask:
    """Everything one run needs, small enough to ship to a worker.

    ``data`` is ``(name, data_seed)`` (loaded once per worker process) or a
    `data.Dataset`. ``seed`` is the entropy of the net's streams: one per seed index,
    shared by every batch size and rate, so rates are compared on the same
    initial weights (common random numbers). ``target`` None runs the whole budget
    and keeps the metric's trace (reference runs).
    """

    data: tuple | data.Dataset
    config: nets.TrainConfig
    seed: tuple[int, ...]
    metric: str
    target: float | None
    max_steps: int
    resolution: float = 0.02
    noise_every: int = 0  # > 0: measure the gradient noise scale every so many steps
    noise_batches: tuple[int, int] = (0, 0)
    noise_draws: int = 1  # small batches per measurement


def dataset_of(ref) -> data.Dataset:
    """The `data.Dataset` behind a task's ``data`` field (a name's: `held_load`)."""
    return held_load(*ref) if isinstance(ref, tuple) else ref


class TargetReached(nets.Callback):
    """Stop when the validation metric reaches ``target`` or the step budget runs out."""

    def __init__(self, net, X_val, y_val, metric: str, target: float | None, max_steps: int,
                 resolution: float):
        self.X = np.asarray(X_val, dtype=net.dtype)
        self.head = nets.get_head(net.head)
        self.T = self.head.encode(y_val, net.sizes[-1], net.dtype)
        self.metric, self.target, self.max_steps = metric, target, max_steps
        self.resolution = resolution
        self.maximize = TARGET_METRICS[metric] == "max"
        self.first_loss = math.nan
        self.step_reached: int | None = None
        self.diverged = self.stalled = False
        self._best_loss, self._best_step = math.inf, 0
        self.trace: list[tuple[int, float]] = []
        self._next = 1

    def value(self, net) -> tuple[float, float]:
        z = net.logits(self.X)
        loss = self.head.loss(z, self.T)
        return loss, (self.head.accuracy(z, self.T) if self.maximize else loss)

    def reached(self, value: float) -> bool:
        if self.target is None or not math.isfinite(value):
            return False
        return value >= self.target if self.maximize else value <= self.target

    def check(self, net, step: int) -> bool:
        loss, value = self.value(net)
        if step == 0:
            self.first_loss = loss
        self.trace.append((step, value))
        if not math.isfinite(loss) or loss > DIVERGED_FACTOR * max(self.first_loss, 1e-12):
            self.diverged, self.stop_reason = True, "diverged"
            return True
        if self.reached(value):
            self.step_reached, self.stop_reason = step, "target reached"
            return True
        if loss < self._best_loss * (1 - 1e-6):  # any real improvement, plateaus included
            self._best_loss, self._best_step = loss, step
        elif (self.target is not None and step >= max(STALL_MIN_STEPS, self.max_steps / 2)
              and step > STALL_FACTOR * self._best_step):
            self.stalled, self.stop_reason = True, "stalled"
            return True
        return False

    def on_step(self, state):
        step = state.step
        if step >= self.max_steps:  # the budget: checked last, at exactly max_steps
            self.stop_reason = "step budget"
            return self.check(state.net, step) or True
        if step < self._next:
            return None
        self._next = max(step + 1, math.ceil(step * (1 + self.resolution)))
        return self.check(state.net, step)


def examples_seen(steps: int, batch_size: int, n: int, batch_norm: bool = False) -> int:
    """Examples processed in ``steps`` steps (an epoch's last batch may be short, or
    with batch norm long: `nets.epoch_steps`)."""
    bs = min(batch_size, n)
    per_epoch = nets.epoch_steps(n, bs, batch_norm)
    epochs, rest = divmod(int(steps), per_epoch)
    return epochs * n + min(rest * bs, n)


def work_of(tasks, n: int) -> dict:
    """`run_tasks`' ``amounts`` and ``unit`` for ``tasks`` on ``n`` training rows: the
    examples of each one's step budget, which `run_task` reports as it trains (one that
    stops at its target is credited the rest as it ends). Counted by run, the bar stood
    still while a full-batch run took its 10 000 steps; counted by step, a step of batch 1
    would weigh as much as one of the whole set."""
    return {"amounts": [t.max_steps * min(t.config.batch_size, n) for t in tasks],
            "unit": "example"}


def run_task(task: RunTask) -> dict:
    """Train one net until the target, the step budget or divergence; return one row.

    Returns
    -------
    dict
        `RUN_COLUMNS`, plus ``trace`` (list of ``(step, value)``) and ``noise``
        (a DataFrame, or None) for reference runs.
    """
    ds = dataset_of(task.data)
    t0 = time.perf_counter()  # the run, not the worker's first load of the data
    cfg = task.config
    net, loop_rng = nets.seeded_net(cfg, ds, task.seed)
    n = len(ds.X_train)
    per_epoch = nets.epoch_steps(n, cfg.batch_size, cfg.batch_norm)
    # The loop's own checkpoints only guard against divergence here: ~20 per budget.
    cfg = cfg.replace(max_epochs=task.max_steps / per_epoch + 1,
                      checkpoint=max(1, task.max_steps // 20) / per_epoch,
                      eval_size=min(n, EVAL_SIZE), **RUN_SETTINGS)
    stop = TargetReached(net, ds.X_val, ds.y_val, task.metric, task.target, task.max_steps,
                         task.resolution)
    # the examples it trains on, for the bar: a step of the full batch costs n of batch 1's
    callbacks: list[nets.Callback] = [stop, *work_callbacks("iteration", min(cfg.batch_size, n))]
    noise = None
    if task.noise_every:
        X = np.asarray(ds.X_train, dtype=net.dtype)
        T = nets.get_head(net.head).encode(ds.y_train, net.sizes[-1], net.dtype)
        noise_rng = np.random.default_rng(np.random.SeedSequence((*task.seed, NOISE_STREAM)))
        noise = GradientNoiseScale(X, T, b_small=task.noise_batches[0],
                                   b_big=task.noise_batches[1], every=task.noise_every,
                                   rng=noise_rng, l2=cfg.l2, l1=cfg.l1,
                                   draws=task.noise_draws, also=early_steps(task.noise_every))
        noise.measure(net, 0, 0.0)
        callbacks.append(noise)
    if not stop.check(net, 0):
        result = nets.train(net, cfg, ds.X_train, ds.y_train, rng=loop_rng,
                            callbacks=callbacks)
        if result.status == "diverged":
            stop.diverged = True
    reached = stop.step_reached is not None
    status = ("reached" if reached else "diverged" if stop.diverged else
              "stalled" if stop.stalled else
              "not reached" if task.target is not None else "budget")
    steps = stop.step_reached if reached else math.nan
    return {
        "batch_size": cfg.batch_size, "lr": cfg.lr, "seed": task.seed[-1], "reached": reached,
        "status": status, "steps": steps,
        "examples": examples_seen(steps, cfg.batch_size, n, cfg.batch_norm) if reached
        else math.nan,
        "final_value": stop.trace[-1][1], "seconds": time.perf_counter() - t0,
        "trace": stop.trace if task.target is None else None,
        "noise": noise.frame() if noise is not None else None,
    }


def best_per_batch(runs: pd.DataFrame) -> pd.DataFrame:
    """Steps and examples to target per batch size at its best rate.

    Seeds are combined per (batch size, rate) by the median, counting a run that missed
    the target as infinitely long: a rate counts only when most seeds reach. The best
    rate has the fewest median steps (ties: fewer mean steps).

    Parameters
    ----------
    runs : pandas.DataFrame
        A scaling study's runs (``ScalingResult.runs``): ``batch_size``, ``lr``, ``steps``
        and ``examples`` to target (NaN: not reached).

    Returns
    -------
    DataFrame
        One row per batch size: ``batch_size, reached, steps, examples, best_lr,
        reached_runs, runs``; steps, examples and best_lr are NaN when not reached.
    """
    df = runs.assign(steps_inf=runs["steps"].fillna(np.inf),
                     examples_inf=runs["examples"].fillna(np.inf))
    per_rate = (df.groupby(["batch_size", "lr"], sort=True)
                .agg(steps=("steps_inf", "median"), examples=("examples_inf", "median"),
                     mean_steps=("steps_inf", "mean"), reached_runs=("reached", "sum"),
                     runs=("reached", "size"))
                .reset_index())
    rows = []
    for b, grp in per_rate.groupby("batch_size", sort=True):
        best = grp.sort_values(["steps", "mean_steps", "lr"]).iloc[0]
        ok = bool(np.isfinite(best["steps"]))
        rows.append({"batch_size": int(b), "reached": ok,
                     "steps": float(best["steps"]) if ok else math.nan,
                     "examples": float(best["examples"]) if ok else math.nan,
                     "best_lr": float(best["lr"]) if ok else math.nan,
                     "reached_runs": int(grp["reached_runs"].sum()),
                     "runs": int(grp["runs"].sum())})
    return pd.DataFrame(rows)


def median_steps_by_rate(runs: pd.DataFrame, batch_size: int) -> pd.Series:
    """Median steps over seeds at each rate for one batch size (inf = not reached).

    Parameters
    ----------
    runs : pandas.DataFrame
        A scaling study's runs (``ScalingResult.runs``).
    batch_size : int
    """
    sel = runs[runs["batch_size"] == batch_size]
    return sel.assign(s=sel["steps"].fillna(np.inf)).groupby("lr")["s"].median().sort_index()
