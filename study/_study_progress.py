"""The progress bar of a study run: finished trials of the study-wide budget."""

from __future__ import annotations

import logging
import sys
import threading

from optuna.trial import TrialState

import nets
from nets import progress_bar, stderr_is_a_terminal

from ._budget import budget_used
from ._record import study_flat_layout
from ._worker import stored_n_trials


class _AboveTheBar(logging.Filter):
    """On a console handler of optuna's logger while a bar runs: writes the handler's line
    with tqdm's ``write`` (above the bar, not glued to its end) in place of the handler.

    Each run adds its own to the handlers and takes exactly it off: tqdm's
    ``logging_redirect_tqdm`` swapped the logger's handlers for its own and put back the
    list it had seen, so two runs overlapping in threads left its handler on optuna's logger
    for good (and ``optuna.logging.disable_default_handler()`` silenced nothing after).
    """

    def __init__(self, handler: logging.StreamHandler, stream):
        super().__init__()
        self.handler, self.stream = handler, stream

    def filter(self, record: logging.LogRecord) -> bool:
        from tqdm.std import tqdm as std_tqdm  # the class logging_redirect_tqdm wrote with

        try:
            std_tqdm.write(self.handler.format(record), file=self.stream)
            self.stream.flush()
        except Exception:  # as a handler's emit: logging's own report, never the run's end
            self.handler.handleError(record)
        return False  # written: the handler itself does not


def _lines_above_the_bar() -> list[tuple[logging.Handler, _AboveTheBar]]:
    """Put an :class:`_AboveTheBar` on each console handler of optuna's logger (its default
    one on stderr, or a user's); return them, to take off."""
    put = []
    for handler in logging.getLogger("optuna").handlers:
        stream = _console(handler)
        if stream is not None:
            redirect = _AboveTheBar(handler, stream)
            handler.addFilter(redirect)  # after the handler's own filters: they still rule
            put.append((handler, redirect))
    return put


def _console(handler: logging.Handler):
    """The console stream ``handler`` writes to, as ``sys`` has it now, or None.

    A handler made before ``sys.stderr`` was swapped (optuna imported before a test's
    capture, a redirect) holds the process's original one: its lines go where the bar is.
    """
    if not isinstance(handler, logging.StreamHandler):
        return None
    for name in ("stdout", "stderr"):
        if handler.stream is getattr(sys, name) or handler.stream is getattr(sys, f"__{name}__"):
            return getattr(sys, name)
    return None


class StudyProgress:
    """A tqdm bar over the study-wide trial count, refreshed from the storage."""

    def __init__(self, study, n_trials: int, enabled: bool):
        nets.release_warnings()  # the trials start: a command's held warnings, bar or not
        self.study, self._bar, self._logs = study, None, None
        if enabled:
            # counted as the workers count: another program's attributes are not hplab's
            self._flat = study_flat_layout(study)
            # escaped: a name another client stored may hold ESC or a bell. A resume starts
            # at the trials done: counted as done in its first second, they made the rate
            # read 134019 trials/s
            self._bar = progress_bar(total=n_trials, unit="trial", leave=False,
                                     desc=nets.escaped(study.study_name),
                                     initial=self._done(self.study.get_trials(deepcopy=False)))
            # a terminal redraws the bar in place (its clock ticks each poll); a log file
            # would get a frame a second, so there it changes only with the count
            self._tty = stderr_is_a_terminal()
            # optuna's line for a failed trial (of this process's worker) above the bar, not
            # glued to its end
            self._logs = _lines_above_the_bar()
            self.refresh()

    def _done(self, trials) -> int:
        # the finished trials that hold a slot of the budget (running ones hold one too,
        # and were counted as done: the bar reached 4/4 with two trials still training)
        running = sum(t.state in (TrialState.RUNNING, TrialState.WAITING) for t in trials)
        return max(0, budget_used(trials, flat=self._flat) - running)

    def refresh(self, trials=None) -> None:
        """Show ``trials`` (a worker's own read at its claim), else read them."""
        if self._bar is None:
            return
        if trials is None:
            trials = self.study.get_trials(deepcopy=False)
        done = self._done(trials)
        if done >= self._bar.total:  # another run may have raised the budget (--trials)
            total = stored_n_trials(self.study, self._bar.total)
            # past its total the bar loses it ("6trial"): another run raised the budget,
            # or a trial asked past it (another Optuna client's, left running) was retried
            if max(total, done) > self._bar.total:
                self._bar.total = max(total, done)
        if done == self._bar.n and not self._tty:
            return
        self._bar.n = done
        self._bar.refresh()

    def say(self, text: str, level: int = logging.WARNING) -> None:
        """``text`` as a notice of ``level`` (`nets.notice`'s: a failure the run goes on
        after, by default), printed on a line of its own above the bar (printed after it,
        it was glued to the bar's line); nothing without a stderr, where print and tqdm's
        write would put it on stdout, in front of --json's object."""
        nets.notice("study", text, level=level, printed="above_bars")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        for handler, redirect in self._logs or ():
            handler.removeFilter(redirect)
        self._logs = None

    def poll(self, stop: threading.Event) -> None:
        """Refresh once a second until ``stop`` is set (a thread of its own)."""
        while not stop.wait(1.0):
            self.refresh_quietly()

    def refresh_quietly(self) -> None:
        """Refresh, whatever the storage says (a busy one is skipped): what the poller
        calls, and a run that ended, to show its last count (polled once a second, a log
        file's last frame said 2/4 of a finished 4)."""
        try:
            self.refresh()
        except Exception:  # a busy storage must not kill the bar's thread, nor end a run
            pass
