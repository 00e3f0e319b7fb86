"""The course's results, reproduced through study.train_run (dataset name -> trained net).

Runs are deterministic given the seed (see test_nets_training), so each seed below is a
fixed, repeatable run; the margins to the thresholds are noted beside them.
"""

import numpy as np
import pytest

import nets
import study

XOR = dict(activation="sigmoid", optimizer="sgd", lr=0.1, batch_size=1, max_epochs=10_000,
           eps=0.005, init="xavier", dtype="float64")


@pytest.mark.slow
def test_xor_2_2_1_converges_with_every_output_within_1e_2():
    # 2-2-1 has the well-known XOR plateau: some inits stall with two outputs at 0.5
    # (seeds 0, 1 do); seed 2 converges like the course's run ("stops near 5900 epochs").
    run = study.train_run("xor", nets.TrainConfig(hidden=(2,), **XOR), seed=2)
    assert run.result.status == "converged"
    assert 4000 < run.result.epochs < 8000  # 5767
    p = run.net.predict_proba(run.dataset.X_test)
    np.testing.assert_array_equal(run.dataset.y_test, [0, 1, 1, 0])
    assert np.max(np.abs(p - run.dataset.y_test)) < 1e-2  # 0.0059
    assert run.result.final("val_loss") <= 0.005
    assert run.test_metrics["test_accuracy"] == 1.0


def test_xor_one_hidden_neuron_cannot():
    # one hidden unit feeding one logistic unit is a monotone function of one line:
    # no setting separates XOR; given more epochs than the 2-2-1 above took (5767), it
    # ends at max_epochs (its loss is flat by then: 0.481, and 0.479 at the course's 10 000)
    # (scored every 10 epochs: the eps test never fires here, so this only saves time)
    cfg = nets.TrainConfig(hidden=(1,), checkpoint=10, **{**XOR, "max_epochs": 6000})
    run = study.train_run("xor", cfg, seed=2)
    assert run.result.status == "max_epochs"
    assert run.result.epochs == 6000
    p = run.net.predict_proba(run.dataset.X_test)
    assert np.max(np.abs(p - run.dataset.y_test)) > 0.4  # 0.66
    assert run.test_metrics["test_accuracy"] <= 0.75


def test_double_arc_2_2_1_reaches_100_percent():
    cfg = nets.TrainConfig(hidden=(2,), activation="sigmoid", optimizer="sgd", lr=0.1,
                           batch_size=5, max_epochs=2000, eps=0.08, dtype="float64")
    run = study.train_run("double-arc", cfg, seed=0)
    assert run.result.status == "converged"  # the course: stops at epoch 260
    assert run.result.epochs < 1000  # 173
    assert run.result.final("val_loss") <= 0.08
    assert run.test_metrics["test_accuracy"] == 1.0
    assert run.dataset.sizes() == {"train": 360, "val": 40, "test": 100}


def test_coin_8_hidden_reaches_96_percent():
    # The course's SGD (lr 0.1, batch 10) needs 10000 epochs (~900k steps) for 0.97;
    # full-batch Adam with a cosine decay gets there in 10000 cheap steps (~3 s).
    cfg = nets.TrainConfig(hidden=(8,), activation="sigmoid", optimizer="adam", lr=0.05,
                           batch_size=-1, max_epochs=10_000, schedule="cosine",
                           checkpoint=50, dtype="float32")
    run = study.train_run("coin", cfg, seed=0)
    assert run.dataset.n_classes == 3
    assert run.test_metrics["test_accuracy"] >= 0.96  # 0.98
    assert run.result.final("train_accuracy") >= 0.96


def test_digits_64_16_reaches_96_percent():
    # the course's MNIST net shape (sigmoid, tanh, softmax) on the 8x8 digits, plain SGD
    cfg = nets.TrainConfig(hidden=(64, 16), activation=("sigmoid", "tanh"), optimizer="sgd",
                           lr=0.5, batch_size=32, max_epochs=100, dtype="float32")
    run = study.train_run("digits", cfg, seed=3)
    assert run.net.sizes == (64, 64, 16, 10)
    assert run.test_metrics["test_accuracy"] >= 0.96  # 0.981


@pytest.mark.slow
@pytest.mark.parametrize("width", [3, 4, 8])
def test_xor_wider_hidden_layers_also_converge(width):
    # the course: 3, 4, 8 hidden neurons work too (4900 / 4300 / 4400 iterations)
    # (eps checked every 10 epochs: a net converged stops up to 9 epochs later, still within
    # eps; scoring every epoch cost about as much as the training)
    run = study.train_run("xor", nets.TrainConfig(hidden=(width,), checkpoint=10, **XOR),
                          seed=2)
    assert run.result.status == "converged"
    p = run.net.predict_proba(run.dataset.X_test)
    assert np.max(np.abs(p - run.dataset.y_test)) < 1e-2
