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

import time

import optuna
from optuna.trial import TrialState

from ._errors import SpecError

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


def history_study(study: optuna.Study, number: int, lag: int) -> optuna.Study:
    """``study`` as trial ``number`` sees it with lag ``lag``: its samplers and pruners
    (hyperband's bracket studies too) read only trials ``0 .. number - lag`` and itself."""
    view = HistoryView(study._storage, number, seen_number(number, lag))
    return optuna.study.Study(study_name=study.study_name, storage=view,
                              sampler=study.sampler, pruner=study.pruner)


def wait_for_history(study: optuna.Study, number: int, lag: int) -> float:
    """Block until every trial numbered up to ``number - lag`` has finished; the seconds
    waited. A dead worker's trial (its heartbeats stopped) is failed as stale meanwhile,
    as a claim would fail it, so a killed machine holds no one up."""
    start = last_check = time.monotonic()
    last_seen = seen_number(number, lag)
    while True:
        trials = study._storage.get_all_trials(study._study_id, deepcopy=False)
        if all(t.state in _FINISHED for t in trials if t.number <= last_seen):
            return time.monotonic() - start
        time.sleep(WAIT_SECONDS)
        if time.monotonic() - last_check > STALE_CHECK_SECONDS:
            last_check = time.monotonic()
            optuna.storages.fail_stale_trials(study)  # a no-op without heartbeats


def should_prune_seen(trial: optuna.Trial, lag: int) -> bool:
    """`optuna.Trial.should_prune`, the pruner reading only what trial ``trial`` sees."""
    study = trial.study
    frozen = study._storage.get_trial(trial._trial_id)
    return study.pruner.prune(history_study(study, trial.number, lag), frozen)


def check_repeatable_storage(spec, where) -> None:
    """SpecError for a repeatable study on a journal: without heartbeats a dead worker's
    trial stays running for good, and every later trial would wait for it."""
    if spec.repeatable_workers and where.kind == "journal":
        raise SpecError(f"study.repeatable_workers needs a storage with heartbeats (SQLite or "
                        f"PostgreSQL), not {where.masked}: on a journal a dead worker's trial "
                        "would hold up every later trial for good")
