"""`study.trial_info` refuses an optuna Study, as its docstring says of anything but a
trial (QA session 71: given the study instead of ``optuna_study.best_trial``, it returned
the study's own attributes as the trial's record)."""

import pytest

import study


def test_trial_info_refuses_the_study_itself(tmp_path):
    spec = study.parse_spec({
        "study": {"name": "ti", "dataset": "xor", "n_trials": 2, "max_epochs": 20, "seed": 0},
        "space": {"lr": {"low": 0.1, "high": 1.0, "log": True}}})
    summary = study.run_study(spec, storage=str(tmp_path / "ti.db"))
    assert summary["n_complete"] == 2
    optuna_study, _ = study.open_study("ti", str(tmp_path / "ti.db"))
    info = study.trial_info(optuna_study.best_trial)
    assert info["status"] == "max_epochs" and info["epochs"] == 20
    assert info["val_accuracy"] == summary["best_value"] == 0.5  # the default metric
    with pytest.raises(TypeError, match=r"^trial must be an optuna trial \(a FrozenTrial, "
                       r"e.g. optuna_study.trials\[0\]\), got Study \(a study: give one of "
                       r"its trials, optuna_study.best_trial\)$"):
        study.trial_info(optuna_study)
