"""The versions a saved result records: hplab's own and those of the libraries it ran on.

Read from the installed packages' metadata, so recording them imports none of them
(scikit-learn, imbalanced-learn and optuna take a second or more).
"""

from __future__ import annotations

import functools
import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: The libraries whose versions change what a run computes (distribution names): scipy
#: fits the scaling law and the analyses' intervals, imbalanced-learn resamples for the
#: imbalance strategies. Those added later come last: records written before them lack
#: their keys, and are compared on the libraries both name (`study.same_libraries`).
LIBRARIES = ("numpy", "scikit-learn", "optuna", "scipy", "imbalanced-learn")


def hplab_version() -> str:
    """The installed hplab version, or ``"0+unknown"`` from a bare checkout.

    The version names its commit (``0.1.1.devN+gHASH``: pyproject's setuptools-scm); an
    editable install's is the commit it was installed at."""
    return _installed("hplab") or "0+unknown"


@functools.cache
def hplab_checkout() -> str | None:
    """The commit of the git checkout hplab runs from (12 hex digits, ``-dirty`` added when
    tracked files hold uncommitted changes), or None where it runs from an installed copy.

    An editable install's version names the commit it was installed at, not the code a
    later commit or an edit of the checkout runs: this names that code."""
    return checkout_of(Path(__file__).resolve().parent.parent)


def version_text() -> str:
    """hplab's version as a report says it: the installed version, and the checkout it runs
    from where that is other code (``0.1.1.dev5+g1a2b3c4, run from checkout 5d6e7f8a9b0c
    with uncommitted changes``); the version alone where it names the checkout's commit."""
    return version_text_of(hplab_version(), hplab_checkout())


def version_text_of(installed: str, checkout: str | None) -> str:
    """`version_text` of the code another process ran: ``installed``, its hplab version,
    and ``checkout``, its `hplab_checkout` (None: an installed copy), as a study's trial
    records them. Two codes with the same text ran the same commit.

    Parameters
    ----------
    installed : str
        An hplab version (``0.1.1.devN+gHASH``).
    checkout : str or None
        A checkout's commit, ``1a2b3c4d5e6f`` or ``1a2b3c4d5e6f-dirty``.
    """
    if not checkout:
        return installed
    commit, dirty = checkout.removesuffix("-dirty"), checkout.endswith("-dirty")
    named = installed.partition("+g")[2].partition(".")[0]  # setuptools-scm's +gHASH
    if not dirty and len(named) >= 7 and commit.startswith(named):
        return installed  # the version says it: a clean checkout at the installed commit
    return f"{installed}, run from checkout {commit}{' with uncommitted changes' * dirty}"


def checkout_of(folder: Path) -> str | None:
    """`hplab_checkout` of the code in ``folder``: None unless ``folder`` is the top of a
    git work tree that tracks hplab's files (a site-packages inside some other project's
    repository is not hplab's checkout, nor hplab installed into one), or git is missing
    or refuses it.

    Parameters
    ----------
    folder : Path
        The folder holding the code.
    """
    def git(*args: str) -> str | None:
        # the caller's GIT_DIR or GIT_WORK_TREE would point git at another repository
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True,
                                  text=True, env=env, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if not top or Path(top).resolve() != folder.resolve():
        return None
    # and the repository holds hplab: one installed with `pip install --target .` into a
    # project's own repository named that project's commit as hplab's (QA)
    if git("ls-files", "--error-unmatch", "hplab.py", "nets/__init__.py") is None:
        return None
    return git("describe", "--always", "--dirty", "--abbrev=12", "--exclude=*") or None


def versions() -> dict[str, str]:
    """``{"hplab": ..., "python": ..., "numpy": ..., ...}``: hplab, ``hplab_checkout``
    where hplab runs from a git checkout (`hplab_checkout`), then `library_versions`."""
    checkout = hplab_checkout()
    return {"hplab": hplab_version(), **({"hplab_checkout": checkout} if checkout else {}),
            **library_versions()}


def library_versions() -> dict[str, str]:
    """``{"python": ..., "numpy": ..., ...}``: Python and each of `LIBRARIES` installed
    (one not installed is left out), then ``"BLAS kernels"``, the processor kernels
    NumPy's BLAS chose (`numpy_blas_kernels`, where it names them): what a result ran on
    besides hplab."""
    from ._blas_settings import numpy_blas_kernels

    found = {"python": platform.python_version()}
    found.update((name, v) for name in LIBRARIES if (v := _installed(name)))
    # other kernels (another CPU, OPENBLAS_CORETYPE) train other last bits at any size,
    # which no version tells: a study resumed on another machine is mixed
    if kernels := numpy_blas_kernels():
        found["BLAS kernels"] = kernels
    return found


def _installed(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None
