"""A client of the Dask cluster an analysis's runs go to, or one line saying why there is
none: an address that is no Dask scheduler, a cluster without workers, workers that cannot
import hplab. Each of these left the command waiting without end, or said "out of memory"
(an HTTP server's answer read as a message's length) with a traceback (QA)."""

from __future__ import annotations

import threading

from nets import error_line, first_names, hplab_version

#: Seconds to wait for a Dask scheduler (its connection and its first answer) before giving
#: up with a one-line error.
CONNECT_TIMEOUT = 10
#: Seconds to wait for a cluster without workers to get one.
WORKERS_WAIT = 30.0


def connected_client(scheduler):
    """A `distributed.Client` of the scheduler at ``scheduler``, with workers that can
    import hplab; an OSError of one line otherwise."""
    from distributed import Client

    made: dict = {}

    def connect():  # in a thread: a server that accepts and never answers held it for good
        try:
            made["client"] = Client(str(scheduler), timeout=CONNECT_TIMEOUT,
                                    set_as_default=False)
        except BaseException as exc:  # noqa: BLE001 - any failure is "no scheduler there"
            made["error"] = exc

    thread = threading.Thread(target=connect, name="hplab-dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT + 5)
    if "client" not in made:
        why = (error_line(made["error"]) if "error" in made
               else f"no answer in {CONNECT_TIMEOUT + 5:g} s")
        raise OSError(f"cannot reach the Dask scheduler at {scheduler}: {why} (is it a Dask "
                      "scheduler's address, tcp://HOST:PORT?)")
    client = made["client"]
    try:
        _check_workers(client, scheduler)
    except BaseException:
        client.close()
        raise
    return client


def _check_workers(client, scheduler) -> None:
    try:
        client.wait_for_workers(1, timeout=WORKERS_WAIT)
    except Exception:  # distributed's TimeoutError (asyncio's, or the builtin)
        raise OSError(f"the Dask scheduler at {scheduler} has no workers (waited "
                      f"{WORKERS_WAIT:g} s): start one, `dask worker {scheduler}`, where "
                      "hplab is installed") from None
    # a lambda goes by value: a worker without hplab cannot unpickle a function of ours,
    # and its tasks then waited for ever (the error stayed in the worker's log)
    found = client.run(lambda: __import__("importlib.util").util.find_spec("analyses")
                       is not None)
    lacking = [worker for worker, ok in found.items() if not ok]
    if lacking:
        raise OSError(f"{len(lacking)} of the Dask cluster's {len(found)} workers cannot "
                      f"import hplab ({first_names(lacking, 3)}): install it where they run "
                      f"(the version here: {hplab_version()})")
