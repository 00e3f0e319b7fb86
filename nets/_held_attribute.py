"""A process-wide hook (``threading.excepthook``, ``warnings.showwarning``) swapped for
hplab's while any call, of any thread, is inside, and put back by the last to leave."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["HeldAttribute"]

# one lock for every HeldAttribute of an attribute: two of them on warnings.showwarning
# (a study's and a report's) each read what the other set
_LOCKS: dict[tuple[int, str], threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


class HeldAttribute:
    """``owner.name`` set to ``make(before)`` while any call is inside: the first to
    `enter` sets it, the last to `leave` puts back the one from before, and only if the one
    set here is still there. (A snapshot per call left hplab's for good when calls in two
    threads ended in the other order, and undid what the host set meanwhile.)

    Two of them on one attribute may end in the other order (a study's run and a report's
    drawing, in two threads): the one left under the other's then passes everything on
    to the one from before, and the other, leaving last, puts back the one from before
    both.

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
        with _LOCKS_LOCK:
            self._lock = _LOCKS.setdefault((id(owner), name), threading.Lock())
        self._inside = 0
        self._hook = None  # the one set here (its hplab_held_before: the one it replaced)

    def enter(self) -> None:
        """A call begins: the first sets hplab's."""
        with self._lock:
            if self._inside == 0:
                before = _unheld(getattr(self.owner, self.name))
                made = self.make(before)

                def held(*args, **kwargs):
                    # left under another's (the two ended in the other order): no longer
                    # hplab's once no call is inside
                    return (made if self._inside else before)(*args, **kwargs)

                held.hplab_held_by, held.hplab_held_before = self, before
                self._hook = held
                setattr(self.owner, self.name, held)
            self._inside += 1

    def leave(self) -> None:
        """A call ends: the last puts back the one from before, if hplab's is still set."""
        with self._lock:
            self._inside -= 1
            if self._inside == 0 and getattr(self.owner, self.name) is self._hook:
                setattr(self.owner, self.name, _unheld(self._hook.hplab_held_before))


def _unheld(hook):
    """``hook`` without the hooks of HeldAttributes no call is inside of (each left under
    another's, which it wraps): the one they pass everything on to."""
    while getattr(hook, "hplab_held_by", None) is not None and hook.hplab_held_by._inside == 0:
        hook = hook.hplab_held_before
    return hook
