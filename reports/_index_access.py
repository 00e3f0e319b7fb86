"""What the index says of the files of a shared runs folder this user may not change: why
its ``index.html`` could not be written there, naming whom to ask (QA: bob's refresh of a
shared index said only "Operation not permitted")."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from nets import owner_and_mode, owner_name


def index_refused(index: Path, exc: OSError) -> tuple[str, str] | None:
    """Why this user may not write ``index``, where writing it raised ``exc``, and who may
    change that (the owner to ask): its folder not writable by them, or, in a sticky folder
    (a shared runs folder's mode, as /tmp's), the index another user's, which only its owner
    may replace. None for another error (a full disk: its own words say it)."""
    if exc.errno not in (errno.EACCES, errno.EPERM):
        return None
    folder = index.parent
    try:
        if not os.access(folder, os.W_OK | os.X_OK):
            return (f"its folder is not writable by this user ({owner_and_mode(folder)})",
                    owner_name(folder))
        held, around = os.lstat(index), os.stat(folder)
        # a sticky folder's files are replaced by their owner or the folder's alone
        if around.st_mode & stat.S_ISVTX and os.geteuid() not in (held.st_uid, around.st_uid):
            return (f"it is another user's ({owner_and_mode(index)}), and in this sticky "
                    "folder only its owner may replace it", owner_name(index))
    except OSError:  # gone meanwhile, or not reachable to look at
        return None
    return None

