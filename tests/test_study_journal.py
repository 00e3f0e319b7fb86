"""Journal-file storages: a dead worker's trial closed, a cut or full journal named in one line."""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import optuna
import pytest
from cli_helpers import as_a_user as _as_a_user, file_sha

import hplab
import reports
import study
from reports._cli import _json_keys

HAS_PROC = Path("/proc/self/stat").exists()  # process start times come from /proc


def test_a_journal_it_cannot_write_gets_no_resume_hint(tmp_path, spec_file):
    # QA: "... failed: Permission denied: runs/j2.log; trials that finished stay stored,
    # and the same command resumes the study": the same command is refused again
    import pwd

    prefix = _as_a_user(tmp_path)
    owner = pwd.getpwuid(os.getuid()).pw_name
    spec = spec_file("j", n_trials=1)
    assert study.run_study(study.load_spec(spec), storage=str(tmp_path / "j.log"),
                           progress=False)["n_finished"] == 1
    (tmp_path / "j.log").chmod(0o444)

    def run(storage):
        return subprocess.run([*prefix, sys.executable, "-m", "hplab", "study", "run", spec,
                               "--trials", "2", "--no-report", "--storage", storage],
                              capture_output=True, text=True, cwd=tmp_path, env={
                                  **os.environ,
                                  "PYTHONPATH": str(Path(__file__).resolve().parents[1])})

    done = run("j.log")
    # said as SQLite's (it read "storage journal:j.log failed: Permission denied: j.log")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", (
        f"hplab study run: error: cannot write j.log: the file (owner {owner}, mode 0444) is not "
        "writable; make it writable (chmod u+w) to run or join its study\n"))
    # QA: a writable journal in a read-only folder was said to be the file's fault
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "j.log").write_bytes((tmp_path / "j.log").read_bytes())
    (tmp_path / "ro").chmod(0o555)
    try:
        done = run("ro/j.log")
    finally:
        (tmp_path / "ro").chmod(0o755)
    assert (done.returncode, done.stderr) == (2, (
        f"hplab study run: error: cannot write ro/j.log: its folder ro (owner {owner}, mode 0555) "
        "is not writable (the journal itself is fine; its lock files go beside it); make it "
        "writable (chmod u+w), or copy j.log to a writable folder\n"))


def test_a_journals_os_error_is_worded_as_every_commands():
    # review: "Permission denied: j.log", where nets.os_error_line says "j.log: Permission
    # denied" and a write's "cannot write j.log: No space left on device"
    from study._storage_errors import failure_text

    where = study.resolve_storage("j.log")
    said = [failure_text(OSError(code, os.strerror(code), *name), where)
            for code, name in [(errno.EACCES, ["j.log"]), (errno.ENOSPC, ["j.log"]),
                               (errno.ENOSPC, [])]]
    assert said == ["j.log: Permission denied", "cannot write j.log: No space left on device",
                    "No space left on device"]


def test_journal_storage_runs_a_study(tmp_path, spec_file):
    log = tmp_path / "trials.log"
    summary = study.run_study(study.load_spec(spec_file("j", n_trials=3)), storage=str(log),
                              progress=False)
    assert summary["n_finished"] == 3 and log.stat().st_size > 0
    assert study.show_study("j", str(log))["n_complete"] + summary["n_pruned"] == 3


def test_a_journal_study_never_imports_sqlalchemy(tmp_path, spec_file):
    # every pruned trial asks whether a storage failure ended it: asked with SQLAlchemy's
    # errors, imported for it, the first one cost a journal's run ~0.3 s
    spec = spec_file("j", n_trials=3, pruner="threshold", pruner_options={"upper": 0.0})
    script = (f"import sys, study; s = study.run_study(study.load_spec({str(spec)!r}), "
              f"storage={str(tmp_path / 'j.log')!r}, progress=False); "
              "print(s['n_pruned'], sorted(m for m in sys.modules if 'sqlalchemy' in m))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert (done.returncode, done.stdout) == (0, "3 []\n"), done.stderr


def test_a_journal_study_closes_the_trial_of_a_dead_local_worker(tmp_path, spec_file):
    # a journal has no heartbeats: a killed worker's RUNNING trial held its slot forever
    log = tmp_path / "dead.log"
    spec = study.load_spec(spec_file("dead", n_trials=3, pruner="none"))
    study.run_study(spec.with_trials(2), storage=str(log), progress=False)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    s = optuna.load_study(study_name="dead", storage=study.open_storage(
        study.resolve_storage(str(log))))
    stuck = s.ask()  # as the dead worker left it: claimed, recorded, never finished
    s._storage.set_trial_user_attr(stuck._trial_id, study.RECORD_ATTR,
                                   {"worker": f"{socket.gethostname()}:{gone}", "run": "x"})
    summary = study.run_study(spec, storage=str(log), progress=False)
    assert summary["n_finished"] == 3 and summary["n_interrupted"] == 1
    info = study.trial_info(study.open_study("dead", str(log))[0].trials[stuck.number])
    assert info["status"] == "interrupted" and "died" in info["reason"]


def test_a_run_left_waiting_on_another_machines_worker_says_so(tmp_path, spec_file, capsys):
    # QA: a worker on another machine killed mid-trial: the run ended "trials 2/3 ...,
    # 1 running", exit 0, and said nothing of the trial no one runs
    log = tmp_path / "far.log"
    spec = spec_file("far", n_trials=3, pruner="none")
    study.run_study(study.load_spec(spec).with_trials(2), storage=str(log), progress=False)
    s = optuna.load_study(study_name="far", storage=study.open_storage(
        study.resolve_storage(str(log))))
    held = s.ask()  # claimed by a worker this machine cannot check
    s._storage.set_trial_user_attr(held._trial_id, study.RECORD_ATTR,
                                   {"worker": "machine2:123", "run": "x"})
    assert hplab.main(["study", "run", str(spec), "--storage", str(log), "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "trials 2/3: " in out and ", 1 running\n" in out
    assert ("1 trial still running in another worker: the study is done when it finishes. "
            "A journal cannot tell whether a worker on another machine is alive; if it "
            "died, `hplab study worker` on that machine closes its trial\n") in out
    assert hplab.main(["study", "show", "far", "--storage", str(log)]) == 0
    assert "still running" not in capsys.readouterr().out  # show: a study looked at


@pytest.mark.skipif(not HAS_PROC, reason="process start times come from /proc")
@pytest.mark.parametrize("stored", ["restarted", "older hplab"])
def test_a_journal_study_closes_a_dead_worker_whose_pid_this_run_was_given(
        tmp_path, spec_file, stored):
    # QA: a container restarted with the same hostname is pid 1 again: the dead worker's
    # host:pid was this very process, so its trial stayed RUNNING at every resume
    log = tmp_path / "reused.log"
    spec = study.load_spec(spec_file("reused", n_trials=3, pruner="none"))
    study.run_study(spec.with_trials(2), storage=str(log), progress=False)
    host_pid, _, start = study.worker_id().partition("@")
    ticks, _, boot = start.partition(".")
    dead = f"{host_pid}@{int(ticks) - 1}.{boot}" if stored == "restarted" else host_pid
    s = optuna.load_study(study_name="reused", storage=study.open_storage(
        study.resolve_storage(str(log))))
    stuck = s.ask()
    s._storage.set_trial_user_attr(stuck._trial_id, study.RECORD_ATTR,
                                   {"worker": dead, "run": "x"})
    # show says what the resume does on a journal (it said "failed and run again")
    shown = study.show_study("reused", str(log))
    lines = reports.study_lines(shown)
    assert lines[1].endswith(", 1 left running by a worker that stopped (closed when the "
                             "study resumes, a new trial in each one's place)"), lines[1]
    # review: the wording was chosen by the masked storage's "journal:" prefix; it is the
    # summary's heartbeats flag, keeps_heartbeats's, whatever the storage reads as
    assert shown["heartbeats"] is False
    assert reports.study_lines({**shown, "storage": log.name})[1] == lines[1]
    summary = study.run_study(spec, storage=str(log), progress=False)
    assert summary["n_finished"] == 3 and summary["n_interrupted"] == 1
    assert summary["n_running"] == 0
    info = study.trial_info(study.open_study("reused", str(log))[0].trials[stuck.number])
    assert info["status"] == "interrupted" and f"its worker {dead} died" in info["reason"]


@pytest.mark.skipif(not HAS_PROC, reason="process start times come from /proc")
def test_a_worker_id_tells_a_process_from_a_later_one_given_its_pid():
    live = subprocess.Popen(
        [sys.executable, "-c", "import sys, study; print(study.worker_id(), flush=True); "
         "sys.stdin.read()"], cwd=Path(hplab.__file__).parent, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    try:
        worker = live.stdout.readline().strip()
        host_pid, _, start = worker.partition("@")
        ticks, _, boot = start.partition(".")
        assert re.fullmatch(rf"{re.escape(socket.gethostname())}~[0-9a-f]+:{live.pid}",
                            host_pid) and ticks.isdigit()
        assert not study.ended_on_this_host(worker) and not study.ended_here(worker)
        assert not study.ended_on_this_host(host_pid)
        # the same pid, started at another time: a later process was given it
        assert study.ended_on_this_host(f"{host_pid}@{int(ticks) + 1}.{boot}")
        assert study.ended_here(f"{host_pid}@{int(ticks) + 1}.{boot}")
        # ...or at another boot: a journal's run takes it for gone (nothing else ends its
        # trial), what acts elsewhere does not: another machine of this hostname names its
        # live workers so (the review: show, a journal run and a report's cleanup took them
        # for gone, where only a heartbeat storage's run spared them)
        other_boot = f"{host_pid}@{ticks}.00000000"
        assert study.ended_on_this_host(other_boot) and not study.ended_here(other_boot)
    finally:
        live.stdin.close()
        live.wait()
    assert study.ended_on_this_host(worker) and study.ended_on_this_host(host_pid)
    assert study.ended_here(worker)
    assert not study.ended_here(host_pid)  # an older hplab's: no boot said
    own = study.worker_id()
    assert not study.ended_on_this_host(own) and not study.ended_here(own)
    assert not study.ended_on_this_host(f"elsewhere:{os.getpid()}")
    assert study.ended_on_this_host(own.partition("@")[0])  # this pid, by an older hplab
    assert not study.ended_here(f"{own.rpartition('.')[0]}.00000000")  # this pid, elsewhere


UNSHARE = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc"]


@pytest.mark.skipif(not HAS_PROC, reason="process start times come from /proc")
def test_a_live_worker_of_another_pid_namespace_is_not_taken_for_a_dead_one():
    """QA: a worker in another PID namespace on this host (a container with the host's
    name, ``unshare --pid``) has a pid that names another process here, or none: it was
    judged dead, `study show` called its trial left by a worker that stopped, and on a
    journal a `study run` failed its live trial and trained it again."""
    if subprocess.run([*UNSHARE, "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare --user --pid is not allowed here")
    live = subprocess.Popen(
        [*UNSHARE, sys.executable, "-c", "import sys, study; print(study.worker_id(), "
         "flush=True); sys.stdin.read()"], cwd=Path(hplab.__file__).parent,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        worker = live.stdout.readline().strip()
        assert worker.partition(":")[0] != study.worker_id().partition(":")[0]
        assert worker.split(":")[1].startswith("1@")  # pid 1 in its namespace
        assert not study.ended_on_this_host(worker)  # was: gone (pid 1 here started then)
        assert not study.ended_on_this_host(worker.partition("@")[0])
    finally:
        live.stdin.close()
        live.wait()
    # ended, still not judged from here: its pids are not this namespace's to look up
    assert not study.ended_on_this_host(worker) and not study.ended_here(worker)
    # an id of an older hplab (no namespace) is judged as before
    assert study.ended_on_this_host(worker.replace(worker.partition(":")[0],
                                            socket.gethostname()))


def test_a_text_file_is_not_taken_for_a_journal(tmp_path, spec_file, capsys):
    notes = tmp_path / "notes.log"
    notes.write_text("my notes\n")
    for argv in (["study", "run", str(spec_file("j", n_trials=1)), "--no-report"],
                 ["study", "list"], ["study", "show", "j"]):
        assert hplab.main([*argv, "--storage", str(notes)]) == 2
        err = capsys.readouterr().err
        assert "notes.log is not an optuna journal file" in err and err.count("\n") == 1
    assert notes.read_text() == "my notes\n"  # nothing appended


def test_a_journal_cut_short_is_read_but_refused_to_a_run_that_would_append(
        tmp_path, spec_file, capsys):
    # optuna's reader skips a last line cut short (a crash, a full disk) or not JSON, but a
    # run appended its records to it: a broken line mid-file, every command failed after
    spec = spec_file("cut", n_trials=2, max_epochs=2, pruner="none")
    log = tmp_path / "cut.log"
    assert hplab.main(["study", "run", str(spec), "--no-report", "--storage", str(log)]) == 0
    lines = log.read_bytes().splitlines(keepends=True)
    whole, n = b"".join(lines[:-1]), len(lines)
    junk = tmp_path / "junk.log"
    log.write_bytes(whole + lines[-1][:-40])
    junk.write_bytes(whole + b"garbage\n")
    capsys.readouterr()
    for path, broken in ((log, "cut short"), (junk, "not JSON")):
        before = file_sha(path)
        assert study.show_study("cut", str(path))["n_complete"] == 1  # as optuna reads it
        for argv in (["study", "run", str(spec), "--trials", "4", "--no-report"],
                     ["study", "worker", "--study", "cut"]):
            assert hplab.main([*argv, "--storage", str(path)]) == 2
            refused = capsys.readouterr().err
            assert refused == (
                f"hplab study {argv[1]}: error: "
                f"{path}: its last line ({n}) is {broken} (a crash or a "
                "full disk?), and trials added after it would make the whole journal "
                f"unreadable; keep only lines 1-{n - 1}, in place (a copy first): head -n "
                f"{n - 1} {path} > {path}.fixed && mv {path}.fixed {path}\n")
        # QA: readers said nothing, and show called the cut trial one "left running"
        said = refused.partition("error: ")[2]
        for argv in (["show", "cut"], ["list"], ["export", "cut", "--csv",
                                                 str(tmp_path / "cut.csv")]):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                assert hplab.main(["study", *argv, "--storage", str(path), "--json"]) == 0
            assert [str(w.message) + "\n" for w in caught] == [said]
        # the program says it as a warning line of its own
        listed = subprocess.run([sys.executable, "-m", "hplab", "study", "list", "--storage",
                                 str(path)], capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(Path(hplab.__file__).parent)})
        assert (listed.returncode, listed.stderr) == (0, f"hplab study list: warning: {said}")
        assert file_sha(path) == before
    # as the message says (QA: it said "> fixed.log" and "use that file": a storage of
    # another name, which made a second report folder of the study): the run goes on
    hplab.main(["study", "run", str(spec), "--trials", "4", "--no-report", "--storage",
                str(log)])
    advice = capsys.readouterr().err.rpartition("(a copy first): ")[2].strip()
    subprocess.run(["sh", "-c", advice], check=True)
    assert log.read_bytes() == whole and not Path(f"{log}.fixed").exists()
    assert hplab.main(["study", "run", str(spec), "--trials", "4", "--no-report",
                       "--storage", str(log)]) == 0
    shown = study.show_study("cut", str(log))  # the trial whose end was cut: still
    assert (shown["n_complete"], shown["n_running"]) == (3, 1)  # running (this process)


@pytest.mark.parametrize(("name", "cut"), [("one.log", None), ("one.log", 60),
                                           ("one.journal", 60)])
def test_a_journal_whose_only_line_is_cut_is_said_to_hold_no_whole_record(
        name, cut, tmp_path, spec_file, capsys):
    # review: "keep only lines 1-0, in place (a copy first): head -n 0 nl.log > ..."; QA: a
    # crash mid-write of the first line (its study's creation) left '{"op_code":0,"worker_
    # id":"7b8b...': "not an optuna journal file; give another path", where a cut last
    # line of a longer journal is named with its mend (cut None: the whole line, no newline)
    spec = spec_file("one", n_trials=1, max_epochs=2, pruner="none")
    log = tmp_path / name
    assert hplab.main(["study", "run", str(spec), "--no-report", "--storage",
                       f"journal:{log}"]) == 0
    first = log.read_bytes().splitlines()[0][:cut]
    log.write_bytes(first)  # by its content too: a .journal is known by its first bytes
    capsys.readouterr()
    said = (f"{log}: its last line (1) is cut short (a crash or a full disk?), and trials "
            "added after it would make the whole journal unreadable; it holds no whole "
            f"record, so nothing is lost in removing it: rm {log} (or give another path)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert hplab.main(["study", "list", "--storage", str(log), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert [str(w.message) for w in caught] == [said]
    assert hplab.main(["study", "run", str(spec), "--no-report", "--storage", str(log)]) == 2
    assert capsys.readouterr().err == f"hplab study run: error: {said}\n"
    # the warning a reader gives is not said on an error: the missing study's names it
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert hplab.main(["study", "show", "one", "--storage", str(log)]) == 2
    assert capsys.readouterr().err == ("hplab study show: error: no study 'one' in "
                                       f"journal:{log}; studies there: none; {said}\n")
    assert log.read_bytes() == first  # nothing written, nothing mended unasked
    subprocess.run(["sh", "-c", said.rpartition(": ")[2].partition(" (")[0]], check=True)
    assert hplab.main(["study", "run", str(spec), "--no-report", "--storage",
                       f"journal:{log}"]) == 0
    assert study.show_study("one", f"journal:{log}")["n_complete"] == 1


@pytest.mark.parametrize("command", ["show", "export", "report"])
def test_a_journal_cut_in_its_spec_line_is_refused_naming_that_line(
        command, tmp_path, spec_file, capsys):
    # review: show/export/report blamed a run stopped before storing the spec and advised
    # `study run`, which then refused the cut line; the warning naming it was dropped
    spec = spec_file("cut", n_trials=1, max_epochs=2, pruner="none")
    log = tmp_path / "cut.log"
    assert hplab.main(["study", "run", str(spec), "--no-report", "--storage", str(log)]) == 0
    lines = log.read_bytes().splitlines(keepends=True)
    spec_line = next(i for i, line in enumerate(lines) if study.SPEC_ATTR.encode() in line)
    log.write_bytes(b"".join(lines[:spec_line]) + lines[spec_line][:50])
    before = file_sha(log)
    n = spec_line + 1
    refusal = (f"{log}: its last line ({n}) is cut short (a crash or a full disk?), and "
               "trials added after it would make the whole journal unreadable; keep only "
               f"lines 1-{n - 1}, in place (a copy first): head -n {n - 1} {log} > "
               f"{log}.fixed && mv {log}.fixed {log}")
    argv = {"show": ["show", "cut"], "export": ["export", "cut", "--csv",
                                                 str(tmp_path / "cut.csv")],
            "report": ["report", "cut", "--out", str(tmp_path / "rep")]}[command]
    capsys.readouterr()
    assert hplab.main(["study", *argv, "--storage", str(log)]) == 2
    assert capsys.readouterr().err == f"hplab study {command}: error: {refusal}\n"
    assert hplab.main(["study", "run", str(spec), "--no-report", "--storage", str(log)]) == 2
    assert capsys.readouterr().err == f"hplab study run: error: {refusal}\n"
    assert file_sha(log) == before and not (tmp_path / "rep").exists()
    if command == "show":  # as the refusal says: the study, empty, is the run's again
        subprocess.run(["sh", "-c", refusal.rpartition("(a copy first): ")[2]], check=True)
        assert hplab.main(["study", "run", str(spec), "--no-report", "--storage",
                           str(log)]) == 0
        assert study.show_study("cut", str(log))["n_complete"] == 1


@pytest.mark.parametrize("full_at", ["tell", "record"])
def test_a_journal_on_a_full_disk_fails_in_one_line_and_writes_nothing_more(
        full_at, tmp_path, spec_file, monkeypatch, capsys):
    # a full disk in optuna's tell ended in a traceback (the OSError, then optuna's
    # "AssertionError: Should not reach.") and exit 1; one in a trial's record wrote again
    from optuna.storages.journal import JournalFileBackend

    spec = spec_file("full", n_trials=2, max_epochs=2, pruner="none")
    log = tmp_path / "full.log"
    run = ["study", "run", str(spec), "--no-report", "--storage", str(log)]
    assert hplab.main(run) == 0
    stored = log.read_bytes()
    append_logs, failed = JournalFileBackend.append_logs, []

    def filling_up(self, logs):
        # the disk fills up at the next trial's tell (or record): half its line fits
        ends = "datetime_complete" in logs[0] if full_at == "tell" else \
            "record" in logs[0].get("user_attr", {})
        if not failed and not ends:
            return append_logs(self, logs)
        if not failed:
            line = json.dumps(logs[0], separators=(",", ":")).encode()
            with open(self._file_path, "ab") as f:
                f.write(line[:len(line) // 2])
        failed.append(logs)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(JournalFileBackend, "append_logs", filling_up)
    capsys.readouterr()
    assert hplab.main([*run, "--trials", "4", "--json"]) == 2  # --json: no progress bar
    lines = len(log.read_bytes().splitlines())
    # QA: "the same command resumes the study", and the same command was refused for the
    # line the full disk cut: said with the mend it needs first
    assert capsys.readouterr().err == (
        f"hplab study run: error: storage journal:{log} failed: No space left on device; trials "
        f"that finished stay stored, and the same command resumes the study once its last "
        f"line ({lines}), cut short by the failure, is mended: keep only lines 1-{lines - 1}, "
        f"in place (a copy first): head -n {lines - 1} {log} > {log}.fixed && mv {log}.fixed "
        f"{log}\n")
    assert len(failed) == 1  # nothing written after the cut line: it stays the last one
    monkeypatch.setattr(JournalFileBackend, "append_logs", append_logs)
    assert log.read_bytes().startswith(stored)
    assert study.show_study("full", str(log))["n_complete"] == 2
    assert hplab.main([*run, "--trials", "4"]) == 2
    assert f"its last line ({lines}) is cut short" in capsys.readouterr().err
    # mended as said, the same command resumes the study
    subprocess.run(f"head -n {lines - 1} {log} > {log}.fixed && mv {log}.fixed {log}",
                   shell=True, check=True)
    assert hplab.main([*run, "--trials", "4"]) == 0
    # the budget filled (a tell the full disk cut leaves its trial RUNNING, this process's,
    # which lives on where a command's ends; a record's, interrupted, is run again)
    trials = study.open_study("full", str(log))[0].trials
    assert study.budget_used(trials) == 4
    assert sum(t.state.name == "COMPLETE" for t in trials) >= 3


@pytest.mark.parametrize("record, line, why", [
    (b'{"op_code": 0}', 1, "a record without 'study_name'"),
    (b'{"op_code": 99}', 1, "an unknown op_code"),
    (b'{"op_code": 5}', 1, "a record without 'trial_id'"),
    (b"[1, 2, 3]", 2, "not an optuna record: list indices must be integers or slices, not str"),
    (b'{"op_code": 8, "user_attr": {not JSON}}', 2, "not JSON"),
])
def test_a_journal_line_optuna_cannot_replay_is_named_in_one_line(
        record, line, why, tmp_path, spec_file, capsys):
    # these gave a KeyError, AssertionError or TypeError traceback in every study command
    log = tmp_path / "j.log"
    first = b'{"op_code":0,"worker_id":"w","study_name":"j","directions":[1]}\n'
    log.write_bytes((first if line == 2 else b"") + record + b"\n" + first * (line - 1))
    before = file_sha(log)
    for argv in (["list"], ["show", "j"], ["export", "j", "--csv", str(tmp_path / "j.csv")],
                 ["report", "j", "--out", str(tmp_path / "rep")],
                 ["run", str(spec_file("j", n_trials=1)), "--no-report"]):
        assert hplab.main(["study", *argv, "--storage", str(log)]) == 2
        said = (f"{log} is not an optuna journal file (line 1: {why})" if line == 1 else
                f"{log}: line 2 of this journal is damaged ({why}); keep only lines 1-1, in "
                f"place (a copy first): head -n 1 {log} > {log}.fixed && mv {log}.fixed {log}")
        assert capsys.readouterr().err == f"hplab study {argv[0]}: error: {said}\n"
    assert file_sha(log) == before


@pytest.mark.skipif(not HAS_PROC, reason="process start times come from /proc")
def test_a_dead_worker_of_another_pid_namespace_on_a_journal_is_failed_as_the_readme_says(
        tmp_path, spec_file):
    # QA: the README said a container restarted with the same hostname closes its dead
    # worker's trial; its namespace is a new one, and a worker of another is never judged
    # (the trial stays RUNNING on a journal): the README's `optuna tell` fails it
    import shlex

    from cli_helpers import readme_words

    log = tmp_path / "restarted.log"
    spec = study.load_spec(spec_file("restarted", n_trials=3, pruner="none"))
    study.run_study(spec.with_trials(2), storage=str(log), progress=False)
    host, _, rest = study.worker_id().partition(":")
    dead = f"{host.partition('~')[0]}~1:1@{rest.partition('@')[2]}"  # another namespace
    s = optuna.load_study(study_name="restarted", storage=study.open_storage(
        study.resolve_storage(str(log))))
    stuck = s.ask()
    s._storage.set_trial_user_attr(stuck._trial_id, study.RECORD_ATTR,
                                   {"worker": dead, "run": "x"})
    assert not study.ended_on_this_host(dead)
    summary = study.run_study(spec.with_trials(2), storage=str(log), progress=False)
    assert summary["n_running"] == 1 and summary["n_stale"] == 0
    said = re.search(r"until you fail it, `(optuna tell [^`]*)`", readme_words())[1]
    assert said == ("optuna tell --storage FILE --storage-class JournalFileBackend "
                    "--study-name NAME --trial-number N --state fail")
    argv = shlex.split(said.replace("FILE", str(log)).replace("NAME", "restarted")
                       .replace(" N ", f" {stuck.number} "))
    tool = Path(sys.executable).with_name("optuna")
    done = subprocess.run([str(tool), *argv[1:]], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    summary = study.show_study("restarted", str(log))
    assert summary["n_running"] == 0 and summary["n_fail"] == 1
    assert summary["n_finished"] == 3
    # it counts as a failed trial: one more in the budget runs another in its place
    assert ("(N: its RUNNING row's `number` in `study export --csv`; it counts as a failed "
            "trial: raise `--trials` by one for another in its place)") in readme_words()
    summary = study.run_study(spec.with_trials(4), storage=str(log), progress=False)
    assert summary["n_complete"] == 3 and summary["n_fail"] == 1
    assert summary["n_finished"] == 4 and summary["n_running"] == 0


def test_a_journal_reports_outcome_caption_says_a_dead_workers_trial_is_closed(
        tmp_path, spec_file):
    # QA: the caption said "A dead worker's trial is retried, so its retry holds its slot"
    # above "interrupted 2" on a journal, which closes it and draws a new point instead
    import html

    spec = spec_file("cap", n_trials=2, max_epochs=2, pruner="none")
    captions = {}
    for storage in ("cap.log", "cap.db"):
        study.run_study(study.load_spec(spec), storage=str(tmp_path / storage))
        page = reports.study_report("cap", storage=str(tmp_path / storage),
                                    out=tmp_path / storage.replace(".", "-"))
        text = html.unescape(Path(page).read_text())
        captions[storage] = re.search(r"Trials by outcome\.[^<]*", text).group(0).strip()
    assert captions["cap.log"].endswith(
        "errors fail. A dead worker's trial is closed as interrupted (this storage keeps no "
        "heartbeats), and a new trial takes its slot.")
    assert captions["cap.db"].endswith(
        "errors and dead workers fail. A dead worker's trial is retried, so its retry holds "
        "its slot.")
    # and so does n_stale's key text, of every command printing a study's summary
    for command in (("study", "run"), ("study", "worker"), ("study", "show"), ("demo",)):
        assert ("the next run or worker closes them: failed and run again where heartbeats "
                "is true, closed as interrupted on a journal (failed, one no worker entered), "
                "a new trial in each one's place") in _json_keys.JSON_KEYS[command], command


def test_a_journal_trial_no_worker_entered_is_left_running_past_the_grace(
        tmp_path, spec_file, capsys):
    # QA: RUNNING trials without hplab's record (runs killed as they claimed) counted as
    # running in show, list and the report for minutes, while the next run failed them
    # ("no worker ever entered it") and ran others in their place: read by the same rule
    log = tmp_path / "ne.log"
    spec = study.load_spec(spec_file("ne", n_trials=2, pruner="none", heartbeat_interval=1,
                                     grace_period=2))
    study.run_study(spec.with_trials(1), storage=str(log), progress=False)
    s = optuna.load_study(study_name="ne", storage=study.open_storage(
        study.resolve_storage(str(log))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        lost = s.ask()  # created, never entered: as a run killed at its claim left one
    shown = study.show_study("ne", str(log))
    assert (shown["n_running"], shown["n_stale"]) == (1, 0)  # within the grace: it may be
    time.sleep(2.5)
    before = log.read_bytes()
    shown = study.show_study("ne", str(log))
    assert (shown["n_running"], shown["n_stale"]) == (1, 1)  # was (1, 0) for good
    assert [row["n_stale"] for row in study.list_studies(str(log))] == [1]
    assert hplab.main(["study", "show", "ne", "--storage", str(log)]) == 0
    # QA: "(closed as interrupted when the study resumes ...)", where the run fails it
    assert ", 1 left running by a worker that stopped (closed when the study resumes, a new " \
        "trial in each one's place)\n" in capsys.readouterr().out
    assert log.read_bytes() == before  # read only: the run closes it, not show
    summary = study.run_study(spec, storage=str(log), progress=False)
    assert (summary["n_finished"], summary["n_running"], summary["n_stale"]) == (2, 0, 0)
    info = study.trial_info(study.open_study("ne", str(log))[0].trials[lost.number])
    assert info == {}  # failed by the run as no worker entered it
    assert summary["problems"][0]["number"] == lost.number
