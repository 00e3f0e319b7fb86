"""The retry of a stale trial (a dead worker's, heartbeats or a journal's grace), queued
without the dead trial's record: optuna's retry copies every user attribute, so a retry
not yet run (or one another Optuna client ran) named the dead worker as its own."""

from __future__ import annotations

import copy

import optuna

from ._record import _CLAIM_BEFORE, _hplabs, other_attrs


class RetryStaleTrial(optuna.storages.RetryHeartbeatStaleTrialCallback):
    """Optuna's `RetryHeartbeatStaleTrialCallback`, its retry given only the other
    programs' user attributes of the trial it repeats (an enqueued point's own are kept):
    hplab's record, and the ``claim`` of 2026-11-28's layout, say who ran the dead trial,
    and the worker that runs the retry writes its own."""

    def __call__(self, study, trial) -> None:
        kept = {k: v for k, v in other_attrs(trial).items()
                if not (k == _CLAIM_BEFORE and _hplabs(v))}
        if kept != trial.user_attrs:
            trial = copy.copy(trial)  # the caller's copy stays as optuna gave it
            trial.user_attrs = kept
        super().__call__(study, trial)
