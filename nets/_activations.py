"""Elementwise activations, forward and backward side by side.

Every backward takes the activation's *output* ``a``: sigmoid and tanh are
cheapest that way (course: A(1 - A)), and for ReLU ``a > 0`` is the same mask
as ``z > 0``. That lets the forward pass overwrite ``z`` in place.
"""

from __future__ import annotations

import numpy as np

from ._rules import look_up, unknown_name


class Activation:
    """Base class: ``forward(z)`` and ``backward(a, grad)``, both may work in place.

    An activation of one's own subclasses it, with a ``name``, and is registered as an
    instance under that name: ``nets.ACTIVATIONS["softplus"] = Softplus()`` (README: an
    activation of your own).
    """

    name = "activation"

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The activation of pre-activations ``z``, written into ``out`` when given.

        Parameters
        ----------
        z : ndarray
            Pre-activations, ``(n, units)``.
        out : ndarray, optional
            An array of ``z``'s shape and dtype to write the result into (it may be ``z``).
        """
        raise NotImplementedError(f"activation {self.name!r} ({type(self).__name__}) defines "
                                  "no forward(z, out=None)")

    def backward(self, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Return dL/dz given dL/da and the forward output ``a``; may overwrite ``grad``.

        Parameters
        ----------
        a : ndarray
            The forward pass's output, ``forward(z)``.
        grad : ndarray
            dL/da, the same shape.
        """
        # an activation registered without it failed training and gradcheck in a bare
        # NotImplementedError: the derivative is the part a gradient check exists for
        raise NotImplementedError(f"activation {self.name!r} ({type(self).__name__}) defines "
                                  "no backward(a, grad): return grad times its derivative, "
                                  "written in its output a (tanh's: grad * (1 - a * a))")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Identity(Activation):
    name = "identity"

    def forward(self, z, out=None):
        if out is None or out is z:
            return z
        np.copyto(out, z)
        return out

    def backward(self, a, grad):
        return grad


class Sigmoid(Activation):
    name = "sigmoid"

    def forward(self, z, out=None):
        # 0.5 (1 + tanh(z / 2)): never overflows, and tanh is several times
        # faster than scipy's expit on small float32 batches (the hot path)
        out = np.multiply(z, 0.5, out=out)
        np.tanh(out, out=out)
        out += 1
        out *= 0.5
        return out

    def backward(self, a, grad):
        grad *= a
        grad *= 1 - a
        return grad


def logistic(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + e^-z)`` to a few ulps *relative*, also where it is tiny: ``e^z / (1 + e^z)``
    for ``z < 0``. Probabilities read this; the tanh form of `Sigmoid` (training's, which
    must keep its numbers) has an absolute error, so in float32 it gave 2.98e-8 for both
    z = -18 and -19 and 0 at -30, tying or zeroing distinct logits."""
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows; NaN stays NaN
    p = np.where(z >= 0, 1, e)
    p /= 1 + e
    return p


class Tanh(Activation):
    name = "tanh"

    def forward(self, z, out=None):
        return np.tanh(z, out=out)

    def backward(self, a, grad):
        grad *= 1 - a * a
        return grad


class ReLU(Activation):
    name = "relu"

    def forward(self, z, out=None):
        return np.maximum(z, 0, out=out)

    def backward(self, a, grad):
        grad *= a > 0
        return grad


class LeakyReLU(Activation):
    name = "leaky_relu"
    slope = 0.01

    def forward(self, z, out=None):
        # max(z, slope*z) is z for z > 0 and slope*z below, for 0 < slope < 1
        return np.maximum(z, self.slope * z, out=out)

    def backward(self, a, grad):
        grad *= np.where(a > 0, 1.0, self.slope).astype(grad.dtype, copy=False)
        return grad


ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (Identity(), Sigmoid(), Tanh(), ReLU(), LeakyReLU())
}


def get_activation(name_or_obj: str | Activation) -> Activation:
    """Look an activation up by name (or pass an :class:`Activation` through).

    Parameters
    ----------
    name_or_obj : str or Activation
        A key of `ACTIVATIONS` (ValueError lists them), or an activation itself.
    """
    if isinstance(name_or_obj, Activation):
        return name_or_obj
    if isinstance(name_or_obj, str) and name_or_obj.lower() in OUTPUT_NAMES:
        raise ValueError(activations_error((name_or_obj,), None))
    act = look_up("activation", ACTIVATIONS, name_or_obj)
    problem = entry_problem(name_or_obj)
    if problem:
        raise ValueError(problem)
    return act


def entry_problem(name: str) -> str | None:
    """Why ``ACTIVATIONS[name]`` (a script's entry) cannot serve, or None: a net saves its
    activations by their ``name`` and is rebuilt from it, so the entry is an `Activation`
    instance named as its key. A class, a function (``np.tanh``) or an instance named
    otherwise (a LeakyReLU given another slope under a new key) met an AttributeError, or
    "cfg does not describe the net" naming the entry's own name."""
    act = ACTIVATIONS[name]
    if not isinstance(act, Activation):
        got = (f"the class {act.__name__}: register an instance, {act.__name__}()"
               if isinstance(act, type) and issubclass(act, Activation)
               else f"{type(act).__name__} {act!r}: subclass nets.Activation, with "
                    "forward(z, out=None) and backward(a, grad) from the output a")
        return f"nets.ACTIVATIONS[{name!r}] must be a nets.Activation instance, got {got}"
    if getattr(act, "name", None) != name:
        return (f"nets.ACTIVATIONS[{name!r}] is an activation named {act.name!r}: a net saves "
                f"an activation by its name and is rebuilt from it, so set its name to "
                f"{name!r} (a class attribute name = {name!r}) or register it under "
                f"{act.name!r}")
    return None


# the output layer's activations (the heads'), which a hidden layer's name cannot be: the
# course's 784-64-16-10 net lists "(sigmoid, tanh, softmax)", its head last
OUTPUT_NAMES = ("softmax", "logistic")
_HEAD_TEXT = ("the output layer's activation is the head, chosen from the data (softmax for "
              "3 or more classes, logistic for 2, identity for regression)")


def activations_error(names, n_hidden: int | None) -> str | None:
    """The one error of hidden-layer activation ``names`` (one per layer, after a single
    name is given to every layer) for a net of ``n_hidden`` hidden layers, or None when they
    fit: a head's name (softmax) says the head comes from the data (so does one name more
    than the hidden layers, perhaps the output's, after its count); else a count that does
    not fit, or an unknown name. ``n_hidden`` None: one name, the layers not counted."""
    names = tuple(names)
    shown = [getattr(a, "name", a) for a in names]
    heads = [a for a in shown if isinstance(a, str) and a.lower() in OUTPUT_NAMES]
    if heads:
        said = shown[0] if len(set(map(str, shown))) == 1 else ",".join(map(str, shown))
        here = f" ({n_hidden} here)" if n_hidden is not None else ""
        return (f"activation must name the hidden layers only{here}, got {said!r}: "
                f"{_HEAD_TEXT}; leave out {', '.join(map(repr, dict.fromkeys(heads)))}")
    if n_hidden is not None and len(names) != n_hidden:
        counts = ("1 name" if n_hidden == 1 else
                  f"1 name (for every layer) or {n_hidden} (one per layer)")
        # one name too many may be the output layer's ("sigmoid, tanh, sigmoid" for a
        # binary 2-layer net), or a layer --hidden left out: both are said
        last = (f"; if the last is meant for the output layer, leave it out: {_HEAD_TEXT}"
                if n_hidden and len(names) == n_hidden + 1 else "")
        return (f"activation needs {counts} for {n_hidden} hidden layer"
                f"{'s' if n_hidden != 1 else ''}, got {len(names)}{last}")
    for a in names:
        if not isinstance(a, Activation) and a not in ACTIVATIONS:
            return unknown_name("activation", a, ACTIVATIONS)
        if not isinstance(a, Activation) and (problem := entry_problem(a)):
            return problem
    return None


#: each built-in activation's class and instance attributes, as hplab made them: what its
#: name rebuilds in every other process (`hplab predict`, a fresh session)
_BUILT_IN = {name: (type(a), dict(vars(a))) for name, a in ACTIVATIONS.items()}


def save_problem(act: Activation) -> str | None:
    """Why a net with ``act`` cannot be saved (it is rebuilt by name), or None: ``act`` is
    not what its name rebuilds here (`is_registered`), or bears a built-in's name
    (``tanh``) but is not that built-in (a script's class registered over it, a ``slope``
    set on the registered instance), so its file loaded as the built-in everywhere else,
    predicting other numbers."""
    if not is_registered(act):
        return (f"cannot save activation {act!r} (name {act.name!r}): a saved net is rebuilt "
                f"by name, so only the registered activations can be saved "
                f"({', '.join(ACTIVATIONS)}); register it in nets.ACTIVATIONS under a name "
                f"of its own")
    built_in = _BUILT_IN.get(act.name)
    if built_in is not None and (type(act), vars(act)) != built_in:
        return (f"cannot save activation {act!r} under the built-in name {act.name!r}: every "
                f"other process (hplab predict, a fresh session) rebuilds hplab's own "
                f"{act.name} from it; register it in nets.ACTIVATIONS under a name of its own")
    return None


def is_registered(act: Activation) -> bool:
    """Whether ``act`` is what ``ACTIVATIONS[act.name]`` is, so its name alone rebuilds it
    (same class and same instance attributes, e.g. a LeakyReLU's slope)."""
    registered = ACTIVATIONS.get(act.name)
    return type(act) is type(registered) and vars(act) == vars(registered)
