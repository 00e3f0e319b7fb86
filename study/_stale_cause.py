"""Why a worker failed another worker's RUNNING trial as stale, stored on the trial as it
fails it: what ``study show``, the export and the report say of the trial, alike and for
good. (Judged again whenever shown, it changed with the process table: a trial whose
worker's process still lived read "stopped sending heartbeats", then "a process of this
machine, ended" once that process exited, and "stopped sending heartbeats" again after a
reboot; the export said a third thing.)
"""

from __future__ import annotations

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


def cause_value(number: int, cause: str) -> dict:
    """The `CAUSE_ATTR` value of trial ``number`` failed for ``cause`` (a `CAUSES` key)."""
    return {"number": number, "cause": cause}


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
