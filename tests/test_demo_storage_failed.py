"""`hplab demo` on a storage that fails mid-run (a full disk): its error says what the same
command does (it replaces the study, it does not resume it), and that command is not
refused by what the failed run left."""

from __future__ import annotations

import json
import sqlite3

import optuna
import pytest
from conftest import figure_stand_in

import hplab
import study


def test_a_demo_whose_storage_filled_up_is_replaced_by_the_next_one(tmp_path, spec_file,
                                                                     monkeypatch, capsys):
    # QA: a full disk between making the demo's study and storing its command left a
    # "demo" without one; every later demo then said "holds a study named 'demo' that
    # hplab demo did not make", and the failed one "the same command resumes the study"
    figure_stand_in(monkeypatch, typeset=False)  # the report's figures: not this test's
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.db"
    demo = ["demo", "--trials", "1", "--workers", "1", "--storage", str(db), "--json"]
    full = "storage sqlite:///{} failed: database or disk is full; the same command runs " \
           "the study afresh\n".format(db)
    set_user_attr = optuna.Study.set_user_attr

    def disk_full_at(key):
        def set_attr(self, name, value):
            if name == key:
                raise sqlite3.OperationalError("database or disk is full")
            return set_user_attr(self, name, value)
        return set_attr

    with monkeypatch.context() as m:
        m.setattr(optuna.Study, "set_user_attr", disk_full_at(study.COMMAND_ATTR))
        assert hplab.main(demo) == 2
        assert capsys.readouterr() == ("", f"hplab demo: error: {full}")
    # the command is stored before the spec (a run racing to create the study waits for
    # the spec, then reads whose it is): the failed run left optuna's study, nothing in it
    left = optuna.load_study(study_name="demo", storage=f"sqlite:///{db}")
    assert left.user_attrs == {} and not left.trials
    assert hplab.main(demo) == 0
    out, err = capsys.readouterr()
    assert err == f"hplab demo: replacing the earlier demo study in sqlite:///{db}\n"
    assert json.loads(out)["n_finished"] == 1
    # a trial's write failing in its worker: the same words, not the worker's own
    real = optuna.storages.RDBStorage.set_trial_user_attr

    def set_trial_user_attr(self, trial_id, key, value):
        if key == "record":
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, trial_id, key, value)

    with monkeypatch.context() as m:
        m.setattr(optuna.storages.RDBStorage, "set_trial_user_attr", set_trial_user_attr)
        assert hplab.main(demo) == 2
        assert capsys.readouterr().err == (
            f"hplab demo: replacing the earlier demo study in sqlite:///{db}\n"
            f"hplab demo: error: {full}")
    # a study named "demo" with trials and no command (run from Python) is still no
    # demo's: refused
    mine = tmp_path / "mine.db"
    study.run_study(spec_file("demo", n_trials=1), storage=str(mine))
    assert hplab.main(["demo", "--trials", "1", "--storage", str(mine)]) == 2
    assert "holds a study named 'demo' that hplab demo did not make" in \
        capsys.readouterr().err
    # nor is one made from optuna itself, with a trial queued: it was deleted unsaid
    theirs = tmp_path / "theirs.db"
    optuna.create_study(study_name="demo", storage=f"sqlite:///{theirs}").enqueue_trial({})
    assert hplab.main(["demo", "--trials", "1", "--storage", str(theirs)]) == 2
    assert "holds a study named 'demo' that hplab demo did not make" in \
        capsys.readouterr().err
    assert len(optuna.load_study(study_name="demo", storage=f"sqlite:///{theirs}").trials) == 1
    # one left before even its spec was stored (optuna's study, nothing in it) is replaced
    empty = tmp_path / "empty.db"
    optuna.create_study(study_name="demo", storage=f"sqlite:///{empty}")
    assert study.earlier_demo(str(empty), study.demo_spec(1)) == f"sqlite:///{empty}"
    # but an empty one holding an attribute of its own is someone's (QA: it was replaced as
    # "the earlier demo study", its attribute gone)
    owned = tmp_path / "owned.db"
    optuna.create_study(study_name="demo", storage=f"sqlite:///{owned}").set_user_attr(
        "owner", "alice")
    with pytest.raises(ValueError, match="that hplab demo did not make"):
        study.earlier_demo(str(owned), study.demo_spec(1))


def test_the_earlier_demo_storage_is_opened_at_most_twice_each_released(tmp_path,
                                                                        monkeypatch):
    # review: earlier_demo opened the storage up to three times, one never released; now
    # once read-only (a refusal stops there), once with heartbeats (is it running?)
    import study._demo

    db = tmp_path / "t.db"
    optuna.create_study(study_name="demo", storage=f"sqlite:///{db}").enqueue_trial({})
    opened, released = [], []
    real_open, real_release = study._demo.open_storage, study._demo.release
    monkeypatch.setattr(study._demo, "open_storage",
                        lambda *a, **k: opened.append(real_open(*a, **k)) or opened[-1])
    monkeypatch.setattr(study._demo, "release",
                        lambda store: released.append(store) or real_release(store))
    with pytest.raises(ValueError, match="that hplab demo did not make"):
        study.earlier_demo(str(db), study.demo_spec(1))
    assert len(opened) == 1 and released == opened
    opened.clear(), released.clear()
    empty = tmp_path / "empty.db"  # a demo left before its spec was stored: replaced
    optuna.create_study(study_name="demo", storage=f"sqlite:///{empty}")
    assert study.earlier_demo(str(empty), study.demo_spec(1)) == f"sqlite:///{empty}"
    assert len(opened) == 2 and released == opened


def test_a_demo_refusing_someones_storage_leaves_its_journal_mode(tmp_path):
    # QA: the refusal opened the storage to write first, which made someone's file WAL
    import sqlite3

    db = tmp_path / "a.db"
    optuna.create_study(study_name="demo", storage=f"sqlite:///{db}").enqueue_trial({})
    with pytest.raises(ValueError, match="that hplab demo did not make"):
        study.earlier_demo(str(db), study.demo_spec(5))
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
