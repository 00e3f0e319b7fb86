"""What a script's entry in nets.OPTIMIZERS, nets.SCHEDULES or nets.INITIALIZERS must be
(an activation's: `_activations.entry_problem`): an entry of another kind failed deep in
training ("'Nadam' object is not callable", "type object 'Adamax' has no attribute
'default_weight_decay'", "'float' object is not callable")."""

from __future__ import annotations

from ._optimizer_base import Optimizer

# the TrainConfig field -> its registry's public name and what an entry of it is called with
_CALLED = {"schedule": ("SCHEDULES", "(step, cfg, total_steps) -> rate"),
           "init": ("INITIALIZERS", "(rng, n_in, n_out, dtype) -> W")}


def entry_problem(field: str, name: str, entry) -> str | None:
    """Why ``entry``, registered as ``name`` for TrainConfig's ``field`` (optimizer, schedule
    or init), cannot serve; None when it can (or for another field)."""
    if field == "optimizer":
        if isinstance(entry, type) and _is_optimizer(entry):
            return None
        got = (f"an instance of {type(entry).__name__}: register the class, "
               f"{type(entry).__name__}" if _is_optimizer(type(entry)) else
               f"{_shown(entry)}: subclass nets.Optimizer, with name, _slots, settings and "
               "_step(params, grads, lr)")
        return f"nets.OPTIMIZERS[{name!r}] must be a nets.Optimizer subclass, got {got}"
    if field in _CALLED and not callable(entry):
        registry, called = _CALLED[field]
        return f"nets.{registry}[{name!r}] must be a function {called}, got {_shown(entry)}"
    return None


def _is_optimizer(cls: type) -> bool:
    # by the base's name, not issubclass: after every module was reloaded in place
    # (IPython's autoreload) the registry's classes derive from the Optimizer of the import
    # before, and every TrainConfig was refused
    return any(base.__name__ == Optimizer.__name__ and base.__module__ == Optimizer.__module__
               for base in cls.__mro__)


def _shown(entry) -> str:
    """``float 0.1``; an entry whose repr is long or spans lines (an array) by its type."""
    if isinstance(entry, type):
        return f"the class {entry.__name__}"
    text = repr(entry)
    return (f"{type(entry).__name__} {text}" if len(text) <= 60 and "\n" not in text
            else f"a value of type {type(entry).__name__}")
