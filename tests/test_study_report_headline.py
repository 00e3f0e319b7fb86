"""The study report's headline cards: on imbalanced data its first is the retrained best
model's test balanced accuracy, as a training report's is; on balanced data they stay."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import run_cli
from conftest import figure_stand_in, run_tiny_study
from data_helpers import four_classes_csv
from sklearn.metrics import balanced_accuracy_score

import data
import nets
import reports
import study
from reports import _class_scores as cs


@pytest.fixture(autouse=True)
def _untypeset(monkeypatch):
    figure_stand_in(monkeypatch, typeset=False)  # the claims are about cards, not figures


def _report_of(spec_file, tmp_path, name, dataset, **keys):
    db = tmp_path / f"{name}.db"
    study.run_study(study.load_spec(spec_file(
        name, dataset=dataset, metric="val_accuracy", n_trials=2, max_epochs=10,
        sampler="random", pruner="none", space={"lr": {"low": 0.01, "high": 0.03, "log": True}},
        fixed={"optimizer": "adam", "width": 16, "batch_size": 32, **keys})), storage=str(db),
        progress=False)
    return reports.study_report(name, storage=str(db), out=tmp_path / name)


# four.csv's 3 deltas: none left for validation, said as a DataWarning
@pytest.mark.filterwarnings("ignore:.*no example of class delta in the validation")
@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_a_study_on_imbalanced_data_headlines_the_best_models_balanced_accuracy(
        spec_file, tmp_path, kind):
    # QA: a study of digit 8 against the rest at 1:20 headlined "Best val_accuracy 0.956",
    # the majority share, for nets that found no 8 (the training report leads with its
    # balanced accuracy there)
    dataset = ("digits?imbalance=1:20&positive=8" if kind == "binary" else four_classes_csv(
        tmp_path / "four.csv", {"alpha": 1000, "beta": 100, "gamma": 10, "delta": 3}))
    path = _report_of(spec_file, tmp_path, "imb", dataset)
    ds = data.load(dataset, seed=0)
    assert ds.task == kind and cs.is_imbalanced(ds.y_train, ds.n_classes)
    net = nets.load_model(path.parent / "best_model" / "model.npz").net
    balanced = balanced_accuracy_score(ds.y_test, net.predict(ds.X_test))
    head = reports.read_report_info(path).headline
    assert head[0] == {"label": "Test balanced accuracy",
                       "text": reports.design.format_percent(balanced)}
    assert head[1]["label"] == "Best val_accuracy"  # still shown, just not first
    assert float(head[1]["text"]) > balanced + 0.05  # the trap the first card avoids


def test_a_strategy_trials_card_is_its_pipelines_balanced_accuracy(spec_file, tmp_path):
    # an imbalance strategy's model is its pipeline, scored at threshold 0.5: the card is
    # the balanced accuracy of the best trial's test scores the report tabulates
    path = _report_of(spec_file, tmp_path, "over", "digits?imbalance=1:20&positive=8",
                      imbalance_strategy="random_over", sampling_ratio=0.5)
    table = pd.read_csv(path.parent / "report_files" / "best-test-metrics.csv")
    shown = dict(zip(table["metric"], table["test"], strict=True))["balanced_accuracy"]
    head = reports.read_report_info(path).headline
    assert head[0]["label"] == "Test balanced accuracy"
    assert head[0]["text"] == reports.design.format_percent(float(shown))
    assert 0.5 < float(shown) < 1


def test_a_study_on_balanced_data_keeps_its_headline(spec_file, tmp_path, capsys):
    summary = run_tiny_study(spec_file, tmp_path / "x.db", "bal")
    path = reports.study_report("bal", storage=str(tmp_path / "x.db"), out=tmp_path / "bal")
    head = {h["label"]: h["text"] for h in reports.read_report_info(path).headline}
    assert list(head) == ["Best val_loss", "Best trial", "Best parameters", "Trials", "Pruned"]
    # QA: the best parameters were first seen in the sixth section; a name and its value
    # never part at a line's end
    best = summary["best_params"]
    assert head["Best parameters"] == (
        f"lr\xa0{reports.design.format_value(best['lr'])}, width\xa0{best['width']}")
    # and in the index, under the study's best value
    page = reports.write_index(tmp_path).read_text()
    assert (f"{head['Best val_loss']}<div class=\"muted\">{head['Best parameters']}</div>"
            in page)
    # report index --json with plain spaces, which a grading script matches ("lr 0.5")
    code, out, err = run_cli(["report", "index", str(tmp_path), "--json"], capsys)
    assert code == 0, err
    assert "\\u00a0" not in out and "\xa0" not in out
    (entry,) = json.loads(out)["reports"]
    assert entry["detail"] == head["Best parameters"].replace("\xa0", " ")
    assert [h["text"] for h in entry["headline"]] == [
        text.replace("\xa0", " ") for text in head.values()]
    # one entry, the page's row and that JSON: the page keeps the no-break spaces
    made = reports.index_entry(reports.read_report_info(path))
    assert made.json() == entry and made.detail == head["Best parameters"]


def test_the_best_parameters_card_reads_names_as_words():
    from reports._study_text import best_params_text

    assert best_params_text({"lr": 0.5, "batch_size": 16}) == "lr\xa00.5, batch\xa0size\xa016"
    # a layer's width keeps its index: "width 0 16" read as two numbers; a pair too long
    # for a phone's card breaks at its spaces (unbroken, it was cut mid-word)
    assert best_params_text({"width_0": 16, "imbalance_strategy": "random_over"}) == (
        "width_0\xa016, imbalance strategy random_over")


def test_balanced_accuracy_is_nan_when_a_class_has_no_test_example(tmp_path):
    # the one implementation both reports use: scikit-learn averaged the classes left
    rng = np.random.default_rng(0)
    csv = tmp_path / "min2.csv"
    pd.DataFrame({"a": rng.normal(size=102), "b": rng.normal(size=102),
                  "label": [0] * 100 + [1] * 2}).to_csv(csv, index=False)
    with pytest.warns(data.DataWarning):
        ds = data.load(f"csv:{csv}", seed=0)
    assert ds.y_test.sum() == 0 and ds.y_train.sum() > 0
    assert np.isnan(reports.balanced_accuracy(ds, np.zeros_like(ds.y_test)))
    full = data.load("digits?imbalance=1:20&positive=8", seed=0)
    y_pred = (np.arange(len(full.y_test)) % 3 == 0).astype(np.int64)
    assert reports.balanced_accuracy(full, y_pred) == balanced_accuracy_score(full.y_test, y_pred)


def test_a_long_best_parameters_card_spans_two_columns(tmp_path):
    # QA (coin's five parameters): one card's width took the list five lines
    from reports._study_text import best_params_text

    long = best_params_text({"lr": 0.01265, "batch_size": 9, "width": 5, "depth": 3,
                             "activation": "sigmoid"})
    rep = reports.Report("study", "wide", {"Best val_accuracy": "0.95", "Best parameters": long,
                                           "Short list": "a, b"})
    page = rep.write(tmp_path / "wide", index=False).read_text()
    assert f'<div class="stat wide"><dt>Best parameters</dt><dd class="long">{long}</dd>' in page
    assert '<div class="stat"><dt>Short list</dt>' in page
    assert '<div class="stat"><dt>Best val_accuracy</dt>' in page


def _no_best_cards(path) -> dict:
    return {h["label"]: h["text"] for h in reports.read_report_info(path).headline}


def test_a_study_whose_trials_all_diverged_headlines_that_not_a_best(spec_file, tmp_path):
    # QA: every trial diverged (lr far too big on xor) and the first card still read
    # "Best val_loss –", beside "Best trial –"
    db = tmp_path / "boom.db"
    summary = run_tiny_study(spec_file, db, "boom", n_trials=3, pruner="none",
                             space={"lr": {"low": 1000.0, "high": 10000.0, "log": True}})
    assert (summary["n_finished"], summary["n_complete"], summary["n_diverged"]) == (3, 0, 3)
    path = reports.study_report("boom", storage=str(db), out=tmp_path / "boom")
    assert _no_best_cards(path) == {"No trial completed": "all 3 diverged",
                                    "Trials": "3 of 3", "Pruned": "3"}


def test_a_study_whose_only_trial_was_interrupted_headlines_that(spec_file, tmp_path,
                                                                 monkeypatch):
    def train_run(*args, **kwargs):  # Ctrl-C in the first trial's training
        raise KeyboardInterrupt

    db = tmp_path / "cut.db"
    monkeypatch.setattr(study._objective, "train_run", train_run)
    with pytest.raises(KeyboardInterrupt):
        run_tiny_study(spec_file, db, "cut", n_trials=3)
    monkeypatch.undo()
    path = reports.study_report("cut", storage=str(db), out=tmp_path / "cut")
    # an interrupted trial is outside the budget's count: it read "Best val_loss –", and
    # its badge "not started: no trial run yet", of a study whose trial had run
    assert _no_best_cards(path) == {"No trial completed": "the one interrupted",
                                    "Trials": "0 of 3", "Pruned": "0"}
    assert reports.read_report_info(path).status == "stopped"
