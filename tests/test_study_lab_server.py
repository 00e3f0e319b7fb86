"""One PostgreSQL server shared by a lab's users: the commands hplab prints for them to paste,
and what each role is told."""

from __future__ import annotations

import json
import re
import shlex
import uuid

import hplab
import study


def test_a_printed_command_pasted_takes_the_password_from_pgpassword(
        postgres_url, spec_file, monkeypatch, capsys):
    """QA (a lab's shared server): a command hplab prints names its storage with the password
    as ***, and the README says it runs as printed with the password in PGPASSWORD; pasted,
    the driver sent *** itself (libpq reads PGPASSWORD only for a URL without one), and the
    login failed. The test server trusts every login, so the password the driver sent is
    read off the connection."""
    name = f"paste-{uuid.uuid4().hex[:8]}"
    url = postgres_url.replace("postgres@", "postgres:hunter2@")
    path = spec_file(name, n_trials=2, pruner="none", max_epochs=4)
    assert hplab.main(["study", "run", str(path), "--storage", url, "--no-report"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", name, "--storage", url]) == 0
    printed = re.search(r"\((hplab study report .*)\)", capsys.readouterr().out)[1]
    pasted = shlex.split(printed)
    storage = pasted[pasted.index("--storage") + 1]
    assert "hunter2" not in printed and "postgres:***@" in storage
    monkeypatch.setenv("PGPASSWORD", "from-env")
    opened = study.open_storage(study.resolve_storage(storage))
    try:
        with opened.engine.connect() as conn:
            sent = conn.connection.driver_connection.info.password
    finally:
        study.release(opened)
    assert sent == "from-env"
    # the pasted storage reads the study the first URL ran
    assert hplab.main(["study", "show", name, "--storage", storage, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["n_finished"], shown["storage"]) == (2, postgres_url)  # none to mask
    # a query's password=*** likewise
    assert study.resolve_storage(postgres_url + "?password=***&connect_timeout=5").url == \
        postgres_url + "?connect_timeout=5"


def test_a_schema_the_role_may_not_use_is_said_not_read_as_empty(postgres_url, spec_file,
                                                                 capsys):
    """QA (a schema per user): a role pointed at another's schema without USAGE on it
    (``?options=-csearch_path%3Dalice``) was told ``no studies``, and ``study show`` "no
    study ... studies there: none", of a schema holding one: the server skips a schema the
    role may not use, and the tables were looked for in none."""
    import sqlalchemy as sa

    tag = uuid.uuid4().hex[:8]
    schema, role, name = f"hplab_s_{tag}", f"hplab_r_{tag}", f"in-schema-{tag}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
    in_schema = f"?options=-csearch_path%3D{schema}"
    try:
        path = spec_file(name, n_trials=2, pruner="none", max_epochs=4)
        assert hplab.main(["study", "run", str(path), "--storage", postgres_url + in_schema,
                           "--no-report"]) == 0
        capsys.readouterr()
        url = postgres_url.replace("postgres@", f"{role}@") + in_schema
        assert hplab.main(["study", "list", "--storage", url]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.splitlines() == [
            f"hplab study list: error: cannot open storage {url}: this role may use no schema "
            f"of its search_path ({schema}): it needs USAGE on the schema that holds the "
            "studies"]
        with admin.connect() as conn:
            conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
            conn.execute(sa.text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}"))
        assert hplab.main(["study", "list", "--storage", url, "--json"]) == 0
        (listed,) = json.loads(capsys.readouterr().out)
        assert (listed["study"], listed["n_finished"]) == (name, 2)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
        admin.dispose()


def test_a_run_that_joins_another_users_study_says_whose_it_is(postgres_url, spec_file,
                                                               capsys):
    """QA (a lab's shared server): bob's `study run coin-lr.toml`, a spec like alice's,
    added his trials to her study of that name without a word; now a line names whose
    study it is and the command that created it. Her own resume says nothing."""
    import sqlalchemy as sa

    role, name = f"hplab_bob_{uuid.uuid4().hex[:8]}", f"joined-{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    path = spec_file(name, n_trials=2, pruner="none", max_epochs=4)
    try:
        assert hplab.main(["study", "run", str(path), "--storage", postgres_url,
                           "--no-report"]) == 0
        capsys.readouterr()
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
            conn.execute(sa.text("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "
                                 f"public TO {role}"))
            conn.execute(sa.text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        bob = postgres_url.replace("postgres@", f"{role}@")
        assert hplab.main(["study", "run", str(path), "--storage", bob, "--trials", "3",
                           "--json", "--no-report"]) == 0
        out, err = capsys.readouterr()
        assert json.loads(out)["n_finished"] == 3
        made = optuna_command(name, postgres_url)
        assert f"hplab study run: study {name!r} is postgres's (created " in err
        assert f" UTC by `{made}`): this run adds its trials to it; another study.name " \
            "makes one of your own" in err
        assert hplab.main(["study", "run", str(path), "--storage", postgres_url, "--trials",
                           "4", "--json", "--no-report"]) == 0
        out, err = capsys.readouterr()
        assert json.loads(out)["n_finished"] == 4 and "'s (created" not in err
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def optuna_command(name: str, storage: str) -> str:
    """The command that created study ``name``, as stored with it."""
    stored, _ = study.open_study(name, storage)
    return stored.user_attrs[study.COMMAND_ATTR]
