"""A report's files on disk: the status tones its badge shows, the check of its
``<stem>_files/`` folder, and its removal. Imports neither matplotlib nor pandas: the index,
``hplab train --no-report`` and ``hplab study show`` use them without drawing anything."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import unquote

from ._report_info import read_report_info

#: Status -> badge tone (CSS class); unknown statuses are neutral.
TONES = {"converged": "good", "complete": "good", "early_stopped": "good", "ok": "good",
         "max_epochs": "warn", "stopped": "warn", "queued": "warn", "pruned": "warn",
         "running": "neutral",
         "diverged": "bad", "failed": "bad", "fail": "bad", "no_complete_trial": "bad"}


def remove_report(out_dir: Path | str, *, stem: str = "report") -> None:
    """Delete ``out_dir/<stem>.html`` and the CSVs it links to (`report_csvs`: any other
    file in ``<stem>_files/`` is the user's and stays), and refresh the index that listed it."""
    out_dir = Path(out_dir)
    files = out_dir / f"{stem}_files"
    if why := files_folder_problem(files):
        raise ValueError(f"{files} {why}: its CSV files are not the report's to remove")
    page = out_dir / f"{stem}.html"
    csvs = sorted(report_csvs(page, files))
    # all or nothing: another user's folder failed halfway, the page gone, its CSVs left
    for folder in {*([out_dir] if page.exists() else []), *([files] if csvs else [])}:
        if not os.access(folder, os.W_OK):
            raise ValueError(f"cannot remove the report {page}: {folder} is not writable")
    for old in csvs:
        old.unlink(missing_ok=True)
    page.unlink(missing_ok=True)  # last: a failure above leaves the page listed, not gone
    if files.is_dir() and not any(files.iterdir()):
        files.rmdir()
    from ._index import refresh_index

    refresh_index(out_dir)


def files_folder_problem(files: Path) -> str | None:
    """What stops ``files`` (a report's ``<stem>_files/``) holding the report's CSVs, in
    words that follow it; None when it is a folder, or missing. A report deletes the CSVs
    there its earlier version wrote (`report_csvs`): through a link, they would be someone
    else's."""
    if os.path.islink(files):
        return f"is a link (to {os.readlink(files)})"
    if os.path.lexists(files) and not os.path.isdir(files):
        return "is not a folder"
    return None


def report_csvs(page: Path, files: Path) -> set[Path]:
    """The CSVs in ``files`` (the page's ``<stem>_files/``) that the report at ``page``
    links to: those hplab wrote there, which a new version of it replaces or removes.
    None of them when ``page`` is missing or no hplab report (a user's CSV that happened
    to sit in report_files/ was deleted with every rewrite of the report)."""
    if read_report_info(page) is None:
        return set()
    try:
        text = page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    link = re.compile(r'href="' + re.escape(files.name) + r'/([^"#?/]+)"')
    names = {unquote(html.unescape(name)) for name in link.findall(text)}
    return {files / name for name in names
            if name.endswith(".csv") and "/" not in name and name not in (".", "..")
            and (files / name).is_file()}


def foreign_csvs(page: Path, files: Path, headers, *, left_by_a_run: bool = False) -> list[str]:
    """Of the CSV files a new version of the report at ``page`` writes in ``files``
    (``headers``: name -> the header line it writes), those already there that are not
    the earlier version's (`report_csvs`): the user's, not to be written over. One whose
    header is the new one's is taken for a version of it, an earlier page or none: a
    version without it (a run without ``--verify``) left it behind, unlinked. With
    ``left_by_a_run`` (the folder holds hplab's record of a training run), any file of a
    name the report writes is taken for the earlier run's report's, whose page is gone
    (another task's report: other columns)."""
    own = report_csvs(page, files)
    return [name for name, header in headers.items()
            if os.path.lexists(files / name) and files / name not in own
            and not (left_by_a_run and (files / name).is_file())
            and _first_line(files / name) != header]


def _first_line(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as file:
            return file.readline(1 << 16)
    except OSError:
        return None
