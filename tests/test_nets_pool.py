"""hplab's loky backend: which processes are its pool's workers (a Ctrl-C goes to them)."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import types

from joblib import Parallel, delayed

from nets._pool import HeldStartLoky


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_a_configured_pools_executor_holds_its_live_worker_pids():
    # worker_pids reads loky's private _processes: a joblib that renames or drops it must
    # fail here, not leave a notebook's Ctrl-C reaching no worker
    backend = HeldStartLoky()
    assert backend.worker_pids() == []  # before configure: no pool
    seen = []
    peek = threading.Timer(1.0, lambda: seen.append(
        (dict(backend._executor._processes), backend.worker_pids())))
    peek.start()
    ran = Parallel(n_jobs=2, backend=backend)(delayed(_pid_after)(2.0) for _ in range(2))
    peek.join()
    processes, pids = seen[0]
    assert isinstance(processes, dict) and len(processes) == 2
    assert sorted(pids) == sorted(processes)
    assert set(ran) <= set(processes)  # one slow to start: the other may have run both
    assert all(processes[pid].is_alive() for pid in ran)
    backend.kill_workers()


def test_an_executor_without_loky_processes_gives_the_loky_children_only():
    # review: an executor without _processes (a joblib upgrade) gave no pid at all, and
    # Ctrl-C reached no worker; every child is too many: a notebook's own jobs are not
    # the pool's
    backend = HeldStartLoky()
    ran = set(Parallel(n_jobs=2, backend=backend)(delayed(_pid_after)(0.5) for _ in range(2)))
    workers = sorted(backend._executor._processes)  # kept alive for the next pool
    assert len(workers) == 2 and ran <= set(workers)
    own = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(30,))
    own.start()
    try:
        executor = backend._executor
        backend._executor = types.SimpleNamespace()  # as a loky keeping them elsewhere
        assert sorted(backend.worker_pids()) == workers
        assert own.pid not in backend.worker_pids()
        backend._executor = executor
    finally:
        own.kill()
        own.join()
        backend.kill_workers()
