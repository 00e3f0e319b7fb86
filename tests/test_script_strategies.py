"""An imbalance remedy a script registers (`nets.register_strategy`, README): the
benchmark runs it beside the built-ins on pool workers too, a study searches it, the report
names it by its label, and a bad name or entry is refused in one line."""

from __future__ import annotations

import pytest
from cli_helpers import run_cli
from imblearn.base import BaseSampler
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import RandomUnderSampler

import analyses
import nets
import reports
import study

MOONS = "moons?imbalance=1:10"
NET = {"hidden": (4,), "max_epochs": 5}


class UnderThenSmote(BaseSampler):
    """Random undersampling to 1:3, then SMOTE to 1:1: a researcher's own resampler."""

    _sampling_type = "over-sampling"
    _parameter_constraints: dict = {}

    def __init__(self, sampling_strategy="auto", random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _fit_resample(self, X, y):
        X, y = RandomUnderSampler(sampling_strategy=1 / 3,
                                  random_state=self.random_state).fit_resample(X, y)
        return SMOTE(k_neighbors=3, random_state=self.random_state).fit_resample(X, y)


def _make(ratio, random_state):
    return UnderThenSmote(random_state=random_state)


@pytest.fixture
def own():
    nets.register_strategy("under_smote", _make, label="UnderThenSMOTE",
                           description="undersample to 1:3, then SMOTE to 1:1")
    yield
    del nets.STRATEGIES["under_smote"]


def test_the_benchmark_runs_one_s_own_strategy_on_two_workers_and_reports_its_label(
        own, tmp_path, parse_html):
    # QA: with workers=2 every run of it failed, "unknown strategy 'under_smote'" (a worker
    # knew hplab's strategies only)
    runs = {}
    for workers in (1, 2):
        res = analyses.imbalance_benchmark(MOONS, strategies="none,under_smote", seeds=2,
                                           workers=workers, net_params=NET)
        frame = res.to_frame()
        frame = frame[frame["threshold"] == "0.5"].set_index(["strategy", "seed"])
        assert (frame["status"] == "ok").all(), frame["reason"].tolist()
        runs[workers] = frame["pr_auc"].round(12).to_dict()
    assert runs[2] == runs[1]
    # its sampler ran: balanced 1:1 training rows, fewer negatives than none's
    fit = frame.loc["under_smote"]
    assert (fit["n_fit_pos"] == fit["n_fit_neg"]).all()
    assert (fit["n_fit_neg"] < frame.loc["none", "n_fit_neg"]).all()
    ranking = res.ranking()
    assert ranking.set_index("strategy").loc["under_smote", "label"] == "UnderThenSMOTE"
    reports.imbalance_report(res, tmp_path / "rep")
    page = (tmp_path / "rep" / "report.html").read_text()
    assert not parse_html(page).errors
    # the ranked strategies' table: its name, then its label
    assert "<td>under_smote</td><td>UnderThenSMOTE</td>" in page


def _spec():
    return study.parse_spec({
        "study": {"name": "own-strategy", "dataset": MOONS, "metric": "val_pr_auc",
                  "max_epochs": 5, "n_trials": 6, "sampler": "random", "seed": 0},
        "space": {"imbalance_strategy": ["none", "under_smote"]},
        "fixed": {"width": 4, "batch_size": 64}})


def test_a_study_searches_one_s_own_strategy_on_two_workers(own, tmp_path, monkeypatch,
                                                             capsys):
    monkeypatch.chdir(tmp_path)
    found = {}
    for workers in (1, 2):
        db = str(tmp_path / f"w{workers}.db")
        summary = study.run_study(_spec(), storage=db, workers=workers)
        assert (summary["n_complete"], summary["n_fail"]) == (6, 0)
        trials = study.open_study("own-strategy", db)[0].trials
        found[workers] = sorted((t.number, t.params["imbalance_strategy"],
                                 round(t.values[0], 12)) for t in trials)
    assert found[2] == found[1]
    assert {s for _, s, _ in found[1]} == {"none", "under_smote"}
    # the hplab command, which has hplab's strategies only, says what to register
    entry = nets.STRATEGIES.pop("under_smote")
    try:
        code, _, err = run_cli(["study", "report", "own-strategy", "--storage", db], capsys)
        assert code == 2 and err.count("\n") == 1
        assert ("uses imbalance_strategy 'under_smote', not registered in this process: "
                "register it in nets.STRATEGIES (nets.register_strategy)") in err
    finally:
        nets.STRATEGIES["under_smote"] = entry


def test_an_unknown_strategy_is_refused_naming_the_registered_ones(own):
    with pytest.raises(ValueError, match=r"unknown strategy 'under_smot'.*under_smote"):
        analyses.imbalance_benchmark(MOONS, strategies="none,under_smot", seeds=1)


@pytest.mark.parametrize(("args", "kwargs", "error", "said"), [
    (("mine", "not a function"), {}, TypeError, "sampler must be a function (sampling_ratio, "
     "random_state) -> an imbalanced-learn sampler, got str"),
    (("mine", _make), {"kind": "anomaly"}, ValueError,
     "kind must be one of over, under, clean, combined, got 'anomaly'"),
    (("smote", _make), {}, ValueError, "strategy 'smote' is hplab's own (or an alias of one)"),
    (("ros", _make), {}, ValueError, "strategy 'ros' is hplab's own (or an alias of one)"),
    (("Mine", _make), {}, ValueError, "strategy name must be a non-empty lower-case string"),
    ((None, _make), {}, TypeError, "strategy name must be a string, got None"),
    (("mine", lambda ratio, rs: object()), {}, ValueError,
     "sampler(0.2, 0) returned object, not an imbalanced-learn sampler (no fit_resample)"),
    (("mine", lambda: UnderThenSmote()), {}, ValueError, "sampler(0.2, 0) raised TypeError"),
    (("mine", _make), {"uses_ratio": "yes"}, TypeError, "uses_ratio must be True or False"),
    (("mine", _make), {"label": ""}, TypeError, "label must be a non-empty string"),
])
def test_a_malformed_entry_is_refused_in_one_line(args, kwargs, error, said):
    # the docstring's Raises: a value of the wrong type a TypeError, a wrong value ValueError
    with pytest.raises(error) as caught:
        nets.register_strategy(*args, **kwargs)
    assert said in str(caught.value) and "\n" not in str(caught.value)
    assert set(nets.STRATEGIES) == set(nets.BUILT_IN_STRATEGIES)


def test_a_twin_of_one_s_own_combined_strategy_is_not_said_as_a_smote_cleaner(tmp_path):
    """A script's strategy (kind "combined" by default) fitted as SMOTE did: the report said
    "its MySMOTE step removed nothing here", the words of SMOTETomek's Tomek step."""
    nets.register_strategy("my_smote", lambda ratio, rs: SMOTE(sampling_strategy=ratio,
                                                               random_state=rs),
                           label="MySMOTE", uses_ratio=True)
    try:
        res = analyses.imbalance_benchmark(MOONS, strategies="smote,my_smote", seeds=1,
                                           net_params=NET)
        twins = res.twins()
        assert twins[["strategy", "twin", "same_fit"]].values.tolist() == [
            ["my_smote", "smote", True]]
        reports.imbalance_report(res, tmp_path / "rep")
    finally:
        del nets.STRATEGIES["my_smote"]
    page = (tmp_path / "rep" / "report.html").read_text()
    assert "its MySMOTE step" not in page
    assert ("my_smote fitted the same class counts as smote here, and its runs are "
            "smote&#39;s, seed for seed") in page
