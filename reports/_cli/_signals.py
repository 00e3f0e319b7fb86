"""The signals a command watches for while it writes (a C extension may turn a Ctrl-C into
its own error), and the process's stop, as hplab.py hands it to `run_command`."""

from __future__ import annotations

import contextlib
import os
import signal
import threading

#: The process's stop, as hplab.py's main handed it to `run_command` (see there): its signal
#: handlers are hplab.py's, installed before any package is imported, and reports may not
#: import hplab.py. None before a command runs: Ctrl-C alone is then a stop. Kept here, not
#: passed: a command is ``func(args)``, and what reads it (`ended_by` in a study's stop,
#: `SignalsSeen` in `_output.write_report`) lies beneath several commands' bodies.
_handed = None


def hand(stops) -> None:
    """Keep ``stops`` (`run_command`'s) for the command's code."""
    global _handed
    _handed = stops


def ended_by() -> str:
    """What stopped the command: "interrupted" (Ctrl-C), "terminated" or "hung up"."""
    return _handed.ended_by() if _handed is not None else "interrupted"


class SignalsSeen:
    """The signals that reach this process in the block, whatever their handlers do with
    them (a C extension may turn the KeyboardInterrupt of one into its own error, its cause
    lost): read through the wakeup fd, so no handler is changed. POSIX, main thread."""

    def __init__(self):
        self._numbers, self._pipe, self._old = set(), None, None

    def __enter__(self):
        return self.open()

    def open(self) -> SignalsSeen:
        """Start watching (see `close`)."""
        if os.name == "posix" and threading.current_thread() is threading.main_thread():
            try:
                self._pipe = os.pipe()
                for fd in self._pipe:
                    os.set_blocking(fd, False)
                self._old = signal.set_wakeup_fd(self._pipe[1], warn_on_full_buffer=False)
            except BaseException:
                self.close()
                raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def stopping(self) -> bool:
        """Whether Ctrl-C, SIGTERM or SIGHUP came so far."""
        self._read()
        return bool(self._numbers & {signal.SIGINT, *getattr(_handed, "signals", ())})

    def _read(self) -> None:
        if self._pipe is not None:
            with contextlib.suppress(BlockingIOError):
                self._numbers.update(os.read(self._pipe[0], 4096))

    def close(self) -> None:
        """Stop watching (what came is kept); again, nothing."""
        if self._pipe is None:
            return
        self._read()
        pipe, self._pipe = self._pipe, None
        if self._old is not None:
            signal.set_wakeup_fd(self._old)
        for fd in pipe:
            os.close(fd)


def interrupt_in(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is among ``exc``'s causes (``raise ... from``, or an
    exception raised while handling it)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
