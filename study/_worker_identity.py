"""Who runs a trial: a worker's id (host, PID namespace, pid and when the process started),
and whether that worker has ended."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def worker_id() -> str:
    """``host~ns:pid@start``: the timeline's lane, and who ran a trial. ``ns`` (see
    `_pid_namespace`) names the PID namespace its pid belongs to (a container sharing the
    host's name, ``unshare --pid``); ``start`` (see `_process_start`) tells this process
    from a later one given the same pid in that namespace. Either is left out where the
    platform does not say. A container restarted with the same hostname has a new
    namespace: its earlier workers are not judged from it (`ended_here`)."""
    ns, start = _pid_namespace(), _process_start(os.getpid())
    # the namespace beside the host: an older hplab takes the id for another machine's
    # and never for a dead worker's (after the pid, it judged a live one ended)
    return (f"{socket.gethostname()}{f'~{ns}' if ns else ''}:{os.getpid()}"
            + (f"@{start}" if start else ""))


def _pid_namespace() -> str | None:
    """This process's PID namespace, as the hex inode of ``/proc/self/ns/pid``, or None
    where /proc does not say."""
    try:
        link = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return None
    inode = link.partition("[")[2].rstrip("]")
    return f"{int(inode):x}" if inode.isdigit() else None


def _process_start(pid: int) -> str | None:
    """When process ``pid`` started, as ``TICKS.BOOT`` (clock ticks since boot, and the
    boot's id: ticks restart at a reboot), or None where /proc does not say (not Linux,
    no such process, hidden)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii")
    except (OSError, ValueError):
        return None
    fields = stat.rpartition(")")[2].split()  # the name before it may hold spaces
    ticks = fields[19] if len(fields) > 19 else ""  # field 22, starttime
    boot = _boot_id()
    return f"{ticks}.{boot}" if ticks.isdigit() and boot else None


def _boot_id() -> str:
    """This boot's id, short (its first 8 hex digits), or "" where /proc does not say."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text("ascii")
    except (OSError, ValueError):
        return ""
    return boot.strip().replace("-", "")[:8]


def ended_here(worker: str | None) -> bool:
    """Whether ``worker`` (a `worker_id`) was a process of this machine, PID namespace and
    boot that has ended: safe to act on (fail its trial, remove its files). A worker of
    another machine or PID namespace (its pid names another process here), or an unknown
    one, is not known to be gone: that of a container since restarted with the same
    hostname too (its namespace's processes, if any are left, are not visible from the new
    one, and another live container may share the hostname). One of another boot is not
    either: two machines of one hostname share the first PID namespace's number, and only
    their boots tell them apart (an id stored by an older hplab says no boot).

    Parameters
    ----------
    worker : str or None
        As above.
    """
    return _of_this_boot(worker) and ended_on_this_host(worker)


def running_here(worker: str | None) -> bool:
    """Whether ``worker`` (a `worker_id`) is a process of this machine, PID namespace and
    boot that still runs: what `ended_here` tells apart from one that ended. Neither is a
    worker of another machine or boot, or an id that names no start (an older hplab's).

    Parameters
    ----------
    worker : str or None
        As above.
    """
    return (_of_this_boot(worker) and _pid_here(worker) is not None
            and not ended_on_this_host(worker))


def _parts(worker: str | None) -> tuple[str, str, str, str]:
    """``(host, ns, pid, start)`` of a `worker_id`, each "" where it names none (an older
    hplab stored no ``~ns`` and no ``@start``)."""
    host, _, rest = str(worker or "").rpartition(":")
    host, _, ns = host.partition("~")
    pid, _, start = rest.partition("@")
    return host, ns, pid, start


def _pid_here(worker: str | None) -> str | None:
    """The pid of ``worker`` if it names this hostname and PID namespace (an id without a
    namespace, an older hplab's, is judged as then: by its host), else None."""
    host, ns, pid, _ = _parts(worker)
    if host != socket.gethostname() or not pid.isdigit() or (ns and ns != _pid_namespace()):
        return None
    return pid


def _of_this_boot(worker: str | None) -> bool:
    """Whether ``worker``'s start names this boot (an id without one names none)."""
    start = _parts(worker)[3]
    return bool(start) and start.partition(".")[2] == _boot_id()


def ended_on_this_host(worker: str | None) -> bool:
    """Whether ``worker`` (a `worker_id`) was a process of this hostname and PID namespace
    that is not running now, in this boot or an earlier one: as `ended_here`, but a worker
    of an earlier boot counts as ended, and so one of another machine of this hostname
    (the first PID namespace's number is every machine's). Only for a storage without
    heartbeats (a journal), where nothing else ever ends a trial a reboot left running;
    elsewhere use `ended_here` (heartbeats end those).

    Parameters
    ----------
    worker : str or None
        As above.
    """
    pid = _pid_here(worker)
    if pid is None:
        return False
    start = _parts(worker)[3]
    if int(pid) == os.getpid():  # this pid is this process: any other id with it ended
        return worker != worker_id()
    if start:
        now = _process_start(int(pid))
        if now is not None:  # None: ended, or /proc hides it: ask the kernel below
            return now != start
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False
