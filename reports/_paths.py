"""Paths as a report shows them: files beside it named from its own folder, so the report
keeps working once its folder is moved, copied or sent (a zip, an email)."""

from __future__ import annotations

import os
from pathlib import Path


def from_report(path, out_dir) -> str:
    """``path`` as seen from the report folder ``out_dir`` (``model.npz``,
    ``../models/coin/model.npz``), with ``/`` between folders; absolute where no relative
    path leads there (another drive on Windows)."""
    # the folders' links resolved on both sides (/tmp is /private/tmp on macOS), the file's
    # own name kept
    path = os.path.abspath(path)
    target = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
    try:
        return Path(os.path.relpath(target, os.path.realpath(out_dir))).as_posix()
    except ValueError:
        return Path(target).as_posix()
