"""Enqueued points whose values the trial would not read (momentum with sgd, a
sampling_ratio without resampling, a width_i beyond the net's depth): they fail, saying
why, instead of training without them; a point the trial reads trains as any other."""

from __future__ import annotations

import json

import optuna
import pytest
from cli_helpers import run_cli, run_cli_as_program

import data
import study


def _enqueue(spec_path, db, points):
    """Create ``spec_path``'s study in ``db`` (no trial yet) and enqueue ``points``."""
    spec = study.load_spec(spec_path)
    where = study.resolve_storage(str(db))
    study.create_or_resume(spec, study.open_storage(where, create=True), where)
    with study.quiet_optuna():
        s = optuna.load_study(study_name=spec.name, storage=f"sqlite:///{db}")
        for point in points:
            s.enqueue_trial(point)
    return spec


def _run(spec_path, db, capsys) -> dict:
    code, out, err = run_cli(["study", "run", spec_path, "--storage", db, "--json",
                              "--no-report"], capsys)
    assert code == 0, err
    return json.loads(out)


def _trials(db, name):
    with study.quiet_optuna():
        return optuna.load_study(study_name=name, storage=f"sqlite:///{db}").get_trials()


def _retrained(spec, trial) -> float:
    """The trial's val_loss, trained again from its params as the objective trains it."""
    cfg = study.build_config(study.searched_values(trial.params, spec.fixed), spec.fixed,
                             spec.max_epochs)
    run = study.train_run(data.load(spec.dataset, seed=spec.seed), cfg,
                          seed=[spec.seed, trial.number])
    return study.metric_values(run, ["val_loss"])[0]


def test_optimizer_and_schedule_settings_the_trial_does_not_read_fail(spec_file, tmp_path,
                                                                      capsys):
    # QA: momentum 0.9 enqueued with optimizer sgd trained an sgd trial, the value
    # ignored, and nothing said the point asked for was not the one run
    path = spec_file("opt", n_trials=2, pruner="none", max_epochs=8, space={
        "lr": {"low": 0.05, "high": 2.0, "log": True}, "width": {"low": 2, "high": 6},
        "optimizer": ["sgd", "momentum"], "momentum": {"low": 0.5, "high": 0.95},
        "schedule": ["constant", "step"], "lr_gamma": {"low": 0.1, "high": 0.9}})
    db = tmp_path / "opt.db"
    given = {"lr": 0.5, "width": 3}
    spec = _enqueue(path, db, [
        {**given, "optimizer": "sgd", "momentum": 0.9, "schedule": "step", "lr_gamma": 0.5},
        {**given, "optimizer": "sgd", "momentum": 0.9, "schedule": "constant",
         "lr_gamma": 0.5},
        {**given, "optimizer": "momentum", "momentum": 0.9, "schedule": "step",
         "lr_gamma": 0.5}])
    summary = _run(path, db, capsys)
    assert [(p["number"], p["state"], p["status"], p["reason"]) for p in summary["problems"]] \
        == [(0, "fail", "error", "momentum 0.9 is not read by optimizer sgd (only by momentum "
                                 "of those searched)"),
            (1, "fail", "error", "momentum 0.9 is not read by optimizer sgd (only by momentum "
                                 "of those searched); lr_gamma 0.5 is not read by schedule "
                                 "constant (only by step of those searched)")]
    trials = _trials(db, "opt")
    assert [t.state.name for t in trials] == ["FAIL", "FAIL", "COMPLETE"]
    assert all("epochs" not in study.trial_info(t) for t in trials[:2])  # never trained
    # a point the trial reads trains as it did, to the bit
    assert trials[2].params == {**given, "optimizer": "momentum", "momentum": 0.9,
                                "schedule": "step", "lr_gamma": 0.5}
    assert trials[2].value == _retrained(spec, trials[2])
    assert summary["n_finished"] == 3 and summary["n_error"] == 2


def test_momentum_given_with_a_sampled_optimizer_fails_where_the_sampler_chose_sgd(
        spec_file, tmp_path, capsys):
    # failing is the rule whoever chose the optimizer: an sgd trial is not the point given
    path = spec_file("drawn", n_trials=1, pruner="none", max_epochs=8, space={
        "lr": {"low": 0.05, "high": 2.0, "log": True}, "optimizer": ["sgd", "momentum"],
        "momentum": {"low": 0.5, "high": 0.95}})
    db = tmp_path / "drawn.db"
    _enqueue(path, db, [{"lr": 0.5, "momentum": 0.9}] * 6)
    _run(path, db, capsys)
    trials = _trials(db, "drawn")
    chosen = [t.params["optimizer"] for t in trials]
    assert set(chosen) == {"sgd", "momentum"}  # the seeded sampler chose each of them
    for t in trials:
        if t.params["optimizer"] == "momentum":
            assert t.state.name == "COMPLETE" and t.params["momentum"] == 0.9
        else:
            assert t.state.name == "FAIL" and "momentum" not in t.params
            assert study.trial_info(t)["reason"] == (
                "momentum 0.9 is not read by optimizer sgd (only by momentum of those "
                "searched); the sampler chose the optimizer: give it in the point too")


def test_widths_beyond_the_trials_depth_fail(spec_file, tmp_path, capsys):
    path = spec_file("deep", n_trials=1, pruner="none", max_epochs=8, space={
        "lr": {"low": 0.05, "high": 2.0, "log": True},
        "width": {"low": 2, "high": 6, "per_layer": True}, "depth": {"low": 1, "high": 3}})
    db = tmp_path / "deep.db"
    spec = _enqueue(path, db, [{"lr": 0.5, "depth": 1, "width_0": 3, "width_1": 4},
                               {"lr": 0.5, "depth": 2, "width_0": 3, "width_1": 4}])
    summary = _run(path, db, capsys)
    assert [(p["number"], p["status"], p["reason"]) for p in summary["problems"]] == [
        (0, "error", "width_1 4 is for a layer the trial's net of depth 1 does not have "
                     "(only a depth of 2 or more has it)")]
    trials = _trials(db, "deep")
    assert [t.state.name for t in trials] == ["FAIL", "COMPLETE"]
    assert study.trial_info(trials[1])["hidden"] == [3, 4]
    assert trials[1].value == _retrained(spec, trials[1])


@pytest.mark.slow
def test_a_sampling_ratio_given_without_a_resampling_strategy_fails(spec_file, tmp_path,
                                                                     capsys):
    path = spec_file("ratio", dataset="moons?imbalance=1:5", n_trials=1, pruner="none",
                     max_epochs=4, space={"imbalance_strategy": ["class_weight", "smote"],
                                          "sampling_ratio": {"low": 0.2, "high": 1.0}},
                     fixed={"width": 4, "batch_size": 64})
    db = tmp_path / "ratio.db"
    _enqueue(path, db, [{"imbalance_strategy": "class_weight", "sampling_ratio": 0.5},
                        {"imbalance_strategy": "smote", "sampling_ratio": 0.5}])
    summary = _run(path, db, capsys)
    assert [(p["number"], p["status"], p["reason"]) for p in summary["problems"]] == [
        (0, "error", "sampling_ratio 0.5 is not read by imbalance_strategy class_weight "
                     "(only by smote of those searched)")]
    trials = _trials(db, "ratio")
    assert [t.state.name for t in trials] == ["FAIL", "COMPLETE"]
    assert trials[1].params == {"imbalance_strategy": "smote", "sampling_ratio": 0.5}


def test_a_failed_trial_is_one_line_of_hplabs_not_optunas_log(spec_file, tmp_path, capfd):
    # QA: a worker's stderr (--json) showed "[W 2026-12-05 15:26:56,595] Trial 7 failed:
    # lr 0.9 is outside the spec's space...", optuna's log line among hplab's; study run's too
    path = spec_file("said", n_trials=1, pruner="none", max_epochs=2,
                     space={"lr": [0.1, 0.5], "batch_size": [2, 4]},
                     fixed={"hidden": [4], "checkpoint": 1})
    db = tmp_path / "said.db"
    _enqueue(path, db, [{"lr": 0.9, "batch_size": 2}, {"lr": 0.1, "batch_sise": 2}])
    capfd.readouterr()
    worker = ["study", "worker", "--study", "said", "--storage", db, "--json"]
    code, out, err = run_cli_as_program(worker, capfd)
    reasons = ["lr 0.9 is outside the spec's space (0.1, 0.5)",
               "batch_sise is not searched by the spec (its [space]: lr, batch_size)"]
    assert code == 0 and err == (f"hplab study worker: trial 0 failed: {reasons[0]}\n"
                                 f"hplab study worker: trial 1 failed: {reasons[1]}\n")
    # the reasons are stored and reported anyway
    assert [(p["number"], p["reason"]) for p in json.loads(out)["problems"]] == [
        (0, reasons[0]), (1, reasons[1])]
    _enqueue(path, db, [{"lr": 0.5, "batch_size": 8}])
    capfd.readouterr()  # optuna's line of the study loaded there, not the run's
    code, _, err = run_cli_as_program(["study", "run", path, "--storage", db, "--json",
                                       "--no-report"], capfd)
    assert code == 0 and err == ("hplab study run: trial 2 failed: batch_size 8 is outside the "
                                 "spec's space (2, 4)\n")


@pytest.mark.slow
def test_a_pool_workers_failed_trial_starts_its_own_line_under_the_bar(spec_file, tmp_path):
    # QA: on a terminal, a pool worker's "hplab: trial N failed" was glued to the end of
    # its parent's progress bar (tqdm in the worker knows no bar to clear)
    import fcntl
    import os
    import pty
    import re
    import struct
    import subprocess
    import sys
    import termios

    from cli_helpers import ROOT

    path = spec_file("glued", n_trials=4, pruner="none", max_epochs=2,
                     space={"lr": [0.1, 0.5]}, fixed={"hidden": [4], "checkpoint": 1})
    db = tmp_path / "glued.db"
    _enqueue(path, db, [{"lr": 0.9}, {"lr": 0.7}])
    main, terminal = pty.openpty()
    # a terminal of 100 columns (a new pty has none: tqdm's bar was empty)
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    run = subprocess.Popen([sys.executable, str(ROOT / "hplab.py"), "study", "run", path,
                            "--storage", db, "--workers", "2", "--no-report"], cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(ROOT)},
                           stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    said = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: the run and its workers closed the terminal
            break
        if not chunk:
            break
        said += chunk
    os.close(main)
    assert run.wait(timeout=60) == 0
    text = said.decode()
    assert "%|" in text  # a bar was drawn there
    failed = [m.start() for m in re.finditer(
        r"hplab study run: trial \d failed: lr 0\.[79] is outside", text)]
    assert len(failed) == 2
    # each at the start of a line: after a newline, or after erasing the bar's line
    assert all(text[:at].endswith(("\n", "\r\x1b[K")) for at in failed), text


def test_a_spec_searching_nothing_says_how_to_run_enqueued_points_alone(spec_file, tmp_path,
                                                                        capsys):
    # QA: a user meaning to run only points of their own wrote an empty [space] and was
    # told to add a hyperparameter, not how a study runs just its enqueued points
    empty = spec_file("mine", n_trials=2, pruner="none", max_epochs=4, space={})
    code, out, err = run_cli(["study", "run", empty, "--storage", tmp_path / "h.db"], capsys)
    assert (code, out) == (2, "")
    assert err == ("hplab study run: error: space: nothing to search; add at least one "
                   "hyperparameter (to run only points you enqueue, search their names here, "
                   "e.g. lr = [0.01, 0.1], and set n_trials to their number; one net alone: "
                   "hplab train)\n")
    # the advice runs the two points and nothing else
    path = spec_file("mine", n_trials=2, pruner="none", max_epochs=4,
                     space={"lr": [0.01, 0.1]})
    db = tmp_path / "h.db"
    _enqueue(path, db, [{"lr": 0.1}, {"lr": 0.01}])
    summary = _run(path, db, capsys)
    assert (summary["n_finished"], summary["n_complete"]) == (2, 2)
    assert [t.params for t in _trials(db, "mine")] == [{"lr": 0.1}, {"lr": 0.01}]
