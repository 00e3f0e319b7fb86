"""Bad arguments to the public Python API fail with a clear error naming the argument, not
a traceback from deep inside (or a silently wrong result)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import optuna
import pytest
from sklearn.exceptions import ConvergenceWarning

import analyses
import data
import nets
import reports
import study


def _net(sizes=(2, 3, 3), head="multiclass"):
    return nets.MLP.initialized(sizes, ("relu",) * (len(sizes) - 2), head,
                                rng=np.random.default_rng(0))


@pytest.mark.parametrize(("sizes", "head"), [((2, 3, 2), "binary"), ((2, 3, 1), "multiclass")])
def test_a_head_needs_its_output_width(sizes, head):
    # a 2-output binary net predicted from its first logit and could not be loaded again
    with pytest.raises(ValueError, match=f"a {head} head cannot have {sizes[-1]} output"):
        _net(sizes, head)


@pytest.mark.parametrize(("sizes", "message"), [
    # a width of 0 was blamed on the head ("a binary head cannot have 1 output(s)"), and
    # 3.7 built a width-3 layer without a word
    ((2, 0, 1), r"layer widths must be >= 1, got sizes \(2, 0, 1\)"),
    ((2, -1, 3), r"layer widths must be >= 1"),
    ((2, 3.7, 1), r"layer widths must be whole numbers, got sizes \(2, 3\.7, 1\)")])
def test_a_layer_width_is_a_whole_number_of_one_or_more(sizes, message):
    with pytest.raises(ValueError, match=message):
        _net(sizes, "binary" if sizes[-1] == 1 else "multiclass")
    assert _net((2, 3.0, 1), "binary").sizes == (2, 3, 1)


def test_a_head_fits_the_task_it_is_built_for():
    # two classes train a softmax of two outputs too; classes never train a regression
    cfg = nets.TrainConfig(hidden=(3,), head="multiclass")
    y = np.array([0, 1, 1, 0])
    assert nets.build_net(cfg, 2, y, rng=np.random.default_rng(0), task="binary").sizes \
        == (2, 3, 2)
    with pytest.raises(ValueError, match="^head regression does not fit multiclass data; "
                                         "valid: auto, multiclass$"):
        nets.build_net(cfg.replace(head="regression"), 2, y, rng=np.random.default_rng(0),
                       task="multiclass")


def test_hidden_takes_hidden_layers_only():
    X = np.ones((4, 2))
    z, a = _net().hidden(X, 0)
    assert z.shape == a.shape == (4, 3)
    for layer in (1, -1, 5, True):  # 1 gave the output layer's logits as a "hidden" one
        with pytest.raises(ValueError, match="layer must be a hidden layer's index, 0..0"):
            _net().hidden(X, layer)


def test_training_and_prediction_arguments(tmp_path):
    net, cfg = _net(), nets.TrainConfig(hidden=(3,), activation="relu", max_epochs=1)
    X, y = np.ones((8, 2)), np.arange(8) % 3
    with pytest.raises(ValueError, match="give X_val and y_val together"):
        nets.train(net, cfg, X, y, X, rng=np.random.default_rng(0))
    path = nets.save_net(tmp_path / "api_model.npz", net)
    with pytest.raises(ValueError, match="split must be test, val or train, got 'tests'"):
        nets.predict_dataset(nets.load_model(path), data.load("coin"), "tests")


def test_reports_tables_take_class_indices_not_labels():
    with pytest.raises(ValueError, match="y_true must be class indices 0..1"):
        reports.per_class_frame(np.array([1, 2, 2]), np.array([1, 1, 0]), (1, 2))
    with pytest.raises(ValueError, match="y_true must be class indices"):
        reports.confusion_frame(np.array(["x", "y"]), np.array([0, 1]), ("x", "y"))
    with pytest.raises(ValueError, match="y_pred must be class indices"):
        reports.confusion_frame(np.array([0, 1]), np.array(["0", "1"], dtype=object), "xy")
    # QA: indices held as objects (a pandas Series of dtype object) were refused as
    # "must be class indices 0..1 (...), not the labels themselves"
    indices = np.array([0, 1, 1], dtype=object)
    assert reports.confusion_frame(indices, indices, ("x", "y"))[["x", "y"]].values.tolist() \
        == [[1, 0], [0, 2]]
    assert reports.per_class_frame(indices, np.array([0, 0, 1]), ("x", "y"))[
        "support"].tolist() == [1, 2, 3]


def test_data_analyses_and_storage_arguments():
    with pytest.raises(data.DataError, match=r"^val_fraction must be a number in \[0, 1\), "
                                             r"got '0\.2'$"):
        data.load("coin", val_fraction="0.2")  # a str, not out of range (it said "got 0.2")
    # NumPy's scalars are numbers (a float32 0.2 was "must be in [0, 1), got 0.2000000029")
    assert data.load("coin", val_fraction=np.float32(0.25)).info["sizes"] == \
        data.load("coin", val_fraction=0.25).info["sizes"]
    from analyses._lr_ramp_rates import check_ramp

    check_ramp("exp", np.float32(1e-4), np.float32(5), np.int64(10))  # it refused max_lr
    spec = study.parse_spec({"study": {"name": "np", "dataset": "xor", "seed": np.int64(3)},
                             "space": {"lr": {"low": np.float64(0.1), "high": 1.0},
                                       "batch_size": np.array([1, 2]), "width": (2, 4)}})
    assert spec.seed == 3 and type(spec.seed) is int
    assert spec.raw["space"] == {"lr": {"low": 0.1, "high": 1.0}, "batch_size": [1, 2],
                                 "width": [2, 4]}
    json.dumps(spec.raw)  # stored with the study as JSON
    with pytest.raises(ValueError, match="confidence must be in"):
        analyses.mean_ci([1, 2, 3], confidence=2)
    with pytest.raises(ValueError, match="proba must be finite scores"):
        analyses.imbalance_metrics([0, 1, 1], [0.1, np.nan, 0.5])
    with pytest.raises(ValueError, match="y_true must be 0 .negative. and 1"):
        analyses.imbalance_metrics([1, 2, 2], [0.1, 0.8, 0.5])
    with pytest.raises(study.StorageError, match="foo"):
        study.resolve_storage("foo://x")


def test_a_net_beyond_the_machines_memory_is_refused_before_it_is_allocated(capsys):
    # numpy's zeros are lazy: a billion-wide layer was allocated, then killed while its
    # weights were drawn (exit 137, no message) or swapped for minutes
    import os

    from cli_helpers import run_cli

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    fits_once = memory // 24  # xor: 4 w + 1 float32 parameters, 2/3 of the memory
    code, out, err = run_cli(["train", "--dataset", "xor", "--hidden", str(fits_once),
                              "--epochs", "1", "--no-report"], capsys)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"a net of {4 * fits_once + 1:,} parameters needs" in err
    assert "GiB for its weights and gradients; this machine has" in err
    with pytest.raises(ValueError, match="GiB for its weights; this machine has"):
        nets.MLP((2, memory // 8, 1), ["tanh"], "binary")  # a saved model's too
    with pytest.raises(ValueError, match="for its weights and gradients"):
        nets.NetClassifier(hidden=(fits_once,), dtype="float32").fit([[0, 0], [1, 1]], [0, 1])
    # weights and gradients that fit, with Adam's two moments that do not (a quarter each)
    net = nets.MLP((2, memory // 64, 1), ["tanh"], "binary")
    cfg = nets.TrainConfig(hidden=(memory // 64,), activation="tanh", optimizer="adam",
                           max_epochs=1)
    with pytest.raises(ValueError, match="for its weights, gradients and adam's state"):
        nets.train(net, cfg, [[0, 0], [1, 1]], [0, 1], rng=np.random.default_rng(0))


def test_train_run_refuses_to_write_over_other_results(tmp_path):
    # QA: study.train_run(out="rep/best_model") replaced a study report's best model, and
    # out="rep" mixed a run into its report folder, where `hplab train --out` refuses both
    cfg = nets.TrainConfig(hidden=(2,), max_epochs=1)
    rep = tmp_path / "rep"
    (rep / "best_model").mkdir(parents=True)
    (rep / "report.html").write_text("<html></html>")
    (rep / "spec.toml").write_text("# a study report's spec\n")
    (rep / "best_model" / "model.npz").write_bytes(b"the study's best")
    (tmp_path / "st.db").write_bytes(b"")
    for out, said in ((rep / "best_model", "is the best model of a study's report"),
                      (rep, "holds another command's report"),
                      (tmp_path / "st.db", "is a file; give a folder")):
        with pytest.raises(ValueError, match=f"^out {re.escape(str(out))} {said}"):
            study.train_run("xor", cfg, out=out)
    assert (rep / "best_model" / "model.npz").read_bytes() == b"the study's best"
    with pytest.raises(TypeError, match="^cfg must be a nets.TrainConfig, got dict$"):
        study.train_run("xor", {"lr": 0.1})
    run = study.train_run("xor", cfg, out=tmp_path / "mine")  # a run's own folder: replaced
    study.train_run("xor", cfg, out=tmp_path / "mine")
    assert (tmp_path / "mine" / "model.npz").is_file() and run.config == cfg


def test_capacity_sweep_names_a_config_or_widths_of_the_wrong_type():
    # QA: config={"lr": 0.1} was "'dict' object has no attribute 'activation'", widths=None
    # "'NoneType' object is not iterable"
    with pytest.raises(TypeError, match="^config must be a nets.TrainConfig, got dict$"):
        analyses.capacity_sweep("coin", widths=(2,), config={"lr": 0.1})
    with pytest.raises(TypeError, match="^widths must be a sequence of integers, got NoneType$"):
        analyses.capacity_sweep("coin", widths=None)
    # QA: "2,4" was iterated ("widths must be positive integers, got '2'"); bytes too
    for given, spelled in (("2,4", "[2, 4]"), (" 1, 2", "[1, 2]"), ("wide", "[2, 4]"),
                           (b"2", "[2]")):
        for name in ("widths", "depths"):
            with pytest.raises(TypeError, match=re.escape(
                    f"{name} must be a sequence of integers, got {given!r} (a string; give "
                    f"a list such as {spelled})")):
                analyses.capacity_sweep("coin", **{name: given})
    assert analyses._capacity._check_sizes("widths", 4) == (4,)  # one width, as (4,)


def test_evaluate_checks_labels_as_training_does():
    # -1 was scored as the last class, labels 2..5 by a binary head, 7 an IndexError
    X = np.random.default_rng(0).normal(size=(6, 2))
    binary, multi = _net((2, 3, 1), "binary"), _net((2, 3, 3))
    with pytest.raises(ValueError, match=r"evaluated labels must lie in 0\.\.1, got 0\.\.5"):
        nets.evaluate(binary, X, [0, 1, 2, 3, 4, 5])
    for y in ([0, 1, 2, 0, 1, -1], [0, 1, 2, 0, 1, 7]):
        with pytest.raises(ValueError, match=r"evaluated labels must lie in 0\.\.2"):
            nets.evaluate(multi, X, y)
    loss, accuracy = nets.evaluate(multi, X, [0, 1, 2, 0, 1, 2])
    assert np.isfinite(loss) and accuracy in {k / 6 for k in range(7)}


def test_float32_targets_beyond_its_range_are_named_not_diverged():
    # 1e39 became inf in the cast: "training diverged; lower lr"
    X = np.random.default_rng(0).normal(size=(20, 3))
    reg = nets.NetRegressor(hidden=(4,), max_epochs=2, dtype="float32", random_state=0)
    with pytest.raises(ValueError, match=r"training targets have values beyond float32's "
                                         r"range \(about 3\.4e38\); fit with dtype='float64'"):
        reg.fit(X, np.full(20, 1e39))
    with pytest.warns(ConvergenceWarning):  # two epochs: it trains, in float64
        assert reg.set_params(dtype="float64").fit(X, np.full(20, 1e39)).status_ == "max_epochs"


def test_a_net_is_float32_or_float64():
    # an int net truncated xavier's draws to 0 and -1, then failed inside tanh
    for dtype in (int, np.float16, np.complex128):
        with pytest.raises(ValueError, match="dtype must be float32 or float64, got"):
            nets.MLP.initialized((3, 4, 1), ("tanh",), "binary", rng=np.random.default_rng(0),
                                 dtype=dtype)
    # a byte order other than the machine's is the same float64, as the estimators take it
    nonnative = ">f8" if np.little_endian else "<f8"
    net = nets.MLP.initialized((3, 4, 1), ("tanh",), "binary", rng=np.random.default_rng(0),
                               dtype=nonnative)
    assert net.dtype == np.float64 and net.dtype.isnative and net.flat.dtype.isnative


def test_arguments_are_named_in_their_errors():
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = np.arange(20) % 2
    gc = nets.gradcheck_dataset(X, y, n_samples=np.int64(8))  # a NumPy integer is one
    assert gc.verdict == "excellent" and gc.n_parameters == 3 * 16 + 16 + 16 + 1
    for call, message in [
            (lambda: nets.gradcheck_dataset(X[:, 0], y), r"X must be 2-D \(samples, features\)"),
            (lambda: nets.gradcheck_dataset(X, y, seed=-1),
             "seed must be a non-negative integer, got -1"),
            (lambda: nets.NetClassifier(class_weight={0: "a"}).fit(X, y),
             "class_weight must map classes to numbers"),
            (lambda: nets.NetClassifier(max_epochs=1).fit(X, y, sample_weight=["a"] * 20),
             "training sample_weight must be numbers"),
            (lambda: nets.learning_rate(-1, nets.TrainConfig(), 10), "step must be >= 0"),
            (lambda: nets.train(_net((3, 4, 1), "binary"),
                                nets.TrainConfig(hidden=(4,), activation="relu"), X, y,
                                rng=np.random.default_rng(0), snapshots=-1),
             "snapshots must be an integer >= 0, got -1"),
            (lambda: nets.gradcheck_dataset(X, y, n_samples=0),
             "n_samples must be an integer >= 1, got 0")]:
        with pytest.raises(ValueError, match=message):
            call()
    net = _net((3, 4, 1), "binary")
    cfg = nets.TrainConfig(hidden=(4,), activation="relu", max_epochs=1)
    for bad, message in [
            # they failed deep inside: "'dict' object has no attribute 'class_weight'",
            # "'builtin_function_or_method' object has no attribute 'on_step'"
            ({"cfg": {"max_epochs": 1}}, r"cfg must be a nets\.TrainConfig "
                                         r"\(nets\.TrainConfig\(\*\*settings\)\), got dict"),
            ({"callbacks": [print]}, r"callbacks must be nets\.Callback objects \(on_step and "
                                     r"on_checkpoint methods\), got builtin_function_or_method"),
            ({"callbacks": nets.Callback()}, r"callbacks must be a sequence of nets\.Callback "
                                             r"objects \(a list\), got Callback")]:
        with pytest.raises(TypeError, match=message):
            nets.train(net, bad.get("cfg", cfg), X, y, rng=np.random.default_rng(0),
                       callbacks=bad.get("callbacks", ()))
    assert nets.train(net, cfg, X, y, rng=np.random.default_rng(0), callbacks=None).status


def test_imbalance_helpers_take_what_the_estimator_takes_and_refuse_fractions():
    pipe = nets.make_imbalance_pipeline("smote", net_params={"dtype": np.float32})
    assert pipe.steps[-1][1].dtype == np.float32  # as NetClassifier(dtype=np.float32)
    # 0.6 and 1.9 were cut to 0 and 1: a perfect ROC-AUC
    with pytest.raises(ValueError, match=r"y_true must be 0 \(negative\) and 1 \(positive\), "
                                         r"got labels \[0\.0, 0\.6, 1\.0, 1\.9\]"):
        nets.imbalance_metrics([0, 0.6, 1.9, 1], [0.1, 0.2, 0.8, 0.9])
    assert nets.imbalance_metrics([0, 0.0, 1.0, 1], [0.1, 0.2, 0.8, 0.9])["roc_auc"] == 1.0


@pytest.mark.parametrize("call, expected", [
    (lambda: reports.training_report("xor", "out"), "a study.TrainRun"),
    # "an analyses.": QA read "expected a analyses.LRRangeResult"
    (lambda: reports.lr_range_report("runs/lr-range/coin", "out"), "an analyses.LRRangeResult"),
    (lambda: reports.scaling_report({"b_crit": 4}, "out"), "an analyses.ScalingResult"),
    (lambda: reports.capacity_report("coin", "out"), "an analyses.CapacityResult"),
    (lambda: reports.imbalance_report("digits", "out"), "an analyses.ImbalanceResult"),
    # another command's result: "'LRRangeResult' object has no attribute 'best'"
    (lambda: reports.capacity_report(analyses.lr_range_test("xor", num_steps=10), "out"),
     "an analyses.CapacityResult")])
def test_a_report_of_a_name_path_or_summary_is_a_type_error(call, expected, tmp_path,
                                                            monkeypatch):
    # they ended in "'str' object has no attribute 'fit'" (or 'summary', 'best'...)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match=f"expected {re.escape(expected)} \\(what "):
        call()
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("call, message", [
    # QA: AttributeErrors from deep inside ("'dict' object has no attribute 'replace'",
    # "... 'head'", "'str' object has no attribute 'feature_names'", "... 'user_attrs'");
    # scaling_study's was a ValueError, capacity_sweep's a TypeError
    (lambda: analyses.lr_range_test("coin", config={"hidden": (8,)}),
     r"config must be a nets\.TrainConfig, got dict"),
    (lambda: analyses.capacity_sweep("coin", widths=[2], config={"hidden": (8,)}),
     r"config must be a nets\.TrainConfig, got dict"),
    (lambda: analyses.scaling_study("coin", lrs=[0.1], config={"hidden": (8,)}),
     r"config must be a nets\.TrainConfig, got dict"),
    (lambda: nets.build_net({"hidden": (4,)}, 2, np.arange(4) % 2,
                            rng=np.random.default_rng(0)),
     r"cfg must be a nets\.TrainConfig \(nets\.TrainConfig\(\*\*settings\)\), got dict"),
    (lambda: nets.read_inputs("in.csv", "model.npz"),
     r"model must be a nets\.SavedModel \(load it first: nets\.load_model\('model\.npz'\)\), "
     "got str"),
    (lambda: nets.predict_dataset("model.npz", data.load("xor")),
     r"model must be a nets\.SavedModel \(load it first: nets\.load_model\('model\.npz'\)\)"),
    (lambda: reports.training_report(nets.TrainConfig(), "out"),
     r"expected a study\.TrainRun \(what study\.train_run returns\), got TrainConfig "),
    (lambda: reports.training_report(None, "out"),
     r"expected a study\.TrainRun \(what study\.train_run returns\), got NoneType "),
    (lambda: study.trial_info(3),
     r"trial must be an optuna trial \(a FrozenTrial, e.g\. optuna_study\.trials\[0\]\), "
     "got int"),
    # QA: "'str' object has no attribute 'n_features'" (nets cannot import data: a
    # Dataset is known by its fields)
    (lambda: nets.seeded_net(nets.TrainConfig(), "xor", 0),
     r"ds must be a loaded dataset \(load it first: data\.load\('xor'\)\), got str$"),
    (lambda: nets.trivial_baseline("xor", nets.TrainConfig()),
     r"ds must be a loaded dataset \(load it first: data\.load\('xor'\)\), got str$"),
    (lambda: nets.seeded_net("adam", data.load("xor"), 0),
     r"cfg must be a nets\.TrainConfig \(nets\.TrainConfig\(\*\*settings\)\), got str$"),
    (lambda: study.train_run(5, nets.TrainConfig(max_epochs=1), out="out"),
     r"dataset must be a dataset name or a loaded dataset \(a data\.Dataset\), got int$"),
    # QA: "'dict' object has no attribute 'batch_size'", "'str' object has no attribute
    # 'shapes'", "'MLP' object has no attribute 'optimizer'", pathlib's "expected str,
    # bytes or os.PathLike object, not int"
    (lambda: analyses.range_test(_net(), {}, np.ones((4, 2)), np.arange(4) % 3,
                                 rng=np.random.default_rng(0)),
     r"cfg must be a nets\.TrainConfig \(nets\.TrainConfig\(\*\*settings\)\), got dict$"),
    (lambda: analyses.range_test("coin", nets.TrainConfig(), np.ones((4, 2)),
                                 np.arange(4) % 3, rng=np.random.default_rng(0)),
     r"net must be a nets\.MLP \(nets\.seeded_net\(cfg, ds, seed\) builds one\), got str$"),
    (lambda: analyses.range_test(_net(), nets.TrainConfig(), np.ones((4, 2)),
                                 np.arange(4) % 3, rng=np.random.default_rng(0),
                                 optimizer="adam"),
     r"optimizer must be a nets\.Optimizer \(nets\.new_optimizer\(cfg, net\)\) or None, "
     "got str$"),
    (lambda: nets.train(_net(), nets.TrainConfig(hidden=(3,), activation=("relu",)),
                        np.ones((4, 2)), np.arange(4) % 3, rng=np.random.default_rng(0),
                        optimizer="adam"),
     r"optimizer must be a nets\.Optimizer \(nets\.new_optimizer\(cfg, net\)\) or None, "
     "got str$"),
    (lambda: nets.train("net", nets.TrainConfig(), np.ones((4, 2)), np.arange(4) % 3,
                        rng=np.random.default_rng(0)),
     r"net must be a nets\.MLP \(nets\.seeded_net\(cfg, ds, seed\) builds one\), got str$"),
    (lambda: nets.new_optimizer(_net(), nets.TrainConfig()),
     r"new_optimizer takes \(cfg, net\), got \(net, cfg\)$"),
    (lambda: nets.new_optimizer(nets.TrainConfig(), "net"),
     r"net must be a nets\.MLP \(nets\.seeded_net\(cfg, ds, seed\) builds one\), got str$"),
    (lambda: nets.evaluate("x", np.ones((4, 2)), np.arange(4) % 3),
     r"net must be a nets\.MLP \(nets\.seeded_net\(cfg, ds, seed\) builds one\), got str$"),
    (lambda: nets.save_net("out", "x"),
     r"net must be a nets\.MLP \(nets\.seeded_net\(cfg, ds, seed\) builds one\), got str$"),
    (lambda: nets.save_net(5, _net()), r"path must be a file path \(str or os\.PathLike\), "
     "got int$"),
    (lambda: nets.gradcheck("x", np.ones((4, 2)), np.arange(4) % 3),
     r"net must be a nets\.MLP \(nets\.seeded_net\(cfg, ds, seed\) builds one\), got str$"),
    (lambda: nets.load_model(5), r"path must be a file path \(str or os\.PathLike\), got int$"),
    (lambda: nets.load_net(None),
     r"path must be a file path \(str or os\.PathLike\), got NoneType$"),
    (lambda: nets.export_onnx("model.npz", 5),
     r"out must be a file path \(str or os\.PathLike\), got int$"),
])
def test_an_object_of_the_wrong_type_is_a_one_line_type_error(call, message, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("x1,x2\n1,2\n")
    with pytest.raises(TypeError, match=f"^{message}"):
        call()
    assert not (tmp_path / "out").exists()


def test_sampler_and_pruner_take_a_loaded_spec():
    # "'str' object has no attribute 'sampler'"
    for make in (study.make_sampler, study.make_pruner):
        with pytest.raises(TypeError, match=r"takes a loaded spec, study.load_spec\('coin'\), "
                                            "not its name or path"):
            make("coin")
    spec = study.load_spec("coin")
    # and a loaded one makes what it names: coin's hyperband (reduction_factor 5, rungs up
    # to its 100 epochs / 5 per checkpoint) and its tpe, seeded by trial from the study seed
    pruner, sampler = study.make_pruner(spec), study.make_sampler(spec)
    assert (spec.pruner, spec.pruner_options, spec.max_epochs, spec.fixed["checkpoint"]) == (
        "hyperband", {"reduction_factor": 5}, 100, 5)
    assert type(pruner) is optuna.pruners.HyperbandPruner
    assert (pruner._reduction_factor, pruner._min_resource, pruner._max_resource) == (5, 1, 20)
    assert spec.sampler == "tpe" and type(sampler.sampler) is optuna.samplers.TPESampler


@pytest.mark.parametrize("call, message", [
    # QA: "'PosixPath' object has no attribute 'X_train'" from lr_range_test, which had no
    # check of its own; scaling_study(3) named it. data.load takes a file by its name.
    # Review: the analyses said it as a ValueError, nets and study as a TypeError, nets
    # with a hint that failed (data.load('d.csv') is an unknown dataset): one rule now,
    # nets.check_dataset's
    (lambda: analyses.lr_range_test(Path("/tmp/x.csv")),
     r"dataset must be a dataset name or a loaded dataset \(a data\.Dataset\), "
     r"got PosixPath \(a file is named by its kind: 'csv:/tmp/x\.csv'\)$"),
    (lambda: analyses.lr_range_test(5),
     r"dataset must be a dataset name or a loaded dataset \(a data\.Dataset\), got int$"),
    (lambda: analyses.capacity_sweep(Path("d.npz"), widths=[2]),
     r"dataset must be a dataset name or a loaded dataset \(a data\.Dataset\), "
     r"got PosixPath \(a file is named by its kind: 'npz:d\.npz'\)$"),
    (lambda: analyses.scaling_study(object(), lrs=[0.1]),
     r"dataset must be a dataset name or a loaded dataset \(a data\.Dataset\), got object$"),
    (lambda: study.train_run(Path("d.csv"), nets.TrainConfig(max_epochs=1), out="out"),
     r"dataset must be a dataset name or a loaded dataset \(a data\.Dataset\), "
     r"got PosixPath \(a file is named by its kind: 'csv:d\.csv'\)$"),
    (lambda: nets.seeded_net(nets.TrainConfig(), Path("d.csv"), 0),
     r"ds must be a loaded dataset \(load it first: data\.load\('csv:d\.csv'\)\), "
     r"got PosixPath$"),
    (lambda: nets.trivial_baseline("d.npz", nets.TrainConfig()),
     r"ds must be a loaded dataset \(load it first: data\.load\('npz:d\.npz'\)\), got str$"),
    # a Dataset named by its type, not its arrays; the benchmark loads its own samples
    (lambda: analyses.imbalance_benchmark(data.load("moons")),
     r"dataset must be a dataset name, got Dataset \(each ratio and seed loads its own "
     r"sample of the named set\)$"),
    (lambda: analyses.imbalance_benchmark(Path("d.csv")),
     r"dataset must be a dataset name, got PosixPath \(a file is named by its kind: "
     r"'csv:d\.csv'\)$"),
])
def test_a_dataset_of_the_wrong_type_is_one_type_error_naming_the_file_s_name(call, message,
                                                                               tmp_path,
                                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match=f"^{message}"):
        call()
    assert not (tmp_path / "out").exists()


def test_the_name_a_dataset_hint_gives_loads_the_file(tmp_path, monkeypatch):
    # the hint's name is the one data.load takes: the file's, by its kind
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("a,b,y\n" + "".join(f"{i},{i % 3},{i % 2}\n"
                                                       for i in range(40)))
    with pytest.raises(TypeError) as info:
        nets.seeded_net(nets.TrainConfig(), "d.csv", 0)
    name = re.search(r"data\.load\('(.*?)'\)", str(info.value)).group(1)
    ds = data.load(name)
    assert (name, ds.n_features, len(ds.X_train) + len(ds.X_val) + len(ds.X_test)) == (
        "csv:d.csv", 2, 40)
    with pytest.raises(data.DataError, match="unknown dataset 'd.csv'"):
        data.load("d.csv")
    # a folder is an IDX folder's name ("csv:mnist" named a file that is none)
    (tmp_path / "mnist").mkdir()
    with pytest.raises(TypeError, match=r"data\.load\('idx:mnist'\)"):
        nets.seeded_net(nets.TrainConfig(), Path("mnist"), 0)


def test_a_blank_dataset_name_is_a_value_error():
    with pytest.raises(ValueError, match=r"^dataset must be a dataset name, got ' '$"):
        analyses.lr_range_test(" ")


@pytest.mark.parametrize("call, message", [
    # QA: Python's own TypeErrors, where their neighbours named the argument and value
    (lambda: analyses.lr_range_test("xor", beta="0.9"), r"beta must be in \[0, 1\), got '0\.9'"),
    (lambda: analyses.scaling_study("xor", batch_sizes=[1], lrs=[0.5], seeds=1, max_steps=50,
                                    max_epochs="5"),
     r"max_epochs must be a finite number > 0, at most 1,000,000 epochs, got '5'"),
    (lambda: analyses.range_test(_net((2, 3, 1), "binary"), nets.TrainConfig(hidden=(3,)),
                                 np.zeros((4, 2)), np.array([0, 1, 1, 0]),
                                 rng=np.random.default_rng(0), val=True, val_batch="8"),
     r"val_batch must be an integer >= 1, got '8'"),
    (lambda: analyses.lr_range_test("xor", suggestion=3),
     r"suggestion must be one of valley, steepest, minimum, slide, got 3"),
    # "no" is true to Python: it switched on what it said to switch off
    (lambda: analyses.lr_range_test("xor", val="no"), r"val must be True or False, got 'no'"),
    (lambda: analyses.scaling_study("xor", batch_sizes=[1], lrs=[0.5], noise="no"),
     r"noise must be True or False, got 'no'"),
    (lambda: analyses.imbalance_benchmark("moons", leakage_demo="no"),
     r"leakage_demo must be True or False, got 'no'"),
    # True was an eps of 1, a seed "1" a DataError of data.load's after the checks
    (lambda: analyses.capacity_sweep("xor", widths=[2], eps=True),
     r"eps must be a finite number >= 0, got True"),
    (lambda: analyses.scaling_study("xor", batch_sizes=[1], lrs=[0.5], seed="1"),
     r"seed must be an integer >= 0, got '1'"),
])
def test_an_analysis_argument_of_the_wrong_type_is_named_with_its_value(call, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        call()


def test_a_numpy_integer_is_a_reference_batch():
    # it alone refused np.int64 ("must be an integer >= 1, got np.int64(2)")
    result = analyses.scaling_study("xor", batch_sizes=[1], lrs=[0.5], seeds=1, max_steps=20,
                                    noise=False, target=0.6, reference_batch=np.int64(2))
    assert result.settings["reference_batch"] == 2


def test_an_analysis_that_reads_validation_refuses_a_set_without_it(capsys):
    # QA: data.load("coin", val_fraction=0) (allowed) gave capacity_sweep NumPy's "zero-size
    # array to reduction operation maximum which has no identity", scaling_study the false
    # "every reference run diverged: lower the learning rates" (NaN losses on no rows)
    from cli_helpers import run_cli

    ds = data.load("coin", val_fraction=0)
    said = (r"^coin\?val_fraction=0\.0 has no validation rows \(val_fraction=0\): {}; load "
            r"it with a val_fraction above 0 \(the default is 0\.1\)$")
    cfg = analyses.CAPACITY_CONFIG.replace(max_epochs=2)
    with pytest.raises(ValueError, match=said.format(
            r"a capacity sweep scores every net on the validation split \(its accuracy, "
            r"loss and iterations to eps\)")):
        analyses.capacity_sweep(ds, widths=(2,), seeds=1, config=cfg)
    with pytest.raises(ValueError, match=said.format(
            r"a scaling study's target is a validation score \(val_accuracy or val_loss\)")):
        analyses.scaling_study(ds, batch_sizes=(4, 8), lrs=(1.0,), seeds=1, max_steps=20,
                               noise=False)
    with pytest.raises(ValueError, match=said.format(
            "verify scores its grid on the validation split")):
        analyses.lr_range_test(ds, num_steps=30, verify=True, verify_epochs=1)
    with pytest.raises(ValueError, match=said.format("val ramps on the validation loss")):
        analyses.lr_range_test(ds, num_steps=30, val=True)
    # the ramp alone reads the training loss: it runs
    assert analyses.lr_range_test(ds, num_steps=30).n_train == 1000
    # the name says it, and the program says so in one line, exit 2
    code, out, err = run_cli(["capacity", "--dataset", "coin?val_fraction=0", "--widths", "2",
                              "--seeds", "1", "--no-report"], capsys)
    assert (code, out) == (2, "") and err == (
        "hplab capacity: error: coin?val_fraction=0 has no validation rows (val_fraction=0): "
        "a capacity sweep scores every net on the validation split (its accuracy, loss and "
        "iterations to eps); load it with a val_fraction above 0 (the default is 0.1)\n")


@pytest.mark.parametrize(("arguments", "error", "message"), [
    # QA: 1.5 and None failed as "'float' object is not iterable", True trained as seed 1
    # (data.load refuses it), callbacks=5 as "'int' object is not iterable", and name=5
    # was written into config.json
    ({"seed": 1.5}, ValueError, r"seed must be a non-negative integer \(or a list of them\), "
                                "got 1.5$"),
    ({"seed": None}, ValueError, r"seed must be a non-negative integer .*, got None$"),
    ({"seed": True}, ValueError, r"seed must be a non-negative integer .*, got True$"),
    ({"seed": [3, True]}, ValueError, r"seed must be .*, got \[3, True\]$"),
    ({"callbacks": 5}, TypeError, r"callbacks must be a sequence of nets\.Callback objects "
                                  r"\(a list\), got int$"),
    ({"name": 5}, TypeError, r"name must be a str \(or None\), got int$"),
])
def test_train_run_checks_its_seed_callbacks_and_name(arguments, error, message, tmp_path):
    with pytest.raises(error, match=f"^{message}"):
        study.train_run("coin", nets.TrainConfig(hidden=(2,), max_epochs=1),
                        out=tmp_path / "out", **arguments)
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match=r"^seed must be .*, got None$"):
        nets.train_streams(None)  # SeedSequence(None) draws fresh entropy: not repeatable


_RELOAD_ALL = """
import importlib, sys
import nets, data, study, analyses, reports
# what IPython's %autoreload 2 does after an edit: every module executed again in place
for name in sorted(m for m in sys.modules if m.split(".")[0] in
                   ("nets", "data", "study", "analyses", "reports")):
    importlib.reload(sys.modules[name])
ds = data.load("coin")
for call in (
        lambda: nets.NetClassifier(hidden=(4,), max_epochs=2).fit(ds.X_train, ds.y_train),
        lambda: study.run_study(study.load_spec("coin", n_trials=1), storage=sys.argv[1]),
        lambda: analyses.lr_range_test(ds, num_steps=5)):
    try:
        call()
        print("ran")
    except TypeError as exc:
        print(exc)
"""


def test_an_object_of_a_reloaded_module_is_said_so_not_got_x_for_x(tmp_path):
    # QA: after every module was reloaded in place, "cfg must be a nets.TrainConfig
    # (nets.TrainConfig(**settings)), got TrainConfig" left the user stuck
    import subprocess
    import sys

    from cli_helpers import ROOT

    done = subprocess.run([sys.executable, "-c", _RELOAD_ALL, str(tmp_path / "s.db")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    restart = "(a module reload?): restart the interpreter or kernel"
    assert done.stdout.splitlines() == [
        "cfg must be a nets.TrainConfig (nets.TrainConfig(**settings)), got TrainConfig from "
        f"an earlier import of nets {restart}",
        "spec must be a StudySpec, a ready spec's name or a TOML path, got StudySpec from an "
        f"earlier import of study {restart}",
        "dataset must be a dataset name or a loaded dataset (a data.Dataset), got Dataset "
        f"from an earlier import of data {restart}"]


def test_got_type_names_a_type_as_it_is_otherwise():
    assert nets.got_type({}, nets.TrainConfig) == "dict"
    assert nets.got_type(3, str | None) == "int"
    stand_in = type("TrainConfig", (), {"__module__": "mine"})()  # a user's own class
    assert nets.got_type(stand_in, nets.TrainConfig) == "TrainConfig"
