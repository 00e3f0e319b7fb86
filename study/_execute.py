"""A run's trials on this machine: one process or a pool of them, the progress bar, and the
trials an interrupt leaves closed."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures.process import BrokenProcessPool

from optuna.trial import TrialState

import nets

from ._budget import budget_used, nothing_to_run
from ._record import INTERRUPTED, study_flat_layout, trial_info
from ._spec import StudySpec
from ._storage_url import StorageURL
from ._study_progress import StudyProgress
from ._worker import STOPPED_ATTR, stored_n_trials
from ._worker_closing import close_as_interrupted
from ._worker_pool import run_on_pool, timed_worker


def close_interrupted(storage, study, run_id: str) -> int:
    """Mark this run's still-RUNNING trials FAIL/interrupted (not counted: a resume redoes
    them), so a Ctrl-C leaves no trial waiting for the heartbeat grace."""
    closed = 0
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        info = trial_info(t)
        if info.get("run") == run_id:
            closed += close_as_interrupted(storage, t, info, INTERRUPTED["reason"])
    return closed


def execute(spec: StudySpec, where: StorageURL, storage, study, *, workers: int,
            progress: bool = False, dataset=None, run_id: str | None = None) -> bool:
    """Run the study's remaining trials on ``workers`` local processes; returns whether
    the spec's timeout had passed when they stopped. Each process counts the timeout from
    when it can start trials; each trial records ``run_id`` (default: a new one). A
    storage failure is a `StorageFailed`: the command around says what to do next."""
    run_id = run_id or uuid.uuid4().hex[:12]
    n_trials = stored_n_trials(study, spec.n_trials)
    if study.user_attrs.get(STOPPED_ATTR):  # an earlier run's; this one may end otherwise
        study.set_user_attr(STOPPED_ATTR, None)
    # a process more than the trials would only wait, as would one more than the cores
    # (with a warning: 48 workers on 2 cores were 40x slower than 1)
    if nothing_to_run(study, n_trials, spec.max_retry):
        # QA: a resume of a finished MNIST study started 2 workers that each loaded the
        # data (5.5 s, 962 MB) to find the budget spent (`say_if_none_started` says so)
        return False
    workers = nets.worker_processes(workers, n_trials)
    bar = StudyProgress(study, n_trials, progress)
    try:
        if workers == 1:
            timed_out = timed_worker(spec.timeout, spec, where, run_id=run_id,
                                     on_trial=bar.refresh, dataset=dataset)[1]
            bar.refresh_quietly()
            return _record_timeout(study, timed_out)
        stop = threading.Event()
        poller = threading.Thread(target=bar.poll, args=(stop,), daemon=True)
        poller.start()
        try:
            # the data checked here, unless too large to keep (`for_workers`)
            timed_out = run_on_pool(spec, where, workers, run_id, max(1, nets.cores() // workers),
                                    dataset)
        except BrokenProcessPool as exc:  # loky's, and its TerminatedWorkerError, subclass it
            # joblib stops every worker when one dies; the trials they held turn stale and
            # are retried here after the heartbeat grace. (stderr: stdout may be --json)
            bar.say("a worker process died "
                    f"({exc.__class__.__name__}); finishing the study in this process")
            # one more process that starts trials, with the timeout counted as any other's
            timed_out = timed_worker(spec.timeout, spec, where, run_id=run_id,
                                     dataset=dataset)[1]
        finally:
            stop.set()
            poller.join()
        bar.refresh_quietly()
        return _record_timeout(study, timed_out)
    except KeyboardInterrupt:
        close_interrupted(storage, study, run_id)
        raise
    finally:
        bar.close()


def _record_timeout(study, timed_out: bool) -> bool:
    """``timed_out``, stored as `STOPPED_ATTR` when trials remain (as `_with_stop` says
    it): a report of the study, written by this command or a later one, says why."""
    if timed_out and budget_used(study.get_trials(deepcopy=False),
                                 flat=study_flat_layout(study)) < stored_n_trials(study, 0):
        study.set_user_attr(STOPPED_ATTR, "timeout")
    return timed_out
