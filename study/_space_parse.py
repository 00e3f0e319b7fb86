"""Reading a spec's ``[space]`` and ``[fixed]``: names, types, ranges and strategies."""

from __future__ import annotations

import dataclasses
import math

import data
import nets

from ._errors import SpecError
from ._registry import PRUNERS, SAMPLERS
from ._space import _PSEUDO, FIELD_TYPES, IMBALANCE_PARAMS, Param, Space, _decimal

_ENTRY_KEYS = ("low", "high", "log", "step", "choices", "per_layer")


def parse_space(raw: dict, strict: bool = True) -> Space:
    """Validate ``[space]`` (names, types, ranges) into a :class:`Space`; ``strict=False``
    lets through a step that does not divide its range (as earlier versions stored it)."""
    if not isinstance(raw, dict):
        raise SpecError(f"space must be a table, got {type(raw).__name__}")
    params, per_layer = [], False
    for name, entry in raw.items():
        path = f"space.{name}"
        if name not in FIELD_TYPES:
            raise SpecError(f"{path}: unknown hyperparameter; searchable: "
                            f"{', '.join(FIELD_TYPES)}")
        kind = FIELD_TYPES[name]
        if isinstance(entry, list):
            entry = {"choices": entry}
        if not isinstance(entry, dict):
            raise SpecError(f"{path} must be a table {{low, high[, log, step]}} or a list of "
                            f"choices, got {entry!r}; put constants in [fixed]")
        unknown = [k for k in entry if k not in _ENTRY_KEYS]
        if unknown:
            raise SpecError(f"{path}.{unknown[0]}: unknown key; valid: {', '.join(_ENTRY_KEYS)}")
        if "per_layer" in entry:
            if name != "width":
                raise SpecError(f"{path}.per_layer: only width can be per layer")
            per_layer = _typed(entry["per_layer"], bool, f"{path}.per_layer")
        params.append(_parse_entry(name, kind, entry, path, strict))
    space = Space(tuple(params), per_layer)
    strategy = space.get("imbalance_strategy")
    if strategy is not None:
        space = Space(tuple(dataclasses.replace(p, choices=check_strategies(
            p.choices, "space.imbalance_strategy")) if p is strategy else p
            for p in space.params), per_layer)
    ratio = space.get("sampling_ratio")
    if ratio is not None:
        check_ratio_values(ratio.candidates(), "space.sampling_ratio")
    return space


def check_strategies(names, path: str) -> tuple[str, ...]:
    """Registry keys of ``nets.STRATEGIES`` (aliases resolved); SpecError naming ``path``.

    The registry is the standard library's; the pipelines (scikit-learn, imbalanced-learn)
    are imported only by trials that fit one.
    """
    try:
        keys = nets.resolve_strategies(list(names))
    except ValueError as exc:
        raise SpecError(f"{path}: {exc}") from None
    if len(keys) != len(names):
        raise SpecError(f"{path}: names the same strategy twice: {list(names)}")
    return keys


def check_ratio_values(values, path: str) -> None:
    for v in values:
        if not 0 < v <= 1:
            raise SpecError(f"{path}: the sampling ratio (minority/majority after resampling, "
                            f"0.2 = 1:5) must be in (0, 1], got {v!r}")


def _parse_entry(name: str, kind: type, entry: dict, path: str, strict: bool) -> Param:
    if "choices" in entry:
        extra = [k for k in ("low", "high", "log", "step") if k in entry]
        if extra:
            raise SpecError(f"{path}: give either choices or low/high, not both ({extra[0]})")
        choices = entry["choices"]
        if not isinstance(choices, list) or not choices:
            raise SpecError(f"{path}.choices must be a non-empty list")
        typed = tuple(_typed(c, kind, f"{path}.choices") for c in choices)
        if len(set(typed)) != len(typed):
            raise SpecError(f"{path}.choices has duplicates: {list(typed)}")
        if strict:
            _check_aliases(name, typed, path)
        return Param(name, "categorical", choices=typed)
    if kind is str:
        raise SpecError(f"{path} is a name: give choices = [...]")
    if kind is bool:
        raise SpecError(f"{path} is true or false: give choices = [true, false]")
    for key in ("low", "high"):
        if key not in entry:
            raise SpecError(f"{path}.{key} is missing (or give choices = [...])")
    low = _typed(entry["low"], kind, f"{path}.low")
    high = _typed(entry["high"], kind, f"{path}.high")
    log = _typed(entry.get("log", False), bool, f"{path}.log")
    step = entry.get("step")
    if step is not None:
        step = _typed(step, kind, f"{path}.step")
        if step <= 0:
            raise SpecError(f"{path}.step must be > 0, got {step}")
        if log:
            raise SpecError(f"{path}: log and step cannot be combined")
    if not low < high:
        raise SpecError(f"{path}.low must be < {path}.high, got {low} and {high}")
    if strict and step is not None and (_decimal(high) - _decimal(low)) % _decimal(step) != 0:
        # optuna would cut the range to the last whole step, with a warning
        raise SpecError(f"{path}.step {step} must divide the range {low}..{high} into whole "
                        f"steps ({(high - low) / step:.4g} steps)")
    if log and low <= 0:
        raise SpecError(f"{path}.low must be > 0 on a log scale, got {low}")
    return Param(name, "int" if kind is int else "float", low, high, log, step)


# searchable names -> nets' table of them (an alias: another key of the same value), and
# what one of them is
_NAMED = {"init": (nets.INITIALIZERS, "initializer"), "schedule": (nets.SCHEDULES, "schedule"),
          "optimizer": (nets.OPTIMIZERS, "optimizer"),
          "activation": (nets.ACTIVATIONS, "activation"), "head": (nets.HEADS, "head")}


def _check_aliases(name: str, choices: tuple, path: str) -> None:
    """SpecError for two choices naming one thing (he and msra): the grid ran both, one
    configuration twice, and other samplers weighed it twice."""
    if name not in _NAMED:
        return
    table, what = _NAMED[name]
    seen = {}
    for choice in choices:
        if choice not in table:  # unknown: TrainConfig names it
            continue
        first = seen.setdefault(id(table[choice]), choice)
        if first != choice:
            raise SpecError(f"{path} lists {first!r} and {choice!r}, one {what}")


def _typed(value, kind: type, path: str):
    """``value`` as ``kind``; ints are accepted for floats, bools never for numbers."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool) and kind is not bool:
        ok = False
    else:
        ok = isinstance(value, kind)
    if not ok or (kind is float and not math.isfinite(value)):
        raise SpecError(f"{path} must be {_KIND_NAMES[kind]}, got {value!r}")
    return value


_KIND_NAMES = {float: "a finite number", int: "an integer", str: "a string", bool: "true or false"}


def parse_fixed(raw: dict) -> dict:
    """Validate ``[fixed]`` keys and types (values are checked by TrainConfig later)."""
    if not isinstance(raw, dict):
        raise SpecError(f"fixed must be a table, got {type(raw).__name__}")
    names = {f.name for f in dataclasses.fields(nets.TrainConfig)} - {"extra"}
    out = {}
    for key, value in raw.items():
        if key == "max_epochs":
            raise SpecError("fixed.max_epochs: set max_epochs in [study]")
        if key == "class_weight" and isinstance(value, str):
            value = _balanced(value)
        if key in FIELD_TYPES:
            value = _typed(value, FIELD_TYPES[key], f"fixed.{key}") if not (
                key == "activation" and isinstance(value, list)) else value
            if key == "imbalance_strategy":
                (value,) = check_strategies([value], "fixed.imbalance_strategy")
            elif key == "sampling_ratio":
                check_ratio_values([value], "fixed.sampling_ratio")
        elif key not in names:
            valid = (names | set(_PSEUDO) | set(IMBALANCE_PARAMS)) - {"max_epochs"}
            raise SpecError(f"fixed.{key}: unknown setting; valid: {', '.join(sorted(valid))}")
        out[key] = value
    return out


def _balanced(value: str) -> str:
    """``fixed.class_weight`` given as a string: "balanced" (any case, as ``hplab train
    --class-weight`` takes it), weighed from the data by `fixed_for_data`."""
    if value.strip().lower() != "balanced":
        raise SpecError("fixed.class_weight must be 'balanced' or one weight per class, "
                        f"in class order such as [1.0, 5.0], got {value!r}")
    return "balanced"


def fixed_for_data(fixed: dict, dataset=None) -> dict:
    """``fixed`` as trials train with it on ``dataset``: ``class_weight = "balanced"`` as
    the weights of its training split (`data.class_weights`, scikit-learn's ``n / (k *
    count)``, as ``hplab train --class-weight balanced`` has them). Without a dataset
    (a spec read before its data), left out: weights of the data are valid ones, checked
    with it (`check_dataset`).

    Parameters
    ----------
    fixed : dict
        A spec's [fixed] settings.
    dataset : data.Dataset, optional
        The loaded data the trials train on.
    """
    if fixed.get("class_weight") != "balanced":
        return fixed
    if dataset is None:
        return {k: v for k, v in fixed.items() if k != "class_weight"}
    try:
        weights = data.class_weights(dataset, "balanced")
    except ValueError as exc:  # a regression set: "class_weight weighs classes..."
        raise SpecError(f"fixed.{exc}") from None
    return {**fixed, "class_weight": weights}


def unregistered_names(raw: dict) -> list[tuple[str, str]]:
    """The ``(setting, name)`` pairs of a spec's [fixed] and [space] that name no entry of
    the registries a script may add to (`nets.USER_REGISTRIES`): an activation registered
    in the process that ran the study, not in this one; and ``("dataset", name)`` for its
    study.dataset, a set a script registered (`data.register_dataset`); and
    ``("imbalance_strategy", name)`` for a strategy one registered
    (`nets.register_strategy`). None of a ``raw`` not a table.

    Parameters
    ----------
    raw : dict
        The spec as parsed (its TOML tables).
    """
    if not isinstance(raw, dict):
        return []
    fixed, space = (raw.get(key) if isinstance(raw.get(key), dict) else {}
                    for key in ("fixed", "space"))
    table = raw.get("study") if isinstance(raw.get("study"), dict) else {}
    dataset = table.get("dataset")
    out = [("dataset", dataset.strip().partition("?")[0])] if data.unknown_set(dataset) else []
    out += [(key, table[key]) for key, known in (("sampler", SAMPLERS), ("pruner", PRUNERS))
            if isinstance(table.get(key), str) and table[key] not in known]
    for setting, (_, registry) in nets.USER_REGISTRIES.items():
        entry = space.get(setting)
        names = [fixed.get(setting), *(entry.get("choices", ()) if isinstance(entry, dict)
                                       else entry if isinstance(entry, list) else ())]
        names = [n for v in names for n in (v if isinstance(v, list) else [v])]
        out += [(setting, n) for n in dict.fromkeys(names)
                if isinstance(n, str) and n not in registry]
    # a script's own imbalance strategy (nets.register_strategy), by the names it reads
    entry = space.get("imbalance_strategy")
    names = [fixed.get("imbalance_strategy"), *(
        entry.get("choices", ()) if isinstance(entry, dict)
        else entry if isinstance(entry, list) else ())]
    out += [("imbalance_strategy", n) for n in dict.fromkeys(names)
            if isinstance(n, str) and not _strategy_known(n)]
    return out


def _strategy_known(name: str) -> bool:
    try:
        nets.resolve_strategies([name])
    except ValueError:
        return False
    return True


#: the registries of a spec's other names a script may add to (not nets')
_OTHER_TABLES = {"dataset": "data.DATASETS (data.register_dataset)",
                 "imbalance_strategy": "nets.STRATEGIES (nets.register_strategy)",
                 "sampler": "study.SAMPLERS", "pruner": "study.PRUNERS"}


def unregistered_words(missing: list[tuple[str, str]]) -> tuple[str, str]:
    """What `unregistered_names` found, said: ``"activation 'swish' and init 'half'"``, and
    the tables to register them in, ``"nets.ACTIVATIONS and nets.INITIALIZERS"``.

    Parameters
    ----------
    missing : list of tuple of str
        `unregistered_names`' pairs.
    """
    used = nets.and_list([f"{setting} {value!r}" for setting, value in missing])
    tables = nets.and_list(list(dict.fromkeys(
        _OTHER_TABLES.get(setting) or f"nets.{nets.USER_REGISTRIES[setting][0]}"
        for setting, _ in missing)))
    return used, tables
