"""Bad hyperparameters and bad data: ValueError with one clear line, before any work."""

import json
import math
import re

import numpy as np
import pytest

import nets

# the names from the registry: a new initializer does not change what these tests check
BAD_INIT = f"unknown init 'glorot'; valid: {', '.join(nets.INITIALIZERS)}"


@pytest.mark.parametrize("changes, message", [
    ({"lr": -0.1}, "lr must be a finite number > 0, got -0.1"),
    ({"lr": 0}, "lr must be a finite number > 0, got 0"),
    ({"lr": float("nan")}, "lr must be a finite number > 0, got nan"),
    ({"lr": float("inf")}, "lr must be a finite number > 0, got inf"),
    ({"lr": "0.1"}, "lr must be a finite number > 0, got '0.1'"),
    ({"batch_size": 0}, "batch_size must be a whole number >= 1 (or -1 for full batch), got 0"),
    ({"batch_size": -2}, "batch_size must be a whole number >= 1 (or -1 for full batch), "
                         "got -2"),
    ({"batch_size": 2.5}, "batch_size must be a whole number >= 1 (or -1 for full batch), "
                          "got 2.5"),
    ({"eval_size": 1.5}, "eval_size must be a whole number >= 1, got 1.5"),
    ({"hidden": "16"}, "hidden must be widths such as (64, 16), got '16'"),
    ({"hidden": (8, 2.5)}, "hidden widths must be whole numbers, got (8, 2.5)"),
    ({"hidden": (0,)}, "hidden widths must be >= 1, got (0,)"),
    ({"hidden": (8, 0, 4), "activation": "relu"}, "hidden widths must be >= 1, got (8, 0, 4)"),
    ({"activation": "swish"}, "unknown activation 'swish'; valid: identity, sigmoid, tanh"),
    ({"hidden": (4, 4), "activation": ("relu",) * 3},
     "activation needs 1 name (for every layer) or 2 (one per layer) for 2 hidden layers, "
     "got 3"),
    ({"hidden": (4,), "activation": ("sigmoid", "tanh")},
     "activation needs 1 name for 1 hidden layer, got 2"),
    ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'; valid: sgd, momentum, nesterov, adagrad"),
    ({"init": "glorot"}, BAD_INIT),
    ({"schedule": "sometimes"}, "unknown schedule 'sometimes'; valid: constant, step, multistep"),
    ({"head": "ranking"}, "unknown head 'ranking'; valid: auto, regression, binary, multiclass"),
    ({"max_epochs": 0},
     "max_epochs must be a finite number > 0, at most 1,000,000 epochs, got 0"),
    ({"checkpoint": -1}, "checkpoint must be a finite number > 0, got -1"),
    ({"eps": -0.01}, "eps must be a finite number >= 0, got -0.01"),
    ({"patience": -1}, "patience must be a whole number >= 0, got -1"),
    ({"patience": True}, "patience must be a whole number >= 0, got True"),
    # QA: max_epochs=True trained 1 epoch while batch_size=True was refused: no bools
    ({"max_epochs": True},
     "max_epochs must be a finite number > 0, at most 1,000,000 epochs, got True"),
    # review: 1e99 epochs (or 1e12 of XOR's 4 rows) was taken and trained for good
    ({"max_epochs": 1e99},
     "max_epochs must be a finite number > 0, at most 1,000,000 epochs, got 1e+99"),
    ({"max_epochs": 1_000_000.5},
     "max_epochs must be a finite number > 0, at most 1,000,000 epochs, got 1000000.5"),
    # NumPy 2 says np.True_, 1.26 True
    ({"lr": np.True_}, f"lr must be a finite number > 0, got {np.True_!r}"),
    # QA: NumPy's True was a whole number 1 where Python's is refused (nets.is_whole)
    ({"hidden": (np.True_,)}, f"hidden widths must be whole numbers, got {(np.True_,)!r}"),
    ({"hidden": np.True_}, f"hidden must be a sequence such as (64, 16), got {np.True_!r}"),
    ({"lr_milestones": (np.True_, 5)}, "lr_milestones must be increasing whole numbers >= 1"),
    ({"batch_size": np.True_}, "batch_size must be a whole number >= 1 (or -1 for full batch)"),
    ({"patience": np.False_}, f"patience must be a whole number >= 0, got {np.False_!r}"),
    ({"rho": False}, "rho must be in [0, 1), got False"),
    ({"class_weight": (True, False)}, "class_weight must be numbers, got (True, False)"),
    ({"momentum": 1.0}, "momentum must be in [0, 1), got 1.0"),
    ({"rho": 1.0}, "rho must be in [0, 1), got 1.0"),
    ({"opt_eps": 0.0}, "opt_eps must be a finite number > 0, got 0.0"),
    ({"schedule": "multistep"}, "schedule multistep needs lr_milestones, the steps where the "
                                "rate is multiplied by lr_gamma, e.g. (100, 200)"),
    ({"lr_milestones": (200, 100)}, "lr_milestones must be increasing whole numbers >= 1 "
                                    "(steps), got (200, 100)"),
    ({"lr_milestones": (0, 100)}, "lr_milestones must be increasing whole numbers >= 1"),
    ({"lr_milestones": (100, 150.5)}, "lr_milestones must be increasing whole numbers >= 1"),
    ({"lr_milestones": "100"}, "lr_milestones must be steps such as (100, 200), got '100'"),
    ({"lr_milestones": 2.5}, "lr_milestones must be a sequence such as (100, 200), got 2.5"),
    ({"l2": -1e-4}, "l2 must be a finite number >= 0, got -0.0001"),
    ({"dtype": "float16"}, "dtype must be one of float32, float64, got 'float16'"),
    ({"class_weight": (1.0, -1.0)}, "class_weight must be finite numbers >= 0, not all 0, got"),
    ({"class_weight": (float("nan"), 1)}, "class_weight must be finite numbers >= 0, not all"),
    ({"class_weight": (0, 0.0)}, "class_weight must be finite numbers >= 0, not all 0, got (0"),
    # QA: finite in float64, 1e39 overflowed in the float32 net: a warning, a diverged run
    ({"class_weight": (1, 1e39)}, "class_weight has values beyond float32's range (about "
                                  "3.4e38), got (1.0, 1e+39); give smaller weights, or train "
                                  "a float64 net (dtype=float64)"),
    ({"class_weight": (None, 1)}, "class_weight must be numbers, got (None, 1)"),
    ({"class_weight": 3}, "class_weight must be a sequence such as (1.0, 5.0), got 3"),
    ({"class_weight": {0: 1.0, 1: 5.0}}, "class_weight must be weights in class order such as"),
    ({"hidden": None}, "hidden must be a sequence such as (64, 16), got None"),
    ({"activation": None}, "activation must be a sequence such as 'relu' or ('tanh', 'relu')"),
    ({"activation": 3}, "activation must be a sequence such as 'relu'"),
    ({"divergence_factor": 1.0}, "divergence_factor must be > 1, got 1.0"),
    ({"schedule": "cosine", "lr": 0.1, "lr_min": 0.5},
     "lr_min must be <= lr (schedule cosine falls from lr to lr_min), got lr_min 0.5 and lr 0.1"),
    ({"schedule": "poly", "lr_min": 0.2}, "lr_min must be <= lr (schedule poly falls from lr"),
])
def test_bad_config(changes, message):
    with pytest.raises(ValueError) as info:
        nets.TrainConfig(**changes)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name, rule", [
    ("max_epochs", "a finite number > 0, at most 1,000,000 epochs"),
    ("lr", "a finite number > 0"), ("eps", "a finite number >= 0"),
    ("l2", "a finite number >= 0"), ("dropout", "in [0, 1)"), ("momentum", "in [0, 1)"),
    ("lr_gamma", "a finite number > 0"), ("checkpoint", "a finite number > 0"),
    ("divergence_factor", "> 1"), ("patience", "a whole number >= 0"),
    ("lr_decay_steps", "a finite number > 0 (of steps; a whole one for schedule step)"),
])
def test_an_array_for_a_number_is_the_rule_s_one_line_error(name, rule):
    # review: check_setting caught only TypeError: NumPy's "The truth value of an array
    # with more than one element is ambiguous" came out, and a one-element array passed
    for value in (np.array([5.0, 6.0]), np.array([0.5])):
        with pytest.raises(ValueError) as info:
            nets.TrainConfig(**{name: value})
        assert str(info.value) == f"{name} must be {rule}, got {value!r}"
    with pytest.raises(ValueError) as info:
        nets.check_epochs("epochs", np.array([5.0, 6.0]))
    assert str(info.value) == ("epochs must be a finite number > 0, at most 1,000,000 epochs, "
                               "got array([5., 6.])")
    with pytest.raises(ValueError, match=r"^momentum must be in \[0, 1\), got array"):
        nets.make_optimizer("momentum", [np.zeros(2)], momentum=np.array([0.5, 0.6]))


def test_numpy_numbers_are_the_numbers_written_and_trained():
    # QA: lr=np.float32(0.3) was kept a float32 and written to config.json as
    # 0.30000001192092896; it is 0.3 (its shortest text), written and trained alike
    cfg = nets.TrainConfig(lr=np.float32(0.3), batch_size=np.int64(4), max_epochs=np.float32(2),
                           class_weight=(np.float32(0.3), 1), hidden=(3,), dtype="float64")
    written = json.loads(json.dumps(nets.settings_to_json(cfg.to_dict())))
    assert (written["lr"], written["batch_size"], written["class_weight"]) == (0.3, 4, [0.3, 1.0])
    assert type(cfg.lr) is float and type(cfg.batch_size) is int
    assert nets.TrainConfig(**written) == cfg  # what trains is what was written


def test_good_config_normalizes_and_is_frozen():
    cfg = nets.TrainConfig(hidden=[64, 16], activation="tanh")
    assert cfg.hidden == (64, 16) and cfg.activation == ("tanh", "tanh")
    assert nets.TrainConfig(hidden=5).hidden == (5,)
    assert nets.TrainConfig(lr_milestones=[100, 200.0]).lr_milestones == (100, 200)
    assert nets.TrainConfig(lr_milestones=np.int64(7)).lr_milestones == (7,)
    whole = nets.TrainConfig(hidden=(np.int64(4), 3.0), batch_size=16.0, patience=np.int32(2))
    assert whole.hidden == (4, 3) and type(whole.batch_size) is type(whole.patience) is int
    with pytest.raises(AttributeError):
        cfg.lr = 1.0
    assert cfg.replace(lr=0.5).lr == 0.5
    # lr_min is the floor of cosine and polynomial only: elsewhere it plays no part
    assert nets.TrainConfig(schedule="cosine", lr=0.1, lr_min=0.1).lr_min == 0.1
    assert nets.TrainConfig(schedule="constant", lr=0.1, lr_min=0.5).lr_min == 0.5
    with pytest.raises(ValueError, match="lr must be"):
        cfg.replace(lr=-1)


def _sqrt_to_min(step, cfg, total):
    """A contributor's schedule: from lr down to lr_min as 1 / sqrt(1 + step)."""
    return cfg.lr_min + (cfg.lr - cfg.lr_min) / math.sqrt(1 + step)


def _restarts(step, cfg, total):
    """A contributor's schedule: lr again from each milestone, times lr_gamma per step."""
    since = step - max([0, *(m for m in cfg.lr_milestones if m <= step)])
    return cfg.lr * cfg.lr_gamma ** since


def test_a_new_schedule_is_bound_by_what_its_settings_mean(register_schedule):
    # the rules were keyed on the names cosine, polynomial and multistep: a new schedule
    # falling to lr_min let its rate climb to it, one stepping at milestones ran without any
    register_schedule("sqrt_to_min", _sqrt_to_min, ("lr_min",))
    register_schedule("restarts", _restarts, ("lr_gamma", "lr_milestones"))
    with pytest.raises(ValueError, match=re.escape(
            "lr_min must be <= lr (schedule sqrt_to_min falls from lr to lr_min), got lr_min "
            "0.5 and lr 0.1")):
        nets.TrainConfig(schedule="sqrt_to_min", lr=0.1, lr_min=0.5)
    with pytest.raises(ValueError, match=re.escape(
            "schedule restarts needs lr_milestones, the steps where the rate is multiplied "
            "by lr_gamma, e.g. (100, 200)")):
        nets.TrainConfig(schedule="restarts")
    cfg = nets.TrainConfig(schedule="sqrt_to_min", lr=0.1, lr_min=0.02)
    assert nets.learning_rate(0, cfg, 100) == 0.1 and nets.learning_rate(3, cfg, 100) == 0.06
    assert nets.TrainConfig(schedule="restarts", lr_milestones=(5,)).lr_milestones == (5,)


def _lr_min_broken(name: str) -> list[str]:
    """What schedule ``name`` breaks of what TrainConfig's lr_min <= lr rule takes for
    granted of a schedule reading lr_min: it starts at lr and stays within [lr_min, lr];
    one that only falls comes down to lr_min at the run's end."""
    cfg = nets.TrainConfig(schedule=name, lr=0.1, lr_min=0.01, lr_power=2.0,
                           lr_decay_steps=10)
    rates = [nets.learning_rate(step, cfg, 100) for step in range(101)]
    broken = [] if rates[0] == 0.1 else [f"starts at {rates[0]:.3g}, not lr"]
    broken += [f"step {t}: {r:.3g} outside [lr_min, lr]" for t, r in enumerate(rates)
               if not 0.01 - 1e-15 <= r <= 0.1 + 1e-15][:1]
    falls = all(a >= b for a, b in zip(rates, rates[1:], strict=False))
    if falls and rates[-1] != pytest.approx(0.01, abs=1e-15):
        broken.append(f"falls, but to {rates[-1]:.3g}, not lr_min")
    return broken


@pytest.mark.parametrize("name", [n for n, reads in nets.SETTINGS_READ["schedule"].items()
                                  if "lr_min" in reads])
def test_every_schedule_reading_lr_min_stays_between_it_and_lr(name):
    # one that used lr_min otherwise needs a rule of its own
    assert _lr_min_broken(name) == []


def _warm_restarts(step, cfg, total):  # SGDR: cosine from lr to lr_min every s steps
    t = step % cfg.lr_decay_steps
    return cfg.lr_min + (cfg.lr - cfg.lr_min) * (1 + math.cos(math.pi * t / cfg.lr_decay_steps)) / 2


def test_a_schedule_that_restarts_may_read_lr_min(register_schedule):
    # QA: SGDR (floor lr_min, back up to lr at each restart) failed a test asking every
    # schedule reading lr_min to fall steadily and end at it, though lr_min <= lr held
    register_schedule("warm_restarts", _warm_restarts, ("lr_decay_steps", "lr_min"))
    assert _lr_min_broken("warm_restarts") == []
    register_schedule("overshoot", lambda step, cfg, total: cfg.lr * (1 - step / total),
                      ("lr_min",))
    assert _lr_min_broken("overshoot") == ["step 91: 0.009 outside [lr_min, lr]",
                                           "falls, but to 0, not lr_min"]
    register_schedule("halfway", lambda step, cfg, total: max(cfg.lr / 2, cfg.lr_min),
                      ("lr_min",))
    assert _lr_min_broken("halfway") == ["starts at 0.05, not lr",
                                         "falls, but to 0.05, not lr_min"]


@pytest.mark.parametrize("name", list(nets.SCHEDULES))
def test_the_stepwise_schedules_are_those_that_hold_the_rate_between_changes(name):
    # what the reports draw as steps (nets.is_stepwise): a rate that changes now and then
    cfg = nets.TrainConfig(schedule=name, lr_milestones=(30, 60), lr_decay_steps=30)
    rates = [nets.learning_rate(step, cfg, 100) for step in range(101)]
    changes = sum(a != b for a, b in zip(rates, rates[1:], strict=False))
    assert (0 < changes <= 3) == nets.is_stepwise(name)


def _registry_cases():
    """(kind, registry, a call with a typo of one of its names, that name): typos no likely
    new name sits closer to (QA: 'adamx' was told 'adamax' once adamax came)."""
    return [
        ("activation", nets.ACTIVATIONS, lambda: nets.get_activation("rellu"), "relu"),
        ("activation", nets.ACTIVATIONS, lambda: nets.TrainConfig(activation="tanhh"), "tanh"),
        ("optimizer", nets.OPTIMIZERS, lambda: nets.make_optimizer("addam", []), "adam"),
        ("optimizer", nets.OPTIMIZERS, lambda: nets.TrainConfig(optimizer="addam"), "adam"),
        ("optimizer", nets.OPTIMIZERS,
         lambda: nets.unread_settings([], "momentun", "constant"), "momentum"),
        ("schedule", nets.SCHEDULES, lambda: nets.TrainConfig(schedule="cosin"), "cosine"),
        ("schedule", nets.SCHEDULES, lambda: nets.unread_settings([], "sgd", "polynomal"),
         "polynomial"),
        ("init", nets.INITIALIZERS, lambda: nets.TrainConfig(init="xavir"), "xavier"),
        ("init", nets.INITIALIZERS, lambda: nets.MLP.initialized(
            (2, 1), [], "binary", init="XAVIER", rng=np.random.default_rng(0)), "xavier"),
        ("head", nets.HEADS, lambda: nets.get_head("binry"), "binary"),
        ("head", {"auto": None, **nets.HEADS}, lambda: nets.TrainConfig(head="binry"),
         "binary"),
        ("metric", nets.IMBALANCE_METRICS, lambda: nets.check_metric("roc-auc"), "roc_auc"),
        # QA: "did you mean 'precision'?", though pr_auc is average precision
        ("metric", nets.IMBALANCE_METRICS, lambda: nets.check_metric("average_precision"),
         "pr_auc"),
        ("metric", nets.IMBALANCE_METRICS, lambda: nets.check_metric("AUPRC"), "pr_auc"),
        # QA: case, '-' and spaces mattered: these were told "did you mean 'precision'?"
        ("metric", nets.IMBALANCE_METRICS, lambda: nets.check_metric("average-precision"),
         "pr_auc"),
        ("metric", nets.IMBALANCE_METRICS, lambda: nets.check_metric("Average Precision"),
         "pr_auc"),
        ("metric", nets.IMBALANCE_METRICS, lambda: nets.check_metric("Balanced Accuracy"),
         "balanced_accuracy"),
        ("strategy", nets.STRATEGIES, lambda: nets.resolve_strategies("smotte"), "smote"),
    ]


@pytest.mark.parametrize("kind, registry, call, close", _registry_cases())
def test_every_registry_refuses_an_unknown_name_in_one_shape(kind, registry, call, close):
    # the shape data's datasets have: the optimizer, schedule and init (via TrainConfig) said
    # "optimizer must be one of ..., got 'adamx'", the activations no close name
    with pytest.raises(ValueError) as info:
        call()
    typo = re.search(r"'([^']*)'", str(info.value))[1]
    assert str(info.value) == (f"unknown {kind} {typo!r} (did you mean {close!r}?); valid: "
                               f"{', '.join(registry)}")


def test_plain_auc_is_told_both_areas():
    # QA: "did you mean 'pr_auc'?" alone, where scikit-learn users mostly mean ROC AUC
    with pytest.raises(ValueError) as info:
        nets.check_metric("AUC")
    assert str(info.value) == ("unknown metric 'AUC' (did you mean 'roc_auc' or 'pr_auc'?); "
                               f"valid: {', '.join(nets.IMBALANCE_METRICS)}")


def test_an_unknown_name_close_to_none_is_told_the_valid_ones_alone():
    for call in (lambda: nets.TrainConfig(optimizer="lbfgs"), lambda: nets.get_head(["x"]),
                 lambda: nets.TrainConfig(schedule=3)):
        with pytest.raises(ValueError, match=r"^unknown [a-z]+ \S+; valid: [a-z_, ]+$"):
            call()


def test_unknown_names_in_registries():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nets.get_activation("swish")
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        nets.make_optimizer("lbfgs", [])
    with pytest.raises(ValueError, match="unknown head 'ranking'"):
        nets.get_head("ranking")
    with pytest.raises(ValueError, match="need one activation per hidden layer"):
        nets.MLP((2, 3, 1), ["relu", "relu"], "binary")


def test_n_classes_decides_the_head_and_must_count_every_label():
    # QA: n_classes=3 with labels 0/1 only (a split missing a class) built MLP(2-3-1, binary)
    cfg, y = nets.TrainConfig(hidden=(3,)), np.array([0, 1, 1, 0])
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0), n_classes=3)
    assert net.sizes == (2, 3, 3) and net.head == "multiclass"
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(0), n_classes=2)
    assert net.sizes == (2, 3, 1) and net.head == "binary"
    with pytest.raises(ValueError, match=r"^y labels must lie in 0\.\.1, got 0\.\.2 "
                                         r"\(n_classes=2 must count every class\)$"):
        nets.build_net(cfg, 2, np.array([0, 1, 2]), rng=np.random.default_rng(0), n_classes=2)
    # one check, one wording: train's, which said it otherwise ("n_classes=2 but y has
    # labels up to 2" here, "labels must lie in 0..1" there)
    with pytest.raises(ValueError, match=r"^training labels must lie in 0\.\.1, got 0\.\.2$"):
        nets.train(net, cfg, np.zeros((3, 2)), np.array([0, 1, 2]), rng=np.random.default_rng(0))
    assert nets.infer_head(y, 3) == "multiclass" and nets.infer_head(y) == "binary"
    # whole-number floats are classes; a fractional part makes regression
    assert nets.infer_head(np.arange(100.0)) == "multiclass"
    assert nets.infer_head(np.array([0.0, 1.5])) == "regression"


@pytest.mark.parametrize(("y", "n_classes", "message"), [
    # QA: text failed inside NumPy (n_outputs took np.max of strings)
    (np.array(list("abcab")), None, r"^y labels must be class indices, got dtype <U1 "
                                    r"\(NetClassifier takes labels of any kind\)$"),
    (np.array(list("abcab")), 3, r"^y labels must be class indices, got dtype <U1"),
    # QA: labels 1..3 made a 4-output net without a word, while train refused 1..2
    (np.array([1, 2, 3, 1]), None, r"^y labels must lie in 0\.\.2, got 1\.\.3 \(pass "
                                   r"n_classes if y misses a class\)$"),
    (np.array([1, 2, 2, 1]), None, r"^y labels must lie in 0\.\.1, got 1\.\.2"),
    (np.array([[0, 1], [1, 0]]), None, r"^y labels must be class indices 0\.\.k-1"),
    (np.array([-1, 0, 1]), 3, r"^y labels must lie in 0\.\.k-1, got -1\.\.1"),
])
def test_build_net_checks_labels_as_train_does(y, n_classes, message):
    with pytest.raises(ValueError, match=message):
        nets.build_net(nets.TrainConfig(), 2, y, rng=np.random.default_rng(0),
                       n_classes=n_classes)


def test_build_net_sizes_a_net_for_a_class_y_misses_when_told():
    # n_classes says what the labels alone cannot: a class without an example in y
    net = nets.build_net(nets.TrainConfig(hidden=(3,)), 2, np.array([1, 2, 3]),
                         rng=np.random.default_rng(0), n_classes=4)
    assert net.sizes == (2, 3, 4)


@pytest.fixture
def binary_net():
    cfg = nets.TrainConfig(hidden=(4,), max_epochs=1)
    y = np.array([0, 1, 1, 0, 1, 0])
    return cfg, nets.build_net(cfg, 2, y, rng=np.random.default_rng(0))


X6 = np.arange(12, dtype=float).reshape(6, 2) / 12
Y6 = np.array([0, 1, 1, 0, 1, 0])


@pytest.mark.parametrize("X, y, message", [
    (np.zeros((6, 3)), Y6, "training X has 3 features, the net expects 2"),
    (np.zeros(6), Y6, "training X must be 2-D (samples, features), got shape (6,)"),
    (np.zeros((0, 2)), Y6[:0], "training X has no samples"),
    (X6, Y6[:5], "training labels have length 5, X has 6 samples"),
    (np.where(X6 == X6[2, 1], np.nan, X6), Y6, "training X contains NaN or infinite values"),
    (np.where(X6 == X6[0, 0], np.inf, X6), Y6, "training X contains NaN or infinite values"),
    (np.where(X6 == X6[1, 1], 1e39, X6), Y6, "training X has values beyond float32's range "
                                             "(about 3.4e38); fit with dtype='float64'"),
    (X6.astype(str), Y6, "training X must be numeric"),
    (X6, Y6 + 1, "training labels must lie in 0..1, got 1..2"),
    (X6, Y6 * 0.5, "training labels must be class indices 0..k-1"),
    (X6, np.array(list("abaabb")), "training labels must be class indices, got dtype <U1 "
                                   "(NetClassifier takes labels of any kind)"),
])
def test_bad_training_data(binary_net, X, y, message):
    cfg, net = binary_net
    before = [p.copy() for p in net.params]
    with pytest.raises(ValueError) as info:
        nets.train(net, cfg, X, y, rng=np.random.default_rng(0))
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    for p, q in zip(before, net.params, strict=True):  # refused before any step
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("call", ["predict", "predict_proba", "logits", "output", "hidden",
                                  "evaluate"])
@pytest.mark.parametrize("X, message", [
    (np.zeros((1, 3)), "X has 3 features, the net expects 2"),
    (np.zeros(2), "X must be 2-D (samples, features), got shape (2,)"),
    (np.array([[np.nan, 0.0]]), "X contains NaN or infinite values"),
    # nothing to fit at predict time: the advice is the net's, not training's
    (np.array([[1e39, 0.0]]), "X has values beyond float32's range (about 3.4e38); a float32 "
                              "net cannot take them (a net trained with dtype float64 can)"),
])
def test_a_net_asked_about_bad_inputs_says_so_in_one_line(binary_net, call, X, message):
    # a NaN row came out as class 0, a wrong width failed inside NumPy's matmul
    _, net = binary_net
    ask = (lambda: nets.evaluate(net, X, np.zeros(len(X), int))) if call == "evaluate" \
        else lambda: getattr(net, call)(X)
    with pytest.raises(ValueError) as info:
        ask()
    assert str(info.value) == message


def test_a_net_predicts_nothing_for_no_rows_and_scores_matching_labels_only(binary_net):
    _, net = binary_net
    assert net.predict(np.zeros((0, 2))).shape == (0,)
    assert net.predict_proba(X6).shape == (6,)
    with pytest.raises(ValueError, match=r"^y has 2 labels, X has 6 samples$"):
        nets.evaluate(net, X6, Y6[:2])
    loss, accuracy = nets.evaluate(net, X6[:0], Y6[:0])  # val_fraction=0: nothing to score
    assert np.isnan(loss) and np.isnan(accuracy)


def test_a_negative_seed_is_named():
    with pytest.raises(ValueError, match=r"^seed must be a non-negative integer \(or a list "
                                         r"of them\), got -1$"):
        nets.train_streams(-1)
    with pytest.raises(ValueError, match=r"^random_state must be a non-negative integer"):
        nets.NetClassifier(max_epochs=1, random_state=-1).fit(X6, Y6)


def test_bad_validation_data(binary_net):
    cfg, net = binary_net
    X_val = X6.copy()
    X_val[3, 0] = np.nan
    with pytest.raises(ValueError, match="validation X contains NaN or infinite values"):
        nets.train(net, cfg, X6, Y6, X_val, Y6, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="validation X has 1 features, the net expects 2"):
        nets.train(net, cfg, X6, Y6, X6[:, :1], Y6, rng=np.random.default_rng(0))


def test_bad_regression_targets_and_class_weights():
    cfg = nets.TrainConfig(hidden=(3,), max_epochs=1)
    y = np.array([0.1, 0.5, np.inf, 0.2, 0.3, 0.9])
    net = nets.build_net(cfg, 2, np.nan_to_num(y, posinf=1.5), rng=np.random.default_rng(0))
    assert net.head == "regression"
    with pytest.raises(ValueError, match="training targets contain NaN or infinite values"):
        nets.train(net, cfg, X6, y, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"targets have shape \(6, 2\), the net has 1 output"):
        nets.train(net, cfg, X6, np.zeros((6, 2)), rng=np.random.default_rng(0))
    weighted = cfg.replace(class_weight=(1.0, 2.0, 3.0))
    clf = nets.build_net(weighted, 2, Y6, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="class_weight needs 2 values, got 3"):
        nets.train(clf, weighted, X6, Y6, rng=np.random.default_rng(0))


def test_class_weights_zero_for_every_training_label_are_refused():
    cfg = nets.TrainConfig(hidden=(3,), max_epochs=1, class_weight=(1.0, 0.0))
    net = nets.build_net(cfg, 2, Y6, rng=np.random.default_rng(0))
    before = [p.copy() for p in net.params]
    ones = np.ones(6, dtype=int)
    with pytest.raises(ValueError, match="^training class_weight is zero for every class in "
                                         "the labels: none would count$"):
        nets.train(net, cfg, X6, ones, rng=np.random.default_rng(0))  # had reported loss 0.0
    for p, q in zip(before, net.params, strict=True):
        np.testing.assert_array_equal(p, q)
    # validation is scored unweighted: labels all of the weightless class are fine there
    result = nets.train(net, cfg, X6, Y6, X6, ones, rng=np.random.default_rng(0))
    assert result.history["val_loss"].iloc[-1] > 0.1


def test_regression_targets_must_fit_the_outputs():
    cfg = nets.TrainConfig(hidden=(4,), head="regression", max_epochs=1)
    net = nets.build_net(cfg, 2, np.zeros((6, 2)), rng=np.random.default_rng(0))
    for y, message in ((np.zeros(6), "training targets have shape (6,), the net has 2 outputs"),
                       (np.array(["1.5"] * 6), "training targets must be numbers, got dtype")):
        with pytest.raises(ValueError, match=re.escape(message)):
            nets.train(net, cfg, X6, y, rng=np.random.default_rng(0))


def test_randomness_must_be_a_generator(binary_net):
    cfg, net = binary_net
    for rng in (0, None, np.random.RandomState(0)):
        with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
            nets.build_net(cfg, 2, Y6, rng=rng)
        with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
            nets.train(net, cfg.replace(batch_size=-1), X6, Y6, rng=rng)  # needs no draws


def test_gradcheck_dataset_takes_one_activation_name_for_every_layer():
    result = nets.gradcheck_dataset(X6, Y6, hidden=(4, 4), activation="tanh", n_samples=6)
    assert result.verdict == "excellent"
    with pytest.raises(ValueError, match="hidden widths must be >= 1"):
        nets.gradcheck_dataset(X6, Y6, hidden=(4, 0))


@pytest.mark.parametrize("hidden, activation, message", [
    ((64, 16), ("sigmoid", "tanh", "softmax"),
     "activation must name the hidden layers only (2 here), got 'sigmoid,tanh,softmax': the "
     "output layer's activation is the head, chosen from the data (softmax for 3 or more "
     "classes, logistic for 2, identity for regression); leave out 'softmax'"),
    ((4,), "softmax", "activation must name the hidden layers only (1 here), got 'softmax': "),
    ((4, 4), ("sigmoid", "logistic"), "got 'sigmoid,logistic': the output layer's activation "
                                      "is the head"),
    ((4, 4), ("tanh", "tanh", "sigmoid"),
     "activation needs 1 name (for every layer) or 2 (one per layer) for 2 hidden layers, got "
     "3; if the last is meant for the output layer, leave it out: the output layer's "
     "activation is the head, chosen from the data (softmax for 3 or more classes, logistic "
     "for 2, identity for regression)"),
])
def test_an_output_activation_says_the_head_comes_from_the_data(hidden, activation, message):
    # QA: the course's 784-64-16-10 "(sigmoid, tanh, softmax)" as --activation
    # sigmoid,tanh,softmax failed as "needs 1 name ... or 2, got 3", and --activation softmax
    # as "unknown activation 'softmax'": neither said the head is chosen from the data
    with pytest.raises(ValueError) as err:
        nets.TrainConfig(hidden=hidden, activation=activation)
    assert message in str(err.value)
    with pytest.raises(ValueError, match="activation must name the hidden layers only, got "
                                         "'softmax': the output layer's activation is the head"):
        nets.MLP((2, 3, 3), "softmax", "multiclass")
