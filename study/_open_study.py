"""Opening a stored study to read it: its name checked, its storage opened read-only
(no file made), its stored spec checked, then Optuna's study over it. `study_summary`
(`study._summary`) says what it holds."""

from __future__ import annotations

import os

import optuna

from ._folders import check_study_name
from ._storage import open_storage
from ._storage_errors import storage_errors
from ._storage_url import StorageURL, resolve_storage
from ._worker import quiet_optuna


def open_study(name: str,
               storage: str | os.PathLike[str] | None = None) -> tuple[optuna.Study, StorageURL]:
    """Load stored study ``name`` to read it; creates no file.

    Parameters
    ----------
    name : str
        The study, as stored.
    storage : str or path, optional
        Any form `resolve_storage` takes (default `DEFAULT_STORAGE`).

    Returns
    -------
    (optuna.Study, StorageURL) : tuple
        The study and where it is. The study is Optuna's own, not a read-only view:
        writes through it (``set_user_attr``, ``enqueue_trial``, ``tell``) go to the
        storage as any Optuna study's do.

    Raises
    ------
    StorageError
        No such study, one hplab did not make, or an unreachable storage.
    SpecError
        Its stored spec does not pass this version's checks. One that names an activation
        (an initializer...) registered only in the process that ran it opens: its trials
        read as stored (`study.unregistered_names` says which it lacks).
    """
    return open_study_storage(name, storage)[:2]


def open_study_storage(name: str, storage: str | os.PathLike[str] | None = None):
    """`open_study` and its storage, for callers that `release` it when done: (study,
    where, storage).

    Parameters
    ----------
    name : str
        The stored study's name.
    storage : str or path, optional
        Any storage form `resolve_storage` takes (default ``runs/hplab.db``); opened read only.
    """
    from ._stored_spec import readable_study

    check_study_name(name)  # before the storage opens
    where = resolve_storage(storage)
    with storage_errors(where), quiet_optuna():
        store = open_storage(where, read_only=True)
        readable_study(name, where, store)
        return optuna.load_study(study_name=name, storage=store), where, store
