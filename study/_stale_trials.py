"""RUNNING trials whose worker has stopped: left over, not live.

One rule for ``study show``, ``study list``, the report's text and its outcomes figure:
the trials the next worker fails and runs again. A trial is left over when its worker was
a process of this machine that has ended, or, on a storage that keeps heartbeats, when its
last one is older than the study's ``grace_period`` (or it never had one and started
longer ago: a worker killed before its first beat), as a live worker judges it stale, on
any machine. Whose worker ended is judged as the run judges it: with heartbeats, only this
boot's workers (`ended_here`: the heartbeats end the others'); on a journal, an earlier
boot's too (`ended_on_this_host`, by which a run closes them).
"""

from __future__ import annotations

import datetime

import optuna
from optuna.trial import TrialState

from ._record import trial_info
from ._running_beats import heartbeat_backend, running_beats
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
    ended = ended_here if heartbeat_backend(study._storage) else ended_on_this_host
    return {t.number for t in running
            if ended(trial_info(t, flat=flat).get("worker"))
            or (silent.get(t.number) or 0.0) > grace_period}


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
