"""The progress bar of a run whose study ends past its budget keeps a total."""

from __future__ import annotations

import re

from cli_helpers import hplab_cli

import study


def test_a_retried_trial_asked_past_the_budget_keeps_the_bars_total(spec_file, tmp_path):
    # QA: another Optuna client asked a trial of a study whose budget was spent and never
    # told it; the run failed it at the grace, ran its retry, and the bar lost its total
    # ("3trial [00:24, ...]") where the study had run 3 trials of a budget of 2
    db = tmp_path / "over.db"
    spec = study.load_spec(spec_file("over", n_trials=2, pruner="none", max_epochs=4,
                                     heartbeat_interval=1, grace_period=2))
    study.run_study(spec, storage=str(db), progress=False)
    s, _ = study.open_study("over", str(db))
    s.ask()
    run = hplab_cli("study", "run", "over", "--storage", db, "--no-report", cwd=tmp_path)
    assert "trials 3 (budget 2): 3 complete" in run.stdout
    frames = run.stderr.replace("\r", "\n")
    assert re.search(r"over: 100%\|\S+\| 3/3 ", frames), frames
    assert "3trial" not in frames
