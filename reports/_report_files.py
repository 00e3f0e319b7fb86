"""A report's files on disk: the status tones its badge shows, the CSVs of a new version's
that are the user's, and its removal with its index refreshed (the files' own logic is
nets', which study's runs use too: `nets.remove_report_files`). Imports neither
matplotlib nor pandas: the index, ``hplab train --no-report`` and ``hplab study show`` use
them without drawing anything."""

from __future__ import annotations

import os
from pathlib import Path

# here since study's runs remove a report too (study may not import reports)
from nets import remove_report_files, report_csvs

#: Status -> badge tone (CSS class); unknown statuses are neutral.
TONES = {"converged": "good", "complete": "good", "early_stopped": "good", "ok": "good",
         "max_epochs": "warn", "stopped": "warn", "queued": "warn", "pruned": "warn",
         "off-target": "warn",
         "running": "neutral", "not_started": "neutral",
         "diverged": "bad", "failed": "bad", "fail": "bad", "no_complete_trial": "bad"}


def remove_report(out_dir: Path | str, *, stem: str = "report") -> None:
    """Delete ``out_dir/<stem>.html`` and the CSVs it links to (`report_csvs`: any other
    file in ``<stem>_files/`` is the user's and stays), and refresh the index that listed it.

    Parameters
    ----------
    out_dir : str or path
        The folder holding the report.
    stem : str, default "report"
        The page's name without ``.html``.
    """
    remove_report_files(out_dir, stem=stem)
    from ._index import refresh_index

    refresh_index(out_dir)


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
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as file:
            return file.readline(1 << 16)
    except OSError:
        return None
