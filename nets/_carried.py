"""What a pool's task carries to its worker process besides its own arguments: the running
command's lines (`carried_lines`) and the registry entries this process added.

A worker imports nets afresh, with the built-in entries only: an activation a script or a
notebook registered (README: ``nets.ACTIVATIONS["buggy_tanh"] = ...``) failed every trial of
a study with workers=2 ("unknown activation"), and every run of an analysis. The entries
travel by value (joblib's loky and Dask pickle with cloudpickle, which pickles a class or a
function defined in ``__main__`` whole).
"""

from __future__ import annotations

import contextlib
import warnings

from ._activations import ACTIVATIONS
from ._command_lines import carried_lines, lines_carried
from ._imbalance_registry import STRATEGIES
from ._init import INITIALIZERS
from ._notices import carried_notices, notices_carried
from ._optimizers import OPTIMIZERS
from ._schedules import RULE_SETTINGS, SCHEDULES

#: the setting that names an entry -> the registry a script may add entries to
#: (``nets.<name>``), and the registry itself
USER_REGISTRIES = {"activation": ("ACTIVATIONS", ACTIVATIONS),
                   "optimizer": ("OPTIMIZERS", OPTIMIZERS),
                   "init": ("INITIALIZERS", INITIALIZERS),
                   "schedule": ("SCHEDULES", SCHEDULES)}

# the tables carried: those registries, a schedule's settings beside its registry
# (nets.SETTINGS_READ reads both registries live: nothing of its own to carry), and the
# imbalance strategies (nets.register_strategy: a benchmark's or a study's workers=2 met
# "unknown strategy" on every run of a script's own)
_TABLES = {**{name: table for name, table in USER_REGISTRIES.values()},
           "RULE_SETTINGS": RULE_SETTINGS, "STRATEGIES": STRATEGIES}
_BUILT_IN = {name: dict(table) for name, table in _TABLES.items()}


def carry_registry(name: str, table: dict, built_in: dict) -> None:
    """Carry the entries a script adds to ``table``, a registry of a package nets does not
    import (``data.DATASETS``), to pool workers as nets' own: those not in ``built_in``.
    The packages that run pools call it on import, in the parent and in each worker.

    Parameters
    ----------
    name : str
        The table's key among the carried ones (``"data.DATASETS"``).
    table, built_in : dict
        The registry, and its entries that every process has.
    """
    _TABLES[name] = table
    _BUILT_IN[name] = built_in


def added_entries() -> dict[str, dict] | None:
    """The entries of the carried tables that are not the built-in ones (added, or a
    built-in name given another value) and that can be pickled, by table; None when there
    are none."""
    added = {}
    for name, table in _TABLES.items():
        built_in = _BUILT_IN[name]
        entries = {key: value for key, value in table.items()
                   if (key not in built_in or built_in[key] is not value)
                   and _picklable(value)}
        if entries:
            added[name] = entries
    return added or None


#: (registry, name) of the replaced built-ins `warn_replaced_built_ins` has warned of
_WARNED: set = set()


def warn_replaced_built_ins(settings: dict) -> None:
    """Warn, once per entry and in one line, where ``settings`` (a run's saved config)
    name a built-in optimizer, init or schedule a script replaced (``nets.OPTIMIZERS["adam"]
    = MyAdam``): the file says "adam", and every other process runs hplab's own. A warning,
    not a refusal (as an activation's, `save_problem`): the registries may be given another
    value under a built-in name (tests wrap an init to record its draws; workers carry
    it, `added_entries`), and the run's numbers are its own.

    Parameters
    ----------
    settings : dict
        As above.
    """
    for setting, (registry, table) in USER_REGISTRIES.items():
        value = settings.get(setting) if setting != "activation" else None  # refused at save
        built_in = _BUILT_IN[registry]
        if isinstance(value, str) and value in built_in and table.get(value) is not \
                built_in[value] and (registry, value) not in _WARNED:
            _WARNED.add((registry, value))
            warnings.warn(f"the saved run names {setting} {value!r}, but nets.{registry}"
                          f"[{value!r}] is not hplab's own here: elsewhere that name runs the "
                          f"built-in; register yours under a name of its own", stacklevel=3)


def _picklable(entry) -> bool:
    # one entry that cannot go (an activation holding a lock) failed every pooled run,
    # those that never use it too ("Could not pickle the task"); left behind, a run that
    # names it fails alone, as an unknown name
    import cloudpickle

    try:
        cloudpickle.dumps(entry)
    except Exception:
        return False
    return True


def use_entries(added: dict[str, dict] | None) -> None:
    """In a pool's worker process: its tables made the built-in entries and ``added`` (what
    `added_entries` gave in its parent). A table already so is left alone; one a reused
    worker holds from an earlier task is rebuilt (its parent may have dropped an entry or
    given a name another value since)."""
    for name, table in _TABLES.items():
        wanted = {**_BUILT_IN[name], **(added or {}).get(name, {})}
        if table.keys() != wanted.keys() or any(table[k] is not v for k, v in wanted.items()):
            table.clear()
            table.update(wanted)


def entries_named(settings: dict) -> bytes | None:
    """The added entries (`added_entries`) that ``settings`` name (an estimator's
    activation, optimizer, init and schedule), with their rows in the tables beside their
    registries, by table, pickled by value (cloudpickle: a class of a script's __main__
    whole); None when they name only built-in ones. An estimator pickled to joblib's
    worker processes (``GridSearchCV(..., n_jobs=2)``) carries them: its names alone met
    "unknown activation" there."""
    import cloudpickle

    named = []
    for setting, (registry, table) in USER_REGISTRIES.items():
        value = settings.get(setting)
        for name in (value,) if isinstance(value, str) else \
                value if isinstance(value, tuple | list) else ():
            if isinstance(name, str) and name in table \
                    and _BUILT_IN[registry].get(name) is not table[name]:
                named += [name, table[name]]  # a schedule's settings are keyed by its rule
    if not named:  # built-in names only (the common case): no entry is looked at
        return None
    added = {table: {key: value for key, value in entries.items()
                     if any(key is n or key == n for n in named)}
             for table, entries in (added_entries() or {}).items()}
    added = {table: entries for table, entries in added.items() if entries}
    return cloudpickle.dumps(added) if added else None


#: (table, key) of the entries `register_missing` added: an earlier unpickled estimator's,
#: which a later one's replaces (a reused joblib worker kept a notebook's first version)
_UNPICKLED: set = set()


def register_missing(packed: bytes | None) -> None:
    """Add the entries `entries_named` packed (an unpickled estimator's) to the tables that
    lack them. A name this process's own code registered keeps its value (a copy of an
    estimator made here, or an old file loaded, replaced nothing); one an earlier
    unpickled estimator added takes the later one's. Entries that do not load here (their
    module missing) are left out: a fit naming one fails as an unknown name."""
    import pickle

    try:
        entries = pickle.loads(packed) if packed is not None else {}
    except Exception:  # the estimator still loads, as its names alone did
        return
    for table, found in entries.items():
        for key, value in found.items():
            if key not in _TABLES[table] or (table, key) in _UNPICKLED:
                _TABLES[table][key] = value
                _UNPICKLED.add((table, key))


def carried_to_workers() -> tuple:
    """What each of a pool's tasks takes to its worker process (`worker_as_parent`): the
    command's lines, the registry entries this process added and its notices' level and
    default handler."""
    return carried_lines(), added_entries(), carried_notices()


@contextlib.contextmanager
def worker_as_parent(carried: tuple | None):
    """In a pool's worker process, what `carried_to_workers` gave in its parent: its
    registry entries, its command's lines and its notices' settings; nothing changed for
    None (a run in the parent's own process).

    Parameters
    ----------
    carried : tuple or None
        `carried_to_workers`' answer in the parent.
    """
    if carried is None:
        yield
        return
    lines, added, notices = carried
    use_entries(added)
    notices_carried(notices)
    with lines_carried(lines):
        yield
