"""Searched settings only some of the trials read: ``momentum`` is read by the momentum and
nesterov optimizers only (`nets.setting_readers`), so with ``optimizer`` searched over sgd
and momentum, an sgd trial is given none: a value there would change nothing, yet be
recorded as the trial's, scored for importance and shown as the best trial's. As
``sampling_ratio`` is suggested only for strategies that resample.
"""

from __future__ import annotations

import nets

from ._errors import SpecError


def conditional_settings(names, choices: dict[str, tuple]) -> list[str]:
    """The settings of ``names`` that some of the searched optimizers or schedules
    (``choices``: ``{"optimizer": (...), "schedule": (...)}``, the kinds searched) do not
    read, in the order given."""
    out = []
    for name in names:
        for kind in nets.setting_readers(name):
            if kind in choices and not all(_reads(kind, c, name) for c in choices[kind]):
                out.append(name)
                break
    return out


def reads_setting(name: str, values: dict, fixed: dict) -> bool:
    """Whether a trial with the suggested ``values`` (over the spec's ``fixed``, else
    TrainConfig's defaults) runs an optimizer and a schedule that read setting ``name``."""
    return unread_by(name, values, fixed) is None


def unread_by(name: str, values: dict, fixed: dict) -> tuple[str, str, tuple] | None:
    """``(kind, chosen, readers)``: the optimizer or schedule (``kind``) ``chosen`` for a
    trial with ``values`` (as `reads_setting`) that does not read setting ``name``, and
    the ones that do; None if the trial reads it."""
    for kind, readers in nets.setting_readers(name).items():
        chosen = values.get(kind, fixed.get(kind, getattr(nets.TrainConfig, kind)))
        if not _reads(kind, chosen, name):
            return kind, chosen, readers
    return None


def searched_readers(space, name: str) -> dict[str, tuple]:
    """The searched choices that read setting ``name``: those a trial has it with.

    Parameters
    ----------
    space : Space
        A spec's searched parameters (``spec.space``).
    name : str
        A TrainConfig setting, e.g. ``"momentum"``.

    Returns
    -------
    dict
        ``{kind: choices}`` for each kind (``"optimizer"``, ``"schedule"``) whose readers
        of ``name`` the space searches: its choices, as the spec names them, that read
        ``name``. With ``optimizer = ["sgd", "momentum"]``, momentum's is
        ``{"optimizer": ("momentum",)}``: nesterov reads it too, but no trial ran it. A kind
        the space does not search (its one value reads ``name`` in every trial or in none)
        is left out; empty for a setting every run reads (lr).
    """
    out = {}
    for kind in nets.setting_readers(name):
        searched = space.get(kind)
        readers = tuple(c for c in (searched.choices if searched else ()) if _reads(kind, c, name))
        if readers:
            out[kind] = readers
    return out


def refuse_conditional(names: list[str], sampler: str) -> None:
    """Refuse conditional settings ``names`` to a ``sampler`` (grid) that needs every
    parameter in every trial."""
    if names:
        name = names[0]
        readers = " and ".join(n for kinds in nets.setting_readers(name).values() for n in kinds)
        raise SpecError(f"space.{name}: the {sampler} sampler needs every parameter in every "
                        f"trial, and only {readers} read {name}; fix {name} in [fixed] or use "
                        "another sampler")


def _reads(kind: str, chosen, name: str) -> bool:
    return name in nets.SETTINGS_READ[kind].get(chosen, ())
