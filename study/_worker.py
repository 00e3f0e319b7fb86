"""A worker: claims trials of a stored study until its study-wide budget (`_budget`) is
spent. Counting and creating the next trial happen under one :class:`ClaimLock`, so any
number of workers on any number of machines end with exactly ``n_trials`` finished.
"""

from __future__ import annotations

import contextlib
import logging
import time

import optuna

from nets import notice

from ._budget import _next_action, budget_used
from ._claim_lock import ClaimLock
from ._errors import SpecError, StorageError, StudyDeleted, TrialFailed
from ._held_interrupts import HeldInterrupts
from ._objective import Objective, TrialStorageLost
from ._record import error_record, study_flat_layout
from ._registry import make_pruner, make_sampler, quiet_optuna, walks_sequence
from ._retry_copy import RetryStaleTrial
from ._run_data import data_differs
from ._storage import open_storage, release
from ._storage_errors import storage_errors, storage_failure, study_deleted
from ._storage_identity import check_same_file, file_identity
from ._storage_url import StorageURL
from ._worker_closing import (
    close_as_interrupted,
    close_stopped_trial,
    dropped_note,
    taken_over,
    told_elsewhere,
)
from ._worker_storage import held_reads, worker_cache

SPEC_ATTR = "hplab_spec"  # study user attribute holding the spec (as parsed TOML)
COMMAND_ATTR = "hplab_command"  # ... the command line that created it (for reports)
RESUMED_ATTR = "hplab_resumed_by"  # ... and those of the runs that resumed it
# ... and "timeout" when its last run (or worker command) stopped at study.timeout, for the
# report to say why trials remain; absent (None) after a run that ended otherwise
STOPPED_ATTR = "hplab_stopped"
# poll period while other workers finish the last trials: a short one, because the
# study ends only when the waiting worker sees the last trial done (a poll is ~10 ms)
WAIT_SECONDS = 0.2
# the least a claim may take before the server ends the claim lock's session (seconds): a
# holder slow rather than dead (imports at its first trial, a loaded machine) lost it
# after a short grace_period, and had to check its claim again (`_lost_claim`)
CLAIM_TIMEOUT_FLOOR = 30


def _run_trial(study, objective) -> BaseException | None:
    """Run one trial; the storage's error if it failed meanwhile (the trial is left
    RUNNING: in it, or in optuna's ``tell`` after it), raised by the caller once it has
    closed the trial (outside this handler, so the error's chain stays as it was)."""
    try:
        study.optimize(objective, n_trials=1, catch=(Exception,))
    except TrialStorageLost as failed:
        return failed.__cause__
    except Exception as exc:
        if storage_failure(exc) is None:
            raise
        return exc
    return None


def _say_failed(number: int, error: Exception) -> None:
    """hplab's one line for trial ``number``, which raised ``error`` (optuna's, with its
    traceback, is left out: `quiet_optuna`), at hplab's notice level whatever optuna's:
    said from optuna's record, it went with optuna at ERROR or its loggers disabled."""
    reason = str(error) if isinstance(error, TrialFailed) else error_record(error)["reason"]
    notice("study", f"trial {number} failed: {reason}", level=logging.WARNING,
           printed="above_bars")


def load_study(spec, storage):
    return optuna.load_study(study_name=spec.name, storage=worker_cache(storage),
                             sampler=make_sampler(spec),
                             pruner=make_pruner(spec))


def stored_n_trials(study, default: int) -> int:
    """The current study-wide total (``--trials`` on a resume can raise it)."""
    raw = study.user_attrs.get(SPEC_ATTR) or {}
    return int(raw.get("study", {}).get("n_trials", default))


def _lost_claim(study, trial, n_trials: int, owner: dict, flat: bool) -> bool:
    """After the claim lock was lost mid-claim (the server ended its session), whether
    ``trial`` (just created, its record stored) is one too many: another worker may have
    counted and claimed meanwhile. If so it is given back (failed as interrupted: no slot
    held), and True. Any worker short of the budget after that claims again under the lock.
    """
    trials = study._storage.get_all_trials(study._study_id, deepcopy=False)
    if budget_used(trials, flat=flat) <= n_trials:
        return False
    frozen = study._storage.get_trial(trial._trial_id)
    return close_as_interrupted(
        study._storage, frozen, owner,
        "given back: its worker lost the claim lock mid-claim (the server ended the lock's "
        "session) and the study's budget was full")


@contextlib.contextmanager
def deleted_as_error(storage, where: StorageURL, study):
    """``study`` deleted from ``storage`` while this worker (or the run around its
    workers) uses it (optuna's ``delete_study`` from another process): one `StorageError`
    that says so, not optuna's KeyError ("Record does not exist.") with a traceback. Its
    file deleted or replaced meanwhile: `gone_message`, checked on the way out too (QA:
    trials run into a deleted file read as "8 complete", then the report found no such
    study in the file put in its place)."""
    name = study.study_name
    opened = file_identity(where)  # the file its trials go to
    try:
        yield
    except Exception as exc:
        check_same_file(where, opened)  # what failed then is the file's going
        if not (isinstance(exc, StudyDeleted)
                or study_deleted(exc, storage, name, study._study_id)):
            raise
        raise StudyDeleted(f"study {name!r} was deleted from {where.masked} while this run "
                           "used it") from None
    check_same_file(where, opened)


def run_worker(spec, where: StorageURL, *, run_id: str = "",
               threads: int | None = None, deadline: float | None = None,
               timeout: float | None = None, on_trial=None, dataset=None) -> int:
    """Run trials of the stored study ``spec.name`` until the budget is spent.

    Parameters
    ----------
    spec : StudySpec
    where : StorageURL
    run_id : str
        Tags this run's trials (an interrupted run closes them).
    threads : int, optional
        BLAS threads for this process (workers x threads <= cores).
    deadline : float, optional
        ``time.time()`` after which no new trial starts.
    timeout : float, optional
        Seconds after which no new trial starts, counted from when this worker can start
        its first (its storage open, its data loaded).
    on_trial : callable, optional
        Called with the study's trials at each claim, from the read that decides it
        (progress bars).
    dataset : data.Dataset, optional
        Already loaded with the study seed and checked against the study (else loaded and
        checked here).

    Returns
    -------
    int
        Trials this worker ran.
    """
    import data

    with quiet_optuna(), storage_errors(where, running=True), \
            contextlib.ExitStack() as done:
        storage = open_storage(where, create=False, heartbeat_interval=spec.heartbeat_interval,
                               grace_period=spec.grace_period, max_retry=spec.max_retry)
        done.callback(release, storage)  # a pool worker lives on: its connections need not
        try:
            study = load_study(spec, storage)
        except KeyError:
            raise StorageError(f"no study {spec.name!r} in {where.masked}") from None
        # from here on, until the storage is released
        done.enter_context(deleted_as_error(storage, where, study))
        heartbeats = where.kind != "journal"
        # whether its trials may hold the flat layout: its stamp never changes
        flat = study_flat_layout(study)
        if dataset is None:  # a pool worker given none: a set too large to hand over
            dataset = data.load(spec.dataset, seed=spec.seed)
            if differs := data_differs(study, dataset):  # a file changed since it was checked
                raise SpecError(f"study {spec.name!r} in {where.masked}: {differs}")
        # a claim held longer than a trial may go without a heartbeat is a dead one; a
        # short grace would take a slow one for it too
        lock = ClaimLock(storage, where, spec.name,
                         timeout=max(spec.grace_period, CLAIM_TIMEOUT_FLOOR))
        # what heartbeats queue a stale trial again with; a journal's stuck trials too
        retry = RetryStaleTrial(max_retry=spec.max_retry)
        interrupts = HeldInterrupts()

        def on_enter(trial):
            if heartbeats and storage.get_heartbeat_interval():
                # optuna's heartbeat thread records its first beat whenever it gets to
                # run; a worker killed before that left a trial that never turned stale
                storage.record_heartbeat(trial._trial_id)

        given_back = set()  # numbers of trials this worker claimed past the budget

        def on_start(trial):
            if not lock.release():
                release_reads()  # a fresh read of the trials
                if _lost_claim(study, trial, stored_n_trials(study, spec.n_trials),
                               objective.owner, flat):
                    given_back.add(trial.number)
                    # finished: the objective stops as for a trial another worker took
                    raise optuna.exceptions.UpdateFinishedTrialError(
                        f"trial {trial.number} given back")
            interrupts.allow()

        hold_reads, release_reads = held_reads(study._storage)
        objective = Objective(spec, dataset, run_id=run_id, on_enter=on_enter,
                              on_start=on_start, on_end=interrupts.hold,
                              on_sampled=release_reads, stop_on_storage_failure=True)
        limits = contextlib.nullcontext()
        if threads:
            from threadpoolctl import threadpool_limits

            limits = threadpool_limits(limits=threads)
        ran = 0
        if timeout:  # from here: a pool worker's imports alone took longer than a short one
            start_by = time.time() + timeout
            deadline = start_by if deadline is None else min(deadline, start_by)
        with limits, interrupts:
            while deadline is None or time.time() < deadline:
                interrupts.hold()
                lock.acquire()
                try:
                    action, trials = _next_action(
                        study, stored_n_trials(study, spec.n_trials), heartbeats,
                        spec.grace_period, sequence=walks_sequence(spec.sampler),
                        retry=retry, max_retry=spec.max_retry, flat=flat)
                    if on_trial is not None:
                        on_trial(trials)
                    if action == "run":
                        # optuna creates the trial, then calls the objective, which
                        # stores its record and first heartbeat and releases the lock:
                        # the claim spans count -> create -> record. Until the trial
                        # is sampled, the claim's read answers optuna's and the sampler's.
                        hold_reads()
                        # the trial it enters, if any, and the error it fails of: none
                        # of the last one's where optuna fails before it calls it
                        objective.trial = objective.failed = None
                        try:
                            failed = _run_trial(study, objective)
                        except Exception:
                            stored = taken_over(study, objective.trial)
                            if stored is None:
                                raise
                            notice("study", dropped_note(
                                objective.trial.number, objective.trial.number in given_back,
                                heartbeats, spec.grace_period,
                                told_elsewhere(study, stored, heartbeats, flat=flat)),
                                level=logging.WARNING)
                            if objective.interrupted is not None:
                                raise objective.interrupted from None
                        else:
                            if failed is not None:
                                close_stopped_trial(storage, where, objective.trial, failed,
                                                    objective.owner)
                                raise failed
                            if objective.failed is not None:
                                _say_failed(objective.trial.number, objective.failed)
                            ran += 1
                finally:
                    release_reads()
                    lock.release()
                interrupts.allow()  # raises here if Ctrl-C came while no trial could take it
                if action == "done":
                    break
                if action == "wait":
                    time.sleep(WAIT_SECONDS)
        return ran
