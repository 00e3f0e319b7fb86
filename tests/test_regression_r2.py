"""A regression's R² beside its RMSE and MAE (QA: nothing told a user a fit was a flat line
at the mean): train's --json test_r2, predict's r2, the training and study reports' words."""

from __future__ import annotations

import json
import math
import re
import warnings

import numpy as np
import pytest
from cli_helpers import run_cli
from conftest import figure_stand_in
from sklearn.metrics import r2_score

import data
import nets
import reports
import study

# sine after 30 epochs of SGD at 0.01: about the mean, a nearly flat line
FLAT = ["train", "--dataset", "sine", "--epochs", "30", "--lr", "0.01"]


@pytest.fixture(autouse=True)
def _untypeset(monkeypatch):
    figure_stand_in(monkeypatch, typeset=False)  # the claims are about words, not figures


def _sklearn_r2(model_path, dataset):
    pred, truth = nets.predict_dataset(nets.load_model(model_path), data.load(dataset))
    return r2_score(truth, pred.values)


def test_train_and_predict_give_r2_and_the_report_says_a_flat_fit_is_one(tmp_path, capsys):
    code, out, err = run_cli([*FLAT, "--json", "--out", tmp_path / "r"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["test_r2"] == pytest.approx(_sklearn_r2(s["model_path"], "sine"), abs=1e-12)
    assert abs(s["test_r2"]) < 0.05 and s["test_rmse"] > 0.6  # the RMSE alone said nothing
    html = (tmp_path / "r" / "report.html").read_text()
    assert f"{s['test_r2']:.3f}" in html and "Test R²" in html
    assert "no better than predicting the mean" in html
    code, out, err = run_cli(["predict", s["model_path"], "--dataset", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["r2"] == s["test_r2"]  # the same figure, to the last bit
    code, out, err = run_cli(["predict", s["model_path"], "--dataset", "--limit", "0"], capsys)
    assert code == 0 and f"r2 {s['test_r2']:.4f}" in out, err
    code, out, err = run_cli([*FLAT, "--no-report", "--out", tmp_path / "t"], capsys)
    assert code == 0 and f"test_r2: {s['test_r2']:.6g}\n" in out, err


def test_a_good_fit_s_report_reads_no_warning(tmp_path, capsys):
    code, out, err = run_cli(["train", "--dataset", "sine", "--epochs", "300", "--lr", "0.5",
                              "--activation", "tanh", "--json", "--out", tmp_path / "g"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["test_r2"] > 0.9
    html = (tmp_path / "g" / "report.html").read_text()
    assert "predicting the mean" not in html and "poor fit" not in html


def test_classification_has_no_r2(tmp_path, capsys):
    code, out, err = run_cli(["train", "--dataset", "xor", "--epochs", "2", "--json",
                              "--no-report", "--out", tmp_path / "x"], capsys)
    assert code == 0 and json.loads(out)["test_r2"] is None, err
    code, out, err = run_cli(["train", "--dataset", "xor", "--epochs", "2",
                              "--no-report", "--out", tmp_path / "y"], capsys)
    assert code == 0 and "\ntest_r2: " not in out, err


def test_a_constant_test_target_gives_a_null_r2_without_warnings(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.uniform(size=60)
    (tmp_path / "train.csv").write_text("x,y\n" + "".join(f"{a},{2 * a}\n" for a in x))
    (tmp_path / "test.csv").write_text("x,y\n" + "".join(f"{a},1.5\n" for a in x[:20]))
    name = f"csv:{tmp_path / 'train.csv'},{tmp_path / 'test.csv'}?task=regression"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = run_cli(["train", "--dataset", name, "--epochs", "3", "--json",
                                  "--out", tmp_path / "c"], capsys)
    assert code == 0 and "warning" not in err.lower(), err
    s = json.loads(out)
    assert s["test_r2"] is None and s["test_rmse"] > 0
    assert "R² is undefined" in (tmp_path / "c" / "report.html").read_text()
    code, out, err = run_cli(["predict", s["model_path"], "--dataset", "--json"], capsys)
    assert code == 0 and "warning" not in err.lower(), err
    assert '"r2": null' in out and json.loads(out)["rmse"] == s["test_rmse"]


def test_regression_r2_where_undefined_overflowing_or_not_finite():
    truth = np.array([1.0, 2.0, 4.0])
    values = np.array([1.5, 2.0, 3.0])
    assert nets.regression_r2(values, truth) == r2_score(truth, values)  # bit for bit
    assert math.isnan(nets.regression_r2(values, np.full(3, 2.0)))  # constant target
    assert math.isnan(nets.regression_r2(np.array([np.nan, 1, 2]), truth))  # as the RMSE
    assert math.isnan(nets.regression_r2(np.array([1.0]), np.array([2.0])))  # one target
    # targets of 1e200 square past float64: R² does not depend on the units
    assert nets.regression_r2(values * 1e200, truth * 1e200) == pytest.approx(
        r2_score(truth, values), rel=1e-12)
    two = np.column_stack([truth, truth[::-1]])
    assert nets.regression_r2(two + 0.5, two) == r2_score(two, two + 0.5)


@pytest.mark.filterwarnings(r"ignore:space\.lr = \[0\.01\]. a single choice")
def test_the_study_report_says_its_best_trial_fits_no_better_than_the_mean(spec_file,
                                                                            tmp_path):
    # QA: "the best trial scores rmse 0.7, mae 0.64, loss 0.24" of a flat line
    db = tmp_path / "flat.db"
    study.run_study(study.load_spec(spec_file(
        "flat", dataset="sine", metric="val_loss", n_trials=1, max_epochs=30,
        sampler="random", pruner="none", space={"lr": [0.01]},
        fixed={"optimizer": "sgd", "width": 8, "batch_size": 10, "checkpoint": 10})),
        storage=str(db), progress=False)
    path = reports.study_report("flat", storage=str(db), out=tmp_path / "rep")
    r2 = _sklearn_r2(path.parent / "best_model" / "model.npz", "sine")
    assert abs(r2) < 0.05
    text = " ".join(re.sub(r"<[^>]+>", " ", path.read_text()).split())
    said = re.search(r"On the test set, the best trial scores rmse \S+, mae \S+, R² (\S+),",
                     text)
    assert said and said[1] == f"{r2:.3f}"
    assert "no better than predicting the mean of the targets" in text


def test_the_use_this_model_lines_name_the_scores_of_the_models_task(tmp_path, capsys):
    # QA: a regression's page said predict --dataset scores "accuracy, or rmse for
    # regression"; a classifier's said rmse too
    for name, said in [("sine", "scored (rmse, mae and R²; --json)"),
                       ("coin", "scored (accuracy; --json)")]:
        code, _, err = run_cli(["train", "--dataset", name, "--epochs", "1",
                                "--out", tmp_path / name], capsys)
        assert code == 0, err
        html = (tmp_path / name / "report.html").read_text()
        assert said in html and "rmse for regression" not in html


def test_report_index_json_gives_a_regression_run_s_r2(tmp_path, capsys):
    code, out, err = run_cli(["train", "--dataset", "sine", "--epochs", "2", "--json",
                              "--out", tmp_path / "runs" / "s"], capsys)
    assert code == 0, err
    r2 = json.loads(out)["test_r2"]
    code, out, err = run_cli(["report", "index", tmp_path / "runs", "--json"], capsys)
    assert code == 0, err
    (listed,) = json.loads(out)["reports"]
    assert listed["run"]["test_r2"] == r2 and r2 < 0.5
