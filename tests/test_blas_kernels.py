"""The suite runs on the BLAS kernels its numbers came from (tests/blas_kernels.py), in its
own process and in the processes its tests start, whatever the environment pinned."""

from __future__ import annotations

import json
import subprocess
import sys

import blas_kernels
import pytest

pytestmark = pytest.mark.skipif(not blas_kernels.cpu_runs_haswell_kernels(),
                                reason="a CPU without AVX2 and FMA: OpenBLAS picks its kernels")

_KERNELS = """
import json
import numpy  # loads OpenBLAS
from threadpoolctl import threadpool_info
print(json.dumps(sorted({i.get("architecture") for i in threadpool_info()
                         if i.get("internal_api") == "openblas"})))
"""


def test_openblas_runs_the_pinned_kernels_here_and_in_a_process_a_test_starts():
    import numpy  # noqa: F401  (loads OpenBLAS)
    from threadpoolctl import threadpool_info

    here = {i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"}
    assert here == {"Haswell"}
    child = subprocess.run([sys.executable, "-c", _KERNELS], capture_output=True, text=True,
                           check=True)
    assert json.loads(child.stdout) == ["Haswell"]
