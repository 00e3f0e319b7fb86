"""What a ``--storage`` names: its forms, parsed into a `StorageURL` without touching the
storage (but for reading the first bytes of an existing file whose name says neither).

Accepted forms: nothing (the embedded SQLite file ``runs/hplab.db``), a ``*.db`` path,
``sqlite:///PATH``, ``postgresql://`` (mapped to the psycopg v3 driver), ``mysql://``,
any other SQLAlchemy URL optuna's RDBStorage takes, and journal files
(``journal:PATH`` or a ``*.log`` path). An existing file of another name is taken by what
its first bytes say it is (an Optuna journal ``a.journal``, an SQLite ``x.sqlitedb``).
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import nets
from data import expand_home

from ._errors import StorageError
from ._storage_files import check_readable, storage_kind
from ._url_masking import _url_parts, is_keyword_string, mask_url, without_mask

DEFAULT_STORAGE = "runs/hplab.db"
# SQLAlchemy dialect -> (module, pip hint) for the drivers we point users to.
_DRIVERS = {
    "postgresql+psycopg": ("psycopg", "pip install 'hplab[postgres]'"),
    "postgresql+psycopg2": ("psycopg2", "pip install psycopg2-binary"),
    "mysql": ("MySQLdb", "pip install mysqlclient, or use mysql+pymysql://"),
    "mysql+mysqldb": ("MySQLdb", "pip install mysqlclient, or use mysql+pymysql://"),
    "mysql+pymysql": ("pymysql", "pip install pymysql"),
}


@dataclass(frozen=True)
class StorageURL:
    """A resolved storage.

    Attributes
    ----------
    kind : str
        ``"sqlite"``, ``"journal"`` or ``"rdb"``.
    url : str
        What optuna gets.
    path : Path or None
        The file of a sqlite or journal storage; None for a server.
    given : bool
        False for the default storage (no ``--storage`` given).
    """

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
        """Whether its file exists; a storage without a file (a server) always does."""
        return self.path is None or self.path.exists()

    def absolute(self) -> StorageURL:
        """This storage with its file's path absolute, as pool workers get it: loky keeps
        its workers for the process's next pool, each in the folder it started in, and
        after a caller's chdir they opened that folder's runs/hplab.db (another project's
        study took the trials)."""
        if self.path is None or self.path.is_absolute():
            return self
        return self._at(self.path.absolute())

    def seen_from(self, folder) -> StorageURL:
        """This storage with a relative file path made relative to ``folder`` (a report's
        command run from its own folder); a server, or a file named by an absolute path,
        as it is. Given, as a command must name it.

        Parameters
        ----------
        folder : str or path
            The folder a command will run from.
        """
        if self.path is None or self.path.is_absolute():
            return replace(self, given=True)
        # from where the folder and the file are on disk: a command run there climbs each
        # ".." from the folder itself (QA: from runs/studies/NAME, runs a link to another
        # disk, ../../../s.db named a file beside the link's target, "no storage at")
        path = self.path.absolute()
        target = os.path.join(os.path.realpath(path.parent), path.name)
        return replace(self._at(Path(os.path.relpath(target, os.path.realpath(folder)))),
                       given=True)

    def _at(self, path: Path) -> StorageURL:
        url = (f"journal:{path}" if self.kind == "journal" else
               _sqlite_url(path, self.url.partition("?")[2]))
        return replace(self, url=url, path=path)


def _sqlite_url(path: Path, query: str = "") -> str:
    """The SQLAlchemy URL of the SQLite file ``path``: SQLAlchemy percent-decodes the
    database part (from 2.1: 2.0 kept q%3Fx.db as it was, hence the bound) and ends it at
    a '?', so both are escaped (else another file opens)."""
    escaped = str(path).replace("%", "%25").replace("?", "%3F")
    return f"sqlite:///{escaped}" + (f"?{query}" if query else "")


# the forms --storage takes, for the errors that refuse another
_FORMS = ("a URL (sqlite:///, postgresql://, mysql://), a .db file or a journal .log or .jsonl "
          "file (journal:PATH for a journal file of any name)")


def _existing_kind(path: Path) -> str | None:
    """``sqlite`` or ``journal`` for an existing file of that kind (by its first bytes, read
    only), whatever its name ends in; None for anything else (a folder, a FIFO: never read)."""
    try:
        return storage_kind(path) if path.is_file() else None
    except OSError:  # unreadable: the name alone decides, as for a file not there
        return None


def _file_path(text: str, path: str) -> str:
    """``path``, the file a storage ``text`` names, refused where it ends in a separator:
    journal:runs/ wrote a file named runs."""
    try:
        nets.check_file_path(path, "the storage")
    except ValueError as exc:
        raise StorageError(f"storage {mask_url(text)}: {exc}") from None
    return path


def resolve_storage(text: str | os.PathLike | StorageURL | None) -> StorageURL:
    """Parse a ``--storage`` value (a URL, or a file path: str or os.PathLike) without
    touching anything but reading the first bytes of an existing file whose name says
    neither journal nor SQLite (a parsed one is returned as it is).

    Parameters
    ----------
    text : str, os.PathLike, StorageURL or None
        A database URL (``sqlite:///runs/k.db``, ``postgresql://...``), a file path
        (``runs/k.db``; ``journal:PATH`` or a ``*.log`` path: a journal), a parsed one, or None:
        ``runs/hplab.db``.

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
        path = expand_home(_file_path(text, text[len("journal:"):]))
        check_readable(path)  # is_dir raised PermissionError behind a closed folder
        if path.is_dir():
            raise StorageError(f"{path} is a folder; a journal storage is a file in one")
        return StorageURL("journal", f"journal:{path}", path)
    if "://" not in text:
        path = expand_home(_file_path(text, text))
        # the name first: reading a database's bytes with open() and close() releases
        # every POSIX lock this process's SQLite connections hold on it (a study, a
        # notebook's, open meanwhile), and a pool's workers then lost the budget a
        # script had just stored. A file whose name says the other kind is refused
        # naming the form that opens it (`check_journal`, `_sqlite_file`)
        if path.suffix in (".log", ".jsonl"):
            return StorageURL("journal", f"journal:{path}", path)
        if path.suffix in (".db", ".sqlite", ".sqlite3"):
            return StorageURL("sqlite", _sqlite_url(path), path)
        kind = _existing_kind(path)  # a.journal, as optuna's own examples name one
        if kind == "journal":
            return StorageURL("journal", f"journal:{path}", path)
        if kind == "sqlite":
            return StorageURL("sqlite", _sqlite_url(path), path)
        # a URL missing a slash (postgresql:/u:pw@h) comes here: its password masked, as
        # a libpq key=value string's (host=h password=pw)
        hint = ("; a libpq key=value string: write it as a URL, "
                "postgresql://USER:PASSWORD@HOST:PORT/DBNAME") if is_keyword_string(text) else ""
        raise StorageError(f"storage {mask_url(text)!r}: expected {_FORMS}{hint}")
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
        path = expand_home(_file_path(text, database))
        return StorageURL("sqlite", _sqlite_url(path, text.partition("?")[2]), path)
    if scheme in ("postgresql", "postgres"):
        text = "postgresql+psycopg://" + text.split("://", 1)[1]
        scheme = "postgresql+psycopg"
    if scheme.startswith("redis"):
        raise StorageError("redis storage is not supported; use PostgreSQL or a journal file")
    # a printed command pasted: its *** is no password, PGPASSWORD or ~/.pgpass holds it
    text = without_mask(text)
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
