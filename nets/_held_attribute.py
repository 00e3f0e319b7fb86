"""A process-wide hook (``threading.excepthook``, ``warnings.showwarning``) swapped for
hplab's while any call, of any thread, is inside, and put back by the last to leave."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["HeldAttribute"]


class HeldAttribute:
    """``owner.name`` set to ``make(before)`` while any call is inside: the first to
    `enter` sets it, the last to `leave` puts back the one from before, and only if the one
    set here is still there. (A snapshot per call left hplab's for good when calls in two
    threads ended in the other order, and undid what the host set meanwhile.)

    Parameters
    ----------
    owner : object
        The module (or object) holding the attribute: ``threading``, ``warnings``.
    name : str
        The attribute: ``"excepthook"``, ``"showwarning"``.
    make : callable
        ``make(before)``: hplab's, given the one it replaces (to pass on what is not its).
    """

    def __init__(self, owner, name: str, make: Callable):
        self.owner, self.name, self.make = owner, name, make
        self._lock = threading.Lock()
        self._inside = 0
        self._held = (None, None)  # (the attribute before, the one set here)

    def enter(self) -> None:
        """A call begins: the first sets hplab's."""
        with self._lock:
            if self._inside == 0:
                before = getattr(self.owner, self.name)
                self._held = (before, self.make(before))
                setattr(self.owner, self.name, self._held[1])
            self._inside += 1

    def leave(self) -> None:
        """A call ends: the last puts back the one from before, if hplab's is still set."""
        with self._lock:
            self._inside -= 1
            if self._inside == 0 and getattr(self.owner, self.name) is self._held[1]:
                setattr(self.owner, self.name, self._held[0])
