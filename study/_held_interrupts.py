"""Ctrl-C held where it would leave a trial nobody owns, and raised where it is safe."""

from __future__ import annotations

import _thread
import signal
import sys
import threading


class HeldInterrupts:
    """Ctrl-C reaches a worker only inside a trial's training, where the trial records it.

    Between creating a trial and entering it (or between leaving it and optuna's ``tell``)
    a KeyboardInterrupt would leave a RUNNING trial that nobody owns, counted against the
    budget until the heartbeat grace. There the interrupt is held and raised right after.
    Once one interrupt is raised, further ones are held too, until the next ``allow``.
    Only the main thread can own a signal handler; elsewhere this does nothing. An
    interrupt that does not come as SIGINT (SIGTERM to a background job, whose SIGINT is
    ignored) goes through `deliver`, and is held the same way. One raised where Python
    cannot raise it (a weakref callback or a ``__del__`` ran as it came: Python prints it
    and carries on) is delivered again (`_unraisable`). One that ends the process, or a
    pool worker's task (``deliver(..., final=True)``), is raised again at every later
    `allow` and on entering any `HeldInterrupts`: C code may drop it unsaid (a Cython
    module's import does). So is a stop the command line noted (`note_stop`: its SIGTERM or
    SIGHUP), until the outermost one exits: a single worker's run (``study run``, ``study
    worker``) ran every trial left after a dropped one. (A Ctrl-C dropped there is lost, as
    in any program: the next one stops it; a pool worker's is passed on as final.)
    """

    _active: list[HeldInterrupts] = []  # the main thread's, innermost last
    _final: type[KeyboardInterrupt] | None = None  # the interrupt ending this process
    # the interrupt stopping the work of the outermost HeldInterrupts (or the next one)
    _stopping: type[KeyboardInterrupt] | None = None

    def __init__(self):
        self._holding, self._pending, self._old = True, None, None
        self._raised = self._old_hook = None  # the interrupt raised last; the hook before

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            if HeldInterrupts._final is not None:  # the process (task) is ending: no new work
                raise HeldInterrupts._final
            if (stop := HeldInterrupts._stopping) is not None:  # nor is its work: no more
                if not HeldInterrupts._active:  # said here, to the work it stops
                    HeldInterrupts._stopping = None
                raise stop
            HeldInterrupts._active.append(self)
            old = signal.getsignal(signal.SIGINT)
            if old is signal.default_int_handler:  # leave ignored/custom handlers alone
                self._old = old
                signal.signal(signal.SIGINT, self._handler)
            self._old_hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        if self._old_hook is not None and sys.unraisablehook == self._unraisable:
            sys.unraisablehook = self._old_hook
        self._raised = None
        if HeldInterrupts._active and HeldInterrupts._active[-1] is self:
            HeldInterrupts._active.pop()
        if not HeldInterrupts._active:  # its work is over: a later run starts afresh
            HeldInterrupts._stopping = None
        self.allow()  # an interrupt held at the very end still stops the caller
        return False

    @staticmethod
    def deliver(frame=None, interrupt: type[KeyboardInterrupt] = KeyboardInterrupt, *,
                final: bool = False) -> None:
        """Interrupt the main thread as Ctrl-C would: held inside an active
        `HeldInterrupts`, raised anywhere else. ``interrupt``: a KeyboardInterrupt of
        another cause (a pool worker's parent died). ``final``: the process (SIGTERM) or
        a pool worker's task (Ctrl-C) is ending: the interrupt is raised again at every
        later `allow` and entry, until `forget_final`."""
        if final and HeldInterrupts._final is None:
            HeldInterrupts._final = interrupt
        if not HeldInterrupts._active:
            raise interrupt
        HeldInterrupts._active[-1]._interrupt(interrupt)

    @staticmethod
    def ending_sigint(signum, frame) -> None:
        """SIGINT handler of a process whose Ctrl-C ends its work (a pool worker's task):
        the interrupt is `deliver`ed as ``final``, raised again if C code drops it."""
        HeldInterrupts.deliver(frame, final=True)

    @staticmethod
    def note_stop(interrupt: type[KeyboardInterrupt] = KeyboardInterrupt) -> None:
        """A stop came (the command line's SIGTERM, before it is delivered): raised again at
        every later `allow`, entry and `raise_final` until the outermost `HeldInterrupts`
        exits, whether or not C code drops the one delivered."""
        if HeldInterrupts._stopping is None:
            HeldInterrupts._stopping = interrupt

    @staticmethod
    def forget_final() -> None:
        """No interrupt ends this process or stops its work (a pool worker starting a new
        task, a command starting)."""
        HeldInterrupts._final = HeldInterrupts._stopping = None

    @staticmethod
    def raise_final() -> None:
        """Raise the interrupt that ends this process, if one came (see `deliver`): a
        check for long work no `allow` interrupts, such as a trial's training. Held from
        then on, as one raised by the handler is (whether or not C code dropped that one):
        a copy waits while the trial records this one."""
        final = HeldInterrupts._final or HeldInterrupts._stopping
        if final is None:
            return
        if HeldInterrupts._active:
            HeldInterrupts._active[-1]._holding = True
        raise final

    @staticmethod
    def raise_held() -> None:
        """Raise now a stop held in the main thread, or one ending the process, if one
        came: for a wait that may not end, where no work has begun (a journal's write lock
        left by a crash). Held from then on, as one raised by the handler is."""
        if threading.current_thread() is not threading.main_thread():
            return
        active = HeldInterrupts._active[-1] if HeldInterrupts._active else None
        interrupt = ((active._pending if active is not None else None)
                     or HeldInterrupts._final or HeldInterrupts._stopping)
        if interrupt is None:
            return
        if active is not None:
            active._pending, active._holding = None, True
        raise interrupt

    def _handler(self, signum, frame):
        self._interrupt(KeyboardInterrupt)

    def _interrupt(self, interrupt: type[KeyboardInterrupt]) -> None:
        if self._holding:
            self._pending = self._pending or interrupt
        else:
            # one interrupt at a time: a second copy (a terminal's Ctrl-C reaches the
            # worker and its parent, which passes one on) must not cut short the trial's
            # "interrupted" record; it waits for the next allow()
            self._holding = True
            # the type a dropped one is delivered again as (`_unraisable`), if any
            self._raised, self._pending = (self._pending or interrupt)(), None
            raise self._raised

    def _unraisable(self, unraisable) -> None:
        """``sys.unraisablehook``: an interrupt raised in a weakref callback or a
        ``__del__`` is dropped there, and holding from then on, the worker ran every trial
        left. It is raised again instead, a moment later, from its SIGINT handler (from
        another thread: raised while this hook runs, it would be lost too) or from
        `ending_sigint`; without either (SIGINT ignored), at the next `allow`."""
        if unraisable.exc_value is None or unraisable.exc_value is not self._raised:
            self._old_hook(unraisable)
            return
        self._raised, self._pending = None, type(unraisable.exc_value)
        if self._old is not None or signal.getsignal(signal.SIGINT) is self.ending_sigint:
            self._holding = False
            later = threading.Timer(0.01, _thread.interrupt_main, (signal.SIGINT,))
            later.daemon = True
            later.start()

    def hold(self) -> None:
        """From now on, hold an interrupt until `allow`."""
        self._holding = True

    def allow(self) -> None:
        """Let interrupts through, first raising one held meanwhile."""
        self._holding = False
        if interrupt := self._pending or HeldInterrupts._final or HeldInterrupts._stopping:
            # raised as one from the handler is: a copy that follows (Ctrl-C passed on by
            # the parent, a death signal repeated) waits while the trial records this one
            self._pending, self._holding = None, True
            raise interrupt
