"""The cores a process may use: its CPU affinity, at most its container's CPU quota."""

from __future__ import annotations

import os
import warnings

from ._user_line import user_stacklevel


def cores() -> int:
    """The cores this process may run on: its CPU affinity (os.cpu_count() without one),
    at most its container's CPU quota (a cgroup's cpu.max, as joblib reads it)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:
        n = os.cpu_count() or 1
    # QA: `docker run --cpus 1` leaves the host's every core in the affinity, and a study
    # of `--workers -1` started a process per host core on the quota of one
    from joblib import cpu_count  # ~0.05 s, only where processes or threads are counted

    return max(1, min(n, cpu_count()))


def worker_processes(workers: int, n_tasks: int, *, warn: bool = True) -> int:
    """Local processes for ``n_tasks`` tasks on ``workers`` (a checked count, -1 for one per
    core): at most one per task and one per core, with a warning when ``workers`` asked
    for more than the cores (48 on 2 cores took 3 minutes where 1 took 5 seconds).

    Parameters
    ----------
    workers : int
        Processes asked for (>= 1, or -1).
    n_tasks : int
        Tasks to run.
    warn : bool, default True
        Warn when more were asked for than there are cores.
    """
    n = cores()
    used = min(n if workers == -1 else workers, n_tasks)
    if used > n and warn:
        warnings.warn(f"{workers} workers asked for, but only {n} cores here: running "
                      f"{n} processes (more would wait for the cores and slow every run)",
                      stacklevel=user_stacklevel())
    return min(used, n)
