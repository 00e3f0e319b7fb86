"""Why this user cannot reach, read or write a file another user owns, in words that name
whom to ask (its owner) and what they would change (its mode)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def owner_name(path: Path | str) -> str:
    """The user owning ``path`` (``uid N`` for one this machine does not know)."""
    return user_name(Path(path).stat().st_uid)


def user_name(uid: int) -> str:
    """The name of the user ``uid`` (``uid N`` for one this machine does not know).

    Parameters
    ----------
    uid : int
        A user id.
    """
    try:
        import pwd  # POSIX only, as the modes that lock a user out

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):  # no such user on this machine (a shared volume)
        return f"uid {uid}"


def owner_and_mode(path: Path | str) -> str:
    """``owner alice, mode 0600``: whom to ask, and what they would change.

    Parameters
    ----------
    path : Path or str
        An existing file or folder.
    """
    return f"owner {owner_name(path)}, mode {stat.S_IMODE(Path(path).stat().st_mode):04o}"


def closed_to_user(path: Path) -> Path | None:
    """What keeps this user from reading ``path``: the outermost folder on its way they
    cannot search, else ``path`` itself when they may not read it (a folder: list and
    search it); None when neither is (or it is missing: the callers say so)."""
    for folder in reversed([path.parent, *path.parent.parents]):  # the outermost first
        if os.access(folder, os.X_OK):
            continue
        return folder if folder.is_dir() else None  # there (its own folder is open)
    folder_too = os.X_OK if path.is_dir() else 0  # a folder listed and not searched
    if path.exists() and not os.access(path, os.R_OK | folder_too):
        return path
    return None


def unreadable_why(path: Path) -> tuple[str, str] | None:
    """Why this user cannot read ``path``, and what to do: a folder on its way closed to
    them (the outermost), or its own mode (`closed_to_user`; a folder ``path`` must be
    listed and searched); None when neither is. Folders are named as ``path`` names them.

    Parameters
    ----------
    path : Path
        The file or folder to read.
    """
    closed = closed_to_user(path)
    if closed is None:
        return None
    if closed != path:
        return (f"its folder {closed} is not searchable by this user "
                f"({owner_and_mode(closed)})",
                ask_owner(closed, "open it", yours="open it (chmod u+x)"))
    bits = "u+rx" if path.is_dir() else "u+r"
    return (f"{path.name} is not readable ({owner_and_mode(path)})",
            ask_owner(path, "make it readable", yours=f"make it readable (chmod {bits})"))


def check_folder_readable(folder: Path) -> None:
    """Refuse a ``folder`` that is not one, or that this user cannot list, saying why and
    whom to ask (`unreadable_why`): another's 0700 folder was listed as holding no
    reports, exit 0, a teacher's script reading "no runs" (QA).

    Parameters
    ----------
    folder : Path

    Raises
    ------
    ValueError
        ``not a folder: FOLDER``, or ``cannot read FOLDER: WHY; WHAT TO DO``.
    """
    try:
        there = folder.is_dir()
    except PermissionError:  # a folder on its way closed to this user: said below
        there = True
    if not there:
        raise ValueError(f"not a folder: {folder}")
    if refused := unreadable_why(folder):
        raise ValueError(f"cannot read {folder}: {refused[0]}; {refused[1]}")


def with_owner(path: Path, name: str) -> str:
    """``name (owner alice, mode 0644)``: a file or folder named with whom to ask.

    Parameters
    ----------
    path : Path
        The file or folder.
    name : str
        How the message names it.
    """
    return f"{name} ({owner_and_mode(path)})"


def is_mine(path: Path | str) -> bool:
    """Whether ``path`` is this user's: theirs to change (its mode, to remove it), where
    another's file is its owner's to."""
    return Path(path).stat().st_uid == os.geteuid()


def ask_owner(path: Path | str, action: str, yours: str | None = None) -> str:
    """What this user does to have ``action`` done to ``path`` ("remove it"): do it
    (``yours``, when they would say it otherwise) where it is theirs; else ask its owner,
    named: "ask its owner (bob) to remove it".

    Parameters
    ----------
    path : Path or str
        The file or folder.
    action : str
        What is to be done to it (``"remove it"``).
    yours : str, optional
        As above.
    """
    if is_mine(path):
        return yours or action
    return f"ask its owner ({owner_name(path)}) to {action}"


def write_advice(paths: list[Path]) -> str:
    """What lets this user write ``paths``: "make it writable (chmod u+w)" where they are
    theirs; else whom to ask, and what to ask for: a group they share is given write (chmod
    g+w), as a shared folder's files need; "chmod u+w" is the owner's own, and not this
    user's to do.

    Parameters
    ----------
    paths : list of Path
        The files or folders this user cannot write.
    """
    them = "it" if len(paths) == 1 else "them"
    owners = sorted({owner_name(p) for p in paths if not is_mine(p)})
    if not owners:  # one advice for a file whatever its kind (SQLite's, a journal)
        return f"make {them} writable (chmod u+w)"
    groups = {os.getegid(), *os.getgroups()}
    how = (f"make {them} group-writable (chmod g+w)" if all(
        p.stat().st_gid in groups for p in paths) else f"let this user write {them}")
    whose = ("its owner" if len(paths) == 1 else
             "their owner" if len(owners) == 1 else "their owners")
    return f"ask {whose} ({', '.join(owners)}) to {how}"
