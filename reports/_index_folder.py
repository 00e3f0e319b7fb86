"""``hplab report index``'s work: a folder's reports listed, and its index written from
that one scan, under the index's hold; what could not be written, in the command's words."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from nets import check_folder_readable

from ._index import holding_index, scanned_entries, written_index
from ._index_access import index_error, skipped_line, unread_records_line
from ._index_record import IndexEntry, unreadable_record


class IndexListing(NamedTuple):
    """What `index_folder` found and wrote: the ``entries`` of the reports this user could
    read, newest first; what was ``unreadable`` to them (`ReportScan.unreadable`); the
    index's ``path`` (None when not written); the ``error`` line that says why it was not
    (None when written, or not asked to be); ``n_kept``, the rows it kept of reports under
    ``unreadable`` (the page lists ``len(entries) + n_kept``); ``unreadable_records``, the
    records of listed reports' runs this user cannot read (`unreadable_record`: their
    ``run`` is null).

    Parameters
    ----------
    entries : list of IndexEntry
        As above.
    unreadable : list of Path
        As above.
    path : Path or None
        As above.
    error : str or None
        As above.
    n_kept : int
        As above.
    unreadable_records : list of Path
        As above.
    """

    entries: list[IndexEntry]
    unreadable: list[Path]
    path: Path | None
    error: str | None
    n_kept: int
    unreadable_records: list[Path]

    def skipped(self) -> list[str]:
        """The warnings naming what was skipped (and, if the index kept
        rows of it, that it did), and the run records not read; none when all was read."""
        line = skipped_line(self.unreadable)
        if line and self.n_kept:  # none before, or none of theirs in it: it kept nothing
            line += "; index.html keeps the rows it had of them"
        records = unread_records_line(self.unreadable_records)
        return [said for said in (line, records) if said]


def index_folder(folder: Path | str, *, write: bool) -> IndexListing:
    """The reports under ``folder``, with the `index_entry` of each made once (for the page
    and the JSON alike); if ``write``, its index.html written from that scan, both under
    `holding_index` (a report another command writes meanwhile is in its own refresh, after
    this one). An index that cannot be written (a folder, a pipe, someone's own page,
    another user's folder) is this listing's ``error``, its entries listed all the same.
    A ``folder`` that is none, or that this user cannot list, is a ValueError
    (`nets.check_folder_readable`).

    Parameters
    ----------
    folder : str or path
        The folder indexed (``runs``).
    write : bool
        Also write ``folder/index.html``.
    """
    folder = Path(folder)
    check_folder_readable(folder)
    if not write:  # a listing alone: no index held, none written
        scan, entries = scanned_entries(folder)
        records = _unread(entries, scan.unreadable)
        return IndexListing(entries, scan.unreadable, None, None, 0, records)
    with holding_index(folder):
        scan, entries = scanned_entries(folder)
        records = _unread(entries, scan.unreadable)
        try:
            path, n_kept = written_index(folder, entries, scan.unreadable)
        except OSError as exc:
            error = index_error(folder / "index.html", exc, refreshed=False)
            return IndexListing(entries, scan.unreadable, None, error, 0, records)
    return IndexListing(entries, scan.unreadable, path, None, n_kept, records)


def _unread(entries: list[IndexEntry], skipped: list[Path]) -> list[Path]:
    """The `unreadable_record` of each entry that has one, in the entries' order, but those
    the scan named already (``skipped``: a study's closed best_model/ folder)."""
    return [path for entry in entries
            if (path := unreadable_record(entry.info)) and path not in skipped]
