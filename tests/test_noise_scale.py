"""The gradient noise scale: two-batch estimator against per-example gradients."""

import numpy as np
import pytest

import nets
from analyses import GradientNoiseScale, exact_noise_scale, noise_from_norms


def _linear_problem(n=200, d=5, seed=0):
    """Linear regression net (no hidden layer) away from its optimum, float64."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.5 * rng.normal(size=n)
    net = nets.MLP.initialized((d, 1), (), "regression", rng=rng, dtype=np.float64)
    T = net._head.encode(y, 1, np.float64)
    return net, X, T


def test_exact_noise_scale_matches_per_example_formula():
    net, X, T = _linear_problem()
    W, b = net.params
    r = (X @ W + b - T)[:, 0]  # residuals; per-example gradient = (x_i r_i, r_i)
    g = np.column_stack([X * r[:, None], r])
    G = g.mean(axis=0)
    trace = np.mean(np.sum((g - G) ** 2, axis=1))
    g2, tr = exact_noise_scale(net, X, T)
    assert g2 == pytest.approx(G @ G, rel=1e-10)
    assert tr == pytest.approx(trace, rel=1e-10)


def test_two_batch_estimates_are_unbiased_and_b_simple_lands():
    net, X, T = _linear_problem()
    g2, trace = exact_noise_scale(net, X, T)
    assert trace / g2 > 5  # a noisy problem, not a degenerate one
    # each measurement is unbiased for |G|^2 and tr(Sigma) (finite-population c(B)):
    # the mean of 4000 lands within 4 standard errors
    raw = np.array([noise_from_norms(*_norms(net, X, T, np.random.default_rng(k)))
                    for k in range(4000)])
    se = raw.std(axis=0) / np.sqrt(len(raw))
    assert abs(raw[:, 0].mean() - g2) < 4 * se[0] and se[0] < 0.02 * g2
    assert abs(raw[:, 1].mean() - trace) < 4 * se[1] and se[1] < 0.05 * trace
    # the callback's smoothed ratio is B_simple = tr(Sigma) / |G|^2
    cb = GradientNoiseScale(X, T, b_small=4, b_big=64, every=1,
                            rng=np.random.default_rng(1), beta=0.999)
    for _ in range(3000):
        cb.measure(net)
    assert cb.frame()["b_simple"].iloc[-1] == pytest.approx(trace / g2, rel=0.2)


def _norms(net, X, T, rng, b_small=4, b_big=64):
    out = []
    for b in (b_small, b_big):
        idx = rng.choice(len(X), b, replace=False)
        _, g = net.loss_and_grads(X[idx], T[idx])
        out.append(sum(float(np.vdot(p, p)) for p in g))
    return (*out, b_small, b_big, len(X))


def test_full_big_batch_gives_g2_exactly():
    net, X, T = _linear_problem(n=50)
    g2, _ = exact_noise_scale(net, X, T)
    cb = GradientNoiseScale(X, T, b_small=5, b_big=50, every=1, rng=np.random.default_rng(0),
                            beta=0.0)
    row = cb.measure(net)
    assert row["g2"] == pytest.approx(g2, rel=1e-9)  # c(n) = 0: the big batch is G itself


def test_measuring_does_not_change_training():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    cfg = nets.TrainConfig(hidden=(6,), activation="tanh", lr=0.3, batch_size=8, max_epochs=5)

    def run(callbacks):
        net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
        res = nets.train(net, cfg, X, y, rng=np.random.default_rng(2), callbacks=callbacks)
        return net, res

    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    T = net._head.encode(y, 1, net.dtype)
    cb = GradientNoiseScale(X, T, b_small=8, b_big=120, every=10, rng=np.random.default_rng(3))
    plain, plain_res = run([])
    noisy, noisy_res = run([cb])
    assert all(np.array_equal(a, b) for a, b in zip(plain.params, noisy.params, strict=True))
    assert noisy_res.iterations == 75 and len(cb.rows) == 7  # steps 10, 20, ..., 70
    assert (cb.frame()["b_simple"].dropna() > 0).all()


@pytest.mark.parametrize("small, big, n", [(8, 8, None), (0, 4, None), (4, 64, 32)])
def test_bad_batch_sizes_are_errors(small, big, n):
    with pytest.raises(ValueError, match="b_small|b_big"):
        noise_from_norms(1.0, 0.5, small, big, n)
