"""`analyses.capacity_sweep` and `hplab capacity`: the course's coin table, the tidy
frames, iterations to eps, the JSON contract, the report and one-line errors."""

import dataclasses
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from cli_helpers import readers_said, run_cli, undocumented_keys
from conftest import remember_runs, report_facts, report_table

import nets
import reports
from analyses import CAPACITY_CONFIG, capacity_sweep, summarize_runs
from analyses._capacity import RUN_COLUMNS, _run, _Task
from reports._capacity_verdicts import capacity_verdicts as _verdicts

QUICK = CAPACITY_CONFIG.replace(max_epochs=30, checkpoint=5)


@pytest.mark.slow
def test_coin_sweep_reproduces_the_course_table():
    # course (10 000 SGD epochs): 2/8/16/32 hidden -> 0.618/0.97/0.978/0.974 test accuracy
    res = capacity_sweep("coin", widths=(2, 8, 16, 32), seeds=2, workers=2)
    acc = res.table.set_index("width")["test_accuracy"]
    assert 0.5 < acc[2] < 0.7
    assert (acc[[8, 16, 32]] >= 0.96).all()
    assert res.best()["width"] > 2 and res.sufficient_widths()[1] in (8, 16, 32)
    # a worker process computes exactly what this process does
    row = _run(_Task(("coin", 0), CAPACITY_CONFIG.replace(hidden=(8,), eps=0.0), 1, 8, 0,
                     0.1))
    mine = res.runs.set_index(["width", "seed"]).loc[(8, 0)]
    assert row["test_accuracy"] == mine["test_accuracy"] and row["val_loss"] == mine["val_loss"]


def test_frames_shapes_and_reproducibility():
    kw = dict(widths=(4, 2), depths=(2, 1), seeds=2, config=QUICK, eps=0.0)
    res = capacity_sweep("coin", **kw)
    runs = res.to_frame()
    assert list(runs.columns) == list(RUN_COLUMNS) and len(runs) == 8
    assert res.widths == (2, 4) and res.depths == (1, 2)  # sorted
    assert runs["n_parameters"].tolist()[:2] == [2 * 2 + 2 + 2 * 3 + 3] * 2  # 2-2-3 net
    assert len(res.table) == 4 and runs["iterations_to_eps"].isna().all()
    again = capacity_sweep("coin", **kw).to_frame()
    pd.testing.assert_frame_equal(runs.drop(columns="seconds"), again.drop(columns="seconds"))
    # the gaps are train minus validation for accuracy, validation minus train for the
    # loss: positive where a net fits its training set better (flipped, the report's
    # "Largest train/validation gap" named the net that overfits least)
    table = res.table
    for m in ("accuracy", "loss"):
        means = runs.groupby(["depth", "width"])[[f"train_{m}", f"val_{m}"]].mean()
        np.testing.assert_array_equal(table[[f"train_{m}", f"val_{m}"]], means)
    np.testing.assert_array_equal(table["accuracy_gap"],
                                  table["train_accuracy"] - table["val_accuracy"])
    np.testing.assert_array_equal(table["loss_gap"], table["val_loss"] - table["train_loss"])
    worst = table.loc[(table["train_accuracy"] - table["val_accuracy"]).idxmax()]
    assert res.metric == "accuracy"
    line, = (v for v in _verdicts(res) if v.startswith("Largest"))
    gap = worst["train_accuracy"] - worst["val_accuracy"]
    # QA: 30 epochs train no width: the gap is said to come from the poor fit, not to be
    # overfitting
    assert res.sufficient_widths() == {}
    assert line.startswith(f"Largest train/validation gap (train − validation accuracy): "
                           f"{worst['depth']:.0f} hidden layer(s) of {worst['width']:.0f} "
                           f"neurons ({gap:.3g}: train ")
    assert line.endswith("no width is sufficient at its depth, so the gap comes from a poor "
                         "fit (a low accuracy), not overfitting.")


def test_train_run_on_the_sweeps_split_retrains_each_net():
    # QA: the docstring said hplab train --seed k rebuilds net k, which splits with k
    import study

    res = capacity_sweep("coin", widths=(4,), depths=(2,), seeds=2, seed=3, config=QUICK)
    cfg = QUICK.replace(hidden=(4, 4), eps=0.0)
    for k, val_loss in enumerate(res.runs["val_loss"]):
        run = study.train_run("coin", cfg, seed=3 + k, data_seed=3)
        assert run.result.final("val_loss") == val_loss
    # its own split (train --seed 4) trains net 1 on other data
    assert study.train_run("coin", cfg, seed=4).result.final("val_loss") != val_loss


def test_the_recorded_config_is_the_one_that_ran_and_rebuilds_its_nets():
    # QA: a config's eps 0.35 was recorded while every net trained with eps 0 (the whole
    # budget); the recorded config then stopped at 0.35 after 20 iterations, another net
    import study

    res = capacity_sweep("moons", widths=(8,), seeds=1, config=QUICK.replace(eps=0.35),
                         eps=0.35)
    assert res.summary()["config"]["eps"] == 0.0 and res.eps == 0.35
    assert res.runs["iterations"].tolist() == [30]  # the whole budget: eps only measured
    cfg = nets.TrainConfig(**{**res.config, "hidden": (8,)})
    run = study.train_run("moons", cfg, seed=0, data_seed=0).result
    assert run.iterations == 30 and run.final("val_loss") == res.runs["val_loss"][0]


def test_two_workers_the_sweep_drops_its_copy_of_the_data_first(data_alive_at):
    # capacity --workers 2 on MNIST kept the launcher's 410 MB copy idle all the sweep
    import analyses._capacity as capacity

    kw = dict(widths=(2,), seeds=2, config=QUICK, eps=0.0)
    alone = capacity_sweep("coin", **kw)
    held = data_alive_at(capacity, "run_tasks")
    res = capacity_sweep("coin", workers=2, **kw)
    assert held == [[False]]
    assert res.majority_share == alone.majority_share and res.dataset == alone.dataset
    pd.testing.assert_frame_equal(res.runs.drop(columns="seconds"),
                                  alone.runs.drop(columns="seconds"))


def test_iterations_to_eps_is_the_first_checkpoint_below_eps():
    res = capacity_sweep("coin", widths=(8,), seeds=1, config=QUICK, eps=100.0)
    run = res.runs.iloc[0]
    assert run["iterations_to_eps"] == 0 and run["epochs_to_eps"] == 0  # the start counts
    assert run["iterations"] == 30  # full batch: one step per epoch, the budget is kept
    assert res.table["reached_eps"].tolist() == [1]


def test_epochs_to_eps_are_the_courses_unit_beside_iterations(capsys):
    # the course counts epochs (XOR: 6200); capacity printed only iterations, 4x as many
    # at batch 1 on XOR, in a column named it->eps
    res = capacity_sweep("coin", widths=(4, 8), seeds=2, eps=1.02,
                         config=QUICK.replace(batch_size=300))
    reached = res.runs.dropna(subset=["epochs_to_eps"])
    assert len(reached) >= 2 and (reached["epochs_to_eps"] > 0).any()
    assert (reached["iterations_to_eps"] == 3 * reached["epochs_to_eps"]).all()  # 900 / 300
    medians = reached.groupby("width")["epochs_to_eps"].median()
    assert res.table.set_index("width")["epochs_to_eps"].dropna().to_dict() == medians.to_dict()
    lines = reports.capacity_lines(res.summary())
    assert lines[1].split()[-2:] == ["it->eps", "ep->eps"]


def test_a_width_within_one_validation_example_or_the_seeds_spread_suffices():
    # QA: 0.965 / 0.965 / 0.975 for widths 16 / 32 / 64 (one of coin's 100 validation
    # examples) said "64, the widest tried: no plateau seen"
    from analyses import CapacityResult

    def result(n_val, std):
        table = pd.DataFrame({"depth": 1, "width": [16, 32, 64],
                              "val_accuracy": [0.965, 0.965, 0.975],
                              "val_accuracy_std": std})
        return CapacityResult(dataset="made-up", task="multiclass", widths=(16, 32, 64),
                              depths=(1,), seeds=(0, 1), eps=0.0, metric="accuracy",
                              runs=pd.DataFrame(), table=table, config={}, seconds=0.0,
                              majority_share=0.45, n_val=n_val)

    assert result(100, 0.001).sufficient_widths() == {1: 16}  # one example is 0.01
    assert result(100, 0.001).sufficient_within() == {1: 0.01}
    assert result(10_000, 0.02).sufficient_widths() == {1: 16}  # the seeds' spread
    assert result(10_000, 0.001).sufficient_widths() == {1: 64}  # 1 % of 0.975: 0.00975
    assert result(10_000, float("nan")).sufficient_widths() == {1: 64}  # one seed
    # the tolerance said is the one used: capped halfway down to the majority's share
    floor = dataclasses.replace(result(100, 0.001), majority_share=0.96)
    assert floor.sufficient_within() == {1: pytest.approx(0.0075)}
    assert floor.sufficient_widths() == {1: 64}


def test_a_loss_gap_the_seeds_spread_covers_is_no_step_up_and_ties_go_to_the_smaller():
    # QA: sine, widths 2 and 8 over two seeds: 0.0258 against 0.0254 (seeds 0.028 / 0.0235
    # and 0.0229 / 0.0279) said "8, the widest tried: a wider net may reach a lower loss"
    from analyses import CapacityResult
    from analyses._capacity import summarize_runs

    runs = pd.DataFrame({"depth": 1, "width": [2, 2, 8, 8], "seed": [0, 1, 0, 1],
                         "val_loss": [0.0280, 0.0235, 0.0229, 0.0279], "status": "max_epochs",
                         "n_parameters": [7, 7, 25, 25]})
    for c in ("train_accuracy", "val_accuracy", "test_accuracy", "train_loss", "test_loss",
              "iterations_to_eps", "epochs_to_eps", "seconds"):
        runs[c] = math.nan
    table = summarize_runs(runs)
    assert table["val_loss_std"].to_numpy() == pytest.approx([0.003182, 0.003536], abs=1e-6)

    def result(table, metric):
        return CapacityResult(dataset="made-up", task="regression", widths=(2, 8),
                              depths=(1,), seeds=(0, 1), eps=0.0, metric=metric,
                              runs=runs, table=table, config={}, seconds=0.0)

    loss = result(table, "loss")
    assert loss.sufficient_within() == {1: pytest.approx(0.003536, abs=1e-6)}
    assert loss.sufficient_widths() == {1: 2} and loss.best()["width"] == 8
    one_seed = result(table.assign(val_loss_std=math.nan), "loss")  # 1 % of 0.0254 alone
    assert one_seed.sufficient_widths() == {1: 8}
    # coin at widths 4 and 8: two seeds' 0.72 / 0.71 and 0.66 / 0.77 are means 0.715 and
    # 0.7150000000000001, a tie the last bit broke for the larger net
    tie = pd.DataFrame({"depth": 1, "width": [4, 8], "val_accuracy": [0.715, (0.66 + 0.77) / 2],
                        "test_accuracy": [0.614, 0.677], "n_parameters": [27, 51],
                        "diverged": 0})
    assert tie["val_accuracy"][1] > tie["val_accuracy"][0]
    best = result(tie, "accuracy").best()
    assert (best["width"], best["test"]) == (4, 0.614)


def test_xor_capacity_says_its_test_set_is_the_training_set(tmp_path, parse_html):
    # review: the train and study reports said so; capacity's card read "Test accuracy"
    # and its gap caption "held-out data" of XOR's 4 training points
    res = capacity_sweep("xor", widths=(2,), seeds=1,
                         config=CAPACITY_CONFIG.replace(max_epochs=20))
    assert res.test_is_train and not capacity_sweep(
        "coin", widths=(2,), seeds=1, config=CAPACITY_CONFIG.replace(max_epochs=2)).test_is_train
    path = reports.capacity_report(res, tmp_path / "x")
    head = reports.read_report_info(path).headline[0]["label"]
    assert head == "Training-set accuracy of the best net (by validation)"
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert "than on its validation data (on this dataset, its training points themselves)" \
        in text and "held-out" not in text
    # and so do its verdict, its figure's caption and legend (they said "test")
    assert "(validation 0.5, training set 0.5)." in text
    assert "Training-set accuracy (mean ± std over seeds, solid;" in text
    from reports._capacity_report import draw_score, score_frame

    legend = draw_score(score_frame(res)).legends[0]
    assert legend.get_texts()[0].get_text() == "training set, 1 hidden layer(s)"


def test_xor_capacity_lines_and_json_call_its_test_score_a_training_set_one(capsys):
    # QA: the report said "Training-set" while the terminal said "best: 1 x 2 (val 0.7500,
    # test 0.7500)" and --json gave no sign that best.test was no held-out score
    quick = ["capacity", "--dataset", "xor", "--widths", "2,4", "--seeds", "1", "--epochs",
             "30", "--no-report"]
    code, out, err = run_cli([*quick, "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["test_is_train"] is True
    assert undocumented_keys("capacity", ["test_is_train"]) == []
    code, out, err = run_cli(quick, capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1] == "xor's test set is its training set: no score here is held out"
    assert lines[2].split() == ["depth", "width", "train", "val", "train-set",
                                "sd(train-set)", "it->eps", "ep->eps"]
    assert lines[-2].startswith("best: 1 x 4 (val 0.7500, train-set 0.7500); ")


def test_a_width_halfway_between_the_best_and_guessing_is_not_sufficient(capsys):
    # XOR: one hidden neuron fits 3 of 4 points (0.75), halfway between the best (1.0) and
    # the majority's 0.5; it was "sufficient", against the course's lesson (2 are needed)
    code, out, err = run_cli(["capacity", "--dataset", "xor", "--widths", "1,2,4", "--seeds",
                              "1", "--no-report", "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    accuracy = {r["width"]: r["val_accuracy"] for r in summary["table"]}
    assert accuracy == {1: 0.75, 2: 1.0, 4: 1.0}
    assert summary["sufficient_width"] == {"1": 2}


def _runs_remembered(monkeypatch) -> None:
    """Each of capacity_sweep's runs once (the same data, config, depth, width, seed and
    eps: all a run depends on)."""
    import analyses._capacity as capacity

    remember_runs(monkeypatch, capacity)


@pytest.mark.slow
def test_one_lucky_seed_does_not_make_one_sine_neuron_sufficient():
    # QA (mutation): a width scored by its best seed passed every test, XOR's pinned case
    # saying the same either way. On sine one neuron's best seed (0.0207) beats two
    # neurons' best but two (0.0219) (hplab capacity's settings, 5 seeds): the value half
    # the seeds reach says 2 neurons are needed, the best seed would have said 1
    res = capacity_sweep("sine", widths=(1, 2, 4, 8, 16), seeds=5,
                         config=CAPACITY_CONFIG.replace(max_epochs=200))
    losses = res.runs.groupby("width")["val_loss"].apply(sorted)
    assert losses[1] == pytest.approx([0.0207, 0.0247, 0.0255, 0.0269, 0.0425], abs=1e-4)
    assert losses[2] == pytest.approx([0.0209, 0.0219, 0.0222, 0.0222, 0.0222], abs=1e-4)
    assert res.sufficient_widths() == {1: 2}


@pytest.mark.slow
def test_a_seed_stuck_in_a_local_minimum_does_not_make_one_xor_neuron_sufficient(
        capsys, tmp_path, parse_html, monkeypatch):
    # QA: `capacity --dataset xor --widths 1,2,3,4 --seeds 5` said "sufficient width per
    # depth: 1: 1": one seed stalled at widths 2, 3 and 4, the best mean fell to 0.95 and
    # one neuron's 0.75 on every seed came within the tolerance (0.225); 3 seeds said 2
    _runs_remembered(monkeypatch)  # the 10-seed sweep below trains only seeds 5 to 9
    code, out, err = run_cli(["capacity", "--dataset", "xor", "--widths", "1,2,3,4",
                              "--seeds", "5", "--json", "--out", str(tmp_path / "c")], capsys)
    assert code == 0, err
    s = json.loads(out)
    rows = {r["width"]: r for r in s["table"]}
    assert {w: r["val_accuracy"] for w, r in rows.items()} == {1: 0.75, 2: 0.9, 3: 0.95,
                                                                4: 0.95}
    assert rows[1]["val_accuracy_std"] == 0 and s["sufficient_width"] == {"1": 2}
    path = tmp_path / "c" / "report.html"
    cards = {h["label"]: h["text"] for h in reports.read_report_info(path).headline}
    assert cards["Sufficient width (depth 1)"] == "2"
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("1 hidden layer(s): 2 neurons already come within 0.25 of the best validation "
            "accuracy") in text
    assert ("Widths are compared on the validation accuracy at least half their seeds "
            "reach, not on the table's means") in text
    # 10 seeds said 1 too: width 2 solves XOR on half of them (the others stall at 2 of 4
    # points), widths 3 and 4 on 9; what half the seeds reach is all 4 points from width 2
    res = capacity_sweep("xor", widths=(1, 2, 3, 4), seeds=10)
    solved = res.runs[res.runs["val_accuracy"] == 1].groupby("width")["seed"].count()
    assert solved.to_dict() == {2: 5, 3: 9, 4: 9}
    assert res.table["val_accuracy"].tolist() == pytest.approx([0.75, 0.75, 0.975, 0.975])
    assert res.sufficient_widths() == {1: 2} and res.sufficient_within() == {1: 0.25}


def test_summary_is_json_ready():
    s = capacity_sweep("xor", widths=(2, 3), seeds=2, config=QUICK.replace(
        activation="tanh")).summary()
    json.dumps(s, allow_nan=False)
    assert s["metric"] == "accuracy" and len(s["table"]) == 2 and s["seeds"] == [0, 1]
    # val_r2 and test_r2 added (a regression's R²; null here): new keys, none renamed
    assert set(s["best"]) == {"depth", "width", "val", "test", "test_rmse", "val_r2",
                              "test_r2"}


def test_diverged_runs_are_counted_and_never_best():
    # a rate of 1 on sine: the 1-neuron nets train, the 64-neuron ones blow up
    cfg = nets.TrainConfig(activation="tanh", optimizer="sgd", lr=1.0, max_epochs=30,
                           batch_size=32)
    res = capacity_sweep("sine", widths=(1, 64), seeds=2, config=cfg)
    table = res.table.set_index("width")
    assert table.loc[64, "diverged"] == 2 and table.loc[1, "diverged"] == 0
    # a diverged net's finite scores are no result: the configuration's means are NaN
    assert np.isnan(table.loc[64, ["val_loss", "test_loss", "train_loss"]].astype(float)).all()
    assert res.best()["width"] == 1 and res.sufficient_widths() == {1: 1}
    s = res.summary()
    json.dumps(s, allow_nan=False)
    with pytest.raises(ValueError, match="every configuration has a diverged run"):
        capacity_sweep("sine", widths=(64,), seeds=1, config=cfg.replace(lr=1e30))


@pytest.mark.slow
def test_a_net_no_better_than_the_majority_class_is_never_sufficient(tmp_path, parse_html):
    # at 1:50 every untrained-looking net scores 0.977, within 1 % of any best
    res = capacity_sweep("coin?imbalance=1:50&positive=1", widths=(1, 2, 4), seeds=2)
    table = res.table.set_index("width")
    assert res.majority_share == pytest.approx(85 / 87) and res.n_val == 87
    assert (table.loc[[1, 2], "val_accuracy"] == res.majority_share).all()
    # width 4: seed 0 predicts the majority class too, seed 1 one example more (86 / 87):
    # above the share by 0.0057, less than the seeds' spread, 0.0081: nothing learned
    assert res.runs.loc[res.runs["width"] == 4, "val_accuracy"].tolist() == pytest.approx(
        [85 / 87, 86 / 87])
    assert table.loc[4, "val_accuracy_std"] == pytest.approx(0.00813, abs=1e-5)
    assert res.sufficient_widths() == {} and res.summary()["majority_share"] == 85 / 87
    text = parse_html(reports.capacity_report(res, tmp_path / "r").read_text()).all_text
    assert ("1 hidden layer(s): no width scores above always predicting the majority class "
            "(0.977) on validation by more than its spread over seeds (the best: 0.983 ± "
            "0.0081): none trained, so none is sufficient.") in " ".join(text.split())
    # and the terminal says why too (it said "1: none")
    assert reports.capacity_lines(res.summary())[-2].endswith(
        "sufficient width per depth: 1: none (no width beats always predicting the majority "
        "class, 0.977, on validation by more than its spread over seeds)")
    # seed 1 alone: the same runs (a net's seed and split are its own, whatever the other
    # seeds), tabulated as capacity_sweep tabulates them; one seed has no spread, and one
    # example above the share is above it
    runs = res.runs[res.runs["seed"] == 1].reset_index(drop=True)
    one = dataclasses.replace(res, seeds=(1,), runs=runs, table=summarize_runs(runs))
    assert one.sufficient_widths() == {1: 4}


def test_a_depth_within_its_seeds_spread_of_guessing_has_no_sufficient_width(
        capsys, tmp_path, parse_html):
    # QA: "sufficient width (depth 2): 2 ... within 0.045 of the best" where the best, 2
    # wide, scored 0.64 and 0.46 (the majority's share: one class predicted) on validation
    argv = ["capacity", "--dataset", "coin", "--widths", "2,8", "--depths", "1,2", "--seeds",
            "2", "--epochs", "200"]
    code, out, err = run_cli([*argv, "--json", "--out", str(tmp_path / "c")], capsys)
    assert code == 0, err
    s = json.loads(out)
    rows = {(r["depth"], r["width"]): r for r in s["table"]}
    assert s["majority_share"] == 0.46
    assert rows[2, 2]["val_accuracy"] == pytest.approx(0.55)
    assert rows[2, 2]["val_accuracy_std"] == pytest.approx(0.1273, abs=1e-4)
    assert s["sufficient_width"] == {"1": 8}  # depth 1's 0.715 +- 0.078 learned
    text = " ".join(parse_html((tmp_path / "c" / "report.html").read_text()).all_text.split())
    assert ("2 hidden layer(s): no width scores above always predicting the majority class "
            "(0.46) on validation by more than its spread over seeds (the best: 0.55 ± 0.13): "
            "none trained, so none is sufficient.") in text
    assert "Sufficient width (depth 2)" not in text
    code, out, err = run_cli([*argv, "--no-report"], capsys)
    lines = out.splitlines()
    assert lines[1].split() == ["depth", "width", "train", "val", "test", "sd(test)",
                                "it->eps", "ep->eps"]
    assert lines[2].split()[5] == "0.031"  # 1 x 2: test 0.510 and 0.554
    assert lines[-2].endswith(
        "sufficient width per depth: 1: 8 (the widest tried: no plateau seen), 2: none (no "
        "width beats always predicting the majority class, 0.46, on validation by more than "
        "its spread over seeds)")


def test_a_depth_that_diverged_everywhere_is_reported(tmp_path, parse_html):
    # regression: relu at lr 2 trains one layer and blows up four
    cfg = CAPACITY_CONFIG.replace(optimizer="sgd", lr=2.0, max_epochs=20, batch_size=16,
                                  activation="relu")
    res = capacity_sweep("sine", widths=(16, 32), depths=(1, 4), seeds=1, config=cfg)
    # the one-layer nets only learned the mean (0.05443 against its 0.05437): not
    # sufficient either, for another reason
    assert res.majority_share is None and res.sufficient_widths() == {}
    assert res.table["val_loss"][:2].to_numpy() == pytest.approx([0.05443] * 2, abs=1e-5)
    text = parse_html(reports.capacity_report(res, tmp_path / "r").read_text()).all_text
    text = " ".join(text.split())
    assert "4 hidden layer(s): every width has a diverged run, so none is sufficient" in text
    assert "1 hidden layer(s): no width's validation loss is 5% below a constant" in text
    assert ("1: none (no width beats a constant prediction of the training set's mean, "
            "0.0544, on validation by 5% and by more than its spread over seeds), 4: none "
            "(every width has a diverged run)"
            ) in (lines := reports.capacity_lines(res.summary()))[-3]
    # the line after it (added with R²): the best net is a flat line at the mean
    assert lines[-2].startswith("R² -0.0") and "near 0: the best net is no better than " \
        "predicting the mean of the targets (a flat line)" in lines[-2]
    # loss: high is bad; QA: no width fits, so the largest gap is no overfitting
    assert ("no width is sufficient at its depth, so the gap comes from a poor fit (a high "
            "loss), not overfitting.") in text


def test_the_course_table_is_drawn_and_said_only_beside_one_hidden_layer(tmp_path,
                                                                         parse_html):
    # QA: "Crosses: the course's coin table." was said of widths 100 and 200, where none is
    # drawn, and the one-layer table was drawn beside depth 2 alone, unlabelled by depth
    def report(widths, depths):
        res = capacity_sweep("coin", widths=widths, depths=depths, seeds=1,
                             config=QUICK.replace(max_epochs=5))
        out = tmp_path / f"{widths}{depths}"
        text = " ".join(parse_html(reports.capacity_report(res, out).read_text()).all_text
                        .split())
        scores = pd.read_csv(out / "report_files" / "score-vs-width.csv")
        return text, scores[scores["what"] == "course"]

    for widths, depths in (((100, 200), (1,)), ((2, 4), (2,))):
        text, course = report(widths, depths)
        assert "Crosses" not in text and course.empty
    text, course = report((2, 4, 128), (1, 2))
    assert course["width"].tolist() == [2, 4, 8, 16, 32, 64] and set(course["depth"]) == {1}
    assert ("Crosses: the course's coin table (1 hidden layer, 10 000 SGD epochs; this "
            "sweep: 5 epochs).") in text


def test_the_score_legend_sits_beside_the_points_of_every_depth():
    # QA: inside the axes ("best"), 13 entries for 6 depths covered every point at widths
    # 1 and 2; beside them it covers none, each depth's test then validation entry
    from reports import design
    from reports._capacity_report import draw_score, score_frame

    res = capacity_sweep("coin", widths=(1, 2, 4), depths=(1, 2, 3, 4), seeds=1,
                         config=QUICK.replace(max_epochs=10))
    with design.style():
        fig = draw_score(score_frame(res))
        fig.canvas.draw()
    ax, (legend,) = fig.axes[0], fig.legends
    assert ax.get_legend() is None
    assert [t.get_text() for t in legend.get_texts()] == [
        f"{what}, {d} hidden layer(s)" for d in (1, 2, 3, 4) for what in ("test", "validation")
    ] + ["the course's coin table\n(1 hidden layer, 10 000 SGD epochs)"]
    box, frame = legend.get_window_extent(), ax.get_window_extent()
    assert box.x0 >= frame.x1 and frame.y0 <= box.y0 < box.y1 <= fig.bbox.y1
    # review: depths differed by colour alone; each has its marker, in test and validation
    looks = [(line.get_marker(), line.get_linestyle()) for line in ax.lines
             if line.get_linestyle() in ("-", "--") and line.get_marker() not in ("_", "")]
    assert len(looks) == 8 and len({marker for marker, _ in looks}) == 4
    assert sorted(ls for _, ls in looks) == ["-"] * 4 + ["--"] * 4


def test_a_numpy_seed_gives_the_same_sweep_and_json():
    cfg = nets.TrainConfig(hidden=(4,), max_epochs=3)
    a = capacity_sweep("coin", widths=(2,), seeds=2, seed=np.int64(1), config=cfg)
    b = capacity_sweep("coin", widths=(2,), seeds=2, seed=1, config=cfg)
    json.dumps(a.summary(), allow_nan=False)
    assert a.summary()["seeds"] == [1, 2]
    assert a.runs.drop(columns="seconds").equals(b.runs.drop(columns="seconds"))
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        capacity_sweep("coin", widths=(2,), seeds=1, seed=-1, config=cfg)


def test_one_diverged_seed_leaves_no_spread_either():
    from analyses import summarize_runs

    scores = {"train_loss": 0.3, "val_loss": 0.3, "test_loss": 0.3,
              "iterations_to_eps": np.nan, "epochs_to_eps": np.nan, "iterations": 10,
              "seconds": 1.0, "depth": 1, "width": 4, "n_parameters": 27}
    runs = pd.DataFrame([{**scores, "seed": s, "status": status, "train_accuracy": acc,
                          "val_accuracy": acc, "test_accuracy": acc}
                         for s, (status, acc) in enumerate([("max_epochs", 0.9),
                                                            ("max_epochs", 0.8),
                                                            ("diverged", 0.33)])])
    (row,) = summarize_runs(runs).to_dict("records")
    assert np.isnan(row["test_accuracy"]) and np.isnan(row["test_accuracy_std"])
    assert row["diverged"] == 1
    (row,) = summarize_runs(runs[runs.status != "diverged"]).to_dict("records")
    assert row["test_accuracy"] == pytest.approx(0.85)
    assert row["test_accuracy_std"] == pytest.approx(np.std([0.9, 0.8], ddof=1))


@pytest.mark.parametrize("kwargs,message", [
    ({"widths": ()}, "no widths given"),
    ({"widths": (0, 4)}, "widths must be positive integers, got 0"),
    ({"depths": (1.5,)}, "depths must be positive integers, got 1.5"),
    # QA: 10**8 sat building its layers with no word; 10**30 failed as "cannot fit 'int'
    # into an index-sized integer", naming no argument
    ({"depths": (1, 10**8)}, "depths must be at most 1,000 hidden layers, got 100,000,000"),
    ({"depths": (10**30,)}, f"depths must be at most 1,000 hidden layers, got {10**30:,}"),
    ({"seeds": 0}, "seeds must be an integer from 1 to 1000"),
    # QA: NumPy's True ran 1 seed where Python's True is refused
    ({"seeds": np.True_}, f"seeds must be an integer from 1 to 1000, got {np.True_!r}"),
    ({"seeds": True}, "seeds must be an integer from 1 to 1000, got True"),
    ({"seeds": 10**20}, "seeds must be an integer from 1 to 1000, got 1000000000000"),
    ({"eps": -1.0}, "eps must be a finite number >= 0"),
    ({"eps": None}, "eps must be a finite number >= 0, got None"),
    ({"widths": (2, 4, 2)}, "widths list 2 twice"),
    ({"config": nets.TrainConfig(hidden=(4, 4), activation=("relu", "tanh"))},
     "one activation for every hidden layer"),
])
def test_bad_input_is_a_clear_value_error(kwargs, message):
    with pytest.raises(ValueError) as err:
        capacity_sweep("coin", **kwargs)
    assert message in str(err.value)


def test_the_majority_share_is_the_training_sets_majority_class_scored_on_validation():
    # review: it was validation's own majority (np.bincount(y_val).max()), which no
    # constant fitted on the training set predicts: digits seed 2, 0.1042 where lr-range's
    # and scaling's floor (nets.trivial_baseline) is 0.0972
    import data

    ds = data.load("digits", seed=2)
    cfg = CAPACITY_CONFIG.replace(max_epochs=2)
    result = capacity_sweep(ds, widths=[2], seeds=1, config=cfg)
    trained_on = np.bincount(ds.y_train).argmax()
    assert result.majority_share == pytest.approx(np.mean(ds.y_val == trained_on)) \
        == pytest.approx(7 / 72) == nets.trivial_baseline(ds, cfg)["val_accuracy"]
    assert np.bincount(ds.y_val).max() / len(ds.y_val) == pytest.approx(0.1042, abs=1e-4)
    assert result.summary()["majority_share"] == pytest.approx(0.0972, abs=1e-4)


def test_widths_and_batch_sizes_are_checked_by_one_rule():
    # review: capacity refused widths=[2.0] ("widths must be positive integers, got 2.0")
    # where scaling took batch_sizes=[2.0, 4.0] and every other count takes 20.0 as 20
    # (analyses._checks.whole); capacity found a width listed twice with a count per width:
    # 41.7 s for 40,000 widths
    import time

    import analyses
    from analyses import _checks

    cfg = nets.TrainConfig(activation="sigmoid", optimizer="adam", lr=0.1, batch_size=-1,
                           max_epochs=5)
    floats = capacity_sweep("xor", widths=[4.0, 2.0], depths=[1.0], seeds=1, config=cfg)
    ints = capacity_sweep("xor", widths=[2, 4], depths=[1], seeds=1, config=cfg)
    assert floats.widths == (2, 4) and floats.settings["widths"] == [2, 4]
    assert floats.table.drop(columns="seconds").equals(ints.table.drop(columns="seconds"))
    scaled = analyses.scaling_study("xor", batch_sizes=[2.0, 4.0], lrs=[1.0], seeds=1,
                                    max_steps=5, target=0.9, noise=False)
    assert scaled.batch_sizes == (2, 4) and scaled.settings["batch_sizes"] == [2, 4]
    # the same refusals, worded alike: a fraction, a bool, 2 and 2.0 listed twice
    for bad, said in (([2.5], "must be positive integers, got 2.5"),
                      ([True], "must be positive integers, got True"),
                      ([2, 2.0], "list 2 twice")):
        for run, name in ((lambda v: capacity_sweep("xor", widths=v, seeds=1, config=cfg),
                           "widths"),
                          (lambda v: analyses.scaling_study("xor", batch_sizes=v, lrs=[1.0],
                                                            seeds=1, max_steps=5,
                                                            noise=False), "batch sizes")):
            with pytest.raises(ValueError, match=f"^{name} {re.escape(said)}$"):
                run(bad)
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="^widths list 1 twice$"):
        _checks.whole_numbers("widths", [*range(1, 40_001), 1])
    assert time.perf_counter() - t0 < 5


def test_cli_json_report_and_errors(tmp_path, monkeypatch, capsys, parse_html):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["capacity", "--dataset", "coin", "--widths", "2,4",
                              "--depths", "1,2", "--seeds", "1", "--epochs", "20", "--json"],
                             capsys)
    assert code == 0, err
    s = json.loads(out)
    assert {"dataset", "widths", "depths", "seeds", "eps", "metric", "best",
            "sufficient_width", "table", "config", "seconds", "report_path"} <= set(s)
    # every key in --help (majority_share and the rows' diverged were not)
    assert undocumented_keys("capacity", [*s, *s["best"], *(
        k for k in s["table"][0] if not re.fullmatch(r"(train|val|test)_(accuracy|loss)", k))
    ]) == []
    assert s["widths"] == [2, 4] and s["depths"] == [1, 2] and len(s["table"]) == 4
    assert (s["dataset"], s["seeds"], s["metric"]) == ("coin", [0], "accuracy")
    assert s["test_is_train"] is False
    report = tmp_path / s["report_path"]
    assert s["report_path"] == "runs/capacity/coin/report.html"
    page = parse_html(report.read_text())
    assert not page.errors and len(page.find("img")) == 2
    assert [r.kind for r in reports.find_reports(tmp_path / "runs")] == ["capacity"]
    code, out, err = run_cli(["capacity", "--dataset", "coin", "--widths", "2,x"], capsys)
    assert code == 2 and "expected comma-separated integers" in err and err.count("\n") == 1
    # multistep needs its milestones, which capacity did not take
    code, out, err = run_cli(["capacity", "--dataset", "xor", "--widths", "2", "--seeds", "1",
                              "--epochs", "20", "--schedule", "multistep", "--lr-milestones",
                              "5,10", "--no-report", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["config"]["lr_milestones"] == [5, 10]
    code, out, err = run_cli(["capacity", "--dataset", "coin", "--batch-size", "0",
                              "--no-report"], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("hplab capacity: error: --batch-size")
    # the milestones by their flag, as it takes them; the rate's factor has no flag here
    code, out, err = run_cli(["capacity", "--dataset", "xor", "--schedule", "multistep",
                              "--no-report"], capsys)
    assert (code, out) == (2, "")
    assert err == ("hplab capacity: error: schedule multistep needs --lr-milestones, the steps "
                   "where the rate is multiplied by lr_gamma (hplab capacity has no flag for "
                   "it), e.g. 100,200\n")
    # milestones with the default cosine schedule: no effect, refused before any run
    code, out, err = run_cli(["capacity", "--dataset", "xor", "--lr-milestones", "5,10",
                              "--out", str(tmp_path / "ignored")], capsys)
    assert (code, out) == (2, "")
    assert err == ("hplab capacity: error: --lr-milestones has no effect with --schedule "
                   f"cosine ({readers_said('lr_milestones')})\n")
    assert not (tmp_path / "ignored").exists()
    assert np.isfinite(s["best"]["test"])


def test_a_sweep_by_name_loads_its_data_once_and_keeps_none(monkeypatch):
    # MNIST-sized data was loaded twice (the batch check, then the runs' cache) and one
    # copy stayed in memory after the sweep returned
    import data
    from analyses import _held

    _held.held_dataset.cache_clear()  # tests that call _run directly fill it
    loads = []
    real = data.load
    monkeypatch.setattr(data, "load", lambda *a, **k: loads.append(a) or real(*a, **k))
    capacity_sweep("coin", widths=(2, 4), seeds=1, config=QUICK.replace(max_epochs=2))
    assert loads == [("coin",)]
    assert _held.held_dataset.key is None
    with pytest.raises(ValueError, match="class_weight needs 3 values"):  # raised too
        capacity_sweep("coin", widths=(2,), seeds=1,
                       config=QUICK.replace(class_weight=(1.0, 2.0)))
    # a batch beyond the training set is the full batch (as train takes it), said so
    result = capacity_sweep("coin", widths=(2,), seeds=1,
                            config=QUICK.replace(batch_size=10**5, max_epochs=2))
    assert result.summary()["config"]["batch_size"] == -1
    assert _held.held_dataset.key is None


def _two_feature_csv(path, n: int, column: str) -> str:
    """A csv of ``n`` rows whose class is the sign of ``column`` (a, b or c)."""
    X = np.random.default_rng(n).normal(size=(n, 3))
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame.assign(y=(frame[column] > 0).astype(int)).to_csv(path, index=False)
    return f"csv:{path}"


def test_a_rewritten_file_is_read_again_by_the_workers_of_an_earlier_sweep(tmp_path):
    # the workers (alive for joblib's idle timeout) kept the first file's data by
    # (name, seed) and the second sweep scored every net on it
    kw = dict(widths=(4,), seeds=2, config=QUICK.replace(max_epochs=20), eps=0.0)
    name = _two_feature_csv(tmp_path / "d.csv", 400, "a")
    first = capacity_sweep(name, workers=2, **kw).to_frame()
    _two_feature_csv(tmp_path / "d.csv", 1000, "b")
    again = capacity_sweep(name, workers=2, **kw).to_frame()
    here = capacity_sweep(name, workers=1, **kw).to_frame()
    cols = ["seed", "test_accuracy", "val_loss"]
    pd.testing.assert_frame_equal(again[cols], here[cols])
    assert not np.allclose(again["val_loss"], first["val_loss"])


def test_the_held_dataset_is_one_per_process_and_keyed_by_its_files(tmp_path):
    import os

    from analyses._held import held_dataset, held_load, source_stamp
    from analyses._imbalance_variants import OWN, Variant, held_variant

    name = _two_feature_csv(tmp_path / "d.csv", 40, "a")
    stamp = source_stamp(name)
    st = os.stat(tmp_path / "d.csv")
    assert stamp == ((str(tmp_path / "d.csv"), st.st_mtime_ns, st.st_size, st.st_ino),)
    assert source_stamp("coin") == ()  # built in: nothing to read
    assert source_stamp("csv:nowhere.csv") == (("nowhere.csv",),)  # loading it says so
    try:
        first = held_load(name, 0)
        assert held_load(name, 0) is first  # the same files: not read again
        _two_feature_csv(tmp_path / "d.csv", 100, "b")
        assert source_stamp(name) != stamp
        assert held_load(name, 0) is not first  # rewritten: read again
        assert len(held_load(name, 0).X_train) > len(first.X_train)
        # another analysis's dataset replaces it: one per process, whichever holds it
        held_variant(Variant(name, OWN, 1, 0))
        assert held_dataset.key == ("variant", Variant(name, OWN, 1, 0))
    finally:
        held_dataset.cache_clear()


def test_the_headline_says_its_test_score_is_the_validation_choices(tmp_path):
    # it said "Best test accuracy 0.87" beside a 1 × 12 net with 0.878 on test
    res = capacity_sweep("coin", widths=(3, 4, 6, 8, 12), seeds=1, seed=2,
                         config=CAPACITY_CONFIG.replace(max_epochs=300))
    test = res.table.set_index("width")["test_accuracy"]
    assert res.best()["width"] == 4 and test[4] == 0.87 and test[12] == 0.878
    path = reports.capacity_report(res, tmp_path / "r")
    cards = {h["label"]: h["text"] for h in reports.read_report_info(path).headline}
    assert cards["Test accuracy of the best net (by validation)"] == "0.87"
    assert cards["Best net (hidden layers × neurons)"] == "1 × 4"
    assert not [label for label in cards if "best test" in label.lower()]


@pytest.mark.parametrize("widths, said", [
    ("2,4", "1 hidden layer(s): 4 neurons, the widest tried, score best, above the 0.46 "
            "that always predicting the majority class scores, and every narrower width "
            "more than 0.01 below: the sweep shows no plateau, so a wider net may score "
            "higher still (add wider --widths)."),
    ("4", "1 hidden layer(s): 4 neurons, the only width tried, above the 0.46 that always "
          "predicting the majority class scores; no other width to compare it with."),
])
def test_the_widest_width_tried_is_not_called_enough(tmp_path, monkeypatch, capsys,
                                                       parse_html, widths, said):
    # coin at 300 epochs: width 2 scores 0.54, 4 scores 0.89 and 8 would score 0.95; the
    # report said of 4 "wider only costs"
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["capacity", "--dataset", "coin", "--widths", widths, "--seeds",
                              "2", "--epochs", "300", "--out", "c"], capsys)
    assert code == 0, err
    text = " ".join(parse_html((tmp_path / "c" / "report.html").read_text()).all_text.split())
    assert said in text and "wider only costs" not in text
    assert ("sufficient width per depth: 1: 4 (the widest tried: no plateau seen)" in out) \
        == (widths == "2,4")


def test_the_widest_width_of_a_regression_sweep_is_said_in_losses(tmp_path, monkeypatch,
                                                                   capsys, parse_html):
    monkeypatch.chdir(tmp_path)  # a loss falls as nets get better: "above", "lower"
    code, out, err = run_cli(["capacity", "--dataset", "sine", "--widths", "2,4", "--seeds",
                              "1", "--epochs", "50", "--out", "c"], capsys)
    assert code == 0, err
    # the terminal names the loss as the report does (it said "loss" alone)
    assert out.startswith("capacity on sine: widths [2, 4] x depths [1] x 1 seed(s), loss "
                          "(half MSE)\n")
    text = " ".join(parse_html((tmp_path / "c" / "report.html").read_text()).all_text.split())
    # the tolerance used, in the loss's units (QA: "within 1 %" where the seeds' spread
    # had decided), and how it is made
    # and below what predicting the training set's mean scores (0.0544 on sine)
    assert re.search(r"1 hidden layer\(s\): 4 neurons, the widest tried, score best, below the "
                     r"0\.0544 that always predicting the training set's mean scores, and every "
                     r"narrower width more than \d\.\d+(e-\d+)? above: the sweep shows no "
                     r"plateau, so a wider net may reach a lower loss still \(add wider "
                     r"--widths\)\.", text), text
    assert ("Close enough: the larger of 1 % of the best loss and the best width's standard "
            "deviation over seeds (closer than that, this sweep cannot tell widths apart), but "
            "less than half the way up to always predicting the training set's mean.") in text


def test_diverged_runs_and_runs_that_reached_eps_are_counted_in_the_report(tmp_path,
                                                                             parse_html):
    # QA: the terminal said "2 diverged", the report nothing (its table had dashes only);
    # "reached eps for 1 of 6 configurations" hid that one seed of three had not
    cfg = CAPACITY_CONFIG.replace(activation=("relu",), lr=10.0, schedule="constant",
                                  max_epochs=100)
    res = capacity_sweep("double-arc", widths=(2, 8, 32), seeds=3, config=cfg, eps=0.6932)
    diverged = res.table.set_index("width")["diverged"]
    assert diverged.sum() >= 1
    report = reports.capacity_report(res, tmp_path / "r")
    text = " ".join(parse_html(report.read_text()).all_text.split())
    # the per-configuration table shows each one's diverged runs, why it has no scores
    per_config = pd.read_csv(tmp_path / "r" / "report_files" / "per-config.csv")
    assert list(per_config.columns) == [
        "depth", "width", "n_parameters", "train_accuracy", "val_accuracy",
        "val_accuracy_std", "test_accuracy", "test_accuracy_std", "test_loss",
        "iterations_to_eps", "epochs_to_eps", "reached_eps", "diverged", "seconds"]
    assert per_config["diverged"].tolist() == diverged.tolist()
    listed = ", ".join(f"1 × {w}: {n}" for w, n in diverged.items() if n)
    assert (f"{diverged.sum()} of 9 runs diverged (hidden layers × neurons: {listed}); a "
            "configuration with a diverged "
            "run has no scores") in text
    # a diverged run's eps, crossed before it blew up, is no result either
    reached = res.runs["iterations_to_eps"].notna() & (res.runs["status"] != "diverged")
    assert 0 < reached.sum() < 9
    assert res.table["reached_eps"].sum() == reached.sum()
    at_start = int((reached & (res.runs["iterations_to_eps"] == 0)).sum())
    assert (f"for {(res.table['reached_eps'] > 0).sum()} of 3 configurations, in "
            f"{reached.sum()} of 9 runs"
            + (f", {at_start} of them already at the start, before any step" if at_start
               else "") + "; the table's iterations and epochs are medians") in text
    # QA: a sine net whose first loss was already below eps counted as reaching it
    res = capacity_sweep("sine", widths=(2, 8), seeds=2, eps=0.1,
                         config=CAPACITY_CONFIG.replace(max_epochs=100))
    start = (res.runs["iterations_to_eps"] == 0) & (res.runs["status"] != "diverged")
    assert start.sum() >= 1
    text = " ".join(parse_html(reports.capacity_report(res, tmp_path / "s").read_text())
                    .all_text.split())
    assert f", {int(start.sum())} of them already at the start, before any step;" in text


def test_a_regression_width_no_better_than_predicting_the_mean_is_never_sufficient(
        tmp_path, capsys, parse_html):
    # QA: sine at 10 epochs, every width's mean validation loss (0.079, 0.077, 0.061, 0.085)
    # above the 0.0544 of always predicting the training set's mean, and width 1 was called
    # sufficient ("wider only costs"): no width learned anything from the inputs
    cfg = CAPACITY_CONFIG.replace(max_epochs=10)
    res = capacity_sweep("sine", widths=(1, 2, 4, 8), seeds=3, config=cfg)
    loss = res.table.set_index("width")["val_loss"]
    assert res.baseline_val_loss == pytest.approx(0.05437, abs=1e-5)
    assert (loss > res.baseline_val_loss).all() and res.best()["width"] == 4
    assert res.sufficient_widths() == {}
    s = res.summary()
    assert s["baseline_val_loss"] == res.baseline_val_loss and s["sufficient_width"] == {}
    assert undocumented_keys("capacity", ["baseline_val_loss"]) == []
    text = " ".join(parse_html(reports.capacity_report(res, tmp_path / "r").read_text())
                    .all_text.split())
    assert ("1 hidden layer(s): no width's validation loss is 5% below a constant prediction "
            "of the training set's mean (0.0544) and below it by more than its spread over "
            "seeds (the best: 0.0606 ± 0.0093): none is sufficient.") in text
    assert "wider only costs" not in text and "every width has a diverged" not in text
    lines = reports.capacity_lines(s)
    assert lines[-3].endswith(
        "sufficient width per depth: 1: none (no width beats a constant prediction of the "
        "training set's mean, 0.0544, on validation by 5% and by more than its spread over "
        "seeds)")
    # the best net's R², read out after it (added with R²): no better than the mean
    assert lines[-2].startswith("R² -0.0") and "the best net is no better" in lines[-2] \
        and "(a flat line)" in lines[-2]
    # classification keeps its majority share, and no baseline loss
    assert capacity_sweep("xor", widths=(2,), seeds=1, config=QUICK).baseline_val_loss is None
    # the tolerance is capped halfway up to the baseline, and a width must be closer to
    # the best than to it (the seeds' spread, 0.02, would otherwise take width 1 at 0.045)
    runs = pd.DataFrame({"depth": 1, "width": [1, 2], "seed": 0, "status": "max_epochs",
                         "n_parameters": [4, 7]})
    table = pd.DataFrame({"depth": 1, "width": [1, 2], "val_loss": [0.045, 0.03],
                          "val_loss_std": [0.01, 0.02], "n_parameters": [4, 7],
                          "diverged": 0})
    made = dataclasses.replace(res, widths=(1, 2), runs=runs, table=table,
                               baseline_val_loss=None)
    assert made.sufficient_within() == {1: pytest.approx(0.02)}
    assert made.sufficient_widths() == {1: 1}
    capped = dataclasses.replace(made, baseline_val_loss=0.054)
    assert capped.sufficient_within() == {1: pytest.approx(0.012)}
    assert capped.sufficient_widths() == {1: 2}


def test_an_eps_a_constant_prediction_meets_is_said_so(tmp_path, capsys, parse_html):
    # QA: on sine every width "reached" the default eps = 0.1 at the first checkpoint: the
    # scaled target's mean scores 0.0544 there, so crossing 0.1 says nothing of capacity
    cfg = CAPACITY_CONFIG.replace(max_epochs=30, activation="tanh")
    res = capacity_sweep("sine", widths=(2, 16), seeds=2, config=cfg)
    assert res.eps == 0.1 and res.baseline_val_loss == pytest.approx(0.05437, abs=1e-5)
    assert res.table["iterations_to_eps"].tolist() == [10.0, 10.0]  # the first checkpoint
    s = res.summary()
    assert s["eps_above_baseline"] is True
    assert undocumented_keys("capacity", ["eps_above_baseline"]) == []
    # mutation QA: "at or above" read as "above" passed every fast test: an eps equal to
    # the constant prediction's loss is reached without learning too
    at = dataclasses.replace(res, eps=res.baseline_val_loss)
    assert at.eps_above_baseline() is True and at.summary()["eps_above_baseline"] is True
    said = ("eps = 0.1 is at or above the 0.0544 that always predicting the training set's "
            "mean scores on validation: a net reaches it without learning anything from the "
            "inputs, so iterations to eps say nothing of capacity here (set a lower --eps)")
    text = " ".join(parse_html(reports.capacity_report(res, tmp_path / "r").read_text())
                    .all_text.split())
    # a report written from Python names capacity_sweep's eps; the command's lines, --eps
    assert said.replace("--eps", "eps") + "." in text
    assert reports.capacity_lines(s)[1] == said
    below = capacity_sweep("sine", widths=(2,), seeds=1, config=cfg, eps=0.02)
    assert below.summary()["eps_above_baseline"] is False
    assert "at or above" not in " ".join(reports.capacity_lines(below.summary()))
    off = capacity_sweep("sine", widths=(2,), seeds=1, config=cfg, eps=0)
    assert off.summary()["eps_above_baseline"] is None
    xor = capacity_sweep("xor", widths=(2,), seeds=1, config=QUICK)
    assert xor.summary()["eps_above_baseline"] is None


def test_a_regression_depth_whose_best_is_within_noise_of_the_mean_has_no_sufficient_width(
        tmp_path, parse_html):
    # QA: sine at 10 epochs, depth 2: width 1's 0.0533 (seeds 0.0515 and 0.0550) against the
    # 0.0544 of always predicting the mean was "sufficient ... wider only costs", though
    # lr-range --verify and scaling call a loss learned only 5 % below that mean
    res = capacity_sweep("sine", widths=(1, 4, 16), depths=(2,), seeds=2,
                         config=CAPACITY_CONFIG.replace(max_epochs=10))
    best = res.table.set_index("width").loc[1]
    assert res.best()["width"] == 1 and best["val_loss"] == pytest.approx(0.05327, abs=1e-5)
    assert best["val_loss"] < res.baseline_val_loss == pytest.approx(0.05437, abs=1e-5)
    assert res.sufficient_widths() == {} and res.sufficient_within() == {}
    assert res.summary()["sufficient_width"] == {}
    text = " ".join(parse_html(reports.capacity_report(res, tmp_path / "r").read_text())
                    .all_text.split())
    assert ("2 hidden layer(s): no width's validation loss is 5% below a constant prediction "
            "of the training set's mean (0.0544) and below it by more than its spread over "
            "seeds (the best: 0.0533 ± 0.0025): none is sufficient.") in text
    assert "wider only costs" not in text
    # QA: the table showed test_accuracy_std but not the validation spread the rule reads
    head, rows = report_table((tmp_path / "r" / "report.html").read_text(),
                              "table-per-config")
    assert head[-3:] == ["train_loss", "val_loss", "val_loss_std"]
    assert [r[-2:] for r in rows][0] == ["0.05327", "0.00248"]
    # the 5 % margin alone (one seed: no spread), and the seeds' spread alone
    def made(loss, std):
        table = pd.DataFrame({"depth": 2, "width": [1, 4], "val_loss": [loss, 0.07],
                              "val_loss_std": [std, 0.01], "n_parameters": [6, 33],
                              "diverged": 0})
        return dataclasses.replace(res, widths=(1, 4), table=table, baseline_val_loss=0.054)

    assert made(0.0515, math.nan).sufficient_widths() == {}  # 4.6 % below
    assert made(0.0510, math.nan).sufficient_widths() == {2: 1}  # 5.6 % below
    assert made(0.0510, 0.0031).sufficient_widths() == {}  # 0.003 below, spread 0.0031
    assert made(0.0510, 0.0029).sufficient_widths() == {2: 1}


def test_the_terminal_says_when_the_sufficient_width_was_the_only_one_tried(capsys):
    # QA: one width swept printed "sufficient width per depth: 1: 4" as if it had been
    # compared with others; the report says "the only width tried"
    code, out, err = run_cli(["capacity", "--dataset", "coin", "--widths", "4", "--seeds", "1",
                              "--epochs", "300", "--no-report"], capsys)
    assert code == 0, err
    assert "sufficient width per depth: 1: 4 (the only width tried)" in out


def test_a_report_written_from_python_names_the_arguments_not_the_flags(tmp_path, parse_html):
    # QA: capacity_report of capacity_sweep's result advised "add wider --widths", a flag a
    # Python caller has no use for; the command's report keeps it
    res = capacity_sweep("coin", widths=(2, 4), seeds=2,
                         config=CAPACITY_CONFIG.replace(max_epochs=300))
    said = {}
    for command in ("", "hplab capacity --dataset coin --widths 2,4 --epochs 300"):
        page = reports.capacity_report(res, tmp_path / str(bool(command)), command=command)
        said[command] = " ".join(parse_html(page.read_text()).all_text.split())
    python, cli = said.values()
    assert "a wider net may score higher still (add wider widths)." in python
    assert "--widths" not in python
    assert "a wider net may score higher still (add wider --widths)." in cli


def test_a_sufficient_width_that_is_its_depths_best_is_called_the_best(tmp_path, parse_html):
    # QA: "1 hidden layer(s): 8 neurons already come within 0.0424 of the best" where 8 was
    # that best; "Best net 1 × 8" and "gap: 2 × 2" never said which number is the depth
    res = capacity_sweep("coin", widths=(2, 8, 32), depths=(1, 2), seeds=2,
                         config=CAPACITY_CONFIG.replace(max_epochs=300), workers=2)
    val = res.table.set_index(["depth", "width"])["val_accuracy"]
    assert res.sufficient_widths() == {1: 8, 2: 8}
    assert val[(1, 8)] == max(val[(1, w)] for w in (2, 8, 32)) == pytest.approx(0.84)
    assert val[(2, 8)] == max(val[(2, w)] for w in (2, 8, 32))
    path = reports.capacity_report(res, tmp_path / "r")
    text = " ".join(parse_html(path.read_text()).all_text.split())
    best_of = ("hidden layer(s): 8 neurons score the best validation accuracy of that depth, "
               "above the 0.46 that always predicting the majority class scores; ")
    assert f"2 {best_of}the wider ones tried do no better, so wider only costs." in text
    # one layer of 32 (0.79, seeds 0.80 and 0.78) is clearly below 8 (0.87 and 0.81) in 300
    # epochs, as the course's 32 is not in 10 000: not "no better" (the QA case below)
    assert (f"1 {best_of}wider, 32 neurons score 0.05 below it (mean validation accuracy; "
            "clearly worse: more than the 0.0424 within which widths count as close) and fit "
            "their training set worse too") in text
    assert "come within" not in text  # no width called sufficient by comparison
    assert "Best mean validation accuracy: 1 hidden layer(s) of 8 neurons (validation 0.84" \
        in text
    gap = res.table.set_index(["depth", "width"])["accuracy_gap"]
    depth, width = gap.idxmax()
    assert (depth, width) == (2, 2)
    # QA: the largest gap was 2 × 2's, a net narrower than its depth's sufficient 8: no
    # overfitting, a poor fit; the largest is looked for among the nets that fit, which
    # leaves out 1 × 32 too
    fit = gap[[(1, 8), (2, 8), (2, 32)]]
    assert (f"Largest train/validation gap (train − validation accuracy) among the nets that "
            f"fit (none narrower than its depth's sufficient width fitting its training set "
            f"worse, none undertrained): {fit.idxmax()[0]} hidden layer(s) of "
            f"{fit.idxmax()[1]} neurons ({fit.max():.3g}: train ") in text
    assert (f"2 hidden layer(s) of 2 neurons has a larger one ({gap.max():.3g}: train ") in text
    assert ("but it is narrower than its depth's sufficient width and fits its training set "
            "worse too: that gap comes from a poor fit (a low accuracy), not overfitting.") in text
    cards = {h["label"]: h["text"] for h in reports.read_report_info(path).headline}
    assert cards["Best net (hidden layers × neurons)"] == "1 × 8"


def test_wider_widths_that_score_clearly_worse_are_called_undertrained_not_costly(tmp_path,
                                                                                parse_html):
    # QA: `capacity --dataset coin --widths 1,2,4,8,16 --depths 1,2 --seeds 3 --epochs 300`
    # said of one hidden layer of 4 neurons (0.907) "the wider ones tried do no better, so
    # wider only costs", though 8 and 16 scored 0.823 and 0.740, and at 2000 epochs beat 4:
    # in 300 epochs the wider nets are still training
    res = capacity_sweep("coin", widths=(4, 8, 16), seeds=3,
                         config=CAPACITY_CONFIG.replace(max_epochs=300), workers=2)
    t = res.table.set_index("width")
    assert t["val_accuracy"].round(3).tolist() == [0.907, 0.823, 0.74]
    assert t["train_accuracy"].is_monotonic_decreasing  # they fit their training set worse
    assert res.sufficient_widths() == {1: 4}
    close = f"{res.sufficient_within()[1]:.3g}"
    page = reports.capacity_report(res, tmp_path / "r",
                                   command="hplab capacity --dataset coin --epochs 300")
    text = " ".join(parse_html(page.read_text()).all_text.split())
    assert (f"1 hidden layer(s): 4 neurons score the best validation accuracy of that depth, "
            "above the 0.46 that always predicting the majority class scores; wider, 8 and 16 "
            "neurons score 0.0833 and 0.167 below it (mean validation accuracy; clearly worse: "
            f"more than the {close} within which widths count as close) and fit their training "
            "set worse too: more neurons should not, so they are likely undertrained in 300 "
            "epochs: raise "
            "--epochs, or lower --lr, before taking 4 neurons as sufficient.") in text
    assert "wider only costs" not in text and "Close enough" in text
    assert res.worse_wider_widths() == {1: [8, 16]}
    # QA: the card said "4" beside the verdict's "before taking 4 neurons as sufficient"
    cards = {h["label"]: h["text"] for h in reports.read_report_info(page).headline}
    assert cards["Sufficient width (depth 1)"] == "4 (provisional: wider nets undertrained)"
    python = " ".join(parse_html(reports.capacity_report(res, tmp_path / "p").read_text())
                      .all_text.split())
    assert "raise the config's max_epochs, or lower the config's lr," in python
    # the flat case keeps its words: a table whose wider widths score within the tolerance
    flat = dataclasses.replace(res, runs=res.runs.iloc[:0],
                               table=res.table.assign(val_accuracy=[0.907, 0.9, 0.895]))
    assert flat.worse_wider_widths() == {}
    assert any(line.endswith("the wider ones tried do no better, so wider only costs.")
               for line in _verdicts(flat))
    # wider nets that fit their training set better overfit: wider only costs
    over = dataclasses.replace(flat, table=flat.table.assign(val_accuracy=[0.907, 0.82, 0.8],
                                                             train_accuracy=[0.9, 0.95, 0.99]))
    assert over.worse_wider_widths() == {1: [8, 16]}
    assert any("score 0.087 and 0.107 below it (mean validation accuracy; clearly worse: "
               f"more than the {close} within which widths count as close) though they fit "
               "their training set as well or better: overfitting, "
               "so wider only costs." in line for line in _verdicts(over))


def test_a_regression_sweep_names_its_loss_and_gives_the_rmse_in_the_data_units(
        tmp_path, parse_html):
    # QA: capacity on sine read "Test loss of the best net (by validation) 0.01889" with no
    # unit, where the train and study reports say "½·MSE on the target min-max scaled" and
    # give the RMSE in the data's units
    import data

    cfg = CAPACITY_CONFIG.replace(max_epochs=30, checkpoint=5)
    res = capacity_sweep("sine", widths=(2, 8), seeds=2, config=cfg)
    path = reports.capacity_report(res, tmp_path / "r")
    cards = {h["label"]: h["text"] for h in reports.read_report_info(path).headline}
    ds = data.load("sine")
    best = res.runs[(res.runs["width"] == res.best()["width"])]
    rmse = float(np.mean(ds.y_scale * np.sqrt(2 * best["test_loss"])))
    assert cards["Test loss (½·MSE, scaled y) of the best net (by validation)"] == \
        f"{res.best()['test']:.4g}"
    assert cards["Test RMSE of the best net (original units)"] == f"{rmse:.4g}"
    # QA: only the report gave it; --json (best and every row) and the terminal's best
    # line give the same number, and null for classification
    s = res.summary()
    assert s["best"]["test_rmse"] == pytest.approx(rmse, rel=1e-12)
    rows = {r["width"]: r["test_rmse"] for r in s["table"]}
    for width, runs in res.runs.groupby("width"):
        assert rows[width] == pytest.approx(np.mean(ds.y_scale * np.sqrt(2 * runs["test_loss"])))
    best_line = next(x for x in reports.capacity_lines(s) if x.startswith("best: "))
    # R² follows it now (test_capacity_r2.py): the RMSE's words are as they were
    assert f", test RMSE {rmse:.4g} in the target's units, test R² " in best_line
    # the loss is ½·MSE of the scaled target: a net's RMSE from its predictions agrees
    net, rng = nets.seeded_net(cfg.replace(hidden=(2,)), ds, 0)
    nets.train(net, cfg.replace(hidden=(2,)), ds.X_train, ds.y_train, ds.X_val, ds.y_val,
               rng=rng)
    loss, _ = nets.evaluate(net, ds.X_test, ds.y_test)
    err = ds.inverse_y(net.predict(ds.X_test)) - ds.inverse_y(ds.y_test)
    assert nets.regression_errors(err)[0] == pytest.approx(ds.y_scale * np.sqrt(2 * loss))
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert "Loss: ½·MSE on the target min-max scaled to [0, 1] over its training range" in text
    head, rows = report_table(path.read_text(), "table-per-config")
    assert "test_rmse" in " ".join(head).replace("_ ", "_")
    # classification keeps its cards
    coin = capacity_sweep("coin", widths=(2,), seeds=1, config=cfg.replace(max_epochs=2))
    labels = [h["label"] for h in reports.read_report_info(
        reports.capacity_report(coin, tmp_path / "c")).headline]
    assert labels[0] == "Test accuracy of the best net (by validation)" and \
        not [x for x in labels if "RMSE" in x]
    s = coin.summary()
    assert s["best"]["test_rmse"] is None and s["table"][0]["test_rmse"] is None
    assert "RMSE" not in " ".join(reports.capacity_lines(s))


def test_an_unscaled_regression_target_is_said_in_its_own_units(tmp_path, parse_html):
    # QA: with ?scaling=none the verdicts read "½·MSE in the target's original units ... √(2
    # × loss) × 1 per run (the head's loss is half the mean squared error of the scaled
    # target)" and the per-config caption "Losses: ½·MSE on the scaled target"
    res = capacity_sweep("sine?scaling=none", widths=(2,), seeds=1,
                         config=QUICK.replace(max_epochs=5))
    path = reports.capacity_report(res, tmp_path / "r")
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert "scaled" not in text and "× 1 per run" not in text
    assert ("Loss: ½·MSE in the target's original units. The RMSE is in those units too: "
            "√(2 × loss) per run (the head's loss is half the mean squared error), averaged "
            "over seeds.") in text
    assert "Losses: ½·MSE in the target's own units; test_rmse: in them too." in text
    # unscaled, the RMSE is √(2 × loss) itself
    loss = float(res.runs["test_loss"].iloc[0])
    assert res.summary()["best"]["test_rmse"] == pytest.approx(math.sqrt(2 * loss))


def test_a_regression_sweep_shows_no_accuracy_column_and_no_class_weight(tmp_path,
                                                                        parse_html):
    # QA: sine's "Every run" table had train_acc, val_acc and test_acc columns of dashes
    # (its caption explaining "acc: accuracy"), and Hyperparameters listed class_weight,
    # which regression refuses; the per-config table already left the accuracies out
    cfg = CAPACITY_CONFIG.replace(max_epochs=2, checkpoint=1)
    for dataset, regression in (("sine", True), ("coin", False)):
        res = capacity_sweep(dataset, widths=(2,), seeds=1, config=cfg)
        page = reports.capacity_report(res, tmp_path / dataset).read_text()
        runs = pd.read_csv(tmp_path / dataset / "report_files" / "runs.csv")
        head, _ = report_table(page, "table-runs")
        per_config, _ = report_table(page, "table-per-config")
        caption = " ".join(parse_html(page).all_text.split())
        facts = report_facts(page)
        if regression:
            assert not [c for c in [*head, *per_config, *runs.columns] if "acc" in c]
            assert "acc: accuracy" not in caption and "class_weight" not in facts
            assert list(runs.columns) == [c for c in RUN_COLUMNS if "accuracy" not in c]
        else:  # classification as it was
            assert {"train_acc", "val_acc", "test_acc"} <= set(head)
            # R² is a regression's: no column of dashes for classification either
            assert list(runs.columns) == [c for c in RUN_COLUMNS if "r2" not in c]
            assert ("Every run; the CSV holds all of them. Shortened on the page (acc: accuracy"
                    in caption) and facts["class_weight"] == "–"


def test_more_workers_than_cores_run_one_per_core_with_a_warning(capsys):
    # QA: `hplab capacity ... --workers 48` on 2 cores took 3 minutes, 4.6 s with 1: the
    # processes beyond the cores only waited for them
    from cli_helpers import run_cli_as_program

    n = nets.cores()
    widths = ",".join(str(2 + k) for k in range(n + 1))  # a task more than the cores
    code, out, err = run_cli_as_program(
        ["capacity", "--dataset", "xor", "--widths", widths, "--seeds", "1", "--epochs", "3",
         "--workers", str(n + 46), "--no-report", "--json"], capsys)
    assert code == 0, err
    assert err == (f"hplab capacity: warning: {n + 46} workers asked for, but only {n} cores here: "
                   f"running {n} processes (more would wait for the cores and slow every "
                   "run)\n")
    assert len(json.loads(out)["table"]) == n + 1  # every width ran
