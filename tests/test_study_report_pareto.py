"""The study report of several objectives: its table of trials marks the Pareto front."""

from __future__ import annotations

import json

import optuna
import pandas as pd
import pytest
from cli_helpers import run_cli
from conftest import ONE_PIXEL_PNG, figure_stand_in, report_table

import reports
import study


def _coin_front_study(spec_file, tmp_path, metric, *, n_trials, max_epochs):
    """A small nsga2 study "mo" of ``metric`` on coin (population 4), run and reported:
    (its SQLite file, its report's path)."""
    db = tmp_path / "mo.db"
    spec = study.load_spec(spec_file(
        "mo", dataset="coin", metric=metric, n_trials=n_trials, max_epochs=max_epochs,
        sampler="nsga2", pruner="none", sampler_options={"population_size": 4},
        space={"lr": {"low": 0.003, "high": 0.3, "log": True},
               "width": {"low": 2, "high": 16, "log": True}},
        fixed={"optimizer": "adam", "batch_size": 32, "checkpoint": 2}))
    study.run_study(spec, storage=str(db), progress=False)
    return db, reports.study_report("mo", storage=str(db), out=tmp_path / "mo")


@pytest.mark.slow
def test_the_trials_table_marks_the_pareto_front_and_lists_it_first(spec_file, tmp_path,
                                                                     parse_html, monkeypatch):
    # QA: the report drew the front, but its table of trials did not say which rows were on
    # it; and sorted by the first objective, a front member of low accuracy (a small net)
    # fell below the rows the page shows
    figure_stand_in(monkeypatch, typeset=False)  # no claim on the figures
    db, path = _coin_front_study(spec_file, tmp_path, ["val_accuracy", "n_parameters"],
                                 n_trials=10, max_epochs=8)
    # the front as optuna keeps it
    s = optuna.load_study(study_name="mo", storage=f"sqlite:///{db}")
    front = sorted(t.number for t in s.best_trials)
    assert 1 < len(front) < len(s.trials)
    page = path.read_text()
    header, rows = report_table(page, "table-trials")
    assert header[:4] == ["number", "val_accuracy", "n_parameters", "pareto"]
    marked = [int(row[0]) for row in rows if row[3] == "front"]
    assert sorted(marked) == front
    assert {row[3] for row in rows} == {"front", ""}
    # the front first (the report's best trial heading it), each part best first
    numbers = [int(row[0]) for row in rows]
    assert sorted(numbers[:len(front)]) == front
    accuracy = [float(row[1]) for row in rows]
    assert accuracy[1:len(front)] == sorted(accuracy[1:len(front)], reverse=True)
    assert accuracy[len(front):] == sorted(accuracy[len(front):], reverse=True)
    text = " ".join(parse_html(page).all_text.split())
    assert (f"The {len(front)} trials on the Pareto front, marked front under pareto, come "
            "first: no other trial is at least as good on every objective and better on "
            "one.") in text
    # the CSV marks them too
    table = pd.read_csv(path.parent / "report_files" / "trials.csv")
    assert sorted(table.loc[table["pareto"], "number"]) == front
    assert table["pareto"].dtype == bool


def test_the_parallel_coordinates_of_several_metrics_name_the_one_they_draw(
        spec_file, tmp_path, parse_html, monkeypatch):
    # QA (multiobj): its last axis and colour bar said "value", and its caption "the best
    # trials are drawn brightest", in a study of val_loss and n_parameters: which value,
    # which best?
    from reports import design

    titled = {}

    def png_data_uri(fig, dpi=design.DPI):  # keep each figure's texts, draw none
        ax = fig.axes[0]
        titled[ax.get_title()] = ([t.get_text() for t in ax.get_xticklabels()],
                                  [a.get_ylabel() for a in fig.axes[1:]],
                                  {t.get_text() for t in ax.texts})
        return ONE_PIXEL_PNG, 10, 10

    monkeypatch.setattr(design, "png_data_uri", png_data_uri)
    db, path = _coin_front_study(spec_file, tmp_path, ["val_loss", "n_parameters"],
                                 n_trials=6, max_epochs=6)
    losses = [t.values[0] for t in optuna.load_study(study_name="mo",
                                                     storage=f"sqlite:///{db}").trials]
    ticks, bars, texts = titled["Parallel coordinates (lighter = better)"]
    assert ticks[-1] == "val_loss" and bars == ["val_loss"]
    assert f"{min(losses):.3g}" in texts  # the axis's lower end: the lowest val_loss
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("the best trials (the lowest val_loss, the first objective) are drawn "
            "brightest.") in text


def test_a_study_whose_fixed_rate_diverged_every_trial_is_told_to_lower_that_rate(
        spec_file, tmp_path, parse_html, monkeypatch):
    # QA (multiobj): [fixed] lr = 500, every trial diverged, and the report said "lower the
    # learning-rate range" of a study that searched no rate
    figure_stand_in(monkeypatch, typeset=False)
    db = tmp_path / "mo.db"
    spec = study.load_spec(spec_file(
        "mo", dataset="coin", metric=["val_accuracy", "n_parameters"], n_trials=3,
        max_epochs=6, sampler="nsga2", pruner="none",
        space={"width": {"low": 2, "high": 16, "log": True}},
        fixed={"optimizer": "adam", "lr": 500.0, "batch_size": 32, "checkpoint": 2}))
    summary = study.run_study(spec, storage=str(db), progress=False)
    assert (summary["n_diverged"], summary["pareto_front"], summary["best_value"]) == \
        (3, [], None)
    path = reports.study_report("mo", storage=str(db), out=tmp_path / "mo")
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("No trial completed, so there is no best trial. The table of all trials below "
            "gives the reason each one stopped; if they diverged, lower the learning rate "
            "(fixed.lr = 500).") in text


def test_study_show_of_a_study_whose_every_trial_diverged_says_to_lower_the_rate(
        spec_file, tmp_path, capsys):
    # QA: the terminal listed three divergences and, unlike the report, said nothing of
    # what to do
    db = tmp_path / "dv.db"
    spec = study.load_spec(spec_file(
        "dv", dataset="coin", metric="val_loss", n_trials=2, max_epochs=6, pruner="none",
        space={"width": {"low": 2, "high": 16, "log": True}},
        fixed={"optimizer": "sgd", "lr": 500.0, "batch_size": 32, "checkpoint": 2}))
    summary = study.run_study(spec, storage=str(db), progress=False)
    assert (summary["n_finished"], summary["n_diverged"], summary["best_trial"]) == (2, 2, None)
    code, out, err = run_cli(["study", "show", "dv", "--storage", db], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines[2:4]] == ["  #0 diverged", "  #1 diverged"]
    assert lines[4] == ("no trial completed: all 2 diverged: lower the learning rate in the "
                        "spec (space.lr's range, or fixed.lr)")
    # one trial complete, or one pruned but not diverged: nothing said
    for other in ({"n_complete": 1, "n_diverged": 1}, {"n_diverged": 1}):
        assert not any(line.startswith("no trial completed")
                       for line in reports.study_lines({**summary, **other}))


def test_the_pareto_chart_of_coin_pareto_sizes_labels_2_and_5_times_the_powers(
        spec_file, tmp_path):
    # QA (multiobj): coin-pareto's sizes, 15 to 4797 here (7000 over its 60 trials), read
    # against "100" and "1000" alone: the front's small nets (15, 45) fell between labels
    import matplotlib

    matplotlib.use("Agg")
    from reports import _study_data as sd
    from reports._pareto_draw import draw_pareto

    db = tmp_path / "mo.db"
    spec = study.load_spec(spec_file(
        "mo", dataset="coin", metric=["val_accuracy", "n_parameters"], n_trials=10,
        max_epochs=4, sampler="nsga2", pruner="none",
        space={"lr": {"low": 0.001, "high": 0.1, "log": True},
               "width": {"low": 2, "high": 64, "log": True}, "depth": {"low": 1, "high": 3},
               "activation": ["tanh", "relu"]},
        fixed={"optimizer": "adam", "batch_size": 32, "checkpoint": 2}))
    summary = study.run_study(spec, storage=str(db), progress=False)
    trials = optuna.load_study(study_name="mo", storage=f"sqlite:///{db}").trials
    sizes = sorted(t.values[1] for t in trials)
    assert (sizes[0], sizes[-1]) == (15.0, 4797.0)
    frame = sd.pareto_frame(trials, [p["number"] for p in summary["pareto_front"]],
                            spec.metrics)
    fig = draw_pareto(frame, spec.directions)
    fig.canvas.draw()
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    labels = [t.get_text() for t in ax.get_yticklabels() + ax.get_yticklabels(minor=True)
              if t.get_text() and low <= t.get_position()[1] <= high]
    assert sorted(labels, key=float) == ["20", "50", "100", "200", "500", "1000", "2000",
                                         "5000"]


def test_an_nsga2_study_no_longer_than_its_first_generation_is_said_to_be_random(
        spec_file, tmp_path, capsys):
    # QA (multiobj): `hplab study run coin-pareto --trials 12` (population 20) ran twelve
    # random trials and titled its report nsga2, saying nothing
    import warnings

    from cli_helpers import run_cli

    db = tmp_path / "mo.db"
    spec = spec_file("mo", n_trials=4, max_epochs=4, sampler="nsga2", pruner="none",
                     metric=["val_loss", "n_parameters"],
                     sampler_options={"population_size": 6})

    def run(*flags):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            code, out, err = run_cli(["study", "run", spec, "--storage", db, "--no-report",
                                      "--json", *flags], capsys)
        assert code == 0, err
        return json.loads(out)["n_complete"], [str(w.message) for w in seen
                                               if "generation" in str(w.message)]

    assert run() == (4, [
        "sampler 'nsga2' draws its first generation (sampler.population_size = 6 trials) at "
        "random, and the study's budget is 4: every trial is drawn at random (a random "
        "search); give n_trials (or --trials) above 6 to breed a second generation, or lower "
        "sampler.population_size"])
    # a budget past the first generation breeds a second: no warning
    assert run("--trials", "8") == (8, [])
