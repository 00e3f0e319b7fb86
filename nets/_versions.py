"""The versions a saved result records: hplab's own and those of the libraries it ran on.

Read from the installed packages' metadata, so recording them imports none of them
(scikit-learn and optuna take a second or more).
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

#: The libraries whose versions change what a run computes (distribution names).
LIBRARIES = ("numpy", "scikit-learn", "optuna")


def hplab_version() -> str:
    """The installed hplab version, or ``"0+unknown"`` from a bare checkout.

    The version names its commit (``0.1.1.devN+gHASH``: pyproject's setuptools-scm); an
    editable install's is the commit it was installed at."""
    return _installed("hplab") or "0+unknown"


def versions() -> dict[str, str]:
    """``{"hplab": ..., "python": ..., "numpy": ..., ...}``: hplab, Python and each of
    numpy, scikit-learn and optuna installed (one not installed is left out)."""
    found = {"hplab": hplab_version(), "python": platform.python_version()}
    found.update((name, v) for name in LIBRARIES if (v := _installed(name)))
    return found


def _installed(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None
