"""The folders commands write into, checked before the work and held during it: one that
cannot be written, or that holds another command's results, fails in one line before a
run; a train holds its folder with an OS lock while it writes there."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from nets import check_writable, notice, probe_write

from ._held_results import held_results
from ._study_folder import study_report_folder


def check_out_folder(out, kind: str | None = None, name: str | None = None, *,
                     storage=None, created: str | None = None, named: str = "--out",
                     instead: str | None = None) -> None:
    """An --out folder that cannot be written fails now, in one line, not after the run;
    so does one that holds another command's results when ``kind`` (the report's) is given:
    a report written there replaced that report and mixed its files into the folder.

    Parameters
    ----------
    out : str or path, optional
        The folder; empty or None: nothing to check.
    kind : str, optional
        The kind of the report to be written there (``"train"``, ``"lr-range"``...).
    name, storage, created
        The study the report is of (`held_results`).
    named : str
        How the message names the folder (the flag that gave it).
    instead : str, optional
        What the message says to do when the folder cannot be written.

    Raises
    ------
    ValueError
        The folder cannot be written, another hplab command is writing it, or it holds
        another command's results.
    """
    if not out:
        return
    out = Path(out)
    if kind is not None and out.is_dir():
        if _being_written(out):
            raise ValueError(f"another hplab command is writing {out}; wait for it to end, "
                             "or give another --out")
        held = held_results(out, kind, name, storage, created)
        if held:
            raise ValueError(f"--out {out} holds {held}; give another folder")
    check_writable(out, named, instead=instead)  # a file on its way, a read-only folder
    # a report replaces the CSVs its earlier version wrote in report_files/ (and a train
    # without one removes them; other files there are the user's and stay): another
    # user's there failed after the run, the earlier report.html already deleted
    files = out / "report_files"
    if kind is not None and files.is_dir():
        probe_write(files, f"{named} {out}", instead)


def _being_written(out: Path) -> bool:
    """Whether a train holds the folder ``out`` (see `holding`) and is writing there."""
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


@contextlib.contextmanager
def holding(out: Path, *, other: str = "--name or --out", wait: bool = False):
    """Hold the folder ``out`` for this process: a second command writing it at the same
    time is refused (two trains under one --name left one's model beside the other's
    report), its message naming ``other``, its flags that choose another folder. With
    ``wait``, it waits for the holder to end instead (a study run's report at its end is
    no command to refuse). An OS lock on the folder: it ends with the process, however it
    ends. Folders it made and the command left empty go at its end, however it ends (an
    analysis whose report a full disk refused ends with exit 2, no error).

    Parameters
    ----------
    out : Path
        The folder (made if missing).
    other : str
        The flags that choose another folder, as the refusal names them.
    wait : bool
        Wait for the holder to end instead of refusing.
    """
    with removed_if_left_empty(out, always=True):
        out.mkdir(parents=True, exist_ok=True)  # bad input failed before: the run writes here
        fd = os.open(out, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    raise ValueError(f"another hplab command is writing {out}; wait for it "
                                     f"to end, or give another {other}") from None
                # said, or a study run's report seems to hang after its last trial
                notice("reports", f"waiting for another hplab command writing {out} ...")
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                # no lock to be had here: on NFS, flock is emulated with fcntl locks, and
                # an exclusive one on a folder (opened read-only) fails with EBADF; every
                # command failed there. Unlocked, as `holding_index` goes
                pass
            yield
        finally:
            os.close(fd)


@contextlib.contextmanager
def removed_if_left_empty(out: Path, *inside: str, always: bool = False):
    """Remove the folder ``out``, if this block made it and ends in an error (Ctrl-C too)
    leaving it empty: a first run (or report) stopped before it saved anything left an
    empty folder. So go the folders above it the block made on its way (runs/lr-range/ of
    an analysis refused its dataset), when left empty. ``inside``: its subfolders the
    block may make on the way (a report's report_files/), removed first when empty. A
    folder that was there stays. ``always``: also when the block ends without an error."""
    out = Path(out)
    made = [f for f in (out, *out.parents) if not os.path.lexists(f)]  # innermost first

    def remove_empty():
        if made:
            for folder in (*(out / name for name in inside), *made):
                with contextlib.suppress(OSError):  # not empty: it holds what was saved
                    folder.rmdir()

    try:
        yield
    except BaseException:
        remove_empty()
        raise
    if always:
        remove_empty()


def check_study_report_folder(name: str, storage, instead: str,
                              created: str | None = None) -> None:
    """A study's report folder that cannot be written fails before its trials run (the
    report is written after them).

    Parameters
    ----------
    name, storage
        As `study_report_folder` takes them.
    instead : str
        What the message says to do instead.
    created : str, optional
        As `study_report_folder` takes it.

    Raises
    ------
    ValueError
    """
    import study

    where = study.resolve_storage(storage)  # None: the default storage, not "any"
    folder = study_report_folder(name, where, created)
    # what the report would refuse to write over (another command's report, a foreign
    # best_model/ or spec.toml, a linked report_files/), refused before the trials too; not
    # a report being written there: another run of this study may be ending
    held = held_results(folder, "study", name, where, created) if folder.is_dir() else None
    if held:
        raise ValueError(f"the report folder {folder} holds {held}; {instead}")
    check_out_folder(folder, named="the report folder", instead=instead)
