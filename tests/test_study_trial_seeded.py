"""Samplers seeded per trial share the search space's intersection: each trial reads only
the trials new since the last, and samples what a fresh intersection gives."""

from __future__ import annotations

import optuna
import optuna.search_space.intersection as intersection
import pytest
from conftest import trials_of
from optuna.distributions import FloatDistribution, IntDistribution

import study
import study._trial_seeded as trial_seeded
from study._history_view import history_study

# depth decides which widths a trial has, so the intersection changes as trials come in;
# group off, so TPE samples from the intersection (group reads every trial anyway)
SPACE = {"lr": {"low": 0.05, "high": 2.0, "log": True},
         "width": {"low": 2, "high": 6, "per_layer": True}, "depth": {"low": 1, "high": 3}}


@pytest.fixture
def visits(monkeypatch):
    """How many stored trials each computation of an intersection looked at, in order."""
    seen = []
    calculate = intersection._calculate

    class Counted(list):
        def __reversed__(self):
            for trial in list.__reversed__(self):
                seen[-1] += 1
                yield trial

    def counting(trials, *args, **kwargs):
        seen.append(0)
        return calculate(Counted(trials), *args, **kwargs)

    monkeypatch.setattr(intersection, "_calculate", counting)
    return seen


def outcomes(db):
    return [(t.number, t.state, t.params, t.values, t.intermediate_values)
            for t in trials_of(db, "seeded")]


@pytest.mark.parametrize("lag", [None, 2])
def test_each_trial_reads_only_the_trials_new_to_its_search_space(lag, spec_file, tmp_path,
                                                                 visits, monkeypatch):
    # each trial's sampler built its own intersection and read every stored trial: 13-23
    # ms a trial at 3,000 trials, growing with every trial stored
    spec = study.load_spec(spec_file(
        "seeded", n_trials=30, max_epochs=16, repeatable_workers=lag, space=SPACE,
        sampler_options={"n_startup_trials": 5, "group": False}))
    study.run_study(spec, storage=str(tmp_path / "shared.db"), progress=False)
    assert len(visits) == 30
    assert max(visits[-10:]) <= 3, visits  # the trial itself, the new one(s), the cut-off
    shared = outcomes(tmp_path / "shared.db")
    assert {t[1] for t in shared} == {optuna.trial.TrialState.COMPLETE,
                                      optuna.trial.TrialState.PRUNED}
    assert len({len(t[2]) for t in shared}) > 1  # the intersection did change
    # the reference: each trial's sampler with an intersection of its own, as optuna
    # builds it (what hplab did before); the same trials, bit for bit
    monkeypatch.setattr(trial_seeded, "_SPACE_ATTRS", ())
    visits.clear()
    study.run_study(spec, storage=str(tmp_path / "own.db"), progress=False)
    assert visits[-1] >= 25
    assert outcomes(tmp_path / "own.db") == shared


def _finished(with_y: bool) -> optuna.trial.FrozenTrial:
    params, dists = {"x": 0.5}, {"x": FloatDistribution(0, 1)}
    if with_y:
        params["y"], dists["y"] = 2, IntDistribution(1, 3)
    return optuna.trial.create_trial(params=params, distributions=dists, value=1.0)


def test_a_trial_seeing_fewer_trials_than_the_shared_space_computes_its_own():
    # a repeatable study's trial taken after a later one (an enqueued trial, another
    # worker's): the shared intersection holds trials it must not see
    stored = optuna.create_study()
    for number in range(11):  # y in trials 0-3 and 6 only
        stored.add_trial(_finished(number < 4 or number == 6))
    shared = optuna.search_space.IntersectionSearchSpace(include_pruned=True)
    late = trial_seeded._SeenSpace(shared, last_seen=10)
    assert list(late.calculate(history_study(stored, 11, 1))) == ["x"]
    early = trial_seeded._SeenSpace(shared, last_seen=3)  # trial 6 at lag 3: 0-3 and 6
    assert list(early.calculate(history_study(stored, 6, 3))) == ["x", "y"]
    assert list(late.calculate(history_study(stored, 11, 1))) == ["x"]  # left alone


def test_one_sampler_serves_two_studies(spec_file):
    # a script handing one spec's sampler to two studies: optuna's intersection refuses a
    # second study, so the shared one is per study
    sampler = study.make_sampler(study.load_spec(spec_file(
        "seeded", space=SPACE, sampler_options={"n_startup_trials": 2, "group": False})))

    def objective(trial):
        depth = trial.suggest_int("depth", 1, 3)
        return sum(trial.suggest_float(f"w{i}", 0, 1) for i in range(depth))

    storage = optuna.storages.InMemoryStorage()
    for name in ("a", "b", "a"):
        optuna.create_study(study_name=name, storage=storage, sampler=sampler,
                            load_if_exists=True).optimize(objective, n_trials=4)
    assert [len(storage.get_all_trials(storage.get_study_id_from_name(name)))
            for name in ("a", "b")] == [8, 4]
