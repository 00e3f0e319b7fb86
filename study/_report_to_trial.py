"""The callback that reports a trial's checkpoints to Optuna's pruner and stops it when told."""

from __future__ import annotations

import math

import optuna

import nets

from ._history_view import should_prune_seen


class ReportToTrial(nets.Callback):
    """Report the watched metric at every checkpoint; stop when the pruner says so.

    Steps are the spec's checkpoints by epoch (step k at epoch k x ``checkpoint``; 0 =
    before training), so trials with different batch sizes share one resource axis for
    the pruners: a checkpoint falls on whole steps, so a full-batch trial asked for one
    every half epoch reports every epoch, at steps 0, 2, 4..., not 0, 1, 2; one whose
    checkpoints come more often than ``checkpoint`` epochs (0.3 of 8 batches: every 0.25)
    reports each at its nearest step, leaving out one that rounds to a step already
    reported (the trial's history keeps it), or to the step of a full run's last
    checkpoint (``max_epochs``), which that checkpoint reports.

    ``rungs`` (`rung_steps`'s ``(min_resource, factor)``) asks the pruner only at the
    first step reported at or past each ``min_resource * factor ** j``: a rung pruner
    answers "no" at any other step, but only after re-reading the trial from the storage.

    Parameters
    ----------
    trial : optuna.Trial
        The trial reported to.
    metric : str
        The history column reported (``"val_loss"``...).
    checkpoint : float, default 1.0
        As above.
    rungs : tuple of int, optional
        As above.
    lag : int, optional
        ``study.repeatable_workers``: the pruner reads what the trial sees (`history_study`).
    warmup : int, default 0
        The pruner's ``n_warmup_steps`` (`warmup_steps`): it is not asked before that step,
        where it answers "no" after reading every trial of the study.
    max_epochs : float, optional
        The run's ``max_epochs``: its last checkpoint keeps its nearest step (None: the
        last checkpoint whose step was reported before reports one step on).
    """

    def __init__(self, trial: optuna.Trial, metric: str, checkpoint: float = 1.0,
                 rungs: tuple[int, int] | None = None, lag: int | None = None,
                 warmup: int = 0, max_epochs: float | None = None):
        self.trial, self.metric, self.checkpoint, self.rungs = trial, metric, checkpoint, rungs
        self.warmup, self.max_epochs = warmup, max_epochs
        self.lag = lag  # study.repeatable_workers: the pruner reads what the trial sees
        self.step = -1
        self.reported = 0  # the last step reported (0: none judged yet)
        self.pruned = False

    def on_checkpoint(self, state, record):
        """Report ``record``'s metric to the trial; True (stop) when the pruner prunes it.

        Parameters
        ----------
        state : TrainState
            The loop's state (a checkpoint where training ends anyway is never pruned).
        record : dict
            The history row just added (its ``epoch`` and the watched metric are read).
        """
        value = float(record[self.metric])
        step = round(record["epoch"] / self.checkpoint)
        if step <= self.step:
            # checkpoints closer than `checkpoint` epochs (whole batches: 0.3 epochs of 8
            # batches is every 2, 0.25 epochs): the pruner compares trials step by step, so
            # a step stays the epoch nearest it. Counting on instead (step + 1) ran a
            # batch-128 trial's steps ahead of its epochs, judged at step 20 after 5 epochs
            # against a batch-300 trial's 6. The run's last checkpoint closes the curve
            # one step on (never judged)
            if state.ending is None:
                return None
            step = self.step + 1
        elif state.ending is None and step == self._last_step(record):
            # an earlier checkpoint rounding to the step of the run's last would put that
            # one a step on (QA: batch 1 of 4 rows, checkpoint 0.3, max_epochs 2.5: epoch
            # 2.25 took step 8, and epoch 2.5 reported at 9 where a batch-2 trial's did at 8)
            return None
        self.step = step
        if not math.isfinite(value):
            return None  # divergence is the loop's call; NaN would confuse the pruners
        self.trial.report(value, step)
        passed, self.reported = self.reported, step
        # checkpoint 0 is the untrained net: its curve starts there, but no pruner may
        # judge it (percentile and threshold have no warm-up and stopped trials at epoch 0);
        # nor a checkpoint where training ends anyway (converged, or the whole budget
        # trained): a result, not a prune
        if (step and step >= self.warmup and state.ending is None
                and self._rung_between(passed, step) and self._should_prune()):
            self.pruned = True
            self.stop_reason = f"pruned at checkpoint {step} (epoch {record['epoch']:.4g})"
            return True
        return None

    def _last_step(self, record) -> int | None:
        """The step of a full run's last checkpoint (None: unknown, or at epoch 0)."""
        if self.max_epochs is None or not record["epoch"]:
            return None
        per_epoch = round(record["iteration"] / record["epoch"])  # epoch = steps / this
        last = nets.whole_steps(self.max_epochs, per_epoch) / per_epoch
        return round(last / self.checkpoint)

    def _should_prune(self) -> bool:
        if self.lag is None:
            return self.trial.should_prune()
        return should_prune_seen(self.trial, self.lag)

    def _rung_between(self, passed: int, step: int) -> bool:
        """Whether a rung lies in (passed, step]; always where the rungs are not known."""
        if self.rungs is None:
            return True
        rung, factor = self.rungs
        while rung <= passed:
            rung *= factor
        return rung <= step
