"""Which folder holds the report of a study in a given storage (whether that report lags
the study is `_study_lag`'s to say).

A study's report goes to ``runs/studies/NAME`` (`study.study_folder`). The same name in
another storage (a copy of the database, a journal file, a server) is another study: its
report goes beside, to ``NAME-<hash of the storage>``, instead of replacing the first.
A storage file moved with its project folder (renamed, moved) is no other storage: a report
recording a file that is gone from the place in its project this storage has in the working
folder (or in the folder holding both this storage and the report: a command run from the
report's folder), and the creation stamp of the study now found under its name
(`study.study_created`), is that study's, rewritten where it is (``NAME``, or
``NAME-<hash>`` of the path the file had). So is, in a server database, a report of the
study's creation stamp recorded with another spelling of the server (host, port, user,
driver) and the same database name: the same study however it is reached. A study made
before hplab stamped its studies is known by its first trial's start instead; before that
trial, only its own spelling finds its report.
"""

from __future__ import annotations

import glob
import hashlib
from datetime import datetime
from pathlib import Path

from ._held_results import unreadable
from ._report_info import read_report_info

_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


def storage_source(where) -> str:
    """What a report records as its storage: the resolved file, or the server's database.

    One database has many URL spellings: the driver (``+psycopg``), a password, query
    options (``?connect_timeout=10``) or a default port written out. A server storage is
    ``family://user@host:port/database``, without any of those. Its host, port and user
    are still one spelling of several (localhost, 127.0.0.1): a report names its study
    too, which `_same_server_study` knows by its creation stamp.
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
    host = f"[{host}]" if ":" in host else host  # an IPv6 address, bracketed as in a URL
    return f"{family}://{user}@{host}:{port}/{url.database or ''}"


def _same_storage(source: str | None, where) -> bool:
    # reports of earlier versions recorded a server storage as its masked URL
    return source is not None and source in (storage_source(where), where.masked)


def of_storage(info, where, created: str | None = None) -> bool:
    """Whether the report ``info`` (`read_report_info`) may be of the study in storage
    ``where`` whose creation stamp is ``created``: it records that storage (or, the
    storage file moved, that study), or none (written before reports recorded it: the
    next report of its name rewrites it)."""
    return info.source is None or _same_study(info, where, created)


def _same_study(info, where, created: str | None) -> bool:
    """Whether report ``info`` is of the study in ``where`` whose creation stamp is
    ``created`` (None: not known, the storage alone tells)."""
    return (_same_storage(info.source, where) or _moved_here(info, where, created)
            or _same_server_study(info, where, created))


def _same_server_study(info, where, created: str | None) -> bool:
    # one server database has more names than its URL can unify: localhost, 127.0.0.1 and
    # the host's DNS name, a role of another user, a pooler's port. A report of a study of
    # this stamp in a database of this name and kind is this study's, wherever it was
    # reached. A copy of the database under another name (createdb -T) is another study,
    # as a copied storage file is; one on another server under the same name is not told
    return (where.path is None and created is not None and info.study_created is not None
            and _same_instant(info.study_created, created)
            and _server_database(info.source) == _server_database(storage_source(where)))


def _server_database(source: str | None) -> tuple[str, str] | None:
    """The kind and name of the server database a report recorded (``source``, as
    `storage_source` or, in earlier versions, a masked URL gives it); None for a file.
    Read by hand: earlier versions recorded an IPv6 host unbracketed (``hp@::1:5432``)."""
    scheme, sep, rest = (source or "").partition("://")
    if not sep:
        return None
    return scheme.partition("+")[0], rest.partition("?")[0].rpartition("/")[2]


def _moved_here(info, where, created: str | None) -> bool:
    # the file it recorded is gone and the study it recorded is this one: the storage
    # moved with its project folder. A file still there is a copy of the database, which
    # holds a study of that stamp too (optuna.copy_study keeps it), and is another study;
    # so is a copy made after the move under another name or outside the project
    return (where.path is not None and created is not None and info.study_created is not None
            and _same_instant(info.study_created, created) and _gone_file(info.source)
            and any(_same_place(info.source, where.path, project)
                    for project in _project_folders(info.path, where.path)))


def _project_folders(report: Path, path) -> list[Path]:
    """The folders that may be the project of the report ``report`` and the storage file
    ``path``: the working folder (which holds ``runs/``), and the deepest folder holding
    both (QA: run from the moved report's folder, ``--storage ../../hplab.db``, the
    storage is not under the working folder, and its report was refused as another's)."""
    folders = []
    try:
        folders.append(Path.cwd().resolve())
        file = Path(path).resolve()
        folder = Path(report).resolve().parent
    except OSError:  # no working folder
        return folders
    while not file.is_relative_to(folder) and folder != folder.parent:
        folder = folder.parent
    return [*folders, folder] if folder != folder.parent else folders


def _same_place(source: str, path: Path, project: Path) -> bool:
    """Whether the storage file ``path`` sits in the folder ``project`` where the file
    ``source`` sat in its own: ``source`` ends with the path from ``project`` to ``path``,
    and no longer end of it names a file there (``/old/bk/st.db`` moved to ``bk/st.db``,
    not to a copy ``st.db`` beside it)."""
    try:
        inside = Path(path).resolve().relative_to(project)
    except (ValueError, OSError):  # outside that folder
        return False
    parts = Path(source).parts
    if parts[-len(inside.parts):] != inside.parts:
        return False
    try:
        return not any(project.joinpath(*parts[-k:]).exists()
                       for k in range(len(inside.parts) + 1, len(parts)))
    except OSError:  # a folder on the way this user cannot enter
        return False


def _gone_file(source: str | None) -> bool:
    """Whether ``source`` (what a report recorded) is a storage file that no longer exists:
    not a server (``family://...``), not one this user cannot look at."""
    if source is None or not Path(source).is_absolute():
        return False
    try:
        return not Path(source).exists()
    except OSError:  # a folder on the way this user cannot enter: it may be there
        return False


def study_report_folder(name: str, storage=None, created: str | None = None) -> Path:
    """The folder of study ``name``'s report for ``storage``.

    Parameters
    ----------
    name : str
        The study.
    storage : str or study.StorageURL, optional
        A ``--storage`` value; None: the default.
    created : str, optional
        The study's creation stamp (``summary["created"]``): finds its report written
        before its storage file moved.

    Returns
    -------
    Path
    """
    import study

    where = study.resolve_storage(storage)
    primary = study.study_folder(name)
    if _belongs(primary, where, created, missing_ok=True):
        return primary
    return _beside_with_report(name, primary, where, created) or _beside(primary, where)


def find_study_report(name: str, storage=None, created: str | None = None) -> Path | None:
    """The report written for study ``name`` in ``storage``, if there is one: one that
    records this storage (or, the storage file moved, this study), else a report of the
    previous version in the name's folder (it recorded no storage), else one this user
    cannot read (it may be the study's: `unreadable`).

    Parameters
    ----------
    name, storage, created
        As `study_report_folder` takes them.

    Returns
    -------
    Path or None
        Its ``report.html``.
    """
    import study

    where = study.resolve_storage(storage)
    primary = study.study_folder(name)
    info = read_report_info(primary / "report.html")
    if info is not None and _same_study(info, where, created):
        return primary / "report.html"
    beside = _beside_with_report(name, primary, where, created)
    if beside is not None:
        return beside / "report.html"
    near = _by_storage_file(name, where, created)
    if near is not None:
        return near / "report.html"
    if info is not None and info.source is None:
        return primary / "report.html"
    folders = (primary, _beside(primary, where))
    return next((f / "report.html" for f in folders if unreadable(f / "report.html")), None)


def _by_storage_file(name: str, where, created: str | None) -> Path | None:
    """The folder of study ``name``'s report in the ``studies`` folder beside its storage
    file in a ``runs`` folder (``runs/hplab.db``, ``runs/studies/NAME``), where that is
    not the working folder's (QA: ``--storage ../moved/runs/hplab.db`` said "none yet",
    the report beside it): one that records this storage, or this study (its creation
    stamp) in a storage file of the same ``runs/NAME`` gone since (moved with its runs
    folder); a copy of the database still in place is another study."""
    import study

    if where.path is None:
        return None
    # its folder's name resolved: typed, ``hplab.db`` run in runs/ has none (QA), the
    # folder it names as typed (a relative report_path stays relative)
    file = Path(where.path).resolve()
    if file.parent.name != "runs":
        return None
    studies = Path(where.path).parent / "studies"
    try:
        if studies.resolve() == study.study_folder(name).parent.resolve():
            return None  # the working folder's, looked at already
        others = sorted(studies.glob(glob.escape(name) + "-" + "[0-9a-f]" * 6))
    except OSError:  # a folder on the way this user cannot enter
        return None
    for folder in (studies / name, *others):
        info = read_report_info(folder / "report.html")
        if info is None or info.kind != "study" or info.name != name:
            continue
        moved = (created is not None and info.study_created is not None
                 and _same_instant(info.study_created, created) and _gone_file(info.source)
                 and Path(info.source).parts[-2:] == file.parts[-2:])
        if _same_storage(info.source, where) or moved:
            return folder
    return None


def _belongs(folder: Path, where, created: str | None, *, missing_ok: bool = False) -> bool:
    info = read_report_info(folder / "report.html")
    if info is None:  # no report (or a file that is not an hplab report)
        return missing_ok
    return of_storage(info, where, created)


def _beside_with_report(name: str, primary: Path, where, created: str | None) -> Path | None:
    """The folder beside ``primary`` that holds this study's report: ``NAME-<hash>`` of
    this storage, else another ``NAME-<hash>`` whose report is of study ``name`` in this
    storage (its hash is of the path the storage file had before it moved)."""
    own = _beside(primary, where)
    others = sorted(primary.parent.glob(glob.escape(primary.name) + "-" + "[0-9a-f]" * 6))
    for folder in (own, *(f for f in others if f != own)):
        info = read_report_info(folder / "report.html")
        if info is not None and (folder == own or info.name == name) \
                and _same_study(info, where, created):
            return folder
    return None


def _beside(primary: Path, where) -> Path:
    # a storage file's name may hold a byte that is no UTF-8 (st\udce9.db): `study show`
    # failed on it (QA), as study_folder's hash does not
    digest = hashlib.sha1(storage_source(where).encode(errors="surrogatepass")).hexdigest()[:6]
    return primary.with_name(f"{primary.name}-{digest}")


def _stamped_report_of(info, name: str, where, created: str | None) -> bool:
    """Whether report ``info`` (None: none) is study ``name``'s in storage ``where`` and
    names the study it was written from (its creation stamp; earlier versions' name
    none, so which of the name's studies it shows is not known)."""
    return (info is not None and info.kind == "study" and info.name == name
            and info.study_created is not None and _same_study(info, where, created))


def _same_instant(a: str, b: str | None) -> bool:
    """Whether two ISO stamps are one instant (an older report's naive one is this
    machine's local time); as text if either is not a date."""
    try:
        return datetime.fromisoformat(a).astimezone() == datetime.fromisoformat(b).astimezone()
    except (TypeError, ValueError):
        return a == b
