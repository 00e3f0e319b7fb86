"""What workers put around a study's storage: the trial cache (the claim lock is
`_claim_lock`'s)."""

from __future__ import annotations

import datetime
import logging
import math
import time

import optuna

from nets import notice

from ._record import CREATED_ATTR, flat_layout, trial_info
from ._running_beats import running_beats
from ._stale_cause import StoresStaleCauses
from ._storage import StorageURL
from ._storage_errors import failure_text, storage_failure
from ._worker_identity import ended_here


class _WorkerCache(StoresStaleCauses, optuna.storages._CachedStorage):
    """The trial cache ``load_study`` puts over an RDBStorage anyway, with two reads that
    pruning repeats (at every checkpoint, or every rung) made cheap (the same data), and reads
    of all trials held while a worker samples its trial (see ``hold_reads``).

    Hyperband builds a bracket study, which looks its id up by name, at every
    ``should_prune`` and every sampler call (~8 queries a trial); successive halving reads
    the running trial's system attributes at every ``should_prune``, which the cache
    answers with a full read of the trial, intermediate values included (6 queries, ~2 ms
    on SQLite) where the storage has a one-table read (~0.5 ms). (Optuna knows the pruners
    read these remotely: optuna PR #4603; ``_CachedStorage`` is in optuna.storages' API.)
    Each trial it fails as stale keeps why (`StoresStaleCauses`).
    """

    def __init__(self, backend):
        super().__init__(backend)
        self._study_ids: dict[str, int] = {}
        self._flat: dict[int, bool] = {}  # `flat_layout` of each study's stamp
        self._looked_at_all: set[int] = set()  # studies `_dead_here` looked at whole
        self._reads_held = False
        self._beats_failing = False  # the last heartbeat did not reach the storage
        # time.monotonic() of the storage's last reply to this worker (any thread), and of
        # its first reply after a silence longer than the grace (see `judges_stale`)
        self._replied, self._back_at = None, -math.inf
        from sqlalchemy import event

        event.listen(backend.engine, "after_cursor_execute", self._reply)

    def _grace(self) -> float:
        """The heartbeat grace (optuna's default: two intervals); 0 without heartbeats."""
        interval = self._backend.heartbeat_interval
        return (self._backend.grace_period or 2 * interval) if interval else 0

    def _reply(self, *args) -> None:
        now = time.monotonic()
        if self._replied is not None and now - self._replied > self._grace():
            self._back_at = now
        self._replied = now

    def judges_stale(self) -> bool:
        """Whether this worker may judge other workers' trials stale now: not within a
        grace of its first reply after a silence of the storage longer than the grace.

        A server paused (or this worker asleep) that long had no beat of anyone's reach it:
        the first worker back found the others' live trials stale and failed them, their
        results dropped. Their beats land within an interval of the server's return; a
        trial really dead is failed at a later claim.
        """
        return time.monotonic() - self._back_at > self._grace()

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        # optuna asks at every trial's start: one read of the running trials' beats serves
        # both rules of ours
        now, beats = running_beats(self._backend, study_id, server_now=True)
        dead = self._dead_here(study_id, now, beats)  # whatever an outage kept from landing
        causes = dict.fromkeys(dead, "ended")
        stale = dead
        if self.judges_stale():
            never = self._never_beaten(beats)
            silent = super()._get_stale_trial_ids(study_id)
            causes = {**dict.fromkeys(silent, "silent"), **dict.fromkeys(never, "never_beat"),
                      **causes}
            stale = list(dict.fromkeys(silent + never + dead))
        # optuna's fail_stale_trials fails these next, each by `set_trial_state_values`
        self.hold_causes(stale, {b.trial_id: b.number for b in beats}, causes)
        return stale

    def _dead_here(self, study_id: int, now, beats) -> list[int]:
        """RUNNING trials whose worker was a process of this machine, since its last boot,
        that has ended (`ended_here`, the rule by which `stale_trials` counts them on a
        storage with heartbeats): stale for sure, their heartbeats or not. QA: after a
        PostgreSQL restart ended its workers, `study show` told their trials stale at once,
        and a resume sat idle until their last beats were a grace old.

        Every running trial is looked at once (a run resumed at once after a kill: its dead
        trials' beats are seconds old), then only those whose last beat (``beats``, at the
        server's ``now``) is two intervals old: a live worker's is newer, and the common
        case reads nothing more. A worker id of another boot is left to the heartbeats:
        another machine of the same hostname would name its live workers so."""
        late = datetime.timedelta(seconds=2 * self._backend.heartbeat_interval)
        every = study_id not in self._looked_at_all
        self._looked_at_all.add(study_id)
        quiet = [b.trial_id for b in beats if every or b.beat is None or now - b.beat > late]
        if not quiet:
            return []
        if study_id not in self._flat:  # a study's stamp never changes
            self._flat[study_id] = flat_layout(
                self._backend.get_study_user_attrs(study_id).get(CREATED_ATTR))
        return [trial_id for trial_id in quiet
                if ended_here(trial_info(self._backend.get_trial(trial_id),
                                         flat=self._flat[study_id]).get("worker"))]

    def _never_beaten(self, beats) -> list[int]:
        """RUNNING trials of the study that no heartbeat ever reached, started longer than
        the grace ago: optuna counts only a trial with one as stale, and these held their
        slots for good, the study's runs waiting on them in silence.

        A worker's objective records its trial's first beat before it stores the record
        and releases the claim lock, so under the lock no live trial of hplab's is among
        them; those are trials whose worker died before its objective began, ones
        ``optuna.copy_study`` copied while they ran (it copies no heartbeats; a journal
        has none), and ones another Optuna client asked without heartbeats.
        """
        # start times in local time, zone-less, as optuna stores a trial's (its now())
        cutoff = datetime.datetime.now() - datetime.timedelta(seconds=self._grace())
        return [t.trial_id for t in beats
                if t.beat is None and t.start is not None and t.start < cutoff]

    def hold_reads(self) -> None:
        """Answer reads of a study's trials from the cache until ``release_reads``.

        A worker holds them from its claim (a fresh read) until its new trial is sampled:
        optuna's ask and the sampler read all trials again three or four times a trial
        (hyperband's bracket studies share no read), each a query of its own, to learn
        what the claim's read just told. Missing from the held view are only other
        workers' changes of the last milliseconds, a lag samplers with several workers
        see anyway; trials this worker creates (retries, its new trial) enter the cache
        as they are created.
        """
        self._reads_held = True

    def release_reads(self) -> None:
        self._reads_held = False

    def _read_trials_from_remote_storage(self, study_id: int) -> None:
        if self._reads_held and study_id in self._studies:
            return
        super()._read_trials_from_remote_storage(study_id)

    def get_study_id_from_name(self, study_name: str) -> int:
        # an id is fixed while its study exists; deleting the study ends the worker's too
        if study_name not in self._study_ids:
            self._study_ids[study_name] = super().get_study_id_from_name(study_name)
        return self._study_ids[study_name]

    def delete_study(self, study_id: int) -> None:
        self._study_ids = {n: i for n, i in self._study_ids.items() if i != study_id}
        super().delete_study(study_id)

    def record_heartbeat(self, trial_id: int) -> None:
        """Record a beat; one that fails to reach the storage is skipped, told once an
        outage. Optuna's heartbeat thread ends at its first failed beat: a server restarted
        for a second stopped a trial's heartbeats for good, and another worker failed the
        live trial as stale, its result dropped."""
        try:
            super().record_heartbeat(trial_id)
        except Exception as exc:
            if storage_failure(exc) is None:
                raise
            if not self._beats_failing:
                where = StorageURL("rdb", self._backend.url)
                notice("study", f"a heartbeat did not reach storage {where.masked} "
                                f"({failure_text(exc, where)}); trying again every "
                                f"{self.get_heartbeat_interval()} s", level=logging.WARNING)
            self._beats_failing = True
        else:
            self._beats_failing = False

    def get_trial_system_attrs(self, trial_id: int) -> dict:
        return self._backend.get_trial_system_attrs(trial_id)


def worker_cache(storage):
    """What a worker's study runs on: an RDBStorage in `_WorkerCache`, others as they are."""
    if isinstance(storage, optuna.storages.RDBStorage):
        return _WorkerCache(storage)
    return storage


def judges_stale(storage) -> bool:
    """Whether a worker on ``storage`` may judge others' trials stale now (see
    `_WorkerCache.judges_stale`; always, unless it is one)."""
    return not isinstance(storage, _WorkerCache) or storage.judges_stale()


def recheck_every_trial(storage, study_id: int) -> None:
    """Have a `_WorkerCache`'s next stale check look at every RUNNING trial of the study,
    whatever the age of its beat (`_dead_here`): one of them is known to have a worker
    of this machine that ended. Nothing on another storage."""
    if isinstance(storage, _WorkerCache):
        storage._looked_at_all.discard(study_id)


def held_reads(storage) -> tuple:
    """``(hold, release)`` of a worker's storage (no-ops unless it is a `_WorkerCache`)."""
    if isinstance(storage, _WorkerCache):
        return storage.hold_reads, storage.release_reads
    return _nothing, _nothing


def _nothing() -> None:
    pass
