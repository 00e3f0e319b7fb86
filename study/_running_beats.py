"""The last heartbeat of each RUNNING trial of a study, read from optuna's RDB tables:
what both stale-trial rules read (`stale_trials`'s silences, a worker's never-beaten
trials in ``_worker_storage``).

Optuna's private RDB models are read because its public API tells nothing of heartbeats:
no call returns a trial's last heartbeat, nor which RUNNING trials never had one (its
``fail_stale_trials`` fails the stale ones at once, and ``RDBStorage._get_stale_trial_ids``,
private too, answers only "older than the grace" and skips a trial without a heartbeat).
Read here: ``optuna.storages._rdb.models`` ``TrialModel`` (``trial_id``, ``number``,
``study_id``, ``state``, ``datetime_start``) and ``TrialHeartbeatModel`` (``trial_id``,
``heartbeat``, at most one row a trial), and ``optuna.storages._rdb.storage.
_create_scoped_session``. Checked against optuna 5.1.0 (pyproject pins ``optuna>=5.0,<6``);
a new major version is to be checked again before the pin is raised.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

import optuna


class RunningBeat(NamedTuple):
    """A RUNNING trial: its storage id, number, start (local time, zone-less, as optuna
    stores it) and last heartbeat (the storage server's clock, zone-less; None: never)."""

    trial_id: int
    number: int
    start: datetime.datetime | None
    beat: datetime.datetime | None


def heartbeat_backend(storage) -> optuna.storages.RDBStorage | None:
    """The RDBStorage under ``storage`` (itself, or the one optuna's cache wraps), or None
    for a storage that keeps no heartbeats (a journal, in-memory)."""
    backend = getattr(storage, "_backend", storage)  # optuna's _CachedStorage over it
    return backend if isinstance(backend, optuna.storages.RDBStorage) else None


def running_beats(backend: optuna.storages.RDBStorage, study_id: int, *,
                  server_now: bool = False):
    """The `RunningBeat` of each RUNNING trial of the study ``study_id`` in ``backend``,
    read in one session; with ``server_now``, ``(now, beats)``: the server's now() too
    (zone-less, as its heartbeats are), read in that session.
    """
    import sqlalchemy
    from optuna.storages._rdb import models
    from optuna.storages._rdb.storage import _create_scoped_session
    from optuna.trial import TrialState

    trial, beats = models.TrialModel, models.TrialHeartbeatModel
    with _create_scoped_session(backend.scoped_session) as session:
        now = (session.execute(sqlalchemy.func.now()).scalar_one().replace(tzinfo=None)
               if server_now else None)
        rows = (session.query(trial, beats.heartbeat)
                .outerjoin(beats, beats.trial_id == trial.trial_id)
                .filter(trial.study_id == study_id, trial.state == TrialState.RUNNING)
                .all())
        out = [RunningBeat(t.trial_id, t.number, t.datetime_start,
                           None if beat is None else beat.replace(tzinfo=None))
               for t, beat in rows]
    return (now, out) if server_now else out
