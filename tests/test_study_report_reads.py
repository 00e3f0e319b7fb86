"""What a study report reads of its storage: the trials once, not a copy of every trial
for each look at the best one (QA: ~0.5 s a copy at 3000 trials, three of them)."""

from __future__ import annotations

import json

import optuna
from conftest import figure_stand_in

import hplab
from reports._study_best import numbered_trial


def test_the_report_takes_the_best_trial_from_the_trials_it_read(tiny_study, capsys,
                                                                  monkeypatch):
    figure_stand_in(monkeypatch, typeset=False)  # claims about no figure
    db = tiny_study()
    copies = []
    full_copy = optuna.Study.trials.fget  # every trial deep-copied (get_trials' default)
    monkeypatch.setattr(optuna.Study, "trials",
                        property(lambda s: copies.append(1) or full_copy(s)))
    assert hplab.main(["study", "report", "tiny", "--storage", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_path"].endswith("report.html")
    assert copies == []


def test_a_best_trial_that_finished_after_the_list_was_read_is_read_again():
    s = optuna.create_study(storage=optuna.storages.InMemoryStorage())
    s.add_trial(optuna.trial.create_trial(value=2.0, params={}, distributions={}))
    running = s.ask()  # trial 1, running when the report read the list
    trials = s.get_trials(deepcopy=False)
    s.tell(running, 1.0)  # and the best when the summary read them
    assert numbered_trial(s, trials, 0) is trials[0]  # finished: the one read
    best = numbered_trial(s, trials, 1)
    assert (best.number, best.value, best.state.name) == (1, 1.0, "COMPLETE")
    s.ask()  # trial 2: not in the list at all
    s.tell(2, 0.5)
    assert numbered_trial(s, trials, 2).value == 0.5
