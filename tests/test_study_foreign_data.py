"""What hplab did not write: other programs' studies, attributes and trials in a storage."""

from __future__ import annotations

import json

import optuna
from cli_helpers import run_cli

import study


def _run_tiny(spec_file, db, name="tiny", **keys):
    keys = {"n_trials": 2, "pruner": "none", "max_epochs": 8, **keys}
    return study.run_study(study.load_spec(spec_file(name, **keys)), storage=str(db),
                           progress=False)


def test_another_programs_record_attribute_is_not_read_as_hplabs(spec_file, tmp_path, capsys):
    # its trials' own user attribute "record" crashed `study list` for the whole storage
    db = tmp_path / "shared.db"
    _run_tiny(spec_file, db)
    mine = optuna.create_study(study_name="mine", storage=f"sqlite:///{db}")

    def objective(trial):
        trial.set_user_attr("record", "best so far" if trial.number else None)
        return trial.suggest_float("x", 0, 1)

    mine.optimize(objective, n_trials=2)
    ours = optuna.load_study(study_name="tiny", storage=f"sqlite:///{db}")
    ours.add_trial(optuna.create_trial(  # one added by hand to an hplab study
        value=9.0, params={"lr": 0.5}, user_attrs={"record": "x"},
        distributions={"lr": optuna.distributions.FloatDistribution(0.05, 2.0, log=True)}))
    code, out, err = run_cli(["study", "list", "--storage", db, "--json"], capsys)
    assert code == 0, err
    rows = {r["study"]: r for r in json.loads(out)}
    assert rows["mine"]["n_complete"] == 2 and rows["tiny"]["n_complete"] == 3
    code, out, err = run_cli(["study", "show", "tiny", "--storage", db, "--json"], capsys)
    assert code == 0 and json.loads(out)["n_finished"] == 3, err
    csv = tmp_path / "tiny.csv"
    code, _, err = run_cli(["study", "export", "tiny", "--csv", csv, "--storage", db], capsys)
    assert code == 0, err
    header, *rows = [line.split(",") for line in csv.read_text().splitlines()]
    assert rows[2][header.index("user_attrs_record")] == "x"  # the user's value, kept
    assert rows[0][header.index("user_attrs_status")] == "max_epochs"
    code, _, err = run_cli(["study", "report", "tiny", "--storage", db, "--out",
                            tmp_path / "rep"], capsys)
    assert code == 0, err
    assert (tmp_path / "rep" / "report.html").exists()


def test_a_stored_spec_written_over_lists_the_study_with_dashes(spec_file, tmp_path, capsys):
    # a spec attribute that was no table crashed `study list` with AttributeError
    db = tmp_path / "over.db"
    _run_tiny(spec_file, db, "over")
    _run_tiny(spec_file, db, "fine")
    over = optuna.load_study(study_name="over", storage=f"sqlite:///{db}")
    for spec in ("oops", ["a"], {"study": "oops"}):
        over.set_user_attr(study.SPEC_ATTR, spec)
        code, out, err = run_cli(["study", "list", "--storage", db], capsys)
        assert code == 0, err
        rows = {line.split()[0]: line.split()[1:4] for line in out.splitlines()}
        assert rows == {"over": ["-", "2/-", "best"], "fine": ["xor", "2/2", "best"]}
        code, out, err = run_cli(["study", "show", "over", "--storage", db], capsys)
        assert code == 2 and "does not pass this version's checks" in err
        assert len(err.splitlines()) == 1
