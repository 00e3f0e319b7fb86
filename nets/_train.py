"""The training loop: mini-batches, checkpoints, stop conditions, callbacks."""

from __future__ import annotations

import math
import numbers
import time

import numpy as np

from ._arg_types import check_config, check_net, check_optimizer
from ._batch_norm import BatchNorm
from ._build import new_optimizer
from ._callbacks import ParamSnapshots, TrainState, check_callbacks, wants_steps
from ._config import TrainConfig
from ._dropout import Dropout
from ._evaluate import _score
from ._model import MLP
from ._optimizers import OPTIMIZERS, weight_decay_of
from ._penalties import add_penalties
from ._printable import count_of
from ._schedules import learning_rate, warn_short_one_cycle
from ._steps import _whole, batch_rows, epoch_steps, whole_steps
from ._threads import on_default_threads, step_threads
from ._train_result import TrainResult
from ._validation import (
    check_config_describes,
    check_rng,
    check_training_data,
    refuse_beyond_memory,
)


def train(net: MLP, cfg: TrainConfig, X, y, X_val=None, y_val=None, *,
          rng: np.random.Generator, callbacks=(), lr_schedule=None, optimizer=None,
          start_step: int = 0, snapshots: int = 0, sample_weight=None) -> TrainResult:
    """Train ``net`` in place.

    Parameters
    ----------
    net : MLP
    cfg : TrainConfig
        The run's settings; its ``hidden``, ``activation``, ``head`` (unless "auto") and
        ``dtype`` must be the net's (a ValueError names a difference: build the net with
        :func:`build_net`), ``init`` is only read by :func:`build_net`.
    X, y : arrays
        Features ``(n, d)`` and targets: class indices, or values for regression.
    X_val, y_val : arrays, optional
        Scored at each checkpoint; the stop threshold ``eps`` and early stopping
        watch the validation loss when given, else the training loss.
    rng : numpy.random.Generator
        Draws the shuffles (and the subset scored at checkpoints).
    callbacks : sequence of Callback
    lr_schedule : callable ``(step, total_steps) -> lr``, optional
        Overrides ``cfg.schedule`` (used by the learning-rate range test).
    optimizer : Optimizer, optional
        Continue with this optimizer's state instead of a fresh one (made by
        :func:`new_optimizer`): its moments and its step count ``t`` (Adam's bias
        correction) carry over, nothing else: its ``weight_decay`` is set to ``cfg``'s
        (None: ``cfg.optimizer``'s own); the schedule goes on from ``start_step``.
        Each step decays the weights by that weight_decay times the step's rate
        (``lr_schedule``'s when given, else ``cfg``'s schedule's).
        `save_net` stores no optimizer state: a net loaded from a file continues with a
        fresh optimizer (momentum and moments from zero).
    start_step : int, default 0
        Continue a run from this step (the ``iterations`` of the part before): the rate
        schedule and warm-up go on from it, and the history's iteration and epoch columns,
        ``iterations`` and ``epochs`` count from the run's start. ``cfg.max_epochs`` is the
        whole run's length, so it trains ``max_epochs`` minus what was done (a ValueError
        if nothing is left). Resumed at an epoch boundary with the rng and optimizer the
        first part left (and at most ``cfg.eval_size`` rows, whose scored subset is drawn
        anew), its steps are the uninterrupted run's, weights and losses bit for bit. The
        stopping rules restart at ``start_step``, whose checkpoint is their first: the
        divergence reference (the first train loss), patience's best loss and count, and
        the lowest loss whose weights early stopping restores (never one of an earlier
        part), so a resumed run may stop later than the uninterrupted one.
    snapshots : int
        Keep parameter copies at this many checkpoints (for hidden-space plots).
    sample_weight : array of shape (n,), optional
        Per-sample loss weights (times ``cfg.class_weight``), rescaled to mean 1.

    Returns
    -------
    TrainResult
        How the run ended (``status``, ``reason``), what it trained (``epochs``,
        ``iterations``, ``seconds``) and its checkpoints (``history``).
    """
    check_rng(rng)
    check_net(net)
    check_config(cfg)
    check_optimizer(optimizer)
    check_config_describes(cfg, net)
    callbacks = list(check_callbacks(callbacks))
    if (X_val is None) != (y_val is None):
        raise ValueError("give X_val and y_val together (or neither)")
    if isinstance(snapshots, bool) or not isinstance(snapshots, numbers.Integral) \
            or snapshots < 0:  # -1 ended in NumPy's "Number of samples, -1"
        raise ValueError(f"snapshots must be an integer >= 0, got {snapshots!r}")
    dtype = net.dtype
    X, T, w = check_training_data(net, cfg, X, y, sample_weight=sample_weight)
    has_val = X_val is not None
    if has_val:
        # class weights shape training only: validation is scored as the study objective
        # and the test set are (unweighted), so every val_loss is one number
        X_val, T_val, _ = check_training_data(net, cfg, X_val, y_val, name="validation",
                                             loss_weights=False)
    n = len(X)
    bs = batch_rows(n, cfg.batch_size)
    if net.batch_norm and bs < 2:  # (batch_size 1 is refused by the config)
        raise ValueError("batch norm needs batches of 2 rows or more (one row's batch "
                         "statistics standardise it to 0), and the training set has 1 sample")
    steps_per_epoch = epoch_steps(n, cfg.batch_size, cfg.batch_norm)
    total_steps = whole_steps(cfg.max_epochs, steps_per_epoch)
    if isinstance(start_step, bool) or not isinstance(start_step, numbers.Integral) \
            or not 0 <= start_step < total_steps:
        # max_epochs counts from the run's start: a continuation past it trained nothing
        raise ValueError(f"start_step must be a whole number of steps in 0..{total_steps - 1} "
                         f"(max_epochs={cfg.max_epochs:g} is {total_steps} steps from the "
                         f"run's start: raise it to train on), got {start_step!r}")
    if lr_schedule is None:
        warn_short_one_cycle(cfg, total_steps, steps_per_epoch)
    ckpt_every = max(1, round(cfg.checkpoint * steps_per_epoch))
    eval_idx = (np.sort(rng.choice(n, cfg.eval_size, replace=False))
                if n > cfg.eval_size else None)
    X_eval, T_eval, w_eval = ((X, T, w) if eval_idx is None else
                              (X[eval_idx], T[eval_idx], None if w is None else w[eval_idx]))

    # Adam's two moments (one buffer each for momentum, RMSProp...) count too: a float64
    # net whose weights and gradients fit was killed once its optimizer state was written
    slots = 0 if optimizer is not None else len(getattr(OPTIMIZERS.get(cfg.optimizer),
                                                        "_slots", ()))
    refuse_beyond_memory(net._flat_size, net.dtype, 2 + slots, "its weights, gradients"
                         + (f" and {cfg.optimizer}'s state" if slots else ""))
    opt = optimizer or new_optimizer(cfg, net)
    if opt.shapes != [net.flat.shape]:
        raise ValueError("the optimizer was made for other parameters; "
                         "make it with nets.new_optimizer(cfg, net)")
    snap = ParamSnapshots(snapshots) if snapshots else None
    if snap:
        callbacks.append(snap)
    step_cbs = [cb for cb in callbacks if wants_steps(cb)]
    state = TrainState(net=net, optimizer=opt)
    grad_flat, grads = net.gradient_buffers()
    flat_params, flat_grads = [net.flat], [grad_flat]
    weights = net.weights
    # its masks come from the batches' stream, after each epoch's shuffle: none drawn at
    # 0 (the same run, bit for bit, as before dropout), and a run resumed with its rng
    # drops as the uninterrupted one
    dropout = Dropout(cfg.dropout, rng) if cfg.dropout else None
    # the batch's statistics, the running ones moved: by 1 / t over a run's first steps,
    # counted from its start (the starting statistics below are the first), so a resumed
    # run moves them as the uninterrupted one
    norm = BatchNorm(steps=int(start_step) + 1) if net.batch_norm else None
    # the weights' gradient buffers, which every step's backward fills in place
    penalised, weight_grads = bool(cfg.l2 or cfg.l1), net.weights_of(grads)
    # the config decides the decay, as it does the rate: a continued optimizer made under
    # another config (or optimizer) decayed by its own while the record said cfg's
    opt.weight_decay = weight_decay_of(cfg.optimizer, cfg.weight_decay)
    decays = bool(opt.weight_decay)  # decoupled (adamw's own, or given): 0 costs no pass
    schedule = lr_schedule or (lambda s, total: learning_rate(s, cfg, total))
    records: list[dict] = []
    # best: the patience reference (moves only by more than min_delta); lowest: the lowest
    # watched loss, whose weights early stopping restores
    first_loss = best = lowest = math.inf
    best_params, best_row, bad = None, -1, 0
    status, reason = "max_epochs", f"reached max_epochs={cfg.max_epochs:g}"
    # 2.4 epochs of one step each; 1e-300 is "whole" (0 steps) yet trains the one step
    planned = cfg.max_epochs * steps_per_epoch
    if not _whole(planned) or round(planned) != total_steps:
        reason += (f" (rounded up to {count_of(total_steps, 'whole step')}: "
                   f"{count_of(total_steps / steps_per_epoch, 'epoch', fmt='g')})")
    t0 = time.perf_counter()
    step = int(start_step)
    state.step, state.epoch = step, step / steps_per_epoch

    def scores() -> dict:
        out = {}
        out["train_loss"], out["train_accuracy"] = _score(net, X_eval, T_eval, w_eval)
        if has_val:
            out["val_loss"], out["val_accuracy"] = _score(net, X_val, T_val, None)
        return out

    def record() -> dict:
        # the rate at this iteration (not state.lr, the step just taken's): one call per
        # checkpoint, and the column reads as the schedule's formula
        rec = {"epoch": step / steps_per_epoch, "iteration": step,
               "lr": float(schedule(step, total_steps)),
               "val_loss": float("nan"), "val_accuracy": float("nan")}
        rec.update(on_default_threads(steps_threads, scores))  # it multiplies thousands of rows
        records.append(rec)
        return rec

    def checkpoint() -> tuple[str, str] | None:
        rec = record()
        ended = stop_condition(rec)
        state.ending = ended[0] if ended else "max_epochs" if step >= total_steps else None
        # every callback sees every checkpoint, the last one included
        asking = [cb for cb in callbacks if cb.on_checkpoint(state, rec)]
        if state.ending:  # training ends here anyway: its own reason stands
            return ended
        return ("stopped", asking[0].stop_reason) if asking else None

    def stop_condition(rec: dict) -> tuple[str, str] | None:
        """The loop's own reasons to end: divergence, eps, early stopping."""
        nonlocal first_loss, best, lowest, best_params, best_row, bad
        watched = rec["val_loss"] if has_val else rec["train_loss"]
        if first_loss == math.inf:
            first_loss = max(rec["train_loss"], 1e-12)
        if not math.isfinite(rec["train_loss"]) or not math.isfinite(watched):
            return "diverged", "loss became NaN or infinite"
        if rec["train_loss"] > cfg.divergence_factor * first_loss:
            return "diverged", (f"train loss {rec['train_loss']:.3g} exceeded "
                                f"{cfg.divergence_factor:g}x its first value")
        if cfg.eps and watched <= cfg.eps:
            return "converged", f"{'val' if has_val else 'train'} loss {watched:.4g} <= eps"
        if cfg.patience:
            # a gain under min_delta does not reset patience, but its weights are still
            # the best seen: saving only on resets restored older, worse ones (epoch 0)
            if watched < lowest:
                lowest = watched
                best_params, best_row = net.state.copy(), len(records) - 1
            if watched < best - cfg.min_delta:
                best, bad = watched, 0
            else:
                bad += 1
                if bad >= cfg.patience:
                    # best_row 0: the start is put back, which the reason must say (iris's
                    # batch-normed net ended untrained, at 0.17, saying only this)
                    return "early_stopped", f"no improvement for {bad} checkpoints" + (
                        ", none on the starting weights, which are kept" if best_row == 0
                        else "")
        return None

    # over/invalid: a diverging run overflows on purpose; the checkpoint reports it
    steps_threads = step_threads(net.sizes, bs)
    try:  # not a `with`: a Ctrl-C at the end of its __enter__ or the start of its __exit__
        # left the run counted as stepping, and later ones' scoring on one BLAS thread
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            steps_threads.enter()
            state.lr = schedule(step, total_steps)
            if norm and not start_step:
                # a run starts from its net's statistics over the scored rows, not the 0 and 1
                # of a new net: epoch 0 scored a net without batch norm, one training never
                # sees, and early stopping put back its weights when that scored lower
                net._forward(X_eval, None, BatchNorm())
            ended = checkpoint()  # epoch 0 (or start_step): the starting point of every curve
            while ended is None and step < total_steps:
                perm = rng.permutation(n) if bs < n else None
                for k in range(steps_per_epoch):
                    if perm is None:
                        xb, tb, wb = X, T, w
                    else:
                        # gather batch by batch: the rows stay in cache for the matmul; the
                        # last batch ends the epoch (with batch norm, it may take the rest)
                        idx = perm[k * bs:n if k == steps_per_epoch - 1 else (k + 1) * bs]
                        xb, tb = X[idx], T[idx]
                        wb = None if w is None else w[idx]
                    lr = schedule(step, total_steps)
                    # folds_lr: the gradients come out times lr and the step uses lr = 1
                    scale, step_lr = (lr, 1.0) if opt.folds_lr else (1.0, lr)
                    outs = net._forward(xb, dropout, norm)
                    net._backward(outs, tb, wb, grads, scale, dropout, norm)
                    if penalised:
                        add_penalties(weight_grads, weights, l2=cfg.l2, l1=cfg.l1, scale=scale)
                    if decays:  # before the update, at the schedule's rate (PyTorch's AdamW)
                        opt.decay(weights, lr)
                    opt.step(flat_params, flat_grads, dtype.type(step_lr))
                    step += 1
                    state.step, state.epoch, state.lr = step, step / steps_per_epoch, lr
                    if step_cbs:
                        state._last_batch = (outs[-1], tb, wb)
                        # every step callback sees the step; the reason is the first asker's
                        asking = [cb for cb in step_cbs if cb.on_step(state)]
                        if asking:
                            ended = ("stopped", asking[0].stop_reason)
                            break
                    if step % ckpt_every == 0 or step == total_steps:
                        ended = checkpoint()
                        if ended:
                            break
                    if step >= total_steps:
                        break
            if ended and ended[0] == "stopped" and records[-1]["iteration"] != step:
                # a step callback stopped it: close the curve at that step, and every callback
                # sees the closing checkpoint, as at any other end (snapshots keep the last net)
                closing, state.ending = record(), "stopped"
                for cb in callbacks:
                    cb.on_checkpoint(state, closing)
    finally:
        steps_threads.leave()  # first, a C call: counted out before any Python code runs
        steps_threads.restore()
    if ended:
        status, reason = ended
    final_row = -1
    if status == "early_stopped" and best_params is not None:
        net.state[...] = best_params
        final_row = best_row
    return TrainResult(status=status, reason=reason, records=records,
                       epochs=step / steps_per_epoch, iterations=step,
                       seconds=time.perf_counter() - t0,
                       snapshots=snap.snapshots if snap else [], final_row=final_row)
