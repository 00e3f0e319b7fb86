"""The progress bar of a study run: finished trials of the study-wide budget."""

from __future__ import annotations

import logging
import sys
import threading

from optuna.trial import TrialState

import nets

from ._worker import budget_used, stored_n_trials


class StudyProgress:
    """A tqdm bar over the study-wide trial count, refreshed from the storage."""

    def __init__(self, study, n_trials: int, enabled: bool):
        self.study, self._bar, self._logs = study, None, None
        if enabled:
            from tqdm.auto import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            # escaped: a name another client stored may hold ESC or a bell. A resume starts
            # at the trials done: counted as done in its first second, they made the rate
            # read 134019 trials/s
            self._bar = tqdm(total=n_trials, unit="trial", leave=False,
                             desc=nets.escaped(study.study_name),
                             initial=self._done(self.study.get_trials(deepcopy=False)))
            # a terminal redraws the bar in place (its clock ticks each poll); a log file
            # would get a frame a second, so there it changes only with the count
            self._tty = sys.stderr.isatty()
            # optuna's line for a failed trial (of this process's worker) above the bar, not
            # glued to its end
            self._logs = logging_redirect_tqdm([logging.getLogger("optuna")])
            self._logs.__enter__()
            self.refresh()

    @staticmethod
    def _done(trials) -> int:
        # the finished trials that hold a slot of the budget (running ones hold one too,
        # and were counted as done: the bar reached 4/4 with two trials still training)
        running = sum(t.state in (TrialState.RUNNING, TrialState.WAITING) for t in trials)
        return max(0, budget_used(trials) - running)

    def refresh(self, trials=None) -> None:
        """Show ``trials`` (a worker's own read at its claim), else read them."""
        if self._bar is None:
            return
        if trials is None:
            trials = self.study.get_trials(deepcopy=False)
        done = self._done(trials)
        if done >= self._bar.total:  # another run may have raised the budget (--trials)
            total = stored_n_trials(self.study, self._bar.total)
            if total > self._bar.total:  # the bar lost its total past it ("6trial")
                self._bar.total = total
        if done == self._bar.n and not self._tty:
            return
        self._bar.n = done
        self._bar.refresh()

    def say(self, line: str) -> None:
        """``line`` on stderr on a line of its own, above the bar (printed after it, it
        was glued to the bar's line)."""
        if self._bar is None:
            print(line, file=sys.stderr, flush=True)
        else:
            self._bar.write(line, file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        if self._logs is not None:
            self._logs.__exit__(None, None, None)
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
