"""A large set shared by a pool's worker processes: the launcher writes the arrays it
checked once to a temporary folder and hands over read-only memory maps of them, so that
every process reads one copy (the system's file cache). Each worker loaded its own copy:
on MNIST-sized data 2 study workers held ~510 MB each, beside the launcher's, and spent
~7 s each loading it again (a capacity sweep's the same)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile

import numpy as np

#: A set over this many bytes of arrays reaches a pool's local workers as one shared,
#: mapped copy: each loaded its own (QA: MNIST's 220 MB in each of 2 study workers, ~7 s
#: each to load it). Below, the launcher's copy is handed over (joblib maps it past 1 MB).
SHARE_BYTES = 64 << 20

#: The fields of a `data.Dataset` that hold its splits (the scaling's stays as it is: tiny)
SPLITS = ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test")


def mapped_copy(dataset, folder: str):
    """A copy of ``dataset`` whose split arrays are read-only memory maps of ``.npy``
    files written to ``folder`` (bit for bit the same values).

    Parameters
    ----------
    dataset : Dataset
    folder : str
        An existing folder, which must outlive the copy's use.

    Returns
    -------
    Dataset
        joblib hands its arrays to worker processes by file name, not by value.
    """
    maps: dict[int, np.ndarray] = {}  # one file per array: xor's splits are one array
    arrays = {}
    for name in SPLITS:
        array = getattr(dataset, name)
        if id(array) not in maps:
            if array.size == 0:  # an empty file cannot be mapped (and costs nothing)
                maps[id(array)] = array
            else:
                path = os.path.join(folder, f"{name}.npy")
                np.save(path, np.ascontiguousarray(array), allow_pickle=False)
                # a plain ndarray over the map: arithmetic on it gives plain arrays, and
                # joblib still finds the map behind it
                maps[id(array)] = np.asarray(np.load(path, mmap_mode="r"))
        arrays[name] = maps[id(array)]
    return dataclasses.replace(dataset, **arrays)


def is_large(dataset) -> bool:
    """Whether ``dataset``'s arrays pass `SHARE_BYTES`: too large to copy into each worker.

    Parameters
    ----------
    dataset : Dataset
    """
    return sum(a.nbytes for a in vars(dataset).values() if hasattr(a, "nbytes")) > SHARE_BYTES


@contextlib.contextmanager
def shared_with_workers(dataset, large: bool):
    """``dataset`` as a pool's worker processes are given it, as a context manager.

    Parameters
    ----------
    dataset : Dataset or None
    large : bool
        Whether to share it through a file (a set too large to copy into each worker).

    Yields
    ------
    Dataset or None
        ``dataset`` itself (``large`` false), else a `mapped_copy` in a temporary folder
        removed on exit, or None where that folder could not be written (each worker
        then loads its own). The caller drops its own reference (``with ... as dataset``).
    """
    if not large or dataset is None:
        yield dataset
        return
    with contextlib.ExitStack() as stack:
        try:
            folder = stack.enter_context(tempfile.TemporaryDirectory(
                prefix="hplab-data-", ignore_cleanup_errors=True))
            shared = mapped_copy(dataset, folder)
        except OSError:  # a full or unwritable temporary folder: each loads its own, as before
            shared = None
        del dataset  # the maps are this process's only copy now
        yield shared
