"""A trial's outcome is one rule: `study show` (counts, problems, its lines) and the report
(outcome table, table of trials, outcome sentence) say the same of every trial."""

from __future__ import annotations

import contextlib
import json
import sqlite3

import optuna
import pandas as pd
import pytest
from cli_helpers import run_cli
from conftest import ended_worker, figure_stand_in

import reports
import study
from study._record import INTERRUPTED, error_record

# a grid of three rates: 1e-5 pruned (the threshold), 5000 diverged, 0.5 complete
SPEC = dict(dataset="coin", metric="val_accuracy", n_trials=3, sampler="grid", max_epochs=10,
            pruner="threshold", pruner_options={"lower": 0.45},
            space={"lr": [0.5, 5000.0, 0.00001]},
            fixed={"optimizer": "sgd", "width": 16, "activation": "tanh", "batch_size": 16,
                   "checkpoint": 5},
            heartbeat_interval=1, grace_period=60, max_retry=1)


def _study_of_every_outcome(spec_file, db):
    """A study with a trial of each outcome, each ended as hplab ends one, (study, spec)."""
    spec = study.load_spec(spec_file("mix", **SPEC))
    study.run_study(spec, storage=str(db), progress=False)  # trials 0-2
    s = optuna.load_study(study_name="mix", storage=f"sqlite:///{db}")
    owner = {"worker": "machine-2:4243@1.abcd", "run": "r",
             "study_created": s.user_attrs[study.CREATED_ATTR]}

    def asked(record, **params):
        if params:
            s.enqueue_trial(params)
        trial = s.ask()
        trial.set_user_attr(study.RECORD_ATTR, {**owner, **record})
        return trial

    fail = optuna.trial.TrialState.FAIL
    s.tell(asked(error_record(ValueError("no labels"))), state=fail)  # 3: error
    s.tell(asked(INTERRUPTED), state=fail)  # 4: Ctrl-C
    # 5: its worker recorded a divergence, then died before telling it; a user failed it
    s.tell(asked({"status": "diverged", "reason": "train loss exceeded 10x"}), state=fail)
    # 6: a storage that failed while it closed: the record says interrupted, the trial
    # stays RUNNING and its heartbeat ages; the next run fails it and runs its retry (7)
    dead = asked({"status": "interrupted", "reason": "its storage failed"}, lr=0.5)
    rdb = study.open_storage(study.resolve_storage(str(db)))
    rdb.record_heartbeat(dead._trial_id)
    with contextlib.closing(sqlite3.connect(db)) as con, con:
        con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', '-600 seconds') "
                    "WHERE trial_id = ?", (dead._trial_id,))
    study.run_study(spec, storage=str(db), progress=False)
    # 8: a live worker's, its divergence recorded, not yet told; 9: an ended worker's
    rdb.record_heartbeat(asked({"status": "diverged", "reason": "exploded"})._trial_id)
    asked({"worker": ended_worker()})
    return s, spec


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # ask() outside optimize
def test_show_and_the_report_give_every_trial_one_outcome(spec_file, tmp_path, capsys,
                                                         monkeypatch):
    # the four rules had drifted: a FAIL trial whose record said diverged was "diverged" in
    # the counts (2 pruned "(3 diverged)") and the outcome table, "fail" in problems and
    # the table of trials; a retried one whose record said interrupted "interrupted" there
    db = tmp_path / "mix.db"
    s, _ = _study_of_every_outcome(spec_file, db)
    trials = s.get_trials()
    assert trials[7].system_attrs["retry_history"] == [6]
    expected = {0: "pruned", 1: "diverged", 2: "complete", 3: "error", 4: "interrupted",
                5: "fail", 6: "retried", 7: "complete", 8: "running", 9: "left running"}
    retried = study.retried_numbers(trials)
    assert {t.number: study.trial_outcome(t, retried=retried, stale={9}, flat=False)
            for t in trials} == expected

    code, out, err = run_cli(["study", "show", "mix", "--storage", db, "--json"], capsys)
    assert code == 0, err
    shown = json.loads(out)
    assert {k: v for k, v in shown.items() if k.startswith("n_") and k != "n_trials"} == {
        "n_finished": 6, "n_complete": 2, "n_pruned": 2, "n_diverged": 1, "n_fail": 4,
        "n_error": 1, "n_interrupted": 1, "n_retried": 1, "n_running": 2, "n_waiting": 0,
        "n_stale": 1, "n_queued_waiting": 0}
    assert shown["heartbeats"] is True  # SQLite keeps them: failed and run again
    assert [(p["number"], p["state"], p["status"]) for p in shown["problems"]] == [
        (1, "pruned", "diverged"), (3, "fail", "error"), (4, "fail", "interrupted"),
        (5, "fail", "fail"), (6, "fail", "retried")]
    code, out, err = run_cli(["study", "show", "mix", "--storage", db], capsys)
    assert code == 0, err
    assert out.splitlines()[1] == (
        "trials 6 (budget 3): 2 complete, 2 pruned (1 diverged), 4 failed (1 errors, "
        "1 retried, 1 interrupted), 1 running, 1 left running by a worker that stopped "
        "(failed and run again when the study resumes)")

    figure_stand_in(monkeypatch, typeset=False)  # the claims are about no figure
    path = reports.study_report("mix", storage=str(db), out=tmp_path / "rep")
    files = path.parent / "report_files"
    outcomes = pd.read_csv(files / "outcomes.csv")
    assert outcomes.values.tolist() == [
        ["complete", 2], ["pruned", 1], ["diverged", 1], ["error", 1],
        ["retried (worker died)", 1], ["interrupted", 1], ["fail", 1], ["running", 1],
        ["left running (worker stopped)", 1]]
    table = pd.read_csv(files / "trials.csv").set_index("number")
    assert table["status"].to_dict() == expected
    # the same trials as show's, told alike
    problems = {p["number"]: p for p in shown["problems"]}
    assert set(table.index[table["status"].isin(
        ["diverged", "error", "interrupted", "retried", "fail"])]) == set(problems)
    for n, p in problems.items():
        assert table.loc[n, "status"] == p["status"]
    # the headline's cards are show's counts (a mutation showing n_fail as "Pruned" passed)
    cards = {h["label"]: h["text"] for h in reports.read_report_info(path).headline}
    assert (cards["Trials"], cards["Pruned"]) == ("6 (budget 3)", "2")
    text = " ".join(path.read_text().split())
    assert ("2 complete, 2 pruned (1 of them diverged), 4 failed, 1 still running, 1 left "
            "running by a worker that stopped (failed and run again when the study "
            "resumes).") in text


@pytest.mark.parametrize("first", ["val_accuracy", "val_loss"])
def test_a_multi_objective_studys_best_is_the_front_member_best_on_its_first_objective(
        spec_file, tmp_path, first):
    # mutation QA: "best" taken from the wrong end of the front (min of a maximized
    # accuracy) passed every study test (only a report test held it): `study show` named
    # the front's worst accuracy, #7 at 0.47 against #4 at 0.69
    db = tmp_path / "mo.db"
    spec = study.load_spec(spec_file(
        "mo", dataset="coin", metric=[first, "n_parameters"], n_trials=8, max_epochs=4,
        sampler="random", pruner="none",
        space={"lr": {"low": 0.003, "high": 0.3, "log": True},
               "width": {"low": 2, "high": 16, "log": True}},
        fixed={"optimizer": "adam", "batch_size": 32, "checkpoint": 2}))
    study.run_study(spec, storage=str(db), progress=False)
    shown = study.show_study("mo", str(db))
    front = optuna.load_study(study_name="mo", storage=f"sqlite:///{db}").best_trials
    firsts = sorted(t.values[0] for t in front)
    assert len(set(firsts)) > 1, firsts  # a front whose ends differ on the first objective
    best = firsts[-1] if first == "val_accuracy" else firsts[0]
    assert shown["best_value"][0] == best
    assert shown["best_trial"] in [t.number for t in front if t.values[0] == best]
