"""RUNNING trials whose worker has stopped: left over, not live.

One rule for ``study show``, ``study list``, the report's text and its outcomes figure:
the trials the next worker fails and runs again. A trial is left over when its worker was
a process of this machine that has ended, or, on a storage that keeps heartbeats, when its
last one is older than the study's ``grace_period`` (or it never had one and started
longer ago: a worker killed before its first beat), as a live worker judges it stale, on
any machine; on one that keeps none (a journal), when no worker entered it (no hplab
record) and it started longer ago than the grace, as a run fails it (`fail_never_entered`).
Whose worker ended is judged as the run judges it: with heartbeats, only this
boot's workers (`ended_here`: the heartbeats end the others'); on a journal, an earlier
boot's too (`ended_on_this_host`, by which a run closes them).
"""

from __future__ import annotations

import datetime

import optuna
from optuna.trial import TrialState

from ._record import has_hplab_record, trial_info
from ._running_beats import heartbeat_backend, running_beats
from ._spec_study_table import MAX_PERIOD
from ._worker_identity import ended_here, ended_on_this_host


def stale_trials(study: optuna.Study, trials, grace_period: float, *,
                 flat: bool = True) -> set[int]:
    """The numbers of ``study``'s RUNNING ``trials`` whose worker stopped (see above).

    Parameters
    ----------
    study : optuna.Study
        The study, on the storage it was loaded from (its heartbeats are read there).
    trials : list of FrozenTrial
        Its trials, as read.
    grace_period : float
        Seconds of silence after which a trial is stale (the spec's ``study.grace_period``).
    flat : bool
        As for `study.trial_info` (`flat_layout` of the study's stamp).

    Returns
    -------
    set of int
    """
    running = [t for t in trials if t.state == TrialState.RUNNING]
    if not running:
        return set()
    silent = _silences(study)
    heartbeats = heartbeat_backend(study._storage) is not None
    ended = ended_here if heartbeats else ended_on_this_host
    # with heartbeats, a trial no worker entered has no beat either: its silence counts
    cutoff = None if heartbeats else entered_by(grace_period)
    return {t.number for t in running
            if ended(trial_info(t, flat=flat).get("worker"))
            or (silent.get(t.number) or 0.0) > grace_period
            or (cutoff is not None and never_entered(t, cutoff, flat=flat))}


def entered_by(grace_period: float) -> datetime.datetime:
    """The start (optuna's: naive, this machine's local time) before which a trial that
    no worker entered is dead: ``grace_period`` seconds ago."""
    # a stored study's grace over a year (before the limit) would overflow the date
    return datetime.datetime.now() - datetime.timedelta(seconds=min(grace_period, MAX_PERIOD))


def never_entered(trial, cutoff: datetime.datetime, *, flat: bool = True) -> bool:
    """Whether the RUNNING ``trial`` is one no worker entered, started before ``cutoff``
    (`entered_by`): dead, where no heartbeat tells it (a journal). The objective stores
    its record before the claim is let go, so a trial without one past the grace is a
    worker's lost while starting it, or another Optuna client's asked and never told.

    Parameters
    ----------
    trial : FrozenTrial
        A trial as read.
    cutoff : datetime.datetime
        `entered_by`'s answer for the study's ``grace_period``.
    flat : bool
        As for `study.trial_info`.

    Returns
    -------
    bool
    """
    return (trial.state == TrialState.RUNNING and not has_hplab_record(trial, flat=flat)
            and trial.datetime_start is not None and trial.datetime_start <= cutoff)


def _silences(study: optuna.Study) -> dict[int, float]:
    """Seconds since each RUNNING trial's last heartbeat, by number, as the storage's clock
    reads them (a trial without one: since it started, by this machine's clock, in which
    optuna stamps starts); {} on a storage that keeps no heartbeats (a journal)."""
    backend = heartbeat_backend(study._storage)
    if backend is None:
        return {}
    # the server's now(): heartbeats are its times (in UTC, as hplab's sessions are)
    now, rows = running_beats(backend, study._study_id, server_now=True)
    here = datetime.datetime.now()
    out = {}
    for row in rows:
        if row.beat is not None:
            out[row.number] = (now - row.beat).total_seconds()
        elif row.start is not None:
            out[row.number] = (here - row.start).total_seconds()
    return out
