"""Where studies live: opening a storage (with heartbeats), and letting it go.

What a ``--storage`` names is parsed by ``_storage_url`` (`resolve_storage`,
`StorageURL`); the modules that open what they resolve import it from there.
"""

from __future__ import annotations

import logging
import os
import re
import time
import urllib.parse

import optuna

import nets

from ._errors import StorageAbsent, StorageError
from ._journal_file import open_journal
from ._retry_copy import RetryStaleTrial
from ._schema_version import open_rdb_storage
from ._sqlite_file import (
    SQLITE_BUSY_TIMEOUT,
    DiskError,
    check_sqlite,
    enable_wal,
    sqlite_pragmas,
    sqlite_read_pragmas,
    unwritable,
    unwritable_message,
)
from ._storage_errors import failure_text, refuse_unusable_schema
from ._storage_files import check_journal, check_readable, create_storage_file, special_file
from ._storage_url import StorageURL

CONNECT_TIMEOUT = 5  # seconds before an unreachable server is reported
# libpq: probe an idle connection after 30 s, every 10 s, and drop it after 3 unanswered
PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                 "keepalives_count": 3}
# what a study command says after its storage failed mid-run
RESUME_HINT = "; trials that finished stay stored, and the same command resumes the study"
# ...and after it failed in a run that replaces the study (`hplab demo`): resuming it
# would be wrong, as the same command deletes what this run stored
FRESH_HINT = "; the same command runs the study afresh"
# ...and after it failed before a new study was ready (QA: on a full disk, "resumes the
# study" of a study never stored; it may hold its spec, never a trial): `new_study_hint`
NEW_HINT = "; no trial was stored, and {}the same command starts the study"
_CREATE_ATTEMPTS = 5  # opening a fresh server database, when workers race to create tables


def new_study_hint(failed: str) -> str:
    """`NEW_HINT`, told when to run again where ``failed`` (the storage's words) says the
    disk is full (said first: a journal's mend may follow, "once its last line ...")."""
    full = any(word in failed for word in ("disk is full", "No space left", "no space left"))
    return NEW_HINT.format("once space is freed " if full else "")


def has_study(store, name: str) -> bool:
    """Whether ``store`` holds a study ``name`` (one query, not every study's records)."""
    try:
        store.get_study_id_from_name(name)
    except KeyError:
        return False
    return True


def _url_query(url: str) -> set[str]:
    """The names of a database URL's query settings (?connect_timeout=20&...)."""
    return set(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query))


def open_storage(where: StorageURL, *, create: bool = False, heartbeat_interval=None,
                 grace_period=None, max_retry: int | None = 2, read_only: bool = False):
    """An optuna storage for ``where``, with heartbeats when given (RDB only).

    With ``create=False`` a missing SQLite or journal file is an error instead of being
    created, so read-only commands never leave files behind, and a server's database
    without optuna's tables is read as an empty storage (optuna would create them).
    ``read_only`` (commands that only read) opens an SQLite file this user cannot write as
    it is, without its -wal/-shm files; otherwise such a file is refused, naming what is not
    writable.

    Parameters
    ----------
    where : StorageURL
        The storage (`resolve_storage`).
    create : bool
        Create a missing SQLite or journal file (and its folder).
    heartbeat_interval, grace_period : int, optional
        Seconds between a running trial's heartbeats, and of silence after which it is
        stale (the spec's); None: no heartbeats.
    max_retry : int, optional
        How many times a stale trial is retried (None: without limit), with heartbeats.
    read_only : bool
        The caller only reads (see above).

    Returns
    -------
    optuna.storages.BaseStorage
        Pass it to `release` when done.

    Raises
    ------
    StorageError
        A missing file without ``create``, a folder or special file, one this user cannot
        read (or reach: a closed folder), an unwritable one.
    """
    check_readable(where.path)
    special = where.path is not None and special_file(where.path)
    if special:  # reading one waits for a writer that never comes
        raise StorageError(f"storage {where.path} is {special}, not a file; give a file path")
    if where.path is not None and where.path.is_dir():  # sqlite:////: "'/' has an empty name"
        raise StorageError(f"storage {where.path} is a folder; give a file path in it")
    claim = where.path.with_name(where.path.name + ".claim") if where.path else None
    if not read_only and claim is not None and claim.exists() and not os.access(claim, os.R_OK):
        # study runs lock it to claim trials: refused before a run stores its budget
        raise StorageError(f"cannot open {where.path}: {claim.name} is not readable (study "
                           "runs lock it to claim trials); make it readable")
    if where.path is not None and not where.path.exists():
        if not create:
            raise StorageAbsent(f"no storage at {where.path} ({where.missing_hint})")
        try:
            nets.make_folder(where.path.parent, where.path)
        except NotADirectoryError as exc:  # a file, or a link to nowhere, on its way
            raise StorageError(f"storage {exc}; give a path in a folder") from None
        except OSError as exc:  # a read-only folder, or another user's
            raise StorageError(f"storage {exc}") from None
        create_storage_file(where)
    elif (not create and where.kind == "sqlite" and where.path is not None
          and where.path.is_file() and where.path.stat().st_size == 0):
        # an empty file holds no study; opening it would write optuna's tables into it
        raise StorageAbsent(f"no storage at {where.path} (an empty file; "
                             f"{where.missing_hint})")
    if where.kind == "journal":
        check_journal(where.path, appends=not read_only)
        return open_journal(where.path)
    kwargs = {}
    if heartbeat_interval:
        kwargs = {"heartbeat_interval": heartbeat_interval, "grace_period": grace_period,
                  "heartbeat_stale_trial_callback":
                      RetryStaleTrial(max_retry=max_retry)}
    url, immutable = where.url, False
    if where.kind == "sqlite" and where.path is not None:
        blocked = unwritable(where.path) if where.path.is_file() else []
        wal = where.path.with_name(where.path.name + "-wal")
        no_writer = not wal.exists() or wal.stat().st_size == 0  # no WAL frames
        # no one writing: read as is, as SQLite cannot make its -shm here (or would make
        # -wal/-shm as read-only as the database, refusing later writers)
        immutable = bool(read_only and blocked and no_writer)
        if blocked and not read_only:
            raise StorageError(unwritable_message(where.path, blocked))
        try:
            check_sqlite(where.path, immutable, read_only, missing_hint=where.missing_hint)
        except DiskError:
            if immutable or not (read_only and no_writer):
                raise
            # a full disk has no room for the -shm a read makes: read as is, as above
            immutable = True
            check_sqlite(where.path, immutable, read_only, missing_hint=where.missing_hint)
        if immutable:  # SQLAlchemy percent-decodes the path: the URI's escapes are escaped
            uri = where.path.resolve().as_uri().replace("%", "%25")
            url = f"sqlite:///{uri}?immutable=1&uri=true"
        elif not read_only:  # a reader leaves the file as it is
            enable_wal(where.path)
        engine_kwargs = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT}}
    elif where.url.startswith(("postgresql", "mysql")):
        engine_kwargs = {"connect_args": server_connect_args(where.url), "pool_pre_ping": True}
    else:
        engine_kwargs = {}
    for attempt in range(_CREATE_ATTEMPTS):
        try:
            # a URL option the driver ignores (sqlite's ?mode=ro) was ignored with a
            # warning, and the "read-only" database written: refused instead
            with nets.filtered_warnings(("error", Warning, "Query string argument")):
                if not create and where.kind == "rdb" and not _holds_tables(url,
                                                                          engine_kwargs):
                    return optuna.storages.InMemoryStorage()  # no study in it, left as is
                storage = open_rdb_storage(url, engine_kwargs=engine_kwargs, **kwargs)
            break
        except Exception as exc:  # sqlalchemy.exc.* and driver errors: one line, password masked
            ignored = re.match(r"Query string argument\(s\) (.+?) are not accepted", str(exc))
            if ignored:
                raise StorageError(f"cannot open storage {where.masked}: its driver does not "
                                   f"take the URL option(s) {ignored[1]}; leave them out"
                                   ) from None
            if attempt + 1 < _CREATE_ATTEMPTS and _lost_creation_race(exc):
                time.sleep(0.05 * 2 ** attempt)
                continue
            # the server's reason (no connection slot left, a permission), not optuna's
            # guess that wraps it ("invalid data in the commit, e.g. exceeding max length")
            raise StorageError(f"cannot open storage {where.masked}: "
                               f"{failure_text(exc, where)}") from None
    if where.kind == "sqlite" and not immutable:
        from sqlalchemy import event

        event.listen(storage.engine, "connect",
                     sqlite_read_pragmas if read_only else sqlite_pragmas)
        storage.engine.dispose()  # pooled connections predate the listener: reopen them
    elif storage.engine.dialect.name == "postgresql":
        from sqlalchemy import event

        event.listen(storage.engine, "connect", utc_session)
        storage.engine.dispose()  # opening it wrote no heartbeat: the zone mattered not yet
    pool_logger = storage.engine.pool.logger  # one per pool class, not per engine
    getattr(pool_logger, "logger", pool_logger).addFilter(_quiet_cursor_close)
    logging.getLogger(optuna.storages.RDBStorage.__module__).addFilter(_quiet_fallback)
    return storage


def _holds_tables(url: str, engine_kwargs: dict) -> bool:
    """Whether the database at ``url`` has optuna's tables (else optuna's RDB storage would
    make all 13 in a database `study list` was only pointed at). Its own two: another
    program's Alembic migrations keep an ``alembic_version`` table too."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, **engine_kwargs)
    try:
        refuse_unusable_schema(engine)
        names = set(sqlalchemy.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    return {"studies", "version_info"} <= names


def _quiet_cursor_close(record) -> bool:
    """A logging filter: drops SQLAlchemy's "Error closing cursor" traceback after Ctrl-C
    broke into a read (the interrupt closes the connection, then the cursor cannot be),
    which a pool worker printed to stderr beside its trial's "interrupted" record."""
    error = record.exc_info[1] if record.exc_info else None
    return not (record.msg == "Error closing cursor"
                and isinstance(getattr(error, "__context__", None), KeyboardInterrupt))


def _quiet_fallback(record) -> bool:
    """A logging filter: drops optuna's warning that a read of trials failed and a slower
    one follows (8 lines, the SQL included). A server gone mid-run printed it before
    hplab's one line, which the slower read, failing too, then gives; where that one
    succeeds (too many variables for SQLite), the warning told nothing to act on."""
    message = record.getMessage()
    return not (message.startswith("Caught an error from sqlalchemy: ")
                and message.endswith("Falling back to a slower alternative."))


def utc_session(dbapi_connection, connection_record=None) -> None:
    """Pin a PostgreSQL session's time zone to UTC.

    Optuna stores a heartbeat as a time without zone, the session's ``now()`` in the
    session's zone, and judges it stale against its own session's ``now()``: a worker whose
    zone differs (``PGTZ``, ``options=-c timezone=...`` in its URL, a server default met by
    a worker with either) had its live trials failed by the others, or failed theirs.
    Every hplab session in UTC agrees; a user's own zone wins nowhere here, as the zone
    serves only those heartbeats (optuna stamps a trial's start and end in Python).
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET TIME ZONE 'UTC'")
    finally:
        cursor.close()
    dbapi_connection.commit()  # a SET rolled back with its transaction would be undone


def server_connect_args(url: str) -> dict:
    """The driver's settings for a PostgreSQL or MySQL ``url``: a connect timeout, and
    PostgreSQL's TCP keepalives and UTF-8 client encoding; the URL's own settings stand."""
    args = {"connect_timeout": CONNECT_TIMEOUT}
    if url.startswith("postgresql"):
        # a server cut off mid-study (a network partition) is noticed about a minute
        # after its last answer instead of never: libpq's TCP keepalives
        args.update(PG_KEEPALIVES)
        # a database made under LANG=C is SQL_ASCII, whose text psycopg returns as bytes:
        # opening it failed ("cannot use a string pattern on a bytes-like object"), and a
        # study's Chinese name needs UTF-8 both ways anyway
        args["client_encoding"] = "utf8"
    given = _url_query(url)
    return {k: v for k, v in args.items() if k not in given}


def release(storage) -> None:
    """Close ``storage``'s pooled database connections (a later use reopens them): a
    Python caller's run_study or show_study kept them, eight descriptors and SQLite's
    -wal/-shm files each, until garbage collection found the engine.

    Parameters
    ----------
    storage : optuna.storages.BaseStorage
        What `open_storage` (or `open_study_storage`) returned; one without an engine (a
        journal) is left as it is.
    """
    engine = getattr(storage, "engine", None)
    if engine is not None:
        engine.dispose()


def _lost_creation_race(exc: BaseException) -> bool:
    """Whether opening failed because another process created optuna's tables meanwhile.

    Workers started together on a fresh server database all find the tables missing and
    all create them; PostgreSQL lets one win and fails the others on its catalog's unique
    index (or "already exists"). Opening again finds the tables and goes on.
    """
    from sqlalchemy import exc as sa_exc

    return (isinstance(exc, sa_exc.IntegrityError)
            or (isinstance(exc, sa_exc.DBAPIError) and "already exists" in str(exc)))
