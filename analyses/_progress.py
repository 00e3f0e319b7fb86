"""The analyses' progress bars (stderr): over their runs, or over the work inside them
(epochs, steps, examples, ramp points), which the runs report as they train.

A bar that moved only as a run finished said nothing for minutes: a capacity sweep of
MNIST (2000 full-batch epochs a net) showed no bar for its first 7. A run in this
process reports to the bar itself; one in a pool worker writes its count to a file of its
own, which a thread here reads twice a second (as a study's bar reads its storage); a
Dask cluster's runs, on other machines, count as they finish. A run that ends early (at
its target, or diverged) is credited its whole amount then.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import nets
from nets import progress_bar, stderr_is_a_terminal

#: Seconds before a progress bar shows: runs over (or failed) sooner print nothing.
BAR_DELAY = 1.0
#: How often the bar reads the counts of the runs in pool workers.
POLL_SECONDS = 0.5
#: At most one write a run in this many seconds: a small net checkpoints hundreds of
#: times a second.
WRITE_SECONDS = 0.25

# the report of the run this process is training (`reporting`), read by `work_callbacks`
_current: Callable[[float], None] | None = None


class WorkBar:
    """A bar over runs of known amounts of work (``unit``: "run", "epoch"...); one with
    ``label`` None draws nothing. Runs are indexed as `add` returned them."""

    def __init__(self, label: str | None, amounts: Sequence[float] = (), unit: str = "run",
                 *, whole: bool | None = None):
        self._lock = threading.Lock()
        self._amounts: list[float] = []
        self._done: list[float] = []
        self.enabled = label is not None
        if unit == "example":  # millions: "1.23M/98.8M"
            shown = {"unit_scale": True}
        else:  # "12/30000 [": whole counts (``whole``: the amounts to come too) as such
            count = ".0f" if (all(float(a).is_integer() for a in amounts) if whole is None
                              else whole) else ".3g"
            shown = {"bar_format": f"{{l_bar}}{{bar}}| {{n:{count}}}/{{total:{count}}} "
                                   "[{elapsed}<{remaining}, {rate_fmt}]"}
        self._options = {"desc": label, "unit": unit, "leave": False, "delay": BAR_DELAY,
                         **shown}
        self.bar = None  # drawn once there are runs to count (a bar of 0 showed "0/0")
        self.add(amounts)

    def add(self, amounts: Sequence[float]) -> range:
        """Count more runs (a verification grid that grows); their indices."""
        with self._lock:
            start = len(self._amounts)
            self._amounts += [float(a) for a in amounts]
            self._done += [0.0] * len(amounts)
            if self.bar is None and self._amounts:
                self.bar = progress_bar(enabled=self.enabled, total=sum(self._amounts),
                                        **self._options)
            elif self.bar is not None:
                self.bar.total += float(sum(amounts))
        return range(start, len(self._amounts))

    def report(self, index: int, done: float) -> None:
        """Run ``index`` has done ``done`` of its amount (a lower count than it said
        before, a poll's late read, changes nothing)."""
        with self._lock:
            done = min(float(done), self._amounts[index])
            if done > self._done[index] and not self.bar.disable:  # closed: disabled
                self.bar.update(done - self._done[index])
            self._done[index] = max(done, self._done[index])

    def finish(self, index: int) -> None:
        """Run ``index`` ended: all its amount is done."""
        self.report(index, self._amounts[index])

    def reporter(self, index: int) -> Callable[[float], None] | None:
        """What run ``index``, in this process, reports its count to (None without a
        bar: its training then adds no callback)."""
        if not self.enabled:
            return None
        return lambda done: self.report(index, done)

    @contextlib.contextmanager
    def pool_reports(self, indices: Sequence[int]) -> Iterator[list[_FileReport]]:
        """Picklable reports for runs ``indices`` in pool workers, read while the block
        runs (their folder removed after it)."""
        if not self.enabled:
            yield [None] * len(indices)
            return
        with tempfile.TemporaryDirectory(prefix="hplab-progress-") as folder:
            stop = threading.Event()
            poller = threading.Thread(target=self._poll, args=(folder, indices, stop),
                                      daemon=True)
            poller.start()
            try:
                yield [_FileReport(folder, i) for i in indices]
            finally:
                stop.set()
                poller.join()

    def _poll(self, folder: str, indices: Sequence[int], stop: threading.Event) -> None:
        # a terminal redraws the bar in place, its clock ticking while the workers start
        # and load the data (6 s of MNIST before the first checkpoint); a log file gets a
        # frame only as the count changes (as a study's bar)
        tick, polled = stderr_is_a_terminal(), {str(i): i for i in indices}
        while not stop.wait(POLL_SECONDS):
            # the runs that wrote (a scaling study's hundreds mostly have not, or are done)
            for entry in os.scandir(folder):
                i = polled.get(entry.name)
                if i is None or self._done[i] >= self._amounts[i]:
                    continue
                with contextlib.suppress(OSError, ValueError):  # being replaced
                    with open(entry.path) as f:
                        self.report(i, float(f.read()))
            with self._lock:
                if tick and not self.bar.disable \
                        and self.bar.format_dict["elapsed"] >= self.bar.delay:
                    self.bar.refresh()

    def close(self) -> None:
        with self._lock:
            if self.bar is not None:
                self.bar.close()

    def __enter__(self) -> WorkBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class _FileReport:
    """A pool worker's report: its run's count, written to ``folder/index``."""

    folder: str
    index: int
    _written: float = 0.0

    def __call__(self, done: float) -> None:
        now = time.monotonic()
        if now - self._written < WRITE_SECONDS:
            return
        self._written = now
        path = os.path.join(self.folder, str(self.index))
        # whole or not at all: the poller never reads half a number. A folder gone (the
        # caller stopped) is no failure of the run
        with contextlib.suppress(OSError):
            with open(f"{path}.tmp", "w") as f:
                f.write(repr(float(done)))
            os.replace(f"{path}.tmp", path)


@contextlib.contextmanager
def reporting(report: Callable[[float], None] | None) -> Iterator[None]:
    """Within the block, `work_callbacks` report to ``report`` (None: to nothing)."""
    global _current
    before, _current = _current, report
    try:
        yield
    finally:
        _current = before


class _ReportsWork(nets.Callback):
    """Reports ``record[key] x scale`` at every checkpoint."""

    def __init__(self, report, key: str, scale: float):
        self.report, self.key, self.scale = report, key, scale

    def on_checkpoint(self, state, record):
        self.report(record[self.key] * self.scale)


def work_callbacks(key: str = "epoch", scale: float = 1.0,
                   report: Callable[[float], None] | None = None) -> list[nets.Callback]:
    """The callbacks a run's training adds to report its work to ``report``, default the
    current one (none outside `reporting`): ``key`` of each checkpoint's record ("epoch",
    "iteration"), times ``scale`` (a batch size: examples)."""
    report = report or _current
    return [] if report is None else [_ReportsWork(report, key, scale)]
