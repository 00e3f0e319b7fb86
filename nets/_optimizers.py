"""Optimizers: each updates the parameters in place from their gradients.

Defaults follow the course: momentum 0.9, Adam (0.9, 0.999, 1e-8); AdaDelta's are
Zeiler's (2012): rho 0.95, eps 1e-6 (the course names it but gives none).
``state_dict``/``load_state_dict`` copy the state exactly, so an analysis
(such as the learning-rate range test) can put everything back afterwards.
"""

from __future__ import annotations

import math

import numpy as np

from ._printable import first_names
from ._rules import check_setting, look_up, or_default, positive, unit


class Optimizer:
    """Base class: ``step(params, grads, lr)`` over lists of arrays (``[net.flat]``), each
    parameter updated in place; state is a dict of arrays plus ``t``."""

    name = "optimizer"
    _slots: tuple[str, ...] = ()
    #: the TrainConfig settings its rule reads (beyond lr): what a report shows of it
    settings: tuple[str, ...] = ()
    # True when the update is linear in lr * grad (not adaptive: SGD and its momentum
    # forms): the training loop then folds lr into the backward pass and steps with lr = 1,
    # and the range test's advice knows such a step tolerates huge rates
    folds_lr = False
    # what rho and eps are when not given (None): AdaDelta's differ
    default_rho, default_eps = 0.9, 1e-8

    def __init__(self, params, *, momentum=0.9, beta1=0.9, beta2=0.999, rho=None, eps=None):
        if isinstance(params, np.ndarray):  # its rows would be stepped as copies: no update
            raise TypeError("params must be a list of arrays, e.g. [net.flat], not an array")
        # TrainConfig's rules: beta1 = 1 divided by zero at the first step, beta2 = 1 made
        # every weight NaN, a negative eps or beta1 ran on
        given = {"momentum": momentum, "beta1": beta1, "beta2": beta2, "rho": rho, "eps": eps}
        for setting, argument in ARGUMENTS.items():
            check_setting(argument, given[argument], OPTIMIZER_RULES[setting])
        self.momentum, self.beta1, self.beta2 = momentum, beta1, beta2
        self.rho = self.default_rho if rho is None else rho
        self.eps = self.default_eps if eps is None else eps
        self.t = 0
        self.shapes = [p.shape for p in params]  # what it was made for
        self.state = {s: [np.zeros_like(p) for p in params] for s in self._slots}
        self._work = None
        self._stepped = (None, None)  # the lists last checked by step

    def step(self, params, grads, lr: float) -> None:
        """Update ``params`` in place from ``grads``.

        Parameters
        ----------
        params, grads : list of arrays
            Shaped as the arrays the optimizer was made for (`MLP.params` and
            `MLP.loss_and_grads`' gradients).
        lr : float
            This step's learning rate (`learning_rate`).
        """
        # checked once per pair of lists (the training loop steps the same two every
        # time, so its cost stays two identity tests): other shapes failed in NumPy's
        # broadcasting, or broadcast without a word
        if params is not self._stepped[0] or grads is not self._stepped[1]:
            self._check_shapes([np.shape(p) for p in params], "params",
                               [np.shape(g) for g in grads], "grads",
                               advice="step the list it was made with, or make one for yours "
                               f"(e.g. nets.make_optimizer({self.name!r}, net.params) for the "
                               "gradients of net.loss_and_grads)")
            self._stepped = (params, grads)
        self.t += 1
        self._step(params, grads, lr)

    def _check_shapes(self, shapes, what, other_shapes=None, other=None, *, advice) -> None:
        """ValueError unless ``shapes`` (and ``other_shapes``) are what it was made for."""
        if shapes == self.shapes and other_shapes in (None, self.shapes):
            return
        got = f"{what} of shapes {_listed(shapes)}" + (
            f" and {other} of shapes {_listed(other_shapes)}" if other_shapes is not None
            else "")
        raise ValueError(
            f"this {self.name} optimizer was made for parameters of shapes "
            f"{_listed(self.shapes)}, got {got}; {advice}")

    def _scratch(self, params) -> list[np.ndarray]:
        """One work array per parameter, reused by every step (not state: never saved)."""
        if self._work is None:
            self._work = [np.empty_like(p) for p in params]
        return self._work

    def _step(self, params, grads, lr):
        raise NotImplementedError

    def state_dict(self) -> dict:
        """Copies of the step count ``t`` and the per-parameter slots (`load_state_dict`)."""
        return {"t": self.t, **{k: [a.copy() for a in v] for k, v in self.state.items()}}

    def load_state_dict(self, state: dict) -> None:
        """Copy in ``state``, a `state_dict` of an optimizer of the same kind and shapes
        (checked before anything is copied)."""
        missing = [k for k in ("t", *self._slots) if k not in state]
        if missing:
            raise ValueError(f"state lacks {', '.join(map(repr, missing))}: not the "
                             f"state_dict of an optimizer {self.name!r} (whose keys are "
                             f"{', '.join(map(repr, ('t', *self._slots)))})")
        for k in self._slots:
            self._check_shapes([np.shape(a) for a in state[k]], f"a state {k!r}",
                               advice="load the state_dict of an optimizer made over the "
                               "same parameters")
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


def _listed(shapes) -> str:
    """Shapes as ``[(31,)]``, the first few of a long list."""
    return f"[{first_names(shapes, 4, total=False)}]"


def _scaled_step(p, direction, s, work, lr, eps) -> None:
    """``p -= lr * direction / (sqrt(s) + eps)`` in place, through ``work`` (no temporaries:
    on the small nets of a study the allocations cost as much as the arithmetic)."""
    np.sqrt(s, out=work)
    work += eps
    np.divide(direction, work, out=work)
    work *= lr
    p -= work


#: The rules of the optimizers' settings (TrainConfig's names; the constructors' ``eps``
#: is ``opt_eps``), checked by both: None is the optimizer's own default.
OPTIMIZER_RULES = {
    "momentum": unit,
    "beta1": unit,
    "beta2": unit,
    "rho": or_default(unit),
    "opt_eps": or_default(positive),
}

#: Each setting of `OPTIMIZER_RULES` -> the constructors' argument taking it (TrainConfig's
#: opt_eps is their eps).
ARGUMENTS = {**{setting: setting for setting in OPTIMIZER_RULES}, "opt_eps": "eps"}


def optimizer_arguments(config) -> dict:
    """The constructors' keyword arguments from ``config``'s settings (a `TrainConfig`)."""
    return {argument: getattr(config, setting) for setting, argument in ARGUMENTS.items()}


#: Settings whose None means "the optimizer's own", and the attribute holding that value.
OWN_DEFAULTS = {"rho": "default_rho", "opt_eps": "default_eps"}


def own_defaults(optimizer: str, settings) -> dict:
    """The value each `OWN_DEFAULTS` setting left None in ``settings`` (a TrainConfig's
    dict) stands for with optimizer ``optimizer``: ``{"rho": 0.9, "opt_eps": 1e-08}`` for
    rmsprop; one it does not read (adam's rho) is left out, as is every setting of an
    unknown optimizer. What the run used, for a record or report to show beside the None
    that ``TrainConfig(**config)`` keeps."""
    cls = OPTIMIZERS.get(optimizer) if isinstance(optimizer, str) else None
    if cls is None:
        return {}
    return {key: getattr(cls, attr) for key, attr in OWN_DEFAULTS.items()
            if key in cls.settings and key in settings and settings[key] is None}


OPTIMIZERS: dict[str, type[Optimizer]] = {
    o.name: o for o in (SGD, Momentum, Nesterov, AdaGrad, AdaDelta, RMSProp, Adam)
}


def make_optimizer(name: str, params, **kwargs) -> Optimizer:
    """The optimizer ``name`` over ``params``.

    Parameters
    ----------
    name : str
        A key of `OPTIMIZERS`: ``"sgd"``, ``"adam"``...
    params : list of arrays
        The arrays it updates in place (`MLP.params`).
    **kwargs
        momentum, beta1, beta2, rho, eps (each optimizer reads its own; rho and eps None or
        left out: the optimizer's defaults, 0.9 and 1e-8, AdaDelta's 0.95 and 1e-6),
        checked by the rules `TrainConfig` checks them by: a ValueError names a bad one.

    Returns
    -------
    Optimizer
    """
    return look_up("optimizer", OPTIMIZERS, name)(params, **kwargs)
