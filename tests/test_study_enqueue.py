"""`hplab study enqueue`: chosen points queued as a study's next trials, each checked
against the study's space as a worker checks it before anything is stored; a spec's study
created first (no trial run), so that `study run SPEC` resumes it and trains the points
first."""

from __future__ import annotations

import json
import math

import optuna
import pytest
from cli_helpers import run_cli, undocumented_keys

import data
import nets
import study

_NOTHING = "; nothing was enqueued: fix the point and enqueue again"
_OPT_SPACE = {"lr": {"low": 0.05, "high": 2.0, "log": True}, "width": {"low": 2, "high": 6},
              "optimizer": ["sgd", "momentum"], "momentum": {"low": 0.5, "high": 0.95},
              "activation": ["tanh", "sigmoid"]}


def _trials(db, name):
    with study.quiet_optuna():
        return optuna.load_study(study_name=name, storage=f"sqlite:///{db}").get_trials()


def _files(folder) -> dict:
    """Every file under ``folder``, name -> bytes (a storage, its -wal, its .claim...)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _retrained(spec, trial) -> float:
    """The trial's val_loss, trained again from its params as the objective trains it."""
    cfg = study.build_config(study.searched_values(trial.params, spec.fixed), spec.fixed,
                             spec.max_epochs)
    run = study.train_run(data.load(spec.dataset, seed=spec.seed),
                          cfg, seed=[spec.seed, trial.number])
    return study.metric_values(run, ["val_loss"])[0]


def test_enqueue_creates_the_study_and_its_run_trains_the_points_first(spec_file, tmp_path,
                                                                       capsys):
    path = spec_file("enq", n_trials=3, pruner="none", max_epochs=8)
    db = tmp_path / "enq.db"
    code, out, err = run_cli(["study", "enqueue", path, "--storage", db, "--point",
                              "lr=0.5,width=3", "--point", "lr=1.2", "--json"], capsys)
    assert (code, err) == (0, "")
    printed = json.loads(out)
    assert printed == {"study": "enq", "storage": f"sqlite:///{db}", "created": True,
                       "enqueued": [{"number": 0, "params": {"lr": 0.5, "width": 3}},
                                    {"number": 1, "params": {"lr": 1.2}}],
                       "n_waiting": 2, "run_command": f"hplab study run enq --storage {db}"}
    assert type(printed["enqueued"][0]["params"]["width"]) is int  # the space's int, not 3.0
    keys = [*printed, *printed["enqueued"][0]]
    assert undocumented_keys("study enqueue", keys) == []
    # optuna itself sees them queued, with the points as enqueue_trial stores them
    trials = _trials(db, "enq")
    assert [(t.state.name, t.system_attrs["fixed_params"]) for t in trials] == [
        ("WAITING", {"lr": 0.5, "width": 3}), ("WAITING", {"lr": 1.2})]
    # no trial ran, and the study holds the spec a run would store: the run resumes it
    spec = study.load_spec(path)
    stored, _ = study.stored_spec("enq", str(db))
    assert stored.raw["space"] == spec.raw["space"] and stored.max_epochs == 8

    code, out, err = run_cli(["study", "run", path, "--storage", db, "--trials", "4",
                              "--no-report", "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["n_trials"], summary["n_complete"], summary["n_waiting"]) == (4, 4, 0)
    trials = _trials(db, "enq")
    assert [t.state.name for t in trials] == ["COMPLETE"] * 4
    assert trials[0].params == {"lr": 0.5, "width": 3}
    # the partial point: its lr as given, its width drawn by the sampler within the space
    assert trials[1].params["lr"] == 1.2 and 2 <= trials[1].params["width"] <= 6
    assert type(trials[1].params["width"]) is int
    for t in trials[:2]:  # trained, with the real values of their points
        assert math.isfinite(t.value) and 0 < t.value < 1
        assert t.value == _retrained(spec, t)
    assert study.trial_info(trials[0])["status"] == "max_epochs"


def test_enqueue_into_a_stored_study_by_name(spec_file, tmp_path, capsys):
    path = spec_file("named", n_trials=2, pruner="none", max_epochs=8)
    db = tmp_path / "named.db"
    assert run_cli(["study", "run", path, "--storage", db, "--no-report", "--json"],
                   capsys)[0] == 0
    code, out, err = run_cli(["study", "enqueue", "named", "--storage", db, "--point",
                              "width=5,lr=0.3"], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"study named in sqlite:///{db}: 1 point enqueued, 1 trial waiting",
        "  trial 2: width=5, lr=0.3",
        # one trial waiting: "it" (it said "runs them first" of the one)
        f"the next run or worker runs it first: hplab study run named --storage {db}"]
    assert [t.state.name for t in _trials(db, "named")] == ["COMPLETE", "COMPLETE",
                                                            "WAITING"]
    # the budget of 2 is spent: the worker runs the queued point all the same
    code, out, err = run_cli(["study", "worker", "named", "--storage", db, "--json"], capsys)
    assert code == 0, err
    last = _trials(db, "named")[2]
    assert (last.state.name, last.params) == ("COMPLETE", {"width": 5, "lr": 0.3})
    assert last.value == _retrained(study.load_spec(path), last)
    # a name that is no spec nor stored study: one line, nothing stored
    before = _files(tmp_path)
    code, out, err = run_cli(["study", "enqueue", "nameless", "--storage", db, "--point",
                              "lr=0.3"], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "no study 'nameless'" in err and "studies there: named" in err
    assert _files(tmp_path) == before


@pytest.mark.parametrize("point, reason", [
    ("lr=5", "lr 5.0 is outside the spec's space 0.05..2"),
    ("lr=0.1,optimizer=adam", "optimizer 'adam' is outside the spec's space ('sgd', "
                              "'momentum')"),
    ("lrr=0.1", "lrr is not searched by the spec (its [space]: lr, width, optimizer, "
                "momentum, activation)"),
    ("batch_size=4", "batch_size is not searched: the spec's [fixed] sets it to 2"),
    ("width=2.5", "width 2.5 is not a whole number"),
    # QA: a typed ';' or a word read "lr '0.5;width=4' is outside the spec's space 0.05..2"
    ("lr=0.5;width=4", "lr '0.5;width=4' is not a number (the spec's space 0.05..2)"),
    ("width=four", "width 'four' is not a number (the spec's space 2..6)"),
    ("lr=0.1,optimizer=sgd,momentum=0.9", "momentum 0.9 is not read by optimizer sgd (only "
                                          "by momentum of those searched)"),
    # the sampler may choose sgd, which would leave it unread: the worker failed such trials
    ("momentum=0.9", "momentum 0.9 is not read by optimizer sgd (only by momentum of those "
                     "searched); the sampler may choose the optimizer: give it in the point "
                     "too"),
])
def test_a_bad_point_is_refused_and_nothing_is_stored(spec_file, tmp_path, capsys, point,
                                                      reason):
    path = spec_file("bad", n_trials=2, pruner="none", max_epochs=8, space=_OPT_SPACE)
    db = tmp_path / "bad.db"
    # into no storage: none made
    code, out, err = run_cli(["study", "enqueue", path, "--storage", db, "--point",
                              "lr=0.2,optimizer=momentum", "--point", point], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("hplab study enqueue: error: point ") and err.count("\n") == 1
    assert f"point {point!r}: {reason}{_NOTHING}\n" in err
    assert not db.exists() and not list(tmp_path.glob("bad.db*"))
    # into a stored study, by its spec and by its name: the files byte for byte as they were
    assert run_cli(["study", "enqueue", path, "--storage", db, "--point", "lr=0.2"],
                   capsys)[0] == 0
    before = _files(tmp_path)
    for target in (path, "bad"):
        code, out, err = run_cli(["study", "enqueue", target, "--storage", db, "--point",
                                  "lr=0.3", "--point", point], capsys)
        assert (code, out) == (2, "") and f": {reason}{_NOTHING}\n" in err
        assert _files(tmp_path) == before
    assert [t.state.name for t in _trials(db, "bad")] == ["WAITING"]


def test_a_point_the_trial_reads_is_queued_and_trained(spec_file, tmp_path, capsys):
    path = spec_file("reads", n_trials=1, pruner="none", max_epochs=8, space=_OPT_SPACE)
    db = tmp_path / "reads.db"
    code, out, err = run_cli(["study", "enqueue", path, "--storage", db, "--point",
                              "lr=0.4,width=4,optimizer=momentum,momentum=0.9,"
                              "activation=sigmoid", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["enqueued"] == [{"number": 0, "params": {
        "lr": 0.4, "width": 4, "optimizer": "momentum", "momentum": 0.9,
        "activation": "sigmoid"}}]
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    (trial,) = _trials(db, "reads")
    assert trial.state.name == "COMPLETE" and trial.params["momentum"] == 0.9
    assert trial.value == _retrained(study.load_spec(path), trial)


def test_bad_storage_and_bad_text_are_one_line_and_touch_nothing(spec_file, tmp_path,
                                                                  capsys):
    path = spec_file("st", n_trials=2, pruner="none", max_epochs=8)
    garbage = tmp_path / "other.db"
    garbage.write_bytes(b"not a database\n")
    for storage, said in [(garbage, "other.db is not an SQLite database"),
                          (tmp_path, "expected a URL")]:
        code, out, err = run_cli(["study", "enqueue", path, "--storage", storage,
                                  "--point", "lr=0.3"], capsys)
        assert (code, out) == (2, "") and err.count("\n") == 1 and said in err, err
    assert garbage.read_bytes() == b"not a database\n"
    db = tmp_path / "st.db"
    # every point's refusal one line of one form: the point quoted as typed, what is wrong,
    # what to do (QA: quoted in some, not others; "gives lr twice" named no remedy)
    pairs = "give name=value pairs separated by commas, e.g. lr=0.1,batch_size=32"
    for point, said in [
            ("lr", f"'lr' is not name=value; {pairs}"),
            ("", f"sets no parameter; {pairs}"),
            (" lr=0.3,lr=0.4", "gives lr twice; give each parameter once (another value is "
                               "another point)"),
            ("lr=0.3, width=2.5", "width 2.5 is not a whole number")]:
        code, out, err = run_cli(["study", "enqueue", path, "--storage", db, "--point",
                                  point], capsys)
        assert (code, out) == (2, "")
        assert err == (f"hplab study enqueue: error: point {point.strip()!r}: {said}"
                       f"{_NOTHING}\n")
    with pytest.raises(study.SpecError) as refused:  # from Python: a dict shown alike
        study.enqueue_points(path, [{"lr": 0.3}, {"lr": 0.3, "width": 9}], storage=str(db))
    assert str(refused.value) == ("point 'lr=0.3, width=9': width 9 is outside the spec's "
                                  f"space 2..6{_NOTHING}")
    with pytest.raises(study.SpecError, match="^point 5: give a dict of parameter values, "
                                              "or text such as 'lr=0.1,batch_size=32'; "):
        study.enqueue_points(path, [5], storage=str(db))
    assert not db.exists()
    assert run_cli(["study", "enqueue", path, "--storage", db], capsys)[0] == 2  # no point


def test_values_read_as_the_spaces_types():
    spec = study.parse_spec({
        "study": {"name": "types", "dataset": "xor", "metric": "val_loss", "n_trials": 2,
                  "max_epochs": 4, "pruner": "none"},
        "space": {"lr": {"low": 0.01, "high": 1.0}, "width": {"low": 1, "high": 8},
                  "batch_size": [2, 4, 8], "batch_norm": [True, False],
                  "activation": ["tanh", "relu"], "l2": [0.0, 0.001]},
        "fixed": {"checkpoint": 2}})
    point = study.parse_point("lr=1,width=4.0,batch_size=2,batch_norm=false,activation=relu,"
                              "l2=1e-3", spec.space)
    assert point == {"lr": 1.0, "width": 4, "batch_size": 2, "batch_norm": False,
                     "activation": "relu", "l2": 0.001}
    assert [type(v) for v in point.values()] == [float, int, int, bool, str, float]
    assert study.point_problem(spec, point) is None
    # a value that is none of the choices is kept as typed, and named
    assert study.point_problem(spec, study.parse_point("batch_size=3", spec.space)) == (
        "batch_size 3 is outside the spec's space (2, 4, 8)")
    assert study.point_problem(spec, study.parse_point("batch_norm=yes", spec.space)) == (
        "batch_norm 'yes' is outside the spec's space (True, False)")


def test_a_point_and_a_flag_read_numbers_through_one_parser(tmp_path, capsys):
    # review: study/_points._number and the CLI's int_or_float were one function written
    # twice; nets.parse_number is the one both read through now
    import reports._cli._converters as converters
    import study._points as points

    assert not hasattr(points, "_number")
    for text, number in [("50", 50), ("3333.3", 3333.3), ("1e3", 1000.0), (" 7 ", 7),
                         ("1_000", 1000), ("abc", None), ("", None)]:
        assert nets.parse_number(text) == number and type(nets.parse_number(text)) is type(
            number)
        if number is not None:
            assert type(converters.int_or_float(text)) is type(number)
    space = study.parse_spec({"study": {"name": "n", "dataset": "xor", "metric": "val_loss",
                                        "n_trials": 1, "max_epochs": 2, "pruner": "none"},
                              "space": {"lr": {"low": 0.01, "high": 2.0},
                                        "batch_size": [1, 2]}}).space
    assert study.parse_point("lr=1e-1,batch_size=2", space) == {"lr": 0.1, "batch_size": 2}
    # a real run takes the flag as the same number: the schedule's rate at step 8 of 1e1
    code, _, err = run_cli(["train", "--dataset", "xor", "--hidden", "2", "--schedule", "inv",
                            "--lr-decay-steps", "1e1", "--batch-size", "1", "--epochs", "2",
                            "--checkpoint", "2", "--out", tmp_path / "t", "--no-report",
                            "--json"], capsys)
    assert code == 0, err
    record = json.loads((tmp_path / "t" / "config.json").read_text())
    assert record["config"]["lr_decay_steps"] == 10
    history = (tmp_path / "t" / "history.csv").read_text().splitlines()
    rate = float(history[2].split(",")[2])  # iteration 8: inv's 0.1 * (1 + 8 / 10) ** -1
    assert history[2].startswith("2,8,") and rate == pytest.approx(0.1 / 1.8, rel=1e-12)


def test_the_grid_sampler_takes_whole_points_only(spec_file, tmp_path, capsys):
    # optuna's grid draws no parameter of an enqueued trial: a partial point failed as
    # "All parameters must be specified when using GridSampler with enqueue_trial"
    path = spec_file("grid", n_trials=4, pruner="none", max_epochs=8, sampler="grid",
                     space={"lr": [0.1, 0.5], "width": [2, 3]})
    db = tmp_path / "grid.db"
    code, _, err = run_cli(["study", "enqueue", path, "--storage", db, "--point", "lr=0.5"],
                           capsys)
    assert code == 2 and ("point 'lr=0.5': the grid sampler draws no parameter of an "
                          f"enqueued trial: give width too{_NOTHING}") in err
    assert not db.exists()
    assert run_cli(["study", "enqueue", path, "--storage", db, "--point", "lr=0.5,width=3"],
                   capsys)[0] == 0
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    trials = _trials(db, "grid")
    assert [t.state.name for t in trials] == ["COMPLETE"] * 4
    assert trials[0].params == {"lr": 0.5, "width": 3}


def test_show_and_export_word_a_grid_study_queued_point_as_the_grid_runs_it(spec_file,
                                                                          tmp_path, capsys):
    # the grid draws no parameter of a queued point: it takes the slot of the grid point
    # of its number (QA: show and export said "the sampler drew what a point left out")
    path = spec_file("gq", n_trials=4, pruner="none", max_epochs=8, sampler="grid",
                     space={"lr": [0.1, 0.5], "width": [2, 3]})
    db = tmp_path / "gq.db"
    assert run_cli(["study", "enqueue", path, "--storage", db, "--point", "lr=0.5,width=3"],
                   capsys)[0] == 0
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    ran = [(t.params["lr"], t.params["width"]) for t in _trials(db, "gq")]
    assert len(set(ran)) == 3 and ran.count((0.5, 3)) == 2  # one grid point left unrun
    code, out, err = run_cli(["study", "show", "gq", "--storage", db], capsys)
    words = ("Trial #0 ran a point queued by hand (hplab study enqueue: a whole grid point, "
             "in the slot of the grid point of its trial number, which the budget may then "
             "leave unrun); the grid drew the others")
    assert (code, err) == (0, "") and words in out and "left out" not in out
    code, out, _ = run_cli(["study", "show", "gq", "--storage", db, "--json"], capsys)
    assert (json.loads(out)["sampler"], json.loads(out)["queued_trials"]) == ("grid", [0])
    code, out, _ = run_cli(["study", "export", "gq", "--storage", db, "--csv",
                            tmp_path / "gq.csv"], capsys)
    assert code == 0 and f"{words}: the queued_point column gives each point" in out
    # a sampler that draws: a point's left-out parameters are its
    path = spec_file("tq", n_trials=2, pruner="none", max_epochs=8)
    assert run_cli(["study", "enqueue", path, "--storage", db, "--point", "lr=0.5"],
                   capsys)[0] == 0
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    out = run_cli(["study", "show", "tq", "--storage", db], capsys)[1]
    assert ("Trial #0 ran a point queued by hand (hplab study enqueue: the sampler drew what "
            "a point left out); the sampler drew the others") in out


def test_enqueue_points_from_python_takes_dicts_and_text(spec_file, tmp_path):
    path = spec_file("py", n_trials=2, pruner="none", max_epochs=8)
    db = tmp_path / "py.db"
    summary = study.enqueue_points(path, [{"lr": 0.5, "width": 2}, "lr=0.7"], storage=str(db))
    assert (summary["created"], summary["enqueued"]) == (True, [
        {"number": 0, "params": {"lr": 0.5, "width": 2}}, {"number": 1, "params": {"lr": 0.7}}])
    with pytest.raises(study.SpecError, match="lr 7 is outside"):
        study.enqueue_points("py", [{"lr": 7}], storage=str(db))
    with pytest.raises(study.SpecError, match="a list of at least one point"):
        study.enqueue_points("py", "lr=0.2", storage=str(db))
    assert [t.state.name for t in _trials(db, "py")] == ["WAITING", "WAITING"]


def test_whole_points_a_worker_would_not_train_are_refused_with_its_reason(spec_file,
                                                                           tmp_path, capsys):
    # the same points queued through optuna: the worker prunes one untrained (its rate
    # times its decay is 1 or more) and fails the other (lr_min above lr); enqueue refuses
    # both, with the worker's words, before anything is stored
    path = spec_file("whole", n_trials=1, pruner="none", max_epochs=8, space={
        "lr": {"low": 0.05, "high": 2.0}, "weight_decay": {"low": 0.1, "high": 0.9},
        "lr_min": {"low": 0.0, "high": 1.0}},
        fixed={"batch_size": 2, "checkpoint": 4, "optimizer": "adamw", "schedule": "cosine"})
    points = {"lr=2,weight_decay=0.9,lr_min=0": ("PRUNED", "diverged"),
              "lr=0.5,weight_decay=0.5,lr_min=0.8": ("FAIL", "error")}
    refused = []
    for text in points:
        code, out, err = run_cli(["study", "enqueue", path, "--storage", tmp_path / "e.db",
                                  "--point", text], capsys)
        assert (code, out) == (2, "") and err.count("\n") == 1
        refused.append(err)
    assert not (tmp_path / "e.db").exists()
    db = tmp_path / "optuna.db"
    spec = study.load_spec(path)
    where = study.resolve_storage(str(db))
    study.create_or_resume(spec, study.open_storage(where, create=True), where)
    with study.quiet_optuna():
        s = optuna.load_study(study_name="whole", storage=f"sqlite:///{db}")
        for text in points:
            s.enqueue_trial(study.parse_point(text, spec.space))
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    for t, (state, status), err in zip(_trials(db, "whole"), points.values(), refused,
                                       strict=True):
        info = study.trial_info(t)
        assert (t.state.name, info["status"], "epochs" in info) == (state, status, False)
        assert info["reason"].removeprefix("ValueError: ") in err, (info["reason"], err)
    assert "weight_decay 0.9 times lr 2 is 1.8" in refused[0]
    assert "lr_min must be <= lr" in refused[1]


def test_a_width_of_a_layer_the_sampler_may_leave_out_is_refused():
    spec = study.parse_spec({
        "study": {"name": "layers", "dataset": "xor", "metric": "val_loss", "n_trials": 2,
                  "max_epochs": 4, "pruner": "none"},
        "space": {"lr": {"low": 0.01, "high": 1.0}, "depth": {"low": 1, "high": 3},
                  "width": {"low": 1, "high": 8, "per_layer": True}},
        "fixed": {"checkpoint": 2}})

    def problem(text):
        return study.point_problem(spec, study.parse_point(text, spec.space))

    assert problem("width_2=4") == (
        "width_2 4 is for a layer the trial's net of depth 1 does not have (only a depth of "
        "3 or more has it); the sampler may choose the depth: give it in the point too")
    assert problem("width_2=4,depth=3") is problem("width_0=4") is None
    assert problem("width=4") == "width is searched per layer: give width_0, width_1..."


def test_a_ready_specs_name_enqueues_into_its_stored_study_another_spec_made(
        spec_file, tmp_path, monkeypatch, capsys):
    # `study run xor` is refused there (another spec than the ready xor); as `study worker
    # xor` does, the name names the stored study, and its points are checked against the
    # spec stored with it (the ready xor's width is not searched by this one)
    path = spec_file("xor", n_trials=1, pruner="none", max_epochs=8,
                     space={"lr": {"low": 0.05, "high": 2.0, "log": True}})
    db = tmp_path / "x.db"
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, out, err = run_cli(["study", "enqueue", "xor", "--storage", db, "--point",
                              "lr=0.3,width=2"], capsys)
    assert code == 2 and "width is not searched by the spec (its [space]: lr)" in err
    code, out, err = run_cli(["study", "enqueue", "xor", "--storage", db, "--point", "lr=0.3",
                              "--json"], capsys)
    assert code == 0, err
    printed = json.loads(out)
    assert (printed["created"], printed["enqueued"]) == (False, [{"number": 1,
                                                                  "params": {"lr": 0.3}}])
    assert printed["run_command"] == f"hplab study run {path} --storage {db}"
    # the file gone: the line reads the stored spec, its data named (the ready xor's is not it)
    path.unlink()
    code, out, err = run_cli(["study", "enqueue", "xor", "--storage", db, "--point", "lr=0.4",
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["run_command"] == f"hplab study run xor --storage {db} --data xor"
    code, out, err = run_cli(["study", "run", "xor", "--storage", db, "--data", "xor",
                              "--no-report", "--json"], capsys)
    assert code == 0, err
    assert [t.params for t in _trials(db, "xor")[1:]] == [{"lr": 0.3}, {"lr": 0.4}]


def test_a_spec_whose_data_cannot_load_creates_nothing(spec_file, tmp_path, monkeypatch,
                                                       capsys):
    import numpy as np

    monkeypatch.chdir(tmp_path)
    path = spec_file("lost", n_trials=1, pruner="none", max_epochs=8,
                     dataset="csv:nothere.csv?target=y")
    code, out, err = run_cli(["study", "enqueue", path, "--storage", "d.db", "--point",
                              "lr=0.3"], capsys)
    assert (code, out) == (2, "") and "study.dataset: file not found" in err
    assert not list(tmp_path.glob("d.db*"))
    # NumPy's numbers from Python are stored as Python's (JSON)
    path = spec_file("np", n_trials=1, pruner="none", max_epochs=8)
    summary = study.enqueue_points(path, [{"lr": np.float64(0.3), "width": np.int64(3)}],
                                   storage="d.db")
    assert summary["enqueued"] == [{"number": 0, "params": {"lr": 0.3, "width": 3}}]
    assert _trials(tmp_path / "d.db", "np")[0].system_attrs["fixed_params"] == {
        "lr": 0.3, "width": 3}


def test_points_enqueued_on_postgresql_are_run_first_by_a_worker(postgres_url, spec_file,
                                                                  capsys):
    """The three-machine recipe's first step: one machine queues the points on the server
    (creating the study), any worker there runs them first; a bad point creates nothing."""
    import uuid

    name = f"pg-enq-{uuid.uuid4().hex[:8]}"
    path = spec_file(name, n_trials=3, pruner="none", max_epochs=8)
    code, out, err = run_cli(["study", "enqueue", path, "--storage", postgres_url, "--point",
                              "lr=5,width=3"], capsys)
    assert code == 2 and "lr 5.0 is outside the spec's space" in err
    with study.quiet_optuna():
        assert name not in optuna.get_all_study_names(postgres_url)
    code, out, err = run_cli(["study", "enqueue", path, "--storage", postgres_url, "--point",
                              "lr=0.5,width=3", "--point", "lr=1.2", "--json"], capsys)
    assert code == 0, err
    printed = json.loads(out)
    assert (printed["created"], printed["n_waiting"]) == (True, 2)
    assert "postgresql+psycopg://" in printed["storage"]
    code, out, err = run_cli(["study", "worker", name, "--storage", postgres_url, "--json"],
                             capsys)
    assert code == 0, err
    with study.quiet_optuna():
        trials = optuna.load_study(study_name=name, storage=postgres_url).get_trials()
    assert [t.state.name for t in trials] == ["COMPLETE"] * 3
    assert [t.params["lr"] for t in trials[:2]] == [0.5, 1.2]
    assert trials[0].params["width"] == 3 and 2 <= trials[1].params["width"] <= 6
    assert trials[0].value == _retrained(study.load_spec(path), trials[0])


def test_the_report_names_the_trials_that_ran_enqueued_points(spec_file, tmp_path, capsys):
    # QA: the report listed a study's chosen points as if the sampler had drawn them
    path = spec_file("told", n_trials=3, pruner="none", max_epochs=8)
    db, out_dir = tmp_path / "told.db", tmp_path / "report"
    assert run_cli(["study", "enqueue", path, "--storage", db, "--point", "lr=0.5,width=3",
                    "--point", "lr=1.2"], capsys)[0] == 0
    code, out, err = run_cli(["study", "run", path, "--storage", db, "--out", out_dir,
                              "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["n_complete"] == 3
    trials = _trials(db, "told")
    assert trials[0].params == {"lr": 0.5, "width": 3} and trials[1].params["lr"] == 1.2
    html = (out_dir / "report.html").read_text()
    assert ("Trials #0 and #1 ran points queued by hand (hplab study enqueue: the sampler "
            "drew what a point left out); the sampler drew the others.") in html
    assert "#2 ran" not in html and "and #2" not in html


# `study enqueue` and `study run` of one new spec, racing to create its study: the run
# looks for it first, the enqueue creates it, and holds until the run has recorded itself
# (the window before the enqueue stored its command). Files in the folder order them.
_ENQUEUE_RACE = """
import os, sys, time, optuna, study
import study._enqueue as enqueue, study._run as run

def wait_for(prefix, what):
    deadline = time.monotonic() + 60
    while not any(name.startswith(prefix) for name in os.listdir()):
        if time.monotonic() > deadline:
            sys.exit(f"the other racer never {what}")
        time.sleep(0.01)

def mark(prefix):
    open(f"{prefix}-{os.getpid()}", "w").close()

create = optuna.create_study
def held_create(*args, **kwargs):
    if sys.argv[1] == "run":  # it has looked (no study): it creates after the enqueue
        mark("looked")
        wait_for("created", "created the study")
        return create(*args, **kwargs)
    wait_for("looked", "looked for the study")
    made = create(*args, **kwargs)
    mark("created")
    return made
optuna.create_study = held_create

if sys.argv[1] == "run":
    def recording(record):
        def recorded(*args, **kwargs):
            record(*args, **kwargs)
            mark("recorded")
        return recorded
    run.record_created, run.record_resume = map(recording,
                                                (run.record_created, run.record_resume))
    study.run_study(study.load_spec(sys.argv[2]), storage=sys.argv[3], progress=False,
                    command="runner")
else:
    create_or_load = enqueue.create_or_load
    def creator_held(*args, **kwargs):
        made, new = create_or_load(*args, **kwargs)
        if new:  # the window before it records its command: the run records first
            wait_for("recorded", "recorded itself")
        return made, new
    enqueue.create_or_load = creator_held
    study.enqueue_points(sys.argv[2], [{"lr": 0.5, "width": 3}], storage=sys.argv[3],
                         command="enqueuer")
"""


@pytest.mark.slow
def test_a_run_that_loses_the_create_race_to_an_enqueue_records_itself_a_resume(
        spec_file, tmp_path):
    # the enqueue stored its command after the spec: the run, which waits for the spec,
    # read no command, took the study for one made from Python and stored itself as its
    # creator, which the enqueue then overwrote (no resume recorded; `study run`'s own
    # race was fixed by storing the command first)
    import os
    import subprocess
    import sys
    from pathlib import Path

    path = spec_file("race", n_trials=2, sampler="random", pruner="none", max_epochs=2)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    racers = [subprocess.Popen([sys.executable, "-c", _ENQUEUE_RACE, role, str(path),
                                "race.db"], cwd=tmp_path, env=env, stderr=subprocess.PIPE,
                               text=True)
              for role in ("enqueue", "run")]
    for proc in racers:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()[-2000:]
    s = optuna.load_study(study_name="race", storage=f"sqlite:///{tmp_path / 'race.db'}")
    assert s.user_attrs[study.COMMAND_ATTR] == "enqueuer"  # the creator
    assert s.user_attrs[study.RESUMED_ATTR] == ["runner"]  # and the run, a resume
    assert [t.params for t in s.trials][0] == {"lr": 0.5, "width": 3}
