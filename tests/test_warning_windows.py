"""The warnings a library call leaves out while it runs: only the one it means. A warning
filter holds for the whole process, so ``("ignore", Warning)`` around a call hid every
warning meanwhile: a real one raised inside the call (a one_cycle schedule too short for a
pipeline's net, a caller's sampler or target), or one of the host's other threads."""

import ast
import sys
import warnings
from pathlib import Path

import numpy as np
import optuna
import pytest
import sqlalchemy

import analyses
import data
import study
from reports import _study_importance as si

ROOT = Path(__file__).resolve().parents[1]

#: what a one_cycle schedule over one full batch says, on every run of it
ONE_STEP = "schedule one_cycle over 1 step (max_epochs=1, 1 step an epoch) has no climb"


def _said(caught) -> list[tuple[str, str]]:
    return [(w.category.__name__, str(w.message)) for w in caught]


def test_no_library_call_ignores_every_warning():
    # each site names the warning it means (its category, and its words where the
    # category is broad): an ("ignore", Warning) rule without words silences all
    found = []
    for package in ("nets", "data", "study", "analyses", "reports"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if (isinstance(node, ast.Tuple) and len(node.elts) == 2
                        and isinstance(node.elts[0], ast.Constant)
                        and node.elts[0].value == "ignore"
                        and isinstance(node.elts[1], ast.Name) and node.elts[1].id == "Warning"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_a_pipeline_trials_fit_leaves_out_only_the_nets_word_on_its_end():
    ds = data.load("digits?imbalance=1:20&positive=8", seed=0)
    fixed = {"width": 8, "batch_size": -1, "patience": 10}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the net's "max_epochs=1 reached" would raise
        pipe, _ = study.fit_pipeline(ds, study.build_config({"lr": 0.01}, fixed, 1), "smote",
                                     None, 0)
    assert pipe.named_steps["model"].status_ == "max_epochs"
    # a one_cycle too short for the net warns, as it does for a plain trial's
    short = study.build_config({"lr": 0.01}, {**fixed, "schedule": "one_cycle"}, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipe, _ = study.fit_pipeline(ds, short, "smote", None, 0)
    assert pipe.named_steps["model"].status_ == "max_epochs"
    assert [(c, m[:len(ONE_STEP)]) for c, m in _said(caught)] == [("UserWarning", ONE_STEP)]


def test_a_benchmark_run_leaves_out_only_the_nets_word_on_its_end():
    net = {"max_epochs": 1, "batch_size": -1, "patience": 10}
    for params, said in ((net, []), ({**net, "schedule": "one_cycle"}, [ONE_STEP] * 2)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = analyses.imbalance_benchmark("moons", ratios="1:20", seeds=1,
                                                  strategies=["none", "smote"],
                                                  net_params=params)
        assert set(result.runs["net_status"]) == {"max_epochs"}  # each net warned so
        assert [m[:len(ONE_STEP)] for _, m in _said(caught)] == said


def _inside(name: str) -> bool:
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_name != name:
        frame = frame.f_back
    return frame is not None


def test_the_demos_stale_trial_check_leaves_out_only_optunas_experimental_note(tmp_path):
    empty = tmp_path / "empty.db"  # a demo left before its spec was stored: replaced
    optuna.create_study(study_name="demo", storage=f"sqlite:///{empty}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "fail_stale_trials is experimental" would raise
        assert study.earlier_demo(str(empty), study.demo_spec(1)) == f"sqlite:///{empty}"

    # the host's own hook on every database query (a slow-query log), warning in the
    # queries fail_stale_trials makes
    def hook(conn, cursor, statement, parameters, context, executemany):
        if _inside("fail_stale_trials"):
            warnings.warn("slow query", RuntimeWarning, stacklevel=2)

    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "before_cursor_execute", hook)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            study.earlier_demo(str(empty), study.demo_spec(1))
    finally:
        sqlalchemy.event.remove(sqlalchemy.engine.Engine, "before_cursor_execute", hook)
    assert _said(caught) and set(_said(caught)) == {("RuntimeWarning", "slow query")}


def test_a_refused_spec_read_again_leaves_out_only_optunas_deprecation_notes(
        tmp_path, monkeypatch):
    monkeypatch.setattr(study._registry, "_DEPRECATIONS_SHOWN", set(), raising=False)
    path = tmp_path / "c.toml"
    path.write_text('[study]\nname = "c"\ndataset = "xor"\nsampler = "cmaes"\n[space]\n'
                    'lr = { low = 0.1, high = 1.0 }\n[sampler]\nx0 = { lr = 5.0 }\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "`x0` has been deprecated in v4.9.0" would raise
        with pytest.raises(study.SpecError, match=r"^sampler\.x0 must give every searched"):
            study.spec_to_run(path, str(tmp_path / "c.db"))

    # a contributor's sampler that warns as it is built: the re-read builds it
    def make(spec, options, seed):
        warnings.warn("my sampler: seeded per trial", UserWarning, stacklevel=2)
        return optuna.samplers.RandomSampler(seed=seed, **options)

    monkeypatch.setitem(study.SAMPLERS, "mine", study.SAMPLERS["random"]._replace(make=make))
    path.write_text('[study]\nname = "c"\ndataset = "xor"\nsampler = "mine"\n[space]\n'
                    'lr = { low = 0.1, high = 1.0 }\n[fixed]\nhidden = [3, 2]\ndepth = 3\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(study.SpecError, match=r"^fixed\.hidden conflicts with fixed\.depth"):
            study.spec_to_run(path, str(tmp_path / "c.db"))
    assert _said(caught) == [("UserWarning", "my sampler: seeded per trial")]


def test_importances_leave_out_only_ped_anovas_lower_is_better_note():
    rng = np.random.default_rng(0)
    s = optuna.create_study(directions=["minimize", "maximize"],
                            sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(lambda t: (t.suggest_float("lr", 1e-3, 1.0, log=True)
                          + 0.1 * t.suggest_int("width", 1, 8) + 0.01 * rng.normal(),
                          rng.normal()), n_trials=12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "... computes the importances of params to
        # achieve low `target` values" would raise, at every report of several objectives
        frame = si.importance_frame(s, target=lambda t: t.values[0])
    assert set(frame["method"]) == {"PED-ANOVA", "fANOVA"}
    calls = []

    def target(t):  # the caller's, warning at each call
        calls.append(t.number)
        warnings.warn("target: the first objective", UserWarning, stacklevel=2)
        return t.values[0]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        si.importance_frame(s, target=target)
    # every call's warning, those optuna's evaluators made too
    assert len(calls) > len(s.trials)
    assert _said(caught) == [("UserWarning", "target: the first objective")] * len(calls)
