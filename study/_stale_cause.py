"""Why a worker failed another worker's RUNNING trial as stale, stored on the trial as it
fails it: what ``study show``, the export and the report say of the trial, alike and for
good. (Judged again whenever shown, it changed with the process table: a trial whose
worker's process still lived read "stopped sending heartbeats", then "a process of this
machine, ended" once that process exited, and "stopped sending heartbeats" again after a
reboot; the export said a third thing.)
"""

from __future__ import annotations

import optuna
from optuna.trial import TrialState

from ._worker_identity import ended_here

#: Trial system attribute a worker sets on a trial right before it fails it as stale:
#: ``{"number": the trial's number, "cause": a key of CAUSES}``. The number because
#: optuna's retry copies the failed trial's system attributes to the retry, another trial.
CAUSE_ATTR = "hplab_stale_cause"
CAUSES = {
    "ended": "its worker, a process of this machine, ended",
    "silent": "its worker stopped sending heartbeats",
    "never_beat": "no heartbeat of its worker ever reached the storage",
}


class StoresStaleCauses:
    """Mixin of an optuna storage over a ``_backend`` (a ``_CachedStorage``) whose
    ``_get_stale_trial_ids`` says why each trial it returns is stale (`hold_causes`):
    `set_trial_state_values` stores that cause (`CAUSE_ATTR`) on the trial as optuna's
    ``fail_stale_trials`` fails it, first, while it is RUNNING (a finished trial takes no
    attribute)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._causes: dict[int, dict] = {}  # `CAUSE_ATTR` values, by trial id

    def hold_causes(self, stale: list[int], numbers: dict[int, int],
                    causes: dict[int, str]) -> None:
        """Hold the cause of each trial of ``stale`` (ids; ``numbers``: the trials' numbers
        by id; ``causes``: their `CAUSES` keys by id) for its failing, which comes next."""
        self._causes = {i: {"number": numbers[i], "cause": causes[i]}
                        for i in stale if i in numbers}

    def set_trial_state_values(self, trial_id: int, state, values=None) -> bool:
        cause = self._causes.pop(trial_id, None) if state == TrialState.FAIL else None
        if cause is not None:
            try:
                self._backend.set_trial_system_attr(trial_id, CAUSE_ATTR, cause)
            except optuna.exceptions.UpdateFinishedTrialError:
                pass  # finished, or another worker failed it first: optuna's set says so
        return super().set_trial_state_values(trial_id, state=state, values=values)


def stored_cause(trial) -> str | None:
    """The words of the cause stored on ``trial`` when a worker failed it as stale; None
    if none is (not failed so, a retry's copy of its failed trial's, or failed by an
    hplab that stored none)."""
    stored = trial.system_attrs.get(CAUSE_ATTR)
    if (isinstance(stored, dict) and stored.get("number") == trial.number
            and stored.get("cause") in CAUSES):
        return CAUSES[stored["cause"]]
    return None


def stale_cause(trial, worker: str | None) -> str:
    """Why a staleness check failed ``trial``, whose record names ``worker``, in words:
    `stored_cause`; for a trial an earlier hplab failed, which stored none, as judged now
    (`ended_here`, else its heartbeats), which may not be how it was judged then."""
    stored = stored_cause(trial)
    if stored is not None:
        return stored
    return CAUSES["ended"] if ended_here(worker) else CAUSES["silent"]
