"""The optimizers' base class and the rules of their settings: each optimizer
(`nets/_optimizers.py`) updates the parameters in place from their gradients, and
``state_dict``/``load_state_dict`` copy its state exactly, so an analysis (such as the
learning-rate range test) can put everything back afterwards."""

from __future__ import annotations

import numpy as np

from ._printable import first_names
from ._rules import check_setting, nonneg, or_default, positive, unit


class Optimizer:
    """Base class: ``step(params, grads, lr)`` over lists of arrays (``[net.flat]``), each
    parameter updated in place, after ``decay(net.weights, lr)`` (decoupled weight decay,
    nothing at 0); state is a dict of arrays plus ``t``.

    A rule of one's own subclasses it with ``name``, ``_slots`` (``self.state[slot]``: one
    zeroed array per parameter), ``settings`` (the TrainConfig settings it reads) and
    ``_step(params, grads, lr)``, and is registered as the class:
    ``nets.OPTIMIZERS["nadam"] = Nadam``.

    Parameters
    ----------
    params : list of arrays
        The arrays it will step (``[net.flat]``); its state arrays take their shapes.
    momentum : float, default 0.9
        SGD momentum's and Nesterov's coefficient.
    beta1, beta2 : float, default 0.9 and 0.999
        Adam's (AdamW's, ...) decay rates of the first and second moments.
    rho : float, optional
        RMSProp's and AdaDelta's decay rate; None: the class's ``default_rho``.
    eps : float, optional
        The denominator's guard (TrainConfig's ``opt_eps``); None: the class's
        ``default_eps``.
    weight_decay : float, optional
        Decoupled weight decay per unit rate, applied by `decay`; None: the class's
        ``default_weight_decay`` (0 but for AdamW).
    """

    name = "optimizer"
    _slots: tuple[str, ...] = ()
    #: the TrainConfig settings its rule reads (beyond lr): what a report shows of it
    settings: tuple[str, ...] = ()
    # True when the update is linear in lr * grad (not adaptive: SGD and its momentum
    # forms): the training loop then folds lr into the backward pass and steps with lr = 1,
    # and the range test's advice knows such a step tolerates huge rates
    folds_lr = False
    # what rho and eps are when not given (None): AdaDelta's differ; and weight_decay,
    # which only AdamW's is not 0 (every optimizer takes it: `decay`)
    default_rho, default_eps, default_weight_decay = 0.9, 1e-8, 0.0

    def __init__(self, params, *, momentum=0.9, beta1=0.9, beta2=0.999, rho=None, eps=None,
                 weight_decay=None):
        if isinstance(params, np.ndarray):  # its rows would be stepped as copies: no update
            raise TypeError("params must be a list of arrays, e.g. [net.flat], not an array")
        # TrainConfig's rules: beta1 = 1 divided by zero at the first step, beta2 = 1 made
        # every weight NaN, a negative eps or beta1 ran on
        given = {"momentum": momentum, "beta1": beta1, "beta2": beta2, "rho": rho, "eps": eps,
                 "weight_decay": weight_decay}
        for setting, argument in ARGUMENTS.items():
            check_setting(argument, given[argument], OPTIMIZER_RULES[setting])
        self.momentum, self.beta1, self.beta2 = momentum, beta1, beta2
        self.rho = self.default_rho if rho is None else rho
        self.eps = self.default_eps if eps is None else eps
        self.weight_decay = (self.default_weight_decay if weight_decay is None
                             else weight_decay)
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

    def decay(self, weights, lr: float) -> None:
        """Decoupled weight decay (Loshchilov & Hutter 2019): ``W -= lr * weight_decay * W``
        for each of ``weights``, in place; nothing at ``weight_decay`` 0. Called before
        `step`, with the rate of that step, as PyTorch's AdamW (and SGDW) decay: the
        parameters hold biases too, so the caller names the arrays decayed (`nets.train`:
        the weights, not the biases nor batch norm's scale and shift).

        Parameters
        ----------
        weights : list of arrays
            The arrays decayed (`MLP.weights`).
        lr : float
            This step's learning rate (the schedule's, not one folded into the gradients).
        """
        if self.weight_decay:  # 0: no pass over the weights, the run bit for bit as before
            keep = 1.0 - float(lr) * self.weight_decay
            for W in weights:
                W *= keep

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
        raise NotImplementedError(f"optimizer {self.name!r} ({type(self).__name__}) defines no "
                                  "_step(params, grads, lr), which updates each of params in "
                                  "place from its gradient (SGD's: p -= lr * g)")

    def state_dict(self) -> dict:
        """Copies of the step count ``t`` and the per-parameter slots (`load_state_dict`)."""
        return {"t": self.t, **{k: [a.copy() for a in v] for k, v in self.state.items()}}

    def load_state_dict(self, state: dict) -> None:
        """Copy in ``state``, a `state_dict` of an optimizer of the same kind and shapes
        (checked before anything is copied).

        Parameters
        ----------
        state : dict
            ``t`` and one list of arrays per slot, as `state_dict` returns.
        """
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


def _listed(shapes) -> str:
    """Shapes as ``[(31,)]``, the first few of a long list."""
    return f"[{first_names(shapes, 4, total=False)}]"


#: The rules of the optimizers' settings (TrainConfig's names; the constructors' ``eps``
#: is ``opt_eps``), checked by both: None is the optimizer's own default.
OPTIMIZER_RULES = {
    "momentum": unit,
    "beta1": unit,
    "beta2": unit,
    "rho": or_default(unit),
    "opt_eps": or_default(positive),
    "weight_decay": or_default(nonneg),
}

#: Each setting of `OPTIMIZER_RULES` -> the constructors' argument taking it (TrainConfig's
#: opt_eps is their eps).
ARGUMENTS = {**{setting: setting for setting in OPTIMIZER_RULES}, "opt_eps": "eps"}


def optimizer_arguments(config) -> dict:
    """The constructors' keyword arguments from ``config``'s settings (a `TrainConfig`)."""
    return {argument: getattr(config, setting) for setting, argument in ARGUMENTS.items()}
