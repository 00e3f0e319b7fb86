"""The training loop: determinism, stop conditions, schedules, optimizers, callbacks."""

import math
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_moons

import nets
import study


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(300, noise=0.2, random_state=0)
    return X[:200], y[:200], X[200:], y[200:]


def _fit(cfg, X, y, X_val=None, y_val=None, seed=0, **kw):
    init_rng, loop_rng = study.train_streams(seed)
    net = nets.build_net(cfg, X.shape[1], y, rng=init_rng)
    return net, nets.train(net, cfg, X, y, X_val, y_val, rng=loop_rng, **kw)


# ----------------------------------------------------------------------------- determinism
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_same_seed_same_history_bit_for_bit(moons, dtype):
    cfg = nets.TrainConfig(hidden=(8, 4), activation=("tanh", "relu"), optimizer="adam",
                           lr=0.01, batch_size=20, max_epochs=20, checkpoint=0.5, dtype=dtype)
    net_a, a = _fit(cfg, *moons, seed=7)
    net_b, b = _fit(cfg, *moons, seed=7)
    assert len(a.history) == 41
    pd.testing.assert_frame_equal(a.history, b.history, check_exact=True)
    for pa, pb in zip(net_a.params, net_b.params, strict=True):
        np.testing.assert_array_equal(pa, pb)
    _, c = _fit(cfg, *moons, seed=8)
    assert not a.history["train_loss"].equals(c.history["train_loss"])
    assert (a.history["train_loss"] != c.history["train_loss"]).sum() >= 40
    # its repr names the table's shape: it printed the whole history in a notebook
    assert repr(a).startswith(f"TrainResult(status='max_epochs', reason={a.reason!r}, "
                              "history=<DataFrame 41 x ") and "\n" not in repr(a)


def _at_offset(a, k):
    """A copy of float32 ``a`` whose data starts ``k`` floats past a 64-byte boundary."""
    raw = np.empty(a.size + 32, np.float32)
    start = (-raw.ctypes.data % 64) // 4 + k
    out = raw[start:start + a.size].reshape(a.shape)
    out[...] = a
    assert out.ctypes.data % 64 == 4 * k
    return out


def test_same_seed_same_bits_whatever_the_data_alignment_and_what_trained_before(moons):
    # a helper read a grid's run scoring one float32 unit apart from its rerun as "numpy's
    # float32 reductions follow the arrays' alignment": measured, the bits follow neither
    # the data's 64-byte alignment nor another training run before (nor its temporaries'
    # addresses, which that shifts)
    X, y, X_val, y_val = (a.astype(np.float32) if a.dtype.kind == "f" else a for a in moons)
    cfg = nets.TrainConfig(hidden=(8,), activation="sigmoid", lr=0.0924, batch_size=32,
                           max_epochs=3, checkpoint=0.3)
    net, ref = _fit(cfg, _at_offset(X, 0), y, _at_offset(X_val, 0), y_val)
    for before, k in enumerate((1, 4, 8, 13)):  # 0 to 3 other runs before
        for _ in range(before):
            _fit(cfg.replace(hidden=(16 + k,), optimizer="adam"), X, y, X_val, y_val, seed=k)
        again, run = _fit(cfg, _at_offset(X, k), y, _at_offset(X_val, 15 - k), y_val)
        pd.testing.assert_frame_equal(run.history, ref.history, check_exact=True)
        assert again.state.tobytes() == net.state.tobytes()


def test_same_seed_same_run_through_train_run():
    cfg = nets.TrainConfig(hidden=(4,), lr=0.3, batch_size=5, max_epochs=15)
    a = study.train_run("double-arc", cfg, seed=3)
    b = study.train_run("double-arc", cfg, seed=np.int64(3))  # a NumPy seed is the same seed
    c = study.train_run("double-arc", cfg, seed=4)
    pd.testing.assert_frame_equal(a.result.history, b.result.history, check_exact=True)
    assert a.test_metrics == b.test_metrics and b.seed == 3 and type(b.seed) is int
    assert not np.array_equal(a.result.history["val_loss"], c.result.history["val_loss"])
    # one line: its dataclass repr printed the dataset's every array (coin: 670 lines)
    assert repr(a) == str(a) == ("TrainRun(name='double-arc', dataset='double-arc', net=MLP(2-4-1, "
                                 "activations=('sigmoid',), head='binary'), seed=3, "
                                 "status='max_epochs', epochs=15.0, out=None)")


def test_shuffle_differs_between_epochs_and_full_batch_does_not_shuffle(moons):
    X, y, _, _ = moons
    seen = []

    class Batches(nets.Callback):
        def on_step(self, state):
            seen.append(state.batch_loss)

    cfg = nets.TrainConfig(hidden=(4,), lr=1e-9, batch_size=50, max_epochs=2, dtype="float64")
    _fit(cfg, X, y, callbacks=[Batches()])
    # the net barely moves (lr 1e-9): equal batch losses would mean equal batches
    assert len(seen) == 8
    assert sorted(seen[:4]) != pytest.approx(sorted(seen[4:]), rel=1e-6)
    full = nets.TrainConfig(hidden=(4,), lr=0.1, batch_size=-1, max_epochs=5, dtype="float64")
    _, res = _fit(full, X, y)
    assert res.iterations == 5 and res.epochs == 5
    # a full batch is X in its own order: the loop rng (200 rows, under eval_size: no
    # scored subset drawn either) is never drawn from, so any loop rng trains the same net
    runs = []
    for seed in (1, 2):
        loop_rng = np.random.default_rng(seed)
        net = nets.build_net(full, 2, y, rng=np.random.default_rng(0))
        runs.append((net, nets.train(net, full, X, y, rng=loop_rng)))
        assert loop_rng.bit_generator.state == np.random.default_rng(seed).bit_generator.state
    (net_a, a), (net_b, b) = runs
    pd.testing.assert_frame_equal(a.history, b.history, check_exact=True)
    for pa, pb in zip(net_a.params, net_b.params, strict=True):
        np.testing.assert_array_equal(pa, pb)


# ----------------------------------------------------------------------------- stopping
@pytest.mark.parametrize("head", ["binary", "regression", "multiclass"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lr_50_diverges_without_exception_or_warning(moons, head, dtype):
    X, y, X_val, y_val = moons
    if head == "regression":
        y, y_val = X[:, 0] * 3 + y, X_val[:, 0] * 3 + y_val
    elif head == "multiclass":
        y, y_val = y + (X[:, 0] > 1), y_val + (X_val[:, 0] > 1)
    cfg = nets.TrainConfig(hidden=(16,), activation="relu", lr=50, batch_size=10,
                           max_epochs=100, head=head, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning leaks out
        _, res = _fit(cfg, X, y, X_val, y_val)
    assert res.status == "diverged"
    assert res.epochs < 100
    assert "NaN or infinite" in res.reason or "exceeded 10x" in res.reason
    last = res.history["train_loss"].iloc[-1]
    assert not math.isfinite(last) or last > 10 * res.history["train_loss"].iloc[0]


def test_divergence_is_measured_against_the_first_train_loss_not_the_validation_loss(moons):
    X, y, X_val, _ = moons
    cfg = nets.TrainConfig(hidden=(8,), lr=0.01, batch_size=20, max_epochs=2, head="regression",
                           dtype="float64")
    init_rng, loop_rng = study.train_streams(0)
    net = nets.build_net(cfg, 2, X[:, 0] * 3 + y, rng=init_rng)
    y_val = net.predict(X_val)  # the untrained net's own outputs: validation loss 0
    res = nets.train(net, cfg, X, X[:, 0] * 3 + y, X_val, y_val, rng=loop_rng)
    losses = res.history["train_loss"].to_numpy()
    assert res.history["val_loss"].iloc[0] == pytest.approx(0, abs=1e-12)
    assert losses == pytest.approx([6.746, 5.175, 4.321], abs=1e-3)  # falling, not diverging
    # measured against the validation loss, 6.746 "exceeded 10x its first value" at epoch 0
    assert (res.status, res.epochs) == ("max_epochs", 2)


def test_eps_stops_at_the_first_checkpoint_below_it(moons):
    cfg = nets.TrainConfig(hidden=(16,), activation="tanh", optimizer="adam", lr=0.02,
                           batch_size=20, max_epochs=500, eps=0.1, dtype="float64")
    _, res = _fit(cfg, *moons)
    assert res.status == "converged"
    val = res.history["val_loss"].to_numpy()
    assert val[-1] <= 0.1 < val[:-1].min()
    assert "val loss" in res.reason


def test_early_stopping_restores_the_best_weights(moons):
    X, y, X_val, y_val = moons
    rng = np.random.default_rng(0)
    y_noisy = np.where(rng.uniform(size=len(y)) < 0.3, 1 - y, y)  # 30 % flipped: overfits
    cfg = nets.TrainConfig(hidden=(64, 64), activation="relu", optimizer="adam", lr=0.01,
                           batch_size=20, max_epochs=500, patience=5, dtype="float64")
    net, res = _fit(cfg, X, y_noisy, X_val, y_val)
    assert res.status == "early_stopped"
    val = res.history["val_loss"].to_numpy()
    best = int(np.argmin(val))
    assert best == len(val) - 1 - 5  # five checkpoints without improvement, then stop
    assert val[-1] > val[best]
    T_val = net._head.encode(y_val, 1, net.dtype)
    assert net.loss(X_val, T_val) == pytest.approx(val[best], rel=1e-12)
    # what the run reports is what the returned net scores: the best checkpoint's row
    assert res.final_row == best
    assert res.final("val_loss") == val[best] != val[-1]
    assert res.final("val_accuracy") == res.history["val_accuracy"].iloc[best]


def test_checkpoints_score_eval_size_training_rows_drawn_by_the_loop_rng(moons):
    X, y, _, _ = moons
    cfg = nets.TrainConfig(hidden=(4,), max_epochs=1, eval_size=50, dtype="float64")
    init_rng, loop_rng = study.train_streams(0)
    net = nets.build_net(cfg, 2, y, rng=init_rng)
    # the loop's first draw: 50 of the 200 rows, in order
    rows = np.sort(study.train_streams(0)[1].choice(200, 50, replace=False))
    expected = nets.evaluate(net, X[rows], y[rows])
    res = nets.train(net, cfg, X, y, rng=loop_rng)
    first = res.history.iloc[0]
    assert (first["train_loss"], first["train_accuracy"]) == pytest.approx(expected, rel=1e-12)


def test_a_fractional_max_epochs_trains_its_steps_rounded_up(moons):
    # mutation QA: whole_steps rounding down passed every nets test (only a CLI test held
    # it): 2.5 full-batch epochs are 3 steps, 0.28 epochs of 10 batches 3, not 2
    X, y, _, _ = moons
    for batch_size, max_epochs, steps in ((-1, 2.5, 3), (20, 0.28, 3), (20, 0.01, 1)):
        cfg = nets.TrainConfig(hidden=(4,), batch_size=batch_size, max_epochs=max_epochs)
        _, res = _fit(cfg, X, y)
        assert res.iterations == steps and res.status == "max_epochs", (batch_size, max_epochs)
    # a product a rounding above a whole number is that number
    assert nets.whole_steps(0.28, 25) == 7 and nets.whole_steps(2.5, 1) == 3


def test_checkpoint_fractions_and_fractional_max_epochs(moons):
    X, y, _, _ = moons
    cfg = nets.TrainConfig(hidden=(4,), batch_size=20, max_epochs=2.5, checkpoint=0.5)
    _, res = _fit(cfg, X, y)
    assert res.iterations == 25 and res.epochs == 2.5 and res.status == "max_epochs"
    assert res.history["epoch"].tolist() == [0, 0.5, 1, 1.5, 2, 2.5]
    assert res.history["iteration"].tolist() == [0, 5, 10, 15, 20, 25]
    assert res.history["val_loss"].isna().all()  # no validation data given
    assert list(res.history.columns) == list(nets.HISTORY_COLUMNS)


# ----------------------------------------------------------------------------- schedules
def _cfg(**kw):
    return nets.TrainConfig(lr=0.1, **kw)


@pytest.mark.parametrize("schedule, kw, expected", [
    ("constant", {}, {0: 0.1, 1: 0.1, 500: 0.1, 1000: 0.1}),
    # the course's decay: 0.1 * 0.9 ** (step / 50)
    ("exponential", {"lr_gamma": 0.9, "lr_decay_steps": 50},
     {0: 0.1, 25: 0.1 * 0.9 ** 0.5, 50: 0.09, 100: 0.081, 500: 0.1 * 0.9 ** 10}),
    ("step", {"lr_gamma": 0.9, "lr_decay_steps": 50},
     {0: 0.1, 49: 0.1, 50: 0.09, 99: 0.09, 100: 0.081}),
    # the course's multistep: lr_gamma once more at each milestone, from that step on
    ("multistep", {"lr_gamma": 0.5, "lr_milestones": (100, 300)},
     {0: 0.1, 99: 0.1, 100: 0.05, 299: 0.05, 300: 0.025, 1000: 0.025}),
    ("inverse", {"lr_decay_steps": 50, "lr_power": 1.0},
     {0: 0.1, 50: 0.05, 150: 0.025}),
    ("inverse", {"lr_decay_steps": 50, "lr_power": 2.0},  # (1 + step / 50) ** -2
     {0: 0.1, 50: 0.025, 150: 0.1 / 16}),
    ("polynomial", {"lr_power": 2.0, "lr_min": 0.01},
     {0: 0.1, 500: 0.01 + 0.09 * 0.25, 1000: 0.01, 2000: 0.01}),
    ("cosine", {"lr_min": 0.0}, {0: 0.1, 500: 0.05, 1000: 0.0, 1500: 0.0}),
    # torch's steps: the peak at 0.3 T - 1, the floor at T - 1 (the last step a run takes)
    ("one_cycle", {}, {0: 0.1 / 25, 299: 0.1, 999: 0.1 / 1e4, 1000: 0.1 / 1e4}),
])
def test_schedule_values(schedule, kw, expected):
    cfg = _cfg(schedule=schedule, **kw)
    for step, lr in expected.items():
        assert nets.learning_rate(step, cfg, 1000) == pytest.approx(lr, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("course, ours", [("fixed", "constant"), ("exp", "exponential"),
                                           ("inv", "inverse"), ("poly", "polynomial")])
def test_the_courses_schedule_names_give_the_same_rates(course, ours, capsys):
    from cli_helpers import run_cli

    kw = {"lr_gamma": 0.9, "lr_decay_steps": 50, "lr_power": 2.0, "lr_min": 0.01}
    rates = [nets.learning_rate(t, _cfg(schedule=name, **kw), 1000) for name in (course, ours)
             for t in (0, 25, 500, 1000)]
    assert rates[:4] == rates[4:] and (ours == "constant" or rates[0] != rates[2])
    code, _, err = run_cli(["train", "--dataset", "xor", "--epochs", "1", "--schedule", course,
                            "--no-report", "--json"], capsys)
    assert code == 0, err


def _torch_one_cycle(step, lr, total):
    """torch.optim.lr_scheduler.OneCycleLR's rate at ``step`` (its get_lr, two phases,
    anneal_strategy "cos"), with hplab's floor lr/1e4 for torch's lr/25/1e4."""
    phases = [(0.3 * total - 1, lr / 25, lr), (total - 1, lr, lr / 1e4)]
    start_step = 0
    for i, (end_step, start, end) in enumerate(phases):
        if step <= end_step or i == len(phases) - 1:
            pct = (step - start_step) / (end_step - start_step)
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        start_step = end_step


def test_one_cycle_ends_at_its_floor_on_the_last_step_a_run_takes():
    # review: the floor was at step T, which no step takes (train uses steps 0..T-1):
    # 10 steps ended at lr/20, 2 steps never came down (lr/25, then 0.71 lr)
    cfg = nets.TrainConfig(schedule="one_cycle", lr=1.0)
    for total in (1, 2, 3, 4, 10, 57, 1000):
        rates = [nets.learning_rate(t, cfg, total) for t in range(total)]
        assert rates == pytest.approx([_torch_one_cycle(t, 1.0, total) for t in range(total)],
                                      rel=1e-12)
        assert rates[-1] == pytest.approx(1e-4, rel=1e-12)
        # past the last step (the history's row after it) the rate stays at the floor
        assert nets.learning_rate(total, cfg, total) == pytest.approx(1e-4, rel=1e-12)
    assert nets.learning_rate(0, cfg, 4) == pytest.approx(1 / 25)
    assert max(nets.learning_rate(t, cfg, 10) for t in range(10)) == \
        nets.learning_rate(2, cfg, 10) == 1.0
    # a run's history: the last step's rate is the floor, and the row after it says so
    X, y = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 1, 1, 0])
    cfg = nets.TrainConfig(hidden=(4,), lr=1.0, schedule="one_cycle", batch_size=1,
                           max_epochs=2.5, checkpoint=0.25)  # 10 steps, one a checkpoint
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0))
    hist = nets.train(net, cfg, X, y, rng=np.random.default_rng(1)).history
    assert hist["iteration"].tolist() == list(range(11))
    assert hist["lr"].iloc[9] == hist["lr"].iloc[10] == pytest.approx(1e-4, rel=1e-12)
    assert hist["lr"].iloc[2] == 1.0


def test_one_cycle_under_four_steps_warns_that_it_only_falls():
    # max_epochs=1 full batch trained its one step at lr/1e4, without a word
    import warnings

    X, y = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 1, 1, 0])
    for epochs, rates in ((1, "0.0001"), (3, "0.994, 0.463, 0.0001")):
        cfg = nets.TrainConfig(hidden=(4,), lr=1.0, schedule="one_cycle", batch_size=-1,
                               max_epochs=epochs)
        net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0))
        with pytest.warns(UserWarning, match=r"^schedule one_cycle over \d steps? \(max_epochs="
                          rf"{epochs}, 1 step an epoch\) has no climb: under 4 steps its rise "
                          rf"ends before step 0 and the rate only falls, here {rates} times lr; "
                          "train more epochs or smaller batches, or choose another schedule$"):
            hist = nets.train(net, cfg, X, y, rng=np.random.default_rng(1)).history
        assert hist["lr"].iloc[0] == pytest.approx(float(rates.split(",")[0]), rel=1e-2)
    # 4 steps climb (lr/25, then 0.81 lr): no warning; nor other schedules, nor a rate
    # function in its place
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for quiet, schedule in ((cfg.replace(max_epochs=4), None),
                                (cfg.replace(schedule="cosine"), None),
                                (cfg, lambda step, total: 0.1)):
            net = nets.build_net(quiet, 2, y, rng=np.random.default_rng(0))
            nets.train(net, quiet, X, y, rng=np.random.default_rng(1), lr_schedule=schedule)


def test_warmup_on_top_of_a_schedule():
    cfg = _cfg(schedule="exponential", lr_gamma=0.9, lr_decay_steps=50, warmup_steps=10)
    assert nets.learning_rate(0, cfg, 1000) == pytest.approx(0.01)
    assert nets.learning_rate(4, cfg, 1000) == pytest.approx(0.1 * 0.9 ** (4 / 50) * 0.5)
    assert nets.learning_rate(10, cfg, 1000) == pytest.approx(0.1 * 0.9 ** (10 / 50))


def test_a_growing_rate_past_the_float_range_is_inf_and_training_diverges(tmp_path, capsys):
    import json

    from cli_helpers import run_cli

    growing = {"lr_gamma": 2.0, "lr_decay_steps": 1}
    for cfg in (_cfg(schedule="step", **growing), _cfg(schedule="exponential", **growing),
                _cfg(schedule="multistep", lr_gamma=1e300, lr_milestones=(1, 2))):
        assert nets.learning_rate(1, cfg, 2000) == pytest.approx(0.1 * cfg.lr_gamma)
        assert nets.learning_rate(1100, cfg, 2000) == math.inf  # had raised OverflowError
    assert nets.learning_rate(1100, _cfg(schedule="step", lr_gamma=0.5, lr_decay_steps=1),
                              2000) == 0.0
    code, out, err = run_cli(["train", "--dataset", "xor", "--schedule", "exponential",
                              "--lr-gamma", "1e100", "--lr-decay-steps", "1", "--batch-size", "1",
                              "--epochs", "3", "--out", tmp_path / "run", "--no-report", "--json"],
                             capsys)
    assert code == 0, err  # had been "error: (34, 'Numerical result out of range')"
    result = json.loads(out)
    assert (result["status"], result["reason"]) == ("diverged", "loss became NaN or infinite")
    assert pd.read_csv(tmp_path / "run" / "history.csv")["lr"].tolist() == [0.1, math.inf]


def test_training_loop_steps_with_the_scheduled_rate(moons):
    X, y, _, _ = moons
    rates = []

    class Rates(nets.Callback):
        def on_step(self, state):
            rates.append(state.lr)

    cfg = nets.TrainConfig(hidden=(4,), lr=0.1, schedule="exponential", lr_gamma=0.9,
                           lr_decay_steps=50, batch_size=-1, max_epochs=200)
    _, res = _fit(cfg, X, y, callbacks=[Rates()])
    np.testing.assert_allclose(rates, 0.1 * 0.9 ** (np.arange(200) / 50), rtol=1e-12)
    hist = res.history
    # each checkpoint shows the schedule's rate at its iteration (the next step's), the
    # course's formula: it showed the rate of the step before (0.0902 at iteration 50)
    assert hist["lr"].iloc[0] == pytest.approx(0.1)
    np.testing.assert_allclose(hist["lr"], 0.1 * 0.9 ** (hist["iteration"] / 50), rtol=1e-12)
    assert hist.set_index("iteration")["lr"][50] == pytest.approx(0.09, rel=1e-12)


# ----------------------------------------------------------------------------- optimizers
# each optimizer's rate in test_each_optimizer_decreases_the_loss: one at which 30 epochs
# on moons (batches of 20, 16 tanh units, float64) halve the training loss and end at a
# training accuracy of 0.85 or more; try a few (a usual default may fall just short: QA's
# new adaptive optimizer reached 0.835-0.84 at 0.005 to 0.02, passed at 0.05). adadelta's
# rate multiplies Zeiler's rate-free step (1 = the paper)
LRS = {"sgd": 0.5, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.1, "adadelta": 5.0,
       "rmsprop": 0.01, "adam": 0.01, "adamw": 0.01}


def test_every_optimizer_is_covered():
    assert set(LRS) == set(nets.OPTIMIZERS)


@pytest.mark.parametrize("name", list(LRS))
def test_each_optimizer_decreases_the_loss(moons, name):
    cfg = nets.TrainConfig(hidden=(16,), activation="tanh", optimizer=name, lr=LRS[name],
                           batch_size=20, max_epochs=30, dtype="float64")
    _, res = _fit(cfg, *moons)
    loss = res.history["train_loss"].to_numpy()
    accuracy = res.history["train_accuracy"].iloc[-1]
    assert res.status == "max_epochs"
    assert loss[-1] < 0.5 * loss[0], f"{name} at LRS' {LRS[name]}: loss {loss[0]} -> {loss[-1]}"
    assert accuracy >= 0.85, f"{name} at LRS' {LRS[name]}: training accuracy {accuracy} < 0.85"


def test_parameters_are_views_of_one_flat_vector():
    net = nets.MLP.initialized((3, 4, 2), ["relu"], "multiclass", rng=np.random.default_rng(0))
    assert net.flat.size == net.n_parameters == 3 * 4 + 4 + 4 * 2 + 2
    assert all(np.shares_memory(p, net.flat) for p in net.params)
    net.flat[...] = 0
    assert all(not p.any() for p in net.params)
    assert not np.shares_memory(net.copy().flat, net.flat)


def test_optimizers_take_lists_and_leave_the_gradients_alone():
    with pytest.raises(TypeError, match="a list of arrays"):
        nets.make_optimizer("adam", np.ones(3))  # its items would be stepped as copies
    w, g = [np.ones(3)], [np.full(3, 2.0)]
    nets.make_optimizer("sgd", w).step(w, g, 0.1)
    np.testing.assert_allclose(w[0], 0.8)
    np.testing.assert_array_equal(g[0], 2.0)  # the caller's gradients, unscaled


def test_final_names_a_typo_and_a_run_without_validation_trains(moons):
    cfg = nets.TrainConfig(hidden=(4,), batch_size=20, max_epochs=2)
    _, res = _fit(cfg, *moons)
    with pytest.raises(KeyError, match="no history column 'val_los'"):
        res.final("val_los")
    import data

    run = study.train_run(data.load("coin", val_fraction=0), cfg)  # 0 is a valid fraction
    assert run.result.status == "max_epochs" and math.isnan(run.result.final("val_loss"))


def test_class_weights_weigh_training_not_the_validation_score(moons):
    # the history's val_loss (pruning, patience, the stored record) was weighted while the
    # study objective and test_loss were not: two numbers named val_loss ranked trials
    # differently. Validation is scored as it is, as Keras does with class_weight.
    X, y, X_val, y_val = moons
    cfg = nets.TrainConfig(hidden=(4,), batch_size=20, max_epochs=3, class_weight=(1.0, 5.0))
    net, res = _fit(cfg, X, y, X_val, y_val)
    assert res.final("val_loss") == pytest.approx(nets.evaluate(net, X_val, y_val)[0],
                                                  rel=1e-6)
    # training itself (and its loss) is weighted: the unweighted loss is another number
    assert res.final("train_loss") != pytest.approx(nets.evaluate(net, X, y)[0], rel=1e-3)


def test_train_refuses_an_optimizer_made_for_other_parameters(moons):
    X, y, _, _ = moons
    cfg = nets.TrainConfig(hidden=(4,), optimizer="adam", max_epochs=1)
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0))
    wrong = nets.make_optimizer("adam", net.params)
    with pytest.raises(ValueError, match="new_optimizer"):
        nets.train(net, cfg, X, y, rng=np.random.default_rng(0), optimizer=wrong)
    nets.train(net, cfg, X, y, rng=np.random.default_rng(0),
               optimizer=nets.new_optimizer(cfg, net))


def test_rho_and_opt_eps_default_to_each_optimizers_own(moons):
    X, y, _, _ = moons
    net = nets.build_net(nets.TrainConfig(hidden=(4,)), 2, y, rng=np.random.default_rng(0))
    adam = nets.TrainConfig(hidden=(4,), optimizer="adam")
    for cfg, rho, eps in [(adam, 0.9, 1e-8), (adam.replace(optimizer="rmsprop"), 0.9, 1e-8),
                          # Zeiler's, also after a replace (0.9 and 1e-8 would stall it)
                          (adam.replace(optimizer="adadelta"), 0.95, 1e-6),
                          (adam.replace(optimizer="adadelta", rho=0.9, opt_eps=1e-5), 0.9, 1e-5)]:
        opt = nets.new_optimizer(cfg, net)
        assert (opt.rho, opt.eps) == (rho, eps)


def test_msra_is_the_courses_name_for_he():
    a = nets.MLP.initialized((50, 40, 1), ["relu"], "binary", init="msra",
                             rng=np.random.default_rng(3))
    b = nets.MLP.initialized((50, 40, 1), ["relu"], "binary", init="he",
                             rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.flat, b.flat)
    assert a.weights[0].std() == pytest.approx(np.sqrt(2 / 50), rel=0.05)


@pytest.mark.parametrize("name", list(LRS))
def test_optimizer_state_dict_round_trip(name):
    rng = np.random.default_rng(0)
    params = [rng.standard_normal((3, 4)), rng.standard_normal(4)]
    grads = [[rng.standard_normal(p.shape) for p in params] for _ in range(8)]
    opt = nets.make_optimizer(name, params)
    for g in grads[:5]:
        opt.step(params, [x.copy() for x in g], 0.01)
    saved_params = [p.copy() for p in params]
    state = opt.state_dict()
    frozen = {k: v if k == "t" else [a.copy() for a in v] for k, v in state.items()}
    for g in grads[5:]:
        opt.step(params, [x.copy() for x in g], 0.01)
    # the saved state is a copy, untouched by later steps
    assert state["t"] == 5
    for k in state:
        if k != "t":
            for a, b in zip(state[k], frozen[k], strict=True):
                np.testing.assert_array_equal(a, b)
    again = [p.copy() for p in saved_params]
    fresh = nets.make_optimizer(name, again)
    fresh.load_state_dict(state)
    for g in grads[5:]:
        fresh.step(again, [x.copy() for x in g], 0.01)
    assert fresh.t == opt.t == 8
    for a, b in zip(again, params, strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- callbacks
def test_callback_stops_at_a_checkpoint(moons):
    class StopAfter3(nets.Callback):
        stop_reason = "pruned at epoch 3"

        def on_checkpoint(self, state, record):
            return record["epoch"] >= 3

    cfg = nets.TrainConfig(hidden=(4,), batch_size=20, max_epochs=100)
    _, res = _fit(cfg, *moons, callbacks=[StopAfter3()])
    assert res.status == "stopped" and res.reason == "pruned at epoch 3"
    assert res.epochs == 3 and res.iterations == 30
    assert res.history["epoch"].tolist() == [0, 1, 2, 3]


def test_callback_stops_at_a_step_and_the_curve_is_closed(moons):
    losses = []

    class StopAtStep7(nets.Callback):
        def on_step(self, state):
            losses.append(state.batch_loss)
            return state.step == 7

    cfg = nets.TrainConfig(hidden=(4,), batch_size=20, max_epochs=100, checkpoint=0.5)
    _, res = _fit(cfg, *moons, callbacks=[StopAtStep7()])
    assert res.status == "stopped" and res.reason == "stopped by callback"
    assert res.iterations == 7
    assert res.history["iteration"].tolist() == [0, 5, 7]
    assert len(losses) == 7 and all(math.isfinite(v) for v in losses)


class _Recorder(nets.Callback):
    def __init__(self):
        self.epochs, self.endings, self.steps = [], [], 0

    def on_step(self, state):
        self.steps += 1

    def on_checkpoint(self, state, record):
        self.epochs.append(record["epoch"])
        self.endings.append(state.ending)


@pytest.mark.parametrize("settings, status", [
    ({"eps": 0.45}, "converged"), ({"patience": 2, "lr": 1.0}, "early_stopped"),
    ({"lr": 50.0}, "diverged")])
def test_callbacks_see_the_checkpoint_where_training_ends(moons, settings, status):
    rec = _Recorder()
    cfg = nets.TrainConfig(hidden=(8,), batch_size=20, max_epochs=300, **settings)
    _, res = _fit(cfg, *moons, callbacks=[rec])
    assert res.status == status
    assert rec.epochs == res.history["epoch"].tolist() and len(rec.epochs) >= 2
    assert rec.endings == [None] * (len(rec.epochs) - 1) + [status]


def test_every_callback_sees_the_step_and_checkpoint_where_another_stops(moons):
    class Quiet(nets.Callback):
        stop_reason = "never stops"

        def on_step(self, state):
            return None

    class StopAtStep(nets.Callback):
        stop_reason = "stopped at step 25"

        def on_step(self, state):
            return state.step >= 25

    class StopAtEpoch(nets.Callback):
        stop_reason = "stopped at epoch 2"

        def on_checkpoint(self, state, record):
            return record["epoch"] >= 2

    cfg = nets.TrainConfig(hidden=(4,), batch_size=20, max_epochs=100)
    rec = _Recorder()
    _, res = _fit(cfg, *moons, callbacks=[Quiet(), StopAtStep(), rec])
    assert (res.status, res.reason, rec.steps) == ("stopped", "stopped at step 25", 25)
    # and the checkpoint that closes the curve at that step
    assert rec.epochs == res.history["epoch"].tolist() and rec.epochs[-1] == res.epochs
    assert rec.endings == [None] * (len(rec.epochs) - 1) + ["stopped"]
    rec = _Recorder()
    _, res = _fit(cfg, *moons, callbacks=[StopAtEpoch(), rec])
    assert res.reason == "stopped at epoch 2" and rec.epochs == [0, 1, 2]


def test_param_snapshots_span_the_run(moons):
    cfg = nets.TrainConfig(hidden=(3,), batch_size=20, max_epochs=40)
    net, res = _fit(cfg, *moons, snapshots=5)
    epochs = [e for e, _ in res.snapshots]
    assert len(epochs) == 5 and epochs[0] == 0 and epochs[-1] == 40
    assert epochs == sorted(epochs)
    for p, q in zip(res.snapshots[-1][1], net.params, strict=True):
        np.testing.assert_array_equal(p, q)
    # a run a step callback stops: its last snapshot is where it stopped (it was the
    # checkpoint before)
    class StopAtStep(nets.Callback):
        def on_step(self, state):
            return state.step >= 17

    net, res = _fit(cfg.replace(batch_size=64), *moons, callbacks=[StopAtStep()], snapshots=4)
    assert res.status == "stopped" and res.iterations == 17
    epochs = [e for e, _ in res.snapshots]
    assert epochs[0] == 0 and epochs[-1] == res.epochs == 17 / 4 and len(epochs) <= 4
    for p, q in zip(res.snapshots[-1][1], net.params, strict=True):
        np.testing.assert_array_equal(p, q)
    # a converged run's last snapshot is the net it ends with too
    net, res = _fit(cfg.replace(eps=0.45, max_epochs=300), *moons, snapshots=5)
    assert res.status == "converged" and res.snapshots[-1][0] == res.epochs
    for p, q in zip(res.snapshots[-1][1], net.params, strict=True):
        np.testing.assert_array_equal(p, q)


def test_small_nets_step_on_one_blas_thread_and_score_on_all():
    from threadpoolctl import threadpool_info, threadpool_limits

    from nets._threads import on_default_threads, step_threads

    def blas_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    # two threads before, whatever the machine's (or OMP_NUM_THREADS's) default: on a pool
    # already at one thread, a limit never restored looked restored
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        assert before == {2}
        steps = step_threads((784, 64, 16, 10), 128)  # 6.4M multiply-adds: small
        with steps:
            assert blas_threads() == {1}
            assert on_default_threads(steps, blas_threads) == before
            assert blas_threads() == {1}
        assert blas_threads() == before
        with step_threads((784, 1024, 10), 512):  # 411M: keeps the default
            assert blas_threads() == before


def test_trainings_overlapping_in_threads_leave_the_blas_threads_as_they_were():
    """A threaded GridSearchCV: b starts while a steps, and a ends first (not LIFO)."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from nets._threads import on_default_threads, step_threads

    def blas_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    with threadpool_limits(limits=2, user_api="blas"):
        a, b = step_threads((2, 4, 1), 32), step_threads((2, 4, 1), 32)
        a.__enter__()
        b.__enter__()
        assert on_default_threads(a, blas_threads) == {1}  # scoring while b steps: one thread
        a.__exit__(None, None, None)
        assert blas_threads() == {1}  # b still steps
        assert on_default_threads(b, blas_threads) == {2}  # b alone: the threads from before
        b.__exit__(None, None, None)
        assert blas_threads() == {2}


# a Ctrl-C raised at each point where Python runs a signal's handler (a function's start,
# a C call's return) in the BLAS-thread code of a checkpoint's scoring ("scoring") or of
# the steps' start and end ("ends"), by the real SIGINT and its handler; each a training
# of its own, then the state checked. "ends" starts from two BLAS threads, and checks that
# the next training ends on them.
_CTRL_C_AT_EACH_POINT = """
import contextlib, signal, sys, threadpoolctl
import data, nets
from nets import _threads, _train

ends = sys.argv[1] == "ends"
if ends:
    threadpoolctl.threadpool_limits(limits=2, user_api="blas")  # not a `with`: kept
    clear = getattr(getattr(threadpoolctl, "OpenBLASController", None),
                    "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)
before = _threads._read_blas()
ds = data.load("xor", seed=0)
cfg = nets.TrainConfig(hidden=(16,), batch_size=4, checkpoint=1, optimizer="adam",
                       max_epochs=2, lr=0.01)
files = {_threads.__file__, contextlib.__file__, threadpoolctl.__file__}
inside = ({(_threads.__file__, name) for name in ("__enter__", "__exit__", "enter", "restore")}
          if ends else {(_train.__file__, "record")})

def at_a_point(frame):
    while frame is not None and (frame.f_code.co_filename, frame.f_code.co_name) not in inside:
        frame = frame.f_back
    return frame is not None

raised = []  # the points a SIGINT was raised at (one a training may not reach: fewer
# points once an earlier one left threadpoolctl's count of its limits off, as it may)

def train(at=-1):
    seen = 0
    def profile(frame, event, arg):
        nonlocal seen
        if event in ("call", "c_return") and frame.f_code.co_filename in files \\
                and at_a_point(frame):
            if seen == at:
                raised.append(at)
                signal.raise_signal(signal.SIGINT)
            seen += 1
    net, rng = nets.seeded_net(cfg, ds, 0)
    sys.setprofile(profile)
    try:
        nets.train(net, cfg, ds.X_train, ds.y_train, ds.X_val, ds.y_val, rng=rng)
    finally:
        sys.setprofile(None)
    return seen

train()  # the caches filled: the points of every training after it
points, stopped = train(), 0
for at in range(points):
    print(at, flush=True)
    try:
        train(at)
    except KeyboardInterrupt:
        stopped += 1
    assert not _threads._lock.locked() and not _threads._shared["active"], at
    if ends:  # the next training steps on one thread, then puts the ones from before back
        train()
        assert _threads._read_blas() == before, (at, _threads._read_blas(), before)
print("stopped", stopped, "of", len(raised), "threads", min(before, default=0))
"""


def _ctrl_c_at_each_point(where: str) -> list[str]:
    """The last line of `_CTRL_C_AT_EACH_POINT` run at ``where``, in a process of its own."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.Popen([sys.executable, "-c", _CTRL_C_AT_EACH_POINT, where], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = run.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        run.kill()
        out, err = run.communicate()
        pytest.fail(f"the training hung after a Ctrl-C at point {out.split()[-1]}")
    assert run.returncode == 0, err[-2000:]
    return out.splitlines()[-1].split()


def test_ctrl_c_anywhere_in_a_checkpoints_scoring_stops_the_training():
    # a study worker hung on its first Ctrl-C (a CI run of three, alive 60 s after it):
    # the scoring's BLAS-thread lock, held by a generator across its yield, was left held
    # by a KeyboardInterrupt raised in contextlib's __enter__ or __exit__ around it, and
    # the steps' exit then waited on it for good (a few Ctrl-Cs in a thousand mid-training)
    last = _ctrl_c_at_each_point("scoring")
    assert last[0] == "stopped" and int(last[3]) > 50 and last[1] == last[3], last  # each


def test_ctrl_c_anywhere_in_the_steps_start_or_end_leaves_no_training_counted():
    # a Ctrl-C at the end of the steps' __enter__ (counted, the `with` not yet entered) or
    # at the start of their __exit__ left the count at 1, and one while the threads were
    # put back left them at 1, then taken as the threads "from before": every later
    # training of the process (a notebook's, after a Ctrl-C) kept BLAS on one thread
    from threadpoolctl import threadpool_info

    if not any(i["internal_api"] == "openblas" for i in threadpool_info()):
        pytest.skip("no OpenBLAS loaded")
    last = _ctrl_c_at_each_point("ends")
    # every point raised and stopped its training, from two threads
    assert last[0] == "stopped" and int(last[3]) > 10 and last[1] == last[3], last
    assert last[5] == "2", last


def test_a_diverged_run_scores_alike_when_numpy_raises_on_every_error():
    # QA: under np.seterr(all="raise") evaluate's exp underflowed into FloatingPointError
    # (its errstate ignored over and invalid only, the training loop's under too)
    cfg = nets.TrainConfig(hidden=(8,), lr=1e3, max_epochs=5)
    quiet = study.train_run("coin", cfg)
    with np.errstate(all="raise"):
        strict = study.train_run("coin", cfg)
    assert strict.result.status == quiet.result.status == "diverged"
    assert strict.test_metrics == quiet.test_metrics
    assert quiet.test_metrics["test_loss"] == pytest.approx(362.4417, rel=1e-6)


def test_training_warnings_point_at_the_users_line(recwarn):
    # QA: study.train_run(...one_cycle over one step...) warned at study/_train_run.py,
    # quoting `result = nets.train(...)`: a fixed stacklevel counted from nets.train's
    # caller. Each points at the user's line, however deep into hplab the call went
    import study

    cfg = nets.TrainConfig(schedule="one_cycle", max_epochs=1, batch_size=-1)
    study.train_run("xor", cfg)  # through study into nets.train
    line = sys._getframe().f_lineno - 1
    net = nets.build_net(cfg, 2, np.array([0, 1]), rng=np.random.default_rng(0))
    nets.train(net, cfg, [[0, 0], [1, 1]], [0, 1], rng=np.random.default_rng(0))
    direct = sys._getframe().f_lineno - 1
    nets.NetClassifier(max_epochs=1, eps=10.0).fit([[0, 0], [1, 1]], [0, 1])  # estimator
    fit = sys._getframe().f_lineno - 1
    assert [(w.filename, w.lineno) for w in recwarn] == [
        (__file__, line), (__file__, direct), (__file__, fit)], [str(w) for w in recwarn]
