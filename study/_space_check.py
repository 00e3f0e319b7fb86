"""A spec's [space] and [fixed] checked together before any trial: every bound and
choice, with everything else fixed, must make a valid :class:`nets.TrainConfig` (and, given
the data, one that trains on it), so a bad value fails the spec, naming its key, not each
trial that draws it. (A point given to a trial from outside: `_preset_check`.)"""

from __future__ import annotations

import dataclasses

import nets

from ._errors import SpecError
from ._space import DEFAULT_DEPTH, DEFAULT_WIDTH, Space, uses_ratio
from ._space_parse import check_strategies
from ._trial_config import build_config


def _as_layers(hidden) -> tuple:
    """``fixed.hidden`` (a width or a list of widths) as the tuple TrainConfig makes."""
    return tuple(hidden) if isinstance(hidden, list | tuple) else (hidden,)


def check_config_space(space: Space, fixed: dict, max_epochs: float,
                       strict: bool = True, fits=None) -> None:
    """Every bound and choice, with everything else fixed, must make a valid TrainConfig
    (``strict=False``: the ends of a range only, by the rules earlier versions checked,
    `_build_as_stored`).

    ``fits(cfg)``, a dataset's check that raises ValueError, must pass for each of them
    too; a [fixed] setting that fails it is named by the key that fails it alone.
    """
    if "hidden" in fixed and {"width", "depth"} & set(space.names()):
        raise SpecError("fixed.hidden conflicts with space.width/depth; "
                        "use fixed.width or fixed.depth for the part not searched")
    both = [f"fixed.{k}" for k in ("width", "depth") if k in fixed]
    # width and depth build hidden over it: refused where they make other layers
    if strict and "hidden" in fixed and both and _as_layers(fixed["hidden"]) != (
            fixed.get("width", DEFAULT_WIDTH),) * fixed.get("depth", DEFAULT_DEPTH):
        raise SpecError(f"fixed.hidden conflicts with {' and '.join(both)}; give the layers "
                        "either as hidden or as width and depth")
    for key in fixed:
        if space.get(key) is not None:
            raise SpecError(f"fixed.{key} is also searched in space.{key}")
    if "sampling_ratio" in {*fixed, *space.names()} and "imbalance_strategy" not in {
            *fixed, *space.names()}:
        where = "space" if space.get("sampling_ratio") else "fixed"
        raise SpecError(f"{where}.sampling_ratio needs an imbalance_strategy (in [space] or "
                        "[fixed])")
    fixed_strategy = fixed.get("imbalance_strategy")
    if space.get("sampling_ratio") is not None and fixed_strategy is not None and not \
            uses_ratio(check_strategies([fixed_strategy], "fixed.imbalance_strategy")[0]):
        # it would be searched but never suggested: the grid ran one configuration per value
        raise SpecError(f"space.sampling_ratio: fixed.imbalance_strategy {fixed_strategy!r} "
                        "does not resample toward a ratio; drop sampling_ratio")
    searched = space.get("imbalance_strategy")
    if space.get("sampling_ratio") is not None and searched is not None and not any(
            uses_ratio(name) for name in check_strategies(list(searched.choices),
                                                          "space.imbalance_strategy")):
        # never suggested, yet listed as searched in the report
        raise SpecError(f"space.sampling_ratio: none of space.imbalance_strategy "
                        f"({', '.join(map(str, searched.choices))}) resamples toward a ratio; "
                        "drop sampling_ratio or add a sampler (e.g. smote)")
    build = build_config if strict else _build_as_stored
    layers = _depth_of_activations(space, fixed)
    try:
        cfg = build(dict(layers), fixed, max_epochs)
    except (ValueError, TypeError) as exc:
        # TrainConfig names the field first ("momentum must be in [0, 1)"): its key path
        name = str(exc).split(" ", 1)[0]
        raise SpecError(f"fixed.{exc}" if name in fixed else f"fixed: {exc}") from None
    if fits is not None:
        try:
            fits(cfg)
        except (ValueError, TypeError) as exc:
            raise SpecError(f"{_misfit(fixed, max_epochs, fits)}: {exc}") from None
    for p in space.params:
        for value in p.candidates(inner=strict):
            # alone, so an error names the key that causes it
            values = {**layers, p.name: value}
            values.update(_partner_at_its_most_lenient(space, p.name))
            if space.per_layer and "width" in values:
                values["widths"] = [values.pop("width")] * values.get(
                    "depth", fixed.get("depth", DEFAULT_DEPTH))
            try:
                cfg = build(values, fixed, max_epochs)
                if fits is not None:
                    fits(cfg)
            except (ValueError, TypeError) as exc:
                raise SpecError(f"space.{p.name} value {value!r}: {exc}") from None
    _check_searched_pairs(space, layers, fixed, max_epochs, build, strict)


def _check_searched_pairs(space: Space, layers: dict, fixed: dict, max_epochs: float, build,
                          strict: bool) -> None:
    """SpecError for a searched batch size or depth that a searched batch norm or dropout
    cannot train with (batch norm: a batch of 1; either: no hidden layer): checked against
    the other's default alone, it passed, and every trial drawing the pair failed (a grid
    ran them all)."""
    for partner in ("batch_norm", "dropout"):
        searched = space.get(partner)
        # its values that do something: batch norm on, a dropout rate above 0
        on = [v for v in searched.candidates(inner=strict) if v] if searched else []
        if not on:
            continue
        shown = "true" if on[0] is True else repr(on[0])
        for name in ("batch_size", "depth"):
            p = space.get(name)
            for value in p.candidates(inner=strict) if p is not None else ():
                try:
                    build({**layers, name: value, partner: on[0]}, fixed, max_epochs)
                except (ValueError, TypeError) as exc:
                    raise SpecError(f"space.{name} value {value!r} with space.{partner} "
                                    f"{shown}: {exc}") from None


def check_settings_read(space: Space, fixed: dict) -> None:
    """SpecError naming a searched or fixed setting that no optimizer or schedule the trials
    can use reads (`nets.unread_settings`): every trial would record a value that changed
    nothing, and a search over it would spend the budget on noise."""
    fields = {f.name for f in dataclasses.fields(nets.TrainConfig)}
    can_run, said = {}, {}
    for kind in ("optimizer", "schedule"):
        searched = space.get(kind)
        if searched is not None:
            can_run[kind] = list(searched.choices)
            said[kind] = f"none of space.{kind}'s choices ({', '.join(searched.choices)}) reads"
        else:
            # left out: TrainConfig's default, the one build_config gives every trial
            name = fixed.get(kind, getattr(nets.TrainConfig, kind))
            can_run[kind] = [name]
            said[kind] = (f"fixed.{kind} {name} does not read" if kind in fixed else
                          f"the default {kind}, {name}, does not read")
    for table, names in (("space", space.names()), ("fixed", list(fixed))):
        unread = nets.unread_settings([n for n in names if n in fields],
                                      can_run["optimizer"], can_run["schedule"])
        for name, (kind, readers) in unread.items():
            raise SpecError(f"{table}.{name}: {said[kind]} it (only {nets.and_list(readers)} "
                            f"{'does' if len(readers) == 1 else 'do'}); {name} would be "
                            "ignored")


def _depth_of_activations(space: Space, fixed: dict) -> dict:
    """``{"depth": n}`` for n activations in [fixed], one per hidden layer, with depth
    searched: the depth every trial has (the others are checked at it, not at the default
    depth); SpecError naming the searched depths that have not n layers."""
    names, depth = fixed.get("activation"), space.get("depth")
    if depth is None or not isinstance(names, list) or len(names) < 2:
        return {}  # one name serves every layer
    n = len(names)
    if depth.kind == "categorical":
        others = [str(d) for d in depth.choices if d != n]
        where = f"takes {', '.join(others)}" if others else ""
    else:  # low < high: one end at least is not n
        low, high = int(depth.low), int(depth.high)
        where = (f"reaches {high}" if low == n else f"goes down to {low}" if high == n
                 else f"ranges over {low}..{high}")
    if where:
        raise SpecError(f"fixed.activation gives {n} names, one per hidden layer; space.depth "
                        f"{where} (give one name for every layer)")
    return {"depth": n}


# lr_min <= lr and lr * weight_decay < 1 bind two searchable keys: with both searched,
# each value is checked against the other's most lenient candidate, not its default (a
# trial drawing a bad pair fails alone)
_PARTNERS = {"lr_min": (("lr", max),), "lr": (("lr_min", min), ("weight_decay", min)),
             "weight_decay": (("lr", min),)}


def _partner_at_its_most_lenient(space: Space, name: str) -> dict:
    return {partner: pick(other.candidates()) for partner, pick in _PARTNERS.get(name, ())
            if (other := space.get(partner)) is not None}


def _build_as_stored(values: dict, fixed: dict, max_epochs: float) -> nets.TrainConfig:
    """`build_config` without the rules added after a stored spec could be written: lr_min
    above lr (e567a15) is pulled down to lr. Its study's trials ran, and stay readable; a
    resumed trial drawing such a pair fails alone, naming the rule (`build_config`)."""
    merged = {**fixed, **values}
    lr, lr_min = merged.get("lr", nets.TrainConfig.lr), merged.get("lr_min")
    try:
        above = lr_min is not None and 0 < lr < lr_min
    except TypeError:  # not numbers: TrainConfig says so
        above = False
    return build_config({**values, "lr_min": lr} if above else values, fixed, max_epochs)


def _misfit(fixed: dict, max_epochs: float, fits) -> str:
    """``fixed.KEY`` of the first [fixed] setting that fails ``fits`` alone, else ``fixed``."""
    for key, value in fixed.items():
        try:
            cfg = build_config({}, {key: value}, max_epochs)
        except (ValueError, TypeError):  # valid only with the others (activation per layer)
            continue
        try:
            fits(cfg)
        except (ValueError, TypeError):
            return f"fixed.{key}"
    return "fixed"
