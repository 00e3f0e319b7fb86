"""The index of reports: ``DIR/index.html`` lists every report under ``DIR`` by kind (a
summary of each kind's count linking to its group: `grouped_rows`), newest first in each.

Which index a report refreshes (rule used by :meth:`Report.write`): the nearest folder
named ``runs`` that contains the report folder (the report folder itself included);
without one, the parent of the report folder if an index hplab wrote is there (``hplab
report index DIR`` starts one), else none. ``hplab train`` writes to
``runs/train/NAME/report.html``, so every report of a project lands in ``runs/index.html``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from nets import version_text, write_atomically

from ._html import render
from ._index_access import index_error, kept_rows
from ._index_groups import grouped_rows
from ._index_record import IndexEntry, index_entry
from ._paths import shell_folder
from ._report_files import TONES
from ._report_info import ReportInfo
from ._report_scan import ReportScan, _sort_key, scan_reports

#: The lock file beside index.html that its writers hold (see `holding_index`).
_LOCK_NAME = ".index.lock"


def analysis_name(dataset: str, out: Path | str, kind: str) -> str:
    """The name an analysis's report is listed under, so that two reports of one dataset
    are told apart in the index: the folder ``out`` when it is not the one named after the
    dataset (``--out runs/scaling/coinall``: "coinall"); ``dataset`` in that folder in its
    default place, ``runs/KIND/`` (``kind``, the command: ``"lr-range"``) or the index's own
    folder; elsewhere ``dataset`` after the folders above it, up to the index's
    (``--out runs/exp1/coin``: "exp1/coin"; without an index, the parent folder alone)."""
    from study import dataset_folder_name

    folder = Path(os.path.abspath(out))
    if folder.name != dataset_folder_name(dataset):
        return folder.name
    root = index_root(folder)
    try:  # an index in the report's own folder (--out runs) has no folders above it
        where = folder.parent.relative_to(root).as_posix() if root else folder.parent.name
    except ValueError:
        where = "."
    return dataset if where in (".", "", kind) else f"{where}/{dataset}"


def index_root(report_dir: Path | str) -> Path | None:
    """The folder whose index a report in ``report_dir`` refreshes (see module doc), or
    None: outside a ``runs`` folder an index is refreshed only where one was started, not
    begun in any parent (``--out ~/exp`` listed every report in the home folder, reading
    every folder under it to find them).

    Parameters
    ----------
    report_dir : str or path
        The folder a report is written in.
    """
    # absolute but not resolved: a `runs` that is a symlink is still the folder named runs
    report_dir = Path(os.path.abspath(report_dir))
    for folder in (report_dir, *report_dir.parents):
        if folder.name == "runs":
            return folder
    index = report_dir.parent / "index.html"
    try:
        ours = index.is_file() and _is_our_index(index)
    except OSError:  # unreadable: not refreshed, as one that cannot be written
        ours = False
    return report_dir.parent if ours else None


@contextlib.contextmanager
def holding_index(directory: Path | str):
    """Hold ``directory``'s index for this block, waiting for another process that holds
    it: a scan and the write of its result made under it list every report that landed
    before. Scanned and written apart, a writer that scanned before another command's
    report landed, and wrote after that command's refresh, dropped the report.

    An flock on ``directory/.index.lock``, which its holder removes when done (the runs
    folder keeps no file of it). A folder where it cannot be made (read-only, another
    user's) goes unlocked, as every index write went before.

    Parameters
    ----------
    directory : Path or str
        The folder the index is in.
    """
    path = Path(directory) / _LOCK_NAME
    fd = _locked(path)
    try:
        yield
    finally:
        if fd is not None:
            # removed while held: a writer waiting on it then finds it gone and takes the
            # one the next writer makes (`_locked`), never a lock no one else sees
            with contextlib.suppress(OSError):
                path.unlink()
            os.close(fd)


def _locked(path: Path) -> int | None:
    """A descriptor of the lock file ``path``, held exclusively; None if it cannot be."""
    while True:
        try:  # no link followed, no pipe waited on: a plain file of its own or nothing
            fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o666)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:  # its holder removed it meanwhile (see holding_index): lock the new one
                current = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
            except FileNotFoundError:
                current = False
        except OSError:  # a file system without locks
            os.close(fd)
            return None
        except BaseException:  # Ctrl-C while waiting
            os.close(fd)
            raise
        if current:
            return fd
        os.close(fd)


class WrittenIndex(NamedTuple):
    """An index `written_index` wrote: its ``path``, and ``n_kept``, how many of its rows
    are those it had of reports this user could not read (listed again as they were)."""

    path: Path
    n_kept: int


def write_index(directory: Path | str) -> Path:
    """Write ``directory/index.html`` listing every report under it by kind, newest first.

    Holds the index from the scan to the write; the missing files of a report of a
    version that recorded none in its head are not checked (its whole page is not read on
    every refresh; the page says how many, and that ``hplab report index`` checks them).
    The rows the index had of reports this user cannot read are kept as they were
    (another user's private run in a shared runs folder).

    Parameters
    ----------
    directory : path
        Folder to scan (recursively, at any depth; hidden folders, ``*_files`` folders,
        virtual environments and installed packages skipped).

    Returns
    -------
    Path
        The written ``index.html``.

    Raises
    ------
    OSError
        The index cannot be written: among others, ``index.html`` is a folder or a pipe,
        or a page hplab did not write (FileExistsError: it is left as it is).
    """
    root = Path(directory)
    with holding_index(root):  # scanned and written under one hold
        scan, entries = scanned_entries(root, whole_page=False)
        return written_index(root, entries, scan.unreadable).path


def scanned_entries(root: Path, *, whole_page: bool = True) -> tuple[ReportScan,
                                                                    list[IndexEntry]]:
    """`scan_reports` of ``root``, and the `index_entry` of each report it found (the
    missing files of a report that recorded none in its head checked if ``whole_page``)."""
    scan = scan_reports(root)
    return scan, [index_entry(info, whole_page=whole_page, root=root)
                  for info in scan.reports]


def written_index(root: Path, entries: list[IndexEntry],
                  unreadable: Sequence[Path]) -> WrittenIndex:
    """``root/index.html`` listing ``entries``, made already, and the rows it had of
    reports under ``unreadable`` kept; saying how many it kept. Called under
    `holding_index`, by `write_index` and by `index_folder` (``report index``)."""
    rows = []
    # QA: a study's report and its copy's (runs copied, reported again beside) were two
    # rows alike, "mydigits / Study: mydigits" and the same headline: such rows say where
    shared = Counter((e.info.kind, e.info.name, e.info.title) for e in entries)
    for entry in entries:
        info = entry.info
        rel = info.path.relative_to(root).as_posix()
        rows.append({
            # its bytes: a folder name that is not UTF-8 (caf\xe9) failed the whole index
            "href": quote(os.fsencode(rel)), "order": _sort_key(info), "kept": None,
            "kind": info.kind, "name": info.name,
            "title": info.title,
            "date": _display_date(info.created), "status": info.status,
            "tone": TONES.get(info.status or "", "neutral"),
            "headline": info.headline[0] if info.headline else None, "beside": entry.beside,
            "detail": entry.detail, "missing": entry.missing,
            "where": (_where(info, rel) if shared[info.kind, info.name, info.title] > 1
                      else None),
        })
    unchecked = sum(row["missing"] is None for row in rows)
    path = root / "index.html"
    kept = []
    if unreadable:  # the rows of what this user cannot read, as the index had them
        listed = {e.info.path.relative_to(root).as_posix() for e in entries}
        kept = kept_rows(path, [p.relative_to(root).as_posix() for p in unreadable], listed)
        rows = rows + kept
    # grouped by kind, each group newest first, with a summary that links to each (QA:
    # 526 reports in one list, no counts, nothing to jump to; the page runs no script)
    html = render("index.html", groups=grouped_rows(rows), count=len(rows),
                  unchecked=unchecked,
                  title=Path(os.path.abspath(root)).name or str(root), version=version_text(),
                  # the command names the page's folder as ".": the absolute one failed
                  # once the folder was moved or sent (QA), and is only said
                  folder=shell_folder(os.path.abspath(root)),
                  written=datetime.now().strftime("%Y-%m-%d %H:%M"), zone=_zone_label())

    def write_page(tmp):
        tmp.write_text(html, encoding="utf-8")

    if os.path.islink(path):
        # replaced by a file here as a report.html link is: written through, the link
        # put this folder's listing over another folder's index (its owner's, its mode)
        return WrittenIndex(write_atomically(path, write_page, through_links=False),
                            len(kept))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):  # a pipe would take the write forever
        folder = stat.S_ISDIR(mode)
        raise OSError(errno.EISDIR if folder else errno.EINVAL,
                      f"{'a folder' if folder else 'a pipe or a device'}, not a file", str(path))
    if mode is not None and not _is_our_index(path):  # someone's own page: never replaced,
        # and said so (the command printed "index.html: 3 reports" and wrote nothing)
        raise FileExistsError(errno.EEXIST, "a page hplab did not write; left as it is",
                              str(path))
    # several workers may refresh the same index at once
    return WrittenIndex(write_atomically(path, write_page), len(kept))


def _where(info: ReportInfo, rel: str) -> str:
    """What tells a report from another row of its title: its folder (``rel``: its path
    from the index's folder) and, a study's, its storage."""
    folder = rel.rpartition("/")[0] or "."
    return f"in {folder}" + (f", storage {info.source}" if info.source else "")


def refresh_index(report_dir: Path | str) -> Path | None:
    """`write_index` of the folder a report in ``report_dir`` belongs to (see
    `index_root`), or None when it has none or it cannot be written: the report is, so
    that fails nothing; a warning names the index and why."""
    root = index_root(report_dir)
    if root is None:
        return None
    try:
        return write_index(root)
    except OSError as exc:
        # a warning: the command that wrote the report names it, as its other warnings
        warnings.warn(index_error(root / "index.html", exc, refreshed=True), UserWarning,
                      stacklevel=2)
        return None


def _is_our_index(path: Path) -> bool:
    """Whether ``path`` is an index hplab wrote (its marker sits in the first bytes)."""
    with open(path, "rb") as fh:
        return b'name="hplab-index"' in fh.read(2048)


def _display_date(created: str) -> str:
    """A report's date in this machine's zone: each report keeps its writer's (three
    machines' zones under "newest first" read out of order)."""
    try:  # a naive date (an older report) is taken as local time, as the sort takes it
        return datetime.fromisoformat(created).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created or "?"


def _zone_label() -> str:
    """This machine's zone, for the index's dates: its names ("PST/PDT") and its UTC
    offset now ("UTC-08:00"); "UTC" alone in UTC."""
    names = "/".join(dict.fromkeys(time.tzname))
    offset = datetime.now().astimezone().strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}"
    # a POSIX zone may be named UTC at another offset (TZ=UTC+3 is UTC-03:00)
    return names if offset == "UTC+00:00" and names == "UTC" else f"{names}, {offset}"
