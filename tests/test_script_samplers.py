"""A sampler or pruner a script adds to study.SAMPLERS or study.PRUNERS (README) runs a
study on pool workers too, its report retrains, and the hplab command, which has only
hplab's own, says in one line that a study using one needs it registered."""

from __future__ import annotations

import optuna
import pytest
from cli_helpers import run_cli

import study


class OddOut(optuna.pruners.BasePruner):
    """Prunes odd-numbered trials from checkpoint ``after`` on (deterministic)."""

    def __init__(self, after: int = 2):
        self.after = after

    def prune(self, st, trial):
        step = trial.last_step
        return trial.number % 2 == 1 and step is not None and step >= self.after


class HalfLr(optuna.samplers.RandomSampler):
    """Random search that halves its draws of lr (kept within the range)."""

    def sample_independent(self, st, trial, name, dist):
        value = super().sample_independent(st, trial, name, dist)
        return max(dist.low, value / 2) if name == "lr" else value


@pytest.fixture
def own():
    study.PRUNERS["odd"] = study.PrunerEntry(lambda spec, o: OddOut(**o), OddOut)
    study.SAMPLERS["half"] = study.SamplerEntry(
        lambda spec, o, seed: HalfLr(seed=seed, **o), HalfLr, None, False, False)
    yield
    del study.PRUNERS["odd"], study.SAMPLERS["half"]


def _spec() -> study.StudySpec:
    return study.parse_spec({
        "study": {"name": "own", "dataset": "coin", "metric": "val_accuracy", "n_trials": 4,
                  "max_epochs": 20, "sampler": "half", "pruner": "odd", "seed": 0},
        "pruner": {"after": 2}, "space": {"lr": {"low": 0.01, "high": 0.5, "log": True}},
        "fixed": {"hidden": [4], "checkpoint": 2}})


def test_a_study_of_one_s_own_sampler_and_pruner_runs_on_two_workers(own, tmp_path):
    # QA: with workers=2 a worker knew only hplab's names; workers=1 failed too, on the
    # pruner's warm-up ("'>' not supported between 'str' and 'int'")
    import reports

    found = {}
    for workers in (1, 2):
        db = str(tmp_path / f"w{workers}.db")
        summary = study.run_study(_spec(), storage=db, workers=workers)
        assert (summary["n_complete"], summary["n_pruned"], summary["n_fail"]) == (2, 2, 0)
        trials = study.open_study("own", db)[0].trials
        found[workers] = sorted((t.number % 2, round(t.params["lr"], 4), t.state.name)
                                for t in trials)
    assert found[2] == found[1]
    # odd trials pruned at the option's checkpoint; lr is half of random's draws
    assert [(odd, state) for odd, _, state in found[1]] == [
        (0, "COMPLETE"), (0, "COMPLETE"), (1, "PRUNED"), (1, "PRUNED")]
    assert all(lr < 0.25 for _, lr, _ in found[1])
    reports.study_report("own", storage=db, out=str(tmp_path / "rep"))
    assert (tmp_path / "rep" / "best_model" / "model.npz").is_file()


def test_a_study_of_a_sampler_and_pruner_not_registered_here_reads_but_does_not_run(
        own, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s.db"
    study.run_study(_spec(), storage=str(db))
    pruner, sampler = study.PRUNERS.pop("odd"), study.SAMPLERS.pop("half")
    try:
        said = (f"study 'own' in sqlite:///{db} uses sampler 'half' and pruner 'odd', not "
                "registered in this process: register them in study.SAMPLERS and "
                "study.PRUNERS before running the study or writing its report (from Python: "
                "the hplab command has only the built-in names); its trials are stored as "
                "they ran (`hplab study show` and `study export` read them)")
        code, _, err = run_cli(["study", "run", "own", "--storage", db], capsys)
        assert (code, err) == (2, f"hplab study run: error: {said}\n")
        code, out, err = run_cli(["study", "show", "own", "--storage", db], capsys)
        assert (code, err) == (0, "")
        assert out.splitlines()[-1].startswith("uses sampler 'half' and pruner 'odd', not "
                                               "registered in this process")
    finally:
        study.PRUNERS["odd"], study.SAMPLERS["half"] = pruner, sampler
