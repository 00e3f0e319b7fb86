"""Whom a file is: its owner and mode, in the words a message names them with when this
user cannot read or replace another user's file (whom to ask, and what they would change)."""

from __future__ import annotations

import stat
from pathlib import Path


def owner_name(path: Path | str) -> str:
    """The user owning ``path`` (``uid N`` for one this machine does not know)."""
    return user_name(Path(path).stat().st_uid)


def user_name(uid: int) -> str:
    """The name of the user ``uid`` (``uid N`` for one this machine does not know)."""
    try:
        import pwd  # POSIX only, as the modes that lock a user out

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):  # no such user on this machine (a shared volume)
        return f"uid {uid}"


def owner_and_mode(path: Path | str) -> str:
    """``owner alice, mode 0600``: whom to ask, and what they would change."""
    return f"owner {owner_name(path)}, mode {stat.S_IMODE(Path(path).stat().st_mode):04o}"
