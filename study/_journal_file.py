"""Journal files as optuna reads them: a damaged line named in one line, before it spreads.

optuna's reader skips a last line that is cut short or not JSON (a crash, a full disk), but
records appended after it make it a broken line mid-file, and then no command reads the
journal: commands that append refuse such a file first. A line optuna cannot replay (not
its record) fails every command, naming the file and the line.
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path

import optuna
from optuna.storages.journal import JournalFileBackend

from ._errors import StorageError
from ._journal_lock import JournalLock


def check_last_line(path: Path) -> None:
    """Refuse a journal whose last line is cut short or not JSON, saying how to recover."""
    broken = _broken_last_line(path)
    if broken is None:
        return
    number, what = broken
    raise StorageError(f"{path}: its last line ({number}) is {what} (a crash or a full "
                       "disk?), and trials added after it would make the whole journal "
                       f"unreadable; {keep_lines(path, number - 1)}")


def cut_line_advice(path: Path) -> str:
    """What the same command needs first where a failure (a full disk) left the journal's
    last line cut short: `` once ..., mended: <keep_lines>``; '' if that line is whole, or
    the file empty or unreadable (its own error says so). QA: "the same command resumes
    the study", said after a full disk, was refused for that line."""
    try:
        broken = _broken_last_line(path) if path.stat().st_size else None
    except OSError:
        return ""
    if broken is None:
        return ""
    number, what = broken
    how = what if what == "cut short" else f"left {what}"
    return (f" once its last line ({number}), {how} by the failure, is mended: "
            f"{keep_lines(path, number - 1)}")


def _broken_last_line(path: Path) -> tuple[int, str] | None:
    """``(number, "cut short" or "not JSON")`` of a journal's last line that optuna's
    reader skips; None if it is a whole record."""
    number, last = _last_line(path)
    if not _whole_record(last):
        time.sleep(0.1)  # a worker appending right now ends the line: look again
        number, last = _last_line(path)
    if _whole_record(last):
        return None
    return number, "not JSON" if last.endswith(b"\n") else "cut short"


def keep_lines(path: Path, n: int) -> str:
    """The advice to keep lines 1..``n`` of a damaged journal, in place: under another
    name it is another storage, with a report folder of its own (the study's history is
    the file's path's). With ``n`` 0 (line 1 is the damaged one), to remove it."""
    name = shlex.quote(str(path))
    if n < 1:  # "keep only lines 1-0 ... head -n 0" emptied it, the same in more words
        return (f"it holds no whole record, so nothing is lost in removing it: rm {name} "
                "(or give another path)")
    fixed = shlex.quote(f"{path}.fixed")
    return (f"keep only lines 1-{n}, in place (a copy first): head -n {n} {name} > {fixed} "
            f"&& mv {fixed} {name}")


def _whole_record(line: bytes) -> bool:
    """Whether a journal line is ended and JSON (what optuna's reader takes)."""
    try:
        json.loads(line)
    except ValueError:
        return False
    return line.endswith(b"\n")


def _last_line(path: Path) -> tuple[int, bytes]:
    """The number (from 1) and bytes of the last line of ``path``."""
    number, last = 0, b""
    with path.open("rb") as f:
        for line in f:
            number, last = number + 1, line
    return number, last


class _JournalFile(JournalFileBackend):
    """optuna's journal file, counting the records it handed out (to name a bad line),
    with a lock a crash cannot wedge (`JournalLock`)."""

    records = 0

    def __init__(self, path: Path):
        # absolute: the lock's link names it, and a link's relative target is read from
        # the link's folder (runs/a.log.lock -> runs/a.log pointed at runs/runs/a.log)
        where = str(path.absolute())
        super().__init__(where, lock_obj=JournalLock(where))

    def read_logs(self, log_number_from: int):
        self.records = log_number_from
        for log in super().read_logs(log_number_from):
            self.records += 1
            yield log


def open_journal(path: Path) -> optuna.storages.JournalStorage:
    """The journal storage of ``path``; a line optuna cannot replay is refused in one line."""
    backend = _JournalFile(path)
    try:
        return optuna.storages.JournalStorage(backend)
    except OSError:
        raise
    except Exception as exc:  # KeyError, TypeError, AssertionError... of the replay
        # optuna raises a line's decode error on reading the next: the bad one is after
        # the records read; any other error is the last record's own
        unread = isinstance(exc, json.JSONDecodeError) or str(exc) == "Invalid log format."
        if isinstance(exc, json.JSONDecodeError):
            why = "not JSON"
        elif isinstance(exc, KeyError):
            why = f"a record without {exc.args[0]!r}"
        elif isinstance(exc, AssertionError):
            why = "an unknown op_code"
        else:
            why = f"not an optuna record: {exc}"
        line = backend.records + unread
        if line == 1:
            raise StorageError(f"{path} is not an optuna journal file (line 1: {why})") \
                from None
        # records before it replayed: a journal, damaged there (a crash, a full disk, an
        # edit), whose earlier lines hold its trials up to then
        raise StorageError(f"{path}: line {line} of this journal is damaged ({why}); "
                           f"{keep_lines(path, line - 1)}") from None
