"""The claim lock (FILE.claim) held by a worker that does not let go: said, and never deaf."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import optuna
import pytest

import study
from study import _claim_lock, _lock_holder

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(),
                                reason="Linux: /proc names a lock's holder")

# takes the flock of argv[1] as a worker's claim does, then ARGV[2]: "stop" (kill -STOP
# itself, as Ctrl-Z, a debugger or `docker pause` would a worker mid-claim) or a number of
# seconds to hold it
HOLDER = """
import fcntl, os, signal, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
if sys.argv[2] == "stop":
    os.kill(os.getpid(), signal.SIGSTOP)
else:
    time.sleep(float(sys.argv[2]))
"""


def _holder(claim: Path, how: str) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(claim), how],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    if how == "stop":
        deadline = time.monotonic() + 10
        while _lock_holder.process_state(holder.pid) != "T":
            assert time.monotonic() < deadline, "the holder never stopped"
            time.sleep(0.01)
    return holder


def _empty_study(tmp_path: Path, spec_file) -> Path:
    """``tmp_path/c.db`` holding study "c", created with a budget of 3 and no trial."""
    db = tmp_path / "c.db"
    spec = study.load_spec(spec_file("c", n_trials=3, max_epochs=2, pruner="none"))
    where = study.resolve_storage(str(db))
    store = study.open_storage(where, create=True)
    with study._registry.quiet_optuna():
        study.create_or_resume(spec, store, where)
    study.release(store)
    return db


def _trials(db: Path) -> int:
    return len(optuna.load_study(study_name="c", storage=f"sqlite:///{db}").get_trials())


@pytest.mark.parametrize("command, sig, code", [
    ("worker", signal.SIGINT, 130), ("worker", signal.SIGTERM, 143),
    ("run", signal.SIGINT, 130)])
def test_a_command_waiting_for_a_stopped_workers_claim_says_so_and_stops_on_a_signal(
        command, sig, code, tmp_path, spec_file):
    # QA: a worker stopped (SIGSTOP) while it held FILE.claim hung every other worker with
    # no word; Ctrl-C and SIGTERM did nothing until it was resumed, and then the run
    # created a trial only to close it as interrupted
    db = _empty_study(tmp_path, spec_file)
    claim = Path(f"{db}.claim")
    holder = _holder(claim, "stop")
    argv = {"worker": ["study", "worker", "--study", "c"],
            "run": ["study", "run", "c", "--no-report"]}[command]
    # a new session: SIGINT is not ignored there, as it is in a background job
    waiting = subprocess.Popen([sys.executable, "-m", "hplab", *argv, "--storage", str(db),
                                "--json"],
                               cwd=tmp_path, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    hung = threading.Timer(60, waiting.kill)  # it said nothing, and waited for good
    hung.start()
    try:
        said = next(line for line in waiting.stderr if "claim lock" in line)
        waiting.send_signal(sig)
        signalled = time.monotonic()
        out, err = waiting.communicate(timeout=30)
        err = said + err
        took = time.monotonic() - signalled
    finally:
        hung.cancel()
        waiting.kill()
        holder.kill()  # SIGKILL ends a stopped process too
        holder.wait()
    assert re.fullmatch(
        rf"hplab study {command}: waited \d+ s for {re.escape(str(claim))}, the study's claim "
        r"lock \(one worker at a time counts the trials and creates the next\); it is held "
        rf"by process {holder.pid} of this machine, which is stopped \(Ctrl-Z\?\): `kill -CONT "
        rf"{holder.pid}` lets it go on\n", said), said
    assert waiting.returncode == code, err
    assert took < 5, took  # was: not before the holder was resumed
    stop = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}[sig]
    assert err.endswith(f"hplab: {stop}\n"), err
    assert err.count("\n") == 2, err  # the wait, said once, and the stop
    assert _trials(db) == 0  # no trial made only to be closed as interrupted
    summary = json.loads(out)  # the study as the stop left it
    assert (summary["stopped"], summary["n_finished"], summary["n_running"]) == (stop, 0, 0)


@pytest.mark.parametrize("proc", ["linux", "none"])
def test_a_long_hold_of_a_running_holder_is_said_once_and_the_claim_taken_after_it(
        proc, tmp_path, spec_file, monkeypatch, capsys):
    # off Linux (no /proc: macOS, BSD) the wait is said all the same, without the holder
    if proc == "none":
        monkeypatch.setattr(_lock_holder, "PROC", tmp_path / "no-proc")
    monkeypatch.setattr(_claim_lock, "SAY_SECONDS", 0.5)
    db = _empty_study(tmp_path, spec_file)
    holder = _holder(Path(f"{db}.claim"), "2")
    where = study.resolve_storage(str(db))
    store = study.open_storage(where)
    lock = study.ClaimLock(store, where, "c")
    started = time.monotonic()
    try:
        lock.acquire()
        took = time.monotonic() - started
        assert lock.release()
    finally:
        holder.kill()
        holder.wait()
        study.release(store)
    assert 1 < took < 10
    who = (f"process {holder.pid} of this machine, which still runs" if proc == "linux"
           else "another process")
    err = capsys.readouterr().err
    assert re.fullmatch(rf"hplab: waited [01] s for {re.escape(str(db))}\.claim, the study's "
                        r"claim lock \(one worker at a time counts the trials and creates the "
                        rf"next\); it is held by {who}\n", err), err


def _nfs_flock(refused: int):
    """fcntl.flock as an NFS client's: emulated with fcntl locks, it refuses an exclusive
    lock through a read-only handle (EBADF); with ``refused`` ENOLCK, every lock (a mount
    whose lock daemon cannot be reached)."""
    import errno
    import fcntl

    flock = fcntl.flock

    def nfs_flock(fd, operation):
        read_only = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY
        if refused == errno.ENOLCK and operation & (fcntl.LOCK_EX | fcntl.LOCK_SH):
            raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
        if operation & fcntl.LOCK_EX and read_only:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return flock(fd, operation)

    return nfs_flock


def test_a_study_runs_on_nfs_where_an_exclusive_flock_needs_a_writable_handle(
        tmp_path, monkeypatch, spec_file, capsys):
    # QA: every study on a SQLite or journal file of an NFS home directory ended in
    # "hplab study run: error: Bad file descriptor", exit 2: the claim file was opened
    # read-only for its exclusive flock
    import errno
    import fcntl

    import hplab

    monkeypatch.setattr(fcntl, "flock", _nfs_flock(errno.EBADF))
    spec = spec_file("nfs", n_trials=3, max_epochs=2, pruner="none")
    for storage in (tmp_path / "s.db", f"journal:{tmp_path / 'j.log'}"):
        code = hplab.main(["study", "run", str(spec), "--storage", str(storage),
                           "--no-report", "--json"])
        out, err = capsys.readouterr()
        assert (code, err) == (0, ""), err
        assert json.loads(out)["n_finished"] == 3


def test_a_file_system_without_locks_runs_the_study_unlocked_and_says_so_once(
        tmp_path, monkeypatch, spec_file, capsys):
    import errno
    import fcntl

    import hplab

    monkeypatch.setattr(fcntl, "flock", _nfs_flock(errno.ENOLCK))
    log = tmp_path / "j.log"
    spec = spec_file("nolock", n_trials=3, max_epochs=2, pruner="none")
    code = hplab.main(["study", "run", str(spec), "--storage", f"journal:{log}", "--no-report",
                       "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out)["n_finished"] == 3
    assert err == (f"hplab study run: warning: cannot lock {log}.claim on this file system "
                   f"({os.strerror(errno.ENOLCK)}): its workers claim trials unlocked, and the "
                   "study may pass its budget by a trial a worker; a local folder, or "
                   "PostgreSQL (postgresql://...) for several machines, keeps it exact\n")
