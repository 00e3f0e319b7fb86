"""``~`` in a path: the one expansion every path hplab reads goes through (a dataset's
files, a storage's file, the command line's path flags)."""

from __future__ import annotations

from pathlib import Path


def expand_home(path) -> Path:
    """``path`` with a leading ``~`` or ``~user`` expanded; a name that only starts with
    '~' (``~backup.db``, no such user) stays a name (`Path.expanduser` raised
    RuntimeError for it: a traceback).

    Parameters
    ----------
    path : str or path
    """
    path = Path(path)
    try:
        return path.expanduser()
    except RuntimeError:
        return path
