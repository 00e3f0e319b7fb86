"""One learning-rate range test on a given net: ramp the rate, record the loss, put it all back.

`range_test` drives `nets.train` with a rate schedule and a step callback (`_Recorder`)
that records the loss, smooths it and stops the run once the smoothed loss passes
``diverge`` x its best (or turns NaN). Whatever happens, the net's weights and the
optimizer's state are restored bit for bit afterwards, so a test can run in the middle
of training.

Modes (`MODES`):

* ``exp`` / ``linear``: the rate changes every step, from ``min_lr`` to ``max_lr`` over
  ``num_steps`` steps (as many epochs as that takes). The recorded loss is the batch's,
  computed before the step that uses the rate (fastai's convention), or with ``val`` the
  loss on one fixed validation batch just after that step.
* ``looper``: the course's segmented test: ``num_steps`` rates, each held for
  ``epochs_per_rate`` epochs, rising linearly within each decade as the course's do
  (`looper_rates`: 1e-4, 2e-4, ..., 1e-3, 2e-3, ...); the loss is taken on the whole
  training set (the validation set with ``val``) at the end of each segment, so it needs
  no smoothing.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

import nets

from ._checks import flag, number, whole
from ._lr_ramp_rates import ramp_rates

CURVE_COLUMNS = ("step", "lr", "loss", "smoothed_loss")
#: The default smoothing spans a thirtieth of the ramp: its time constant, 1 / (1 - beta)
#: points, is ``num_steps / 30``, so the curve lags the recorded loss by a thirtieth of
#: the ramp's decades whatever --steps (a quarter decade of the default 1e-7..10). fastai's
#: 0.98 averaged over 50 points, 4 decades of a 100-point ramp: the smoothed minimum sat
#: near a decade right of the loss's, the fall looked shallow and the stop came late. A
#: fixed beta smooths a longer ramp over less of a decade (0.7 on 400 points let coin's
#: flat-start noise win steepest again). benchmarks/README.md, session 50.
TIME_CONSTANTS_PER_RAMP = 30
#: A looper's loss rising past this multiple of its best before it is the blow-up starting:
#: its suggestions are cut there (``_lr_range._skip_end``) and its `divergence_lr` is there.
LOOPER_RISE = 1.5
#: A ramp's (smoothed) loss within this multiple of its best so far is still at the floor:
#: its `divergence_lr` is the last such point before the stop. The smoothed floors of
#: digits, coin and double-arc wander up to ~1.12x their lowest point before coming back.
NEAR_BEST = 1.2


def default_beta(num_steps: int) -> float:
    """The smoothing `range_test` uses unless given one: a time constant of
    ``num_steps / TIME_CONSTANTS_PER_RAMP`` points (0.7 for 100 points, 0 for 30 or fewer)."""
    return max(0.0, 1 - TIME_CONSTANTS_PER_RAMP / num_steps)


def check_settings(beta, diverge, val, val_batch, epochs_per_rate) -> tuple[bool, int]:
    """``val`` and ``val_batch`` as a bool and an int; ValueError for a ``beta`` outside
    [0, 1), a ``diverge`` not above 1, an ``epochs_per_rate`` not above 0, a ``val`` that is
    no bool or a ``val_batch`` below 1 (a str too: "'<=' not supported"...). Checked in
    every mode, whether it reads them or not: -3 passed silently where looper did not."""
    number("beta", beta, lambda v: 0 <= v < 1, "in [0, 1)")
    number("diverge", diverge, lambda v: v > 1, "a number > 1")
    nets.check_epochs("epochs_per_rate", epochs_per_rate)
    return flag("val", val), whole("val_batch", val_batch, 1)


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames have no single truth value
class RangeCurve:
    """The record of one range test.

    Attributes
    ----------
    frame : DataFrame
        `CURVE_COLUMNS`: step (0-based point index), lr, loss, smoothed_loss.
    mode : str
    stop_reason : str
        ``"diverged"`` (smoothed loss above ``diverge`` x its best), ``"nan"`` or
        ``"completed"`` (the ramp reached ``max_lr``).
    stop_lr : float
        Rate of the point that stopped the test (NaN when completed).
    divergence_lr : float
        The rate where the rise that stopped the test began (`_divergence_lr`): a ramp's
        last point within `NEAR_BEST` x its best so far, a looper's first rate that took
        the loss past `LOOPER_RISE` x its best before. NaN when the test did not stop.
    steps : int
        Optimizer steps taken.
    seconds : float
    """

    frame: pd.DataFrame
    mode: str
    stop_reason: str
    stop_lr: float
    divergence_lr: float
    steps: int
    seconds: float


class _Recorder(nets.Callback):
    """Records one point every ``every`` steps, smooths it, stops on divergence or at the end."""

    def __init__(self, rates, loss_fn, *, every: int, beta: float, diverge: float,
                 on_point=None):
        self.rates, self.loss_fn, self.every, self.on_point = rates, loss_fn, every, on_point
        self.beta, self.diverge = beta, diverge
        self.points: list[tuple[int, float, float, float]] = []
        self._avg, self.best = 0.0, math.inf
        self.stop_reason = "completed"

    def on_step(self, state):
        if state.step % self.every:
            return None
        i = state.step // self.every - 1
        loss = float(self.loss_fn(state))
        # debiased exponential moving average (Adam's bias correction): the first points
        # are not pulled toward the zero the average starts from
        self._avg = self.beta * self._avg + (1 - self.beta) * loss
        smooth = self._avg / (1 - self.beta ** (i + 1)) if self.beta else loss
        self.points.append((i, float(self.rates[i]), loss, smooth))
        if self.on_point is not None:
            self.on_point(i + 1)
        if not math.isfinite(smooth):
            self.stop_reason = "nan" if math.isnan(smooth) else "diverged"
            return True
        self.best = min(self.best, smooth)
        if smooth > self.diverge * self.best:
            self.stop_reason = "diverged"
            return True
        return i >= len(self.rates) - 1


def range_test(net: nets.MLP, cfg: nets.TrainConfig, X, y, *, rng: np.random.Generator,
               X_val=None, y_val=None, min_lr: float = 1e-7, max_lr: float = 10.0,
               num_steps: int = 100, mode: str = "exp", beta: float | None = None,
               diverge: float = 4.0, val: bool = False, val_batch: int = 256,
               epochs_per_rate: float = 1.0, optimizer: nets.Optimizer | None = None,
               on_point=None) -> RangeCurve:
    """Run one learning-rate range test on ``net`` and restore it (and ``optimizer``).

    Parameters
    ----------
    net : nets.MLP
        Trained from its current weights; they are put back exactly afterwards.
    cfg : nets.TrainConfig
        Optimizer, batch size, l2... (its ``lr`` and schedule are ignored).
    X, y : arrays
        Training data.
    rng : numpy.random.Generator
        Draws the shuffles and the validation batch.
    X_val, y_val : arrays, optional
        Needed with ``val``.
    min_lr, max_lr : float
        Rate of the first and of the last point.
    num_steps : int
        Points: steps for ``exp``/``linear``, rates for ``looper`` (`looper_rates`).
    mode : {"exp", "linear", "looper"}
    beta : float in [0, 1), optional
        Smoothing of the recorded loss, a debiased exponential moving average (0 = none;
        the looper never smooths); default `default_beta` of ``num_steps`` (0.7 for 100).
    diverge : float > 1
        Stop once the smoothed loss exceeds this multiple of its best.
    val : bool
        Record the loss on a fixed validation batch of ``val_batch`` examples after each
        step (looper: on the whole validation set).
    val_batch : int
        Size of that validation batch (at most the validation set's).
    epochs_per_rate : float
        Looper only: epochs each rate is held.
    optimizer : nets.Optimizer, optional
        Continue with this optimizer (its state is restored afterwards); default a fresh
        one from ``cfg``.
    on_point : callable, optional
        Called with the number of points recorded so far after each one (a progress bar).

    Returns
    -------
    RangeCurve
    """
    nets.check_net(net)
    nets.check_config(cfg)
    nets.check_optimizer(optimizer)
    rates = ramp_rates(mode, min_lr, max_lr, num_steps)
    if beta is None:
        beta = default_beta(num_steps)
    val, val_batch = check_settings(beta, diverge, val, val_batch, epochs_per_rate)
    if val and (X_val is None or y_val is None or len(X_val) == 0):
        raise ValueError("the validation-loss mode needs a validation set")
    n = len(X)
    bs = n if cfg.batch_size == -1 else cfg.batch_size
    if bs > n:
        raise ValueError(f"batch size {bs} is larger than the training set ({n} examples)")
    per_epoch = nets.epoch_steps(n, bs, cfg.batch_norm)
    looper = mode == "looper"
    every = max(1, round(epochs_per_rate * per_epoch)) if looper else 1
    total = every * num_steps
    # One checkpoint at the start and none before the end (+1 step of slack): the
    # recorder alone decides when to stop, the loop's own divergence rule never fires.
    epochs = (total + 1) / per_epoch
    run_cfg = cfg.replace(max_epochs=epochs, checkpoint=epochs, eps=0.0, patience=0,
                          eval_size=min(n, 256))
    loss_fn = _loss_fn(net, X, y, X_val, y_val, val=val, looper=looper,
                       val_batch=val_batch, rng=rng)
    smooth = 0.0 if looper else beta
    recorder = _Recorder(rates, loss_fn, every=every, beta=smooth, diverge=diverge,
                         on_point=on_point)
    opt = optimizer or nets.new_optimizer(cfg, net)
    # state: the weights and batch norm's running statistics, which the ramp's steps move
    saved, opt_state = net.state.copy(), opt.state_dict()
    t0 = time.perf_counter()
    try:
        result = nets.train(net, run_cfg, X, y, rng=rng, callbacks=[recorder],
                            optimizer=opt, lr_schedule=lambda s, _: rates[min(s // every,
                                                                             num_steps - 1)])
    finally:  # in place: anything holding the arrays (an optimizer, a caller) stays valid
        net.state[...] = saved
        opt.load_state_dict(opt_state)
    frame = pd.DataFrame.from_records(recorder.points, columns=CURVE_COLUMNS)
    if not np.isfinite(frame["smoothed_loss"].to_numpy(dtype=np.float64)).any():
        raise ValueError(f"the loss is not finite even at the first rate ({rates[0]:g}): "
                         "there is no curve to read; lower the minimum rate")
    stopped = recorder.stop_reason != "completed"
    return RangeCurve(frame=frame, mode=mode, stop_reason=recorder.stop_reason,
                      stop_lr=float(frame["lr"].iloc[-1]) if stopped else math.nan,
                      divergence_lr=_divergence_lr(frame, stopped=stopped,
                                                    after_step=val or looper,
                                                    looper=looper, diverge=diverge),
                      steps=result.iterations, seconds=time.perf_counter() - t0)


def _loss_fn(net, X, y, X_val, y_val, *, val, looper, val_batch, rng):
    """What the recorder measures at each point (see the module docstring)."""
    head, k = nets.get_head(net.head), net.sizes[-1]
    if looper:
        Xs, ys = (X_val, y_val) if val else (X, y)
        Xs = np.asarray(Xs, dtype=net.dtype)
        Ts = head.encode(ys, k, net.dtype)
        return lambda state: state.net.loss(Xs, Ts)
    if not val:
        return lambda state: state.batch_loss
    # One fixed batch: the curve then follows the weights, not the draw of examples.
    idx = np.sort(rng.spawn(1)[0].choice(len(X_val), min(val_batch, len(X_val)),
                                         replace=False))
    Xv = np.asarray(X_val, dtype=net.dtype)[idx]
    Tv = head.encode(np.asarray(y_val)[idx], k, net.dtype)
    return lambda state: state.net.loss(Xv, Tv)


def first_rise(losses, factor: float) -> int | None:
    """Index of the first point whose loss exceeds ``factor`` x the lowest before it (None
    if none does; a NaN exceeds nothing)."""
    loss = np.asarray(losses, dtype=np.float64)
    best = np.fmin.accumulate(loss)
    rose = np.flatnonzero(loss[1:] > factor * best[:-1]) + 1
    return int(rose[0]) if rose.size else None


def _divergence_lr(frame: pd.DataFrame, *, stopped: bool, after_step: bool,
                   looper: bool = False, diverge: float = math.inf) -> float:
    """Rate of the first step of the rise that stopped the test (NaN if it never stopped).

    The rise's foot: on a ramp, the last point whose smoothed loss is within `NEAR_BEST`
    (or ``diverge``, if lower) x its lowest so far, after which it never came back near its
    best (a dip on the way up moves it not); on a looper, the point before the first rate
    that took the loss past `LOOPER_RISE` (or ``diverge``) x its best before, where its
    suggestions are cut (``_lr_range._skip_end``); else (a NaN stop) the last finite point.
    Measured before its own step (training batches), the foot's step is the first to raise
    the loss; measured after it (validation, looper), the next point's step is.
    """
    s = frame["smoothed_loss"].to_numpy(dtype=np.float64)
    finite = np.isfinite(s)
    if not stopped or not finite.any():
        return math.nan
    last = int(np.flatnonzero(finite)[-1])
    if looper:
        rose = first_rise(s, min(LOOPER_RISE, diverge))
        i = last if rose is None else rose - 1
    else:
        best = np.fmin.accumulate(np.where(finite, s, np.inf))
        i = int(np.flatnonzero(finite & (s <= min(NEAR_BEST, diverge) * best))[-1])
    i += int(after_step)
    return float(frame["lr"].iloc[i]) if i < len(s) else math.nan
