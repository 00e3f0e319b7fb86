"""Who ran a trial: the OS user and, on a database server, the role its storage logged in
as, in each record, `study show`, `study export`, the report's trials table and the
refusal of a same-name study of another spec (QA: a lab of four sharing one PostgreSQL
server could tell a trial's machine and pid, not whose it was)."""

from __future__ import annotations

import getpass
import json
import sqlite3
import uuid

import optuna
import pandas as pd
from cli_helpers import run_cli
from conftest import report_table, trials_of

import study
from study._who import CREATOR_ATTR

ME = getpass.getuser()


def test_each_trial_records_the_os_user_and_no_role_for_a_file(spec_file, tmp_path, capsys):
    db = tmp_path / "s.db"
    path = spec_file("mine", n_trials=2, pruner="none", max_epochs=4)
    code, out, _ = run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)
    assert code == 0
    assert [(study.trial_info(t)["os_user"], study.trial_info(t)["db_role"])
            for t in trials_of(db, "mine")] == [(ME, None), (ME, None)]
    assert "run by" not in out  # one person's file: nothing to tell apart
    code, out, _ = run_cli(["study", "show", "mine", "--storage", db, "--json"], capsys)
    assert json.loads(out)["run_by"] == [
        {"user": ME, "os_user": ME, "db_role": None, "n_trials": 2}]


def test_an_os_user_that_cannot_be_told_is_none(spec_file, tmp_path, monkeypatch, capsys):
    """getpass.getuser raises where no variable names a user and the uid has no passwd
    entry (a container run as an arbitrary uid): the trial runs, naming none."""
    def no_user():
        raise OSError("No username set in the environment")

    monkeypatch.setattr(getpass, "getuser", no_user)
    db = tmp_path / "s.db"
    path = spec_file("anon", n_trials=1, pruner="none", max_epochs=4)
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    (trial,) = trials_of(db, "anon")
    assert study.trial_info(trial)["os_user"] is None


def test_older_records_read_as_someone_not_recorded(spec_file, tmp_path, capsys):
    """Trials of an hplab before records named people stay readable: one entry without
    names, said as such once another person's trial joins them."""
    db = tmp_path / "s.db"
    path = spec_file("old", n_trials=3, pruner="none", max_epochs=4)
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    records = [t.user_attrs["record"] for t in trials_of(db, "old")]
    for record in records[:2]:  # as an older hplab wrote them
        del record["os_user"], record["db_role"]
    records[2]["os_user"] = "bob"
    with sqlite3.connect(db) as conn:  # finished trials: optuna writes them no more
        for number, record in enumerate(records):
            conn.execute("UPDATE trial_user_attributes SET value_json = ? WHERE key = "
                         "'record' AND trial_id = (SELECT trial_id FROM trials WHERE "
                         "number = ?)", (json.dumps(record), number))
    code, out, _ = run_cli(["study", "show", "old", "--storage", db], capsys)
    assert code == 0
    assert "run by someone not recorded (2 trials), bob (1 trial)" in out.splitlines()
    code, out, _ = run_cli(["study", "show", "old", "--storage", db, "--json"], capsys)
    assert json.loads(out)["run_by"] == [
        {"user": None, "os_user": None, "db_role": None, "n_trials": 2},
        {"user": "bob", "os_user": "bob", "db_role": None, "n_trials": 1}]


def test_the_refusal_of_another_spec_names_another_persons_study(spec_file, tmp_path,
                                                                 capsys):
    db = tmp_path / "s.db"
    path = spec_file("theirs", n_trials=1, pruner="none", max_epochs=4)
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    s = optuna.load_study(study_name="theirs", storage=f"sqlite:///{db}")
    assert s.user_attrs[CREATOR_ATTR] == {"os_user": ME, "db_role": None}
    other = spec_file("theirs", n_trials=1, pruner="none", max_epochs=5)
    code, _, err = run_cli(["study", "run", other, "--storage", db, "--no-report"], capsys)
    # the creator's own run: nothing more said (the words tests pin stay)
    assert code == 2 and "(study.max_epochs differs); " in err
    s.set_user_attr(CREATOR_ATTR, {"os_user": "al", "db_role": None})
    code, _, err = run_cli(["study", "run", other, "--storage", db, "--no-report"], capsys)
    assert code == 2 and "(study.max_epochs differs), by al; " in err


def _lab(admin, tag):
    """A group role owning a schema, and two members whose sessions act as the group (the
    README's lab): their URLs, ``?options`` pointing them at that schema."""
    import sqlalchemy as sa

    group, schema = f"lab_{tag}", f"lab_s_{tag}"
    alice, bob = f"alice_{tag}", f"bob_{tag}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {group} NOLOGIN"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema} AUTHORIZATION {group}"))
        for role in (alice, bob):
            conn.execute(sa.text(f"CREATE ROLE {role} LOGIN IN ROLE {group}"))
            conn.execute(sa.text(f"ALTER ROLE {role} SET role = '{group}'"))
    return alice, bob, f"?options=-csearch_path%3D{schema}"


def test_a_lab_server_names_each_trials_role(postgres_url, spec_file, tmp_path, capsys):
    """Two roles of one group (their sessions ``SET role`` to it, so ``current_user`` reads
    the group for both) run one study: each trial names the role that logged in."""
    import sqlalchemy as sa

    tag = uuid.uuid4().hex[:8]
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    alice, bob, in_schema = _lab(admin, tag)
    url_a = postgres_url.replace("postgres@", f"{alice}@") + in_schema
    url_b = postgres_url.replace("postgres@", f"{bob}@") + in_schema
    name = f"lab-{tag}"
    path = spec_file(name, n_trials=2, pruner="none", max_epochs=4)
    assert run_cli(["study", "run", path, "--storage", url_a, "--no-report"], capsys)[0] == 0
    code, out, _ = run_cli(["study", "run", path, "--storage", url_b, "--trials", 3,
                            "--no-report"], capsys)
    assert code == 0
    people = [{"user": f"{ME} as {alice}", "os_user": ME, "db_role": alice, "n_trials": 2},
              {"user": f"{ME} as {bob}", "os_user": ME, "db_role": bob, "n_trials": 1}]
    code, out, _ = run_cli(["study", "show", name, "--storage", url_b, "--json"], capsys)
    assert json.loads(out)["run_by"] == people
    code, out, _ = run_cli(["study", "show", name, "--storage", url_b], capsys)
    assert f"run by {ME} as {alice} (2 trials), {ME} as {bob} (1 trial)" in out.splitlines()
    csv = tmp_path / "t.csv"
    assert run_cli(["study", "export", name, "--storage", url_b, "--csv", csv], capsys)[0] == 0
    table = pd.read_csv(csv)
    assert list(table["user_attrs_db_role"]) == [alice, alice, bob]
    assert list(table["user_attrs_os_user"]) == [ME] * 3
    out_dir = tmp_path / "rep"
    assert run_cli(["study", "report", name, "--storage", url_b, "--out", out_dir],
                   capsys)[0] == 0
    header, rows = report_table((out_dir / "report.html").read_text(), "table-trials")
    users = [row[header.index("user")] for row in rows]
    assert sorted(users) == sorted([f"{ME} as {alice}"] * 2 + [f"{ME} as {bob}"])
    # bob's run of another spec of the name is refused naming whose study it is; alice's
    # own is refused as before
    other = spec_file(name, n_trials=2, pruner="none", max_epochs=5)
    code, _, err = run_cli(["study", "run", other, "--storage", url_b, "--no-report"], capsys)
    assert code == 2 and f"(study.max_epochs differs), by {ME} as {alice}; " in err
    code, _, err = run_cli(["study", "run", other, "--storage", url_a, "--no-report"], capsys)
    assert code == 2 and "(study.max_epochs differs); " in err
