"""The report of a study `hplab study enqueue` made, before any trial ran (QA: its
provenance said the library versions were "not stored with the study (an hplab before
studies stored them)", of a study made by this very hplab)."""

from __future__ import annotations

from cli_helpers import run_cli
from conftest import report_facts

import nets


def test_a_study_enqueue_made_names_no_old_hplab_for_its_libraries(spec_file, tmp_path,
                                                                    capsys):
    path = spec_file("q", n_trials=2, pruner="none", max_epochs=8)
    db = str(tmp_path / "q.db")
    code, _, err = run_cli(["study", "enqueue", path, "--storage", db, "--point", "lr=0.5"],
                           capsys)
    assert code == 0, err
    code, _, err = run_cli(["study", "report", "q", "--storage", db, "--out",
                            str(tmp_path / "rep")], capsys)
    assert code == 0, err
    facts = report_facts((tmp_path / "rep" / "report.html").read_text())
    mine = ", ".join(f"{k} {v}" for k, v in nets.library_versions().items())
    assert facts["Library versions"] == ("none stored yet: no trial has run (each run "
                                         f"stores its trials'); this report's: {mine}")
    # it retrains no best trial: no row says it does
    assert "Library versions of this report" not in facts
    # once a trial ran, the trials' versions are stored and named as before
    code, _, err = run_cli(["study", "run", "q", "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    code, _, err = run_cli(["study", "report", "q", "--storage", db, "--out",
                            str(tmp_path / "rep")], capsys)
    assert code == 0, err
    facts = report_facts((tmp_path / "rep" / "report.html").read_text())
    assert facts["Library versions"] == mine
