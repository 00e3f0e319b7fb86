"""`hplab study export`'s ``pareto`` column (QA: a multi-objective study's report marked its
front in trials.csv, the export did not)."""

from __future__ import annotations

import csv as csvlib
import json

import optuna
import pandas as pd
from cli_helpers import run_cli

import study


def _dominates(a, b) -> bool:
    """Whether (accuracy up, size down) ``a`` dominates ``b``."""
    return a[0] >= b[0] and a[1] <= b[1] and tuple(a) != tuple(b)


def test_a_multi_objective_export_marks_the_pareto_front(spec_file, tmp_path, capsys):
    path = spec_file("front", dataset="coin", metric=["val_accuracy", "n_parameters"],
                     n_trials=4, max_epochs=3, pruner="none", sampler="nsga2",
                     space={"lr": {"low": 0.001, "high": 0.1, "log": True},
                            "width": {"low": 2, "high": 32, "log": True}},
                     fixed={"optimizer": "adam", "batch_size": 64, "checkpoint": 1},
                     sampler_options={"population_size": 2})
    db = tmp_path / "front.db"
    code, out, err = run_cli(["study", "run", path, "--storage", db, "--no-report",
                              "--json"], capsys)
    assert code == 0, err
    front = {p["number"] for p in json.loads(out)["pareto_front"]}
    # another client's trial that failed: no values, so neither on the front nor off it
    with study.quiet_optuna():
        s = optuna.load_study(study_name="front", storage=f"sqlite:///{db}")
        s.tell(s.ask(), state=optuna.trial.TrialState.FAIL)
    csv = tmp_path / "front.csv"
    for _ in range(2):  # the second over the first: a header with pareto is an export's
        code, out, err = run_cli(["study", "export", "front", "--storage", db, "--csv", csv],
                                 capsys)
        assert (code, err) == (0, ""), err
    frame = pd.read_csv(csv)
    cols = list(frame.columns)
    # beside the objectives, as the report's table has it; reason still last
    assert cols[1:4] == ["values_val_accuracy", "values_n_parameters", "pareto"]
    assert cols[-2:] == ["queued_point", "reason"]
    done = frame[frame["state"] == "COMPLETE"]
    assert len(done) == 4 and frame["pareto"].iloc[-1] != frame["pareto"].iloc[-1]  # NaN
    assert set(done.loc[done["pareto"].astype(bool), "number"]) == front
    assert front and len(front) < 4  # a real front: some trial dominated
    points = {n: (a, p) for n, a, p in zip(done["number"], done["values_val_accuracy"],
                                           done["values_n_parameters"], strict=True)}
    for n, mark in zip(done["number"], done["pareto"].astype(bool), strict=True):
        dominated = any(_dominates(q, points[n]) for m, q in points.items() if m != n)
        assert mark is (not dominated), (n, points)
    # a count exported as one: 45, not optuna's stored 45.0 (QA); the failed trial's empty
    with study.quiet_optuna():
        stored = [t.values for t in s.get_trials()]
    with open(csv, newline="") as fh:
        cells = [row["values_n_parameters"] for row in csvlib.DictReader(fh)]
    assert cells == [str(int(v[1])) for v in stored[:4]] + [""]
    assert all(float(v[1]).is_integer() and v[1] > 10 for v in stored[:4])


def test_a_single_objective_export_keeps_its_header(spec_file, tmp_path, capsys):
    path = spec_file("one", n_trials=2, pruner="none", max_epochs=4)
    db = tmp_path / "one.db"
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    csv = tmp_path / "one.csv"
    code, _, err = run_cli(["study", "export", "one", "--storage", db, "--csv", csv], capsys)
    assert code == 0, err
    cols = list(pd.read_csv(csv).columns)
    assert "pareto" not in cols and cols[:2] == ["number", "value_val_loss"]
