"""Workers as separate processes: a SIGKILLed worker's trial is retried; PostgreSQL sharing."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import types
import uuid
import warnings
from pathlib import Path

import optuna
import pytest
from cli_helpers import run_cli
from optuna.trial import TrialState

import hplab
import study

ROOT = Path(__file__).resolve().parents[1]


def start_worker(name, storage, cwd, *extra):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(ROOT / "hplab.py"), "study", "worker",
                             "--study", name, "--storage", str(storage), "--json", *extra],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def create(spec, storage):
    where = study.resolve_storage(str(storage))
    store = study.open_storage(where, create=True)
    with study._registry.quiet_optuna():
        study.create_or_resume(spec, store, where)
    return optuna.load_study(study_name=spec.name, storage=store)


def _ask_spec_point(s):
    """A trial asked of study ``s`` in the `spec_file` space, as another client (or a
    worker killed before its objective's end) leaves one RUNNING."""
    with warnings.catch_warnings():  # asked, not optimized: optuna says heartbeats are not
        warnings.simplefilter("ignore")  # used so (no heartbeat thread)
        return s.ask({"lr": optuna.distributions.FloatDistribution(0.05, 2.0, log=True),
                      "width": optuna.distributions.IntDistribution(2, 6)})


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def in_training(trial) -> bool:
    """Whether a stored trial is in training: RUNNING with its parameters sampled (its
    first record is stored before that) and no final record (a status) yet. A RUNNING
    trial may also be storing its end, which a signal lets finish."""
    return (trial.state == TrialState.RUNNING and bool(trial.params)
            and "status" not in study.trial_info(trial))


def finish(proc, timeout=120):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out)


@pytest.mark.slow
def test_sigkilled_worker_trial_turns_fail_and_is_retried(spec_file, tmp_path):
    # ~0.5 s trials, heartbeat every second, stale after 3 s
    path = _slow_spec(spec_file, "kill", n_trials=6, heartbeat_interval=1, grace_period=3)
    db = tmp_path / "kill.db"
    s = create(study.load_spec(path), db)
    # the survivor joins once the victim is dead: started together, on a busy machine it
    # could run every trial while the victim was still importing, and none was killed
    victim = start_worker("kill", db, tmp_path)
    mine = f":{victim.pid}"

    def victim_mid_trial():
        trials = s.get_trials(deepcopy=False)
        done = [t for t in trials if t.state.is_finished()]
        running = [t for t in trials if in_training(t)
                   and study.trial_info(t).get("worker", "").partition("@")[0].endswith(mine)]
        return running[0] if done and running else None

    # frozen (SIGSTOP) before it is judged mid-trial: a ~0.5 s trial seen running could end
    # in the moment before the kill, and the victim be between trials when it dies
    for _ in range(20):
        wait_for(victim_mid_trial, 90, "the victim to be mid-trial")
        victim.send_signal(signal.SIGSTOP)
        if (killed := victim_mid_trial()) is not None:
            break
        victim.send_signal(signal.SIGCONT)
    assert killed is not None, "the victim was never caught mid-trial"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    finished_before = {t.number: (t.state, t.values) for t in s.get_trials()
                       if t.state.is_finished()}
    summary = finish(start_worker("kill", db, tmp_path))

    trials = s.get_trials()
    by_number = {t.number: t for t in trials}
    assert by_number[killed.number].state == TrialState.FAIL
    # its retry; under load that retry may itself have run on the other pool worker, which
    # joblib ended too, and been retried in turn (max_retry 2): the chain's last finished
    retries = [t for t in trials if killed.number in t.system_attrs.get("retry_history", ())]
    assert 1 <= len(retries) <= 2 and retries[-1].state.is_finished()
    assert all(t.state == TrialState.FAIL for t in retries[:-1])
    assert all(t.params == killed.params for t in retries)
    for number, state_values in finished_before.items():  # no finished trial lost
        assert (by_number[number].state, by_number[number].values) == state_values
    assert summary["n_finished"] == 6 and summary["n_retried"] == 1
    assert study.budget_used(trials) == 6 and summary["n_running"] == 0
    # QA: counted as retried, it was in no problem line (or, closed as interrupted by a
    # storage failure, was said "interrupted" beside "1 retried, 0 interrupted")
    # QA: show said "a new trial ran its slot", the export "run again as #9", of one trial:
    # one text, the retry's number in it
    said = f"its worker, a process of this machine, ended; run again as #{retries[0].number}"
    assert [p for p in summary["problems"] if p["status"] == "retried"] == [
        {"number": killed.number, "state": "fail", "status": "retried", "reason": said}]
    # its record is the one of its start (no status, no reason): the export said nothing of
    # why it failed; its reason column says what the report's table does
    with study.export_csv("kill", tmp_path / "kill.csv", storage=str(db)).open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[-1] == "reason"
    row = rows[killed.number]
    assert (row["number"], row["state"], row["user_attrs_status"]) == (
        str(killed.number), "FAIL", "")
    # why, as show says it (review: the export said "its worker stopped (no heartbeat)")
    assert row["reason"] == said
    assert {r["reason"] for r in rows if r["state"] == "COMPLETE"} == {""}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="process start times come from /proc")
def test_a_trial_whose_worker_ended_on_this_machine_is_retried_without_waiting_the_grace(
        spec_file, tmp_path):
    # QA 64: after a PostgreSQL restart ended its workers, `study show` told their trials
    # stale at once (their processes ended here), and the resume sat idle until their last
    # heartbeats were study.grace_period old
    db = tmp_path / "dead.db"
    # room for a trial more than the held one: the resume starts one before it must wait
    spec = study.load_spec(spec_file("dead", n_trials=4, pruner="none", grace_period=60))
    study.run_study(spec.with_trials(2), storage=str(db), progress=False)
    dead = subprocess.run([sys.executable, "-c", "import study; print(study.worker_id())"],
                          capture_output=True, text=True, check=True,
                          cwd=Path(hplab.__file__).parent).stdout.strip()
    storage = study.open_storage(study.resolve_storage(str(db)), heartbeat_interval=5,
                                 grace_period=60)
    s = optuna.load_study(study_name="dead", storage=storage)
    held = _ask_spec_point(s)
    storage.record_heartbeat(held._trial_id)  # a beat of a moment ago: live to the grace
    storage.set_trial_user_attr(held._trial_id, study.RECORD_ATTR, {"worker": dead,
                                                                    "run": "x"})
    study.release(storage)
    assert study.show_study("dead", str(db))["n_stale"] == 1
    start = time.monotonic()
    summary = study.run_study(spec, storage=str(db), progress=False)
    assert time.monotonic() - start < 30  # not the grace's 60 s
    assert (summary["n_finished"], summary["n_retried"], summary["n_running"]) == (4, 1, 0)
    trials = study.open_study("dead", str(db))[0].trials
    assert trials[held.number].state == TrialState.FAIL
    # at the resume's first trial, its beat a moment old (QA: only once it was two
    # intervals old, a whole trial later)
    ran = [t for t in trials if t.number > held.number]
    assert trials[held.number].datetime_complete <= min(t.datetime_start for t in ran)
    retry = [t for t in trials if held.number in t.system_attrs.get("retry_history", ())]
    assert len(retry) == 1 and retry[0].params == held.params  # run again, as a stale one
    # and said why (QA: "its worker stopped sending heartbeats", its beat a moment old)
    problem = next(p for p in study.show_study("dead", str(db))["problems"]
                   if p["number"] == held.number)
    assert problem["reason"] == ("its worker, a process of this machine, ended; run again "
                                 f"as #{retry[0].number}")


def test_a_stale_trial_whose_retry_was_lost_with_the_worker_that_failed_it_is_retried(
        spec_file, tmp_path):
    # CI flake of session 72: a pool worker failed its dead sibling's trial as stale, and
    # joblib ended it before optuna's callback queued the retry; the trial stayed FAIL,
    # counted, the study run once fewer than its budget. Built here: the trial failed as
    # the staleness check does it (its cause stored, then FAIL), and no retry.
    db = tmp_path / "lost.db"
    spec = study.load_spec(spec_file("lost", n_trials=3, pruner="none", grace_period=60))
    study.run_study(spec.with_trials(1), storage=str(db), progress=False)
    storage = study.open_storage(study.resolve_storage(str(db)), heartbeat_interval=5,
                                 grace_period=60)
    s = optuna.load_study(study_name="lost", storage=storage)
    lost = _ask_spec_point(s)
    storage.set_trial_user_attr(lost._trial_id, study.RECORD_ATTR,
                                {"worker": "gone:1@x", "run": "x"})
    from study._stale_cause import CAUSE_ATTR

    storage.set_trial_system_attr(lost._trial_id, CAUSE_ATTR,
                                  {"number": lost.number, "cause": "ended"})
    storage.set_trial_state_values(lost._trial_id, TrialState.FAIL)
    # and one another program told FAIL (no cause): not hplab's to run again
    told = _ask_spec_point(s)
    s.tell(told, state=TrialState.FAIL)
    study.release(storage)
    summary = study.run_study(spec, storage=str(db), progress=False)
    trials = study.open_study("lost", str(db))[0].trials
    again = [t for t in trials if t.system_attrs.get("failed_trial") == lost.number]
    assert len(again) == 1 and again[0].params == lost.params
    assert again[0].state == TrialState.COMPLETE
    assert not any(t.system_attrs.get("failed_trial") == told.number for t in trials)
    # the lost one's slot is its retry's: 1 + the retry + the told one = 3
    assert study.budget_used(trials) == 3 == summary["n_finished"]
    problem = next(p for p in study.show_study("lost", str(db))["problems"]
                   if p["number"] == lost.number)
    assert problem["reason"] == ("its worker, a process of this machine, ended; run again "
                                 f"as #{again[0].number}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="process start times come from /proc")
def test_why_a_trial_was_failed_as_stale_is_stored_then_and_said_alike_for_good(
        spec_file, tmp_path):
    # review: show judged the cause again at each look: a trial failed for its silent
    # heartbeats while its worker's process lived read "its worker, a process of this
    # machine, ended" once that process exited; the export said "(no heartbeat)"
    db = tmp_path / "r.db"
    spec = study.load_spec(spec_file("r", n_trials=3, pruner="none", grace_period=10,
                                     heartbeat_interval=2))
    study.run_study(spec.with_trials(1), storage=str(db), progress=False)
    live = subprocess.Popen([sys.executable, "-c", "import study, sys; "
                             "print(study.worker_id(), flush=True); sys.stdin.read()"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    try:
        worker = live.stdout.readline().strip()
        storage = study.open_storage(study.resolve_storage(str(db)), heartbeat_interval=2,
                                     grace_period=10)
        s = optuna.load_study(study_name="r", storage=storage)
        held = _ask_spec_point(s)
        storage.record_heartbeat(held._trial_id)
        storage.set_trial_user_attr(held._trial_id, study.RECORD_ATTR,
                                    {"worker": worker, "run": "x"})
        study.release(storage)
        with contextlib.closing(sqlite3.connect(db)) as con, con:
            con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', '-60 "
                        "seconds')")
        study.run_study(spec, storage=str(db), progress=False)
        trials = study.open_study("r", str(db))[0].trials
        again = next(t.number for t in trials
                     if held.number in t.system_attrs.get("retry_history", ()))
        said = f"its worker stopped sending heartbeats; run again as #{again}"
        assert _reason(db, held.number) == said
    finally:
        live.stdin.close()
        live.wait(timeout=30)
    assert study.ended_here(worker)  # its process gone: the trial's cause is as it was
    assert _reason(db, held.number) == said
    with study.export_csv("r", tmp_path / "r.csv", storage=str(db)).open() as f:
        row = list(csv.DictReader(f))[held.number]
    assert row["reason"] == said  # as show says it
    # the retry holds optuna's copy of the failed trial's system attributes: not its cause
    from study._stale_cause import CAUSE_ATTR, stored_cause

    assert CAUSE_ATTR in trials[again].system_attrs and stored_cause(trials[again]) is None
    assert "system_attrs_hplab_stale_cause" not in row  # said in reason, not as a column


def _reason(db, number: int) -> str:
    return next(p["reason"] for p in study.show_study("r", str(db))["problems"]
                if p["number"] == number)


@pytest.mark.slow
def test_a_running_worker_takes_a_budget_raised_meanwhile(spec_file, tmp_path):
    # QA note: "a worker may stop at the old budget" when `study run --trials N` raises it:
    # it reads the stored budget again at every claim, so it goes on to the new one
    path = _slow_spec(spec_file, "raised", n_trials=2)
    db = tmp_path / "raised.db"
    s = create(study.load_spec(path), db)
    worker = start_worker("raised", db, tmp_path)
    wait_for(lambda: any(in_training(t) for t in s.get_trials(deepcopy=False)), 90,
             "the worker to be mid-trial")
    worker.send_signal(signal.SIGSTOP)  # frozen mid-trial: its last claim is still to come
    try:
        assert any(in_training(t) for t in s.get_trials(deepcopy=False))
        # what `study run raised --trials 4` stores before it runs any trial itself
        create(study.load_spec(path).with_trials(4), db)
    finally:
        worker.send_signal(signal.SIGCONT)
    summary = finish(worker)
    assert (summary["n_trials"], summary["n_finished"], summary["n_complete"]) == (4, 4, 4)
    workers = {study.trial_info(t)["worker"] for t in s.get_trials()}
    assert len(workers) == 1 and f":{worker.pid}@" in workers.pop()


@pytest.mark.parametrize("when", ["report", "record", "tell"])
def test_a_trial_failed_while_its_worker_was_paused_is_dropped_and_the_study_goes_on(
        when, spec_file, tmp_path, monkeypatch, capsys):
    """A worker paused past the grace (SIGSTOP, a laptop asleep) finds on resuming that a
    live worker failed its trial as stale and runs the retry: it drops that trial, says
    so in one line, changes nothing stored and goes on. The pause ends at the trial's first
    report to the pruner, at its final record, or after it, at optuna's tell."""
    name = f"paused-{when}"
    # 8 epochs: two reports to the pruner a trial, the first one a pause can end at
    path = spec_file(name, n_trials=3, pruner="median" if when == "report" else "none",
                     max_epochs=8, heartbeat_interval=60, grace_period=120)
    db = tmp_path / "paused.db"
    taken = {}

    def take_over(trial):
        """What a live worker does to a trial whose heartbeat is older than the grace."""
        if taken:
            return
        other = study.open_storage(study.resolve_storage(str(db)), heartbeat_interval=60,
                                   grace_period=120)
        # optuna's heartbeat thread records its first beat whenever it gets to run: on a
        # loaded machine, between the beat set back and the stale check (then the next try
        # finds it stale: the thread's next beat is 60 s away)
        for _ in range(20):
            with sqlite3.connect(db) as con:
                con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', "
                            "'-1000 seconds') WHERE trial_id = ?", (trial._trial_id,))
            optuna.storages.fail_stale_trials(optuna.load_study(study_name=name,
                                                                storage=other))
            stored = other.get_trial(trial._trial_id)
            if stored.state == TrialState.FAIL:
                break
            time.sleep(0.1)
        taken.update(number=trial.number, trial=stored)
        other.engine.dispose()
        assert taken["trial"].state == TrialState.FAIL

    running, enter = [], study._objective.Objective.__call__

    def entered(self, trial):
        running.append(trial)
        value = enter(self, trial)
        if when == "tell":
            take_over(trial)
        return value

    monkeypatch.setattr(study._objective.Objective, "__call__", entered)
    if when != "tell":  # mid-trial: before its training (which reports, then records)
        train_run = study._objective.train_run

        def paused(*args, **kwargs):
            take_over(running[-1])
            return train_run(*args, **kwargs)

        monkeypatch.setattr(study._objective, "train_run", paused)

    assert hplab.main(["study", "run", str(path), "--storage", str(db), "--json",
                       "--no-report"]) == 0
    out, err = capsys.readouterr()
    assert err.strip().splitlines() == [
        f"hplab study run: trial {taken['number']} was failed by another worker: no "
        "heartbeat of it reached the storage for 120 s (this worker paused or cut off, or the "
        "storage unreachable): its result is dropped"]
    summary = json.loads(out)
    assert (summary["n_finished"], summary["n_fail"], summary["n_retried"]) == (3, 1, 1)
    assert [(p["number"], p["status"]) for p in summary["problems"]] == [
        (taken["number"], "retried")]
    trials = optuna.load_study(study_name=name, storage=f"sqlite:///{db}").trials
    dropped = trials[taken["number"]]
    assert dropped.state == TrialState.FAIL
    assert (dropped.user_attrs, dropped.intermediate_values, dropped.datetime_complete) == (
        taken["trial"].user_attrs, taken["trial"].intermediate_values,
        taken["trial"].datetime_complete)  # as the live worker left it
    retry = [t for t in trials if t.system_attrs.get("retry_history") == [dropped.number]]
    assert len(retry) == 1 and retry[0].params == dropped.params
    assert retry[0].state in (TrialState.COMPLETE, TrialState.PRUNED)


# Two `study run`s of one new spec, each held between looking for the study and creating
# it until both have looked (the race two terminals can hit); the creator then waits for
# the other to record itself, a resume. A sleep of 1 s held them: on a loaded machine one
# racer's start (imports) took longer, it looked after the other had created the study,
# and the test passed with the look-then-create bug put back
_RACER = """
import os, sys, time, optuna, study
import study._run as run

def wait_until(written, prefix, what):  # until `written` racers wrote a file of `prefix`
    deadline = time.monotonic() + 60
    while sum(name.startswith(prefix) for name in os.listdir()) < written:
        if time.monotonic() > deadline:
            sys.exit(f"the other racer never {what}")
        time.sleep(0.01)

create = optuna.create_study
def held_create(*args, **kwargs):
    open(f"looked-{os.getpid()}", "w").close()  # this racer has looked
    wait_until(2, "looked-", "looked for the study")
    return create(*args, **kwargs)
optuna.create_study = held_create

create_or_load = run.create_or_load
def creator_held(*args, **kwargs):
    made, new = create_or_load(*args, **kwargs)
    if new:  # the window before the creator records its command: the other records first
        wait_until(1, "recorded-", "recorded itself")
    return made, new
run.create_or_load = creator_held

def recording(record):
    def recorded(*args, **kwargs):
        record(*args, **kwargs)
        open(f"recorded-{os.getpid()}", "w").close()
    return recorded
run.record_created, run.record_resume = map(recording, (run.record_created, run.record_resume))
study.run_study(study.load_spec(sys.argv[1]), storage=sys.argv[2], progress=False,
                command="racer")
"""


@pytest.mark.parametrize("storage", ["race.db", "race.log"])
@pytest.mark.slow
def test_two_runs_racing_to_create_a_study_sample_apart(spec_file, tmp_path, storage):
    path = spec_file("race", n_trials=6, sampler="random", pruner="none", max_epochs=2)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    racers = [subprocess.Popen([sys.executable, "-c", _RACER, str(path), storage],
                               cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    for proc in racers:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()[-2000:]
    store = study.open_storage(study.resolve_storage(str(tmp_path / storage)))
    s = optuna.load_study(study_name="race", storage=store)
    params = [tuple(sorted(t.params.items())) for t in s.trials]
    assert len(params) == 6 and len(set(params)) == 6  # one seeded stream, one fresh
    assert s.user_attrs[study.COMMAND_ATTR] == "racer"  # one creator, one resume
    assert s.user_attrs[study.RESUMED_ATTR] == ["racer"]


@pytest.mark.slow
def test_two_cli_workers_share_a_postgresql_study(postgres_url, spec_file, tmp_path):
    name = f"pg-{uuid.uuid4().hex[:8]}"
    # XOR's 1200 one-step epochs, about as long as coin's 30: coin's split imports
    # scikit-learn (~2.4 s of CPU) in each worker
    path = spec_file(name, dataset="xor", metric="val_accuracy", n_trials=10, max_epochs=1200,
                     pruner="none", space={"lr": {"low": 0.001, "high": 0.05, "log": True},
                                           "width": {"low": 4, "high": 16}},
                     fixed={"batch_size": 4, "checkpoint": 10, "optimizer": "adam"})
    s = create(study.load_spec(path), postgres_url)
    workers = [start_worker(name, postgres_url, tmp_path) for _ in range(2)]
    summaries = [finish(w) for w in workers]
    trials = s.get_trials()
    assert len(trials) == 10 and all(t.state == TrialState.COMPLETE for t in trials)
    assert len({study.trial_info(t)["worker"] for t in trials}) == 2
    assert {x["n_finished"] for x in summaries} == {10}
    assert all("postgresql+psycopg://" in x["storage"] for x in summaries)
    # optuna's own CLI reads it from the server
    cli = Path(sys.executable).with_name("optuna")
    best = subprocess.run([cli, "best-trial", "--study-name", name, "--storage", postgres_url,
                           "-f", "json"], capture_output=True, text=True, timeout=60,
                          check=True)
    assert json.loads(best.stdout)["number"] == s.best_trial.number


@pytest.fixture
def fresh_postgres_db(postgres_url):
    """A new, empty database on the test server (dropped afterwards)."""
    import sqlalchemy as sa

    name = f"hplab_fresh_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield postgres_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_sql_ascii_database_holds_a_study_of_a_chinese_name(postgres_url, spec_file):
    """QA (a course student's server, initdb under LANG=C): a SQL_ASCII database could not
    be opened at all, "cannot use a string pattern on a bytes-like object" (psycopg gave
    its text as bytes); the driver now speaks UTF-8 to it, and names round-trip."""
    import sqlalchemy as sa

    name = f"hplab_ascii_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'SQL_ASCII' "
                             "TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"))
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    try:
        spec = study.load_spec(spec_file("硬币", n_trials=2, max_epochs=2, pruner="none",
                                         description="三类硬币"))
        summary = study.run_study(spec, storage=url)
        assert (summary["study"], summary["n_complete"]) == ("硬币", 2)
        assert study.show_study("硬币", url)["best_value"] == summary["best_value"]
        stored, _ = study.open_study("硬币", url)
        assert study.spec_description(stored.user_attrs[study.SPEC_ATTR]) == "三类硬币"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_workers_opening_a_fresh_database_together_all_get_in(fresh_postgres_db):
    """Machines started together on an empty database all create optuna's tables at once;
    PostgreSQL fails all but one on its catalog's unique index. Each must still get in."""
    import threading

    where = study.resolve_storage(fresh_postgres_db)
    barrier, opened, errors = threading.Barrier(6), [], []

    def open_one():
        barrier.wait()
        try:
            opened.append(study.open_storage(where, create=True))
        except study.StorageError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == [] and len(opened) == 6
        first, last = opened[0], opened[-1]
        assert first.get_current_version() == first.get_head_version()  # stamped once
        sid = first.create_new_study([optuna.study.StudyDirection.MAXIMIZE], "shared")
        assert last.get_study_id_from_name("shared") == sid
    finally:
        for store in opened:
            store.engine.dispose()


def test_reading_commands_leave_a_database_without_studies_as_it_was(fresh_postgres_db,
                                                                      capsys):
    # QA: study list, show, export, report and worker on another program's database
    # created optuna's 13 tables in it (an SQLite file of another program is refused)
    import sqlalchemy as sa

    engine = sa.create_engine(fresh_postgres_db)
    with engine.begin() as conn:  # and the table of its own Alembic migrations
        conn.execute(sa.text("CREATE TABLE customers (id int)"))
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num varchar(32))"))
    masked = study.mask_url(fresh_postgres_db)
    assert run_cli(["study", "list", "--storage", fresh_postgres_db, "--json"], capsys)[:2] == (
        0, "[]\n")
    for argv in (["show", "d1"], ["export", "d1", "--csv", "d1.csv"], ["report", "d1"],
                 ["worker", "--study", "d1"]):
        code, out, err = run_cli(["study", *argv, "--storage", fresh_postgres_db], capsys)
        assert (code, out) == (2, "") and f"no study 'd1' in {masked}" in err, err
        assert err.count("\n") == 1
    try:
        assert sorted(sa.inspect(engine).get_table_names()) == ["alembic_version", "customers"]
    finally:
        engine.dispose()


class CuttableProxy:
    """A TCP relay to the test server that can cut every connection and refuse new ones,
    as a database host that goes away does (the shared server itself stays up)."""

    def __init__(self, upstream: tuple[str, int]):
        import socket

        self.upstream, self.socket_module = upstream, socket
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open_sockets: list = []
        self.listening = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.listening:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = self.socket_module.create_connection(self.upstream)
            self.open_sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._close(src, dst)

    def _close(self, *socks):
        for sock in socks:
            # shutdown first: a bare close leaves the connection open while the other
            # pump thread still waits in recv on it, and the server never sees it end
            with contextlib.suppress(OSError):
                sock.shutdown(self.socket_module.SHUT_RDWR)
            sock.close()

    def cut(self):
        self.listening = False
        self.listener.close()
        self._close(*self.open_sockets)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_a_server_lost_mid_study_is_one_line_and_the_study_resumes(postgres_url, spec_file,
                                                                   tmp_path, workers):
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    proxy = CuttableProxy((url.host, url.port))
    via_proxy = url.set(port=proxy.port).render_as_string(hide_password=False)
    name = f"pgcut-{uuid.uuid4().hex[:8]}"
    # after the third finished, two rounds of trials are still to run (the cut falls
    # mid-study: with one round, a loaded machine's slow poll once saw 3 when 5 were done)
    n_trials = 3 + 2 * workers
    # XOR, not coin: coin's split imports scikit-learn (~2.4 s of CPU) in the run, its
    # resume and each of their pool's workers
    path = _slow_spec(spec_file, name, n_trials=n_trials, heartbeat_interval=1,
                      grace_period=3)
    argv = [sys.executable, str(ROOT / "hplab.py"), "study", "run", str(path), "--storage",
            via_proxy, "--workers", str(workers), "--json", "--no-report"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)

    # one reader for every poll: a storage opened afresh checks the schema each time (~0.1
    # s of CPU), ten times a second, on the cores the run under test needs
    reader = optuna.storages.RDBStorage(postgres_url)

    def finished(state=TrialState.COMPLETE):
        with contextlib.suppress(KeyError):  # not created yet
            trials = optuna.load_study(study_name=name, storage=reader).get_trials()
            return [t for t in trials if t.state == state]
        return []

    done_before = len(wait_for(lambda: len(finished()) >= 3 and finished(), 120,
                               "three finished trials"))
    # trials run about a second each: one is nearly always running at the cut (under a
    # heavy load the cut once fell while every worker was between trials, and once a
    # trial seen running finished before the cut reached its worker)
    running_at_cut = [t.number for t in finished(TrialState.RUNNING)]
    proxy.cut()
    out, err = run.communicate(timeout=60)
    assert run.returncode == 2 and out == "", err[-2000:]
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert "Traceback" not in err
    assert last.startswith(f"hplab study run: error: storage {url.set(port=proxy.port)}") or \
        last.startswith("hplab study run: error: storage postgresql+psycopg://"), last
    assert "failed:" in last and "the same command resumes the study" in last
    assert len(finished()) >= done_before  # nothing stored was lost
    # the host is back (straight to the server): the same study finishes
    argv[argv.index(via_proxy)] = postgres_url
    try:
        again = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True,
                               timeout=240)
    except subprocess.TimeoutExpired:  # once in CI under load: say what it waited on
        pytest.fail(f"the resume hung: {_stuck(postgres_url, name)}")
    assert again.returncode == 0, again.stderr[-2000:]
    assert json.loads(again.stdout)["n_finished"] == n_trials
    trials = optuna.load_study(study_name=name, storage=reader).get_trials()
    reader.engine.dispose()
    states = [t.state for t in trials]
    # the trials running at the cut turned stale, failed and were run again (or finished
    # just before the cut took effect)
    assert set(states) <= {TrialState.COMPLETE, TrialState.FAIL}  # none left RUNNING/WAITING
    assert states.count(TrialState.COMPLETE) == n_trials
    assert states.count(TrialState.FAIL) <= 2 * workers
    retried = {optuna.storages.RetryFailedTrialCallback.retried_trial_number(t)
               for t in trials} - {None}
    failed = {t.number for t in trials if t.state == TrialState.FAIL}
    assert failed <= retried, (failed, retried)  # every stale trial was run again
    for n in running_at_cut:
        assert trials[n].state == TrialState.COMPLETE or n in retried, (n, trials[n].state)


def _stuck(postgres_url: str, name: str) -> str:
    """Trial states and the server's sessions: what a hung resume waited on."""
    import sqlalchemy

    trials = optuna.load_study(study_name=name, storage=postgres_url).get_trials()
    states = [(t.number, t.state.name, study.trial_info(t).get("status")) for t in trials]
    engine = sqlalchemy.create_engine(postgres_url)
    with engine.connect() as conn:
        sessions = conn.execute(sqlalchemy.text(
            "SELECT pid, state, wait_event_type, wait_event, left(query, 80) "
            "FROM pg_stat_activity WHERE datname = current_database()")).fetchall()
        locks = conn.execute(sqlalchemy.text(
            "SELECT pid, locktype, granted FROM pg_locks WHERE locktype = 'advisory'"
        )).fetchall()
    engine.dispose()
    return f"trials {states}; sessions {sessions}; advisory locks {locks}"


def test_a_silent_claim_holder_loses_the_lock_after_the_timeout(postgres_url):
    """A worker cut off while it holds the claim (its session stays open on the server)
    must not stop the other workers: the server ends the session after ``timeout``."""
    where = study.resolve_storage(postgres_url)
    store = study.open_storage(where, create=True)  # a fresh database: its tables made
    name = f"claim-{uuid.uuid4().hex[:8]}"
    silent = study.ClaimLock(store, where, name, timeout=1)
    silent.acquire()  # and never a word again, as a worker behind a partition
    other, got = study.ClaimLock(store, where, name, timeout=1), threading.Event()
    started = time.monotonic()
    threading.Thread(target=lambda: (other.acquire(), got.set()), daemon=True).start()
    assert got.wait(20), "the other worker still waits for the claim"
    assert 0.9 < time.monotonic() - started < 10
    other.release()
    # its session is gone: the holder learns it at its next word, and has nothing to free
    assert silent.release() is False
    # a prompt holder keeps the lock as before, and the pooled connection has no timeout
    prompt = study.ClaimLock(store, where, name, timeout=1)
    prompt.acquire()
    prompt.release()
    with store.engine.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SHOW idle_in_transaction_session_timeout")).scalar() == "0"
    store.engine.dispose()


def _pg_waits(engine) -> tuple[list[int], int]:
    """The sessions holding an advisory lock, and how many sessions wait on a lock."""
    from sqlalchemy import text

    with engine.connect() as conn:
        holders = conn.execute(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted")).scalars()
        holders = list(holders)
        waiting = conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")).scalar()
    return holders, waiting


@pytest.mark.slow
def test_a_worker_whose_claim_lock_was_lost_mid_claim_goes_on_within_the_budget(
        postgres_url, spec_file, tmp_path):
    """QA: a claim slower than the lock's timeout (grace_period 2 s, a loaded machine) had
    the server end the claim lock's session; its worker failed at releasing it, exited 2
    with "storage ... failed: terminating connection due to idle-in-transaction timeout"
    and left its trial "interrupted: its storage failed". Here the first worker's lock
    session is ended mid-claim, the second worker claims meanwhile and both create a trial
    for the one slot: the first gives its trial back, both end well, one trial counts."""
    import sqlalchemy
    from sqlalchemy import text

    name = f"lost-{uuid.uuid4().hex[:8]}"
    path = spec_file(name, n_trials=1, pruner="none", max_epochs=1, heartbeat_interval=1,
                     grace_period=10)
    s = create(study.load_spec(path), postgres_url)
    engine = sqlalchemy.create_engine(postgres_url, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as rows, engine.connect() as beats:
        # the study's row held: a claim stops at creating its trial (optuna locks the row);
        # the heartbeats' table held: a created trial stops before its first beat
        rows.execute(text("SELECT 1 FROM studies WHERE study_name = :n FOR NO KEY UPDATE"),
                     {"n": name})
        beats.execute(text("LOCK TABLE trial_heartbeats IN EXCLUSIVE MODE"))
        first = start_worker(name, postgres_url, tmp_path)
        holder = wait_for(lambda: (lambda h, w: h if h and w == 1 else None)(
            *_pg_waits(engine)), 120, "the first worker to claim")
        with engine.connect() as conn:  # as its lock's timeout would
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": holder[0]})
        second = start_worker(name, postgres_url, tmp_path)
        wait_for(lambda: _pg_waits(engine)[1] == 2, 120, "the second worker to claim too")
        rows.rollback()  # both create their trial, then wait to beat
        wait_for(lambda: len(s.get_trials()) == 2 and _pg_waits(engine)[1] >= 2, 60,
                 "both trials")
        beats.rollback()
    engine.dispose()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err[-2000:]  # was 2: "storage ... failed"
    summaries = [json.loads(out), finish(second)]
    assert "trial 0 was given back" in err and "storage" not in err
    trials = s.get_trials()
    given, ran = trials
    info = study.trial_info(given)
    assert (given.state, info["status"]) == (TrialState.FAIL, "interrupted")
    assert info["reason"].startswith("given back: its worker lost the claim lock")
    assert ran.state == TrialState.COMPLETE and study.budget_used(trials) == 1
    assert [x["n_finished"] for x in summaries] == [1, 1]


def test_a_roles_statement_timeout_does_not_cut_short_the_wait_for_the_claim(postgres_url):
    """A role (or URL) with a short statement_timeout cancelled a worker's wait for the
    claim held by another, and the whole run failed: the wait is no statement to time."""
    from sqlalchemy import text

    where = study.resolve_storage(f"{postgres_url}?options=-c%20statement_timeout%3D50")
    store = study.open_storage(where, create=True)
    name = f"claim-{uuid.uuid4().hex[:8]}"
    holder, waiter = (study.ClaimLock(store, where, name, timeout=30) for _ in range(2))
    holder.acquire()
    got, failed = threading.Event(), []

    def wait_for_claim():
        try:
            waiter.acquire()
            got.set()
        except Exception as exc:
            failed.append(str(exc).splitlines()[0])

    threading.Thread(target=wait_for_claim, daemon=True).start()
    time.sleep(0.5)  # ten times the statement timeout
    holder.release()
    got.wait(10)
    assert failed == [] and got.is_set()  # was: canceling statement due to statement timeout
    waiter.release()
    with store.engine.connect() as conn:  # the pooled connections keep the role's timeout
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "50ms"
    store.engine.dispose()


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # ask() outside optimize
def test_a_postgresql_connection_keeps_alive_and_the_urls_own_settings_stand(postgres_url):
    """A server cut off mid-study (a network partition) left the run waiting for ever on
    its connection: libpq's TCP keepalives drop it about a minute after the last answer.
    A setting the URL gives itself is kept."""
    for url, idle in ((postgres_url, "30"), (f"{postgres_url}?keepalives_idle=7", "7")):
        store = study.open_storage(study.resolve_storage(url), create=True)
        raw = store.engine.raw_connection()
        try:
            given = raw.driver_connection.info.get_parameters()
        finally:
            raw.close()
            store.engine.dispose()
        assert (given["keepalives"], given["keepalives_idle"], given["keepalives_interval"],
                given["keepalives_count"], given["connect_timeout"]) == ("1", idle, "10", "3",
                                                                         "5")


# the trial is made by hand (ask), as a worker's claim makes it, not in Study.optimize
@pytest.mark.filterwarnings("ignore:Heartbeat of storage is supposed to be used")
def test_workers_in_other_time_zones_keep_each_others_trials_alive(postgres_url, monkeypatch):
    """Optuna stores a heartbeat as its session's now() without the zone, and another
    session judges it by its own now(): with every hplab session in UTC, a worker given
    ``-c timezone`` in its URL (or PGTZ) neither has its live trial failed nor fails one."""
    name = f"tz-{uuid.uuid4().hex[:8]}"
    west = f"{postgres_url}?options=-c%20timezone%3DAmerica/Los_Angeles"
    writer = study.open_storage(study.resolve_storage(west), create=True,
                                heartbeat_interval=1, grace_period=60)
    with study._registry.quiet_optuna():
        trial = optuna.create_study(study_name=name, storage=writer).ask()
        writer.record_heartbeat(trial._trial_id)  # the first beat: the column's default
        writer.record_heartbeat(trial._trial_id)  # the next: a now() read by the session
        monkeypatch.setenv("PGTZ", "Asia/Tokyo")  # 16 or 17 hours ahead of the writer
        judge = study.open_storage(study.resolve_storage(postgres_url),
                                   heartbeat_interval=1, grace_period=60)
        optuna.storages.fail_stale_trials(optuna.load_study(study_name=name, storage=judge))
    assert judge.get_trial(trial._trial_id).state == TrialState.RUNNING
    with judge.engine.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SHOW timezone")).scalar() == "UTC"
    writer.engine.dispose()
    judge.engine.dispose()


@pytest.fixture
def postgres_role(postgres_url):
    """``make(*grants)``: the URL of a new login role on the test server, given ``grants``
    (SQL with ``{role}`` for its name) on the test database, whose optuna tables exist."""
    import sqlalchemy as sa

    study.release(study.open_storage(study.resolve_storage(postgres_url), create=True))
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    roles = []

    def make(*grants):
        role = f"hplab_{uuid.uuid4().hex[:8]}"
        roles.append(role)
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE ROLE {role} LOGIN PASSWORD 'pw1'"))
            for grant in grants:
                conn.execute(sa.text(grant.format(role=role)))
        return sa.engine.make_url(postgres_url).set(username=role, password="pw1").render_as_string(
            hide_password=False)

    yield make
    with admin.connect() as conn:
        for role in roles:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
    admin.dispose()


def test_a_storage_that_cannot_open_says_the_servers_reason(postgres_role, capsys):
    """Optuna wraps an error of its first reads in a guess ("invalid data in the commit,
    e.g. exceeding max length"): the server's own reason is the one to show."""
    url = postgres_role()  # it may log in, and read nothing
    assert hplab.main(["study", "list", "--storage", url]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"hplab study list: error: cannot open storage {study.mask_url(url)}: permission denied "
        "for table version_info"]


def test_a_role_refused_a_write_is_not_told_to_run_again(postgres_role, spec_file, capsys):
    """A read-only role running a study fails in one line, without the hint that the same
    command resumes the study: run again, it is refused again."""
    url = postgres_role("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    assert hplab.main(["study", "run", str(spec_file(f"ro-{uuid.uuid4().hex[:8]}")),
                       "--storage", url, "--no-report"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        f"hplab study run: error: storage {study.mask_url(url)} failed: permission denied "
        "for table studies")


@pytest.mark.slow
def test_postgresql_run_resumes_and_refuses_bad_input(postgres_url, spec_file, capsys):
    import hplab

    name = f"pgr-{uuid.uuid4().hex[:8]}"
    path = spec_file(name, n_trials=3)
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")  # mapped to v3
    assert hplab.main(["study", "run", str(path), "--storage", plain, "--json",
                       "--no-report"]) == 0
    assert json.loads(capsys.readouterr().out)["n_finished"] == 3
    assert hplab.main(["study", "run", str(path), "--storage", plain, "--trials", "5",
                       "--json", "--no-report"]) == 0
    assert json.loads(capsys.readouterr().out)["n_finished"] == 5
    bad = spec_file(name, n_trials=3, sampler="annealing")
    assert hplab.main(["study", "run", str(bad), "--storage", plain]) == 2
    assert len(optuna.load_study(study_name=name, storage=postgres_url).trials) == 5


def test_sigterm_to_a_background_job_is_held_as_ctrl_c_would_be(monkeypatch):
    # a script's `cmd &` job ignores SIGINT: SIGTERM raised at once, even between a trial's
    # creation and its start (a RUNNING trial nobody owned, forever on a journal file) or
    # inside optuna's tell (a traceback and exit 1)
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with study.HeldInterrupts() as held:  # holding, as between two trials
            hplab._terminate(signal.SIGTERM, None)  # held: nothing raised here
            with pytest.raises(KeyboardInterrupt):
                held.allow()  # raised where the trial records it
        with pytest.raises(KeyboardInterrupt):  # outside a holder it stops at once
            hplab._terminate(signal.SIGTERM, None)
        # and while study is still being imported (an AttributeError and exit 1 did)
        for name in ("study", "study._held_interrupts"):  # half imported: no HeldInterrupts yet
            monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
        with pytest.raises(KeyboardInterrupt):
            hplab._terminate(signal.SIGTERM, None)
    finally:
        signal.signal(signal.SIGINT, old)
        hplab._terminated.clear()
        study.HeldInterrupts.forget_final()  # as its command does at its end


def _outlive_ctrl_c(ready) -> None:
    """A pool worker busy recording its trial: it holds Ctrl-C, and runs on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ready.set()
    time.sleep(60)


def test_a_second_ctrl_c_kills_the_workers_and_raises_nothing_mid_call():
    # it raised KeyboardInterrupt wherever the main thread was: inside loky's `with
    # shutdown_lock:` the lock stayed held, and the command, after "hplab: interrupted",
    # hung at exit on it (seen once in a full run, and left running for an hour)
    import multiprocessing

    from study._worker_pool import _FirstInterruptToWorkers

    ready = multiprocessing.Event()
    worker = multiprocessing.Process(target=_outlive_ctrl_c, args=(ready,), daemon=True)
    worker.start()
    try:
        assert ready.wait(30)
        with _FirstInterruptToWorkers(lambda: [worker.pid]) as guard:
            signal.raise_signal(signal.SIGINT)  # passed on: the worker holds it
            assert guard.interrupted and worker.is_alive()
            try:
                signal.raise_signal(signal.SIGINT)
            except KeyboardInterrupt:  # (caught: it would end the whole test session)
                pytest.fail("the second Ctrl-C raised KeyboardInterrupt mid-call")
            worker.join(30)
        assert worker.exitcode == -signal.SIGKILL  # ...the workers are killed instead
    finally:
        worker.kill()


# a notebook holding its own child process (a multiprocessing job, a dask LocalCluster)
# runs a study on 2 workers; a kernel interrupt is SIGINT to this process only
_OWN_CHILD_AND_A_STUDY = """
import json, multiprocessing, sys, time
import study

# SIGINT ends its sleep (exit code 1), SIGKILL the process (-9)
own = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(300,), daemon=True)
own.start()
print(own.pid, flush=True)
try:
    study.run_study(study.load_spec(sys.argv[1]), storage=sys.argv[2], workers=2,
                    progress=False)
except KeyboardInterrupt:
    pass
time.sleep(0.5)
print(json.dumps([own.is_alive(), own.exitcode]), flush=True)
"""


@pytest.mark.slow
def test_an_interrupt_is_passed_on_to_the_pools_workers_only(spec_file, tmp_path):
    # the first Ctrl-C went to every child of the process, the second SIGKILLed them: a
    # notebook's own processes died with a double interrupt of its study
    # 40 trials, as it is interrupted anyway: with 4, a CI run's poller, starved on a
    # loaded machine, missed every moment with one in training and timed out on a run done
    path = _slow_spec(spec_file, "own", n_trials=40)
    db = tmp_path / "own.db"
    s = create(study.load_spec(path), db)
    run = _study_script(_OWN_CHILD_AND_A_STUDY, path, db, tmp_path)
    own = int(run.stdout.readline())
    try:
        wait_for(lambda: any(map(in_training, s.get_trials(deepcopy=False)))
                 or run.poll() is not None, 90, "a trial in training")
        assert run.poll() is None, "the study ended before a trial was seen in training"
        os.kill(run.pid, signal.SIGINT)  # twice, as impatient as a notebook's user
        time.sleep(0.01)
        os.kill(run.pid, signal.SIGINT)
        out, err = run.communicate(timeout=90)
    finally:
        if run.poll() is None:
            run.kill()
        with contextlib.suppress(ProcessLookupError):
            os.kill(own, signal.SIGKILL)
    assert run.returncode == 0, err[-2000:]
    assert json.loads(out) == [True, None]  # the user's own process never got a signal
    # ...and the pool's workers did: the trial in training was stopped there (a trial a
    # worker had only just begun may be left for the heartbeat grace by the kill)
    assert [t for t in s.get_trials() if study.trial_info(t).get("status") == "interrupted"]


def _study_script(script: str, spec, db, cwd) -> subprocess.Popen:
    """``script`` run by this checkout's Python with ``spec`` and ``db`` as its arguments,
    its output piped: a process of its own to signal."""
    return subprocess.Popen([sys.executable, "-c", script, str(spec), str(db)], cwd=cwd,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _slow_spec(spec_file, name: str, n_trials: int, **study_keys):
    """Trials of a few tenths of a second each on a fast machine, about as long as coin's
    30 epochs (XOR, Adam, 5000 one-step epochs; seconds on a loaded one): long enough to
    be caught mid-training by a signal. The tests wait for a trial seen running (or just
    started, after one finished) and signal it at once, or freeze the process while they
    judge it. XOR, not a split dataset: holding out validation imports scikit-learn (~1 s
    of CPU in the run and in each of its pool's workers)."""
    return spec_file(name, dataset="xor", metric="val_accuracy", n_trials=n_trials,
                     max_epochs=5000, pruner="none",
                     space={"lr": {"low": 0.001, "high": 0.01, "log": True}},
                     fixed={"hidden": [16], "batch_size": 4, "checkpoint": 10,
                            "optimizer": "adam"}, **study_keys)


@pytest.mark.slow
@pytest.mark.parametrize("workers, to_group, twice, sig, background", [
    (1, True, False, signal.SIGINT, False), (2, True, False, signal.SIGINT, False),
    (2, False, False, signal.SIGINT, False), (2, True, True, signal.SIGINT, False),
    (1, False, False, signal.SIGTERM, True),
    (2, True, False, signal.SIGHUP, False)])  # one worker's SIGTERM and SIGHUP: _terminate
# as the background run's; a SIGHUP to the group reaches the pool's workers too, which
# keep it blocked: only their parent's _terminate stops them, as it does for a SIGTERM to
# the main process alone (so that SIGTERM, 143 as the background run's, is not run again)
def test_ctrl_c_stops_cleanly_and_keeps_finished_trials(workers, to_group, twice, sig,
                                                        background, spec_file, tmp_path):
    """A terminal's Ctrl-C (the whole process group), or SIGINT to the main process only;
    an impatient second Ctrl-C lands while the pool shuts down. SIGTERM to the main process
    (kill, docker stop) stops it the same way: its workers went on without it; so it does a
    script's background job, whose SIGINT is ignored. SIGHUP (its terminal closed: the
    shell hangs up the whole job) too: it left the trial running, and killed the workers."""
    # 10: after the first finished, trials are always still to run. With 3, on a quiet
    # machine (trials of a few tenths of a second) the last two could both end between the
    # read that saw one in training and the signal: the run was done, and exited 0. With
    # 6, a poller starved on a loaded machine once missed every moment with a trial in
    # training, and waited for ever on a run already done
    n_trials = 10
    path = _slow_spec(spec_file, "intr", n_trials=n_trials)
    db = tmp_path / "intr.db"
    s = create(study.load_spec(path), db)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # its own session, so the signal goes to the whole process group, as a terminal's Ctrl-C
    run = subprocess.Popen([sys.executable, str(ROOT / "hplab.py"), "study", "run", path,
                            "--storage", db, "--workers", str(workers), "--no-report",
                            "--json"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True,
                           preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
                           if background else None)

    def mid_trial():
        # two workers' first trials end together: when one has finished, the other is
        # often storing its end, not in training
        trials = s.get_trials(deepcopy=False)
        return (any(t.state.is_finished() for t in trials)
                and any(in_training(t) for t in trials))

    wait_for(lambda: mid_trial() or run.poll() is not None, 90,
             "a finished trial and one in training")
    if run.poll() is not None:  # say why, rather than wait on a run that is over
        pytest.fail(f"the run ended (exit {run.returncode}) before a trial was caught in "
                    f"training; its stderr: {run.communicate()[1][-2000:]}")
    finished = {t.number: t.values for t in s.get_trials() if t.state.is_finished()}
    if to_group:
        os.killpg(run.pid, sig)
    else:
        os.kill(run.pid, sig)
    if twice:
        time.sleep(0.25)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, sig)
    try:
        out, err = run.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # no run left behind, loading the rest of the suite
        os.killpg(run.pid, signal.SIGKILL)
        out, err = run.communicate()
        pytest.fail(f"no exit within 60 s of the signal; its stderr: {err[-2000:]}")
    code, last = {signal.SIGINT: (130, "interrupted"), signal.SIGTERM: (143, "terminated"),
                  signal.SIGHUP: (129, "hung up")}[sig]
    assert run.returncode == code, err[-2000:]
    assert err.strip().splitlines()[-1] == f"hplab: {last}" and "Traceback" not in err

    def group_gone():  # no worker left running the study without its command
        try:
            os.killpg(run.pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_for(group_gone, 30, "the run's worker processes to end")
    trials = s.get_trials()
    assert not [t for t in trials if t.state == TrialState.RUNNING]  # nothing left hanging
    for number, values in finished.items():
        assert trials[number].values == values
    interrupted = [t for t in trials if study.trial_info(t).get("status") == "interrupted"]
    assert interrupted and all(t.state == TrialState.FAIL for t in interrupted)
    # --json: the study as the stop left it, and why it stopped (a second Ctrl-C may land
    # while it is read: then there is none)
    if out or not twice:
        summary = json.loads(out)
        assert (summary["stopped"], summary["report_path"]) == (last, None)
        shown = study.show_study("intr", str(db))
        assert summary["n_interrupted"] == len(interrupted) == shown["n_interrupted"]
        assert summary == {**shown, "seconds": summary["seconds"], "stopped": last,
                           "report_path": None, "report_error": None} and summary["seconds"] > 0
    if to_group and sig == signal.SIGINT and not twice:  # the resume once per pool size
        summary = study.run_study(study.load_spec(path), storage=str(db), progress=False)
        assert summary["n_finished"] == n_trials  # the resume redid the interrupted trials
        assert summary["n_interrupted"] == len(interrupted)


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc). Plain reads, not Path.glob: one
    test polls this every 5 ms, and on a busy machine /proc lists hundreds of processes."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        with contextlib.suppress(OSError), open(f"/proc/{name}/stat", "rb") as stat:
            if int(stat.read().rsplit(b")", 1)[1].split()[1]) == pid:
                found.append(int(name))
    return found


def _status(pid: int, field: str) -> str | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return line.split()[1]
    return None


def _importing_worker(pid: int) -> bool:
    """Whether ``pid`` is a loky worker whose Python has set its SIGINT handler: one
    that is importing modules by now (or running)."""
    with contextlib.suppress(OSError):
        if b"popen_loky_posix" in Path(f"/proc/{pid}/cmdline").read_bytes():
            caught = _status(pid, "SigCgt")
            return caught is not None and bool(int(caught, 16) & 1 << (signal.SIGINT - 1))
    return False


def _alive(pid: int) -> bool:
    return (_status(pid, "State") or "Z") not in "ZX"  # a zombie has ended


def _described(pids) -> str:
    """Each of ``pids``: its state and command line, as a failed wait should name them."""
    def cmdline(pid):
        with contextlib.suppress(OSError):
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:120]
        return b"?"

    return "; ".join(f"{pid} {_status(pid, 'State')} {cmdline(pid).decode(errors='replace')}"
                     for pid in pids)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("command", ["study", "capacity"])
def test_ctrl_c_while_pool_workers_start_is_one_line(command, spec_file, tmp_path):
    """A terminal's Ctrl-C that lands while the pool's processes still import (numpy,
    joblib, site) printed a KeyboardInterrupt traceback from each of them."""
    args = (["study", "run", spec_file("start", n_trials=20), "--storage", tmp_path / "s.db"]
            if command == "study" else
            ["capacity", "--dataset", "xor", "--widths", "2,4", "--seeds", "2"])
    run = subprocess.Popen([sys.executable, str(ROOT / "hplab.py"), *map(str, args),
                            "--workers", "2", "--no-report"], cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           start_new_session=True)
    deadline = time.monotonic() + 90
    while not any(map(_importing_worker, _children(run.pid))):
        assert run.poll() is None and time.monotonic() < deadline, "no pool worker started"
        time.sleep(0.005)
    os.killpg(run.pid, signal.SIGINT)
    out, err = run.communicate(timeout=60)
    assert "Traceback" not in err, err[-3000:]
    assert run.returncode == 130 and err.strip().splitlines()[-1] == "hplab: interrupted"


# a notebook's session: a kernel interrupt (SIGINT to this process only), then another run
_RUN_TWICE = """
import json, multiprocessing, sys
import study

spec = study.load_spec(sys.argv[1])
try:
    study.run_study(spec, storage=sys.argv[2], workers=2, progress=False)
except KeyboardInterrupt:
    print(json.dumps(sorted(p.pid for p in multiprocessing.active_children())), flush=True)
# a budget of 4 more: the run takes a pool however many trials ended before the interrupt
# (on a loaded machine 3 of the 4 had, and the last one ran without a pool)
spec = study.load_spec(sys.argv[1], n_trials=spec.n_trials + 4)
summary = study.run_study(spec, storage=sys.argv[2], workers=2, progress=False)
print(json.dumps([sorted(p.pid for p in multiprocessing.active_children()),
                  summary["n_finished"]]))
"""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_interrupted_pool_is_not_reused_by_the_next_run(spec_file, tmp_path):
    """loky keeps a pool's processes for the process's next pool; an interrupted one may
    hold modules its Ctrl-C cut mid-import, so the next run in a notebook failed in one
    ('module sqlalchemy.sql has no attribute base'). Its workers end with the run."""
    path = _slow_spec(spec_file, "again", n_trials=4)
    db = tmp_path / "again.db"
    s = create(study.load_spec(path), db)
    run = _study_script(_RUN_TWICE, path, db, tmp_path)
    wait_for(lambda: any(t.state == TrialState.RUNNING and t.params
                         for t in s.get_trials(deepcopy=False)), 90, "a trial mid-training")
    # both workers (importing by now, or running): waited for, as on a loaded machine
    # the trial's worker can be seen running before /proc shows the pair (CI saw none)
    pool = wait_for(lambda: len(p := [pid for pid in _children(run.pid)
                                      if _importing_worker(pid)]) == 2 and p, 30,
                    "both pool workers")
    os.kill(run.pid, signal.SIGINT)
    out, err = run.communicate(timeout=90)
    assert run.returncode == 0, err[-2000:]
    after_interrupt, (second_pool, n_finished) = map(json.loads, out.splitlines())
    assert after_interrupt == []  # loky kept both, idle, for the next run
    assert len(second_pool) == 2 and not set(second_pool) & set(pool)
    assert n_finished == 8


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux death signal")
@pytest.mark.parametrize("frozen", [True, False])
def test_pool_workers_end_when_their_parent_is_killed(spec_file, tmp_path, frozen):
    """kill -9 (or the OOM killer) of `study run --workers 2`: its workers went on with
    the study as orphans; they record their trials as interrupted and end. Not frozen:
    the death signal can come while the dying parent is still theirs (it was told
    "interrupted by the user")."""
    path = _slow_spec(spec_file, "orphan", n_trials=200)
    db = tmp_path / "orphan.db"
    s = create(study.load_spec(path), db)
    run = subprocess.Popen([sys.executable, str(ROOT / "hplab.py"), "study", "run", path,
                            "--storage", db, "--workers", "2", "--no-report"], cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(ROOT)},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)

    def mid_trial():
        return [t.number for t in s.get_trials(deepcopy=False) if in_training(t)]

    # frozen while judged mid-trial, as in the SIGKILL test above; the death signal waits
    # for the workers to go on
    for _ in range(20):
        # not frozen: the trials seen are killed at once (asking again could find the one
        # seen just ended and the next not yet sampled: CI once read none)
        running = wait_for(mid_trial, 90, "a trial mid-training")
        if not frozen:
            break
        os.killpg(run.pid, signal.SIGSTOP)
        if running := mid_trial():
            break
        os.killpg(run.pid, signal.SIGCONT)
    assert running, "no worker was caught mid-trial"
    pool = _children(run.pid)  # the workers and loky's resource trackers
    assert len(pool) >= 2
    run.kill()
    run.wait(timeout=10)
    os.killpg(run.pid, signal.SIGCONT)
    try:
        # a minute: on a loaded CI machine 20 s once passed with one still alive (orphans
        # that went on with the study would run its 200 trials: counted below)
        try:
            wait_for(lambda: not any(map(_alive, pool)), 60, "the orphaned pool processes "
                     "to end")
        except AssertionError as exc:  # which, and in what state
            raise AssertionError(f"{exc}; alive: {_described(filter(_alive, pool))}") from None
    finally:  # none left running the study after a failure
        for pid in filter(_alive, pool):
            os.kill(pid, signal.SIGKILL)
    trials = s.get_trials()
    assert not [t for t in trials if t.state == TrialState.RUNNING]
    assert len(trials) < 20  # they did not go on with the study's 200 trials
    caught = [trials[number] for number in running]  # each interrupted, or just finished
    interrupted = [t for t in caught if t.state != TrialState.COMPLETE]
    assert interrupted and all(t.state == TrialState.FAIL for t in interrupted)
    assert {(study.trial_info(t)["status"], study.trial_info(t)["reason"]) for t in interrupted} \
        == {("interrupted", "its pool's parent process died")}


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_pool_worker_killed_mid_trial_is_said_and_its_trial_retried(spec_file, tmp_path):
    """kill -9 (or the OOM killer) of one of `study run --workers 2`'s pool processes: the
    run says so in one line, finishes the study in its own process, and the trial the dead
    worker held is retried once stale (joblib ends the pool: the other worker's trial too,
    if it held one). Checked by hand only until session 70."""
    # 12 trials: with 6, a loaded CI run once ended them all (each a fraction of a second)
    # while the test froze and released workers that had just finished theirs
    path = _slow_spec(spec_file, "dead", n_trials=12, heartbeat_interval=1, grace_period=3)
    db = tmp_path / "dead.db"
    s = create(study.load_spec(path), db)
    run = subprocess.Popen([sys.executable, str(ROOT / "hplab.py"), "study", "run", path,
                            "--storage", db, "--workers", "2", "--no-report", "--json"],
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)

    def pool_worker_mid_trial():
        pool = set(_children(run.pid))
        for t in s.get_trials(deepcopy=False):
            worker = study.trial_info(t).get("worker", "").partition("@")[0]
            pid = worker.rpartition(":")[2]
            if in_training(t) and pid.isdigit() and int(pid) in pool:
                return t, int(pid)
        return None

    try:
        # frozen while judged, as in the SIGKILL test above: a trial seen running could end
        # in the moment before the kill
        for _ in range(20):
            _, pid = wait_for(pool_worker_mid_trial, 90, "a pool worker mid-trial")
            os.kill(pid, signal.SIGSTOP)
            if (caught := pool_worker_mid_trial()) is not None and caught[1] == pid:
                break
            os.kill(pid, signal.SIGCONT)
        else:
            raise AssertionError("no pool worker was caught mid-trial")
        killed, _ = caught
        os.kill(pid, signal.SIGKILL)
        out, err = run.communicate(timeout=180)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 0, err[-2000:]
    died = [line for line in err.replace("\r", "\n").splitlines()
            if "a worker process died" in line]
    assert died == ["hplab study run: a worker process died (TerminatedWorkerError); "
                    "finishing the study in this process"]
    assert "Traceback" not in err
    summary = json.loads(out)
    trials = s.get_trials()
    assert summary["n_finished"] == 12 == study.budget_used(trials)
    assert summary["n_running"] == 0
    assert trials[killed.number].state == TrialState.FAIL
    # its retry; under load that retry may itself have run on the other pool worker, which
    # joblib ended too, and been retried in turn (max_retry 2): the chain's last finished
    retries = [t for t in trials if killed.number in t.system_attrs.get("retry_history", ())]
    assert 1 <= len(retries) <= 2 and retries[-1].state.is_finished()
    assert all(t.state == TrialState.FAIL for t in retries[:-1])
    assert all(t.params == killed.params for t in retries)


@pytest.mark.slow
def test_pool_workers_read_the_callers_data_file_after_a_chdir(tmp_path, monkeypatch):
    # a dict spec's csv:d.csv (and an analysis's) went to the pool as written; its reused
    # workers kept the folder they started in and trained on that folder's d.csv
    import numpy as np
    import pandas as pd

    import analyses

    rng = np.random.default_rng(0)
    for folder, width in (("a", 2), ("b", 5)):
        (tmp_path / folder).mkdir()
        X = rng.normal(size=(60, width))
        pd.DataFrame(X).add_prefix("f").assign(y=(X[:, 0] > 0).astype(int)).to_csv(
            tmp_path / folder / "d.csv", index=False)

    def raw(name):
        return {"study": {"name": name, "dataset": "csv:d.csv", "metric": "n_parameters",
                          "n_trials": 2, "max_epochs": 1, "pruner": "none"},
                "space": {"lr": {"low": 0.01, "high": 0.5, "log": True}},
                "fixed": {"batch_size": 8, "width": 3}}

    db = str(tmp_path / "cwd.db")
    for folder, features in (("a", 2), ("b", 5)):
        monkeypatch.chdir(tmp_path / folder)
        study.run_study(study.parse_spec(raw(folder)), storage=db, workers=2, progress=False)
        trials = optuna.load_study(study_name=folder, storage=f"sqlite:///{db}").trials
        assert [t.value for t in trials] == [3 * features + 3 + 4] * 2  # a binary head
        sweep = analyses.capacity_sweep("csv:d.csv", widths=(3, 4), seeds=1, workers=2,
                                        config=analyses.CAPACITY_CONFIG.replace(max_epochs=1))
        assert sweep.runs["n_parameters"].tolist() == [w * features + 2 * w + 1
                                                        for w in (3, 4)]
        assert sweep.dataset == "csv:d.csv"  # as given: its report's folder and --json
    # a worker's copy of study a's data (--data), named from b, where the stored path reads
    # nothing: the pool's workers read the copy, not b's d.csv (5 features) nor that path
    (tmp_path / "a" / "d.csv").rename(tmp_path / "b" / "copy.csv")
    joined = optuna.load_study(study_name="a", storage=f"sqlite:///{db}")
    more = joined.user_attrs[study.SPEC_ATTR]
    more["study"]["n_trials"] = 4
    joined.set_user_attr(study.SPEC_ATTR, more)
    summary = study.join_study("a", storage=db, workers=2, progress=False,
                               dataset="csv:copy.csv")
    assert summary["n_complete"] == 4
    assert [t.value for t in joined.trials] == [3 * 2 + 3 + 4] * 4


# a notebook's session: a study on 2 workers in project a, then `%cd ../b` and the same
# study name there, run and joined with the storage each time as a relative path
_RUN_AFTER_CHDIR = """
import json, os, sys
import optuna, study

raw = {"study": {"name": "exp", "dataset": "xor", "metric": "n_parameters", "n_trials": 2,
                 "max_epochs": 1, "pruner": "none"},
       "space": {"lr": {"low": 0.01, "high": 0.5, "log": True}},
       "fixed": {"batch_size": 2, "width": 3}}
shown = []
os.chdir("a")
shown.append(study.run_study(study.parse_spec(raw), workers=2, progress=False)["storage"])
os.chdir("../b")  # the pool's workers, kept for this next run, are still in a
shown.append(study.run_study(study.parse_spec(raw), workers=2, progress=False)["storage"])
more = optuna.load_study(study_name="exp", storage="sqlite:///runs/hplab.db")
spec = more.user_attrs[study.SPEC_ATTR]
spec["study"]["n_trials"] = 4
more.set_user_attr(study.SPEC_ATTR, spec)
shown.append(study.join_study("exp", storage="runs/hplab.db", workers=2,
                              progress=False)["storage"])
print(json.dumps(shown))
"""


@pytest.mark.slow
def test_pool_workers_open_the_callers_storage_after_a_chdir(tmp_path):
    # the default runs/hplab.db (or a relative path given) went to loky's reused workers as
    # written: they opened the folder they started in's, and put b's trials into a's study
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    run = subprocess.run([sys.executable, "-c", _RUN_AFTER_CHDIR], cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    # as the caller gave it, masked: --json's contract
    assert json.loads(run.stdout) == ["sqlite:///runs/hplab.db", "sqlite:///runs/hplab.db",
                                      "sqlite:///runs/hplab.db"]
    counts = {folder: len(optuna.load_study(
        study_name="exp", storage=f"sqlite:///{tmp_path / folder / 'runs' / 'hplab.db'}"
    ).get_trials(states=(TrialState.COMPLETE,))) for folder in ("a", "b")}
    assert counts == {"a": 2, "b": 4}


@pytest.mark.slow
def test_a_worker_stopped_by_ctrl_c_names_the_report_as_its_json_does(spec_file, tmp_path,
                                                                    capsys):
    # QA: a worker stopped by SIGINT (or SIGHUP) printed --json with report_path null beside
    # a report of the study, and without report_stale, a key its --help promises
    path = _slow_spec(spec_file, "wstop", n_trials=1)
    db = tmp_path / "wstop.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # the study and its report made in this process (figures typeset, not rasterized): only
    # the worker is about a process of its own, and its signal
    code, out, err = run_cli(["study", "run", path, "--storage", db, "--json"], capsys)
    assert code == 0, err[-2000:]
    report = json.loads(out)["report_path"]
    assert Path(report).is_file()
    s = optuna.load_study(study_name="wstop", storage=f"sqlite:///{db}")
    raw = s.user_attrs[study.SPEC_ATTR]
    raw["study"]["n_trials"] = 3  # more to run, as a --trials raise leaves it
    s.set_user_attr(study.SPEC_ATTR, raw)
    worker = subprocess.Popen([sys.executable, str(ROOT / "hplab.py"), "study", "worker",
                               "--study", "wstop", "--storage", db, "--json"], cwd=tmp_path,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    wait_for(lambda: any(in_training(t) for t in s.get_trials(deepcopy=False)), 90,
             "the worker's trial in training")
    os.killpg(worker.pid, signal.SIGINT)
    # one Ctrl-C: one CI run of three saw the worker alive 60 s after it, hung on the lock
    # a Ctrl-C left held in nets' scoring (a second Ctrl-C was held there too)
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 130, err[-2000:]
    summary = json.loads(out)
    assert summary["stopped"] == "interrupted" and summary["report_path"] == report
    assert summary["report_stale"] is True  # the report predates the worker's trials
    assert "report_error" not in summary  # a worker writes none


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_trial_another_program_told_while_its_worker_ran_is_dropped_as_that(
        kind, spec_file, tmp_path, monkeypatch, capsys, request):
    """A running trial that another program ends (`optuna tell --state fail`) while its
    worker trains it is dropped in one line naming that, not a heartbeat that failed to
    come (its heartbeats came all along); `study show` says the same of it."""
    name = f"told-{uuid.uuid4().hex[:8]}"
    path = spec_file(name, n_trials=3, pruner="none", max_epochs=8)
    storage = (str(tmp_path / "told.db") if kind == "sqlite"
               else request.getfixturevalue("postgres_url"))
    url = f"sqlite:///{storage}" if kind == "sqlite" else storage
    told = {}
    train_run = study._objective.train_run

    def told_mid_trial(*args, **kwargs):
        if not told:  # the first trial, as `optuna tell` from another terminal ends it
            plain = optuna.load_study(study_name=name, storage=url)
            running = [t for t in plain.get_trials() if t.state == TrialState.RUNNING]
            plain.tell(running[0].number, state=TrialState.FAIL)
            told["number"] = running[0].number
        return train_run(*args, **kwargs)

    monkeypatch.setattr(study._objective, "train_run", told_mid_trial)
    assert hplab.main(["study", "run", str(path), "--storage", storage, "--json",
                       "--no-report"]) == 0
    out, err = capsys.readouterr()
    assert err.strip().splitlines() == [
        f"hplab study run: trial {told['number']} was ended (FAIL) by another program, not "
        "by an hplab worker (optuna tell, or another Optuna client): its result is dropped"]
    summary = json.loads(out)
    assert (summary["n_finished"], summary["n_complete"], summary["n_fail"]) == (3, 2, 1)
    assert summary["problems"] == [{
        "number": told["number"], "state": "fail", "status": "fail",
        "reason": "failed by another program while hplab ran it; no reason recorded"}]
