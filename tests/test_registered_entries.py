"""An activation registered in the caller's process (README: an activation of your own, in
nets.ACTIVATIONS) is known to the pool's worker processes, a study's and an analysis's; a
study that used one, opened where it is not registered, says so."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
import pytest
from cli_helpers import run_cli
from conftest import require_module

import nets
import study
from analyses import CAPACITY_CONFIG, capacity_sweep


@pytest.fixture
def lecun_tanh():
    """'lecun_tanh' registered in nets.ACTIVATIONS while the test runs (`_lecun_tanh`)."""

    nets.ACTIVATIONS["lecun_tanh"] = _lecun_tanh("lecun_tanh")
    yield "lecun_tanh"
    del nets.ACTIVATIONS["lecun_tanh"]


def _spec(n_trials=4):
    return study.parse_spec({
        "study": {"name": "lec", "dataset": "coin", "metric": "val_accuracy",
                  "n_trials": n_trials, "max_epochs": 3, "sampler": "random",
                  "pruner": "none", "seed": 0},
        "space": {"lr": {"low": 0.003, "high": 0.1, "log": True}},
        "fixed": {"activation": "lecun_tanh", "hidden": [4]},
    })


def _trials(db) -> list[tuple]:
    stored = optuna.load_study(study_name="lec", storage=f"sqlite:///{db}")
    return sorted((t.state.name, t.params["lr"], t.value)
                  for t in stored.get_trials(deepcopy=False))


def test_a_study_on_two_workers_trains_a_registered_activation(lecun_tanh, tmp_path):
    # QA: workers=2 failed every trial, "unknown activation 'swish'", spending the budget
    for workers in (1, 2):
        summary = study.run_study(_spec(), storage=str(tmp_path / f"w{workers}.db"),
                                  workers=workers, progress=False)
        assert (summary["n_complete"], summary["n_fail"]) == (4, 0), summary["problems"]
    alone = _trials(tmp_path / "w1.db")
    assert _trials(tmp_path / "w2.db") == alone
    assert [value for *_, value in alone] == [0.62, 0.34, 0.47, 0.46]


def test_an_analysis_on_two_workers_trains_a_registered_activation(lecun_tanh):
    # QA: capacity_sweep(..., workers=2) raised "unknown activation"
    kw = dict(widths=(2, 4), seeds=1, eps=0.0,
              config=CAPACITY_CONFIG.replace(max_epochs=20, checkpoint=5,
                                             activation=lecun_tanh))
    alone = capacity_sweep("coin", workers=1, **kw)
    pooled = capacity_sweep("coin", workers=2, **kw)
    pd.testing.assert_frame_equal(pooled.runs.drop(columns="seconds"),
                                  alone.runs.drop(columns="seconds"))
    assert alone.runs["test_accuracy"].round(3).tolist() == [0.446, 0.436]


def test_an_entry_that_cannot_be_pickled_stays_behind_and_fails_no_other_run():
    # QA: an activation holding a lock, registered and never used, failed every pooled run
    # ("Could not pickle the task to send it to the workers"); before they were carried,
    # the runs that did not use it ran
    import threading

    class Locked(type(nets.ACTIVATIONS["tanh"])):
        name = "locked_tanh"

        def __init__(self):
            self.lock = threading.Lock()

    nets.ACTIVATIONS["locked_tanh"] = Locked()
    try:
        result = capacity_sweep("coin", widths=(2, 4), seeds=1, eps=0.0, workers=2,
                                config=CAPACITY_CONFIG.replace(max_epochs=5, checkpoint=5))
        assert len(result.runs) == 2 and result.runs["test_accuracy"].notna().all()
        assert nets.carried_to_workers()[1] is None
    finally:
        del nets.ACTIVATIONS["locked_tanh"]


@pytest.mark.slow
def test_a_dask_worker_process_trains_a_registered_activation(lecun_tanh):
    distributed = require_module("distributed")
    from analyses._backend import run_tasks

    with distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        # a lambda: pickled whole, as the worker cannot import this test module
        out = run_tasks(lambda name: repr(nets.get_activation(name)), [lecun_tanh] * 2,
                        backend="dask",
                        scheduler=cluster.scheduler_address)
    assert out == ["LecunTanh()"] * 2


def test_a_reused_worker_forgets_what_its_parent_no_longer_registers():
    from nets._carried import added_entries, use_entries

    assert added_entries() is None
    tanh = nets.ACTIVATIONS["tanh"]
    use_entries({"ACTIVATIONS": {"mine": tanh, "relu": tanh}})  # an earlier task's
    assert nets.ACTIVATIONS["mine"] is tanh and nets.ACTIVATIONS["relu"] is tanh
    assert added_entries() == {"ACTIVATIONS": {"mine": tanh, "relu": tanh}}
    use_entries(None)  # the next task's parent added none
    assert "mine" not in nets.ACTIVATIONS and nets.ACTIVATIONS["relu"] is not tanh
    assert added_entries() is None


def test_a_study_of_an_activation_not_registered_here_reads_but_does_not_run(
        lecun_tanh, tmp_path, monkeypatch, capsys):
    # QA: "the spec stored with study 'sw' ... does not pass this version's checks (fixed:
    # unknown activation 'swish'...); run the corrected spec under a new study.name": the
    # trials were fine, and no version was at fault. Then `study show` and `study export`
    # refused the study, and the hplab command can register nothing: they read it now
    def half(rng, n_in, n_out, dtype):
        return (rng.standard_normal((n_in, n_out)) * 0.5).astype(dtype)

    monkeypatch.chdir(tmp_path)  # where a report would go (runs/studies/lec)
    nets.INITIALIZERS["half"] = half
    db = tmp_path / "s.db"
    try:
        spec = study.parse_spec({
            "study": {"name": "lec", "dataset": "coin", "n_trials": 2, "max_epochs": 1,
                      "seed": 0, "sampler": "grid"},
            "space": {"activation": ["tanh", lecun_tanh]}, "fixed": {"init": "half"}})
        study.run_study(spec, storage=str(db), progress=False)
    finally:
        del nets.INITIALIZERS["half"]
    activation = nets.ACTIVATIONS.pop(lecun_tanh)
    stored = db.read_bytes()
    said = (f"study 'lec' in sqlite:///{db} uses activation 'lecun_tanh' and init 'half', not "
            "registered in this process: register them in nets.ACTIVATIONS and "
            "nets.INITIALIZERS before running the study or writing its report (from Python: "
            "the hplab command has only the built-in names); its trials are stored as they "
            "ran (`hplab study show` and `study export` read them)")
    try:
        assert study.show_study("lec", str(db))["n_complete"] == 2
        code, out, err = run_cli(["study", "show", "lec", "--storage", db], capsys)
        assert (code, err) == (0, "")
        assert out.splitlines()[1:3] == [
            "trials 2/2: 2 complete, 0 pruned (0 diverged), 0 failed (0 errors, 0 retried, "
            "0 interrupted)",
            "best trial #1: 0.52  activation=tanh"]
        assert out.splitlines()[-1] == (
            "uses activation 'lecun_tanh' and init 'half', not registered in this process: "
            "its report and a run resuming it need them registered in nets.ACTIVATIONS and "
            "nets.INITIALIZERS (from Python)")
        code, _, err = run_cli(["study", "export", "lec", "--csv", tmp_path / "t.csv",
                                "--storage", db], capsys)
        assert (code, err) == (0, "")
        rows = pd.read_csv(tmp_path / "t.csv")
        assert rows[["params_activation", "value_val_accuracy"]].values.tolist() == [
            [lecun_tanh, 0.46], ["tanh", 0.52]]
        # those that build its nets refuse, before writing anything
        with pytest.raises(study.SpecError) as caught:
            study.stored_spec("lec", str(db))
        assert str(caught.value) == said
        for command in (["study", "report", "lec"], ["study", "run", "lec"],
                        ["study", "worker", "--study", "lec"]):
            code, _, err = run_cli([*command, "--storage", db], capsys)
            assert (code, err) == (2, f"hplab {' '.join(command[:2])}: error: {said}\n")
        assert not (tmp_path / "runs").exists()
        assert db.read_bytes() == stored  # nothing stored is changed by reading
        nets.ACTIVATIONS[lecun_tanh] = activation  # the advice taken
        nets.INITIALIZERS["half"] = half
        assert study.stored_spec("lec", str(db))[0].fixed == {"init": "half"}
        code, out, _ = run_cli(["study", "show", "lec", "--storage", db], capsys)
        assert code == 0 and "not registered" not in out
    finally:
        nets.ACTIVATIONS[lecun_tanh] = activation
        nets.INITIALIZERS.pop("half", None)


def test_an_estimator_in_joblib_s_worker_processes_trains_a_registered_activation(
        lecun_tanh):
    # QA: cross_val_score / GridSearchCV(n_jobs=2) of NetClassifier(activation=<one
    # registered here>) failed every fit, "unknown activation": a worker knew the name alone
    from sklearn.datasets import make_classification
    from sklearn.model_selection import cross_val_score

    X, y = make_classification(n_samples=200, n_features=4, random_state=0)
    clf = nets.NetClassifier(hidden=(8,), activation=lecun_tanh, max_epochs=5,
                             random_state=0)
    alone = cross_val_score(clf, X, y, cv=2, scoring="neg_log_loss", error_score="raise")
    pooled = cross_val_score(clf, X, y, cv=2, scoring="neg_log_loss", n_jobs=2,
                             error_score="raise")
    np.testing.assert_array_equal(pooled, alone)
    assert alone.round(4).tolist() == [-1.0004, -0.9571]
    # registered anew under that name, the reused workers take the new one, not the first
    mine = nets.ACTIVATIONS[lecun_tanh]
    plain = type("PlainTanh", (type(nets.ACTIVATIONS["tanh"]),), {"name": lecun_tanh})
    nets.ACTIVATIONS[lecun_tanh] = plain()
    try:
        as_tanh = cross_val_score(clf, X, y, cv=2, scoring="neg_log_loss", n_jobs=2,
                                  error_score="raise")
        np.testing.assert_array_equal(as_tanh, cross_val_score(
            clf.set_params(activation="tanh"), X, y, cv=2, scoring="neg_log_loss"))
        assert not np.array_equal(as_tanh, alone)
    finally:
        nets.ACTIVATIONS[lecun_tanh] = mine


def test_an_unfitted_estimator_loaded_where_its_activation_is_not_registered_fits(
        lecun_tanh):
    # its file (joblib.dump) carries the activation it names, by value: loaded in a
    # session that never registered it, it fits, where its name alone was unknown there
    import pickle

    from sklearn.datasets import make_classification

    from nets._carried import _UNPICKLED

    X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    clf = nets.NetClassifier(hidden=(8,), activation=lecun_tanh, max_epochs=3, random_state=0)
    saved, expected = pickle.dumps(clf), clone_fit_proba(clf, X, y)
    mine = nets.ACTIVATIONS.pop(lecun_tanh)
    try:
        loaded = pickle.loads(saved)
        assert type(nets.ACTIVATIONS[lecun_tanh]).__name__ == "LecunTanh"
        np.testing.assert_array_equal(loaded.fit(X, y).predict_proba(X), expected)
    finally:
        nets.ACTIVATIONS[lecun_tanh] = mine
        _UNPICKLED.discard(("ACTIVATIONS", lecun_tanh))  # the test's own, not a load's


def clone_fit_proba(clf, X, y):
    from sklearn.base import clone

    return clone(clf).fit(X, y).predict_proba(X)


class _Nadam(nets.Optimizer):
    """Nadam (Dozat 2016), as a script of its own registers it: in nets.OPTIMIZERS alone."""

    name = "nadam"
    _slots = ("m", "v")
    settings = ("beta1", "beta2", "opt_eps")

    def _step(self, params, grads, lr):
        b1, b2, t = self.beta1, self.beta2, self.t
        for p, g, m, v in zip(params, grads, self.state["m"], self.state["v"], strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            step = b1 * m / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1 ** t)
            p -= lr * step / (np.sqrt(v / (1 - b2 ** t)) + self.eps)


def _half_cosine(step, cfg, total):
    return cfg.lr_min + (cfg.lr - cfg.lr_min) * (0.5 + 0.5 * np.cos(np.pi * min(step / total, 1)))


_half_cosine.settings = ("lr_min",)  # what it reads besides lr, as an optimizer's `settings`


@pytest.fixture
def nadam_and_half_cosine(monkeypatch):
    monkeypatch.setitem(nets.OPTIMIZERS, "nadam", _Nadam)
    monkeypatch.setitem(nets.SCHEDULES, "half_cosine", _half_cosine)


def test_an_optimizer_and_a_schedule_registered_alone_train_in_a_study_and_its_report(
        nadam_and_half_cosine, tmp_path, monkeypatch):
    # QA: nets.SETTINGS_READ was a copy of the registries made at import: a TrainConfig
    # naming a schedule added to nets.SCHEDULES died in a bare KeyError (the function's
    # repr), a study spec naming an optimizer added to nets.OPTIMIZERS was refused as
    # "unknown optimizer 'nadam'; valid: sgd, ..." (TrainConfig took it), and once one was
    # registered every report's settings failed, those of runs that never used it too
    import reports
    from reports._settings import shown_settings

    monkeypatch.chdir(tmp_path)
    assert nets.SETTINGS_READ["schedule"]["half_cosine"] == ("lr_min",)
    assert nets.unread_settings(["beta1", "lr_min"], "nadam", "half_cosine") == {}
    with pytest.raises(ValueError, match=r"^lr_min must be <= lr \(schedule half_cosine"):
        nets.TrainConfig(schedule="half_cosine", lr=0.1, lr_min=0.2)
    spec = study.parse_spec({
        "study": {"name": "own", "dataset": "coin", "metric": "val_loss", "n_trials": 4,
                  "max_epochs": 2, "sampler": "grid", "seed": 0},
        "space": {"optimizer": ["nadam", "adam"], "schedule": ["half_cosine", "constant"]},
        "fixed": {"hidden": [4], "lr": 0.05, "beta1": 0.8, "lr_min": 0.01}})
    summary = study.run_study(spec, storage=str(tmp_path / "s.db"), workers=2, progress=False)
    assert (summary["n_complete"], summary["n_fail"]) == (4, 0), summary["problems"]
    stored = optuna.load_study(study_name="own", storage=f"sqlite:///{tmp_path / 's.db'}")
    assert sorted((t.params["optimizer"], t.params["schedule"], round(t.value, 4))
                  for t in stored.trials) == [
        ("adam", "constant", 1.0089), ("adam", "half_cosine", 1.0062),
        ("nadam", "constant", 1.0107), ("nadam", "half_cosine", 1.013)]
    assert reports.study_report("own", storage=str(tmp_path / "s.db")).is_file()
    assert shown_settings({"optimizer": "nadam", "momentum": 0.9, "beta1": 0.8,
                                   "schedule": "half_cosine", "lr_min": 0.01,
                                   "lr_gamma": 0.9}) == {
        "optimizer": "nadam", "beta1": 0.8, "schedule": "half_cosine", "lr_min": 0.01}


def _tanh_class():
    return type(nets.ACTIVATIONS["tanh"])


@pytest.mark.parametrize("entry, said", [
    (lambda: _tanh_class(),
     "must be a nets.Activation instance, got the class Tanh: register an instance, Tanh()"),
    (lambda: np.tanh,
     "must be a nets.Activation instance, got ufunc <ufunc 'tanh'>: subclass nets.Activation, "
     "with forward(z, out=None) and backward(a, grad) from the output a"),
    (lambda: _tanh_class()(),
     "is an activation named 'tanh': a net saves an activation by its name and is rebuilt "
     "from it, so set its name to 'mine' (a class attribute name = 'mine') or register it "
     "under 'tanh'")])
def test_an_activation_entry_that_cannot_serve_says_what_to_register(entry, said,
                                                                     monkeypatch):
    # QA: a class registered for its instance, or another activation's instance under a
    # new key (a copy of tanh to change), said "cfg does not describe the net 2-4-3:
    # activation ('mine',) (the net's ('tanh',)); build the net from cfg..."; np.tanh met
    # "'numpy.ufunc' object has no attribute 'name'" deep in the model
    monkeypatch.setitem(nets.ACTIVATIONS, "mine", entry())
    with pytest.raises(ValueError) as caught:
        nets.TrainConfig(hidden=(4,), activation="mine")
    assert str(caught.value) == f"nets.ACTIVATIONS['mine'] {said}"
    with pytest.raises(ValueError) as caught:
        nets.get_activation("mine")
    assert str(caught.value) == f"nets.ACTIVATIONS['mine'] {said}"


def _lecun_tanh(name: str) -> nets.Activation:
    """LeCun's scaled tanh, 1.7159 tanh(2z/3), named ``name``: a class made here, so that
    a worker cannot import it (as one defined in a notebook's __main__)."""

    class LecunTanh(nets.Activation):
        def forward(self, z, out=None):
            out = np.multiply(z, 2 / 3, out=out)
            np.tanh(out, out=out)
            out *= 1.7159
            return out

        def backward(self, a, grad):
            grad *= 2 / 3 * (1.7159 - a * a / 1.7159)
            return grad

    LecunTanh.name = name
    return LecunTanh()


def _scaled_tanh():
    return _lecun_tanh("tanh")  # registered over "tanh": the mistake


def _steeper_leaky_relu():
    act = type(nets.ACTIVATIONS["leaky_relu"])()
    act.slope = 0.3  # as `nets.ACTIVATIONS["leaky_relu"].slope = 0.3` sets it
    return act


@pytest.mark.parametrize("name, make, loss", [("tanh", _scaled_tanh, 0.6774),
                                              ("leaky_relu", _steeper_leaky_relu, 0.6309)])
def test_an_activation_registered_over_a_built_in_trains_but_is_not_saved(
        name, make, loss, tmp_path, monkeypatch):
    # QA: saved under the built-in's name, the file loaded as hplab's own tanh in `hplab
    # predict` (coin: test loss 1.0336 there, 1.0356 in the session that trained it), and
    # its config.json named "tanh": nothing said the model predicts other numbers elsewhere
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    cfg = nets.TrainConfig(hidden=(4,), activation=name, optimizer="adam", lr=0.05,
                           max_epochs=5)
    built_in = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    nets.train(built_in, cfg, X, y, rng=np.random.default_rng(2))
    monkeypatch.setitem(nets.ACTIVATIONS, name, make())
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    result = nets.train(net, cfg, X, y, rng=np.random.default_rng(2))  # in memory: allowed
    assert round(result.records[-1]["train_loss"], 4) == loss
    assert not np.array_equal(net.predict_proba(X), built_in.predict_proba(X))
    with pytest.raises(ValueError) as caught:
        nets.save_net(tmp_path / "model.npz", net, config=cfg)
    assert str(caught.value) == (
        f"cannot save activation {nets.ACTIVATIONS[name]!r} under the built-in name "
        f"{name!r}: every other process (hplab predict, a fresh session) rebuilds hplab's "
        f"own {name} from it; register it in nets.ACTIVATIONS under a name of its own")
    assert not (tmp_path / "model.npz").exists()


def test_an_activation_or_optimizer_missing_its_rule_names_it(monkeypatch):
    # QA: registered without backward (without _step), training and the gradient check
    # stopped in a bare NotImplementedError, naming neither the entry nor what it lacks
    class NoBackward(nets.Activation):
        name = "no_backward"

        def forward(self, z, out=None):
            return np.tanh(z, out=out)

    class NoStep(nets.Optimizer):
        name = "no_step"

    monkeypatch.setitem(nets.ACTIVATIONS, "no_backward", NoBackward())
    monkeypatch.setitem(nets.OPTIMIZERS, "no_step", NoStep)
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(NotImplementedError) as caught:
        nets.gradcheck_dataset(X, y, hidden=(3,), activation=("no_backward",))
    assert str(caught.value) == (
        "activation 'no_backward' (NoBackward) defines no backward(a, grad): return grad "
        "times its derivative, written in its output a (tanh's: grad * (1 - a * a))")
    cfg = nets.TrainConfig(hidden=(3,), optimizer="no_step", max_epochs=1)
    net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
    with pytest.raises(NotImplementedError) as caught:
        nets.train(net, cfg, X, y, rng=np.random.default_rng(2))
    assert str(caught.value) == (
        "optimizer 'no_step' (NoStep) defines no _step(params, grads, lr), which updates each "
        "of params in place from its gradient (SGD's: p -= lr * g)")


class _NotAnOptimizer:
    name = "not_an_optimizer"


@pytest.mark.parametrize("field, registry, entry, said", [
    ("optimizer", nets.OPTIMIZERS, lambda: _Nadam([np.zeros(3)]),
     "nets.OPTIMIZERS['mine'] must be a nets.Optimizer subclass, got an instance of _Nadam: "
     "register the class, _Nadam"),
    ("optimizer", nets.OPTIMIZERS, lambda: _NotAnOptimizer,
     "nets.OPTIMIZERS['mine'] must be a nets.Optimizer subclass, got the class "
     "_NotAnOptimizer: subclass nets.Optimizer, with name, _slots, settings and "
     "_step(params, grads, lr)"),
    ("schedule", nets.SCHEDULES, lambda: 0.1,
     "nets.SCHEDULES['mine'] must be a function (step, cfg, total_steps) -> rate, got "
     "float 0.1"),
    ("schedule", nets.SCHEDULES, lambda: np.zeros(3),
     "nets.SCHEDULES['mine'] must be a function (step, cfg, total_steps) -> rate, got "
     "ndarray array([0., 0., 0.])"),
    ("init", nets.INITIALIZERS, lambda: np.zeros((2, 4)),
     "nets.INITIALIZERS['mine'] must be a function (rng, n_in, n_out, dtype) -> W, got a "
     "value of type ndarray")])
def test_an_entry_of_another_kind_is_refused_saying_what_to_register(
        field, registry, entry, said, monkeypatch):
    # QA: an optimizer instance failed training in "'_Nadam' object is not callable", a
    # class of its own in "type object ... has no attribute 'default_weight_decay'", a
    # number as a (constant) schedule in "'float' object is not callable"
    monkeypatch.setitem(registry, "mine", entry())
    with pytest.raises(ValueError) as caught:
        nets.TrainConfig(**{field: "mine"})
    assert str(caught.value) == said
    # the other names' settings read as before (an unhashable entry too)
    assert nets.setting_readers("lr_min") == {"schedule": ("polynomial", "cosine")}


def test_a_schedule_of_ones_own_that_gives_no_rate_stops_the_run_naming_it(monkeypatch):
    # QA: a rule whose sign slipped trained with negative rates and was told as "diverged:
    # train loss 18.8 exceeded 10x its first value"; a NaN one as "loss became NaN"; None
    # as "float() argument must be ... not 'NoneType'"
    monkeypatch.setitem(nets.SCHEDULES, "falls_too_far",
                        lambda step, cfg, total: cfg.lr - step * 0.01)
    monkeypatch.setitem(nets.SCHEDULES, "no_rate", lambda step, cfg, total: None)
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    for schedule, said in (("falls_too_far", "-0.009999999999999995 at step 11 of 20"),
                           ("no_rate", "None at step 0 of 20")):
        cfg = nets.TrainConfig(hidden=(3,), lr=0.1, batch_size=8, max_epochs=4,
                               schedule=schedule)
        net = nets.build_net(cfg, 2, y, rng=np.random.default_rng(1))
        with pytest.raises(ValueError) as caught:
            nets.train(net, cfg, X, y, rng=np.random.default_rng(2))
        assert str(caught.value) == (f"schedule {schedule!r} gave the rate {said}: a rate "
                                     "is a number >= 0")
