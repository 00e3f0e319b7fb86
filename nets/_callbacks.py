"""Hooks into the training loop.

Training code never imports optuna: a study's pruner, the learning-rate range
test or a snapshot taker is a :class:`Callback` that reads the state and
answers "should I stop?" by returning True.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class TrainState:
    """What a callback may look at (and, for analyses, touch) during training."""

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
        skips the call otherwise). Return True to stop training."""
        return None

    def on_checkpoint(self, state: TrainState, record: dict) -> bool | None:
        """At every checkpoint, the first (step 0) and the last included. ``record`` is
        the history row just added: epoch, iteration, lr, train_loss, train_accuracy,
        val_loss, val_accuracy (NaN without validation data). Return True to stop."""
        return None


def check_callbacks(callbacks) -> tuple:
    """``callbacks`` (a sequence, or None) as a tuple; TypeError for anything else, or an
    item that is no callback (a function)."""
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
    spread over training (`MLP.folded`: with batch norm, folded in at its running
    statistics).

    The run's length is unknown in advance, so it keeps all and thins by halves
    whenever the list grows past twice ``keep``; :attr:`snapshots` then picks
    ``keep`` evenly spaced ones (first and last included).
    """

    def __init__(self, keep: int = 8):
        self.keep = keep
        self._every = 1
        self._seen = 0
        self._all: list[tuple[float, list[np.ndarray]]] = []

    def on_checkpoint(self, state, record):
        if self._seen % self._every == 0:
            self._all.append((record["epoch"], state.net.folded()))
            if len(self._all) > 2 * self.keep:
                self._all = self._all[::2]
                self._every *= 2
        self._seen += 1
        self._last = (record["epoch"], state.net.folded())

    @property
    def snapshots(self) -> list[tuple[float, list[np.ndarray]]]:
        snaps = list(self._all)
        if snaps and hasattr(self, "_last") and snaps[-1][0] != self._last[0]:
            snaps.append(self._last)
        return spread_by_epoch(snaps, self.keep)


def spread_by_epoch(items: list, n: int) -> list:
    """Up to ``n`` of ``(epoch, ...)`` ``items`` (in epoch order) spread evenly over the
    epochs they span, first and last included: each of ``n`` evenly spaced epochs takes the
    nearest item not yet taken. (Picking by place gave epochs 0, 64, 160, 224, 288, 352,
    448, 500 of a list thinned by halves with its last checkpoint appended.)"""
    if len(items) <= n:
        return list(items)
    epochs = np.array([float(item[0]) for item in items])
    taken: list[int] = []
    for target in np.linspace(epochs[0], epochs[-1], n):
        free = [i for i in range(len(items)) if i not in taken]
        taken.append(min(free, key=lambda i: abs(epochs[i] - target)))
    return [items[i] for i in sorted(taken)]
