"""Which folder holds the report of a study in a given storage, and whether it lags the
study (``hplab study show`` says so, without importing what draws a report).

A study's report goes to ``runs/studies/NAME`` (`study.study_folder`). The same name in
another storage (a copy of the database, a journal file, a server) is another study: its
report goes beside, to ``NAME-<hash of the storage>``, instead of replacing the first.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from ._held_results import unreadable
from ._index import read_report_info

_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


def storage_source(where) -> str:
    """What a report records as its storage: the resolved file, or the server's database.

    One database has many URL spellings: the driver (``+psycopg``), a password, query
    options (``?connect_timeout=10``) or a default port written out. A server storage is
    ``family://user@host:port/database``, without any of those.
    """
    if where.path is not None:
        return str(Path(where.path).resolve())
    from sqlalchemy.engine import make_url

    url = make_url(where.url)
    family = url.get_backend_name()
    query = {k: v if isinstance(v, str) else v[-1] for k, v in url.query.items()}
    host = (url.host or query.get("host") or "localhost").lower()  # libpq reads ?host= too
    port = url.port or query.get("port") or _DEFAULT_PORTS.get(family, "")
    user = url.username or query.get("user") or ""
    return f"{family}://{user}@{host}:{port}/{url.database or ''}"


def _same_storage(source: str | None, where) -> bool:
    # reports of earlier versions recorded a server storage as its masked URL
    return source is not None and source in (storage_source(where), where.masked)


def study_report_folder(name: str, storage=None) -> Path:
    """The folder of study ``name``'s report for ``storage`` (a ``--storage`` value or a
    `study.StorageURL`; None: the default)."""
    import study

    where = study.resolve_storage(storage)
    primary = study.study_folder(name)
    if _belongs(primary, where, missing_ok=True):
        return primary
    return _beside(primary, where)


def find_study_report(name: str, storage=None) -> Path | None:
    """The report written for study ``name`` in ``storage`` (as `study_report_folder`
    takes it), if there is one: one that records this storage, else a report of the
    previous version in the name's folder (it recorded no storage), else one this user
    cannot read (it may be the study's: `unreadable`)."""
    import study

    where = study.resolve_storage(storage)
    primary = study.study_folder(name)
    folders = (primary, _beside(primary, where))
    for folder in folders:
        info = read_report_info(folder / "report.html")
        if info is not None and _same_storage(info.source, where):
            return folder / "report.html"
    info = read_report_info(primary / "report.html")
    if info is not None and info.source is None:
        return primary / "report.html"
    return next((f / "report.html" for f in folders if unreadable(f / "report.html")), None)


def _belongs(folder: Path, where, *, missing_ok: bool = False) -> bool:
    info = read_report_info(folder / "report.html")
    if info is None:  # no report (or a file that is not an hplab report)
        return missing_ok
    # a report from before reports recorded their storage: rewritten by the next one
    return info.source is None or _same_storage(info.source, where)


def _beside(primary: Path, where) -> Path:
    digest = hashlib.sha1(storage_source(where).encode()).hexdigest()[:6]
    return primary.with_name(f"{primary.name}-{digest}")


def report_lags(path, summary: dict, again: str) -> str | None:
    """How the study report at ``path`` differs from the study as ``summary``
    (`study.show_study`) has it, ending in ``again``, the command that rewrites it:
    written at fewer trials, or from a deleted study of the same name. None if current."""
    info = read_report_info(path)
    if info is None:
        return None
    if info.study_created is not None and not _same_instant(info.study_created,
                                                            summary.get("created")):
        return f"written from an earlier study of this name: {again} rewrites it"
    said = next((h.get("text") for h in info.headline if h.get("label") == "Trials"), None)
    now = _finished_of(summary["n_finished"], summary["n_trials"])
    if said is None or str(said) == now:
        return None
    return f"written at {said} trials; now {now}: {again} brings it up to date"


def _same_instant(a: str, b: str | None) -> bool:
    """Whether two ISO stamps are one instant (an older report's naive one is this
    machine's local time); as text if either is not a date."""
    try:
        return datetime.fromisoformat(a).astimezone() == datetime.fromisoformat(b).astimezone()
    except (TypeError, ValueError):
        return a == b


def _finished_of(finished: int, budget: int) -> str:
    """"3 of 8"; "3 (budget 2)" once --trials lowered the budget below what ran."""
    return f"{finished} of {budget}" if finished <= budget else f"{finished} (budget {budget})"
