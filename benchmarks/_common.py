"""Shared helpers for benchmarks: interleaved repeats, medians, and their command lines."""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path


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


def positive(kind=int):
    """An argparse type: a finite number of ``kind`` above 0 (repeats, trials, seeds, epochs,
    scales), so that a 0 or a negative is refused on the command line, not met as a
    median of nothing (or clamped to 1 without a word) after minutes of runs."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"  # argparse names the type in its errors
    return parse


def run(main) -> None:
    """Run a benchmark's ``main`` as a program: what hplab refuses (an unknown spec,
    dataset or optimizer: a ValueError) ends in one line and exit 2, as hplab's own."""
    try:
        main()
    except ValueError as err:
        print(f"{Path(sys.argv[0]).name}: error: {err}", file=sys.stderr)
        sys.exit(2)
