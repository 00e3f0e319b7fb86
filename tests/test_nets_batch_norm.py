"""Batch normalisation of the hidden layers: its gradients against two-sided differences,
what its training and evaluation passes compute, the affine layers it folds into, what it
does to a real run, and that files, copies and early stopping keep its running
statistics."""

import copy
import json
import pickle

import numpy as np
import pytest
from conftest import model_header, tamper

import nets
from nets._batch_norm import EPS

HEADS = {"regression": 1, "binary": 1, "multiclass": 3}


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(0.5, 2.0, (30, 3))
    ys = {"regression": rng.standard_normal(30), "binary": rng.integers(0, 2, 30),
          "multiclass": rng.integers(0, 3, 30)}
    return X, ys


@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X / 16, y


def _bn_net(sizes, acts, head, seed=1, dtype=np.float64):
    """A batch-normed net at a generic point: gammas, betas, the output bias and the
    running statistics drawn away from their starting 1, 0, 0 and (0, 1)."""
    rng = np.random.default_rng(seed)
    net = nets.MLP.initialized(sizes, acts, head, rng=rng, dtype=dtype, batch_norm=True)
    net.biases[-1][...] = rng.normal(0, 0.5, net.biases[-1].shape)
    for gamma, beta in zip(*[iter(net.params[2 * net.n_layers:])] * 2, strict=True):
        gamma[...] = rng.normal(1.0, 0.3, gamma.shape)
        beta[...] = rng.normal(0.0, 0.3, beta.shape)
    for mean, var in zip(*[iter(net.running)] * 2, strict=True):
        mean[...] = rng.normal(0.0, 0.5, mean.shape)
        var[...] = rng.uniform(0.5, 2.0, var.shape)
    return net


def _norms(net):
    """``[(gamma, beta), ...]`` of each hidden layer."""
    return list(zip(*[iter(net.params[2 * net.n_layers:])] * 2, strict=True))


def _targets(net, y):
    return nets.get_head(net.head).encode(y, net.sizes[-1], net.dtype)


def _relative(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


# ----------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("activation", list(nets.ACTIVATIONS))
@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_backprop_through_batch_norm_matches_numeric_gradient(problem, activation, head,
                                                              depth):
    X, ys = problem
    net = _bn_net((3, *[5] * depth, HEADS[head]), [activation] * depth, head)
    running = net.state[net.flat.size:].copy()
    res = nets.gradcheck(net, X, ys[head])
    assert res.relative_difference < 1e-7, res
    assert res.verdict == "excellent"
    # gamma and beta checked too: 2 per hidden unit beyond the layers' W and b
    layers = (3 * 5 + 5) + (depth - 1) * (5 * 5 + 5) + (5 + 1) * HEADS[head]
    assert net.flat.size == layers + 2 * 5 * depth
    assert res.n_parameters == net.n_parameters == layers + 2 * 5 * depth - 5 * depth
    assert np.array_equal(net.state[net.flat.size:], running)


@pytest.mark.parametrize("head", list(HEADS))
def test_backprop_through_batch_norm_and_dropout_matches_numeric_gradient(problem, head):
    X, ys = problem
    net = _bn_net((3, 6, 5, HEADS[head]), ("tanh", "leaky_relu"), head)
    res = nets.gradcheck(net, X, ys[head], dropout=0.3, rng=np.random.default_rng(0))
    assert res.relative_difference < 1e-7, res
    # the course's entry point, on a sample of a data set
    res = nets.gradcheck_dataset(X, ys[head], task=head, hidden=(6, 4),
                                 activation=("sigmoid", "relu"), n_samples=20,
                                 batch_norm=True, dropout=0.2)
    assert res.relative_difference < 1e-7, res
    assert res.n_parameters == nets.MLP((3, 6, 4, HEADS[head]), ("sigmoid", "relu"), head,
                                        batch_norm=True).n_parameters


class StatisticsAsConstants(nets.BatchNorm):
    """A planted bug: backprop as if the batch's mean and variance were constants (the
    mean terms of dL/dz dropped)."""

    def backward(self, layer, dy, gamma, ones, d_gamma, d_beta):
        z_hat, inv_std = self.z_hat[layer], self.inv_std[layer]
        np.matmul(ones, dy, out=d_beta)
        np.matmul(ones, dy * z_hat, out=d_gamma)
        return dy * gamma * inv_std


def _numeric_gradient(net, X, T, h=1e-5):
    """Two-sided differences of the training pass's loss (the batch's statistics)."""
    head = nets.get_head(net.head)
    g = np.empty(net.flat.size)
    for k in range(net.flat.size):
        keep = net.flat[k]
        losses = []
        for x in (keep + h, keep - h):
            net.flat[k] = x
            losses.append(head.loss(net.forward(X, norm=nets.BatchNorm(update=False))[-1],
                                    T, None))
        net.flat[k] = keep
        g[k] = (losses[0] - losses[1]) / (2 * h)
    return g


def _backprop(net, X, T, norm):
    outs = net.forward(X, norm=norm)
    return [g.copy() for g in net.backward(outs, T, norm=norm)]


@pytest.mark.parametrize("head", list(HEADS))
def test_a_backward_that_drops_the_mean_terms_is_caught(problem, head):
    X, ys = problem
    net = _bn_net((3, 5, 4, HEADS[head]), ("tanh", "sigmoid"), head)
    T = _targets(net, ys[head])
    numeric = _numeric_gradient(net, X, T)
    right = _backprop(net, X, T, nets.BatchNorm(update=False))
    wrong = _backprop(net, X, T, StatisticsAsConstants(update=False))
    assert _relative(np.concatenate([g.ravel() for g in right]), numeric) < 1e-7
    assert _relative(np.concatenate([g.ravel() for g in wrong]), numeric) > 1e-2
    # the output layer and the last hidden layer's gamma and beta come before any
    # batch norm's backward: right there, wrong in each W below
    sizes = [g.size for g in right]
    parts = np.split(numeric, np.cumsum(sizes)[:-1])
    L = net.n_layers
    for k in (2 * L - 2, 2 * L - 1, len(sizes) - 2, len(sizes) - 1):
        assert _relative(wrong[k].ravel(), parts[k]) < 1e-7, k
    for k in (0, 2):
        assert _relative(wrong[k].ravel(), parts[k]) > 1e-2, k


def test_a_batch_normed_layers_bias_is_unused_and_its_gradient_exactly_zero(problem):
    X, ys = problem
    net = _bn_net((3, 5, 4, 3), ("tanh", "relu"), "multiclass")
    T = _targets(net, ys["multiclass"])
    norm = nets.BatchNorm(update=False)
    grads = net.backward(net.forward(X, norm=norm), T, norm=norm)
    assert all(not g.any() for g in grads[1:2 * net.n_layers - 2:2])  # hidden b
    assert grads[2 * net.n_layers - 1].any() and all(g.any() for g in grads[2 * net.n_layers:])
    training, evaluation = net.forward(X, norm=nets.BatchNorm(update=False))[-1], net.logits(X)
    for b in net.biases[:-1]:
        b[...] = 5.0
    assert np.array_equal(net.forward(X, norm=nets.BatchNorm(update=False))[-1], training)
    assert np.array_equal(net.logits(X), evaluation)


# ----------------------------------------------------------------------------- passes
def test_a_training_pass_standardises_over_the_batch_then_scales_and_shifts(problem):
    X, _ = problem
    net = _bn_net((3, 6, 5, 2), ("identity", "tanh"), "regression")
    norm = nets.BatchNorm(update=False)
    outs = net.forward(X, norm=norm)
    assert len(norm.z_hat) == len(norm.inv_std) == 2
    for i, (gamma, beta) in enumerate(_norms(net)):
        z_hat = norm.z_hat[i]
        np.testing.assert_allclose(z_hat.mean(axis=0), 0, atol=1e-14)
        z = outs[i] @ net.weights[i]  # the layer's bias unused
        np.testing.assert_allclose(z_hat.var(axis=0), 1, rtol=1e-3)
        np.testing.assert_allclose(z_hat.var(axis=0), z.var(0) / (z.var(0) + EPS), rtol=1e-12)
        np.testing.assert_allclose(z_hat, (z - z.mean(0)) / np.sqrt(z.var(0) + EPS),
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(norm.inv_std[i], 1 / np.sqrt(z.var(0) + EPS), rtol=1e-12)
        act = nets.get_activation(net.activations[i])
        np.testing.assert_allclose(outs[i + 1], act.forward(gamma * z_hat + beta),
                                   rtol=1e-12, atol=1e-12)
    # the identity layer's outputs have the batch mean beta and standard deviation |gamma|
    gamma, beta = _norms(net)[0]
    np.testing.assert_allclose(outs[1].mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(outs[1].std(axis=0), np.abs(gamma), rtol=1e-3)
    assert not np.allclose(outs[1].mean(axis=0), 0, atol=0.05)


def test_evaluation_uses_the_running_statistics_so_a_row_predicts_alone_as_in_a_batch(
        problem):
    X, _ = problem
    net = _bn_net((3, 6, 5, 3), ("identity", "sigmoid"), "multiclass")
    gamma, beta = _norms(net)[0]
    mean, var = net.running[0], net.running[1]
    Z, A = net.hidden(X, 0)
    expected = gamma * (X @ net.weights[0] - mean) / np.sqrt(var + EPS) + beta
    np.testing.assert_allclose(A, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Z, expected, rtol=1e-12, atol=1e-12)
    together = net.predict_proba(X)
    alone = np.concatenate([net.predict_proba(X[k:k + 1]) for k in range(len(X))])
    np.testing.assert_allclose(alone, together, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(net.predict_proba(X[:7]), together[:7], rtol=1e-13)
    # a training pass is not: the batch's statistics depend on the other rows
    part = net.forward(X[:7], norm=nets.BatchNorm(update=False))[-1]
    whole = net.forward(X, norm=nets.BatchNorm(update=False))[-1][:7]
    assert np.abs(part - whole).max() > 1e-2
    assert np.abs(net.logits(X) - net.forward(X, norm=nets.BatchNorm(update=False))[-1]
                  ).max() > 1e-2


def test_loss_is_the_evaluation_modes_and_loss_and_grads_the_batchs(problem):
    # MLP.loss's docstring said nothing of which statistics it reads
    X, ys = problem
    net = _bn_net((3, 6, 5, 1), ("tanh", "relu"), "binary")
    T = _targets(net, ys["binary"])
    evaluated = net.loss(X, T)
    assert evaluated == nets.evaluate(net, X, ys["binary"])[0]  # as checkpoints score
    assert evaluated == nets.get_head("binary").loss(net.logits(X), T)
    batch = net.loss_and_grads(X, T)[0]
    assert batch == nets.get_head("binary").loss(
        net.forward(X, norm=nets.BatchNorm(update=False))[-1], T)
    assert abs(evaluated - batch) > 5e-3  # 0.7397 against 0.7476


def test_only_an_updating_training_pass_moves_the_running_statistics(problem):
    X, ys = problem
    net = _bn_net((3, 6, 5, 1), ("tanh", "relu"), "binary")
    before = net.state.copy()
    T = _targets(net, ys["binary"])
    net.forward(X, norm=nets.BatchNorm(update=False))
    net.loss_and_grads(X, T)  # a training pass's gradients, running statistics untouched
    net.predict_proba(X), net.logits(X), net.loss(X, T), nets.evaluate(net, X, ys["binary"])
    assert np.array_equal(net.state, before)
    old = [r.copy() for r in net.running]
    norm = nets.BatchNorm(steps=10)  # past a run's first 10 steps: by MOMENTUM (0.1)
    outs = net.forward(X, norm=norm)
    assert np.array_equal(net.flat, before[:net.flat.size]) and norm.steps == 11
    for i in range(2):
        z = outs[i] @ net.weights[i]
        np.testing.assert_allclose(net.running[2 * i], old[2 * i] + 0.1 * (z.mean(0) - old[2 * i]),
                                   rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(net.running[2 * i + 1],
                                   old[2 * i + 1] + 0.1 * (z.var(0) - old[2 * i + 1]), rtol=1e-12)
        assert not np.allclose(net.running[2 * i], old[2 * i])
        assert not np.allclose(net.running[2 * i + 1], old[2 * i + 1])
    # the running views are the state vector's tail
    assert all(np.shares_memory(r, net.state) for r in net.running)
    assert not np.array_equal(net.state[net.flat.size:], before[net.flat.size:])


def test_a_runs_first_steps_average_their_batches_statistics_then_move_them_by_a_tenth(
        problem):
    # QA: the running statistics started at 0 and 1 and moved 10 % a step, so they lagged
    # the batches' for tens of one-step epochs; now the t-th step moves them by 1 / t
    # (PyTorch's momentum=None) up to the 10th, and the first sets them to its batch's
    X, _ = problem
    net = _bn_net((3, 4, 1), ("tanh",), "regression")
    rows = [X[k:k + 6] for k in range(0, 30, 2)]  # 15 steps' batches
    norm, zs = nets.BatchNorm(), []
    for t, xb in enumerate(rows, 1):
        mean, var = net.running[0].copy(), net.running[1].copy()
        z = xb @ net.weights[0]
        zs.append(z)
        net._forward(xb, None, norm)
        assert norm.steps == t
        if t <= 10:  # the average of the steps' statistics so far (the first: its batch's,
            # whatever the net held)
            np.testing.assert_allclose(net.running[0], np.mean([z.mean(0) for z in zs], 0),
                                       rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(net.running[1], np.mean([z.var(0) for z in zs], 0),
                                       rtol=1e-12)
        else:
            np.testing.assert_allclose(net.running[0], mean + 0.1 * (z.mean(0) - mean),
                                       rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(net.running[1], var + 0.1 * (z.var(0) - var),
                                       rtol=1e-12)
    for bad in (-1, 1.5, True, None):
        with pytest.raises(ValueError, match=r"^steps must be an integer >= 0, got "):
            nets.BatchNorm(steps=bad)


def test_a_run_starts_from_its_nets_statistics_over_the_training_rows(problem):
    # QA: epoch 0 scored the net at the starting 0 and 1, a net without batch norm that
    # training never sees; iris's scored lower than any of its first 10 checkpoints
    X, ys = problem
    cfg = nets.TrainConfig(hidden=(5,), activation="tanh", dtype="float64", batch_size=8,
                           max_epochs=1, batch_norm=True)
    net = nets.build_net(cfg, 3, ys["multiclass"], rng=np.random.default_rng(0))
    start = net.copy()
    result = nets.train(net, cfg, X, ys["multiclass"], rng=np.random.default_rng(1))
    z = X @ start.weights[0]
    assert not np.allclose(z.mean(0), 0, atol=0.1)  # 0 and 1 were far from them
    training = start.forward(X, norm=nets.BatchNorm(update=False))[-1]
    head, T = nets.get_head(start.head), _targets(start, ys["multiclass"])
    assert result.records[0]["train_loss"] == pytest.approx(head.loss(training, T, None),
                                                             rel=1e-12)
    assert result.records[0]["train_loss"] != pytest.approx(start.loss(X, T), rel=1e-3)


def test_a_batch_normed_run_resumed_early_trains_as_the_whole_run(problem):
    # the running statistics' step count goes on from start_step: resumed at step 3 (of
    # the first 10, averaged), the net ends bit for bit as the uninterrupted run's
    X, ys = problem
    cfg = nets.TrainConfig(hidden=(5,), activation="tanh", dtype="float64", batch_size=10,
                           max_epochs=6, batch_norm=True)  # 3 steps an epoch
    whole = nets.build_net(cfg, 3, ys["binary"], rng=np.random.default_rng(0))
    nets.train(whole, cfg, X, ys["binary"], rng=np.random.default_rng(1))
    part = nets.build_net(cfg, 3, ys["binary"], rng=np.random.default_rng(0))
    rng, opt = np.random.default_rng(1), nets.new_optimizer(cfg, part)
    first = nets.train(part, cfg.replace(max_epochs=1), X, ys["binary"], rng=rng,
                       optimizer=opt)
    nets.train(part, cfg, X, ys["binary"], rng=rng, optimizer=opt,
               start_step=first.iterations)
    assert first.iterations == 3 and np.array_equal(part.state, whole.state)


# ----------------------------------------------------------------------------- folded
def _affine_logits(layers, activations, X):
    a = X
    for k, name in enumerate(activations):
        a = nets.get_activation(name).forward(a @ layers[2 * k] + layers[2 * k + 1])
    return a @ layers[-2] + layers[-1]


def test_folded_layers_compute_what_evaluation_computes(problem):
    X, _ = problem
    acts = ("sigmoid", "leaky_relu", "tanh")
    net = _bn_net((3, 6, 5, 4, 3), acts, "multiclass")
    layers = net.folded()
    assert [p.shape for p in layers] == [p.shape for p in net.params[:2 * net.n_layers]]
    logits = net.logits(X)
    np.testing.assert_allclose(_affine_logits(layers, acts, X), logits, rtol=1e-12,
                               atol=1e-12)
    # the net's own layers (its b unused, gamma and beta left out) are another net
    assert np.abs(_affine_logits(net.params[:2 * net.n_layers], acts, X) - logits).max() > 1e-2
    assert not any(np.shares_memory(p, net.state) for p in layers)
    layers[0][...] = 0
    assert np.array_equal(net.logits(X), logits)
    # without batch norm: copies of the parameters
    plain = nets.MLP.initialized((3, 6, 5, 4, 3), acts, "multiclass",
                                 rng=np.random.default_rng(0), dtype=np.float64)
    for b in plain.biases:
        b[...] = 0.1
    folded = plain.folded()
    assert len(folded) == len(plain.params)
    for a, b in zip(folded, plain.params, strict=True):
        assert np.array_equal(a, b) and a.dtype == b.dtype and not np.shares_memory(a, b)


def test_a_runs_snapshots_are_its_folded_layers(problem):
    X, ys = problem
    cfg = nets.TrainConfig(hidden=(6, 5), activation="tanh", lr=0.1, batch_size=8,
                           max_epochs=5, batch_norm=True, dtype="float64")
    net = nets.build_net(cfg, 3, ys["binary"], rng=np.random.default_rng(0))
    result = nets.train(net, cfg, X, ys["binary"], rng=np.random.default_rng(1), snapshots=3)
    epoch, last = result.snapshots[-1]
    assert epoch == 5 and len(last) == 2 * net.n_layers
    for a, b in zip(last, net.folded(), strict=True):
        assert np.array_equal(a, b)
    assert not np.allclose(last[0], net.weights[0])  # folded in: not the raw W
    np.testing.assert_allclose(_affine_logits(last, net.activations, X), net.logits(X),
                               rtol=1e-12, atol=1e-12)
    # the first snapshot is the untrained net's (running statistics 0 and 1 folded in)
    first = result.snapshots[0][1]
    assert result.snapshots[0][0] == 0
    assert not np.array_equal(first[0], last[0])


# ----------------------------------------------------------------------------- training
def _digits_run(digits, batch_norm, dtype="float32", seed=0, callbacks=()):
    X, y = digits
    X = X.astype(dtype)
    cfg = nets.TrainConfig(hidden=(32, 32, 32, 32), activation="sigmoid", optimizer="sgd",
                           lr=0.1, batch_size=32, max_epochs=10, batch_norm=batch_norm,
                           dtype=dtype)
    init, loop = nets.train_streams(seed)
    net = nets.build_net(cfg, X.shape[1], y[:1400], rng=init)
    result = nets.train(net, cfg, X[:1400], y[:1400], X[1400:], y[1400:], rng=loop,
                        callbacks=list(callbacks))
    return net, result


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_norm_trains_the_deep_sigmoid_net_that_is_stuck_without_it(digits, dtype):
    # 4 sigmoid layers, plain SGD at 0.1, 10 epochs: 0.10 (a guess among ten) without
    # batch norm, 0.90 with it (float32 and float64 alike)
    stuck, plain = _digits_run(digits, False, dtype)
    net, result = _digits_run(digits, True, dtype)
    assert plain.status == result.status == "max_epochs"
    assert plain.final("val_accuracy") < 0.3
    assert result.final("val_accuracy") >= 0.85
    assert net.dtype == dtype and net.state.dtype == dtype
    # training moved the running statistics off 0 and 1; the hidden biases stayed 0
    mean, var = net.running[0], net.running[1]
    assert np.abs(mean).min() > 0 and np.abs(var - 1).max() > 0.1
    assert all(not b.any() for b in net.biases[:-1]) and net.biases[-1].any()
    assert all(not np.allclose(g, 1) for g, _ in _norms(net))
    # the history's last checkpoint scores the net as it ends; scoring moves nothing
    X, y = digits
    state = net.state.copy()
    loss, accuracy = nets.evaluate(net, X[1400:].astype(dtype), y[1400:])
    assert (loss, accuracy) == pytest.approx((result.final("val_loss"),
                                              result.final("val_accuracy")), rel=1e-6)
    assert np.array_equal(net.state, state)


def test_one_seed_trains_one_batch_normed_run_bit_for_bit(digits):
    net, result = _digits_run(digits, True)
    again, twice = _digits_run(digits, True)
    assert result.history.equals(twice.history)
    assert np.array_equal(net.state, again.state)
    other, elsewhere = _digits_run(digits, True, seed=1)
    assert not np.array_equal(net.state, other.state)
    assert not result.history["val_loss"].equals(elsewhere.history["val_loss"])


# ----------------------------------------------------------------------------- off
def test_batch_norm_is_off_by_default_and_adds_nothing_then(problem):
    X, ys = problem
    cfg = nets.TrainConfig(hidden=(6, 5), activation="tanh", dtype="float64")
    assert nets.TrainConfig().batch_norm is False and cfg.batch_norm is False
    net = nets.build_net(cfg, 3, ys["multiclass"], rng=np.random.default_rng(0))
    n = (3 * 6 + 6) + (6 * 5 + 5) + (5 * 3 + 3)
    assert net.batch_norm is False and net.running == [] and len(net.params) == 6
    assert net.state.size == net.flat.size == net.n_parameters == n
    assert np.shares_memory(net.flat, net.state) and "batch_norm" not in net.spec()
    normed = nets.build_net(cfg.replace(batch_norm=True), 3, ys["multiclass"],
                            rng=np.random.default_rng(0))
    assert normed.flat.size == n + 2 * (6 + 5)
    # gammas and betas counted as parameters, the hidden layers' unused biases not
    assert normed.n_parameters == n + 2 * (6 + 5) - (6 + 5)
    assert normed.state.size == n + 4 * (6 + 5) and normed.spec()["batch_norm"] is True
    # the same draws: batch norm adds its numbers after the layers', changing none
    for a, b in zip(net.params, normed.params[:6], strict=True):
        assert np.array_equal(a, b)
    assert [p.tolist() for p in normed.params[6:]] == [[1.0] * 6, [0.0] * 6,
                                                      [1.0] * 5, [0.0] * 5]
    assert [p.tolist() for p in normed.running] == [[0.0] * 6, [1.0] * 6,
                                                   [0.0] * 5, [1.0] * 5]
    # without it each b's gradient is its layer's delta summed over the rows, as backprop
    # by hand gives it
    for b in net.biases:
        b[...] = 0.2
    T = _targets(net, ys["multiclass"])
    outs = net.forward(X)
    grads = net.backward(outs, T)
    delta = nets.get_head(net.head).delta(outs[-1], T, None, 1.0)
    for i in range(net.n_layers - 1, -1, -1):
        np.testing.assert_allclose(grads[2 * i + 1], delta.sum(axis=0), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(grads[2 * i], outs[i].T @ delta, rtol=1e-12, atol=1e-15)
        assert grads[2 * i + 1].any()
        if i:
            delta = nets.get_activation(net.activations[i - 1]).backward(
                outs[i], delta @ net.weights[i].T)


# ----------------------------------------------------------------------------- files
@pytest.fixture
def bn_trained(tmp_path, problem):
    X, ys = problem
    X = X.astype(np.float32)
    cfg = nets.TrainConfig(hidden=(6, 5), activation=("sigmoid", "leaky_relu"), lr=0.3,
                           batch_size=8, max_epochs=5, batch_norm=True)
    net = nets.build_net(cfg, 3, ys["multiclass"], rng=np.random.default_rng(1))
    nets.train(net, cfg, X, ys["multiclass"], rng=np.random.default_rng(2))
    path = nets.save_net(tmp_path / "model.npz", net, config=cfg.to_dict(),
                         meta={"dataset": "toy"},
                         arrays={"x_shift": np.zeros(3), "x_scale": np.ones(3)})
    return net, cfg, X, ys["multiclass"], path


def test_a_saved_batch_normed_net_loads_with_its_running_statistics(bn_trained, tmp_path):
    net, cfg, X, _, path = bn_trained
    loaded, header, _ = nets.load_net(path)
    assert header["spec"]["batch_norm"] is True and loaded.batch_norm is True
    assert header["config"]["batch_norm"] is True
    assert np.array_equal(loaded.state, net.state) and loaded.state.dtype == np.float32
    for a, b in zip([*loaded.params, *loaded.running], [*net.params, *net.running],
                    strict=True):
        assert np.array_equal(a, b)
    assert not np.array_equal(loaded.running[1], np.ones(6, np.float32))  # trained ones
    assert np.array_equal(loaded.predict_proba(X), net.predict_proba(X))
    assert np.array_equal(loaded.predict(X), net.predict(X))
    # a net without batch norm writes no batch_norm at all: its files read as they did
    plain = nets.build_net(cfg.replace(batch_norm=False), 3, np.arange(3),
                           rng=np.random.default_rng(0))
    spec = model_header(nets.save_net(tmp_path / "plain.npz", plain))["spec"]
    assert "batch_norm" not in spec
    assert nets.load_net(tmp_path / "plain.npz")[0].batch_norm is False


def test_a_forged_batch_norm_file_is_refused(bn_trained, tmp_path):
    _, _, _, _, path = bn_trained
    bad = tmp_path / "bad.npz"
    yes = model_header(path)
    yes["spec"]["batch_norm"] = "yes"
    unsaid = model_header(path)
    del unsaid["spec"]["batch_norm"]
    # W, b of 3 layers, gamma and beta of 2 hidden ones (params 0-9), then running mean
    # and variance (10-13)
    cases = [
        ({"header": np.array(json.dumps(yes))}, r"bad header: batch_norm 'yes'"),
        ({"param_13": None}, r"parameter 13 should be float \(5,\), got missing"),
        ({"param_10": None}, r"parameter 10 should be float \(6,\), got missing"),
        ({"param_11": np.ones(5, np.float32)}, r"parameter 11 should be float \(6,\)"),
        ({"param_14": np.ones(5, np.float32)}, "more parameters than its architecture"),
        ({"header": np.array(json.dumps(unsaid))}, "more parameters than its architecture"),
    ]
    for changes, match in cases:
        tamper(path, bad, **changes)
        with pytest.raises(ValueError, match=match):
            nets.load_net(bad)
    assert nets.load_net(tamper(path, bad))[0].batch_norm  # untampered, it loads


@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle", "float64"])
def test_copies_keep_the_running_statistics(bn_trained, how):
    net, cfg, X, y, _ = bn_trained
    twin = {"copy": net.copy, "deepcopy": lambda: copy.deepcopy(net),
            "pickle": lambda: pickle.loads(pickle.dumps(net)),
            "float64": lambda: net.copy(np.float64)}[how]()
    assert twin.batch_norm and twin.state.dtype == (np.float64 if how == "float64"
                                                    else np.float32)
    assert np.array_equal(twin.state, net.state.astype(twin.dtype))
    assert not np.array_equal(net.running[0], np.zeros(6))
    # every parameter and running statistic a view of the twin's own state vector
    assert all(np.shares_memory(twin.state, p) for p in [*twin.params, *twin.running])
    assert np.shares_memory(twin.flat, twin.state) and twin.flat.size == net.flat.size
    assert not np.shares_memory(twin.state, net.state)
    if how == "float64":
        np.testing.assert_allclose(twin.predict_proba(X), net.predict_proba(X), rtol=1e-5)
    else:
        assert np.array_equal(twin.predict_proba(X), net.predict_proba(X))
    # training the twin moves its running statistics and weights, not the original's
    state = net.state.copy()
    nets.train(twin, cfg.replace(dtype=twin.dtype.name), X, y, rng=np.random.default_rng(3))
    assert np.array_equal(net.state, state)
    n = net.flat.size
    assert not np.allclose(twin.running[0], state[n:n + 6])
    assert not np.allclose(twin.flat, state[:n])


# ----------------------------------------------------------------------------- early stopping
class KeepStates(nets.Callback):
    """Every checkpoint's whole net: weights and running statistics."""

    def __init__(self):
        self.states = []

    def on_checkpoint(self, state, record):
        self.states.append(state.net.state.copy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_early_stopping_restores_the_running_statistics_with_the_weights(digits, dtype):
    # 150 training rows and a wide net overfit within a few epochs
    X, y = digits
    X = X.astype(dtype)
    cfg = nets.TrainConfig(hidden=(64, 64), activation="relu", optimizer="adam", lr=0.01,
                           batch_size=16, max_epochs=60, patience=3, batch_norm=True,
                           dtype=dtype)
    init, loop = nets.train_streams(0)
    net = nets.build_net(cfg, 64, y, rng=init)
    keep = KeepStates()
    result = nets.train(net, cfg, X[:150], y[:150], X[1400:], y[1400:], rng=loop,
                        callbacks=[keep])
    assert result.status == "early_stopped"
    best = result.final_row
    assert 0 < best < len(result.records) - 1 == len(keep.states) - 1
    assert np.array_equal(net.state, keep.states[best])
    n = net.flat.size
    assert not np.array_equal(keep.states[-1][n:], keep.states[best][n:])  # they moved on
    loss, accuracy = nets.evaluate(net, X[1400:], y[1400:])
    assert loss == pytest.approx(result.final("val_loss"), rel=1e-6)
    assert accuracy == pytest.approx(result.final("val_accuracy"), rel=1e-6)
    assert loss == pytest.approx(result.history["val_loss"].min(), rel=1e-6)
    # the best weights with the last checkpoint's running statistics score another loss
    mixed = net.copy()
    mixed.state[n:] = keep.states[-1][n:]
    assert abs(nets.evaluate(mixed, X[1400:], y[1400:])[0] - loss) > 1e-3


# ----------------------------------------------------------------------------- errors
def test_batch_norm_settings_and_misuse_are_refused(problem):
    X, ys = problem
    with pytest.raises(ValueError, match="^batch_norm normalises hidden layers, and a net "
                                         "with no hidden layer has none; leave batch_norm off$"):
        nets.TrainConfig(batch_norm=True, hidden=())
    for value in ("yes", 1, None):
        with pytest.raises(ValueError, match=f"^batch_norm must be true or false, got "
                                             f"{value!r}$"):
            nets.TrainConfig(batch_norm=value)
    with pytest.raises(ValueError, match="^batch_norm must be True or False, got 'no'$"):
        nets.MLP((3, 4, 1), ["tanh"], "binary", batch_norm="no")
    net = _bn_net((3, 5, 4, 1), ("tanh", "relu"), "binary")
    T = _targets(net, ys["binary"])
    needs = "^a batch-normed net's backward needs the nets.BatchNorm its forward pass"
    with pytest.raises(ValueError, match=needs):
        net.backward(net.forward(X), T)
    with pytest.raises(ValueError, match=needs):  # one no forward pass normalised with
        net.backward(net.forward(X), T, norm=nets.BatchNorm())
    # a config that does not describe the net, either way round
    cfg = nets.TrainConfig(hidden=(5, 4), activation=("tanh", "relu"), dtype="float64",
                           max_epochs=1)
    for which, config in ((net, cfg), (nets.build_net(cfg, 3, ys["binary"],
                                                      rng=np.random.default_rng(0)),
                                       cfg.replace(batch_norm=True))):
        state = which.state.copy()
        with pytest.raises(ValueError, match=r"^cfg does not describe the net .*batch_norm"):
            nets.train(which, config, X, ys["binary"], rng=np.random.default_rng(0))
        assert np.array_equal(which.state, state)
    with pytest.raises(ValueError, match="^batch_norm needs batches of 2 rows or more"):
        nets.TrainConfig(batch_norm=True, batch_size=1)
    with pytest.raises(ValueError, match=r"a net of sizes \(3, 1\) has none"):
        nets.MLP((3, 1), (), "binary", batch_norm=True)
    assert nets.TrainConfig(batch_norm=np.True_).batch_norm is True  # from an array of choices


def test_a_last_batch_of_one_row_leaves_the_running_statistics(problem):
    X, ys = problem
    net = _bn_net((3, 4, 1), ("tanh",), "regression")
    running = net.state[net.flat.size:].copy()
    net._forward(X[:1], None, nets.BatchNorm())  # its variance is 0: an estimate of nothing
    assert np.array_equal(net.state[net.flat.size:], running)
    net._forward(X[:2], None, nets.BatchNorm())
    assert not np.array_equal(net.state[net.flat.size:], running)
    # 31 rows in batches of 10: the last step's one row moves nothing, the others do
    cfg = nets.TrainConfig(hidden=(4,), activation="tanh", dtype="float64", batch_size=10,
                           max_epochs=1, batch_norm=True)
    X31, y31 = np.vstack([X, X[:1]]), np.append(ys["regression"], ys["regression"][0])
    fresh = nets.build_net(cfg, 3, y31, rng=np.random.default_rng(0))
    nets.train(fresh, cfg, X31, y31, rng=np.random.default_rng(0))
    assert np.all(fresh.running[1] > 0.05)  # not pulled towards 0 by the one-row batch


def test_a_range_test_puts_the_running_statistics_back(problem):
    import analyses

    X, ys = problem
    cfg = nets.TrainConfig(hidden=(5,), activation="tanh", dtype="float64", batch_size=8,
                           batch_norm=True)
    net = nets.build_net(cfg, 3, ys["multiclass"], rng=np.random.default_rng(0))
    before = net.state.copy()
    analyses.range_test(net, cfg, X, ys["multiclass"], rng=np.random.default_rng(1),
                        num_steps=20)
    assert np.array_equal(net.state, before)


def test_a_short_last_batch_joins_the_one_before_it_with_batch_norm_only():
    # (rows, batch size) -> steps without and with batch norm
    cases = {(900, 32): (29, 28), (900, 30): (30, 30), (31, 10): (4, 3), (35, 10): (4, 3),
             (36, 10): (4, 4), (33, 2): (17, 16), (5, -1): (1, 1), (3, 10): (1, 1)}
    found = {case: (nets.epoch_steps(*case), nets.epoch_steps(*case, batch_norm=True))
             for case in cases}
    assert found == cases


def test_coins_four_row_last_batch_no_longer_jolts_a_batch_normed_net():
    import data

    ds = data.load("coin", seed=0)
    cfg = nets.TrainConfig(hidden=(8,), activation="tanh", lr=0.1, batch_size=32,
                           max_epochs=100, batch_norm=True)
    init, loop = nets.train_streams(0)
    net = nets.build_net(cfg, 2, ds.y_train, rng=init)
    result = nets.train(net, cfg, ds.X_train, ds.y_train, ds.X_val, ds.y_val, rng=loop)
    assert result.iterations == 100 * 28  # 900 rows: 27 batches of 32 and one of 36
    val = np.array([r["val_loss"] for r in result.records])
    # a 4-row batch closing each epoch made the validation loss jump by a fifth and more at
    # 4 of the 100 checkpoints, and left a test accuracy of 0.66
    assert not np.any(val[1:] > 1.15 * val[:-1])
    assert nets.evaluate(net, ds.X_test, ds.y_test)[1] >= 0.83  # 0.862
