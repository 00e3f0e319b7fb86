"""What a stored study and its report's best model record of where they came from: the
command and folder that wrote the model, the study and trial it retrains with the values
the trial stored, and the hplab versions that ran the trials."""

from __future__ import annotations

import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from importlib.metadata import version as importlib_version
from pathlib import Path

import optuna
import pandas as pd
import pytest
from cli_helpers import ROOT, run_cli
from conftest import figure_stand_in, report_facts, report_table, trials_of

import nets
import study


@pytest.fixture(autouse=True)
def _unrasterized(monkeypatch):
    figure_stand_in(monkeypatch, typeset=False)  # no claim here is about a figure


def _best_config(folder):
    return json.loads((folder / "best_model" / "config.json").read_text())


@pytest.mark.slow
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
    checkout = nets.hplab_checkout()
    assert config["study"] == {
        "name": "rec", "storage": f"sqlite:///{tmp_path / 'rec.db'}",
        "created": summary["created"], "trial": summary["best_trial"],
        "values": {"val_loss": best.value}, "hplab": nets.hplab_version(),
        **({"hplab_checkout": checkout} if checkout else {})}
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


def _shown_and_reported(name, db, tmp_path, capsys) -> tuple[str, str]:
    """What ``study show`` prints of study ``name`` in ``db``, and the text of the report
    ``study report`` writes of it into ``rep/``."""
    code, out, _ = run_cli(["study", "show", name, "--storage", db], capsys)
    assert code == 0
    code, _, _ = run_cli(["study", "report", name, "--storage", db, "--out", "rep"], capsys)
    assert code == 0
    return out, _page_text(tmp_path / "rep" / "report.html")


def _mine(n_trials: int) -> dict:
    """This process's `hplab_versions` entry: its checkout where the version names other
    code (an editable install's version stays the commit it was installed at)."""
    mine, checkout = nets.hplab_version(), nets.hplab_checkout()
    other = nets.version_text_of(mine, checkout) != mine
    return {"version": mine, "checkout": checkout if other else None, "n_trials": n_trials}


def test_the_trials_table_and_the_study_tell_a_trials_other_checkout_by_one_rule():
    # the review: the report's trial column (trial_code) and the study's versions
    # (trial_versions) each wrote "is the checkout other code than the version says?"
    from reports._study_table import trial_code

    commit = "1a2b3c4d5e6f"
    installed = f"0.1.1.dev5+g{commit[:7]}"
    assert study.other_checkout(installed, commit) is None  # the version says it
    assert study.other_checkout(installed, f"{commit}-dirty") == f"{commit}-dirty"
    assert study.other_checkout(installed, "5d6e7f8a9b0c") == "5d6e7f8a9b0c"
    assert study.other_checkout(installed, None) is None  # an installed copy
    assert study.other_checkout(None, commit) is None  # an earlier hplab's record
    created = "2026-01-01T00:00:00"
    trials = [optuna.trial.create_trial(value=1.0, user_attrs={study.RECORD_ATTR: {
        "worker": "h:1", "run": "r", "study_created": created, "hplab": installed,
        "hplab_checkout": checkout}}) for checkout in (commit, "5d6e7f8a9b0c")]
    for n, t in enumerate(trials):
        t.number = n
    assert [trial_code(t) for t in trials] == [(installed, None), (installed, "5d6e7f8a9b0c")]
    assert study.trial_versions(trials, created) == [
        {"version": installed, "checkout": None, "n_trials": 1},
        {"version": installed, "checkout": "5d6e7f8a9b0c", "n_trials": 1}]


def test_a_study_records_the_versions_that_ran_it(spec_file, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    summary = _run(spec_file("ver", n_trials=3, max_epochs=8), "ver.db", capsys)
    mine = nets.hplab_version()
    trials = trials_of(tmp_path / "ver.db", "ver")
    # each trial: the version and the checkout that ran it; the study: their libraries, once
    assert [study.trial_info(t)["hplab"] for t in trials] == [mine] * 3
    assert [study.trial_version(t) for t in trials] == [mine] * 3
    assert [study.trial_info(t)["hplab_checkout"] for t in trials] == \
        [nets.hplab_checkout()] * 3
    assert [study.trial_checkout(t) for t in trials] == [nets.hplab_checkout()] * 3
    assert not any(study.ran_other_code(t) for t in trials)
    stored = optuna.load_study(study_name="ver", storage="sqlite:///ver.db").user_attrs
    assert stored[study.VERSIONS_ATTR] == [nets.versions()]
    assert summary["hplab_versions"] == [_mine(3)]
    code, out, _ = run_cli(["study", "show", "ver", "--storage", "ver.db", "--json"], capsys)
    assert json.loads(out)["hplab_versions"] == [_mine(3)]
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
    assert facts["Trials run by hplab"] == f"{nets.version_text()} (3 trials)"
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
    assert config["study"].get("hplab_checkout") == config["versions"].get("hplab_checkout")


@pytest.mark.slow
def test_trials_of_another_version_are_said(spec_file, tmp_path, monkeypatch, capsys):
    """A study resumed after an upgrade: a trial told by another hplab version (through
    optuna's own ask, set_user_attr and tell, as that version's worker wrote it), and the
    best one, so the report retrains with this version a trial the other ran."""
    monkeypatch.chdir(tmp_path)
    spec = spec_file("mix", n_trials=3, max_epochs=8)
    _run(spec, "mix.db", capsys)
    s = optuna.load_study(study_name="mix", storage="sqlite:///mix.db")
    record = study.trial_info(s.trials[0])
    # as that version wrote it: records named no checkout then
    older = {**record, "hplab": "0.0.1", "status": "converged"}
    del older["hplab_checkout"]
    trial = s.ask({"lr": optuna.distributions.FloatDistribution(0.05, 2.0, log=True),
                   "width": optuna.distributions.IntDistribution(2, 6)})
    trial.set_user_attr(study.RECORD_ATTR, older)
    s.tell(trial, 0.0)  # below every trial's loss: the best
    mine = nets.hplab_version()
    assert study.ran_other_code(s.trials[3]) and not study.ran_other_code(s.trials[0])
    code, out, _ = run_cli(["study", "show", "mix", "--storage", "mix.db", "--json"], capsys)
    assert json.loads(out)["hplab_versions"] == [
        _mine(3), {"version": "0.0.1", "checkout": None, "n_trials": 1}]
    # this code in the words of the report's "hplab version" row (its checkout where the
    # version names other code: the list then parts its entries with semicolons)
    now = nets.version_text()
    both = f"{now} (3 trials){'; ' if _mine(3)['checkout'] else ', '}0.0.1 (1 trial)"
    out, text = _shown_and_reported("mix", "mix.db", tmp_path, capsys)
    assert f"Its trials ran on 2 hplab versions: {both}" in out
    assert f"This study is mixed: its trials ran on 2 hplab versions: {both}" in text
    assert f"Trial #3 ran on hplab 0.0.1; this report retrained it with hplab {now}," in text
    config = _best_config(tmp_path / "rep")
    assert config["study"]["trial"] == 3 and config["study"]["hplab"] == "0.0.1"
    assert config["versions"]["hplab"] == mine
    assert "hplab_checkout" not in config["study"]  # its record named none


@pytest.mark.slow
def test_trials_of_a_version_before_records_named_it_are_said(spec_file, tmp_path,
                                                               monkeypatch, capsys):
    """QA: a study begun by an hplab whose records named no version (worker and run, no
    ``hplab``, no checkout, no study) and resumed now is mixed, and its best trial, one of
    the earlier version's, is said to be retrained with other code."""
    monkeypatch.chdir(tmp_path)
    spec = spec_file("old", n_trials=2, max_epochs=8)
    _run(spec, "old.db", capsys)
    s = optuna.load_study(study_name="old", storage="sqlite:///old.db")
    record = study.trial_info(s.trials[0])
    earlier = {k: v for k, v in record.items()
               if k not in ("hplab", "hplab_checkout", "study_created")}
    for _ in range(2):  # as that version wrote them
        trial = s.ask({"lr": optuna.distributions.FloatDistribution(0.05, 2.0, log=True),
                       "width": optuna.distributions.IntDistribution(2, 6)})
        trial.set_user_attr(study.RECORD_ATTR, {**earlier, "status": "converged"})
        s.tell(trial, 0.0)  # below every trial's loss: #2 the best
    assert study.ran_other_code(s.trials[2]) and not study.ran_other_code(s.trials[0])
    code, out, _ = run_cli(["study", "show", "old", "--storage", "old.db", "--json"], capsys)
    assert json.loads(out)["hplab_versions"] == [
        _mine(2), {"version": None, "checkout": None, "n_trials": 2}]
    both = f"{nets.version_text()} (2 trials); an earlier version, not recorded (2 trials)"
    out, text = _shown_and_reported("old", "old.db", tmp_path, capsys)
    assert f"Its trials ran on 2 hplab versions: {both};" in out
    assert f"This study is mixed: its trials ran on 2 hplab versions: {both};" in text
    page = (tmp_path / "rep" / "report.html").read_text()
    assert report_facts(page)["Trials run by hplab"] == both
    assert ("Trial #2 ran on an earlier hplab that did not record its version; this report "
            f"retrained it with hplab {nets.version_text()},") in text
    assert _best_config(tmp_path / "rep")["study"]["hplab"] is None


@pytest.mark.slow
def test_a_mixed_studys_trials_table_says_which_version_ran_each(spec_file, tmp_path,
                                                                   monkeypatch, capsys):
    """QA: a mixed study's report gave the versions' counts alone; its trials.csv names
    the version of every trial, and the page's table does once two ran the study. The CSV
    names it whole, as the trial's record and `study export` do (QA: it cut the commit
    off, 0.1.1.dev2271 of 0.1.1.dev2271+g062149348); the page's column, short."""
    monkeypatch.chdir(tmp_path)
    spec = spec_file("who", n_trials=2, max_epochs=8)
    _run(spec, "who.db", capsys)
    folder = tmp_path / "runs" / "studies" / "who"
    checkout = nets.hplab_checkout()
    # this code, short: its checkout's commit where the version names other code, else
    # the version without its commit
    code = (f"checkout {checkout[:7]}{'-dirty' * checkout.endswith('-dirty')}"
            if _mine(2)["checkout"] else nets.hplab_version().partition("+")[0])
    other = _mine(2)["checkout"]  # this code's checkout, where its version is not it
    csv = pd.read_csv(folder / "report_files" / "trials.csv", keep_default_na=False,
                      dtype=str).set_index("number")
    assert list(csv["hplab"].sort_index()) == [nets.hplab_version()] * 2
    assert list(csv["hplab_checkout"].sort_index()) == [other or ""] * 2
    header, _ = report_table((folder / "report.html").read_text(), "table-trials")
    assert "hplab" not in header  # one version: the provenance says it
    s = optuna.load_study(study_name="who", storage="sqlite:///who.db")
    record = study.trial_info(s.trials[0])
    for version in ("0.0.1+g1a2b3c4d5", None):  # an earlier version's, one naming none
        older = {k: v for k, v in record.items() if k not in ("hplab", "hplab_checkout")}
        trial = s.ask({"lr": optuna.distributions.FloatDistribution(0.05, 2.0, log=True),
                       "width": optuna.distributions.IntDistribution(2, 6)})
        trial.set_user_attr(study.RECORD_ATTR, {
            **older, "status": "converged", **({"hplab": version} if version else {})})
        s.tell(trial, 1.0)
    code_of = {0: code, 1: code, 2: "0.0.1", 3: "earlier"}
    assert run_cli(["study", "report", "who", "--storage", "who.db"], capsys)[0] == 0
    csv = pd.read_csv(folder / "report_files" / "trials.csv", keep_default_na=False,
                      dtype=str).set_index("number")
    assert csv["hplab"].to_dict() == {"0": nets.hplab_version(), "1": nets.hplab_version(),
                                      "2": "0.0.1+g1a2b3c4d5", "3": "earlier"}
    assert csv["hplab_checkout"].to_dict() == {"0": other or "", "1": other or "",
                                               "2": "", "3": ""}
    # as `study export` has them
    assert run_cli(["study", "export", "who", "--storage", "who.db", "--csv", "x.csv"],
                   capsys)[0] == 0
    export = pd.read_csv("x.csv", keep_default_na=False, dtype=str).set_index("number")
    assert export["user_attrs_hplab"].to_dict() == {
        **csv["hplab"].to_dict(), "3": ""}  # the earlier record names none
    page = (folder / "report.html").read_text()
    header, rows = report_table(page, "table-trials")
    column = header.index("hplab")
    assert {int(r[0]): r[column] for r in rows} == code_of
    assert ("hplab is the version that ran the trial (a checkout's commit where it ran from "
            "one; earlier: a version before trials recorded it).") in \
        _page_text(folder / "report.html")


def _checkout_of_hplab(folder):
    """hplab's code (hplab.py and its packages) copied into ``folder``, a git repository
    of its own with two commits no install names: ``git(*args)`` and [each commit's 12
    hex digits]. Skipped without git."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder.mkdir()
    shutil.copy2(ROOT / "hplab.py", folder)
    for name in ("nets", "data", "study", "analyses", "reports"):
        shutil.copytree(ROOT / name, folder / name,
                        ignore=shutil.ignore_patterns("__pycache__"))

    def git(*args):
        return subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c",
                               "user.email=t@t", *args], check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q")
    commits = []
    for n in (1, 2):
        (folder / "NOTES").write_text(f"commit {n}\n")
        git("add", "-A")
        git("commit", "-q", "-m", f"commit {n}")
        commits.append(git("rev-parse", "HEAD")[:12])
    return git, commits


def _hplab_of(folder, *args, cwd):
    """``hplab ARGS`` run by the code in ``folder`` (a `_checkout_of_hplab`), as a user
    runs a clone: ``PYTHONPATH=folder python folder/hplab.py ARGS``."""
    env = {**os.environ, "PYTHONPATH": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, str(folder / "hplab.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_study_resumed_from_another_checkout_names_each_trials_code(
        spec_file, tmp_path, monkeypatch, capsys):
    """QA: two clones of hplab at different commits, one editable install: the installed
    version is the same string in both, so the study said "one version" and its trials
    named no checkout, and the report retraining a trial of the other clone said nothing."""
    monkeypatch.chdir(tmp_path)
    code_dir = tmp_path / "code"
    git, (first, second) = _checkout_of_hplab(code_dir)
    spec = spec_file("two", n_trials=2, max_epochs=8)
    installed = importlib_version("hplab")
    git("checkout", "-q", first)
    ran = json.loads(_hplab_of(code_dir, "study", "run", spec, "--storage", "two.db",
                               "--no-report", "--json", cwd=tmp_path))
    assert ran["hplab_versions"] == [{"version": installed, "checkout": first, "n_trials": 2}]
    git("checkout", "-q", second)
    ran = json.loads(_hplab_of(code_dir, "study", "run", spec, "--storage", "two.db",
                               "--trials", "4", "--no-report", "--json", cwd=tmp_path))
    versions = [{"version": installed, "checkout": first, "n_trials": 2},
                {"version": installed, "checkout": second, "n_trials": 2}]
    assert ran["hplab_versions"] == versions
    # each trial's record: the checkout that ran it, beside the version
    trials = trials_of(tmp_path / "two.db", "two")
    assert [study.trial_checkout(t) for t in trials] == [first, first, second, second]
    assert [study.trial_version(t) for t in trials] == [installed] * 4
    assert all(study.ran_other_code(t) for t in trials)  # neither is this code
    code, out, _ = run_cli(["study", "show", "two", "--storage", "two.db", "--json"], capsys)
    assert code == 0 and json.loads(out)["hplab_versions"] == versions
    words = (f"2 hplab versions: {installed}, run from checkout {first} (2 trials); "
             f"{installed}, run from checkout {second} (2 trials)")
    code, out, _ = run_cli(["study", "show", "two", "--storage", "two.db"], capsys)
    assert code == 0 and f"Its trials ran on {words}" in out
    # the report, written by this code: the best trial ran under another checkout
    code, _, _ = run_cli(["study", "report", "two", "--storage", "two.db", "--out", "rep"],
                         capsys)
    assert code == 0
    best = ran["best_trial"]
    ran_by = first if best < 2 else second
    text = _page_text(tmp_path / "rep" / "report.html")
    assert f"This study is mixed: its trials ran on {words}" in text
    assert (f"Trial #{best} ran on hplab {installed}, run from checkout {ran_by}; this report "
            f"retrained it with hplab {nets.version_text()}, so its scores here") in text
    config = _best_config(tmp_path / "rep")
    assert (config["study"]["hplab"], config["study"]["hplab_checkout"]) == (installed, ran_by)


def test_version_names_the_checkout_that_runs(tmp_path):
    """QA: ``hplab --version`` printed the version an editable install was made at (168
    commits behind) while the reports named the checkout that ran."""
    code_dir = tmp_path / "code"
    git, (_, head) = _checkout_of_hplab(code_dir)
    installed = importlib_version("hplab")
    assert _hplab_of(code_dir, "--version", cwd=tmp_path) == \
        f"hplab {installed}, run from checkout {head}\n"
    (code_dir / "NOTES").write_text("an edit\n")
    assert _hplab_of(code_dir, "--vers", cwd=tmp_path) == \
        f"hplab {installed}, run from checkout {head} with uncommitted changes\n"
    # this suite's own code, as its reports say it
    assert _hplab_of(ROOT, "--version", cwd=tmp_path) == f"hplab {nets.version_text()}\n"
    # a module in nets' way is not imported (it would stop the command): the metadata says;
    # nor one in the way of reports, which holds the parser (--version is said before it)
    for name in ("nets", "reports"):
        (tmp_path / f"{name}.py").write_text("raise SystemExit('a user module ran')\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "hplab", "--version"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"hplab {installed}\n", "")


@pytest.mark.slow
def test_the_report_names_the_libraries_the_trials_ran_on(spec_file, tmp_path, monkeypatch,
                                                          capsys):
    """QA: a study run on optuna 5.1.0 reported by a process on 5.0.0 said 5.0.0 in its
    provenance, with no note; resumed on 5.0.0, `study show` said nothing. The study's
    stored sets are the trials'; this process's are said beside them where they differ."""
    monkeypatch.chdir(tmp_path)
    _run(spec_file("lib", n_trials=2, max_epochs=8), "lib.db", capsys)
    s = optuna.load_study(study_name="lib", storage="sqlite:///lib.db")
    mine = nets.versions()
    own = {k: v for k, v in mine.items() if not k.startswith("hplab")}
    ran = {**mine, "optuna": "0.9.0"}  # as a worker on another optuna stored it
    s.set_user_attr(study.VERSIONS_ATTR, [ran])
    code, out, _ = run_cli(["study", "show", "lib", "--storage", "lib.db", "--json"], capsys)
    assert json.loads(out)["library_versions"] == [{**own, "optuna": "0.9.0"}]
    out, text = _shown_and_reported("lib", "lib.db", tmp_path, capsys)
    assert "library versions" not in out and "mixed" not in text
    facts = report_facts((tmp_path / "rep" / "report.html").read_text())
    theirs = ", ".join(f"{k} {v}" for k, v in {**own, "optuna": "0.9.0"}.items())
    assert facts["Library versions"] == theirs
    assert facts["Library versions of this report"] == (
        ", ".join(f"{k} {v}" for k, v in own.items()) + " (not the trials': it retrains the "
        "best trial with them, and best_model/config.json records them)")
    assert (f"The trials ran on optuna 0.9.0; this report retrained it on optuna "
            f"{own['optuna']}, so its scores here (and best_model/) are those libraries'") \
        in text
    assert _best_config(tmp_path / "rep")["versions"]["optuna"] == own["optuna"]
    # resumed on this process's libraries: mixed, as a study resumed after an upgrade is
    s.set_user_attr(study.VERSIONS_ATTR, [ran, mine])
    code, out, _ = run_cli(["study", "show", "lib", "--storage", "lib.db", "--json"], capsys)
    assert json.loads(out)["library_versions"] == [{**own, "optuna": "0.9.0"}, own]
    alike = ", ".join(f"{k} {v}" for k, v in own.items() if k != "optuna")
    mixed = (f"ts trials ran on 2 sets of library versions: optuna 0.9.0, then optuna "
             f"{own['optuna']} ({alike} alike); a library's changes can shift scores")
    out, text = _shown_and_reported("lib", "lib.db", tmp_path, capsys)
    assert f"I{mixed}" in out and f"This study is mixed: i{mixed}" in text
    facts = report_facts((tmp_path / "rep" / "report.html").read_text())
    assert facts["Library versions"] == \
        f"{theirs}; then {', '.join(f'{k} {v}' for k, v in own.items())}"
    assert facts["Library versions of this report"].endswith(
        " (it retrains the best trial with them, and best_model/config.json records them)")
    # which set the best trial ran on is not stored: not said (QA: "the trials ran on
    # 0.9.0, then ...; this report retrained it on" this process's, where it ran on them)
    assert (f"The study's trials ran on optuna 0.9.0, then optuna {own['optuna']}; this "
            f"report retrained it on optuna {own['optuna']}, one of them: if it ran on "
            "other ones, its scores here") in text
    # a study whose trials ran on this process's libraries says them once
    s.set_user_attr(study.VERSIONS_ATTR, [mine])
    _, text = _shown_and_reported("lib", "lib.db", tmp_path, capsys)
    facts = report_facts((tmp_path / "rep" / "report.html").read_text())
    assert "Library versions of this report" not in facts and "libraries'" not in text


@pytest.mark.slow
def test_a_record_from_before_a_library_was_recorded_is_not_other_software(
        spec_file, tmp_path, monkeypatch, capsys):
    """scipy and imbalanced-learn compute results too (the scaling law's fit, the
    resampling strategies): recorded since. A study whose stored versions name neither,
    resumed now (a set naming both is added), ran on one set of libraries, this one."""
    monkeypatch.chdir(tmp_path)
    mine = nets.versions()
    assert mine["scipy"] == importlib_version("scipy")
    assert mine["imbalanced-learn"] == importlib_version("imbalanced-learn")
    _run(spec_file("pre", n_trials=2, max_epochs=8), "pre.db", capsys)
    s = optuna.load_study(study_name="pre", storage="sqlite:///pre.db")
    earlier = {k: v for k, v in mine.items()  # nor NumPy's BLAS kernels, recorded since
               if k not in ("scipy", "imbalanced-learn", "BLAS kernels")}
    s.set_user_attr(study.VERSIONS_ATTR, [earlier])
    # resumed: this process's versions are stored beside the earlier record's
    code, _, err = run_cli(["study", "run", "pre", "--storage", "pre.db", "--trials", "3"],
                           capsys)
    assert code == 0, err
    stored = optuna.load_study(study_name="pre", storage="sqlite:///pre.db").user_attrs
    assert stored[study.VERSIONS_ATTR] == [earlier, mine]
    own = {k: v for k, v in mine.items() if not k.startswith("hplab")}
    code, out, _ = run_cli(["study", "show", "pre", "--storage", "pre.db", "--json"], capsys)
    assert json.loads(out)["library_versions"] == [own]
    out, text = _shown_and_reported("pre", "pre.db", tmp_path, capsys)
    assert "library versions" not in out and "mixed" not in text and "libraries'" not in text
    facts = report_facts((tmp_path / "rep" / "report.html").read_text())
    assert facts["Library versions"] == ", ".join(f"{k} {v}" for k, v in own.items())
    assert "Library versions of this report" not in facts
    # a study that stored only the earlier record: compared on the libraries it names
    s.set_user_attr(study.VERSIONS_ATTR, [earlier])
    _, text = _shown_and_reported("pre", "pre.db", tmp_path, capsys)
    facts = report_facts((tmp_path / "rep" / "report.html").read_text())
    assert "Library versions of this report" not in facts and "libraries'" not in text
    assert "scipy" not in facts["Library versions"]


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                    reason="OpenBLAS's x86 core types")
def test_a_study_resumed_on_other_blas_kernels_is_mixed(spec_file, tmp_path, capsys):
    """QA: other BLAS kernels (another machine, OPENBLAS_CORETYPE) train other last bits at
    any size, and a study stored none: one resumed elsewhere looked all of a piece. NumPy's
    BLAS kernels are one of its library versions now."""
    spec = spec_file("kern", n_trials=2, max_epochs=4)
    for kernels, trials in (("Haswell", 2), ("Sandybridge", 3)):
        proc = subprocess.run([sys.executable, str(ROOT / "hplab.py"), "study", "run", spec,
                               "--storage", "k.db", "--trials", str(trials), "--no-report"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=180,
                              env={**os.environ, "PYTHONPATH": str(ROOT),
                                   "OPENBLAS_CORETYPE": kernels})
        assert proc.returncode == 0, proc.stderr
    code, out, _ = run_cli(["study", "show", "kern", "--storage", str(tmp_path / "k.db"),
                            "--json"], capsys)
    assert code == 0
    shown = json.loads(out)
    assert [s["BLAS kernels"] for s in shown["library_versions"]] == ["Haswell", "Sandybridge"]
    assert shown["n_finished"] == 3
    code, out, _ = run_cli(["study", "show", "kern", "--storage", str(tmp_path / "k.db")],
                           capsys)
    assert "BLAS kernels Haswell, then BLAS kernels Sandybridge" in out


def test_the_footers_name_the_checkout_the_provenance_names(tmp_path, monkeypatch, capsys,
                                                            parse_html):
    # QA session 77: run from a checkout at another commit than the installed version
    # names, a report's provenance said "X, run from checkout C" and its footer, and the
    # index's, "Written by hplab X": the installed commit, not the code that ran
    from nets import _versions

    figure_stand_in(monkeypatch, typeset=False)
    monkeypatch.setattr(_versions, "hplab_checkout", lambda: "5d6e7f8a9b0c")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "3",
                              "--json"], capsys)
    assert code == 0, err
    said = json.loads(out)
    record = json.loads(Path(said["model_path"]).with_name("config.json").read_text())
    assert record["epochs"] == 3 and record["versions"]["hplab_checkout"] == "5d6e7f8a9b0c"
    code = f"{nets.hplab_version()}, run from checkout 5d6e7f8a9b0c"
    page = " ".join(parse_html(Path(said["report_path"]).read_text()).all_text.split())
    assert f"hplab version{code} Library" in page and f"Written by hplab {code} on" in page
    index = " ".join(parse_html(Path("runs/index.html").read_text()).all_text.split())
    assert f"Written by hplab {code} on" in index
