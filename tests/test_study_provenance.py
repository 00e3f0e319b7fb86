"""What a stored study and its report's best model record of where they came from: the
command and folder that wrote the model, the study and trial it retrains with the values
the trial stored, and the hplab versions that ran the trials."""

from __future__ import annotations

import html
import json
import re

import optuna
import pytest
from cli_helpers import run_cli
from conftest import figure_stand_in, report_facts, trials_of

import nets
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
        "values": {"val_loss": best.value}, "hplab": nets.hplab_version()}
    assert study.resolve_storage(config["study"]["storage"]).path == tmp_path / "rec.db"
    # a report written later, by its own command, records that one
    code, _, _ = run_cli(["study", "report", "rec", "--storage", "rec.db", "--out", "again"],
                         capsys)
    assert code == 0
    assert _best_config(tmp_path / "again")["command"] == \
        "hplab study report rec --storage rec.db --out again"


def test_best_model_config_names_a_storage_file_whose_name_needs_escaping(
        spec_file, tmp_path, monkeypatch, capsys):
    # "a?b.db": written into a URL unescaped, "?" began its query, and the recorded
    # storage named the file "a"
    monkeypatch.chdir(tmp_path)
    spec = spec_file("esc", n_trials=2, max_epochs=4)
    code, _, _ = run_cli(["study", "run", spec, "--storage", "a?b.db", "--json"], capsys)
    assert code == 0
    stored = _best_config(tmp_path / "runs" / "studies" / "esc")["study"]["storage"]
    assert study.resolve_storage(stored).path == tmp_path / "a?b.db"


def test_a_report_written_from_python_records_no_command_and_no_folder(
        spec_file, tmp_path, monkeypatch, capsys):
    # as train_run from Python: the folder is the one a command's paths are relative to
    monkeypatch.chdir(tmp_path)
    code, _, _ = run_cli(["study", "run", spec_file("py", n_trials=2, max_epochs=4),
                          "--storage", "py.db", "--no-report"], capsys)
    assert code == 0
    import reports

    page = reports.study_report("py", storage="py.db", out=tmp_path / "out")
    config = _best_config(page.parent)
    assert (config["command"], config["cwd"]) == ("", "")


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


def _page_text(path) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text())).split())


def _run(spec, db, capsys):
    code, out, _ = run_cli(["study", "run", spec, "--storage", db, "--json"], capsys)
    assert code == 0
    return json.loads(out)


def test_a_study_records_the_versions_that_ran_it(spec_file, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    summary = _run(spec_file("ver", n_trials=3, max_epochs=8), "ver.db", capsys)
    mine = nets.hplab_version()
    trials = trials_of(tmp_path / "ver.db", "ver")
    # each trial: the version that ran it; the study: that version's libraries, once
    assert [study.trial_info(t)["hplab"] for t in trials] == [mine] * 3
    assert [study.trial_version(t) for t in trials] == [mine] * 3
    stored = optuna.load_study(study_name="ver", storage="sqlite:///ver.db").user_attrs
    assert stored[study.VERSIONS_ATTR] == [nets.versions()]
    assert summary["hplab_versions"] == [{"version": mine, "n_trials": 3}]
    code, out, _ = run_cli(["study", "show", "ver", "--storage", "ver.db", "--json"], capsys)
    assert json.loads(out)["hplab_versions"] == [{"version": mine, "n_trials": 3}]
    code, out, _ = run_cli(["study", "show", "ver", "--storage", "ver.db"], capsys)
    assert code == 0 and "hplab versions" not in out
    # `study export`: a column of its own, beside the record's others
    code, _, _ = run_cli(["study", "export", "ver", "--storage", "ver.db", "--csv", "t.csv"],
                         capsys)
    assert code == 0
    header = (tmp_path / "t.csv").read_text().splitlines()[0].split(",")
    assert "user_attrs_hplab" in header and "user_attrs_worker" in header
    page = tmp_path / "runs" / "studies" / "ver" / "report.html"
    facts = report_facts(page.read_text())
    assert facts["Trials run by hplab"] == f"{mine} (3 trials)"
    # the version the report ran with, and the checkout it ran from where it is one
    checkout = nets.hplab_checkout()
    installed_at = mine.partition("+g")[2][:7]  # the commit an editable install names
    other_code = checkout and (checkout.endswith("-dirty") or not installed_at
                               or not checkout.startswith(installed_at))
    assert facts["hplab version"] == mine + (
        f", run from checkout {checkout.removesuffix('-dirty')}"
        f"{' with uncommitted changes' if checkout.endswith('-dirty') else ''}"
        if other_code else "")
    assert stored[study.VERSIONS_ATTR][0].get("hplab_checkout") == checkout
    text = _page_text(page)
    assert "mixed" not in text and "ran on hplab" not in text
    config = _best_config(page.parent)
    assert config["study"]["hplab"] == config["versions"]["hplab"] == mine


def test_trials_of_another_version_are_said(spec_file, tmp_path, monkeypatch, capsys):
    """A study resumed after an upgrade: a trial told by another hplab version (through
    optuna's own ask, set_user_attr and tell, as that version's worker wrote it), and the
    best one, so the report retrains with this version a trial the other ran."""
    monkeypatch.chdir(tmp_path)
    spec = spec_file("mix", n_trials=3, max_epochs=8)
    _run(spec, "mix.db", capsys)
    s = optuna.load_study(study_name="mix", storage="sqlite:///mix.db")
    record = study.trial_info(s.trials[0])
    older = {**record, "hplab": "0.0.1", "status": "converged"}
    trial = s.ask({"lr": optuna.distributions.FloatDistribution(0.05, 2.0, log=True),
                   "width": optuna.distributions.IntDistribution(2, 6)})
    trial.set_user_attr(study.RECORD_ATTR, older)
    s.tell(trial, 0.0)  # below every trial's loss: the best
    mine = nets.hplab_version()
    code, out, _ = run_cli(["study", "show", "mix", "--storage", "mix.db", "--json"], capsys)
    assert json.loads(out)["hplab_versions"] == [{"version": mine, "n_trials": 3},
                                                 {"version": "0.0.1", "n_trials": 1}]
    code, out, _ = run_cli(["study", "show", "mix", "--storage", "mix.db"], capsys)
    assert code == 0
    assert f"Its trials ran on 2 hplab versions: {mine} (3 trials), 0.0.1 (1 trial)" in out
    code, _, _ = run_cli(["study", "report", "mix", "--storage", "mix.db", "--out", "rep"],
                         capsys)
    assert code == 0
    text = _page_text(tmp_path / "rep" / "report.html")
    assert f"This study is mixed: its trials ran on 2 hplab versions: {mine} (3 trials), " \
        "0.0.1 (1 trial)" in text
    assert f"Trial #3 ran on hplab 0.0.1; this report retrained it with hplab {mine}" in text
    config = _best_config(tmp_path / "rep")
    assert config["study"]["trial"] == 3 and config["study"]["hplab"] == "0.0.1"
    assert config["versions"]["hplab"] == mine
