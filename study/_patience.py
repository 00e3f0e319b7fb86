"""Patience: ``[pruner]`` options ``patience`` and ``min_delta`` wrap the spec's pruner in
Optuna's `PatientPruner`, which lets it stop a trial only once the trial's best value over
its last ``patience + 1`` checkpoints is worse than its best before them by more than
``min_delta``; with ``pruner = "none"``, that alone stops it (early stopping by the curve).

The two options are hplab's, not the named pruner's: a script's own pruner whose class
takes an option of either name keeps it as its own (its specs mean what they meant).
"""

from __future__ import annotations

import inspect
import math

import optuna

from ._errors import SpecError

#: The options that wrap the named pruner, as `optuna.pruners.PatientPruner` names them.
PATIENCE_OPTIONS = ("patience", "min_delta")


def _own_options(cls) -> set[str]:
    return set(inspect.signature(cls.__init__).parameters)


def split_patience(cls, opts: dict) -> tuple[dict, dict]:
    """``opts`` as ``(the pruner class's own, PatientPruner's)``: a class taking an option
    named ``patience`` or ``min_delta`` itself keeps it."""
    own = _own_options(cls)
    wrap = {k: v for k, v in opts.items() if k in PATIENCE_OPTIONS and k not in own}
    return {k: v for k, v in opts.items() if k not in wrap}, wrap


def check_patience(cls, opts: dict) -> None:
    """SpecError (naming the key) for a ``patience`` that is no whole number >= 0, a
    ``min_delta`` that is no finite number >= 0, or a ``min_delta`` without ``patience``."""
    _, wrap = split_patience(cls, opts)
    if "patience" in wrap:
        value = wrap["patience"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SpecError(f"pruner.patience must be an integer >= 0 (checkpoints without "
                            f"improvement before the pruner may stop a trial), got {value!r}")
    if "min_delta" in wrap:
        value = wrap["min_delta"]
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or value < 0):
            raise SpecError(f"pruner.min_delta must be a finite number >= 0, got {value!r}")
        if "patience" not in wrap:
            raise SpecError("pruner.min_delta is patience's tolerance: set pruner.patience "
                            "too (or drop min_delta)")


def patience_of(spec) -> int | None:
    """The ``pruner.patience`` that wraps ``spec``'s pruner, or None (no wrapper)."""
    from ._registry import PRUNERS  # here: _registry imports this module

    entry = PRUNERS.get(spec.pruner)
    if entry is None:
        return None
    return split_patience(entry.cls, spec.pruner_options)[1].get("patience")


def prunes(spec) -> bool:
    """Whether ``spec``'s trials report checkpoints to a pruner that may stop them: a pruner
    other than "none", or "none" with a ``patience`` (of a single metric)."""
    if spec.multi_objective:
        return False
    return spec.pruner != "none" or patience_of(spec) is not None


def wrap_patience(make, spec, cls, opts: dict):
    """``make(spec, own options)``, wrapped in a PatientPruner where ``opts`` sets
    ``patience``. "none" wraps no pruner at all: Optuna's wrapper then prunes on patience
    alone, where a wrapped NopPruner would never prune."""
    own, wrap = split_patience(cls, opts)
    if "patience" not in wrap:
        return make(spec, own)
    inner = None if cls is optuna.pruners.NopPruner else make(spec, own)
    return optuna.pruners.PatientPruner(inner, wrap["patience"], wrap.get("min_delta", 0.0))
