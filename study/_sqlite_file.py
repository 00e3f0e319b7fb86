"""An SQLite file as a study storage: is it optuna's (and not another program's, or
damaged), which of its folder, file, -wal and -shm cannot be written, and the pragmas
hplab's connections set (WAL, a busy timeout)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

from nets import first_names, with_owner, write_advice

from ._errors import StorageAbsent, StorageError

SQLITE_BUSY_TIMEOUT = 60  # seconds a writer waits for the lock (several workers, one file)
# seconds a writer waits for a new file's tables that another process is making (optuna
# creates them one at a time: a look in between sees only "studies")
SCHEMA_WAIT = 2.0


def unwritable(path: Path) -> list[tuple[Path, str]]:
    """What SQLite writes for ``path`` that this user cannot: its folder, the file, its
    -wal or -shm file (those that exist), each with the name a message gives it."""
    files = [path.with_name(path.name + end) for end in ("", "-wal", "-shm")]
    named = [(path.parent, f"its folder {path.parent}")] + [(f, f.name) for f in files]
    return [(p, name) for p, name in named
            if (p == path.parent or p.exists()) and not os.access(p, os.W_OK)]


def unwritable_message(path: Path, unwritable: list[tuple[Path, str]]) -> str:
    """Why SQLite cannot write ``path``: what `unwritable` found, with owner and mode, and
    what to do (another user's file: ask them; a copy works either way)."""
    them = "it" if len(unwritable) == 1 else "them"
    beside = (f": SQLite writes {path.name}-wal and {path.name}-shm beside it"
              if unwritable[0][0] == path.parent else "")
    # a copy of the file alone lacks the trials its -wal holds (a reader kept the writer
    # from moving them in): it read as "an SQLite database without a study"
    wal = path.with_name(path.name + "-wal")
    copy = (f"{path.name} together with {wal.name} (it holds trials not yet in "
            f"{path.name})" if wal.exists() else "the database")
    named = " and ".join(with_owner(p, name) for p, name in unwritable)
    return (f"cannot open {path}: {named} {'is' if them == 'it' else 'are'} not writable "
            f"(the database itself is fine{beside}); "
            f"{write_advice([p for p, _ in unwritable])}, or copy {copy} to a writable "
            "folder")


def check_sqlite(path: Path, immutable: bool = False, read_only: bool = False, *,
                 missing_hint: str) -> None:
    """Refuse a file that is not an optuna SQLite database before anything writes to it:
    opening it, even to list studies, would add optuna's tables to another program's
    database (or to a damaged one) and switch its journal mode. ``missing_hint`` ends the
    message of a read of a database without a study."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    # Never open the file itself from Python here: closing any descriptor of it drops every
    # POSIX lock this process holds on it (SQLite's own connections' too), and a later close
    # then deleted the -wal and -shm that another process was using (its reads: "database
    # disk image is malformed"). A WAL-mode file makes even a read-only look create -wal
    # and -shm: those this probe made are removed when it refuses the file.
    sides = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    made = [p for p in sides if not p.exists()]
    deadline = time.monotonic() + SCHEMA_WAIT
    try:
        while True:
            try:
                _probe_sqlite(path, immutable, read_only, missing_hint=missing_hint)
                return
            except _Unfinished as exc:  # another process may be making optuna's tables now
                if read_only or time.monotonic() > deadline:
                    # the public class, not ours; StorageAbsent where nothing is there yet
                    # (QA: a run stopped as optuna made its tables printed no --json)
                    raise (StorageAbsent if exc.absent else StorageError)(*exc.args) \
                        from None
                time.sleep(0.05)
    except StorageError:
        for side in made:
            if side.exists() and (side.name.endswith("-shm") or side.stat().st_size == 0):
                side.unlink(missing_ok=True)
        raise


def _probe_sqlite(path: Path, immutable: bool, read_only: bool, *,
                  missing_hint: str) -> None:
    """`check_sqlite`'s look at the tables, through a read-only (or immutable) URI."""
    try:
        # read-only through a URI; as_uri escapes '#' and '?' in the name (unescaped, SQLite
        # read and created a file named up to them)
        mode = "immutable=1" if immutable else "mode=ro"
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True,
                                                timeout=SQLITE_BUSY_TIMEOUT)) as con:
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            studies = (con.execute("SELECT count(*) FROM studies").fetchone()[0]
                       if "studies" in tables else 0)
            first_only = tables == {"studies"} and _optunas_studies(con)
    except sqlite3.DatabaseError as exc:
        if "readonly" in str(exc) or "unable to open" in str(exc):  # not the file's content
            blocked = unwritable(path)
            if not blocked and (full := _full_disk(path.parent)):
                # QA: its -shm, which a look at a WAL file makes, on a disk out of inodes
                raise DiskError(f"cannot open {path}: {exc} (its disk has {full}: free some; "
                                "the database itself may be fine)") from None
            raise StorageError(unwritable_message(path, blocked) if blocked
                               else f"cannot open {path}: {exc}") from None
        if (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF in _DISK_ERRORS:
            # a WAL file's reader makes its -shm, which a full disk refuses
            raise DiskError(f"cannot open {path}: {exc} (is the disk full, or its file "
                            "system read-only? the database itself may be fine)") from None
        if "malformed" in str(exc):  # SQLite's own header, cut short or overwritten after
            raise StorageError(f"{path} is a damaged SQLite database ({exc}); use a copy "
                               "from before the damage") from None
        from ._storage_files import storage_kind  # (it imports this module)

        if storage_kind(path) == "journal":  # a journal under a database's name (x.db)
            raise StorageError(f"{path} is an optuna journal, not an SQLite database: give "
                               f"it as journal:{path}") from None
        raise StorageError(f"{path} is not an SQLite database ({exc})") from None
    problem = _not_optuna(path, tables, read_only, studies, missing_hint=missing_hint,
                          first_only=first_only)
    if problem:
        # some of optuna's tables and no study: optuna makes them one by one
        if tables <= _optuna_tables() and not studies:
            raise _Unfinished(str(problem), absent=isinstance(problem, StorageAbsent))
        raise problem


def _full_disk(folder: Path) -> str | None:
    """What the disk of ``folder`` lacks for a new file, in words ("no free inodes", "no
    free space"), or None."""
    try:
        disk = os.statvfs(folder)
    except OSError:
        return None
    if disk.f_files and not disk.f_favail:
        return "no free inodes"
    return None if disk.f_bavail else "no free space"


# SQLite's primary result codes of the disk, not of the file's content: IOERR, FULL
_DISK_ERRORS = (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL)


class DiskError(StorageError):
    """SQLite could not read or write beside the file (a full disk): not its content."""


class _Unfinished(StorageError):
    """Some of optuna's tables, no others and no study: maybe being made as we look.
    ``absent``: what it says is that no storage is there yet (`StorageAbsent`)."""

    def __init__(self, message: str, *, absent: bool):
        super().__init__(message)
        self.absent = absent


def _optuna_tables() -> set[str]:
    from optuna.storages._rdb.models import BaseModel

    return {"alembic_version", *BaseModel.metadata.tables}


def _optunas_studies(con) -> bool:
    """Whether the database's "studies" table has exactly the columns of optuna's."""
    from optuna.storages._rdb.models import BaseModel

    columns = [row[1] for row in con.execute("PRAGMA table_info(studies)")]
    return columns == [c.name for c in BaseModel.metadata.tables["studies"].columns]


def _not_optuna(path: Path, tables: set[str], read_only: bool, studies: int, *,
                missing_hint: str, first_only: bool = False) -> StorageError | None:
    """Why the SQLite database ``path`` holding ``tables`` (and ``studies`` studies) is
    not one optuna opens as it is, as the error to raise (`StorageAbsent` where it holds
    no storage yet); None when it is, or when it is a new, empty one a study run may fill.
    ``first_only``: its one table is optuna's first, "studies", with optuna's columns."""
    optuna_tables = _optuna_tables()
    # names only optuna gives its tables (an app may well have "studies" or "trials"); a
    # "studies" table of optuna's own columns alone is the first one optuna made, cut there
    # (QA: a full disk on a first run left it, and every run then refused the file as
    # "an SQLite database of another program")
    optuna_only = tables & {"version_info", "study_directions", "trial_values", "trial_params"}
    optuna_only = optuna_only or first_only
    # a first run stopped while optuna made its tables (Ctrl-C) left some and no study:
    # optuna makes the rest, so that is a new storage, not a damaged one (all of them and no
    # study: a storage whose studies were deleted, read as holding none)
    if not tables or (tables < optuna_tables and optuna_only and not studies):
        return StorageAbsent(f"no storage at {path} (an SQLite database without a study; "
                             f"{missing_hint})") if read_only else None
    missing = sorted(optuna_tables - tables)
    if not missing:
        return None
    shown = first_names(sorted(tables), 3, total=False)
    if not optuna_only:
        return StorageError(f"{path} is an SQLite database of another program (tables "
                            f"{shown}; no optuna tables); use another file")
    return StorageError(f"{path} is a damaged optuna database (no table "
                        f"{', '.join(missing)}); use another file, or a copy from before the "
                        "damage")


def enable_wal(path: Path) -> None:
    """WAL lets readers (``study show``, the dashboard) run while workers write; it is a
    property of the file, so setting it once before optuna connects covers every process."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    while True:
        try:
            with contextlib.closing(sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT)) as con:
                con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            # processes switching a new file at once: SQLite answers "locked" at once
            # rather than wait on a lock that could deadlock; the next try finds WAL set
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise StorageError(f"cannot open storage {path}: {exc}") from None
            time.sleep(0.05)


def sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, far fewer fsyncs
    cursor.close()
    sqlite_read_pragmas(dbapi_connection, _record)


def sqlite_read_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
    cursor.close()
