"""Why a pruned or failed trial stopped, as far as its record and the storage tell: the
retries a staleness check queued, and the failures no record explains (`stop_reason`, which
`study show`, the export and the report say)."""

from __future__ import annotations

from ._record import told_while_running, trial_info
from ._stale_cause import stale_cause, stored_cause

#: Why a FAIL trial with no reason of its own failed, when a staleness check failed one
#: with no record: an hplab worker killed between
#: optuna's ``ask`` and the objective's first line leaves just what another client's
#: untold trial does, so neither is blamed
NEVER_ENTERED = ("no worker ever entered it (an hplab worker lost while starting it, or "
                 "another Optuna client that never told its end)")


def retries_spent(trial, max_retry: int) -> bool:
    """Whether the chain of retries ``trial`` ends has had the study's ``max_retry``: optuna's
    retry callback queues no more (its retry_history counts the trials before it)."""
    return len(trial.system_attrs.get("retry_history", ())) >= max_retry


def unexplained_fail(trial, *, retried: bool, heartbeats: bool, max_retry: int,
                     flat: bool = True) -> str:
    """Why the FAIL ``trial``, which recorded no reason, failed, as far as the storage
    tells (``flat`` as for `trial_info`). Only a staleness check fails a trial without a
    word: a ``retried`` one (its retry came from that check), or one whose ``max_retry``
    retries were spent. For a trial hplab's worker entered that is a heartbeat storage's
    check (``heartbeats``), said as the worker that failed it stored it (`stale_cause`);
    one no worker entered (`NEVER_ENTERED`) is failed so on any storage. Any other was
    told FAIL by another Optuna client (or by optuna itself, for values it could not
    take).

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    retried : bool
        A staleness check retried it (`retried_numbers`).
    heartbeats : bool
        The storage keeps heartbeats (`keeps_heartbeats`).
    max_retry : int
        The study's retries of a stale trial.
    flat : bool
        As for `trial_info`.

    Returns
    -------
    str
    """
    spent = retries_spent(trial, max_retry)
    worker = trial_info(trial, flat=flat).get("worker")
    if worker is not None:
        if retried or (heartbeats and spent) or stored_cause(trial) is not None:
            return stale_cause(trial, worker)  # as `study show` says it
        return "failed by another program while hplab ran it; no reason recorded"
    if retried:
        return NEVER_ENTERED
    return "failed by another program" + (
        f", or {NEVER_ENTERED} past the grace period" if spent else "") + \
        "; no reason recorded"


def retries_of(trials) -> dict[int, int]:
    """``{number of a failed trial: number of the retry queued for it}``.

    Parameters
    ----------
    trials : iterable of optuna.trial.FrozenTrial
        A study's trials.
    """
    # optuna's retry callback marks a retry with the number of the trial it replaces (its
    # retried_trial_number reads it, but is experimental: a warning per call)
    return {t.system_attrs["failed_trial"]: t.number for t in trials
            if t.system_attrs.get("failed_trial") is not None}


def stop_reason(trial, again: int | None, *, heartbeats: bool, max_retry: int,
                flat: bool = True) -> str | None:
    """Why a pruned or failed ``trial`` stopped (None for any other), as `study show`'s
    problems, the export and the report all say it: its record's ``reason``; for a FAIL
    retried, why its worker was judged stopped (`unexplained_fail`: a SIGKILLed worker's
    trial keeps the record of its start, which has none) and its retry, by number (the
    record's reason, if any, after them); for another FAIL without one,
    `unexplained_fail`.

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    again : int or None
        The number of its retry (`retries_of`), if any.
    heartbeats, max_retry, flat
        As for `unexplained_fail`.

    Returns
    -------
    str or None
    """
    if trial.state.name not in ("PRUNED", "FAIL"):
        return None  # a complete trial's reason (reached max_epochs...) says nothing
    reason = trial_info(trial, flat=flat).get("reason")
    if trial.state.name == "PRUNED" and told_while_running(trial, flat=flat):
        # another client's `tell`, not hplab's pruner (hplab records a pruning's end)
        return "pruned by another program while hplab ran it; no reason recorded"
    if trial.state.name != "FAIL" or (reason and again is None):
        return reason
    why = unexplained_fail(trial, retried=again is not None, heartbeats=heartbeats,
                           max_retry=max_retry, flat=flat)
    if again is None:
        return why
    # optuna's retry takes the failed trial's parameters: one that had none (no worker
    # sampled them) is retried by a trial sampled anew
    retry = f"run again as #{again}" if trial.params else f"a new trial, #{again}, ran its slot"
    return f"{why}; {retry}" + (f" ({reason})" if reason else "")
