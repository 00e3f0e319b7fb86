"""Warning filters a call adds for its time and takes off again, by identity: what the
host program sets meanwhile (another thread, a notebook's next cell) stays.

``warnings.catch_warnings`` saves the process's whole filter list and puts it back: a
filter another thread added meanwhile was dropped (QA: 31 of the 49 a notebook added while
a study report drew in a thread). (data keeps a copy: it may not import nets.)
"""

from __future__ import annotations

import re
import threading
import warnings
from contextlib import contextmanager, suppress

__all__ = ["add_warning_filters", "filtered_warnings", "remove_warning_filters"]

_LOCK = threading.Lock()  # this module's changes, one at a time


class _AnyModule:
    """A filter entry's module pattern that matches every module, as ``None`` does, and is
    equal to nothing but itself: an entry made here equals no filter of the host's, so it
    is taken off in one step (``list.remove``, no Python code between finding it and
    deleting it: a host's filter inserted meanwhile shifted the index, and was deleted in
    its place), and the host's ``filterwarnings`` of an equal rule, which first removes an
    equal entry, leaves it alone."""

    __slots__ = ()
    # what a copier of the filters reads (scikit-learn's workers: filterwarnings(module=...)):
    # the pattern that matches every module
    pattern = ""

    def match(self, module: str) -> bool:
        return True

    def __repr__(self) -> str:
        return "hplab's (any module)"


def _entry(rule: tuple) -> tuple:
    """The filter entry of ``(action, category[, message])``, as `warnings.filterwarnings`
    makes it (the message a case-insensitive pattern matched at its start), its module
    pattern this entry's own (`_AnyModule`)."""
    action, category, *message = rule
    pattern = re.compile(message[0], re.I) if message and message[0] else None
    return (action, pattern, category, _AnyModule(), 0)


def add_warning_filters(*rules: tuple) -> list:
    """Put filters first, ahead of a user's "error" or "ignore"; return their entries.

    Parameters
    ----------
    *rules : tuple
        ``(action, category)`` or ``(action, category, message)``, as
        `warnings.filterwarnings` takes them; the first rule wins, as in
        ``warnings.filters``.

    Returns
    -------
    list
        The entries added: what `remove_warning_filters` takes. Inserted as they are,
        not through ``warnings.filterwarnings``, which moves an equal filter the user
        already had (it then could not be told from this call's own).
    """
    entries = [_entry(rule) for rule in rules]
    with _LOCK:
        for entry in reversed(entries):
            warnings.filters.insert(0, entry)
        _filters_changed()
    return entries


def remove_warning_filters(added: list) -> None:
    """Take filters off again, the rest left as they are, whatever changed around them.

    Parameters
    ----------
    added : list
        What `add_warning_filters` returned: each entry is found by identity, and
        removed if still there.
    """
    with _LOCK:
        for entry in added:
            with suppress(ValueError):  # gone already (the host reset the filters)
                warnings.filters.remove(entry)  # equal to itself only: `_AnyModule`
        _filters_changed()


@contextmanager
def filtered_warnings(*rules: tuple):
    """Warning filters for the time of a ``with`` block, taken off after it.

    Parameters
    ----------
    *rules : tuple
        As `add_warning_filters` takes them. (Like any warning filter, they hold for the
        whole process meanwhile, its other threads too.)
    """
    added = add_warning_filters(*rules)
    try:
        yield
    finally:
        remove_warning_filters(added)


def _filters_changed() -> None:
    # what warnings' own functions call after changing the list: "once"/"default" warnings
    # already shown are looked at again
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:
        mutated()
