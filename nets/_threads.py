"""BLAS threads for training: one for the steps of small nets, the default otherwise.

On small products a second BLAS thread gains little and costs much: after each
product it spins on the other core, and every elementwise step that follows runs
slower (the SGD update ~5x). The scoring at checkpoints multiplies thousands of
rows at once and keeps the default.

BLAS threads are a setting of the whole process, so trainings that overlap in
Python threads (a threaded GridSearchCV) share one limit: the first to start sets
it, the last to end puts the threads from before it back, and scoring raises it
only while no other training is stepping.
"""

from __future__ import annotations

import contextlib
import functools
import threading

from threadpoolctl import ThreadpoolController

# Below this many multiply-adds in a step's largest product, steps take one BLAS thread.
# On an idle 2-core VM a second thread paid from ~2.5M up (6.4M: 1.2x faster; another
# session measured one thread 1.06x faster there), but on a busy machine (load 5 on 2
# cores) it made the same 784-64 steps 2-30x slower: each small product waits for a
# thread the scheduler has not run. A 20 % gain when idle is not worth that risk, so the
# line stays at 10M, where products are long enough to absorb the wait. Bits depend on
# the thread count, so this is a fixed rule, never a timing taken at run time (see
# benchmarks/README.md).
SMALL_STEP_FLOPS = 10_000_000

_lock = threading.Lock()
_shared = {"active": 0, "limiter": None}  # trainings stepping on one thread, their limit


@functools.cache
def _controller() -> ThreadpoolController:
    # made once: a new controller scans every loaded library (~0.3 ms), a limit
    # through this one costs ~10 us
    return ThreadpoolController()


class _StepThreads:
    """The training steps of a small net: one BLAS thread, shared by overlapping runs."""

    def __enter__(self):
        with _lock:
            if _shared["active"] == 0:
                _shared["limiter"] = _controller().limit(limits=1, user_api="blas")
            _shared["active"] += 1
        return self

    def __exit__(self, *exc):
        with _lock:
            _shared["active"] -= 1
            if _shared["active"] == 0:
                _shared["limiter"].restore_original_limits()
                _shared["limiter"] = None
        return False


def step_threads(sizes, batch_size: int):
    """Context for the training steps of a net with layer ``sizes``."""
    largest = max(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    if batch_size * largest >= SMALL_STEP_FLOPS:
        return contextlib.nullcontext()
    return _StepThreads()


@contextlib.contextmanager
def default_threads(steps):
    """Inside ``steps`` (from :func:`step_threads`): the BLAS threads from before it,
    unless another training steps at the same time (then it stays at one)."""
    if not isinstance(steps, _StepThreads):
        yield
        return
    _lock.acquire()
    if _shared["active"] != 1:  # others step: score on one thread, and let them go on
        _lock.release()
        yield
        return
    try:  # held while scoring: no training starts or ends under the raised limit
        original = _shared["limiter"].get_original_num_threads()["blas"]
        with _controller().limit(limits=original, user_api="blas"):
            yield
    finally:
        _lock.release()
