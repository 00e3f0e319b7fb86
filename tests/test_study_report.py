"""The study report: every view is there, the best model is saved, secrets are not."""

from __future__ import annotations

import contextlib
import dataclasses
import html
import io
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import uuid
import warnings
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from cli_helpers import (
    ended_or_waiting_on_a_lock,
    file_sha,
    give_away,
    hplab_process,
    run_cli,
    run_cli_as_program,
    within,
)
from conftest import (
    copy_files,
    drawn_axes,
    ended_worker,
    figure_stand_in,
    pruned_study,
    report_facts,
    report_table,
    require_module,
    stored_study_files,
    trials_of,
)
from data_helpers import harvest_csv, read_csv_exactly

import hplab
import reports
import study
from reports._study_importance import share_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def unrasterized(monkeypatch):
    """Figures built and their data written, but not typeset either (the suite's default
    typesets them, see conftest), for tests whose claims are about no figure: drawing a
    report's figures is most of its cost. The figures are drawn in full (``rasterized``)
    by `test_study_report_has_every_view_and_the_best_model`, the dollar-label test, the
    views tests and the browser tests."""
    figure_stand_in(monkeypatch, typeset=False)


# one small XOR study, run once: rates on both sides of 1e-3 (a column's notation), a
# description (the title's), 4 trials of 4 epochs; the tests that only read its report share
# one (its fANOVA run on a sample of 3 of the 4 trials, for the importances' caption), those
# that write reports of it take a copy of its storage
ABOUT = "How wide, how fast: <the 4 XOR points> & nothing else"
SHARED = {"n_trials": 4, "max_epochs": 4, "pruner": "none", "description": ABOUT,
          "space": {"lr": {"low": 1e-4, "high": 1e-2, "log": True},
                    "width": {"low": 2, "high": 6}}}


@pytest.fixture(scope="module")
def shared_files(tmp_path_factory):
    """The storage files of the finished study "nota" (`SHARED`), run once."""
    return stored_study_files(tmp_path_factory, "nota", **SHARED)


SHARED_FANOVA_MAX_TRIALS = 3  # fANOVA of the shared report: on a sample of its 4 trials


@pytest.fixture(scope="module")
def shared_report(shared_files, tmp_path_factory):
    """(storage, report path) of study "nota", its report written once (figures built, not
    typeset, as `unrasterized` has them; fANOVA on a sample of `SHARED_FANOVA_MAX_TRIALS`
    trials) for the tests that only read them."""
    from reports import _study_importance as si

    folder = tmp_path_factory.mktemp("nota-report")
    copy_files(folder, shared_files)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        figure_stand_in(patch, typeset=False)
        patch.setattr(si, "FANOVA_MAX_TRIALS", SHARED_FANOVA_MAX_TRIALS, raising=False)
        path = reports.study_report("nota", storage=str(folder / "nota.db"),
                                    out=folder / "nota")
    return folder / "nota.db", path


def _coin_spec(spec_file, name, **keys):
    return spec_file(name, dataset="coin", metric=keys.pop("metric", "val_accuracy"),
                     n_trials=keys.pop("n_trials", 8), max_epochs=8,
                     space=keys.pop("space", {"lr": {"low": 0.003, "high": 0.3, "log": True},
                                              "width": {"low": 2, "high": 16, "log": True},
                                              "activation": ["tanh", "relu"]}),
                     fixed={"optimizer": "adam", "batch_size": 32, "checkpoint": 2}, **keys)


@pytest.mark.rasterized
@pytest.mark.slow
def test_study_report_has_every_view_and_the_best_model(spec_file, tmp_path, parse_html):
    db = tmp_path / "rep.db"
    spec = study.load_spec(_coin_spec(spec_file, "rep", pruner="median",
                                      pruner_options={"n_startup_trials": 5}))
    summary = study.run_study(spec, storage=str(db), progress=False)
    out = tmp_path / "runs" / "studies" / "rep"
    path = reports.study_report("rep", storage=str(db), out=out)
    assert path == out / "report.html"
    page = parse_html(path.read_text())
    assert not page.errors
    files = {p.name for p in (out / "report_files").iterdir()}
    for name in ("outcomes", "history", "importances", "contour", "slices", "parallel",
                 "timeline", "best-params", "best-history", "confusion", "trials"):
        assert f"{name}.csv" in files, name
    assert any(f.startswith("decision-map") for f in files)  # coin has two features
    if summary["n_pruned"]:
        assert "intermediate.csv" in files
    if "intermediate.csv" in files:  # the pruner's curves: no second set of them
        assert "curves.csv" not in files
    assert (out / "best_model" / "model.npz").exists()
    # parallel coordinates' data are the trials' values (they were only 0-1 positions)
    par = pd.read_csv(out / "report_files" / "parallel.csv")
    assert set(par["activation"]) <= {"tanh", "relu"} and set(par["activation_position"]) \
        <= {0.0, 1.0}
    assert par["lr"].between(0.003, 0.3).all() and par["width"].between(2, 16).all()
    methods = set(pd.read_csv(out / "report_files" / "importances.csv")["method"])
    assert methods == {"PED-ANOVA", "fANOVA"}
    assert f"#{summary['best_trial']}" in page.all_text
    assert "Pareto front" not in page.all_text  # one objective: no front, no rule to state
    assert "(the test set is used only here, once the search is over)" in " ".join(
        page.all_text.split())
    assert (tmp_path / "runs" / "index.html").exists()  # the index was refreshed
    # the retrained best trial scores what the study recorded (same config and seed)
    best = json.loads((out / "best_model" / "config.json").read_text())
    assert best["seed"] == [0, summary["best_trial"]]
    assert "retrained run scored" not in page.all_text
    # the table: the best trial first, complete trials before pruned ones, then the rest
    table = pd.read_csv(out / "report_files" / "trials.csv")
    assert table["number"].iloc[0] == summary["best_trial"]
    rank = table["state"].map({"complete": 0, "pruned": 1}).fillna(2)
    assert rank.is_monotonic_increasing
    _assert_importances_are_in_words(path.read_text(), out / "report_files")


def test_the_reports_export_onnx_command_runs_from_its_folder(shared_report, tmp_path,
                                                              monkeypatch, capsys):
    # QA: "Use this model" said `hplab export-onnx best_model/model.npz
    # best_model/model.onnx`, which export-onnx refused (best_model/ is the report's own
    # folder, which an output must not join); the graph now goes beside the report
    require_module("onnx")
    _, path = shared_report
    folder = tmp_path / "nota"
    shutil.copytree(path.parent, folder)
    page = html.unescape(re.sub(r"<[^>]+>", "", (folder / "report.html").read_text()))
    command = re.search(r"hplab (export-onnx [^\n]+)", page).group(1)
    assert command == "export-onnx best_model/model.npz model.onnx"
    monkeypatch.chdir(folder)
    assert hplab.main(shlex.split(command)) == 0, capsys.readouterr().err
    assert (folder / "model.onnx").stat().st_size > 0


def _assert_importances_are_in_words(text: str, files: Path) -> None:
    # QA: the importances were only bars (and a CSV); the contour's caption and alt said
    # "the two most important parameters" without naming them
    imp = pd.read_csv(files / "importances.csv")
    ranked = list(imp.groupby("param")["importance"].mean().sort_values(ascending=False).index)
    head, rows = report_table(text, "table-importance-ranking")
    assert head == ["parameter", "PED-ANOVA", "fANOVA"]
    assert [row[0] for row in rows] == ranked
    shares = imp.set_index(["param", "method"])["importance"]
    # each method's column in one notation (review: cell by cell passed only while every
    # share stayed in fixed notation's range): a share below 0.001 is "<0.001", not the
    # whole column in scientific notation
    for k, method in enumerate(head[1:], 1):
        assert [row[k] for row in rows] == [share_text(shares[(row[0], method)])
                                            for row in rows]
    alt, caption = re.search(r'id="fig-contour".*?alt="([^"]*)".*?<figcaption>([^<]*)', text,
                             re.S).groups()
    # contours where the caption says it interpolates, else the trials as points
    drawn = ("Contour chart of" if "interpolated between trials" in caption
             else "Scatter chart of the trials'")
    assert html.unescape(alt) == f"{drawn} val_accuracy over {ranked[0]} and {ranked[1]}"
    assert caption.startswith(f"val_accuracy over {ranked[0]} and {ranked[1]}, the two most "
                              "important parameters")
    # an image's alt names it; its caption, read right after, describes it
    figures = re.findall(r'<img [^>]*alt="([^"]*)".*?<figcaption>([^<]*)', text, re.S)
    assert len(figures) >= 10
    for alt, caption in figures:
        assert not html.unescape(caption).strip().startswith(html.unescape(alt)), alt
    assert ("Bar chart of parameter importances by PED-ANOVA and fANOVA"
            in dict(figures))


def test_a_pruned_trial_never_heads_the_table_of_trials():
    from reports._study_trials_section import _sorted

    frame = pd.DataFrame({"number": [0, 1, 2, 3], "state": ["complete", "pruned", "fail",
                                                            "complete"],
                          "val_loss": [0.5, 0.1, None, 0.3], "start": 0, "complete": 0})
    assert list(_sorted(frame, ["val_loss"], ["minimize"])["number"]) == [3, 0, 1, 2]
    frame["val_loss"] = [0.5, 0.9, None, 0.7]
    assert list(_sorted(frame, ["val_loss"], ["maximize"])["number"]) == [3, 0, 1, 2]


def _in_memory_study(directions, rows, **dists):
    """A study of complete trials numbered in order: ``rows`` of (values, params)."""
    s = optuna.create_study(directions=directions)
    s.add_trials([optuna.trial.create_trial(params=params, distributions=dists, values=values)
                  for values, params in rows])
    return s


@pytest.mark.parametrize("metrics, directions, table", [
    # QA (mo1): epochs tied at 5 in every trial; the best trial, #4 (the only one on the
    # front, best val_accuracy), was listed fifth, in the order the trials ran
    (["epochs", "val_accuracy"], ["minimize", "maximize"],
     {0: (5, 0.46), 1: (5, 0.39), 2: (5, 0.46), 3: (5, 0.54), 4: (5, 0.57), 5: (5, 0.52)}),
    # two front members tied on the first objective: the report's best (the first of them)
    # heads the table though the other has the better second objective; the front's third
    # member (#2) before #3, which #0 dominates, though #3 is better on the first objective
    (["epochs", "val_accuracy", "n_parameters"], ["minimize", "maximize", "minimize"],
     {0: (5, 0.5, 10), 1: (5, 0.6, 20), 2: (6, 0.9, 5), 3: (5, 0.5, 30)}),
])
def test_the_best_trial_heads_the_table_when_the_first_objective_ties(metrics, directions,
                                                                       table):
    from types import SimpleNamespace

    from reports import _study_data as sd
    from reports._study_trials_section import _sorted

    s = _in_memory_study(directions, [(v, {"lr": 0.01 * (n + 1)}) for n, v in table.items()],
                         lr=optuna.distributions.FloatDistribution(0.001, 1.0))
    summary = study.study_summary(s, SimpleNamespace(masked="memory"))
    best, front = summary["best_trial"], [p["number"] for p in summary["pareto_front"]]
    order = list(_sorted(sd.trials_frame(s.trials, metrics), metrics, directions, best,
                         front)["number"])
    assert order == ([4, 3, 5, 0, 2, 1] if len(metrics) == 2 else [0, 1, 2, 3])
    assert best == order[0]


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_pareto_front_for_several_objectives(spec_file, tmp_path):
    db = tmp_path / "mo.db"
    spec = study.load_spec(_coin_spec(spec_file, "mo", metric=["val_accuracy", "n_parameters"],
                                      sampler="nsga2", pruner="none",
                                      sampler_options={"population_size": 4}))
    summary = study.run_study(spec, storage=str(db), progress=False)
    assert summary["pareto_front"] and len(summary["best_value"]) == 2
    path = reports.study_report("mo", storage=str(db), out=tmp_path / "mo")
    front = pd.read_csv(path.parent / "report_files" / "pareto.csv")
    assert front["pareto"].sum() == len(summary["pareto_front"])
    text = " ".join(path.read_text().split())
    assert "Importances for val_accuracy, the first objective." in text
    assert "val_accuracy against n_parameters; each point on the front is a best trade-off." \
        in text
    # the objectives head their columns by name; n_parameters once, as the objective
    table = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    assert list(table.columns).count("n_parameters") == 1 and "value_0" not in table
    points = front.set_index("number")
    assert list(front.columns) == ["number", "val_accuracy", "n_parameters", "pareto"]
    assert (table.loc[points.index, "val_accuracy"] == points["val_accuracy"]).all()
    assert (table.loc[points.index, "n_parameters"] == points["n_parameters"]).all()
    # PED-ANOVA of the first objective, maximized: what sets the best 10 % (by accuracy)
    # apart; optuna reads any target as lower-is-better, so the report negates it
    imp = pd.read_csv(path.parent / "report_files" / "importances.csv")
    ped = imp[imp["method"] == "PED-ANOVA"].set_index("param")["importance"]
    s = optuna.load_study(study_name="mo", storage=f"sqlite:///{db}")
    with pytest.warns(UserWarning, match="importances of params to achieve low `target`"):
        expected = optuna.importance.get_param_importances(
            s, evaluator=optuna.importance.PedAnovaImportanceEvaluator(),
            params=list(ped.index), target=lambda t: -t.values[0])
    assert ped.to_dict() == pytest.approx(expected)


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_three_objectives_keep_the_third_and_say_how_the_best_was_chosen(
        spec_file, tmp_path, parse_html, monkeypatch):
    # pareto.csv dropped the third objective; the figure joined front members one of which
    # beat the other in the plane, and never said why the best trial was that one
    from reports import _pareto_draw

    styles, labels, draw = [], [], _pareto_draw.draw_pareto

    def draw_pareto(frame, **kw):  # the figure, looked at before the report shuts it
        fig = draw(frame, **kw)
        styles.extend(line.get_linestyle() for line in fig.axes[0].lines)
        labels.extend(t.get_text() for t in fig.axes[0].texts)
        return fig

    monkeypatch.setattr(_pareto_draw, "draw_pareto", draw_pareto)
    db = tmp_path / "three.db"
    metrics = ["val_accuracy", "n_parameters", "val_loss"]
    spec = study.load_spec(_coin_spec(spec_file, "three", metric=metrics, sampler="nsga2",
                                      pruner="none", sampler_options={"population_size": 4}))
    summary = study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("three", storage=str(db), out=tmp_path / "three")
    front = pd.read_csv(path.parent / "report_files" / "pareto.csv").set_index("number")
    assert list(front.columns) == [*metrics, "pareto"]
    table = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    for m in metrics:
        assert (table.loc[front.index, m] == front[m]).all(), m
    members = [p["number"] for p in summary["pareto_front"]]
    assert sorted(front.index[front["pareto"]]) == members and len(members) > 1
    assert styles == ["None"]  # the front is marked, not joined
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("val_accuracy against n_parameters; val_loss is not drawn. The front's points are "
            "those no trial dominates over all 3 objectives") in text
    listed = ", ".join(f"#{n}" for n in members)
    # a trial tying one objective and worse on the other is off the front: "no other
    # beats it on every objective" said it belonged
    assert ("Trials no other trial dominates: none is at least as good on every objective "
            "and better on one.") in text
    assert (f"Best trial: #{summary['best_trial']} Of the {len(members)} trials on the Pareto "
            f"front ({listed}), this is the one with the highest val_accuracy, the first "
            "metric. Retrained from its configuration") in text
    best = front.loc[members, "val_accuracy"].max()
    assert front.loc[summary["best_trial"], "val_accuracy"] == best
    # QA: the front's points carried no trial numbers, so the #0, #1, #6 the text names
    # could not be found on it; and the header showed the best trial's first objective alone
    assert sorted(n for label in labels for n in label.split(", ")) == sorted(
        f"#{n}" for n in members)
    first = reports.read_report_info(path).headline[0]
    assert first == {"label": "Best trial's val_accuracy · n_parameters · val_loss",
                     "text": " · ".join(reports.design.format_value(v)
                                        for v in summary["best_value"])}
    assert first["text"].split(" · ")[1] == f"{front.loc[summary['best_trial'], 'n_parameters']:g}"


def test_trials_at_one_point_of_the_pareto_front_share_its_label():
    # QA: #1, #6 and #7 at one point were three labels drawn over each other
    import matplotlib.pyplot as plt

    from reports._pareto_draw import draw_pareto

    frame = pd.DataFrame({"number": [0, 1, 6, 7, 3], "val_accuracy": [0.9, 0.8, 0.8, 0.8, 0.5],
                          "n_parameters": [90, 40, 40, 40, 50],
                          "pareto": [True, True, True, True, False]})
    fig = draw_pareto(frame)
    try:
        labels = {t.get_text(): t.xy for t in fig.axes[0].texts}
    finally:
        plt.close(fig)
    assert labels == {"#0": (0.9, 90), "#1, #6, #7": (0.8, 40)}


def test_pareto_front_is_in_the_json_with_no_complete_trial(spec_file, tmp_path, capsys):
    # every trial diverges (lr 1e4+): the key was missing, though --json keys are a contract
    path = _coin_spec(spec_file, "alldiv", metric=["val_loss", "n_parameters"], seed=1,
                      sampler="nsga2", pruner="none", sampler_options={"population_size": 4},
                      space={"lr": {"low": 1e4, "high": 1e5, "log": True},
                             "width": {"low": 2, "high": 32, "log": True}})
    db = str(tmp_path / "alldiv.db")
    assert hplab.main(["study", "run", str(path), "--trials", "3", "--storage", db,
                       "--json", "--no-report"]) == 0
    ran = json.loads(capsys.readouterr().out)
    assert hplab.main(["study", "show", "alldiv", "--storage", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    for summary in (ran, shown):
        assert (summary["n_complete"], summary["n_diverged"]) == (0, 3)
        assert summary["pareto_front"] == []
        assert summary["best_value"] is summary["best_params"] is summary["best_trial"] is None


@pytest.mark.usefixtures("unrasterized")
def test_a_study_whose_trials_all_diverged_draws_no_pruning_view_and_lists_them_in_order(
        spec_file, tmp_path, parse_html):
    # QA: lr 1e30 blows every trial up before its first checkpoint: the pruning view drew
    # one column of points at epoch 0 on an axis of -0.04..0.04, and the table ranked the
    # trials by their untrained nets' loss
    db = tmp_path / "div.db"
    spec = study.load_spec(spec_file("div", n_trials=3, max_epochs=100,
                                     space={"width": {"low": 2, "high": 8}},
                                     fixed={"lr": 1e30, "batch_size": 1, "checkpoint": 25}))
    summary = study.run_study(spec, storage=str(db), progress=False)
    assert (summary["n_complete"], summary["n_diverged"]) == (0, 3)
    trials = trials_of(db, "div")
    assert [sorted(t.intermediate_values) for t in trials] == [[0]] * 3
    by_value = [t.number for t in sorted(trials, key=lambda t: t.value)]
    assert by_value != [0, 1, 2]  # the order the table had
    path = reports.study_report("div", storage=str(db), out=tmp_path / "div")
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("Pruning No curves to draw: every trial stopped before epoch 25, its first "
            "checkpoint after the untrained net, so each reported one value (at epoch 0) and "
            "the pruner compared none (3 diverged).") in text
    assert not (path.parent / "report_files" / "intermediate.csv").exists()
    table = pd.read_csv(path.parent / "report_files" / "trials.csv")
    assert list(table["number"]) == [0, 1, 2]
    assert list(table["status"]) == ["diverged"] * 3


def test_the_importances_caption_says_fanova_ran_on_a_sample(shared_report, parse_html):
    # the shared report's fANOVA ran on a sample (`SHARED_FANOVA_MAX_TRIALS` of 4 trials)
    db, path = shared_report
    summary = study.show_study("nota", str(db))
    assert summary["n_complete"] == SHARED["n_trials"] > SHARED_FANOVA_MAX_TRIALS
    text = parse_html(path.read_text()).all_text
    assert (f"fANOVA on {SHARED_FANOVA_MAX_TRIALS} of {summary['n_complete']} trials, a "
            "seeded random sample") in text
    # QA: XOR's 4 points are all three splits: its "test" score is no held-out one
    assert ("(on xor the test set is the training set itself, as the validation set is, so "
            "its score is no held-out score)") in " ".join(text.split())


class _Page:
    """What `add_what_mattered` puts in a report, without drawing: (kind or name, text)."""

    def __init__(self):
        self.blocks = []

    def add_section(self, title, text=""):
        self.blocks.append(("section", title))

    def add_text(self, text, *, note=False):
        self.blocks.append(("note" if note else "text", text))

    def add_figure(self, name, draw, data, *, caption, alt=None):
        self.blocks.append((name, caption))

    def add_table(self, frame, *, name=None, caption="", **keys):
        self.blocks.append((name, caption))


def _what_mattered(s, metrics, directions) -> dict[str, str]:
    """The section "What mattered" of in-memory study ``s``: {note or figure: its text}."""
    from types import SimpleNamespace

    from reports import _study_data as sd
    from reports._study_mattered import add_what_mattered

    # the space names which searched optimizers read a setting only some trials have
    # (study.searched_readers): these studies have none
    spec = SimpleNamespace(metrics=metrics, directions=directions, seed=0,
                           multi_objective=len(metrics) > 1, space=study.Space(()))
    page = _Page()
    add_what_mattered(page, s, spec, sd.param_table(s.trials), metrics[0],
                    directions[0] == "maximize")
    return dict(page.blocks)


_LR_WIDTH = {"lr": optuna.distributions.FloatDistribution(0.01, 0.5, log=True),
             "width": optuna.distributions.IntDistribution(1, 4)}
_PARAMS = [{"lr": 0.086, "width": 3}, {"lr": 0.106, "width": 3}, {"lr": 0.052, "width": 3},
           {"lr": 0.055, "width": 4}, {"lr": 0.434, "width": 2}, {"lr": 0.2, "width": 1}]


@pytest.mark.parametrize("metrics, directions, values, said", [
    # QA (constm): xor, metric epochs at max_epochs 3: 3 in every trial
    (["epochs"], ["minimize"], [[3.0]] * 5, "epochs did not vary (3 in all 5 complete "
                                            "trials)"),
    # QA (mo1): several objectives, the first constant
    (["epochs", "val_accuracy"], ["minimize", "maximize"],
     [[5.0, a] for a in (0.46, 0.39, 0.46, 0.54, 0.57, 0.52)],
     "epochs, the first objective, did not vary (5 in all 6 complete trials)"),
])
def test_a_constant_objective_ranks_no_parameter(metrics, directions, values, said):
    # QA: PED-ANOVA gave equal shares (lr 0.5, width 0.5), fANOVA failed unsaid, and a
    # contour of "the two most important parameters" was drawn
    s = _in_memory_study(directions, zip(values, _PARAMS, strict=False), **_LR_WIDTH)
    shown = _what_mattered(s, metrics, directions)
    assert shown["note"] == f"No importances: {said}, so no parameter can be ranked by it."
    assert not {"importances", "importance-ranking", "contour"} & set(shown)
    assert {"slices", "parallel"} <= set(shown)


def test_a_method_that_fails_is_neither_described_nor_unexplained(monkeypatch):
    # fANOVA is fitted on a seeded sample (trials 3, 4 and 5 of 6 here), where the value
    # happens not to vary: it raises, PED-ANOVA (on all six) is drawn alone
    from reports import _study_importance as si

    monkeypatch.setattr(si, "FANOVA_MAX_TRIALS", 3)
    s = _in_memory_study(["minimize"], zip([[2.0]] + [[1.0]] * 5, _PARAMS, strict=True),
                         **_LR_WIDTH)
    caption = _what_mattered(s, ["val_loss"], ["minimize"])["importances"]
    assert caption == (
        "From only 6 complete trials: a rough ranking, which more trials may change. "
        "PED-ANOVA: how much each parameter's distribution differs between the best 10 % of "
        "trials and all of them. fANOVA failed on these trials (Encountered zero total "
        "variance in all trees), so it is left out.")


def test_the_slices_caption_names_the_parameters_it_leaves_out():
    # QA: slices are drawn for the 9 most important parameters only: on a space of ten,
    # depth (searched 1-4) had none, and the caption did not say so
    rng = np.random.default_rng(0)
    names = [f"p{i}" for i in range(11)]
    dists = {n: optuna.distributions.FloatDistribution(0.0, 1.0) for n in names}
    rows = []
    for _ in range(12):
        params = {n: float(v) for n, v in zip(names, rng.uniform(0, 1, len(names)),
                                                strict=True)}
        # p0 decides the value, the others less and less: the two ranked last are left out
        rows.append(([sum(params[n] * 10.0 ** -i for i, n in enumerate(names))], params))
    s = _in_memory_study(["minimize"], rows, **dists)
    captions = _what_mattered(s, ["val_loss"], ["minimize"])
    ranking = _ranking(s)
    assert captions["slices"].startswith(
        "The value against each parameter alone (the 9 most important; not shown: "
        f"{ranking[9]}, {ranking[10]}). A clear trend")
    few = _in_memory_study(["minimize"], [(v, {"lr": 0.01 + p["p0"] / 3,
                                               "width": 2 + int(p["p1"] * 2)})
                                          for v, p in rows], **_LR_WIDTH)
    assert _what_mattered(few, ["val_loss"], ["minimize"])["slices"].startswith(
        "The value against each parameter alone. A clear trend")


def test_the_slices_caption_says_which_panels_spread_their_trials():
    # QA: the slices stacked a category's trials on one dot; now spread over its cell, and
    # the caption says so (width: an int of 4 values; lr, a float, stays as it is)
    rows = [([v], p) for v, p in zip([0.3, 0.2, 0.25, 0.1, 0.4, 0.35], _PARAMS, strict=True)]
    s = _in_memory_study(["minimize"], rows, **_LR_WIDTH)
    assert _what_mattered(s, ["val_loss"], ["minimize"])["slices"].endswith(
        "a cloud means it matters little or only together with others. In the panels of "
        "width, the trials at one value are spread across its cell in trial order (earlier "
        "ones to the left), where they would share one point.")
    apart = _in_memory_study(["minimize"], [(v, {**p, "width": i % 4 + 1})
                                            for i, (v, p) in enumerate(rows[:4])],
                             **_LR_WIDTH)  # no two trials at one width: nothing spread
    assert _what_mattered(apart, ["val_loss"], ["minimize"])["slices"].endswith(
        "only together with others.")


def _ranking(s) -> list[str]:
    from reports import _study_importance as si

    return si.top_params(si.importance_frame(s), 100)


def test_what_mattered_views_take_the_two_most_important_parameters_first():
    # mutation QA: top_params giving the two LEAST important parameters (the two-parameter
    # view drawn for them) passed every fast test: the only call asked for all of them
    from reports import _study_importance as si

    rng = np.random.default_rng(0)
    names = ["p0", "p1", "p2"]
    dists = {n: optuna.distributions.FloatDistribution(0.0, 1.0) for n in names}
    rows = []
    for _ in range(12):  # p0 decides the value, p1 less, p2 not at all
        params = dict(zip(names, map(float, rng.uniform(0, 1, 3)), strict=True))
        rows.append(([params["p0"] + 0.4 * params["p1"]], params))
    imp = si.importance_frame(_in_memory_study(["minimize"], rows, **dists))
    means = imp.groupby("param")["importance"].mean().round(3).to_dict()
    assert means == {"p0": 0.828, "p1": 0.098, "p2": 0.073}
    assert si.top_params(imp, 2) == ["p0", "p1"]
    assert si.top_params(imp) == ["p0", "p1"] and si.top_params(imp, 3) == ["p0", "p1", "p2"]


def test_importances_from_few_trials_are_called_a_rough_ranking():
    # QA: three complete trials gave a ranking said as firmly as forty's (PED-ANOVA's best
    # 10 % was one trial); below FEW_TRIALS the caption says how few
    from reports import _study_importance as si

    rng = np.random.default_rng(0)
    rows = [([float(lr)], {"lr": float(lr), "width": int(w)}) for lr, w in zip(
        np.exp(rng.uniform(np.log(0.01), np.log(0.5), si.FEW_TRIALS)),
        rng.integers(1, 5, si.FEW_TRIALS), strict=True)]
    s = _in_memory_study(["minimize"], rows[:si.MIN_TRIALS], **_LR_WIDTH)
    caption = _what_mattered(s, ["val_loss"], ["minimize"])["importances"]
    assert caption.startswith("From only 3 complete trials: a rough ranking, which more "
                              "trials may change. PED-ANOVA: ")
    assert caption.endswith("Both put lr first: agreement between the two is reassuring.")
    # QA: the caveat went at 20 trials, where PED-ANOVA's best 10 % is 2 trials (optuna's
    # docs ask for 5 there: ceil(0.1 n) >= 5 from n = 41)
    s.add_trials([optuna.trial.create_trial(params=p, distributions=_LR_WIDTH, values=v)
                  for v, p in rows[si.MIN_TRIALS:40]])
    assert _what_mattered(s, ["val_loss"], ["minimize"])["importances"].startswith(
        "From only 40 complete trials: a rough ranking")
    s.add_trials([optuna.trial.create_trial(params=p, distributions=_LR_WIDTH, values=v)
                  for v, p in rows[40:]])
    assert len(s.trials) == si.FEW_TRIALS == 41
    assert _what_mattered(s, ["val_loss"], ["minimize"])["importances"].startswith(
        "PED-ANOVA: ")
    # one parameter has all the importance by definition: nothing to rank roughly
    one = _in_memory_study(["minimize"], [(v, {**p, "width": 3}) for v, p in rows[:3]],
                           **_LR_WIDTH)
    assert _what_mattered(one, ["val_loss"], ["minimize"])["importances"].startswith(
        "PED-ANOVA: ")


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_a_report_of_numeric_choices_prints_no_optuna_line(spec_file, tmp_path, capfd,
                                                           monkeypatch):
    # batch_size = [16, 32] (numbers on a range for fANOVA) and a sample of the trials made
    # in-memory studies: "[I ...] A new study created in memory with name: no-name-..."
    # on stderr after every study run and report
    from reports import _study_importance as si

    path = spec_file("grid", dataset="coin", metric="val_accuracy", n_trials=6, max_epochs=2,
                     pruner="none", fixed={"optimizer": "adam"},
                     space={"lr": {"low": 0.003, "high": 0.3, "log": True},
                            "batch_size": [16, 32]})
    monkeypatch.setattr(si, "FANOVA_MAX_TRIALS", 4)
    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.INFO)  # optuna's default, as a user has it
    monkeypatch.chdir(tmp_path)  # the run's report: runs/studies/grid
    try:
        code = hplab.main(["study", "run", str(path), "--storage", "g.db"])
        err = capfd.readouterr().err
        assert code == 0, err
        assert hplab.main(["study", "report", "grid", "--storage", "g.db", "--out", "again"]) == 0
        err += capfd.readouterr().err
    finally:
        optuna.logging.set_verbosity(before)
    assert "A new study created" not in err and "[I " not in err
    imp = pd.read_csv(tmp_path / "again" / "report_files" / "importances.csv")
    assert set(imp["param"]) == {"lr", "batch_size"} and set(imp["method"]) == {
        "PED-ANOVA", "fANOVA"}


@pytest.mark.usefixtures("unrasterized")
def test_importances_name_a_parameter_every_complete_trial_shares(spec_file, tmp_path,
                                                                  parse_html):
    # QA: the demo's chart had no depth (every complete trial had depth 1, the deeper nets
    # pruned): optuna's evaluators drop a parameter of one value, and the report never said
    db = tmp_path / "same.db"
    spec = study.load_spec(_coin_spec(spec_file, "same", n_trials=6, sampler="random",
                                      pruner="none"))
    where = study.resolve_storage(str(db))
    store = study.open_storage(where, create=True)
    with study._registry.quiet_optuna():
        study.create_or_resume(spec, store, where)
        s = optuna.load_study(study_name="same", storage=store)
        for lr, width in ((0.01, 4), (0.03, 8), (0.1, 12), (0.2, 3), (0.05, 6), (0.003, 16)):
            s.enqueue_trial({"lr": lr, "width": width, "activation": "tanh"})
    store.engine.dispose()
    study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("same", storage=str(db), out=tmp_path / "same")
    imp = pd.read_csv(path.parent / "report_files" / "importances.csv")
    assert set(imp["param"]) == {"lr", "width"}
    assert "Left out, as every complete trial has the same value: activation (tanh)." in \
        parse_html(path.read_text()).all_text


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_importances_leave_out_parameters_only_some_trials_have(spec_file, tmp_path,
                                                                 parse_html):
    # QA: with depth searched and a width per layer, fANOVA kept only the deepest nets
    # (optuna drops trials lacking a parameter asked for), where depth is constant: depth
    # 0.0 and width_1 first, while PED-ANOVA scored every trial, and the report never said
    db = tmp_path / "cond.db"
    spec = study.load_spec(_coin_spec(spec_file, "cond", n_trials=16, sampler="random",
                                      pruner="none", space={
        "lr": {"low": 0.001, "high": 0.3, "log": True},
        "width": {"low": 2, "high": 32, "log": True, "per_layer": True},
        "depth": {"low": 1, "high": 3}}))
    study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("cond", storage=str(db), out=tmp_path / "cond")
    imp = pd.read_csv(path.parent / "report_files" / "importances.csv")
    assert imp.groupby("method")["param"].apply(set).to_dict() == {
        "PED-ANOVA": {"lr", "width_0", "depth"}, "fANOVA": {"lr", "width_0", "depth"}}
    # fANOVA over every complete trial, as PED-ANOVA: what optuna gives on them all
    s = optuna.load_study(study_name="cond", storage=f"sqlite:///{db}")
    trials = s.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    expected = optuna.importance.get_param_importances(
        s, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0),
        params=["lr", "width_0", "depth"])
    fanova = imp[imp["method"] == "fANOVA"].set_index("param")["importance"]
    assert fanova.to_dict() == pytest.approx(expected)
    assert fanova["depth"] > 0
    deep = [sum(f"width_{i}" in t.params for t in trials) for i in (1, 2)]
    assert 0 < deep[1] < deep[0] < len(trials)
    text = parse_html(path.read_text()).all_text
    assert (f"Left out, as only some trials have them: width_1 (depth ≥ 2: {deep[0]} of "
            f"{len(trials)} complete trials), width_2 (depth ≥ 3: {deep[1]} of {len(trials)}); "
            "both methods score the parameters every trial has, over the same trials.") in text
    head, rows = report_table(path.read_text(), "table-importance-ranking")
    assert {row[0] for row in rows} == {"lr", "width_0", "depth"}


@pytest.mark.usefixtures("unrasterized")
def test_a_setting_only_some_optimizers_read_is_a_conditional_parameter(spec_file, tmp_path,
                                                                         parse_html):
    # QA: momentum was suggested for every trial: an sgd best trial was reported with
    # momentum 0.8418 (a value that changed nothing), and momentum ranked by importance
    db = tmp_path / "mom.db"
    spec = study.load_spec(spec_file(
        "mom", dataset="coin", metric="val_accuracy", n_trials=10, max_epochs=4,
        sampler="random", pruner="none",
        space={"lr": {"low": 0.003, "high": 0.3, "log": True}, "optimizer": ["sgd", "momentum"],
               "momentum": {"low": 0.5, "high": 0.99}},
        fixed={"batch_size": 32, "checkpoint": 2}))
    summary = study.run_study(spec, storage=str(db), progress=False)
    s = optuna.load_study(study_name="mom", storage=f"sqlite:///{db}")
    trials = s.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    with_momentum = sum("momentum" in t.params for t in trials)
    assert 0 < with_momentum < len(trials)
    for t in trials:
        assert ("momentum" in t.params) == (t.params["optimizer"] == "momentum")
    best = summary["best_params"]
    assert ("momentum" in best) == (best["optimizer"] == "momentum")
    path = reports.study_report("mom", storage=str(db), out=tmp_path / "mom")
    text = parse_html(path.read_text()).all_text
    # the optimizers of this study that read it: nesterov reads it too, but never ran
    assert (f"Left out, as only some trials have them: momentum (optimizer momentum: "
            f"{with_momentum} of {len(trials)} complete trials)") in text
    assert "nesterov" not in text
    imp = pd.read_csv(path.parent / "report_files" / "importances.csv")
    assert set(imp["param"]) == {"lr", "optimizer"}


@pytest.mark.usefixtures("unrasterized")
def test_ped_anova_of_the_report_is_optunas_on_the_stored_study(spec_file, tmp_path):
    # QA: PED-ANOVA was fed fANOVA's copy reading batch sizes as numbers: where the best
    # 10 % (one trial here) had one batch size, its KDE was a spike, and the report gave
    # batch_size 0.964, optuna's own PED-ANOVA on the same trials 0.153 (lr first, 0.80)
    db = tmp_path / "ped.db"
    spec = study.load_spec(spec_file(
        "ped", dataset="coin", metric="val_accuracy", n_trials=12, max_epochs=4,
        sampler="random", pruner="none",
        space={"lr": {"low": 0.003, "high": 0.3, "log": True},
               "batch_size": [8, 16, 32, 64, 128], "width": {"low": 2, "high": 16, "log": True}},
        fixed={"optimizer": "adam", "checkpoint": 2}))
    study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("ped", storage=str(db), out=tmp_path / "ped")
    imp = pd.read_csv(path.parent / "report_files" / "importances.csv")
    ped = imp[imp["method"] == "PED-ANOVA"].set_index("param")["importance"].to_dict()
    s = optuna.load_study(study_name="ped", storage=f"sqlite:///{db}")
    expected = optuna.importance.get_param_importances(
        s, evaluator=optuna.importance.PedAnovaImportanceEvaluator(),
        params=["lr", "batch_size", "width"])
    assert ped == pytest.approx(expected)
    assert max(ped, key=ped.get) == "lr"


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_the_report_of_a_study_stopped_at_its_timeout_says_so(spec_file, tmp_path, parse_html):
    # QA: the terminal said "stopped at study.timeout after 28 of 200 trials (run it again
    # to resume)"; the report only "stopped · 34 of 200 trials finished", as after a crash
    db = tmp_path / "slow.db"
    # 300 epochs: a trial of ~0.1 s, 50 of them well past the 1 s (2000 epochs made each
    # of the 4 trainings here, the reports' retrains too, take over a second)
    spec = study.load_spec(spec_file("slow", n_trials=50, max_epochs=300, timeout=1.0,
                                     pruner="none"))
    summary = study.run_study(spec, storage=str(db), progress=False)
    assert summary["stopped"] == "timeout"
    n = summary["n_finished"]
    path = reports.study_report("slow", storage=str(db), out=tmp_path / "slow")
    text = parse_html(path.read_text()).all_text
    # in `study show`'s words (one source: reports._study_outcomes.timeout_text)
    assert (f"{n} of 50 trials finished; the last run stopped at study.timeout with "
            f"{50 - n} of its 50 trials left: hplab study run of the same spec and storage "
            "resumes it") in text
    # a later run that ends otherwise (its budget spent) takes the timeout back
    study.run_study(spec.with_trials(n + 1), storage=str(db), progress=False)
    s = optuna.load_study(study_name="slow", storage=f"sqlite:///{db}")
    assert s.user_attrs[study.STOPPED_ATTR] is None
    path = reports.study_report("slow", storage=str(db), out=tmp_path / "slow")
    assert "study.timeout" not in parse_html(path.read_text()).all_text


@pytest.mark.usefixtures("unrasterized")
def test_wall_time_is_not_expected_to_repeat(spec_file, tmp_path, parse_html):
    db = tmp_path / "wall.db"
    spec = study.load_spec(_coin_spec(spec_file, "wall", metric=["val_accuracy", "train_seconds"],
                                      sampler="nsga2", pruner="none", n_trials=3,
                                      sampler_options={"population_size": 4}))
    study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("wall", storage=str(db), out=tmp_path / "wall")
    text = parse_html(path.read_text()).all_text
    assert "Best trial: #" in text and "The retrained run scored" not in text


@pytest.mark.usefixtures("unrasterized")
def test_a_report_written_mid_run_says_the_study_is_running_and_closes_its_storage(
        spec_file, tmp_path):
    import gc

    db = tmp_path / "live.db"
    spec = study.load_spec(spec_file("live", n_trials=3, pruner="none"))
    where = study.resolve_storage(str(db))
    study.create_or_resume(spec, study.open_storage(where, create=True), where)
    optuna.load_study(study_name="live", storage=f"sqlite:///{db}").ask()  # a worker's trial
    path = reports.study_report("live", storage=str(db), out=tmp_path / "live")
    text = " ".join(path.read_text().split())
    assert reports.read_report_info(path).status == "running"  # not "stopped"
    assert "0 failed, 1 still running." in text
    # a notebook's calls kept two storages' pooled connections open each (4 server
    # connections on PostgreSQL; +4 descriptors a call on SQLite) until garbage collection;
    # the report above made the imports and loaded the fonts
    gc.collect()
    gc.disable()
    try:
        before = len(os.listdir("/proc/self/fd"))
        reports.study_report("live", storage=str(db), out=tmp_path / "live")
        assert len(os.listdir("/proc/self/fd")) == before
    finally:
        gc.enable()


@pytest.mark.usefixtures("unrasterized")
def test_a_study_no_trial_of_which_started_is_not_started_not_stopped(spec_file, tmp_path,
                                                                     parse_html):
    # QA: a study `hplab study enqueue` created read "stopped, 0 of 30 trials finished",
    # as if a run had been interrupted
    db = tmp_path / "queued.db"
    spec = study.load_spec(spec_file("queued", n_trials=30))
    out = study.enqueue_points(spec, ["lr=0.5,width=4", {"lr": 1.5}], storage=str(db))
    assert out["run_command"] == f"hplab study run queued --storage {db}"
    path = reports.study_report("queued", storage=str(db), out=tmp_path / "queued")
    html = path.read_text()
    text = parse_html(html).all_text
    assert reports.read_report_info(path).status == "not_started"
    assert '<span class="badge tone-neutral">not started</span>' in html
    assert ("no trial run yet of its 30 trials; 2 points queued: hplab study run queued "
            f"--storage sqlite:///{db} runs them first") in text
    assert "trials finished" not in text
    # one with no trial at all (made, never run): the same words, and the budget's run
    where = study.resolve_storage(str(tmp_path / "bare.db"))
    bare = study.load_spec(spec_file("bare", n_trials=6))
    study.create_or_resume(bare, study.open_storage(where, create=True), where)
    path = reports.study_report("bare", storage=str(where.path), out=tmp_path / "bare")
    text = parse_html(path.read_text()).all_text
    assert reports.read_report_info(path).status == "not_started"
    assert "no trial run yet of its 6 trials: hplab study run bare --storage sqlite:///" in text


@pytest.mark.usefixtures("unrasterized")
def test_a_not_started_studys_run_line_runs_from_the_reports_folder(spec_file, tmp_path,
                                                                    monkeypatch, parse_html,
                                                                    capsys):
    # QA: with a relative storage, the badge's line named it from where the report was
    # written, the "More trials" command from the report's folder: one of them failed
    monkeypatch.chdir(tmp_path)
    spec = study.load_spec(spec_file("rel", n_trials=2, max_epochs=2, pruner="none"))
    study.enqueue_points(spec, ["lr=0.5,width=4"], storage="rel.db")
    path = reports.study_report("rel", storage="rel.db", out=Path("reps") / "rel")
    text = " ".join(parse_html(path.read_text()).all_text.split())
    said = re.search(r"1 point queued: (hplab study run .*?) \(from this report's folder\) "
                     "runs it first", text)
    assert said and "--storage sqlite:///../../rel.db" in said[1] and said[1].endswith("--out .")
    monkeypatch.chdir(path.parent)
    capsys.readouterr()
    assert hplab.main(shlex.split(said[1])[1:]) == 0
    done = study.show_study("rel", str(tmp_path / "rel.db"))
    assert done["n_complete"] == 2 and done["queued_trials"] == [0]


@pytest.mark.usefixtures("unrasterized")
def test_trials_left_by_a_dead_worker_are_not_running_and_say_why_they_failed(spec_file,
                                                                             tmp_path):

    db = tmp_path / "dead.db"
    # no retries: a trial its heartbeat check failed has no retry to tell it by
    spec = study.load_spec(spec_file("dead", n_trials=3, pruner="none", max_retry=0))
    where = study.resolve_storage(str(db))
    study.create_or_resume(spec, study.open_storage(where, create=True), where)
    s = optuna.load_study(study_name="dead", storage=f"sqlite:///{db}")
    worker = {"worker": ended_worker(), "run": "r", "status": "running"}
    for _ in range(2):  # one its worker left running; one failed for it (heartbeat)
        t = s.ask()
        t.set_user_attr(study.RECORD_ATTR, worker)
    s.tell(t, state=optuna.trial.TrialState.FAIL)
    path = reports.study_report("dead", storage=str(db), out=tmp_path / "dead")
    text = " ".join(path.read_text().split())
    assert reports.read_report_info(path).status == "stopped"  # nothing runs
    assert "1 left running by a worker that stopped" in text
    table = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    # failed as no hplab of today fails one, with no cause stored: judged as show judges it
    assert table.loc[1, "reason"] == "its worker, a process of this machine, ended"


@pytest.mark.usefixtures("unrasterized")
def test_a_retrain_that_fails_leaves_the_rest_of_the_report(shared_files, tmp_path,
                                                            monkeypatch):
    copy_files(tmp_path, shared_files)
    db = tmp_path / "nota.db"

    def broken(*args, **kwargs):
        raise ValueError("no memory left")

    monkeypatch.setattr(study, "train_run", broken)
    with pytest.warns(UserWarning, match="the best trial could not be retrained"):
        path = reports.study_report("nota", storage=str(db), out=tmp_path / "rf")
    text = " ".join(path.read_text().split())
    assert "Retraining it for this report failed: no memory left" in text
    assert "What mattered" in text or "Optimization history" in text


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_an_interrupted_report_keeps_the_earlier_report_and_its_best_model(shared_report,
                                                                          tmp_path,
                                                                          monkeypatch):
    # best_model/ was removed before the retrain and rewritten before the report: Ctrl-C in
    # between left the earlier report naming a model no longer there, or another run's
    db, shared = shared_report  # the storage read only; the earlier report, a copy
    out = tmp_path / "ik"
    shutil.copytree(shared.parent, out)

    def files():  # hidden ones too: no staged model may be left behind
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                if p.is_file()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    before = files()
    assert {"report.html", "best_model/model.npz", "best_model/config.json"} <= set(before)
    # during the retrain, and once its model is saved, as the report is being written
    for where, step in ((study, "train_run"), (reports.Report, "html")):
        with monkeypatch.context() as patch:
            patch.setattr(where, step, interrupted)
            with pytest.raises(KeyboardInterrupt):
                reports.study_report("nota", storage=str(db), out=out)
        assert files() == before, step
    # written in whole, the new model replaces the old; a staging folder a killed run left
    # goes, one of a live process stays, and so one whose id says another boot: another
    # machine of this hostname, writing to this folder too (its pid is a live one here)
    gone = subprocess.run([sys.executable, "-c", "import study; print(study.worker_id())"],
                          cwd=Path(hplab.__file__).parent, capture_output=True,
                          text=True, check=True).stdout.strip()
    own = study.worker_id()
    stale = out / f".best_model.tmp-{gone}-00000000"
    live = out / f".best_model.tmp-{own}-00000000"
    elsewhere = out / f".best_model.tmp-{own.rpartition('.')[0]}.00000000-00000000"
    for folder in (stale, live, elsewhere):
        folder.mkdir()
        (folder / "model.npz").write_text("partial")
    with warnings.catch_warnings(record=True) as said:  # review: kept, and nothing said
        warnings.simplefilter("always")
        path = reports.study_report("nota", storage=str(db), out=out)
    kept = [str(w.message) for w in said if str(w.message).startswith("kept ")]
    assert kept == [f"kept {elsewhere}, a best model a report of another machine or of an "
                    "earlier boot staged (hplab cannot tell whether its run ended): remove it "
                    "if no run of another machine is using it"]
    assert sorted(p.name for p in out.iterdir()) == sorted([
        live.name, elsewhere.name, "best_model", "report.html", "report_files", "spec.toml"])
    config = json.loads((out / "best_model" / "config.json").read_text())
    assert config["model_path"] == str(out / "best_model" / "model.npz")
    assert config["seconds"] != json.loads(before["best_model/config.json"])["seconds"]
    assert "hplab predict best_model/model.npz" in path.read_text()  # from the report's folder
    assert ".best_model" not in path.read_text()


def test_a_staged_best_model_whose_run_cannot_be_told_ended_is_kept_and_named(tmp_path):
    # review: a staging folder of another boot (or an older hplab's id) was kept for
    # good beside the report, a hidden copy of a model, and nothing said so
    from reports._best_model_files import best_model_staging

    other_boot = f"{study.worker_id().rpartition('@')[0]}@1.00000000"
    older = f"{study.worker_id().rpartition(':')[0]}:999999"  # no start: an older hplab's
    left = [tmp_path / f".best_model.tmp-{other_boot}-abcd",
            tmp_path / f".best_model.old-{older}-abcd"]
    for folder in left:
        folder.mkdir()
        (folder / "model.npz").write_text("partial")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        staged = best_model_staging(tmp_path)
    assert sorted(str(w.message).partition(",")[0] for w in said) == sorted(
        f"kept {folder}" for folder in left)
    assert all(folder.is_dir() for folder in left) and not staged.exists()


@pytest.mark.slow
def test_another_users_best_model_it_cannot_remove_is_said_with_its_owner(spec_file, tmp_path,
                                                                          monkeypatch,
                                                                          user_cli):
    # QA 64: in a shared report folder bob's report left best_model/ his (umask 022);
    # alice's rewrite set it aside and rmtree(ignore_errors=True) left it hidden there,
    # his model.npz, config.json and history.csv, with exit 0 and nothing said
    import pwd

    try:
        other = pwd.getpwuid(65534).pw_name
    except KeyError:
        pytest.skip("no user 65534 to own the model")
    monkeypatch.chdir(tmp_path)
    db, out = tmp_path / "s.db", tmp_path / "rep"
    assert hplab.main(["study", "run", str(spec_file("shared", n_trials=2, pruner="none",
                                                     max_epochs=4)),
                       "--storage", str(db), "--out", str(out)]) == 0
    theirs = out / "best_model"
    for path in (theirs, *theirs.iterdir()):
        give_away(path, 65534, 65534)
    try:
        for _ in range(2):  # set aside by this report; then the next one tries it again
            code, _, err = user_cli("study", "report", "shared", "--storage", db, "--out", out)
            left = [p for p in out.iterdir() if p.name.startswith(".best_model.old-")]
            assert code == 0 and len(left) == 1, err
            assert (f"could not remove {left[0]}, a best model an earlier report left (owner "
                    f"{other}, mode 0755): ask its owner ({other}) to remove it") in err, err
            # the report's own best_model/ is the new one, this user's
            assert theirs.stat().st_uid == os.getuid() and (theirs / "model.npz").is_file()
    finally:
        for folder in out.glob(".best_model.old-*"):
            shutil.rmtree(folder)


@pytest.mark.usefixtures("unrasterized")
def test_the_best_models_commands_work_from_the_report_folder_moved(spec_file, tmp_path,
                                                                    monkeypatch, capsys):
    # QA: "hplab predict /abs/proj/runs/studies/NAME/best_model/model.npz" failed for whoever
    # got the folder and for its author once the project was renamed
    project = tmp_path / "projA"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setenv("HOME", str(tmp_path))  # the project in the home folder
    spec = spec_file("mv", n_trials=2, pruner="none", max_epochs=4)
    # the resumed run writes the report (the first's would be written over)
    assert run_cli(["study", "run", spec, "--no-report"], capsys)[0] == 0
    assert run_cli(["study", "run", spec, "--trials", "3"], capsys)[0] == 0  # resumed
    monkeypatch.chdir(tmp_path)
    project.rename(tmp_path / "projB")
    folder = tmp_path / "projB" / "runs" / "studies" / "mv"
    text = html.unescape((folder / "report.html").read_text())
    assert "Run these from this report&#39;s folder:" in (folder / "report.html").read_text()
    assert "projA" not in re.search(r"<pre[^>]*><code>(.*?)</code>", text, re.S)[1]
    line = next(x for x in text.splitlines() if x.startswith("hplab predict ")
                and x.endswith("--dataset"))
    assert line == "hplab predict best_model/model.npz --dataset"
    monkeypatch.chdir(folder)  # run from the report's folder, as it says
    code, stdout, err = run_cli([*shlex.split(line)[1:], "--json"], capsys)
    assert code == 0, err
    scored = json.loads(stdout)
    retrained = json.loads((folder / "best_model" / "config.json").read_text())
    assert scored["model"] == "best_model/model.npz" and scored["n"] > 0
    assert scored["accuracy"] == pytest.approx(retrained["test_accuracy"])
    # the report's folder stands for its best model, from anywhere
    monkeypatch.chdir(tmp_path)
    code, stdout, err = run_cli(["predict", folder, "--dataset", "--json"], capsys)
    assert code == 0, err
    by_folder = json.loads(stdout)
    assert by_folder["model"] == str(folder / "best_model" / "model.npz")
    assert by_folder["predictions"] == scored["predictions"] and by_folder["n"] == scored["n"]
    # the commands that ran it, as stored with the study ("cd /home/alice/projA && ..."),
    # show the home folder as ~ (the spec's path is as typed)
    facts = report_facts(text)
    typed = f"hplab study run {shlex.quote(str(spec))}"
    assert facts["Command"] == f"cd ~/projA && {typed} --no-report"
    assert facts["Resumed by"] == f"cd ~/projA && {typed} --trials 3"
    # and the host its workers ran on, as the README says (host:pid@start; no @start where
    # the platform does not say when a process started)
    workers = pd.read_csv(folder / "report_files" / "trials.csv")["worker"]
    host = re.escape(socket.gethostname())
    assert len(workers) == 3, workers
    assert workers.str.fullmatch(rf"{host}(~[0-9a-f]+)?:\d+(@\S+)?").all(), workers
    from cli_helpers import readme_words

    # the page shows them readable, the CSVs keep the stored id
    assert ("the hosts its workers ran on (`host:pid (HH:MM:SS UTC)`, the time of the "
            "worker's first trial, in the Workers chart and the trials table; the stored id "
            "`host~ns:pid@start` in the CSVs)") in readme_words()


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_an_interrupted_first_report_leaves_no_folder(spec_file, tmp_path, monkeypatch,
                                                      capsys):
    # QA: Ctrl-C while the first `hplab study run` wrote its report (its trials done) left
    # an empty runs/studies/NAME/, where a first train stopped leaves none
    from reports import _study_report

    monkeypatch.chdir(tmp_path)
    spec = spec_file("first", n_trials=2, pruner="none", max_epochs=4)
    run = ["study", "run", str(spec), "--json"]
    assert hplab.main([*run, "--no-report"]) == 0
    folder = tmp_path / "runs" / "studies" / "first"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # in the retrain (its model staged in the folder), at the page, and as the files are
    # swapped in (the CSVs staged in report_files/ by then)
    for where, step in ((study, "train_run"), (reports.Report, "html"),
                        (_study_report, "swap_best_model")):
        with monkeypatch.context() as patch:
            patch.setattr(where, step, interrupted)
            assert hplab.main(run) == 130, step
        assert not os.path.lexists(folder), sorted(p.name for p in folder.rglob("*"))
    capsys.readouterr()
    assert hplab.main(run) == 0  # the folder it would have left
    assert json.loads(capsys.readouterr().out)["report_path"] == "runs/studies/first/report.html"
    assert sorted(p.name for p in folder.iterdir()) == ["best_model", "report.html",
                                                        "report_files", "spec.toml"]


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_a_study_report_never_replaces_a_model_that_is_not_its_studys(shared_report,
                                                                      tmp_path, capsys):
    # QA: a saved model in OUT/best_model/ (or where a best_model link points) was
    # overwritten by the best trial's, its report.html left beside the new model
    db, shared = shared_report  # the storage read only
    out = tmp_path / "X"
    assert run_cli(["train", "--dataset", "xor", "--hidden", "3", "--epochs", "10", "--out",
                    out / "best_model"], capsys)[0] == 0
    saved = (out / "best_model" / "model.npz").read_bytes()
    code, stdout, err = run_cli(["study", "report", "nota", "--storage", db, "--out", out],
                                capsys)
    assert (code, stdout) == (2, "") and err == (
        f"hplab study report: error: --out {out} holds a best_model/ with a model no report "
        "of study 'nota' retrained; give another folder\n")
    with pytest.raises(ValueError, match=re.escape(
            f"{out} holds a best_model/ with a model no report of study 'nota' retrained; "
            "write the report elsewhere")):
        reports.study_report("nota", storage=str(db), out=out)
    assert (out / "best_model" / "model.npz").read_bytes() == saved
    assert sorted(p.name for p in out.iterdir()) == ["best_model"]
    # a link, even beside this study's own report (a copy of the shared one): the model
    # would go where it points
    own = tmp_path / "own"
    shutil.copytree(shared.parent, own)
    (own / "best_model").rename(tmp_path / "earlier")
    (own / "best_model").symlink_to(out / "best_model")
    code, _, err = run_cli(["study", "report", "nota", "--storage", db, "--out", own], capsys)
    assert code == 2 and err == ("hplab study report: error: "
                                 f"--out {own} holds a best_model that is "
                                 f"a link (to {out / 'best_model'}); give another folder\n")
    assert (out / "best_model" / "model.npz").read_bytes() == saved
    assert sorted(p.name for p in (out / "best_model").iterdir()) == [
        "config.json", "history.csv", "model.npz", "report.html", "report_files"]
    # this study's own model, its report gone or not, is the report's to replace
    (own / "best_model").unlink()
    (tmp_path / "earlier").rename(own / "best_model")
    (own / "report.html").unlink()
    assert run_cli(["study", "report", "nota", "--storage", db, "--out", own], capsys)[0] == 0
    assert json.loads((own / "best_model" / "config.json").read_text())["name"] == "nota-best"
    shutil.rmtree(own / "best_model")
    (own / "best_model").write_text("a file\n")
    assert reports.held_results(own, "study", "nota") == "a best_model that is not a folder"


def test_a_study_run_refuses_a_report_folder_it_may_not_write_before_its_trials(
        spec_file, tmp_path, capsys, monkeypatch):
    # review: the refusal of a foreign best_model/ came after every trial had run
    monkeypatch.chdir(tmp_path)
    path, db = spec_file("early", n_trials=2, pruner="none"), tmp_path / "early.db"
    folder = reports.study_report_folder("early", str(db))
    assert run_cli(["train", "--dataset", "xor", "--hidden", "3", "--epochs", "10", "--out",
                    folder / "best_model", "--no-report"], capsys)[0] == 0
    code, out, err = run_cli(["study", "run", path, "--storage", db], capsys)
    assert (code, out) == (2, "") and err == (
        f"hplab study run: error: the report folder {folder} holds a best_model/ with a model no "
        "report of study 'early' retrained; give another folder with --out, or run with "
        "--no-report, and write the report elsewhere later (hplab study report --out)\n")
    assert not db.exists()


def _stopped_study(spec_file, tmp_path, name, **keys) -> tuple[Path, str]:
    """Run a small study in which no trial completes; its report and its page's text."""
    db = tmp_path / f"{name}.db"
    study.run_study(study.load_spec(spec_file(name, sampler="grid", max_epochs=10, **keys)),
                    storage=str(db), progress=False)
    path = reports.study_report(name, storage=str(db), out=tmp_path / name)
    return path, " ".join(path.read_text().split())


@pytest.mark.usefixtures("unrasterized")
def test_a_study_of_pruned_trials_is_not_called_failed(spec_file, tmp_path):
    path, text = _stopped_study(
        spec_file, tmp_path, "allpr", dataset="coin", metric="val_accuracy", n_trials=2,
        pruner="threshold", pruner_options={"lower": 0.45}, space={"lr": [0.00001, 5000.0]},
        fixed={"optimizer": "sgd", "width": 16, "activation": "tanh", "batch_size": 16,
               "checkpoint": 5})
    assert "0 failed" in text
    assert reports.read_report_info(path).status == "no_complete_trial"
    assert 'tone-bad">no complete trial</span>' in text  # no result, yet nothing failed
    table = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    assert set(table["status"]) == {"pruned", "diverged"}
    assert table.loc[table["status"] == "pruned", "reason"].str.startswith("pruned at").all()
    assert table.loc[table["status"] == "diverged", "reason"].str.contains("exceeded").all()


@pytest.mark.usefixtures("unrasterized")
def test_every_failed_trial_has_its_reason_in_the_report(spec_file, tmp_path, monkeypatch):
    # smote fails at the 0.06 ratio (an error: a spec asking for less than the data's own
    # balance is refused before any trial now, so the failure is planted); lr 5000 diverges
    from imblearn.over_sampling import SMOTE

    fit_resample = SMOTE._fit_resample

    def failing(self, X, y):
        if self.sampling_strategy == 0.06:
            raise ValueError("smote failed at 0.06 on purpose")
        return fit_resample(self, X, y)

    monkeypatch.setattr(SMOTE, "_fit_resample", failing)
    path, text = _stopped_study(
        spec_file, tmp_path, "mixed", dataset="digits?imbalance=1:20&positive=8",
        metric="val_pr_auc", n_trials=2, pruner="none",
        space={"sampling_ratio": [0.06, 0.5], "lr": [5000.0]},
        fixed={"imbalance_strategy": "smote", "optimizer": "sgd", "width": 8,
               "batch_size": 32})
    table = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    summary = study.show_study("mixed", str(tmp_path / "mixed.db"))
    assert len(summary["problems"]) >= 2 and summary["n_fail"] >= 1
    for problem in summary["problems"]:  # the first and every other one
        assert table.loc[problem["number"], "reason"] == problem["reason"]
        assert " ".join(problem["reason"].split()) in text
    assert reports.read_report_info(path).status == "failed"  # trials did fail
    assert "see the reasons below" not in text


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_trials_that_stopped_are_shown_past_the_best_first_rows(spec_file, tmp_path):
    # 38 trials: the best-first table shows 25, and the two that diverged come last
    rates = [0.01 * (i + 1) for i in range(36)] + [5000.0, 9000.0]
    db = tmp_path / "many.db"
    spec = spec_file("many", dataset="coin", metric="val_accuracy", n_trials=len(rates),
                     sampler="grid", pruner="none", max_epochs=2, space={"lr": rates},
                     fixed={"optimizer": "sgd", "width": 4, "activation": "tanh",
                            "batch_size": 32})
    study.run_study(study.load_spec(spec), storage=str(db), progress=False)
    path = reports.study_report("many", storage=str(db), out=tmp_path / "many")
    text = " ".join(path.read_text().split())
    problems = study.show_study("many", str(db))["problems"]
    assert [p["status"] for p in problems] == ["diverged", "diverged"]
    second = problems[1]  # the first is named in the status line too
    assert " ".join(second["reason"].split()) in text
    table = pd.read_csv(path.parent / "report_files" / "problem-trials.csv")
    assert sorted(table["number"]) == sorted(p["number"] for p in problems)
    assert "Showing the first 25 of 38 rows" in text


@pytest.mark.usefixtures("unrasterized")
def test_a_lowered_budget_never_reads_3_of_2(spec_file, tmp_path, capsys):
    path, db = spec_file("low", n_trials=3, pruner="none", max_epochs=2), tmp_path / "low.db"
    assert hplab.main(["study", "run", str(path), "--storage", str(db), "--no-report"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "run", str(path), "--storage", str(db), "--trials", "2",
                       "--json"]) == 0
    report = Path(json.loads(capsys.readouterr().out)["report_path"])
    text = " ".join(report.read_text().split())
    assert "3 (budget 2) trials finished" in text and "3 of 2" not in text
    # nor "trials 3/2" in the terminal
    assert hplab.main(["study", "show", "low", "--storage", str(db)]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("trials 3 (budget 2): 3 complete")


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_a_report_never_replaces_a_newer_one_of_its_study(spec_file, tmp_path, capsys,
                                                          monkeypatch):
    # QA: a `study report` begun during a `study run` ended after the run's own report and
    # put its older snapshot in its place: "Trials 6 of 6" where the run's said 10 of 10
    path, db = spec_file("snap", n_trials=2, pruner="none", max_epochs=2), tmp_path / "s.db"
    assert run_cli(["study", "run", path, "--storage", db, "--no-report"], capsys)[0] == 0
    from reports import _study_report

    draw, ran = _study_report._add_trials_and_provenance, []

    def a_run_ends_meanwhile(*args, **kwargs):
        # this report has read the study at 2 trials: a run to 3 writes its own report now
        # (in this process: the folder's lock is not held while a report is drawn; its
        # report, drawn through this function too, is let through)
        if not ran:
            ran.append(None)
            printed = io.StringIO()  # its lines (and progress bar) apart from this one's
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                ran[0] = (hplab.main(["study", "run", str(path), "--storage", str(db),
                                      "--trials", "3"]), printed.getvalue())
        return draw(*args, **kwargs)

    monkeypatch.setattr(_study_report, "_add_trials_and_provenance", a_run_ends_meanwhile)
    code, out, err = run_cli(["study", "report", "snap", "--storage", db], capsys)
    report = Path("runs/studies/snap/report.html")
    assert code == 0 and out == f"report: {report}\n" and len(ran) == 1
    assert ran[0] == (0, ran[0][1]) and f"report: {report}" in ran[0][1]
    # after its retrain's line and bar (cleared)
    retrain, kept = err.split("\n", 1)[0], err.rsplit("\n", 2)[-2]
    assert retrain == "hplab study report: retraining trial #1 for the report..."
    assert kept == (f"hplab study report: kept the newer report {report} (3 of 3 trials); "
                    "this one had 2 finished trials")
    assert err.count("hplab study report: ") == 2
    headline = {h["label"]: h["text"] for h in reports.read_report_info(report).headline}
    assert headline["Trials"] == "3 of 3"
    assert "n_trials = 3" in (report.parent / "spec.toml").read_text()  # the run's, whole
    assert not [p.name for p in report.parent.iterdir() if p.name.startswith(".")]
    # one of as many trials replaces it, as any later report does
    monkeypatch.setattr(_study_report, "_add_trials_and_provenance", draw)
    before = file_sha(report)
    code, _, err = run_cli(["study", "report", "snap", "--storage", db], capsys)
    assert code == 0 and "kept" not in err
    assert file_sha(report) != before


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_a_study_report_waits_for_another_writing_its_folder(spec_file, tmp_path, capsys):
    # two writers of one study's report (a run's end, a `study report`) write one at a time:
    # the second reads what the first wrote before it writes (see the test above)
    path, db = spec_file("wait", n_trials=1, pruner="none", max_epochs=2), tmp_path / "w.db"
    assert run_cli(["study", "run", path, "--storage", db], capsys)[0] == 0
    folder = tmp_path / "runs" / "studies" / "wait"
    before = file_sha(folder / "report.html")
    fd = os.open(folder, os.O_RDONLY)  # another process writing it, as the OS sees it
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
        late = hplab_process("study", "report", "wait", "--storage", db, cwd=tmp_path)
        waited = ended_or_waiting_on_a_lock(late)
        assert file_sha(folder / "report.html") == before
        # review: it waited without a word, as long as the other held the folder: a user
        # could not tell it from a hang
        with within(30):  # after the best trial's retrain (its line, its bar's frames)
            said = late.stderr.readline()
            while not said.startswith("hplab study report: waiting"):
                said = late.stderr.readline()
    finally:
        os.close(fd)
    assert said == ("hplab study report: waiting for another hplab command writing "
                    "runs/studies/wait ...\n")
    assert late.wait(timeout=180) == 0, late.stderr.read()
    assert waited and file_sha(folder / "report.html") != before  # written once free
    assert "hplab study report:" not in late.stderr.read()  # said once


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_the_report_shows_the_command_that_ran_the_study(spec_file, tmp_path, capsys,
                                                        monkeypatch):
    monkeypatch.chdir(tmp_path)  # the report goes to runs/studies/NAME
    # a spec edited in a file: its short name would load the ready spec, not this one
    path = spec_file("coin", dataset="coin", n_trials=6, max_epochs=4, pruner="hyperband",
                     pruner_options={"reduction_factor": 4}, timeout=600)
    db = tmp_path / "typed.db"
    argv = ["study", "run", str(path), "--trials", "3", "--storage", str(db), "--json"]
    assert hplab.main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    facts = report_facts(Path(summary["report_path"]).read_text())
    # with the folder it ran in, as every report's command (a relative spec or storage)
    typed = f"cd {shlex.quote(str(tmp_path))} && {shlex.join(['hplab', *argv])}"
    assert facts["Command"] == typed
    assert facts["Wall time"] != "–" and facts["Time with a trial running"] != "–"
    assert facts["pruner.reduction_factor"] == "4" and facts["n_trials"] == "3"
    # QA: "grace_period 30" beside the pruner's settings read as epochs: they are seconds
    assert facts["timeout"] == "600 s" and facts["grace_period"] == "30 s"
    assert facts["heartbeat_interval"] == "5 s" and facts["max_epochs"] == "4"
    # written again later from the storage alone: the same command, no wall time to show
    out = tmp_path / "again"
    assert hplab.main(["study", "report", "coin", "--storage", str(db), "--out", str(out)]) == 0
    facts = report_facts((out / "report.html").read_text())
    assert facts["Command"] == typed and facts["Wall time"] == "–"


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_the_report_saves_the_spec_and_gives_every_digit_of_it(spec_file, tmp_path, capsys):
    # QA: the provenance left out step and per_layer, rounded bounds (0.0123457) and fixed
    # values (0.9877), and the spec file its command named was nowhere beside the report
    path = spec_file("whole", dataset="coin", metric="val_accuracy", n_trials=3, max_epochs=4,
                     seed=2, space={
                         "lr": {"low": 0.0123456789, "high": 0.456789123, "log": True},
                         "l2": {"low": 0.0, "high": 0.0012345, "step": 0.00012345},
                         "batch_size": {"low": 8, "high": 64, "step": 8},
                         "width": {"low": 2, "high": 16, "log": True, "per_layer": True},
                         "depth": {"low": 1, "high": 2}},
                     fixed={"optimizer": "adam", "beta2": 0.98765432, "checkpoint": 2})
    spec = study.load_spec(path)
    db = tmp_path / "whole.db"
    study.run_study(spec, storage=str(db), progress=False)
    out = tmp_path / "rep"
    facts = report_facts(reports.study_report("whole", storage=str(db), out=out).read_text())
    assert facts["space.lr"] == "0.0123456789 .. 0.456789123 (log)"
    assert facts["space.l2"] == "0 .. 0.0012345 step 0.00012345"
    assert facts["space.batch_size"] == "8 .. 64 step 8"
    assert facts["space.width"] == "2 .. 16 (log), one per layer (width_0, width_1...)"
    assert facts["fixed.beta2"] == "0.98765432" and facts["max_epochs"] == "4"
    assert facts["Spec"].startswith("spec.toml beside this report")
    # the spec itself, as the study stored it: it loads into the spec that ran
    saved = study.load_spec(out / "spec.toml")
    assert dataclasses.replace(saved, path=None) == dataclasses.replace(spec, path=None)
    assert saved.raw == study.stored_spec("whole", str(db))[0].raw
    # a spec.toml of the user's in an --out folder is not written over
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "spec.toml").write_text("# my notes\n")
    assert hplab.main(["study", "report", "whole", "--storage", str(db), "--out",
                       str(mine)]) == 2
    assert "holds a spec.toml hplab did not write" in capsys.readouterr().err
    assert (mine / "spec.toml").read_text() == "# my notes\n"
    # ... while the report's own is replaced when it is written again, also once a Windows
    # editor saved it with a BOM (QA: then "a spec.toml hplab did not write")
    (out / "spec.toml").write_bytes(b"\xef\xbb\xbf" + (out / "spec.toml").read_bytes())
    assert hplab.main(["study", "report", "whole", "--storage", str(db), "--out",
                       str(out)]) == 0
    assert study.load_spec(out / "spec.toml").raw == saved.raw


@pytest.mark.usefixtures("unrasterized")
def test_a_regression_study_run_names_its_fit_and_the_command_that_wrote_its_spec(
        spec_file, tmp_path, monkeypatch, capsys):
    # QA: the spec.toml `hplab study run` wrote began "(hplab study report wrote this
    # file)"; its best trial's fit of csv:one.csv (temp_c, yield_kg) was drawn over x and y
    monkeypatch.chdir(tmp_path)
    drawn = drawn_axes(monkeypatch)
    spec = spec_file("harvest", dataset=harvest_csv(tmp_path / "one.csv"), metric="val_loss",
                     n_trials=2, pruner="none", max_epochs=2,
                     fixed={"batch_size": 16, "checkpoint": 1})
    code, _, err = run_cli(["study", "run", spec, "--storage", "s.db"], capsys)
    assert code == 0, err
    out = tmp_path / "runs" / "studies" / "harvest"
    first = (out / "spec.toml").read_text().splitlines()[0]
    assert first == ("# The spec this study ran with, as stored with it (hplab wrote this "
                     "file with the study's report).")
    assert drawn["Fitted curve"] == ("temp_c", "yield_kg")
    assert list(pd.read_csv(out / "report_files" / "fit-samples.csv").columns) == [
        "temp_c", "yield_kg", "split"]
    # an earlier version's spec.toml (its first line then) is still the report's to replace
    rest = (out / "spec.toml").read_text().split("\n", 1)[1]
    (out / "spec.toml").write_text("# The spec this study ran with, as stored with it (hplab "
                                   "study report wrote this file).\n" + rest)
    assert run_cli(["study", "report", "harvest", "--storage", "s.db"], capsys)[0] == 0
    assert (out / "spec.toml").read_text().splitlines()[0] == first


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_a_report_or_spec_it_cannot_read_is_named_unreadable_not_foreign(
        spec_file, tmp_path, monkeypatch, capsys, user_cli):
    # QA: another user's report.html or spec.toml (mode 600) was "a report.html hplab did
    # not write", and `study show` left out its report: line without a word
    monkeypatch.chdir(tmp_path)
    assert hplab.main(["study", "run", str(spec_file("theirs", n_trials=1, pruner="none",
                                                     max_epochs=4))]) == 0
    capsys.readouterr()

    def as_them(*argv):  # a process that file modes bind, as another user's would be
        return user_cli(*argv)

    # (a train's report.html goes through the same check: held_results)
    folder = Path("runs/studies/theirs")
    for file in (folder / "spec.toml", folder / "report.html"):
        file.chmod(0o000)
        assert as_them("study", "report", "theirs") == (
            2, "", f"hplab study report: error: cannot read {file} (Permission denied)\n")
        file.chmod(0o644)
    (folder / "report.html").chmod(0o000)
    shown = json.loads(as_them("study", "show", "theirs", "--json")[1])
    assert (shown["report_path"], shown["report_stale"]) == (str(folder / "report.html"), None)
    (folder / "report.html").chmod(0o644)


def test_study_report_refuses_its_folder_before_retraining_and_drawing(spec_file, tmp_path,
                                                                      monkeypatch, capsys):
    # QA: a spec.toml or report.html it could not read in the study's own folder was
    # refused after the best trial's retrain and every figure (10 s on a small study)
    monkeypatch.chdir(tmp_path)
    assert hplab.main(["study", "run", str(spec_file("early", n_trials=1)), "--no-report"]) == 0
    capsys.readouterr()
    folder = Path("runs/studies/early")
    folder.mkdir(parents=True)
    (folder / "spec.toml").write_text("# mine\n")
    monkeypatch.setattr(reports, "study_report",
                        lambda *a, **k: pytest.fail("drawn before its folder was checked"))
    code, out, err = run_cli(["study", "report", "early"], capsys)
    assert (code, out) == (2, "")
    assert err == (f"hplab study report: error: the report folder {folder} holds a spec.toml hplab "
                   "did not write; give another folder with --out\n")


def test_the_best_trials_csv_keeps_every_digit(shared_report):
    # QA: best-params.csv held the page's 4 digits (lr 0.07068 for 0.07067818275455107)
    db, path = shared_report
    out = path.parent
    s, _ = study.open_study("nota", str(db))
    best = s.best_trial.params
    csv = read_csv_exactly(out / "report_files" / "best-params.csv")
    assert dict(zip(csv["parameter"], csv["value"], strict=True)) == best
    assert len(repr(best["lr"])) > 8  # more digits than the page shows
    _, rows = report_table(path.read_text(), "table-best-params")
    assert dict(rows)["lr"] == f"{best['lr']:.4g}"  # the page reads rounded


@pytest.mark.usefixtures("unrasterized")
def test_a_study_name_never_leads_its_report_out_of_runs(spec_file, tmp_path, monkeypatch,
                                                         capsys):
    monkeypatch.chdir(tmp_path)
    path = spec_file("x", n_trials=1, pruner="none", max_epochs=4)
    path.write_text(path.read_text().replace('name = "x"', 'name = "../../escaped"'))
    assert hplab.main(["study", "run", str(path), "--storage", "s.db", "--json"]) == 0
    report = Path(json.loads(capsys.readouterr().out)["report_path"])
    assert report.parent.parent == Path("runs/studies") and report.is_file()
    assert report.parent.name.startswith("escaped-")  # the safe form, and a hash of the name
    assert hplab.main(["study", "show", "../../escaped", "--storage", "s.db", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_path"] == str(report)
    # names that share a safe form keep their own folders
    assert study.study_folder("x y") != study.study_folder("x-y") == Path("runs/studies/x-y")


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_one_study_name_in_two_storages_keeps_two_reports(spec_file, tmp_path, monkeypatch,
                                                          capsys):
    monkeypatch.chdir(tmp_path)
    path = spec_file("twin", n_trials=1, pruner="none", max_epochs=4)
    paths = {}
    for storage in ("s1.db", "k.log"):
        assert hplab.main(["study", "run", str(path), "--storage", storage, "--json"]) == 0
        paths[storage] = Path(json.loads(capsys.readouterr().out)["report_path"])
    assert paths["s1.db"] == Path("runs/studies/twin/report.html")
    assert paths["k.log"].parent.name.startswith("twin-")  # beside, not over the first
    for storage, report in paths.items():
        assert reports.read_report_info(report).source == str((tmp_path / storage).resolve())
        assert hplab.main(["study", "show", "twin", "--storage", storage, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["report_path"] == str(report)
    # from Python, a storage is named as on the command line (a string failed with
    # AttributeError: 'str' object has no attribute 'path') or parsed
    for storage in ("k.log", study.resolve_storage("k.log")):
        assert reports.find_study_report("twin", storage) == paths["k.log"]
        assert reports.study_report_folder("twin", storage) == paths["k.log"].parent
    # the index tells them apart: a storage other than the default is in the title
    assert "(journal:" in reports.read_report_info(paths["k.log"]).title
    # a report of the previous version (no storage recorded) loses to an exact match
    legacy = paths["s1.db"].read_text().replace(  # the metadata is escaped in the page
        f', &#34;source&#34;: &#34;{tmp_path / "s1.db"}&#34;', "")
    assert legacy != paths["s1.db"].read_text()
    paths["s1.db"].write_text(legacy)
    assert reports.read_report_info(paths["s1.db"]).source is None
    assert hplab.main(["study", "show", "twin", "--storage", "k.log", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_path"] == str(paths["k.log"])
    # a third storage's study of that name has no report yet: none is claimed for it (the
    # legacy one sits in the name's folder: taken as that storage's, it would be)
    paths["s1.db"].write_text(legacy.replace("hplab-report", "hplab-rep0rt"))  # not ours
    assert hplab.main(["study", "run", str(path), "--storage", "s2.db", "--no-report"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", "twin", "--storage", "s2.db", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_path"] is None


def test_a_server_study_is_one_study_whatever_its_url_spells(tmp_path, monkeypatch):
    # QA: one PostgreSQL study reached through localhost and through 127.0.0.1 (or as
    # another role, or through postgresql+psycopg://) was taken for two storages: show
    # found no report, and each spelling's report went to a new folder (ring2-fedae6, ...)
    from reports._study_folder import storage_source

    monkeypatch.chdir(tmp_path)
    created = "2026-12-04T14:50:29.481878+00:00 e52b6f7d"
    first = "postgresql://hp:pw@127.0.0.1:54329/hpdb"

    def write(storage, stamp):
        rep = reports.Report("study", "Study: ring2", {"Trials": "2 of 2"}, name="ring2")
        rep.source = storage_source(study.resolve_storage(storage))
        rep.study_created = stamp
        return rep.write(reports.study_report_folder("ring2", storage, stamp), index=False)

    # the name's folder holds a study of its name in a file: the server's goes beside
    assert write("s.db", "2026-12-01T10:00:00+00:00 11111111").parent.name == "ring2"
    path = write(first, created)
    assert path.parent.name.startswith("ring2-")
    for other in ("postgresql://hp:pw@localhost:54329/hpdb",
                  "postgresql+psycopg://hp2@127.0.0.1:54329/hpdb",
                  "postgresql://hp@[::1]/hpdb?port=54329&connect_timeout=5"):
        assert reports.find_study_report("ring2", other, created) == path, other
        assert reports.study_report_folder("ring2", other, created) == path.parent, other
    # another database of the server (a copy of it: createdb -T), or another study of the
    # name (deleted and made anew), is another study, as a copied storage file is
    for other, stamp in ((first.replace("hpdb", "hpdb2"), created),
                         ("postgresql://hp@localhost:54329/hpdb",
                          "2026-12-05T08:00:00+00:00 22222222")):
        assert reports.find_study_report("ring2", other, stamp) is None, other
        assert reports.study_report_folder("ring2", other, stamp) not in (
            path.parent, Path("runs/studies/ring2")), other
    # a study without a stamp before its first trial: its own spelling alone finds it
    assert reports.find_study_report("ring2", first, None) == path
    # an IPv6 host is recorded as a URL writes it, its port apart from its address
    assert storage_source(study.resolve_storage("postgresql://hp:pw@[::1]/hpdb")) == \
        "postgresql://hp@[::1]:5432/hpdb"
    assert reports.find_study_report("ring2", "postgresql://hp@localhost:54329/hpdb",
                                     None) is None


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_a_postgresql_study_keeps_one_report_through_every_host_name(
        postgres_url, spec_file, tmp_path, monkeypatch, capsys):
    # QA: `study show` through localhost found no report of the study run through
    # 127.0.0.1, and `study report` wrote a second folder for it
    from sqlalchemy.engine import make_url

    monkeypatch.chdir(tmp_path)
    name = f"alias_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_url)
    assert url.host == "127.0.0.1"  # .ci/postgres.sh's server listens there
    alias = url.set(host="localhost", drivername="postgresql").render_as_string(
        hide_password=False)
    path = spec_file(name, n_trials=1, pruner="none", max_epochs=4)
    code, out, err = run_cli(["study", "run", path, "--storage", postgres_url, "--json"],
                             capsys)
    assert code == 0, err
    ran = json.loads(out)
    assert ran["report_path"] == f"runs/studies/{name}/report.html"
    code, out, err = run_cli(["study", "show", name, "--storage", alias, "--json"], capsys)
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["report_path"], shown["report_stale"], shown["created"]) == (
        ran["report_path"], False, ran["created"])
    code, out, err = run_cli(["study", "report", name, "--storage", alias, "--json"], capsys)
    assert code == 0 and json.loads(out)["report_path"] == ran["report_path"], err
    assert [p.name for p in Path("runs/studies").iterdir()] == [name]
    assert reports.read_report_info(ran["report_path"]).source == \
        f"postgresql://{url.username}@localhost:{url.port}/{url.database}"
    # run again through the first spelling: the report (now of localhost) is its own
    code, _, err = run_cli(["study", "run", path, "--storage", postgres_url], capsys)
    assert code == 0 and "is up to date with the study's 1 finished trials" in err, err


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_a_moved_project_folder_keeps_its_study_report(spec_file, tmp_path, monkeypatch,
                                                       capsys):
    # `mv proj proj2` took runs/hplab.db along: show said the study had no report, and the
    # next report went beside the first (runs/studies/moved-<hash>), the index listing two
    path = spec_file("moved", n_trials=1, pruner="none", max_epochs=4)
    project = tmp_path / "a"
    project.mkdir()
    monkeypatch.chdir(project)
    assert hplab.main(["study", "run", str(path), "--json"]) == 0
    ran = json.loads(capsys.readouterr().out)
    report = Path("runs/studies/moved/report.html")
    assert ran["report_path"] == str(report)
    assert reports.read_report_info(report).source == str(project / "runs" / "hplab.db")

    def move(to):
        shutil.move(project, tmp_path / to)
        monkeypatch.chdir(tmp_path / to)
        assert hplab.main(["study", "show", "moved", "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["report_path"] == str(report) and shown["report_stale"] is False
        assert shown["created"] == ran["created"]
        return tmp_path / to

    for to in ("b", "c"):  # a report rewritten, then a resumed run ending in one
        project = move(to)
        command = (["study", "report", "moved"] if to == "b" else
                   ["study", "run", str(path), "--trials", "2"])
        assert hplab.main([*command, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["report_path"] == str(report)
        # rewritten, with the storage where it is now
        assert reports.read_report_info(report).source == str(project / "runs" / "hplab.db")
        assert [p.name for p in Path("runs/studies").iterdir()] == ["moved"]
        assert hplab.main(["report", "index", "runs", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["n_reports"] == 1
    # a copy of the database (both there) holds a study of that stamp, and is another
    # study: its report goes beside
    shutil.copy("runs/hplab.db", "copy.db")
    assert hplab.main(["study", "report", "moved", "--storage", "copy.db", "--json"]) == 0
    assert Path(json.loads(capsys.readouterr().out)["report_path"]).parent.name \
        .startswith("moved-")
    assert reports.read_report_info(report).source == str(project / "runs" / "hplab.db")
    # once moved, neither is a copy made after the move (another file of the project) nor a
    # study of the name made anew where the moved one was (another stamp)
    project = move("d")
    shutil.copy("runs/hplab.db", "late.db")
    optuna.delete_study(study_name="moved", storage="sqlite:///runs/hplab.db")
    assert hplab.main(["study", "run", str(spec_file("moved", n_trials=1, pruner="none",
                                                     seed=1, max_epochs=4)), "--no-report"]) == 0
    capsys.readouterr()
    for storage in ("late.db", None):
        given = ["--storage", storage] if storage else []
        assert hplab.main(["study", "show", "moved", *given, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["report_path"] is None, storage
        created = study.show_study("moved", storage)["created"]
        assert (created == ran["created"]) == (storage == "late.db")
        assert reports.study_report_folder("moved", storage, created).name \
            .startswith("moved-")


@pytest.mark.usefixtures("unrasterized")
def test_a_moved_reports_more_trials_command_runs_from_the_reports_folder(
        spec_file, tmp_path, monkeypatch, capsys):
    # QA: a student's moved runs folder, its report's own "More trials" command run from
    # the report's folder (--storage sqlite:///../../hplab.db --out .) was refused: "--out .
    # holds the report of study 'xor' in another storage" (the storage not under the
    # working folder, the moved file was not told from a copy)
    path = spec_file("far", n_trials=3, pruner="none", max_epochs=4)
    (tmp_path / "s6").mkdir()
    monkeypatch.chdir(tmp_path / "s6")
    assert hplab.main(["study", "run", str(path)]) == 0
    shutil.move(tmp_path / "s6", tmp_path / "inbox")
    folder = tmp_path / "inbox" / "runs" / "studies" / "far"
    text = html.unescape((folder / "report.html").read_text())
    more = re.search(r"hplab study run far --trials \d+ --storage \S+ --out \.", text)[0]
    assert "--storage sqlite:///../../hplab.db" in more
    monkeypatch.chdir(folder)
    capsys.readouterr()
    code, stdout, err = run_cli([*shlex.split(more)[1:], "--json"], capsys)
    assert code == 0, err
    assert json.loads(stdout)["report_path"] == "report.html"
    assert reports.read_report_info(folder / "report.html").source == \
        str(tmp_path / "inbox" / "runs" / "hplab.db")
    assert sorted(p.name for p in folder.parent.iterdir()) == ["far"]
    # a copy of the storage beside the moved one is still another study's
    shutil.copy(tmp_path / "inbox" / "runs" / "hplab.db", tmp_path / "inbox" / "copy.db")
    code, _, err = run_cli(["study", "run", "far", "--trials", "5", "--storage",
                            "../../../copy.db", "--out", "."], capsys)
    assert code == 2 and "in another storage" in err, err


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_a_moved_runs_folder_named_from_another_folder_keeps_its_report(spec_file, tmp_path,
                                                                        monkeypatch, capsys):
    # QA: `study show NAME --storage ../moved/runs/hplab.db` (the runs folder moved) said
    # "report: none yet", the report beside the storage; show and worker now find it there,
    # and the command that brings it up to date runs from its project folder
    path = spec_file("far", n_trials=1, pruner="none", max_epochs=4)
    (tmp_path / "proj").mkdir()
    monkeypatch.chdir(tmp_path / "proj")
    assert hplab.main(["study", "run", str(path)]) == 0
    (tmp_path / "moved").mkdir()
    shutil.move(tmp_path / "proj" / "runs", tmp_path / "moved" / "runs")
    storage = "../moved/runs/hplab.db"
    assert hplab.main(["study", "run", "far", "--storage", storage, "--trials", "2",
                       "--no-report"]) == 0
    capsys.readouterr()
    for argv in (["study", "show", "far"], ["study", "worker", "--study", "far"]):
        assert hplab.main([*argv, "--storage", storage, "--json"]) == 0
        said = json.loads(capsys.readouterr().out)
        assert (said["report_path"], said["report_stale"]) == (
            "../moved/runs/studies/far/report.html", True)
        assert hplab.main([*argv, "--storage", storage]) == 0
        last = capsys.readouterr().out.splitlines()[-1]
        again = "cd ../moved && hplab study report far --storage sqlite:///runs/hplab.db"
        assert last == f"  (written at 1 of 1 trials; now 2 of 2: {again} brings it up to date)"
    # QA: named from inside the runs folder, or below it, the storage's folder has no
    # name as typed ("hplab.db", "../hplab.db"): found all the same
    for inside, typed in (("runs", "hplab.db"), ("runs/studies", "../hplab.db")):
        monkeypatch.chdir(tmp_path / "moved" / inside)
        assert hplab.main(["study", "show", "far", "--storage", typed, "--json"]) == 0
        said = json.loads(capsys.readouterr().out)
        assert Path(said["report_path"]).resolve() == \
            tmp_path / "moved" / "runs" / "studies" / "far" / "report.html", said
    monkeypatch.chdir(tmp_path / "moved")  # as it says
    assert hplab.main(shlex.split(again.partition(" && ")[2])[1:]) == 0
    assert not (tmp_path / "moved" / "runs" / "studies" / "far-").exists()
    assert [p.name for p in (tmp_path / "moved" / "runs" / "studies").iterdir()] == ["far"]
    monkeypatch.chdir(tmp_path / "proj")
    capsys.readouterr()
    assert hplab.main(["study", "show", "far", "--storage", storage, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_stale"] is False


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_a_moved_project_folder_keeps_the_report_beside_too(spec_file, tmp_path,
                                                            monkeypatch, capsys):
    # a study of the name in another storage file of the project has its report beside,
    # in far-<hash of the file's path>: moved, the path and so the hash were another's
    path = spec_file("far", n_trials=1, pruner="none", max_epochs=4)
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    written = {}
    for storage in ("runs/hplab.db", "other.db"):
        assert hplab.main(["study", "run", str(path), "--storage", storage, "--json"]) == 0
        written[storage] = json.loads(capsys.readouterr().out)
    beside = Path(written["other.db"]["report_path"])
    assert beside.parent.name.startswith("far-")
    shutil.move(tmp_path / "a", tmp_path / "b")
    monkeypatch.chdir(tmp_path / "b")
    for storage, ran in written.items():
        assert hplab.main(["study", "show", "far", "--storage", storage, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["report_path"] == ran["report_path"]
    for _ in range(2):  # rewritten in its folder, and found there once it records "b"
        assert hplab.main(["study", "report", "far", "--storage", "other.db", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["report_path"] == str(beside)
        assert reports.read_report_info(beside).source == str(tmp_path / "b" / "other.db")
        assert reports.find_study_report("far", "other.db", written["other.db"]["created"]) \
            == beside
    assert sorted(p.name for p in Path("runs/studies").iterdir()) == ["far", beside.parent.name]


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_an_out_folder_of_one_name_in_another_storage_is_another_studys(
        spec_file, tmp_path, monkeypatch, capsys):
    # QA: `study report x --out rep --storage b.db` replaced the report, best_model/ and
    # spec.toml of study x of runs/hplab.db in rep, exit 0, no word: only names were compared
    monkeypatch.chdir(tmp_path)
    path = spec_file("x", n_trials=2, pruner="none", max_epochs=4)
    assert hplab.main(["study", "run", str(path), "--no-report"]) == 0
    # b.db's study x: another seed
    spec_file("x", n_trials=2, pruner="none", seed=1, max_epochs=4)
    assert hplab.main(["study", "run", str(path), "--storage", "b.db", "--no-report"]) == 0
    assert run_cli(["study", "report", "x", "--out", "rep"], capsys)[0] == 0
    assert "seed = 0" in Path("rep/spec.toml").read_text()
    kept = {p: p.read_bytes() for p in Path("rep").rglob("*") if p.is_file()}
    assert {"rep/report.html", "rep/spec.toml", "rep/best_model/model.npz"} <= set(map(str, kept))
    held = (f"rep holds the report of study 'x' in another storage "
            f"({(tmp_path / 'runs/hplab.db').resolve()})")
    code, out, err = run_cli(["study", "report", "x", "--out", "rep", "--storage", "b.db"],
                             capsys)
    assert (code, out, err) == (2, "", f"hplab study report: error: --out {held}; give another "
                                       "folder\n")
    with pytest.raises(ValueError, match=re.escape(f"{held}; write the report elsewhere")):
        reports.study_report("x", storage="b.db", out="rep")  # from Python, after the retrain
    assert {p: p.read_bytes() for p in Path("rep").rglob("*") if p.is_file()} == kept
    # each study rewrites its own report in its --out, as before
    assert run_cli(["study", "report", "x", "--out", "rep"], capsys)[0] == 0
    for _ in range(2):
        assert run_cli(["study", "report", "x", "--out", "b", "--storage", "b.db"],
                       capsys)[0] == 0
    assert "seed = 1" in Path("b/spec.toml").read_text()
    assert "seed = 0" in Path("rep/spec.toml").read_text()
    # a report of the previous version recorded no storage: taken for the name's, as before
    report = Path("rep/report.html")
    legacy = report.read_text().replace(
        f', &#34;source&#34;: &#34;{(tmp_path / "runs/hplab.db").resolve()}&#34;', "")
    assert legacy != report.read_text()
    report.write_text(legacy)
    assert reports.read_report_info(report).source is None
    assert run_cli(["study", "report", "x", "--out", "rep", "--storage", "b.db"],
                   capsys)[0] == 0
    assert "seed = 1" in Path("rep/spec.toml").read_text()


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.parametrize("where", ["user info", "query"])
def test_report_never_shows_the_password(where, postgres_url, spec_file, tmp_path, capsys):
    # the test server trusts every login, so any password works and must never be printed
    if where == "query":
        url = postgres_url + ("&" if "?" in postgres_url else "?") + "password=hunter2"
        shown = "password=***"
    else:
        url, shown = postgres_url.replace("postgres@", "postgres:hunter2@"), "postgres:***@"
    name = f"secret-{uuid.uuid4().hex[:8]}"
    path = spec_file(name, n_trials=1, pruner="none", max_epochs=4)
    assert hplab.main(["study", "run", str(path), "--storage", url, "--json", "--no-report"]) == 0
    printed = capsys.readouterr().out
    assert "hunter2" not in printed and shown in json.loads(printed)["storage"]
    stored = optuna.load_study(study_name=name, storage=url).user_attrs[study.COMMAND_ATTR]
    assert "hunter2" not in stored and shown in stored
    report = reports.study_report(name, storage=url, out=tmp_path / "r")
    text = report.read_text() + "".join(p.read_text() for p in report.parent.rglob("*.csv"))
    assert "hunter2" not in text and shown in text


@pytest.mark.usefixtures("unrasterized")
def test_one_server_database_spelled_two_ways_keeps_one_report(postgres_url, spec_file,
                                                               capsys):
    # a connection option or a password in the URL gave the same database a second folder
    name = f"spelled-{uuid.uuid4().hex[:8]}"
    assert hplab.main(["study", "run", str(spec_file(name, n_trials=1, pruner="none",
                                                     max_epochs=4)),
                       "--storage", postgres_url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["report_path"]
    assert report is not None
    bare = postgres_url.replace("postgresql+psycopg://", "postgres://")
    for url in (f"{bare}?connect_timeout=10", f"{bare}?password=x&application_name=a",
                bare.replace("postgres@", "postgres:pw@")):
        assert hplab.main(["study", "show", name, "--storage", url, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["report_path"] == report, url
        assert reports.study_report_folder(name, url) == Path(report).parent
    # the default port written out or left out is one server; another database is not
    folder = reports.study_report_folder
    assert folder(name, "postgresql://u@h:5432/db") == folder(name, "postgresql://u@h/db") \
        != folder(name, "postgresql://u@h/other")


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")  # in-process; the real demo's process draws in full
def test_the_demo_replaces_only_its_own_study_and_runs_a_real_one(spec_file, tmp_path,
                                                                 capsys):
    # a user's study named "demo" was deleted without a word by `hplab demo --storage`
    mine = tmp_path / "mine.db"
    assert hplab.main(["study", "run", str(spec_file("demo", n_trials=2, max_epochs=4)),
                       "--storage", str(mine), "--no-report"]) == 0
    capsys.readouterr()
    assert hplab.main(["demo", "--storage", str(mine), "--trials", "1", "--workers", "1"]) == 2
    assert "holds a study named 'demo' that hplab demo did not make" in capsys.readouterr().err
    assert len(optuna.load_study(study_name="demo", storage=f"sqlite:///{mine}").trials) == 2
    # an earlier demo, in the storage a user's `hplab demo` runs in (runs/hplab.db)
    demo = Path("runs/hplab.db")
    assert hplab.main(["demo", "--trials", "1", "--workers", "1"]) == 0
    capsys.readouterr()
    # it is replaced, but not while it runs: a second demo deleted a running one, and the
    # two runs then wrote into one study
    s = optuna.load_study(study_name="demo", storage=f"sqlite:///{demo}")
    running = s.ask()
    running.set_user_attr("worker", study._objective.worker_id())
    n_trials = len(s.trials)
    assert hplab.main(["demo", "--trials", "1", "--workers", "1"]) == 2
    assert (f"the demo study in sqlite:///{demo} is still running (trial #{running.number}); "
            "wait for it to end") in capsys.readouterr().err
    assert len(optuna.load_study(study_name="demo", storage=f"sqlite:///{demo}").trials) \
        == n_trials
    # another machine's worker: running while its heartbeat is fresh...
    running.set_user_attr("worker", "otherhost:7")
    beat = study.open_storage(study.resolve_storage(str(demo)), heartbeat_interval=5,
                              grace_period=30)
    beat.record_heartbeat(running._trial_id)
    assert hplab.main(["demo", "--trials", "1", "--workers", "1"]) == 2
    assert "is still running" in capsys.readouterr().err
    # ...as one of this hostname's with another boot (another machine, a live pid here)
    running.set_user_attr("worker", f"{study.worker_id().rpartition('.')[0]}.00000000")
    assert hplab.main(["demo", "--trials", "1", "--workers", "1"]) == 2
    assert "is still running" in capsys.readouterr().err
    # ...and a leftover once it went stale (killed): the demo replaces the study, and the
    # command says so. `hplab demo` as a user runs it, in a process of its own: stderr as a
    # user sees it (the one notice, no optuna warning about its experimental heartbeats),
    # its two workers
    with sqlite3.connect(demo) as con:
        con.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', '-1 hour')")
    (tmp_path / "runs" / "index.html").unlink()  # the real demo's to write again
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(ROOT / "hplab.py"), "demo", "--trials", "6",
                           "--json"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr == f"hplab demo: replacing the earlier demo study in sqlite:///{demo}\n"
    summary = json.loads(proc.stdout)
    assert summary["n_finished"] == 6 and summary["study"] == "demo"
    report = tmp_path / summary["report_path"]
    assert report.exists() and (tmp_path / "runs" / "index.html").exists()
    assert reports.read_report_info(report).study_created == summary["created"]  # its own
    # its command replays from anywhere, as a study run's does: it showed no folder, and
    # its storage is relative to it
    facts = report_facts(report.read_text(encoding="utf-8"))
    assert facts["Command"] == f"cd {shlex.quote(str(tmp_path))} && hplab demo --trials 6 --json"
    assert facts["Storage"] == "sqlite:///runs/hplab.db"
    assert len({w for w in pd.read_csv(report.parent / "report_files" / "timeline.csv")
                ["worker"]}) == 2


def test_a_table_column_is_in_one_notation(shared_report, parse_html):
    # QA: the demo's param_lr showed 5.475e-04 beside 0.00132: rates on either side of
    # 1e-3 had two notations in one column; now one notation (fixed down to 1e-4) for all
    _, path = shared_report
    text = path.read_text()
    assert not parse_html(text).errors
    trials = pd.read_csv(path.parent / "report_files" / "trials.csv").set_index("number")
    assert trials["param_lr"].min() < 1e-3 <= trials["param_lr"].max()  # both sides
    head, rows = report_table(text, "table-trials")
    for row in rows:
        lr = row[head.index("lr")]  # the page heads a parameter by its name
        assert re.fullmatch(r"0\.0\d+", lr) and "e" not in lr, lr
        assert float(lr) == pytest.approx(trials.loc[int(row[0]), "param_lr"], rel=1e-3)
    # every trial trained 4 epochs: said once over the table, a count (not "4.0")
    assert "epochs" not in head and set(trials["epochs"]) == {4}
    assert re.search(r"Same in every row: .*?\bepochs 4\b", " ".join(text.split()))


def test_a_demo_is_known_by_its_command_with_or_without_its_folder():
    # the demo now stores "cd DIR && hplab demo ...", as a study run does; one stored before
    # as "hplab demo ..." is still the demo's to replace, and a user's study never is
    from study._demo import made_by_demo

    assert made_by_demo("cd '/home/a b' && hplab demo --trials 6")
    assert made_by_demo("hplab demo --trials 6")
    assert not made_by_demo("cd /home/a && hplab study run demo.toml")
    assert not made_by_demo("not recorded") and not made_by_demo("cd '/x && hplab demo")


def test_a_demo_is_known_in_a_folder_only_bash_quoting_names(monkeypatch):
    # review: a folder "bob's" + a byte that is no UTF-8 is stored as cd $'...', which
    # shlex.split read as "$/tmp/bob\\s..." plus an open quote: made_by_demo said no, and
    # every later demo there was refused ("did not make"); the report kept the home path
    import nets
    from reports._paths import shown_command
    from study._demo import made_by_demo

    home = os.fsdecode(b"/home/bob's\xd6")
    monkeypatch.setenv("HOME", home)
    folder = home + "/runs\x1bx"
    line = f"cd {nets.shell_word(folder)} && hplab demo --trials 6"
    assert line == "cd $'/home/bob\\'s\\xd6/runs\\x1bx' && hplab demo --trials 6"
    assert made_by_demo(line)
    assert shown_command(line) == "cd ~/$'runs\\x1bx' && hplab demo --trials 6"


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_the_report_keeps_the_command_that_made_the_study(spec_file, tmp_path, capsys,
                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = str(spec_file("made", n_trials=3, pruner="none", max_epochs=4))
    # the second run's report is read (the first's would be written over)
    assert hplab.main(["study", "run", path, "--trials", "2", "--storage", "m.db",
                       "--no-report"]) == 0
    assert hplab.main(["study", "run", path, "--storage", "m.db", "--json"]) == 0
    report = Path(json.loads(capsys.readouterr().out.splitlines()[-1])["report_path"])
    facts = report_facts(report.read_text())
    cd = f"cd {shlex.quote(str(tmp_path))} && "
    assert facts["Command"] == (f"{cd}hplab study run {path} --trials 2 --storage m.db "
                                "--no-report")
    assert facts["Resumed by"] == f"{cd}hplab study run {path} --storage m.db --json"
    # this command's seconds, not the study's: "Wall time 9.0 s" beside "Time with a trial
    # running 10.6 s" read as a contradiction
    assert "Wall time" not in facts and facts["Wall time of the last run"] != "–"


@pytest.mark.usefixtures("unrasterized")
def test_the_report_lists_the_workers_that_ran_trials_with_the_resumes(spec_file, tmp_path,
                                                                        capsys, monkeypatch):
    # QA: "Resumed by" listed `study run` commands only; a `study worker`'s trials showed
    # as a pid in the Workers chart. One that started none ran nothing to list
    monkeypatch.chdir(tmp_path)
    path = str(spec_file("joined", n_trials=1, pruner="none", max_epochs=4))
    assert hplab.main(["study", "run", path, "--storage", "w.db", "--no-report"]) == 0
    worker = ["study", "worker", "--study", "joined", "--storage", "w.db"]
    assert hplab.main(worker) == 0  # the budget spent: it started none
    s = optuna.load_study(study_name="joined", storage="sqlite:///w.db")
    raw = s.user_attrs[study.SPEC_ATTR]
    raw["study"]["n_trials"] = 2  # as another machine's `study run --trials 2` would
    s.set_user_attr(study.SPEC_ATTR, raw)
    assert hplab.main([*worker, "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["n_finished"] == 2
    assert hplab.main(["study", "report", "joined", "--storage", "w.db", "--json"]) == 0
    report = Path(json.loads(capsys.readouterr().out)["report_path"])
    facts = report_facts(report.read_text())
    assert facts["Resumed by"] == (f"cd {shlex.quote(str(tmp_path))} && hplab study worker "
                                   "--study joined --storage w.db --json")


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_a_study_made_from_python_and_resumed_by_a_command_times_the_last_run(
        spec_file, tmp_path, capsys, monkeypatch):
    # run_study from Python records no command: the resume below was the first one, and
    # its 2 trials' seconds were shown as the study's "Wall time" beside 4 trials
    monkeypatch.chdir(tmp_path)
    path = spec_file("py", n_trials=2, pruner="none", max_epochs=4)
    study.run_study(study.load_spec(path), storage="p.db", progress=False)
    assert hplab.main(["study", "run", str(path), "--trials", "4", "--storage", "p.db",
                       "--json"]) == 0
    ran = json.loads(capsys.readouterr().out.splitlines()[-1])
    facts = report_facts(Path(ran["report_path"]).read_text())
    assert "Resumed by" not in facts and "Wall time" not in facts
    assert facts["Wall time of the last run"] == reports.design.format_seconds(ran["seconds"])
    assert len(trials_of(tmp_path / "p.db", "py")) == 4


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_a_regression_study_headlines_errors_in_the_targets_units(spec_file, tmp_path,
                                                                  capsys):
    db = tmp_path / "reg.db"
    spec = study.load_spec(spec_file("reg", dataset="sine", metric="val_loss", n_trials=2,
                                     pruner="none", max_epochs=20))
    study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("reg", storage=str(db), out=tmp_path / "reg")
    assert hplab.main(["predict", str(tmp_path / "reg" / "best_model" / "model.npz"),
                       "--dataset", "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)
    text = " ".join(path.read_text().split())
    fmt = reports.design.format_value
    # R² beside them (QA: a flat line at the mean read as any other fit), as predict's
    assert (f"scores rmse {fmt(scored['rmse'])}, mae {fmt(scored['mae'])}, "
            f"R² {scored['r2']:.3f}, loss") in text
    assert "RMSE and MAE are in the target" in text
    assert "units; the loss is half the MSE of the scaled target." in text
    # QA: with ?scaling=none the loss is in the target's units too, not "of the scaled target"
    raw = study.load_spec(spec_file("raw", dataset="sine?scaling=none", metric="val_loss",
                                    n_trials=1, pruner="none", max_epochs=5))
    study.run_study(raw, storage=str(db), progress=False)
    text = " ".join(reports.study_report("raw", storage=str(db),
                                         out=tmp_path / "raw").read_text().split())
    assert "scaled target" not in text
    assert "RMSE, MAE and the loss (half the MSE) are in the target" in text


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
# its week-old trials are made by hand, as no run made them: said so at the resume
@pytest.mark.filterwarnings("ignore:study 'gap' was stored without a fingerprint")
def test_time_with_a_trial_running_leaves_out_the_days_between_runs(spec_file, tmp_path):
    # "Trials ran for" was first start to last end: a study resumed a week later said a week
    import datetime

    from optuna.distributions import FloatDistribution, IntDistribution

    db = tmp_path / "gap.db"
    spec = study.load_spec(spec_file("gap", n_trials=5, pruner="none"))
    where = study.resolve_storage(str(db))
    study.create_or_resume(spec, study.open_storage(where, create=True), where)
    s = optuna.load_study(study_name="gap", storage=f"sqlite:///{db}")
    week_ago = datetime.datetime.now() - datetime.timedelta(days=7)
    # a run a week ago: two workers' trials overlapping (0-10 s and 2-12 s), then one more
    for k, (start, end) in enumerate([(0, 10), (2, 12), (100, 110)]):
        old = optuna.create_trial(
            params={"lr": 0.5, "width": 2 + k}, value=0.1,
            distributions={"lr": FloatDistribution(0.05, 2.0, log=True),
                           "width": IntDistribution(2, 6)},
            user_attrs={study.RECORD_ATTR: {"worker": f"old:{k % 2}", "run": "old",
                                            "status": "converged"}})
        old.datetime_start = week_ago + datetime.timedelta(seconds=start)
        old.datetime_complete = week_ago + datetime.timedelta(seconds=end)
        s.add_trial(old)
    # and one whose worker died then, closed (as a journal storage's are) only today: its
    # end is not when that was noticed, but as long as a typical complete trial (10 s)
    dead = optuna.create_trial(
        state=optuna.trial.TrialState.FAIL, user_attrs={study.RECORD_ATTR: {
            "worker": "old:0", "run": "old", "status": "interrupted",
            "reason": "its worker old:0 died (this storage has no heartbeats)"}})
    dead.datetime_start = week_ago + datetime.timedelta(seconds=200)
    dead.datetime_complete = datetime.datetime.now()
    s.add_trial(dead)
    study.run_study(spec, storage=str(db), progress=False)  # the resume: two trials, today
    new = [t for t in s.get_trials() if t.datetime_start > week_ago + datetime.timedelta(1)]
    assert len(new) == 2  # one worker: one after the other
    today = sum((t.datetime_complete - t.datetime_start).total_seconds() for t in new)
    path = reports.study_report("gap", storage=str(db), out=tmp_path / "gap")
    facts = report_facts(path.read_text())
    assert "Trials ran for" not in facts
    shown = facts["Time with a trial running"]
    assert shown.endswith(" s") and float(shown[:-2]) == pytest.approx(32 + today, abs=0.06)
    timeline = pd.read_csv(path.parent / "report_files" / "timeline.csv").set_index("number")
    assert not timeline.loc[3, "end_known"] and timeline.loc[3, "end"] == pytest.approx(210)
    assert "A trial whose worker died is drawn as long as" in " ".join(path.read_text().split())


def _dst_study(spec_file, db, name, at, spans):
    """A study of trials run ``spans`` (start, end) seconds after ``at`` (aware), added as
    optuna stores them; returns nothing: read it back in the zone under test."""
    import datetime

    from optuna.distributions import FloatDistribution, IntDistribution

    where = study.resolve_storage(str(db))
    spec = study.load_spec(spec_file(name, n_trials=len(spans), pruner="none"))
    study.create_or_resume(spec, study.open_storage(where, create=True), where)
    s = optuna.load_study(study_name=name, storage=f"sqlite:///{db}")
    for k, (start, end) in enumerate(spans):
        t = optuna.create_trial(
            params={"lr": 0.5, "width": 2 + k % 5}, value=0.1,
            distributions={"lr": FloatDistribution(0.05, 2.0, log=True),
                           "width": IntDistribution(2, 6)},
            user_attrs={study.RECORD_ATTR: {"worker": "w:0", "run": "r", "status": "converged",
                                            "seconds": max(0.0, end - start - 0.05)}})
        t.datetime_start = at + datetime.timedelta(seconds=start)
        t.datetime_complete = at + datetime.timedelta(seconds=end)
        s.add_trial(t)


def test_a_study_across_a_daylight_saving_change_has_one_timeline_in_every_zone(
        spec_file, tmp_path, time_zone):
    # optuna hands back naive local times: subtracted in Los Angeles, the trial across the
    # fall-back ended an hour before it started and later trials were drawn before earlier
    # ones; the one across the spring-forward lasted an hour, not 0.6 s
    import datetime

    from reports._timeline_data import timeline_frame

    utc = datetime.timezone.utc
    db = tmp_path / "dst.db"
    # the second trial runs across the change (09:00 UTC, 10:00 UTC); the fourth's end was
    # crafted before its start
    spans = [(0, 0.5), (0.6, 1.2), (1.3, 2.0), (2.1, 1.9)]
    _dst_study(spec_file, db, "fall", datetime.datetime(2026, 11, 1, 8, 59, 59, tzinfo=utc),
               spans)
    _dst_study(spec_file, db, "spring", datetime.datetime(2026, 3, 8, 9, 59, 59, tzinfo=utc),
               spans)
    for zone in ("America/Los_Angeles", "Asia/Shanghai", "UTC"):
        time_zone(zone)
        for name, day in (("fall", "2026-11-01T08"), ("spring", "2026-03-08T09")):
            trials = optuna.load_study(study_name=name, storage=f"sqlite:///{db}").get_trials()
            timeline = timeline_frame(trials)
            assert timeline["start"].tolist() == pytest.approx([0, 0.6, 1.3, 2.1]), (zone, name)
            assert timeline["end"].tolist() == pytest.approx([0.5, 1.2, 2.0, 2.1]), (zone, name)
            # the export: UTC times with their offset, and the durations they span
            csv = study.export_csv(name, tmp_path / f"{name}.csv", storage=str(db))
            frame = pd.read_csv(csv)
            hour = f"{day[:-2]}{int(day[-2:]) + 1:02d}"
            assert frame["datetime_start"].tolist() == [
                f"{day}:59:59.000000+00:00", f"{day}:59:59.600000+00:00",
                f"{hour}:00:00.300000+00:00", f"{hour}:00:01.100000+00:00"], (zone, name)
            assert pd.to_timedelta(frame["duration"]).dt.total_seconds().tolist() == [
                0.5, 0.6, 0.7, 0.0], (zone, name)
            if int(pd.__version__.split(".")[0]) >= 3:  # pandas 2.1 writes 0 days 00:00:00
                assert frame["duration"].tolist() == [
                    "0 days 00:00:00.500000", "0 days 00:00:00.600000",
                    "0 days 00:00:00.700000", "0 days 00:00:00.000000"], (zone, name)


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_study_show_says_when_the_report_lags_the_study(spec_file, tmp_path, monkeypatch,
                                                         capsys):
    # a run with --no-report left the report at 2 of 2 trials while show pointed at it
    monkeypatch.chdir(tmp_path)
    path = spec_file("lag", n_trials=2, pruner="none", max_epochs=4)
    assert hplab.main(["study", "run", str(path), "--json"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", "lag", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_stale"] is False
    assert hplab.main(["study", "run", str(path), "--trials", "3", "--no-report"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", "lag"]) == 0
    out = capsys.readouterr().out
    assert "report: runs/studies/lag/report.html" in out
    assert ("(written at 2 of 2 trials; now 3 of 3: hplab study report lag brings it up to "
            "date)") in out
    # a budget lowered below what ran: the hint words it as the report does (not "3 of 2")
    assert hplab.main(["study", "run", str(path), "--trials", "2", "--no-report"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", "lag"]) == 0
    assert "(written at 2 of 2 trials; now 3 (budget 2): hplab study report lag brings" in \
        capsys.readouterr().out
    assert hplab.main(["study", "report", "lag"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", "lag", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_stale"] is False
    # in another storage the hint names it: the same name in runs/hplab.db is another study
    for trials in ("2", "3"):
        assert hplab.main(["study", "run", str(path), "--storage", "o.db", "--trials", trials,
                           *(["--no-report"] if trials == "3" else [])]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", "lag", "--storage", "o.db"]) == 0
    assert "now 3 of 3: hplab study report lag --storage o.db brings it" in \
        capsys.readouterr().out


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_a_run_that_starts_no_trial_leaves_the_current_report_alone(spec_file, tmp_path,
                                                                    monkeypatch, capsys):
    # QA: a resume of a spent study wrote its report again, the best trial retrained and
    # every figure drawn (11 s for 400 trials, minutes on MNIST), for the same trials
    monkeypatch.chdir(tmp_path)
    path = str(spec_file("spent", n_trials=2, pruner="none", max_epochs=4))
    assert hplab.main(["study", "run", path, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    report = Path(first["report_path"])
    files = [report, report.parent / "spec.toml", report.parent / "best_model" / "model.npz",
             report.parent.parent.parent / "index.html"]

    def stamps():
        return [(f.stat().st_ino, f.stat().st_mtime_ns) for f in files]

    written = stamps()
    assert hplab.main(["study", "run", path, "--json"]) == 0
    out, err = capsys.readouterr()
    again = json.loads(out)
    assert again.keys() == first.keys()
    assert (again["report_path"], again["report_error"]) == (first["report_path"], None)
    assert stamps() == written  # not written again, nor its model, spec or the index
    assert err == ("hplab study run: the study already has 2 trials, its budget: this run "
                   "started none; a budget above 2 (--trials; n_trials from Python) runs "
                   f"more\nhplab study run: the report {report} is up to date with the "
                   "study's 2 finished trials: left as it is\n")
    assert hplab.main(["study", "show", "spent", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_stale"] is False
    assert hplab.main(["study", "run", path]) == 0  # the terminal's lines name it too
    assert f"report: {report}" in capsys.readouterr().out and stamps() == written
    # QA: its best_model/ or report_files/ deleted, the report's model commands and "Data:"
    # links lead nowhere: it was called up to date and left as it was
    for gone in ("best_model", "report_files"):
        shutil.rmtree(report.parent / gone)
        assert hplab.main(["study", "show", "spent", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["report_stale"] is True
        assert hplab.main(["study", "show", "spent"]) == 0
        assert f"(its {gone}/" in capsys.readouterr().out
        assert hplab.main(["study", "run", path, "--json"]) == 0
        assert "up to date" not in capsys.readouterr().err
        assert (report.parent / "best_model" / "model.npz").is_file()
        assert any((report.parent / "report_files").glob("*.csv"))
        assert hplab.main(["study", "show", "spent", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["report_stale"] is False
    written = stamps()
    # a report of other trials is written again: after one more trial
    assert hplab.main(["study", "run", path, "--trials", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_path"] == first["report_path"]
    assert stamps()[0] != written[0]
    assert "3 of 3 trials finished" in " ".join(report.read_text().split())
    # and one of a deleted study of the same name, at the same count of trials
    written = stamps()
    optuna.delete_study(study_name="spent", storage="sqlite:///runs/hplab.db")
    assert hplab.main(["study", "run", path, "--trials", "3", "--json"]) == 0
    capsys.readouterr()
    assert stamps()[0] != written[0]


def test_a_study_without_its_creation_stamp_is_told_by_one_instant_in_every_zone(
        spec_file, tmp_path, time_zone):
    # a study made before hplab stamped its creation is told by its first trial's start:
    # that was optuna's naive local time, so a report written in Shanghai was called stale
    # (written from an earlier study) in UTC
    import datetime

    db = tmp_path / "old.db"
    first = datetime.datetime(2026, 5, 4, 3, 2, 1, 500000, tzinfo=datetime.timezone.utc)
    _dst_study(spec_file, db, "old", first, [(0, 0.5), (0.6, 1.2)])
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM study_user_attributes WHERE key = ?", (study.CREATED_ATTR,))
    for zone in ("Asia/Shanghai", "UTC", "America/Los_Angeles"):
        time_zone(zone)
        assert study.show_study("old", str(db))["created"] == \
            "2026-05-04T03:02:01.500000+00:00", zone
    # a report an older hplab wrote holds that naive time: read in its writer's zone (the
    # only one it can be read in) it is the same instant, so not stale
    rep = reports.Report("study", "Study old", {"Trials": "2 of 2"}, name="old")
    rep.study_created = "2026-05-04T11:02:01.500000"  # Shanghai's wall time
    path = rep.write(tmp_path / "rep", index=False)
    summary = {"created": "2026-05-04T03:02:01.500000+00:00", "n_finished": 2, "n_trials": 2}
    time_zone("Asia/Shanghai")
    assert reports.report_lags(path, summary, "again") is None
    time_zone("UTC")
    assert "earlier study" in reports.report_lags(path, summary, "again")


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_the_report_of_a_deleted_study_is_not_taken_for_its_successors(spec_file, tmp_path,
                                                                       capsys):
    # a study deleted and run again under its name (another seed) has as many trials: show
    # pointed at the deleted study's report and called it current
    assert hplab.main(["study", "run", str(spec_file("again", n_trials=2, pruner="none",
                                                     max_epochs=4)), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    optuna.delete_study(study_name="again", storage="sqlite:///runs/hplab.db")
    path = spec_file("again", n_trials=2, pruner="none", seed=1, max_epochs=4)
    assert hplab.main(["study", "run", str(path), "--no-report", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["n_finished"] == 2
    assert hplab.main(["study", "show", "again", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["report_stale"] is True and shown["report_path"] == first["report_path"]
    assert shown["created"] == second["created"] != first["created"]
    assert hplab.main(["study", "show", "again"]) == 0
    assert ("(written from an earlier study of this name: hplab study report again rewrites "
            "it)") in capsys.readouterr().out
    assert hplab.main(["study", "report", "again"]) == 0
    capsys.readouterr()
    assert hplab.main(["study", "show", "again", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["report_stale"] is False
    # a copy is the same study; a resume keeps it too
    optuna.copy_study(from_study_name="again", from_storage="sqlite:///runs/hplab.db",
                      to_storage="sqlite:///copy.db")
    assert study.show_study("again", "copy.db")["created"] == second["created"]
    assert hplab.main(["study", "run", str(path), "--trials", "3", "--json",
                       "--no-report"]) == 0  # the stamp, not a report, is the claim here
    assert json.loads(capsys.readouterr().out)["created"] == second["created"]


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_a_multistep_best_trial_draws_its_rate_as_steps(spec_file, tmp_path, parse_html,
                                                        monkeypatch):
    from reports import _training_draw as tw

    drawn, draw = [], tw.draw_history

    def draw_history(*args, **kwargs):  # the figure, looked at before the report shuts it
        fig = draw(*args, **kwargs)
        drawn.extend(line.get_drawstyle() for ax in fig.axes
                     if ax.get_title() == "Learning rate" for line in ax.lines)
        return fig

    monkeypatch.setattr(tw, "draw_history", draw_history)
    db = tmp_path / "ms.db"
    spec = study.load_spec(spec_file(
        "ms", dataset="coin", metric="val_accuracy", n_trials=2, max_epochs=4,
        space={"lr": {"low": 0.01, "high": 0.1, "log": True}},
        fixed={"batch_size": 32, "schedule": "multistep", "lr_milestones": [20, 1000],
               "lr_gamma": 0.5}))
    study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("ms", storage=str(db), out=tmp_path / "ms")
    html = path.read_text()
    text = " ".join(parse_html(html).all_text.split())
    assert drawn == ["steps-post"]  # a ramp showed the rate sliding between checkpoints
    assert ("Learning curves of the best trial, retrained. Right: the learning rate at each "
            "checkpoint, the rate the steps after it use, held until the next checkpoint"
            in text)
    assert "<dt>fixed.<wbr>lr_milestones</dt><dd>20, 1000</dd>" in html  # not "20, 1,000"


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_an_imbalance_best_trials_curves_name_no_validation_line_they_lack(
        spec_file, tmp_path, parse_html, monkeypatch):
    # QA: the pipeline's net trains on the training split alone, yet both legends named a
    # dashed "validation" line that had no point
    from reports import _training_draw as tw

    legends, draw = {}, tw.draw_history

    def draw_history(*args, **kwargs):  # the figure, looked at before the report shuts it
        fig = draw(*args, **kwargs)
        legends.update((ax.get_title(), [t.get_text() for t in ax.get_legend().get_texts()])
                       for ax in fig.axes)
        return fig

    monkeypatch.setattr(tw, "draw_history", draw_history)
    db = tmp_path / "over.db"
    spec = study.load_spec(spec_file(
        "over", dataset="digits?imbalance=1:20&positive=8", metric="val_pr_auc", n_trials=2,
        max_epochs=5, pruner="none", space={"lr": {"low": 0.003, "high": 0.03, "log": True}},
        fixed={"imbalance_strategy": "random_over", "sampling_ratio": 0.5, "width": 8,
               "batch_size": 64}))
    study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("over", storage=str(db), out=tmp_path / "over")
    hist = pd.read_csv(path.parent / "report_files" / "best-history.csv")
    assert hist["val_loss"].isna().all() and np.isfinite(hist["train_loss"]).all()
    assert len(hist) == 6  # epochs 0 to 5
    assert legends == {"Loss": ["train"], "Accuracy": ["train"]}
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("Learning curves of the best trial, retrained. The imbalanced-learn pipeline fits "
            "its net on the (resampled) training split alone, so there is no validation "
            "curve.") in text


def _dollar_study(spec_file, dollar_csv, tmp_path) -> Path:
    """A 2-trial study on a CSV whose labels and feature names hold dollars."""
    db = tmp_path / "dollar.db"
    spec = spec_file("dollar", dataset=f"csv:{dollar_csv()}", metric="val_accuracy",
                     n_trials=2, max_epochs=3, pruner="none", space={"width": [2, 4]},
                     fixed={"batch_size": 16, "checkpoint": 1})
    study.run_study(study.load_spec(spec), storage=str(db), progress=False)
    return db


@pytest.mark.rasterized
@pytest.mark.slow
def test_a_best_trial_with_dollars_in_its_labels_is_shown(spec_file, dollar_csv, tmp_path,
                                                          monkeypatch):
    # QA: "$50k_$" broke the drawing (mathtext) and the report blamed the retrain
    db = _dollar_study(spec_file, dollar_csv, tmp_path)
    path = reports.study_report("dollar", storage=str(db), out=tmp_path / "ok")
    text = " ".join(path.read_text().split())
    assert "failed" not in text.split('<section id="best-trial')[1]
    files = {p.name for p in (tmp_path / "ok" / "report_files").iterdir()}
    assert {"best-history.csv", "confusion.csv", "decision-map-grid.csv"} <= files

    # a drawing that fails after a retrain that worked is called what it is
    from reports import _training_draw as tw

    def broken(*args, **kwargs):
        raise RuntimeError("no ink left")

    monkeypatch.setattr(tw, "draw_confusion", broken)
    # its pixels are the part above's: here the figures are built, not rasterized
    figure_stand_in(monkeypatch, typeset=False)
    path = reports.study_report("dollar", storage=str(db), out=tmp_path / "draw")
    text = " ".join(path.read_text().split())
    assert ("The best trial was retrained, but drawing its views for this report failed: "
            "no ink left.") in text
    assert "Retraining it for this report failed" not in text
    assert text.count('<section id="best-trial') == 1  # the note is in its section
    assert (tmp_path / "draw" / "best_model" / "model.npz").exists()


def test_the_specs_description_is_shown_under_the_title(shared_report, parse_html):
    # QA: [study] takes a description, and the report showed it nowhere
    _, path = shared_report
    assert SHARED["description"] == ABOUT == ("How wide, how fast: <the 4 XOR points> & "
                                              "nothing else")
    html = path.read_text(encoding="utf-8")
    page = parse_html(html)
    assert page.errors == []
    shown = '<p class="description">How wide, how fast: &lt;the 4 XOR points&gt; &amp; ' \
            'nothing else</p>'
    assert shown in html
    assert html.index("<h1>") < html.index(shown) < html.index('<p class="subtitle">')


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_a_report_without_its_retrained_best_trial_says_so_on_stderr(spec_file, tmp_path,
                                                                     capfd):
    # QA: a best trial that could not be retrained (its data unreadable to this user) gave a
    # report without test scores or curves, said only in a note inside the page
    data_file = tmp_path / "data" / "two.csv"
    data_file.parent.mkdir()
    X = np.random.default_rng(0).normal(size=(60, 2))
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": (X[:, 0] > 0).astype(int)}).to_csv(
        data_file, index=False)
    spec = spec_file("gone", dataset=f"csv:{data_file}", n_trials=1, pruner="none",
                     max_epochs=2)
    study.run_study(study.load_spec(spec), storage=str(tmp_path / "g.db"), progress=False)
    data_file.parent.rename(tmp_path / "elsewhere")
    # stderr as a user sees it (warnings as the program prints them, optuna's log lines),
    # without a process of its own: no figure of this report is what it is about
    code, out, err = run_cli_as_program(["study", "report", "gone", "--storage", "g.db",
                                         "--out", "rep", "--json"], capfd)
    assert code == 0
    assert err == (
        f"hplab study report: warning: the best trial could not be retrained (file not found: "
        f"{data_file}): the report shows no test scores or curves\n")
    assert out == '{"study": "gone", "report_path": "rep/report.html"}\n'


@pytest.mark.usefixtures("unrasterized")
@pytest.mark.slow
def test_a_failed_retrain_keeps_the_best_model_of_the_same_trial(spec_file, tmp_path,
                                                                parse_html):
    # the data moved: the retrain fails, and best_model/ was deleted with nothing in its
    # place, though it held the one copy of the best trial's model
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    folder = tmp_path / "data"
    folder.mkdir()
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": (X[:, 0] > 0).astype(int)}).to_csv(
        folder / "two.csv", index=False)
    db = tmp_path / "moved.db"
    spec = study.load_spec(spec_file("moved", dataset=f"csv:{folder / 'two.csv'}", n_trials=2,
                                     metric="val_accuracy", pruner="none", max_epochs=4))
    study.run_study(spec, storage=str(db), progress=False)
    out = tmp_path / "rep"
    reports.study_report("moved", storage=str(db), out=out)
    model = (out / "best_model" / "model.npz").read_bytes()
    folder.rename(tmp_path / "elsewhere")
    with pytest.warns(UserWarning, match="the best trial could not be retrained"):
        path = reports.study_report("moved", storage=str(db), out=out)
    assert (out / "best_model" / "model.npz").read_bytes() == model
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert ("Retraining it for this report failed: file not found" in text
            and "best_model/ beside this report keeps the model an earlier report retrained "
                "from this trial." in text)
    assert sorted(p.name for p in out.iterdir()) == ["best_model", "report.html",
                                                      "report_files", "spec.toml"]


def test_the_best_of_a_front_minimizing_its_first_objective_is_its_lowest():
    # every report test put val_accuracy (maximized) first: a sentence saying "highest
    # val_loss" beside the summary's lowest passed them
    from reports._study_text import why_best
    from study._summary import _best

    spec = study.parse_spec({
        "study": {"name": "lo", "dataset": "coin", "metric": ["val_loss", "n_parameters"],
                  "pruner": "none"},
        "space": {"lr": {"low": 0.01, "high": 0.5, "log": True}}})
    assert spec.directions == ("minimize", "minimize")
    s = optuna.create_study(directions=spec.directions)
    for values in ([0.3, 50], [0.2, 90], [0.5, 20], [0.6, 95]):  # #3 is dominated
        s.add_trial(optuna.trial.create_trial(values=values))
    summary = _best(s, s.get_trials())
    assert [p["number"] for p in summary["pareto_front"]] == [0, 1, 2]
    assert summary["best_trial"] == 1 and summary["best_value"] == [0.2, 90]
    assert why_best(spec, summary) == (
        "Of the 3 trials on the Pareto front (#0, #1, #2), this is the one with the lowest "
        "val_loss, the first metric.")


def test_the_badge_says_queued_and_the_busy_time_counts_overlaps_once():
    # guarded by slow tests only: a study whose budget is spent but a point waits is
    # "queued", not "complete"; trials of two workers running at once count once
    from reports._study_status import status
    from reports._study_text import busy_time

    spent = {"n_finished": 4, "n_complete": 4, "n_fail": 0, "n_running": 0, "n_waiting": 1}
    assert status(spent, 4) == "queued"
    assert status({**spent, "n_waiting": 0}, 4) == "complete"
    assert status({**spent, "n_finished": 3, "n_running": 1}, 4) == "running"
    # 0-10 with 5-12 and 3-4 inside it: 12 s; then 20-25 after a gap: 17 s, not 23 s
    timeline = pd.DataFrame({"start": [5.0, 0.0, 20.0, 3.0], "end": [12.0, 10.0, 25.0, 4.0]})
    assert busy_time(timeline) == "17.0 s"


def test_the_first_problem_keeps_an_ellipsis_and_ends_one_sentence():
    # "lr 0.25 is not on the spec's grid 0.1, 0.2..." lost its ellipsis: a grid of two
    from reports._study_text import outcome_text

    summary = {"n_complete": 6, "n_pruned": 0, "n_diverged": 0, "n_fail": 0, "n_running": 0,
               "problems": [{"number": 7, "status": "error",
                             "reason": "lr 0.25 is not on the spec's grid 0.1, 0.2..."}]}
    assert outcome_text(summary, 7, 25).endswith(
        "First problem: trial #7 error: lr 0.25 is not on the spec's grid 0.1, 0.2...")
    summary["problems"][0]["reason"] = "boom."
    assert outcome_text(summary, 7, 25).endswith("First problem: trial #7 error: boom.")


def _problems(n: int) -> list[dict]:
    return [{"number": 3 * k, "status": "diverged",
             "reason": f"train loss {100 + k}.5 exceeded 10x its first value"}
            for k in range(n)]


@pytest.mark.parametrize("n_trials, n_problems, words", [
    (30, 5, "The table of trials below gives each one's reason."),
    (500, 30, "The table of the 30 problem trials below gives each one's reason."),
    (1500, 491, "The table of problem trials below shows the newest 25 of 491; "
                "problem-trials.csv (in report_files) holds all of them with their reasons. "
                "By reason: 491 diverged: train loss … exceeded 10x its first value."),
])
def test_the_trials_text_says_where_every_problems_reason_is_at_any_size(n_trials, n_problems,
                                                                          words):
    # QA: "The tables of trials below give every trial's reason" above tables showing 25
    # of 1500 and 25 of 491 rows, the oldest problems first
    from reports._study_text import outcome_text

    summary = {"n_complete": n_trials - n_problems, "n_pruned": n_problems,
               "n_diverged": n_problems, "n_fail": 0, "n_running": 0,
               "problems": _problems(n_problems)}
    text = outcome_text(summary, n_trials, 25)
    assert text.endswith("First problem: trial #0 diverged: train loss 100.5 exceeded 10x its "
                         f"first value. {words}")


def test_a_long_list_of_problems_is_counted_by_kind_of_reason():
    from reports._problem_words import problems_where

    problems = _problems(40) + [{"number": 200 + k, "status": "error", "reason": reason}
                                for k, reason in enumerate(["boom", "boom", "disk full",
                                                            "out of memory", None])]
    assert problems_where(problems, 300, 25).endswith(
        "By reason: 40 diverged: train loss … exceeded 10x its first value; 2 error: boom; "
        "1 error: disk full; and 2 other kinds.")


@pytest.mark.slow
def test_a_long_problem_table_lists_the_newest_first(spec_file, tmp_path, parse_html):
    # a study resumed over days listed its oldest 25 problems; the newest, those a user
    # looks into after a change, were only in problem-trials.csv
    spec = study.load_spec(spec_file(
        "div", n_trials=120, sampler="random", pruner="none", max_epochs=3,
        space={"lr": {"low": 0.01, "high": 1000.0, "log": True}, "width": {"low": 2, "high": 6}},
        fixed={"optimizer": "sgd", "batch_size": 2, "checkpoint": 1}))
    summary = study.run_study(spec, storage=str(tmp_path / "div.db"), progress=False)
    diverged = summary["n_diverged"]
    assert diverged > 37  # more than the page shows (25, or up to 37 all of them)
    path = reports.study_report("div", storage=str(tmp_path / "div.db"), out=tmp_path / "rep")
    problems = pd.read_csv(path.parent / "report_files" / "problem-trials.csv")
    assert len(problems) == diverged
    assert list(problems["number"]) == sorted(problems["number"], reverse=True)
    text = " ".join(parse_html(path.read_text()).all_text.split())
    assert (f"The table of problem trials below shows the newest 25 of {diverged}; "
            "problem-trials.csv (in report_files) holds all of them with their reasons. "
            f"By reason: {diverged} diverged: train loss … exceeded 10x its first value.") in text
    assert "The trials that diverged or failed, newest first, and why each stopped." in text
    assert f"Showing the first 25 of {diverged} rows" in text


@pytest.mark.usefixtures("unrasterized")
def test_the_contour_figures_alt_says_when_it_draws_only_the_trials(spec_file, tmp_path,
                                                                    parse_html):
    # QA (a screen reader): the alt said "Contour chart of val_accuracy over lr and
    # activation" where a categorical axis (or too few trials) draws the trials alone, a
    # scatter titled "(trials)"
    db = tmp_path / "cat.db"
    spec = study.load_spec(_coin_spec(spec_file, "cat", n_trials=6, pruner="none", space={
        "lr": {"low": 0.003, "high": 0.3, "log": True}, "activation": ["tanh", "relu"]}))
    study.run_study(spec, storage=str(db), progress=False)
    path = reports.study_report("cat", storage=str(db), out=tmp_path / "cat")
    images = {a["alt"] for a in parse_html(path.read_text()).find("img")}
    params = set(pd.read_csv(path.parent / "report_files" / "contour.csv").columns)
    assert {"lr", "activation"} <= params
    (alt,) = [a for a in images if " over " in a and ("lr" in a and "activation" in a)]
    assert alt.startswith("Scatter chart of the trials' val_accuracy over "), alt
    assert not any(a.startswith("Contour chart") for a in images)


@pytest.mark.usefixtures("unrasterized")
def test_the_saved_spec_runs_every_trial_after_a_lowered_budget(spec_file, tmp_path):
    # QA: a resume with --trials 5 on a study of 7 stored n_trials = 5 in spec.toml: run
    # again, the file made 5 trials, the report's best (#6) not among them
    path = spec_file("lowered", n_trials=3, pruner="none", max_epochs=4)
    db = tmp_path / "l.db"
    assert hplab.main(["study", "run", str(path), "--storage", str(db), "--no-report"]) == 0
    assert hplab.main(["study", "run", str(path), "--storage", str(db), "--trials", "2",
                       "--no-report"]) == 0
    out = tmp_path / "rep"
    reports.study_report("lowered", storage=str(db), out=out)
    saved = study.load_spec(out / "spec.toml")
    assert saved.n_trials == 3 and study.stored_spec("lowered", str(db))[0].n_trials == 2
    again = tmp_path / "again.db"  # the same study again, as the README says
    study.run_study(saved, storage=str(again), progress=False)
    assert [t.values for t in trials_of(again, "lowered")] == \
        [t.values for t in trials_of(db, "lowered")]


@pytest.mark.usefixtures("unrasterized")
def test_a_moved_project_gives_a_report_to_the_file_that_moved_not_to_a_copy(
        spec_file, tmp_path, monkeypatch, capsys):
    # review: after a move, a copy st.db beside the moved bk/st.db took bk/st.db's report
    # (the recorded /a/bk/st.db ends with st.db too) and its next report replaced it
    path = spec_file("nest", n_trials=1, pruner="none", max_epochs=4)
    (tmp_path / "a" / "bk").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a")
    assert hplab.main(["study", "run", str(path), "--storage", "bk/st.db", "--json"]) == 0
    shutil.copy("bk/st.db", "st.db")
    shutil.move(tmp_path / "a", tmp_path / "b")
    monkeypatch.chdir(tmp_path / "b")
    capsys.readouterr()

    def report_of(storage):
        assert hplab.main(["study", "show", "nest", "--storage", storage, "--json"]) == 0
        found = json.loads(capsys.readouterr().out)["report_path"]
        return found and Path(found).resolve()

    assert report_of("st.db") is None
    assert report_of("bk/st.db") == (tmp_path / "b/runs/studies/nest/report.html").resolve()


@pytest.mark.slow
@pytest.mark.usefixtures("unrasterized")
def test_a_best_trial_others_tied_says_so(spec_file, tmp_path, parse_html):
    # QA: a study whose best val_pr_auc three trials scored named #2 as its best trial with
    # no word of #4 and #6: the best of equals, which the report now says
    db = tmp_path / "tie.db"
    spec = study.load_spec(spec_file("tie", metric="val_accuracy", n_trials=6, max_epochs=400,
                                     seed=1, pruner="none"))
    study.run_study(spec, storage=str(db), progress=False)
    trials = optuna.load_study(study_name="tie", storage=f"sqlite:///{db}").trials
    best = max(t.value for t in trials)
    equal = [t.number for t in trials if t.value == best]
    assert len(equal) >= 2  # XOR's 4 validation points: several trials score 1.0
    page = reports.study_report("tie", storage=str(db), out=tmp_path / "r")
    text = " ".join(parse_html(page.read_text()).all_text.split())
    others = [f"#{n}" for n in equal[1:]]
    names = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
    assert (f"Best trial: #{equal[0]}" in text and f"{'Trial' if len(others) == 1 else 'Trials'} "
            f"{names} scored the same val_accuracy as this one, 1: it is the best of equals."
            in text), text[text.index("Best trial:"):][:400]


def test_the_subtitle_seed_and_spec_row_read_as_words_and_a_link(shared_report, parse_html):
    # QA: pruner "none" read "tpe sampler · none pruner", the best trial "Retrained from its
    # configuration and seed [0, 6]" (a Python list), and the Provenance's "Spec: spec.toml
    # beside this report" named the file without linking it
    _, path = shared_report
    html = path.read_text()
    text = " ".join(parse_html(html).all_text.split())
    assert " · no pruner · " in text and "none pruner" not in text
    best = re.search(r"Retrained from its configuration, seeded by the study's seed 0 and "
                     r"its trial number (\d+) \(SeedSequence\(\[0, (\d+)\]\)\)", text)
    assert best and best.group(1) == best.group(2)
    assert "seed [0," not in text
    assert re.search(r'<dt>Spec</dt><dd><a href="spec.toml">spec.toml</a> beside this report',
                     html)
    assert (path.parent / "spec.toml").is_file()


def test_the_findings_under_the_cards_say_the_best_how_many_and_whether_to_run_more(
        shared_report):
    # QA: the masthead held cards only; the one instruction ("More trials: ...", with its
    # command) sat inside "What mattered", halfway down
    from types import SimpleNamespace

    from reports._study_findings import findings_text

    storage, path = shared_report
    page = path.read_text()
    header = page[:page.index("</header>")]
    assert header.index('<dl class="stats">') < header.index('<p class="prose lead">')
    lead = re.findall(r'<p class="prose lead">(.*?)</p>', header, re.S)
    # review: the parameters are the card's just above, word for word: not said again
    assert [" ".join(html.unescape(re.sub(r"<[^>]+>", "", p)).split()) for p in lead] == [
        "Trial #1 scored the best val_loss, 0.6909, among 4 complete trials: too few to tell "
        "whether the best line was still falling. More trials are suggested: 4 complete "
        "trials give only a rough ranking of the parameters (What mattered says how many "
        "more, and why). From this report's folder, this runs the study on:"]
    command = re.findall(r'<pre class="code"><code>(.*?)</code>', header, re.S)
    assert command == [f"hplab study run nota --trials 41 --storage sqlite:///{storage} --out ."]
    # the same study with 12 finished trials, had its best come last: the line still
    # falling, more may do better; or not last: none after it did better
    summary = {"n_complete": 10, "n_finished": 12, "n_pruned": 2, "best_trial": 11,
               "best_value": 0.6909, "best_params": {"lr": 7.76e-4, "width": 2}}
    spec = SimpleNamespace(metrics=["val_loss"], directions=["minimize"],
                           multi_objective=False)
    assert findings_text(summary, spec, 0) == (
        "Trial #11 scored the best val_loss, 0.6909, among 10 complete trials of the 12 "
        "finished (2 pruned). It came late (0 finished trials after it): the best line was "
        "still falling, so more trials may find better.")
    assert findings_text({**summary, "best_trial": 5}, spec, 6) == (
        "Trial #5 scored the best val_loss, 0.6909, among 10 complete trials of the 12 "
        "finished (2 pruned). No trial of the 6 finished after it did better.")
    # review: trial #0 of a 1-trial study "came late (0 finished trials after it): the best
    # line was still climbing"; so did #3 of 4. Under 8 finished trials, the last quarter
    # of them is one trial or none
    one = {"n_complete": 1, "n_finished": 1, "n_pruned": 0, "best_trial": 0,
           "best_value": 0.39, "best_params": {"lr": 0.1}}
    up = SimpleNamespace(metrics=["val_accuracy"], directions=["maximize"],
                         multi_objective=False)
    assert findings_text(one, up, 0) == (
        "Trial #0 scored the best val_accuracy, 0.39, among 1 complete trial: too few to tell "
        "whether the best line was still climbing.")
    assert findings_text({**summary, "n_complete": 5, "n_finished": 7, "best_trial": 6},
                         spec, 0) == (
        "Trial #6 scored the best val_loss, 0.6909, among 5 complete trials of the 7 "
        "finished (2 pruned): too few to tell whether the best line was still falling.")


def _pruned_study(spec_file, tmp_path):
    """(spec, summary, its optuna study) of conftest's `pruned_study`."""
    spec, summary, db = pruned_study(spec_file, tmp_path)
    return spec, summary, optuna.load_study(study_name="pruned", storage=f"sqlite:///{db}")


def test_the_findings_judge_a_late_best_on_the_finished_trials_pruned_ones_too(spec_file,
                                                                              tmp_path):
    # mutation QA: judging "too few to tell" on the complete trials (6) in place of the
    # finished ones (10) passed every fast test: no study tried had 8 finished, fewer complete
    from reports._study_findings import LATE_MIN_FINISHED, findings_text, trials_after

    spec, summary, s = _pruned_study(spec_file, tmp_path)
    assert summary["n_complete"] < LATE_MIN_FINISHED <= summary["n_finished"]
    after = trials_after(s.trials, summary["best_trial"])
    assert findings_text(summary, spec, after) == (
        "Trial #6 scored the best val_loss, 0.6842, among 6 complete trials of the 10 "
        "finished (4 pruned). No trial of the 3 finished after it did better.")


def test_only_a_trial_of_exactly_the_best_value_is_named_its_equal(spec_file, tmp_path):
    # mutation QA: naming trials within 1e-3 of the best as having "scored the same"
    # passed every fast test: the only tie tried was of accuracies of exactly 1
    from reports._study_text import tied_with_best

    spec, _, s = _pruned_study(spec_file, tmp_path)
    best = s.best_trial
    assert (best.number, best.value) == (6, pytest.approx(0.684172))
    lr = optuna.distributions.FloatDistribution(0.05, 2.0, log=True)
    width = optuna.distributions.IntDistribution(2, 6)
    for value in (best.value + 1e-4, best.value):  # #10 just behind, #11 its equal
        s.add_trial(optuna.trial.create_trial(params=best.params, value=value,
                                              distributions={"lr": lr, "width": width}))
    assert tied_with_best(spec, s.trials, s.best_trial) == (
        "Trial #11 scored the same val_loss as this one, 0.6842: it is the best of equals.")


def test_importance_methods_that_disagree_on_the_first_parameter_are_said_to():
    # QA (coin, 12 trials): "Agreement between the two is reassuring" under PED-ANOVA's lr
    # at 0.77, which fANOVA gave 0.05, putting width first
    from reports._study_importance import agreement_text

    imp = pd.DataFrame({"param": ["lr", "batch_size", "width", "width", "activation", "lr"],
                        "method": ["PED-ANOVA"] * 3 + ["fANOVA"] * 3,
                        "importance": [0.7694467, 0.0990921, 0.0589198, 0.4069027, 0.2854036,
                                       0.0487576]})
    assert agreement_text(imp, ["PED-ANOVA", "fANOVA"]) == (
        " The two disagree: PED-ANOVA puts lr first (0.7694; fANOVA 0.04876), fANOVA puts "
        "width first (0.4069; PED-ANOVA 0.05892). A parameter can set the best trials apart "
        "without explaining much of the value's spread over all trials, or the reverse, and "
        "with few trials either ranking may be noise. Read neither as settled; more trials "
        "tell them apart.")
    # QA: the same advice under 2,354 complete trials, whose fANOVA ran on a 500-trial sample
    imp.attrs["n_complete"] = 2354
    assert agreement_text(imp, ["PED-ANOVA", "fANOVA"]).endswith(
        "PED-ANOVA 0.05892). A parameter can set the best trials apart without explaining "
        "much of the value's spread over all trials, or the reverse: read each ranking as "
        "what its method measures.")
    imp.attrs["n_complete"] = 12
    agree = imp.assign(importance=[0.7, 0.2, 0.1, 0.3, 0.1, 0.6])
    assert agreement_text(agree, ["PED-ANOVA", "fANOVA"]) == (
        " Both put lr first: agreement between the two is reassuring.")
