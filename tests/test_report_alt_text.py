"""A figure's default alt text says what its axes show, not its title alone."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from conftest import figure_stand_in

import reports
import study
from reports import design


def _label(draw) -> str:
    with design.style():
        fig = design.new_figure()
        draw(fig)
        return design.figure_label(fig)


def test_an_alt_says_what_each_axis_shows_as_the_figure_labels_it():
    # QA: the alt texts were the titles again ("Chart: Trials by outcome"), which a reader
    # of the figure has read already; the axes' labels say what is plotted against what

    def bars(fig):  # an axis of names, its quantity on the other
        ax = fig.subplots()
        ax.barh(["complete", "pruned", "fail"], [10, 3, 1])
        ax.set(title="Trials by outcome", xlabel="trials")

    def panels(fig):  # each panel titled by its quantity, over a labelled x axis
        for ax, title in zip(fig.subplots(1, 2), ("Loss", "Accuracy"), strict=True):
            ax.plot([0, 1, 2], [0.5, 0.3, 0.2])
            ax.set(title=title, xlabel="epoch")

    def slices(fig):  # a suptitle: the panels' axes said once, by their y
        for ax, x in zip(fig.subplots(1, 3), ("lr", "width", "lr"), strict=True):
            ax.plot([0, 1], [0, 1])
            ax.set(xlabel=x, ylabel="val_accuracy")
        fig.suptitle("Slices (darker = later trial)")

    def shared(fig):  # the y axis labelled on the first panel only
        for k, ax in enumerate(fig.subplots(1, 2, sharey=True)):
            ax.plot([0, 1], [0, 1])
            ax.set(xlabel="epoch", ylabel="val_loss" if k == 0 else "")
        fig.suptitle("Learning curves: val_loss, a panel per activation")

    def heat(fig):  # a colour bar says what the colour is
        ax = fig.subplots()
        fig.colorbar(ax.imshow(np.eye(2)), ax=ax, label="share of the true class")
        ax.set(title="Confusion matrix (test set)", xlabel="predicted class",
               ylabel="true class")

    def many(fig):  # a long list of names cut short
        ax = fig.subplots()
        ax.barh([f"w{k}" for k in range(8)], range(8))
        ax.set(xlabel="seconds")

    def log_ticks(fig):  # 10^k ticks are numbers, not names
        ax = fig.subplots()
        ax.loglog([1, 100], [1, 1000])
        ax.set(title="Loss", xlabel="learning rate (log scale)")

    assert _label(bars) == "Chart: Trials by outcome — trials for each of complete, pruned, fail"
    assert _label(panels) == "Charts: Loss against epoch; Accuracy against epoch"
    assert _label(slices) == ("Chart: Slices (darker = later trial) — val_accuracy against "
                              "lr, width")
    assert _label(shared) == ("Chart: Learning curves: val_loss, a panel per activation — "
                              "val_loss against epoch")
    assert _label(heat) == ("Chart: Confusion matrix (test set) — true class against "
                            "predicted class, colour: share of the true class")
    assert _label(many) == "Chart: seconds for each of w0, w1, w2, w3, w4 and 3 more"
    assert _label(log_ticks) == "Chart: Loss against learning rate (log scale)"


@pytest.mark.slow
def test_every_default_alt_of_a_study_report_says_more_than_its_titles(spec_file, tmp_path,
                                                                       monkeypatch):
    figure_stand_in(monkeypatch, typeset=False)
    titled, label = {}, design.figure_label

    def recorded(fig):  # each figure's titles, as the report's figures draw them
        said = label(fig)
        titles = [fig.get_suptitle()] if fig.get_suptitle() else [
            ax.get_title() for ax in fig.axes if ax.get_title()]
        titled[said] = "; ".join(titles)
        return said

    monkeypatch.setattr(design, "figure_label", recorded)
    spec = study.load_spec(spec_file(
        "mo", dataset="coin", metric=["val_accuracy", "n_parameters"], n_trials=6,
        max_epochs=6, sampler="nsga2", pruner="none", sampler_options={"population_size": 3},
        fixed={"optimizer": "adam", "batch_size": 32, "checkpoint": 2}))
    study.run_study(spec, storage=str(tmp_path / "mo.db"), progress=False)
    page = reports.study_report("mo", storage=str(tmp_path / "mo.db"),
                                out=tmp_path / "mo").read_text()
    alts = {html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', page)}
    defaults = {alt: titles for alt, titles in titled.items() if alt in alts and titles}
    assert len(defaults) >= 8, alts  # outcomes, history, pareto, slices... test set
    for alt, titles in defaults.items():
        assert alt not in (f"Chart: {titles}", f"Charts: {titles}"), alt
    assert ("Chart: Pareto front (#: trial number; better: right, down) — n_parameters "
            "against val_accuracy") in alts
    assert ("Chart: Optimization history: val_accuracy — val_accuracy against trial number"
            in alts)
