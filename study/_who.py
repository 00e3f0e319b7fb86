"""Which person ran a trial, or made a study: the OS user of its process and, on a
database server, the role the storage logged in as. On a lab's shared server a worker's
``host:pid`` says which machine, not whose it was."""

from __future__ import annotations

import getpass

from ._record import (
    DB_ROLE_KEY,
    OS_USER_KEY,
    tally_hplab_trials,
)

#: study user attribute: ``{"os_user", "db_role"}`` of the run that created it
CREATOR_ATTR = "hplab_created_by"


def os_user() -> str | None:
    """This process's OS user (`getpass.getuser`), or None where it cannot tell."""
    try:  # raises where no environment variable names one and the uid has no passwd entry
        return getpass.getuser() or None
    except Exception:  # OSError, KeyError (and ImportError of pwd off POSIX)
        return None


def db_role(storage) -> str | None:
    """The database role ``storage`` (an optuna storage, the cached one a study holds
    too) logs in as, None for a file or where it cannot tell. PostgreSQL is asked
    (``session_user``: a URL may name no user, libpq then takes PGUSER or the OS user's,
    and a role whose sessions ``SET role`` to a group reads as the group in
    ``current_user``); another server's is its URL's user. Never a password."""
    engine = getattr(getattr(storage, "_backend", storage), "engine", None)
    if engine is None or engine.dialect.name == "sqlite":
        return None
    if engine.dialect.name == "postgresql":
        import sqlalchemy

        try:
            with engine.connect() as conn:
                role = conn.execute(sqlalchemy.text("SELECT session_user")).scalar()
            return str(role) if role else None
        except Exception:  # a failing server: the URL's user, as another server's
            pass
    return engine.url.username or None


def _name(value) -> str | None:
    """A recorded name: None unless a non-empty string."""
    return value if isinstance(value, str) and value else None


def _names(record: dict) -> tuple[str | None, str | None]:
    """A record's (OS user, database role), `_name` each."""
    return _name(record.get(OS_USER_KEY)), _name(record.get(DB_ROLE_KEY))


def who_text(os_name, role) -> str | None:
    """How a table names a person: the role, with the OS user where it is another name
    (``al as alice``), the OS user alone for a file's trial; None where neither is known
    (a trial recorded before trials named them)."""
    os_name, role = _name(os_name), _name(role)
    if role and os_name and role != os_name:
        return f"{os_name} as {role}"
    return role or os_name


def trial_who(info: dict) -> str | None:
    """Who ran a trial, as tables name them: its database role, with the OS user where
    that is another name (``al as alice``), the OS user alone for a file's trial.

    Parameters
    ----------
    info : dict
        The trial's record (`trial_info`).

    Returns
    -------
    str or None
        None where the record names neither (written before records named people).
    """
    return who_text(*_names(info))


def creator(attrs: dict) -> str | None:
    """`who_text` of the run that created a study of user attributes ``attrs``; None
    for one created before studies named it."""
    made = attrs.get(CREATOR_ATTR)
    return trial_who(made) if isinstance(made, dict) else None


def creator_record(storage) -> dict:
    """What a new study stores under `CREATOR_ATTR`, ``storage`` its storage."""
    return {OS_USER_KEY: os_user(), DB_ROLE_KEY: db_role(storage)}


def person(storage) -> str | None:
    """`who_text` of this process, its storage ``storage``."""
    return who_text(os_user(), db_role(storage))


def trial_people(trials, study_created) -> list[dict]:
    """``[{"user", "os_user", "db_role", "n_trials"}]``: each person who ran trials of the
    study stamped ``study_created`` (its `CREATED_ATTR`), in the order of their first
    trial: ``user`` as tables name them (`who_text`), the record's OS user and database
    role, and how many trials. Trials recorded before records named people are one entry,
    every name None. Trials of another program or copied from another study are not
    counted.

    Parameters
    ----------
    trials : iterable of optuna.trial.FrozenTrial
        The study's trials.
    study_created : str or None
        The study's creation stamp (None: a study without one).

    Returns
    -------
    list of dict
    """
    counts = tally_hplab_trials(trials, study_created, _names)
    return [{"user": who_text(o, r), "os_user": o, "db_role": r, "n_trials": n}
            for (o, r), n in counts.items()]
