"""What the study commands say of a report step: the best trial's retrain said while it
runs, the time it took said apart from the trials', and a study without a report."""

from __future__ import annotations

import json
import re

import pytest
from cli_helpers import run_cli
from conftest import figure_stand_in


@pytest.fixture
def unrasterized(monkeypatch):
    """Figures built, not typeset (as test_study_report's): these claims are about none."""
    figure_stand_in(monkeypatch, typeset=False)


@pytest.mark.usefixtures("unrasterized")
def test_a_runs_report_says_it_retrains_and_its_time_apart_from_the_trials(
        spec_file, tmp_path, capsys, monkeypatch):
    # QA (MNIST): the trials' bar reached 100 % at 18 s, then 15 s of silence while the
    # report retrained the best trial, then "took 14.5 s" for a 34 s command
    monkeypatch.chdir(tmp_path)
    spec = spec_file("said", n_trials=2, pruner="none", max_epochs=4)
    code, out, err = run_cli(["study", "run", spec, "--storage", "s.db"], capsys)
    assert code == 0, err
    best = json.loads(run_cli(["study", "show", "said", "--storage", "s.db", "--json"],
                              capsys)[1])["best_trial"]
    assert f"hplab study run: retraining trial #{best} for the report...\n" in err
    assert "epoch" not in err.split("retraining")[0]  # its bar after the line, not before
    lines = out.splitlines()
    # --json's seconds is the trials' time: the words say so, the report's beside it
    assert re.fullmatch(r"trials took \d+\.\d s, the report \d+\.\d s", lines[-2]), lines
    assert lines[-1] == "report: runs/studies/said/report.html"
    code, out, err = run_cli(["study", "report", "said", "--storage", "s.db"], capsys)
    assert code == 0 and f"hplab study report: retraining trial #{best} for the report" in err
    code, out, err = run_cli(["study", "report", "said", "--storage", "s.db", "--json"],
                             capsys)
    assert code == 0 and err == "" and json.loads(out)["report_path"]


def test_a_run_without_a_report_says_trials_took(spec_file, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = spec_file("bare", n_trials=1, pruner="none", max_epochs=2)
    code, out, err = run_cli(["study", "run", spec, "--storage", "s.db", "--no-report"],
                             capsys)
    assert code == 0 and "retraining" not in err
    assert re.fullmatch(r"trials took \d+\.\d s", out.splitlines()[-1])


def test_a_run_or_worker_that_started_no_trial_says_no_time_of_trials(spec_file, tmp_path,
                                                                      capsys, monkeypatch):
    # QA: "trials took 2.7 s" (--json "seconds": 2.77) of a worker on a spent budget, which
    # started none: the time it took to find that out
    monkeypatch.chdir(tmp_path)
    spec = spec_file("spent", n_trials=1, pruner="none", max_epochs=2)
    code, out, err = run_cli(["study", "run", spec, "--storage", "s.db"], capsys)
    assert code == 0 and re.search(r"^trials took \d+\.\d s, the report", out, re.M), err
    for argv in (["study", "run", spec], ["study", "worker", "--study", "spent"]):
        code, out, err = run_cli(argv + ["--storage", "s.db"], capsys)
        assert code == 0 and "started none" in err, err
        assert "took" not in out, out
        assert out.splitlines()[-1] == "report: runs/studies/spent/report.html"
        code, out, err = run_cli(argv + ["--storage", "s.db", "--json"], capsys)
        assert code == 0 and json.loads(out)["seconds"] == 0, err


def test_the_commands_said_of_a_study_whose_name_starts_with_a_dash_run(
        spec_file, tmp_path, capsys, monkeypatch):
    # security review: a study named -x (a spec file -x.toml, or another Optuna client's
    # name) was told "hplab study report -x --storage s.db", which argparse refused as a flag
    import nets

    monkeypatch.chdir(tmp_path)
    spec = spec_file("-x", n_trials=1, pruner="none", max_epochs=2)
    assert run_cli(["study", "run", spec, "--storage", "s.db", "--no-report"], capsys)[0] == 0
    code, out, err = run_cli(["study", "show", "--storage", "s.db", "--", "-x"], capsys)
    said = "hplab study report --storage s.db -- -x"
    assert code == 0 and out.splitlines()[-1].endswith(f" ({said})"), err
    code, out, err = run_cli(nets.shell_split(said)[1:], capsys)
    assert code == 0 and out.splitlines()[-1].startswith("report: runs/studies/x-"), err
    assert nets.command_words(["hplab", "study", "run"], "a", ["--trials", 3]) == [
        "hplab", "study", "run", "a", "--trials", 3]


NONE_YET_S_DB = "report: none yet in runs/studies/none (hplab study report none --storage s.db)"


def test_show_of_a_study_without_a_report_gives_the_command_that_writes_it(
        spec_file, tmp_path, capsys, monkeypatch):
    # QA: after an interrupted report step, `study show` left out its "report:" line
    monkeypatch.chdir(tmp_path)
    spec = spec_file("none", n_trials=1, pruner="none", max_epochs=2)
    assert run_cli(["study", "run", spec, "--storage", "s.db", "--no-report"], capsys)[0] == 0
    code, out, err = run_cli(["study", "show", "none", "--storage", "s.db"], capsys)
    assert code == 0, err
    assert out.splitlines()[-1] == NONE_YET_S_DB
    code, out, _ = run_cli(["study", "show", "none", "--storage", "s.db", "--json"], capsys)
    assert json.loads(out)["report_path"] is None
    # QA: a worker's lines ended at "trials took" where show said how to write one
    code, out, err = run_cli(["study", "worker", "--study", "none", "--storage", "s.db"],
                             capsys)
    assert code == 0, err
    assert out.splitlines()[-1] == NONE_YET_S_DB
    # the default storage is not named
    assert run_cli(["study", "run", spec, "--no-report"], capsys)[0] == 0
    code, out, _ = run_cli(["study", "show", "none"], capsys)
    assert out.splitlines()[-1] == "report: none yet in runs/studies/none (hplab study report none)"
    assert run_cli(["study", "report", "none"], capsys)[0] == 0
    code, out, _ = run_cli(["study", "show", "none"], capsys)
    assert out.splitlines()[-1] == "report: runs/studies/none/report.html"
    # that folder is the other study's now: s.db's report would go beside it, and the line
    # says so (it named no folder) and whose the report there is (QA: a copied project said
    # "none yet" beside runs/studies/NAME/report.html, the original's)
    code, out, _ = run_cli(["study", "show", "none", "--storage", "s.db"], capsys)
    assert re.fullmatch(r"report: runs/studies/none/report\.html is of the study in "
                        + re.escape(str(tmp_path / "runs" / "hplab.db")) + r"; this one has "
                        r"none yet \(hplab study report none --storage s\.db writes it to "
                        r"runs/studies/none-[0-9a-f]{6}\)", out.splitlines()[-1])


def test_an_analysis_says_what_it_took_without_calling_its_runs_trials(capsys):
    # QA: the study's "trials took" reached the analyses' last line too (lr-range has
    # no trials)
    code, out, err = run_cli(["lr-range", "--dataset", "xor", "--steps", "40", "--no-report"],
                             capsys)
    assert code == 0, err
    last = out.splitlines()[-1]
    assert re.fullmatch(r"took \d+\.\d s", last), last


def _redescribed(first, tmp_path, capsys):
    """``first``'s copy in ``alt/`` with "second text" for its description, run on into
    ``s.db`` without a report: the copy, and the run's stderr."""
    second = tmp_path / "alt" / first.name
    second.parent.mkdir()
    second.write_text(first.read_text().replace("first text", "second text"))
    code, _, err = run_cli(["study", "run", second, "--storage", "s.db", "--no-report"],
                           capsys)
    assert code == 0, err
    return second, err


@pytest.mark.usefixtures("unrasterized")
def test_a_resume_that_replaces_the_description_says_so_and_the_report_lags(
        spec_file, tmp_path, capsys, monkeypatch):
    # QA: a second spec file differing in its description alone replaced the stored one
    # without a word (and the first flipped it back); report_stale stayed false, the
    # report showing the earlier text
    monkeypatch.chdir(tmp_path)
    first = spec_file("told", n_trials=1, pruner="none", max_epochs=2, description="first text")
    code, out, err = run_cli(["study", "run", first, "--storage", "s.db"], capsys)
    assert code == 0 and "description" not in err, err
    second, err = _redescribed(first, tmp_path, capsys)
    assert ("hplab study run: the study's description is now this spec's (it was 'first "
            "text')\n") in err, err
    for argv in (["study", "show", "told"], ["study", "worker", "--study", "told"]):
        code, out, err = run_cli(argv + ["--storage", "s.db", "--json"], capsys)
        assert code == 0 and json.loads(out)["report_stale"] is True, err
        code, out, err = run_cli(argv + ["--storage", "s.db"], capsys)
        assert out.splitlines()[-1] == ("  (it shows the study's earlier description: hplab "
                                        "study report told --storage s.db rewrites it)"), out
    # a run of the budget spent rewrites it (its trials unchanged), with the new text
    code, out, err = run_cli(["study", "run", second, "--storage", "s.db", "--json"], capsys)
    assert code == 0 and "up to date" not in err, err
    page = (tmp_path / "runs" / "studies" / "told" / "report.html").read_text()
    assert "second text" in page and "first text" not in page
    code, out, err = run_cli(["study", "show", "told", "--storage", "s.db", "--json"], capsys)
    assert json.loads(out)["report_stale"] is False


@pytest.mark.usefixtures("unrasterized")
def test_a_report_without_a_description_digest_lags_by_the_spec_beside_it(
        spec_file, tmp_path, capsys, monkeypatch):
    # QA: a report of a version before the digest never lagged once the description
    # changed (a run left it "up to date"); that version wrote the spec beside it
    monkeypatch.chdir(tmp_path)
    first = spec_file("old", n_trials=1, pruner="none", max_epochs=2, description="first text")
    code, out, err = run_cli(["study", "run", first, "--storage", "s.db"], capsys)
    assert code == 0, err
    folder = tmp_path / "runs" / "studies" / "old"
    page = folder / "report.html"
    # as such a version wrote it: no description_digest in its metadata
    earlier, n = re.subn(r", &#34;description_digest&#34;: &#34;[0-9a-f]+&#34;", "",
                         page.read_text())
    assert n == 1
    page.write_text(earlier)
    second, _ = _redescribed(first, tmp_path, capsys)
    code, out, err = run_cli(["study", "show", "old", "--storage", "s.db"], capsys)
    assert out.splitlines()[-1] == ("  (it shows the study's earlier description: hplab "
                                    "study report old --storage s.db rewrites it)"), out
    # without the spec nothing tells which description it shows: not said to lag
    spec_text = (folder / "spec.toml").read_text()
    (folder / "spec.toml").unlink()
    code, out, err = run_cli(["study", "show", "old", "--storage", "s.db", "--json"], capsys)
    assert json.loads(out)["report_stale"] is False, err
    (folder / "spec.toml").write_text(spec_text)
    code, out, err = run_cli(["study", "run", second, "--storage", "s.db", "--json"], capsys)
    assert code == 0 and "up to date" not in err, err
    assert "second text" in page.read_text() and "first text" not in page.read_text()
    code, out, err = run_cli(["study", "show", "old", "--storage", "s.db", "--json"], capsys)
    assert json.loads(out)["report_stale"] is False


def test_a_study_whose_data_path_is_no_utf8_is_reported_without_a_spec_file(
        tmp_path, capsys, monkeypatch, parse_html):
    # security review: a spec given from Python with a file name of undecodable bytes (no
    # TOML file can name it) failed every report: "'utf-8' codec can't encode character
    # '\udce9'...", naming no file
    import os

    import numpy as np

    import study

    monkeypatch.chdir(tmp_path)
    X = np.random.default_rng(0).normal(size=(80, 2))
    name = os.fsdecode(b"d\xe9.csv")
    with open(name, "w") as fh:
        fh.write("a,b,label\n" + "".join(f"{a},{b},{int(a > 0)}\n" for a, b in X))
    spec = study.parse_spec({"study": {"name": "sur", "dataset": f"csv:{name}", "n_trials": 2,
                                       "max_epochs": 2, "pruner": "none"},
                             "space": {"lr": {"low": 0.01, "high": 1.0, "log": True}}})
    assert study.run_study(spec, storage="s.db")["n_complete"] == 2
    code, out, err = run_cli(["study", "report", "sur", "--storage", "s.db"], capsys)
    assert code == 0, err
    assert out.splitlines()[-1] == "report: runs/studies/sur/report.html"
    assert "spec.toml not written: 'csv:" in err and "a TOML spec cannot hold it" in err
    folder = tmp_path / "runs" / "studies" / "sur"
    assert not (folder / "spec.toml").exists() and (folder / "best_model" / "model.npz").exists()
    text = " ".join(parse_html((folder / "report.html").read_text()).all_text.split())
    assert re.search(r"Specnot saved beside this report \('csv:\S+d\\udce9\.csv' holds a byte "
                     r"that is no UTF-8 \(a file name's\): a TOML spec cannot hold it\): it is "
                     r"stored with the study", text), text
    with pytest.raises(ValueError, match=r"holds a byte that is no UTF-8 \(a file name's\)"):
        study.spec_toml(spec)


def test_show_of_a_study_in_a_storage_named_with_a_byte_that_is_no_utf8(
        spec_file, tmp_path, capsys, monkeypatch):
    # QA: a run into st\xe9.db (a Latin-1 file name) worked, and `study show` of it then
    # failed: "'utf-8' codec can't encode character '\udce9'", exit 2
    import os

    monkeypatch.chdir(tmp_path)
    spec = spec_file("lat", n_trials=2, pruner="none", max_epochs=2)
    db = os.fsdecode(b"st\xe9.db")
    assert run_cli(["study", "run", spec, "--storage", db, "--no-report"], capsys)[0] == 0
    code, out, err = run_cli(["study", "show", "lat", "--storage", db, "--json"], capsys)
    assert code == 0, err
    assert (json.loads(out)["n_complete"], json.loads(out)["report_path"]) == (2, None)
    code, out, err = run_cli(["study", "show", "lat", "--storage", db], capsys)
    assert code == 0, err
    assert out.splitlines()[-1] == ("report: none yet in runs/studies/lat (hplab study report "
                                    "lat --storage $'st\\xe9.db')")
