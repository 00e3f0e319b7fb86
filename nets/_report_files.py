"""A report's files on disk, as anything that replaces them removes them: its page and the
CSVs in ``<stem>_files/`` it links to. Here, not in reports: a training run saved over an
earlier one (`study.train_run`, study may not import reports) removes that run's report,
as ``hplab train`` and `reports.remove_report` do; one piece of logic for the three."""

from __future__ import annotations

import html
import os
import re
import stat
from pathlib import Path
from urllib.parse import unquote

#: What every hplab report carries in its first bytes (<meta name="hplab-report">)
REPORT_MARK = b'name="hplab-report"'
_HEAD_BYTES = 64 * 1024  # a report's metadata sits in <head>, before the CSS


def is_report_page(page) -> bool:
    """Whether ``page`` is a regular file that hplab wrote as a report (its mark in its
    first bytes); a pipe named report.html is none (and is never waited on).

    Parameters
    ----------
    page : str or os.PathLike
        The file.
    """
    try:
        # without waiting: a named pipe called report.html would hold the caller forever
        fd = os.open(page, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        with open(fd, "rb") as fh:
            return stat.S_ISREG(os.fstat(fd).st_mode) and REPORT_MARK in fh.read(_HEAD_BYTES)
    except OSError:
        return False


def files_folder_problem(files: Path) -> str | None:
    """What stops ``files`` (a report's ``<stem>_files/``) holding the report's CSVs, in
    words that follow it; None when it is a folder, or missing. A report deletes the CSVs
    there its earlier version wrote (`report_csvs`): through a link, they would be someone
    else's.

    Parameters
    ----------
    files : Path
        As above.
    """
    if os.path.islink(files):
        return f"is a link (to {os.readlink(files)})"
    if os.path.lexists(files) and not os.path.isdir(files):
        return "is not a folder"
    return None


def report_csvs(page: Path, files: Path) -> set[Path]:
    """The CSVs in ``files`` (the page's ``<stem>_files/``) that the report at ``page``
    links to: those hplab wrote there, which a new version of it replaces or removes.
    None of them when ``page`` is missing or no hplab report (a user's CSV that happened
    to sit in report_files/ was deleted with every rewrite of the report).

    Parameters
    ----------
    page : Path
        The report's page.
    files : Path
        As above.
    """
    if not is_report_page(page):
        return set()
    try:
        text = Path(page).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    link = re.compile(r'href="' + re.escape(files.name) + r'/([^"#?/]+)"')
    names = {unquote(html.unescape(name)) for name in link.findall(text)}
    return {files / name for name in names
            if name.endswith(".csv") and "/" not in name and name not in (".", "..")
            and (files / name).is_file()}


def check_report_removable(out_dir: Path | str, *, stem: str = "report") -> None:
    """ValueError when `remove_report_files` would refuse ``out_dir``'s report: its
    ``<stem>_files/`` is a link or no folder, or a folder it must delete in is not
    writable. Called before work whose end removes it (a run's training).

    Parameters
    ----------
    out_dir : Path or str
        The report's folder.
    stem : str, default "report"
        The report's name: ``<stem>.html`` and ``<stem>_files/``.
    """
    out_dir = Path(out_dir)
    files = out_dir / f"{stem}_files"
    if why := files_folder_problem(files):
        raise ValueError(f"{files} {why}: its CSV files are not the report's to remove")
    page = out_dir / f"{stem}.html"
    csvs = report_csvs(page, files)
    # all or nothing: another user's folder failed halfway, the page gone, its CSVs left
    for folder in {*([out_dir] if page.exists() else []), *([files] if csvs else [])}:
        if not os.access(folder, os.W_OK):
            raise ValueError(f"cannot remove the report {page}: {folder} is not writable")


def remove_report_files(out_dir: Path | str, *, stem: str = "report") -> None:
    """Delete ``out_dir/<stem>.html`` and the CSVs it links to (`report_csvs`: any other
    file in ``<stem>_files/`` is the user's and stays), and that folder if left empty. The
    index that listed the report is the caller's to refresh (reports can; study cannot:
    the next report written there refreshes it).

    Parameters
    ----------
    out_dir : Path or str
        The report's folder.
    stem : str, default "report"
        The report's name: ``<stem>.html`` and ``<stem>_files/``.
    """
    out_dir = Path(out_dir)
    check_report_removable(out_dir, stem=stem)
    files = out_dir / f"{stem}_files"
    for old in sorted(report_csvs(out_dir / f"{stem}.html", files)):
        old.unlink(missing_ok=True)
    # last: a failure above leaves the page listed, not gone
    (out_dir / f"{stem}.html").unlink(missing_ok=True)
    if files.is_dir() and not any(files.iterdir()):
        files.rmdir()
