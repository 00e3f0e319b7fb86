"""Hooks into the training loop.

Training code never imports optuna: a study's pruner, the learning-rate range
test or a snapshot taker is a :class:`Callback` that reads the state and
answers "should I stop?" by returning True.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class TrainState:
    """What a callback may look at (and, for analyses, touch) during training.

    Attributes
    ----------
    net : MLP
        The net being trained.
    optimizer : Optimizer
        Its optimizer.
    step : int
        Steps taken so far.
    epoch : float
        Steps / steps per epoch.
    lr : float
        The rate the last step used.
    ending : str or None
        At a checkpoint where training ends anyway, why (``"converged"``,
        ``"early_stopped"``...): asking to stop then changes nothing; else None.
    """

    net: object
    optimizer: object
    step: int = 0  # steps taken so far
    epoch: float = 0.0  # steps / steps per epoch
    lr: float = 0.0  # rate used by the last step
    # at a checkpoint where training ends anyway ("converged", "early_stopped", "diverged",
    # "max_epochs", or "stopped" at the closing checkpoint after a step callback stopped
    # it): callbacks still see it, and asking to stop changes nothing
    ending: str | None = None
    _last_batch: tuple = ()  # (logits, targets, weights) of the last step, for batch_loss

    @property
    def batch_loss(self) -> float:
        """Loss of the last batch, computed only when a callback asks for it."""
        if not self._last_batch:
            return float("nan")
        return self.net._head.loss(*self._last_batch)


class Callback:
    """Base class. Return True from a hook to stop training with ``stop_reason``."""

    stop_reason = "stopped by callback"

    def on_step(self, state: TrainState) -> bool | None:
        """After every optimizer step (only for callbacks that override it: the loop
        skips the call otherwise). Return True to stop training.

        Parameters
        ----------
        state : TrainState
            The loop's state after the step.
        """
        return None

    def on_checkpoint(self, state: TrainState, record: dict) -> bool | None:
        """At every checkpoint, the first (step 0) and the last included. ``record`` is
        the history row just added: epoch, iteration, lr, train_loss, train_accuracy,
        val_loss, val_accuracy (NaN without validation data). Return True to stop.

        Parameters
        ----------
        state : TrainState
            The loop's state: ``net``, ``optimizer``, ``step``, ``epoch``, ``lr``, ``ending``.
        record : dict
            The history row, as above.
        """
        return None


def check_callbacks(callbacks) -> tuple:
    """``callbacks`` (a sequence, or None) as a tuple; TypeError for anything else, or an
    item that is no callback (a function).

    Parameters
    ----------
    callbacks : sequence of Callback or None
        What was passed.
    """
    if callbacks is None:
        return ()
    if isinstance(callbacks, Callback) or not hasattr(callbacks, "__iter__"):
        raise TypeError(f"callbacks must be a sequence of nets.Callback objects (a list), got "
                        f"{type(callbacks).__name__}")
    callbacks = tuple(callbacks)
    for cb in callbacks:
        if not all(callable(getattr(cb, hook, None)) for hook in ("on_step", "on_checkpoint")):
            raise TypeError("callbacks must be nets.Callback objects (on_step and "
                            f"on_checkpoint methods), got {type(cb).__name__} {cb!r:.60}")
    return callbacks


def wants_steps(cb: Callback) -> bool:
    return type(cb).on_step is not Callback.on_step


class ParamSnapshots(Callback):
    """Keep copies of the layers' ``[W0, b0, W1, ...]`` at up to ``keep`` checkpoints
    spread over where training changes the net (`MLP.folded`: with batch norm, folded in at
    its running statistics), the first and the last included.

    The run's length is unknown in advance, so it keeps up to ``4 * keep`` candidates and,
    past that, drops the one whose two neighbours lie closest in `training_progress`;
    :attr:`snapshots` then picks ``keep`` spread evenly in it (`spread_over_training`).
    Deterministic: the same run keeps the same checkpoints.

    Parameters
    ----------
    keep : int, default 8
        Snapshots :attr:`snapshots` gives at most (`train`'s ``snapshots`` sets it).
    """

    def __init__(self, keep: int = 8):
        self.keep = keep
        self._kept: list[tuple[float, list[np.ndarray], float]] = []  # epoch, params, loss
        self._best = math.inf  # the lowest training loss seen so far

    def on_checkpoint(self, state, record):
        """Keep the net's folded parameters at this checkpoint (one copy per epoch).

        Parameters
        ----------
        state : TrainState
            The loop's state; its ``net`` is copied.
        record : dict
            The history row just added (its ``epoch`` and ``train_loss`` are read).
        """
        loss = float(record.get("train_loss", math.nan))
        if math.isfinite(loss):
            self._best = min(self._best, loss)
        snap = (float(record["epoch"]), state.net.folded(), self._best)
        if self._kept and self._kept[-1][0] == snap[0]:  # the closing checkpoint again
            self._kept[-1] = snap
            return
        self._kept.append(snap)
        if len(self._kept) > 4 * max(self.keep, 1):
            progress = training_progress([e for e, _, _ in self._kept],
                                         [(e, b) for e, _, b in self._kept])
            # the interior one whose neighbours are closest: it adds the least
            gaps = progress[2:] - progress[:-2]
            del self._kept[1 + int(np.argmin(gaps))]

    @property
    def snapshots(self) -> list[tuple[float, list[np.ndarray]]]:
        curve = [(e, b) for e, _, b in self._kept]
        return spread_over_training([(e, p) for e, p, _ in self._kept], self.keep, curve)


def training_progress(epochs, curve=()) -> np.ndarray:
    """How far training has come at each of ``epochs`` (increasing), from 0 at the first
    to 1 at the last: a mean of two measures of it, the second counting twice (with the
    first alone, a double arc's second fall, epochs 100 to 173, had no panel before its
    last). One is the epoch on a log scale,
    ``log(1 + e / u) / log(1 + E / u)``, ``u`` the first positive epoch and ``E`` the last
    (nets change most early on); the other the drop of the training loss so far, its
    lowest value up to ``e`` against the first, as a share of the whole drop (``curve``:
    ``(epoch, loss)`` pairs, a run's history; the loss part is left out without one, or
    when the loss never fell). A run whose loss falls between epochs 100 and 600 of 5000
    has most of its progress there, not at evenly spaced epochs.

    Parameters
    ----------
    epochs : array-like of float
        Increasing epochs (a run's checkpoints).
    curve : sequence of (float, float), optional
        ``(epoch, loss)`` pairs, as above.
    """
    epochs = np.asarray(epochs, dtype=float)
    if len(epochs) < 2 or epochs[-1] <= epochs[0]:
        return np.zeros(len(epochs))
    span = epochs - epochs[0]
    unit = span[span > 0].min()
    parts = [np.log1p(span / unit) / np.log1p(span[-1] / unit)]
    curve = sorted((float(e), float(v)) for e, v in curve)
    if curve:
        at = np.array([e for e, _ in curve])
        losses = np.array([v if math.isfinite(v) else np.nan for _, v in curve])
        best = np.fmin.accumulate(losses)  # the lowest so far (NaN until a finite one)
        # each epoch's lowest loss so far: the last curve point at or before it
        idx = np.searchsorted(at, epochs, side="right") - 1
        lowest = np.where(idx >= 0, best[np.clip(idx, 0, None)], np.nan)
        first, last = lowest[0], lowest[-1]
        if np.isfinite(first) and np.isfinite(last) and first > last:
            parts.append(np.clip((first - np.fmin(lowest, first)) / (first - last), 0, 1))
    return np.average(parts, axis=0, weights=[1, 2][:len(parts)])  # the loss's drop twice


def spread_over_training(items: list, n: int, curve=()) -> list:
    """Up to ``n`` of ``(epoch, ...)`` ``items`` (in epoch order) spread evenly over how far
    training came (`training_progress`, from ``curve``'s ``(epoch, loss)`` pairs), first and
    last included: each of ``n`` evenly spaced levels takes the nearest item not yet taken.
    A run of 5000 epochs whose loss fell between epochs 100 and 600 showed epochs 0, 1400,
    2400, 3600 and 5000 evenly by epoch, the last four alike.

    Parameters
    ----------
    items : list
        Tuples whose first entry is an epoch, in epoch order.
    n : int
        How many to keep.
    curve : sequence of (float, float), optional
        ``(epoch, loss)`` pairs, as `training_progress` takes them.
    """
    if len(items) <= n:
        return list(items)
    return _nearest_free(items, training_progress([item[0] for item in items], curve), n)


def _nearest_free(items: list, levels: np.ndarray, n: int) -> list:
    """``n`` of ``items``: for each of ``n`` evenly spaced values from ``levels[0]`` to
    ``levels[-1]``, the item whose level is nearest, among those not yet taken."""
    taken: list[int] = []
    for target in np.linspace(levels[0], levels[-1], n):
        free = [i for i in range(len(items)) if i not in taken]
        taken.append(min(free, key=lambda i: abs(levels[i] - target)))
    return [items[i] for i in sorted(taken)]
