"""Two `hplab demo` runs on one storage at once: the second is refused in one line, at
whatever point of the first it starts (QA: a KeyError or UnboundLocalError traceback, or a
false "a study named 'demo' that hplab demo did not make")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import optuna
import pytest
from conftest import figure_stand_in

import hplab
import study

ROOT = Path(__file__).resolve().parents[1]


def _second_demo(storage: str, folder: Path) -> subprocess.CompletedProcess:
    """``hplab demo`` on ``storage``, as a user starts it from another folder."""
    folder.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "hplab.py"), "demo", "--trials", "2",
                           "--workers", "1", "--storage", storage, "--json"], cwd=folder,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def own_postgres_database(postgres_url):
    """A database of its own on the test server: every demo's study is named "demo", and
    its lock is the database's (this test's cases run side by side with -n)."""
    from sqlalchemy import create_engine, make_url, text

    name = f"hplab_demo_{uuid.uuid4().hex[:12]}"
    server = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("when", ["made, its command not yet stored",
                                  "stored, no trial started yet", "running its trials"])
def test_a_demo_started_while_another_runs_on_its_storage_is_refused_in_one_line(
        backend, when, tmp_path, monkeypatch, capsys, request):
    figure_stand_in(monkeypatch, typeset=False)  # the report's figures: not this test's
    if backend == "postgresql":
        storage = shown = request.getfixturevalue("own_postgres_database")
    else:
        storage = str(tmp_path / "demo.db")
        shown = f"sqlite:///{storage}"
    second = []

    def start_the_second():
        if not second:
            second.append(_second_demo(storage, tmp_path / "other"))

    # the first demo is held at the point `when`, the second started there and awaited
    if when == "made, its command not yet stored":
        real_create = study._run.create_or_load

        def create_or_load(*args, **kwargs):
            made = real_create(*args, **kwargs)
            start_the_second()
            return made

        monkeypatch.setattr(study._run, "create_or_load", create_or_load)
    elif when == "stored, no trial started yet":
        real_execute = study._run.execute

        def execute(*args, **kwargs):
            start_the_second()
            return real_execute(*args, **kwargs)

        monkeypatch.setattr(study._run, "execute", execute)
    else:
        real_train = study._objective.train_run

        def train_run(*args, **kwargs):
            start_the_second()
            return real_train(*args, **kwargs)

        monkeypatch.setattr(study._objective, "train_run", train_run)
    code = hplab.main(["demo", "--trials", "2", "--workers", "1", "--storage", storage,
                       "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["n_finished"] == 2
    [other] = second
    assert (other.returncode, other.stdout) == (2, ""), other.stderr[-2000:]
    assert other.stderr == (f"hplab demo: error: another hplab demo is running on {shown}; "
                            "wait for it to end, or give another --storage\n")
    # the first demo's study, its trials only, and its command
    with study.quiet_optuna():
        s = optuna.load_study(study_name="demo", storage=shown)
    assert len(s.trials) == 2 and {t.state for t in s.trials} == {
        optuna.trial.TrialState.COMPLETE}
    assert study.trial_info(s.trials[0])["run"] == study.trial_info(s.trials[1])["run"]
    assert study._demo.made_by_demo(s.user_attrs[study.COMMAND_ATTR])
    # once it ended, a demo replaces it
    other = _second_demo(storage, tmp_path / "other")
    assert other.returncode == 0, other.stderr[-2000:]
    assert other.stderr.startswith("hplab demo: replacing the earlier demo study in ")


def test_a_demo_on_a_server_it_cannot_reach_says_so_in_one_line(capsys):
    # its lock is its first word with the server: said as opening the storage says it
    url = "postgresql+psycopg://hplab:secret@127.0.0.1:1/hplab"
    assert hplab.main(["demo", "--trials", "2", "--storage", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hplab demo: error: cannot open storage "
                          "postgresql+psycopg://hplab:***@127.0.0.1:1/hplab: connection failed")
    assert len(err.splitlines()) == 1 and "secret" not in err
