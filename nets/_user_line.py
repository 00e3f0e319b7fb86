"""Where hplab's warnings point: at the first line outside hplab's own code (its packages
and hplab.py), the user's call, however many of hplab's functions it went through. A fixed
``stacklevel`` pointed at hplab's own line when another of its functions made the call
(`study.train_run`'s ``nets.train``: a warning quoting ``result = nets.train(...)``).
Python 3.12's ``skip_file_prefixes`` does this; hplab runs on 3.11 too."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
#: hplab's own code: its packages' folders and the CLI's module
_OURS = (*(str(_ROOT / name) + os.sep for name in ("nets", "data", "study", "analyses",
                                                    "reports")),
         str(_ROOT / "hplab.py"))


@functools.lru_cache(maxsize=256)
def _is_ours(filename: str) -> bool:
    path = os.path.realpath(filename)
    return path.startswith(_OURS[:-1]) or path == _OURS[-1]


def user_stacklevel(through: tuple[str, ...] = ()) -> int:
    """The ``stacklevel`` that makes the caller's ``warnings.warn`` point at the first frame
    outside hplab's code (the outermost frame, if every one is hplab's).

    Parameters
    ----------
    through : tuple of str, optional
        Folders of other code the call came through, passed over as hplab's is: optuna's,
        for a warning of hplab's code that optuna calls (a sampler's), which pointed at
        optuna's own line.

    Returns
    -------
    int
    """
    frame, level = sys._getframe(1), 1  # level 1: the caller's own line
    while frame.f_back is not None and (_is_ours(frame.f_code.co_filename)
                                        or frame.f_code.co_filename.startswith(through)):
        frame, level = frame.f_back, level + 1
    return level
