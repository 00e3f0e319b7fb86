"""Optimizers: each updates the parameters in place from their gradients.

Defaults follow the course: momentum 0.9, Adam (0.9, 0.999, 1e-8).
``state_dict``/``load_state_dict`` copy the state exactly, so an analysis
(such as the learning-rate range test) can put everything back afterwards.
"""

from __future__ import annotations

import numpy as np


class Optimizer:
    """Base class: ``step(params, grads, lr)``; state is a dict of arrays plus ``t``."""

    name = "optimizer"
    _slots: tuple[str, ...] = ()
    # True when the update is linear in lr * grad: the training loop then folds lr into
    # the backward pass and steps with lr = 1
    folds_lr = False

    def __init__(self, params, *, momentum=0.9, beta1=0.9, beta2=0.999, rho=0.9, eps=1e-8):
        self.momentum, self.beta1, self.beta2, self.rho, self.eps = (
            momentum, beta1, beta2, rho, eps)
        self.t = 0
        self.shapes = [p.shape for p in params]  # what it was made for
        self.state = {s: [np.zeros_like(p) for p in params] for s in self._slots}

    def step(self, params, grads, lr: float) -> None:
        self.t += 1
        self._step(params, grads, lr)

    def _step(self, params, grads, lr):
        raise NotImplementedError

    def state_dict(self) -> dict:
        return {"t": self.t, **{k: [a.copy() for a in v] for k, v in self.state.items()}}

    def load_state_dict(self, state: dict) -> None:
        self.t = state["t"]
        for k in self._slots:
            for dst, src in zip(self.state[k], state[k], strict=True):
                dst[...] = src


class SGD(Optimizer):
    name = "sgd"
    folds_lr = True

    def _step(self, params, grads, lr):
        # one pass when train folded lr into the gradients (scipy's BLAS axpy would do
        # lr * g in the same pass, but its own OpenBLAS thread pool fights numpy's for
        # the cores and makes training ~20x slower)
        for p, g in zip(params, grads, strict=True):
            if lr != 1:
                g *= lr
            p -= g


class Momentum(Optimizer):
    name = "momentum"
    _slots = ("v",)

    def _step(self, params, grads, lr):
        for p, g, v in zip(params, grads, self.state["v"], strict=True):
            v *= self.momentum
            v -= lr * g
            p += v


class Nesterov(Optimizer):
    """Nesterov momentum in the look-ahead-free form (Sutskever et al. 2013)."""

    name = "nesterov"
    _slots = ("v",)

    def _step(self, params, grads, lr):
        mu = self.momentum
        for p, g, v in zip(params, grads, self.state["v"], strict=True):
            v *= mu
            v -= lr * g
            p += mu * v - lr * g


class AdaGrad(Optimizer):
    name = "adagrad"
    _slots = ("s",)

    def _step(self, params, grads, lr):
        for p, g, s in zip(params, grads, self.state["s"], strict=True):
            s += g * g
            p -= lr * g / (np.sqrt(s) + self.eps)


class RMSProp(Optimizer):
    name = "rmsprop"
    _slots = ("s",)

    def _step(self, params, grads, lr):
        rho = self.rho
        for p, g, s in zip(params, grads, self.state["s"], strict=True):
            s *= rho
            s += (1 - rho) * g * g
            p -= lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    name = "adam"
    _slots = ("m", "v")

    def _step(self, params, grads, lr):
        b1, b2, t = self.beta1, self.beta2, self.t
        # bias corrections folded into the step size
        a = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        for p, g, m, v in zip(params, grads, self.state["m"], self.state["v"], strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= a * m / (np.sqrt(v) + self.eps)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    o.name: o for o in (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam)
}


def make_optimizer(name: str, params, **kwargs) -> Optimizer:
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; valid: {', '.join(OPTIMIZERS)}") from None
    return cls(params, **kwargs)
