"""Whether a spec means what a stored study's spec means: a resumed study must share its
name, data, metric, seed, sampler, pruner, space and fixed settings, by meaning, not by
spelling (a default written out is the same spec as one leaving it out)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import data
import nets

from ._space import DEFAULT_DEPTH, DEFAULT_WIDTH

if TYPE_CHECKING:
    from ._spec import StudySpec


# Spec fields a resumed study must share with the stored one, by the key that sets them;
# n_trials, timeout and description may change between runs.
_FIXED_FIELDS = {"name": "study.name", "dataset": "study.dataset", "metrics": "study.metric",
                 "seed": "study.seed", "sampler": "study.sampler", "pruner": "study.pruner",
                 "max_epochs": "study.max_epochs",
                 "heartbeat_interval": "study.heartbeat_interval",
                 "grace_period": "study.grace_period", "max_retry": "study.max_retry",
                 "repeatable_workers": "study.repeatable_workers"}


def first_difference(old: StudySpec, new: StudySpec) -> str | None:
    """The first key whose meaning differs between two specs (None if none does)."""
    return next(iter(differences(old, new)), None)


def differences(old: StudySpec, new: StudySpec) -> list[str]:
    """Every key whose meaning differs between two specs, in the spec's order.

    Meanings, not spellings: a default written out (``seed = 0``, ``log = false``, an empty
    ``[pruner]`` table, ``fixed.init = "xavier"``) is the same spec as one leaving it out.
    """
    out = []
    for name, key in _FIXED_FIELDS.items():
        a, b = getattr(old, name), getattr(new, name)
        if name == "dataset":  # an earlier version stored a file's path as written, and
            # options in another order are the same data
            a, b = data.canonical_name(a), data.canonical_name(b)
        if a != b:
            out.append(key)
    space_a = {p.name: _meaning(p) for p in old.space.params}
    space_b = {p.name: _meaning(p) for p in new.space.params}
    if old.space.per_layer != new.space.per_layer:
        space_a["width"] = (space_a.get("width"), old.space.per_layer)
        space_b["width"] = (space_b.get("width"), new.space.per_layer)
    tables = (("space", space_a, space_b),
              ("fixed", _set_fixed(old), _set_fixed(new)),
              ("sampler", old.sampler_options, new.sampler_options),
              ("pruner", old.pruner_options, new.pruner_options))
    for table, a, b in tables:
        out += [f"{table}.{key}" for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]
    return out


def _meaning(p):
    """A space entry as it samples: an int range's step 1 written out is its default."""
    return dataclasses.replace(p, step=p.step or 1) if p.kind == "int" else p


def _set_fixed(spec: StudySpec) -> dict:
    """``[fixed]`` without the entries that only restate a default, with names as meant."""
    default = nets.TrainConfig()
    searched = spec.space.get("optimizer")
    optimizers = [nets.OPTIMIZERS[o] for o in (
        searched.choices if searched else (spec.fixed.get("optimizer", default.optimizer),))
        if o in nets.OPTIMIZERS]
    # None is each optimizer's own rho and eps: written out, the same for every trial's
    own = {key: {getattr(o, attr) for o in optimizers}
           for key, attr in nets.OWN_DEFAULTS.items()}
    out = {}
    for key, value in spec.fixed.items():
        if {"width": DEFAULT_WIDTH, "depth": DEFAULT_DEPTH}.get(key, ...) == value:
            continue  # a trial's width and depth when neither is set: hidden (8,)
        if key in own and own[key] == {value}:
            continue
        if key == "init" and value in nets.INITIALIZERS:  # msra is he by another name
            value = nets.INITIALIZERS[value].__name__
        try:  # TrainConfig's own normalizing ("tanh" and ["tanh"], 2 and [2] are one value)
            value = getattr(nets.TrainConfig(**{key: value}), key)
        except (TypeError, ValueError):  # width, depth, imbalance_strategy...
            pass
        else:
            if value == getattr(default, key):
                continue
        out[key] = value
    return out
