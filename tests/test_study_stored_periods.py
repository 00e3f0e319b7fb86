"""A study stored before the spec's periods were limited to a year keeps its stored
heartbeat_interval and grace_period, and resumes, shows and reports with a year at most."""

from __future__ import annotations

import json

import optuna
import pytest
from cli_helpers import hplab_cli, run_cli

import study
from study._worker import SPEC_ATTR

WARNING = ("warning: study 'long' stores study.heartbeat_interval and study.grace_period "
           "10,000,000,000 and 100,000,000,000 seconds, over a year: they are taken as "
           "31,535,999 and 31,536,000 (the stored spec is kept)")


@pytest.mark.filterwarnings("ignore:study .long. stores:UserWarning")  # open_study reads it
@pytest.mark.parametrize("suffix", [".db", ".log"])
def test_a_stored_period_past_a_year_resumes_with_a_year_and_one_warning(
        spec_file, tmp_path, suffix):
    # QA: an earlier hplab stored 10**11 s; every resume then failed with 'date value out
    # of range' (the worker's stale-trial cutoff), and show with a trial left running on
    # a journal
    storage = str(tmp_path / f"long{suffix}")
    study.run_study(study.load_spec(spec_file("long", n_trials=1, pruner="none",
                                              max_epochs=4)),
                    storage=storage, progress=False)
    s, _ = study.open_study("long", storage)
    raw = s.user_attrs[SPEC_ATTR]
    raw["study"].update(heartbeat_interval=10**10, grace_period=10**11)
    s.set_user_attr(SPEC_ATTR, raw)
    run = hplab_cli("study", "run", "long", "--trials", "3", "--storage", storage,
                    "--no-report", "--json", cwd=tmp_path, check=False)
    summary = json.loads(run.stdout)
    assert (run.returncode, summary["n_complete"], summary["n_running"]) == (0, 3, 0), run.stderr
    # once, whichever of the command's parses and its worker's meet it
    assert run.stderr.count("over a year") == 1
    assert f"hplab study run: {WARNING}\n" in run.stderr
    s, _ = study.open_study("long", storage)
    s.ask()  # another client's trial, left running: a journal's show looks at its start
    show = hplab_cli("study", "show", "long", "--storage", storage, "--json", cwd=tmp_path,
                     check=False)
    shown = json.loads(show.stdout)
    assert (show.returncode, shown["n_complete"], shown["n_running"]) == (0, 3, 1), show.stderr
    assert show.stderr == f"hplab study show: {WARNING}\n"
    # nothing stored is lost: the study keeps what it stored
    s, _ = study.open_study("long", storage)
    stored = s.user_attrs[SPEC_ATTR]["study"]
    assert (stored["heartbeat_interval"], stored["grace_period"]) == (10**10, 10**11)


def test_a_stored_period_past_a_year_reports(spec_file, tmp_path, capsys):
    storage = str(tmp_path / "long.db")
    study.run_study(study.load_spec(spec_file("long", n_trials=1, pruner="none",
                                              max_epochs=4)),
                    storage=storage, progress=False)
    with study.quiet_optuna():
        s = optuna.load_study(study_name="long", storage=f"sqlite:///{storage}")
        raw = s.user_attrs[SPEC_ATTR]
        raw["study"].update(grace_period=10**11)
        s.set_user_attr(SPEC_ATTR, raw)
    with pytest.warns(UserWarning, match=r"stores study\.grace_period 100,000,000,000 "
                                         r"seconds, over a year: it is taken as 31,536,000"):
        code, _, err = run_cli(["study", "report", "long", "--storage", storage, "--out",
                                tmp_path / "rep"], capsys)
    assert code == 0, err
    assert (tmp_path / "rep" / "report.html").is_file()
