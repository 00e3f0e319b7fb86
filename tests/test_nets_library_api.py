"""nets used as a low-level library (the course's from-scratch way): the MLP's forward,
loss and gradients, optimizers and schedules called directly, each misuse refused in one
line (QA session 34's reproductions)."""

import numpy as np
import pytest

import nets
from nets import MLP


def test_one_activation_name_serves_every_hidden_layer():
    # "relu" was read as the sequence 'r', 'e', 'l', 'u': "unknown activation 'r'"
    assert MLP((2, 3, 1), "relu", "binary").activations == ("relu",)
    assert MLP((2, 3, 3, 1), "tanh", "binary").activations == ("tanh", "tanh")
    assert MLP((2, 1), "tanh", "binary").activations == ()  # no hidden layer, as TrainConfig
    one = MLP.initialized((2, 3, 3, 1), "tanh", "binary", rng=np.random.default_rng(0))
    each = MLP.initialized((2, 3, 3, 1), ("tanh", "tanh"), "binary",
                           rng=np.random.default_rng(0))
    np.testing.assert_array_equal(one.flat, each.flat)
    with pytest.raises(ValueError, match="need one activation per hidden layer"):
        MLP((2, 3, 3, 1), ("tanh",), "binary")


def _course_net(dtype=np.float64):
    X = np.array([[0., 0], [0, 1], [1, 0]])
    y = np.array([0, 2, 1])
    net = MLP.initialized((2, 4, 3), ("sigmoid",), "multiclass", rng=np.random.default_rng(0),
                          dtype=dtype)
    return net, X, y, nets.get_head("multiclass").encode(y, 3, dtype)


def test_forward_gives_backwards_input_and_the_course_step_by_hand():
    # backward's outs came only from the private _forward
    net, X, y, T = _course_net()
    outs = net.forward(X)
    assert [o.shape for o in outs] == [(3, 2), (3, 4), (3, 3)]
    np.testing.assert_array_equal(outs[-1], net.logits(X))
    np.testing.assert_array_equal(outs[1], net.hidden(X, 0)[1])
    loss, grads = net.loss_and_grads(X, T)
    for by_hand, g in zip(net.backward(outs, T), grads, strict=True):
        np.testing.assert_array_equal(by_hand, g)
    assert loss == pytest.approx(1.1066481621191315, abs=1e-15)  # = evaluate(net, X, y)
    assert nets.evaluate(net, X, y)[0] == pytest.approx(loss, abs=1e-15)
    with pytest.raises(ValueError, match="X has 3 features, the net expects 2"):
        net.forward(np.ones((2, 3)))


def test_mlp_says_its_plain_constructor_leaves_weights_at_zero():
    assert not MLP((2, 3, 1), ["sigmoid"], "binary").flat.any()
    assert "MLP.initialized" in MLP.__doc__ and "zero" in MLP.__doc__


def test_loss_and_gradients_refuse_labels_in_place_of_encoded_targets():
    # labels broadcast to an n x n loss: 2.7998 for the right 1.1066, dW1 off by 0.12
    net, X, y, T = _course_net()
    assert net.loss(X, T) == pytest.approx(1.1066481621191315, abs=1e-15)
    encode = r"shape \(3, 3\), got shape \(3,\); encode labels y with " \
             r"nets.get_head\('multiclass'\).encode\(y, 3, net.dtype\)"
    for call in (lambda: net.loss(X, y), lambda: net.loss_and_grads(X, y),
                 lambda: net.backward(net.forward(X), y)):
        with pytest.raises(ValueError, match=encode):
            call()
    binary = MLP.initialized((2, 4, 1), "sigmoid", "binary", rng=np.random.default_rng(0),
                             dtype=np.float64)
    yb = np.array([0, 1, 1])
    with pytest.raises(ValueError, match=r"\(3, 1\), got shape \(3,\); .*get_head\('binary'\)"):
        binary.loss(X, yb)
    Tb = nets.get_head("binary").encode(yb, 1, np.float64)
    assert binary.loss(X, Tb) == pytest.approx(nets.evaluate(binary, X, yb)[0], abs=1e-15)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\), got \(3, 4\)"):
        net.loss_and_grads(np.ones((3, 4)), T)
    with pytest.raises(ValueError, match=r"w must be one weight per sample, shape \(3,\)"):
        net.loss(X, T, np.ones(2))


def test_optimizer_names_the_shapes_it_was_made_for():
    # an optimizer over [net.flat] stepped with net.params failed in NumPy's broadcasting
    net, X, y, T = _course_net(np.float32)
    _, grads = net.loss_and_grads(X, T)
    opt = nets.make_optimizer("adam", [net.flat])
    made_for = r"this adam optimizer was made for parameters of shapes \[\(27,\)\], got params "
    with pytest.raises(ValueError, match=made_for + r"of shapes \[\(2, 4\), \(4,\), \(4, 3\), "
                                                    r"\(3,\)\] and grads of shapes"):
        opt.step(net.params, grads, 0.01)
    assert opt.t == 0  # refused before anything moved
    with pytest.raises(ValueError, match=made_for + r"of shapes \[\(27,\)\] and grads of "
                                                    r"shapes \[\(1,\)\]"):
        opt.step([net.flat], [np.ones(1, np.float32)], 0.01)  # broadcast without a word
    per_param = nets.make_optimizer("adam", net.params)
    per_param.step(net.params, grads, 0.01)
    per_param.step(net.params, grads, 0.01)
    assert per_param.t == 2
    with pytest.raises(ValueError, match=r"made for parameters of shapes \[\(27,\)\], got a "
                                         r"state 'm' of shapes \[\(2, 4\), \(4,\).*\]; load the "
                                         r"state_dict of an optimizer made over the same"):
        opt.load_state_dict(per_param.state_dict())
    assert opt.t == 0
    with pytest.raises(ValueError, match="state lacks 'm': not the state_dict of an optimizer"):
        opt.load_state_dict(nets.make_optimizer("momentum", [net.flat]).state_dict())
    again = nets.make_optimizer("adam", net.params)
    again.load_state_dict(per_param.state_dict())
    assert again.t == 2


def test_learning_rate_says_cfg_is_a_trainconfig():
    with pytest.raises(TypeError, match=r"cfg must be a nets.TrainConfig .*got dict"):
        nets.learning_rate(10, {"lr": 0.1, "schedule": "exp"}, 100)
    cfg = nets.TrainConfig(lr=0.1, schedule="exp", lr_gamma=0.9, lr_decay_steps=50)
    assert nets.learning_rate(50, cfg, 100) == pytest.approx(0.09, rel=1e-15)


@pytest.mark.parametrize("settings, message", [
    ({"beta1": 1.0}, r"beta1 must be in \[0, 1\), got 1.0"),  # ZeroDivisionError at step 1
    ({"beta2": 1.0}, r"beta2 must be in \[0, 1\), got 1.0"),  # every weight NaN
    ({"beta1": -3}, r"beta1 must be in \[0, 1\), got -3"),
    ({"momentum": 1.5}, r"momentum must be in \[0, 1\), got 1.5"),
    ({"rho": "0.9"}, r"rho must be in \[0, 1\), got '0.9'"),
    ({"eps": -1e-8}, r"eps must be a finite number > 0, got -1e-08"),
])
def test_make_optimizer_refuses_what_trainconfig_refuses(settings, message):
    name = "adam" if "beta1" in settings or "beta2" in settings else "rmsprop"
    with pytest.raises(ValueError, match=message):
        nets.make_optimizer(name, [np.zeros(3)], **settings)
    [(key, value)] = settings.items()
    with pytest.raises(ValueError, match=message):  # the same words ("opt_eps must...")
        nets.TrainConfig(**{"opt_eps" if key == "eps" else key: value})


def test_make_optimizer_keeps_its_defaults_and_own_none():
    p = np.ones(3)
    opt = nets.make_optimizer("adadelta", [p], rho=None, eps=None)
    assert (opt.rho, opt.eps) == (0.95, 1e-6)
    nets.make_optimizer("adam", [p], beta1=0.0, beta2=0.0, eps=1e-12).step([p], [p], 0.1)
    assert np.isfinite(p).all()


def test_train_refuses_a_config_that_describes_another_net(tmp_path):
    # the config was ignored, and save_net(config=cfg) stored a 64-32 relu multiclass
    # float64 config beside a 2-4-1 sigmoid binary float32 net
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    net = MLP.initialized((2, 4, 1), ("sigmoid",), "binary", rng=np.random.default_rng(1))
    cfg = nets.TrainConfig(hidden=(64, 32), activation="relu", init="he", dtype="float64",
                           head="multiclass", max_epochs=2)
    before = net.flat.copy()
    with pytest.raises(ValueError, match=r"^cfg does not describe the net 2-4-1: hidden "
                                         r"\(64, 32\) \(the net's \(4,\)\); activation \('relu', "
                                         r"'relu'\) \(the net's \('sigmoid',\)\); head "
                                         r"'multiclass' \(the net's 'binary'\); dtype 'float64' "
                                         r"\(the net's 'float32'\); build the net from cfg with "
                                         r"nets.build_net\(cfg, n_features, y, rng=...\)"):
        nets.train(net, cfg, X, y, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(net.flat, before)
    with pytest.raises(ValueError, match=r"^cfg does not describe the net 2-4-1: hidden \(5,\)"):
        nets.train(net, nets.TrainConfig(hidden=(5,)), X, y, rng=np.random.default_rng(0))
    # the net's own settings train it (head "auto" and init are not the net's to match)
    fits = nets.TrainConfig(hidden=(4,), activation="sigmoid", init="he", max_epochs=2)
    assert nets.train(net, fits, X, y, rng=np.random.default_rng(0)).iterations == 2
    built = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    assert nets.train(built, cfg, X, y, rng=np.random.default_rng(0)).iterations == 2


class _StopAt(nets.Callback):
    stop_reason = "first part done"

    def __init__(self, step):
        self.step = step

    def on_step(self, state):
        return state.step >= self.step


@pytest.mark.parametrize("schedule", [
    {"schedule": "exponential", "lr_gamma": 0.5, "lr_decay_steps": 5, "warmup_steps": 25},
    {"schedule": "cosine", "optimizer": "adam"}])
def test_start_step_continues_the_schedule_and_the_history(schedule):
    # train(..., optimizer=opt) restarted the schedule and warm-up at step 0: 4 + 4 epochs
    # of exponential decay ended 0.0226 away from 8 at once, the history's columns at 0
    X = np.random.default_rng(5).normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    cfg = nets.TrainConfig(hidden=(4,), activation="tanh", lr=0.05, batch_size=8,
                           max_epochs=8, **schedule)  # 5 steps an epoch, 40 in all
    whole = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    at_once = nets.train(whole, cfg, X, y, rng=np.random.default_rng(3))
    part = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    rng, opt = np.random.default_rng(3), nets.new_optimizer(cfg, part)
    first = nets.train(part, cfg, X, y, rng=rng, optimizer=opt, callbacks=[_StopAt(20)])
    assert (first.iterations, opt.t) == (20, 20)
    rest = nets.train(part, cfg, X, y, rng=rng, optimizer=opt, start_step=first.iterations)
    np.testing.assert_array_equal(part.flat, whole.flat)
    assert list(rest.column("iteration")) == [20, 25, 30, 35, 40]
    assert list(rest.column("epoch")) == [4, 5, 6, 7, 8]
    np.testing.assert_array_equal(rest.column("lr"), at_once.column("lr")[4:])
    np.testing.assert_array_equal(rest.column("train_loss"), at_once.column("train_loss")[4:])
    assert (rest.iterations, rest.epochs, rest.status) == (40, 8.0, "max_epochs")


def test_a_resumed_run_restarts_its_stopping_rules_as_train_says():
    # the docstring said a resumed run "trains as one uninterrupted run would", stopping
    # rules included: patience restarted at the resume point, and it stopped 2 epochs later
    X = np.random.default_rng(0).normal(size=(64, 3))
    y = (X[:, 0] > 0).astype(int)

    def cfg(epochs):
        return nets.TrainConfig(hidden=(4,), max_epochs=epochs, batch_size=16, patience=3,
                                min_delta=1.0, dtype="float64")

    init, loop = nets.train_streams(0)
    whole = nets.train(nets.build_net(cfg(10), 3, y, rng=init), cfg(10), X, y, rng=loop)
    assert (whole.status, whole.epochs) == ("early_stopped", 3.0)
    init, loop = nets.train_streams(0)
    net = nets.build_net(cfg(10), 3, y, rng=init)
    opt = nets.new_optimizer(cfg(2), net)
    first = nets.train(net, cfg(2), X, y, rng=loop, optimizer=opt)
    rest = nets.train(net, cfg(10), X, y, rng=loop, optimizer=opt, start_step=first.iterations)
    # the same steps: the resumed part's first epoch is the uninterrupted run's third
    np.testing.assert_array_equal(rest.column("train_loss")[:2], whole.column("train_loss")[2:])
    # patience counts from the resume point (epoch 2), not the run's start
    assert (first.epochs, rest.status, rest.epochs) == (2.0, "early_stopped", 5.0)
    assert rest.reason == "no improvement for 3 checkpoints"


def test_start_step_past_the_run_is_refused():
    X = np.random.default_rng(5).normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    cfg = nets.TrainConfig(hidden=(4,), batch_size=8, max_epochs=4)
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    for bad in (20, -1, 2.5, True):
        with pytest.raises(ValueError, match=r"start_step must be a whole number of steps in "
                                             r"0..19 \(max_epochs=4 is 20 steps from the run's "
                                             r"start: raise it to train on\)"):
            nets.train(net, cfg, X, y, rng=np.random.default_rng(0), start_step=bad)


def test_a_fractional_checkpoint_is_whole_steps_rounded_half_to_even_as_documented():
    # 40 samples, batch 8: 5 steps an epoch; 0.5 epochs is 2.5 steps, rounded to 2 (as 0.3)
    X = np.random.default_rng(5).normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    epochs = {}
    for every in (0.3, 0.5, 0.7, 0.9):
        cfg = nets.TrainConfig(hidden=(4,), batch_size=8, max_epochs=2, checkpoint=every)
        net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
        epochs[every] = list(nets.train(net, cfg, X, y, rng=np.random.default_rng(0))
                             .column("epoch"))
    assert epochs[0.3] == epochs[0.5] == [0.0, 0.4, 0.8, 1.2, 1.6, 2.0]
    assert epochs[0.7] == epochs[0.9] == [0.0, 0.8, 1.6, 2.0]
    doc = " ".join(nets.TrainConfig.__doc__.split())
    assert "rounded to whole steps, half to even" in doc
    assert "0.3 and 0.5 epochs both score every 2 steps" in doc


def test_an_error_is_quoted_on_one_line_or_by_its_class():
    # QA: the same expression was hand-written in six places (the report index, the dask
    # scheduler's, a study report's importances, the CLI's error line...); one helper now
    assert nets.error_line(ValueError("no\n  such   file\t")) == "no such file"
    assert nets.error_line(TimeoutError()) == "TimeoutError"
    assert nets.error_line(OSError("")) == "OSError"
