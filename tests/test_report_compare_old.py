"""`hplab report compare` of runs an earlier version of hplab wrote, beside today's: real
runs whose config.json and history.csv are rewritten as hplab wrote them on 2026-11-28
(commit cc66bc2d, the shape seen there, trimmed to what a comparison reads)."""

import html
import json
import math
import shutil

import pandas as pd
import pytest
from cli_helpers import run_cli
from conftest import figure_stand_in

import data
import nets
import reports

#: The keys of a training run's config.json on 2026-11-28 (no data_seed, resolved,
#: data_fingerprint, test_rmse, command, versions...)
_OLD_KEYS = ("name", "dataset", "status", "reason", "epochs", "iterations", "train_loss",
             "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy",
             "seconds", "n_parameters", "seed", "model_path", "history_path", "dataset_info")
#: The config's settings added since
_ADDED = ("l1", "weight_decay", "dropout", "batch_norm", "lr_milestones")


def _as_written_on_nov_28(run, to):
    """A copy of the run ``run`` at ``to``, its files as hplab wrote them on 2026-11-28."""
    shutil.copytree(run, to)
    record = json.loads((to / "config.json").read_text())
    history = pd.read_csv(to / "history.csv", **data.exact_floats())  # pandas 2.1: an ulp off
    old = {k: record[k] for k in _OLD_KEYS}
    old["config"] = {**{k: v for k, v in record["config"].items() if k not in _ADDED},
                     "rho": 0.9, "opt_eps": 1e-08}  # then fixed, not the optimizer's own
    old["epochs"] = float(record["epochs"])
    for key in ("train_accuracy", "val_accuracy", "test_accuracy"):
        old[key] = float("nan") if old[key] is None else old[key]  # NaN, not null
    if record["status"] == "early_stopped":  # its last checkpoint's, not the kept weights'
        for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy"):
            old[key] = float(history[key].iloc[-1])
    (to / "config.json").write_text(json.dumps(old, indent=2))
    history["epoch"] = history["epoch"].astype(float)  # "0.0": steps over steps an epoch
    history.to_csv(to / "history.csv", index=False)
    return to


def _other_code(hplab: str) -> str:
    """The note of runs that code told apart by ``hplab`` made."""
    return (f"other code made the runs (hplab {hplab}): the same settings and seeds can end "
            "apart in the last digits of their scores")


@pytest.fixture(scope="module")
def today(tmp_path_factory):
    """Today's coin run that stops early and sine run: ``{name: folder}``."""
    import hplab

    root = tmp_path_factory.mktemp("today")
    flags = {"coin-pat": ["--dataset", "coin", "--hidden", "8", "--epochs", "300", "--lr",
                          "1.5", "--patience", "3", "--checkpoint", "5"],
             "sine": ["--dataset", "sine", "--hidden", "4", "--epochs", "3"]}
    for name, argv in flags.items():
        assert hplab.main(["train", *argv, "--out", str(root / name), "--no-report"]) == 0
    return {name: root / name for name in flags}


def test_an_early_stopped_run_of_an_earlier_version_compares_with_todays(
        today, tmp_path, monkeypatch, capsys):
    # upgrade QA: the earlier version's copy of today's run was said to differ in l1,
    # dropout, batch norm and data seed ("–" against 0), "the data file changed (another
    # fingerprint)" (it has none), and scored its last checkpoint's 0.84, not the 0.96 of
    # the weights it kept: today's run was the better of two runs of one net
    monkeypatch.chdir(tmp_path)
    new = today["coin-pat"]
    record = json.loads((new / "config.json").read_text())
    assert record["status"] == "early_stopped"
    old = _as_written_on_nov_28(new, tmp_path / "old" / "coin-pat")
    last = json.loads((old / "config.json").read_text())["val_accuracy"]
    assert (last, record["val_accuracy"]) == (0.84, 0.96)  # the thrown-away weights', kept
    code, out, err = run_cli(["report", "compare", old, new, "--json", "--no-report"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["differing"] == []
    assert summary["shared"]["data_seed"] == 0 and summary["shared"]["l1"] == 0.0
    runs = summary["runs"]
    for key in ("val_loss", "val_accuracy", "test_accuracy"):
        assert runs[0][key] == runs[1][key] == record[key], key
    assert runs[0]["best_epoch"] == runs[1]["best_epoch"] == 115
    assert summary["notes"] == [
        "old/coin-pat's record, of an older hplab, gives the validation scores of its last "
        "checkpoint, whose weights early stopping threw away: its scores are those of the "
        "checkpoint it kept, at epoch 115, read off its history",
        _other_code(f"none recorded (an older hplab) for old/coin-pat, {nets.version_text()} "
                    f"for {new.parent.name}/coin-pat")]
    assert summary["best"] == "old/coin-pat"  # a tie: the first given


def test_an_optimizers_own_settings_written_out_are_its_own(tmp_path, capsys):
    # upgrade QA: the earlier version wrote adam's opt_eps 1e-08 out (today: None, adam's
    # own, which is 1e-08): the runs differed in "opt eps 1e-08" against "–"
    new, old = tmp_path / "new", tmp_path / "old"
    assert run_cli(["train", "--dataset", "xor", "--hidden", "2", "--epochs", "3",
                    "--optimizer", "adam", "--lr", "0.05", "--out", new, "--no-report"],
                   capsys)[0] == 0
    _as_written_on_nov_28(new, old)
    comparison = reports.compare_runs([old, new])
    assert comparison.differing == [] and comparison.shared["opt_eps"] is None
    assert json.loads((old / "config.json").read_text())["config"]["opt_eps"] == 1e-08


def test_a_regression_of_an_earlier_version_is_one(today, tmp_path):
    # its record has no resolved head and no test rmse: its dataset_info names the task
    new = today["sine"]
    old = _as_written_on_nov_28(new, tmp_path / "old" / "sine")
    comparison = reports.compare_runs([old, new])
    assert [run.task for run in comparison.runs] == ["regression", "regression"]
    assert comparison.differing == [] and comparison.notes == [_other_code(
        f"none recorded (an older hplab) for old/sine, {nets.version_text()} for "
        f"{new.parent.name}/sine")]
    summary = comparison.summary()
    record = json.loads((new / "config.json").read_text())
    assert [r["test_rmse"] for r in summary["runs"]] == [None, record["test_rmse"]]
    assert [r["val_loss"] for r in summary["runs"]] == [record["val_loss"]] * 2
    assert math.isnan(comparison.table["val_accuracy"][0])  # the NaN it wrote, read as such


def test_the_checkpoint_an_early_stopped_run_kept_is_in_the_curves(today, tmp_path,
                                                                    monkeypatch, capsys):
    # the figure rings it on the validation loss: the curves' CSV says which row it is
    figure_stand_in(monkeypatch, typeset=True)
    new, sine = today["coin-pat"], today["sine"]
    old = _as_written_on_nov_28(new, tmp_path / "old" / "coin-pat")
    code, _, err = run_cli(["report", "compare", old, new, "--out", tmp_path / "cmp"], capsys)
    assert code == 0, err
    curves = pd.read_csv(tmp_path / "cmp" / "report_files" / "curves.csv")
    assert list(curves.columns) == ["run", "epoch", "iteration", "lr", "train_loss",
                                    "train_accuracy", "val_loss", "val_accuracy", "kept"]
    kept = curves[curves["kept"]]
    assert list(kept["run"]) == ["old/coin-pat", f"{new.parent.name}/coin-pat"]
    assert list(kept["epoch"]) == [115, 115] and kept["val_accuracy"].tolist() == [0.96] * 2
    assert kept["val_loss"].tolist() == [curves["val_loss"].min()] * 2
    text = html.unescape((tmp_path / "cmp" / "report.html").read_text())
    assert text.count("A ring marks the checkpoint an early-stopped run kept") == 1
    # a run that trained to its last epoch keeps its last weights: nothing ringed
    comparison = reports.compare_runs([sine, _as_written_on_nov_28(sine, tmp_path / "s")])
    assert not comparison.curves["kept"].any()


def test_report_index_gives_an_old_runs_numbers_as_compare_reads_them(tmp_path, monkeypatch,
                                                                      capsys):
    # upgrade QA: `report index --json` gave an early-stopped run of an earlier version its
    # record's last checkpoint (val accuracy 0.84), where `report compare` gave the 0.96 of
    # the weights it kept, and no data seed where compare gave 0
    figure_stand_in(monkeypatch, typeset=False)
    new = tmp_path / "new" / "coin-pat"
    code, _, err = run_cli(["train", "--dataset", "coin", "--hidden", "8", "--epochs", "300",
                            "--lr", "1.5", "--patience", "3", "--checkpoint", "5", "--out",
                            new], capsys)
    assert code == 0, err
    old = _as_written_on_nov_28(new, tmp_path / "runs" / "coin-pat")
    written = (old / "config.json").read_bytes()
    code, out, err = run_cli(["report", "index", tmp_path / "runs", "--no-write", "--json"],
                             capsys)
    assert code == 0, err
    (row,) = json.loads(out)["reports"]
    run = row["run"]
    assert (run["val_accuracy"], run["data_seed"], run["status"]) == (0.96, 0, "early_stopped")
    record = json.loads((new / "config.json").read_text())
    for key in ("val_loss", "train_loss", "train_accuracy", "test_accuracy"):
        assert run[key] == record[key], key
    assert run["config"]["l1"] == 0.0 and run["config"]["dropout"] == 0.0  # added since
    assert (old / "config.json").read_bytes() == written  # read, not rewritten
    assert json.loads(written)["val_accuracy"] == 0.84


def test_runs_of_other_hplab_code_are_not_said_to_differ_in_nothing(today, tmp_path,
                                                                    monkeypatch, capsys):
    # QA: two runs of one command, by hplab at two commits, were "training runs that share
    # every setting" with no word of the code, their scores apart in the 7th digit
    figure_stand_in(monkeypatch, typeset=False)
    new = today["sine"]
    other = shutil.copytree(new, tmp_path / "other" / "sine")
    record = json.loads((other / "config.json").read_text())
    record["versions"] = {**record["versions"], "hplab": "0.1.1.dev7+g1a2b3c4d5",
                          "hplab_checkout": "1a2b3c4d5e6f-dirty", "numpy": "1.26.4"}
    record["val_loss"] *= 1 + 3e-7  # as the other code's run ended
    (other / "config.json").write_text(json.dumps(record))
    code, out, err = run_cli(["report", "compare", other, new, "--json", "--out",
                              tmp_path / "cmp"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["differing"] == []
    ours = json.loads((new / "config.json").read_text())["versions"]
    note = (f"other code made the runs (hplab 0.1.1.dev7+g1a2b3c4d5, run from checkout "
            f"1a2b3c4d5e6f with uncommitted changes for other/sine, {nets.version_text()} for "
            f"{new.parent.name}/sine; numpy 1.26.4 for other/sine, {ours['numpy']} for "
            f"{new.parent.name}/sine): the same settings and seeds can end apart in the "
            "last digits of their scores")
    assert summary["notes"] == [note]
    first, second = (r["val_loss"] for r in summary["runs"])
    assert first == record["val_loss"] != second == pytest.approx(first, rel=1e-6)
    assert f"Mind: {note}." in html.unescape((tmp_path / "cmp" / "report.html").read_text())
    # the same code: no note
    assert reports.compare_runs([new, shutil.copytree(new, tmp_path / "again")]).notes == []
