"""Why this user cannot reach or read a file another user owns, in words that name whom to
ask (its owner) and what they would change (its mode)."""

from __future__ import annotations

import os
from pathlib import Path

from ._file_owner import owner_and_mode


def unreadable_why(path: Path) -> tuple[str, str] | None:
    """Why this user cannot read ``path``, and what to do: a folder on its way closed to
    them (the outermost), or the file's own mode; None when neither is (or it is missing:
    the callers say so). Folders are named as ``path`` names them."""
    for folder in reversed([path.parent, *path.parent.parents]):  # the outermost first
        if os.access(folder, os.X_OK):
            continue
        if folder.is_dir():  # there (its own folder is open), and closed to this user
            return (f"its folder {folder} is not searchable by this user "
                    f"({owner_and_mode(folder)})", "ask its owner to open it")
        return None
    if path.exists() and not os.access(path, os.R_OK):
        return (f"{path.name} is not readable ({owner_and_mode(path)})",
                "make it readable, or ask its owner")
    return None
