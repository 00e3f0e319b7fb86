"""A sampler seeded per trial: its draws depend on the trial, not on who runs it."""

from __future__ import annotations

from typing import Callable

import numpy as np
import optuna

from ._history_view import history_study

# The trial's third stream: `nets.train` spawns the first two (initial weights, batches)
# from the same SeedSequence([seed, trial]).
SAMPLER_STREAM = 2


def trial_sampler_seed(study_seed: int, number: int) -> int:
    """The seed of trial ``number``'s sampler: ``SeedSequence([study_seed, number])``'s
    sampler stream, within an int32 (every optuna sampler and torch take it)."""
    seq = np.random.SeedSequence([study_seed, number], spawn_key=(SAMPLER_STREAM,))
    return int(seq.generate_state(1)[0] % (2**31 - 1))


class TrialSeeded(optuna.samplers.BaseSampler):
    """Samples each trial with a fresh sampler seeded from the study seed and the trial's
    number.

    One sampler seeded once per process drew the same points again in every process
    seeded alike: a resumed study repeated its first trials, and two workers sampled the
    same parameters, so resumes and joining workers drew from OS entropy and could not be
    reproduced. Seeded by trial number (unique in the storage), a study stopped and resumed
    with one worker samples what one uninterrupted run samples, bit for bit, and no two
    trials share a stream whichever worker takes them. Samplers keep what they learn in the
    storage; a fresh one per trial recomputes its caches (the search space's intersection;
    gp fits its kernel from the defaults rather than from the last trial's fit).

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

    def _of(self, trial) -> optuna.samplers.BaseSampler:
        return self._by_trial.get(trial._trial_id, self.sampler)

    def _seen(self, study, trial):
        return study if self._lag is None else history_study(study, trial.number, self._lag)

    def before_trial(self, study, trial) -> None:
        sampler = self._make(trial_sampler_seed(self._seed, trial.number))
        self._by_trial[trial._trial_id] = sampler
        sampler.before_trial(study, trial)

    def infer_relative_search_space(self, study, trial):
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
