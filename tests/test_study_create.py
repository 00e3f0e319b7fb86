"""Creating a study, or joining one being created: the creator's spec stored first, the
wait for it, an empty spec-less study taken over."""

from __future__ import annotations

import json
import time
from pathlib import Path

import optuna
import pytest
from cli_helpers import run_cli
from conftest import trials_of

import study
from study._spec_diff import first_difference


def _spec_stored_late(db: Path, raw: dict, monkeypatch, *, on_call: str):
    """A study of ``raw``'s name that exists without its spec until 0.3 s after hplab's
    ``optuna.<on_call>`` first runs: the window between a creating run's create_study and
    its storing the spec, held open. Returns the thread that stores it (join it)."""
    import threading

    name, url = raw["study"]["name"], f"sqlite:///{db}"
    created = optuna.create_study(study_name=name, storage=url)  # the creator, cut short
    reached = threading.Event()
    real = getattr(optuna, on_call)

    def spy(*args, **kwargs):
        reached.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(optuna, on_call, spy)

    def creator_goes_on():
        reached.wait(30)
        time.sleep(0.3)
        created.set_user_attr(study.SPEC_ATTR, raw)

    thread = threading.Thread(target=creator_goes_on)
    thread.start()
    return thread


@pytest.mark.parametrize("init, code", [("he", 2), ("xavier", 0)])
def test_a_run_racing_another_to_create_a_study_waits_for_its_spec(spec_file, tmp_path, capsys,
                                                                  monkeypatch, init, code):
    # the loser of create_study came before the creator stored its spec: it skipped the
    # check, wrote its own spec over the creator's, and both trained into one study
    db = tmp_path / "race.db"
    first = study.load_spec(spec_file("race", n_trials=1, pruner="none", max_epochs=2))
    second = spec_file("race", n_trials=1, pruner="none", max_epochs=2,
                       fixed={"batch_size": 2, "checkpoint": 4, "init": init})
    thread = _spec_stored_late(db, first.raw, monkeypatch, on_call="create_study")
    try:
        got, out, err = run_cli(["study", "run", second, "--storage", db, "--no-report",
                                 "--json"], capsys)
    finally:
        thread.join()
    assert got == code
    stored = optuna.load_study(study_name="race", storage=f"sqlite:///{db}")
    assert first_difference(study.parse_spec(stored.user_attrs[study.SPEC_ATTR]), first) is None
    if code:
        # the creator's file stored none: the study's name resumes it with its spec
        assert err == (f"hplab study run: error: study 'race' in sqlite:///{db} was created from "
                       "another spec (fixed.init differs); `hplab study run race --storage "
                       f"sqlite:///{db}` resumes it with the spec stored with it; else change "
                       "study.name to start a new one\n")
        assert stored.trials == []
    else:  # the same spec joins the study being created
        assert json.loads(out)["n_finished"] == 1 and len(stored.trials) == 1


@pytest.mark.slow
def test_a_worker_joining_a_study_being_created_waits_for_it(spec_file, tmp_path, capsys,
                                                           monkeypatch):
    # `study worker` started with `study run` said the study "was not made by hplab"
    db = tmp_path / "join.db"
    spec = study.load_spec(spec_file("join", n_trials=2, pruner="none", max_epochs=2))
    thread = _spec_stored_late(db, spec.raw, monkeypatch, on_call="load_study")
    try:
        got, out, err = run_cli(["study", "worker", "--study", "join", "--storage", db,
                                 "--json"], capsys)
    finally:
        thread.join()
    assert got == 0, err
    assert json.loads(out)["n_finished"] == 2
    # an empty study that never gets a spec (its run killed before storing it): a worker
    # has nothing to run and says what will; a run takes it over (both said "was not
    # made by hplab", and the name could never be used again)
    optuna.create_study(study_name="bare", storage=f"sqlite:///{db}").set_metric_names(["mine"])
    monkeypatch.setattr(study._stored_spec, "SPEC_WAIT", 0.3)
    got, _, err = run_cli(["study", "worker", "--study", "bare", "--storage", db], capsys)
    assert got == 2
    assert err == ("hplab study worker: error: "
                   f"study 'bare' in sqlite:///{db} is empty and keeps no "
                   "spec (a run creating it was stopped before storing one, or another "
                   "program made it): `hplab study run` of a spec optimizing its directions "
                   "takes it over\n")
    got, out, err = run_cli(["study", "run", spec_file("bare", n_trials=1), "--storage", db,
                             "--no-report", "--json"], capsys)
    assert got == 0, err
    assert json.loads(out)["n_finished"] == 1
    assert study.stored_spec("bare", study.resolve_storage(str(db)))[0].n_trials == 1
    assert study.stored_spec("bare", str(db))[0].n_trials == 1  # a path as where: no
    # AttributeError ('str' object has no attribute 'path')
    # with its own metric's name (show and export named the other program's)
    assert optuna.load_study(study_name="bare", storage=f"sqlite:///{db}").metric_names \
        == list(study.stored_spec("bare", study.resolve_storage(str(db)))[0].metrics)
    # ...as a new study: its trial 0 draws what a new study's trial 0 does
    fresh = tmp_path / "fresh.db"
    assert run_cli(["study", "run", spec_file("bare", n_trials=1), "--storage", fresh,
                    "--no-report"], capsys)[0] == 0
    assert trials_of(db, "bare")[0].params == trials_of(fresh, "bare")[0].params
    # one it refuses (other directions) keeps nothing of the run: it took the spec first
    optuna.create_study(study_name="max", storage=f"sqlite:///{db}", direction="maximize")
    got, _, err = run_cli(["study", "run", spec_file("max", n_trials=1, metric="val_loss"),
                           "--storage", db], capsys)
    # both named (it said "optimizes other directions" alone)
    assert got == 2 and err == (f"hplab study run: error: study 'max' in sqlite:///{db} "
                                "optimizes other directions (maximize) than the spec "
                                "(minimize val_loss); change study.name to start a new one\n")
    assert optuna.load_study(study_name="max", storage=f"sqlite:///{db}").user_attrs == {}
    # another program's study of two named metrics: each direction with its metric
    two = optuna.create_study(study_name="two", storage=f"sqlite:///{db}",
                              directions=["maximize", "minimize"])
    two.set_metric_names(["acc", "size"])
    got, _, err = run_cli(["study", "run", spec_file("two", n_trials=1, metric="val_loss"),
                           "--storage", db], capsys)
    assert got == 2 and "optimizes other directions (maximize acc, minimize size) than the " \
        "spec (minimize val_loss); " in err
    # one with trials but no spec is another program's: refused, and left as it was
    other = optuna.create_study(study_name="theirs", storage=f"sqlite:///{db}")
    other.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    got, _, err = run_cli(["study", "run", spec_file("theirs", n_trials=1), "--storage", db],
                          capsys)
    assert got == 2 and err.endswith("was not made by hplab; choose another study.name\n")
    assert len(trials_of(db, "theirs")) == 1


def test_a_study_created_while_a_worker_looked_for_it_is_loaded(spec_file, tmp_path, capsys,
                                                               monkeypatch):
    # missed by the load and listed by the next read: "no study 'late' ...; studies
    # there: late"
    db = tmp_path / "late.db"
    spec = study.load_spec(spec_file("late", n_trials=2, pruner="none", max_epochs=2))
    where = study.resolve_storage(str(db))
    study.create_or_resume(study.load_spec(spec_file("other", n_trials=1)),
                           study.open_storage(where, create=True), where)
    real = optuna.load_study
    missed = []

    def before_the_creator(*args, **kwargs):
        if not missed:  # this load ran just before `study run` created the study
            missed.append(True)
            study.create_or_resume(spec, study.open_storage(where), where)
            raise KeyError("late")
        return real(*args, **kwargs)

    monkeypatch.setattr(optuna, "load_study", before_the_creator)
    got, out, err = run_cli(["study", "worker", "--study", "late", "--storage", db, "--json"],
                            capsys)
    assert got == 0, err
    assert missed and json.loads(out)["n_finished"] == 2
    got, _, err = run_cli(["study", "worker", "--study", "gone", "--storage", db], capsys)
    assert got == 2
    assert err == ("hplab study worker: error: "
                   f"no study 'gone' in sqlite:///{db}; studies there: other, "
                   "late\n")


def test_a_study_that_ran_with_a_spec_now_refused_resumes_from_the_same_file(tmp_path,
                                                                            capsys):
    # QA: he and msra listed as two choices (refused since: one initializer) ran fine
    # yesterday; its own file, and the file without the alias ("another spec"), both
    # refused, so no trial could be added to it
    path = tmp_path / "al.toml"
    path.write_text('[study]\nname = "al"\ndataset = "xor"\nn_trials = 2\nmax_epochs = 4\n'
                    'pruner = "none"\n[space]\ninit = ["he", "msra"]\n'
                    'activation = ["relu", "tanh"]\n')
    db = tmp_path / "al.db"
    study.run_study(study.load_spec(path, strict=False), storage=str(db), progress=False)
    code, out, err = run_cli(["study", "run", path, "--storage", db, "--trials", "3",
                              "--no-report", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 3 and len(trials_of(db, "al")) == 3
    # a new study of that spec is refused as before, and so is the file with another name
    other = tmp_path / "al2.toml"
    other.write_text(path.read_text().replace('"al"', '"al2"'))
    code, out, err = run_cli(["study", "run", other, "--storage", db, "--no-report"], capsys)
    assert code == 2 and err == ("hplab study run: error: space.init lists 'he' and 'msra', one "
                                 "initializer\n")
    assert study.list_studies(str(db))[0]["study"] == "al" and len(
        study.list_studies(str(db))) == 1


@pytest.mark.filterwarnings("ignore:`prior_weight` has been deprecated:FutureWarning")
def test_a_stored_spec_whose_sampler_fails_trials_runs_none_of_them(spec_file, tmp_path,
                                                                    capsys):
    # QA (upgrade): a study an earlier version stored with tpe's prior_weight -1 (refused in
    # new specs since) resumed, and each trial past tpe's startup failed on optuna's
    # "A non-negative value must be specified for prior_weight": 3 error trials, exit 0
    db = tmp_path / "pw.db"
    path = spec_file("pw", n_trials=2, pruner="none", max_epochs=2, sampler="tpe",
                     sampler_options={"n_startup_trials": 2})
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    stored = optuna.load_study(study_name="pw", storage=f"sqlite:///{db}")
    raw = stored.user_attrs[study.SPEC_ATTR]
    raw["sampler"]["prior_weight"] = -1.0  # as the earlier version stored it
    stored.set_user_attr(study.SPEC_ATTR, raw)
    before = json.dumps(stored.user_attrs, sort_keys=True)
    path.write_text(path.read_text() + "prior_weight = -1.0\n")  # its file, run again
    said = ("sampler.prior_weight must be a number >= 0, got -1.0: study 'pw' cannot run "
            "more trials with its stored spec (optuna fails each one its sampler models); "
            "run a corrected spec under a new study.name\n")
    for command in (["study", "run", path, "--trials", 5, "--no-report"],
                    ["study", "worker", "--study", "pw"]):
        code, out, err = run_cli([*command, "--storage", db], capsys)
        assert (code, out) == (2, "") and err.endswith(said), err
    assert [t.state for t in trials_of(db, "pw")] == [optuna.trial.TrialState.COMPLETE] * 2
    # nothing stored changed: the budget of --trials 5 was not raised, no resume recorded
    after = optuna.load_study(study_name="pw", storage=f"sqlite:///{db}").user_attrs
    assert json.dumps(after, sort_keys=True) == before


def test_only_a_failing_number_stops_a_stored_spec():
    # review: a stored prior_weight = true runs (optuna takes it as 1.0, as earlier versions
    # did): only the numbers optuna fails trials on are refused
    from types import SimpleNamespace

    from study._spec_options import check_runnable

    for options in ({"prior_weight": True}, {"prior_weight": 0.0}, {"sigma0": 0.5}, {}):
        check_runnable(SimpleNamespace(name="s", sampler_options=options))
    for options in ({"prior_weight": -1}, {"sigma0": 0}, {"sigma0": -0.5}):
        with pytest.raises(study.SpecError, match="cannot run more trials"):
            check_runnable(SimpleNamespace(name="s", sampler_options=options))


def test_a_refused_spec_names_the_command_that_resumes_the_study_when_its_file_is_gone(
        tmp_path, capsys, monkeypatch):
    # QA: the file that made the study gone, the refusal of an edited copy said only
    # "change study.name to start a new one" (with the file there, it named a command
    # that resumes it); and a file without a name key has no study.name to change
    from conftest import spec_file_maker

    monkeypatch.chdir(tmp_path)
    made = spec_file_maker(tmp_path)("gone", n_trials=1, pruner="none", max_epochs=2)
    assert run_cli(["study", "run", made, "--no-report"], capsys)[0] == 0
    edited = tmp_path / "e" / "gone.toml"
    edited.parent.mkdir()
    # no name key: the file's name gives it
    edited.write_text(made.read_text().replace('name = "gone"\n', "")
                      .replace('pruner = "none"', 'pruner = "none"\nsampler = "random"'))
    made.unlink()
    code, _, err = run_cli(["study", "run", edited, "--no-report"], capsys)
    assert code == 2 and err.endswith(
        "(study.sampler differs); `hplab study run gone` resumes it with the spec stored "
        "with it; else set study.name (or rename the file) to start a new one\n"), err
    code, out, err = run_cli(["study", "run", "gone", "--trials", "2", "--no-report",
                              "--json"], capsys)  # as it says
    assert code == 0 and json.loads(out)["n_finished"] == 2, err


def test_an_edited_spec_refused_from_python_says_what_resumes_it_in_python(tmp_path):
    # QA: a notebook's spec cell edited and run again was refused with CLI advice only
    # ("`hplab study run rep --storage ...` resumes it"); from Python it names the call
    db = tmp_path / "k.db"
    raw = {"study": {"name": "rep", "dataset": "xor", "n_trials": 1, "max_epochs": 2},
           "space": {"lr": {"low": 0.01, "high": 0.1, "log": True}}}
    study.run_study(study.parse_spec(raw), storage=str(db), progress=False)
    raw["space"]["lr"]["high"] = 0.2
    with pytest.raises(study.SpecError) as refused:
        study.run_study(study.parse_spec(raw), storage=str(db), progress=False)
    assert str(refused.value) == (
        f"study 'rep' in sqlite:///{db} was created from another spec (space.lr differs); "
        f"`study.run_study('rep', storage='sqlite:///{db}')` resumes it with the spec stored "
        "with it; else change study.name to start a new one (or run_study(..., fresh=True) "
        "to replace it and its trials)")
    # both calls it names do what it says
    assert study.run_study("rep", storage=f"sqlite:///{db}", progress=False)["n_finished"] == 1
    summary = study.run_study(study.parse_spec(raw), storage=str(db), progress=False,
                              fresh=True)
    assert summary["n_finished"] == 1
    stored = optuna.load_study(study_name="rep", storage=f"sqlite:///{db}")
    assert stored.user_attrs[study.SPEC_ATTR]["space"]["lr"]["high"] == 0.2
