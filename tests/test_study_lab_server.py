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
