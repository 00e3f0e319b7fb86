"""Imbalance strategies and metrics in Optuna studies (issue 7): the strategy and its
sampling ratio as hyperparameters, optimizing PR-AUC and friends on validation data."""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from cli_helpers import hplab_cli, run_cli
from conftest import trials_of

import analyses
import data
import hplab
import nets
import reports
import study
from study import SpecError, parse_spec

ROOT = Path(__file__).resolve().parents[1]
DIGITS_8 = "digits?imbalance=1:20&positive=8"


def _raw(**study_keys):
    space = study_keys.pop("space", {"imbalance_strategy": ["none", "smote"],
                                     "sampling_ratio": {"low": 0.1, "high": 1.0}})
    return {"study": {"name": "imb", "dataset": DIGITS_8, "metric": "val_pr_auc",
                      "max_epochs": 5, **study_keys},
            "space": space, "fixed": {"width": 8, "batch_size": 64}}


def test_metric_directions_match_the_analysis():
    for name, (direction, _) in analyses.IMBALANCE_METRICS.items():
        if name != "accuracy":
            assert study.METRICS[f"val_{name}"] == direction


@pytest.mark.slow
def test_ready_spec_searches_strategies_and_reports(tmp_path, capsys):
    ready = study.load_spec("imbalance")
    assert ready.pruner == "none" and ready.imbalance
    assert ready.space.get("imbalance_strategy").choices == (
        "none", "class_weight", "random_over", "smote", "random_under")
    # the ready spec's space, trained 5 epochs a trial, not its 30: nothing below reads
    # how far the nets got
    raw = json.loads(json.dumps(ready.raw))
    raw["study"]["max_epochs"] = 5
    spec = parse_spec(raw).with_trials(6)
    assert (spec.name, spec.space, spec.fixed) == (ready.name, ready.space, ready.fixed)
    db = tmp_path / "imb.db"
    study.run_study(spec, storage=str(db), progress=False)
    trials = trials_of(db, "imbalance")
    assert len(trials) == 6 and all(t.state.name == "COMPLETE" for t in trials)
    for t in trials:
        strategy = t.params["imbalance_strategy"]
        assert strategy in spec.space.get("imbalance_strategy").choices
        # the ratio is a conditional parameter: only samplers that resample toward one
        assert ("sampling_ratio" in t.params) == analyses.STRATEGIES[strategy].uses_ratio
        assert 0 < t.values[0] <= 1
        assert study.trial_info(t)["imbalance_metrics"]["val_pr_auc"] == pytest.approx(t.values[0])
        assert study.trial_info(t)["reason"].startswith(("reached max_epochs", "no improvement"))
    assert len({t.params["imbalance_strategy"] for t in trials}) > 1
    # the export spreads the nested metrics into columns of numbers
    study.export_csv("imbalance", tmp_path / "imb.csv", storage=str(db))
    table = pd.read_csv(tmp_path / "imb.csv")
    assert table["user_attrs_imbalance_metrics_val_pr_auc"].tolist() == pytest.approx(
        [t.values[0] for t in sorted(trials, key=lambda t: t.number)])
    assert "user_attrs_imbalance_metrics" not in table and "user_attrs_history" not in table
    code, _, err = run_cli(["study", "report", "imbalance", "--storage", db, "--out",
                            tmp_path / "report"], capsys)
    assert code == 0, err[-2000:]
    html = (tmp_path / "report" / "report.html").read_text()
    # the best trial is retrained through its own pipeline and seed: it scores what it stored
    best = max(trials, key=lambda t: t.values[0])
    assert f"imbalanced-learn pipeline (strategy {best.params['imbalance_strategy']}" in html
    assert "The retrained run scored" not in html
    # and its saved net is the pipeline's: the test scores shown are the saved model's
    net, _, _ = nets.load_net(tmp_path / "report" / "best_model" / "model.npz")
    ds = data.load(spec.dataset, seed=spec.seed)
    scores = analyses.imbalance_metrics(ds.y_test, net.output(ds.X_test)[:, 0], 0.5)
    shown = pd.read_csv(tmp_path / "report" / "report_files" / "best-test-metrics.csv")
    shown = dict(zip(shown["metric"], shown["test"], strict=True))
    assert shown["pr_auc"] == pytest.approx(scores["pr_auc"], abs=5e-4)
    assert shown["recall"] == pytest.approx(scores["recall"], abs=5e-4)


def test_an_imbalance_best_model_retrains_from_what_its_config_json_records(tmp_path):
    # QA: config.json left out the strategy and ratio, and the report said "seed [2, 1]"
    # though the pipeline took random_state pipeline_seed(2, 1): train_run with [2, 1], the
    # README's way, trained another net; pipeline_train_run(out="folder") crashed
    spec = parse_spec(_raw(seed=2, n_trials=2, space={
        "imbalance_strategy": ["random_over", "smote"],
        "sampling_ratio": {"low": 0.2, "high": 1.0}}))
    db = tmp_path / "imb.db"
    study.run_study(spec, storage=str(db), progress=False)
    out = tmp_path / "rep"
    page = html.unescape(reports.study_report("imb", storage=str(db), out=out).read_text())
    s, _ = study.open_study("imb", str(db))
    best = s.best_trial
    config = json.loads((out / "best_model" / "config.json").read_text())
    assert config["imbalance_strategy"] == best.params["imbalance_strategy"]
    assert config["sampling_ratio"] == best.params["sampling_ratio"]
    assert config["trial_seed"] == [2, best.number]
    assert config["seed"] == study.pipeline_seed(2, best.number)
    # what the trial recorded (its net trains without a validation set: they were null)
    record = study.trial_info(best)
    assert (config["val_loss"], config["val_accuracy"]) == (record["val_loss"],
                                                            record["val_accuracy"])
    assert (f"sampling ratio {best.params['sampling_ratio']!r}) with its configuration and "
            f"random_state {config['seed']}, which study.pipeline_seed draws from the study's "
            f"seed 2 and the trial number {best.number} (SeedSequence([2, {best.number}]))"
            ) in page
    # retrained as the README says, from config.json alone: the same net, bit for bit
    seed, number = config["trial_seed"]
    again = tmp_path / "again"
    _, run = study.pipeline_train_run(data.load(config["dataset"], seed=seed),
                                      nets.TrainConfig(**config["config"]),
                                      config["imbalance_strategy"], config["sampling_ratio"],
                                      study_seed=seed, number=number, out=str(again))
    assert repr(run).startswith(f"TrainRun(name={run.name!r}, dataset={run.dataset.name!r}, "
                                f"net={run.net!r}, imbalance_strategy="
                                f"{config['imbalance_strategy']!r}, seed={config['seed']}, ")
    saved, _, _ = nets.load_net(out / "best_model" / "model.npz")
    retrained, _, _ = nets.load_net(again / "model.npz")
    assert all(np.array_equal(a, b) for a, b in zip(saved.params, retrained.params,
                                                    strict=True))
    assert json.loads((again / "config.json").read_text())["seed"] == config["seed"]


def test_a_resampled_best_models_train_scores_are_of_the_real_training_rows(tmp_path, capsys):
    # QA: best_model/config.json (and report index --json's run) gave train_accuracy of the
    # oversampled rows the net fit, beside test_accuracy of real rows, saying neither
    raw = _raw(n_trials=1, seed=0, space={"lr": [0.01, 0.03]})
    raw["fixed"].update(imbalance_strategy="random_over", sampling_ratio=1.0)
    spec = parse_spec(raw)
    db = tmp_path / "imb.db"
    study.run_study(spec, storage=str(db), progress=False)
    out = tmp_path / "rep"
    reports.study_report("imb", storage=str(db), out=out)
    config = json.loads((out / "best_model" / "config.json").read_text())
    ds = data.load(DIGITS_8, seed=0)
    net, _, _ = nets.load_net(out / "best_model" / "model.npz")
    loss, accuracy = nets.evaluate(net, ds.X_train, ds.y_train)
    assert (config["train_loss"], config["train_accuracy"]) == (loss, accuracy)
    # the fit's own, on the rows it saw (half of them the duplicated 8s): its last epoch's
    last = pd.read_csv(out / "best_model" / "history.csv").iloc[-1]
    assert (config["resampled_train_loss"], config["resampled_train_accuracy"]) == (
        last["train_loss"], last["train_accuracy"])
    assert config["resampled_train_accuracy"] != config["train_accuracy"]
    code, text, _ = run_cli(["report", "index", tmp_path, "--json", "--no-write"], capsys)
    (row,) = json.loads(text)["reports"]
    assert (code, row["run"]["train_accuracy"]) == (0, accuracy)


@pytest.mark.slow
def test_a_failed_retrain_keeps_an_imbalance_best_model_of_the_same_trial(tmp_path):
    # its config.json's seed is the pipeline's random_state, never [s, k]: the model was
    # not known as this trial's, and went with nothing in its place
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 2))
    folder = tmp_path / "data"
    folder.mkdir()
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": (X[:, 0] > 1.0).astype(int)}).to_csv(
        folder / "rare.csv", index=False)
    spec = parse_spec(_raw(dataset=f"csv:{folder / 'rare.csv'}", n_trials=1, max_epochs=3,
                           space={"imbalance_strategy": ["random_over", "smote"],
                                  "sampling_ratio": {"low": 0.5, "high": 1.0}}))
    db = tmp_path / "moved.db"
    study.run_study(spec, storage=str(db), progress=False)
    out = tmp_path / "rep"
    reports.study_report("imb", storage=str(db), out=out)
    model = (out / "best_model" / "model.npz").read_bytes()
    folder.rename(tmp_path / "elsewhere")
    with pytest.warns(UserWarning, match="the best trial could not be retrained"):
        page = html.unescape(reports.study_report("imb", storage=str(db), out=out).read_text())
    assert (out / "best_model" / "model.npz").read_bytes() == model
    assert "best_model/ beside this report keeps the model an earlier report" in page
    # review: a best model an earlier version retrained records no trial_seed, only the
    # drawn seed: the report took it for a foreign model and refused to write
    config = json.loads((out / "best_model" / "config.json").read_text())
    assert config.pop("trial_seed") == [spec.seed, 0]
    (out / "best_model" / "config.json").write_text(json.dumps(config))
    with pytest.warns(UserWarning, match="the best trial could not be retrained"):
        page = html.unescape(reports.study_report("imb", storage=str(db), out=out).read_text())
    assert (out / "best_model" / "model.npz").read_bytes() == model
    assert "best_model/ beside this report keeps the model an earlier report" in page


def test_pr_auc_without_a_strategy(spec_file, tmp_path):
    """An ordinary trial on binary data scores imbalance metrics from the net itself."""
    path = spec_file("plain", dataset="moons", metric="val_pr_auc", pruner="none",
                     n_trials=2, max_epochs=5, fixed={"batch_size": 64})
    db = tmp_path / "plain.db"
    study.run_study(study.load_spec(path), storage=str(db), progress=False)
    for t in trials_of(db, "plain"):
        assert t.state.name == "COMPLETE" and 0 < t.values[0] <= 1
        assert study.trial_info(t)["imbalance_metrics"]["val_pr_auc"] == pytest.approx(t.values[0])
        assert "history" in study.trial_info(t)  # trained through train_run as usual


def test_failing_sampler_is_an_error_trial(tmp_path, monkeypatch):
    real = nets.make_imbalance_pipeline

    def too_many_neighbours(strategy, *args, **kwargs):
        pipe = real(strategy, *args, **kwargs)
        if strategy == "smote":  # more neighbours than there are positives: SMOTE fails
            pipe.named_steps["sampler"].set_params(k_neighbors=10_000)
        return pipe

    monkeypatch.setattr(nets, "make_imbalance_pipeline", too_many_neighbours)
    raw = _raw(sampler="grid",
               space={"imbalance_strategy": ["smote", "class_weight"]})
    db = tmp_path / "fail.db"
    study.run_study(parse_spec(raw), storage=str(db), progress=False)
    trials = trials_of(db, "imb")
    failed = [t for t in trials if t.params["imbalance_strategy"] == "smote"]
    assert failed and all(t.state.name == "FAIL" and study.trial_info(t)["status"] == "error"
                          and "ValueError" in study.trial_info(t)["reason"] for t in failed)
    assert any(t.state.name == "COMPLETE" for t in trials)  # the study went on


def test_a_pipeline_net_diverging_to_nan_is_a_diverged_trial(tmp_path):
    # scoring its NaN probabilities raised: an error trial ("proba must be finite scores")
    raw = _raw(n_trials=2, sampler="grid", space={"imbalance_strategy": ["none", "smote"]})
    raw["fixed"].update(optimizer="sgd", lr=1e300)
    db = tmp_path / "div.db"
    summary = study.run_study(parse_spec(raw), storage=str(db), progress=False)
    assert summary["n_diverged"] == 2 and summary["n_fail"] == 0
    for t in trials_of(db, "imb"):
        info = study.trial_info(t)
        assert t.state.name == "PRUNED" and info["status"] == "diverged"
        assert info["reason"] == "loss became NaN or infinite"
        assert info["val_accuracy"] is None and info["train_loss"] is None
        assert set(info["imbalance_metrics"].values()) == {None}


def test_pipeline_nets_take_every_net_classifier_parameter(tmp_path, monkeypatch):
    # lr_gamma and lr_decay_steps were refused as "would be ignored", yet NetClassifier
    # takes them: the names now come from the class itself
    assert set(analyses.PIPELINE_NET_PARAMS) == set(nets.NetClassifier().get_params()) - {
        "class_weight", "random_state"}
    fitted = []
    real = nets.make_imbalance_pipeline

    def keep(*args, **kwargs):
        fitted.append(real(*args, **kwargs))
        return fitted[-1]

    monkeypatch.setattr(nets, "make_imbalance_pipeline", keep)
    raw = _raw(n_trials=2, sampler="grid", space={"imbalance_strategy": ["none", "class_weight"]})
    raw["fixed"].update(optimizer="adam", schedule="step", lr_gamma=0.5, lr_decay_steps=10,
                        beta1=0.8)  # adam: sgd reads no beta1 (refused as ignored)
    summary = study.run_study(parse_spec(raw), storage=str(tmp_path / "g.db"), progress=False)
    assert summary["n_complete"] == 2 and len(fitted) == 2
    for pipe in fitted:
        model = pipe.named_steps["model"]
        assert (model.lr_gamma, model.lr_decay_steps, model.beta1) == (0.5, 10, 0.8)
        # the rate the net trained with halved every 10 steps
        history = model.history_
        assert history["iteration"].iloc[-1] > 10
        assert history["lr"].tolist() == pytest.approx(
            (model.lr * 0.5 ** (history["iteration"] / 10)).tolist())


def test_pipeline_specs_default_to_no_pruner_and_softmax_heads_score(tmp_path):
    raw = _raw(metric="val_loss")
    del raw["study"]["metric"]
    assert parse_spec(raw).pruner == "none"
    # a plain study on binary data with a softmax head: the positive column is scored
    raw = _raw(n_trials=2, space={"lr": {"low": 0.003, "high": 0.03, "log": True}})
    raw["fixed"]["head"] = "multiclass"
    summary = study.run_study(parse_spec(raw), storage=str(tmp_path / "h.db"), progress=False)
    assert summary["n_complete"] == 2 and 0 < summary["best_value"] <= 1


def test_an_objective_without_a_value_fails_saying_which(tmp_path, monkeypatch):
    # the anomaly baseline has no net, so no parameter count to trade off; specs asking for
    # one are refused now (test_bad_imbalance_specs), as an earlier hplab did not
    from study import _spec_pipeline

    monkeypatch.setattr(_spec_pipeline, "PIPELINE_NET_METRICS", ())
    raw = _raw(sampler="grid", metric=["val_pr_auc", "n_parameters"],
               space={"imbalance_strategy": ["isolation_forest", "class_weight"]})
    db = tmp_path / "nan.db"
    study.run_study(parse_spec(raw), storage=str(db), progress=False)
    for t in trials_of(db, "imb"):
        info = study.trial_info(t)
        if t.params["imbalance_strategy"] == "isolation_forest":
            assert t.state.name == "FAIL" and info["status"] == "error"
            assert info["reason"] == "objective n_parameters has no finite value"
            assert info["imbalance_metrics"]["val_pr_auc"] is not None  # what it did score
        else:
            assert t.state.name == "COMPLETE"
    summary = study.show_study("imb", str(db))
    assert summary["problems"] and summary["n_error"] == summary["n_fail"]


@pytest.mark.parametrize("change, message", [
    (lambda r: r["space"].update(imbalance_strategy=["none", "smoot"]),
     r"^space\.imbalance_strategy: unknown strategy 'smoot' \(did you mean 'smote'\?\)"),
    (lambda r: r["space"].update(imbalance_strategy=["smote", "SMOTE"]),
     r"^space\.imbalance_strategy: names the same strategy twice"),
    (lambda r: r["space"].update(sampling_ratio={"low": 0.1, "high": 2.0}),
     r"^space\.sampling_ratio: .* must be in \(0, 1\]"),
    (lambda r: r["study"].update(sampler="grid") or r["space"].update(sampling_ratio=[0.5, 1]),
     r"^space\.sampling_ratio: the grid sampler needs every parameter in every trial"),
    (lambda r: r["space"].pop("imbalance_strategy") and r["fixed"].update(
        imbalance_strategy="class_weight"),
     r"^space\.sampling_ratio: fixed\.imbalance_strategy 'class_weight' does not resample"),
    (lambda r: r["space"].pop("imbalance_strategy"),
     r"^space\.sampling_ratio needs an imbalance_strategy"),
    # searched, and none of the searched strategies resamples: never suggested, yet the
    # report listed it as searched
    (lambda r: r["space"].update(imbalance_strategy=["none", "class_weight"]),
     r"^space\.sampling_ratio: none of space\.imbalance_strategy \(none, class_weight\) "
     r"resamples toward a ratio; drop sampling_ratio or add a sampler \(e\.g\. smote\)$"),
    (lambda r: r["fixed"].update(imbalance_strategy="nope"),
     r"^fixed\.imbalance_strategy: unknown strategy 'nope'"),
    (lambda r: r["study"].update(pruner="median"),
     r"^study\.pruner: imbalance_strategy trials are scored once, after training"),
    # a pipeline trial has no curve, whatever the metric: its pruner would never act
    (lambda r: r["study"].update(pruner="threshold", metric="val_loss"),
     r"^study\.pruner: imbalance_strategy trials are scored once, after training"),
    # NetClassifier takes no divergence_factor: the search would change nothing
    (lambda r: r["space"].update(divergence_factor={"low": 2.0, "high": 9.0}),
     r"^space\.divergence_factor: imbalance_strategy trials train a nets\.NetClassifier, "
     r"which takes only .*; divergence_factor would be ignored"),
    (lambda r: r["fixed"].update(divergence_factor=5.0),
     r"^fixed\.divergence_factor: .* ignored"),
    (lambda r: r["study"].update(metric="train_accuracy"),
     r"^study\.metric: train_accuracy is not measured on imbalance_strategy trials"),
    # the anomaly baseline trains no net: every one of its trials failed, spending budget
    (lambda r: r["study"].update(metric=["val_pr_auc", "n_parameters"]) or r["space"].update(
        imbalance_strategy=["none", "isolation_forest"]) or r["space"].pop("sampling_ratio"),
     r"^space\.imbalance_strategy: isolation_forest trains no net, so its trials have no "
     r"n_parameters \(study\.metric\) and would all fail; drop it or optimize only what it "
     r"measures: val_roc_auc, .*, val_accuracy, train_seconds$"),
    (lambda r: r["study"].update(metric="val_loss") or r["space"].update(
        imbalance_strategy=["iforest"]) or r["space"].pop("sampling_ratio"),
     r"^space\.imbalance_strategy: isolation_forest trains no net, so its trials have no "
     r"val_loss "),
    (lambda r: r["study"].update(metric="epochs") or r.update(
        space={"width": {"low": 2, "high": 8}}, fixed={"imbalance_strategy": "isolation_forest"}),
     r"^fixed\.imbalance_strategy: isolation_forest trains no net, so its trials have no "
     r"epochs "),
])
def test_bad_imbalance_specs(change, message):
    raw = _raw()
    change(raw)
    with pytest.raises(SpecError, match=message):
        parse_spec(raw)


def test_aliases_resolve_to_registry_keys():
    spec = parse_spec(_raw(space={"imbalance_strategy": ["SMOTE", "ros", "balanced"]}))
    assert spec.space.get("imbalance_strategy").choices == ("smote", "random_over",
                                                            "class_weight")


def test_cli_bad_strategy_exits_2_naming_the_key(tmp_path):
    text = (ROOT / "study" / "specs" / "imbalance.toml").read_text()
    path = tmp_path / "bad.toml"
    path.write_text(text.replace('"random_under"]', '"random_undr"]'))
    proc = hplab_cli("study", "run", path, "--storage", tmp_path / "s.db", cwd=tmp_path,
                     check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "space.imbalance_strategy" in lines[0]
    assert "random_undr" in lines[0] and "random_under" in lines[0]
    assert not (tmp_path / "s.db").exists()


@pytest.mark.parametrize("metric, space, key", [
    ("val_pr_auc", 'lr = { low = 0.01, high = 0.1 }', "study.metric val_pr_auc"),
    # the key as written ("imbalance_strategy" alone named neither table)
    ("val_accuracy", 'imbalance_strategy = ["none", "smote"]', "space.imbalance_strategy"),
])
def test_cli_imbalance_on_multiclass_data_exits_2(tmp_path, capsys, metric, space, key):
    path = tmp_path / "multi.toml"
    path.write_text(f'[study]\nname = "multi"\ndataset = "digits"\nmetric = "{metric}"\n'
                    f'pruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n[space]\n{space}\n')
    code, _, err = run_cli(["study", "run", path, "--storage", tmp_path / "s.db"], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "needs a binary dataset" in lines[0] and key in lines[0]
    assert "digits?positive=K" in lines[0]
    assert not (tmp_path / "s.db").exists()


@pytest.mark.parametrize("metric, space", [
    ("val_f1", 'lr = { low = 0.01, high = 0.1 }'),
    ("val_accuracy", 'imbalance_strategy = ["enn", "class_weight"]'),
])
def test_multiclass_refusal_suggests_the_dataset_with_its_options_kept(tmp_path, capsys,
                                                                        metric, space):
    # QA: csv:four_first.csv?target=kind was told to use csv:four_first.csv?positive=K,
    # which then failed ("feature column 'kind' is not numeric"); digits?scaling=standard
    # lost its scaling
    rng = np.random.default_rng(0)
    csv = tmp_path / "four first.csv"
    pd.DataFrame({"kind": np.repeat(["alpha", "beta", "R&D"], [40, 20, 10]),
                  "a": rng.normal(size=70), "b": rng.normal(size=70)}).to_csv(csv, index=False)
    for dataset, suggested, classes in [
            (f"csv:{csv}?target=kind", f"csv:{csv}?target=kind&positive=K",
             # as a name writes them: positive=R&D would read as an option "D"
             "R%26D, alpha, beta"),
            ("digits?scaling=standard", "digits?scaling=standard&positive=K",
             "0, 1, 2, 3, 4, 5, 6, 7, 8, 9"),
            ("digits?", "digits?positive=K", "0, 1, 2, 3, 4, 5, 6, 7, 8, 9")]:
        path = tmp_path / "multi.toml"
        path.write_text(f'[study]\nname = "multi"\ndataset = "{dataset}"\nmetric = "{metric}"'
                        f'\npruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n[space]\n{space}\n')
        code, _, err = run_cli(["study", "run", path, "--storage", tmp_path / "s.db"], capsys)
        assert code == 2
        (line,) = err.strip().splitlines()
        assert line.endswith(f'(study.dataset = "{suggested}", K one of {classes})'), line
        assert not (tmp_path / "s.db").exists()
    # the advice taken loads what it says: R&D against the rest, kind still the target
    ds = data.load(f"csv:{csv}?target=kind&positive=R%26D")
    assert ds.classes == ("not R&D", "R&D") and ds.n_features == 2


def _labelled_csv(path, labels: list) -> Path:
    """A CSV of two normal features (seed 0) beside ``labels``: the few-class splits the
    refusals below are about."""
    rng = np.random.default_rng(0)
    pd.DataFrame({"a": rng.normal(size=len(labels)), "b": rng.normal(size=len(labels)),
                  "label": labels}).to_csv(path, index=False)
    return path


@pytest.mark.filterwarnings("ignore::data.DataWarning")  # the split it refuses
def test_no_positive_in_the_validation_split_exits_2_before_storage(tmp_path, capsys):
    # 3 positives, all in training: every trial failed with "no finite value"; plain
    # training on the same data still loads and runs
    name = "moons?n_train=600&imbalance=1:100"
    path = tmp_path / "nopos.toml"
    path.write_text(f'[study]\nname = "nopos"\ndataset = "{name}"\nmetric = "val_pr_auc"\n'
                    'pruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n[space]\n'
                    'lr = { low = 0.01, high = 0.1 }\n')
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("study.metric val_pr_auc needs a positive example in "
                                      f"the validation split; {name} leaves none") in err
    assert err.endswith("use a milder ratio\n")
    assert not (tmp_path / "s.db").exists()
    # QA: data scarce of its own was told to use "a milder ratio" it never gave
    rows = "".join(f"{i},{int(i in (5, 150, 250))}\n" for i in range(300))
    (tmp_path / "pos3.csv").write_text("x,y\n" + rows)
    path.write_text(path.read_text().replace(name, f"csv:{tmp_path / 'pos3.csv'}"))
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db")]) == 2
    assert capsys.readouterr().err.endswith("use data with more positive examples\n")
    assert not (tmp_path / "s.db").exists()
    path.write_text(path.read_text().replace(f"csv:{tmp_path / 'pos3.csv'}", name))
    # a strategy study records the imbalance metrics too (sklearn warned, and stored 0s)
    path.write_text(path.read_text().replace('"val_pr_auc"', '"val_loss"') +
                    'imbalance_strategy = ["none", "class_weight"]\n')
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db")]) == 2
    assert ("imbalance_strategy needs a positive example in the validation split"
            in capsys.readouterr().err)
    assert not (tmp_path / "s.db").exists()
    assert hplab.main(["train", "--dataset", name, "--epochs", "1", "--no-report"]) == 0


@pytest.mark.filterwarnings("ignore::data.DataWarning")  # the split it refuses
def test_no_negative_in_the_validation_split_exits_2_before_storage(tmp_path, capsys):
    # QA: 2 negatives in 102 rows, both in training: every trial failed ("objective
    # val_roc_auc has no finite value"), exit 0, where no positive was refused
    csv = _labelled_csv(tmp_path / "maj.csv", [0] * 2 + [1] * 100)
    path = tmp_path / "noneg.toml"
    path.write_text(f'[study]\nname = "noneg"\ndataset = "csv:{csv}"\n'
                    'metric = "val_roc_auc"\npruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n'
                    '[space]\nlr = { low = 0.01, high = 0.1 }\n')
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("study.metric val_roc_auc needs a negative example in "
                                      f"the validation split; csv:{csv} leaves none (2 in "
                                      "training): use data with more negatives") in err
    assert not (tmp_path / "s.db").exists()


def test_strategies_too_few_for_their_neighbours_exit_2_before_storage(tmp_path, capsys):
    # QA: 4 training positives: every SMOTE and ADASYN trial failed ("SMOTE needs at least
    # 6"), exit 0, instead of the spec being refused
    csv = _labelled_csv(tmp_path / "min6.csv", [0] * 100 + [1] * 6)
    head = (f'[study]\nname = "few"\ndataset = "csv:{csv}"\nmetric = "val_pr_auc"\n'
            'pruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n')
    path = tmp_path / "few.toml"
    have = "the training split has 4 minority samples: "
    smote = "SMOTE needs at least 6 (k_neighbors=5 neighbours + the sample itself)"
    adasyn = "ADASYN needs at least 6 (n_neighbors=5 neighbours + the sample itself)"
    for tail, said in (
            ('[space]\nimbalance_strategy = ["none", "smote", "adasyn"]\n',
             f"space.imbalance_strategy: smote, adasyn cannot run on csv:{csv}: {have}{smote}, "
             f"{adasyn}; remove them or use data with more positives"),
            ('[space]\nlr = { low = 0.01, high = 0.1 }\n\n[fixed]\n'
             'imbalance_strategy = "smote"\n',
             f"fixed.imbalance_strategy: smote cannot run on csv:{csv}: {have}{smote}; remove "
             "it or use data with more positives")):
        path.write_text(head + tail)
        assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and said in err
        assert not (tmp_path / "s.db").exists()


@pytest.mark.slow
def test_a_split_missing_a_class_is_said_once_whatever_the_workers(tmp_path):
    # review: the parent said it in one line, then each of the two workers in Python's
    # two-line format (file, line, category, the line of data/_load.py that warned)
    from cli_helpers import hplab_cli

    csv = _labelled_csv(tmp_path / "two.csv", [0] * 100 + [1] * 2)
    (tmp_path / "two.toml").write_text(
        f'[study]\nname = "two"\ndataset = "csv:{csv}"\npruner = "none"\nn_trials = 2\n'
        'max_epochs = 2\n\n[space]\nlr = { low = 0.01, high = 0.1 }\n')
    done = hplab_cli("study", "run", "two.toml", "--storage", "s.db", "--workers", "2",
                     "--no-report", "--json", cwd=tmp_path)
    assert [line for line in done.stderr.splitlines() if "class 1" in line] == [
        f"hplab study run: warning: csv:{csv}: no example of class 1 in the validation split (9 "
        "examples) nor in the test split (21 examples), against 2 in training: scores that "
        "need every class (ROC AUC, balanced accuracy) are undefined there"]
    assert json.loads(done.stdout)["n_complete"] == 2


@pytest.mark.slow
def test_a_study_an_earlier_version_ran_resumes_past_the_neighbours_refusal(
        tmp_path, capsys, monkeypatch):
    # review: the refusal above came with this version, and it refused the resume of a
    # study an earlier version had run from the same file (its other choices trained)
    import study._spec_data

    csv = _labelled_csv(tmp_path / "min6.csv", [0] * 100 + [1] * 6)
    path = tmp_path / "few.toml"
    path.write_text(f'[study]\nname = "few"\ndataset = "csv:{csv}"\nmetric = "val_pr_auc"\n'
                    'pruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n'
                    '[space]\nimbalance_strategy = ["none", "smote"]\n')
    db = tmp_path / "s.db"
    with monkeypatch.context() as earlier:  # the version before the refusal
        earlier.setattr(study._spec_data, "check_neighbours", lambda spec, dataset: None)
        assert hplab.main(["study", "run", str(path), "--storage", str(db), "--json"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "run", str(path), "--storage", str(db), "--trials", "3",
                       "--no-report", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_finished"] == 3
    # a new study of it is refused still
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "new.db")]) == 2
    assert "smote cannot run on" in capsys.readouterr().err
    assert not (tmp_path / "new.db").exists()


@pytest.mark.slow
def test_binary_reports_score_the_positive_class_and_compare_every_metric(tmp_path, capsys):
    import hplab
    import reports

    db = str(tmp_path / "b.db")
    # a 2-way softmax head on binary data: its positive class is column 1, not 0
    soft = parse_spec({"study": {"name": "soft", "dataset": DIGITS_8, "metric": "val_pr_auc",
                                 "n_trials": 1, "max_epochs": 5, "pruner": "none"},
                       "space": {"lr": {"low": 0.003, "high": 0.03, "log": True}},
                       "fixed": {"width": 16, "batch_size": 32, "optimizer": "adam",
                                 "head": "multiclass"}})
    study.run_study(soft, storage=db, progress=False)
    path = reports.study_report("soft", storage=db, out=tmp_path / "soft")
    net, _, _ = nets.load_net(tmp_path / "soft" / "best_model" / "model.npz")
    ds = data.load(DIGITS_8, seed=0)
    want = analyses.imbalance_metrics(ds.y_test, net.output(ds.X_test)[:, 1], 0.5)
    shown = pd.read_csv(path.parent / "report_files" / "best-test-metrics.csv")
    assert dict(zip(shown["metric"], shown["test"], strict=True))["pr_auc"] == pytest.approx(
        want["pr_auc"], abs=5e-4)
    # and the saved model predicts (a binary task with a 2-way softmax head)
    capsys.readouterr()
    assert hplab.main(["predict", str(tmp_path / "soft" / "best_model" / "model.npz"),
                       "--dataset", "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert scored["accuracy"] == pytest.approx(float(np.mean(
        (net.output(ds.X_test)[:, 1] >= 0.5) == (ds.y_test == 1))))
    assert scored["data_changed"] is False  # the study's data and split, fingerprinted
    # a pipeline study optimizing a metric beyond the imbalance ones: retrained, it agrees
    loss = parse_spec(_raw(metric="val_loss", n_trials=1, space={
        "lr": {"low": 0.003, "high": 0.03, "log": True}}) | {
        "fixed": {"width": 8, "batch_size": 64, "imbalance_strategy": "class_weight"}})
    study.run_study(loss, storage=db, progress=False)
    html = reports.study_report("imb", storage=db, out=tmp_path / "loss").read_text()
    assert "The retrained run scored" not in html
    assert "(strategy class_weight)" in html  # no sampling ratio: it takes none
    # the pipeline's net trained on the study's split too: no warning of changed data
    assert hplab.main(["predict", str(tmp_path / "loss" / "best_model" / "model.npz"),
                       "--dataset", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["data_changed"] is False and "warning" not in err


def test_a_sampling_ratio_just_above_the_datas_own_exits_2_before_storage(tmp_path, capsys):
    # QA: 89:450 is under 0.198, but 450 x 0.198 - 89 = 0.1 positives to add: the spec
    # passed its check, then every trial failed with imbalanced-learn's "increase the ratio"
    path = tmp_path / "edge.toml"
    path.write_text('[study]\nname = "edge"\ndataset = "moons?imbalance=1:5.01"\n'
                    'metric = "val_pr_auc"\npruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n'
                    '[space]\nimbalance_strategy = ["random_over"]\n'
                    'sampling_ratio = { low = 0.198, high = 0.2 }\n')
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert ("space.sampling_ratio 0.198 (random_over): moons?imbalance=1:5.01's training split "
            "is 89:450 (1:5.056), just under the sampling ratio 0.198 (1:5.051): a sampler "
            "would add 450 x 0.198 - 89 = 0.1 positives, fewer than one: nothing to resample; "
            "give a sampling ratio of at least 0.2 (space.sampling_ratio)") in err
    assert not (tmp_path / "s.db").exists()


@pytest.mark.parametrize("space, key, lowest, valid", [
    ('imbalance_strategy = ["none", "smote"]\nsampling_ratio = { low = 0.2, high = 1.0 }\n',
     "space.sampling_ratio", "0.2", ("low = 0.2", "low = 0.5")),
    # no ratio given: the samplers' default 0.2 (1:5), said to be the default (it named a
    # fixed.sampling_ratio the spec did not have); a fixed one above 0.33 runs
    ('imbalance_strategy = ["none", "random_under"]\n', "the default sampling ratio", "0.2",
     ("[space]\n", "[fixed]\nsampling_ratio = 0.5\n\n[space]\n")),
])
def test_a_sampling_ratio_below_the_datas_own_exits_2_before_storage(tmp_path, capsys, space,
                                                                      key, lowest, valid):
    # moons at 1:3 (0.333): a sampler aiming at 0.2 has nothing to do, and every such trial
    # failed with imbalanced-learn's "Please increase the ratio"
    name = "moons?imbalance=1:3"
    path = tmp_path / "mild.toml"
    path.write_text(f'[study]\nname = "mild"\ndataset = "{name}"\nmetric = "val_pr_auc"\n'
                    f'pruner = "none"\nn_trials = 4\nmax_epochs = 2\n\n[space]\n{space}')
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{key} {lowest} (" in err
    # an over-sampler needs one positive to add (0.332 adds none); an under-sampler runs
    # above the data's balance
    advice = "of at least 0.3334" if "smote" in space else "above 0.331"
    assert f"nothing to resample; give a sampling ratio {advice} (" in err and key in err
    assert not (tmp_path / "s.db").exists()
    # a ratio above the data's own balance runs
    text = path.read_text()
    assert text.count(valid[0]) == 1
    path.write_text(text.replace(*valid))
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db"),
                       "--no-report", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    # every trial trains, a resampling one included (a "none" trial alone is no proof)
    assert summary["n_complete"] == 4 and summary["n_fail"] == 0, summary["problems"]
    strategies = {t.params.get("imbalance_strategy") for t in optuna.load_study(
        study_name="mild", storage=f"sqlite:///{tmp_path / 's.db'}").get_trials()}
    assert strategies - {"none"}, strategies


def test_an_adasyn_ratio_that_generates_nothing_exits_2_before_storage(tmp_path, capsys):
    # QA: digits 8 at 1:20 trains on 58:1167; at 0.0506 (the ratio check's own advice,
    # "at least 0.05056") ADASYN has one sample to spread over 58 positives, rounds every
    # share to 0, and each trial failed with "No samples will be generated", exit 0
    path = tmp_path / "ada.toml"
    spec = (f'[study]\nname = "ada"\ndataset = "{DIGITS_8}"\nmetric = "val_pr_auc"\n'
            'pruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n[space]\n'
            'imbalance_strategy = ["none", "adasyn"]\n'
            'sampling_ratio = { low = 0.0506, high = 0.0507 }\n\n[fixed]\nwidth = 8\n')
    path.write_text(spec)
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert ("space.sampling_ratio 0.0506 (adasyn): ADASYN cannot resample the training "
            "split there: No samples will be generated") in err
    assert not (tmp_path / "s.db").exists()
    # a ratio that makes ADASYN generate runs every trial
    path.write_text(spec.replace("low = 0.0506, high = 0.0507", "low = 0.06, high = 0.07"))
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db"),
                       "--no-report", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n_complete"] == 2 and summary["n_fail"] == 0, summary["problems"]


def test_a_positive_majority_resamples_its_minority_as_the_pipeline_does(tmp_path, capsys):
    # QA: digits 8 at 20:1 trains on 5 "not 8" against 125 eights; the pipeline
    # over-samples the 5 (imbalanced-learn's ratio is minority/majority), but the spec
    # check counted the eights as the minority and refused "already has as many positives
    # as negatives (125:5): nothing to resample at any sampling ratio"
    name = "digits?imbalance=20:1&positive=8"
    path = tmp_path / "major.toml"
    spec = (f'[study]\nname = "major"\ndataset = "{name}"\nmetric = "val_pr_auc"\n'
            'pruner = "none"\nn_trials = 2\nmax_epochs = 2\n\n[space]\n'
            'sampling_ratio = { low = 0.5, high = 1.0 }\n\n[fixed]\n'
            'imbalance_strategy = "random_over"\nwidth = 8\n')
    path.write_text(spec)
    with pytest.warns(UserWarning) as seen:
        assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db"),
                           "--no-report", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n_complete"] == 2 and summary["n_fail"] == 0, summary["problems"]
    # PR-AUC of the common class says little: said, with what scores the rare one
    said = [str(w.message) for w in seen if "majority" in str(w.message)]
    assert said == [f"study.metric val_pr_auc scores the positive class 8, the majority of "
                    f"{name}'s training split (125 of 130 rows); make the rare class the "
                    "positive one (imbalance=20:1 -> 1:20), or score both classes alike "
                    "(val_roc_auc, val_balanced_accuracy, val_mcc)"]
    # a ratio the 5:125 minority already has is refused, its counts the right way round
    path.write_text(spec.replace("low = 0.5, high = 1.0", "low = 0.01, high = 0.03")
                    .replace('"major"', '"major2"'))
    assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "t.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert (f"space.sampling_ratio 0.01 (random_over): {name}'s training split (its "
            "minority class 'not 8' counted as the positives) is already 1:25 (0.04), at or "
            "above the sampling ratio 0.01: nothing to resample; give a sampling ratio of at "
            "least 0.048 (space.sampling_ratio)") in err
    assert not (tmp_path / "t.db").exists()


def test_a_positive_class_metric_of_the_majority_warns_naming_the_rare_class(tmp_path):
    # QA: a CSV of "fraud"/"ok" takes "ok" (the second class) as positive: the study
    # optimized the PR-AUC of the 96 % class (0.98 at once) and said nothing
    csv = _labelled_csv(tmp_path / "fraud.csv", ["fraud"] * 20 + ["ok"] * 180)
    path = tmp_path / "fraud.toml"
    path.write_text(f'[study]\nname = "fraud"\ndataset = "csv:{csv}"\nmetric = "val_f1"\n'
                    'pruner = "none"\nn_trials = 1\nmax_epochs = 1\n\n[space]\n'
                    'lr = { low = 0.01, high = 0.1 }\n')
    with pytest.warns(UserWarning) as seen:
        assert hplab.main(["study", "run", str(path), "--storage", str(tmp_path / "s.db"),
                           "--no-report", "--json"]) == 0
    said = [str(w.message) for w in seen if "majority" in str(w.message)]
    train = data.load(f"csv:{csv}").y_train  # seed 0, as the spec's
    n_ok = int((train == 1).sum())
    assert n_ok > len(train) // 2
    assert said == [f"study.metric val_f1 scores the positive class 'ok', the majority of "
                    f"csv:{csv}'s training split ({n_ok} of {len(train)} rows); to score "
                    f"the rare class, name it: study.dataset = \"csv:{csv}?positive=fraud\""]


def test_a_positive_class_barely_the_larger_one_is_not_warned_of(tmp_path):
    # a 55:45 split's F1 of its larger class is a fine score: no imbalance to speak of
    from study._spec_data import majority_positive

    csv = _labelled_csv(tmp_path / "even.csv", ["neg"] * 90 + ["pos"] * 110)
    path = tmp_path / "even.toml"
    path.write_text(f'[study]\nname = "even"\ndataset = "csv:{csv}"\nmetric = "val_f1"\n'
                    '\n[space]\nlr = { low = 0.01, high = 0.1 }\n')
    loaded = data.load(f"csv:{csv}")
    assert 0.5 < (loaded.y_train == 1).mean() < 2 / 3
    assert majority_positive(study.load_spec(path), loaded) is None
