"""The lock a running `hplab demo` holds on its storage, from its look at the earlier demo
to its report: a second demo on that storage is refused in one line. Two demos started
together each deleted the study the other had just made (a KeyError traceback), or one
refused the other's study, made but not yet stamped, as no demo's."""

from __future__ import annotations

import contextlib
import fcntl
import zlib
from pathlib import Path

from ._errors import StorageError
from ._lock_holder import open_to_lock
from ._storage import server_connect_args
from ._storage_errors import failure_text, storage_failure
from ._storage_files import check_storage_writable
from ._storage_url import resolve_storage


@contextlib.contextmanager
def demo_running(storage):
    """Hold ``storage``'s demo lock while the block runs; a ValueError if another demo
    holds it. Files use an flock beside them (``PATH.demo-lock``), PostgreSQL and MySQL a
    named lock on the server, so demos on other machines are refused too; a process that
    dies lets go of either. Other storages, and a file beside which none can be made, go
    unlocked (a running demo is still told by its running trials: `earlier_demo`).

    Parameters
    ----------
    storage : str, optional
        Any storage form `resolve_storage` takes.
    """
    where = resolve_storage(storage)
    # a storage this user cannot write is refused before its lock file is made: another
    # user's team.db was refused all the same, and left this user's empty team.db.demo-lock
    check_storage_writable(where)
    try:
        held = _take(where)
    except Exception as exc:  # its first word with the storage: said as opening's is
        if storage_failure(exc) is None:
            raise
        raise StorageError(f"cannot open storage {where.masked}: "
                           f"{failure_text(exc, where)}") from None
    if held is False:
        raise ValueError(f"another hplab demo is running on {where.masked}; wait for it "
                         "to end, or give another --storage")
    try:
        yield
    finally:
        if held is not None:
            held.close()  # an flock goes with its file; a server's lock with its session


def _take(where):
    """The held lock (a file, or a connection to close), False if another demo holds it,
    None where there is none to take."""
    if where.path is not None:
        return _take_file(Path(f"{where.path}.demo-lock"))
    if where.kind != "rdb":
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    if not where.url.startswith(("postgresql", "mysql")):
        return None
    # a connection of its own, closed at the end: NullPool ends its session with it
    engine = create_engine(where.url, poolclass=NullPool,
                           connect_args=server_connect_args(where.url))
    dialect = engine.dialect.name
    # autocommit: no transaction left open for the whole run (a role's
    # idle_in_transaction_session_timeout would end the session, and the lock with it)
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    # PostgreSQL's advisory locks are the database's; MySQL's named locks the server's
    key = zlib.crc32(f"hplab-demo:{engine.url.database}".encode())
    sql = ("SELECT pg_try_advisory_lock(:k)" if dialect == "postgresql"
           else "SELECT GET_LOCK(CONCAT('hplab-demo:', :k), 0)")
    if conn.execute(text(sql), {"k": key}).scalar():
        return conn
    conn.close()
    return False


def _take_file(path: Path):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # runs/ of a first demo
        handle = open_to_lock(path)
    except OSError:  # a folder this user cannot write: the run says what it cannot make
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    except OSError:  # no flock there (some network file systems): unlocked
        handle.close()
        return None
    return handle
