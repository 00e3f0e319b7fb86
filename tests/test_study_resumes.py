"""The commands that resumed a study: the last ones kept, all counted, and the one that set
the budget kept whatever its age (QA: 28 resumes showed as 20, silently)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import optuna
from conftest import figure_stand_in, report_facts

import hplab
import study
from reports._study_text import resume_facts
from study import _resumes


def _study(n_trials: int = 5):
    s = optuna.create_study(study_name="r", storage=optuna.storages.InMemoryStorage())
    s.set_user_attr(study.SPEC_ATTR, {"study": {"n_trials": n_trials}})
    return s


def _set_budget(s, n_trials: int) -> None:
    s.set_user_attr(study.SPEC_ATTR, {"study": {"n_trials": n_trials}})


def test_resumes_past_those_kept_are_counted_and_the_budget_setter_kept():
    s = _study()
    _resumes.record_created(s)
    for i in range(25):
        if i == 2:  # the resume that raised the budget, 22 resumes ago
            _set_budget(s, 300)
        _resumes.record_resume(s, f"run {i}{' --trials 300' if i == 2 else ''}",
                               explicit_trials=i == 2)
    assert s.user_attrs[study.RESUMED_ATTR] == [f"run {i}" for i in range(5, 25)]
    facts = resume_facts(s.user_attrs)
    listed = "; ".join(f"run {i}" for i in range(5, 25))
    assert facts == {"Resumed by": f"the last 20 of 25 resumes: {listed}",
                     "Budget set by": "run 2 --trials 300 (the study's budget, 300 trials)"}


def test_a_budget_raised_by_a_spec_file_or_changed_since_is_said_as_it_is():
    s = _study()
    _resumes.record_created(s)
    _set_budget(s, 9)  # a resume's spec file with a larger n_trials, no --trials
    _resumes.record_resume(s, "from the file")
    for i in range(20):
        _resumes.record_resume(s, f"worker {i}", worker=True)
    assert resume_facts(s.user_attrs)["Budget set by"] == (
        "from the file (the study's budget, 9 trials)")
    _set_budget(s, 11)  # run_study from Python, which records no command
    assert "Budget set by" not in resume_facts(s.user_attrs)


def test_an_older_hplabs_study_is_read_as_it_stored_its_resumes():
    s = _study()
    s.set_user_attr(study.RESUMED_ATTR, [f"old {i}" for i in range(20)])  # no count
    old = "; ".join(f"old {i}" for i in range(20))
    note = "(an older hplab kept the last 20 and did not count those it dropped)"
    assert resume_facts(s.user_attrs) == {"Resumed by": f"the last 20 resumes {note}: {old}"}
    _resumes.record_resume(s, "new")
    listed = "; ".join([*(f"old {i}" for i in range(1, 20)), "new"])
    assert resume_facts(s.user_attrs) == {
        "Resumed by": f"the last 20 of at least 21 resumes {note}: {listed}"}
    few = _study()
    few.set_user_attr(study.RESUMED_ATTR, ["a", "b"])  # fewer than it kept: all of them
    assert resume_facts(few.user_attrs) == {"Resumed by": "a; b"}
    _resumes.record_resume(few, "c")
    assert resume_facts(few.user_attrs) == {"Resumed by": "a; b; c"}


def test_the_report_says_how_many_resumes_and_which_set_the_budget(spec_file, tmp_path,
                                                                   capsys, monkeypatch):
    figure_stand_in(monkeypatch, typeset=False)  # claims about no figure
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_resumes, "RESUMES_KEPT", 1)  # 1 kept: 2 resumes drop one
    path = str(spec_file("kept", n_trials=1, pruner="none", max_epochs=4))
    run = ["study", "run", path, "--storage", "k.db", "--no-report"]
    for extra in ([], ["--trials", "2"], []):
        assert hplab.main([*run, *extra]) == 0
    assert hplab.main(["study", "report", "kept", "--storage", "k.db", "--json"]) == 0
    report = Path(json.loads(capsys.readouterr().out.splitlines()[-1])["report_path"])
    facts = report_facts(report.read_text())
    cd = f"cd {shlex.quote(str(tmp_path))} && hplab study run {path} --storage k.db"
    assert facts["Command"] == f"{cd} --no-report"
    assert facts["Resumed by"] == f"the last 1 of 2 resumes: {cd} --no-report"
    assert facts["Budget set by"] == (f"{cd} --no-report --trials 2 (the study's budget, "
                                      "2 trials)")
