"""The warnings a command raises print as its lines, ``hplab COMMAND: warning: ...``, in
its pool's worker processes too, and each on a line of its own beside a progress bar on a
log file."""

import io
import os
import re
import subprocess
import sys
import warnings

import pytest
from cli_helpers import ROOT, hplab_cli

import nets

#: a one_cycle schedule over a single step: every run of it warns
ONE_STEP = ("schedule one_cycle over 1 step (max_epochs=1, 1 step an epoch) has no climb: "
            "under 4 steps its rise ends before step 0")


def _only_warning_lines(err: str, command: str) -> None:
    lines = err.splitlines()
    assert lines and all(line.startswith(f"{command}: warning: {ONE_STEP}") for line in lines), err
    assert "UserWarning" not in err and ".py:" not in err, err


@pytest.mark.slow
def test_a_study_pools_workers_warn_as_the_command(tmp_path, spec_file):
    # QA: with --workers 2 each worker's warning printed in Python's format ("/.../study/
    # _train_run.py:199: UserWarning: schedule one_cycle ...", then the source line)
    spec = spec_file("w1", n_trials=2, max_epochs=1, sampler="random", pruner="none",
                     space={"lr": {"low": 0.01, "high": 0.3, "log": True}},
                     fixed={"schedule": "one_cycle", "batch_size": -1})
    done = hplab_cli("study", "run", spec, "--workers", "2", "--storage", tmp_path / "w1.db",
                     "--json", "--no-report", cwd=tmp_path)
    _only_warning_lines(done.stderr, "hplab study run")


@pytest.mark.slow
def test_an_analysis_pools_workers_warn_as_the_command(tmp_path):
    done = hplab_cli("capacity", "--dataset", "xor", "--widths", "2,4", "--depths", "1",
                     "--seeds", "2", "--epochs", "1", "--batch-size", "-1", "--schedule",
                     "one_cycle", "--workers", "2", "--json", "--no-report", cwd=tmp_path)
    _only_warning_lines(done.stderr, "hplab capacity")


def test_a_warning_beside_a_bar_on_a_log_file_starts_its_line(tmp_path):
    # QA: `hplab train ... 2>e.txt` wrote "\r  0%|          | 0/1 [00:00<?]hplab train:
    # warning: ...", and the cleared bar's spaces were joined to the next line
    with open(tmp_path / "e.txt", "w") as err:
        done = subprocess.run(
            [sys.executable, str(ROOT / "hplab.py"), "train", "--dataset", "xor", "--epochs",
             "1", "--batch-size", "-1", "--schedule", "one_cycle", "--name", "oc1",
             "--no-report"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=err, timeout=180)
    text = (tmp_path / "e.txt").read_text()
    assert done.returncode == 0, text
    assert f"hplab train: warning: {ONE_STEP}" in text and "UserWarning" not in text
    # each of the command's lines starts a line of the file: none follows a bar's frame
    assert [m.start() for m in re.finditer("hplab train:", text)] == [
        m.start() for m in re.finditer("\nhplab train:", "\n" + text)]
    # the bar was drawn, and cleared: the file ends with its line ended
    assert "0/1" in text and text.endswith("\n")


def test_a_cleared_bar_on_a_log_file_ends_its_line(monkeypatch):
    # `make demo > log 2>&1`: the first result line followed the cleared bar's spaces
    log = io.StringIO()
    monkeypatch.setattr(sys, "stderr", log)
    with nets.progress_bar(total=2, leave=False, file=log) as bar:
        bar.update(1)
        nets.say_above_bars("hplab x: warning: w")
    text = log.getvalue()
    assert "\nhplab x: warning: w\n" in text and text.endswith("\n")
    with nets.progress_bar(total=2, leave=False, file=log, delay=60):  # never drawn
        nets.say_above_bars("hplab x: a line")
    assert log.getvalue() == text + "hplab x: a line\n"


def test_a_pool_task_carries_the_commands_name_and_format():
    assert nets.carried_lines() is None and nets.command_name() == "hplab"
    with nets.command_lines("hplab capacity"):  # a script's main(): its own format stays
        assert nets.carried_lines() == ("hplab capacity", False, ())
    shown = (warnings.formatwarning, warnings.showwarning)
    with nets.command_lines("hplab capacity", warnings_as_lines=True):
        assert nets.carried_lines() == ("hplab capacity", True, ())
        warnings.warn("said once", UserWarning, stacklevel=1)
        assert nets.carried_lines() == ("hplab capacity", True,
                                        ("hplab capacity: warning: said once\n",))
    assert (warnings.formatwarning, warnings.showwarning) == shown
    with nets.lines_carried(("hplab study run", True, ())):  # in a worker process
        assert warnings.formatwarning("a", UserWarning, "f.py", 3) == (
            "hplab study run: warning: a\n")
    assert nets.command_name() == "hplab"
