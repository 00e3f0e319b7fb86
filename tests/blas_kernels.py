"""The suite's BLAS kernels, pinned before NumPy loads OpenBLAS (conftest imports this first).

The suite's numbers come from OpenBLAS's Haswell kernels. Where the environment pins none,
OpenBLAS picks the CPU's own (SkylakeX on an AVX-512 CPU), which train other last bits, and
a chaotic run other numbers (digits, 32 hidden, B = 4 at lr 3: 743 steps to the target on
SkylakeX, 1,883 on Haswell; CI stop 78 met both). Pinned here, in this process and in every
process a test starts, on each x86 CPU that can run them (AVX2 and FMA); elsewhere OpenBLAS
picks, and such numbers may differ.
"""

from __future__ import annotations

import os
from pathlib import Path

#: what every figure of the suite and of benchmarks/train_fingerprint.py was trained with
PINNED = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"}


def cpu_runs_haswell_kernels() -> bool:
    """Whether this CPU has the instructions OpenBLAS's Haswell kernels use (Linux's
    /proc/cpuinfo; False where it cannot tell)."""
    try:
        words = set(Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").split())
    except OSError:
        return False
    return {"avx2", "fma"} <= words


if cpu_runs_haswell_kernels():
    os.environ.update(PINNED)
