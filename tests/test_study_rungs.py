"""Rung pruners (hyperband, successive halving) are asked only at their rungs: the same
trials pruned at the same checkpoints as when asked at every one, with fewer reads."""

from __future__ import annotations

import optuna
import pytest
from conftest import asked_steps, trials_of

import study
import study._objective as objective


def _outcomes(db, name):
    return [(t.number, t.state, t.values, t.intermediate_values,
             {k: v for k, v in t.system_attrs.items() if k.startswith("completed_rung")})
            for t in trials_of(db, name)]


@pytest.mark.parametrize("pruner, options, rungs", [
    ("hyperband", {"reduction_factor": 3}, {1, 3, 9}),
    ("successive_halving", {"min_resource": 2, "reduction_factor": 2}, {2, 4, 8}),
])
def test_a_rung_pruner_is_asked_at_its_rungs_only_and_prunes_the_same(
        spec_file, tmp_path, monkeypatch, pruner, options, rungs):
    path = spec_file(pruner, dataset="moons", metric="val_accuracy", n_trials=14,
                     max_epochs=20, sampler="random", pruner=pruner, pruner_options=options,
                     space={"lr": {"low": 1e-3, "high": 1.0, "log": True}},
                     fixed={"hidden": [4], "batch_size": 32, "checkpoint": 2})
    spec = study.load_spec(path)
    assert objective.rung_steps(spec) == (min(rungs), options["reduction_factor"])
    asked = asked_steps(monkeypatch)
    study.run_study(spec, storage=str(tmp_path / "rungs.db"), progress=False)
    at_rungs = list(asked)
    asked.clear()
    monkeypatch.setattr(objective, "rung_steps", lambda spec: None)  # ask at every checkpoint
    study.run_study(spec, storage=str(tmp_path / "every.db"), progress=False)

    assert set(at_rungs) <= rungs and len(at_rungs) < len(asked) / 2, (at_rungs, asked)
    same = _outcomes(tmp_path / "rungs.db", pruner)
    assert same == _outcomes(tmp_path / "every.db", pruner)
    states = [s for _, s, *_ in same]
    assert 0 < states.count(optuna.trial.TrialState.PRUNED) < len(states) - 1, states


@pytest.mark.parametrize("reported, judged", [
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 3, 9]),
    ([2, 4, 6, 8, 10], [2, 4, 10]),  # a full-batch trial's every other step
    ([5, 10], [5, 10]),
])
def test_the_first_step_at_or_past_each_rung_is_judged(reported, judged):
    report = objective.ReportToTrial(trial=None, metric="val_accuracy", rungs=(1, 3))
    passed, asked = 0, []
    for step in reported:
        if report._rung_between(passed, step):
            asked.append(step)
        passed = step
    assert asked == judged


def test_other_pruners_and_auto_resources_are_asked_at_every_checkpoint(spec_file):
    for pruner, options in [("median", None), ("percentile", None),
                            ("successive_halving", None),  # min_resource "auto"
                            ("hyperband", {"max_resource": "auto"})]:
        spec = study.load_spec(spec_file(pruner, pruner=pruner, pruner_options=options))
        assert objective.rung_steps(spec) is None, pruner
