"""The Workers chart's layout, from `_timeline_data.timeline_frame`'s rows: worker processes
packed onto lanes, and the long idle gaps cut out of its time axis (drawing aside)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._numbers import format_seconds

#: A gap between busy stretches is cut from the axis when longer than a minute (shorter
#: ones are process start-up, sampling) and than this share of the busy time (one that
#: would not take a tenth of the axis crowds nothing).
CUT_AFTER = 60.0
CUT_SHARE = 0.1
#: Each cut's drawn width, as a share of the axis's kept time: all cuts together take at
#: most `CUTS_AT_MOST` of it (a study resumed a hundred times stays readable).
CUT_WIDTH = 0.04
CUTS_AT_MOST = 0.3


def worker_lanes(frame: pd.DataFrame) -> dict[str, int]:
    """Each worker's lane: a process takes the lowest lane whose last process ended by
    the time its first trial started, so lanes are the most processes running at once
    (a resumed study reuses its earlier runs' lanes instead of adding its own)."""
    spans = (frame.groupby("worker")
             .agg(first=("start", "min"), last=("end", "max"))
             .reset_index().sort_values(["first", "last", "worker"]))
    ends: list[float] = []  # each lane's last end so far
    lanes = {}
    for worker, first, last in spans.itertuples(index=False):
        lane = next((i for i, end in enumerate(ends) if end <= first), len(ends))
        ends[lane:lane + 1] = [last]
        lanes[worker] = lane
    return lanes


def busy_spans(frame: pd.DataFrame) -> list[tuple[float, float]]:
    """The union of the trials' (start, end) intervals, in time order."""
    spans: list[list[float]] = []
    for start, end in frame.sort_values("start")[["start", "end"]].itertuples(index=False):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([float(start), float(end)])
    return [(a, b) for a, b in spans]


def cut_after(frame: pd.DataFrame) -> float:
    """How long an idle gap is when it is cut: `CUT_AFTER`, or `CUT_SHARE` of the busy
    time when longer."""
    return max(CUT_AFTER, CUT_SHARE * sum(b - a for a, b in busy_spans(frame)))


def idle_cuts(frame: pd.DataFrame) -> list[tuple[float, float]]:
    """The idle gaps (start, end in the frame's seconds) cut from the axis: those longer
    than `cut_after`."""
    spans, longer = busy_spans(frame), cut_after(frame)
    return [(a[1], b[0]) for a, b in zip(spans, spans[1:], strict=False)
            if b[0] - a[1] > longer]


def gap_words(seconds: float) -> str:
    """A gap's length for a reader: ``'30 d'`` past two days, else as `format_seconds`."""
    return f"{seconds / 86400:.0f} d" if seconds >= 2 * 86400 else format_seconds(seconds)


def timeline_notes(frame: pd.DataFrame) -> str:
    """The caption's words on shared lanes and cut gaps ('' for a chart with neither)."""
    text = ""
    if frame.groupby("lane")["worker"].nunique().max() > 1:
        text += (" Workers that ran one after another (a resumed study) share a lane: each "
                 "took the first lane free when it started, and is named over its first "
                 "trial where there is room (a lane's label counts them).")
    cuts = idle_cuts(frame)
    if cuts:
        many = len(cuts) > 1
        longer = cut_after(frame)
        text += (f" {len(cuts)} idle gap{'s' if many else ''} longer than "
                 f"{'a minute' if longer == CUT_AFTER else format_seconds(longer)} "
                 f"({gap_words(sum(b - a for a, b in cuts))}{' in all' if many else ''}) "
                 f"{'are' if many else 'is'} cut out of the time axis, "
                 f"{'each ' if many else ''}drawn as a narrow grey band labelled with its "
                 "length where there is room: the ticks count only the time kept.")
    return text


class CutAxis:
    """Positions on an axis with ``cuts`` (start, end) left out: each drawn `CUT_WIDTH`
    of the kept time wide (narrower past `CUTS_AT_MOST` in all); ``t0``, ``t1`` the
    first and last times drawn."""

    def __init__(self, cuts: list[tuple[float, float]], t0: float, t1: float):
        self.cuts = sorted(cuts)
        self.kept = (t1 - t0) - sum(b - a for a, b in self.cuts)
        share = min(CUT_WIDTH, CUTS_AT_MOST / len(self.cuts)) if self.cuts else 0.0
        self.width = share * max(self.kept, 1e-9)

    def position(self, seconds) -> np.ndarray:
        """Where times (not inside a cut) are drawn."""
        seconds = np.asarray(seconds, dtype=float)
        shift = np.zeros_like(seconds)
        for a, b in self.cuts:
            shift += np.where(seconds >= b, (b - a) - self.width, 0.0)
        return seconds - shift

    def bands(self) -> list[tuple[float, float]]:
        """Each cut's drawn (left, right)."""
        return [(float(self.position(a)), float(self.position(a)) + self.width)
                for a, _ in self.cuts]

    def tick_positions(self, kept_ticks) -> np.ndarray:
        """Where kept-time ticks go: past each band they move right by its width."""
        kept_ticks = np.asarray(kept_ticks, dtype=float)
        more = np.zeros_like(kept_ticks)
        for k, (left, _) in enumerate(self.bands()):
            at = left - k * self.width  # the band's place in kept time
            more += np.where(kept_ticks > at, self.width, 0.0)
        return kept_ticks + more
