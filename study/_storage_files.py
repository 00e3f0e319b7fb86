"""A storage's file: what kind it is (SQLite, an optuna journal, a pipe, socket or device),
making a new one with the umask's mode, refusing a journal that is not optuna's."""

from __future__ import annotations

import json
import os
import re
import stat
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import nets
from nets import unreadable_why, with_owner, write_advice

from ._errors import StorageError
from ._journal_file import check_last_line

if TYPE_CHECKING:
    from ._storage_url import StorageURL


def create_storage_file(where: StorageURL) -> None:
    """Make the new file ``where.path`` now, with the mode the umask gives (a shared
    folder's umask 002: the group may write it). SQLite made it 0644 whatever the umask,
    and its -wal and -shm files copy that mode: the group could not run the study.
    Another process making it at the same time is fine: theirs is kept."""
    folder = where.path.parent
    if not os.access(folder, os.W_OK):  # SQLite said only "unable to open database file"
        raise _folder_not_writable(where.path, folder)
    if where.kind != "sqlite":  # optuna makes a journal with the umask's mode
        return
    try:  # O_EXCL: never a descriptor of an existing file (closing one drops its locks)
        os.close(os.open(where.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except FileExistsError:
        pass
    except OSError as exc:  # a read-only mount that os.access did not tell
        raise StorageError(f"cannot make storage: {nets.os_error_line(exc)}") from None


def _folder_not_writable(path: Path, folder: Path) -> StorageError:
    """A new storage file's folder this user cannot write, named with its owner and mode
    and whom to ask (another user's folder is not theirs to chmod)."""
    return StorageError(f"cannot make storage {path}: its folder "
                        f"{nets.with_owner(folder, str(folder))} is not writable; "
                        f"{nets.write_advice([folder])}, or give a path in a writable folder")


def check_readable(path: Path | None) -> None:
    """Refuse a storage file this user cannot reach or read, naming its owner and mode:
    another user's umask-077 database read as "not writable (the database itself is fine)",
    or as a raw "[Errno 13] Permission denied" behind a folder closed to the group."""
    if path is not None and (refused := unreadable_why(path)):
        raise StorageError(f"cannot open {path}: {'; '.join(refused)}")


def check_storage_writable(where: StorageURL) -> None:
    """The StorageError a run would meet opening ``where`` to write, said before the
    command's other checks: a file this user cannot write, or a new one's folder. (A
    study run's advice for an unwritable report folder, --no-report, failed on it next.)
    Nothing is made; a server's storage, a folder or a special file: `open_storage` says.

    Parameters
    ----------
    where : StorageURL
        The storage.
    """
    from ._sqlite_file import unwritable, unwritable_message

    path = where.path
    check_readable(path)
    if path is None or path.is_dir() or special_file(path):
        return
    if path.is_file():
        if where.kind == "journal":
            check_journal(path, appends=True)
        elif blocked := unwritable(path):
            raise StorageError(unwritable_message(path, blocked))
        return
    folder = next(p for p in path.parents if p.exists())  # the one its folders are made in
    if folder.is_dir() and not os.access(folder, os.W_OK):
        raise _folder_not_writable(path, folder)


def check_journal(path: Path, appends: bool = False) -> None:
    """Refuse an existing file that is not an optuna journal: optuna would append to it.
    Before a command ``appends``, refuse too one whose last line is broken."""
    if not path.is_file():
        return
    empty = not path.stat().st_size  # a new journal: its writes are checked all the same
    if not empty and (kind := storage_kind(path)) != "journal":
        if kind == "sqlite":  # a database under a journal's name (x.log)
            raise StorageError(f"{path} is an SQLite database, not an optuna journal: give "
                               f"it as sqlite:///{path.absolute()}")
        raise StorageError(f"{path} is not an optuna journal file; give another path")
    if appends:
        # said before any work, as for SQLite: "Permission denied: d/ex.log" came after
        # the data was loaded, and named the file where its folder was read-only
        if not os.access(path, os.W_OK):  # a copy would keep its mode: no advice to copy
            raise StorageError(f"cannot write {path}: {with_owner(path, 'the file')} is not "
                               f"writable; {write_advice([path])} to run or join its study")
        if not os.access(path.parent, os.W_OK):
            raise StorageError(f"cannot write {path}: "
                               f"{with_owner(path.parent, f'its folder {path.parent}')} is not "
                               "writable (the journal itself is fine; its lock files go "
                               f"beside it); {write_advice([path.parent])}, or copy "
                               f"{path.name} to a writable folder")
        if not empty:
            check_last_line(path)
    elif not empty:
        warn_last_line(path)


def warn_last_line(path: Path) -> None:
    """Warn of a journal whose last line is broken, to a command that only reads it:
    optuna reads the rest (the cut record's trial shows as running), and the next run
    would refuse it."""
    try:
        check_last_line(path)
    except StorageError as exc:
        warnings.warn(str(exc), stacklevel=2)  # a command says each once


def special_file(path: Path) -> str | None:
    """``"a named pipe"``, ``"a socket"`` or ``"a device"`` for such a file at ``path``;
    None for anything else (a file, a folder, nothing)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return None


def storage_kind(path: Path) -> str | None:
    """``sqlite`` or ``journal`` when the file at ``path`` is one (by its first bytes)."""
    fd = _KEPT.get(_inode(os.stat(path)))
    if fd is not None:
        return _kind_read(fd)
    # O_NONBLOCK: a FIFO put there since the caller's is_file() (open waited for a writer)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        kind = _kind_read(fd)
    except BaseException:
        _keep(fd)
        raise
    if kind == "journal":  # no SQLite holds a lock on a file of JSON lines
        os.close(fd)
    else:
        _keep(fd)
    return kind


def _kind_read(fd: int) -> str | None:
    first = os.pread(fd, 16, 0)
    if first.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    while b"\n" not in first and len(first) < 1 << 20:  # its first line, as optuna's
        if not (more := os.pread(fd, 1 << 16, len(first))):
            break
        first += more
    try:
        return "journal" if "op_code" in json.loads(first.split(b"\n")[0][:1 << 20]) else None
    except (ValueError, TypeError):  # not JSON, or JSON that is not an object
        # a journal whose only line a crash cut (its creation's record, written by optuna
        # from '{"op_code":'): a journal, so `check_last_line` names the cut and its mend
        # (QA: it was "not an optuna journal file; give another path")
        return "journal" if b"\n" not in first and _RECORD_START.match(first) else None


_RECORD_START = re.compile(rb'\{\s*"op_code"\s*:')


# The descriptors `storage_kind` read through, by (device, inode), kept open for the life
# of the process: closing any descriptor of a file releases every POSIX lock this process
# holds on it, SQLite's included, and another process then wrote through a script's open
# transaction (SQLite keeps its own "unused" descriptors for the same reason). An inode
# held open is never reused, so a key names one file for as long as it is kept.
_KEPT: dict[tuple[int, int], int] = {}
_SPARE: list[int] = []  # a second descriptor of one file, from a thread that raced


def _inode(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _keep(fd: int) -> None:
    if _KEPT.setdefault(_inode(os.fstat(fd)), fd) != fd:
        _SPARE.append(fd)
