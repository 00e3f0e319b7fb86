"""Batch norm beyond nets' core: the commands, the estimators, the study specs, the
analyses, the ONNX export and the training report."""

import json
import warnings

import numpy as np
import pytest
from cli_helpers import run_cli
from conftest import ready_spec_header
from sklearn.exceptions import ConvergenceWarning

import analyses
import data
import nets

DEEP_SIGMOID = ["--hidden", "32,32,32,32", "--activation", "sigmoid", "--lr", "0.1",
                "--batch-size", "32", "--epochs", "10"]


def test_train_command_trains_a_deep_sigmoid_net_that_does_not_learn_without_it(
        tmp_path, capsys):
    found = {}
    for flag in ([], ["--batch-norm"]):
        out = tmp_path / f"run{len(flag)}"
        code, printed, err = run_cli(["train", "--dataset", "digits", *DEEP_SIGMOID, *flag,
                                      "--out", out, "--json"], capsys)
        assert code == 0, err
        found[bool(flag)] = json.loads(printed)
    # README: four sigmoid layers of 32 under plain SGD stay at chance for 10 epochs
    # (vanishing gradients); normalised, they reach 0.94
    assert found[False]["test_accuracy"] < 0.2 and found[True]["test_accuracy"] >= 0.9
    out = tmp_path / "run1"
    assert json.loads((out / "config.json").read_text())["config"]["batch_norm"] is True
    model = nets.load_model(out / "model.npz")
    assert model.net.batch_norm and model.net.running[0].any()  # moved from its start (0)
    ds = data.load("digits", seed=0)
    # evaluation uses the running statistics: a row's prediction is its own, whatever the
    # rows beside it
    together = model.predict_normalized(ds.X_test).probabilities
    alone = np.vstack([model.predict_normalized(ds.X_test[i:i + 1]).probabilities
                       for i in range(5)])
    np.testing.assert_allclose(alone, together[:5], rtol=1e-5, atol=1e-7)
    assert (together.argmax(1) == ds.y_test).mean() == found[True]["test_accuracy"]
    report = (out / "report.html").read_text()
    assert "sigmoid, batch norm, multiclass head" in report
    assert "4,970 parameters" not in report and f"{model.net.n_parameters:,} parameters" in report


def test_train_report_draws_the_hidden_space_with_batch_norm_folded_in(tmp_path, capsys):
    out = tmp_path / "coin"
    code, printed, err = run_cli(["train", "--dataset", "coin", "--hidden", "8",
                                  "--activation", "tanh", "--lr", "0.1", "--epochs", "30",
                                  "--batch-norm", "--out", out, "--json"], capsys)
    assert code == 0, err
    assert json.loads(printed)["test_accuracy"] >= 0.75  # 0.796
    report = (out / "report.html").read_text()
    assert "Hidden space" in report and "(its batch norm, at the running statistics, " \
        "folded in)" in report


def test_gradcheck_command_checks_batch_norm(capsys):
    code, printed, err = run_cli(["gradcheck", "--dataset", "coin", "--hidden", "8,6",
                                  "--activation", "relu,sigmoid", "--batch-norm", "--dropout",
                                  "0.2", "--json"], capsys)
    assert code == 0, err
    summary = json.loads(printed)
    assert summary["verdict"] == "excellent" and summary["relative_difference"] < 1e-7
    # 2-8-6-3: 16 + 48 + 18 weights, 3 output biases (the hidden layers' are unused), and
    # 2 x (8 + 6) gammas and betas
    assert summary["n_parameters"] == 82 + 3 + 28
    code, printed, err = run_cli(["gradcheck", "--dataset", "coin", "--hidden", "",
                                  "--batch-norm"], capsys)
    assert code == 2 and err.count("\n") == 1 and "no hidden layer" in err


def test_the_estimators_take_batch_norm_and_show_the_layers_they_predict_with():
    ds = data.load("digits", seed=0)
    settings = {"hidden": (32, 32, 32, 32), "activation": "sigmoid", "optimizer": "sgd",
                "lr": 0.1, "batch_size": 32, "max_epochs": 10, "patience": 0,
                "random_state": 0}
    clf = nets.NetClassifier(**settings, batch_norm=True).fit(ds.X_train, ds.y_train)
    plain = nets.NetClassifier(**settings).fit(ds.X_train, ds.y_train)
    assert clf.get_params()["batch_norm"] is True and clf.config_.batch_norm
    assert clf.score(ds.X_test, ds.y_test) >= 0.9 > 0.2 > plain.score(ds.X_test, ds.y_test)
    # coefs_ and intercepts_ are the affine layers it predicts with: a plain forward pass
    # through them gives its probabilities
    a = ds.X_test.astype(np.float64)
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1], strict=True):
        a = 1 / (1 + np.exp(-(a @ W + b)))
    z = a @ clf.coefs_[-1] + clf.intercepts_[-1]
    p = np.exp(z - z.max(1, keepdims=True))
    np.testing.assert_allclose(p / p.sum(1, keepdims=True), clf.predict_proba(ds.X_test),
                               atol=1e-9)
    with pytest.raises(ValueError, match="batch norms folded in"):
        clf.coefs_[0] = clf.coefs_[0]
    X = np.linspace(0, 1, 200)[:, None]
    y = np.sin(2 * np.pi * X[:, 0])
    r2 = [nets.NetRegressor(hidden=(16, 16), lr=0.01, max_epochs=100, patience=0,
                            batch_norm=norm, random_state=0).fit(X, y).score(X, y)
          for norm in (False, True)]
    assert r2[1] > 0.9 and r2[1] > r2[0]  # 0.94 against 0.81 for one period of sin


def test_a_batch_normed_estimator_stopping_early_trains_past_its_start():
    # QA: NetClassifier(hidden=(8,), batch_norm=True, random_state=4) on standardised iris
    # (150 rows, one step an epoch) stopped early at epoch 10 with the weights it started
    # from: accuracy 0.173, loss_ the epoch-0 loss (patience=0 reached 0.847). Checkpoints
    # scored the net at running statistics that started at 0 and 1 (epoch 0: a net
    # without batch norm) and lagged the batches' by tens of one-step epochs
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_epochs reached: 200
        clf = nets.NetClassifier(hidden=(8,), batch_norm=True, random_state=4).fit(X, y)
        unwatched = nets.NetClassifier(hidden=(8,), batch_norm=True, patience=0,
                                       random_state=4).fit(X, y)
    assert clf.n_iter_ > 10 and clf.result_.final_row != 0
    assert clf.loss_ < 0.5 * clf.loss_curve_[0]  # 0.518 from 1.289
    assert clf.score(X, y) == unwatched.score(X, y) >= 0.84  # 0.847
    # y = x0 > 0 on 200 rows: 3 of 10 seeds kept their untrained starts (0.23 to 0.54)
    X = np.random.default_rng(0).normal(size=(200, 2))
    y = (X[:, 0] > 0).astype(int)
    scores = []
    for seed in range(10):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            toy = nets.NetClassifier(hidden=(8,), batch_norm=True, random_state=seed).fit(X, y)
        assert toy.result_.final_row != 0 and toy.loss_ < toy.loss_curve_[0]
        scores.append(toy.score(X, y))
    assert min(scores) >= 0.85  # 0.865 to 0.98


def test_a_study_searches_batch_norm(spec_file, tmp_path):
    import study

    path = spec_file("bn", dataset="digits", metric="val_accuracy", n_trials=4, max_epochs=5,
                     pruner="none", sampler="grid",
                     space={"batch_norm": [True, False], "lr": [0.05, 0.2]},
                     fixed={"hidden": [32, 32, 32], "activation": "sigmoid",
                            "optimizer": "sgd", "batch_size": 32})
    summary = study.run_study(str(path), storage=str(tmp_path / "s.db"), progress=False)
    assert summary["n_complete"] == 4 and summary["best_params"]["batch_norm"] is True
    s, _ = study.open_study("bn", str(tmp_path / "s.db"))
    by_norm = {}
    for t in s.trials:
        by_norm.setdefault(t.params["batch_norm"], []).append(t.value)
    assert min(by_norm[True]) > 0.85 and max(by_norm[False]) < 0.5
    bad = spec_file("bad", space={"batch_norm": {"low": 0, "high": 1}})
    with pytest.raises(study.SpecError, match=r"true or false: give choices = \[true, false\]"):
        study.load_spec(str(bad))
    # a searched batch size or depth batch norm cannot train with: refused up front, not
    # left to fail every trial that draws the pair
    for key, values, bad_value, why in (
            ("batch_size", {"low": 1, "high": 64}, 1, "batches of 2 rows"),
            ("depth", [0, 1, 2], 0, "no hidden layer")):
        bad = spec_file("bad", space={"batch_norm": [True, False], key: values},
                        fixed={"width": 4})
        with pytest.raises(study.SpecError, match=f"^space.{key} value {bad_value} with "
                                                  f"space.batch_norm true: .*{why}"):
            study.load_spec(str(bad))
    fine = spec_file("fine", space={"batch_norm": [False], "batch_size": {"low": 1, "high": 8}},
                     fixed={"width": 4})
    assert study.load_spec(str(fine)).space.get("batch_norm").choices == (False,)


def test_a_searched_dropout_beside_a_searched_depth_of_0_is_refused_up_front(spec_file):
    # QA: dropout {0, 0.5} beside depth {0, 1} loaded, and 3 of 4 trials failed ("a net
    # with no hidden layer has none") where batch norm's pair was refused at load
    import study

    for dropout in ({"low": 0.0, "high": 0.5}, [0.0, 0.5]):
        bad = spec_file("bad", dataset="xor", space={"dropout": dropout,
                                                     "depth": {"low": 0, "high": 1}})
        with pytest.raises(study.SpecError, match=r"^space.depth value 0 with space.dropout "
                                                  r"0.5: dropout 0.5 drops .*no hidden layer"):
            study.load_spec(str(bad))
    # dropout searched only at 0, or depth never 0: nothing to refuse
    for space in ({"dropout": [0.0], "depth": {"low": 0, "high": 1}},
                  {"dropout": {"low": 0.0, "high": 0.5}, "depth": {"low": 1, "high": 2}}):
        spec = study.load_spec(str(spec_file("fine", dataset="xor", space=space)))
        assert spec.space.get("dropout") is not None


def test_capacity_with_batch_norm_trains_the_deep_nets(capsys):
    found = {}
    for flag in ([], ["--batch-norm"]):
        code, printed, err = run_cli(["capacity", "--dataset", "digits", "--widths", "32",
                                      "--depths", "1,4", "--activation", "sigmoid",
                                      "--optimizer", "sgd", "--lr", "0.1", "--batch-size",
                                      "32", "--epochs", "10", "--schedule", "constant",
                                      "--seeds", "2", *flag, "--no-report", "--json"], capsys)
        assert code == 0, err
        found[bool(flag)] = json.loads(printed)
    assert found[True]["config"]["batch_norm"] is True
    val = {k: {row["depth"]: row["val_accuracy"] for row in v["table"]}
           for k, v in found.items()}
    # README: depth 4 at chance without it, as good as depth 1 with it
    assert val[False][4] < 0.2 and val[True][4] >= 0.93 and val[True][1] > val[False][1]


def test_scaling_refuses_the_noise_scale_with_batch_norm(capsys):
    code, _, err = run_cli(["scaling", "--dataset", "coin", "--batch-norm"], capsys)
    assert code == 2 and err.count("\n") == 1 and "--no-noise" in err
    # review: only --json's config was checked; the nets it trains have the layer, which
    # moves the target (from the reference runs) and the steps to it
    found = {}
    for flag in ([], ["--batch-norm"]):
        code, printed, err = run_cli(["scaling", "--dataset", "coin", "--hidden", "8",
                                      "--batch-sizes", "8,32", "--lrs", "0.1,0.3", "--seeds",
                                      "1", "--max-steps", "200", "--no-noise", *flag,
                                      "--no-report", "--json"], capsys)
        assert code == 0, err
        found[bool(flag)] = json.loads(printed)
    assert found[True]["config"]["batch_norm"] is True
    assert {k: (s["target"], s["steps_to_target"]) for k, s in found.items()} == {
        False: (0.5035, [23, 44]), True: (0.5605, [91, 188])}
    ds = data.load("coin", seed=0)
    net = nets.build_net(nets.TrainConfig(hidden=(4,), batch_norm=True), 2, ds.y_train,
                         rng=np.random.default_rng(0))
    T = nets.get_head(net.head).encode(ds.y_train, 3, net.dtype)
    with pytest.raises(ValueError, match="batch norm breaks"):
        analyses.exact_noise_scale(net, ds.X_train[:20], T[:20])


def test_lr_range_trains_with_batch_norm(capsys):
    # review: only --json's config was checked; the layer moves the curve and its valley
    found = {}
    for flag in ([], ["--batch-norm"]):
        code, printed, err = run_cli(["lr-range", "--dataset", "coin", "--hidden", "16",
                                      "--steps", "30", *flag, "--no-report", "--json"], capsys)
        assert code == 0, err
        found[bool(flag)] = json.loads(printed)
    assert found[True]["config"]["batch_norm"] is True
    assert {k: (round(s["runs"][0]["descent"], 4), round(s["suggested_lr"], 5))
            for k, s in found.items()} == {False: (0.1212, 0.01743), True: (0.1086, 0.00924)}


def test_onnx_export_folds_batch_norm_into_its_layers(tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime")
    out = tmp_path / "run"
    code, _, err = run_cli(["train", "--dataset", "coin", "--hidden", "8,8", "--activation",
                            "relu,tanh", "--epochs", "20", "--batch-norm", "--out", out,
                            "--no-report"], capsys)
    assert code == 0, err
    code, printed, err = run_cli(["export-onnx", out / "model.npz", tmp_path / "m.onnx",
                                  "--json"], capsys)
    assert code == 0, err
    ds = data.load("coin", seed=0)
    model = nets.load_model(out / "model.npz")
    raw = ds.X_test * ds.x_scale + ds.x_shift  # the inputs as the data set holds them
    session = ort.InferenceSession(str(tmp_path / "m.onnx"),
                                   providers=["CPUExecutionProvider"])
    outputs = dict(zip([o.name for o in session.get_outputs()],
                       session.run(None, {"input": np.asarray(raw, np.float32)}), strict=True))
    expected = model.predict(raw).probabilities
    np.testing.assert_allclose(outputs["probabilities"], expected, atol=1e-5)
    assert (expected.argmax(1) == ds.y_test).mean() > 0.8


def test_imbalance_benchmarks_every_strategy_on_the_net_it_is_given(capsys):
    found = {}
    for flags in ([], ["--batch-norm", "--dropout", "0.1"]):
        code, printed, err = run_cli(["imbalance", "--dataset", "digits", "--positive", "8",
                                      "--ratio", "1:20", "--strategies", "none,class_weight",
                                      "--seeds", "1", "--epochs", "10", "--workers", "1",
                                      *flags, "--no-report", "--json"], capsys)
        assert code == 0, err
        found[bool(flags)] = json.loads(printed)
    params = found[True]["net_params"]
    assert (params["batch_norm"], params["dropout"]) == (True, 0.1)
    assert (found[False]["net_params"]["batch_norm"], found[False]["net_params"]["dropout"]) \
        == (False, 0.0)
    assert found[True]["metrics"] != found[False]["metrics"]  # other nets, other scores
    assert all(row["mean"] > 0.9 for row in found[True]["ranking"])  # PR-AUC 0.97, 0.96


@pytest.mark.slow
def test_the_depth_norm_spec_finds_what_its_header_says(tmp_path, capsys):
    import re

    import study

    said = re.search(r"validation accuracy ([0-9.]+) at depth 1, ([0-9.]+) at 2, ([0-9.]+) "
                     r"at 4 and ([0-9.]+) at 6 \(chance\); with it ([0-9.]+), ([0-9.]+), "
                     r"([0-9.]+) and ([0-9.]+)\.", ready_spec_header("depth-norm"))
    db = tmp_path / "dn.db"
    summary = study.run_study("depth-norm", storage=str(db), progress=False)
    assert (summary["n_complete"], summary["best_params"]["batch_norm"]) == (8, True)
    s, _ = study.open_study("depth-norm", str(db))
    value = {(t.params["batch_norm"], t.params["depth"]): t.value for t in s.trials}
    found = [f"{value[norm, depth]:.3f}" for norm in (False, True) for depth in (1, 2, 4, 6)]
    assert found == list(said.groups())
    code, out, _ = run_cli(["study", "show", "depth-norm", "--storage", db], capsys)
    assert code == 0 and "final val_accuracy by depth (rows) and batch_norm (columns)" in out


@pytest.mark.parametrize("command", [
    ["capacity", "--dataset", "coin", "--widths", "4", "--seeds", "1", "--epochs", "20"],
    ["lr-range", "--dataset", "coin", "--hidden", "8", "--steps", "20"],
    ["scaling", "--dataset", "coin", "--hidden", "8", "--batch-sizes", "8,32", "--lrs",
     "0.1,1", "--seeds", "1", "--max-steps", "100", "--no-noise"],
])
def test_an_analysis_reports_subtitle_names_its_regularisers(command, tmp_path, capsys):
    import re

    subtitles = []
    for flags in ([], ["--dropout", "0.1", "--l2", "0.001", "--batch-norm"]):
        out = tmp_path / str(len(flags))
        code, _, err = run_cli([*command, *flags, "--out", out], capsys)
        assert code == 0, err
        html = (out / "report.html").read_text()
        subtitles.append(re.search(r'class="subtitle">([^<]*)<', html).group(1))
    plain, regularised = subtitles
    assert "dropout" not in plain and "batch norm" not in plain and "L2" not in plain
    assert "L2 0.001 · dropout 0.1 · batch norm" in regularised


def test_one_row_is_no_batch_for_batch_norm(tmp_path, capsys):
    ds = data.load("coin", seed=0)
    cfg = nets.TrainConfig(hidden=(4,), batch_size=-1, max_epochs=2, batch_norm=True)
    net = nets.build_net(cfg, 2, ds.y_train, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="and the training set has 1 sample$"):
        nets.train(net, cfg, ds.X_train[:1], ds.y_train[:1], rng=np.random.default_rng(0))
    code, _, err = run_cli(["gradcheck", "--dataset", "xor", "--hidden", "2", "--samples", "1",
                            "--batch-norm"], capsys)
    assert code == 2 and err.count("\n") == 1 and "checked on 2 rows or more" in err
    # scaling's default sweep starts at 2 with batch norm (1, 2, 4... without)
    code, printed, err = run_cli(["scaling", "--dataset", "coin", "--hidden", "4",
                                  "--batch-norm", "--no-noise", "--seeds", "1", "--lrs", "0.1",
                                  "--max-steps", "20", "--target", "0.5", "--no-report",
                                  "--json"], capsys)
    assert code == 0, err
    assert json.loads(printed)["batch_sizes"] == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900]


def test_a_model_with_broken_running_statistics_is_refused(tmp_path, capsys):
    from conftest import tamper

    out = tmp_path / "run"
    code, _, err = run_cli(["train", "--dataset", "coin", "--hidden", "4", "--epochs", "5",
                            "--batch-norm", "--out", out, "--no-report"], capsys)
    assert code == 0, err
    model = out / "model.npz"
    net = nets.load_net(model)[0]
    first_var = f"param_{len(net.params) + 1}"  # after the parameters: mean0, var0
    for name, value, why in (("nan", np.nan, "contain NaN or infinite values"),
                             ("negative", -1.0, "running variance is negative")):
        bad = tamper(model, tmp_path / f"{name}.npz",
                     **{first_var: np.full_like(net.running[1], value)})
        for command in (["predict", bad, "--dataset"],
                        ["export-onnx", bad, tmp_path / f"{name}.onnx"]):
            code, _, err = run_cli(command, capsys)
            assert code == 2 and err.count("\n") == 1 and why in err, (command, err)
        assert not (tmp_path / f"{name}.onnx").exists()
