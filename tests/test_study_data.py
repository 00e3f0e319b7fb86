"""A study's data across machines: the stored fingerprint checked by every run, worker and
report, `study worker --data` for a copy, dataset names compared by meaning."""

from __future__ import annotations

import contextlib
import html
import json
import sqlite3
import sys
from pathlib import Path

import optuna
import pytest
from cli_helpers import run_cli, run_cli_as_program
from conftest import trials_of
from optuna.trial import TrialState

import study


def _two_blobs(path, seed):
    """A small two-class CSV (another seed: other rows)."""
    import numpy as np
    import pandas as pd

    X = np.random.default_rng(seed).normal(size=(40, 2))
    frame = pd.DataFrame(X, columns=["a", "b"]).assign(label=(X[:, 0] > 0).astype(int))
    frame.to_csv(path, index=False)


def _blobs_spec(spec_file, name, dataset):
    return spec_file(name, dataset=dataset, metric="val_accuracy", n_trials=1, pruner="none",
                     max_epochs=2, space={"lr": {"low": 0.05, "high": 1.0, "log": True}},
                     fixed={"batch_size": 8, "width": 3})


def _two_machines(tmp_path):
    """Folders of two machines, m1 holding the study's data (blobs.csv): (m1, m2, its path)."""
    m1, m2 = tmp_path / "m1", tmp_path / "m2"
    m1.mkdir()
    m2.mkdir()
    _two_blobs(m1 / "blobs.csv", 0)
    return m1, m2, m1 / "blobs.csv"


def _raise_budget(db, name, n_trials):
    """The stored study-wide n_trials raised (as a later --trials does): trials to join."""
    s = optuna.load_study(study_name=name, storage=f"sqlite:///{db}")
    raw = s.user_attrs[study.SPEC_ATTR]
    raw["study"]["n_trials"] = n_trials
    s.set_user_attr(study.SPEC_ATTR, raw)


def _stored_fingerprint(db, name):
    from study._run_data import DATA_ATTR

    return optuna.load_study(study_name=name, storage=f"sqlite:///{db}").user_attrs.get(
        DATA_ATTR)


def test_a_worker_trains_on_the_studys_data_only_at_its_path_or_from_a_copy(
        spec_file, tmp_path, monkeypatch, capsys):
    # the study stores machine 1's absolute path: a machine 2 with another file there
    # trained trials on it silently (one became the study's best), and one whose copy
    # was elsewhere had no way to use it
    import shutil

    import data

    m1, m2, stored = _two_machines(tmp_path)
    shutil.copy(stored, m2 / "copy.csv")
    _two_blobs(m2 / "other.csv", 1)
    path, db = _blobs_spec(spec_file, "fp", f"csv:{stored}"), tmp_path / "fp.db"
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    _raise_budget(db, "fp", 3)
    original = data.load(f"csv:{stored}", seed=0)
    shutil.copy(m2 / "other.csv", stored)  # machine 2: another file at the stored path
    worker = ["study", "worker", "--study", "fp", "--storage", db]
    code, _, err = run_cli(worker, capsys)
    assert code == 2, err
    assert [t.state for t in trials_of(db, "fp")] == [TrialState.COMPLETE]
    ours = original.fingerprint()
    theirs = data.load(f"csv:{m2 / 'other.csv'}", seed=0).fingerprint()
    assert theirs != ours and _stored_fingerprint(db, "fp") == ours
    differs = f"differs from the study's (fingerprint {theirs}, the study's {ours}); "
    assert err == (f"hplab study worker: error: study 'fp' in sqlite:///{db}: the data read from "
                   f"{stored} {differs}give this machine's copy of the study's data with "
                   "--data NAME\n")
    code, _, err = run_cli([*worker, "--data", f"csv:{m2 / 'other.csv'}"], capsys)
    assert code == 2 and err.endswith(f": the data read from {m2 / 'other.csv'} {differs}"
                                      "--data must read a copy of the data the study was "
                                      "created on\n")
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--trials", 5], capsys)
    assert code == 2 and err.endswith(f"{differs}restore the study's data, or change "
                                      "study.name to start a new study on this data\n")
    assert [t.state for t in trials_of(db, "fp")] == [TrialState.COMPLETE]
    assert study.stored_spec("fp", study.resolve_storage(str(db)))[0].n_trials == 3
    # its report retrained the best trial on the other file, and showed that model as best
    with pytest.warns(UserWarning, match="the best trial could not be retrained"):
        code, out, err = run_cli(["study", "report", "fp", "--storage", db, "--json"], capsys)
    assert code == 0, err
    page = html.unescape(Path(json.loads(out)["report_path"]).read_text("utf-8"))
    assert (f"Retraining it for this report failed: the data read from {stored} "
            f"{differs[:-2]}. The figures above come from the stored trials.") in page
    stored.unlink()  # machine 2 without a file there
    code, _, err = run_cli(worker, capsys)
    assert code == 2 and err == ("hplab study worker: error: "
                                 f"study.dataset: file not found: {stored}; "
                                 "give this machine's copy of it with --data NAME\n")
    # its copy, named from the folder it runs in: the pool's workers read it too
    monkeypatch.chdir(m2)
    code, out, err = run_cli([*worker, "--data", "csv:copy.csv?target=label", "--workers", 1,
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 3
    assert [t.state for t in trials_of(db, "fp")] == [TrialState.COMPLETE] * 3
    assert _stored_fingerprint(db, "fp") == ours


def test_a_study_stored_without_a_data_fingerprint_records_one_when_resumed(
        spec_file, tmp_path, capsys):
    import data

    csv, db = tmp_path / "blobs.csv", tmp_path / "old.db"
    _two_blobs(csv, 0)
    path = _blobs_spec(spec_file, "old", f"csv:{csv}")
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    with contextlib.closing(sqlite3.connect(db)) as con, con:  # as an earlier version left it
        con.execute("DELETE FROM study_user_attributes WHERE key = 'hplab_data'")
    assert _stored_fingerprint(db, "old") is None
    # a worker's copy has nothing to be checked against
    worker = ["study", "worker", "--study", "old", "--storage", db, "--data", f"csv:{csv}"]
    code, _, err = run_cli(worker, capsys)
    assert code == 2 and err == ("hplab study worker: error: "
                                 f"--data: study 'old' in sqlite:///{db} "
                                 "has no fingerprint of its data yet (an earlier version made "
                                 f"it); run one worker without --data where the data is at "
                                 f"{csv} first\n")
    with pytest.warns(UserWarning) as said:
        code, _, err = run_cli(["study", "run", path, "--storage", db, "--trials", 2,
                                "--no-report"], capsys)
    assert code == 0, err
    assert [t.state for t in trials_of(db, "old")] == [TrialState.COMPLETE] * 2
    mine = data.load(f"csv:{csv}", seed=0).fingerprint()
    assert _stored_fingerprint(db, "old") == mine
    # QA: said, since the earlier trial may have read another file (restoring that one was
    # later refused as "differs from the study's")
    assert [str(w.message) for w in said] == [
        f"study 'old' was stored without a fingerprint of its data (an earlier version made "
        f"it); the data read now from {csv} is recorded as the study's (fingerprint {mine}): "
        "its earlier trial may have read other data"]


def test_the_missing_fingerprint_warning_points_at_the_callers_line(spec_file, tmp_path):
    # it pointed at study/_create.py (stacklevel=2 from check_data, two calls deep in
    # run_study): a script's author was sent to hplab's own line
    db = tmp_path / "old.db"
    path = spec_file("old", n_trials=1, max_epochs=2, pruner="none")
    study.run_study(path, storage=db, workers=1)
    with contextlib.closing(sqlite3.connect(db)) as con, con:  # as an earlier version left it
        con.execute("DELETE FROM study_user_attributes WHERE key = 'hplab_data'")
    resumed = study.spec_to_run(path, db, n_trials=2)
    with pytest.warns(UserWarning, match="stored without a fingerprint") as said:
        line = sys._getframe().f_lineno + 1  # the next line: the call the warning names
        study.run_study(resumed, storage=db, workers=1)
    assert [(w.filename, w.lineno) for w in said] == [(__file__, line)]


def test_a_spec_whose_file_is_under_another_home_is_pointed_to_a_worker_with_data(
        spec_file, tmp_path, monkeypatch, capsys):
    # csv:~/data/blobs.csv, the same file on both machines, was refused on the second
    # (study.dataset differs: ~ was made absolute on the first) with no way to join
    import re
    import shlex

    for home in ("h1", "h2"):
        (tmp_path / home / "data").mkdir(parents=True)
        _two_blobs(tmp_path / home / "data" / "blobs.csv", 0)
    path = _blobs_spec(spec_file, "home", "csv:~/data/blobs.csv?target=label")
    db = tmp_path / "home.db"
    monkeypatch.setenv("HOME", str(tmp_path / "h1"))
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    _raise_budget(db, "home", 2)
    monkeypatch.setenv("HOME", str(tmp_path / "h2"))
    code, _, err = run_cli(["study", "run", path, "--storage", db], capsys)
    copy = shlex.quote(f"csv:{tmp_path / 'h2' / 'data' / 'blobs.csv'}?target=label")
    assert code == 2 and err == (
        f"hplab study run: error: study 'home' in sqlite:///{db} was created from another spec "
        f"(study.dataset differs); the study reads {tmp_path / 'h1' / 'data' / 'blobs.csv'}: "
        "if this spec's file is a copy of it, join the study with `hplab study worker --study "
        f"home --data {copy}` and the same --storage; else change study.name to start a new "
        "one\n")
    suggested = shlex.split(re.search("`hplab (.*?)`", err)[1])
    code, _, err = run_cli([*suggested, "--storage", db], capsys)
    assert code == 0, err
    assert [t.state for t in trials_of(db, "home")] == [TrialState.COMPLETE] * 2


def test_a_spec_file_whose_data_this_folder_reads_elsewhere_is_not_said_to_resume_it(
        tmp_path, monkeypatch, capsys):
    # QA: on a second machine, `study run moved.toml` (a copy, data beside it) was told
    # "`hplab study run /m1/moved.toml` resumes it": without --storage, and that file's
    # csv:d/blobs.csv read from the second machine's folder is the second machine's file,
    # so the command, copied, started a new study in the default storage
    import shutil

    from conftest import spec_file_maker

    db = tmp_path / "moved.db"
    for machine in ("m1", "m2"):
        (tmp_path / machine / "d").mkdir(parents=True)
        _two_blobs(tmp_path / machine / "d" / "blobs.csv", 0)
    first = _blobs_spec(spec_file_maker(tmp_path / "m1"), "moved", "csv:d/blobs.csv?target=label")
    monkeypatch.chdir(tmp_path / "m1")
    code, _, err = run_cli(["study", "run", first, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    copy = tmp_path / "m2" / "moved.toml"
    shutil.copy(first, copy)
    monkeypatch.chdir(tmp_path / "m2")
    code, _, err = run_cli(["study", "run", copy, "--storage", db, "--no-report"], capsys)
    assert code == 2 and "(study.dataset differs)" in err and "resumes it" not in err, err
    assert "join the study with `hplab study worker --study moved --data " in err
    # from the first machine's folder the file still is the study's spec: an edited copy
    # there is told to run it, with the storage it lives in
    monkeypatch.chdir(tmp_path / "m1")
    copy.write_text(copy.read_text().replace("max_epochs = 2", "max_epochs = 3"))
    code, _, err = run_cli(["study", "run", copy, "--storage", db, "--no-report"], capsys)
    assert code == 2 and err.endswith(f"`hplab study run {first} --storage sqlite:///{db}` "
                                      "resumes it; else change study.name to start a new "
                                      "one\n"), err


def test_a_dataset_named_with_its_options_in_another_order_resumes(spec_file, tmp_path,
                                                                   capsys):
    # QA: the same spec with ?target=label&task=classification written the other way round
    # was "created from another spec (study.dataset differs)"
    _two_blobs(tmp_path / "b.csv", 0)
    db = tmp_path / "ro.db"
    first = _blobs_spec(spec_file, "ro", "csv:b.csv?target=label&task=classification")
    code, _, err = run_cli(["study", "run", first, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    again = _blobs_spec(spec_file, "ro", "csv:b.csv?task=classification&target=label")
    code, out, err = run_cli(["study", "run", again, "--storage", db, "--trials", 2,
                              "--no-report", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_finished"] == 2
    other = _blobs_spec(spec_file, "ro", "csv:b.csv?task=classification&target=label&scaling=none")
    code, _, err = run_cli(["study", "run", other, "--storage", db, "--no-report"], capsys)
    assert code == 2 and "(study.dataset differs)" in err


@pytest.mark.slow
def test_a_class_missing_from_validation_is_warned_once_by_a_study_run(spec_file, tmp_path,
                                                                        capfd):
    # QA: the warning was printed twice: when the run loaded the data, and again below the
    # progress bar when the report retrained the best trial on it
    import numpy as np
    import pandas as pd

    X = np.random.default_rng(0).normal(size=(200, 2))
    label = (X[:, 0] > 0).astype(int)
    label[:2] = 2  # two members: both land in training
    pd.DataFrame(X, columns=["a", "b"]).assign(y=label).to_csv(tmp_path / "c.csv",
                                                                 index=False)
    spec = spec_file("mc", dataset=f"csv:{tmp_path / 'c.csv'}", n_trials=2, max_epochs=2,
                     pruner="none", space={"lr": {"low": 0.01, "high": 0.1, "log": True}},
                     fixed={"batch_size": 16})
    code, _, err = run_cli_as_program(["study", "run", spec, "--storage", tmp_path / "s.db"],
                                      capfd)
    assert code == 0 and err.count("hplab study run: warning: ") == 1, err
    assert "no example of class 2 in the validation split" in err
    assert (tmp_path / "runs" / "studies" / "mc" / "best_model").is_dir()  # retrained
    # the report alone loads the data once: said there too
    code, _, err = run_cli_as_program(["study", "report", "mc", "--storage",
                                       tmp_path / "s.db"], capfd)
    assert code == 0 and err.count("hplab study report: warning: ") == 1
    assert "no example of class 2" in err


@pytest.mark.slow
def test_a_report_whose_retrain_failed_lags_once_its_data_is_restored(
        spec_file, tmp_path, monkeypatch, capsys):
    # QA: a report written while the data file was edited (the retrain refused: no test
    # scores, no best_model/) was called up to date forever once the file was restored:
    # show said report_stale false and a run left it as it was; only `study report` mended it
    import re

    import reports

    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "blobs.csv"
    _two_blobs(csv, 0)
    kept = csv.read_bytes()
    path = _blobs_spec(spec_file, "rf", f"csv:{csv}")
    code, out, err = run_cli(["study", "run", path, "--json"], capsys)
    assert code == 0, err
    report = Path(json.loads(out)["report_path"])

    def stale():
        code, out, err = run_cli(["study", "show", "rf", "--json"], capsys)
        assert code == 0, err
        return json.loads(out)["report_stale"]

    _two_blobs(csv, 1)  # edited
    with pytest.warns(UserWarning, match="the best trial could not be retrained"):
        assert run_cli(["study", "report", "rf"], capsys)[0] == 0
    assert "Retraining it for this report failed" in report.read_text("utf-8")
    failed = reports.read_report_info(report).retrain_failed
    assert (failed["trial"], failed["paths"]) == (0, [str(csv)])
    assert failed["why"].startswith(f"the data read from {csv} differs from the study's")
    # the file still edited: a retrain would fail as it did, so the report is not stale
    assert stale() is False
    csv.write_bytes(kept)  # restored
    assert stale() is True
    assert ("(its best trial #0 could not be retrained and its data files changed since: "
            "hplab study report rf retrains it)") in run_cli(["study", "show", "rf"], capsys)[1]
    code, _, err = run_cli(["study", "run", path], capsys)  # its budget spent: no trial
    assert code == 0 and "up to date" not in err, err
    assert "Retraining it for this report failed" not in report.read_text("utf-8")
    assert reports.read_report_info(report).retrain_failed is None
    assert stale() is False
    # a report of an earlier version records no data: one that says its retrain failed
    # lags once, whatever the file now holds
    _two_blobs(csv, 1)
    with pytest.warns(UserWarning, match="the best trial could not be retrained"):
        assert run_cli(["study", "report", "rf"], capsys)[0] == 0
    page = report.read_text("utf-8")
    meta = re.search(r'<meta name="hplab-report" content="([^"]*)"', page)
    fields = json.loads(html.unescape(meta[1]))
    del fields["retrain_failed"]
    report.write_text(page.replace(meta[1], html.escape(json.dumps(fields))), "utf-8")
    assert reports.read_report_info(report).retrain_failed is None
    assert stale() is True


@pytest.mark.slow
def test_a_machine_with_its_copy_elsewhere_raises_the_budget_and_writes_the_report(
        spec_file, tmp_path, monkeypatch, capsys):
    # QA: a worker's --data joined the study, but the `study run NAME --trials N` its hint
    # named failed there ("study.dataset: file not found"), `study run` took no --data,
    # and `study report` had none either: machine 2's report retrained no best trial
    import re
    import shlex
    import shutil

    m1, m2, stored = _two_machines(tmp_path)
    _two_blobs(m2 / "other.csv", 1)
    path, db = _blobs_spec(spec_file, "moved", f"csv:{stored}?target=label"), tmp_path / "mv.db"
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    shutil.move(stored, m2 / "copy.csv")  # machine 2: its copy elsewhere, none at the path
    monkeypatch.chdir(m2)
    copy = "csv:copy.csv?target=label"
    code, _, err = run_cli(["study", "worker", "--study", "moved", "--storage", db,
                            "--data", copy], capsys)
    assert code == 0, err
    hint = re.search("raise the budget with `hplab (.*?)`", err)[1]
    assert hint == shlex.join(["study", "run", "moved", "--trials", "N", "--storage", str(db),
                               "--data", copy])
    run = shlex.split(hint.replace(" N ", " 2 ")) + ["--no-report", "--json"]
    code, out, err = run_cli(run[:-4] + ["--no-report"], capsys)  # without --data
    assert code == 2 and err == ("hplab study run: error: study.dataset: file not found: "
                                 f"{stored}; give this machine's copy of it with `hplab "
                                 f"study run moved --storage sqlite:///{db} --data NAME`\n")
    code, out, err = run_cli(run, capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 2
    assert [t.state for t in trials_of(db, "moved")] == [TrialState.COMPLETE] * 2
    # no trial trains on other data: the copy's fingerprint is checked
    code, _, err = run_cli(["study", "run", "moved", "--trials", 3, "--storage", db,
                            "--data", "csv:other.csv?target=label"], capsys)
    assert code == 2 and err.endswith("--data must read a copy of the data the study was "
                                      "created on\n")
    # the study's spec file takes --data too (its data moved): the budget spent, no trial
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--data", copy,
                            "--no-report"], capsys)
    assert code == 0 and "this run started none" in err, err
    assert len(trials_of(db, "moved")) == 2
    code, _, err = run_cli(["study", "report", "moved", "--storage", db, "--data",
                            "csv:other.csv?target=label"], capsys)
    assert code == 2 and err.endswith("--data must read a copy of the data the study was "
                                      "created on\n")
    code, out, err = run_cli(["study", "report", "moved", "--storage", db, "--data", copy,
                              "--json"], capsys)
    assert code == 0, err
    folder = Path(json.loads(out)["report_path"]).parent
    page = html.unescape((folder / "report.html").read_text("utf-8"))
    assert "Retraining it for this report failed" not in page
    config = json.loads((folder / "best_model" / "config.json").read_text("utf-8"))
    assert config["study"]["trial"] == study.show_study("moved", str(db))["best_trial"]


def test_a_stored_study_of_a_ready_specs_name_resumes_with_data(tmp_path, monkeypatch,
                                                                 capsys):
    # QA: `study run xor --data xor` of the stored study the ready spec xor made was refused
    # as "not a spec file" (a ready spec's name loads its file), however it was typed
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "ready.db"
    # nothing stored: no study to read a copy of the data for
    code, _, err = run_cli(["study", "run", "xor", "--storage", db, "--data", "xor"], capsys)
    assert code == 2 and err == (
        "hplab study run: error: --data reads a copy of a stored study's data: no study "
        f"'xor' in sqlite:///{db}; run the study without --data first\n")
    assert not db.exists()
    code, _, err = run_cli(["study", "run", "xor", "--trials", 1, "--storage", db,
                            "--no-report"], capsys)
    assert code == 0, err
    code, out, err = run_cli(["study", "run", "xor", "--trials", 2, "--storage", db, "--data",
                              "xor", "--no-report", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_finished"] == 2
    assert len(trials_of(db, "xor")) == 2


def test_a_spec_files_study_of_a_ready_specs_name_takes_data_as_the_workers_hint_says(
        tmp_path, monkeypatch, capsys):
    # QA: study 'xor' of its own xor.toml (csv:blobs.csv), not the ready spec xor, its data
    # copied to copy.csv: the worker's hint `study run /.../xor.toml --trials N --data
    # csv:copy.csv` was refused ("not a spec file"), as was `study run xor --data ...`: no
    # command raised its budget with --data
    import re
    import shlex
    import shutil

    from conftest import spec_file_maker

    folder, db = tmp_path / "m1", tmp_path / "x.db"
    folder.mkdir()
    monkeypatch.chdir(folder)
    _two_blobs(folder / "blobs.csv", 0)
    path = _blobs_spec(spec_file_maker(folder), "xor", "csv:blobs.csv")
    code, _, err = run_cli(["study", "run", "./xor.toml", "--storage", db, "--no-report"],
                           capsys)
    assert code == 0, err
    # nothing stored in another storage: a spec file's --data is refused as clearly
    fresh = tmp_path / "fresh.db"
    code, _, err = run_cli(["study", "run", path, "--storage", fresh, "--data",
                            "csv:blobs.csv"], capsys)
    assert code == 2 and err == (
        "hplab study run: error: --data reads a copy of a stored study's data: no study "
        f"'xor' in sqlite:///{fresh}; run the study without --data first, where its data "
        f"is at {folder / 'blobs.csv'}\n")
    shutil.copy("blobs.csv", "copy.csv")
    Path("blobs.csv").unlink()
    # the spec file without --data names itself for the copy: `study run xor` is the ready spec
    code, _, err = run_cli(["study", "run", "./xor.toml", "--storage", db], capsys)
    assert code == 2 and err == (
        f"hplab study run: error: study.dataset: file not found: {folder / 'blobs.csv'}; give "
        f"this machine's copy of it with `hplab study run {path} --storage sqlite:///{db} "
        "--data NAME`\n")
    code, _, err = run_cli(["study", "worker", "--study", "xor", "--storage", db, "--data",
                            "csv:copy.csv"], capsys)
    assert code == 0, err
    hint = re.search("raise the budget with `hplab (.*?)`", err)[1]
    assert hint == shlex.join(["study", "run", str(path), "--trials", "N", "--storage",
                               str(db), "--data", "csv:copy.csv"])
    code, out, err = run_cli(shlex.split(hint.replace(" N ", " 2 ")) + ["--no-report",
                                                                        "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 2
    # the ready spec xor is another spec: refused as without --data, naming what resumes it
    code, _, err = run_cli(["study", "run", "xor", "--trials", 3, "--storage", db, "--data",
                            "csv:copy.csv", "--no-report"], capsys)
    assert code == 2 and err.startswith(
        f"hplab study run: error: study 'xor' in sqlite:///{db} was created from another "
        "spec (study.dataset, ") and err.endswith(
        f"; `hplab study run {path} --storage sqlite:///{db} --data csv:copy.csv` resumes "
        "it; else change study.name to start a new one\n"), err
    # from another folder the file's csv:blobs.csv reads another path: --data names the
    # copy, so the file is still the study's spec, and the worker's hint says so
    monkeypatch.chdir(tmp_path)
    copy = f"csv:{folder / 'copy.csv'}"
    code, _, err = run_cli(["study", "worker", "--study", "xor", "--storage", db, "--data",
                            copy], capsys)
    assert code == 0 and f"`hplab study run {path} --trials N " in err, err
    code, out, err = run_cli(["study", "run", path, "--trials", 3, "--storage", db, "--data",
                              copy, "--no-report", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 3
    assert [t.state for t in trials_of(db, "xor")] == [TrialState.COMPLETE] * 3
    # a file edited since is another spec than the study's, with --data as without it
    path.write_text(path.read_text().replace("max_epochs = 2", "max_epochs = 3"))
    code, _, err = run_cli(["study", "run", path, "--trials", 4, "--storage", db, "--data",
                            copy, "--no-report"], capsys)
    assert code == 2 and "(study.max_epochs differs)" in err, err
    assert len(trials_of(db, "xor")) == 3


def test_a_spec_read_from_another_folder_is_hinted_to_take_data(tmp_path, monkeypatch,
                                                                capsys):
    # QA: `study run ../sA/blobs.toml` from sB, its csv:blobs.csv found at neither folder,
    # said only "file not found: .../sB/blobs.csv"; from sA the same case named --data:
    # the stored study was compared with the spec's path read from sB
    from conftest import spec_file_maker

    a, b, db = tmp_path / "sA", tmp_path / "sB", tmp_path / "s.db"
    a.mkdir()
    b.mkdir()
    _two_blobs(a / "blobs.csv", 0)
    monkeypatch.chdir(a)
    path = _blobs_spec(spec_file_maker(a), "blobs", "csv:blobs.csv?target=label")
    code, _, err = run_cli(["study", "run", "blobs.toml", "--storage", db, "--no-report"],
                           capsys)
    assert code == 0, err
    (a / "blobs.csv").rename(tmp_path / "copy.csv")
    for folder, spec in ((a, "blobs.toml"), (b, "../sA/blobs.toml")):
        monkeypatch.chdir(folder)
        code, _, err = run_cli(["study", "run", spec, "--trials", 2, "--storage", db,
                                "--no-report"], capsys)
        assert code == 2 and err == (
            f"hplab study run: error: study.dataset: file not found: {folder / 'blobs.csv'}; "
            f"give this machine's copy of it with `hplab study run blobs --storage "
            f"sqlite:///{db} --data NAME`\n")
    # as the hint says, from sB
    code, out, err = run_cli(["study", "run", "blobs", "--trials", 2, "--storage", db,
                              "--data", "csv:../copy.csv?target=label", "--no-report",
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 2
    assert path.exists()


@pytest.mark.slow
def test_a_study_of_a_ready_specs_name_resumes_by_its_name_when_its_spec_file_is_gone(
        tmp_path, monkeypatch, capsys):
    # QA: study 'xor' of a user's xor.toml (csv data), the file not on this machine: the
    # worker's hint `study run xor --trials N --data COPY` read the ready spec xor and was
    # refused ("created from another spec ...; change study.name"), as was `study run xor`
    # without --data: no command resumed it
    import re
    import shlex
    import shutil
    import warnings

    from conftest import spec_file_maker

    folder, db = tmp_path / "m1", tmp_path / "x.db"
    folder.mkdir()
    monkeypatch.chdir(folder)
    _two_blobs(folder / "blobs.csv", 0)
    _blobs_spec(spec_file_maker(folder), "xor", "csv:blobs.csv?target=label")
    code, _, err = run_cli(["study", "run", "./xor.toml", "--storage", db, "--no-report"],
                           capsys)
    assert code == 0, err
    monkeypatch.chdir(tmp_path)
    shutil.move(folder / "blobs.csv", tmp_path / "copy.csv")
    shutil.rmtree(folder)  # another machine: neither the spec file nor the data there
    stored, copy = f"csv:{folder / 'blobs.csv'}?target=label", "csv:copy.csv?target=label"
    code, _, err = run_cli(["study", "worker", "--study", "xor", "--storage", db, "--data",
                            copy], capsys)
    assert code == 0, err
    hint = re.search("raise the budget with `hplab (.*?)`", err)[1]
    assert hint == shlex.join(["study", "run", "xor", "--trials", "N", "--storage", str(db),
                               "--data", copy])
    with pytest.warns(UserWarning) as said:
        code, out, err = run_cli(shlex.split(hint.replace(" N ", " 2 ")) + ["--no-report",
                                                                            "--json"], capsys)
    assert code == 0, err
    (warned,) = [str(w.message) for w in said if "ready spec" in str(w.message)]
    assert warned.startswith(f"study 'xor' in sqlite:///{db} was created from another spec "
                             "than the ready spec xor (study.dataset, ")
    assert warned.endswith("differ): --data resumes it with the spec stored with it")
    assert json.loads(out)["n_complete"] == 2
    assert [t.state for t in trials_of(db, "xor")] == [TrialState.COMPLETE] * 2
    # without --data the ready spec is run, and refused: the refusal names the route
    code, _, err = run_cli(["study", "run", "xor", "--trials", 3, "--storage", db,
                            "--no-report"], capsys)
    again = shlex.join(["hplab", "study", "run", "xor", "--storage", f"sqlite:///{db}",
                        "--data", stored])
    assert code == 2 and err.endswith(
        f"`{again}` resumes it (its --data this machine's copy of the data, if elsewhere); "
        "else change study.name to start a new one\n"), err
    # the data back at its stored path: that command, and a worker's hint without --data
    folder.mkdir()
    shutil.copy(tmp_path / "copy.csv", folder / "blobs.csv")
    code, _, err = run_cli(["study", "worker", "--study", "xor", "--storage", db], capsys)
    assert code == 0, err
    hint = re.search("raise the budget with `hplab (.*?)`", err)[1]
    assert hint == shlex.join(["study", "run", "xor", "--trials", "N", "--storage", str(db),
                               "--data", stored])
    with pytest.warns(UserWarning, match="--data resumes it with the spec stored with it"):
        code, out, err = run_cli([*shlex.split(again)[1:], "--trials", 3, "--no-report",
                                  "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 3
    # the ready spec's own study, resumed with --data: no warning, nothing else read
    other = tmp_path / "ready.db"
    assert run_cli(["study", "run", "xor", "--trials", 1, "--storage", other,
                    "--no-report"], capsys)[0] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # ...but that its median pruner cannot act within a 2-trial budget (said, and true)
        warnings.filterwarnings("ignore", "pruner 'median' judges no trial", UserWarning)
        code, out, err = run_cli(["study", "run", "xor", "--trials", 2, "--storage", other,
                                  "--data", "xor", "--no-report", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_finished"] == 2


def test_a_spec_run_from_another_folder_is_pointed_to_the_stored_data_where_it_still_is(
        tmp_path, monkeypatch, capsys):
    # QA: study 'mine' of s1/mine.toml (csv:data.csv), run again from a sibling folder:
    # "give this machine's copy of it with `hplab study run mine --data NAME`", which left
    # out --storage (refused: no storage at runs/hplab.db), while the data was still at the
    # stored path: only the relative name was read against another folder
    import shlex

    from conftest import spec_file_maker

    s1, s2, db = tmp_path / "s1", tmp_path / "s2", tmp_path / "s5.db"
    s1.mkdir()
    s2.mkdir()
    _two_blobs(s1 / "data.csv", 0)
    monkeypatch.chdir(s1)
    _blobs_spec(spec_file_maker(s1), "mine", "csv:data.csv")
    code, _, err = run_cli(["study", "run", "mine.toml", "--storage", db, "--no-report"],
                           capsys)
    assert code == 0, err
    monkeypatch.chdir(s2)
    code, _, err = run_cli(["study", "run", "../s1/mine.toml", "--storage", db, "--trials", 2,
                            "--no-report"], capsys)
    command = shlex.join(["hplab", "study", "run", "mine", "--storage", f"sqlite:///{db}",
                          "--data", f"csv:{s1 / 'data.csv'}"])
    assert code == 2 and err == (
        f"hplab study run: error: study.dataset: file not found: {s2 / 'data.csv'}; the "
        f"study's data is at {s1 / 'data.csv'}: `{command}` reads it\n")
    # as it says (with the budget raised), it resumes the study
    code, out, err = run_cli(shlex.split(command)[1:] + ["--trials", 2, "--no-report",
                                                          "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 2


def test_a_script_s_copy_of_the_data_is_named_dataset_not_the_cli_flag(spec_file, tmp_path,
                                                                      monkeypatch):
    # QA: run_study(spec, dataset=...) errors told a Python caller about `--data`, a flag
    # it never gave (its fresh=True error said dataset), and a loaded Dataset failed as
    # "--data: dataset name must be a non-empty string, got Dataset"
    import data

    monkeypatch.chdir(tmp_path)
    csv, db = tmp_path / "blobs.csv", tmp_path / "py.db"
    _two_blobs(csv, 0)
    spec = study.load_spec(_blobs_spec(spec_file, "py", f"csv:{csv}"))
    with pytest.raises(study.SpecError, match=(
            "^dataset reads a copy of a stored study's data: no study 'py' in "
            f"sqlite:///{db}; run the study without dataset first")):
        study.run_study(spec, storage=str(db), dataset=f"csv:{csv}", progress=False)
    assert not db.exists()
    for call in (lambda ds: study.run_study(spec, storage=str(db), dataset=ds, progress=False),
                 lambda ds: study.join_study("py", storage=str(db), dataset=ds,
                                             progress=False)):
        with pytest.raises(TypeError, match=r"^dataset must be a dataset name \(a str: "
                                            r"data\.load's name of this machine's copy of the "
                                            r"study's data\) or None, got Dataset$"):
            call(data.load(f"csv:{csv}"))
    assert not db.exists()
    assert study.run_study(spec, storage=str(db), progress=False)["n_complete"] == 1
    _two_blobs(tmp_path / "other.csv", 1)
    with pytest.raises(study.SpecError, match=r"\); dataset must read a copy of the data the "
                                              "study was created on$"):
        study.join_study("py", storage=str(db), dataset=f"csv:{tmp_path / 'other.csv'}",
                         progress=False)
    with pytest.raises(study.SpecError, match="^dataset: "):
        study.join_study("py", storage=str(db), dataset="csv:missing.csv", progress=False)
