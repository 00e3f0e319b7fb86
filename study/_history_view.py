"""Repeatable parallel studies: trial k learns from trials 0 to k - W, finished.

With several workers, what a learning sampler proposes for trial k (and whether a pruner
stops it) depended on which other trials had finished by then: a race, so two runs of
one spec and seed proposed different trials. A spec's ``study.repeatable_workers = W``
shows trial k only trials ``0 .. k - W`` (and itself), and has it wait until those have
finished: W workers in lockstep. What it sees then no longer depends on timing, so any
number of workers up to W, on any machines, run the same trials bit for bit (more than
W wait on each other). One worker with W = 1 is the plain sequential study.
"""

from __future__ import annotations

import functools
import time
import warnings

import optuna
from optuna.trial import TrialState

import nets

from ._errors import SpecError
from ._record import trial_info
from ._worker_identity import ended_here
from ._worker_storage import recheck_every_trial

# poll period while a trial waits for the ones it learns from (a read of the trials is
# ~1-10 ms; each 10 ms more of a poll adds ~5 ms to each wait)
WAIT_SECONDS = 0.02
# seconds between two checks for trials of dead workers (their heartbeats stopped)
STALE_CHECK_SECONDS = 1.0
_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def seen_number(number: int, lag: int) -> int:
    """The last trial number that trial ``number`` learns from (lag W: ``number - W``)."""
    return number - lag


def _delegate(name: str):
    def call(self, *args, **kwargs):
        return getattr(self._inner, name)(*args, **kwargs)

    call.__name__ = name
    return call


class _HistoryViewBase(optuna.storages.BaseStorage):
    def __init__(self, inner: optuna.storages.BaseStorage, number: int, last_seen: int):
        self._inner, self._number, self._last_seen = inner, number, last_seen

    def get_all_trials(self, study_id, deepcopy=True, states=None):
        """The trials numbered up to ``last_seen``, and the trial itself."""
        return [t for t in self._inner.get_all_trials(study_id, deepcopy, states)
                if t.number <= self._last_seen or t.number == self._number]


# A storage as one trial sees it: every other call (writes, a trial by id, the study's
# attributes) goes to the storage beneath. Optuna's helpers (get_n_trials, get_best_trial)
# read through get_all_trials, so they count only what the trial sees.
HistoryView = type("HistoryView", (_HistoryViewBase,), {
    name: _delegate(name) for name in optuna.storages.BaseStorage.__abstractmethods__
    if name != "get_all_trials"})


@functools.lru_cache(maxsize=4)  # one a trial: a study built reads its id and directions
def history_study(study: optuna.Study, number: int, lag: int) -> optuna.Study:
    """``study`` as trial ``number`` sees it with lag ``lag``: its samplers and pruners
    (hyperband's bracket studies too) read only trials ``0 .. number - lag`` and itself.

    One per trial: the trials it shows have finished, and a sampler's cached read of them
    (``use_cache``) holds the trial itself as it was then, as optuna's own study's does;
    the pruners read afresh."""
    view = HistoryView(study._storage, number, seen_number(number, lag))
    return optuna.study.Study(study_name=study.study_name, storage=view,
                              sampler=study.sampler, pruner=study.pruner)


def wait_for_history(study: optuna.Study, number: int, lag: int) -> float:
    """Block until every trial numbered up to ``number - lag`` has finished; the seconds
    waited. Meanwhile a dead worker's trial is failed and retried, as a claim would fail
    it: one of this machine's as soon as its process is seen gone (checked every
    `STALE_CHECK_SECONDS`; a pool's worker killed: the command goes on without it;
    `_WorkerCache`), another's once its heartbeats are older than the grace; so a killed
    worker holds no one up for good."""
    start = last_check = time.monotonic()
    last_seen = seen_number(number, lag)
    while True:
        trials = study._storage.get_all_trials(study._study_id, deepcopy=False)
        waited_for = [t for t in trials if t.number <= last_seen and t.state not in _FINISHED]
        if not waited_for:
            return time.monotonic() - start
        time.sleep(WAIT_SECONDS)
        if time.monotonic() - last_check > STALE_CHECK_SECONDS:
            last_check = time.monotonic()
            # the trials read just now whose worker is seen ended here: their beats may be
            # fresh, and the cache checks only those two intervals old (`_dead_here`).
            # Records read as the flat layout allows only decide whether to look again:
            # the cache's look reads them by the study's layout
            if any(t.state == TrialState.RUNNING
                   and ended_here(trial_info(t).get("worker")) for t in waited_for):
                recheck_every_trial(study._storage, study._study_id)
            optuna.storages.fail_stale_trials(study)


def should_prune_seen(trial: optuna.Trial, lag: int) -> bool:
    """`optuna.Trial.should_prune`, the pruner reading only what trial ``trial`` sees."""
    # the trial as optuna's should_prune gives it (its reports kept in memory): a read
    # of the storage at every checkpoint cost a study of 400 checkpoints 1.4 s
    return trial.study.pruner.prune(history_study(trial.study, trial.number, lag),
                                    trial._get_latest_trial())


def check_repeatable(spec, where, workers: int) -> None:
    """For a repeatable study: a SpecError on a journal (without heartbeats a dead worker's
    trial stays running for good, and every later trial would wait for it), and a warning
    of each of `repeatable_notes`."""
    if spec.repeatable_workers and where.kind == "journal":
        raise SpecError(f"study.repeatable_workers needs a storage with heartbeats (SQLite or "
                        f"PostgreSQL), not {where.masked}: on a journal a dead worker's trial "
                        "would hold up every later trial for good")
    # the processes that will run, counted as the run counts them: more workers than cores
    # or trials run as many as those (the cores said apart), and "the other workers wait"
    # of ones that never start contradicted that line
    for why in repeatable_notes(spec, nets.worker_processes(workers, spec.n_trials,
                                                            warn=False)):
        warnings.warn(why, stacklevel=3)  # at the caller of run_study or join_study


def repeatable_notes(spec, workers: int) -> list[str]:
    """What a repeatable study's settings give up, to warn of as it runs: a lag that lets
    no trial learn from another, more workers than the lag lets train at once, and
    TPE's constant liar, which reads running trials that no trial sees."""
    lag = spec.repeatable_workers
    if not lag:
        return []
    notes = []
    if lag >= spec.n_trials:
        notes.append(f"study.repeatable_workers {lag} is not below n_trials {spec.n_trials}: "
                     "no trial learns from another (a random search, nothing pruned); "
                     "twice the workers lets the later trials learn")
    if workers > lag:
        notes.append(f"{workers} workers on a study with repeatable_workers {lag}: at most "
                     + ("1 trial trains" if lag == 1 else f"{lag} trials train")
                     + " at once, the "
                     + ("other waits" if workers - lag == 1 else "others wait"))
    if spec.sampler_options.get("constant_liar"):
        notes.append("sampler.constant_liar does nothing with study.repeatable_workers: a "
                     "trial sees no running trial to lie about")
    return notes
