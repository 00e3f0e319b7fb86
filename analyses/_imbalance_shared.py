"""The imbalance benchmark's variants shared with local pool workers, one file each.

Each worker loaded every variant its runs named (`held_variant`), beside the benchmark's
own load of it: on MNIST-sized data at 1:20, 2 workers held 730-760 MB each and loaded the
set again (~3 s each). Where the runs go to local workers and a variant is over
`data.SHARE_BYTES`, the benchmark writes the arrays it loaded and checked once
(`data.mapped_copy`) and its runs carry the maps: the workers read one copy, the system's
file cache, bit for bit the arrays they would have loaded.
"""

from __future__ import annotations

import tempfile

import data


class SharedVariants:
    """``shared(ds)``: a mapped copy of variant ``ds`` for its runs' tasks, or None (not
    sharing, a small set, or a folder that cannot be written: each worker loads its own).
    A context manager: the folder is removed on exit."""

    def __init__(self, on: bool):
        self.on, self._folder = on, None

    def __call__(self, ds):
        if not (self.on and data.is_large(ds)):
            return None
        try:
            if self._folder is None:
                self._folder = tempfile.TemporaryDirectory(prefix="hplab-data-",
                                                           ignore_cleanup_errors=True)
            return data.mapped_copy(ds, tempfile.mkdtemp(dir=self._folder.name))
        except OSError:  # a full or unwritable temporary folder: loaded by reference
            return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._folder is not None:
            self._folder.cleanup()
        return False
