"""Storage URLs and bad input: one line, exit code 2, fast, and the storage left untouched."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.util
import json
import os
import pwd
import resource
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from cli_helpers import as_a_user, file_sha, give_away, run_cli, within
from conftest import ForkServer, copy_files, stored_study_files

import hplab
import nets
import reports
import study
from reports._cli import _output
from study import StorageError, mask_url, resolve_storage
from study._study_progress import StudyProgress


def test_storage_forms_resolve_without_touching_anything(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    default = resolve_storage(None)
    assert default.kind == "sqlite" and default.url == "sqlite:///runs/hplab.db"
    assert resolve_storage("x/y.db").url == "sqlite:///x/y.db"
    assert resolve_storage("sqlite:////abs/z.db").path.as_posix() == "/abs/z.db"
    assert resolve_storage("trials.log").kind == "journal"
    assert resolve_storage("journal:j.txt").path.name == "j.txt"
    # a notebook's Path (it was "'PosixPath' object has no attribute 'strip'")
    assert resolve_storage(Path("x/y.db")) == resolve_storage("x/y.db")
    assert resolve_storage(Path("t.log")).kind == "journal"
    with pytest.raises(TypeError, match=r"^storage must be a storage URL or a file path "
                                        r"\(str or os\.PathLike\), got int$"):
        resolve_storage(5)
    pg = resolve_storage("postgresql://u:pw@h:5/db")
    assert pg.url == "postgresql+psycopg://u:pw@h:5/db" and pg.masked == \
        "postgresql+psycopg://u:***@h:5/db"
    assert resolve_storage("postgres://u@h/db").url.startswith("postgresql+psycopg://")
    assert not list(tmp_path.iterdir())
    for bad in ("runs/hplab.txt", "redis://localhost"):
        with pytest.raises(StorageError):
            resolve_storage(bad)
    # a scheme's typo was SQLAlchemy's "Can't load plugin: sqlalchemy.dialects:postgresq"
    for typo, scheme in (("postgresq://u:pw@h/x", "postgresq"), ("sqlite3:///x.db", "sqlite3"),
                         ("file:///tmp/x.log", "file")):
        with pytest.raises(StorageError) as err:
            resolve_storage(typo)
        assert f"unknown scheme {scheme}://; expected a URL (sqlite:///, postgresql://, " \
            "mysql://), a .db file or a journal .log or .jsonl file" in str(err.value)
        assert "pw" not in str(err.value)


def test_pool_workers_get_the_storage_file_by_its_absolute_path(tmp_path, monkeypatch):
    # loky's reused workers keep the folder they started in: a relative path opened
    # another folder's database after the caller's chdir
    monkeypatch.chdir(tmp_path)
    here = tmp_path.as_posix()
    for given, url in ((None, f"sqlite:///{here}/runs/hplab.db"),
                       ("sqlite:///x/a%3Fb.db?timeout=30",  # a '?' in the name, an option
                        f"sqlite:///{here}/x/a%3Fb.db?timeout=30"),
                       ("trials.log", f"journal:{here}/trials.log")):
        where = resolve_storage(given).absolute()
        assert where.url == url and where.path.is_absolute()
        assert resolve_storage(where.url).path == where.path  # the same file, opened there
    for given in ("sqlite:////abs/z.db", "postgresql://u:pw@h/db"):
        assert resolve_storage(given).absolute() == resolve_storage(given)
    assert not resolve_storage(None).absolute().given  # still the default, not --storage


def test_passwords_are_masked():
    assert mask_url("mysql+pymysql://bob:s3cr%40t@db:3306/x") == \
        "mysql+pymysql://bob:***@db:3306/x"
    assert mask_url("sqlite:///runs/hplab.db") == "sqlite:///runs/hplab.db"
    assert "hunter2" not in mask_url("weird://a:hunter2@host")
    # libpq and SQLAlchemy also take the password as a query parameter
    assert mask_url("postgresql+psycopg://u@h:5/db?password=hunter2&sslmode=require") == \
        "postgresql+psycopg://u@h:5/db?password=***&sslmode=require"
    assert mask_url("postgresql://u@h/db?sslpassword=k3y") == "postgresql://u@h/db?sslpassword=***"
    # every key _is_secret names, any case, and only those (a dropped key leaked its value)
    for key in ("password", "sslpassword", "PGPASSWORD", "pwd", "passwd", "secret", "token",
                "Token"):
        assert mask_url(f"postgresql://u@h/db?{key}=abc123&app=x") == \
            f"postgresql://u@h/db?{key}=***&app=x", key
    assert mask_url("postgresql://u@h/db?tokens=1&secret_id=2&app=x") == \
        "postgresql://u@h/db?tokens=1&secret_id=2&app=x"
    # an unencoded '@' in the password: everything up to the last '@' is user info
    assert mask_url("postgresql://u:p@ss@h/db") == "postgresql://u:***@h/db"
    assert mask_url("sqlite:////tmp/a:b@c.db") == "sqlite:////tmp/a:b@c.db"
    # a '?' in the password: SQLAlchemy reads it as part of the password, not a query
    assert mask_url("postgresql://hplab:pa?ss@h:5/db?sslmode=require") == \
        "postgresql://hplab:***@h:5/db?sslmode=require"
    assert "pa?ss" in study._url_masking._secrets("postgresql://hplab:pa?ss@h:5/db")
    # the password's text elsewhere in the URL (user, database, host) stays as it is
    assert mask_url("postgresql://postgres:postgres@localhost/postgres") == \
        "postgresql://postgres:***@localhost/postgres"
    assert mask_url("postgresql://u:1@10.0.0.1:5432/db1") == "postgresql://u:***@10.0.0.1:5432/db1"
    # an '@' in the query is not the end of the user info
    assert mask_url("postgresql://u:p?x@h/db?sslpassword=k&app=me@laptop") == \
        "postgresql://u:***@h/db?sslpassword=***&app=me@laptop"
    assert mask_url("postgresql://u:pw@[::1]:5432/db") == "postgresql://u:***@[::1]:5432/db"
    # an unencoded '@' followed by '/', '?' or ':' in the password: hidden whole, not from
    # its first '/' or '?' on; an '@' in the user name does not show the password either
    for password in ("p@ss:w/rd%40", "a@b/cSEC", "a@b?cSEC"):
        assert mask_url(f"postgresql://u:{password}@127.0.0.1:5443/db") == \
            "postgresql://u:***@127.0.0.1:5443/db"
        assert password in study._url_masking._secrets(f"postgresql://u:{password}@h/db")
    assert mask_url("postgresql://me@corp:pw@host/db") == "postgresql://me@corp:***@host/db"
    # the command a study records, --storage=URL spelled in one word
    assert _output.command_line(["study", "run", "s.toml", "--storage=postgresql://u:pa?ss@h/db"]
                               ) == "hplab study run s.toml '--storage=postgresql://u:***@h/db'"


def test_journal_before_a_server_url_is_refused_and_masked(tmp_path, monkeypatch, capsys):
    # journal:postgresql://bob:hunter2@db.lab/hp made the local folders
    # postgresql:/bob:hunter2@db.lab/, ran the study there and showed the password in
    # the report, runs/index.html and --json
    monkeypatch.chdir(tmp_path)
    code = hplab.main(["study", "list", "--storage",
                       "journal:postgresql://bob:hunter2@db.lab/hp"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "journal: takes a file path" in err and "hunter2" not in err and "bob:***@" in err
    assert list(tmp_path.iterdir()) == []
    # whatever shows a storage masks a user:password@ part, whatever its form
    where = study.StorageURL("journal", "journal:postgresql:/bob:hunter2@db.lab/hp",
                             Path("postgresql:/bob:hunter2@db.lab/hp"))
    assert where.masked == "journal:postgresql:***@db.lab/hp" and "hunter2" not in repr(where)
    assert mask_url("journal:postgresql://bob:hunter2@db.lab/hp") == \
        "journal:postgresql://bob:***@db.lab/hp"
    assert mask_url("bob:hunter2@db.lab/hp") == "bob:***@db.lab/hp"
    # a path with no user info stays as it is
    assert mask_url("journal:runs/a:b@c.log") == "journal:runs/a:b@c.log"
    assert mask_url("runs/hplab.db") == "runs/hplab.db"


@pytest.mark.parametrize(("given", "shown"), [
    ("host=127.0.0.1 port=1 password=PWX1", "host=127.0.0.1 port=1 password=***"),
    ("password = 'PW X1\\' y' dbname=hp", "password = *** dbname=hp"),
    ("host=h dbname=hp sslpassword=PWX1 user=me", "host=h dbname=hp sslpassword=*** user=me"),
    ("host=h PASSWORD='PWX1", "host=h PASSWORD=***"),  # its quote never closed
    ("user=me@corp password=PWX1 host=h", "user=me@corp password=*** host=h"),
])
def test_a_libpq_connection_string_is_refused_with_its_password_masked(given, shown, tmp_path,
                                                                       monkeypatch, capsys):
    # security review: the key=value form psql's docs teach was echoed whole, password and
    # all, into terminals and CI logs
    monkeypatch.chdir(tmp_path)
    code = hplab.main(["study", "list", "--storage", given])
    assert code == 2
    assert capsys.readouterr().err == (
        f"hplab study list: error: storage {shown!r}: expected a URL (sqlite:///, "
        "postgresql://, mysql://), a .db file or a journal .log or .jsonl file (journal:PATH "
        "for a journal file of any name); a libpq key=value string: write it as a URL, "
        "postgresql://USER:PASSWORD@HOST:PORT/DBNAME\n")
    assert list(tmp_path.iterdir()) == []
    assert mask_url("journal:runs/password=1.log") == "journal:runs/password=1.log"


@pytest.mark.parametrize("typo", ["postgresql:/bob:hunter2@db.lab/hp",
                                  "postgresql:bob:hunter2@db.lab/hp",
                                  "postgresql:///bob:hunter2@db.lab/hp"])
def test_storage_url_typos_mask_the_password(typo, tmp_path, monkeypatch, capsys):
    # a slash too few or too many echoed the password in the error
    monkeypatch.chdir(tmp_path)
    code = hplab.main(["study", "list", "--storage", typo])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "hunter2" not in err and ":***@db.lab/hp" in err
    assert "hunter2" not in _output.command_line(["study", "list", f"--storage={typo}"])
    assert "hunter2" not in mask_url(typo)


def test_a_resolved_storage_prints_its_url_masked():
    # its dataclass repr, a notebook cell's output, showed (and saved) the password
    where = resolve_storage("postgresql://hplab:s3cret@db-host/hplab?sslpassword=k3y")
    shown = "postgresql+psycopg://hplab:***@db-host/hplab?sslpassword=***"
    assert repr(where) == str(where) == f"StorageURL(kind='rdb', url={shown!r}, path=None, " \
        "given=True)"
    assert repr((where, 1)) == f"(StorageURL(kind='rdb', url={shown!r}, path=None, " \
        "given=True), 1)"
    assert where.url == "postgresql+psycopg://hplab:s3cret@db-host/hplab?sslpassword=k3y"
    assert repr(resolve_storage(None)) == ("StorageURL(kind='sqlite', url='sqlite:///runs/"
                                           f"hplab.db', path={Path('runs/hplab.db')!r}, "
                                           "given=False)")


def test_a_drivers_message_loses_the_password_not_the_words_holding_its_letters():
    # a password "1" or "p" was masked inside 127.0.0.1 and "port"; an encoded one
    # (p%40ss) was left as the driver printed it decoded (p@ss)
    first_line = study._storage_errors._first_line
    message = 'connection to server at "127.0.0.1", port 5432 failed: password p for port'
    assert first_line(Exception(message), "postgresql://u:p@127.0.0.1/db") == \
        'connection to server at "127.0.0.1", port 5432 failed: password *** for port'
    assert first_line(Exception('server at "127.0.0.1" failed'), "postgresql://u:1@h/db") \
        == 'server at "127.0.0.1" failed'  # dots join an address: its 1 is no password
    assert first_line(Exception("password authentication failed: hunter2."),
                      "postgresql://u:hunter2@h/db") == "password authentication failed: ***."
    assert first_line(Exception("bad postgresql://u:p@ss!@h/db"),
                      "postgresql://u:p%40ss%21@h/db") == "bad postgresql://u:***@h/db"


@pytest.mark.parametrize("command", [None, "hplab study worker"])
def test_a_thread_the_storage_failed_says_one_line_naming_the_command(tmp_path, capsys, command):
    # optuna's heartbeat thread dying of a lost server printed a traceback; now one line,
    # opening with the command as the command's other lines do (hplab from a script)
    def lost_server():
        try:
            sqlite3.connect(tmp_path).execute("select 1")  # a folder: no database opens
        except sqlite3.Error as exc:
            raise optuna.exceptions.StorageInternalError("during the commit") from exc

    where = resolve_storage(str(tmp_path / "s.db"))
    with nets.command_lines(command) if command else contextlib.nullcontext(), \
            study._storage_errors.storage_errors(where):
        beating = threading.Thread(target=lost_server, name="heartbeat")
        beating.start()
        beating.join()
    assert capsys.readouterr().err == (f"{command or 'hplab'}: heartbeat: storage "
                                       f"sqlite:///{tmp_path}/s.db failed: unable to open "
                                       "database file\n")


def test_an_unencoded_at_sign_is_named_without_showing_the_password():
    with pytest.raises(StorageError) as err:
        resolve_storage("postgresql://u:p@ss@127.0.0.1:1/x")
    assert "%40" in str(err.value) and "p@ss" not in str(err.value) and "ss@" not in str(err.value)
    # a '?' after the password's '@': SQLAlchemy would go to host b; refused, masked whole
    with pytest.raises(StorageError) as err:
        resolve_storage("postgresql://u:a@b?cSEC@127.0.0.1:5443/hp")
    assert str(err.value) == ("storage postgresql+psycopg://u:***@127.0.0.1:5443/hp: more than "
                              "one '@' before the host; write an '@' in the user name or "
                              "password as %40")


@pytest.mark.skipif(importlib.util.find_spec("MySQLdb") is not None, reason="driver installed")
def test_missing_driver_is_a_one_line_hint(capsys, spec_file):
    code = hplab.main(["study", "run", str(spec_file()), "--storage",
                       "mysql://root:topsecret@127.0.0.1/x"])
    err = capsys.readouterr().err
    assert code == 2 and "pip install" in err and "topsecret" not in err
    assert len(err.strip().splitlines()) == 1


def _digest(path):
    """Every row of the database (WAL included): the file's bytes change on a mere read,
    when SQLite checkpoints its write-ahead log."""
    with contextlib.closing(sqlite3.connect(path, uri=str(path).startswith("file:"))) as con:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()


@pytest.fixture(scope="module")
def _stored_once(tmp_path_factory):
    """The files of a storage holding one finished 2-trial study: ``spec_file("keep",
    n_trials=2)`` run once for this file's tests."""
    return stored_study_files(tmp_path_factory, "keep", n_trials=2)


@pytest.fixture
def stored(tmp_path, _stored_once):
    """A storage holding one finished 2-trial study (a copy of its files, closed)."""
    copy_files(tmp_path, _stored_once)
    return tmp_path / "keep.db"


@pytest.fixture(scope="module")
def _user_server(tmp_path_factory):
    """conftest's `user_cli` process (imports made once, a child forked per command), one
    for this file's tests: its start, its imports, is most of a short test's time."""
    folder = tmp_path_factory.mktemp("user")
    server = ForkServer(folder, prefix=as_a_user(folder))
    yield server
    server.close()


@pytest.fixture
def user_cli(tmp_path, _user_server):
    """conftest's `user_cli`, its commands forked by this file's one `_user_server`."""
    logs = tmp_path / "user-commands"
    logs.mkdir()
    return lambda *argv, cwd=tmp_path: _user_server.run(argv, cwd, logs)


@pytest.mark.parametrize("study_keys, space", [
    ({"colour": "red"}, None),                          # unknown key
    ({"n_trials": "many"}, None),                       # wrong type
    ({}, {"lr": {"low": 1.0, "high": 0.1}}),            # low > high
    ({"sampler": "annealing"}, None),                   # unknown sampler
    ({"pruner": "oracle"}, None),                       # unknown pruner
    ({"dataset": "kitten"}, None),                      # unknown dataset
])
def test_bad_spec_exits_2_and_leaves_storage_untouched(study_keys, space, stored, tmp_path,
                                                       spec_file, capsys):
    before = _digest(stored)
    path = spec_file("keep", space=space, **study_keys)
    for storage in (stored, tmp_path / "new.db"):
        code = hplab.main(["study", "run", str(path), "--storage", str(storage)])
        err = capsys.readouterr().err
        assert code == 2, err
        assert len(err.strip().splitlines()) == 1 and err.startswith("hplab study run: error:")
    assert _digest(stored) == before
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize("call", [
    lambda name, db: study.open_study(name, str(db)),
    lambda name, db: study.show_study(name, str(db)),
    lambda name, db: study.stored_spec(name, str(db)),
    lambda name, db: study.export_csv(name, db.parent / "t.csv", str(db)),
    lambda name, db: study.join_study(name, storage=str(db), progress=False),
    lambda name, db: study.study_folder(name),
    lambda name, db: reports.study_report(name, storage=str(db), out=db.parent / "rep"),
    lambda name, db: reports.study_show(name, str(db)),
    lambda name, db: reports.study_report_folder(name, str(db))])
def test_a_study_name_that_is_no_str_is_a_type_error(call, stored, monkeypatch):
    # QA: open_study(None) on a storage of one study opened that one (two: optuna's "Could
    # not determine the study name since the storage=<...RDBStorage object at 0x...>"), and
    # 123 was "no study 123"
    monkeypatch.chdir(stored.parent)
    before, files = _digest(stored), sorted(stored.parent.iterdir())
    for name, kind in ((None, "NoneType"), (123, "int")):
        with pytest.raises(TypeError, match=f"^name must be a study's name \\(a str\\), got "
                                            f"{kind}$"):
            call(name, stored)
    assert _digest(stored) == before
    assert sorted(stored.parent.iterdir()) == files


def test_unreachable_database_fails_fast_and_masks_the_password(spec_file, capsys):
    with socket.socket() as s:  # a free loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    code = hplab.main(["study", "run", str(spec_file()), "--storage",
                       f"postgresql://bob:hunter2@127.0.0.1:{port}/db"])
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - t0 < 15
    assert "hunter2" not in err and "bob:***@" in err and len(err.strip().splitlines()) == 1
    code = hplab.main(["study", "show", "x", "--storage",
                       f"postgresql://bob@127.0.0.1:{port}/db?password=hunter2"])
    err = capsys.readouterr().err
    assert code == 2 and "hunter2" not in err and "password=***" in err


@pytest.mark.slow
def test_silent_server_times_out_instead_of_hanging(spec_file, capsys):
    """A server that accepts connections and never answers: connect_timeout ends it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        t0 = time.monotonic()
        code = hplab.main(["study", "show", "x", "--storage",
                           f"postgresql://u:pw@127.0.0.1:{port}/db"])
        elapsed = time.monotonic() - t0
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
    err = capsys.readouterr().err
    assert code == 2 and elapsed < 20, elapsed  # "fails within seconds", however it is built
    assert len(err.strip().splitlines()) == 1


def test_read_commands_never_create_a_storage(tmp_path, capsys, stored, monkeypatch):
    missing = tmp_path / "nothing.db"
    # the hint fits: "pass --storage" only where none was passed
    for argv in (["study", "show", "x"], ["study", "list"], ["study", "worker", "--study", "x"],
                 ["study", "export", "x", "--csv", str(tmp_path / "x.csv")]):
        assert hplab.main([*argv, "--storage", str(missing)]) == 2
        assert capsys.readouterr().err == (f"hplab study {argv[1]}: error: no storage at {missing} "
                                           "(check the path, or run a study into it first)\n")
    assert not missing.exists() and not (tmp_path / "x.csv").exists()
    monkeypatch.chdir(tmp_path)
    assert hplab.main(["study", "show", "x"]) == 2
    assert capsys.readouterr().err == ("hplab study show: error: "
                                       "no storage at runs/hplab.db (run a "
                                       "study first, or pass --storage)\n")
    empty = tmp_path / "empty.db"
    empty.touch()
    for argv in (["study", "list"], ["study", "show", "x"]):
        assert hplab.main([*argv, "--storage", str(empty)]) == 2
        assert capsys.readouterr().err == (f"hplab study {argv[1]}: error: "
                                           f"no storage at {empty} (an "
                                           "empty file; check the path, or run a study into "
                                           "it first)\n")
    assert empty.stat().st_size == 0  # optuna's tables were not written into it
    before = _digest(stored)
    assert hplab.main(["study", "show", "ghost", "--storage", str(stored)]) == 2
    err = capsys.readouterr().err
    assert "no study 'ghost'" in err and "keep" in err
    assert _digest(stored) == before


def test_open_study_creates_no_file_and_stores_what_its_study_writes(tmp_path, stored):
    # QA: open_study was documented read-only, yet set_user_attr and enqueue_trial on its
    # study were stored; Optuna has no read-only study, so the docs now say what it does
    missing = tmp_path / "nothing.db"
    with pytest.raises(StorageError, match="no storage at"):
        study.open_study("keep", str(missing))
    assert not missing.exists()
    opened, where = study.open_study("keep", str(stored))
    assert where.path == stored and len(opened.trials) == 2
    opened.set_user_attr("note", "mine")
    opened.enqueue_trial({"lr": 0.1, "width": 3})
    again, _ = study.open_study("keep", str(stored))
    assert again.user_attrs["note"] == "mine"
    assert [t.state.name for t in again.trials] == ["COMPLETE", "COMPLETE", "WAITING"]
    assert "not a read-only view" in study.open_study.__doc__


def test_show_and_report_open_the_storage_once(spec_file, tmp_path, capsys, monkeypatch):
    # `study show` of a two-choice grid opened it again for its table of cells, and
    # `study report` again for the report after its checks: each open its own engine
    spec = spec_file("cells", n_trials=4, sampler="grid", pruner="none", max_epochs=3,
                     metric="val_accuracy", space={"lr": [0.1, 0.5], "batch_size": [2, 4]},
                     fixed={"width": 3})
    db = tmp_path / "cells.db"
    study.run_study(study.load_spec(spec), storage=str(db), progress=False)
    opens, real = [], study._storage.open_rdb_storage

    def counted(*args, **kwargs):
        opens.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(study._storage, "open_rdb_storage", counted)
    code, out, err = run_cli(["study", "show", "cells", "--storage", db], capsys)
    # the cells, each the stored trial's own value, from that one open
    value = {(t.params["batch_size"], t.params["lr"]): t.value for t in optuna.load_study(
        study_name="cells", storage=f"sqlite:///{db}").trials}
    table = out.split("final val_accuracy by batch_size (rows) and lr (columns):\n")[1]
    assert code == 0 and [line.split() for line in table.splitlines()] == [
        ["batch_size", "\\", "lr", "0.1", "0.5"],
        *([str(b), f"{value[b, 0.1]:.4g}", f"{value[b, 0.5]:.4g}"] for b in (2, 4))], err
    assert opens == [f"sqlite:///{db}"]
    code, out, err = run_cli(["study", "report", "cells", "--storage", db, "--out",
                              tmp_path / "r", "--json"], capsys)
    assert code == 0 and json.loads(out)["report_path"] == str(tmp_path / "r" / "report.html")
    assert opens == [f"sqlite:///{db}"] * 2, err


@pytest.mark.slow
def test_a_read_only_sqlite_storage_is_read_and_its_writers_told_what_is_not_writable(
        tmp_path, spec_file, user_cli, _stored_once):
    # list/show said "keep.db is not an SQLite database (attempt to write a readonly
    # database)" in a read-only folder; reading a read-only file left -wal/-shm files as
    # read-only, and a study run then failed on them with the same words
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "keep.db"

    def cli(*argv):
        return user_cli(*argv, "--storage", db)

    for name, data in _stored_once.items():  # spec_file("keep", n_trials=2), run once
        (folder / name).write_bytes(data)
    before = _digest(f"{db.as_uri()}?immutable=1")  # as it is: no -wal/-shm made
    run = ("study", "run", spec_file("keep", n_trials=3), "--no-report")
    fine = "(the database itself is fine"
    copy = ", or copy the database to a writable folder"
    owner = pwd.getpwuid(os.getuid()).pw_name
    cases = [  # (files made read-only, what a study run is told)
        ([folder], f"its folder {folder} (owner {owner}, mode 0555) is not writable {fine}: "
                   f"SQLite writes keep.db-wal and keep.db-shm beside it); make it "
                   f"writable (chmod u+w){copy}"),
        # one advice for the user's own file, SQLite's as a journal's
        ([db], f"keep.db (owner {owner}, mode 0444) is not writable {fine}); make it "
               f"writable (chmod u+w){copy}"),
        # a copy of keep.db alone lacks what keep.db-wal holds: "without a study"
        ([db.with_name("keep.db-wal"), db.with_name("keep.db-shm")],
         f"keep.db-wal (owner {owner}, mode 0444) and keep.db-shm (owner {owner}, mode 0444) "
         f"are not writable {fine}); make them writable (chmod u+w), or copy keep.db together "
         "with "
         "keep.db-wal (it holds trials not yet in keep.db) to a writable folder"),
    ]
    try:
        for read_only, said in cases:
            for path in read_only:
                path.touch()
                path.chmod(0o555 if path.is_dir() else 0o444)
            code, out, err = cli("study", "list")
            assert code == 0 and out.splitlines()[1].split()[:3] == ["keep", "xor", "2/2"], err
            if folder in read_only:  # show opens the study its own way
                code, out, err = cli("study", "show", "keep", "--json")
                assert code == 0 and json.loads(out)["n_finished"] == 2, err
            code, out, err = cli(*run)
            assert code == 2 and err == f"hplab study run: error: cannot open {db}: {said}\n"
            assert _digest(f"{db.as_uri()}?immutable=1") == before
            for path in read_only:
                path.chmod(0o755 if path.is_dir() else 0o644)
            # reading left no -wal/-shm behind (they were made as read-only as the file)
            assert {p.name for p in folder.iterdir()} == {"keep.db", "keep.db.claim", *(
                p.name for p in read_only if p.parent == folder)}
    finally:
        folder.chmod(0o755)


def test_a_database_this_user_cannot_read_is_said_so_with_its_owner_and_mode(
        tmp_path, spec_file, user_cli, _stored_once):
    # QA: another user's umask-077 database read as "keep.db is not writable (the database
    # itself is fine)", even to `study show`; behind a folder closed to the group, a raw
    # "[Errno 13] Permission denied: 'runs/hplab.db'"
    import pwd

    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "keep.db"
    for name, data in _stored_once.items():
        (folder / name).write_bytes(data)
    owner = pwd.getpwuid(os.getuid()).pw_name
    commands = [("study", "show", "keep"), ("study", "list"),
                ("study", "export", "keep", "--csv", "-"),
                ("study", "run", spec_file("keep", n_trials=3), "--no-report")]
    try:
        for closed, said in (
                (db, f"keep.db is not readable (owner {owner}, mode 0000); make it "
                     "readable (chmod u+r)"),
                (folder, f"its folder {folder} is not searchable by this user (owner "
                         f"{owner}, mode 0000); open it (chmod u+x)")):
            closed.chmod(0)
            for argv in commands:
                assert user_cli(*argv, "--storage", db) == (
                    2, "", f"hplab {' '.join(argv[:2])}: error: cannot open {db}: {said}\n")
            closed.chmod(0o755 if closed.is_dir() else 0o644)
        log = folder / "keep.log"  # a journal behind a closed folder too
        folder.chmod(0)
        assert user_cli("study", "show", "keep", "--storage", f"journal:{log}") == (
            2, "", f"hplab study show: error: cannot open {log}: its folder {folder} is not "
                   f"searchable by this user (owner {owner}, mode 0000); open it (chmod "
                   "u+x)\n")
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert user_cli("study", "show", "keep", "--storage", db)[0] == 0


def test_a_name_that_is_no_spec_on_a_storage_it_cannot_open_is_told_the_storage_alone(
        tmp_path, tmp_path_factory, stored, user_cli, capsys):
    # QA 64: bob's `study run small --storage team.db` on alice's 0644 file said "no spec
    # 'small': not a file, and ready specs are ...; nor a stored study: cannot open
    # team.db: ...", blaming the name of a study that is stored there
    log = tmp_path / "keep.log"
    copy_files(tmp_path, stored_study_files(tmp_path_factory, "keep", suffix=".log",
                                            n_trials=1))
    owner = pwd.getpwuid(os.getuid()).pw_name
    cases = [(stored, f"cannot open {stored}: keep.db (owner {owner}, mode 0444) is not "
                      "writable (the database itself is fine); make it writable (chmod u+w), "
                      "or copy the database to a writable folder"),
             (f"journal:{log}", f"cannot write {log}: the file (owner {owner}, mode 0444) is "
                                "not writable; make it writable (chmod u+w) to run or join its "
                                "study")]
    try:
        for where, said in cases:
            for path in (stored, log):
                path.chmod(0o444)
            assert user_cli("study", "run", "keep", "--trials", "3", "--no-report",
                            "--storage", where) == (2, "", f"hplab study run: error: {said}\n")
    finally:
        for path in (stored, log):
            path.chmod(0o644)
    # a server refusing the connection (a wrong password alike): its error, password masked
    code = hplab.main(["study", "run", "keep", "--storage",
                       "postgresql+psycopg://team:secret@127.0.0.1:1/x"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(
        "hplab study run: error: cannot open storage postgresql+psycopg://team:***@127.0.0.1:1"
        "/x: connection failed: "), err
    # an absent storage or study still says the name is neither
    for where, said in ((tmp_path / "none.db", "no storage at"), (stored, "no study 'kept'")):
        code = hplab.main(["study", "run", "kept", "--storage", str(where), "--no-report"])
        err = capsys.readouterr().err
        assert code == 2 and f"; nor a stored study: {said}" in err, err
    assert study.show_study("keep", str(stored))["n_finished"] == 2  # resumable all along


def test_another_users_storage_it_cannot_write_names_its_owner_and_whom_to_ask(
        tmp_path, tmp_path_factory, stored, user_cli):
    # QA 64: bob on alice's 0644 team.db was told "make it writable", and on her team.log
    # "the file is read-only; make it writable (chmod u+w)": not read-only to her, and not
    # his to chmod
    try:
        other = pwd.getpwuid(65534).pw_name
    except KeyError:
        pytest.skip("no user 65534 to own the files")
    log = tmp_path / "keep.log"
    copy_files(tmp_path, stored_study_files(tmp_path_factory, "keep", suffix=".log",
                                            n_trials=1))
    run = ("study", "run", "keep", "--trials", "3", "--no-report", "--storage")
    asked = f"ask its owner ({other}) to "
    try:
        for group, how in ((os.getegid(), "make it group-writable (chmod g+w)"),
                           (65534, "let this user write it")):  # a group it is not in
            for path in (stored, log):
                give_away(path, 65534, group)
            assert user_cli(*run, stored) == (2, "", (
                f"hplab study run: error: cannot open {stored}: keep.db (owner {other}, mode "
                f"0644) is not writable (the database itself is fine); {asked}{how}, or copy "
                "the database to a writable folder\n"))
            assert user_cli(*run, f"journal:{log}") == (2, "", (
                f"hplab study run: error: cannot write {log}: the file (owner {other}, mode "
                f"0644) is not writable; {asked}{how} to run or join its study\n"))
    finally:
        for path in (stored, log):
            os.chown(path, os.getuid(), os.getgid())
    assert user_cli(*run, stored)[0] == 0  # its own again


def test_a_storage_file_it_cannot_make_is_worded_as_every_commands_os_error(tmp_path,
                                                                            monkeypatch):
    # review: a bare strerror ("cannot make storage x.db: Read-only file system"), where
    # other sites say nets.os_error_line's words, naming the file
    from study._storage_files import create_storage_file

    db = tmp_path / "x.db"

    def read_only_mount(path, *args):  # os.access passed the folder: a read-only mount
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)

    monkeypatch.setattr(os, "open", read_only_mount)
    with pytest.raises(StorageError) as raised:
        create_storage_file(resolve_storage(str(db)))
    assert str(raised.value) == f"cannot make storage: cannot write {db}: Read-only file system"


def test_a_demo_on_a_storage_it_cannot_write_leaves_no_lock_file(tmp_path, stored, user_cli):
    # QA 64: bob's `hplab demo --storage team.db` on alice's 0644 file was refused, and
    # left his empty team.db.demo-lock beside it
    owner = pwd.getpwuid(os.getuid()).pw_name
    log = tmp_path / "j.log"
    log.write_bytes(b"")  # an empty journal: what a demo would start
    before = sorted(p.name for p in tmp_path.iterdir())
    try:
        for path in (stored, log):
            path.chmod(0o444)
        assert user_cli("demo", "--trials", "1", "--storage", stored) == (2, "", (
            f"hplab demo: error: cannot open {stored}: keep.db (owner {owner}, mode 0444) is not "
            "writable (the database itself is fine); make it writable (chmod u+w), or copy the "
            "database to a writable folder\n"))
        code, _, err = user_cli("demo", "--trials", "1", "--storage", f"journal:{log}")
        assert code == 2 and err.endswith(
            f"hplab demo: error: cannot write {log}: the file (owner {owner}, mode 0444) is not "
            "writable; make it writable (chmod u+w) to run or join its study\n"), err
    finally:
        for path in (stored, log):
            path.chmod(0o644)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_studys_data_this_user_cannot_read_is_named_with_its_owner_and_mode(
        tmp_path, spec_file, user_cli):
    # QA 64: alice's study read csv:/home/alice/private/blobs.csv (folder 0700): bob's
    # worker and run said "error: /home/alice/private/blobs.csv: Permission denied", and his
    # report "could not be retrained ([Errno 13] Permission denied: '...')"
    private = tmp_path / "private"
    private.mkdir()
    csv = private / "blobs.csv"
    X = np.random.default_rng(0).normal(size=(60, 2))
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": (X[:, 0] > 0).astype(int)}).to_csv(
        csv, index=False)
    db = tmp_path / "team.db"
    spec = spec_file("blobs", dataset=f"csv:{csv}?target=y", n_trials=1, pruner="none",
                     max_epochs=2)
    assert hplab.main(["study", "run", str(spec), "--storage", str(db), "--no-report"]) == 0
    owner = pwd.getpwuid(os.getuid()).pw_name
    copy = "give this machine's copy of it with "
    try:
        for closed, why, advice in (
                (private, f"its folder {private} is not searchable by this user (owner "
                          f"{owner}, mode 0000)", "open it (chmod u+x)"),
                (csv, f"blobs.csv is not readable (owner {owner}, mode 0000)",
                 "make it readable (chmod u+r)")):
            closed.chmod(0)
            said = f"cannot read {csv}: {why}; {advice}"
            assert user_cli("study", "worker", "--study", "blobs", "--storage", db) == (
                2, "", f"hplab study worker: error: study.dataset: {said}, or {copy}--data "
                       "NAME\n")
            code, out, err = user_cli("study", "run", "blobs", "--trials", "3", "--no-report",
                                      "--storage", db)
            assert (code, out) == (2, "") and err.startswith(
                f"hplab study run: error: study.dataset: {said}, or {copy}`hplab study run "
                "blobs "), err
            closed.chmod(0o755 if closed.is_dir() else 0o644)
        private.chmod(0)
        code, out, err = user_cli("study", "report", "blobs", "--storage", db, "--out", "rep")
        assert code == 0 and f"the best trial could not be retrained (cannot read " \
            f"{csv}: its folder {private} is not searchable by this user (owner {owner}, " \
            "mode 0000); open it (chmod u+x)): the report shows" in err, err
    finally:
        private.chmod(0o755)
        csv.chmod(0o644)
    assert study.show_study("blobs", str(db))["n_finished"] == 1  # nothing ran meanwhile


def test_a_study_in_a_folder_it_cannot_write_fails_before_any_trial(tmp_path, spec_file,
                                                                    user_cli):
    # QA: from a read-only folder every trial ran, then "the report could not be written
    # in runs/studies/..." and exit 2; with the default storage, "[Errno 30] Read-only
    # file system: 'runs'"
    here, db = tmp_path / "here", tmp_path / "elsewhere.db"
    here.mkdir()
    spec = spec_file("ro", n_trials=2)

    def cli(*argv):
        return user_cli(*argv, cwd=here)

    # the folder it ran in by its path: "cannot write in ." read as a sentence cut short
    report = "the report folder runs/studies/{}: cannot write in " + f"{here} (Permission " \
        "denied); "
    here.chmod(0o555)
    try:
        assert cli("study", "run", spec, "--storage", db) == (2, "", (
            "hplab study run: error: " + report.format("ro") + "give another folder with --out, "
            "or run with --no-report, and write the report elsewhere later (hplab study report "
            "--out)\n"))
        assert cli("demo", "--trials", "1", "--storage", db) == (2, "", (
            "hplab demo: error: " + report.format("demo") + "run it from a folder you can "
            "write in\n"))
        assert cli("study", "run", spec, "--no-report") == (2, "", (
            "hplab study run: error: storage runs/hplab.db: cannot make the folder runs "
            "(Permission denied)\n"))
    finally:
        here.chmod(0o755)
    assert not db.exists() and not list(here.iterdir())  # nothing ran, nothing was made

def _open_at(path: str, start: float) -> str:
    where = resolve_storage(path)
    # all at once: the race is the point (a sleep wakes them within a millisecond of each
    # other; spinning six processes on two cores kept the ones that would race waiting)
    time.sleep(max(0.0, start - time.time()))
    try:
        study.open_storage(where, create=True).engine.dispose()
        return "ok"
    except StorageError as exc:
        return str(exc)


@pytest.mark.slow
def test_processes_opening_a_new_sqlite_file_together_all_get_in(tmp_path):
    """Two terminals starting studies on a new file: switching it to WAL at once made
    SQLite answer "database is locked" at once (no busy wait) to one of them every few
    rounds; without the retry this test failed 5 runs of 5."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(6) as pool:
        for round_ in range(10):
            path = str(tmp_path / f"new-{round_}.db")
            results = pool.starmap(_open_at, [(path, time.time() + 0.15)] * 6)
            assert results == ["ok"] * 6, (round_, results)
            with sqlite3.connect(path) as con:
                assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                assert con.execute("SELECT count(*) FROM version_info").fetchone()[0] == 1


# a new storage made under each umask given, in a process of its own (as a terminal's
# umask is the process's), one line of modes each
_MODES_OF_A_NEW_STUDY = """
import contextlib, os, sqlite3, sys
import study
for umask, path in zip(sys.argv[1::2], sys.argv[2::2]):
    os.umask(int(umask, 8))
    study.open_storage(study.resolve_storage(path), create=True).engine.dispose()
    with contextlib.closing(sqlite3.connect(path)) as con:  # a worker's connection, open
        con.execute("SELECT count(*) FROM studies").fetchone()
        print(*(oct(os.stat(path + end).st_mode & 0o777) for end in ("", "-wal", "-shm")))
"""
_UMASKS = (0o002, 0o022)


@pytest.fixture(scope="module")
def _modes_by_umask(tmp_path_factory):
    """``{umask: the modes of a new storage's file, -wal and -shm}``, every umask of
    `_UMASKS` made by one process (its start, imports included, is most of the cost)."""
    folder = tmp_path_factory.mktemp("umask")
    args = [str(a) for umask in _UMASKS for a in (oct(umask), folder / f"{umask:o}.db")]
    done = subprocess.run([sys.executable, "-c", _MODES_OF_A_NEW_STUDY, *args],
                          capture_output=True, text=True, umask=0o077, cwd=folder,
                          env={**os.environ,
                               "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode == 0, done.stderr
    return dict(zip(_UMASKS, (line.split() for line in done.stdout.splitlines()), strict=True))


@pytest.mark.parametrize(("umask", "mode"), [(0o002, "0o664"), (0o022, "0o644")])
def test_a_new_sqlite_storage_has_the_mode_the_umask_gives(_modes_by_umask, umask, mode):
    # QA: a study file was 0644 whatever the umask (SQLite's default), its -wal and -shm
    # files too: in a shared folder (umask 002) the group could not resume or join it
    assert _modes_by_umask[umask] == [mode] * 3


def test_a_new_storage_in_a_folder_it_cannot_write_names_the_folder(tmp_path, spec_file,
                                                                    user_cli):
    # QA: "cannot open storage ro/new.db: unable to open database file", and for a journal
    # the resume hint of a storage that failed mid-run
    (tmp_path / "ro").mkdir(mode=0o555)
    owner = pwd.getpwuid(os.getuid()).pw_name
    for name in ("new.db", "new.log"):
        assert user_cli("study", "run", spec_file("s", n_trials=1), "--no-report",
                        "--storage", f"ro/{name}") == (2, "", (
            f"hplab study run: error: cannot make storage ro/{name}: its folder ro (owner "
            f"{owner}, mode 0555) is not writable; make it writable (chmod u+w), or give a "
            "path in a writable folder\n"))
    # another user's folder (QA 64: "make it writable", which only its owner may): whom to
    # ask, and for what
    give_away(tmp_path / "ro", 65534)
    other = pwd.getpwuid(65534).pw_name
    assert user_cli("study", "run", spec_file("s", n_trials=1), "--no-report", "--storage",
                    "ro/new.db") == (2, "", (
        f"hplab study run: error: cannot make storage ro/new.db: its folder ro (owner "
        f"{other}, mode 0555) is not writable; ask its owner ({other}) to make it "
        "group-writable (chmod g+w), or give a path in a writable folder\n"))
    assert not list((tmp_path / "ro").iterdir())


def test_a_claim_file_it_cannot_write_is_locked_and_one_it_cannot_read_refused_first(
        tmp_path, spec_file, stored, user_cli):
    # QA: another user's c.db.claim failed a run with "[Errno 13] Permission denied:
    # 'c.db.claim'", after the run had stored its raised budget (--trials): the owner's
    # next plain resume ran trials she never asked for
    db, spec = stored, spec_file("keep", n_trials=2)  # the study run from it, 2 trials

    def cli(*argv):
        return user_cli("study", *argv, "--storage", db)

    assert study.show_study("keep", str(db))["n_finished"] == 2
    claim = tmp_path / "keep.db.claim"
    assert claim.is_file()  # the run made it
    claim.chmod(0o444)  # a flock needs only a read handle
    code, out, err = cli("run", spec, "--trials", "3", "--no-report", "--json")
    assert code == 0 and json.loads(out)["n_finished"] == 3, err
    claim.chmod(0o000)
    assert cli("run", spec, "--trials", "4", "--no-report") == (2, "", (
        f"hplab study run: error: cannot open {db}: keep.db.claim is not readable (study runs "
        "lock it to claim trials); make it readable\n"))
    shown = study.show_study("keep", str(db))
    assert (shown["n_trials"], shown["n_finished"]) == (3, 3)  # the budget as it was


def test_other_sqlite_files_and_in_memory_urls_are_refused(tmp_path, spec_file, capsys):
    other = tmp_path / "people#1.db"  # '#' and '?' once cut a URI short
    with contextlib.closing(sqlite3.connect(other)) as con:
        con.execute("CREATE TABLE people (name TEXT)")
        con.commit()
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    before = {p: p.read_bytes() for p in (other, junk)}
    cases = [(other, "people#1.db is an SQLite database of another program (tables people; "
                     "no optuna tables); use another file"),
             (junk, "junk.db is not an SQLite database"),
             ("sqlite://", "an in-memory database lives and dies with one process"),
             ("sqlite:///:memory:", "an in-memory database lives and dies with one process")]
    for storage, message in cases:
        for argv in (["study", "run", str(spec_file("s", n_trials=1)), "--no-report"],
                     ["study", "list"]):
            assert hplab.main([*argv, "--storage", str(storage)]) == 2
            err = capsys.readouterr().err
            assert message in err and err.count("\n") == 1, err
    assert {p: p.read_bytes() for p in (other, junk)} == before  # no table, no WAL added
    assert not (tmp_path / "people").exists()  # nor a file named up to the '#'


def test_an_sqlite_file_without_optunas_tables_is_refused_before_anything_writes(
        tmp_path, spec_file, stored, capsys):
    # `study list` wrote optuna's tables into another program's database (and switched it
    # to WAL) before failing on its "studies" table, and the missing one into a damaged
    # optuna database; a read-only look at a WAL-mode file left -wal and -shm files
    app, wal_app, damaged, bare = (tmp_path / f"{n}.db" for n in ("app", "wal", "bad", "bare"))
    for path, mode in ((app, "DELETE"), (wal_app, "WAL")):
        with contextlib.closing(sqlite3.connect(path)) as con:
            con.execute(f"PRAGMA journal_mode={mode}")
            con.execute("CREATE TABLE studies (id INTEGER, title TEXT)")
            con.execute("CREATE TABLE users (name TEXT)")
            con.commit()
    with contextlib.closing(sqlite3.connect(stored)) as keep, \
            contextlib.closing(sqlite3.connect(damaged)) as con:
        keep.backup(con)
        con.execute("DROP TABLE alembic_version")
        con.commit()
    with contextlib.closing(sqlite3.connect(bare)) as con:  # tables made and dropped
        con.execute("CREATE TABLE gone (x)")
        con.execute("DROP TABLE gone")
    other = "is an SQLite database of another program (tables studies, users; no optuna " \
            "tables); use another file"
    cases = [(app, other), (wal_app, other),
             (damaged, "is a damaged optuna database (no table alembic_version); use another "
                       "file, or a copy from before the damage")]
    before = {p: file_sha(p) for p in (app, wal_app, damaged, bare)}
    for path, said in cases:
        for argv in (["list"], ["show", "keep"], ["run", str(spec_file("s", n_trials=1)),
                                                  "--no-report"]):
            assert hplab.main(["study", *argv, "--storage", f"sqlite:///{path}"]) == 2
            assert capsys.readouterr().err == f"hplab study {argv[0]}: error: {path} {said}\n"
    for argv in (["list"], ["show", "keep"]):  # a read never writes optuna's tables
        assert hplab.main(["study", *argv, "--storage", str(bare)]) == 2
        assert capsys.readouterr().err == (f"hplab study {argv[0]}: error: "
                                           f"no storage at {bare} (an "
                                           "SQLite database without a study; check the path, "
                                           "or run a study into it first)\n")
    assert {p: file_sha(p) for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".toml" and "keep" not in
                  p.name) == ["app.db", "bad.db", "bare.db", "wal.db"]  # no -wal, -shm, .claim


def test_reading_an_optuna_database_leaves_its_file_as_it_is(tmp_path, capsys):
    # a read switched a database optuna made (rollback journal) to WAL, rewriting it
    db = tmp_path / "plain.db"
    s = optuna.create_study(study_name="plain", storage=f"sqlite:///{db}")
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    before = file_sha(db)
    assert hplab.main(["study", "list", "--storage", str(db)]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["plain", "-", "2/-"]
    assert file_sha(db) == before and [p.name for p in tmp_path.iterdir()] == ["plain.db"]


@pytest.mark.parametrize("revision, advice", [
    ("v3.0.0.a", "Please execute `$ optuna storage upgrade --storage $STORAGE_URL`"),
    ("v99.0.0.a", "Please try updating optuna to the latest version")])
def test_a_database_of_another_optuna_schema_gets_optunas_advice(stored, capsys, revision,
                                                                   advice):
    # hplab checks the schema itself (optuna's head revision learned once a process): a
    # database an older optuna made, or a newer one upgraded, still gets optuna's words
    with contextlib.closing(sqlite3.connect(stored)) as con, con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    before = file_sha(stored)
    code, out, err = run_cli(["study", "show", "keep", "--storage", stored], capsys)
    assert code == 2 and out == "" and len(err.splitlines()) == 1, err
    assert err.startswith("hplab study show: error: "
                          f"cannot open storage sqlite:///{stored}: ") and \
        advice in err and "no longer compatible with the table schema" in err
    assert file_sha(stored) == before


def test_optunas_schema_head_is_learned_once_a_process(stored, monkeypatch):
    # optuna loads its ~30 migration scripts to learn it (40-75 ms) at every open
    from optuna.storages._rdb.storage import _VersionManager

    from study import _schema_version

    learned, real = [], _VersionManager.get_head_version
    monkeypatch.setattr(_VersionManager, "get_head_version",
                        lambda self: learned.append(1) or real(self))
    monkeypatch.setattr(_schema_version, "_HEAD", [])
    for read_only in (False, True, False):
        storage = study.open_storage(resolve_storage(str(stored)), read_only=read_only)
        assert [s.study_name for s in storage.get_all_studies()] == ["keep"]
        study.release(storage)
    assert len(learned) == 1


def test_a_truncated_sqlite_file_is_refused_without_leaving_files_beside_it(
        tmp_path, stored, capsys):
    cut = tmp_path / "cut.db"
    whole = stored.read_bytes()
    cut.write_bytes(whole[:len(whole) // 2])
    for argv in (["list"], ["show", "keep"]):
        assert hplab.main(["study", *argv, "--storage", f"sqlite:///{cut}"]) == 2
        assert capsys.readouterr().err == (
            f"hplab study {argv[0]}: error: {cut} is a damaged SQLite database (database disk "
            "image is malformed); use a copy from before the damage\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cut")) == [
        "cut.db"]


@contextlib.contextmanager
def _files_limited_to(size: int):
    """Writes past ``size`` bytes of any file fail (EFBIG), as on a disk with that much room
    left: SQLite cannot make the 32 KiB -shm file a WAL database's reader makes, and fails
    as on a full disk ("disk I/O error")."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_a_full_disk_is_named_and_reads_go_on_without_the_shm_file(tmp_path, stored,
                                                                    spec_file, capsys):
    # show, list, export and run said "keep.db is not an SQLite database (disk I/O error)"
    # on a full disk, where the database was fine
    before = _digest(stored)
    csv = tmp_path / "keep.csv"
    with _files_limited_to(16 * 1024):
        assert hplab.main(["study", "show", "keep", "--json", "--storage", str(stored)]) == 0
        assert json.loads(capsys.readouterr().out)["n_finished"] == 2
        assert hplab.main(["study", "list", "--storage", str(stored)]) == 0
        assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["keep", "xor", "2/2"]
        assert hplab.main(["study", "export", "keep", "--csv", str(csv),
                           "--storage", str(stored)]) == 0
        code = hplab.main(["study", "run", str(spec_file("keep", n_trials=3)), "--no-report",
                           "--storage", str(stored)])
    assert code == 2 and capsys.readouterr().err == (
        f"hplab study run: error: cannot open {stored}: disk I/O error (is the disk full, or its "
        "file system read-only? the database itself may be fine)\n")
    assert len(csv.read_text().splitlines()) == 3  # a header and the 2 trials
    assert _digest(stored) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm"))]


def _disk_full_at_a_trials_record(monkeypatch, *, state_fits: bool) -> list:
    """SQLAlchemy's SQLite connections on a disk that fills up at the first record a trial
    writes: that commit fails as SQLite's does ("database or disk is full"). Then the disk
    has room for a record, and for a trial's state only if ``state_fits``. Returns the
    writes that failed."""
    failed = []

    class FullDisk(sqlite3.Connection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.writes = []
            self.set_trace_callback(self.saw)

        def saw(self, sql):
            if sql.startswith(("INSERT", "UPDATE", "DELETE")):
                self.writes.append(sql)

        def commit(self):
            writes, self.writes = self.writes, []
            if failed:
                full = not state_fits and any(w.startswith("UPDATE trials SET state")
                                              for w in writes)
            else:
                full = any(w.startswith("INSERT INTO trial_user_attributes") for w in writes)
            if full:
                failed.append(writes)
                self.rollback()
                raise sqlite3.OperationalError("database or disk is full")
            super().commit()

    connect = sqlite3.dbapi2.connect  # what SQLAlchemy calls
    monkeypatch.setattr(sqlite3.dbapi2, "connect",
                        lambda *args, **kwargs: connect(*args, factory=FullDisk, **kwargs))
    return failed


@pytest.mark.parametrize("state_fits, sampler", [(True, "tpe"), (False, "grid")])
def test_a_trial_the_storage_failed_in_is_interrupted_and_run_again(
        state_fits, sampler, tmp_path, spec_file, monkeypatch, capsys):
    # a full disk at a trial's record: optuna logged "Trial 0 failed with parameters: {}
    # because of ... StorageInternalError(...)" and stored the trial as FAIL without a
    # record, counted and never run again ("1 failed (0 errors, 0 retried, 0 interrupted)")
    grid = {"lr": [0.1, 0.5], "width": [2]} if sampler == "grid" else None
    spec = spec_file("full", n_trials=2, max_epochs=2, pruner="none", sampler=sampler,
                     space=grid)
    db = tmp_path / "full.db"
    run = ["study", "run", str(spec), "--no-report", "--storage", str(db)]
    failed = _disk_full_at_a_trials_record(monkeypatch, state_fits=state_fits)
    assert hplab.main([*run, "--json"]) == 2  # --json: no progress bar
    assert capsys.readouterr().err == (
        f"hplab study run: error: storage sqlite:///{db} failed: database or disk is full; trials "
        "that finished stay stored, and the same command resumes the study\n")
    assert len(failed) == 1 + (not state_fits)
    monkeypatch.undo()
    trial = study.open_study("full", str(db))[0].trials[0]
    states = optuna.trial.TrialState
    assert trial.state == (states.FAIL if state_fits else states.RUNNING)
    # who ran it, even where its first write was lost (review: read from the trial's other
    # user attributes, it had no owner and another program's attributes went in)
    assert {"worker", "run", "study_created", "os_user"} <= \
        study.trial_info(trial, flat=False).keys()
    assert {k: v for k, v in study.trial_info(trial).items()
            if k not in ("worker", "run", "study_created", "hplab", "hplab_checkout",
                         "os_user", "db_role")} \
        == {"status": "interrupted", "reason": "its storage failed (database or disk is full)"}
    if not state_fits:  # left RUNNING, as a dead worker's trial: stale once its worker is
        with sqlite3.connect(db) as con:  # silent for the grace period, then retried
            con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', "
                        "'-60 seconds') WHERE trial_id = ?", (trial._trial_id,))
    assert hplab.main(run) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "trials 2/2: 2 complete, 0 pruned (0 diverged), 1 failed (0 errors, "
        f"{int(not state_fits)} retried, {int(state_fits)} interrupted)")
    if grid:  # the retry ran its point, and nothing ran it again: each point once
        trials = study.open_study("full", str(db))[0].trials
        assert sorted(t.params["lr"] for t in trials if t.state == states.COMPLETE) == [
            0.1, 0.5]


def _delete_study(db, name: str) -> None:
    """``optuna.delete_study``, as another process runs it: through a storage of its own."""
    optuna.delete_study(study_name=name, storage=f"sqlite:///{db}")


@pytest.mark.parametrize("when", ["in a trial", "between trials", "after the last trial"])
def test_a_study_deleted_while_it_runs_ends_the_run_in_one_line(when, tmp_path, spec_file,
                                                                monkeypatch, capfd):
    # optuna.delete_study from another process: optuna's "Trial 3 failed ... KeyError('Record
    # does not exist.')", then a traceback through stored_n_trials, exit 1
    spec = spec_file("gone", n_trials=3 if when == "after the last trial" else 20,
                     max_epochs=2, pruner="none")
    db = tmp_path / "gone.db"
    started = []
    if when == "in a trial":
        real = study._objective.train_run

        def train_run(dataset, cfg, **kwargs):
            started.append(cfg)
            if len(started) == 3:  # its record and its end are written after this
                _delete_study(db, "gone")
            return real(dataset, cfg, **kwargs)

        monkeypatch.setattr(study._objective, "train_run", train_run)
    elif when == "between trials":
        def refresh(self, trials=None):  # what the worker calls at each claim
            if trials is not None and len(trials) == 3 and not started:
                started.append(trials)
                _delete_study(db, "gone")

        monkeypatch.setattr(StudyProgress, "refresh", refresh)
    else:
        def refresh_quietly(self):  # the bar's last count, once the workers ended
            started.append(self)
            _delete_study(db, "gone")

        monkeypatch.setattr(StudyProgress, "refresh_quietly", refresh_quietly)
    code = hplab.main(["study", "run", str(spec), "--no-report", "--storage", str(db),
                       "--json"])
    out, err = capfd.readouterr()  # optuna's log handler writes to the process's stderr
    assert (code, out) == (2, "")
    assert err == (f"hplab study run: error: study 'gone' was deleted from sqlite:///{db} while "
                   "this run used it\n")
    assert len(started) == (3 if when == "in a trial" else 1)
    assert optuna.get_all_study_names(f"sqlite:///{db}") == []  # not made again either


@pytest.mark.parametrize("same_id", [False, True])
def test_a_study_deleted_and_made_again_under_its_name_while_it_runs_ends_the_run_in_one_line(
        same_id, tmp_path, spec_file, monkeypatch, capfd):
    # QA: two demos each deleted the study and made it again; the run's KeyError ("Record
    # does not exist.") met a study of that name, and came through as a traceback. SQLite
    # gives the study made again the deleted one's id when no later one was made
    # (`same_id`); elsewhere it has another
    spec = spec_file("gone", n_trials=20, max_epochs=2, pruner="none")
    db = tmp_path / "gone.db"
    url = f"sqlite:///{db}"
    made = []

    def refresh(self, trials=None):  # what the worker calls at each claim
        if trials is not None and len(trials) == 3 and not made:
            made.append(None)
            _delete_study(db, "gone")

    real_deleted = study._worker.study_deleted

    def made_again_first(*args):  # before the run asks whether the study is gone
        if made == [None]:
            if not same_id:  # a study made in between takes the id, and is gone again
                optuna.create_study(study_name="between", storage=url)
            made[0] = optuna.create_study(study_name="gone", storage=url)
            if not same_id:
                optuna.delete_study(study_name="between", storage=url)
        return real_deleted(*args)

    monkeypatch.setattr(StudyProgress, "refresh", refresh)
    monkeypatch.setattr(study._worker, "study_deleted", made_again_first)
    code = hplab.main(["study", "run", str(spec), "--no-report", "--storage", str(db),
                       "--json"])
    out, err = capfd.readouterr()
    assert (code, out) == (2, "")
    assert err == (f"hplab study run: error: study 'gone' was deleted from {url} while "
                   "this run used it\n")
    [again] = made
    assert (again._study_id == 1) == same_id
    # the study made again is left as it was made: no trial of the run went into it
    assert optuna.load_study(study_name="gone", storage=url).trials == []


def test_a_keyerror_of_a_study_still_stored_is_an_error_trial(tmp_path, spec_file,
                                                             monkeypatch, capfd):
    # what a deleted study raises, raised by training: the trial's error, the run goes on
    real = study._objective.train_run
    raised = []

    def train_run(dataset, cfg, **kwargs):
        if not raised:
            raised.append(cfg)
            raise KeyError("Record does not exist.")
        return real(dataset, cfg, **kwargs)

    monkeypatch.setattr(study._objective, "train_run", train_run)
    spec = spec_file("kept", n_trials=3, max_epochs=2, pruner="none")
    db = tmp_path / "kept.db"
    code = hplab.main(["study", "run", str(spec), "--no-report", "--storage", str(db),
                       "--json"])
    out, err = capfd.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["n_finished"], summary["n_complete"], summary["n_error"]) == (3, 2, 1)
    assert err == "hplab study run: trial 0 failed: KeyError: 'Record does not exist.'\n"


@pytest.mark.slow
def test_a_study_deleted_while_pool_workers_run_it_ends_the_run_in_one_line(
        tmp_path, spec_file, capfd, monkeypatch):
    # each worker process fails alone: their error reached the parent as joblib's traceback.
    # The storage named as typed (QA: the line named the absolute path the workers got)
    spec = spec_file("gone", n_trials=400, max_epochs=40, pruner="none")
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "gone.db"

    def delete_after_two_trials():
        # once both workers run trials: one still starting would find no study to load
        # (and say "no study 'gone'", as `study worker` does for a name not stored)
        end = time.monotonic() + 120
        while time.monotonic() < end:
            with contextlib.suppress(Exception):  # not yet stored
                trials = optuna.load_study(study_name="gone",
                                           storage=f"sqlite:///{db}").get_trials()
                workers = {study.trial_info(t).get("worker") for t in trials} - {None}
                done = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
                if len(done) >= 2 and len(workers) == 2:
                    _delete_study(db, "gone")
                    return
            time.sleep(0.1)

    deleter = threading.Thread(target=delete_after_two_trials)
    deleter.start()
    try:
        code = hplab.main(["study", "run", str(spec), "--no-report", "--storage", "gone.db",
                           "--json", "--workers", "2"])
    finally:
        deleter.join()
    out, err = capfd.readouterr()
    assert (code, out) == (2, "")
    assert err == ("hplab study run: error: study 'gone' was deleted from sqlite:///gone.db "
                   "while this run used it\n")


def test_a_stored_value_that_is_not_json_is_named_in_one_line(tmp_path, stored, spec_file,
                                                              capsys):
    # every study command said only "error: Expecting property name enclosed in double
    # quotes: line 1 column 2 (char 1)", naming no storage, study or trial
    with contextlib.closing(sqlite3.connect(stored)) as con:
        con.execute("UPDATE trial_user_attributes SET value_json = '{not json' "
                    "WHERE trial_id = 2 AND key = 'record'")
        con.commit()
    for argv in (["list"], ["show", "keep"], ["export", "keep", "--csv", str(tmp_path / "x.csv")],
                 ["report", "keep", "--out", str(tmp_path / "rep")],
                 ["run", str(spec_file("keep", n_trials=3)), "--no-report", "--json"]):
        assert hplab.main(["study", *argv, "--storage", str(stored)]) == 2
        assert capsys.readouterr().err == (
            f"hplab study {argv[0]}: error: "
            f"storage sqlite:///{stored} holds a value that is not valid "
            "JSON (trial 1 of study 'keep', attribute 'record': Expecting property name "
            "enclosed in double quotes: line 1 column 2 (char 1))\n")


def test_a_sqlite_url_with_options_opens_the_named_file(tmp_path, spec_file):
    url = f"sqlite:///{tmp_path / 'q.db'}?timeout=30"
    study.run_study(study.load_spec(spec_file("q", n_trials=1, max_epochs=2)), storage=url,
                    progress=False)
    assert (tmp_path / "q.db").is_file()
    assert not [p for p in tmp_path.iterdir() if "?" in p.name]
    assert study.show_study("q", url)["n_finished"] == 1


def test_a_sqlite_url_option_the_driver_ignores_is_refused_not_written_through(
        stored, spec_file, capsys):
    url = f"sqlite:///{stored}"
    before = _digest(stored)
    for argv in (["study", "run", spec_file("keep", n_trials=3), "--no-report"],
                 ["study", "list"]):
        code = hplab.main([*map(str, argv), "--storage", f"{url}?mode=ro"])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1, err
        assert "does not take the URL option(s) 'mode'; leave them out" in err
    assert _digest(stored) == before  # "read-only" was not written to
    assert study.show_study("keep", url)["n_finished"] == 2


def test_the_file_named_is_the_database_whatever_its_name(tmp_path, spec_file, monkeypatch):
    # SQLAlchemy ends a URL's path at '?' and percent-decodes it: unescaped, "q?x.db" and
    # "q?y.db" were one database named "q", and "per%20cent.db" one named "per cent.db"
    monkeypatch.chdir(tmp_path)
    spec = study.load_spec(spec_file("odd", n_trials=1, max_epochs=2))
    for name in ("q?x.db", "q?y.db", "per%20cent.db"):
        study.run_study(spec, storage=f"sp/{name}", progress=False)
        assert study.show_study("odd", f"sp/{name}")["n_finished"] == 1
        with sqlite3.connect((tmp_path / "sp" / name).as_uri() + "?mode=ro", uri=True) as con:
            assert con.execute("SELECT count(*) FROM trials").fetchone() == (1,)
    assert sorted(p.name for p in (tmp_path / "sp").iterdir() if p.suffix == ".db") == [
        "per%20cent.db", "q?x.db", "q?y.db"]


def test_a_tilde_is_the_home_folder_in_every_form(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for text in ("~/a.db", "sqlite:///~/a.db", "~/a.log", "journal:~/a.log"):
        assert resolve_storage(text).path == tmp_path / Path(text).name
    url = resolve_storage("sqlite:///~/a.db?timeout=3").url
    assert url == f"sqlite:///{tmp_path}/a.db?timeout=3"
    # a name that only starts with '~' (no such user) stays a name, not a traceback
    assert resolve_storage("~nosuchuser9/b.db").path == Path("~nosuchuser9/b.db")


def test_export_never_writes_over_a_storage_and_dash_is_stdout(tmp_path, stored, tiny_study,
                                                              capsys):
    db, other, journal = stored, tiny_study(".db"), tiny_study(".log")  # three storages
    for victim, digest in ((other, _digest), (journal, lambda p: p.read_bytes())):
        before = digest(victim)
        assert hplab.main(["study", "export", "keep", "--storage", str(db), "--csv",
                           str(victim)]) == 2
        assert "is a study storage" in capsys.readouterr().err
        assert digest(victim) == before
    assert hplab.main(["study", "export", "keep", "--storage", str(db), "--csv", "-"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("number,") and len(out.splitlines()) == 3
    assert not (tmp_path / "-").exists()
    assert hplab.main(["study", "export", "keep", "--storage", str(db), "--csv", "-",
                       "--json"]) == 2
    assert "leave out --json" in capsys.readouterr().err


def test_an_interrupted_re_export_keeps_the_earlier_csv(tmp_path, stored, monkeypatch):
    import pandas as pd

    db, csv = stored, tmp_path / "re.csv"
    study.export_csv("keep", csv, storage=str(db))
    before = csv.read_text()
    assert len(before.splitlines()) == 3

    def killed(frame, buffer, **kwargs):  # Ctrl-C halfway through the write
        buffer.write(b"number,state\n0,")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", killed)
    with pytest.raises(KeyboardInterrupt):
        study.export_csv("keep", csv, storage=str(db))
    assert csv.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == ["re.csv"]


@pytest.mark.parametrize("ending", [".gz", ".bz2", ".xz", ".zst", ".zip", ".tar", ".tar.gz"])
def test_an_export_is_compressed_as_its_name_says_with_the_csv_inside(tmp_path, stored,
                                                                       ending):
    # QA: the CSV went to a temporary file compressed as *its* name said: a .tar.gz was a
    # gzipped CSV ("tar: This does not look like a tar archive"), a zip's member was named
    # .c.csv.zip.rxqw0lfi.tmp, gzip stored that hidden name, and each export its own time
    import tarfile
    import zipfile

    import pandas as pd

    db = stored  # a 2-trial study "keep"
    plain = study.export_csv("keep", tmp_path / "c.csv", storage=str(db))
    packed = study.export_csv("keep", tmp_path / f"c.csv{ending}", storage=str(db))
    pd.testing.assert_frame_equal(pd.read_csv(packed), pd.read_csv(plain))
    if ending == ".zip":
        assert zipfile.ZipFile(packed).namelist() == ["c.csv"]
    if ending.startswith(".tar"):
        assert tarfile.open(packed).getnames() == ["c.csv"]
    if ending == ".gz":  # the name gunzip -N restores, after the 10-byte header
        first = packed.read_bytes()
        assert first[10:16] == b"c.csv\0"
        assert study.export_csv("keep", packed, storage=str(db)).read_bytes() == first
    if ending == ".tar.gz":  # the gzip around the tar stored the hidden temporary name too
        first = packed.read_bytes()
        assert first[:2] == b"\x1f\x8b" and not first[3] & 0x08  # FNAME: no name stored
    if ending in (".zip", ".tar.gz"):  # QA: coin.zip held a member named coin, no .csv
        bare = study.export_csv("keep", tmp_path / f"c{ending}", storage=str(db))
        names = (zipfile.ZipFile(bare).namelist() if ending == ".zip" else
                 tarfile.open(bare).getnames())
        assert names == ["c.csv"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # none staged


@pytest.mark.parametrize("ending", [".csv", ".gz", ".bz2", ".xz", ".zip", ".tar", ".tar.gz",
                                    ".tar.bz2", ".tar.xz"])
def test_an_export_is_the_same_bytes_whenever_it_is_written(tmp_path, stored, monkeypatch,
                                                            ending):
    # QA: two exports a second apart differed as .zip (its member's date) and .tar.gz (the
    # gzip header's time): an archive of the same table is the same file
    import time

    now = time.time()
    packed = study.export_csv("keep", tmp_path / f"c{ending}", storage=str(stored))
    first = packed.read_bytes()
    monkeypatch.setattr(time, "time", lambda: now + 86400 * 400)  # a year and more later
    assert study.export_csv("keep", packed, storage=str(stored)).read_bytes() == first


def test_a_storage_path_through_a_file_or_a_dead_link_is_named_in_one_line(
        tmp_path, spec_file, capsys, monkeypatch):
    # QA: "[Errno 17] File exists: 'runs'" for a link to a missing folder, or a file, on the
    # way to the storage
    monkeypatch.chdir(tmp_path)
    spec = spec_file("p", n_trials=1)
    Path("afile").write_text("mine\n")
    Path("runs").symlink_to("../does_not_exist")
    for extra, said in (([], "runs/hplab.db is inside a link to a missing folder (runs -> "
                             "../does_not_exist)"),
                        (["--storage", "afile/x.db"], "afile/x.db is inside a file (afile)")):
        code, out, err = run_cli(["study", "run", spec, "--no-report", *extra], capsys)
        assert (code, out) == (2, "")
        assert err == f"hplab study run: error: storage {said}; give a path in a folder\n"
    assert Path("afile").read_text() == "mine\n" and not Path("does_not_exist").exists()


def test_a_named_pipe_is_refused_as_a_storage_not_read_forever(tmp_path, spec_file, capsys):
    # QA: `study list --storage x.log` on a named pipe never ended (optuna read it)
    pipe = tmp_path / "pipe.log"
    os.mkfifo(pipe)
    said = f"error: storage {pipe} is a named pipe, not a file; give a file path\n"
    with within(20):
        for argv in (["study", "list"], ["study", "run", spec_file("p", n_trials=1)]):
            assert run_cli([*argv, "--storage", pipe], capsys) == (
                2, "", f"hplab study {argv[1]}: {said}")


def test_a_folder_is_refused_as_a_storage_in_one_line(tmp_path, spec_file, capsys):
    # QA: `--storage sqlite:////` said "PosixPath('/') has an empty name", a folder
    # elsewhere "unable to open database file"
    for url, folder in (("sqlite:////", "/"), (f"sqlite:///{tmp_path}", tmp_path)):
        said = f"error: storage {folder} is a folder; give a file path in it\n"
        for argv in (["study", "list"], ["study", "run", spec_file("f", n_trials=1)]):
            assert run_cli([*argv, "--storage", url], capsys) == (
                2, "", f"hplab study {argv[1]}: {said}")


def test_dataset_that_cannot_load_fails_before_any_storage(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HPLAB_DATA", str(tmp_path / "empty"))
    db = tmp_path / "m.db"
    assert hplab.main(["study", "run", "mnist", "--storage", str(db)]) == 2
    assert "hplab data fetch mnist" in capsys.readouterr().err
    assert not db.exists()


@pytest.mark.parametrize("first", [
    # Ctrl-C during the first run's schema creation left some of optuna's tables and no
    # study: every command then refused the file as "a damaged optuna database"
    4,
    # QA (a full disk, tmpfs with ~50 kB free): the first run failed after optuna made its
    # first table, "studies"; freed, every run refused the file as "an SQLite database of
    # another program (tables studies; no optuna tables)", the study lost to its own file
    1])
def test_a_first_run_cut_while_optuna_made_its_tables_is_a_new_storage(first, tmp_path,
                                                                      capsys, spec_file):
    import sqlalchemy as sa
    from optuna.storages._rdb.models import BaseModel

    db = tmp_path / "cut.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    made = list(BaseModel.metadata.sorted_tables)[:first]
    assert made[0].name == "studies"  # optuna's first
    BaseModel.metadata.create_all(engine, tables=made)
    engine.dispose()
    assert hplab.main(["study", "list", "--storage", str(db)]) == 2
    assert capsys.readouterr().err == (f"hplab study list: error: no storage at {db} (an SQLite "
                                       "database without a study; check the path, or run a "
                                       "study into it first)\n")
    assert hplab.main(["study", "run", str(spec_file("fresh", n_trials=2, max_epochs=2)),
                       "--storage", str(db), "--no-report", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_complete"] == 2
    assert study.show_study("fresh", str(db))["n_finished"] == 2


def test_a_storage_cut_while_made_raises_the_public_storage_error(tmp_path):
    # QA: study.open_study on a first run's cut storage raised study._sqlite_file._Unfinished,
    # a private class in the user's traceback and type(e).__name__
    import sqlalchemy as sa
    from optuna.storages._rdb.models import BaseModel

    db = tmp_path / "cut.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    BaseModel.metadata.create_all(engine, tables=list(BaseModel.metadata.sorted_tables)[:4])
    engine.dispose()
    with pytest.raises(study.StorageError) as caught:
        study.open_study("intr", str(db))
    # the public class that says nothing is there: a `study run --json` stopped as optuna
    # made these tables printed no JSON, its stop read as a storage it could not read (QA)
    assert type(caught.value) is study.StorageAbsent
    assert str(caught.value) == (f"no storage at {db} (an SQLite database without a study; "
                                 "check the path, or run a study into it first)")


def test_a_storage_whose_studies_were_all_deleted_holds_none(stored, capsys, spec_file):
    # `study list` on a database whose only study optuna.delete_study removed said "no
    # storage at ... (an SQLite database without a study)", exit 2: it has none to list
    db = stored
    optuna.delete_study(study_name="keep", storage=f"sqlite:///{db}")
    capsys.readouterr()
    assert hplab.main(["study", "list", "--storage", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert hplab.main(["study", "show", "keep", "--storage", str(db)]) == 2
    assert capsys.readouterr().err == (f"hplab study show: error: no study 'keep' in "
                                       f"sqlite:///{db}; studies there: none\n")
    assert hplab.main(["study", "run", str(spec_file("next", n_trials=2, max_epochs=2)),
                       "--storage", str(db), "--no-report", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_complete"] == 2


def test_a_cursor_an_interrupt_closed_is_closed_quietly(tmp_path, caplog):
    # Ctrl-C in a pool worker's read closed its connection; SQLAlchemy then failed to
    # close the cursor and printed "Error closing cursor" with two tracebacks to stderr
    storage = study.open_storage(resolve_storage(str(tmp_path / "c.db")), create=True)
    gone = sqlite3.connect(":memory:")
    cursor = gone.cursor()
    gone.close()
    with storage.engine.connect() as conn:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            conn._safe_close_cursor(cursor)  # as SQLAlchemy does while the interrupt is raised
        assert [r.getMessage() for r in caplog.records] == []
        conn._safe_close_cursor(cursor)  # with no interrupt: still logged
    assert [r.getMessage() for r in caplog.records] == ["Error closing cursor"]
    storage.engine.dispose()


def test_optunas_fallback_read_after_a_server_error_prints_nothing(tmp_path, monkeypatch,
                                                                   capfd):
    """A read of trials failing (a server gone mid-run) made optuna log 8 lines, its SQL
    included, and read again; that read then fails with hplab's one line, or succeeds."""
    import sqlalchemy.orm
    from sqlalchemy.exc import OperationalError

    storage = study.open_storage(resolve_storage(str(tmp_path / "f.db")), create=True)
    s = optuna.create_study(study_name="f", storage=storage)
    s.enqueue_trial({"x": 1.0})
    query_all, failed = sqlalchemy.orm.Query.all, []

    def fails_once(self):
        if not failed:
            failed.append(1)
            raise OperationalError("SELECT trials.trial_id ...", {}, Exception(
                "consuming input failed: server closed the connection unexpectedly"))
        return query_all(self)

    monkeypatch.setattr(sqlalchemy.orm.Query, "all", fails_once)
    trials = storage.get_all_trials(s._study_id)
    assert failed == [1] and [t.params for t in trials] == [{}]  # read again, as it was
    out, err = capfd.readouterr()
    assert "Caught an error" not in err and "SELECT" not in err, err
    # optuna's other warnings still show
    optuna.logging.get_logger(optuna.storages.RDBStorage.__module__).warning("other")
    assert "other" in capfd.readouterr().err
    storage.engine.dispose()


def test_an_existing_storage_file_of_another_name_is_read_by_its_content(spec_file, tmp_path,
                                                                         capsys):
    # QA: an Optuna journal a.journal (as optuna's examples name one) was refused with a
    # message that named neither journal:PATH nor .jsonl, the forms that take it
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    journal, db = tmp_path / "a.journal", tmp_path / "b.sqlitedb"
    plain = optuna.create_study(study_name="plain",
                                storage=JournalStorage(JournalFileBackend(str(journal))))
    plain.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    optuna.create_study(study_name="db", storage=f"sqlite:///{db}")
    assert resolve_storage(str(journal)) == resolve_storage(f"journal:{journal}")
    assert resolve_storage(str(db)).kind == "sqlite"
    code, out, err = run_cli(["study", "list", "--storage", journal, "--json"], capsys)
    assert code == 0 and [r["study"] for r in json.loads(out)] == ["plain"], err
    code, out, err = run_cli(["study", "run", spec_file("tiny", n_trials=1, max_epochs=2),
                              "--storage", journal, "--no-report"], capsys)
    assert code == 0, err
    assert sorted(optuna.get_all_study_names(JournalStorage(JournalFileBackend(
        str(journal))))) == ["plain", "tiny"]
    notes = tmp_path / "notes.txt"
    notes.write_text("not a storage\n")
    for bad in (notes, tmp_path / "new.journal"):  # another file; a name that says nothing
        code, out, err = run_cli(["study", "list", "--storage", bad], capsys)
        assert code == 2 and err == (
            f"hplab study list: error: storage '{bad}': expected a URL (sqlite:///, postgresql://, "
            "mysql://), a .db file or a journal .log or .jsonl file (journal:PATH for a journal "
            "file of any name)\n")
    assert notes.read_text() == "not a storage\n" and not (tmp_path / "new.journal").exists()


def test_a_storage_file_named_for_the_other_kind_is_refused_naming_the_form_that_opens_it(
        tmp_path, capsys):
    # QA: a file whose suffix names the other kind was refused without the form that opens
    # it ("sq.log is not an optuna journal file"; "jr.db: not an SQLite database"). Its
    # name decides, not its bytes (6ee366d7)
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    journal, db = tmp_path / "a.journal", tmp_path / "b.sqlitedb"
    optuna.create_study(study_name="plain",
                        storage=JournalStorage(JournalFileBackend(str(journal))))
    optuna.create_study(study_name="db", storage=f"sqlite:///{db}")
    (tmp_path / "sq.log").write_bytes(db.read_bytes())
    (tmp_path / "jr.db").write_bytes(journal.read_bytes())
    for copy, kind, said, form, names in (
            ("sq.log", "journal",
             "is an SQLite database, not an optuna journal: give it as sqlite:///",
             f"sqlite:///{tmp_path / 'sq.log'}", ["db"]),
            ("jr.db", "sqlite", "is an optuna journal, not an SQLite database: give it as "
             "journal:", f"journal:{tmp_path / 'jr.db'}", ["plain"])):
        assert resolve_storage(str(tmp_path / copy)).kind == kind
        code, out, err = run_cli(["study", "list", "--storage", tmp_path / copy], capsys)
        assert code == 2 and f"{tmp_path / copy} {said}" in err and form in err, err
        code, out, err = run_cli(["study", "list", "--storage", form, "--json"], capsys)
        assert code == 0 and sorted(r["study"] for r in json.loads(out)) == names, err


def _another_process_writes(db: Path) -> str:
    """What a second process's INSERT into ``db`` meets: "wrote", or SQLite's last line."""
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0); "
            "c.execute('INSERT INTO t VALUES (2)'); c.commit(); print('wrote')")
    done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True,
                          text=True, timeout=60)
    return (done.stdout or done.stderr.strip().splitlines()[-1]).strip()


@pytest.mark.parametrize("name, look", [
    ("held.data", lambda path: resolve_storage(str(path)).kind),
    ("held.log", lambda path: study.list_studies(str(path))),
    ("held.sqlite3db", lambda path: study.check_output_file(path))],
    ids=["resolve_storage", "list_studies", "check_output_file"])
def test_looking_at_a_storage_file_keeps_this_processs_sqlite_locks_on_it(tmp_path, name,
                                                                          look):
    # review: resolving "study.data" (a database known by its content) read its first
    # bytes with open() and close(), and the close released every POSIX lock this
    # process's SQLite held on it: another process then wrote through a script's open
    # EXCLUSIVE transaction. So did refusing a database under a journal's name, and a
    # database given as an output file.
    db = tmp_path / name
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("CREATE TABLE t(x)")
    con.execute("BEGIN EXCLUSIVE")
    con.execute("INSERT INTO t VALUES (1)")
    assert _another_process_writes(db) == "sqlite3.OperationalError: database is locked"
    for _ in range(2):  # the second look as the first
        with contextlib.suppress(StorageError):
            look(db)
        assert _another_process_writes(db) == "sqlite3.OperationalError: database is locked"
    con.execute("COMMIT")
    assert [r[0] for r in con.execute("SELECT x FROM t")] == [1]
    assert _another_process_writes(db) == "wrote"
    con.close()


def test_study_summary_takes_the_storage_as_every_study_function_does(tiny_study):
    # QA: study.study_summary(optuna_study, "runs/k.db") failed with AttributeError: 'str'
    # object has no attribute 'masked'; a path, a Path or a URL is read as resolve_storage
    # reads it, and gives the summary the StorageURL gives
    db = tiny_study(".db")
    s, where, store = study.open_study_storage("tiny", str(db))
    try:
        expected = study.study_summary(s, where)
        for given in (str(db), db, f"sqlite:///{db}"):
            assert study.study_summary(s, given) == expected
    finally:
        study.release(store)
    assert expected["storage"] == f"sqlite:///{db}" and expected["n_complete"] == 2
    # QA: given the study's name, as show_study takes it: "'str' object has no attribute
    # 'get_trials'"
    with pytest.raises(TypeError, match=r"got the name 'tiny': study.show_study\(name, "):
        study.study_summary("tiny", str(db))


def test_a_trial_whose_storage_failed_is_not_the_commands_storage_failure():
    # the review: two classes named StorageFailed in study, the objective's (a BaseException
    # that gets past optuna's trial loop) and the command's (a StorageError it ends on)
    from study._errors import StorageFailed
    from study._objective import TrialStorageLost

    objective = study.Objective.__new__(study.Objective)  # no spec: only its storage rule
    objective.stop_on_storage_failure = True

    def failing(trial):
        raise sqlite3.OperationalError("disk I/O error")

    objective._call = failing
    with pytest.raises(TrialStorageLost) as lost:
        objective(None)
    assert isinstance(lost.value.__cause__, sqlite3.OperationalError)
    assert not isinstance(lost.value, Exception) and issubclass(StorageFailed, Exception)
    assert not hasattr(study._objective, "StorageFailed")


def test_a_name_given_in_another_unicode_form_is_said_to_be_one(tmp_path, capsys, spec_file):
    # QA: a spec file named café.toml as macOS writes names (e and a combining accent)
    # names its study so; `study show café` as typed (é) said "no study 'café' in ...;
    # studies there: café", two names alike on screen
    import unicodedata

    stored = unicodedata.normalize("NFD", "café")
    db = tmp_path / "s.db"
    assert hplab.main(["study", "run", str(spec_file(stored, n_trials=2, max_epochs=2)),
                       "--storage", str(db), "--no-report"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", "café", "--storage", str(db)]) == 2
    assert capsys.readouterr().err == (
        f"hplab study show: error: no study 'café' in sqlite:///{db}; studies there: "
        f"{stored} (the stored name is the one given in another Unicode form, alike on "
        "screen: 'cafe\\u0301' against 'caf\\xe9'; name it as stored, copied from `hplab "
        "study list`)\n")
    assert hplab.main(["study", "list", "--storage", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["study"], s["n_complete"]) for s in listed] == [(stored, 2)]
    assert hplab.main(["study", "show", listed[0]["study"], "--storage", str(db),
                       "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_complete"] == 2


def test_a_name_typed_in_a_locale_of_another_encoding_is_said_to_be_one(tmp_path, capsys,
                                                                         spec_file):
    # QA: under LC_ALL=C PYTHONUTF8=0 `study show é` reached hplab as '\udcc3\udca9' (the
    # bytes ASCII could not decode), and was told "storage ... holds a record optuna cannot
    # read ...; use a copy from before the edit", of a sound storage
    db = tmp_path / "s.db"
    assert hplab.main(["study", "run", str(spec_file("é", n_trials=2, max_epochs=2)),
                       "--storage", str(db), "--no-report"]) == 0
    capsys.readouterr()
    typed = "\udcc3\udca9"  # what Python makes of é's bytes in an ASCII locale
    for command in ("show", "export", "report"):
        argv = ["study", command, typed, "--storage", str(db)]
        assert hplab.main(argv + (["--csv", str(tmp_path / "e.csv")]
                                  if command == "export" else [])) == 2
        assert capsys.readouterr().err == (
            f"hplab study {command}: error: study name '\\udcc3\\udca9' holds bytes that are "
            f"no {sys.getfilesystemencoding()} text (typed in a locale of another encoding?): "
            "a study's name is text; give it from a UTF-8 locale (LANG=C.UTF-8, or "
            "PYTHONUTF8=1)\n")
    assert hplab.main(["study", "show", "é", "--storage", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_complete"] == 2
