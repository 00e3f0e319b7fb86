"""Shared helpers for benchmarks: interleaved repeats and medians."""

from __future__ import annotations

import statistics
import time


def interleaved(contenders: dict, repeats: int) -> dict[str, list[float]]:
    """Run every contender once per round, round after round; return all timings.

    Interleaving spreads any drift of the machine (other load, turbo) over all
    contenders alike, so their ratio stays fair.
    """
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def median(xs) -> float:
    return statistics.median(xs)
