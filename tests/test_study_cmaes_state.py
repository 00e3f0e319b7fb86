"""The cmaes sampler's stored optimizer: restored when it is one, never run as code.

Security review: optuna's CmaEsSampler unpickles the ``cma:optimizer:N`` system attributes
of a stored trial, so whoever wrote a shared study (a .db or journal file sent by a
colleague, a shared database) ran code in the process of everyone resuming or joining it.
"""

from __future__ import annotations

import inspect
import io
import pickle
import sys
import warnings

import numpy as np
import optuna
import pytest
from cli_helpers import run_cli_as_program
from conftest import require_module

import study
from study import _cmaes_state

cmaes = require_module("cmaes")

SPACE = {"lr": {"low": 0.01, "high": 3.0, "log": True},
         "l2": {"low": 0.0001, "high": 0.1, "log": True}}
FIXED = {"batch_size": 2, "optimizer": "sgd", "width": 3}


class _Payload:
    """What the reviewer planted: unpickling it creates the file ``path``."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _storage(path) -> str:
    return f"sqlite:///{path}" if path.suffix == ".db" else path


def _plant(path, name: str, marker, n_trials: int | None = None) -> int:
    """As the colleague who sent the storage: a complete trial whose stored CMA-ES state is
    a pickle that creates ``marker``; with ``n_trials``, the study's budget raised to it
    (the stored spec is theirs too). Returns the planted trial's number."""
    storage = _storage(path)
    if path.suffix != ".db":
        storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(
            str(path)))
    s = optuna.load_study(study_name=name, storage=storage)
    last = s.trials[-1]
    s.add_trial(optuna.trial.create_trial(
        params=last.params, distributions=last.distributions, value=last.value,
        user_attrs=dict(last.user_attrs),
        system_attrs={"cma:generation": 0,
                      "cma:optimizer:0": pickle.dumps(_Payload(marker)).hex()}))
    if n_trials is not None:
        spec = s.user_attrs[study.SPEC_ATTR]
        s.set_user_attr(study.SPEC_ATTR, {**spec, "study": {**spec["study"],
                                                            "n_trials": n_trials}})
    return len(s.trials) - 1


@pytest.mark.parametrize("suffix", [".db", ".log"])
def test_a_planted_pickle_does_not_run_when_a_study_is_resumed_or_joined(
        suffix, spec_file, tmp_path, capfd):
    spec = spec_file("shared-cma", n_trials=3, sampler="cmaes", pruner="none", max_epochs=4,
                     space=SPACE, fixed=FIXED)
    db = tmp_path / f"shared{suffix}"
    code, _, err = run_cli_as_program(["study", "run", spec, "--storage", db, "--no-report"],
                                      capfd)
    assert code == 0, err
    ran = tmp_path / "PWNED"
    planted = _plant(db, "shared-cma", ran)
    code, out, err = run_cli_as_program(["study", "run", "shared-cma", "--storage", db,
                                         "--trials", 6, "--no-report"], capfd)
    assert not ran.exists()
    assert code == 0, err
    assert "trials 6/6: 6 complete" in out and "0 failed" in out
    assert (f"hplab study run: warning: trial {planted}'s stored CMA-ES state (it names "
            "io.open, which a CMA-ES optimizer never holds) was not loaded: the cmaes "
            "sampler starts a new optimizer, as at the study's start\n") in err
    assert err.count("CMA-ES state") == 1  # once, not at each trial after it
    # a worker joining the study: the same
    planted = _plant(db, "shared-cma", ran, n_trials=9)
    code, out, err = run_cli_as_program(["study", "worker", "--study", "shared-cma",
                                         "--storage", db], capfd)
    assert not ran.exists()
    assert code == 0, err
    assert f"trial {planted}'s stored CMA-ES state (it names io.open" in err
    trials = optuna.load_study(study_name="shared-cma", storage=(
        _storage(db) if suffix == ".db" else optuna.storages.JournalStorage(
            optuna.storages.journal.JournalFileBackend(str(db))))).trials
    assert [t.state.name for t in trials] == ["COMPLETE"] * 9


def _run(spec, db, trials=None):
    argv = ["study", "run", spec, "--storage", db, "--no-report"]
    return argv + (["--trials", trials] if trials else [])


def test_a_resumed_cmaes_study_goes_on_from_its_stored_optimizer(spec_file, tmp_path, capfd):
    # stopped after 5 trials and resumed to 16, it samples what one run of 16 samples,
    # through CMA-ES generations 1 and 2: each restored from the optimizer a trial stored
    # (a refused one would start generation 0 again)
    spec = spec_file("base-cma", n_trials=16, seed=3, sampler="cmaes", pruner="none",
                     max_epochs=6, space=SPACE, fixed=FIXED)
    for argv in (_run(spec, tmp_path / "two.db", 5), _run("base-cma", tmp_path / "two.db", 16),
                 _run(spec, tmp_path / "one.db")):
        code, _, err = run_cli_as_program(argv, capfd)
        assert code == 0 and "CMA-ES" not in err, err
    two, one = (optuna.load_study(study_name="base-cma", storage=f"sqlite:///{tmp_path / db}")
                .trials for db in ("two.db", "one.db"))
    assert [t.params for t in two] == [t.params for t in one]
    assert [t.system_attrs.get("cma:generation") for t in two] == (
        [None] + [0] * 6 + [1] * 6 + [2] * 3)


@pytest.mark.parametrize("variant", [{}, {"use_separable_cma": True}, {"with_margin": True},
                                     {"lr_adapt": True}])
def test_the_sampler_samples_what_optunas_does(variant):
    # every CMA-ES variant optuna stores: the same points as optuna's own sampler, through
    # several generations each restored from the storage
    def objective(trial):
        x = trial.suggest_float("x", -3, 3)
        n = trial.suggest_int("n", -4, 4) if variant.get("with_margin") else 0
        return (x - 1) ** 2 + (n - 2) ** 2 + trial.suggest_float("y", 0.1, 10, log=True)

    points = []
    for cls in (optuna.samplers.CmaEsSampler, _cmaes_state.CmaEsSampler):
        with warnings.catch_warnings():  # optuna's: experimental options
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            sampler = cls(seed=7, popsize=4, **variant)
        s = optuna.create_study(sampler=sampler)
        s.optimize(objective, n_trials=18)
        points.append([t.params for t in s.trials])
        key = sampler._attr_key_generation
        assert max(t.system_attrs.get(key, 0) for t in s.trials) >= 3
    assert points[0] == points[1]


def _optimizers():
    m, bounds = np.zeros(3), np.array([[-1.0, 1.0]] * 3)
    yield cmaes.CMA(mean=m, sigma=1.0, bounds=bounds, seed=1)
    yield cmaes.CMA(mean=m, sigma=1.0, lr_adapt=True, seed=1)
    yield cmaes.SepCMA(mean=m, sigma=1.0, bounds=bounds, seed=1)
    yield cmaes.CMAwM(mean=m, sigma=1.0, bounds=bounds, steps=np.array([0.0, 0.5, 0.0]),
                      seed=1)


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_every_cmaes_optimizer_loads_before_and_after_a_tell(protocol):
    for optimizer in _optimizers():
        for _ in range(2):
            loaded = _cmaes_state.load_optimizer(pickle.dumps(optimizer, protocol).hex())
            assert type(loaded) is type(optimizer)
            assert loaded.generation == optimizer.generation
            inner = getattr(optimizer, "_cma", optimizer)
            assert np.array_equal(getattr(loaded, "_cma", loaded)._mean, inner._mean)
            solutions = []
            for _ in range(optimizer.population_size):
                x = optimizer.ask()
                x = x[1] if isinstance(x, tuple) else x  # CMAwM: (params, x_for_tell)
                solutions.append((x, float(np.sum(x ** 2))))
            optimizer.tell(solutions)


@pytest.mark.parametrize(("stored", "why"), [
    (pickle.dumps(3).hex(), "it holds int, not a CMA-ES optimizer"),
    (pickle.dumps(io.StringIO).hex(), "it names _io.StringIO, which a CMA-ES optimizer "
                                      "never holds"),
    ("zz", "unreadable: ValueError"),
    (pickle.dumps(np.zeros(2)).hex()[:-6], "unreadable: UnpicklingError"),
])
def test_what_is_not_an_optimizer_is_refused_saying_why(stored, why):
    with pytest.raises(ValueError, match=f"^{why}$"):
        _cmaes_state.load_optimizer(stored)


def test_optunas_restore_is_still_where_the_sampler_overrides_it():
    # the subclass overrides and reads optuna's private names: one renamed, optuna's own
    # unpickling would run again, unseen
    cls = optuna.samplers.CmaEsSampler
    assert "self._restore_optimizer(" in inspect.getsource(cls.sample_relative)
    assert "pickle.loads" in inspect.getsource(cls._restore_optimizer)
    sampler = _cmaes_state.CmaEsSampler()
    assert sampler._attr_key_optimizer == "cma:optimizer"
    assert sampler._concat_optimizer_attrs({"cma:optimizer:1": "b",
                                            "cma:optimizer:0": "a"}) == "ab"
    assert type(study.make_sampler(study.parse_spec(
        {"study": {"name": "c", "dataset": "xor", "sampler": "cmaes"},
         "space": SPACE})).sampler) is _cmaes_state.CmaEsSampler


def test_a_state_in_parts_not_numbered_from_0_is_no_state(recwarn):
    # (create_trial numbers a trial -1 until a study holds it)
    sampler = _cmaes_state.CmaEsSampler()
    trial = optuna.trial.create_trial(
        params={"x": 0.5}, distributions={"x": optuna.distributions.FloatDistribution(0, 1)},
        value=1.0, system_attrs={"cma:optimizer:3": "80"})
    assert sampler._restore_optimizer([trial]) is None
    assert [str(w.message) for w in recwarn] == [
        "trial -1's stored CMA-ES state (its parts are not numbered text) was not loaded: the "
        "cmaes sampler starts a new optimizer, as at the study's start"]


def test_the_state_not_loaded_warning_points_at_the_callers_line(spec_file, tmp_path):
    # optuna's sampler calls the restore: the warning pointed at optuna/samplers/_cmaes.py
    # (the first frame outside hplab's), not at the script's run_study line
    spec = spec_file("cma-line", n_trials=3, sampler="cmaes", pruner="none", max_epochs=4,
                     space=SPACE, fixed=FIXED)
    db = tmp_path / "line.db"
    study.run_study(spec, storage=db, progress=False)
    _plant(db, "cma-line", tmp_path / "PWNED")
    resumed = study.spec_to_run(spec, db, n_trials=5)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1  # the next line: the call the warning names
        study.run_study(resumed, storage=db, progress=False)
    assert [(w.filename, w.lineno) for w in said if "CMA-ES state" in str(w.message)] == [
        (__file__, line)]
