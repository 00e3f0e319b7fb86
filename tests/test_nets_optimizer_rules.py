"""Optimizers' update rules: every registered one against a textbook reference written from
its paper, and training steps against the rule (lr folded in or not)."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

import nets


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(300, noise=0.2, random_state=0)
    return X[:200], y[:200]


# ----------------------------------------------------------------------------- textbook
# Each optimizer's parameters after steps with ``grads`` at rate ``lr``, in float64, written
# from its paper rather than from nets' code, with nets' defaults: one registered in
# nets.OPTIMIZERS without an entry in TEXTBOOK fails here (a wrong update passed every
# other test: QA dropped Adamax's bias correction and nothing failed).
def _sgd(p, grads, lr):
    for g in grads:
        p = p - lr * g
    return p


def _momentum(p, grads, lr, mu=0.9):
    v = np.zeros_like(p)
    for g in grads:
        v = mu * v - lr * g
        p = p + v
    return p


def _nesterov(p, grads, lr, mu=0.9):
    # Sutskever et al.'s (2013) form without the look-ahead point
    v = np.zeros_like(p)
    for g in grads:
        v = mu * v - lr * g
        p = p + mu * v - lr * g
    return p


def _adagrad(p, grads, lr, eps=1e-8):
    s = np.zeros_like(p)
    for g in grads:
        s = s + g * g
        p = p - lr * g / (np.sqrt(s) + eps)
    return p


def _adadelta(p, grads, lr, rho=0.95, eps=1e-6):
    # Zeiler (2012), Algorithm 1, the step times the rate
    eg2, edx2 = np.zeros_like(p), np.zeros_like(p)
    for g in grads:
        eg2 = rho * eg2 + (1 - rho) * g * g
        dx = -np.sqrt(edx2 + eps) / np.sqrt(eg2 + eps) * g
        edx2 = rho * edx2 + (1 - rho) * dx * dx
        p = p + lr * dx
    return p


def _rmsprop(p, grads, lr, rho=0.9, eps=1e-8):
    s = np.zeros_like(p)
    for g in grads:
        s = rho * s + (1 - rho) * g * g
        p = p - lr * g / (np.sqrt(s) + eps)
    return p


def _adam(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8):
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, 1):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        # the course's form (Algorithm 1 of Kingma & Ba): eps beside the corrected sqrt(v)
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return p


def _adamw(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8, decay=0.01):
    # Loshchilov & Hutter (2019), Algorithm 2, in PyTorch's convention: the decay scaled by
    # the rate (lr * decay, not the schedule multiplier alone), taken before Adam's step
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, 1):
        p = p - lr * decay * p
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return p


TEXTBOOK = {"sgd": _sgd, "momentum": _momentum, "nesterov": _nesterov, "adagrad": _adagrad,
            "adadelta": _adadelta, "rmsprop": _rmsprop, "adam": _adam, "adamw": _adamw}


def test_every_optimizer_has_a_textbook_reference():
    missing = [name for name in nets.OPTIMIZERS if name not in TEXTBOOK]
    assert not missing, (f"no textbook reference for {', '.join(missing)}: add its update, "
                         f"written from its paper, to TEXTBOOK in {__file__}")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", [n for n in nets.OPTIMIZERS if n in TEXTBOOK])
def test_optimizers_follow_the_textbook_over_many_steps(name, dtype):
    # five steps with changing gradients: the first step alone cannot tell m, v and s
    # updates apart
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal(50)
    grads = [rng.standard_normal(50) for _ in range(5)]
    lr = 0.01
    want = TEXTBOOK[name](p0.copy(), grads, lr)
    params = [p0.astype(dtype)]
    opt = nets.make_optimizer(name, params)
    for g in grads:
        opt.decay(params, lr)  # every parameter a weight here; 0 but for adamw's own
        opt.step(params, [g.astype(dtype)], dtype(lr))
    assert params[0].dtype == dtype
    np.testing.assert_allclose(params[0], want, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-6 if dtype == np.float32 else 0)


def test_optimizer_update_rules_exactly():
    p, g = np.array([1.0, -2.0, 0.5]), np.array([0.4, -0.2, 0.0])
    lr, mu = 0.1, 0.9

    def run(name, n_steps):
        params = [p.copy()]
        opt = nets.make_optimizer(name, params)
        for _ in range(n_steps):
            opt.step(params, [g.copy()], lr)
        return params[0]

    np.testing.assert_allclose(run("sgd", 1), p - lr * g)
    np.testing.assert_allclose(run("momentum", 2), p - lr * g + (mu * -lr * g - lr * g))
    np.testing.assert_allclose(run("nesterov", 1), p + mu * (-lr * g) - lr * g)
    # adaptive ones: the first step is lr * sign(g) (0 where g = 0)
    for name in ("adagrad", "adam"):
        np.testing.assert_allclose(run(name, 1), p - lr * np.sign(g), rtol=1e-6)
    np.testing.assert_allclose(run("rmsprop", 1), p - lr * np.sign(g) / np.sqrt(0.1), rtol=1e-6)
    # adadelta (rho 0.95, eps 1e-6): sqrt(eps) / sqrt(0.05 g^2 + eps) g, times the rate
    np.testing.assert_allclose(run("adadelta", 1),
                               p - lr * np.sqrt(1e-6) / np.sqrt(0.05 * g * g + 1e-6) * g,
                               rtol=1e-12)


def test_adam_adds_eps_to_the_corrected_root_as_the_course_does():
    # with gradients near eps the forms part: eps added to the uncorrected sqrt(v) (the
    # paper's efficient variant) is 30x larger at step 1 and stepped 1.5e-3, not 0.025
    p = np.ones(5)
    opt = nets.make_optimizer("adam", [p])
    for t in (1, 2, 3):
        opt.step([p], [np.full(5, 1e-8)], 0.05)
        np.testing.assert_allclose(p, 1 - 0.025 * t, rtol=1e-9)


# ----------------------------------------------------------------------------- training
@pytest.mark.parametrize("name", list(nets.OPTIMIZERS))
def test_training_steps_are_the_optimizers_rule_at_the_scheduled_rate(moons, name):
    # the loop folds lr into the backward pass of an optimizer whose folds_lr is True and
    # steps it at rate 1: right for a rule linear in lr * g only (QA: folds_lr set on an
    # adaptive one passed every test, and its steps no longer followed --lr). Three
    # full-batch steps by train against the rule stepped on the batch gradient at lr.
    X, y = moons
    lr = 0.03
    cfg = nets.TrainConfig(hidden=(5, 3), activation=("tanh", "sigmoid"), optimizer=name,
                           lr=lr, batch_size=-1, max_epochs=3, dtype="float64")
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0))
    ref, start = net.copy(), net.flat.copy()
    opt = nets.new_optimizer(cfg, ref)
    for _ in range(3):
        _, grads = ref.loss_and_grads(X, y.reshape(-1, 1).astype(float))
        opt.decay(ref.weights, lr)  # adamw's own decay, of the weights alone; 0 for the rest
        opt.step([ref.flat], [np.concatenate([g.ravel() for g in grads])], lr)
    nets.train(net, cfg, X, y, rng=np.random.default_rng(1))
    assert np.abs(ref.flat - start).max() > 1e-4  # the steps moved the weights
    np.testing.assert_allclose(net.flat, ref.flat, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name,l2,l1", [("sgd", 0.0, 0.0), ("sgd", 0.01, 0.0),
                                        ("momentum", 0.01, 0.0), ("sgd", 0.01, 0.02),
                                        ("momentum", 0.0, 0.02)])
def test_a_training_step_is_the_optimizer_rule_on_the_batch_gradient(moons, name, l2, l1):
    # SGD gets lr folded into the backward pass; the result must be the textbook step, the
    # penalties' gradients on the weights only
    X, y = moons
    cfg = nets.TrainConfig(hidden=(5, 3), activation=("tanh", "sigmoid"), optimizer=name,
                           lr=0.3, l2=l2, l1=l1, batch_size=-1, max_epochs=1, dtype="float64")
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0))
    before = net.copy()
    _, grads = before.loss_and_grads(X, y.reshape(-1, 1).astype(float))
    expected = [p - 0.3 * (g + (l2 * p + l1 * np.sign(p) if i % 2 == 0 else 0))
                for i, (p, g) in enumerate(zip(before.params, grads, strict=True))]
    nets.train(net, cfg, X, y, rng=np.random.default_rng(1))
    for got, want in zip(net.params, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
