"""A report's files on disk: the status tones its badge shows, the check of its
``<stem>_files/`` folder, and its removal. Imports neither matplotlib nor pandas: the index,
``hplab train --no-report`` and ``hplab study show`` use them without drawing anything."""

from __future__ import annotations

import os
from pathlib import Path

#: Status -> badge tone (CSS class); unknown statuses are neutral.
TONES = {"converged": "good", "complete": "good", "early_stopped": "good", "ok": "good",
         "max_epochs": "warn", "stopped": "warn", "queued": "warn", "pruned": "warn",
         "running": "neutral",
         "diverged": "bad", "failed": "bad", "fail": "bad", "no_complete_trial": "bad"}


def remove_report(out_dir: Path | str, *, stem: str = "report") -> None:
    """Delete ``out_dir/<stem>.html`` and its CSVs, and refresh the index that listed it."""
    out_dir = Path(out_dir)
    files = out_dir / f"{stem}_files"
    if why := files_folder_problem(files):
        raise ValueError(f"{files} {why}: its CSV files are not the report's to remove")
    page, csvs = out_dir / f"{stem}.html", list(files.glob("*.csv"))
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
    there it did not write: through a link, they would be someone else's."""
    if os.path.islink(files):
        return f"is a link (to {os.readlink(files)})"
    if os.path.lexists(files) and not os.path.isdir(files):
        return "is not a folder"
    return None
