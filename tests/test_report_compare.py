"""`hplab report compare`: real training runs read back from their folders, set side by
side, their report written and read."""

import html
import json
import re
import shutil

import pandas as pd
import pytest
from cli_helpers import help_words, run_cli, run_cli_as_program, undocumented_keys
from conftest import figure_stand_in

import reports

RATES = (0.05, 0.3, 1.5)


@pytest.fixture
def figures_stood_in(monkeypatch):
    """The figures typeset (a label matplotlib cannot draw fails), not rasterized: these
    checks read the report's text and data; the Chromium test draws them."""
    figure_stand_in(monkeypatch, typeset=True)


@pytest.fixture(scope="module")
def coin_runs(tmp_path_factory):
    """Three real coin runs that differ in the learning rate alone (no reports: fast),
    and an XOR run: ``(runs folder, [coin folders], xor folder)``."""
    import hplab

    root = tmp_path_factory.mktemp("compare") / "runs"
    folders = []
    for lr in RATES:
        out = root / "train" / f"coin-lr{lr}"
        assert hplab.main(["train", "--dataset", "coin", "--hidden", "8", "--epochs", "30",
                           "--lr", str(lr), "--out", str(out), "--no-report"]) == 0
        folders.append(out)
    xor = root / "train" / "xor"
    assert hplab.main(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "5",
                       "--out", str(xor), "--no-report"]) == 0
    return root, folders, xor


def test_compare_reads_real_runs_and_picks_the_best_on_validation(coin_runs, tmp_path,
                                                                  monkeypatch, capsys,
                                                                  figures_stood_in):
    root, folders, _ = coin_runs
    monkeypatch.chdir(tmp_path)
    # a run named by its folder, by its model file, by its folder again from elsewhere
    given = [folders[0], folders[1] / "model.npz", folders[2]]
    code, out, err = run_cli(["report", "compare", *given, "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert undocumented_keys("report compare", [*summary, *summary["runs"][0]]) == []
    records = [json.loads((f / "config.json").read_text()) for f in folders]
    assert summary["n_runs"] == 3 and summary["differing"] == ["lr"]
    assert summary["shared"]["hidden"] == [8] and summary["shared"]["dataset"] == "coin"
    assert summary["notes"] == []
    assert [r["label"] for r in summary["runs"]] == [f.name for f in folders]
    assert [r["settings"] for r in summary["runs"]] == [{"lr": lr} for lr in RATES]
    for run, record, folder in zip(summary["runs"], records, folders, strict=True):
        assert run["val_accuracy"] == record["val_accuracy"]
        assert run["test_accuracy"] == record["test_accuracy"]
        assert run["epochs"] == record["epochs"] == 30
        history = pd.read_csv(folder / "history.csv")
        assert run["best_val_loss"] == pytest.approx(history["val_loss"].min(), rel=1e-6)
    best = max(zip(records, folders, strict=True),
               key=lambda rf: (rf[0]["val_accuracy"], -rf[0]["val_loss"]))[1].name
    assert summary["best"] == best
    # the report: under runs/compare/coin, listed by the index, its data as CSV
    page = tmp_path / "runs" / "compare" / "coin" / "report.html"
    assert summary["report_path"] == "runs/compare/coin/report.html" and page.is_file()
    info = reports.read_report_info(page)
    assert info.kind == "compare" and info.name == "coin"
    assert info.headline[0] == {"label": "Best run", "text": best}
    text = html.unescape(page.read_text())
    best_lr = RATES[[f.name for f in folders].index(best)]
    assert f"{best} (lr {best_lr}) did best" in text
    table = pd.read_csv(page.parent / "report_files" / "runs.csv")
    assert list(table["run"]) == [f.name for f in folders]
    assert list(table["lr"]) == list(RATES)
    curves = pd.read_csv(page.parent / "report_files" / "curves.csv")
    assert len(curves) == sum(len(pd.read_csv(f / "history.csv")) for f in folders)
    assert (tmp_path / "runs" / "index.html").is_file()
    # for people: a table, the best, where the report is
    code, out, _ = run_cli(["report", "compare", *folders, "--no-report"], capsys)
    assert code == 0 and f"best on validation: {best}" in out and "report:" not in out
    assert re.search(r"^run +lr +status +epochs +val accuracy +test accuracy$", out, re.M)


def test_runs_of_one_setting_but_the_seed_are_its_noise(tmp_path, monkeypatch, capsys,
                                                         figures_stood_in):
    monkeypatch.chdir(tmp_path)
    # coin's points are drawn with the seed: another split and other data, each run's
    # fingerprint another (read as "the data file changed" until the seeds came first)
    for seed in (1, 2):
        assert run_cli(["train", "--dataset", "coin", "--hidden", "2", "--epochs", "3",
                        "--seed", str(seed), "--out", f"s{seed}", "--no-report"],
                       capsys)[0] == 0
    code, out, err = run_cli(["report", "compare", "s1", "s2", "--json", "--out", "cmp"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    # data_seed follows --seed: another split, which the comparison says
    assert summary["differing"] == ["seed", "data_seed"]
    assert summary["notes"] == ["the runs split the data with other seeds (data_seed): their "
                                "validation and test sets are other rows"]
    text = html.unescape((tmp_path / "cmp" / "report.html").read_text())
    assert "Mind: the runs split the data with other seeds" in text
    assert "differ in their seeds alone: their spread is the noise of one setting" in text


def test_runs_on_other_data_are_compared_with_a_note(coin_runs, tmp_path, monkeypatch, capsys,
                                                      figures_stood_in):
    _, folders, xor = coin_runs
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["report", "compare", folders[0], xor, "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["differing"][0] == "dataset" and "hidden" in summary["differing"]
    assert summary["notes"][0] == ("the runs trained on other data (coin: coin-lr0.05; xor: "
                                   "xor): their scores are not of one validation or test set")
    assert summary["report_path"] == "runs/compare/several-datasets/report.html"
    # another comparison of coin, in a folder of its own: listed by that folder's name
    code, out, err = run_cli(["report", "compare", *folders[:2], "--out",
                              "runs/compare/coin-slow", "--json"], capsys)
    assert code == 0, err
    listed = {(e.info.kind, e.info.name) for e in reports.index_folder(
        tmp_path / "runs", write=False).entries}
    assert listed == {("compare", "2 runs"), ("compare", "coin-slow")}


def test_bad_runs_are_refused_in_one_line_and_nothing_is_written(coin_runs, tmp_path,
                                                                 monkeypatch, capsys):
    _, folders, _ = coin_runs
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    regression = tmp_path / "sine"
    assert run_cli(["train", "--dataset", "sine", "--hidden", "4", "--epochs", "1", "--out",
                    regression, "--no-report"], capsys)[0] == 0
    broken = tmp_path / "broken"
    shutil.copytree(folders[0], broken)
    (broken / "history.csv").write_text("a,b\n1,2\n")
    cases = [
        ([folders[0]], "give at least two training runs to compare"),
        ([folders[0], "empty"], "empty holds no training run (the config.json and "
                                "history.csv `hplab train` writes, or a study report's "
                                "best_model/)"),
        ([folders[0], "absent"], "no training run at absent"),
        ([folders[0], folders[0] / "model.npz"], f"{folders[0]} is given twice"),
        ([folders[0], regression], "runs of a regression and a classification do not "
                                   "compare: coin-lr0.05 (multiclass), sine (regression)"),
        ([folders[0], broken], f"{broken / 'history.csv'}: not a training history (no "
                               "epoch, train_loss, val_loss)"),
        ([folders[0], folders[1], "--no-report", "--out", "x"], "--out is the report's "
                                                                "folder: it has no use"),
    ]
    for argv, message in cases:
        code, out, err = run_cli(["report", "compare", *argv], capsys)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, (argv, err)
        assert message in err, (argv, err)
    assert not (tmp_path / "runs").exists()


def test_a_history_cell_edited_into_text_is_said_not_read_silently(coin_runs, tmp_path,
                                                                    capsys):
    _, folders, _ = coin_runs
    edited = tmp_path / "edited"
    shutil.copytree(folders[0], edited)
    history = pd.read_csv(edited / "history.csv", dtype=str, keep_default_na=False)
    lowest = pd.to_numeric(history["val_loss"]).idxmin()
    history.loc[3, "train_loss"] = "abc"
    history.loc[lowest, "val_loss"] = "low"  # the best epoch's: passed over without a word
    history.to_csv(edited / "history.csv", index=False)
    code, out, err = run_cli_as_program(["report", "compare", edited, folders[1], "--json",
                                         "--no-report"], capsys)
    assert code == 0, err
    assert err.strip().splitlines() == [
        f"hplab report compare: warning: {edited / 'history.csv'}: columns train_loss and "
        "val_loss hold text, not numbers ('abc' in train_loss): read as missing values"]
    run = json.loads(out)["runs"][0]
    rest = pd.to_numeric(history["val_loss"], errors="coerce")
    assert run["best_val_loss"] == float(rest.min()) and rest.notna().sum() == len(rest) - 1
    assert run["best_epoch"] == float(history["epoch"][rest.idxmin()])


@pytest.mark.slow
def test_a_study_report_folder_stands_for_its_best_model(coin_runs, tmp_path, monkeypatch,
                                                        capsys, spec_file):
    root, folders, _ = coin_runs
    monkeypatch.chdir(tmp_path)
    spec = spec_file("cmp", dataset="coin", n_trials=2, pruner="none", max_epochs=4,
                     fixed={"batch_size": 10, "checkpoint": 2, "hidden": [8]},
                     space={"lr": {"low": 0.1, "high": 1.0, "log": True}})
    assert run_cli(["study", "run", spec], capsys)[0] == 0
    study_folder = tmp_path / "runs" / "studies" / "cmp"
    code, out, err = run_cli(["report", "compare", folders[2], study_folder, "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert [r["label"] for r in summary["runs"]] == ["coin-lr1.5", "cmp"]
    assert summary["runs"][1]["folder"] == str(study_folder / "best_model")
    record = json.loads((study_folder / "best_model" / "config.json").read_text())
    assert summary["runs"][1]["val_accuracy"] == record["val_accuracy"]
    assert "lr" in summary["differing"] and "max_epochs" in summary["differing"]
    # its own report is the study's, linked from the comparison's folder
    page = (tmp_path / summary["report_path"]).read_text()
    assert 'href="../../studies/cmp/report.html"' in page


@pytest.mark.slow
def test_chromium_shows_the_compare_reports_figures(coin_runs, tmp_path, monkeypatch, capsys):
    _, folders, _ = coin_runs
    from test_report_browser import _chromium, _run_chromium

    exe = _chromium()
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["report", "compare", *folders, "--json"], capsys)
    assert code == 0, err
    page = tmp_path / json.loads(out)["report_path"]
    shot = tmp_path / "shot.png"
    done = _run_chromium(exe, tmp_path / "profile", f"--screenshot={shot}",
                         "--window-size=1200,2400", page.as_uri())
    assert shot.is_file(), done.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # the two figures drawn, not a blank page
    text = page.read_text()
    assert text.count('<img ') == 2 and text.count("data:image/png;base64,") == 2


def _train_xor(capsys, out, *flags):
    argv = ["train", "--dataset", "xor", "--hidden", "2", "--epochs", "3", "--out", out,
            "--no-report", *flags]
    assert run_cli(argv, capsys)[0] == 0


def test_optimizers_compare_as_one_setting(tmp_path, monkeypatch, capsys, figures_stood_in):
    # QA: sgd against adam raised KeyError 'opt_eps' (adam's None showed as sgd's "–"),
    # and the lead then said the runs differ in more than one setting, "momentum –"
    monkeypatch.chdir(tmp_path)
    for name in ("sgd", "momentum", "adam"):
        _train_xor(capsys, name, "--optimizer", name, "--lr", "0.05")
    code, out, err = run_cli(["report", "compare", "sgd", "momentum", "adam", "--json",
                              "--out", "cmp"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["differing"] == ["optimizer", "momentum", "beta1", "beta2"]
    assert summary["shared"]["opt_eps"] is None  # adam's own, which sgd does not read
    assert [r["settings"]["momentum"] for r in summary["runs"]] == [None, 0.9, None]
    text = html.unescape((tmp_path / "cmp" / "report.html").read_text())
    lead = re.search(r'class="prose lead">([^<]*)', text)[1]
    best = summary["best"]
    said = {"sgd": "(optimizer sgd)", "momentum": "(optimizer momentum, momentum 0.9)",
            "adam": "(optimizer adam, beta1 0.9, beta2 0.999)"}[best]
    assert lead.startswith(f"{best} {said} did best of the 3 runs, validation accuracy ")
    assert "more than one setting" not in lead and "–" not in lead


def test_a_run_and_its_copy_share_every_setting(tmp_path, monkeypatch, capsys,
                                                 figures_stood_in):
    # QA: no setting differs, and the lead said "the runs differ in their seeds alone"
    monkeypatch.chdir(tmp_path)
    _train_xor(capsys, "a/run")
    shutil.copytree("a/run", "b/run")
    code, out, err = run_cli(["report", "compare", "a/run", "b/run", "--json", "--out",
                              "cmp"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["differing"] == [] and [r["label"] for r in summary["runs"]] == [
        "a/run", "b/run"]
    text = html.unescape((tmp_path / "cmp" / "report.html").read_text())
    # titled by its folder, "Compared runs: cmp", its subtitle names the data (xor's 4
    # points, the runs' record says) as a training report's does
    assert reports.read_report_info(tmp_path / "cmp" / "report.html").name == "cmp"
    record = json.loads((tmp_path / "a/run/config.json").read_text())
    assert (record["dataset"], record["dataset_info"]["sizes"]["train"]) == ("xor", 4)
    assert '<p class="subtitle">xor · 2 training runs that share every setting</p>' in text
    assert ("The runs share every setting and seed (a run copied, or trained again): no "
            "setting tells their scores apart.") in text
    assert "seeds alone" not in text and "differ in nothing" not in text


def test_only_clashing_labels_take_their_paths(coin_runs, tmp_path, monkeypatch):
    # QA: one copy among the runs relabelled every run by its path ("runs/sweep/lr1"), a
    # study's best model as "studies/NAME/best_model"
    _, folders, xor = coin_runs
    monkeypatch.chdir(tmp_path)
    shutil.copytree(folders[0], tmp_path / "other" / "train" / folders[0].name)
    study_report = tmp_path / "s" / "xor"
    (study_report / "best_model").mkdir(parents=True)
    for name in ("config.json", "history.csv"):
        shutil.copy(xor / name, study_report / "best_model" / name)
    given = [*folders, tmp_path / "other" / "train" / folders[0].name]
    runs = reports.compare_runs(given)
    assert [r.label for r in runs.runs] == [
        "runs/train/coin-lr0.05", "coin-lr0.3", "coin-lr1.5", "other/train/coin-lr0.05"]
    # a study report's folder and a run, both named xor: by their folders' paths
    labels = [r.label for r in reports.compare_runs([xor, study_report]).runs]
    assert labels == ["train/xor", "s/xor"]


def test_batch_sizes_say_the_steps_an_epoch(tmp_path, monkeypatch, capsys, figures_stood_in):
    monkeypatch.chdir(tmp_path)
    for batch in ("1", "-1"):
        _train_xor(capsys, f"b{batch}", "--batch-size", batch)
    code, out, err = run_cli(["report", "compare", "b1", "b-1", "--out", "cmp"], capsys)
    assert code == 0, err
    text = html.unescape((tmp_path / "cmp" / "report.html").read_text())
    # XOR trains on its 4 points: 4 steps an epoch at batch 1, one at full batch
    assert ("The batch sizes differ, so the runs take other numbers of steps an epoch (b1 4, "
            "b-1 1): at one epoch they have seen the same rows") in text
    assert "The settings the runs share are listed under Provenance." in text
    table = pd.read_csv(tmp_path / "cmp" / "report_files" / "runs.csv")
    assert list(table["batch size"]) == ["1", "full batch"]  # as the index says it
    # both figures link the one CSV of both splits' curves
    assert re.findall(r'href="(report_files/[^"]+)"', text) == [
        "report_files/runs.csv", "report_files/curves.csv", "report_files/curves.csv"]


def test_what_is_no_run_is_named_in_one_line(coin_runs, tmp_path, monkeypatch, capsys):
    _, folders, _ = coin_runs
    monkeypatch.chdir(tmp_path)
    edited = {}
    for name, change in (("list", {"dataset": ["coin"]}), ("resolved", {"resolved": 5}),
                         ("score", {"val_accuracy": "high"})):
        edited[name] = tmp_path / name
        shutil.copytree(folders[0], edited[name])
        record = json.loads((edited[name] / "config.json").read_text())
        (edited[name] / "config.json").write_text(json.dumps({**record, **change}))
    cut = tmp_path / "cut"
    shutil.copytree(folders[0], cut)
    (cut / "config.json").write_text((folders[0] / "config.json").read_text()[:300])
    assert run_cli(["lr-range", "--dataset", "xor", "--hidden", "2", "--out", "lr"],
                   capsys)[0] == 0
    (tmp_path / "hplab.db").write_bytes(b"SQLite format 3\0")
    cases = [
        (edited["list"], f"{edited['list'] / 'config.json'}: not a training run's record "
                         "(its dataset is a list)"),
        (edited["resolved"], "(its resolved is a number)"),
        (edited["score"], "(its val_accuracy is a string, not a number)"),
        (cut, f"{cut / 'config.json'}: not JSON (cut short or edited?)"),
        ("lr", "lr holds a report of kind lr-range, not a training run (the config.json"),
        ("hplab.db", "hplab.db is no file of a training run: give the run's folder or its "
                     "model.npz (a study's best model: its report's folder)"),
    ]
    for given, message in cases:
        code, out, err = run_cli(["report", "compare", folders[0], given, "--no-report"],
                                 capsys)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, (given, err)
        assert message in err, (given, err)


def test_a_diverged_run_is_never_the_best(coin_runs, tmp_path, monkeypatch, capsys,
                                          figures_stood_in):
    # a run that diverged at epoch 2 scores 0.39 on validation, one whose rate is too small
    # to move the weights keeps its start's 0.15: the diverged run's weights are no pick
    root, folders, _ = coin_runs
    monkeypatch.chdir(tmp_path)
    for name, lr, epochs in (("blown", "50", "30"), ("still", "1e-9", "1")):
        assert run_cli(["train", "--dataset", "coin", "--hidden", "8", "--epochs", epochs,
                        "--lr", lr, "--out", name, "--no-report"], capsys)[0] == 0
    blown, still = (json.loads((tmp_path / n / "config.json").read_text())
                    for n in ("blown", "still"))
    assert blown["status"] == "diverged" and blown["val_accuracy"] > still["val_accuracy"]
    code, out, err = run_cli(["report", "compare", "blown", "still", "--json", "--out",
                              "cmp"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["best"] == "still" and summary["differing"] == ["lr", "max_epochs"]
    info = reports.read_report_info(tmp_path / "cmp" / "report.html")
    assert list(info.headline[:3]) == [
        {"label": "Best run", "text": "still"},
        # QA: accuracy as the train reports' cards and the index give it ("0.15" here)
        {"label": "Val accuracy", "text": "15.0 %"},
        {"label": "Test accuracy", "text": reports.design.format_percent(still["test_accuracy"])}]
    assert still["val_accuracy"] == 0.15
    page = html.unescape((tmp_path / "cmp" / "report.html").read_text())
    assert "did best of the 2 runs, validation accuracy 15.0 %." in page
    # the index row shows the first card: the score and what differs on the line below
    assert info.detail == "val accuracy 15.0 %; the runs differ in lr, max epochs"
    # which report index --help names (it said "else null" beside runs' and studies' lines)
    assert ("a comparison's best validation score and the settings its runs differ in"
            in help_words("report", "index"))
    text = html.unescape((tmp_path / "cmp" / "report.html").read_text())
    assert "The runs differ in more than one setting" in text
    assert "the validation and test scores of the weights it kept" in text
    # two runs that tie on validation accuracy: the lower validation loss is the best
    records = [json.loads((f / "config.json").read_text()) for f in folders[:2]]
    assert records[0]["val_accuracy"] == records[1]["val_accuracy"]
    lower = min(zip(records, folders[:2], strict=True), key=lambda rf: rf[0]["val_loss"])
    assert reports.compare_runs(folders[:2]).best == lower[1].name


def test_regressions_are_compared_on_their_loss(tmp_path, monkeypatch, capsys,
                                               figures_stood_in):
    monkeypatch.chdir(tmp_path)
    for lr, report in (("0.1", "--no-report"), ("0.02", "--no-report"), ("0.5", None)):
        argv = ["train", "--dataset", "sine", "--hidden", "4", "--epochs", "2", "--lr", lr,
                "--out", f"sine-lr{lr}", *([report] if report else [])]
        assert run_cli(argv, capsys)[0] == 0
    names = ["sine-lr0.1", "sine-lr0.02", "sine-lr0.5"]
    records = [json.loads((tmp_path / n / "config.json").read_text()) for n in names]
    code, out, err = run_cli(["report", "compare", *names, "--json", "--out", "cmp"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    best = names[min(range(3), key=lambda i: records[i]["val_loss"])]
    assert summary["best"] == best
    assert [r["test_rmse"] for r in summary["runs"]] == [r["test_rmse"] for r in records]
    assert all(r["val_accuracy"] is None for r in summary["runs"])
    table = pd.read_csv(tmp_path / "cmp" / "report_files" / "runs.csv")
    assert list(table.columns) == ["run", "lr", "status", "epochs", "lowest val loss",
                                   "at epoch", "val loss", "test loss", "test RMSE",
                                   "seconds"]
    history = pd.read_csv(tmp_path / names[0] / "history.csv")
    assert table["at epoch"][0] == history["epoch"][history["val_loss"].idxmin()]
    page = tmp_path / "cmp" / "report.html"
    info = reports.read_report_info(page)
    row = records[names.index(best)]
    assert [h["label"] for h in info.headline] == ["Best run", "Val loss", "Test RMSE", "Runs"]
    text = html.unescape(page.read_text())
    assert (f"did best of the 3 runs, validation loss "
            f"{reports.design.format_value(row['val_loss'])}.") in text
    assert "The best run has the lowest validation loss." in text
    # the run trained with a report is linked, relative to this one
    assert re.findall(r'href="([^"]+)"', text).count("../sine-lr0.5/report.html") == 1


def test_a_changed_data_file_is_said(tmp_path, monkeypatch, capsys, figures_stood_in):
    monkeypatch.chdir(tmp_path)
    rows = pd.DataFrame({"a": range(40), "b": [i % 7 for i in range(40)],
                         "y": [i % 2 for i in range(40)]})
    for name in ("before", "after"):
        rows.to_csv("d.csv", index=False)
        assert run_cli(["train", "--dataset", "csv:d.csv?target=y", "--hidden", "2",
                        "--epochs", "2", "--out", name, "--no-report"], capsys)[0] == 0
        rows["b"] = rows["b"][::-1].to_numpy()  # the same file name, other data
    code, out, err = run_cli(["report", "compare", "before", "after", "--json",
                              "--no-report"], capsys)
    assert code == 0, err
    assert json.loads(out)["notes"] == [
        "the data file changed between the runs (another fingerprint): their scores are "
        "not of one validation or test set"]


def test_optimizer_settings_that_differ_on_their_own_are_a_change(tmp_path, monkeypatch,
                                                                  capsys, figures_stood_in):
    # momentum 0.9 and 0.5 are two runs of one optimizer: with adam beside them, the runs
    # differ in the optimizer and in momentum, not in the optimizer alone
    monkeypatch.chdir(tmp_path)
    for name, flags in (("m9", ()), ("m5", ("--momentum", "0.5"))):
        _train_xor(capsys, name, "--optimizer", "momentum", "--lr", "0.05", *flags)
    _train_xor(capsys, "adam", "--optimizer", "adam", "--lr", "0.05")
    code, out, err = run_cli(["report", "compare", "m9", "m5", "adam", "--out", "cmp"], capsys)
    assert code == 0, err
    text = html.unescape((tmp_path / "cmp" / "report.html").read_text())
    assert "The runs differ in more than one setting" in text


def test_python_callers_get_one_line_errors(coin_runs, tmp_path):
    _, folders, _ = coin_runs
    comparison = reports.compare_runs(iter(folders[:2]))  # any iterable of paths
    assert [r.label for r in comparison.runs] == [f.name for f in folders[:2]]
    for given in (None, {"a": folders[0], "b": folders[1]}, comparison):
        with pytest.raises(TypeError, match=r"^expected a list of training runs' folders, "
                                            f"got {type(given).__name__} "):
            reports.compare_runs(given)
    for given in (None, comparison.summary(), str(tmp_path)):
        with pytest.raises(TypeError, match=r"^expected a reports\.RunComparison \(what "
                                            r"reports\.compare_runs returns\), got "):
            reports.comparison_report(given, tmp_path / "cmp")
    # a run's folder is refused as the command line refuses it, nothing written there
    before = sorted(p.name for p in folders[0].iterdir())
    with pytest.raises(ValueError, match="holds a training run; write the report elsewhere"):
        reports.comparison_report(comparison, folders[0], index=False)
    assert sorted(p.name for p in folders[0].iterdir()) == before
    assert not (tmp_path / "cmp").exists()


def test_an_edited_fingerprint_is_another_one_not_a_traceback(coin_runs, tmp_path, capsys):
    _, folders, _ = coin_runs
    edited = tmp_path / "edited"
    shutil.copytree(folders[0], edited)
    record = json.loads((edited / "config.json").read_text())
    record["data_fingerprint"] = ["not", "a", "hash"]  # unhashable: was a TypeError
    (edited / "config.json").write_text(json.dumps(record))
    code, out, err = run_cli(["report", "compare", folders[1], edited, "--no-report", "--json"],
                             capsys)
    assert code == 0, err
    assert json.loads(out)["notes"] == ["the data file changed between the runs (another "
                                        "fingerprint): their scores are not of one "
                                        "validation or test set"]


def test_runs_that_stopped_at_one_eps_are_not_told_apart_by_their_losses(
        tmp_path, monkeypatch, capsys, figures_stood_in):
    # QA (teacher): double-arc's 2-2-1 net at lr 0.01, 0.1 and 1 (batch 5, eps 0.08, the
    # course's): 0.1 and 1 both converged at validation accuracy 1, their losses 0.0781 and
    # 0.0706 just under eps; "arc-lr1 did best" on that 0.0075 said nothing of how they
    # learned, and nothing said that their epochs, 173 and 20, tell them apart
    monkeypatch.chdir(tmp_path)
    for lr in ("0.01", "0.1", "1"):
        assert run_cli(["train", "--dataset", "double-arc", "--hidden", "2", "--lr", lr,
                        "--batch-size", "5", "--eps", "0.08", "--epochs", "1000", "--out",
                        f"arc-lr{lr}", "--no-report"], capsys)[0] == 0
    code, out, err = run_cli(["report", "compare", "arc-lr0.01", "arc-lr0.1", "arc-lr1",
                              "--json", "--out", "cmp"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    runs = {r["label"]: r for r in summary["runs"]}
    assert [(runs[k]["status"], runs[k]["epochs"], round(runs[k]["val_loss"], 4))
            for k in ("arc-lr0.1", "arc-lr1")] == [("converged", 173, 0.0781),
                                                   ("converged", 20, 0.0706)]
    assert runs["arc-lr0.01"]["status"] == "max_epochs"
    assert summary["best"] == "arc-lr1"
    note = ("arc-lr1 and arc-lr0.1 both stopped on reaching eps 0.08 at one validation "
            "accuracy, 1: each stopped where its validation loss first fell to eps, so their "
            "losses, just under it, say when each crossed it, not which learned better; their "
            "epochs tell them apart (arc-lr1 20, arc-lr0.1 173)")
    assert summary["notes"] == [note]
    assert f"Mind: {note}." in html.unescape((tmp_path / "cmp" / "report.html").read_text())
    # runs that stopped at eps at other accuracies are told apart by them: no note
    code, out, err = run_cli(["report", "compare", "arc-lr0.01", "arc-lr1", "--json",
                              "--no-report"], capsys)
    assert code == 0, err
    assert json.loads(out)["notes"] == []


def test_runs_in_folders_named_with_url_and_math_characters_compare(tmp_path, monkeypatch,
                                                                    capsys, figures_stood_in):
    # QA: a run in "r #1 %41?x" was linked as "../r #1 %41?x/report.html", which a browser
    # reads as "../r " and a fragment; one in "$50k_$" stopped the report (its legend read
    # as mathtext); one whose folder name holds a byte that is no UTF-8 (caf\xe9, Latin-1)
    # stopped the command on a traceback (exit 1)
    import os
    from urllib.parse import unquote, urljoin, urlsplit

    monkeypatch.chdir(tmp_path)
    names = ["r #1 %41?x", "$50k_$", os.fsdecode(b"caf\xe9")]
    assert run_cli(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "3", "--out",
                    names[0]], capsys)[0] == 0
    for name in names[1:]:
        _train_xor(capsys, name)
    code, out, err = run_cli(["report", "compare", *names, "--json", "--out", "cmp"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["report_error"] is None
    assert [r["label"] for r in summary["runs"]] == ["r #1 %41?x", "$50k_$", "caf\\udce9"]
    for run, name in zip(summary["runs"], names, strict=True):
        record = json.loads((tmp_path / name / "config.json").read_text())
        assert (run["epochs"], run["test_accuracy"]) == (3, record["test_accuracy"])
    page = tmp_path / "cmp" / "report.html"
    text = page.read_text()
    hrefs = re.findall(r'<a href="([^"#][^"]*report\.html)"', text)
    assert hrefs == ["../r%20%231%20%2541%3Fx/report.html"]
    target = unquote(urlsplit(urljoin(page.as_uri(), html.unescape(hrefs[0]))).path)
    assert target == str(tmp_path / names[0] / "report.html")
    assert pd.read_csv(tmp_path / "cmp" / "report_files" / "runs.csv")["run"].tolist() == [
        "r #1 %41?x", "$50k_$", "caf\\udce9"]


def test_links_out_of_a_report_reached_through_a_link_climb_from_its_address(
        tmp_path, monkeypatch, capsys, figures_stood_in):
    # QA: --out L/cmp, L a link to a folder three deeper: each run's report was linked as
    # ../../../../../w/run/report.html, climbed from the link's target, which a browser
    # opening L/cmp/report.html (the path printed) climbs from L/cmp: /tmp/w/run, none
    from urllib.parse import unquote, urljoin, urlsplit

    project, deep = tmp_path / "w", tmp_path / "deep" / "a" / "b" / "c"
    project.mkdir()
    deep.mkdir(parents=True)
    (project / "L").symlink_to(deep)
    monkeypatch.chdir(project)
    assert run_cli(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "3", "--out",
                    "run"], capsys)[0] == 0
    _train_xor(capsys, "other")
    code, out, err = run_cli(["report", "compare", "run", "other", "--out", "L/cmp", "--json"],
                             capsys)
    assert code == 0, err
    assert [r["epochs"] for r in json.loads(out)["runs"]] == [3, 3]
    page = project / "L" / "cmp" / "report.html"
    hrefs = re.findall(r'<a href="([^"#][^"]*report\.html)"', page.read_text())
    assert hrefs == ["../../run/report.html"]
    opened = urljoin((project / "L" / "cmp" / "report.html").as_uri(), hrefs[0])
    assert unquote(urlsplit(opened).path) == str(project / "run" / "report.html")
    assert (project / "run" / "report.html").is_file()


def test_a_run_given_as_dot_is_labelled_by_its_folders_name(tmp_path, monkeypatch, capsys,
                                                              figures_stood_in):
    # QA: `report compare . ../b` from inside a run labelled it by its absolute path
    # (/home/me/...: the home folder a shared report names as ~ elsewhere)
    monkeypatch.chdir(tmp_path)
    _train_xor(capsys, "runs/a")
    _train_xor(capsys, "runs/b", "--lr", "0.5")
    monkeypatch.chdir(tmp_path / "runs" / "a")
    code, out, err = run_cli(["report", "compare", ".", "../b", "--no-report", "--json"],
                             capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert [r["label"] for r in summary["runs"]] == ["a", "b"]
    assert [r["settings"]["lr"] for r in summary["runs"]] == [0.1, 0.5]
