"""Workers' reads, heartbeats and stale trials: the cache, held reads, the grace before a retry."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import types
from pathlib import Path

import optuna
import pytest
from conftest import ended_worker

import nets
import study
from study import resolve_storage
from study._worker_storage import worker_cache


def test_worker_cache_reads_what_optunas_cache_reads_with_fewer_queries(tmp_path):
    import optuna
    from sqlalchemy import event

    rdb = study.open_storage(resolve_storage(str(tmp_path / "w.db")), create=True)
    with study._registry.quiet_optuna():
        s = optuna.create_study(study_name="w", storage=rdb)
    trial = s.ask()
    trial.report(0.5, 1)
    rdb.set_trial_system_attr(trial._trial_id, "completed_rung_0", 0.5)
    plain, cache = optuna.storages._CachedStorage(rdb), worker_cache(rdb)
    statements = []
    event.listen(rdb.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def counted(read):
        statements.clear()
        return read(), len(statements)

    mine, n_mine = counted(lambda: cache.get_trial_system_attrs(trial._trial_id))
    theirs, n_theirs = counted(lambda: plain.get_trial_system_attrs(trial._trial_id))
    assert mine == theirs == {"completed_rung_0": 0.5}
    assert n_mine == 2 and n_theirs > n_mine  # theirs reads the whole running trial
    ids, n_ids = counted(lambda: [cache.get_study_id_from_name("w") for _ in range(3)])
    assert ids == [s._study_id] * 3 and n_ids == 1  # looked up once
    assert worker_cache(optuna.storages.InMemoryStorage()).__class__.__name__ == \
        "InMemoryStorage"  # journal and in-memory storages go as they are


def test_held_reads_answer_from_the_cache_until_released(tmp_path):
    import optuna

    rdb = study.open_storage(resolve_storage(str(tmp_path / "h.db")), create=True)
    with study._registry.quiet_optuna():
        s = optuna.create_study(study_name="h", storage=rdb)
    cache = worker_cache(rdb)
    assert cache.get_all_trials(s._study_id) == []
    cache.hold_reads()
    other = s.ask()  # another client's trial, after the held read
    mine = cache.create_new_trial(s._study_id)  # this worker's own
    held = cache.get_all_trials(s._study_id, deepcopy=False)
    assert [t._trial_id for t in held] == [mine]
    cache.release_reads()
    fresh = cache.get_all_trials(s._study_id, deepcopy=False)
    assert sorted(t._trial_id for t in fresh) == sorted([other._trial_id, mine])


@pytest.mark.slow
def test_held_reads_change_no_sample_and_save_reads(tmp_path, spec_file, monkeypatch):
    # a worker holds reads from its claim until its trial is sampled: the same trials as
    # with every read fresh, from fewer reads of the study's trials
    import optuna

    from study._worker_storage import _WorkerCache

    reads = []
    real_get_trials = optuna.storages.RDBStorage._get_trials

    def counted(self, *args, **kwargs):
        reads.append(1)
        return real_get_trials(self, *args, **kwargs)

    monkeypatch.setattr(optuna.storages.RDBStorage, "_get_trials", counted)
    path = spec_file("held", n_trials=16, max_epochs=24, pruner="hyperband",
                     sampler_options={"n_startup_trials": 4})

    def run(db):
        reads.clear()
        study.run_study(study.load_spec(path), storage=str(db), progress=False)
        n_reads = len(reads)
        trials = optuna.load_study(study_name="held", storage=f"sqlite:///{db}").trials
        return [(t.state, t.params, t.values, t.intermediate_values) for t in trials], n_reads

    held, n_held = run(tmp_path / "held.db")
    monkeypatch.setattr(_WorkerCache, "hold_reads", lambda self: None)
    fresh, n_fresh = run(tmp_path / "fresh.db")
    assert held == fresh and len(held) == 16
    assert any(state.name == "PRUNED" for state, *_ in held)  # hyperband at work
    assert n_fresh - n_held >= 2 * 16  # optuna's check for waiting trials, TPE's reads


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # ask() outside optimize
def test_stale_trials_are_failed_and_retried_before_the_next_claim(tmp_path):
    import optuna
    from optuna.trial import TrialState

    from study._budget import _next_action

    db = tmp_path / "stale.db"
    rdb = study.open_storage(resolve_storage(str(db)), create=True, heartbeat_interval=1,
                             grace_period=2, max_retry=1)

    def dead_trial(s):
        number = s.ask({"x": optuna.distributions.FloatDistribution(0, 1)}).number
        trial_id = s._storage.get_trial_id_from_study_id_trial_number(s._study_id, number)
        rdb.record_heartbeat(trial_id)
        with sqlite3.connect(db) as con:  # its worker died a minute ago
            con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', '-60 seconds')"
                        " WHERE trial_id = ?", (trial_id,))
        return number

    with study._registry.quiet_optuna():
        s = optuna.create_study(study_name="stale", storage=worker_cache(rdb))
        # budget spent, a dead trial holds the last slot: fail it, and run its retry
        dead = dead_trial(s)
        action, trials = _next_action(s, 1, heartbeats=True, grace_period=2)
        assert action == "run" and [t.state for t in trials] == [TrialState.FAIL,
                                                                 TrialState.WAITING]
        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        # budget left: the claim does not look for stale trials, optuna's optimize does
        # (before it creates the trial) and runs the retry instead of a new trial
        dead = dead_trial(s)
        action, _ = _next_action(s, 5, heartbeats=True, grace_period=2)
        assert action == "run" and s.get_trials()[dead].state == TrialState.RUNNING
        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    trials = s.get_trials()
    assert trials[dead].state == TrialState.FAIL
    assert trials[-1].state == TrialState.COMPLETE
    assert trials[-1].system_attrs["retry_history"] == [dead]
    assert trials[-1].params == trials[dead].params


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # ask() outside optimize
def test_a_worker_back_from_a_storage_silence_fails_no_trial_stale_for_a_grace(
        tmp_path, monkeypatch):
    """A server paused past the grace (kill -STOP) got no one's heartbeat meanwhile: the
    first worker back found another's live trial stale and failed it, its result dropped.
    A worker whose storage was silent that long judges no trial stale for one grace
    (the other workers' beats land meanwhile); a trial really dead is failed after it."""
    import optuna
    from optuna.trial import TrialState

    import study._worker_storage as worker_storage
    from study._budget import _next_action

    clock = [1000.0]  # the worker's time.monotonic()
    monkeypatch.setattr(worker_storage, "time", types.SimpleNamespace(
        monotonic=lambda: clock[0]), raising=False)
    db = tmp_path / "silence.db"
    rdb = study.open_storage(resolve_storage(str(db)), create=True, heartbeat_interval=1,
                             grace_period=2, max_retry=1)
    with study._registry.quiet_optuna():
        s = optuna.create_study(study_name="silence", storage=worker_cache(rdb))
        beating = s.ask({"x": optuna.distributions.FloatDistribution(0, 1)})
        s._storage.record_heartbeat(beating._trial_id)
        unrecorded = s.ask({"x": optuna.distributions.FloatDistribution(0, 1)}).number
        with sqlite3.connect(db) as con:  # 5 s without a beat, as the server was paused
            con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', "
                        "'-5 seconds')")
            con.execute("UPDATE trials SET datetime_start = datetime('now', 'localtime', "
                        "'-5 seconds')")
        clock[0] += 5  # this worker's next read came back 5 s later
        action, trials = _next_action(s, 2, heartbeats=True, grace_period=2)
        assert action == "wait"
        assert [t.state for t in trials] == [TrialState.RUNNING, TrialState.RUNNING]
        clock[0] += 1.5  # still within a grace of the storage's return
        optuna.storages.fail_stale_trials(s)
        assert s.get_trials()[beating.number].state == TrialState.RUNNING
        clock[0] += 1  # past it: the trial without a beat since, and the one no
        action, trials = _next_action(s, 2, heartbeats=True, grace_period=2)  # objective
    assert action == "run"  # entered, are failed and retried
    assert [t.state for t in trials[:2]] == [TrialState.FAIL, TrialState.FAIL]
    assert sorted(t.system_attrs["retry_history"] for t in trials[2:]) == [
        [beating.number], [unrecorded]]


def _beating_study(tmp_path, name: str, **retries):
    """(db, rdb, study): a new study ``name`` in SQLite file ``NAME.db`` beating every second
    (``retries``: its grace_period and max_retry), on a worker's cache as a worker has it."""
    import optuna

    db = tmp_path / f"{name}.db"
    rdb = study.open_storage(resolve_storage(str(db)), create=True, heartbeat_interval=1,
                             **retries)
    with study._registry.quiet_optuna():
        return db, rdb, optuna.create_study(study_name=name, storage=worker_cache(rdb))


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # ask() outside optimize
def test_a_trial_no_objective_entered_is_failed_and_retried_after_the_grace(tmp_path):
    # its worker died between optuna creating the trial and the objective: no heartbeat,
    # so optuna never finds it stale; the other workers must not wait for it forever
    import optuna
    from optuna.trial import TrialState

    from study._budget import _next_action

    db, rdb, s = _beating_study(tmp_path, "orphan", grace_period=2, max_retry=1)
    with study._registry.quiet_optuna():
        orphan = s.ask({"x": optuna.distributions.FloatDistribution(0, 1)}).number
        action, trials = _next_action(s, 1, heartbeats=True, grace_period=2)
        assert action == "wait" and trials[orphan].state == TrialState.RUNNING  # too young
        with sqlite3.connect(db) as con:
            con.execute("UPDATE trials SET datetime_start = datetime('now', 'localtime', "
                        "'-60 seconds') WHERE number = ?", (orphan,))
        action, trials = _next_action(s, 1, heartbeats=True, grace_period=2)
    assert action == "run"
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.WAITING]
    assert trials[1].system_attrs["retry_history"] == [orphan]
    assert trials[1].params == trials[orphan].params


def test_a_trial_has_its_heartbeat_before_its_record_and_training(tmp_path, spec_file, monkeypatch):
    # optuna's heartbeat thread held back: the beat a dead worker's trial needs to turn
    # stale is the one the worker stores itself, before the claim lock is released
    import optuna.storages._heartbeat as heartbeat

    import study._objective as objective

    monkeypatch.setattr(heartbeat.HeartbeatThread, "start", lambda self: None)
    monkeypatch.setattr(heartbeat.HeartbeatThread, "join", lambda self: None)
    db = tmp_path / "beat.db"
    beats = []

    def train_run(*args, **kwargs):
        with contextlib.closing(sqlite3.connect(db)) as con:
            beats.append(con.execute("SELECT t.number FROM trial_heartbeats h JOIN trials t "
                                     "ON t.trial_id = h.trial_id WHERE t.state = 'RUNNING'")
                         .fetchall())
        return real_train_run(*args, **kwargs)

    def write_record(self, trial, record):
        # the claim record is the first write a worker makes; lost right after it, the
        # trial must still turn stale (optuna counts only trials with a heartbeat)
        if not record:
            with contextlib.closing(sqlite3.connect(db)) as con:
                at_record.append(con.execute(
                    "SELECT count(*) FROM trial_heartbeats WHERE trial_id = ?",
                    (trial._trial_id,)).fetchone()[0])
        return real_write_record(self, trial, record)

    real_train_run, real_write_record = objective.train_run, objective.Objective._write_record
    at_record = []
    monkeypatch.setattr(objective, "train_run", train_run)
    monkeypatch.setattr(objective.Objective, "_write_record", write_record)
    study.run_study(study.load_spec(spec_file("beat", n_trials=3, max_epochs=4)),
                    storage=str(db), progress=False)
    assert beats == [[(0,)], [(1,)], [(2,)]]
    assert at_record == [1, 1, 1]


@pytest.mark.parametrize("command", [None, "hplab study run"])
def test_heartbeats_go_on_after_beats_the_storage_failed(tmp_path, spec_file, monkeypatch,
                                                         capsys, command):
    """A server restarting for a second failed a beat, which ended optuna's heartbeat
    thread: the live trial turned stale, another worker failed it and its result was
    dropped. A failed beat is skipped, told once (naming the command, as its other lines
    do; ``hplab`` from a script), and the next ones are recorded."""
    from sqlalchemy.exc import OperationalError

    import study._objective as objective

    beats, real_beat = [], optuna.storages.RDBStorage.record_heartbeat

    def beat(self, trial_id):
        if threading.current_thread() is threading.main_thread():
            return real_beat(self, trial_id)  # the worker's own, as its trial starts
        beats.append(trial_id)
        if len(beats) in (2, 3):  # the thread's second and third
            try:
                raise OperationalError("UPDATE trial_heartbeats ...", {}, Exception(
                    "consuming input failed: server closed the connection unexpectedly"))
            except OperationalError as exc:  # as optuna's session wraps it
                raise optuna.exceptions.StorageInternalError("An exception is raised "
                                                             "during the commit.") from exc
        real_beat(self, trial_id)

    def train_run(*args, **kwargs):
        time.sleep(3.6)  # the thread beats at 0, 1 s (failed), 2 s (failed), 3 s
        return real_train_run(*args, **kwargs)

    real_train_run = objective.train_run
    monkeypatch.setattr(optuna.storages.RDBStorage, "record_heartbeat", beat)
    monkeypatch.setattr(objective, "train_run", train_run)
    db = tmp_path / "beats.db"
    with nets.command_lines(command) if command else contextlib.nullcontext():
        summary = study.run_study(study.load_spec(spec_file(
            "beats", n_trials=1, max_epochs=4, heartbeat_interval=1, grace_period=5)),
            storage=str(db), progress=False)
    assert summary["n_complete"] == 1
    assert len(beats) >= 4  # the thread went on (it had ended at its first failed beat)
    assert capsys.readouterr().err.strip().splitlines() == [
        f"{command or 'hplab'}: a heartbeat did not reach storage sqlite:///{db} (consuming "
        "input failed: server closed the connection unexpectedly); trying again every 1 s"]


def test_show_list_and_report_call_a_dead_workers_trials_what_the_next_worker_does(
        tmp_path, spec_file, capsys):
    # QA: trials of a machine killed whole (their heartbeats stopped) stayed "2 running" in
    # `study show` (and n_running in show/list --json, running in the report's
    # outcomes.csv) minutes past grace_period, while the report's text called a trial of
    # this machine's ended worker left running, and one of another machine's live
    import json

    import pandas as pd
    from cli_helpers import run_cli

    path = spec_file("dead", n_trials=2, pruner="none", max_epochs=2)
    db = tmp_path / "dead.db"
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    rdb = study.open_storage(resolve_storage(str(db)))
    with study._registry.quiet_optuna():
        s = optuna.load_study(study_name="dead", storage=rdb)
    raw = s.user_attrs[study.SPEC_ATTR]
    raw["study"]["n_trials"] = 5  # a budget left for the three trials below
    s.set_user_attr(study.SPEC_ATTR, raw)
    workers = ("machine-2:4242@1.abcd",  # another machine's, beating no more for 95 s
               ended_worker(),  # this machine's, ended
               "machine-2:4243@1.abcd")  # another machine's, live
    for worker in workers:
        trial_id = rdb.create_new_trial(s._study_id)
        rdb.set_trial_user_attr(trial_id, "record", {
            "worker": worker, "run": "r", "study_created": s.user_attrs[study.CREATED_ATTR]})
        rdb.record_heartbeat(trial_id)
        if worker.endswith("4242@1.abcd"):
            with contextlib.closing(sqlite3.connect(db)) as con, con:
                con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', "
                            "'-95 seconds') WHERE trial_id = ?", (trial_id,))
    code, out, err = run_cli(["study", "show", "dead", "--storage", db], capsys)
    assert code == 0, err
    assert ("trials 2/5: 2 complete, 0 pruned (0 diverged), 0 failed (0 errors, 0 retried, "
            "0 interrupted), 1 running, 2 left running by a worker that stopped (failed and "
            "run again when the study resumes)\n") in out
    code, out, err = run_cli(["study", "show", "dead", "--storage", db, "--json"], capsys)
    shown = json.loads(out)
    assert (shown["n_running"], shown["n_stale"]) == (3, 2)
    code, out, err = run_cli(["study", "list", "--storage", db, "--json"], capsys)
    assert [(r["n_running"], r["n_stale"]) for r in json.loads(out)] == [(3, 2)]
    code, out, err = run_cli(["study", "report", "dead", "--storage", db, "--json"], capsys)
    assert code == 0, err
    page = json.loads(out)["report_path"]
    text = open(page, encoding="utf-8").read()
    assert ("2 complete, 0 pruned (0 of them diverged), 0 failed, 1 still running, 2 left running "
            "by a worker that stopped (failed and run again when the study resumes).") in text
    outcomes = pd.read_csv(tmp_path / "runs" / "studies" / "dead" / "report_files"
                           / "outcomes.csv")
    assert outcomes.values.tolist() == [["complete", 2], ["running", 1],
                                        ["left running (worker stopped)", 2]]
    # nothing was written: the next worker fails them and runs them again
    assert [t.state for t in s.get_trials()].count(optuna.trial.TrialState.RUNNING) == 3


def test_a_dead_workers_trials_are_told_by_heartbeat_on_postgresql_from_any_zone(
        postgres_url, spec_file):
    # QA: `study show` called a dead machine's trials running; PostgreSQL's now() is a time
    # with zone, its heartbeats without: a reader whose session zone differs (here Tokyo's,
    # given in the URL) must not find the live trial stale nor the dead one live
    import uuid

    from conftest import run_tiny_study

    name = f"dead-{uuid.uuid4().hex[:8]}"
    run_tiny_study(spec_file, postgres_url, name, n_trials=1, max_epochs=2)
    rdb = study.open_storage(resolve_storage(postgres_url))
    try:
        with study._registry.quiet_optuna():
            s = optuna.load_study(study_name=name, storage=rdb)
        dead, live = (rdb.create_new_trial(s._study_id) for _ in range(2))
        for trial_id in (dead, live):
            rdb.set_trial_user_attr(trial_id, "record", {"worker": "machine-2:4242@1.abcd"})
            rdb.record_heartbeat(trial_id)
        with rdb.engine.begin() as con:
            con.exec_driver_sql("UPDATE trial_heartbeats SET heartbeat = heartbeat - "
                                "interval '95 seconds' WHERE trial_id = %s", (dead,))
    finally:
        study.release(rdb)
    tokyo = postgres_url + "?options=-c%20timezone%3DAsia/Tokyo"
    shown = study.show_study(name, tokyo)
    assert (shown["n_running"], shown["n_stale"]) == (2, 1)


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # ask() outside optimize
def test_show_and_a_worker_read_the_same_heartbeats(tmp_path):
    # `stale_trials` (show, list, the report) and a worker's never-beaten trials read the
    # heartbeats of optuna's private tables through one helper (study._running_beats)
    import optuna

    from study._running_beats import running_beats

    db, rdb, s = _beating_study(tmp_path, "beats", grace_period=30, max_retry=0)
    with study._registry.quiet_optuna():
        beating, silent, orphan = (s.ask() for _ in range(3))
        rdb.record_heartbeat(beating._trial_id)
        rdb.record_heartbeat(silent._trial_id)
        s.tell(s.ask(), 1.0)  # not RUNNING: read by neither
    with contextlib.closing(sqlite3.connect(db)) as con, con:
        con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', '-60 seconds') "
                    "WHERE trial_id = ?", (silent._trial_id,))
        con.execute("UPDATE trials SET datetime_start = datetime('now', 'localtime', "
                    "'-60 seconds') WHERE number = ?", (orphan.number,))
    now, rows = running_beats(rdb, s._study_id, server_now=True)
    assert [(r.number, r.beat is None) for r in rows] == [(0, False), (1, False), (2, True)]
    assert all(r.start is not None for r in rows) and now is not None
    trials = s.get_trials(deepcopy=False)
    assert study.stale_trials(s, trials, 30) == {silent.number, orphan.number}
    assert s._storage._never_beaten(rows) == [orphan._trial_id]  # optuna skips it
    assert study.keeps_heartbeats(s) and study.keeps_heartbeats(
        optuna.load_study(study_name="beats", storage=f"sqlite:///{db}"))
    journal = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(tmp_path / "j.log")))
    with study._registry.quiet_optuna():
        assert not study.keeps_heartbeats(optuna.create_study(storage=journal))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="a worker's boot comes from /proc")
@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # ask() outside optimize
def test_show_and_a_run_agree_on_whose_worker_ended(tmp_path):
    # the review: `study show` took a live pid's worker of another boot (another machine of
    # this hostname) for ended, and called its live trial stale where the run, on a storage
    # with heartbeats, left it to them; on a journal both take it for ended (nothing else
    # ever ends a trial a reboot left running), and the run closes it
    from optuna.trial import TrialState

    from study._worker_closing import close_dead_journal_trials

    own = study.worker_id()
    ticks, _, boot = own.rpartition("@")[2].partition(".")
    ended = f"{own.rpartition('@')[0]}@{int(ticks) + 1}.{boot}"  # this pid, a later start
    elsewhere = f"{own.rpartition('.')[0]}.00000000"  # this pid's number, another boot

    def two_trials(s, rdb=None):
        with study._registry.quiet_optuna():
            trials = [s.ask() for _ in range(2)]
        for trial, worker in zip(trials, (ended, elsewhere), strict=True):
            s._storage.set_trial_user_attr(trial._trial_id, study.RECORD_ATTR,
                                           {"worker": worker, "run": "r"})
            if rdb is not None:
                rdb.record_heartbeat(trial._trial_id)
        return [t.number for t in trials]

    db, rdb, s = _beating_study(tmp_path, "boots", grace_period=30, max_retry=0)
    gone, live = two_trials(s, rdb)
    with contextlib.closing(sqlite3.connect(db)) as con, con:  # quiet a while: looked at
        con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', '-5 seconds')")
    assert study.stale_trials(s, s.get_trials(deepcopy=False), 30) == {gone}
    stale_ids = s._storage._get_stale_trial_ids(s._study_id)
    assert [s._storage.get_trial(i).number for i in stale_ids] == [gone]

    journal = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(tmp_path / "boots.log")))
    with study._registry.quiet_optuna():
        s = optuna.create_study(study_name="boots", storage=journal)
    numbers = two_trials(s)
    assert study.stale_trials(s, s.get_trials(deepcopy=False), 30) == set(numbers)
    assert close_dead_journal_trials(s, s.get_trials(deepcopy=False))
    assert [t.state for t in s.get_trials(deepcopy=False)] == [TrialState.FAIL] * 2


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")  # ask() outside optimize
def test_the_retry_of_a_dead_workers_trial_does_not_name_that_worker(tmp_path, spec_file,
                                                                     capsys):
    # QA: optuna's retry copies the dead trial's user attributes, hplab's record with them:
    # the export named the dead worker (and its run) as the retry's, queued or run by
    # another Optuna client; another program's attribute of the trial is kept
    import csv

    from cli_helpers import run_cli

    path = spec_file("again", n_trials=2, pruner="none", max_epochs=2)
    db = tmp_path / "again.db"
    code, _, err = run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)
    assert code == 0, err
    rdb = study.open_storage(resolve_storage(str(db)), heartbeat_interval=1, grace_period=2,
                             max_retry=1)
    with study._registry.quiet_optuna():
        s = optuna.load_study(study_name="again", storage=rdb)
        dead = s.ask({"lr": optuna.distributions.FloatDistribution(0.05, 2.0, log=True),
                      "width": optuna.distributions.IntDistribution(2, 6)})
    gone = ended_worker()
    dead.set_user_attr("record", {"worker": gone, "run": "dead-run",
                                  "study_created": s.user_attrs[study.CREATED_ATTR]})
    dead.set_user_attr("source", "paper")
    rdb.record_heartbeat(dead._trial_id)
    with contextlib.closing(sqlite3.connect(db)) as con, con:
        con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', '-60 seconds') "
                    "WHERE trial_id = ?", (dead._trial_id,))
    with study._registry.quiet_optuna():
        optuna.storages.fail_stale_trials(s)  # as a worker's optimize does before a trial

    def export():
        code, _, err = run_cli(["study", "export", "again", "--storage", db, "--csv",
                                tmp_path / "again.csv"], capsys)
        assert code == 0, err
        with open(tmp_path / "again.csv", newline="") as f:
            return [(r["number"], r["state"], r["user_attrs_worker"], r["user_attrs_run"],
                     r["user_attrs_source"]) for r in csv.DictReader(f)][2:]

    assert export() == [("2", "FAIL", gone, "dead-run", "paper"),
                        ("3", "WAITING", "", "", "paper")]
    code, out, err = run_cli(["study", "run", path, "--storage", db, "--no-report",
                              "--json"], capsys)
    assert code == 0, err
    rows = export()
    assert [r[:2] for r in rows] == [("2", "FAIL"), ("3", "COMPLETE")]
    assert rows[1][2] not in ("", gone) and rows[1][3] not in ("", "dead-run")
