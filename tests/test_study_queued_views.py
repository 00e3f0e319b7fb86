"""What `study show`, `study export` and the study report say of points queued by `hplab
study enqueue`: the trials that ran them, those still waiting (with the line that runs
them), the command that made the study; and how the grid sampler counts them."""

from __future__ import annotations

import json
import math
import shlex
from pathlib import Path

import optuna
import pandas as pd
import pytest
from cli_helpers import run_cli, undocumented_keys
from conftest import figure_stand_in, report_facts

import study


def _trials(db, name):
    with study.quiet_optuna():
        return optuna.load_study(study_name=name, storage=f"sqlite:///{db}").get_trials()


def test_show_and_export_name_the_trials_that_ran_queued_points_and_those_waiting(
        spec_file, tmp_path, capsys):
    path = spec_file("shown", n_trials=3, pruner="none", max_epochs=8)
    db = tmp_path / "shown.db"
    assert run_cli(["study", "enqueue", path, "--storage", db, "--point", "lr=0.5,width=3",
                    "--point", "lr=1.2"], capsys)[0] == 0
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    assert run_cli(["study", "enqueue", "shown", "--storage", db, "--point",
                    "lr=0.3,width=2"], capsys)[0] == 0
    trials = _trials(db, "shown")
    assert [t.state.name for t in trials] == ["COMPLETE"] * 3 + ["WAITING"]
    assert trials[0].params == {"lr": 0.5, "width": 3} and trials[1].params["lr"] == 1.2
    assert all(math.isfinite(t.value) and 0 < t.value < 1 for t in trials[:3])

    # QA: show said "1 queued trial (enqueued, or a retry) waiting: `hplab study run` ...",
    # naming neither the trials that ran queued points nor the study's own run line
    code, out, err = run_cli(["study", "show", "shown", "--storage", db], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[2:4] == [
        "Trials #0 and #1 ran points queued by hand (hplab study enqueue: the sampler drew "
        "what a point left out); the sampler drew the others",
        f"1 queued point waiting: `hplab study run shown --storage {db}` runs it first, "
        "even with the budget spent"]
    code, out, _ = run_cli(["study", "show", "shown", "--storage", db, "--json"], capsys)
    shown = json.loads(out)
    assert (shown["queued_trials"], shown["n_waiting"], shown["n_queued_waiting"]) == (
        [0, 1], 1, 1)
    assert undocumented_keys("study show", ["queued_trials", "n_queued_waiting"]) == []
    assert undocumented_keys("study run", ["queued_trials", "n_queued_waiting"]) == []

    # the export: a column giving each queued point as --point takes it, before the reason
    csv = tmp_path / "shown.csv"
    for _ in range(2):  # the second over the first: its header is still an export's
        code, out, err = run_cli(["study", "export", "shown", "--storage", db, "--csv", csv],
                                 capsys)
        assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"wrote {csv}",
        "Trials #0 and #1 ran points queued by hand (hplab study enqueue: the sampler drew "
        "what a point left out); the sampler drew the others: the queued_point column "
        "gives each point",
        "1 queued point waiting, not run yet (rows of state WAITING, their queued_point set)"]
    frame = pd.read_csv(csv)
    assert list(frame.columns[-2:]) == ["queued_point", "reason"]
    assert frame["queued_point"].fillna("").tolist() == ["lr=0.5,width=3", "lr=1.2", "",
                                                         "lr=0.3,width=2"]
    assert frame["value_val_loss"].tolist()[:3] == [t.value for t in trials[:3]]
    assert frame["params_width"].tolist()[:2] == [3, trials[1].params["width"]]
    # each queued point as typed queues it again: the same point
    again = study.parse_point(frame["queued_point"][0], study.load_spec(path).space)
    assert again == trials[0].params
    code, out, _ = run_cli(["study", "export", "shown", "--storage", db, "--csv", csv,
                            "--json"], capsys)
    said = json.loads(out)
    # sampler: added so the words fit a grid's queued points (a key added, none changed)
    assert said == {"study": "shown", "csv_path": str(csv), "queued_trials": [0, 1],
                    "n_queued_waiting": 1, "sampler": "tpe"}
    assert undocumented_keys("study export", list(said)) == []


def test_a_study_without_queued_points_shows_and_exports_as_before(spec_file, tmp_path,
                                                                   capsys):
    path = spec_file("plain", n_trials=2, pruner="none", max_epochs=4)
    db = tmp_path / "plain.db"
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    code, out, _ = run_cli(["study", "show", "plain", "--storage", db], capsys)
    assert "queued" not in out.replace(str(tmp_path), "")  # the path names the test
    code, out, _ = run_cli(["study", "show", "plain", "--storage", db, "--json"], capsys)
    assert (json.loads(out)["queued_trials"], json.loads(out)["n_queued_waiting"]) == ([], 0)
    code, out, _ = run_cli(["study", "export", "plain", "--storage", db, "--csv",
                            tmp_path / "p.csv"], capsys)
    assert out == f"wrote {tmp_path / 'p.csv'}\n"
    assert pd.read_csv(tmp_path / "p.csv")["queued_point"].isna().all()


def test_the_report_says_the_study_was_made_by_enqueue_and_run_later(spec_file, tmp_path,
                                                                     capsys, monkeypatch):
    # QA: the report's "Command" was the later `study run`, whose spec alone runs no
    # queued point: run again into a new storage it made another study
    figure_stand_in(monkeypatch, typeset=False)
    monkeypatch.chdir(tmp_path)
    path = str(spec_file("made", n_trials=2, pruner="none", max_epochs=4))
    first = ["study", "enqueue", path, "--storage", "m.db", "--point", "lr=0.5,width=3"]
    assert run_cli(first, capsys)[0] == 0
    run = ["study", "run", path, "--storage", "m.db", "--no-report"]
    assert run_cli(run, capsys)[0] == 0
    later = ["study", "enqueue", "made", "--storage", "m.db", "--point", "lr=0.2,width=2"]
    assert run_cli(later, capsys)[0] == 0
    code, out, err = run_cli(["study", "run", "made", "--storage", "m.db", "--json"], capsys)
    assert code == 0, err
    trials = _trials(tmp_path / "m.db", "made")
    assert [t.params["lr"] for t in trials][::2] == [0.5, 0.2]
    assert all(t.state.name == "COMPLETE" and math.isfinite(t.value) for t in trials)
    report = Path(json.loads(out)["report_path"])
    facts = report_facts(report.read_text())
    cd = f"cd {shlex.quote(str(tmp_path))} && "
    assert facts["Command"] == cd + shlex.join(["hplab", *first])
    assert facts["Resumed by"] == (f"{cd}{shlex.join(['hplab', *run])}; {cd}hplab study run "
                                   "made --storage m.db --json")
    assert facts["Points queued by"] == cd + shlex.join(["hplab", *later])
    # from Python, nothing is recorded: a later run's command is the study's, as before
    study.enqueue_points(path, ["lr=0.4,width=2"], storage=str(tmp_path / "py.db"))
    with study.quiet_optuna():
        made = optuna.load_study(study_name="made", storage=f"sqlite:///{tmp_path}/py.db")
    assert study.COMMAND_ATTR not in made.user_attrs


@pytest.mark.parametrize("queued", [1, 2])
def test_under_the_grid_sampler_a_queued_point_takes_a_grid_points_slot(spec_file, tmp_path,
                                                                        capsys, queued):
    # found by running it: optuna's grid gives trial k (k below its size) the grid's k-th
    # point, and a queued trial takes its number: that grid point is not run within the
    # budget (the grid's size, which --trials cannot exceed), and the queued point, itself
    # a grid point, may run twice. README and enqueue's help say so, and what to do
    path = spec_file("grid", n_trials=None, pruner="none", max_epochs=4, sampler="grid",
                     space={"lr": [0.1, 0.5], "width": [2, 4]})
    db = tmp_path / "grid.db"
    points = ["lr=0.5,width=4", "lr=0.1,width=2"][:queued]
    assert run_cli(["study", "enqueue", path, "--storage", db,
                    *[w for p in points for w in ("--point", p)]], capsys)[0] == 0
    code, out, err = run_cli(["study", "run", path, "--storage", db, "--no-report",
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_finished"] == 4  # the grid's size: the budget
    ran = [(t.params["lr"], t.params["width"]) for t in _trials(db, "grid")]
    grid = {(lr, w) for lr in (0.1, 0.5) for w in (2, 4)}
    # the grid's own trials 0 and 1 ((0.5, 2) and (0.5, 4) of its seeded order) gave way:
    # (0.5, 2) is left out of the budget, and a queued point ran twice
    assert ran == {1: [(0.5, 4), (0.5, 4), (0.1, 4), (0.1, 2)],
                   2: [(0.5, 4), (0.1, 2), (0.1, 4), (0.1, 2)]}[queued]
    left = sorted(grid - set(ran))
    assert left == [(0.5, 2)]
    # as documented: queue what the grid left out (study show's table shows it as "-")
    code, out, err = run_cli(["study", "enqueue", "grid", "--storage", db, *[
        w for lr, width in left for w in ("--point", f"lr={lr},width={width}")]], capsys)
    assert code == 0, err
    assert run_cli(["study", "run", "grid", "--storage", db, "--no-report"], capsys)[0] == 0
    trials = _trials(db, "grid")
    assert {(t.params["lr"], t.params["width"]) for t in trials} == grid
    # said where a user who queues points looks: --point's help (and README's paragraph)
    code, out, _ = run_cli(["study", "enqueue", "--help"], capsys)
    assert "Under the grid sampler a point takes a grid trial's slot of the budget (at most " \
           "the grid's size): that trial's grid point is not run; queue it after the run" \
           in " ".join(out.split())
    assert all(t.state.name == "COMPLETE" and math.isfinite(t.value) for t in trials)
