"""The study report's next step where its importances are a rough ranking: the command
that runs more trials of the study in its storage."""

from __future__ import annotations

import html
import json
import re
import shlex

import pytest
from cli_helpers import run_cli
from conftest import spec_file_maker

import study
from reports._study_findings import more_trials_text
from reports._study_importance import FEW_TRIALS


@pytest.mark.slow
def test_a_rough_ranking_gives_the_command_that_runs_more_trials(tmp_path, capsys, spec_file,
                                                                 parse_html, monkeypatch):
    # QA: "From only 5 complete trials: a rough ranking, which more trials may change." and
    # no command to run them in the page, but inside the provenance's command line
    monkeypatch.chdir(tmp_path)
    spec = spec_file("tiny", n_trials=5, max_epochs=20, pruner="none")
    code, _, err = run_cli(["study", "run", str(spec), "--storage", "s.db"], capsys)
    assert code == 0, err
    page = (tmp_path / "runs" / "studies" / "tiny" / "report.html").read_text()
    text = " ".join(parse_html(page).all_text.split())
    assert "From only 5 complete trials: a rough ranking, which more trials may change." in text
    # --trials is the study-wide total: the 5 run so far and 36 more, to 41 complete
    total = 5 + FEW_TRIALS - 5
    assert (f"More trials: this command, run from this report's folder, runs the study on, "
            f"in the same storage, to {total} trials in all (--trials is the study-wide "
            f"total, the 5 of its budget so far included), for about {FEW_TRIALS} complete "
            "ones, from which the importances settle:") in text
    # its storage named from the report's folder (QA: "--storage sqlite:///s.db", copied
    # from the report and run in another folder, found no storage)
    # --out .: the report it writes is this one
    command = (f"hplab study run tiny --trials {total} --storage sqlite:///../../../s.db "
               "--out .")
    assert re.search(rf"<pre class=\"code\"><code>{re.escape(command)}</code></pre>", page)
    # the storage as every other hint gives it: a password masked
    s, where, store = study.open_study_storage("tiny", "s.db")
    try:
        summary = study.study_summary(s, where)
        server = study.resolve_storage("postgresql://me:secret@db.example/hp")
        spec, _ = study.stored_spec("tiny", where, store)
        _, said = more_trials_text(s, spec, server, summary, "csv:/my/copy.csv?target=y")(5)
    finally:
        study.release(store)
    assert "secret" not in said and said == (
        f"hplab study run tiny --trials {total} --storage "
        f"{shlex.quote(server.masked)} --data 'csv:/my/copy.csv?target=y' --out .")
    # the command runs the study on from the report's folder (to 6 trials here), and
    # brings this report up to date (QA: it wrote runs/studies/tiny/runs/studies/tiny/
    # report.html, the report read stayed at 5 trials)
    folder = tmp_path / "runs" / "studies" / "tiny"
    monkeypatch.chdir(folder)
    argv = shlex.split(command)[1:]
    argv[argv.index("--trials") + 1] = "6"
    code, out, err = run_cli(argv + ["--json"], capsys)
    assert (code, json.loads(out)["n_finished"]) == (0, 6), err
    assert json.loads(out)["report_path"] == "report.html"
    assert not (folder / "runs").exists()
    text = " ".join(parse_html((folder / "report.html").read_text()).all_text.split())
    assert "From only 6 complete trials" in text
    monkeypatch.chdir(tmp_path)  # study show finds it there, up to date
    code, out, err = run_cli(["study", "show", "tiny", "--storage", "s.db", "--json"], capsys)
    shown = json.loads(out)
    assert (shown["report_path"], shown["report_stale"]) == (
        "runs/studies/tiny/report.html", False), err


@pytest.mark.slow
def test_the_more_trials_command_of_a_ready_specs_name_gives_the_stored_data(tmp_path, capsys,
                                                                             parse_html,
                                                                             monkeypatch):
    # QA: study 'xor' of a user's own xor.toml (csv:data.csv), the file since moved away:
    # the report's `hplab study run xor --trials 41 --storage ...` read the ready spec xor
    # and was refused ("created from another spec"), where the worker's hint gave --data
    import numpy as np
    import pandas as pd

    m1, db = tmp_path / "m1", tmp_path / "s.db"
    m1.mkdir()
    monkeypatch.chdir(m1)
    X = np.random.default_rng(0).normal(size=(40, 2))
    pd.DataFrame(X, columns=["a", "b"]).assign(label=(X[:, 0] > 0).astype(int)).to_csv(
        "data.csv", index=False)
    path = spec_file_maker(m1)("xor", dataset="csv:data.csv", metric="val_accuracy",
                               n_trials=4, max_epochs=2, pruner="none")
    code, _, err = run_cli(["study", "run", "./xor.toml", "--storage", db, "--no-report"],
                           capsys)
    assert code == 0, err
    path.unlink()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, _, err = run_cli(["study", "report", "xor", "--storage", db, "--out", "rep"], capsys)
    assert code == 0, err
    page = (tmp_path / "elsewhere" / "rep" / "report.html").read_text()
    assert "From only 4 complete trials: a rough ranking" in " ".join(
        parse_html(page).all_text.split())
    total = 4 + FEW_TRIALS - 4
    command = html.unescape(re.search(
        r"<pre class=\"code\"><code>(hplab study run .*?)</code></pre>", page)[1])
    assert command == shlex.join(["hplab", "study", "run", "xor", "--trials", str(total),
                                  "--storage", f"sqlite:///{db}", "--data",
                                  f"csv:{m1 / 'data.csv'}", "--out", "."])
    # the command runs the study on (to 5 trials here, not 40 more) from the report's folder
    monkeypatch.chdir(tmp_path / "elsewhere" / "rep")
    argv = shlex.split(command)[1:]
    argv[argv.index("--trials") + 1] = "5"
    code, out, err = run_cli(argv + ["--json"], capsys)
    assert code == 0, err
    # its report the one written with study report --out rep
    assert (json.loads(out)["n_finished"], json.loads(out)["report_path"]) == (5, "report.html")
    assert "From only 5 complete trials" in " ".join(
        parse_html((tmp_path / "elsewhere" / "rep" / "report.html").read_text()).all_text.split())


def _more_words(spec_file, tmp_path, summary: dict, n_complete: int, grid=None):
    """more_trials_text's (words, command) of a stored two-trial study, its counts
    ``summary``'s (the stored study only names the command's study and storage)."""
    from conftest import run_tiny_study

    from reports._study_grid import GridState

    run_tiny_study(spec_file, tmp_path / "m.db", "m")
    s, where, store = study.open_study_storage("m", str(tmp_path / "m.db"))
    try:
        spec, _ = study.stored_spec("m", where, store)
        return more_trials_text(s, spec, where, summary, grid=grid and GridState(*grid))(
            n_complete)
    finally:
        study.release(store)


def test_more_trials_are_scaled_by_the_share_of_trials_that_completed(spec_file, tmp_path):
    # QA: coin at 20 trials, 8 complete and 12 pruned: "to 53 trials in all ... for about
    # 41 complete ones", where at that rate 33 more trials complete about 13
    said, command = _more_words(spec_file, tmp_path, {"n_trials": 20, "n_finished": 20,
                                                      "n_complete": 8}, 8)
    extra = -(-(FEW_TRIALS - 8) * 20 // 8)  # 33 complete ones wanted, 8 in 20 complete
    assert extra == 83
    assert said.endswith(
        f"to {20 + extra} trials in all (--trials is the study-wide total, the 20 of its "
        f"budget so far included), for about {FEW_TRIALS} complete ones, from which the "
        "importances settle. Only 8 of its 20 finished trials completed (the others were "
        f"pruned or failed), so the {FEW_TRIALS - 8} complete ones still wanted take about "
        f"{extra} more trials at that rate:")
    assert f" --trials {20 + extra} " in command
    # every trial complete: no rate to scale by, and none said
    said, command = _more_words(spec_file, tmp_path, {"n_trials": 20, "n_finished": 20,
                                                      "n_complete": 20}, 20)
    assert said.endswith("from which the importances settle:")
    assert f" --trials {20 + FEW_TRIALS - 20} " in command


def test_more_trials_of_a_grid_stop_at_its_points(spec_file, tmp_path):
    # QA: lr-batch's 15 points, all run: its report gave `--trials 41`, refused ("exceeds
    # the grid's 15 points", exit 2); a grid with points left runs to them, no further
    said, command = _more_words(spec_file, tmp_path, {"n_trials": 10, "n_finished": 10,
                                                      "n_complete": 10}, 10, grid=(15, 10))
    assert said.endswith(
        "to all 15 points of its grid (--trials is the study-wide total, the 10 of its "
        "budget so far included; a grid takes no more, and past them other seeds or a finer "
        "grid firm up the ranking):")
    assert " --trials 15 " in command
    said, command = _more_words(spec_file, tmp_path, {"n_trials": 15, "n_finished": 15,
                                                      "n_complete": 15}, 15, grid=(15, 15))
    assert command is None and said.startswith(
        "More trials would change nothing: all 15 points of the grid ran, and hplab study run "
        "takes no --trials past them. Other seeds or a finer grid would firm up the ranking")


def test_a_study_runs_out_folder_has_no_use_without_its_report(spec_file, tmp_path, capsys):
    spec = spec_file("bare", n_trials=1, pruner="none", max_epochs=2)
    code, _, err = run_cli(["study", "run", spec, "--storage", tmp_path / "s.db", "--no-report",
                            "--out", tmp_path / "rep"], capsys)
    assert (code, err) == (2, "hplab study run: error: --out is the report's folder: it has no "
                              "use with --no-report\n")
    assert not (tmp_path / "s.db").exists()


def test_the_more_trials_command_of_a_study_named_with_a_dash_runs(spec_file, tmp_path,
                                                                   capsys, parse_html,
                                                                   monkeypatch):
    # QA: study "-x": the report gave `hplab study run --trials 41 --storage ... -- -x
    # --out .`, whose --out, after the --, argparse took for a second name ("unrecognized
    # arguments: --out ."), exit 2
    monkeypatch.chdir(tmp_path)
    spec = spec_file("-x", n_trials=2, max_epochs=2, pruner="none")
    code, _, err = run_cli(["study", "run", spec, "--storage", "s.db", "--out", "rep"], capsys)
    assert code == 0, err
    page = (tmp_path / "rep" / "report.html").read_text()
    command = html.unescape(re.search(
        r"<pre class=\"code\"><code>(hplab study run .*?)</code></pre>", page)[1])
    total = 2 + FEW_TRIALS - 2
    assert command == shlex.join(["hplab", "study", "run", "--trials", str(total), "--storage",
                                  "sqlite:///../s.db", "--out", ".", "--", "-x"])
    monkeypatch.chdir(tmp_path / "rep")
    argv = shlex.split(command)[1:]
    argv[argv.index("--trials") + 1] = "3"
    code, out, err = run_cli(argv[:argv.index("--")] + ["--json"] + argv[argv.index("--"):],
                             capsys)
    assert code == 0, err
    assert (json.loads(out)["n_finished"], json.loads(out)["report_path"]) == (3, "report.html")
    assert "From only 3 complete trials" in " ".join(
        parse_html((tmp_path / "rep" / "report.html").read_text()).all_text.split())


def test_the_more_trials_command_finds_its_storage_through_a_linked_runs_folder(
        tmp_path, capsys, parse_html, monkeypatch):
    # QA: runs a link to another disk (as the index allows): the report's `--storage
    # sqlite:///../../../s.db`, run from runs/studies/NAME, climbed from the link's target
    # and found "no storage at ../../../s.db", exit 2
    project, disk = tmp_path / "project", tmp_path / "disk"
    project.mkdir()
    (disk / "runs").mkdir(parents=True)
    (project / "runs").symlink_to(disk / "runs")
    monkeypatch.chdir(project)
    spec = spec_file_maker(project)("linked", n_trials=2, max_epochs=2, pruner="none")
    code, _, err = run_cli(["study", "run", spec, "--storage", "s.db"], capsys)
    assert code == 0, err
    folder = project / "runs" / "studies" / "linked"
    command = html.unescape(re.search(
        r"<pre class=\"code\"><code>(hplab study run .*?)</code></pre>",
        (folder / "report.html").read_text())[1])
    assert command == shlex.join(["hplab", "study", "run", "linked", "--trials",
                                  str(2 + FEW_TRIALS - 2), "--storage",
                                  "sqlite:///../../../../project/s.db", "--out", "."])
    monkeypatch.chdir(folder)
    argv = shlex.split(command)[1:]
    argv[argv.index("--trials") + 1] = "3"
    code, out, err = run_cli(argv + ["--json"], capsys)
    assert code == 0, err
    assert (json.loads(out)["n_finished"], json.loads(out)["report_path"]) == (3, "report.html")
    assert "From only 3 complete trials" in " ".join(
        parse_html((disk / "runs" / "studies" / "linked" / "report.html").read_text())
        .all_text.split())
