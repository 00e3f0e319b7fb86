"""A dataset a script registers from its own arrays (README: data.register_dataset) loads
as a file's does, and a study and an analysis on it run on pool workers too; a study made
on one, opened where it is not registered, says so in one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli

import data
import study
from analyses import CAPACITY_CONFIG, capacity_sweep


def _frame(seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(300, 3)), columns=["dose", "age", "weight"])
    return X, (X["dose"] + X["age"] > 0).astype(int).rename("cured")


@pytest.fixture
def mine():
    """'mine', `_frame`'s arrays, registered while the test runs."""
    X, y = _frame()
    data.register_dataset("mine", lambda: (X, y))
    yield "mine"
    del data.DATASETS["mine"]


def _spec(n_trials: int = 4) -> study.StudySpec:
    return study.parse_spec({
        "study": {"name": "own", "dataset": "mine", "metric": "val_accuracy",
                  "n_trials": n_trials, "max_epochs": 5, "sampler": "random",
                  "pruner": "none", "seed": 0},
        "space": {"lr": {"low": 0.01, "high": 0.5, "log": True}},
        "fixed": {"hidden": [4]}})


def test_a_registered_set_loads_as_the_same_data_written_to_a_csv_file(mine, tmp_path):
    # QA: a script's X, y reached a study or an analysis only through a file written first
    X, y = _frame()
    pd.concat([X, y], axis=1).to_csv(tmp_path / "d.csv", index=False)
    ds = data.load("mine?train_size=100", seed=3)
    from_file = data.load(f"csv:{tmp_path / 'd.csv'}?train_size=100", seed=3)
    assert ds.fingerprint() == from_file.fingerprint()
    assert (ds.name, ds.task, ds.feature_names, ds.sizes()) == (
        "mine?train_size=100", "binary", ("dose", "age", "weight"),
        {"train": 100, "val": 24, "test": 60})
    assert "mine" in data.list_datasets()["name"].tolist()


def test_a_study_on_a_registered_set_runs_on_two_workers_and_its_report_retrains(
        mine, tmp_path, monkeypatch):
    import reports

    # the workers load the set by name, as they do a set past 64 MB (not handed to them)
    monkeypatch.setattr("data._shared.SHARE_BYTES", 0)
    values = {}
    for workers in (1, 2):
        db = str(tmp_path / f"w{workers}.db")
        summary = study.run_study(_spec(), storage=db, workers=workers)
        assert (summary["n_complete"], summary["n_fail"]) == (4, 0), summary["problems"]
        optuna_study, _ = study.open_study("own", db)
        values[workers] = sorted(round(t.value, 4) for t in optuna_study.trials)
    assert values[2] == values[1]
    assert values[1] == [0.5, 0.5417, 0.5417, 0.625]
    report = reports.study_report("own", storage=db, out=str(tmp_path / "rep"))
    assert (tmp_path / "rep" / "best_model" / "model.npz").is_file(), report


def test_a_study_refuses_other_data_registered_under_its_set_s_name(mine, tmp_path):
    db = str(tmp_path / "s.db")
    study.run_study(_spec(2), storage=db)
    X, y = _frame(seed=1)
    data.register_dataset("mine", lambda: (X, y))  # a notebook's cell run on other data
    with pytest.raises(study.SpecError, match="differs from the study's"):
        study.run_study(_spec(3), storage=db, explicit_trials=True)


def test_an_analysis_on_two_workers_reads_a_registered_set(mine):
    # the analyses' tasks carry a name: a worker knew only hplab's own sets
    kw = dict(widths=(2, 4), seeds=1, eps=0.0,
              config=CAPACITY_CONFIG.replace(max_epochs=20, checkpoint=5))
    alone = capacity_sweep(mine, workers=1, **kw)
    pooled = capacity_sweep(mine, workers=2, **kw)
    pd.testing.assert_frame_equal(pooled.runs.drop(columns="seconds"),
                                  alone.runs.drop(columns="seconds"))
    assert alone.runs["test_accuracy"].round(3).tolist() == [0.517, 0.833]


def test_a_study_of_a_set_not_registered_here_reads_but_does_not_run(mine, tmp_path,
                                                                      monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s.db"
    study.run_study(_spec(2), storage=str(db))
    entry = data.DATASETS.pop("mine")  # the hplab command: hplab's own sets alone
    try:
        said = (f"study 'own' in sqlite:///{db} uses dataset 'mine', not registered in this "
                "process: register it in data.DATASETS (data.register_dataset) before running "
                "the study or writing its report (from Python: the hplab command has only "
                "the built-in names); its trials are stored as they ran (`hplab study show` "
                "and `study export` read them)")
        for command in (["study", "run", "own"], ["study", "report", "own"]):
            code, _, err = run_cli([*command, "--storage", db], capsys)
            assert (code, err) == (2, f"hplab {' '.join(command[:2])}: error: {said}\n")
        code, out, err = run_cli(["study", "show", "own", "--storage", db], capsys)
        assert (code, err) == (0, "")
        # QA: the report line named `hplab study report`, which refuses it (above): it
        # names the call that works, from the script that registers the set
        call = f"reports.study_report('own', storage={str(db)!r})"
        assert out.splitlines()[-2:] == [
            f"report: none yet in runs/studies/own ({call} from the script that registers "
            "dataset 'mine')",
            "uses dataset 'mine', not registered in this process: its report and a run "
            "resuming it need it registered in data.DATASETS (data.register_dataset) (from "
            "Python)"]
        assert not (tmp_path / "runs").exists()
    finally:
        data.DATASETS["mine"] = entry
    import reports

    eval(call, {"reports": reports})  # as the script would, the set registered
    data.DATASETS.pop("mine")
    try:
        code, out, _ = run_cli(["study", "show", "own", "--storage", db, "--json"], capsys)
        # written where show looks for it, and current
        assert (code, *map(json.loads(out).get, ("report_path", "report_stale"))) == (
            0, str(Path("runs/studies/own/report.html")), False)
    finally:
        data.DATASETS["mine"] = entry


@pytest.mark.parametrize(("name", "loader", "message"), [
    ("coin", lambda: None, "dataset 'coin' is hplab's own; register yours under a name of "
     "its own (built-in: xor, double-arc, coin, sine, curve, spirals, moons, circles, digits, "
     "mnist, idx:DIR, npz:PATH[,PATH_TEST], csv:PATH[,PATH_TEST])"),
    ("a?b", lambda: None, "dataset name 'a?b' holds '?', which dataset names reserve for "
     "options and paths"),
    ("ok", np.zeros(3), "register_dataset('ok', loader): loader must be a function returning "
     "(X, y), got ndarray"),
])
def test_a_name_or_loader_that_cannot_be_registered_is_refused_in_one_line(name, loader,
                                                                          message):
    with pytest.raises(data.DataError) as caught:
        data.register_dataset(name, loader)
    assert str(caught.value) == message
    assert name not in data.DATASETS or name == "coin"


def test_a_loader_returning_no_pair_is_refused_in_one_line():
    data.register_dataset("bad", lambda: np.zeros((5, 2)))
    try:
        with pytest.raises(data.DataError) as caught:
            data.load("bad")
        assert str(caught.value) == ("bad: the registered loader must return (X, y) or (X, y, "
                                     "X_test, y_test), got ndarray")
    finally:
        del data.DATASETS["bad"]
