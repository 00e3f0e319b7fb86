"""Storages (and report folders) edited by hand or cut short: each study command refuses
them in one line naming what is wrong (exit 2), and leaves the files as they were."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3

import pytest
from cli_helpers import run_cli

READ_COMMANDS = (["study", "list"], ["study", "show", "tiny"], ["study", "report", "tiny"])


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused_by_all(storage, message, tmp_path, capsys, *, run=True) -> None:
    """Every study command on ``storage`` exits 2 with the one line ``message``; the file
    is unchanged (``run``: `study run` too, which may write before it reads the trials)."""
    before = _digest(storage)
    commands = [*READ_COMMANDS, *([["study", "run", "tiny", "--trials", "4"]] if run else [])]
    for argv in commands:
        extra = ["--out", tmp_path / "rep"] if argv[1] == "report" else []
        code, out, err = run_cli([*argv, "--storage", storage, *extra], capsys)
        command = " ".join(argv[:2])
        assert (code, err) == (2, f"hplab {command}: error: {message}\n"), (argv, err)
        assert _digest(storage) == before, argv
    assert not (tmp_path / "rep").exists()


@pytest.mark.parametrize("edit, why", [
    # a finished trial's value made NULL: optuna's reader asserted (models.py)
    ("UPDATE trial_values SET value = NULL WHERE trial_id = 1", "AssertionError in models.py"),
    # a state no enum holds: SQLAlchemy's LookupError
    ("UPDATE trials SET state = 'BOGUS'", "'BOGUS' is not among the defined enum values. "
     "Enum name: trialstate. Possible values: RUNNING, COMPLETE, PRUNED, ..., WAITING"),
    # a start that is no date: it said "Invalid isoformat string" without naming the storage
    ("UPDATE trials SET datetime_start = 'yesterday'", "Invalid isoformat string: 'yesterday'"),
])
def test_an_sqlite_trial_optuna_cannot_read_is_refused_in_one_line(
        tiny_study, tmp_path, capsys, edit, why):
    db = tiny_study(".db")
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute(edit)
        con.commit()
    _refused_by_all(db, f"storage sqlite:///{db} holds a trial optuna cannot read ({why}); "
                    "use a copy from before the edit", tmp_path, capsys)


def test_a_journal_value_that_is_no_number_is_refused_before_a_run_adds_trials(
        tiny_study, tmp_path, capsys):
    # a finished trial's "values": ["abc"] was shown as the best value, and `study run`
    # stored trials, then ended in a TypeError comparing it
    log = tiny_study(".log")
    lines = log.read_text().splitlines(keepends=True)
    told = [i for i, line in enumerate(lines) if json.loads(line).get("values")]
    record = json.loads(lines[told[1]])
    record["values"] = ["abc"]
    lines[told[1]] = json.dumps(record) + "\n"
    log.write_text("".join(lines))
    message = (f"storage journal:{log} holds a trial optuna cannot read (trial "
               f"{record['trial_id']} of study 'tiny': value 'abc' is not a number); use a "
               "copy from before the edit")
    # a journal's run appends optuna's create-study record before loading: checked apart
    _refused_by_all(log, message, tmp_path, capsys, run=False)
    code, _, err = run_cli(["study", "run", "tiny", "--trials", "4", "--storage", log], capsys)
    assert (code, err) == (2, f"hplab study run: error: {message}\n")
    kept = "".join(lines)
    text = log.read_text()
    assert text.startswith(kept)
    # nothing but optuna's create-study attempts appended: no trial, no attribute
    assert {json.loads(line)["op_code"] for line in text[len(kept):].splitlines()} <= {0}


def test_a_truncated_sqlite_file_is_called_damaged(tiny_study, tmp_path, capsys):
    # it said "t.db is not an SQLite database (database disk image is malformed)"
    db = tiny_study(".db")
    cut = tmp_path / "cut.db"
    cut.write_bytes(db.read_bytes()[:4096])
    message = (f"{cut} is a damaged SQLite database (database disk image is malformed); "
               "use a copy from before the damage")
    _refused_by_all(cut, message, tmp_path, capsys, run=False)
    before = _digest(cut)
    code, _, err = run_cli(["study", "run", "tiny", "--trials", "4", "--storage", cut], capsys)
    # "tiny" is no ready spec, but the storage could not be opened to look for a study of
    # that name: its error alone (QA 64: "no spec 'tiny'..." pointed the wrong way)
    assert (code, err) == (2, f"hplab study run: error: {message}\n")
    assert _digest(cut) == before


def test_a_best_model_without_its_config_says_so(tiny_study, tmp_path, capsys):
    # it said "holds a best_model/ with a model no report of study 'tiny' retrained"
    db, out = tiny_study(".db"), tmp_path / "rep"
    assert run_cli(["study", "report", "tiny", "--storage", db, "--out", out], capsys)[0] == 0
    (out / "best_model" / "config.json").unlink()
    model = (out / "best_model" / "model.npz").read_bytes()
    code, _, err = run_cli(["study", "report", "tiny", "--storage", db, "--out", out], capsys)
    assert (code, err) == (2, (
        f"hplab study report: error: --out {out} holds a best_model/ without its config.json "
        f"(remove {out / 'best_model'} if its model is not needed); give another folder\n"))
    assert (out / "best_model" / "model.npz").read_bytes() == model


def test_a_write_optuna_refuses_is_not_called_unreadable(tmp_path):
    # only what optuna fails to read is the storage's fault: a write it refuses (a parameter
    # of another distribution) stays the caller's error
    import optuna

    import study
    from study._storage_errors import storage_errors

    db = tmp_path / "w.db"
    store = optuna.storages.RDBStorage(f"sqlite:///{db}")
    trial = optuna.create_study(storage=store, study_name="w").ask()
    trial.suggest_float("x", 0, 1)
    other = optuna.distributions.CategoricalDistribution(["a"])
    with pytest.raises(ValueError) as raised, storage_errors(study.resolve_storage(str(db))):
        store.set_trial_param(trial._trial_id, "x", 0, other)
    assert not isinstance(raised.value, study.StorageError), raised.value
