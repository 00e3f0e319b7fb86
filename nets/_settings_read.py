"""Which TrainConfig settings each optimizer and each schedule reads, and which of a
user's settings a choice of them leaves unread (a run would record a value it never used).

Settings no optimizer or schedule owns (lr, l2, weight_decay, warmup_steps, the loop's)
every run reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from ._optimizers import OPTIMIZERS
from ._rules import unknown_name
from ._schedules import RULE_SETTINGS, SCHEDULES


class _Reads(Mapping):
    """name -> the settings its entry reads, read from its registry at each look-up: a
    snapshot taken at import did not know an entry a script added to nets.OPTIMIZERS or
    nets.SCHEDULES, so a study of it was refused ("unknown optimizer 'nadam'") and every
    report's settings failed once one was registered, used or not."""

    def __init__(self, registry: dict, reads: Callable):
        self._registry, self._reads = registry, reads

    def __getitem__(self, name) -> tuple[str, ...]:
        return tuple(self._reads(self._registry[name]))

    def __iter__(self) -> Iterator[str]:
        return iter(self._registry)

    def __len__(self) -> int:
        return len(self._registry)

    def __repr__(self) -> str:
        return repr(dict(self))


def _rule_settings(rule) -> tuple[str, ...]:
    # a built-in rule's row; a script's rule declares its own as an optimizer class does
    # (``rule.settings = ("lr_min",)``), else it reads lr alone
    try:
        return RULE_SETTINGS[rule]
    except (KeyError, TypeError):  # TypeError: an entry of another kind, unhashable (an array)
        return getattr(rule, "settings", ())


#: kind -> name -> the TrainConfig settings it reads; an optimizer's row is its class's
#: ``settings`` (declared beside its rule), a schedule's its rule's (aliases share it): its
#: ``RULE_SETTINGS`` row, else the rule's own ``settings`` attribute (a script's), else ().
#: Live views of nets.OPTIMIZERS and nets.SCHEDULES: an entry added there is here too.
SETTINGS_READ: dict[str, Mapping[str, tuple[str, ...]]] = {
    "optimizer": _Reads(OPTIMIZERS, lambda cls: getattr(cls, "settings", ())),
    "schedule": _Reads(SCHEDULES, _rule_settings),
}


def unread_settings(given: Iterable[str], optimizers: str | Iterable[str],
                    schedules: str | Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The settings in ``given`` that none of the optimizers and schedules that may run reads.

    Parameters
    ----------
    given : iterable of str
        TrainConfig field names a user set (other fields are not judged).
    optimizers, schedules : str or iterable of str
        The names (keys of `OPTIMIZERS`, `SCHEDULES`) a run may use.

    Returns
    -------
    dict
        ``{setting: (kind, readers)}`` in the order given: kind ``"optimizer"`` or
        ``"schedule"``, readers the names of that kind that read it (aliases left out).

    Raises
    ------
    ValueError
        An unknown optimizer or schedule name (the message lists the valid ones).
    """
    chosen = {kind: _known(kind, [names] if isinstance(names, str) else list(names))
              for kind, names in (("optimizer", optimizers), ("schedule", schedules))}
    out = {}
    for setting in given:
        for kind, readers in setting_readers(setting).items():
            if not any(setting in SETTINGS_READ[kind][name] for name in chosen[kind]):
                out[setting] = (kind, readers)
    return out


def setting_readers(setting: str) -> dict[str, tuple[str, ...]]:
    """``{kind: names}``: the optimizers and the schedules that read ``setting`` (aliases left
    out), e.g. ``{"optimizer": ("momentum", "nesterov")}`` for ``"momentum"``; empty for a
    setting every run reads (lr, l2, the loop's).

    Parameters
    ----------
    setting : str
        A TrainConfig setting (``"momentum"``, ``"lr_gamma"``...).
    """
    out = {}
    for kind, table in SETTINGS_READ.items():
        readers = tuple(name for name, reads in table.items()
                        if setting in reads and _first_name(kind, name) == name)
        if readers:
            out[kind] = readers
    return out


def _known(kind: str, names: list) -> list:
    table = SETTINGS_READ[kind]
    for name in names:
        if not isinstance(name, str) or name not in table:
            raise ValueError(unknown_name(kind, name, table))
    return names


def _first_name(kind: str, name: str) -> str:
    """The registry's first name for ``name``'s entry: ``exp`` is ``exponential``."""
    registry = OPTIMIZERS if kind == "optimizer" else SCHEDULES
    return next(n for n, entry in registry.items() if entry is registry[name])
