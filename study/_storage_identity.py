"""A storage file deleted or replaced while a study ran (another user's ``rm -rf runs``):
SQLite's open connections write on into the file that was, which no one can open again,
and the claim file beside it is gone. Told as that, not as a missing claim file, nor as
a finished study whose report then finds no such study."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import nets

from ._errors import StorageError

if TYPE_CHECKING:
    from ._storage_url import StorageURL


def file_identity(where: StorageURL) -> tuple[int, int] | None:
    """The (device, inode) of ``where``'s file as it is now; None for a server's storage,
    or a file that is not there."""
    if where.path is None:
        return None
    try:
        st = os.stat(where.path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def gone_message(where: StorageURL) -> str:
    """What a run says when ``where``'s file was deleted or replaced under it: where its
    trials went (said only by commands that run trials; another's failure is its own)."""
    said = (f"storage {where.path} was deleted or moved while the study ran; the trials "
            "stored since went with the file it was (lost, if it was deleted)")
    if where.kind == "journal" and os.path.exists(where.path):
        # optuna opens a journal anew at each write: a trial running when it went wrote
        # its last records into the file there now, a new one (a fragment a rerun would
        # build on) or one moved in (another study's, its replay skipping them)
        names = _journal_studies(where.path)
        if names == []:
            said += (f"; the journal file at {where.path} now holds no study, only that "
                     "trial's last records: delete it before running the study there again")
        elif names:
            said += (f"; the journal now at {where.path} (studies there: "
                     f"{nets.first_names(names, 5)}) had that trial's last records added")
    return said


def _journal_studies(path) -> list[str] | None:
    """The studies the journal at ``path`` holds; None where it cannot be read."""
    from ._journal_file import open_journal  # here: only a gone journal is read
    from ._registry import quiet_optuna

    try:
        with quiet_optuna():
            return [s.study_name for s in open_journal(path).get_all_studies()]
    except Exception:  # any replay failure: said without the names  # noqa: BLE001
        return None


def check_same_file(where: StorageURL, identity: tuple[int, int] | None) -> None:
    """Refuse to go on when ``where``'s file is no longer the one of ``identity`` (as
    `file_identity` gave it when the storage was opened)."""
    if identity is not None and file_identity(where) != identity:
        raise StorageError(gone_message(where))
