"""Backprop against two-sided differences (course sections 44-45)."""

import itertools
import json

import numpy as np
import pytest
from cli_helpers import run_cli

import nets

HEADS = {"regression": 1, "binary": 1, "multiclass": 3}


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((16, 3))
    ys = {"regression": rng.standard_normal(16), "binary": rng.integers(0, 2, 16),
          "multiclass": rng.integers(0, 3, 16)}
    return X, ys


def _net(sizes, acts, head, seed=1):
    net = nets.MLP.initialized(sizes, acts, head, init="xavier", rng=np.random.default_rng(seed),
                               dtype=np.float64)
    for b in net.biases:  # non-zero biases, so they are checked too
        b[...] = np.random.default_rng(seed + 1).normal(0, 0.5, b.shape)
    return net


@pytest.mark.parametrize("activation", list(nets.ACTIVATIONS))
@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_backprop_matches_numeric_gradient(problem, activation, head, depth):
    X, ys = problem
    net = _net((3, *[5] * depth, HEADS[head]), [activation] * depth, head)
    res = nets.gradcheck(net, X, ys[head])
    assert res.relative_difference < 1e-7
    assert res.verdict == "excellent"
    assert res.n_parameters == net.n_parameters


def test_mixed_activations_multi_target_regression_and_class_weights(problem):
    X, ys = problem
    acts = ("sigmoid", "tanh", "leaky_relu")
    net = _net((3, 6, 5, 4, 2), acts, "regression")
    Y = np.column_stack([ys["regression"], ys["regression"] ** 2])
    assert nets.gradcheck(net, X, Y).relative_difference < 1e-7
    net = _net((3, 6, 5, 3), acts[:2], "multiclass")
    res = nets.gradcheck(net, X, ys["multiclass"], class_weight=(0.5, 2.0, 1.0))
    assert res.relative_difference < 1e-7
    # checked as training checks them: two weights for three classes was an IndexError,
    # and weights on a regression head were taken silently (as they were by train)
    with pytest.raises(ValueError, match="^class_weight needs 3 values, got 2$"):
        nets.gradcheck(net, X, ys["multiclass"], class_weight=(0.5, 2.0))
    regression = "^class_weight weighs classes: it applies to binary and multiclass heads, " \
                 "not regression$"
    with pytest.raises(ValueError, match=regression):
        nets.gradcheck(_net((3, 4, 1), ("tanh",), "regression"), X, ys["regression"],
                       class_weight=(1.0, 2.0))
    cfg = nets.TrainConfig(hidden=(4,), activation="tanh", dtype="float64",
                           class_weight=(1.0, 2.0), max_epochs=1)
    with pytest.raises(ValueError, match=regression):
        nets.train(_net((3, 4, 1), ("tanh",), "regression"), cfg, X, ys["regression"],
                   rng=np.random.default_rng(0))


@pytest.mark.parametrize("h", [0, -1e-5, float("nan"), "1e-5"])
def test_a_bad_step_is_a_one_line_value_error(problem, h):
    X, ys = problem
    net = nets.MLP.initialized((3, 5, 3), ["tanh"], "multiclass", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="h must be a finite number > 0"):
        nets.gradcheck(net, X, ys["multiclass"], h=h)


def test_a_numpy_step_is_a_step(problem):
    X, ys = problem
    net = nets.MLP.initialized((3, 5, 3), ["tanh"], "multiclass", rng=np.random.default_rng(0))
    assert nets.gradcheck(net, X, ys["multiclass"], h=np.float32(1e-5)).verdict == "excellent"


def test_float32_net_is_checked_in_float64(problem):
    X, ys = problem
    net = nets.MLP.initialized((3, 5, 3), ["tanh"], "multiclass",
                               rng=np.random.default_rng(0), dtype=np.float32)
    res = nets.gradcheck(net, X, ys["multiclass"])
    assert res.relative_difference < 1e-7
    assert net.dtype == np.float32  # the original is untouched


class TanhWithSigmoidBackward(nets.Activation):
    """The course's planted bug: tanh forward, sigmoid's derivative A(1 - A) backward."""

    name = "tanh_with_sigmoid_backward"

    def forward(self, z, out=None):
        return np.tanh(z, out=out)

    def backward(self, a, grad):
        grad *= a * (1 - a)
        return grad


@pytest.mark.parametrize("head", list(HEADS))
def test_wrong_backward_is_caught(problem, head):
    X, ys = problem
    net = _net((3, 5, HEADS[head]), [TanhWithSigmoidBackward()], head)
    res = nets.gradcheck(net, X, ys[head])
    assert res.relative_difference > 1e-2
    assert res.verdict == "wrong"
    # the same net with the real tanh is fine
    good = _net((3, 5, HEADS[head]), ["tanh"], head)
    assert nets.gradcheck(good, X, ys[head]).verdict == "excellent"


def test_wrong_backward_through_config_and_training_path(problem):
    X, ys = problem
    cfg = nets.TrainConfig(hidden=(5, 4), activation=("sigmoid", TanhWithSigmoidBackward()),
                           dtype="float64")
    net = nets.build_net(cfg, 3, ys["binary"], rng=np.random.default_rng(0))
    assert net.activations == ("sigmoid", "tanh_with_sigmoid_backward")
    assert nets.gradcheck(net, X, ys["binary"]).relative_difference > 1e-2


class TanhWithDoubleBackward(nets.Activation):
    """tanh forward, twice its derivative backward: every gradient below it comes out 2x."""

    name = "tanh_with_double_backward"

    def forward(self, z, out=None):
        return np.tanh(z, out=out)

    def backward(self, a, grad):
        grad *= 2 * (1 - a * a)
        return grad


def test_relative_difference_is_the_courses_formula(problem):
    # regression targets whose residuals are orthogonal to the hidden outputs and to 1:
    # the output layer's W and b have zero gradient, so the doubled backward makes
    # g_bp = 2 g_num everywhere, and ||2g - g|| / (||2g|| + ||g||) is 1/3 exactly
    # (||g_bp|| or the larger norm alone as the denominator gives 1/2)
    X, _ = problem
    net = _net((3, 5, 1), [TanhWithDoubleBackward()], "regression")
    hidden = np.column_stack([np.tanh(X @ net.weights[0] + net.biases[0]), np.ones(len(X))])
    r = np.random.default_rng(5).standard_normal(len(X))
    r -= hidden @ np.linalg.lstsq(hidden, r, rcond=None)[0]
    y = net.logits(X)[:, 0] + r
    res = nets.gradcheck(net, X, y)
    assert res.relative_difference == pytest.approx(1 / 3, abs=1e-8)
    assert res.verdict == "wrong"
    # and 0 (to round-off) with the true derivative: the construction itself is sound
    fine = _net((3, 5, 1), ["tanh"], "regression")
    assert nets.gradcheck(fine, X, y).relative_difference < 1e-9


@pytest.mark.parametrize("diff, expected", [
    (0.0, "excellent"), (9.9e-8, "excellent"), (1e-7, "acceptable"), (5e-5, "acceptable"),
    (1e-4, "suspicious"), (5e-3, "suspicious"), (1e-2, "wrong"), (0.5, "wrong"),
])
def test_verdict_bands(diff, expected):
    assert nets.verdict(diff) == expected


def test_step_size_matters_as_the_course_says(problem):
    # two-sided differences are O(h^2): h = 1e-5 is excellent; h = 1e-10 drowns in rounding
    X, ys = problem
    net = _net((3, 5, 1), ["sigmoid"], "binary")
    fine = nets.gradcheck(net, X, ys["binary"], h=1e-5).relative_difference
    tiny = nets.gradcheck(net, X, ys["binary"], h=1e-10).relative_difference
    assert fine < 1e-9
    assert tiny > 100 * fine


def test_gradcheck_dataset_builds_its_own_net():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(200, 2))
    y = np.digitize(np.hypot(*(X - 0.5).T), [0.2, 0.4])  # 3 rings, like the coin
    # ReLU too: the check draws small biases, so no pre-activation sits on a kink
    acts_all = [("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",)]
    for hidden, acts in itertools.product([(16,), (16, 12)], acts_all):
        res = nets.gradcheck_dataset(X, y, hidden=hidden, activation=acts, n_samples=32)
        assert res.relative_difference < 1e-7
    res = nets.gradcheck_dataset(X, y, hidden=(16, 12), activation=("sigmoid", "tanh"))
    assert res.n_parameters == 2 * 16 + 16 + 16 * 12 + 12 + 12 * 3 + 3
    with pytest.raises(ValueError, match="hidden widths must be >= 1"):
        nets.gradcheck_dataset(X, y, hidden=(16, 0), activation=("sigmoid",))


def test_gradcheck_dataset_sizes_the_output_by_n_classes():
    # QA: labels 0/1 with n_classes=3 checked a binary net with one output
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 2)), np.tile([0, 1], 10)
    res = nets.gradcheck_dataset(X, y, n_classes=3, hidden=(3,))
    assert res.n_parameters == 2 * 3 + 3 + 3 * 3 + 3
    assert nets.gradcheck_dataset(X, y, hidden=(3,)).n_parameters == 2 * 3 + 3 + 3 + 1
    with pytest.raises(ValueError, match=r"^y labels must lie in 0\.\.0, got 0\.\.1 "
                                         r"\(n_classes=1 must count every class\)$"):
        nets.gradcheck_dataset(X, y, n_classes=1, hidden=(3,))


def test_a_zero_gradient_is_no_disagreement():
    # MLP(...) leaves every weight at 0: on XOR every gradient is exactly 0, and the
    # two-sided differences only round-off
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    res = nets.gradcheck(nets.MLP((2, 3, 1), ("tanh",), "binary"), X, np.array([0, 1, 1, 0]))
    assert (res.relative_difference, res.verdict) == (0.0, "excellent")


def test_nan_gradients_are_wrong_not_a_zero_gradient(capsys):
    # a NaN weight (or a step whose 2h overflows) read as "no gradient": excellent
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    net = nets.MLP.initialized((2, 3, 1), ("tanh",), "binary", rng=np.random.default_rng(0),
                               dtype="float64")
    net.flat[0] = np.nan
    res = nets.gradcheck(net, X, np.array([0, 1, 1, 0]))
    assert np.isnan(res.relative_difference) and res.verdict == "wrong"
    code, out, err = run_cli(["gradcheck", "--dataset", "double-arc", "--h", "1e308",
                              "--json"], capsys)
    assert code == 0 and json.loads(out)["verdict"] == "wrong"


def test_a_python_check_at_a_step_outside_the_courses_range_carries_the_note():
    # review: only hplab gradcheck said that a verdict at such a step may be the step's; a
    # Python caller of gradcheck_dataset saw "wrong" alone
    X, y = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 1, 1, 0])
    small = nets.gradcheck_dataset(X, y, hidden=(4,), h=1e-300)
    assert small.verdict == "wrong" and small.note == (
        "h 1e-300 lies outside the course's 1e-7 to 1e-4: rounding swamps so small a "
        "difference, so a poor verdict may be the step's, not backprop's")
    large = nets.gradcheck_dataset(X, y, hidden=(4,), h=5e-4)
    assert large.note.startswith("h 0.0005 lies outside the course's 1e-7 to 1e-4: the "
                                 "curvature biases so large a difference")
    assert nets.STEP_RANGE == (1e-7, 1e-4)
    for inside in (*nets.STEP_RANGE, 1e-5):  # the bounds quoted are the bounds used
        assert nets.gradcheck_dataset(X, y, hidden=(4,), h=inside).note is None
    assert nets.step_note(1e-3, "--h").startswith("--h 0.001 lies outside")


def test_a_step_outside_the_courses_range_is_said_to_be_the_suspect(capsys):
    # QA: --h 1e-300 printed "wrong" alone, blaming backprop for the step
    code, out, err = run_cli(["gradcheck", "--dataset", "xor", "--h", "1e-300"], capsys)
    assert code == 0, err
    assert out.splitlines()[0].endswith("wrong (33 parameters)")
    assert out.splitlines()[1] == (
        "note: --h 1e-300 lies outside the course's 1e-7 to 1e-4: rounding swamps so small a "
        "difference, so a poor verdict may be the step's, not backprop's")
    code, out, err = run_cli(["gradcheck", "--dataset", "xor", "--h", "5e-4"], capsys)
    assert "note: --h 0.0005 lies outside the course's 1e-7 to 1e-4: the curvature biases " \
        "so large a difference" in out
    for inside in ("1e-7", "1e-4"):  # the bounds quoted are the bounds used
        code, out, err = run_cli(["gradcheck", "--dataset", "xor", "--h", inside], capsys)
        assert code == 0 and "note" not in out, inside
    code, out, err = run_cli(["gradcheck", "--dataset", "xor"], capsys)
    assert code == 0 and "note" not in out and "excellent" in out


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_relu_nets_check_excellent_on_xor(activation):
    # XOR's (0, 0) row with zero biases puts every pre-activation exactly on the kink,
    # where the two-sided difference sees slope 0.5 and backprop (rightly) 0
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    y = np.array([0, 1, 1, 0])
    for hidden, seed in itertools.product([(2,), (4,), (8, 8)], range(3)):
        res = nets.gradcheck_dataset(X, y, hidden=hidden, activation=(activation,), seed=seed)
        assert res.verdict == "excellent", (hidden, seed, res.relative_difference)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_output_matches_scipy_even_for_huge_logits(dtype):
    from scipy.special import softmax

    rng = np.random.default_rng(0)
    z = (rng.standard_normal((50, 7)) * 300).astype(dtype)  # exp overflows without a shift
    p = nets.HEADS["multiclass"].output(z)
    assert p.dtype == dtype and np.isfinite(p).all()
    np.testing.assert_allclose(p, softmax(z.astype(np.float64), axis=1),
                               rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-30)
    z[3, 2] = np.nan  # a diverged row stays NaN (and is caught as divergence), others are fine
    p = nets.HEADS["multiclass"].output(z)
    assert np.isnan(p[3]).all() and np.isfinite(np.delete(p, 3, axis=0)).all()


@pytest.mark.parametrize("activation", list(nets.ACTIVATIONS))
@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_backprop_through_dropout_matches_numeric_gradient(problem, activation, head, depth):
    # the check holds one set of masks for all its losses: a function of the weights
    X, ys = problem
    net = _net((3, *[5] * depth, HEADS[head]), [activation] * depth, head)
    res = nets.gradcheck(net, X, ys[head], dropout=0.4, rng=np.random.default_rng(3))
    assert res.relative_difference < 1e-7 and res.verdict == "excellent"
    # ...and the masks were there: the whole net's gradient is another
    whole = np.concatenate([g.ravel() for g in net.loss_and_grads(
        X, nets.get_head(head).encode(ys[head], HEADS[head], net.dtype))[1]])
    dropout = nets.Dropout(0.4, np.random.default_rng(3))
    outs = net.forward(X, dropout)
    dropped = np.concatenate([g.ravel() for g in net.backward(
        outs, nets.get_head(head).encode(ys[head], HEADS[head], net.dtype), dropout=dropout)])
    assert np.linalg.norm(whole - dropped) > 0.05 * np.linalg.norm(whole)


def test_a_backward_that_skips_the_masks_is_wrong(problem, monkeypatch):
    X, ys = problem
    net = _net((3, 5, 4, 3), ["tanh", "sigmoid"], "multiclass")
    monkeypatch.setattr(nets.Dropout, "backward", lambda self, layer, grad: grad)
    res = nets.gradcheck(net, X, ys["multiclass"], dropout=0.4, rng=np.random.default_rng(3))
    assert res.relative_difference > 1e-2 and res.verdict == "wrong"


def test_dropout_in_the_check_needs_its_stream_and_hidden_units(problem):
    X, ys = problem
    net = _net((3, 5, 3), ["tanh"], "multiclass")
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        nets.gradcheck(net, X, ys["multiclass"], dropout=0.4)
    with pytest.raises(ValueError, match=r"^dropout must be in \[0, 1\), got 1$"):
        nets.gradcheck(net, X, ys["multiclass"], dropout=1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="a net with no hidden layer has none"):
        nets.gradcheck(_net((3, 3), [], "multiclass"), X, ys["multiclass"], dropout=0.4,
                       rng=np.random.default_rng(0))


def test_gradcheck_command_checks_through_dropout(capsys):
    code, out, _ = run_cli(["gradcheck", "--dataset", "coin", "--hidden", "6,4", "--activation",
                            "tanh,relu", "--dropout", "0.3", "--json"], capsys)
    summary = json.loads(out)
    assert code == 0 and summary["verdict"] == "excellent"
    assert summary["relative_difference"] < 1e-7
    code, out, _ = run_cli(["gradcheck", "--dataset", "coin", "--hidden", "6,4",
                            "--dropout", "0.3"], capsys)
    assert out.endswith("(61 parameters; dropout 0.3, the same masks throughout)\n")
    code, _, err = run_cli(["gradcheck", "--dataset", "coin", "--dropout", "1"], capsys)
    assert (code, err) == (2, "hplab gradcheck: error: --dropout must be in [0, 1), got 1.0\n")


@pytest.mark.parametrize("head", list(HEADS))
def test_the_penalties_are_checked_in_both_gradients(problem, head):
    # training's objective: the loss plus l2 / 2 |W|^2 + l1 |W|_1, whose gradient
    # add_penalties adds; one side without them would be "wrong"
    X, ys = problem
    net = _net((3, 5, 4, HEADS[head]), ["tanh", "relu"], head)
    for l2, l1 in ((0.5, 0.0), (0.0, 0.3), (0.5, 0.3)):
        assert nets.gradcheck(net, X, ys[head], l2=l2, l1=l1).relative_difference < 1e-7


def test_the_penalties_are_in_the_loss_not_left_out_of_both(problem):
    X, ys = problem
    net = _net((3, 5, 3), ["tanh"], "multiclass")
    # at h 0.1 the data's two-sided difference is off by O(h^2); L2's quadratic is exact,
    # so as it outweighs the data the difference shrinks as 1 / l2
    diffs = [nets.gradcheck(net, X, ys["multiclass"], h=0.1, l2=l2).relative_difference
             for l2 in (0, 100, 1e4)]
    assert diffs[0] == pytest.approx(6.81e-4, rel=0.01)
    assert diffs[1] == pytest.approx(1.87e-6, rel=0.01)
    assert diffs[2] == pytest.approx(diffs[1] / 100, rel=0.01)
    # a weight within h of 0 sits on L1's kink: the difference reads half its slope there
    net.weights[0][0, 0] = 5e-6
    assert nets.gradcheck(net, X, ys["multiclass"]).verdict == "excellent"
    kinked = nets.gradcheck(net, X, ys["multiclass"], l1=1.0)
    assert kinked.verdict == "wrong" and kinked.relative_difference == pytest.approx(0.0451,
                                                                                     rel=0.01)


def test_gradcheck_command_checks_the_penalties(capsys):
    code, out, _ = run_cli(["gradcheck", "--dataset", "coin", "--hidden", "6,4", "--activation",
                            "tanh,relu", "--l2", "0.5", "--l1", "0.3", "--json"], capsys)
    summary = json.loads(out)
    assert code == 0 and summary["verdict"] == "excellent"
    assert (summary["l2"], summary["l1"]) == (0.5, 0.3)
    code, out, _ = run_cli(["gradcheck", "--dataset", "coin", "--hidden", "6,4",
                            "--l1", "0.3"], capsys)
    assert code == 0 and out.endswith("(61 parameters; l1 0.3)\n")
    code, _, err = run_cli(["gradcheck", "--dataset", "coin", "--l2", "-1"], capsys)
    assert (code, err) == (2, "hplab gradcheck: error: --l2 must be a finite number >= 0, "
                              "got -1.0\n")
