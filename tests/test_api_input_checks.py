"""Bad arguments to the public Python API fail with a clear error naming the argument, not
a traceback from deep inside (or a silently wrong result)."""

from __future__ import annotations

import re

import numpy as np
import pytest

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


def test_data_analyses_and_storage_arguments():
    with pytest.raises(data.DataError, match="val_fraction must be in"):
        data.load("coin", val_fraction="a")
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
    cfg = nets.TrainConfig(hidden=(memory // 64,), optimizer="adam", max_epochs=1)
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
    assert analyses._capacity._check_sizes("widths", 4) == (4,)  # one width, as (4,)
