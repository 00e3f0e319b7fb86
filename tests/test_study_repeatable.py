"""study.repeatable_workers: parallel studies whose trials do not depend on timing."""

from __future__ import annotations

import html
import os
import time
import uuid
import warnings
from pathlib import Path

import optuna
import pytest

import study
from study import SpecError

COIN = {"lr": {"low": 0.003, "high": 0.3, "log": True},
        "width": {"low": 2, "high": 32, "log": True}, "batch_size": [16, 32, 64]}


def _trials(db) -> list[tuple]:
    """What a run decided and measured, trial by trial."""
    stored = optuna.load_study(study_name="rep", storage=f"sqlite:///{db}")
    return [(t.number, t.state.name, t.params, t.value, t.intermediate_values)
            for t in stored.get_trials(deepcopy=False)]


@pytest.mark.slow
def test_two_workers_run_the_trials_one_worker_runs_bit_for_bit(tmp_path, spec_file):
    # TPE models from the fifth trial on and hyperband prunes: without the key, which
    # trials had finished when a worker sampled (or was asked to stop) was a race
    spec = study.load_spec(spec_file(
        "rep", dataset="coin", metric="val_accuracy", n_trials=14, seed=3, max_epochs=12,
        pruner="hyperband", repeatable_workers=2, space=COIN,
        fixed={"optimizer": "adam", "checkpoint": 1}, sampler_options={"n_startup_trials": 4},
        pruner_options={"reduction_factor": 3}))
    runs = {}
    for name, workers in (("one", 1), ("two", 2), ("again", 2)):
        summary = study.run_study(spec, storage=str(tmp_path / f"{name}.db"),
                                  workers=workers, progress=False)
        assert summary["n_trials"] == 14
        runs[name] = _trials(tmp_path / f"{name}.db")
    assert runs["two"] == runs["one"] and runs["again"] == runs["one"]
    states = [state for _, state, *_ in runs["one"]]
    assert "PRUNED" in states and states.count("COMPLETE") >= 3, states


def test_a_dead_workers_trial_holds_no_one_up(tmp_path, spec_file):
    # trial 3 learns from trial 1, which a killed worker left running: failed as stale
    # once its last heartbeat is older than the grace, and the study goes on
    def spec(n_trials):
        return study.load_spec(spec_file(
            "rep", n_trials=n_trials, max_epochs=4, heartbeat_interval=1, grace_period=3,
            max_retry=0, repeatable_workers=2))

    db = tmp_path / "dead.db"
    study.run_study(spec(1), storage=str(db), progress=False)
    storage = optuna.storages.RDBStorage(f"sqlite:///{db}", heartbeat_interval=1,
                                         grace_period=3)
    dead = optuna.load_study(study_name="rep", storage=storage).ask()
    storage.record_heartbeat(dead._trial_id)  # its last beat: a worker alive until now
    start = time.monotonic()
    summary = study.run_study(spec(4), storage=str(db), progress=False, explicit_trials=True)
    waited = time.monotonic() - start
    stored = optuna.load_study(study_name="rep", storage=f"sqlite:///{db}")
    assert [t.state.name for t in stored.trials] == ["COMPLETE", "FAIL", "COMPLETE",
                                                     "COMPLETE"]
    assert summary["n_complete"] == 3
    assert 3 < waited < 15  # the grace and a stale check or two, not for good


@pytest.mark.parametrize("keys, message", [
    ({"repeatable_workers": 0}, "study.repeatable_workers must be >= 1, got 0"),
    ({"repeatable_workers": 2, "sampler": "grid"},
     "study.repeatable_workers: the grid sampler cannot run repeatably in parallel: its "
     "workers walk one shared sequence, a point to whichever claims first; leave "
     "repeatable_workers out"),
    ({"repeatable_workers": 2, "sampler": "qmc"}, "the qmc sampler cannot run repeatably"),
    ({"repeatable_workers": 2, "sampler": "nsga2", "metric": ["val_loss", "n_parameters"],
      "pruner": None}, "the nsga2 sampler cannot run repeatably in parallel: it caches each "
     "generation's parents"),
])
def test_specs_it_cannot_make_repeatable_are_refused(spec_file, keys, message):
    with pytest.raises(SpecError) as err:
        study.load_spec(spec_file("rep", **keys))
    assert message in str(err.value)


def test_a_journal_is_refused_before_anything_is_stored(tmp_path, spec_file):
    spec = study.load_spec(spec_file("rep", repeatable_workers=2))
    log = tmp_path / "j.log"
    with pytest.raises(SpecError) as err:
        study.run_study(spec, storage=f"journal:{log}", progress=False)
    assert str(err.value) == (
        f"study.repeatable_workers needs a storage with heartbeats (SQLite or PostgreSQL), "
        f"not journal:{log}: on a journal a dead worker's trial would hold up every later "
        "trial for good")
    assert not log.exists()


def test_a_study_keeps_its_lag_for_life(tmp_path, spec_file):
    # trials learnt from trials 0 .. k - 2; resumed under another lag they would not
    db = str(tmp_path / "s.db")
    study.run_study(study.load_spec(spec_file("rep", n_trials=2, max_epochs=4,
                                              repeatable_workers=2)),
                    storage=db, progress=False)
    with pytest.raises(SpecError, match="study.repeatable_workers"):
        study.run_study(study.load_spec(spec_file("rep", n_trials=3, max_epochs=4,
                                                  repeatable_workers=3)),
                        storage=db, progress=False)


@pytest.mark.slow
def test_the_demo_runs_the_same_trials_every_time(tmp_path, monkeypatch, capsys):
    # a user running `make demo` twice got another study (and report) each time: the
    # 2 workers raced, and TPE's proposals after its first 10 trials followed the race
    import hplab

    runs = []
    for folder, workers in (("a", "2"), ("b", "2"), ("c", "1")):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        assert hplab.main(["demo", "--trials", "16", "--workers", workers, "--json"]) == 0
        capsys.readouterr()
        stored = optuna.load_study(study_name="demo", storage="sqlite:///runs/hplab.db")
        runs.append([(t.number, t.state.name, t.params, t.value, t.intermediate_values)
                     for t in stored.get_trials(deepcopy=False)])
    assert runs[1] == runs[0] and runs[2] == runs[0]
    assert len(runs[0]) == 16 and "PRUNED" in {state for _, state, *_ in runs[0]}


@pytest.mark.slow
def test_two_machines_on_postgresql_run_the_trials_of_one_worker_on_sqlite(
        postgres_url, spec_file, tmp_path):
    # two `hplab study worker` processes joining one PostgreSQL study, as two machines
    # would: the trials one worker runs on a SQLite file, bit for bit
    from test_study_distributed import create, finish, start_worker

    name = f"rep-{uuid.uuid4().hex[:8]}"  # the database is shared by the tests
    spec = study.load_spec(spec_file(
        name, dataset="coin", metric="val_accuracy", n_trials=12, seed=5, max_epochs=8,
        pruner="median", repeatable_workers=2, space=COIN,
        fixed={"optimizer": "adam", "checkpoint": 1}, sampler_options={"n_startup_trials": 3}))
    db = tmp_path / "one.db"
    study.run_study(spec, storage=str(db), progress=False)
    one = optuna.load_study(study_name=name, storage=f"sqlite:///{db}")
    shared = create(spec, postgres_url)
    for summary in [finish(w) for w in [start_worker(name, postgres_url, tmp_path)
                                        for _ in range(2)]]:
        assert summary["n_finished"] == 12

    def trials(s):
        return [(t.number, t.state.name, t.params, t.value, t.intermediate_values)
                for t in s.get_trials(deepcopy=False)]

    assert trials(shared) == trials(one)
    assert len({study.trial_info(t)["worker"] for t in shared.trials}) == 2


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="process start times come from /proc")
def test_a_dead_worker_of_this_machine_is_closed_without_waiting_the_grace(tmp_path,
                                                                           spec_file):
    # QA: a pool worker killed (the command went on without it) held the waiting trials up
    # for its heartbeat's grace, 30 s, though its process was seen gone
    def spec(n_trials):
        return study.load_spec(spec_file("rep", n_trials=n_trials, max_epochs=4,
                                          repeatable_workers=2))

    db = tmp_path / "gone.db"
    study.run_study(spec(1), storage=str(db), progress=False)
    host_pid, _, start = study.worker_id().partition("@")
    ticks, _, boot = start.partition(".")
    dead = f"{host_pid}@{int(ticks) - 1}.{boot}"  # this pid, an earlier process's
    storage = study.open_storage(study.resolve_storage(str(db)), heartbeat_interval=5,
                                 grace_period=30)
    stuck = optuna.load_study(study_name="rep", storage=storage).ask()
    storage.set_trial_user_attr(stuck._trial_id, study.RECORD_ATTR, {"worker": dead,
                                                                    "run": "x"})
    storage.record_heartbeat(stuck._trial_id)  # fresh: stale only in 30 s
    began = time.monotonic()
    summary = study.run_study(spec(4), storage=str(db), progress=False, explicit_trials=True)
    assert time.monotonic() - began < 15
    # failed and retried as a stale trial is: a run judges stale at once a trial of this
    # machine whose process ended, as study show counts it
    trials = study.open_study("rep", str(db))[0].trials
    assert trials[stuck.number].state == optuna.trial.TrialState.FAIL
    assert [t.state.name for t in trials if stuck.number in t.system_attrs.get(
        "retry_history", ())] == ["COMPLETE"]
    assert summary["n_complete"] == 4 and summary["n_retried"] == 1


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="process start times come from /proc")
def test_a_waiting_worker_closes_a_trial_whose_process_ended_after_its_first_look(tmp_path):
    # review: after its first look at a study, a worker's cache checks only trials whose
    # beat is two intervals old: one whose worker died with a fresh beat held the waiting
    # trial up to 10 s, though the docstring and README said "as soon as"
    import warnings

    from conftest import ended_worker

    from study._history_view import wait_for_history
    from study._worker_storage import worker_cache

    rdb = study.open_storage(study.resolve_storage(str(tmp_path / "w.db")), create=True,
                             heartbeat_interval=5, grace_period=30)
    with study._registry.quiet_optuna(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # asked, not optimized: no heartbeat thread
        s = optuna.create_study(study_name="w", storage=worker_cache(rdb))
        assert s._storage._get_stale_trial_ids(s._study_id) == []  # its first look
        held = s.ask()
        s._storage.set_trial_user_attr(held._trial_id, study.RECORD_ATTR,
                                       {"worker": ended_worker(), "run": "r"})
        rdb.record_heartbeat(held._trial_id)  # fresh: two intervals old only in 10 s
        began = time.monotonic()
        wait_for_history(s, held.number + 1, 1)
    assert time.monotonic() - began < 4  # a check a second (it took 10 s)
    failed = s._storage.get_trial(held._trial_id)
    assert failed.state == optuna.trial.TrialState.FAIL
    assert failed.system_attrs["hplab_stale_cause"]["cause"] == "ended"


def test_each_trial_records_its_wait_and_the_timeline_draws_it_from_its_end(tmp_path,
                                                                          spec_file):
    from reports._timeline_data import timeline_frame

    spec = study.load_spec(spec_file("rep", n_trials=6, max_epochs=8, repeatable_workers=3))
    db = tmp_path / "w.db"
    study.run_study(spec, storage=str(db), workers=2, progress=False)
    trials = study.open_study("rep", str(db))[0].trials
    waited = [study.trial_info(t)["waited"] for t in trials]
    assert all(isinstance(w, float) and w >= 0 for w in waited), waited
    times = study.trial_times(trials)
    t0 = min(start for start, _ in times.values())
    frame = timeline_frame(trials).set_index("number")
    # the report's caption says why a trial's bar starts after its start
    import reports

    page = Path(reports.write_study_report("rep", str(db), tmp_path / "r")).read_text()
    assert ("a trial's wait for the trials it learns from (repeatable_workers 3: each trial "
            "is drawn from the end of its wait)") in " ".join(html.unescape(page).split())
    for t, w in zip(trials, waited, strict=True):
        began, ended = times[t.number]
        assert frame.loc[t.number, "start"] == pytest.approx(
            min((began - t0).total_seconds() + w, (ended - t0).total_seconds()))


@pytest.mark.parametrize("keys, workers, said", [
    ({"n_trials": 3, "repeatable_workers": 3}, 1,
     "study.repeatable_workers 3 is not below n_trials 3: no trial learns from another (a "
     "random search, nothing pruned); twice the workers lets the later trials learn"),
    ({"n_trials": 3, "repeatable_workers": 1}, 2,
     "2 workers on a study with repeatable_workers 1: at most 1 trial trains at once, the "
     "other waits"),
    ({"n_trials": 3, "repeatable_workers": 2, "sampler_options": {"constant_liar": True}}, 1,
     "sampler.constant_liar does nothing with study.repeatable_workers: a trial sees no "
     "running trial to lie about"),
])
def test_settings_that_give_up_what_a_user_expects_are_warned_of(tmp_path, spec_file, keys,
                                                                  workers, said):
    spec = study.load_spec(spec_file("rep", max_epochs=4, **keys))
    with pytest.warns(UserWarning) as caught:
        study.run_study(spec, storage=str(tmp_path / "n.db"), workers=workers,
                        progress=False)
    assert said in [str(w.message) for w in caught]


@pytest.mark.parametrize("cores, n_trials, lag, workers, said", [
    (2, 6, 2, 3, []),
    (4, 6, 2, 3, ["3 workers on a study with repeatable_workers 2: at most 2 trials train at "
               "once, the other waits"]),
    # review: a worker past the trials never starts either ("3 workers" of 2 trials)
    (4, 2, 1, 3, ["2 workers on a study with repeatable_workers 1: at most 1 trial trains at "
               "once, the other waits"]),
    (8, 9, 2, 5, ["5 workers on a study with repeatable_workers 2: at most 2 trials train at "
               "once, the others wait"])])
def test_workers_past_the_cores_are_not_said_to_wait_on_a_repeatable_study(
        tmp_path, spec_file, monkeypatch, cores, n_trials, lag, workers, said):
    # QA: --workers 3 on 2 cores said "at most 2 trials train at once, the other workers
    # wait", and the next line "only 2 cores here: running 2 processes"
    from study._history_view import check_repeatable

    # a machine of that many cores: its affinity, and its count (joblib's, which nets.cores
    # takes for a container's quota, is at most os.cpu_count)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    spec = study.load_spec(spec_file("rep", n_trials=n_trials, repeatable_workers=lag))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_repeatable(spec, study.resolve_storage(str(tmp_path / "n.db")), workers)
    assert [str(w.message) for w in caught] == said


def test_the_demo_on_a_journal_runs_as_it_did_before_its_lockstep(tmp_path, monkeypatch,
                                                                  capsys):
    # QA: `hplab demo --storage j.log` was refused for a setting the user never wrote
    import hplab

    monkeypatch.chdir(tmp_path)
    code = hplab.main(["demo", "--trials", "6", "--workers", "1", "--storage", "j.log",
                       "--json"])
    err = capsys.readouterr().err
    assert code == 0, err
    # QA: one worker's trials were the same run after run, though it warned they may differ
    assert "no heartbeats" not in err
    stored = study.open_study("demo", "j.log")[0]
    assert len(stored.trials) == 6
    assert "repeatable_workers" not in stored.user_attrs["hplab_spec"]["study"]
    # with two it warns, once it runs: the warning came before another demo's refusal
    with study.demo_running("j.log"):
        assert hplab.main(["demo", "--trials", "6", "--storage", "j.log", "--json"]) == 2
    assert "no heartbeats" not in capsys.readouterr().err
    warned = []
    monkeypatch.setattr(study, "run_study", lambda *a, **k: warned.append(
        capsys.readouterr().err) or study.show_study("demo", "j.log"))
    hplab.main(["demo", "--trials", "6", "--workers", "2", "--storage", "j.log", "--json"])
    assert warned == [
        "hplab demo: a journal storage has no heartbeats, so the demo runs without its "
        "lockstep (study.repeatable_workers): with more than one worker its trials may differ "
        "from run to run\nhplab demo: replacing the earlier demo study in journal:j.log\n"]
