"""joblib's loky backend for hplab's local pools (study workers, the analyses' runs).

Its worker processes start with SIGINT blocked: a terminal's Ctrl-C reaches the whole
process group, and one that lands while a worker is still importing (numpy, joblib, even
``site``) printed a KeyboardInterrupt traceback per worker. Blocked, it waits: a study
worker unblocks it once its handler is in place (`release_interrupts`) and so still stops
at once; an analysis worker never does, and is stopped by its parent. SIGHUP (a closed terminal:
the shell hangs up the whole group) stays blocked: it killed them mid-trial, and loky's
resource tracker; their parent stops them as for Ctrl-C. On Linux the
workers also get SIGTERM when the process that started them dies (kill -9, the OOM
killer): they went on running the study as orphans.
"""

from __future__ import annotations

import _thread
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time

from joblib.parallel import LokyBackend

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_MISSING = object()


@contextlib.contextmanager
def _interrupts_blocked():
    """SIGINT and SIGHUP blocked in this thread: the processes it starts inherit the
    block."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no masks, nothing inherited
        yield
        return
    from multiprocessing import resource_tracker

    # loky starts this tracker before its first worker, and the tracker's start unblocks
    # SIGINT (CPython's way of restoring the mask): started first, it leaves the block be;
    # SIGHUP, which it leaves blocked, it inherits
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
    try:
        resource_tracker.ensure_running()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def release_interrupts() -> None:
    """In a pool worker, with its SIGINT handler set: a Ctrl-C held since the process
    started is raised now (KeyboardInterrupt), later ones as they come."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def interrupt_main_soon(signum: int) -> None:
    """Raise ``signum``'s interrupt again in the main thread, 10 ms after this returns: for a
    ``sys.unraisablehook``, where a KeyboardInterrupt raised is dropped (one from a weakref
    callback or a ``__del__`` landed there). The delay counts from this call's end: a timer
    started here fired while the call still waited for the timer's thread to start (a
    loaded machine), into the hook, and that interrupt was dropped too.

    Parameters
    ----------
    signum : int
        The signal's number.
    """
    returned = threading.Event()

    def interrupt():
        returned.wait()
        time.sleep(0.01)
        _thread.interrupt_main(signum)

    threading.Thread(target=interrupt, daemon=True).start()
    returned.set()


def _end_with_parent(parent: int) -> None:
    """Worker initializer: SIGTERM to this process when its parent dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the line above: no signal will come
        signal.raise_signal(signal.SIGTERM)


class HeldStartLoky(LokyBackend):
    """`LokyBackend` whose workers start with SIGINT and SIGHUP blocked and end with this
    process.

    Workers are started in ``configure`` (a reused pool grown) and at the first
    ``submit``; loky's own thread, which restarts a lost one, is started there too and
    inherits the block.

    Parameters
    ----------
    **kwargs
        `LokyBackend`'s (``inner_max_num_threads``...).
    """

    def configure(self, *args, **kwargs):
        """joblib's ``configure``: build the process executor, its workers started with
        SIGINT and SIGHUP blocked (and, from the main thread, ended with this process).

        Parameters
        ----------
        *args, **kwargs
            `LokyBackend.configure`'s (``n_jobs``, ``parallel``...).

        Returns
        -------
        int
            The number of workers.
        """
        # the death signal comes when the *thread* that started a worker ends
        if threading.current_thread() is threading.main_thread():
            kwargs.update(initializer=_end_with_parent, initargs=(os.getpid(),))
        with _interrupts_blocked():
            n_jobs = super().configure(*args, **kwargs)
        self._executor = self._workers  # joblib lets go of it when the pool's run ends
        return n_jobs

    def kill_workers(self) -> None:
        """End the worker processes of the pool that ran: loky keeps them for this
        process's next pool, and one that a Ctrl-C stopped mid-import keeps its
        half-made modules (an AttributeError in sqlalchemy at the next study run)."""
        executor, self._executor = getattr(self, "_executor", None), None
        if executor is not None:
            executor.terminate(kill_workers=True)  # as joblib's abort: waits for them

    def worker_pids(self) -> list[int]:
        """The process ids of this pool's workers, as loky's executor holds them now (one
        it restarted included); safe in a signal handler: it takes no lock.

        ``_processes`` is loky's own (tests/test_nets_pool.py fails if a joblib lets it
        go); an executor without it gives this process's loky worker processes, which
        are this pool's unless another loky pool runs beside it.
        """
        executor = getattr(self, "_executor", None)
        if executor is None:  # no pool configured, or it was let go
            return []
        processes = getattr(executor, "_processes", _MISSING)
        if processes is not _MISSING:
            return list(processes or ())
        # not every child of the process: a notebook's own multiprocessing jobs are not
        # this pool's (a second Ctrl-C kills). Known by their class's module, not by an
        # import: a signal handler must not wait on the import lock
        return [p.pid for p in multiprocessing.active_children()
                if "loky" in type(p).__module__]

    def submit(self, *args, **kwargs):
        """joblib's ``submit`` (joblib >= 1.5 calls it), with SIGINT and SIGHUP blocked
        while it starts workers. Its own docstring: joblib 1.3's has none to inherit.

        Parameters
        ----------
        *args, **kwargs
            `LokyBackend.submit`'s (the function, its callback).

        Returns
        -------
        concurrent.futures.Future
        """
        with _interrupts_blocked():
            return super().submit(*args, **kwargs)

    def apply_async(self, *args, **kwargs):
        """joblib's ``apply_async`` (joblib < 1.5 calls it), with SIGINT and SIGHUP
        blocked while it starts workers.

        Parameters
        ----------
        *args, **kwargs
            `LokyBackend.apply_async`'s (the function, its callback).

        Returns
        -------
        object
            joblib's future of the call.
        """
        with _interrupts_blocked():
            return super().apply_async(*args, **kwargs)
