"""Optuna's schema check on opening an RDB storage, with its head revision learned once.

``RDBStorage`` compares a database's schema revision with the head revision of the
installed optuna at every open, and learns that head by loading alembic's ~30 migration
scripts: 40-75 ms an open, for a value that cannot change while optuna is imported. Here
the storage opens with that check skipped and is checked against the head learned at the
first open of this process.
"""

from __future__ import annotations

import optuna

_HEAD: list[str] = []  # the installed optuna's schema head, learned at the first open


def open_rdb_storage(url: str, **kwargs) -> optuna.storages.RDBStorage:
    """``optuna.storages.RDBStorage(url, **kwargs)``, schema checked as optuna checks it.

    A database of another schema (an older optuna made it, or a newer one upgraded it) is
    opened again with optuna's own check, which raises its ``RuntimeError`` that says what
    to do: ``optuna storage upgrade`` or a newer optuna.
    """
    storage = optuna.storages.RDBStorage(url, skip_compatibility_check=True, **kwargs)
    if not _HEAD:
        _HEAD.append(storage.get_head_version())
    if storage.get_current_version() == _HEAD[0]:
        return storage
    storage.engine.dispose()
    return optuna.storages.RDBStorage(url, **kwargs)
