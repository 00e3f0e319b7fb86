"""Where an analysis's independent runs execute: local processes (joblib) or a Dask cluster.

Both take the same task function and arguments: joblib's loky processes here, Dask's
``client.map`` on a cluster (not joblib's dask backend, which keeps a one-thread
cluster's work in this process); results come back in task order. Each task runs with
its BLAS pools held to one thread: the workers already fill the cores, and nested
BLAS threads would only fight over them (and make timings noisy).
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import urllib.parse
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import data
import nets
from nets import filtered_warnings, unknown_name, worker_processes

from ._dask_client import connected_client
from ._progress import WorkBar, reporting

#: Backend name -> what it needs; `run_tasks` validates against these keys.
BACKENDS = {
    "joblib": "local worker processes (loky); --workers sets how many",
    "dask": "a running Dask scheduler given by address (--scheduler tcp://HOST:PORT)",
}


def scheduler_record(scheduler):
    """``scheduler`` as a result's settings keep it: a `distributed.Client`'s scheduler
    address (its str() is ``<Client: ...>``, no address the settings could run with
    again), else as given (an address, or None)."""
    address = getattr(getattr(scheduler, "scheduler", None), "address", None)
    return address if isinstance(address, str) else scheduler


def _one_thread(fn: Callable[[Any], Any], task: Any, carried=None, report=None) -> Any:
    """Run ``fn(task)`` with every BLAS / OpenMP pool limited to one thread; ``carried``, a
    worker's: its parent's `nets.carried_to_workers` (its warnings name the command, as the
    parent's do: they printed in Python's format, file, category and source line; an
    activation the caller registered is known); ``report``, where its
    `analyses._progress.work_callbacks` report its work."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), nets.worker_as_parent(carried), reporting(report):
        return fn(task)


def check_backend(backend: str, scheduler: Any = None, workers: int | None = 1) -> None:
    """Raise ValueError for an unknown backend or a backend / scheduler / workers mismatch."""
    if backend not in BACKENDS:
        raise ValueError(unknown_name("backend", backend, BACKENDS))
    if backend == "dask" and scheduler is None:
        raise ValueError("backend 'dask' needs a scheduler address (scheduler=tcp://HOST:PORT)")
    if backend == "joblib" and scheduler is not None:
        raise ValueError("a scheduler address only applies to the Dask backend (backend=dask)")
    if backend == "dask" and isinstance(scheduler, str) and not _address_ok(scheduler):
        # checked here: a Client half-made from a bad address hangs 20 s in its __del__
        raise ValueError(f"scheduler address {scheduler!r} is not SCHEME://HOST:PORT "
                         "(e.g. tcp://127.0.0.1:8786)")
    if workers is not None and (isinstance(workers, bool)
                                or not isinstance(workers, numbers.Integral)
                                or (workers < 1 and workers != -1)):
        raise ValueError(f"workers must be an integer >= 1 (or -1 for every core), "
                         f"got {workers!r}")


def _address_ok(address: str) -> bool:
    parts = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return False
    return parts.scheme in ("tcp", "tls", "ws", "wss", "ucx") and bool(parts.hostname) \
        and port is not None


def run_tasks(fn: Callable[[Any], Any], tasks: Iterable[Any], *, backend: str = "joblib",
              workers: int | None = 1, scheduler: Any = None,
              progress: str | None = None, amounts: Sequence[float] | None = None,
              unit: str = "run") -> list[Any]:
    """Apply ``fn`` to every task, in parallel, and return the results in task order.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled by reference) taking one task.
    tasks : iterable
        Picklable task descriptions.
    backend : {"joblib", "dask"}
        ``"joblib"`` spreads the tasks over ``workers`` local processes (1 = run
        here, in order); ``"dask"`` sends them to the cluster behind ``scheduler``.
    workers : int, optional
        Local processes for ``"joblib"`` (-1 = every core); ignored by ``"dask"``,
        whose cluster decides.
    scheduler : str or distributed.Client, optional
        Scheduler address (``"tcp://127.0.0.1:8786"``) or a connected client.
    progress : str, optional
        Label of a progress bar (stderr); None: no bar.
    amounts : sequence of float, optional
        The work of each task, in ``unit``s, which the bar counts: a task reports its
        count as it trains through `analyses._progress.work_callbacks` (a Dask
        cluster's only as it finishes); default one run each.
    unit : str
        What ``amounts`` count ("epoch", "step"...).

    Returns
    -------
    list
        ``[fn(t) for t in tasks]``; a pool worker that dies (killed: the OOM killer) leaves
        the runs not yet back to this process, with a warning.

    Raises
    ------
    ValueError
        Unknown backend, missing scheduler, bad worker count.
    OSError
        The scheduler cannot be reached within `analyses._dask_client.CONNECT_TIMEOUT` seconds.
    """
    check_backend(backend, scheduler, workers)
    tasks = list(tasks)
    if not tasks:
        return []
    # the bar is closed on the way out, Ctrl-C included, before any message below it
    with WorkBar(progress, [1] * len(tasks) if amounts is None else amounts,
                 unit) as bar:
        if backend == "dask":
            return _run_dask(fn, tasks, scheduler, bar)
        n_jobs = _n_jobs(workers, len(tasks))
        if n_jobs == 1:
            return [_finished(bar, i, _one_thread(fn, t, report=bar.reporter(i)))
                    for i, t in enumerate(tasks)]
        from concurrent.futures.process import BrokenProcessPool

        from joblib import Parallel, delayed

        from nets import HeldStartLoky

        # inner_max_num_threads caps BLAS in the loky workers before numpy loads there;
        # results come back in task order as each is ready. The workers never take a
        # Ctrl-C (it stops this process, which stops them): one while they start printed
        # their tracebacks
        carried = nets.carried_to_workers()
        results: list[Any] = []
        try:
            with bar.pool_reports(range(len(tasks))) as reports:
                done = Parallel(n_jobs=n_jobs, return_as="generator",
                                backend=HeldStartLoky(inner_max_num_threads=1))(
                    delayed(_one_thread)(fn, t, carried, report)
                    for t, report in zip(tasks, reports, strict=True))
                try:
                    results += (_finished(bar, i, result) for i, result in enumerate(done))
                    return results
                finally:
                    _close_pool_run(done)
        except BrokenProcessPool as exc:  # loky's TerminatedWorkerError subclasses it
            # QA: a worker killed (the OOM killer's SIGKILL) ended the analysis in a
            # traceback, exit 1, its finished runs lost; a study finishes in its process, so
            # do the runs not yet back (each seeded by its task: the same results)
            warnings.warn(f"a worker process died ({exc.__class__.__name__}); running the "
                          f"{len(tasks) - len(results)} runs not finished in this process",
                          UserWarning, stacklevel=nets.user_stacklevel())
        return results + [_finished(bar, i, _one_thread(fn, tasks[i], report=bar.reporter(i)))
                          for i in range(len(results), len(tasks))]


def runs_elsewhere(n_tasks: int, *, backend: str = "joblib", workers: int | None = 1) -> bool:
    """Whether `run_tasks` would run ``n_tasks`` tasks in other processes: an analysis
    whose workers load the data themselves then drops its own copy before they start."""
    return backend == "dask" or _n_jobs(workers, n_tasks, warn=False) != 1


def shared_for_workers(ds, dataset, n_tasks: int, *, backend: str = "joblib",
                       workers: int | None = 1):
    """`data.shared_with_workers` of ``ds`` (loaded from the name ``dataset``) for
    ``n_tasks`` tasks: the mapped Dataset the tasks carry to local pool workers for a set
    over `data.SHARE_BYTES` (QA: a 2-worker capacity sweep on MNIST-sized data, 470 MB a
    worker, 27 s against 10 s on one), else None (the tasks keep the name: in this process,
    on a Dask cluster, or a small set, each worker loads its own)."""
    share = (isinstance(dataset, str) and backend == "joblib"
             and runs_elsewhere(n_tasks, backend=backend, workers=workers)
             and data.is_large(ds))
    return data.shared_with_workers(ds if share else None, share)


def release_for_workers(cache, dataset, n_tasks: int, *, backend: str = "joblib",
                        workers: int | None = 1) -> None:
    """Empty ``cache`` (`analyses._held.held_dataset`) when `run_tasks` is
    about to run ``n_tasks`` tasks in other processes, each loading its own copy of the
    named ``dataset``: this one's would sit idle through them (MNIST: 400 MB). The caller
    drops its own reference first; runs here later load it again."""
    if isinstance(dataset, str) and runs_elsewhere(n_tasks, backend=backend, workers=workers):
        cache.cache_clear()


def _n_jobs(workers: int | None, n_tasks: int, *, warn: bool = True) -> int:
    """joblib's n_jobs for ``n_tasks`` tasks (1 = in this process): ``workers`` (-1 = every
    core) capped at the tasks and the cores, with a warning past the cores
    (`nets.worker_processes`)."""
    return worker_processes(workers or 1, n_tasks, warn=warn)


def _close_pool_run(done) -> None:
    """End a pool run's generator now, its workers' tasks cancelled (a no-op after its
    last result): left to the garbage collector after a Ctrl-C, it ended after the
    command's last line, with joblib's advice on tasks "executed but not used" below it,
    and its workers went on writing their counts into the bar's folder as it was removed,
    which then stayed behind in the temporary folder."""
    with filtered_warnings(("ignore", Warning, r"\d+ tasks have been successfully executed")):
        done.close()


def _finished(bar: WorkBar, index: int, result):
    bar.finish(index)
    return result


def _run_dask(fn, tasks: Sequence[Any], scheduler, bar) -> list[Any]:
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("backend 'dask' needs dask[distributed]: "
                         "pip install 'hplab[dask]'") from None
    own = not isinstance(scheduler, Client)
    client = connected_client(scheduler) if own else scheduler
    futures = []
    try:
        # straight to the cluster: joblib's dask backend runs everything in this process
        # when the cluster has a single worker thread (its n_jobs is then 1)
        futures = client.map(_one_thread, [fn] * len(tasks), list(tasks),
                             [nets.carried_to_workers()] * len(tasks), pure=False)
        for i, future in enumerate(futures):  # called from the client's thread as each ends
            future.add_done_callback(functools.partial(lambda i, _: bar.finish(i), i))
        return client.gather(futures)
    finally:
        if own:
            # a Ctrl-C: the cluster's tasks cancelled before the client closes (closed
            # with them pending, it printed a traceback for each)
            with contextlib.suppress(Exception):
                client.cancel(futures)
            client.close()
