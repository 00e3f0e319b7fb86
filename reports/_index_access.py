"""The index of a runs folder several users share: why this user may not write its
``index.html``, naming whom to ask (QA: bob's refresh of a shared index said only
"Operation not permitted"); the rows it keeps of the reports this user cannot read (QA:
bob's refresh dropped alice's private runs from it, silently), and the line that says
which were skipped."""

from __future__ import annotations

import errno
import html
import os
import re
import stat
from datetime import datetime
from pathlib import Path

import markupsafe

from nets import (
    ask_owner,
    count_of,
    first_names,
    os_error_line,
    owner_and_mode,
    shell_word,
    unreadable_why,
    user_name,
)

from ._paths import local_link


def index_refused(index: Path, exc: OSError) -> tuple[str, str] | None:
    """Why this user may not write ``index``, where writing it raised ``exc``, and what to
    do (`nets.ask_owner`: whom to ask, by name, to refresh it): its folder not writable by
    them; in a sticky folder (a shared runs folder's mode, as /tmp's), the index another
    user's, which only its owner may replace; else the index unreadable to them (it is
    read to tell it hplab's). None for another error (a full disk: its own words say it)."""
    if exc.errno not in (errno.EACCES, errno.EPERM):
        return None
    folder = index.parent
    try:
        if not os.access(folder, os.W_OK | os.X_OK):
            return (f"its folder is not writable by this user ({owner_and_mode(folder)})",
                    ask_owner(folder, "refresh it", "make it writable (chmod u+w), then "
                                                    "refresh it"))
        held, around = os.lstat(index), os.stat(folder)
        # a sticky folder's files are replaced by their owner or the folder's alone
        if around.st_mode & stat.S_ISVTX and os.geteuid() not in (held.st_uid, around.st_uid):
            return (f"it is another user's ({owner_and_mode(index)}), and in this sticky "
                    "folder only its owner may replace it", ask_owner(index, "refresh it"))
        if unreadable := unreadable_why(index):  # QA: another's 0600 index.html
            return (unreadable[0], ask_owner(index, "refresh it", "make it readable (chmod "
                                                                   "u+r), then refresh it"))
    except OSError:  # gone meanwhile, or not reachable to look at
        return None
    return None


def index_error(index: Path, exc: OSError, *, refreshed: bool) -> str:
    """``exc``, raised writing ``index``, in words: ``report index``'s error line, or, when
    ``refreshed`` (after a report's write), the warning that the index was not refreshed;
    another user's index or folder names whom to ask (`index_refused`)."""
    if refused := index_refused(index, exc):
        why, ask = refused
        if refreshed:
            return (f"the index {index} was not refreshed: {why}; {ask}: hplab report index "
                    f"{shell_word(str(index.parent))}")
        return f"{index}: {why}; not written; {ask}, or list the reports alone: --no-write"
    named = exc.filename is not None and os.fsdecode(exc.filename) == str(index)
    if refreshed:  # the index named once, in front; another file (its temporary one) said
        if named:
            exc.filename = None
        return f"the index {index} was not refreshed ({os_error_line(exc)})"
    if exc.filename is None:  # said with the page it was writing
        exc.filename = str(index)
    return f"{os_error_line(exc)}; not written"


#: A row of an index hplab wrote, with the sort key it was listed by (`write_index`; an
#: index of a version before it recorded none: its row's date is its key), its link (read
#: as every link of a page is: `local_link`) and its date.
_ROW = re.compile(r'<tr(?: data-order="([^" ]+) ([0-9]+)")?>(.*?</tr>)', re.S)
_HREF = re.compile(r'<a href="([^"]*)"')
_DATE = re.compile(r'<td class="date">([^<]*)</td>')
#: A row's kind: the cell after its date (``class="kind"`` since 2026-12-04; bare before).
_KIND = re.compile(r'<td class="date">[^<]*</td>\s*<td(?: class="kind")?>([^<]*)</td>')
#: A row's HTML as `write_index`'s template writes it (every version's): its cells, link,
#: notes and badge, text escaped. A kept row is copied as it is: one with any other markup
#: (a script, an image, a second link) was not written by hplab, and is not kept.
_AS_WRITTEN = re.compile(r'(?:</?(?:td|a|div|span)(?: (?:class|href|aria-label)="[^"<>]*")*>'
                         r'|[^<>])*</tr>')
#: The note of a kept row (`kept_rows`), replaced when it is kept again.
_KEPT_NOTE = re.compile(r'<div class="muted kept">[^<]*</div>')
#: An index larger than this is not read for its rows (one of 1000 reports is ~1 MB).
_MAX_INDEX_BYTES = 64 << 20


def kept_rows(index: Path, unreadable: list[str], listed: set[str]) -> list[dict]:
    """The rows the hplab index ``index`` has of reports under ``unreadable`` (their paths
    from its folder, as `scan_reports` could not read them), as it wrote them, to be listed
    again: a refresh by a user who cannot read another's run folder keeps its rows, each
    noted as kept, and by whom. Each a row of `write_index`'s with ``kept``, its HTML,
    ``order``, its sort key, and the ``kind`` and ``date`` its cells show. None of a
    report now ``listed`` (its path from the folder), nor of a page hplab did not write."""
    try:
        if index.is_symlink() or not index.is_file() \
                or index.stat().st_size > _MAX_INDEX_BYTES:
            return []  # a link is replaced, not read (another folder's index)
        text = index.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    if 'name="hplab-index"' not in text[:2048]:
        return []
    # QA: the page listed them as every row, whose links fail for the user who wrote it
    note = (f'<div class="muted kept">kept from the earlier index: not readable by '
            f'{markupsafe.escape(user_name(os.geteuid()))} when this index was written</div>')
    rows = []
    for row in _ROW.finditer(text):
        link = _HREF.search(row.group(0))
        rel = None if link is None else local_link(link.group(1))
        # security review: another user's markup in the shared index (an <img onerror>,
        # a link elsewhere) was copied into the index this user's hplab wrote
        if rel is None or not _AS_WRITTEN.fullmatch(row.group(3)) \
                or row.group(3).count(" href=") != 1:
            continue
        if rel not in listed and any(rel.startswith(f"{gone}/") or rel == gone
                                     for gone in unreadable):
            order = _row_order(row)
            if order is None:
                continue
            # its HTML as this module's own template wrote it, matched whole, with its key
            # (QA: the first rebuild of an index an earlier hplab wrote dropped them all)
            body = _KEPT_NOTE.sub("", row.group(3))
            end = body.find("</td>", body.find("</a>"))  # the last of its name's cell
            body = body if end < 0 else body[:end] + note + body[end:]
            rows.append({"kept": markupsafe.Markup(
                f'<tr data-order="{order[0]!r} {order[1]}">{body}'), "order": order,
                **_kind_and_date(row.group(3))})
    return rows


def _row_order(row: re.Match) -> tuple[float, int] | None:
    """The sort key of a row `_ROW` matched: the one it records, else (an index of a
    version that recorded none) its date as the page shows it, in this machine's zone as
    it was written in its writer's (the same second's rows in their order: none is kept
    of their files' times); None for a row that has neither."""
    try:
        if row.group(1) is not None:
            return float(row.group(1)), int(row.group(2))
        date = _DATE.search(row.group(3))
        return datetime.strptime(date.group(1), "%Y-%m-%d %H:%M").timestamp(), 0
    except (ValueError, AttributeError, OverflowError, OSError):
        return None


def _kind_and_date(cells: str) -> dict:
    """A kept row's ``kind`` and ``date`` as its cells show them, for its group on the page
    (`grouped_rows`); "?" for one that shows none, as a report that records no kind."""
    kind, date = _KIND.search(cells), _DATE.search(cells)
    return {"kind": (html.unescape(kind.group(1)).strip() or "?") if kind else "?",
            "date": html.unescape(date.group(1)) if date else "?"}


def skipped_line(unreadable: list[Path]) -> str | None:
    """The warning of ``report index`` that names what this user could not read, whose it
    is and its mode (the first few); None when nothing was skipped."""
    if not unreadable:
        return None
    folders = sum(map(os.path.isdir, unreadable))
    what = " and ".join(count_of(n, noun) for n, noun in ((folders, "folder"),
                        (len(unreadable) - folders, "page")) if n)
    return (f"skipped {what} this user cannot read, whose reports are not listed: "
            f"{_named(unreadable)}")


def unread_records_line(records: list[Path]) -> str | None:
    """The warning of ``report index`` that names the records of listed reports' runs
    (`unreadable_record`) this user could not read, whose they are and their
    mode: their scores and settings are not in --json (QA: "run": null, unexplained, lost
    a class's run from a teacher's table); None when there are none."""
    if not records:
        return None
    return (f"could not read the run record of {count_of(len(records), 'listed report')}, "
            f"whose run is null in --json: {_named(records)}")


def _named(paths: list[Path]) -> str:
    """The first few of ``paths``, each with its owner and mode, named as --json's
    ``unreadable`` names them (QA: the warning named them from the folder indexed, the JSON
    from the current one: ``bob-private``, ``runs/bob-private``)."""
    named = []
    for path in paths:
        try:
            whose = f" ({owner_and_mode(path)})"
        except OSError:
            whose = ""
        named.append(f"{os.fsdecode(path)}{whose}")
    return first_names(named, 3)
