"""A journal file's write lock (optuna's ``FILE.lock`` link) that a crash cannot wedge."""

from __future__ import annotations

import os
import time

from optuna.storages.journal import JournalFileSymlinkLock

import nets

from ._held_interrupts import HeldInterrupts

# optuna's grace period: a lock held longer (a write and its fsync take milliseconds) is
# one a command that crashed (SIGKILL, out of memory) left behind
GRACE_SECONDS = 30.0
# a wait this long is said on stderr, and a stop held meanwhile (Ctrl-C, SIGTERM) raised:
# the lock may not come before the grace
SLOW_SECONDS = 1.0


class JournalLock(JournalFileSymlinkLock):
    """optuna's symlink lock of ``path`` (absolute: optuna resolves the link's target from
    the link's folder, so a relative one pointed nowhere), aged by the link itself.

    optuna ages a lock through its link (``os.stat``): a link to nowhere never aged, and
    every later writer spun on it for good. Here the link's own time counts (``os.lstat``):
    one older than the grace at first sight is taken over at once, a newer one once it
    has been held that long, said in one line either way. A stop held while waiting (a
    worker holds Ctrl-C and SIGTERM between trials) is raised after `SLOW_SECONDS`, and an
    interrupt never removes the lock of another process (optuna's acquire does).
    """

    def __init__(self, path: str):
        super().__init__(path, grace_period=None)  # the grace is `acquire`'s own

    def acquire(self) -> bool:
        started = time.monotonic()
        holder, since, said, pause = None, started, False, 0.001
        while True:
            try:
                os.symlink(self._lock_target_file, self._lock_file)
                return True
            except FileExistsError:
                pass
            try:
                made = os.lstat(self._lock_file).st_mtime
            except FileNotFoundError:  # released meanwhile
                continue
            now = time.monotonic()
            if made != holder:  # another holder: its hold counts from here
                if holder is None:  # found in place: its age counts (a crash long ago)
                    since = now - max(0.0, time.time() - made)
                else:
                    since = now
                holder = made
            held = now - since
            if held > GRACE_SECONDS:
                self._take_over(held, said)
                said, pause = False, 0.001
                continue
            if now - started > SLOW_SECONDS:
                HeldInterrupts.raise_held()
            if held > SLOW_SECONDS and not said:
                said = True
                nets.say_above_bars(
                    f"{nets.command_name()}: waiting for {self._lock_file}, the journal's "
                    f"write lock, held for {held:.0f} s (a command that crashed may have "
                    f"left it): taken over in {GRACE_SECONDS - held:.0f} s")
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _take_over(self, held: float, said: bool) -> None:
        """Remove a lock held past the grace (its holder died); say so, unless the wait
        for it was said."""
        try:
            self.release()
        except RuntimeError:  # another waiter took it over first
            return
        if not said:
            nets.say_above_bars(f"{nets.command_name()}: removed {self._lock_file}, the "
                               f"journal's write lock, held for {held:.0f} s: a command "
                               "that crashed left it")
