"""``[pruner] patience`` (and ``min_delta``): the spec's pruner wrapped in Optuna's
PatientPruner, which lets a trial be stopped only once its best value over its last
``patience + 1`` checkpoints is worse than its best before them (by more than
``min_delta``); ``pruner = "none"`` with a patience stops on that alone."""

from __future__ import annotations

import copy
import json
import uuid

import optuna
import pytest
from cli_helpers import run_cli
from conftest import asked_steps, pruned_study, trials_of

import study
from reports._pruner_words import pruned_why, pruner_words
from reports._study_text import subtitle
from study._pruner_steps import idle_pruner, rung_steps, warmup_steps


def _plateau(spec_file, name: str, **pruner_options):
    """Two coin trials of 10 one-epoch checkpoints, pruner "none" with ``pruner_options``:
    lr 0.1 climbs (with dips); lr 0.003 sits at val_accuracy 0.46 from checkpoint 1,
    touches 0.48 at checkpoint 6 and falls back to 0.46."""
    path = spec_file(name, dataset="coin", metric="val_accuracy", n_trials=2, max_epochs=10,
                     sampler="grid", pruner="none", pruner_options=pruner_options,
                     space={"lr": [0.003, 0.1]},
                     fixed={"batch_size": 32, "checkpoint": 1, "optimizer": "adam"})
    return study.load_spec(path)


def _by_lr(db, name: str) -> dict:
    return {t.params["lr"]: t for t in trials_of(db, name)}


def test_a_trial_that_stops_improving_is_pruned_after_patience_checkpoints_not_before(
        spec_file, tmp_path, monkeypatch):
    asked = asked_steps(monkeypatch)
    db = tmp_path / "p.db"
    summary = study.run_study(_plateau(spec_file, "p2", patience=2), storage=str(db),
                              progress=False)
    assert (summary["n_complete"], summary["n_pruned"]) == (1, 1)
    assert (summary["pruner"], summary["pruner_options"]) == ("none", {"patience": 2})
    trials = _by_lr(db, "p2")
    flat = trials[0.003]
    values = [flat.intermediate_values[k] for k in sorted(flat.intermediate_values)]
    assert flat.state == optuna.trial.TrialState.PRUNED
    assert sorted(flat.intermediate_values) == list(range(10))  # stopped at checkpoint 9
    assert study.trial_info(flat)["reason"] == "pruned at checkpoint 9 (epoch 9)"
    # 0.46 exactly from checkpoint 1 to 5: no worse than the best before, never pruned;
    # its best, 0.48, at checkpoint 6, then three checkpoints (patience + 1) below it
    assert values[1:6] == [pytest.approx(0.46)] * 5
    assert values[6] == pytest.approx(0.48) and max(values) == values[6]
    assert values[7:] == [pytest.approx(0.46)] * 3
    # the climbing trial's dips (0.51 -> 0.49, 0.68 -> 0.61) each recovered in time
    assert trials[0.1].state == optuna.trial.TrialState.COMPLETE
    assert sorted(trials[0.1].intermediate_values) == list(range(11))
    # never asked before patience + 1 (it needs patience + 2 reports to judge)
    assert min(asked) == 3
    # patience 3: the same training (same values), and checkpoint 10, the end, is a result
    study.run_study(_plateau(spec_file, "p3", patience=3), storage=str(db), progress=False)
    same = _by_lr(db, "p3")[0.003]
    assert same.state == optuna.trial.TrialState.COMPLETE
    assert [same.intermediate_values[k] for k in range(10)] == values


def test_min_delta_is_how_far_a_curve_may_fall_back(spec_file, tmp_path):
    # Optuna's min_delta is a tolerance (optuna#3835): 0.48 -> 0.46 is within 0.1
    db = tmp_path / "d.db"
    summary = study.run_study(_plateau(spec_file, "d", patience=2, min_delta=0.1),
                              storage=str(db), progress=False)
    assert (summary["n_complete"], summary["n_pruned"]) == (2, 0)
    assert sorted(_by_lr(db, "d")[0.003].intermediate_values) == list(range(11))


def test_patience_holds_back_the_median_pruner_until_a_curve_falls_back(spec_file,
                                                                        tmp_path):
    # the median prunes trials 5, 7, 8 and 9 at checkpoint 2 while their val_loss still
    # falls; with patience 1 only trial 9, once its loss rose above its best twice
    _, plain, db = pruned_study(spec_file, tmp_path)
    median = {t.number: t for t in trials_of(db, "pruned")}
    assert sorted(n for n, t in median.items() if t.state.name == "PRUNED") == [5, 7, 8, 9]
    spec = study.load_spec(spec_file("patient", n_trials=10, pruner_options={"patience": 1}))
    assert isinstance(study.make_pruner(spec), optuna.pruners.PatientPruner)
    summary = study.run_study(spec, storage=str(db), progress=False)
    assert (summary["n_complete"], summary["n_pruned"]) == (9, 1)
    patient = {t.number: t for t in trials_of(db, "patient")}
    nine = patient[9]
    assert nine.state.name == "PRUNED" and sorted(nine.intermediate_values) == [0, 1, 2, 3, 4]
    best = nine.intermediate_values[2]
    assert nine.intermediate_values[3] > best and nine.intermediate_values[4] > best
    assert study.trial_info(nine)["reason"] == "pruned at checkpoint 4 (epoch 16)"
    for n in (5, 7, 8):  # the same training: the median's three checkpoints, then more
        assert patient[n].state.name == "COMPLETE"
        assert {k: patient[n].intermediate_values[k] for k in (0, 1, 2)} == \
            median[n].intermediate_values


def _spec(pruner="none", metric="val_loss", **options):
    raw = copy.deepcopy(study.load_spec("xor").raw)
    raw["study"].update(pruner=pruner, metric=metric)
    raw["pruner"] = options
    return study.parse_spec(raw)


@pytest.mark.parametrize(("options", "message"), [
    ({"patience": -1}, "pruner.patience must be an integer >= 0 (checkpoints without "
                       "improvement before the pruner may stop a trial), got -1"),
    ({"patience": 2.5}, "pruner.patience must be an integer >= 0 (checkpoints without "
                        "improvement before the pruner may stop a trial), got 2.5"),
    ({"patience": True}, "pruner.patience must be an integer >= 0 (checkpoints without "
                         "improvement before the pruner may stop a trial), got True"),
    ({"patience": 2, "min_delta": -0.1}, "pruner.min_delta must be a finite number >= 0, "
                                         "got -0.1"),
    ({"patience": 2, "min_delta": "0.1"}, "pruner.min_delta must be a finite number >= 0, "
                                          "got '0.1'"),
    ({"min_delta": 0.1}, "pruner.min_delta is patience's tolerance: set pruner.patience "
                         "too (or drop min_delta)"),
    ({"patiense": 2}, "pruner.patiense: unknown option for pruner 'none' (NopPruner); "
                      "valid: patience, min_delta"),
])
def test_bad_patience_options_are_refused_naming_the_key(options, message):
    with pytest.raises(study.SpecError) as caught:
        _spec(**options)
    assert str(caught.value) == message


def test_patience_needs_one_metric_with_a_curve():
    with pytest.raises(study.SpecError, match=r"^pruner\.patience: n_parameters is scored "
                                              r"once, after training"):
        _spec(metric="n_parameters", patience=2)
    raw = copy.deepcopy(study.load_spec("coin-pareto").raw)
    raw["pruner"] = {"patience": 2}
    with pytest.raises(study.SpecError, match=r"^pruner\.patience: optuna prunes "
                                              r"single-metric studies only"):
        study.parse_spec(raw)


def test_specs_without_patience_build_the_pruner_they_always_did():
    assert type(study.make_pruner(_spec("median"))) is optuna.pruners.MedianPruner
    assert type(study.make_pruner(_spec("none"))) is optuna.pruners.NopPruner
    wrapped = study.make_pruner(_spec("hyperband", patience=1, min_delta=0.5))
    assert isinstance(wrapped._wrapped_pruner, optuna.pruners.HyperbandPruner)
    assert (wrapped._patience, wrapped._min_delta) == (1, 0.5)
    # "none" wraps nothing: a wrapped NopPruner would never prune
    assert study.make_pruner(_spec("none", patience=2))._wrapped_pruner is None


def test_where_a_trial_asks_its_patient_pruner():
    # never before patience + 1: it answers no there without asking the pruner it wraps
    assert (warmup_steps(_spec("median")), warmup_steps(_spec("median", patience=4))) == (2, 5)
    assert warmup_steps(_spec("none", patience=0)) == 1
    # at any step, not only at rungs: the rung pruner is asked first where the curve has
    # stalled, and judges then the rungs the trial passed
    assert rung_steps(_spec("hyperband")) == (1, 3)
    assert rung_steps(_spec("hyperband", patience=1)) is None


def test_a_patience_no_trial_can_outlast_is_said():
    # xor: 500 epochs, checkpoint 25: a full run ends at checkpoint 20
    spec = _spec("none", patience=19)
    assert idle_pruner(spec) == (
        "pruner 'none' with pruner.patience = 19 cannot stop a trial early: it first judges "
        "checkpoint 20, and a full run ends at checkpoint 20 (max_epochs 500 / checkpoint "
        "25); every trial trains to its end (lower fixed.checkpoint, or lower "
        "pruner.patience)")
    assert idle_pruner(_spec("none", patience=18)) is None


def test_study_run_refuses_a_bad_patience_in_one_line_storing_nothing(spec_file, tmp_path,
                                                                      capsys):
    path = spec_file("bad", pruner="none", pruner_options={"patience": "two"})
    db = tmp_path / "bad.db"
    code, out, err = run_cli(["study", "run", path, "--storage", db], capsys)
    assert (code, out) == (2, "")
    assert err == ("hplab study run: error: pruner.patience must be an integer >= 0 "
                   "(checkpoints without improvement before the pruner may stop a trial), "
                   "got 'two'\n")
    assert not db.exists()


def test_study_show_and_the_report_say_the_pruner_and_its_patience(spec_file, tmp_path,
                                                                   capsys):
    db = tmp_path / "s.db"
    spec = _plateau(spec_file, "shown", patience=2, min_delta=0.01)
    study.run_study(spec, storage=str(db), progress=False)
    code, out, _ = run_cli(["study", "show", "shown", "--storage", db, "--json"], capsys)
    shown = json.loads(out)
    assert code == 0 and (shown["pruner"], shown["pruner_options"]) == (
        "none", {"patience": 2, "min_delta": 0.01})
    code, out, _ = run_cli(["study", "show", "shown", "--storage", db], capsys)
    assert out.splitlines()[0].endswith(
        ": maximize val_accuracy; patience 2 (min_delta 0.01), no other pruner")
    assert subtitle(spec).startswith("coin · maximize val_accuracy · grid sampler · "
                                     "patience 2 (min_delta 0.01), no other pruner · ")
    assert pruned_why(spec) == (
        "their curve stopped improving, or they diverged. With patience 2, a trial is "
        "stopped only once its best over its last 3 checkpoints is worse than its best "
        "before them by more than 0.01.")
    assert pruner_words("median", {"n_startup_trials": 3}) == "median pruner"
    assert pruner_words("median", {"patience": 1}) == "median pruner, patience 1"
    assert pruner_words("none", {}) == "no pruner"


@pytest.mark.slow
def test_patience_travels_with_a_postgresql_study_to_its_workers(postgres_url, spec_file,
                                                                  tmp_path):
    # two `study worker` processes given the study's name alone: each builds its pruner
    # from the spec stored with the study on the server
    from test_study_distributed import create, finish, start_worker

    name = f"patient-{uuid.uuid4().hex[:8]}"
    s = create(_plateau(spec_file, name, patience=2), postgres_url)
    summaries = [finish(w) for w in [start_worker(name, postgres_url, tmp_path)
                                     for _ in range(2)]]
    assert {(x["pruner"], json.dumps(x["pruner_options"])) for x in summaries} == {
        ("none", '{"patience": 2}')}
    flat = {t.params["lr"]: t for t in s.get_trials()}[0.003]
    assert flat.state.name == "PRUNED" and sorted(flat.intermediate_values) == list(range(10))
    assert study.trial_info(flat)["reason"] == "pruned at checkpoint 9 (epoch 9)"


class _OwnPatience(optuna.pruners.BasePruner):
    """A script's pruner with a patience of its own."""

    def __init__(self, patience: int = 1, min_delta: float = 0.0):
        self.patience, self.min_delta = patience, min_delta

    def prune(self, study, trial):
        return False


def test_a_scripts_pruner_keeps_its_own_patience(monkeypatch):
    # its specs meant its own option before hplab had one of the name: they still do
    monkeypatch.setitem(study.PRUNERS, "own", study.PrunerEntry(
        lambda spec, o: _OwnPatience(**o), _OwnPatience))
    pruner = study.make_pruner(_spec("own", patience=4, min_delta=0.5))
    assert type(pruner) is _OwnPatience and (pruner.patience, pruner.min_delta) == (4, 0.5)


def test_study_show_names_the_default_pruner_of_a_spec_naming_none(spec_file, tmp_path):
    from test_study_distributed import create

    db = tmp_path / "d.db"
    for name, metric, pruner in (("loss", "val_loss", "median"),
                                 ("size", "n_parameters", "none")):
        create(study.load_spec(spec_file(name, metric=metric, pruner=None)), db)
        shown = study.show_study(name, str(db))
        assert (shown["pruner"], shown["pruner_options"]) == (pruner, {})
