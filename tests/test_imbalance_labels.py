"""The imbalance pipeline and its anomaly baseline on labels other than 0/1 with 1 scarce:
the minority is the scarcer class, whatever its label, as in imbalanced-learn."""

from __future__ import annotations

import re

import numpy as np
import pytest

import analyses

NET = {"hidden": (4,), "max_epochs": 2}


def _fraud_like(n_minority=30, n_majority=570, seed=0):
    """Features whose minority rows sit apart; 0/1 labels with 1 the minority."""
    rng = np.random.default_rng(seed)
    X = np.r_[rng.normal(3.0, 1.0, (n_minority, 4)), rng.normal(0.0, 1.0, (n_majority, 4))]
    y = np.r_[np.ones(n_minority, np.int64), np.zeros(n_majority, np.int64)]
    return X, y


#: The QA's label sets (pipe_labels.py): name -> (labels from 0/1, the minority label).
LABELS = {"0/1": (lambda y: y, 1), "inverted 0/1": (lambda y: 1 - y, 0),
          "-1/+1": (lambda y: np.where(y == 1, 1, -1), 1), "1/2": (lambda y: y + 1, 2),
          "strings": (lambda y: np.where(y == 1, "fraud", "ok"), "fraud")}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("labels", LABELS)
@pytest.mark.parametrize("strategy, added", [("smote", 114 - 30), ("random_under", -420)])
def test_a_sampler_pipeline_resamples_the_scarcer_class_whatever_its_label(labels, strategy,
                                                                          added):
    # QA: every label set but 0/1 with 1 scarce was refused with "already has as many
    # positives as negatives (0:0)"; plain imbalanced-learn resamples them all
    X, y01 = _fraud_like()
    recode, minority = LABELS[labels]
    y = recode(y01)
    pipe = analyses.make_imbalance_pipeline(strategy, 0.2, NET, random_state=0).fit(X, y)
    majority = next(c for c in np.unique(y).tolist() if c != minority)
    # SMOTE adds int(570 x 0.2 - 30) = 84 minority rows; the under-sampler keeps 30 / 0.2
    # = 150 of the 570 majority rows
    assert pipe.named_steps["sampler"].sampling_strategy_ == (
        {minority: added} if added > 0 else {majority: 570 + added})
    assert pipe.classes_.tolist() == np.unique(y).tolist()
    # the labels themselves, the more probable one (class indices would pass a shape check)
    said = pipe.classes_[(pipe.predict_proba(X)[:, 1] > 0.5).astype(int)]
    assert pipe.predict(X).tolist() == said.tolist()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_pipeline_names_the_minority_it_counted_when_nothing_is_left_to_resample():
    X, y01 = _fraud_like(n_minority=100, n_majority=500)  # 1:5, the ratio 0.2 itself
    y = np.where(y01 == 1, "fraud", "ok")
    with pytest.raises(ValueError, match=(
            r"^the training data \(its minority class 'fraud' counted as the positives\) is "
            r"100:500 \(1:5\), at the sampling ratio 0\.2")):
        analyses.make_imbalance_pipeline("smote", 0.2, NET, random_state=0).fit(X, y)
    # two classes as large: no minority to name, and nothing to resample
    y = np.r_[np.full(300, "a"), np.full(300, "b")]
    with pytest.raises(ValueError, match=r"^the training data \(two classes as large\) "
                                         r"already has as many positives as negatives "
                                         r"\(300:300\)"):
        analyses.make_imbalance_pipeline("smote", 0.2, NET, random_state=0).fit(X, y)


@pytest.mark.slow
def test_the_anomaly_baseline_calls_anomalies_the_minority_class_whatever_its_label():
    # QA: anomalies were the larger label: with "fraud"/"ok" 97 % of transactions were
    # called fraud, and predict_proba's 'fraud' column ranked fraud at ROC-AUC 0.43
    from sklearn.metrics import roc_auc_score

    X, y01 = _fraud_like()
    reference = analyses.AnomalyClassifier(random_state=0).fit(X, y01)  # 1 scarce: as it was
    score = reference.predict_proba(X)[:, 1]
    assert reference.anomaly_class_ == 1
    assert roc_auc_score(y01, score) == pytest.approx(0.99947, abs=1e-5)  # the rare ones
    flagged = int((reference.predict(X) == 1).sum())
    assert flagged == int((score >= 0.5).sum()) == 78
    for labels, (recode, minority) in LABELS.items():
        y = recode(y01)
        pipe = analyses.make_imbalance_pipeline("isolation_forest", random_state=0).fit(X, y)
        model = pipe.named_steps["model"]
        assert model.anomaly_class_ == minority, labels
        column = pipe.classes_.tolist().index(minority)
        proba = pipe.predict_proba(X)
        # the forest sees the features alone: the minority's column is the same score
        np.testing.assert_array_equal(proba[:, column], score)
        np.testing.assert_array_equal(proba[:, 1 - column], 1 - score)
        assert int((pipe.predict(X) == minority).sum()) == flagged, labels


def _four_classes(seed=0):
    """The QA's four.csv in small: alpha 200, beta 40, gamma 10, delta 5, overlapping."""
    rng = np.random.default_rng(seed)
    counts = {"alpha": 200, "beta": 40, "gamma": 10, "delta": 5}
    X = np.concatenate([rng.normal(0.5 * i, 1.0, (n, 4)) for i, n in enumerate(counts.values())])
    y = np.concatenate([np.full(n, c) for c, n in counts.items()])
    return X, y


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("strategy", list(analyses.STRATEGIES))
def test_every_pipeline_refuses_more_than_two_classes_saying_how_to_get_one_against_the_rest(
        strategy):
    # QA: on 4 classes "enn" removed every gamma row and fitted a 3-class model without a
    # word; the ratio samplers failed with imbalanced-learn's "For multi-class, use a dict",
    # which make_imbalance_pipeline refuses; class_weight and none fitted 4 classes
    X, y = _four_classes()
    pipe = analyses.make_imbalance_pipeline(strategy, 0.2, NET, random_state=0)
    with pytest.raises(ValueError) as caught:
        pipe.fit(X, y)
    assert str(caught.value) == (
        f"make_imbalance_pipeline's {strategy!r} pipeline takes two classes (one against the "
        "rest); got 4: alpha, beta, delta, gamma. Make one class the positive and the others "
        "its negatives: load the dataset with ?positive=CLASS "
        "(data.load('NAME?positive=delta')), or fit y == CLASS")
    assert not hasattr(pipe, "classes_")  # nothing fitted
    # three classes are more than two as well: with class_weight they fitted a 3-class
    # model, enn dropped the whole beta class (alpha 200, beta 40, gamma 10)
    three = y != "delta"
    with pytest.raises(ValueError, match=re.escape(
            f"make_imbalance_pipeline's {strategy!r} pipeline takes two classes (one against "
            "the rest); got 3: alpha, beta, gamma. Make one class the positive and the others "
            "its negatives: load the dataset with ?positive=CLASS "
            "(data.load('NAME?positive=gamma'))")):
        pipe.fit(X[three], y[three])
    assert not hasattr(pipe, "classes_")
    # the advice taken: gamma against the rest fits, both classes kept
    fitted = analyses.make_imbalance_pipeline(strategy, 0.2, NET, random_state=0).fit(
        X, y == "gamma")
    assert fitted.classes_.tolist() == [False, True]


def test_a_pipeline_is_named_by_its_samplers_and_models_class_not_their_names():
    # QA: the refusal named its strategy by class-name strings: a subclass of
    # AnomalyClassifier was the 'none' pipeline, a sampler of no strategy kept its name
    from imblearn.over_sampling import SVMSMOTE

    class Forest(analyses.AnomalyClassifier):
        pass

    X, y = _four_classes()
    pipe = analyses.make_imbalance_pipeline("isolation_forest", 0.2, NET, random_state=0)
    pipe.set_params(model=Forest(random_state=0))
    with pytest.raises(ValueError, match="^make_imbalance_pipeline's 'isolation_forest' "):
        pipe.fit(X, y)
    pipe = analyses.make_imbalance_pipeline("smote", 0.2, NET, random_state=0)
    pipe.set_params(sampler=SVMSMOTE())
    with pytest.raises(ValueError, match="^make_imbalance_pipeline's 'SVMSMOTE' "):
        pipe.fit(X, y)
