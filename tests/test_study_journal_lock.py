"""A journal's write lock (optuna's FILE.lock) left by a crash: taken over, and never a hang."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import optuna
import pytest

import study
from study import _journal_lock

ROOT = Path(__file__).resolve().parents[1]


def _journal_study(folder: Path, spec: Path, budget: int) -> Path:
    """``folder/runs/j.log`` holding study "j" with one trial and a budget of ``budget``."""
    log = folder / "runs" / "j.log"
    assert study.run_study(study.load_spec(spec), storage=str(log))["n_finished"] == 1
    stored = optuna.load_study(study_name="j", storage=optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(log))))
    raw = stored.user_attrs[study.SPEC_ATTR]
    raw["study"]["n_trials"] = budget
    stored.set_user_attr(study.SPEC_ATTR, raw)
    return log


def _spec(spec_file) -> Path:
    return spec_file("j", n_trials=1, max_epochs=2, pruner="none")


def _crash_lock(log: Path, age: float) -> Path:
    """The lock a run SIGKILLed ``age`` seconds ago mid-write left, with the relative
    target an hplab of before gave optuna (``runs/j.log``, read from runs/: nowhere)."""
    lock = log.with_name(log.name + ".lock")
    lock.symlink_to("runs/j.log")
    made = time.time() - age
    os.utime(lock, (made, made), follow_symlinks=False)
    return lock


def _hplab(argv, cwd, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "hplab", *argv], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs)


def test_the_journal_lock_names_the_file_by_its_absolute_path(tmp_path, monkeypatch):
    # QA: optuna's link runs/kl.log.lock -> runs/kl.log pointed at runs/runs/kl.log
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "a.log").touch()
    backend = study.open_storage(study.resolve_storage("runs/a.log"))._backend
    assert backend._lock._lock_target_file == str(tmp_path / "runs" / "a.log")
    assert backend._file_path == str(tmp_path / "runs" / "a.log")


def test_a_lock_a_crash_left_long_ago_is_taken_over_at_once(tmp_path, spec_file):
    # QA: every later run on the journal spun for good, saying only optuna's "[W ...] It
    # is taking longer than 10.0 seconds to acquire the lock file" every 10 s
    log = _journal_study(tmp_path, _spec(spec_file), budget=2)
    lock = _crash_lock(log, age=120)
    run = _hplab(["study", "run", "j", "--storage", "runs/j.log", "--no-report", "--json"],
                 tmp_path)
    try:
        out, err = run.communicate(timeout=60)
    finally:
        run.kill()
    assert run.returncode == 0, err
    assert err.splitlines()[0].startswith(
        f"hplab study run: removed {lock}, the journal's write lock, held for ")
    assert err.splitlines()[0].endswith(" s: a command that crashed left it")
    assert "[W " not in err and err.count("\n") == 1
    assert study.show_study("j", str(log))["n_finished"] == 2
    assert not lock.is_symlink()


def test_a_fresh_lock_is_taken_over_after_the_grace_said_in_one_line(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(_journal_lock, "GRACE_SECONDS", 2.0)
    log = tmp_path / "j.log"
    log.touch()
    lock = _journal_lock.JournalLock(str(log))
    Path(lock._lock_file).symlink_to("nowhere")  # a link to nowhere ages all the same
    started = time.monotonic()
    assert lock.acquire()
    assert 1.5 < time.monotonic() - started < 10
    lock.release()
    err = capsys.readouterr().err
    assert err == (f"hplab: waiting for {log}.lock, the journal's write lock, held for 1 s "
                   "(a command that crashed may have left it): taken over in 1 s\n")


@pytest.mark.parametrize("command, sig, code", [
    ("worker", signal.SIGTERM, 143), ("worker", signal.SIGINT, 130),
    ("run", signal.SIGINT, 130)])
def test_a_command_waiting_for_the_journals_lock_stops_on_a_signal(
        command, sig, code, tmp_path, spec_file):
    # QA: a `study worker` waiting there ignored `timeout 45` (SIGTERM), SIGINT and
    # SIGTERM again: it holds them between trials, and the lock never came
    log = _journal_study(tmp_path, _spec(spec_file), budget=3)
    lock = _crash_lock(log, age=0)
    argv = {"worker": ["study", "worker", "--study", "j"],
            "run": ["study", "run", "j", "--no-report"]}[command]
    # a new session: SIGINT is not ignored there, as it is in a background job
    waiting = _hplab([*argv, "--storage", "runs/j.log"], tmp_path, start_new_session=True)
    hung = threading.Timer(60, waiting.kill)  # it said nothing, and spun for good
    hung.start()
    try:
        # past a worker's progress bar (a line of its own: the wait is said above it)
        said = next(line for line in waiting.stderr if "waiting for" in line)
        assert said.startswith(f"hplab study {command}: waiting for {lock}, the journal's "
                               "write lock, held for "), said
        waiting.send_signal(sig)
        err = said + waiting.communicate(timeout=15)[1]
    finally:
        hung.cancel()
        waiting.kill()
    assert waiting.returncode == code, err
    assert lock.is_symlink()  # another's lock: never removed by an interrupt
    assert study.show_study("j", str(log))["n_finished"] == 1
