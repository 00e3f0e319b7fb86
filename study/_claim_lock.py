"""The lock a study's workers take from counting its trials to creating the next: the
study-wide budget exact across processes and machines."""

from __future__ import annotations

import fcntl
import zlib
from pathlib import Path

from ._errors import StorageError
from ._storage import StorageURL
from ._storage_errors import storage_failure
from ._storage_identity import check_same_file, file_identity, gone_message


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

    def acquire(self) -> None:
        """Wait for the lock and take it (a storage without one: nothing to take)."""
        if self._path is not None:
            # deleted or replaced meanwhile: trials would go on into a file no one can open
            check_same_file(self._where, self._identity)
            try:  # an flock needs only a read handle: another user's claim file is fine
                handle = open(self._path)
            except FileNotFoundError:
                try:
                    handle = open(self._path, "a")
                except FileNotFoundError:  # its folder is gone too
                    raise StorageError(gone_message(self._where)) from None
            fcntl.flock(handle, fcntl.LOCK_EX)
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

    def release(self) -> bool:
        """Let the lock go; nothing if it is not held. False if the server had ended the
        lock's session meanwhile (its holder silent past ``timeout``, or cut off): the
        lock was lost somewhere since `acquire`, and another worker may have claimed."""
        held, self._held = self._held, None
        if held is None:
            return True
        if self._path is not None:
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
