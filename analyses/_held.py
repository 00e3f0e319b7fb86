"""The one dataset a process holds for the runs of the analyses that spread them over
workers (capacity, scaling and imbalance).

Their tasks name their data instead of carrying it; the process that runs one (the
caller with one worker, else each worker) loads it through `held_dataset` and keeps it
for the next task. One dataset per process across all those analyses: another key drops
the held one before loading. Workers outlive the call (loky's for its idle timeout, a
Dask cluster's for its life), so the key also holds the files' `source_stamp`: a file
changed since is read again, not served from the old copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import data


def source_stamp(name: str) -> tuple:
    """``(path, st_mtime_ns, st_size, st_ino)`` of every file loading ``name`` reads (each
    file of an IDX folder; ``(path,)`` for a missing one); ``()`` for a built-in set."""
    try:
        paths = data.source_paths(name)
    except data.DataError:  # loading it says what is wrong
        return ()
    files = [f for p in paths for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    return tuple(_stat(f) for f in files)


def _stat(path: Path) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return (str(path),)
    return str(path), st.st_mtime_ns, st.st_size, st.st_ino


class HeldDataset:
    """``held(key, name, load)``: the dataset ``load()`` returned for ``key`` and the
    current files of ``name``, loaded again when either differs from the held one's."""

    def __init__(self):
        self._held: tuple[Any, Any] | None = None  # (key, dataset): one read, thread-safe

    def __call__(self, key: Any, name: str, load: Callable[[], Any]):
        full = (key, source_stamp(name))
        held = self._held
        if held is not None and held[0] == full:  # compared, not hashed: any label will do
            return held[1]
        held = self._held = None  # both references dropped before loading: never two copies
        ds = load()
        self._held = (full, ds)
        return ds

    @property
    def key(self):
        """The held dataset's key, without its files' stamp (None: nothing held)."""
        held = self._held
        return None if held is None else held[0][0]

    def cache_clear(self) -> None:
        """Drop the held dataset (the name `analyses._analysis_data.releasing` calls)."""
        self._held = None


#: This process's held dataset; each analysis empties it here when it returns.
held_dataset = HeldDataset()


def held_load(name: str, seed: int) -> data.Dataset:
    """``data.load(name, seed=seed)`` through `held_dataset`."""
    return held_dataset(("load", name, seed), name, lambda: data.load(name, seed=seed))
