"""A regression capacity sweep's R² (QA: it gave losses and an RMSE, never the R² that
train, predict and the study reports give a regression user)."""

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli

import data
import reports
import study
from analyses import CAPACITY_CONFIG, capacity_sweep
from analyses._capacity import RUN_COLUMNS

CFG = CAPACITY_CONFIG.replace(max_epochs=20, checkpoint=5)


def test_a_regression_sweep_records_each_nets_r2_as_train_scores_it(tmp_path):
    res = capacity_sweep("curve", widths=(4, 16), seeds=2, config=CFG)
    runs = res.runs
    assert runs["val_r2"].notna().all() and runs["test_r2"].notna().all()
    # R² from the loss: ½·MSE of the scaled target against the targets' own variance
    ds = data.load("curve")
    for split, y in (("val", ds.y_val), ("test", ds.y_test)):
        var = float(np.var(ds.inverse_y(y)))
        expected = 1 - 2 * runs[f"{split}_loss"] * ds.y_scale ** 2 / var
        assert runs[f"{split}_r2"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-4)
    # the same number `hplab train` gives the same net (net 1 of width 16: seed 1, split 0)
    again = study.train_run("curve", CFG.replace(hidden=(16,), eps=0), seed=1, data_seed=0,
                            advice=False)
    one = runs[(runs["width"] == 16) & (runs["seed"] == 1)]
    assert float(one["test_r2"].iloc[0]) == pytest.approx(again.summary()["test_r2"],
                                                          rel=1e-9)
    # 20 epochs: four neurons fit worse than the mean (-0.37), sixteen explain a third
    s = json.loads(json.dumps(res.summary(), allow_nan=False))
    rows = {r["width"]: r for r in s["table"]}
    for width, r in rows.items():
        assert r["test_r2"] == pytest.approx(runs[runs["width"] == width]["test_r2"].mean())
    assert rows[4]["test_r2"] < 0 < rows[16]["test_r2"] < 0.5
    best = s["best"]
    assert best["width"] == 16 and best["test_r2"] == rows[16]["test_r2"]
    assert best["val_r2"] == rows[16]["val_r2"]
    # the terminal's best line, a poor fit read out, as train's report reads it
    lines = reports.capacity_lines(s)
    assert f", test R² {best['test_r2']:.3f}); " in next(x for x in lines
                                                         if x.startswith("best: "))
    # one colon: was "best net: R² 0.3xx: the net explains only..." (QA)
    assert (f"R² {best['test_r2']:.3f}: the best net explains only "
            f"{best['test_r2']:.0%} of the test targets' variance, a poor fit.") in lines
    # the report's card, its per-config table and its runs.csv
    path = reports.capacity_report(res, tmp_path / "r")
    cards = {h["label"]: h["text"] for h in reports.read_report_info(path).headline}
    assert cards["Test R² of the best net"] == f"{best['test_r2']:.3f}"
    assert (f"R² {best['test_r2']:.3f}: the best net (1 × 16) explains only "
            f"{best['test_r2']:.0%} of the test targets&#39; variance, a poor fit.") in (
        path.read_text())
    table = pd.read_csv(tmp_path / "r" / "report_files" / "per-config.csv")
    assert table["test_r2"].tolist() == pytest.approx([rows[4]["test_r2"],
                                                       rows[16]["test_r2"]])
    saved = pd.read_csv(tmp_path / "r" / "report_files" / "runs.csv")
    assert saved["val_r2"].tolist() == pytest.approx(runs["val_r2"].tolist())


def test_classification_has_no_r2(tmp_path, capsys):
    res = capacity_sweep("coin", widths=(2,), seeds=1, config=CFG.replace(max_epochs=2))
    assert res.runs["test_r2"].isna().all()
    s = res.summary()
    assert s["best"]["val_r2"] is None and s["best"]["test_r2"] is None
    assert s["table"][0]["test_r2"] is None and "R²" not in " ".join(reports.capacity_lines(s))
    path = reports.capacity_report(res, tmp_path / "c")
    assert not [h for h in reports.read_report_info(path).headline if "R²" in h["label"]]
    saved = pd.read_csv(tmp_path / "c" / "report_files" / "runs.csv")
    assert list(saved.columns) == [c for c in RUN_COLUMNS if "r2" not in c]
    # nor the figures' data the report links (QA: empty val_r2, test_r2 columns there)
    for name in ("score-vs-width", "gap-vs-width"):
        fig = pd.read_csv(tmp_path / "c" / "report_files" / f"{name}.csv")
        assert not [c for c in fig.columns if "r2" in c]
        sweep = fig[fig["what"] == "sweep"] if "what" in fig else fig  # not the course's
        assert sweep["test_accuracy"].tolist() == pytest.approx(
            [s["table"][0]["test_accuracy"]])


def test_capacity_json_gives_the_best_nets_r2(capsys):
    code, out, err = run_cli(["capacity", "--dataset", "sine", "--widths", "8", "--seeds", "1",
                              "--epochs", "20", "--no-report", "--json"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert -1 < s["best"]["test_r2"] < 1 and s["best"]["val_r2"] == s["table"][0]["val_r2"]
