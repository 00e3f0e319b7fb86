"""Values given to a trial before it ran (enqueued, or set on a WAITING trial) checked
against the spec's space: each inside it (`outside_space`) and each read by the trial
`Space.suggest` made (`unread_values`)."""

from __future__ import annotations

import math
import numbers
import re

import nets

from ._space import uses_ratio
from ._space_reads import searched_readers, unread_by


def outside_space(space, params: dict, fixed: dict | None = None) -> str | None:
    """Why ``params`` given to a trial before it ran (enqueued, or set on a WAITING trial)
    do not fit the spec's ``space``: each value outside a range or not among the choices,
    each name the space does not search (None if all fit). ``fixed``: the spec's [fixed],
    named where a point sets one of its keys.

    Optuna never asks for a name the space does not search: such a key (a typo, a [fixed]
    key) was dropped without a word, the trial trained with a sampled value in its place.
    """
    why = []
    for name, value in params.items():
        # width_i exists only in a per-layer space, width only in a shared one
        layer = re.fullmatch(r"width_\d+", name) and space.per_layer
        p = space.get("width" if layer else name)
        if p is None or (p.name == "width" and space.per_layer and not layer):
            why.append(_not_searched(space, name, fixed or {}))
            continue
        if p.kind == "categorical":
            if value not in p.choices:
                why.append(f"{name} {value!r} is outside the spec's space "
                           f"({', '.join(map(repr, p.choices))})")
        elif not isinstance(value, numbers.Real) or isinstance(value, bool):
            # QA: `--point lr=0.5;width=4` read "lr '0.5;width=4' is outside the space"
            why.append(f"{name} {value!r} is not a number (the spec's space "
                       f"{p.low:g}..{p.high:g})")
        elif not p.low <= value <= p.high:
            why.append(f"{name} {value!r} is outside the spec's space {p.low:g}..{p.high:g}")
        elif p.kind == "int" or p.step:
            step = p.step or 1  # optuna rounds an off-grid value down, and warns only
            if not math.isclose((value - p.low) / step, round((value - p.low) / step)):
                what = "a whole number" if p.kind == "int" and step == 1 else \
                    f"on the spec's grid {p.low:g}, {p.low + step:g}..."
                why.append(f"{name} {value!r} is not {what}")
    return "; ".join(why) or None


def unread_values(space, preset: dict, values: dict, fixed: dict, *,
                  ahead: bool = False) -> str | None:
    """Why values given to a trial before it ran (``preset``, inside the space:
    `outside_space`) are not all read by the trial `Space.suggest` made (its ``values``),
    or None: a setting its optimizer or schedule does not read (momentum with sgd), a
    sampling_ratio its imbalance_strategy does not resample by, a width_i of a layer
    beyond its depth. Suggest asks for none of them (the same rules), so the trial would
    train without them, the point not the one given. ``ahead``: checked before the trial
    runs (`point_problem`), where the sampler may yet choose what leaves a value unread."""
    asked = {*values, *(f"width_{i}" for i in range(len(values.get("widths", ()))))}
    why = []
    for name, value in preset.items():
        if name in asked:
            continue
        if name.startswith("width_"):  # per layer: `outside_space` let only those through
            depth, layer = len(values.get("widths", ())), int(name.removeprefix("width_"))
            why.append(f"{name} {value!r} is for a layer the trial's net of depth {depth} "
                       f"does not have (only a depth of {layer + 1} or more has it)"
                       + _sampled("depth", space, preset, ahead))
        elif name == "sampling_ratio":
            chosen = values.get("imbalance_strategy", fixed.get("imbalance_strategy"))
            searched = space.get("imbalance_strategy")
            names = searched.choices if searched is not None else tuple(nets.STRATEGIES)
            readers = [n for n in names if uses_ratio(n)]
            why.append(f"{name} {value!r} is not read by imbalance_strategy {chosen} (only by "
                       f"{nets.and_list(readers)}{_of_searched(searched)})"
                       + _sampled("imbalance_strategy", space, preset, ahead))
        elif (unread := unread_by(name, values, fixed)) is not None:
            kind, chosen, readers = unread
            # the searched ones: another (nesterov where sgd and momentum are searched)
            # is outside the space, no point to give
            searched = space.get(kind)
            if searched is not None:
                readers = searched_readers(space, name).get(kind, ())
            why.append(f"{name} {value!r} is not read by {kind} {chosen} (only by "
                       f"{nets.and_list(readers)}{_of_searched(searched)})"
                       + _sampled(kind, space, preset, ahead))
        else:  # no rule above: still not asked for, so never trained with
            why.append(f"{name} {value!r} is not read by the trial")
    return "; ".join(why) or None


def _of_searched(searched) -> str:
    """Said after the readers named of a searched ``kind`` (its Param): its choices only."""
    return "" if searched is None else " of those searched"


def _sampled(kind: str, space, preset: dict, ahead: bool = False) -> str:
    """Said when the sampler, not the point, chose the trial's ``kind`` (its optimizer);
    ``ahead``: may choose it."""
    if kind in preset or space.get(kind) is None:
        return ""
    chose = "may choose" if ahead else "chose"
    return f"; the sampler {chose} the {kind}: give it in the point too"


def _not_searched(space, name: str, fixed: dict) -> str:
    """Why a point's ``name`` is no parameter the trials have."""
    if name == "width" and space.per_layer:
        return "width is searched per layer: give width_0, width_1..."
    if name in fixed:
        return f"{name} is not searched: the spec's [fixed] sets it to {fixed[name]!r}"
    return f"{name} is not searched by the spec (its [space]: {', '.join(space.names())})"
