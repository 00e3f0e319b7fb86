"""Datasets a script registers by name (`register_dataset`): its own arrays, loaded by
`load` as a file's are (split, scaled, with every common option), so a study's spec and
an analysis name them as any set. Pool workers receive the entries with their tasks (the
study and analyses packages pass `BUILT_IN_DATASETS` to ``nets.carry_registry``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._dataset import DataError, Source
from ._files import _resolve_task
from ._registry import _PREFIX_NAMES, DATASETS, PREFIXES, Entry

#: the sets hplab itself defines: a script's entry is any other (its workers take those)
BUILT_IN_DATASETS = dict(DATASETS)
SCRIPT_KIND = "script"
_NOT_IN_NAMES = "?&=:,%/\\"  # what a name's options, path forms and escapes use


def _features(X, name: str, part: str) -> tuple[np.ndarray, tuple[str, ...] | None]:
    """``X`` as a 2-D array and its column names (a DataFrame's), else None."""
    columns = getattr(X, "columns", None)
    names = None if columns is None else tuple(str(c) for c in columns)
    X = np.array(X.to_numpy() if hasattr(X, "to_numpy") else X)  # a copy: load splits it
    if X.dtype.kind not in "uifb":
        raise DataError(f"{name}: the loader's {part} features are not numeric ({X.dtype}); "
                        "encode text columns as numbers first")
    return X, names


def _labels(y) -> np.ndarray:
    y = np.array(y.to_numpy() if hasattr(y, "to_numpy") else y)
    return y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y


def _source(name: str, got, task: str | None) -> Source:
    """The `Source` of what a loader returned: ``(X, y)`` or ``(X, y, X_test, y_test)``."""
    if not isinstance(got, tuple | list) or len(got) not in (2, 4):
        raise DataError(f"{name}: the registered loader must return (X, y) or (X, y, X_test, "
                        f"y_test), got {type(got).__name__}"
                        + (f" of {len(got)}" if isinstance(got, tuple | list) else ""))
    X, names = _features(got[0], name, "training")
    y = _labels(got[1])
    X_test = y_test = None
    if len(got) == 4:
        X_test, _ = _features(got[2], name, "test")
        y_test = _labels(got[3])
    if X.ndim == 2 and names is None:
        names = tuple(f"x{i + 1}" for i in range(X.shape[1]))
    return Source(X, y, X_test, y_test, _resolve_task(y, task), names or (),
                  info={"registered": name})


def register_dataset(name: str, loader: Callable[[], tuple], *, task: str | None = None,
                     description: str = "registered by a script") -> None:
    """Register ``loader`` as the dataset ``name``: `load`, a study's spec and the analyses
    then take ``name`` (with any common option: ``"mine?train_size=100"``), as a CSV file's.

    Parameters
    ----------
    name : str
        The set's name: not a built-in one, without ``? & = : , % / \\``. Registering it
        again replaces the entry (a notebook's cell run twice).
    loader : callable
        ``loader()`` returns ``(X, y)``, or ``(X, y, X_test, y_test)`` with a test set of
        its own; X a 2-D array or a DataFrame of numbers (its columns name the features),
        y labels or targets. Each load calls it; the split and the scaling follow the seed.
    task : {"classification", "regression"}, optional
        Overrides the guess from y (text, booleans or at most 50 whole numbers: classes).
    description : str
        What ``hplab data list`` says of it, in the script's process.

    Raises
    ------
    DataError
        A name that is taken by a built-in set or holds a reserved character; a loader
        that is not callable.
    """
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise DataError(f"dataset name must be a non-empty string without spaces at its "
                        f"ends, got {name!r}")
    if name in BUILT_IN_DATASETS or name in PREFIXES:
        own = ", ".join([*BUILT_IN_DATASETS, *_PREFIX_NAMES.values()])
        raise DataError(f"dataset {name!r} is hplab's own; register yours under a name of "
                        f"its own (built-in: {own})")
    if bad := [c for c in _NOT_IN_NAMES if c in name]:
        raise DataError(f"dataset name {name!r} holds {bad[0]!r}, which dataset names "
                        "reserve for options and paths")
    if not callable(loader):
        raise DataError(f"register_dataset({name!r}, loader): loader must be a function "
                        f"returning (X, y), got {type(loader).__name__}")
    if task is not None:
        _resolve_task(np.zeros(1), task)  # an unknown task is refused now, not at a load

    def build(rng, arg, data_dir):
        return _source(name, loader(), task)

    DATASETS[name] = Entry(build, SCRIPT_KIND, description)


def unknown_set(name) -> bool:
    """Whether ``name`` names no set this process knows (not a path form): a stored study's
    set that a script registered, in another process.

    Parameters
    ----------
    name : str
        A dataset name as `load` takes it, options (``?...``) included; any other object
        is not unknown (False).

    Returns
    -------
    bool
    """
    if not isinstance(name, str):
        return False
    base = name.strip().partition("?")[0]
    return bool(base) and base.partition(":")[0] not in PREFIXES and base not in DATASETS
