"""The rules a `TrainConfig` is validated by: a table of each setting's rule (`_RULES`),
the registries' names and the checks across settings (`validate`), and the import-time
check that every setting an optimizer or schedule reads has its rule."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ._activations import activations_error
from ._heads import HEADS
from ._init import INITIALIZERS
from ._optimizers import OPTIMIZER_RULES, OPTIMIZERS, decay_refusal
from ._registry_entries import entry_problem
from ._rules import MAX_DEPTH, check_setting, choice, epochs, nonneg, positive, unit, unknown_name
from ._schedules import SCHEDULES, STEPWISE
from ._settings_read import SETTINGS_READ
from ._validation import is_whole

if TYPE_CHECKING:  # _config imports this module: TrainConfig is an annotation only
    from ._config import TrainConfig


def _increasing_steps(v) -> bool:
    return (all(is_whole(m) and m >= 1 for m in v)
            and all(a < b for a, b in zip(v, v[1:], strict=False)))

# the fields that name a registry's entry: an unknown name is refused as each registry's
# lookup refuses it (`unknown_name`: did you mean..., the valid names), checked first
_NAMED = {"head": {"auto": None, **HEADS}, "init": INITIALIZERS, "optimizer": OPTIMIZERS,
          "schedule": SCHEDULES}
# Validation declared as a table: field -> (check, message).
_RULES = {
    "lr": positive,
    **OPTIMIZER_RULES,  # the optimizers' settings: make_optimizer checks them too
    "l2": nonneg,
    "l1": nonneg,
    "dropout": unit,
    "lr_gamma": positive,
    "lr_decay_steps": (lambda v: v > 0 and math.isfinite(v),
                       "must be a finite number > 0 (of steps; a whole one for schedule step)"),
    "lr_milestones": (_increasing_steps, "must be increasing whole numbers >= 1 (steps)"),
    "lr_power": positive,
    "lr_min": nonneg,
    "warmup_steps": (lambda v: is_whole(v) and v >= 0, "must be a whole number >= 0"),
    "batch_size": (lambda v: is_whole(v) and (v == -1 or v >= 1),
                   "must be a whole number >= 1 (or -1 for full batch)"),
    "max_epochs": epochs,  # at most MAX_EPOCHS
    "checkpoint": positive,
    "eps": nonneg,
    "patience": (lambda v: is_whole(v) and v >= 0, "must be a whole number >= 0"),
    "min_delta": nonneg,
    "divergence_factor": (lambda v: v > 1, "must be > 1"),
    "eval_size": (lambda v: is_whole(v) and v >= 1, "must be a whole number >= 1"),
    "dtype": choice({"float32": None, "float64": None}),
}


def check_settings_read(settings_read: Mapping, fields, rules: Mapping,
                        optimizer_rules: Mapping) -> None:
    """LookupError naming the first optimizer or schedule (``settings_read``: kind -> name ->
    settings) that reads a setting ``fields`` (TrainConfig's) lacks or no rule checks, as
    ``import nets`` checks them: a setting with no field died later as a bare KeyError or
    AttributeError, one with no rule took any value (a schedule's loop ran for good)."""
    for kind, table in settings_read.items():
        for name, reads in table.items():
            for setting in reads:
                said = f"{kind} {name!r} reads {setting!r}"
                if setting not in fields:
                    raise LookupError(f"{said}, which is no nets.TrainConfig field "
                                      "(nets/_config.py)")
                if kind == "optimizer" and setting not in optimizer_rules:
                    # the rules there are also what passes a setting to the constructors
                    raise LookupError(f"{said}, which has no OPTIMIZER_RULES entry "
                                      "(nets/_optimizers.py)")
                if setting not in rules:
                    raise LookupError(f"{said}, which has no _RULES entry "
                                      "(nets/_config_rules.py)")


def validate(cfg: TrainConfig) -> None:
    """Raise ValueError naming the first field that breaks its rule."""
    for name, registry in _NAMED.items():
        value = getattr(cfg, name)
        if not isinstance(value, str) or value not in registry:  # a list cannot be a key
            raise ValueError(unknown_name(name, value, registry))
        problem = entry_problem(name, value, registry[value])  # a script's of another kind
        if problem:
            raise ValueError(problem)
    for name, rule in _RULES.items():
        check_setting(name, getattr(cfg, name), rule)
    reads = SETTINGS_READ["schedule"][cfg.schedule]  # what those settings mean binds the rule
    if SCHEDULES[cfg.schedule] in STEPWISE and "lr_decay_steps" in reads \
            and not is_whole(cfg.lr_decay_steps):
        # its rate changes on whole steps: every 2.5 steps would be at steps 3, 5, 8, 10...
        raise ValueError(f"lr_decay_steps must be a whole number with schedule "
                         f"{cfg.schedule}, which holds the rate for that many steps, got "
                         f"{cfg.lr_decay_steps!r} (a fraction is for exponential and inverse)")
    if "lr_milestones" in reads and not cfg.lr_milestones:
        raise ValueError(f"schedule {cfg.schedule} needs lr_milestones, the steps where the "
                         "rate is multiplied by lr_gamma, e.g. (100, 200)")
    if "lr_min" in reads and cfg.lr_min > cfg.lr:
        # it falls from lr to lr_min: above it, the rate would climb instead
        raise ValueError(f"lr_min must be <= lr (schedule {cfg.schedule} falls from lr to "
                         f"lr_min), got lr_min {cfg.lr_min!r} and lr {cfg.lr!r}")
    refused = decay_refusal(cfg.optimizer, cfg.weight_decay, cfg.lr, f"lr {cfg.lr:g}", "lr")
    if refused:  # W *= 1 - lr * decay, 0 or less: zeroed or flipped
        raise ValueError(refused)
    if len(cfg.hidden) > MAX_DEPTH:
        raise ValueError(f"hidden has {len(cfg.hidden):,} layers; a net has at most "
                         f"{MAX_DEPTH:,} (nets.MAX_DEPTH)")
    for h in cfg.hidden:
        if h < 1:
            raise ValueError(f"hidden widths must be >= 1, got {cfg.hidden}; () for no hidden "
                             f"layer (a perceptron; --hidden '' on the command line)")
    problem = activations_error(cfg.activation, len(cfg.hidden))  # the one place
    if problem:
        raise ValueError(problem)
    if not isinstance(cfg.batch_norm, bool):  # "false" would have been true
        raise ValueError(f"batch_norm must be true or false, got {cfg.batch_norm!r}")
    if cfg.batch_norm and not cfg.hidden:
        raise ValueError("batch_norm normalises hidden layers, and a net with no hidden "
                         "layer has none; leave batch_norm off")
    if cfg.batch_norm and cfg.batch_size == 1:  # one row standardises to 0: W learns nothing
        raise ValueError("batch_norm needs batches of 2 rows or more (one row's batch "
                         "statistics standardise it to 0), got batch_size 1")
    if cfg.dropout and not cfg.hidden:  # it would be recorded as if it had been used
        raise ValueError(f"dropout {cfg.dropout!r} drops hidden units' outputs, and a net "
                         "with no hidden layer has none; leave dropout at 0")
    if cfg.class_weight is not None and not (
            all(w >= 0 and math.isfinite(w) for w in cfg.class_weight)
            and any(w > 0 for w in cfg.class_weight)):
        # a zero weight leaves a class out of the loss (as in scikit-learn); all zero, all
        raise ValueError("class_weight must be finite numbers >= 0, not all 0, "
                         f"got {cfg.class_weight}")
    largest = float(np.finfo(cfg.dtype).max)
    if cfg.class_weight is not None and max(cfg.class_weight) > largest:
        # finite in float64, inf in a float32 net: QA's 1e39 warned "overflow encountered
        # in cast" and diverged, exit 0
        limit = f"{largest:.1e}".replace("e+", "e")
        raise ValueError(f"class_weight has values beyond {cfg.dtype}'s range (about {limit}), "
                         f"got {cfg.class_weight}; give smaller weights, or train a "
                         "float64 net (dtype=float64)")
