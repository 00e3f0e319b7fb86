"""Who holds a file's flock, in words: for a wait that would otherwise say nothing."""

from __future__ import annotations

import os
from pathlib import Path

# Linux's list of the locks its processes hold, and its processes' states; elsewhere (macOS,
# BSD) neither exists and the holder goes unnamed
PROC = Path("/proc")


def open_to_lock(path: Path):
    """``path`` opened to take an flock on, made if missing: for writing where this user
    may (an NFS client emulates flock with fcntl locks, and refuses an exclusive one
    through a read-only handle: EBADF), else read-only (another user's lock file, which
    elsewhere an flock needs no more than that). FileNotFoundError: its folder is gone."""
    try:
        return open(path, "a")
    except PermissionError:
        return open(path)


def flock_holder(handle) -> int | None:
    """The pid of the process of this machine holding an flock on ``handle``'s file (an
    open file), or None: no /proc, a holder on another machine (a network file system
    lists only its own), or one in a pid namespace this process cannot see (pid 0)."""
    try:
        st = os.fstat(handle.fileno())
        wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
        with open(PROC / "locks") as locks:
            for line in locks:
                # "1: FLOCK  ADVISORY  WRITE 2236 fe:00:2154675 0 EOF"; a waiter's line
                # has "->" after the number
                fields = line.split()
                if (len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted
                        and fields[4].isdigit() and int(fields[4]) > 0):
                    return int(fields[4])
    except (OSError, ValueError):
        return None
    return None


def process_state(pid: int) -> str | None:
    """``pid``'s state letter ("R", "S", "T" stopped by a signal, "t" by a debugger...) from
    /proc/PID/stat, or None where that cannot be read (no /proc, the process ended)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (OSError, ValueError):
        return None
    # "PID (COMM) STATE ...": COMM may hold spaces and parentheses; the state follows the
    # last ")"
    rest = stat.rpartition(")")[2].split()
    return rest[0] if rest else None


def live_process_text(pid: int) -> str:
    """A live process of this machine holding a lock, in words, as both lock waits say
    it: "process N of this machine, which is stopped (Ctrl-Z?): `kill -CONT N` lets it go
    on", "..., which a debugger has stopped", or "..., which still runs"."""
    state = process_state(pid)
    if state == "T":
        how = f"is stopped (Ctrl-Z?): `kill -CONT {pid}` lets it go on"
    elif state == "t":
        how = "a debugger has stopped"
    else:
        how = "still runs"
    return f"process {pid} of this machine, which {how}"


def holder_text(handle) -> str:
    """Who holds the flock on ``handle``'s file, in words (`live_process_text`), or
    "another process" where /proc cannot say."""
    pid = flock_holder(handle)
    return "another process" if pid is None else live_process_text(pid)
