"""Trials left open by workers that stopped: closed so that they free their slots.

A journal keeps no heartbeats: a RUNNING trial whose worker was a process of this machine
that is gone, or one no objective entered for the grace period, is failed here (the
heartbeat storages fail theirs as stale, see ``_worker_storage``). A worker whose storage
failed closes its own trial as interrupted when the storage still takes the writes, and
asks whether another worker finished it meanwhile.
"""

from __future__ import annotations

import optuna
from optuna.trial import TrialState

from ._record import owner_keys, record_attr, trial_info
from ._stale_cause import stored_cause
from ._stale_trials import entered_by, never_entered
from ._storage_errors import failure_text
from ._storage_url import StorageURL
from ._worker_identity import ended_on_this_host
from ._worker_storage import judges_stale


def close_dead_journal_trials(study, trials, *, flat: bool = True) -> bool:
    """Without heartbeats (journal storage), close RUNNING trials whose worker was a
    process of this machine that no longer exists; they would hold their slots forever.
    (With heartbeats, `_WorkerCache` counts them stale: failed and retried at once.)

    Marked ``interrupted`` (so they free their slot) and failed. Workers on other
    machines cannot be checked from here. ``flat`` as for `budget_used` (a user attribute
    ``worker`` of another program's trial is not hplab's worker).
    """
    # A worker of an earlier boot of this machine is closed too (`ended_on_this_host`, not
    # `ended_here`): with no heartbeats nothing else ever ends a trial a reboot left
    # running. The risk taken: another machine of this hostname, writing the same journal
    # (a shared folder), has ids that look like an earlier boot's, and its live trial is
    # closed (its worker drops its result and says so, `dropped_note`); hostnames are
    # rarely shared by machines that share a journal file.
    closed = False
    for t in trials:
        info = trial_info(t, flat=flat)
        worker = info.get("worker", "")
        if t.state != TrialState.RUNNING or not ended_on_this_host(worker):
            continue
        closed |= close_as_interrupted(study._storage, t, info, f"its worker {worker} died "
                                       "(this storage has no heartbeats)")
    return closed


def close_as_interrupted(storage, trial, info: dict, reason: str) -> bool:
    """Fail the RUNNING ``trial`` as interrupted (not counted: a resume runs it again),
    its record the owner keys of ``info`` (never another program's attributes beside them)
    with ``reason``; False if it finished meanwhile."""
    try:
        storage.set_trial_user_attr(trial._trial_id, record_attr(trial), {
            **owner_keys(info), "status": "interrupted", "reason": reason})
        storage.set_trial_state_values(trial._trial_id, state=TrialState.FAIL)
    except optuna.exceptions.UpdateFinishedTrialError:
        return False  # its worker finished it meanwhile
    return True


def fail_never_entered(study, trials, grace_period: float, retry=None, *,
                        flat: bool = True) -> None:
    """Without heartbeats (journal), fail, and queue again with ``retry``, RUNNING trials
    that no objective entered for ``grace_period``.

    A worker that died between optuna creating its trial and the objective's first line,
    or another Optuna client that asked a trial and never told it, left a trial no one
    closes: it held its slot forever, the study never done. The objective stores the
    trial's record before the claim lock is released, so under the lock a trial without
    one is dead (or asked by a client still working on it: the grace spares those a
    while), as with heartbeats (`_WorkerCache`). Done as ``fail_stale_trials`` does it.
    ``flat`` as for `close_dead_journal_trials`.
    """
    storage = study._storage
    if not judges_stale(storage):  # its creator may have been as cut off as this worker
        return
    cutoff = entered_by(grace_period)
    for t in trials:
        if not never_entered(t, cutoff, flat=flat):  # `stale_trials` reads them so too
            continue
        try:
            if not storage.set_trial_state_values(t._trial_id, state=TrialState.FAIL):
                continue
        except optuna.exceptions.UpdateFinishedTrialError:
            continue  # it finished meanwhile
        if retry is not None:
            retry(study, storage.get_trial(t._trial_id))


def taken_over(study, trial):
    """This worker's ``trial``, whose end optuna could not store, as stored, if another
    worker or program finished it (else None): failed as stale while this one was paused
    (SIGSTOP, a laptop asleep), cut off from the storage, or the storage unreachable
    (restarting, paused) past the heartbeat grace (its retry is another trial); or told
    its end by another Optuna client (``optuna tell``)."""
    if trial is None:  # optuna failed before the objective began
        return None
    try:
        stored = study._storage.get_trial(trial._trial_id)
    except Exception:  # the storage is gone: its own error is the one to report
        return None
    return stored if stored.state.is_finished() else None


def close_stopped_trial(storage, where: StorageURL, entered, error, owner: dict) -> None:
    """Close as interrupted (not counted: a resume runs it again) the RUNNING trial
    ``entered`` (the objective's, or None; ``owner``: its record's owner keys) that the
    storage failing with ``error`` stopped, if the storage takes the two writes (a full
    disk often has room for small ones: optuna stored a trial's FAIL there after its
    record failed).

    If not, the trial stays RUNNING, as a dead worker's: heartbeats turn it stale and
    retry it. A journal gets no write at all: the failed one may have cut its last line
    short, and a record after that line would break the whole file.
    """
    if entered is None or where.kind == "journal":
        return
    trial_id = entered._trial_id
    try:
        trial = storage.get_trial(trial_id)
        if trial.state != TrialState.RUNNING:
            return
        # the owner's keys, whether or not its first write was stored
        close_as_interrupted(storage, trial, owner,
                             f"its storage failed ({failure_text(error, where)})")
    except Exception:  # still failing: left to heartbeats (the command reports the error)
        pass


def dropped_note(number: int, given_back: bool, heartbeats: bool, grace: float,
                 told: str | None = None) -> str:
    """The notice a worker says of its trial ``number`` that it does not finish: given back
    (``_worker._lost_claim``), failed by another worker, or ended by another program
    (``told``: its state's name then, see `told_elsewhere`)."""
    if told is not None and not given_back:
        # `optuna tell`, or another Optuna client: not a heartbeat that failed to come
        return (f"trial {number} was ended ({told}) by another program, not by an hplab "
                "worker (optuna tell, or another Optuna client): its result is dropped")
    if given_back:
        return (f"trial {number} was given back: the server ended this worker's "
                "claim lock before the claim was done (held too long, or cut off) and "
                "another worker filled the budget meanwhile")
    if not heartbeats:  # a journal: its worker was taken for a dead one of this machine
        return (f"trial {number} was closed by another worker, which took this "
                "one for a dead worker (a journal has no heartbeats to tell): its result "
                "is dropped")
    # the other worker saw only that no heartbeat came: this one may have been paused, or
    # either cut off from the server
    return (f"trial {number} was failed by another worker: no heartbeat of it "
            f"reached the storage for {grace} s (this worker paused or cut off, or the "
            "storage unreachable): its result is dropped")


def told_elsewhere(study, stored, heartbeats: bool, *, flat: bool = True) -> str | None:
    """The state's name of ``stored`` (this worker's trial another ended, `taken_over`) if
    no hplab worker ended it (else None): one that fails a trial as stale stores why
    (`stored_cause`) or queues its retry, and on a journal closes it as interrupted."""
    if not heartbeats:
        closed = (stored.state == TrialState.FAIL
                  and trial_info(stored, flat=flat).get("status") == "interrupted")
    else:
        try:
            closed = stored_cause(stored) is not None or any(
                t.system_attrs.get("failed_trial") == stored.number
                for t in study.get_trials(deepcopy=False))
        except Exception:  # the storage is gone: say it as a worker's stale check
            closed = True
    return None if closed else stored.state.name
