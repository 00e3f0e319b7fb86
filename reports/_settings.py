"""Training settings as every report shows them: the values a run used.

A config keeps ``rho``, ``opt_eps`` and ``weight_decay`` as None (the optimizer's own),
so that ``TrainConfig(**config)`` redoes the run; a report shows the value that None
stood for. Milestones are steps to copy, and only a schedule that reads them (multistep)
has any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nets import OPTIMIZERS, OWN_DEFAULTS, SCHEDULES, SETTINGS_READ, own_defaults, unread_settings

from ._numbers import format_setting  # not design: the index reads it, matplotlib not


def shown_settings(params: Mapping[str, Any], task: str | None = None) -> dict[str, Any]:
    """``params`` with None ``rho``/``opt_eps``/``weight_decay`` as the value used, e.g.
    ``"0.95 (adadelta's own)"`` (left out for an optimizer that does not read it), and
    without empty ``lr_milestones`` unless the schedule reads them (multistep). Settings
    neither the run's optimizer nor its schedule reads (momentum of an adam run, lr_gamma
    of a constant rate) are left out: they were not used; so is ``class_weight`` for the ``task``
    ``"regression"``, which refuses it. A full batch is ``"-1 (full batch)"``."""
    name = params.get("optimizer")
    optimizer = OPTIMIZERS.get(name) if isinstance(name, str) else None
    schedule = params.get("schedule")
    unread = unread_settings(
        [k for k in params if isinstance(k, str)], [name] if optimizer else list(OPTIMIZERS),
        [schedule] if isinstance(schedule, str) and schedule in SCHEDULES else list(SCHEDULES))
    own = own_defaults(name, params)  # as config.json's ``resolved`` records them
    out = {}
    for key, value in params.items():
        if key in unread or (key == "class_weight" and task == "regression"):
            continue
        if value is None and key in OWN_DEFAULTS and optimizer is not None:
            if key not in own:  # sgd and adam have no rho of their own
                continue
            # an own default of 0 is the setting off (sgd's weight decay): "0", as l2's;
            # "0 (sgd's own)" read as if sgd had a decay of its own
            value = format_setting(own[key]) + (f" ({name}'s own)" if own[key] else "")
        elif (key == "lr_milestones" and isinstance(value, list | tuple) and not value
              and not _reads_milestones(schedule)):
            continue
        elif key == "batch_size" and isinstance(value, int) and value == -1:
            value = "-1 (full batch)"  # as typed, and what it means (QA: a bare -1)
        out[key] = value
    return out


def _reads_milestones(schedule) -> bool:
    """Whether the schedule named ``schedule`` steps at milestones (multistep)."""
    return isinstance(schedule, str) and "lr_milestones" in SETTINGS_READ["schedule"].get(
        schedule, ())


def regularisers_text(cfg: Mapping[str, Any]) -> str:
    """`` · dropout 0.3 · batch norm`` for the regularisers a config turns on ("" for none):
    for a subtitle, so two reports of one sweep with and without them tell apart. A None
    ``weight_decay`` is its ``optimizer``'s own (adamw's 0.01 is said)."""
    cfg = {**cfg, **own_defaults(cfg.get("optimizer"),
                                 {"weight_decay": cfg.get("weight_decay")})}
    parts = [f"{label} {format_setting(cfg[key])}" for key, label in
             (("l2", "L2"), ("l1", "L1"), ("weight_decay", "weight decay"),
              ("dropout", "dropout")) if cfg.get(key)]
    if cfg.get("batch_norm"):
        parts.append("batch norm")
    return "".join(f" · {part}" for part in parts)


#: The settings a training run's index row names (what tells two runs of one data set
#: apart): the net's shape and how it was trained
_ROW_SETTINGS = ("hidden", "activation", "optimizer", "lr", "batch_size")


def settings_line(params: Mapping[str, Any]) -> str:
    """``hidden 16, 8 · relu · adam · lr 0.01 · batch size 32``: a run's main settings,
    short (the index lists 200 runs of one data set, each "Training run: sine")."""
    parts = []
    for key in _ROW_SETTINGS:
        if key not in params:
            continue
        value = params[key]
        if key == "activation" and isinstance(value, list | tuple) and len(set(value)) == 1:
            value = value[0]  # one name for every layer
        if key == "batch_size" and value == -1:
            parts.append("full batch")
            continue
        text = format_setting(value)
        shown = text if key in ("activation", "optimizer") else (
            f"{key.replace('_', ' ')} {text}")
        parts.append(shown)
    return " · ".join(parts)
