"""hplab's ``threading.excepthook`` while storage calls run: one for the process, held
while any call (of any thread) is inside."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["ThreadHook"]


class ThreadHook:
    """The first call to enter installs hplab's hook, the last to leave puts back the hook
    from before, and only if hplab's is still the one installed (a snapshot per call left
    hplab's hook for good when two calls in threads ended in the other order, and undid a
    hook the user set while a study ran in a thread)."""

    lock = threading.Lock()
    calls: list = []  # (token, where) of the calls inside, in the order they entered
    hooks: tuple = (None, None)  # (threading.excepthook before, the one set here)

    @classmethod
    def enter(cls, where, say: Callable) -> object:
        """Hold the hook for a call on storage ``where``; the token `leave` takes.

        ``say(args, wheres)`` tells a thread's death (``args`` as `threading.excepthook`
        gets them; ``wheres`` the storages of the calls inside) and returns True, or
        returns False for the hook from before to tell it. The first call's is used.
        """
        token = object()
        with cls.lock:
            if not cls.calls:
                before = threading.excepthook
                cls.hooks = (before, _hook(before, say))
                threading.excepthook = cls.hooks[1]
            cls.calls.append((token, where))
        return token

    @classmethod
    def leave(cls, token: object) -> None:
        """End the call of ``token``; the last to leave puts back the hook from before."""
        with cls.lock:
            cls.calls = [call for call in cls.calls if call[0] is not token]
            if not cls.calls and threading.excepthook is cls.hooks[1]:
                threading.excepthook = cls.hooks[0]


def _hook(before, say):
    def storage_one_line(args):
        with ThreadHook.lock:
            wheres = [where for _, where in ThreadHook.calls]
        if not wheres or not say(args, wheres):
            return before(args)
        return None

    return storage_one_line
