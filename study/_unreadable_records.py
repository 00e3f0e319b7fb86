"""A storage holding what optuna cannot read (a record edited by hand): a trial's value
that is no number, an attribute that is no JSON, a NULL or a state its readers choke on;
told in one line naming the record where it can be found."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from typing import TYPE_CHECKING

import optuna

from ._errors import StorageError

if TYPE_CHECKING:
    from ._storage_url import StorageURL

__all__ = ["checked_trials"]


def _raised_in_optuna(exc: BaseException, subpackage: str = "") -> bool:
    """Whether optuna's code (of ``subpackage``, e.g. ``storages``) is in the traceback of
    ``exc`` (reading what it stored, writing to its storage)."""
    package = os.path.join(os.path.dirname(optuna.__file__), subpackage, "")
    tb = exc.__traceback__
    while tb is not None and not tb.tb_frame.f_code.co_filename.startswith(package):
        tb = tb.tb_next
    return tb is not None


# what optuna's and SQLAlchemy's readers raise on stored content they cannot read: a NULL
# where a value must be (AssertionError), a state no enum holds (LookupError), a date that
# is none (ValueError); not KeyError, optuna's word for a record deleted meanwhile
_UNREADABLE = (AssertionError, LookupError, ValueError, TypeError)


def _unreadable(exc: BaseException) -> bool:
    """Whether ``exc`` is optuna's storage failing to read what it holds: raised by
    optuna's or SQLAlchemy's own code (not ours called back) while optuna's storage read."""
    if isinstance(exc, KeyError) or not isinstance(exc, _UNREADABLE):
        return False
    if not _raised_in_optuna(exc, "storages") or not _optuna_reading(exc):
        return False
    return _library_of(_raising_file(exc)) is not None


# optuna's storages' functions that read what is stored (``_get_trials``,
# ``_read_trials_from_remote_storage``, ``_build_frozen_trial_from_trial_model``): a
# ValueError of a write (a parameter's distribution changed) is the caller's, not the file's
_READS = ("get", "_get", "read", "_read", "_build", "load", "_load")


def _optuna_reading(exc: BaseException) -> bool:
    package = os.path.join(os.path.dirname(optuna.__file__), "storages", "")
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(package) and code.co_name.startswith(_READS):
            return True
        tb = tb.tb_next
    return False


def _raising_file(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename if tb is not None else ""


def _library_of(filename: str) -> str | None:
    """"optuna" or "sqlalchemy" if ``filename`` is theirs (SQLAlchemy's compiled readers
    name theirs ``lib/sqlalchemy/...``), else None."""
    if filename.startswith(os.path.join(os.path.dirname(optuna.__file__), "")):
        return "optuna"
    parts = filename.replace("\\", "/").split("/")
    return "sqlalchemy" if "sqlalchemy" in parts else None


def _what_unreadable(exc: BaseException) -> str:
    """"a trial" when optuna was reading trials, else "a record"."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if _library_of(code.co_filename) == "optuna" and "trial" in code.co_name:
            return "a trial"
        tb = tb.tb_next
    return "a record"


def _unreadable_text(exc: BaseException) -> str:
    text = " ".join(str(exc).strip().splitlines()[:1])
    if text:
        return text
    # a bare assert: where it failed says more than its empty message
    return f"{type(exc).__name__} in {os.path.basename(_raising_file(exc))}"


def checked_trials(study, where: StorageURL) -> list:
    """``study``'s trials, refused in one `StorageError` when one holds a value that is not
    a number: optuna's journal replays whatever a line holds (a value edited to "abc"),
    and comparing it failed mid-summary, after a run had stored trials. (Infinities stay:
    optuna stores them; NaN it never does.)"""
    trials = study.get_trials(deepcopy=False)
    for t in trials:
        for value in t.values or ():
            if (isinstance(value, bool) or not isinstance(value, int | float)
                    or value != value):
                raise StorageError(
                    f"storage {where.masked} holds a trial optuna cannot read (trial "
                    f"{t.number} of study {study.study_name!r}: value {value!r} is not a "
                    "number); use a copy from before the edit")
    return trials


# every attribute of an optuna SQLite storage: its study's name, its trial's number, its key
_ATTRIBUTES = " UNION ALL ".join(
    [f"SELECT s.study_name, t.number, a.key, a.value_json FROM {table} a JOIN trials t "
     "ON t.trial_id = a.trial_id JOIN studies s ON s.study_id = t.study_id"
     for table in ("trial_user_attributes", "trial_system_attributes")]
    + [f"SELECT s.study_name, NULL, a.key, a.value_json FROM {table} a JOIN studies s "
       "ON s.study_id = a.study_id" for table in ("study_user_attributes",
                                                  "study_system_attributes")])


def _bad_json_at(where: StorageURL) -> str:
    """``trial N of study 'x', attribute 'key': ``, the first stored attribute that is not
    JSON, looked up in an SQLite file ('' elsewhere, or if none is found)."""
    if where.kind != "sqlite" or where.path is None:
        return ""
    try:
        with contextlib.closing(sqlite3.connect(f"{where.path.resolve().as_uri()}?mode=ro",
                                                uri=True)) as con:
            for study_name, number, key, value in con.execute(_ATTRIBUTES):
                try:
                    json.loads(value)
                except ValueError:
                    trial = "" if number is None else f"trial {number} of "
                    return f"{trial}study {study_name!r}, attribute {key!r}: "
    except sqlite3.Error:  # the message without the place
        pass
    return ""
