"""Weight decay and AdamW where users reach them: `hplab train --weight-decay`, the analyses'
flag, a study spec's space and fixed keys, the estimators, the record, the report, the saved
model, the help and the README."""

import json
import re

import numpy as np
import optuna
import pytest
from cli_helpers import ANALYSES, help_words, readme_words, run_cli
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn_checks import parametrize_with_checks

import hplab
import nets
import study
from study import SpecError, parse_spec

COIN = ["--dataset", "coin", "--hidden", "8", "--activation", "relu", "--lr", "0.01",
        "--batch-size", "16", "--epochs", "5"]


def _train(out, flags, capsys, report=False):
    code, printed, err = run_cli(["train", *COIN, *flags, "--out", out, "--json",
                                  *([] if report else ["--no-report"])], capsys)
    assert code == 0, err
    return json.loads(printed), json.loads((out / "config.json").read_text())


def test_train_takes_weight_decay_and_saves_it_with_the_model(tmp_path, capsys):
    out = tmp_path / "given"
    summary, record = _train(out, ["--optimizer", "adamw", "--weight-decay", "0.05"], capsys,
                             report=True)
    assert record["config"]["weight_decay"] == 0.05 and record["config"]["optimizer"] == "adamw"
    assert "weight_decay" not in record["resolved"]  # given, not resolved
    cfg = nets.TrainConfig(hidden=(8,), activation="relu", optimizer="adamw", lr=0.01,
                           batch_size=16, max_epochs=5, weight_decay=0.05)
    # the flag reached the net: its weights are the API's run's, bit for bit
    model = nets.load_model(out / "model.npz")
    assert np.array_equal(model.net.flat, study.train_run("coin", cfg, seed=0).net.flat)
    assert not np.array_equal(model.net.flat, study.train_run(
        "coin", cfg.replace(weight_decay=None), seed=0).net.flat)
    # model.npz keeps the config, which makes the same TrainConfig again, and predicts
    assert nets.TrainConfig(**model.header["config"]) == cfg
    code, printed, err = run_cli(["predict", out / "model.npz", "--dataset", "--json"], capsys)
    assert code == 0, err
    assert json.loads(printed)["accuracy"] == summary["test_accuracy"]
    html = (out / "report.html").read_text()
    assert re.search(r"weight_decay</dt><dd>0\.05<", html)
    assert "weight decay 0.05" in re.search(r'class="subtitle">([^<]*)<', html).group(1)


def test_adamws_own_decay_is_recorded_and_shown(tmp_path, capsys):
    out = tmp_path / "own"
    _, record = _train(out, ["--optimizer", "adamw"], capsys, report=True)
    assert record["config"]["weight_decay"] is None
    assert record["resolved"]["weight_decay"] == 0.01
    html = (out / "report.html").read_text()
    assert "weight_decay</dt><dd>0.01 (adamw&#39;s own)<" in html
    assert "weight decay 0.01" in re.search(r'class="subtitle">([^<]*)<', html).group(1)
    # sgd's own 0: recorded as used, and said nowhere as a regulariser
    out = tmp_path / "sgd"
    _, record = _train(out, [], capsys, report=True)
    assert record["resolved"]["weight_decay"] == 0.0
    assert "weight decay" not in re.search(r'class="subtitle">([^<]*)<',
                                           (out / "report.html").read_text()).group(1)


@pytest.mark.parametrize("flags, said", [
    (["--weight-decay", "-1"], "--weight-decay must be a finite number >= 0, got -1.0"),
    (["--lr", "0.5", "--weight-decay", "3"],
     "--weight-decay 3 times --lr 0.5 is 1.5: the decay multiplies the weights by 1 - 1.5 "
     "every step, which zeroes them or flips their sign; lower --weight-decay or --lr (their "
     "product must be < 1)"),
    (["--optimizer", "adamw", "--lr", "100"],
     "--weight-decay 0.01 (adamw's own) times --lr 100 is 1: the decay multiplies the weights "
     "by 1 - 1 every step, which zeroes them or flips their sign; lower --weight-decay or --lr "
     "(their product must be < 1)"),
])
def test_a_bad_weight_decay_is_one_line_and_stores_nothing(flags, said, tmp_path, capsys):
    out = tmp_path / "run"
    code, printed, err = run_cli(["train", "--dataset", "coin", *flags, "--out", out], capsys)
    assert (code, printed, err) == (2, "", f"hplab train: error: {said}\n")
    assert not out.exists()


@pytest.mark.parametrize("command", list(ANALYSES))
def test_every_analysis_takes_weight_decay(command, tmp_path, capsys):
    argv = [*ANALYSES[command][0], "--no-report", "--json"]
    code, printed, err = run_cli([*argv, "--weight-decay", "0.05"], capsys)
    assert code == 0, err
    result = json.loads(printed)
    settings = result["net_params"] if command == "imbalance" else result["config"]
    assert settings["weight_decay"] == 0.05
    code, printed, err = run_cli([*argv, "--weight-decay", "-1"], capsys)
    assert (code, printed) == (2, "")
    assert err == f"hplab {command}: error: --weight-decay must be a finite number >= 0, " \
                  "got -1.0\n"


def test_lr_range_trains_the_decayed_net_it_is_given(capsys):
    # the decay reaches the ramp's steps: the curve moves, not only --json's config
    command = ["lr-range", "--dataset", "coin", "--hidden", "16", "--steps", "30",
               "--max-lr", "1", "--no-report", "--json"]
    found = {}
    for flags in ([], ["--weight-decay", "0.5"]):
        code, printed, err = run_cli([*command, *flags], capsys)
        assert code == 0, err
        found[bool(flags)] = json.loads(printed)
    assert found[False]["config"]["weight_decay"] is None
    assert found[False]["runs"][0]["descent"] != found[True]["runs"][0]["descent"]


_DECAY_SAID = ("the decay multiplies the weights by 1 - {p} every step, which zeroes them or "
               "flips their sign; lower --weight-decay or {lower} (their product must be < 1)")


@pytest.mark.parametrize("argv, said", [
    # QA: refused as "times lr 0.1", the default lr-range never uses, while --weight-decay 9
    # ramped to lr 0.74 and read the decay's sign flip as the rate's divergence
    (["lr-range", "--dataset", "coin", "--weight-decay", "12"],
     "--weight-decay 12 times --max-lr 10 is 120: " + _DECAY_SAID.format(p=120,
                                                                       lower="--max-lr")),
    (["lr-range", "--dataset", "coin", "--weight-decay", "0.5", "--verify"],
     "--weight-decay 0.5 times --max-lr 10 is 5: " + _DECAY_SAID.format(p=5,
                                                                      lower="--max-lr")),
    (["lr-range", "--dataset", "coin", "--optimizer", "adamw", "--max-lr", "100"],
     "--weight-decay 0.01 (adamw's own) times --max-lr 100 is 1: "
     + _DECAY_SAID.format(p=1, lower="--max-lr")),
    # QA: "times lr 10 ... or lr", a rate and a flag scaling does not have
    (["scaling", "--dataset", "double-arc", "--weight-decay", "0.5", "--batch-sizes", "4,16",
      "--lr-grid", "3", "--lr-range", "1e-2,10"],
     "--weight-decay 0.5 times the top rate of --lrs or --lr-range (10) is 5: "
     + _DECAY_SAID.format(p=5, lower="the rates of --lrs or --lr-range")),
])
def test_the_analyses_check_the_decay_on_the_rates_they_train(argv, said, tmp_path, capsys):
    out = tmp_path / "out"
    code, printed, err = run_cli([*argv, "--out", out], capsys)
    assert (code, printed, err) == (2, "", f"hplab {argv[0]}: error: {said}\n")
    assert not out.exists()


def test_lr_range_decays_at_rates_below_the_unused_default_lr(capsys):
    # 15 x the default lr 0.1 is 1.5, but the ramp's rates stay below 0.05 (0.75): it runs
    code, printed, err = run_cli(["lr-range", *ANALYSES["lr-range"][0][1:], "--max-lr", "0.05",
                                  "--weight-decay", "15", "--no-report", "--json"], capsys)
    assert code == 0, err
    result = json.loads(printed)
    assert result["config"]["weight_decay"] == 15 and result["max_lr"] == 0.05
    assert result["runs"][0]["stop_reason"] == "completed"
    # the scaling study too, at rates below 1 / 15 (0.75 at 0.05). So decayed, the net
    # learns nothing past the majority class's 0.46 in 200 steps: the default target (0.95
    # x that) is refused as one a constant prediction meets, so a target above it is given
    code, printed, err = run_cli(["scaling", "--dataset", "coin", "--batch-sizes", "4",
                                  "--lrs", "0.02,0.05", "--seeds", "1", "--max-steps", "200",
                                  "--workers", "1", "--weight-decay", "15", "--target", "0.5",
                                  "--no-report", "--json"], capsys)
    assert code == 0, err
    result = json.loads(printed)
    assert result["config"]["weight_decay"] == 15 and result["reached"] == [False]


def test_lr_range_verify_grid_stops_below_the_decays_limit(capsys):
    # QA: --verify ran the ramp, then its grid reached a rate where lr x weight_decay >= 1
    # and stopped with advice to lower "lr", which lr-range has no flag for. The grid
    # grows up to 6.81 (x 0.09 = 0.61) and leaves out 12.1 (1.09)
    code, printed, err = run_cli(["lr-range", "--dataset", "coin", "--weight-decay", "0.09",
                                  "--steps", "40", "--verify", "--verify-epochs", "1",
                                  "--no-report", "--json"], capsys)
    assert code == 0, err
    grid = [g["lr"] for g in json.loads(printed)["verify"]["grid"]]
    assert max(grid) == pytest.approx(6.8129207) and all(lr * 0.09 < 1 for lr in grid)


def test_lr_range_from_python_names_its_arguments():
    import analyses
    with pytest.raises(ValueError, match=r"^weight_decay 0\.5 times max_lr 10 is 5: .*; "
                                         r"lower weight_decay or max_lr \(their"):
        analyses.lr_range_test("coin", nets.TrainConfig(weight_decay=0.5))


def _spec(space, fixed):
    return {"study": {"name": "wd", "dataset": "xor", "metric": "val_loss", "n_trials": 4,
                      "seed": 0, "max_epochs": 20, "pruner": "none"},
            "space": space, "fixed": fixed}


def test_a_spec_searches_lr_and_weight_decay_together(tmp_path):
    spec = parse_spec(_spec({"lr": {"low": 0.01, "high": 0.5, "log": True},
                             "weight_decay": {"low": 1e-5, "high": 0.1, "log": True}},
                            {"optimizer": "adamw", "batch_size": 2}))
    summary = study.run_study(spec, storage=str(tmp_path / "wd.db"))
    assert summary["n_complete"] == 4
    trials = optuna.load_study(study_name="wd", storage=f"sqlite:///{tmp_path / 'wd.db'}").trials
    decays = [t.params["weight_decay"] for t in trials]
    assert all(1e-5 <= d <= 0.1 for d in decays) and len(set(decays)) == 4
    # each trial's config is built with its decay
    cfg = study.build_config(trials[0].params, spec.fixed, 20)
    assert (cfg.optimizer, cfg.weight_decay) == ("adamw", decays[0])
    # fixed, it is every trial's
    fixed = parse_spec(_spec({"lr": [0.1, 0.2]}, {"optimizer": "sgd", "weight_decay": 0.05}))
    assert study.build_config({"lr": 0.1}, fixed.fixed, 20).weight_decay == 0.05


@pytest.mark.parametrize("space, fixed, said", [
    # the fixed rate with the highest decay searched
    ({"weight_decay": {"low": 0.1, "high": 3.0}}, {"lr": 0.5},
     "space.weight_decay value 3.0: weight_decay 3 times lr 0.5 is 1.5: "),
    # both searched: each checked against the other's most lenient value, not its default
    # (sgd's own 0 let lr 20 through, and every trial drawing it failed)
    ({"lr": {"low": 0.01, "high": 20.0}, "weight_decay": {"low": 0.1, "high": 0.5}}, {},
     "space.lr value 20.0: weight_decay 0.1 times lr 20 is 2: "),
    ({"lr": [0.5, 1.0], "weight_decay": [0.5, 2.0]}, {},
     "space.weight_decay value 2.0: weight_decay 2 times lr 0.5 is 1: "),
    # adamw's own decay at a searched rate
    ({"lr": {"low": 0.01, "high": 200.0}}, {"optimizer": "adamw"},
     "space.lr value 200.0: weight_decay 0.01 (adamw's own) times lr 200 is 2: "),
])
def test_a_spec_whose_decay_would_flip_the_weights_is_refused(space, fixed, said):
    with pytest.raises(SpecError) as info:
        parse_spec(_spec(space, fixed))
    assert str(info.value).startswith(said) and "\n" not in str(info.value)


def test_a_spec_whose_pairs_can_all_be_fine_loads():
    # lr 5 with decay 0.1 and lr 0.01 with 0.5 train: a trial drawing lr 5, decay 0.5 is
    # diverged alone (below)
    spec = parse_spec(_spec({"lr": {"low": 0.01, "high": 5.0},
                             "weight_decay": {"low": 0.1, "high": 0.5}}, {}))
    assert spec.space.get("weight_decay").high == 0.5


def test_the_estimators_take_weight_decay():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    clf = nets.NetClassifier(hidden=(8,), optimizer="adamw", max_epochs=20, patience=0,
                             weight_decay=0.05, random_state=0).fit(X, y)
    assert clf.get_params()["weight_decay"] == 0.05 and clf.config_.weight_decay == 0.05
    assert clone(clf).weight_decay == 0.05
    own = nets.NetClassifier(hidden=(8,), optimizer="adamw", max_epochs=20, patience=0,
                             random_state=0).fit(X, y)
    assert own.config_.weight_decay is None
    assert not np.array_equal(own.net_.flat, clf.net_.flat)
    with pytest.raises(ValueError, match="^weight_decay must be a finite number >= 0"):
        nets.NetRegressor(weight_decay=-1.0).fit(X, y.astype(float))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # few epochs
@parametrize_with_checks([nets.NetClassifier(optimizer="adamw"),
                          nets.NetRegressor(optimizer="adamw", weight_decay=0.05)],
                         expected_failed_checks=lambda est: {})
def test_the_estimators_with_weight_decay_pass_scikit_learns_checks(estimator, check):
    check(estimator)


def test_the_help_says_what_weight_decay_is_and_each_optimizers_own():
    for command in ("train", "capacity", "lr-range", "scaling", "imbalance"):
        text = help_words(command)
        assert ("--weight-decay WEIGHT_DECAY decoupled weight decay: W -= lr * weight_decay * "
                "W before each step, at the schedule's rate, on the weights, not the biases "
                "(PyTorch's AdamW; --l2 is added to the gradient instead, which adam divides "
                "by its denominator too), lr * weight_decay < 1; adamw's 0.01 is PyTorch's "
                "at its lr 1e-3: at --lr 0.1 each step takes 100x that decay, so lower it "
                "(e.g. 0.0001) (default each optimizer's own: 0, adamw 0.01)") in text, command
        assert "rmsprop, adam, adamw (" in text, command
    # the optimizer's help points to --weight-decay's, which says why, once
    assert ("adamw (adamw decays the weights by its own --weight-decay 0.01, too much at "
            "--lr 0.1: see --weight-decay) (default sgd)") in help_words("train")


def test_adamw_at_train_defaults_trains_coin_as_adam_only_with_a_lower_decay(tmp_path, capsys):
    # QA: at hplab train's --lr 0.1 and batch 10, adamw's own 0.01 (PyTorch's, for its lr
    # 1e-3) takes 100x the decay per step: coin 0.766 against adam's 0.940 (seed 2, 200
    # epochs); --weight-decay 0.0001, PyTorch's product, scores as adam does (0.942). The
    # help and the README say so
    found = {}
    for flags in (["--optimizer", "adam"], ["--optimizer", "adamw"],
                  ["--optimizer", "adamw", "--weight-decay", "0.0001"]):
        code, printed, err = run_cli(["train", "--dataset", "coin", "--seed", "2", "--epochs",
                                      "200", *flags, "--out", tmp_path / "-".join(flags),
                                      "--no-report", "--json"], capsys)
        assert code == 0, err
        found[" ".join(flags[1:])] = json.loads(printed)["test_accuracy"]
    assert found["adamw"] < found["adam"] - 0.1
    assert abs(found["adamw --weight-decay 0.0001"] - found["adam"]) <= 0.01
    said = re.search(r"coin at the defaults \(`--epochs 200`, seeds 1-3\) scores "
                     r"([\d.]+)-([\d.]+) with adamw against adam's ([\d.]+)-([\d.]+), which "
                     r"`--weight-decay 0\.0001` gives back", readme_words())
    assert said, "the README's adamw sentence"
    low, high, adam_low, adam_high = map(float, said.groups())
    assert low <= round(found["adamw"], 2) <= high
    assert adam_low <= round(found["adam"], 2) <= adam_high


def test_the_readmes_coin_numbers_are_what_the_commands_print(tmp_path, capsys):
    words = readme_words()
    said = re.search(r"with Adam they differ: on coin \(`([^`]+)`\) Adam reaches a test "
                     r"accuracy of ([\d.]+), Adam with `--l2 0\.01` ([\d.]+), `--optimizer "
                     r"adamw` ([\d.]+)\.", words)
    assert said, "the README's weight decay paragraph"
    found = []
    for flags in (["--optimizer", "adam"], ["--optimizer", "adam", "--l2", "0.01"],
                  ["--optimizer", "adamw"]):
        code, printed, err = run_cli(["train", "--dataset", "coin", *said.group(1).split(),
                                      *flags, "--out", tmp_path / flags[-1], "--no-report",
                                      "--json"], capsys)
        assert code == 0, err
        found.append(f"{json.loads(printed)['test_accuracy']:.3f}")
    assert found == list(said.groups()[1:])
    assert ("`adamw` is Adam whose own `--weight-decay` is torch's 0.01; every other "
            "optimizer's is 0") in words
    assert ("`lr = { low = 1e-4, high = 0.1, log = true }` and `weight_decay = { low = 1e-5, "
            "high = 0.1, log = true }`, with `[fixed]` `optimizer = \"adamw\"`") in words


def test_a_trial_drawing_a_pair_the_space_allows_but_cannot_train_is_diverged(tmp_path):
    # QA: such a trial was an "error" (ValueError: weight_decay ... times lr ...) beside
    # real crashes, and the report's first problem; it trains nothing, as a diverged one
    raw = _spec({"lr": [0.01, 4.0], "weight_decay": [0.1, 0.5]}, {"batch_size": 2})
    raw["study"]["sampler"] = "grid"  # every pair, one of them lr 4 with decay 0.5
    spec = parse_spec(raw)
    storage = tmp_path / "wd.db"
    summary = study.run_study(spec, storage=str(storage))
    trials = optuna.load_study(study_name="wd", storage=f"sqlite:///{storage}").trials
    bad = [t for t in trials if t.params["lr"] * t.params["weight_decay"] >= 1]
    good = [t for t in trials if t not in bad]
    assert bad and good and summary["n_fail"] == 0 and summary["n_diverged"] == len(bad)
    assert all(t.state == optuna.trial.TrialState.PRUNED for t in bad)
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in good)
    code = hplab.main(["study", "show", "wd", "--storage", str(storage), "--json"])
    assert code == 0
    out = tmp_path / "report"
    assert hplab.main(["study", "report", "wd", "--storage", str(storage),
                       "--out", str(out)]) == 0
    text = (out / "report.html").read_text()
    assert "weight_decay 0.5 times lr 4 is 2" in text and "the space allows such pairs" in text
