"""Plain Optuna beside hplab on one storage: studies it copied, trials it asked and left,
added or enqueued; hplab's runs and workers must neither write into the wrong study nor
train what its spec does not allow, nor wait on them in silence."""

from __future__ import annotations

import json
import time

import optuna
import pytest
from cli_helpers import run_cli, within
from conftest import copy_files, stored_study_files
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend

import study


def _journal(path):
    return JournalStorage(JournalFileBackend(str(path)))


_SHORT = {"n_trials": 2, "pruner": "none", "max_epochs": 8, "heartbeat_interval": 1,
          "grace_period": 2}


@pytest.fixture(scope="module")
def _short_once(tmp_path_factory):
    """The files of the finished study "short" (`short_study`) run once into a SQLite
    file ``short.db`` and once into a journal ``short.log``: {suffix: {file name: bytes}}."""
    return {suffix: stored_study_files(tmp_path_factory, "short", suffix, **_SHORT)
            for suffix in (".db", ".log")}


@pytest.fixture
def short_study(spec_file, tmp_path, _short_once):
    """``short_study(suffix)``: a copy of the finished two-trial study "short" in a
    ``.db`` or ``.log`` file whose stale trials fail within 2 s: (its spec, the file, its
    storage for optuna)."""

    def make(suffix):
        copy_files(tmp_path, _short_once[suffix])
        path = tmp_path / f"short{suffix}"
        return (spec_file("short", **_SHORT), path,
                _journal(path) if suffix == ".log" else f"sqlite:///{path}")

    return make


def _states(name, storage):
    with study._registry.quiet_optuna():
        trials = optuna.load_study(study_name=name, storage=storage).get_trials()
    return [t.state.name for t in trials]


def test_a_copied_study_runs_its_own_trials(spec_file, tmp_path, capsys):
    # QA: `study worker --study COPY` loaded the study named in the stored spec (the
    # origin's) and ran its trials there; a copy in another storage was "no study 'orig'";
    # and `study run` of the spec under the copy's name was refused (study.name differs)
    db, log = tmp_path / "s.db", tmp_path / "m.log"
    spec = study.load_spec(spec_file("orig", n_trials=2, pruner="none", max_epochs=8))
    study.create_or_resume(spec, study.open_storage(study.resolve_storage(str(db)),
                                                    create=True),
                           study.resolve_storage(str(db)))  # its budget, no trial yet
    url = f"sqlite:///{db}"
    with study._registry.quiet_optuna():
        optuna.copy_study(from_study_name="orig", from_storage=url, to_storage=url,
                          to_study_name="branch")
        optuna.copy_study(from_study_name="orig", from_storage=url, to_storage=_journal(log),
                          to_study_name="moved")
    code, out, err = run_cli(["study", "worker", "--study", "branch", "--storage", db,
                              "--json"], capsys)
    assert code == 0, err
    assert (json.loads(out)["study"], json.loads(out)["n_finished"]) == ("branch", 2)
    assert (_states("branch", url), _states("orig", url)) == (["COMPLETE"] * 2, [])
    code, out, err = run_cli(["study", "worker", "--study", "moved", "--storage", log,
                              "--json"], capsys)
    assert code == 0, err
    assert _states("moved", _journal(log)) == ["COMPLETE"] * 2
    # the origin's spec file, under the copy's name (its file's stem): resumes the copy
    branch = spec_file("branch", n_trials=2, pruner="none", max_epochs=8)
    code, out, err = run_cli(["study", "run", branch, "--trials", "3", "--storage", db,
                              "--json", "--no-report"], capsys)
    assert code == 0, err
    assert (_states("branch", url), _states("orig", url)) == (["COMPLETE"] * 3, [])
    # and the copy keeps the spec it now runs, under its own name
    assert study.stored_spec("branch", str(db))[0].name == "branch"


@pytest.mark.parametrize("origin", [".db", ".log"])
def test_a_trial_copied_while_it_ran_is_retried_not_waited_for(short_study, tmp_path, capsys,
                                                                origin):
    # QA: optuna.copy_study of a study whose worker was killed mid-trial copies the RUNNING
    # trial, hplab's record and all, but no heartbeat (a journal has none): optuna never
    # counts it stale, and every run or worker of the copy waited for it, silently, forever
    spec, path, url = short_study(origin)
    with study._registry.quiet_optuna():
        s = optuna.load_study(study_name="short", storage=url)
        dead = s.ask()  # as a killed worker left it: claimed, recorded, never finished
        s._storage.set_trial_user_attr(dead._trial_id, study.RECORD_ATTR,
                                       {"worker": "machine2:123", "run": "x"})
        optuna.copy_study(from_study_name="short", from_storage=s._storage,
                          to_storage=f"sqlite:///{tmp_path / 'c.db'}")
    time.sleep(2.5)  # its start, copied with it, is a grace ago
    # the budget of 3 spent, the copied trial holds the last slot: failed and retried
    with within(90):  # it waited forever: fail instead
        code, out, err = run_cli(["study", "run", spec, "--trials", "3", "--storage", "c.db",
                                  "--json", "--no-report"], capsys)
    assert code == 0, err
    out = json.loads(out)
    assert (out["n_finished"], out["n_retried"], out["n_running"]) == (3, 1, 0)
    assert _states("short", f"sqlite:///{tmp_path / 'c.db'}") == ["COMPLETE"] * 2 + [
        "FAIL", "COMPLETE"]


@pytest.mark.parametrize("storage", [".log", ".db"])
def test_a_trial_another_client_asked_and_left_is_failed_and_retried(short_study, tmp_path,
                                                                     capsys, storage):
    # QA: on a journal, a trial plain Optuna asked and never told held its slot forever:
    # "1 trial still running in another worker ... `hplab study worker` on that machine
    # closes its trial", which closes nothing. It is failed after the grace and its slot
    # run again, as on SQLite; neither says a worker stopped sending heartbeats
    spec, path, url = short_study(storage)
    with study._registry.quiet_optuna():
        asked = optuna.load_study(study_name="short", storage=url).ask()  # and never told
    code, out, err = run_cli(["study", "run", spec, "--trials", "3", "--storage", path,
                              "--json", "--no-report"], capsys)
    assert code == 0, err
    out = json.loads(out)
    assert (out["n_finished"], out["n_retried"], out["n_running"]) == (3, 1, 0)
    assert _states("short", url) == ["COMPLETE"] * 2 + ["FAIL", "COMPLETE"]
    # its retry, #3, has no parameters to run again: a trial sampled anew
    assert [(p["number"], p["reason"]) for p in out["problems"]] == [(
        asked.number, "no worker ever entered it (an hplab worker lost while starting it, or "
        "another Optuna client that never told its end); a new trial, #3, ran its slot")]


@pytest.mark.parametrize("storage", [".db", ".log"])
def test_points_set_on_waiting_trials_are_checked_against_the_space(short_study, tmp_path,
                                                                     capsys, storage):
    # QA: a trial another client asked with its own distributions and left is retried by
    # optuna with its parameters and distributions (hplab trained lr 34.9 where the spec
    # allows 0.05..2), and an add_trial of a WAITING trial trained lr 50 too: enqueued, the
    # same point failed without training, its reason naming the value
    from optuna.distributions import FloatDistribution, IntDistribution

    spec, path, url = short_study(storage)
    with study._registry.quiet_optuna():
        s = optuna.load_study(study_name="short", storage=url)
        asked = s.ask({"lr": FloatDistribution(10, 100, log=True),
                       "width": IntDistribution(20, 30)})  # and never told
        s.add_trial(optuna.create_trial(
            state=optuna.trial.TrialState.WAITING, params={"lr": 50.0, "width": 4},
            distributions={"lr": FloatDistribution(0.001, 100, log=True),
                           "width": IntDistribution(1, 64)}))
    code, out, err = run_cli(["study", "run", spec, "--trials", "3", "--storage", path,
                              "--json", "--no-report"], capsys)
    assert code == 0, err
    lr, width = asked.params["lr"], asked.params["width"]
    assert [(p["number"], p["status"], p["reason"]) for p in json.loads(out)["problems"]] == [
        (2, "retried", "no worker ever entered it (an hplab worker lost while starting "
                       "it, or another Optuna client that never told its end); run again as "
                       "#4"),  # its parameters, as asked: run again, and refused
        (3, "error", "lr 50.0 is outside the spec's space 0.05..2"),
        (4, "error", f"lr {lr!r} is outside the spec's space 0.05..2; width {width!r} is "
                     "outside the spec's space 2..6")]
    trials = optuna.load_study(study_name="short", storage=url).get_trials()
    assert trials[4].system_attrs["retry_history"] == [2]
    assert [t.state.name for t in trials[3:]] == ["FAIL", "FAIL"]
    assert all("epochs" not in study.trial_info(t) for t in trials[3:])  # never trained


@pytest.mark.parametrize("storage", [".db", ".log"])
def test_enqueued_names_the_space_does_not_search_fail_and_say_why(short_study, capsys,
                                                                   storage):
    # QA: a typo, a [fixed] key or another name in an enqueued point was dropped without a
    # word, and the trial trained with a sampled (or the fixed) value in its place
    spec, path, url = short_study(storage)
    with study._registry.quiet_optuna():
        s = optuna.load_study(study_name="short", storage=url)
        for point in ({"lr": 0.5, "width": 3, "activaton": "sigmoid"},
                      {"lr": 0.5, "width": 3, "batch_size": 4},
                      {"learning_rate": 0.5, "width": 3},
                      {"lr": 0.5, "width_0": 3},  # a per-layer name; this space shares one
                      {"lr": 0.5, "width": 3}):
            s.enqueue_trial(point)
    code, out, err = run_cli(["study", "run", spec, "--storage", path, "--json",
                              "--no-report"], capsys)
    assert code == 0, err
    space = "(its [space]: lr, width)"
    assert [(p["number"], p["status"], p["reason"]) for p in json.loads(out)["problems"]] == [
        (2, "error", f"activaton is not searched by the spec {space}"),
        (3, "error", "batch_size is not searched: the spec's [fixed] sets it to 2"),
        (4, "error", f"learning_rate is not searched by the spec {space}"),
        (5, "error", f"width_0 is not searched by the spec {space}")]
    trials = optuna.load_study(study_name="short", storage=url).get_trials()
    assert [t.state.name for t in trials[2:]] == ["FAIL"] * 4 + ["COMPLETE"]
    assert [t.params for t in trials[2:6]] == [{}] * 4  # never trained
    assert trials[6].params == {"lr": 0.5, "width": 3}


def test_a_left_trial_with_a_user_attribute_worker_is_not_taken_for_hplabs(short_study,
                                                                           tmp_path, capsys):
    # a trial another client asked on a journal, with a plain user attribute `worker` of
    # its own (a stamped study reads no flat layout), was taken for an hplab worker's:
    # never failed after the grace, the run waited for it forever
    spec, path, url = short_study(".log")
    with study._registry.quiet_optuna():
        asked = optuna.load_study(study_name="short", storage=url).ask()
        asked.set_user_attr("worker", "gpu-node-1")  # and never told
    with within(90):  # it waited forever: fail instead
        code, out, err = run_cli(["study", "run", spec, "--trials", "3", "--storage", path,
                                  "--json", "--no-report"], capsys)
    assert code == 0, err
    out = json.loads(out)
    assert (out["n_finished"], out["n_retried"], out["n_running"]) == (3, 1, 0)
    assert _states("short", url) == ["COMPLETE"] * 2 + ["FAIL", "COMPLETE"]
