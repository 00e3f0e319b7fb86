"""A study's budget: which trials hold a slot of its study-wide ``n_trials``, and what a
worker does next (run, wait or stop).

The budget counts every trial that holds a slot: finished ones (COMPLETE, PRUNED, FAIL),
RUNNING and WAITING ones, except a FAIL that was retried (its retry holds the slot) and
an interrupted one (a resume runs it again: on a grid or QMC study with its own point).
"""

from __future__ import annotations

import optuna
from optuna.trial import TrialState

from ._record import has_hplab_record, study_flat_layout, trial_status
from ._stale_cause import stored_cause
from ._stop_reason import retries_spent
from ._worker_closing import close_dead_journal_trials, fail_never_entered

RERUN_ATTR = "hplab_rerun_of"  # trial system attribute: the interrupted trial it runs again
# what optuna's GridSampler stores on a trial: its point (a retry keeps them, as optuna's does)
GRID_ATTRS = ("grid_id", "search_space")


def retried_numbers(trials) -> set[int]:
    """Numbers of the FAIL trials that a heartbeat retry replaced.

    Parameters
    ----------
    trials : iterable of optuna.trial.FrozenTrial
        A study's trials (``study.trials``).

    Returns
    -------
    set of int
        The numbers of the trials a retry replaced.
    """
    # what optuna's RetryFailedTrialCallback.retry_history reads; that one is experimental
    # and warns at every call
    return {n for t in trials for n in t.system_attrs.get("retry_history", ())}


def budget_used(trials, *, flat: bool = True) -> int:
    """Trials that hold a slot of the study-wide ``n_trials`` (see the module doc).

    ``flat``: the study may hold the flat layout of earlier versions (`flat_layout`); if
    not, another program's trial whose own user attributes say ``status: interrupted``
    holds its slot as any other FAIL does.

    Parameters
    ----------
    trials : sequence of optuna.trial.FrozenTrial
        The study's trials.
    flat : bool, default True
        As above.
    """
    retried = retried_numbers(trials)
    used = 0
    for t in trials:
        if t.state == TrialState.FAIL and (
                t.number in retried or trial_status(t, flat=flat) == "interrupted"):
            continue
        used += 1
    return used


def _decide(trials, n_trials: int, heartbeats: bool, flat: bool) -> str:
    if any(t.state == TrialState.WAITING for t in trials):
        return "run"  # a retry (or an enqueued trial) already holds its slot
    if budget_used(trials, flat=flat) < n_trials:
        return "run"
    # a dead worker's trial turns stale, and is retried, after the grace; without
    # heartbeats (journal) only one no hplab worker entered does (`fail_never_entered`)
    if any(t.state == TrialState.RUNNING
           and (heartbeats or not has_hplab_record(t, flat=flat)) for t in trials):
        return "wait"
    return "done"


def nothing_to_run(study, n_trials: int, max_retry: int) -> bool:
    """Whether a worker would find the study done at once: its budget spent, no trial
    queued and none running (one running may turn stale and be retried: not done), no
    retry lost (`queue_lost_retries`; ``max_retry``: the study's)."""
    trials = study.get_trials(deepcopy=False)
    return (not lost_retries(trials, max_retry)
            and _decide(trials, n_trials, True, study_flat_layout(study)) == "done")


def requeue_interrupted(study, trials, n_trials: int, *, flat: bool = True) -> bool:
    """Queue interrupted trials again with their own points, as many as free slots allow.

    For samplers that walk a shared sequence (grid, qmc): there a point handed to a trial
    is spent (optuna's grid counts a FAIL trial's point as visited, QMC's counter has moved
    past it), so a new trial in the interrupted one's slot took another point, and the
    grid ran its last point twice and the interrupted one never. The rerun is a WAITING
    trial with the interrupted one's parameters (and grid point), as optuna's heartbeat
    retry makes one; it holds the slot the interrupted trial freed. Returns whether any
    was queued. ``flat`` as for `budget_used`: if False, another program's trial is never
    run again as one of hplab's for its user attribute ``status``.
    """
    # a heartbeat retry runs it again already: one whose close as interrupted was cut short
    rerun = {t.system_attrs.get(RERUN_ATTR) for t in trials} | retried_numbers(trials)
    free = n_trials - budget_used(trials, flat=flat)
    queued = 0
    for t in trials:
        if queued >= free:
            break
        if (t.state != TrialState.FAIL or trial_status(t, flat=flat) != "interrupted"
                or t.number in rerun):
            continue
        point = {k: t.system_attrs[k] for k in GRID_ATTRS if k in t.system_attrs}
        study.add_trial(optuna.create_trial(
            state=TrialState.WAITING, params=t.params, distributions=t.distributions,
            system_attrs={**point, RERUN_ATTR: t.number}))
        queued += 1
    return queued > 0


def lost_retries(trials, max_retry: int) -> list:
    """The trials of ``trials`` a staleness check failed whose retry never came and is
    due (fewer than ``max_retry`` retries before it): see `queue_lost_retries`."""
    retried = retried_numbers(trials)
    return [t for t in trials
            if t.state == TrialState.FAIL and t.number not in retried
            and not retries_spent(t, max_retry) and stored_cause(t) is not None]


def queue_lost_retries(study, trials, retry, max_retry: int) -> bool:
    """Queue with ``retry`` the retry of each trial a staleness check failed whose retry
    never came (``max_retry``: the study's, as ``retry`` has it). Returns whether any was.

    Optuna fails a stale trial, then calls the retry callback: a worker that died between
    the two left the trial FAIL and counted, run once fewer than the budget says. (QA: a
    pool worker killed mid-trial; the other one failed its trial, and joblib ended that one
    before the retry.) The cause a staleness check stores as it fails a trial
    (`stored_cause`) tells it from one another program told FAIL. Called under the claim
    lock, as optuna's check and its retry are, so no retry is queued twice.
    """
    lost = lost_retries(trials, max_retry)
    for t in lost:
        # a fresh copy: optuna's callback appends to the retry_history list it is given
        retry(study, study._storage.get_trial(t._trial_id))
    return bool(lost)


def _next_action(study, n_trials: int, heartbeats: bool, grace_period: float, *,
                 sequence: bool = False, retry=None, max_retry: int = 0,
                 flat: bool | None = None) -> tuple[str, list]:
    """``run``, ``wait`` or ``done``, and the trials it was decided on (one read).

    ``sequence``: the sampler walks a shared sequence (`requeue_interrupted`). ``retry``:
    what queues a stale trial again (optuna's retry callback, as heartbeats call it), with
    ``max_retry`` its retries (`queue_lost_retries`); without heartbeats it queues the
    trials `fail_never_entered` fails. ``flat``: `flat_layout` of the study's stamp (None:
    read here).
    """
    if flat is None:
        flat = study_flat_layout(study)
    trials = study.get_trials(deepcopy=False)
    if retry is not None and queue_lost_retries(study, trials, retry, max_retry):
        trials = study.get_trials(deepcopy=False)
    action = _decide(trials, n_trials, heartbeats, flat)
    if (action != "run" and not heartbeats
            and close_dead_journal_trials(study, trials, flat=flat)):
        trials = study.get_trials(deepcopy=False)  # their slots are free again
        action = _decide(trials, n_trials, heartbeats, flat)
    if action == "wait":
        # Stale trials matter only here. Before a "run", optuna's optimize fails them (and
        # queues their retries) itself, right before it creates the trial; and failing
        # one never raises the count (its retry takes its slot), so "run" stays "run".
        # With heartbeats, a trial that never had one is stale too (`_WorkerCache`).
        optuna.storages.fail_stale_trials(study)
        if not heartbeats:
            fail_never_entered(study, trials, grace_period, retry, flat=flat)
        trials = study.get_trials(deepcopy=False)
        action = _decide(trials, n_trials, heartbeats, flat)
    if action == "run" and sequence and requeue_interrupted(study, trials, n_trials,
                                                            flat=flat):
        trials = study.get_trials(deepcopy=False)  # the next trial is a rerun
    return action, trials
