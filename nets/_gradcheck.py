"""Gradient check: backprop against two-sided differences, as the course does it.

Every W and b is flattened into one vector theta; each entry is nudged by +-h
and the loss evaluated twice: (f(theta + h) - f(theta - h)) / 2h, in float64. A
batch-normed net is checked as a training step computes it: on the batch's statistics
(its running ones untouched). With ``l2`` or ``l1`` the loss is training's objective, the
penalties on the weights added (their gradients `add_penalties`', as a training step's).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from ._arg_types import check_net
from ._batch_norm import BatchNorm
from ._config import TrainConfig
from ._dropout import Dropout
from ._gradcheck_verdict import step_note, verdict
from ._heads import get_head, infer_head
from ._model import MLP
from ._penalties import add_penalties
from ._progress_bar import progress_bar
from ._validation import check_rng, check_training_data

# Gradient norms below this are round-off of two-sided differences (h = 1e-5, float64)
ZERO_GRADIENT = 1e-9


@dataclass(frozen=True)
class GradCheckResult:
    """A gradient check's relative difference, its verdict band, the net's parameter
    count (`MLP.n_parameters`: a batch-normed layer's unused bias, checked too, not
    counted) and why the verdict may be the step's (`step_note`; None for a step within
    the course's).

    Attributes
    ----------
    relative_difference : float
        ||g_bp - g_num|| / (||g_bp|| + ||g_num||): 0.0 for a zero gradient, NaN where
        either gradient is not finite.
    verdict : str
        Its band (`verdict`): ``"excellent"``, ``"acceptable"``, ``"suspicious"`` or
        ``"wrong"``.
    n_parameters : int
        The net's parameter count, `MLP.n_parameters`.
    note : str or None
        Why the verdict may be the step's (`step_note`); None for a step within
        `STEP_RANGE`.
    """

    relative_difference: float  # ||g_bp - g_num|| / (||g_bp|| + ||g_num||)
    verdict: str  # excellent | acceptable | suspicious | wrong
    n_parameters: int
    note: str | None = None


def gradcheck_line(result: GradCheckResult, *, dropout: float = 0.0,
                   batch_norm: bool = False, l2: float = 0.0, l1: float = 0.0) -> str:
    """A check's result for people (``hplab gradcheck``'s line): its relative difference,
    verdict and parameter count, and what else shaped the loss checked.

    Parameters
    ----------
    result : GradCheckResult
    dropout : float
        The check's dropout rate (its one set of masks).
    batch_norm : bool
        Whether the net was batch-normed (on the sample's statistics).
    l2, l1 : float
        The penalties added to the loss.

    Returns
    -------
    str
    """
    dropped = f"; dropout {dropout:g}, the same masks throughout" if dropout else ""
    dropped += "; batch norm on the sample's statistics" if batch_norm else ""
    dropped += "".join(f"; {field} {value:g}" for field, value in (("l2", l2), ("l1", l1))
                       if value)
    return (f"relative difference {result.relative_difference:.3e}: {result.verdict} "
            f"({result.n_parameters} parameters{dropped})")


def gradcheck(net: MLP, X, y, *, h: float = 1e-5, class_weight=None,
              progress: bool = False, dropout: float = 0.0,
              rng: np.random.Generator | None = None, l2: float = 0.0,
              l1: float = 0.0) -> GradCheckResult:
    """Check ``net``'s backward pass on ``(X, y)`` (run on a float64 copy).

    Parameters
    ----------
    net : MLP
    X, y : arrays
        Inputs and targets (class indices, or values for regression).
    h : float
        Step of the two-sided differences, ``(L(w + h) - L(w - h)) / 2h``.
    class_weight : sequence of float, optional
        Per-class loss weights, as training applies them.
    progress : bool
        Two forward passes per parameter: show a bar on stderr once the check has taken
        a second.
    dropout : float
        Check backprop through dropout of this rate as training applies it: every loss
        of the check drops the same units (masks drawn once, from ``rng``).
    rng : numpy.random.Generator, optional
        Needed with ``dropout``.
    l2, l1 : float
        Check the gradient of the loss plus ``l2 / 2 * |W|^2 + l1 * |W|_1``, the objective
        training's penalties (`add_penalties`) descend. A weight within ``h`` of 0 sits on
        L1's kink, where the two-sided difference reads a smaller slope.

    Returns
    -------
    GradCheckResult
        ``relative_difference`` ||g_bp - g_num|| / (||g_bp|| + ||g_num||), its
        `verdict`, and its ``note`` (`step_note`) where ``h`` lies outside the course's.
    """
    check_net(net)
    _check_h(h)
    net = net.copy(dtype=np.float64)
    # as training reads them: class weights of the wrong count (an IndexError) or on a
    # regression head (silently taken as class 0's) are refused
    # the net's own layers, so that dropout is refused for a net without a hidden one
    cfg = TrainConfig(class_weight=class_weight, dropout=dropout, l2=l2, l1=l1,
                      hidden=net.sizes[1:-1], activation=net._acts or "sigmoid")
    X, T, w = check_training_data(net, cfg, X, y, name="gradcheck")
    if net.batch_norm and len(X) < 2:  # one row standardises to 0: every W's gradient is 0
        raise ValueError("a batch-normed net is checked on 2 rows or more (one row's batch "
                         f"statistics standardise it to 0), got {len(X)}")
    masks = _fixed_masks(cfg.dropout, rng)
    head = get_head(net.head)

    def norm() -> BatchNorm | None:
        return BatchNorm(update=False) if net.batch_norm else None

    def loss() -> float:
        return head.loss(net._forward(X, masks(), norm())[-1], T, w) + penalty()

    def penalty() -> float:  # what add_penalties' terms are the gradient of
        if not (cfg.l2 or cfg.l1):  # the unpenalised check's losses, bit for bit
            return 0.0
        return sum(cfg.l2 / 2 * np.sum(W * W) + cfg.l1 * np.sum(np.abs(W))
                   for W in net.weights)

    # a NaN weight or an overflowing step makes NaN losses: the verdict says so, not numpy
    with np.errstate(over="ignore", invalid="ignore"):
        dropped, normed = masks(), norm()
        grads = net._backward(net._forward(X, dropped, normed), T, w, None, 1.0, dropped,
                              normed)
        add_penalties(net.weights_of(grads), net.weights, l2=cfg.l2, l1=cfg.l1)
        g_bp = np.concatenate([g.ravel() for g in grads])
        g_num = _numeric_gradient(net, loss, h, len(g_bp), progress)
        denom = np.linalg.norm(g_bp) + np.linalg.norm(g_num)
        if not np.isfinite(denom):  # NaN or inf in either gradient: wrong, whatever the bands
            diff = math.nan  # (NaN compares below no band; it read as a zero gradient)
        elif denom > ZERO_GRADIENT:
            diff = float(np.linalg.norm(g_bp - g_num) / denom)
        else:  # a zero gradient (all-zero weights) leaves only round-off in g_num
            diff = 0.0
    return GradCheckResult(diff, verdict(diff), net.n_parameters, step_note(h))


def _fixed_masks(p: float, rng):
    """A function giving a new `Dropout` of rate ``p`` that draws the same masks each
    time (None without dropout): the loss is then one function of the parameters."""
    if not p:
        return lambda: None
    check_rng(rng)  # the masks' stream: needed with dropout
    seed = int(rng.integers(2**63))
    return lambda: Dropout(p, np.random.default_rng(seed))


def _numeric_gradient(net, loss, h, n, progress) -> np.ndarray:
    """Two-sided differences of ``loss()``, one parameter at a time (flattened order)."""
    g_num = np.empty(n)
    k = 0
    with progress_bar(enabled=progress, total=n, unit="param", delay=1.0,
                      leave=False) as bar:
        for p in net.params:
            flat = p.reshape(-1)  # a view: nudging it nudges the net
            for i in range(flat.size):
                if k % 1024 == 1023:
                    bar.update(1024)
                keep = flat[i]
                flat[i] = keep + h
                up = loss()
                flat[i] = keep - h
                down = loss()
                flat[i] = keep
                g_num[k] = (up - down) / (2 * h)
                k += 1
    return g_num


def _check_h(h) -> None:
    if isinstance(h, bool) or not isinstance(h, numbers.Real) or not (math.isfinite(h)
                                                                      and h > 0):
        raise ValueError(f"h must be a finite number > 0 (the course uses 1e-4 to 1e-7), "
                         f"got {h!r}")


def gradcheck_dataset(X, y, *, task: str | None = None, hidden=(16,), activation=("sigmoid",),
                      seed: int = 0, n_samples: int = 64, init: str = "xavier",
                      h: float = 1e-5, progress: bool = False, n_classes: int | None = None,
                      dropout: float = 0.0, batch_norm: bool = False, l2: float = 0.0,
                      l1: float = 0.0) -> GradCheckResult:
    """Build a fresh float64 net for ``(X, y)`` and check it on ``n_samples`` examples.

    The output layer fits all of ``y`` (or ``n_classes``), not only the sampled rows: a
    sample without the last class must not check a smaller net.

    Parameters
    ----------
    X, y : arrays
    task : str, optional
        Head name (default: inferred from ``y``).
    hidden, activation
        The net, as in `TrainConfig`.
    seed : int
        Seeds the weights and the sampled rows.
    n_samples : int
        Rows checked (at most all of them).
    init : str
        Weight initialization, as in `TrainConfig`.
    h, progress
        As in `gradcheck`.
    n_classes : int, optional
    dropout : float
        As in `gradcheck`, its masks drawn from ``seed`` too.
    batch_norm : bool
        Batch-normalise the hidden layers (checked on the sample's statistics), with
        gammas and betas drawn near 1 and 0 so every one of them is checked at a generic
        point.
    l2, l1 : float
        As in `gradcheck`.

    Returns
    -------
    GradCheckResult
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) \
            or n_samples < 1:  # NumPy's integers too
        raise ValueError(f"n_samples must be an integer >= 1, got {n_samples!r}")
    _check_h(h)  # before the sampling and the net
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError):  # NumPy's words name no argument
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}") from None
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:  # one feature is a column: X[:, :1]
        raise ValueError(f"X must be 2-D (samples, features), got shape {X.shape}")
    head = task or infer_head(y, n_classes)
    n_out = get_head(head).n_outputs(y, n_classes)  # from all of y, before the sampling
    take = rng.choice(len(X), min(n_samples, len(X)), replace=False)
    X, y = X[take], y[take]
    # the architecture checked as any training config is: one name for every layer or one
    # per layer, whole widths >= 1, known names
    cfg = TrainConfig(hidden=hidden, activation=activation, init=init, dtype="float64",
                      batch_norm=batch_norm)
    net = MLP.initialized((X.shape[1], *cfg.hidden, n_out), cfg.activation, head, init=init,
                          rng=rng, dtype=np.float64, batch_norm=cfg.batch_norm)
    # small random biases check at a generic point: zero biases put inputs such as XOR's
    # (0, 0) exactly on ReLU's kink, where the two-sided difference sees a slope of 0.5
    for b in net.biases:
        b[...] = rng.normal(0.0, 0.1, b.shape)
    for k, p in enumerate(net.params[2 * net.n_layers:]):  # gamma (near 1), beta (near 0)
        p[...] = rng.normal(1.0 - k % 2, 0.1, p.shape)
    return gradcheck(net, X, y, h=h, progress=progress, dropout=dropout, rng=rng, l2=l2,
                     l1=l1)
