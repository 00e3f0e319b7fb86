"""hplab's ``threading.excepthook`` while storage calls run: one for the process, held
while any call (of any thread) is inside."""

from __future__ import annotations

import threading
from collections.abc import Callable

from nets import HeldAttribute

__all__ = ["ThreadHook"]


class ThreadHook:
    """The storages of the calls inside, for the hook to name; the hook itself held by a
    `nets.HeldAttribute` (set by the first call, put back by the last, if still hplab's)."""

    lock = threading.Lock()
    calls: list = []  # (token, where) of the calls inside, in the order they entered
    held: HeldAttribute | None = None

    @classmethod
    def enter(cls, where, say: Callable) -> object:
        """Hold the hook for a call on storage ``where``; the token `leave` takes.

        ``say(args, wheres)`` tells a thread's death (``args`` as `threading.excepthook`
        gets them; ``wheres`` the storages of the calls inside) and returns True, or
        returns False for the hook from before to tell it. The first call's is used.
        """
        token = object()
        with cls.lock:
            cls.calls.append((token, where))
            if cls.held is None:
                cls.held = HeldAttribute(threading, "excepthook",
                                         lambda before: _hook(before, say))
        cls.held.enter()
        return token

    @classmethod
    def leave(cls, token: object) -> None:
        """End the call of ``token``; the last to leave puts back the hook from before."""
        with cls.lock:
            cls.calls = [call for call in cls.calls if call[0] is not token]
        cls.held.leave()


def _hook(before, say):
    def storage_one_line(args):
        with ThreadHook.lock:
            wheres = [where for _, where in ThreadHook.calls]
        if not wheres or not say(args, wheres):
            return before(args)
        return None

    return storage_one_line
