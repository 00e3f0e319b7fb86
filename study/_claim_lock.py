"""The lock a study's workers take from counting its trials to creating the next: the
study-wide budget exact across processes and machines."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
import zlib
from pathlib import Path

import nets

from ._errors import StorageError
from ._held_interrupts import HeldInterrupts
from ._lock_holder import flock_holder, holder_text, open_to_lock
from ._storage import StorageURL
from ._storage_errors import storage_failure
from ._storage_identity import check_same_file, file_identity, gone_message

# a claim is held from the count to the new trial's record, a slow sampler's seconds: one
# hold longer than this is said once, naming its holder
SAY_SECONDS = 3.0
# the longest pause between two tries of a held claim file, and between two looks at who
# holds it (/proc/locks)
PAUSE_SECONDS, LOOK_SECONDS = 0.05, 0.5


class ClaimLock:
    """Serialize "is there budget left? then create the trial" across processes.

    Optuna creates a trial and only then could one know that one too many exist; holding
    this lock from the count to the new trial's creation makes the study-wide total exact.
    Files use an flock beside them; PostgreSQL and MySQL a named lock on the server, so
    workers on other machines take part too. Other storages go unlocked. ``release`` may be
    called any number of times (the objective releases it as soon as its trial exists).

    On PostgreSQL, a holder silent for ``timeout`` seconds loses the lock: the server ends
    its session. A worker cut off from the server (a network partition leaves its session
    open) would otherwise stop every worker of the study until TCP gives up, for hours. A
    holder merely slow (a loaded machine) learns it at `release` (False) and checks its
    claim again (see ``_worker``).

    Parameters
    ----------
    storage : optuna.storages.BaseStorage
        The study's opened storage (`open_storage`'s).
    where : StorageURL
        Where it is.
    study_name : str
        The study whose claims the lock serializes.
    timeout : float, optional
        As above (PostgreSQL); None: never.
    """

    def __init__(self, storage, where: StorageURL, study_name: str, *,
                 timeout: float | None = None):
        # not "PATH.lock": optuna's journal backend uses that name for its own lock
        self._path = Path(f"{where.path}.claim") if where.path is not None else None
        # the file the storage opened: checked at each claim (`check_same_file`)
        self._where, self._identity = where, file_identity(where)
        engine = getattr(storage, "engine", None)
        self._engine = engine
        self._dialect = engine.dialect.name if engine is not None else ""
        self._key = zlib.crc32(f"hplab:{study_name}".encode())
        self._timeout_ms = max(1, round(timeout * 1000)) if timeout else 0
        self._held = None
        self._said: set[str] = set()  # the holders a wait was said of

    def acquire(self) -> None:
        """Wait for the lock and take it (a storage without one: nothing to take)."""
        if self._path is not None:
            # deleted or replaced meanwhile: trials would go on into a file no one can open
            check_same_file(self._where, self._identity)
            try:
                handle = open_to_lock(self._path)
            except FileNotFoundError:  # its folder is gone too
                raise StorageError(gone_message(self._where)) from None
            try:
                self._wait(handle)
            except BaseException:
                handle.close()  # and its flock with it, if taken
                raise
            self._held = handle
        elif self._dialect in ("postgresql", "mysql"):
            from sqlalchemy import text

            conn = self._engine.connect()
            if self._dialect == "postgresql":
                # LOCAL: a setting ends with the lock's transaction, the pooled connection
                # is left as it was. Waiting for the lock is no statement a role's
                # statement_timeout should cut short: it failed the whole run.
                conn.execute(text("SET LOCAL statement_timeout = 0"))
                if self._timeout_ms:
                    # the transaction stays idle while its holder works elsewhere
                    conn.execute(text(f"SET LOCAL idle_in_transaction_session_timeout = "
                                      f"{self._timeout_ms}"))
            sql = ("SELECT pg_advisory_lock(:k)" if self._dialect == "postgresql"
                   else "SELECT GET_LOCK(CONCAT('hplab:', :k), 600)")
            conn.execute(text(sql), {"k": self._key})
            self._held = conn
            try:  # as `_wait`: no claim once a stop came
                HeldInterrupts.raise_held()
            except BaseException:
                self.release()
                raise

    def _wait(self, handle) -> None:
        """Take the flock of ``handle``'s file, trying again until it is free. A blocking
        flock is tried again after each signal (PEP 475) while a worker holds its
        interrupts: a holder paused for good (Ctrl-Z, a debugger, kill -STOP) hung every
        other worker, deaf to Ctrl-C and SIGTERM, with no word. Here a stop held meanwhile
        ends the wait (no trial is begun: none is created only to be closed), and a hold
        longer than `SAY_SECONDS` is said once, naming its holder where /proc can."""
        started = time.monotonic()
        holder, who, since, look, pause = None, None, started, started, 0.001
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass
            except OSError as exc:  # no flock there (ENOLCK: a network file system's)
                self._say_unlocked(exc)
                HeldInterrupts.raise_held()
                return
            else:  # a stop that came as the claim was taken: no claim either
                HeldInterrupts.raise_held()
                return
            HeldInterrupts.raise_held()
            now = time.monotonic()
            if now >= look:  # each hold timed apart: many short ones are no long one
                look = now + LOOK_SECONDS
                if (pid := flock_holder(handle)) != holder:
                    holder, since = pid, now
                if now - since > SAY_SECONDS:
                    who = holder_text(handle)
            if who is not None and who not in self._said:
                self._said.add(who)
                nets.notice(
                    "study", f"waited {now - since:.0f} s for {self._path}, "
                    "the study's claim lock (one worker at a time counts the trials and "
                    f"creates the next); it is held by {who}", printed="above_bars")
            time.sleep(pause)
            pause = min(pause * 2, PAUSE_SECONDS)

    def _say_unlocked(self, exc: OSError) -> None:
        """Say once that this file system takes no lock on the claim file: the workers
        claim unlocked (a study's budget may be passed by a trial a worker), where
        refusing would leave a study on that file system no way to run at all (QA: "Bad
        file descriptor", exit 2, every study on an NFS home directory)."""
        if "unlocked" in self._said:
            return
        self._said.add("unlocked")
        nets.notice(
            "study", f"warning: cannot lock {self._path} on this file system "
            f"({exc.strerror or exc}): its workers claim trials unlocked, and the study may "
            "pass its budget by a trial a worker; a local folder, or PostgreSQL "
            "(postgresql://...) for several machines, keeps it exact",
            level=logging.WARNING, printed="above_bars")

    def release(self) -> bool:
        """Let the lock go; nothing if it is not held. False if the server had ended the
        lock's session meanwhile (its holder silent past ``timeout``, or cut off): the
        lock was lost somewhere since `acquire`, and another worker may have claimed."""
        held, self._held = self._held, None
        if held is None:
            return True
        if self._path is not None:
            # unlocked first: a copy of the descriptor (a fork) would keep the flock;
            # none to let go where the file system took none
            with contextlib.suppress(OSError):
                fcntl.flock(held, fcntl.LOCK_UN)
            held.close()
            return True
        from sqlalchemy import text

        sql = ("SELECT pg_advisory_unlock(:k)" if self._dialect == "postgresql"
               else "SELECT RELEASE_LOCK(CONCAT('hplab:', :k))")
        try:
            held.execute(text(sql), {"k": self._key})
            held.rollback()
        except Exception as exc:
            held.invalidate()  # a dropped session frees its server-side lock
            if storage_failure(exc) is None:
                raise
            # nothing left to let go: the server released the lock with the session. If
            # the server itself is gone, the worker's next storage call says so
            return False
        finally:
            held.close()
        return True

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
