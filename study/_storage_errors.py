"""A storage failing mid-command (a server gone, a file locked, a full disk): told in one
line naming the storage, password masked, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import sqlite3
import sys
from typing import TYPE_CHECKING

import optuna

from nets import notice, os_error_line

from ._errors import StorageError, StorageFailed
from ._storage_identity import file_identity, gone_message
from ._thread_hook import ThreadHook
from ._unreadable_records import (
    _bad_json_at,
    _raised_in_optuna,
    _unreadable,
    _unreadable_text,
    _what_unreadable,
)
from ._url_masking import _secrets

if TYPE_CHECKING:
    from ._storage_url import StorageURL

__all__ = ["failure_text", "refuse_unusable_schema", "storage_errors", "storage_failure",
           "study_deleted"]


def _journal_mend(where: StorageURL) -> str:
    """For a journal whose last line the failure cut short, how to mend it before the same
    command runs again (`cut_line_advice`); '' for any other storage."""
    if where.kind != "journal" or where.path is None:
        return ""
    from ._journal_file import cut_line_advice

    return cut_line_advice(where.path)


@contextlib.contextmanager
def storage_errors(where: StorageURL, after="", *, running: bool = False):
    """Turn a storage failing mid-command (a server gone, a file locked) into one
    `StorageError` naming it, password masked; ``after`` (what the same command does
    then) is appended to the message of a failure that may pass, which without it is a
    `StorageFailed` for the command around to end: a worker's run leaves that to the
    command that started it; a callable ``after`` is given the failure's one line and
    returns that text (what to do depends on how far the command got). ``running``: the
    command runs the study's trials, and a file gone meanwhile is told as `gone_message`
    (where its trials went).

    Meanwhile a thread that dies of it (optuna's heartbeat) says so in one line instead
    of a traceback; the command's own error follows.
    """
    token = ThreadHook.enter(where, _one_line)
    try:
        yield
    except StorageFailed as exc:  # an inner run's, ended here
        if not after:
            raise
        after = after(str(exc)) if callable(after) else after
        raise StorageError(f"{exc}{after}{_journal_mend(where)}") from None
    except StorageError:  # already one line
        raise
    except Exception as exc:
        if isinstance(exc, json.JSONDecodeError) and _raised_in_optuna(exc):
            raise StorageError(f"storage {where.masked} holds a value that is not valid JSON"
                               f" ({_bad_json_at(where)}{exc})") from None
        cause = storage_failure(exc)
        if cause is None and _unreadable(exc):
            raise StorageError(f"storage {where.masked} holds {_what_unreadable(exc)} optuna "
                               f"cannot read ({_unreadable_text(exc)}); use a copy from "
                               "before the edit") from None
        if cause is None:
            raise
        if running and where.path is not None and file_identity(where) is None:
            raise StorageError(gone_message(where)) from None
        failed = f"storage {where.masked} failed: {_first_line(cause, where.url)}"
        if refused(cause):  # the same command again is refused again
            raise StorageError(failed) from None
        if not after:
            raise StorageFailed(failed) from None
        after = after(failed) if callable(after) else after
        raise StorageError(f"{failed}{after}{_journal_mend(where)}") from None
    finally:
        ThreadHook.leave(token)


def _one_line(args, wheres: list) -> bool:
    """Say in one line that thread ``args.thread`` died of a storage of ``wheres`` (the
    calls inside) failing; False (said nothing) for another exception."""
    cause = storage_failure(args.exc_value)
    if cause is None:
        return False
    name = args.thread.name if args.thread is not None else "a thread"
    where = _failed_storage(cause, wheres)
    text = _first_line(cause, where.url)
    for other in wheres:  # (another call's password too, where it was not that one)
        text = _masked(text, other.url)
    # an error: the command's own error follows
    notice("study", f"{name}: storage {where.masked} failed: {text}", level=logging.ERROR)
    return True


def _failed_storage(cause: BaseException, wheres: list) -> StorageURL:
    """Which of ``wheres`` (the storages of the calls inside) failed with ``cause``: the
    file an OS error names, else the latest call's. A dying thread does not say which call
    started it; with one call inside (a command, most scripts) it is that one's."""
    filename = getattr(cause, "filename", None)
    if filename:
        for where in wheres:
            if where.path is not None and os.path.abspath(where.path) == os.path.abspath(
                    filename):
                return where
    return wheres[-1]


def storage_failure(exc: BaseException | None) -> BaseException | None:
    """The storage error behind ``exc``, if any, looking through its causes: optuna
    wraps database errors (``StorageInternalError``) and may raise something else while
    handling them (optuna 5.0's trial loop ends in an UnboundLocalError when tell and the
    read after it both fail, and in an AssertionError when a journal's write failed).
    A journal's errors are the OS's (a full disk), raised in optuna's storage code."""
    # SQLAlchemy's errors only where something imported it: a journal's run never does,
    # and importing it here cost the first pruned trial ~0.3 s
    sa_exc = sys.modules.get("sqlalchemy.exc")
    database = (sa_exc.SQLAlchemyError,) if sa_exc else ()
    driver = (sa_exc.DBAPIError,) if sa_exc else ()
    found, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (*database, sqlite3.Error, optuna.exceptions.StorageInternalError)
                      ) or (isinstance(exc, OSError) and _raised_in_optuna(exc, "storages")):
            found.append(exc)
        exc = exc.__cause__ or exc.__context__
    # the driver's (or the OS's) own message says what happened; optuna's wrapper guesses
    direct = [e for e in found if isinstance(e, (*driver, sqlite3.Error, OSError))]
    return (direct or found or [None])[0]


def study_deleted(exc: BaseException | None, storage, name: str, study_id: int) -> bool:
    """Whether ``exc`` is (or came from) optuna's KeyError for a record that is gone because
    study ``name`` (``study_id``, as this run loaded it) was deleted from ``storage``
    meanwhile (``optuna.delete_study`` from another process), another study perhaps made
    under its name since. Asked of the storage: any other KeyError is not one."""
    seen = set()
    # the context too where it was suppressed (`from None`): a worker's own one-line error
    # raised from the KeyError, met again by the run around it, is still this one
    while exc is not None and id(exc) not in seen and not isinstance(exc, KeyError):
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    if exc is None:
        return False
    # QA: two demos each deleted the study and made it again; asked by its name only, the
    # study was still there, and the KeyError came through as a traceback
    if _record_gone(exc):
        return True
    try:
        return study_id not in {s._study_id for s in storage.get_all_studies()
                                if s.study_name == name}
    except Exception:  # the storage failing now: its own error is the one to report
        return False


def _record_gone(exc: KeyError) -> bool:
    """Whether ``exc`` is an RDB storage's "Record does not exist." for a study or trial it
    looked up by id: one the run held is gone. (SQLite gives a study made again under the
    name the deleted one's id: asked afterwards, the storage cannot tell.)"""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    code = tb.tb_frame.f_code
    models = os.path.join(os.path.dirname(optuna.__file__), "storages", "_rdb", "models.py")
    return code.co_name == "find_or_raise_by_id" and code.co_filename == models


# MySQL's error numbers of a user refused: no access to the database, a wrong password,
# no right on a table or column, a missing privilege
_MYSQL_REFUSALS = {1044, 1045, 1142, 1143, 1227}


def refused(cause: BaseException) -> bool:
    """Whether the storage error ``cause`` refused this user (a missing privilege, a failed
    login) rather than failing for a while: running the command again cannot help."""
    orig = getattr(cause, "orig", None) or cause
    # PostgreSQL: insufficient_privilege, and class 28 (invalid authorization); psycopg 3
    # names it sqlstate, psycopg2 pgcode
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or ""
    if sqlstate == "42501" or sqlstate.startswith("28"):
        return True
    if isinstance(orig, OSError):  # a file (a journal) this user may not write
        return orig.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    code = orig.args[0] if getattr(orig, "args", None) else None
    return isinstance(code, int) and code in _MYSQL_REFUSALS


def failure_text(exc: BaseException, where: StorageURL) -> str:
    """What ``where`` said when it failed with ``exc``: one line, password masked."""
    text = _first_line(storage_failure(exc) or exc, where.url)
    if text.endswith("no password supplied") and where.url.startswith("postgresql"):
        # a printed command pasted: its *** was read as no password (`without_mask`)
        text += ("; give it in PGPASSWORD or ~/.pgpass (the *** of a URL hplab printed "
                 "stands for it)")
    return text


def _first_line(exc: BaseException, url: str) -> str:
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError) and orig.strerror:  # "No space left on device", no errno
        orig = os_error_line(orig)  # as every command words one
    text = " ".join(str(orig).strip().splitlines()[:1]) or type(orig).__name__
    return _masked(text, url)


def _masked(text: str, url: str) -> str:
    """``text`` with the password (and other secrets) of ``url`` as ``***``."""
    for secret in _secrets(url):
        # as a whole token (dots join one: an address): a password "1" or "p" turned
        # 127.0.0.1 into ***27.0.0.*** and "port" into ***ort (a driver echoes the URL,
        # where the password stands alone)
        text = re.sub(rf"(?<![\w.]){re.escape(secret)}(?![\w]|\.\w)", "***", text)
    return text


def refuse_unusable_schema(engine) -> None:
    """Refuse a PostgreSQL session that may use no schema of its search path (another
    user's, ``?options=-csearch_path%3Dalice``, without USAGE on it): the server skips
    such a schema, so its tables went unseen and a study there read as none there."""
    if engine.dialect.name != "postgresql":
        return
    import sqlalchemy

    with engine.connect() as conn:
        if conn.execute(sqlalchemy.text("SELECT current_schema()")).scalar() is not None:
            return
        path = conn.execute(sqlalchemy.text("SHOW search_path")).scalar()
    raise StorageError(f"this role may use no schema of its search_path ({path}): "
                          "it needs USAGE on the schema that holds the studies")
