"""A study's storage file deleted, or replaced by another, while the study runs (another
user's ``rm -rf runs``): the run stops and says so, rather than a raw missing claim file,
or a finished-looking summary whose trials went into a file no one can open."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

import hplab
import study


def _in_first_trial(monkeypatch, action) -> list:
    """Do ``action`` (another user at work) as the first trial starts training; the list
    returned counts the trials that trained."""
    real_train = study._objective.train_run
    trained = []

    def train_run(*args, **kwargs):
        if not trained:
            action()
        trained.append(1)
        return real_train(*args, **kwargs)

    monkeypatch.setattr(study._objective, "train_run", train_run)
    return trained


def _swapped_in_first_trial(monkeypatch, spec_file, storage: str, replaced: bool,
                            wait: float = 0.0) -> list:
    """In the first trial another user deletes ``storage`` (a path from the working folder)
    with the first name of its path (the folder "runs" of runs/hplab.db), with ``replaced``
    moves their own in its place, holding their study "kept", then waits ``wait`` seconds;
    the list returned counts the trials that trained."""
    gone, theirs = Path(Path(storage).parts[0]), Path("theirs")
    if replaced:
        assert hplab.main(["study", "run", str(spec_file("kept", n_trials=1)), "--no-report",
                           "--storage", str(theirs / storage)]) == 0

    def another_user():
        shutil.rmtree(gone) if gone.is_dir() else gone.unlink()
        if replaced:
            shutil.move(theirs / gone, gone)
        time.sleep(wait)

    return _in_first_trial(monkeypatch, another_user)


@pytest.mark.parametrize("replaced", [False, True])
def test_a_storage_deleted_while_its_study_runs_is_said_so(replaced, tmp_path, spec_file,
                                                           monkeypatch, capsys):
    # QA: "[Errno 2] No such file or directory: 'runs/hplab.db.claim'"; and with another
    # storage moved in its place, "trials 8/8: 8 complete", then "the report could not be
    # written in runs/studies/slow (no study 'slow' ...)"
    monkeypatch.chdir(tmp_path)
    trained = _swapped_in_first_trial(monkeypatch, spec_file, "runs/hplab.db", replaced)
    capsys.readouterr()
    assert hplab.main(["study", "run", str(spec_file("gone", n_trials=4)), "--json"]) == 2
    assert capsys.readouterr() == ("", (
        "hplab study run: error: storage runs/hplab.db was deleted or moved while the "
        "study ran; the trials stored since went with the file it was (lost, if it was "
        "deleted)\n"))
    assert len(trained) == 1  # stopped at its next claim
    if replaced:  # the storage put there is left as it was, and no report was written
        assert [s["study"] for s in study.list_studies("runs/hplab.db")] == ["kept"]
        assert not (tmp_path / "runs" / "studies" / "gone").exists()


def test_a_storage_deleted_while_a_study_is_shown_is_no_run_stopped(tmp_path, spec_file,
                                                                     monkeypatch, capsys):
    # review: every command said "deleted or moved while the study ran; the trials stored
    # since went with the file": `study show` runs no trial, and stores none
    import os
    import sqlite3

    monkeypatch.chdir(tmp_path)
    assert hplab.main(["study", "run", str(spec_file("shown", n_trials=1)), "--no-report",
                       "--storage", "s.db"]) == 0

    def summary_of_a_deleted_file(*args, **kwargs):
        os.remove("s.db")
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(study._stored_studies, "study_summary", summary_of_a_deleted_file)
    capsys.readouterr()
    assert hplab.main(["study", "show", "shown", "--storage", "s.db"]) == 2
    assert capsys.readouterr() == ("", "hplab study show: error: storage sqlite:///s.db "
                                       "failed: unable to open database file\n")


@pytest.mark.parametrize("replaced", [False, True])
@pytest.mark.parametrize("command", ["run", "worker"])
def test_a_storage_deleted_in_a_trial_that_timed_out_is_said_so(command, replaced, tmp_path,
                                                                spec_file, monkeypatch, capsys):
    # the timeout passed in its trial: no claim comes after it to check the file, the end of
    # the run does (`study run`, and `study worker` as it)
    monkeypatch.chdir(tmp_path)
    path = str(spec_file("last", n_trials=3, timeout=1))
    if command == "worker":  # a stored study with trials to run
        monkeypatch.setattr(study._run, "execute", lambda *args, **kwargs: False)
        assert hplab.main(["study", "run", path, "--no-report"]) == 0
        monkeypatch.undo()
        monkeypatch.chdir(tmp_path)
    _swapped_in_first_trial(monkeypatch, spec_file, "runs/hplab.db", replaced, wait=1.1)
    capsys.readouterr()
    argv = ["study", "run", path] if command == "run" else ["study", "worker", "--study", "last"]
    assert hplab.main([*argv, "--json"]) == 2
    assert capsys.readouterr() == ("", (
        f"hplab study {command}: error: storage runs/hplab.db was deleted or moved while "
        "the study ran; the trials stored since went with the file it was (lost, if it was "
        "deleted)\n"))


@pytest.mark.parametrize("replaced", [False, True])
def test_a_journal_deleted_while_its_study_runs_names_what_is_there_now(replaced, tmp_path,
                                                                        spec_file,
                                                                        monkeypatch, capsys):
    # QA: optuna opens a journal anew at each write, so the trial running when it was
    # deleted wrote its last records into a new file there: `study show` then found no
    # study in it, and a rerun silently built a new study on the stray lines. Another's
    # journal moved in its place is no fragment to delete
    monkeypatch.chdir(tmp_path)
    _swapped_in_first_trial(monkeypatch, spec_file, "j.log", replaced)
    capsys.readouterr()
    assert hplab.main(["study", "run", str(spec_file("gone", n_trials=4)), "--storage",
                       "j.log", "--no-report", "--json"]) == 2
    assert (tmp_path / "j.log").exists()  # the running trial's last records went there
    now = ("the journal now at j.log (studies there: kept) had that trial's last records "
           "added" if replaced else "the journal file at j.log now holds no study, only "
           "that trial's last records: delete it before running the study there again")
    # (before it, the trial's result may be said dropped: another's trial #0 is closed)
    assert capsys.readouterr().err.splitlines()[-1] == (
        "hplab study run: error: storage j.log was deleted or moved while the study ran; the "
        f"trials stored since went with the file it was (lost, if it was deleted); {now}")
    if replaced:
        assert study.show_study("kept", "j.log")["n_complete"] == 1
