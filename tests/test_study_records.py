"""Other programs' trials in hplab's studies: hplab takes as its own only those whose record
it wrote in this very study, and shows, reports and exports the others as they are."""

from __future__ import annotations

import json
import sqlite3
import time

import optuna
import pandas as pd
import pytest
from cli_helpers import hplab_process, run_cli, undocumented_keys
from conftest import run_tiny_study
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

import reports
import study

SPACE = {"lr": {"low": 0.05, "high": 2.0, "log": True}, "width": {"low": 2, "high": 6}}
DISTRIBUTIONS = {"lr": FloatDistribution(0.05, 2.0, log=True), "width": IntDistribution(2, 6)}


def _load(storage, name):
    if str(storage).endswith(".log"):
        from optuna.storages import JournalStorage
        from optuna.storages.journal import JournalFileBackend

        return optuna.load_study(study_name=name,
                                 storage=JournalStorage(JournalFileBackend(str(storage))))
    return optuna.load_study(study_name=name, storage=f"sqlite:///{storage}")


@pytest.mark.slow
@pytest.mark.parametrize("file", [".db", ".log"])
def test_trials_copied_from_another_study_are_not_retrained_as_its_own(
        spec_file, tiny_study, tmp_path, parse_html, file):
    # QA: new.add_trials(old.trials), optuna's warm start: the report "retrained" old's best
    # trial with new's spec and seed, saved that as best_model and blamed the score gap
    # on "different BLAS threads"
    storage = tiny_study(file)  # holding the old study, "tiny"
    run_tiny_study(spec_file, storage, "new", n_trials=1, max_epochs=2, seed=1)
    old, new = _load(storage, "tiny"), _load(storage, "new")
    new.add_trials(old.trials)
    best = new.best_trial.number
    assert best >= 1 and new.best_value == old.best_value  # one of old's
    out = tmp_path / "rep"
    path = reports.study_report("new", storage=str(storage), out=out)
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert (f"Best trial: #{best} It was copied from another study (its record names the "
            "study hplab ran it in), which trained it with that study's spec and seed, so "
            "it is not retrained and no model is saved.") in text
    assert not (out / "best_model").exists()
    assert "retrained run scored" not in text and "BLAS threads" not in text
    created = new.user_attrs[study.CREATED_ATTR]
    assert not study.run_by_hplab(new.best_trial, created)
    assert study.copied_from_another_study(new.best_trial, created)
    assert study.run_by_hplab(new.trials[0], created)  # its own, run in it
    # in the study it ran in, the same trial is retrained as ever
    path = reports.study_report("tiny", storage=str(storage), out=tmp_path / "old")
    assert (tmp_path / "old" / "best_model" / "model.npz").is_file()
    assert "Retrained from its configuration, seeded by the study&#39;s seed 0 and its trial " \
        "number " in path.read_text()


@pytest.mark.slow
def test_another_programs_user_attributes_are_not_read_as_hplabs(tiny_study, tmp_path,
                                                                  capsys, parse_html):
    # QA: a trial told by another client with user attributes worker/status/reason was
    # "retrained" as the best one from a config filled with defaults, counted as an error
    # under "0 failed", and export dropped its own "history"
    db = tiny_study(".db")
    s = _load(db, "tiny")
    t = s.ask(DISTRIBUTIONS)
    for key, value in {"worker": "gpu-node-1", "status": "error", "reason": "my note",
                       "history": [1, 2]}.items():
        t.set_user_attr(key, value)
    s.tell(t, 0.0001)
    code, out, err = run_cli(["study", "show", "tiny", "--storage", db, "--json"], capsys)
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["n_complete"], shown["n_error"], shown["problems"]) == (3, 0, [])
    assert shown["best_trial"] == 2
    code, out, err = run_cli(["study", "show", "tiny", "--storage", db], capsys)
    assert "(0 errors," in out and "my note" not in out, out
    csv = tmp_path / "mix.csv"
    assert run_cli(["study", "export", "tiny", "--csv", csv, "--storage", db], capsys)[0] == 0
    table = pd.read_csv(csv).set_index("number")
    assert table.loc[2, "user_attrs_history"] == "[1, 2]"  # its own, kept
    assert table.loc[2, "user_attrs_worker"] == "gpu-node-1"
    assert table.loc[0, "user_attrs_status"] == "max_epochs"  # hplab's record, spread
    out_dir = tmp_path / "rep"
    path = reports.study_report("tiny", storage=str(db), out=out_dir)
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert "Best trial: #2 It was added to the study from outside hplab" in text
    assert not (out_dir / "best_model").exists()
    trials = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    assert (trials.loc[2, "status"], trials.loc[2, "worker"]) == ("complete", "?")
    outcomes = pd.read_csv(path.parent / "report_files" / "outcomes.csv")
    assert outcomes.to_dict("list") == {"outcome": ["complete"], "trials": [3]}


@pytest.mark.slow
@pytest.mark.parametrize("own", ["baseline from paper", {"status": "baseline", "source": "x"}])
def test_an_enqueued_points_own_record_attribute_is_kept(spec_file, tiny_study, tmp_path,
                                                        capsys, own):
    # QA: enqueue_trial(..., user_attrs={"record": "baseline from paper"}): hplab wrote its
    # record over the user's value without a word. Review: and still did over a dict of
    # the program's own with a "status" key
    db = tiny_study(".db")
    s = _load(db, "tiny")
    s.enqueue_trial({"lr": 0.5, "width": 3}, user_attrs={"record": own, "source": "paper"})
    run_tiny_study(spec_file, db, "tiny", space=SPACE)
    t = s.trials[2]
    assert t.state.name == "COMPLETE" and t.params == {"lr": 0.5, "width": 3}
    assert t.user_attrs["record"] == own
    assert t.user_attrs["source"] == "paper"
    record = t.user_attrs[study.SPARE_RECORD_ATTR]
    assert record["status"] == "max_epochs" and record["epochs"] == 8
    assert study.trial_info(t, flat=False) == record
    assert study.run_by_hplab(t, s.user_attrs[study.CREATED_ATTR])
    csv = tmp_path / "enq.csv"
    assert run_cli(["study", "export", "tiny", "--csv", csv, "--storage", db], capsys)[0] == 0
    table = pd.read_csv(csv).set_index("number")
    if own == "baseline from paper":
        assert table.loc[2, "user_attrs_record"] == own
    else:
        assert table.loc[2, "user_attrs_record_status"] == "baseline"
    assert table.loc[2, "user_attrs_status"] == "max_epochs"
    assert "user_attrs_hplab_record" not in table


def test_an_enqueued_points_own_attributes_named_as_the_records_keys_are_exported(
        spec_file, tiny_study, tmp_path, capsys):
    # QA (optinterop): enqueue_trial(..., user_attrs={"status": "baseline", ...}) ran by
    # hplab: export wrote hplab's record over the user's own attributes of the same names
    # (user_attrs_status "max_epochs", the user's "baseline" in no column)
    db = tiny_study(".db")
    s = _load(db, "tiny")
    mine = {"status": "baseline", "reason": "from the paper", "worker": "me",
            "epochs": "many", "own_status": "kept too", "source": "paper",
            "val": {"loss": "mine", "note": "n"}}  # spread as val_loss: the record's
    s.enqueue_trial({"lr": 0.5, "width": 3}, user_attrs=mine)
    run_tiny_study(spec_file, db, "tiny", space=SPACE)
    t = s.trials[2]
    assert t.state.name == "COMPLETE" and t.params == {"lr": 0.5, "width": 3}
    assert {k: t.user_attrs[k] for k in mine} == mine  # stored as given
    csv = tmp_path / "own.csv"
    assert run_cli(["study", "export", "tiny", "--csv", csv, "--storage", db], capsys)[0] == 0
    table = pd.read_csv(csv).set_index("number")
    row = table.loc[2]
    # hplab's record where it always is, for every trial it ran
    assert (row["user_attrs_status"], row["user_attrs_epochs"]) == ("max_epochs", 8)
    assert row["user_attrs_worker"] == study.trial_info(t, flat=False)["worker"]
    assert row["user_attrs_reason"] == "reached max_epochs=8"
    assert table.loc[0, "user_attrs_status"] == "max_epochs"
    # and each of the user's beside it
    assert (row["user_attrs_own_reason"], row["user_attrs_own_worker"],
            row["user_attrs_own_epochs"], row["user_attrs_source"]) == (
        "from the paper", "me", "many", "paper")
    # an own_ name the user took keeps it: "status" moves one own_ further
    assert (row["user_attrs_own_status"], row["user_attrs_own_own_status"]) == (
        "kept too", "baseline")
    assert table["user_attrs_own_reason"].isna().tolist() == [True, True, False]
    assert (row["user_attrs_own_val_loss"], row["user_attrs_own_val_note"]) == ("mine", "n")
    assert row["user_attrs_val_loss"] == pytest.approx(study.trial_info(t)["val_loss"])


@pytest.mark.parametrize("stamped", [False, True])
def test_the_flat_layout_is_read_only_in_studies_made_before_the_stamp(spec_file, tmp_path,
                                                                       stamped):
    # earlier versions stored a key per user attribute; a study made since (stamped
    # hplab_created) holds such attributes only from other programs
    db = tmp_path / "old.db"
    where = study.resolve_storage(str(db))
    spec = study.load_spec(spec_file("old", n_trials=2, pruner="none"))
    study.create_or_resume(spec, study.open_storage(where, create=True), where)
    if not stamped:
        with sqlite3.connect(db) as con:
            con.execute("DELETE FROM study_user_attributes WHERE key = ?",
                        (study.CREATED_ATTR,))
    s = _load(db, "old")
    s.add_trial(optuna.create_trial(
        state=optuna.trial.TrialState.PRUNED, params={"lr": 0.5, "width": 3},
        distributions=DISTRIBUTIONS, user_attrs={
            "worker": "host:1", "run": "abc", "status": "diverged",
            "reason": "train loss 306 exceeded 10x its first value"}))
    shown = study.show_study("old", str(db))
    assert shown["n_diverged"] == (0 if stamped else 1)
    assert [p["number"] for p in shown["problems"]] == ([] if stamped else [0])
    trial = s.trials[0]
    created = s.user_attrs.get(study.CREATED_ATTR)
    assert study.flat_layout(created) is not stamped
    assert study.run_by_hplab(trial, created) is not stamped


def test_export_writes_a_float_another_program_stored_under_an_integer_name(tiny_study,
                                                                              tmp_path, capsys):
    # QA: a journal took a foreign trial's width 2.5 (a float distribution); export crashed
    # with "TypeError: cannot safely cast non-equivalent float64 to int64" and a traceback
    log = tiny_study(".log")
    _load(log, "tiny").add_trial(optuna.create_trial(
        params={"lr": 0.1, "width": 2.5, "tag": "x"}, value=0.2, distributions={
            "lr": FloatDistribution(0.05, 2.0, log=True), "width": FloatDistribution(1, 8),
            "tag": CategoricalDistribution(["x", "y"])}))
    csv = tmp_path / "mixed.csv"
    code, out, err = run_cli(["study", "export", "tiny", "--csv", csv, "--storage", log],
                             capsys)
    assert (code, err) == (0, "")
    table = pd.read_csv(csv).set_index("number")
    widths = [study.trial_info(t)["hidden"][0] for t in _load(log, "tiny").trials[:2]]
    assert list(table["params_width"]) == [*widths, 2.5]  # left as floats: one is not whole
    assert table.loc[2, "params_tag"] == "x"


def _told_mid_trial(spec_file, tmp_path, *args, **kwargs):
    """A one-trial study "told" in ``tmp_path/s.db`` whose trial another client ends with
    ``tell(0, *args, **kwargs)`` while hplab's worker trains it; the study, as optuna's."""
    db = tmp_path / "s.db"
    spec = spec_file("told", n_trials=1, max_epochs=1_000_000, metric="val_accuracy")
    where = study.resolve_storage(str(db))
    study.create_or_resume(study.load_spec(spec), study.open_storage(where, create=True), where)
    s = _load(db, "told")
    run = hplab_process("study", "run", spec, "--storage", db, "--no-report", cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        while not [t for t in s.get_trials(states=(optuna.trial.TrialState.RUNNING,))
                   if study.trial_info(t).get("worker")]:
            assert time.monotonic() < deadline and run.poll() is None, run.stderr.read()
            time.sleep(0.1)
        s.tell(0, *args, **kwargs)  # its worker alive, training
        assert run.wait(timeout=120) == 0, run.stderr.read()
    finally:
        run.kill()
        run.communicate()
    return s


@pytest.mark.slow
def test_trials_another_program_failed_are_not_said_to_have_lost_their_worker(
        spec_file, tmp_path, capsys):
    # QA: a trial told FAIL by another client while its worker was alive and heartbeating,
    # and trials an ask/tell script failed, were all "its worker stopped (no heartbeat)"
    db = tmp_path / "s.db"
    s = _told_mid_trial(spec_file, tmp_path, state=optuna.trial.TrialState.FAIL)
    t = s.ask()
    s.tell(t, state=optuna.trial.TrialState.FAIL)  # a script's own failure
    t = s.ask()
    with pytest.warns(UserWarning, match="did not match the number of the objectives"):
        s.tell(t, [1.0, 2.0])  # two values to a single objective: optuna fails it
    assert [t.state.name for t in s.trials] == ["FAIL"] * 3
    code, out, err = run_cli(["study", "show", "told", "--storage", db, "--json"], capsys)
    assert code == 0, err
    reasons = ["failed by another program while hplab ran it; no reason recorded",
               "failed by another program; no reason recorded",
               "failed by another program; no reason recorded"]
    assert [(p["number"], p["status"], p["reason"]) for p in json.loads(out)["problems"]] \
        == [(0, "fail", reasons[0]), (1, "fail", reasons[1]), (2, "fail", reasons[2])]
    code, out, err = run_cli(["study", "show", "told", "--storage", db], capsys)
    assert f"  #1 fail: {reasons[1]}" in out.splitlines()
    path = reports.study_report("told", storage=str(db), out=tmp_path / "rep")
    table = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    assert list(table["reason"]) == reasons
    assert "no heartbeat" not in path.read_text()
    exported = pd.read_csv(study.export_csv("told", tmp_path / "told.csv", storage=str(db)))
    assert list(exported["reason"]) == reasons  # the export says what the report does


@pytest.mark.slow
def test_a_trial_another_program_told_pruned_mid_training_says_so(spec_file, tmp_path,
                                                                  capsys):
    # QA (optinterop): `optuna tell --state pruned` on a trial hplab was training: its
    # reason was blank in the export and the report, as for one hplab's pruner stopped
    s = _told_mid_trial(spec_file, tmp_path, state=optuna.trial.TrialState.PRUNED)
    assert s.trials[0].state.name == "PRUNED"
    db = tmp_path / "s.db"
    why = "pruned by another program while hplab ran it; no reason recorded"
    exported = pd.read_csv(study.export_csv("told", tmp_path / "told.csv", storage=str(db)))
    assert list(exported["reason"]) == [why]
    path = reports.study_report("told", storage=str(db), out=tmp_path / "rep")
    table = pd.read_csv(path.parent / "report_files" / "trials.csv")
    assert list(table["reason"]) == [why]
    code, out, err = run_cli(["study", "show", "told", "--storage", db, "--json"], capsys)
    assert code == 0 and json.loads(out)["n_pruned"] == 1, err


@pytest.mark.slow
def test_a_best_trial_another_program_told_complete_is_not_retrained(spec_file, tmp_path,
                                                                     parse_html):
    # QA (optinterop): `optuna tell --values 0.99` on a trial hplab was training: the run
    # dropped its own result, but the report retrained the trial as the best, set 0.46
    # against 0.99 and blamed "different BLAS threads or library versions"
    s = _told_mid_trial(spec_file, tmp_path, 0.99)
    db = tmp_path / "s.db"
    t = s.trials[0]
    assert (t.state.name, t.value) == ("COMPLETE", 0.99)
    assert "worker" in study.trial_info(t) and "status" not in study.trial_info(t)
    out = tmp_path / "rep"
    path = reports.study_report("told", storage=str(db), out=out)
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("Best trial: #0 It was ended by another program (optuna tell, or another Optuna "
            "client) while hplab trained it, and hplab dropped its own result: its value is "
            "that program's, not the training's, so it is not retrained and no model is "
            "saved.") in text
    assert "retrained run scored" not in text and "BLAS threads" not in text
    assert not (out / "best_model").exists()


@pytest.mark.slow
def test_study_show_says_a_best_value_another_program_told_is_not_the_trainings(
        spec_file, tmp_path, capsys):
    # `optuna tell --values 0.99` on a trial hplab was training: the report says so, but
    # `study show` printed "best trial #0: 0.99" as if the training had scored it
    s = _told_mid_trial(spec_file, tmp_path, 0.99)
    db = tmp_path / "s.db"
    code, out, err = run_cli(["study", "show", "told", "--storage", db], capsys)
    assert code == 0, err
    best = [line for line in out.splitlines() if line.startswith("best trial")]
    params = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                       for k, v in s.best_params.items())
    assert best == [f"best trial #0: 0.99  {params}  (value told by another program while "
                    "hplab trained it)"]
    code, out, err = run_cli(["study", "show", "told", "--storage", db, "--json"], capsys)
    summary = json.loads(out)  # its value as it was, and a key of its own that says so
    assert code == 0 and (summary["best_trial"], summary["best_value"],
                          summary["best_told_while_running"]) == (0, 0.99, True), err
    assert "another program" not in out
    assert undocumented_keys("study show", summary) == []


@pytest.mark.slow
@pytest.mark.parametrize("metric, renamed", [
    ("val_loss", ["val_accuracy"]),
    (["val_loss", "n_parameters"], ["n_parameters", "val_loss"]),  # swapped
])
def test_metric_names_another_client_set_do_not_relabel_the_values(spec_file, tmp_path,
                                                                    capsys, metric, renamed):
    # QA: set_metric_names(["val_accuracy"]) from another client: show said "minimize
    # val_accuracy" and export headed the val_loss values value_val_accuracy
    db = tmp_path / "s.db"
    run_tiny_study(spec_file, db, "named", metric=metric)
    s = _load(db, "named")
    with pytest.warns(optuna.exceptions.ExperimentalWarning):
        s.set_metric_names(renamed)
    metrics = [metric] if isinstance(metric, str) else metric
    code, out, err = run_cli(["study", "show", "named", "--storage", db, "--json"], capsys)
    assert code == 0 and json.loads(out)["metrics"] == metrics, err
    code, out, err = run_cli(["study", "show", "named", "--storage", db], capsys)
    assert out.splitlines()[0].endswith(": minimize " + ", minimize ".join(metrics) + "; no pruner")
    code, out, err = run_cli(["study", "list", "--storage", db, "--json"], capsys)
    assert json.loads(out)[0]["metrics"] == metrics
    csv = tmp_path / "named.csv"
    assert run_cli(["study", "export", "named", "--csv", csv, "--storage", db], capsys)[0] == 0
    table = pd.read_csv(csv)
    if isinstance(metric, str):
        assert "value_val_accuracy" not in table
        assert list(table["value_val_loss"]) == [t.value for t in s.trials]
    else:
        for i, name in enumerate(metric):
            assert list(table[f"values_{name}"]) == [t.values[i] for t in s.trials]


@pytest.mark.slow
def test_a_queued_point_is_shown_and_keeps_the_study_from_being_called_complete(
        spec_file, tiny_study, tmp_path, capsys, parse_html):
    # QA: a point enqueued in a finished study: show's text never mentioned it, the report's
    # badge said "complete" and its table gave the queued values as "–"
    log = tiny_study(".log")
    _load(log, "tiny").enqueue_trial({"lr": 0.7, "width": 2})
    code, out, err = run_cli(["study", "show", "tiny", "--storage", log], capsys)
    lines = out.splitlines()
    assert lines[1].endswith(" 0 failed (0 errors, 0 retried, 0 interrupted), 1 queued")
    # the point told from a retry, with the line that runs it (study show knows the storage)
    assert lines[2] == (f"1 queued point waiting: `hplab study run tiny --storage {log}` runs "
                        "it first, even with the budget spent")
    path = reports.study_report("tiny", storage=str(log), out=tmp_path / "rep")
    assert reports.read_report_info(path).status == "queued"
    text = " ".join(parse_html(path.read_text()).all_text.split())
    # QA: the report said "1 queued (enqueued, or a retry)" where show tells them apart
    assert ("2 complete, 0 pruned (0 of them diverged), 0 failed, 1 queued point waiting, "
            "which the next study run or worker runs first, even with the budget spent."
            ) in text
    table = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    assert (table.loc[2, "state"], table.loc[2, "param_lr"], table.loc[2, "param_width"]) \
        == ("waiting", 0.7, 2)
    run_tiny_study(spec_file, log, "tiny", space=SPACE)  # runs it, the budget spent as it is
    code, out, err = run_cli(["study", "show", "tiny", "--storage", log], capsys)
    assert out.splitlines()[1] == ("trials 3 (budget 2): 3 complete, 0 pruned (0 diverged), "
                                   "0 failed (0 errors, 0 retried, 0 interrupted)")
    path = reports.study_report("tiny", storage=str(log), out=tmp_path / "rep")
    assert reports.read_report_info(path).status == "complete"


def test_a_trial_no_worker_entered_is_not_blamed_on_another_client():
    # review: a trial an hplab worker left when killed between optuna's ask() and the
    # objective's first line has no record, as another client's untold trial has none:
    # show and report said "another Optuna client started it", sending the user after a
    # program that never existed. Neither is named as the one
    from study._summary import _problems
    from study._worker_closing import fail_never_entered

    with study._registry.quiet_optuna():
        s = optuna.create_study(storage=optuna.storages.InMemoryStorage())
        s.set_user_attr(study.CREATED_ATTR, "2026-12-02T10:00:00+00:00 abcd1234")
        s.ask()  # what a worker killed before its objective leaves
        retry = optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=2)
        fail_never_entered(s, s.get_trials(deepcopy=False), 0.0, retry)  # grace over
    trials = s.get_trials()
    never = ("no worker ever entered it (an hplab worker lost while starting it, or another "
             "Optuna client that never told its end)")
    assert _problems(trials, s.user_attrs[study.CREATED_ATTR], heartbeats=False,
                     max_retry=2) == [{"number": 0, "state": "fail", "status": "retried",
                                       "reason": f"{never}; a new trial, #1, ran its "
                                                 "slot"}]
    assert study.unexplained_fail(trials[0], retried=True, heartbeats=False, max_retry=2,
                                  flat=False) == never
    with study._registry.quiet_optuna():  # the retry's retries spent, it too failed unheard
        s.tell(s.ask(), state=optuna.trial.TrialState.FAIL)
    spent = s.get_trials()[1]
    assert spent.system_attrs["retry_history"] == [0]
    assert study.unexplained_fail(spent, retried=False, heartbeats=False, max_retry=1,
                                  flat=False) == (f"failed by another program, or {never} past "
                                                  "the grace period; no reason recorded")


def test_another_programs_record_dict_is_not_hplabs_and_a_rewrite_keeps_to_the_owner(tmp_path):
    # review: any dict "record" with a "status" or "worker" key was taken for hplab's (and
    # written over); closing a stopped trial spread all its user attributes, another
    # program's own "record" among them, into hplab's record
    from study._record import STUDY_KEY, hplab_record, record_attr
    from study._worker_closing import close_stopped_trial

    db = tmp_path / "o.db"
    with study._registry.quiet_optuna():
        s = optuna.create_study(study_name="o", storage=f"sqlite:///{db}")
        s.enqueue_trial({"lr": 0.5}, user_attrs={"record": {"status": "baseline",
                                                            "source": "paper"}})
        s.enqueue_trial({"lr": 0.6}, user_attrs={"record": {"worker": "mine"},
                                                 "note": "a program's own"})
        s.ask(), s.ask()
    first, second = s.get_trials()
    for t in (first, second):
        assert record_attr(t) == study.SPARE_RECORD_ATTR
        assert hplab_record(t) is None and study.trial_info(t, flat=False) == {}
        assert not study.run_by_hplab(t, None)
    where = study.resolve_storage(str(db))
    owner = {"worker": "host:1:2", "run": "r1", STUDY_KEY: None}
    close_stopped_trial(s._storage, where, first, OSError("disk full"), owner)
    t = s._storage.get_trial(first._trial_id)
    assert t.state.name == "FAIL"
    assert t.user_attrs["record"] == {"status": "baseline", "source": "paper"}
    assert t.user_attrs[study.SPARE_RECORD_ATTR] == {
        **owner, "status": "interrupted",
        "reason": t.user_attrs[study.SPARE_RECORD_ATTR]["reason"]}
    assert t.user_attrs[study.SPARE_RECORD_ATTR]["reason"].startswith("its storage failed")
    assert study.trial_status(t, flat=False) == "interrupted"


def test_budget_and_reruns_do_not_read_another_programs_attributes_in_a_stamped_study():
    # review: state_counts and the report had stopped reading the flat layout in a study
    # stamped since, but the budget and the grid/QMC requeue had not: another program's
    # FAIL trial whose own attributes said status "interrupted" freed its slot (one hplab
    # trial too many ran, show's counts did not add up) and was run again as hplab's; a
    # RUNNING one whose attribute "worker" named a dead local process was closed as hplab's
    import socket
    import subprocess
    import sys

    from study._budget import _next_action, requeue_interrupted
    from study._worker_closing import close_dead_journal_trials

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with study._registry.quiet_optuna():
        s = optuna.create_study(storage=optuna.storages.InMemoryStorage())
        created = "2026-12-02T10:00:00+00:00 abcd1234"
        s.set_user_attr(study.CREATED_ATTR, created)
        lr = {"lr": FloatDistribution(0.05, 2.0, log=True)}
        s.add_trial(optuna.create_trial(state=optuna.trial.TrialState.FAIL, params={"lr": 0.5},
                                        distributions=lr, user_attrs={"status": "interrupted"}))
        s.add_trial(optuna.create_trial(value=0.3, params={"lr": 0.1}, distributions=lr,
                                        user_attrs={"record": {"worker": "w", "run": "r",
                                                               "study_created": created}}))
    flat = study.flat_layout(created)
    assert not flat
    trials = s.get_trials(deepcopy=False)
    assert study.budget_used(trials, flat=flat) == 2
    shown = study.state_counts(trials, flat=flat)
    assert (shown["n_fail"], shown["n_interrupted"], shown["n_complete"],
            shown["n_finished"]) == (1, 0, 1, 2)
    assert not requeue_interrupted(s, trials, 3, flat=flat)
    assert _next_action(s, 2, False, 30.0, sequence=True)[0] == "done"
    assert len(s.get_trials()) == 2  # nothing queued to run the other program's point
    with study._registry.quiet_optuna():
        running = s.ask()
    running.set_user_attr("worker", f"{socket.gethostname()}:{gone}")
    assert not close_dead_journal_trials(s, s.get_trials(deepcopy=False), flat=flat)
    assert s.get_trials()[2].state.name == "RUNNING"
    assert set(s.get_trials()[2].user_attrs) == {"worker"}  # no record written on it


def test_a_study_of_the_claim_and_record_layout_reads_as_hplabs(tiny_study, tmp_path,
                                                                  parse_html):
    # QA session 77: hplab of 2026-11-28 kept worker and run in a "claim" attribute, the
    # rest in "record". After an upgrade its trials read as another program's: show called
    # an interrupted trial "failed by another program" and counted it, and the report
    # retrained no best model and removed the one saved beside it
    db = tiny_study(".db")
    before = {t.number: study.trial_info(t) for t in _load(db, "tiny").trials}
    with sqlite3.connect(db) as con:  # that version's layout: no stamp, two attributes
        con.execute("DELETE FROM study_user_attributes WHERE key = ?", (study.CREATED_ATTR,))
        for trial_id, value in con.execute("SELECT trial_id, value_json FROM "
                                           "trial_user_attributes WHERE key = 'record'"):
            record = json.loads(value)
            claim = {k: record.pop(k) for k in ("worker", "run")}
            for k in ("study_created", "hplab", "hplab_checkout"):
                record.pop(k, None)
            con.execute("UPDATE trial_user_attributes SET value_json = ? WHERE trial_id = ? "
                        "AND key = 'record'", (json.dumps(record), trial_id))
            con.execute("INSERT INTO trial_user_attributes (trial_id, key, value_json) "
                        "VALUES (?, 'claim', ?)", (trial_id, json.dumps(claim)))
    s = _load(db, "tiny")
    s.add_trial(optuna.create_trial(  # interrupted before its claim was written
        state=optuna.trial.TrialState.FAIL, params={"lr": 0.5, "width": 3},
        distributions=DISTRIBUTIONS, user_attrs={
            "record": {"status": "interrupted", "reason": "interrupted by the user"}}))
    for t in s.trials[:2]:
        info = study.trial_info(t)
        assert info["status"] == before[t.number]["status"] == "max_epochs"
        assert info["val_loss"] == before[t.number]["val_loss"] == t.value
        assert (info["worker"], info["run"]) == (before[t.number]["worker"],
                                                 before[t.number]["run"])
        assert study.run_by_hplab(t, None)
    shown = study.show_study("tiny", str(db))
    assert (shown["n_complete"], shown["n_interrupted"], shown["n_fail"]) == (2, 1, 1)
    assert [(p["number"], p["reason"]) for p in shown["problems"]] == [
        (2, "interrupted by the user")]
    out = tmp_path / "rep"
    path = reports.study_report("tiny", storage=str(db), out=out)
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert f"Best trial: #{s.best_trial.number} Retrained from its configuration" in text
    assert "from outside hplab" not in text
    csv = tmp_path / "tiny.csv"
    study.export_csv("tiny", csv, str(db))
    rows = pd.read_csv(csv).set_index("number")
    assert not [c for c in rows.columns if "claim" in c or "record" in c]
    assert rows.loc[0, "user_attrs_val_loss"] == pytest.approx(before[0]["val_loss"])
    assert rows.loc[0, "user_attrs_worker"] == before[0]["worker"]
    assert rows.loc[2, "user_attrs_status"] == "interrupted"
    saved = json.loads((out / "best_model" / "config.json").read_text())
    assert saved["val_loss"] == pytest.approx(s.best_value)  # retrained to the same loss
