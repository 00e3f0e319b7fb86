"""nets.SETTINGS_READ agrees with the code: a setting an optimizer or schedule is said to
read changes a run, one it is said to ignore leaves it bit-identical."""

import numpy as np
import pytest
from cli_helpers import OTHER

import nets
import study

X = np.random.default_rng(0).normal(size=(24, 2))
Y = (X[:, 0] * X[:, 1] > 0).astype(int)
# 6 steps (24 rows in 4s); a period of 3 of them (lr_decay_steps): QA's 1 restarted a
# periodic schedule (SGDR's) at every step, which then never came down to feel lr_min
BASE = nets.TrainConfig(hidden=(4,), lr=0.1, batch_size=4, max_epochs=1, dtype="float64",
                        momentum=0.5, rho=0.9, opt_eps=1e-8, lr_gamma=0.5, lr_decay_steps=3,
                        lr_milestones=(1,), lr_power=1.0, lr_min=0.0)
#: kind -> every setting some optimizer (schedule) reads
SETTINGS = {kind: sorted({s for reads in table.values() for s in reads})
            for kind, table in nets.SETTINGS_READ.items()}


def _trained(cfg) -> np.ndarray:
    init_rng, loop_rng = study.train_streams(0)
    net = nets.build_net(cfg, X.shape[1], Y, rng=init_rng)
    nets.train(net, cfg, X, Y, rng=loop_rng)
    return net.flat.copy()


def test_every_setting_the_table_names_is_moved_here():
    read = {*SETTINGS["optimizer"], *SETTINGS["schedule"]}
    missing, stale = sorted(read - set(OTHER)), sorted(set(OTHER) - read)
    assert not missing, f"settings read with no OTHER value (tests/cli_helpers.py): {missing}"
    assert not stale, f"OTHER values (tests/cli_helpers.py) no one reads: {stale}"


@pytest.mark.parametrize("kind, name", [(kind, name) for kind, table in
                                        nets.SETTINGS_READ.items() for name in table])
def test_each_optimizer_and_schedule_reads_exactly_its_settings(kind, name):
    cfg = BASE.replace(**{kind: name})
    base = _trained(cfg)
    for setting in SETTINGS[kind]:
        if setting not in OTHER:
            pytest.fail(f"{setting} has no OTHER value (tests/cli_helpers.py)")
        changed = not np.array_equal(base, _trained(cfg.replace(**{setting: OTHER[setting]})))
        reads = setting in nets.SETTINGS_READ[kind][name]
        # QA: the failure said only "lr_min": a new rule that reads a setting may need a BASE
        # (or OTHER) under which it feels the change within BASE's steps
        assert changed == reads, (
            f"{kind} {name}: moving {setting} from BASE's {getattr(cfg, setting)!r} to "
            f"OTHER's {OTHER[setting]!r} (tests/cli_helpers.py) changed "
            + ("no weight in BASE's 6 steps, though nets.SETTINGS_READ says it reads it"
               if reads else "the weights, though nets.SETTINGS_READ says it does not read it"))


def _shipped_first(unread: dict, shipped: dict) -> None:
    """``unread`` names the settings of ``shipped`` and, for each, its kind and the readers
    hplab ships, in registry order: a contributor's entry reading it may follow them."""
    assert list(unread) == list(shipped)
    for setting, (kind, readers) in shipped.items():
        assert unread[setting][0] == kind and unread[setting][1][:len(readers)] == readers


def test_unread_settings_names_who_would_read_each():
    given = ["momentum", "lr_gamma", "l2", "rho", "lr_min", "warmup_steps"]
    unread = nets.unread_settings(given, "sgd", "exp")
    _shipped_first(unread, {"momentum": ("optimizer", ("momentum", "nesterov")),
                            "rho": ("optimizer", ("adadelta", "rmsprop")),
                            "lr_min": ("schedule", ("polynomial", "cosine"))})
    assert "poly" not in unread["lr_min"][1]  # an alias, not repeated
    # one of several that may run reading it is enough
    _shipped_first(nets.unread_settings(["momentum", "beta1"], ["sgd", "nesterov"],
                                        ["constant"]), {"beta1": ("optimizer", ("adam",))})
    assert nets.unread_settings([], "sgd", "constant") == {}


@pytest.mark.parametrize("optimizers, schedules, message", [
    ("sgdd", "constant", r"unknown optimizer 'sgdd' \(did you mean 'sgd'\?\); valid: sgd, "
                         "momentum, nesterov"),
    ("sgd", ["cosine", "cos"], r"unknown schedule 'cos' \(did you mean 'cosine'\?\); valid: "
                               "constant, step, multistep"),
    ("sgd", "sometimes", "^unknown schedule 'sometimes'; valid: constant, step, multistep"),
])
def test_unread_settings_names_an_unknown_name_with_the_valid_ones(optimizers, schedules,
                                                                    message):
    with pytest.raises(ValueError, match=message):
        nets.unread_settings(["momentum"], optimizers, schedules)
