"""A journal file's write lock (optuna's ``FILE.lock`` link) that a crash cannot wedge and
no waiter takes from a live holder."""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time

from optuna.storages.journal import JournalFileSymlinkLock

import nets

from ._held_interrupts import HeldInterrupts
from ._lock_holder import live_process_text, process_state
from ._worker_identity import _parts, ended_here, running_here, worker_id

# optuna's grace period: a lock held longer (a write and its fsync take milliseconds) by a
# process this machine cannot see is taken for one a command that crashed left behind
GRACE_SECONDS = 30.0
# a wait this long is said on stderr, and a stop held meanwhile (Ctrl-C, SIGTERM) raised:
# the lock may not come before the grace
SLOW_SECONDS = 1.0

# the links this process's locks hold now: a link naming this process and not here is one
# an interrupt left between its making and its holder knowing of it
_HELD: set[str] = set()
_me: tuple[int, str] = (0, "")  # (pid, `worker_id`): a forked child is another holder


def _holder_id() -> str:
    """This process's `worker_id`, read once (it reads /proc) per process."""
    global _me
    if _me[0] != os.getpid():
        _me = (os.getpid(), worker_id())
    return _me[1]


def _target(link: str) -> str:
    """Where ``link`` points: who holds the lock (an old target, the journal's path
    alone, names no holder); "" for a file that is not a link (optuna's other lock,
    `JournalFileOpenLock`). FileNotFoundError if there is none."""
    try:
        return os.readlink(link)
    except FileNotFoundError:
        raise
    except OSError:
        return ""


def _looked(link: str) -> tuple[str, int, int] | None:
    """`_look`, or None if there is no ``link``."""
    try:
        return _look(link)
    except FileNotFoundError:
        return None


def _look(link: str) -> tuple[str, int, int]:
    """``(target, inode, mtime in ns)`` of ``link``: who holds the lock and which link it
    is. FileNotFoundError if there is none."""
    target, made = _target(link), os.lstat(link)
    return target, made.st_ino, made.st_mtime_ns


class JournalLock(JournalFileSymlinkLock):
    """optuna's symlink lock of ``path`` (absolute: optuna resolves the link's target from
    the link's folder, so a relative one pointed nowhere), whose link names its holder.

    The link's target is ``PATH#WORKER#TOKEN`` (`worker_id`, and a token of this hold):
    a lock whose holder is a process of this machine that still runs (stopped with
    Ctrl-Z, or writing to a slow disk) is never taken over; one whose process has ended is
    at once. One of another machine (or an old link, naming none) is taken over once it
    is older than `GRACE_SECONDS` at first sight, by the clock that stamped it (a file
    server's: this machine's may run ahead), or once this process has seen it unchanged
    that long. A take-over moves the link aside and removes it only if it is the one
    judged (another waiter's fresh one goes back), and `release` removes only this hold's
    link. A stop held while waiting (a worker holds Ctrl-C and SIGTERM between trials) is
    raised after `SLOW_SECONDS`; an interrupt never removes the lock of another process.
    (optuna's own lock ages a link by its target, which names no file here: a plain optuna
    client waits for such a lock, and never takes it over.)

    Parameters
    ----------
    path : str
        The journal file's absolute path.
    """

    def __init__(self, path: str):
        super().__init__(path, grace_period=None)  # the grace is `acquire`'s own
        # a thread's hold: optuna's threads (n_jobs) share the backend's lock object
        self._hold = threading.local()

    def __getstate__(self) -> dict:
        # a storage handed to another process pickles its lock; no hold goes with it
        return {k: v for k, v in self.__dict__.items() if k != "_hold"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _hold=threading.local())

    def acquire(self) -> bool:
        mine = f"{self._lock_target_file}#{_holder_id()}#{secrets.token_hex(8)}"
        started = time.monotonic()
        seen, since, said, pause = None, started, False, 0.001
        while True:
            if self._link(mine):
                return True
            try:
                found = _look(self._lock_file)
            except FileNotFoundError:  # released meanwhile
                continue
            now = time.monotonic()
            if found != seen:  # another holder: its hold counts from here
                since = now - (self._age(found[2]) if seen is None else 0.0)
                seen = found
            held = now - since
            holder = _holder(found[0])
            state = _judged(holder, found[0])
            if state in ("ended", "left") or (state is None and held > GRACE_SECONDS):
                # only the link judged: another waiter may have taken it over first
                if self._remove_if(found[0], found[1]):
                    if not said and state != "left":  # "left": an interrupted write's
                        nets.notice(
                            "study", f"removed {self._lock_file}, the "
                            f"journal's write lock, {_whose(holder, held, state)}: a "
                            "command that crashed left it", level=logging.WARNING,
                            printed="above_bars")
                    said, pause = False, 0.001
                    continue
                if _looked(self._lock_file) != found:  # another's now: judged next
                    continue
                # still there (a folder with the sticky bit keeps another user's): waited
                # for, not spun on
            if now - started > SLOW_SECONDS:
                HeldInterrupts.raise_held()
            if held > SLOW_SECONDS and not said:
                said = True
                if state == "live":
                    then = "; the lock of a live process is never taken over"
                else:
                    then = (f" (a command that crashed may have left it): taken over in "
                            f"{max(0.0, GRACE_SECONDS - held):.0f} s")
                nets.notice(
                    "study", f"waiting for {self._lock_file}, the journal's "
                    f"write lock, held for {held:.0f} s{_by(holder, state)}{then}",
                    printed="above_bars")
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def release(self) -> None:
        mine, self._hold.link = getattr(self._hold, "link", None), None
        if mine is None:
            raise RuntimeError("Error: did not possess lock")  # as optuna's
        # a hold younger than half the grace is this hold's link still: no waiter takes a
        # link over before it is a grace old, by either clock. One unlink then, where the
        # compare-and-remove costs three more file operations, each a round trip on NFS,
        # at every write
        if time.monotonic() - self._hold.since < GRACE_SECONDS / 2:
            try:
                os.unlink(self._lock_file)
                removed = True
            except FileNotFoundError:
                removed = False
        else:
            removed = self._remove_if(mine)
        _HELD.discard(mine)  # after: until then a thread of this process waits for it
        if not removed:
            nets.notice(
                "study", f"{self._lock_file}, the journal's write lock, was "
                "taken over while this command held it (held past the grace: a stopped "
                "process or a slow disk?); its write and another's may have met",
                level=logging.WARNING, printed="above_bars")

    def _link(self, mine: str) -> bool:
        """Make the lock's link, ``mine``; whether it was free."""
        _HELD.add(mine)  # first: a thread of this process waiting sees a live holder
        try:
            os.symlink(mine, self._lock_file)
            self._hold.link, self._hold.since = mine, time.monotonic()
            return True
        except FileExistsError:
            _HELD.discard(mine)
            return False
        except BaseException:  # an interrupt as the link was made: it is not left behind
            _HELD.discard(mine)
            self._hold.link = None
            self._remove_if(mine)
            raise

    def _remove_if(self, target: str, inode: int | None = None) -> bool:
        """Remove the lock's link if it is ``target`` (and ``inode``, if given), and only
        then: moved aside first, and put back if it is another's (a link has no
        compare-and-remove). Whether it was removed."""
        aside = f"{self._lock_file}.{secrets.token_hex(8)}.aside"
        try:
            if _target(self._lock_file) != target:  # not even worth moving
                return False
            os.rename(self._lock_file, aside)
        except OSError:  # none there (released, taken over)
            return False
        ours = _look(aside)
        if ours[0] == target and inode in (None, ours[1]):
            os.unlink(aside)
            return True
        # another's, made since it was read: back in place (made anew, as a hard link to
        # a symlink is not every file system's), unless yet another took the lock in this
        # moment, which nothing can then tell apart from its holder
        try:
            os.symlink(ours[0], self._lock_file)
        except FileExistsError:
            pass
        os.unlink(aside)
        return False

    def _age(self, made_ns: int) -> float:
        """How long ago a link found in place was made (``made_ns``, its mtime), by the
        clock that stamped it: a link made now beside it tells that clock's time. Only for
        a link this machine's clock calls older than the grace (else 0: its hold counts
        from first sight), and 0 where no link can be made to tell."""
        made = made_ns / 1e9
        if time.time() - made <= GRACE_SECONDS:
            return 0.0
        probe = f"{self._lock_file}.{secrets.token_hex(8)}.now"
        try:
            os.symlink("now", probe)
            try:
                now = os.lstat(probe).st_mtime
            finally:
                os.unlink(probe)
        except OSError:
            return 0.0
        return max(0.0, now - made)


def _holder(target: str) -> str | None:
    """The `worker_id` a link's ``target`` names, or None (an old link, the journal's path
    alone, names none). Read from the end: the path may hold a "#", and another machine
    may mount the journal elsewhere."""
    parts = target.rsplit("#", 2)
    return parts[1] if len(parts) == 3 and ":" in parts[1] and parts[2] else None


def _judged(holder: str | None, target: str) -> str | None:
    """What a lock's ``holder`` is: "live" (a process of this machine that still runs),
    "ended" (one that has ended), "left" (this process's, which none of its locks holds),
    or None where this machine cannot tell (another machine's, an old link's)."""
    if holder is None:
        return None
    if holder == _holder_id():
        return "live" if target in _HELD else "left"
    if running_here(holder):
        # a zombie (ended, not yet reaped by its parent) writes no more
        return "ended" if process_state(int(_parts(holder)[2])) in ("Z", "X") else "live"
    return "ended" if ended_here(holder) else None


def _by(holder: str | None, state: str | None = None) -> str:
    """" by process PID of HOST" of a lock's ``holder`` ("" for none); of a "live" one
    (``state``, `_judged`'s), how it is (`live_process_text`: stopped, and what resumes
    it)."""
    if holder is None:
        return ""
    host, _, pid, _ = _parts(holder)
    if state == "live" and holder != _holder_id():
        return f" by {live_process_text(int(pid))}"
    here = running_here(holder) or ended_here(holder) or holder == _holder_id()
    return f" by process {pid} of {'this machine' if here else host}"


def _whose(holder: str | None, held: float, state: str | None) -> str:
    """Whose lock a take-over removed, and how long it was held, in words."""
    if state == "ended":
        return f"held{_by(holder)}, which has ended"
    return f"held for {held:.0f} s{_by(holder)}"
