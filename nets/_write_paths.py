"""Paths a command is to write, checked before its work (a file or a link to a missing
folder on the way, a folder that refuses a new entry, a folder's path given for a file),
and the folders such a write makes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def folder_blocker(path) -> str | None:
    """What on ``path``'s way stops its folders being made, in words that follow it:
    ``"is a file"``, ``"is inside a file (runs)"``, ``"is inside a link to a missing
    folder (runs -> ../gone)"``; None when nothing does (the way is folders, or free)."""
    path = Path(path)
    for place in (path, *path.parents):
        # os.path: True or False, never an error, whatever the permissions
        if os.path.islink(place) and not os.path.exists(place):
            link = f"{place} -> {os.readlink(place)}"
            return (f"is a link to a missing folder ({link})" if place == path
                    else f"is inside a link to a missing folder ({link})")
        if os.path.exists(place):
            if os.path.isdir(place):
                return None
            return "is a file" if place == path else f"is inside a file ({place})"
    return None


def check_file_path(path, what: str = "the output", named: str | None = None) -> None:
    """ValueError in one line where the file path ``path`` (as given: a str, before
    `Path` drops the ending) ends in a path separator, or its last part is ``.`` or ``..``:
    it names a folder, and a file written there took the folder's name (``--out newdir/``
    and ``--out newdir/.`` wrote a file ``newdir``). An existing folder is left to the
    caller's "is a folder" line.

    Parameters
    ----------
    path : str or os.PathLike
        As above.
    what : str, default "the output"
        What the file is for, as the message's advice names it.
    named : str, optional
        The flag or argument that gave ``path`` (``"--out"``), said before it.
    """
    text = os.fspath(path)
    if os.path.isdir(text):
        return
    said = f"{named} {text}" if named else text
    ending = next((sep for sep in (os.sep, os.altsep) if sep and text.endswith(sep)), None)
    if ending:
        raise ValueError(f"{said} ends in {ending}, a folder's path; give a file path for "
                         f"{what}")
    last = os.path.basename(text)  # what follows the last separator, either one on Windows
    if last in (os.curdir, os.pardir):
        raise ValueError(f"{said} names a folder (its last part is {last}); give a file path "
                         f"for {what}")


def check_writable(path, named: str | None = None, *, file: bool = False,
                   instead: str | None = None) -> None:
    """ValueError in one line where a command cannot write ``path``, a folder it makes (or
    with ``file``, a file it writes: also a path ending in a separator, `check_file_path`):
    a file or a link to a missing folder on its way, or a nearest existing folder that
    refuses a new entry (read-only, no permission, /proc).
    The line names the path as ``named`` gave it ("--out runs/x"; None: the path alone)
    and ends with ``instead`` (what to do), if given. Checked before the work, not after.

    Parameters
    ----------
    path : str or os.PathLike
        As above.
    named : str, optional
        As above.
    file : bool, default False
        ``path`` is a file to write, not a folder to make.
    instead : str, optional
        As above.
    """
    if file:
        check_file_path(path, named=named)
    path = Path(path)
    said = f"{named} {path}" if named else str(path)
    blocked = folder_blocker(path)
    if blocked and not (file and not blocked.startswith("is inside")):  # a file is replaced
        instead = instead or ("give a path in a folder" if file else "give a folder")
        raise ValueError(f"{said} {blocked}; {instead}")
    folder = path.parent if file else path
    probe_write(next(p for p in (folder, *folder.parents) if p.exists()), said, instead)


def probe_write(folder, said: str, instead: str | None = None) -> None:
    """ValueError in one line, "{said}: cannot write in {folder} (why); {instead}", where a
    new entry cannot be made in the existing ``folder``: a real write, which permissions,
    read-only mounts and /proc all answer.

    Parameters
    ----------
    folder : str or os.PathLike
        An existing folder.
    said : str
        What the line starts with, as above.
    instead : str, optional
        What to do instead, said last.
    """
    from ._printable import folder_text

    try:
        tempfile.TemporaryDirectory(dir=folder).cleanup()
    except OSError as exc:
        raise ValueError(f"{said}: cannot write in {folder_text(Path(folder))} "
                         f"({exc.strerror or type(exc).__name__})"
                         + (f"; {instead}" if instead else "")) from None


def make_folder(folder, path=None) -> None:
    """``folder`` and the folders above it, made where missing. A file or a link to a
    missing folder on the way is an error (NotADirectoryError) that names it and ``path``
    (default ``folder``), the path the caller was given, in one line; so is a folder that
    cannot be made (an OSError of the same kind: read-only, no permission).

    Parameters
    ----------
    folder : str or os.PathLike
        The folder to make.
    path : str or os.PathLike, optional
        As above.
    """
    folder = Path(folder)
    path = Path(folder if path is None else path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # mkdir says only "File exists: 'runs'"
        why = folder_blocker(path)
        if why is None:
            raise
        raise NotADirectoryError(f"{path} {why}") from None
    except OSError as exc:  # "[Errno 30] Read-only file system: 'runs'": made for what?
        missing = next(p for p in (folder, *folder.parents) if p.parent.exists()
                       or p.parent == p)  # the outermost folder it had to make
        raise type(exc)(f"{path}: cannot make the folder {missing} "
                        f"({exc.strerror or type(exc).__name__})") from None
