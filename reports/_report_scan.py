"""Finding the reports under a folder: every hplab page at any depth, newest first, and
what this user could not read there."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from ._report_info import ReportInfo, read_report_info

#: Folders that hold no reports, skipped so that an index of a big folder stays quick;
#: so are hidden folders (.git, .venv), reports' CSV folders and virtual environments.
#: There is no depth limit: a report six folders down was left out of the index.
#: lost+found (a runs folder that is a disk of its own) holds fsck's finds, unreadable to
#: all but root: each `report index` said it skipped it.
_SKIP_DIRS = {"node_modules", "site-packages", "__pycache__", "lost+found"}


def find_reports(directory: Path | str) -> list[ReportInfo]:
    """Every hplab report under ``directory``, newest first.

    Parameters
    ----------
    directory : str or path
        The folder searched, and the folders in it (``runs``).
    """
    return scan_reports(directory).reports


class ReportScan(NamedTuple):
    """What `scan_reports` found under a folder: its ``reports``, newest first, and what
    was ``unreadable`` to this user (folders it could not list, pages it could not read:
    another user's 0700 run folder in a shared runs folder), in the order met.

    Parameters
    ----------
    reports : list of ReportInfo
        As above.
    unreadable : list of Path
        As above.
    """

    reports: list[ReportInfo]
    unreadable: list[Path]


def scan_reports(directory: Path | str) -> ReportScan:
    """Every hplab report under ``directory``, and what could not be read there.

    Parameters
    ----------
    directory : str or path
        The folder searched, and the folders in it (``runs``).
    """
    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(f"no such folder: {root}")
    found, seen, unreadable = [], {os.path.realpath(root)}, []

    def not_listed(exc: OSError) -> None:  # skipped as before, and told (`skipped_line`)
        if exc.filename is not None:
            unreadable.append(Path(os.fsdecode(exc.filename)))

    # linked folders are followed (runs/train may live on another disk), each real folder
    # once: a link back up the tree would otherwise loop. A link to a folder holding this
    # one (``..``, ``/``: a runs folder received with one) is not followed: it led the
    # index (refreshed after every report) through the whole disk, /proc too, listing
    # every report of the machine in this folder's index.html
    seen.update(_holders(os.path.realpath(root)))
    for here, dirs, files in os.walk(root, onerror=not_listed, followlinks=True):
        # hidden folders, CSV folders of reports and installed packages hold no reports
        # (a run named _mine does: run folders may start with "_")
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not d.endswith("_files")
                         and d not in _SKIP_DIRS and not _is_venv(Path(here) / d)
                         and _first_visit(Path(here) / d, seen))
        for name in files:
            # hidden files are not reports: a run killed between writing its report and
            # renaming it into place leaves the staged .report.html.XXXX.tmp.html
            if (name.endswith(".html") and not name.startswith(".")
                    and not (here == str(root) and name == "index.html")):
                info = read_report_info(Path(here) / name)
                if info is not None:
                    found.append(info)
                elif not os.access(Path(here) / name, os.R_OK):  # a report or not: this
                    unreadable.append(Path(here) / name)  # user cannot tell, and is told
    found.sort(key=_sort_key, reverse=True)
    return ReportScan(found, unreadable)


def _holders(real: str) -> list[str]:
    """The real folder ``real`` and every folder above it, ``/`` last."""
    found = [real]
    while (parent := os.path.dirname(found[-1])) != found[-1]:
        found.append(parent)
    return found


def _first_visit(folder: Path, seen: set[str]) -> bool:
    """Whether ``folder``'s real path is new to ``seen`` (which it joins)."""
    real = os.path.realpath(folder)
    if real in seen:
        return False
    seen.add(real)
    return True


def _is_venv(folder: Path) -> bool:
    """A virtual environment (``python -m venv`` writes pyvenv.cfg at its top)."""
    # os.path: a folder this user cannot read (lost+found) is no error, as os.walk skips it
    return os.path.isfile(folder / "pyvenv.cfg")


def _sort_key(info: ReportInfo) -> tuple[float, int]:
    try:
        when = datetime.fromisoformat(info.created)
        stamp = when.timestamp()  # naive times are taken as local
    except ValueError:
        stamp = 0.0
    try:  # same second: the file written last comes first
        mtime = info.path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return stamp, mtime
