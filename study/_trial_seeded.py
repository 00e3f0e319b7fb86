"""A sampler seeded per trial: its draws depend on the trial, not on who runs it."""

from __future__ import annotations

from typing import Callable

import numpy as np
import optuna
from optuna.search_space import IntersectionSearchSpace

from ._history_view import history_study, seen_number

# The trial's third stream: `nets.train` spawns the first two (initial weights, batches)
# from the same SeedSequence([seed, trial]).
SAMPLER_STREAM = 2


def trial_sampler_seed(study_seed: int, number: int) -> int:
    """The seed of trial ``number``'s sampler: ``SeedSequence([study_seed, number])``'s
    sampler stream, within an int32 (every optuna sampler and torch take it).

    Parameters
    ----------
    study_seed : int
        The study's seed (its spec's ``seed``).
    number : int
        The trial's number.
    """
    seq = np.random.SeedSequence([study_seed, number], spawn_key=(SAMPLER_STREAM,))
    return int(seq.generate_state(1)[0] % (2**31 - 1))


# Where optuna 5's samplers keep their incremental search-space intersection (TPE, CMA-ES
# and NSGA-II as `_search_space`, GP as `_intersection_search_space`). A later optuna that
# renames them only loses the sharing: each trial then computes its own, as before.
_SPACE_ATTRS = ("_search_space", "_intersection_search_space")


class _SeenSpace:
    """The shared intersection as a trial of a repeatable study sees the trials: those up
    to ``last_seen`` (finished) and itself (running).

    Optuna's cache ends at the first unfinished trial, here the trial itself, so the next
    trial would skip the ones between ``last_seen`` and it; the cache is cut back to
    ``last_seen``. A trial that sees fewer trials than the cache holds (one taken out of
    order, an enqueued one) computes its own, leaving the shared one alone."""

    def __init__(self, shared: IntersectionSearchSpace, last_seen: int):
        self._shared, self._last_seen = shared, last_seen

    def calculate(self, study, use_cache: bool = False):
        shared = self._shared
        if shared._cached_trial_number > self._last_seen + 1:
            return IntersectionSearchSpace(shared._include_pruned).calculate(study, use_cache)
        space = shared.calculate(study, use_cache)
        shared._cached_trial_number = min(shared._cached_trial_number, self._last_seen + 1)
        return space


class TrialSeeded(optuna.samplers.BaseSampler):
    """Samples each trial with a fresh sampler seeded from the study seed and the trial's
    number.

    One sampler seeded once per process drew the same points again in every process
    seeded alike: a resumed study repeated its first trials, and two workers sampled the
    same parameters, so resumes and joining workers drew from OS entropy and could not be
    reproduced. Seeded by trial number (unique in the storage), a study stopped and resumed
    with one worker samples what one uninterrupted run samples, bit for bit, and no two
    trials share a stream whichever worker takes them. Samplers keep what they learn in the
    storage; a fresh one per trial recomputes its caches (gp fits its kernel from the
    defaults rather than from the last trial's fit), except the search space's
    intersection, which every trial's sampler shares: it depends on the trials, not the
    seed, and computed afresh it read every stored trial at every trial (13-23 ms a trial
    at 3,000 trials against ~1 ms; optuna's group-decomposed space, TPE's ``group``, reads
    them all anyway and stays per trial).

    Parameters
    ----------
    make : callable
        ``make(seed)`` builds the sampler.
    seed : int
        The study seed.
    lag : int, optional
        ``study.repeatable_workers``: trial k's sampler reads only trials 0 to k - lag
        (`history_study`); None reads every trial.
    """

    def __init__(self, make: Callable[[int], optuna.samplers.BaseSampler], seed: int,
                 lag: int | None = None):
        self._make = make
        self._seed = seed
        self._lag = lag
        # built now, so a bad option fails before any trial; a trial without its own (none
        # started through before_trial) falls back on it
        self.sampler = make(seed)
        # each running trial's own, by trial id: optuna's threads (n_jobs > 1) run several
        # trials on one sampler at once
        self._by_trial: dict[int, optuna.samplers.BaseSampler] = {}
        # the shared intersections by attribute name, and the (storage, study id) they
        # are of: optuna's refuses a second study
        self._spaces: dict[str, IntersectionSearchSpace] = {}
        self._spaces_of: tuple | None = None

    def _of(self, trial) -> optuna.samplers.BaseSampler:
        return self._by_trial.get(trial._trial_id, self.sampler)

    def _seen(self, study, trial):
        return study if self._lag is None else history_study(study, trial.number, self._lag)

    def before_trial(self, study, trial) -> None:
        """Make the trial's own sampler, seeded from the study seed and the trial's number.

        Parameters
        ----------
        study, trial
            As optuna's ``BaseSampler.before_trial`` takes them.
        """
        sampler = self._make(trial_sampler_seed(self._seed, trial.number))
        self._share_space(sampler, study, trial)
        self._by_trial[trial._trial_id] = sampler
        sampler.before_trial(study, trial)

    def _share_space(self, sampler, study, trial) -> None:
        of = self._spaces_of
        if of is None or of[0] is not study._storage or of[1] != study._study_id:
            self._spaces, self._spaces_of = {}, (study._storage, study._study_id)
        for name in _SPACE_ATTRS:
            own = getattr(sampler, name, None)
            if type(own) is not IntersectionSearchSpace:
                continue
            shared = self._spaces.setdefault(name, own)
            setattr(sampler, name, shared if self._lag is None
                    else _SeenSpace(shared, seen_number(trial.number, self._lag)))

    def infer_relative_search_space(self, study, trial):
        """The trial's own sampler's `infer_relative_search_space`.

        Parameters
        ----------
        study, trial
            As optuna's ``BaseSampler.infer_relative_search_space`` takes them.
        """
        return self._of(trial).infer_relative_search_space(self._seen(study, trial), trial)

    def sample_relative(self, study, trial, search_space):
        """The trial's own sampler's `sample_relative`.

        Parameters
        ----------
        study, trial, search_space
            As optuna's ``BaseSampler.sample_relative`` takes them.
        """
        return self._of(trial).sample_relative(self._seen(study, trial), trial, search_space)

    def sample_independent(self, study, trial, param_name, param_distribution):
        """The trial's own sampler's `sample_independent`.

        Parameters
        ----------
        study, trial, param_name, param_distribution
            As optuna's ``BaseSampler.sample_independent`` takes them.
        """
        return self._of(trial).sample_independent(self._seen(study, trial), trial,
                                                  param_name, param_distribution)

    def after_trial(self, study, trial, state, values) -> None:
        """The trial's own sampler's `after_trial`, which is then let go.

        Parameters
        ----------
        study, trial, state, values
            As optuna's ``BaseSampler.after_trial`` takes them.
        """
        self._by_trial.pop(trial._trial_id, self.sampler).after_trial(study, trial, state,
                                                                      values)

    def reseed_rng(self) -> None:  # each trial is seeded anyway
        pass
