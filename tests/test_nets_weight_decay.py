"""Decoupled weight decay (``TrainConfig.weight_decay``) and AdamW, on real training runs:
the published update written out in NumPy, the coupled ``l2`` beside it, what it leaves
alone, and the runs of before unchanged bit for bit."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

import nets
import study


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(200, noise=0.2, random_state=0)
    return X, y


def _trained(cfg, X, y, seed=0) -> nets.MLP:
    """``cfg``'s net trained on ``(X, y)`` from the streams of ``seed``."""
    init_rng, loop_rng = nets.train_streams(seed)
    net = nets.build_net(cfg, X.shape[1], y, rng=init_rng)
    nets.train(net, cfg, X, y, rng=loop_rng)
    return net


def test_for_plain_sgd_weight_decay_is_l2(moons):
    # W -= lr (g + x W) either way: the same weights to rounding, under a changing rate too
    cfg = nets.TrainConfig(hidden=(8,), activation="tanh", optimizer="sgd", lr=0.3,
                           batch_size=16, max_epochs=10, schedule="cosine", warmup_steps=5,
                           dtype="float64")
    plain = _trained(cfg, *moons)
    coupled = _trained(cfg.replace(l2=0.05), *moons)
    decoupled = _trained(cfg.replace(weight_decay=0.05), *moons)
    np.testing.assert_allclose(decoupled.flat, coupled.flat, rtol=1e-10, atol=1e-13)
    # and it decays: the weights' norm shrinks against the undecayed run
    assert np.abs(decoupled.flat - plain.flat).max() > 0.01
    norms = [sum(float(np.sum(W * W)) for W in n.weights) for n in (plain, decoupled)]
    assert norms[1] < 0.9 * norms[0]


def test_with_adam_l2_and_weight_decay_part(moons):
    # coupled, Adam divides l2 * W by its sqrt(v): another rule than AdamW's decay
    cfg = nets.TrainConfig(hidden=(8,), activation="tanh", optimizer="adam", lr=0.01,
                           batch_size=16, max_epochs=10, dtype="float64")
    coupled = _trained(cfg.replace(l2=0.05), *moons)
    decoupled = _trained(cfg.replace(optimizer="adamw", weight_decay=0.05), *moons)
    plain = _trained(cfg, *moons)
    assert np.abs(coupled.flat - decoupled.flat).max() > 0.05
    # AdamW decays less here than the coupled penalty, which Adam's step normalises
    gaps = [np.abs(n.flat - plain.flat).max() for n in (coupled, decoupled)]
    assert gaps[1] < gaps[0]


def _published_adamw(net, X, T, rates, decay, biases=False, b1=0.9, b2=0.999, eps=1e-8):
    """Loshchilov & Hutter's Algorithm 2 (PyTorch's convention: the decay times the step's
    rate, before Adam's step) over full-batch gradients, on ``net`` in place, array by
    array: the weights decayed, and with ``biases`` the biases too (what nets must not)."""
    decayed = [biases or (i < 2 * net.n_layers and i % 2 == 0) for i in range(len(net.params))]
    m = [np.zeros_like(p) for p in net.params]
    v = [np.zeros_like(p) for p in net.params]
    for t, lr in enumerate(rates, 1):
        _, grads = net.loss_and_grads(X, T)
        for i, (p, g) in enumerate(zip(net.params, grads, strict=True)):
            if decayed[i]:
                p -= lr * decay * p
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat, v_hat = m[i] / (1 - b1**t), v[i] / (1 - b2**t)
            p -= lr * m_hat / (np.sqrt(v_hat) + eps)


def test_adamws_steps_are_the_published_update_on_the_weights_alone(moons):
    # four full-batch steps at a halving rate: the decay follows the schedule's rate
    X, y = moons
    cfg = nets.TrainConfig(hidden=(5, 3), activation=("tanh", "sigmoid"), optimizer="adamw",
                           lr=0.05, weight_decay=0.5, batch_size=-1, max_epochs=4,
                           schedule="step", lr_gamma=0.5, lr_decay_steps=1, dtype="float64")
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0))
    start = net.copy()
    result = nets.train(net, cfg, X, y, rng=np.random.default_rng(1))
    rates = [nets.learning_rate(s, cfg, 4) for s in range(4)]
    assert rates == [0.05, 0.025, 0.0125, 0.00625] and result.iterations == 4
    T = y.reshape(-1, 1).astype(float)
    ref = start.copy()
    _published_adamw(ref, X, T, rates, 0.5)
    np.testing.assert_allclose(net.flat, ref.flat, rtol=1e-10, atol=1e-13)
    # the biases were not decayed: decaying them too is another net
    every = start.copy()
    _published_adamw(every, X, T, rates, 0.5, biases=True)
    assert np.abs(every.flat - net.flat).max() > 1e-3
    # nor is the weights' decay Adam's with l2: the step differs from the first one
    coupled = start.copy()
    nets.train(coupled, cfg.replace(optimizer="adam", weight_decay=None, l2=0.5), X, y,
               rng=np.random.default_rng(1))
    assert np.abs(coupled.flat - net.flat).max() > 1e-3


def test_the_decay_leaves_biases_and_batch_norm_alone(moons):
    # one full-batch step: the gradients are taken before the decay, so only W may differ,
    # by lr * weight_decay * W; biases, gamma, beta and the running statistics bit for bit
    X, y = moons
    cfg = nets.TrainConfig(hidden=(6, 4), activation="relu", optimizer="adamw", lr=0.02,
                           batch_size=-1, max_epochs=1, batch_norm=True, dtype="float64")
    runs = {}
    for decay in (0.0, 0.3):
        net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0))
        start = net.copy()
        nets.train(net, cfg.replace(weight_decay=decay), X, y, rng=np.random.default_rng(1))
        runs[decay] = net
    undecayed, decayed = runs[0.0], runs[0.3]
    n = decayed.n_layers
    for i, (a, b) in enumerate(zip(undecayed.params, decayed.params, strict=True)):
        if i < 2 * n and i % 2 == 0:  # a weight matrix
            np.testing.assert_allclose(b - a, -0.02 * 0.3 * start.params[i], rtol=1e-9,
                                       atol=1e-15)
        else:  # a bias, a gamma or a beta
            assert np.array_equal(a, b), f"parameter {i} decayed"
    assert len(decayed.params) == 2 * n + 4  # two batch norms' gamma and beta
    assert all(np.array_equal(a, b) for a, b in zip(undecayed.running, decayed.running,
                                                    strict=True))


def test_zero_decay_is_the_run_of_before_bit_for_bit(moons):
    # None (every optimizer's own 0 but adamw's) and 0 given: the same run, bit for bit;
    # adamw is adam with its own 0.01
    for name in ("sgd", "momentum", "adam", "rmsprop"):
        cfg = nets.TrainConfig(hidden=(6,), activation="tanh", optimizer=name, lr=0.01,
                               batch_size=16, max_epochs=3)
        assert nets.new_optimizer(cfg, nets.MLP([2, 1], [], "binary")).weight_decay == 0.0
        assert np.array_equal(_trained(cfg, *moons).flat,
                              _trained(cfg.replace(weight_decay=0.0), *moons).flat)
    cfg = nets.TrainConfig(hidden=(6,), activation="tanh", optimizer="adamw", lr=0.01,
                           batch_size=16, max_epochs=3)
    assert np.array_equal(_trained(cfg, *moons).flat,
                          _trained(cfg.replace(optimizer="adam", weight_decay=0.01),
                                   *moons).flat)
    assert not np.array_equal(_trained(cfg, *moons).flat,
                              _trained(cfg.replace(optimizer="adam"), *moons).flat)


def test_adamw_trains_coin_and_digits_as_adam_does():
    # the course's coin net that reaches 0.96 with adam (tests/test_nets_course.py): adam
    # 0.98, adamw 0.976; digits' 64-16 tanh net at 15 epochs: 0.964 and 0.958
    coin = nets.TrainConfig(hidden=(8,), activation="sigmoid", optimizer="adamw", lr=0.05,
                            batch_size=-1, max_epochs=10_000, schedule="cosine",
                            checkpoint=50)
    run = study.train_run("coin", coin, seed=0)
    assert run.test_metrics["test_accuracy"] >= 0.96
    assert run.result.final("train_accuracy") >= 0.96
    digits = nets.TrainConfig(hidden=(64, 16), activation="tanh", batch_size=32,
                              max_epochs=15, optimizer="adamw", lr=0.01)
    run = study.train_run("digits", digits, seed=0)
    assert run.test_metrics["test_accuracy"] >= 0.95


@pytest.mark.parametrize("settings, message", [
    ({"weight_decay": -0.1}, "^weight_decay must be a finite number >= 0, got -0.1$"),
    ({"weight_decay": float("inf")}, "^weight_decay must be a finite number >= 0, got inf$"),
    ({"lr": 0.5, "weight_decay": 3.0},
     r"^weight_decay 3 times lr 0\.5 is 1\.5: the decay multiplies the weights by 1 - 1\.5 "
     r"every step, which zeroes them or flips their sign; lower weight_decay or lr \(their "
     r"product must be < 1\)$"),
    ({"optimizer": "adamw", "lr": 100.0},
     r"^weight_decay 0\.01 \(adamw's own\) times lr 100 is 1: "),
])
def test_a_decay_that_would_flip_the_weights_is_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        nets.TrainConfig(**settings)
    with pytest.raises(ValueError, match="^weight_decay must be a finite number >= 0"):
        nets.make_optimizer("adamw", [np.ones(3)], weight_decay=-1.0)
    assert nets.TrainConfig(lr=0.5, weight_decay=1.99).weight_decay == 1.99  # 0.995 < 1


def test_a_passed_optimizer_decays_by_the_configs_weight_decay(moons):
    # QA: a continuation with an optimizer made under another config decayed by that
    # optimizer's weight_decay (0: mean |W1| 0.449, as if undecayed) while cfg, which the
    # run records, said 0.5 (a fresh optimizer's run: 0.023). The config decides.
    X, y = moons
    cfg0 = nets.TrainConfig(hidden=(8,), optimizer="sgd", lr=0.1, max_epochs=2,
                            batch_size=32, dtype="float64")

    def run(cfg, made_under):
        init_rng, loop_rng = nets.train_streams(0)
        net = nets.build_net(cfg, X.shape[1], y, rng=init_rng)
        opt = None if made_under is None else nets.new_optimizer(made_under, net)
        nets.train(net, cfg, X, y, rng=loop_rng, optimizer=opt)
        return net

    decayed = cfg0.replace(weight_decay=0.5)
    fresh = run(decayed, None)
    assert np.array_equal(run(decayed, cfg0).flat, fresh.flat)
    assert np.abs(fresh.flat - run(cfg0, None).flat).max() > 0.01
    # and the other way round: an adamw optimizer (own 0.01) under an adam config (0)
    adam = cfg0.replace(optimizer="adam", lr=0.01)
    assert np.array_equal(run(adam, adam.replace(optimizer="adamw")).flat,
                          run(adam, None).flat)
