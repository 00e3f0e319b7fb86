"""Where studies live: storage URLs, masking, opening (with heartbeats).

Accepted forms: nothing (the embedded SQLite file ``runs/hplab.db``), a ``*.db`` path,
``sqlite:///PATH``, ``postgresql://`` (mapped to the psycopg v3 driver), ``mysql://``,
any other SQLAlchemy URL optuna's RDBStorage takes, and journal files
(``journal:PATH`` or a ``*.log`` path). An existing file of another name is taken by what
its first bytes say it is (an Optuna journal ``a.journal``, an SQLite ``x.sqlitedb``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import time
import urllib.parse
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import optuna

import nets

from ._errors import StorageError
from ._journal_file import open_journal
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
from ._storage_errors import failure_text
from ._storage_files import check_journal, create_storage_file, special_file, storage_kind
from ._url_masking import _url_parts, mask_url

DEFAULT_STORAGE = "runs/hplab.db"
CONNECT_TIMEOUT = 5  # seconds before an unreachable server is reported
# libpq: probe an idle connection after 30 s, every 10 s, and drop it after 3 unanswered
PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                 "keepalives_count": 3}
# what a study command says after its storage failed mid-run
RESUME_HINT = "; trials that finished stay stored, and the same command resumes the study"
_CREATE_ATTEMPTS = 5  # opening a fresh server database, when workers race to create tables
# SQLAlchemy dialect -> (module, pip hint) for the drivers we point users to.
_DRIVERS = {
    "postgresql+psycopg": ("psycopg", "pip install hplab[postgres]"),
    "postgresql+psycopg2": ("psycopg2", "pip install psycopg2-binary"),
    "mysql": ("MySQLdb", "pip install mysqlclient, or use mysql+pymysql://"),
    "mysql+mysqldb": ("MySQLdb", "pip install mysqlclient, or use mysql+pymysql://"),
    "mysql+pymysql": ("pymysql", "pip install pymysql"),
}


@dataclass(frozen=True)
class StorageURL:
    """A resolved storage: ``kind`` is sqlite, journal or rdb; ``url`` is what optuna gets."""

    kind: str
    url: str
    path: Path | None = None  # sqlite and journal files
    given: bool = field(default=True, compare=False)  # False: the default, no --storage

    @property
    def missing_hint(self) -> str:
        """What to do when it holds no study: another --storage only if none was given."""
        return ("run a study first, or pass --storage" if not self.given else
                "check the path, or run a study into it first")

    @property
    def masked(self) -> str:
        return mask_url(self.url)

    def __repr__(self) -> str:
        # a notebook cell's output (saved in the notebook) showed the password in clear;
        # str() is this too
        return (f"StorageURL(kind={self.kind!r}, url={self.masked!r}, "
                f"path={mask_url(repr(self.path))}, given={self.given!r})")

    def exists(self) -> bool:
        return self.path is None or self.path.exists()

    def absolute(self) -> StorageURL:
        """This storage with its file's path absolute, as pool workers get it: loky keeps
        its workers for the process's next pool, each in the folder it started in, and
        after a caller's chdir they opened that folder's runs/hplab.db (another project's
        study took the trials)."""
        if self.path is None or self.path.is_absolute():
            return self
        path = self.path.absolute()
        url = (f"journal:{path}" if self.kind == "journal" else
               _sqlite_url(path, self.url.partition("?")[2]))
        return replace(self, url=url, path=path)


def _home(path: Path) -> Path:
    """``~`` and ``~user`` expanded; a name that only starts with '~' (``~backup.db``,
    no such user) stays a name."""
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def _sqlite_url(path: Path, query: str = "") -> str:
    """The SQLAlchemy URL of the SQLite file ``path``: SQLAlchemy percent-decodes the
    database part and ends it at a '?', so both are escaped (else another file opens)."""
    escaped = str(path).replace("%", "%25").replace("?", "%3F")
    return f"sqlite:///{escaped}" + (f"?{query}" if query else "")


# the forms --storage takes, for the errors that refuse another
_FORMS = ("a URL (sqlite:///, postgresql://, mysql://), a .db file or a journal .log file "
          "(journal:PATH for a journal file of any name)")


def _existing_kind(path: Path) -> str | None:
    """``sqlite`` or ``journal`` for an existing file of that kind (by its first bytes, read
    only), whatever its name ends in; None for anything else (a folder, a FIFO: never read)."""
    try:
        return storage_kind(path) if path.is_file() else None
    except OSError:  # unreadable: the name alone decides, as for a file not there
        return None


def _url_query(url: str) -> set[str]:
    """The names of a database URL's query settings (?connect_timeout=20&...)."""
    return set(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query))


def resolve_storage(text: str | os.PathLike | StorageURL | None) -> StorageURL:
    """Parse a ``--storage`` value (a URL, or a file path: str or os.PathLike) without
    touching anything but reading the first bytes of an existing file whose name says
    neither journal nor SQLite (a parsed one is returned as it is).

    Raises
    ------
    TypeError
        Neither a str, a path nor None.
    StorageError
        Unknown form, or a database URL whose driver is not installed (with a pip hint).
    """
    if isinstance(text, StorageURL):
        return text
    if isinstance(text, os.PathLike):  # a notebook's Path("runs/a.db")
        text = os.fsdecode(text)
    elif text is not None and not isinstance(text, str):
        raise TypeError(f"storage must be a storage URL or a file path (str or os.PathLike), "
                        f"got {type(text).__name__}")
    if not (text or "").strip():
        return replace(resolve_storage(DEFAULT_STORAGE), given=False)
    text = text.strip()
    # '~' is expanded here: the shell leaves it in --storage=~/x.db and in URLs
    if text.startswith("journal:"):
        if not text[len("journal:"):].strip():  # Path("") is ".", a folder
            raise StorageError("journal: needs a file path, e.g. journal:runs/study.log")
        if re.match(r"[A-Za-z][\w+.-]*://", text[len("journal:"):]):
            # Path() made journal:postgresql://u:pw@h/db the local folders postgresql:/u:pw@h
            raise StorageError(f"storage {mask_url(text)}: journal: takes a file path, not a "
                               "URL; give a server's URL without journal:")
        path = _home(Path(text[len("journal:"):]))
        if path.is_dir():
            raise StorageError(f"{path} is a folder; a journal storage is a file in one")
        return StorageURL("journal", f"journal:{path}", path)
    if "://" not in text:
        path = _home(Path(text))
        if path.suffix in (".log", ".jsonl"):
            return StorageURL("journal", f"journal:{path}", path)
        if path.suffix in (".db", ".sqlite", ".sqlite3"):
            return StorageURL("sqlite", _sqlite_url(path), path)
        kind = _existing_kind(path)  # a.journal, as optuna's own examples name one
        if kind == "journal":
            return StorageURL("journal", f"journal:{path}", path)
        if kind == "sqlite":
            return StorageURL("sqlite", _sqlite_url(path), path)
        # a URL missing a slash (postgresql:/u:pw@h) comes here: its password masked
        raise StorageError(f"storage {mask_url(text)!r}: expected {_FORMS}")
    scheme = text.split("://", 1)[0].lower()
    if scheme == "sqlite":
        from sqlalchemy.engine import make_url

        try:  # the file SQLAlchemy opens: percent-decoded, without ?timeout=30
            database = make_url(text).database or ""
        except Exception as exc:
            raise StorageError(f"storage {text!r}: {exc}") from None
        if database in ("", ":memory:"):
            raise StorageError(f"storage {text!r}: an in-memory database lives and dies with "
                               "one process; give a file (sqlite:///runs/hplab.db)")
        path = _home(Path(database))
        return StorageURL("sqlite", _sqlite_url(path, text.partition("?")[2]), path)
    if scheme in ("postgresql", "postgres"):
        text = "postgresql+psycopg://" + text.split("://", 1)[1]
        scheme = "postgresql+psycopg"
    if scheme.startswith("redis"):
        raise StorageError("redis storage is not supported; use PostgreSQL or a journal file")
    # SQLAlchemy reads a password up to its first '@' (u:a@b?c@h goes to host b)
    if text.partition("://")[2].partition("?")[0].count("@") > 1 or "@" in _url_parts(text)[1]:
        raise StorageError(f"storage {mask_url(text)}: more than one '@' before the host; "
                           "write an '@' in the user name or password as %40")
    module, hint = _DRIVERS.get(scheme, (None, None))
    if module and importlib.util.find_spec(module) is None:
        raise StorageError(f"storage {mask_url(text)} needs the {module} driver: {hint}")
    try:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import NoSuchModuleError

        make_url(text).get_dialect()  # an unknown scheme fails here, not when opened
    except NoSuchModuleError:  # "Can't load plugin: sqlalchemy.dialects:postgresq"
        raise StorageError(f"storage {mask_url(text)}: unknown scheme {scheme}://; expected "
                           f"{_FORMS}") from None
    except Exception as exc:
        raise StorageError(f"storage {mask_url(text)}: {exc}") from None
    return StorageURL("rdb", text, None)


def open_storage(where: StorageURL, *, create: bool = False, heartbeat_interval=None,
                 grace_period=None, max_retry: int | None = 2, read_only: bool = False):
    """An optuna storage for ``where``, with heartbeats when given (RDB only).

    With ``create=False`` a missing SQLite or journal file is an error instead of being
    created, so read-only commands never leave files behind, and a server's database
    without optuna's tables is read as an empty storage (optuna would create them).
    ``read_only`` (commands that only read) opens an SQLite file this user cannot write as
    it is, without its -wal/-shm files; otherwise such a file is refused, naming what is not
    writable.
    """
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
            raise StorageError(f"no storage at {where.path} ({where.missing_hint})")
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
        raise StorageError(f"no storage at {where.path} (an empty file; "
                           f"{where.missing_hint})")
    if where.kind == "journal":
        check_journal(where.path, appends=not read_only)
        return open_journal(where.path)
    kwargs = {}
    if heartbeat_interval:
        kwargs = {"heartbeat_interval": heartbeat_interval, "grace_period": grace_period,
                  "heartbeat_stale_trial_callback":
                      optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=max_retry)}
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
        args = {"connect_timeout": CONNECT_TIMEOUT}
        if where.url.startswith("postgresql"):
            # a server cut off mid-study (a network partition) is noticed about a minute
            # after its last answer instead of never: libpq's TCP keepalives
            args.update(PG_KEEPALIVES)
        given = _url_query(where.url)  # the URL's own settings stand
        engine_kwargs = {"connect_args": {k: v for k, v in args.items() if k not in given},
                         "pool_pre_ping": True}
    else:
        engine_kwargs = {}
    for attempt in range(_CREATE_ATTEMPTS):
        try:
            with warnings.catch_warnings():
                # a URL option the driver ignores (sqlite's ?mode=ro) was ignored with a
                # warning, and the "read-only" database written: refused instead
                warnings.filterwarnings("error", message="Query string argument")
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


def release(storage) -> None:
    """Close ``storage``'s pooled database connections (a later use reopens them): a
    Python caller's run_study or show_study kept them, eight descriptors and SQLite's
    -wal/-shm files each, until garbage collection found the engine."""
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
