"""Warning filters for a ``with`` block, taken off after it by identity: what the host
program sets meanwhile (another thread) stays, which ``warnings.catch_warnings`` dropped.

A copy of `nets.filtered_warnings` (data may not import nets; a test checks they agree).
"""

from __future__ import annotations

import re
import threading
import warnings
from contextlib import contextmanager, suppress

_LOCK = threading.Lock()


@contextmanager
def filtered_warnings(*rules: tuple):
    """``rules`` (``(action, category[, message])``, the first winning) first in the
    warning filters for the block's time; then those entries taken off, the rest left."""
    added = [(action, re.compile(message[0], re.I) if message and message[0] else None,
              category, _AnyModule(), 0) for action, category, *message in rules]
    with _LOCK:
        warnings.filters[:0] = added
        _filters_changed()
    try:
        yield
    finally:
        with _LOCK:
            for entry in added:
                with suppress(ValueError):  # gone already (the host reset the filters)
                    warnings.filters.remove(entry)  # equal to itself only: `_AnyModule`
            _filters_changed()


class _AnyModule:
    """A module pattern matching every module, equal to nothing but itself (nets' says why)."""

    __slots__ = ()
    pattern = ""  # as a compiled pattern's, for copiers of the filters (scikit-learn's)

    def match(self, module: str) -> bool:
        return True

    def __repr__(self) -> str:
        return "hplab's (any module)"


def _filters_changed() -> None:
    # as warnings' own functions do: "once"/"default" warnings are looked at again
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:
        mutated()
