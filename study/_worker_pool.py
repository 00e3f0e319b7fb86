"""A study's trials on a pool of local worker processes (joblib's loky backend): each
worker's signals (Ctrl-C records its trial as interrupted; its parent's death ends it), and
the first Ctrl-C of the command passed on to them."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time

from ._record import ParentDied
from ._worker import HeldInterrupts, run_worker


def timed_worker(timeout: float | None, *args, **kwargs) -> tuple[int, bool]:
    """`run_worker` with the spec's ``timeout`` (which it counts from when it can start
    trials); returns the trials it ran and whether the timeout passed."""
    started = time.time()  # its deadline is this or later: past it, it had passed
    ran = run_worker(*args, timeout=timeout, **kwargs)
    return ran, timeout is not None and time.time() >= started + timeout


def _parent_gone(parent: int, wait: float = 1.0) -> bool:
    """Whether this process's parent ``parent`` died, waiting up to ``wait`` seconds to be
    sure: the death signal comes as the parent's thread that started this process exits,
    and while its other threads are still dying this process is still theirs (a parent
    killed with SIGKILL was taken for a `kill` of this worker)."""
    end = time.monotonic() + wait
    while os.getppid() == parent:
        if time.monotonic() >= end:
            return False
        time.sleep(0.01)
    return True


def _pool_worker(timeout: float | None, *args, carried=None, **kwargs) -> tuple[int, bool]:
    """`timed_worker` in a pool process. An interrupt ends it normally (-1 trials), so
    joblib does not kill its siblings while they close their own trials; it ends the task
    even if C code drops it (`HeldInterrupts.deliver`'s ``final``). SIGTERM (sent when the
    parent dies) interrupts it the same way, then ends the process. ``carried``: its
    parent's `nets.carried_to_workers` (its warnings name the command, as the parent's do;
    an activation the caller registered is known)."""
    from nets import interrupt_main_soon, release_interrupts, worker_as_parent

    in_main = threading.current_thread() is threading.main_thread()
    terminated, parent = [], os.getppid()

    def terminate(signum, frame):
        terminated.append(signum)
        # its trial records the interrupt, as for Ctrl-C; and why, when the parent is gone.
        # Final: raised once more wherever the worker goes on, if C code dropped it (as a
        # Cython module's import does, lazily importing numpy.random in the sampler: the
        # orphan then ran the study's every trial left)
        HeldInterrupts.deliver(frame, ParentDied if _parent_gone(parent) else
                               KeyboardInterrupt, final=True)

    def lost(unraisable):
        # an interrupt raised while a weakref callback or a __del__ ran (the garbage an
        # import leaves, outside any trial) is printed and dropped there: the orphan then
        # ran the study's every trial left. Delivered again, a moment later, from another
        # thread (raised while this hook runs, it would be dropped too)
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            old_hook(unraisable)
            return
        interrupt_main_soon(signal.SIGTERM if terminated else signal.SIGINT)

    if in_main:
        # a worker loky reuses (a notebook's next pool) starts with no interrupt pending
        HeldInterrupts.forget_final()
        # a Ctrl-C ends this task (-1 trials): final, as SIGTERM's, so that one C code
        # dropped is raised again at the next safe point and checkpoint (the parent passes
        # on a single copy: lost, the worker ran every trial left while the command waited)
        signal.signal(signal.SIGINT, HeldInterrupts.ending_sigint)
        signal.signal(signal.SIGTERM, terminate)
        old_hook, sys.unraisablehook = sys.unraisablehook, lost
        # this process is the pool's: a Ctrl-C landing while SQLAlchemy's pool resets a
        # connection is logged there with a traceback, above the command's "interrupted"
        # (as `hplab` quiets its own process)
        logging.getLogger("sqlalchemy.pool").setLevel(logging.CRITICAL)
    try:
        if in_main:  # a Ctrl-C that came while this process started is raised here
            release_interrupts()
        with worker_as_parent(carried):
            return timed_worker(timeout, *args, **kwargs)
    except KeyboardInterrupt:
        return -1, False
    finally:
        if in_main:  # back in loky's idle loop, a late copy of Ctrl-C must not kill us
            # SIGTERM first: one landing in here ends the process (its handler, raising
            # out of this block, left it alive in loky's loop, refusing every later task)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            sys.unraisablehook = old_hook
            if terminated:  # its parent is gone (or it was asked to end): end now
                signal.raise_signal(signal.SIGTERM)


class _FirstInterruptToWorkers:
    """While the pool runs, a first Ctrl-C is passed on to the worker processes, which
    record their trials as interrupted and return; a second one kills them, which aborts
    the pool at once. (A terminal's Ctrl-C already reaches the whole process group: the
    copy is harmless, workers hold interrupts outside their trials and while they record
    one.)

    ``worker_pids`` gives the pool's own workers, read at each Ctrl-C: only they get it.
    Every child of the process did, a notebook's own ones too (a `multiprocessing` job, a
    dask LocalCluster), and a second interrupt SIGKILLed them.
    """

    def __init__(self, worker_pids):
        self.interrupted, self._old, self._worker_pids = False, None, worker_pids

    def __enter__(self):
        # a background job's ignored SIGINT (or a caller's own handler) stays as it is
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self._old = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        return False

    def _handler(self, signum, frame):
        # never a KeyboardInterrupt raised here: Python runs the handler between any two
        # bytecodes, and one raised inside loky's `with shutdown_lock:` left the lock held;
        # the command printed "interrupted", then hung at exit on it (a weakref callback)
        stop = getattr(signal, "SIGKILL", signal.SIGTERM) if self.interrupted else signal.SIGINT
        self.interrupted = True
        for pid in self._worker_pids():
            with contextlib.suppress(OSError):
                os.kill(pid, stop)


def run_on_pool(spec, where, workers, run_id, threads, dataset) -> bool:
    """Run ``spec``'s study on a pool of ``workers`` processes, all training on
    ``dataset`` (the data this process loaded and checked); whether the spec's timeout
    ended any of them."""
    from joblib import Parallel, delayed

    from nets import HeldStartLoky, carried_to_workers

    backend = HeldStartLoky()
    with _FirstInterruptToWorkers(backend.worker_pids) as guard:
        try:
            ran = Parallel(n_jobs=workers, backend=backend)(
                delayed(_pool_worker)(spec.timeout, spec, where.absolute(), run_id=run_id,
                                      threads=threads, dataset=dataset,
                                      carried=carried_to_workers())
                for _ in range(workers))
        except Exception:
            # a second Ctrl-C killed the workers; or, where workers cannot hold a Ctrl-C
            # until their handler is set (Windows), one that reached them still starting
            # broke the pool: an interrupt all the same
            if not guard.interrupted:
                raise
            ran = None
        interrupted = guard.interrupted or any(n == -1 for n, _ in ran)
        if interrupted:
            # its workers returned, but one may have been stopped while importing (optuna,
            # sqlalchemy): not reused by the next run in this process (a notebook's). In
            # the guard: a Ctrl-C must not break into loky's locks here either
            backend.kill_workers()
    if interrupted:
        raise KeyboardInterrupt
    return any(timed_out for _, timed_out in ran)
