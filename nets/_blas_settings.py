"""The BLAS libraries loaded, said for records and commands: the kernels NumPy's chose,
and the environment setting that runs them on a given thread count."""

from __future__ import annotations

import functools
from pathlib import Path

from threadpoolctl import ThreadpoolController

from ._threads import blas_threads


@functools.cache
def numpy_blas_kernels() -> str | None:
    """The processor kernels NumPy's BLAS chose (OpenBLAS's core type, ``"Haswell"``,
    which ``OPENBLAS_CORETYPE`` overrides); None where it names none, or where it cannot be
    told from another BLAS loaded that names others.

    Returns
    -------
    str or None
    """
    import numpy

    home = Path(numpy.__file__).resolve().parent
    loaded = ThreadpoolController().select(user_api="blas").lib_controllers
    # a wheel's own copy lies in numpy.libs beside the package (numpy/.dylibs on macOS);
    # elsewhere (conda) one shared library serves numpy and scipy alike
    own = [lib for lib in loaded
           if Path(lib.filepath).resolve().is_relative_to(home)
           or Path(lib.filepath).resolve().parent.name == f"{home.name}.libs"]
    named = {getattr(lib, "architecture", None) for lib in own or loaded}
    return named.pop() if len(named) == 1 else None


# the variable each BLAS reads its thread count from before OMP_NUM_THREADS (which a
# shell profile or a cluster's may set otherwise: OpenBLAS reads OPENBLAS_NUM_THREADS first)
_THREADS_VARIABLES = {"openblas": "OPENBLAS_NUM_THREADS", "mkl": "MKL_NUM_THREADS",
                      "blis": "BLIS_NUM_THREADS"}


def threads_setting(threads: int) -> str:
    """The environment setting, as a command's prefix, that runs the BLAS libraries this
    process loaded on ``threads`` threads: each library's own variable
    (``OPENBLAS_NUM_THREADS=2``), which no OMP_NUM_THREADS set elsewhere overrides;
    OMP_NUM_THREADS for a library of another kind, or none loaded.

    Parameters
    ----------
    threads : int

    Returns
    -------
    str
    """
    names = dict.fromkeys(_THREADS_VARIABLES.get(lib["library"], "OMP_NUM_THREADS")
                          for lib in blas_threads())
    return " ".join(f"{name}={threads}" for name in names or ["OMP_NUM_THREADS"])
