"""hplab imbalance: each strategy's training budget (epochs, optimizer steps) and the flag
on nets that stopped at the epoch cap still improving."""

from __future__ import annotations

import json

import pandas as pd
from cli_helpers import run_cli

import analyses

# digits, eights one-vs-rest at 1:20: 1225 training rows (39 batches of 32) for none, 348
# (58 + 290: 11 batches) once random_under has cut the majority to 1:5
ARGS = ["imbalance", "--dataset", "digits", "--positive", "8", "--ratio", "1:20",
        "--seeds", "2", "--strategies", "none,random_under,isolation_forest",
        "--workers", "1"]


def test_undersamplers_take_fewer_steps_and_capped_nets_are_flagged(tmp_path, capsys):
    # QA: every strategy trained the same 60 epochs, so random_under took 660 optimizer
    # steps to none's 2340, and nothing said so nor that the nets were still improving
    code, out, err = run_cli([*ARGS, "--out", tmp_path / "r", "--json"], capsys)
    assert code == 0, err
    rows = {r["strategy"]: r for r in json.loads(out)["ranking"]}
    assert (rows["none"]["epochs"], rows["none"]["steps"]) == (60, 2340)
    assert (rows["random_under"]["epochs"], rows["random_under"]["steps"]) == (60, 660)
    assert rows["none"]["undertrained"] is rows["random_under"]["undertrained"] is True
    # an anomaly score trains no net: no budget, no flag
    assert [rows["isolation_forest"][k] for k in ("epochs", "steps", "undertrained")] == \
        [None, None, None]
    budget = pd.read_csv(tmp_path / "r" / "report_files" / "budget.csv")
    assert list(budget["n_capped"]) == [2, 2, 0]
    assert "Training budget" in (tmp_path / "r" / "report.html").read_text()
    code, out, err = run_cli(ARGS + ["--no-report"], capsys)
    said = [line for line in out.splitlines() if line.startswith("possibly undertrained")]
    assert said and "none 2340, random_under 660" in said[0] and "raise --epochs" in said[0]


def test_nets_early_stopping_before_the_cap_are_not_flagged(capsys):
    code, out, err = run_cli([*ARGS, "--epochs", "300", "--no-report", "--json"], capsys)
    assert code == 0, err
    rows = {r["strategy"]: r for r in json.loads(out)["ranking"]}
    # early stopping on the training loss ended each well before 300 epochs
    assert rows["none"]["epochs"] == 128.5 and rows["none"]["steps"] == 128.5 * 39
    assert rows["random_under"]["epochs"] == 202.5 and rows["random_under"]["steps"] == 202.5 * 11
    assert rows["none"]["undertrained"] is rows["random_under"]["undertrained"] is False
    code, out, err = run_cli([*ARGS, "--epochs", "300", "--no-report"], capsys)
    assert "undertrained" not in out


def test_each_run_records_its_epochs_and_steps_and_no_watched_loss_flags_nothing():
    res = analyses.imbalance_benchmark("digits", positive=8, ratios="1:20", seeds=1,
                                       strategies="random_under",
                                       net_params={"max_epochs": 5, "patience": 0})
    runs = res.to_frame()
    assert list(runs["n_epochs"]) == [5, 5] and list(runs["n_steps"]) == [55, 55]
    # patience 0: nothing watched the loss, so a stop at the cap says nothing of it
    assert res.summary()["ranking"][0]["undertrained"] is None
