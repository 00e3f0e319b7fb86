"""Stored studies read by name from a storage: one (``hplab study show``) and every one
(``hplab study list``), as `study_summary` says them."""

from __future__ import annotations

import os

import optuna

from ._folders import check_study_name
from ._open_study import open_study_storage
from ._storage import open_storage, release
from ._storage_errors import storage_errors
from ._storage_url import resolve_storage
from ._summary import study_summary
from ._worker import quiet_optuna


def show_study(name: str, storage: str | os.PathLike[str] | None = None, *, opened=None) -> dict:
    """`study_summary` of a stored study: `hplab study show --json` without its
    ``report_stale`` (the report is the reports package's: `reports.report_lags`).
    ``opened``: `open_study_storage`'s answer for it, left open (default: opened here).

    Parameters
    ----------
    name : str
        The stored study's name.
    storage : str or path, optional
        Any storage form `resolve_storage` takes (default ``runs/hplab.db``).
    opened : tuple, optional
        ``(study, where, storage)`` from `open_study_storage`.
    """
    check_study_name(name)
    study, where, store = opened or open_study_storage(name, storage)
    try:
        with storage_errors(where):
            return study_summary(study, where)
    finally:
        if opened is None:
            release(store)


def list_studies(storage: str | os.PathLike[str] | None = None) -> list[dict]:
    """One row per study in the storage: ``study`` (its name), ``dataset``, ``metrics``,
    ``n_trials``, ``n_finished``, ``n_complete``, ``n_pruned``, ``n_fail``, ``n_running``,
    ``n_stale`` (of those running, the ones whose worker stopped), ``best_value``.

    Parameters
    ----------
    storage : str or path, optional
        Any storage form `resolve_storage` takes (default ``runs/hplab.db``); read only.
    """
    where = resolve_storage(storage)
    with storage_errors(where), quiet_optuna():
        store = open_storage(where, read_only=True)
        rows = []
        try:
            for name in optuna.get_all_study_names(store):
                study = optuna.load_study(study_name=name, storage=store)
                summary = study_summary(study, where)
                rows.append({k: summary[k] for k in (
                    "study", "dataset", "metrics", "n_trials", "n_finished", "n_complete",
                    "n_pruned", "n_fail", "n_running", "n_stale", "best_value")})
        finally:
            release(store)
    return rows
