"""Optimizers: each updates the parameters in place from their gradients (the base class
and the rules of their settings: `nets/_optimizer_base.py`).

Defaults follow the course: momentum 0.9, Adam (0.9, 0.999, 1e-8); AdaDelta's are
Zeiler's (2012): rho 0.95, eps 1e-6 (the course names it but gives none); AdamW's
weight decay is PyTorch's, 0.01.
"""

from __future__ import annotations

import math

import numpy as np

from ._optimizer_base import ARGUMENTS, OPTIMIZER_RULES, Optimizer, optimizer_arguments
from ._rules import look_up

# the base's names, imported from here by the rest of nets
__all__ = ["ARGUMENTS", "OPTIMIZER_RULES", "OPTIMIZERS", "OWN_DEFAULTS", "SHARED_SETTINGS",
           "Optimizer", "make_optimizer", "optimizer_arguments", "own_defaults"]


class SGD(Optimizer):
    name = "sgd"
    folds_lr = True

    def _step(self, params, grads, lr):
        # one pass when train folded lr into the gradients (scipy's BLAS axpy would do
        # lr * g in the same pass, but its own OpenBLAS thread pool fights numpy's for
        # the cores and makes training ~20x slower)
        for p, g, w in zip(params, grads, self._scratch(params), strict=True):
            if lr == 1:
                p -= g
            else:  # the caller's gradients stay as they were
                np.multiply(g, lr, out=w)
                p -= w


class Momentum(Optimizer):
    name = "momentum"
    _slots = ("v",)
    settings = ("momentum",)
    folds_lr = True  # v = mu v - lr g sums lr-scaled gradients: linear in lr * g

    def _step(self, params, grads, lr):
        for p, g, v, w in zip(params, grads, self.state["v"], self._scratch(params),
                              strict=True):
            v *= self.momentum
            v -= _times(g, lr, w)
            p += v


class Nesterov(Optimizer):
    """Nesterov momentum in the look-ahead-free form (Sutskever et al. 2013)."""

    name = "nesterov"
    _slots = ("v",)
    settings = ("momentum",)
    folds_lr = True

    def _step(self, params, grads, lr):
        mu = self.momentum
        for p, g, v, w in zip(params, grads, self.state["v"], self._scratch(params),
                              strict=True):
            step = _times(g, lr, w)
            v *= mu
            v -= step
            p -= step  # p += mu v - lr g
            np.multiply(v, mu, out=w)
            p += w


def _times(g, lr, work):
    """``lr * g``: ``g`` itself when the loop folded lr into it, else through ``work``."""
    if lr == 1:
        return g
    return np.multiply(g, lr, out=work)


class AdaGrad(Optimizer):
    name = "adagrad"
    _slots = ("s",)
    settings = ("opt_eps",)

    def _step(self, params, grads, lr):
        for p, g, s, w in zip(params, grads, self.state["s"], self._scratch(params),
                              strict=True):
            np.multiply(g, g, out=w)
            s += w
            _scaled_step(p, g, s, w, lr, self.eps)


class AdaDelta(Optimizer):
    """Zeiler (2012): ``dx = sqrt(d + eps) / sqrt(s + eps) * g`` with ``s`` and ``d`` the
    running means of g^2 and dx^2. ``lr`` multiplies the step (1 = the paper's rule, which
    has no rate), as in PyTorch and Keras, so schedules and range tests still apply."""

    name = "adadelta"
    _slots = ("s", "d")
    settings = ("rho", "opt_eps")
    default_rho, default_eps = 0.95, 1e-6
    _dx = None  # second work array per parameter, made on the first step (not state)

    def _step(self, params, grads, lr):
        rho, eps = self.rho, self.eps
        if self._dx is None:
            self._dx = [np.empty_like(p) for p in params]
        for p, g, s, d, w, dx in zip(params, grads, self.state["s"], self.state["d"],
                                     self._scratch(params), self._dx, strict=True):
            np.multiply(g, g, out=w)  # s = rho s + (1 - rho) g^2, as RMSProp does it
            w -= s
            w *= 1 - rho
            s += w
            np.add(d, eps, out=dx)
            np.sqrt(dx, out=dx)
            np.add(s, eps, out=w)
            np.sqrt(w, out=w)
            np.divide(dx, w, out=dx)
            dx *= g
            np.multiply(dx, dx, out=w)  # d = rho d + (1 - rho) dx^2, from the unscaled dx
            w -= d
            w *= 1 - rho
            d += w
            if lr != 1:
                dx *= lr
            p -= dx


class RMSProp(Optimizer):
    name = "rmsprop"
    _slots = ("s",)
    settings = ("rho", "opt_eps")

    def _step(self, params, grads, lr):
        rho = self.rho
        for p, g, s, w in zip(params, grads, self.state["s"], self._scratch(params),
                              strict=True):
            np.multiply(g, g, out=w)  # s = rho s + (1 - rho) g^2, as s += (1 - rho)(g^2 - s)
            w -= s
            w *= 1 - rho
            s += w
            _scaled_step(p, g, s, w, lr, self.eps)


class Adam(Optimizer):
    name = "adam"
    _slots = ("m", "v")
    settings = ("beta1", "beta2", "opt_eps")

    def _step(self, params, grads, lr):
        b1, b2, t = self.beta1, self.beta2, self.t
        # the course's (and the paper's) lr m_hat / (sqrt(v_hat) + eps) with m_hat =
        # m / (1 - b1^t), v_hat = v / (1 - b2^t), is a m / (sqrt(v) + eps c) with
        # c = sqrt(1 - b2^t): both corrections folded into two scalars, no extra pass (eps
        # left unscaled was 30x too large at t = 1). math, not np.sqrt: a NumPy float64
        # scalar would turn every product with a float32 parameter into float64
        c = math.sqrt(1 - b2**t)
        a = lr * (c / (1 - b1**t))
        for p, g, m, v, w in zip(params, grads, self.state["m"], self.state["v"],
                                 self._scratch(params), strict=True):
            np.subtract(g, m, out=w)  # m = b1 m + (1 - b1) g, as m += (1 - b1)(g - m)
            w *= 1 - b1
            m += w
            np.multiply(g, g, out=w)  # v the same way with g^2
            w -= v
            w *= 1 - b2
            v += w
            _scaled_step(p, m, v, w, a, self.eps * c)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019): its step is Adam's, and
    `decay` shrinks the weights before it, by default by PyTorch's 0.01 (every optimizer
    decays so with a ``weight_decay`` given; this one without)."""

    name = "adamw"
    default_weight_decay = 0.01


def _scaled_step(p, direction, s, work, lr, eps) -> None:
    """``p -= lr * direction / (sqrt(s) + eps)`` in place, through ``work`` (no temporaries:
    on the small nets of a study the allocations cost as much as the arithmetic)."""
    np.sqrt(s, out=work)
    work += eps
    np.divide(direction, work, out=work)
    work *= lr
    p -= work


#: Settings whose None means "the optimizer's own", and the attribute holding that value.
OWN_DEFAULTS = {"rho": "default_rho", "opt_eps": "default_eps",
                "weight_decay": "default_weight_decay"}
#: The settings every optimizer takes, in no optimizer's ``settings``: the training loop
#: applies them (weight decay, `Optimizer.decay`), so every run reads them as it reads l2
SHARED_SETTINGS = ("weight_decay",)


def own_defaults(optimizer: str, settings) -> dict:
    """The value each `OWN_DEFAULTS` setting left None in ``settings`` (a TrainConfig's
    dict) stands for with optimizer ``optimizer``: ``{"rho": 0.9, "opt_eps": 1e-08,
    "weight_decay": 0.0}`` for rmsprop; one it does not read (adam's rho) is left out, as is
    every setting of an unknown optimizer. What the run used, for a record or report to
    show beside the None that ``TrainConfig(**config)`` keeps.

    Parameters
    ----------
    optimizer : str
        A key of `OPTIMIZERS`.
    settings : dict
        A TrainConfig's fields (``dataclasses.asdict``).
    """
    cls = OPTIMIZERS.get(optimizer) if isinstance(optimizer, str) else None
    if cls is None:
        return {}
    return {key: getattr(cls, attr) for key, attr in OWN_DEFAULTS.items()
            if (key in cls.settings or key in SHARED_SETTINGS) and key in settings
            and settings[key] is None}


OPTIMIZERS: dict[str, type[Optimizer]] = {
    o.name: o for o in (SGD, Momentum, Nesterov, AdaGrad, AdaDelta, RMSProp, Adam, AdamW)
}


def weight_decay_of(optimizer: str, weight_decay: float | None) -> float:
    """The decoupled decay a run applies: ``weight_decay``, or for None the own one of
    ``optimizer`` (a key of `OPTIMIZERS`): 0, adamw's 0.01.

    Parameters
    ----------
    optimizer : str
    weight_decay : float or None
        A TrainConfig's ``weight_decay``.
    """
    return (OPTIMIZERS[optimizer].default_weight_decay if weight_decay is None
            else float(weight_decay))


def decay_refusal(optimizer: str, weight_decay: float | None, rate: float, said: str,
                  lower: str) -> str | None:
    """Why the rate ``rate`` cannot train with that decay (None: it can): ``W *= 1 - rate *
    decay`` each step, so their product must stay below 1. ``said`` names the rate
    ("lr 0.5", "--max-lr 10"), ``lower`` what to lower besides the decay ("lr").

    Parameters
    ----------
    optimizer : str
        The optimizer's name (its own decay, when ``weight_decay`` is None).
    weight_decay : float or None
        The decoupled weight decay; None: the optimizer's own.
    rate : float
        The learning rate.
    said : str
        As above.
    lower : str
        As above.
    """
    decay = weight_decay_of(optimizer, weight_decay)
    product = rate * decay
    if product < 1:
        return None
    own = f" ({optimizer}'s own)" if weight_decay is None else ""
    return (f"weight_decay {decay:g}{own} times {said} is {product:g}: the decay multiplies "
            f"the weights by 1 - {product:g} every step, which zeroes them or flips their "
            f"sign; lower weight_decay or {lower} (their product must be < 1)")


def make_optimizer(name: str, params, **kwargs) -> Optimizer:
    """The optimizer ``name`` over ``params``.

    Parameters
    ----------
    name : str
        A key of `OPTIMIZERS`: ``"sgd"``, ``"adam"``...
    params : list of arrays
        The arrays it updates in place (`MLP.params`).
    **kwargs
        momentum, beta1, beta2, rho, eps, weight_decay (each optimizer reads its own, and
        every one weight_decay, which `Optimizer.decay` applies; rho, eps and weight_decay
        None or left out: the optimizer's defaults, 0.9, 1e-8 and 0, AdaDelta's rho and eps
        0.95 and 1e-6, AdamW's weight_decay 0.01), checked by the rules `TrainConfig`
        checks them by: a ValueError names a bad one.

    Returns
    -------
    Optimizer
    """
    return look_up("optimizer", OPTIMIZERS, name)(params, **kwargs)
