"""BLAS threads for training: one for the steps of small nets, the default otherwise.

On small products a second BLAS thread gains little and costs much: after each
product it spins on the other core, and every elementwise step that follows runs
slower (the SGD update ~5x). The scoring at checkpoints multiplies thousands of
rows at once and keeps the default.

BLAS threads are a setting of the whole process, so trainings that overlap in
Python threads (a threaded GridSearchCV) share one limit: the first to start sets
it, the last to end puts the threads from before it back, and scoring raises it
only while no other training is stepping. The first and the last are often different
threads (a study in a background thread, a training in the main one); threadpoolctl
>= 3.8 lets one Python thread at a time set OpenBLAS's threads and silently drops the
others' sets, so each set here hands that control back (:func:`_let_go`), and the
restore is read back: one that did not take is retried when the next training ends,
never recorded as the threads "from before".
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import warnings

import threadpoolctl
from threadpoolctl import ThreadpoolController

from ._cores import cores, worker_processes  # noqa: F401 (nets imports them from here)
from ._user_line import user_stacklevel

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
# active: the trainings stepping on one thread, each by its key (a dict: one C call counts
# a training out, see _StepThreads); original: each BLAS library's threads from before the
# first of them, kept until they are put back; owed: (original, left_at) when a restore
# did not take
_shared = {"active": {}, "original": None, "owed": None}


@functools.cache
def _controller() -> ThreadpoolController:
    # made once: a new controller scans every loaded library (~0.3 ms), a limit
    # through this one costs ~10 us
    return ThreadpoolController()


def _blas_libs() -> list:
    return [lib for lib in _controller().lib_controllers if lib.user_api == "blas"]


def _read_blas() -> tuple:
    return tuple(lib.get_num_threads() for lib in _blas_libs())


def _let_go() -> None:
    """Give back threadpoolctl's control of OpenBLAS's threads if this thread took it.

    threadpoolctl >= 3.8 lets only the first Python thread that sets them set them
    again, until it leaves a ``with threadpool_limits``; the sets of every other thread
    are dropped without a word. The sets here are not in a ``with`` (one thread lowers,
    another may restore), so they give the control back at once: otherwise a study's
    thread that lowered first left the main thread's restore dropped (the whole process
    on one thread for good), and a main thread that trained first left a background
    training stepping on the default threads (other bits than the same run alone).
    Inside this thread's own ``with threadpool_limits`` the control stays: its exit
    gives it back.
    """
    clear = getattr(getattr(threadpoolctl, "OpenBLASController", None),
                    "clear_controlling_thread", None)
    ownership = getattr(threadpoolctl, "CONTROLLING_THREAD_OWNERSHIP", None)
    if clear is not None and getattr(ownership, "count", 0) <= 0:
        clear()  # a no-op unless this thread holds the control


def _set_blas(counts) -> None:
    for lib, n in zip(_blas_libs(), counts, strict=True):
        lib.set_num_threads(n)
    _let_go()


class _StepThreads:
    """The training steps of a small net: one BLAS thread, shared by overlapping runs.

    A Ctrl-C runs Python's handler at a function's start or a call's return: one landing at
    the end of a ``with``'s ``__enter__`` (counted, the ``with`` not yet entered) or at the
    start of its ``__exit__`` left the training counted for good, and every later training
    of the process (a notebook's, after a Ctrl-C) kept BLAS on one thread, scoring too. So
    `train` calls `enter` inside a ``try`` whose ``finally`` first calls `leave`, a C call
    (no Python frame, no point for the handler) that counts the training out if `enter`
    counted it, then `restore`. ``original`` is kept from before the threads are lowered
    until they are put back: a Ctrl-C that lands while they are put back leaves them
    lowered until the next training puts them back (at its start, a large net's; at its
    end, a small one's), never taken for the threads "from before".
    """

    def __init__(self):
        key = object()
        self._key = key
        # dict.pop through a C partial: counted out at once, or no-op if never counted in
        self.leave = functools.partial(_shared["active"].pop, key, None)

    def enter(self) -> None:
        """Count this training in, lowering BLAS to one thread if it is the first."""
        with _lock:
            active = _shared["active"]
            if not active:
                if _shared["original"] is None:  # else not yet put back: still the "before"
                    now, owed = _read_blas(), _shared["owed"]
                    # a restore that did not take left the threads at left_at: that is not
                    # "from before" (it would be restored for good); a change made since is
                    _shared["original"] = owed[0] if owed and owed[1] == now else now
                    _shared["owed"] = None
                _set_blas([1] * len(_shared["original"]))
            active[self._key] = None  # last, and no call after it before the lock's exit

    def restore(self) -> None:
        """Put the threads from before back if no training steps any more (after `leave`)."""
        _put_back()

    def __enter__(self):  # for callers that take the small risk above; `train` does not
        self.enter()
        return self

    def __exit__(self, *exc):
        self.leave()
        self.restore()
        return False


def _put_back() -> None:
    """The threads from before back, if they are lowered and no training steps."""
    with _lock:
        original = _shared["original"]
        if _shared["active"] or original is None:
            return
        _set_blas(original)
        left_at = _read_blas()
        _shared["original"] = None
        if left_at == original:
            return
        _shared["owed"] = (original, left_at)  # another thread's threadpool_limits
    warnings.warn(f"BLAS threads left at {min(left_at)}, not the {min(original)} from "
                  "before this training: another thread holds them with threadpoolctl; "
                  "the next training's end puts them back", RuntimeWarning,
                  stacklevel=user_stacklevel())


class _DefaultThreads(contextlib.nullcontext):
    """The training steps of a large net: the BLAS threads as they are (put back first,
    if a Ctrl-C stopped a small net's training before it put them back)."""

    def enter(self) -> None:
        _put_back()

    def leave(self) -> None:
        pass

    def restore(self) -> None:
        pass


# the variables a user sets a BLAS's threads with: a count set there is kept as it is
_SET_BY_USER = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "MKL_NUM_THREADS",
                "BLIS_NUM_THREADS", "OMP_NUM_THREADS")
# cores: this process's, once counted (0: BLAS threads set by the user, left alone);
# seen: the BLAS libraries' files already held to them
_capped = {"cores": None, "seen": set()}


def _cap_to_cores(libs=None) -> None:
    """BLAS threads above `cores` lowered to it: each library once, when a training or
    :func:`blas_threads` first sees it (``libs``: a scan made under ``_lock``).

    OpenBLAS counts the affinity's cores at load but not a container's CPU quota: in
    ``docker run --cpus 2`` on a 64-core host it took 64 threads, which wait for 2 CPUs'
    time (QA). Where nothing limits the cores, the library already takes them: no change,
    no other bits. Once a library, so a limit set later (``threadpool_limits``) is the
    user's; never where a variable sets the threads (``OPENBLAS_NUM_THREADS``).
    """
    if libs is None:
        if _capped["cores"] is not None:
            return  # the cheap path of every training after the first
        with _lock:
            _cap_to_cores(ThreadpoolController().select(user_api="blas").lib_controllers)
        return
    if _capped["cores"] is None:
        _capped["cores"] = 0 if any(os.environ.get(name) for name in _SET_BY_USER) \
            or _shared["active"] or _shared["original"] is not None else cores()
    n, seen = _capped["cores"], _capped["seen"]
    for lib in libs:
        if n and lib.filepath not in seen and lib.get_num_threads() > n:
            lib.set_num_threads(n)
        seen.add(lib.filepath)
    _let_go()


def step_threads(sizes, batch_size: int):
    """Steps' threads for a net with layer ``sizes``: call ``enter()`` in a ``try`` whose
    ``finally`` calls ``leave()`` then ``restore()`` (or use it as a context manager)."""
    _cap_to_cores()
    return _DefaultThreads() if wide_steps(sizes, batch_size) else _StepThreads()


def wide_steps(sizes, batch_size: int) -> bool:
    """Whether a net with layer ``sizes`` steps on every BLAS thread at ``batch_size`` rows
    a step (a step's largest product has `SMALL_STEP_FLOPS` multiply-adds or more): its
    weights' last bits then depend on the thread count.

    Parameters
    ----------
    sizes : sequence of int
        The net's layer sizes, inputs first.
    batch_size : int
        Rows a step.
    """
    largest = max(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    return batch_size * largest >= SMALL_STEP_FLOPS


def on_default_threads(steps, score):
    """``score()`` inside ``steps`` (from :func:`step_threads`), on the BLAS threads from
    before it, unless another training steps at the same time (then on one); its result.

    A call, not a context manager: the lock is held by a ``with`` around the call, which no
    KeyboardInterrupt leaves it held by. A generator's lock held across its ``yield`` was
    left held by a Ctrl-C landing in contextlib's ``__enter__`` or ``__exit__`` (Python
    code, where the signal's handler runs), and the steps' exit then waited on it for good:
    a study worker hung on its first Ctrl-C (a few in a thousand landing mid-training).
    """
    if not isinstance(steps, _StepThreads):
        return score()
    with _lock:
        if len(_shared["active"]) == 1:  # held while scoring: no training starts or ends under
            # the raised limit, the fewest of the libraries' threads (threadpoolctl's
            # original count; None: no BLAS library seen)
            original = min(_shared["original"], default=None)
            with _controller().limit(limits=original, user_api="blas"):
                return score()
    return score()  # others step: score on one thread, and let them go on


def blas_threads() -> list[dict]:
    """The BLAS libraries loaded: ``library``, ``version``, ``threads``, the count a
    training's wide steps and its scoring take (a saved run records it: another count
    changes a wide net's last bits), and ``kernels``, the processor kernels the library
    chose (OpenBLAS's core type, ``"Haswell"``, which ``OPENBLAS_CORETYPE`` overrides;
    None where the library says none): other kernels, other last bits. In the order of
    their files' paths. While small nets step on one thread, the count from before them."""
    with _lock:
        held = {}
        if _shared["active"]:
            held = dict(zip((lib.filepath for lib in _blas_libs()), _shared["original"],
                            strict=True))
        # a new scan: the cached controller knows only the libraries loaded before it
        # (scipy's own OpenBLAS may come later), and its order is the load order's
        loaded = ThreadpoolController().select(user_api="blas").lib_controllers
        _cap_to_cores(loaded)  # the count trainings take (scipy's, loaded since, too)
        return [{"library": lib.internal_api, "version": lib.version,
                 "threads": int(held.get(lib.filepath, lib.get_num_threads())),
                 "kernels": getattr(lib, "architecture", None)}
                for lib in sorted(loaded, key=lambda lib: lib.filepath)]
