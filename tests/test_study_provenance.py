"""What a stored study and its report's best model record of where they came from: the
command and folder that wrote the model, the study and trial it retrains with the values
the trial stored, and the hplab versions that ran the trials."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli
from conftest import figure_stand_in, trials_of

import study


@pytest.fixture(autouse=True)
def _unrasterized(monkeypatch):
    figure_stand_in(monkeypatch, typeset=False)  # no claim here is about a figure


def _best_config(folder):
    return json.loads((folder / "best_model" / "config.json").read_text())


def test_best_model_config_records_the_command_the_study_and_the_trial(
        spec_file, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    spec = spec_file("rec", n_trials=3, max_epochs=8)
    code, out, _ = run_cli(["study", "run", spec, "--storage", "rec.db", "--json"], capsys)
    assert code == 0
    summary = json.loads(out)
    config = _best_config(tmp_path / "runs" / "studies" / "rec")
    assert config["command"] == f"hplab study run {spec} --storage rec.db --json"
    assert config["cwd"] == str(tmp_path)
    best = trials_of(tmp_path / "rec.db", "rec")[summary["best_trial"]]
    assert config["study"] == {
        "name": "rec", "storage": f"sqlite:///{tmp_path / 'rec.db'}",
        "created": summary["created"], "trial": summary["best_trial"],
        "values": {"val_loss": best.value}}
    assert study.resolve_storage(config["study"]["storage"]).path == tmp_path / "rec.db"
    # a report written later, by its own command, records that one
    code, _, _ = run_cli(["study", "report", "rec", "--storage", "rec.db", "--out", "again"],
                         capsys)
    assert code == 0
    assert _best_config(tmp_path / "again")["command"] == \
        "hplab study report rec --storage rec.db --out again"


def test_best_model_config_records_a_metric_other_than_the_loss(spec_file, tmp_path,
                                                                monkeypatch, capsys):
    # an imbalance-strategy study's objective, val_pr_auc, is in no other key of config.json
    monkeypatch.chdir(tmp_path)
    spec = spec_file("pr", dataset="moons?imbalance=1:5", metric="val_pr_auc", pruner="none",
                     n_trials=3, max_epochs=3,
                     space={"imbalance_strategy": ["none", "class_weight"],
                            "lr": {"low": 0.01, "high": 0.5, "log": True}},
                     fixed={"width": 4, "batch_size": 64})
    code, out, _ = run_cli(["study", "run", spec, "--storage", "pr.db", "--json"], capsys)
    assert code == 0
    summary = json.loads(out)
    config = _best_config(tmp_path / "runs" / "studies" / "pr")
    best = trials_of(tmp_path / "pr.db", "pr")[summary["best_trial"]]
    assert config["study"]["trial"] == best.number
    assert config["study"]["values"] == {"val_pr_auc": best.value} \
        == {"val_pr_auc": summary["best_value"]}
    assert config["command"].startswith("hplab study run ") and config["cwd"] == str(tmp_path)
